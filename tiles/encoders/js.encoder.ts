// The JS encoder for databases without ST_AsMVT (the embedded PGlite): the SQL selects, simplifies,
// clips, scales to tile units, snaps and validates, returning WKB; here rings are cleaned and wound
// as MVT 2.1 wants, then written with @maplibre/vt-pbf.
import Point from '@mapbox/point-geometry';
import { fromVectorTileJs, type VectorTileFeatureLike, type VectorTileLayerLike } from '@maplibre/vt-pbf';
import { BUFFER, EXTENT, MIN_PART_AREA, MIN_PART_WIDTH } from '../layer.ts';
import type { Box } from '../tile-coord.ts';
import { ident } from '../sql.ts';
import { readWkb } from './wkb.ts';

/** One row of the JS path's SQL: feature id, attributes and clipped EPSG:3857 geometry as WKB. */
export type JsRow = Record<string, unknown> & { __id: number | string; __wkb: Uint8Array | null };

type Value = string | number | boolean;

/** A feature ready for vt-pbf: MVT type, integer rings in tile units. */
type TileFeature = { id: number; type: 1 | 2 | 3; properties: Record<string, Value>; geometry: Point[][] };

/**
 * The SQL around a source's `src` CTE for the JS path, doing in SQL what ST_AsMVTGeom does and in
 * the same order, so both encoders agree to a tile unit: scale into tile units (ST_Affine,
 * parameters $p..$p+3), drop lines and polygons under half a unit both ways, put the geometry on
 * the integer grid, clip to the buffered tile in tile units and put it on the grid again (a cut
 * falls between grid points). Lines and points are snapped; polygons are snap-rounded with
 * ST_ReducePrecision, which, like wagyu inside ST_AsMVTGeom, keeps them valid on the grid (plain
 * snapping pinches thin rings, and ST_ClipByBox2D of a pinched ring can come back inside out).
 * Clipping before snapping, as this did once, moved the cut points of thin diagonal shapes by
 * several units against ST_AsMVTGeom.
 */
export function jsSelectSql(
  srcCte: string,
  propertyNames: readonly string[],
  firstParam: number,
  kind: 'point' | 'line' | 'polygon',
): string {
  const props = propertyNames.map((n) => `, ${ident(n)}`).join('');
  const p = firstParam;
  const scaled = `ST_Affine(ST_Transform("__geom", 3857), $${p}, 0, 0, $${p + 1}, $${p + 2}, $${p + 3})`;
  const box = `ST_MakeEnvelope(${-BUFFER}, ${-BUFFER}, ${EXTENT + BUFFER}, ${EXTENT + BUFFER})::box2d`;
  // OFFSET 0 keeps the planner from pasting the transform into each place "__t" is read.
  const grid = (g: string) => (kind === 'polygon' ? `ST_ReducePrecision(${g}, 1)` : `ST_SnapToGrid(${g}, 1)`);
  const small = kind === 'point' ? '' : `\n  WHERE ST_XMax("__t") - ST_XMin("__t") >= 0.5 OR ST_YMax("__t") - ST_YMin("__t") >= 0.5`;
  return `${srcCte}
SELECT "__id"${props}, ST_AsBinary(${grid(`ST_ClipByBox2D(${grid('"__t"')}, ${box})`)}) AS "__wkb"
FROM (SELECT *, ${scaled} AS "__t" FROM src OFFSET 0) s${small}
ORDER BY "__id"`;
}

/** The ST_Affine factors that map a tile's EPSG:3857 bounds onto 0…EXTENT with y pointing down. */
export function tileAffine(bounds: Box): [number, number, number, number] {
  const sx = EXTENT / (bounds[2] - bounds[0]);
  const sy = EXTENT / (bounds[3] - bounds[1]);
  return [sx, -sy, -bounds[0] * sx, bounds[3] * sy];
}

/** Surveyor's sum as vector-tile-js computes it: negative for an exterior ring (clockwise on screen, y down). */
function signedArea(ring: Point[]): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i]!;
    const b = ring[j]!;
    sum += (a.x - b.x) * (b.y + a.y);
  }
  return sum;
}

/** Length of a closed ring (the closing edge included). */
function ringLength(ring: Point[]): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) sum += Math.hypot(ring[i]!.x - ring[j]!.x, ring[i]!.y - ring[j]!.y);
  return sum;
}

/** Tile-unit coordinates as points, rounded (SQL snapped them already) and without repeated points. */
function toTile(coords: readonly [number, number][], closed: boolean): Point[] {
  const out: Point[] = [];
  for (const [x, y] of coords) {
    const px = Math.round(x);
    const py = Math.round(y);
    const last = out[out.length - 1];
    if (!last || last.x !== px || last.y !== py) out.push(new Point(px, py));
  }
  if (closed && out.length > 1) {
    const first = out[0]!;
    const last = out[out.length - 1]!;
    if (first.x === last.x && first.y === last.y) out.pop();
  }
  return out;
}

/** Tile-unit geometry for one WKB value, or undefined when nothing of it survives snapping to the grid. */
function tileGeometry(
  wkb: Uint8Array,
  kind: 'point' | 'line' | 'polygon',
  partFilter: boolean,
): { type: 1 | 2 | 3; geometry: Point[][] } | undefined {
  const parts = readWkb(wkb);
  if (kind === 'point') {
    const pts = parts.points.map(([x, y]) => toTile([[x, y]], false)[0]!);
    return pts.length ? { type: 1, geometry: pts.map((p) => [p]) } : undefined;
  }
  if (kind === 'line') {
    const lines = parts.lines.map((l) => toTile(l, false)).filter((l) => l.length >= 2);
    return lines.length ? { type: 2, geometry: lines } : undefined;
  }
  const rings: Point[][] = [];
  for (const polygon of parts.polygons) {
    const [outer, ...holes] = polygon.map((r) => toTile(r, true));
    if (!outer || outer.length < 3) continue;
    const area = signedArea(outer);
    // Parts under MIN_PART_AREA or MIN_PART_WIDTH go, as in the SQL path (signedArea is twice the area);
    // without the filter only rings that collapsed to nothing do.
    if (Math.abs(area) < (partFilter ? 2 * MIN_PART_AREA : 1)) continue;
    const kept: Point[][] = [];
    let holeArea = 0;
    let perimeter = ringLength(outer);
    for (const hole of holes) {
      if (hole.length < 3) continue;
      const a = signedArea(hole);
      if (a === 0) continue;
      holeArea += Math.abs(a);
      perimeter += ringLength(hole);
      kept.push(a > 0 ? hole : hole.reverse());
    }
    const twiceArea = Math.abs(area) - holeArea;
    if (partFilter && (twiceArea < 2 * MIN_PART_AREA || twiceArea < MIN_PART_WIDTH * perimeter)) continue;
    // Exterior rings wind clockwise on screen (negative sum), holes the other way (MVT 2.1 §4.3.4.4).
    rings.push(area < 0 ? outer : outer.reverse(), ...kept);
  }
  // Closing each ring again keeps vt-pbf's ClosePath logic and decoders in agreement.
  for (const r of rings) r.push(r[0]!.clone());
  return rings.length ? { type: 3, geometry: rings } : undefined;
}

/** Encodes one layer from the JS path's rows, whose geometry is already in tile units (-BUFFER … EXTENT + BUFFER). */
export function encodeJsLayer(
  name: string,
  rows: readonly JsRow[],
  propertyNames: readonly string[],
  kind: 'point' | 'line' | 'polygon',
  partFilter = true,
): Uint8Array {
  const features: TileFeature[] = [];
  for (const row of rows) {
    if (!row.__wkb) continue;
    const geom = tileGeometry(row.__wkb, kind, partFilter);
    if (!geom) continue;
    const properties: Record<string, Value> = {};
    for (const p of propertyNames) {
      const v = row[p];
      if (v === null || v === undefined) continue;
      properties[p] = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : String(v);
    }
    features.push({ id: Number(row.__id), type: geom.type, properties, geometry: geom.geometry });
  }
  if (!features.length) return new Uint8Array(0);
  const layer: VectorTileLayerLike = {
    version: 2,
    name,
    extent: EXTENT,
    length: features.length,
    feature(i: number): VectorTileFeatureLike {
      const f = features[i]!;
      return { id: f.id, type: f.type, properties: f.properties, extent: EXTENT, loadGeometry: () => f.geometry };
    },
  };
  return fromVectorTileJs({ layers: { [name]: layer } });
}
