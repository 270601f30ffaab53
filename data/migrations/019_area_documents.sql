-- The signed decision behind a lifecycle move (an issue, a suspension, a revocation, a re-issue…)
-- scanned and attached to it (DOMAIN.md: every transition records its attachments). The file is
-- uploaded first (POST /api/growing-areas/:id/documents), then named by the move's attachments; the
-- move claims it (transition_id) so one scan backs one move. The bytes sit under
-- UPLOAD_DIR/area-documents/ named by their SHA-256 (never by the client's name, kept here for
-- people only, cleaned); a retry of an upload carries its Idempotency-Key, as a photo's does.
-- Written so that a second run changes nothing.
CREATE TABLE IF NOT EXISTS growing_area_documents (
  id bigserial PRIMARY KEY,
  growing_area_id bigint NOT NULL REFERENCES growing_areas (id) ON DELETE CASCADE,
  uploaded_by bigint,
  uploaded_at timestamptz NOT NULL DEFAULT now(),
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200 AND name !~ '[/\\[:cntrl:]]'),
  mime text NOT NULL CHECK (mime IN ('application/pdf', 'image/jpeg', 'image/png')),
  bytes integer NOT NULL CHECK (bytes > 0 AND bytes <= 10485760),
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  transition_id bigint REFERENCES growing_area_transitions (id) ON DELETE SET NULL,
  idempotency_key text CHECK (idempotency_key IS NULL OR idempotency_key ~ '^[A-Za-z0-9_-]{16,64}$')
);

CREATE INDEX IF NOT EXISTS growing_area_documents_area_idx ON growing_area_documents (growing_area_id);
CREATE INDEX IF NOT EXISTS growing_area_documents_transition_idx ON growing_area_documents (transition_id) WHERE transition_id IS NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS growing_area_documents_idempotency_idx
  ON growing_area_documents (growing_area_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
