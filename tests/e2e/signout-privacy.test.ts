// What the page keeps of a person once they leave. An officer opens a plot's card (the farmer's
// name, phone and citizen ID), signs out: the card is read again as a guest's, with none of them in
// the page; reloaded as a guest, still none (the features API answered the guest's body, not the
// officer's). And a session that ends under the page (its row gone from the server, as when another
// tab signs out or the session expires): the first refused save puts the bar back to "Sign in" and
// the card is read again as a guest's, as at a sign-out (no farmer name, phone or citizen ID, no
// diary records, no search hits), but the diary form keeps what was typed, above the card; signing
// in again as the same officer puts it back into the officer's card, and it saves.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ACCOUNTS, openPage, SCREENSHOTS, signIn, useServerAndBrowser, waitForMap, type BandoWindow } from './harness.ts';
import { openPlot } from './registry-fixtures.ts';

const e2e = useServerAndBrowser();

type Plot = { id: number; lon: number; lat: number; farmer: string; phone: string; citizen: string };

/** The largest plot of the officer's ward with a farmer whose name, phone and citizen ID are on record. */
async function officersPlot(): Promise<Plot> {
  const { rows } = await e2e.server.db.query<Plot>(
    `SELECT p.id, ST_X(ST_PointOnSurface(p.geom)) lon, ST_Y(ST_PointOnSurface(p.geom)) lat,
            fp.full_name farmer, fp.phone, fp.citizen_id citizen
       FROM plots p JOIN farmer_private fp ON fp.farmer_id = p.farmer_id
      WHERE p.commune_code = '29869' AND fp.phone IS NOT NULL AND fp.citizen_id IS NOT NULL
      ORDER BY p.area_m2 DESC LIMIT 1`,
  );
  if (!rows[0]) throw new Error('no seeded plot with a farmer on record');
  return { ...rows[0], lon: Number(rows[0].lon), lat: Number(rows[0].lat) };
}

/** The name of a parcel owner the officer's search finds (owners are searchable by staff of their communes only). */
async function ownerSeenByOfficer(page: Page): Promise<string> {
  const { rows } = await e2e.server.db.query<{ owner_name: string }>(
    `SELECT DISTINCT po.owner_name FROM parcel_owners po JOIN parcels p ON p.id = po.parcel_id
      WHERE length(po.owner_name) > 8 ORDER BY 1 LIMIT 40`,
  );
  for (const { owner_name: name } of rows) {
    const found = await page.evaluate(async (q) => {
      const answer = await fetch(`/api/search?q=${encodeURIComponent(q)}&limit=10`, { credentials: 'same-origin' });
      return answer.ok && (await answer.text()).includes(q);
    }, name);
    if (found) return name;
  }
  throw new Error('no owner the officer finds');
}

/** Ends the officer's browser sessions on the server, as a sign-out in another tab or an expiry does (the cookie stays in this browser). */
async function endOfficerSessions(): Promise<number> {
  const { rows } = await e2e.server.db.query<{ token_hash: string }>(
    `DELETE FROM sessions WHERE kind = 'cookie' AND user_id = (SELECT id FROM users WHERE username = 'officer') RETURNING token_hash`,
  );
  return rows.length;
}

const card = (plot: Plot) => `.feature-card.is-primary[data-group=plots][data-id="${plot.id}"]`;

/** The whole page as markup (text, attributes, form values): what must hold none of the farmer's data. */
const pageMarkup = (page: Page) =>
  page.evaluate(() => {
    const values = [...document.querySelectorAll('input, textarea')].map((el) => (el as HTMLInputElement).value);
    return `${document.documentElement.outerHTML}\n${values.join('\n')}`;
  });

describe('after a sign-out', () => {
  it('the open plot card is read again as a guest’s: no farmer name, phone or citizen ID on the page, nor after a reload', async () => {
    const plot = await officersPlot();
    const { page, errors } = await openPage(e2e.browser, 'desktop');
    await page.goto(`${e2e.server.url}/#c=${plot.lon.toFixed(6)},${plot.lat.toFixed(6)},17&l=plots&lang=en`);
    await waitForMap(page);
    await signIn(page, ACCOUNTS.officer);
    await openPlot(page, plot);
    // The officer's card: the farmer's name and phone from the features API.
    await page.waitForFunction(
      ([selector, phone]) => document.querySelector(selector!)?.textContent?.includes(phone!),
      [card(plot), plot.phone] as const,
      { timeout: 30_000 },
    );
    const officerCard = await page.locator(card(plot)).innerText();
    expect(officerCard).toContain(plot.farmer);
    expect(officerCard).toContain(plot.citizen);
    // The officer also searched for a parcel owner by name: the hits name the owner.
    const owner = await ownerSeenByOfficer(page);
    await page.fill('#search-input', owner);
    await page.waitForFunction((name) => document.querySelector('#search-results')?.textContent?.includes(name), owner, {
      timeout: 30_000,
    });

    // Sign out: the card goes at once and comes back from the guest's read of the features API, without
    // waiting for the map to draw the guest's tiles (on a loaded machine or a weak link they may not
    // all rest for long: they are revalidated every few seconds, and a card that waited for them once
    // never came). The guest's tiles are held back here until the card is back, then answered empty
    // (204, as for a tile with nothing in it: let go at once they would come to the server as a burst).
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const holdGuestTiles = /\/tiles\/.*[?&]viewer=guest/;
    await page.route(holdGuestTiles, async (route) => {
      await held;
      await route.fulfill({ status: 204 }).catch(() => undefined);
    });
    const guestRead = page.waitForResponse((r) => r.url().endsWith(`/ogc/collections/plots/items/${plot.id}`), { timeout: 30_000 });
    await page.click('#sign-out');
    await page.waitForSelector('#sign-in');
    const read = await guestRead;
    expect(read.status()).toBe(200);
    const body = await read.text();
    for (const secret of [plot.farmer, plot.phone, plot.citizen]) expect(body).not.toContain(secret);
    await page.waitForSelector(card(plot), { timeout: 30_000 });
    // The guest's card has the registry's public rows (the crop) and nothing personal.
    await page.waitForFunction((selector) => /Crop/.test(document.querySelector(selector)?.textContent ?? ''), card(plot));
    let markup = await pageMarkup(page);
    for (const secret of [plot.farmer, plot.phone, plot.citizen, 'farmer_phone', 'farmer_citizen_id', owner])
      expect(markup).not.toContain(secret);
    // The search box, focused again, has no hits of the officer's to show.
    await page.focus('#search-input');
    expect(await page.locator('#search-results').isHidden()).toBe(true);
    expect(await page.inputValue('#search-input')).toBe('');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'signout-privacy-same-page.png') });
    release();
    await page.unroute(holdGuestTiles);

    // Reloaded as a guest (the link keeps the plot selected): the card opens from the guest's read.
    const reloadRead = page.waitForResponse((r) => r.url().endsWith(`/ogc/collections/plots/items/${plot.id}`), { timeout: 60_000 });
    await page.reload();
    await waitForMap(page);
    const again = await reloadRead;
    expect(again.status()).toBe(200);
    const againBody = await again.text();
    for (const secret of [plot.farmer, plot.phone, plot.citizen]) expect(againBody).not.toContain(secret);
    await page.waitForSelector(card(plot), { timeout: 30_000 });
    await page.waitForFunction((selector) => /Crop/.test(document.querySelector(selector)?.textContent ?? ''), card(plot));
    markup = await pageMarkup(page);
    for (const secret of [plot.farmer, plot.phone, plot.citizen, 'farmer_phone', 'farmer_citizen_id']) expect(markup).not.toContain(secret);
    expect(await page.locator('#sign-in').count()).toBe(1);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'signout-privacy-reload.png') });
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

describe('a session that ends under the page', () => {
  it('at the first refused save signs the page out and reads the card again as a guest’s, keeps the typed diary entry, and saves it after signing in again', async () => {
    const plot = await officersPlot();
    const { page, context, errors } = await openPage(e2e.browser, 'desktop');
    await page.goto(`${e2e.server.url}/#c=${plot.lon.toFixed(6)},${plot.lat.toFixed(6)},17&l=plots&lang=en`);
    await waitForMap(page);
    await signIn(page, ACCOUNTS.officer);
    const officerName = await page.locator('.account-name').innerText();
    expect(officerName.length).toBeGreaterThan(0);
    // The whole name shows in the top bar (on two lines if it must), not cut short; the tooltip adds the role.
    expect(
      await page.locator('.account-name').evaluate((el) => el.scrollWidth <= el.clientWidth + 1 && el.scrollHeight <= el.clientHeight + 1),
    ).toBe(true);
    expect(await page.locator('.account-name').getAttribute('title')).toBe(`${officerName} · Agricultural officer`);
    await openPlot(page, plot);
    await page.waitForFunction(
      ([selector, phone]) => document.querySelector(selector!)?.textContent?.includes(phone!),
      [card(plot), plot.phone] as const,
      { timeout: 30_000 },
    );
    // The officer also searched a parcel owner by name: the box lists the owner.
    const owner = await ownerSeenByOfficer(page);
    await page.fill('#search-input', owner);
    await page.waitForFunction((name) => document.querySelector('#search-results')?.textContent?.includes(name), owner, {
      timeout: 30_000,
    });
    await page.waitForSelector('#diary-add', { timeout: 30_000 });
    await page.waitForSelector('#plot-diary .diary-section');
    await page.click('#diary-add');
    const product = `Thuốc thử ${Date.now() % 100000}`;
    await page.fill('#plot-diary #diary-pesticide', product);
    await page.fill('#plot-diary #diary-activeIngredient', 'Abamectin');
    await page.fill('#plot-diary #diary-dose', '10');
    const before = await e2e.server.db.query('SELECT 1 FROM diary_entries WHERE pesticide = $1', [product]);
    expect(before.rows).toHaveLength(0);

    // The session ends elsewhere: its row is gone from the server; the browser still sends the cookie.
    expect(await endOfficerSessions()).toBe(1);
    const guestRead = page.waitForResponse((r) => r.url().endsWith(`/ogc/collections/plots/items/${plot.id}`), { timeout: 30_000 });
    await page.click('#diary-save');
    await page.waitForSelector('#sign-in', { timeout: 30_000 });
    expect(await page.locator('#sign-in').innerText()).toBe('Sign in');
    expect(await page.locator('#sign-out').count()).toBe(0);
    expect(await page.locator('.account-name').count()).toBe(0);
    expect(await page.locator('.topbar').innerText()).not.toContain(officerName);
    // The refusal is said in the form, and what was typed is still there, above the cards.
    await page.waitForFunction(() => /session has ended/.test(document.querySelector('#held-forms #plot-diary')?.textContent ?? ''));
    expect(await page.locator('#held-forms-note').innerText()).toContain('What you were typing is kept below');
    expect(await page.locator('#plot-diary #diary-pesticide').inputValue()).toBe(product);
    expect(await page.locator('#plot-diary #diary-dose').inputValue()).toBe('10');
    // The card is read again as a guest's, as at a sign-out: the public rows, nothing personal, no
    // diary records, and the search box has forgotten the owner.
    const read = await guestRead;
    expect(read.status()).toBe(200);
    for (const secret of [plot.farmer, plot.phone, plot.citizen]) expect(await read.text()).not.toContain(secret);
    await page.waitForSelector(card(plot), { timeout: 30_000 });
    await page.waitForFunction((selector) => /Crop/.test(document.querySelector(selector)?.textContent ?? ''), card(plot));
    const markup = await pageMarkup(page);
    for (const secret of [plot.farmer, plot.phone, plot.citizen, 'farmer_phone', 'farmer_citizen_id', owner])
      expect(markup).not.toContain(secret);
    expect(await page.locator('.diary-section, #diary-entries, #residue-tests').count()).toBe(0);
    expect(await page.inputValue('#search-input')).toBe('');
    await page.focus('#search-input');
    expect(await page.locator('#search-results').isHidden()).toBe(true);
    // The tiles are asked for as a guest's again, as after a sign-out.
    await page.waitForFunction(() => {
      const { map } = (window as unknown as BandoWindow).__bando;
      const tiles = Object.keys(map.getStyle().sources).flatMap((id) => (map.getSource(id) as { tiles?: string[] }).tiles ?? []);
      return tiles.length > 0 && tiles.every((t) => !t.includes('viewer=') || t.includes('viewer=guest'));
    });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'signout-privacy-session-ended.png') });
    expect((await e2e.server.db.query('SELECT 1 FROM diary_entries WHERE pesticide = $1', [product])).rows).toHaveLength(0);

    // Signing in again as the same officer: the form is back in their card as it was (the card read
    // for them again: the farmer's phone), and now it saves.
    await signIn(page, ACCOUNTS.officer);
    expect(await page.locator('#held-forms').count()).toBe(0);
    expect(await page.locator(`${card(plot)} #plot-diary #diary-pesticide`).inputValue()).toBe(product);
    await page.waitForFunction(
      ([selector, phone]) => document.querySelector(selector!)?.textContent?.includes(phone!),
      [card(plot), plot.phone] as const,
      { timeout: 30_000 },
    );
    await page.waitForSelector(`${card(plot)} #plot-diary .diary-section`, { timeout: 30_000 });
    await page.click('#diary-save');
    await expect
      .poll(async () => (await e2e.server.db.query('SELECT 1 FROM diary_entries WHERE pesticide = $1', [product])).rows.length, {
        timeout: 30_000,
      })
      .toBe(1);
    // The only refused requests are the save (401) the test provoked.
    expect(errors.filter((e) => !/(http 401: |status of 401 .*@ ).*\/api\/plots\/\d+\/diary$/.test(e))).toEqual([]);
    await context.close();
  });
});

describe('a sign-out made with no signal', () => {
  it('signs the page out at once and after an offline reload, and ends the session on the server first thing once the signal is back', async () => {
    const { page, context, errors } = await openPage(e2e.browser, 'phone', { serviceWorkers: 'allow' });
    await page.goto(`${e2e.server.url}/`);
    await waitForMap(page);
    await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, null, { timeout: 30_000 });
    await signIn(page, ACCOUNTS.farmer);
    const name = await page.locator('.account-name').innerText();
    // The worker keeps who this is, for a reload with no signal (sw.ts, identity).
    await expect
      .poll(() => page.evaluate(async () => (await (await caches.open('bando-registry')).keys()).map((k) => new URL(k.url).pathname)), {
        timeout: 30_000,
      })
      .toContain('/api/auth/me');
    const cookie = (await context.cookies()).find((c) => c.name === 'bando_session')!.value;
    /** Who the server says this phone's cookie is (an HTTP request of its own, with the cookie as the phone has it). */
    const serverSays = async () =>
      (
        (await (await fetch(`${e2e.server.url}/api/auth/me`, { headers: { cookie: `bando_session=${cookie}` } })).json()) as {
          role: string;
        }
      ).role;
    expect(await serverSays()).toBe('farmer');

    // No signal, on a shared phone: the farmer signs out. The page is a guest's at once.
    await context.setOffline(true);
    await page.click('#sign-out');
    await page.locator('#sign-in').waitFor();
    expect(await page.locator('.account-name').count()).toBe(0);
    // The server has not heard it (it could not): the cookie is still good there, and the phone remembers the sign-out.
    expect(await serverSays()).toBe('farmer');
    expect(await page.evaluate(() => localStorage.getItem('bando:pending-sign-out'))).not.toBeNull();

    // Reloaded with no signal: still nobody, neither from the server nor from the worker's kept identity.
    await page.reload();
    await waitForMap(page);
    expect(await page.locator('#sign-in').count()).toBe(1);
    expect(await page.locator('.account-name').count()).toBe(0);
    expect(await page.locator('.topbar').innerText()).not.toContain(name);

    // The signal is back: the sign-out is sent, and no other request carries the session's cookie
    // (what the page and its worker ask for as a guest's goes without it). A guest's read may leave
    // alongside the sign-out (the legend's land-use table, asked for again as the map fills): the order
    // between the two is the browser's, and what matters is that the read goes without the cookie.
    const sent: { url: string; method: string; cookie?: boolean }[] = [];
    const watching: Promise<void>[] = [];
    context.on('request', (request) => {
      const entry: (typeof sent)[number] = { url: request.url(), method: request.method() };
      sent.push(entry);
      watching.push(
        request
          .allHeaders()
          .then((headers) => void (entry.cookie = (headers.cookie ?? '').includes(cookie)))
          .catch(() => undefined),
      );
    });
    await context.setOffline(false);
    await expect.poll(serverSays, { timeout: 30_000 }).toBe('anonymous');
    await expect.poll(() => page.evaluate(() => localStorage.getItem('bando:pending-sign-out')), { timeout: 10_000 }).toBeNull();
    await Promise.all(watching);
    const api = sent.filter((r) => new URL(r.url).pathname.startsWith('/api/')).map((r) => `${r.method} ${new URL(r.url).pathname}`);
    expect(api).toContain('POST /api/auth/logout');
    expect(sent.filter((r) => r.cookie && !new URL(r.url).pathname.startsWith('/api/auth/logout')).map((r) => r.url)).toEqual([]);

    // Reloaded with signal: a guest's page, and the phone keeps nothing of the farmer.
    await page.reload();
    await waitForMap(page);
    expect(await page.locator('#sign-in').count()).toBe(1);
    expect(await page.locator('.account-name').count()).toBe(0);
    await expect
      .poll(() =>
        page.evaluate(async () => ((await caches.has('bando-registry')) ? (await (await caches.open('bando-registry')).keys()).length : 0)),
      )
      .toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'signout-offline-then-online-phone.png') });
    // The failures are the requests the missing signal refused.
    expect(errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|net::ERR/.test(e))).toEqual([]);
    await context.close();
  });
});
