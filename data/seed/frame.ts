// The local metric frame the generator draws in. u runs along Sông Tiền (east-north-east), v
// inland across it (north-north-west); metres. The conversion to lon/lat is affine, so shapes that
// tile the plane still tile it after conversion, and every vertex is snapped to a fixed 1e-7°
// lattice: neighbours compute a shared vertex from the same numbers, so they store the same
// coordinates and never overlap after rounding.

/** Point on the north bank of Sông Tiền where u = v = 0. */
export const ORIGIN = { lon: 105.645, lat: 10.445 } as const;

/** The river (and the u axis) runs 30° north of east at Cao Lãnh. */
const THETA = (30 * Math.PI) / 180;
const COS = Math.cos(THETA);
const SIN = Math.sin(THETA);

const PHI = (ORIGIN.lat * Math.PI) / 180;
/** Metres per degree of longitude and latitude at the origin (WGS 84 series expansions). */
export const M_PER_DEG_LON = 111412.84 * Math.cos(PHI) - 93.5 * Math.cos(3 * PHI) + 0.118 * Math.cos(5 * PHI);
export const M_PER_DEG_LAT = 111132.92 - 559.82 * Math.cos(2 * PHI) + 1.175 * Math.cos(4 * PHI) - 0.0023 * Math.cos(6 * PHI);

/** Decimal places every stored coordinate is rounded to (about 1 cm). */
export const SNAP = 1e7;

/** A point of the local frame in metres. */
export type UV = readonly [u: number, v: number];
/** A snapped WGS 84 position. */
export type LonLat = readonly [lon: number, lat: number];

/** Converts frame metres to lon/lat snapped to the 1e-7° lattice. */
export function toLonLat(u: number, v: number): LonLat {
  const x = u * COS - v * SIN;
  const y = u * SIN + v * COS;
  return [Math.round((ORIGIN.lon + x / M_PER_DEG_LON) * SNAP) / SNAP, Math.round((ORIGIN.lat + y / M_PER_DEG_LAT) * SNAP) / SNAP];
}

/** Converts lon/lat to frame metres (no snapping). */
export function toUV(lon: number, lat: number): UV {
  const x = (lon - ORIGIN.lon) * M_PER_DEG_LON;
  const y = (lat - ORIGIN.lat) * M_PER_DEG_LAT;
  return [x * COS + y * SIN, -x * SIN + y * COS];
}

/** Geodesic-grade area in m² of a lon/lat ring (shoelace scaled at the ring's own latitude). */
export function ringAreaM2(ring: readonly LonLat[]): number {
  let sum = 0;
  let latSum = 0;
  for (let i = 0; i < ring.length - 1; i++) {
    const a = ring[i]!;
    const b = ring[i + 1]!;
    sum += (a[0] - ORIGIN.lon) * (b[1] - ORIGIN.lat) - (b[0] - ORIGIN.lon) * (a[1] - ORIGIN.lat);
    latSum += a[1];
  }
  const phi = ((latSum / (ring.length - 1)) * Math.PI) / 180;
  const mLon = 111412.84 * Math.cos(phi) - 93.5 * Math.cos(3 * phi) + 0.118 * Math.cos(5 * phi);
  const mLat = 111132.92 - 559.82 * Math.cos(2 * phi) + 1.175 * Math.cos(4 * phi) - 0.0023 * Math.cos(6 * phi);
  return (Math.abs(sum) / 2) * mLon * mLat;
}

/** Formats a coordinate with the stored precision. */
export function fmt(n: number): string {
  return n.toFixed(7);
}

/** WKT of a one-polygon MultiPolygon from closed lon/lat rings (outer first). */
export function multiPolygonWkt(rings: readonly (readonly LonLat[])[]): string {
  return `MULTIPOLYGON((${rings.map((r) => `(${r.map((p) => `${fmt(p[0])} ${fmt(p[1])}`).join(',')})`).join(',')}))`;
}

/** WKT of a MultiPolygon of several polygons, each given as closed lon/lat rings (outer first). */
export function multiPolygonsWkt(polygons: readonly (readonly (readonly LonLat[])[])[]): string {
  return `MULTIPOLYGON(${polygons.map((rings) => `(${rings.map((r) => `(${r.map((p) => `${fmt(p[0])} ${fmt(p[1])}`).join(',')})`).join(',')})`).join(',')})`;
}

/** Well-known binary of a MultiPolygon (little-endian): parsed faster than WKT, with exactly the snapped doubles. */
export function multiPolygonWkb(polygons: readonly (readonly (readonly LonLat[])[])[]): Buffer {
  let size = 9;
  for (const rings of polygons) {
    size += 9;
    for (const ring of rings) size += 4 + ring.length * 16;
  }
  const b = Buffer.allocUnsafe(size);
  let o = b.writeUInt8(1, 0);
  o = b.writeUInt32LE(6, o);
  o = b.writeUInt32LE(polygons.length, o);
  for (const rings of polygons) {
    o = b.writeUInt8(1, o);
    o = b.writeUInt32LE(3, o);
    o = b.writeUInt32LE(rings.length, o);
    for (const ring of rings) {
      o = b.writeUInt32LE(ring.length, o);
      for (const p of ring) {
        o = b.writeDoubleLE(p[0], o);
        o = b.writeDoubleLE(p[1], o);
      }
    }
  }
  return b;
}

/** WKT of a polygon from closed lon/lat rings. */
export function polygonWkt(rings: readonly (readonly LonLat[])[]): string {
  return `POLYGON(${rings.map((r) => `(${r.map((p) => `${fmt(p[0])} ${fmt(p[1])}`).join(',')})`).join(',')})`;
}

/** WKT of a MultiLineString from lon/lat polylines. */
export function multiLineWkt(lines: readonly (readonly LonLat[])[]): string {
  return `MULTILINESTRING(${lines.map((l) => `(${l.map((p) => `${fmt(p[0])} ${fmt(p[1])}`).join(',')})`).join(',')})`;
}

/** WKT of a point. */
export function pointWkt(p: LonLat): string {
  return `POINT(${fmt(p[0])} ${fmt(p[1])})`;
}
