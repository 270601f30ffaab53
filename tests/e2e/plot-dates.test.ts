// A plot's planting date is when the crop was planted: the plot form refuses one after today in
// Vietnam under the field, in Vietnamese, before anything is sent; and when the server refuses it (a
// device whose clock runs a year ahead lets 2030 through), the form opens again with what was typed
// and the server's refusal under the same field. No plot is written either way.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { vietnamToday } from '../../server/domain/vietnam-time.ts';
import { openPage, SCREENSHOTS, useServerAndBrowser } from './harness.ts';
import { addDrawing, freeSpots, openEditorAt } from './registry-fixtures.ts';

type LonLat = [number, number];

const WARD = '29869';
const e2e = useServerAndBrowser();
let spot: LonLat;

beforeAll(async () => {
  [spot] = (await freeSpots(e2e.server, WARD, 1)) as [LonLat];
});

async function plotsAt([lon, lat]: LonLat): Promise<number> {
  const { rows } = await e2e.server.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM plots WHERE ST_Intersects(geom, ST_SetSRID(ST_Point($1, $2), 4326))`,
    [lon, lat],
  );
  return rows[0]!.n;
}

const dmy = (iso: string) => iso.split('-').reverse().join('/');

describe('the plot form’s planting date', () => {
  it('refuses a planting date after today under the field in Vietnamese, and shows the server’s refusal there too', async () => {
    const { page, context, errors } = await openPage(e2e.browser, 'desktop');
    await openEditorAt(page, e2e.server, spot);
    await addDrawing(page, spot);
    await page.click('#plot-save:not([disabled])');
    await page.waitForSelector('#plot-form select[name=crop]:not([aria-busy])');
    await page.selectOption('#plot-form select[name=crop]', 'vegetable');
    await page.fill('#plot-form input[name=planting_date]', '2030-01-01');
    await page.click('#plot-form-save');

    const refusal = page.locator('#planting-error');
    await refusal.waitFor({ state: 'visible' });
    expect(await refusal.innerText()).toBe(`Ngày trồng không được sau hôm nay (${dmy(vietnamToday())}).`);
    // Beside the field, marked invalid and described by the message; the form stays, nothing asked or sent.
    const input = page.locator('#plot-form input[name=planting_date]');
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    const described = (await input.getAttribute('aria-describedby'))!.split(' ');
    expect(described[0]).toBe('planting-error');
    // The day in words under the field, named with it for a screen reader: the browser shows its own order.
    expect(await page.locator(`[id="${described[1]}"]`).innerText()).toBe('1 tháng 1, 2030');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('planting_date');
    const [field, message] = [(await input.boundingBox())!, (await refusal.boundingBox())!];
    expect(message.y).toBeGreaterThan(field.y);
    expect(message.y - (field.y + field.height)).toBeLessThan(80);
    expect(await page.isVisible('#plot-form')).toBe(true);
    expect(await page.locator('#plot-no-farmer').count()).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'desktop-plot-form-planting-future.png') });
    expect(await plotsAt(spot)).toBe(0);

    // Typing again clears the message.
    await page.fill('#plot-form input[name=planting_date]', '2025-03-01');
    expect(await refusal.isHidden()).toBe(true);
    expect(await input.getAttribute('aria-invalid')).toBeNull();
    // The words follow the day chosen: 1 March, whatever order the browser shows 03/01 in.
    expect(await page.locator(`[id="${described[1]}"]`).innerText()).toBe('1 tháng 3, 2025');
    const harvestWords = page.locator('#plot-form label:has(input[name=expected_harvest]) .date-words');
    expect(await harvestWords.isHidden()).toBe(true);
    await page.fill('#plot-form input[name=expected_harvest]', '2025-12-01');
    expect(await harvestWords.innerText()).toBe('1 tháng 12, 2025');
    await page.fill('#plot-form input[name=expected_harvest]', '');
    expect(await harvestWords.isHidden()).toBe(true);

    // A device a year ahead: the form lets 2030-06-01 pass, the server (on Vietnam's real day) refuses it.
    await page.clock.setFixedTime(new Date('2031-01-01T03:00:00Z'));
    await page.fill('#plot-form input[name=planting_date]', '2030-06-01');
    await page.click('#plot-form-save');
    await page.click('#plot-no-farmer-save');
    // The form comes back with the date typed and the server's words under it.
    await page.waitForFunction(() => {
      const p = document.querySelector('#plot-form #planting-error') as HTMLElement | null;
      return p !== null && !p.hidden;
    });
    expect(await page.inputValue('#plot-form input[name=planting_date]')).toBe('2030-06-01');
    expect(await page.locator('#plot-form label:has(input[name=planting_date]) .date-words').innerText()).toBe('1 tháng 6, 2030');
    expect(await page.inputValue('#plot-form select[name=crop]')).toBe('vegetable');
    expect(await page.locator('#planting-error').innerText()).toBe(`Ngày trồng không được sau hôm nay (${dmy(vietnamToday())}).`);
    expect(await plotsAt(spot)).toBe(0);
    await page.click('#plot-form .dialog-actions button.btn:not(.btn-primary)');
    await page.waitForSelector('#plot-form', { state: 'detached' });
    expect(await plotsAt(spot)).toBe(0);
    // The refused save's 422 is the only failed request.
    expect(errors.filter((e) => !/422/.test(e))).toEqual([]);
    await context.close();
  });
});
