// A calm line over the map when it has nothing to draw for want of a network: the page arrived but
// the signal went before the style or the tiles did, or a later visit finds the shell in the service
// worker's cache and nothing else; or when the server refuses the tiles for now (503: its database
// cannot be reached). Without it the map area is a blank beige box. It goes by itself
// as soon as tiles arrive (the style and the failed tiles are asked for again when the browser says
// it is back online, and every few seconds in case it never says so).
import type { Map as MapLibreMap, StyleSpecification } from 'maplibre-gl';
import { onLang, t } from '../i18n/i18n.ts';
import { h } from '../ui/dom.ts';
import { toast } from '../ui/toast.ts';

/** How often a failed style or failed tiles are asked for again while the notice shows, besides on `online`. */
const RETRY_MS = 10_000;

/** The notice over one map container: shown and hidden, worded again on a language switch. */
export class OfflineNotice {
  readonly element = h('p', { class: 'map-offline', role: 'status', hidden: true });
  private readonly shownListeners: (() => void)[] = [];

  constructor(container: HTMLElement) {
    container.append(this.element);
    this.word();
    onLang(() => this.word());
    // The same blank map means no network, or a network and no server answering: said as it is.
    window.addEventListener('online', () => this.word());
    window.addEventListener('offline', () => this.word());
  }

  get shown(): boolean {
    return !this.element.hidden;
  }

  show(): void {
    if (this.shown) return;
    this.word();
    this.element.hidden = false;
    for (const listener of this.shownListeners) listener();
  }

  /** Calls `listener` each time the notice comes up. */
  onShow(listener: () => void): void {
    this.shownListeners.push(listener);
  }

  hide(): void {
    this.element.hidden = true;
  }

  private word(): void {
    this.element.textContent = t(navigator.onLine ? 'mapUnreachable' : 'mapOffline');
  }
}

const notices = new WeakMap<HTMLElement, OfflineNotice>();

/** The one notice of a map container (the page's boot and the map's tile watch share it). */
export function offlineNotice(container: HTMLElement): OfflineNotice {
  let notice = notices.get(container);
  if (!notice) {
    notice = new OfflineNotice(container);
    notices.set(container, notice);
  }
  return notice;
}

/**
 * Whether a failure is the network's rather than the server's answer: fetch rejects with a TypeError
 * when no request could be made (offline, or the service worker had no copy), and MapLibre reports
 * such a tile as status 0.
 */
export function isNetworkFailure(error: unknown): boolean {
  if (error instanceof TypeError) return true;
  return typeof error === 'object' && error !== null && (error as { status?: unknown }).status === 0;
}

async function readStyle(): Promise<StyleSpecification> {
  const response = await fetch('/style.json', { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
  return (await response.json()) as StyleSpecification;
}

/**
 * What `first` gives, or once it failed for want of a network, what `read` gives when it next
 * succeeds: the notice shows meanwhile, and `read` is tried again when the browser is back online
 * (or every few seconds). Any other failure (the server answered an error) is the caller's.
 */
function whenOnline<T>(first: Promise<T>, read: () => Promise<T>, notice: OfflineNotice): Promise<T> {
  return first.catch((error: unknown) => {
    if (!isNetworkFailure(error)) throw error;
    notice.show();
    return new Promise<T>((resolve, reject) => {
      let reading = false;
      const attempt = () => {
        if (reading) return;
        reading = true;
        read().then(
          (value) => {
            window.removeEventListener('online', attempt);
            clearInterval(timer);
            resolve(value);
          },
          (failure: unknown) => {
            reading = false;
            if (isNetworkFailure(failure)) return;
            window.removeEventListener('online', attempt);
            clearInterval(timer);
            reject(failure);
          },
        );
      };
      window.addEventListener('online', attempt);
      const timer = setInterval(attempt, RETRY_MS);
      // The browser may have come back online while `first` was still failing: no event will say so.
      if (navigator.onLine) attempt();
    });
  });
}

/**
 * The style, once it can be read. When `first` (the page's early read) fails for want of a network,
 * the notice shows and the style is read again when the browser is back online (or every few
 * seconds); the notice stays until tiles are drawn. Any other failure (the server answered an
 * error) is the caller's to report.
 */
export function styleWhenOnline(first: Promise<StyleSpecification>, notice: OfflineNotice): Promise<StyleSpecification> {
  return whenOnline(first, readStyle, notice);
}

/**
 * Watches the page's early download of the map's worker script (`first`). When it failed for want
 * of a network, the worker started meanwhile (maplibregl.prewarm) got no script and never answers:
 * the notice shows (the map cannot draw), and once the script can be downloaded again `revive` is
 * called to start the worker anew. Nothing is waited for when the download came: the map is made
 * beside it, as before.
 */
export function workerWhenOnline(first: Promise<unknown>, url: string, notice: OfflineNotice, revive: () => void): void {
  const read = async () => {
    const response = await fetch(url, { credentials: 'same-origin' });
    if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
    await response.arrayBuffer();
  };
  first.then(
    () => undefined,
    (error: unknown) => {
      if (!isNetworkFailure(error)) return;
      whenOnline(Promise.reject(error), read, notice).then(revive, () => undefined);
    },
  );
}

type TileAt = { sourceId: string; x: number; y: number; z: number };

/**
 * Whether the server refused a tile for now (503: its database cannot be reached, or it is too busy):
 * as blank a map as no network, and over when the server says so, not when the browser goes online.
 */
function isRefusedForNow(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { status?: unknown }).status === 503;
}

/**
 * Shows the notice while tiles of the view failed for want of a network or were refused for now
 * (503), and hides it once they (or the tiles of wherever the map has moved to) have arrived.
 * Failed tiles are asked for again when the browser is back online and every few seconds while it
 * says it is online: a database that came back after the map's own retries of a 503 ended (four,
 * over 30 s) still fills the map in.
 */
export function watchTiles(map: MapLibreMap, notice: OfflineNotice): void {
  const failed = new Map<string, TileAt>();
  const keyOf = (t: TileAt) => `${t.sourceId}/${t.z}/${t.x}/${t.y}`;
  const settle = () => (failed.size > 0 ? notice.show() : notice.hide());
  map.on('error', (event) => {
    const e = event as unknown as {
      error?: unknown;
      sourceId?: string;
      tile?: { tileID?: { canonical: { x: number; y: number; z: number } } };
    };
    const canonical = e.tile?.tileID?.canonical;
    if (!e.sourceId || !canonical || !(isNetworkFailure(e.error) || isRefusedForNow(e.error))) return;
    const tile = { sourceId: e.sourceId, x: canonical.x, y: canonical.y, z: canonical.z };
    failed.set(keyOf(tile), tile);
    settle();
  });
  map.on('sourcedata', (event) => {
    const canonical = (event.tile as { tileID?: { canonical: { x: number; y: number; z: number } } } | undefined)?.tileID?.canonical;
    if (!canonical || event.tile?.state !== 'loaded') return;
    failed.delete(keyOf({ sourceId: event.sourceId, ...canonical }));
    // Also the first tile of a page whose style came late: it takes down the notice the boot put up.
    settle();
  });
  // Tiles of a view the map has left are no longer missing from what the user looks at; nor are the
  // failed stand-ins of another zoom (a parent tried while its children failed), which the map drops
  // once the view's own tiles came (after a sign-in asked for every tile again, with no move).
  const dropUnseen = () => {
    if (failed.size === 0) return;
    const inView = new Set<string>();
    for (const sourceId of new Set([...failed.values()].map((t) => t.sourceId))) {
      const source = map.getSource(sourceId) as { minzoom?: number; maxzoom?: number; tileSize?: number } | undefined;
      const tiles = map.coveringTiles({ tileSize: source?.tileSize ?? 512, minzoom: source?.minzoom, maxzoom: source?.maxzoom });
      for (const { canonical } of tiles) inView.add(keyOf({ sourceId, ...canonical }));
    }
    for (const key of failed.keys()) if (!inView.has(key)) failed.delete(key);
    settle();
  };
  map.on('moveend', dropUnseen);
  map.on('idle', dropUnseen);
  const retry = () => {
    const bySource = new Map<string, { x: number; y: number; z: number }[]>();
    for (const { sourceId, x, y, z } of failed.values()) bySource.set(sourceId, [...(bySource.get(sourceId) ?? []), { x, y, z }]);
    for (const [sourceId, tiles] of bySource) if (map.getSource(sourceId)) map.refreshTiles(sourceId, tiles);
  };
  window.addEventListener('online', retry);
  setInterval(() => {
    if (failed.size > 0 && navigator.onLine) retry();
  }, RETRY_MS);
}

/** The service worker's message to the page when it answered a tile with its saved copy (the same words in sw.ts, which imports nothing). */
const SAVED_COPY_MESSAGE = 'bando:saved-copy';

/**
 * Words the network's state for the user, without two lines saying opposite things: 'offline:
 * showing data saved on this device' only while saved data is what the map shows (the service
 * worker answered a tile with its saved copy, or the network went with the map already drawn), and
 * never beside the notice, which says nothing could be drawn: the notice takes the toast down and
 * the toast does not come while the notice shows. 'Back online' only after one of them has spoken.
 */
export function announceNetwork(map: MapLibreMap, notice: OfflineNotice): void {
  let drawn = false;
  let spoke = false;
  let close: (() => void) | undefined;
  const savedShown = () => {
    if (spoke || notice.shown) return;
    spoke = true;
    close = toast(() => t('offline'));
  };
  notice.onShow(() => {
    spoke = true;
    close?.();
    close = undefined;
  });
  // Only a tile from the tile server counts: a GeoJSON source's tiles (the admin labels, which come
  // inside the style) load with no network at all, and a map with nothing else shows nothing saved.
  map.on('sourcedata', (event) => {
    if (event.tile?.state === 'loaded' && map.getSource(event.sourceId)?.type === 'vector') drawn = true;
  });
  navigator.serviceWorker?.addEventListener('message', (event: MessageEvent<unknown>) => {
    if ((event.data as { type?: unknown } | null)?.type === SAVED_COPY_MESSAGE) savedShown();
  });
  window.addEventListener('offline', () => {
    if (drawn) savedShown();
  });
  window.addEventListener('online', () => {
    close?.();
    close = undefined;
    if (spoke || notice.shown) toast(() => t('backOnline'));
    spoke = false;
  });
}
