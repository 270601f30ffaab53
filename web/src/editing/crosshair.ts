// Drawing with a fixed crosshair at the centre of the visible map: the officer pans the map under it
// and adds each corner with a button, so neither a fingertip (several metres wide at z18) nor an
// accidental pan while tapping moves a corner. Pure logic only; crosshair-tool.ts puts it on the map.
import type { Polygon } from 'geojson';
import { polygonAreaM2, polygonFromPositions } from './geometry.ts';
import { snapPoint, type LonLat, type Pixel, type SnapRing } from './snap.ts';

/** A screen rectangle in CSS pixels (what getBoundingClientRect answers). */
export type Rect = { left: number; top: number; right: number; bottom: number };

/** Map padding in CSS pixels, as MapLibre's setPadding takes it. */
export type Padding = { top: number; right: number; bottom: number; left: number };

/** One placed corner and what it snapped to (undefined when it stayed where the crosshair was). */
export type Corner = { at: LonLat; snapped: 'vertex' | 'edge' | undefined };

/** Why a corner or a closing was refused. */
export const TOO_FEW_CORNERS = 'too-few-corners';
export const SAME_AS_LAST = 'same-as-last';
export type CrosshairReason = typeof TOO_FEW_CORNERS | typeof SAME_AS_LAST;

/** A verdict in the validators' shape: valid, or the reason it is not. */
export type Verdict<T> = ({ valid: true } & T) | { valid: false; reason: CrosshairReason };

/**
 * A bar counts as covering the map when it spans this share of the map's width (the phone's
 * editor card, bottom sheet and tool strip); a narrower box (the desk's 340 px card in a corner)
 * leaves the middle of the map in view, so the centre stays the map's own.
 */
const COVER_WIDTH_SHARE = 0.6;
/** Never shrink the visible band below this height: a crosshair squeezed against a bar is useless. */
const MIN_VISIBLE_PX = 120;
/** Pixels within which the crosshair snaps: it is placed by panning, as exactly as a mouse, so a mouse's tolerance. */
export const CROSSHAIR_SNAP_PX = 12;
/** Two corners closer than this (metres) are one corner added twice (a double tap without panning). */
const SAME_CORNER_M = 0.05;

const RAD = Math.PI / 180;
// WGS 84 ellipsoid, as geometry.ts uses for the live area.
const A = 6378137;
const E2 = 0.00669437999014;

/**
 * The padding that keeps the map's centre in the middle of what is visible: bars across the
 * bottom (the editor card, the phone's sheet and tab bar) and across the top (the tool strip)
 * push it inward; the parts of a bar outside the map are ignored.
 */
export function visiblePadding(map: Rect, covers: readonly Rect[]): Padding {
  const width = map.right - map.left;
  const height = map.bottom - map.top;
  let top = 0;
  let bottom = 0;
  for (const c of covers) {
    const overlapX = Math.min(c.right, map.right) - Math.max(c.left, map.left);
    const overlapTop = Math.max(c.top, map.top);
    const overlapBottom = Math.min(c.bottom, map.bottom);
    if (overlapX < width * COVER_WIDTH_SHARE || overlapBottom <= overlapTop) continue;
    // A bar whose middle is in the lower half of the map covers from below, otherwise from above.
    if ((overlapTop + overlapBottom) / 2 > map.top + height / 2) bottom = Math.max(bottom, map.bottom - overlapTop);
    else top = Math.max(top, overlapBottom - map.top);
  }
  if (height - top - bottom < MIN_VISIBLE_PX) {
    // Too little is left: give up the bottom bars first (the card scrolls), then everything.
    bottom = Math.max(0, height - top - MIN_VISIBLE_PX);
    if (bottom === 0 && height - top < MIN_VISIBLE_PX) top = 0;
  }
  return { top: Math.round(top), right: 0, bottom: Math.round(bottom), left: 0 };
}

/** The centre of the visible map, in pixels from the map's top-left corner, for a map of that size and padding. */
export function visibleCentre(size: { width: number; height: number }, padding: Padding): Pixel {
  return {
    x: padding.left + (size.width - padding.left - padding.right) / 2,
    y: padding.top + (size.height - padding.top - padding.bottom) / 2,
  };
}

/**
 * Where a corner placed at the crosshair goes: the centre itself, or the neighbouring parcel's or
 * plot's vertex or edge within CROSSHAIR_SNAP_PX of it (the same rule as a drawn vertex).
 */
export function snapCorner(
  centre: LonLat,
  centrePx: Pixel,
  rings: readonly SnapRing[],
  project: (lonLat: LonLat) => Pixel,
  zoom: number,
): Corner {
  // Degrees per CSS pixel at this zoom (512-px Web Mercator world), doubled for a generous first cut.
  const degrees = (CROSSHAIR_SNAP_PX * 2 * 360) / (512 * 2 ** zoom);
  const hit = snapPoint(centrePx, centre, rings, project, CROSSHAIR_SNAP_PX, degrees);
  return hit ? { at: [hit.at[0], hit.at[1]], snapped: hit.kind } : { at: [centre[0], centre[1]], snapped: undefined };
}

/** Ground length in metres between two positions on the WGS 84 ellipsoid (local scale at their mid-latitude). */
export function edgeLengthM(a: LonLat, b: LonLat): number {
  const lat = ((a[1] + b[1]) / 2) * RAD;
  const s = Math.sin(lat);
  const w = 1 - E2 * s * s;
  const n = A / Math.sqrt(w);
  const m = (A * (1 - E2)) / Math.pow(w, 1.5);
  return Math.hypot((b[0] - a[0]) * RAD * n * Math.cos(lat), (b[1] - a[1]) * RAD * m);
}

/** The perimeter of the ring the corners close (back to the first), in metres; 0 under 2 corners. */
export function perimeterM(corners: readonly LonLat[]): number {
  if (corners.length < 2) return 0;
  let sum = 0;
  for (let i = 0; i < corners.length; i++) sum += edgeLengthM(corners[i]!, corners[(i + 1) % corners.length]!);
  // Two corners are one segment, not a ring walked there and back.
  return corners.length === 2 ? sum / 2 : sum;
}

/**
 * The corners placed so far, in order, with undo. Each change is one step: adding a corner, or
 * taking the last one back; the polygon shown, its area and the closing all come from this list.
 */
export class CornerList {
  private readonly list: Corner[] = [];

  /** The corners in the order they were placed. */
  get corners(): readonly Corner[] {
    return this.list;
  }

  get positions(): LonLat[] {
    return this.list.map((c) => c.at);
  }

  /** Adds a corner; the same place twice in a row (a double tap) is refused. */
  add(corner: Corner): Verdict<{ index: number }> {
    const last = this.list[this.list.length - 1];
    if (last && edgeLengthM(last.at, corner.at) < SAME_CORNER_M) return { valid: false, reason: SAME_AS_LAST };
    this.list.push({ at: [corner.at[0], corner.at[1]], snapped: corner.snapped });
    return { valid: true, index: this.list.length - 1 };
  }

  /** Takes back the last corner; answers it, or undefined when there was none. */
  undo(): Corner | undefined {
    return this.list.pop();
  }

  /** The polygon the corners make so far (closed back to the first), or undefined under 3 corners. */
  polygon(): Polygon | undefined {
    return polygonFromPositions(this.positions);
  }

  /** Area (m², WGS 84 ellipsoid, as the live area) and perimeter (m) of the corners so far. */
  measure(): { areaM2: number; perimeterM: number } {
    const polygon = this.polygon();
    return { areaM2: polygon ? polygonAreaM2(polygon) : 0, perimeterM: perimeterM(this.positions) };
  }

  /** Closes the ring: the finished polygon, or TOO_FEW_CORNERS under 3 corners. */
  close(): Verdict<{ polygon: Polygon }> {
    const polygon = this.polygon();
    return polygon ? { valid: true, polygon } : { valid: false, reason: TOO_FEW_CORNERS };
  }
}
