// A MapLibre (6.17) fault worked around: a failed tile reloaded as the whole source's tiles are
// (setTiles, or refreshTiles with no tile list) is marked 'loading' (since maplibre-gl-js #7911, a fix
// for raster sources) and a vector source, seeing a tile already sent to a worker once in that state,
// takes it for a load under way: nothing is asked for, the tile stays 'loading' for good and the map
// never comes to rest. A map that lost its signal has such tiles; a farmer who signed in again once
// back online after an offline reload got a hole in the map that never filled.
import type { Map as MapLibreMap } from 'maplibre-gl';

type HeldTile = { state: string; actor?: unknown };
type TileManager = { getIds(): string[]; getTileByID(id: string): HeldTile | undefined };

/**
 * Has the source's failed tiles sent as new loads at its next reload: call it just before a reload
 * of all its tiles. A failed tile with no worker of its own is loaded afresh, as it should be.
 */
export function forgetFailedLoads(map: MapLibreMap, sourceId: string): void {
  const managers = (map.style as unknown as { tileManagers?: Record<string, TileManager> } | undefined)?.tileManagers;
  const manager = managers?.[sourceId];
  if (!manager) return;
  for (const id of manager.getIds()) {
    const tile = manager.getTileByID(id);
    if (tile?.state === 'errored') tile.actor = undefined;
  }
}
