// Inspection photos: what an upload must be (the rules of domain/photo-facts.ts, shared with the
// browser) as the registry's refusals, and where it is kept (config.uploadDir, never a path the
// client chose).
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { IDEMPOTENCY_KEY_PATTERN, REGISTRY_REASON } from '../contracts/registry.ts';
import {
  checkPhotoFile,
  checkThumbnailFile,
  MAX_PHOTO_BYTES,
  MAX_THUMBNAIL_BYTES,
  PHOTO_REASONS,
  type PhotoType,
} from '../domain/photo-facts.ts';
import { AppError } from '../plugins/errors.ts';

const EXTENSION: Readonly<Record<PhotoType, string>> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };

/** Checks an upload: not empty, within the limit, and its bytes are the image type it claims. */
export function checkPhoto(bytes: Uint8Array, declared: string | undefined): PhotoType {
  const verdict = checkPhotoFile(bytes, bytes.length);
  if (!verdict.valid) {
    if (verdict.reason === PHOTO_REASONS.EMPTY) throw new AppError('VALIDATION_FAILED', 'The photo is empty.');
    if (verdict.reason === PHOTO_REASONS.TOO_LARGE) {
      throw new AppError('PAYLOAD_TOO_LARGE', `The photo is ${bytes.length} bytes; the limit is ${MAX_PHOTO_BYTES}.`);
    }
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'The file is not a JPEG, PNG or WebP image.');
  }
  const actual = verdict.type;
  const claimed = declared?.split(';')[0]?.trim().toLowerCase();
  if (claimed && claimed !== actual) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', `The file says ${claimed} but its bytes are ${actual}.`);
  }
  return actual;
}

/** Checks a photo's small version: not empty, within MAX_THUMBNAIL_BYTES, a JPEG by its bytes (and by its header, if it names one). */
export function checkThumbnail(bytes: Uint8Array, declared: string | undefined): void {
  const verdict = checkThumbnailFile(bytes, bytes.length);
  if (!verdict.valid) {
    if (verdict.reason === PHOTO_REASONS.EMPTY) throw new AppError('VALIDATION_FAILED', 'The small version is empty.');
    if (verdict.reason === PHOTO_REASONS.TOO_LARGE) {
      throw new AppError('PAYLOAD_TOO_LARGE', `The small version is ${bytes.length} bytes; the limit is ${MAX_THUMBNAIL_BYTES}.`);
    }
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'The small version is not a JPEG image.');
  }
  const claimed = declared?.split(';')[0]?.trim().toLowerCase();
  if (claimed && claimed !== 'image/jpeg')
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', `The file says ${claimed} but its bytes are image/jpeg.`);
}

/**
 * A request's idempotency key (a photo upload's, an inspection's) from its `Idempotency-Key` header: null without one (older clients),
 * else the key, bare or as a structured-field string (`"…"`, the IETF draft's form); 400
 * `idempotency-key-shape` for anything else, a header sent twice included.
 */
export function idempotencyKey(header: string | string[] | undefined): string | null {
  if (header === undefined) return null;
  const text = typeof header === 'string' ? header.replace(/^"(.*)"$/, '$1') : '';
  if (!IDEMPOTENCY_KEY_PATTERN.test(text)) {
    throw new AppError('BAD_REQUEST', 'The Idempotency-Key header must be 16 to 64 letters, digits, "-" or "_" (a UUID fits), sent once.', {
      reason: REGISTRY_REASON.IDEMPOTENCY_KEY_SHAPE,
    });
  }
  return text;
}

/** The SHA-256 of a photo's bytes in hex: what tells a retry (same bytes) from a key reused for another photo. */
export function photoDigest(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Writes the photo under uploadDir/inspections/<id>/ with a random name; returns the path relative to uploadDir. */
export async function storePhoto(uploadDir: string, inspectionId: number, bytes: Uint8Array, type: PhotoType): Promise<string> {
  const relative = path.join('inspections', String(inspectionId), `${randomBytes(12).toString('hex')}.${EXTENSION[type]}`);
  const full = path.join(uploadDir, relative);
  await fs.mkdir(path.dirname(full), { recursive: true });
  try {
    await fs.writeFile(full, bytes, { flag: 'wx' });
  } catch (error) {
    // A disk that fills up mid-write leaves part of a file that no row will ever name (a name
    // already taken, EEXIST, is someone else's file and stays).
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') await fs.rm(full, { force: true });
    throw error;
  }
  return relative;
}

/** Where a photo's small version sits: beside it, named after it (`ab12….jpg` → `ab12….thumb.jpg`), so no row records it. */
export function thumbnailPath(photoPath: string): string {
  return `${photoPath.replace(/\.[A-Za-z0-9]+$/, '')}.thumb.jpg`;
}

/**
 * Writes (or replaces) a photo's small version. The bytes go to a temporary name first and are renamed
 * over the old one, so a reader meets the old version or the new one, never half of either.
 */
export async function storeThumbnail(uploadDir: string, photoPath: string, bytes: Uint8Array): Promise<void> {
  const full = resolveStored(uploadDir, thumbnailPath(photoPath));
  const temporary = `${full}.${randomBytes(6).toString('hex')}.part`;
  await fs.mkdir(path.dirname(full), { recursive: true });
  try {
    await fs.writeFile(temporary, bytes, { flag: 'wx' });
    await fs.rename(temporary, full);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
}

/** Resolves a stored relative path inside uploadDir, refusing anything that would step outside it. */
export function resolveStored(uploadDir: string, relative: string): string {
  const root = path.resolve(uploadDir);
  const full = path.resolve(root, relative);
  if (!full.startsWith(root + path.sep)) throw new AppError('NOT_FOUND', 'No such photo.');
  return full;
}
