import type { MapHandle } from './create-map.ts';

/**
 * Padding for fitting a box on the map, clear of the panel where it lies over the map (the phone's
 * bottom sheet holding `host`) and of the map's buttons on the right; the desk's side panel resizes
 * the map instead, so it needs none. A sheet pulled up over most of the map still leaves the box a
 * strip to fit in (MapLibre refuses padding larger than the map).
 */
export function sheetPadding(handle: MapHandle, host: HTMLElement): { top: number; right: number; bottom: number; left: number } {
  const map = handle.map.getContainer().getBoundingClientRect();
  const sheet = (host.closest('aside') ?? host).getBoundingClientRect();
  const covers = sheet.top > map.top && sheet.top < map.bottom && sheet.left <= map.left + 1 && sheet.right >= map.right - 1;
  const bottom = covers ? Math.min(Math.max(48, map.bottom - sheet.top + 24), Math.max(48, map.height - 48 - 120)) : 48;
  // The zoom, compass and locate buttons stand 54 px wide at the right edge.
  return { top: 48, right: 64, left: 48, bottom };
}
