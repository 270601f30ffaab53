// "Tải dữ liệu về" in the Tools tab: a guest downloads the parcels in the map's view as a VN-2000
// shapefile (old Đồng Tháp zone) and gets exactly the parcels of that view, in that system, under the
// server's file name; a view with nothing in it downloads nothing and says so; production plots are
// offered only once signed in. Checked on the downloaded file itself.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as shapefile from 'shapefile';
import { describe, expect, it } from 'vitest';
import { extractZip } from '../../server/io/zip.ts';
import { DEFAULT_READ_LIMITS } from '../../server/io/types.ts';
import { ACCOUNTS, openPage, SCREENSHOTS, gotoSignedIn, useServerAndBrowser, waitForMap, type BandoWindow } from './harness.ts';

const e2e = useServerAndBrowser();

describe('downloading a layer from the Tools tab', () => {
  it('a guest downloads the parcels in view as a VN-2000 shapefile: every parcel of the view, in EPSG:5897', async () => {
    const { rows } = await e2e.server.db.query<{ lon: number; lat: number }>(
      'SELECT ST_X(c) AS lon, ST_Y(c) AS lat FROM (SELECT ST_PointOnSurface(geom) AS c FROM parcels ORDER BY id LIMIT 1) s',
    );
    const at = rows[0]!;
    const { page, context, errors } = await openPage(e2e.browser, 'desktop');
    await page.goto(`${e2e.server.url}/#c=${Number(at.lon).toFixed(6)},${Number(at.lat).toFixed(6)},17`);
    await waitForMap(page);
    await page.click('[data-tab=tools], #tab-tools');
    await page.waitForSelector('#export-panel');
    await page.click('#export-panel summary');
    // A guest is offered the public layers; production plots wait for a sign-in.
    expect(await page.locator('#export-layer option').allTextContents()).toEqual([
      'Thửa đất',
      'Sử dụng đất',
      'Quy hoạch phân khu',
      'Sản phẩm nông nghiệp',
    ]);
    expect(await page.textContent('#export-crs-hint')).toContain('WGS 84');
    await page.selectOption('#export-format', 'shapefile');
    await page.selectOption('#export-crs', 'EPSG:5897');
    const view = await page.evaluate(() => {
      const b = (window as unknown as BandoWindow).__bando.map.getBounds();
      return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => Number(v.toFixed(6)));
    });
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-go')]);
    await page.waitForSelector('#export-status:has-text("Đã tải")');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bando-export-'));
    try {
      const zip = path.join(dir, 'download.zip');
      await download.saveAs(zip);
      expect(download.suggestedFilename()).toMatch(/\.zip$/);
      const names = await extractZip(zip, dir, DEFAULT_READ_LIMITS);
      const shp = names.find((n) => n.endsWith('.shp'))!;
      const prj = fs.readFileSync(
        path.join(
          dir,
          names.find((n) => n.endsWith('.prj'))!,
        ),
        'utf8',
      );
      expect(prj).toMatch(/VN[-_ ]?2000/i);
      expect(prj).toMatch(/Central_Meridian",105(\.0+)?\]/);
      const source = await shapefile.open(path.join(dir, shp));
      let count = 0;
      let easting = 0;
      for (let r = await source.read(); !r.done; r = await source.read()) {
        count++;
        easting = (r.value.geometry as { coordinates: number[][][] }).coordinates[0]![0]![0]!;
      }
      // Exactly the parcels the view's box meets, as the database counts them.
      const expected = (
        await e2e.server.db.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM parcels WHERE geom && ST_MakeEnvelope($1, $2, $3, $4, 4326)',
          view,
        )
      ).rows[0]!.n;
      expect(expected).toBeGreaterThan(0);
      expect(count).toBe(expected);
      // Metres of a 3° zone with false easting 500 km, not degrees.
      expect(easting).toBeGreaterThan(400_000);
      expect(easting).toBeLessThan(700_000);
      const status = await page.textContent('#export-status');
      expect(status).toContain(`${download.suggestedFilename()}: ${count.toLocaleString('vi-VN')} đối tượng`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    await page.screenshot({ path: path.join(SCREENSHOTS, 'export-panel-done.png') });

    // The form is worded again in English and keeps the choices.
    await page.click('#lang-toggle');
    await page.waitForSelector('#export-panel summary:has-text("Download data")');
    expect(await page.inputValue('#export-format')).toBe('shapefile');
    expect(await page.inputValue('#export-crs')).toBe('EPSG:5897');
    expect(await page.textContent('#export-status')).toMatch(/^Downloaded .+\.zip: [\d,]+ features?, /);

    // Far out at sea there is nothing to download: said, and no file.
    await page.evaluate(() => (window as unknown as BandoWindow).__bando.map.jumpTo({ center: [109.5, 8.5], zoom: 17 }));
    let downloaded = false;
    page.on('download', () => (downloaded = true));
    await page.click('#export-go');
    await page.waitForSelector('#export-status:has-text("nothing in the chosen extent")');
    expect(downloaded).toBe(false);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('offers production plots to a signed-in officer', async () => {
    const { page, context } = await openPage(e2e.browser, 'desktop');
    await gotoSignedIn(page, e2e.server.url, ACCOUNTS.officer);
    await page.click('[data-tab=tools], #tab-tools');
    await page.waitForSelector('#export-panel');
    await page.click('#export-panel summary');
    expect(await page.locator('#export-layer option').allTextContents()).toContain('Thửa sản xuất');
    await context.close();
  });
});
