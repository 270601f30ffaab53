import type { Geometry, Position } from 'geojson';
import { FEATURE_FAULT } from '../../contracts/import.ts';
import { FeatureReadError } from '../feature-fault.ts';

// Well-known binary, 2D, little-endian: what PostGIS takes fastest and what a GeoPackage blob holds.

const TYPES: Record<Geometry['type'], number> = {
  Point: 1,
  LineString: 2,
  Polygon: 3,
  MultiPoint: 4,
  MultiLineString: 5,
  MultiPolygon: 6,
  GeometryCollection: 7,
};

function size(g: Geometry): number {
  switch (g.type) {
    case 'Point':
      return 5 + 16;
    case 'LineString':
      return 9 + 16 * g.coordinates.length;
    case 'Polygon':
      return 9 + g.coordinates.reduce((s, r) => s + 4 + 16 * r.length, 0);
    case 'MultiPoint':
      return 9 + 21 * g.coordinates.length;
    case 'MultiLineString':
      return 9 + g.coordinates.reduce((s, l) => s + 9 + 16 * l.length, 0);
    case 'MultiPolygon':
      return 9 + g.coordinates.reduce((s, p) => s + 9 + p.reduce((t, r) => t + 4 + 16 * r.length, 0), 0);
    case 'GeometryCollection':
      return 9 + g.geometries.reduce((s, c) => s + size(c), 0);
  }
}

/** Encodes a GeoJSON geometry as 2D little-endian WKB. */
export function toWkb(g: Geometry): Buffer {
  const b = Buffer.alloc(size(g));
  let p = 0;
  const head = (type: number) => {
    b[p] = 1;
    b.writeUInt32LE(type, p + 1);
    p += 5;
  };
  const pt = (c: Position) => {
    b.writeDoubleLE(c[0]!, p);
    b.writeDoubleLE(c[1]!, p + 8);
    p += 16;
  };
  const seq = (cs: Position[]) => {
    b.writeUInt32LE(cs.length, p);
    p += 4;
    for (const c of cs) pt(c);
  };
  const write = (g: Geometry) => {
    head(TYPES[g.type]);
    switch (g.type) {
      case 'Point':
        pt(g.coordinates);
        break;
      case 'LineString':
        seq(g.coordinates);
        break;
      case 'Polygon':
        b.writeUInt32LE(g.coordinates.length, p);
        p += 4;
        for (const r of g.coordinates) seq(r);
        break;
      case 'MultiPoint':
        b.writeUInt32LE(g.coordinates.length, p);
        p += 4;
        for (const c of g.coordinates) write({ type: 'Point', coordinates: c });
        break;
      case 'MultiLineString':
        b.writeUInt32LE(g.coordinates.length, p);
        p += 4;
        for (const c of g.coordinates) write({ type: 'LineString', coordinates: c });
        break;
      case 'MultiPolygon':
        b.writeUInt32LE(g.coordinates.length, p);
        p += 4;
        for (const c of g.coordinates) write({ type: 'Polygon', coordinates: c });
        break;
      case 'GeometryCollection':
        b.writeUInt32LE(g.geometries.length, p);
        p += 4;
        for (const c of g.geometries) write(c);
        break;
    }
  };
  write(g);
  return b;
}

/** Decodes WKB (either byte order; Z, M and ZM dimensions dropped; ISO and EWKB type codes) into GeoJSON. */
export function fromWkb(buf: Uint8Array, start = 0): { geometry: Geometry; end: number } {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let p = start;
  const read = (): Geometry => {
    if (p + 5 > buf.byteLength) throw new FeatureReadError('WKB ends early', { reason: FEATURE_FAULT.BAD_GEOMETRY_BLOB });
    const le = view.getUint8(p) === 1;
    let type = view.getUint32(p + 1, le);
    p += 5;
    let dims = 2;
    if (type & 0x80000000 || type & 0x40000000) {
      // EWKB flags: Z 0x80000000, M 0x40000000, SRID 0x20000000.
      dims = 2 + (type & 0x80000000 ? 1 : 0) + (type & 0x40000000 ? 1 : 0);
      if (type & 0x20000000) p += 4;
      type &= 0x0fffffff;
    } else if (type > 1000) {
      const kind = Math.floor(type / 1000);
      dims = kind === 3 ? 4 : 3;
      type %= 1000;
    }
    const u32 = () => {
      if (p + 4 > buf.byteLength) throw new FeatureReadError('WKB ends early', { reason: FEATURE_FAULT.BAD_GEOMETRY_BLOB });
      const v = view.getUint32(p, le);
      p += 4;
      return v;
    };
    const pt = (): Position => {
      if (p + 8 * dims > buf.byteLength) throw new FeatureReadError('WKB ends early', { reason: FEATURE_FAULT.BAD_GEOMETRY_BLOB });
      const c = [view.getFloat64(p, le), view.getFloat64(p + 8, le)];
      p += 8 * dims;
      return c;
    };
    const seq = () => Array.from({ length: u32() }, pt);
    switch (type) {
      case 1:
        return { type: 'Point', coordinates: pt() };
      case 2:
        return { type: 'LineString', coordinates: seq() };
      case 3:
        return { type: 'Polygon', coordinates: Array.from({ length: u32() }, seq) };
      case 4:
        return { type: 'MultiPoint', coordinates: Array.from({ length: u32() }, () => (read() as { coordinates: Position }).coordinates) };
      case 5:
        return {
          type: 'MultiLineString',
          coordinates: Array.from({ length: u32() }, () => (read() as { coordinates: Position[] }).coordinates),
        };
      case 6:
        return {
          type: 'MultiPolygon',
          coordinates: Array.from({ length: u32() }, () => (read() as { coordinates: Position[][] }).coordinates),
        };
      case 7:
        return { type: 'GeometryCollection', geometries: Array.from({ length: u32() }, read) };
      default:
        throw new FeatureReadError(`unsupported WKB geometry type ${type}`, {
          reason: FEATURE_FAULT.UNSUPPORTED_GEOMETRY_TYPE,
          geometryType: String(type),
        });
    }
  };
  const geometry = read();
  return { geometry, end: p };
}
