// Public lookups: a growing-area code for a buyer scanning a QR code, a parcel's zones and land
// uses for a planner or a citizen, what is at a place, and old unit names resolved to today's.
// Nothing here returns personal data, whoever asks.
import type { PublicGrowingArea } from '../contracts/registry.ts';
import type { Queryable } from '../db/index.ts';
import { AppError } from '../plugins/errors.ts';
import { CODE_IN_FORCE_STATUSES, STATUS_LABELS, type GrowingAreaStatus } from '../domain/growing-area-lifecycle.ts';
import { normaliseCode } from '../domain/growing-area-rules.ts';
import * as SQL from './lookup.sql.ts';
import { expandUnitAbbreviation } from './search.service.ts';
import { UNITS_BY_NAME } from './units.sql.ts';

type CodeRow = {
  code: string;
  scheme: string;
  status: GrowingAreaStatus;
  name: string;
  crop: string;
  crop_name_vi: string;
  crop_name_en: string;
  variety: string | null;
  area_m2: number;
  markets: string[];
  commune_code: string;
  commune_name: string | null;
  registrant: string | null;
  standard: string | null;
  decision_no: string | null;
  issued_on: string | null;
  status_decision_no: string | null;
  status_decided_on: string | null;
  status_reason: string | null;
  version_no: number;
  plot_count: number;
  current_version_no: number;
  current_status: string;
  current_code: string | null;
  bbox: [number, number, number, number] | null;
  geometry: { type: string; coordinates: unknown[] } | null;
};

/** What a code stands for, as anyone may see it: crop, status, area, markets and the map. */
export async function lookupCode(q: Queryable, raw: string): Promise<PublicGrowingArea> {
  const code = normaliseCode(raw);
  const row = (await q.query<CodeRow>(SQL.AREA_BY_CODE, [code])).rows[0];
  if (!row) throw new AppError('NOT_FOUND', `No growing area has the code ${code}. A code not on record should not be on a package.`);
  return {
    code: row.code,
    scheme: row.scheme,
    status: row.status,
    statusVi: STATUS_LABELS[row.status]?.vi ?? row.status,
    statusEn: STATUS_LABELS[row.status]?.en ?? row.status,
    inForce: CODE_IN_FORCE_STATUSES.includes(row.status),
    name: row.name,
    crop: row.crop,
    cropNameVi: row.crop_name_vi,
    cropNameEn: row.crop_name_en,
    variety: row.variety,
    areaM2: row.area_m2,
    areaHa: Number((row.area_m2 / 10_000).toFixed(4)),
    plotCount: row.plot_count,
    markets: row.markets,
    communeCode: row.commune_code,
    communeName: row.commune_name,
    registrant: row.registrant,
    standard: row.standard,
    issuedOn: row.issued_on,
    decisionNo: row.decision_no,
    statusDecision:
      row.status_decided_on === null
        ? null
        : { decisionNo: row.status_decision_no, decidedOn: row.status_decided_on, reason: row.status_reason },
    versionNo: row.version_no,
    currentVersion:
      row.current_version_no === row.version_no
        ? null
        : { versionNo: row.current_version_no, status: row.current_status, code: row.current_code },
    bbox: row.bbox,
    geometry: row.geometry,
  };
}

type ShareRow = Record<string, unknown> & { area_m2: number; pct: number };

/** A parcel's zoning lots and land uses, each with the m² and % of the parcel it covers. */
export async function lookupParcel(
  q: Queryable,
  commune: string,
  sheet: number,
  parcel: number,
): Promise<{ parcels: Record<string, unknown>[] }> {
  const parcels = (await q.query<{ id: number } & Record<string, unknown>>(SQL.PARCELS_BY_KEY, [commune.trim(), sheet, parcel])).rows;
  if (parcels.length === 0) {
    throw new AppError(
      'NOT_FOUND',
      `No parcel sheet ${sheet} number ${parcel} in "${commune}". Sheets are numbered per old commune: try its old name or code.`,
    );
  }
  const out: Record<string, unknown>[] = [];
  for (const p of parcels) {
    const zones = (await q.query<ShareRow>(SQL.PARCEL_ZONES, [p.id])).rows.map(rounded);
    const landUses = (await q.query<ShareRow>(SQL.PARCEL_LAND_USES, [p.id])).rows.map(rounded);
    out.push({ ...p, area_m2: round(p.area_m2 as number, 1), zones, landUses });
  }
  return { parcels: out };
}

const round = (v: number, digits: number): number => Number(v.toFixed(digits));
const rounded = (r: ShareRow): ShareRow => ({ ...r, area_m2: round(r.area_m2, 1), pct: round(r.pct, 2) });

/** What is at a point: units (today's and old), parcel, land uses, zoning lots and coded growing areas. */
export async function lookupPlace(q: Queryable, lon: number, lat: number): Promise<Record<string, unknown>> {
  const args = [lon, lat];
  return {
    lon,
    lat,
    units: (await q.query(SQL.UNITS_AT, args)).rows,
    parcels: (await q.query(SQL.PARCEL_AT, args)).rows,
    landUses: (await q.query(SQL.LAND_USE_AT, args)).rows,
    zones: (await q.query(SQL.ZONES_AT, args)).rows,
    growingAreas: (await q.query(SQL.AREAS_AT, args)).rows,
  };
}

/** Units whose name matches, old or current, each with today's units it became. */
export async function lookupUnit(q: Queryable, name: string): Promise<{ units: Record<string, unknown>[] }> {
  const units = (await q.query(UNITS_BY_NAME, [expandUnitAbbreviation(name), 20])).rows;
  if (units.length === 0) throw new AppError('NOT_FOUND', `No administrative unit is called "${name}".`);
  return { units };
}
