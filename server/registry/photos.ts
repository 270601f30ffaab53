// Inspection photos: what an upload must be (the rules of domain/photo-facts.ts, shared with the
// browser) as the registry's refusals, and where it is kept (config.uploadDir, never a path the
// client chose).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { checkPhotoFile, MAX_PHOTO_BYTES, PHOTO_REASONS, type PhotoType } from '../domain/photo-facts.ts';
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

/** Writes the photo under uploadDir/inspections/<id>/ with a random name; returns the path relative to uploadDir. */
export async function storePhoto(uploadDir: string, inspectionId: number, bytes: Uint8Array, type: PhotoType): Promise<string> {
  const relative = path.join('inspections', String(inspectionId), `${randomBytes(12).toString('hex')}.${EXTENSION[type]}`);
  const full = path.join(uploadDir, relative);
  await fs.mkdir(path.dirname(full), { recursive: true });
  await fs.writeFile(full, bytes, { flag: 'wx' });
  return relative;
}

/** Resolves a stored relative path inside uploadDir, refusing anything that would step outside it. */
export function resolveStored(uploadDir: string, relative: string): string {
  const root = path.resolve(uploadDir);
  const full = path.resolve(root, relative);
  if (!full.startsWith(root + path.sep)) throw new AppError('NOT_FOUND', 'No such photo.');
  return full;
}
