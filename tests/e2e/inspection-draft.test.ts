// An inspection form survives a killed tab and a lost connection. On a 360 px phone an officer fills
// the checklist, the notes and one photo from the camera; the tab reloads (as when Android kills it
// while the camera is open) and the area's card brings the form back filled from the phone's draft
// (IndexedDB), hidden from another officer who signs in on the same phone; sent, the database holds
// the inspection as typed and then its photo, and the draft is gone. Without signal the POST fails:
// the form says it is kept on the phone, and with the signal back one tap sends it, once; sent again
// after an answer lost on the way back, its Idempotency-Key gets the inspection recorded then rather
// than a second one, and a form changed in between is told so and recorded anew. The officer
// discards a draft only after a question; a phone that keeps nothing says so; a server's 4xx keeps it.
import path from 'node:path';
import type { Page, Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { vi } from '../../web/src/i18n/vi.ts';
import { vietnamToday } from '../../web/src/registration/inspection-input.ts';
import { ACCOUNTS, SCREENSHOTS, signIn, useServerAndBrowser, waitForMap } from './harness.ts';
import { recordedInspection } from '../fixtures/registry.ts';
import {
  apiToken,
  areaUnderInspection,
  canvasJpeg,
  clickArea,
  inspectionOnPhone,
  photoSizes,
  signOut,
  type AreaAt,
} from './registry-fixtures.ts';

const e2e = useServerAndBrowser();

// Sign-ins are limited to 10 a minute from one address: the file finds its area (an API sign-in) once.
// Inspections leave an area under inspection, so every case can use the same one (the last moves it on).
let chosen: Promise<AreaAt> | undefined;
function theArea(): Promise<AreaAt> {
  chosen ??= areaUnderInspection(e2e.server);
  return chosen;
}

/** The drafts kept in the page's IndexedDB: whose, of which area, their notes and their photos' sizes. */
async function draftsOnPhone(page: Page): Promise<{ owner: string; areaId: number; notes: string; photos: number[] }[]> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('bando-inspection-drafts');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('drafts')) {
            db.close();
            return resolve([]);
          }
          const tx = db.transaction(['drafts', 'draft-photos']);
          const drafts = tx.objectStore('drafts').getAll();
          const photos = tx.objectStore('draft-photos').getAll();
          tx.oncomplete = () => {
            type Row = { owner: string; areaId: number; notes: string };
            type PhotoRow = { owner: string; areaId: number; bytes: Blob };
            resolve(
              (drafts.result as Row[]).map((d) => ({
                owner: d.owner,
                areaId: d.areaId,
                notes: d.notes,
                photos: (photos.result as PhotoRow[]).filter((p) => p.owner === d.owner && p.areaId === d.areaId).map((p) => p.bytes.size),
              })),
            );
            db.close();
          };
        };
      }),
  );
}

type InspectionRow = { id: number; inspected_on: string; conclusion: string | null; notes: string | null; checklist: unknown };

async function inspectionsOf(areaId: number): Promise<InspectionRow[]> {
  return (
    await e2e.server.db.query<InspectionRow>(
      'SELECT id, inspected_on, conclusion, notes, checklist FROM inspections WHERE growing_area_id = $1 ORDER BY id',
      [areaId],
    )
  ).rows;
}

/** The checklist's answers as the form shows them: the checked verdict of each row and its note. */
async function answers(page: Page): Promise<{ verdict: string; note: string }[]> {
  return page.locator('#inspection-checklist .inspection-check').evaluateAll((rows) =>
    rows.map((row) => ({
      verdict: row.querySelector<HTMLInputElement>('input[type=radio]:checked')?.value ?? '',
      note: row.querySelector<HTMLInputElement>('.inspection-check-note')?.value ?? '',
    })),
  );
}

/** Reloads the page (as when the phone's system kills the tab) and opens the area's card again, still signed in. */
async function reloadAndOpen(page: Page, area: AreaAt): Promise<void> {
  await page.reload();
  await waitForMap(page);
  await page.waitForSelector('#sign-out');
  await clickArea(page, area);
}

describe('an inspection form kept on the phone', () => {
  it('comes back filled after the tab is reloaded, is hidden from another officer, and is gone once recorded', async () => {
    const area = await theArea();
    const before = await inspectionsOf(area.id);
    const { page, context, errors } = await inspectionOnPhone(e2e.browser, e2e.server, area);
    await page.click('#inspection-conclusion label:has-text("Không đạt")');
    await page.click('.inspection-check[data-item="0"] label:has-text("Đạt") >> nth=0');
    await page.click('.inspection-check[data-item="2"] label:has-text("Không đạt")');
    await page.fill('.inspection-check[data-item="2"] .inspection-check-note', 'Còn vỏ chai thuốc ở bờ mương');
    await page.fill('#inspection-notes', 'Vườn xoài cát Chu, ấp Tân Hậu: cần thu gom vỏ chai.');
    const photo = await canvasJpeg(page, 1024, 768, '#558b2f', 0.9);
    await page.setInputFiles('#inspection-camera', [{ name: 'vo-chai-thuoc.jpg', mimeType: 'image/jpeg', buffer: photo }]);
    await page.waitForSelector('#inspection-picked li');
    // The draft is written after a pause in typing and the photo as soon as it is picked.
    await expect
      .poll(() => draftsOnPhone(page), { timeout: 10_000 })
      .toEqual([
        { owner: 'officer', areaId: area.id, notes: 'Vườn xoài cát Chu, ấp Tân Hậu: cần thu gom vỏ chai.', photos: [photo.length] },
      ]);
    expect(await page.locator('#inspection-draft .inspection-draft-time').textContent()).toMatch(/^Bản nháp lưu trên máy lúc \d{2}:\d{2}$/);
    const typed = await answers(page);

    // The tab is killed while the camera is open and comes back: the officer opens the same area.
    await reloadAndOpen(page, area);
    await page.waitForSelector('#inspection-form', { timeout: 15_000 });
    expect(await page.inputValue('#inspection-notes')).toBe('Vườn xoài cát Chu, ấp Tân Hậu: cần thu gom vỏ chai.');
    expect(await page.inputValue('#inspection-date')).toBe(vietnamToday());
    expect(await page.locator('#inspection-conclusion input:checked').getAttribute('value')).toBe('fail');
    expect(await answers(page)).toEqual(typed);
    expect(typed.slice(0, 3)).toEqual([
      { verdict: 'ok', note: '' },
      { verdict: 'unchecked', note: '' },
      { verdict: 'not-ok', note: 'Còn vỏ chai thuốc ở bờ mương' },
    ]);
    expect(await page.locator('#inspection-picked li').allTextContents()).toEqual([expect.stringContaining('vo-chai-thuoc.jpg')]);
    expect(await page.locator('#inspection-draft .inspection-draft-time').textContent()).toMatch(/^Bản nháp lưu trên máy lúc \d{2}:\d{2}$/);
    await page.locator('#inspection-form h5').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inspection-draft-restored-phone.png') });
    await page.locator('#inspection-picked').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inspection-draft-restored-photo-phone.png') });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

    // A shared phone: another officer signs in and opens the area: an empty section, nothing of the draft.
    await signOut(page);
    await signIn(page, ACCOUNTS.admin);
    await clickArea(page, area);
    await page.waitForSelector('#inspection-new');
    expect(await page.locator('#inspection-new').textContent()).toBe('Ghi biên bản kiểm tra');
    expect(await page.locator('#inspection-form').count()).toBe(0);
    await page.click('#inspection-new');
    await page.waitForSelector('#inspection-form');
    expect(await page.inputValue('#inspection-notes')).toBe('');
    expect(await page.locator('#inspection-picked li').count()).toBe(0);
    await page.click('#inspection-cancel');

    // Its owner is back: the draft is there, and sent.
    await signOut(page);
    await signIn(page, ACCOUNTS.officer);
    await clickArea(page, area);
    await page.waitForSelector('#inspection-form', { timeout: 15_000 });
    expect(await page.inputValue('#inspection-notes')).toBe('Vườn xoài cát Chu, ấp Tân Hậu: cần thu gom vỏ chai.');
    await page.click('#inspection-save');
    await page.waitForSelector('#inspection-form', { state: 'detached', timeout: 15_000 });

    const after = await inspectionsOf(area.id);
    expect(after).toHaveLength(before.length + 1);
    const recorded = after.at(-1)!;
    expect(recorded).toMatchObject({
      inspected_on: vietnamToday(),
      conclusion: 'fail',
      notes: 'Vườn xoài cát Chu, ấp Tân Hậu: cần thu gom vỏ chai.',
    });
    expect(recorded.checklist).toEqual([
      { item: 'Hồ sơ, nhật ký canh tác ghi chép đầy đủ', ok: true },
      { item: 'Vệ sinh đồng ruộng, thu gom bao bì thuốc BVTV', ok: false, note: 'Còn vỏ chai thuốc ở bờ mương' },
    ]);
    // Its photo, the same bytes, goes through the outbox.
    await expect.poll(() => photoSizes(e2e.server, recorded.id), { timeout: 30_000 }).toEqual([photo.length]);
    await expect.poll(() => draftsOnPhone(page), { timeout: 15_000 }).toEqual([]);

    // Another reload: the form is empty again, the draft gone.
    await reloadAndOpen(page, area);
    await page.waitForSelector('#inspection-new');
    await page.waitForTimeout(500);
    expect(await page.locator('#inspection-form').count()).toBe(0);
    expect(await page.locator('#inspection-new').textContent()).toBe('Ghi biên bản kiểm tra');
    expect(await inspectionsOf(area.id)).toHaveLength(before.length + 1);
    // Each sign-out reads the open card again as a guest's; an area under inspection is not the
    // public's to read (the API would answer 404), so the guest's card keeps its tile's facts and asks nothing.
    expect(errors).toEqual([]);
    await context.close();
  });

  it('without signal the form says it is kept; with the signal back one tap sends it once; a lost answer is not written twice, a changed form is told', async () => {
    const area = await theArea();
    const before = await inspectionsOf(area.id);
    const { page, context, errors } = await inspectionOnPhone(e2e.browser, e2e.server, area, { position: null });
    await page.click('#inspection-conclusion label:has-text("Đạt") >> nth=0');
    await page.fill('#inspection-notes', 'Mất sóng ở cuối vườn.');
    await expect.poll(async () => (await draftsOnPhone(page)).map((d) => d.notes)).toEqual(['Mất sóng ở cuối vườn.']);

    await context.setOffline(true);
    // Every item still "Chưa xét": the form says why under the checklist and keeps nothing for later
    // sending (the server refuses such an inspection: a draft waiting for signal would never go).
    const requests: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith(`/api/growing-areas/${area.id}/inspections`)) requests.push(r.url());
    });
    await page.click('#inspection-save');
    const unreviewed = page.locator('#inspection-checklist[aria-invalid=true] .form-error');
    await unreviewed.waitFor();
    expect(await unreviewed.textContent()).toBe(vi['inspectionInput_nothing-reviewed']);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('inspection-checklist');
    expect(await page.locator('#inspection-message').count()).toBe(0);
    expect(requests).toEqual([]);
    // Where the focus took the page: the words are on the screen (not under the sheet's edge), above the items.
    const seen = (e: Element) => {
      const r = e.getBoundingClientRect();
      return e.contains(document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2));
    };
    expect(await unreviewed.evaluate(seen)).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inspection-draft-nothing-reviewed-phone.png') });
    await page.click('.inspection-check[data-item="0"] label:has-text("Đạt") >> nth=0');
    await page.click('#inspection-save');
    const message = page.locator('#inspection-message');
    await message.waitFor();
    expect(await message.textContent()).toBe(
      'Chưa gửi được biên bản: không có kết nối mạng. Biên bản đã lưu trên máy này, gửi được khi có sóng.',
    );
    expect(await page.locator('#inspection-send-now').count()).toBe(0);
    expect(await inspectionsOf(area.id)).toHaveLength(before.length);
    expect((await draftsOnPhone(page)).map((d) => d.notes)).toEqual(['Mất sóng ở cuối vườn.']);
    await message.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inspection-draft-offline-phone.png') });

    // The signal is back: the form offers to send it (it does not send by itself).
    const posts: number[] = [];
    page.on('response', (response) => {
      if (response.request().method() === 'POST' && response.url().endsWith(`/api/growing-areas/${area.id}/inspections`)) {
        posts.push(response.status());
      }
    });
    await context.setOffline(false);
    await page.waitForSelector('#inspection-send-now');
    expect(await page.locator('#inspection-net-back').textContent()).toBe('Đã có mạng trở lại.Gửi biên bản');
    await page.locator('#inspection-net-back').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inspection-draft-net-back-phone.png') });
    expect(posts).toEqual([]);
    await page.click('#inspection-send-now');
    await page.waitForSelector('#inspection-form', { state: 'detached', timeout: 15_000 });
    expect(posts).toEqual([201]);
    const after = await inspectionsOf(area.id);
    expect(after).toHaveLength(before.length + 1);
    expect(after.at(-1)).toMatchObject({ conclusion: 'pass', notes: 'Mất sóng ở cuối vườn.' });
    await expect.poll(() => draftsOnPhone(page)).toEqual([]);

    // A weak link: the server records the next inspection but its answer is lost on the way back.
    // Sent again under the same Idempotency-Key, the server answers 200 with that inspection.
    await page.click('#inspection-new');
    await page.waitForSelector('#inspection-form');
    await page.click('.inspection-check[data-item="0"] label:has-text("Đạt") >> nth=0');
    await page.fill('#inspection-notes', 'Sóng yếu, câu trả lời bị mất.');
    await page.waitForSelector('#inspection-draft:not([hidden])');
    const keys: string[] = [];
    const lost = async (route: Route) => {
      if (route.request().method() !== 'POST') return route.continue();
      keys.push((await route.request().headerValue('idempotency-key')) ?? '');
      posts.push((await route.fetch()).status());
      return route.abort('internetdisconnected');
    };
    await page.route(`**/api/growing-areas/${area.id}/inspections`, lost);
    await page.click('#inspection-save');
    await page.waitForSelector('#inspection-message.inspection-kept');
    expect(posts).toEqual([201, 201]);
    expect(await inspectionsOf(area.id)).toHaveLength(before.length + 2);
    await page.unroute(`**/api/growing-areas/${area.id}/inspections`, lost);
    const sent = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith(`/api/growing-areas/${area.id}/inspections`));
    await page.click('#inspection-save');
    expect(await (await sent).headerValue('idempotency-key')).toBe(keys[0]);
    await page.waitForSelector('#inspection-form', { state: 'detached', timeout: 15_000 });
    expect(posts).toEqual([201, 201, 200]);
    const final = await inspectionsOf(area.id);
    expect(final.map((r) => r.notes).slice(before.length)).toEqual(['Mất sóng ở cuối vườn.', 'Sóng yếu, câu trả lời bị mất.']);
    expect(await page.locator('#inspection-list > li').first().getAttribute('data-id')).toBe(String(final.at(-1)!.id));
    await expect.poll(() => draftsOnPhone(page)).toEqual([]);

    // Lost again, but the officer changes the notes before sending again: the server holds the form
    // as first sent and refuses the key for other content; the form says so and keeps the change,
    // which the next tap records as an inspection of its own (a new key).
    await page.click('#inspection-new');
    await page.waitForSelector('#inspection-form');
    await page.click('.inspection-check[data-item="0"] label:has-text("Đạt") >> nth=0');
    await page.fill('#inspection-notes', 'Bản đầu.');
    await page.waitForSelector('#inspection-draft:not([hidden])');
    await page.route(`**/api/growing-areas/${area.id}/inspections`, lost);
    await page.click('#inspection-save');
    await page.waitForSelector('#inspection-message.inspection-kept');
    await page.unroute(`**/api/growing-areas/${area.id}/inspections`, lost);
    await page.fill('#inspection-notes', 'Bản đầu, sửa lại.');
    await page.click('#inspection-save');
    await page.waitForSelector('#inspection-message.form-error');
    expect(await page.locator('#inspection-message').textContent()).toBe(vi.inspectionRecordedBefore);
    expect(posts).toEqual([201, 201, 200, 201, 409]);
    expect((await inspectionsOf(area.id)).map((r) => r.notes).slice(before.length + 2)).toEqual(['Bản đầu.']);
    const again = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith(`/api/growing-areas/${area.id}/inspections`));
    await page.click('#inspection-save');
    expect(await (await again).headerValue('idempotency-key')).not.toBe(keys[1]);
    await page.waitForSelector('#inspection-form', { state: 'detached', timeout: 15_000 });
    expect(posts).toEqual([201, 201, 200, 201, 409, 201]);
    expect((await inspectionsOf(area.id)).map((r) => r.notes).slice(before.length + 2)).toEqual(['Bản đầu.', 'Bản đầu, sửa lại.']);
    await expect.poll(() => draftsOnPhone(page)).toEqual([]);
    // The failed POSTs without signal and the 409 of the changed form are the expected errors.
    const inspectionsUrl = `/api/growing-areas/${area.id}/inspections`;
    const expected = (e: string) => e.includes('ERR_INTERNET_DISCONNECTED') || (e.includes('409') && e.endsWith(inspectionsUrl));
    expect(errors.filter((e) => !expected(e))).toEqual([]);
    await context.close();
  });
  it('the officer discards a draft only after saying yes, and it is gone from the phone', async () => {
    const area = await theArea();
    const { page, context, errors } = await inspectionOnPhone(e2e.browser, e2e.server, area, { position: null });
    await page.fill('#inspection-notes', 'Ghi nhầm vùng.');
    await page.waitForSelector('#inspection-draft:not([hidden])');
    // Cancel closes the form, not the draft: the button offers to continue it.
    await page.click('#inspection-cancel');
    expect(await page.locator('#inspection-new').textContent()).toBe('Tiếp tục biên bản nháp');
    await page.click('#inspection-new');
    await page.waitForSelector('#inspection-form');
    expect(await page.inputValue('#inspection-notes')).toBe('Ghi nhầm vùng.');
    // The discard button asks first; saying no keeps everything.
    await page.click('#inspection-draft-discard');
    const dialog = page.locator('#inspection-discard-dialog');
    await dialog.waitFor();
    expect(await dialog.locator('h2').textContent()).toBe('Bỏ bản nháp biên bản này?');
    expect(await dialog.locator('p').textContent()).toBe(
      'Ngày, kết luận, các mục kiểm tra và ghi chú đã nhập sẽ bị xoá khỏi máy và không lấy lại được.',
    );
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inspection-draft-discard-phone.png') });
    await page.click('#inspection-discard-cancel');
    expect(await page.inputValue('#inspection-notes')).toBe('Ghi nhầm vùng.');
    expect((await draftsOnPhone(page)).map((d) => d.notes)).toEqual(['Ghi nhầm vùng.']);
    await page.click('#inspection-draft-discard');
    await page.click('#inspection-discard-go');
    await page.waitForSelector('#inspection-form', { state: 'detached' });
    expect(await page.locator('#inspection-new').textContent()).toBe('Ghi biên bản kiểm tra');
    await expect.poll(() => draftsOnPhone(page)).toEqual([]);
    await reloadAndOpen(page, area);
    await page.waitForSelector('#inspection-new');
    expect(await page.locator('#inspection-form').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a phone that refuses to keep the draft says so once, and the form still records from memory', async () => {
    const area = await theArea();
    const before = await inspectionsOf(area.id);
    const { page, context, errors } = await inspectionOnPhone(e2e.browser, e2e.server, area, { position: null, form: false });
    // Chromium's own quota for this origin, cut to 1 KB: the photo's bytes cannot be kept (QuotaExceededError).
    const cdp = await context.newCDPSession(page);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: e2e.server.url, quotaSize: 1024 });
    await page.click('#inspection-new');
    await page.waitForSelector('#inspection-form');
    const photo = await canvasJpeg(page, 800, 600, '#6d4c41', 0.9);
    await page.setInputFiles('#inspection-camera', [{ name: 'het-cho.jpg', mimeType: 'image/jpeg', buffer: photo }]);
    const problem = page.locator('#inspection-draft-problem');
    await problem.waitFor();
    expect(await problem.textContent()).toBe(
      'Máy hết chỗ lưu: bản nháp biên bản chỉ còn trong trang này. Đừng tải lại hay đóng trang trước khi gửi; xoá bớt ảnh, video trên máy để có chỗ.',
    );
    // Said once: one message shown (the form's other live regions, such as the pass-over-a-failed-item line, are empty and hidden).
    expect(await page.locator('#inspection-form [role=status]:visible, #inspection-form [role=alert]:visible').count()).toBe(1);
    await page.fill('#inspection-notes', 'Máy đầy bộ nhớ.');
    await page.waitForTimeout(600);
    expect(await page.locator('#inspection-draft-problem').count()).toBe(1);
    await problem.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inspection-draft-quota-phone.png') });
    await page.click('.inspection-check[data-item="0"] label:has-text("Đạt") >> nth=0');
    await page.click('#inspection-save');
    await page.waitForSelector('#inspection-form', { state: 'detached', timeout: 15_000 });
    const after = await inspectionsOf(area.id);
    expect(after).toHaveLength(before.length + 1);
    expect(after.at(-1)?.notes).toBe('Máy đầy bộ nhớ.');
    // The photo still goes, from the page's memory (the outbox cannot keep it either).
    await expect
      .poll(
        async () =>
          (
            await e2e.server.db.query<{ bytes: number }>('SELECT bytes FROM inspection_photos WHERE inspection_id = $1', [after.at(-1)!.id])
          ).rows.map((r) => Number(r.bytes)),
        { timeout: 30_000 },
      )
      .toEqual([photo.length]);
    expect(errors).toEqual([]);
    await context.close();
  });
  it('a refusal of the server (409: the area moved on) keeps the draft to fix or discard', async () => {
    const area = await theArea();
    const before = await inspectionsOf(area.id);
    const { page, context } = await inspectionOnPhone(e2e.browser, e2e.server, area, { position: null });
    await page.fill('#inspection-notes', 'Vùng đã có kết luận từ trước?');
    await page.click('.inspection-check[data-item="0"] label:has-text("Đạt") >> nth=0');
    await page.waitForSelector('#inspection-draft:not([hidden])');
    // Another officer records the result meanwhile: the area takes no inspection any more.
    const moved = await fetch(`${e2e.server.url}/api/growing-areas/${area.id}/transitions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${await apiToken(e2e.server)}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ to: 'inspected_pass', inspection: recordedInspection('pass', vietnamToday()) }),
    });
    expect(moved.status).toBe(201);
    const answered = page.waitForResponse(
      (r) => r.request().method() === 'POST' && r.url().endsWith(`/growing-areas/${area.id}/inspections`),
    );
    await page.click('#inspection-save');
    expect((await answered).status()).toBe(409);
    await page.waitForSelector('#inspection-message.form-error');
    expect(await page.locator('#inspection-message').textContent()).toMatch(/^Chưa lưu được biên bản: /);
    expect(await inspectionsOf(area.id)).toHaveLength(before.length + 1); // the other officer's, not this one
    expect((await draftsOnPhone(page)).map((d) => d.notes)).toEqual(['Vùng đã có kết luận từ trước?']);
    // Still there after a reload, until the officer discards it.
    await reloadAndOpen(page, area);
    await page.waitForSelector('#inspection-form', { timeout: 15_000 });
    expect(await page.inputValue('#inspection-notes')).toBe('Vùng đã có kết luận từ trước?');
    await page.click('#inspection-draft-discard');
    await page.click('#inspection-discard-go');
    await page.waitForSelector('#inspection-form', { state: 'detached' });
    await expect.poll(() => draftsOnPhone(page)).toEqual([]);
    await context.close();
  });
});
