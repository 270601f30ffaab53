import type { Feature } from 'geojson';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  IMPORT_PROBLEM,
  VALUE_RULE,
  type ImportProblemCode,
  type ImportProblemOf,
  type ImportReport,
} from '../../server/contracts/import.ts';
import { openForFile } from '../helpers/for-file.ts';
import { insertGrowingArea } from '../helpers/growing-area-row.ts';
import { insidePoint, openImportFixture, plotIdsByKey, plotSquare, viewerOf } from '../helpers/import-fixture.ts';

// The import report states each refusal's facts as fields beside its code and English sentence (a
// client words them without reading the sentence), and the extent of what the import wrote. Every
// refusal here is a real one of the importer, on a copy of the seeded database.

const WARD = '29869';
const fx = openForFile(openImportFixture);
let origin: [number, number];

beforeAll(async () => {
  const [x, y] = await insidePoint(fx.db, WARD);
  origin = [x, y - 0.003];
});

/** The one problem of this code at this feature number. */
function problemOf<C extends ImportProblemCode>(report: ImportReport, code: C, index: number): ImportProblemOf<C> {
  const found = report.problems.filter((p) => p.code === code && p.index === index);
  expect(found, JSON.stringify(report.problems)).toHaveLength(1);
  return found[0] as ImportProblemOf<C>;
}

const polygon = (ring: number[][]): Feature['geometry'] => ({ type: 'Polygon', coordinates: [ring] });

/** The west, south, east, north of the squares of these features. */
function bboxOf(features: Feature[]): [number, number, number, number] {
  const points = features.flatMap((f) => (f.geometry as { coordinates: number[][][] }).coordinates[0]!);
  const xs = points.map((p) => p[0]!);
  const ys = points.map((p) => p[1]!);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

function expectBox(actual: ImportReport['extent'], expected: [number, number, number, number]): void {
  expect(actual).not.toBeNull();
  actual!.forEach((v, i) => expect(v, `extent[${i}]`).toBeCloseTo(expected[i]!, 9));
}

describe('the facts of each refused row', () => {
  it('plots: a value, an order of dates, an empty column, a duplicate key, a line, an open ring, a bowtie and a far plot each carry their facts', async () => {
    const square = (key: string, k: number, extra: Record<string, unknown> = {}) => {
      const f = plotSquare(origin, { key, commune: WARD, k });
      return { ...f, properties: { ...f.properties, ...extra } };
    };
    const [x, y] = origin;
    const good = [square('RF-1', 0), square('RF-2', 3)];
    const features: Feature[] = [
      ...good,
      square('RF-CROP', 1, { crop: 'Sầu riêng Musang' }),
      square('RF-DATES', 2, { planting_date: '2025-06-01', expected_harvest: '01/02/2025' }),
      square('RF-NOCOMMUNE', 4, { commune_code: '' }),
      square('RF-1', 5),
      {
        type: 'Feature',
        properties: { source_key: 'RF-LINE', commune_code: WARD, crop: 'mango' },
        geometry: {
          type: 'LineString',
          coordinates: [
            [x, y],
            [x + 0.001, y],
          ],
        },
      },
      {
        type: 'Feature',
        properties: { source_key: 'RF-OPEN', commune_code: WARD, crop: 'mango' },
        geometry: polygon([
          [x, y],
          [x + 0.0001, y],
          [x + 0.0001, y + 0.0001],
          [x, y + 0.0002],
        ]),
      },
      {
        type: 'Feature',
        properties: { source_key: 'RF-BOWTIE', commune_code: WARD, crop: 'mango' },
        geometry: polygon([
          [x, y + 0.001],
          [x + 0.0002, y + 0.0012],
          [x + 0.0002, y + 0.001],
          [x, y + 0.0012],
          [x, y + 0.001],
        ]),
      },
      { ...plotSquare([x + 0.4, y + 0.1], { key: 'RF-FAR', commune: WARD, k: 0 }) },
    ];
    const report = await fx.run('plots', await fx.file('facts.geojson', features), fx.admin, { dryRun: true });
    expect(report.counts).toMatchObject({ read: 10, valid: 2, refused: 8 });

    expect(problemOf(report, IMPORT_PROBLEM.BAD_VALUE, 3)).toMatchObject({
      column: 'crop',
      field: 'crop',
      value: 'Sầu riêng Musang',
      rule: VALUE_RULE.CROP,
    });
    expect(problemOf(report, IMPORT_PROBLEM.BAD_VALUE, 4)).toMatchObject({
      column: 'expected_harvest',
      field: null,
      value: '2025-02-01',
      rule: VALUE_RULE.ORDER,
      otherColumn: 'planting_date',
      otherValue: '2025-06-01',
    });
    expect(problemOf(report, IMPORT_PROBLEM.MISSING_FIELD, 5)).toMatchObject({ column: 'commune_code', field: 'commune_code' });
    expect(problemOf(report, IMPORT_PROBLEM.DUPLICATE_KEY, 6)).toMatchObject({ key: { source_key: 'RF-1' }, firstIndex: 1 });
    expect(problemOf(report, IMPORT_PROBLEM.DUPLICATE_KEY, 6).firstLayer).toBe(report.layers[0]!.name);
    expect(problemOf(report, IMPORT_PROBLEM.WRONG_GEOMETRY_TYPE, 7)).toMatchObject({
      geometryType: 'LineString',
      expected: 'polygon',
      parts: null,
    });
    expect(problemOf(report, IMPORT_PROBLEM.BAD_RING, 8)).toMatchObject({ reason: 'unclosed', first: [x, y], last: [x, y + 0.0002] });
    const bowtie = problemOf(report, IMPORT_PROBLEM.INVALID_GEOMETRY, 9);
    expect(bowtie.reason).toMatch(/^Self-intersection/);
    expect(bowtie.location!.lon).toBeCloseTo(x + 0.0001, 7);

    const far = problemOf(report, IMPORT_PROBLEM.OUTSIDE_AREA, 10);
    const { rows } = await fx.db.query<{ km: number; name: string }>(
      `SELECT ST_Distance((SELECT ST_Union(geom) FROM admin_units WHERE code = $1)::geography, ST_SetSRID(ST_GeomFromGeoJSON($2), 4326)::geography) / 1000 AS km,
              (SELECT name FROM admin_units WHERE code = $1 ORDER BY valid_from DESC LIMIT 1) AS name`,
      [WARD, JSON.stringify(features[9]!.geometry)],
    );
    expect(far).toMatchObject({ area: 'commune', communeCode: WARD, communeName: rows[0]!.name });
    expect(far.distanceKm).toBeCloseTo(rows[0]!.km, 6);
    expect(far.distanceKm).toBeGreaterThan(20);
    // The English sentence is still there for old clients and the command line.
    expect(far.message).toMatch(/^lands [\d.]+ km outside commune 29869/);

    // The dry run's extent is that of the two rows it would insert.
    expectBox(report.extent, bboxOf(good));
  });

  it('parcels: a legacy land-use code is mapped with its facts; a letter for a sheet and a short commune code are refused with theirs', async () => {
    const [x, y] = origin;
    const parcel = (k: number, props: Record<string, unknown>): Feature => ({
      type: 'Feature',
      properties: { commune_code: '29890', sheet: 901, parcel_no: k + 1, land_use_code: 'LUC', ...props },
      geometry: {
        type: 'MultiPolygon',
        coordinates: [
          [
            [
              [x + k * 0.0004, y - 0.001],
              [x + k * 0.0004 + 0.0002, y - 0.001],
              [x + k * 0.0004 + 0.0002, y - 0.0008],
              [x + k * 0.0004, y - 0.001],
            ],
          ],
        ],
      },
    });
    const report = await fx.run(
      'parcels',
      await fx.file('parcels.geojson', [
        parcel(0, { land_use_code: 'BHK' }),
        parcel(1, { sheet: '12a' }),
        parcel(2, { commune_code: '2989' }),
      ]),
      fx.admin,
      { dryRun: true },
    );
    expect(problemOf(report, IMPORT_PROBLEM.LEGACY_LAND_USE, 1)).toMatchObject({
      severity: 'warning',
      column: 'land_use_code',
      legacyCode: 'BHK',
      currentCode: 'HNK',
    });
    expect(problemOf(report, IMPORT_PROBLEM.BAD_VALUE, 2)).toMatchObject({
      column: 'sheet',
      field: 'sheet',
      value: '12a',
      rule: 'integer',
    });
    expect(problemOf(report, IMPORT_PROBLEM.BAD_VALUE, 3)).toMatchObject({
      column: 'commune_code',
      value: '2989',
      rule: 'pattern',
      pattern: '^\\d{5}$',
    });
  });

  it('an officer’s row of another commune names it and the officer’s communes', async () => {
    const officer = await viewerOf(fx.db, 'officer', 'officer', [WARD]);
    const other = await insidePoint(fx.db, '29884');
    const report = await fx.run(
      'plots',
      await fx.file('other.geojson', [plotSquare(other, { key: 'RF-OTHER', commune: '29884', k: 0 })]),
      officer,
      { dryRun: true },
    );
    const { rows } = await fx.db.query<{ name: string }>('SELECT name FROM admin_units WHERE code = $1 ORDER BY valid_from DESC LIMIT 1', [
      '29884',
    ]);
    expect(problemOf(report, IMPORT_PROBLEM.NOT_YOUR_COMMUNE, 1)).toMatchObject({
      communeCode: '29884',
      communeName: rows[0]!.name,
      yourCommunes: [WARD],
    });
    expect(report.extent).toBeNull();
  });

  it('rows of growing areas: a crop change of a draft’s plot and a change of an issued area’s plot name plot, area, crop and status', async () => {
    const rows = [
      { key: 'RF-DRAFT', commune: WARD, k: 7 },
      { key: 'RF-ISSUED', commune: WARD, k: 8 },
    ];
    await fx.store(
      'plots',
      'members.geojson',
      rows.map((r) => plotSquare(origin, r)),
    );
    const ids = await plotIdsByKey(fx.db, 'RF-%');
    const area = (status: string) =>
      insertGrowingArea(fx.db, {
        code: status === 'draft' ? null : `VN-RF-${status}`,
        name: `Vùng ${status}`,
        crop: 'mango',
        status,
        commune: WARD,
      });
    const draft = await area('draft');
    const issued = await area('issued');
    await fx.db.query('UPDATE plots SET growing_area_id = $1 WHERE id = $2', [draft, ids['RF-DRAFT']]);
    await fx.db.query('UPDATE plots SET growing_area_id = $1 WHERE id = $2', [issued, ids['RF-ISSUED']]);

    const report = await fx.run(
      'plots',
      await fx.file(
        'members-rice.geojson',
        rows.map((r) => plotSquare(origin, { ...r, crop: 'rice' })),
      ),
      fx.admin,
      { dryRun: true },
    );
    expect(problemOf(report, IMPORT_PROBLEM.PLOT_CROP_MISMATCH, 1)).toMatchObject({
      plotId: ids['RF-DRAFT'],
      plotCrop: 'rice',
      areaId: draft,
      areaCrop: 'mango',
    });
    expect(problemOf(report, IMPORT_PROBLEM.PLOT_IN_LOCKED_AREA, 2)).toMatchObject({
      plotId: ids['RF-ISSUED'],
      areaId: issued,
      areaStatus: 'issued',
    });
  });
});

describe('the extent of what an import wrote', () => {
  it('is that of the inserted rows, then of the updated ones only; null when nothing changes; the same in a dry run', async () => {
    const rows = [0, 1, 2].map((k) => plotSquare([origin[0], origin[1] - 0.002], { key: `RF-EXT-${k}`, commune: WARD, k }));
    const target = await fx.file('extent.geojson', rows);
    const dry = await fx.run('plots', target, fx.admin, { dryRun: true });
    const done = await fx.run('plots', target, fx.admin);
    expect(done.counts.inserted).toBe(3);
    expectBox(done.extent, bboxOf(rows));
    expect(dry.extent).toEqual(done.extent);

    const again = await fx.run('plots', target, fx.admin);
    expect(again.counts).toMatchObject({ inserted: 0, updated: 0, unchanged: 3 });
    expect(again.extent).toBeNull();

    // One row moved far east in the ward (still inside it): the extent is that row's new place alone.
    const moved = plotSquare([origin[0] + 0.001, origin[1] - 0.002], { key: 'RF-EXT-2', commune: WARD, k: 0 });
    const bulk = await fx.run('plots', await fx.file('extent-moved.geojson', [rows[0]!, rows[1]!, moved]), fx.admin, {
      bulkThreshold: 1,
      relocate: true,
    });
    expect(bulk.counts).toMatchObject({ updated: 1, unchanged: 2 });
    expectBox(bulk.extent, bboxOf([moved]));
  });
});
