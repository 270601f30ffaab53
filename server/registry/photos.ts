// Inspection photos: what an upload must be (size, type by its first bytes, not by its name or
// header) and where it is kept (config.uploadDir, never a path the client chose).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../plugins/errors.ts';

/** Largest photo accepted, the inspection_photos.bytes limit (10 MiB): a phone photo is 2–6 MB. */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

/** Image types accepted, as the database constraint lists them. */
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type PhotoType = (typeof PHOTO_TYPES)[number];

const EXTENSION: Readonly<Record<PhotoType, string>> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };

/** The image type the bytes really are (JPEG FF D8 FF, PNG signature, RIFF…WEBP), or null. */
export function sniffImage(bytes: Uint8Array): PhotoType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 8 && png.every((b, i) => bytes[i] === b)) return 'image/png';
  const ascii = (from: number, to: number): string => String.fromCharCode(...bytes.subarray(from, to));
  if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  return null;
}

/** Checks an upload: not empty, within the limit, and its bytes are the image type it claims. */
export function checkPhoto(bytes: Uint8Array, declared: string | undefined): PhotoType {
  if (bytes.length === 0) throw new AppError('VALIDATION_FAILED', 'The photo is empty.');
  if (bytes.length > MAX_PHOTO_BYTES)
    throw new AppError('PAYLOAD_TOO_LARGE', `The photo is ${bytes.length} bytes; the limit is ${MAX_PHOTO_BYTES}.`);
  const actual = sniffImage(bytes);
  if (!actual) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'The file is not a JPEG, PNG or WebP image.');
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
