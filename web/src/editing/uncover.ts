// A card of the editor stands at the bottom left of the map. On a narrow desktop map (a 1024 px
// tablet or laptop, the side panel open) it reaches past the middle, where the officer was looking
// when they opened a tool: the plots to pick would be under it. The map then moves them into the
// free part, right of the card.
import type { LngLat, Map as MapLibreMap } from 'maplibre-gl';

type Box = { left: number; top: number; right: number; bottom: number };

/** The zoom, compass and locate buttons stand this wide at the map's right edge. */
const CONTROLS = 54;
/** Less free width than this beside the card (a phone's card spans the map) is no place to move to. */
const ROOM = 160;

/**
 * How far right (CSS pixels) the map's content moves so that `point` (page pixels), when `card`
 * covers it, stands in the middle of the free part of `map` right of the card; 0 when the card does
 * not cover it or leaves no room beside it.
 */
export function uncoverShift(point: { x: number; y: number }, card: Box, map: Box): number {
  const covered = point.x >= card.left && point.x <= card.right && point.y >= card.top && point.y <= card.bottom;
  if (!covered) return 0;
  const freeRight = map.right - CONTROLS;
  if (freeRight - card.right < ROOM) return 0;
  return Math.round((card.right + freeRight) / 2 - point.x);
}

/** Moves the map so that `at` is not under `card` (see uncoverShift); at once when the user asked for less motion. */
export function uncover(map: MapLibreMap, card: HTMLElement, at: LngLat): void {
  const box = map.getContainer().getBoundingClientRect();
  const p = map.project(at);
  const shift = uncoverShift({ x: box.left + p.x, y: box.top + p.y }, card.getBoundingClientRect(), box);
  if (shift) map.panBy([-shift, 0], { duration: 300 });
}
