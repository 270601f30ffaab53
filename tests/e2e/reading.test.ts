import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACCOUNTS,
  launchBrowser,
  openPage,
  SCREENSHOTS,
  screenPoint,
  gotoSignedIn,
  startServer,
  waitForMap,
  type BandoWindow,
  type TestServer,
} from './harness.ts';

type Spot = { lon: number; lat: number };
type Rendered = { mapId: number; kind: string | null; code: string };

let server: TestServer;
let browser: Browser;
let spot: Spot;
let statusId: number;
let planId: number;
let oldPlanId: number;
/** Codes each map's areas use, from the database. */
const codesOf = new Map<number, string[]>();

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const maps = (await server.db.query<{ id: number; kind: string }>(`SELECT id, kind FROM landuse_maps ORDER BY id`)).rows;
  statusId = Number(maps.find((m) => m.kind === 'status')!.id);
  planId = Number(maps.find((m) => m.kind === 'plan')!.id);
  // A place covered by both the status map and the plan: without a filter both would be painted there.
  spot = (
    await server.db.query<Spot>(
      `SELECT ST_X(c) lon, ST_Y(c) lat FROM (SELECT ST_PointOnSurface(geom) c FROM landuse_areas WHERE map_id = $1 ORDER BY id LIMIT 200) s
       WHERE EXISTS (SELECT 1 FROM landuse_areas a WHERE a.map_id = $2 AND ST_Intersects(a.geom, s.c)) LIMIT 1`,
      [planId, statusId],
    )
  ).rows.map((r) => ({ lon: Number(r.lon), lat: Number(r.lat) }))[0]!;
  // An older plan (2011–2020) over the same place, all rice land, so a kind has two maps to pick from.
  oldPlanId = Number(
    (
      await server.db.query<{ id: number }>(
        `INSERT INTO landuse_maps (kind, name, year, period_to, decision_no, admin_code)
         VALUES ('plan', 'Quy hoạch sử dụng đất thời kỳ 2011–2020', 2011, 2020, '999/QĐ-UBND', '866') RETURNING id`,
      )
    ).rows[0]!.id,
  );
  await server.db.query(
    `INSERT INTO landuse_areas (map_id, land_use_code, geom)
     SELECT $1, 'LUC', geom FROM landuse_areas WHERE map_id = $2 AND geom && ST_Expand(ST_SetSRID(ST_MakePoint($3, $4), 4326), 0.01)`,
    [oldPlanId, planId, spot.lon, spot.lat],
  );
  const { rows } = await server.db.query<{ map_id: number; code: string }>(
    `SELECT DISTINCT map_id, land_use_code AS code FROM landuse_areas ORDER BY 1, 2`,
  );
  for (const r of rows) codesOf.set(Number(r.map_id), [...(codesOf.get(Number(r.map_id)) ?? []), r.code]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** The land-use areas drawn on screen: their map, kind (in tiles from z14) and code. */
function renderedLandUse(page: Page): Promise<Rendered[]> {
  return page.evaluate(() => {
    const { map } = (window as unknown as BandoWindow).__bando;
    return map.queryRenderedFeatures({ layers: ['landuse-fill'] }).map((f) => ({
      mapId: Number(f.properties.map_id),
      kind: (f.properties.map_kind as string | undefined) ?? null,
      code: String(f.properties.land_use_code),
    }));
  });
}

/** Opens the layers tab (a phone starts with the panel closed). */
async function openLayers(page: Page): Promise<void> {
  if (!(await page.isVisible('.layer-panel'))) await page.click('[data-tab=layers]');
  await page.waitForSelector('.landuse-switch');
}

async function legendCodes(page: Page, mapId: number): Promise<string[]> {
  const legend = page.locator(`.legend-landuse-map[data-map="${mapId}"]`);
  await legend.locator('li[data-code]').first().waitFor();
  return (await legend.locator('li[data-code]').evaluateAll((items) => items.map((li) => li.getAttribute('data-code')!))).sort();
}

async function chooseKind(page: Page, kind: 'status' | 'plan'): Promise<void> {
  await page.locator('label.segment', { has: page.locator(`#landuse-kind-${kind}`) }).click();
  await waitForMap(page);
}

const mapIds = (drawn: Rendered[]) => new Set(drawn.map((f) => f.mapId));

describe.each(['desktop', 'phone'] as const)('the land-use map on a %s', (kind) => {
  it('shows one map at a time, quy hoạch or hiện trạng, with its own legend, kept in the link across a reload', async () => {
    const { page, context, errors } = await openPage(browser, kind);
    await page.goto(`${server.url}/#c=${spot.lon.toFixed(5)},${spot.lat.toFixed(5)},15&l=landuse,roads`);
    await waitForMap(page);
    await openLayers(page);

    // A link that names no land-use map shows the current plan, and only it.
    expect(await page.isChecked('#landuse-kind-plan')).toBe(true);
    let drawn = await renderedLandUse(page);
    expect(drawn.length).toBeGreaterThan(0);
    expect(mapIds(drawn)).toEqual(new Set([planId]));
    expect(drawn.every((f) => f.kind === 'plan')).toBe(true);
    expect(await legendCodes(page, planId)).toEqual(codesOf.get(planId));
    expect(await page.locator('.legend-landuse-map .legend-map-title').innerText()).toContain('2021–2030');

    await chooseKind(page, 'status');
    drawn = await renderedLandUse(page);
    expect(drawn.length).toBeGreaterThan(0);
    expect(mapIds(drawn)).toEqual(new Set([statusId]));
    expect(drawn.every((f) => f.kind === 'status')).toBe(true);
    // The legend is the status map's: its codes, and every code drawn is in it.
    const statusLegend = await legendCodes(page, statusId);
    expect(statusLegend).toEqual(codesOf.get(statusId));
    for (const f of drawn) expect(statusLegend).toContain(f.code);
    expect(await page.locator('.legend-landuse-map .legend-map-title').innerText()).toContain('hiện trạng');
    expect(await page.evaluate(() => location.hash)).toMatch(/[#&]lu=status(&|$)/);
    // The page itself never scrolls (the panel does): the top bar and the map stay where they were.
    expect(await page.evaluate(() => document.body.scrollTop + document.documentElement.scrollTop)).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, `${kind}-landuse-status.png`) });

    // Reloading the link restores hiện trạng.
    await page.reload();
    await waitForMap(page);
    await openLayers(page);
    expect(await page.isChecked('#landuse-kind-status')).toBe(true);
    drawn = await renderedLandUse(page);
    expect(drawn.length).toBeGreaterThan(0);
    expect(mapIds(drawn)).toEqual(new Set([statusId]));

    // An older plan is picked by its period; the link names it by id.
    await chooseKind(page, 'plan');
    await page.selectOption('#landuse-map', String(oldPlanId));
    await waitForMap(page);
    drawn = await renderedLandUse(page);
    expect(drawn.length).toBeGreaterThan(0);
    expect(new Set(drawn.map((f) => `${f.mapId}:${f.code}`))).toEqual(new Set([`${oldPlanId}:LUC`]));
    expect(await legendCodes(page, oldPlanId)).toEqual(['LUC']);
    expect(await page.evaluate(() => location.hash)).toContain(`lu=plan:${oldPlanId}`);
    await page.reload();
    await waitForMap(page);
    expect(mapIds(await renderedLandUse(page))).toEqual(new Set([oldPlanId]));

    // Back to the plan in force: the default, so the link no longer names a map.
    await openLayers(page);
    await page.selectOption('#landuse-map', String(planId));
    await waitForMap(page);
    expect(mapIds(await renderedLandUse(page))).toEqual(new Set([planId]));
    expect(await page.evaluate(() => location.hash)).not.toContain('lu=');
    await page.screenshot({ path: path.join(SCREENSHOTS, `${kind}-landuse-plan.png`) });
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('switching on the land-use layer', () => {
  it('by choosing a map: the layer comes on with that map, at a low zoom too (generalized tiles carry the map id)', async () => {
    const { page, context, errors } = await openPage(browser, 'desktop');
    await page.goto(`${server.url}/#c=${spot.lon.toFixed(5)},${spot.lat.toFixed(5)},12`);
    await waitForMap(page);
    await openLayers(page);
    expect(await page.isChecked('#layer-landuse')).toBe(false);
    await chooseKind(page, 'status');
    expect(await page.isChecked('#layer-landuse')).toBe(true);
    const drawn = await renderedLandUse(page);
    expect(drawn.length).toBeGreaterThan(0);
    expect(mapIds(drawn)).toEqual(new Set([statusId]));
    const hash = await page.evaluate(() => location.hash);
    expect(hash).toMatch(/l=[^&]*landuse/);
    expect(hash).toContain('lu=status');
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('the plot form', () => {
  it('offers the crops of the server’s table (GET /api/crops), a crop added there included', async () => {
    await server.db.query(
      `INSERT INTO crops (code, name_vi, name_en, crop_type, min_area_m2) VALUES ('dragonfruit', 'Thanh long', 'Dragon fruit', 'perennial', 5000)`,
    );
    const crops = (
      await server.db.query<{ code: string; name_vi: string; name_en: string }>(`SELECT code, name_vi, name_en FROM crops ORDER BY code`)
    ).rows;
    const plot = (
      await server.db.query<{ id: number; crop: string; lon: number; lat: number }>(
        `SELECT id, crop, ST_X(ST_PointOnSurface(geom)) lon, ST_Y(ST_PointOnSurface(geom)) lat FROM plots WHERE commune_code = '29869' ORDER BY id LIMIT 1`,
      )
    ).rows[0]!;
    const { page, context, errors } = await openPage(browser, 'desktop');
    await gotoSignedIn(
      page,
      `${server.url}/#c=${Number(plot.lon).toFixed(6)},${Number(plot.lat).toFixed(6)},18&l=plots,roads`,
      ACCOUNTS.officer,
    );
    await page.click('[data-tab=tools]');
    await page.click('#edit-open');
    await page.click('#tool-select');
    const p = await screenPoint(page, [Number(plot.lon), Number(plot.lat)]);
    await page.mouse.click(p.x, p.y);
    await page.waitForSelector('#plot-save:not([disabled])');
    await page.click('#plot-save');
    const select = page.locator('#plot-form select[name=crop]');
    await page.waitForSelector('#plot-form select[name=crop]:not([aria-busy])');
    const options = await select
      .locator('option')
      .evaluateAll((list) => list.map((o) => ({ code: (o as HTMLOptionElement).value, label: o.textContent })));
    expect(options.map((o) => o.code).sort()).toEqual(crops.map((c) => c.code).sort());
    for (const c of crops) expect(options.find((o) => o.code === c.code)?.label).toBe(`${c.name_vi} / ${c.name_en}`);
    // The plot's own crop stays selected.
    expect(await select.inputValue()).toBe(plot.crop);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'desktop-plot-form-crops.png') });
    await page.keyboard.press('Escape');
    await page.waitForSelector('#plot-form', { state: 'detached' });
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('a plot’s card', () => {
  it('names the farmer, the growing area and the commune instead of their record ids, one card per feature', async () => {
    const plot = (
      await server.db.query<{ id: number; lon: number; lat: number; area: string; code: string; farmer: string; farmer_id: number }>(
        `SELECT p.id, ST_X(ST_PointOnSurface(p.geom)) lon, ST_Y(ST_PointOnSurface(p.geom)) lat, g.name area, g.code,
                fp.full_name farmer, p.farmer_id
           FROM plots p JOIN growing_areas g ON g.id = p.growing_area_id JOIN farmer_private fp ON fp.farmer_id = p.farmer_id
          WHERE p.commune_code = '29869' AND g.code IS NOT NULL AND g.status <> 'superseded' ORDER BY p.id LIMIT 1`,
      )
    ).rows[0]!;
    const commune = (await server.db.query<{ name: string }>(`SELECT name FROM admin_units WHERE code = '29869' AND valid_to IS NULL`))
      .rows[0]!.name;
    const cardOf = async (page: Page) => {
      const p = await screenPoint(page, [Number(plot.lon), Number(plot.lat)]);
      await page.mouse.click(p.x, p.y);
      const card = page.locator('.feature-card.is-primary[data-group=plots]');
      await card.locator(`dd:has-text("${plot.area}")`).waitFor();
      await card.locator(`dd:has-text("${commune}")`).waitFor();
      const rows = await card
        .locator(':scope > dl > dt')
        .evaluateAll((dts) => dts.map((dt) => [dt.textContent ?? '', dt.nextElementSibling?.textContent ?? ''] as [string, string]));
      const cards = await page
        .locator('.feature-card')
        .evaluateAll((list) => list.map((c) => `${c.getAttribute('data-group')}:${c.getAttribute('data-id')}`));
      return { rows: new Map(rows), values: rows.map(([, v]) => v), cards };
    };

    // A guest: the area and commune by name, no farmer at all.
    const guest = await openPage(browser, 'phone');
    await guest.page.goto(`${server.url}/#c=${Number(plot.lon).toFixed(6)},${Number(plot.lat).toFixed(6)},18&l=plots,roads`);
    await waitForMap(guest.page);
    const seen = await cardOf(guest.page);
    expect(seen.rows.get('Vùng trồng')).toBe(`${plot.area} ${plot.code}`);
    expect(seen.rows.get('Xã/phường')).toBe(`${commune} 29869`);
    expect(seen.rows.has('Nông hộ')).toBe(false);
    expect(new Set(seen.cards).size).toBe(seen.cards.length);
    await guest.context.close();

    // An officer of the commune: the farmer by name too, never "Nông dân 4".
    const { page, context, errors } = await openPage(browser, 'desktop');
    await gotoSignedIn(
      page,
      `${server.url}/#c=${Number(plot.lon).toFixed(6)},${Number(plot.lat).toFixed(6)},18&l=plots,roads`,
      ACCOUNTS.officer,
    );
    const officer = await cardOf(page);
    await page.locator(`.feature-card.is-primary dd:text-is("${plot.farmer}")`).waitFor();
    const again = await cardOf(page);
    expect(again.rows.get('Nông hộ')).toBe(plot.farmer);
    expect(again.rows.get('Vùng trồng')).toBe(`${plot.area} ${plot.code}`);
    expect(again.rows.get('Xã/phường')).toBe(`${commune} 29869`);
    expect([...again.rows.keys()]).not.toContain('Nông dân');
    for (const id of [String(plot.farmer_id), String(plot.id), '29869']) expect(again.values).not.toContain(id);
    expect(new Set(officer.cards).size).toBe(officer.cards.length);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'desktop-plot-card-names.png') });
    expect(errors).toEqual([]);
    await context.close();
  });
});
