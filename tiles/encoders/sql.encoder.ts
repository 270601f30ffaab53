// The in-database encoder: ST_AsMVTGeom clips, snaps and validates, ST_AsMVT writes the layer.
// The fastest path on a server PostGIS (DESIGN.md); not available on the embedded PGlite.
// Features go in id order, as in the JS path: the same data gives the same bytes and ETag whatever
// plan the database picked (a prepared statement's generic plan scans in another order).
import { BUFFER, EXTENT, MIN_PART_AREA, MIN_PART_WIDTH } from '../layer.ts';
import { ident, literal } from '../sql.ts';

/**
 * The SQL around a source's `src` CTE for the in-database path. The tile bounds in EPSG:3857 are
 * parameters $bounds..$bounds+3 (computed once in JS, the same numbers the JS path uses).
 */
export function sqlEncoderSql(
  srcCte: string,
  layerName: string,
  propertyNames: readonly string[],
  boundsParam: number,
  kind: 'point' | 'line' | 'polygon',
  partFilter = true,
): string {
  const props = propertyNames.map((n) => `, ${ident(n)}`).join('');
  const p = boundsParam;
  const mvtGeom = `ST_AsMVTGeom(ST_Transform("__geom", 3857), ST_MakeEnvelope($${p}, $${p + 1}, $${p + 2}, $${p + 3}, 3857)::box2d, ${EXTENT}, ${BUFFER}, true)`;
  // OFFSET 0 keeps the planner from pasting ST_AsMVTGeom into each place its result is read: without
  // it the filter on the result and the result itself each ran the whole transform-and-clip.
  if (kind !== 'polygon' || !partFilter) {
    return `${srcCte}
SELECT ST_AsMVT(q, ${literal(layerName)}, ${EXTENT}, 'geom', '__id' ORDER BY q."__id") AS mvt FROM (
  SELECT "__id"${props}, ${mvtGeom} AS geom
  FROM src OFFSET 0
) q WHERE q.geom IS NOT NULL`;
  }
  // Polygon parts under MIN_PART_AREA or MIN_PART_WIDTH go, as in the JS path: area ≥ 128 and
  // 2 × area ≥ 4 × perimeter, written so one large part (the usual case) costs one ST_Area and one
  // ST_Perimeter (PostgreSQL does not share the two ST_Area calls of the plain form).
  const keep = (g: string) => `ST_Area(${g}) >= GREATEST(${MIN_PART_AREA}, ${MIN_PART_WIDTH / 2} * ST_Perimeter(${g}))`;
  return `${srcCte}
SELECT ST_AsMVT(q, ${literal(layerName)}, ${EXTENT}, 'geom', '__id' ORDER BY q."__id") AS mvt FROM (
  SELECT "__id"${props},
    CASE WHEN ST_NumGeometries(g) = 1 AND ${keep('g')} THEN g
      ELSE (SELECT ST_Collect(d.geom) FROM ST_Dump(g) d WHERE ${keep('d.geom')}) END AS geom
  FROM (SELECT *, ${mvtGeom} AS g FROM src OFFSET 0) s
  WHERE g IS NOT NULL
) q WHERE q.geom IS NOT NULL`;
}
