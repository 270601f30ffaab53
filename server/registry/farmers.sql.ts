// SQL of the farmers feature, in one place (STYLE.md §2). Personal data (farmer_private) is
// selected only by the statements whose names say so.
import { statusDecisionColumns } from './growing-areas.sql.ts';
import { parcelCommuneJson } from './places.sql.ts';

/** A farmer with personal data; $1 = id. */
export const FARMER_WITH_PRIVATE = `
  SELECT f.id, f.lookup_code, f.commune_code, f.hamlet, f.created_at, f.version,
         fp.full_name, fp.citizen_id, fp.phone, fp.address
  FROM farmers f LEFT JOIN farmer_private fp ON fp.farmer_id = f.id
  WHERE f.id = $1`;

/** The same, the farmers row locked for an update; $1 = id. */
export const FARMER_WITH_PRIVATE_FOR_UPDATE = `${FARMER_WITH_PRIVATE}
  FOR UPDATE OF f`;

/**
 * Farmers with personal data in the given communes ($1 text[], NULL = all), optionally matching
 * $2 (folded name, phone, citizen id or lookup code; $5, the query's digits when it is a number
 * written in groups, matches the citizen ID and the phone's digits); $3 limit, $4 offset. Each with
 * today's name of their commune and what an officer's list flies to: how many plots they have, the
 * first of them and the extent of all (NULL with no plot). In Vietnamese alphabetical order of the
 * given name, then of the full name (as lists of people are read here), then by id.
 */
export const LIST_FARMERS = `
  SELECT f.id, f.lookup_code, f.commune_code, f.hamlet, f.created_at, f.version,
         fp.full_name, fp.citizen_id, fp.phone, fp.address,
         (SELECT u.name FROM admin_units u
           WHERE u.code = f.commune_code AND u.valid_from <= current_date AND (u.valid_to IS NULL OR u.valid_to > current_date)
           ORDER BY u.valid_from DESC LIMIT 1) AS commune_name,
         pl.plot_count, pl.first_plot_id,
         CASE WHEN pl.geom IS NULL THEN NULL ELSE json_build_array(ST_XMin(pl.geom), ST_YMin(pl.geom), ST_XMax(pl.geom), ST_YMax(pl.geom)) END AS bbox,
         count(*) OVER () AS total
  FROM farmers f LEFT JOIN farmer_private fp ON fp.farmer_id = f.id
  CROSS JOIN LATERAL (
    SELECT count(*)::int AS plot_count, min(p.id) AS first_plot_id, ST_Collect(p.geom) AS geom FROM plots p WHERE p.farmer_id = f.id
  ) pl
  WHERE ($1::text[] IS NULL OR f.commune_code = ANY ($1))
    AND ($2::text IS NULL
         OR vn_fold(fp.full_name) LIKE '%' || vn_fold($2) || '%'
         OR fp.phone = $2 OR fp.citizen_id = $2 OR upper(f.lookup_code) = upper($2)
         OR fp.citizen_id = $5 OR regexp_replace(fp.phone, '[^0-9]', '', 'g') = $5)
  ORDER BY fp.full_name IS NULL, vn_sort_key(vn_given_name(fp.full_name)) COLLATE "C", vn_sort_key(fp.full_name) COLLATE "C", f.id
  LIMIT $3 OFFSET $4`;

/**
 * The farmer holding a citizen ID, with personal data (name) and today's name of their commune;
 * $1 the ID as digits, $2 a farmer to leave out (the one being corrected) or NULL.
 */
export const FARMER_BY_CITIZEN_ID = `
  SELECT f.id, f.lookup_code, f.commune_code, f.hamlet, fp.full_name,
         (SELECT u.name FROM admin_units u
           WHERE u.code = f.commune_code AND u.valid_from <= current_date AND (u.valid_to IS NULL OR u.valid_to > current_date)
           ORDER BY u.valid_from DESC LIMIT 1) AS commune_name
  FROM farmer_private fp JOIN farmers f ON f.id = fp.farmer_id
  WHERE fp.citizen_id = $1 AND ($2::bigint IS NULL OR f.id <> $2)
  ORDER BY f.id
  LIMIT 1`;

/** New farmer; $1 lookup code, $2 commune, $3 hamlet. */
export const INSERT_FARMER = `
  INSERT INTO farmers (lookup_code, commune_code, hamlet) VALUES ($1, $2, $3) RETURNING id`;

/** Personal data of a new farmer; $1 id, $2 name, $3 citizen id, $4 phone, $5 address. */
export const INSERT_FARMER_PRIVATE = `
  INSERT INTO farmer_private (farmer_id, full_name, citizen_id, phone, address) VALUES ($1, $2, $3, $4, $5)`;

/** Public side update; $1 id, $2 commune, $3 hamlet. */
export const UPDATE_FARMER = `
  UPDATE farmers SET commune_code = $2, hamlet = $3, version = version + 1 WHERE id = $1`;

/** Personal data update (upsert); $1 id, $2 name, $3 citizen id, $4 phone, $5 address. */
export const UPSERT_FARMER_PRIVATE = `
  INSERT INTO farmer_private (farmer_id, full_name, citizen_id, phone, address) VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT (farmer_id) DO UPDATE SET full_name = $2, citizen_id = $3, phone = $4, address = $5`;

/** The farmer behind a lookup code (case-insensitive, hyphens optional); $1 code. */
export const FARMER_BY_LOOKUP_CODE = `
  SELECT id, commune_code FROM farmers
  WHERE replace(upper(lookup_code), '-', '') = replace(upper($1), '-', '')`;

// A plot as "my plots" lists it: crop with its names, growing area with code and status (and the
// decision that took the code out of force), the cadastral parcel holding most of it (tờ/thửa, so a
// farmer tells two plots of one crop apart) and geometry; no personal data. Geometry at 7 decimals
// (about 1 cm), enough for a phone map.
const MY_PLOT_COLUMNS = `
  SELECT p.id, p.commune_code, p.crop, c.name_vi AS crop_name_vi, c.name_en AS crop_name_en, p.variety,
         p.planting_date, p.expected_harvest, round(p.area_m2::numeric, 1) AS area_m2,
         g.id AS growing_area_id, g.code AS growing_area_code, g.status AS growing_area_status, g.name AS growing_area_name,
         ${statusDecisionColumns('g')},
         (SELECT json_build_object('commune', pa.commune_code, ${parcelCommuneJson('pa')}, 'sheet', pa.sheet, 'parcel', pa.parcel_no)
            FROM plot_parcels pp JOIN parcels pa ON pa.id = pp.parcel_id WHERE pp.plot_id = p.id
            ORDER BY pp.share_m2 DESC, pa.id LIMIT 1) AS main_parcel,
         (SELECT count(*)::int FROM plot_parcels pp WHERE pp.plot_id = p.id) AS parcel_count,
         ST_AsGeoJSON(ST_ForcePolygonCCW(p.geom), 7)::json AS geometry
  FROM plots p
  JOIN crops c ON c.code = p.crop
  LEFT JOIN growing_areas g ON g.id = p.growing_area_id`;

/** A farmer's plots (MY_PLOT_COLUMNS); $1 farmer id. */
export const PLOTS_OF_FARMER = `${MY_PLOT_COLUMNS}
  WHERE p.farmer_id = $1
  ORDER BY p.id`;

/** One page of the plots of some communes (MY_PLOT_COLUMNS); $1 communes (NULL: every commune), $2 limit, $3 offset. */
export const PLOTS_OF_COMMUNES = `${MY_PLOT_COLUMNS}
  WHERE ($1::text[] IS NULL OR p.commune_code = ANY ($1))
  ORDER BY p.id
  LIMIT $2 OFFSET $3`;

/** How many plots some communes hold; $1 communes (NULL: every commune). */
export const COUNT_PLOTS_OF_COMMUNES = `
  SELECT count(*)::int AS total FROM plots WHERE $1::text[] IS NULL OR commune_code = ANY ($1)`;
