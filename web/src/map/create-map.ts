import 'maplibre-gl/dist/maplibre-gl.css';
import * as maplibregl from 'maplibre-gl';
import type { Map as MapLibreMap, StyleSpecification } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { SessionUser } from '../api/session.ts';
import { onLang, t } from '../i18n/i18n.ts';
import type { ViewState } from '../state/url-state.ts';
import type { PickedFeature } from '../ui/details-panel.ts';
import { toast } from '../ui/toast.ts';
import { initialCamera, prefetchFirstView } from './first-view.ts';
import { mapLocale, relabelMap } from './map-locale.ts';
import { followChanges } from './change-feed.ts';
import { locationErrorText } from './location-error.ts';
import { announceNetwork, offlineNotice, watchTiles } from './offline-notice.ts';
import { refetchAll, refetching } from './refetch-tiles.ts';
import { tilesForViewer } from './viewer-tiles.ts';

// Bundled, the library cannot find its worker next to itself; point it at the copy Vite emitted,
// and start the worker now (boot-fetch.ts has already asked for its script).
maplibregl.setWorkerUrl(workerUrl);
maplibregl.prewarm();

/**
 * Starts the map's worker again if it does not answer: for a page whose worker was started while
 * its script could not be downloaded (the signal went on arrival), which never answers, so no map
 * draws. MapLibre's own recovery (a ping, new workers, the maps' sources loaded again), made for
 * workers a phone's browser kills in the background.
 */
export function reviveMapWorkers(): void {
  void maplibregl.getGlobalDispatcher().ensureWorkers();
}

export { PHONE_MAX_WIDTH } from './first-view.ts';

/** What the rest of the client may do with the map, so no view reaches into MapLibre's internals. */
export type MapHandle = {
  map: MapLibreMap;
  style: StyleSpecification;
  /** True while the editor owns pointer input (clicks then do not open details). */
  editing(): boolean;
  setEditing(on: boolean): void;
  /** Rendered features of a group with this id (from loaded tiles). */
  findRendered(group: string, id: string | number): PickedFeature[];
  /**
   * The group's features with this id once every tile of its source in view is loaded (after a
   * setTiles: the new viewer's), or at the map's next idle, whichever comes first; [] when they are
   * not drawn then (this viewer does not see them, or the layer is hidden).
   */
  whenDrawn(group: string, id: string | number): Promise<PickedFeature[]>;
  locate(): void;
  user(): SessionUser | undefined;
  setUser(user: SessionUser | undefined): void;
  /**
   * Asks every vector source for fresh tiles, under new URLs: after a sign-in or out (the URLs
   * carry the viewer's key: a guest's copy is not a staff one's). After a save, showEdits.
   */
  refreshTiles(): Promise<void>;
  /**
   * After this page's own save: the tiles the save changed are asked for again, as soon as the
   * server has heard of it (GET /api/changes), and only those: the rest of the view is not
   * fetched again (a phone's link carries a few tiles, not the whole view).
   */
  showEdits(): Promise<void>;
};

function sourceOf(style: StyleSpecification, group: string): string | undefined {
  const layer = style.layers.find((l) => (l.metadata as Record<string, string> | undefined)?.['bando:group'] === group);
  return layer && 'source' in layer ? layer.source : undefined;
}

/** Creates the map with our controls: zoom and compass (north arrow), scale bar, locate-me, compact attribution. */
export async function createMap(container: HTMLElement, style: StyleSpecification, view: ViewState): Promise<MapHandle> {
  const bounds = (style.metadata as Record<string, unknown> | undefined)?.['bando:bounds'] as [number, number, number, number] | null;
  const camera = initialCamera(style, view, container.clientWidth);
  prefetchFirstView(style, camera, container.clientWidth, container.clientHeight);
  const map = new maplibregl.Map({
    container,
    style,
    ...camera,
    // Added with the other controls once the first view is drawn (below).
    attributionControl: false,
    maxPitch: 0,
    // A cheap phone: no collision-fade animation to wait for, no style validation on the main thread.
    // A user who asked their system for less motion gets labels that appear without fading at all
    // (MapLibre itself only shortens camera moves for them): each faded frame is a whole map drawn.
    fadeDuration: globalThis.matchMedia?.('(prefers-reduced-motion: reduce)').matches ? 0 : 100,
    validateStyle: false,
    // CJK and other scripts outside our glyph ranges are not drawn locally with system fonts.
    localIdeographFontFamily: false,
    // The controls' tooltips and screen-reader labels in the page's language (map-locale.ts).
    locale: mapLocale(),
    ...(bounds
      ? { maxBounds: [bounds[0] - 0.5, bounds[1] - 0.5, bounds[2] + 0.5, bounds[3] + 0.5] as [number, number, number, number] }
      : {}),
  });
  const geolocate = new maplibregl.GeolocateControl({
    positionOptions: { enableHighAccuracy: true },
    trackUserLocation: true,
    showAccuracyCircle: true,
  });
  // The browser's refusal in the user's words, with what to do (its own message is English).
  geolocate.on('error', (e: { code?: number }) => toast(() => locationErrorText(e.code), 'error', 10_000));
  geolocate.on('outofmaxbounds', () => toast(() => t('locateOutside'), 'error', 10_000));
  // The controls' icons are SVG images the browser decodes as it lays them out: about a quarter
  // second of a slow phone's main thread, inside the frames that draw the first tiles. They come
  // once the first view is drawn and the map is idle (or after a few seconds, whatever happened),
  // or at once when needed.
  let controlsAddedAt = 0;
  const addControls = () => {
    if (controlsAddedAt) return;
    controlsAddedAt = performance.now();
    map.addControl(new maplibregl.NavigationControl({ showCompass: true, visualizePitch: false }), 'top-right');
    map.addControl(geolocate, 'top-right');
    map.addControl(new maplibregl.ScaleControl({ unit: 'metric', maxWidth: 120 }), 'bottom-left');
    map.addControl(new maplibregl.AttributionControl({ compact: true }), 'bottom-right');
  };
  map.once('idle', addControls);
  onLang(() => relabelMap(map));
  setTimeout(addControls, 6000);
  // A busy tile server answers 503 with Retry-After (its render queue is full): ask again later,
  // a few times with growing pauses, instead of leaving a hole in the map.
  const retries = new Map<string, number>();
  // Per source, the retries asked for and not yet made: a card waiting for its feature to be drawn
  // (whenDrawn) waits for them too, since a refused tile counts as loaded until it is asked again.
  const retrying = new Map<string, number>();
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
        retrying.set(sourceId, (retrying.get(sourceId) ?? 0) + 1);
        setTimeout(
          () => {
            retrying.set(sourceId, retrying.get(sourceId)! - 1);
            // The tile is 'expired' (not loaded) from here until its answer, if it is still in view;
            // the frame asked for lets a waiting whenDrawn look again if it is not.
            map.refreshTiles(sourceId, [{ x: canonical.x, y: canonical.y, z: canonical.z }]);
            map.triggerRepaint();
          },
          1000 * 2 ** attempt,
        );
        return;
      }
    }
    if (!navigator.onLine) return;
    console.warn('[map]', e.error?.message ?? event);
  });
  // A tile can finish loading with no frame asked for after it (seen on a loaded machine: the last
  // frames drawn while a tile was still being parsed, then nothing, though the tile was loaded): what
  // came would not be drawn and 'idle' would not fire until the next touch. While the map has drawn a
  // frame and not come to rest since, it is asked for another each second.
  let restedSinceFrame = true;
  map.on('render', () => {
    restedSinceFrame = false;
  });
  map.on('idle', () => {
    restedSinceFrame = true;
  });
  setInterval(() => {
    if (!restedSinceFrame) map.triggerRepaint();
  }, 1000);
  // Edits, others' and this page's: the server says which tiles changed, and only those are asked for again.
  const changes = followChanges(map);
  // Tiles that failed for want of a network leave the map blank: say so over it until they arrive.
  watchTiles(map, offlineNotice(container));
  // …and 'showing saved data' only when that is what it shows.
  announceNetwork(map, offlineNotice(container));

  // Opening or closing the side panel moves the map's left edge; MapLibre keeps the centre, which
  // would slide the view by half the panel's width. Pan it back so what the user looks at stays put.
  let left = container.getBoundingClientRect().left;
  map.on('resize', () => {
    const now = container.getBoundingClientRect().left;
    if (now !== left) map.panBy([(now - left) / 2, 0], { animate: false });
    left = now;
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
    whenDrawn(group, id) {
      const source = sourceOf(style, group);
      return new Promise((resolve) => {
        // One source, not the whole map: tiles are refreshed as others' edits come in, each
        // source's on its own, so on a busy map the whole of it may not rest for a long while (a
        // sign-out's card waited over 90 s for it once, when every tile expired every 5 s). A tile
        // event of this source must come first: a setTiles has its tiles reload, not its state.
        let tileSeen = false;
        let done = false;
        // A tile the busy server refused (503) and that is to be asked for again is not settled yet:
        // the feature may be in it (a shared link's card would otherwise never open).
        // Nor is a source whose tiles from before a sign-in are still to be fetched again (refetch-tiles.ts).
        const waitingRetry = () => !!source && ((retrying.get(source) ?? 0) > 0 || refetching(map, source));
        const settled = () => !!source && tileSeen && !!map.getSource(source) && map.isSourceLoaded(source) && !waitingRetry();
        const finish = () => {
          if (done || waitingRetry()) return;
          done = true;
          clearInterval(poll);
          map.off('sourcedata', onData);
          map.off('render', onRender);
          map.off('idle', onIdle);
          resolve(handle.findRendered(group, id));
        };
        const onData = (e: { sourceId?: string; tile?: unknown }) => {
          if (e.sourceId !== source || !e.tile) return;
          tileSeen = true;
          if (settled()) finish();
        };
        // At rest, if this source is: a listener of the same 'idle' may just have asked for some of its tiles again.
        const onIdle = () => {
          if (!source || !map.getSource(source) || map.isSourceLoaded(source)) finish();
        };
        // A tile revalidated unchanged (304) fires no data event: the frame that follows is looked at.
        const onRender = () => {
          if (settled()) finish();
        };
        map.on('sourcedata', onData);
        map.on('render', onRender);
        map.on('idle', onIdle);
        // The source may come to rest with no event to say so: on a loaded machine, a page reloaded
        // with a plot in its link had every tile of the source arrive, the last frames drawn while one
        // was still being parsed, then no frame, no 'idle' and no data event when it was done, and the
        // card never opened. A look twice a second catches that.
        const poll = setInterval(() => {
          if (settled()) finish();
        }, 500);
        map.triggerRepaint();
      });
    },
    locate: () => {
      addControls();
      // A control added a moment ago first checks (asynchronously) whether the browser can locate.
      const attempt = (left: number) => {
        if (geolocate.trigger()) return;
        if (left > 0) setTimeout(() => attempt(left - 1), 100);
        else toast(() => t('locateFailed', { detail: t('gpsUnavailable') }), 'error');
      };
      attempt(controlsAddedAt && performance.now() - controlsAddedAt < 2000 ? 20 : 0);
    },
    user: () => user,
    setUser: (next) => {
      user = next;
    },
    showEdits: () => changes.askUntilTold(),
    async refreshTiles() {
      const fresh = (await (await fetch('/style.json', { cache: 'no-cache' })).json()) as StyleSpecification;
      for (const [id, spec] of Object.entries(fresh.sources)) {
        const source = map.getSource(id) as { setTiles?: (tiles: string[]) => void } | undefined;
        if (spec.type !== 'vector' || !spec.tiles || !source?.setTiles) continue;
        const tiles = tilesForViewer(spec.tiles, user);
        // Not awaited: whenDrawn waits for it (refetching), the rest of the page need not.
        void refetchAll(map, id, () => source.setTiles!(tiles));
      }
    },
  };
  return handle;
}
