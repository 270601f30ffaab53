// The farmer's list ("Thửa của tôi") on a 360 px phone: a tap on a plot flies the map to that
// plot, outlines that one plot (the selection's cyan over the magenta of all their plots) and opens
// its card, with the plot above the card; each plot's diary fold sits inside that plot's own frame.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACCOUNTS, mapPixels, openPage, SCREENSHOTS, signIn, useServerAndBrowser, waitForMap, type BandoWindow } from './harness.ts';

const e2e = useServerAndBrowser();

/** The seeded farmer's plots with their bounding boxes, from the database. */
async function farmerPlots(): Promise<{ id: number; w: number; s: number; e: number; n: number }[]> {
  const { rows } = await e2e.server.db.query<{ id: number; w: number; s: number; e: number; n: number }>(
    `SELECT id, ST_XMin(geom) w, ST_YMin(geom) s, ST_XMax(geom) e, ST_YMax(geom) n FROM plots
      WHERE farmer_id = (SELECT farmer_id FROM users WHERE username = 'farmer') ORDER BY id`,
  );
  return rows.map((r) => ({ id: Number(r.id), w: Number(r.w), s: Number(r.s), e: Number(r.e), n: Number(r.n) }));
}

describe('the farmer’s list of plots on a phone', () => {
  it('a tap on a plot flies there, outlines that plot, opens its card and keeps the plot above the card', async () => {
    const plots = await farmerPlots();
    expect(plots.length).toBeGreaterThan(1);
    const { page, context, errors } = await openPage(e2e.browser, 'phone', { motion: true });
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(`${e2e.server.url}/`);
    await waitForMap(page);
    await signIn(page, ACCOUNTS.farmer);
    await page.waitForSelector('.plot-item');
    await waitForMap(page);

    // Each plot's diary fold is inside its own framed item, under that plot's button.
    const frames = await page.locator('.my-plots > li').evaluateAll((items) =>
      items.map((li) => ({
        id: li.querySelector('.plot-item')?.getAttribute('data-id'),
        diary: li.querySelector('.plot-diary-disclosure')?.getAttribute('data-plot-id'),
        border: getComputedStyle(li).borderTopWidth,
      })),
    );
    expect(frames.map((f) => Number(f.id))).toEqual(plots.map((p) => p.id));
    for (const frame of frames) {
      expect(frame.diary).toBe(frame.id);
      expect(frame.border).not.toBe('0px');
    }
    await page.screenshot({ path: path.join(SCREENSHOTS, 'my-plots-cards-phone360.png') });

    // The second plot, so the first fit (all plots) is not already its view.
    const plot = plots[1]!;
    // The list scrolled down to it, as a thumb would on a phone.
    await page.locator(`.plot-item[data-id="${plot.id}"]`).scrollIntoViewIfNeeded();
    expect(await page.locator('#panel-body').evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
    const cyanBefore = (await mapPixels(page, [0x00, 0xb8, 0xd4], 60, true)).count;
    await page.click(`.plot-item[data-id="${plot.id}"]`);
    await page.waitForSelector(`.feature-card.is-primary[data-group=plots][data-id="${plot.id}"]`, { timeout: 30_000 });
    await waitForMap(page);
    const fit = await page.evaluate(
      (b) => {
        const map = (window as unknown as BandoWindow).__bando.map;
        const rect = map.getContainer().getBoundingClientRect();
        const nw = map.project([b.w, b.n]);
        const se = map.project([b.e, b.s]);
        const layers = map.getStyle().layers.map((l) => l.id);
        return {
          top: rect.top + nw.y,
          bottom: rect.top + se.y,
          left: rect.left + nw.x,
          right: rect.left + se.x,
          map: { top: rect.top, left: rect.left, right: rect.right },
          sheetTop: document.getElementById('panel')!.getBoundingClientRect().top,
          zoom: map.getZoom(),
          highlighted: map.queryRenderedFeatures({ layers: ['plots-highlight'] }).map((f) => f.id),
          // The farmer's own outline lies under the selection's, which would otherwise be covered.
          mineBelowHighlight: layers.indexOf('my-plots-line') < layers.indexOf('plots-highlight'),
        };
      },
      { w: plot.w, s: plot.s, e: plot.e, n: plot.n },
    );
    expect(fit.zoom).toBeGreaterThan(15);
    expect(fit.left).toBeGreaterThanOrEqual(fit.map.left);
    expect(fit.right).toBeLessThanOrEqual(fit.map.right);
    expect(fit.top).toBeGreaterThanOrEqual(fit.map.top);
    expect(fit.bottom).toBeLessThanOrEqual(fit.sheetTop);
    expect(new Set(fit.highlighted)).toEqual(new Set([plot.id]));
    expect(fit.mineBelowHighlight).toBe(true);
    // The cyan outline of that one plot is drawn (not hidden under the magenta of all their plots).
    const cyan = (await mapPixels(page, [0x00, 0xb8, 0xd4], 60, true)).count;
    expect(cyan).toBeGreaterThan(cyanBefore + 100);
    // The card is read from its title: the sheet is not left scrolled where the list was.
    const title = (await page.locator('.details-panel .panel-title').boundingBox())!;
    expect(title.y).toBeGreaterThanOrEqual(fit.sheetTop);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'my-plots-picked-phone360.png') });

    // Back on the list, the plot picked is marked.
    await page.click('[data-tab=mine]');
    await page.waitForSelector(`.my-plots > li.is-picked .plot-item[data-id="${plot.id}"]`);
    expect(await page.locator('.my-plots > li.is-picked').count()).toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  });
});
