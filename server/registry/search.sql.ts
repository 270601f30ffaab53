// SQL of the search box. Each statement returns rows of one kind with a bbox and a center to fly
// to; only SEARCH_OWNERS reads personal data, and the service runs it for staff alone.

const PLACE = (g: string): string => `
  json_build_array(ST_XMin(${g}), ST_YMin(${g}), ST_XMax(${g}), ST_YMax(${g})) AS bbox,
  json_build_array(ST_X(ST_PointOnSurface(${g})), ST_Y(ST_PointOnSurface(${g}))) AS center`;

const UNIT_PREFIX = `'^(Xã|Phường|Thị trấn|Thành phố|TP\\.?|Huyện|Tỉnh|Thị xã)\\s+'`;

/**
 * Parcels by sheet $2 and number $3, in the commune $1 (old or current code or name; NULL = any
 * commune); $4 limit. A current unit stands for the old communes merged into it.
 */
export const SEARCH_PARCEL = `
  WITH RECURSIVE input_units AS (
    SELECT id, code FROM admin_units
    WHERE $1::text IS NOT NULL AND (code = $1 OR vn_fold(name) LIKE '%' || vn_fold(regexp_replace($1, ${UNIT_PREFIX}, '', 'i')) || '%')
  ), back(id, depth) AS (
    -- Walk the lineage backwards (new → old): the old communes whose sheets a unit took in.
    SELECT id, 0 FROM input_units
    UNION
    SELECT l.old_id, b.depth + 1 FROM back b JOIN admin_lineage l ON l.new_id = b.id WHERE b.depth < 20
  ), codes AS (
    SELECT $1::text AS code WHERE $1::text IS NOT NULL
    UNION SELECT u.code FROM back JOIN admin_units u ON u.id = back.id
  )
  SELECT p.id, p.commune_code, p.sheet, p.parcel_no, p.land_use_code, p.address,
         (SELECT name FROM admin_units a WHERE a.code = p.commune_code AND a.valid_from <= p.commune_ref_date
            AND (a.valid_to IS NULL OR a.valid_to > p.commune_ref_date) ORDER BY a.valid_from DESC LIMIT 1) AS commune_name,
         ${PLACE('p.geom')}
  FROM parcels p
  WHERE p.sheet = $2 AND p.parcel_no = $3 AND ($1::text IS NULL OR p.commune_code IN (SELECT code FROM codes))
  ORDER BY p.commune_code
  LIMIT $4`;

// A lot code compacted to capital letters and digits ("odt - 53" → "ODT53"), and with zeros before numbers dropped ("ODT-053" → "ODT53").
const LOT_KEY = `regexp_replace(upper(z.lot_code), '[^A-Z0-9]', '', 'g')`;
const LOT_KEY_UNPADDED = `regexp_replace(${LOT_KEY}, '(^|[A-Z])0+([0-9])', '\\1\\2', 'g')`;

/**
 * Zoning lots of the plans on the map (not superseded) whose compacted code starts with $1, or
 * whose 12-digit information code is $3; an exact code ($2, compacted without leading zeros) comes
 * first, then shorter codes, then in code order. $4 limit.
 */
export const SEARCH_LOTS = `
  SELECT z.id, z.lot_code, z.function, z.land_use_code, z.plan_id, pl.name AS plan_name, pl.scale,
         ((${LOT_KEY_UNPADDED} = $2 OR z.info_code = $3) IS TRUE) AS exact, ${PLACE('z.geom')}
  FROM zoning_lots z JOIN planning_plans pl ON pl.id = z.plan_id
  WHERE pl.status <> 'superseded' AND (${LOT_KEY} LIKE $1 || '%' OR ${LOT_KEY_UNPADDED} = $2 OR z.info_code = $3)
  ORDER BY exact DESC, length(z.lot_code), z.lot_code, pl.id
  LIMIT $4`;

/**
 * What a parcel query's commune $1 (code or name; NULL = none given) names, and whether sheet $2
 * (NULL = not given) exists there (anywhere when no commune was given): the facts of an empty answer.
 */
export const UNDERSTAND_PARCEL = `
  WITH RECURSIVE input_units AS (
    SELECT id, code, name FROM admin_units
    WHERE $1::text IS NOT NULL AND (code = $1 OR vn_fold(name) LIKE '%' || vn_fold(regexp_replace($1, ${UNIT_PREFIX}, '', 'i')) || '%')
  ), back(id, depth) AS (
    SELECT id, 0 FROM input_units
    UNION
    SELECT l.old_id, b.depth + 1 FROM back b JOIN admin_lineage l ON l.new_id = b.id WHERE b.depth < 20
  ), codes AS (
    SELECT u.code FROM back JOIN admin_units u ON u.id = back.id
  )
  SELECT (SELECT u.code FROM input_units u ORDER BY (u.code = $1) DESC, length(u.name), u.code LIMIT 1) AS code,
         (SELECT u.name FROM input_units u ORDER BY (u.code = $1) DESC, length(u.name), u.code LIMIT 1) AS name,
         CASE WHEN $2::int IS NULL OR ($1::text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM input_units)) THEN NULL
              ELSE EXISTS (SELECT 1 FROM parcels p WHERE p.sheet = $2 AND ($1::text IS NULL OR p.commune_code IN (SELECT code FROM codes)))
         END AS sheet_found`;

/**
 * Growing areas whose code starts with $1 (normalised), or holds it when it has four characters or
 * more (people remember the distinctive end: "DTOR-0101", "29869-55"); codes that start with it
 * first. Public fields; $2 limit.
 */
export const SEARCH_CODES = `
  SELECT g.id, g.code, g.status, g.name, g.crop, c.name_vi AS crop_name_vi, c.name_en AS crop_name_en, ${PLACE('g.geom')}
  FROM growing_areas g JOIN crops c ON c.code = g.crop
  WHERE g.code IS NOT NULL AND g.status <> 'superseded' AND g.geom IS NOT NULL
    AND (upper(g.code) LIKE upper($1) || '%' OR (length($1) >= 4 AND upper(g.code) LIKE '%' || upper($1) || '%'))
  ORDER BY upper(g.code) LIKE upper($1) || '%' DESC, g.code
  LIMIT $2`;

/**
 * Growing areas whose name, or registrant's name, matches the accent-insensitive pattern $1
 * (accentInsensitivePattern), as the features API lets the viewer read them: every area for $2 NULL
 * (administrators), else the public statuses $4 anywhere and every status in the viewer's communes $2
 * (a ward officer's drafts and dossiers under review), and a farmer ($3) the areas their plots are in,
 * but not a draft (work in progress is the ward's). A person registrant's name is personal data: it
 * is matched and returned only in the communes $2 (NULL = all); $5 limit. Names that start with the
 * query come first. An empty draft has no geometry: its bbox and center are NULL.
 */
export const SEARCH_AREA_NAMES = `
  SELECT g.id, g.code, g.status, g.name, g.crop, g.commune_code, c.name_vi AS crop_name_vi, c.name_en AS crop_name_en,
         g.registrant_kind = 'person' AS registrant_person,
         CASE WHEN g.name !~ $1 THEN g.registrant_name END AS registrant_name,
         CASE WHEN g.geom IS NULL THEN NULL ELSE json_build_array(ST_XMin(g.geom), ST_YMin(g.geom), ST_XMax(g.geom), ST_YMax(g.geom)) END AS bbox,
         CASE WHEN g.geom IS NULL THEN NULL ELSE json_build_array(ST_X(ST_PointOnSurface(g.geom)), ST_Y(ST_PointOnSurface(g.geom))) END AS center
  FROM growing_areas g JOIN crops c ON c.code = g.crop
  WHERE g.status <> 'superseded'
    AND ($2::text[] IS NULL OR g.status = ANY ($4::text[]) OR g.commune_code = ANY ($2)
         OR (g.status <> 'draft' AND EXISTS (SELECT 1 FROM plots p WHERE p.growing_area_id = g.id AND p.farmer_id = $3::bigint)))
    AND (g.name ~ $1 OR (g.registrant_name ~ $1 AND (g.registrant_kind <> 'person' OR $2::text[] IS NULL OR g.commune_code = ANY ($2))))
  ORDER BY g.name ~ ('^' || $1) DESC, g.name !~ $1, length(g.name), g.id
  LIMIT $5`;

/** Administrative units, old and current, whose name contains $1; each with today's units. $2 limit. */
export const SEARCH_UNITS = `
  SELECT u.id, u.code, u.name, u.level, u.valid_to,
         (u.valid_to IS NULL OR u.valid_to > current_date) AS current,
         to_char(u.valid_to - 1, 'YYYY-MM-DD') AS last_day,
         (SELECT p.name FROM admin_units p WHERE p.id = u.parent_id AND u.level = 'hamlet') AS parent_name,
         -- Where it is today: the communes and wards its lineage leads to; a hamlet's lineage leads to
         -- today's hamlet, which is named by the ward or commune that holds it. Each name once, in a
         -- defined order (the one in force longest first, then by name without accents, then
         -- byte by byte), so PostgreSQL and the embedded database, whose collations differ, say the same.
         (SELECT string_agg(t.name, ', ' ORDER BY t.since, vn_fold(t.name) COLLATE "C", t.name COLLATE "C")
            FROM (SELECT coalesce(holder.name, c.name) AS name, min(coalesce(holder.valid_from, cu.valid_from)) AS since
                    FROM admin_current_units(u.id) c
                    JOIN admin_units cu ON cu.id = c.id
                    LEFT JOIN admin_units own ON own.id = c.id AND c.level = 'hamlet'
                    LEFT JOIN admin_units holder ON holder.id = own.parent_id
                   WHERE c.id <> u.id AND (c.level IN ('ward', 'commune', 'town') OR holder.id IS NOT NULL)
                   GROUP BY 1) t) AS today,
         -- A former hamlet's hamlet of today, by its name: the same name moved to a new ward, or another
         -- name when it was renamed or merged into a neighbour ("Ấp X cũ, nay là Ấp Y"). Ordered as today.
         (SELECT string_agg(t.name, ', ' ORDER BY t.since, vn_fold(t.name) COLLATE "C", t.name COLLATE "C")
            FROM (SELECT c.name, min(cu.valid_from) AS since
                    FROM admin_current_units(u.id) c
                    JOIN admin_units cu ON cu.id = c.id
                   WHERE u.level = 'hamlet' AND c.id <> u.id AND c.level = 'hamlet'
                   GROUP BY 1) t) AS today_hamlet,
         CASE WHEN u.geom IS NULL THEN NULL ELSE json_build_array(ST_XMin(u.geom), ST_YMin(u.geom), ST_XMax(u.geom), ST_YMax(u.geom)) END AS bbox,
         CASE WHEN u.geom IS NULL THEN NULL ELSE json_build_array(ST_X(ST_PointOnSurface(u.geom)), ST_Y(ST_PointOnSurface(u.geom))) END AS center
  FROM admin_units u
  WHERE vn_fold(u.name) LIKE '%' || vn_fold($1) || '%' AND u.level <> 'province'
  ORDER BY (u.valid_to IS NULL) DESC, length(u.name), u.code
  LIMIT $2`;

// The unit a parcel's commune code named on its commune_ref_date, and whether it is a former one
// (places.sql parcelCommuneJson): a sheet and number repeat across the old communes of one ward.
const PARCEL_UNIT = `
  (SELECT a.name FROM admin_units a WHERE a.code = p.commune_code AND a.valid_from <= p.commune_ref_date
     AND (a.valid_to IS NULL OR a.valid_to > p.commune_ref_date) ORDER BY a.valid_from DESC LIMIT 1) AS commune_name,
  (SELECT a.valid_to IS NOT NULL AND a.valid_to <= current_date FROM admin_units a WHERE a.code = p.commune_code
     AND a.valid_from <= p.commune_ref_date AND (a.valid_to IS NULL OR a.valid_to > p.commune_ref_date)
   ORDER BY a.valid_from DESC LIMIT 1) AS commune_former`;

/** Parcels whose address matches the accent-insensitive pattern $1 (accentInsensitivePattern); $2 limit. */
export const SEARCH_ADDRESSES = `
  SELECT p.id, p.commune_code, p.sheet, p.parcel_no, p.land_use_code, p.address, ${PARCEL_UNIT}, ${PLACE('p.geom')}
  FROM parcels p
  WHERE p.address ~ $1
  ORDER BY length(p.address), p.id
  LIMIT $2`;

/**
 * Parcel owners whose name matches the accent-insensitive pattern $1, in today's communes $2 (NULL = all), mapped from the
 * parcel's old commune through the lineage; $3 limit. Personal data: staff only, logged.
 */
export const SEARCH_OWNERS = `
  SELECT o.parcel_id, o.owner_name, p.commune_code, p.sheet, p.parcel_no, p.land_use_code, p.address, ${PARCEL_UNIT}, ${PLACE('p.geom')}
  FROM parcel_owners o JOIN parcels p ON p.id = o.parcel_id
  WHERE o.owner_name ~ $1
    AND ($2::text[] IS NULL OR p.commune_code = ANY ($2) OR EXISTS (
      SELECT 1 FROM admin_units a, admin_current_units(a.id) c
      WHERE a.code = p.commune_code AND a.valid_from <= p.commune_ref_date
        AND (a.valid_to IS NULL OR a.valid_to > p.commune_ref_date) AND c.code = ANY ($2)))
  ORDER BY o.owner_name, p.id
  LIMIT $3`;

/**
 * Farmers of the registry whose name matches the accent-insensitive pattern $1, whose citizen ID or
 * phone is the digits $3, or whose card code is $4 (hyphens and case aside), in today's communes $2
 * (NULL = all), with the extent of their plots and the first of them (the card the hit opens). A
 * farmer with no plot yet is found too (an officer searching for the farmer just registered): plots
 * 0, first_plot, bbox and center NULL. $5 limit. Personal data: staff only, logged.
 */
export const SEARCH_FARMERS = `
  SELECT f.id, f.lookup_code, f.commune_code, f.hamlet, fp.full_name, pl.plots, pl.first_plot,
         (SELECT u.name FROM admin_units u
           WHERE u.code = f.commune_code AND u.valid_from <= current_date AND (u.valid_to IS NULL OR u.valid_to > current_date)
           ORDER BY u.valid_from DESC LIMIT 1) AS commune_name,
         CASE WHEN pl.geom IS NULL THEN NULL ELSE json_build_array(ST_XMin(pl.geom), ST_YMin(pl.geom), ST_XMax(pl.geom), ST_YMax(pl.geom)) END AS bbox,
         CASE WHEN pl.geom IS NULL THEN NULL ELSE json_build_array(ST_X(ST_PointOnSurface(pl.geom)), ST_Y(ST_PointOnSurface(pl.geom))) END AS center
  FROM farmers f
  JOIN farmer_private fp ON fp.farmer_id = f.id
  CROSS JOIN LATERAL (
    SELECT count(*)::int AS plots, min(p.id) AS first_plot, ST_Collect(p.geom) AS geom FROM plots p WHERE p.farmer_id = f.id
  ) pl
  WHERE ($2::text[] IS NULL OR f.commune_code = ANY ($2))
    AND (fp.full_name ~ $1
         OR ($3::text IS NOT NULL AND (fp.citizen_id = $3 OR regexp_replace(fp.phone, '[^0-9]', '', 'g') = $3))
         OR replace(upper(f.lookup_code), '-', '') = replace(upper($4), '-', ''))
  ORDER BY fp.full_name, f.id
  LIMIT $5`;
