import { parcelCommuneColumns } from '../registry/places.sql.ts';
import type { Target } from './targets.ts';

// All SQL of the importer in one place. Features go to a temporary staging table (dropped at the end
// of the transaction, commit or rollback), are validated there set-wise, then upserted by natural key.

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

function columns(target: Target): string[] {
  const cols = target.fields.map((f) => f.column).filter((c) => c !== 'plan_code');
  if (target.collection === 'zones') cols.unshift('plan_id');
  return cols;
}

/**
 * How far (degrees) a vertex may move and the row still count as unchanged: 1 mm over 111,320 m a
 * degree, the length of a degree of latitude and the most a degree of longitude has, so the bound
 * holds in metres in every direction. An export rounds GeoJSON to 1e-9° (0.1 mm) and reprojects
 * shapefiles through VN-2000 and back (about 0.1 mm), far below any survey's precision (centimetres).
 */
export const SAME_SHAPE_TOLERANCE_DEG = 0.001 / 111320;

/**
 * Whether geometries a and b are the same shape: as many parts, rings and vertices, and no vertex of
 * either further than SAME_SHAPE_TOLERANCE_DEG from the other's outline (Hausdorff distance of the
 * boundaries, so a hole left out, or a ring drawn the other way round or from another start, is
 * judged as a shape: the first differs, the other two do not).
 */
export function sameShape(a: string, b: string): string {
  const outline = (g: string) => `CASE WHEN ST_Dimension(${g}) = 2 THEN ST_Boundary(${g}) ELSE ${g} END`;
  return `(${a} = ${b} OR (ST_NumGeometries(${a}) = ST_NumGeometries(${b}) AND coalesce(ST_NRings(${a}), 0) = coalesce(ST_NRings(${b}), 0)
    AND ST_NPoints(${a}) = ST_NPoints(${b}) AND ST_HausdorffDistance(${outline(a)}, ${outline(b)}) <= ${SAME_SHAPE_TOLERANCE_DEG}))`;
}

/**
 * Whether a staged row (values `row`, geometry `geom`) would change the stored row `stored`: a value
 * other than the key's, or another shape. The key is equal by the match (a row matched by id:N has
 * that key, the stored row none).
 */
function differs(target: Target, stored: string, row: string, geom: string): string {
  const cols = columns(target).filter((c) => !target.key.includes(c));
  const values = cols.length
    ? `(${cols.map((c) => `${stored}.${ident(c)}`).join(', ')}) IS DISTINCT FROM (${cols.map((c) => `${row}.${ident(c)}`).join(', ')})`
    : 'false';
  // A plot without a farmer is changed by the farmer its row links it to (linkFarmers); a farmer it has is kept.
  const farmer = target.table === 'plots' ? ` OR (${stored}.farmer_id IS NULL AND ${row}.farmer_id IS NOT NULL)` : '';
  return `(${values}${farmer} OR NOT ${sameShape(`${stored}.geom`, geom)})`;
}

/** The key `id:N` our exports write for a row that has no source key of its own: it names row N of this database. */
const ID_KEY = `'^id:[1-9][0-9]{0,17}$'`;

const LEGACY_PREFIX = 'legacy:';

/** A stored phone as digits, +84 written as the leading 0 (import.ts phoneDigits is its twin). */
const PHONE_DIGITS = `nullif(regexp_replace(regexp_replace(coalesce(fp.phone, ''), '[^0-9]', '', 'g'), '^84([0-9]{9})$', '0\\1'), '')`;

/** The importer's statements; generated ones are built from the target's column list, never from input. */
export const IMPORT_SQL = {
  /** Staged props key prefix of the legacy code a row gave for a land-use column (import.ts keepStoredLegacyCodes). */
  LEGACY_PREFIX,
  /** A row that gives the legacy code its stored row holds in `column` keeps it; answers those rows. */
  keepStoredLegacyCode(target: Target, column: string): string {
    const c = ident(column);
    const legacy = `s.props->>'${LEGACY_PREFIX}${column}'`;
    return `UPDATE import_stage s SET props = jsonb_set(s.props, '{${column}}', to_jsonb(t.${c}))
    FROM ${ident(target.table)} t
    WHERE t.id = s.match_id AND ${legacy} IS NOT NULL AND t.${c} = ${legacy}
    RETURNING s.layer, s.idx`;
  },
  landUseCodes: 'SELECT code, legacy, maps_to, note FROM land_use_codes',
  crops: 'SELECT code, name_vi, name_en FROM crops',
  plans: 'SELECT id, plan_code FROM planning_plans',
  maps: 'SELECT id FROM landuse_maps',
  // The latest date each commune code started to mean its unit: the default reference date of a parcel key.
  communeDates: `SELECT DISTINCT ON (code) code, valid_from::text AS valid_from FROM admin_units ORDER BY code, valid_from DESC`,

  createStage: `CREATE TEMP TABLE import_stage (
      n integer PRIMARY KEY, layer text NOT NULL, idx integer NOT NULL, props jsonb NOT NULL,
      geom geometry NOT NULL, sx float8, sy float8,
      problem_code text, problem text, loc geometry, area text, km float8, stored_id bigint, stored_commune text,
      match_id bigint, by_id boolean NOT NULL DEFAULT false
    ) ON COMMIT DROP`,

  /**
   * Finds the stored row each staged row would write over, by the natural key (matchByKey), then, for
   * a key `id:N` no stored row has, row N when it has no key of its own (matchById): an export writes
   * `id:N` for such a row, so its file re-imported updates the row instead of adding a copy of it.
   * Every later check of stored rows (scope, locked areas, overlaps) and the write go by this match.
   */
  matchByKey(target: Target): string {
    const t = ident(target.table);
    if (target.keyScope === 'commune') {
      // The commune of today the row's geometry falls in (a point of it: an invalid shape is refused
      // later, and ST_PointOnSurface may fail on one), found once per row; a stored plot is in it when
      // its commune code is that unit's or a former unit's that became it (29890 in Phường Cao Lãnh).
      // Codes, not the stored plots' shapes: a key shared by a hundred communes' surveys costs a
      // hundred text comparisons per row, not a hundred point-in-polygon tests. The exact code first.
      const point = `CASE WHEN ST_IsValid(s2.geom) THEN ST_PointOnSurface(s2.geom) ELSE ST_StartPoint(ST_ExteriorRing(s2.geom)) END`;
      return `WITH today AS MATERIALIZED (
      SELECT DISTINCT u.code, c.code AS today FROM admin_units u CROSS JOIN LATERAL admin_current_units(u.id) c
      WHERE c.level IN ('commune', 'ward', 'town')
    ), staged AS MATERIALIZED (
      SELECT s2.n, s2.props->>'source_key' AS key, s2.props->>'commune_code' AS code,
        (SELECT u.code FROM admin_units u
          WHERE (u.valid_to IS NULL OR u.valid_to > current_date) AND u.level IN ('commune', 'ward', 'town') AND u.geom IS NOT NULL
            AND ST_Intersects(u.geom, ${point}) ORDER BY u.id LIMIT 1) AS here
      FROM import_stage s2
    )
    UPDATE import_stage s SET match_id = x.id
    FROM (
      SELECT DISTINCT ON (r.n) r.n, t.id FROM staged r
      JOIN ${t} t ON t.source_key = r.key
      WHERE t.commune_code = r.code OR t.commune_code IN (SELECT d.code FROM today d WHERE d.today = r.here)
      ORDER BY r.n, (t.commune_code = r.code) DESC, t.id
    ) x WHERE s.n = x.n`;
    }
    return `UPDATE import_stage s SET match_id = x.id
    FROM (
      SELECT s2.n, t.id FROM import_stage s2 CROSS JOIN LATERAL jsonb_populate_record(NULL::${t}, s2.props) r
      JOIN ${t} t ON (${target.key.map((k) => `t.${ident(k)}`).join(', ')}) = (${target.key.map((k) => `r.${ident(k)}`).join(', ')})
    ) x WHERE s.n = x.n`;
  },
  /**
   * See matchByKey; only for collections keyed by source_key (plots, products, land-use areas of the
   * same map). Row N is the match only where the row's shape meets it (their boxes overlap): an `id:N`
   * of a file exported by another server (a training copy, a neighbouring province's) names that
   * server's row N, which is some other plot here, far away; such a row is a new row under its key,
   * and the dry run says "inserted", never an update of an unrelated plot. An export edited in a GIS
   * (a boundary redrawn) still meets its row.
   */
  matchById(target: Target): string {
    const t = ident(target.table);
    const sameMap = target.key.includes('map_id') ? ` AND t.map_id = (s.props->>'map_id')::bigint` : '';
    return `UPDATE import_stage s SET match_id = t.id, by_id = true
    FROM ${t} t
    WHERE s.match_id IS NULL AND s.props->>'source_key' ~ ${ID_KEY}
      AND t.id = substr(s.props->>'source_key', 4)::bigint AND t.source_key IS NULL${sameMap}
      AND t.geom && s.geom`;
  },

  // With $8, rings are turned as RFC 7946 draws them (outer counter-clockwise, holes clockwise): a
  // shapefile's order is ESRI's, the reverse, whatever the data was, so a plot exported to one and
  // read back is the same vertex for vertex. Other formats keep the file's order.
  insertStage: `INSERT INTO import_stage (n, layer, idx, props, geom, sx, sy)
    SELECT t.n, t.l, t.i, t.p::jsonb, CASE WHEN $8::boolean THEN ST_ForcePolygonCCW(g) ELSE g END, t.sx, t.sy
    FROM unnest($1::int[], $2::text[], $3::int[], $4::text[], $5::text[], $6::float8[], $7::float8[]) AS t(n, l, i, p, w, sx, sy),
      LATERAL ST_SetSRID(ST_GeomFromWKB(decode(t.w, 'hex')), 4326) AS g`,

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
   * whole stage to the stored rows it matched (matchByKey, matchById), not a query per row.
   */
  markStoredOutsideScope(target: Target): string {
    return `UPDATE import_stage s SET problem_code = 'STORED_ROW_OUTSIDE_SCOPE', stored_id = t.id, stored_commune = t.commune_code
    FROM ${ident(target.table)} t
    WHERE t.id = s.match_id AND s.problem_code IS NULL AND t.commune_code <> ALL ($1::text[])`;
  },
  listStoredOutsideScope: `SELECT s.layer, s.idx, s.stored_id, s.stored_commune AS code,
      (SELECT u.name FROM admin_units u WHERE u.code = s.stored_commune ORDER BY u.valid_from DESC LIMIT 1) AS name
    FROM import_stage s WHERE s.problem_code = 'STORED_ROW_OUTSIDE_SCOPE' ORDER BY s.n LIMIT $1`,

  /**
   * Refuses rows matched by source key to a stored row their shape does not meet: the key names
   * another feature (two surveys numbering their rows from 1), and the update would move it. A
   * polygon meets its stored row when a point inside either lies in the other (a corrected boundary
   * does; two plots side by side, which may not overlap, do not); a point, within 50 m. Valid
   * geometries only (run after markInvalid). The distance goes in `problem`, in metres.
   */
  markKeyOfAnother(target: Target): string {
    const meets =
      target.geometry === 'point'
        ? 'ST_DWithin(t.geom::geography, s.geom::geography, 50)'
        : 'ST_Intersects(t.geom, ST_PointOnSurface(s.geom)) OR ST_Intersects(s.geom, ST_PointOnSurface(t.geom))';
    return `UPDATE import_stage s SET problem_code = 'KEY_OF_ANOTHER_FEATURE', stored_id = t.id,
      problem = round(ST_Distance(t.geom::geography, s.geom::geography))::text
    FROM ${ident(target.table)} t
    WHERE t.id = s.match_id AND s.problem_code IS NULL AND NOT s.by_id AND NOT (${meets})`;
  },
  listKeyOfAnother: `SELECT s.layer, s.idx, s.stored_id, s.problem::float8 AS distance, s.props->>'source_key' AS key
    FROM import_stage s WHERE s.problem_code = 'KEY_OF_ANOTHER_FEATURE' ORDER BY s.n LIMIT $1`,

  /** Growing areas of the stored plots that valid rows would overwrite (by source key). */
  areasOfStoredPlots: `SELECT DISTINCT p.growing_area_id AS id FROM import_stage s JOIN plots p ON p.id = s.match_id
    WHERE s.problem_code IS NULL AND p.growing_area_id IS NOT NULL`,
  /** Locks those stored plots and answers the growing areas they belong to now. */
  lockStoredPlots: `WITH locked AS (
      SELECT p.growing_area_id FROM plots p JOIN import_stage s ON p.id = s.match_id
      WHERE s.problem_code IS NULL FOR UPDATE OF p
    )
    SELECT DISTINCT growing_area_id AS id FROM locked WHERE growing_area_id IS NOT NULL`,
  /** Refuses rows that would change a stored plot of a growing area in none of the statuses $1. */
  markLockedPlots(target: Target): string {
    return `UPDATE import_stage s SET problem_code = 'PLOT_IN_LOCKED_AREA'
    FROM (
      SELECT s2.n FROM import_stage s2 CROSS JOIN LATERAL jsonb_populate_record(NULL::plots, s2.props) r
      JOIN plots p ON p.id = s2.match_id JOIN growing_areas g ON g.id = p.growing_area_id
      WHERE s2.problem_code IS NULL AND g.status <> ALL ($1::text[]) AND ${differs(target, 'p', 'r', 's2.geom')}
    ) x WHERE s.n = x.n`;
  },
  listLockedPlots: `SELECT s.layer, s.idx, p.id AS plot_id, g.id AS area_id, g.status
    FROM import_stage s JOIN plots p ON p.id = s.match_id JOIN growing_areas g ON g.id = p.growing_area_id
    WHERE s.problem_code = 'PLOT_IN_LOCKED_AREA' ORDER BY s.n LIMIT $1`,

  /**
   * Valid rows that would change the crop of a stored plot of a growing area in one of the statuses
   * $1, with the plot, its area and the area's crop: the registry's membership rule decides on them.
   */
  memberCropChanges: `SELECT s.n, s.layer, s.idx, p.id AS plot_id, r.crop, g.id AS area_id, g.crop AS area_crop
    FROM import_stage s CROSS JOIN LATERAL jsonb_populate_record(NULL::plots, s.props) r
    JOIN plots p ON p.id = s.match_id JOIN growing_areas g ON g.id = p.growing_area_id
    WHERE s.problem_code IS NULL AND g.status = ANY ($1::text[]) AND r.crop IS DISTINCT FROM p.crop
    ORDER BY s.n`,
  /**
   * Valid rows overlapping stored plots by more than $1 m², with each plot and the m². The stored plot
   * a row replaces (its match: same source key, or id:N) is not an overlap, nor is a stored plot
   * another valid row replaces (the rows are compared among themselves), nor a row of the same shape
   * as the plot it replaces (unchanged data passes as it is). Both sides through their GiST indexes.
   */
  storedPlotOverlaps: `SELECT s.n, s.layer, s.idx, o.id AS plot_id, ST_Area(ST_Intersection(o.geom, s.geom)::geography) AS m2
    FROM import_stage s JOIN plots o ON o.geom && s.geom AND ST_Intersects(o.geom, s.geom)
    WHERE s.problem_code IS NULL
      AND o.id IS DISTINCT FROM s.match_id
      AND NOT EXISTS (SELECT 1 FROM import_stage r WHERE r.problem_code IS NULL AND r.match_id = o.id)
      AND NOT EXISTS (SELECT 1 FROM plots me WHERE me.id = s.match_id AND ${sameShape('me.geom', 's.geom')})
      AND ST_Area(ST_Intersection(o.geom, s.geom)::geography) > $1
    ORDER BY s.n, m2 DESC`,
  /** Pairs of valid rows (earlier first) overlapping each other by more than $1 m². */
  rowOverlaps: `SELECT a.n AS first, b.n AS later, a.layer AS first_layer, a.idx AS first_idx, b.layer, b.idx,
      ST_Area(ST_Intersection(a.geom, b.geom)::geography) AS m2
    FROM import_stage a JOIN import_stage b ON a.n < b.n AND a.geom && b.geom AND ST_Intersects(a.geom, b.geom)
    WHERE a.problem_code IS NULL AND b.problem_code IS NULL
      AND ST_Area(ST_Intersection(a.geom, b.geom)::geography) > $1
    ORDER BY b.n, a.n`,
  /**
   * Valid parcel rows whose interior overlaps a stored parcel by more than $1 m², with the parcel's
   * key (commune, sheet, number) and the m². As for plots, the stored parcel a row replaces (its
   * natural-key match) is not an overlap, nor one another valid row replaces (rows are compared among
   * themselves: parcelRowOverlaps), nor anything a row of the same shape as its stored parcel touches
   * (a re-import of unchanged parcels says nothing new about the land). The pairs are found through
   * the parcels' GiST index; a shared boundary (interiors apart: ST_Relate 'T********' false) is
   * dropped before the costly intersection, which is computed once per remaining pair.
   */
  storedParcelOverlaps: `WITH pairs AS MATERIALIZED (
      SELECT s.n, s.layer, s.idx, s.match_id, s.geom, o.id, o.commune_code, o.commune_ref_date, o.sheet, o.parcel_no, o.geom AS stored
      FROM import_stage s JOIN parcels o ON o.geom && s.geom
      WHERE s.problem_code IS NULL AND o.id IS DISTINCT FROM s.match_id
        AND NOT EXISTS (SELECT 1 FROM import_stage r WHERE r.problem_code IS NULL AND r.match_id = o.id)
        AND ST_Relate(o.geom, s.geom, 'T********')
    )
    SELECT p.n, p.layer, p.idx, p.id AS parcel_id, p.commune_code, ${parcelCommuneColumns('p')}, p.sheet, p.parcel_no, x.m2
    FROM pairs p CROSS JOIN LATERAL (SELECT ST_Area(ST_Intersection(p.stored, p.geom)::geography) AS m2) x
    WHERE x.m2 > $1 AND NOT EXISTS (SELECT 1 FROM parcels me WHERE me.id = p.match_id AND ${sameShape('me.geom', 'p.geom')})
    ORDER BY p.n, x.m2 DESC`,
  /**
   * Pairs of valid parcel rows (earlier first) whose interiors overlap by more than $1 m², but for
   * pairs of two rows each of the same shape as its stored parcel (an overlap already stored, re-imported
   * unchanged). Through the staged rows' GiST index (indexStage).
   */
  parcelRowOverlaps: `WITH pairs AS MATERIALIZED (
      SELECT a.n AS first, b.n AS later, a.layer AS first_layer, a.idx AS first_idx, b.layer, b.idx,
        a.match_id AS first_match, b.match_id AS later_match, a.geom AS first_geom, b.geom AS later_geom
      FROM import_stage a JOIN import_stage b ON a.n < b.n AND a.geom && b.geom
      WHERE a.problem_code IS NULL AND b.problem_code IS NULL AND ST_Relate(a.geom, b.geom, 'T********')
    )
    SELECT p.first, p.later, p.first_layer, p.first_idx, p.layer, p.idx, x.m2
    FROM pairs p CROSS JOIN LATERAL (SELECT ST_Area(ST_Intersection(p.first_geom, p.later_geom)::geography) AS m2) x
    WHERE x.m2 > $1
      AND NOT (EXISTS (SELECT 1 FROM parcels me WHERE me.id = p.first_match AND ${sameShape('me.geom', 'p.first_geom')})
        AND EXISTS (SELECT 1 FROM parcels me WHERE me.id = p.later_match AND ${sameShape('me.geom', 'p.later_geom')}))
    ORDER BY p.later, p.first`,
  /** The staged rows' index for the overlap self-joins (a file of thousands of plots or parcels). */
  indexStage: 'CREATE INDEX ON import_stage USING gist (geom)',

  /** Refuses rows $1 (stage numbers) with problem code $2. */
  markRows: `UPDATE import_stage SET problem_code = $2 WHERE n = ANY ($1::int[]) AND problem_code IS NULL`,

  /**
   * The valid plot rows that name a farmer (or have farmer columns left empty), with what linkFarmers
   * decides on: the staged farmer cells (name folded as vn_fold folds the registry's), the stored
   * plot's farmer, whether that plot is in a growing area of none of the statuses $1 (locked), the
   * commune or ward of today the plot lies in (`here`) and today's units of the row's commune code.
   */
  farmerRows: `WITH today AS MATERIALIZED (
      SELECT DISTINCT u.code, c.code AS today FROM admin_units u CROSS JOIN LATERAL admin_current_units(u.id) c
      WHERE c.level IN ('commune', 'ward', 'town')
    )
    SELECT s.n, s.layer, s.idx, s.props->>'farmer:name' AS name, vn_fold(s.props->>'farmer:name') AS folded,
      s.props->>'farmer:cid' AS cid, s.props->>'farmer:phone' AS phone,
      s.props->>'farmer:hamlet' AS hamlet, s.props->>'farmer:address' AS address,
      s.props->>'farmer:problem' AS problem, s.props->>'farmer:rule' AS rule,
      s.props->>'farmer:left-out:farmer_hamlet' AS hamlet_rule, s.props->>'farmer:left-out:farmer_address' AS address_rule,
      p.farmer_id AS stored_farmer, (g.id IS NOT NULL AND g.status <> ALL ($1::text[])) AS locked,
      (SELECT u.code FROM admin_units u
        WHERE (u.valid_to IS NULL OR u.valid_to > current_date) AND u.level IN ('commune', 'ward', 'town')
          AND u.geom IS NOT NULL AND ST_Intersects(u.geom, ST_PointOnSurface(s.geom)) ORDER BY u.id LIMIT 1) AS here,
      (SELECT coalesce(array_agg(DISTINCT d.today), '{}') FROM today d WHERE d.code = s.props->>'commune_code') AS today
    FROM import_stage s LEFT JOIN plots p ON p.id = s.match_id LEFT JOIN growing_areas g ON g.id = p.growing_area_id
    WHERE s.problem_code IS NULL AND s.props ? 'farmer:given'
    ORDER BY s.n`,
  /**
   * Registered farmers a row may name: the holder of a citizen ID in $1 (anywhere: one ID, one
   * person), and the farmers of communes $2 whose folded name is in $3 or whose phone is in $4
   * (digits, +84 written as 0). Names are compared with single spaces, as the staged ones are.
   */
  farmerCandidates: `SELECT f.id, f.commune_code, vn_fold(regexp_replace(btrim(fp.full_name), '\\s+', ' ', 'g')) AS folded,
      fp.citizen_id AS cid, ${PHONE_DIGITS} AS phone
    FROM farmers f JOIN farmer_private fp ON fp.farmer_id = f.id
    WHERE fp.citizen_id = ANY ($1::text[])
      OR (f.commune_code = ANY ($2::text[])
        AND (vn_fold(regexp_replace(btrim(fp.full_name), '\\s+', ' ', 'g')) = ANY ($3::text[]) OR ${PHONE_DIGITS} = ANY ($4::text[])))
    ORDER BY f.id`,
  /** New farmers: $1 lookup codes, $2 their communes of today, $3 their hamlets (null: none in the file). */
  insertFarmers: `INSERT INTO farmers (lookup_code, commune_code, hamlet)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) RETURNING id, lookup_code`,
  /** Their personal data: $1 ids, $2 names, $3 citizen IDs, $4 phones, $5 addresses. */
  insertFarmersPrivate: `INSERT INTO farmer_private (farmer_id, full_name, citizen_id, phone, address)
    SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[])`,
  /** Stages the farmer of rows $1 (stage numbers) as $2 (farmer ids): the upsert links them. */
  stageFarmers: `UPDATE import_stage s SET props = s.props || jsonb_build_object('farmer_id', x.f)
    FROM unnest($1::int[], $2::bigint[]) AS x(n, f) WHERE s.n = x.n`,

  countValid: 'SELECT count(*)::int AS n FROM import_stage WHERE problem_code IS NULL',
  countRefusedInDb: 'SELECT count(*)::int AS n FROM import_stage WHERE problem_code IS NOT NULL',

  /**
   * Inserts new rows and updates changed ones by natural key; counts both and answers the extent of
   * what it wrote (one aggregate over the rows RETURNING gives, no second read). A row is changed when
   * a value differs or its shape does beyond SAME_SHAPE_TOLERANCE_DEG (sameShape): an unchanged row is
   * not written at all (no version, no edit-log row, no tiles redrawn), and a row whose values alone
   * changed keeps its stored geometry. Rows matched by id:N (matchById) update row N and leave it
   * without a source key, so the next export names it id:N again. With `scoped`, a stored row is
   * updated only when its commune is in the scope $1: markStoredOutsideScope refused such rows
   * already, and this keeps a row that changed commune or appeared since (another transaction) as is.
   */
  upsert(target: Target, scoped = false): string {
    const cols = columns(target);
    const t = ident(target.table);
    // Plots also take the farmer linkFarmers found (staged as props.farmer_id), only where they have none.
    const farmer = target.table === 'plots';
    const inserted = farmer ? [...cols, 'farmer_id'] : cols;
    const keep = (row: string) => `CASE WHEN ${sameShape('t.geom', `${row}.geom`)} THEN t.geom ELSE ${row}.geom END`;
    const set = (row: string, skip: readonly string[]) => [
      ...cols.filter((c) => !skip.includes(c)).map((c) => `${ident(c)} = ${row}.${ident(c)}`),
      ...(farmer ? [`farmer_id = coalesce(t.farmer_id, ${row}.farmer_id)`] : []),
      `geom = ${keep(row)}`,
      'version = t.version + 1',
      'updated_at = now()',
    ];
    const inScope = scoped ? ' AND t.commune_code = ANY ($1::text[])' : '';
    // A key within its commune may match a stored row of another code of that commune (an old
    // commune's, matchByKey): every matched row is updated by its match, the others inserted.
    const byMatch = target.keyScope === 'commune';
    const byId = target.key.includes('source_key')
      ? `by_id AS (
      UPDATE ${t} AS t SET ${set('x', ['source_key']).join(', ')}
      FROM (
        SELECT s.match_id, s.by_id, ${inserted.map((c) => `r.${ident(c)}`).join(', ')}, s.geom
        FROM import_stage s CROSS JOIN LATERAL jsonb_populate_record(NULL::${t}, s.props) r
        WHERE s.problem_code IS NULL AND ${byMatch ? 's.match_id IS NOT NULL' : 's.by_id'}
      ) x
      WHERE t.id = x.match_id AND ${byMatch ? '(NOT x.by_id OR t.source_key IS NULL)' : 't.source_key IS NULL'} AND ${differs(target, 't', 'x', 'x.geom')}${inScope}
      RETURNING t.id, false AS inserted, t.geom
    ), `
      : '';
    const conflict = [...(byMatch ? ['commune_code'] : []), ...target.key];
    return `WITH ${byId}up AS (
      INSERT INTO ${t} AS t (${inserted.map(ident).join(', ')}, geom)
      SELECT ${inserted.map((c) => `r.${ident(c)}`).join(', ')}, s.geom
      FROM import_stage s CROSS JOIN LATERAL jsonb_populate_record(NULL::${t}, s.props) r
      WHERE s.problem_code IS NULL AND ${byMatch ? 's.match_id IS NULL' : 'NOT s.by_id'} ORDER BY s.n
      ON CONFLICT (${conflict.map(ident).join(', ')})${target.keyWhere ? ` WHERE ${target.keyWhere}` : ''}
      DO UPDATE SET ${set('EXCLUDED', target.key).join(', ')}
      WHERE ${differs(target, 't', 'EXCLUDED', 'EXCLUDED.geom')}${inScope}
      RETURNING t.id, (xmax = 0) AS inserted, t.geom
    ), written AS (
      SELECT * FROM up${byId ? ' UNION ALL SELECT * FROM by_id' : ''}
    )
    SELECT inserted, updated, ids, ST_XMin(e) AS west, ST_YMin(e) AS south, ST_XMax(e) AS east, ST_YMax(e) AS north FROM (
      SELECT (count(*) FILTER (WHERE inserted))::int AS inserted, (count(*) FILTER (WHERE NOT inserted))::int AS updated,
             coalesce(array_agg(id), '{}') AS ids, ST_Extent(geom) AS e FROM written
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

  /** Extent of the stored rows an import will change, so their old place is redrawn too (unchanged rows are not). */
  oldExtent(target: Target): string {
    const t = ident(target.table);
    return `SELECT ST_AsEWKT(ST_SetSRID(ST_Extent(t.geom)::geometry, 4326)) AS box
      FROM import_stage s CROSS JOIN LATERAL jsonb_populate_record(NULL::${t}, s.props) r
      JOIN ${t} t ON t.id = s.match_id
      WHERE s.problem_code IS NULL AND ${differs(target, 't', 'r', 's.geom')}`;
  },

  /**
   * For bulk imports: one edit-log row summarising the import, and one tile notification for the boxes
   * of what it wrote: the new extent $7..$10 (west, south, east, north) and the old one $2 (oldExtent).
   */
  bulkLogAndNotify: `WITH boxes AS (
      SELECT ST_MakeEnvelope($7, $8, $9, $10, 4326) AS nb, CASE WHEN $2::text IS NULL THEN NULL ELSE ST_GeomFromEWKT($2::text) END AS ob
    ), log AS (
      INSERT INTO edit_log (user_id, origin, collection, feature_id, action, before, after, bounds)
      SELECT $3::bigint, 'import', $1::text, $4::text, $5::text, NULL, $6::jsonb,
             ST_Envelope(CASE WHEN ob IS NULL THEN nb ELSE ST_Collect(nb, ob) END)
      FROM boxes RETURNING id
    )
    SELECT notify_tile_change($1::text, ARRAY[nb, ob]) FROM boxes, log`,
};
