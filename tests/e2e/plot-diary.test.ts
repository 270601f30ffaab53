// The farm diary of a plot on the map: an officer opens a plot of their commune, is offered the
// allowed-substance lists of the plot's markets (each substance with the markets that forbid it and
// its limits), records a spray with an allowed substance (no warning) and one the area's export
// market forbids, sprayed too close to the harvest (warned while typing; the server's problems
// shown in Vietnamese with what they mean for the code, stored as facts in the row), records
// a residue test over the limit and is told in Vietnamese when no limit is listed; the database
// holds exactly those rows. A farmer reads the diary of their own plot on a phone but gets no form
// (the registry lets farmers read, not write); a guest gets no diary and no personal data.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { addDays, marketsToCheck } from '../../server/domain/substances.ts';
import { vi as viText } from '../../web/src/i18n/vi.ts';
import { vnToday } from '../../web/src/registration/plot-diary.ts';
import { ACCOUNTS, openPage, SCREENSHOTS, gotoSignedIn, useServerAndBrowser, waitForMap } from './harness.ts';
import { openPlot } from './registry-fixtures.ts';

const e2e = useServerAndBrowser();

type Plot = { id: number; lon: number; lat: number; harvest: string; code: string; markets: string[]; farmer: string };

/** A plot of a coded export area in the officer's commune, harvested at least three days ago, with a point inside it. */
async function plotOf(which: 'officer' | 'farmer'): Promise<Plot> {
  const { rows } = await e2e.server.db.query<Plot>(
    `SELECT p.id, ST_X(ST_PointOnSurface(p.geom)) lon, ST_Y(ST_PointOnSurface(p.geom)) lat, p.expected_harvest harvest,
            g.code, g.markets, fp.full_name farmer
       FROM plots p JOIN growing_areas g ON g.id = p.growing_area_id LEFT JOIN farmer_private fp ON fp.farmer_id = p.farmer_id
      WHERE p.commune_code = '29869' AND g.code IS NOT NULL AND cardinality(g.markets) > 0 AND p.expected_harvest <= current_date - 3
        AND (p.farmer_id = (SELECT farmer_id FROM users WHERE username = 'farmer')) = ($1 = 'farmer')
      ORDER BY p.area_m2 DESC LIMIT 1`,
    [which],
  );
  if (!rows[0]) throw new Error(`no seeded plot for the ${which}`);
  return { ...rows[0], lon: Number(rows[0].lon), lat: Number(rows[0].lat) };
}

/** A substance every market of the plot allows, and one an export market forbids while Vietnam allows it. */
async function substancesFor(markets: string[]): Promise<{ allowed: string; forbidden: { ai: string; market: string } }> {
  const all = marketsToCheck(markets);
  const allowed = await e2e.server.db.query<{ ai: string }>(
    `SELECT active_ingredient ai FROM allowed_substances WHERE market = ANY ($1) GROUP BY 1
      HAVING count(*) FILTER (WHERE allowed) = $2 ORDER BY 1 LIMIT 1`,
    [all, all.length],
  );
  const forbidden = await e2e.server.db.query<{ ai: string; market: string }>(
    `SELECT s.active_ingredient ai, s.market FROM allowed_substances s
       JOIN allowed_substances v ON v.active_ingredient = s.active_ingredient AND v.market = 'VN' AND v.allowed
      WHERE s.market = ANY ($1) AND s.market <> 'VN' AND NOT s.allowed ORDER BY 1 LIMIT 1`,
    [all],
  );
  return { allowed: allowed.rows[0]!.ai, forbidden: forbidden.rows[0]! };
}

const diaryRows = (plotId: number) =>
  e2e.server.db
    .query<{
      applied_on: string;
      pesticide: string;
      active_ingredient: string;
      dose: string | null;
      dose_amount: number | null;
      dose_unit: string | null;
      phi_days: number | null;
      flagged: boolean;
      flag_reason: string | null;
      created_by: number;
      problems: { reason: string; market: string | null; substance?: string; safeHarvestOn?: string }[] | null;
    }>(
      `SELECT applied_on, pesticide, active_ingredient, dose, dose_amount, dose_unit, phi_days, flagged, flag_reason, created_by, problems
       FROM diary_entries WHERE plot_id = $1 ORDER BY id`,
      [plotId],
    )
    .then((r) => r.rows);

const residueRows = (plotId: number) =>
  e2e.server.db
    .query<{ sampled_on: string; lab: string | null; active_ingredient: string; result_mg_kg: number; passed: boolean }>(
      `SELECT sampled_on, lab, active_ingredient, result_mg_kg, passed FROM residue_tests WHERE plot_id = $1 ORDER BY id`,
      [plotId],
    )
    .then((r) => r.rows);

/**
 * The officer's plot (as plotOf) with its substances and diary rows as they stand, and a desktop page
 * where the officer has signed in and opened that plot's card at its diary.
 */
async function officerAtDiary() {
  const plot = await plotOf('officer');
  const substances = await substancesFor(plot.markets);
  const before = await diaryRows(plot.id);
  const { page, context, errors } = await openPage(e2e.browser, 'desktop');
  await gotoSignedIn(page, `${e2e.server.url}/#c=${plot.lon.toFixed(6)},${plot.lat.toFixed(6)},17&l=plots`, ACCOUNTS.officer);
  await openPlot(page, plot);
  await page.waitForSelector('#plot-diary .diary-context');
  return { plot, ...substances, before, page, context, errors };
}

/** Fills the open form of the card; dates as YYYY-MM-DD (a date input takes them so whatever the language). */
async function fill(page: Page, values: Record<string, string>): Promise<void> {
  for (const [field, value] of Object.entries(values)) {
    const input = page.locator(`#plot-diary #diary-${field}`);
    if ((await input.evaluate((el) => el.tagName)) === 'SELECT') await input.selectOption(value);
    else await input.fill(value);
  }
}

describe('the farm diary of a plot', () => {
  it('an officer records an allowed spray, a forbidden one too close to harvest and a residue test; the server’s verdicts show in Vietnamese', async () => {
    const { plot, allowed, forbidden, before, page, context, errors } = await officerAtDiary();
    const beforeTests = await residueRows(plot.id);

    await page.waitForSelector('#plot-diary h4:text-is("Nhật ký canh tác")');
    expect(await page.locator('#plot-diary .diary-context').innerText()).toContain(`Mã số vùng trồng ${plot.code}`);
    // The seeded harvest is days past: new sprays are not compared with it, and the line says so.
    expect(await page.locator('#plot-diary .diary-harvest-passed').innerText()).toBe(
      'Ngày dự kiến thu hoạch đã qua: thời gian cách ly của lần phun mới không được kiểm tra cho đến khi cập nhật ngày này',
    );
    expect(await page.locator('#plot-diary .diary-entry').count()).toBe(before.length);

    // 1. An allowed substance, sprayed three weeks before the expected harvest with a 7-day interval: no warning.
    await page.click('#diary-add');
    // The date starts at today on Vietnam's clock.
    expect(await page.locator('#plot-diary #diary-appliedOn').inputValue()).toBe(vnToday());
    // The ingredient field offers every substance the lists of Vietnam and the plot's markets name,
    // those allowed everywhere first, each labelled with the markets that forbid it and its limits.
    const listed = await e2e.server.db.query<{ ai: string }>(
      `SELECT DISTINCT active_ingredient ai FROM allowed_substances WHERE market = ANY ($1)`,
      [marketsToCheck(plot.markets)],
    );
    await page.waitForFunction((n) => document.querySelectorAll('#plot-diary #diary-substances option').length === n, listed.rows.length);
    const options = await page
      .locator('#plot-diary #diary-substances option')
      .evaluateAll((os) => os.map((o) => ({ value: (o as HTMLOptionElement).value, label: (o as HTMLOptionElement).label })));
    expect(options.map((o) => o.value).sort()).toEqual(listed.rows.map((r) => r.ai).sort());
    expect(options[0]!.label).toContain('Được phép ở mọi thị trường của thửa');
    const marketVi = { CN: 'Trung Quốc', US: 'Hoa Kỳ', EU: 'EU' }[forbidden.market] ?? forbidden.market;
    const forbiddenOption = options.find((o) => o.value === forbidden.ai)!;
    expect(forbiddenOption.label).toContain(`Không được phép: ${marketVi}`);
    const { mrl } = (
      await e2e.server.db.query<{ mrl: number | null }>(
        `SELECT mrl_mg_kg mrl FROM allowed_substances WHERE active_ingredient = $1 AND market = 'VN'`,
        [forbidden.ai],
      )
    ).rows[0]!;
    expect(forbiddenOption.label).toContain(`MRL (mg/kg): Việt Nam ${String(mrl).replace('.', ',')}`);
    const cleanOn = addDays(plot.harvest, -21);
    // The dose is a figure and a unit from the list, the knapsack tank first; words are refused before sending.
    expect(await page.locator('#plot-diary #diary-doseUnit').inputValue()).toBe('ml/16l');
    expect(await page.locator('#plot-diary #diary-doseUnit option').allInnerTexts()).toEqual([
      'ml/ha',
      'lít/ha',
      'g/ha',
      'kg/ha',
      'ml/bình 16 lít',
      'g/bình 16 lít',
    ]);
    expect(await page.getAttribute('#plot-diary #diary-dose', 'inputmode')).toBe('decimal');
    await fill(page, {
      appliedOn: cleanOn,
      pesticide: `${allowed} 250SC`,
      activeIngredient: allowed,
      dose: 'hai lít',
      phiDays: '7',
    });
    await page.click('#diary-save');
    expect(await page.locator('#plot-diary #diary-dose-error').innerText()).toBe(
      'Nhập liều lượng là một số lớn hơn 0, tối đa 100.000 (dùng dấu phẩy cho phần thập phân, VD 0,5), rồi chọn đơn vị.',
    );
    expect(await page.getAttribute('#plot-diary #diary-dose', 'aria-invalid')).toBe('true');
    expect(await diaryRows(plot.id)).toEqual(before);
    await fill(page, { dose: '0,5', doseUnit: 'l/ha' });
    expect(await page.locator('#plot-diary #diary-preview').innerText()).toBe(`Thu hoạch an toàn từ ${vi(addDays(cleanOn, 7))}.`);
    await page.click('#diary-save');
    await page.waitForSelector('#plot-diary-message.diary-done');
    expect(await page.locator('#plot-diary-warning').count()).toBe(0);
    let rows = await diaryRows(plot.id);
    expect(rows.slice(before.length)).toEqual([
      {
        applied_on: cleanOn,
        pesticide: `${allowed} 250SC`,
        active_ingredient: allowed,
        dose: '0,5 lít/ha',
        dose_amount: 0.5,
        dose_unit: 'l/ha',
        phi_days: 7,
        flagged: false,
        flag_reason: null,
        created_by: 3,
        problems: [],
      },
    ]);

    // The list words the figure and unit in the language shown; an entry from before them shows its text as typed.
    const idOf = async (sql: string) => (await e2e.server.db.query<{ id: number }>(sql, [plot.id])).rows[0]?.id;
    const cleanId = await idOf('SELECT max(id) AS id FROM diary_entries WHERE plot_id = $1');
    const oldId = await idOf('SELECT min(id) AS id FROM diary_entries WHERE plot_id = $1 AND dose IS NOT NULL AND dose_amount IS NULL');
    const oldDose = before.find((r) => r.dose !== null && r.dose_amount === null)?.dose;
    expect(oldId && oldDose).toBeTruthy();
    const entryText = (id: number | undefined) => page.locator(`#plot-diary .diary-entry[data-id="${id}"]`).innerText();
    expect(await entryText(cleanId)).toContain('Liều lượng: 0,5 lít/ha');
    expect(await entryText(oldId)).toContain(`Liều lượng: ${oldDose}`);

    // 2. A substance the export market forbids, three days before the harvest with a 14-day interval.
    await page.click('#diary-add');
    const lateOn = addDays(plot.harvest, -3);
    await fill(page, { appliedOn: lateOn, pesticide: `${forbidden.ai} 500SC`, activeIngredient: forbidden.ai, phiDays: '14' });
    // The form warns before sending, by the same rule the server applies, against the published lists.
    const preview = await page.locator('#plot-diary #diary-preview.is-warning').innerText();
    expect(preview).toContain(`sau ngày dự kiến thu hoạch ${vi(plot.harvest)}`);
    expect(preview).toContain(`${forbidden.ai} không được phép dùng cho thị trường ${marketVi}.`);
    expect(await page.locator('#plot-diary .diary-substance-info.is-warning').innerText()).toContain(`Không được phép: ${marketVi}`);
    await page.locator('#plot-diary #diary-form').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'plot-diary-form-desktop.png') });
    await page.click('#diary-save');
    await page.waitForSelector('#plot-diary-warning');
    const warning = await page.locator('#plot-diary-warning').innerText();
    expect(warning).toContain(`${forbidden.ai} không được phép dùng cho thị trường ${marketVi}.`);
    expect(warning).toContain(
      `Thời gian cách ly 14 ngày kết thúc ngày ${vi(addDays(lateOn, 14))}, sau ngày dự kiến thu hoạch ${vi(plot.harvest)}.`,
    );
    expect(warning).toContain(`Ảnh hưởng đến mã số ${plot.code}`);
    expect(warning).toContain(`Không thu hoạch trước ngày ${vi(addDays(lateOn, 14))}`);
    expect(warning).not.toMatch(/ is not | pre-harvest interval of /);
    rows = await diaryRows(plot.id);
    expect(rows).toHaveLength(before.length + 2);
    expect(rows.at(-1)).toMatchObject({ applied_on: lateOn, active_ingredient: forbidden.ai, phi_days: 14, flagged: true, dose: null });
    expect(rows.at(-1)!.flag_reason).toContain(`${forbidden.ai} is not allowed for ${forbidden.market}.`);
    expect(rows.at(-1)!.flag_reason).toContain('pre-harvest interval of 14 days');
    // The row holds the same reasons as facts; the card words them from those, not from the sentences.
    expect(rows.at(-1)!.problems).toContainEqual(
      expect.objectContaining({ reason: 'not-allowed', market: forbidden.market, substance: forbidden.ai }),
    );
    expect(rows.at(-1)!.problems).toContainEqual(
      expect.objectContaining({ reason: 'pre-harvest-interval', market: null, safeHarvestOn: addDays(lateOn, 14) }),
    );
    // In the list, newest first: the flagged entry carries its warning, worded from its problems.
    const flagged = page.locator('#plot-diary .diary-entry.is-flagged', { hasText: `${forbidden.ai} 500SC` });
    expect(await flagged.locator('.diary-warning').innerText()).toContain(`không được phép dùng cho thị trường ${marketVi}`);
    // What the flagged entries mean for the code is said once: in the box of the fresh entry, then above the list.
    expect(await page.locator('#plot-diary .diary-section > .diary-warning').count()).toBe(0);
    expect(await flagged.locator('.diary-meaning').count()).toBe(0);
    const order = await page.locator('#plot-diary .diary-entry time').evaluateAll((ts) => ts.map((t) => t.getAttribute('datetime')));
    expect(order).toEqual([...order].sort().reverse());
    await page.locator('#plot-diary').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'plot-diary-flagged-desktop.png') });

    // 3. A residue test with no limit listed for its substance: refused in Vietnamese, nothing written.
    await page.click('#residue-add');
    await fill(page, { lab: 'Trung tâm Kiểm định Nam Bộ', activeIngredient: 'Fipronil', resultMgKg: '0,002' });
    await page.click('#diary-save');
    await page.waitForSelector('#plot-diary-message.form-error');
    expect(await page.locator('#plot-diary-message').innerText()).toMatch(
      /^Chưa ghi được: chưa có giới hạn dư lượng tối đa \(MRL\) của Fipronil cho Việt Nam, .*chọn “Đạt” hoặc “Không đạt”/,
    );
    expect(await residueRows(plot.id)).toEqual(beforeTests);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'plot-diary-refusal-desktop.png') });

    // 4. The same form, a substance with a limit, over it: the server's verdict is "fail".
    await fill(page, { activeIngredient: allowed, resultMgKg: '5,5', verdict: 'auto' });
    await page.click('#diary-save');
    await page.waitForSelector('#plot-diary-message.diary-done');
    const tests = await residueRows(plot.id);
    expect(tests.slice(beforeTests.length)).toEqual([
      { sampled_on: vnToday(), lab: 'Trung tâm Kiểm định Nam Bộ', active_ingredient: allowed, result_mg_kg: 5.5, passed: false },
    ]);
    const failed = page.locator('#plot-diary .residue-test.is-failed').first();
    expect(await failed.innerText()).toContain(`Vượt giới hạn: ${allowed} 5,5 mg/kg`);
    expect(await failed.innerText()).toContain('Không đạt');
    await failed.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'plot-diary-residue-desktop.png') });

    // After another action the meaning of the stored flags stands above the list.
    expect(await page.locator('#plot-diary .diary-section > .diary-warning').innerText()).toContain(`Ảnh hưởng đến mã số ${plot.code}`);

    // The same card on a 360-pixel phone screen.
    await page.setViewportSize({ width: 360, height: 740 });
    await flagged.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'plot-diary-list-phone.png') });
    await page.click('#diary-add');
    await page.locator('#plot-diary #diary-form').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'plot-diary-form-phone.png') });
    const widths = await page.locator('#plot-diary input, #plot-diary select, #plot-diary button').evaluateAll((els) =>
      els
        .map((el) => el.getBoundingClientRect())
        .filter((r) => r.width > 0)
        .map((r) => [r.right, r.height]),
    );
    for (const [right, height] of widths) {
      expect(right).toBeLessThanOrEqual(360);
      expect(height).toBeGreaterThanOrEqual(44);
    }

    // In English the stored flags read in English too.
    await page.click('#diary-cancel');
    await page.click('#lang-toggle');
    await page.waitForSelector('#plot-diary h4:text-is("Farm diary")');
    expect(await flagged.locator('.diary-warning').innerText()).toContain(
      `${forbidden.ai} is not allowed for the ${forbidden.market} market.`,
    );
    expect(await entryText(cleanId)).toContain('Dose: 0.5 l/ha');
    expect(await entryText(oldId)).toContain(`Dose: ${oldDose}`);
    expect(errors.filter((e) => !e.includes('/residue-tests'))).toEqual([]);
    await context.close();
  });

  it('a spray saved with no network waits on the phone as “chờ gửi” and is sent by itself when the signal returns, written once', async () => {
    const { plot, allowed, before, page, context } = await officerAtDiary();
    await page.click('#diary-add');
    const appliedOn = addDays(plot.harvest, -21);
    await fill(page, { appliedOn, pesticide: 'Anvil 5SC', activeIngredient: allowed, dose: '20', doseUnit: 'ml/16l', phiDays: '7' });

    await context.setOffline(true);
    await page.click('#diary-save');
    const message = page.locator('#plot-diary-message');
    await expect
      .poll(() => message.innerText(), { timeout: 10_000 })
      .toBe(viText.diaryQueued.replace('{pesticide}', 'Anvil 5SC').replace('{date}', vi(appliedOn)));
    // The form closed; the record is listed as waiting, with what was typed, and kept on the phone.
    expect(await page.locator('#plot-diary .diary-form').count()).toBe(0);
    const pending = page.locator('#plot-diary #diary-pending .diary-entry.is-pending');
    expect(await pending.count()).toBe(1);
    const pendingText = await pending.innerText();
    for (const part of [viText.diaryPendingBadge, 'Anvil 5SC', allowed, 'Liều lượng: 20 ml/bình 16 lít', 'Cách ly 7 ngày'])
      expect(pendingText).toContain(part);
    expect(await page.evaluate(() => JSON.parse(localStorage.getItem('bando.diaryOutbox') ?? '[]').length)).toBe(1);
    expect(await diaryRows(plot.id)).toEqual(before);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'plot-diary-offline-pending.png') });

    // The signal returns: sent by itself, once, under its key; the waiting row goes and the entry is listed.
    await context.setOffline(false);
    await expect.poll(async () => (await diaryRows(plot.id)).length, { timeout: 15_000 }).toBe(before.length + 1);
    await expect
      .poll(() => message.innerText(), { timeout: 10_000 })
      .toBe(viText.diaryPendingSent.replace('{pesticide}', 'Anvil 5SC').replace('{date}', vi(appliedOn)));
    expect(await page.locator('#plot-diary #diary-pending').count()).toBe(0);
    expect(await page.locator('#plot-diary .diary-entry').count()).toBe(before.length + 1);
    expect((await diaryRows(plot.id)).at(-1)).toMatchObject({
      pesticide: 'Anvil 5SC',
      active_ingredient: allowed,
      dose_amount: 20,
      dose_unit: 'ml/16l',
      phi_days: 7,
    });
    expect(await page.evaluate(() => localStorage.getItem('bando.diaryOutbox'))).toBe('[]');
    await context.close();
  });

  it('a spray whose answer was lost on the way (written, the phone never heard) is sent again under its key and not written twice', async () => {
    const { plot, allowed, before, page, context } = await officerAtDiary();
    const keys: string[] = [];
    let lost = false;
    await page.route(`**/api/plots/${plot.id}/diary`, async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      if (lost) return route.continue();
      lost = true;
      // The server writes it; the answer never reaches the phone.
      await route.fetch();
      await route.abort('connectionreset');
    });
    await page.click('#diary-add');
    await fill(page, {
      appliedOn: addDays(plot.harvest, -20),
      pesticide: 'Score 250EC',
      activeIngredient: allowed,
      dose: '10',
      phiDays: '14',
    });
    await page.click('#diary-save');
    await page.locator('#plot-diary #diary-pending .is-pending').waitFor({ timeout: 10_000 });
    expect((await diaryRows(plot.id)).length).toBe(before.length + 1);
    // Tried again by itself (no 'online' comes: the browser never went offline), answered with the entry written the first time.
    await page.locator('#plot-diary #diary-pending').waitFor({ state: 'detached', timeout: 20_000 });
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
    expect(keys[1]).toBe(keys[0]);
    expect((await diaryRows(plot.id)).length).toBe(before.length + 1);
    expect(await page.locator('#plot-diary .diary-entry').count()).toBe(before.length + 1);
    await context.close();
  });

  it('a farmer reads the diary of their own plot under “my plots” on a phone, without a form', async () => {
    const plot = await plotOf('farmer');
    const entries = await diaryRows(plot.id);
    const { page, context, errors } = await openPage(e2e.browser, 'phone');
    await page.setViewportSize({ width: 360, height: 740 });
    await gotoSignedIn(page, `${e2e.server.url}/`, ACCOUNTS.farmer);
    const disclosure = page.locator(`.plot-diary-disclosure[data-plot-id="${plot.id}"]`);
    await disclosure.locator('summary').click();
    const card = disclosure.locator('.plot-diary');
    await card.locator('.diary-context').waitFor();
    expect(await card.locator('.diary-entry').count()).toBe(entries.length);
    expect(await card.locator('button').count()).toBe(0);
    expect(await card.innerText()).toContain('Cán bộ nông nghiệp xã ghi nhật ký');
    await card.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'plot-diary-farmer-phone.png') });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a guest sees the plot but no diary, no form and no farmer’s name', async () => {
    const plot = await plotOf('officer');
    const { page, context, errors } = await openPage(e2e.browser, 'desktop');
    const asked: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/api/plots/')) asked.push(request.url());
    });
    await page.goto(`${e2e.server.url}/#c=${plot.lon.toFixed(6)},${plot.lat.toFixed(6)},17&l=plots`);
    await waitForMap(page);
    await openPlot(page, plot);
    await page.waitForTimeout(500);
    expect(await page.locator('#plot-diary, .diary-form, #diary-add').count()).toBe(0);
    const text = await page.locator('.details-panel').innerText();
    expect(text).not.toContain(plot.farmer);
    expect(asked).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});

/** A date as the Vietnamese card prints it. */
function vi(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}
