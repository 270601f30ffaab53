// The only file that touches terra-draw and its MapLibre adapter (STYLE.md: one adapter file), so
// the editor, the forms and the tests speak in GeoJSON polygons and never in terra-draw's types.
import type { Polygon, Position } from 'geojson';
import type { Map as MapLibreMap } from 'maplibre-gl';
import {
  TerraDraw,
  TerraDrawModeUndoRedo,
  TerraDrawPolygonMode,
  TerraDrawSelectMode,
  TerraDrawSessionUndoRedo,
  TerraDrawUndoRedoKeyboardShortcuts,
  type GeoJSONStoreFeatures,
  type SnapToCustom,
  type TerraDrawKeyboardEvent,
} from 'terra-draw';
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter';
import { snapPoint, type LonLat, type SnapRing } from './snap.ts';

/** A polygon in the editor: its editor id and the properties the editor keeps with it (plot id, ETag). */
export type DrawnPolygon = { id: string; geometry: Polygon; properties: Record<string, unknown>; drawing: boolean };

/** Editing modes offered to the officer. */
export type DrawMode = 'polygon' | 'select' | 'static';

/** What the editor can do with the drawing layer. */
export interface DrawSession {
  setMode(mode: DrawMode): void;
  mode(): DrawMode;
  /** Every polygon, finished or still being drawn. */
  polygons(): DrawnPolygon[];
  /** The polygon being drawn or, in select mode, the selected one. */
  active(): DrawnPolygon | undefined;
  add(geometry: Polygon, properties?: Record<string, unknown>): string;
  replace(id: string, geometry: Polygon): void;
  setProperties(id: string, properties: Record<string, unknown>): void;
  remove(id: string): void;
  select(id: string): void;
  deleteActive(): boolean;
  undo(): boolean;
  redo(): boolean;
  canUndo(): boolean;
  canRedo(): boolean;
  setSnapping(on: boolean): void;
  snapping(): boolean;
  /** Called after every change (a vertex placed, moved, inserted or deleted; a polygon finished or removed). */
  onChange(listener: () => void): void;
  stop(): void;
}

/** Where snapping looks: the parcels' and plots' rings near the view, refreshed by the editor. */
export type SnapSource = () => readonly SnapRing[];

/** Pixels within which a vertex snaps: a thumb on a phone needs more than a mouse. */
const SNAP_PX = matchMedia('(pointer: coarse)').matches ? 18 : 12;

// terra-draw keeps its own bookkeeping in properties; these are ours to carry.
const OWN = new Set([
  'mode',
  'currentlyDrawing',
  'edited',
  'closingPoint',
  'snappingPoint',
  'coordinatePoint',
  'coordinatePointIds',
  'selected',
  'midPoint',
  'selectionPoint',
]);

/** Decimal places terra-draw keeps (and accepts): 1e-9° is 0.1 mm, far below any survey. */
const COORDINATE_PRECISION = 9;
const atPrecision = (v: number) => Math.round(v * 10 ** COORDINATE_PRECISION) / 10 ** COORDINATE_PRECISION;

// terra-draw refuses a feature whose coordinates carry more decimals than its precision, and an
// averaged GPS corner or a KML vertex easily has 15: round them before handing them over.
function rounded(geometry: Polygon): Polygon {
  return { type: 'Polygon', coordinates: geometry.coordinates.map((ring) => ring.map((p) => p.map(atPrecision))) };
}

function ours(properties: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(properties).filter(([k]) => !OWN.has(k)));
}

/**
 * Starts terra-draw on the map with polygon drawing, vertex editing, snapping and undo/redo, with
 * the keys every editor has: Ctrl+Z (⌘Z) undoes, Ctrl+Y, Ctrl+Shift+Z (⌘⇧Z) redoes, while the map has
 * the focus (a click on it gives it) and `keysAllowed` says the toolbar's buttons would too.
 */
export function startDrawSession(map: MapLibreMap, snapSource: SnapSource, keysAllowed: () => boolean = () => true): DrawSession {
  let snappingOn = true;
  const extra = new Map<string, Record<string, unknown>>();

  // terra-draw's declaration files resolve only partly under NodeNext, so the event is typed here.
  const toCustom: SnapToCustom = (event: { lng: number; lat: number; containerX: number; containerY: number }) => {
    if (!snappingOn) return undefined;
    const rings = snapSource();
    if (rings.length === 0) return undefined;
    const pointer = { x: event.containerX, y: event.containerY };
    const degrees = (SNAP_PX * 2 * 360) / (512 * 2 ** map.getZoom());
    const hit = snapPoint(pointer, [event.lng, event.lat], rings, (p: LonLat) => map.project(p), SNAP_PX, degrees);
    // At terra-draw's precision, as every coordinate it makes: a parcel's corner has more decimals, and a
    // shape holding one was refused when undo or redo put it back (addFeatures: "excessive precision"),
    // so Làm lại did nothing after Hoàn tác. 1e-9° is a tenth of a millimetre.
    return hit ? [atPrecision(hit.at[0]), atPrecision(hit.at[1])] : undefined;
  };
  const snapping = { toCoordinate: true, toCustom };

  const keys = new TerraDrawUndoRedoKeyboardShortcuts();
  const draw = new TerraDraw({
    adapter: new TerraDrawMapLibreGLAdapter({ map, coordinatePrecision: COORDINATE_PRECISION, minPixelDragDistanceDrawing: 8 }),
    modes: [
      new TerraDrawPolygonMode({
        snapping,
        pointerDistance: SNAP_PX + 6,
        editable: true,
        styles: {
          fillColor: '#FF6D00',
          fillOpacity: 0.25,
          outlineColor: '#E65100',
          outlineWidth: 3,
          closingPointWidth: 8,
          snappingPointColor: '#00B8D4',
          snappingPointWidth: 7,
        },
      }),
      new TerraDrawSelectMode({
        pointerDistance: SNAP_PX + 6,
        flags: {
          polygon: {
            feature: {
              draggable: false,
              selfIntersectable: false,
              coordinates: { midpoints: true, draggable: true, deletable: true, snappable: snapping },
            },
          },
        },
        styles: {
          selectedPolygonColor: '#FF6D00',
          selectedPolygonOutlineColor: '#E65100',
          selectedPolygonOutlineWidth: 3,
          selectionPointWidth: 7,
          midPointWidth: 5,
        },
      }),
    ],
    undoRedo: {
      modeLevel: new TerraDrawModeUndoRedo(),
      sessionLevel: new TerraDrawSessionUndoRedo(),
      keyboardShortcuts: {
        isUndoKeyboardShortcut: (event: TerraDrawKeyboardEvent) => keysAllowed() && keys.isUndoKeyboardShortcut(event),
        isRedoKeyboardShortcut: (event: TerraDrawKeyboardEvent) => keysAllowed() && keys.isRedoKeyboardShortcut(event),
      },
    },
  });
  draw.start();
  draw.setMode('polygon');

  const listeners = new Set<() => void>();
  const emit = () => listeners.forEach((l) => l());
  draw.on('change', (_ids, type) => {
    if (type !== 'styling') emit();
  });
  draw.on('finish', emit);
  draw.on('select', emit);
  draw.on('deselect', emit);

  const toPolygon = (f: GeoJSONStoreFeatures): DrawnPolygon | undefined => {
    if (f.geometry.type !== 'Polygon' || f.properties.mode !== 'polygon') return undefined;
    const id = String(f.id);
    return {
      id,
      geometry: { type: 'Polygon', coordinates: f.geometry.coordinates as Position[][] },
      properties: { ...ours(f.properties as Record<string, unknown>), ...(extra.get(id) ?? {}) },
      drawing: Boolean(f.properties.currentlyDrawing),
    };
  };
  const polygons = () =>
    draw
      .getSnapshot()
      .map(toPolygon)
      .filter((p): p is DrawnPolygon => p !== undefined);

  return {
    setMode: (mode) => draw.setMode(mode === 'static' ? 'static' : mode),
    mode: () => draw.getMode() as DrawMode,
    polygons,
    active() {
      const all = draw.getSnapshot();
      const f = all.find((x) => x.properties.currentlyDrawing || x.properties.selected);
      return f ? toPolygon(f) : undefined;
    },
    add(geometry, properties = {}) {
      const [result] = draw.addFeatures([
        { type: 'Feature', geometry: rounded(geometry), properties: { mode: 'polygon' } } as GeoJSONStoreFeatures,
      ]);
      if (!result?.valid || result.id === undefined) throw new Error(result?.reason ?? 'polygon not accepted');
      const id = String(result.id);
      extra.set(id, properties);
      emit();
      return id;
    },
    replace(id, geometry) {
      draw.updateFeatureGeometry(id, rounded(geometry));
      emit();
    },
    setProperties(id, properties) {
      extra.set(id, { ...(extra.get(id) ?? {}), ...properties });
    },
    remove(id) {
      draw.removeFeatures([id]);
      extra.delete(id);
      emit();
    },
    select(id) {
      draw.setMode('select');
      draw.selectFeature(id);
      emit();
    },
    deleteActive() {
      const active = this.active();
      if (!active) return false;
      this.remove(active.id);
      return true;
    },
    undo: () => draw.undo(),
    redo: () => draw.redo(),
    canUndo: () => draw.canUndo(),
    canRedo: () => draw.canRedo(),
    setSnapping(on) {
      snappingOn = on;
    },
    snapping: () => snappingOn,
    onChange(listener) {
      listeners.add(listener);
    },
    stop() {
      listeners.clear();
      draw.stop();
    },
  };
}
