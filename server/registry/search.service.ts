// The search box: parcel keys ("29890 12 345", "tờ 12 thửa 345", "Tân Thuận Tây tờ 12 thửa 345"), zoning-lot codes,
// growing-area codes and names (and organisation registrants), addresses and unit names old and new;
// owners' names for staff only. Every hit carries a bbox and a center so the map can fly to it (an
// empty draft has none: its card opens where the map is).
import type { SearchResult, SearchUnderstood } from '../contracts/registry.ts';
import type { Viewer } from '../contracts/viewer.ts';
import type { Db, Queryable } from '../db/index.ts';
import { PUBLIC_STATUSES } from '../domain/growing-area-lifecycle.ts';
import { normaliseCode } from '../domain/growing-area-rules.ts';
import { foldVietnamese, missingParts, readParcelQuery, type ParcelQuery } from '../domain/parcel-query.ts';
import { communeScope, isStaff, logReveal } from './access.ts';
import * as SQL from './search.sql.ts';

/** The facts of a parcel a hit names (an address's, an owner's), with the commune of its survey. */
function parcelFacts(r: {
  commune_code: string;
  commune_name: string | null;
  commune_former: boolean | null;
  sheet: number;
  parcel_no: number;
  land_use_code: string;
  address: string | null;
}) {
  return {
    communeCode: r.commune_code,
    communeName: r.commune_name,
    communeFormer: r.commune_former,
    sheet: r.sheet,
    parcelNo: r.parcel_no,
    landUseCode: r.land_use_code,
    address: r.address,
  };
}

/** A parcel key read from the query: commune (code or name, if given), sheet and parcel number. */
export type ParcelKey = { commune: string | null; sheet: number; parcel: number };

/** Reads a whole parcel key from what people type; null when the query is not one (or only half of one). */
export function parseParcelKey(q: string): ParcelKey | null {
  const read = readParcelQuery(q);
  if (!read || read.sheet === null || read.parcel === null) return null;
  return { commune: read.commune, sheet: read.sheet, parcel: read.parcel };
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

/**
 * A query as a zoning-lot code: capital letters and digits only ("odt - 53" → "ODT53"), and the
 * same without zeros before numbers ("ODT-053" → "ODT53"); null when it cannot be one.
 */
export function lotCodeKey(q: string): { prefix: string; exact: string } | null {
  const compact = foldVietnamese(q)
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '');
  if (!/^[A-Z]{1,6}\d{0,6}$/.test(compact)) return null;
  return { prefix: compact, exact: compact.replace(/(^|[A-Z])0+(?=\d)/g, '$1') };
}

/** Says what a parcel-like query was read as, for an empty answer: the commune it names and whether the sheet exists. */
async function understand(db: Db, read: ParcelQuery): Promise<SearchUnderstood> {
  const row = (
    await db.query<{ code: string | null; name: string | null; sheet_found: boolean | null }>(SQL.UNDERSTAND_PARCEL, [
      read.commune,
      read.sheet,
    ])
  ).rows[0];
  return {
    kind: 'parcel',
    commune: read.commune === null ? null : { input: read.commune, code: row?.code ?? null, name: row?.name ?? null },
    sheet: read.sheet,
    parcel: read.parcel,
    missing: missingParts(read),
    sheetFound: row?.sheet_found ?? null,
  };
}

const parcelLabel = (sheet: number, parcelNo: number): string => `Tờ ${sheet} thửa ${parcelNo}`;

/**
 * Growing areas by their name or their registrant's (audit s16: an area with no code yet could be
 * opened only by a click on the map), appended to `results` after those found by code. Drafts and
 * dossiers under review only for whom the features API shows them (their ward's officers,
 * administrators); a person registrant's name only to staff of the area's commune, and logged as the
 * features API logs it.
 */
async function searchAreaNames(db: Db, viewer: Viewer, query: string, limit: number, results: SearchResult[]): Promise<void> {
  const byCode = new Set(results.filter((r) => r.kind === 'growing_area').map((r) => r.id));
  const read = async (tx: Queryable): Promise<void> => {
    const rows = (
      await tx.query<
        Place & {
          id: number;
          code: string | null;
          status: string;
          name: string;
          crop: string;
          commune_code: string;
          crop_name_vi: string;
          crop_name_en: string;
          registrant_person: boolean;
          registrant_name: string | null;
        }
      >(SQL.SEARCH_AREA_NAMES, [
        accentInsensitivePattern(query),
        communeScope(viewer),
        viewer.role === 'farmer' ? viewer.farmerId : null,
        PUBLIC_STATUSES,
        limit,
      ])
    ).rows.filter((r) => !byCode.has(String(r.id)));
    for (const r of rows) {
      results.push({
        kind: 'growing_area',
        id: String(r.id),
        label: r.code ?? r.name,
        detail: [r.code ? r.name : r.registrant_name, r.crop_name_vi, r.status].filter(Boolean).join(' · '),
        facts: {
          ...(r.code ? { code: r.code } : {}),
          name: r.name,
          status: r.status,
          cropCode: r.crop,
          cropNameVi: r.crop_name_vi,
          cropNameEn: r.crop_name_en,
          communeCode: r.commune_code,
          ...(r.registrant_name ? { registrantName: r.registrant_name } : {}),
        },
        bbox: r.bbox,
        center: r.center,
      });
    }
    const persons = rows.filter((r) => r.registrant_person && r.registrant_name !== null);
    await logReveal(
      tx,
      viewer,
      persons.map((r) => `growing_area_registrant:${r.id}`),
      'search',
    );
  };
  // Staff may be shown a person registrant, logged in the same transaction as it is read; the public's
  // search, run at every pause in typing, needs none.
  if (isStaff(viewer)) await db.transaction(read);
  else await read(db);
}

/** Runs the search for the viewer; owners' names appear only for officers (their communes) and administrators. */
export async function search(
  db: Db,
  viewer: Viewer,
  q: string,
  limit: number,
): Promise<{ query: string; results: SearchResult[]; understood?: SearchUnderstood }> {
  // Control characters (a pasted tab or line break, a stray NUL the database refuses) are spaces.
  const query = q.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  const results: SearchResult[] = [];
  const read = readParcelQuery(query);
  const key = read && read.sheet !== null && read.parcel !== null ? { ...read, sheet: read.sheet, parcel: read.parcel } : null;
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
        label: `${parcelLabel(r.sheet, r.parcel_no)} — ${r.commune_name ?? r.commune_code}`,
        detail: [r.land_use_code, r.address].filter(Boolean).join(' · '),
        facts: {
          communeCode: r.commune_code,
          communeName: r.commune_name,
          sheet: r.sheet,
          parcelNo: r.parcel_no,
          landUseCode: r.land_use_code,
          address: r.address,
        },
        bbox: r.bbox,
        center: r.center,
      });
    }
    if (results.length > 0) return { query, results };
  }
  if (query.length < 2) return read ? { query, results, understood: await understand(db, read) } : { query, results };

  // Zoning lots first: a planner typing "ODT-53" means that lot, and an exact code leads the list.
  const lot = lotCodeKey(query);
  const infoCode = /^\d{12}$/.test(query) ? query : null;
  if (lot || infoCode) {
    for (const r of (
      await db.query<
        Place & {
          id: number;
          lot_code: string;
          function: string;
          land_use_code: string | null;
          plan_id: number;
          plan_name: string;
          scale: string;
          exact: boolean;
        }
      >(SQL.SEARCH_LOTS, [lot?.prefix ?? null, lot?.exact ?? null, infoCode, limit])
    ).rows) {
      results.push({
        kind: 'zoning_lot',
        id: String(r.id),
        label: `Ô quy hoạch ${r.lot_code}`,
        detail: r.plan_name,
        facts: {
          lotCode: r.lot_code,
          function: r.function,
          landUseCode: r.land_use_code,
          planId: r.plan_id,
          planName: r.plan_name,
          scale: r.scale,
          exact: r.exact,
        },
        bbox: r.bbox,
        center: r.center,
      });
    }
  }

  const code = normaliseCode(query);
  // A code is looked for when the query has a digit ("0101", "29869-55") or names a code's
  // beginning without one ("VN-DTOR": every code of that orchard series); plain words never.
  if (/^[A-Z0-9-]{3,40}$/.test(code) && (/\d/.test(code) || /^VN-[A-Z]{2,}/.test(code))) {
    for (const r of (
      await db.query<
        Place & { id: number; code: string; status: string; name: string; crop: string; crop_name_vi: string; crop_name_en: string }
      >(SQL.SEARCH_CODES, [code, limit])
    ).rows) {
      results.push({
        kind: 'growing_area',
        id: String(r.id),
        label: r.code,
        detail: `${r.name} · ${r.crop_name_vi} · ${r.status}`,
        facts: { code: r.code, name: r.name, status: r.status, cropCode: r.crop, cropNameVi: r.crop_name_vi, cropNameEn: r.crop_name_en },
        bbox: r.bbox,
        center: r.center,
      });
    }
  }
  await searchAreaNames(db, viewer, query, limit, results);
  for (const r of (
    await db.query<
      Place & {
        id: number;
        code: string;
        name: string;
        level: string;
        current: boolean;
        today: string | null;
        last_day: string | null;
        parent_name: string | null;
        today_hamlet: string | null;
      }
    >(
      SQL.SEARCH_UNITS,
      // % and _ are letters here, not LIKE's wildcards.
      [expandUnitAbbreviation(query).replace(/[\\%_]/g, '\\$&'), limit],
    )
  ).rows) {
    // A former hamlet that is today another (renamed, merged): said as that one, not only by its ward.
    const renamed = r.today_hamlet !== null && r.today_hamlet.normalize('NFC').toLowerCase() !== r.name.normalize('NFC').toLowerCase();
    const now = renamed ? [r.today_hamlet, r.today].filter(Boolean).join(', ') : r.today;
    results.push({
      kind: 'unit',
      id: String(r.id),
      label: r.name,
      // A former unit names its code and last day (two old "Phường 1" differ by them), and where it
      // went only when the lineage says so.
      detail: r.current
        ? `${r.level} · ${r.code}`
        : `${r.name} (cũ / former) · ${r.code}${r.last_day ? ` · ≤ ${r.last_day}` : ''}${now ? ` → ${now}` : ''}`,
      facts: {
        code: r.code,
        name: r.name,
        level: r.level,
        current: r.current,
        today: r.today,
        ...(r.current ? {} : { lastDay: r.last_day, formerParent: r.parent_name, todayHamlet: r.today_hamlet }),
      },
      bbox: r.bbox,
      center: r.center,
    });
  }
  for (const r of (
    await db.query<
      Place & {
        id: number;
        commune_code: string;
        sheet: number;
        parcel_no: number;
        land_use_code: string;
        address: string;
        commune_name: string | null;
        commune_former: boolean | null;
      }
    >(SQL.SEARCH_ADDRESSES, [accentInsensitivePattern(query), limit])
  ).rows) {
    results.push({
      kind: 'address',
      id: String(r.id),
      label: r.address,
      detail: parcelLabel(r.sheet, r.parcel_no),
      facts: parcelFacts(r),
      bbox: r.bbox,
      center: r.center,
    });
  }
  if (isStaff(viewer)) {
    await db.transaction(async (tx) => {
      const owners = (
        await tx.query<
          Place & {
            parcel_id: number;
            owner_name: string;
            commune_code: string;
            sheet: number;
            parcel_no: number;
            land_use_code: string;
            address: string | null;
            commune_name: string | null;
            commune_former: boolean | null;
          }
        >(SQL.SEARCH_OWNERS, [accentInsensitivePattern(query), communeScope(viewer), limit])
      ).rows;
      for (const r of owners) {
        results.push({
          kind: 'owner',
          id: String(r.parcel_id),
          label: r.owner_name,
          detail: `${parcelLabel(r.sheet, r.parcel_no)} (${r.commune_code})`,
          facts: { ownerName: r.owner_name, ...parcelFacts(r) },
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
      // Farmers of the registry by name, citizen ID, phone ("0909 111 222": digits in groups) or card
      // code: an officer finds the farmer who lost their card, and the hit opens the first of their plots;
      // a farmer with no plot yet (just registered) is found too, and the hit opens their record.
      const digits = /^[0-9][0-9 .+-]{4,}$/.test(query) ? query.replace(/[^0-9]/g, '') : null;
      const farmers = (
        await tx.query<
          Place & {
            id: number;
            lookup_code: string;
            commune_code: string;
            hamlet: string | null;
            full_name: string;
            plots: number;
            first_plot: number | null;
            commune_name: string | null;
          }
        >(SQL.SEARCH_FARMERS, [accentInsensitivePattern(query), communeScope(viewer), digits, query, limit])
      ).rows;
      for (const r of farmers) {
        results.push({
          kind: 'farmer',
          // What the hit opens: the first plot's card, or the farmer's record when they have no plot yet.
          id: String(r.first_plot ?? r.id),
          label: r.full_name,
          detail: [`${r.lookup_code}`, r.plots > 0 ? `${r.plots} thửa` : 'chưa có thửa', r.hamlet, r.commune_name ?? r.commune_code]
            .filter(Boolean)
            .join(' · '),
          facts: {
            farmerId: Number(r.id),
            name: r.full_name,
            code: r.lookup_code,
            plotCount: r.plots,
            hamlet: r.hamlet,
            communeCode: r.commune_code,
            communeName: r.commune_name,
          },
          bbox: r.bbox,
          center: r.center,
        });
      }
      await logReveal(
        tx,
        viewer,
        farmers.map((r) => `farmer:${r.id}`),
        'search',
      );
    });
  }
  if (results.length === 0 && read) return { query, results, understood: await understand(db, read) };
  return { query, results: results.slice(0, limit * 4) };
}
