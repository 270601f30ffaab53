// The service worker: the app shell and recently viewed tiles stay available offline, so a farmer
// who opened the map once in the village office can open it again in the field with no signal.
// Of /api only the land-use table and the crop catalogue, of /ogc only the queryables (property
// names and titles, which label a card's attributes) are kept for everyone. The exceptions are a
// signed-in person's own reads (registryRead: a growing area's card, a farmer's plot list, a plot's
// diary): kept under the viewer's key, answered only to the same key, so an officer or a farmer who
// opened them with signal finds them in the field; and who that person is (identity): the last
// signed-in answer of /api/auth/me, so a page reloaded with no signal starts as them, not as a guest.

type ExtendableEvent = Event & { waitUntil(promise: Promise<unknown>): void };
type FetchEvent = ExtendableEvent & { request: Request; respondWith(response: Promise<Response> | Response): void };
type ExtendableMessageEvent = ExtendableEvent & { data: unknown };
type WorkerScope = {
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
  addEventListener(type: 'message', listener: (event: ExtendableMessageEvent) => void): void;
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
/** An officer's registry reads of the cards they opened (registryRead), each under its viewer key; the page deletes it at sign-out. */
const REGISTRY = 'bando-registry';
/** The header put on a kept registry read: when it was saved, so a card answered from it says so (registration/registry-reads.ts). */
const SAVED_AT_HEADER = 'X-Bando-Saved-At';
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

/**
 * A request asked for as a guest's (a tile or a read under the key 'guest') goes without the cookie:
 * what is kept under the guest's key must be a guest's, also when the cookie is still good because
 * the sign-out made with no signal has not reached the server yet (api/pending-signout.ts).
 */
function asAsked(request: Request): Request {
  const url = new URL(request.url);
  return url.searchParams.get('viewer') === 'guest' ? new Request(request, { credentials: 'omit' }) : request;
}

/**
 * Network first (with a timeout on a weak signal), the cached copy when offline. A good tile goes to
 * the map at once and is kept while the map reads it (under the event's waitUntil): a body that
 * comes slowly or stalls holds up the copy, never the map. Other answers are kept before the page
 * has them, so that what a page has read it also finds kept (a card reopened offline at once).
 */
async function networkFirst(event: FetchEvent, request: Request, cacheName: string): Promise<Response> {
  const cache = await caches.open(cacheName);
  try {
    const response = await Promise.race([
      fetch(asAsked(request)),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), NETWORK_TIMEOUT_MS)),
    ]);
    if (response.ok && cacheName === TILES) {
      const copy = response.clone();
      event.waitUntil(
        cache
          .put(request, copy)
          .then(trimTiles)
          .catch(() => undefined),
      );
    } else if (response.ok) {
      await cache.put(request, cacheName === REGISTRY ? await stamped(response.clone()) : response.clone());
    }
    return response;
  } catch (error) {
    const cached = await savedCopy(cache, request);
    if (!cached) throw error;
    if (cacheName === TILES) tellSavedCopy();
    return cached;
  }
}

/** A copy of a response carrying the moment it was saved (the card says how old its offline copy is). */
async function stamped(response: Response): Promise<Response> {
  const headers = new Headers(response.headers);
  headers.set(SAVED_AT_HEADER, new Date().toISOString());
  return new Response(await response.blob(), { status: response.status, statusText: response.statusText, headers });
}

/**
 * A signed-in viewer's own reads under their key: a growing area's card as an officer reads it (the
 * area, its history, its inspections), a farmer's plot list, and a plot with its diary and residue
 * tests. Network first, so online the server answers and judges as ever; the copy only when the
 * network fails. A guest's reads (key 'guest' or none) are never kept: a guest on a shared phone
 * must not be handed an officer's or a farmer's copy.
 */
function registryRead(url: URL): boolean {
  const viewer = url.searchParams.get('viewer');
  return (
    viewer !== null &&
    viewer !== 'guest' &&
    (/^\/api\/growing-areas\/\d+(\/(history|inspections))?$/.test(url.pathname) ||
      /^\/api\/plots\/\d+(\/(diary|residue-tests))?$/.test(url.pathname) ||
      url.pathname === '/api/me/plots')
  );
}

/** Who is signed in on this browser (api/session.ts currentUser): the one read kept without a viewer key, since it is what tells the key. */
const IDENTITY = '/api/auth/me';

/**
 * Keeps or drops this browser's identity by the server's answer to /api/auth/me: a signed-in answer
 * is kept (stamped) in REGISTRY; an answer of nobody (the session expired or ended elsewhere) drops
 * all of REGISTRY, every kept read of the session that is over, so the next person on the phone is
 * never started offline as the one before. Any other answer (a busy server) changes nothing.
 */
async function keepIdentity(response: Response): Promise<void> {
  if (response.status === 401) return void (await caches.delete(REGISTRY));
  if (!response.ok) return;
  const body = (await response
    .clone()
    .json()
    .catch(() => undefined)) as { user?: unknown; role?: unknown } | undefined;
  if (body?.user && body.role !== 'anonymous') await (await caches.open(REGISTRY)).put(IDENTITY, await stamped(response));
  else if (body) await caches.delete(REGISTRY);
}

/**
 * /api/auth/me: the network's answer whenever there is one (and the identity kept or dropped by it);
 * with no network, the identity kept at the last signed-in answer, stamped with when. The page signs
 * out through the server and deletes REGISTRY (registration/registry-reads.ts), so a signed-out
 * browser has none; a session that expired while offline is found out at the first request online
 * (a 401 puts the page back to a guest, api/http.ts onUnauthenticated).
 */
async function identity(request: Request): Promise<Response> {
  let response: Response;
  try {
    response = await Promise.race([
      fetch(request),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), NETWORK_TIMEOUT_MS)),
    ]);
  } catch (error) {
    const kept = await (await caches.open(REGISTRY)).match(IDENTITY);
    if (!kept) throw error;
    return kept;
  }
  await keepIdentity(response.clone());
  return response;
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

/** Which cache keeps a same-origin GET of this URL, and how it is answered; undefined: straight to the network, never kept. */
function routeOf(url: URL): { cache: string; strategy: 'cacheFirst' | 'networkFirst' | 'identity' } | undefined {
  const path = url.pathname;
  if (path === IDENTITY && url.search === '') return { cache: REGISTRY, strategy: 'identity' };
  if (registryRead(url)) return { cache: REGISTRY, strategy: 'networkFirst' };
  if (path.startsWith('/assets/') || path.startsWith('/fonts/')) return { cache: SHELL, strategy: 'cacheFirst' };
  if (/^\/tiles\/[^/]+\/\d+\/\d+\/\d+/.test(path)) return { cache: TILES, strategy: 'networkFirst' };
  if (
    path === '/style.json' ||
    /^\/tiles(\/[^/]+)?$/.test(path) ||
    path === '/api/land-use-codes' ||
    path === '/api/crops' ||
    /^\/ogc\/collections\/[^/]+\/queryables$/.test(path)
  ) {
    return { cache: DATA, strategy: 'networkFirst' };
  }
  return undefined;
}

scope.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== scope.location.origin) return;
  if (request.mode === 'navigate') {
    event.respondWith(
      networkFirst(event, request, SHELL).catch(async () => (await caches.match('/', { cacheName: SHELL })) ?? Response.error()),
    );
    return;
  }
  const route = routeOf(url);
  if (route?.strategy === 'cacheFirst') event.respondWith(cacheFirst(request));
  else if (route?.strategy === 'identity') event.respondWith(identity(request));
  else if (route) event.respondWith(networkFirst(event, request, route.cache));
  if (route?.cache === TILES && viewerOf(url) !== lookupsViewer) event.waitUntil(lookupsFor(viewerOf(url)));
});

/** The page's message listing what it loaded before this worker controlled it (sw-register.ts; the same words there). */
const KEEP_MESSAGE = 'bando:keep';
/** Requests at once while keeping: a cheap phone's link is not flooded, and a few revalidations overlap their round trips. */
const KEEP_PARALLEL = 4;

/** Whether a cache has this URL already (exactly: a tile of another data version is not this one). */
async function has(cacheName: string, url: string): Promise<boolean> {
  return (await (await caches.open(cacheName)).match(url)) !== undefined;
}

/** Fetches a URL and keeps the answer when it is good; a failure leaves the cache as it was. */
async function keepOne(cacheName: string, url: string): Promise<void> {
  try {
    const response = await fetch(asAsked(new Request(url, { credentials: 'same-origin' })));
    if (new URL(url).pathname === IDENTITY) await keepIdentity(response);
    else if (response.ok) await (await caches.open(cacheName)).put(url, cacheName === REGISTRY ? await stamped(response) : response);
  } catch {
    // Offline already, or the server refused: nothing to keep.
  }
}

/**
 * What a card and the legend read besides the tiles, for a card opened offline: the crop catalogue
 * ("Lúa", not "rice"), the land-use table, and the queryables of every collection the features API
 * lists (a card's labels). All public and small (a few KB each).
 */
async function lookupUrls(credentials: RequestCredentials): Promise<string[]> {
  const lookups = ['/api/crops', '/api/land-use-codes'];
  try {
    const response = await fetch('/ogc/collections', { credentials, headers: { Accept: 'application/json' } });
    if (!response.ok) return lookups;
    const doc = (await response.json()) as { collections?: { id?: unknown }[] };
    const ids = (doc.collections ?? []).map((c) => c.id).filter((id): id is string => typeof id === 'string');
    return [...lookups, ...ids.map((id) => `/ogc/collections/${encodeURIComponent(id)}/queryables`)];
  } catch {
    return lookups;
  }
}

/** A marker in DATA: the viewer key the kept lookups were read for (a restarted worker reads it instead of the network). */
const LOOKUPS_MARKER = '/__bando/lookups-viewer';
let lookupsViewer: string | undefined;
let lookupsQueue: Promise<void> = Promise.resolve();
/** When the lookups were last read for want of them, by viewer: a failed read (no signal) is not tried again for each tile. */
const lookupsTried = new Map<string, number>();
const LOOKUPS_RETRY_MS = 60_000;

/**
 * Reads the lookups again when the viewer changes (a tile asked for under another `viewer=` key):
 * an officer's queryables title properties a guest's do not have (registrant_name), and a card
 * opened offline after signing in must find the officer's. Once per viewer, not per tile.
 */
function lookupsFor(viewer: string): Promise<void> {
  lookupsQueue = lookupsQueue.then(async () => {
    const cache = await caches.open(DATA);
    lookupsViewer ??= await (await cache.match(LOOKUPS_MARKER))?.text();
    if (lookupsViewer === viewer || Date.now() - (lookupsTried.get(viewer) ?? 0) < LOOKUPS_RETRY_MS) return;
    lookupsTried.set(viewer, Date.now());
    let got = 0;
    for (const url of await lookupUrls(viewer === 'guest' ? 'omit' : 'same-origin')) {
      try {
        // A guest's labels are read as a guest's (asAsked).
        const response = await fetch(url, { credentials: viewer === 'guest' ? 'omit' : 'same-origin' });
        if (response.ok) {
          await cache.put(url, response);
          got++;
        }
      } catch {
        // Offline: the lookups kept before stay, and the next tile tries again.
      }
    }
    if (got === 0) return;
    lookupsViewer = viewer;
    await cache.put(LOOKUPS_MARKER, new Response(viewer));
  });
  return lookupsQueue;
}

/** The viewer key of a tile URL ('guest' when it has none, as map/viewer-tiles.ts words nobody). */
const viewerOf = (url: URL): string => url.searchParams.get('viewer') ?? 'guest';

/**
 * Keeps what the page loaded before this worker controlled it (the first visit's style, tiles,
 * glyphs) and what its cards read (lookupsFor), so that what it drew is still drawn when the signal goes: the same
 * rules as the fetch handler (routeOf), each URL as it is (a tile keeps its viewer key), nothing
 * kept twice. The page's copies are in the HTTP cache, so each costs a revalidation (304), not a body.
 */
async function keep(urls: readonly string[]): Promise<void> {
  const wanted = new Map<string, string>();
  for (const raw of urls) {
    let url: URL;
    try {
      url = new URL(raw, scope.location.origin);
    } catch {
      continue;
    }
    const route = url.origin === scope.location.origin ? routeOf(url) : undefined;
    if (route) wanted.set(url.href, route.cache);
  }
  const missing: [string, string][] = [];
  for (const [url, cacheName] of wanted) if (!(await has(cacheName, url))) missing.push([url, cacheName]);
  const tiles = missing.filter(([, cacheName]) => cacheName === TILES).slice(-MAX_TILES);
  const queue = [...missing.filter(([, cacheName]) => cacheName !== TILES), ...tiles];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await keepOne(next[1], next[0]);
  };
  // The viewer of the page's latest tile: its lookups are the ones its cards will need.
  const viewer =
    [...wanted]
      .filter(([, cacheName]) => cacheName === TILES)
      .map(([url]) => viewerOf(new URL(url)))
      .pop() ?? 'guest';
  await Promise.all([...Array.from({ length: KEEP_PARALLEL }, worker), lookupsFor(viewer)]);
  if (tiles.length > 0) await trimTiles();
}

scope.addEventListener('message', (event) => {
  const data = event.data as { type?: unknown; urls?: unknown } | null;
  if (data?.type !== KEEP_MESSAGE || !Array.isArray(data.urls)) return;
  event.waitUntil(keep(data.urls.filter((u): u is string => typeof u === 'string')));
});
