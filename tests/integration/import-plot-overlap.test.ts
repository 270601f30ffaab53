import type { Feature, Polygon } from 'geojson';
import { beforeAll, describe, expect, it } from 'vitest';
import { openForFile } from '../helpers/for-file.ts';
import { insidePoint, openImportFixture, plotSquare } from '../helpers/import-fixture.ts';

// Plots do not overlap: the features API and the editor refuse a plot over another by more than
// 1 m², and an imported survey file must not bring in what an officer could not draw. Each refused
// row names what it overlaps (stored plots by id, earlier rows of the file by layer and number) with
// the m², and nothing of it is written.

const WARD = '29869';
const fx = openForFile(openImportFixture);
let origin: [number, number];

beforeAll(async () => {
  origin = await insidePoint(fx.db, WARD);
  // The squares below must start on free ground, or every case would be about the seeded plots.
  const { rows } = await fx.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM plots WHERE ST_DWithin(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326), 0.01)',
    origin,
  );
  expect(rows[0]!.n).toBe(0);
});

/** A plot row: a square of `size` degrees whose south-west corner is `dx`, `dy` degrees from the origin. */
function square(key: string, dx: number, dy: number, size = 0.0002): Feature<Polygon> {
  const f = plotSquare([origin[0] + dx, origin[1] + dy], { key, commune: WARD, k: 0, size }) as Feature<Polygon>;
  return f;
}

const run = async (name: string, features: Feature[], dryRun = false) =>
  fx.run('plots', await fx.file(name, features), fx.admin, { dryRun });

async function storedKeys(prefix: string): Promise<string[]> {
  const { rows } = await fx.db.query<{ source_key: string }>('SELECT source_key FROM plots WHERE source_key LIKE $1 ORDER BY source_key', [
    `${prefix}%`,
  ]);
  return rows.map((r) => r.source_key);
}

describe('importing plots that overlap', () => {
  it('refuses a row over a stored plot and a row over an earlier row, naming each with its m², and writes the rest', async () => {
    await fx.store('plots', 'stored.geojson', [square('OV-STORED', 0, 0)]);
    const stored = (await fx.db.query<{ id: number }>("SELECT id FROM plots WHERE source_key = 'OV-STORED'")).rows[0]!.id;
    const features = [
      square('OV-FREE', 0.001, 0),
      // Half of the stored square: 0.0001° × 0.0002° ≈ 11 m × 22 m.
      square('OV-ON-STORED', 0.0001, 0),
      square('OV-ON-ROW', 0.0011, 0.0001),
    ];
    const dry = await run('dry.geojson', features, true);
    expect(await storedKeys('OV-')).toEqual(['OV-STORED']);
    const report = await run('overlaps.geojson', features);
    for (const r of [dry, report]) {
      expect(r.counts).toMatchObject({ refused: 2 });
      expect(r.problemCounts.PLOT_OVERLAP).toBe(2);
      const [onStored, onRow] = r.problems.filter((p) => p.code === 'PLOT_OVERLAP');
      expect(onStored).toMatchObject({ index: 2, severity: 'error', rows: [], thresholdM2: 1 });
      expect(onStored && 'plots' in onStored ? onStored.plots : []).toHaveLength(1);
      const overStored = onStored && 'plots' in onStored ? onStored.plots[0]! : { id: 0, m2: 0 };
      expect(overStored.id).toBe(stored);
      // 0.0001° of longitude × 0.0002° of latitude at 10.46° N.
      expect(overStored.m2).toBeGreaterThan(200);
      expect(overStored.m2).toBeLessThan(300);
      expect(onStored?.message).toMatch(new RegExp(`^overlaps plot ${stored} \\(\\d+\\.?\\d? m²\\) by more than 1 m²`));
      // Features are numbered from 1, as the report's table shows them.
      expect(onRow).toMatchObject({ index: 3, plots: [], rows: [{ index: 1 }] });
    }
    expect(report.counts.inserted).toBe(1);
    expect(await storedKeys('OV-')).toEqual(['OV-FREE', 'OV-STORED']);
  });

  it('lets plots that only touch, or overlap by a sliver under 1 m², in', async () => {
    const report = await run('touching.geojson', [
      square('TO-A', 0.003, 0),
      // Shares the east edge of TO-A.
      square('TO-B', 0.0032, 0),
      // Reaches 0.0000002° (2 cm) into TO-A's west side along its 22 m: about 0.5 m².
      square('TO-C', 0.0028002, 0),
    ]);
    expect(report.problems.filter((p) => p.code === 'PLOT_OVERLAP')).toEqual([]);
    expect(report.counts.inserted).toBe(3);
  });

  it('keeps the first of a chain: a row over a refused row is not refused for it', async () => {
    const report = await run('chain.geojson', [
      square('CH-1', 0.005, 0),
      square('CH-2', 0.00515, 0),
      // Overlaps CH-2 only, which is refused for overlapping CH-1.
      square('CH-3', 0.0053, 0),
    ]);
    expect(report.problems.filter((p) => p.code === 'PLOT_OVERLAP').map((p) => p.index)).toEqual([2]);
    expect(await storedKeys('CH-')).toEqual(['CH-1', 'CH-3']);
  });

  it('compares a stored plot the file reshapes by its new shape, and a plot with itself not at all', async () => {
    await fx.store('plots', 'before.geojson', [square('MV-OLD', 0.007, 0)]);
    const report = await run('moved.geojson', [
      // MV-OLD moves 0.00005° east, over most of its old place; MV-NEW takes the strip it leaves
      // (over the old shape by about 120 m², touching the new one).
      square('MV-OLD', 0.00705, 0),
      square('MV-NEW', 0.00685, 0),
    ]);
    expect(report.problems.filter((p) => p.code === 'PLOT_OVERLAP')).toEqual([]);
    expect(report.counts).toMatchObject({ inserted: 1, updated: 1, refused: 0 });
    // The same file again: unchanged, and nothing overlaps itself.
    const again = await run('moved-again.geojson', [square('MV-OLD', 0.00705, 0), square('MV-NEW', 0.00685, 0)]);
    expect(again.counts).toMatchObject({ unchanged: 2, refused: 0 });
  });
});
