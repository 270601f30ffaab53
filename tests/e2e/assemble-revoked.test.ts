// Assembling plots into a new growing area from the map: a plot of an area whose code was revoked
// is free for a new dossier (the server lets it go), so the list does not mark it in red as one of a
// live area's is; it says where the plot came from instead. The live area's plot is neither chosen nor
// sent: 'Tạo vùng trồng' sends the plots that can join and says how many it leaves out.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ACCOUNTS, openPage, SCREENSHOTS, screenPoint, signIn, useServerAndBrowser, waitForMap } from './harness.ts';

const e2e = useServerAndBrowser();

type Plot = { id: number; area: number; lon: number; lat: number };

/** The largest plot of a seeded area of this status, with a point inside it. */
async function plotOf(status: string, commune: string): Promise<Plot> {
  const { rows } = await e2e.server.db.query<Plot>(
    `SELECT p.id, g.id AS area, ST_X(ST_PointOnSurface(p.geom)) lon, ST_Y(ST_PointOnSurface(p.geom)) lat
       FROM plots p JOIN growing_areas g ON g.id = p.growing_area_id
      WHERE g.status = $1 AND p.commune_code = $2 ORDER BY p.area_m2 DESC LIMIT 1`,
    [status, commune],
  );
  if (!rows[0]) throw new Error(`no seeded plot of a ${status} area in ${commune}`);
  return { id: Number(rows[0].id), area: Number(rows[0].area), lon: Number(rows[0].lon), lat: Number(rows[0].lat) };
}

/**
 * Brings a place into the map's free part right of the assembling panel, as the officer pans to it
 * (the middle of the 1024 px desktop's map is under the panel).
 */
async function panTo(page: Page, [lon, lat]: [number, number]): Promise<void> {
  await page.evaluate(
    ([x, y]) =>
      (window as never as { __bando: { map: { easeTo(o: unknown): void } } }).__bando.map.easeTo({
        center: [x, y],
        offset: [150, 0],
        duration: 0,
      }),
    [lon, lat] as const,
  );
}

describe('assembling a new growing area', () => {
  it('lists a revoked area’s plot as free to take, a live area’s in red, and sends the first alone', async () => {
    const revoked = await plotOf('revoked', '29888');
    const live = await plotOf('active', '29888');
    const { page, errors } = await openPage(e2e.browser, 'desktop');
    await page.goto(`${e2e.server.url}/#c=${revoked.lon.toFixed(6)},${revoked.lat.toFixed(6)},18&l=parcels,plots,roads`);
    await waitForMap(page);
    // The administrator works in every commune (the sample officer's ward has no revoked area).
    await signIn(page, ACCOUNTS.admin);
    await waitForMap(page);
    await page.click('[data-tab=tools]');
    await page.click('#edit-open');
    await page.click('#tool-assemble');
    await page.waitForSelector('#assemble-panel');
    const at = await screenPoint(page, [revoked.lon, revoked.lat]);
    await page.mouse.click(at.x, at.y);
    const item = page.locator(`#assemble-plots li[data-id="${revoked.id}"]`);
    await item.waitFor({ timeout: 30_000 });
    expect(await item.innerText()).toContain(`trước thuộc vùng trồng #${revoked.area}, đã bị thu hồi mã`);
    // Named as people tell plots apart: the parcel holding most of it with the (old) commune of its
    // survey, its farmer (the administrator may see them), crop and area; the record id apart and small.
    const facts = (
      await e2e.server.db.query<{ sheet: number; parcel_no: number; unit: string; full_name: string | null; crop: string; m2: number }>(
        `SELECT pa.sheet, pa.parcel_no, pa.unit, fp.full_name, c.name_vi AS crop, p.area_m2 AS m2
           FROM plots p JOIN crops c ON c.code = p.crop
           LEFT JOIN farmer_private fp ON fp.farmer_id = p.farmer_id
           LEFT JOIN LATERAL (SELECT pa.sheet, pa.parcel_no, (SELECT a.name || CASE WHEN a.valid_to <= current_date THEN ' cũ' ELSE '' END FROM admin_units a
                  WHERE a.code = pa.commune_code AND a.valid_from <= pa.commune_ref_date
                    AND (a.valid_to IS NULL OR a.valid_to > pa.commune_ref_date) ORDER BY a.valid_from DESC LIMIT 1) AS unit
                                FROM plot_parcels pp JOIN parcels pa ON pa.id = pp.parcel_id
                               WHERE pp.plot_id = p.id ORDER BY pp.share_m2 DESC LIMIT 1) pa ON true
          WHERE p.id = $1`,
        [revoked.id],
      )
    ).rows[0]!;
    expect(facts.sheet).not.toBeNull();
    expect(facts.full_name).not.toBeNull();
    const m2Text = Math.round(Number(facts.m2)).toLocaleString('vi-VN');
    expect(await item.locator('span').first().innerText()).toMatch(
      new RegExp(
        `^Tờ ${facts.sheet} thửa ${facts.parcel_no}, ${facts.unit} · ${facts.full_name} · ${facts.crop} · ${m2Text} m² #${revoked.id}\\b`,
      ),
    );
    expect(await item.locator('.plot-id').innerText()).toBe(`#${revoked.id}`);
    expect(await item.locator('.form-error').count()).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'assemble-revoked-plot.png') });

    // A live area's plot, picked as well, is listed apart, marked as the server will refuse it, and left
    // out of the count and the total.
    await panTo(page, [live.lon, live.lat]);
    await waitForMap(page);
    const there = await screenPoint(page, [live.lon, live.lat]);
    await page.mouse.click(there.x, there.y);
    const other = page.locator(`#assemble-held-plots li[data-id="${live.id}"]`);
    await other.waitFor({ timeout: 30_000 });
    expect(await other.locator('.form-error').innerText()).toContain(`đã thuộc vùng trồng #${live.area}`);
    expect(await page.locator('#assemble-plots li').evaluateAll((li) => li.map((l) => Number(l.getAttribute('data-id'))))).toEqual([
      revoked.id,
    ]);
    expect(await page.getAttribute('#assemble-count', 'data-n')).toBe('1');
    expect(await page.textContent('#assemble-held')).toBe(
      '1 thửa nữa thuộc vùng trồng khác: không tính vào tổng, không gửi đi khi tạo vùng trồng.',
    );
    const { rows } = await e2e.server.db.query<{ m2: number }>('SELECT area_m2 m2 FROM plots WHERE id = $1', [revoked.id]);
    const ha = (Number(rows[0]!.m2) / 10000).toFixed(2).replace('.', ',');
    // The verdict's total is the revoked area's plot alone (it said both plots' before).
    expect(await page.textContent('#area-verdict')).toContain(`Tổng diện tích ${ha} ha`);
    // The revoked area's plot put back (×): nothing picked can join, the button is disabled and says why.
    await page.click(`#assemble-plots li[data-id="${revoked.id}"] button`);
    await page.waitForSelector('#assemble-count[data-n="0"]');
    expect(await page.isDisabled('#area-create')).toBe(true);
    expect(await page.textContent('#area-create-blocked')).toBe(
      'Chưa tạo được vùng trồng: không thửa nào đã chọn vào được (đều thuộc vùng trồng khác). Hãy chọn thửa khác trên bản đồ.',
    );
    expect(await page.getAttribute('#area-create', 'aria-describedby')).toBe('area-create-blocked');
    expect(await page.locator('#area-create-left-out').count()).toBe(0);
    // Picked again on the map.
    await panTo(page, [revoked.lon, revoked.lat]);
    await waitForMap(page);
    const back = await screenPoint(page, [revoked.lon, revoked.lat]);
    await page.mouse.click(back.x, back.y);
    await item.waitFor({ timeout: 30_000 });
    expect(await page.getAttribute('#assemble-count', 'data-n')).toBe('1');
    // Narrowed to a phone (the tools sheet closed, as the editor leaves it there), the panel folds to its
    // bar: the revoked area's plot counts, the live area's is said apart, outside the total.
    await page.setViewportSize({ width: 360, height: 740 });
    if (await page.locator('#panel.is-open').count()) {
      await page.evaluate(() => (document.querySelector('.tab.is-active') as HTMLElement).click());
    }
    await page.waitForSelector('#assemble-pick-bar', { state: 'visible' });
    // The figures' data-n is the plots counted, the red line's the plots left out (no mix of crops here).
    expect(await page.getAttribute('#assemble-pick-bar-figures', 'data-n')).toBe('1');
    expect(await page.getAttribute('#assemble-pick-bar-refused', 'data-n')).toBe('1');
    expect(await page.getAttribute('#assemble-pick-bar-refused', 'data-mixed')).toBe('false');
    expect(await page.textContent('#assemble-pick-bar-figures')).toContain(`Đã chọn 1 thửa (${ha} ha), tối thiểu`);
    // The left-out line in the draft bar's words, on one line at 360 px (why is in the list).
    expect(await page.textContent('#assemble-pick-bar-refused')).toBe('1 thửa không vào được: không tính, không gửi');
    const refusedLine = await page.locator('#assemble-pick-bar-refused').evaluate((el) => ({
      height: el.getBoundingClientRect().height,
      line: parseFloat(getComputedStyle(el).lineHeight) || parseFloat(getComputedStyle(el).fontSize) * 1.5,
    }));
    expect(refusedLine.height).toBeLessThan(refusedLine.line * 1.5);
    expect(await page.textContent('#assemble-pick-done')).toBe('Xem danh sách');
    // With its red line, the bar still leaves three quarters of the screen to the map.
    expect((await page.locator('#assemble-pick-bar').boundingBox())!.height).toBeLessThan(740 * 0.25);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'assemble-revoked-pick-bar-360.png') });
    // 'Xem danh sách': the panel says the bar's count and total, the live area's plot listed apart under them.
    await page.click('#assemble-pick-done');
    await page.waitForSelector('#assemble-pick-bar', { state: 'detached' });
    await page.locator('#assemble-held-plots').scrollIntoViewIfNeeded();
    expect(await page.locator(`#assemble-held-plots li[data-id="${live.id}"]`).isVisible()).toBe(true);
    expect(await page.locator('#assemble-held').isVisible()).toBe(true);
    expect(await page.getAttribute('#assemble-count', 'data-n')).toBe('1');
    expect(await page.textContent('#area-verdict')).toContain(`Tổng diện tích ${ha} ha`);
    // 'Tạo vùng trồng' says before it is pressed that it leaves the live area's plot out, and sends the other alone.
    expect(await page.textContent('#area-create-left-out')).toBe('Chỉ gửi 1 thửa; để ra 1 thửa không vào được (lý do ghi ở từng thửa).');
    expect(await page.getAttribute('#area-create', 'aria-describedby')).toBe('area-create-left-out');
    expect(await page.isDisabled('#area-create')).toBe(false);
    await page.locator('#area-create-left-out').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'assemble-revoked-list-360.png') });
    await page.fill('#assemble-form input[name=name]', 'Vùng trồng mới từ vùng đã thu hồi');
    await page.fill('#assemble-form input[name=registrant]', 'HTX Mỹ Tân');
    const post = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/api/growing-areas');
    await page.click('#area-create');
    expect(((await post).postDataJSON() as { plotIds: number[] }).plotIds).toEqual([revoked.id]);
    const created = Number(await page.getAttribute('#area-created', 'data-id', { timeout: 30_000 }));
    const members = await e2e.server.db.query<{ id: number; g: number }>(
      'SELECT id, growing_area_id g FROM plots WHERE id = ANY($1) ORDER BY id',
      [[revoked.id, live.id]],
    );
    expect(Object.fromEntries(members.rows.map((r) => [Number(r.id), Number(r.g)]))).toEqual({
      [revoked.id]: created,
      [live.id]: live.area,
    });
    expect(await page.locator('#assemble-message').count()).toBe(0);
    await page.locator('#area-created').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'assemble-revoked-created-360.png') });
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
