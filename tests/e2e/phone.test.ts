import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACCOUNTS, openPage, paintedPixels, SCREENSHOTS, signIn, waitForMap, type BandoWindow, useServerAndBrowser } from './harness.ts';

const e2e = useServerAndBrowser();

describe('the farmer on a phone', () => {
  it('sees “my plots” with area and status in big targets, and a tap takes the map there', async () => {
    const { page, context, errors } = await openPage(e2e.browser, 'phone');
    await page.goto(`${e2e.server.url}/`);
    await waitForMap(page);
    await signIn(page, ACCOUNTS.farmer);
    // A farmer lands on their plots.
    await page.waitForSelector('.plot-item');
    const items = page.locator('.plot-item');
    const count = await items.count();
    const expected = await e2e.server.db.query<{ n: number }>(
      `SELECT count(*)::int n FROM plots WHERE farmer_id = (SELECT farmer_id FROM users WHERE username = 'farmer')`,
    );
    expect(count).toBe(expected.rows[0]!.n);
    const first = items.first();
    expect(await first.innerText()).toMatch(/m² · [\d,.]+ ha/);
    const box = (await first.boundingBox())!;
    // Touch targets of at least 48 CSS pixels, on a 393-pixel-wide screen.
    expect(box.height).toBeGreaterThanOrEqual(48);
    expect(box.width).toBeGreaterThan(300);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'phone-my-plots.png') });
    await first.click();
    await page.waitForFunction(() => (window as unknown as BandoWindow).__bando.map.getZoom() > 15);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('finds itself with “locate me”', async () => {
    const { page, context, errors } = await openPage(e2e.browser, 'phone');
    const here = (
      await e2e.server.db.query<{ lon: number; lat: number }>(`SELECT ST_X(geom) lon, ST_Y(geom) lat FROM products ORDER BY id LIMIT 1`)
    ).rows[0]!;
    await context.grantPermissions(['geolocation']);
    await context.setGeolocation({ longitude: Number(here.lon), latitude: Number(here.lat), accuracy: 8 });
    await page.goto(`${e2e.server.url}/`);
    await waitForMap(page);
    await page.click('[data-tab=tools]');
    await page.click('#locate-me');
    await page.waitForFunction(
      ([lon, lat]) => {
        const c = (window as unknown as BandoWindow).__bando.map.getCenter();
        return Math.abs(c.lng - lon!) < 0.0005 && Math.abs(c.lat - lat!) < 0.0005;
      },
      [Number(here.lon), Number(here.lat)],
      { timeout: 20_000 },
    );
    expect(errors).toEqual([]);
    await context.close();
  });

  it('keeps the app shell and recently viewed tiles offline (service worker)', async () => {
    const { page, context } = await openPage(e2e.browser, 'phone', { serviceWorkers: 'allow' });
    await page.goto(`${e2e.server.url}/`);
    await waitForMap(page);
    // The worker registers after the first view; once it controls the page, a visit fills its caches.
    await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, null, { timeout: 30_000 });
    await page.reload();
    await waitForMap(page);
    await page.waitForFunction(async () => (await (await caches.open('bando-tiles')).keys()).length > 0, null, { timeout: 30_000 });
    await context.setOffline(true);
    await page.reload();
    await waitForMap(page);
    const rendered = await page.evaluate(() => (window as unknown as BandoWindow).__bando.map.queryRenderedFeatures().length);
    const pixels = await paintedPixels(page);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'phone-offline.png') });
    expect(rendered).toBeGreaterThan(0);
    expect(pixels.painted / pixels.total).toBeGreaterThan(0.05);
    expect(await page.locator('.brand strong').innerText()).toBe('Bản đồ số Cao Lãnh');
    await context.setOffline(false);
    await context.close();
  });
});

describe('printing the current view', () => {
  it('gives a 200 dpi A4 PNG and a one-page A4 PDF with the map, legend, scale bar and north arrow', async () => {
    const { page, context, errors } = await openPage(e2e.browser, 'desktop');
    await page.goto(`${e2e.server.url}/`);
    await waitForMap(page);
    await page.click('[data-tab=tools]');
    await page.click('#print-open');
    await page.fill('#print-dialog input[name=title]', 'Bản đồ thử nghiệm Phường Cao Lãnh');

    const [png] = await Promise.all([page.waitForEvent('download', { timeout: 90_000 }), page.click('#print-png')]);
    const pngPath = path.join(SCREENSHOTS, 'print.png');
    await png.saveAs(pngPath);
    const pngBytes = fs.readFileSync(pngPath);
    expect(pngBytes.subarray(1, 4).toString()).toBe('PNG');
    // IHDR: width and height, big-endian, at bytes 16–23. A4 landscape at 200 dpi is 2339 × 1654.
    expect(pngBytes.readUInt32BE(16)).toBe(2339);
    expect(pngBytes.readUInt32BE(20)).toBe(1654);

    const [pdf] = await Promise.all([page.waitForEvent('download', { timeout: 90_000 }), page.click('#print-pdf')]);
    const pdfPath = path.join(SCREENSHOTS, 'print.pdf');
    await pdf.saveAs(pdfPath);
    const text = fs.readFileSync(pdfPath).toString('latin1');
    expect(text.startsWith('%PDF-1.4')).toBe(true);
    expect(text).toContain('/MediaBox [0 0 841.89 595.28]');
    expect(text).toContain('/Width 2339 /Height 1654');
    expect(text.trimEnd().endsWith('%%EOF')).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });
});
