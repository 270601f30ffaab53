// Land-use maps (the 2024 status map from the parcels, the 2021–2030 plan per block) and the
// 1/2000 zoning plan of the urban core, whose lots are cut independently of the parcels so that
// parcels straddle lots as they do on real plans.
import { cellRings, cornerRing, type LayerRects } from './coverage.ts';
import { multiPolygonWkb, multiPolygonWkt } from './frame.ts';
import type { Cell, Layout } from './layout.ts';
import { plannedUse, type PlanCache } from './parcels.ts';
import { rng } from './random.ts';
import { split, type Rect } from './subdivide.ts';

/** The status-map and plan polygons of some cells, as [map id, code, WKB] rows. */
export function landuseRows(
  layout: Layout,
  plans: PlanCache,
  cells: readonly Cell[],
  surveyed: (cell: Cell) => boolean,
  statusMap: number,
  planMap: number,
  seed: number,
): unknown[][] {
  const rows: unknown[][] = [];
  for (const cell of cells) {
    // The status map is drawn from the parcels, so it covers the cells this run surveyed.
    const zones = surveyed(cell) ? (plans.status(cell.r, cell.c) ?? []) : [];
    const rings = cellRings(layout.grid, plans.status, cell.r, cell.c, zones);
    zones.forEach((z, i) => rows.push([statusMap, z.use, multiPolygonWkb([[rings[i]!]])]));
    const use = plannedUse(seed, cell, plans.parcels(cell.r, cell.c) ?? [], layout.units[cell.unit]!);
    rows.push([planMap, use, multiPolygonWkb([[cornerRing(layout.grid, cell.r, cell.c)]])]);
  }
  return rows;
}

/** A zoning lot's function and controls, by the prefix of its lot code. */
type LotType = {
  prefix: string;
  fn: string;
  code: string | null;
  density: [number, number];
  far: [number, number];
  floors: [number, number];
  setback: number;
};

const LOT_TYPES: readonly (readonly [LotType, number])[] = [
  [{ prefix: 'ODT', fn: 'Đất ở đô thị', code: 'ODT', density: [70, 90], far: [2.5, 5], floors: [3, 7], setback: 0 }, 0.44],
  [
    { prefix: 'HH', fn: 'Đất hỗn hợp (thương mại, dịch vụ, ở)', code: null, density: [50, 70], far: [4, 8], floors: [9, 18], setback: 6 },
    0.1,
  ],
  [{ prefix: 'TMD', fn: 'Đất thương mại, dịch vụ', code: 'TMD', density: [40, 60], far: [3, 7], floors: [5, 15], setback: 6 }, 0.12],
  [{ prefix: 'CX', fn: 'Đất cây xanh công viên', code: 'DKV', density: [5, 5], far: [0.05, 0.05], floors: [1, 1], setback: 10 }, 0.11],
  [{ prefix: 'GD', fn: 'Đất giáo dục (trường học)', code: 'DGD', density: [35, 40], far: [1.2, 1.6], floors: [3, 4], setback: 6 }, 0.08],
  [{ prefix: 'YT', fn: 'Đất y tế', code: 'DYT', density: [40, 40], far: [2, 2], floors: [3, 5], setback: 6 }, 0.04],
  [{ prefix: 'CQ', fn: 'Đất cơ quan, trụ sở', code: 'TSC', density: [40, 40], far: [2, 2], floors: [3, 5], setback: 6 }, 0.06],
  [{ prefix: 'VH', fn: 'Đất văn hóa', code: 'DVH', density: [40, 40], far: [1.5, 1.5], floors: [2, 3], setback: 6 }, 0.03],
  [{ prefix: 'TG', fn: 'Đất tôn giáo', code: 'TON', density: [30, 30], far: [0.6, 0.6], floors: [1, 2], setback: 6 }, 0.02],
];

/** Core blocks the zoning plan covers. */
export function zoningCells(layout: Layout): Cell[] {
  return layout.cells.filter(
    (c) => c.zone === 'core' && layout.grid.rows[c.r]!.kind === 'block' && layout.grid.cols[c.c]!.kind === 'block',
  );
}

/** Cuts a core block into two to six zoning lots at positions unrelated to its parcels. */
export function zoningRects(seed: number, layout: Layout, cell: Cell): Rect[] {
  const grid = layout.grid;
  const r = rng(seed, 'zoning', cell.r, cell.c);
  const nt = grid.colRes[cell.c]!;
  const ns = grid.rowRes[cell.r]!;
  const { width, depth } = grid.size(cell.r, cell.c);
  const bands = depth > 220 ? split(ns, Math.round(ns * 0.3), Math.round(ns * 0.7), Math.round(ns / 2), r) : [ns];
  const out: Rect[] = [];
  let s = 0;
  for (const h of bands) {
    const n = Math.min(3, Math.max(1, Math.round(width / 150)));
    const parts = split(nt, Math.round(nt / (n + 1)), nt, Math.round(nt / n), r);
    let t = 0;
    for (const w of parts) {
      out.push({ t0: t, t1: t + w, s0: s, s1: s + h });
      t += w;
    }
    s += h;
  }
  return out;
}

/** Rows of the zoning lots of the urban core, lot codes numbered per function. */
export function zoningRows(seed: number, layout: Layout, planId: number): unknown[][] {
  const cells = zoningCells(layout).sort((a, b) => b.r - a.r || a.c - b.c);
  const inPlan = new Set(cells.map((c) => `${c.r}:${c.c}`));
  const cache = new Map<string, Rect[]>();
  const layer: LayerRects = (r, c) => {
    const k = `${r}:${c}`;
    if (!inPlan.has(k)) return undefined;
    let rects = cache.get(k);
    if (!rects) {
      rects = zoningRects(seed, layout, layout.cellAt(r, c)!);
      cache.set(k, rects);
    }
    return rects;
  };
  const counters = new Map<string, number>();
  const rows: unknown[][] = [];
  let seq = 0;
  for (const cell of cells) {
    const rects = layer(cell.r, cell.c)!;
    const rings = cellRings(layout.grid, layer, cell.r, cell.c, rects);
    rects.forEach((_, i) => {
      const r = rng(seed, 'zoning-lot', cell.r, cell.c, i);
      const type = r.weighted(LOT_TYPES);
      const n = (counters.get(type.prefix) ?? 0) + 1;
      counters.set(type.prefix, n);
      const density = Math.round(r.range(type.density[0], type.density[1]));
      const maxFloors = r.int(type.floors[0], type.floors[1]);
      const phase =
        type.prefix === 'ODT'
          ? r.weighted([
              ['existing', 0.7],
              ['first_phase', 0.2],
              ['long_term', 0.1],
            ] as const)
          : r.weighted([
              ['existing', 0.35],
              ['first_phase', 0.4],
              ['long_term', 0.25],
            ] as const);
      seq++;
      rows.push([
        planId,
        `${type.prefix}-${String(n).padStart(2, '0')}`,
        `878662023${String(seq).padStart(3, '0')}`,
        phase === 'existing' && type.prefix === 'ODT' ? `${type.fn} hiện hữu` : type.prefix === 'ODT' ? `${type.fn} xây dựng mới` : type.fn,
        type.code,
        density,
        Math.round(r.range(type.far[0], type.far[1]) * 100) / 100,
        1,
        maxFloors,
        Math.round((maxFloors * 3.6 + 2) * 10) / 10,
        type.setback,
        phase,
        multiPolygonWkt([rings[i]!]),
      ]);
    });
  }
  return rows;
}
