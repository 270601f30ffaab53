import { formatNumber, lang, t } from '../i18n/i18n.ts';
import type { MessageKey } from '../i18n/vi.ts';

/** How one property reads in a details card: its label and how to print its value. */
type Field = { key: string; label: MessageKey; format?: (value: unknown) => string };

const m2 = (v: unknown) => `${formatNumber(Number(v), Number(v) < 100 ? 1 : 0)} m²`;
const ha = (v: unknown) => `${formatNumber(Number(v) / 10000, 2)} ha`;
const withUnit =
  (unit: string, digits = 0) =>
  (v: unknown) =>
    `${formatNumber(Number(v), digits)} ${unit}`;
const date = (v: unknown) => {
  const text = String(v);
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  return m ? (lang() === 'vi' ? `${m[3]}/${m[2]}/${m[1]}` : `${m[1]}-${m[2]}-${m[3]}`) : text;
};
const phase = (v: unknown) => t(`phase_${String(v)}` as MessageKey) ?? String(v);
const areaM2 = (v: unknown) => (Number(v) >= 10000 ? `${ha(v)} (${m2(v)})` : m2(v));
const status = (v: unknown) => (typeof v === 'string' && /^[a-z_]+$/.test(v) ? t(`status_${v}` as MessageKey) : String(v));

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
    { key: 'area_m2', label: 'area', format: areaM2 },
  ],
  zones: [
    { key: 'lot_code', label: 'lotCode' },
    { key: 'function', label: 'landFunction' },
    { key: 'land_use_code', label: 'landUse' },
    { key: 'max_far', label: 'maxFar', format: (v) => formatNumber(Number(v), 2) },
    { key: 'max_density_pct', label: 'maxDensity', format: withUnit('%', 1) },
    { key: 'floors', label: 'floors' },
    { key: 'max_floors', label: 'floors' },
    { key: 'max_height_m', label: 'maxHeight', format: withUnit('m', 1) },
    { key: 'setback_m', label: 'setback', format: withUnit('m', 1) },
    { key: 'phase', label: 'phase', format: phase },
    { key: 'decision_no', label: 'decision' },
    { key: 'plan_name', label: 'plan' },
  ],
  growing_areas: [
    { key: 'code', label: 'code' },
    { key: 'name', label: 'name' },
    { key: 'status', label: 'status', format: status },
    { key: 'crop', label: 'crop' },
    { key: 'variety', label: 'variety' },
    { key: 'area_m2', label: 'area', format: areaM2 },
    { key: 'markets', label: 'markets' },
  ],
  plots: [
    { key: 'crop', label: 'crop' },
    { key: 'variety', label: 'variety' },
    { key: 'area_m2', label: 'area', format: areaM2 },
    { key: 'planting_date', label: 'plantingDate', format: date },
    { key: 'expected_harvest', label: 'expectedHarvest', format: date },
    { key: 'code', label: 'code' },
    { key: 'status', label: 'status', format: status },
  ],
  products: [
    { key: 'product', label: 'product' },
    { key: 'producer_name', label: 'producer' },
    { key: 'category', label: 'kind', format: (v) => t(`category_${String(v)}` as MessageKey) },
    { key: 'season', label: 'season' },
    { key: 'volume_tonnes', label: 'volume', format: withUnit('t', 1) },
    { key: 'address', label: 'address' },
  ],
  roads: [
    { key: 'name', label: 'name' },
    { key: 'kind', label: 'kind' },
  ],
  water: [
    { key: 'name', label: 'name' },
    { key: 'kind', label: 'kind' },
  ],
  admin: [
    { key: 'name', label: 'name' },
    { key: 'code', label: 'code' },
  ],
};

/** The card title of a feature of a group. */
export function titleOf(group: string, p: Record<string, unknown>): string {
  switch (group) {
    case 'parcels':
      return p.parcel_no !== undefined ? t('parcelTitle', { parcel: String(p.parcel_no), sheet: String(p.sheet ?? '?') }) : t('parcel');
    case 'zones':
      return `${t('zone')} ${p.lot_code ?? ''}`.trim();
    case 'growing_areas':
      return `${t('growingArea')} ${p.code ?? p.name ?? ''}`.trim();
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
 * Label/value rows for a feature: the known fields first, then everything else that is not empty,
 * labelled by the features API's titles of the collection's properties when given.
 */
export function rowsOf(
  group: string,
  p: Record<string, unknown>,
  describeCode?: (code: string) => string,
  titles: Record<string, string> = {},
): [string, string][] {
  const rows: [string, string][] = [];
  const used = new Set<string>(['id', 'fid']);
  for (const field of FIELDS[group] ?? []) {
    used.add(field.key);
    const value = p[field.key];
    if (value === undefined || value === null || value === '') continue;
    let text = field.format ? field.format(value) : Array.isArray(value) ? value.join(', ') : String(value);
    if (field.key === 'land_use_code' && describeCode) text = `${value} · ${describeCode(String(value))}`;
    rows.push([t(field.label), text]);
  }
  for (const [key, value] of Object.entries(p)) {
    if (used.has(key) || value === undefined || value === null || value === '' || typeof value === 'object') continue;
    rows.push([titles[key] ? titleIn(titles[key]) : key, String(value)]);
  }
  return rows;
}
