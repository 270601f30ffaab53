import 'maplibre-gl/dist/maplibre-gl.css';
import * as maplibregl from 'maplibre-gl';
import type { Map as MapLibreMap, StyleSpecification } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { SessionUser } from '../api/session.ts';
import { t } from '../i18n/i18n.ts';
import type { ViewState } from '../state/url-state.ts';
import type { PickedFeature } from '../ui/details-panel.ts';
import { toast } from '../ui/toast.ts';

// Bundled, the library cannot find its worker next to itself; point it at the copy Vite emitted,
// and start the worker now, so its script downloads while the style is still on its way.
maplibregl.setWorkerUrl(workerUrl);
maplibregl.prewarm();

/** Screens narrower than this get the phone layout and the phone's first view. */
export const PHONE_MAX_WIDTH = 760;

/** What the rest of the client may do with the map, so no view reaches into MapLibre's internals. */
export type MapHandle = {
  map: MapLibreMap;
  style: StyleSpecification;
  /** True while the editor owns pointer input (clicks then do not open details). */
  editing(): boolean;
  setEditing(on: boolean): void;
  /** Rendered features of a group with this id (from loaded tiles). */
  findRendered(group: string, id: string | number): PickedFeature[];
  locate(): void;
  user(): SessionUser | undefined;
  setUser(user: SessionUser | undefined): void;
  /** Asks every vector source for fresh tiles (after a save: the TileJSON carries a new data version). */
  refreshTiles(): Promise<void>;
};

function sourceOf(style: StyleSpecification, group: string): string | undefined {
  const layer = style.layers.find((l) => (l.metadata as Record<string, string> | undefined)?.['bando:group'] === group);
  return layer && 'source' in layer ? layer.source : undefined;
}

/** Creates the map with our controls: zoom and compass (north arrow), scale bar, locate-me, compact attribution. */
export async function createMap(container: HTMLElement, style: StyleSpecification, view: ViewState): Promise<MapHandle> {
  const bounds = (style.metadata as Record<string, unknown> | undefined)?.['bando:bounds'] as [number, number, number, number] | null;
  const map = new maplibregl.Map({
    container,
    style,
    // Without a view in the link, a phone starts with the city overview two levels out (roads,
    // water, wards, growing areas and plots; parcels appear from z13): a tenth of the bytes of the
    // parcel mosaic, which is what a cheap phone on a weak link can fetch and draw in a few seconds.
    ...(view.center
      ? { center: view.center, zoom: view.zoom ?? 15, bearing: view.bearing ?? 0 }
      : container.clientWidth < PHONE_MAX_WIDTH && style.zoom !== undefined && style.center
        ? { center: style.center as [number, number], zoom: style.zoom - 2 }
        : {}),
    attributionControl: { compact: true },
    maxPitch: 0,
    // A cheap phone: no collision-fade animation to wait for, no style validation on the main thread.
    fadeDuration: 100,
    validateStyle: false,
    // CJK and other scripts outside our glyph ranges are not drawn locally with system fonts.
    localIdeographFontFamily: false,
    ...(bounds
      ? { maxBounds: [bounds[0] - 0.5, bounds[1] - 0.5, bounds[2] + 0.5, bounds[3] + 0.5] as [number, number, number, number] }
      : {}),
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: true, visualizePitch: false }), 'top-right');
  const geolocate = new maplibregl.GeolocateControl({
    positionOptions: { enableHighAccuracy: true },
    trackUserLocation: true,
    showAccuracyCircle: true,
  });
  map.addControl(geolocate, 'top-right');
  geolocate.on('error', (e: { message?: string }) => toast(t('locateFailed', { detail: e.message ?? '' }), 'error'));
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric', maxWidth: 120 }), 'bottom-left');
  // A busy tile server answers 503 with Retry-After (its render queue is full): ask again later,
  // a few times with growing pauses, instead of leaving a hole in the map.
  const retries = new Map<string, number>();
  map.on('error', (event) => {
    const e = event as unknown as {
      error?: { status?: number; message?: string };
      sourceId?: string;
      tile?: { tileID?: { canonical: { x: number; y: number; z: number } } };
    };
    const canonical = e.tile?.tileID?.canonical;
    if (e.sourceId && canonical && (e.error?.status === 503 || e.error?.status === 0)) {
      const key = `${e.sourceId}/${canonical.z}/${canonical.x}/${canonical.y}`;
      const attempt = (retries.get(key) ?? 0) + 1;
      if (attempt <= 4) {
        retries.set(key, attempt);
        const sourceId = e.sourceId;
        setTimeout(() => map.refreshTiles(sourceId, [{ x: canonical.x, y: canonical.y, z: canonical.z }]), 1000 * 2 ** attempt);
        return;
      }
    }
    if (!navigator.onLine) return;
    console.warn('[map]', e.error?.message ?? event);
  });

  let editing = false;
  let user: SessionUser | undefined;
  const handle: MapHandle = {
    map,
    style,
    editing: () => editing,
    setEditing: (on) => {
      editing = on;
    },
    findRendered(group, id) {
      const source = sourceOf(style, group);
      if (!source || !map.getSource(source)) return [];
      const numeric = Number(id);
      const value = Number.isFinite(numeric) ? numeric : id;
      const features = map.querySourceFeatures(source, { sourceLayer: group, filter: ['==', ['id'], value] as never });
      const first = features[0];
      return first ? [{ group, id: first.id ?? id, properties: { ...first.properties } }] : [];
    },
    locate: () => {
      if (!geolocate.trigger()) toast(t('locateFailed', { detail: t('gpsUnavailable') }), 'error');
    },
    user: () => user,
    setUser: (next) => {
      user = next;
    },
    async refreshTiles() {
      const fresh = (await (await fetch('/style.json', { cache: 'no-cache' })).json()) as StyleSpecification;
      for (const [id, spec] of Object.entries(fresh.sources)) {
        const source = map.getSource(id) as { setTiles?: (tiles: string[]) => void } | undefined;
        if (spec.type === 'vector' && spec.tiles && source?.setTiles) source.setTiles(spec.tiles);
      }
    },
  };
  return handle;
}
