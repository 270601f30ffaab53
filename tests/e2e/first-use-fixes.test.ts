// What a first-time user met in the second review: an officer's click on a draft growing area right
// after signing in (the map kept drawing the guest's tiles), the keyboard lost after picking a search
// hit, loading lines that all said 'the map', tab names read twice, and the lifecycle history's words
// run together.
import type { Request } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { en } from '../../web/src/i18n/en.ts';
import { vi } from '../../web/src/i18n/vi.ts';
import { ACCOUNTS, openPage, screenPoint, signIn, waitForMap, useServerAndBrowser, type BandoWindow } from './harness.ts';
import { apiToken, areaInTiles, clickArea, largestArea, listedAreaIds } from './registry-fixtures.ts';

const e2e = useServerAndBrowser();
const DESK = { width: 1440, height: 900 };

async function deskPage(): Promise<ReturnType<typeof openPage>> {
  const opened = await openPage(e2e.browser, 'desktop');
  await opened.page.setViewportSize(DESK);
  return opened;
}

describe('first use, second review', () => {
  it('an officer who signs in over a draft area can click it at once: the tiles are fetched again as theirs', async () => {
    const draft = await largestArea(e2e.server, await listedAreaIds(e2e.server, await apiToken(e2e.server), 'status=draft&limit=50'));
    const { page, context, errors } = await deskPage();
    await page.goto(`${e2e.server.url}/#c=${draft.lon.toFixed(6)},${draft.lat.toFixed(6)},17&l=growing_areas`);
    await waitForMap(page);
    // A guest's tiles have no draft.
    expect(await areaInTiles(page, draft.id)).toBe(0);
    const tileUrls: string[] = [];
    const seen = (request: Request) => {
      if (request.url().includes('/tiles/')) tileUrls.push(request.url());
    };
    page.on('request', seen);
    await signIn(page, ACCOUNTS.officer);
    await page.waitForFunction(
      (areaId) =>
        (window as unknown as BandoWindow).__bando.map
          .querySourceFeatures('bando', { sourceLayer: 'growing_areas' })
          .some((f) => Number(f.id) === areaId),
      draft.id,
      { timeout: 4_000 },
    );
    await waitForMap(page);
    page.off('request', seen);
    // Fetched again under the officer's own key (so no cache hands back the guest's copy), not by luck
    // of expiry; and once the tiles are the officer's, never a guest's again. (A guest's tile expiring
    // while the sign-in is under way is revalidated as the guest's: the page is a guest's until then.)
    const firstOfficers = tileUrls.findIndex((url) => /[?&]viewer=(?!guest)[0-9a-z]+/.test(url));
    expect(firstOfficers).toBeGreaterThanOrEqual(0);
    expect(tileUrls.slice(firstOfficers).every((url) => /[?&]viewer=(?!guest)[0-9a-z]+/.test(url))).toBe(true);
    const box = (await page.locator('#map').boundingBox())!;
    const p = await page.evaluate((at) => (window as unknown as BandoWindow).__bando.map.project(at), [draft.lon, draft.lat] as [
      number,
      number,
    ]);
    await page.mouse.click(box.x + p.x, box.y + p.y);
    await page.waitForSelector(`.feature-card[data-group=growing_areas][data-id="${draft.id}"]`, { timeout: 10_000 });
    await page.screenshot({ path: '.tmp/screenshots/first-use-draft-click.png' });

    // Signed out, the guest's tiles come back and the draft is gone from them.
    await page.click('#sign-out');
    await page.waitForFunction(
      (areaId) =>
        !(window as unknown as BandoWindow).__bando.map
          .querySourceFeatures('bando', { sourceLayer: 'growing_areas' })
          .some((f) => Number(f.id) === areaId),
      draft.id,
      { timeout: 10_000 },
    );
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a search hit picked by keyboard puts the focus on its card title; Escape goes back to the search box', async () => {
    const parcel = (
      await e2e.server.db.query<{ commune_code: string; sheet: number; parcel_no: number; id: number }>(
        'SELECT id, commune_code, sheet, parcel_no FROM parcels ORDER BY id LIMIT 1',
      )
    ).rows[0]!;
    const { page, context } = await deskPage();
    await page.goto(e2e.server.url);
    await waitForMap(page);
    await page.click('#search-input');
    await page.keyboard.type(`${parcel.commune_code} ${parcel.sheet} ${parcel.parcel_no}`);
    await page.waitForSelector('#search-results .search-hit');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.feature-card.is-primary > h3');
    await page.waitForFunction(() => document.activeElement?.matches('.feature-card.is-primary > h3'), null, { timeout: 30_000 });
    // It stays there while the card is drawn again with the registry's answers (planning, names).
    await page.waitForSelector('.planner');
    await page.waitForTimeout(1500);
    expect(await page.evaluate(() => document.activeElement?.matches('.feature-card.is-primary > h3[tabindex="-1"]'))).toBe(true);
    await page.keyboard.press('Escape');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('search-input');
    await context.close();
  });

  it('a hit on a layer that is off (a zoning lot) keeps the keyboard in the panel while the map flies, then on the card', async () => {
    const lot = (await e2e.server.db.query<{ lot_code: string }>('SELECT lot_code FROM zoning_lots ORDER BY id LIMIT 1')).rows[0]!;
    const { page, context } = await deskPage();
    await page.goto(e2e.server.url);
    await waitForMap(page);
    await page.click('#search-input');
    await page.keyboard.type(lot.lot_code);
    await page.waitForSelector('#search-results .search-hit');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    // Sampled until the card's title has it: never the page's body on the way (the search box let go at once).
    const seen: string[] = [];
    for (let i = 0; i < 120; i++) {
      const where = await page.evaluate(() =>
        document.activeElement?.matches('.feature-card.is-primary > h3')
          ? 'title'
          : document.activeElement === document.body
            ? 'body'
            : 'panel',
      );
      seen.push(where);
      if (where === 'title') break;
      await page.waitForTimeout(100);
    }
    expect(seen.at(-1)).toBe('title');
    expect(seen).not.toContain('body');
    await page.keyboard.press('Escape');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('search-input');
    await context.close();
  });

  it('loading lines say what is loading: the planning at a parcel, the farmer’s plots', async () => {
    const { page, context } = await deskPage();
    const parcel = (
      await e2e.server.db.query<{ lon: number; lat: number }>(
        'SELECT ST_X(ST_PointOnSurface(geom)) lon, ST_Y(ST_PointOnSurface(geom)) lat FROM parcels ORDER BY ST_Area(geom) DESC LIMIT 1',
      )
    ).rows[0]!;
    // Slow answers, so the loading lines can be read.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/lookup/parcel?*', async (route) => {
      await held;
      await route.continue();
    });
    // The list is read under the viewer's key (?viewer=…, so the service worker keeps it per person).
    await page.route('**/api/me/plots*', async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(`${e2e.server.url}/#c=${Number(parcel.lon).toFixed(6)},${Number(parcel.lat).toFixed(6)},18&l=parcels`);
    await waitForMap(page);
    const at = await screenPoint(page, [Number(parcel.lon), Number(parcel.lat)]);
    await page.mouse.click(at.x, at.y);
    await page.waitForSelector('.planner .hint');
    expect(await page.locator('.planner .hint').first().textContent()).toBe(vi.loadingPlanning);
    await signIn(page, ACCOUNTS.farmer);
    await page.waitForSelector('.my-plots-list .hint');
    expect(await page.locator('.my-plots-list .hint').textContent()).toBe(vi.loadingMyPlots);
    await page.click('#lang-toggle');
    expect(await page.locator('.my-plots-list .hint').textContent()).toBe(en.loadingMyPlots);
    expect(await page.locator('body').innerText()).not.toContain(vi.loading);
    release();
    await page.waitForSelector('.my-plots-list .hint', { state: 'detached' });
    await context.close();
  });

  it('each panel tab has one accessible name, open and closed', async () => {
    const { page, context } = await deskPage();
    await page.goto(e2e.server.url);
    await waitForMap(page);
    for (const name of [vi.layers, vi.details, vi.tools]) expect(await page.getByRole('button', { name, exact: true }).count()).toBe(1);
    await page.click('.panel-toggle');
    for (const name of [vi.layers, vi.details, vi.tools]) expect(await page.getByRole('button', { name, exact: true }).count()).toBe(1);
    expect(await page.getByRole('button', { name: `${vi.layers}${vi.layersShort}` }).count()).toBe(0);
    await context.close();
  });

  it('the lifecycle history keeps its words apart in both languages (“→ Đang hoạt động bởi …”)', async () => {
    const token = await apiToken(e2e.server);
    const area = await largestArea(e2e.server, await listedAreaIds(e2e.server, token, 'status=active&limit=50'));
    const { page, context } = await deskPage();
    await page.goto(`${e2e.server.url}/#c=${area.lon.toFixed(6)},${area.lat.toFixed(6)},17&l=growing_areas`);
    await waitForMap(page);
    await signIn(page, ACCOUNTS.officer);
    await clickArea(page, area);
    await page.waitForSelector('#lifecycle-history li', { state: 'attached' });
    await page.click('#lifecycle-history summary');
    const lines = async () => (await page.locator('#lifecycle-history li').allInnerTexts()).join('\n');
    const vietnamese = await lines();
    expect(vietnamese).toMatch(/ bởi \S/);
    expect(vietnamese).not.toMatch(/\Sbởi /);
    await page.click('#lang-toggle');
    await page.waitForFunction(() => document.querySelector('#lifecycle-history li')?.textContent?.includes(' by '));
    if ((await page.locator('#lifecycle-history').getAttribute('open')) === null) await page.click('#lifecycle-history summary');
    const english = await lines();
    expect(english).toMatch(/ by \S/);
    expect(english).not.toMatch(/[^\s(]by /);
    await context.close();
  });
});
