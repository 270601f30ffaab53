-- An inspection sent again after its answer was lost (an officer in an orchard on a weak connection)
-- must not be recorded twice. The client names each inspection it writes with a random key sent on
-- every attempt (the Idempotency-Key header of POST /api/growing-areas/:id/inspections); the key is
-- kept with the inspection, with the SHA-256 of the request's content, so the same key sent with
-- other content (a client bug) is told apart from a retry. Attempts for one area are serialised by
-- the area's row lock; the unique index is the last word. Inspections written without a key (older
-- clients, a transition's own inspection, rows before this migration) keep NULL in both.
ALTER TABLE inspections
  ADD COLUMN idempotency_key text CHECK (idempotency_key IS NULL OR idempotency_key ~ '^[A-Za-z0-9_-]{16,64}$'),
  ADD COLUMN content_sha256 text CHECK (content_sha256 IS NULL OR content_sha256 ~ '^[0-9a-f]{64}$'),
  ADD CONSTRAINT inspections_key_has_hash CHECK (idempotency_key IS NULL OR content_sha256 IS NOT NULL);

CREATE UNIQUE INDEX inspections_idempotency_idx
  ON inspections (growing_area_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
