// A plot's card says when the growing-area code it depends on is out of force, and why: a guest
// opens a member plot on the map while the code is in force (no decision on the card), the officer
// suspends the code, and the same browser, reloaded, shows under the growing area "Tạm đình chỉ —
// không còn hiệu lực" and the suspension decision with its day and reason, in Vietnamese and in
// English. The browser kept the plot's item from the first read: it must not be told "unchanged".
// An officer's plot card opens its growing area's file (the area's card with its lifecycle); when the
// area cannot be read, the keyboard stays on the button beside the error. A shared link's card opens
// even when the busy server first refused the plot's tiles (503): it waits for the client's retry.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { vietnamToday } from '../../server/domain/vietnam-time.ts';
import { ACCOUNTS, openPage, SCREENSHOTS, gotoSignedIn, useServerAndBrowser, waitForMap } from './harness.ts';
import { apiToken, openPlot } from './registry-fixtures.ts';

const e2e = useServerAndBrowser();

type Plot = { id: number; area: number; code: string; name: string; lon: number; lat: number };

/** The largest plot of an area whose code is in force, in the seeded officer's communes (so the officer may suspend it). */
async function memberPlot(): Promise<Plot> {
  const { rows } = await e2e.server.db.query<Plot>(
    `SELECT p.id, g.id AS area, g.code, g.name, ST_X(ST_PointOnSurface(p.geom)) lon, ST_Y(ST_PointOnSurface(p.geom)) lat
       FROM plots p JOIN growing_areas g ON g.id = p.growing_area_id
      WHERE g.status = 'active'
        AND g.commune_code IN (SELECT uc.commune_code FROM user_communes uc JOIN users u ON u.id = uc.user_id WHERE u.username = 'officer')
      ORDER BY p.area_m2 DESC LIMIT 1`,
  );
  if (!rows[0]) throw new Error('no seeded plot in an active area of the officer');
  return { ...rows[0], lon: Number(rows[0].lon), lat: Number(rows[0].lat) };
}

const card = (plot: Plot) => `.feature-card.is-primary[data-group=plots][data-id="${plot.id}"]`;

/** The card's rows as [label, value] pairs, in order, as the page shows them (dt and dd text). */
function cardRows(page: Page, plot: Plot): Promise<[string, string][]> {
  return page.locator(`${card(plot)} dl`).evaluate((dl) => {
    const rows: [string, string][] = [];
    for (const dt of dl.querySelectorAll('dt')) rows.push([dt.textContent ?? '', dt.nextElementSibling?.textContent ?? '']);
    return rows;
  });
}

/** The three rows from the growing area's on, once the card shows `status` (its tile and the features API have come in). */
async function areaRows(page: Page, plot: Plot, areaLabel: string, status: string): Promise<[string, string][]> {
  await page.waitForFunction(
    ([selector, text]) => [...(document.querySelector(selector!)?.querySelectorAll('dd') ?? [])].some((dd) => dd.textContent === text),
    [card(plot), status] as const,
    { timeout: 60_000 },
  );
  const rows = await cardRows(page, plot);
  const at = rows.findIndex(([label]) => label === areaLabel);
  expect(at, JSON.stringify(rows)).toBeGreaterThanOrEqual(0);
  return rows.slice(at, at + 3);
}

describe('a plot’s card when its growing area’s code is suspended', () => {
  it('says under the growing area that the code is not in force, with the decision, its day and reason, in Vietnamese and English', async () => {
    const plot = await memberPlot();
    const { page, context, errors } = await openPage(e2e.browser, 'desktop');
    await page.goto(`${e2e.server.url}/#c=${plot.lon.toFixed(6)},${plot.lat.toFixed(6)},17&l=plots`);
    await waitForMap(page);

    // A guest, the code in force: the area and its status, no decision.
    const firstRead = page.waitForResponse((r) => r.url().endsWith(`/ogc/collections/plots/items/${plot.id}`), { timeout: 60_000 });
    await openPlot(page, plot);
    expect((await firstRead).status()).toBe(200);
    const inForce = await areaRows(page, plot, 'Vùng trồng', 'Đang hoạt động');
    expect(inForce.slice(0, 2)).toEqual([
      ['Vùng trồng', `${plot.name} ${plot.code}`],
      ['Trạng thái', 'Đang hoạt động'],
    ]);
    expect(await page.locator(card(plot)).innerText()).not.toContain('Quyết định');
    // The area's file is the officers': a guest is not offered it.
    expect(await page.locator('#card-open-area').count()).toBe(0);

    const token = await apiToken(e2e.server);
    const suspended = await fetch(`${e2e.server.url}/api/growing-areas/${plot.area}/transitions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ to: 'suspended', decisionNo: '45/QĐ-SNN', note: 'Dư lượng thuốc vượt mức cho phép' }),
    });
    expect(suspended.status).toBe(201);

    // The link keeps the plot selected: reloaded, the card opens again from the tiles and the features API.
    await page.reload();
    await waitForMap(page);
    const [y, m, d] = vietnamToday().split('-');
    // The status may be drawn from the tile a moment before the decision, read with the plot's full description.
    await expect
      .poll(() => areaRows(page, plot, 'Vùng trồng', 'Tạm đình chỉ — không còn hiệu lực'), { timeout: 30_000 })
      .toEqual([
        ['Vùng trồng', `${plot.name} ${plot.code}`],
        ['Trạng thái', 'Tạm đình chỉ — không còn hiệu lực'],
        ['Quyết định tạm đình chỉ', `45/QĐ-SNN ngày ${d}/${m}/${y}, lý do: Dư lượng thuốc vượt mức cho phép`],
      ]);
    // Said once, in words (no colour alone): not again as a raw property further down.
    const text = await page.locator(card(plot)).innerText();
    expect(text.split('45/QĐ-SNN')).toHaveLength(2);
    await page.locator(card(plot)).scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'plot-card-suspended-vi.png') });

    await page.click('#lang-toggle');
    await expect
      .poll(() => areaRows(page, plot, 'Growing area', 'Suspended — not in force'), { timeout: 30_000 })
      .toEqual([
        ['Growing area', `${plot.name} ${plot.code}`],
        ['Status', 'Suspended — not in force'],
        ['Suspension decision', `45/QĐ-SNN of ${vietnamToday()}, reason: Dư lượng thuốc vượt mức cho phép`],
      ]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'plot-card-suspended-en.png') });
    // Tiles a busy server refused (503) meanwhile are fetched again by the client: waited for, not reported.
    await waitForMap(page);
    expect(errors, errors.join('\n')).toEqual([]);
    await context.close();
    // Two whole page loads and a language switch: minutes on a loaded 2-core machine.
  }, 240_000);
});

describe('a plot’s card for an officer', () => {
  it('offers “Mở hồ sơ vùng trồng” when the plot is in a growing area, opening the area’s card with its lifecycle first', async () => {
    const plot = await memberPlot();
    const { page, context, errors } = await openPage(e2e.browser, 'desktop');
    // The layers as they open (no l=): a tap inside an area picks the plot under it first.
    await gotoSignedIn(page, `${e2e.server.url}/#c=${plot.lon.toFixed(6)},${plot.lat.toFixed(6)},17`, ACCOUNTS.officer);
    await waitForMap(page);
    await openPlot(page, plot);
    const link = page.locator(`${card(plot)} #card-open-area`);
    expect(await link.innerText()).toBe('Mở hồ sơ vùng trồng');
    expect(await link.isVisible()).toBe(true);
    await link.click();
    const areaCard = page.locator(`.feature-card.is-primary[data-group=growing_areas][data-id="${plot.area}"]`);
    await areaCard.locator('#lifecycle-status[data-status=active]').waitFor({ timeout: 30_000 });
    expect(await areaCard.locator('#lifecycle-status').innerText()).toBe('Đang hoạt động');
    // The area's card is read first (its title has the focus), the plot's is still there to go back to.
    expect(await page.evaluate(() => document.activeElement?.closest('.feature-card')?.getAttribute('data-group'))).toBe('growing_areas');
    expect(await page.locator(`.feature-card.is-secondary[data-group=plots][data-id="${plot.id}"]`).count()).toBe(1);
    expect(await page.locator('.feature-card').first().getAttribute('data-group')).toBe('growing_areas');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'plot-card-open-area.png') });
    expect(errors, errors.join('\n')).toEqual([]);
    await context.close();
  }, 120_000);

  it('keeps the keyboard on “Mở hồ sơ vùng trồng” when the area cannot be read, and opens it once it can', async () => {
    const plot = await memberPlot();
    const { page, context } = await openPage(e2e.browser, 'desktop');
    // Plots alone: the tap picks the plot and not its area, so the button reads the area's facts.
    await gotoSignedIn(page, `${e2e.server.url}/#c=${plot.lon.toFixed(6)},${plot.lat.toFixed(6)},17&l=plots`, ACCOUNTS.officer);
    await waitForMap(page);
    // The plot's full description is held until the area's read has failed, as on a slow link: the
    // card is drawn again when it comes, with the keyboard on the button.
    const plotItem = `**/ogc/collections/plots/items/${plot.id}`;
    let releasePlot!: () => void;
    const plotHeld = new Promise<void>((resolve) => (releasePlot = resolve));
    await page.route(plotItem, async (route) => {
      await plotHeld;
      await route.continue().catch(() => undefined);
    });
    await openPlot(page, plot);
    const item = `**/ogc/collections/growing_areas/items/${plot.area}`;
    await page.route(item, (route) => route.abort('internetdisconnected'));
    await page.locator(`${card(plot)} #card-open-area`).click();
    await page.locator('#card-open-area-error').waitFor();
    // The button was disabled during the read, which took the focus to <body>: it is given back.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('card-open-area');
    // The plot's description comes: the card is drawn anew (a new button), the error still said, the keyboard still there.
    await page.evaluate(() => document.getElementById('card-open-area')!.setAttribute('data-before', ''));
    const plotRead = page.waitForResponse((r) => r.url().endsWith(`/ogc/collections/plots/items/${plot.id}`));
    releasePlot();
    expect((await plotRead).status()).toBe(200);
    await page.waitForSelector('#card-open-area:not([data-before])');
    expect(await page.locator('#card-open-area-error').count()).toBe(1);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('card-open-area');
    await page.unroute(plotItem);
    await page.unroute(item);
    await page.keyboard.press('Enter');
    const areaCard = page.locator(`.feature-card.is-primary[data-group=growing_areas][data-id="${plot.area}"]`);
    await areaCard.locator('#lifecycle-status').waitFor({ timeout: 30_000 });
    expect(await page.evaluate(() => document.activeElement?.closest('.feature-card')?.getAttribute('data-group'))).toBe('growing_areas');
    await context.close();
  }, 120_000);
});

describe('a plot’s card on a link that drops', () => {
  it('says when its full details could not be read, reads them again on “Tải lại thông tin”, and by itself once back online', async () => {
    const plot = await memberPlot();
    const { page, context, errors } = await openPage(e2e.browser, 'desktop');
    await page.goto(`${e2e.server.url}/#c=${plot.lon.toFixed(6)},${plot.lat.toFixed(6)},17&l=plots`);
    await waitForMap(page);
    const item = `**/ogc/collections/plots/items/${plot.id}`;
    const note = page.locator(`${card(plot)} #card-unread`);

    // The read of the plot's description fails (the signal dropped): the card shows its tile's facts and says so.
    await page.route(item, (route) => route.abort('internetdisconnected'));
    await openPlot(page, plot);
    await note.waitFor({ timeout: 30_000 });
    expect(await note.innerText()).toContain('Chưa tải được đầy đủ thông tin');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'plot-card-unread.png') });
    const partial = (await cardRows(page, plot)).length;

    // Back: “Tải lại thông tin” reads it, the note goes, the card has the rows the tile lacked, the keyboard is on the title.
    await page.unroute(item);
    await page.click('#card-unread-retry');
    await note.waitFor({ state: 'detached', timeout: 30_000 });
    expect((await cardRows(page, plot)).length).toBeGreaterThan(partial);
    expect(await page.evaluate(() => document.activeElement?.matches('.feature-card.is-primary > h3'))).toBe(true);

    // Offline (the browser knows): the card opened again says so in English, and is read by itself when the signal returns.
    await page.click('#lang-toggle');
    await context.setOffline(true);
    await page.route(item, (route) => route.abort('internetdisconnected'));
    await openPlot(page, plot);
    await note.waitFor({ timeout: 30_000 });
    expect(await note.innerText()).toContain('The full details could not be loaded');
    await page.unroute(item);
    await context.setOffline(false);
    await note.waitFor({ state: 'detached', timeout: 30_000 });
    expect((await cardRows(page, plot)).length).toBeGreaterThan(partial);
    expect(errors.filter((e) => !e.includes('ERR_INTERNET_DISCONNECTED') && !e.includes('/items/'))).toEqual([]);
    await context.close();
  }, 120_000);
});

describe('a linked plot’s card when the server is busy', () => {
  it('still opens when the plot’s tiles were first refused (503) and come on the retry', async () => {
    const plot = await memberPlot();
    const { page, context, errors } = await openPage(e2e.browser, 'desktop');
    // Every tile of the plots' source is refused for the first 1.5 s, as a full render queue does.
    let refusedAt = 0;
    let refused = 0;
    await page.route(/\/tiles\/[^/?]*plots[^/?]*\/\d+\/\d+\/\d+/, (route) => {
      refusedAt ||= Date.now();
      if (Date.now() - refusedAt > 1500) return route.continue();
      refused++;
      return route.fulfill({ status: 503, headers: { 'Retry-After': '2', 'Content-Type': 'application/problem+json' }, body: '{}' });
    });
    await page.goto(`${e2e.server.url}/#c=${plot.lon.toFixed(6)},${plot.lat.toFixed(6)},17&l=plots&s=plots:${plot.id}`);
    await areaRows(page, plot, 'Vùng trồng', 'Đang hoạt động');
    expect(refused).toBeGreaterThanOrEqual(1);
    // The area's name may come a moment after its status (read with the area), as on a busy server.
    await expect
      .poll(async () => (await areaRows(page, plot, 'Vùng trồng', 'Đang hoạt động')).slice(0, 2), { timeout: 20_000 })
      .toEqual([
        ['Vùng trồng', `${plot.name} ${plot.code}`],
        ['Trạng thái', 'Đang hoạt động'],
      ]);
    await waitForMap(page);
    expect(errors, errors.join('\n')).toEqual([]);
    await context.close();
  }, 120_000);
});
