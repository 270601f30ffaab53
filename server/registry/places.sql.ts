// SQL of where a plot lies: the hamlet (ấp, khóm) that holds it, from the administrative units the
// place lookup (lookup.sql.ts UNITS_AT) and the map's hamlet labels read. Never the farmer's
// address: a farmer of Ấp Tân Hậu may farm in Ấp Tân Dinh, and an EUDR file names the plot's place.

/**
 * A LATERAL subquery (columns hamlet_name, hamlet_commune) of the hamlet in force today that holds
 * the interior point of geometry `geom` (an SQL expression of ours, never user input), with the
 * name of the ward or commune it belongs to; no row when no hamlet covers it. The interior point
 * (ST_PointOnSurface) puts a plot crossing a hamlet line in one hamlet, as a surveyor would.
 */
export function hamletOf(geom: string): string {
  return `(SELECT h.name AS hamlet_name, pu.name AS hamlet_commune
           FROM admin_units h
           LEFT JOIN admin_units pu ON pu.id = h.parent_id
           WHERE h.level = 'hamlet' AND (h.valid_to IS NULL OR h.valid_to > current_date)
             AND h.geom && ${geom} AND ST_Intersects(h.geom, ST_PointOnSurface(${geom}))
           ORDER BY h.code LIMIT 1)`;
}

/** A scalar subquery of the name of the hamlet holding geometry `geom` (see hamletOf); NULL when none covers it. */
export function hamletNameOf(geom: string): string {
  return `(SELECT x.hamlet_name FROM ${hamletOf(geom)} x)`;
}

/**
 * json_build_object pairs that name the commune of parcel alias `pa` (an alias of ours, never user
 * input) as its survey knew it: 'communeName', the unit its code named on the parcel's
 * commune_ref_date (29869 was Phường 1 then, Phường Cao Lãnh now), and 'communeFormer', whether that
 * unit is no longer in force (merged on 01/07/2025). A sheet and parcel number repeat across the old
 * communes of one ward (DOMAIN.md): people are told "Tờ 6 thửa 192, Xã Tân Thuận Tây cũ".
 */
export function parcelCommuneJson(pa: string): string {
  const unit = `FROM admin_units a WHERE a.code = ${pa}.commune_code AND a.valid_from <= ${pa}.commune_ref_date
                  AND (a.valid_to IS NULL OR a.valid_to > ${pa}.commune_ref_date) ORDER BY a.valid_from DESC LIMIT 1`;
  return `'communeName', (SELECT a.name ${unit}),
          'communeFormer', (SELECT a.valid_to IS NOT NULL AND a.valid_to <= current_date ${unit})`;
}

/**
 * The same facts as parcelCommuneJson as two columns, commune_name and commune_former, for a SELECT
 * list over parcel alias `pa` (an alias of ours, never user input).
 */
export function parcelCommuneColumns(pa: string): string {
  const unit = `FROM admin_units a WHERE a.code = ${pa}.commune_code AND a.valid_from <= ${pa}.commune_ref_date
                  AND (a.valid_to IS NULL OR a.valid_to > ${pa}.commune_ref_date) ORDER BY a.valid_from DESC LIMIT 1`;
  return `(SELECT a.name ${unit}) AS commune_name,
          (SELECT a.valid_to IS NOT NULL AND a.valid_to <= current_date ${unit}) AS commune_former`;
}
