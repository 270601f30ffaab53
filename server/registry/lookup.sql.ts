// SQL of the public lookups: a growing-area code, a parcel's zones and land uses, what is at a
// place. None of these statements touches farmer_private, parcel_owners or registrant contacts.
import { memberCount, statusDecisionColumns } from './growing-areas.sql.ts';

// The unit-name prefixes dropped when matching a bare name ("Tân Thuận Tây" = "Xã Tân Thuận Tây").
const UNIT_PREFIX = `'^(Xã|Phường|Thị trấn|Thành phố|TP\\.?|Huyện|Tỉnh|Thị xã)\\s+'`;

/**
 * The version holding a code: the live one if any, else the latest superseded one; with the
 * lineage's current version, its issuing decision and, while suspended or revoked, the decision
 * that did it. $1 code (case-insensitive).
 */
export const AREA_BY_CODE = `
  SELECT g.id, g.code, g.scheme, g.status, g.name, g.crop, c.name_vi AS crop_name_vi, c.name_en AS crop_name_en,
         g.variety, round(g.area_m2::numeric, 1) AS area_m2, g.markets, g.commune_code, u.name AS commune_name,
         CASE WHEN g.registrant_kind = 'person' THEN NULL ELSE g.registrant_name END AS registrant,
         g.standard, g.decision_no, g.issued_on, g.version_no, ${statusDecisionColumns('g')},
         ${memberCount('g')} AS plot_count,
         cur.version_no AS current_version_no, cur.status AS current_status, cur.code AS current_code,
         CASE WHEN gm.geom IS NULL THEN NULL ELSE json_build_array(ST_XMin(gm.geom), ST_YMin(gm.geom), ST_XMax(gm.geom), ST_YMax(gm.geom)) END AS bbox,
         ST_AsGeoJSON(ST_ForcePolygonCCW(gm.geom), 6)::json AS geometry
  FROM growing_areas g
  JOIN crops c ON c.code = g.crop
  LEFT JOIN LATERAL (SELECT x.version_no, x.status, x.code, x.geom FROM growing_areas x
                     WHERE x.lineage_id = g.lineage_id ORDER BY x.version_no DESC LIMIT 1) cur ON true
  -- A superseded version handed its plots to the current one: show the map of the current one (the
  -- superseded version keeps its own shape of then, migration 017, for its history).
  CROSS JOIN LATERAL (SELECT CASE WHEN g.status = 'superseded' THEN coalesce(cur.geom, g.geom) ELSE g.geom END AS geom) gm
  LEFT JOIN LATERAL (SELECT name FROM admin_units a WHERE a.code = g.commune_code AND (a.valid_to IS NULL OR a.valid_to > current_date)
                     ORDER BY a.valid_from DESC LIMIT 1) u ON true
  WHERE upper(g.code) = upper($1)
  ORDER BY (g.status = 'superseded'), g.version_no DESC
  LIMIT 1`;

/**
 * Parcels with sheet $2 and number $3 in the commune given as $1: an old or current code, or a
 * name; a current unit stands for every old commune that merged into it (their sheets stay keyed
 * by the old code). Geodesic area, no owner.
 */
export const PARCELS_BY_KEY = `
  WITH RECURSIVE input_units AS (
    SELECT id, code FROM admin_units
    WHERE code = $1 OR vn_fold(name) = vn_fold($1) OR vn_fold(regexp_replace(name, ${UNIT_PREFIX}, '', 'i')) = vn_fold(regexp_replace($1, ${UNIT_PREFIX}, '', 'i'))
  ), back(id, depth) AS (
    -- Walk the lineage backwards (new → old): the old communes whose sheets a unit took in.
    SELECT id, 0 FROM input_units
    UNION
    SELECT l.old_id, b.depth + 1 FROM back b JOIN admin_lineage l ON l.new_id = b.id WHERE b.depth < 20
  ), codes AS (
    SELECT $1::text AS code
    UNION SELECT u.code FROM back JOIN admin_units u ON u.id = back.id
  )
  SELECT p.id, p.commune_code, p.commune_ref_date, ou.name AS commune_name, p.sheet, p.parcel_no, p.cert_sheet, p.cert_parcel,
         p.land_use_code, luc.name_vi AS land_use_name_vi, luc.name_en AS land_use_name_en, p.legal_area_m2, p.address,
         ST_Area(p.geom::geography) AS area_m2,
         json_build_array(ST_XMin(p.geom), ST_YMin(p.geom), ST_XMax(p.geom), ST_YMax(p.geom)) AS bbox,
         ST_AsGeoJSON(ST_ForcePolygonCCW(p.geom), 7)::json AS geometry
  FROM parcels p
  JOIN land_use_codes luc ON luc.code = p.land_use_code
  LEFT JOIN LATERAL (SELECT name FROM admin_units a WHERE a.code = p.commune_code AND a.valid_from <= p.commune_ref_date
                     AND (a.valid_to IS NULL OR a.valid_to > p.commune_ref_date) ORDER BY a.valid_from DESC LIMIT 1) ou ON true
  WHERE p.commune_code IN (SELECT code FROM codes) AND p.sheet = $2 AND p.parcel_no = $3
  ORDER BY p.commune_code
  LIMIT 20`;

/** Every zoning lot of an approved plan intersecting parcel $1, with the geodesic m² and % of the parcel inside it. */
export const PARCEL_ZONES = `
  WITH pa AS (SELECT geom, ST_Area(geom::geography) AS area FROM parcels WHERE id = $1)
  SELECT z.id, z.lot_code, z.info_code, z.function, z.land_use_code, z.max_density_pct, z.max_far, z.min_floors,
         z.max_floors, z.max_height_m, z.setback_m, z.phase,
         pl.id AS plan_id, pl.name AS plan_name, pl.scale, pl.decision_no, pl.decision_date, pl.authority,
         s.m2 AS area_m2, 100 * s.m2 / nullif(pa.area, 0) AS pct
  FROM pa
  JOIN zoning_lots z ON z.geom && pa.geom AND ST_Intersects(z.geom, pa.geom)
  JOIN planning_plans pl ON pl.id = z.plan_id AND pl.status = 'approved'
  CROSS JOIN LATERAL (SELECT ST_Area(ST_CollectionExtract(ST_Intersection(z.geom, pa.geom), 3)::geography) AS m2) s
  WHERE s.m2 > 0.01
  ORDER BY pl.id, s.m2 DESC`;

/** Every land-use polygon (status and plan maps) intersecting parcel $1, with m² and % of the parcel. */
export const PARCEL_LAND_USES = `
  WITH pa AS (SELECT geom, ST_Area(geom::geography) AS area FROM parcels WHERE id = $1)
  SELECT la.id, la.land_use_code, luc.name_vi, luc.name_en, land_use_fill(la.land_use_code) AS fill,
         m.id AS map_id, m.kind AS map_kind, m.name AS map_name, m.year, m.period_to,
         s.m2 AS area_m2, 100 * s.m2 / nullif(pa.area, 0) AS pct
  FROM pa
  JOIN landuse_areas la ON la.geom && pa.geom AND ST_Intersects(la.geom, pa.geom)
  JOIN landuse_maps m ON m.id = la.map_id
  JOIN land_use_codes luc ON luc.code = la.land_use_code
  CROSS JOIN LATERAL (SELECT ST_Area(ST_CollectionExtract(ST_Intersection(la.geom, pa.geom), 3)::geography) AS m2) s
  WHERE s.m2 > 0.01
  ORDER BY m.kind, m.year DESC, s.m2 DESC`;

/** Administrative units containing the point ($1 lon, $2 lat): today's and the old ones, newest first. */
export const UNITS_AT = `
  SELECT code, name, level, valid_from, valid_to, (valid_to IS NULL OR valid_to > current_date) AS current
  FROM admin_units
  WHERE geom && ST_SetSRID(ST_MakePoint($1, $2), 4326) AND ST_Intersects(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326))
  ORDER BY (valid_to IS NULL) DESC, valid_from DESC, level`;

/** The parcel at the point, without its owner. */
export const PARCEL_AT = `
  SELECT p.id, p.commune_code, p.sheet, p.parcel_no, p.land_use_code, luc.name_vi AS land_use_name_vi,
         luc.name_en AS land_use_name_en, p.legal_area_m2, p.address, ST_Area(p.geom::geography) AS area_m2,
         json_build_array(ST_XMin(p.geom), ST_YMin(p.geom), ST_XMax(p.geom), ST_YMax(p.geom)) AS bbox
  FROM parcels p JOIN land_use_codes luc ON luc.code = p.land_use_code
  WHERE p.geom && ST_SetSRID(ST_MakePoint($1, $2), 4326) AND ST_Intersects(p.geom, ST_SetSRID(ST_MakePoint($1, $2), 4326))
  LIMIT 5`;

/** Land-use polygons at the point, by map. */
export const LAND_USE_AT = `
  SELECT la.land_use_code, luc.name_vi, luc.name_en, m.kind AS map_kind, m.name AS map_name, m.year
  FROM landuse_areas la JOIN landuse_maps m ON m.id = la.map_id JOIN land_use_codes luc ON luc.code = la.land_use_code
  WHERE la.geom && ST_SetSRID(ST_MakePoint($1, $2), 4326) AND ST_Intersects(la.geom, ST_SetSRID(ST_MakePoint($1, $2), 4326))
  ORDER BY m.kind, m.year DESC`;

/** Zoning lots of approved plans at the point. */
export const ZONES_AT = `
  SELECT z.id, z.lot_code, z.function, z.land_use_code, z.max_density_pct, z.max_far, z.min_floors, z.max_floors,
         z.max_height_m, z.phase, pl.name AS plan_name, pl.scale, pl.decision_no
  FROM zoning_lots z JOIN planning_plans pl ON pl.id = z.plan_id AND pl.status = 'approved'
  WHERE z.geom && ST_SetSRID(ST_MakePoint($1, $2), 4326) AND ST_Intersects(z.geom, ST_SetSRID(ST_MakePoint($1, $2), 4326))`;

/** Growing areas with a code at the point: public fields only. */
export const AREAS_AT = `
  SELECT g.code, g.status, g.name, g.crop, c.name_vi AS crop_name_vi, round(g.area_m2::numeric, 1) AS area_m2, g.markets
  FROM growing_areas g JOIN crops c ON c.code = g.crop
  WHERE g.code IS NOT NULL AND g.status <> 'superseded'
    AND g.geom && ST_SetSRID(ST_MakePoint($1, $2), 4326) AND ST_Intersects(g.geom, ST_SetSRID(ST_MakePoint($1, $2), 4326))`;
