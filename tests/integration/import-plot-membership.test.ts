import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../../server/contracts/viewer.ts';
import type { Db } from '../../server/db/index.ts';
import { runImport, type ImportOptions } from '../../server/io/import.ts';
import { openTestDb } from '../helpers/test-db.ts';

// A survey file has no growing-area column, so an import never puts a plot into an area. A
// re-import can still change the crop of a stored plot of a draft growing area, which the registry
// refuses (one area, one crop): such rows are refused one by one (PLOT_CROP_MISMATCH) and written
// nowhere; the rest of the file goes in.

const WARD = '29869';
let db: Db;
let dir: string;
let admin: Viewer;
let x0: number;
let y0: number;

beforeAll(async () => {
  db = await openTestDb();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bando-plot-membership-'));
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
  y0 = rows[0]!.y + 0.002;
});

afterAll(async () => {
  await db?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

type Row = { key: string; k: number; crop: string; variety?: string };

/** A GeoJSON file of plots keyed MB-…, the k-th a square of 0.0002° east of a point inside the ward. */
async function file(name: string, rows: Row[]): Promise<string> {
  const features = rows.map(({ key, k, crop, variety = 'Cát Chu' }) => {
    const x = x0 + k * 0.0004;
    const ring = [
      [x, y0],
      [x + 0.0002, y0],
      [x + 0.0002, y0 + 0.0002],
      [x, y0 + 0.0002],
      [x, y0],
    ];
    return {
      type: 'Feature',
      properties: { source_key: key, commune_code: WARD, crop, variety },
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

async function area(status: string): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO growing_areas (lineage_id, code, scheme, name, crop, status, registrant_name, commune_code)
     VALUES (-8000 - (SELECT count(*) FROM growing_areas), $1, 'domestic-3156', $2, 'mango', $3, 'HTX Thử', $4) RETURNING id`,
    [status === 'draft' ? null : `VN-MB-IMPORT-${status}`, `Vùng nhập ${status}`, status, WARD],
  );
  await db.query('UPDATE growing_areas SET lineage_id = id WHERE id = $1', [rows[0]!.id]);
  return rows[0]!.id;
}

/** The stored plots of these keys, their areas and the edit log's size. */
async function state(keys: string[]) {
  const { rows } = await db.query<{ plots: string; areas: string | null; log: number }>(
    `SELECT (SELECT string_agg(p::text, '|' ORDER BY p.id) FROM plots p WHERE p.source_key = ANY($1::text[])) AS plots,
            (SELECT string_agg(g::text, '|' ORDER BY g.id) FROM growing_areas g
              WHERE g.id IN (SELECT growing_area_id FROM plots WHERE source_key = ANY($1::text[]))) AS areas,
            (SELECT count(*)::int FROM edit_log) AS log`,
    [keys],
  );
  return rows[0]!;
}

async function cropOf(key: string): Promise<string> {
  const { rows } = await db.query<{ crop: string }>('SELECT crop FROM plots WHERE source_key = $1', [key]);
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
    const report = await run(await file('first.geojson', first));
    expect(report.counts.inserted, JSON.stringify(report.problems)).toBe(4);
    const { rows } = await db.query<{ id: number; source_key: string }>("SELECT id, source_key FROM plots WHERE source_key LIKE 'MB-%'");
    for (const r of rows) ids[r.source_key] = r.id;
    draft = await area('draft');
    const revoked = await area('revoked');
    // The registry's attach, as officers do it.
    await db.query('UPDATE plots SET growing_area_id = $1 WHERE id = ANY($2::bigint[])', [draft, [ids['MB-MEMBER'], ids['MB-MEMBER2']]]);
    await db.query('UPDATE plots SET growing_area_id = $1 WHERE id = $2', [revoked, ids['MB-REVOKED']]);
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
    const { rows } = await db.query<{ variety: string }>('SELECT variety FROM plots WHERE id = $1', [ids['MB-MEMBER2']]);
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
    await db.query('UPDATE plots SET growing_area_id = NULL, version = version + 1 WHERE id = $1', [ids['MB-MEMBER']]);
    const report = await run(await file('out.geojson', [{ key: 'MB-MEMBER', k: 0, crop: 'rice' }]));
    expect(report.counts).toMatchObject({ refused: 0, updated: 1 });
    expect(await cropOf('MB-MEMBER')).toBe('rice');
  });
});
