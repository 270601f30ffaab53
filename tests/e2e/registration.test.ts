// The officer's registration work in the browser: deleting a saved plot (confirmation, ETag, 412
// choice, 409 for a plot of an issued growing area, undo that never resurrects it on the server),
// assembling plots into a growing area (the server's refusals shown, nothing written), and walking
// a boundary with the phone's GPS (Chromium's emulated geolocation, accuracy gate, pause/resume).
import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Browser, Page } from 'playwright-core';
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
import { freeSpots } from './registry-fixtures.ts';

type LonLat = [number, number];
type Win = BandoWindow & { __bandoLastSaved?: { id: number } };

const WARD = '29869';
const PHONE = { width: 393, height: 851 };
const DESKTOP = { width: 1280, height: 800 };

let server: TestServer;
let browser: Browser;
let officer: Record<string, string>;
let admin: Record<string, string>;
/** Centres of empty ground in the officer's ward: no plot within ~150 m, ~140 m squares inside the ward. */
let spots: LonLat[];

async function bearer(account: { username: string; password: string }): Promise<Record<string, string>> {
  const login = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(account),
  });
  return { Authorization: `Bearer ${((await login.json()) as { token: string }).token}` };
}

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  [officer, admin] = await Promise.all([bearer(ACCOUNTS.officer), bearer(ACCOUNTS.admin)]);
  // Spots far enough apart that one test's plots never touch another's.
  spots = await freeSpots(server, WARD, 3, 0.003);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A point east/north of another by metres (local flat approximation, fine over 100 m). */
function offset([lon, lat]: LonLat, eastM: number, northM: number): LonLat {
  return [lon + eastM / (111_320 * Math.cos((lat * Math.PI) / 180)), lat + northM / 110_574];
}

/** A square plot of the given side (m) centred on a point, as a GeoJSON polygon. */
function square(centre: LonLat, sideM: number) {
  const h = sideM / 2;
  const ring = [offset(centre, -h, -h), offset(centre, h, -h), offset(centre, h, h), offset(centre, -h, h)];
  return { type: 'Polygon' as const, coordinates: [[...ring, ring[0]!]] };
}

/** Creates a plot through the features API as the officer; answers its id. */
async function createPlot(centre: LonLat, sideM: number, crop: string): Promise<number> {
  const response = await fetch(`${server.url}/ogc/collections/plots/items`, {
    method: 'POST',
    headers: { ...officer, 'Content-Type': 'application/geo+json' },
    body: JSON.stringify({ type: 'Feature', geometry: square(centre, sideM), properties: { crop } }),
  });
  if (response.status !== 201) throw new Error(`plot not created: ${response.status} ${await response.text()}`);
  return Number(((await response.json()) as { id: number }).id);
}

/** Ids of the plots drawn from the `plots` tiles now on screen. */
async function renderedPlotIds(page: Page): Promise<number[]> {
  return page.evaluate(() =>
    (window as unknown as BandoWindow).__bando.map.queryRenderedFeatures({ layers: ['plots-fill'] }).map((f) => Number(f.id)),
  );
}

/** Opens the map at a place as the officer with the editor open. */
async function openEditorAt(page: Page, at: LonLat, zoom: number): Promise<void> {
  await gotoSignedIn(page, `${server.url}/#c=${at[0].toFixed(6)},${at[1].toFixed(6)},${zoom}&l=parcels,plots,roads`, ACCOUNTS.officer);
  await page.click('[data-tab=tools]');
  await page.click('#edit-open');
  await page.waitForSelector('#tool-draw');
  // On a phone the tools sheet gets out of the way of the map by itself.
  if ((page.viewportSize()?.width ?? 1280) < 760) expect(await page.locator('#panel.is-open').count()).toBe(0);
}

/** A sample plot of an issued growing area in the ward (the first or last by id), opened in the editor and selected. */
async function selectIssuedPlot(order: 'ASC' | 'DESC') {
  const plot = (
    await server.db.query<{ id: number; area: number; lon: number; lat: number; variety: string | null }>(
      `SELECT p.id, g.id AS area, p.variety, ST_X(ST_PointOnSurface(p.geom)) lon, ST_Y(ST_PointOnSurface(p.geom)) lat
         FROM plots p JOIN growing_areas g ON g.id = p.growing_area_id
        WHERE g.status = 'issued' AND p.commune_code = $1 ORDER BY p.id ${order} LIMIT 1`,
      [WARD],
    )
  ).rows[0]!;
  const at: LonLat = [Number(plot.lon), Number(plot.lat)];
  const opened = await openPage(browser, 'desktop');
  await openEditorAt(opened.page, at, 18);
  await opened.page.click('#tool-select');
  const p = await screenPoint(opened.page, at);
  await opened.page.mouse.click(p.x, p.y);
  await opened.page.waitForSelector('#plot-save:not([disabled])');
  return { plot, ...opened };
}

/** Shoots the page at a viewport, and answers the smallest height of the visible buttons matching the selector. */
async function shoot(page: Page, name: string, size: { width: number; height: number }, buttons: string): Promise<number> {
  await page.setViewportSize(size);
  // A desk page narrowed to a phone keeps its side panel open as a bottom sheet; an officer on a
  // phone works with it closed (the editor closes it there).
  if (size.width < 760 && (await page.locator('#panel.is-open').count())) {
    // Programmatically: an open modal dialog makes the tab bar inert to the pointer.
    await page.evaluate(() => (document.querySelector('.tab.is-active') as HTMLElement).click());
  }
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
  return page.$$eval(buttons, (els) =>
    Math.min(
      ...els
        .map((e) => e.getBoundingClientRect())
        .filter((r) => r.width > 0)
        .map((r) => r.height),
    ),
  );
}

/** The failed requests a test provoked on purpose are not errors. */
function unexpected(errors: string[], expected: RegExp): string[] {
  return errors.filter((e) => !expected.test(e));
}

describe('deleting a saved plot', () => {
  it('asks first, answers a stale ETag with the reload choice, deletes the row and its tiles, and undo brings back only an unsaved drawing', async () => {
    const centre = spots[0]!;
    const plotId = await createPlot(centre, 30, 'vegetable');
    const { page, context, errors } = await openPage(browser, 'desktop');
    await openEditorAt(page, centre, 18);
    expect(await renderedPlotIds(page)).toContain(plotId);

    await page.click('#tool-select');
    const p = await screenPoint(page, centre);
    await page.mouse.click(p.x, p.y);
    await page.waitForSelector('#plot-save:not([disabled])');

    // Someone else edits the plot after the officer opened it: the delete's ETag is stale.
    const url = `${server.url}/ogc/collections/plots/items/${plotId}`;
    const etag = (await fetch(url, { headers: admin })).headers.get('etag')!;
    const patch = await fetch(url, {
      method: 'PATCH',
      headers: { ...admin, 'Content-Type': 'application/merge-patch+json', 'If-Match': etag },
      body: JSON.stringify({ properties: { variety: 'Cải ngọt' } }),
    });
    expect(patch.status).toBe(200);

    await page.click('#tool-delete');
    await page.waitForSelector('#delete-dialog');
    expect(await page.locator('#delete-dialog').innerText()).toContain(`#${plotId}`);
    // Enter on the open dialog must not delete: the focus is on Cancel.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('delete-cancel');
    expect(await shoot(page, 'desktop-delete-dialog', DESKTOP, '#delete-dialog button')).toBeGreaterThanOrEqual(40);
    expect(await shoot(page, 'phone-delete-dialog', PHONE, '#delete-dialog button')).toBeGreaterThanOrEqual(44);
    await page.setViewportSize(DESKTOP);
    await page.click('#delete-confirm');
    await page.waitForSelector('#conflict-dialog');
    expect(await page.locator('#conflict-overwrite').innerText()).toBe('Vẫn xoá bản mới nhất');
    await page.click('#conflict-compare');
    await page.waitForSelector('#conflict-dialog .conflict-compare table');
    expect(await page.locator('#conflict-dialog .conflict-compare').innerText()).toContain('Cải ngọt');
    await page.click('#conflict-reload');
    await page.waitForSelector('#conflict-dialog', { state: 'detached' });
    expect((await server.db.query('SELECT 1 FROM plots WHERE id = $1', [plotId])).rows).toHaveLength(1);

    // With the reloaded ETag the delete goes through.
    await page.click('#tool-delete');
    await page.click('#delete-confirm');
    await page.waitForSelector('#delete-dialog', { state: 'detached' });
    await expect.poll(async () => (await fetch(url, { headers: officer })).status).toBe(404);
    expect((await server.db.query('SELECT 1 FROM plots WHERE id = $1', [plotId])).rows).toHaveLength(0);
    const log = await server.db.query<{ action: string; username: string }>(
      `SELECT l.action, u.username FROM edit_log l JOIN users u ON u.id = l.user_id WHERE l.collection = 'plots' AND l.feature_id = $1 ORDER BY l.id DESC LIMIT 1`,
      [String(plotId)],
    );
    expect(log.rows[0]).toEqual({ action: 'delete', username: 'officer' });
    // The editor asked for fresh tiles: the plot is gone from what the map draws.
    await expect.poll(async () => (await waitForMap(page), await renderedPlotIds(page)), { timeout: 20_000 }).not.toContain(plotId);

    // Undo brings the shape back as an unsaved drawing; the server stays without the plot.
    await page.click('#tool-undo');
    await page.waitForSelector('#restored-note');
    expect(await page.locator('#restored-note').innerText()).toContain(`#${plotId}`);
    expect((await server.db.query('SELECT 1 FROM plots WHERE id = $1', [plotId])).rows).toHaveLength(0);
    expect(unexpected(errors, /412|404/)).toEqual([]);
    await context.close();
  });

  it('explains in words why a plot of a growing area with an issued code cannot be deleted, and keeps it', async () => {
    const { plot, page, context, errors } = await selectIssuedPlot('ASC');
    await page.click('#tool-delete');
    await page.click('#delete-confirm');
    await page.waitForSelector('#delete-error:not(:empty)');
    const message = await page.locator('#delete-error').innerText();
    expect(message).toContain(`#${plot.id}`);
    expect(message).toContain(`#${plot.area}`);
    expect(message).toContain('Đã cấp mã');
    expect(await page.isVisible('#delete-confirm')).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'desktop-delete-refused.png') });
    expect((await server.db.query('SELECT 1 FROM plots WHERE id = $1', [plot.id])).rows).toHaveLength(1);
    expect(unexpected(errors, /409/)).toEqual([]);
    await context.close();
  });
});

describe('saving a plot of a locked growing area', () => {
  it('explains in words why a plot of a growing area with an issued code cannot be changed, and writes nothing', async () => {
    const { plot, page, context, errors } = await selectIssuedPlot('DESC');
    const logged = async () =>
      (await server.db.query(`SELECT count(*)::int AS n FROM edit_log WHERE collection = 'plots' AND feature_id = $1`, [String(plot.id)]))
        .rows[0];
    const before = await logged();
    await page.click('#plot-save');
    await page.fill('#plot-form input[name=variety]', 'Giống mới');
    await page.click('#plot-form-save');
    const toast = page.locator('#toasts', { hasText: 'Không lưu được' });
    await toast.waitFor();
    const message = await toast.innerText();
    expect(message).toContain(`#${plot.id}`);
    expect(message).toContain(`#${plot.area}`);
    expect(message).toContain('Đã cấp mã');
    const row = (await server.db.query<{ variety: string | null }>('SELECT variety FROM plots WHERE id = $1', [plot.id])).rows[0];
    expect(row?.variety).toBe(plot.variety);
    expect(await logged()).toEqual(before);
    expect(unexpected(errors, /409/)).toEqual([]);
    await context.close();
  });
});

describe('saving a plot against its draft growing area’s crop', () => {
  it('explains in Vietnamese, the plot, both crops and the area named, why a plot of a vegetable draft cannot turn to mango, and writes nothing', async () => {
    // North of the first spot's plot, well clear of it and inside the ward (the spot has 75 m of ward on every side).
    const centre = offset(spots[0]!, 0, 55);
    const plotId = await createPlot(centre, 20, 'vegetable');
    const created = await fetch(`${server.url}/api/growing-areas`, {
      method: 'POST',
      headers: { ...officer, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        name: 'Vùng rau An Bình',
        scheme: 'domestic-3156',
        crop: 'vegetable',
        communeCode: WARD,
        registrantName: 'HTX Rau An Bình',
        plotIds: [plotId],
      }),
    });
    expect(created.status).toBe(201);
    const areaId = Number(((await created.json()) as { id: number }).id);
    const stored = async () =>
      (
        await server.db.query<{ crop: string; growing_area_id: number; logged: number }>(
          `SELECT crop, growing_area_id, (SELECT count(*)::int FROM edit_log WHERE collection = 'plots' AND feature_id = $2) AS logged
             FROM plots WHERE id = $1`,
          [plotId, String(plotId)],
        )
      ).rows[0];
    const before = await stored();
    expect(before).toMatchObject({ crop: 'vegetable', growing_area_id: areaId });

    const { page, context, errors } = await openPage(browser, 'desktop');
    await openEditorAt(page, centre, 18);
    await page.click('#tool-select');
    const p = await screenPoint(page, centre);
    await page.mouse.click(p.x, p.y);
    await page.waitForSelector('#plot-save:not([disabled])');
    await page.click('#plot-save');
    await page.waitForSelector('#plot-form select[name=crop]:not([aria-busy])');
    await page.selectOption('#plot-form select[name=crop]', 'mango');
    await page.click('#plot-form-save');
    const toast = page.locator('#toasts .toast-error', { hasText: 'Không lưu được' });
    await toast.waitFor();
    expect(await toast.innerText()).toContain(
      `Không lưu được: thửa #${plotId} thuộc vùng trồng “Vùng rau An Bình” (#${areaId}), vùng này trồng rau màu nên thửa không đổi sang trồng xoài được: giữ cây trồng rau màu, hoặc đưa thửa ra khỏi vùng trồng trước rồi mới đổi cây trồng.`,
    );
    // At most three messages at once (sign-in, opening the tools, saving and this refusal came in a
    // few seconds); the refusal stays while older information gives way.
    expect(await page.locator('#toasts .toast').count()).toBeLessThanOrEqual(3);
    // Messages stand beside the editor card, not over its buttons.
    const card = await page.locator('.editor-card').boundingBox();
    const toasts = await page.locator('#toasts').boundingBox();
    expect(
      card && toasts && (toasts.x >= card.x + card.width || toasts.y >= card.y + card.height || toasts.y + toasts.height <= card.y),
    ).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'desktop-save-crop-mismatch.png') });
    // The server's row and its edit log are as they were, and so is the answer to the API.
    expect(await stored()).toEqual(before);
    const api = (await (await fetch(`${server.url}/ogc/collections/plots/items/${plotId}`, { headers: officer })).json()) as {
      properties: { crop: string; growing_area_id: number };
    };
    expect(api.properties).toMatchObject({ crop: 'vegetable', growing_area_id: areaId });
    expect(unexpected(errors, /422/)).toEqual([]);
    await context.close();
  });
});

describe('assembling plots into a growing area', () => {
  it('shows the server’s refusal of mixed crops without writing, will not create a draft below the minimum area (saying why), and creates and submits one that reaches it', async () => {
    const centre = spots[1]!;
    const places = { v1: offset(centre, -30, 0), v2: offset(centre, 0, 0), m1: offset(centre, 30, 0), v3: offset(centre, 0, -30) };
    // 20 m squares: two of them (≈ 800 m²) stay under the 0.1 ha an annual crop needs; a third of 25 m (≈ 625 m²) reaches it.
    const ids = {
      v1: await createPlot(places.v1, 20, 'vegetable'),
      v2: await createPlot(places.v2, 20, 'vegetable'),
      m1: await createPlot(places.m1, 20, 'mango'),
      v3: await createPlot(places.v3, 25, 'vegetable'),
    };
    const areasBefore = Number((await server.db.query<{ n: number }>('SELECT count(*)::int n FROM growing_areas')).rows[0]!.n);
    const { page, context, errors } = await openPage(browser, 'desktop');
    await openEditorAt(page, centre, 18);
    await page.click('#tool-assemble');
    await page.waitForSelector('#assemble-panel');
    // The desktop here is 1024 px wide, as a tablet: the panel reaches past the middle of the map,
    // where the officer was looking. The map moved those plots out from under it, right of the panel.
    const middle = await screenPoint(page, centre);
    const panel = (await page.locator('.editor-card').boundingBox())!;
    expect(middle.x).toBeGreaterThan(panel.x + panel.width);
    expect(await page.evaluate(([x, y]) => document.elementFromPoint(x!, y!)?.tagName, [middle.x, middle.y])).toBe('CANVAS');
    // No plots, no growing area: the form cannot be sent empty.
    expect(await page.isDisabled('#area-create')).toBe(true);
    const pick = async (at: LonLat, n: number) => {
      const p = await screenPoint(page, at);
      await page.mouse.click(p.x, p.y);
      await page.waitForSelector(`#assemble-count[data-n="${n}"]`);
    };
    await pick(places.v1, 1);
    await pick(places.m1, 2);
    // The live check already says it (the same rule the server applies) ...
    expect(await page.locator('#area-verdict').innerText()).toContain('cùng một loại cây trồng');
    // ... as the phone's bar does (kept, hidden, on a desk): its red line leaves no plot out of the
    // total for a mix, it says the mix.
    expect(await page.getAttribute('#assemble-pick-bar-refused', 'data-mixed')).toBe('true');
    expect(await page.getAttribute('#assemble-pick-bar-refused', 'data-n')).toBe('0');
    await page.fill('#assemble-form input[name=name]', 'Vùng rau an toàn Tân Thuận');
    await page.fill('#assemble-form input[name=registrant]', 'HTX Rau an toàn Tân Thuận');
    // ... and the server refuses, its reason put in the officer's words (plot and both crops named); nothing is written.
    await page.click('#area-create');
    await page.waitForSelector('#assemble-message.form-error');
    expect(await page.locator('#assemble-message').innerText()).toContain(
      `Chưa tạo được vùng trồng: thửa #${ids.m1} trồng xoài, còn vùng trồng “Vùng rau an toàn Tân Thuận” trồng rau màu: bỏ thửa khỏi danh sách đã chọn`,
    );
    await page.screenshot({ path: path.join(SCREENSHOTS, 'desktop-assemble-refused.png') });
    expect(Number((await server.db.query<{ n: number }>('SELECT count(*)::int n FROM growing_areas')).rows[0]!.n)).toBe(areasBefore);
    const free = await server.db.query('SELECT id FROM plots WHERE id = ANY($1) AND growing_area_id IS NULL', [Object.values(ids)]);
    expect(free.rows).toHaveLength(4);

    // The mango plot leaves the list from the form, the second vegetable plot joins from the map.
    await page.click(`#assemble-plots li[data-id="${ids.m1}"] button`);
    await page.waitForSelector('#assemble-count[data-n="1"]');
    await pick(places.v2, 2);
    expect(await page.locator('#area-verdict').innerText()).toContain('chưa đạt tối thiểu');
    // Below the minimum the draft would be a trap (it cannot be submitted, and the web adds no plot to
    // a draft): the button waits, its reason beside it and read with it.
    expect(await page.isDisabled('#area-create')).toBe(true);
    expect(await page.locator('#area-create-blocked').innerText()).toMatch(
      /^Chưa tạo được vùng trồng: tổng diện tích 0,0\d ha, còn thiếu 0,\d\d ha so với mức tối thiểu 0,1 ha cho cây hằng năm\. Hãy chọn thêm thửa trên bản đồ\.$/,
    );
    expect(await page.getAttribute('#area-create', 'aria-describedby')).toBe('area-create-blocked');
    expect(await page.locator('#area-create-blocked').isVisible()).toBe(true);
    // Enter in a field does not send it either (the form's submit button is disabled).
    let posts = 0;
    const countPosts = (r: { method(): string; url(): string }) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/growing-areas') posts++;
    };
    page.on('request', countPosts);
    await page.press('#assemble-form input[name=name]', 'Enter');
    await page.waitForTimeout(500);
    expect(posts).toBe(0);
    expect(await page.locator('#area-created').count()).toBe(0);
    expect(Number((await server.db.query<{ n: number }>('SELECT count(*)::int n FROM growing_areas')).rows[0]!.n)).toBe(areasBefore);
    expect(await shoot(page, 'desktop-assemble', DESKTOP, '#assemble-panel button, #assemble-panel input')).toBeGreaterThanOrEqual(40);
    expect(await shoot(page, 'phone-assemble', PHONE, '#assemble-panel button, #assemble-panel input')).toBeGreaterThanOrEqual(44);
    await page.setViewportSize(DESKTOP);
    await page.locator('#area-create-blocked').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'desktop-assemble-below-minimum.png') });

    // A third plot reaches the minimum: the reason goes, the button sends.
    await pick(places.v3, 3);
    expect(await page.locator('#area-verdict').innerText()).toMatch(/^Tổng diện tích 0,1\d ha; tối thiểu 0,1 ha cho cây hằng năm\. ✓$/);
    expect(await page.locator('#area-create-blocked').count()).toBe(0);
    expect(await page.getAttribute('#area-create', 'aria-describedby')).toBeNull();
    expect(await page.isDisabled('#area-create')).toBe(false);
    await page.click('#area-create');
    const created = Number(await page.getAttribute('#area-created', 'data-id', { timeout: 30_000 }));
    const area = (await (await fetch(`${server.url}/api/growing-areas/${created}`, { headers: officer })).json()) as {
      status: string;
      crop: string;
      name: string;
      plots: { id: number }[];
      area_m2: number;
    };
    expect(area.status).toBe('draft');
    expect(area.crop).toBe('vegetable');
    expect(area.name).toBe('Vùng rau an toàn Tân Thuận');
    expect(area.plots.map((p) => Number(p.id)).sort()).toEqual([ids.v1, ids.v2, ids.v3].sort());
    expect(area.area_m2).toBeGreaterThan(1300);
    expect(area.area_m2).toBeLessThan(1550);

    // The draft reaches the minimum, but its plots have no farmer and its profile is empty (audit s16):
    // the submit is refused, each plot and each field named, nothing written.
    await page.click('#area-submit');
    await page.waitForSelector('#assemble-message.form-error:has-text("hồ sơ chưa đủ")');
    // The keyboard is on the answer, not lost to the page's start (audit s16).
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('assemble-message');
    const incomplete = await page.locator('#assemble-message').innerText();
    expect(incomplete).toMatch(/^Chưa nộp được hồ sơ: hồ sơ chưa đủ: 3 thửa chưa có nông hộ: /);
    for (const id of [ids.v1, ids.v2, ids.v3]) expect(incomplete).toContain(`#${id}`);
    expect(incomplete).toContain('; còn trống Số hộ, Cán bộ kỹ thuật, Sản lượng dự kiến (tấn). Bổ sung rồi gửi lại.');
    const still = await server.db.query<{ status: string; transitions: number }>(
      'SELECT status, (SELECT count(*)::int FROM growing_area_transitions t WHERE t.growing_area_id = g.id) transitions FROM growing_areas g WHERE id = $1',
      [created],
    );
    expect(still.rows[0]).toEqual({ status: 'draft', transitions: 0 });
    // The farmers and the profile given (the plot cards' and the draft card's forms, here in SQL): the dossier goes.
    await server.db.query('UPDATE plots SET farmer_id = (SELECT min(id) FROM farmers) WHERE id = ANY($1)', [[ids.v1, ids.v2, ids.v3]]);
    await server.db.query(
      `UPDATE growing_areas SET households = 3, technical_officer = 'Nguyễn Thị Ánh Hồng', expected_yield_tonnes = 4.5 WHERE id = $1`,
      [created],
    );
    await page.click('#area-submit');
    await page.waitForSelector('#assemble-message:not(.form-error)');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('assemble-message');
    expect(await page.locator('#assemble-message').innerText()).toBe(`Đã nộp hồ sơ vùng trồng #${created}.`);
    const after = await server.db.query<{ status: string; transitions: number }>(
      'SELECT status, (SELECT count(*)::int FROM growing_area_transitions t WHERE t.growing_area_id = g.id) transitions FROM growing_areas g WHERE id = $1',
      [created],
    );
    expect(after.rows[0]).toEqual({ status: 'submitted', transitions: 1 });
    expect(unexpected(errors, /422/)).toEqual([]);
    await context.close();
  });
});

describe('assembling a new growing area on a 360 px phone', () => {
  it('folds the panel to a bar at the bottom while plots are picked: a plot where the panel stood is tapped and picked, its “Xem danh sách” (not a second “Xong” beside the editor’s) opens the list, Huỷ ends it with nothing written; a desk keeps its panel', async () => {
    // South of the first spot's plots, inside its free ground (~75 m of ward on every side).
    const at = offset(spots[0]!, 0, -50);
    const plotId = await createPlot(at, 25, 'vegetable');
    const areasBefore = Number((await server.db.query<{ n: number }>('SELECT count(*)::int n FROM growing_areas')).rows[0]!.n);
    const { page, context, errors } = await openPage(browser, 'phone');
    await page.setViewportSize({ width: 360, height: 740 });
    await openEditorAt(page, at, 18);
    await page.click('#tool-assemble');
    await page.waitForSelector('#assemble-pick-bar', { state: 'visible' });
    // The bar is drawn again as the picking starts (its figures): measure the one that stays.
    let barBox: { x: number; y: number; width: number; height: number } | null = null;
    await expect
      .poll(
        async () =>
          (barBox = await page
            .locator('#assemble-pick-bar')
            .boundingBox()
            .catch(() => null)) !== null,
        { timeout: 10_000 },
      )
      .toBe(true);
    const bar = barBox!;
    expect(bar.y + bar.height).toBeLessThanOrEqual(740 + 1);
    expect(bar.height).toBeLessThan(740 * 0.25);
    expect(await page.locator('#assemble-form').isVisible()).toBe(false);
    expect(await page.textContent('#assemble-pick-bar-title')).toBe('Chọn thửa cho vùng trồng mới');
    expect(await page.textContent('#assemble-pick-bar-figures')).toBe('Đã chọn 0 thửa (0,00 ha)');
    // The bar's button says what it does: it opens the list. The one 'Xong' on the screen is the
    // editor's toolbar's, which closes the editor.
    expect(await page.textContent('#assemble-pick-done')).toBe('Xem danh sách');
    expect(await page.textContent('#assemble-pick-cancel')).toBe('Huỷ');
    const xong = await page
      .locator('button')
      .evaluateAll((els) =>
        els
          .filter((el) => el.textContent?.trim() === 'Xong' && el.getClientRects().length && getComputedStyle(el).visibility === 'visible')
          .map((el) => el.id),
      );
    expect(xong).toEqual(['tool-done']);
    // Its words on one line in its half of the bar at 360 px.
    const reviewLines = await page.locator('#assemble-pick-done').evaluate((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
    });
    expect(reviewLines).toBe(1);
    // Where the panel stands when open: 'Xem danh sách' shows it, 'Chọn tiếp trên bản đồ' folds it again.
    await page.click('#assemble-pick-done');
    await page.waitForSelector('#assemble-pick-bar', { state: 'detached' });
    expect(await page.locator('#assemble-form').isVisible()).toBe(true);
    const panelTop = (await page.locator('.editor-card').boundingBox())!.y;
    expect(panelTop).toBeLessThan(740 * 0.6);
    await page.click('#assemble-fold');
    await page.waitForSelector('#assemble-pick-bar', { state: 'visible' });

    // The plot moved to where the open panel stood, above the bar: the map itself takes the tap there.
    const box = (await page.locator('#map').boundingBox())!;
    const targetY = (panelTop + bar.y) / 2;
    await page.evaluate(
      ([lonLat, dy]) => {
        const map = (window as unknown as BandoWindow).__bando.map;
        map.jumpTo({ center: lonLat });
        map.panBy([0, -dy], { animate: false });
      },
      [at, targetY - (box.y + box.height / 2)] as const,
    );
    const spot = await screenPoint(page, at);
    expect(spot.y).toBeGreaterThan(panelTop);
    expect(spot.y).toBeLessThan(bar.y);
    expect(await page.evaluate(([x, y]) => document.elementFromPoint(x, y)?.closest('#map') !== null, [spot.x, spot.y] as const)).toBe(
      true,
    );
    await page.waitForFunction(
      ([x, y, id]) =>
        (window as unknown as BandoWindow).__bando.map
          .queryRenderedFeatures([x, y], { layers: ['plots-fill'] })
          .some((f) => Number(f.id) === id),
      [spot.x - box.x, spot.y - box.y, plotId] as const,
      { timeout: 30_000 },
    );
    await page.touchscreen.tap(spot.x, spot.y);
    await page.waitForSelector('#assemble-pick-bar-figures[data-n="1"]');
    const m2 = Number((await server.db.query<{ m2: number }>('SELECT area_m2 m2 FROM plots WHERE id = $1', [plotId])).rows[0]!.m2);
    const ha = (m2 / 10000).toFixed(2).replace('.', ',');
    // One 25 m square is below the 0.1 ha an annual crop needs.
    expect(await page.textContent('#assemble-pick-bar-figures')).toBe(`✗ Đã chọn 1 thửa (${ha} ha), tối thiểu 0,1 ha`);
    expect(await page.getAttribute('#assemble-pick-bar-figures', 'data-ok')).toBe('false');
    expect(await page.locator('#assemble-pick-bar-refused').count()).toBe(0);
    expect((await page.locator('#assemble-pick-bar').boundingBox())!.height).toBeLessThan(740 * 0.25);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'assemble-pick-bar-360.png') });

    // 'Xem danh sách': the panel opens on the plot picked and the form, nothing wider than the screen.
    await page.click('#assemble-pick-done');
    await page.waitForSelector(`#assemble-plots li[data-id="${plotId}"]`, { state: 'visible' });
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('assemble-hint');
    const wide = await page
      .locator('#assemble-panel button, #assemble-panel input, #assemble-panel li')
      .evaluateAll((els) => els.filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1).length);
    expect(wide).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'assemble-pick-done-360.png') });
    // A name typed shows in the bar once folded again.
    await page.fill('#assemble-form input[name=name]', 'Vùng rau Tân Thuận');
    await page.click('#assemble-fold');
    await page.waitForSelector('#assemble-pick-bar-figures[data-n="1"]', { state: 'visible' });
    expect(await page.textContent('#assemble-pick-bar-title')).toBe('Chọn thửa cho vùng trồng mới “Vùng rau Tân Thuận”');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('assemble-pick-bar');

    // A desk keeps its side card: no bar, the list and the form in view.
    await page.setViewportSize(DESKTOP);
    expect(await page.locator('#assemble-pick-bar').isVisible()).toBe(false);
    expect(await page.locator('#assemble-form').isVisible()).toBe(true);
    expect(await page.locator(`#assemble-plots li[data-id="${plotId}"]`).isVisible()).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'assemble-pick-desktop.png') });
    await page.setViewportSize({ width: 360, height: 740 });

    // 'Huỷ' ends the assembling: the panel and the outline go, the tool is no longer pressed, nothing is written.
    await page.click('#assemble-pick-cancel');
    await page.waitForSelector('#assemble-panel', { state: 'detached' });
    expect(await page.getAttribute('#tool-assemble', 'aria-pressed')).toBe('false');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('tool-assemble');
    expect(Number((await server.db.query<{ n: number }>('SELECT count(*)::int n FROM growing_areas')).rows[0]!.n)).toBe(areasBefore);
    expect((await server.db.query('SELECT growing_area_id g FROM plots WHERE id = $1', [plotId])).rows[0]).toEqual({ g: null });
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('the growing-area form names the field it refuses', () => {
  it('marks a name without a letter and a producer of spaces under their fields before sending, and puts the server’s 400 for an over-long name under the name', async () => {
    // North of the assembling test's plots, inside the same free ground (~150 m around its spot).
    const centre = offset(spots[1]!, 0, 90);
    await createPlot(centre, 40, 'vegetable');
    const areas = async () => Number((await server.db.query<{ n: number }>('SELECT count(*)::int n FROM growing_areas')).rows[0]!.n);
    const areasBefore = await areas();
    const { page, context, errors } = await openPage(browser, 'desktop');
    let posts = 0;
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/growing-areas') posts++;
    });
    await openEditorAt(page, centre, 18);
    await page.click('#tool-assemble');
    await page.waitForSelector('#assemble-panel');
    const p = await screenPoint(page, centre);
    await page.mouse.click(p.x, p.y);
    await page.waitForSelector('#assemble-count[data-n="1"]');
    expect(await page.getAttribute('#assemble-form input[name=name]', 'maxlength')).toBe('200');
    expect(await page.getAttribute('#assemble-form input[name=registrant]', 'maxlength')).toBe('200');

    // The form's own check: each field named, nothing sent.
    await page.fill('#assemble-form input[name=name]', '🥭🥭🥭');
    await page.fill('#assemble-form input[name=registrant]', '   ');
    await page.click('#area-create');
    await page.waitForSelector('#assemble-registrantName-error');
    expect(await page.textContent('#assemble-name-error')).toBe(
      '“Tên vùng trồng” phải có chữ, không chỉ có biểu tượng, chữ số hay dấu cách.',
    );
    expect(await page.textContent('#assemble-registrantName-error')).toBe('Nhập “Cơ sở sản xuất”.');
    expect(await page.getAttribute('#assemble-form input[name=name]', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#assemble-form input[name=registrant]', 'aria-invalid')).toBe('true');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('name');
    expect(posts).toBe(0);

    // A client without the input's limit (an older page): the server's 400 names the field and its limit, under the field.
    await page.evaluate(() => document.querySelector('#assemble-form input[name=name]')?.removeAttribute('maxlength'));
    await page.fill('#assemble-form input[name=name]', `Vùng rau ${'x'.repeat(300)}`);
    await page.fill('#assemble-form input[name=registrant]', 'HTX Rau Tân Thuận');
    await page.click('#area-create');
    await page.waitForSelector('#assemble-message.form-error');
    expect(await page.textContent('#assemble-name-error')).toBe('“Tên vùng trồng” dài quá: tối đa 200 ký tự.');
    expect(await page.locator('#assemble-registrantName-error').count()).toBe(0);
    expect(await page.locator('#assemble-message').innerText()).toBe(
      'Chưa tạo được vùng trồng: “Tên vùng trồng” dài quá: tối đa 200 ký tự.',
    );
    expect(posts).toBe(1);
    expect(await areas()).toBe(areasBefore);
    expect(unexpected(errors, /400/)).toEqual([]);
    await context.close();
  });
});

describe('walking a boundary with the phone’s GPS', () => {
  it('records averaged corners, ignores a poor fix, pauses and resumes, and the walked square has the right area and saves', async () => {
    const centre = spots[2]!;
    const side = 60;
    const corners = [offset(centre, -30, -30), offset(centre, 30, -30), offset(centre, 30, 30), offset(centre, -30, 30)];
    const expected = Number(
      (await server.db.query<{ a: number }>('SELECT ST_Area(ST_GeomFromGeoJSON($1)::geography) a', [JSON.stringify(square(centre, side))]))
        .rows[0]!.a,
    );
    const { page, context, errors } = await openPage(browser, 'phone');
    await context.grantPermissions(['geolocation'], { origin: server.url });
    await context.setGeolocation({ latitude: centre[1], longitude: centre[0], accuracy: 30 });
    await openEditorAt(page, centre, 18);
    await page.click('#tool-gps');
    await page.waitForSelector('#gps-start');
    await page.click('#gps-start');
    await page.waitForSelector('#gps-pause');

    let reading = 0;
    /** One emulated fix; each has its own accuracy figure so the test knows when the page has seen it. */
    const fix = async (context: BrowserContext, at: LonLat, accuracy: number) => {
      reading++;
      const value = accuracy + reading / 1000;
      await context.setGeolocation({ longitude: at[0], latitude: at[1], accuracy: value });
      await page.waitForSelector(`#gps-accuracy[data-accuracy="${value}"]`);
    };
    const walkCorner = async (at: LonLat, n: number, poorFix = false) => {
      await page.click('#gps-record');
      // Five readings around the corner, the walker's hand shaking by up to half a metre.
      const shake = [
        [0.4, -0.2],
        [-0.3, 0.5],
        [0.1, 0.3],
        [-0.4, -0.4],
        [0.2, -0.2],
      ];
      for (const [i, [e, nn]] of shake.entries()) {
        if (poorFix && i === 2) {
          // A reflection off the canal: 35 m, beyond the 10 m gate. Shown, not counted.
          await fix(context, offset(at, 25, 25), 35);
          expect(await page.getAttribute('#gps-accuracy', 'class')).toBe('form-error');
          expect(await page.getAttribute('#gps-points', 'data-averaging')).toBe('2');
        }
        await fix(context, offset(at, e!, nn!), 3);
      }
      await page.waitForSelector(`#gps-points[data-points="${n}"]`);
    };

    await walkCorner(corners[0]!, 1);
    await walkCorner(corners[1]!, 2, true);
    // A gate across the path: pause, walk round it (no reading counts), resume.
    await page.click('#gps-pause');
    await page.waitForSelector('#gps-resume');
    expect(await page.isDisabled('#gps-record')).toBe(true);
    await context.setGeolocation({ longitude: offset(centre, 50, 0)[0], latitude: offset(centre, 50, 0)[1], accuracy: 2 });
    await page.waitForTimeout(300);
    expect(await page.getAttribute('#gps-points', 'data-points')).toBe('2');
    await page.click('#gps-resume');
    await page.waitForSelector('#gps-pause');
    await walkCorner(corners[2]!, 3);
    await walkCorner(corners[3]!, 4);
    const panelButtons = '#tool-gps, .gps-actions button';
    expect(await shoot(page, 'phone-gps', PHONE, panelButtons)).toBeGreaterThanOrEqual(44);
    expect(await shoot(page, 'desktop-gps', DESKTOP, panelButtons)).toBeGreaterThanOrEqual(40);
    await page.setViewportSize(PHONE);

    await page.click('#gps-finish');
    await page.waitForSelector('#plot-save:not([disabled])');
    const live = Number(await page.getAttribute('#live-area', 'data-m2'));
    expect(Math.abs(live - expected) / expected).toBeLessThan(0.03);
    await page.click('#plot-save');
    await page.selectOption('#plot-form select[name=crop]', 'rice');
    await page.click('#plot-form-save');
    // A new plot without a farmer is saved only when the officer says so.
    await page.click('#plot-no-farmer-save');
    const saved = await page.waitForFunction(() => (window as unknown as Win).__bandoLastSaved?.id, null, { timeout: 30_000 });
    const row = (
      await server.db.query<{ area_m2: number; crop: string }>('SELECT area_m2, crop FROM plots WHERE id = $1', [
        Number(await saved.jsonValue()),
      ])
    ).rows[0]!;
    expect(row.crop).toBe('rice');
    expect(Math.abs(row.area_m2 - expected) / expected).toBeLessThan(0.03);
    expect(Math.abs(row.area_m2 - live) / live).toBeLessThan(0.002);
    expect(errors).toEqual([]);
    await context.close();
  });
});
