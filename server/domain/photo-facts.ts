// What a photo's bytes say of themselves, pure so that the browser checks a picked file by the same
// rules the registry enforces on its upload: the size limit, the image type by the first bytes (not
// by the name or a header), and the GPS position and capture time a phone camera writes into a JPEG
// (EXIF APP1, TIFF IFDs), so a photo uploaded from the gallery is still geotagged. Plain Uint8Array
// and DataView: no Buffer, nothing of node.

/** Largest photo accepted, the inspection_photos.bytes limit (10 MiB): a phone photo is 2–6 MB. */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

/** Image types accepted, as the database constraint lists them. */
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;

/** An accepted image type. */
export type PhotoType = (typeof PHOTO_TYPES)[number];

/** The image type the bytes really are (JPEG FF D8 FF, PNG signature, RIFF…WEBP), or null. */
export function sniffImage(bytes: Uint8Array): PhotoType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 8 && png.every((b, i) => bytes[i] === b)) return 'image/png';
  const ascii = (from: number, to: number): string => String.fromCharCode(...bytes.subarray(from, to));
  if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  return null;
}

/** Reason constants of checkPhotoFile. */
export const PHOTO_REASONS = { EMPTY: 'empty', TOO_LARGE: 'too-large', NOT_IMAGE: 'not-image' } as const;

/** Why a file is not taken as a photo. */
export type PhotoRefusal = (typeof PHOTO_REASONS)[keyof typeof PHOTO_REASONS];

/**
 * Whether a file of `size` bytes starting with `head` is a photo the registry takes, and its real
 * type: not empty, within MAX_PHOTO_BYTES, an image by its first bytes. The browser passes the
 * file's first bytes only; the server the whole upload.
 */
export function checkPhotoFile(head: Uint8Array, size: number): { valid: true; type: PhotoType } | { valid: false; reason: PhotoRefusal } {
  if (size === 0) return { valid: false, reason: PHOTO_REASONS.EMPTY };
  if (size > MAX_PHOTO_BYTES) return { valid: false, reason: PHOTO_REASONS.TOO_LARGE };
  const type = sniffImage(head);
  return type ? { valid: true, type } : { valid: false, reason: PHOTO_REASONS.NOT_IMAGE };
}

/** Longest side in pixels of a photo's small version, made by the phone: a list thumbnail needs no more. */
export const THUMBNAIL_MAX_EDGE = 480;

/** Largest small version accepted (200 KB): a 480 px JPEG at quality 0.75 is some 30–80 KB. */
export const MAX_THUMBNAIL_BYTES = 200 * 1024;

/** Whether bytes are a small version the registry keeps: not empty, within MAX_THUMBNAIL_BYTES, a JPEG by its first bytes. */
export function checkThumbnailFile(head: Uint8Array, size: number): { valid: true } | { valid: false; reason: PhotoRefusal } {
  if (size === 0) return { valid: false, reason: PHOTO_REASONS.EMPTY };
  if (size > MAX_THUMBNAIL_BYTES) return { valid: false, reason: PHOTO_REASONS.TOO_LARGE };
  return sniffImage(head) === 'image/jpeg' ? { valid: true } : { valid: false, reason: PHOTO_REASONS.NOT_IMAGE };
}

/** Where and when a photo was taken, as far as its EXIF says. */
export type Geotag = { lon: number | null; lat: number | null; takenAt: string | null };

/** The geotag of a JPEG, or null when it has no readable EXIF (malformed or truncated: null, never an exception). */
export function readJpegGeotag(bytes: Uint8Array): Geotag | null {
  try {
    return read(bytes);
  } catch {
    return null;
  }
}

function read(bytes: Uint8Array): Geotag | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint16(0) !== 0xffd8) return null;
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    const marker = view.getUint16(offset);
    if ((marker & 0xff00) !== 0xff00 || marker === 0xffda) return null; // start of scan: no EXIF before it
    const length = view.getUint16(offset + 2);
    if (marker === 0xffe1 && String.fromCharCode(...bytes.subarray(offset + 4, offset + 10)) === 'Exif\0\0') {
      return readTiff(view, offset + 10, offset + 2 + length);
    }
    offset += 2 + length;
  }
  return null;
}

function readTiff(view: DataView, start: number, end: number): Geotag | null {
  const order = view.getUint16(start);
  if (order !== 0x4949 && order !== 0x4d4d) return null;
  const le = order === 0x4949;
  const u16 = (at: number): number => view.getUint16(start + at, le);
  const u32 = (at: number): number => view.getUint32(start + at, le);
  if (u16(2) !== 42) return null;
  const entries = (ifd: number): Map<number, { type: number; count: number; valueAt: number }> => {
    const map = new Map<number, { type: number; count: number; valueAt: number }>();
    if (ifd <= 0 || start + ifd + 2 > end) return map;
    const n = u16(ifd);
    for (let i = 0; i < n && i < 256; i++) {
      const e = ifd + 2 + i * 12;
      if (start + e + 12 > end) break;
      const type = u16(e + 2);
      const count = u32(e + 4);
      const size = ({ 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 9: 4, 10: 8 } as Record<number, number>)[type] ?? 1;
      // Values of up to 4 bytes sit in the entry itself; larger ones are at an offset.
      map.set(u16(e), { type, count, valueAt: size * count <= 4 ? e + 8 : u32(e + 8) });
    }
    return map;
  };
  const rational = (at: number): number => {
    const den = u32(at + 4);
    return den === 0 ? NaN : u32(at) / den;
  };
  const ascii = (entry: { count: number; valueAt: number }): string => {
    let s = '';
    for (let i = 0; i < entry.count && start + entry.valueAt + i < end; i++) {
      const c = view.getUint8(start + entry.valueAt + i);
      if (c === 0) break;
      s += String.fromCharCode(c);
    }
    return s;
  };
  const ifd0 = entries(u32(4));
  const result: Geotag = { lon: null, lat: null, takenAt: null };

  const gpsPointer = ifd0.get(0x8825);
  if (gpsPointer) {
    const gps = entries(u32(gpsPointer.valueAt));
    const coord = (refTag: number, valueTag: number, negative: string): number | null => {
      const ref = gps.get(refTag);
      const value = gps.get(valueTag);
      if (!ref || !value || value.type !== 5 || value.count < 3) return null;
      const dms = [0, 1, 2].map((i) => rational(value.valueAt + i * 8));
      if (dms.some((v) => !Number.isFinite(v))) return null;
      // Degrees, minutes and seconds summed in binary print with noise (10.466009999999999): kept to
      // 7 decimals, about 1 cm, finer than any phone's GPS.
      const deg = Math.round((dms[0]! + dms[1]! / 60 + dms[2]! / 3600) * 1e7) / 1e7;
      return ascii(ref).toUpperCase() === negative ? -deg : deg;
    };
    const lat = coord(1, 2, 'S');
    const lon = coord(3, 4, 'W');
    if (lat !== null && lon !== null && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
      result.lat = lat;
      result.lon = lon;
    }
  }
  const exifPointer = ifd0.get(0x8769);
  const original = exifPointer ? entries(u32(exifPointer.valueAt)).get(0x9003) : undefined;
  const stamp = original ? ascii(original) : '';
  const m = /^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})/.exec(stamp);
  // EXIF times carry no zone; a phone in Vietnam writes local time (UTC+7).
  if (m) result.takenAt = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}+07:00`;
  return result.lat === null && result.takenAt === null ? null : result;
}

/** Builds a minimal JPEG with EXIF GPS and capture time (for tests and sample data). */
export function jpegWithGeotag(lon: number, lat: number, takenAt: string): Uint8Array {
  // Little-endian TIFF: IFD0 with GPS and Exif pointers; GPS IFD with refs and DMS rationals.
  const bytes: number[] = [];
  const u16 = (v: number): void => void bytes.push(v & 0xff, (v >> 8) & 0xff);
  const u32 = (v: number): void => void bytes.push(v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff);
  const entry = (tag: number, type: number, count: number, value: number): void => {
    u16(tag);
    u16(type);
    u32(count);
    u32(value);
  };
  const ifd0 = 8;
  const gpsIfd = ifd0 + 2 + 2 * 12 + 4; // 38
  const gpsEntries = 4;
  const latData = gpsIfd + 2 + gpsEntries * 12 + 4; // 92
  const lonData = latData + 24;
  const exifIfd = lonData + 24;
  const dateData = exifIfd + 2 + 12 + 4;
  bytes.push(0x49, 0x49);
  u16(42);
  u32(ifd0);
  u16(2);
  entry(0x8769, 4, 1, exifIfd);
  entry(0x8825, 4, 1, gpsIfd);
  u32(0);
  u16(gpsEntries);
  entry(1, 2, 2, lat < 0 ? 0x53 : 0x4e);
  entry(2, 5, 3, latData);
  entry(3, 2, 2, lon < 0 ? 0x57 : 0x45);
  entry(4, 5, 3, lonData);
  u32(0);
  const dms = (v: number): void => {
    const a = Math.abs(v);
    const d = Math.floor(a);
    const m = Math.floor((a - d) * 60);
    const s = Math.round(((a - d) * 60 - m) * 60 * 10_000);
    u32(d);
    u32(1);
    u32(m);
    u32(1);
    u32(s);
    u32(10_000);
  };
  dms(lat);
  dms(lon);
  u16(1);
  entry(0x9003, 2, 20, dateData);
  u32(0);
  for (const c of `${takenAt}\0`) bytes.push(c.charCodeAt(0));
  const exif = [0x45, 0x78, 0x69, 0x66, 0, 0, ...bytes];
  const len = exif.length + 2;
  return Uint8Array.from([0xff, 0xd8, 0xff, 0xe1, len >> 8, len & 0xff, ...exif, 0xff, 0xd9]);
}
