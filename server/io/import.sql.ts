import type { Target } from './targets.ts';

// All SQL of the importer in one place. Features go to a temporary staging table (dropped at the end
// of the transaction, commit or rollback), are validated there set-wise, then upserted by natural key.

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

function columns(target: Target): string[] {
  const cols = target.fields.map((f) => f.column).filter((c) => c !== 'plan_code');
  if (target.collection === 'zones') cols.unshift('plan_id');
  return cols;
}

/** The importer's statements; generated ones are built from the target's column list, never from input. */
export const IMPORT_SQL = {
  landUseCodes: 'SELECT code, legacy, maps_to, note FROM land_use_codes',
  crops: 'SELECT code, name_vi, name_en FROM crops',
  plans: 'SELECT id, plan_code FROM planning_plans',
  maps: 'SELECT id FROM landuse_maps',
  // The latest date each commune code started to mean its unit: the default reference date of a parcel key.
  communeDates: `SELECT DISTINCT ON (code) code, valid_from::text AS valid_from FROM admin_units ORDER BY code, valid_from DESC`,

  createStage: `CREATE TEMP TABLE import_stage (
      n integer PRIMARY KEY, layer text NOT NULL, idx integer NOT NULL, props jsonb NOT NULL,
      geom geometry NOT NULL, sx float8, sy float8,
      problem_code text, problem text, loc geometry, area text, km float8, stored_id bigint, stored_commune text
    ) ON COMMIT DROP`,

  insertStage: `INSERT INTO import_stage (n, layer, idx, props, geom, sx, sy)
    SELECT t.n, t.l, t.i, t.p::jsonb, ST_SetSRID(ST_GeomFromWKB(decode(t.w, 'hex')), 4326), t.sx, t.sy
    FROM unnest($1::int[], $2::text[], $3::int[], $4::text[], $5::text[], $6::float8[], $7::float8[]) AS t(n, l, i, p, w, sx, sy)`,

  /** Makes invalid geometry valid, keeping only the target's dimension; reports what it did. */
  repair: (dimension: 1 | 3, kind: Target['geometry']) => `
    WITH bad AS (
      SELECT n, ST_IsValidReason(geom) AS reason, ST_CollectionExtract(ST_MakeValid(geom), ${dimension}) AS m
      FROM import_stage WHERE problem_code IS NULL AND NOT ST_IsValid(geom)
    ), fixed AS (
      SELECT n, reason, ${kind === 'polygon' ? 'CASE WHEN ST_NumGeometries(m) = 1 THEN ST_GeometryN(m, 1) END' : kind === 'multipolygon' ? 'ST_Multi(m)' : 'm'} AS g FROM bad
    )
    UPDATE import_stage s SET
      geom = CASE WHEN f.g IS NULL OR ST_IsEmpty(f.g) THEN s.geom ELSE f.g END,
      problem_code = CASE WHEN f.g IS NULL OR ST_IsEmpty(f.g) OR NOT ST_IsValid(f.g) THEN 'UNREPAIRABLE' END,
      problem = f.reason
    FROM fixed f WHERE s.n = f.n
    RETURNING s.layer, s.idx, f.reason, (f.g IS NULL OR ST_IsEmpty(f.g)) AS empty`,

  markInvalid: `UPDATE import_stage s SET problem_code = 'INVALID_GEOMETRY', problem = d.reason, loc = d.location
    FROM (SELECT n, v.reason, v.location FROM import_stage, LATERAL ST_IsValidDetail(geom) v WHERE problem_code IS NULL AND NOT v.valid) d
    WHERE s.n = d.n`,
  listInvalid: `SELECT layer, idx, problem AS reason, ST_X(loc) AS lon, ST_Y(loc) AS lat FROM import_stage
    WHERE problem_code = 'INVALID_GEOMETRY' ORDER BY n LIMIT $1`,
  countCode: 'SELECT count(*)::int AS n FROM import_stage WHERE problem_code = $1',

  /** The areas features must touch: each commune named in the file that has a boundary, and the province. */
  buildAreas: `CREATE TEMP TABLE import_area ON COMMIT DROP AS
    SELECT u.code, ST_Union(u.geom) AS geom FROM admin_units u
    WHERE u.geom IS NOT NULL AND u.code IN (SELECT DISTINCT props->>'commune_code' FROM import_stage WHERE props ? 'commune_code')
    GROUP BY u.code
    UNION ALL
    SELECT 'province', coalesce(
      (SELECT ST_Union(geom) FROM admin_units WHERE level = 'province' AND code IN ('82', '87') AND geom IS NOT NULL),
      ST_MakeEnvelope($1, $2, $3, $4, 4326))`,
  markOutside: `UPDATE import_stage s SET problem_code = 'OUTSIDE_AREA', area = x.code, km = x.km
    FROM (
      SELECT s2.n, a.code, ST_Distance(a.geom::geography, s2.geom::geography) / 1000 AS km
      FROM import_stage s2
      JOIN import_area a ON a.code = coalesce((SELECT c.code FROM import_area c WHERE c.code = s2.props->>'commune_code'), 'province')
      WHERE s2.problem_code IS NULL AND NOT ST_Intersects(a.geom, s2.geom)
    ) x WHERE s.n = x.n`,
  listOutside: `SELECT s.layer, s.idx, s.area, s.km, s.sx, s.sy,
      (SELECT u.name FROM admin_units u WHERE u.code = s.area ORDER BY u.valid_from DESC LIMIT 1) AS name
    FROM import_stage s WHERE s.problem_code = 'OUTSIDE_AREA' ORDER BY s.n LIMIT $1`,
  /** Per point (area $1, lon $2, lat $3, in order): whether it lies in its area; a null coordinate does not. */
  pointsInAreas: `SELECT coalesce(array_agg(EXISTS (
        SELECT 1 FROM import_area ar
        WHERE ar.code = t.a AND ST_Intersects(ar.geom, ST_SetSRID(ST_MakePoint(t.x, t.y), 4326))
      ) ORDER BY t.i), '{}') AS inside
    FROM unnest($1::text[], $2::float8[], $3::float8[]) WITH ORDINALITY AS t(a, x, y, i)`,
  /** How many rows the CRS guard placed: in their area (no problem yet) or refused as outside it. */
  countLocated: `SELECT count(*) FILTER (WHERE problem_code IS NULL)::int AS inside,
      count(*) FILTER (WHERE problem_code = 'OUTSIDE_AREA')::int AS outside
    FROM import_stage WHERE problem_code IS NULL OR problem_code = 'OUTSIDE_AREA'`,
  /** Up to $1 rows the CRS guard accepted, spread evenly over the file, with the area each was checked against. */
  sampleInside: `SELECT layer, area, sx, sy FROM (
      SELECT s.n, s.layer, s.sx, s.sy,
        coalesce((SELECT c.code FROM import_area c WHERE c.code = s.props->>'commune_code'), 'province') AS area,
        row_number() OVER (ORDER BY s.n) AS rn, count(*) OVER () AS total
      FROM import_stage s WHERE s.problem_code IS NULL AND s.sx IS NOT NULL AND s.sy IS NOT NULL
    ) r WHERE (r.rn - 1) % greatest(1, ceil(r.total / $1::float8)::int) = 0 ORDER BY r.n LIMIT $1`,

  /**
   * The commune codes an officer of communes $1 writes in: those communes and every unit code (old
   * communes before a merger, e.g. parcels' 29890 → 29869) whose lineage leads to one of them today.
   */
  officerScope: `SELECT coalesce(array_agg(DISTINCT c), '{}') AS codes FROM (
      SELECT unnest($1::text[]) AS c
      UNION
      SELECT u.code FROM admin_units u CROSS JOIN LATERAL admin_current_units(u.id) cu WHERE cu.code = ANY($1::text[])
    ) s`,
  /** Officers write only in their communes: rows whose commune is outside the scope $1 (officerScope). */
  markForeignCommune: `UPDATE import_stage SET problem_code = 'NOT_YOUR_COMMUNE'
    WHERE problem_code IS NULL AND NOT coalesce(props->>'commune_code' = ANY($1::text[]), false)`,
  listForeignCommune: `SELECT s.layer, s.idx, s.props->>'commune_code' AS code,
      (SELECT u.name FROM admin_units u WHERE u.code = s.props->>'commune_code' ORDER BY u.valid_from DESC LIMIT 1) AS name
    FROM import_stage s WHERE s.problem_code = 'NOT_YOUR_COMMUNE' ORDER BY s.n LIMIT $1`,

  /**
   * Refuses rows whose key matches a stored row of a commune outside the scope $1, whatever commune
   * the row itself names: an update would change or move another commune's row. One join of the
   * whole stage to the stored rows by the natural key (its unique index), not a query per row.
   */
  markStoredOutsideScope(target: Target): string {
    const t = ident(target.table);
    return `UPDATE import_stage s SET problem_code = 'STORED_ROW_OUTSIDE_SCOPE', stored_id = x.id, stored_commune = x.code
    FROM (
      SELECT s2.n, t.id, t.commune_code AS code
      FROM import_stage s2 CROSS JOIN LATERAL jsonb_populate_record(NULL::${t}, s2.props) r
      JOIN ${t} t ON (${target.key.map((k) => `t.${ident(k)}`).join(', ')}) = (${target.key.map((k) => `r.${ident(k)}`).join(', ')})
      WHERE s2.problem_code IS NULL AND t.commune_code <> ALL ($1::text[])
    ) x WHERE s.n = x.n`;
  },
  listStoredOutsideScope: `SELECT s.layer, s.idx, s.stored_id, s.stored_commune AS code,
      (SELECT u.name FROM admin_units u WHERE u.code = s.stored_commune ORDER BY u.valid_from DESC LIMIT 1) AS name
    FROM import_stage s WHERE s.problem_code = 'STORED_ROW_OUTSIDE_SCOPE' ORDER BY s.n LIMIT $1`,

  /** Growing areas of the stored plots that valid rows would overwrite (by source key). */
  areasOfStoredPlots: `SELECT DISTINCT p.growing_area_id AS id FROM import_stage s JOIN plots p ON p.source_key = s.props->>'source_key'
    WHERE s.problem_code IS NULL AND p.growing_area_id IS NOT NULL`,
  /** Locks those stored plots and answers the growing areas they belong to now. */
  lockStoredPlots: `WITH locked AS (
      SELECT p.growing_area_id FROM plots p JOIN import_stage s ON p.source_key = s.props->>'source_key'
      WHERE s.problem_code IS NULL FOR UPDATE OF p
    )
    SELECT DISTINCT growing_area_id AS id FROM locked WHERE growing_area_id IS NOT NULL`,
  /** Refuses rows that would change a stored plot of a growing area in none of the statuses $1. */
  markLockedPlots(target: Target): string {
    const cols = columns(target);
    return `UPDATE import_stage s SET problem_code = 'PLOT_IN_LOCKED_AREA'
    FROM (
      SELECT s2.n FROM import_stage s2 CROSS JOIN LATERAL jsonb_populate_record(NULL::plots, s2.props) r
      JOIN plots p ON p.source_key = r.source_key JOIN growing_areas g ON g.id = p.growing_area_id
      WHERE s2.problem_code IS NULL AND g.status <> ALL ($1::text[])
        AND (${cols.map((c) => `p.${ident(c)}`).join(', ')}, p.geom) IS DISTINCT FROM (${cols.map((c) => `r.${ident(c)}`).join(', ')}, s2.geom)
    ) x WHERE s.n = x.n`;
  },
  listLockedPlots: `SELECT s.layer, s.idx, p.id AS plot_id, g.id AS area_id, g.status
    FROM import_stage s JOIN plots p ON p.source_key = s.props->>'source_key' JOIN growing_areas g ON g.id = p.growing_area_id
    WHERE s.problem_code = 'PLOT_IN_LOCKED_AREA' ORDER BY s.n LIMIT $1`,

  /**
   * Valid rows that would change the crop of a stored plot of a growing area in one of the statuses
   * $1, with the plot, its area and the area's crop: the registry's membership rule decides on them.
   */
  memberCropChanges: `SELECT s.n, s.layer, s.idx, p.id AS plot_id, r.crop, g.id AS area_id, g.crop AS area_crop
    FROM import_stage s CROSS JOIN LATERAL jsonb_populate_record(NULL::plots, s.props) r
    JOIN plots p ON p.source_key = r.source_key JOIN growing_areas g ON g.id = p.growing_area_id
    WHERE s.problem_code IS NULL AND g.status = ANY ($1::text[]) AND r.crop IS DISTINCT FROM p.crop
    ORDER BY s.n`,
  /**
   * Valid rows overlapping stored plots by more than $1 m², with each plot and the m². The stored plot
   * a row replaces (same source key) is not an overlap, nor is a stored plot another valid row
   * replaces (the rows are compared among themselves), nor a row whose shape is the stored one's
   * (unchanged data passes as it is). Both sides through their GiST indexes.
   */
  storedPlotOverlaps: `SELECT s.n, s.layer, s.idx, o.id AS plot_id, ST_Area(ST_Intersection(o.geom, s.geom)::geography) AS m2
    FROM import_stage s JOIN plots o ON o.geom && s.geom AND ST_Intersects(o.geom, s.geom)
    WHERE s.problem_code IS NULL
      AND (o.source_key IS NULL OR o.source_key IS DISTINCT FROM s.props->>'source_key')
      AND NOT EXISTS (SELECT 1 FROM import_stage r WHERE r.problem_code IS NULL AND r.props->>'source_key' = o.source_key)
      AND NOT EXISTS (SELECT 1 FROM plots me WHERE me.source_key = s.props->>'source_key' AND me.geom = s.geom)
      AND ST_Area(ST_Intersection(o.geom, s.geom)::geography) > $1
    ORDER BY s.n, m2 DESC`,
  /** Pairs of valid rows (earlier first) overlapping each other by more than $1 m². */
  rowOverlaps: `SELECT a.n AS first, b.n AS later, a.layer AS first_layer, a.idx AS first_idx, b.layer, b.idx,
      ST_Area(ST_Intersection(a.geom, b.geom)::geography) AS m2
    FROM import_stage a JOIN import_stage b ON a.n < b.n AND a.geom && b.geom AND ST_Intersects(a.geom, b.geom)
    WHERE a.problem_code IS NULL AND b.problem_code IS NULL
      AND ST_Area(ST_Intersection(a.geom, b.geom)::geography) > $1
    ORDER BY b.n, a.n`,
  /** The staged rows' index for the overlap self-join (a file of thousands of plots). */
  indexStage: 'CREATE INDEX ON import_stage USING gist (geom)',

  /** Refuses rows $1 (stage numbers) with problem code $2. */
  markRows: `UPDATE import_stage SET problem_code = $2 WHERE n = ANY ($1::int[]) AND problem_code IS NULL`,

  countValid: 'SELECT count(*)::int AS n FROM import_stage WHERE problem_code IS NULL',
  countRefusedInDb: 'SELECT count(*)::int AS n FROM import_stage WHERE problem_code IS NOT NULL',

  /**
   * Inserts new rows and updates changed ones by natural key; counts both and answers the extent of
   * what it wrote (one aggregate over the rows RETURNING gives, no second read). With `scoped`, a stored
   * row is updated only when its commune is in the scope $1: markStoredOutsideScope refused such rows
   * already, and this keeps a row that changed commune or appeared since (another transaction) as is.
   */
  upsert(target: Target, scoped = false): string {
    const cols = columns(target);
    const t = ident(target.table);
    const set = [
      ...cols.filter((c) => !target.key.includes(c)).map((c) => `${ident(c)} = EXCLUDED.${ident(c)}`),
      'geom = EXCLUDED.geom',
      'version = t.version + 1',
      'updated_at = now()',
    ];
    const compare = [...cols, 'geom'];
    return `WITH up AS (
      INSERT INTO ${t} AS t (${cols.map(ident).join(', ')}, geom)
      SELECT ${cols.map((c) => `r.${ident(c)}`).join(', ')}, s.geom
      FROM import_stage s CROSS JOIN LATERAL jsonb_populate_record(NULL::${t}, s.props) r
      WHERE s.problem_code IS NULL ORDER BY s.n
      ON CONFLICT (${target.key.map(ident).join(', ')})${target.keyWhere ? ` WHERE ${target.keyWhere}` : ''}
      DO UPDATE SET ${set.join(', ')}
      WHERE (${compare.map((c) => `t.${ident(c)}`).join(', ')}) IS DISTINCT FROM (${compare.map((c) => `EXCLUDED.${ident(c)}`).join(', ')})${scoped ? ' AND t.commune_code = ANY ($1::text[])' : ''}
      RETURNING t.id, (xmax = 0) AS inserted, t.geom
    )
    SELECT inserted, updated, ids, ST_XMin(e) AS west, ST_YMin(e) AS south, ST_XMax(e) AS east, ST_YMax(e) AS north FROM (
      SELECT (count(*) FILTER (WHERE inserted))::int AS inserted, (count(*) FILTER (WHERE NOT inserted))::int AS updated,
             coalesce(array_agg(id), '{}') AS ids, ST_Extent(geom) AS e FROM up
    ) a`;
  },

  /**
   * Bulk mode skips the row triggers of plots (migration 008 and 004): link the written plots to the
   * parcels they cover and recompute their growing areas' geometry and area, as the triggers would.
   */
  relinkPlots: `WITH linked AS (SELECT link_plot_parcels(id) FROM unnest($1::bigint[]) AS id)
    SELECT count(*)::int AS n, (SELECT count(refresh_growing_area(g))::int FROM (
      SELECT DISTINCT growing_area_id AS g FROM plots WHERE id = ANY($1::bigint[]) AND growing_area_id IS NOT NULL) a) AS areas
    FROM linked`,

  /** Extent of the rows an import will overwrite, so their old place is redrawn too. */
  oldExtent(target: Target): string {
    const t = ident(target.table);
    return `SELECT ST_AsEWKT(ST_SetSRID(ST_Extent(t.geom)::geometry, 4326)) AS box
      FROM import_stage s CROSS JOIN LATERAL jsonb_populate_record(NULL::${t}, s.props) r
      JOIN ${t} t ON (${target.key.map((k) => `t.${ident(k)}`).join(', ')}) = (${target.key.map((k) => `r.${ident(k)}`).join(', ')})
      WHERE s.problem_code IS NULL`;
  },

  /** For bulk imports: one edit-log row summarising the import, and one tile notification for its extent. */
  bulkLogAndNotify: `WITH boxes AS (
      SELECT ST_SetSRID(ST_Extent(geom)::geometry, 4326) AS nb, CASE WHEN $2::text IS NULL THEN NULL ELSE ST_GeomFromEWKT($2::text) END AS ob
      FROM import_stage WHERE problem_code IS NULL
    ), log AS (
      INSERT INTO edit_log (user_id, origin, collection, feature_id, action, before, after, bounds)
      SELECT $3::bigint, 'import', $1::text, $4::text, $5::text, NULL, $6::jsonb,
             ST_Envelope(CASE WHEN ob IS NULL THEN nb ELSE ST_Collect(nb, ob) END)
      FROM boxes RETURNING id
    )
    SELECT notify_tile_change($1::text, ARRAY[nb, ob]) FROM boxes, log`,
};
