// SQL of the growing-areas feature: profiles, member plots, lifecycle transitions and re-issues.
import { SQL_VIETNAM_TODAY } from '../domain/vietnam-time.ts';
import { TRANSITION_DOCUMENTS } from './area-documents.sql.ts';
import { hamletNameOf, parcelCommuneColumns, parcelCommuneJson } from './places.sql.ts';

// What statusDecision reads of the move, by the name it is read as.
const STATUS_DECISION_FIELDS = {
  decision_no: 'sd.decision_no',
  // The day the decision was signed, as the officer recorded it (migration 018), not the day it was recorded.
  decided_on: `to_char(sd.decided_on, 'YYYY-MM-DD')`,
  reason: 'sd.note',
} as const;

/**
 * SQL of one fact of the decision that took the code of area `alias` out of force, while it is out
 * (suspended or revoked): the latest recorded move of this version into its status, its decision
 * number, its day (the decision's own, YYYY-MM-DD) or the reason given. NULL in any other status. Built from
 * our constants only.
 */
export function statusDecision(alias: string, field: keyof typeof STATUS_DECISION_FIELDS): string {
  // The move's alias is one no caller uses for the area (the features API calls it t).
  return `(SELECT ${STATUS_DECISION_FIELDS[field]} FROM growing_area_transitions sd
     WHERE sd.growing_area_id = ${alias}.id AND sd.to_status = ${alias}.status AND ${alias}.status IN ('suspended', 'revoked')
     ORDER BY sd.at DESC, sd.id DESC LIMIT 1)`;
}

/** The three facts of statusDecision of area `alias` as columns status_decision_no, status_decided_on, status_reason. */
export function statusDecisionColumns(alias: string): string {
  return `${statusDecision(alias, 'decision_no')} AS status_decision_no, ${statusDecision(alias, 'decided_on')} AS status_decided_on,
  ${statusDecision(alias, 'reason')} AS status_reason`;
}

/**
 * SQL of the number of member plots of area `alias`: those it recorded when it closed (revoked or
 * superseded, migration 017), else those naming it now. Built from our constants only.
 */
export function memberCount(alias: string): string {
  return `(SELECT count(*) FROM growing_area_members(${alias}.id))`;
}

const AREA_COLUMNS = `
  g.id, g.lineage_id, g.version_no, g.previous_id, g.code, g.scheme, g.markets, g.name, g.crop,
  c.name_vi AS crop_name_vi, c.name_en AS crop_name_en, c.crop_type, c.min_area_m2,
  g.variety, g.status, g.registrant_kind, g.registrant_name, g.registrant_contact, g.technical_officer,
  g.commune_code, u.name AS commune_name, g.households, g.harvests_per_year, g.expected_yield_tonnes,
  g.standard, g.certificates, g.decision_no, g.issued_on, round(g.area_m2::numeric, 1) AS area_m2,
  g.version, g.created_by, g.updated_at,
  ${statusDecisionColumns('g')},
  ${memberCount('g')} AS plot_count,
  CASE WHEN g.geom IS NULL THEN NULL ELSE
    json_build_array(ST_XMin(g.geom), ST_YMin(g.geom), ST_XMax(g.geom), ST_YMax(g.geom)) END AS bbox`;

const AREA_FROM = `
  FROM growing_areas g
  JOIN crops c ON c.code = g.crop
  LEFT JOIN LATERAL (
    SELECT name FROM admin_units a
    WHERE a.code = g.commune_code AND (a.valid_to IS NULL OR a.valid_to > current_date)
    ORDER BY a.valid_from DESC LIMIT 1) u ON true`;

/** One growing area with its crop and commune; $1 id. Rings as RFC 7946 wants them (the union of plots comes out clockwise). */
export const AREA_BY_ID = `SELECT ${AREA_COLUMNS}, ST_AsGeoJSON(ST_ForcePolygonCCW(g.geom), 7)::json AS geometry ${AREA_FROM} WHERE g.id = $1`;

/** The same row locked for a change; $1 id. */
export const LOCK_AREA = `SELECT id, lineage_id, version_no, status, scheme, crop, commune_code, code, markets, version FROM growing_areas WHERE id = $1 FOR UPDATE`;

/** Areas in communes $1 (NULL = all) filtered by $2 status, $3 crop, $4 scheme; $5 limit, $6 offset. */
export const LIST_AREAS = `
  SELECT ${AREA_COLUMNS}, count(*) OVER () AS total ${AREA_FROM}
  WHERE ($1::text[] IS NULL OR g.commune_code = ANY ($1))
    AND ($2::text IS NULL OR g.status = $2)
    AND ($3::text IS NULL OR g.crop = $3)
    AND ($4::text IS NULL OR g.scheme = $4)
  ORDER BY g.commune_code, g.id
  LIMIT $5 OFFSET $6`;

/** The crop catalogue row; $1 code. */
export const CROP = `SELECT code, name_vi, name_en, crop_type, min_area_m2 FROM crops WHERE code = $1`;

/** A new draft whose lineage is itself (the first version); parameters in column order. */
export const INSERT_AREA = `
  WITH n AS (SELECT nextval(pg_get_serial_sequence('growing_areas', 'id')) AS id)
  INSERT INTO growing_areas (id, lineage_id, scheme, markets, name, crop, variety, registrant_kind, registrant_name,
    registrant_contact, technical_officer, commune_code, households, harvests_per_year, expected_yield_tonnes,
    standard, certificates, created_by)
  SELECT n.id, n.id, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16 FROM n
  RETURNING id`;

/** Profile update of a draft; $1 id, then the editable fields. */
export const UPDATE_AREA_PROFILE = `
  UPDATE growing_areas SET scheme = $2, markets = $3, name = $4, crop = $5, variety = $6, registrant_kind = $7,
    registrant_name = $8, registrant_contact = $9, technical_officer = $10, households = $11,
    harvests_per_year = $12, expected_yield_tonnes = $13, standard = $14, certificates = $15,
    version = version + 1, updated_at = now()
  WHERE id = $1`;

/** Plots by id with their farmer's commune and current area, locked; $1 bigint[]. */
export const LOCK_PLOTS = `
  SELECT p.id, p.crop, p.commune_code, p.growing_area_id, p.area_m2, g.status AS area_status
  FROM plots p LEFT JOIN growing_areas g ON g.id = p.growing_area_id
  WHERE p.id = ANY ($1::bigint[]) ORDER BY p.id FOR UPDATE OF p`;

/** Puts plots $2 into area $1 (the plots trigger refreshes the area's geometry and sum). */
export const ATTACH_PLOTS = `UPDATE plots SET growing_area_id = $1, version = version + 1, updated_at = now() WHERE id = ANY ($2::bigint[])`;

/** Takes plot $2 out of area $1. */
export const DETACH_PLOT = `UPDATE plots SET growing_area_id = NULL, version = version + 1, updated_at = now() WHERE id = $2 AND growing_area_id = $1`;

/** Member plots of an area with crop and area; $1 id. */
export const AREA_PLOTS = `SELECT id, crop, area_m2 FROM plots WHERE growing_area_id = $1 ORDER BY id`;

/**
 * Member plots with farmer (personal data: staff only) and cadastral links; $1 id. A closed version
 * (revoked, superseded) lists the plots it had when it closed, with the farmer, crop, area and outline
 * of then; current_growing_area_id says where each plot is now (NULL: in none, or deleted since).
 * Geometry at 7 decimals (about 1 cm).
 */
export const AREA_PLOTS_DETAIL = `
  SELECT m.plot_id AS id, m.farmer_id, fp.full_name AS farmer_name, ${hamletNameOf('m.geom')} AS hamlet,
         coalesce(p.commune_code, (SELECT a.commune_code FROM growing_areas a WHERE a.id = $1)) AS commune_code, m.crop, m.variety,
         p.planting_date, p.expected_harvest, round(m.area_m2::numeric, 1) AS area_m2,
         coalesce((SELECT json_agg(json_build_object('parcelId', pa.id, 'commune', pa.commune_code, ${parcelCommuneJson('pa')}, 'sheet', pa.sheet,
                    'parcel', pa.parcel_no, 'shareM2', round(pp.share_m2::numeric, 1), 'sharePct', round(pp.share_pct::numeric, 2))
                    ORDER BY pp.share_m2 DESC)
                   FROM plot_parcels pp JOIN parcels pa ON pa.id = pp.parcel_id WHERE pp.plot_id = m.plot_id), '[]'::json) AS parcels,
         p.growing_area_id AS current_growing_area_id,
         ST_AsGeoJSON(ST_ForcePolygonCCW(m.geom), 7)::json AS geometry
  FROM growing_area_members($1) m
  LEFT JOIN plots p ON p.id = m.plot_id
  LEFT JOIN farmer_private fp ON fp.farmer_id = m.farmer_id
  ORDER BY m.plot_id`;

/**
 * Member plots of draft $1 without a farmer, each with its main cadastral parcel (the largest share,
 * as the card names a plot: "Tờ 8 thửa 63, Xã Tân Thuận Tây cũ", with the commune of its survey as
 * parcelCommuneColumns names it; null when it covers none); the submit's check.
 */
export const PLOTS_WITHOUT_FARMER = `
  SELECT p.id, main.commune_code AS commune, main.commune_name AS "communeName", main.commune_former AS "communeFormer",
         main.sheet, main.parcel_no AS parcel
  FROM plots p
  LEFT JOIN LATERAL (SELECT pa.commune_code, ${parcelCommuneColumns('pa')}, pa.sheet, pa.parcel_no
                     FROM plot_parcels pp JOIN parcels pa ON pa.id = pp.parcel_id
                     WHERE pp.plot_id = p.id ORDER BY pp.share_m2 DESC, pa.id LIMIT 1) main ON true
  WHERE p.growing_area_id = $1 AND p.farmer_id IS NULL
  ORDER BY p.id`;

/** The profile fields of area $1 a dossier needs (DOSSIER_FIELDS), as stored. */
export const DOSSIER_PROFILE = `SELECT households, technical_officer, expected_yield_tonnes FROM growing_areas WHERE id = $1`;

/** Records the member plots of area $1 as they are, in the transaction that revokes or supersedes it (close_growing_area, migration 017). */
export const CLOSE_AREA = `SELECT close_growing_area($1)`;

/** Recomputes the cadastral links of plots $1 (link_plot_parcels, migration 008: geodesic m² and % per parcel). */
export const LINK_PLOT_PARCELS = `SELECT link_plot_parcels(id) FROM unnest($1::bigint[]) AS id`;

/** The latest concluded inspection of an area, with what a pass/fail weighs in it (checklist, notes, photo count); $1 id. */
export const LATEST_CONCLUSION = `
  SELECT i.id, i.conclusion, i.checklist, i.notes,
         (SELECT count(*)::int FROM inspection_photos ph WHERE ph.inspection_id = i.id) AS photo_count
  FROM inspections i WHERE i.growing_area_id = $1 AND i.conclusion IS NOT NULL
  ORDER BY i.inspected_on DESC, i.id DESC LIMIT 1`;

/** A live (not superseded) area of another lineage holding code $1; $2 lineage to ignore. */
export const CODE_HOLDER = `
  SELECT id, status FROM growing_areas WHERE upper(code) = upper($1) AND status <> 'superseded' AND lineage_id <> $2 LIMIT 1`;

/**
 * Moves area $1 to status $2; on issue or approval sets the code ($3), the issuing decision ($4) and
 * the issue date: the decision's day $5 (YYYY-MM-DD), else today in Vietnam. The area's decision
 * stays the one that issued its code: a suspension, a restore or a revocation is recorded with its
 * own decision in the transitions.
 */
export const SET_STATUS = `
  UPDATE growing_areas SET status = $2,
    code = coalesce($3, code),
    decision_no = CASE WHEN $2 IN ('issued', 'approved') THEN $4 ELSE decision_no END,
    issued_on = CASE WHEN $2 IN ('issued', 'approved') THEN coalesce($5::date, ${SQL_VIETNAM_TODAY}) ELSE issued_on END,
    version = version + 1, updated_at = now()
  WHERE id = $1`;

/**
 * Records a transition; $1 area, $2 from, $3 to, $4 actor, $5 decision, $6 note, $7 attachments
 * (json), $8 the decision's day (YYYY-MM-DD; NULL: the day it is recorded, in Vietnam, migration 018).
 */
export const INSERT_TRANSITION = `
  INSERT INTO growing_area_transitions (growing_area_id, from_status, to_status, actor_id, decision_no, note, attachments, decided_on)
  VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::date)
  RETURNING id, growing_area_id, from_status, to_status, actor_id, at, decision_no, note, attachments,
    to_char(decided_on, 'YYYY-MM-DD') AS decided_on`;

/**
 * What a decision on area $1 may not be dated before (YYYY-MM-DD, NULL when unknown): the day its
 * dossier was created (the edit log's insert of the row, else its first recorded move: the seed
 * writes no log), the day its code was issued, and the day of the latest decision recorded on it
 * (an issue, an approval, a suspension, a restore, a revocation).
 */
export const DECISION_BOUNDS = `
  SELECT
    to_char(least(
      (SELECT min((e.at AT TIME ZONE INTERVAL '+07:00')::date) FROM edit_log e
        WHERE e.collection = 'growing_areas' AND e.feature_id = g.id::text AND e.action = 'insert'),
      (SELECT min(t.decided_on) FROM growing_area_transitions t WHERE t.growing_area_id = g.id)), 'YYYY-MM-DD') AS dossier_on,
    -- The inspection that passed the area: the latest concluded 'pass' recorded by its move to
    -- inspected_pass (an export area's later supervision while forwarded does not count).
    (SELECT to_char(i.inspected_on, 'YYYY-MM-DD') FROM inspections i
      WHERE i.growing_area_id = g.id AND i.conclusion = 'pass'
        AND i.created_at <= coalesce((SELECT max(t.at) FROM growing_area_transitions t
                                       WHERE t.growing_area_id = g.id AND t.to_status = 'inspected_pass'), now())
      ORDER BY i.inspected_on DESC, i.id DESC LIMIT 1) AS passed_on,
    to_char(g.issued_on, 'YYYY-MM-DD') AS issued_on,
    (SELECT to_char(max(t.decided_on), 'YYYY-MM-DD') FROM growing_area_transitions t
      WHERE t.growing_area_id = g.id
        AND (t.to_status IN ('issued', 'approved', 'suspended', 'revoked') OR (t.to_status = 'active' AND t.from_status = 'suspended'))
    ) AS previous_on
  FROM growing_areas g WHERE g.id = $1`;

/** The transitions of every version of a lineage, oldest first, each with the uploaded documents it carries; $1 lineage id. */
export const LINEAGE_HISTORY = `
  SELECT t.id, t.growing_area_id, g.version_no, t.from_status, t.to_status, t.actor_id,
         u.display_name AS actor_name, t.at, to_char(t.decided_on, 'YYYY-MM-DD') AS decided_on, t.decision_no, t.note, t.attachments,
         ${TRANSITION_DOCUMENTS} AS documents
  FROM growing_area_transitions t
  JOIN growing_areas g ON g.id = t.growing_area_id
  LEFT JOIN users u ON u.id = t.actor_id
  WHERE g.lineage_id = $1
  ORDER BY t.at, t.id`;

/** The versions of a lineage; $1 lineage id. */
export const LINEAGE_VERSIONS = `
  SELECT id, version_no, status, code, decision_no, issued_on, updated_at, round(g.area_m2::numeric, 1) AS area_m2,
         ${memberCount('g')} AS plot_count
  FROM growing_areas g WHERE lineage_id = $1 ORDER BY version_no`;

/** Copies version $1 into a new draft version of the same lineage; $2 creator. */
export const INSERT_REISSUE = `
  INSERT INTO growing_areas (lineage_id, version_no, previous_id, scheme, markets, name, crop, variety, registrant_kind,
    registrant_name, registrant_contact, technical_officer, commune_code, households, harvests_per_year,
    expected_yield_tonnes, standard, certificates, created_by)
  SELECT lineage_id, (SELECT max(version_no) + 1 FROM growing_areas x WHERE x.lineage_id = g.lineage_id), id, scheme, markets,
    name, crop, variety, registrant_kind, registrant_name, registrant_contact, technical_officer, commune_code,
    households, harvests_per_year, expected_yield_tonnes, standard, certificates, $2
  FROM growing_areas g WHERE id = $1
  RETURNING id, version_no`;

/** Moves every plot of area $1 to area $2. */
export const MOVE_PLOTS = `UPDATE plots SET growing_area_id = $2, version = version + 1, updated_at = now() WHERE growing_area_id = $1`;

/** Every code ever given (superseded ones too, so a number is never handed out twice). */
export const ALL_CODES = `SELECT code FROM growing_areas WHERE code IS NOT NULL`;
