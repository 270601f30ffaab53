// Tiles fetched again, for certain: every tile of a source after a sign-in or out (setTiles: the
// URLs carry the viewer's key) or an edit that touched the whole source, and the tiles an edit
// touched. MapLibre 6.17 asks for them again (setTiles, refreshTiles with no list: each tile
// 'expired'), but two of its paths only parse again the data the tile already holds, and the map
// goes on drawing and picking the old copy:
// - a tile still on its way at that moment ('loading') is left to finish under its old URL, and
//   then only parsed again (VectorTileSource.loadTile: reloadPromise, then reloadTile);
// - a source whose TileManager is paused (a layer's filter or layout changed, until the style's next
//   update) drops the reload: setTiles' content event is ignored, refreshTiles' reload is deferred
//   without its "data changed", and on resume every tile is only parsed again ('reloading'); its
//   copies kept out of view are not forgotten either, and come back as they were.
// A farmer who signed in while their plots' tile was on its way kept the guest's copy of it: their
// plots' attributes missing, and offline that part of the map blank (never kept under their key).
//
// So each tile held at that moment is noted, and once the source has come to rest (not paused, every
// tile in view loaded), those in view that were not fetched since are asked for once more
// (map.refreshTiles with their ids: each 'expired', sent as a new load), and those kept out of view
// are forgotten. A tile fetched meanwhile is not asked for twice: a phone's link carries the view once.
// Asked for a list of tiles (an edit's), MapLibre also passes over one of them still on its way,
// whose answer may be from before the edit: it is asked for again the same way.
import type { Map as MapLibreMap } from 'maplibre-gl';
import { forgetFailedLoads } from './failed-tiles.ts';

type HeldTile = {
  state: string;
  tileID: { canonical: { x: number; y: number; z: number } };
  /** Set by TileManager._tileLoaded when the load was made as 'expired': a new request was sent. */
  refreshedUponExpiration?: boolean;
};
type TileManager = {
  getIds(): string[];
  getTileByID(id: string): HeldTile | undefined;
  _paused?: boolean;
  _outOfViewCache?: { filter(keep: (tile: HeldTile) => boolean): void };
};

function managerOf(map: MapLibreMap, sourceId: string): TileManager | undefined {
  return (map.style as unknown as { tileManagers?: Record<string, TileManager> } | undefined)?.tileManagers?.[sourceId];
}

/** Per map and source, the follow-ups still to come (each stops itself). */
const pending = new WeakMap<MapLibreMap, Map<string, Set<() => void>>>();

/** True while a source's tiles asked for again may still include copies from before (whenDrawn waits). */
export function refetching(map: MapLibreMap, sourceId: string): boolean {
  return !!pending.get(map)?.get(sourceId)?.size;
}

type TileId = { x: number; y: number; z: number };

/**
 * Runs `ask` (setTiles, or map.refreshTiles) and makes sure every tile of the source held before it
 * (of those `only` names, when given) is fetched again, once the source has come to rest; resolves
 * when the last of them has been asked for (or the source is gone).
 */
export function refetchAll(map: MapLibreMap, sourceId: string, ask: () => void, only?: (tile: TileId) => boolean): Promise<void> {
  forgetFailedLoads(map, sourceId);
  const named = (tile: HeldTile) => !only || only(tile.tileID.canonical);
  const manager = managerOf(map, sourceId);
  // The tiles held now: in view (each marked not refreshed, so a fetch from here on shows) and kept
  // out of view; those on their way are noted apart, as their answer is the old URL's.
  const before = new WeakSet<HeldTile>();
  const onTheirWay = new WeakSet<HeldTile>();
  if (manager) {
    for (const id of manager.getIds()) {
      const tile = manager.getTileByID(id);
      if (!tile || !named(tile)) continue;
      before.add(tile);
      tile.refreshedUponExpiration = false;
      if (tile.state !== 'loaded' && tile.state !== 'errored') onTheirWay.add(tile);
    }
    manager._outOfViewCache?.filter((tile) => {
      if (!named(tile)) return true;
      before.add(tile);
      tile.refreshedUponExpiration = false;
      return true;
    });
  }
  ask();
  if (!manager) return Promise.resolve();
  const bySource = pending.get(map) ?? new Map<string, Set<() => void>>();
  pending.set(map, bySource);
  const held = manager;
  const stale = (tile: HeldTile) => before.has(tile) && (onTheirWay.has(tile) || !tile.refreshedUponExpiration);
  return new Promise<void>((resolve) => {
    // Looked at after the event, not in it: setTiles' TileJSON is 'loaded' with the source's
    // metadata event, while its tiles are marked for reloading only by the content event that
    // follows it in the same call; looked at in between, every tile would seem not fetched again.
    let soon: ReturnType<typeof setTimeout> | undefined;
    const later = () => {
      soon ??= setTimeout(() => {
        soon = undefined;
        check();
      }, 0);
    };
    const stop = () => {
      map.off('sourcedata', later);
      map.off('idle', later);
      clearInterval(poll);
      clearTimeout(soon);
      bySource.get(sourceId)?.delete(stop);
      resolve();
    };
    function check() {
      const current = managerOf(map, sourceId);
      if (current !== held) return stop();
      if (held._paused || !map.isSourceLoaded(sourceId)) return;
      // Kept out of view, an old copy would come back as it was when the map returns there.
      held._outOfViewCache?.filter((tile) => !stale(tile));
      const again = held
        .getIds()
        .map((id) => held.getTileByID(id))
        .filter((tile): tile is HeldTile => !!tile && stale(tile))
        .map((tile) => tile.tileID.canonical);
      stop();
      if (again.length)
        map.refreshTiles(
          sourceId,
          again.map(({ x, y, z }) => ({ x, y, z })),
        );
    }
    if (!bySource.has(sourceId)) bySource.set(sourceId, new Set());
    bySource.get(sourceId)!.add(stop);
    map.on('sourcedata', later);
    map.on('idle', later);
    // The source may come to rest with no event to say so (create-map.ts, whenDrawn): looked at twice a second.
    const poll = setInterval(check, 500);
  });
}

/** map.refreshTiles(sourceId): every tile of the source asked for again, its failed ones too, for certain. */
export function refreshAllTiles(map: MapLibreMap, sourceId: string): Promise<void> {
  return refetchAll(map, sourceId, () => map.refreshTiles(sourceId));
}

/**
 * map.refreshTiles(sourceId, tiles), for certain: MapLibre passes over a tile of the list still on
 * its way (its answer may be from before the change), and it is asked for once it has come.
 */
export function refreshSomeTiles(map: MapLibreMap, sourceId: string, tiles: TileId[]): Promise<void> {
  const listed = new Set(tiles.map(({ x, y, z }) => `${z}/${x}/${y}`));
  return refetchAll(
    map,
    sourceId,
    () => map.refreshTiles(sourceId, tiles),
    ({ x, y, z }) => listed.has(`${z}/${x}/${y}`),
  );
}

/**
 * Forgets the copies of a source's tiles the map keeps out of view (to show at once when it goes
 * back there) that `touched` names: MapLibre shows a kept copy as it was, so a tile an edit changed
 * while the map was elsewhere would come back without the edit.
 */
export function forgetKeptTiles(map: MapLibreMap, sourceId: string, touched: (tile: TileId) => boolean): void {
  managerOf(map, sourceId)?._outOfViewCache?.filter((tile) => !touched(tile.tileID.canonical));
}
