// The plot form keeps what was typed when the server refuses one of its fields: a farmer ID that
// names no farmer comes back under the farmer field in Vietnamese (not the server's English in a
// toast), the form open again with the crop, variety and dates typed; an expected harvest before the
// planting date is said under that field as a sentence before anything is sent. No plot is written.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
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

describe('the plot form’s refused fields', () => {
  it('says a harvest before planting under that field, an unknown farmer number under the farmer field with the form kept, and takes a card code', async () => {
    const { page, context, errors } = await openPage(e2e.browser, 'desktop');
    await openEditorAt(page, e2e.server, spot);
    await addDrawing(page, spot);
    await page.click('#plot-save:not([disabled])');
    await page.waitForSelector('#plot-form select[name=crop]:not([aria-busy])');
    await page.selectOption('#plot-form select[name=crop]', 'vegetable');
    await page.fill('#plot-form input[name=variety]', 'Cải xanh');
    await page.fill('#plot-form input[name=farmer_id]', '99999999');
    await page.fill('#plot-form input[name=planting_date]', '2025-03-01');
    await page.fill('#plot-form input[name=expected_harvest]', '2025-02-01');
    await page.click('#plot-form-save');

    const harvest = page.locator('#harvest-error');
    await harvest.waitFor({ state: 'visible' });
    expect(await harvest.innerText()).toBe('Ngày dự kiến thu hoạch không được trước ngày trồng (01/03/2025).');
    expect(await page.getAttribute('#plot-form input[name=expected_harvest]', 'aria-invalid')).toBe('true');
    await page.fill('#plot-form input[name=expected_harvest]', '2025-06-01');
    expect(await harvest.isHidden()).toBe(true);

    // The server refuses the farmer ID: the form comes back with everything typed and the words under the farmer.
    await page.click('#plot-form-save');
    const farmer = page.locator('#farmer-error');
    await page.waitForFunction(() => {
      const p = document.querySelector('#plot-form #farmer-error') as HTMLElement | null;
      return p !== null && !p.hidden && p.className === 'form-error' && /99999999/.test(p.textContent ?? '');
    });
    expect(await farmer.innerText()).toBe('Không có nông hộ số hiệu 99999999: kiểm tra lại số hiệu, hoặc tìm nông hộ theo tên hay mã thẻ.');
    expect(await page.inputValue('#plot-form input[name=farmer_id]')).toBe('99999999');
    expect(await page.getAttribute('#plot-form input[name=farmer_id]', 'aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('farmer_id');
    expect(await page.inputValue('#plot-form select[name=crop]')).toBe('vegetable');
    expect(await page.inputValue('#plot-form input[name=variety]')).toBe('Cải xanh');
    expect(await page.inputValue('#plot-form input[name=planting_date]')).toBe('2025-03-01');
    expect(await page.inputValue('#plot-form input[name=expected_harvest]')).toBe('2025-06-01');
    // No toast in the server's English.
    expect(await page.locator('#toasts').allInnerTexts()).not.toContainEqual(expect.stringMatching(/no farmers record|Không lưu được/));
    await page.screenshot({ path: path.join(SCREENSHOTS, 'desktop-plot-form-farmer-unknown.png') });
    expect(await plotsAt(spot)).toBe(0);

    // One meaning per label: the registry's number is called so, the card's code goes in "Nông hộ".
    expect(await page.innerText('#plot-form label:has(input[name=farmer_id])')).toBe('Số hiệu nông hộ trong hệ thống');
    expect(await page.innerText('#plot-form')).not.toContain('Mã nông hộ');
    expect(await page.innerText('#farmer-hint')).toBe('Gõ tên hoặc mã thẻ nông hộ (ví dụ ND-7K3M-Q9XP).');
    expect(await page.getAttribute('#plot-form-farmer', 'aria-describedby')).toBe('farmer-hint farmer-error');

    // An officer holding a farmer's card types its code (as read off the card: lower case, no hyphens):
    // the plot is saved with that farmer.
    const card = (
      await e2e.server.db.query<{ id: number; lookup_code: string }>(
        `SELECT id, lookup_code FROM farmers WHERE commune_code = $1 ORDER BY id LIMIT 1`,
        [WARD],
      )
    ).rows[0]!;
    await page.fill('#plot-form input[name=farmer_id]', '');
    await page.fill('#plot-form-farmer', card.lookup_code.replace(/-/g, '').toLowerCase());
    await page.click('#plot-form-save');
    await page.waitForSelector('#plot-form', { state: 'detached', timeout: 30_000 });
    // The form closes with what was typed, then the editor sends it: on a loaded machine the row
    // comes a moment after the form has gone (CI run B read the table first and found nothing).
    const savedFarmers = async () =>
      (
        await e2e.server.db.query<{ farmer_id: number }>(
          `SELECT farmer_id FROM plots WHERE ST_Intersects(geom, ST_SetSRID(ST_Point($1, $2), 4326))`,
          spot,
        )
      ).rows.map((r) => Number(r.farmer_id));
    await expect.poll(savedFarmers, { timeout: 30_000 }).toEqual([Number(card.id)]);
    // The refused save's 422 (and the form's look-up of the unknown farmer, 404) are the only failed requests.
    expect(errors.filter((e) => !/422|404/.test(e))).toEqual([]);
    await context.close();
  });
});
