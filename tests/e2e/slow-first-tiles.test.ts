// A farmer's phone on a slow link: the page and the style come, the first tiles take seconds. The
// map's box says it is loading until the first tile is in (it used to go blank as soon as the map
// object existed), and after a while that the map will come bit by bit; then the line goes.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { vi } from '../../web/src/i18n/vi.ts';
import { openPage, paintedPixels, SCREENSHOTS, useServerAndBrowser, waitForMap } from './harness.ts';

const e2e = useServerAndBrowser();

/** A tile request (/tiles/{source}/{z}/{x}/{y}), not the TileJSON. */
const TILE = /\/tiles\/[^/]+\/\d+\/\d+\/\d+/;

describe('the first tiles on a slow link', () => {
  it('keeps “loading” over the map until a tile is in, says the map comes bit by bit, then clears', async () => {
    const { page, errors } = await openPage(e2e.browser, 'phone');
    let held = true;
    const waiting: (() => void)[] = [];
    await page.route(TILE, async (route) => {
      if (held) await new Promise<void>((resolve) => waiting.push(resolve));
      await route.continue();
    });
    await page.goto(`${e2e.server.url}/`);
    const line = page.locator('.map-loading');
    await line.waitFor();
    expect(await line.innerText()).toContain(vi.loading);
    // Still there once the map exists and asks for tiles, and after six seconds it says why.
    await expect.poll(() => waiting.length, { timeout: 30_000 }).toBeGreaterThan(0);
    await page.locator('.map-loading-slow').waitFor({ timeout: 15_000 });
    expect(await page.locator('.map-loading-slow').innerText()).toBe(vi.loadingSlow);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'slow-first-tiles-phone.png') });
    held = false;
    for (const release of waiting.splice(0)) release();
    await line.waitFor({ state: 'detached', timeout: 30_000 });
    await waitForMap(page);
    expect((await paintedPixels(page)).painted).toBeGreaterThan(0);
    expect(errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
    await page.context().close();
  });
});
