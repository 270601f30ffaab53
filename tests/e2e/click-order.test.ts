// What a planner and a phone user meet first: a click inside a parcel beside a road opens the
// parcel's card on top (the road's card comes after it), and a planner, who has no plots, gets no
// "Thửa của tôi" tab while a farmer keeps theirs and an officer has "Thửa địa bàn" (their communes' plots).
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ACCOUNTS, openPage, SCREENSHOTS, screenPoint, signIn, useServerAndBrowser, waitForMap } from './harness.ts';
import { signOut } from './registry-fixtures.ts';

const e2e = useServerAndBrowser();

/**
 * A point inside a parcel of 29869 (not itself road land) 3 to 4 m from a road's centre line
 * (the seed's parcels beside a road start 3 m from it), within the click's box at z17 (6 px of
 * about 0.6 m, plus half the road's drawn width), with no plot, growing area or product within reach, so the
 * parcel is the one thing the click is inside (the road's own strip of land, a parcel too, may be
 * within the box: it comes after).
 */
async function findParcelBesideRoad(): Promise<{ parcel: number; road: number; at: [number, number] }> {
  const { rows } = await e2e.server.db.query<{ parcel: number; road: number; lon: number; lat: number }>(
    `SELECT s.pid parcel, s.rid road, ST_X(s.c) lon, ST_Y(s.c) lat FROM (
       SELECT p.id pid, r.id rid, p.geom pg, r.geom rg,
              ST_PointOnSurface(ST_Difference(
                ST_Intersection(p.geom, ST_Buffer(r.geom::geography, 4)::geometry),
                ST_Buffer(r.geom::geography, 3)::geometry)) c
         FROM parcels p JOIN roads r ON p.geom && ST_Expand(r.geom, 0.0001) AND ST_DWithin(p.geom::geography, r.geom::geography, 4)
        WHERE p.commune_code = '29869' AND p.land_use_code <> 'DGT' ORDER BY p.id, r.id LIMIT 200) s
      WHERE NOT ST_IsEmpty(s.c) AND ST_Contains(s.pg, s.c)
        AND NOT EXISTS (SELECT 1 FROM plots x WHERE x.geom && ST_Expand(s.c, 0.0005) AND ST_DWithin(x.geom::geography, s.c::geography, 20))
        AND NOT EXISTS (SELECT 1 FROM growing_areas g WHERE g.geom && ST_Expand(s.c, 0.0005) AND ST_DWithin(g.geom::geography, s.c::geography, 20))
        AND NOT EXISTS (SELECT 1 FROM products x WHERE x.geom && ST_Expand(s.c, 0.0005) AND ST_DWithin(x.geom::geography, s.c::geography, 20))
      ORDER BY s.pid, s.rid LIMIT 1`,
  );
  const row = rows[0];
  if (!row) throw new Error('no parcel of 29869 beside a road');
  return { parcel: Number(row.parcel), road: Number(row.road), at: [Number(row.lon), Number(row.lat)] };
}

let besideRoad: ReturnType<typeof findParcelBesideRoad> | undefined;
/** The same place for both viewports: read once (nothing here edits parcels, roads or plots). */
const parcelBesideRoad = () => (besideRoad ??= findParcelBesideRoad());

/** The groups and ids of the details tab's cards, top to bottom. */
function cards(page: Page): Promise<string[]> {
  return page
    .locator('.feature-card')
    .evaluateAll((els) => els.map((el) => `${el.getAttribute('data-group')}:${el.getAttribute('data-id')}`));
}

/** Clicks `at` on the map (opened there at z17 with the default layers) and waits for the cards. */
async function clickAt(page: Page, at: [number, number]): Promise<void> {
  const p = await screenPoint(page, at);
  await page.mouse.click(p.x, p.y);
  await page.waitForSelector('.feature-card.is-primary');
}

describe('a click inside a parcel beside a road', () => {
  it('lists the parcel before the road for a planner at 1440 × 900 (a zoning lot under the click before both)', async () => {
    const target = await parcelBesideRoad();
    const { page, context, errors } = await openPage(e2e.browser, 'desktop');
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${e2e.server.url}/#c=${target.at[0].toFixed(7)},${target.at[1].toFixed(7)},17`);
    await waitForMap(page);
    await signIn(page, ACCOUNTS.planner);
    await waitForMap(page);
    await clickAt(page, target.at);
    const listed = await cards(page);
    // A planner starts with the zoning plans on: a lot the click is inside is drawn over the parcel
    // and listed before it; of everything else the parcel comes first.
    expect(listed.filter((c) => !c.startsWith('zones:'))[0]).toBe(`parcels:${target.parcel}`);
    // The road was under the click too: it is listed, after the parcel.
    expect(listed.indexOf(`roads:${target.road}`)).toBeGreaterThan(listed.indexOf(`parcels:${target.parcel}`));
    // The first card opened is the one for the planner: a lot's plan, or the parcel's lots under their plans.
    await page.waitForSelector(
      listed[0]!.startsWith('zones:') ? '.feature-card.is-primary[data-group=zones] dl' : '.feature-card.is-primary .planner h4',
    );
    await page.screenshot({ path: path.join(SCREENSHOTS, 'click-parcel-beside-road-1440.png') });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('opens the parcel’s card first on a 360 px phone', async () => {
    const target = await parcelBesideRoad();
    const { page, context, errors } = await openPage(e2e.browser, 'phone');
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(`${e2e.server.url}/#c=${target.at[0].toFixed(7)},${target.at[1].toFixed(7)},17`);
    await waitForMap(page);
    await clickAt(page, target.at);
    const listed = await cards(page);
    expect(listed[0]).toBe(`parcels:${target.parcel}`);
    expect(listed).toContain(`roads:${target.road}`);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'click-parcel-beside-road-phone360.png') });
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('the “Thửa của tôi” tab', () => {
  it('is not offered to a planner, and is to a guest (the card code), an officer and a farmer', async () => {
    const { page, context, errors } = await openPage(e2e.browser, 'desktop');
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${e2e.server.url}/`);
    await waitForMap(page);
    const tabs = () => page.locator('.tabs [data-tab]').evaluateAll((els) => els.map((el) => el.getAttribute('data-tab')));
    expect(await tabs()).toEqual(['layers', 'details', 'mine', 'tools']);

    await signIn(page, ACCOUNTS.planner);
    await expect.poll(tabs).toEqual(['layers', 'details', 'tools']);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'planner-tabs-1440.png') });
    await signOut(page);

    // The guest's tab is their own plots (by the farmer card's code).
    const mineName = () => page.locator('[data-tab=mine] .tab-label').textContent();
    expect(await mineName()).toBe('Thửa của tôi');

    // An officer's list is the plots of the communes they look after, the farmers' plots: the tab
    // and the list say so instead of "Thửa của tôi".
    await signIn(page, ACCOUNTS.officer);
    await expect.poll(tabs).toEqual(['layers', 'details', 'mine', 'tools']);
    await expect.poll(mineName).toBe('Thửa địa bàn');
    await page.click('[data-tab=mine]');
    await page.waitForSelector('.plot-item');
    expect(await page.locator('.mine-panel .panel-title').textContent()).toBe('Thửa địa bàn');
    await signOut(page);

    // A farmer lands on their plots; a planner signing in after them lands on the layers.
    await signIn(page, ACCOUNTS.farmer);
    await expect.poll(tabs).toEqual(['layers', 'details', 'mine', 'tools']);
    await page.waitForSelector('[data-tab=mine].is-active');
    await expect.poll(mineName).toBe('Thửa của tôi');
    await page.waitForSelector('.plot-item');
    expect(await page.locator('.mine-panel .panel-title').textContent()).toBe('Thửa của tôi');
    await signOut(page);
    await signIn(page, ACCOUNTS.planner);
    await expect.poll(tabs).toEqual(['layers', 'details', 'tools']);
    expect(await page.locator('.tabs .tab.is-active').getAttribute('data-tab')).toBe('layers');
    expect(await page.locator('.mine-panel').count()).toBe(0);

    // A planner's session read when the page opens: no tab from the start.
    await page.reload();
    await waitForMap(page);
    await expect.poll(tabs).toEqual(['layers', 'details', 'tools']);
    expect(errors).toEqual([]);
    await context.close();
  });
});
