import type { Geometry, Position } from 'geojson';
import { FEATURE_FAULT, type BadFeatureFacts } from '../../contracts/import.ts';
import { FeatureReadError } from '../feature-fault.ts';

// Geometry WKT for CSV cells (QGIS and GDAL write and read a WKT column).

/** Formats a geometry as WKT with the given decimals (9 for degrees keeps well under a millimetre). */
export function toWkt(g: Geometry, decimals = 9): string {
  const n = (v: number) => String(Number(v.toFixed(decimals)));
  const pt = (c: Position) => `${n(c[0]!)} ${n(c[1]!)}`;
  const seq = (cs: Position[]) => `(${cs.map(pt).join(', ')})`;
  const poly = (rs: Position[][]) => `(${rs.map(seq).join(', ')})`;
  switch (g.type) {
    case 'Point':
      return `POINT (${pt(g.coordinates)})`;
    case 'LineString':
      return `LINESTRING ${seq(g.coordinates)}`;
    case 'Polygon':
      return `POLYGON ${poly(g.coordinates)}`;
    case 'MultiPoint':
      return `MULTIPOINT (${g.coordinates.map((c) => `(${pt(c)})`).join(', ')})`;
    case 'MultiLineString':
      return `MULTILINESTRING (${g.coordinates.map(seq).join(', ')})`;
    case 'MultiPolygon':
      return `MULTIPOLYGON (${g.coordinates.map(poly).join(', ')})`;
    case 'GeometryCollection':
      return `GEOMETRYCOLLECTION (${g.geometries.map((c) => toWkt(c, decimals)).join(', ')})`;
  }
}

/** Parses 2D WKT (Z/M values dropped); throws with the position of the first problem. */
export function fromWkt(text: string): Geometry {
  const s = text.trim();
  let i = 0;
  const fail = (what: string, facts: BadFeatureFacts = { reason: FEATURE_FAULT.BAD_WKT }): never => {
    throw new FeatureReadError(`WKT: ${what} at character ${i + 1}`, { reason: FEATURE_FAULT.BAD_WKT, ...facts, position: i + 1 });
  };
  const ws = () => {
    while (i < s.length && /\s/.test(s[i]!)) i++;
  };
  const word = () => {
    ws();
    const start = i;
    while (i < s.length && /[A-Za-z]/.test(s[i]!)) i++;
    return s.slice(start, i).toUpperCase();
  };
  const expect = (c: string) => {
    ws();
    if (s[i] !== c) fail(`expected "${c}"`);
    i++;
  };
  const peek = () => {
    ws();
    return s[i];
  };
  const num = () => {
    ws();
    const m = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(s.slice(i));
    if (!m) fail('expected a number');
    i += m![0].length;
    return Number(m![0]);
  };
  const point = (): Position => {
    const c = [num(), num()];
    while (peek() !== ',' && peek() !== ')') num();
    return c;
  };
  const list = <T>(item: () => T): T[] => {
    expect('(');
    const out = [item()];
    while (peek() === ',') {
      i++;
      out.push(item());
    }
    expect(')');
    return out;
  };
  const geometry = (): Geometry => {
    let type = word();
    // "POLYGON EMPTY" reads EMPTY where a dimension may stand ("POLYGON Z EMPTY" after it).
    const dim = word();
    if (dim === 'EMPTY' || /^EMPTY/i.test(s.slice(i))) fail('empty geometry', { reason: FEATURE_FAULT.EMPTY_GEOMETRY });
    if (dim && !['Z', 'M', 'ZM'].includes(dim)) fail(`unexpected "${dim}"`);
    type = type.toUpperCase();
    switch (type) {
      case 'POINT':
        return { type: 'Point', coordinates: list(point)[0]! };
      case 'LINESTRING':
        return { type: 'LineString', coordinates: list(point) };
      case 'POLYGON':
        return { type: 'Polygon', coordinates: list(() => list(point)) };
      case 'MULTIPOINT':
        return { type: 'MultiPoint', coordinates: list(() => (peek() === '(' ? list(point)[0]! : point())) };
      case 'MULTILINESTRING':
        return { type: 'MultiLineString', coordinates: list(() => list(point)) };
      case 'MULTIPOLYGON':
        return { type: 'MultiPolygon', coordinates: list(() => list(() => list(point))) };
      case 'GEOMETRYCOLLECTION':
        return { type: 'GeometryCollection', geometries: list(geometry) };
      default:
        return fail(`unknown geometry type "${type}"`, { reason: FEATURE_FAULT.UNSUPPORTED_GEOMETRY_TYPE, geometryType: type });
    }
  };
  const g = geometry();
  ws();
  if (i < s.length) fail('unexpected trailing text');
  return g;
}
