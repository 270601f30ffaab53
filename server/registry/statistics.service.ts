// Statistics for the operations centre's dashboard: growing areas per commune, crop and status.
// Aggregates only (counts and hectares), so anyone may read them.
import type { Queryable } from '../db/index.ts';
import { CODE_IN_FORCE_STATUSES } from '../domain/growing-area-lifecycle.ts';
import { AREA_STATISTICS } from './exports.sql.ts';

type StatRow = {
  commune_code: string;
  commune_name: string | null;
  crop: string;
  crop_name_vi: string;
  crop_name_en: string;
  status: string;
  areas: number;
  plots: number;
  area_ha: number;
  households: number;
};

type Totals = { areas: number; plots: number; areaHa: number; households: number };

function add(map: Map<string, Totals & Record<string, unknown>>, key: string, extra: Record<string, unknown>, r: StatRow): void {
  const t = map.get(key) ?? { ...extra, areas: 0, plots: 0, areaHa: 0, households: 0 };
  t.areas += r.areas;
  t.plots += r.plots;
  t.areaHa = Number((t.areaHa + r.area_ha).toFixed(4));
  t.households += r.households;
  map.set(key, t);
}

/** Rows per (commune, crop, status) and totals per commune, crop and status, plus codes in force. */
export async function growingAreaStatistics(q: Queryable): Promise<Record<string, unknown>> {
  const rows = (await q.query<StatRow>(AREA_STATISTICS)).rows;
  const byCommune = new Map<string, Totals & Record<string, unknown>>();
  const byCrop = new Map<string, Totals & Record<string, unknown>>();
  const byStatus = new Map<string, Totals & Record<string, unknown>>();
  const total = new Map<string, Totals & Record<string, unknown>>();
  for (const r of rows) {
    add(byCommune, r.commune_code, { communeCode: r.commune_code, communeName: r.commune_name }, r);
    add(byCrop, r.crop, { crop: r.crop, cropNameVi: r.crop_name_vi, cropNameEn: r.crop_name_en }, r);
    add(byStatus, r.status, { status: r.status }, r);
    add(total, 'all', {}, r);
    if (CODE_IN_FORCE_STATUSES.includes(r.status as never)) add(total, 'inForce', {}, r);
  }
  const empty = { areas: 0, plots: 0, areaHa: 0, households: 0 };
  return {
    generatedAt: new Date().toISOString(),
    total: total.get('all') ?? empty,
    inForce: total.get('inForce') ?? empty,
    byCommune: [...byCommune.values()],
    byCrop: [...byCrop.values()],
    byStatus: [...byStatus.values()],
    rows: rows.map((r) => ({
      communeCode: r.commune_code,
      communeName: r.commune_name,
      crop: r.crop,
      status: r.status,
      areas: r.areas,
      plots: r.plots,
      areaHa: r.area_ha,
      households: r.households,
    })),
  };
}
