// The in-database encoder: ST_AsMVTGeom clips, snaps and validates, ST_AsMVT writes the layer.
// The fastest path on a server PostGIS (DESIGN.md); not available on the embedded PGlite.
import { BUFFER, EXTENT } from '../layer.ts';
import { ident, literal } from '../sql.ts';

/**
 * The SQL around a source's `src` CTE for the in-database path. The tile bounds in EPSG:3857 are
 * parameters $bounds..$bounds+3 (computed once in JS, the same numbers the JS path uses).
 */
export function sqlEncoderSql(srcCte: string, layerName: string, propertyNames: readonly string[], boundsParam: number): string {
  const props = propertyNames.map((n) => `, ${ident(n)}`).join('');
  const p = boundsParam;
  return `${srcCte}
SELECT ST_AsMVT(q, ${literal(layerName)}, ${EXTENT}, 'geom', '__id') AS mvt FROM (
  SELECT "__id"${props},
    ST_AsMVTGeom(ST_Transform("__geom", 3857), ST_MakeEnvelope($${p}, $${p + 1}, $${p + 2}, $${p + 3}, 3857)::box2d, ${EXTENT}, ${BUFFER}, true) AS geom
  FROM src
) q WHERE q.geom IS NOT NULL`;
}
