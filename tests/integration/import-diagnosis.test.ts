// The import's "likely cause" for features outside their commune is judged on the whole file: a wrong
// CRS, a missing datum shift or swapped axes moves every feature, so a reading is advised only when
// most of the file lands outside and that reading brings the refused rows in without moving the
// accepted ones out. A correct file with one plot over the boundary gets no advice that would move
// every other plot. Shapefiles are built here (EPSG:5897 with the EPSG:6960 shift unless told).
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import type { ImportProblemOf, ImportReport } from '../../server/contracts/import.ts';
import type { Db } from '../../server/db/index.ts';
import { openMigratedTestDb } from '../helpers/test-db.ts';
import { PARCEL_COLUMNS, prepareIoDb, project, shapefileZip, square, tempDir, type Actors } from '../fixtures/io/builders.ts';

let db: Db;
let app: FastifyInstance;
let actors: Actors;
let tmp: { dir: string; remove(): Promise<void> };

beforeAll(async () => {
  db = await openMigratedTestDb();
  actors = await prepareIoDb(db);
  app = await buildApp({ config: loadConfig({ LOG_LEVEL: 'silent', SEED: 'false' }), db, ready: { value: true } }, { logger: false });
  tmp = await tempDir();
});

afterAll(async () => {
  await app?.close();
  await db?.close();
  await tmp?.remove();
});

/** Metres east and north of lat as degrees of longitude and latitude. */
const dLon = (m: number, lat: number) => m / (111320 * Math.cos((lat * Math.PI) / 180));
const dLat = (m: number) => m / 110574;

type Parcel = { at: [number, number]; commune: string; crs?: string; noShift?: boolean };

/** A dry run of these 25 m parcels as a shapefile declared EPSG:5897, each projected as told. */
async function dryRun(name: string, parcels: Parcel[], query = ''): Promise<ImportReport> {
  const zip = await shapefileZip(
    tmp.dir,
    name,
    'polygon',
    PARCEL_COLUMNS,
    parcels.map((p, i) => ({
      geometry: project(square(p.at[0], p.at[1], 25), p.crs ?? 'EPSG:5897', { noShift: p.noShift }),
      values: [p.commune, 50, i + 1, 'CLN', 625, 'Ấp Tân Hậu'],
    })),
    { crs: 'EPSG:5897' },
  );
  const boundary = '----bando' + Math.random().toString(16).slice(2);
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}.zip"\r\n\r\n`),
    await readFile(zip),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const res = await app.inject({
    method: 'POST',
    url: `/api/import?collection=parcels&dryRun=true${query}`,
    payload,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, authorization: `Bearer ${actors.officer}` },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as ImportReport;
}

const outsideRows = (report: ImportReport) =>
  report.problems.filter((p) => p.code === 'OUTSIDE_AREA') as Array<ImportProblemOf<'OUTSIDE_AREA'>>;

// Phường Cao Lãnh is the box 105.55–105.70 E, 10.40–10.50 N in prepareIoDb; Xã Tân Thuận Tây 105.60–105.66, 10.44–10.48.
const WARD_EAST = 105.7;
const COMMUNE_SOUTH = 10.44;

describe('a correctly shifted file', () => {
  it('with one plot 36 m over the ward boundary gets no datum advice: that plot is refused as 36 m outside, the other accepted', async () => {
    const lat = 10.45;
    const parcels: Parcel[] = [
      { at: [WARD_EAST - dLon(550, lat), lat], commune: '29869' },
      { at: [WARD_EAST + dLon(36, lat), lat], commune: '29869' },
    ];
    // The trap the reviewer fell into: read without the shift (about 196 m west, 112 m north here) both land inside.
    const unshifted = await dryRun('straddle_noshift', parcels, '&datumShift=false');
    expect(unshifted.counts).toMatchObject({ read: 2, valid: 2 });

    const report = await dryRun('straddle', parcels);
    expect(report.crsDiagnosis).toBeUndefined();
    expect(report.counts).toMatchObject({ read: 2, valid: 1, refused: 1 });
    const [row] = outsideRows(report);
    expect(row).toMatchObject({ index: 2, area: 'commune', communeCode: '29869', communeName: 'Phường Cao Lãnh' });
    expect(row!.distanceKm * 1000).toBeCloseTo(36, 0);
    expect(row!.message).toMatch(/^lands 0\.036 km outside commune 29869; most of the file lies inside its communes/);
    expect(row!.message).not.toMatch(/datum|likely/);
  });

  it('with most plots right and three drawn in the other zone (82 km off) gets no whole-file advice', async () => {
    const right: Parcel[] = Array.from({ length: 20 }, (_, i) => ({
      at: [105.61 + (i % 10) * 0.0005, 10.45 + Math.floor(i / 10) * 0.0005],
      commune: '29890',
    }));
    const astray: Parcel[] = [0, 1, 2].map((i) => ({ at: [105.62 + i * 0.0005, 10.46], commune: '29890', crs: 'EPSG:9210' }));
    // Read in that zone, those three land inside and the twenty others leave: the zone is the three's fault, not the file's.
    const other = await dryRun('few_astray_9210', [...right, ...astray], '&crs=EPSG:9210');
    expect(other.counts).toMatchObject({ read: 23, valid: 3 });

    const report = await dryRun('few_astray', [...right, ...astray]);
    expect(report.crsDiagnosis).toBeUndefined();
    expect(report.counts).toMatchObject({ read: 23, valid: 20, refused: 3 });
    const rows = outsideRows(report);
    expect(rows.map((r) => r.index)).toEqual([21, 22, 23]);
    for (const r of rows) expect(r.distanceKm).toBeGreaterThan(50);
  });

  it('mostly outside, but the reading that brings them in would take the accepted ones out: no advice', async () => {
    const right: Parcel[] = [0, 1, 2].map((i) => ({ at: [105.61 + i * 0.0005, 10.45], commune: '29890' }));
    const astray: Parcel[] = [0, 1, 2, 3].map((i) => ({ at: [105.62 + i * 0.0005, 10.46], commune: '29890', crs: 'EPSG:9210' }));
    const report = await dryRun('mixed_zones', [...right, ...astray]);
    expect(report.counts).toMatchObject({ read: 7, valid: 3, refused: 4 });
    expect(report.crsDiagnosis).toBeUndefined();
    expect(outsideRows(report)[0]!.message).toMatch(/check the coordinate system of the file$/);
  });
});

describe('a file made without the datum shift ("VN-2000 nội bộ")', () => {
  it('still gets the advice when most of it lands outside, and the advised reading accepts every row', async () => {
    // Read with the shift, unshifted data moves about 196 m east and 112 m south: plots 40 m from the
    // commune's south edge fall out, plots 250 m in stay.
    const nearEdge: Parcel[] = Array.from({ length: 6 }, (_, i) => ({
      at: [105.62 + i * 0.0004, COMMUNE_SOUTH + dLat(40)],
      commune: '29890',
      noShift: true,
    }));
    const further: Parcel[] = [0, 1, 2].map((i) => ({
      at: [105.62 + i * 0.0004, COMMUNE_SOUTH + dLat(250)],
      commune: '29890',
      noShift: true,
    }));
    const report = await dryRun('noshift_edge', [...nearEdge, ...further]);
    expect(report.counts).toMatchObject({ read: 9, valid: 3, refused: 6 });
    expect(report.crsDiagnosis?.cause).toBe('missing_datum_shift');
    for (const r of outsideRows(report)) {
      expect(r.distanceKm).toBeLessThan(0.226);
      expect(r.message).toContain('missing datum shift');
    }

    const fixed = await dryRun('noshift_edge_fixed', [...nearEdge, ...further], '&datumShift=false');
    expect(fixed.counts).toMatchObject({ read: 9, valid: 9, refused: 0 });
    expect(fixed.crsDiagnosis).toBeUndefined();
  });
});
