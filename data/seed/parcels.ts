// Parcels unit by unit: plan the unit's cells, number the parcels by map sheet (per old commune,
// so several communes each have a sheet 1), pick the ones this run keeps, and give each its
// geometry, legal area, address and owners. Only one unit's parcels are held at a time.
import { PARCEL_REF_DATE } from './admin.ts';
import { cellRings } from './coverage.ts';
import { ringAreaM2, toLonLat, type LonLat, type UV } from './frame.ts';
import type { Cell, Layout, Unit } from './layout.ts';
import { citizenId, person } from './names.ts';
import { rng } from './random.ts';
import { CORRIDOR_ROLES, mergeZones, planCell, currentCode, type Lot, type Rect, type Zoned } from './subdivide.ts';

/** What later steps (plots, products) need to know of a stored parcel. */
export type ParcelInfo = {
  id: number;
  unit: number;
  cell: Cell;
  lot: Lot;
  area: number;
  centre: LonLat;
  /** The first owner on the certificate, where there is one (a farmer working the parcel). */
  owner?: { name: string; citizenId: string; female: boolean; born: number };
};

/** A parcel row ready to insert. */
export type ParcelRow = {
  info: ParcelInfo;
  commune: string;
  refDate: string;
  sheet: number;
  parcelNo: number;
  certSheet: string | null;
  certParcel: string | null;
  legalArea: number;
  address: string | null;
  ring: LonLat[];
  owners: { name: string; citizenId: string; address: string; share: string | null }[];
};

const cellKey = (r: number, c: number) => r * 100_000 + c;

/** Plans of cells, computed on demand and kept until dropped (a neighbour's plan is needed for shared vertices). */
export class PlanCache {
  private readonly lots = new Map<number, Lot[]>();
  private readonly zones = new Map<number, Zoned[]>();

  constructor(
    private readonly seed: number,
    private readonly layout: Layout,
  ) {}

  /** Parcels of cell (r, c), or undefined outside every unit. */
  readonly parcels = (r: number, c: number): Lot[] | undefined => {
    const k = cellKey(r, c);
    let lots = this.lots.get(k);
    if (!lots) {
      const cell = this.layout.cellAt(r, c);
      if (!cell) return undefined;
      lots = planCell(this.seed, this.layout, cell);
      this.lots.set(k, lots);
    }
    return lots;
  };

  /** Status-map polygons of cell (r, c): its parcels merged by current land use. */
  readonly status = (r: number, c: number): Zoned[] | undefined => {
    const k = cellKey(r, c);
    let zones = this.zones.get(k);
    if (!zones) {
      const lots = this.parcels(r, c);
      if (!lots) return undefined;
      zones = mergeZones(lots.map((l) => ({ ...l, use: currentCode(l.use) })));
      this.zones.set(k, zones);
    }
    return zones;
  };

  private readonly rings = new Map<number, Map<Lot, LonLat[]>>();

  /** The ring of a parcel, with every vertex its neighbours share (computed for the whole cell at once). */
  ring(cell: Cell, lot: Lot): LonLat[] {
    const k = cellKey(cell.r, cell.c);
    let rings = this.rings.get(k);
    if (!rings) {
      const lots = this.parcels(cell.r, cell.c) ?? [];
      const list = cellRings(this.layout.grid, this.parcels, cell.r, cell.c, lots);
      rings = new Map(lots.map((l, i) => [l, list[i]!]));
      this.rings.set(k, rings);
    }
    return rings.get(lot)!;
  }

  /** Forgets the rings computed so far (they are needed while one unit is written). */
  dropRings(): void {
    this.rings.clear();
  }

  /** Forgets cached plans outside the keep set, bounding memory on province-scale runs. */
  trim(keep: (r: number, c: number) => boolean): void {
    for (const map of [this.lots, this.zones] as Map<number, unknown>[]) {
      for (const k of map.keys()) if (!keep(Math.floor(k / 100_000), k % 100_000)) map.delete(k);
    }
  }
}

/** Everything numbered in one unit: each parcel with its sheet, number and centre. */
export type NumberedLot = { cell: Cell; lot: Lot; sheet: number; parcelNo: number; centre: UV };

/** Numbers a unit's parcels: sheets on a grid (500 m in wards, 1 km in communes), parcels in reading order within a sheet. */
export function numberUnit(layout: Layout, plans: PlanCache, unit: Unit, cells: readonly Cell[]): NumberedLot[] {
  const size = unit.urban ? 500 : 1000;
  const items: { cell: Cell; lot: Lot; centre: UV; sx: number; sy: number }[] = [];
  for (const cell of cells) {
    for (const lot of plans.parcels(cell.r, cell.c) ?? []) {
      const centre = layout.grid.point(cell.r, cell.c, (lot.t0 + lot.t1) / 2, (lot.s0 + lot.s1) / 2);
      items.push({ cell, lot, centre, sx: Math.floor(centre[0] / size), sy: Math.floor(centre[1] / size) });
    }
  }
  // Sheet 1 is the one holding the unit's seat (its first hamlet), then outward ring by ring, so
  // that even a small run has a sheet 1 in every commune.
  const focus = unit.hamletSeeds[0]!;
  const fx = Math.floor(focus[0] / size);
  const fy = Math.floor(focus[1] / size);
  const sheets = [...new Set(items.map((i) => `${i.sy}:${i.sx}`))]
    .map((k) => k.split(':').map(Number) as [number, number])
    .sort(
      (a, b) =>
        Math.max(Math.abs(a[0] - fy), Math.abs(a[1] - fx)) - Math.max(Math.abs(b[0] - fy), Math.abs(b[1] - fx)) ||
        b[0] - a[0] ||
        a[1] - b[1],
    );
  const sheetNo = new Map(sheets.map(([sy, sx], i) => [`${sy}:${sx}`, i + 1]));
  const bySheet = new Map<number, typeof items>();
  for (const item of items) {
    const n = sheetNo.get(`${item.sy}:${item.sx}`)!;
    const list = bySheet.get(n) ?? [];
    list.push(item);
    bySheet.set(n, list);
  }
  const out: NumberedLot[] = [];
  for (const [sheet, list] of [...bySheet].sort((a, b) => a[0] - b[0])) {
    list.sort((a, b) => Math.floor(b.centre[1] / 80) - Math.floor(a.centre[1] / 80) || a.centre[0] - b.centre[0]);
    list.forEach((item, i) => out.push({ cell: item.cell, lot: item.lot, sheet, parcelNo: i + 1, centre: item.centre }));
  }
  return out;
}

/** The parcels a run keeps of a unit: all of them, or the `quota` nearest its first hamlet. */
export function selectLots(unit: Unit, lots: readonly NumberedLot[], quota: number): NumberedLot[] {
  if (quota >= lots.length) return [...lots];
  const focus = unit.hamletSeeds[0]!;
  const d = (p: UV) => Math.hypot(p[0] - focus[0], p[1] - focus[1]);
  return [...lots]
    .sort((a, b) => d(a.centre) - d(b.centre) || a.sheet - b.sheet || a.parcelNo - b.parcelNo)
    .slice(0, quota)
    .sort((a, b) => a.sheet - b.sheet || a.parcelNo - b.parcelNo);
}

/** Residential and farm parcels have owners; roads, canals and public lots do not. */
const OWNED = new Set(['ODT', 'ONT', 'LUC', 'LUK', 'CLN', 'LNQ', 'HNK', 'BHK', 'NTS', 'TMD', 'SKC']);

/** Builds the row of one parcel: geometry with shared vertices, areas, certificate numbers, address, owners. */
export function parcelRow(
  seed: number,
  layout: Layout,
  plans: PlanCache,
  unitIndex: number,
  item: NumberedLot,
  id: number,
  houseNo: Map<string, number>,
): ParcelRow {
  const unit = layout.units[unitIndex]!;
  const { cell, lot } = item;
  const ring = plans.ring(cell, lot);
  const area = ringAreaM2(ring);
  const r = rng(seed, 'parcel', unit.code, item.sheet, item.parcelNo);
  const corridor = CORRIDOR_ROLES.has(lot.role);
  // Most legal areas match the survey; older certificates differ by a little, a few by more.
  const roll = r.next();
  const legal = Math.round(area * (roll < 0.55 ? 1 : roll < 0.95 ? 1 + r.range(-0.015, 0.015) : 1 + r.range(-0.05, 0.05)) * 10) / 10;
  let certSheet: string | null = null;
  let certParcel: string | null = null;
  if (!corridor) {
    const c = r.next();
    if (c < 0.72) {
      certSheet = String(item.sheet);
      certParcel = String(item.parcelNo);
    } else if (c < 0.86) {
      // Printed from the map before the last re-survey: other numbers.
      certSheet = String(Math.max(1, item.sheet + r.int(-3, 6)));
      certParcel = String(r.int(1, 900));
    }
  }
  const hamlet = unit.hamlets[cell.hamlet] ?? unit.hamlets[0]!;
  let address: string | null;
  if (corridor) address = lot.street ? `${lot.street}, ${unit.name}` : unit.name;
  else if (unit.urban && lot.street) {
    const n = (houseNo.get(lot.street) ?? 0) + 1;
    houseNo.set(lot.street, n);
    address = `Số ${n} ${lot.street}, ${hamlet}, ${unit.name}`;
  } else address = `${hamlet}, ${unit.name}`;
  const owners: ParcelRow['owners'] = [];
  let owner: ParcelInfo['owner'];
  if (OWNED.has(lot.use) && r.chance(0.9)) {
    const home = `${hamlet}, ${unit.name}${unit.synthetic ? '' : ', Thành phố Cao Lãnh'}, Đồng Tháp`;
    const count = r.weighted([
      [1, 0.74],
      [2, 0.21],
      [3, 0.05],
    ] as const);
    const first = person(r);
    const people = [first];
    if (count >= 2) {
      // Husband and wife on one certificate.
      people.push(person(r, first.female ? 'male' : 'female'));
    }
    if (count === 3) people.push(person(r));
    const names = new Set<string>();
    for (const p of people) {
      if (names.has(p.name)) continue;
      if (!owner) owner = { name: p.name, citizenId: '', female: p.female, born: p.born };
      names.add(p.name);
      owners.push({
        name: p.name,
        citizenId: citizenId(p, r),
        address: r.chance(0.85) ? home : `${r.pick(unit.hamlets)}, ${unit.name}, Đồng Tháp`,
        share: count > 1 ? `1/${count}` : null,
      });
    }
  }
  const centre = toLonLat(item.centre[0], item.centre[1]);
  return {
    info: { id, unit: unitIndex, cell, lot, area, centre, ...(owner ? { owner: { ...owner, citizenId: owners[0]!.citizenId } } : {}) },
    commune: unit.code,
    refDate: unit.synthetic ? '2025-07-01' : PARCEL_REF_DATE,
    sheet: item.sheet,
    parcelNo: item.parcelNo,
    certSheet,
    certParcel,
    legalArea: legal,
    address,
    ring,
    owners,
  };
}

/** Land-use rectangles of the 2030 plan: one per cell, its dominant use after the plan's conversions. */
export function plannedUse(seed: number, cell: Cell, lots: readonly Lot[], unit: Unit): string {
  const area = new Map<string, number>();
  for (const l of lots) {
    const code = currentCode(l.use);
    area.set(code, (area.get(code) ?? 0) + (l.t1 - l.t0) * (l.s1 - l.s0));
  }
  const dominant = [...area].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
  const r = rng(seed, 'plan-2030', cell.r, cell.c);
  if (dominant === 'DGT' || dominant === 'SON') return dominant;
  // The 2030 plan grows the town over suburban fields and turns some paddy into orchards.
  if (cell.zone === 'suburb' && ['LUC', 'LUK', 'HNK', 'CLN', 'NTS'].includes(dominant) && r.chance(0.55)) return unit.urban ? 'ODT' : 'ONT';
  if (cell.zone === 'core' && dominant !== 'ODT' && r.chance(0.3)) return 'ODT';
  if (dominant === 'LUC' && r.chance(0.12)) return 'CLN';
  return dominant;
}

/** The rectangles of a rectangle list that cover a unit's cells fully (for checks). */
export function fullRect(grid: Layout['grid'], r: number, c: number): Rect {
  return { t0: 0, t1: grid.colRes[c]!, s0: 0, s1: grid.rowRes[r]! };
}
