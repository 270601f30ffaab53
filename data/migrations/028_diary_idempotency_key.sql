-- A spray recorded on a phone with no signal waits on the phone and is sent when the signal returns,
-- and may be sent twice (an answer lost on the way, two tabs): the client names each entry once
-- (the Idempotency-Key header, as for inspections), and the same name on the same plot finds the
-- entry already written instead of writing it again. content_sha256 tells a retry (the same content)
-- from a name reused for another entry. Entries written without a key keep both NULL.
ALTER TABLE diary_entries ADD COLUMN IF NOT EXISTS idempotency_key text;
ALTER TABLE diary_entries ADD COLUMN IF NOT EXISTS content_sha256 text;
CREATE UNIQUE INDEX IF NOT EXISTS diary_entries_idempotency_key
  ON diary_entries (plot_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
