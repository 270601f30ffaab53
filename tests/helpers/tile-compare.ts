// Comparing two decodings of one tile layer: the encoder agreement tests use it on the fixture and
// on the seeded sample data.
import type { DecodedFeature } from './tile-fixtures.ts';

type Pt = { x: number; y: number };

function segmentDistance(p: Pt, a: Pt, b: Pt): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = dx * dx + dy * dy;
  const t = len === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / len));
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

/** The largest distance from a vertex of one geometry to the other's outline (or points), in tile units. */
export function farthest(from: Pt[][], to: Pt[][]): number {
  let worst = 0;
  for (const ring of from) {
    for (const p of ring) {
      let best = Infinity;
      for (const r of to) {
        if (r.length === 1) best = Math.min(best, Math.hypot(p.x - r[0]!.x, p.y - r[0]!.y));
        for (let i = 1; i < r.length; i++) best = Math.min(best, segmentDistance(p, r[i - 1]!, r[i]!));
      }
      worst = Math.max(worst, best);
    }
  }
  return worst;
}

/** Every edge of the rings of a polygon feature, closing edges included. */
function edges(rings: Pt[][]): [Pt, Pt][] {
  const out: [Pt, Pt][] = [];
  for (const r of rings) for (let i = 0; i < r.length; i++) out.push([r[i]!, r[(i + 1) % r.length]!]);
  return out;
}

/** Columns of row y (at its centre) inside the rings by the even-odd rule, as sorted [from, to) crossings. */
function crossings(es: [Pt, Pt][], y: number): number[] {
  const xs: number[] = [];
  for (const [a, b] of es) {
    if (a.y > y === b.y > y) continue;
    xs.push(a.x + ((y - a.y) / (b.y - a.y)) * (b.x - a.x));
  }
  return xs.sort((p, q) => p - q);
}

function inside(xs: number[], x: number): boolean {
  let n = 0;
  for (const c of xs) if (c < x) n++;
  return n % 2 === 1;
}

function nearOutline(p: Pt, es: [Pt, Pt][], limit: number): boolean {
  for (const [a, b] of es) if (segmentDistance(p, a, b) <= limit) return true;
  return false;
}

/**
 * How far past the tile's edge, in tile units, a renderer may show a polygon's area: a renderer
 * draws each tile through its own bounds (MapLibre masks fills and lines with the tile's stencil),
 * so past the edge only an outline's stroke reaches in: 16 units, 2 px of a 512-px tile. A polygon
 * may be clipped at the 64-unit buffer or sent whole (sql.encoder.ts, UNCLIPPED); what either
 * holds further out is never drawn.
 */
const SHOWN = 16;

/**
 * Tile-unit cells (the centres of a 1-unit grid over the tile and SHOWN units around it) covered by
 * exactly one of two polygon geometries and more than one unit from both outlines: area one
 * encoder draws and the other does not, beyond the tolerance. Outlines may differ in how they split
 * an area (one polygon with a slit hole against two polygons touching) and still draw the same
 * pixels; this counts only what a renderer would show differently.
 */
export function coverageDifference(a: Pt[][], b: Pt[][]): number {
  const ea = edges(a);
  const eb = edges(b);
  const all = [...a, ...b].flat();
  if (!all.length) return 0;
  const y0 = Math.max(-SHOWN, Math.floor(Math.min(...all.map((p) => p.y))));
  const y1 = Math.min(4096 + SHOWN, Math.ceil(Math.max(...all.map((p) => p.y))));
  const x0 = Math.max(-SHOWN, Math.floor(Math.min(...all.map((p) => p.x))));
  const x1 = Math.min(4096 + SHOWN, Math.ceil(Math.max(...all.map((p) => p.x))));
  let count = 0;
  for (let y = y0; y < y1; y++) {
    const ca = crossings(ea, y + 0.5);
    const cb = crossings(eb, y + 0.5);
    // Only columns between crossings can differ: walk the merged crossings and test one cell per span.
    const stops = [...new Set([x0, ...ca, ...cb].map((x) => Math.max(x0, Math.min(x1, Math.floor(x)))))].sort((p, q) => p - q);
    for (let x = x0; x < x1; x++) {
      const p = { x: x + 0.5, y: y + 0.5 };
      if (inside(ca, p.x) === inside(cb, p.x)) {
        // Skip ahead to the next crossing: nothing changes before it.
        const next = stops.find((s) => s > x);
        if (next === undefined) break;
        x = next - 1;
        continue;
      }
      if (!nearOutline(p, ea, 1) && !nearOutline(p, eb, 1)) count++;
    }
  }
  return count;
}

/**
 * Differences between two decodings of one layer: ids, types, attributes, geometry beyond one tile
 * unit. Polygons whose outlines differ by more than a unit are compared by what they cover.
 */
export function differences(a: DecodedFeature[], b: DecodedFeature[]): string[] {
  const out: string[] = [];
  const byId = new Map(b.map((f) => [f.id, f]));
  const ids = new Set(a.map((f) => f.id));
  for (const g of b) {
    if (ids.has(g.id)) continue;
    if (g.type !== 3 || coverageDifference([], g.geometry) > 0) out.push(`#${g.id} only in the second`);
  }
  for (const f of a) {
    const g = byId.get(f.id);
    if (!g) {
      if (f.type !== 3 || coverageDifference(f.geometry, []) > 0) out.push(`#${f.id} only in the first`);
      continue;
    }
    if (f.type !== g.type) out.push(`#${f.id} type ${f.type} vs ${g.type}`);
    if (JSON.stringify(Object.entries(f.properties).sort()) !== JSON.stringify(Object.entries(g.properties).sort())) {
      out.push(`#${f.id} attributes ${JSON.stringify(f.properties)} vs ${JSON.stringify(g.properties)}`);
    }
    const d = Math.max(farthest(f.geometry, g.geometry), farthest(g.geometry, f.geometry));
    if (d <= 1) continue;
    const cells = f.type === 3 && g.type === 3 ? coverageDifference(f.geometry, g.geometry) : Infinity;
    if (cells > 0)
      out.push(`#${f.id} geometry differs by ${d.toFixed(2)} tile units${Number.isFinite(cells) ? ` (${cells} cells of area)` : ''}`);
  }
  return out;
}
