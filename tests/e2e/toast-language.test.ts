// Messages standing at the bottom of the screen when the language is switched: one given as words
// is worded again in place (its button too), one given as finished text (a copied link's address)
// is closed instead of staying in the old language.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { en } from '../../web/src/i18n/en.ts';
import { vi } from '../../web/src/i18n/vi.ts';
import { openPage, SCREENSHOTS, useServerAndBrowser, waitForMap } from './harness.ts';

const env = useServerAndBrowser();

describe('toasts follow a language switch', () => {
  it('rewords an error with its button and an info message in place, and closes a message of finished text', async () => {
    const { rows } = await env.server.db.query<{ id: number }>('SELECT id FROM parcels ORDER BY id LIMIT 1');
    const parcel = rows[0]!.id;
    const { page, context } = await openPage(env.browser, 'desktop');
    try {
      await page.setViewportSize({ width: 1440, height: 900 });
      // The clipboard refuses (as a browser without the permission may): the page then shows the address itself, as text.
      await context.addInitScript(() => {
        Object.defineProperty(navigator, 'clipboard', { value: { writeText: () => Promise.reject(new Error('denied')) } });
      });
      // The print dialog's code cannot be fetched: the message that says so has a reload button.
      await page.route('**/assets/print-dialog-*.js', (route) => route.abort('connectionreset'));
      await page.goto(`${env.server.url}/#s=parcels:${parcel}`);
      await waitForMap(page);
      await page.click('[data-tab=tools]');
      await page.click('#print-open');
      const reload = page.locator('.toast-reload');
      await reload.waitFor({ state: 'visible' });
      expect(await reload.locator('.toast-text').textContent()).toBe(vi.appPartMissing);
      expect(await reload.locator('.toast-action').textContent()).toBe(vi.reloadPage);

      // An info message given as words, then the link's address as finished text; both go by themselves after 4 s.
      await page.click('[data-tab=details]');
      const copy = page.locator(`button:has-text("${vi.copyLink}")`);
      await copy.waitFor({ state: 'visible' });
      await page.evaluate(() => window.dispatchEvent(new Event('offline')));
      await copy.click();
      const offline = page.locator('.toast', { hasText: vi.offline });
      const address = page.locator('.toast .toast-text', { hasText: '#' });
      await address.waitFor({ state: 'visible' });
      const shownAt = await page.evaluate(() => performance.now());
      expect(await address.textContent()).toContain(`${env.server.url}/#`);
      const reloadHandle = await reload.elementHandle();
      const offlineHandle = await offline.elementHandle();

      await page.click('#lang-toggle');
      await page.waitForFunction(() => document.documentElement.lang === 'en');
      // The same elements, now in English; the address is gone though the older offline message (same 4 s) stands.
      expect(await reloadHandle!.evaluate((el) => el.isConnected)).toBe(true);
      expect(await offlineHandle!.evaluate((el) => el.isConnected)).toBe(true);
      expect(await reload.locator('.toast-text').textContent()).toBe(en.appPartMissing);
      expect(await reload.locator('.toast-action').textContent()).toBe(en.reloadPage);
      expect(await offlineHandle!.evaluate((el) => el.querySelector('.toast-text')!.textContent)).toBe(en.offline);
      expect(await page.locator('#toasts .toast').count()).toBe(2);
      // Closed by the switch, not by its 4 s timer (the offline message, shown first, still stands).
      expect(await page.evaluate(() => performance.now())).toBeLessThan(shownAt + 3500);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'toasts-after-switch-1440.png') });

      // And back: the error is in Vietnamese again, and still only closes when dismissed.
      await page.click('#lang-toggle');
      await page.waitForFunction(() => document.documentElement.lang === 'vi');
      expect(await reload.locator('.toast-text').textContent()).toBe(vi.appPartMissing);
      expect(await reload.locator('.toast-action').textContent()).toBe(vi.reloadPage);
      await reload.locator('.toast-close').click();
      expect(await page.locator('.toast-reload').count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
