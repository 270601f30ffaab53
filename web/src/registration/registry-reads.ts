// The registry reads of a growing area's card (the area, its history, its inspections) as the
// service worker can keep them for the field: an officer who opened a card with signal finds it
// again with none. The answers are the officer's own (drafts, names, notes), so each URL carries the
// viewer's key, as the tiles do (map/viewer-tiles.ts): the worker answers a saved copy only to a
// request under the same key, and never keeps a guest's (sw.ts, registryRead). The server ignores
// the parameter; it still reads the session cookie and is the judge of who may read what.
import { request } from '../api/http.ts';
import { viewerKey, type TileViewer } from '../map/viewer-tiles.ts';

/** The worker's cache of these reads (sw.ts REGISTRY; the worker imports nothing, so the name is said twice). */
const KEPT_READS_CACHE = 'bando-registry';

/** The header the worker puts on the copies it keeps: when it saved them (ISO 8601; the same words in sw.ts). */
export const SAVED_AT_HEADER = 'X-Bando-Saved-At';

/** A registry answer, and when the worker saved it if that copy is what came (no network); undefined when fresh. */
export type KeptRead<T> = { body: T; savedAt: string | undefined };

/** The URL of a registry read under the viewer's key. */
export function keptUrl(path: string, viewer: TileViewer): string {
  return `${path}${path.includes('?') ? '&' : '?'}viewer=${viewerKey(viewer)}`;
}

/** GETs a registry read under the viewer's key; a network failure with no saved copy rejects as request() does (status 0). */
export async function readKept<T>(path: string, viewer: TileViewer): Promise<KeptRead<T>> {
  const response = await request(keptUrl(path, viewer));
  return { body: (await response.json()) as T, savedAt: response.headers.get(SAVED_AT_HEADER) ?? undefined };
}

/**
 * Forgets every kept registry read, at sign-out: the key already keeps them from the next person on a
 * shared phone, and this takes them off it (an officer's notes and names need not stay after they leave).
 */
export async function forgetKeptReads(): Promise<void> {
  if (typeof caches === 'undefined') return;
  await caches.delete(KEPT_READS_CACHE).catch(() => undefined);
}
