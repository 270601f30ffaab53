// The in-database encoder: ST_AsMVTGeom clips, snaps and validates, ST_AsMVT writes the layer.
// The fastest path on a server PostGIS (DESIGN.md); not available on the embedded PGlite.
// Features go in id order, as in the JS path: the same data gives the same bytes and ETag whatever
// plan the database picked (a prepared statement's generic plan scans in another order).
import { BUFFER, EXTENT, MIN_PART_AREA, MIN_PART_WIDTH } from '../layer.ts';
import { ident, literal } from '../sql.ts';

/**
 * How a band's polygons reach tile units. Parameters $p..$p+3 are the tile's EPSG:3857 bounds.
 * - `transform`: ST_Transform to EPSG:3857 and ST_AsMVTGeom, for every feature.
 * - `inside-affine` (polygons, bands from zoom AFFINE_MIN_ZOOM): a feature whose box lies within
 *   the envelope of parameters $p+8..$p+11 is placed whole, with no clip: it goes from degrees to
 *   tile units by one ST_Affine (parameters $p+4..$p+7: tileAffine4326), wound for MVT 2.1
 *   (exterior clockwise on screen) and put on the integer grid, as ST_AsMVTGeom would. The rest
 *   take the `transform` path. The envelope is the table source's to choose (see UNCLIPPED below).
 *   wagyu's clip-and-validate inside ST_AsMVTGeom costs ~4 µs a polygon, most of a z16 parcels
 *   tile; for a shape many units wide it gives back the snapped outline. The affine map is exact
 *   only near the tile: a feature reaching far past it would have its far edges bent, hence the
 *   envelope.
 *
 * UNCLIPPED. Features within a quarter tile of the tile (NEAR_MARGIN) can go whole: MVT lets
 * geometry run past the extent, and a renderer draws each tile through its own bounds (MapLibre
 * masks fills and lines with the tile's stencil), so the map shows what a clip at the buffer shows,
 * and a polygon's label is placed on its whole outline. Of the z16 parcels a tile reads, half cross
 * the buffered tile's edge (the tile is 600 m, a field 50–150 m); clipping them was a quarter of the
 * statement. Placed whole (the table source binds the near envelope for bands that are not cut),
 * z16 parcels statements fell from 1.44 to 1.21 ms at p50 (2.59 → 2.24 ms at p95; interleaved, the
 * 756 tiles of the 100,000-parcel set three times) for 2.0 % more bytes. The cut bands (below) bind
 * the buffered tile's envelope: their cells are many tiles wide.
 */
export type GeometryPath = 'transform' | 'inside-affine';

/**
 * With `cut` (the generalized land-use bands), a polygon that reaches past the tile is first cut to
 * the tile plus twice its buffer in degrees by ST_ClipByBox2D (parameters: the last four, after
 * the path's own), unless its box lies inside that envelope. A dissolved land-use cell spans
 * several tiles, and wagyu's clip-and-validate costs by the vertices it is given; the rectangle cut
 * is cheap, and ST_AsMVTGeom still makes the exact cut at the buffer. On the 100,000-parcel set
 * (statement p50, interleaved): land use z11 62.7 → 57.6 ms, z12 20.1 → 16.0 ms, z13 32.3 → 24.9 ms,
 * z10 unchanged; the same features, the bytes within 20 of 591,054 over the z13 tiles.
 */
export type CutOption = { cut?: boolean };

/** From this zoom a tile is small enough that Web Mercator is affine across it (see tileAffine4326). */
export const AFFINE_MIN_ZOOM = 13;

/**
 * The SQL around a source's `src` CTE for the in-database path; parameters as GeometryPath says
 * (computed once in JS per tile).
 */
export function sqlEncoderSql(
  srcCte: string,
  layerName: string,
  propertyNames: readonly string[],
  boundsParam: number,
  kind: 'point' | 'line' | 'polygon',
  partFilter = true,
  path: GeometryPath = 'transform',
  { cut = false }: CutOption = {},
): string {
  if ((path !== 'transform' || cut) && kind !== 'polygon') throw new Error('the inside-affine path and the cut are for polygon sources');
  const props = propertyNames.map((n) => `, ${ident(n)}`).join('');
  const p = boundsParam;
  const mvtGeom = (g: string) =>
    `ST_AsMVTGeom(ST_Transform(${g}, 3857), ST_MakeEnvelope($${p}, $${p + 1}, $${p + 2}, $${p + 3}, 3857)::box2d, ${EXTENT}, ${BUFFER}, true)`;
  const c = p + (path === 'inside-affine' ? 12 : 4);
  const box = `ST_MakeEnvelope($${c}, $${c + 1}, $${c + 2}, $${c + 3}, 4326)`;
  const clipped = mvtGeom(cut ? `CASE WHEN "__geom" @ ${box} THEN "__geom" ELSE ST_ClipByBox2D("__geom", ${box}::box2d) END` : '"__geom"');
  const placed =
    path === 'transform'
      ? clipped
      : `CASE WHEN "__geom" @ ST_MakeEnvelope($${p + 8}, $${p + 9}, $${p + 10}, $${p + 11}, 4326)
      THEN ST_SnapToGrid(ST_Affine(ST_ForcePolygonCW("__geom"), $${p + 4}, 0, 0, $${p + 5}, $${p + 6}, $${p + 7}), 1)
      ELSE ${clipped} END`;
  // The placed geometry is computed in a subquery with OFFSET 0: without it the planner pastes the
  // expression into each place its result is read, and the filter on the result and the result
  // itself each ran the whole transform-and-clip.
  const rows = `SELECT *, ${placed} AS g FROM src OFFSET 0`;
  const mvt = `SELECT ST_AsMVT(q, ${literal(layerName)}, ${EXTENT}, 'geom', '__id' ORDER BY q."__id") AS mvt FROM (`;
  if (kind !== 'polygon' || !partFilter) {
    // Snapping can collapse a polygon to nothing: ST_AsMVT must not get an empty geometry.
    return `${srcCte}
${mvt}
  SELECT "__id"${props}, g AS geom FROM (${rows}) s
) q WHERE q.geom IS NOT NULL AND NOT ST_IsEmpty(q.geom)`;
  }
  // Polygon parts under MIN_PART_AREA or MIN_PART_WIDTH go, as in the JS path: area ≥ 128 and
  // 2 × area ≥ 4 × perimeter, written so one large part (the usual case) costs one ST_Area and one
  // ST_Perimeter (PostgreSQL does not share the two ST_Area calls of the plain form).
  const keep = (g: string) => `ST_Area(${g}) >= GREATEST(${MIN_PART_AREA}, ${MIN_PART_WIDTH / 2} * ST_Perimeter(${g}))`;
  return `${srcCte}
${mvt}
  SELECT "__id"${props},
    CASE WHEN ST_NumGeometries(g) = 1 AND ${keep('g')} THEN g
      ELSE (SELECT ST_Collect(d.geom) FROM ST_Dump(g) d WHERE ${keep('d.geom')}) END AS geom
  FROM (${rows}) s
  WHERE g IS NOT NULL
) q WHERE q.geom IS NOT NULL`;
}
