// SQL of plot records kept by the registry: the plot profile, farm diary and residue tests.
import { parcelCommuneJson } from './places.sql.ts';

/** A plot with its area's markets and the farmer's commune; $1 id. */
export const PLOT_CONTEXT = `
  SELECT p.id, p.farmer_id, p.commune_code, p.crop, p.expected_harvest, p.growing_area_id,
         coalesce(g.markets, '{}') AS markets
  FROM plots p LEFT JOIN growing_areas g ON g.id = p.growing_area_id
  WHERE p.id = $1`;

/** The plot profile without personal data; $1 id. */
export const PLOT_PROFILE = `
  SELECT p.id, p.farmer_id, p.commune_code, p.crop, c.name_vi AS crop_name_vi, c.name_en AS crop_name_en, p.variety,
         p.planting_date, p.expected_harvest, round(p.area_m2::numeric, 1) AS area_m2, p.growing_area_id,
         g.code AS growing_area_code, g.status AS growing_area_status, coalesce(g.markets, '{}') AS markets,
         coalesce((SELECT json_agg(json_build_object('parcelId', pa.id, 'commune', pa.commune_code, ${parcelCommuneJson('pa')}, 'sheet', pa.sheet,
                    'parcel', pa.parcel_no, 'landUseCode', pa.land_use_code,
                    'shareM2', round(pp.share_m2::numeric, 1), 'sharePct', round(pp.share_pct::numeric, 2))
                    ORDER BY pp.share_m2 DESC)
                   FROM plot_parcels pp JOIN parcels pa ON pa.id = pp.parcel_id WHERE pp.plot_id = p.id), '[]'::json) AS parcels,
         ST_AsGeoJSON(ST_ForcePolygonCCW(p.geom), 7)::json AS geometry
  FROM plots p JOIN crops c ON c.code = p.crop LEFT JOIN growing_areas g ON g.id = p.growing_area_id
  WHERE p.id = $1`;

/** Allowed-substance rows for the markets $1 (text[]). */
export const SUBSTANCE_RULES = `
  SELECT active_ingredient, market, allowed, mrl_mg_kg FROM allowed_substances WHERE market = ANY ($1::text[])`;

/**
 * A diary entry with its verdict; $1 plot … $9 creator, $10 problems (JSON text of DiaryProblem[]),
 * $11 dose figure and $12 its unit (both NULL for none, or for an older client's free-text $5),
 * $13 the client's idempotency key and $14 the SHA-256 of the entry's content (both NULL without a
 * key). A key the plot holds already inserts nothing (and returns no row): DIARY_BY_KEY finds that one.
 */
export const INSERT_DIARY = `
  INSERT INTO diary_entries (plot_id, applied_on, pesticide, active_ingredient, dose, phi_days, flagged, flag_reason, created_by, problems,
                             dose_amount, dose_unit, idempotency_key, content_sha256)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12, $13, $14)
  ON CONFLICT (plot_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
  RETURNING id, plot_id, applied_on, pesticide, active_ingredient, dose, dose_amount, dose_unit, phi_days, flagged, flag_reason, created_at`;

/** The diary entry a plot holds under an idempotency key, with who wrote it and the digest of its content; $1 plot, $2 key. */
export const DIARY_BY_KEY = `
  SELECT id, plot_id, applied_on, pesticide, active_ingredient, dose, dose_amount, dose_unit, phi_days, flagged, flag_reason, problems, created_at,
         created_by, content_sha256
  FROM diary_entries WHERE plot_id = $1 AND idempotency_key = $2`;

/** A plot's diary, newest first, with the problems recorded at write time (migration 011); $1 plot. */
export const DIARY_OF_PLOT = `
  SELECT id, plot_id, applied_on, pesticide, active_ingredient, dose, dose_amount, dose_unit, phi_days, flagged, flag_reason, problems, created_at
  FROM diary_entries WHERE plot_id = $1 ORDER BY applied_on DESC, id DESC`;

/**
 * Allowed-substance rows of the markets $1 (text[]; NULL: every market), by ingredient then VN first,
 * then market (byte order: the same on every database's collation).
 */
export const SUBSTANCE_LIST = `
  SELECT active_ingredient, market, allowed, mrl_mg_kg, note
  FROM allowed_substances
  WHERE $1::text[] IS NULL OR market = ANY ($1::text[])
  ORDER BY lower(active_ingredient) COLLATE "C", active_ingredient COLLATE "C", market <> 'VN', market COLLATE "C"`;

/** Every market the lists name; for the answer without a filter. */
export const SUBSTANCE_MARKETS = `SELECT DISTINCT market FROM allowed_substances`;

/** A residue test; $1 plot … $6 passed. */
export const INSERT_RESIDUE = `
  INSERT INTO residue_tests (plot_id, sampled_on, lab, active_ingredient, result_mg_kg, passed)
  VALUES ($1, $2, $3, $4, $5, $6)
  RETURNING id, plot_id, sampled_on, lab, active_ingredient, result_mg_kg, passed`;

/** A plot's residue tests, newest first; $1 plot. */
export const RESIDUES_OF_PLOT = `
  SELECT id, plot_id, sampled_on, lab, active_ingredient, result_mg_kg, passed
  FROM residue_tests WHERE plot_id = $1 ORDER BY sampled_on DESC, id DESC`;

/** Diary entries without recorded problems (written in bulk, not through the registry), with what the verdict needs. */
export const DIARY_UNSETTLED = `
  SELECT d.id, d.applied_on, d.active_ingredient, d.phi_days, p.expected_harvest, coalesce(g.markets, '{}') AS markets
  FROM diary_entries d JOIN plots p ON p.id = d.plot_id LEFT JOIN growing_areas g ON g.id = p.growing_area_id
  WHERE d.problems IS NULL ORDER BY d.id`;

/** Every allowed-substance row. */
export const ALL_SUBSTANCE_RULES = `SELECT active_ingredient, market, allowed, mrl_mg_kg FROM allowed_substances`;

/** Writes verdicts; $1 ids, $2 flagged, $3 flag_reason, $4 problems (JSON text), element by element. */
export const SETTLE_DIARY = `
  UPDATE diary_entries d SET flagged = u.flagged, flag_reason = u.reason, problems = u.problems::jsonb
  FROM unnest($1::bigint[], $2::boolean[], $3::text[], $4::text[]) AS u(id, flagged, reason, problems)
  WHERE d.id = u.id`;
