// What an officer may write into a reason the registry publishes: the reason of a suspension or a
// revocation is shown to anyone who looks the code up (GET /api/lookup/growing-areas/:code, the
// area's and its plots' features), and a re-issue's reason is kept with the code's history. A
// citizen ID or a phone number never appears in a public answer (DOMAIN.md, Privacy), so such a
// reason is refused; "😡😡😡" or "1234" is no reason either. Names of people cannot be told from
// other words: the form says plainly that the reason is public. Pure, so the browser checks the same.
import { hasLetter, TEXT_REASONS } from './registry-text.ts';

/** Reason codes of publicNoteProblem (the `reason` of the server's 422; `field` names the input). */
export const PUBLIC_NOTE_REASONS = {
  /** No letter at all (emoji, digits, punctuation or spaces only): the names' code and words. */
  NO_LETTER: TEXT_REASONS.NAME_NO_LETTER,
  /**
   * A Vietnamese identity number: the citizen ID (CCCD), 12 digits, also written in groups
   * ("087 071 411 175"), or the old identity card (CMND), 9 digits ("341 234 567"), still on many
   * farmers' papers. One reason for both: each names a person.
   */
  CITIZEN_ID: 'personal-citizen-id',
  /** A Vietnamese phone number: 0 and 9–10 digits, or +84 / 84 and 9–10 digits, in groups or not. */
  PHONE: 'personal-phone',
} as const;

/**
 * The statuses whose move's reason is published while the area is in them (the status decision of
 * the lookup and the features API, growing-areas.sql.ts statusDecision). A re-issue's reason is
 * checked as well: it stays in the code's history.
 */
export const PUBLISHED_REASON_STATUSES: readonly string[] = ['suspended', 'revoked'];

/** Why a published reason is refused. */
export type PublicNoteProblem = (typeof PUBLIC_NOTE_REASONS)[keyof typeof PUBLIC_NOTE_REASONS];

// A run of digit groups with one kind of separator between them (a space, a dot or a dash):
// "0384 207 372", "087.071.411.175", "0384-207-372"; a leading country code "+84", "(+84)" or "84"
// may stand apart. Mixed separators end a run, so "30.11.2026 08.30" (a date and a time) is two
// runs. A run glued to a code by a dash or slash ("VN-87-866-29872-01-25", "45/QĐ-SNN", "VN-DTOR-0001")
// is part of that code, not a number of its own.
const RUN = /(?<![\p{N}]|[\p{L}\p{N}][-/])(?:(\(\+?84\)|\+84)[ .\u00A0-]?)?(\d+(?:([ .\u00A0-])\d+(?:\3\d+)*)?)(?!\p{N})/gu;

type Found = typeof PUBLIC_NOTE_REASONS.CITIZEN_ID | typeof PUBLIC_NOTE_REASONS.PHONE;

// What the digits of consecutive groups are, as written: `prefixed` when "+84" or "(84)" stood before them.
function classify(digits: string, prefixed: boolean): Found | null {
  if (prefixed) return digits.length >= 9 && digits.length <= 10 && /^[1-9]|^0[1-9]/.test(digits) ? PUBLIC_NOTE_REASONS.PHONE : null;
  // Mobile 03/05/07/08/09 + 8 digits, landline 02 + 9 digits: 0 and a non-zero digit, 10 or 11 in all.
  if (/^0[1-9]/.test(digits) && (digits.length === 10 || digits.length === 11)) return PUBLIC_NOTE_REASONS.PHONE;
  // "84 384 207 372": the country code without its plus.
  if (/^84[1-9]/.test(digits) && (digits.length === 11 || digits.length === 12)) return PUBLIC_NOTE_REASONS.PHONE;
  // A CCCD starts with its province code, 001–096 ("000 000 000 000" of a sum of money is none).
  if (/^0(?:0[1-9]|[1-8]\d|9[0-6])\d{9}$/.test(digits)) return PUBLIC_NOTE_REASONS.CITIZEN_ID;
  return null;
}

// What makes a run of digits a quantity or a document's number, not a number naming someone: a
// decimal part ("123.456.789,5"), a slash and more ("341234567/QĐ-SNN", a decision), or a unit:
// money ("150.000.000 đồng", "300 000 000đ", "VNĐ"), an area ("341 234 567 m²"), a weight, a length.
// Only the old identity card's 9 digits are read with it: a CCCD or a phone number is refused
// whatever follows (no sum is written "087 071 411 175 đồng" by chance).
const NOT_A_CARD_AFTER =
  /^(?:,\d|\/[\p{L}\p{N}]|\s*(?:₫|\$|%|(?:đồng|đ|vnđ|vnd|usd|triệu|tr|tỷ|tỉ|nghìn|ngàn|m²|m2|m|ha|km²|km|cm|mm|kg|g|tấn|tạ|yến|lít|l|cây|gốc|sào|công)(?![\p{L}\p{N}])))/iu;
// Before it: a currency written first ("$ 150 000 000", "USD 341.234.567"), or the numbers of plots,
// parcels or map sheets ("thửa 123 456 789", "các thửa số 215 216 217", "tờ bản đồ 12").
const NOT_A_CARD_BEFORE = /(?:(?:\$|usd|vnđ|vnd)|(?<![\p{L}\p{N}])(?:thửa|tờ|lô|mảnh)(?:\s+(?:đất|bản\s+đồ|số))*\s*:?)\s*$/iu;

// The old identity card (CMND): 9 digits whose first two are its province code, 01 (Hà Nội) to 38
// (Cà Mau), written whole ("341234567") or in threes ("341 234 567", "341.234.567"). Other
// groupings of 9 digits are dates, codes or lists ("29872 01 25", "12 345 6789") and kept.
function isIdCard(groups: readonly string[]): boolean {
  const digits = groups.join('');
  if (!/^(?:0[1-9]|[12]\d|3[0-8])\d{7}$/.test(digits)) return false;
  if (groups.length !== 1 && !(groups.length === 3 && groups.every((g) => g.length === 3))) return false;
  // A round sum without its unit ("150.000.000", "125 500 000"): no identity card is written so.
  return !(groups.length === 3 ? groups[2] === '000' : digits.endsWith('000000'));
}

/**
 * The first citizen ID (CCCD, or the old 9-digit CMND) or phone number in `text`, as written, with
 * what it is; undefined when none. Decision numbers ("45/QĐ-SNN"), dates ("30/11/2026",
 * "30.11.2026"), areas ("1.250 m²", "2,5 ha"), sums ("150.000.000 đồng") and codes
 * ("VN-87-866-29872-01-25") are none.
 */
export function personalNumberIn(text: string): { kind: Found; written: string } | undefined {
  const normal = text.normalize('NFC');
  let card: { kind: Found; written: string } | undefined;
  for (const m of normal.matchAll(RUN)) {
    const prefix = m[1];
    const sep = m[3];
    const groups = sep ? m[2]!.split(sep) : [m[2]!];
    const written = (i: number, j: number) => `${i === 0 && prefix ? `${prefix} ` : ''}${groups.slice(i, j).join(sep ?? '')}`;
    // Any consecutive groups: "CCCD 087071411175 2 lần" holds the ID though the run goes on. None
    // longer than 12 digits is looked at (no number named here has more): a reason of 2,000 characters
    // "1 1 1 …" costs a few thousand tries, not a billion.
    for (let i = 0; i < groups.length; i++) {
      let digits = '';
      for (let j = i + 1; j <= groups.length && digits.length + groups[j - 1]!.length <= 12; j++) {
        digits += groups[j - 1]!;
        const kind = classify(digits, i === 0 && prefix !== undefined);
        if (kind) return { kind, written: written(i, j) };
      }
    }
    // The 9 digits of a CMND are also the middle of a CCCD or of a phone number ("84 384 207 372"):
    // looked for once the run holds neither. A number grouped by dots ("1.234.567.890") is one
    // number: only the whole of it can be a card; a quantity is none.
    if (prefix !== undefined || card) continue;
    const end = m.index + m[0].length;
    // The words just before it only (a bounded slice: the reason may be 2,000 characters of "thửa thửa …").
    const before = normal.slice(Math.max(0, m.index - 40), m.index);
    if (NOT_A_CARD_AFTER.test(normal.slice(end, end + 20)) || NOT_A_CARD_BEFORE.test(before)) continue;
    const thousands = groups.length > 1 && groups[0]!.length <= 3 && groups.slice(1).every((g) => g.length === 3);
    const whole = sep === '.' || (thousands && groups.length > 3);
    if (whole) {
      if (isIdCard(groups)) card = { kind: PUBLIC_NOTE_REASONS.CITIZEN_ID, written: written(0, groups.length) };
      continue;
    }
    // A card is one group or three.
    for (let i = 0; i < groups.length && !card; i++) {
      for (let j = i + 1; j <= Math.min(groups.length, i + 3) && !card; j++) {
        if (isIdCard(groups.slice(i, j))) card = { kind: PUBLIC_NOTE_REASONS.CITIZEN_ID, written: written(i, j) };
      }
    }
  }
  return card;
}

/** What is wrong with a reason the registry publishes: no letter, a citizen ID (CCCD or CMND) or a phone number; null when none. */
export function publicNoteProblem(text: string): PublicNoteProblem | null {
  if (!hasLetter(text)) return PUBLIC_NOTE_REASONS.NO_LETTER;
  return personalNumberIn(text)?.kind ?? null;
}
