// Turns the rectangles of a layer (parcels, land-use polygons, zoning lots) into lon/lat rings that
// form a clean coverage: wherever a corner of one polygon lies on the edge of another, inside the
// cell or across a cell edge, that edge gets the same vertex. Neighbours then share identical
// vertex sequences, so snapping can never open a gap or make them overlap, and
// ST_CoverageSimplify accepts the result.
import { toLonLat, type LonLat } from './frame.ts';
import type { Grid } from './grid.ts';
import type { Rect } from './subdivide.ts';

/** The rectangles a layer has in cell (r, c), or undefined where the layer has nothing. */
export type LayerRects = (r: number, c: number) => readonly Rect[] | undefined;

function add(map: Map<number, number[]>, line: number, at: number): void {
  const list = map.get(line);
  if (list) list.push(at);
  else map.set(line, [at]);
}

function add2(map: Map<number, number[]>, line: number, a: number, b: number): void {
  add(map, line, a);
  add(map, line, b);
}

function sortUnique(map: Map<number, number[]>): void {
  for (const [k, list] of map) {
    list.sort((a, b) => a - b);
    map.set(
      k,
      list.filter((x, i) => i === 0 || x !== list[i - 1]),
    );
  }
}

/** Values of a sorted list strictly between lo and hi. */
function between(list: readonly number[] | undefined, lo: number, hi: number): number[] {
  if (!list) return [];
  let i = 0;
  let j = list.length;
  while (i < j) {
    const m = (i + j) >> 1;
    if (list[m]! <= lo) i = m + 1;
    else j = m;
  }
  const out: number[] = [];
  for (; i < list.length && list[i]! < hi; i++) out.push(list[i]!);
  return out;
}

/** Closed lon/lat rings of the given rectangles of cell (r, c) with every shared vertex inserted. */
export function cellRings(grid: Grid, layer: LayerRects, r: number, c: number, rects: readonly Rect[]): LonLat[][] {
  const nt = grid.colRes[c]!;
  const ns = grid.rowRes[r]!;
  // h: for each line s = const, the t of every vertex on it; v: for each t = const, the s values.
  const h = new Map<number, number[]>();
  const v = new Map<number, number[]>();
  for (const x of layer(r, c) ?? []) {
    add(h, x.s0, x.t0);
    add(h, x.s0, x.t1);
    add(h, x.s1, x.t0);
    add(h, x.s1, x.t1);
    add(v, x.t0, x.s0);
    add(v, x.t0, x.s1);
    add(v, x.t1, x.s0);
    add(v, x.t1, x.s1);
  }
  // Corners of the neighbours' polygons that lie on this cell's edges.
  const below = r > 0 ? grid.rowRes[r - 1]! : -1;
  for (const x of r > 0 ? (layer(r - 1, c) ?? []) : []) {
    if (x.s1 === below) add2(h, 0, x.t0, x.t1);
  }
  for (const x of layer(r + 1, c) ?? []) {
    if (x.s0 === 0) add2(h, ns, x.t0, x.t1);
  }
  const left = c > 0 ? grid.colRes[c - 1]! : -1;
  for (const x of c > 0 ? (layer(r, c - 1) ?? []) : []) {
    if (x.t1 === left) add2(v, 0, x.s0, x.s1);
  }
  for (const x of layer(r, c + 1) ?? []) {
    if (x.t0 === 0) add2(v, nt, x.s0, x.s1);
  }
  sortUnique(h);
  sortUnique(v);

  const cache = new Map<number, LonLat>();
  const at = (t: number, s: number): LonLat => {
    const k = t * 1_000_003 + s;
    let p = cache.get(k);
    if (!p) {
      const uv = grid.point(r, c, t, s);
      p = toLonLat(uv[0], uv[1]);
      cache.set(k, p);
    }
    return p;
  };
  return rects.map((x) => {
    const ring: LonLat[] = [at(x.t0, x.s0)];
    for (const t of between(h.get(x.s0), x.t0, x.t1)) ring.push(at(t, x.s0));
    ring.push(at(x.t1, x.s0));
    for (const s of between(v.get(x.t1), x.s0, x.s1)) ring.push(at(x.t1, s));
    ring.push(at(x.t1, x.s1));
    for (const t of between(h.get(x.s1), x.t0, x.t1).reverse()) ring.push(at(t, x.s1));
    ring.push(at(x.t0, x.s1));
    for (const s of between(v.get(x.t0), x.s0, x.s1).reverse()) ring.push(at(x.t0, s));
    ring.push(ring[0]!);
    // Two parameters closer than the 1e-7° lattice would give a repeated vertex: drop it on both sides alike.
    return ring.filter((p, i) => i === 0 || p[0] !== ring[i - 1]![0] || p[1] !== ring[i - 1]![1]);
  });
}

/** The ring of a whole cell through its four corners only (for admin units and the river). */
export function cornerRing(grid: Grid, r: number, c: number): LonLat[] {
  const p = [grid.corner(r, c), grid.corner(r, c + 1), grid.corner(r + 1, c + 1), grid.corner(r + 1, c)].map((q) => toLonLat(q[0], q[1]));
  return [...p, p[0]!];
}
