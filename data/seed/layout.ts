// Which unit, hamlet and zone every grid cell belongs to. Units are unions of whole cells, so
// their boundaries follow canals and roads (as they mostly do in the delta) and old units tile
// the city without gaps or overlaps; each 2025 ward is then the union of its old units.
import { CITY_CENTRE, CITY_OUTLINE, CITY_UNITS, EARLIER_UNITS, ISLAND_U, SYNTHETIC_MIX, type Mix } from './admin.ts';
import { toUV, type UV } from './frame.ts';
import { CITY_U, CITY_V, Grid } from './grid.ts';
import { rng } from './random.ts';

/** A unit parcels are keyed by: one of the city's 13, or a synthetic commune of a province-scale run. */
export type Unit = {
  code: string;
  name: string;
  urban: boolean;
  mix: Mix;
  hamlets: string[];
  synthetic: boolean;
  /** Hamlet seeds (frame metres), the first one is where a partial run gathers its parcels. */
  hamletSeeds: UV[];
};

export type Zone = 'core' | 'suburb' | 'rural';

/** A cell of the grid that belongs to a unit. */
export type Cell = {
  r: number;
  c: number;
  unit: number;
  hamlet: number;
  /** Code of the unit merged on 01/01/2025 that held this cell, where there was one. */
  earlier?: string;
  zone: Zone;
  centre: UV;
};

export type Layout = {
  grid: Grid;
  units: Unit[];
  cells: Cell[];
  /** Cells of Sông Tiền (for the river polygon). */
  riverCells: { r: number; c: number }[];
  cellAt(r: number, c: number): Cell | undefined;
};

function inside(p: UV, ring: readonly UV[]): boolean {
  let inRing = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i]!;
    const b = ring[j]!;
    if (a[1] > p[1] !== b[1] > p[1] && p[0] < ((b[0] - a[0]) * (p[1] - a[1])) / (b[1] - a[1]) + a[0]) inRing = !inRing;
  }
  return inRing;
}

const dist = (a: UV, b: UV) => Math.hypot(a[0] - b[0], a[1] - b[1]);

/** Lays the units, hamlets and zones on the grid of the given ring of frames. */
export function buildLayout(seed: number, ring: number): Layout {
  const grid = new Grid(seed, { ring });
  const outline = CITY_OUTLINE.map(([lon, lat]) => toUV(lon, lat));
  const centre = toUV(CITY_CENTRE[0], CITY_CENTRE[1]);
  const units: Unit[] = CITY_UNITS.map((u) => ({
    code: u.code,
    name: u.name,
    urban: u.urban,
    mix: u.mix,
    hamlets: u.hamlets,
    synthetic: false,
    hamletSeeds: [],
  }));
  const tinhThoi = CITY_UNITS.findIndex((u) => u.code === '29899');
  const citySeeds = CITY_UNITS.map((u) => toUV(u.seed[0], u.seed[1]));

  // Synthetic communes: a jittered 5 km lattice outside the city, numbered outward from the centre.
  const synth: UV[] = [];
  if (ring > 0) {
    const u0 = CITY_U[0] - ring * (CITY_U[1] - CITY_U[0]);
    const u1 = CITY_U[1] + ring * (CITY_U[1] - CITY_U[0]);
    const v1 = CITY_V[1] + ring * 9000;
    for (let i = 0; u0 + i * 5000 < u1; i++) {
      for (let j = 0; j * 5000 < v1; j++) {
        const r = rng(seed, 'synthetic-seed', i, j);
        const p: UV = [u0 + (i + 0.5) * 5000 + r.range(-1200, 1200), (j + 0.5) * 5000 + r.range(-1200, 1200)];
        if (!inside(p, outline)) synth.push(p);
      }
    }
    synth.sort((a, b) => dist(a, centre) - dist(b, centre) || a[0] - b[0]);
  }
  const synthUnit = new Map<number, number>();

  const cells: Cell[] = [];
  const riverCells: { r: number; c: number }[] = [];
  const index = new Map<number, Cell>();
  const key = (r: number, c: number) => r * 100_000 + c;
  for (let r = 0; r < grid.rows.length; r++) {
    const row = grid.rows[r]!;
    for (let c = 0; c < grid.cols.length; c++) {
      const p = [grid.corner(r, c), grid.corner(r, c + 1), grid.corner(r + 1, c), grid.corner(r + 1, c + 1)];
      const mid: UV = [(p[0]![0] + p[1]![0] + p[2]![0] + p[3]![0]) / 4, (p[0]![1] + p[1]![1] + p[2]![1] + p[3]![1]) / 4];
      let unit: number | undefined;
      if (row.kind === 'river' || (row.island && !(row.frame === 0 && mid[0] > ISLAND_U[0] && mid[0] < ISLAND_U[1]))) {
        riverCells.push({ r, c });
        continue;
      }
      if (row.island) unit = tinhThoi;
      else if (inside(mid, outline) && row.frame === 0 && grid.cols[c]!.frame === 0) {
        let best = Infinity;
        citySeeds.forEach((s, i) => {
          if (i === tinhThoi) return;
          const d = dist(mid, s) / CITY_UNITS[i]!.weight;
          if (d < best) {
            best = d;
            unit = i;
          }
        });
      } else if (synth.length) {
        let best = Infinity;
        let nearest = 0;
        synth.forEach((s, i) => {
          const d = dist(mid, s);
          if (d < best) {
            best = d;
            nearest = i;
          }
        });
        let u = synthUnit.get(nearest);
        if (u === undefined) {
          u = units.length;
          synthUnit.set(nearest, u);
          units.push({
            code: '',
            name: '',
            urban: false,
            mix: SYNTHETIC_MIX,
            hamlets: ['Ấp 1', 'Ấp 2', 'Ấp 3', 'Ấp 4'],
            synthetic: true,
            hamletSeeds: [synth[nearest]!],
          });
        }
        unit = u;
      }
      if (unit === undefined) continue;
      const z = rng(seed, 'zone', r, c);
      const d = dist(mid, centre);
      const zone: Zone = units[unit]!.urban && d < 1350 + z.range(-150, 150) ? 'core' : d < 2700 + z.range(-300, 300) ? 'suburb' : 'rural';
      const cell: Cell = { r, c, unit, hamlet: 0, zone, centre: mid };
      cells.push(cell);
      index.set(key(r, c), cell);
    }
  }

  // Synthetic codes count outward from the centre: 90001 is the nearest.
  const bySeedOrder = [...synthUnit.entries()].sort((a, b) => a[0] - b[0]);
  bySeedOrder.forEach(([, u], i) => {
    const n = String(i + 1).padStart(4, '0');
    units[u]!.code = `9${n}`;
    units[u]!.name = `Xã Mô Phỏng ${n}`;
  });

  // Hamlets: the first at the unit's seed, the rest spread by farthest-point sampling over its cells.
  const cellsOf = new Map<number, Cell[]>();
  for (const cell of cells) {
    const list = cellsOf.get(cell.unit) ?? [];
    list.push(cell);
    cellsOf.set(cell.unit, list);
  }
  units.forEach((unit, i) => {
    const list = cellsOf.get(i) ?? [];
    if (!list.length) return;
    const first = unit.synthetic ? unit.hamletSeeds[0]! : citySeeds[i]!;
    const start = list.reduce((best, c) => (dist(c.centre, first) < dist(best.centre, first) ? c : best));
    const seeds: UV[] = [start.centre];
    while (seeds.length < unit.hamlets.length && seeds.length < list.length) {
      let far = list[0]!;
      let farD = -1;
      for (const c of list) {
        const d = Math.min(...seeds.map((s) => dist(s, c.centre)));
        if (d > farD) {
          farD = d;
          far = c;
        }
      }
      seeds.push(far.centre);
    }
    unit.hamletSeeds = seeds;
    unit.hamlets = unit.hamlets.slice(0, seeds.length);
    for (const c of list) {
      let best = Infinity;
      seeds.forEach((s, h) => {
        const d = dist(s, c.centre);
        if (d < best) {
          best = d;
          c.hamlet = h;
        }
      });
      const earlier = EARLIER_UNITS.filter((e) => e.successor === unit.code && !unit.synthetic);
      if (earlier.length) {
        let bestE = Infinity;
        for (const e of earlier) {
          const d = dist(toUV(e.seed[0], e.seed[1]), c.centre);
          if (d < bestE) {
            bestE = d;
            c.earlier = e.code;
          }
        }
      }
    }
  });

  const used = units.filter((_, i) => cellsOf.has(i));
  const remap = new Map(units.map((u, i) => [i, used.indexOf(u)]));
  for (const c of cells) c.unit = remap.get(c.unit)!;
  return { grid, units: used, cells, riverCells, cellAt: (r, c) => index.get(key(r, c)) };
}
