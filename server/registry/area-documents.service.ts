// The signed decision behind a lifecycle move, scanned (PDF, JPEG or PNG) and attached to it: the
// upload (kept under config.uploadDir/area-documents/, named by the SHA-256 of its bytes, never by
// the client's name), the read for whoever may read the area's card, and the claim a transition or
// re-issue makes on the documents its attachments name (growing-areas.service.ts), so that one scan
// backs one move. The rules of the file itself are domain/document-facts.ts, shared with the browser.
import fs from 'node:fs/promises';
import path from 'node:path';
import { REGISTRY_REASON, type AreaDocument } from '../contracts/registry.ts';
import type { Viewer } from '../contracts/viewer.ts';
import type { Db, Queryable } from '../db/index.ts';
import {
  checkDocumentFile,
  cleanDocumentName,
  DOCUMENT_EXTENSION,
  DOCUMENT_REASONS,
  MAX_DOCUMENT_BYTES,
  type DocumentType,
} from '../domain/document-facts.ts';
import { AppError } from '../plugins/errors.ts';
import { requireCommune, requireStaff } from './access.ts';
import * as SQL from './area-documents.sql.ts';
import { idempotencyKey, photoDigest, resolveStored } from './photos.ts';

/** The folder under uploadDir holding the documents' bytes. */
const FOLDER = 'area-documents';

/** A move's attachment as the transitions and re-issue bodies carry it. */
export type Attachment = { name: string; ref: string };

/** Where the bytes of a document sit, relative to uploadDir: its hash and its type's extension. */
function storedPath(sha256: string, type: string): string {
  return path.join(FOLDER, `${sha256}.${DOCUMENT_EXTENSION[type as DocumentType] ?? 'bin'}`);
}

/** 404 unless area `areaId` exists; 401/403 unless the viewer is staff of its commune (the card's read rule). */
async function requireAreaReader(q: Queryable, viewer: Viewer, areaId: number): Promise<void> {
  requireStaff(viewer);
  const area = (await q.query<{ commune_code: string }>('SELECT commune_code FROM growing_areas WHERE id = $1', [areaId])).rows[0];
  if (!area) throw new AppError('NOT_FOUND', `No growing area ${areaId}.`);
  requireCommune(viewer, area.commune_code);
}

/** Checks an upload: not empty (400), within the limit (413), a PDF, JPEG or PNG by its bytes and by the type it claims (415). */
export function checkDocument(bytes: Uint8Array, declared: string | undefined): DocumentType {
  const verdict = checkDocumentFile(bytes, bytes.length);
  if (!verdict.valid) {
    if (verdict.reason === DOCUMENT_REASONS.EMPTY) throw new AppError('BAD_REQUEST', 'The file is empty.', { reason: verdict.reason });
    if (verdict.reason === DOCUMENT_REASONS.TOO_LARGE) {
      throw new AppError('PAYLOAD_TOO_LARGE', `The file is ${bytes.length} bytes; the limit is ${MAX_DOCUMENT_BYTES}.`, {
        reason: verdict.reason,
      });
    }
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'The file is not a PDF, JPEG or PNG.', { reason: verdict.reason });
  }
  const claimed = declared?.split(';')[0]?.trim().toLowerCase();
  if (claimed && claimed !== 'application/octet-stream' && claimed !== verdict.type) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', `The file says ${claimed} but its bytes are ${verdict.type}.`, {
      reason: DOCUMENT_REASONS.WRONG_TYPE,
    });
  }
  return verdict.type;
}

/**
 * Stores a decision's scan for area `areaId`, for staff of its commune: checked before anything is
 * written, the bytes kept once per content (a second upload of the same scan shares the file), the
 * row naming it with the cleaned name. A key stored before with the same bytes answers that document
 * (`replayed`), with other bytes 409 idempotency-key-reused.
 */
export async function uploadDocument(
  db: Db,
  viewer: Viewer,
  uploadDir: string,
  areaId: number,
  bytes: Uint8Array,
  declared: string | undefined,
  sentName: string,
  keyHeader?: string | string[],
): Promise<{ document: AreaDocument; replayed: boolean }> {
  await requireAreaReader(db, viewer, areaId);
  const key = idempotencyKey(keyHeader);
  const type = checkDocument(bytes, declared);
  const name = cleanDocumentName(sentName, type);
  const sha256 = photoDigest(bytes);
  if (key !== null) {
    const earlier = await documentUnderKey(db, areaId, key, sha256);
    if (earlier) return { document: earlier, replayed: true };
  }
  const full = resolveStored(uploadDir, storedPath(sha256, type));
  await fs.mkdir(path.dirname(full), { recursive: true });
  let created = false;
  try {
    await fs.writeFile(full, bytes, { flag: 'wx' });
    created = true;
  } catch (error) {
    // Already there: the same bytes, uploaded before (the name is their hash). Anything else (a full
    // disk) may have left part of a file that no row names.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      await fs.rm(full, { force: true });
      throw error;
    }
  }
  let row: AreaDocument | undefined;
  try {
    row = (await db.query<AreaDocument>(SQL.INSERT_DOCUMENT, [areaId, viewer.userId, name, type, bytes.length, sha256, key])).rows[0];
  } catch (error) {
    await dropUnnamedFile(db, full, sha256, created);
    throw error;
  }
  if (row) return { document: plain(row), replayed: false };
  // Another attempt under this key got its row in first: that document stands.
  await dropUnnamedFile(db, full, sha256, created);
  const winner = key === null ? undefined : await documentUnderKey(db, areaId, key, sha256);
  if (!winner) throw new AppError('NOT_FOUND', `No growing area ${areaId}.`); // deleted meanwhile
  return { document: winner, replayed: true };
}

// A file this upload wrote and no row names (the insert failed): removed, so a refusal leaves nothing.
async function dropUnnamedFile(db: Db, full: string, sha256: string, created: boolean): Promise<void> {
  if (!created) return;
  const named = (await db.query<{ n: number }>(SQL.DOCUMENTS_WITH_HASH, [sha256]).catch(() => ({ rows: [{ n: 1 }] }))).rows[0];
  if (Number(named?.n ?? 1) === 0) await fs.rm(full, { force: true });
}

async function documentUnderKey(db: Db, areaId: number, key: string, sha256: string): Promise<AreaDocument | undefined> {
  const row = (await db.query<AreaDocument & { sha256: string }>(SQL.DOCUMENT_BY_KEY, [areaId, key])).rows[0];
  if (!row) return undefined;
  if (row.sha256 !== sha256) {
    throw new AppError(
      'CONFLICT',
      `Growing area ${areaId} already holds document ${row.id} under this Idempotency-Key, with other bytes; a new file needs a new key.`,
      { reason: REGISTRY_REASON.IDEMPOTENCY_KEY_REUSED, growingAreaId: areaId, documentId: Number(row.id) },
    );
  }
  return plain(row);
}

const plain = (row: AreaDocument): AreaDocument => ({
  id: Number(row.id),
  name: row.name,
  type: row.type,
  bytes: Number(row.bytes),
  ref: row.ref,
});

/** Document `docId` of area `areaId` with its bytes, for whoever may read the area's card; 404 for another area's. */
export async function readDocument(
  db: Db,
  viewer: Viewer,
  uploadDir: string,
  areaId: number,
  docId: number,
): Promise<AreaDocument & { content: Buffer }> {
  await requireAreaReader(db, viewer, areaId);
  const row = (await db.query<AreaDocument & { sha256: string }>(SQL.DOCUMENT_OF_AREA, [areaId, docId])).rows[0];
  if (!row) throw new AppError('NOT_FOUND', `Growing area ${areaId} holds no document ${docId}.`);
  try {
    return { ...plain(row), content: await fs.readFile(resolveStored(uploadDir, storedPath(row.sha256, row.type))) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new AppError('NOT_FOUND', `The file of document ${docId} is no longer on this server.`);
    }
    throw error;
  }
}

/** What a move's attachments name of the uploaded documents: the ref's form /api/growing-areas/:id/documents/:docId. */
const DOCUMENT_REF = /^\/api\/growing-areas\/(\d{1,15})\/documents\/(\d{1,15})$/;

/** The documents a move's attachments claim, and the attachments as recorded (each document under its stored name). */
export type DocumentClaim = { attachments: Attachment[]; ids: number[] };

/**
 * Checks the attachments of a move on area `areaId`: a ref of an uploaded document's form must name
 * a document of this area that no other move carries, each once (422 document-unknown,
 * document-of-other-area, document-already-used, field `attachments`). The documents are locked
 * until the move is written; other refs pass as they are (clients before uploads named their own).
 */
export async function checkAttachments(tx: Queryable, areaId: number, attachments: readonly Attachment[]): Promise<DocumentClaim> {
  const refuse = (reason: string, ref: string, words: string): never => {
    throw new AppError('VALIDATION_FAILED', `Attachment ${JSON.stringify(ref.slice(0, 120))} ${words}`, {
      reason,
      field: 'attachments',
      ref: ref.slice(0, 500),
    });
  };
  const wanted: { ref: string; areaId: number; docId: number }[] = [];
  for (const { ref } of attachments) {
    if (!ref.trim().startsWith('/api/growing-areas/')) continue;
    const m = DOCUMENT_REF.exec(ref.trim());
    if (!m) refuse(REGISTRY_REASON.DOCUMENT_UNKNOWN, ref, 'is no uploaded document: upload the file first and send the ref it answered.');
    const docId = Number(m![2]);
    if (wanted.some((w) => w.docId === docId)) refuse(REGISTRY_REASON.DOCUMENT_ALREADY_USED, ref, 'is named twice.');
    wanted.push({ ref, areaId: Number(m![1]), docId });
  }
  if (!wanted.length) return { attachments: [...attachments], ids: [] };
  const rows = (
    await tx.query<{ id: number; growing_area_id: number; name: string; transition_id: number | null }>(SQL.LOCK_DOCUMENTS, [
      wanted.map((w) => w.docId),
    ])
  ).rows;
  const names = new Map<string, string>();
  for (const w of wanted) {
    const row = rows.find((r) => Number(r.id) === w.docId);
    if (!row) refuse(REGISTRY_REASON.DOCUMENT_UNKNOWN, w.ref, 'names no uploaded document.');
    if (Number(row!.growing_area_id) !== areaId || w.areaId !== areaId) {
      refuse(REGISTRY_REASON.DOCUMENT_OF_OTHER_AREA, w.ref, `is a document of another growing area, not of ${areaId}.`);
    }
    if (row!.transition_id !== null) refuse(REGISTRY_REASON.DOCUMENT_ALREADY_USED, w.ref, 'is already attached to another move.');
    names.set(w.ref, row!.name);
  }
  return {
    attachments: attachments.map((a) => ({ name: names.get(a.ref) ?? a.name, ref: names.has(a.ref) ? a.ref.trim() : a.ref })),
    ids: wanted.map((w) => w.docId),
  };
}

/** Marks the claimed documents as carried by transition `transitionId` (in the move's transaction). */
export async function claimDocuments(tx: Queryable, transitionId: number, claim: DocumentClaim): Promise<void> {
  if (claim.ids.length) await tx.query(SQL.CLAIM_DOCUMENTS, [transitionId, claim.ids]);
}
