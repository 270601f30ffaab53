// The search box: parcel keys ("29890 12 345", "tờ 12 thửa 345", "Tân Thuận Tây tờ 12 thửa 345"),
// growing-area codes, addresses and unit names old and new; owners' names for staff only. Every
// hit carries a bbox and a center so the map can fly to it.
import type { SearchResult } from '../contracts/registry.ts';
import type { Viewer } from '../contracts/viewer.ts';
import type { Db } from '../db/index.ts';
import { normaliseCode } from '../domain/growing-area-rules.ts';
import { communeScope, isStaff, logReveal } from './access.ts';
import * as SQL from './search.sql.ts';

/** A parcel key read from the query: commune (code or name, if given), sheet and parcel number. */
export type ParcelKey = { commune: string | null; sheet: number; parcel: number };

/** Reads a parcel key from what people type; null when the query is not one. */
export function parseParcelKey(q: string): ParcelKey | null {
  const text = q.normalize('NFC').trim().replace(/\s+/g, ' ');
  // "29890 12 345", "29890/12/345", "29890-12-345"
  const numeric = /^(\d{5})[\s/-]+(\d{1,5})[\s/-]+(\d{1,7})$/.exec(text);
  if (numeric) return { commune: numeric[1]!, sheet: Number(numeric[2]), parcel: Number(numeric[3]) };
  const folded = text
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd');
  // "tờ 12 thửa 345", "thửa 345 tờ 12", "tờ bản đồ số 12, thửa đất số 345", with the commune before or after.
  const sheetRe = /\bto(?: ban do)?(?: so)?\s*[:#]?\s*(\d{1,5})\b/;
  const parcelRe = /\bthua(?: dat)?(?: so)?\s*[:#]?\s*(\d{1,7})\b/;
  const s = sheetRe.exec(folded);
  const p = parcelRe.exec(folded);
  if (!s || !p) return null;
  // Whatever is left (in the original spelling) names the commune: cut the matched spans out.
  const spans = [s, p].sort((a, b) => a.index - b.index);
  let rest = '';
  let at = 0;
  for (const m of spans) {
    rest += text.slice(at, m.index);
    at = m.index + m[0].length;
  }
  rest += text.slice(at);
  const commune = rest
    .replace(/[,;:()]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return { commune: commune.length >= 2 ? commune : null, sheet: Number(s[1]), parcel: Number(p[1]) };
}

// Abbreviations people write before unit names (TP Cao Lãnh, P. 1, X. Hòa An, TX, TT, H.).
const UNIT_ABBREVIATIONS: readonly [RegExp, string][] = [
  [/^tp\.?\s*/i, 'Thành phố '],
  [/^tx\.?\s*/i, 'Thị xã '],
  [/^tt\.?\s*/i, 'Thị trấn '],
  [/^p\.\s*/i, 'Phường '],
  [/^x\.\s*/i, 'Xã '],
  [/^h\.\s*/i, 'Huyện '],
];

/** Spells out a leading unit abbreviation: "TP Cao Lãnh" → "Thành phố Cao Lãnh"; other text unchanged. */
export function expandUnitAbbreviation(q: string): string {
  const text = q.trim();
  for (const [re, full] of UNIT_ABBREVIATIONS) if (re.test(text)) return text.replace(re, full);
  return text;
}

// Every way a base letter is written in Vietnamese (precomposed, either case); 'd' includes 'đ'.
const VARIANTS: Readonly<Record<string, string>> = {
  a: 'aàáạảãâầấậẩẫăằắặẳẵ',
  e: 'eèéẹẻẽêềếệểễ',
  i: 'iìíịỉĩ',
  o: 'oòóọỏõôồốộổỗơờớợởỡ',
  u: 'uùúụủũưừứựửữ',
  y: 'yỳýỵỷỹ',
  d: 'dđ',
};

/**
 * A PostgreSQL regular expression that finds the query in text whatever its accents and case
 * ("tan hau" finds "Ấp Tân Hậu"). It scans about 25 times faster than comparing vn_fold() of
 * every row, which has no index for a match in the middle of the text. Letters may be followed
 * by combining marks, so text stored decomposed (NFD) is found too.
 */
export function accentInsensitivePattern(q: string): string {
  const folded = q
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .trim()
    .replace(/\s+/g, ' ');
  let out = '';
  for (const ch of folded) {
    const v = VARIANTS[ch];
    if (v) out += `[${v}${v.toUpperCase()}][\\u0300-\\u036f]*`;
    else if (/[a-z]/.test(ch)) out += `[${ch}${ch.toUpperCase()}][\\u0300-\\u036f]*`;
    else if (ch === ' ') out += '\\s+';
    // ASCII punctuation may be a regex operator: escape it; anything else is literal as it is.
    else if (/[!-/:-@[-`{-~]/.test(ch)) out += `\\${ch}`;
    else out += ch;
  }
  return out;
}

type Place = { bbox: [number, number, number, number] | null; center: [number, number] | null };

/** Runs the search for the viewer; owners' names appear only for officers (their communes) and administrators. */
export async function search(db: Db, viewer: Viewer, q: string, limit: number): Promise<{ query: string; results: SearchResult[] }> {
  const query = q.trim();
  const results: SearchResult[] = [];
  const key = parseParcelKey(query);
  if (key) {
    const rows = (
      await db.query<
        Place & {
          id: number;
          commune_code: string;
          commune_name: string | null;
          sheet: number;
          parcel_no: number;
          land_use_code: string;
          address: string | null;
        }
      >(SQL.SEARCH_PARCEL, [key.commune, key.sheet, key.parcel, limit])
    ).rows;
    for (const r of rows) {
      results.push({
        kind: 'parcel',
        id: String(r.id),
        label: `Tờ ${r.sheet} thửa ${r.parcel_no} — ${r.commune_name ?? r.commune_code}`,
        detail: [r.land_use_code, r.address].filter(Boolean).join(' · '),
        bbox: r.bbox,
        center: r.center,
      });
    }
    if (results.length > 0) return { query, results };
  }
  if (query.length < 2) return { query, results };

  const code = normaliseCode(query);
  if (/^[A-Z0-9-]{3,40}$/.test(code) && /\d/.test(code)) {
    for (const r of (
      await db.query<Place & { id: number; code: string; status: string; name: string; crop_name_vi: string }>(SQL.SEARCH_CODES, [
        code,
        limit,
      ])
    ).rows) {
      results.push({
        kind: 'growing_area',
        id: String(r.id),
        label: r.code,
        detail: `${r.name} · ${r.crop_name_vi} · ${r.status}`,
        bbox: r.bbox,
        center: r.center,
      });
    }
  }
  for (const r of (
    await db.query<Place & { id: number; code: string; name: string; level: string; current: boolean; today: string | null }>(
      SQL.SEARCH_UNITS,
      [expandUnitAbbreviation(query), limit],
    )
  ).rows) {
    results.push({
      kind: 'unit',
      id: String(r.id),
      label: r.name,
      detail: r.current ? `${r.level} · ${r.code}` : `${r.name} (cũ / former) → ${r.today ?? '?'}`,
      bbox: r.bbox,
      center: r.center,
    });
  }
  for (const r of (
    await db.query<Place & { id: number; sheet: number; parcel_no: number; address: string }>(SQL.SEARCH_ADDRESSES, [
      accentInsensitivePattern(query),
      limit,
    ])
  ).rows) {
    results.push({
      kind: 'address',
      id: String(r.id),
      label: r.address,
      detail: `Tờ ${r.sheet} thửa ${r.parcel_no}`,
      bbox: r.bbox,
      center: r.center,
    });
  }
  if (isStaff(viewer)) {
    await db.transaction(async (tx) => {
      const owners = (
        await tx.query<Place & { parcel_id: number; owner_name: string; commune_code: string; sheet: number; parcel_no: number }>(
          SQL.SEARCH_OWNERS,
          [accentInsensitivePattern(query), communeScope(viewer), limit],
        )
      ).rows;
      for (const r of owners) {
        results.push({
          kind: 'owner',
          id: String(r.parcel_id),
          label: r.owner_name,
          detail: `Tờ ${r.sheet} thửa ${r.parcel_no} (${r.commune_code})`,
          bbox: r.bbox,
          center: r.center,
        });
      }
      await logReveal(
        tx,
        viewer,
        owners.map((r) => `parcel_owner:${r.parcel_id}`),
        'search',
      );
    });
  }
  return { query, results: results.slice(0, limit * 4) };
}
