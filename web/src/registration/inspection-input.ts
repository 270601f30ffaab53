// What the field-inspection form (inspections.ts) decides without a round trip, as pure functions:
// the statuses a 409 names, today's date on Vietnam's clock, the form's body, what a photo upload's
// query says, and a refusal in words. Which statuses take an inspection, the checklist and the photo
// rules (type by the first bytes, size, EXIF position) are the registry's own, from server/domain.
import { REGISTRY_REASON } from '../../../server/contracts/registry-codes.ts';
import type { InspectionBody } from '../../../server/contracts/registry.ts';
import { isGrowingAreaStatus, type GrowingAreaStatus } from '../../../server/domain/growing-area-lifecycle.ts';
import type { Geotag } from '../../../server/domain/photo-facts.ts';
import { HttpError } from '../api/http.ts';
import { EARLIEST_DONE_DATE } from '../../../server/domain/done-date.ts';

/** The statuses of a 409 `inspection-not-allowed`, or undefined for any other error. */
export function inspectableOf(error: unknown): GrowingAreaStatus[] | undefined {
  if (!(error instanceof HttpError) || error.problem?.reason !== REGISTRY_REASON.INSPECTION_NOT_ALLOWED) return undefined;
  const list = error.problem.inspectable;
  return Array.isArray(list) ? list.filter(isGrowingAreaStatus) : undefined;
}

/** Today as YYYY-MM-DD in Vietnam, whatever the device's own zone says (the registry's rule, server/domain). */
export { vietnamToday } from '../../../server/domain/vietnam-time.ts';

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
  /** Before 1900: a slip of the year (the server refuses it as date-too-early). */
  DATE_TOO_EARLY: 'date-too-early',
  NOTES_TOO_LONG: 'notes-too-long',
  ITEM_NOTE_TOO_LONG: 'item-note-too-long',
  /** Every checklist item left "Chưa xét": the inspection says nothing (the server refuses it as inspection-nothing-reviewed). */
  NOTHING_REVIEWED: 'nothing-reviewed',
} as const;
export type InspectionInputReason = (typeof INSPECTION_INPUT_REASONS)[keyof typeof INSPECTION_INPUT_REASONS];

/** The limits of InspectionBody (server/contracts/registry.ts). */
export const NOTES_MAX = 4000;
export const ITEM_NOTE_MAX = 1000;

/** The verdict on the form: the body to send, or what to fix. */
export type InspectionInputCheck = { valid: true; body: InspectionBody } | { valid: false; problems: InspectionInputReason[] };

/** The checklist items marked failed when the conclusion says pass: the officer is asked to look again (not refused: the officer judges). */
export function failedUnderPass(conclusion: string, checklist: readonly { item: string; verdict: string }[]): string[] {
  return conclusion === 'pass' ? checklist.filter((c) => c.verdict === 'not-ok').map((c) => c.item) : [];
}

/**
 * Checks the form against InspectionBody (`today` on Vietnam's clock); unchecked items stay out of the
 * record, and at least one item must be looked at (the server's inspection-nothing-reviewed).
 */
export function checkInspectionInput(values: InspectionValues, today: string): InspectionInputCheck {
  const problems: InspectionInputReason[] = [];
  const date = values.inspectedOn.trim();
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const parsed = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : undefined;
  if (!date) problems.push(INSPECTION_INPUT_REASONS.DATE_REQUIRED);
  else if (!parsed || parsed.toISOString().slice(0, 10) !== date) problems.push(INSPECTION_INPUT_REASONS.DATE_INVALID);
  else if (date > today) problems.push(INSPECTION_INPUT_REASONS.DATE_FUTURE);
  else if (date < EARLIEST_DONE_DATE) problems.push(INSPECTION_INPUT_REASONS.DATE_TOO_EARLY);
  const notes = values.notes.trim();
  if (notes.length > NOTES_MAX) problems.push(INSPECTION_INPUT_REASONS.NOTES_TOO_LONG);
  const checked = values.checklist.filter((c) => c.verdict !== 'unchecked');
  if (checked.length === 0) problems.push(INSPECTION_INPUT_REASONS.NOTHING_REVIEWED);
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

/** Bytes read from the start of a file to check it: the EXIF block (APP1) is at most 64 KiB and comes first. */
export const PHOTO_HEAD_BYTES = 128 * 1024;

/** A position the browser gave (WGS 84). */
export type Position = { lon: number; lat: number; accuracy: number };

/**
 * The query of POST /api/inspections/:id/photos: the phone's position only when the photo carries
 * none of its own (the server prefers the query's over the EXIF's), and the file's time only when
 * the photo has no capture time of its own.
 */
export function photoQuery(geotag: Geotag | null, position: Position | undefined, lastModified: number | undefined): string {
  const query = new URLSearchParams();
  const placed = geotag !== null && geotag.lon !== null && geotag.lat !== null;
  if (!placed && position) {
    query.set('lon', position.lon.toFixed(7));
    query.set('lat', position.lat.toFixed(7));
  }
  if (!geotag?.takenAt && lastModified !== undefined && Number.isFinite(lastModified) && lastModified > 0) {
    query.set('takenAt', new Date(lastModified).toISOString());
  }
  const text = query.toString();
  return text ? `?${text}` : '';
}

/** Why the server refused a photo or an inspection, by its status and reason (never its English detail). */
export type InspectionRefusal =
  | 'offline'
  | 'signed-out'
  | 'forbidden'
  | 'gone'
  | 'not-allowed'
  | 'pass-with-failed-items'
  | 'nothing-reviewed'
  | 'not-image'
  | 'too-large'
  | 'invalid'
  | 'server';

/** The kind of a refusal, for its message. */
export function refusalOf(error: unknown): InspectionRefusal {
  if (!(error instanceof HttpError)) return 'server';
  const problem = error.problem ?? {};
  if (error.status === 0) return 'offline';
  if (error.status === 401) return 'signed-out';
  if (error.status === 403) return 'forbidden';
  if (error.status === 404) return 'gone';
  if (error.status === 409 && problem.reason === REGISTRY_REASON.INSPECTION_NOT_ALLOWED) return 'not-allowed';
  // A pass over checklist items marked failed without a note (the server's 422 names the conclusion).
  if (error.status === 422 && problem.reason === REGISTRY_REASON.INSPECTION_PASS_WITH_FAILED_ITEMS) return 'pass-with-failed-items';
  // Every checklist item left "Chưa xét" (a draft kept on the phone by a page from before the form checked it).
  if (error.status === 422 && problem.reason === REGISTRY_REASON.INSPECTION_NOTHING_REVIEWED) return 'nothing-reviewed';
  if (error.status === 413) return 'too-large';
  if (error.status === 415) return 'not-image';
  if (error.status >= 400 && error.status < 500) return 'invalid';
  return 'server';
}
