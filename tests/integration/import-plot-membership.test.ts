import { beforeAll, describe, expect, it } from 'vitest';
import type { ImportReport } from '../../server/contracts/import.ts';
import type { ImportOptions } from '../../server/io/import.ts';
import { openForFile } from '../helpers/for-file.ts';
import { shapefileZip, tempDir, type ShpFeature } from '../fixtures/io/builders.ts';
import type { DbfColumn } from '../../server/io/formats/dbf.ts';
import { insertGrowingArea } from '../helpers/growing-area-row.ts';
import { insidePoint, openImportFixture, plotIdsByKey, plotSquare, plotsAndAreas, viewerOf } from '../helpers/import-fixture.ts';

// A survey file has no growing-area column, so an import never puts a plot into an area. A
// re-import can still change the crop of a stored plot of a draft growing area, which the registry
// refuses (one area, one crop): such rows are refused one by one (PLOT_CROP_MISMATCH) and written
// nowhere; the rest of the file goes in.

const WARD = '29869';
const fx = openForFile(openImportFixture);
let origin: [number, number];

beforeAll(async () => {
  const [x, y] = await insidePoint(fx.db, WARD);
  origin = [x, y + 0.002];
});

type Row = { key: string; k: number; crop: string; variety?: string };

/** Plots keyed MB-…, the k-th a square of 0.0002° east of a point inside the ward. */
const plots = (rows: Row[]) => rows.map((row) => plotSquare(origin, { ...row, commune: WARD }));
const file = (name: string, rows: Row[]) => fx.file(name, plots(rows));

function run(target: string, options: Partial<ImportOptions> = {}) {
  return fx.run('plots', target, fx.admin, options);
}

function area(status: string): Promise<number> {
  return insertGrowingArea(fx.db, {
    code: status === 'draft' ? null : `VN-MB-IMPORT-${status}`,
    name: `Vùng nhập ${status}`,
    crop: 'mango',
    status,
    commune: WARD,
  });
}

const state = (keys: string[]) => plotsAndAreas(fx.db, keys);

async function cropOf(key: string): Promise<string> {
  const { rows } = await fx.db.query<{ crop: string }>('SELECT crop FROM plots WHERE source_key = $1', [key]);
  return rows[0]!.crop;
}

describe('re-importing plots of a draft growing area', () => {
  const ids: Record<string, number> = {};
  let draft: number;
  const first: Row[] = [
    { key: 'MB-MEMBER', k: 0, crop: 'mango' },
    { key: 'MB-MEMBER2', k: 1, crop: 'mango' },
    { key: 'MB-REVOKED', k: 2, crop: 'mango' },
    { key: 'MB-FREE', k: 3, crop: 'mango' },
  ];

  beforeAll(async () => {
    await fx.store('plots', 'first.geojson', plots(first));
    Object.assign(ids, await plotIdsByKey(fx.db, 'MB-%'));
    draft = await area('draft');
    const revoked = await area('revoked');
    // The registry's attach, as officers do it.
    await fx.db.query('UPDATE plots SET growing_area_id = $1 WHERE id = ANY($2::bigint[])', [draft, [ids['MB-MEMBER'], ids['MB-MEMBER2']]]);
    await fx.db.query('UPDATE plots SET growing_area_id = $1 WHERE id = $2', [revoked, ids['MB-REVOKED']]);
  });

  it('refuses, row by row, a crop that is not the area’s, and writes the other rows', async () => {
    const before = await state(['MB-MEMBER']);
    const report = await run(
      await file('rice.geojson', [
        { key: 'MB-MEMBER', k: 0, crop: 'rice' },
        { key: 'MB-MEMBER2', k: 1, crop: 'mango', variety: 'Hòa Lộc' },
        { key: 'MB-REVOKED', k: 2, crop: 'rice' },
        { key: 'MB-FREE', k: 3, crop: 'rice' },
      ]),
    );
    expect(report.counts).toMatchObject({ read: 4, valid: 3, refused: 1, updated: 3 });
    expect(report.problemCounts.PLOT_CROP_MISMATCH).toBe(1);
    const problem = report.problems.find((p) => p.code === 'PLOT_CROP_MISMATCH')!;
    expect(problem).toMatchObject({ index: 1, severity: 'error' });
    expect(problem.message).toContain(`plot ${ids['MB-MEMBER']} to rice`);
    expect(problem.message).toContain(`draft growing area ${draft}, which grows mango`);
    const after = await state(['MB-MEMBER']);
    expect(after.plots).toBe(before.plots);
    expect(after.areas).toBe(before.areas);
    // A member keeping the area's crop, a plot of a revoked area and a free plot are written.
    expect(await cropOf('MB-FREE')).toBe('rice');
    expect(await cropOf('MB-REVOKED')).toBe('rice');
    const { rows } = await fx.db.query<{ variety: string }>('SELECT variety FROM plots WHERE id = $1', [ids['MB-MEMBER2']]);
    expect(rows[0]!.variety).toBe('Hòa Lộc');
  });

  it('in strict mode, a dry run and a bulk import alike, such a row means nothing of it is written', async () => {
    const target = await file('again.geojson', [
      { key: 'MB-MEMBER', k: 0, crop: 'vegetable' },
      { key: 'MB-FREE', k: 3, crop: 'vegetable' },
    ]);
    const before = await state(['MB-MEMBER', 'MB-FREE']);
    for (const options of [{ strict: true }, { dryRun: true }, { strict: true, bulkThreshold: 1 }]) {
      const report = await run(target, options);
      expect(report.problemCounts.PLOT_CROP_MISMATCH, JSON.stringify(options)).toBe(1);
      expect(report.committed).toBe(false);
      expect(await state(['MB-MEMBER', 'MB-FREE'])).toEqual(before);
    }
    const bulk = await run(target, { bulkThreshold: 1 });
    expect(bulk.counts).toMatchObject({ refused: 1, updated: 1 });
    expect(await cropOf('MB-MEMBER')).toBe('mango');
    expect(await cropOf('MB-FREE')).toBe('vegetable');
  });

  it('takes the new crop once the plot is out of the area', async () => {
    await fx.db.query('UPDATE plots SET growing_area_id = NULL, version = version + 1 WHERE id = $1', [ids['MB-MEMBER']]);
    const report = await run(await file('out.geojson', [{ key: 'MB-MEMBER', k: 0, crop: 'rice' }]));
    expect(report.counts).toMatchObject({ refused: 0, updated: 1 });
    expect(await cropOf('MB-MEMBER')).toBe('rice');
  });
});

// A surveyor's plot file names each plot's household head (ChuHo, with CCCD and SDT beside it): the
// import links the plot to that farmer (by citizen ID, else phone, else the one farmer of the name in
// the plot's commune), registers the farmers it does not know by name, and says of every row it
// cannot link why, never guessing between two farmers of one name and never repeating an ID or phone.
describe('an imported plot gets the farmer its row names', () => {
  const OTHER = '29884';
  let at: [number, number];
  const farmers: Record<string, number> = {};

  async function farmer(name: string, commune: string, cid: string | null = null, phone: string | null = null): Promise<number> {
    const { rows } = await fx.db.query<{ id: number }>(
      `INSERT INTO farmers (lookup_code, commune_code) VALUES ('ND-T' || substr(md5(random()::text), 1, 8), $1) RETURNING id`,
      [commune],
    );
    const id = Number(rows[0]!.id);
    await fx.db.query('INSERT INTO farmer_private (farmer_id, full_name, citizen_id, phone) VALUES ($1, $2, $3, $4)', [
      id,
      name,
      cid,
      phone,
    ]);
    return id;
  }

  beforeAll(async () => {
    // Sixteen squares in a row on free ground inside the ward, near its inside point.
    const [x, y] = await insidePoint(fx.db, WARD);
    const { rows } = await fx.db.query<{ dx: number; dy: number }>(
      `SELECT dx, dy FROM unnest(ARRAY[0, -0.007, 0.007, -0.014, 0.014]) dx, unnest(ARRAY[-0.003, -0.006, 0.004, -0.009, 0.008]) dy,
         LATERAL ST_MakeEnvelope($1 + dx, $2 + dy, $1 + dx + 0.0068, $2 + dy + 0.0003, 4326) box
       WHERE NOT EXISTS (SELECT 1 FROM plots p WHERE p.geom && ST_Expand(box, 0.0005))
         AND EXISTS (SELECT 1 FROM admin_units u WHERE u.code = $3 AND u.valid_to IS NULL AND ST_Covers(u.geom, box))
       LIMIT 1`,
      [x, y, WARD],
    );
    expect(rows).toHaveLength(1);
    at = [x + Number(rows[0]!.dx), y + Number(rows[0]!.dy)];
    farmers.tu = await farmer('Nguyễn Văn Tư', WARD, '087123456789', '0909 111 222');
    farmers.hai1 = await farmer('Trần Thị Hai', WARD);
    farmers.hai2 = await farmer('Trần  Thị Hai', WARD);
    farmers.nam = await farmer('Lê Văn Năm', WARD);
    // A namesake with another citizen ID is someone else than a row with its own.
    farmers.namOther = await farmer('Lê Văn Năm', WARD, '087555555555');
    farmers.sau = await farmer('Phạm Văn Sáu', OTHER, '087999888777');
  });

  type Cells = { ChuHo?: unknown; CCCD?: unknown; SDT?: unknown };
  const row = (key: string, k: number, cells: Cells) => {
    const f = plotSquare(at, { key, commune: WARD, k });
    f.properties = { ...f.properties, ...cells };
    return f;
  };
  const LONG = 'Nguyễn '.repeat(715);
  const rows = (prefix: string) => [
    row(`${prefix}-1`, 0, { ChuHo: 'Nguyễn Văn Tư', CCCD: '087 123 456 789' }),
    row(`${prefix}-2`, 1, { ChuHo: 'Ng. V. Tư', SDT: '+84 909.111.222' }),
    row(`${prefix}-3`, 2, { ChuHo: 'TRẦN THỊ HAI' }),
    // Two farmers of this name; the other's citizen ID is not the row's, so the row's is the one without.
    row(`${prefix}-4`, 3, { ChuHo: 'le van nam', CCCD: '087 111 111 111' }),
    row(`${prefix}-5`, 4, { ChuHo: 'Võ Văn Mới', CCCD: '087000000001' }),
    row(`${prefix}-6`, 5, { ChuHo: 'Võ Văn Mới', CCCD: '087.000.000.001' }),
    row(`${prefix}-7`, 6, { ChuHo: 'Đặng Văn Bảy' }),
    row(`${prefix}-8`, 7, { ChuHo: 'Hồ Văn Tám', CCCD: '08712345678A' }),
    row(`${prefix}-9`, 8, { ChuHo: LONG }),
    row(`${prefix}-10`, 9, { ChuHo: '', CCCD: null, SDT: '  ' }),
    row(`${prefix}-11`, 10, { ChuHo: 'Phạm Văn Sáu', CCCD: '087999888777' }),
    row(`${prefix}-12`, 11, { ChuHo: 'Lý 🙂' }),
    // The same two households again, by name alone and with a phone: the farmers rows 5 and 7 register.
    row(`${prefix}-13`, 12, { ChuHo: 'vo van moi' }),
    row(`${prefix}-14`, 13, { ChuHo: 'Đặng Văn Bảy', SDT: '0912 345 678' }),
  ];
  const farmerOf = async (key: string) =>
    (await fx.db.query<{ farmer_id: number | null }>('SELECT farmer_id FROM plots WHERE source_key = $1', [key])).rows[0]?.farmer_id ??
    null;
  const farmerCount = async () => (await fx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM farmers')).rows[0]!.n;
  const reasons = (report: { problems: Array<{ code: string; index: number }> }) =>
    report.problems.filter((p) => p.code === 'FARMER_NOT_LINKED').map((p) => [p.index, (p as { reason?: string }).reason]);

  it('a dry run tells what would become of each farmer link and writes no plot and no farmer', async () => {
    const officer = await viewerOf(fx.db, 'officer', 'officer', [WARD]);
    const before = await farmerCount();
    const dry = await fx.run('plots', await fx.file('chuho-dry.geojson', rows('CH-DRY')), officer, { dryRun: true });
    expect(dry.counts).toMatchObject({ read: 14, valid: 14, refused: 0, inserted: 14 });
    expect(dry.farmers).toEqual({ matched: 3, created: 2, createdRows: 5, ambiguous: 1, unlinked: 5 });
    expect(reasons(dry)).toEqual([
      [3, 'ambiguous'],
      [8, 'bad-citizen-id'],
      [9, 'bad-name'],
      [10, 'no-farmer'],
      [11, 'citizen-id-elsewhere'],
      [12, 'bad-name'],
    ]);
    expect(dry.problems.find((p) => p.index === 3)).toMatchObject({ severity: 'warning', matches: 2 });
    expect(dry.problems.find((p) => p.index === 9)).toMatchObject({ rule: 'too-long' });
    expect(dry.problems.find((p) => p.index === 12)).toMatchObject({ rule: 'name-pictograph' });
    expect(dry.layers[0]!.mapping).toMatchObject({ farmer_name: 'ChuHo', farmer_citizen_id: 'CCCD', farmer_phone: 'SDT' });
    // Nothing personal goes back: no citizen ID, phone or name of a farmer.
    const text = JSON.stringify(dry);
    for (const secret of ['087123456789', '087 123', '909', '087999888777', 'Võ Văn', 'Trần', '08712345678A'])
      expect(text).not.toContain(secret);
    expect(await farmerCount()).toBe(before);
    expect(await farmerOf('CH-DRY-1')).toBeNull();
  });

  it('the import links matched plots, registers one farmer per new household, and leaves the rest without a farmer', async () => {
    const before = await farmerCount();
    const report = await fx.run('plots', await fx.file('chuho.geojson', rows('CH')), fx.admin);
    expect(report.counts).toMatchObject({ inserted: 14, refused: 0 });
    // The administrator may link the plot to a farmer of another commune by the citizen ID.
    expect(report.farmers).toEqual({ matched: 4, created: 2, createdRows: 5, ambiguous: 1, unlinked: 4 });
    expect(await farmerOf('CH-1')).toBe(farmers.tu);
    expect(await farmerOf('CH-2')).toBe(farmers.tu);
    expect(await farmerOf('CH-3')).toBeNull();
    expect(await farmerOf('CH-4')).toBe(farmers.nam);
    expect(await farmerOf('CH-11')).toBe(farmers.sau);
    for (const key of ['CH-8', 'CH-9', 'CH-10', 'CH-12']) expect(await farmerOf(key)).toBeNull();
    const moi = await farmerOf('CH-5');
    expect(moi).not.toBeNull();
    expect(await farmerOf('CH-6')).toBe(moi);
    expect(await farmerOf('CH-13')).toBe(moi);
    expect(await farmerOf('CH-14')).toBe(await farmerOf('CH-7'));
    expect(await farmerCount()).toBe(before + 2);
    const { rows: made } = await fx.db.query<{ full_name: string; citizen_id: string | null; phone: string | null; commune_code: string }>(
      `SELECT fp.full_name, fp.citizen_id, fp.phone, f.commune_code FROM farmers f JOIN farmer_private fp ON fp.farmer_id = f.id
       WHERE f.id IN (SELECT farmer_id FROM plots WHERE source_key IN ('CH-5', 'CH-7')) ORDER BY f.id`,
    );
    expect(made).toEqual([
      { full_name: 'Võ Văn Mới', citizen_id: '087000000001', phone: null, commune_code: WARD },
      { full_name: 'Đặng Văn Bảy', citizen_id: null, phone: '0912345678', commune_code: WARD },
    ]);
  });

  it('importing the file again registers nobody twice and keeps every plot’s farmer', async () => {
    const before = await farmerCount();
    await fx.db.query('UPDATE plots SET farmer_id = $1 WHERE source_key = $2', [farmers.hai1, 'CH-7']);
    const report = await fx.run('plots', await fx.file('chuho-again.geojson', rows('CH')), fx.admin);
    expect(report.counts).toMatchObject({ inserted: 0, updated: 0, unchanged: 14 });
    expect(report.farmers).toMatchObject({ created: 0, createdRows: 0, matched: 8 });
    expect(reasons(report)).toContainEqual([7, 'plot-has-farmer']);
    expect(await farmerOf('CH-7')).toBe(farmers.hai1);
    expect(await farmerCount()).toBe(before);
  });

  it('a plot whose farmer is one of two namesakes the row names keeps it without a word', async () => {
    await fx.db.query('UPDATE plots SET farmer_id = $1 WHERE source_key = $2', [farmers.hai2, 'CH-3']);
    const report = await fx.run('plots', await fx.file('chuho-namesake.geojson', [rows('CH')[2]!]), fx.admin);
    expect(report.counts).toMatchObject({ unchanged: 1, refused: 0 });
    expect(report.farmers).toEqual({ matched: 1, created: 0, createdRows: 0, ambiguous: 0, unlinked: 0 });
    expect(report.problems).toEqual([]);
    expect(await farmerOf('CH-3')).toBe(farmers.hai2);
  });

  it('a stored plot without a farmer gets the one its row names: an update', async () => {
    await fx.db.query('UPDATE plots SET farmer_id = NULL WHERE source_key = $1', ['CH-4']);
    const report = await fx.run('plots', await fx.file('chuho-link.geojson', [rows('CH')[3]!]), fx.admin);
    expect(report.counts).toMatchObject({ updated: 1, unchanged: 0 });
    expect(await farmerOf('CH-4')).toBe(farmers.nam);
  });

  it('a refused import writes no farmer either (strict: one bad row, nothing)', async () => {
    const before = await farmerCount();
    const bad = row('CH-STRICT-2', 15, { ChuHo: 'Mai Văn Chín' });
    bad.properties = { ...bad.properties, crop: 'not-a-crop' };
    const report = await fx.run(
      'plots',
      await fx.file('chuho-strict.geojson', [row('CH-STRICT-1', 14, { ChuHo: 'Mai Văn Mười' }), bad]),
      fx.admin,
      { strict: true },
    );
    expect(report.counts).toMatchObject({ refused: 1, inserted: 0 });
    expect(await farmerCount()).toBe(before);
    expect(await farmerOf('CH-STRICT-1')).toBeNull();
  });

  it('a new farmer gets the hamlet (Ấp) and address (Dia_chi) of its rows, trimmed and capped; a registered one keeps its own', async () => {
    await fx.db.query(`UPDATE farmers SET hamlet = 'Ấp Cũ' WHERE id = $1`, [farmers.tu]);
    await fx.db.query(`UPDATE farmer_private SET address = 'Địa chỉ cũ' WHERE farmer_id = $1`, [farmers.tu]);
    // A row of free ground just south of the other rows.
    const south = (key: string, k: number, cells: Record<string, unknown>) => {
      const f = plotSquare([at[0], at[1] - 0.00045], { key, commune: WARD, k });
      f.properties = { ...f.properties, ...cells };
      return f;
    };
    const LONG_ADDRESS = 'đ'.repeat(300);
    const features = (prefix: string) => [
      south(`${prefix}-1`, 0, { ChuHo: 'Huỳnh Văn Một', Ấp: '  Ấp Tân Hậu  ', Dia_chi: ' 12 đường Nguyễn Huệ ' }),
      // The same household: its farmer keeps the first row's hamlet.
      south(`${prefix}-2`, 1, { ChuHo: 'Huỳnh Văn Một', Ấp: 'Ấp Khác' }),
      // A registered farmer: matched, its hamlet and address are not written over.
      south(`${prefix}-3`, 2, { ChuHo: 'Nguyễn Văn Tư', CCCD: '087123456789', Ấp: 'Ấp Mới', Dia_chi: 'Địa chỉ mới' }),
      south(`${prefix}-4`, 3, { ChuHo: 'Cao Văn Dài', Ấp: 'A'.repeat(101) }),
      south(`${prefix}-5`, 4, { ChuHo: 'Cao Văn Nul', Dia_chi: 'số 5\u0000; DROP TABLE farmers' }),
      south(`${prefix}-6`, 5, { ChuHo: 'Tô Văn Rỗng', Ấp: '   ', Dia_chi: '' }),
      south(`${prefix}-7`, 6, { ChuHo: 'Lâm Văn Bảy', Ấp: 7, Dia_chi: ` ${LONG_ADDRESS}\n` }),
    ];
    const before = await farmerCount();
    const dry = await fx.run('plots', await fx.file('ap-dry.geojson', features('AP-DRY')), fx.admin, { dryRun: true });
    expect(dry.layers[0]!.mapping).toMatchObject({ farmer_hamlet: 'Ấp', farmer_address: 'Dia_chi' });
    expect(dry.counts).toMatchObject({ read: 7, valid: 7, refused: 0, inserted: 7, warnings: 2 });
    // A hamlet too long, an address with a NUL: the cell is left out, not the farmer.
    expect(dry.farmers).toEqual({
      matched: 1,
      created: 5,
      createdRows: 6,
      ambiguous: 0,
      unlinked: 0,
      createdWithHamlet: 2,
      createdWithAddress: 2,
    });
    expect(dry.problems).toEqual([
      expect.objectContaining({
        index: 4,
        code: 'FARMER_CELL_LEFT_OUT',
        column: 'farmer_hamlet',
        field: 'Ấp',
        rule: 'too-long',
        maxLength: 100,
      }),
      expect.objectContaining({ index: 5, code: 'FARMER_CELL_LEFT_OUT', column: 'farmer_address', field: 'Dia_chi', rule: 'nul' }),
    ]);
    // Counts only: no hamlet or address goes back.
    const text = JSON.stringify(dry);
    for (const secret of ['Tân Hậu', 'Nguyễn Huệ', 'Ấp Mới', 'Địa chỉ mới', 'DROP TABLE', 'AAAA', 'đđđ'])
      expect(text).not.toContain(secret);
    expect(await farmerCount()).toBe(before);

    const report = await fx.run('plots', await fx.file('ap.geojson', features('AP')), fx.admin);
    expect(report.farmers).toMatchObject({ created: 5, createdWithHamlet: 2, createdWithAddress: 2, unlinked: 0 });
    expect(await farmerCount()).toBe(before + 5);
    const { rows: made } = await fx.db.query<{ key: string; hamlet: string | null; address: string | null; n: number }>(
      `SELECT p.source_key AS key, f.hamlet, fp.address FROM plots p JOIN farmers f ON f.id = p.farmer_id
         JOIN farmer_private fp ON fp.farmer_id = f.id WHERE p.source_key LIKE 'AP-%' ORDER BY p.source_key`,
    );
    expect(made).toEqual([
      { key: 'AP-1', hamlet: 'Ấp Tân Hậu', address: '12 đường Nguyễn Huệ' },
      { key: 'AP-2', hamlet: 'Ấp Tân Hậu', address: '12 đường Nguyễn Huệ' },
      { key: 'AP-3', hamlet: 'Ấp Cũ', address: 'Địa chỉ cũ' },
      { key: 'AP-4', hamlet: null, address: null },
      { key: 'AP-5', hamlet: null, address: null },
      { key: 'AP-6', hamlet: null, address: null },
      { key: 'AP-7', hamlet: '7', address: LONG_ADDRESS },
    ]);
    // The other spellings of the columns.
    const other = south('AP-SPELL', 7, { HoTen: 'Mai Văn Tên', TenAp: 'Ấp 1', DiaChiThuongTru: 'Tổ 3' });
    const spelled = await fx.run('plots', await fx.file('ap-spell.geojson', [other]), fx.admin, { dryRun: true });
    expect(spelled.layers[0]!.mapping).toMatchObject({ farmer_name: 'HoTen', farmer_hamlet: 'TenAp', farmer_address: 'DiaChiThuongTru' });
    expect(spelled.farmers).toMatchObject({ created: 1, createdWithHamlet: 1, createdWithAddress: 1 });
    const thon = south('AP-THON', 7, { ChuHo: 'Mai Văn Tên', ThonAp: 'Ấp 2' });
    const byThon = await fx.run('plots', await fx.file('ap-thon.geojson', [thon]), fx.admin, { dryRun: true });
    expect(byThon.layers[0]!.mapping).toMatchObject({ farmer_hamlet: 'ThonAp' });
    expect(byThon.farmers).toEqual({ matched: 0, created: 1, createdRows: 1, ambiguous: 0, unlinked: 0, createdWithHamlet: 1 });
    // An address column alone (a plot file naming no household head) links no farmer and warns nobody.
    const addressOnly = south('AP-ADDR', 7, { DiaChi: 'Tổ 4' });
    const plain = await fx.run('plots', await fx.file('ap-address.geojson', [addressOnly]), fx.admin, { dryRun: true });
    expect(plain.farmers).toBeUndefined();
    expect(plain.problems).toEqual([]);
  });

  it('a bad hamlet or address cell is left out with a warning naming the row, the column and why; the plot keeps its farmer', async () => {
    const tu = (
      await fx.db.query<{ hamlet: string | null; address: string | null }>(
        'SELECT f.hamlet, fp.address FROM farmers f JOIN farmer_private fp ON fp.farmer_id = f.id WHERE f.id = $1',
        [farmers.tu],
      )
    ).rows[0]!;
    const south = (key: string, k: number, cells: Record<string, unknown>) => {
      const f = plotSquare([at[0], at[1] - 0.00045], { key, commune: WARD, k });
      f.properties = { ...f.properties, ...cells };
      return f;
    };
    const features = (prefix: string) => [
      // A bell in the hamlet; line breaks and a tab in the address are spaces.
      south(`${prefix}-1`, 8, { ChuHo: 'Kiều Văn Một', Ap: 'Ấp\u0007 Chuông', DiaChi: 'Tổ 1\r\nẤp 2\tkhóm' }),
      // A number is the hamlet's text; true is no address.
      south(`${prefix}-2`, 9, { ChuHo: 'Kiều Văn Hai', Ap: 12, DiaChi: true }),
      // An object and a list (GeoJSON allows them): no text.
      south(`${prefix}-3`, 10, { ChuHo: 'Kiều Văn Ba', Ap: { ten: 'Ấp Ba' }, DiaChi: ['Tổ 3', 'Ấp 3'] }),
      // Empty cells: nothing to say.
      south(`${prefix}-4`, 11, { ChuHo: 'Kiều Văn Bốn', Ap: '', DiaChi: '   ' }),
      // Too long; a C1 control (CSI) in the address.
      south(`${prefix}-5`, 12, { ChuHo: 'Kiều Văn Năm', Ap: `Ấp ${'x'.repeat(200)}`, DiaChi: 'Tổ 5\u009b2J' }),
      // A name that is no text names no one: that row alone comes without a farmer, and says why.
      south(`${prefix}-6`, 13, { ChuHo: true, Ap: 'Ấp Sáu' }),
      // A registered farmer, by citizen ID, with an escape sequence for a hamlet: linked, its own hamlet kept.
      south(`${prefix}-7`, 14, { ChuHo: 'Nguyễn Văn Tư', CCCD: '087123456789', Ap: '\u001b[31mẤp Đỏ' }),
      // Row 1's household again: its farmer takes this row's hamlet, row 1's being left out.
      south(`${prefix}-8`, 15, { ChuHo: 'Kiều Văn Một', Ap: 'Ấp Tám' }),
    ];
    const expected = [
      [1, 'farmer_hamlet', 'Ap', 'control'],
      [2, 'farmer_address', 'DiaChi', 'not-text'],
      [3, 'farmer_hamlet', 'Ap', 'not-text'],
      [3, 'farmer_address', 'DiaChi', 'not-text'],
      [5, 'farmer_hamlet', 'Ap', 'too-long'],
      [5, 'farmer_address', 'DiaChi', 'control'],
      [7, 'farmer_hamlet', 'Ap', 'control'],
    ];
    const leftOut = (r: ImportReport) =>
      r.problems.filter((p) => p.code === 'FARMER_CELL_LEFT_OUT').map((p) => [p.index, p.column, p.field, p.rule]);
    const before = await farmerCount();
    const dry = await fx.run('plots', await fx.file('cells-dry.geojson', features('CELL-DRY')), fx.admin, { dryRun: true });
    expect(dry.counts).toMatchObject({ read: 8, valid: 8, refused: 0, inserted: 8 });
    expect(leftOut(dry)).toEqual(expected);
    expect(dry.problems.every((p) => p.severity === 'warning')).toBe(true);
    expect(dry.problems.find((p) => p.index === 5 && p.code === 'FARMER_CELL_LEFT_OUT')).toMatchObject({ maxLength: 100 });
    expect(dry.problems.find((p) => p.index === 1)!.message).toBe(
      "the household head's hamlet (field Ap) is left out: it holds a control character; the plot and its farmer are imported without it (fix it in the registry)",
    );
    expect(reasons(dry)).toEqual([[6, 'bad-name']]);
    expect(dry.problems.find((p) => p.code === 'FARMER_NOT_LINKED')).toMatchObject({ rule: 'not-text' });
    expect(dry.problemCounts).toEqual({ FARMER_CELL_LEFT_OUT: 7, FARMER_NOT_LINKED: 1 });
    expect(dry.farmers).toEqual({
      matched: 1,
      created: 5,
      createdRows: 6,
      ambiguous: 0,
      unlinked: 1,
      createdWithHamlet: 2,
      createdWithAddress: 1,
    });
    // The cells themselves never come back.
    const text = JSON.stringify(dry);
    for (const secret of ['Chuông', 'khóm', 'Ấp Ba', 'Tổ 3', 'xxxx', 'Tổ 5', 'Ấp Đỏ', 'Ấp Tám', 'Kiều']) expect(text).not.toContain(secret);
    expect(await farmerCount()).toBe(before);

    const report = await fx.run('plots', await fx.file('cells.geojson', features('CELL')), fx.admin);
    expect(report.counts).toMatchObject({ inserted: 8, refused: 0 });
    expect(leftOut(report)).toEqual(expected);
    expect(await farmerCount()).toBe(before + 5);
    const { rows: made } = await fx.db.query<{ key: string; name: string; hamlet: string | null; address: string | null }>(
      `SELECT p.source_key AS key, fp.full_name AS name, f.hamlet, fp.address FROM plots p JOIN farmers f ON f.id = p.farmer_id
         JOIN farmer_private fp ON fp.farmer_id = f.id WHERE p.source_key LIKE 'CELL-%' AND p.source_key NOT LIKE 'CELL-DRY%'
         ORDER BY p.source_key`,
    );
    expect(made).toEqual([
      { key: 'CELL-1', name: 'Kiều Văn Một', hamlet: 'Ấp Tám', address: 'Tổ 1 Ấp 2 khóm' },
      { key: 'CELL-2', name: 'Kiều Văn Hai', hamlet: '12', address: null },
      { key: 'CELL-3', name: 'Kiều Văn Ba', hamlet: null, address: null },
      { key: 'CELL-4', name: 'Kiều Văn Bốn', hamlet: null, address: null },
      { key: 'CELL-5', name: 'Kiều Văn Năm', hamlet: null, address: null },
      { key: 'CELL-7', name: 'Nguyễn Văn Tư', ...tu },
      { key: 'CELL-8', name: 'Kiều Văn Một', hamlet: 'Ấp Tám', address: 'Tổ 1 Ấp 2 khóm' },
    ]);
    expect(await farmerOf('CELL-6')).toBeNull();
    expect(await farmerOf('CELL-7')).toBe(farmers.tu);
    // No control character reached the registry.
    const { rows: dirty } = await fx.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM farmers f JOIN farmer_private fp ON fp.farmer_id = f.id
         WHERE f.hamlet ~ '[[:cntrl:]]' OR fp.address ~ '[[:cntrl:]]'`,
    );
    expect(dirty[0]!.n).toBe(0);
  });

  it('from a shapefile as from GeoJSON: a numeric Ấp column is its text, a control character or an over-long hamlet is left out, the farmer registered', async () => {
    const tmp = await tempDir();
    try {
      const columns: DbfColumn[] = [
        { name: 'source_key', type: 'C', length: 20, decimals: 0 },
        { name: 'commune', type: 'C', length: 5, decimals: 0 },
        { name: 'crop', type: 'C', length: 10, decimals: 0 },
        { name: 'ChuHo', type: 'C', length: 60, decimals: 0 },
        { name: 'TenAp', type: 'C', length: 254, decimals: 0 },
        { name: 'SoAp', type: 'N', length: 4, decimals: 0 },
      ];
      // SoAp is not a farmer column: the hamlet is TenAp; the numeric one is read below with a mapping.
      const row = (key: string, k: number, name: string, hamlet: string, no: number): ShpFeature => ({
        geometry: plotSquare([at[0], at[1] + 0.0006], { key, commune: WARD, k }).geometry,
        values: [key, WARD, 'mango', name, hamlet, no],
      });
      const zip = await shapefileZip(tmp.dir, 'thua_ap', 'polygon', columns, [
        row('SHP-1', 0, 'Đinh Văn Một', `Ấp ${'y'.repeat(150)}`, 1),
        row('SHP-2', 1, 'Đinh Văn Hai', 'Ấp\u0001 Hai', 2),
        row('SHP-3', 2, 'Đinh Văn Ba', 'Ấp Ba', 3),
      ]);
      const report = await fx.run('plots', zip, fx.admin);
      expect(report.format).toBe('shapefile');
      expect(report.layers[0]!.mapping).toMatchObject({ farmer_name: 'ChuHo', farmer_hamlet: 'TenAp' });
      expect(report.counts).toMatchObject({ read: 3, inserted: 3, refused: 0 });
      expect(report.farmers).toMatchObject({ created: 3, createdRows: 3, unlinked: 0, createdWithHamlet: 1 });
      expect(report.problems.map((p) => [p.index, p.code, 'field' in p ? p.field : null, 'rule' in p ? p.rule : null])).toEqual([
        [1, 'FARMER_CELL_LEFT_OUT', 'TenAp', 'too-long'],
        [2, 'FARMER_CELL_LEFT_OUT', 'TenAp', 'control'],
      ]);
      const hamlets = async (prefix: string) =>
        (
          await fx.db.query<{ key: string; hamlet: string | null }>(
            `SELECT p.source_key AS key, f.hamlet FROM plots p JOIN farmers f ON f.id = p.farmer_id WHERE p.source_key LIKE $1 ORDER BY 1`,
            [`${prefix}-%`],
          )
        ).rows;
      expect(await hamlets('SHP')).toEqual([
        { key: 'SHP-1', hamlet: null },
        { key: 'SHP-2', hamlet: null },
        { key: 'SHP-3', hamlet: 'Ấp Ba' },
      ]);
      // The numeric column mapped as the hamlet: numbers, written as they are.
      const numeric = await shapefileZip(tmp.dir, 'thua_so_ap', 'polygon', columns, [
        { ...row('SHPN-1', 3, 'Đinh Văn Bốn', '', 4), values: ['SHPN-1', WARD, 'mango', 'Đinh Văn Bốn', '', 4] },
      ]);
      const byNumber = await fx.run('plots', numeric, fx.admin, { mapping: { farmer_hamlet: 'SoAp' } });
      expect(byNumber.problems).toEqual([]);
      expect(await hamlets('SHPN')).toEqual([{ key: 'SHPN-1', hamlet: '4' }]);
    } finally {
      await tmp.remove();
    }
  });

  it('a CCCD or phone a DBF kept as a number gets its leading 0 back, with a notice naming the row and the column; a true/false variety is left out', async () => {
    const tmp = await tempDir();
    try {
      const columns: DbfColumn[] = [
        { name: 'source_key', type: 'C', length: 20, decimals: 0 },
        { name: 'commune', type: 'C', length: 5, decimals: 0 },
        { name: 'crop', type: 'C', length: 10, decimals: 0 },
        { name: 'Giong', type: 'L', length: 1, decimals: 0 },
        { name: 'ChuHo', type: 'C', length: 60, decimals: 0 },
        { name: 'CCCD', type: 'N', length: 12, decimals: 0 },
        { name: 'SDT', type: 'N', length: 10, decimals: 0 },
      ];
      const row = (
        key: string,
        k: number,
        variety: boolean | null,
        name: string,
        cid: number | null,
        phone: number | null,
      ): ShpFeature => ({
        geometry: plotSquare([at[0], at[1] + 0.0006], { key, commune: WARD, k }).geometry,
        values: [key, WARD, 'mango', variety, name, cid, phone],
      });
      const features = (prefix: string) => [
        // Nguyễn Văn Tư's CCCD 087123456789, kept as the number 87123456789: linked by it.
        row(`${prefix}-1`, 5, true, 'Nguyễn Văn Tư', 87123456789, null),
        // His phone 0909 111 222 as 909111222, under another spelling of his name: linked by the phone.
        row(`${prefix}-2`, 6, null, 'Ng. V. Tư', null, 909111222),
        // A household the registry does not know: registered with its ID and phone, zeros back.
        row(`${prefix}-3`, 7, false, 'Mai Văn Mười', 87246813579, 387654321),
        // Province code 097 does not exist: no 0 is put back and the row names no one, as before.
        row(`${prefix}-4`, 8, null, 'Mai Văn Mười Một', 97123456789, null),
      ];
      const told = (r: ImportReport) =>
        r.problems
          .map((p) => [p.index, p.code, 'column' in p ? p.column : null, 'field' in p ? p.field : null, p.severity])
          .sort((a, b) => Number(a[0]) - Number(b[0]) || String(a[1]).localeCompare(String(b[1])));
      const expected = [
        [1, 'LEADING_ZERO_RESTORED', 'farmer_citizen_id', 'CCCD', 'warning'],
        [1, 'VALUE_LEFT_OUT', 'variety', 'Giong', 'warning'],
        [2, 'LEADING_ZERO_RESTORED', 'farmer_phone', 'SDT', 'warning'],
        [3, 'LEADING_ZERO_RESTORED', 'farmer_citizen_id', 'CCCD', 'warning'],
        [3, 'LEADING_ZERO_RESTORED', 'farmer_phone', 'SDT', 'warning'],
        [3, 'VALUE_LEFT_OUT', 'variety', 'Giong', 'warning'],
        [4, 'FARMER_NOT_LINKED', null, null, 'warning'],
      ];
      const before = await farmerCount();
      const dry = await fx.run('plots', await shapefileZip(tmp.dir, 'thua_so', 'polygon', columns, features('ZR-DRY')), fx.admin, {
        dryRun: true,
      });
      expect(dry.layers[0]!.mapping).toMatchObject({ variety: 'Giong', farmer_citizen_id: 'CCCD', farmer_phone: 'SDT' });
      expect(dry.counts).toMatchObject({ read: 4, valid: 4, refused: 0, inserted: 4 });
      expect(told(dry)).toEqual(expected);
      expect(dry.problems.find((p) => p.code === 'VALUE_LEFT_OUT')).toMatchObject({ rule: 'not-text', kind: 'boolean' });
      expect(reasons(dry)).toEqual([[4, 'bad-citizen-id']]);
      expect(dry.farmers).toMatchObject({ matched: 2, created: 1, createdRows: 1, unlinked: 1 });
      expect(await farmerCount()).toBe(before);

      const report = await fx.run('plots', await shapefileZip(tmp.dir, 'thua_so', 'polygon', columns, features('ZR')), fx.admin);
      expect(report.counts).toMatchObject({ read: 4, inserted: 4, refused: 0 });
      expect(told(report)).toEqual(expected);
      expect(report.problemCounts).toEqual({ LEADING_ZERO_RESTORED: 4, VALUE_LEFT_OUT: 2, FARMER_NOT_LINKED: 1 });
      expect(report.problems.find((p) => p.index === 2)!.message).toBe(
        "the household head's phone (field SDT) was a number without its leading 0; the 0 is put back",
      );
      // Neither the number nor the ID comes back in the report.
      const text = JSON.stringify(report);
      for (const secret of ['87123456789', '909111222', '87246813579', '387654321', '97123456789']) expect(text).not.toContain(secret);
      expect(await farmerCount()).toBe(before + 1);
      expect(await farmerOf('ZR-1')).toBe(farmers.tu);
      expect(await farmerOf('ZR-2')).toBe(farmers.tu);
      expect(await farmerOf('ZR-4')).toBeNull();
      const { rows: made } = await fx.db.query<{ name: string; cid: string; phone: string; variety: string | null }>(
        `SELECT fp.full_name AS name, fp.citizen_id AS cid, fp.phone, p.variety FROM plots p
           JOIN farmer_private fp ON fp.farmer_id = p.farmer_id WHERE p.source_key = 'ZR-3'`,
      );
      expect(made).toEqual([{ name: 'Mai Văn Mười', cid: '087246813579', phone: '0387654321', variety: null }]);
      const { rows: varieties } = await fx.db.query<{ key: string; variety: string | null }>(
        `SELECT source_key AS key, variety FROM plots WHERE source_key LIKE 'ZR-%' ORDER BY 1`,
      );
      expect(varieties.map((r) => r.variety)).toEqual([null, null, null, null]);
    } finally {
      await tmp.remove();
    }
  });

  it('text is never altered: an ID or phone written as text stays as written; a variety that is an object or a list is left out, a key that is one refuses its row', async () => {
    const f = (key: unknown, k: number, cells: Record<string, unknown>) => {
      const feature = plotSquare([at[0], at[1] + 0.0006], { key: 'x', commune: WARD, k });
      feature.properties = { ...feature.properties, source_key: key, ...cells };
      return feature;
    };
    const features = (prefix: string) => [
      // The same 11 digits as text: the officer's writing, not a number that lost its 0.
      f(`${prefix}-1`, 11, { ChuHo: 'Nguyễn Văn Tư', CCCD: '87123456789', variety: { ten: 'OM 5451' } }),
      f(`${prefix}-2`, 12, { SDT: '909111222', variety: ['OM', '5451'] }),
      f(`${prefix}-3`, 13, { ChuHo: 'Nguyễn Văn Tư', CCCD: '087123456789', variety: 'Đài Thơm 8' }),
      f({ ma: `${prefix}-4` }, 14, { ChuHo: 'Nguyễn Văn Tư', variety: 'Đài Thơm 8' }),
    ];
    const report = await fx.run('plots', await fx.file('text-cells.geojson', features('TX')), fx.admin);
    expect(report.counts).toMatchObject({ read: 4, inserted: 3, refused: 1 });
    expect(report.problems.some((p) => p.code === 'LEADING_ZERO_RESTORED')).toBe(false);
    expect(report.problems.filter((p) => p.code === 'VALUE_LEFT_OUT')).toEqual([
      expect.objectContaining({ index: 1, column: 'variety', field: 'variety', rule: 'not-text', kind: 'object', severity: 'warning' }),
      expect.objectContaining({ index: 2, column: 'variety', field: 'variety', rule: 'not-text', kind: 'list', severity: 'warning' }),
    ]);
    expect(report.problems.find((p) => p.code === 'BAD_VALUE')).toMatchObject({
      index: 4,
      column: 'source_key',
      field: 'source_key',
      rule: 'not-text',
      value: 'object',
      severity: 'error',
    });
    expect(reasons(report)).toEqual([
      [1, 'bad-citizen-id'],
      // 909111222 as text is kept as written: no farmer holds that phone, and the row has no name.
      [2, 'no-name'],
    ]);
    const text = JSON.stringify(report);
    expect(text).not.toContain('[object Object]');
    expect(text).not.toContain('OM 5451');
    const { rows } = await fx.db.query<{ key: string; variety: string | null; farmer: number | null }>(
      `SELECT source_key AS key, variety, farmer_id AS farmer FROM plots
         WHERE source_key LIKE 'TX-%' OR source_key LIKE '[object%' OR variety LIKE '%[object%' ORDER BY 1`,
    );
    expect(rows.map((r) => ({ ...r, farmer: r.farmer === null ? null : Number(r.farmer) }))).toEqual([
      { key: 'TX-1', variety: null, farmer: null },
      { key: 'TX-2', variety: null, farmer: null },
      { key: 'TX-3', variety: 'Đài Thơm 8', farmer: farmers.tu },
    ]);
  });
});
