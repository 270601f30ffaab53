// The page's side of the service worker. On a first visit the style, the tiles and the glyphs are
// fetched before the worker controls the page, so it keeps none of them: when the signal goes, the
// map refetches its expired tiles, they fail, and the drawn map goes blank. So when the worker takes
// control the page tells it what it has loaded, and the worker keeps those (sw.ts, same rules as
// for what it fetches itself).

/** The worker's word for that message (sw.ts imports nothing, so it says it again). */
const KEEP_MESSAGE = 'bando:keep';

// The browser keeps 250 resource timings by default; a map with its glyphs, chunks and a few zooms
// of tiles can pass that before the worker is in, and the URLs past it would not be kept. This runs
// when main.ts imports this file, before the first tile.
if (typeof performance !== 'undefined' && typeof performance.setResourceTimingBufferSize === 'function') {
  performance.setResourceTimingBufferSize(2000);
}

/** The same-origin URLs the page has fetched so far (the worker picks those it keeps). */
function loadedUrls(): string[] {
  const urls = new Set<string>();
  for (const entry of performance.getEntriesByType('resource')) {
    if (entry.name.startsWith(`${location.origin}/`)) urls.add(entry.name);
  }
  return [...urls];
}

/** Registers the service worker (app shell and recent tiles offline); silently skipped where unsupported or not secure. */
export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
  const container = navigator.serviceWorker;
  // A page the worker controlled from the start went through it for everything: nothing to tell.
  // Otherwise (a first visit, or a new build's worker taking over) it says what it loaded before.
  container.addEventListener('controllerchange', () => container.controller?.postMessage({ type: KEEP_MESSAGE, urls: loadedUrls() }));
  container.register('/sw.js', { scope: '/' }).catch((error: unknown) => console.warn('[sw] not registered:', error));
}
