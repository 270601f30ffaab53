// What the field-inspection form (inspections.ts) decides without a round trip, as pure functions:
// which statuses take an inspection, today's date on Vietnam's clock, the standard checklist, whether
// a picked file is a photo the server will take (by its first bytes, as server/registry/photos.ts
// does), whether a JPEG carries its own GPS position (as server/registry/exif.ts reads it), what the
// upload's query says, and a refusal in words. The server stays the authority; the unit tests hold
// these mirrors to the server's own functions.
import { REGISTRY_REASON, type InspectionBody } from '../../../server/contracts/registry.ts';
import { isGrowingAreaStatus, type GrowingAreaStatus } from '../../../server/domain/growing-area-lifecycle.ts';
import { HttpError } from '../api/http.ts';

/**
 * Statuses in which the registry records an inspection (inspections.service.ts INSPECTABLE): during
 * the application and as supervision of a code in force. The 409 `inspection-not-allowed` carries
 * the server's list, which then replaces this one.
 */
export const INSPECTABLE_STATUSES: readonly GrowingAreaStatus[] = [
  'under_inspection',
  'issued',
  'forwarded',
  'approved',
  'active',
  'suspended',
];

/** Whether an area in `status` takes an inspection, by the server's list when one was heard. */
export function acceptsInspection(status: GrowingAreaStatus, inspectable: readonly string[] = INSPECTABLE_STATUSES): boolean {
  return inspectable.includes(status);
}

/** The statuses of a 409 `inspection-not-allowed`, or undefined for any other error. */
export function inspectableOf(error: unknown): GrowingAreaStatus[] | undefined {
  if (!(error instanceof HttpError) || error.problem?.reason !== REGISTRY_REASON.INSPECTION_NOT_ALLOWED) return undefined;
  const list = error.problem.inspectable;
  return Array.isArray(list) ? list.filter(isGrowingAreaStatus) : undefined;
}

const VIETNAM_OFFSET_MS = 7 * 3600_000;

/** Today as YYYY-MM-DD in Vietnam (UTC+7, no summer time), whatever the device's own zone says. */
export function vietnamToday(now = new Date()): string {
  return new Date(now.getTime() + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
}

/**
 * The checklist of a growing-area inspection (Decision 3156/QĐ-BNN-TT): the items the seed's
 * inspections carry. The record keeps the Vietnamese wording (it is the official form's); English
 * is a reading aid.
 */
export const CHECKLIST_ITEMS: readonly { vi: string; en: string }[] = [
  { vi: 'Hồ sơ, nhật ký canh tác ghi chép đầy đủ', en: 'Records and farm diary kept in full' },
  { vi: 'Không sử dụng thuốc BVTV ngoài danh mục', en: 'No pesticide outside the permitted list' },
  { vi: 'Vệ sinh đồng ruộng, thu gom bao bì thuốc BVTV', en: 'Field hygiene, pesticide packaging collected' },
  { vi: 'Giám sát sinh vật gây hại định kỳ', en: 'Regular pest monitoring' },
  { vi: 'Ranh giới vùng trồng khớp với bản đồ', en: 'Area boundary matches the map' },
  { vi: 'Có cán bộ kỹ thuật được tập huấn', en: 'A trained technical officer is assigned' },
];

/** A checklist item in the viewer's language: the English of a standard item, any other as recorded. */
export function checklistItemLabel(item: string, language: 'vi' | 'en'): string {
  return language === 'en' ? (CHECKLIST_ITEMS.find((c) => c.vi === item)?.en ?? item) : item;
}

/** One checklist row of the form: not looked at (left out of the record), passed, or failed, with a note. */
export type ChecklistAnswer = { item: string; verdict: 'unchecked' | 'ok' | 'not-ok'; note: string };

/** What the officer typed, as strings from the form. */
export type InspectionValues = {
  inspectedOn: string;
  conclusion: 'pass' | 'fail' | '';
  notes: string;
  checklist: readonly ChecklistAnswer[];
};

/** Reasons checkInspectionInput objects with, one message each. */
export const INSPECTION_INPUT_REASONS = {
  DATE_REQUIRED: 'date-required',
  DATE_INVALID: 'date-invalid',
  DATE_FUTURE: 'date-in-future',
  NOTES_TOO_LONG: 'notes-too-long',
  ITEM_NOTE_TOO_LONG: 'item-note-too-long',
} as const;
export type InspectionInputReason = (typeof INSPECTION_INPUT_REASONS)[keyof typeof INSPECTION_INPUT_REASONS];

/** The limits of InspectionBody (server/contracts/registry.ts). */
export const NOTES_MAX = 4000;
export const ITEM_NOTE_MAX = 1000;

/** The verdict on the form: the body to send, or what to fix. */
export type InspectionInputCheck = { valid: true; body: InspectionBody } | { valid: false; problems: InspectionInputReason[] };

/** Checks the form against InspectionBody (`today` on Vietnam's clock); unchecked items stay out of the record. */
export function checkInspectionInput(values: InspectionValues, today: string): InspectionInputCheck {
  const problems: InspectionInputReason[] = [];
  const date = values.inspectedOn.trim();
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const parsed = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : undefined;
  if (!date) problems.push(INSPECTION_INPUT_REASONS.DATE_REQUIRED);
  else if (!parsed || parsed.toISOString().slice(0, 10) !== date) problems.push(INSPECTION_INPUT_REASONS.DATE_INVALID);
  else if (date > today) problems.push(INSPECTION_INPUT_REASONS.DATE_FUTURE);
  const notes = values.notes.trim();
  if (notes.length > NOTES_MAX) problems.push(INSPECTION_INPUT_REASONS.NOTES_TOO_LONG);
  const checked = values.checklist.filter((c) => c.verdict !== 'unchecked');
  if (checked.some((c) => c.note.trim().length > ITEM_NOTE_MAX)) problems.push(INSPECTION_INPUT_REASONS.ITEM_NOTE_TOO_LONG);
  if (problems.length) return { valid: false, problems };
  return {
    valid: true,
    body: {
      inspectedOn: date,
      checklist: checked.map((c) => ({ item: c.item, ok: c.verdict === 'ok', ...(c.note.trim() ? { note: c.note.trim() } : {}) })),
      conclusion: values.conclusion || null,
      ...(notes ? { notes } : {}),
    },
  };
}

/** Largest photo the server takes (photos.ts MAX_PHOTO_BYTES): a phone photo is 2–6 MB. */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

/** Image types the server stores. */
export type PhotoType = 'image/jpeg' | 'image/png' | 'image/webp';

/** The image type the first bytes say (JPEG FF D8 FF, the PNG signature, RIFF…WEBP), or null. */
export function sniffPhoto(bytes: Uint8Array): PhotoType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 8 && png.every((b, i) => bytes[i] === b)) return 'image/png';
  const ascii = (from: number, to: number): string => String.fromCharCode(...bytes.subarray(from, to));
  if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  return null;
}

/** Why a picked file is not sent. */
export type PhotoRefusal = 'empty' | 'too-large' | 'not-image';

/** A picked file: the photo to send (its real type), or why not. `head` is its first bytes (see PHOTO_HEAD_BYTES). */
export function checkPhotoFile(head: Uint8Array, size: number): { valid: true; type: PhotoType } | { valid: false; reason: PhotoRefusal } {
  if (size === 0) return { valid: false, reason: 'empty' };
  if (size > MAX_PHOTO_BYTES) return { valid: false, reason: 'too-large' };
  const type = sniffPhoto(head);
  return type ? { valid: true, type } : { valid: false, reason: 'not-image' };
}

/** Bytes read from the start of a file to check it: the EXIF block (APP1) is at most 64 KiB and comes first. */
export const PHOTO_HEAD_BYTES = 128 * 1024;

/** What a JPEG says of itself: its GPS position and whether it has a capture time. */
export type PhotoFacts = { lon: number | null; lat: number | null; hasTakenAt: boolean };

/** The position and capture-time facts of a JPEG's EXIF (null fields when absent or unreadable; never throws). */
export function readPhotoFacts(bytes: Uint8Array): PhotoFacts {
  const none: PhotoFacts = { lon: null, lat: null, hasTakenAt: false };
  try {
    return readExif(bytes) ?? none;
  } catch {
    return none;
  }
}

function readExif(bytes: Uint8Array): PhotoFacts | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint16(0) !== 0xffd8) return null;
  for (let offset = 2; offset + 4 <= bytes.length;) {
    const marker = view.getUint16(offset);
    if ((marker & 0xff00) !== 0xff00 || marker === 0xffda) return null;
    const length = view.getUint16(offset + 2);
    if (marker === 0xffe1 && String.fromCharCode(...bytes.subarray(offset + 4, offset + 10)) === 'Exif\0\0') {
      return readTiff(view, offset + 10, Math.min(offset + 2 + length, bytes.length));
    }
    offset += 2 + length;
  }
  return null;
}

function readTiff(view: DataView, start: number, end: number): PhotoFacts | null {
  const order = view.getUint16(start);
  if (order !== 0x4949 && order !== 0x4d4d) return null;
  const le = order === 0x4949;
  const u16 = (at: number): number => view.getUint16(start + at, le);
  const u32 = (at: number): number => view.getUint32(start + at, le);
  if (u16(2) !== 42) return null;
  const SIZES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 9: 4, 10: 8 };
  type Entry = { type: number; count: number; valueAt: number };
  const ifd = (at: number): Map<number, Entry> => {
    const map = new Map<number, Entry>();
    if (at <= 0 || start + at + 2 > end) return map;
    for (let i = 0, n = u16(at); i < n && i < 256; i++) {
      const e = at + 2 + i * 12;
      if (start + e + 12 > end) break;
      const type = u16(e + 2);
      const count = u32(e + 4);
      // Values of up to 4 bytes sit in the entry itself; larger ones are at an offset.
      map.set(u16(e), { type, count, valueAt: (SIZES[type] ?? 1) * count <= 4 ? e + 8 : u32(e + 8) });
    }
    return map;
  };
  const text = (entry: Entry): string => {
    let s = '';
    for (let i = 0; i < entry.count && start + entry.valueAt + i < end; i++) {
      const c = view.getUint8(start + entry.valueAt + i);
      if (c === 0) break;
      s += String.fromCharCode(c);
    }
    return s;
  };
  const ifd0 = ifd(u32(4));
  const facts: PhotoFacts = { lon: null, lat: null, hasTakenAt: false };
  const gpsPointer = ifd0.get(0x8825);
  if (gpsPointer) {
    const gps = ifd(u32(gpsPointer.valueAt));
    const coordinate = (refTag: number, valueTag: number, negative: string): number | null => {
      const ref = gps.get(refTag);
      const value = gps.get(valueTag);
      if (!ref || !value || value.type !== 5 || value.count < 3) return null;
      const [d, m, s] = [0, 1, 2].map((i) => {
        const den = u32(value.valueAt + i * 8 + 4);
        return den === 0 ? NaN : u32(value.valueAt + i * 8) / den;
      }) as [number, number, number];
      const degrees = d + m / 60 + s / 3600;
      if (!Number.isFinite(degrees)) return null;
      return text(ref).toUpperCase() === negative ? -degrees : degrees;
    };
    const lat = coordinate(1, 2, 'S');
    const lon = coordinate(3, 4, 'W');
    if (lat !== null && lon !== null && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) Object.assign(facts, { lat, lon });
  }
  const exifPointer = ifd0.get(0x8769);
  const original = exifPointer ? ifd(u32(exifPointer.valueAt)).get(0x9003) : undefined;
  facts.hasTakenAt = original !== undefined && /^\d{4}:\d{2}:\d{2} \d{2}:\d{2}:\d{2}/.test(text(original));
  return facts;
}

/** A position the browser gave (WGS 84). */
export type Position = { lon: number; lat: number; accuracy: number };

/**
 * The query of POST /api/inspections/:id/photos: the phone's position only when the photo carries
 * none of its own (the server prefers the query's over the EXIF's), and the file's time only when
 * the photo has no capture time of its own.
 */
export function photoQuery(facts: PhotoFacts, position: Position | undefined, lastModified: number | undefined): string {
  const query = new URLSearchParams();
  if ((facts.lon === null || facts.lat === null) && position) {
    query.set('lon', position.lon.toFixed(7));
    query.set('lat', position.lat.toFixed(7));
  }
  if (!facts.hasTakenAt && lastModified !== undefined && Number.isFinite(lastModified) && lastModified > 0) {
    query.set('takenAt', new Date(lastModified).toISOString());
  }
  const text = query.toString();
  return text ? `?${text}` : '';
}

/** Why the server refused a photo or an inspection, by its status and reason (never its English detail). */
export type InspectionRefusal =
  'offline' | 'signed-out' | 'forbidden' | 'gone' | 'not-allowed' | 'not-image' | 'too-large' | 'invalid' | 'server';

/** The kind of a refusal, for its message. */
export function refusalOf(error: unknown): InspectionRefusal {
  if (!(error instanceof HttpError)) return 'server';
  const problem = error.problem ?? {};
  if (error.status === 0) return 'offline';
  if (error.status === 401) return 'signed-out';
  if (error.status === 403) return 'forbidden';
  if (error.status === 404) return 'gone';
  if (error.status === 409 && problem.reason === REGISTRY_REASON.INSPECTION_NOT_ALLOWED) return 'not-allowed';
  if (error.status === 413) return 'too-large';
  if (error.status === 415) return 'not-image';
  if (error.status >= 400 && error.status < 500) return 'invalid';
  return 'server';
}
