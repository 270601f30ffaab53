// What an officer expects of an export: imported back as it is, it changes nothing. Plots keep
// their place (a plot without a source key of its own is written id:N and matched back to plot N,
// not compared with itself as an overlap), parcels and plots moved by the export's rounding and
// reprojection (about 0.1 mm) count as unchanged and write nothing, a changed value updates exactly
// its row, the officer's scope still applies to rows matched by id, a file cannot move a plot into
// another growing area, and shapefiles carry ESRI's ring order (outer clockwise, holes counter-clockwise).
import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Feature, FeatureCollection, Polygon } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { openSession } from '../../server/auth/sessions.ts';
import { loadConfig } from '../../server/config.ts';
import type { ImportReport } from '../../server/contracts/import.ts';
import type { Db } from '../../server/db/index.ts';
import { sameShape } from '../../server/io/import.sql.ts';
import { extractZip } from '../../server/io/zip.ts';
import { DEFAULT_READ_LIMITS } from '../../server/io/types.ts';
import { tempDir } from '../fixtures/io/builders.ts';
import { importUpload } from '../helpers/import-upload.ts';
import { openTestDb } from '../helpers/test-db.ts';

let db: Db;
let app: FastifyInstance;
let tmp: Awaited<ReturnType<typeof tempDir>>;
const token: Record<'admin' | 'officer', string> = { admin: '', officer: '' };

beforeAll(async () => {
  db = await openTestDb();
  tmp = await tempDir();
  for (const who of ['admin', 'officer'] as const) {
    const { rows } = await db.query<{ id: number }>('SELECT id FROM users WHERE username = $1', [who]);
    token[who] = (await openSession(db, rows[0]!.id, 'bearer')).token;
  }
  app = await buildApp({ config: loadConfig({ LOG_LEVEL: 'silent', SEED: 'false' }), db, ready: { value: true } }, { logger: false });
});

afterAll(async () => {
  await app?.close();
  await db?.close();
  await tmp?.remove();
});

/** Downloads an export as `who` into the test's folder; answers the file's path. */
async function exported(query: string, who: keyof typeof token = 'admin'): Promise<string> {
  const res = await app.inject({ method: 'GET', url: `/api/export/${query}`, headers: { authorization: `Bearer ${token[who]}` } });
  expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
  const name = /filename="([^"]+)"/.exec(String(res.headers['content-disposition']))![1]!;
  const file = path.join(tmp.dir, `${Math.random().toString(16).slice(2)}-${name}`);
  await fs.writeFile(file, res.rawPayload);
  return file;
}

/** Uploads a file to POST /api/import as `who`; answers the report. */
async function imported(file: string, query: string, who: keyof typeof token = 'admin'): Promise<ImportReport> {
  const res = await importUpload(app, { name: path.basename(file), body: await fs.readFile(file) }, query, token[who]);
  expect(res.statusCode, res.body.slice(0, 500)).toBe(200);
  return res.json<ImportReport>();
}

/** What an import must leave alone when it writes nothing: every row's version and the edit log's size. */
async function footprint(table: 'plots' | 'parcels'): Promise<{ versions: string; log: number; updated: string }> {
  const { rows } = await db.query<{ versions: string; log: number; updated: string }>(
    `SELECT (SELECT md5(string_agg(id || ':' || version, ',' ORDER BY id)) FROM ${table}) AS versions,
            (SELECT count(*)::int FROM edit_log) AS log,
            (SELECT max(updated_at)::text FROM ${table}) AS updated`,
  );
  return rows[0]!;
}

const count = async (sql: string) => (await db.query<{ n: number }>(sql)).rows[0]!.n;

describe('plots exported and imported back', () => {
  it('come back unchanged from GeoJSON and from a VN-2000 shapefile: no row refused, none written', async () => {
    const plots = await count('SELECT count(*)::int AS n FROM plots');
    expect(plots).toBeGreaterThan(20);
    // The seed's plots have no source key of their own: the export names them id:N.
    expect(await count('SELECT count(*)::int AS n FROM plots WHERE source_key IS NOT NULL')).toBe(0);
    const before = await footprint('plots');
    for (const query of ['plots?format=geojson', 'plots?format=shapefile&crs=EPSG:5897']) {
      const file = await exported(query);
      for (const dryRun of [true, false]) {
        const report = await imported(file, `collection=plots&dryRun=${dryRun}`);
        expect(report.problems, query).toEqual([]);
        expect(report.counts, query).toMatchObject({ read: plots, valid: plots, refused: 0, inserted: 0, updated: 0, unchanged: plots });
        expect(report.extent).toBeNull();
      }
    }
    // Not a version, not an edit-log row, no source key given to the plots.
    expect(await footprint('plots')).toEqual(before);
    expect(await count('SELECT count(*)::int AS n FROM plots WHERE source_key IS NOT NULL')).toBe(0);
  });

  it('name their fields in the shapefile so a person reads them and the importer maps them back', async () => {
    const file = await exported('plots?format=shapefile&crs=EPSG:5897');
    const report = await imported(file, 'collection=plots&dryRun=true');
    const layer = report.layers[0]!;
    expect(layer.fields).toEqual([
      'id',
      'source_key',
      'commune',
      'crop',
      'variety',
      'planted',
      'harvest',
      'area_m2',
      'area_id',
      'area_code',
      'area_decno',
      'area_issue',
    ]);
    expect(layer.mapping).toEqual({
      commune_code: 'commune',
      crop: 'crop',
      variety: 'variety',
      planting_date: 'planted',
      expected_harvest: 'harvest',
      source_key: 'source_key',
    });
    expect(layer.crs.code).toBe('EPSG:5897');
  });

  it('update exactly the plot whose value changed, which keeps no source key and gets one edit-log row', async () => {
    const { rows } = await db.query<{ id: number; version: number; variety: string | null }>(
      `SELECT p.id, p.version, p.variety FROM plots p LEFT JOIN growing_areas g ON g.id = p.growing_area_id
       WHERE g.id IS NULL OR g.status = 'draft' ORDER BY p.id LIMIT 1`,
    );
    const plot = rows[0]!;
    const file = await exported('plots?format=geojson');
    const fc = JSON.parse(await fs.readFile(file, 'utf8')) as FeatureCollection;
    const row = fc.features.find((f) => f.properties!.source_key === `id:${plot.id}`)!;
    row.properties!.variety = 'Cát Hòa Lộc';
    await fs.writeFile(file, JSON.stringify(fc));
    const log = await count('SELECT count(*)::int AS n FROM edit_log');

    const dry = await imported(file, 'collection=plots&dryRun=true');
    expect(dry.counts).toMatchObject({ refused: 0, inserted: 0, updated: 1, unchanged: fc.features.length - 1 });
    const report = await imported(file, 'collection=plots&dryRun=false');
    expect(report.counts).toMatchObject({ refused: 0, inserted: 0, updated: 1, unchanged: fc.features.length - 1 });
    expect(report.committed).toBe(true);
    const after = await db.query<{ version: number; variety: string; source_key: string | null }>(
      'SELECT version, variety, source_key FROM plots WHERE id = $1',
      [plot.id],
    );
    expect(after.rows[0]).toEqual({ version: plot.version + 1, variety: 'Cát Hòa Lộc', source_key: null });
    const logged = await db.query<{ feature_id: string; action: string }>(
      'SELECT feature_id, action FROM edit_log ORDER BY id DESC LIMIT $1',
      [(await count('SELECT count(*)::int AS n FROM edit_log')) - log],
    );
    expect(logged.rows).toEqual([{ feature_id: String(plot.id), action: 'update' }]);
    // The extent is the changed plot's alone.
    const box = await db.query<{ w: number; s: number; e: number; n: number }>(
      'SELECT ST_XMin(geom) AS w, ST_YMin(geom) AS s, ST_XMax(geom) AS e, ST_YMax(geom) AS n FROM plots WHERE id = $1',
      [plot.id],
    );
    const b = box.rows[0]!;
    report.extent!.forEach((v, i) => expect(v).toBeCloseTo([b.w, b.s, b.e, b.n][i]!, 7));
  });

  it('never move a plot into another growing area: the area columns are read by people, not imported', async () => {
    const { rows } = await db.query<{ id: number; area: number }>(
      'SELECT p.id, p.growing_area_id AS area FROM plots p WHERE p.growing_area_id IS NOT NULL ORDER BY p.id LIMIT 1',
    );
    const plot = rows[0]!;
    const other = (
      await db.query<{ id: number; code: string | null }>('SELECT id, code FROM growing_areas WHERE id <> $1 LIMIT 1', [plot.area])
    ).rows[0]!;
    const file = await exported('plots?format=geojson');
    const fc = JSON.parse(await fs.readFile(file, 'utf8')) as FeatureCollection;
    const row = fc.features.find((f) => f.properties!.source_key === `id:${plot.id}`)!;
    expect(Object.keys(row.properties!)).toContain('growing_area_code');
    row.properties!.growing_area_id = other.id;
    row.properties!.growing_area_code = other.code ?? 'VN-DT-XX-0001';
    await fs.writeFile(file, JSON.stringify(fc));
    const report = await imported(file, 'collection=plots&dryRun=false');
    expect(report.counts).toMatchObject({ refused: 0, updated: 0, inserted: 0 });
    expect(Object.keys(report.layers[0]!.mapping)).not.toContain('growing_area_id');
    expect((await db.query('SELECT growing_area_id FROM plots WHERE id = $1', [plot.id])).rows[0]).toEqual({ growing_area_id: plot.area });
  });

  it('keep the officer to their communes: rows matched by id:N of another commune are refused, their own unchanged', async () => {
    const mine = await count(`SELECT count(*)::int AS n FROM plots WHERE commune_code = '29869'`);
    const theirs = await count(`SELECT count(*)::int AS n FROM plots WHERE commune_code <> '29869'`);
    expect(mine).toBeGreaterThan(0);
    expect(theirs).toBeGreaterThan(0);
    const file = await exported('plots?format=geojson');
    const before = await footprint('plots');
    const report = await imported(file, 'collection=plots&dryRun=false', 'officer');
    expect(report.counts).toMatchObject({ refused: theirs, inserted: 0, updated: 0, unchanged: mine });
    // Refused by the stored plot each names by id:N, before its own commune is looked at.
    expect(report.problemCounts).toEqual({ STORED_ROW_OUTSIDE_SCOPE: theirs });
    const { rows } = await db.query<{ id: number; commune_code: string }>(
      `SELECT id, commune_code FROM plots WHERE commune_code <> '29869'`,
    );
    expect(new Set(report.problems.map((p) => (p.code === 'STORED_ROW_OUTSIDE_SCOPE' ? `${p.storedId}/${p.communeCode}` : '')))).toEqual(
      new Set(rows.map((r) => `${r.id}/${r.commune_code}`)),
    );
    expect(await footprint('plots')).toEqual(before);
  });

  it('a key id:N that names no plot here adds a new plot under that key, as any other key would', async () => {
    const max = await count('SELECT max(id)::int AS n FROM plots');
    const free = (
      await db.query<{ x: number; y: number }>(
        `SELECT ST_X(p) AS x, ST_Y(p) AS y FROM (SELECT ST_PointOnSurface(geom) AS p FROM parcels
        WHERE NOT EXISTS (SELECT 1 FROM plots WHERE ST_Intersects(plots.geom, parcels.geom)) AND commune_code = '29869'
        ORDER BY id LIMIT 1) s`,
      )
    ).rows[0]!;
    const d = 0.00005;
    const ring = [
      [free.x - d, free.y - d],
      [free.x + d, free.y - d],
      [free.x + d, free.y + d],
      [free.x - d, free.y + d],
      [free.x - d, free.y - d],
    ];
    const file = path.join(tmp.dir, 'unknown-id.geojson');
    const feature: Feature = {
      type: 'Feature',
      properties: { source_key: `id:${max + 1000}`, commune_code: '29869', crop: 'rice' },
      geometry: { type: 'Polygon', coordinates: [ring] },
    };
    await fs.writeFile(file, JSON.stringify({ type: 'FeatureCollection', features: [feature] }));
    const report = await imported(file, 'collection=plots&dryRun=true');
    expect(report.problems).toEqual([]);
    expect(report.counts).toMatchObject({ inserted: 1, updated: 0 });
  });

  it('a key id:N from another server (plot N here lies elsewhere) adds a new plot and leaves plot N alone', async () => {
    const free = (
      await db.query<{ x: number; y: number }>(
        `SELECT ST_X(p) AS x, ST_Y(p) AS y FROM (SELECT ST_PointOnSurface(geom) AS p FROM parcels
        WHERE NOT EXISTS (SELECT 1 FROM plots WHERE ST_Intersects(plots.geom, parcels.geom)) AND commune_code = '29869'
        ORDER BY id DESC LIMIT 1) s`,
      )
    ).rows[0]!;
    const d = 0.00005;
    const box = [free.x - d, free.y - d, free.x + d, free.y + d];
    // A plot of this database with no key of its own whose box is nowhere near the file's row.
    const far = (
      await db.query<{ id: number; version: number }>(
        `SELECT id, version FROM plots WHERE source_key IS NULL AND commune_code = '29869'
           AND NOT geom && ST_MakeEnvelope($1, $2, $3, $4, 4326) ORDER BY id LIMIT 1`,
        box,
      )
    ).rows[0]!;
    const ring = [
      [box[0]!, box[1]!],
      [box[2]!, box[1]!],
      [box[2]!, box[3]!],
      [box[0]!, box[3]!],
      [box[0]!, box[1]!],
    ];
    const file = path.join(tmp.dir, 'other-server.geojson');
    const feature: Feature = {
      type: 'Feature',
      properties: { source_key: `id:${far.id}`, commune_code: '29869', crop: 'rice' },
      geometry: { type: 'Polygon', coordinates: [ring] },
    };
    await fs.writeFile(file, JSON.stringify({ type: 'FeatureCollection', features: [feature] }));
    const checked = await imported(file, 'collection=plots&dryRun=true');
    expect(checked.problems).toEqual([]);
    expect(checked.counts).toMatchObject({ inserted: 1, updated: 0 });
    const report = await imported(file, 'collection=plots&dryRun=false');
    expect(report.counts).toMatchObject({ inserted: 1, updated: 0 });
    // Plot N keeps its shape and version; the new plot carries the file's key.
    expect((await db.query('SELECT version FROM plots WHERE id = $1', [far.id])).rows[0]).toEqual({ version: far.version });
    const added = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM plots WHERE source_key = $1 AND id <> $2 AND geom && ST_MakeEnvelope($3, $4, $5, $6, 4326)`,
      [`id:${far.id}`, far.id, ...box],
    );
    expect(added.rows[0]!.n).toBe(1);
  });
});

describe('products exported and imported back', () => {
  it('come back unchanged by id:N; keys that only look like one are new rows, never a 5xx', async () => {
    const products = await count('SELECT count(*)::int AS n FROM products');
    expect(products).toBeGreaterThan(0);
    const file = await exported('products?format=geojson');
    const fc = JSON.parse(await fs.readFile(file, 'utf8')) as FeatureCollection;
    expect(fc.features.filter((f) => /^id:\d+$/.test(String(f.properties!.source_key))).length).toBeGreaterThan(0);
    const first = fc.features[0]!;
    const keys = ['id:0', 'id:-1', `id:${'9'.repeat(25)}`, 'ID:1', 'id:1;DROP TABLE products', "id:1' OR '1'='1", 'id:'];
    fc.features.push(
      ...keys.map((key, i): Feature => {
        const [x, y] = (first.geometry as { coordinates: number[] }).coordinates;
        return {
          ...first,
          id: undefined,
          properties: { ...first.properties, source_key: key },
          geometry: { type: 'Point', coordinates: [x! + 1e-4 * (i + 1), y!] },
        };
      }),
    );
    await fs.writeFile(file, JSON.stringify(fc));
    const report = await imported(file, 'collection=products&dryRun=true');
    expect(report.problems).toEqual([]);
    expect(report.counts).toMatchObject({
      read: products + keys.length,
      refused: 0,
      updated: 0,
      unchanged: products,
      inserted: keys.length,
    });
  });
});

describe('parcels exported and imported back', () => {
  it('come back unchanged from GeoJSON and from a VN-2000 shapefile, and a real import of them writes nothing', async () => {
    const parcels = await count('SELECT count(*)::int AS n FROM parcels');
    const before = await footprint('parcels');
    expect(
      await count(`SELECT count(*)::int AS n FROM parcels p JOIN land_use_codes c ON c.code = p.land_use_code WHERE c.legacy`),
    ).toBeGreaterThan(0);
    for (const query of ['parcels?format=geojson', 'parcels?format=shapefile&crs=EPSG:5897']) {
      const file = await exported(query);
      const report = await imported(file, `collection=parcels&dryRun=${query.includes('shapefile')}`);
      // Parcels still holding a legacy code (BHK) keep it: the file gives that very code, so no mapping is warned of.
      expect(report.problems).toEqual([]);
      expect(report.counts, query).toMatchObject({ read: parcels, refused: 0, inserted: 0, updated: 0, unchanged: parcels, warnings: 0 });
      if (query.includes('shapefile'))
        expect(report.layers[0]!.mapping).toMatchObject({
          commune_code: 'commune',
          commune_ref_date: 'commune_dt',
          land_use_code: 'land_use',
          legal_area_m2: 'legal_m2',
          cert_parcel: 'cert_parc',
        });
    }
    expect(await footprint('parcels')).toEqual(before);
  });

  it('update exactly the parcel whose value changed in the shapefile', async () => {
    const file = await exported('parcels?format=shapefile&crs=EPSG:5897');
    const dir = path.join(tmp.dir, 'parcels-shp');
    await fs.mkdir(dir);
    const files = await extractZip(file, dir, DEFAULT_READ_LIMITS);
    const dbf = path.join(
      dir,
      files.find((f) => f.endsWith('.dbf'))!,
    );
    // Record 7's address, rewritten in place (dBASE: fixed-width records after the header).
    const bytes = await fs.readFile(dbf);
    const headerLength = bytes.readUInt16LE(8);
    const recordLength = bytes.readUInt16LE(10);
    let offset = 1;
    let field: { offset: number; length: number } | undefined;
    for (let p = 32; bytes[p] !== 0x0d; p += 32) {
      const name = bytes
        .subarray(p, p + 11)
        .toString('latin1')
        .replace(/\0.*$/s, '');
      if (name === 'address') field = { offset, length: bytes[p + 16]! };
      offset += bytes[p + 16]!;
    }
    const at = headerLength + 6 * recordLength + field!.offset;
    bytes.fill(0x20, at, at + field!.length).write('Ấp Tân Hậu, số 12', at, 'utf8');
    const idAt = headerLength + 6 * recordLength + 1;
    const id = Number(
      bytes
        .subarray(idAt, idAt + 18)
        .toString('latin1')
        .trim(),
    );
    await fs.writeFile(dbf, bytes);
    const zip = path.join(tmp.dir, 'parcels-one-changed.zip');
    const { zipFiles } = await import('../fixtures/io/builders.ts');
    await zipFiles(
      zip,
      files.map((f) => path.join(dir, f)),
    );
    const parcels = await count('SELECT count(*)::int AS n FROM parcels');
    const report = await imported(zip, 'collection=parcels&dryRun=false');
    expect(report.counts).toMatchObject({ refused: 0, inserted: 0, updated: 1, unchanged: parcels - 1 });
    const row = await db.query<{ address: string; version: number }>('SELECT address, version FROM parcels WHERE id = $1', [id]);
    expect(row.rows[0]).toEqual({ address: 'Ấp Tân Hậu, số 12', version: 2 });
  });
});

describe('the same shape, within 1 mm', () => {
  it('holds for every parcel moved 0.5 mm and drawn the other way round, and for none moved 2 mm or with a vertex more', async () => {
    const same = (g: string) => count(`SELECT count(*) FILTER (WHERE ${sameShape('geom', g)})::int AS n FROM parcels`);
    const parcels = await count('SELECT count(*)::int AS n FROM parcels');
    // 1e-9° is 0.11 mm north and 0.11 mm east here; 0.5 mm is 4.5e-9° north.
    expect(await same('ST_Translate(ST_ForcePolygonCW(geom), 0, 4.5e-9)')).toBe(parcels);
    expect(await same('ST_Translate(geom, 0, 1.8e-8)')).toBe(0);
    expect(await same('ST_Segmentize(geom, 1e-5)')).toBe(0);
  });
});

describe('ring order', () => {
  it('a shapefile has outer rings clockwise and holes counter-clockwise; GeoJSON stays RFC 7946 (outer counter-clockwise)', async () => {
    // A plot with a hole (a pond), on a parcel no plot covers.
    const { rows } = await db.query<{ id: number; x: number; y: number }>(
      `INSERT INTO plots (commune_code, crop, geom)
       SELECT '29869', 'lotus', ST_ForcePolygonCCW(ST_Difference(ST_Buffer(p, 0.0002, 'quad_segs=2'), ST_Buffer(p, 0.00005, 'quad_segs=2')))
       FROM (SELECT ST_PointOnSurface(geom) AS p FROM parcels
             WHERE NOT EXISTS (SELECT 1 FROM plots WHERE ST_DWithin(plots.geom, parcels.geom, 0.0005)) ORDER BY id DESC LIMIT 1) s
       RETURNING id, ST_X(ST_PointOnSurface(geom)) AS x, ST_Y(ST_PointOnSurface(geom)) AS y`,
    );
    const { x, y } = rows[0]!;
    const bbox = `bbox=${x - 0.0001},${y - 0.0001},${x + 0.0001},${y + 0.0001}`;
    const dir = path.join(tmp.dir, 'rings');
    await fs.mkdir(dir);
    const files = await extractZip(await exported(`plots?format=shapefile&crs=EPSG:5897&${bbox}`), dir, DEFAULT_READ_LIMITS);
    const shp = await fs.readFile(
      path.join(
        dir,
        files.find((f) => f.endsWith('.shp'))!,
      ),
    );
    // The first record (100-byte header, 8-byte record header): type 5, box, parts, points.
    const r = 108;
    expect(shp.readInt32LE(r)).toBe(5);
    const parts = shp.readInt32LE(r + 36);
    const points = shp.readInt32LE(r + 40);
    expect(parts).toBe(2);
    const starts = [...Array(parts).keys()].map((i) => shp.readInt32LE(r + 44 + 4 * i));
    const at = r + 44 + 4 * parts;
    const signed = starts.map((start, i) => {
      const end = i + 1 < parts ? starts[i + 1]! : points;
      let sum = 0;
      for (let k = start + 1; k < end; k++) {
        const [x1, y1] = [shp.readDoubleLE(at + 16 * (k - 1)), shp.readDoubleLE(at + 16 * (k - 1) + 8)];
        const [x2, y2] = [shp.readDoubleLE(at + 16 * k), shp.readDoubleLE(at + 16 * k + 8)];
        sum += (x2 - x1) * (y2 + y1);
      }
      return sum / 2; // > 0: clockwise (x east, y north, metres of EPSG:5897)
    });
    expect(signed[0]).toBeGreaterThan(0);
    expect(signed[1]).toBeLessThan(0);

    const fc = JSON.parse(await fs.readFile(await exported(`plots?format=geojson&${bbox}`), 'utf8')) as FeatureCollection<Polygon>;
    const shoelace = (ring: number[][]) => ring.slice(1).reduce((s, p, k) => s + (p[0]! - ring[k]![0]!) * (p[1]! + ring[k]![1]!), 0);
    expect(shoelace(fc.features[0]!.geometry.coordinates[0]!)).toBeLessThan(0);
    expect(shoelace(fc.features[0]!.geometry.coordinates[1]!)).toBeGreaterThan(0);

    // And the shapefile comes back as the same plot, unchanged.
    const back = await imported(await exported(`plots?format=shapefile&crs=EPSG:5897&${bbox}`), 'collection=plots&dryRun=true');
    expect(back.counts).toMatchObject({ read: 1, unchanged: 1, refused: 0 });
  });
});
