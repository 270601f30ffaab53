// The officer checks a VN-2000 shapefile whose plot boundary crosses itself: the import screen says
// so in Vietnamese, where (latitude, longitude and the file's own X/Y) and what to do, not GEOS's English.
import path from 'node:path';
import type { Geometry } from 'geojson';
import { describe, expect, it } from 'vitest';
import type { DbfColumn } from '../../server/io/formats/dbf.ts';
import { project, shapefileZip, useTempDir } from '../fixtures/io/builders.ts';
import { insidePoint } from '../helpers/import-fixture.ts';
import { ACCOUNTS, openPage, SCREENSHOTS, gotoSignedIn, useServerAndBrowser } from './harness.ts';

const e2e = useServerAndBrowser();
const tmp = useTempDir();

const COLUMNS: DbfColumn[] = [
  { name: 'Ma', type: 'C', length: 20, decimals: 0 },
  { name: 'MaXa', type: 'C', length: 5, decimals: 0 },
  { name: 'CayTrong', type: 'C', length: 30, decimals: 0 },
];

describe('an invalid boundary on the import screen', () => {
  it('a bow-tie plot is told as a boundary crossing itself, at a place the officer can find, with the fix', async () => {
    const [x, y] = await insidePoint(e2e.server.db, '29869');
    const d = 0.0002;
    const bowtie: Geometry = {
      type: 'Polygon',
      coordinates: [
        [
          [x, y],
          [x + d, y + d],
          [x + d, y],
          [x, y + d],
          [x, y],
        ],
      ],
    };
    const zip = await shapefileZip(
      tmp.dir,
      'thua_no',
      'polygon',
      COLUMNS,
      [{ geometry: project(bowtie, 'EPSG:5897'), values: ['E2E-BOWTIE', '29869', 'Xoài'] }],
      { crs: 'EPSG:5897', encoding: 'utf-8', cpg: 'UTF-8' },
    );
    const { page, context, errors } = await openPage(e2e.browser, 'desktop');
    await gotoSignedIn(page, e2e.server.url, ACCOUNTS.officer);
    await page.click('[data-tab=tools], #tab-tools');
    await page.waitForSelector('#import-panel');
    await page.setInputFiles('#import-file', zip);
    await page.waitForSelector('#import-drop.has-file');
    await page.click('#import-check');
    await page.waitForSelector('#import-problems li', { timeout: 30_000 });
    const problems = await page.locator('#import-problems li').allTextContents();
    expect(problems).toHaveLength(1);
    const text = problems[0]!;
    expect(text).toMatch(
      /^Đối tượng 1 Lỗi ranh tại 10\.\d{6}, 105\.\d{6} \(\d+\.\d{2}; \d+\.\d{2} theo toạ độ của tệp\): ranh tự cắt nhau, hai cạnh bắt chéo \(hình nơ\)\. Sửa lại trong phần mềm đo đạc/,
    );
    // The place is the crossing, in the middle of the bow tie.
    const [, lat, lon] = /tại ([\d.]+), ([\d.]+)/.exec(text)!;
    expect(Number(lon)).toBeCloseTo(x + d / 2, 5);
    expect(Number(lat)).toBeCloseTo(y + d / 2, 5);
    expect(text).not.toMatch(/Self-intersection/);
    await page.locator('#import-problems').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'import-bowtie-desktop.png') });
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('cells a spreadsheet or DBF kept as numbers, on the import screen', () => {
  it('a CCCD and a phone that lost their leading 0, and a true/false variety, are told by row and column, never the number', async () => {
    const [x, y] = await insidePoint(e2e.server.db, '29869');
    const d = 0.0002;
    const square = (k: number): Geometry => {
      const x0 = x + 0.003 + k * 2 * d;
      const y0 = y - 0.003;
      return {
        type: 'Polygon',
        coordinates: [
          [
            [x0, y0],
            [x0 + d, y0],
            [x0 + d, y0 + d],
            [x0, y0 + d],
            [x0, y0],
          ],
        ],
      };
    };
    const columns: DbfColumn[] = [
      { name: 'Ma', type: 'C', length: 20, decimals: 0 },
      { name: 'MaXa', type: 'C', length: 5, decimals: 0 },
      { name: 'CayTrong', type: 'C', length: 30, decimals: 0 },
      { name: 'Giong', type: 'L', length: 1, decimals: 0 },
      { name: 'ChuHo', type: 'C', length: 60, decimals: 0 },
      { name: 'CCCD', type: 'N', length: 12, decimals: 0 },
      { name: 'SDT', type: 'N', length: 10, decimals: 0 },
    ];
    const zip = await shapefileZip(tmp.dir, 'thua_so', 'polygon', columns, [
      // 087246813579 and 0387654321 as the numbers a spreadsheet keeps.
      { geometry: square(0), values: ['E2E-ZERO-1', '29869', 'Xoài', true, 'Mai Văn Mười', 87246813579, 387654321] },
    ]);
    const { page, context, errors } = await openPage(e2e.browser, 'desktop');
    await gotoSignedIn(page, e2e.server.url, ACCOUNTS.officer);
    await page.click('[data-tab=tools], #tab-tools');
    await page.waitForSelector('#import-panel');
    await page.setInputFiles('#import-file', zip);
    await page.waitForSelector('#import-drop.has-file');
    await page.click('#import-check');
    await page.waitForSelector('#import-problems li', { timeout: 30_000 });
    const problems = await page.locator('#import-problems li').allTextContents();
    expect(problems).toEqual([
      expect.stringMatching(
        /^Đối tượng 1 .*Bỏ qua ô Giống \(cột Giong\): giá trị đúng\/sai, không phải chữ\. Dòng vẫn được nhập, không kèm ô này\.$/,
      ),
      expect.stringMatching(/^Đối tượng 1 .*Ô CCCD của chủ hộ \(cột CCCD\) được lưu dạng số nên mất số 0 ở đầu; đã thêm lại số 0\./),
      expect.stringMatching(
        /^Đối tượng 1 .*Ô Số điện thoại của chủ hộ \(cột SDT\) được lưu dạng số nên mất số 0 ở đầu; đã thêm lại số 0\./,
      ),
    ]);
    const panel = await page.locator('#import-panel').innerText();
    for (const secret of ['87246813579', '387654321', 'object Object']) expect(panel).not.toContain(secret);
    await page.locator('#import-problems').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'import-leading-zero-desktop.png') });
    expect(errors).toEqual([]);
    await context.close();
  });
});
