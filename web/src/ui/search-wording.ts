// Words for the search box in the language shown: the server answers facts (kind, commune, sheet,
// parcel number, lot code, plan …) and a Vietnamese label for older clients; the labels here are
// built from the facts, so they follow the language switch. A hit without facts keeps the server's label.
import type { SearchFacts, SearchUnderstood } from '../../../server/contracts/registry.ts';
import { SEARCH_QUERY_MAX } from '../../../server/contracts/registry-codes.ts';
import { describeError, HttpError } from '../api/http.ts';
import { lang, t } from '../i18n/i18n.ts';
import type { MessageKey } from '../i18n/vi.ts';
import { date, renamedHamletNow } from './feature-format.ts';
import { parcelName, type NamedParcel } from './parcel-name.ts';

/** What the wording needs of a hit: its kind, the server's label and detail, and its facts. */
export type WordableHit = { kind?: string; label: string; detail?: string; facts?: SearchFacts };

/** "Phường 1 (29869)": a commune by name and code, or whichever of them is known. */
export function communeText(name: string | null | undefined, code: string | null | undefined, input = ''): string {
  if (name && code) return `${name} (${code})`;
  return name ?? code ?? input;
}

/** A hit's parcel as the lists name parcels: with the (old) commune of its survey ("Tờ 6 thửa 192, Xã Tân Thuận Tây cũ"). */
function namedParcel(f: SearchFacts): NamedParcel {
  return { sheet: f.sheet!, parcel: f.parcelNo!, commune: f.communeCode, communeName: f.communeName, communeFormer: f.communeFormer };
}

/** The two lines of a hit in the current language. */
export function hitText(hit: WordableHit): { label: string; detail?: string } {
  const f = hit.facts;
  if (!f) return { label: hit.label, ...(hit.detail ? { detail: hit.detail } : {}) };
  const withDetail = (label: string, detail: string | undefined) => ({ label, ...(detail ? { detail } : {}) });
  const sheetAndParcel = f.sheet !== undefined && f.parcelNo !== undefined;
  switch (hit.kind) {
    case 'parcel':
      if (!sheetAndParcel) break;
      return withDetail(
        t('searchParcelLabel', { sheet: f.sheet!, parcel: f.parcelNo!, commune: f.communeName ?? f.communeCode ?? '' }),
        [f.landUseCode, f.address].filter(Boolean).join(' · '),
      );
    case 'address':
      if (!sheetAndParcel) break;
      return withDetail(hit.label, parcelName(namedParcel(f)));
    case 'owner':
      if (!sheetAndParcel) break;
      return withDetail(hit.label, parcelName(namedParcel(f)));
    case 'farmer': {
      // "Mã thẻ ND-1234 · 3 thửa · Ấp Tân Hậu, Phường Cao Lãnh": the card code a farmer who lost
      // their card asks for, and where their plots are; "Chưa có thửa" for one just registered (the hit opens their record).
      if (!f.code || f.plotCount === undefined) break;
      const place = [f.hamlet, f.communeName ?? f.communeCode].filter(Boolean).join(', ');
      const plots = f.plotCount > 0 ? t('searchFarmerPlots', { count: f.plotCount }) : t('farmerNoPlot');
      return withDetail(f.name ?? hit.label, [t('searchFarmerCard', { code: f.code }), plots, place].filter(Boolean).join(' · '));
    }
    case 'zoning_lot':
      if (!f.lotCode) break;
      return withDetail(t('searchLotLabel', { code: f.lotCode }), f.planName);
    case 'growing_area': {
      const crop = (lang() === 'en' && f.cropNameEn ? f.cropNameEn : f.cropNameVi) ?? f.cropCode;
      const status = f.status ? t(`status_${f.status}` as MessageKey) : undefined;
      // An area with no code yet (a draft, a dossier under review) is named by its name; one found by
      // its registrant says whose it is.
      if (!f.code) return withDetail(f.name ?? hit.label, [f.registrantName, crop, status].filter(Boolean).join(' · '));
      return withDetail(f.code, [f.name, f.registrantName, crop, status].filter(Boolean).join(' · '));
    }
    case 'unit': {
      if (f.current === undefined) break;
      const level = f.level ? t(`level_${f.level}` as MessageKey) : '';
      return withDetail(hit.label, f.current ? t('searchUnitCurrent', { level, code: f.code ?? '' }) : formerUnitText(f, hit.label));
    }
  }
  return { label: hit.label, ...(hit.detail ? { detail: hit.detail } : {}) };
}

/**
 * A former unit as a hit words it: its code and last day (the old Phường 1, 29866, and the Phường 1
 * of 2025, 29869, share a name), a hamlet with its commune of then, and where it is today only when
 * the lineage says so: "Phường 1 (đơn vị cũ, mã 29866) · đến 31/12/2024 → nay thuộc Phường Cao Lãnh";
 * a hamlet renamed or merged into another names that one: "… → nay là Ấp Tân Dinh, Phường Cao Lãnh".
 */
function formerUnitText(f: SearchFacts, label: string): string {
  const name = [f.name ?? label, f.formerParent].filter(Boolean).join(', ');
  const former = [t('searchUnitFormer', { name, code: f.code ?? '' }), f.lastDay ? t('searchUnitUntil', { date: date(f.lastDay) }) : ''];
  const said = former.filter(Boolean).join(' · ');
  const renamed = renamedHamletNow({ name: f.name ?? label, today: f.today, todayHamlet: f.todayHamlet });
  if (renamed) return `${said} → ${t('searchUnitTodayIs', { today: renamed })}`;
  return f.today ? `${said} → ${t('searchUnitToday', { today: f.today })}` : `${said} · ${t('searchUnitTodayUnknown')}`;
}

/**
 * What to say when a parcel-like query found nothing: the commune it did not know, the sheet that
 * is not there, the part still missing, or the parcel number not on that sheet.
 */
export function understoodHint(u: SearchUnderstood): string {
  const commune = u.commune ? communeText(u.commune.name, u.commune.code, u.commune.input) : null;
  const where = commune ? t('searchIn', { commune }) : '';
  if (u.commune && u.commune.code === null) return t('searchNoCommune', { commune: u.commune.input });
  if (u.sheet !== null && u.sheetFound === false)
    return commune ? t('searchNoSheet', { sheet: u.sheet, where }) : t('searchNoSheetAnywhere', { sheet: u.sheet });
  if (u.sheet === null && u.parcel !== null) return t('searchNeedSheet', { parcel: u.parcel, where });
  if (u.parcel === null && u.sheet !== null) return t('searchNeedParcel', { sheet: u.sheet, where });
  if (u.sheet !== null && u.parcel !== null)
    return commune
      ? t('searchNoParcel', { parcel: u.parcel, sheet: u.sheet, where })
      : t('searchNoParcelAnywhere', { parcel: u.parcel, sheet: u.sheet });
  return '';
}

/**
 * Why a search got no answer, in words: a query the endpoint refuses (400: the box holds no more than
 * it takes, so a refusal is of the text, never "search is not ready"), no such endpoint, or the failure.
 */
export function searchFailure(error: unknown, query: string): string {
  if (error instanceof HttpError && error.status === 400)
    return query.length > SEARCH_QUERY_MAX ? t('searchTooLong', { n: SEARCH_QUERY_MAX }) : t('searchRefused');
  const detail = error instanceof HttpError && error.status === 404 ? t('searchHelp') : describeError(error);
  return t('searchUnavailable', { detail });
}

/** Personal data a query looks like: what no one may search publicly (DOMAIN.md, Privacy). */
export type PersonalQuery = 'phone' | 'citizen-id' | 'name';

// Family names that start most Vietnamese names (folded), and the middle names văn, thị: with them a
// few words of letters only read as a person ("Phan Văn Phúc"), not a hamlet or an area.
const SURNAMES = new Set(
  'nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly truong dinh doan lam mai trinh luong cao ta ha chau tang luu kieu quach thai trieu diep ton tong nghiem au giang khuu lai thach danh'.split(
    ' ',
  ),
);
const MIDDLE_NAMES = new Set(['van', 'thi']);

/**
 * What personal data a query looks like, if any: a phone number (0 or +84 and 9–10 digits, spaces,
 * dots and dashes allowed), a citizen ID (12 digits, or an old 9-digit ID card), or a person's name
 * (two to five words of letters, the first a common family name or the second văn/thị).
 */
export function personalQuery(query: string): PersonalQuery | undefined {
  const text = query.trim();
  const digits = text.replace(/[\s.()-]/g, '');
  if (/^\d{12}$/.test(digits) || /^\d{9}$/.test(digits)) return 'citizen-id';
  if (/^(?:\+?84|0)\d{9,10}$/.test(digits)) return 'phone';
  const words = text
    .normalize('NFC')
    .split(/\s+/)
    .map((w) =>
      w
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .replace(/[đĐ]/g, 'd')
        .toLowerCase(),
    );
  if (words.length < 2 || words.length > 5 || !words.every((w) => /^[a-z]+$/.test(w))) return undefined;
  return SURNAMES.has(words[0]!) || MIDDLE_NAMES.has(words[1]!) ? 'name' : undefined;
}

/**
 * Why a query that found nothing found nothing, when it looks like personal data and the viewer (by
 * role; undefined for a guest) may not search it: it is not searchable publicly, and where to go
 * instead: "Thửa của tôi" (signed in, or with the farmer card's code) or the commune's officer.
 * `openMine` when the panel offers that tab to this viewer. Staff search owners by name: nothing to say.
 */
export function personalHint(query: string, role: string | undefined): { text: string; openMine: boolean } | undefined {
  if (role === 'officer' || role === 'admin' || !personalQuery(query)) return undefined;
  const mine = t('myPlots');
  const where =
    role === undefined
      ? t('searchPersonalGuest', { mine })
      : role === 'farmer'
        ? t('searchPersonalFarmer', { mine })
        : t('searchPersonalOfficer');
  return { text: `${t('searchPersonal')} ${where}`, openMine: role === undefined || role === 'farmer' };
}
