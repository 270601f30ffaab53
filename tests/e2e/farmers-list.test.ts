// An officer finds every farmer of their ward, on a 393 px phone: a farmer registered a moment ago,
// with no plot yet, is found by the search box (the hit says "Chưa có thửa") and opens their record
// (the farmer form) instead of flying nowhere; the Tools tab's "Nông hộ" lists the ward's farmers a
// page at a time with card code, hamlet, ward and plot count, filters them by a name typed without
// accents or a card code, opens the record of one with no plot over the list, and flies to the plots
// of one with plots, opening the first one's card.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ACCOUNTS, openPage, SCREENSHOTS, signIn, useServerAndBrowser, waitForMap } from './harness.ts';

const WARD = '29869';
const e2e = useServerAndBrowser();

/** A farmer of the ward registered with no plot, as an officer has just done; their id. */
async function farmerWithoutPlot(name: string, code: string): Promise<number> {
  const { rows } = await e2e.server.db.query<{ id: number }>(
    `INSERT INTO farmers (lookup_code, commune_code, hamlet) VALUES ($1, $2, 'Ấp Hòa Mới') RETURNING id`,
    [code, WARD],
  );
  const id = Number(rows[0]!.id);
  await e2e.server.db.query(`INSERT INTO farmer_private (farmer_id, full_name, phone) VALUES ($1, $2, '0977 000 111')`, [id, name]);
  return id;
}

/** The dialog fits the phone's width: no side-scrolling, nothing past its right edge. */
async function fits(page: Page, selector: string, width: number): Promise<void> {
  const box = (await page.locator(selector).boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(width);
  const overflow = await page.evaluate((sel) => {
    const dialog = document.querySelector(sel)!;
    const right = dialog.getBoundingClientRect().right;
    return {
      scroll: dialog.scrollWidth - dialog.clientWidth,
      outside: [...dialog.querySelectorAll('input, button, strong, span')].filter((e) => e.getBoundingClientRect().right > right + 0.5)
        .length,
    };
  }, selector);
  expect(overflow).toEqual({ scroll: 0, outside: 0 });
}

/** Types a filter in the list and waits for its first page. */
async function filterList(page: Page, q: string): Promise<void> {
  const answered = page.waitForResponse((r) => r.url().includes('/api/farmers?') && r.url().includes(`q=${encodeURIComponent(q)}`));
  await page.fill('#farmers-filter', q);
  await page.press('#farmers-filter', 'Enter');
  await answered;
  await page.waitForFunction(
    () => !['Đang tải danh sách nông hộ…', 'Loading the farmers…'].includes(document.getElementById('farmers-status')?.textContent ?? ''),
  );
}

describe('an officer finds every farmer', () => {
  it('finds a farmer with no plot by the search box and in the farmers list, and goes from the list to the plots of one with plots', async () => {
    const fresh = await farmerWithoutPlot('Đặng Thị Mới Đăng', 'ND-E2E-MOI1');
    // A farmer of the ward with plots, and the first of them (the card the row opens).
    const { rows } = await e2e.server.db.query<{ id: number; code: string; name: string; n: number; first: number }>(
      `SELECT f.id, f.lookup_code AS code, fp.full_name AS name, count(p.id)::int AS n, min(p.id) AS first
         FROM farmers f JOIN farmer_private fp ON fp.farmer_id = f.id JOIN plots p ON p.farmer_id = f.id
        WHERE f.commune_code = $1 GROUP BY f.id, fp.full_name ORDER BY f.id LIMIT 1`,
      [WARD],
    );
    const withPlots = rows[0]!;
    const total = (await e2e.server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM farmers WHERE commune_code = $1', [WARD]))
      .rows[0]!.n;
    expect(total).toBeGreaterThan(20);

    const { page, context, errors } = await openPage(e2e.browser, 'phone');
    try {
      await page.goto(`${e2e.server.url}/`);
      await waitForMap(page, 120_000);
      await signIn(page, ACCOUNTS.officer);

      // The search box: the farmer with no plot is a hit that says so, and opens their record.
      const answered = page.waitForResponse((r) => r.url().includes('/api/search?'));
      await page.fill('#search-input', 'dang thi moi dang');
      await answered;
      const hit = page.locator('#search-results:not([hidden]) li.search-hit', { hasText: 'Đặng Thị Mới Đăng' });
      await hit.waitFor({ timeout: 60_000 });
      expect(await hit.locator('small').innerText()).toBe('Mã thẻ ND-E2E-MOI1 · Chưa có thửa · Ấp Hòa Mới, Phường Cao Lãnh');
      await hit.click();
      const form = page.locator('#farmer-form[open]');
      await form.waitFor({ timeout: 60_000 });
      expect(await page.inputValue('#farmer-form-fullName')).toBe('Đặng Thị Mới Đăng');
      expect(await page.locator('#farmer-form-lead').innerText()).toBe('Mã thẻ nông hộ: ND-E2E-MOI1');
      expect(await page.locator('#farmer-form-no-plot').innerText()).toContain('Nông hộ này chưa có thửa nào.');
      await page.screenshot({ path: path.join(SCREENSHOTS, 'farmers-search-no-plot-phone.png') });
      await page.click('#farmer-form-cancel');
      await form.waitFor({ state: 'detached' });
      // No card was opened for it, and the address names no plot.
      expect(await page.locator('.feature-card.is-primary').count()).toBe(0);
      expect(page.url()).not.toContain(`plots:${fresh}`);

      // The Tools tab's farmers list: the ward's farmers, 20 a page, with their words.
      await page.click('[data-tab="tools"]');
      const first = page.waitForResponse((r) => r.url().includes('/api/farmers?limit=20&offset=0'));
      await page.click('#farmers-open');
      const list = page.locator('#farmers-dialog[open]');
      await list.waitFor({ timeout: 60_000 });
      await first;
      await page.locator('#farmers-rows .farmer-row').first().waitFor({ timeout: 60_000 });
      expect(await page.locator('#farmers-dialog h2').innerText()).toBe('Nông hộ');
      expect(await page.locator('#farmers-rows .farmer-row').count()).toBe(20);
      // In Vietnamese alphabetical order of the given name, as a list of people is read here.
      const given = (await page.locator('#farmers-rows .farmer-row').allInnerTexts()).map((text) =>
        text.split('\n')[0]!.trim().split(/\s+/).pop()!,
      );
      const vi = new Intl.Collator('vi', { sensitivity: 'base' });
      expect(given).toEqual([...given].sort(vi.compare));
      expect(new Set(given).size).toBeGreaterThan(5);
      expect(await page.locator('#farmers-range').innerText()).toBe(`1–20 trên ${total} nông hộ`);
      await fits(page, '#farmers-dialog', 393);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'farmers-list-phone.png') });
      const next = page.waitForResponse((r) => r.url().includes('/api/farmers?limit=20&offset=20'));
      await page.click('#farmers-next');
      await next;
      await page.waitForFunction(() => document.getElementById('farmers-range')?.textContent?.startsWith('21–'));
      expect(await page.locator('#farmers-range').innerText()).toBe(`21–${Math.min(40, total)} trên ${total} nông hộ`);
      expect(await page.locator('#farmers-prev').isEnabled()).toBe(true);

      // Filtered by the name without accents: the farmer with no plot, whose row opens their record over the list.
      await filterList(page, 'dang thi moi dang');
      const row = page.locator('#farmers-rows .farmer-row');
      expect(await row.count()).toBe(1);
      expect(await row.innerText()).toBe('Đặng Thị Mới Đăng\nMã thẻ ND-E2E-MOI1\nẤp Hòa Mới, Phường Cao Lãnh\nChưa có thửa');
      await row.locator('button').click();
      await form.waitFor({ timeout: 60_000 });
      expect(await page.inputValue('#farmer-form-fullName')).toBe('Đặng Thị Mới Đăng');
      await page.screenshot({ path: path.join(SCREENSHOTS, 'farmers-list-record-phone.png') });
      await page.click('#farmer-form-cancel');
      await form.waitFor({ state: 'detached' });
      expect(await list.isVisible()).toBe(true);

      // Filtered by a card code: a farmer with plots, whose row flies to them and opens the first one's card.
      await filterList(page, withPlots.code);
      expect(await row.count()).toBe(1);
      expect(await row.locator('.farmer-row-plots').innerText()).toBe(`${withPlots.n} thửa`);
      await row.locator('button').click();
      await list.waitFor({ state: 'detached' });
      const card = page.locator(`.feature-card.is-primary[data-group=plots][data-id="${withPlots.first}"]`);
      await card.waitFor({ timeout: 60_000 });
      await page.screenshot({ path: path.join(SCREENSHOTS, 'farmers-list-plot-card-phone.png') });
      expect(page.url()).toContain(`plots:${withPlots.first}`);

      // In English, the same list in English words.
      await page.click('#lang-toggle');
      await page.click('[data-tab="tools"]');
      await page.click('#farmers-open');
      await list.waitFor({ timeout: 60_000 });
      await filterList(page, 'dang thi moi dang');
      expect(await page.locator('#farmers-dialog h2').innerText()).toBe('Farmers');
      expect(await row.innerText()).toBe('Đặng Thị Mới Đăng\nCard code ND-E2E-MOI1\nẤp Hòa Mới, Phường Cao Lãnh\nNo plot yet');
      await page.click('#farmers-dialog-close');
      await list.waitFor({ state: 'detached' });

      // Every look was logged as the officer's: the search and the list.
      const { rows: log } = await e2e.server.db.query<{ purpose: string }>(
        `SELECT DISTINCT a.purpose FROM access_log a JOIN users u ON u.id = a.user_id WHERE u.username = 'officer' AND a.subject = $1`,
        [`farmer:${fresh}`],
      );
      expect(log.map((r) => r.purpose).sort()).toEqual(['list', 'profile', 'search']);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
