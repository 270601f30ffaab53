// An officer in the field with no signal opens a growing area's card. The map and the card's
// attributes come from the tiles the service worker kept; the lifecycle section read the registry
// and, offline, said only "could not be read", so no inspection could be started where officers need
// it most. Now (sw.ts registryRead, registration/registry-reads.ts): an area never opened with
// signal shows the tile's status and code, says the full record needs the network, and offers the
// inspection form, kept on the phone and sent with one tap when the signal is back (the rows are
// read from the database); a card opened with signal is there again offline, saying it is the copy
// saved at its time, answered only under the officer's key; and a sign-out takes the copies off the phone.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { en } from '../../web/src/i18n/en.ts';
import { vi } from '../../web/src/i18n/vi.ts';
import { ACCOUNTS, openPage, SCREENSHOTS, signIn, useServerAndBrowser, waitForMap, type WatchedPage } from './harness.ts';
import {
  allowPosition,
  apiToken,
  areaUnderInspection,
  canvasJpeg,
  clickArea,
  largestArea,
  listedAreaIds,
  signOut,
  type AreaAt,
  photoSizes,
} from './registry-fixtures.ts';

const e2e = useServerAndBrowser();

/** A 360×760 phone with the service worker allowed, at the area with the growing-area layer on, the officer signed in under the worker's control. */
async function officerOnPhone(area: AreaAt): Promise<WatchedPage> {
  const opened = await openPage(e2e.browser, 'phone', { serviceWorkers: 'allow' });
  await opened.page.setViewportSize({ width: 360, height: 760 });
  await opened.page.goto(`${e2e.server.url}/#c=${area.lon.toFixed(6)},${area.lat.toFixed(6)},17&l=growing_areas`);
  await waitForMap(opened.page);
  // Controlled before the sign-in: the officer's tiles and the card sections' script go through the worker, which keeps them.
  await opened.page.waitForFunction(() => navigator.serviceWorker?.controller !== null, null, { timeout: 30_000 });
  await signIn(opened.page, ACCOUNTS.officer);
  await waitForMap(opened.page);
  return opened;
}

/** Taps the area again on a phone: the open bottom sheet is closed first (it covers the map's lower half), so the tap reaches the map. */
async function reopenArea(page: Page, area: AreaAt): Promise<void> {
  if (await page.locator('#panel.is-open').count()) await page.click('[data-tab=details]');
  await page.waitForSelector('#panel:not(.is-open)');
  await clickArea(page, area);
}

/** The paths (with their viewer key) of the registry reads the worker keeps. */
function keptReads(page: Page): Promise<string[]> {
  return page.evaluate(async () =>
    (await (await caches.open('bando-registry')).keys()).map((k) => new URL(k.url).pathname + new URL(k.url).search),
  );
}

/** A guest's reads of the area with no network, under the guest's key and under none: the status, or 'failed' when nothing answered. */
function guestReads(page: Page, id: number): Promise<string[]> {
  return page.evaluate(async (areaId) => {
    const read = (url: string) =>
      fetch(url, { credentials: 'same-origin' }).then(
        (r) => `${r.status}`,
        () => 'failed',
      );
    return [await read(`/api/growing-areas/${areaId}?viewer=guest`), await read(`/api/growing-areas/${areaId}`)];
  }, id);
}

type Row = { id: number; conclusion: string | null; notes: string | null; checklist: { item: string; ok: boolean }[] };

async function inspectionsOf(areaId: number): Promise<Row[]> {
  return (
    await e2e.server.db.query<Row>('SELECT id, conclusion, notes, checklist FROM inspections WHERE growing_area_id = $1 ORDER BY id', [
      areaId,
    ])
  ).rows;
}

/** Errors of the page itself (scripts), not the refused requests a page with no network logs by design. */
function scriptErrors(errors: string[]): string[] {
  return errors.filter((e) => e.startsWith('pageerror'));
}

describe('a growing area card in the field with no signal', () => {
  it('an area never opened online: the tile says its status, the inspection is filled with a photo offline and sent when the signal is back', async () => {
    const area = await areaUnderInspection(e2e.server);
    const before = await inspectionsOf(area.id);
    const { page, context, errors } = await officerOnPhone(area);
    await allowPosition(context, e2e.server, area.lon + 0.0002, area.lat);
    expect((await keptReads(page)).filter((u) => u.startsWith(`/api/growing-areas/${area.id}`))).toEqual([]);

    await context.setOffline(true);
    await clickArea(page, area);
    const tileOnly = page.locator('#lifecycle-tile-only');
    await tileOnly.waitFor({ timeout: 20_000 });
    expect(await tileOnly.textContent()).toBe(vi.lifecycleTileOnly);
    expect(await page.locator('#lifecycle-status').getAttribute('data-status')).toBe('under_inspection');
    expect(await page.locator('#lifecycle-status').textContent()).toBe(vi.status_under_inspection);
    expect(await page.locator('#lifecycle').textContent()).not.toContain('Không tải được');
    expect(await page.locator('#inspections-offline').textContent()).toBe(vi.inspectionsNeedNetwork);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'offline-inspection-tile-card-phone360.png') });
    // In English too, worded again on the switch.
    await page.click('#lang-toggle');
    await expect.poll(() => tileOnly.textContent()).toBe(en.lifecycleTileOnly);
    expect(await page.locator('#inspections-offline').textContent()).toBe(en.inspectionsNeedNetwork);
    expect(await page.locator('#lifecycle-status').textContent()).toBe(en.status_under_inspection);
    await page.click('#lang-toggle');
    await expect.poll(() => tileOnly.textContent()).toBe(vi.lifecycleTileOnly);

    await page.click('#inspection-new');
    await page.waitForSelector('#inspection-form');
    await page.click('#inspection-conclusion label:has-text("Đạt") >> nth=0');
    await page.click('.inspection-check[data-item="0"] label:has-text("Đạt") >> nth=0');
    await page.click('.inspection-check[data-item="1"] label:has-text("Đạt") >> nth=0');
    await page.fill('#inspection-notes', 'Ghi ngoài vườn, không có sóng.');
    const photo = await canvasJpeg(page, 800, 600, '#33691e', 0.85);
    await page.setInputFiles('#inspection-camera', [{ name: 'vuon-khong-song.jpg', mimeType: 'image/jpeg', buffer: photo }]);
    await page.waitForSelector('#inspection-picked li');
    await page.click('#inspection-save');
    const message = page.locator('#inspection-message');
    await message.waitFor();
    expect(await message.textContent()).toBe(vi.inspectionSaveOffline);
    expect(await inspectionsOf(area.id)).toHaveLength(before.length);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await message.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'offline-inspection-kept-phone360.png') });

    // The signal is back: one tap sends the inspection, then its photo goes from the outbox.
    await context.setOffline(false);
    await page.click('#inspection-send-now', { timeout: 20_000 });
    await page.waitForSelector('#inspection-form', { state: 'detached', timeout: 20_000 });
    const after = await inspectionsOf(area.id);
    expect(after).toHaveLength(before.length + 1);
    const recorded = after.at(-1)!;
    expect(recorded).toMatchObject({ conclusion: 'pass', notes: 'Ghi ngoài vườn, không có sóng.' });
    expect(recorded.checklist.filter((c) => c.ok)).toHaveLength(2);
    await expect.poll(() => photoSizes(e2e.server, recorded.id), { timeout: 30_000 }).toEqual([photo.length]);
    // Back online the card reads the registry: the full record, no longer the tile's facts.
    await page.waitForSelector('#lifecycle-tile-only', { state: 'detached', timeout: 15_000 });
    expect(scriptErrors(errors)).toEqual([]);
    await context.close();
  });

  it('a card opened online is there offline as the saved copy with its time, to the officer only; a sign-out takes it off the phone', async () => {
    const token = await apiToken(e2e.server);
    const area = await largestArea(e2e.server, await listedAreaIds(e2e.server, token, 'status=active&limit=50'));
    const { page, context, errors } = await officerOnPhone(area);
    await clickArea(page, area);
    await page.waitForSelector('#lifecycle-status');
    expect(await page.locator('#lifecycle-saved').count()).toBe(0);
    await expect
      .poll(() => keptReads(page), { timeout: 15_000 })
      .toEqual(
        expect.arrayContaining([
          expect.stringMatching(new RegExp(`^/api/growing-areas/${area.id}\\?viewer=\\w+$`)),
          expect.stringMatching(new RegExp(`^/api/growing-areas/${area.id}/history\\?viewer=\\w+$`)),
          expect.stringMatching(new RegExp(`^/api/growing-areas/${area.id}/inspections\\?viewer=\\w+$`)),
        ]),
      );

    // No signal; the officer opens the card again (a new card reads the registry afresh).
    await context.setOffline(true);
    await reopenArea(page, area);
    const saved = page.locator('#lifecycle-saved');
    await saved.waitFor({ timeout: 20_000 });
    expect(await saved.textContent()).toMatch(/^Không có mạng: đây là bản lưu trên máy lúc \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}\.$/);
    expect(await page.locator('#lifecycle-status').getAttribute('data-status')).toBe('active');
    expect(await page.locator('#lifecycle-status').textContent()).toBe(vi.status_active);
    expect(await page.locator('#lifecycle-history').count()).toBe(1);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'offline-inspection-saved-card-phone360.png') });

    // The copy is the officer's: a read under the guest's key, or under none, gets nothing from the worker.
    expect(await guestReads(page, area.id)).toEqual(['failed', 'failed']);

    // Signed out (with signal), then none again: a guest's card has no lifecycle, and the officer's
    // copies are gone from the phone.
    await context.setOffline(false);
    await signOut(page);
    await context.setOffline(true);
    await reopenArea(page, area);
    await page.waitForTimeout(500);
    expect(await page.locator('#lifecycle').count()).toBe(0);
    expect(await guestReads(page, area.id)).toEqual(['failed', 'failed']);
    expect(await keptReads(page)).toEqual([]);
    expect(scriptErrors(errors)).toEqual([]);
    await context.close();
  });
});
