// Export → import round trips for every format (counts, attributes, coordinates within 1 cm),
// exports in a VN-2000 zone, the Circular 16/2025 GeoPackage for zoning lots, and who may export what.
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { ANONYMOUS } from '../../server/contracts/viewer.ts';
import type { Db } from '../../server/db/index.ts';
import { runImport } from '../../server/io/import.ts';
import { openMigratedTestDb } from '../helpers/test-db.ts';
import { parcelGrid, prepareIoDb, tempDir, type Actors } from '../fixtures/io/builders.ts';

let db: Db;
let app: FastifyInstance;
let actors: Actors;
let tmp: { dir: string; remove(): Promise<void> };
const admin = { ...ANONYMOUS, userId: 1, role: 'admin' as const };

type Snapshot = Array<{ key: string; attrs: string; coords: number[][] }>;

async function snapshot(sql: string): Promise<Snapshot> {
  const { rows } = await db.query<{ key: string; attrs: string; g: string }>(sql);
  return rows.map((r) => ({ key: r.key, attrs: r.attrs, coords: flatten(JSON.parse(r.g).coordinates) }));
}

function flatten(c: unknown): number[][] {
  if (Array.isArray(c) && typeof c[0] === 'number') return [c as number[]];
  return (c as unknown[]).flatMap(flatten);
}

function expectSame(after: Snapshot, before: Snapshot): void {
  expect(after.length).toBe(before.length);
  after.forEach((row, i) => {
    const ref = before[i]!;
    expect(row.key).toBe(ref.key);
    expect(row.attrs).toBe(ref.attrs);
    expect(row.coords.length).toBe(ref.coords.length);
    row.coords.forEach((p, j) => {
      const q = ref.coords[j]!;
      const metres = Math.hypot((p[0]! - q[0]!) * 111320 * Math.cos((q[1]! * Math.PI) / 180), (p[1]! - q[1]!) * 110574);
      expect(metres).toBeLessThan(0.01);
    });
  });
}

const PARCELS_SQL = `SELECT commune_code || '/' || sheet || '/' || parcel_no AS key,
  concat_ws('|', commune_ref_date, land_use_code, legal_area_m2, address, cert_sheet, cert_parcel) AS attrs, ST_AsGeoJSON(geom, 12) AS g
  FROM parcels ORDER BY commune_code, sheet, parcel_no`;
const ZONES_SQL = `SELECT plan_id || '/' || lot_code AS key,
  concat_ws('|', info_code, function, land_use_code, max_density_pct, max_far, min_floors, max_floors, max_height_m, setback_m, phase) AS attrs, ST_AsGeoJSON(geom, 12) AS g
  FROM zoning_lots ORDER BY plan_id, lot_code`;
const PRODUCTS_SQL = `SELECT source_key AS key, concat_ws('|', producer_kind, producer_name, product, category, season, volume_tonnes, address, commune_code) AS attrs, ST_AsGeoJSON(geom, 12) AS g
  FROM products ORDER BY source_key`;

beforeAll(async () => {
  db = await openMigratedTestDb();
  actors = await prepareIoDb(db);
  app = await buildApp({ config: loadConfig({ LOG_LEVEL: 'silent', SEED: 'false' }), db, ready: { value: true } }, { logger: false });
  tmp = await tempDir();
  // Parcels as a GeoJSON upload would make them (coordinates to 1e-9 degree).
  const features = parcelGrid(60).map((p) => ({
    type: 'Feature',
    geometry: p.geometry,
    properties: {
      commune_code: '29890',
      sheet: p.sheet,
      parcel_no: p.parcel,
      land_use_code: p.code,
      legal_area_m2: p.area,
      address: p.address,
      cert_parcel: p.parcel % 3 ? null : `${p.parcel}a`,
    },
  }));
  const file = path.join(tmp.dir, 'seed.geojson');
  await fs.promises.writeFile(file, JSON.stringify({ type: 'FeatureCollection', features }));
  const report = await runImport(db, file, { collection: 'parcels', dryRun: false, viewer: admin, fileName: 'seed.geojson' });
  expect(report.counts.inserted).toBe(60);
  await db.exec(`
    INSERT INTO zoning_lots (plan_id, lot_code, info_code, function, land_use_code, max_density_pct, max_far, min_floors, max_floors, max_height_m, setback_m, phase, geom)
    SELECT 1, 'ODT-0' || i, '821221012345', 'Đất ở đô thị mới', 'ODT', 60.5, 3.25, 1, 5, 21.5, 3.0, 'first_phase',
           ST_Multi(ST_MakeEnvelope(105.62 + i * 0.001, 10.45, 105.6208 + i * 0.001, 10.4508, 4326))
    FROM generate_series(1, 3) i;
    INSERT INTO products (producer_kind, producer_name, product, category, season, volume_tonnes, address, commune_code, source_key, geom) VALUES
      ('cooperative', 'HTX Xoài Mỹ Xương', 'Xoài Cát Chu', 'fruit', 'quanh năm', 1200.5, 'Ấp Mỹ Thới, xã Mỹ Xương', '29869', 'p1', ST_SetSRID(ST_MakePoint(105.631234567, 10.461234567), 4326)),
      ('company', 'Công ty Sen Đồng Tháp', 'Sen', 'flower', 'Hè Thu', 80, NULL, '29869', 'p2', ST_SetSRID(ST_MakePoint(105.641, 10.471), 4326));
  `);
});

afterAll(async () => {
  await app?.close();
  await db?.close();
  await tmp?.remove();
});

async function download(
  url: string,
  token?: string,
): Promise<{ status: number; file: string; headers: Record<string, unknown>; body: string }> {
  const res = await app.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });
  const name = /filename="([^"]+)"/.exec(String(res.headers['content-disposition'] ?? ''))?.[1] ?? 'download.bin';
  const file = path.join(tmp.dir, `${Date.now()}-${name}`);
  await fs.promises.writeFile(file, res.rawPayload);
  return { status: res.statusCode, file, headers: res.headers, body: res.statusCode >= 400 ? res.body : '' };
}

describe('parcels round-trip through every format', () => {
  const cases: Array<[string, string, Record<string, string>]> = [
    ['GeoJSON', 'format=geojson', {}],
    ['a shapefile in WGS 84', 'format=shapefile', {}],
    ['a shapefile in VN-2000 EPSG:5897', 'format=shapefile&crs=EPSG:5897', {}],
    ['KML', 'format=kml', {}],
    ['CSV with WKT', 'format=csv', {}],
    ['CSV in VN-2000 EPSG:9210', 'format=csv&crs=EPSG:9210', { crs: 'EPSG:9210' }],
    ['a GeoPackage', 'format=gpkg', {}],
    ['a GeoPackage in UTM 48N', 'format=gpkg&crs=EPSG:3405', {}],
  ];
  for (const [label, query, read] of cases) {
    it(`keeps counts, attributes and coordinates (1 cm) through ${label}`, async () => {
      const before = await snapshot(PARCELS_SQL);
      const out = await download(`/api/export/parcels?${query}`);
      expect(out.status).toBe(200);
      expect(out.headers['x-feature-count']).toBe('60');
      await db.exec('DELETE FROM parcels');
      const report = await runImport(db, out.file, {
        collection: 'parcels',
        dryRun: false,
        viewer: admin,
        fileName: path.basename(out.file),
        read,
      });
      expect(report.counts).toMatchObject({ read: 60, valid: 60, inserted: 60 });
      expectSame(await snapshot(PARCELS_SQL), before);
    });
  }

  it('writes a .prj and a UTF-8 .cpg into the shapefile zip, and GDAL reads the VN-2000 zone from it', async () => {
    const out = await download('/api/export/parcels?format=shapefile&crs=EPSG:9210');
    const { execFileSync } = await import('node:child_process');
    let info: string;
    try {
      info = execFileSync('ogrinfo', ['-ro', '-so', '-al', `/vsizip/${out.file}`], { encoding: 'utf8' });
    } catch (error) {
      // GDAL not installed on this developer's machine (the round trips above still hold); CI installs it.
      if (process.env.CI) throw error;
      return;
    }
    expect(info).toMatch(/Feature Count: 60/);
    expect(info).toMatch(/105\.75/);
    expect(info).toMatch(/Ấp Tân Hậu|address: String/);
  });
});

describe('zoning lots and products', () => {
  it('zoning lots round-trip through a Circular 16/2025 GeoPackage (PhanOQuyHoach_A, maThongTinQH, maHoSoQH)', async () => {
    const before = await snapshot(ZONES_SQL);
    const out = await download('/api/export/zones?format=gpkg');
    expect(out.status).toBe(200);
    await db.exec('DELETE FROM zoning_lots');
    const report = await runImport(db, out.file, {
      collection: 'zones',
      dryRun: false,
      viewer: { ...admin, role: 'planner' },
      fileName: 'qh.gpkg',
    });
    expect(report.layers[0]).toMatchObject({
      name: 'PhanOQuyHoach_A',
      mapping: { plan_code: 'maHoSoQH', lot_code: 'maDoiTuong', info_code: 'maThongTinQH', function: 'tenDoiTuong' },
    });
    expect(report.counts.inserted).toBe(3);
    expectSame(await snapshot(ZONES_SQL), before);
  });

  for (const format of ['kml', 'geojson', 'shapefile', 'csv', 'gpkg']) {
    it(`products (points) round-trip through ${format}`, async () => {
      const before = await snapshot(PRODUCTS_SQL);
      const out = await download(`/api/export/products?format=${format}`);
      await db.exec('DELETE FROM products');
      const report = await runImport(db, out.file, {
        collection: 'products',
        dryRun: false,
        viewer: admin,
        fileName: path.basename(out.file),
      });
      expect(report.counts.inserted).toBe(2);
      expectSame(await snapshot(PRODUCTS_SQL), before);
    });
  }
});

describe('who may export what', () => {
  it('plots need a signed-in viewer, and an officer sees only the communes they work in', async () => {
    await db.exec(`INSERT INTO plots (commune_code, crop, geom, farmer_id) VALUES
      ('29869', 'mango', ST_MakeEnvelope(105.63, 10.46, 105.6305, 10.4605, 4326), (SELECT id FROM farmers LIMIT 1)),
      ('30000', 'rice', ST_MakeEnvelope(105.64, 10.46, 105.6405, 10.4605, 4326), NULL)`);
    expect((await download('/api/export/plots?format=geojson')).status).toBe(401);
    const mine = await download('/api/export/plots?format=geojson', actors.officer);
    const fc = JSON.parse(await fs.promises.readFile(mine.file, 'utf8'));
    expect(fc.features.map((f: { properties: { commune_code: string } }) => f.properties.commune_code)).toEqual(['29869']);
    expect(JSON.stringify(fc)).not.toMatch(/farmer_id|full_name|citizen_id|phone/);
    const farmer = JSON.parse(await fs.promises.readFile((await download('/api/export/plots?format=geojson', actors.farmer)).file, 'utf8'));
    expect(farmer.features).toHaveLength(1);
  });

  it('filters by bbox and attributes; bad requests are 4xx problems', async () => {
    const some = JSON.parse(
      await fs.promises.readFile((await download('/api/export/parcels?format=geojson&sheet=1&bbox=105.6,10.44,105.62,10.46')).file, 'utf8'),
    );
    expect(some.features.length).toBeGreaterThan(0);
    expect(some.features.every((f: { properties: { sheet: number } }) => f.properties.sheet === 1)).toBe(true);
    expect((await download('/api/export/parcels?format=xls')).status).toBe(400);
    expect((await download('/api/export/parcels?bbox=1,2,3')).status).toBe(400);
    expect((await download('/api/export/parcels?owner=x')).status).toBe(400);
    expect((await download('/api/export/parcels?sheet=abc')).status).toBe(400);
    expect((await download('/api/export/nowhere')).status).toBe(404);
    expect((await download('/api/export/parcels?format=kml&crs=EPSG:5897')).status).toBe(400);
    expect((await download('/api/export/parcels?format=shapefile&crs=EPSG:6957')).status).toBe(422);
  });

  it('a refused filter or a signed-out plots export in a text format leaves no temporary folder and throws nothing into the process', async () => {
    // The refusal comes at the first row, after the file was created: its folder is removed while
    // the file may still be opening, which once threw ENOENT from the stream with nobody listening.
    const stray: unknown[] = [];
    const listener = (error: unknown) => stray.push(error);
    process.on('uncaughtException', listener);
    const tmpdir = (await import('node:os')).tmpdir();
    const ours = async () => new Set((await fs.promises.readdir(tmpdir)).filter((name) => name.startsWith('bando-export-')));
    const before = await ours();
    try {
      // Many at once: the thread pool's file operations (open, remove) then run in any order.
      // Plots signed out are refused at the same point (the CI once saw plots-….geojson's ENOENT).
      const answers = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          app.inject({ method: 'GET', url: `/api/export/parcels?format=${['geojson', 'kml', 'csv'][i % 3]}&owner=x` }),
        ),
      );
      for (const res of answers) {
        expect(res.statusCode).toBe(400);
        expect(res.json().code).toBe('INVALID_FILTER');
      }
      const signedOut = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          app.inject({ method: 'GET', url: `/api/export/plots?format=${['geojson', 'kml', 'csv'][i % 3]}` }),
        ),
      );
      for (const res of signedOut) expect(res.statusCode).toBe(401);
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      process.off('uncaughtException', listener);
    }
    expect(stray).toEqual([]);
    const left = [...(await ours())].filter((name) => !before.has(name));
    expect(left).toEqual([]);
  });
});
