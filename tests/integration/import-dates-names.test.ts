// The import refuses, row by row, what the forms refuse: a plot planted after today in Vietnam or
// before 1900 (BAD_VALUE, rule date-in-future / date-too-early, column planting_date), and a
// producer named with an emoji or without a letter (rule name-pictograph / name-no-letter). The
// refused row is a problem of that feature in the report; the other rows are imported as before, and
// a stored plot the file would move into the future keeps its date.
import type { Feature } from 'geojson';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../../server/contracts/viewer.ts';
import { vietnamToday } from '../../server/domain/vietnam-time.ts';
import { openForFile } from '../helpers/for-file.ts';
import { insidePoint, openImportFixture, plotSquare, viewerOf } from '../helpers/import-fixture.ts';

const A = '29869';
const fx = openForFile(openImportFixture);
let officer: Viewer;
let inside: [number, number];

beforeAll(async () => {
  officer = await viewerOf(fx.db, 'officer', 'officer', [A]);
  inside = await insidePoint(fx.db, A);
});

/** A plot row of the officer's ward with this planting date (and harvest), the k-th square east of its inside point. */
function plot(key: string, k: number, planted: string | null, harvest?: string): Feature {
  const f = plotSquare(inside, { key, commune: A, k, size: 0.00015 });
  f.properties = { ...f.properties, planting_date: planted, ...(harvest ? { expected_harvest: harvest } : {}) };
  return f;
}

async function stored(keys: string[]) {
  const { rows } = await fx.db.query<{ source_key: string; planting_date: string | null; version: number }>(
    `SELECT source_key, to_char(planting_date, 'YYYY-MM-DD') AS planting_date, version FROM plots WHERE source_key = ANY($1::text[]) ORDER BY source_key`,
    [keys],
  );
  return rows;
}

describe('importing plots with impossible planting dates', () => {
  it('refuses the rows planted after today or before 1900 as their own problems and imports the others', async () => {
    const today = vietnamToday();
    const file = await fx.file('plots-dates.geojson', [
      plot('PD-OK', 70, '2025-02-01', '2030-06-01'),
      plot('PD-FUTURE', 72, '2030-01-01'),
      plot('PD-EARLY', 74, '31/12/1899'),
      plot('PD-TODAY', 76, today),
      plot('PD-NONE', 78, null),
    ]);
    const report = await fx.run('plots', file, officer);
    expect(report.counts).toMatchObject({ read: 5, refused: 2, inserted: 3 });
    const errors = report.problems.filter((p) => p.severity === 'error');
    expect(errors).toEqual([
      expect.objectContaining({ index: 2, code: 'BAD_VALUE', column: 'planting_date', rule: 'date-in-future', value: '2030-01-01', today }),
      expect.objectContaining({
        index: 3,
        code: 'BAD_VALUE',
        column: 'planting_date',
        rule: 'date-too-early',
        value: '31/12/1899',
        earliest: '1900-01-01',
      }),
    ]);
    expect((await stored(['PD-OK', 'PD-FUTURE', 'PD-EARLY', 'PD-TODAY', 'PD-NONE'])).map((r) => [r.source_key, r.planting_date])).toEqual([
      ['PD-NONE', null],
      ['PD-OK', '2025-02-01'],
      ['PD-TODAY', today],
    ]);
  });

  it('leaves a stored plot alone when the file would move its planting date into the future', async () => {
    await fx.run('plots', await fx.file('plots-first.geojson', [plot('PD-KEEP', 80, '2024-08-15')]), officer);
    const before = await stored(['PD-KEEP']);
    expect(before).toEqual([{ source_key: 'PD-KEEP', planting_date: '2024-08-15', version: expect.any(Number) }]);
    const log = (await fx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM edit_log')).rows[0]!.n;
    const report = await fx.run('plots', await fx.file('plots-again.geojson', [plot('PD-KEEP', 80, '2031-01-01')]), officer);
    expect(report.counts).toMatchObject({ refused: 1, inserted: 0, updated: 0 });
    expect(report.problems).toEqual([expect.objectContaining({ code: 'BAD_VALUE', column: 'planting_date', rule: 'date-in-future' })]);
    expect(await stored(['PD-KEEP'])).toEqual(before);
    expect((await fx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM edit_log')).rows[0]!.n).toBe(log);
  });
});

describe('importing products whose producer is named with an emoji', () => {
  it('refuses those rows naming producer_name and imports the producer named in Vietnamese', async () => {
    const [x0, y0] = inside;
    const product = (key: string, k: number, producer: string): Feature => ({
      type: 'Feature',
      properties: {
        source_key: key,
        commune_code: A,
        producer_kind: 'cooperative',
        producer_name: producer,
        product: 'Xoài Cát Chu',
        category: 'fruit',
      },
      geometry: { type: 'Point', coordinates: [x0 + k * 0.0004, y0 - 0.0009] },
    });
    const report = await fx.run(
      'products',
      await fx.file('products-names.geojson', [
        product('PN-OK', 1, 'HTX Xoài Cát Chu Mỹ Xương (tổ 2) & Cộng sự'),
        product('PN-EMOJI', 2, 'HTX 🥭 Mỹ Xương'),
        product('PN-BARE', 3, '🙂🙂'),
      ]),
      officer,
    );
    expect(report.counts).toMatchObject({ read: 3, refused: 2, inserted: 1 });
    expect(report.problems.filter((p) => p.severity === 'error')).toEqual([
      expect.objectContaining({ index: 2, code: 'BAD_VALUE', column: 'producer_name', rule: 'name-pictograph' }),
      expect.objectContaining({ index: 3, code: 'BAD_VALUE', column: 'producer_name', rule: 'name-no-letter' }),
    ]);
    const { rows } = await fx.db.query<{ source_key: string; producer_name: string }>(
      `SELECT source_key, producer_name FROM products WHERE source_key LIKE 'PN-%' ORDER BY source_key`,
    );
    expect(rows).toEqual([{ source_key: 'PN-OK', producer_name: 'HTX Xoài Cát Chu Mỹ Xương (tổ 2) & Cộng sự' }]);
  });
});
