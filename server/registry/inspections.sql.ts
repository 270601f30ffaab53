// SQL of inspections (biên bản kiểm tra) and their geotagged photos.

/**
 * A new inspection; $1 area, $2 inspector, $3 date, $4 checklist (json), $5 conclusion, $6 notes,
 * $7 idempotency key and $8 SHA-256 of the request's content (both null without a key).
 */
export const INSERT_INSPECTION = `
  INSERT INTO inspections (growing_area_id, inspector_id, inspected_on, checklist, conclusion, notes, idempotency_key, content_sha256)
  VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8)
  RETURNING id`;

/** The inspection an area holds under an idempotency key, its officer and content hash; $1 area, $2 key. */
export const INSPECTION_BY_KEY = `
  SELECT id, inspector_id, content_sha256 FROM inspections WHERE growing_area_id = $1 AND idempotency_key = $2`;

const INSPECTION_COLUMNS = `
  i.id, i.growing_area_id, i.inspector_id, u.display_name AS inspector_name, i.inspected_on, i.checklist,
  i.conclusion, i.notes, i.created_at,
  coalesce((SELECT json_agg(json_build_object('id', ph.id, 'mime', ph.mime, 'bytes', ph.bytes,
             'takenAt', ph.taken_at, 'takenAtSource', ph.taken_at_source,
             'lon', round(ST_X(ph.geom)::numeric, 7), 'lat', round(ST_Y(ph.geom)::numeric, 7),
             'positionSource', ph.position_source) ORDER BY ph.id)
            FROM inspection_photos ph WHERE ph.inspection_id = i.id), '[]'::json) AS photos`;

/** One inspection with its photos and the commune of its area; $1 id. */
export const INSPECTION_BY_ID = `
  SELECT ${INSPECTION_COLUMNS}, g.commune_code
  FROM inspections i JOIN growing_areas g ON g.id = i.growing_area_id LEFT JOIN users u ON u.id = i.inspector_id
  WHERE i.id = $1`;

/** Inspections of an area, newest first; $1 area id. */
export const INSPECTIONS_OF_AREA = `
  SELECT ${INSPECTION_COLUMNS}
  FROM inspections i LEFT JOIN users u ON u.id = i.inspector_id
  WHERE i.growing_area_id = $1
  ORDER BY i.inspected_on DESC, i.id DESC`;

/**
 * A photo record; $1 inspection, $2 path, $3 mime, $4 bytes, $5 taken at, $6 lon, $7 lat, $8 idempotency
 * key (or null), $9 SHA-256 of the bytes (hex), $10 where the position came from ('photo' | 'device',
 * null without one), $11 where the time came from ('photo' | 'file', null without one). No row comes
 * back when the inspection already holds the key: the unique index, not an earlier read, decides
 * between two attempts sent together.
 */
export const INSERT_PHOTO = `
  INSERT INTO inspection_photos (inspection_id, file_path, mime, bytes, taken_at, geom, idempotency_key, content_sha256,
                                 position_source, taken_at_source)
  VALUES ($1, $2, $3, $4, $5::timestamptz,
          CASE WHEN $6::float8 IS NULL OR $7::float8 IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint($6, $7), 4326) END,
          $8, $9, $10, $11)
  ON CONFLICT (inspection_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
  RETURNING id`;

/** The photo an inspection holds under an idempotency key, and whether its bytes hash the same; $1 inspection, $2 key, $3 SHA-256 (hex). */
export const PHOTO_BY_KEY = `
  SELECT id, content_sha256 = $3 AS same_bytes FROM inspection_photos WHERE inspection_id = $1 AND idempotency_key = $2`;

/** A photo's file; $1 inspection, $2 photo id. */
export const PHOTO_FILE = `SELECT file_path, mime, bytes FROM inspection_photos WHERE inspection_id = $1 AND id = $2`;
