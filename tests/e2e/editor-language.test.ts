// Switching the language in the middle of a crosshair drawing: every text of the editor and of the
// tool is worded again in place, and nothing of the work is lost (the corners, the armed "drop
// corners?" question, the tool itself); the plot is then finished and saved as usual.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { en } from '../../web/src/i18n/en.ts';
import { vi } from '../../web/src/i18n/vi.ts';
import { ACCOUNTS, openPage, SCREENSHOTS, gotoSignedIn, type BandoWindow, useServerAndBrowser } from './harness.ts';

type LonLat = [number, number];
type Win = BandoWindow & { __bandoLastSaved?: { id: number }; __bandoEditor?: { snapRings(): unknown[] } };

const WARD = '29869';
const e2e = useServerAndBrowser();

/** Four corners well inside a large parcel of the ward with no plot near it (as the crosshair test picks them). */
async function freeCorners(): Promise<LonLat[]> {
  const { rows } = await e2e.server.db.query<{ lon: number; lat: number; r: number }>(
    `SELECT ST_X(c.center) lon, ST_Y(c.center) lat, c.radius r
       FROM (SELECT p.geom FROM parcels p JOIN admin_units w ON w.code = $1 AND w.valid_to IS NULL AND ST_Within(p.geom, w.geom)
              WHERE NOT EXISTS (SELECT 1 FROM plots x WHERE ST_DWithin(x.geom, p.geom, 0.0005))) s
       CROSS JOIN LATERAL ST_MaximumInscribedCircle(s.geom) c
      ORDER BY c.radius DESC LIMIT 1`,
    [WARD],
  );
  const row = rows[0];
  if (!row || row.r < 0.00016) throw new Error(`no parcel of ward ${WARD} wide enough for the crosshair test`);
  const r = Number(row.r);
  const at = (dx: number, dy: number): LonLat => [Number(row.lon) + dx * r, Number(row.lat) + dy * r];
  return [at(-0.45, -0.45), at(0.5, -0.4), at(0.45, 0.45), at(-0.4, 0.5)];
}

async function panTo(page: Page, at: LonLat): Promise<void> {
  await page.evaluate((center) => (window as unknown as BandoWindow).__bando.map.jumpTo({ center }), at);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

async function addCorner(page: Page, at: LonLat): Promise<void> {
  await panTo(page, at);
  await page.click('#crosshair-add');
}

const text = (page: Page, selector: string) => page.locator(selector).innerText();
const corners = async (page: Page) => Number(await page.getAttribute('#crosshair-count', 'data-corners'));

describe('the editor follows a language switch', () => {
  it('mid-drawing, the toolbar, the crosshair panel and its armed question turn English; the corners stay; the plot is saved', async () => {
    const places = await freeCorners();
    const { page, context, errors } = await openPage(e2e.browser, 'phone');
    const start = places[0]!;
    await gotoSignedIn(
      page,
      `${e2e.server.url}/#c=${start[0].toFixed(6)},${start[1].toFixed(6)},19&l=parcels,plots,roads`,
      ACCOUNTS.officer,
    );
    await page.click('[data-tab=tools]');
    await page.click('#edit-open');
    await page.click('#tool-crosshair');
    await page.waitForSelector('#crosshair');
    await page.waitForFunction(() => ((window as unknown as Win).__bandoEditor?.snapRings().length ?? 0) > 0);

    await addCorner(page, places[0]!);
    await addCorner(page, places[1]!);
    expect(await corners(page)).toBe(2);
    // Huỷ asks first; the question is still open when the language changes.
    await page.click('#crosshair-cancel');
    expect(await text(page, '#crosshair-cancel')).toBe('Bỏ 2 đỉnh?');
    expect(await text(page, '#tool-draw')).toBe(vi.drawPolygon);
    expect(await text(page, '#crosshair-add')).toBe(vi.crosshairAdd);

    await page.click('#lang-toggle');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    expect(await text(page, '#crosshair-cancel')).toBe('Drop 2 corners?');
    expect(await text(page, '#crosshair-add')).toBe(en.crosshairAdd);
    expect(await page.getAttribute('#crosshair-add', 'aria-label')).toBe(en.crosshairAdd);
    expect(await text(page, '#crosshair-finish')).toBe(en.crosshairFinish);
    expect(await text(page, '#crosshair-undo')).toBe(en.undo);
    expect(await text(page, '#crosshair-panel h3')).toBe(en.crosshairTool);
    expect(await text(page, '#crosshair-panel h3 + p')).toBe(en.crosshairHint);
    expect(await text(page, '#crosshair-count')).toMatch(/^2 corners · side [\d.,]+ m$/);
    expect(await text(page, '#tool-draw')).toBe(en.drawPolygon);
    expect(await text(page, '#tool-crosshair')).toBe(en.crosshairTool);
    expect(await text(page, '#tool-done')).toBe(en.finishEditing);
    expect(await page.getAttribute('.editor-toolbar', 'aria-label')).toBe(en.editPlots);
    // The tool and its corners are as they were: still drawing, same two corners, Huỷ still armed.
    expect(await page.isVisible('#crosshair')).toBe(true);
    expect(await corners(page)).toBe(2);
    expect(await page.getAttribute('#tool-crosshair', 'aria-pressed')).toBe('true');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'phone-crosshair-english.png') });
    // Left alone, the question goes back, in English.
    await page.waitForFunction(() => document.querySelector('#crosshair-cancel')?.textContent === 'Cancel', null, { timeout: 6000 });
    expect(await corners(page)).toBe(2);

    // A refusal said now is English too, and is worded again by a switch back and forth.
    await page.click('#crosshair-finish');
    expect(await text(page, '#crosshair-message')).toBe('Only 2 corners so far: a plot needs at least 3 to close.');
    await page.click('#lang-toggle');
    await page.waitForFunction(() => document.documentElement.lang === 'vi');
    expect(await text(page, '#crosshair-message')).toContain('cần ít nhất 3 đỉnh');
    expect(await text(page, '#crosshair-add')).toBe(vi.crosshairAdd);
    await page.click('#lang-toggle');
    await page.waitForFunction(() => document.documentElement.lang === 'en');

    await addCorner(page, places[2]!);
    await addCorner(page, places[3]!);
    expect(await corners(page)).toBe(4);
    await page.waitForSelector('#live-validation[data-valid="true"]');
    expect(await text(page, '#live-validation')).toBe(`✓ ${en.valid}`);
    expect(await text(page, '#live-area')).toMatch(/^Area: [\d,.]+ m² \([\d.]+ ha\)$/);
    const liveArea = Number(await page.getAttribute('#live-area', 'data-m2'));
    await page.screenshot({ path: path.join(SCREENSHOTS, 'phone-crosshair-english-4.png') });

    await page.click('#crosshair-finish');
    await page.waitForSelector('#plot-form');
    expect(await text(page, '#plot-form h2')).toBe(en.plotForm);
    await page.selectOption('#plot-form select[name=crop]', 'mango');
    // The first save never reaches the server (the connection drops): the refusal is an error
    // message the switch words again, as it does the words of the app's own messages.
    let dropped = 0;
    await page.route('**/ogc/collections/plots/items', async (route) => {
      if (route.request().method() !== 'POST' || dropped > 0) return route.fallback();
      dropped++;
      await route.abort('internetdisconnected');
    });
    await page.click('#plot-form-save');
    // A new plot without a farmer is saved only when the officer says so.
    await page.click('#plot-no-farmer-save');
    const refusal = page.locator('.toast-error .toast-text');
    await refusal.waitFor({ state: 'visible' });
    expect(await refusal.textContent()).toBe(
      'Could not save: the server could not be reached; check the connection or try again in a few minutes',
    );
    await page.click('#lang-toggle');
    await page.waitForFunction(() => document.documentElement.lang === 'vi');
    // The browser's own English ('Failed to fetch') is not shown in either language.
    expect(await refusal.textContent()).toBe(
      'Không lưu được: không liên lạc được với máy chủ; kiểm tra kết nối mạng hoặc thử lại sau ít phút',
    );
    await page.click('#lang-toggle');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    expect(await refusal.textContent()).toMatch(/^Could not save: the server could not be reached/);
    await page.locator('.toast-error .toast-close').click();
    expect(dropped).toBe(1);
    // Nothing was lost: the drawing is still there, saved again from its button.
    await page.click('#plot-save');
    await page.waitForSelector('#plot-form');
    await page.selectOption('#plot-form select[name=crop]', 'mango');
    await page.click('#plot-form-save');
    // A new plot without a farmer is saved only when the officer says so.
    await page.click('#plot-no-farmer-save');
    const saved = await page.waitForFunction(() => (window as unknown as Win).__bandoLastSaved?.id, null, { timeout: 30_000 });
    const plotId = Number(await saved.jsonValue());
    const { rows } = await e2e.server.db.query<{ points: string; area: number; crop: string }>(
      `SELECT ST_AsGeoJSON(ST_ExteriorRing(ST_GeometryN(geom, 1))) points, area_m2 area, crop FROM plots WHERE id = $1`,
      [plotId],
    );
    const row = rows[0]!;
    const ring = (JSON.parse(row.points) as { coordinates: LonLat[] }).coordinates;
    // The four corners, the two placed before the switch among them, closed back to the first.
    expect(ring).toHaveLength(5);
    expect(row.crop).toBe('mango');
    for (const place of places) {
      const nearest = Math.min(...ring.map((p) => Math.hypot((p[0] - place[0]) * 109_500, (p[1] - place[1]) * 110_600)));
      expect(nearest).toBeLessThan(0.5);
    }
    expect(Math.abs(liveArea - Number(row.area)) / Number(row.area)).toBeLessThan(0.002);

    // Closed, the editor no longer answers a switch (its texts are gone and nothing of it throws).
    await page.click('#tool-done');
    await page.waitForSelector('.editor-toolbar', { state: 'detached' });
    await page.click('#lang-toggle');
    await page.waitForFunction(() => document.documentElement.lang === 'vi');
    expect(await page.locator('.editor-card').count()).toBe(0);
    // The one failed request is the dropped save's.
    expect(errors).toEqual([expect.stringContaining('ERR_INTERNET_DISCONNECTED @ ' + e2e.server.url + '/ogc/collections/plots/items')]);
    await context.close();
  });
});
