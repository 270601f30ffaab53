// Import over HTTP: VN-2000 shapefiles, legacy encodings, the CRS guard, broken and hostile inputs,
// atomicity and idempotency, permissions and background jobs. Fixtures are generated here.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import yazl from 'yazl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import type { Db } from '../../server/db/index.ts';
import { ANONYMOUS } from '../../server/contracts/viewer.ts';
import { runImport } from '../../server/io/import.ts';
import { crsByCode, esriWkt } from '../../server/io/crs.ts';
import { GpkgWriter } from '../../server/io/formats/gpkg.ts';
import { openMigratedTestDb } from '../helpers/test-db.ts';
import {
  PARCEL_COLUMNS,
  parcelGrid,
  prepareIoDb,
  project,
  shapefileZip,
  square,
  tempDir,
  zipFiles,
  type Actors,
} from '../fixtures/io/builders.ts';

let db: Db;
let app: FastifyInstance;
let actors: Actors;
let tmp: { dir: string; remove(): Promise<void> };
const LIMIT_MB = 2;

beforeAll(async () => {
  db = await openMigratedTestDb();
  actors = await prepareIoDb(db);
  const config = loadConfig({ LOG_LEVEL: 'silent', IMPORT_MAX_MB: String(LIMIT_MB), SEED: 'false' });
  app = await buildApp({ config, db, ready: { value: true } }, { logger: false });
  tmp = await tempDir();
});

afterAll(async () => {
  await app?.close();
  await db?.close();
  await tmp?.remove();
});

function multipart(file: string | Buffer, filename: string): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----bando' + Math.random().toString(16).slice(2);
  const body = typeof file === 'string' ? fs.readFileSync(file) : file;
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    body,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function upload(
  file: string | Buffer,
  query: string,
  token: string | null = actors.officer,
  filename = typeof file === 'string' ? path.basename(file) : 'upload.bin',
) {
  const { payload, headers } = multipart(file, filename);
  return app.inject({
    method: 'POST',
    url: `/api/import?${query}`,
    payload,
    headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
}

const count = async (table = 'parcels') => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;

function parcelFeatures(
  n: number,
  options: { code?: string; origin?: [number, number]; crs?: string; noShift?: boolean; swap?: boolean; commune?: string } = {},
) {
  return parcelGrid(n, options.origin).map((p) => ({
    geometry: project(p.geometry, options.crs ?? 'EPSG:5897', { noShift: options.noShift, swap: options.swap }),
    values: [options.commune ?? '29890', p.sheet, p.parcel, options.code ?? p.code, p.area, p.address],
  }));
}

describe('a VN-2000 shapefile from a surveyor', () => {
  it('is read through its ESRI .prj with a custom name, validated in a dry run that writes nothing, then committed once and updated by key on re-import', async () => {
    const prj =
      'PROJCS["VN_2000_Dong_Thap_KTT_105_do",GEOGCS["GCS_VN_2000",DATUM["D_Vietnam_2000",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",105.0],PARAMETER["Scale_Factor",0.9999],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]';
    const zip = await shapefileZip(tmp.dir, 'dongthap_5897', 'polygon', PARCEL_COLUMNS, parcelFeatures(120), { crs: 'EPSG:5897', prj });
    const before = await count();

    const dry = await upload(zip, 'collection=parcels&dryRun=true');
    expect(dry.statusCode).toBe(200);
    const report = dry.json();
    expect(report.layers[0].crs.code).toBe('EPSG:5897');
    expect(report.layers[0].mapping).toMatchObject({
      commune_code: 'MaXa',
      sheet: 'SoTo',
      parcel_no: 'SoThua',
      land_use_code: 'LoaiDat',
      legal_area_m2: 'DienTich',
      address: 'DiaChi',
    });
    expect(report.counts).toMatchObject({ read: 120, valid: 120, refused: 0, inserted: 120 });
    expect(report.preview[0].values.address).toBe('Ấp Tân Hậu, xã Tân Thuận Tây, thửa 1');
    expect(await count()).toBe(before);

    const commit = await upload(zip, 'collection=parcels&dryRun=false');
    expect(commit.statusCode).toBe(200);
    expect(commit.json().counts).toMatchObject({ inserted: 120, updated: 0 });
    expect(await count()).toBe(before + 120);
    const { rows } = await db.query<{ user_id: number; origin: string; n: number }>(
      `SELECT user_id, origin, count(*)::int AS n FROM edit_log WHERE collection = 'parcels' GROUP BY 1, 2`,
    );
    expect(rows).toEqual([{ user_id: actors.officerId, origin: 'import', n: 120 }]);

    const again = await upload(zip, 'collection=parcels&dryRun=false');
    expect(again.json().counts).toMatchObject({ inserted: 0, updated: 0, unchanged: 120 });
    expect(await count()).toBe(before + 120);
  });

  it('lands within 1 cm of where it was surveyed', async () => {
    const src = parcelGrid(1, [105.64, 10.47])[0]!;
    const zip = await shapefileZip(
      tmp.dir,
      'one_parcel',
      'polygon',
      PARCEL_COLUMNS,
      [{ geometry: project(src.geometry, 'EPSG:9210'), values: ['29890', 90, 1, 'CLN', 625, 'x'] }],
      {
        crs: 'EPSG:9210',
      },
    );
    expect((await upload(zip, 'collection=parcels&dryRun=false')).statusCode).toBe(200);
    const { rows } = await db.query<{ g: string }>(`SELECT ST_AsGeoJSON(geom, 10) AS g FROM parcels WHERE sheet = 90 AND parcel_no = 1`);
    const ring = JSON.parse(rows[0]!.g).coordinates[0][0] as number[][];
    const expected = (src.geometry as { coordinates: number[][][] }).coordinates[0]!;
    for (const [i, p] of expected.entries()) {
      const q = ring[i]!;
      const metres = Math.hypot((q[0]! - p[0]!) * 111320 * Math.cos((p[1]! * Math.PI) / 180), (q[1]! - p[1]!) * 110574);
      expect(metres).toBeLessThan(0.01);
    }
  });

  it('maps legacy land-use codes to current ones with a warning per feature', async () => {
    const zip = await shapefileZip(
      tmp.dir,
      'legacy',
      'polygon',
      PARCEL_COLUMNS,
      parcelFeatures(3, { code: 'LNQ', origin: [105.615, 10.47] }).map((f, i) => ({
        ...f,
        values: ['29890', 70, i + 1, i === 2 ? 'BHK' : 'LNQ', 500, 'x'],
      })),
      { crs: 'EPSG:5897' },
    );
    const res = (await upload(zip, 'collection=parcels&dryRun=false')).json();
    expect(res.problemCounts.LEGACY_LAND_USE).toBe(3);
    expect(res.problems[0].message).toContain('LNQ mapped to CLN');
    const { rows } = await db.query<{ land_use_code: string }>(`SELECT land_use_code FROM parcels WHERE sheet = 70 ORDER BY parcel_no`);
    expect(rows.map((r) => r.land_use_code)).toEqual(['CLN', 'CLN', 'HNK']);
  });
});

describe('text in legacy Vietnamese encodings', () => {
  const names = ['Ấp Tân Hậu, xã Tân Thuận Tây', 'Đất trồng lúa nước, Phường Mỹ Ngãi', 'Nguyễn Văn Ưng - ấp Đông Định'];
  for (const encoding of ['tcvn3', 'vni'] as const) {
    for (const cpg of [encoding.toUpperCase(), null]) {
      it(`arrives as exact UTF-8 from ${encoding.toUpperCase()} ${cpg ? 'with a .cpg' : 'detected without a .cpg'}`, async () => {
        const sheet = encoding === 'tcvn3' ? (cpg ? 11 : 12) : cpg ? 13 : 14;
        const features = parcelFeatures(3, { origin: [105.62, 10.442 + sheet * 0.001] }).map((f, i) => ({
          ...f,
          values: ['29890', sheet, i + 1, 'LUC', 500, names[i]],
        }));
        const zip = await shapefileZip(tmp.dir, `legacy_${encoding}_${sheet}`, 'polygon', PARCEL_COLUMNS, features, {
          crs: 'EPSG:5897',
          encoding,
          cpg,
        });
        const res = await upload(zip, 'collection=parcels&dryRun=false');
        expect(res.statusCode).toBe(200);
        expect(res.json().layers[0].encoding).toMatchObject({ encoding, source: cpg ? 'cpg' : 'detected' });
        const { rows } = await db.query<{ address: string }>(`SELECT address FROM parcels WHERE sheet = $1 ORDER BY parcel_no`, [sheet]);
        expect(rows.map((r) => r.address)).toEqual(names);
      });
    }
  }
});

describe('the CRS guard', () => {
  it('refuses parcels in the old Tiền Giang zone read as Đồng Tháp, naming the wrong zone (82 km) and the fix', async () => {
    const zip = await shapefileZip(
      tmp.dir,
      'wrong_zone',
      'polygon',
      PARCEL_COLUMNS,
      parcelFeatures(5, { crs: 'EPSG:9210', origin: [105.63, 10.46] }).map((f, i) => ({
        ...f,
        values: ['29890', 40, i + 1, 'LUC', 500, 'x'],
      })),
      { crs: 'EPSG:5897' },
    );
    const before = await count();
    const res = await upload(zip, 'collection=parcels&dryRun=false');
    expect(res.statusCode).toBe(422);
    const report = res.json().report;
    expect(report.problemCounts.OUTSIDE_AREA).toBe(5);
    expect(report.crsDiagnosis.cause).toBe('wrong_zone');
    expect(report.crsDiagnosis.fix).toContain('crs=EPSG:9210');
    expect(report.problems[0].message).toMatch(/km outside commune 29890/);
    expect(await count()).toBe(before);
  });

  it('names a missing datum shift (~226 m) when a file was made without it', async () => {
    const zip = await shapefileZip(
      tmp.dir,
      'no_shift',
      'polygon',
      PARCEL_COLUMNS,
      parcelFeatures(3, { noShift: true, origin: [105.6305, 10.4605], commune: '29896' }).map((f, i) => ({
        ...f,
        values: ['29896', 41, i + 1, 'LUC', 500, 'x'],
      })),
      { crs: 'EPSG:5897' },
    );
    const report = (await upload(zip, 'collection=parcels&dryRun=true')).json();
    expect(report.crsDiagnosis?.cause).toBe('missing_datum_shift');
    const fixed = (await upload(zip, 'collection=parcels&dryRun=true&datumShift=false')).json();
    expect(fixed.counts.valid).toBe(3);
  });

  it('names swapped axes when X and Y were exchanged', async () => {
    const zip = await shapefileZip(
      tmp.dir,
      'swapped',
      'polygon',
      PARCEL_COLUMNS,
      parcelFeatures(3, { swap: true }).map((f, i) => ({ ...f, values: ['29890', 42, i + 1, 'LUC', 500, 'x'] })),
      { crs: 'EPSG:5897' },
    );
    const report = (await upload(zip, 'collection=parcels&dryRun=true')).json();
    expect(report.counts.valid).toBe(0);
    expect(report.crsDiagnosis?.cause).toBe('swapped_axes');
  });
});

describe('broken and hostile inputs are refused with a clear message and nothing written', () => {
  it('a zip without .shx', async () => {
    const zip = await shapefileZip(tmp.dir, 'no_shx', 'polygon', PARCEL_COLUMNS, parcelFeatures(2), { crs: 'EPSG:5897', omit: ['shx'] });
    const before = await count();
    const res = await upload(zip, 'collection=parcels&dryRun=false');
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().detail).toMatch(/no_shx\.shp has no no_shx\.shx/);
    expect(await count()).toBe(before);
  });

  it('a truncated .shp', async () => {
    const zip = await shapefileZip(tmp.dir, 'truncated', 'polygon', PARCEL_COLUMNS, parcelFeatures(4), {
      crs: 'EPSG:5897',
      truncateShpBy: 50,
    });
    const before = await count();
    const res = await upload(zip, 'collection=parcels&dryRun=false');
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toMatch(/truncated/);
    expect(await count()).toBe(before);
  });

  it('a bow-tie polygon, located; repaired only when asked', async () => {
    const [lon, lat] = [105.625, 10.455];
    const d = 0.0002;
    const bowTie = {
      type: 'Polygon' as const,
      coordinates: [
        [
          [lon, lat],
          [lon + d, lat + d],
          [lon + d, lat],
          [lon, lat + d],
          [lon, lat],
        ],
      ],
    };
    const zip = await shapefileZip(
      tmp.dir,
      'bowtie',
      'polygon',
      PARCEL_COLUMNS,
      [{ geometry: project(bowTie, 'EPSG:5897'), values: ['29890', 43, 1, 'LUC', 500, 'x'] }],
      { crs: 'EPSG:5897' },
    );
    const before = await count();
    const res = await upload(zip, 'collection=parcels&dryRun=false');
    expect(res.statusCode).toBe(422);
    const problem = res.json().report.problems[0];
    expect(problem).toMatchObject({ index: 1, code: 'INVALID_GEOMETRY' });
    expect(problem.message).toMatch(/self-intersection/i);
    expect(problem.location.lon).toBeCloseTo(lon + d / 2, 6);
    expect(problem.location.lat).toBeCloseTo(lat + d / 2, 6);
    expect(await count()).toBe(before);
    const repaired = (await upload(zip, 'collection=parcels&dryRun=true&repair=true')).json();
    expect(repaired.counts.valid).toBe(1);
    expect(repaired.problemCounts.REPAIRED).toBe(1);
  });

  it('out-of-range coordinates', async () => {
    const geo = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { MaXa: '29890', SoTo: 44, SoThua: 1, LoaiDat: 'LUC' },
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [568771, 1156800],
                [568791, 1156800],
                [568791, 1156820],
                [568771, 1156800],
              ],
            ],
          },
        },
      ],
    };
    const before = await count();
    const res = await upload(Buffer.from(JSON.stringify(geo)), 'collection=parcels&dryRun=false', actors.officer, 'metres.geojson');
    expect(res.statusCode).toBe(422);
    expect(res.json().report.problems[0]).toMatchObject({ code: 'OUT_OF_RANGE' });
    expect(await count()).toBe(before);
  });

  it('an unknown CRS', async () => {
    const lambert =
      'PROJCS["NAD27 / Texas",GEOGCS["NAD27",DATUM["North_American_Datum_1927",SPHEROID["Clarke 1866",6378206.4,294.978698213898]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Lambert_Conformal_Conic_2SP"],PARAMETER["standard_parallel_1",27.5],UNIT["US survey foot",0.304800609601219]]';
    const zip = await shapefileZip(tmp.dir, 'lambert', 'polygon', PARCEL_COLUMNS, parcelFeatures(1), { crs: 'EPSG:5897', prj: lambert });
    const res = await upload(zip, 'collection=parcels&dryRun=true');
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('UNKNOWN_CRS');
    expect(res.json().detail).toMatch(/Unsupported coordinate system "NAD27 \/ Texas"|neither VN-2000 nor WGS 84/);
  });

  it('a zip bomb', async () => {
    const big = path.join(tmp.dir, 'bomb.geojson');
    // 50 MB of spaces deflates ~1000×: refused from the declared sizes before inflating.
    const fd = fs.openSync(big, 'w');
    const chunk = Buffer.alloc(1 << 20, 0x20);
    for (let i = 0; i < 50; i++) fs.writeSync(fd, chunk);
    fs.closeSync(fd);
    const zip = await zipFiles(path.join(tmp.dir, 'bomb.zip'), [big]);
    expect(fs.statSync(zip).size).toBeLessThan(LIMIT_MB * 1024 * 1024);
    const before = await count();
    const res = await upload(zip, 'collection=parcels&dryRun=false');
    expect(res.statusCode).toBe(413);
    expect(res.json().detail).toMatch(/zip bomb/);
    expect(await count()).toBe(before);
  });

  it('a 2 GB upload, refused from its declared length without reading it', async () => {
    const boundary = '----bandobig';
    let sent = 0;
    const body = new Readable({
      read() {
        if (sent > 8 * 1024 * 1024) return this.push(null);
        sent += 1 << 20;
        this.push(Buffer.alloc(1 << 20, 0x41));
      },
    });
    const res = await app.inject({
      method: 'POST',
      url: '/api/import?collection=parcels&dryRun=false',
      payload: body,
      headers: {
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(2 * 1024 ** 3),
        authorization: `Bearer ${actors.officer}`,
      },
    });
    expect(res.statusCode).toBe(413);
    expect(sent).toBeLessThan(64 * 1024 * 1024);
  });

  it('an upload over the limit without a declared length, stopped at the limit', async () => {
    const res = await upload(
      Buffer.alloc((LIMIT_MB + 1) * 1024 * 1024, 0x20),
      'collection=parcels&dryRun=false',
      actors.officer,
      'big.geojson',
    );
    expect(res.statusCode).toBe(413);
  });
});

describe('atomicity, permissions and jobs', () => {
  it('strict mode writes nothing when one feature of many is refused', async () => {
    const features = parcelFeatures(5, { origin: [105.64, 10.443] }).map((f, i) => ({
      ...f,
      values: ['29890', 50, i + 1, i === 3 ? 'XYZ' : 'LUC', 500, 'x'],
    }));
    const zip = await shapefileZip(tmp.dir, 'one_bad', 'polygon', PARCEL_COLUMNS, features, { crs: 'EPSG:5897' });
    const before = await count();
    const res = (await upload(zip, 'collection=parcels&dryRun=false&strict=true')).json();
    expect(res.counts).toMatchObject({ valid: 4, refused: 1, inserted: 0 });
    expect(res.committed).toBe(false);
    expect(res.problems[0]).toMatchObject({ index: 4, code: 'BAD_VALUE' });
    expect(await count()).toBe(before);
  });

  it('a cancelled import leaves nothing behind (the single transaction rolls back)', async () => {
    const zip = await shapefileZip(
      tmp.dir,
      'cancel',
      'polygon',
      PARCEL_COLUMNS,
      parcelFeatures(2500, { origin: [105.6, 10.441] }).map((f, i) => ({
        ...f,
        values: ['29890', 60 + Math.floor(i / 1000), (i % 1000) + 1, 'LUC', 500, 'x'],
      })),
      { crs: 'EPSG:5897' },
    );
    const before = await count();
    const controller = new AbortController();
    const viewer = { ...ANONYMOUS, userId: 1, role: 'admin' as const };
    const run = runImport(db, zip, {
      collection: 'parcels',
      dryRun: false,
      viewer,
      fileName: 'cancel.zip',
      signal: controller.signal,
      onProgress: (p) => {
        if (p.read >= 2000) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'ABORTED' });
    expect(await count()).toBe(before);
    expect((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'import_stage'`)).rows[0]!.n).toBe(0);
  });

  it('anonymous imports get 401, a farmer 403, an officer outside the commune a per-feature refusal', async () => {
    const zip = await shapefileZip(tmp.dir, 'perm', 'polygon', PARCEL_COLUMNS, parcelFeatures(1), { crs: 'EPSG:5897' });
    expect((await upload(zip, 'collection=parcels&dryRun=true', null)).statusCode).toBe(401);
    expect((await upload(zip, 'collection=parcels&dryRun=true', actors.farmer)).statusCode).toBe(403);
    expect((await upload(zip, 'collection=zones&dryRun=true', actors.officer)).statusCode).toBe(403);
    const foreign = (await upload(zip, 'collection=parcels&dryRun=true', actors.foreignOfficer)).json();
    expect(foreign.problemCounts.NOT_YOUR_COMMUNE).toBe(1);
  });

  it('bad query parameters are a 400 problem, not a 500', async () => {
    const zip = await shapefileZip(tmp.dir, 'params', 'polygon', PARCEL_COLUMNS, parcelFeatures(1), { crs: 'EPSG:5897' });
    expect((await upload(zip, 'collection=nothing')).statusCode).toBe(400);
    expect((await upload(zip, 'collection=parcels&mapping=%7Bnope')).statusCode).toBe(400);
    expect((await upload(zip, 'collection=parcels&crs=EPSG:1234')).statusCode).toBe(422);
    expect((await upload(Buffer.from('not a geodata file at all'), 'collection=parcels', actors.officer, 'x.bin')).statusCode).toBe(415);
  });

  it('a damaged file of a supported type is a 400 naming that type, not 415; a truly unknown type stays 415; nothing is written', async () => {
    const before = await count();
    const junk = Buffer.from('this is not a zip archive');
    const random = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251));
    const cases: [Buffer, string, string, RegExp][] = [
      [junk, 'junk.zip', 'BAD_ARCHIVE', /junk\.zip is not valid zip/],
      [random, 'thua.geojson', 'BAD_FILE', /thua\.geojson is not valid GeoJSON/],
      [Buffer.from('<!doctype html><html><body>Not found</body></html>'), 'thua.geojson', 'BAD_FILE', /is not valid GeoJSON: it holds XML/],
      [random, 'thua.json', 'BAD_FILE', /is not valid GeoJSON/],
      [random, 'duong.kml', 'BAD_FILE', /is not valid KML/],
      [random, 'vet.gpx', 'BAD_FILE', /is not valid GPX/],
      [random, 'lop.gpkg', 'BAD_FILE', /is not valid GeoPackage/],
    ];
    for (const [bytes, name, code, detail] of cases) {
      for (const dryRun of ['true', 'false']) {
        const res = await upload(bytes, `collection=parcels&dryRun=${dryRun}`, actors.officer, name);
        expect(res.statusCode, `${name}: ${res.body}`).toBe(400);
        expect(res.json(), name).toMatchObject({ code });
        expect(res.json().detail, name).toMatch(detail);
      }
    }
    const unknown = await upload(random, 'collection=parcels', actors.officer, 'thua.dwg');
    expect(unknown.statusCode).toBe(415);
    expect(unknown.json().code).toBe('UNSUPPORTED_FORMAT');
    expect(await count()).toBe(before);
  });

  it('a background import answers 202 with a job URL that reports progress and the final report', async () => {
    const zip = await shapefileZip(
      tmp.dir,
      'async',
      'polygon',
      PARCEL_COLUMNS,
      parcelFeatures(1500, { origin: [105.6, 10.4705] }).map((f, i) => ({
        ...f,
        values: ['29890', 80 + Math.floor(i / 1000), (i % 1000) + 1, 'LUC', 500, 'x'],
      })),
      { crs: 'EPSG:5897' },
    );
    const res = await upload(zip, 'collection=parcels&dryRun=false&async=true');
    expect(res.statusCode).toBe(202);
    const url = res.json().url as string;
    expect(res.headers.location).toBe(url);
    let job: { status: string; progress: { read: number; total: number }; report: { counts: { inserted: number } } | null } | undefined;
    for (let i = 0; i < 600; i++) {
      job = (await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${actors.officer}` } })).json();
      if (job!.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(job!.status).toBe('done');
    expect(job!.progress).toMatchObject({ phase: 'done', read: 1500, total: 1500 });
    expect(job!.report!.counts.inserted).toBe(1500);
    // Bulk path: one summary row in the edit log instead of 1,500.
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM edit_log WHERE feature_id = 'import:async.zip'`);
    expect(rows[0]!.n).toBe(1);
    expect((await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${actors.admin}` } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${actors.planner}` } })).statusCode).toBe(404);
  });
});

describe('other readers', () => {
  it('a CSV survey table with VN-2000 X (northing) and Y (easting) makes products at the right place', async () => {
    const [e, n] = (project({ type: 'Point', coordinates: [105.63, 10.46] }, 'EPSG:5897') as { coordinates: number[] }).coordinates as [
      number,
      number,
    ];
    const csv = `Ten san pham;Loai hinh;Nhom;X;Y;Ma xa\nXoài Cát Chu;hợp tác xã;trái cây;${n.toFixed(3).replace('.', ',')};${e.toFixed(3).replace('.', ',')};29869\n`;
    const res = await upload(
      Buffer.from(csv),
      'collection=products&dryRun=false&crs=EPSG:5897&mapping=' +
        encodeURIComponent(
          JSON.stringify({
            product: 'Ten san pham',
            producer_name: 'Ten san pham',
            producer_kind: 'Loai hinh',
            category: 'Nhom',
            commune_code: 'Ma xa',
          }),
        ),
      actors.officer,
      'sanpham.csv',
    );
    expect(res.statusCode).toBe(200);
    expect(res.json().counts.inserted).toBe(1);
    const { rows } = await db.query<{ x: number; y: number; product: string; category: string }>(
      `SELECT ST_X(geom) AS x, ST_Y(geom) AS y, product, category FROM products`,
    );
    expect(rows[0]!.product).toBe('Xoài Cát Chu');
    expect(rows[0]!.category).toBe('fruit');
    expect(rows[0]!.x).toBeCloseTo(105.63, 6);
    expect(rows[0]!.y).toBeCloseTo(10.46, 6);
  });

  it('a GPX waypoint from a phone becomes a product point; a track is refused as the wrong geometry', async () => {
    const gpx = `<?xml version="1.0"?><gpx version="1.1" creator="phone"><wpt lat="10.461" lon="105.631"><name>Sen Tháp Mười</name></wpt><trk><name>đường</name><trkseg><trkpt lat="10.46" lon="105.63"/><trkpt lat="10.47" lon="105.64"/></trkseg></trk></gpx>`;
    const res = await upload(
      Buffer.from(gpx),
      'collection=products&dryRun=true&commune=29869&mapping=' + encodeURIComponent(JSON.stringify({ product: 'name' })),
      actors.officer,
      'phone.gpx',
    );
    const report = res.json();
    expect(report.counts.read).toBe(2);
    expect(report.problems.filter((p: { index: number }) => p.index === 2).map((p: { code: string }) => p.code)).toContain(
      'WRONG_GEOMETRY_TYPE',
    );
    expect(report.problems.filter((p: { index: number; code: string }) => p.index === 1 && p.code === 'WRONG_GEOMETRY_TYPE')).toEqual([]);
  });

  it('a KML polygon from Google Earth becomes a plot, keyed by its geometry so a re-import does not duplicate it', async () => {
    const ring = (square(105.632, 10.462, 40) as { coordinates: number[][][] }).coordinates[0]!.map((p) => p.join(',')).join(' ');
    const kml = `<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>Vườn xoài</name><ExtendedData><Data name="cay_trong"><value>Xoài</value></Data><Data name="ma_xa"><value>29869</value></Data></ExtendedData><Polygon><outerBoundaryIs><LinearRing><coordinates>${ring}</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></Document></kml>`;
    const first = (
      await upload(
        Buffer.from(kml),
        'collection=plots&dryRun=false&mapping=' + encodeURIComponent(JSON.stringify({ commune_code: 'ma_xa' })),
        actors.officer,
        'vuon.kml',
      )
    ).json();
    expect(first.counts.inserted).toBe(1);
    const second = (
      await upload(
        Buffer.from(kml),
        'collection=plots&dryRun=false&mapping=' + encodeURIComponent(JSON.stringify({ commune_code: 'ma_xa' })),
        actors.officer,
        'vuon.kml',
      )
    ).json();
    expect(second.counts).toMatchObject({ inserted: 0, unchanged: 1 });
    expect(await count('plots')).toBe(1);
  });

  describe('a KMZ (Google Earth’s default: a zip of doc.kml and its images)', () => {
    const kmlOf = (lon: number, name: string, extra = '') => {
      const ring = (square(lon, 10.462, 40) as { coordinates: number[][][] }).coordinates[0]!.map((p) => p.join(',')).join(' ');
      return `<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>${extra}<Placemark><name>${name}</name><ExtendedData><Data name="cay_trong"><value>Xoài</value></Data><Data name="ma_xa"><value>29869</value></Data></ExtendedData><Polygon><outerBoundaryIs><LinearRing><coordinates>${ring}</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></Document></kml>`;
    };
    /** A KMZ of the given files, in folders as Google Earth writes them (files/…). */
    async function kmz(name: string, files: Record<string, string | Buffer>): Promise<Buffer> {
      const folder = path.join(tmp.dir, `kmz-${name}`);
      fs.mkdirSync(path.join(folder, 'files'), { recursive: true });
      const zip = new yazl.ZipFile();
      for (const [inner, body] of Object.entries(files)) {
        fs.writeFileSync(path.join(folder, inner), body);
        zip.addFile(path.join(folder, inner), inner);
      }
      zip.end();
      const target = path.join(tmp.dir, `${name}.kmz`);
      await new Promise<void>((resolve, reject) =>
        zip.outputStream.pipe(fs.createWriteStream(target)).on('close', resolve).on('error', reject),
      );
      return fs.readFileSync(target);
    }
    const mapping = 'mapping=' + encodeURIComponent(JSON.stringify({ commune_code: 'ma_xa' }));

    it('is read as its doc.kml: its polygon becomes a plot, the image beside it ignored', async () => {
      const before = await count('plots');
      const file = await kmz('vuon', { 'doc.kml': kmlOf(105.6335, 'Vườn bưởi'), 'files/icon.png': Buffer.from([0x89, 0x50, 0x4e, 0x47]) });
      const res = await upload(file, `collection=plots&dryRun=false&${mapping}`, actors.officer, 'vuon.kmz');
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().counts.inserted).toBe(1);
      expect(await count('plots')).toBe(before + 1);
    });

    it('hostile: no .kml in it, a .kmz that is no zip, a zip-bomb doc.kml: each a clear 4xx, nothing written', async () => {
      const before = await count('plots');
      const empty = await upload(
        await kmz('empty', { 'files/icon.png': Buffer.from('png') }),
        `collection=plots&dryRun=false`,
        actors.officer,
        'empty.kmz',
      );
      expect(empty.statusCode).toBe(400);
      expect(empty.headers['content-type']).toMatch(/problem\+json/);
      expect(empty.json().detail).toBe('empty.kmz holds no .kml: a KMZ keeps its placemarks in doc.kml.');
      const renamed = await upload(Buffer.from('this is not a zip at all'), `collection=plots&dryRun=false`, actors.officer, 'renamed.kmz');
      expect(renamed.statusCode).toBe(400);
      expect(renamed.json().detail).toMatch(/not valid KMZ/);
      // 50 MB of spaces after the placemark deflate ~1000×: refused from the declared sizes before inflating.
      const bomb = await kmz('bomb', { 'doc.kml': kmlOf(105.634, 'Bom') + ' '.repeat(50 * 1024 * 1024) });
      expect(bomb.length).toBeLessThan(LIMIT_MB * 1024 * 1024);
      const refused = await upload(bomb, `collection=plots&dryRun=false&${mapping}`, actors.officer, 'bomb.kmz');
      expect(refused.statusCode).toBe(413);
      expect(refused.json().detail).toMatch(/zip bomb/);
      expect(await count('plots')).toBe(before);
    });

    it('hostile: a NetworkLink is never fetched; the report says its placemarks were not read', async () => {
      let asked = 0;
      const lure = http.createServer((_req, res) => {
        asked++;
        res.end(kmlOf(105.635, 'Từ xa'));
      });
      await new Promise<void>((resolve) => lure.listen(0, '127.0.0.1', resolve));
      try {
        const url = `http://127.0.0.1:${(lure.address() as { port: number }).port}/more.kml`;
        const link = `<NetworkLink><name>Thêm</name><Link><href>${url}</href><refreshMode>onInterval</refreshMode></Link></NetworkLink>`;
        const file = await kmz('linked', { 'doc.kml': kmlOf(105.6345, 'Vườn nhãn', link) });
        const res = await upload(file, `collection=plots&dryRun=true&${mapping}`, actors.officer, 'linked.kmz');
        expect(res.statusCode).toBe(200);
        const report = res.json();
        expect(report.counts.inserted).toBe(1);
        expect(report.warnings).toContain(
          'linked.kmz links to other files (NetworkLink): they are not fetched; only the placemarks written in linked.kmz itself are read.',
        );
        expect(asked).toBe(0);
      } finally {
        await new Promise<void>((resolve) => lure.close(() => resolve()));
      }
    });
  });

  it('a Circular 16/2025 GeoPackage: polygons of the _A layer become zoning lots of the plan its maHoSoQH names; _P and _L layers are skipped', async () => {
    const gpkg = await GpkgWriter.create();
    const wgs = crsByCode('EPSG:4326')!;
    const fields = ['maThongTinQH', 'maHoSoQH', 'maDoiTuong', 'tenDoiTuong', 'phanLoai', 'ghiChu'].map((name) => ({
      name,
      type: 'TEXT' as const,
    }));
    const lots = gpkg.addLayer(
      'ChucNangSuDungDat_A',
      'MULTIPOLYGON',
      [...fields, { name: 'matDoXD', type: 'REAL' }, { name: 'tangCao', type: 'INTEGER' }],
      wgs,
      esriWkt(wgs),
    );
    const sq = (i: number) => ({
      type: 'MultiPolygon' as const,
      coordinates: [(square(105.62 + i * 0.001, 10.455, 60) as { coordinates: number[][][] }).coordinates],
    });
    lots(sq(1), ['821221012345', '82QPK1250001', 'ODT-01', 'Đất ở đô thị', 'ODT', null, 60, 5]);
    lots(sq(2), ['821221012345', '82QPK1250001', 'CX-01', 'Đất cây xanh', 'DKV', 'công viên', 5, 1]);
    lots(sq(3), ['8212', '82QPK1250001', 'GD-01', 'Đất giáo dục', 'DGD', null, 40, 3]);
    const points = gpkg.addLayer('CaoDoNen_P', 'POINT', fields, wgs, esriWkt(wgs));
    points({ type: 'Point', coordinates: [105.621, 10.4555] }, ['821221012345', '82QPK1250001', 'P1', 'Cao độ nền', null, null]);
    const lines = gpkg.addLayer('ChiGioiDuongDo_L', 'MULTILINESTRING', fields, wgs, esriWkt(wgs));
    lines(
      {
        type: 'MultiLineString',
        coordinates: [
          [
            [105.62, 10.455],
            [105.63, 10.455],
          ],
        ],
      },
      ['821221012345', '82QPK1250001', 'L1', 'Chỉ giới đường đỏ', null, null],
    );
    const file = path.join(tmp.dir, 'HoSoGIS_QuyHoach.gpkg');
    await fs.promises.writeFile(file, gpkg.finish());
    const res = await upload(file, 'collection=zones&dryRun=false', actors.planner);
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report.layers.map((l: { name: string; skipped?: string }) => [l.name, Boolean(l.skipped)])).toEqual([
      ['CaoDoNen_P', true],
      ['ChiGioiDuongDo_L', true],
      ['ChucNangSuDungDat_A', false],
    ]);
    expect(report.counts).toMatchObject({ read: 3, inserted: 2, refused: 1 });
    expect(report.problems.find((p: { code: string }) => p.code === 'BAD_VALUE').message).toMatch(/maThongTinQH is 12 digits/);
    const { rows } = await db.query<{ lot_code: string; function: string; plan_code: string; max_density_pct: number }>(
      `SELECT z.lot_code, z.function, p.plan_code, z.max_density_pct FROM zoning_lots z JOIN planning_plans p ON p.id = z.plan_id ORDER BY z.lot_code`,
    );
    expect(rows).toEqual([
      { lot_code: 'CX-01', function: 'Đất cây xanh', plan_code: '82QPK1250001', max_density_pct: 5 },
      { lot_code: 'ODT-01', function: 'Đất ở đô thị', plan_code: '82QPK1250001', max_density_pct: 60 },
    ]);
  });
});
