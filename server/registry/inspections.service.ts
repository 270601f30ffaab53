// Inspections (biên bản kiểm tra / giám sát): a checklist, a conclusion that the lifecycle reads
// (inspected_pass needs a "pass"), and geotagged photos stored as files with their metadata.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import type { Viewer } from '../contracts/viewer.ts';
import {
  REGISTRY_REASON,
  type InspectionBody,
  type PhotoPositionSource,
  type PhotoQuery,
  type PhotoTimeSource,
} from '../contracts/registry.ts';
import type { Db, Queryable } from '../db/index.ts';
import { withEdits } from '../db/edit-context.ts';
import { acceptsInspection, INSPECTABLE_STATUSES } from '../domain/growing-area-lifecycle.ts';
import { readJpegGeotag, type Geotag } from '../domain/photo-facts.ts';
import { AppError } from '../plugins/errors.ts';
import { requireCommune, requireStaff } from './access.ts';
import { requireDoneDate } from './done-dates.ts';
import * as AREAS from './growing-areas.sql.ts';
import * as SQL from './inspections.sql.ts';
import {
  checkPhoto,
  checkThumbnail,
  photoDigest,
  idempotencyKey,
  resolveStored,
  storePhoto,
  storeThumbnail,
  thumbnailPath,
} from './photos.ts';

type InspectionRow = Record<string, unknown> & { id: number; commune_code?: string };

/**
 * Writes an inspection of a locked area in the caller's transaction (the inspections endpoint, and
 * a transition to inspected_pass / inspected_fail that records its inspection with it); 409
 * `inspection-not-allowed` if the area's status admits none.
 */
export async function recordInspection(
  tx: Queryable,
  viewer: Viewer,
  area: { id: number; status: string },
  body: Pick<InspectionBody, 'inspectedOn' | 'conclusion' | 'notes'> & { checklist?: InspectionBody['checklist'] },
  key: { key: string; sha256: string } | null = null,
  rules: { someReviewed: boolean } = { someReviewed: false },
): Promise<number> {
  requireDoneDate('inspectedOn', body.inspectedOn, 'an inspection');
  if (!acceptsInspection(area.status)) {
    throw new AppError(
      'CONFLICT',
      `Growing area ${area.id} is ${area.status}; inspections are recorded under inspection or while a code is in force.`,
      {
        reason: REGISTRY_REASON.INSPECTION_NOT_ALLOWED,
        growingAreaId: area.id,
        growingAreaStatus: area.status,
        inspectable: INSPECTABLE_STATUSES,
      },
    );
  }
  // A pass over a failed item is the inspector's judgement of a minor lapse (the e2e inspection of a
  // missing month of pest records); it must say so on the item. A failed item without a word under
  // a pass is the slip the review found (items ticked "Không đạt", "Đạt" chosen, nothing said).
  const unexplained = body.conclusion === 'pass' ? (body.checklist ?? []).filter((c) => !c.ok && !c.note?.trim()) : [];
  if (unexplained.length) {
    throw new AppError(
      'VALIDATION_FAILED',
      `An inspection concluded "pass" has ${unexplained.length} failed checklist item(s) without a note (${unexplained.map((c) => c.item).join('; ')}): conclude "fail", or write on each item why the area still passes.`,
      { reason: REGISTRY_REASON.INSPECTION_PASS_WITH_FAILED_ITEMS, field: 'conclusion', items: unexplained.map((c) => c.item) },
    );
  }
  // An inspection of its own is its checklist: one with every item left "Chưa xét" says nothing of
  // the orchard, yet would count as an inspection (the list, the lifecycle's "rests on this record").
  // A move to inspected_pass / inspected_fail records its conclusion, which is what it says.
  if (rules.someReviewed && !body.checklist?.length) {
    throw new AppError(
      'VALIDATION_FAILED',
      'The inspection reviews no checklist item (every one is left "not reviewed"): mark at least one item passed or failed.',
      { reason: REGISTRY_REASON.INSPECTION_NOTHING_REVIEWED, field: 'checklist' },
    );
  }
  const { rows } = await tx.query<{ id: number }>(SQL.INSERT_INSPECTION, [
    area.id,
    viewer.userId,
    body.inspectedOn,
    JSON.stringify(body.checklist ?? []),
    body.conclusion ?? null,
    body.notes ?? null,
    key?.key ?? null,
    key?.sha256 ?? null,
  ]);
  return rows[0]!.id;
}

/**
 * The SHA-256 (hex) of what an inspection request says, in a fixed order with absent fields as
 * null: what tells a retry (the same content) from an idempotency key reused for another inspection.
 */
export function inspectionDigest(body: InspectionBody): string {
  const content = [body.inspectedOn, body.checklist, body.conclusion ?? null, body.notes ?? null];
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}

/** What recording an inspection answers: the inspection, and whether an earlier attempt under the same key had recorded it. */
export type RecordedInspection = { inspection: InspectionRow; replayed: boolean };

/**
 * Records an inspection of an area by the signed-in officer.
 *
 * With an idempotency key (the client's name for one inspection, the same on every attempt), an
 * attempt after one whose answer was lost finds the inspection that one recorded and answers it
 * (`replayed`), even if the area has moved on since; the same key with other content, or from
 * another officer, is 409 `idempotency-key-reused`. The area's row lock serialises attempts.
 */
export async function createInspection(
  db: Db,
  viewer: Viewer,
  areaId: number,
  body: InspectionBody,
  keyHeader?: string | string[],
): Promise<RecordedInspection> {
  requireStaff(viewer);
  const given = idempotencyKey(keyHeader);
  const key = given === null ? null : { key: given, sha256: inspectionDigest(body) };
  const done = await withEdits(db, { userId: viewer.userId, origin: 'api' }, async (tx) => {
    const area = (await tx.query<{ status: string; commune_code: string }>(AREAS.LOCK_AREA, [areaId])).rows[0];
    if (!area) throw new AppError('NOT_FOUND', `No growing area ${areaId}.`);
    requireCommune(viewer, area.commune_code);
    if (key) {
      const earlier = (
        await tx.query<{ id: number; inspector_id: number | null; content_sha256: string }>(SQL.INSPECTION_BY_KEY, [areaId, key.key])
      ).rows[0];
      if (earlier && earlier.inspector_id === viewer.userId && earlier.content_sha256 === key.sha256)
        return { id: earlier.id, replayed: true };
      if (earlier) {
        throw new AppError(
          'CONFLICT',
          `Growing area ${areaId} already holds inspection ${earlier.id} under this Idempotency-Key, with other content or by another officer; a new inspection needs a new key.`,
          { reason: REGISTRY_REASON.IDEMPOTENCY_KEY_REUSED, growingAreaId: areaId, inspectionId: earlier.id },
        );
      }
    }
    const id = await recordInspection(tx, viewer, { id: areaId, status: area.status }, body, key, { someReviewed: true });
    return { id, replayed: false };
  });
  return { inspection: await getInspection(db, viewer, done.id), replayed: done.replayed };
}

/** One inspection with its photos. */
export async function getInspection(db: Db, viewer: Viewer, id: number): Promise<InspectionRow> {
  requireStaff(viewer);
  const row = (await db.query<InspectionRow & { commune_code: string }>(SQL.INSPECTION_BY_ID, [id])).rows[0];
  if (!row) throw new AppError('NOT_FOUND', `No inspection ${id}.`);
  requireCommune(viewer, row.commune_code);
  const { commune_code: _c, ...rest } = row;
  return rest;
}

/** The inspections of an area, newest first. */
export async function listInspections(db: Db, viewer: Viewer, areaId: number): Promise<InspectionRow[]> {
  requireStaff(viewer);
  const area = (await db.query<{ commune_code: string }>(AREAS.AREA_BY_ID, [areaId])).rows[0];
  if (!area) throw new AppError('NOT_FOUND', `No growing area ${areaId}.`);
  requireCommune(viewer, area.commune_code);
  return (await db.query<InspectionRow>(SQL.INSPECTIONS_OF_AREA, [areaId])).rows;
}

/** What storing a photo answers: the inspection with its photos, the photo's id, and whether it was stored by an earlier attempt. */
export type PhotoUpload = { inspection: InspectionRow; photoId: number; replayed: boolean };

/**
 * Stores a photo of an inspection. The position and time come from the query (the web client sends
 * the phone's position and the file's time only for a photo without its own) or else from the JPEG's
 * EXIF, and the row says which (`position_source`, `taken_at_source`, migration 014).
 *
 * With an idempotency key (the client's name for one picked photo, the same on every attempt), a
 * key the inspection already holds answers the photo stored then (`replayed`, its position and
 * time as first stored) and writes nothing; the same key with other bytes is 409
 * `idempotency-key-reused`. Two attempts at the same moment both write their file, the unique index
 * lets one row in, and the other removes its file and answers the winner's photo.
 */
export async function addPhoto(
  db: Db,
  viewer: Viewer,
  uploadDir: string,
  inspectionId: number,
  bytes: Uint8Array,
  contentType: string | undefined,
  query: PhotoQuery,
  keyHeader?: string | string[],
): Promise<PhotoUpload> {
  await getInspection(db, viewer, inspectionId); // 404 / 403 before anything is written
  const key = idempotencyKey(keyHeader);
  const type = checkPhoto(bytes, contentType);
  if ((query.lon === undefined) !== (query.lat === undefined)) {
    throw new AppError('BAD_REQUEST', 'Give both lon and lat, or neither (the photo’s own GPS tags are used then).');
  }
  const digest = photoDigest(bytes);
  if (key !== null) {
    const earlier = await photoUnderKey(db, inspectionId, key, digest);
    if (earlier !== undefined) return { inspection: await getInspection(db, viewer, inspectionId), photoId: earlier, replayed: true };
  }
  const facts = photoFacts(query, type === 'image/jpeg' ? readJpegGeotag(bytes) : null);
  const stored = await storePhoto(uploadDir, inspectionId, bytes, type);
  let inserted: number | undefined;
  try {
    const { rows } = await withEdits(db, { userId: viewer.userId, origin: 'api' }, (tx) =>
      tx.query<{ id: number }>(SQL.INSERT_PHOTO, [
        inspectionId,
        stored,
        type,
        bytes.length,
        facts.takenAt,
        facts.lon,
        facts.lat,
        key,
        digest,
        facts.positionSource,
        facts.takenAtSource,
      ]),
    );
    inserted = rows[0]?.id;
  } catch (error) {
    await fs.rm(resolveStored(uploadDir, stored), { force: true });
    throw error;
  }
  if (inserted !== undefined) return { inspection: await getInspection(db, viewer, inspectionId), photoId: inserted, replayed: false };
  // Another attempt with this key got its row in first (only a key makes the insert skip): its
  // photo stands, this copy of the file goes.
  await fs.rm(resolveStored(uploadDir, stored), { force: true });
  const winner = key === null ? undefined : await photoUnderKey(db, inspectionId, key, digest);
  if (winner === undefined) throw new AppError('NOT_FOUND', `No inspection ${inspectionId}.`); // deleted meanwhile
  return { inspection: await getInspection(db, viewer, inspectionId), photoId: winner, replayed: true };
}

/**
 * A photo's position and time and where each came from: the query's (sent by the phone for a photo
 * without its own: `device` position, `file` time) before the EXIF's (`photo`); null sources without a value.
 */
function photoFacts(
  query: PhotoQuery,
  exif: Geotag | null,
): {
  lon: number | null;
  lat: number | null;
  positionSource: PhotoPositionSource | null;
  takenAt: string | null;
  takenAtSource: PhotoTimeSource | null;
} {
  const position =
    query.lon !== undefined && query.lat !== undefined
      ? { lon: query.lon, lat: query.lat, positionSource: 'device' as const }
      : exif && exif.lon !== null && exif.lat !== null
        ? { lon: exif.lon, lat: exif.lat, positionSource: 'photo' as const }
        : { lon: null, lat: null, positionSource: null };
  const time =
    query.takenAt !== undefined
      ? { takenAt: query.takenAt, takenAtSource: 'file' as const }
      : exif?.takenAt
        ? { takenAt: exif.takenAt, takenAtSource: 'photo' as const }
        : { takenAt: null, takenAtSource: null };
  return { ...position, ...time };
}

/** The id of the photo the inspection holds under the key, if any; 409 when its bytes are not these. */
async function photoUnderKey(db: Db, inspectionId: number, key: string, digest: string): Promise<number | undefined> {
  const row = (await db.query<{ id: number; same_bytes: boolean }>(SQL.PHOTO_BY_KEY, [inspectionId, key, digest])).rows[0];
  if (!row) return undefined;
  if (!row.same_bytes) {
    throw new AppError(
      'CONFLICT',
      `Inspection ${inspectionId} already holds photo ${row.id} under this Idempotency-Key, with other bytes; a new photo needs a new key.`,
      { reason: REGISTRY_REASON.IDEMPOTENCY_KEY_REUSED, inspectionId, photoId: row.id },
    );
  }
  return row.id;
}

/**
 * Stores (or replaces: PUT) the small version of a photo, made by the phone that sent it; for whoever
 * may add photos to the inspection. 404 for a photo the inspection does not hold; the bytes must be a
 * JPEG within MAX_THUMBNAIL_BYTES. Nothing is written before every check has passed.
 */
export async function putThumbnail(
  db: Db,
  viewer: Viewer,
  uploadDir: string,
  inspectionId: number,
  photoId: number,
  bytes: Uint8Array,
  contentType: string | undefined,
): Promise<void> {
  const photo = await photoFile(db, viewer, inspectionId, photoId);
  checkThumbnail(bytes, contentType);
  await storeThumbnail(uploadDir, photo.file_path, bytes);
}

/** A stored photo's bytes and type, for staff of the area's commune; with `thumb`, its small version when it has one (`thumb` says which came). */
export async function readPhoto(
  db: Db,
  viewer: Viewer,
  uploadDir: string,
  inspectionId: number,
  photoId: number,
  size: 'full' | 'thumb' = 'full',
): Promise<{ mime: string; bytes: Buffer; thumb: boolean }> {
  const row = await photoFile(db, viewer, inspectionId, photoId);
  if (size === 'thumb') {
    try {
      return { mime: 'image/jpeg', bytes: await fs.readFile(resolveStored(uploadDir, thumbnailPath(row.file_path))), thumb: true };
    } catch (error) {
      // A photo stored before small versions existed, or whose small version never arrived: the photo itself.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  try {
    return { mime: row.mime, bytes: await fs.readFile(resolveStored(uploadDir, row.file_path)), thumb: false };
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('NOT_FOUND', `The file of photo ${photoId} is missing from the upload folder.`);
  }
}

/** The photo's row, after the viewer's access to the inspection (404 / 403 first); 404 for a photo the inspection does not hold. */
async function photoFile(db: Db, viewer: Viewer, inspectionId: number, photoId: number): Promise<{ file_path: string; mime: string }> {
  await getInspection(db, viewer, inspectionId);
  const row = (await db.query<{ file_path: string; mime: string }>(SQL.PHOTO_FILE, [inspectionId, photoId])).rows[0];
  if (!row) throw new AppError('NOT_FOUND', `No photo ${photoId} in inspection ${inspectionId}.`);
  return row;
}
