import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { vi } from '../../web/src/i18n/vi.ts';
import {
  ACCOUNTS,
  mapPixels,
  openPage,
  paintedPixels,
  SCREENSHOTS,
  signIn,
  waitForMap,
  type BandoWindow,
  useServerAndBrowser,
} from './harness.ts';

const e2e = useServerAndBrowser();

/** Map pixels in the outline colour of a farmer's own plots (#c2185b). */
async function outlinePixels(page: Page): Promise<number> {
  return (await mapPixels(page, [0xc2, 0x18, 0x5b], 40, true)).count;
}

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
    // The total says what it counts.
    expect(await page.locator('.my-plots-list .summary').innerText()).toMatch(new RegExp(`^${count} thửa · tổng [\\d,]+ ha$`));
    // The search box's hint fits a 360 px phone's box whole (the long one was cut mid-word).
    await page.setViewportSize({ width: 360, height: 760 });
    const hint = await page.evaluate(() => {
      const input = document.querySelector<HTMLInputElement>('#search-input')!;
      const style = getComputedStyle(input);
      const context = document.createElement('canvas').getContext('2d')!;
      context.font = `${style.fontSize} ${style.fontFamily}`;
      const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      return { text: input.placeholder, width: context.measureText(input.placeholder).width, room };
    });
    expect(hint.text).toBe(vi.searchPlaceholderShort);
    expect(hint.width).toBeLessThanOrEqual(hint.room);
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

  it('sees their plots outlined on the map, fitted above the bottom sheet, and not after signing out', async () => {
    const { page, context, errors } = await openPage(e2e.browser, 'phone');
    await page.goto(`${e2e.server.url}/`);
    await waitForMap(page);
    const before = await outlinePixels(page);
    // The greeting shows for 4 s; signing in waits for the farmer's tiles, longer than that on a
    // loaded machine. So the page notes, frame by frame while it shows, where it and the sheet are.
    await page.evaluate(() => {
      const w = window as unknown as { greeting?: { bottom: number; sheetTop: number } };
      const watch = () => {
        const toast = document.querySelector('.toast');
        const panel = document.querySelector('#panel');
        if (toast && panel) w.greeting = { bottom: toast.getBoundingClientRect().bottom, sheetTop: panel.getBoundingClientRect().top };
        if (!w.greeting || toast) requestAnimationFrame(watch);
      };
      requestAnimationFrame(watch);
    });
    await signIn(page, ACCOUNTS.farmer);
    // The greeting stands above the sheet, not over the list the farmer is about to read.
    const greeting = await page.evaluate(() => (window as unknown as { greeting?: { bottom: number; sheetTop: number } }).greeting);
    expect(greeting).toBeDefined();
    expect(greeting!.bottom).toBeLessThanOrEqual(greeting!.sheetTop);
    await page.waitForSelector('.plot-item');
    await waitForMap(page);
    const { rows } = await e2e.server.db.query<{ w: number; s: number; e: number; n: number }>(
      `SELECT ST_XMin(b) w, ST_YMin(b) s, ST_XMax(b) e, ST_YMax(b) n FROM (SELECT ST_Extent(geom) b FROM plots
         WHERE farmer_id = (SELECT farmer_id FROM users WHERE username = 'farmer')) x`,
    );
    const box = rows[0]!;
    const fit = await page.evaluate(
      (b) => {
        const [w, s, e, n] = b as [number, number, number, number];
        const map = (window as unknown as BandoWindow).__bando.map;
        const rect = map.getContainer().getBoundingClientRect();
        const nw = map.project([w, n]);
        const se = map.project([e, s]);
        return {
          left: rect.left + nw.x,
          top: rect.top + nw.y,
          right: rect.left + se.x,
          bottom: rect.top + se.y,
          map: { left: rect.left, top: rect.top, right: rect.right },
          sheetTop: document.getElementById('panel')!.getBoundingClientRect().top,
          outlined: new Set(map.queryRenderedFeatures({ layers: ['my-plots-line'] }).map((f) => f.id)).size,
        };
      },
      [box.w, box.s, box.e, box.n],
    );
    // Every plot is in view, and none hides under the "my plots" sheet.
    expect(fit.left).toBeGreaterThanOrEqual(fit.map.left);
    expect(fit.right).toBeLessThanOrEqual(fit.map.right);
    expect(fit.top).toBeGreaterThanOrEqual(fit.map.top);
    expect(fit.bottom).toBeLessThanOrEqual(fit.sheetTop);
    expect(fit.outlined).toBe(await page.locator('.plot-item').count());
    const after = await outlinePixels(page);
    expect(after).toBeGreaterThan(before + 200);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'phone-my-plots-outlined.png') });
    await page.click('#sign-out');
    await page.waitForSelector('#sign-in');
    await page.waitForFunction(() => !(window as unknown as BandoWindow).__bando.map.getLayer('my-plots-line'));
    expect(await outlinePixels(page)).toBeLessThanOrEqual(before + 20);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('is told in words that a card code names no farmer or a password is wrong, and a wrong card shows no one’s plots', async () => {
    const { rows } = await e2e.server.db.query<{ code: string; n: number }>(
      `SELECT f.lookup_code AS code, count(p.id)::int AS n FROM farmers f JOIN plots p ON p.farmer_id = f.id
        GROUP BY f.id ORDER BY count(p.id) DESC, f.id LIMIT 1`,
    );
    const farmer = rows[0]!;
    const { page, context, errors } = await openPage(e2e.browser, 'phone');
    await page.goto(`${e2e.server.url}/`);
    await waitForMap(page);
    await page.click('[data-tab=mine]');
    // Whatever of the outline's magenta the map itself draws here, before any plots are outlined.
    const before = await outlinePixels(page);
    await page.fill('.card-form input', farmer.code);
    await page.click('.card-form button[type=submit]');
    await page.waitForSelector('.plot-item');
    expect(await page.locator('.plot-item').count()).toBe(farmer.n);
    await expect.poll(() => outlinePixels(page)).toBeGreaterThan(before + 100);

    // A mistyped code: the sentence says so, and the last farmer's plots are no longer outlined.
    await page.fill('.card-form input', 'XX-NOPE-0000');
    await page.click('.card-form button[type=submit]');
    const hint = page.locator('.my-plots-list .hint');
    await expect.poll(() => hint.textContent()).toBe(vi.cardCodeUnknown.replace('{code}', 'XX-NOPE-0000'));
    expect(await page.locator('.plot-item').count()).toBe(0);
    await expect.poll(() => page.evaluate(() => Boolean((window as unknown as BandoWindow).__bando.map.getSource('my-plots')))).toBe(false);

    await page.click('#sign-in');
    await page.fill('#sign-in-dialog input[name=username]', ACCOUNTS.farmer.username);
    await page.fill('#sign-in-dialog input[name=password]', 'not-the-password');
    await page.click('#sign-in-dialog button[type=submit]');
    await expect.poll(() => page.locator('#sign-in-dialog .form-error').textContent()).toBe(vi.signInWrong);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'phone-wrong-password.png') });
    // The two refusals the test asked for are the only failed requests.
    const expected = [`/api/farmer-cards/XX-NOPE-0000/plots`, `/api/auth/login`];
    expect(errors.filter((e) => !(/40[14]/.test(e) && expected.some((url) => e.endsWith(url))))).toEqual([]);
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
