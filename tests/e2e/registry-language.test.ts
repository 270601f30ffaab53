// Switching the language with a registry view open and half filled: the assembler with plots
// picked and a refusal shown, the lifecycle card's re-issue form with a typed reason and an
// objection, an officer's spray record being typed, a farmer's diary fold on a phone. Every text
// turns English (and back), nothing typed, picked or opened is lost, and the action then finishes
// and writes the row it should.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { STATUS_LABELS } from '../../server/domain/growing-area-lifecycle.ts';
import { addDays, marketsToCheck } from '../../server/domain/substances.ts';
import { vietnamToday } from '../../server/domain/vietnam-time.ts';
import { en } from '../../web/src/i18n/en.ts';
import { vi } from '../../web/src/i18n/vi.ts';
import { ACCOUNTS, openPage, SCREENSHOTS, gotoSignedIn, useServerAndBrowser, type BandoWindow } from './harness.ts';
import { apiToken, areaState, freeSpots, largestArea, listedAreaIds, openArea } from './registry-fixtures.ts';

type LonLat = [number, number];

const WARD = '29869';
const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1280, height: 800 };
const e2e = useServerAndBrowser();

/** SQL: one of the markets of growing area `g` forbids a substance Vietnam allows (a flagged spray can be recorded on its plots). */
const FORBIDS_ONE = `EXISTS (SELECT 1 FROM allowed_substances s
    JOIN allowed_substances v ON v.active_ingredient = s.active_ingredient AND v.market = 'VN' AND v.allowed
   WHERE s.market = ANY (g.markets) AND s.market <> 'VN' AND NOT s.allowed)`;

const text = (page: Page, selector: string) => page.locator(selector).first().innerText();
const value = (page: Page, selector: string) => page.locator(selector).inputValue();

async function switchTo(page: Page, lang: 'vi' | 'en'): Promise<void> {
  await page.click('#lang-toggle');
  await page.waitForFunction((l) => document.documentElement.lang === l, lang);
}

/** Screenshots at 360 px and on a desk; `onMap` views (the editor's card) are shot on a phone with the panel's sheet closed, as an officer works there. */
async function shoot(page: Page, name: string, focus: string, onMap = false): Promise<void> {
  for (const [size, label] of [
    [PHONE, 'phone360'],
    [DESKTOP, 'desktop'],
  ] as const) {
    await page.setViewportSize(size);
    if (onMap && size === PHONE && (await page.locator('#panel.is-open').count())) {
      await page.evaluate(() => (document.querySelector('.tab.is-active') as HTMLElement).click());
    }
    await page.locator(focus).scrollIntoViewIfNeeded();
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${label}.png`) });
  }
}

/** An empty spot of the ward (no plot within ~150 m, room for three 20 m squares). */
async function freeSpot(): Promise<LonLat> {
  return (await freeSpots(e2e.server, WARD, 1))[0]!;
}

function offset([lon, lat]: LonLat, eastM: number): LonLat {
  return [lon + eastM / (111_320 * Math.cos((lat * Math.PI) / 180)), lat];
}

/** Creates a 20 m square plot through the features API as the officer; answers its id. */
async function createPlot(token: string, centre: LonLat, crop: string): Promise<number> {
  const h = 10 / 111_000;
  const [x, y] = centre;
  const ring = [
    [x - h, y - h],
    [x + h, y - h],
    [x + h, y + h],
    [x - h, y + h],
    [x - h, y - h],
  ];
  const response = await fetch(`${e2e.server.url}/ogc/collections/plots/items`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/geo+json' },
    body: JSON.stringify({ type: 'Feature', geometry: { type: 'Polygon', coordinates: [ring] }, properties: { crop } }),
  });
  if (response.status !== 201) throw new Error(`plot not created: ${response.status} ${await response.text()}`);
  return Number(((await response.json()) as { id: number }).id);
}

async function clickAt(page: Page, at: LonLat): Promise<void> {
  const box = (await page.locator('#map').boundingBox())!;
  const p = await page.evaluate((lonLat) => (window as unknown as BandoWindow).__bando.map.project(lonLat), at);
  await page.mouse.click(box.x + p.x, box.y + p.y);
}

describe('registry views follow a language switch while open', () => {
  it('the assembler: picked plots, typed name and scheme, and the refusal shown turn English; the draft is then created as typed', async () => {
    const token = await apiToken(e2e.server);
    const centre = await freeSpot();
    const places = { v1: offset(centre, -30), v2: centre, m1: offset(centre, 30), v3: offset(centre, -60) };
    const ids = {
      v1: await createPlot(token, places.v1, 'vegetable'),
      v2: await createPlot(token, places.v2, 'vegetable'),
      m1: await createPlot(token, places.m1, 'mango'),
      v3: await createPlot(token, places.v3, 'vegetable'),
    };
    const { page, context, errors } = await openPage(e2e.browser, 'desktop');
    await gotoSignedIn(
      page,
      `${e2e.server.url}/#c=${centre[0].toFixed(6)},${centre[1].toFixed(6)},18&l=parcels,plots,roads`,
      ACCOUNTS.officer,
    );
    await page.click('[data-tab=tools]');
    await page.click('#edit-open');
    await page.click('#tool-assemble');
    await page.waitForSelector('#assemble-panel');
    const pick = async (at: LonLat, n: number) => {
      await clickAt(page, at);
      await page.waitForSelector(`#assemble-count[data-n="${n}"]`);
    };
    await pick(places.v1, 1);
    await pick(places.m1, 2);
    const name = 'Vùng rau an toàn Tân Thuận';
    const registrant = 'HTX Rau an toàn Tân Thuận';
    await page.fill('#assemble-form input[name=name]', name);
    await page.fill('#assemble-form input[name=registrant]', registrant);
    await page.selectOption('#assemble-form select[name=scheme]', 'export-puc');
    await page.click('#area-create');
    await page.waitForSelector('#assemble-message.form-error');
    expect(await text(page, '#assemble-message')).toContain(`Chưa tạo được vùng trồng: thửa #${ids.m1} trồng xoài`);

    await switchTo(page, 'en');
    expect(await text(page, '#assemble-panel h3')).toBe(en.assembleArea);
    expect(await text(page, '#assemble-count')).toBe('2 plots selected');
    expect(await text(page, '#area-verdict')).toMatch(/^✗ All plots must grow one crop \(Vegetables\)\.$/);
    expect(await text(page, '#area-create')).toBe(en.createArea);
    expect(await text(page, '#assemble-message')).toContain(
      `Growing area not created: plot #${ids.m1} grows mango, but growing area “${name}” grows vegetables`,
    );
    expect(await text(page, '#assemble-message')).not.toMatch(/thửa|trồng/);
    expect(await page.getAttribute(`#assemble-plots li[data-id="${ids.m1}"] button`, 'aria-label')).toBe(
      `Remove plot #${ids.m1} from the list`,
    );
    const schemes = await page.locator('#assemble-form select[name=scheme] option').allInnerTexts();
    expect(schemes).toEqual([en.schemeDomestic, en.schemeExportPuc, en.schemeExportPhc]);
    // What was typed and chosen, and the plots picked, are as they were.
    expect(await value(page, '#assemble-form input[name=name]')).toBe(name);
    expect(await value(page, '#assemble-form input[name=registrant]')).toBe(registrant);
    expect(await value(page, '#assemble-form select[name=scheme]')).toBe('export-puc');
    expect(await page.locator('#assemble-plots li').evaluateAll((li) => li.map((l) => Number(l.getAttribute('data-id'))))).toEqual([
      ids.v1,
      ids.m1,
    ]);
    expect(await text(page, '#assemble-form')).toContain(en.areaName);
    await shoot(page, 'assemble-english', '#assemble-panel', true);

    // The mango plot leaves, the second vegetable plot joins: the verdict is worded in English from now on.
    await page.click(`#assemble-plots li[data-id="${ids.m1}"] button`);
    await page.waitForSelector('#assemble-count[data-n="1"]');
    await pick(places.v2, 2);
    expect(await text(page, '#area-verdict')).toMatch(/^✗ Total 0\.\d\d ha, below the minimum of 0\.1 ha for annual crops\.$/);
    // Two 20 m squares are below it: the button waits and says why, in English.
    expect(await page.isDisabled('#area-create')).toBe(true);
    expect(await text(page, '#area-create-blocked')).toMatch(
      /^The growing area cannot be created yet: the plots total 0\.0\d ha, 0\.\d\d ha short of the minimum of 0\.1 ha for annual crops\. Pick more plots on the map\.$/,
    );
    await shoot(page, 'assemble-below-minimum-english', '#area-create-blocked', true);
    await switchTo(page, 'vi');
    expect(await text(page, '#area-create-blocked')).toMatch(/^Chưa tạo được vùng trồng: tổng diện tích 0,0\d ha, còn thiếu 0,\d\d ha/);
    await switchTo(page, 'en');
    // A third plot reaches the minimum (three 20 m squares ≈ 0.12 ha).
    await pick(places.v3, 3);
    expect(await page.locator('#area-create-blocked').count()).toBe(0);
    await page.click('#area-create');
    const created = Number(await page.getAttribute('#area-created', 'data-id', { timeout: 30_000 }));
    // The created card says what was made, once (no second 'created' line), and the form is empty for the next area but its scheme.
    expect(await page.locator('#assemble-message').count()).toBe(0);
    expect(await value(page, '#assemble-form input[name=name]')).toBe('');
    expect(await value(page, '#assemble-form input[name=registrant]')).toBe('');
    expect(await value(page, '#assemble-form select[name=scheme]')).toBe('export-puc');
    expect(await text(page, '#area-created p')).toMatch(
      new RegExp(`^Growing area #${created} created: 3 plots, 0\\.\\d\\d ha, status “Draft”\\.$`),
    );
    const { rows } = await e2e.server.db.query<{ name: string; registrant_name: string; scheme: string; crop: string; status: string }>(
      'SELECT name, registrant_name, scheme, crop, status FROM growing_areas WHERE id = $1',
      [created],
    );
    expect(rows[0]).toEqual({ name, registrant_name: registrant, scheme: 'export-puc', crop: 'vegetable', status: 'draft' });
    const members = await e2e.server.db.query<{ id: number }>('SELECT id FROM plots WHERE growing_area_id = $1 ORDER BY id', [created]);
    expect(members.rows.map((r) => Number(r.id))).toEqual([ids.v1, ids.v2, ids.v3].sort((a, b) => a - b));

    // And back: the answer and the card are Vietnamese again.
    await switchTo(page, 'vi');
    expect(await text(page, '#assemble-panel h3')).toBe(vi.assembleArea);
    expect(await page.locator('#assemble-message').count()).toBe(0);
    expect(await text(page, '#area-created p')).toContain('“Bản nháp”');
    // Closed, the assembler is gone and a switch reaches nothing of it.
    await page.click('#tool-assemble');
    await page.waitForSelector('#assemble-panel', { state: 'detached' });
    await switchTo(page, 'en');
    await switchTo(page, 'vi');
    // The refusal of mixed crops is the one failed request, on purpose.
    expect(errors.filter((e) => !/422/.test(e))).toEqual([]);
    await context.close();
  });

  it('the lifecycle card: a re-issue form with a typed reason and an objection turns English, keeps both, and the re-issue is recorded with them', async () => {
    const token = await apiToken(e2e.server);
    const ids = await listedAreaIds(e2e.server, token, 'status=active&limit=200');
    // Not an area whose plots the diary test needs (a market forbidding a substance Vietnam allows): the re-issue takes its code away.
    const area = await largestArea(
      e2e.server,
      ids,
      `(SELECT count(*) FROM plots p WHERE p.growing_area_id = g.id) BETWEEN 1 AND 12 AND NOT ${FORBIDS_ONE}`,
    );
    const before = await areaState(e2e.server, area.id);
    const { page, context, errors } = await openPage(e2e.browser, 'desktop');
    await openArea(page, e2e.server, area, ACCOUNTS.officer);
    await page.waitForSelector('#lifecycle-reissue');
    await page.click('#lifecycle-reissue');
    await page.fill('#reissue-form input[name=decisionNo]', '12/QĐ-SNN');
    await page.click('#reissue-confirm');
    expect(await text(page, '#reissue-reason-error')).toBe(vi.lifecycleInput_required_reason);
    const reason = 'Đổi đơn vị đăng ký sang HTX Mỹ Xương';
    await page.fill('#reissue-form input[name=reason]', reason);

    await switchTo(page, 'en');
    expect(await text(page, '#lifecycle h4')).toBe(en.lifecycleTitle);
    expect(await text(page, '#lifecycle-status')).toBe(STATUS_LABELS.active.en);
    expect(await text(page, '#reissue-form h5')).toBe(`Re-issue the code: create version ${before.versionNo + 1}`);
    expect(await text(page, '#reissue-form')).toContain(en.reissueField_reason);
    expect(await text(page, '#reissue-form')).toContain(en.reissueField_decisionNo);
    expect(await text(page, '#reissue-reason-error')).toBe(en.lifecycleInput_required_reason);
    expect(await page.getAttribute('#reissue-decisionNo', 'placeholder')).toBe(en.lifecycleDecisionExample);
    expect(await text(page, '#reissue-confirm')).toBe(en.reissueVerb);
    expect(await text(page, '#reissue-cancel')).toBe(en.cancel);
    expect(await text(page, '#documents-title')).toBe(en.documentsTitle);
    expect(await value(page, '#reissue-form input[name=reason]')).toBe(reason);
    expect(await value(page, '#reissue-form input[name=decisionNo]')).toBe('12/QĐ-SNN');
    await shoot(page, 'reissue-english', '#reissue-form');

    await page.click('#reissue-confirm');
    await page.waitForSelector('#lifecycle-dialog[open]');
    expect(await text(page, '#lifecycle-dialog h2')).toBe(en.reissueConfirmTitle);
    // The decision and its day (the form's default, today) named in English, days written the English way.
    expect(await text(page, '#lifecycle-dialog p')).toContain(
      `becomes “${STATUS_LABELS.superseded.en}” by decision 12/QĐ-SNN of ${vietnamToday()}:`,
    );
    await page.click('#lifecycle-confirm-go');
    await page.waitForSelector('#lifecycle-status[data-status=draft]', { timeout: 30_000 });
    expect(await text(page, '#lifecycle-status')).toBe(STATUS_LABELS.draft.en);
    const after = await areaState(e2e.server, area.id);
    expect(after.steps.at(-1)).toBe('active>superseded');
    expect(after.decisions.at(-1)).toBe('12/QĐ-SNN');
    expect(after.notes.at(-1)).toContain(reason);
    await switchTo(page, 'vi');
    expect(await text(page, '#lifecycle h4')).toBe(vi.lifecycleTitle);
    expect(await text(page, '#lifecycle-status')).toBe(STATUS_LABELS.draft.vi);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a spray record being typed turns English with its preview and hints, keeps every value, and is saved as typed', async () => {
    const { rows: plots } = await e2e.server.db.query<{ id: number; lon: number; lat: number; harvest: string; markets: string[] }>(
      `SELECT p.id, ST_X(ST_PointOnSurface(p.geom)) lon, ST_Y(ST_PointOnSurface(p.geom)) lat, p.expected_harvest harvest, g.markets
         FROM plots p JOIN growing_areas g ON g.id = p.growing_area_id
        WHERE p.commune_code = $1 AND g.code IS NOT NULL AND cardinality(g.markets) > 0 AND p.expected_harvest <= current_date - 3
          AND (p.farmer_id = (SELECT farmer_id FROM users WHERE username = 'farmer')) = false
          AND ${FORBIDS_ONE}
        ORDER BY p.area_m2 DESC LIMIT 1`,
      [WARD],
    );
    const plot = { ...plots[0]!, lon: Number(plots[0]!.lon), lat: Number(plots[0]!.lat) };
    const { rows: forbidden } = await e2e.server.db.query<{ ai: string; market: string }>(
      `SELECT s.active_ingredient ai, s.market FROM allowed_substances s
         JOIN allowed_substances v ON v.active_ingredient = s.active_ingredient AND v.market = 'VN' AND v.allowed
        WHERE s.market = ANY ($1) AND s.market <> 'VN' AND NOT s.allowed ORDER BY 1 LIMIT 1`,
      [marketsToCheck(plot.markets)],
    );
    const { ai, market } = forbidden[0]!;
    const marketEn = en[`diaryMarket_${market}` as keyof typeof en] ?? market;
    const { page, context, errors } = await openPage(e2e.browser, 'desktop');
    await gotoSignedIn(page, `${e2e.server.url}/#c=${plot.lon.toFixed(6)},${plot.lat.toFixed(6)},17&l=plots`, ACCOUNTS.officer);
    await clickAt(page, [plot.lon, plot.lat]);
    const card = `.feature-card[data-group=plots][data-id="${plot.id}"]`;
    await page.waitForSelector(card, { timeout: 30_000 });
    if (!(await page.locator(`${card}.is-primary`).count())) await page.click(card);
    await page.waitForSelector('#plot-diary .diary-context');
    await page.click('#diary-add');
    const typed = {
      appliedOn: addDays(plot.harvest, -3),
      pesticide: `${ai} 500SC`,
      activeIngredient: ai,
      dose: '15',
      phiDays: '14',
    };
    for (const [field, v] of Object.entries(typed)) await page.fill(`#plot-diary #diary-${field}`, v);
    await page.waitForSelector('#plot-diary #diary-preview.is-warning');
    expect(await text(page, '#plot-diary #diary-preview')).toContain('không được phép');

    await switchTo(page, 'en');
    expect(await text(page, '#plot-diary h4')).toBe(en.diaryTitle);
    expect(await text(page, '#plot-diary #diary-form h5')).toBe(en.diaryAdd);
    expect(await text(page, '#plot-diary .diary-field-pesticide')).toContain(en.diaryField_pesticide);
    expect(await text(page, '#plot-diary .diary-field-phiDays')).toContain(en.diaryField_phiDays);
    expect(await page.getAttribute('#plot-diary #diary-dose', 'placeholder')).toBe(en.diaryDosePlaceholder);
    // The dose's unit, picked from the list, is worded in English and stays picked.
    expect(await page.locator('#plot-diary #diary-doseUnit option:checked').innerText()).toBe(en['diaryDoseUnit_ml/16l']);
    expect(await page.locator('#plot-diary #diary-doseUnit').inputValue()).toBe('ml/16l');
    expect(await page.getAttribute('#plot-diary #diary-activeIngredient', 'placeholder')).toBe(en.diarySubstancePlaceholder);
    expect(await text(page, '#plot-diary .diary-context')).toContain('Checked against the substance lists of');
    const preview = await text(page, '#plot-diary #diary-preview');
    expect(preview).toContain(`${ai} is not allowed for the ${marketEn} market.`);
    expect(preview).not.toMatch(/không|thị trường/);
    expect(await text(page, '#plot-diary .diary-substance-info')).not.toMatch(/Không được phép/);
    expect(await text(page, '#diary-save')).toBe(en.save);
    for (const [field, v] of Object.entries(typed)) expect(await value(page, `#plot-diary #diary-${field}`)).toBe(v);
    await shoot(page, 'diary-form-english', '#plot-diary #diary-form');

    const before = await e2e.server.db.query<{ n: number }>('SELECT count(*)::int n FROM diary_entries WHERE plot_id = $1', [plot.id]);
    await page.click('#diary-save');
    await page.waitForSelector('#plot-diary-warning');
    expect(await text(page, '#plot-diary-message')).toContain(`Recorded: ${typed.pesticide}`);
    expect(await text(page, '#plot-diary-warning')).toContain(`${ai} is not allowed for the ${marketEn} market.`);
    const { rows } = await e2e.server.db.query<{
      applied_on: string;
      pesticide: string;
      active_ingredient: string;
      dose: string;
      phi_days: number;
      flagged: boolean;
    }>(
      'SELECT applied_on, pesticide, active_ingredient, dose, phi_days, flagged FROM diary_entries WHERE plot_id = $1 ORDER BY id DESC LIMIT 1',
      [plot.id],
    );
    expect(rows[0]).toEqual({
      applied_on: typed.appliedOn,
      pesticide: typed.pesticide,
      active_ingredient: ai,
      dose: '15 ml/bình 16 lít',
      phi_days: 14,
      flagged: true,
    });
    expect(
      Number(
        (await e2e.server.db.query<{ n: number }>('SELECT count(*)::int n FROM diary_entries WHERE plot_id = $1', [plot.id])).rows[0]!.n,
      ),
    ).toBe(Number(before.rows[0]!.n) + 1);
    // Back in Vietnamese, the answer just given and its warning are worded again from their facts.
    await switchTo(page, 'vi');
    expect(await text(page, '#plot-diary-message')).toContain(`Đã ghi nhật ký: ${typed.pesticide}`);
    expect(await text(page, '#plot-diary-warning')).toContain(`${ai} không được phép dùng cho thị trường`);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a farmer’s open diary fold under “my plots” on a 360-pixel phone stays open and turns English, without reading the list again', async () => {
    const { page, context, errors } = await openPage(e2e.browser, 'phone');
    await page.setViewportSize(PHONE);
    let listReads = 0;
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/api/me/plots') listReads++;
    });
    await gotoSignedIn(page, `${e2e.server.url}/`, ACCOUNTS.farmer);
    const fold = page.locator('.plot-diary-disclosure').first();
    await fold.locator('summary').click();
    await fold.locator('.plot-diary .diary-context').waitFor();
    const plotId = await fold.getAttribute('data-plot-id');
    const reads = listReads;
    expect(await fold.locator('summary').innerText()).toBe(vi.diaryTitle);

    await switchTo(page, 'en');
    const same = page.locator(`.plot-diary-disclosure[data-plot-id="${plotId}"]`);
    expect(await same.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    expect(await same.locator('summary').innerText()).toBe(en.diaryTitle);
    // The fold's summary is its title; the diary inside does not say it again (237804e).
    expect(await same.locator('.plot-diary h4').count()).toBe(0);
    expect(await same.locator('.plot-diary').innerText()).toContain(en.diaryReadOnlyFarmer);
    expect(await text(page, '.mine-panel .panel-title')).toBe(en.myPlots);
    expect(listReads).toBe(reads);
    await same.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'my-plots-diary-english-phone360.png') });
    await switchTo(page, 'vi');
    expect(await same.locator('.plot-diary').innerText()).toContain(vi.diaryReadOnlyFarmer);
    expect(await same.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });
});
