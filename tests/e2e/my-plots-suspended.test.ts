// A farmer whose growing-area code is suspended reads why in their own list of plots ("Thửa của
// tôi"), on a 360 px phone, in Vietnamese and in English: the decision, its day and the reason, which
// say what to put right. The list read before the suspension said only "Tạm đình chỉ".
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { vietnamToday } from '../../server/domain/vietnam-time.ts';
import { ACCOUNTS, openPage, SCREENSHOTS, signIn, useServerAndBrowser, waitForMap } from './harness.ts';
import { apiToken } from './registry-fixtures.ts';

const e2e = useServerAndBrowser();

describe('a farmer’s suspended code in their list of plots', () => {
  it('shows the suspension decision, its day and reason under the plot, and nothing once the code is restored', async () => {
    // A plot of the seeded farmer in an area whose code is in force, in the officer's communes.
    const { rows } = await e2e.server.db.query<{ plot: number; area: number }>(
      `SELECT p.id AS plot, g.id AS area FROM plots p JOIN growing_areas g ON g.id = p.growing_area_id
        WHERE p.farmer_id = (SELECT farmer_id FROM users WHERE username = 'farmer') AND g.status = 'active'
          AND g.commune_code IN (SELECT uc.commune_code FROM user_communes uc JOIN users u ON u.id = uc.user_id WHERE u.username = 'officer')
        ORDER BY p.id LIMIT 1`,
    );
    expect(rows).toHaveLength(1);
    const { plot, area } = rows[0]!;
    const token = await apiToken(e2e.server);
    const move = (payload: Record<string, string>) =>
      fetch(`${e2e.server.url}/api/growing-areas/${area}/transitions`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(payload),
      });
    expect((await move({ to: 'suspended', decisionNo: '45/QĐ-SNN', note: 'Chưa ghi nhật ký phun thuốc' })).status).toBe(201);

    const { page, context, errors } = await openPage(e2e.browser, 'phone');
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(`${e2e.server.url}/`);
    await waitForMap(page);
    await signIn(page, ACCOUNTS.farmer);
    const item = page.locator(`.plot-item[data-id="${plot}"]`);
    await item.waitFor();
    const [y, m, d] = vietnamToday().split('-');
    expect(await item.locator('.status').textContent()).toContain('Tạm đình chỉ');
    // Two plots of one crop told apart by where they lie: the parcel holding most of each (tờ/thửa).
    const main = (
      await e2e.server.db.query<{ sheet: number; parcel: number }>(
        `SELECT pa.sheet, pa.parcel_no AS parcel FROM plot_parcels pp JOIN parcels pa ON pa.id = pp.parcel_id
          WHERE pp.plot_id = $1 ORDER BY pp.share_m2 DESC, pa.id LIMIT 1`,
        [plot],
      )
    ).rows[0]!;
    expect(await item.textContent()).toContain(`Tờ ${main.sheet} thửa ${main.parcel}`);
    expect(await item.locator('.status-decision').textContent()).toBe(
      `Quyết định tạm đình chỉ: 45/QĐ-SNN ngày ${d}/${m}/${y}, lý do: Chưa ghi nhật ký phun thuốc`,
    );
    // The line is on each of the farmer's plots in that area (the seeded farmer has two there), none other.
    const inArea = (
      await e2e.server.db.query<{ id: number }>(
        `SELECT id FROM plots WHERE growing_area_id = $1 AND farmer_id = (SELECT farmer_id FROM users WHERE username = 'farmer') ORDER BY id`,
        [area],
      )
    ).rows.map((r) => String(r.id));
    const withLine = await page
      .locator('.plot-item')
      .evaluateAll((items) => items.filter((i) => i.querySelector('.status-decision')).map((i) => i.getAttribute('data-id')));
    expect(withLine).toEqual(inArea);
    await item.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'my-plots-suspended-phone360.png') });
    await page.click('#lang-toggle');
    await page.waitForSelector(`.plot-item[data-id="${plot}"] .status-decision:has-text("Suspension decision")`);
    expect(await item.locator('.status-decision').textContent()).toBe(
      `Suspension decision: 45/QĐ-SNN of ${vietnamToday()}, reason: Chưa ghi nhật ký phun thuốc`,
    );

    // Restored: the list read again says nothing of the old suspension.
    expect((await move({ to: 'active', decisionNo: '46/QĐ-SNN' })).status).toBe(201);
    await page.reload();
    await waitForMap(page);
    await page.locator(`.plot-item[data-id="${plot}"]`).waitFor();
    expect(await page.locator('.plot-item .status-decision').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});
