// The service worker: the app shell and recently viewed tiles stay available offline, so a farmer
// who opened the map once in the village office can open it again in the field with no signal.
// Personal data (/api except the land-use table, /ogc) is never cached.

type ExtendableEvent = Event & { waitUntil(promise: Promise<unknown>): void };
type FetchEvent = ExtendableEvent & { request: Request; respondWith(response: Promise<Response> | Response): void };
type WorkerScope = {
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void>; matchAll(options: { type: 'window' }): Promise<{ postMessage(message: unknown): void }[]> };
  location: Location;
};

const scope = self as unknown as WorkerScope;

/** This build's shell files, comma-separated; the token is replaced at build time (web/vite.config.ts). */
const PRECACHE_LIST = '__PRECACHE_LIST__';
const MANIFEST = ['/', ...PRECACHE_LIST.split(',').filter((url) => url.startsWith('/') && url !== '/')];
const BUILD = MANIFEST.join('|')
  .split('')
  .reduce((hash, ch) => (hash * 31 + ch.charCodeAt(0)) | 0, 7)
  .toString(36);
const SHELL = `bando-shell-${BUILD}`;
const TILES = 'bando-tiles';
const DATA = 'bando-data';
/** Tiles kept for offline use; the oldest go first. About 30 MB at the largest tiles. */
const MAX_TILES = 1500;
const NETWORK_TIMEOUT_MS = 6000;

scope.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(SHELL)
      .then((cache) => Promise.all(MANIFEST.map((url) => cache.add(url).catch(() => undefined))))
      .then(() => scope.skipWaiting()),
  );
});

scope.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('bando-shell-') && k !== SHELL).map((k) => caches.delete(k))))
      .then(() => scope.clients.claim()),
  );
});

async function trimTiles(): Promise<void> {
  const cache = await caches.open(TILES);
  const keys = await cache.keys();
  for (const key of keys.slice(0, Math.max(0, keys.length - MAX_TILES))) await cache.delete(key);
}

/**
 * The saved copy of a request: the same URL, or else the newest copy of the same path for the same
 * viewer. Tile URLs carry a data version (?v=…), and offline any version of the tile beats none;
 * they also carry the viewer's key (?viewer=…, map/viewer-tiles.ts), and a tile kept for another
 * viewer never does: a guest on a shared phone must not be drawn an officer's drafts.
 */
async function savedCopy(cache: Cache, request: Request): Promise<Response | undefined> {
  const exact = await cache.match(request);
  if (exact) return exact;
  const viewer = new URL(request.url).searchParams.get('viewer');
  const same = (await cache.keys(request, { ignoreSearch: true })).filter((key) => new URL(key.url).searchParams.get('viewer') === viewer);
  const newest = same[same.length - 1];
  return newest ? cache.match(newest) : undefined;
}

/** Tells the pages a tile was answered with its saved copy: they say they show saved data (map/offline-notice.ts). */
function tellSavedCopy(): void {
  void scope.clients.matchAll({ type: 'window' }).then((pages) => {
    for (const page of pages) page.postMessage({ type: 'bando:saved-copy' });
  });
}

/** Network first (with a timeout on a weak signal), the cached copy when offline. */
async function networkFirst(request: Request, cacheName: string, trim = false): Promise<Response> {
  const cache = await caches.open(cacheName);
  try {
    const response = await Promise.race([
      fetch(request),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), NETWORK_TIMEOUT_MS)),
    ]);
    if (response.ok) {
      await cache.put(request, response.clone());
      if (trim) void trimTiles();
    }
    return response;
  } catch (error) {
    const cached = await savedCopy(cache, request);
    if (!cached) throw error;
    if (cacheName === TILES) tellSavedCopy();
    return cached;
  }
}

/** Cache first for files whose name changes with their content (hashed assets, glyphs). */
async function cacheFirst(request: Request): Promise<Response> {
  const cache = await caches.open(SHELL);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

scope.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== scope.location.origin) return;
  const path = url.pathname;
  if (request.mode === 'navigate') {
    event.respondWith(networkFirst(request, SHELL).catch(async () => (await caches.match('/', { cacheName: SHELL })) ?? Response.error()));
  } else if (path.startsWith('/assets/') || path.startsWith('/fonts/')) {
    event.respondWith(cacheFirst(request));
  } else if (/^\/tiles\/[^/]+\/\d+\/\d+\/\d+/.test(path)) {
    event.respondWith(networkFirst(request, TILES, true));
  } else if (path === '/style.json' || /^\/tiles(\/[^/]+)?$/.test(path) || path === '/api/land-use-codes') {
    event.respondWith(networkFirst(request, DATA));
  }
});
