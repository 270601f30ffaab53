-- A growing area's decision_no (and issued_on) are those of the decision that issued its code, or
-- for an export code the importing country's approval. Until this migration every later move that
-- carried a decision (a suspension, a restore, a revocation) wrote its own number over it, so a
-- suspended code read as issued by its suspension: the profile, the cards and the printed page said
-- "Decision 45/QĐ-SNN · Issued on 2024-09-19" while the issuing decision 566/BVTV-KD was left only in
-- the history. The history (growing_area_transitions) kept every move's own decision, so this puts
-- back, on each version whose latest recorded issue or approval names a decision, that decision
-- where the row says another. The row version is bumped (a changed row must not match an old ETag),
-- and the edit_log trigger records the repair like any other change. Versions without such a record
-- (loaded without their history) are left as they are; issued_on was never overwritten (only the
-- issue and the approval set it).
UPDATE growing_areas g
SET decision_no = i.decision_no, version = g.version + 1, updated_at = now()
FROM (
  SELECT DISTINCT ON (growing_area_id) growing_area_id, decision_no
  FROM growing_area_transitions
  WHERE to_status IN ('issued', 'approved') AND nullif(btrim(decision_no), '') IS NOT NULL
  ORDER BY growing_area_id, at DESC, id DESC
) i
WHERE i.growing_area_id = g.id AND g.decision_no IS DISTINCT FROM i.decision_no;
