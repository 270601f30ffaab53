// What changed on the map, told by the server: every few seconds the map asks GET /api/changes
// (from the cursor of its last answer) which sources changed and where, and refreshes only the
// tiles it shows there. Tiles are answered `no-cache` (kept, revalidated with their ETag when
// asked again), so MapLibre no longer reloads every tile it shows every few seconds: on a phone
// left open on the map, one small request every few seconds instead of one per tile.
import type { Map as MapLibreMap } from 'maplibre-gl';
import { forgetKeptTiles, refreshAllTiles, refreshSomeTiles } from './refetch-tiles.ts';

/** How often the map asks while the page is shown and the browser is online. */
export const CHANGES_EVERY_MS = 5000;
/** Past this many tiles of one source to refresh, the source refreshes them all (one call). */
const MANY_TILES = 64;
/** A feature drawn into a neighbour's buffer: 64 of 4096 units each side (DESIGN.md). */
const BUFFER = 64 / 4096;

type Box = [number, number, number, number];
type Change = { sources: string[]; boxes: Box[] };
type Feed = { cursor: string; complete: boolean; changes: Change[] };
type TileId = { x: number; y: number; z: number };

/** A vector source of the style: the tile sources its tiles carry (a composite carries several) and its zooms. */
type Follower = { id: string; members: Set<string>; minzoom: number; maxzoom: number };

/** The tile sources named by a tile URL template: /tiles/{a},{b}/{z}/{x}/{y}. */
export function membersOf(template: string): string[] {
  try {
    const path = new URL(template.replace(/\{[zxy]\}/g, '0'), 'http://localhost/').pathname;
    const spec = /^\/tiles\/([^/]+)\/0\/0\/0/.exec(path)?.[1];
    return spec ? decodeURIComponent(spec).split(',') : [];
  } catch {
    return [];
  }
}

/** Tile coordinates (fractional) of a longitude and a latitude at zoom z. */
function tileX(lon: number, z: number): number {
  return ((lon + 180) / 360) * 2 ** z;
}
function tileY(lat: number, z: number): number {
  const r = (Math.max(-85.0511, Math.min(85.0511, lat)) * Math.PI) / 180;
  return ((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * 2 ** z;
}

/** The tiles at zoom z that may draw something inside box (buffer included), or undefined past `limit`. */
export function tilesOver(box: Box, z: number, limit = MANY_TILES): TileId[] | undefined {
  const n = 2 ** z;
  const clamp = (v: number) => Math.max(0, Math.min(n - 1, v));
  const x0 = clamp(Math.floor(tileX(box[0], z) - BUFFER));
  const x1 = clamp(Math.floor(tileX(box[2], z) + BUFFER));
  const y0 = clamp(Math.floor(tileY(box[3], z) - BUFFER));
  const y1 = clamp(Math.floor(tileY(box[1], z) + BUFFER));
  if (![x0, x1, y0, y1].every(Number.isFinite)) return undefined;
  if ((x1 - x0 + 1) * (y1 - y0 + 1) > limit) return undefined;
  const out: TileId[] = [];
  for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) out.push({ x, y, z });
  return out;
}

/** Whether a tile may draw something inside box (buffer included): one of those tilesOver names. */
export function tileTouches({ x, y, z }: TileId, box: Box): boolean {
  return (
    x + 1 > tileX(box[0], z) - BUFFER &&
    x <= tileX(box[2], z) + BUFFER &&
    y + 1 > tileY(box[3], z) - BUFFER &&
    y <= tileY(box[1], z) + BUFFER
  );
}

/** The tile zooms a map at `zoom` may hold tiles of, for a source with these zooms (512 px tiles). */
export function zoomsShown(zoom: number, minzoom: number, maxzoom: number): number[] {
  const ideal = Math.floor(zoom);
  const out = new Set<number>();
  // The ideal zoom, and the parent and child tiles kept while zooming.
  for (const z of [ideal - 1, ideal, ideal + 1]) out.add(Math.max(minzoom, Math.min(maxzoom, z)));
  return [...out];
}

/** Per map source, the boxes of the changes to what its tiles carry. */
export function changedBoxes(changes: Change[], followers: Follower[]): Map<string, Box[]> {
  const out = new Map<string, Box[]>();
  for (const change of changes) {
    for (const f of followers) {
      if (!change.sources.some((s) => f.members.has(s))) continue;
      out.set(f.id, [...(out.get(f.id) ?? []), ...change.boxes]);
    }
  }
  return out;
}

/** What to refresh for the changes: per map source, its tiles, or 'all'. */
export function refreshPlan(changes: Change[], followers: Follower[], zoom: number): Map<string, TileId[] | 'all'> {
  const plan = new Map<string, TileId[] | 'all'>();
  for (const change of changes) {
    for (const f of followers) {
      if (plan.get(f.id) === 'all' || !change.sources.some((s) => f.members.has(s))) continue;
      const tiles = (plan.get(f.id) as TileId[] | undefined) ?? [];
      for (const box of change.boxes) {
        for (const z of zoomsShown(zoom, f.minzoom, f.maxzoom)) {
          const over = tilesOver(box, z);
          if (!over) {
            plan.set(f.id, 'all');
            break;
          }
          tiles.push(...over);
        }
        if (plan.get(f.id) === 'all') break;
      }
      if (plan.get(f.id) === 'all') continue;
      const unique = [...new Map(tiles.map((t) => [`${t.z}/${t.x}/${t.y}`, t])).values()];
      plan.set(f.id, unique.length > MANY_TILES ? 'all' : unique);
    }
  }
  return plan;
}

function followersOf(map: MapLibreMap): Follower[] {
  const out: Follower[] = [];
  for (const [id, spec] of Object.entries(map.getStyle()?.sources ?? {})) {
    if (spec.type !== 'vector' || !spec.tiles?.length) continue;
    const members = new Set(membersOf(spec.tiles[0]!));
    if (members.size) out.push({ id, members, minzoom: spec.minzoom ?? 0, maxzoom: spec.maxzoom ?? 22 });
  }
  return out;
}

/** What the rest of the client may ask of the follower. */
export type ChangeFollower = {
  /**
   * After this page's own save: asks until the save is told (the server hears of it a moment after
   * its commit), at most `tries` times over a few seconds; the regular asks would tell it anyway.
   */
  askUntilTold(tries?: number): Promise<void>;
};

/**
 * Follows the server's changes for this map, for the page's life: asks at once (the cursor that
 * its tiles are measured against), then every CHANGES_EVERY_MS while the page is shown and online,
 * and at once when it is shown again or back online. A failed ask is tried at the next turn.
 */
export function followChanges(map: MapLibreMap, url = '/api/changes'): ChangeFollower {
  let cursor: string | undefined;
  let asking: Promise<boolean> | undefined;
  const apply = (feed: Feed) => {
    const followers = followersOf(map);
    if (!feed.complete) {
      for (const f of followers) if (map.getSource(f.id)) void refreshAllTiles(map, f.id);
      return;
    }
    // The copies kept out of view of what changed, at any zoom, are forgotten: fetched when the map goes back there.
    for (const [id, boxes] of changedBoxes(feed.changes, followers)) {
      if (map.getSource(id)) forgetKeptTiles(map, id, (tile) => boxes.some((box) => tileTouches(tile, box)));
    }
    for (const [id, tiles] of refreshPlan(feed.changes, followers, map.getZoom())) {
      if (!map.getSource(id)) continue;
      if (tiles === 'all') void refreshAllTiles(map, id);
      else if (tiles.length) void refreshSomeTiles(map, id, tiles);
    }
  };
  const ask = (): Promise<boolean> =>
    (asking ??= (async () => {
      try {
        // The same answer for everyone, so asked for without the cookie: it is no request of the person
        // signed in (nor of one whose sign-out made with no signal has not reached the server yet).
        const res = await fetch(cursor === undefined ? url : `${url}?since=${encodeURIComponent(cursor)}`, {
          cache: 'no-store',
          credentials: 'omit',
        });
        if (!res.ok) {
          // A cursor the server no longer reads (it was upgraded, say): start again, refreshing all.
          if (res.status === 400 && cursor !== undefined) {
            cursor = undefined;
            apply({ cursor: '', complete: false, changes: [] });
            return true;
          }
          return false;
        }
        const feed = (await res.json()) as Feed;
        cursor = feed.cursor;
        // A first answer tells the last few seconds' changes too: a tile drawn while it was asked
        // for may predate one of them.
        apply(feed);
        return !feed.complete || feed.changes.length > 0;
      } catch {
        // No network or no server: asked again at the next turn.
        return false;
      } finally {
        asking = undefined;
      }
    })());
  const shown = () => document.visibilityState === 'visible' && navigator.onLine;
  const wake = () => {
    if (shown()) void ask();
  };
  setInterval(wake, CHANGES_EVERY_MS);
  document.addEventListener('visibilitychange', wake);
  window.addEventListener('online', wake);
  void ask();
  return {
    async askUntilTold(tries = 5) {
      // An ask already under way may have left before the save: wait for it, then ask afresh.
      await asking;
      for (let i = 0; i < tries; i++) {
        if (await ask()) return;
        await new Promise((resolve) => setTimeout(resolve, 150 * 2 ** i));
      }
    },
  };
}
