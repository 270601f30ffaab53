import { beforeAll, describe, expect, it } from 'vitest';
import type { ImportOptions } from '../../server/io/import.ts';
import { openForFile } from '../helpers/for-file.ts';
import { insertGrowingArea } from '../helpers/growing-area-row.ts';
import { insidePoint, openImportFixture, plotIdsByKey, plotSquare, plotsAndAreas } from '../helpers/import-fixture.ts';

// A survey file has no growing-area column, so an import never puts a plot into an area. A
// re-import can still change the crop of a stored plot of a draft growing area, which the registry
// refuses (one area, one crop): such rows are refused one by one (PLOT_CROP_MISMATCH) and written
// nowhere; the rest of the file goes in.

const WARD = '29869';
const fx = openForFile(openImportFixture);
let origin: [number, number];

beforeAll(async () => {
  const [x, y] = await insidePoint(fx.db, WARD);
  origin = [x, y + 0.002];
});

type Row = { key: string; k: number; crop: string; variety?: string };

/** Plots keyed MB-…, the k-th a square of 0.0002° east of a point inside the ward. */
const plots = (rows: Row[]) => rows.map((row) => plotSquare(origin, { ...row, commune: WARD }));
const file = (name: string, rows: Row[]) => fx.file(name, plots(rows));

function run(target: string, options: Partial<ImportOptions> = {}) {
  return fx.run('plots', target, fx.admin, options);
}

function area(status: string): Promise<number> {
  return insertGrowingArea(fx.db, {
    code: status === 'draft' ? null : `VN-MB-IMPORT-${status}`,
    name: `Vùng nhập ${status}`,
    crop: 'mango',
    status,
    commune: WARD,
  });
}

const state = (keys: string[]) => plotsAndAreas(fx.db, keys);

async function cropOf(key: string): Promise<string> {
  const { rows } = await fx.db.query<{ crop: string }>('SELECT crop FROM plots WHERE source_key = $1', [key]);
  return rows[0]!.crop;
}

describe('re-importing plots of a draft growing area', () => {
  const ids: Record<string, number> = {};
  let draft: number;
  const first: Row[] = [
    { key: 'MB-MEMBER', k: 0, crop: 'mango' },
    { key: 'MB-MEMBER2', k: 1, crop: 'mango' },
    { key: 'MB-REVOKED', k: 2, crop: 'mango' },
    { key: 'MB-FREE', k: 3, crop: 'mango' },
  ];

  beforeAll(async () => {
    await fx.store('plots', 'first.geojson', plots(first));
    Object.assign(ids, await plotIdsByKey(fx.db, 'MB-%'));
    draft = await area('draft');
    const revoked = await area('revoked');
    // The registry's attach, as officers do it.
    await fx.db.query('UPDATE plots SET growing_area_id = $1 WHERE id = ANY($2::bigint[])', [draft, [ids['MB-MEMBER'], ids['MB-MEMBER2']]]);
    await fx.db.query('UPDATE plots SET growing_area_id = $1 WHERE id = $2', [revoked, ids['MB-REVOKED']]);
  });

  it('refuses, row by row, a crop that is not the area’s, and writes the other rows', async () => {
    const before = await state(['MB-MEMBER']);
    const report = await run(
      await file('rice.geojson', [
        { key: 'MB-MEMBER', k: 0, crop: 'rice' },
        { key: 'MB-MEMBER2', k: 1, crop: 'mango', variety: 'Hòa Lộc' },
        { key: 'MB-REVOKED', k: 2, crop: 'rice' },
        { key: 'MB-FREE', k: 3, crop: 'rice' },
      ]),
    );
    expect(report.counts).toMatchObject({ read: 4, valid: 3, refused: 1, updated: 3 });
    expect(report.problemCounts.PLOT_CROP_MISMATCH).toBe(1);
    const problem = report.problems.find((p) => p.code === 'PLOT_CROP_MISMATCH')!;
    expect(problem).toMatchObject({ index: 1, severity: 'error' });
    expect(problem.message).toContain(`plot ${ids['MB-MEMBER']} to rice`);
    expect(problem.message).toContain(`draft growing area ${draft}, which grows mango`);
    const after = await state(['MB-MEMBER']);
    expect(after.plots).toBe(before.plots);
    expect(after.areas).toBe(before.areas);
    // A member keeping the area's crop, a plot of a revoked area and a free plot are written.
    expect(await cropOf('MB-FREE')).toBe('rice');
    expect(await cropOf('MB-REVOKED')).toBe('rice');
    const { rows } = await fx.db.query<{ variety: string }>('SELECT variety FROM plots WHERE id = $1', [ids['MB-MEMBER2']]);
    expect(rows[0]!.variety).toBe('Hòa Lộc');
  });

  it('in strict mode, a dry run and a bulk import alike, such a row means nothing of it is written', async () => {
    const target = await file('again.geojson', [
      { key: 'MB-MEMBER', k: 0, crop: 'vegetable' },
      { key: 'MB-FREE', k: 3, crop: 'vegetable' },
    ]);
    const before = await state(['MB-MEMBER', 'MB-FREE']);
    for (const options of [{ strict: true }, { dryRun: true }, { strict: true, bulkThreshold: 1 }]) {
      const report = await run(target, options);
      expect(report.problemCounts.PLOT_CROP_MISMATCH, JSON.stringify(options)).toBe(1);
      expect(report.committed).toBe(false);
      expect(await state(['MB-MEMBER', 'MB-FREE'])).toEqual(before);
    }
    const bulk = await run(target, { bulkThreshold: 1 });
    expect(bulk.counts).toMatchObject({ refused: 1, updated: 1 });
    expect(await cropOf('MB-MEMBER')).toBe('mango');
    expect(await cropOf('MB-FREE')).toBe('vegetable');
  });

  it('takes the new crop once the plot is out of the area', async () => {
    await fx.db.query('UPDATE plots SET growing_area_id = NULL, version = version + 1 WHERE id = $1', [ids['MB-MEMBER']]);
    const report = await run(await file('out.geojson', [{ key: 'MB-MEMBER', k: 0, crop: 'rice' }]));
    expect(report.counts).toMatchObject({ refused: 0, updated: 1 });
    expect(await cropOf('MB-MEMBER')).toBe('rice');
  });
});
