import fs from 'node:fs/promises';
import path from 'node:path';
import type { Feature } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FEATURE_FAULT,
  GEOMETRY_FAULT,
  IMPORT_PROBLEM,
  type GeometryFault,
  type ImportProblemCode,
  type ImportProblemOf,
  type ImportReport,
} from '../../server/contracts/import.ts';
import { classifyGeosReason } from '../../server/domain/geometry-fault.ts';
import { tempDir } from '../fixtures/io/builders.ts';
import { openForFile } from '../helpers/for-file.ts';
import { insidePoint, openImportFixture } from '../helpers/import-fixture.ts';

// Why a geometry or a record is refused, as a code the browser words in the officer's language:
// GEOS's own reasons from this database's PostGIS (PGlite's GEOS 3.14, Debian's 3.11: the wording
// may move between versions), and the readers' reasons for records they cannot make a feature of.

const WARD = '29869';
const fx = openForFile(openImportFixture);
let tmp: Awaited<ReturnType<typeof tempDir>>;
let origin: [number, number];

beforeAll(async () => {
  tmp = await tempDir();
  const [x, y] = await insidePoint(fx.db, WARD);
  origin = [x, y - 0.003];
});

afterAll(async () => {
  await tmp?.remove();
});

function problemOf<C extends ImportProblemCode>(report: ImportReport, code: C, index: number): ImportProblemOf<C> {
  const found = report.problems.filter((p) => p.code === code && p.index === index);
  expect(found, JSON.stringify(report.problems)).toHaveLength(1);
  return found[0] as ImportProblemOf<C>;
}

/** Invalid shapes GEOS refuses for each reason, as WKT (0..10 unit squares: the point is easy to check). */
const CRAFTED: ReadonlyArray<[string, string, GeometryFault]> = [
  ['a bow tie', 'POLYGON((0 0, 1 1, 1 0, 0 1, 0 0))', GEOMETRY_FAULT.SELF_INTERSECTION],
  ['a figure eight', 'POLYGON((0 0, 2 0, 1 1, 2 2, 0 2, 1 1, 0 0))', GEOMETRY_FAULT.RING_SELF_INTERSECTION],
  ['a ring there and back', 'POLYGON((0 0, 1 1, 0 0, 0 0))', GEOMETRY_FAULT.TOO_FEW_POINTS],
  ['a hole beside its polygon', 'POLYGON((0 0, 1 0, 1 1, 0 1, 0 0),(2 2, 3 2, 3 3, 2 3, 2 2))', GEOMETRY_FAULT.HOLE_OUTSIDE_SHELL],
  ['a part inside another', 'MULTIPOLYGON(((0 0, 10 0, 10 10, 0 10, 0 0)),((1 1, 2 1, 2 2, 1 2, 1 1)))', GEOMETRY_FAULT.NESTED_SHELLS],
  [
    'a hole inside a hole',
    'POLYGON((0 0, 10 0, 10 10, 0 10, 0 0),(1 1, 9 1, 9 9, 1 9, 1 1),(2 2, 3 2, 3 3, 2 3, 2 2))',
    GEOMETRY_FAULT.NESTED_HOLES,
  ],
  [
    'a hole that cuts it in four',
    'POLYGON((0 0, 10 0, 10 10, 0 10, 0 0),(5 0, 10 5, 5 10, 0 5, 5 0))',
    GEOMETRY_FAULT.DISCONNECTED_INTERIOR,
  ],
];

describe('GEOS reasons as fault codes', () => {
  it('this database’s GEOS reason for each crafted invalid shape is classified, with the point ST_IsValidDetail names', async () => {
    for (const [what, wkt, fault] of CRAFTED) {
      const { rows } = await fx.db.query<{ reason: string; x: number; y: number }>(
        `SELECT ST_IsValidReason(g) AS reason, ST_X((ST_IsValidDetail(g)).location) AS x, ST_Y((ST_IsValidDetail(g)).location) AS y
           FROM ST_GeomFromText($1) AS g`,
        [wkt],
      );
      const row = rows[0]!;
      const classified = classifyGeosReason(row.reason);
      expect(classified.fault, `${what}: ${row.reason}`).toBe(fault);
      expect(classified.at, `${what}: ${row.reason}`).toEqual([Number(row.x), Number(row.y)]);
    }
  });

  it('a NaN coordinate is an invalid coordinate, with no point to show', async () => {
    const { rows } = await fx.db.query<{ reason: string }>(
      `SELECT ST_IsValidReason(ST_MakePolygon(ST_MakeLine(ARRAY[ST_MakePoint(0, 0), ST_MakePoint(1, 0), ST_MakePoint('NaN'::float8, 1), ST_MakePoint(0, 0)]))) AS reason`,
    );
    expect(classifyGeosReason(rows[0]!.reason)).toEqual({ fault: GEOMETRY_FAULT.INVALID_COORDINATE });
  });
});

describe('the import report names the fault and where it is', () => {
  const bowtie = (x: number, y: number): Feature => ({
    type: 'Feature',
    properties: { source_key: 'GF-BOWTIE', commune_code: WARD, crop: 'mango' },
    geometry: {
      type: 'Polygon',
      coordinates: [
        [
          [x, y],
          [x + 0.0002, y + 0.0002],
          [x + 0.0002, y],
          [x, y + 0.0002],
          [x, y],
        ],
      ],
    },
  });

  it('a dry run of a bow-tie plot reports self-intersection at the crossing, in WGS 84 and the file’s CRS, and keeps the English sentence', async () => {
    const [x, y] = origin;
    const report = await fx.run('plots', await fx.file('bowtie.geojson', [bowtie(x, y)]), fx.admin, { dryRun: true });
    const p = problemOf(report, IMPORT_PROBLEM.INVALID_GEOMETRY, 1);
    expect(p.fault).toBe(GEOMETRY_FAULT.SELF_INTERSECTION);
    expect(p.location!.lon).toBeCloseTo(x + 0.0001, 9);
    expect(p.location!.lat).toBeCloseTo(y + 0.0001, 9);
    // The file is in WGS 84: the point in its CRS is the same place (rounded to a thousandth).
    expect(p.location!.source![0]).toBeCloseTo(x + 0.0001, 3);
    expect(p.reason).toMatch(/^Self-intersection/);
    expect(p.message).toMatch(/^invalid geometry: Self-intersection at [\d.]+, [\d.]+; fix it in the source or import with repair=true$/);
    expect(report.counts).toMatchObject({ read: 1, refused: 1, inserted: 0 });
  });

  it('with repair the bow tie is repaired into two triangles, which a plot cannot be: the fault and its point come with it', async () => {
    const [x, y] = origin;
    const report = await fx.run('plots', await fx.file('bowtie-repair.geojson', [bowtie(x, y)]), fx.admin, {
      dryRun: true,
      repair: true,
    });
    const p = problemOf(report, IMPORT_PROBLEM.UNREPAIRABLE, 1);
    expect(p).toMatchObject({ fault: GEOMETRY_FAULT.SELF_INTERSECTION, expected: 'polygon' });
    expect(p.location!.lon).toBeCloseTo(x + 0.0001, 9);
    expect(p.location!.lat).toBeCloseTo(y + 0.0001, 9);
  });

  it('with repair a figure-eight parcel becomes a multipolygon: REPAIRED names the ring touching itself and where', async () => {
    const [x, y] = origin;
    const d = 0.0002;
    const eight: Feature = {
      type: 'Feature',
      properties: { commune_code: '29890', sheet: 902, parcel_no: 1, land_use_code: 'LUC' },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [x, y],
            [x + 2 * d, y],
            [x + d, y + d],
            [x + 2 * d, y + 2 * d],
            [x, y + 2 * d],
            [x + d, y + d],
            [x, y],
          ],
        ],
      },
    };
    const report = await fx.run('parcels', await fx.file('eight.geojson', [eight]), fx.admin, { dryRun: true, repair: true });
    const p = problemOf(report, IMPORT_PROBLEM.REPAIRED, 1);
    expect(p).toMatchObject({ severity: 'warning', fault: GEOMETRY_FAULT.RING_SELF_INTERSECTION });
    expect(p.location!.lon).toBeCloseTo(x + d, 9);
    expect(p.location!.lat).toBeCloseTo(y + d, 9);
  });
});

describe('records a reader cannot make a feature of', () => {
  it('CSV geometry: broken WKT names the character, EMPTY and an unknown type are told apart', async () => {
    const [x, y] = origin;
    const ring = `${x} ${y}, ${x + 0.0002} ${y}, ${x + 0.0002} ${y + 0.0002}, ${x} ${y}`;
    const csv = [
      'source_key;commune_code;crop;wkt',
      `W-1;${WARD};mango;POLYGON ((${ring})`,
      `W-2;${WARD};mango;POLYGON EMPTY`,
      `W-3;${WARD};mango;CIRCLE (${x} ${y} 5)`,
    ].join('\n');
    const file = path.join(tmp.dir, 'wkt.csv');
    await fs.writeFile(file, csv + '\n');
    const report = await fx.run('plots', file, fx.admin, { dryRun: true });
    expect(problemOf(report, IMPORT_PROBLEM.BAD_FEATURE, 1)).toMatchObject({
      reason: FEATURE_FAULT.BAD_WKT,
      position: 10 + ring.length + 2,
    });
    expect(problemOf(report, IMPORT_PROBLEM.BAD_FEATURE, 2)).toMatchObject({ reason: FEATURE_FAULT.EMPTY_GEOMETRY });
    expect(problemOf(report, IMPORT_PROBLEM.BAD_FEATURE, 3)).toMatchObject({
      reason: FEATURE_FAULT.UNSUPPORTED_GEOMETRY_TYPE,
      geometryType: 'CIRCLE',
      message: 'WKT: unknown geometry type "CIRCLE" at character 8',
    });
  });

  it('CSV coordinates: a longitude that is not a number is named with its value', async () => {
    const [x, y] = origin;
    const csv = ['name;kind;commune_code;lon;lat', `Xoài;cooperative;${WARD};105.6a;${y}`, `Lúa;cooperative;${WARD};${x};${y}`].join('\n');
    const file = path.join(tmp.dir, 'points.csv');
    await fs.writeFile(file, csv + '\n');
    const report = await fx.run('products', file, fx.admin, { dryRun: true });
    expect(problemOf(report, IMPORT_PROBLEM.BAD_FEATURE, 1)).toMatchObject({
      reason: FEATURE_FAULT.NOT_A_NUMBER,
      value: '105.6a',
      message: '"105.6a" is not a number',
    });
  });

  it('GeoJSON: a record that is not a Feature is said to be so', async () => {
    const [x, y] = origin;
    const file = await fx.file('not-feature.geojson', [
      { type: 'Feture', properties: {}, geometry: { type: 'Point', coordinates: [x, y] } } as unknown as Feature,
    ]);
    const report = await fx.run('plots', file, fx.admin, { dryRun: true });
    expect(problemOf(report, IMPORT_PROBLEM.BAD_FEATURE, 1)).toMatchObject({
      reason: FEATURE_FAULT.NOT_A_FEATURE,
      message: 'not a GeoJSON Feature',
    });
  });
});
