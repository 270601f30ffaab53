// Roads and water for a basemap that works with no internet: every road corridor of the grid as a
// centreline, the local streets of the urban core, every canal as a polygon, Sông Tiền around the
// island of Tịnh Thới, and ponds on the aquaculture parcels.
import { cornerRing } from './coverage.ts';
import { multiLineWkt, multiPolygonWkt, multiPolygonsWkt, toLonLat, type LonLat } from './frame.ts';
import type { Track } from './grid.ts';
import type { Layout } from './layout.ts';
import { trackName } from './names.ts';
import type { PlanCache } from './parcels.ts';
import { geom, insertRows, type SeedQueryable } from './sql.ts';

const ROAD_KIND: Record<string, string> = { national: 'national', provincial: 'provincial', urban: 'urban', rural: 'rural' };

/** Runs of consecutive indices for which `has` holds. */
function runs(n: number, has: (i: number) => boolean): [number, number][] {
  const out: [number, number][] = [];
  let start = -1;
  for (let i = 0; i <= n; i++) {
    if (i < n && has(i)) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      out.push([start, i - 1]);
      start = -1;
    }
  }
  return out;
}

/** Writes roads and water for the cells of the given units. */
export async function writeBasemap(
  q: SeedQueryable,
  seed: number,
  layout: Layout,
  plans: PlanCache,
  inUnits: (unit: number) => boolean,
): Promise<void> {
  const grid = layout.grid;
  const has = (r: number, c: number) => {
    const cell = layout.cellAt(r, c);
    return !!cell && inUnits(cell.unit);
  };
  const mid = (a: number, b: number, c: number, d: number): LonLat => {
    const p = grid.corner(a, b);
    const q2 = grid.corner(c, d);
    return toLonLat((p[0] + q2[0]) / 2, (p[1] + q2[1]) / 2);
  };
  const roads: unknown[][] = [];
  const water: unknown[][] = [];
  const corridor = (track: Track, lines: LonLat[][], polys: LonLat[][], neighbour?: Track) => {
    if (!lines.length) return;
    const name = trackName(seed, track, neighbour);
    if (track.kind === 'road') roads.push([name, ROAD_KIND[track.roadClass ?? 'rural'], multiLineWkt(lines)]);
    else water.push([name, track.river ? 'river' : 'canal', multiPolygonsWkt(polys.map((p) => [p]))]);
  };
  grid.rows.forEach((track, r) => {
    if (track.kind === 'block' || track.kind === 'river') return;
    const spans = runs(grid.cols.length, (c) => has(r, c));
    const lines = spans.map(([c0, c1]) => Array.from({ length: c1 - c0 + 2 }, (_, i) => mid(r, c0 + i, r + 1, c0 + i)));
    const polys = spans.map(([c0, c1]) => {
      const bottom = Array.from({ length: c1 - c0 + 2 }, (_, i) => grid.corner(r, c0 + i));
      const top = Array.from({ length: c1 - c0 + 2 }, (_, i) => grid.corner(r + 1, c1 + 1 - i));
      const ring = [...bottom, ...top].map((p) => toLonLat(p[0], p[1]));
      return [...ring, ring[0]!];
    });
    corridor(track, lines, polys, grid.rows[r + 1]);
  });
  grid.cols.forEach((track, c) => {
    if (track.kind === 'block') return;
    const spans = runs(grid.rows.length, (r) => has(r, c));
    const lines = spans.map(([r0, r1]) => Array.from({ length: r1 - r0 + 2 }, (_, i) => mid(r0 + i, c, r0 + i, c + 1)));
    const polys = spans.map(([r0, r1]) => {
      const left = Array.from({ length: r1 - r0 + 2 }, (_, i) => grid.corner(r0 + i, c));
      const right = Array.from({ length: r1 - r0 + 2 }, (_, i) => grid.corner(r1 + 1 - i, c + 1));
      const ring = [...right.reverse(), ...left.reverse()].map((p) => toLonLat(p[0], p[1]));
      return [...ring, ring[0]!];
    });
    corridor(track, lines, polys, grid.cols[c + 1]);
  });
  // Local streets and alleys of the urban core.
  for (const cell of layout.cells) {
    if (cell.zone !== 'core' || !inUnits(cell.unit)) continue;
    const nt = grid.colRes[cell.c]!;
    const ns = grid.rowRes[cell.r]!;
    const { width, depth } = grid.size(cell.r, cell.c);
    for (const lot of plans.parcels(cell.r, cell.c) ?? []) {
      if (lot.role !== 'street') continue;
      const alongT = ((lot.t1 - lot.t0) / nt) * width >= ((lot.s1 - lot.s0) / ns) * depth;
      const ends = alongT
        ? [grid.point(cell.r, cell.c, lot.t0, (lot.s0 + lot.s1) / 2), grid.point(cell.r, cell.c, lot.t1, (lot.s0 + lot.s1) / 2)]
        : [grid.point(cell.r, cell.c, (lot.t0 + lot.t1) / 2, lot.s0), grid.point(cell.r, cell.c, (lot.t0 + lot.t1) / 2, lot.s1)];
      roads.push([
        lot.street ?? null,
        lot.street?.startsWith('Hẻm') ? 'path' : 'urban',
        multiLineWkt([ends.map((p) => toLonLat(p[0], p[1]))]),
      ]);
    }
  }
  const roadCols = [{ name: 'name', type: 'text' }, { name: 'kind', type: 'text' }, geom()];
  for (let i = 0; i < roads.length; i += 1000) await insertRows(q, 'roads', roadCols, roads.slice(i, i + 1000));
  await insertRows(q, 'water', roadCols, water);

  // Sông Tiền: the river cells dissolved, with the island of Tịnh Thới left out as a hole.
  const columns = new Set(layout.cells.filter((cell) => inUnits(cell.unit)).map((cell) => cell.c));
  const river = layout.riverCells.filter(({ c }) => columns.has(c));
  await q.exec(`CREATE TEMP TABLE seed_river (geom geometry) ON COMMIT DROP`);
  await insertRows(
    q,
    'seed_river',
    [geom()],
    river.map(({ r, c }) => [multiPolygonWkt([cornerRing(grid, r, c)])]),
  );
  await q.exec(
    `INSERT INTO water (name, kind, geom) SELECT 'Sông Tiền', 'river', ST_Multi(ST_Union(geom)) FROM seed_river HAVING count(*) > 0`,
  );
}
