// SQL about administrative units used by the registry: today's units and the lineage from old ones.

/** Today's unit with this code (valid now), if any; $1 code. */
export const CURRENT_UNIT_BY_CODE = `
  SELECT id, code, name, level FROM admin_units
  WHERE code = $1 AND valid_from <= current_date AND (valid_to IS NULL OR valid_to > current_date)
  ORDER BY valid_from DESC LIMIT 1`;

/**
 * Units whose folded name matches $1 (old or current), each with today's units it became
 * (admin_current_units follows the lineage); $2 limit.
 */
export const UNITS_BY_NAME = `
  SELECT u.id, u.code, u.name, u.level, u.valid_from, u.valid_to,
         (u.valid_to IS NULL OR u.valid_to > current_date) AS current,
         coalesce((SELECT json_agg(json_build_object('code', c.code, 'name', c.name, 'level', c.level) ORDER BY c.code)
                   FROM admin_current_units(u.id) c WHERE c.level NOT IN ('province', 'hamlet')), '[]'::json) AS today
  FROM admin_units u
  WHERE vn_fold(u.name) LIKE '%' || vn_fold($1) || '%'
     OR vn_fold(regexp_replace(u.name, '^(Xã|Phường|Thị trấn|Thành phố|Huyện|Tỉnh|Ấp|Thị xã)\\s+', '', 'i')) = vn_fold($1)
  ORDER BY (u.valid_to IS NULL) DESC, length(u.name), u.code
  LIMIT $2`;

/** Today's commune/ward codes an old parcel commune code (valid on its date) now belongs to; $1 code, $2 date. */
export const CURRENT_COMMUNES_OF_OLD_CODE = `
  SELECT DISTINCT c.code
  FROM admin_units u, admin_current_units(u.id) c
  WHERE u.code = $1 AND u.valid_from <= $2::date AND (u.valid_to IS NULL OR u.valid_to > $2::date)
    AND c.level IN ('ward', 'commune', 'town')`;
