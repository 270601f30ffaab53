// What a planner and an officer see every day, read from the page: a growing area's code once on
// the map (not once per plot), no legend heading over nothing, a land-use switch that shows the map
// it picks, and a printed legend whose land-use names are whole, with the paper named in words.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openPage, SCREENSHOTS, useServerAndBrowser, waitForMap, type BandoWindow } from './harness.ts';

const env = useServerAndBrowser();
const CITY = 'c=105.63800,10.46600';

async function open(hash: string, setup?: (page: Page) => Promise<void>) {
  const watched = await openPage(env.browser, 'desktop');
  await watched.page.setViewportSize({ width: 1440, height: 900 });
  await setup?.(watched.page);
  await watched.page.goto(`${env.server.url}/#${hash}`);
  await waitForMap(watched.page);
  return watched;
}

/** The growing-area codes the map shows as labels now (placed symbols only: those a collision hid are not counted). */
function shownCodes(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    (window as unknown as BandoWindow).__bando.map
      .queryRenderedFeatures({ layers: ['growing_areas-label'] })
      .map((f) => String(f.properties.code)),
  );
}

/** Waits for the labels to settle: an idle after the label points were set has nothing more to do. */
async function settledCodes(page: Page): Promise<string[]> {
  await waitForMap(page);
  await page.waitForTimeout(300);
  await waitForMap(page);
  return shownCodes(page);
}

describe('a growing area’s code is on the map once', () => {
  it('an area of many separate plots shows its code once at z16, and once on the plots in view at z18', async () => {
    const { rows } = await env.server.db.query<{ id: number; code: string; plots: number; lon: number; lat: number }>(
      `SELECT g.id, g.code, count(p.id)::int AS plots, ST_X(ST_Centroid(g.geom)) AS lon, ST_Y(ST_Centroid(g.geom)) AS lat
       FROM growing_areas g JOIN plots p ON p.growing_area_id = g.id
       WHERE g.code IS NOT NULL AND g.status <> 'superseded' AND ST_NumGeometries(g.geom) >= 8
       GROUP BY g.id ORDER BY count(p.id) DESC, g.id LIMIT 1`,
    );
    const area = rows[0]!;
    expect(area.plots).toBeGreaterThanOrEqual(8);
    const { page, context, errors } = await open(`c=${area.lon},${area.lat},16`);
    try {
      const codes = await settledCodes(page);
      expect(codes.filter((c) => c === area.code)).toHaveLength(1);
      // Every other area in view is named once too.
      expect(codes.length).toBe(new Set(codes).size);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'area-labels-z16.png') });

      // Zoomed in on its smallest plot, away from the largest: the code is on a plot in view.
      const smallest = (
        await env.server.db.query<{ lon: number; lat: number }>(
          `SELECT ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat FROM plots WHERE growing_area_id = $1 ORDER BY area_m2 LIMIT 1`,
          [area.id],
        )
      ).rows[0]!;
      await page.evaluate(([lon, lat]) => (window as unknown as BandoWindow).__bando.map.jumpTo({ center: [lon, lat], zoom: 18 }), [
        Number(smallest.lon),
        Number(smallest.lat),
      ] as const);
      const close = await settledCodes(page);
      expect(close.filter((c) => c === area.code)).toHaveLength(1);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'area-labels-z18.png') });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

/** Headings of the layer panel's legends (folded tables, group titles) and how many entries each has under it. */
function legendHeadings(page: Page): Promise<{ text: string; entries: number; marker: string }[]> {
  return page.locator('.layer-panel details > summary').evaluateAll((summaries) =>
    summaries.map((s) => ({
      text: (s as HTMLElement).innerText,
      entries: s.parentElement!.querySelectorAll('li').length,
      marker: getComputedStyle(s, '::before').content,
    })),
  );
}

describe('the layer panel’s legend', () => {
  it('shows no heading under the parcels entry while parcels draw nothing (zoomed out), and says to zoom in', async () => {
    const { page, context, errors } = await open(`${CITY},12`);
    try {
      const parcels = page.locator('.layer-row', { has: page.locator('#layer-parcels') });
      await parcels.locator('.legend-zoom-in').waitFor({ timeout: 60_000 });
      expect(await parcels.locator('.legend-zoom-in').innerText()).toBe('Phóng to để thấy lớp này');
      expect(await parcels.locator('summary, h3, .legend-landuse').count()).toBe(0);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'legend-parcels-z12.png'), clip: { x: 0, y: 0, width: 360, height: 900 } });

      // Zoomed in, the parcels draw their colours: the rows come, and the table under them folds open with a visible marker.
      await page.evaluate(() => (window as unknown as BandoWindow).__bando.map.jumpTo({ zoom: 16 }));
      await waitForMap(page);
      await parcels.locator('.legend-view li[data-code]').first().waitFor({ timeout: 60_000 });
      expect(await parcels.locator('.legend-zoom-in').count()).toBe(0);
      const headings = await legendHeadings(page);
      expect(headings.map((h) => h.text)).toContain('Mã loại đất (Thông tư 08/2024)');
      for (const heading of headings) {
        expect(heading.entries, heading.text).toBeGreaterThan(0);
        expect(heading.marker, heading.text).toMatch(/[▸▾]/);
      }
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('with parcels and zoning on and zoomed out below parcels, the code table goes under zoning, which draws', async () => {
    const { page, context, errors } = await open(`${CITY},12&l=parcels,zones,roads,water,admin`);
    try {
      const zones = page.locator('.layer-row', { has: page.locator('#layer-zones') });
      await zones.locator('.legend-view li[data-code]').first().waitFor({ timeout: 60_000 });
      expect(await zones.locator('.legend-landuse > summary').innerText()).toBe('Mã loại đất (Thông tư 08/2024)');
      const parcels = page.locator('.layer-row', { has: page.locator('#layer-parcels') });
      expect(await parcels.locator('summary').count()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('the land-use map switch', () => {
  it('while the layer is off says so, and picking a map (even the one marked) turns the layer on to show it', async () => {
    const { page, context, errors } = await open(`${CITY},14`);
    try {
      const plan = page.locator('label.segment:has(#landuse-kind-plan)');
      await plan.waitFor();
      expect(await page.isChecked('#layer-landuse')).toBe(false);
      expect(await page.locator('.landuse-switch .hint').innerText()).toBe('Lớp đang tắt: chọn một bản đồ để bật lớp');
      // The marked map is not lit as if shown.
      expect(await plan.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgba(0, 0, 0, 0)');
      await page.screenshot({ path: path.join(SCREENSHOTS, 'landuse-switch-off.png'), clip: { x: 0, y: 0, width: 360, height: 900 } });

      await plan.click();
      await waitForMap(page);
      expect(await page.isChecked('#layer-landuse')).toBe(true);
      expect(await page.evaluate(() => (window as unknown as BandoWindow).__bando.control.isVisible('landuse'))).toBe(true);
      expect(await page.locator('.landuse-switch .hint').count()).toBe(0);
      expect(await page.locator('.landuse-switch').getAttribute('data-shown-kind')).toBe('plan');
      expect(page.url()).toMatch(/l=[^&]*landuse/);
      // The map now draws the plan's areas.
      const drawn = await page.evaluate(
        () => (window as unknown as BandoWindow).__bando.map.queryRenderedFeatures({ layers: ['landuse-fill'] }).length,
      );
      expect(drawn).toBeGreaterThan(0);

      // Off again, the other map: the layer comes back on with it.
      await page.click('#layer-landuse');
      await page.click('label.segment:has(#landuse-kind-status)');
      await waitForMap(page);
      expect(await page.isChecked('#layer-landuse')).toBe(true);
      expect(await page.locator('.landuse-switch').getAttribute('data-shown-kind')).toBe('status');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

/** Records every text the page draws on a 2D canvas (the print's page is one). */
async function recordCanvasText(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const texts: string[] = [];
    (window as unknown as { __canvasText: string[] }).__canvasText = texts;
    const fillText = CanvasRenderingContext2D.prototype.fillText;
    CanvasRenderingContext2D.prototype.fillText = function (text: string, x: number, y: number, maxWidth?: number) {
      texts.push(String(text));
      return maxWidth === undefined ? fillText.call(this, text, x, y) : fillText.call(this, text, x, y, maxWidth);
    };
  });
}

describe('the printed legend', () => {
  it('prints every land-use name whole, and names the paper in words (A4 ngang / A4 dọc, A4 landscape / A4 portrait)', async () => {
    const { page, context, errors } = await open(`${CITY},14&l=parcels,landuse,roads,water,admin&lu=status`, recordCanvasText);
    try {
      await page.locator('.legend-landuse-map li[data-code]').first().waitFor({ timeout: 90_000 });
      await page.click('[data-tab=tools]');
      await page.click('#print-open');
      await page.locator('#print-dialog select[name=orientation]').waitFor();
      const paper = () => page.locator('#print-dialog select[name=orientation] option').evaluateAll((os) => os.map((o) => o.textContent));
      expect(await paper()).toEqual(['A4 ngang', 'A4 dọc']);
      expect(await page.locator('#print-dialog label:has(select[name=orientation])').innerText()).toContain('Khổ giấy');
      await page.evaluate(() => ((window as unknown as { __canvasText: string[] }).__canvasText.length = 0));
      const [png] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.click('#print-png')]);
      await png.saveAs(path.join(SCREENSHOTS, 'legend-print-whole-names.png'));
      const drawn = await page.evaluate(() => (window as unknown as { __canvasText: string[] }).__canvasText);
      const rows = await page.locator('#print-summary .print-legend li').evaluateAll((lis) => lis.map((li) => li.textContent!));
      // The page shows many land-use codes, some with long names (the test is about those).
      expect(rows.length).toBeGreaterThan(10);
      expect(Math.max(...rows.map((r) => r.length))).toBeGreaterThan(45);
      const printed = drawn.join(' ');
      for (const row of rows) expect(printed, row).toContain(row);
      expect(drawn.filter((text) => text.includes('…'))).toEqual([]);

      // In English the paper reads the same way.
      await page.click('#print-dialog button:has-text("Đóng")');
      await page.click('#lang-toggle');
      await page.click('#print-open');
      await page.locator('#print-dialog select[name=orientation]').waitFor();
      expect(await paper()).toEqual(['A4 landscape', 'A4 portrait']);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
