-- A photo upload retried after its answer was lost (a phone on a weak connection) must not store the
-- photo twice. The client names each picked photo with a random key sent on every attempt (the
-- Idempotency-Key header of POST /api/inspections/:id/photos); the key is kept with the photo, with
-- the SHA-256 of its bytes so a key sent again with other bytes (a client bug) is told apart from a
-- retry. The unique index decides between two attempts arriving at the same moment. Photos stored
-- without a key (older clients, rows before this migration) keep NULL in both.
ALTER TABLE inspection_photos
  ADD COLUMN idempotency_key text CHECK (idempotency_key IS NULL OR idempotency_key ~ '^[A-Za-z0-9_-]{16,64}$'),
  ADD COLUMN content_sha256 text CHECK (content_sha256 IS NULL OR content_sha256 ~ '^[0-9a-f]{64}$'),
  ADD CONSTRAINT inspection_photos_key_has_hash CHECK (idempotency_key IS NULL OR content_sha256 IS NOT NULL);

CREATE UNIQUE INDEX inspection_photos_idempotency_idx
  ON inspection_photos (inspection_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
