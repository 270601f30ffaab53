// Every tile of a source fetched again, for certain: after a sign-in or out (setTiles: the URLs carry
// the viewer's key) and after an edit that touched the whole source. MapLibre 6.17 asks for them
// again (setTiles, refreshTiles with no list: each tile 'expired'), but two of its paths only parse
// again the data the tile already holds, and the map goes on drawing and picking the old copy:
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

/** Per source, the follow-up still to come: a newer one takes the place of an older one. */
const pending = new WeakMap<MapLibreMap, Map<string, () => void>>();

/** True while a source's tiles asked for again may still include copies from before (whenDrawn waits). */
export function refetching(map: MapLibreMap, sourceId: string): boolean {
  return !!pending.get(map)?.has(sourceId);
}

/**
 * Runs `ask` (setTiles, or map.refreshTiles(sourceId)) and makes sure every tile of the source held
 * before it is fetched again, once the source has come to rest; resolves when the last of them has
 * been asked for (or the source is gone, or a later call took over).
 */
export function refetchAll(map: MapLibreMap, sourceId: string, ask: () => void): Promise<void> {
  forgetFailedLoads(map, sourceId);
  const manager = managerOf(map, sourceId);
  // The tiles held now: in view (each marked not refreshed, so a fetch from here on shows) and kept
  // out of view; those on their way are noted apart, as their answer is the old URL's.
  const before = new WeakSet<HeldTile>();
  const onTheirWay = new WeakSet<HeldTile>();
  if (manager) {
    for (const id of manager.getIds()) {
      const tile = manager.getTileByID(id);
      if (!tile) continue;
      before.add(tile);
      tile.refreshedUponExpiration = false;
      if (tile.state !== 'loaded' && tile.state !== 'errored') onTheirWay.add(tile);
    }
    manager._outOfViewCache?.filter((tile) => {
      before.add(tile);
      tile.refreshedUponExpiration = false;
      return true;
    });
  }
  const followUps = pending.get(map) ?? new Map<string, () => void>();
  pending.set(map, followUps);
  followUps.get(sourceId)?.();
  ask();
  if (!manager) return Promise.resolve();
  const held = manager;
  const stale = (tile: HeldTile) => before.has(tile) && (onTheirWay.has(tile) || !tile.refreshedUponExpiration);
  return new Promise<void>((resolve) => {
    const stop = () => {
      map.off('sourcedata', check);
      map.off('idle', check);
      clearInterval(poll);
      if (followUps.get(sourceId) === stop) followUps.delete(sourceId);
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
    followUps.set(sourceId, stop);
    map.on('sourcedata', check);
    map.on('idle', check);
    // The source may come to rest with no event to say so (create-map.ts, whenDrawn): looked at twice a second.
    const poll = setInterval(check, 500);
  });
}

/** map.refreshTiles(sourceId): every tile of the source asked for again, its failed ones too, for certain. */
export function refreshAllTiles(map: MapLibreMap, sourceId: string): Promise<void> {
  return refetchAll(map, sourceId, () => map.refreshTiles(sourceId));
}
