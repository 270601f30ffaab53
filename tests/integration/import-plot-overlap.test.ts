import type { Feature, Polygon } from 'geojson';
import { beforeAll, describe, expect, it } from 'vitest';
import { openForFile } from '../helpers/for-file.ts';
import { insidePoint, openImportFixture, plotSquare } from '../helpers/import-fixture.ts';

// Plots do not overlap: the features API and the editor refuse a plot over another by more than
// 1 m², and an imported survey file must not bring in what an officer could not draw. Each refused
// row names what it overlaps (stored plots by id, earlier rows of the file by layer and number) with
// the m², and nothing of it is written.

const WARD = '29869';
const fx = openForFile(openImportFixture);
let origin: [number, number];

beforeAll(async () => {
  origin = await insidePoint(fx.db, WARD);
  // The squares below must start on free ground, or every case would be about the seeded plots.
  const { rows } = await fx.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM plots WHERE ST_DWithin(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326), 0.01)',
    origin,
  );
  expect(rows[0]!.n).toBe(0);
});

/** A plot row: a square of `size` degrees whose south-west corner is `dx`, `dy` degrees from the origin. */
function square(key: string, dx: number, dy: number, size = 0.0002): Feature<Polygon> {
  const f = plotSquare([origin[0] + dx, origin[1] + dy], { key, commune: WARD, k: 0, size }) as Feature<Polygon>;
  return f;
}

const run = async (name: string, features: Feature[], dryRun = false) =>
  fx.run('plots', await fx.file(name, features), fx.admin, { dryRun });

async function storedKeys(prefix: string): Promise<string[]> {
  const { rows } = await fx.db.query<{ source_key: string }>('SELECT source_key FROM plots WHERE source_key LIKE $1 ORDER BY source_key', [
    `${prefix}%`,
  ]);
  return rows.map((r) => r.source_key);
}

describe('importing plots that overlap', () => {
  it('refuses a row over a stored plot and a row over an earlier row, naming each with its m², and writes the rest', async () => {
    await fx.store('plots', 'stored.geojson', [square('OV-STORED', 0, 0)]);
    const stored = (await fx.db.query<{ id: number }>("SELECT id FROM plots WHERE source_key = 'OV-STORED'")).rows[0]!.id;
    const features = [
      square('OV-FREE', 0.001, 0),
      // Half of the stored square: 0.0001° × 0.0002° ≈ 11 m × 22 m.
      square('OV-ON-STORED', 0.0001, 0),
      square('OV-ON-ROW', 0.0011, 0.0001),
    ];
    const dry = await run('dry.geojson', features, true);
    expect(await storedKeys('OV-')).toEqual(['OV-STORED']);
    const report = await run('overlaps.geojson', features);
    for (const r of [dry, report]) {
      expect(r.counts).toMatchObject({ refused: 2 });
      expect(r.problemCounts.PLOT_OVERLAP).toBe(2);
      const [onStored, onRow] = r.problems.filter((p) => p.code === 'PLOT_OVERLAP');
      expect(onStored).toMatchObject({ index: 2, severity: 'error', rows: [], thresholdM2: 1 });
      expect(onStored && 'plots' in onStored ? onStored.plots : []).toHaveLength(1);
      const overStored = onStored && 'plots' in onStored ? onStored.plots[0]! : { id: 0, m2: 0 };
      expect(overStored.id).toBe(stored);
      // 0.0001° of longitude × 0.0002° of latitude at 10.46° N.
      expect(overStored.m2).toBeGreaterThan(200);
      expect(overStored.m2).toBeLessThan(300);
      expect(onStored?.message).toMatch(new RegExp(`^overlaps plot ${stored} \\(\\d+\\.?\\d? m²\\) by more than 1 m²`));
      // Features are numbered from 1, as the report's table shows them.
      expect(onRow).toMatchObject({ index: 3, plots: [], rows: [{ index: 1 }] });
    }
    expect(report.counts.inserted).toBe(1);
    expect(await storedKeys('OV-')).toEqual(['OV-FREE', 'OV-STORED']);
  });

  it('lets plots that only touch, or overlap by a sliver under 1 m², in', async () => {
    const report = await run('touching.geojson', [
      square('TO-A', 0.003, 0),
      // Shares the east edge of TO-A.
      square('TO-B', 0.0032, 0),
      // Reaches 0.0000002° (2 cm) into TO-A's west side along its 22 m: about 0.5 m².
      square('TO-C', 0.0028002, 0),
    ]);
    expect(report.problems.filter((p) => p.code === 'PLOT_OVERLAP')).toEqual([]);
    expect(report.counts.inserted).toBe(3);
  });

  it('keeps the first of a chain: a row over a refused row is not refused for it', async () => {
    const report = await run('chain.geojson', [
      square('CH-1', 0.005, 0),
      square('CH-2', 0.00515, 0),
      // Overlaps CH-2 only, which is refused for overlapping CH-1.
      square('CH-3', 0.0053, 0),
    ]);
    expect(report.problems.filter((p) => p.code === 'PLOT_OVERLAP').map((p) => p.index)).toEqual([2]);
    expect(await storedKeys('CH-')).toEqual(['CH-1', 'CH-3']);
  });

  it('compares a stored plot the file reshapes by its new shape, and a plot with itself not at all', async () => {
    await fx.store('plots', 'before.geojson', [square('MV-OLD', 0.007, 0)]);
    const report = await run('moved.geojson', [
      // MV-OLD moves 0.00005° east, over most of its old place; MV-NEW takes the strip it leaves
      // (over the old shape by about 120 m², touching the new one).
      square('MV-OLD', 0.00705, 0),
      square('MV-NEW', 0.00685, 0),
    ]);
    expect(report.problems.filter((p) => p.code === 'PLOT_OVERLAP')).toEqual([]);
    expect(report.counts).toMatchObject({ inserted: 1, updated: 1, refused: 0 });
    // The same file again: unchanged, and nothing overlaps itself.
    const again = await run('moved-again.geojson', [square('MV-OLD', 0.00705, 0), square('MV-NEW', 0.00685, 0)]);
    expect(again.counts).toMatchObject({ unchanged: 2, refused: 0 });
  });
});

describe("a surveyor's plot code column (MaThua, SoThua...) keys the plots", () => {
  /** A surveyor's row: the plot code in `column`, the rest in the survey's own Vietnamese names. */
  function surveyed(column: string, code: string | number, dx: number, dy: number): Feature<Polygon> {
    const f = square('unused', dx, dy);
    f.properties = { [column]: code, MaXa: WARD, CayTrong: 'Xoài', Giong: 'Xoài Cát Chu', NgayTrong: '15/03/2018', ChuHo: 'Nguyễn Văn Tư' };
    return f;
  }
  const rows = (column: string, prefix: string, shift: number) =>
    [0, 1, 2, 3].map((k) => surveyed(column, `${prefix}-${k}`, 0.0004 * k + shift, -0.003));

  async function plotsOf(prefix: string) {
    const { rows: r } = await fx.db.query<{ id: number; source_key: string; x: number }>(
      'SELECT id, source_key, round(ST_XMin(geom)::numeric, 6)::float AS x FROM plots WHERE source_key LIKE $1 ORDER BY source_key',
      [`${prefix}%`],
    );
    return r;
  }

  it('re-importing a corrected survey (boundaries moved 3 m) updates the same plots instead of refusing them as overlapping', async () => {
    const first = await run('survey.geojson', rows('MaThua', 'S16-G', 0));
    expect(first.layers[0]!.mapping.source_key).toBe('MaThua');
    expect(first.counts).toMatchObject({ inserted: 4, refused: 0 });
    const before = await plotsOf('S16-G');
    expect(before.map((p) => p.source_key)).toEqual(['S16-G-0', 'S16-G-1', 'S16-G-2', 'S16-G-3']);

    // 0.00003° of longitude at 10.5° N is about 3.3 m.
    const corrected = rows('MaThua', 'S16-G', 0.00003);
    const dry = await run('survey-corrected-dry.geojson', corrected, true);
    expect(dry.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(dry.counts).toMatchObject({ updated: 4, inserted: 0, refused: 0 });
    const report = await run('survey-corrected.geojson', corrected);
    expect(report.counts).toMatchObject({ updated: 4, inserted: 0, refused: 0 });
    const after = await plotsOf('S16-G');
    expect(after.map((p) => p.id)).toEqual(before.map((p) => p.id));
    for (const [i, p] of after.entries()) expect(p.x).toBeCloseTo(before[i]!.x + 0.00003, 6);
  });

  it('takes the other usual spellings (SoThua as a number, ma_thua, MaThuaSX)', async () => {
    for (const [column, dy] of [
      ['SoThua', -0.0036],
      ['ma_thua', -0.0042],
      ['MaThuaSX', -0.0048],
    ] as const) {
      const f = (k: number, shift: number) => surveyed(column, column === 'SoThua' ? 9100 + k : `${column}-${k}`, 0.0004 * k + shift, dy);
      const first = await run(`${column}.geojson`, [f(0, 0), f(1, 0)]);
      expect(first.layers[0]!.mapping.source_key, column).toBe(column);
      expect(first.counts, column).toMatchObject({ inserted: 2 });
      const again = await run(`${column}-moved.geojson`, [f(0, 0.00003), f(1, 0.00003)]);
      expect(again.counts, column).toMatchObject({ updated: 2, inserted: 0, refused: 0 });
    }
    expect((await plotsOf('910')).map((p) => p.source_key)).toEqual(['9100', '9101']);
  });

  it('a file with an id column as well keys its rows by the id as before', async () => {
    const f = surveyed('MaThua', 'S16-BOTH', 0, -0.0054);
    f.properties = { ...f.properties, id: 'S16-ID-1' };
    const report = await run('both.geojson', [f]);
    expect(report.layers[0]!.mapping.source_key).toBe('id');
    expect((await plotsOf('S16-ID-')).map((p) => p.source_key)).toEqual(['S16-ID-1']);
  });

  it('a second survey that numbers its plots from 1 as the first did does not move the first one’s plots: its rows are refused, naming the plot the key belongs to', async () => {
    const first = await run(
      'hamlet-a.geojson',
      [1, 2, 3].map((k) => surveyed('SoThua', 7700 + k, 0.0004 * k, -0.0066)),
    );
    expect(first.counts).toMatchObject({ inserted: 3, refused: 0 });
    const before = await plotsOf('770');
    // Survey B: plots 7701 and 7702 of another hamlet, ~550 m north; plot 7703 right beside A's 7703 (sharing its edge).
    const b = [
      surveyed('SoThua', 7701, 0.0004, -0.0016),
      surveyed('SoThua', 7702, 0.0008, -0.0016),
      surveyed('SoThua', 7703, 0.0012, -0.0064),
    ];
    for (const dryRun of [true, false]) {
      const report = await run('hamlet-b.geojson', b, dryRun);
      expect(report.counts, String(dryRun)).toMatchObject({ inserted: 0, updated: 0, refused: 3 });
      const refusals = report.problems.filter((p) => p.code === 'KEY_OF_ANOTHER_FEATURE');
      expect(refusals.map((p) => [p.index, (p as { storedId?: number }).storedId, (p as { key?: string }).key])).toEqual(
        b.map((_, i) => [i + 1, before[i]!.id, String(7701 + i)]),
      );
      const far = refusals[0] as { distanceM?: number };
      expect(far.distanceM).toBeGreaterThan(500);
      expect(far.distanceM).toBeLessThan(600);
      expect((refusals[2] as { distanceM?: number }).distanceM).toBe(0);
    }
    expect(await plotsOf('770')).toEqual(before);
    // The same survey corrected by 3 m still updates its own plots.
    const corrected = await run(
      'hamlet-a-corrected.geojson',
      [1, 2, 3].map((k) => surveyed('SoThua', 7700 + k, 0.0004 * k + 0.00003, -0.0066)),
    );
    expect(corrected.counts).toMatchObject({ updated: 3, refused: 0 });
  });

  it('two communes’ plot 5 are two plots: a second commune’s survey neither updates nor is refused for the first’s', async () => {
    const OTHER = '29884';
    const [ox, oy] = await insidePoint(fx.db, OTHER);
    const inOther = (code: number, dx: number): Feature<Polygon> => {
      const f = plotSquare([ox + dx, oy - 0.0003], { key: 'unused', commune: OTHER, k: 0 }) as Feature<Polygon>;
      f.properties = { SoThua: code, MaXa: OTHER, CayTrong: 'Xoài' };
      return f;
    };
    const here = await run('commune-a.geojson', [surveyed('SoThua', 7705, 0, -0.0072)]);
    expect(here.counts).toMatchObject({ inserted: 1, refused: 0 });
    for (const dryRun of [true, false]) {
      const there = await run('commune-b.geojson', [inOther(7705, 0)], dryRun);
      expect(there.counts, String(dryRun)).toMatchObject({ inserted: 1, updated: 0, refused: 0 });
    }
    const { rows } = await fx.db.query<{ id: number; commune_code: string; version: number }>(
      `SELECT id, commune_code, version FROM plots WHERE source_key = '7705' ORDER BY commune_code`,
    );
    expect(rows.map((r) => [r.commune_code, r.version])).toEqual([
      [WARD, 1],
      [OTHER, 1],
    ]);
    // Each commune's corrected survey updates its own plot 5 only.
    const corrected = await run('commune-b-corrected.geojson', [inOther(7705, 0.00003)]);
    expect(corrected.counts).toMatchObject({ updated: 1, inserted: 0, refused: 0 });
    const after = await fx.db.query<{ commune_code: string; version: number }>(
      `SELECT commune_code, version FROM plots WHERE source_key = '7705' ORDER BY commune_code`,
    );
    expect(after.rows.map((r) => [r.commune_code, r.version])).toEqual([
      [WARD, 1],
      [OTHER, 2],
    ]);
    // One file with both communes' 7705 keeps both (the file's own repeat check is per commune too).
    const both = await run('both.geojson', [surveyed('SoThua', 7705, 0, -0.0072), inOther(7705, 0.00003)], true);
    expect(both.problemCounts.DUPLICATE_KEY).toBeUndefined();
    expect(both.counts).toMatchObject({ unchanged: 2, refused: 0 });
  });

  it('two communes’ product 5 are two products, as plots are (migration 027): neither updates nor is refused for the other’s', async () => {
    const OTHER = '29884';
    const [ox, oy] = await insidePoint(fx.db, OTHER);
    const product = (commune: string, [x, y]: [number, number], name = 'Xoài Cát Chu'): Feature => ({
      type: 'Feature',
      properties: { STT: 'PR-5', MaXa: commune, LoaiHinh: 'hộ', SanPham: name, Nhom: 'trái cây' },
      geometry: { type: 'Point', coordinates: [x, y] },
    });
    const ours = product(WARD, [origin[0], origin[1] - 0.0084]);
    const theirs = (dx: number, name?: string) => product(OTHER, [ox + dx, oy - 0.0003], name);
    const runProducts = async (name: string, features: Feature[], options: { dryRun?: boolean } = {}) =>
      fx.run('products', await fx.file(name, features), fx.admin, { key: 'STT', ...options });
    expect((await runProducts('products-a.geojson', [ours])).counts).toMatchObject({ inserted: 1, refused: 0 });
    for (const dryRun of [true, false]) {
      const there = await runProducts('products-b.geojson', [theirs(0)], { dryRun });
      expect(there.counts, String(dryRun)).toMatchObject({ inserted: 1, updated: 0, refused: 0 });
      expect(there.problems).toEqual([]);
    }
    const versions = async () =>
      (
        await fx.db.query<{ commune_code: string; version: number; product: string }>(
          `SELECT commune_code, version, product FROM products WHERE source_key = 'PR-5' ORDER BY commune_code`,
        )
      ).rows.map((r) => [r.commune_code, r.version, r.product]);
    expect(await versions()).toEqual([
      [WARD, 1, 'Xoài Cát Chu'],
      [OTHER, 1, 'Xoài Cát Chu'],
    ]);
    // Each commune's corrected survey (moved 3 m, renamed) updates its own product 5 only.
    const corrected = await runProducts('products-b-corrected.geojson', [theirs(0.00003, 'Quýt hồng')]);
    expect(corrected.counts).toMatchObject({ updated: 1, inserted: 0, refused: 0 });
    expect(await versions()).toEqual([
      [WARD, 1, 'Xoài Cát Chu'],
      [OTHER, 2, 'Quýt hồng'],
    ]);
    // Both communes' product 5 in one file are no repeat; product 5 twice in one commune is.
    const both = await runProducts('products-both.geojson', [ours, theirs(0.00003, 'Quýt hồng')], { dryRun: true });
    expect(both.problemCounts.DUPLICATE_KEY).toBeUndefined();
    expect(both.counts).toMatchObject({ unchanged: 2, refused: 0 });
    const twice = await runProducts('products-twice.geojson', [theirs(0.00003, 'Quýt hồng'), theirs(0.001)], { dryRun: true });
    expect(twice.problems.map((p) => [p.index, p.code])).toEqual([[2, 'DUPLICATE_KEY']]);
    // Within a commune a key still names its product: a second survey's product 5, 550 m away, is refused.
    const far = await runProducts('products-far.geojson', [theirs(0.005)]);
    expect(far.problems.map((p) => p.code)).toEqual(['KEY_OF_ANOTHER_FEATURE']);
    expect(await versions()).toEqual([
      [WARD, 1, 'Xoài Cát Chu'],
      [OTHER, 2, 'Quýt hồng'],
    ]);
  });

  it('a file with no known key column: the check names the columns that could key it, and key=<column> keys it', async () => {
    const coded = (k: number): Feature<Polygon> => {
      const f = square('unused', 0.0004 * k, -0.0078);
      // MaHo: a code on every row; DienTich: unique, but an area; X: a centroid's easting in whole metres;
      // GhiChu: empty on one row; Loai: repeated.
      f.properties = {
        MaHo: `H-${k}`,
        DienTich: 480.25 + k,
        X: 587_000 + k * 40,
        GhiChu: k === 1 ? '' : `ghi ${k}`,
        Loai: 'xoài',
        MaXa: WARD,
        CayTrong: 'Xoài',
      };
      return f;
    };
    const features = [0, 1, 2].map(coded);
    const dry = await run('keyless.geojson', features, true);
    expect(dry.layers[0]!.mapping.source_key).toBeUndefined();
    expect(dry.layers[0]!.keyCandidates).toEqual(['MaHo']);
    const keyed = await fx.run('plots', await fx.file('keyed.geojson', features), fx.admin, { key: 'MaHo' });
    expect(keyed.layers[0]!.mapping.source_key).toBe('MaHo');
    expect(keyed.layers[0]!.keyCandidates).toBeUndefined();
    expect(keyed.counts).toMatchObject({ inserted: 3, refused: 0 });
    expect((await plotsOf('H-')).map((r) => r.source_key)).toEqual(['H-0', 'H-1', 'H-2']);
    // A column the file does not have, or a key for a collection keyed otherwise, is refused before anything is written.
    await expect(fx.run('plots', await fx.file('keyed-2.geojson', features), fx.admin, { key: 'MaThuaa' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('"MaThuaa" names no column of the file'),
    });
    await expect(fx.run('parcels', await fx.file('keyed-3.geojson', features), fx.admin, { key: 'MaHo' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });

  it('the same plot code twice in one file: the repeat is refused by name, nothing of it written; strict writes nothing', async () => {
    const features = [surveyed('MaThua', 'S16-DUP', 0, -0.006), surveyed('MaThua', 'S16-DUP', 0.0008, -0.006)];
    const strict = await fx.run('plots', await fx.file('dup-strict.geojson', features), fx.admin, { strict: true });
    expect(strict.problems).toEqual([
      expect.objectContaining({ index: 2, code: 'DUPLICATE_KEY', severity: 'error', key: { source_key: 'S16-DUP' }, firstIndex: 1 }),
    ]);
    expect(strict.counts).toMatchObject({ refused: 1, inserted: 0 });
    expect(await plotsOf('S16-DUP')).toEqual([]);
    const report = await run('dup.geojson', features);
    expect(report.problems.map((p) => [p.index, p.code])).toEqual([[2, 'DUPLICATE_KEY']]);
    expect(report.counts).toMatchObject({ refused: 1, inserted: 1 });
    const stored = await plotsOf('S16-DUP');
    // The first row is the one kept: the repeat (0.0008° further east) wrote nothing.
    expect(stored).toHaveLength(1);
    expect(stored[0]!.x).toBeCloseTo(origin[0], 6);
  });
});
