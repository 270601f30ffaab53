// What people type to find a parcel: "29890 12 345", "tờ 12 thửa 345", "Tân Thuận Tây 12 345",
// "sheet 12 parcel 345", and the half-keys they type first ("thửa 10", "tờ 12", "29890 12").
// Pure, so the server and the browser read a query the same way.

/** A parcel query as read: commune (code or name as typed), sheet and parcel number; null where the query gave none. */
export type ParcelQuery = { commune: string | null; sheet: number | null; parcel: number | null };

/** What a parcel query lacks before it can name one parcel. */
export type ParcelQueryPart = 'sheet' | 'parcel';

/** Folds Vietnamese text to lower-case ASCII letters ("Thửa Đất" → "thua dat"), keeping its length per base letter. */
export function foldVietnamese(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase();
}

// Sheet and parcel words, Vietnamese (folded) and English: "tờ bản đồ số 12", "thửa đất số 345", "sheet 12", "parcel no. 345".
const SHEET = /\b(?:to(?: ban do)?(?: so)?|sheet(?: no\.?)?)\s*[:#]?\s*(\d{1,5})\b/;
const PARCEL = /\b(?:thua(?: dat)?(?: so)?|parcel(?: no\.?)?)\s*[:#]?\s*(\d{1,7})\b/;

function communeOf(rest: string): string | null {
  const commune = rest
    .replace(/[,;:()]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return commune.length >= 2 ? commune : null;
}

/**
 * Reads a parcel query, whole or in part; null when the text is not one. A half-key (a sheet
 * without a parcel number or the reverse) comes back with null in the missing place, so the
 * search can say what it still needs.
 */
export function readParcelQuery(q: string): ParcelQuery | null {
  const text = q.normalize('NFC').trim().replace(/\s+/g, ' ');
  // "29890 12 345", "29890/12/345", "29890-12-345"; "29890 12" lacks the parcel number.
  const numeric = /^(\d{5})[\s/-]+(\d{1,5})(?:[\s/-]+(\d{1,7}))?$/.exec(text);
  if (numeric) return { commune: numeric[1]!, sheet: Number(numeric[2]), parcel: numeric[3] === undefined ? null : Number(numeric[3]) };
  // The folded text keeps the original's length (NFC letters fold to one letter each), so spans map back.
  const folded = foldVietnamese(text);
  if (folded.length === text.length) {
    // "Tân Thuận Tây 12 345": a commune name (letters, maybe a number as in "Phường 1") then sheet and parcel.
    const named = /^(.*[a-z].*?)[\s,]+(\d{1,5})[\s/-]+(\d{1,7})$/.exec(folded);
    if (named && !SHEET.test(folded) && !PARCEL.test(folded)) {
      const commune = communeOf(text.slice(0, named[1]!.length));
      if (commune) return { commune, sheet: Number(named[2]), parcel: Number(named[3]) };
    }
  }
  const s = SHEET.exec(folded);
  const p = PARCEL.exec(folded);
  if (!s && !p) return null;
  if (folded.length !== text.length) return { commune: null, sheet: s ? Number(s[1]) : null, parcel: p ? Number(p[1]) : null };
  // Whatever is left (in the original spelling) names the commune: cut the matched spans out.
  const spans = [s, p].filter((m): m is RegExpExecArray => m !== null).sort((a, b) => a.index - b.index);
  let rest = '';
  let at = 0;
  for (const m of spans) {
    rest += text.slice(at, m.index);
    at = m.index + m[0].length;
  }
  rest += text.slice(at);
  return { commune: communeOf(rest), sheet: s ? Number(s[1]) : null, parcel: p ? Number(p[1]) : null };
}

/** The parts a parcel query still lacks (none when it names a parcel). */
export function missingParts(query: ParcelQuery): ParcelQueryPart[] {
  const missing: ParcelQueryPart[] = [];
  if (query.sheet === null) missing.push('sheet');
  if (query.parcel === null) missing.push('parcel');
  return missing;
}
