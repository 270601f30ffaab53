import {
  SCHEME_LABELS,
  STATUS_DECISION_LABELS,
  statusDecisionText,
  statusWithForce,
} from '../../../server/domain/growing-area-lifecycle.ts';
import type { SearchFacts } from '../../../server/contracts/registry.ts';
import type { PropertySchema } from '../api/lookups.ts';
import { formatNumber, lang, t } from '../i18n/i18n.ts';
import { vi, type MessageKey } from '../i18n/vi.ts';
import { cropName, type Crop } from '../registration/crops.ts';
import { vietnamToday } from '../../../server/domain/vietnam-time.ts';

/**
 * What a card knows beyond the feature itself, each part optional: the card renders without them
 * (codes as they are) and reads better once they have arrived.
 */
export type CardContext = {
  /** The name of a land-use code. */
  describeCode?: (code: string) => string;
  /** The features API's description of the collection's properties (queryables), by name. */
  schema?: Record<string, PropertySchema>;
  /** The crop catalogue (GET /api/crops). */
  crops?: readonly Crop[];
  /**
   * The name of the feature's commune or ward: for a parcel at the date its (old) code refers to, for
   * the rest today's (a code alone says little: 29869 was Phường 2, then Phường 1, now Phường Cao Lãnh).
   */
  communeName?: string;
  /** Whether that commune or ward is no longer in force (merged on 01/07/2025): its name is said "cũ" / "former". */
  communeFormer?: boolean;
  /** For a former one, the units of today it became part of ('Phường Cao Lãnh'), when known. */
  communeToday?: string;
  /** The name of a plot's growing area (tiles carry its id and code only). */
  growingAreaName?: string;
};

/** One line of a card: its label, the value people read, and the code that value names, shown small beside it. */
/**
 * One line of a card: its label, its value, a code said small beside the value, and `whole` when the
 * value is itself a code (a growing area's "VN-87-866-29893-01-23"), kept on one line, never broken at a hyphen.
 */
export type CardRow = { label: string; value: string; code?: string; whole?: true };

/** How one property reads in a details card: its label and how to print its value. */
type Field = {
  key: string;
  label: MessageKey;
  /** The value printed; `p` is the whole feature, for a value read with another (a volume with its season). */
  format?: (value: unknown, context: CardContext, p: Record<string, unknown>) => string;
};

const m2 = (v: unknown) => `${formatNumber(Number(v), Number(v) < 100 ? 1 : 0)} m²`;
const ha = (v: unknown) => `${formatNumber(Number(v) / 10000, 2)} ha`;
/** A number with its unit, written with the decimals it has (81 %, 12,8 m): as the parcel card's lot controls write it (zoneControls), never 81,0 % there and 81 % here. */
const withUnit = (unit: string) => (v: unknown) => `${plainNumber(Number(v))} ${unit}`;

/**
 * An expected harvest, marked when its day has passed in Vietnam: the diary's pre-harvest check
 * compares only a harvest on or after a spray's day, so a stale date silently checks nothing.
 */
function harvest(v: unknown): string {
  const text = String(v);
  return /^\d{4}-\d{2}-\d{2}/.test(text) && text.slice(0, 10) < vietnamToday() ? t('harvestPassed', { date: date(v) }) : date(v);
}

/** A calendar date as dd/mm/yyyy in Vietnamese, yyyy-mm-dd in English; anything else as it is. */
export function date(v: unknown): string {
  const text = String(v);
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  return m ? (lang() === 'vi' ? `${m[3]}/${m[2]}/${m[1]}` : `${m[1]}-${m[2]}-${m[3]}`) : text;
}

/**
 * A calendar day (yyyy-mm-dd, as a date field gives it) in words in the language shown: "1 tháng 12,
 * 2026", "1 December 2026"; '' for an empty or impossible day. A date field shows the browser's
 * order (mm/dd/yyyy on an English system), so 12/01/2026 is read as 12 January: the words settle it.
 */
export function dateInWords(value: string): string {
  const m = /^(\d{4,6})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return '';
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const at = new Date(0);
  // setUTCFullYear, not Date.UTC: the latter reads years 0–99 as 1900–1999.
  at.setUTCFullYear(year, month - 1, day);
  if (at.getUTCFullYear() !== year || at.getUTCMonth() !== month - 1 || at.getUTCDate() !== day) return '';
  const monthWord = lang() === 'vi' ? String(month) : at.toLocaleDateString('en-GB', { timeZone: 'UTC', month: 'long' });
  return t('dateInWords', { day, month: monthWord, year });
}

// Times are the registry's, in Cao Lãnh: read on Vietnam's clock whatever the viewer's device says.
const VN_CLOCK = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Ho_Chi_Minh',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** An instant (ISO date-time) as its date and hh:mm in Vietnam; anything unparsable as it is. */
export function dateTime(v: unknown): string {
  const text = String(v);
  const when = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(when.getTime())) return text;
  const part = Object.fromEntries(VN_CLOCK.formatToParts(when).map((p) => [p.type, p.value]));
  return `${date(`${part.year}-${part.month}-${part.day}`)} ${part.hour}:${part.minute}`;
}

/** A number with the language's separators and as many decimals as it has (at most 6). */
export function plainNumber(v: number): string {
  const decimals = /^-?\d+(?:\.(\d+))?$/.exec(String(v));
  return formatNumber(v, decimals ? Math.min(6, decimals[1]?.length ?? 0) : 6);
}

/** Agricultural areas read in hectares, as the lifecycle card and the rules (min. 0.1/1 ha) do, with the m² beside. */
const farmArea = (v: unknown) => (Number(v) >= 1000 ? `${ha(v)} (${m2(v)})` : m2(v));
const areaM2 = (v: unknown) => (Number(v) >= 10000 ? `${ha(v)} (${m2(v)})` : m2(v));
const labelIn = (labels: Readonly<Record<string, { vi: string; en: string }>>, v: unknown) => {
  const label = Object.hasOwn(labels, String(v)) ? labels[String(v)] : undefined;
  return label ? label[lang()] : String(v);
};
// Plots carry their growing area's status: both read with the registry's own words, and a suspended
// or revoked code says outright that it is not in force ("Tạm đình chỉ" alone reads like a kind of valid).
const status = (v: unknown) => statusWithForce(String(v), lang());
const crop = (v: unknown, context: CardContext) => (context.crops ? cropName(context.crops, String(v)) : String(v));

/** A market code by name in the viewer's language (the code itself for one the table does not know). */
export function marketName(market: string): string {
  const key = `diaryMarket_${market}`;
  return key in vi ? t(key as MessageKey) : market;
}

/** A growing area's markets by name ("Trung Quốc, Hoa Kỳ"): tiles carry them as "CN,US", the features API as a list. */
const markets = (v: unknown) =>
  (Array.isArray(v) ? v.map(String) : String(v).split(','))
    .map((m) => m.trim())
    .filter(Boolean)
    .map(marketName)
    .join(', ');

/**
 * The seasons the registry's products name in Vietnamese (004_agriculture: 'Đông Xuân', 'Hè Thu',
 * 'quanh năm'), in the language shown; the English keeps the Vietnamese crop's name beside it, as
 * buyers and officers call it. Any other season is shown as typed.
 */
const SEASONS: Readonly<Record<string, { vi: string; en: string }>> = {
  'quanh năm': { vi: 'Quanh năm', en: 'All year' },
  'đông xuân': { vi: 'Đông Xuân', en: 'Winter–spring crop (Đông Xuân)' },
  'hè thu': { vi: 'Hè Thu', en: 'Summer–autumn crop (Hè Thu)' },
  'thu đông': { vi: 'Thu Đông', en: 'Autumn–winter crop (Thu Đông)' },
  tết: { vi: 'Tết', en: 'Tết (Lunar New Year)' },
};

/** A product's season in the language shown (SEASONS), or as typed. */
export function seasonText(v: unknown): string {
  const text = String(v);
  const key = text.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('vi');
  return Object.hasOwn(SEASONS, key) ? SEASONS[key]![lang()] : text;
}

/** The crop (vụ) a volume is of, for the named seasons of SEASONS ('quanh năm' is a year). */
const PER_CROP: Readonly<Record<string, { vi: string; en: string }>> = {
  'đông xuân': { vi: 'vụ Đông Xuân', en: 'winter–spring crop (Đông Xuân)' },
  'hè thu': { vi: 'vụ Hè Thu', en: 'summer–autumn crop (Hè Thu)' },
  'thu đông': { vi: 'vụ Thu Đông', en: 'autumn–winter crop (Thu Đông)' },
  tết: { vi: 'vụ Tết', en: 'Tết crop' },
};

/**
 * A product's volume with the period it is of. The registry keeps one season beside the volume
 * (004_agriculture: products.season, 'Đông Xuân', 'Hè Thu', 'quanh năm'), and nothing else says
 * what span the tonnes cover: 'quanh năm' reads per year, a named crop per that crop (vụ), another
 * season as typed; with no season the card says that none is recorded rather than guess one.
 */
export function volumeText(volume: unknown, season: unknown): string {
  // Tenths of a tonne at most, as the registry keeps them (numeric(10, 1)); a whole number has none.
  const tonnes = Number(volume);
  const n = formatNumber(tonnes, Number.isInteger(tonnes) ? 0 : 1);
  const text = season === null || season === undefined ? '' : String(season).normalize('NFC').trim().replace(/\s+/g, ' ');
  const key = text.toLocaleLowerCase('vi');
  if (key === '') return t('volumeNoSeason', { n });
  if (key === 'quanh năm') return t('volumePerYear', { n });
  if (Object.hasOwn(PER_CROP, key)) return t('volumePerCrop', { n, crop: PER_CROP[key]![lang()] });
  return t('volumePerSeason', { n, season: text });
}

/** Labels of values that the registry's domain names itself, by property. */
const DOMAIN_LABELS: Record<string, Readonly<Record<string, { vi: string; en: string }>>> = { scheme: SCHEME_LABELS };

/**
 * A value of an enumerated property in the language shown: the domain's label, else the message
 * `<property>_<value>` (category_fruit, registrant_kind_person …), else the value as it is.
 */
export function enumLabel(key: string, value: unknown): string {
  const labels = DOMAIN_LABELS[key];
  if (labels) return labelIn(labels, value);
  const message = `${key}_${String(value)}`;
  return Object.hasOwn(vi, message) ? t(message as MessageKey) : String(value);
}

// Record numbers, years and versions are names, not quantities: "2024", not "2.024".
const IDENTIFIER = /(^|_)(id|no|year)$|^version$/;

/**
 * A property's value as a card prints it, led by the features API's schema of the property: dates
 * and times, numbers with the language's separators, Có/Không, enumerations by their labels, lists
 * joined; what it cannot read is shown as it is.
 */
export function valueText(key: string, value: unknown, schema: PropertySchema = {}): string {
  if (Array.isArray(value)) return value.flatMap((v) => (v === null || v === undefined ? [] : [valueText(key, v)])).join(', ');
  if (typeof value === 'boolean') return t(value ? 'yes' : 'no');
  const numeric = typeof value === 'string' && (schema.type === 'number' || schema.type === 'integer') && value.trim() !== '';
  if (typeof value === 'number' || (numeric && Number.isFinite(Number(value)))) {
    return IDENTIFIER.test(key) ? String(value) : plainNumber(Number(value));
  }
  if (schema.format === 'date') return date(value);
  if (schema.format === 'date-time') return dateTime(value);
  return enumLabel(key, value);
}

/** Fields shown first for each layer group, in order; other non-empty properties follow under "Properties". */
export const FIELDS: Record<string, Field[]> = {
  parcels: [
    { key: 'commune_code', label: 'commune' },
    { key: 'sheet', label: 'sheet' },
    { key: 'parcel_no', label: 'parcelNo' },
    { key: 'land_use_code', label: 'landUse' },
    { key: 'legal_area_m2', label: 'legalArea', format: m2 },
    { key: 'area_m2', label: 'area', format: areaM2 },
    { key: 'address', label: 'address' },
  ],
  landuse: [
    { key: 'land_use_code', label: 'landUse' },
    // The map by its name and kind, never by its record id ('Bản đồ: 2', audit s17).
    { key: 'map_name', label: 'cardMapName' },
    { key: 'map_kind', label: 'cardMapKind', format: (v) => enumLabel('map_kind', v) },
    // The tiles call the map's year `year`, the features API `map_year`: one row either way; a plan's
    // is its period (2021–2030), its first year alone read as the year the plan is of.
    { key: 'year', label: 'mapYear' },
    { key: 'area_m2', label: 'area', format: areaM2 },
  ],
  zones: [
    { key: 'lot_code', label: 'lotCode' },
    { key: 'function', label: 'landFunction' },
    { key: 'land_use_code', label: 'landUse' },
    { key: 'area_m2', label: 'lotArea', format: areaM2 },
    { key: 'max_far', label: 'maxFar', format: (v) => formatNumber(Number(v), 2) },
    { key: 'max_density_pct', label: 'maxDensity', format: withUnit('%') },
    { key: 'min_floors', label: 'minFloors' },
    { key: 'max_floors', label: 'maxFloors' },
    { key: 'max_height_m', label: 'maxHeight', format: withUnit('m') },
    { key: 'setback_m', label: 'setback', format: withUnit('m') },
    { key: 'phase', label: 'phase', format: (v) => enumLabel('phase', v) },
    { key: 'decision_no', label: 'decision' },
    { key: 'plan_name', label: 'plan' },
  ],
  growing_areas: [
    { key: 'code', label: 'code' },
    { key: 'name', label: 'name' },
    { key: 'status', label: 'status', format: status },
    { key: 'crop', label: 'crop', format: crop },
    { key: 'variety', label: 'variety' },
    { key: 'area_m2', label: 'area', format: farmArea },
    { key: 'markets', label: 'markets', format: markets },
  ],
  plots: [
    { key: 'crop', label: 'crop', format: crop },
    { key: 'variety', label: 'variety' },
    { key: 'area_m2', label: 'area', format: farmArea },
    { key: 'planting_date', label: 'plantingDate', format: date },
    { key: 'expected_harvest', label: 'expectedHarvest', format: harvest },
    { key: 'code', label: 'code' },
    { key: 'status', label: 'status', format: status },
  ],
  // The product is the card's title: not a row again ('Lúa · Sản phẩm: Lúa · Loại: Lúa', audit s17).
  products: [
    { key: 'producer_name', label: 'producer' },
    { key: 'category', label: 'kind', format: (v) => enumLabel('category', v) },
    { key: 'season', label: 'season', format: (v) => seasonText(v) },
    // Tonnes mean nothing without their span: the product's season says it (volumeText).
    { key: 'volume_tonnes', label: 'volume', format: (v, _context, p) => volumeText(v, p.season) },
    { key: 'address', label: 'address' },
  ],
  // Road and water kinds share the "kind_" messages: their values never overlap.
  roads: [
    { key: 'name', label: 'name' },
    { key: 'kind', label: 'kind', format: (v) => enumLabel('kind', v) },
  ],
  water: [
    { key: 'name', label: 'name' },
    { key: 'kind', label: 'kind', format: (v) => enumLabel('kind', v) },
  ],
  admin: [
    { key: 'name', label: 'name' },
    { key: 'code', label: 'code' },
    // A former unit opened from the search: what it is today, said on its card (it looks like today's otherwise).
    { key: 'former', label: 'unitNow', format: (v) => formerUnitNow(v as FormerUnit) ?? '' },
  ],
};

/** What a former unit's card and search hit need of it (SearchFacts of a unit). */
export type FormerUnit = Pick<SearchFacts, 'name' | 'today' | 'todayHamlet'>;

/**
 * The hamlet of today a former hamlet became when it is another (renamed, or merged into a neighbour),
 * with its ward: "Ấp Tân Dinh, Phường Cao Lãnh"; undefined when it kept its name or none is recorded.
 */
export function renamedHamletNow(f: FormerUnit): string | undefined {
  const same = (a: string, b: string) => a.normalize('NFC').toLowerCase() === b.normalize('NFC').toLowerCase();
  if (!f.todayHamlet || (f.name && same(f.todayHamlet, f.name))) return undefined;
  return [f.todayHamlet, f.today].filter(Boolean).join(', ');
}

/**
 * A former unit said with what it is today: "Ấp Thử Sáp Nhập cũ, nay là Ấp Tân Dinh, Phường Cao
 * Lãnh" for a hamlet renamed or merged, "Ấp Tân Dinh cũ, nay thuộc Phường Cao Lãnh" for one that kept
 * its name, or that today's unit is not known.
 */
export function formerUnitNow(f: FormerUnit): string | undefined {
  if (!f.name) return undefined;
  const renamed = renamedHamletNow(f);
  if (renamed) return t('unitFormerNowIs', { former: f.name, today: renamed });
  return f.today ? t('unitFormerNowIn', { former: f.name, today: f.today }) : t('unitFormerNowUnknown', { former: f.name });
}

/** The card title of a feature of a group. */
export function titleOf(group: string, p: Record<string, unknown>): string {
  switch (group) {
    case 'parcels':
      return p.parcel_no !== undefined ? t('parcelTitle', { parcel: String(p.parcel_no), sheet: String(p.sheet ?? '?') }) : t('parcel');
    case 'zones':
      return `${t('zone')} ${p.lot_code ?? ''}`.trim();
    case 'growing_areas': {
      const label = t('growingArea');
      const named = String(p.code ?? p.name ?? '');
      // A name that already says what it is ("Vùng trồng xoài ấp Tân Hậu") is not prefixed again.
      return named.toLocaleLowerCase('vi').startsWith(label.toLocaleLowerCase('vi')) ? named : `${label} ${named}`.trim();
    }
    case 'plots':
      return t('plot');
    case 'products':
      return String(p.product ?? t('product'));
    case 'roads':
      return String(p.name ?? t('road'));
    case 'water':
      return String(p.name ?? t('water'));
    case 'admin':
      return String(p.name ?? t('adminUnit'));
    case 'landuse':
      return `${t('landUse')} ${p.land_use_code ?? ''}`.trim();
    default:
      return group;
  }
}

/** A bilingual title "Vietnamese / English" in the language shown (the whole title when it has one language). */
function titleIn(title: string): string {
  const [vi, en] = title.split(' / ');
  return (lang() === 'en' ? en : vi)?.trim() || title;
}

/**
 * Names that are never a feature's property but the client's own: a search hit's words and places
 * (label, detail, facts, bbox, center) and a picked feature's (group, geometry). A card that got them
 * among its properties showed rows "label | Ô quy hoạch ODT-53"; it leaves them out, as it does any
 * name no column has (camelCase, spaces) unless the features API's schema describes it.
 */
const CLIENT_KEYS = new Set(['label', 'detail', 'facts', 'bbox', 'center', 'geometry', 'group']);
const COLUMN_NAME = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;

/** Whether a property the card has no field for may have a row of its own (see CLIENT_KEYS). */
export function isShownProperty(key: string, schema: Record<string, PropertySchema> = {}): boolean {
  if (Object.hasOwn(schema, key)) return true;
  return COLUMN_NAME.test(key) && !CLIENT_KEYS.has(key);
}

const sameWords = (a: string, b: string) =>
  a.normalize('NFC').trim().toLocaleLowerCase('vi') === b.normalize('NFC').trim().toLocaleLowerCase('vi');

const isEmpty = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

// Record ids that mean nothing to a reader: the card names what they point to instead (the farmer,
// the growing area), or leaves them out.
const NAMED_BY_ROW: Record<string, readonly string[]> = {
  plots: ['farmer_id', 'farmer_name', 'growing_area_id', 'code', 'commune_code'],
  products: ['farmer_id', 'farmer_name', 'commune_code'],
  growing_areas: ['commune_code'],
};

/** The features API's facts of the decision that took an area's code out of force (read from its history; a plot's are its area's). */
const STATUS_DECISION_KEYS = ['status_decision_no', 'status_decided_on', 'status_reason'] as const;

/**
 * The row of the decision that suspended or revoked an area's code, under its status (on the area's
 * card, and on a member plot's, whose status is its area's): "Quyết định tạm đình chỉ: 45/QĐ-SNN ngày
 * 30/11/2026, lý do: …". The issuing decision keeps its own row.
 */
function statusDecisionRow(p: Record<string, unknown>): CardRow | undefined {
  const state = p.status;
  if ((state !== 'suspended' && state !== 'revoked') || typeof p.status_decided_on !== 'string') return undefined;
  const text = (v: unknown) => (typeof v === 'string' && v ? v : null);
  const decision = { decisionNo: text(p.status_decision_no), decidedOn: p.status_decided_on, reason: text(p.status_reason) };
  return { label: STATUS_DECISION_LABELS[state][lang()], value: statusDecisionText(decision, lang()) };
}

/** The row naming a commune or ward, its code small beside the name; the code alone until the name is known. */
function communeRow(p: Record<string, unknown>, context: CardContext): CardRow | undefined {
  if (isEmpty(p.commune_code)) return undefined;
  const code = String(p.commune_code);
  if (!context.communeName) return { label: t('commune'), value: code };
  const name = !context.communeFormer
    ? context.communeName
    : context.communeToday
      ? t('unitFormerNowIn', { former: context.communeName, today: context.communeToday })
      : t('communeFormerName', { name: context.communeName });
  return { label: t('commune'), value: name, code };
}

/** The row naming a plot's growing area, its code small beside the name; the code alone until the name is known. */
function growingAreaRow(p: Record<string, unknown>, context: CardContext): CardRow | undefined {
  const code = isEmpty(p.code) ? undefined : String(p.code);
  if (context.growingAreaName) return { label: t('growingArea'), value: context.growingAreaName, ...(code ? { code } : {}) };
  return code ? { label: t('growingArea'), value: code, whole: true } : undefined;
}

/**
 * The rows that stand for record ids: the farmer by name (the features API sends it only to whoever
 * may read it: the farmer, their commune's officers; a tile never), the growing area by name with its
 * code (unless `areaShown` already, above its status), the commune by name with its code.
 */
function namedRows(group: string, p: Record<string, unknown>, context: CardContext, areaShown: boolean): CardRow[] {
  const rows: CardRow[] = [];
  const area = group === 'plots' && !areaShown ? growingAreaRow(p, context) : undefined;
  if (area) rows.push(area);
  if ((group === 'plots' || group === 'products') && !isEmpty(p.farmer_name))
    rows.push({ label: t('farmer'), value: String(p.farmer_name) });
  const commune = group in NAMED_BY_ROW ? communeRow(p, context) : undefined;
  if (commune) rows.push(commune);
  return rows;
}

/** A land-use code with its name, or the code once while the names are not here (offline, or not read yet). */
function landUseText(code: string, context: CardContext): string {
  const name = context.describeCode?.(code);
  return name && name !== code ? `${code} · ${name}` : code;
}

/**
 * The lines of a feature's card: the known fields first, the record ids named by what they point to,
 * then everything else that is not empty, labelled by the features API's titles of the collection's
 * properties and printed by their schema.
 */
export function cardRows(group: string, p: Record<string, unknown>, context: CardContext = {}): CardRow[] {
  // A land-use area read from the features API alone has `map_year`, not the tiles' `year`.
  if (group === 'landuse' && isEmpty(p.year) && !isEmpty(p.map_year)) return cardRows(group, { ...p, year: p.map_year }, context);
  const rows: CardRow[] = [];
  // The row version is the editors' concurrency token, and a lot's plan id is said by the plan's name.
  const used = new Set<string>([
    // The card's title is the product: no row repeats it (titleOf).
    ...(group === 'products' && !isEmpty(p.product) ? ['product'] : []),
    'id',
    'fid',
    'version',
    ...(NAMED_BY_ROW[group] ?? []),
    ...(group === 'zones' && !isEmpty(p.plan_name) ? ['plan_id'] : []),
    ...(group === 'landuse' ? ['map_id', 'map_year', 'map_period_to'] : []),
    // A former unit opened from the search says where it is today in its own row (FIELDS.admin 'former').
    ...(group === 'admin' && !isEmpty(p.former) ? ['today_units'] : []),
    ...(group === 'growing_areas' || group === 'plots' ? STATUS_DECISION_KEYS : []),
    // A code's lineage is the registry's own thread of versions; the issue's number says something
    // only from the second issue on ("Lần cấp 2").
    ...(group === 'growing_areas' ? ['lineage_id', ...(Number(p.version_no) === 1 ? ['version_no'] : [])] : []),
  ]);
  const schema = context.schema ?? {};
  let areaShown = false;
  for (const field of FIELDS[group] ?? []) {
    if (used.has(field.key)) continue;
    used.add(field.key);
    const value = p[field.key];
    // A plot's status is its growing area's code's: said right under the row naming the area, and a
    // code out of force with the decision that took it out (as on the area's own card).
    if (group === 'plots' && field.key === 'status' && !isEmpty(value)) {
      const area = growingAreaRow(p, context);
      if (area) rows.push(area);
      areaShown = area !== undefined;
    }
    if (isEmpty(value)) continue;
    if (field.key === 'commune_code') {
      const commune = communeRow(p, context);
      if (commune) rows.push(commune);
      continue;
    }
    let text = field.format ? field.format(value, context, p) : Array.isArray(value) ? value.join(', ') : String(value);
    if (field.key === 'land_use_code') text = landUseText(String(value), context);
    // A product's kind that only repeats its name (rice, 'Lúa') says nothing more.
    if (group === 'products' && field.key === 'category' && sameWords(text, String(p.product ?? ''))) continue;
    if (group === 'landuse' && field.key === 'year' && !isEmpty(p.map_period_to)) {
      rows.push({ label: t('cardMapPeriod'), value: `${String(value)}–${String(p.map_period_to)}` });
      continue;
    }
    rows.push({ label: t(field.label), value: text, ...(field.key === 'code' ? { whole: true as const } : {}) });
    // What may be built on a lot: its area times the FAR, the floor area the plan allows.
    if (group === 'zones' && field.key === 'max_far' && !isEmpty(p.area_m2) && Number.isFinite(Number(value)))
      rows.push({ label: t('maxFloorArea'), value: areaM2(Math.round(Number(p.area_m2) * Number(value))) });
    const decision = (group === 'growing_areas' || group === 'plots') && field.key === 'status' ? statusDecisionRow(p) : undefined;
    if (decision) rows.push(decision);
  }
  rows.push(...namedRows(group, p, context, areaShown));
  for (const [key, value] of Object.entries(p)) {
    if (used.has(key) || isEmpty(value) || !isShownProperty(key, schema)) continue;
    // Objects (a parcel's owners) have their own views; a list of plain values reads as one line.
    if (typeof value === 'object' && !(Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object'))) continue;
    const title = schema[key]?.title;
    rows.push({ label: title ? titleIn(title) : key, value: valueText(key, value, schema[key]) });
  }
  return rows;
}

/** Label/value pairs of a feature's card, a named code after its name ("Phường Cao Lãnh · 29869"). */
export function rowsOf(group: string, p: Record<string, unknown>, context: CardContext = {}): [string, string][] {
  return cardRows(group, p, context).map((row) => [row.label, row.code ? `${row.value} · ${row.code}` : row.value]);
}
