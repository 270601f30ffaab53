// The search box as a first-time user and a screen reader meet it: Enter searches what is typed now
// (never an earlier text's hits), a card shows no internal field of a search hit, the list is an ARIA
// 1.2 combobox whose highlighted hit is announced, Escape closes the list before it clears the text,
// and the dialogs have names.
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ACCOUNTS, openPage, SCREENSHOTS, screenPoint, signIn, useServerAndBrowser, waitForMap } from './harness.ts';

const env = useServerAndBrowser();

type Parcel = { id: number; sheet: number; parcel_no: number };

/** A parcel whose sheet and number name it alone in the sample data, so "tờ S thửa P" finds only it. */
async function uniqueParcel(): Promise<Parcel> {
  const { rows } = await env.server.db.query<Parcel>(
    `SELECT min(id) AS id, sheet, parcel_no FROM parcels GROUP BY sheet, parcel_no HAVING count(*) = 1 ORDER BY sheet, parcel_no LIMIT 1`,
  );
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

async function lotId(code: string): Promise<number> {
  const { rows } = await env.server.db.query<{ id: number }>(`SELECT id FROM zoning_lots WHERE lot_code = $1`, [code]);
  expect(rows).toHaveLength(1);
  return rows[0]!.id;
}

/** A growing area with a geometry and a name no other area has, of those the condition picks. */
async function uniqueArea(where: string): Promise<{ id: number; name: string }> {
  const { rows } = await env.server.db.query<{ id: number; name: string }>(
    `SELECT min(id)::int AS id, name FROM growing_areas g WHERE geom IS NOT NULL AND ${where}
       AND (SELECT count(*) FROM growing_areas o WHERE o.name = g.name) = 1 GROUP BY name ORDER BY name LIMIT 1`,
  );
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

/** Text as people type it on a keyboard without Vietnamese: no accents, "đ" as "d". */
const fold = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd');

/** Types a query and waits for the list of its answer. */
async function typeAndWait(page: Page, q: string): Promise<void> {
  const answered = page.waitForResponse((r) => r.url().includes(`/api/search?q=${encodeURIComponent(q)}`));
  await page.fill('#search-input', q);
  await answered;
  await page.locator('#search-results:not([hidden]) li').first().waitFor();
  await page.waitForTimeout(50);
}

/**
 * The share of a screen region's pixels that show the page's own background (--bg, #F7F8F6) instead
 * of the map drawn there, read from a screenshot of the whole window as composited (a screenshot of
 * the region alone is composited without what lies outside it, and did not show the fault below).
 */
async function pageBackgroundShare(page: Page, region: { x: number; y: number; width: number; height: number }): Promise<number> {
  const png = (await page.screenshot()).toString('base64');
  return page.evaluate(
    async ([b64, { x, y, width, height }]) => {
      const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${b64}`)).blob());
      const canvas = document.createElement('canvas');
      canvas.width = bitmap.width;
      canvas.height = bitmap.height;
      const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
      ctx.drawImage(bitmap, 0, 0);
      const data = ctx.getImageData(Math.round(x), Math.round(y), Math.round(width), Math.round(height)).data;
      let background = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (Math.abs(data[i]! - 0xf7) + Math.abs(data[i + 1]! - 0xf8) + Math.abs(data[i + 2]! - 0xf6) <= 6) background++;
      }
      return background / (data.length / 4);
    },
    [png, region] as const,
  );
}

/** The labels of a card's rows. */
const rowLabels = (card: Locator) => card.locator('dl > dt').allInnerTexts();

/** The text of the element a dialog's aria-labelledby names, and of its heading. */
async function dialogName(page: Page): Promise<{ labelledBy: string | null; name: string | undefined; heading: string }> {
  const dialog = page.locator('dialog[open]');
  await dialog.waitFor();
  const labelledBy = await dialog.getAttribute('aria-labelledby');
  const name = labelledBy ? await page.evaluate((id) => document.getElementById(id)?.textContent ?? undefined, labelledBy) : undefined;
  return { labelledBy, name, heading: await dialog.locator('h2').first().innerText() };
}

describe('the search box', () => {
  it('opens with Enter the card of the text typed now, at once or after the pause, and the card has no rows “label” or “detail”', async () => {
    const parcel = await uniqueParcel();
    const odt53 = await lotId('ODT-53');
    const parcelQuery = `tờ ${parcel.sheet} thửa ${parcel.parcel_no}`;
    const { page, context, errors } = await openPage(env.browser, 'desktop', { motion: true });
    try {
      // The zoning lots' tiles come empty, as a busy server's may: the lot is not drawn when the map
      // stops, and its card is made from the search hit and the features API (where the rows leaked).
      await page.route(/\/tiles\/[^/?]*zones[^/?]*\/\d+\/\d+\/\d+/, (route) => route.fulfill({ status: 204 }));
      await page.goto(`${env.server.url}/`);
      await waitForMap(page, 120_000);

      await typeAndWait(page, parcelQuery);
      await page.keyboard.press('Enter');
      const parcelCard = page.locator(`.feature-card.is-primary[data-group=parcels][data-id="${parcel.id}"]`);
      await parcelCard.waitFor({ timeout: 60_000 });

      // Case A: "ODT-53" typed, its answer in, Enter: the lot's card, read from the features API, and no hit's words as rows.
      await page.focus('#search-input');
      await typeAndWait(page, 'ODT-53');
      await page.keyboard.press('Enter');
      const lotCard = page.locator(`.feature-card.is-primary[data-group=zones][data-id="${odt53}"]`);
      await lotCard.waitFor({ timeout: 60_000 });
      expect(await lotCard.locator('h3').innerText()).toBe('Ô quy hoạch ODT-53');
      // The features API's rows (the approving decision is not in the hit's facts) have arrived.
      await expect.poll(() => rowLabels(lotCard), { timeout: 30_000 }).toContain('Quyết định phê duyệt');
      const labels = await rowLabels(lotCard);
      expect(labels).not.toContain('label');
      expect(labels).not.toContain('detail');
      expect(labels).toContain('Mã ô đất');
      await page.screenshot({ path: path.join(SCREENSHOTS, 'search-enter-lot-card.png') });

      // Case B: with the lot's card open, the parcel's key typed and Enter within 50 ms: the parcel's card, not the lot's again.
      await page.focus('#search-input');
      await page.fill('#search-input', parcelQuery);
      await page.keyboard.press('Enter');
      await parcelCard.waitFor({ timeout: 60_000 });
      expect(await page.inputValue('#search-input')).toBe(parcelQuery);
      expect(await page.locator('.feature-card.is-primary').count()).toBe(1);
      expect(await rowLabels(parcelCard)).not.toContain('label');

      // A parcel that is not there, Enter at once: its answer's message, and no card made of a hit's words.
      await page.focus('#search-input');
      await page.fill('#search-input', 'tờ 999 thửa 1');
      await page.keyboard.press('Enter');
      const message = page.locator('#search-results:not([hidden]) .search-message').first();
      await message.waitFor({ timeout: 30_000 });
      expect(await message.innerText()).toBe('Không tìm thấy kết quả cho “tờ 999 thửa 1”.');
      expect(await page.locator('.feature-card.is-primary').getAttribute('data-id')).toBe(String(parcel.id));
      for (const card of await page.locator('.feature-card').all()) expect(await rowLabels(card)).not.toContain('label');

      // A growing area by its name, typed without accents (audit s16: only codes were found): Enter opens its card.
      const named = await uniqueArea(`status = 'active'`);
      await page.focus('#search-input');
      await typeAndWait(page, fold(named.name));
      await page.keyboard.press('Enter');
      await page.locator(`.feature-card.is-primary[data-group=growing_areas][data-id="${named.id}"]`).waitFor({ timeout: 60_000 });
      // The officer finds a draft of their ward, which has no code, by its name, and its lifecycle card opens with the keyboard on it.
      await signIn(page, ACCOUNTS.officer);
      const draft = await uniqueArea(
        `status = 'draft' AND commune_code IN (SELECT c.commune_code FROM user_communes c JOIN users u ON u.id = c.user_id WHERE u.username = 'officer')`,
      );
      await page.focus('#search-input');
      await typeAndWait(page, draft.name);
      expect(await page.locator('#search-hit-0 strong').innerText()).toBe(draft.name);
      await page.keyboard.press('Enter');
      const draftCard = page.locator(`.feature-card.is-primary[data-group=growing_areas][data-id="${draft.id}"]`);
      await draftCard.waitFor({ timeout: 60_000 });
      await page.locator('#lifecycle-status[data-status=draft]').waitFor({ timeout: 60_000 });
      expect(await page.evaluate(() => document.activeElement?.closest('.feature-card')?.getAttribute('data-id'))).toBe(String(draft.id));
      await page.screenshot({ path: path.join(SCREENSHOTS, 'search-draft-by-name.png') });
      // A draft with no plots yet is not on the map at all: its name opens its card where the map is.
      const { rows: empty } = await env.server.db.query<{ id: number }>(
        `INSERT INTO growing_areas (lineage_id, scheme, name, crop, status, registrant_name, commune_code)
         SELECT 0, 'domestic-3156', 'Vùng thử chưa có thửa', 'mango', 'draft', 'HTX Thử', commune_code FROM growing_areas WHERE id = $1
         RETURNING id`,
        [draft.id],
      );
      await env.server.db.query('UPDATE growing_areas SET lineage_id = id WHERE id = $1', [empty[0]!.id]);
      await page.focus('#search-input');
      await typeAndWait(page, 'vung thu chua co thua');
      await page.keyboard.press('Enter');
      await page.locator(`.feature-card.is-primary[data-group=growing_areas][data-id="${empty[0]!.id}"]`).waitFor({ timeout: 30_000 });
      await page.locator('#lifecycle-status[data-status=draft]').waitFor({ timeout: 30_000 });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('is a combobox: expanded with its listbox, the highlighted option its active descendant as the arrow keys move; Escape closes, then clears', async () => {
    const { page, context, errors } = await openPage(env.browser, 'desktop');
    try {
      await page.goto(`${env.server.url}/`);
      await waitForMap(page, 120_000);
      const input = page.locator('#search-input');
      const box = page.getByRole('combobox', { name: 'Tìm kiếm' });
      expect(await box.count()).toBe(1);
      expect(await input.getAttribute('aria-expanded')).toBe('false');
      expect(await input.getAttribute('aria-controls')).toBe('search-results');
      expect(await input.getAttribute('aria-autocomplete')).toBe('list');

      await page.focus('#search-input');
      await typeAndWait(page, 'ODT-5');
      const listbox = page.getByRole('listbox', { name: 'Kết quả tìm kiếm' });
      expect(await listbox.isVisible()).toBe(true);
      expect(await input.getAttribute('aria-expanded')).toBe('true');
      const options = listbox.getByRole('option');
      const n = await options.count();
      expect(n).toBeGreaterThanOrEqual(2);
      // The list scrolls (more hits than it shows), and the map under it is still drawn: Chromium
      // composites a scrolling list on its own layer, and with the list's white painted into that
      // layer the hits scrolled out of sight below it hid the map down to the window's foot (a blank
      // band as wide as the list, in the page's background colour).
      const list = (await page.locator('#search-results').boundingBox())!;
      expect(await page.locator('#search-results').evaluate((e) => e.scrollHeight > e.clientHeight)).toBe(true);
      const viewport = page.viewportSize()!;
      const below = {
        x: list.x + 20,
        y: list.y + list.height + 20,
        width: list.width - 40,
        height: viewport.height - (list.y + list.height) - 40,
      };
      expect(below.height).toBeGreaterThan(100);
      expect(await pageBackgroundShare(page, below)).toBeLessThan(0.05);
      const ids = await options.evaluateAll((els) => els.map((e) => e.id));
      expect(new Set(ids).size).toBe(n);
      // The first hit is highlighted, and it is what the combobox points at.
      const active = async () => {
        const id = await input.getAttribute('aria-activedescendant');
        const selected = await listbox.getByRole('option', { selected: true }).evaluateAll((els) => els.map((e) => e.id));
        return { id, selected };
      };
      expect(await active()).toEqual({ id: ids[0], selected: [ids[0]] });
      await page.keyboard.press('ArrowDown');
      expect(await active()).toEqual({ id: ids[1], selected: [ids[1]] });
      await page.screenshot({ path: path.join(SCREENSHOTS, 'search-combobox-second.png') });
      await page.keyboard.press('ArrowUp');
      await page.keyboard.press('ArrowUp');
      expect(await active()).toEqual({ id: ids[n - 1], selected: [ids[n - 1]] });
      // The count is said in the status region.
      expect(await page.locator('#search-status[role=status]').innerText()).toBe(`${n} kết quả`);

      // Escape closes the list and keeps the text; a second Escape clears it.
      await page.keyboard.press('Escape');
      expect(await page.locator('#search-results').isHidden()).toBe(true);
      expect(await input.getAttribute('aria-expanded')).toBe('false');
      expect(await input.getAttribute('aria-activedescendant')).toBeNull();
      expect(await input.inputValue()).toBe('ODT-5');
      // ArrowDown opens it again on the highlighted hit.
      await page.keyboard.press('ArrowDown');
      expect(await input.getAttribute('aria-expanded')).toBe('true');
      expect(await active()).toEqual({ id: ids[n - 1], selected: [ids[n - 1]] });
      await page.keyboard.press('Escape');
      await page.keyboard.press('Escape');
      expect(await input.inputValue()).toBe('');
      expect(await input.getAttribute('aria-expanded')).toBe('false');

      // A message (nothing found) is a listbox line that cannot be chosen, and is said too.
      await typeAndWait(page, 'zzqq');
      expect(await page.locator('#search-results .search-message').first().getAttribute('aria-disabled')).toBe('true');
      expect(await page.locator('#search-status').innerText()).toContain('Không tìm thấy kết quả cho “zzqq”.');
      expect(await page.locator('#search-hit-0').count()).toBe(0);

      // A farmer's own name finds nothing for a guest (personal data): the list says why and offers
      // "Thửa của tôi" as its one choosable line; the arrow highlights it and Enter opens that tab.
      await typeAndWait(page, 'Phan Văn Phúc');
      expect(await page.locator('#search-results .search-understood').innerText()).toContain(
        'Vì bảo mật, không tìm được theo tên người, số điện thoại hay số CCCD. Xem thửa của bạn ở mục “Thửa của tôi”',
      );
      expect(await page.locator('#search-status').innerText()).toContain('nhập mã thẻ nông hộ');
      await page.keyboard.press('ArrowDown');
      expect(await input.getAttribute('aria-activedescendant')).toBe('search-hit-0');
      expect(await page.locator('#search-hit-0[aria-selected=true]').innerText()).toBe('Mở “Thửa của tôi”');
      await page.screenshot({ path: path.join(SCREENSHOTS, 'search-personal-hint.png') });
      await page.keyboard.press('Enter');
      await page.locator('.tab.is-active[data-tab=mine]').waitFor();
      expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset['tab'])).toBe('mine');
      expect(await page.locator('#search-results').isHidden()).toBe(true);
      await page.click('#lang-toggle');
      expect(await page.getAttribute('#search-results', 'aria-label')).toBe('Search results');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('the dialogs', () => {
  it('the sign-in, print and plot-information dialogs are named by their headings', async () => {
    // A spot in the officer's ward with no plot near, to draw a plot on.
    const spot = (
      await env.server.db.query<{ lon: number; lat: number }>(
        `SELECT ST_X(ST_Centroid(p.geom)) lon, ST_Y(ST_Centroid(p.geom)) lat
         FROM parcels p JOIN admin_units w ON w.code = '29869' AND w.valid_to IS NULL AND ST_Within(p.geom, w.geom)
         WHERE NOT EXISTS (SELECT 1 FROM plots x WHERE ST_DWithin(x.geom, p.geom, 0.001))
         ORDER BY p.id LIMIT 1`,
      )
    ).rows[0]!;
    const { page, context, errors } = await openPage(env.browser, 'desktop');
    try {
      await page.goto(`${env.server.url}/#c=${spot.lon.toFixed(6)},${spot.lat.toFixed(6)},18&l=parcels,plots,roads`);
      await waitForMap(page, 120_000);

      await page.click('#sign-in');
      expect(await dialogName(page)).toEqual({ labelledBy: 'sign-in-title', name: 'Đăng nhập', heading: 'Đăng nhập' });
      expect(await page.getByRole('dialog', { name: 'Đăng nhập' }).count()).toBe(1);
      await page.keyboard.press('Escape');
      await page.locator('dialog[open]').waitFor({ state: 'detached' });

      await page.click('[data-tab=tools]');
      await page.click('#print-open');
      const print = await dialogName(page);
      expect(print.labelledBy).toBe('print-title');
      expect(print.name).toBe(print.heading);
      expect(await page.getByRole('dialog', { name: print.heading }).count()).toBe(1);
      await page.keyboard.press('Escape');
      await page.locator('dialog[open]').waitFor({ state: 'detached' });

      // The plot form opens after a plot is drawn and saved by an officer.
      await signIn(page, ACCOUNTS.officer);
      // The Tools tab is still open from the print dialog (a second click on it would close the panel).
      if (!(await page.isVisible('#edit-open'))) await page.click('[data-tab=tools]');
      await page.click('#edit-open');
      await page.waitForSelector('#tool-draw');
      const centre = await screenPoint(page, [spot.lon, spot.lat]);
      const corners = [
        [-30, -30],
        [30, -30],
        [30, 30],
        [-30, 30],
        [-30, -30],
      ] as const;
      for (const [dx, dy] of corners) await page.mouse.click(centre.x + dx, centre.y + dy);
      await page.waitForSelector('#plot-save:not([disabled])');
      await page.click('#plot-save');
      const plot = await dialogName(page);
      expect(plot).toEqual({ labelledBy: 'plot-form-title', name: 'Thông tin thửa sản xuất', heading: 'Thông tin thửa sản xuất' });
      expect(await page.getByRole('dialog', { name: 'Thông tin thửa sản xuất' }).count()).toBe(1);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'plot-form-named.png') });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('an officer looking up a farmer', () => {
  it('finds a farmer who lost their card by their phone as written, reads the card code in the hit, and Enter opens their plot', async () => {
    // A farmer of the officer's communes with plots, and their phone written in groups.
    const { rows } = await env.server.db.query<{ name: string; code: string; phone: string; first: number }>(
      `SELECT fp.full_name AS name, f.lookup_code AS code, fp.phone, min(p.id)::int AS first
         FROM farmers f JOIN farmer_private fp ON fp.farmer_id = f.id JOIN plots p ON p.farmer_id = f.id
        WHERE fp.phone IS NOT NULL AND length(regexp_replace(fp.phone, '[^0-9]', '', 'g')) = 10
          AND f.commune_code IN (SELECT uc.commune_code FROM user_communes uc JOIN users u ON u.id = uc.user_id WHERE u.username = 'officer')
        GROUP BY f.id, fp.full_name, f.lookup_code, fp.phone ORDER BY f.id LIMIT 1`,
    );
    expect(rows).toHaveLength(1);
    const farmer = rows[0]!;
    const digits = farmer.phone.replace(/[^0-9]/g, '');
    const typed = `${digits.slice(0, 4)} ${digits.slice(4, 7)} ${digits.slice(7)}`;
    const { page, context, errors } = await openPage(env.browser, 'desktop');
    try {
      await page.goto(`${env.server.url}/`);
      await waitForMap(page);
      await signIn(page, ACCOUNTS.officer);
      await page.fill('#search-input', typed);
      const hit = page.locator('#search-results .search-hit', { hasText: farmer.name });
      await hit.first().waitFor({ timeout: 30_000 });
      expect(await hit.first().innerText()).toContain(`Mã thẻ ${farmer.code}`);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'search-farmer-hit.png') });
      await page.press('#search-input', 'Enter');
      const card = page.locator(`.feature-card.is-primary[data-group=plots][data-id="${farmer.first}"]`);
      await card.locator('dd', { hasText: farmer.name }).waitFor({ timeout: 60_000 });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
