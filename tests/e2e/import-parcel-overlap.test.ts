// The officer checks a file of cadastral parcels in which one parcel lies over a stored parcel (the
// same land under another sheet number): the check's report warns of it, naming the stored parcel by
// its sheet and number (tờ/thửa) and the m², in Vietnamese and in English, and writes nothing.
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../fixtures/io/builders.ts';
import { openPage, SCREENSHOTS, useServerAndBrowser } from './harness.ts';
import { openImport } from './import-fixtures.ts';

const e2e = useServerAndBrowser();
const tmp = useTempDir();

describe('a parcel over a stored parcel on the import screen', () => {
  it('the check warns of it with the stored parcel’s sheet, number and m², in both languages, and writes nothing', async () => {
    const db = e2e.server.db;
    const { rows } = await db.query<{ sheet: number; parcel_no: number; g: string; m2: number }>(
      `SELECT sheet, parcel_no, ST_AsGeoJSON(geom)::text AS g, ST_Area(geom::geography) AS m2 FROM parcels
        WHERE commune_code = '29869' ORDER BY sheet, parcel_no LIMIT 1`,
    );
    const stored = rows[0]!;
    const sheet = stored.sheet + 700;
    // The stored parcel's land again, under a sheet number no parcel of the ward has, and a parcel beside nothing.
    const file = path.join(tmp.dir, 'thua_do_lai.geojson');
    await fs.writeFile(
      file,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            properties: { MaXa: '29869', SoTo: sheet, SoThua: stored.parcel_no, LoaiDat: 'CLN' },
            geometry: JSON.parse(stored.g),
          },
        ],
      }),
    );
    const count = async () =>
      (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM parcels WHERE commune_code = '29869' AND sheet = $1`, [sheet]))
        .rows[0]!.n;
    expect(await count()).toBe(0);

    const { page, context, errors } = await openPage(e2e.browser, 'desktop');
    await openImport(page, e2e.server);
    await page.selectOption('#import-collection', 'parcels');
    expect(await page.inputValue('#import-commune')).toBe('29869');
    await page.setInputFiles('#import-file', file);
    await page.waitForSelector('#import-drop.has-file');
    await page.click('#import-check');
    await page.waitForSelector('#import-counts[data-dry-run=true]', { timeout: 30_000 });
    expect(await page.locator('#import-counts li').allTextContents()).toEqual([
      'Tệp có 1 đối tượng.',
      'Sẽ thêm mới: 1',
      'Sẽ cập nhật: 0',
      'Sẽ bị từ chối: 0',
      'Cảnh báo: 1',
    ]);
    expect(await page.locator('#import-tally li').allTextContents()).toEqual(['Chồng lấn thửa đất khác: 1']);
    const warning = page.locator('#import-problems li');
    expect(await warning.count()).toBe(1);
    expect(await warning.getAttribute('class')).toBe('is-warning');
    const text = (await warning.textContent())!;
    // The whole stored parcel lies under it: its m² as the server rounds it, in Vietnamese digits.
    const m2 = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 }).format(Math.round(stored.m2 * 10) / 10);
    expect(text).toBe(
      // Named as parcels are everywhere, with the commune of its survey (Phường 1, merged in 2025).
      `Đối tượng 1 Chồng lấn Tờ ${stored.sheet} thửa ${stored.parcel_no}, Phường 1 cũ (${m2} m²), mỗi chỗ hơn 1 m²: ` +
        'hai thửa đất trên cùng một mảnh đất (đo đạc lại, hoặc đã nhập với số tờ/thửa khác). Vẫn được nhập: hãy kiểm tra.',
    );
    await page.locator('#import-problems').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'import-parcel-overlap-desktop.png') });

    await page.click('#lang-toggle');
    await page.waitForSelector('#import-tally li:has-text("Overlaps another parcel: 1")');
    expect(await page.locator('#import-counts li').last().textContent()).toBe('Warnings: 1');
    expect(await warning.textContent()).toMatch(
      new RegExp(
        `^Feature 1 Overlaps Sheet ${stored.sheet} parcel ${stored.parcel_no}, former Phường 1 \\([\\d,.]+ m²\\), each by more than 1 m²: two parcels on one piece of land`,
      ),
    );
    expect(await count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});
