// Offline on arrival: the page came but the network went before the map's style or its tiles did,
// or a later visit with no signal finds only the app shell in the service worker's cache. The map
// area says so in the user's language instead of staying a blank box, and the notice goes by itself
// once the network is back and tiles are drawn.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { en } from '../../web/src/i18n/en.ts';
import { vi } from '../../web/src/i18n/vi.ts';
import { openPage, paintedPixels, SCREENSHOTS, useServerAndBrowser, waitForMap, type BandoWindow, type WatchedPage } from './harness.ts';

const e2e = useServerAndBrowser();

/** A tile request (/tiles/{source}/{z}/{x}/{y}), not the TileJSON. */
const TILE = /\/tiles\/[^/]+\/\d+\/\d+\/\d+/;
/** The map worker's script, which the page downloads beside the style. */
const WORKER = /maplibre-gl-worker[^/]*\.m?js$/;

/** The notice's text, or null while it is hidden. */
function notice(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const el = document.querySelector<HTMLElement>('.map-offline');
    return el && !el.hidden && el.getBoundingClientRect().height > 0 ? el.textContent : null;
  });
}

/** Errors of the page's own code (failed requests are what these tests cause). */
const pageErrors = (errors: string[]) => errors.filter((e) => e.startsWith('pageerror'));

/** A phone that opens the site as the signal goes, with `blocked` never coming: the notice says so. */
async function arriveOffline(blocked: string | RegExp): Promise<WatchedPage> {
  const watched = await openPage(e2e.browser, 'phone');
  await watched.page.setViewportSize({ width: 360, height: 740 });
  await watched.page.route(blocked, (route) => route.abort('internetdisconnected'));
  await watched.page.goto(`${e2e.server.url}/`);
  await watched.context.setOffline(true);
  await expect.poll(() => notice(watched.page), { timeout: 20_000 }).toBe(vi.mapOffline);
  return watched;
}

/** Back online: the map is drawn, the notice gone, and the page's code threw nothing. */
async function drawnOnceOnline({ page, context, errors }: WatchedPage): Promise<void> {
  await context.setOffline(false);
  await waitForMap(page);
  await expect.poll(() => notice(page)).toBe(null);
  expect((await paintedPixels(page)).painted).toBeGreaterThan(1000);
  expect(pageErrors(errors)).toEqual([]);
  await context.close();
}

describe('a map opened with no network', () => {
  it('says so over the map when the style never came, in either language, and draws the map once back online', async () => {
    const watched = await arriveOffline('**/style.json');
    const { page } = watched;
    // 'Đang tải bản đồ…' under it would say the opposite.
    expect(await page.locator('.map-loading').isVisible()).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'offline-arrival-no-style-phone360.png') });
    await page.click('#lang-toggle');
    await expect.poll(() => notice(page)).toBe(en.mapOffline);
    await page.click('#lang-toggle');

    await page.unroute('**/style.json');
    await drawnOnceOnline(watched);
  });

  // The map's worker is started early, from a script downloaded beside the style. When the signal
  // goes before that script came, the worker never answers, and a map made on it never draws, even
  // once back online (on a busy machine this is also what became of the test above).
  it('says so when the map’s worker script never came, and draws the map once back online', async () => {
    const watched = await arriveOffline(WORKER);
    await watched.page.unroute(WORKER);
    await drawnOnceOnline(watched);
  });

  it('says so over the map when the style came but no tile did, and goes by itself when tiles load', async () => {
    const { page, context, errors } = await openPage(e2e.browser, 'desktop');
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.route(TILE, (route) => route.abort('internetdisconnected'));
    await page.goto(`${e2e.server.url}/`);
    await page.waitForFunction(() => Boolean((window as unknown as Partial<BandoWindow>).__bando));
    await context.setOffline(true);
    await expect.poll(() => notice(page), { timeout: 20_000 }).toBe(vi.mapOffline);
    const box = (await page.locator('.map-offline').boundingBox())!;
    const map = (await page.locator('#map').boundingBox())!;
    // Over the map, whole.
    expect(box.x).toBeGreaterThan(map.x);
    expect(box.x + box.width).toBeLessThan(map.x + map.width);
    expect(box.y).toBeGreaterThan(map.y);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'offline-arrival-no-tiles-1440.png') });

    await page.unroute(TILE);
    await context.setOffline(false);
    await expect.poll(() => notice(page), { timeout: 30_000 }).toBe(null);
    await waitForMap(page);
    expect((await paintedPixels(page)).painted).toBeGreaterThan(1000);
    expect(pageErrors(errors)).toEqual([]);
    await context.close();
  });

  it('fills tiles that failed for want of a network when all of a source’s tiles are asked for again, as a sign-in does', async () => {
    const { page, context, errors } = await openPage(e2e.browser, 'phone');
    await page.route(TILE, (route) => route.abort('internetdisconnected'));
    await page.goto(`${e2e.server.url}/`);
    await page.waitForFunction(() => Boolean((window as unknown as Partial<BandoWindow>).__bando));
    // The tiles failed: the map says it could not load them (with the browser online, as from the server).
    await expect.poll(() => notice(page), { timeout: 20_000 }).not.toBe(null);
    await page.unroute(TILE);
    // The signal is back and the tiles are the new viewer's (main.ts, at a sign-in): every tile of
    // every source is asked for again, the failed ones too. MapLibre alone left those 'loading' for
    // good, with no request made (map/failed-tiles.ts), and the map never came to rest.
    await page.evaluate(() => (window as unknown as BandoWindow).__bando.handle.refreshTiles());
    await waitForMap(page, 30_000);
    expect((await paintedPixels(page)).painted).toBeGreaterThan(1000);
    await expect.poll(() => notice(page), { timeout: 10_000 }).toBe(null);
    expect(pageErrors(errors)).toEqual([]);
    await context.close();
  });

  it('on a later visit with no signal and only the app shell cached, says so, and draws the map once back online', async () => {
    const { page, context, errors } = await openPage(e2e.browser, 'phone', { serviceWorkers: 'allow' });
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(`${e2e.server.url}/`);
    await waitForMap(page);
    await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, null, { timeout: 30_000 });
    // The worker keeps what the page loaded before it took control (sw-register.ts): let it finish,
    // or its late writes would undo the clearing below.
    await page.waitForFunction(
      async () => {
        const data = (await (await caches.open('bando-data')).keys()).map((k) => new URL(k.url).pathname);
        const tiles = (await (await caches.open('bando-tiles')).keys()).length;
        const loaded = performance.getEntriesByType('resource').filter((e) => /\/tiles\/[^/]+\/\d+\/\d+\/\d+/.test(e.name)).length;
        return data.includes('/style.json') && data.includes('/__bando/lookups-viewer') && tiles >= loaded;
      },
      null,
      { timeout: 30_000, polling: 250 },
    );
    // Nothing of the map kept: only the shell. On a busy machine the worker may still be writing what
    // the page loaded (tiles that came late): clear until nothing has come back for a second.
    await expect
      .poll(
        () =>
          page.evaluate(async () => {
            for (const name of await caches.keys()) if (!name.startsWith('bando-shell-')) await caches.delete(name);
            await new Promise((resolve) => setTimeout(resolve, 1000));
            return (await caches.keys()).filter((name) => !name.startsWith('bando-shell-'));
          }),
        { timeout: 30_000, interval: 0 },
      )
      .toEqual([]);
    await context.setOffline(true);
    await page.reload();
    await expect.poll(() => notice(page), { timeout: 30_000 }).toBe(vi.mapOffline);
    expect(await page.locator('.brand strong').innerText()).toBe(vi.appTitle);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'offline-later-visit-phone360.png') });

    await drawnOnceOnline({ page, context, errors });
  });
});
