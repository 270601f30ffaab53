// A planner's search box: a zoning lot by its code flies to the lot and opens its card; labels follow
// the language; a parcel number that is not there says what was read and what is missing.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openPage, SCREENSHOTS, useServerAndBrowser, waitForMap, type BandoWindow } from './harness.ts';

const env = useServerAndBrowser();

type Lot = { id: number; lot_code: string; function: string; plan_name: string; lon: number; lat: number };

/** Lot ODT-53 of the sample plan, from the database. */
async function lotOdt53(): Promise<Lot> {
  const { rows } = await env.server.db.query<Lot>(
    `SELECT z.id, z.lot_code, z.function, pl.name AS plan_name, ST_X(ST_PointOnSurface(z.geom)) AS lon, ST_Y(ST_PointOnSurface(z.geom)) AS lat
     FROM zoning_lots z JOIN planning_plans pl ON pl.id = z.plan_id WHERE z.lot_code = 'ODT-53'`,
  );
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

/** Types a query into the search box and waits for the answer to it (hits or a message). */
async function typeQuery(page: Page, q: string): Promise<void> {
  await page.fill('#search-input', '');
  await page.fill('#search-input', q);
  await page.waitForResponse((r) => r.url().includes(`/api/search?q=${encodeURIComponent(q)}`));
  await page.locator('#search-results:not([hidden]) li').first().waitFor();
  // The list is drawn after the answer is read.
  await page.waitForTimeout(50);
}

const hitTexts = (page: Page) => page.locator('#search-results .search-hit').allInnerTexts();

describe("a planner's search box", () => {
  it('finds a zoning lot by its code, opens its card, words hits in English after the switch, and explains a parcel that is not there', async () => {
    const lot = await lotOdt53();
    const { page, context, errors } = await openPage(env.browser, 'desktop');
    try {
      await page.goto(`${env.server.url}/`);
      await waitForMap(page);
      await typeQuery(page, 'ODT-53');
      const first = page.locator('.search-hit').first();
      expect(await first.getAttribute('data-group')).toBe('zones');
      expect(await first.locator('strong').innerText()).toBe('Ô quy hoạch ODT-53');
      expect(await first.locator('small').innerText()).toBe(lot.plan_name);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'search-lot-vi.png') });

      // Picking it turns the (hidden) zoning layer on, flies there and opens that lot's card.
      await page.keyboard.press('Enter');
      const card = page.locator(`.feature-card.is-primary[data-group=zones][data-id="${lot.id}"]`);
      await card.waitFor({ timeout: 60_000 });
      await waitForMap(page);
      expect(await card.locator('h3').innerText()).toBe(`Ô quy hoạch ${lot.lot_code}`);
      expect(await card.innerText()).toContain(lot.function);
      const view = await page.evaluate(() => {
        const { map, control } = (window as unknown as BandoWindow).__bando;
        const b = map.getBounds();
        return { zones: control.isVisible('zones'), bounds: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()] };
      });
      expect(view.zones).toBe(true);
      const [w, s, e, n] = view.bounds;
      expect(lot.lon > w! && lot.lon < e! && lot.lat > s! && lot.lat < n!).toBe(true);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'search-lot-card-vi.png') });

      // A parcel number not on that sheet, and a parcel number with no sheet: what was read, what is missing.
      await typeQuery(page, '29869 1 9999');
      expect(await page.locator('#search-results .search-understood').innerText()).toBe('Không có thửa 9999 tờ 1 ở Phường 1 (29869).');
      await page.screenshot({ path: path.join(SCREENSHOTS, 'search-hint-vi.png') });
      await typeQuery(page, 'thửa 10');
      expect(await page.locator('#search-results .search-understood').innerText()).toBe(
        'Đã hiểu: thửa 10. Cần số tờ: ví dụ “tờ 12 thửa 10”.',
      );

      // English: the open list is worded again, new answers are English, and so is the hint.
      await typeQuery(page, '29869 1 10');
      expect((await hitTexts(page))[0]).toContain('Tờ 1 thửa 10 — Phường 1');
      await page.click('#lang-toggle');
      await expect.poll(async () => (await hitTexts(page))[0]).toContain('Sheet 1, parcel 10 — Phường 1');
      await typeQuery(page, 'odt 53');
      expect(await first.locator('strong').innerText()).toBe('Zoning lot ODT-53');
      expect(await first.locator('small').innerText()).toBe(lot.plan_name);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'search-lot-en.png') });
      await typeQuery(page, '29869 1 9999');
      expect(await page.locator('#search-results .search-understood').innerText()).toBe(
        'There is no parcel 9999 on sheet 1 in Phường 1 (29869).',
      );
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('works on a 360 px phone: the lot hit, its card, and the hint fit the screen, and the lot shows above its card', async () => {
    const lot = await lotOdt53();
    const { page, context, errors } = await openPage(env.browser, 'phone');
    try {
      await page.setViewportSize({ width: 360, height: 740 });
      await page.goto(`${env.server.url}/`);
      await waitForMap(page);
      await typeQuery(page, '29869 99 9999');
      const hint = page.locator('#search-results .search-understood');
      const sheet99 = (
        await env.server.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM parcels WHERE commune_code = '29869' AND sheet = 99`)
      ).rows[0]!.n;
      expect(await hint.innerText()).toBe(
        sheet99 > 0 ? 'Không có thửa 9999 tờ 99 ở Phường 1 (29869).' : 'Không có tờ 99 ở Phường 1 (29869).',
      );
      const box = (await hint.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(360);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'search-hint-phone.png') });
      await typeQuery(page, 'ODT-53');
      expect(await page.locator('.search-hit').first().locator('strong').innerText()).toBe('Ô quy hoạch ODT-53');
      await page.screenshot({ path: path.join(SCREENSHOTS, 'search-lot-phone.png') });
      await page.locator('.search-hit').first().tap();
      const card = page.locator(`.feature-card.is-primary[data-group=zones][data-id="${lot.id}"]`);
      await card.waitFor({ timeout: 60_000 });
      // The card opens as a bottom sheet; the lot then moves into the map's part above it.
      await page.waitForTimeout(200);
      await page.waitForFunction(() => !(window as unknown as BandoWindow).__bando.map.isMoving());
      await waitForMap(page);
      const extent = (
        await env.server.db.query<{ w: number; s: number; e: number; n: number }>(
          `SELECT ST_XMin(b) w, ST_YMin(b) s, ST_XMax(b) e, ST_YMax(b) n FROM (SELECT ST_Extent(geom)::geometry b FROM zoning_lots WHERE id = $1) x`,
          [lot.id],
        )
      ).rows[0]!;
      const placed = await page.evaluate((b) => {
        const { map } = (window as unknown as BandoWindow).__bando;
        const top = map.getContainer().getBoundingClientRect().top;
        const south = map.project([(b.w + b.e) / 2, b.s]).y + top;
        const north = map.project([(b.w + b.e) / 2, b.n]).y + top;
        return { north, south, sheetTop: document.querySelector('aside')!.getBoundingClientRect().top };
      }, extent);
      expect(placed.north).toBeGreaterThan(0);
      expect(placed.south).toBeLessThan(placed.sheetTop);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'search-lot-card-phone.png') });

      // Every value of the card is readable: the label column grew to its longest label ('Tổng diện
      // tích sàn tối đa (diện tích × hệ số)') and left the values 41 px, 'ODT- / 53' (audit s17).
      // The values keep more than half the card's rows in both languages, and the lot code one line.
      // The features API's rows (the plan's name, the planning information code) come after the tile's.
      await expect.poll(() => card.locator('dd').count(), { timeout: 15_000 }).toBeGreaterThan(12);
      for (const language of ['vi', 'en']) {
        if (language === 'en') {
          await page.click('#lang-toggle');
          await card.locator('dt', { hasText: 'Maximum floor area' }).waitFor();
        }
        const widths = await card.evaluate((el) => {
          const list = el.querySelector('dl')!.getBoundingClientRect().width;
          const cells = [...el.querySelectorAll('dd')].map((dd) => {
            const box = dd.getBoundingClientRect();
            return {
              text: dd.textContent ?? '',
              width: box.width,
              height: box.height,
              line: parseFloat(getComputedStyle(dd).lineHeight) || 18,
            };
          });
          return { list, cells };
        });
        expect(widths.list).toBeGreaterThan(250);
        for (const cell of widths.cells) expect(cell.width, `${language} "${cell.text}"`).toBeGreaterThanOrEqual(widths.list * 0.55);
        const code = widths.cells.find((c) => c.text === lot.lot_code);
        expect(code, language).toBeDefined();
        expect(code!.height).toBeLessThan(code!.line * 1.5);
        await page.screenshot({ path: path.join(SCREENSHOTS, `search-lot-card-phone-rows-${language}.png`) });
      }
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
