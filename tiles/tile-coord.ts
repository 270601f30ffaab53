// Tile maths for XYZ tiles in Web Mercator (EPSG:3857): parsing request coordinates, tile
// bounds in metres and degrees, and the tiles a bounding box touches (for invalidation).
import { TileError } from './layer.ts';

/** Half the width of the Web Mercator square in metres (π · 6378137). */
export const MERCATOR_HALF = 20037508.342789244;
/** Earth radius of the spherical Mercator projection, metres. */
const R = 6378137;
/** Latitude limit of Web Mercator; boxes are clamped to it. */
const MAX_LAT = 85.0511287798066;
/** The highest zoom any request may name; sources stop earlier (their own maxzoom). */
export const MAX_ZOOM = 22;

/** An XYZ tile address. */
export type TileCoord = Readonly<{ z: number; x: number; y: number }>;
/** [minx, miny, maxx, maxy]: metres in EPSG:3857 or degrees in EPSG:4326, as named. */
export type Box = readonly [number, number, number, number];

// Digits only: no sign, exponent, hex, whitespace or leading '+', which Number() would accept.
const DIGITS = /^\d{1,10}$/;

/** Parses z/x/y path parts; anything but in-range non-negative integers is TILE_OUT_OF_RANGE. */
export function parseTileCoord(z: string, x: string, y: string, maxZoom: number = MAX_ZOOM): TileCoord {
  if (!DIGITS.test(z) || !DIGITS.test(x) || !DIGITS.test(y)) {
    throw new TileError('TILE_OUT_OF_RANGE', `Tile coordinates must be non-negative integers, got ${clip(z)}/${clip(x)}/${clip(y)}.`);
  }
  const zoom = Number(z);
  if (zoom > maxZoom) throw new TileError('TILE_OUT_OF_RANGE', `Zoom ${zoom} is beyond the maximum ${maxZoom}.`);
  const n = 2 ** zoom;
  const col = Number(x);
  const row = Number(y);
  if (col >= n || row >= n) {
    throw new TileError('TILE_OUT_OF_RANGE', `At zoom ${zoom}, x and y must be below ${n}; got ${col}/${row}.`);
  }
  return { z: zoom, x: col, y: row };
}

function clip(s: string): string {
  return JSON.stringify(s.length > 24 ? `${s.slice(0, 24)}…` : s);
}

/** Bounds of a tile in EPSG:3857 metres, optionally grown by `buffer` tile units of an `extent`-unit tile. */
export function tileBounds3857(t: TileCoord, buffer = 0, extent = 4096): Box {
  const size = (2 * MERCATOR_HALF) / 2 ** t.z;
  const pad = (size * buffer) / extent;
  const minx = -MERCATOR_HALF + t.x * size;
  const maxy = MERCATOR_HALF - t.y * size;
  return [minx - pad, maxy - size - pad, minx + size + pad, maxy + pad];
}

/** EPSG:3857 metres → [lon, lat] degrees. */
export function toLonLat(mx: number, my: number): [number, number] {
  return [(mx / R) * (180 / Math.PI), (2 * Math.atan(Math.exp(my / R)) - Math.PI / 2) * (180 / Math.PI)];
}

/** Bounds of a tile (plus buffer) in EPSG:4326 degrees: Mercator maps the rectangle to a lon/lat rectangle exactly. */
export function tileBounds4326(t: TileCoord, buffer = 0, extent = 4096): Box {
  const [minx, miny, maxx, maxy] = tileBounds3857(t, buffer, extent);
  const [w, s] = toLonLat(minx, miny);
  const [e, n] = toLonLat(maxx, maxy);
  return [w, s, e, n];
}

/**
 * ST_Affine factors [sx, sy, tx, ty] taking EPSG:4326 degrees to the tile's units as MVT has them
 * (0…extent, y down): lon · sx + tx, lat · sy + ty, exact at the tile's four edges. Mercator is not
 * linear in latitude, but across one tile (and its buffer) the chord strays from it by at most
 * extent · (2π / 2^z) · sin(lat) / 8 units: under 0.4 at z13 and 0.1 at z15 at any latitude,
 * below the integer grid every tile is snapped to. Far outside the tile it strays further.
 */
export function tileAffine4326(t: TileCoord, extent = 4096): [number, number, number, number] {
  const [w, s, e, n] = tileBounds4326(t);
  const sx = extent / (e - w);
  const sy = extent / (n - s);
  return [sx, -sy, -w * sx, n * sy];
}

/**
 * How far past the tile, in tile units, a feature may reach and still be placed whole, unclipped,
 * by the affine map (sql.encoder.ts, UNCLIPPED): a quarter tile. Past the tile the chord's error
 * grows with the square of the distance from the tile's middle; at a quarter tile out it is 1.25
 * times the largest inside.
 */
export const NEAR_MARGIN = 1024;

const f32 = new Float32Array(1);
const bits = new Int32Array(f32.buffer);

/** The float32 nearest `v` on the side of `toward` (a float32 strictly between them when `v` is one already). */
function float32Toward(v: number, toward: number): number {
  f32[0] = v;
  if (f32[0] === 0) return toward > v ? 1e-30 : -1e-30;
  if ((f32[0] > v && toward > v) || (f32[0] < v && toward < v)) return f32[0];
  // One step along the float32 line toward `toward`: for these finite, non-zero degrees, ±1 in the bits.
  bits[0]! += toward > v === f32[0] > 0 ? 1 : -1;
  return f32[0];
}

/**
 * The tile (plus buffer) in degrees, shrunk to float32 values strictly inside it. PostGIS compares
 * geometry boxes as float32 rounded outwards, the query's envelope included: `geom @ envelope` on
 * the exact envelope could pass a feature a few units past the buffer at z16. Against this one,
 * every feature that passes lies inside the buffered tile.
 */
export function insideEnvelope4326(t: TileCoord, buffer: number, extent = 4096): Box {
  return float32Inside(tileBounds4326(t, buffer, extent));
}

/** A box shrunk to the float32 values just inside it (see insideEnvelope4326). */
export function float32Inside([w, s, e, n]: Box): Box {
  return [float32Toward(w, e), float32Toward(s, n), float32Toward(e, w), float32Toward(n, s)];
}

/** The column and row ranges of the tiles at zoom z that a lon/lat box touches (inclusive). */
export function tileRange(box: Box, z: number): { minX: number; minY: number; maxX: number; maxY: number } {
  const n = 2 ** z;
  const col = (lon: number) => Math.min(n - 1, Math.max(0, Math.floor(((lon + 180) / 360) * n)));
  const row = (lat: number) => {
    const l = (Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * Math.PI) / 180;
    const v = ((1 - Math.log(Math.tan(l) + 1 / Math.cos(l)) / Math.PI) / 2) * n;
    return Math.min(n - 1, Math.max(0, Math.floor(v)));
  };
  return { minX: col(box[0]), maxX: col(box[2]), minY: row(box[3]), maxY: row(box[1]) };
}

/** Whether two boxes in the same CRS overlap or touch. */
export function boxesIntersect(a: Box, b: Box): boolean {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

/** Width of one screen pixel (a 256-px tile) at zoom z, in EPSG:3857 metres. */
export function pixelMetres(z: number): number {
  return (2 * MERCATOR_HALF) / (256 * 2 ** z);
}

/** The same in degrees of longitude (and, near the equator, of latitude): metres over 111,319.49. */
export function pixelDegrees(z: number): number {
  return 360 / (256 * 2 ** z);
}

/** "z/x/y", the tile part of every cache key. */
export function tileKey(t: TileCoord): string {
  return `${t.z}/${t.x}/${t.y}`;
}
