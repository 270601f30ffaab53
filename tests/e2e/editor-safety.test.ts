// The plot editor never loses or misfiles an officer's work: a farmer's name typed in the plot form
// (not picked from the list) is found on the server or the save is refused under the field, never
// saved with no farmer; "Xong" asks before dropping unsaved drawings; and the progress messages
// ("Đang mở công cụ vẽ…", "Đang lưu…") go the moment their work ends.
import path from 'node:path';
import type { Polygon } from 'geojson';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { vi } from '../../web/src/i18n/vi.ts';
import { ACCOUNTS, openPage, SCREENSHOTS, waitForMap, type BandoWindow, useServerAndBrowser } from './harness.ts';
import { freeSpots, openEditorAt } from './registry-fixtures.ts';

type LonLat = [number, number];
type Win = BandoWindow & {
  __bandoLastSaved?: { id: number };
  __bandoEditor?: {
    session: { add(g: Polygon): string; select(id: string): void; polygons(): unknown[] };
    snapRings(): unknown[];
  };
};
type Farmer = { id: number; code: string; name: string };

const WARD = '29869';
const e2e = useServerAndBrowser();
/** Centres of empty ground in the officer's ward, far apart: one plot each. */
const spots: LonLat[] = [];
/** Two farmers of the ward whose names no one else has. */
let unique: Farmer[] = [];

beforeAll(async () => {
  spots.push(...(await freeSpots(e2e.server, WARD, 3, 0.002)));
  const farmers = await e2e.server.db.query<{ id: number; lookup_code: string; full_name: string }>(
    `SELECT f.id, f.lookup_code, fp.full_name FROM farmers f JOIN farmer_private fp ON fp.farmer_id = f.id
      WHERE f.commune_code = $1 AND fp.full_name ~ ' '
        AND (SELECT count(*) FROM farmer_private o WHERE vn_fold(o.full_name) = vn_fold(fp.full_name)) = 1
      ORDER BY f.id LIMIT 2`,
    [WARD],
  );
  unique = farmers.rows.map((r) => ({ id: Number(r.id), code: r.lookup_code, name: r.full_name }));
  if (unique.length < 2) throw new Error(`no two farmers of ward ${WARD} with names of their own`);
});

/** A square of about 20 m around a spot. */
function square([lon, lat]: LonLat): Polygon {
  const d = 0.0001;
  return {
    type: 'Polygon',
    coordinates: [
      [
        [lon - d, lat - d],
        [lon + d, lat - d],
        [lon + d, lat + d],
        [lon - d, lat + d],
        [lon - d, lat - d],
      ],
    ],
  };
}

/** Puts a polygon in the editor as a drawing (as a loaded file does) and selects it. */
async function addDrawing(page: Page, geometry: Polygon): Promise<void> {
  await page.evaluate((g) => {
    const { session } = (window as unknown as Win).__bandoEditor!;
    session.select(session.add(g));
  }, geometry);
}

/** A KMZ of one doc.kml and an image beside it, as Google Earth writes one. */
function kmzOf(kml: string): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(kml), 'doc.kml');
  zip.addBuffer(Buffer.from([0x89, 0x50, 0x4e, 0x47]), 'files/icon.png');
  zip.end();
  const parts: Buffer[] = [];
  return new Promise((resolve, reject) => {
    zip.outputStream.on('data', (part: Buffer) => parts.push(part));
    zip.outputStream.on('end', () => resolve(Buffer.concat(parts)));
    zip.outputStream.on('error', reject);
  });
}

/** Plots stored over a spot (none before the tests' saves). */
async function plotsAt(at: LonLat): Promise<{ id: number; farmer_id: number | null }[]> {
  const { rows } = await e2e.server.db.query<{ id: number; farmer_id: number | null }>(
    `SELECT id, farmer_id FROM plots WHERE ST_Intersects(geom, ST_SetSRID(ST_Point($1, $2), 4326))`,
    at,
  );
  return rows.map((r) => ({ id: Number(r.id), farmer_id: r.farmer_id === null ? null : Number(r.farmer_id) }));
}

async function officerToken(): Promise<Record<string, string>> {
  const login = await fetch(`${e2e.server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(ACCOUNTS.officer),
  });
  return { Authorization: `Bearer ${((await login.json()) as { token: string }).token}` };
}

/** Strips Vietnamese diacritics and case, as an officer in a hurry types a name. */
const plain = (name: string) =>
  name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase();

async function saveWithFarmer(page: Page, typed: string): Promise<void> {
  await page.fill('#plot-form input[name=farmer]', typed);
  await page.click('#plot-form-save');
}

const farmerError = (page: Page) => page.locator('#farmer-error.form-error');

describe('the plot form’s farmer field', () => {
  it('a typed name is found or the save is refused under the field; an empty field saves a plot with no farmer', async () => {
    const [named, other] = unique as [Farmer, Farmer];
    // A namesake of the second farmer, registered in the same ward: that name now names two people.
    const created = await fetch(`${e2e.server.url}/api/farmers`, {
      method: 'POST',
      headers: { ...(await officerToken()), 'Content-Type': 'application/json' },
      body: JSON.stringify({ communeCode: WARD, hamlet: 'Ấp Tân Hậu', fullName: other.name }),
    });
    expect(created.status).toBe(201);
    const namesake = (await created.json()) as { id: number; lookupCode: string };

    const { page, context, errors } = await openPage(e2e.browser, 'desktop');
    const at = spots[0]!;
    await openEditorAt(page, e2e.server, at);
    // "Đang mở công cụ vẽ…" goes as soon as the tools are there (it used to stay its 4 s).
    await page.locator('.toast', { hasText: vi.editorLoading }).waitFor({ state: 'detached', timeout: 1000 });
    await addDrawing(page, square(at));
    await page.click('#plot-save:not([disabled])');
    await page.waitForSelector('#plot-form select[name=crop]:not([aria-busy])');
    await page.selectOption('#plot-form select[name=crop]', 'vegetable');

    // The farmer list cannot be read: said, and nothing saved without the farmer.
    await page.route('**/api/farmers?**', (route) => route.abort('internetdisconnected'));
    await saveWithFarmer(page, named.name);
    await farmerError(page).waitFor();
    expect(await farmerError(page).innerText()).toMatch(
      new RegExp(`^Không tải được danh sách nông hộ \\(.+\\), nên chưa biết “${named.name}” là ai: chưa lưu\\.`),
    );
    expect(await page.getAttribute('#plot-form input[name=farmer]', 'aria-invalid')).toBe('true');
    await page.unroute('**/api/farmers?**');

    // Two farmers of that name: both named, none guessed.
    await saveWithFarmer(page, plain(other.name));
    await page.waitForFunction(() => document.querySelector('#farmer-error')?.textContent?.startsWith('Có 2 nông hộ'));
    const ambiguous = await farmerError(page).innerText();
    expect(ambiguous).toContain(`Có 2 nông hộ tên “${plain(other.name)}”`);
    expect(ambiguous).toContain(other.code);
    expect(ambiguous).toContain(`${namesake.lookupCode} (Ấp Tân Hậu)`);
    expect(ambiguous).toContain('Chọn một trong danh sách');
    // The list now offers exactly those two.
    const offered = await page.locator('#farmer-options option').evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value));
    expect(offered.sort()).toEqual([`${other.name} (${other.code})`, `${other.name} (${namesake.lookupCode})`].sort());
    await page.screenshot({ path: path.join(SCREENSHOTS, 'desktop-plot-form-namesakes.png') });

    // No one of that name.
    await saveWithFarmer(page, 'Không Có Ai Tên Này');
    await page.waitForFunction(() => document.querySelector('#farmer-error')?.textContent?.startsWith('Không có nông hộ nào'));
    expect(await farmerError(page).innerText()).toBe(
      'Không có nông hộ nào tên “Không Có Ai Tên Này” trong xã của bạn: chọn một trong danh sách, hoặc để trống ô này để lưu thửa chưa có nông hộ.',
    );
    // Seen, not only in the page: the field marked invalid has its message on screen beside it.
    expect(await page.getAttribute('#plot-form input[name=farmer]', 'aria-invalid')).toBe('true');
    expect(await farmerError(page).isVisible()).toBe(true);
    const shown = await farmerError(page).boundingBox();
    expect(shown && shown.height > 0 && shown.width > 0).toBe(true);
    expect(await page.isVisible('#plot-form')).toBe(true);
    expect(await plotsAt(at)).toEqual([]);

    // The whole name of one farmer, typed plainly without picking: saved with that farmer.
    await saveWithFarmer(page, `  ${plain(named.name).toUpperCase()} `);
    const saved = await page.waitForFunction(() => (window as unknown as Win).__bandoLastSaved?.id, null, { timeout: 30_000 });
    const plotId = Number(await saved.jsonValue());
    // "Đang lưu…" is gone once saved; the toast says which plot was saved, and for whom.
    expect(await page.locator('#toasts .toast', { hasText: vi.saving }).count()).toBe(0);
    const savedToast = page.locator('#toasts .toast', { hasText: `Đã lưu thửa #${plotId}:` });
    expect(await savedToast.count()).toBe(1);
    expect(await savedToast.textContent()).toMatch(
      new RegExp(`^Đã lưu thửa #${plotId}: .+, [0-9,.]+ ha, nông hộ ${named.name} \\([A-Z]{2}-[0-9A-Z]{4}-[0-9A-Z]{4}\\)\\.$`),
    );
    expect(await plotsAt(at)).toEqual([{ id: plotId, farmer_id: named.id }]);

    // An empty field stays allowed (the server keeps plots with no farmer yet).
    const next = spots[1]!;
    await page.evaluate((c) => (window as unknown as BandoWindow).__bando.map.jumpTo({ center: c }), next);
    await addDrawing(page, square(next));
    await page.click('#plot-save:not([disabled])');
    await page.waitForSelector('#plot-form select[name=crop]:not([aria-busy])');
    await page.selectOption('#plot-form select[name=crop]', 'vegetable');
    await page.click('#plot-form-save');
    // … but asked first: choosing a farmer is the safe answer and keeps the form as it was.
    await page.waitForSelector('#plot-no-farmer');
    expect(await page.textContent('#plot-no-farmer-title')).toBe('Lưu thửa chưa có nông hộ?');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('plot-no-farmer-back');
    await page.click('#plot-no-farmer-back');
    await page.waitForSelector('#plot-no-farmer', { state: 'detached' });
    expect(await page.isVisible('#plot-form')).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('plot-form-farmer');
    expect(await plotsAt(next)).toEqual([]);
    await page.click('#plot-form-save');
    await page.click('#plot-no-farmer-save');
    await page.waitForFunction((id) => ((window as unknown as Win).__bandoLastSaved?.id ?? id) !== id, plotId, { timeout: 30_000 });
    expect((await plotsAt(next)).map((p) => p.farmer_id)).toEqual([null]);
    const bare = Number(await page.evaluate(() => (window as unknown as Win).__bandoLastSaved?.id));
    await page.waitForFunction(
      (id) => [...document.querySelectorAll('#toasts .toast')].some((el) => el.textContent?.startsWith(`Đã lưu thửa #${id}:`)),
      bare,
    );
    expect(await page.locator('#toasts .toast', { hasText: `Đã lưu thửa #${bare}:` }).textContent()).toMatch(
      new RegExp(`^Đã lưu thửa #${bare}: Rau.*, [0-9,.]+ ha, chưa có nông hộ\\.$`),
    );
    expect(await page.locator('#toasts .toast', { hasText: vi.saving }).count()).toBe(0);
    // The only failed requests are the farmer searches cut on purpose.
    expect(errors.filter((e) => !(e.includes('ERR_INTERNET_DISCONNECTED') && e.includes('/api/farmers?')))).toEqual([]);
    await context.close();
  });
});

describe('leaving the editor', () => {
  it('asks before dropping an unsaved drawing: keeping is the default, confirming drops it; an opened plot left alone does not ask', async () => {
    const { page, context, errors } = await openPage(e2e.browser, 'phone');
    const at = spots[2]!;
    await openEditorAt(page, e2e.server, at);
    // The drawing comes from a KMZ, as Google Earth saves one, through the editor's "Mở tệp".
    const ring = square(at)
      .coordinates[0]!.map((p) => p.join(','))
      .join(' ');
    const kml = `<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>Ranh vườn</name><Polygon><outerBoundaryIs><LinearRing><coordinates>${ring}</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></Document></kml>`;
    const chooser = page.waitForEvent('filechooser');
    await page.click('#tool-file');
    await (await chooser).setFiles({ name: 'ranh-vuon.kmz', mimeType: 'application/vnd.google-earth.kmz', buffer: await kmzOf(kml) });
    await page.locator('#toasts .toast', { hasText: 'Đã nạp 1 vùng từ tệp.' }).waitFor();
    expect(await page.evaluate(() => (window as unknown as Win).__bandoEditor!.session.polygons().length)).toBe(1);
    // Leaving the page now (a reload, Back out of the app) would lose the drawing: the browser asks first.
    const asked = new Promise<string>((resolve) =>
      page.once('dialog', (question) => void question.dismiss().then(() => resolve(question.type()))),
    );
    await page.evaluate(() => location.reload());
    expect(await asked).toBe('beforeunload');
    expect(await page.evaluate(() => (window as unknown as Win).__bandoEditor!.session.polygons().length)).toBe(1);
    await page.click('#tool-done');
    const dialog = page.locator('#unsaved-dialog');
    await dialog.waitFor();
    expect(await dialog.getAttribute('data-unsaved')).toBe('1');
    expect(await dialog.innerText()).toContain('1 thửa đã vẽ hoặc đã sửa chưa được lưu');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('unsaved-keep');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'phone-editor-unsaved-question.png') });
    // Enter takes the focused, safe choice: still editing, the drawing kept.
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    expect(await page.isVisible('.editor-toolbar')).toBe(true);
    expect(await page.evaluate(() => (window as unknown as Win).__bandoEditor!.session.polygons().length)).toBe(1);
    expect(await page.isVisible('#plot-save')).toBe(true);

    // Asked again and confirmed: the editor closes and the drawing is gone for good.
    await page.click('#tool-done');
    await page.click('#unsaved-discard');
    await page.waitForSelector('.editor-toolbar', { state: 'detached' });
    await page.click('[data-tab=tools]');
    await page.click('#edit-open');
    await page.waitForSelector('#tool-draw');
    expect(await page.evaluate(() => (window as unknown as Win).__bandoEditor!.session.polygons().length)).toBe(0);
    expect(await plotsAt(at)).toEqual([]);

    // A saved plot opened and left as it was: nothing to lose, "Xong" closes at once.
    const plot = (
      await e2e.server.db.query<{ lon: number; lat: number }>(
        `SELECT ST_X(ST_PointOnSurface(geom)) lon, ST_Y(ST_PointOnSurface(geom)) lat FROM plots WHERE commune_code = $1 ORDER BY id LIMIT 1`,
        [WARD],
      )
    ).rows[0]!;
    const centre: LonLat = [Number(plot.lon), Number(plot.lat)];
    await page.evaluate((c) => (window as unknown as BandoWindow).__bando.map.jumpTo({ center: c, zoom: 18 }), centre);
    await waitForMap(page);
    await page.click('#tool-select');
    const box = (await page.locator('#map').boundingBox())!;
    const p = await page.evaluate((c) => (window as unknown as BandoWindow).__bando.map.project(c), centre);
    await page.mouse.click(box.x + p.x, box.y + p.y);
    await page.waitForSelector('#plot-save:not([disabled])');
    await page.click('#tool-done');
    await page.waitForSelector('.editor-toolbar', { state: 'detached' });
    expect(await page.locator('#unsaved-dialog').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});
