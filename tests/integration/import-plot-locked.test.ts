import { beforeAll, describe, expect, it } from 'vitest';
import type { ImportOptions } from '../../server/io/import.ts';
import { openForFile } from '../helpers/for-file.ts';
import { insertGrowingArea } from '../helpers/growing-area-row.ts';
import { holdTransaction, untilSomeoneWaitsForALock } from '../helpers/held-transaction.ts';
import { insidePoint, openImportFixture, plotIdsByKey, plotSquare, plotsAndAreas } from '../helpers/import-fixture.ts';

// Re-importing a survey file updates plots by their source key. A plot whose growing area is under
// review or holds a code in force must not change that way (the area follows its plots): such rows
// are refused one by one with the plot, the area and its status, and written nowhere.

const WARD = '29869';
const fx = openForFile(openImportFixture);
let origin: [number, number];

beforeAll(async () => {
  origin = await insidePoint(fx.db, WARD);
});

type Row = { key: string; k: number; size?: number; variety?: string };

/** Mango plots keyed LK-…, the k-th a square of `size` degrees east of the ward's inside point. */
const plots = (rows: Row[]) => rows.map((row) => plotSquare(origin, { ...row, commune: WARD }));
const file = (name: string, rows: Row[]) => fx.file(name, plots(rows));

function run(target: string, options: Partial<ImportOptions> = {}) {
  return fx.run('plots', target, fx.admin, options);
}

function area(status: string, code: string | null): Promise<number> {
  return insertGrowingArea(fx.db, { code, name: `Vùng nhập ${status}`, crop: 'mango', status, commune: WARD });
}

/** The stored rows that a refusal must leave alone: plots, their areas, and the edit log's size. */
const state = (keys: string[]) => plotsAndAreas(fx.db, keys);

/** Edit-log entries of these plots. */
async function logOf(plotIds: number[]) {
  const { rows } = await fx.db.query<{ id: number; action: string }>(
    "SELECT id, action FROM edit_log WHERE collection = 'plots' AND feature_id = ANY($1::text[]) ORDER BY id",
    [plotIds.map(String)],
  );
  return rows;
}

describe('importing plots over plots of growing areas', () => {
  const ids: Record<string, number> = {};
  const areas: Record<string, number> = {};
  const first: Row[] = [
    { key: 'LK-ISSUED', k: 0 },
    { key: 'LK-DRAFT', k: 1 },
    { key: 'LK-ACTIVE', k: 2 },
    { key: 'LK-FREE', k: 3 },
  ];

  beforeAll(async () => {
    await fx.store('plots', 'first.geojson', plots(first));
    Object.assign(ids, await plotIdsByKey(fx.db, 'LK-%'));
    areas.issued = await area('issued', 'VN-LK-IMPORT-1');
    areas.draft = await area('draft', null);
    areas.active = await area('active', 'VN-LK-IMPORT-2');
    // The registry's attach, as officers do it.
    await fx.db.query('UPDATE plots SET growing_area_id = $1 WHERE id = $2', [areas.issued, ids['LK-ISSUED']]);
    await fx.db.query('UPDATE plots SET growing_area_id = $1 WHERE id = $2', [areas.draft, ids['LK-DRAFT']]);
    await fx.db.query('UPDATE plots SET growing_area_id = $1 WHERE id = $2', [areas.active, ids['LK-ACTIVE']]);
  });

  it('the same file again passes: unchanged rows of locked plots are not refused', async () => {
    const report = await run(await file('same.geojson', first));
    expect(report.problemCounts.PLOT_IN_LOCKED_AREA).toBeUndefined();
    expect(report.counts).toMatchObject({ refused: 0, unchanged: 4, updated: 0 });
  });

  it('a changed file refuses the rows of locked plots one by one and writes the others', async () => {
    const locked = ['LK-ISSUED', 'LK-ACTIVE'];
    const before = await state(locked);
    const logBefore = await logOf(locked.map((k) => ids[k]!));
    const report = await run(
      await file('changed.geojson', [
        { key: 'LK-ISSUED', k: 0, size: 0.00025 },
        { key: 'LK-DRAFT', k: 1, size: 0.00025 },
        { key: 'LK-ACTIVE', k: 2, variety: 'Hòa Lộc' },
        { key: 'LK-FREE', k: 3, size: 0.00025 },
      ]),
    );
    expect(report.counts).toMatchObject({ read: 4, valid: 2, refused: 2, updated: 2 });
    expect(report.problemCounts.PLOT_IN_LOCKED_AREA).toBe(2);
    const problems = report.problems.filter((p) => p.code === 'PLOT_IN_LOCKED_AREA');
    expect(problems.map((p) => [p.index, p.severity])).toEqual([
      [1, 'error'],
      [3, 'error'],
    ]);
    expect(problems[0]!.message).toContain(`plot ${ids['LK-ISSUED']}`);
    expect(problems[0]!.message).toContain(`growing area ${areas.issued} (issued)`);
    expect(problems[1]!.message).toContain(`growing area ${areas.active} (active)`);
    const after = await state(locked);
    expect(after.plots).toBe(before.plots);
    expect(after.areas).toBe(before.areas);
    expect(await logOf(locked.map((k) => ids[k]!))).toEqual(logBefore);
  });

  it('in strict mode, a dry run and a bulk import alike, a locked row means nothing of it is written', async () => {
    const rows: Row[] = [
      { key: 'LK-ISSUED', k: 0, size: 0.0003 },
      { key: 'LK-FREE', k: 3, size: 0.0003 },
    ];
    const target = await file('again.geojson', rows);
    const before = await state(['LK-ISSUED', 'LK-FREE']);
    const issuedBefore = await state(['LK-ISSUED']);
    for (const options of [{ strict: true }, { dryRun: true }, { strict: true, bulkThreshold: 1 }]) {
      const report = await run(target, options);
      expect(report.problemCounts.PLOT_IN_LOCKED_AREA, JSON.stringify(options)).toBe(1);
      expect(report.committed).toBe(false);
      expect(await state(['LK-ISSUED', 'LK-FREE'])).toEqual(before);
    }
    // Not strict and in bulk mode: the free plot is written, the locked one still refused.
    const bulk = await run(target, { bulkThreshold: 1 });
    expect(bulk.counts).toMatchObject({ refused: 1, updated: 1 });
    expect((await state(['LK-ISSUED'])).plots).toBe(issuedBefore.plots);
  });

  it('an import that waits for a transition in flight sees its outcome: the plot of the now submitted area is refused', async () => {
    // Read first: on the embedded database every query waits for the held transaction.
    const before = await fx.db.query<{ plot: string }>('SELECT p::text AS plot FROM plots p WHERE id = $1', [ids['LK-DRAFT']]);
    const transition = await holdTransaction(fx.db, async (tx) => {
      await tx.query('SELECT id FROM growing_areas WHERE id = $1 FOR UPDATE', [areas.draft]);
      await tx.query(`UPDATE growing_areas SET status = 'submitted' WHERE id = $1`, [areas.draft]);
    });
    const importing = run(await file('race.geojson', [{ key: 'LK-DRAFT', k: 1, size: 0.00035 }]));
    await untilSomeoneWaitsForALock(fx.db);
    await transition.release();
    const report = await importing;
    expect(report.problemCounts.PLOT_IN_LOCKED_AREA).toBe(1);
    expect(report.problems[0]!.message).toContain(`growing area ${areas.draft} (submitted)`);
    const after = await fx.db.query<{ plot: string }>('SELECT p::text AS plot FROM plots p WHERE id = $1', [ids['LK-DRAFT']]);
    expect(after.rows).toEqual(before.rows);
  });

  it('once the area is re-issued as a draft version, the same file updates the plot', async () => {
    const next = await area('draft', null);
    await fx.db.query(`UPDATE growing_areas SET status = 'superseded' WHERE id = $1`, [areas.issued]);
    await fx.db.query('UPDATE plots SET growing_area_id = $1, version = version + 1 WHERE id = $2', [next, ids['LK-ISSUED']]);
    const report = await run(await file('after-reissue.geojson', [{ key: 'LK-ISSUED', k: 0, size: 0.0003 }]));
    expect(report.counts).toMatchObject({ refused: 0, updated: 1 });
    const { rows } = await fx.db.query<{ area_m2: number; plot_m2: number }>(
      'SELECT g.area_m2, p.area_m2 AS plot_m2 FROM plots p JOIN growing_areas g ON g.id = p.growing_area_id WHERE p.id = $1',
      [ids['LK-ISSUED']],
    );
    expect(rows[0]!.area_m2).toBeCloseTo(rows[0]!.plot_m2, 3);
  });
});
