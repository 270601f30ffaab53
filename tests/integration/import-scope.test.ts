import fs from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import type { Feature } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { openSession } from '../../server/auth/sessions.ts';
import { loadConfig } from '../../server/config.ts';
import type { Viewer } from '../../server/contracts/viewer.ts';
import type { ImportOptions, ImportReport } from '../../server/io/import.ts';
import { holdTransaction, untilSomeoneWaitsForALock } from '../helpers/held-transaction.ts';
import { importUpload } from '../helpers/import-upload.ts';
import { insidePoint, openImportFixture, plotSquare, viewerOf, type ImportFixture, type PlotSquare } from '../helpers/import-fixture.ts';

// Imports match file rows to stored rows by natural key. Plots and products are keyed by source_key
// within their commune (migrations 025 and 027): a row of A with B's code is another plot or product,
// A's; but a row naming B with B's key still meets B's row, and the update would change it.
// An import changes only rows of the officer's communes; such rows are refused one by one
// (STORED_ROW_OUTSIDE_SCOPE, naming the stored row's commune), the others written. The seeded
// officer works in Phường Cao Lãnh (A); Phường Mỹ Ngãi (B) is not theirs.

const A = '29869';
const B = '29884';
const B_NAME = 'Phường Mỹ Ngãi';
const CODE = 'STORED_ROW_OUTSIDE_SCOPE';

let fx: ImportFixture;
let app: FastifyInstance;
let admin: Viewer;
let officer: Viewer;
let farmer: Viewer;
let tokens: { officer: string; farmer: string };
const inside: Record<string, [number, number]> = {};

beforeAll(async () => {
  fx = await openImportFixture();
  admin = fx.admin;
  officer = await viewerOf(fx.db, 'officer', 'officer', [A]);
  farmer = await viewerOf(fx.db, 'farmer', 'farmer');
  tokens = {
    officer: (await openSession(fx.db, officer.userId!, 'bearer')).token,
    farmer: (await openSession(fx.db, farmer.userId!, 'bearer')).token,
  };
  for (const code of [A, B]) inside[code] = await insidePoint(fx.db, code);
  const config = loadConfig({ LOG_LEVEL: 'silent', SEED: 'false' });
  app = await buildApp({ config, db: fx.db, ready: { value: true } }, { logger: false });
});

afterAll(async () => {
  await app?.close();
  await fx?.close();
});

/** A plot row: a square of `size` degrees, the k-th east of commune `at`'s inside point. */
type PlotRow = Omit<PlotSquare, 'crop'> & { at?: string };
/** A product row: a point, the k-th east of commune `at`'s inside point. */
type ProductRow = { key: string; commune: string; at?: string; k: number; product?: string };

function plotFeature({ at, ...row }: PlotRow): Feature {
  return plotSquare(inside[at ?? row.commune]!, row);
}

function productFeature({ key, commune, at = commune, k, product = 'Xoài Cát Chu' }: ProductRow): Feature {
  const [x0, y0] = inside[at]!;
  return {
    type: 'Feature',
    properties: { source_key: key, commune_code: commune, producer_kind: 'household', product, category: 'fruit' },
    geometry: { type: 'Point', coordinates: [x0 + k * 0.0004, y0 - 0.0003] },
  };
}

const file = (name: string, features: Feature[]) => fx.file(name, features);

function run(collection: ImportOptions['collection'], target: string, who: Viewer, options: Partial<ImportOptions> = {}) {
  return fx.run(collection, target, who, options);
}

/** Everything a refusal must leave alone: the rows (geometry, attributes, version) and their edit-log entries. */
async function state(table: 'plots' | 'products', keys: string[], commune: string | null = null) {
  const { rows } = await fx.db.query<{ rows: string | null; log: number; count: number }>(
    `SELECT (SELECT string_agg(t::text, '|' ORDER BY t.id) FROM ${table} t
              WHERE t.source_key = ANY($1::text[]) AND ($3::text IS NULL OR t.commune_code = $3)) AS rows,
            (SELECT count(*)::int FROM edit_log e WHERE e.collection = $2
              AND e.feature_id IN (SELECT id::text FROM ${table} WHERE source_key = ANY($1::text[]) AND ($3::text IS NULL OR commune_code = $3))) AS log,
            (SELECT count(*)::int FROM ${table}) AS count`,
    [keys, table, commune],
  );
  return rows[0]!;
}

async function stored(table: 'plots' | 'products', key: string, commune: string | null = null) {
  const { rows } = await fx.db.query<{ id: number; commune_code: string; version: number; geom: string }>(
    `SELECT id, commune_code, version, ST_AsText(geom) AS geom FROM ${table} WHERE source_key = $1 AND ($2::text IS NULL OR commune_code = $2)
     ORDER BY id`,
    [key, commune],
  );
  return rows[0];
}

function refusals(report: ImportReport) {
  return report.problems.filter((p) => p.code === CODE);
}

describe('an officer importing plots over plots of another commune', () => {
  const theirs = ['SC-B1', 'SC-B2', 'SC-B3'];
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    await fx.store('plots', 'stored.geojson', [
      plotFeature({ key: 'SC-B1', commune: B, k: 0 }),
      plotFeature({ key: 'SC-B2', commune: B, k: 1 }),
      plotFeature({ key: 'SC-B3', commune: B, k: 2 }),
      plotFeature({ key: 'SC-A1', commune: A, k: 0 }),
    ]);
    for (const key of [...theirs, 'SC-A1']) ids[key] = (await stored('plots', key))!.id;
  });

  // Each file's new plot has a place of its own: plots may not overlap, so a second new plot where
  // an earlier file put one would be refused for that, not for its commune.
  let newPlace = 6;
  const hostileFile = (suffix: string) =>
    file(`officer-${suffix}.geojson`, [
      // The key of B's plot in a row that names A and lies in A: another plot, A's (keys are per commune).
      plotFeature({ key: 'SC-B1', commune: A, k: 5, size: 0.00025 }),
      // The key of B's plot in a row that names B, where it is.
      plotFeature({ key: 'SC-B2', commune: B, k: 1, variety: 'Hòa Lộc' }),
      plotFeature({ key: 'SC-A1', commune: A, k: 0, variety: `Hòa Lộc ${suffix}` }),
      plotFeature({ key: `SC-A-NEW-${suffix}`, commune: A, k: newPlace++ }),
    ]);

  it('refuses the rows that carry their keys, naming the commune, and writes the officer’s own rows', async () => {
    const before = await state('plots', theirs, B);
    const report = await run('plots', await hostileFile('write'), officer);
    // SC-B1 naming A is A's own new plot; SC-B2 naming B meets B's plot and is refused.
    expect(report.counts).toMatchObject({ read: 4, valid: 3, refused: 1, inserted: 2, updated: 1 });
    expect(report.problemCounts[CODE]).toBe(1);
    expect(report.problemCounts.NOT_YOUR_COMMUNE).toBeUndefined();
    const problems = refusals(report);
    expect(problems.map((p) => [p.index, p.severity])).toEqual([[2, 'error']]);
    expect(problems[0]!.message).toContain(`plots ${ids['SC-B2']} of commune ${B} (${B_NAME})`);
    expect(problems[0]!.message).toContain(`not one you work in (${A})`);
    expect(report.committed).toBe(true);
    expect(await state('plots', theirs, B)).toEqual({ ...before, count: before.count + 2 });
    expect(await stored('plots', 'SC-B1', B)).toMatchObject({ id: ids['SC-B1'], commune_code: B, version: 1 });
    expect((await stored('plots', 'SC-B1', A))!.id).not.toBe(ids['SC-B1']);
    const own = await fx.db.query<{ variety: string; version: number }>(`SELECT variety, version FROM plots WHERE source_key = 'SC-A1'`);
    expect(own.rows[0]).toEqual({ variety: 'Hòa Lộc write', version: 2 });
    expect((await stored('plots', 'SC-A-NEW-write'))!.commune_code).toBe(A);
  });

  it('in strict mode, a dry run and a bulk import alike, such a row means nothing of it is written', async () => {
    for (const [i, options] of [{ strict: true }, { dryRun: true }, { strict: true, bulkThreshold: 1 }].entries()) {
      const keys = [...theirs, 'SC-A1', `SC-A-NEW-mode${i}`];
      const before = await state('plots', keys);
      const report = await run('plots', await hostileFile(`mode${i}`), officer, options);
      expect(report.problemCounts[CODE], JSON.stringify(options)).toBe(1);
      expect(report.committed).toBe(false);
      expect(await state('plots', keys)).toEqual(before);
    }
    // A dry run reports what a real import would do with the other rows.
    const dry = await run('plots', await hostileFile('dry'), officer, { dryRun: true });
    expect(dry.counts).toMatchObject({ refused: 1, inserted: 1, updated: 1 });
  });

  it('in bulk mode (no row trigger) the refused rows stay refused and the others are written', async () => {
    const before = await state('plots', theirs, B);
    const report = await run('plots', await hostileFile('bulk'), officer, { bulkThreshold: 1 });
    // A's own SC-B1, written by the first test, is the same again: unchanged.
    expect(report.counts).toMatchObject({ refused: 1, inserted: 1, updated: 1, unchanged: 1 });
    expect(await state('plots', theirs, B)).toEqual({ ...before, count: before.count + 1 });
  });

  it('a key of an old commune now inside the officer’s ward is theirs: the row updates it', async () => {
    // Tân Thuận Tây (29890) merged into Phường Cao Lãnh: a plot still coded with it is the officer's.
    await fx.db.query(`UPDATE plots SET commune_code = '29890' WHERE source_key = 'SC-A1'`);
    const report = await run('plots', await file('old-code.geojson', [plotFeature({ key: 'SC-A1', commune: A, k: 0 })]), officer);
    expect(report.counts).toMatchObject({ refused: 0, updated: 1 });
    expect((await stored('plots', 'SC-A1'))!.commune_code).toBe(A);
  });

  it('an administrator may import over any commune’s plot (moving it needs relocate: a key alone does not move a feature elsewhere)', async () => {
    // Another commune's plot code is another plot: B's SC-B3 stays where it is, A gets its own.
    const inA = await file('admin-a.geojson', [plotFeature({ key: 'SC-B3', commune: A, k: 7 })]);
    expect((await run('plots', inA, admin)).counts).toMatchObject({ refused: 0, inserted: 1, updated: 0 });
    expect(await stored('plots', 'SC-B3', B)).toMatchObject({ id: ids['SC-B3'], commune_code: B, version: 1 });
    // Within B, far from where it is, the key is refused unless relocate moves it.
    const moving = await file('admin.geojson', [plotFeature({ key: 'SC-B3', commune: B, k: 7 })]);
    expect((await run('plots', moving, admin)).problems.map((p) => p.code)).toEqual(['KEY_OF_ANOTHER_FEATURE']);
    expect(await stored('plots', 'SC-B3', B)).toMatchObject({ id: ids['SC-B3'], commune_code: B, version: 1 });
    const report = await run('plots', moving, admin, { relocate: true });
    expect(report.counts).toMatchObject({ refused: 0, updated: 1 });
    expect(await stored('plots', 'SC-B3', B)).toMatchObject({ id: ids['SC-B3'], commune_code: B, version: 2 });
  });
});

describe('an officer importing products over products of another commune', () => {
  const theirs = ['SP-B1', 'SP-B2'];

  beforeAll(async () => {
    await fx.store('products', 'products.geojson', [
      productFeature({ key: 'SP-B1', commune: B, k: 0 }),
      productFeature({ key: 'SP-B2', commune: B, k: 1 }),
      productFeature({ key: 'SP-A1', commune: A, k: 0 }),
    ]);
  });

  const officerFile = (suffix: string) =>
    file(`officer-products-${suffix}.geojson`, [
      productFeature({ key: 'SP-B1', commune: A, k: 4, product: 'Sen Tháp Mười' }),
      productFeature({ key: 'SP-B2', commune: B, k: 1, product: 'Quýt hồng' }),
      productFeature({ key: 'SP-A1', commune: A, k: 0, product: `Xoài ${suffix}` }),
    ]);

  it('refuses the row naming B with B’s key, writes the rest (B’s key in A is A’s own product); strict and dry runs write nothing', async () => {
    for (const options of [{ strict: true }, { dryRun: true }]) {
      const before = await state('products', [...theirs, 'SP-A1']);
      const report = await run('products', await officerFile('check'), officer, options);
      expect(report.problemCounts[CODE]).toBe(1);
      expect(report.committed).toBe(false);
      expect(await state('products', [...theirs, 'SP-A1'])).toEqual(before);
    }
    const before = await state('products', theirs, B);
    const report = await run('products', await officerFile('write'), officer);
    expect(report.counts).toMatchObject({ read: 3, refused: 1, inserted: 1, updated: 1 });
    const b2 = (await stored('products', 'SP-B2', B))!.id;
    expect(refusals(report).map((p) => [p.index, p.message.slice(0, p.message.indexOf(', which'))])).toEqual([
      [2, `its source_key is that of products ${b2} of commune ${B} (${B_NAME})`],
    ]);
    expect(await state('products', theirs, B)).toEqual({ ...before, count: before.count + 1 });
    const mine = await fx.db.query<{ commune_code: string; product: string }>(
      `SELECT commune_code, product FROM products WHERE source_key = ANY ($1::text[]) AND commune_code = $2 ORDER BY source_key`,
      [['SP-A1', 'SP-B1'], A],
    );
    expect(mine.rows).toEqual([
      { commune_code: A, product: 'Xoài write' },
      { commune_code: A, product: 'Sen Tháp Mười' },
    ]);
  });

  it('a row whose stored product moves to another commune while the import runs is not written: the write itself checks', async () => {
    const key = 'SP-RACE';
    await fx.store('products', 'race-stored.geojson', [productFeature({ key, commune: A, k: 9 })]);
    // Another transaction moves the product to B and holds it until the import waits for its row.
    const move = await holdTransaction(fx.db, async (tx) => {
      await tx.query(`UPDATE products SET commune_code = $1, product = 'Chuyển đi' WHERE source_key = $2`, [B, key]);
    });
    const importing = run('products', await file('race.geojson', [productFeature({ key, commune: A, k: 9, product: 'Nhập đè' })]), officer);
    // On PostgreSQL the import reads the committed row (still A) and then waits at the write for the moved row's lock.
    await untilSomeoneWaitsForALock(fx.db);
    await move.release();
    const report = await importing;
    expect(report.counts.updated).toBe(0);
    const { rows } = await fx.db.query<{ commune_code: string; product: string }>(
      `SELECT commune_code, product FROM products WHERE source_key = $1`,
      [key],
    );
    expect(rows[0]).toEqual({ commune_code: B, product: 'Chuyển đi' });
  });

  it('an administrator may; moving B’s product far within B needs relocate', async () => {
    const report = await run('products', await officerFile('admin'), admin);
    // SP-B1 of A is as the officer wrote it; B's SP-B2 and A's SP-A1 change.
    expect(report.counts).toMatchObject({ refused: 0, updated: 2, unchanged: 1, inserted: 0 });
    const b1 = (await stored('products', 'SP-B1', B))!;
    expect(b1.version).toBe(1);
    // B's SP-B1 placed 350 m from where it is: another product, not a correction, unless relocate says so.
    const moving = await file('admin-products-move.geojson', [productFeature({ key: 'SP-B1', commune: B, k: 8 })]);
    const refused = await run('products', moving, admin);
    expect(refused.problems.map((p) => [p.code, (p as { storedId?: number }).storedId])).toEqual([['KEY_OF_ANOTHER_FEATURE', b1.id]]);
    expect(await stored('products', 'SP-B1', B)).toEqual(b1);
    const moved = await run('products', moving, admin, { relocate: true });
    expect(moved.counts).toMatchObject({ refused: 0, updated: 1, inserted: 0 });
    expect(await stored('products', 'SP-B1', B)).toMatchObject({ id: b1.id, commune_code: B, version: 2 });
  });
});

describe('parcels, keyed by commune, sheet and number', () => {
  it('an officer’s row naming another commune’s parcel is refused; the same sheet and number in their commune never reach it', async () => {
    // A parcel of Xã Mỹ Ngãi (29881), an old commune of B. The key holds the commune, so a row can
    // only match a stored parcel of the commune it names, which is checked on the row itself.
    const { rows } = await fx.db.query<{ id: number; sheet: number; parcel_no: number; geom: string; row: string }>(
      `SELECT id, sheet, parcel_no, ST_AsGeoJSON(geom) AS geom, p::text AS row FROM parcels p WHERE commune_code = '29881' ORDER BY id LIMIT 1`,
    );
    const parcel = rows[0]!;
    const properties = (commune: string) => ({
      commune_code: commune,
      sheet: parcel.sheet,
      parcel_no: parcel.parcel_no,
      land_use_code: 'ONT',
    });
    const theirs: Feature = { type: 'Feature', properties: properties('29881'), geometry: JSON.parse(parcel.geom) };
    const ours: Feature = { ...plotFeature({ key: 'unused', commune: A, k: 30 }), properties: properties(A) };
    const log = async () =>
      (
        await fx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM edit_log WHERE collection = 'parcels' AND feature_id = $1`, [
          String(parcel.id),
        ])
      ).rows[0]!.n;
    const logBefore = await log();
    const target = await file('parcels.geojson', [theirs, ours]);
    for (const options of [{ dryRun: true }, { strict: true }, {}]) {
      const report = await run('parcels', target, officer, options);
      expect(report.problems.map((p) => [p.index, p.code])).toEqual([[1, 'NOT_YOUR_COMMUNE']]);
      expect(report.counts).toMatchObject({ refused: 1, valid: 1 });
    }
    const after = await fx.db.query<{ row: string }>(`SELECT p::text AS row FROM parcels p WHERE id = $1`, [parcel.id]);
    expect(after.rows[0]!.row).toBe(parcel.row);
    expect(await log()).toBe(logBefore);
    const own = await fx.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM parcels WHERE commune_code = $1 AND sheet = $2 AND parcel_no = $3`,
      [A, parcel.sheet, parcel.parcel_no],
    );
    expect(own.rows[0]!.n).toBe(1);
  });
});

describe('who may import at all', () => {
  it('a farmer imports nothing; an officer imports no zoning lots', async () => {
    const target = await file('farmer.geojson', [plotFeature({ key: 'SC-F1', commune: A, k: 9 })]);
    for (const collection of ['plots', 'products', 'parcels', 'zones', 'landuse'] as const) {
      await expect(run(collection, target, farmer)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
    await expect(run('zones', target, officer)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const res = await upload(await fs.readFile(target), 'collection=plots&dryRun=false', tokens.farmer);
    expect(res.statusCode).toBe(403);
    expect(await stored('plots', 'SC-F1')).toBeUndefined();
  });
});

function upload(body: Buffer, query: string, token: string) {
  return importUpload(app, { name: 'rows.geojson', type: 'application/geo+json', body }, query, token);
}

describe('hostile keys over HTTP', () => {
  const hostile = [
    `SC-B2'; UPDATE plots SET commune_code = '${A}'; --`,
    `SC-B2" OR 1=1 --`,
    `%`,
    `_`,
    `\\`,
    `SC-B2\u0000`,
    `  SC-B2  `,
    `sc-b2`,
    `Vườn xoài 🌳 ${'ก'.repeat(10)} \u202Eb2-CS`,
    'x'.repeat(200),
    'x'.repeat(100_000),
    `{"source_key": "SC-B2"}`,
  ];

  it('never answer 5xx and never reach another commune’s plot', async () => {
    const keys = ['SC-B1', 'SC-B2'];
    const before = await state('plots', keys, B);
    for (const [i, key] of hostile.entries()) {
      const body = Buffer.from(
        JSON.stringify({
          type: 'FeatureCollection',
          features: [plotFeature({ key, commune: A, k: 20 + i }), plotFeature({ key, commune: B, k: 3 })],
        }),
      );
      for (const dryRun of [true, false]) {
        const res = await upload(body, `collection=plots&dryRun=${dryRun}`, tokens.officer);
        expect(res.statusCode, `${JSON.stringify(key.slice(0, 60))}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
      }
    }
    expect((await state('plots', keys, B)).rows).toBe(before.rows);
    expect((await state('plots', keys, B)).log).toBe(before.log);
    // The key trimmed is SC-B2's: naming B, refused with the code, like the key itself; naming A, A's own plot.
    const padded = await upload(
      Buffer.from(JSON.stringify({ type: 'FeatureCollection', features: [plotFeature({ key: '  SC-B2  ', commune: B, k: 1 })] })),
      'collection=plots&dryRun=true',
      tokens.officer,
    );
    expect(padded.json().problemCounts[CODE]).toBe(1);
  });

  it('key=<column> naming no column of the file, an empty one or one of a collection keyed otherwise is a 400, and nothing is written', async () => {
    const body = Buffer.from(JSON.stringify({ type: 'FeatureCollection', features: [plotFeature({ key: 'SC-KEY', commune: A, k: 50 })] }));
    const before = await state('plots', ['SC-KEY']);
    for (const [query, words] of [
      ['collection=plots&dryRun=false&key=MaThua', '"MaThua" names no column of the file'],
      [`collection=plots&dryRun=false&key=${encodeURIComponent("x'; DROP TABLE plots; --")}`, 'names no column of the file'],
      ['collection=plots&dryRun=false&key=', 'key'],
      [`collection=plots&dryRun=false&key=${'k'.repeat(201)}`, 'key'],
      ['collection=products&dryRun=false&key=nope', 'names no column'],
      ['collection=parcels&dryRun=false&key=source_key', 'parcels are keyed by commune_code, sheet, parcel_no'],
    ] as const) {
      const res = await upload(body, query, tokens.officer);
      expect(res.statusCode, `${query}: ${res.body.slice(0, 300)}`).toBe(400);
      expect(String(res.json().detail)).toContain(words);
    }
    expect(await state('plots', ['SC-KEY'])).toEqual(before);
    // The column the file has keys the rows.
    const ok = await upload(body, 'collection=plots&dryRun=true&key=source_key', tokens.officer);
    expect(ok.statusCode).toBe(200);
    expect(ok.json().layers[0].mapping.source_key).toBe('source_key');
  });

  it('a background import (async=true) with such a key= answers 400 itself: no job is made, nothing written', async () => {
    const jobs = async () => (await fx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM import_jobs')).rows[0]!.n;
    // The key column only on the second row (GeoJSON names its columns with its features), then a CSV's header.
    const first = plotFeature({ key: 'unused', commune: A, k: 52 });
    const second = plotFeature({ key: 'unused', commune: A, k: 53 });
    first.properties = { commune_code: A, crop: 'mango' };
    second.properties = { commune_code: A, crop: 'mango', MaHo: 'SC-ASYNC-2' };
    const geojson = Buffer.from(JSON.stringify({ type: 'FeatureCollection', features: [first, second] }));
    const csv = Buffer.from(`MaHo,commune_code,crop,lon,lat\nSC-ASYNC-CSV,${A},mango,${inside[A]![0]},${inside[A]![1]}\n`);
    const before = { plots: await state('plots', ['SC-ASYNC-2', 'SC-ASYNC-CSV']), jobs: await jobs() };
    const hostile = [
      'MaThua',
      "x'; DROP TABLE plots; --",
      '__proto__',
      'constructor',
      'maho',
      ' MaHo',
      'MaHo\u0000',
      `Mã hộ 🌳 \u202E`,
      'k'.repeat(200),
    ];
    for (const key of hostile) {
      for (const [name, body] of [
        ['rows.geojson', geojson],
        ['rows.csv', csv],
      ] as const) {
        const res = await importUpload(
          app,
          { name, body },
          `collection=plots&dryRun=false&async=true&key=${encodeURIComponent(key)}`,
          tokens.officer,
        );
        expect(res.statusCode, `${JSON.stringify(key.slice(0, 40))} ${name}: ${res.body.slice(0, 300)}`).toBe(400);
        expect(res.json().code).toBe('BAD_REQUEST');
        expect(String(res.json().detail)).toContain('names no column of the file');
        expect(String(res.json().detail)).toContain('"MaHo"');
      }
    }
    const parcels = await upload(geojson, 'collection=parcels&dryRun=false&async=true&key=MaHo', tokens.officer);
    expect(parcels.statusCode).toBe(400);
    expect(String(parcels.json().detail)).toContain('parcels are keyed by commune_code, sheet, parcel_no');
    // A damaged file with a key is refused at once as well (its header cannot be read).
    const damaged = await importUpload(
      app,
      { name: 'rows.geojson', body: Buffer.from('{"type":"FeatureCollection","features":[') },
      'collection=plots&dryRun=false&async=true&key=MaHo',
      tokens.officer,
    );
    expect(damaged.statusCode).toBe(400);
    expect(await jobs()).toBe(before.jobs);
    expect(await state('plots', ['SC-ASYNC-2', 'SC-ASYNC-CSV'])).toEqual(before.plots);
    // The column the file has (on its second row only) starts the job, which keys the rows by it.
    const started = await upload(geojson, 'collection=plots&dryRun=false&async=true&key=MaHo', tokens.officer);
    expect(started.statusCode, started.body.slice(0, 300)).toBe(202);
    const url = started.json().url as string;
    let job: { status: string; report?: ImportReport; error?: unknown } = { status: 'running' };
    for (let i = 0; i < 200 && job.status === 'running'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      job = (await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tokens.officer}` } })).json();
    }
    expect(job.status, JSON.stringify(job.error)).toBe('done');
    expect(job.report?.layers[0]?.mapping.source_key).toBe('MaHo');
    expect((await stored('plots', 'SC-ASYNC-2'))?.commune_code).toBe(A);
  });
});
