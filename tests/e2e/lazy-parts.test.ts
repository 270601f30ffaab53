import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPage, SCREENSHOTS, useServerAndBrowser, waitForMap } from './harness.ts';

const env = useServerAndBrowser();

describe('a part of the app fetched on first use', () => {
  it('that cannot be fetched is told with a reload button, and after the reload it opens', async () => {
    const { page, context } = await openPage(env.browser, 'phone');
    // The print dialog's code is fetched when "In bản đồ" is first tapped: cut it, as a dropped
    // mobile link or a server that now runs a newer build (other file names) would.
    let cut = true;
    await page.route('**/assets/print-dialog-*.js', (route) => (cut ? route.abort('connectionreset') : route.continue()));
    await page.goto(`${env.server.url}/`);
    await waitForMap(page);
    await page.click('[data-tab=tools]');
    await page.click('#print-open');
    const message = page.locator('.toast-reload');
    await message.waitFor({ state: 'visible' });
    expect(await message.textContent()).toContain('Không tải được phần này của ứng dụng');
    expect(await page.locator('#print-dialog[open]').count()).toBe(0);
    // A second tap while the message stands adds no second message.
    await page.click('#print-open');
    await page.waitForTimeout(300);
    expect(await page.locator('.toast-reload').count()).toBe(1);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'lazy-part-missing-phone.png') });

    cut = false;
    await Promise.all([page.waitForEvent('load'), message.locator('button', { hasText: 'Tải lại trang' }).click()]);
    await waitForMap(page);
    await page.click('[data-tab=tools]');
    await page.click('#print-open');
    await page.locator('#print-dialog[open]').waitFor({ state: 'visible' });
    expect(await page.locator('.toast-reload').count()).toBe(0);
    await context.close();
  });
});
