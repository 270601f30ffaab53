// An officer registers the first plot of a farmer the registry does not know yet, from the plot
// form: "Thêm nông hộ mới" opens the farmer form (at 360 px and on a desk), its own check says a
// citizen ID of the wrong length under the field before anything is sent, and the farmer saved is
// chosen in the plot form, which keeps what was typed. "Sửa thông tin nông hộ" corrects the farmer
// (PATCH with the ETag read; the edit logged with the officer's id), and a correction made on a copy
// someone else changed meanwhile is refused with a reload, never written over theirs. A citizen ID
// another farmer has is refused under the field: a farmer of another ward is not named, one of the
// officer's ward is (name, card code, hamlet, ward, and what to do), and "Chọn nông hộ này" chooses
// them in the plot form instead of a new farmer, or instead of the farmer being corrected there (left
// as it was); on a plot's card, where no other farmer can take the plot, only what to do is said.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { vi as words } from '../../web/src/i18n/vi.ts';
import { ACCOUNTS, openPage, SCREENSHOTS, gotoSignedIn, useServerAndBrowser } from './harness.ts';
import { addDrawing, apiToken, freeSpots, openEditorAt, openPlot } from './registry-fixtures.ts';

type LonLat = [number, number];

const WARD = '29869';
const e2e = useServerAndBrowser();
let spots: LonLat[];

beforeAll(async () => {
  spots = (await freeSpots(e2e.server, WARD, 2, 0.003)) as LonLat[];
});

/** A square of about 20 m around a spot, put in the editor as a drawing and selected, and the plot form opened for it. */
async function drawAndOpenForm(page: Page, [lon, lat]: LonLat): Promise<void> {
  await addDrawing(page, [lon, lat]);
  await page.click('#plot-save:not([disabled])');
  await page.waitForSelector('#plot-form select[name=crop]:not([aria-busy])');
}

type FarmerRows = { commune_code: string; hamlet: string | null; full_name: string; citizen_id: string | null; phone: string | null };

async function farmerRows(id: number): Promise<FarmerRows | undefined> {
  const { rows } = await e2e.server.db.query<FarmerRows>(
    `SELECT f.commune_code, f.hamlet, fp.full_name, fp.citizen_id, fp.phone
       FROM farmers f JOIN farmer_private fp ON fp.farmer_id = f.id WHERE f.id = $1`,
    [id],
  );
  return rows[0];
}

const farmerCount = async () => (await e2e.server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM farmers')).rows[0]!.n;

/** The farmer id of the plot saved at a spot, once it is saved. */
async function savedPlotFarmer([lon, lat]: LonLat): Promise<number | null> {
  let farmer: number | null | undefined;
  await expect
    .poll(
      async () => {
        const { rows } = await e2e.server.db.query<{ farmer_id: number | null }>(
          `SELECT farmer_id FROM plots WHERE ST_Intersects(geom, ST_SetSRID(ST_Point($1, $2), 4326))`,
          [lon, lat],
        );
        farmer = rows[0]?.farmer_id;
        return rows.length;
      },
      { timeout: 20_000 },
    )
    .toBe(1);
  return farmer === null || farmer === undefined ? null : Number(farmer);
}

/** The farmer form's fields fit the screen: no side-scrolling, every input inside the dialog. */
async function formFits(page: Page, width: number): Promise<void> {
  const box = (await page.locator('#farmer-form').boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(width);
  const overflow = await page.evaluate(() => {
    const dialog = document.getElementById('farmer-form')!;
    const right = dialog.getBoundingClientRect().right;
    return {
      scroll: dialog.scrollWidth - dialog.clientWidth,
      outside: [...dialog.querySelectorAll('input, select, button')].filter((e) => e.getBoundingClientRect().right > right + 0.5).length,
    };
  });
  expect(overflow).toEqual({ scroll: 0, outside: 0 });
}

describe('registering and correcting a farmer from the plot form', () => {
  it('at 360 px: a name nobody has, the new farmer registered (a refused citizen ID said first), chosen, and the plot saved with them', async () => {
    const { page, context, errors } = await openPage(e2e.browser, 'phone');
    await page.setViewportSize({ width: 360, height: 740 });
    const spot = spots[0]!;
    await openEditorAt(page, e2e.server, spot);
    await drawAndOpenForm(page, spot);
    await page.selectOption('#plot-form select[name=crop]', 'vegetable');
    await page.fill('#plot-form input[name=variety]', 'Cải xanh');
    await page.fill('#plot-form input[name=planting_date]', '2025-03-01');

    // A name the registry does not know: said at once, beside the button that registers them.
    await page.fill('#plot-form-farmer', 'Huỳnh Thị Mai');
    const hint = page.locator('#farmer-error.hint');
    await hint.waitFor({ state: 'visible' });
    expect(await hint.innerText()).toBe('Chưa có nông hộ nào tên “Huỳnh Thị Mai” trong xã/phường của bạn.');
    await page.click('#plot-form-new-farmer');
    await page.waitForSelector('#farmer-form[open]');
    expect(await page.innerText('#farmer-form-title')).toBe(words.farmerNew);
    expect(await page.inputValue('#farmer-form-fullName')).toBe('Huỳnh Thị Mai');
    expect(await page.inputValue('#farmer-form-communeCode')).toBe(WARD);
    // The keyboard each field needs on a phone.
    expect(await page.getAttribute('#farmer-form-citizenId', 'inputmode')).toBe('numeric');
    expect(await page.getAttribute('#farmer-form-phone', 'type')).toBe('tel');
    await formFits(page, 360);

    // Eleven digits: neither a CCCD nor a CMND. Said under the field; nothing is sent.
    const before = await farmerCount();
    await page.fill('#farmer-form-citizenId', '087 111 222 33');
    await page.fill('#farmer-form-phone', '0901 234 567');
    await page.fill('#farmer-form-hamlet', 'Ấp Tân Hậu');
    await page.click('#farmer-form-save');
    const refused = page.locator('#farmer-form-citizenId-error');
    await refused.waitFor({ state: 'visible' });
    expect(await refused.innerText()).toBe('Số CCCD gồm 12 chữ số (CMND cũ: 9 chữ số).');
    expect(await page.getAttribute('#farmer-form-citizenId', 'aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('farmer-form-citizenId');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'farmer-form-360-refused.png') });
    expect(await farmerCount()).toBe(before);

    // Copied from the card in groups of three: taken as its twelve digits.
    await page.fill('#farmer-form-citizenId', '087 111 222 333');
    expect(await refused.isHidden()).toBe(true);
    await page.click('#farmer-form-save');
    await page.waitForSelector('#farmer-form', { state: 'detached' });
    const id = Number(await page.inputValue('#plot-form input[name=farmer_id]'));
    expect(id).toBeGreaterThan(0);
    expect(await farmerRows(id)).toEqual({
      commune_code: WARD,
      hamlet: 'Ấp Tân Hậu',
      full_name: 'Huỳnh Thị Mai',
      citizen_id: '087111222333',
      phone: '0901 234 567',
    });
    // Chosen in the plot form by name and card code; what was typed before is kept.
    expect(await page.inputValue('#plot-form-farmer')).toMatch(/^Huỳnh Thị Mai \(ND-[2-9A-Z]{4}-[2-9A-Z]{4}\)$/);
    expect(await page.isVisible('#plot-form-edit-farmer')).toBe(true);
    expect(await page.inputValue('#plot-form select[name=crop]')).toBe('vegetable');
    expect(await page.inputValue('#plot-form input[name=variety]')).toBe('Cải xanh');
    expect(await page.inputValue('#plot-form input[name=planting_date]')).toBe('2025-03-01');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'farmer-form-360-chosen.png') });

    await page.click('#plot-form-save');
    await page.waitForSelector('#plot-form', { state: 'detached' });
    // The editor sends the plot once its form has closed: the row comes a moment later.
    await expect.poll(() => savedPlotFarmer(spot), { timeout: 30_000 }).toBe(id);
    // The name searched before the farmer existed (an empty list) is no failure; nothing else failed.
    expect(errors).toEqual([]);
    await context.close();
  });

  it('on a desk: registers a farmer, corrects the phone (logged), meets a colleague’s change with a reload, and corrects the name from the plot’s card', async () => {
    const { page, context, errors } = await openPage(e2e.browser, 'desktop');
    const spot = spots[1]!;
    await openEditorAt(page, e2e.server, spot);
    await drawAndOpenForm(page, spot);
    await page.selectOption('#plot-form select[name=crop]', 'vegetable');
    await page.fill('#plot-form input[name=variety]', 'Cải ngọt');

    // The plain button, with nothing typed in the farmer field.
    await page.click('#plot-form-new-farmer');
    await page.waitForSelector('#farmer-form[open]');
    await formFits(page, 1280);

    // A citizen ID a farmer already has, copied in groups: refused, nothing written.
    type Holder = { id: number; lookup_code: string; full_name: string; citizen_id: string; commune_name: string; hamlet: string | null };
    const holderOf = async (where: string) =>
      (
        await e2e.server.db.query<Holder>(
          `SELECT f.id, f.lookup_code, fp.full_name, fp.citizen_id, f.hamlet,
                  (SELECT name FROM admin_units u WHERE u.code = f.commune_code AND u.valid_to IS NULL LIMIT 1) AS commune_name
             FROM farmers f JOIN farmer_private fp ON fp.farmer_id = f.id
            WHERE fp.citizen_id ~ '^[0-9]{12}$' AND f.commune_code ${where} $1 ORDER BY f.id LIMIT 1`,
          [WARD],
        )
      ).rows[0]!;
    const takenText = (h: Holder) =>
      `Số CCCD này đã có trong hồ sơ nông hộ: ${h.full_name} (${h.lookup_code}), ${h.hamlet ? `${h.hamlet}, ` : ''}${h.commune_name}.`;
    const grouped = (id: string) => `${id.slice(0, 3)} ${id.slice(3, 6)} ${id.slice(6, 9)} ${id.slice(9)}`;
    const before = await farmerCount();
    const idError = page.locator('#farmer-form-citizenId-error');
    const choose = page.locator('#farmer-form-choose-existing');
    // Another ward's farmer: the officer may not read them, so only that the ID is registered is said.
    const elsewhere = await holderOf('<>');
    await page.fill('#farmer-form-fullName', 'Trương Văn Lộc');
    await page.fill('#farmer-form-citizenId', grouped(elsewhere.citizen_id));
    await page.click('#farmer-form-save');
    await idError.waitFor({ state: 'visible' });
    expect(await idError.innerText()).toBe('Số CCCD này đã có trong hồ sơ nông hộ ở một xã/phường khác.');
    expect(await page.innerText('#farmer-form-citizenId-next')).toBe(words.farmerCitizenIdNextElsewhere);
    expect(await choose.isHidden()).toBe(true);
    expect(await page.getAttribute('#farmer-form-citizenId', 'aria-invalid')).toBe('true');
    expect(await page.innerText('#farmer-form')).not.toContain(elsewhere.full_name);
    // A farmer of the officer's ward: named with card code and ward, and offered.
    const mine = await holderOf('=');
    await page.fill('#farmer-form-citizenId', grouped(mine.citizen_id));
    expect(await idError.isHidden()).toBe(true);
    await page.click('#farmer-form-save');
    await choose.waitFor({ state: 'visible' });
    expect(mine.hamlet, 'a seeded farmer of the ward has a hamlet').toBeTruthy();
    expect(await idError.innerText()).toBe(takenText(mine));
    expect(await page.innerText('#farmer-form-citizenId-next')).toBe(words.farmerCitizenIdNextChoose);
    expect(await choose.innerText()).toBe('Chọn nông hộ này');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('farmer-form-citizenId');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'farmer-form-desktop-citizen-taken.png') });
    expect(await farmerCount()).toBe(before);
    // Chosen in the plot form in place of a new farmer; what was typed there is kept.
    await choose.click();
    await page.waitForSelector('#farmer-form', { state: 'detached' });
    expect(await page.inputValue('#plot-form input[name=farmer_id]')).toBe(String(mine.id));
    expect(await page.inputValue('#plot-form-farmer')).toBe(`${mine.full_name} (${mine.lookup_code})`);
    expect(await page.inputValue('#plot-form input[name=variety]')).toBe('Cải ngọt');
    expect(await farmerCount()).toBe(before);

    // Not them after all: a new farmer, registered.
    await page.click('#plot-form-new-farmer');
    await page.waitForSelector('#farmer-form[open]');
    await page.fill('#farmer-form-fullName', 'Trương Văn Lộc');
    await page.fill('#farmer-form-phone', '0912 000 111');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'farmer-form-desktop-new.png') });
    await page.click('#farmer-form-save');
    await page.waitForSelector('#farmer-form', { state: 'detached' });
    const id = Number(await page.inputValue('#plot-form input[name=farmer_id]'));
    expect(await farmerRows(id)).toMatchObject({ full_name: 'Trương Văn Lộc', phone: '0912 000 111', citizen_id: null, hamlet: null });

    // The farmer's phone corrected: the form opens filled in, and the edit is logged as the officer's.
    await page.click('#plot-form-edit-farmer');
    await page.waitForSelector('#farmer-form[open]');
    expect(await page.innerText('#farmer-form-title')).toBe(words.farmerEdit);
    expect(await page.inputValue('#farmer-form-fullName')).toBe('Trương Văn Lộc');
    expect(await page.inputValue('#farmer-form-phone')).toBe('0912 000 111');
    await page.fill('#farmer-form-phone', '0912 000 222');
    await page.click('#farmer-form-save');
    await page.waitForSelector('#farmer-form', { state: 'detached' });
    expect((await farmerRows(id))!.phone).toBe('0912 000 222');
    const officer = (await e2e.server.db.query<{ id: number }>(`SELECT id FROM users WHERE username = 'officer'`)).rows[0]!.id;
    const { rows: logged } = await e2e.server.db.query<{ user_id: number; origin: string; before: string; after: string }>(
      `SELECT user_id, origin, before ->> 'phone' AS before, after ->> 'phone' AS after
         FROM edit_log WHERE collection = 'farmer_private' AND feature_id = $1 AND action = 'update' ORDER BY id`,
      [String(id)],
    );
    expect(logged.map((r) => ({ ...r, user_id: Number(r.user_id) }))).toEqual([
      { user_id: Number(officer), origin: 'api', before: '0912 000 111', after: '0912 000 222' },
    ]);

    // A colleague changes the farmer while the officer corrects them: the officer's save is refused, said plainly.
    await page.click('#plot-form-edit-farmer');
    await page.waitForSelector('#farmer-form[open]');
    const bearer = { Authorization: `Bearer ${await apiToken(e2e.server)}` };
    const theirRead = await fetch(`${e2e.server.url}/api/farmers/${id}`, { headers: bearer });
    const colleague = await fetch(`${e2e.server.url}/api/farmers/${id}`, {
      method: 'PATCH',
      headers: { ...bearer, 'Content-Type': 'application/json', 'If-Match': theirRead.headers.get('etag')! },
      body: JSON.stringify({ hamlet: 'Ấp Hòa Khánh' }),
    });
    expect(colleague.status).toBe(200);
    await page.fill('#farmer-form-phone', '0912 000 333');
    await page.click('#farmer-form-save');
    const message = page.locator('#farmer-form-message');
    await message.waitFor({ state: 'visible' });
    expect(await message.innerText()).toBe(words.farmerConflict);
    expect(await farmerRows(id)).toMatchObject({ phone: '0912 000 222', hamlet: 'Ấp Hòa Khánh' });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'farmer-form-desktop-conflict.png') });
    // The latest version, with the colleague's hamlet, and the correction made again over it.
    await page.click('#farmer-form-reload');
    await page.waitForFunction(() => (document.getElementById('farmer-form-hamlet') as HTMLInputElement | null)?.value === 'Ấp Hòa Khánh');
    expect(await page.inputValue('#farmer-form-phone')).toBe('0912 000 222');
    expect(await page.isHidden('#farmer-form-reload')).toBe(true);
    await page.fill('#farmer-form-phone', '0912 000 333');
    await page.click('#farmer-form-save');
    await page.waitForSelector('#farmer-form', { state: 'detached' });
    expect(await farmerRows(id)).toMatchObject({ phone: '0912 000 333', hamlet: 'Ấp Hòa Khánh' });

    // Corrected to the citizen ID of a farmer of the ward: refused, that farmer named as when registering
    // (hamlet and ward), what to do said, and 'Chọn nông hộ này' offered: the plot form then holds them,
    // and the farmer being corrected is left as it was.
    await page.click('#plot-form-edit-farmer');
    await page.waitForSelector('#farmer-form[open]');
    await page.fill('#farmer-form-citizenId', grouped(mine.citizen_id));
    await page.click('#farmer-form-save');
    await choose.waitFor({ state: 'visible' });
    expect(await idError.innerText()).toBe(takenText(mine));
    expect(await page.innerText('#farmer-form-citizenId-next')).toBe(words.farmerCitizenIdNextChooseEdit);
    expect(await page.getAttribute('#farmer-form-citizenId', 'aria-describedby')).toContain('farmer-form-citizenId-next');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'farmer-form-desktop-correct-taken.png') });
    await choose.click();
    await page.waitForSelector('#farmer-form', { state: 'detached' });
    expect(await page.inputValue('#plot-form input[name=farmer_id]')).toBe(String(mine.id));
    expect(await page.inputValue('#plot-form-farmer')).toBe(`${mine.full_name} (${mine.lookup_code})`);
    expect(await farmerRows(id)).toMatchObject({ citizen_id: null, phone: '0912 000 333' });
    // Not the same person after all: the corrected farmer named again by card code.
    const code = (await e2e.server.db.query<{ lookup_code: string }>('SELECT lookup_code FROM farmers WHERE id = $1', [id])).rows[0]!
      .lookup_code;
    await page.fill('#plot-form-farmer', `Trương Văn Lộc (${code})`);

    await page.click('#plot-form-save');
    await page.waitForSelector('#plot-form', { state: 'detached' });
    // The editor sends the plot once its form has closed: the row comes a moment later.
    await expect.poll(() => savedPlotFarmer(spot), { timeout: 30_000 }).toBe(id);
    // The refused requests are the two citizen IDs' 409, the correction's 409 and the stale correction's 412.
    expect(errors.filter((e) => !(/409/.test(e) && /\/api\/farmers(\/[0-9]+)?$/.test(e)) && !/412/.test(e))).toEqual([]);
    expect(errors.filter((e) => /^http 409: .*\/api\/farmers$/.test(e))).toHaveLength(2);
    expect(errors.filter((e) => /^http 409: .*\/api\/farmers\/[0-9]+$/.test(e))).toHaveLength(1);
    expect(errors.filter((e) => /^http 412: .*\/api\/farmers\/[0-9]+$/.test(e))).toHaveLength(1);
    await context.close();

    // Where an officer meets the farmer later, on the plot's card: the same correction, and the card says the new name.
    const plotId = Number(
      (
        await e2e.server.db.query<{ id: number }>(
          `SELECT id FROM plots WHERE ST_Intersects(geom, ST_SetSRID(ST_Point($1, $2), 4326))`,
          spot,
        )
      ).rows[0]!.id,
    );
    const reader = await openPage(e2e.browser, 'desktop');
    await gotoSignedIn(reader.page, `${e2e.server.url}/#c=${spot[0].toFixed(6)},${spot[1].toFixed(6)},18&l=plots`, ACCOUNTS.officer);
    await openPlot(reader.page, { id: plotId, lon: spot[0], lat: spot[1] });
    const card = `.feature-card[data-id="${plotId}"]`;
    await reader.page.locator(`${card} dd`, { hasText: 'Trương Văn Lộc' }).waitFor();
    // Opened and cancelled: the keyboard is back on the button.
    await reader.page.click(`${card} #card-farmer-edit`);
    await reader.page.waitForSelector('#farmer-form[open]');
    await reader.page.click('#farmer-form-cancel');
    await reader.page.waitForSelector('#farmer-form', { state: 'detached' });
    expect(await reader.page.evaluate(() => document.activeElement?.id)).toBe('card-farmer-edit');
    await reader.page.click(`${card} #card-farmer-edit`);
    await reader.page.waitForSelector('#farmer-form[open]');
    expect(await reader.page.inputValue('#farmer-form-hamlet')).toBe('Ấp Hòa Khánh');
    // The card cannot give the plot to another farmer: the holder named, what to do said, nothing to choose.
    await reader.page.fill('#farmer-form-citizenId', mine.citizen_id);
    await reader.page.click('#farmer-form-save');
    await reader.page.locator('#farmer-form-citizenId-next').waitFor({ state: 'visible' });
    expect(await reader.page.innerText('#farmer-form-citizenId-error')).toBe(takenText(mine));
    expect(await reader.page.innerText('#farmer-form-citizenId-next')).toBe(words.farmerCitizenIdNextCheck);
    expect(await reader.page.isHidden('#farmer-form-choose-existing')).toBe(true);
    await reader.page.fill('#farmer-form-citizenId', '');
    await reader.page.fill('#farmer-form-fullName', 'Trương Văn Lộc Em');
    await reader.page.click('#farmer-form-save');
    await reader.page.waitForSelector('#farmer-form', { state: 'detached' });
    await reader.page.locator(`${card} dd`, { hasText: 'Trương Văn Lộc Em' }).waitFor();
    // The card drawn anew keeps the keyboard where it was: on the button that opened the form.
    expect(await reader.page.evaluate(() => document.activeElement?.id)).toBe('card-farmer-edit');
    expect((await farmerRows(id))!.full_name).toBe('Trương Văn Lộc Em');
    await reader.page.screenshot({ path: path.join(SCREENSHOTS, 'farmer-form-desktop-card.png') });
    // The one refusal is the taken citizen ID's 409 (said by the request and by the browser's console).
    expect(reader.errors.filter((e) => !(/409/.test(e) && /\/api\/farmers\/[0-9]+$/.test(e)))).toEqual([]);
    await reader.context.close();
  });
});
