import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../../server/contracts/viewer.ts';
import type { Db } from '../../server/db/index.ts';
import { runImport, type ImportOptions } from '../../server/io/import.ts';
import { openTestDb, testDbKind } from '../helpers/test-db.ts';

// Re-importing a survey file updates plots by their source key. A plot whose growing area is under
// review or holds a code in force must not change that way (the area follows its plots): such rows
// are refused one by one with the plot, the area and its status, and written nowhere.

const WARD = '29869';
let db: Db;
let dir: string;
let admin: Viewer;
let x0: number;
let y0: number;

beforeAll(async () => {
  db = await openTestDb();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bando-plot-locked-'));
  admin = {
    userId: (await db.query<{ id: number }>("SELECT id FROM users WHERE username = 'admin'")).rows[0]!.id,
    role: 'admin',
    communes: [],
    farmerId: null,
    via: 'bearer',
  } as Viewer;
  const { rows } = await db.query<{ x: number; y: number }>(
    `SELECT ST_X(p) AS x, ST_Y(p) AS y FROM (SELECT ST_PointOnSurface(geom) AS p FROM admin_units
      WHERE code = $1 AND geom IS NOT NULL ORDER BY valid_from DESC LIMIT 1) s`,
    [WARD],
  );
  x0 = rows[0]!.x;
  y0 = rows[0]!.y;
});

afterAll(async () => {
  await db?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

type Row = { key: string; k: number; size?: number; variety?: string };

/** A GeoJSON file of mango plots keyed LK-…, the k-th a square of `size` degrees east of the ward's inside point. */
async function file(name: string, rows: Row[]): Promise<string> {
  const features = rows.map(({ key, k, size = 0.0002, variety = 'Cát Chu' }) => {
    const x = x0 + k * 0.0004;
    const ring = [
      [x, y0],
      [x + size, y0],
      [x + size, y0 + size],
      [x, y0 + size],
      [x, y0],
    ];
    return {
      type: 'Feature',
      properties: { source_key: key, commune_code: WARD, crop: 'mango', variety },
      geometry: { type: 'Polygon', coordinates: [ring] },
    };
  });
  const target = path.join(dir, name);
  await fs.writeFile(target, JSON.stringify({ type: 'FeatureCollection', features }));
  return target;
}

function run(target: string, options: Partial<ImportOptions> = {}) {
  return runImport(db, target, { collection: 'plots', dryRun: false, viewer: admin, fileName: path.basename(target), ...options });
}

async function area(status: string, code: string | null): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO growing_areas (lineage_id, code, scheme, name, crop, status, registrant_name, commune_code)
     VALUES (-7000 - (SELECT count(*) FROM growing_areas), $1, 'domestic-3156', $2, 'mango', $3, 'HTX Thử', $4) RETURNING id`,
    [code, `Vùng nhập ${status}`, status, WARD],
  );
  await db.query('UPDATE growing_areas SET lineage_id = id WHERE id = $1', [rows[0]!.id]);
  return rows[0]!.id;
}

/** The stored rows that a refusal must leave alone: plots, their areas, and the edit log's size. */
async function state(keys: string[]) {
  const { rows } = await db.query<{ plots: string; areas: string; log: number }>(
    `SELECT (SELECT string_agg(p::text, '|' ORDER BY p.id) FROM plots p WHERE p.source_key = ANY($1::text[])) AS plots,
            (SELECT string_agg(g::text, '|' ORDER BY g.id) FROM growing_areas g
              WHERE g.id IN (SELECT growing_area_id FROM plots WHERE source_key = ANY($1::text[]))) AS areas,
            (SELECT count(*)::int FROM edit_log) AS log`,
    [keys],
  );
  return rows[0]!;
}

/** Edit-log entries of these plots. */
async function logOf(plotIds: number[]) {
  const { rows } = await db.query<{ id: number; action: string }>(
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
    const report = await run(await file('first.geojson', first));
    expect(report.counts.inserted, JSON.stringify(report.problems)).toBe(4);
    const { rows } = await db.query<{ id: number; source_key: string }>("SELECT id, source_key FROM plots WHERE source_key LIKE 'LK-%'");
    for (const r of rows) ids[r.source_key] = r.id;
    areas.issued = await area('issued', 'VN-LK-IMPORT-1');
    areas.draft = await area('draft', null);
    areas.active = await area('active', 'VN-LK-IMPORT-2');
    // The registry's attach, as officers do it.
    await db.query('UPDATE plots SET growing_area_id = $1 WHERE id = $2', [areas.issued, ids['LK-ISSUED']]);
    await db.query('UPDATE plots SET growing_area_id = $1 WHERE id = $2', [areas.draft, ids['LK-DRAFT']]);
    await db.query('UPDATE plots SET growing_area_id = $1 WHERE id = $2', [areas.active, ids['LK-ACTIVE']]);
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
    const before = await db.query<{ plot: string }>('SELECT p::text AS plot FROM plots p WHERE id = $1', [ids['LK-DRAFT']]);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let held!: () => void;
    const holding = new Promise<void>((resolve) => (held = resolve));
    const transition = db.transaction(async (tx) => {
      await tx.query('SELECT id FROM growing_areas WHERE id = $1 FOR UPDATE', [areas.draft]);
      await tx.query(`UPDATE growing_areas SET status = 'submitted' WHERE id = $1`, [areas.draft]);
      held();
      await gate;
    });
    await holding;
    const importing = run(await file('race.geojson', [{ key: 'LK-DRAFT', k: 1, size: 0.00035 }]));
    if (testDbKind === 'postgres') {
      for (let tries = 0; tries < 200; tries++) {
        const { rows } = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        if (rows[0]!.n > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }
    release();
    await transition;
    const report = await importing;
    expect(report.problemCounts.PLOT_IN_LOCKED_AREA).toBe(1);
    expect(report.problems[0]!.message).toContain(`growing area ${areas.draft} (submitted)`);
    const after = await db.query<{ plot: string }>('SELECT p::text AS plot FROM plots p WHERE id = $1', [ids['LK-DRAFT']]);
    expect(after.rows).toEqual(before.rows);
  });

  it('once the area is re-issued as a draft version, the same file updates the plot', async () => {
    const next = await area('draft', null);
    await db.query(`UPDATE growing_areas SET status = 'superseded' WHERE id = $1`, [areas.issued]);
    await db.query('UPDATE plots SET growing_area_id = $1, version = version + 1 WHERE id = $2', [next, ids['LK-ISSUED']]);
    const report = await run(await file('after-reissue.geojson', [{ key: 'LK-ISSUED', k: 0, size: 0.0003 }]));
    expect(report.counts).toMatchObject({ refused: 0, updated: 1 });
    const { rows } = await db.query<{ area_m2: number; plot_m2: number }>(
      'SELECT g.area_m2, p.area_m2 AS plot_m2 FROM plots p JOIN growing_areas g ON g.id = p.growing_area_id WHERE p.id = $1',
      [ids['LK-ISSUED']],
    );
    expect(rows[0]!.area_m2).toBeCloseTo(rows[0]!.plot_m2, 3);
  });
});
