-- A spray's dose as a number and a unit from a short list (server/domain/diary-dose.ts): as free text
-- the same dose was written "2 lít/ha", "2l" and "hai lít", and no figure could be held against a
-- label's maximum. dose_amount and dose_unit are given together or not at all; `dose` keeps the text:
-- entries written before keep theirs and are shown as they were, and a new entry's figure and unit
-- are written there as a Vietnamese label would ("20 ml/bình 16 lít") for clients that read `dose`.
ALTER TABLE diary_entries ADD COLUMN IF NOT EXISTS dose_amount double precision;
ALTER TABLE diary_entries ADD COLUMN IF NOT EXISTS dose_unit text;
ALTER TABLE diary_entries DROP CONSTRAINT IF EXISTS diary_entries_dose_amount_unit;
ALTER TABLE diary_entries ADD CONSTRAINT diary_entries_dose_amount_unit CHECK (
  (dose_amount IS NULL) = (dose_unit IS NULL)
  AND (dose_amount IS NULL OR (dose_amount > 0 AND dose_amount <= 100000))
  AND (dose_unit IS NULL OR dose_unit IN ('ml/ha', 'l/ha', 'g/ha', 'kg/ha', 'ml/16l', 'g/16l'))
);
