// The planner's day at a desk: find a parcel by its number, read what may be built on it (zoning
// lots under their plan and approving decision, land uses per map) in Vietnamese and in English.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ACCOUNTS, openPage, SCREENSHOTS, signIn, useServerAndBrowser, waitForMap, type BandoWindow } from './harness.ts';
import { signOut } from './registry-fixtures.ts';

const env = useServerAndBrowser();

type Lot = {
  lot_code: string;
  max_far: number;
  max_height_m: number;
  plan_name: string;
  decision_no: string;
  decision_date: string;
  authority: string;
};

/** The zoning lots (approved plans) that sheet 1 parcel 10 of 29869 overlaps by more than 1 m², from the database. */
async function lotsOfParcel(): Promise<Lot[]> {
  const { rows } = await env.server.db.query<Lot>(
    `SELECT z.lot_code, z.max_far, z.max_height_m, pl.name AS plan_name, pl.decision_no, pl.decision_date, pl.authority
     FROM parcels p JOIN zoning_lots z ON ST_Intersects(z.geom, p.geom) JOIN planning_plans pl ON pl.id = z.plan_id AND pl.status = 'approved'
     WHERE p.commune_code = '29869' AND p.sheet = 1 AND p.parcel_no = 10
       AND ST_Area(ST_CollectionExtract(ST_Intersection(z.geom, p.geom), 3)::geography) > 1
     ORDER BY z.lot_code`,
  );
  return rows;
}

/** Labels of every row of every card on the details tab. */
function cardLabels(page: Page): Promise<string[]> {
  return page.locator('.feature-card dt').allInnerTexts();
}

const vnDate = (iso: string) => iso.slice(0, 10).split('-').reverse().join('/');
const vnNumber = (n: number) => String(n).replace('.', ',');

describe("a planner reading a parcel's card", () => {
  it('finds the parcel by its number and reads its lots under the plan and decision, numbers and dates in Vietnamese, land uses per map', async () => {
    const lots = await lotsOfParcel();
    expect(lots.length).toBeGreaterThanOrEqual(2);
    const maps = (await env.server.db.query<{ name: string }>(`SELECT name FROM landuse_maps ORDER BY id`)).rows.map((r) => r.name);
    const { page, context, errors } = await openPage(env.browser, 'desktop');
    try {
      await page.goto(`${env.server.url}/`);
      await waitForMap(page);
      await page.fill('#search-input', '29869 1 10');
      await page.locator('.search-hit').first().waitFor();
      expect(await page.locator('.search-hit').first().innerText()).toContain('Tờ 1 thửa 10 — Phường 1');
      await page.keyboard.press('Enter');
      const zonesTable = page.locator('.feature-card.is-primary table.shares[data-kind=zones]');
      await zonesTable.waitFor({ timeout: 60_000 });
      await waitForMap(page);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'planner-card-vi.png') });

      // The commune by its name, the code small beside it (the code alone has meant three wards); the
      // ward merged on 1 July 2025 says so and which one it is part of today.
      const primary = page.locator('.feature-card.is-primary');
      expect(await primary.locator('dd').first().innerText()).toBe('Phường 1 cũ, nay thuộc Phường Cao Lãnh 29869');

      // One heading per plan, with its approving decision dated dd/mm/yyyy.
      const plan = lots[0]!;
      const heading = zonesTable.locator('tr.shares-group th');
      expect(await heading.count()).toBe(1);
      expect(await heading.locator('.shares-title').innerText()).toBe(plan.plan_name);
      expect(await heading.locator('small').innerText()).toBe(
        `Quyết định số ${plan.decision_no} ngày ${vnDate(plan.decision_date)} của ${plan.authority}`,
      );
      for (const lot of lots) {
        const controls = await zonesTable.locator(`tr[data-code="${lot.lot_code}"] .zone-controls`).innerText();
        expect(controls).toContain(`Hệ số sử dụng đất tối đa: ${vnNumber(Number(lot.max_far))} ·`);
        expect(controls).toContain(`Chiều cao tối đa: ${vnNumber(Number(lot.max_height_m))} m`);
        expect(controls).toMatch(/Giai đoạn: (Hiện hữu|Đợt đầu|Dài hạn)$/);
      }

      // Land uses under the map they come from; no 0,0 m² boundary slivers among them.
      const landUses = primary.locator('table.shares[data-kind=landuse]');
      const mapTitles = await landUses.locator('tr.shares-group .shares-title').allInnerTexts();
      expect([...mapTitles].sort()).toEqual([...maps].sort());
      const shares = await landUses.locator('tr[data-code] td.num').allInnerTexts();
      expect(shares.length).toBeGreaterThan(0);
      expect(shares).not.toContain('0,0');
      expect(await landUses.locator('tr.shares-slivers').first().innerText()).toMatch(/^Không kể \d+ phần chạm ranh dưới 1 m²\.$/);

      // The zoning lots are off at first: one tap on the card shows the lots it lists, in the layer panel and the link too.
      const zonesShown = () => page.evaluate(() => (window as unknown as BandoWindow).__bando.control.isVisible('zones'));
      expect(await zonesShown()).toBe(false);
      await primary.locator('button.show-zones').click();
      expect(await zonesShown()).toBe(true);
      expect(new URL(page.url()).hash).toMatch(/[#&]l=[^&]*\bzones\b/);
      expect(await primary.locator('button.show-zones').count()).toBe(0);
      await waitForMap(page);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'planner-card-zones-shown.png') });

      // Today's use against the plan, in words under the land uses (both maps say ODT here).
      const comparison = primary.locator('p.plan-comparison');
      expect(await comparison.innerText()).toBe('Hiện trạng 2024 (ODT) đúng với quy hoạch 2021–2030 (ODT).');
      expect(await comparison.getAttribute('data-verdict')).toBe('matches');

      // English, one tap away, with the card open: the plan line and controls follow.
      await page.click('#lang-toggle');
      await expect
        .poll(() => heading.locator('small').innerText())
        .toBe(`Decision ${plan.decision_no} of ${plan.decision_date.slice(0, 10)} by ${plan.authority}`);
      const english = await zonesTable.locator(`tr[data-code="${plan.lot_code}"] .zone-controls`).innerText();
      expect(english).toContain(`Maximum FAR: ${Number(plan.max_far)} ·`);
      expect(english).toMatch(/Phase: (Existing|First phase|Long term)$/);
      expect(await landUses.locator('tr.shares-slivers').first().innerText()).toMatch(
        /^Left out: (1 boundary sliver|\d+ boundary slivers) under 1 m²\.$/,
      );
      expect(await comparison.innerText()).toBe('Current use 2024 (ODT) matches the 2021–2030 plan (ODT).');
      await page.screenshot({ path: path.join(SCREENSHOTS, 'planner-card-en.png') });

      // A rice field the plan makes urban land (the test seed has none: its status map is drawn from
      // the plan, so the status area under the next parcel becomes rice): the card says today's use differs.
      const next = `p.commune_code = '29869' AND p.sheet = 1 AND p.parcel_no = 11`;
      await env.server.db.query(
        `UPDATE landuse_areas SET land_use_code = 'LUC' WHERE id IN (
           SELECT l.id FROM parcels p JOIN landuse_areas l ON ST_Intersects(l.geom, p.geom) JOIN landuse_maps m ON m.id = l.map_id
           WHERE ${next} AND m.kind = 'status')`,
      );
      const codes = async (kind: string) =>
        (
          await env.server.db.query<{ code: string }>(
            `SELECT DISTINCT l.land_use_code code FROM parcels p JOIN landuse_areas l ON ST_Intersects(l.geom, p.geom)
             JOIN landuse_maps m ON m.id = l.map_id
             WHERE ${next} AND m.kind = $1 AND ST_Area(ST_CollectionExtract(ST_Intersection(l.geom, p.geom), 3)::geography) > 1`,
            [kind],
          )
        ).rows.map((r) => r.code);
      expect([await codes('status'), await codes('plan')]).toEqual([['LUC'], ['ODT']]);
      await page.fill('#search-input', '29869 1 11');
      // Enter opens the first hit of the answer to this text (search-box.ts), whenever it comes.
      await page.keyboard.press('Enter');
      await expect
        .poll(() => page.locator('.feature-card.is-primary p.plan-comparison').innerText(), { timeout: 60_000 })
        .toBe('Current use 2024 (LUC) differs from the 2021–2030 plan (ODT).');
      expect(await page.locator('.feature-card.is-primary p.plan-comparison').getAttribute('data-verdict')).toBe('differs');
      await page.screenshot({ path: path.join(SCREENSHOTS, 'planner-card-differs-en.png') });
      // The layer panel says the zoning lots are on, as the card's button turned them.
      await page.click('button.tab[data-tab="layers"]');
      expect(await page.locator('#layer-zones').isChecked()).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('labels every row of every card under the pointer in words, not property names, in both languages', async () => {
    const { page, context, errors } = await openPage(env.browser, 'desktop');
    try {
      // Zoning lots, land use (status map) and units, no parcels: the zone is under admin lines and a land-use area.
      const { rows } = await env.server.db.query<{ lon: number; lat: number }>(
        `SELECT ST_X(c) lon, ST_Y(c) lat FROM (SELECT ST_PointOnSurface(geom) c FROM zoning_lots WHERE lot_code = 'CQ-07') s`,
      );
      const { lon, lat } = rows[0]!;
      await page.goto(`${env.server.url}/#c=${lon},${lat},17&l=zones,landuse,admin&lu=status`);
      await waitForMap(page);
      const point = await page.evaluate(
        ([x, y]) => {
          const p = (
            window as unknown as { __bando: { map: { project(c: [number, number]): { x: number; y: number } } } }
          ).__bando.map.project([x!, y!]);
          return { x: p.x, y: p.y };
        },
        [Number(lon), Number(lat)],
      );
      const box = (await page.locator('#map').boundingBox())!;
      await page.mouse.click(box.x + point.x, box.y + point.y);
      await page.locator('.feature-card[data-group=zones]').waitFor();
      await page.locator('.feature-card[data-group=landuse]').first().waitFor();
      // The cards' labels come from the features API's descriptions, read once per collection.
      const raw = /^[a-z]+(_[a-z]+)+$|^(level|year)$/;
      await expect.poll(async () => (await cardLabels(page)).filter((l) => raw.test(l)), { timeout: 20_000 }).toEqual([]);
      const zoneCard = page.locator('.feature-card[data-group=zones]');
      expect(await zoneCard.innerText()).toContain('Ngày quyết định');
      // The land-use area's card names the status map it comes from (its tile has the map's id only).
      const statusName = (
        await env.server.db.query<{ name: string }>(`SELECT name FROM landuse_maps WHERE kind = 'status' ORDER BY year DESC LIMIT 1`)
      ).rows[0]!.name;
      expect(await page.locator('.feature-card[data-group=landuse]').first().innerText()).toContain(`Bản đồ\n${statusName}`);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'planner-cards-labels.png') });
      await page.click('#lang-toggle');
      await expect.poll(async () => (await zoneCard.innerText()).includes('Decision date')).toBe(true);
      expect((await cardLabels(page)).filter((l) => raw.test(l))).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('applies a share link pasted into the address bar of a tab already showing the map (only the hash changes, no reload)', async () => {
    const { page, context, errors } = await openPage(env.browser, 'desktop');
    try {
      const { rows } = await env.server.db.query<{ id: number; lon: number; lat: number }>(
        `SELECT id, ST_X(c) lon, ST_Y(c) lat FROM (SELECT id, ST_PointOnSurface(geom) c FROM zoning_lots WHERE lot_code = 'CQ-07') s`,
      );
      const lot = rows[0]!;
      const statusMap = (await env.server.db.query<{ id: number }>(`SELECT id FROM landuse_maps WHERE kind = 'status' ORDER BY id LIMIT 1`))
        .rows[0]!;
      await page.goto(`${env.server.url}/`);
      await waitForMap(page);
      await page.evaluate(() => ((window as unknown as { __loadedOnce: boolean }).__loadedOnce = true));
      const link = `#c=${Number(lot.lon).toFixed(5)},${Number(lot.lat).toFixed(5)},17&l=zones,landuse,admin&o=zones:60&lu=status&s=zones:${lot.id}&lang=en`;
      await page.goto(`${env.server.url}/${link}`);
      // The same document: nothing was reloaded.
      expect(await page.evaluate(() => (window as unknown as { __loadedOnce?: boolean }).__loadedOnce)).toBe(true);
      await page.locator(`.feature-card.is-primary[data-group=zones][data-id="${lot.id}"]`).waitFor({ timeout: 30_000 });
      await waitForMap(page);
      const view = await page.evaluate(() => {
        const { map, control } = (window as unknown as BandoWindow).__bando;
        const c = map.getCenter();
        return {
          lon: c.lng,
          lat: c.lat,
          zoom: map.getZoom(),
          zones: control.isVisible('zones'),
          parcels: control.isVisible('parcels'),
          landuse: control.isVisible('landuse'),
          zonesOpacity: map.getPaintProperty('zones-line', 'line-opacity'),
          landuseFilter: JSON.stringify(map.getFilter('landuse-fill')),
        };
      });
      expect(view.lon).toBeCloseTo(Number(lot.lon), 4);
      expect(view.lat).toBeCloseTo(Number(lot.lat), 4);
      expect(view.zoom).toBe(17);
      expect([view.zones, view.landuse, view.parcels]).toEqual([true, true, false]);
      expect(view.zonesOpacity).toBeCloseTo(0.6, 5);
      expect(view.landuseFilter).toBe(JSON.stringify(['==', ['get', 'map_id'], Number(statusMap.id)]));
      // The language of the link, and the card of the lot it selects.
      expect(await page.locator('#lang-toggle').innerText()).toBe('Tiếng Việt');
      expect(await page.locator('.feature-card.is-primary h3').innerText()).toBe('Zoning lot CQ-07');
      await page.screenshot({ path: path.join(SCREENSHOTS, 'planner-pasted-link.png') });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('the layers a planner starts from', () => {
  /** Each group's visibility on the map, the layer panel's checkbox for it, and the zoning lots drawn. */
  const layers = (page: Page) =>
    page.evaluate(() => {
      const { map, control } = (window as unknown as BandoWindow).__bando;
      const groups = ['zones', 'landuse', 'parcels', 'growing_areas', 'plots', 'products'];
      const zoneLayers = map
        .getStyle()
        .layers.filter((l) => (l.metadata as Record<string, string> | undefined)?.['bando:group'] === 'zones');
      return {
        shown: groups.filter((g) => control.isVisible(g)),
        ticked: groups.filter((g) => document.querySelector<HTMLInputElement>(`#layer-${g}`)?.checked),
        zonesDrawn: map.queryRenderedFeatures({ layers: zoneLayers.map((l) => l.id) }).length,
        link: location.hash,
      };
    });
  const GUEST = ['parcels', 'growing_areas', 'plots', 'products'];
  const PLANNER = ['zones', 'parcels'];

  it('signing in moves a view left at the defaults to the zoning plans, farm layers off, and its link names them for whoever opens it; a fresh load keeps them; signing out gives a guest’s back; layers chosen by hand stay', async () => {
    const { page, context, errors } = await openPage(env.browser, 'desktop');
    try {
      await page.goto(`${env.server.url}/`);
      await waitForMap(page);
      const guest = await layers(page);
      expect(guest.shown).toEqual(GUEST);
      expect(guest.ticked).toEqual(GUEST);
      expect(guest.zonesDrawn).toBe(0);

      await signIn(page, ACCOUNTS.planner);
      await waitForMap(page);
      const planner = await layers(page);
      expect(planner.shown).toEqual(PLANNER);
      expect(planner.ticked).toEqual(PLANNER);
      // The zoning lots are drawn, not only switched on; the link names the layers, so whoever opens
      // it (a guest, an officer) sees the zoning too.
      expect(planner.zonesDrawn).toBeGreaterThan(0);
      expect(planner.link).toMatch(/[#&]l=water,parcels,zones,roads,admin(&|$)/);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'planner-signed-in-layers.png') });

      // Opened again with the session, from a link that names no layers: the planner's layers from the first frame.
      await page.goto(`${env.server.url}/`);
      await waitForMap(page);
      expect((await layers(page)).shown).toEqual(PLANNER);

      // The planner's link opened by a guest (another tab): the zoning shows there too.
      const shared = await openPage(env.browser, 'desktop');
      try {
        await shared.page.goto(`${env.server.url}/${planner.link}`);
        await waitForMap(shared.page);
        expect((await layers(shared.page)).shown).toEqual(PLANNER);
        expect(shared.errors).toEqual([]);
      } finally {
        await shared.context.close();
      }

      await signOut(page);
      await waitForMap(page);
      expect((await layers(page)).shown).toEqual(GUEST);
      expect((await layers(page)).ticked).toEqual(GUEST);
      expect((await layers(page)).link).not.toMatch(/[#&]l=/);

      // A guest who switched the plots off by hand: signing in keeps what they chose, zoning stays off.
      await page.locator('#layer-plots').uncheck();
      await expect.poll(async () => (await layers(page)).link).toMatch(/[#&]l=/);
      await signIn(page, ACCOUNTS.planner);
      await waitForMap(page);
      expect((await layers(page)).shown).toEqual(['parcels', 'growing_areas', 'products']);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
