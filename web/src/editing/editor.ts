import type { Polygon } from 'geojson';
import type { GeoJSONSource } from 'maplibre-gl';
import { REASON_TEXT_VI, validatePlotGeometry, type ReasonCode } from '../../../server/domain/plot-validation.ts';
import { describeError, getJson } from '../api/http.ts';
import type { SessionUser } from '../api/session.ts';
import { formatNumber, lang, t } from '../i18n/i18n.ts';
import type { MapHandle } from '../map/create-map.ts';
import { openPlotForm } from '../registration/plot-form.ts';
import { GrowingAreaAssembler } from '../registration/growing-area-form.ts';
import { clear, h } from '../ui/dom.ts';
import { toast } from '../ui/toast.ts';
import { parseBoundaryFile } from './boundary-file.ts';
import { startDrawSession, type DrawnPolygon, type DrawSession } from './draw-adapter.ts';
import { polygonAreaM2, polygonFromPositions } from './geometry.ts';
import { GpsWalk, type WalkState } from './gps-walk.ts';
import { createPlot, loadPlot, PlotConflict, updatePlot, validationReasons, type PlotRecord } from './plot-api.ts';
import { ringsOf, type SnapRing } from './snap.ts';

/** Below this zoom the neighbours are too many and too small to snap to. */
const SNAP_MIN_ZOOM = 15;
const CONFLICT_SOURCE = 'bando-conflict';

let open = false;

/** The editor's view of the whole page, exposed for the browser tests. */
export type EditorHandle = { session: DrawSession; snapRings: () => readonly SnapRing[]; close: () => void };

/** Text of a validation reason in the current language (the validator's own message is English). */
function reasonText(code: string, message: string): string {
  return lang() === 'vi' ? (REASON_TEXT_VI[code as ReasonCode] ?? message) : message;
}

/**
 * The plot editor for officers: draw, edit vertices, delete, undo/redo, snapping to parcels and
 * plots, live area and validation (the server's own validator), GPS walking, loading a file, the
 * plot form, assembling plots into a growing area, and saving with ETag and a conflict choice.
 */
export async function openEditor(handle: MapHandle, user: SessionUser): Promise<void> {
  if (open) return;
  open = true;
  const { map } = handle;
  handle.setEditing(true);

  // Snap targets: exact parcel and plot boundaries from the features API (tiles are quantised).
  let rings: SnapRing[] = [];
  let ringsKey = '';
  const loadRings = async () => {
    if (map.getZoom() < SNAP_MIN_ZOOM) {
      rings = [];
      return;
    }
    const b = map.getBounds();
    const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(6)).join(',');
    if (bbox === ringsKey) return;
    ringsKey = bbox;
    const collections = ['parcels', 'plots'];
    const next: SnapRing[] = [];
    await Promise.all(
      collections.map(async (c) => {
        try {
          const body = await getJson<{ features: { geometry: { type: string; coordinates: unknown } | null }[] }>(
            `/ogc/collections/${c}/items?bbox=${bbox}&limit=2000`,
            { headers: { Accept: 'application/geo+json' } },
          );
          for (const f of body.features) if (f.geometry) next.push(...ringsOf(f.geometry));
        } catch {
          // Snapping to this layer is unavailable; drawing still works.
        }
      }),
    );
    if (ringsKey === bbox) rings = next;
  };
  const onMoveEnd = () => void loadRings();
  map.on('moveend', onMoveEnd);
  await loadRings();

  const session = startDrawSession(map, () => rings);
  // Server plots open in the editor: editor id → the record (with its ETag) they came from.
  const records = new Map<string, PlotRecord>();
  let assembling: GrowingAreaAssembler | undefined;
  let walk: GpsWalk | undefined;

  const toolbar = h('div', { class: 'editor-toolbar', role: 'toolbar', 'aria-label': t('editPlots') });
  const status = h('div', { class: 'editor-status', 'aria-live': 'polite' });
  const gpsPanel = h('div', { class: 'editor-gps', hidden: true });
  const assemblePanel = h('div', { class: 'editor-assemble', hidden: true });
  const card = h('div', { class: 'editor-card' }, status, gpsPanel, assemblePanel);
  map.getContainer().append(toolbar, card);

  const button = (id: string, label: string, onclick: () => void, extra: Record<string, string> = {}) =>
    h('button', { type: 'button', class: 'btn tool', id, title: label, 'aria-label': label, onclick, ...extra }, label);

  function renderToolbar(): void {
    clear(toolbar);
    const mode = session.mode();
    toolbar.append(
      button(
        'tool-draw',
        t('drawPolygon'),
        () => {
          stopAssembling();
          session.setMode('polygon');
          renderToolbar();
        },
        { 'aria-pressed': String(mode === 'polygon') },
      ),
      button(
        'tool-select',
        t('selectTool'),
        () => {
          stopAssembling();
          session.setMode('select');
          renderToolbar();
        },
        { 'aria-pressed': String(mode === 'select') },
      ),
      button('tool-delete', t('deleteFeature'), () => void deleteActive()),
      button('tool-undo', t('undo'), () => session.undo()),
      button('tool-redo', t('redo'), () => session.redo()),
      button(
        'tool-snap',
        session.snapping() ? t('snapOn') : t('snapOff'),
        () => {
          session.setSnapping(!session.snapping());
          renderToolbar();
        },
        { 'aria-pressed': String(session.snapping()) },
      ),
      button('tool-gps', t('gpsWalk'), () => toggleGps()),
      button('tool-file', t('loadFile'), () => pickFile()),
      button('tool-assemble', t('assembleArea'), () => toggleAssemble(), { 'aria-pressed': String(Boolean(assembling)) }),
      button('tool-done', t('finishEditing'), () => close()),
    );
    for (const b of toolbar.querySelectorAll('button[aria-pressed="true"]')) b.classList.add('is-on');
    (toolbar.querySelector('#tool-undo') as HTMLButtonElement).disabled = !session.canUndo();
    (toolbar.querySelector('#tool-redo') as HTMLButtonElement).disabled = !session.canRedo();
  }

  function target(): DrawnPolygon | undefined {
    return session.active() ?? session.polygons().find((p) => !p.drawing);
  }

  function renderStatus(): void {
    clear(status);
    const polygon = target();
    if (!polygon) {
      status.append(h('p', { class: 'hint' }, t('drawPolygon')));
      return;
    }
    // While drawing, the polygon already closes back to the first corner; its area is live.
    const area = polygonAreaM2(polygon.geometry);
    const verdict = validatePlotGeometry(polygon.geometry);
    status.append(
      h(
        'p',
        { class: 'live-area', id: 'live-area', 'data-m2': area.toFixed(1) },
        t('liveArea', { m2: formatNumber(area, 1), ha: formatNumber(area / 10000, 4) }),
      ),
      h(
        'p',
        { class: verdict.valid ? 'verdict-ok' : 'form-error', id: 'live-validation', 'data-valid': String(verdict.valid) },
        verdict.valid ? `✓ ${t('valid')}` : t('invalid', { reason: verdict.reasons.map((r) => reasonText(r.code, r.message)).join(' ') }),
      ),
    );
    if (!polygon.drawing) {
      status.append(
        h(
          'button',
          {
            type: 'button',
            class: 'btn btn-primary btn-block',
            id: 'plot-save',
            disabled: !verdict.valid,
            onclick: () => void save(polygon),
          },
          t('save'),
        ),
      );
    }
  }

  session.onChange(() => {
    renderStatus();
    renderToolbar();
  });

  async function save(polygon: DrawnPolygon): Promise<void> {
    const record = records.get(polygon.id);
    const area = polygonAreaM2(polygon.geometry);
    const properties = await openPlotForm(record?.properties ?? { commune_code: user.communes[0] }, area);
    if (!properties) return;
    await persist(polygon, properties, record?.etag);
  }

  async function persist(polygon: DrawnPolygon, properties: Record<string, unknown>, etag: string | undefined): Promise<void> {
    const record = records.get(polygon.id);
    toast(t('saving'));
    try {
      const saved = record
        ? await updatePlot(record.id, etag ?? record.etag, polygon.geometry, properties)
        : await createPlot(polygon.geometry, properties);
      records.delete(polygon.id);
      session.remove(polygon.id);
      clearConflict();
      toast(t('saved'));
      (window as unknown as { __bandoLastSaved?: PlotRecord }).__bandoLastSaved = saved;
      await handle.refreshTiles();
    } catch (error) {
      if (error instanceof PlotConflict && record) return conflict(polygon, properties, record, error.currentEtag);
      const reasons = validationReasons(error);
      toast(t('saveFailed', { detail: reasons ? reasons.join(' ') : describeError(error) }), 'error');
    }
  }

  function showConflict(geometry: Polygon | undefined): void {
    const data = { type: 'FeatureCollection' as const, features: geometry ? [{ type: 'Feature' as const, geometry, properties: {} }] : [] };
    const source = map.getSource(CONFLICT_SOURCE) as GeoJSONSource | undefined;
    if (source) source.setData(data);
    else {
      map.addSource(CONFLICT_SOURCE, { type: 'geojson', data });
      map.addLayer({
        id: `${CONFLICT_SOURCE}-line`,
        type: 'line',
        source: CONFLICT_SOURCE,
        paint: { 'line-color': '#6A1B9A', 'line-width': 3, 'line-dasharray': [2, 2] },
      });
    }
  }

  function clearConflict(): void {
    if (map.getLayer(`${CONFLICT_SOURCE}-line`)) map.removeLayer(`${CONFLICT_SOURCE}-line`);
    if (map.getSource(CONFLICT_SOURCE)) map.removeSource(CONFLICT_SOURCE);
  }

  /** The 412 choice: reload the server copy, compare both, or overwrite with mine. */
  function conflict(polygon: DrawnPolygon, properties: Record<string, unknown>, record: PlotRecord, currentEtag: string | undefined): void {
    const compare = h('div', { class: 'conflict-compare', hidden: true });
    const dialog = h('dialog', { class: 'dialog', id: 'conflict-dialog', role: 'alertdialog' });
    const choose = (fn: () => Promise<void> | void) => async () => {
      dialog.close();
      await fn();
    };
    dialog.append(
      h('h2', {}, t('conflictTitle')),
      h('p', {}, t('conflictBody')),
      compare,
      h(
        'div',
        { class: 'dialog-actions' },
        h(
          'button',
          {
            type: 'button',
            class: 'btn',
            id: 'conflict-reload',
            onclick: choose(async () => {
              const fresh = await loadPlot(record.id);
              records.set(polygon.id, fresh);
              session.replace(polygon.id, fresh.geometry);
              clearConflict();
            }),
          },
          t('conflictReload'),
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'btn',
            id: 'conflict-compare',
            onclick: async () => {
              const fresh = await loadPlot(record.id);
              showConflict(fresh.geometry);
              const keys = [...new Set([...Object.keys(fresh.properties), ...Object.keys(properties)])].filter((k) =>
                ['crop', 'variety', 'planting_date', 'expected_harvest', 'farmer_id', 'area_m2', 'version'].includes(k),
              );
              const area = (g: Polygon) => `${formatNumber(polygonAreaM2(g), 1)} m²`;
              clear(compare);
              compare.append(
                h(
                  'table',
                  { class: 'shares' },
                  h('thead', {}, h('tr', {}, h('th', {}, ''), h('th', {}, t('compareServer')), h('th', {}, t('compareMine')))),
                  h(
                    'tbody',
                    {},
                    h('tr', {}, h('td', {}, t('area')), h('td', {}, area(fresh.geometry)), h('td', {}, area(polygon.geometry))),
                    ...keys.map((k) =>
                      h(
                        'tr',
                        {},
                        h('td', {}, k),
                        h('td', {}, String(fresh.properties[k] ?? '–')),
                        h('td', {}, String(properties[k] ?? '–')),
                      ),
                    ),
                  ),
                ),
              );
              compare.hidden = false;
            },
          },
          t('conflictCompare'),
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'btn btn-primary',
            id: 'conflict-overwrite',
            onclick: choose(async () => {
              const etag = currentEtag ?? (await loadPlot(record.id)).etag;
              records.set(polygon.id, { ...record, etag });
              await persist(polygon, properties, etag);
            }),
          },
          t('conflictKeepMine'),
        ),
      ),
    );
    dialog.addEventListener('close', () => dialog.remove());
    document.body.append(dialog);
    dialog.showModal();
  }

  async function deleteActive(): Promise<void> {
    const active = session.active();
    if (!active) return;
    session.remove(active.id);
    records.delete(active.id);
  }

  // In select mode a click on a saved plot opens it for editing (exact geometry and ETag from the API).
  const onMapClick = async (event: { point: { x: number; y: number } }) => {
    const plotLayers = ['plots-fill'].filter((id) => map.getLayer(id));
    const hit = map.queryRenderedFeatures([event.point.x, event.point.y], { layers: plotLayers })[0];
    if (!hit || hit.id === undefined) return;
    const id = Number(hit.id);
    if (assembling) {
      try {
        const record = await loadPlot(id);
        assembling.toggle({
          id,
          crop: String(record.properties.crop ?? ''),
          area_m2: Number(record.properties.area_m2 ?? 0),
          commune_code: record.properties.commune_code as string | undefined,
        });
      } catch (error) {
        toast(describeError(error), 'error');
      }
      return;
    }
    if (session.mode() !== 'select' || [...records.values()].some((r) => r.id === id)) return;
    try {
      const record = await loadPlot(id);
      const editorId = session.add(record.geometry);
      records.set(editorId, record);
      session.select(editorId);
    } catch (error) {
      toast(describeError(error), 'error');
    }
  };
  map.on('click', onMapClick);

  function stopAssembling(): void {
    assembling = undefined;
    assemblePanel.hidden = true;
    clear(assemblePanel);
  }

  function toggleAssemble(): void {
    if (assembling) {
      stopAssembling();
    } else {
      session.setMode('static');
      assembling = new GrowingAreaAssembler(() => void handle.refreshTiles());
      assemblePanel.append(assembling.element);
      assemblePanel.hidden = false;
    }
    renderToolbar();
  }

  function renderGps(state: WalkState): void {
    clear(gpsPanel);
    const accuracy = state.last ? t('gpsAccuracy', { m: formatNumber(state.last.accuracy, 1) }) : t('gpsWaiting');
    gpsPanel.append(
      h('h3', {}, t('gpsWalk')),
      h(
        'p',
        { class: state.tooInaccurate ? 'form-error' : 'hint', id: 'gps-accuracy' },
        state.tooInaccurate && state.last ? t('gpsTooInaccurate', { m: formatNumber(state.last.accuracy, 0), limit: 10 }) : accuracy,
      ),
      h(
        'p',
        { class: 'summary', id: 'gps-points' },
        t('gpsPoints', { n: state.points.length }),
        state.averaging ? ` · ${t('gpsAveraging', { n: state.averaging })}` : '',
      ),
      h(
        'div',
        { class: 'gps-actions' },
        state.status === 'walking'
          ? button('gps-pause', t('gpsPause'), () => walk?.pause())
          : button(
              state.status === 'paused' ? 'gps-resume' : 'gps-start',
              state.status === 'paused' ? t('gpsResume') : t('gpsStart'),
              () => (state.status === 'paused' ? walk?.resume() : walk?.start()),
            ),
        button('gps-record', t('gpsAddPoint'), () => void walk?.recordCorner(), state.status === 'walking' ? {} : { disabled: 'true' }),
        button('gps-undo', t('undo'), () => walk?.undoCorner()),
        button('gps-finish', t('gpsFinish'), () => finishWalk()),
      ),
    );
    // The walked corners show as a polygon in progress.
    const polygon = polygonFromPositions(state.points);
    if (polygon) {
      if (walkId) session.replace(walkId, polygon);
      else walkId = session.add(polygon);
    }
  }
  let walkId: string | undefined;

  function toggleGps(): void {
    if (walk) {
      finishWalk();
      return;
    }
    walk = new GpsWalk({ maxAccuracyM: 10, samples: 5, sampleTimeoutMs: 20_000, autoSpacingM: undefined }, renderGps);
    if (!walk.available) {
      toast(t('gpsUnavailable'), 'error');
      walk = undefined;
      return;
    }
    gpsPanel.hidden = false;
    renderGps(walk.state);
  }

  function finishWalk(): void {
    walk?.finish();
    walk = undefined;
    walkId = undefined;
    gpsPanel.hidden = true;
    clear(gpsPanel);
    renderStatus();
  }

  function pickFile(): void {
    const input = h('input', {
      type: 'file',
      accept: '.geojson,.json,.kml,.gpx,application/geo+json,application/vnd.google-earth.kml+xml,application/gpx+xml',
      hidden: true,
    });
    input.addEventListener('change', async () => {
      const file = input.files?.[0];
      input.remove();
      if (!file) return;
      try {
        const polygons = parseBoundaryFile(file.name, await file.text());
        let last: string | undefined;
        for (const polygon of polygons) last = session.add(polygon);
        const all = polygons.flatMap((p) => p.coordinates[0] ?? []);
        const xs = all.map((c) => c[0]!);
        const ys = all.map((c) => c[1]!);
        map.fitBounds([Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)], { padding: 60, maxZoom: 18 });
        if (last) session.select(last);
        toast(t('fileLoaded', { n: polygons.length }));
      } catch (error) {
        toast(t('fileUnreadable', { detail: describeError(error) }), 'error');
      }
    });
    document.body.append(input);
    input.click();
  }

  function close(): void {
    walk?.finish();
    map.off('moveend', onMoveEnd);
    map.off('click', onMapClick);
    session.stop();
    clearConflict();
    toolbar.remove();
    card.remove();
    handle.setEditing(false);
    open = false;
    delete (window as unknown as { __bandoEditor?: EditorHandle }).__bandoEditor;
  }

  (window as unknown as { __bandoEditor?: EditorHandle }).__bandoEditor = { session, snapRings: () => rings, close };
  renderToolbar();
  renderStatus();
}
