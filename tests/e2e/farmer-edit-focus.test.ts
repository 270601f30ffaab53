// "Sửa thông tin nông hộ" on a plot's card gives the keyboard back to itself when the farmer's form
// closes, also when the card was drawn anew while the form was open (its tiles came again after an
// edit, or the language changed): the button the form was opened from is then gone, and the focus
// was left on <body> (the CI run of 63c0e7b, farmer-form: a card redrawn by fresh tiles).
import { describe, expect, it } from 'vitest';
import { ACCOUNTS, gotoSignedIn, openPage, useServerAndBrowser } from './harness.ts';
import { openPlot } from './registry-fixtures.ts';

const e2e = useServerAndBrowser();

/** A seeded plot with a farmer, in the officer's communes. */
async function farmersPlot(): Promise<{ id: number; lon: number; lat: number }> {
  const { rows } = await e2e.server.db.query<{ id: number; lon: number; lat: number }>(
    `SELECT p.id, ST_X(ST_PointOnSurface(p.geom)) lon, ST_Y(ST_PointOnSurface(p.geom)) lat
       FROM plots p
      WHERE p.farmer_id IS NOT NULL
        AND p.commune_code IN (SELECT uc.commune_code FROM user_communes uc JOIN users u ON u.id = uc.user_id WHERE u.username = 'officer')
      ORDER BY p.area_m2 DESC LIMIT 1`,
  );
  if (!rows[0]) throw new Error('no seeded plot with a farmer in the officer’s communes');
  return { id: Number(rows[0].id), lon: Number(rows[0].lon), lat: Number(rows[0].lat) };
}

describe('the farmer button on a plot’s card', () => {
  it('has the keyboard back after the form is cancelled, also when the card was drawn anew meanwhile', async () => {
    const plot = await farmersPlot();
    const { page, context, errors } = await openPage(e2e.browser, 'desktop');
    try {
      await gotoSignedIn(page, `${e2e.server.url}/#c=${plot.lon.toFixed(6)},${plot.lat.toFixed(6)},18&l=plots`, ACCOUNTS.officer);
      await openPlot(page, plot);
      const button = `.feature-card[data-id="${plot.id}"] #card-farmer-edit`;
      const focused = () => page.evaluate(() => (document.activeElement?.isConnected ? document.activeElement.id : 'detached'));

      await page.click(button);
      await page.waitForSelector('#farmer-form[open]');
      await page.click('#farmer-form-cancel');
      await page.waitForSelector('#farmer-form', { state: 'detached' });
      expect(await focused()).toBe('card-farmer-edit');

      // Opened again, and the card drawn anew under the open form: the language switched from under it.
      await page.click(button);
      await page.waitForSelector('#farmer-form[open]');
      await page.evaluate(() => {
        (window as unknown as { openedFrom?: Element | null }).openedFrom = document.getElementById('card-farmer-edit');
        document.getElementById('lang-toggle')!.click();
      });
      await page.locator(button, { hasText: 'Edit farmer details' }).waitFor();
      // The button the form was opened from is no longer on the page: this is the case being tested.
      expect(await page.evaluate(() => (window as unknown as { openedFrom?: Element | null }).openedFrom?.isConnected)).toBe(false);
      await page.click('#farmer-form-cancel');
      await page.waitForSelector('#farmer-form', { state: 'detached' });
      expect(await focused()).toBe('card-farmer-edit');
      expect(await page.locator(button).evaluate((el) => el === document.activeElement)).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
