// The signed decision behind a lifecycle move, scanned (PDF, JPEG or PNG) and attached to it: the
// upload (kept under config.uploadDir/area-documents/, named by the SHA-256 of its bytes, never by
// the client's name), the read for whoever may read the area's card, and the claim a transition or
// re-issue makes on the documents its attachments name (growing-areas.service.ts), so that one scan
// backs one move. The rules of the file itself are domain/document-facts.ts, shared with the browser.
import { randomBytes } from 'node:crypto';
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
    // The bytes are put in place again (the same name, nothing changes if they are there): the first
    // attempt may still be writing them, or its answer never arrived because its write failed.
    if (earlier) {
      await storeBytes(resolveStored(uploadDir, storedPath(sha256, type)), bytes);
      return { document: earlier, replayed: true };
    }
  }
  // The row first, then the file: a sweep or a delete removing a file counts the rows naming its
  // bytes after moving it aside (dropFileIfUnnamed), so a row written before the file is never left
  // without it.
  const row = (await db.query<AreaDocument>(SQL.INSERT_DOCUMENT, [areaId, viewer.userId, name, type, bytes.length, sha256, key])).rows[0];
  if (!row) {
    // Another attempt under this key got its row in first: that document stands.
    const winner = key === null ? undefined : await documentUnderKey(db, areaId, key, sha256);
    if (!winner) throw new AppError('NOT_FOUND', `No growing area ${areaId}.`); // deleted meanwhile
    await storeBytes(resolveStored(uploadDir, storedPath(sha256, type)), bytes);
    return { document: winner, replayed: true };
  }
  try {
    await storeBytes(resolveStored(uploadDir, storedPath(sha256, type)), bytes);
  } catch (error) {
    // A full disk: the row goes too, so the refusal leaves nothing.
    await db.query(SQL.DELETE_UNCLAIMED_DOCUMENT, [areaId, row.id]).catch(() => undefined);
    throw error;
  }
  return { document: plain(row), replayed: false };
}

/**
 * Puts the bytes at `full` whole or not at all: written under a passing name, then linked into place
 * (a reader never sees part of a file). Already there: the same bytes (the name is their hash).
 */
async function storeBytes(full: string, bytes: Uint8Array): Promise<void> {
  await fs.mkdir(path.dirname(full), { recursive: true });
  const passing = `${full}.${randomBytes(6).toString('hex')}.part`;
  try {
    await fs.writeFile(passing, bytes, { flag: 'wx' });
    await fs.link(passing, full).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  } finally {
    await fs.rm(passing, { force: true });
  }
}

/**
 * Removes the file of `sha256` once no row names its bytes; answers whether it did. Moved aside
 * first, then the rows counted again: an upload of the same bytes writes its row before its file,
 * so a row that appeared meanwhile gets the file back.
 */
async function dropFileIfUnnamed(db: Db, uploadDir: string, sha256: string, type: string): Promise<boolean> {
  const named = async () => Number((await db.query<{ n: number }>(SQL.DOCUMENTS_WITH_HASH, [sha256])).rows[0]?.n ?? 1) > 0;
  if (await named()) return false;
  const full = resolveStored(uploadDir, storedPath(sha256, type));
  const aside = `${full}.${randomBytes(6).toString('hex')}.gone`;
  try {
    await fs.rename(full, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  try {
    if (await named()) {
      await fs.link(aside, full).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
      return false;
    }
    return true;
  } finally {
    await fs.rm(aside, { force: true });
  }
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

/**
 * Deletes document `docId` of area `areaId` while no move carries it (the officer removed it from the
 * form before sending), for staff of the area's commune: the row, and the file unless another row
 * keeps the same bytes. 404 for an unknown document or another area's, 409 document-already-used
 * for one a move carries (it stays the move's record).
 */
export async function deleteDocument(db: Db, viewer: Viewer, uploadDir: string, areaId: number, docId: number): Promise<void> {
  await requireAreaReader(db, viewer, areaId);
  const gone = (await db.query<{ sha256: string; mime: string }>(SQL.DELETE_UNCLAIMED_DOCUMENT, [areaId, docId])).rows[0];
  if (!gone) {
    const row = (await db.query<{ transition_id: number | null }>(SQL.DOCUMENT_CLAIM, [areaId, docId])).rows[0];
    if (!row) throw new AppError('NOT_FOUND', `Growing area ${areaId} holds no document ${docId}.`);
    throw new AppError('CONFLICT', `Document ${docId} is attached to a move of growing area ${areaId}; it stays with that move.`, {
      reason: REGISTRY_REASON.DOCUMENT_ALREADY_USED,
      growingAreaId: areaId,
      documentId: docId,
    });
  }
  await dropFileIfUnnamed(db, uploadDir, gone.sha256, gone.mime);
}

/** What a sweep removed: rows, files, and the hashes whose file could not be removed (with why). */
export type SweepResult = { rows: number; files: number; failed: { sha256: string; error: string }[] };

/**
 * Deletes the documents no move has claimed `hours` after their upload (a file removed from a form
 * whose delete did not reach the server, a form given up, a tab closed), and each file no row names
 * any more. A file that cannot be removed is listed and the rest go on.
 */
export async function sweepUnclaimedDocuments(db: Db, uploadDir: string, hours: number): Promise<SweepResult> {
  const gone = (await db.query<{ sha256: string; mime: string }>(SQL.DELETE_UNCLAIMED_DOCUMENTS, [hours])).rows;
  const result: SweepResult = { rows: gone.length, files: 0, failed: [] };
  const hashes = new Map(gone.map((g) => [g.sha256, g.mime]));
  for (const [sha256, mime] of hashes) {
    try {
      if (await dropFileIfUnnamed(db, uploadDir, sha256, mime)) result.files++;
    } catch (error) {
      result.failed.push({ sha256, error: String((error as Error).message ?? error) });
    }
  }
  return result;
}

/** How often the sweep runs after the one at start. */
const SWEEP_EVERY_MS = 3600_000;

/** A running sweep: stop() clears its timer and waits for a sweep under way. */
export type DocumentSweep = { stop(): Promise<void> };

/**
 * Sweeps unclaimed documents now and then every hour, one sweep at a time. The timer is unref'd (it
 * never keeps a process alive) and stop() is meant for the app's close: tests build many apps in one
 * process, and a sweep left running would query a database already closed.
 */
export function startDocumentSweep(
  db: Db,
  uploadDir: string,
  hours: number,
  log: { info(message: string): void; warn(message: string): void },
): DocumentSweep {
  let running: Promise<void> | undefined;
  let stopped = false;
  const run = (): void => {
    if (stopped || running) return;
    running = sweepUnclaimedDocuments(db, uploadDir, hours)
      .then(
        (r) => {
          if (r.rows) log.info(`Removed ${r.rows} decision scan(s) no move claimed within ${hours} h (${r.files} file(s)).`);
          for (const f of r.failed) log.warn(`Could not remove the unclaimed scan file ${f.sha256}: ${f.error}`);
        },
        (error: unknown) => {
          if (!stopped) log.warn(`The sweep of unclaimed decision scans failed: ${String((error as Error)?.message ?? error)}`);
        },
      )
      .finally(() => (running = undefined));
  };
  run();
  const timer = setInterval(run, SWEEP_EVERY_MS);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
