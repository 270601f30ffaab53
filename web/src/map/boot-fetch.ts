// The first requests of the page, made the moment the page's script has arrived, before the map
// library (a megabyte of code) is evaluated. The map worker's script and the label glyphs are not
// preloaded beside the page's script: on a 1.6 Mbit/s link they would share its bandwidth and
// delay it by a second, while nothing can use them before the script has run.
import type { StyleSpecification } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';

export { workerUrl };
import { currentUser, type SessionUser } from '../api/session.ts';

/** Glyph ranges of Vietnamese labels: Latin and Latin-1, Latin Extended-A/B (ơ, ư, đ), Latin Extended Additional (ạ … ỹ). */
const GLYPH_RANGES = ['0-255', '256-511', '7680-7935'];

/** Downloads a URL into the HTTP cache, where the worker (or the map) finds it when it asks. */
function warm(url: string): void {
  fetch(url, { credentials: 'same-origin' })
    .then((response) => response.arrayBuffer())
    .catch(() => undefined);
}

/** The style (index.html preloads it, so it is usually here already). */
export const stylePromise: Promise<StyleSpecification> = fetch('/style.json', { credentials: 'same-origin' }).then(async (r) => {
  if (!r.ok) throw new Error(`${r.status} ${r.statusText}`);
  return (await r.json()) as StyleSpecification;
});

/**
 * Who is signed in, asked beside the style: the map's first tiles are asked for under the viewer's
 * key (map/viewer-tiles.ts), so a page reloaded while signed in is not handed the guest's copy.
 * No answer (offline, a server error) reads as a guest, whose tiles show nobody's drafts.
 */
export const viewerPromise: Promise<SessionUser | undefined> = currentUser().catch(() => undefined);

/**
 * The map worker's script, downloaded into the HTTP cache, where the worker started by
 * maplibregl.prewarm (create-map.ts) finds it. It fails when the signal went before it came: that
 * worker then has no script, and the boot waits for the download before making the map.
 */
export const workerScript: Promise<void> = fetch(workerUrl, { credentials: 'same-origin' }).then(async (r) => {
  if (!r.ok) throw new Error(`${r.status} ${r.statusText}`);
  await r.arrayBuffer();
});
workerScript.catch(() => undefined);

stylePromise.then(
  (style) => {
    if (!style.glyphs) return;
    const stacks = new Set<string>();
    for (const layer of style.layers) {
      const font = (layer.layout as Record<string, unknown> | undefined)?.['text-font'];
      if (Array.isArray(font) && font.every((f) => typeof f === 'string')) stacks.add(font.join(','));
    }
    for (const stack of stacks) {
      for (const range of GLYPH_RANGES) warm(style.glyphs.replace('{fontstack}', stack).replace('{range}', range));
    }
  },
  () => undefined,
);
