import type { Map as MapLibreMap } from 'maplibre-gl';

/**
 * Calls `callback` once, when the map is at rest: on its 'idle' event, or when a look twice a second
 * finds it loaded and still. A map can come to rest with no frame left to fire 'idle': on a loaded
 * machine the last frames were drawn while a tile was still being parsed, and nothing drew again
 * when it was done (a reloaded link's card, a search hit's card, never opened).
 */
export function onceAtRest(map: MapLibreMap, callback: () => void): void {
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    clearInterval(poll);
    map.off('idle', finish);
    callback();
  };
  const poll = setInterval(() => {
    if (map.loaded() && !map.isMoving()) finish();
  }, 500);
  map.on('idle', finish);
}
