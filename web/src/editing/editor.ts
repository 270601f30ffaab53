import type { Polygon } from 'geojson';
import type { GeoJSONSource } from 'maplibre-gl';
import {
  PLOT_OVERLAP_THRESHOLD_M2,
  REASON_TEXT_VI,
  validatePlotGeometry,
  type ReasonCode,
} from '../../../server/domain/plot-validation.ts';
import { describeError, getJson, HttpError } from '../api/http.ts';
import type { SessionUser } from '../api/session.ts';
import { formatNumber, lang, t } from '../i18n/i18n.ts';
import type { MessageKey } from '../i18n/vi.ts';
import type { MapHandle } from '../map/create-map.ts';
import { chosenFarmerLabel, openPlotForm } from '../registration/plot-form.ts';
import { plotFieldRefusalOf, type PlotFieldRefusal } from '../registration/plot-refusal.ts';
import { cropName, loadCrops } from '../registration/crops.ts';
import { GrowingAreaAssembler, type PickedPlot } from '../registration/growing-area-form.ts';
import { areaFacts, areaLabelText, membershipRefusalWords, plotLabel } from '../registration/membership.ts';
import { askBeforeActing } from '../ui/confirm-dialog.ts';
import { clear, h } from '../ui/dom.ts';
import { icon, type IconName } from '../ui/icons.ts';
import { date } from '../ui/feature-format.ts';
import { toast } from '../ui/toast.ts';
import { parseBoundaryFile } from './boundary-file.ts';
import { kmlOfKmz } from './kmz.ts';
import { startCrosshair, type CrosshairTool } from './crosshair-tool.ts';
import { uncover } from './uncover.ts';
import { startDrawSession, type DrawnPolygon, type DrawSession } from './draw-adapter.ts';
import { polygonAreaM2, polygonFromPositions } from './geometry.ts';
import { GpsWalk, type WalkState } from './gps-walk.ts';
import { followLang } from './lang-bound.ts';
import { nearParcelOf, overlapPlotName, plotOverlaps, savedPlotOf, type NearParcel, type PlotOverlap, type SavedPlot } from './overlap.ts';
import {
  createPlot,
  deletePlot,
  loadMainParcel,
  loadPlot,
  PlotConflict,
  updatePlot,
  validationReasons,
  type PlotRecord,
} from './plot-api.ts';
import { mergePlot, overwriteWithMine } from './plot-merge.ts';
import { locationErrorText } from '../map/location-error.ts';
import { ringsOf, type SnapRing } from './snap.ts';
import { holdUnsaved } from '../state/unsaved.ts';

/** A plot's fields in the officer's language (merge notices, the conflict dialog and its comparison). */
const FIELD_LABEL: Record<string, MessageKey> = {
  crop: 'crop',
  variety: 'variety',
  planting_date: 'plantingDate',
  expected_harvest: 'expectedHarvest',
  farmer_id: 'farmer',
  growing_area_id: 'growingArea',
  commune_code: 'commune',
  geometry: 'plotOutline',
};

/** Below this zoom the neighbours are too many and too small to snap to. */
const SNAP_MIN_ZOOM = 15;
const CONFLICT_SOURCE = 'bando-conflict';
const ASSEMBLE_SOURCE = 'bando-assemble';
/**
 * Least time between two overlap checks of a drawing: a vertex dragged fires a change per frame, and a
 * walked or loaded plot of hundreds of corners against its neighbours is not per-frame work on a phone
 * (turf's clipper takes about 0.5 ms per neighbour on a laptop, 10 ms for 500 corners among 12 plots).
 * A check that took longer waits OVERLAP_IDLE_FACTOR times its own time, so it never takes more than
 * a fifth of the main thread while the corners move.
 */
const OVERLAP_INTERVAL_MS = 150;
const OVERLAP_IDLE_FACTOR = 4;

let open = false;

/** A field the server refused, with what was sent when a 412 was merged (the server's changes with the officer's). */
type MergedRefusal = PlotFieldRefusal & { merged?: { polygon: DrawnPolygon; properties: Record<string, unknown> } };

/** The editor's view of the whole page, exposed for the browser tests. */
export type EditorHandle = { session: DrawSession; snapRings: () => readonly SnapRing[]; close: () => void };

/** A growing-area id from a plot's properties, or undefined when the plot is in none. */
function areaIdOf(value: unknown): number | undefined {
  const id = Number(value ?? NaN);
  return Number.isSafeInteger(id) && id >= 1 ? id : undefined;
}

/**
 * Whether two polygons have the same corners, within 2 mm: the features API answers 8 decimals and
 * terra-draw keeps 9, so a plot opened and left alone differs from its record only by rounding.
 */
function sameShape(a: Polygon, b: Polygon): boolean {
  return (
    a.coordinates.length === b.coordinates.length &&
    a.coordinates.every((ring, i) => {
      const other = b.coordinates[i]!;
      return (
        ring.length === other.length &&
        ring.every((p, j) => Math.abs(p[0]! - other[j]![0]!) <= 2e-8 && Math.abs(p[1]! - other[j]![1]!) <= 2e-8)
      );
    })
  );
}

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
  // Set once the editor is built (end of this function): until then there is nothing to lose.
  let releaseUnsaved = (): void => undefined;

  // Declared before the snap targets load: a crosshair drawing is told when they change.
  let crosshair: CrosshairTool | undefined;
  // Snap targets: exact parcel and plot boundaries from the features API (tiles are quantised).
  let rings: SnapRing[] = [];
  // The same load keeps the saved plots whole (id and exact geometry) for the live overlap check.
  let nearPlots: SavedPlot[] = [];
  // And the parcels with their sheet and number: an overlapped plot is named by the parcel it lies on.
  let nearParcels: NearParcel[] = [];
  let nearPlotsVersion = 0;
  let ringsKey = '';
  // Set once the status line exists: new neighbours may change the drawing's overlap verdict.
  let neighboursChanged: (() => void) | undefined;
  const loadRings = async () => {
    if (map.getZoom() < SNAP_MIN_ZOOM) {
      rings = [];
      nearPlots = [];
      nearParcels = [];
      ringsKey = '';
      nearPlotsVersion++;
      neighboursChanged?.();
      return;
    }
    const b = map.getBounds();
    const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(6)).join(',');
    if (bbox === ringsKey) return;
    ringsKey = bbox;
    const collections = ['parcels', 'plots'];
    const next: SnapRing[] = [];
    const nextPlots: SavedPlot[] = [];
    const nextParcels: NearParcel[] = [];
    await Promise.all(
      collections.map(async (c) => {
        try {
          const body = await getJson<{
            features: {
              id?: unknown;
              properties?: Record<string, unknown> | null;
              geometry: { type: string; coordinates: unknown } | null;
            }[];
          }>(`/ogc/collections/${c}/items?bbox=${bbox}&limit=2000`, { headers: { Accept: 'application/geo+json' } });
          for (const f of body.features) if (f.geometry) next.push(...ringsOf(f.geometry));
          if (c === 'plots') nextPlots.push(...body.features.flatMap((f) => savedPlotOf(f) ?? []));
          else nextParcels.push(...body.features.flatMap((f) => nearParcelOf(f) ?? []));
        } catch {
          // Snapping to this layer is unavailable; drawing still works.
        }
      }),
    );
    if (ringsKey !== bbox) return;
    rings = next;
    nearPlots = nextPlots;
    nearParcels = nextParcels;
    nearPlotsVersion++;
    neighboursChanged?.();
    // The crosshair may now lie on a neighbour that just arrived: show its snap without waiting for a pan.
    crosshair?.refresh();
  };
  const onMoveEnd = () => void loadRings();
  map.on('moveend', onMoveEnd);
  await loadRings();

  // The keys undo and redo as the toolbar's buttons do, and not while the crosshair keeps its own corners (the buttons are off then).
  const session = startDrawSession(
    map,
    () => rings,
    () => !crosshair,
  );
  // Server plots open in the editor: editor id → the record (with its ETag) they came from.
  const records = new Map<string, PlotRecord>();
  // Polygons that left the editor through the server (saved, or deleted), by editor id. terra-draw's
  // undo may bring their shape back, and what that means is decided here, never by terra-draw:
  //  - a saved plot comes back bound to the record it was saved as (latest ETag): saving updates it;
  //  - a deleted plot comes back as an unsaved drawing, its old properties kept to prefill the form:
  //    it exists on the server again only when the officer saves it, and then as a new plot.
  // Undo and redo never send anything to the server by themselves.
  const departed = new Map<string, { record: PlotRecord; deleted: boolean }>();
  const restoredFromDeleted = new Map<string, PlotRecord>();
  let assembling: GrowingAreaAssembler | undefined;
  let walk: GpsWalk | undefined;

  const toolbar = h('div', { class: 'editor-toolbar', role: 'toolbar', 'aria-label': t('editPlots') });
  // The editor's text follows a language switch while it is open (close() stops it); see the end of openEditor.
  const words = followLang();
  const status = h('div', { class: 'editor-status', 'aria-live': 'polite' });
  const gpsPanel = h('div', { class: 'editor-gps', hidden: true });
  const crosshairPanel = h('div', { class: 'editor-crosshair', id: 'crosshair-panel', hidden: true });
  const assemblePanel = h('div', { class: 'editor-assemble', hidden: true });
  // The card clips and its body scrolls: Chromium left a stale, unpainted band over the map above a
  // bottom-anchored card that was itself the scroller (seen in headless Chromium's screenshots).
  const card = h('div', { class: 'editor-card' }, h('div', { class: 'editor-card-body' }, gpsPanel, crosshairPanel, status, assemblePanel));
  map.getContainer().append(toolbar, card);

  const button = (id: string, label: string, onclick: () => void, extra: Record<string, string> = {}) =>
    h('button', { type: 'button', class: 'btn tool', id, title: label, 'aria-label': label, onclick, ...extra }, label);
  // Delete, undo and redo are drawn as the icons every editor uses (named by aria-label and title):
  // in words the strip took three rows of a 1024 × 768 tablet's map, with icons it takes two.
  const iconButton = (id: string, name: IconName, label: string, onclick: () => void, extra: Record<string, string> = {}) =>
    h(
      'button',
      { type: 'button', class: 'btn tool tool-icon', id, title: label, 'aria-label': label, onclick, ...extra },
      icon(name, 'tool-glyph'),
    );

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
      // The ways to make a plot first (on a 360 px phone the strip scrolls: these are in view), then editing.
      button('tool-crosshair', t('crosshairTool'), () => toggleCrosshair(), { 'aria-pressed': String(Boolean(crosshair)) }),
      button('tool-gps', t('gpsWalk'), () => toggleGps()),
      button('tool-file', t('loadFile'), () => pickFile()),
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
      iconButton('tool-delete', 'delete', t('deleteFeature'), () => void deleteActive(), session.active() ? {} : { disabled: 'true' }),
      // Their keys (draw-adapter.ts) in the tooltip, and for screen readers in aria-keyshortcuts.
      iconButton('tool-undo', 'undo', t('undo'), () => session.undo(), {
        title: `${t('undo')} (Ctrl+Z)`,
        'aria-keyshortcuts': 'Control+Z Meta+Z',
      }),
      iconButton('tool-redo', 'redo', t('redo'), () => session.redo(), {
        title: `${t('redo')} (Ctrl+Y)`,
        'aria-keyshortcuts': 'Control+Y Control+Shift+Z Meta+Shift+Z',
      }),
      button(
        'tool-snap',
        session.snapping() ? t('snapOn') : t('snapOff'),
        () => {
          session.setSnapping(!session.snapping());
          renderToolbar();
        },
        { 'aria-pressed': String(session.snapping()) },
      ),
      button('tool-assemble', t('assembleArea'), () => toggleAssemble(), { 'aria-pressed': String(Boolean(assembling)) }),
      button('tool-done', t('finishEditing'), () => requestClose()),
    );
    for (const b of toolbar.querySelectorAll('button[aria-pressed="true"]')) b.classList.add('is-on');
    (toolbar.querySelector('#tool-undo') as HTMLButtonElement).disabled = !session.canUndo();
    (toolbar.querySelector('#tool-redo') as HTMLButtonElement).disabled = !session.canRedo();
    // The crosshair's corners are its own list (with its own undo): other tools would draw beside it.
    if (crosshair)
      for (const b of toolbar.querySelectorAll<HTMLButtonElement>('button:not(#tool-crosshair):not(#tool-snap):not(#tool-done)'))
        b.disabled = true;
  }

  function target(): DrawnPolygon | undefined {
    return session.active() ?? session.polygons().find((p) => !p.drawing);
  }

  // The last overlap check (overlap.ts says how exact it is): of which drawing, of which corners
  // against which load of neighbours, and its answer.
  let overlapCheck: { id: string; key: string; overlaps: PlotOverlap[] } | undefined;
  let overlapCheckedAt = -Infinity;
  let overlapTook = 0;
  let overlapTimer: ReturnType<typeof setTimeout> | undefined;

  // The record a drawing is bound to is part of the question: a plot opened for editing is added to the
  // drawing (and checked) a moment before it is bound to its record.
  const overlapKey = (polygon: DrawnPolygon) =>
    `${nearPlotsVersion}:${records.get(polygon.id)?.id ?? ''}:${JSON.stringify(polygon.geometry.coordinates)}`;

  function checkOverlaps(polygon: DrawnPolygon, key = overlapKey(polygon)): PlotOverlap[] {
    if (overlapCheck?.id === polygon.id && overlapCheck.key === key) return overlapCheck.overlaps;
    // The plot being edited is no overlap of itself (the server leaves its own id out too).
    const started = performance.now();
    const overlaps = plotOverlaps(polygon.geometry, nearPlots, { excludeId: records.get(polygon.id)?.id, parcels: nearParcels });
    overlapCheck = { id: polygon.id, key, overlaps };
    overlapCheckedAt = performance.now();
    overlapTook = overlapCheckedAt - started;
    return overlaps;
  }

  /**
   * The drawing's overlaps with saved plots, checked at most once per OVERLAP_INTERVAL_MS: between
   * two checks the last answer for this drawing stands (undefined when there is none) and the status
   * is drawn again when the next check is due, so the corners' final place is always checked.
   */
  function overlapsNow(polygon: DrawnPolygon): { overlaps: PlotOverlap[] | undefined; fresh: boolean } {
    const key = overlapKey(polygon);
    if (overlapCheck?.id === polygon.id && overlapCheck.key === key) return { overlaps: overlapCheck.overlaps, fresh: true };
    const wait = overlapCheckedAt + Math.max(OVERLAP_INTERVAL_MS, OVERLAP_IDLE_FACTOR * overlapTook) - performance.now();
    if (wait <= 0) return { overlaps: checkOverlaps(polygon, key), fresh: true };
    overlapTimer ??= setTimeout(() => {
      overlapTimer = undefined;
      if (open) renderStatus();
    }, wait);
    return { overlaps: overlapCheck?.id === polygon.id ? overlapCheck.overlaps : undefined, fresh: false };
  }

  /** The overlap reason in the officer's language, as the server's refusal words it (plot-api.ts). */
  function overlapText(overlaps: readonly PlotOverlap[]): string {
    return t('reasonPlotOverlaps', {
      count: overlaps.length,
      limit: formatNumber(PLOT_OVERLAP_THRESHOLD_M2),
      list: overlaps
        .slice(0, 10)
        .map((o) => `${overlapPlotName(o)} (${formatNumber(o.overlapM2, 1)} m²)`)
        .join(', '),
    });
  }

  function renderStatus(): void {
    clear(status);
    // Assembling works on saved plots only: the drawing's status would be noise there.
    if (assembling) return;
    const crosshairId = crosshair?.polygonId();
    const polygon = crosshair ? session.polygons().find((p) => p.id === crosshairId) : target();
    if (!polygon) {
      if (!crosshair) status.append(h('p', { class: 'hint' }, t('drawPolygon')));
      return;
    }
    // While drawing, the polygon already closes back to the first corner; its area is live.
    const area = polygonAreaM2(polygon.geometry);
    const verdict = validatePlotGeometry(polygon.geometry);
    // A geometry fault comes first: a ring crossing itself has no overlap to speak of yet.
    const { overlaps, fresh } = verdict.valid ? overlapsNow(polygon) : { overlaps: [], fresh: true };
    const reasons = [...verdict.reasons.map((r) => reasonText(r.code, r.message)), ...(overlaps?.length ? [overlapText(overlaps)] : [])];
    const valid = reasons.length === 0;
    const restored = restoredFromDeleted.get(polygon.id);
    if (restored) status.append(h('p', { class: 'form-error', id: 'restored-note' }, t('restoredUnsaved', { id: restored.id })));
    status.append(
      h(
        'p',
        { class: 'live-area', id: 'live-area', 'data-m2': area.toFixed(1) },
        t('liveArea', { m2: formatNumber(area, 1), ha: formatNumber(area / 10000, 4) }),
      ),
      h(
        'p',
        {
          class: valid ? 'verdict-ok' : 'form-error',
          id: 'live-validation',
          'data-valid': String(valid),
          'data-overlaps': (overlaps ?? []).map((o) => o.id).join(','),
        },
        valid ? `✓ ${t('valid')}` : t('invalid', { reason: reasons.join(' ') }),
      ),
    );
    // A walk or a crosshair drawing is saved once finished (the corners are still coming in).
    if (!polygon.drawing && !walk && !crosshair) {
      status.append(
        h(
          'button',
          {
            type: 'button',
            class: 'btn btn-primary btn-block',
            id: 'plot-save',
            // Also while an overlap check is due: the corners just moved and their answer is coming.
            disabled: !valid || !fresh,
            'aria-describedby': 'live-validation',
            onclick: () => void save(polygon),
          },
          t('save'),
        ),
      );
    }
  }

  /** Keeps records, departed and restored polygons in step with what undo/redo left in the drawing. */
  function reconcile(): void {
    const present = new Set(session.polygons().map((p) => p.id));
    for (const [id, record] of records) {
      if (present.has(id)) continue;
      records.delete(id);
      departed.set(id, { record, deleted: false });
    }
    for (const [id, record] of restoredFromDeleted) {
      if (present.has(id)) continue;
      restoredFromDeleted.delete(id);
      departed.set(id, { record, deleted: true });
    }
    for (const [id, gone] of departed) {
      if (!present.has(id)) continue;
      departed.delete(id);
      (gone.deleted ? restoredFromDeleted : records).set(id, gone.record);
    }
  }

  session.onChange(() => {
    reconcile();
    renderStatus();
    renderToolbar();
  });
  neighboursChanged = () => renderStatus();

  /** Loads the neighbours again after a save or delete: the plot saved is now one to overlap, the one deleted no longer. */
  function reloadNeighbours(): void {
    ringsKey = '';
    void loadRings();
  }

  async function save(polygon: DrawnPolygon): Promise<void> {
    // The form is not worth filling for a plot the server will refuse: the live line says why.
    if (checkOverlaps(polygon).length) {
      renderStatus();
      return;
    }
    const record = records.get(polygon.id);
    const area = polygonAreaM2(polygon.geometry);
    // A deleted plot brought back by undo is saved as a new plot: its old attributes prefill the
    // form, but not its growing area (that draft may have moved on; the officer adds it again).
    const restored = restoredFromDeleted.get(polygon.id)?.properties;
    const initial = record?.properties ?? (restored ? { ...restored, growing_area_id: undefined } : { commune_code: user.communes[0] });
    let properties = await openPlotForm(initial, area, { isNew: !record, communes: user.communes });
    // A field the server refuses (a planting date by its clock, a farmer ID naming no farmer, a crop
    // not in the list) opens the form again with what was typed and the refusal under the field, as
    // the form's own check would have said it.
    while (properties) {
      // After a merged 412 the editor holds the server's newer copy: send its ETag.
      const refusal = await persist(polygon, properties, records.get(polygon.id)?.etag);
      if (!refusal) return;
      // A merged save refused (a colleague's harvest before the officer's new planting date): the form
      // opens on what was sent, the colleague's fields and outline with the officer's. Opened on the
      // officer's own values, the next save, made on the newer ETag, would undo the colleague's change unseen.
      if (refusal.merged) ({ polygon, properties } = refusal.merged);
      properties = await openPlotForm(properties, polygonAreaM2(polygon.geometry), { isNew: !record, refusal, communes: user.communes });
    }
  }

  /** Saves the plot; answers the server's refusal of a form field for the form to show, undefined otherwise (saved, or refused with a toast). */
  async function persist(
    polygon: DrawnPolygon,
    properties: Record<string, unknown>,
    etag: string | undefined,
  ): Promise<MergedRefusal | undefined> {
    const record = records.get(polygon.id);
    // Up while the request is out, gone the moment it is answered either way.
    const saving = toast(() => t('saving'), 'info', Infinity);
    try {
      const saved = await (
        record ? updatePlot(record.id, etag ?? record.etag, polygon.geometry, properties) : createPlot(polygon.geometry, properties)
      ).finally(saving);
      departed.set(polygon.id, { record: saved, deleted: false });
      records.delete(polygon.id);
      restoredFromDeleted.delete(polygon.id);
      session.remove(polygon.id);
      clearConflict();
      // What was saved, plainly: the plot's number, crop, area and farmer (or that it has none yet).
      const crops = await loadCrops().catch(() => [] as const);
      const farmerLabel = chosenFarmerLabel(properties);
      const farmerId = saved.properties.farmer_id;
      const hasFarmer = farmerId !== undefined && farmerId !== null;
      toast(() =>
        t('plotSavedNamed', {
          id: saved.id,
          crop: cropName(crops, String(saved.properties.crop ?? properties.crop ?? '')),
          ha: formatNumber(polygonAreaM2(saved.geometry) / 10000, 2),
          farmer: hasFarmer ? t('plotSavedFarmer', { name: farmerLabel ?? `#${String(farmerId)}` }) : t('plotSavedNoFarmer'),
        }),
      );
      (window as unknown as { __bandoLastSaved?: PlotRecord }).__bandoLastSaved = saved;
      reloadNeighbours();
      await handle.showEdits();
    } catch (error) {
      if (error instanceof PlotConflict && record) {
        // Edits of different fields (or a farmer renamed, which changes no field here) are merged
        // and saved at once; only a field both sides changed differently needs the officer.
        const fresh = await loadPlot(record.id).catch(() => undefined);
        const merge = fresh && mergePlot(record, { geometry: polygon.geometry, properties }, fresh);
        if (fresh && merge?.kind === 'merged') {
          records.set(polygon.id, fresh);
          if (merge.theirs.includes('geometry')) session.replace(polygon.id, merge.geometry);
          if (merge.theirs.length) toast(() => t('conflictMerged', { fields: fieldNames(merge.theirs) }), 'info');
          const merged = { polygon: { ...polygon, geometry: merge.geometry }, properties: merge.properties };
          const refusal = await persist(merged.polygon, merged.properties, fresh.etag);
          return refusal && { merged, ...refusal };
        }
        const both = merge?.kind === 'conflict' ? merge.fields : [];
        conflict(polygon, record, properties, fresh?.etag ?? error.currentEtag, t('conflictKeepMine'), both, async (etag) => {
          // "Overwrite with mine" settles only the fields both changed the officer's way: what only
          // the colleague changed (a field, the outline) stays theirs, as the dialog says.
          const kept = fresh ? overwriteWithMine(record, { geometry: polygon.geometry, properties }, fresh) : undefined;
          records.set(polygon.id, fresh ? { ...fresh, etag } : { ...record, etag });
          if (kept?.theirs.includes('geometry')) session.replace(polygon.id, kept.geometry);
          const mine = kept ? { ...polygon, geometry: kept.geometry } : polygon;
          // The form is closed by now: a refused field is said in a toast.
          const refusal = await persist(mine, kept?.properties ?? properties, etag);
          if (refusal) toast(() => t('saveFailed', { detail: refusal.text() }), 'error');
        });
        return undefined;
      }
      const refused = plotFieldRefusalOf(error, properties);
      if (refused) return refused;
      toast(await saveRefusal(error, record, properties), 'error');
    }
    return undefined;
  }

  /**
   * What the officer reads when the server refuses a save, in their language: the 409 of a growing
   * area under review or holding a code, the 422 of a draft's membership rules (the plot grows
   * another crop, or is in another area) with the plot, both crops and the area named, the 403 of
   * taking a plot out of another commune's draft; otherwise the server's reasons.
   */
  async function saveRefusal(error: unknown, record: PlotRecord | undefined, properties: Record<string, unknown>): Promise<() => string> {
    const locked = lockedRefusal(error, record?.id);
    if (locked) return locked;
    const before = areaIdOf(record?.properties.growing_area_id);
    const after = areaIdOf(properties.growing_area_id);
    if (after !== undefined) {
      const membership = await membershipRefusalWords(error, { id: after, situation: after === before ? 'member' : 'join' });
      if (membership) return () => t('saveFailed', { detail: membership() });
    }
    if (error instanceof HttpError && error.status === 403) {
      // The plot lies in one of the officer's communes, so the refusal is the draft's: another commune's dossier.
      const leaving = record && before !== undefined && before !== after && user.communes.includes(String(properties.commune_code));
      if (leaving) {
        const area = await areaFacts(before);
        return () => t('saveLeaveForbidden', { plot: plotLabel(record.id), area: areaLabelText(area) });
      }
      return () => t('saveForbidden', { detail: describeError(error) });
    }
    const reasons = validationReasons(error);
    return () => t('saveFailed', { detail: reasons ? reasons.join(' ') : describeError(error) });
  }

  /**
   * The server's 409 for a plot of a growing area under review or holding a code (it may change
   * only while the area is a draft), or for attaching a plot to such an area, in words.
   */
  function lockedRefusal(error: unknown, plotId: number | undefined): (() => string) | undefined {
    if (!(error instanceof HttpError) || error.status !== 409) return undefined;
    const area = String(error.problem?.growingAreaId ?? '');
    const status = () => t(`status_${String(error.problem?.growingAreaStatus ?? '')}` as MessageKey);
    if (error.problem?.reason === 'plot-in-locked-growing-area')
      return () => t('saveLockedArea', { id: plotId ?? '', area, status: status() });
    if (error.problem?.reason === 'growing-area-not-draft') return () => t('saveAreaNotDraft', { area, status: status() });
    return undefined;
  }

  /** A merge's field names in the officer's language, e.g. "Giống, ranh thửa". */
  function fieldNames(fields: readonly string[]): string {
    return fields.map((f) => (FIELD_LABEL[f] ? t(FIELD_LABEL[f]).toLocaleLowerCase() : f)).join(', ');
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

  /**
   * The 412 choice, for a save and for a delete alike: reload the server copy (dropping my change),
   * compare both, or go ahead with the server's current ETag (overwrite it, or delete it anyway).
   */
  function conflict(
    polygon: DrawnPolygon,
    record: PlotRecord,
    properties: Record<string, unknown>,
    currentEtag: string | undefined,
    goAheadLabel: string,
    both: readonly string[],
    goAhead: (etag: string) => Promise<void>,
  ): void {
    const compare = h('div', { class: 'conflict-compare', hidden: true });
    const dialog = h('dialog', { class: 'dialog', id: 'conflict-dialog', role: 'alertdialog' });
    const choose = (fn: () => Promise<void> | void) => async () => {
      dialog.close();
      await fn();
    };
    dialog.append(
      h('h2', {}, t('conflictTitle')),
      h('p', {}, t('conflictBody')),
      ...(both.length
        ? [
            h('p', { class: 'conflict-both' }, t('conflictBoth', { fields: fieldNames(both) })),
            h('p', { class: 'conflict-keep-mine' }, t('conflictKeepMineOnly', { fields: fieldNames(both) })),
          ]
        : []),
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
              const [fresh, crops] = await Promise.all([loadPlot(record.id), loadCrops().catch(() => [] as const)]);
              showConflict(fresh.geometry);
              const keys = [...new Set([...Object.keys(fresh.properties), ...Object.keys(properties)])].filter((k) =>
                ['crop', 'variety', 'planting_date', 'expected_harvest', 'farmer_id'].includes(k),
              );
              const area = (g: Polygon) => `${formatNumber(polygonAreaM2(g), 1)} m²`;
              // In words, as the card says them: the crop's name, a date in the officer's order.
              const value = (k: string, v: unknown) =>
                v === null || v === undefined || v === ''
                  ? '–'
                  : k === 'crop'
                    ? cropName(crops, String(v))
                    : k.endsWith('_date') || k === 'expected_harvest'
                      ? date(v)
                      : String(v);
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
                        h('td', {}, FIELD_LABEL[k] ? t(FIELD_LABEL[k]) : k),
                        h('td', {}, value(k, fresh.properties[k])),
                        h('td', {}, value(k, properties[k])),
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
            onclick: choose(async () => goAhead(currentEtag ?? (await loadPlot(record.id)).etag)),
          },
          goAheadLabel,
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
    const record = records.get(active.id);
    // An unsaved drawing leaves with one undoable step; only a saved plot needs the server and a confirmation.
    if (!record) session.remove(active.id);
    else confirmDelete(active, record);
  }

  /** Removes a plot the server no longer holds from the editor; undo brings it back only as a drawing. */
  function dropDeleted(polygon: DrawnPolygon, record: PlotRecord): void {
    departed.set(polygon.id, { record, deleted: true });
    records.delete(polygon.id);
    session.remove(polygon.id);
    clearConflict();
    reloadNeighbours();
    void handle.showEdits();
  }

  /** What the officer reads when the server refuses the delete (403, 409, …), in their language. */
  function deleteRefusal(error: unknown, record: PlotRecord): () => string {
    if (error instanceof HttpError && error.status === 409 && error.problem?.reason === 'plot-in-locked-growing-area') {
      const status = String(error.problem.growingAreaStatus ?? '');
      const area = String(error.problem.growingAreaId ?? '');
      return () => t('deleteLockedArea', { id: record.id, area, status: t(`status_${status}` as MessageKey) });
    }
    if (error instanceof HttpError && (error.status === 403 || error.status === 401))
      return () => t('deleteForbidden', { detail: describeError(error) });
    return () => t('deleteFailed', { detail: describeError(error) });
  }

  /** Sends DELETE with the plot's ETag; answers the refusal to show, or undefined when the plot is gone. */
  async function removeSaved(polygon: DrawnPolygon, record: PlotRecord, etag: string): Promise<(() => string) | undefined> {
    try {
      await deletePlot(record.id, etag);
      toast(() => t('plotDeleted', { id: record.id }));
    } catch (error) {
      if (error instanceof PlotConflict) {
        conflict(polygon, record, record.properties, error.currentEtag, t('conflictDeleteAnyway'), [], async (fresh) => {
          records.set(polygon.id, { ...record, etag: fresh });
          const refusal = await removeSaved(polygon, record, fresh);
          if (refusal) toast(refusal, 'error');
        });
        return undefined;
      }
      if (!(error instanceof HttpError && error.status === 404)) return deleteRefusal(error, record);
      // Someone else deleted it first: the officer's wish is already true.
      toast(() => t('plotAlreadyGone', { id: record.id }));
    }
    dropDeleted(polygon, record);
    return undefined;
  }

  /** Asks before deleting a saved plot; the server's refusal (403, 409) stays in the dialog, in words. */
  function confirmDelete(polygon: DrawnPolygon, record: PlotRecord): void {
    const area = Number(record.properties.area_m2 ?? polygonAreaM2(record.geometry));
    const error = h('p', { class: 'form-error', id: 'delete-error', role: 'alert', hidden: true });
    const cancel = h('button', { type: 'button', class: 'btn', id: 'delete-cancel', onclick: () => dialog.close() }, t('cancel'));
    const confirm = h('button', { type: 'button', class: 'btn btn-danger', id: 'delete-confirm' }, t('deleteConfirm'));
    const dialog = h(
      'dialog',
      { class: 'dialog', id: 'delete-dialog', role: 'alertdialog', 'aria-labelledby': 'delete-title' },
      h('h2', { id: 'delete-title' }, t('deleteConfirmTitle')),
      h('p', {}, t('deleteConfirmBody', { id: record.id, area: `${formatNumber(area, 0)} m²` })),
      h('p', { class: 'hint' }, t('deleteUndoNote')),
      error,
      h('div', { class: 'dialog-actions' }, cancel, confirm),
    );
    confirm.addEventListener('click', async () => {
      confirm.disabled = true;
      confirm.textContent = t('deleting');
      const refusal = await removeSaved(polygon, record, records.get(polygon.id)?.etag ?? record.etag);
      if (!refusal) {
        dialog.close();
        return;
      }
      error.textContent = refusal();
      error.hidden = false;
      confirm.hidden = true;
      cancel.textContent = t('close');
      cancel.focus();
    });
    dialog.addEventListener('close', () => dialog.remove());
    document.body.append(dialog);
    dialog.showModal();
    // The safe choice has the focus: Enter on an open dialog must not delete.
    cancel.focus();
  }

  // In select mode a click on a saved plot opens it for editing (exact geometry and ETag from the API).
  const onMapClick = async (event: { point: { x: number; y: number } }) => {
    const plotLayers = ['plots-fill'].filter((id) => map.getLayer(id));
    const hit = map.queryRenderedFeatures([event.point.x, event.point.y], { layers: plotLayers })[0];
    if (!hit || hit.id === undefined) return;
    const id = Number(hit.id);
    if (assembling) {
      try {
        const [record, parcel] = await Promise.all([loadPlot(id), loadMainParcel(id)]);
        assembling.toggle({
          id,
          // Given by the features API only to staff who may see the farmer.
          farmer_name: typeof record.properties.farmer_name === 'string' ? record.properties.farmer_name : null,
          parcel,
          crop: String(record.properties.crop ?? ''),
          area_m2: Number(record.properties.area_m2 ?? 0),
          commune_code: record.properties.commune_code as string | undefined,
          growing_area_id: record.properties.growing_area_id === null ? null : Number(record.properties.growing_area_id ?? NaN) || null,
          areaStatus: typeof hit.properties?.status === 'string' ? hit.properties.status : null,
          geometry: record.geometry,
        });
      } catch (error) {
        toast(() => describeError(error), 'error');
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
      toast(() => describeError(error), 'error');
    }
  };
  map.on('click', onMapClick);

  /** Outlines the plots picked for the growing area, so the officer sees what a tap selected. */
  function showPicked(plots: readonly PickedPlot[]): void {
    const data = {
      type: 'FeatureCollection' as const,
      features: plots.flatMap((p) => (p.geometry ? [{ type: 'Feature' as const, id: p.id, geometry: p.geometry, properties: {} }] : [])),
    };
    const source = map.getSource(ASSEMBLE_SOURCE) as GeoJSONSource | undefined;
    if (source) {
      source.setData(data);
      return;
    }
    map.addSource(ASSEMBLE_SOURCE, { type: 'geojson', data });
    map.addLayer({
      id: `${ASSEMBLE_SOURCE}-fill`,
      type: 'fill',
      source: ASSEMBLE_SOURCE,
      paint: { 'fill-color': '#00838F', 'fill-opacity': 0.3 },
    });
    map.addLayer({
      id: `${ASSEMBLE_SOURCE}-line`,
      type: 'line',
      source: ASSEMBLE_SOURCE,
      paint: { 'line-color': '#006064', 'line-width': 3 },
    });
  }

  function clearPicked(): void {
    for (const id of [`${ASSEMBLE_SOURCE}-fill`, `${ASSEMBLE_SOURCE}-line`]) if (map.getLayer(id)) map.removeLayer(id);
    if (map.getSource(ASSEMBLE_SOURCE)) map.removeSource(ASSEMBLE_SOURCE);
  }

  function stopAssembling(): void {
    assembling?.dispose();
    assembling = undefined;
    assemblePanel.hidden = true;
    clear(assemblePanel);
    clearPicked();
    renderStatus();
  }

  function toggleAssemble(): void {
    if (assembling) {
      stopAssembling();
    } else {
      session.setMode('static');
      assembling = new GrowingAreaAssembler({
        onCreated: () => void handle.showEdits(),
        onChange: showPicked,
        // 'Huỷ' on the phone's pick bar: as the tool's button would, and the keyboard goes back to it.
        onCancel: () => {
          if (!assembling) return;
          toggleAssemble();
          document.getElementById('tool-assemble')?.focus();
        },
      });
      const looking = map.getCenter();
      assemblePanel.append(assembling.element);
      assemblePanel.hidden = false;
      uncover(map, card, looking);
      assembling.focusPicking();
    }
    renderStatus();
    renderToolbar();
  }

  // The walk panel is built once per walk and updated in place: readings arrive about once a second,
  // and rebuilding the buttons under a thumb would swallow the tap that lands between two readings.
  let gpsView: { accuracy: HTMLElement; points: HTMLElement; main: HTMLButtonElement; record: HTMLButtonElement } | undefined;
  let walkId: string | undefined;
  let walkCorners = 0;

  function buildGpsPanel(): NonNullable<typeof gpsView> {
    const view = {
      accuracy: h('p', { class: 'hint', id: 'gps-accuracy', 'aria-live': 'polite' }),
      points: h('p', { class: 'summary', id: 'gps-points' }),
      main: button('gps-start', t('gpsStart'), () => {
        const status = walk?.state.status;
        if (status === 'walking') walk?.pause();
        else if (status === 'paused') walk?.resume();
        else walk?.start();
      }),
      record: button('gps-record', t('gpsAddPoint'), () => void walk?.recordCorner()),
    };
    view.record.classList.add('btn-primary');
    clear(gpsPanel);
    gpsPanel.append(
      h('h3', {}, t('gpsWalk')),
      view.accuracy,
      view.points,
      h(
        'div',
        { class: 'gps-actions' },
        view.main,
        view.record,
        button('gps-undo', t('undo'), () => walk?.undoCorner()),
        button('gps-finish', t('gpsFinish'), () => finishWalk()),
      ),
    );
    return view;
  }

  function renderGps(state: WalkState): void {
    const view = (gpsView ??= buildGpsPanel());
    const bad = state.tooInaccurate && state.last;
    view.accuracy.className = bad || state.error ? 'form-error' : 'hint';
    view.accuracy.textContent = state.error
      ? locationErrorText(state.error)
      : bad
        ? t('gpsTooInaccurate', { m: formatNumber(state.last!.accuracy, 0), limit: 10 })
        : state.last
          ? t('gpsAccuracy', { m: formatNumber(state.last.accuracy, 1) })
          : t('gpsWaiting');
    view.points.textContent =
      t('gpsPoints', { n: state.points.length }) + (state.averaging ? ` · ${t('gpsAveraging', { n: state.averaging })}` : '');
    view.accuracy.dataset.accuracy = state.last ? String(state.last.accuracy) : '';
    view.points.dataset.points = String(state.points.length);
    view.points.dataset.averaging = String(state.averaging);
    const [id, label] =
      state.status === 'walking'
        ? ['gps-pause', t('gpsPause')]
        : state.status === 'paused'
          ? ['gps-resume', t('gpsResume')]
          : ['gps-start', t('gpsStart')];
    view.main.id = id;
    view.main.textContent = label;
    view.main.title = label;
    view.main.setAttribute('aria-label', label);
    view.record.disabled = state.status !== 'walking';
    // The walked corners show as a polygon in progress; only a new or dropped corner touches the
    // drawing (each change is an undo step in terra-draw, a reading is not).
    if (state.points.length === walkCorners) return;
    walkCorners = state.points.length;
    const polygon = polygonFromPositions(state.points);
    if (polygon && walkId) session.replace(walkId, polygon);
    else if (polygon) walkId = session.add(polygon);
    else if (walkId) {
      session.remove(walkId);
      walkId = undefined;
    }
  }

  function toggleGps(): void {
    if (walk) {
      finishWalk();
      return;
    }
    crosshair?.cancel();
    walk = new GpsWalk({ maxAccuracyM: 10, samples: 5, sampleTimeoutMs: 20_000, autoSpacingM: undefined }, renderGps);
    if (!walk.available) {
      toast(() => t('gpsUnavailable'), 'error');
      walk = undefined;
      return;
    }
    stopAssembling();
    session.setMode('static');
    gpsPanel.hidden = false;
    renderGps(walk.state);
  }

  /** Ends the walk: the walked polygon stays selected, ready for its live area, validation and Save. */
  function finishWalk(): void {
    walk?.finish();
    walk = undefined;
    const walked = walkId;
    walkId = undefined;
    walkCorners = 0;
    gpsView = undefined;
    gpsPanel.hidden = true;
    clear(gpsPanel);
    if (walked && session.polygons().some((p) => p.id === walked)) session.select(walked);
    else toast(() => t('gpsNeedCorners'));
    renderStatus();
    renderToolbar();
  }

  function toggleCrosshair(): void {
    if (crosshair) {
      crosshair.cancel();
      return;
    }
    if (walk) finishWalk();
    stopAssembling();
    // Taps on the map must not draw or select while the map is panned under the crosshair.
    session.setMode('static');
    crosshair = startCrosshair({
      map,
      session,
      panel: crosshairPanel,
      covers: () => [toolbar, card, ...document.querySelectorAll('aside.panel')],
      rings: () => rings,
      snapping: () => session.snapping(),
      onEnd: (closed) => {
        crosshair = undefined;
        const polygon = closed ? session.polygons().find((p) => p.id === closed) : undefined;
        if (polygon) {
          // Done: the polygon takes the path of every drawing (selected, live area, validation), and a
          // valid one goes straight to the plot form and the save.
          session.select(polygon.id);
          if (validatePlotGeometry(polygon.geometry).valid) void save(polygon);
        } else session.setMode('polygon');
        renderStatus();
        renderToolbar();
      },
    });
    renderStatus();
    renderToolbar();
  }

  function pickFile(): void {
    const input = h('input', {
      type: 'file',
      accept:
        '.geojson,.json,.kml,.kmz,.gpx,application/geo+json,application/vnd.google-earth.kml+xml,application/vnd.google-earth.kmz,application/gpx+xml',
      hidden: true,
    });
    input.addEventListener('change', async () => {
      const file = input.files?.[0];
      input.remove();
      if (!file) return;
      try {
        // A KMZ (Google Earth's default) is read as the KML it holds.
        const kmz = /\.kmz$/i.test(file.name);
        const text = kmz ? await kmlOfKmz(new Uint8Array(await file.arrayBuffer())) : await file.text();
        const polygons = parseBoundaryFile(kmz ? 'doc.kml' : file.name, text);
        let last: string | undefined;
        for (const polygon of polygons) last = session.add(polygon);
        const all = polygons.flatMap((p) => p.coordinates[0] ?? []);
        const xs = all.map((c) => c[0]!);
        const ys = all.map((c) => c[1]!);
        map.fitBounds([Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)], { padding: 60, maxZoom: 18 });
        if (last) session.select(last);
        toast(() => t('fileLoaded', { n: polygons.length }));
      } catch (error) {
        toast(() => t('fileUnreadable', { detail: describeError(error) }), 'error');
      }
    });
    document.body.append(input);
    input.click();
  }

  /**
   * How many plots would be lost by leaving now: drawings (finished or not, walked, placed with the
   * crosshair, or brought back by undo) and opened plots whose shape was changed, none of them saved.
   */
  function unsavedCount(): number {
    let count = session.polygons().filter((p) => {
      const record = records.get(p.id);
      return !record || !sameShape(p.geometry, record.geometry);
    }).length;
    // Corners walked or placed that do not make a polygon yet are work too (a field walked with GPS).
    if (walk && walk.state.points.length > 0 && !walkId) count++;
    const placed = Number(crosshairPanel.querySelector<HTMLElement>('[data-corners]')?.dataset.corners ?? 0);
    if (crosshair && placed > 0 && !crosshair.polygonId()) count++;
    return count;
  }

  /** "Xong": leaves at once when nothing is unsaved, otherwise asks first, keeping the work being the safe choice. */
  function requestClose(): void {
    const count = unsavedCount();
    if (count === 0) {
      close();
      return;
    }
    askBeforeActing({
      ids: { dialog: 'unsaved-dialog', title: 'unsaved-title', stay: 'unsaved-keep', go: 'unsaved-discard' },
      title: t('unsavedTitle'),
      body: t('unsavedBody', { n: count }),
      stay: t('keepEditing'),
      go: t('discardUnsaved', { n: count }),
      onGo: close,
      // Keeping the drawing is the main answer: Enter (or Esc) keeps it.
      stayIsPrimary: true,
      attributes: { 'data-unsaved': String(count) },
    });
  }

  function close(): void {
    clearTimeout(overlapTimer);
    neighboursChanged = undefined;
    words.dispose();
    assembling?.dispose();
    walk?.finish();
    crosshair?.cancel();
    map.off('moveend', onMoveEnd);
    map.off('click', onMapClick);
    session.stop();
    clearConflict();
    toolbar.remove();
    card.remove();
    handle.setEditing(false);
    releaseUnsaved();
    open = false;
    delete (window as unknown as { __bandoEditor?: EditorHandle }).__bandoEditor;
  }

  // A language switch words the toolbar, the live area and validation, and a walk's panel again from
  // their state: the drawing, the corners walked or placed and the tool in use stay as they are (the
  // crosshair tool words its own panel). Dialogs are modal: the switch cannot be reached under them.
  words.redraw(() => {
    toolbar.setAttribute('aria-label', t('editPlots'));
    renderToolbar();
    renderStatus();
    if (walk) {
      gpsView = undefined;
      renderGps(walk.state);
    }
  });

  // Leaving the page (a reload, Back out of the app) with a drawing not saved: the browser asks first.
  releaseUnsaved = holdUnsaved(() => unsavedCount() > 0);
  (window as unknown as { __bandoEditor?: EditorHandle }).__bandoEditor = { session, snapRings: () => rings, close };
  renderToolbar();
  renderStatus();
}
