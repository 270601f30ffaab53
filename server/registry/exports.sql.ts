// SQL of the exports: growing-area profiles, EUDR plot lists and the dashboard statistics.
import { hamletOf } from './places.sql.ts';

/**
 * Plots for an EUDR file: by growing area $1, or every plot in communes $2 (NULL = all) when $1 is
 * NULL. The producer is the farmer (personal data: staff only) or, failing that, the registrant.
 * The place is where the plot lies (its hamlet and that hamlet's ward, else its commune alone),
 * never the farmer's home hamlet. With each plot, its growing area's code and status, so a file of
 * a suspended or revoked area says so. Geometry at full precision; the builder writes 6 decimals.
 *
 * An area's file lists its members (growing_area_members, migration 017): a revoked or superseded
 * version lists the plots it had when it closed, with the farmer, area and outline of then, and the
 * code and status of that version, not those of the area a plot has joined since (after a
 * revocation its plots go to new dossiers; the file of the revoked code must still say which land it
 * covered). The communes' file lists the plots as they are, each with the area it is in now.
 */
export const EUDR_PLOTS = `
  WITH listed AS (
    SELECT m.plot_id AS id, m.farmer_id, m.area_m2, m.geom, $1::bigint AS growing_area_id
    FROM growing_area_members($1::bigint) m
    WHERE $1::bigint IS NOT NULL
    UNION ALL
    SELECT p.id, p.farmer_id, p.area_m2, p.geom, p.growing_area_id
    FROM plots p
    WHERE $1::bigint IS NULL AND ($2::text[] IS NULL OR p.commune_code = ANY ($2))
  )
  SELECT l.id, coalesce(fp.full_name, g.registrant_name) AS producer_name, l.farmer_id,
         concat_ws(', ', hm.hamlet_name, coalesce(hm.hamlet_commune, u.name), 'Đồng Tháp') AS production_place,
         g.code AS growing_area_code, g.status AS growing_area_status,
         l.area_m2 / 10000.0 AS area_ha,
         ST_AsGeoJSON(l.geom)::json AS geometry
  FROM listed l
  LEFT JOIN plots p ON p.id = l.id
  LEFT JOIN growing_areas g ON g.id = l.growing_area_id
  LEFT JOIN farmer_private fp ON fp.farmer_id = l.farmer_id
  LEFT JOIN LATERAL ${hamletOf('l.geom')} hm ON true
  -- A recorded plot deleted since is placed by its area's commune.
  LEFT JOIN LATERAL (SELECT name FROM admin_units a WHERE a.code = coalesce(p.commune_code, g.commune_code)
                     AND (a.valid_to IS NULL OR a.valid_to > current_date)
                     ORDER BY a.valid_from DESC LIMIT 1) u ON true
  ORDER BY l.id
  LIMIT 100000`;

/** Statistics of live growing areas per commune, crop and status, for the operations centre. */
export const AREA_STATISTICS = `
  SELECT g.commune_code, u.name AS commune_name, g.crop, c.name_vi AS crop_name_vi, c.name_en AS crop_name_en, g.status,
         count(*)::int AS areas, coalesce(sum(pc.n), 0)::int AS plots,
         round(coalesce(sum(g.area_m2), 0)::numeric / 10000, 4) AS area_ha,
         coalesce(sum(g.households), 0)::int AS households
  FROM growing_areas g
  JOIN crops c ON c.code = g.crop
  -- A revoked area counts the plots it had when revoked (migration 017), not those still naming it.
  LEFT JOIN LATERAL (SELECT count(*) AS n FROM growing_area_members(g.id)) pc ON true
  LEFT JOIN LATERAL (SELECT name FROM admin_units a WHERE a.code = g.commune_code AND (a.valid_to IS NULL OR a.valid_to > current_date)
                     ORDER BY a.valid_from DESC LIMIT 1) u ON true
  WHERE g.status <> 'superseded'
  GROUP BY g.commune_code, u.name, g.crop, c.name_vi, c.name_en, g.status
  ORDER BY g.commune_code, g.crop, g.status`;

/** Crops' Vietnamese names, for the profile CSV's readable columns. */
export const CROP_NAMES = `SELECT code, name_vi FROM crops`;

/** Each commune's name in force today (else its latest), for the codes in $1. */
export const COMMUNE_NAMES = `
  SELECT DISTINCT ON (a.code) a.code, a.name
  FROM admin_units a
  WHERE a.code = ANY ($1::text[])
  ORDER BY a.code, (a.valid_to IS NULL OR a.valid_to > current_date) DESC, a.valid_from DESC`;

/**
 * The recorded moves of every version of area $1's lineage, oldest first, for the printed dossier:
 * the step, its version, its day (the decision's own, else the day it was recorded, in Vietnam), who
 * took it (the account's display name and role, never its sign-in name), the note given with it (a
 * suspension's reason) and the decision number and the names of the files attached. The inspector
 * reading the paper needs who decided and why; the page is for staff of the area's commune only.
 */
export const DOSSIER_HISTORY = `
  SELECT t.from_status, t.to_status, g.version_no,
         to_char(coalesce(t.decided_on, (t.at AT TIME ZONE INTERVAL '+07:00')::date), 'YYYY-MM-DD') AS day,
         t.decision_no, nullif(btrim(t.note), '') AS note, u.display_name AS actor_name, u.role AS actor_role,
         coalesce((SELECT json_agg(a->>'name' ORDER BY n) FROM jsonb_array_elements(coalesce(t.attachments, '[]'::jsonb)) WITH ORDINALITY x(a, n)),
                  '[]'::json) AS attachments
  FROM growing_area_transitions t
  JOIN growing_areas g ON g.id = t.growing_area_id
  LEFT JOIN users u ON u.id = t.actor_id
  WHERE g.lineage_id = (SELECT lineage_id FROM growing_areas WHERE id = $1)
  ORDER BY t.at, t.id`;

/**
 * The inspections of every version of area $1's lineage, oldest first, for the printed dossier: the
 * day, the inspector (display name and role), the conclusion, each checklist item with its mark and
 * note, the inspection's notes, and how many photos are kept.
 */
export const DOSSIER_INSPECTIONS = `
  SELECT to_char(i.inspected_on, 'YYYY-MM-DD') AS inspected_on, i.conclusion, g.version_no,
         nullif(btrim(i.notes), '') AS notes, u.display_name AS inspector_name, u.role AS inspector_role,
         coalesce((SELECT json_agg(json_build_object('item', c->>'item', 'ok', (c->>'ok')::boolean, 'note', nullif(btrim(c->>'note'), '')) ORDER BY n)
                   FROM jsonb_array_elements(coalesce(i.checklist, '[]'::jsonb)) WITH ORDINALITY x(c, n)), '[]'::json) AS checklist,
         (SELECT count(*)::int FROM inspection_photos ph WHERE ph.inspection_id = i.id) AS photos
  FROM inspections i
  JOIN growing_areas g ON g.id = i.growing_area_id
  LEFT JOIN users u ON u.id = i.inspector_id
  WHERE g.lineage_id = (SELECT lineage_id FROM growing_areas WHERE id = $1)
  ORDER BY i.inspected_on, i.id`;
