// The crosshair tool on the map: the overlay fixed at the centre of the visible map, the map's
// padding that puts its centre there (so a search, "locate me" or a test's jumpTo centre on the
// crosshair too), the panel's big buttons, and the corners drawn as they grow. The corner list,
// undo, closing and the visible-centre rule are crosshair.ts's; the editor owns the drawing.
import type { FeatureCollection, Polygon } from 'geojson';
import type { GeoJSONSource, Map as MapLibreMap, PaddingOptions } from 'maplibre-gl';
import { formatNumber, t } from '../i18n/i18n.ts';
import { clear, h } from '../ui/dom.ts';
import { followLang } from './lang-bound.ts';
import { CornerList, SAME_AS_LAST, snapCorner, visibleCentre, visiblePadding, type Corner, type Padding } from './crosshair.ts';
import type { DrawSession } from './draw-adapter.ts';
import type { LonLat, SnapRing } from './snap.ts';

const SOURCE = 'bando-crosshair';

/** What the tool needs from the editor. */
export type CrosshairHost = {
  map: MapLibreMap;
  session: DrawSession;
  /** The card's panel the tool fills with its buttons. */
  panel: HTMLElement;
  /** What may lie over the map (the tool strip, the editor card, the phone's sheet): the visible map is what they leave. */
  covers: () => readonly Element[];
  /** The parcels' and plots' rings the drawing snaps to, and whether snapping is on. */
  rings: () => readonly SnapRing[];
  snapping: () => boolean;
  /** Called once when the tool ends: with the editor id of the closed polygon, or undefined when cancelled. */
  onEnd: (polygonId: string | undefined) => void;
};

/** A running crosshair tool. */
export type CrosshairTool = {
  /** The editor id of the polygon the corners make (from 3 corners), if any. */
  polygonId(): string | undefined;
  /** Shows again where a corner added now would go (after the snap targets changed). */
  refresh(): void;
  /** Leaves the tool, dropping the corners. */
  cancel(): void;
};

/** The crosshair drawn as an SVG: a white halo under a dark cross, open in the middle so the ground shows. */
const CROSS_SVG =
  '<svg viewBox="-24 -24 48 48" width="48" height="48" aria-hidden="true">' +
  '<g stroke-linecap="round" fill="none">' +
  '<path d="M-22 0H-5M5 0H22M0 -22V-5M0 5V22" stroke="#fff" stroke-width="5"/>' +
  '<circle r="9" stroke="#fff" stroke-width="4"/>' +
  '<path d="M-22 0H-5M5 0H22M0 -22V-5M0 5V22" class="crosshair-ink" stroke-width="2"/>' +
  '<circle r="9" class="crosshair-ink" stroke-width="1.5"/>' +
  '<circle r="1.5" class="crosshair-dot"/>' +
  '</g></svg>';

/** Starts the crosshair tool: the map pans under a fixed crosshair and each "add corner" places one there. */
export function startCrosshair(host: CrosshairHost): CrosshairTool {
  const { map, session, panel } = host;
  const corners = new CornerList();
  const previousPadding: PaddingOptions = map.getPadding();
  let polygonId: string | undefined;
  let ended = false;
  let frame = 0;
  let padding: Padding = { top: 0, right: 0, bottom: 0, left: 0 };
  /** What the last corner added snapped to, in words of the language shown ('' when it stayed at the crosshair). */
  let placedNote: () => string = () => '';
  /** The refusal shown under the buttons, if any (a function: it is worded again on a language switch). */
  let messageText: (() => string) | undefined;
  // Every text of the panel follows the language while the tool is open; end() stops it.
  const words = followLang();

  const cross = h('div', { class: 'crosshair', id: 'crosshair', 'aria-hidden': 'true' });
  cross.innerHTML = CROSS_SVG;
  map.getContainer().append(cross);

  const button = (id: string, label: () => string, onclick: () => void, extra = '') =>
    words.label(h('button', { type: 'button', class: `btn crosshair-btn ${extra}`.trim(), id, onclick }), label);
  const count = words.text(h('p', { class: 'summary', id: 'crosshair-count', 'aria-live': 'polite' }), () => countText());
  const snapNote = h('p', { class: 'hint', id: 'crosshair-snap', 'aria-live': 'polite' });
  const message = h('p', { class: 'form-error', id: 'crosshair-message', role: 'alert', hidden: true });
  const undoButton = button(
    'crosshair-undo',
    () => t('undo'),
    () => undo(),
  );
  // Cancelling throws the corners away: with some placed, the first tap asks, a second within 4 s does it.
  let cancelArmed: ReturnType<typeof setTimeout> | undefined;
  /** The corners the armed Huỷ would drop (0: not armed). */
  let cancelCorners = 0;
  const cancelText = () => (cancelCorners ? t('crosshairCancelConfirm', { n: cancelCorners }) : t('cancel'));
  const cancelButton = button('crosshair-cancel', cancelText, () => {
    const n = corners.corners.length;
    if (n === 0 || cancelArmed) {
      clearTimeout(cancelArmed);
      end(undefined);
      return;
    }
    cancelCorners = n;
    cancelButton.textContent = cancelText();
    cancelButton.classList.add('btn-danger');
    cancelArmed = setTimeout(() => {
      cancelArmed = undefined;
      cancelCorners = 0;
      cancelButton.textContent = cancelText();
      cancelButton.classList.remove('btn-danger');
    }, 4000);
  });
  clear(panel);
  panel.append(
    words.text(h('h3'), () => t('crosshairTool')),
    words.text(h('p', { class: 'hint' }), () => t('crosshairHint')),
    h(
      'div',
      { class: 'crosshair-actions' },
      button(
        'crosshair-add',
        () => t('crosshairAdd'),
        () => add(),
        'btn-primary',
      ),
      undoButton,
      button(
        'crosshair-finish',
        () => t('crosshairFinish'),
        () => finish(),
      ),
      cancelButton,
    ),
    count,
    snapNote,
    message,
  );
  panel.hidden = false;

  map.addSource(SOURCE, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  map.addLayer({
    id: `${SOURCE}-band`,
    type: 'line',
    source: SOURCE,
    filter: ['==', ['get', 'kind'], 'band'],
    paint: { 'line-color': '#E65100', 'line-width': 2, 'line-dasharray': [2, 2] },
  });
  map.addLayer({
    id: `${SOURCE}-path`,
    type: 'line',
    source: SOURCE,
    filter: ['==', ['get', 'kind'], 'path'],
    paint: { 'line-color': '#E65100', 'line-width': 3 },
  });
  map.addLayer({
    id: `${SOURCE}-corners`,
    type: 'circle',
    source: SOURCE,
    filter: ['==', ['get', 'kind'], 'corner'],
    paint: {
      'circle-radius': 6,
      'circle-color': ['case', ['get', 'snapped'], '#00B8D4', '#E65100'],
      'circle-stroke-color': '#fff',
      'circle-stroke-width': 2,
    },
  });
  map.addLayer({
    id: `${SOURCE}-snap`,
    type: 'circle',
    source: SOURCE,
    filter: ['==', ['get', 'kind'], 'snap'],
    paint: { 'circle-radius': 7, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': '#00B8D4', 'circle-stroke-width': 3 },
  });

  /** Where a corner added now would go (snapped as a drawn vertex would be). */
  function candidate(): Corner {
    const centre = map.getCenter();
    const at: LonLat = [centre.lng, centre.lat];
    if (!host.snapping()) return { at, snapped: undefined };
    const px = map.project(centre);
    return snapCorner(at, { x: px.x, y: px.y }, host.rings(), (p) => map.project(p), map.getZoom());
  }

  /** The corners, the path between them and the dashed band through the crosshair, and the snap target. */
  function drawPreview(): void {
    frame = 0;
    if (ended) return;
    const next = candidate();
    const placed = corners.positions;
    const data: FeatureCollection = { type: 'FeatureCollection', features: [] };
    if (placed.length >= 2 && placed.length < 3)
      data.features.push({ type: 'Feature', properties: { kind: 'path' }, geometry: { type: 'LineString', coordinates: placed } });
    const last = placed[placed.length - 1];
    if (last) {
      const band = [last, next.at, ...(placed.length >= 2 ? [placed[0]!] : [])];
      data.features.push({ type: 'Feature', properties: { kind: 'band' }, geometry: { type: 'LineString', coordinates: band } });
    }
    for (const c of corners.corners)
      data.features.push({
        type: 'Feature',
        properties: { kind: 'corner', snapped: Boolean(c.snapped) },
        geometry: { type: 'Point', coordinates: c.at },
      });
    if (next.snapped)
      data.features.push({ type: 'Feature', properties: { kind: 'snap' }, geometry: { type: 'Point', coordinates: next.at } });
    (map.getSource(SOURCE) as GeoJSONSource | undefined)?.setData(data);
    cross.classList.toggle('is-snapped', Boolean(next.snapped));
    cross.dataset.snap = next.snapped ?? '';
    // What the crosshair would snap to now, else what the last corner snapped to.
    snapNote.textContent = next.snapped ? t(next.snapped === 'vertex' ? 'crosshairWillSnapVertex' : 'crosshairWillSnapEdge') : placedNote();
  }
  const schedulePreview = () => {
    if (!frame) frame = requestAnimationFrame(drawPreview);
  };

  /** Keeps the crosshair at the centre of what the bars leave visible, and the map's centre under it. */
  function place(): void {
    if (ended) return;
    const box = map.getContainer().getBoundingClientRect();
    const next = visiblePadding(
      box,
      host.covers().map((e) => e.getBoundingClientRect()),
    );
    if (next.top !== padding.top || next.bottom !== padding.bottom) {
      padding = next;
      // The map keeps its centre (the ground under the crosshair) and moves it to the new middle.
      map.setPadding(padding);
    }
    const centre = visibleCentre({ width: box.width, height: box.height }, padding);
    cross.style.left = `${centre.x}px`;
    cross.style.top = `${centre.y}px`;
  }
  const observer = new ResizeObserver(() => place());
  for (const e of host.covers()) observer.observe(e);
  observer.observe(map.getContainer());

  /** The corners placed and the length around them, in the language shown. */
  function countText(): string {
    const n = corners.corners.length;
    const { perimeterM } = corners.measure();
    // The area is the editor's live-area line under this panel (the same figure, from 3 corners).
    return n >= 3
      ? t('crosshairPerimeter', { n, m: formatNumber(perimeterM, 1) })
      : n === 2
        ? t('crosshairCornersLength', { n, m: formatNumber(perimeterM, 1) })
        : t('crosshairCorners', { n });
  }

  function render(note?: () => string): void {
    const n = corners.corners.length;
    const { areaM2, perimeterM } = corners.measure();
    count.dataset.corners = String(n);
    count.dataset.m2 = areaM2.toFixed(1);
    count.dataset.perimeter = perimeterM.toFixed(1);
    count.textContent = countText();
    undoButton.disabled = n === 0;
    if (note !== undefined) placedNote = note;
    // From 3 corners the polygon is the editor's: its live area and the server's validation show in the card.
    const polygon: Polygon | undefined = corners.polygon();
    if (polygon && polygonId) session.replace(polygonId, polygon);
    else if (polygon) polygonId = session.add(polygon);
    else if (polygonId) {
      session.remove(polygonId);
      polygonId = undefined;
    }
    drawPreview();
  }

  function say(text: (() => string) | undefined): void {
    messageText = text;
    message.textContent = text?.() ?? '';
    message.hidden = !text;
  }
  // A switch of language words again what the panel says now (the corners stay as they are).
  words.redraw(() => {
    say(messageText);
    drawPreview();
  });

  function add(): void {
    const corner = candidate();
    const result = corners.add(corner);
    if (!result.valid) {
      say(result.reason === SAME_AS_LAST ? () => t('crosshairSameCorner') : undefined);
      return;
    }
    say(undefined);
    const n = result.index + 1;
    render(() =>
      corner.snapped === 'vertex' ? t('crosshairSnappedVertex', { n }) : corner.snapped === 'edge' ? t('crosshairSnappedEdge', { n }) : '',
    );
  }

  function undo(): void {
    if (!corners.undo()) return;
    say(undefined);
    render(() => '');
  }

  function finish(): void {
    const closed = corners.close();
    if (!closed.valid) {
      const n = corners.corners.length;
      say(() => t('crosshairNeedCorners', { n }));
      return;
    }
    end(polygonId);
  }

  function end(result: string | undefined): void {
    if (ended) return;
    ended = true;
    words.dispose();
    clearTimeout(cancelArmed);
    if (frame) cancelAnimationFrame(frame);
    observer.disconnect();
    map.off('move', schedulePreview);
    window.removeEventListener('resize', place);
    for (const id of [`${SOURCE}-snap`, `${SOURCE}-corners`, `${SOURCE}-path`, `${SOURCE}-band`]) if (map.getLayer(id)) map.removeLayer(id);
    if (map.getSource(SOURCE)) map.removeSource(SOURCE);
    cross.remove();
    // Back to the map's own padding without moving what is on screen (the plot just closed stays put).
    const before = map.project(map.getCenter());
    map.setPadding(previousPadding);
    const after = map.project(map.getCenter());
    map.panBy([after.x - before.x, after.y - before.y], { animate: false });
    clear(panel);
    panel.hidden = true;
    if (result === undefined && polygonId) session.remove(polygonId);
    host.onEnd(result);
  }

  map.on('move', schedulePreview);
  window.addEventListener('resize', place);
  place();
  render();
  return { polygonId: () => polygonId, refresh: schedulePreview, cancel: () => end(undefined) };
}
