// The sample-data generator: a deterministic, realistic Thành phố Cao Lãnh (and, for province-scale
// benchmarks, synthetic communes around it) written in one transaction, so a killed seed leaves
// nothing half-written. Geometry is drawn in a local metric frame (frame.ts) on a canal-and-road
// grid (grid.ts), cut into parcels cell by cell (subdivide.ts) and written with shared vertices
// (coverage.ts); everything else hangs off those parcels.
import { CITY_UNITS } from './admin.ts';
import { writeAdminUnits } from './admin-units.ts';
import { writeAgriculture, type Staff } from './agriculture.ts';
import { writeBasemap } from './basemap.ts';
import { multiPolygonWkb } from './frame.ts';
import { buildLayout, type Cell, type Layout } from './layout.ts';
import { numberUnit, parcelRow, PlanCache, selectLots, type ParcelInfo } from './parcels.ts';
import { landuseRows, zoningRows } from './planning.ts';
import { BatchWriter, geom, geomWkb, insertRows, STAMP, withIndexesDeferred, type SeedQueryable } from './sql.ts';
import { writeFarmerUser, writeStaff } from './users.ts';

/** The part of the app's Db that the generator needs (data/ imports nothing of ours). */
export interface SeedDb {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<{ rows: R[]; rowCount: number }>;
  exec(sql: string): Promise<void>;
  /** `unbounded`: the statements may run as long as they need (no statement timeout, no give-up on silence). */
  transaction<T>(fn: (tx: { query: SeedDb['query']; exec: SeedDb['exec'] }) => Promise<T>, options?: { unbounded?: boolean }): Promise<T>;
}

/** One transaction for the whole seed, unbounded: 100,000 parcels take longer than a request may. */
const UNBOUNDED = { unbounded: true } as const;

export type SeedOptions = {
  /** How many cadastral parcels to generate (city scale 50,000; province benchmarks 1,000,000). */
  parcels: number;
  /** PRNG seed; the same seed and options give the same rows. */
  seed?: number;
  log?: (message: string) => void;
  /** Called as parcels are written, for a progress line. */
  progress?: (written: number, total: number) => void;
  /** Empty every data table first (the CLI's --reset); otherwise the database must hold no sample data. */
  reset?: boolean;
};

/** The seed used when none is given. */
export const DEFAULT_SEED = 42;

/** Tables the generator fills, children first (for --reset). */
const TABLES = [
  'residue_tests',
  'diary_entries',
  'inspection_photos',
  'inspections',
  'plot_parcels',
  'plots',
  'growing_area_transitions',
  'growing_areas',
  'products',
  'farmer_private',
  'sessions',
  'user_communes',
  'users',
  'farmers',
  'allowed_substances',
  'zoning_lots',
  'planning_plans',
  'landuse_areas',
  'landuse_maps',
  'parcel_owners',
  'parcels',
  'roads',
  'water',
  'admin_lineage',
  'admin_units',
  'edit_log',
  'access_log',
];

/** Tables whose ids the generator sets itself; their sequences continue after the largest. */
const EXPLICIT_IDS = ['parcels', 'farmers', 'growing_areas', 'plots', 'users', 'landuse_maps', 'planning_plans'];

/** Layers the tile engine serves: one change notification each after the load. */
const LAYERS = ['parcels', 'landuse_areas', 'zoning_lots', 'products', 'growing_areas', 'plots', 'admin_units', 'roads', 'water'];

/** How many parcels each unit contributes, and over which ring of frames. */
export type SeedPlan = {
  layout: Layout;
  plans: PlanCache;
  cellsOf: Map<number, Cell[]>;
  cityQuota: Map<number, number>;
  cityCapacity: number;
};

/** Lays out the grid for a run: the city alone up to its capacity, synthetic communes around it beyond. */
export function planRun(seed: number, parcels: number): SeedPlan {
  const cityUnits = (layout: Layout) => new Set(layout.units.flatMap((u, i) => (u.synthetic ? [] : [i])));
  let layout = buildLayout(seed, 0);
  let plans = new PlanCache(seed, layout);
  const count = (l: Layout, p: PlanCache, units: Set<number>) => {
    const perUnit = new Map<number, number>();
    for (const cell of l.cells)
      if (units.has(cell.unit)) perUnit.set(cell.unit, (perUnit.get(cell.unit) ?? 0) + (p.parcels(cell.r, cell.c)?.length ?? 0));
    return perUnit;
  };
  let capacity = count(layout, plans, cityUnits(layout));
  const cityCapacity = [...capacity.values()].reduce((s, n) => s + n, 0);
  if (parcels > cityCapacity) {
    // Province scale: add rings of synthetic frames until their land (at about 2,600 m² a parcel) suffices.
    let ring = 1;
    for (; ring < 12; ring++) {
      const l = buildLayout(seed, ring);
      const synthetic = l.cells
        .filter((c) => l.units[c.unit]!.synthetic)
        .reduce((s, c) => {
          const { width, depth } = l.grid.size(c.r, c.c);
          return s + width * depth;
        }, 0);
      if (cityCapacity + synthetic / 2600 >= parcels * 1.1) {
        layout = l;
        break;
      }
    }
    plans = new PlanCache(seed, layout);
    capacity = count(layout, plans, cityUnits(layout));
  }
  // The city's share: proportional to each unit's parcels, so a small run still shows every unit.
  const total = Math.min(parcels, cityCapacity);
  const cityQuota = new Map<number, number>();
  const shares = [...capacity.entries()].map(([u, n]) => ({ u, exact: (total * n) / cityCapacity }));
  let given = 0;
  for (const s of shares) {
    cityQuota.set(s.u, Math.floor(s.exact));
    given += Math.floor(s.exact);
  }
  for (const s of [...shares].sort((a, b) => b.exact - Math.floor(b.exact) - (a.exact - Math.floor(a.exact)) || a.u - b.u)) {
    if (given >= total) break;
    cityQuota.set(s.u, cityQuota.get(s.u)! + 1);
    given++;
  }
  const cellsOf = new Map<number, Cell[]>();
  for (const cell of layout.cells) {
    const list = cellsOf.get(cell.unit) ?? [];
    list.push(cell);
    cellsOf.set(cell.unit, list);
  }
  return { layout, plans, cellsOf, cityQuota, cityCapacity };
}

/** Writes the whole sample data set into a migrated, empty database. */
export async function seed(db: SeedDb, options: SeedOptions): Promise<void> {
  const seedValue = options.seed ?? DEFAULT_SEED;
  const log = options.log ?? (() => undefined);
  const target = Math.max(0, Math.floor(options.parcels));
  const started = Date.now();
  const startedCpu = process.cpuUsage();
  const run = planRun(seedValue, target);
  const { layout, plans } = run;
  log(
    `Sample data: ${target.toLocaleString('en')} parcels (seed ${seedValue})${
      layout.units.some((u) => u.synthetic) ? `, the city and ${layout.units.filter((u) => u.synthetic).length} synthetic communes` : ''
    }…`,
  );
  // Wall time and this process's CPU time per phase (the embedded database runs in this process,
  // so on a busy machine its CPU time is the fairer measure).
  let lap = started;
  let lapCpu = startedCpu;
  const phase = (name: string) => {
    const cpu = process.cpuUsage(lapCpu);
    log(`  ${name}: ${((Date.now() - lap) / 1000).toFixed(1)} s (CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s)`);
    lap = Date.now();
    lapCpu = process.cpuUsage();
  };
  phase('layout');
  await db.transaction(async (tx) => {
    // Bulk load: the per-row edit log and notifications are skipped and one notification per layer sent at the end.
    await tx.query(`SELECT set_config('app.bulk', 'on', true), set_config('app.origin', 'seed', true)`);
    if (options.reset) {
      // Derived tables (the tile engine's generalized cells) go too, so nothing stale outlives the data.
      const { rows } = await tx.query<{ t: string }>(
        `SELECT quote_ident(tablename) AS t FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 'tile\\_gen\\_%' ORDER BY 1`,
      );
      await tx.exec(`TRUNCATE ${[...TABLES, ...rows.map((r) => r.t)].join(', ')} RESTART IDENTITY CASCADE`);
    }
    const staff = await writeStaff(tx, seedValue);
    phase('users');
    await writeAdminUnits(tx, layout);
    await writeMaps(tx);
    phase('administrative units');
    const city = await withIndexesDeferred(tx, ['parcels', 'parcel_owners', 'landuse_areas'], () =>
      writeParcels(tx, seedValue, run, target, options),
    );
    phase('parcels, owners, land-use maps');
    await insertRows(tx, 'zoning_lots', ZONING_COLUMNS, zoningRows(seedValue, layout, 1), STAMP);
    await writeBasemap(tx, seedValue, layout, plans, (u) => city.unitsWritten.has(u));
    await tx.exec(`INSERT INTO water (name, kind, geom) SELECT NULL, 'pond', geom FROM parcels WHERE land_use_code = 'NTS' ORDER BY id`);
    phase('zoning, roads, water');
    const farmer = await writeAgriculture(tx, seedValue, layout, city.infos, { ...staff } satisfies Staff, city.infos.length);
    if (farmer) await writeFarmerUser(tx, seedValue, farmer.farmerId, farmer.farmerName);
    phase('agriculture');
    for (const t of EXPLICIT_IDS)
      await tx.query(`SELECT setval(pg_get_serial_sequence('${t}', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM ${t}), false)`);
    for (const t of LAYERS)
      await tx.query(`SELECT notify_tile_change($1, ARRAY[(SELECT ST_SetSRID(ST_Extent(geom)::geometry, 4326) FROM ${t})])`, [t]);
  }, UNBOUNDED);
  phase('commit');
  // Only the tables written: planner statistics for the tile and search queries, catalogues untouched.
  await db.exec(`ANALYZE ${TABLES.join(', ')}`);
  phase('analyse');
  const cpu = process.cpuUsage(startedCpu);
  log(
    `Sample data ready in ${((Date.now() - started) / 1000).toFixed(1)} s (CPU of this process ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s).`,
  );
}

const ZONING_COLUMNS = [
  { name: 'plan_id', type: 'integer' },
  { name: 'lot_code', type: 'text' },
  { name: 'info_code', type: 'text' },
  { name: 'function', type: 'text' },
  { name: 'land_use_code', type: 'text' },
  { name: 'max_density_pct', type: 'numeric' },
  { name: 'max_far', type: 'numeric' },
  { name: 'min_floors', type: 'integer' },
  { name: 'max_floors', type: 'integer' },
  { name: 'max_height_m', type: 'numeric' },
  { name: 'setback_m', type: 'numeric' },
  { name: 'phase', type: 'text' },
  geom(),
];

async function writeMaps(q: SeedQueryable): Promise<void> {
  await q.query(
    `INSERT INTO landuse_maps (id, kind, name, year, period_to, decision_no, decision_date, admin_code) VALUES
     (1, 'status', 'Bản đồ hiện trạng sử dụng đất năm 2024 thành phố Cao Lãnh', 2024, NULL, NULL, NULL, '866'),
     (2, 'plan', 'Quy hoạch sử dụng đất thời kỳ 2021–2030 thành phố Cao Lãnh', 2021, 2030, '1315/QĐ-UBND', '2021-12-28', '866')`,
  );
  await q.query(
    `INSERT INTO planning_plans (id, name, scale, plan_code, decision_no, decision_date, authority, status, admin_code) VALUES
     (1, 'Quy hoạch phân khu tỷ lệ 1/2000 khu trung tâm thành phố Cao Lãnh', '1/2000', '87866-QHPK-2023-01', '1234/QĐ-UBND', '2023-09-15', 'UBND tỉnh Đồng Tháp', 'approved', '866')`,
  );
}

const PARCEL_COLUMNS = [
  { name: 'id', type: 'bigint' },
  { name: 'commune_code', type: 'text' },
  { name: 'commune_ref_date', type: 'date' },
  { name: 'sheet', type: 'integer' },
  { name: 'parcel_no', type: 'integer' },
  { name: 'cert_sheet', type: 'text' },
  { name: 'cert_parcel', type: 'text' },
  { name: 'land_use_code', type: 'text' },
  { name: 'legal_area_m2', type: 'numeric' },
  { name: 'address', type: 'text' },
  geomWkb(),
  { name: 'updated_at', type: 'timestamptz' },
];
const OWNER_COLUMNS = [
  { name: 'parcel_id', type: 'bigint' },
  { name: 'owner_name', type: 'text' },
  { name: 'citizen_id', type: 'text' },
  { name: 'owner_address', type: 'text' },
  { name: 'share', type: 'text' },
];
const LANDUSE_COLUMNS = [{ name: 'map_id', type: 'integer' }, { name: 'land_use_code', type: 'text' }, geomWkb()];

/** Writes parcels, owners and land-use polygons unit by unit; returns what the agriculture step needs of the city's parcels. */
async function writeParcels(
  q: SeedQueryable,
  seed: number,
  run: SeedPlan,
  target: number,
  options: SeedOptions,
): Promise<{ infos: ParcelInfo[]; unitsWritten: Set<number> }> {
  const { layout, plans } = run;
  const parcels = new BatchWriter(q, 'parcels', PARCEL_COLUMNS, 1000);
  const owners = new BatchWriter(q, 'parcel_owners', OWNER_COLUMNS, 2000, parcels);
  const landuse = new BatchWriter(q, 'landuse_areas', LANDUSE_COLUMNS, 1000, undefined, STAMP);
  const infos: ParcelInfo[] = [];
  const unitsWritten = new Set<number>();
  const cityCodes = new Set(CITY_UNITS.map((u) => u.code));
  const order = layout.units
    .map((u, i) => i)
    .sort(
      (a, b) =>
        Number(layout.units[a]!.synthetic) - Number(layout.units[b]!.synthetic) ||
        layout.units[a]!.code.localeCompare(layout.units[b]!.code),
    );
  let id = 0;
  for (const u of order) {
    const unit = layout.units[u]!;
    const remaining = target - id;
    if (remaining <= 0) break;
    const cells = run.cellsOf.get(u) ?? [];
    const numbered = numberUnit(layout, plans, unit, cells);
    const quota = unit.synthetic ? Math.min(remaining, numbered.length) : Math.min(remaining, run.cityQuota.get(u) ?? 0);
    if (quota <= 0) continue;
    unitsWritten.add(u);
    const houseNo = new Map<string, number>();
    const surveyed = new Set<Cell>();
    for (const item of selectLots(unit, numbered, quota)) {
      surveyed.add(item.cell);
      const row = parcelRow(seed, layout, plans, u, item, ++id, houseNo);
      await parcels.push([
        id,
        row.commune,
        row.refDate,
        row.sheet,
        row.parcelNo,
        row.certSheet,
        row.certParcel,
        row.info.lot.use,
        row.legalArea,
        row.address,
        multiPolygonWkb([[row.ring]]),
        '2025-06-30T17:00:00Z',
      ]);
      for (const o of row.owners) await owners.push([id, o.name, o.citizenId, o.address, o.share]);
      if (cityCodes.has(unit.code) && !unit.synthetic) infos.push(row.info);
      if (id % 5000 === 0) options.progress?.(id, target);
    }
    plans.dropRings();
    for (const row of landuseRows(layout, plans, cells, (c) => surveyed.has(c), 1, 2, seed)) await landuse.push(row);
    // Province scale: forget the plans of synthetic units once written, keeping memory bounded (the
    // city's stay for the agriculture step; a neighbour's plan is recomputed when needed).
    if (unit.synthetic) {
      plans.trim((r, c) => {
        const cell = layout.cellAt(r, c);
        return !!cell && !layout.units[cell.unit]!.synthetic;
      });
    }
  }
  await parcels.flush();
  await owners.flush();
  await landuse.flush();
  options.progress?.(id, target);
  return { infos, unitsWritten };
}

/** Seeds when the database holds neither parcels nor administrative units (a run with 0 parcels still writes units); returns whether it seeded. */
export async function seedIfEmpty(db: SeedDb, options: SeedOptions): Promise<boolean> {
  const { rows } = await db.query<{ used: boolean }>('SELECT EXISTS (SELECT 1 FROM parcels) OR EXISTS (SELECT 1 FROM admin_units) AS used');
  if (rows[0]?.used) return false;
  await seed(db, options);
  return true;
}
