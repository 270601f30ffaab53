import type { FastifyInstance } from 'fastify';
import type { Feature, Polygon } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { openSession } from '../../server/auth/sessions.ts';
import { loadConfig } from '../../server/config.ts';
import type { ImportProblemOf, ImportReport } from '../../server/contracts/import.ts';
import { importUpload } from '../helpers/import-upload.ts';
import { openImportFixture, viewerOf, type ImportFixture } from '../helpers/import-fixture.ts';

// A cadastral parcel imported over a stored parcel (a re-survey, or the same sheet imported again
// under other numbers) is written, with a warning naming the stored parcel by its sheet and number
// (tờ/thửa) and the m² of overlap, in the check as in the import. Rows of the file overlapping each
// other are warned about too. Shared boundaries and slivers under 1 m² are not; nor is the stored
// parcel a row replaces, nor a row re-imported as it is stored.

const WARD = '29869';
const CODE = 'PARCEL_OVERLAP';
let fx: ImportFixture;
let app: FastifyInstance;
let officerToken: string;
let origin: [number, number];

beforeAll(async () => {
  fx = await openImportFixture();
  const officer = await viewerOf(fx.db, 'officer', 'officer', [WARD]);
  officerToken = (await openSession(fx.db, officer.userId!, 'bearer')).token;
  app = await buildApp(
    { config: loadConfig({ LOG_LEVEL: 'silent', SEED: 'false' }), db: fx.db, ready: { value: true } },
    { logger: false },
  );
  // Free ground for the squares below (they reach 0.01° east, 0.001° north of the origin), or every case
  // would be about the seeded parcels: a point of one of the ward's hamlets whose box around is in the
  // ward and holds no parcel.
  const { rows } = await fx.db.query<{ x: number; y: number }>(
    `SELECT ST_X(p) AS x, ST_Y(p) AS y FROM (
       SELECT ST_PointOnSurface(h.geom) AS p, w.geom AS ward FROM admin_units h JOIN admin_units w ON w.code = $1 AND w.valid_to IS NULL
       WHERE h.code LIKE $1 || '-%' AND h.valid_to IS NULL AND h.geom IS NOT NULL ORDER BY h.code) c,
       LATERAL ST_MakeEnvelope(ST_X(p) - 0.001, ST_Y(p) - 0.001, ST_X(p) + 0.011, ST_Y(p) + 0.002, 4326) AS box
     WHERE ST_Covers(ward, box) AND NOT EXISTS (SELECT 1 FROM parcels WHERE geom && box) LIMIT 1`,
    [WARD],
  );
  expect(rows).toHaveLength(1);
  origin = [rows[0]!.x, rows[0]!.y];
});

afterAll(async () => {
  await app?.close();
  await fx?.close();
});

/** A parcel row of ward 29869: a square of `size` degrees whose south-west corner is `dx`, `dy` degrees from the origin. */
function parcel(sheet: number, no: number, dx: number, dy: number, size = 0.0002): Feature<Polygon> {
  const [x, y] = [origin[0] + dx, origin[1] + dy];
  const ring = [
    [x, y],
    [x + size, y],
    [x + size, y + size],
    [x, y + size],
    [x, y],
  ];
  return {
    type: 'Feature',
    properties: { commune_code: WARD, sheet, parcel_no: no, land_use_code: 'CLN', address: `tờ ${sheet} thửa ${no}` },
    geometry: { type: 'Polygon', coordinates: [ring] },
  };
}

const run = async (name: string, features: Feature[], dryRun = false) =>
  fx.run('parcels', await fx.file(name, features), fx.admin, { dryRun });

const overlaps = (r: ImportReport) => r.problems.filter((p): p is ImportProblemOf<'PARCEL_OVERLAP'> => p.code === CODE);

async function storedOfSheet(sheet: number): Promise<number[]> {
  const { rows } = await fx.db.query<{ parcel_no: number }>(
    'SELECT parcel_no FROM parcels WHERE sheet = $1 AND commune_code = $2 ORDER BY 1',
    [sheet, WARD],
  );
  return rows.map((r) => r.parcel_no);
}

describe('importing parcels that overlap', () => {
  it('writes a parcel over a stored parcel and one over an earlier row, warning of each with the sheet/number and the m², in the check first', async () => {
    await fx.store('parcels', 'stored.geojson', [parcel(901, 1, 0, 0)]);
    const stored = (await fx.db.query<{ id: number }>('SELECT id FROM parcels WHERE sheet = 901 AND parcel_no = 1')).rows[0]!.id;
    const wardName = (await fx.db.query<{ name: string }>(`SELECT name FROM admin_units WHERE code = $1 AND valid_to IS NULL`, [WARD]))
      .rows[0]!.name;
    const features = [
      // Over the east half of 901/1: 0.0001° × 0.0002° ≈ 11 m × 22 m.
      parcel(902, 1, 0.0001, 0),
      parcel(902, 2, 0.001, 0),
      // Over the north-east quarter of 902/2.
      parcel(902, 3, 0.0011, 0.0001),
      // Shares the west edge of 901/1.
      parcel(902, 4, -0.0002, 0),
      // Reaches 0.0000002° (2 cm) into 901/1's south side along its 22 m: about 0.5 m².
      parcel(902, 5, 0, -0.0001998),
    ];
    const dry = await run('dry.geojson', features, true);
    expect(await storedOfSheet(902)).toEqual([]);
    const report = await run('overlaps.geojson', features);
    for (const r of [dry, report]) {
      expect(r.counts).toMatchObject({ read: 5, valid: 5, refused: 0, inserted: 5, warnings: 2 });
      expect(r.problemCounts).toEqual({ [CODE]: 2 });
      const [onStored, onRow] = overlaps(r);
      expect(onStored).toMatchObject({ index: 1, severity: 'warning', rows: [], thresholdM2: 1 });
      expect(onStored!.parcels).toHaveLength(1);
      const over = onStored!.parcels[0]!;
      // Named with the commune of its survey: imported today under 29869, today's Phường Cao Lãnh.
      expect(over).toMatchObject({ id: stored, communeCode: WARD, communeName: wardName, communeFormer: false, sheet: 901, parcelNo: 1 });
      // 0.0001° of longitude × 0.0002° of latitude near 10.46° N: about 11 m × 22 m.
      expect(over.m2).toBeGreaterThan(200);
      expect(over.m2).toBeLessThan(300);
      expect(onStored!.message).toMatch(new RegExp(`^overlaps Sheet 901 parcel 1, ${wardName} \\(\\d+(\\.\\d)? m²\\) by more than 1 m²`));
      // Features are numbered from 1, as the report's table shows them; a quarter of the square.
      expect(onRow).toMatchObject({ index: 3, severity: 'warning', parcels: [], rows: [{ index: 2 }] });
      expect(onRow!.rows[0]!.m2).toBeGreaterThan(100);
      expect(onRow!.rows[0]!.m2).toBeLessThan(150);
    }
    expect(report.committed).toBe(true);
    expect(await storedOfSheet(902)).toEqual([1, 2, 3, 4, 5]);
    expect(await storedOfSheet(901)).toEqual([1]);
  });

  it('says nothing of the stored parcel a row replaces, of one another row replaces, nor of rows re-imported as stored', async () => {
    await fx.store('parcels', 'before.geojson', [parcel(903, 1, 0.003, 0), parcel(903, 2, 0.0032, 0)]);
    // Both move 0.00005° east: 903/1 over its own old place and over 903/2's old place, which 903/2 leaves.
    const moved = [parcel(903, 1, 0.00305, 0), parcel(903, 2, 0.00325, 0)];
    const report = await run('moved.geojson', moved);
    expect(overlaps(report)).toEqual([]);
    expect(report.counts).toMatchObject({ updated: 2, refused: 0, warnings: 0 });
    // The first file again: 902/1 still lies over 901/1 and 902/3 over 902/2, as stored already.
    const again = await run('again.geojson', [
      parcel(902, 1, 0.0001, 0),
      parcel(902, 2, 0.001, 0),
      parcel(902, 3, 0.0011, 0.0001),
      parcel(902, 4, -0.0002, 0),
      parcel(902, 5, 0, -0.0001998),
    ]);
    expect(again.counts).toMatchObject({ unchanged: 5, warnings: 0 });
    expect(again.problems).toEqual([]);
    // One of them reshaped: the overlap is news again, and is told.
    const reshaped = await run('reshaped.geojson', [parcel(902, 1, 0.00012, 0)]);
    expect(reshaped.counts).toMatchObject({ updated: 1, warnings: 1 });
    expect(overlaps(reshaped)[0]!.parcels.map((p) => [p.sheet, p.parcelNo])).toEqual([[901, 1]]);
  });

  it('names every stored parcel a re-survey lies over, largest overlap first, and counts the warnings past the listed ones', async () => {
    // Sheet 904: four parcels in a row; the re-survey (sheet 905) draws one parcel over all four.
    await fx.store(
      'parcels',
      'old-sheet.geojson',
      [0, 1, 2, 3].map((k) => parcel(904, k + 1, 0.005 + k * 0.0002, 0)),
    );
    // 905/1 covers a quarter of 904/1 less than of 904/4 (it starts 0.00005° into the first, ends 0.00002° short of the last's end).
    const resurvey = [parcel(905, 1, 0.00505, 0, 0.00073), parcel(905, 2, 0.00505, 0.0001, 0.0003)];
    const report = await fx.run('parcels', await fx.file('resurvey.geojson', resurvey), fx.admin, { maxProblems: 1 });
    expect(report.counts).toMatchObject({ inserted: 2, warnings: 2 });
    expect(report.problemCounts[CODE]).toBe(2);
    expect(report.problemsOmitted).toBe(1);
    const [first] = overlaps(report);
    expect(first!.index).toBe(1);
    expect(first!.parcels.map((p) => p.parcelNo).sort()).toEqual([1, 2, 3, 4]);
    const m2 = first!.parcels.map((p) => p.m2);
    expect(m2).toEqual([...m2].sort((a, b) => b - a));
    // 904/2 and 904/3 lie wholly under it (0.0002° square, about 480 m²); 904/1 by three quarters.
    expect(m2[0]).toBeGreaterThan(400);
    expect(first!.parcels.at(-1)!.parcelNo).toBe(1);
  });

  it('refuses hostile rows as before (4xx for a file of nothing valid, refusals by row), never an overlap warning for a refused row', async () => {
    const bowTie: Feature = {
      ...parcel(906, 1, 0.007, 0),
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [origin[0] + 0.007, origin[1]],
            [origin[0] + 0.0072, origin[1] + 0.0002],
            [origin[0] + 0.0072, origin[1]],
            [origin[0] + 0.007, origin[1] + 0.0002],
            [origin[0] + 0.007, origin[1]],
          ],
        ],
      },
    };
    const body = (features: unknown[]) => Buffer.from(JSON.stringify({ type: 'FeatureCollection', features }));
    const upload = (features: unknown[], query = 'collection=parcels&dryRun=false') =>
      importUpload(app, { name: 'parcels.geojson', type: 'application/geo+json', body: body(features) }, query, officerToken);
    const before = await storedOfSheet(906);
    // Nothing valid: a bow tie over a stored parcel's place, a sheet of -1, a coordinate that is no number.
    const hostile = [
      bowTie,
      { ...parcel(906, 2, 0.007, 0), properties: { ...parcel(906, 2, 0, 0).properties, sheet: -1 } },
      {
        ...parcel(906, 3, 0.007, 0),
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              ['x', 1],
              [2, 3],
              [4, 5],
              ['x', 1],
            ],
          ],
        },
      },
    ];
    const refused = await upload(hostile);
    expect(refused.statusCode).toBe(422);
    const refusedReport = refused.json().report as ImportReport;
    expect(refusedReport.problemCounts[CODE]).toBeUndefined();
    expect(await storedOfSheet(906)).toEqual(before);
    // A valid parcel beside them over the bow tie's place, with a key given twice: written and warned of
    // against nothing refused.
    const mixed = await upload([...hostile, parcel(906, 4, 0.007, 0), parcel(906, 4, 0.0071, 0)]);
    expect(mixed.statusCode).toBe(200);
    const report = mixed.json() as ImportReport;
    expect(report.counts).toMatchObject({ valid: 1, inserted: 1, refused: 4, warnings: 0 });
    expect(report.problemCounts[CODE]).toBeUndefined();
    expect(await storedOfSheet(906)).toEqual([4]);
    // Repaired, the bow tie is two triangles over 906/4: valid now, written, and warned of.
    const repaired = await upload(
      [{ ...bowTie, properties: { ...bowTie.properties, parcel_no: 5 } }],
      'collection=parcels&dryRun=true&repair=true',
    );
    expect(repaired.statusCode).toBe(200);
    const repairedReport = repaired.json() as ImportReport;
    expect(repairedReport.problemCounts).toMatchObject({ REPAIRED: 1, [CODE]: 1 });
    expect(overlaps(repairedReport)[0]!.parcels.map((p) => [p.sheet, p.parcelNo])).toEqual([[906, 4]]);
    // Unknown parameters and a bad collection stay 400s.
    expect((await upload([parcel(906, 6, 0.009, 0)], 'collection=parcels&dryRun=maybe')).statusCode).toBe(400);
    expect((await upload([parcel(906, 6, 0.009, 0)], 'collection=parcel')).statusCode).toBe(400);
  });
});
