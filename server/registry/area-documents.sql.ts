// SQL of the documents attached to lifecycle moves (area-documents.service.ts); migration 019.

/** The columns a document is answered with; `ref` is the path it is read at and a move names it by. */
const DOCUMENT_COLUMNS = `d.id, d.name, d.mime AS type, d.bytes, '/api/growing-areas/' || d.growing_area_id || '/documents/' || d.id AS ref`;

/** Stores an uploaded document; $1 area, $2 uploader, $3 name, $4 type, $5 size, $6 sha256, $7 idempotency key. A key stored before inserts nothing. */
export const INSERT_DOCUMENT = `
  INSERT INTO growing_area_documents AS d (growing_area_id, uploaded_by, name, mime, bytes, sha256, idempotency_key)
  VALUES ($1, $2, $3, $4, $5, $6, $7)
  ON CONFLICT (growing_area_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
  RETURNING ${DOCUMENT_COLUMNS}`;

/** The document stored under key $2 for area $1, with the hash of its bytes. */
export const DOCUMENT_BY_KEY = `
  SELECT ${DOCUMENT_COLUMNS}, d.sha256 FROM growing_area_documents d WHERE d.growing_area_id = $1 AND d.idempotency_key = $2`;

/** Document $2 of area $1, with what reading its file needs. */
export const DOCUMENT_OF_AREA = `
  SELECT ${DOCUMENT_COLUMNS}, d.sha256 FROM growing_area_documents d WHERE d.growing_area_id = $1 AND d.id = $2`;

/** Documents $1 (ids), locked: a move claims them, and two moves must not claim one. */
export const LOCK_DOCUMENTS = `
  SELECT d.id, d.growing_area_id, d.name, d.transition_id FROM growing_area_documents d WHERE d.id = ANY($1::bigint[]) ORDER BY d.id FOR UPDATE`;

/** Marks documents $2 (ids) as carried by transition $1. */
export const CLAIM_DOCUMENTS = `UPDATE growing_area_documents SET transition_id = $1 WHERE id = ANY($2::bigint[]) AND transition_id IS NULL`;

/** How many documents keep the bytes of hash $1 (a file on disk may go only when none does). */
export const DOCUMENTS_WITH_HASH = `SELECT count(*)::int AS n FROM growing_area_documents WHERE sha256 = $1`;

/** The documents a transition carries, as the history lists them beside it; t is the transition. */
export const TRANSITION_DOCUMENTS = `COALESCE((
    SELECT json_agg(json_build_object('id', d.id, 'name', d.name, 'type', d.mime, 'bytes', d.bytes,
      'ref', '/api/growing-areas/' || d.growing_area_id || '/documents/' || d.id) ORDER BY d.id)
    FROM growing_area_documents d WHERE d.transition_id = t.id), '[]'::json)`;

/** Removes document $2 of area $1 while no move carries it; answers its hash and type (nothing when claimed, gone or another area's). */
export const DELETE_UNCLAIMED_DOCUMENT = `
  DELETE FROM growing_area_documents WHERE growing_area_id = $1 AND id = $2 AND transition_id IS NULL
  RETURNING sha256, mime`;

/** Document $2 of area $1 as far as deleting it needs: whether a move carries it. */
export const DOCUMENT_CLAIM = `SELECT transition_id FROM growing_area_documents WHERE growing_area_id = $1 AND id = $2`;

/**
 * Removes every document no move carries that was uploaded $1 hours ago or longer (the sweep);
 * answers their hashes and types. A move claiming one at the same time holds its row locked
 * (LOCK_DOCUMENTS): the delete waits, then finds it claimed and leaves it.
 */
export const DELETE_UNCLAIMED_DOCUMENTS = `
  DELETE FROM growing_area_documents
  WHERE transition_id IS NULL AND uploaded_at <= now() - $1::double precision * interval '1 hour'
  RETURNING sha256, mime`;
