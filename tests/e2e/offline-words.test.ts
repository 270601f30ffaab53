// Loose ends of the offline and sign-in fixes, read from the page. Offline, the map says one thing:
// 'showing data saved on this device' only when saved tiles are what it draws, the notice over the
// map when nothing could be drawn, never both. A page reloaded while signed in asks for its first
// tiles under the viewer's key (no cache hands an officer the guest's copy), and the service
// worker's offline copies of one viewer are never drawn for another: after a sign-out, offline, an
// officer's draft growing area is not on the map. The land-use legend says what it is loading.
import path from 'node:path';
import type { Page, Request } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { en } from '../../web/src/i18n/en.ts';
import { vi } from '../../web/src/i18n/vi.ts';
import { viewerKey } from '../../web/src/map/viewer-tiles.ts';
import { ACCOUNTS, openPage, paintedPixels, SCREENSHOTS, signIn, useServerAndBrowser, waitForMap, type BandoWindow } from './harness.ts';
import { apiToken, areaInTiles, largestArea, listedAreaIds } from './registry-fixtures.ts';

const e2e = useServerAndBrowser();

/** A tile request (/tiles/{source}/{z}/{x}/{y}), not the TileJSON. */
const TILE = /\/tiles\/[^/]+\/\d+\/\d+\/\d+/;

/** Every message the page's toasts have said since it loaded (kept across reloads of the page, per document). */
async function recordToasts(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const said: string[] = [];
    (window as unknown as { __said: string[] }).__said = said;
    new MutationObserver((records) => {
      for (const record of records)
        for (const node of record.addedNodes)
          if (node instanceof HTMLElement && node.classList.contains('toast'))
            said.push(node.querySelector('.toast-text')?.textContent ?? '');
    }).observe(document, { childList: true, subtree: true });
  });
}

const said = (page: Page): Promise<string[]> => page.evaluate(() => (window as unknown as { __said: string[] }).__said);

/** The notice's text, or null while it is hidden. */
function notice(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const el = document.querySelector<HTMLElement>('.map-offline');
    return el && !el.hidden && el.getBoundingClientRect().height > 0 ? el.textContent : null;
  });
}

/** The `viewer=` keys of the tile URLs in the service worker's tile cache. */
function cachedViewers(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const keys = await (await caches.open('bando-tiles')).keys();
    return [...new Set(keys.map((k) => new URL(k.url).searchParams.get('viewer') ?? ''))].sort();
  });
}

describe('offline words', () => {
  it('on arrival with no tile: only the notice, no "showing saved data"', async () => {
    const { page, context } = await openPage(e2e.browser, 'desktop');
    await page.setViewportSize({ width: 1440, height: 900 });
    await recordToasts(page);
    // The tiles hang until the network is gone, then fail: the 'offline' event comes while they are
    // still on their way, as on a signal lost during the first load (a race a busy machine ran into).
    let lose: () => void = () => undefined;
    const lost = new Promise<void>((resolve) => (lose = resolve));
    await page.route(TILE, async (route) => {
      await lost;
      await route.abort('internetdisconnected').catch(() => undefined);
    });
    await page.goto(`${e2e.server.url}/`);
    await page.waitForFunction(() => Boolean((window as unknown as Partial<BandoWindow>).__bando));
    // The admin labels, which come inside the style, are drawn: they are no saved data.
    await expect
      .poll(() => page.evaluate(() => (window as unknown as BandoWindow).__bando.map.isSourceLoaded('admin-labels')), { timeout: 20_000 })
      .toBe(true);
    await context.setOffline(true);
    await page.waitForTimeout(500);
    lose();
    await expect.poll(() => notice(page), { timeout: 20_000 }).toBe(vi.mapOffline);
    // The browser's 'offline' event came with nothing drawn: nothing saved is shown, so nothing says so.
    await page.waitForTimeout(1000);
    expect(await said(page)).not.toContain(vi.offline);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'offline-words-nothing-drawn-1440.png') });

    // Back online, it says so (the notice going once tiles load is offline-arrival.test.ts's to check).
    await page.unroute(TILE);
    await context.setOffline(false);
    await expect.poll(() => said(page)).toContain(vi.backOnline);
    expect(await said(page)).not.toContain(vi.offline);
    await context.close();
  });

  it('the network lost over a drawn map says it shows what is on the device; the notice, when it comes, takes that down', async () => {
    const { page, context } = await openPage(e2e.browser, 'desktop');
    await page.setViewportSize({ width: 1440, height: 900 });
    await recordToasts(page);
    await page.goto(`${e2e.server.url}/`);
    await waitForMap(page);
    await context.setOffline(true);
    await expect.poll(() => said(page), { timeout: 10_000 }).toContain(vi.offline);
    expect(await notice(page)).toBe(null);
    // Somewhere never loaded: the tiles fail, the notice comes and the toast goes.
    await page.evaluate(() => (window as unknown as BandoWindow).__bando.map.jumpTo({ center: [105.6, 10.5], zoom: 16 }));
    await expect.poll(() => notice(page), { timeout: 30_000 }).toBe(vi.mapOffline);
    await expect.poll(() => page.locator('.toast', { hasText: vi.offline }).count()).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'offline-words-notice-only-1440.png') });
    await context.setOffline(false);
    await context.close();
  });

  it('a network but no server answering is said as such, not as "no network", in either language', async () => {
    const { page, context } = await openPage(e2e.browser, 'desktop');
    await page.setViewportSize({ width: 1440, height: 900 });
    // The server refuses every tile (down, or restarting) while the browser is online.
    await page.route(TILE, (route) => route.abort('connectionrefused'));
    await page.goto(`${e2e.server.url}/`);
    await page.waitForFunction(() => Boolean((window as unknown as Partial<BandoWindow>).__bando));
    await expect.poll(() => notice(page), { timeout: 30_000 }).toBe(vi.mapUnreachable);
    expect(await page.evaluate(() => navigator.onLine)).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'offline-words-server-down-1440.png') });
    // In English too.
    await page.click('#lang-toggle');
    await expect.poll(() => notice(page)).toBe(en.mapUnreachable);
    await context.close();
  });

  it('the land-use legend says it is loading its legend, not the map', async () => {
    const { page, context } = await openPage(e2e.browser, 'desktop');
    await page.setViewportSize({ width: 1440, height: 900 });
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/land-use-codes', async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(`${e2e.server.url}/#c=105.63800,10.46600,14&l=landuse,roads,water,admin&lu=status`);
    await waitForMap(page);
    await expect.poll(() => page.locator('.legend-landuse-map .hint').textContent()).toBe(vi.loadingLandUseLegend);
    expect(await page.locator('#panel').innerText()).not.toContain(vi.loading);
    release();
    await page.locator('.legend-landuse-map li[data-code]').first().waitFor({ timeout: 30_000 });
    await context.close();
  });
});

describe('tiles after a reload while signed in', () => {
  it('a reloaded officer page asks for the officer’s tiles first; signed out and offline, the draft is not drawn', async () => {
    const draft = await largestArea(e2e.server, await listedAreaIds(e2e.server, await apiToken(e2e.server), 'status=draft&limit=50'));
    const officerKey = viewerKey({ role: 'officer', username: ACCOUNTS.officer.username });
    const { page, context, errors } = await openPage(e2e.browser, 'desktop', { serviceWorkers: 'allow' });
    await page.setViewportSize({ width: 1440, height: 900 });
    await recordToasts(page);
    await page.goto(`${e2e.server.url}/#c=${draft.lon.toFixed(6)},${draft.lat.toFixed(6)},17&l=growing_areas`);
    await waitForMap(page);
    await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, null, { timeout: 30_000 });
    await signIn(page, ACCOUNTS.officer);
    await expect.poll(() => areaInTiles(page, draft.id), { timeout: 10_000 }).toBeGreaterThan(0);

    const tileUrls: string[] = [];
    const seen = (request: Request) => {
      if (TILE.test(request.url())) tileUrls.push(request.url());
    };
    page.on('request', seen);
    await page.reload();
    await waitForMap(page);
    page.off('request', seen);
    expect(tileUrls.length).toBeGreaterThan(0);
    // Every tile, the first included, under the officer's key: none under the guest's or none at all.
    const keys = tileUrls.map((url) => new URL(url).searchParams.get('viewer'));
    expect(new Set(keys)).toEqual(new Set([officerKey]));
    expect(await areaInTiles(page, draft.id)).toBeGreaterThan(0);
    await expect.poll(() => cachedViewers(page), { timeout: 20_000 }).toContain(officerKey);

    // Signed out: the guest's tiles, kept apart from the officer's in the worker's cache.
    await page.click('#sign-out');
    await expect.poll(() => areaInTiles(page, draft.id), { timeout: 10_000 }).toBe(0);
    await waitForMap(page);
    await expect.poll(() => cachedViewers(page), { timeout: 20_000 }).toEqual(['guest', officerKey].sort());

    // Offline, reloaded as a guest: the map is drawn from the guest's saved tiles, without the draft, and says so.
    await context.setOffline(true);
    await page.reload();
    await waitForMap(page);
    expect((await paintedPixels(page)).painted).toBeGreaterThan(1000);
    expect(await areaInTiles(page, draft.id)).toBe(0);
    // (Under the browser's offline emulation the worker's own fetch waits out its 6 s timeout before the saved copy.)
    await expect.poll(() => said(page), { timeout: 20_000 }).toContain(vi.offline);
    expect(await notice(page)).toBe(null);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'offline-words-guest-saved-1440.png') });

    // Only the officer's copies kept: not one is drawn for the guest; the notice says nothing could be.
    await page.evaluate(async (key) => {
      const cache = await caches.open('bando-tiles');
      for (const request of await cache.keys()) if (new URL(request.url).searchParams.get('viewer') !== key) await cache.delete(request);
    }, officerKey);
    await page.reload();
    await expect.poll(() => notice(page), { timeout: 30_000 }).toBe(vi.mapOffline);
    expect(await areaInTiles(page, draft.id)).toBe(0);
    expect(await said(page)).not.toContain(vi.offline);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'offline-words-officer-copies-only-1440.png') });
    await context.setOffline(false);
    expect(errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
    await context.close();
  });
});
