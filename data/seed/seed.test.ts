// The generator without a database: deterministic output, parcels whose neighbours share every
// vertex (no T-junctions, so no gaps or overlaps after snapping), sizes in range, quotas exact.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cellRings } from './coverage.ts';
import { ringAreaM2, type LonLat } from './frame.ts';
import { numberUnit, parcelRow, selectLots } from './parcels.ts';
import { planRun } from './index.ts';
import { rng } from './random.ts';
import { CORRIDOR_ROLES, split } from './subdivide.ts';

/** A digest of the first parcels of every unit, as they would be inserted. */
function digest(seed: number, parcels: number): string {
  const run = planRun(seed, parcels);
  const hash = createHash('sha256');
  let id = 0;
  for (const [u, unit] of run.layout.units.entries()) {
    const numbered = numberUnit(run.layout, run.plans, unit, run.cellsOf.get(u) ?? []);
    for (const item of selectLots(unit, numbered, run.cityQuota.get(u) ?? 0).slice(0, 40)) {
      const row = parcelRow(seed, run.layout, run.plans, u, item, ++id, new Map());
      hash.update(
        JSON.stringify([row.commune, row.sheet, row.parcelNo, row.info.lot.use, row.legalArea, row.address, row.ring, row.owners]),
      );
    }
  }
  return hash.digest('hex');
}

function planar(ring: readonly LonLat[]): number {
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i++)
    sum += (ring[i]![0] - 105) * (ring[i + 1]![1] - 10) - (ring[i + 1]![0] - 105) * (ring[i]![1] - 10);
  return Math.abs(sum) / 2;
}

describe('sample-data generator', () => {
  it('gives the same parcels for the same seed and different ones for another seed', () => {
    const a = digest(42, 1500);
    expect(digest(42, 1500)).toBe(a);
    expect(digest(7, 1500)).not.toBe(a);
  });

  it('shares the city exactly: quotas add up to the requested count', () => {
    const run = planRun(42, 3000);
    expect([...run.cityQuota.values()].reduce((s, n) => s + n, 0)).toBe(3000);
    expect(run.cityQuota.size).toBe(13);
    expect(run.cityCapacity).toBeGreaterThan(50_000);
  });

  it('inserts every neighbour vertex: each edge inside a cell or on its boundary is an edge of the neighbouring parcel too', () => {
    const run = planRun(42, 1000);
    const { layout, plans } = run;
    const key = (a: LonLat, b: LonLat) => `${a[0]},${a[1]}>${b[0]},${b[1]}`;
    // Cells surrounded on all four sides, a spread of urban core, suburb and countryside.
    const centres = layout.cells.filter(
      (c, i) =>
        i % 41 === 0 &&
        [
          [-1, 0],
          [1, 0],
          [0, -1],
          [0, 1],
        ].every(([dr, dc]) => layout.cellAt(c.r + dr!, c.c + dc!)),
    );
    expect(centres.some((c) => c.zone === 'core')).toBe(true);
    for (const centre of centres) {
      const edges = new Set<string>();
      for (const [dr, dc] of [
        [0, 0],
        [-1, 0],
        [1, 0],
        [0, -1],
        [0, 1],
      ] as const) {
        const r = centre.r + dr;
        const c = centre.c + dc;
        for (const ring of cellRings(layout.grid, plans.parcels, r, c, plans.parcels(r, c)!)) {
          for (let i = 0; i + 1 < ring.length; i++) edges.add(key(ring[i]!, ring[i + 1]!));
        }
      }
      for (const ring of cellRings(layout.grid, plans.parcels, centre.r, centre.c, plans.parcels(centre.r, centre.c)!)) {
        for (let i = 0; i + 1 < ring.length; i++) expect(edges.has(key(ring[i + 1]!, ring[i]!))).toBe(true);
      }
    }
  });

  it('tiles each cell: its parcels add up to the cell, and ordinary parcels are 200 to 5,000 m²', () => {
    const run = planRun(42, 1000);
    const { layout, plans } = run;
    for (const cell of layout.cells.filter((_, i) => i % 17 === 0)) {
      const lots = plans.parcels(cell.r, cell.c)!;
      const rings = cellRings(layout.grid, plans.parcels, cell.r, cell.c, lots);
      const whole = cellRings(layout.grid, plans.parcels, cell.r, cell.c, [
        { t0: 0, t1: layout.grid.colRes[cell.c]!, s0: 0, s1: layout.grid.rowRes[cell.r]! },
      ])[0]!;
      // Planar area in degrees: the parts of a partition add up to the whole up to rounding.
      const sum = rings.reduce((s, r) => s + planar(r), 0);
      expect(Math.abs(sum - planar(whole)) / planar(whole)).toBeLessThan(1e-9);
      lots.forEach((lot, i) => {
        if (CORRIDOR_ROLES.has(lot.role)) return;
        const m2 = ringAreaM2(rings[i]!);
        expect(m2).toBeGreaterThanOrEqual(200);
        expect(m2).toBeLessThanOrEqual(5000);
      });
    }
  });

  it('splits a length into integer parts within bounds that add up to it', () => {
    const r = rng(1, 'split-test');
    for (let i = 0; i < 200; i++) {
      const total = r.int(100, 5000);
      const min = r.int(20, 80);
      const max = min * r.int(2, 5);
      const parts = split(total, min, max, r.int(min, max), r);
      expect(parts.reduce((s, x) => s + x, 0)).toBe(total);
      for (const p of parts) {
        expect(p).toBeGreaterThanOrEqual(min);
        expect(p).toBeLessThanOrEqual(max);
      }
    }
  });
});
