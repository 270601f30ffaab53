// The officer starts a long import (thousands of parcels), then presses "Huỷ" beside the progress bar:
// no question is asked, the import stops, the screen says plainly that nothing was written, and
// nothing of the file is in the database or drawn on the map.
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../fixtures/io/builders.ts';
import { insidePoint } from '../helpers/import-fixture.ts';
import { openPage, SCREENSHOTS, useServerAndBrowser } from './harness.ts';
import { openImport } from './import-fixtures.ts';

const e2e = useServerAndBrowser();
const tmp = useTempDir();

/** Sheets 851–866 of ward 29869: `n` parcels of 10 m, 80 to a row, from a point inside one of its hamlets. */
async function bigParcelFile(n: number): Promise<string> {
  const [x0, y0] = await insidePoint(e2e.server.db, '29869-03');
  const features = Array.from({ length: n }, (_, i) => {
    const [x, y] = [x0 + (i % 80) * 0.0001, y0 + Math.floor(i / 80) * 0.0001];
    const ring = [
      [x, y],
      [x + 0.00009, y],
      [x + 0.00009, y + 0.00009],
      [x, y + 0.00009],
      [x, y],
    ];
    return {
      type: 'Feature',
      properties: { MaXa: '29869', SoTo: 851 + Math.floor(i / 1000), SoThua: (i % 1000) + 1, LoaiDat: 'LUC' },
      geometry: { type: 'Polygon', coordinates: [ring] },
    };
  });
  const file = path.join(tmp.dir, 'to_851_866.geojson');
  await fs.writeFile(file, JSON.stringify({ type: 'FeatureCollection', features }));
  return file;
}

describe('cancelling an import from the import screen', () => {
  it('“Huỷ” beside the progress bar stops the running import at once; the screen says nothing was written, and nothing was', async () => {
    const db = e2e.server.db;
    const file = await bigParcelFile(16000);
    const written = async () =>
      (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM parcels WHERE commune_code = '29869' AND sheet > 850`)).rows[0]!.n;
    expect(await written()).toBe(0);

    const { page, context, errors } = await openPage(e2e.browser, 'desktop');
    const deletes: { token: boolean; cookie: boolean; status: number }[] = [];
    page.on('response', (response) => {
      const request = response.request();
      if (request.method() !== 'DELETE') return;
      const headers = request.headers();
      deletes.push({ token: Boolean(headers['x-import-cancel-token']), cookie: Boolean(headers.cookie), status: response.status() });
    });
    page.on('dialog', (dialog) => void dialog.dismiss().then(() => errors.push(`unexpected dialog: ${dialog.message()}`)));
    await openImport(page, e2e.server);
    await page.selectOption('#import-collection', 'parcels');
    await page.setInputFiles('#import-file', file);
    await page.waitForSelector('#import-drop.has-file');
    expect(await page.locator('#import-cancel').count()).toBe(0);
    await page.click('#import-run');

    // Beside the bar once the server has taken the job.
    const cancel = page.locator('.import-progress #import-cancel');
    await cancel.waitFor({ timeout: 60_000 });
    expect(await cancel.textContent()).toBe('Huỷ');
    expect(await cancel.getAttribute('aria-label')).toBe('Huỷ lần nhập đang chạy');
    // Pressed at once: the import of 16000 parcels is running (on the embedded database, inside its transaction).
    await cancel.click();
    // Best effort (the import may already have stopped): the bar, the greyed button and 'Đang huỷ lần nhập…'.
    await page.screenshot({ path: path.join(SCREENSHOTS, 'import-cancel-pressed-desktop.png') });

    await page.waitForSelector('#import-refusal', { timeout: 60_000 });
    expect(await page.textContent('#import-refusal strong')).toBe('Lần nhập đã bị huỷ.');
    expect(await page.textContent('#import-refusal p')).toBe('Không có gì được ghi. Bấm “Nhập” lại khi sẵn sàng.');
    expect(await page.locator('#import-cancel').count()).toBe(0);
    expect(await page.locator('#import-counts').count()).toBe(0);
    expect(await page.isEnabled('#import-run')).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'import-cancel-done-desktop.png') });

    // One DELETE, with the job's token and no cookie (no query needed to stop it), taken by the server.
    expect(deletes).toEqual([{ token: true, cookie: false, status: 202 }]);
    const { rows } = await db.query<{ status: string; code: string; asked: boolean }>(
      `SELECT status, error->>'code' AS code, cancel_requested_at IS NOT NULL AS asked FROM import_jobs ORDER BY created_at DESC LIMIT 1`,
    );
    expect(rows[0]).toEqual({ status: 'failed', code: 'ABORTED', asked: true });
    expect(await written()).toBe(0);
    // Nothing was drawn: no toast of parcels imported (the map redraws only what an import wrote).
    expect(await page.locator('.toast:has-text("Đã nhập")').count()).toBe(0);

    await page.click('#lang-toggle');
    await page.waitForSelector('#import-refusal strong:has-text("The import was cancelled.")');
    expect(await page.textContent('#import-refusal p')).toBe('Nothing was written. Press “Import” again when ready.');
    expect(errors).toEqual([]);
    await context.close();
  });
});
