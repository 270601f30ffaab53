-- The reasons a farm-diary entry was flagged, as facts (server/contracts/diary.ts, DiaryProblem):
-- [{reason, market, substance, message}] or, for the pre-harvest interval, [{reason, market: null,
-- appliedOn, phiDays, safeHarvestOn, expectedHarvest, message}]. Written with the entry by the same
-- check that sets `flagged` and `flag_reason` (checkDiaryEntry), so the three always agree and a
-- verdict is what the registry decided when the spray was recorded: later edits of the lists, of the
-- area's markets or of the plot's expected harvest do not rewrite a diary that inspectors read as
-- evidence. NULL: the reasons were not recorded as facts (a flagged row written by other means,
-- such as the sample data's Vietnamese sentences); `flag_reason` then holds them as text.
ALTER TABLE diary_entries
  ADD COLUMN problems jsonb CHECK (problems IS NULL OR jsonb_typeof(problems) = 'array');

-- Existing rows. An entry recorded without a flag had no reason.
UPDATE diary_entries SET problems = '[]'::jsonb WHERE NOT flagged;

-- A flagged entry recorded by the registry holds checkDiaryEntry's English sentences joined by one
-- space. They are read back into facts only when rebuilding the sentences from those facts and the
-- row's own ingredient and date gives the stored text exactly; any other text stays NULL.
WITH sentence AS (
  SELECT d.id, d.flag_reason, d.active_ingredient, d.applied_on, d.phi_days AS row_phi_days, m.ord,
         CASE WHEN m.part[1] IS NOT NULL THEN CASE m.part[1] WHEN 'is not allowed for' THEN 'not-allowed' ELSE 'not-listed' END
              ELSE 'pre-harvest-interval' END AS reason,
         m.part[2] AS market, m.part[3]::integer AS phi_days, m.part[4] AS safe_on, m.part[5] AS harvest_on
  FROM diary_entries d,
       regexp_matches(d.flag_reason,
         '(is not allowed for|is not on the allowed list for) ([A-Z0-9_-]+)\.|The pre-harvest interval of ([0-9]{1,3}) days ends on ([0-9]{4}-[0-9]{2}-[0-9]{2}), after the expected harvest on ([0-9]{4}-[0-9]{2}-[0-9]{2})\.',
         'g') WITH ORDINALITY AS m (part, ord)
  WHERE d.flagged AND d.problems IS NULL AND d.flag_reason IS NOT NULL
),
fact AS (
  SELECT id, flag_reason, ord,
         CASE reason
           WHEN 'pre-harvest-interval' THEN
             'The pre-harvest interval of ' || phi_days || ' days ends on ' || safe_on || ', after the expected harvest on ' || harvest_on || '.'
           WHEN 'not-allowed' THEN active_ingredient || ' is not allowed for ' || market || '.'
           ELSE active_ingredient || ' is not on the allowed list for ' || market || '.'
         END AS message,
         reason, market, phi_days, safe_on, harvest_on, applied_on, active_ingredient,
         -- The row's own interval and its end as the check computes it: a sentence about other values is not this row's.
         phi_days IS NOT DISTINCT FROM row_phi_days AND (applied_on + phi_days)::text = safe_on AS own_interval
  FROM sentence
),
read_back AS (
  SELECT id,
         jsonb_agg(CASE reason
                     WHEN 'pre-harvest-interval' THEN jsonb_build_object(
                       'reason', reason, 'market', NULL, 'appliedOn', applied_on::text, 'phiDays', phi_days,
                       'safeHarvestOn', safe_on, 'expectedHarvest', harvest_on, 'message', message)
                     ELSE jsonb_build_object('reason', reason, 'market', market, 'substance', active_ingredient, 'message', message)
                   END ORDER BY ord) AS problems,
         string_agg(message, ' ' ORDER BY ord) = min(flag_reason)
           AND bool_and(reason <> 'pre-harvest-interval' OR own_interval) AS exact
  FROM fact
  GROUP BY id
)
UPDATE diary_entries d SET problems = r.problems
FROM read_back r
WHERE d.id = r.id AND r.exact;
