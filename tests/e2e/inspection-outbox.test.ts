// Inspection photos are never lost, and old photos get small versions. On a 360 px phone an officer
// records an inspection with two photos while the connection fails (one photo's answer is lost after
// the server stored it, the other never arrives); the page is reloaded: the photos are still on the
// phone (IndexedDB), shown as waiting, hidden from another officer who signs in on the same phone, and
// sent with one tap once their owner is back: the database holds exactly one row (and one file) per
// photo. A photo stored without a small version (an older client) gets one the first time an officer
// views it: the thumbnail file exists afterwards and ?size=thumb answers a JPEG of at most 480 px.
import fs from 'node:fs';
import path from 'node:path';
import type { Page, Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ACCOUNTS, openPage, SCREENSHOTS, signIn, useServerAndBrowser, waitForMap } from './harness.ts';
import { apiToken, areaUnderInspection, canvasJpeg, clickArea, inspectionOnPhone, openArea, signOut } from './registry-fixtures.ts';

const e2e = useServerAndBrowser();

/** The photos kept on the phone (the page's IndexedDB): their owners and Idempotency-Keys. */
async function keptOnPhone(page: Page): Promise<{ owner: string; uploadKey: string; name: string; size: number }[]> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('bando-field-photos');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('pending-photos')) return resolve([]);
          const all = db.transaction('pending-photos').objectStore('pending-photos').getAll();
          all.onsuccess = () => {
            resolve(
              (all.result as { owner: string; uploadKey: string; name: string; bytes: Blob }[]).map((r) => ({
                owner: r.owner,
                uploadKey: r.uploadKey,
                name: r.name,
                size: r.bytes.size,
              })),
            );
            db.close();
          };
        };
      }),
  );
}

type PhotoRow = { id: number; file_path: string; bytes: number; idempotency_key: string | null };

async function photoRows(inspectionId: number): Promise<PhotoRow[]> {
  return (
    await e2e.server.db.query<PhotoRow>(
      'SELECT id, file_path, bytes, idempotency_key FROM inspection_photos WHERE inspection_id = $1 ORDER BY id',
      [inspectionId],
    )
  ).rows;
}

async function latestInspection(areaId: number): Promise<number> {
  const { rows } = await e2e.server.db.query<{ id: number }>('SELECT max(id) id FROM inspections WHERE growing_area_id = $1', [areaId]);
  return Number(rows[0]!.id);
}

/** Every file under a folder, as full paths. */
function filesUnder(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

describe('inspection photos kept on the phone until the server has them', () => {
  it('photos that failed to send survive a reload, stay hidden from another officer, and are stored exactly once', async () => {
    const area = await areaUnderInspection(e2e.server);
    const { page, context, errors } = await inspectionOnPhone(e2e.browser, e2e.server, area);
    await page.click('#inspection-conclusion label:has-text("Đạt") >> nth=0');
    await page.click('.inspection-check[data-item="0"] label:has-text("Đạt") >> nth=0');
    await page.fill('#inspection-notes', 'Mất sóng giữa vườn.');
    const green = await canvasJpeg(page, 1280, 960, '#2e7d32', 0.9);
    const blue = await canvasJpeg(page, 960, 1280, '#1565c0', 0.9);
    await page.setInputFiles('#inspection-camera', [
      { name: 'mat-song-1.jpg', mimeType: 'image/jpeg', buffer: green },
      { name: 'mat-song-2.jpg', mimeType: 'image/jpeg', buffer: blue },
    ]);
    await page.waitForSelector('#inspection-picked li:nth-child(2)');
    await page.waitForFunction(() => !document.querySelector('#inspection-picked')?.textContent?.includes('đang lấy vị trí'));

    // The signal fails: the first photo reaches the server but its answer is lost; every later
    // attempt never leaves the phone.
    const posts: { key: string | null; status: number | 'aborted' }[] = [];
    let reached = 0;
    const failing = async (route: Route) => {
      if (route.request().method() !== 'POST') return route.continue();
      const key = await route.request().headerValue('Idempotency-Key');
      if (reached++ === 0) {
        const answer = await route.fetch();
        posts.push({ key, status: answer.status() });
        return route.abort('internetdisconnected');
      }
      posts.push({ key, status: 'aborted' });
      return route.abort('internetdisconnected');
    };
    await page.route('**/api/inspections/*/photos**', failing);
    // The upload folder is the server's own and keeps earlier runs' files (ids start again with each test database).
    const earlier = new Set(filesUnder(path.join(e2e.server.uploadDir, 'inspections')));
    await page.click('#inspection-save');
    await page.waitForFunction(() => document.querySelectorAll('.inspection-upload-list li[data-state=failed]').length === 2, null, {
      timeout: 30_000,
    });
    const inspectionId = await latestInspection(area.id);
    expect(posts.map((p) => p.status)).toEqual([201, 'aborted']);
    const [greenKey, blueKey] = posts.map((p) => p.key) as [string, string];
    expect(greenKey).not.toBe(blueKey);
    // Both are on the phone under the officer's name and the keys of their first attempts.
    expect(
      (await keptOnPhone(page)).map(({ owner, uploadKey, size }) => ({ owner, uploadKey, size })).sort((a, b) => a.size - b.size),
    ).toEqual(
      [
        { owner: 'officer', uploadKey: greenKey, size: green.length },
        { owner: 'officer', uploadKey: blueKey, size: blue.length },
      ].sort((a, b) => a.size - b.size),
    );
    expect(await page.locator('.inspection-upload-list li[data-state=failed] .hint').first().textContent()).toBe(
      'Chưa gửi được: không có kết nối mạng. Ảnh đã lưu trên máy, sẽ tự gửi khi có sóng.',
    );
    // The first photo is on the server already (its answer lost); the second is not.
    expect((await photoRows(inspectionId)).map((r) => r.idempotency_key)).toEqual([greenKey]);

    // The phone reloads the page (the tab was killed in the background). No "leave page?" question: nothing is lost.
    await page.reload();
    await waitForMap(page);
    await page.waitForSelector('#sign-out');
    const bar = page.locator('#photo-outbox');
    await page.waitForFunction(() => document.querySelector('#photo-outbox')?.textContent?.includes('Đang chờ có mạng'), null, {
      timeout: 30_000,
    });
    expect(await bar.textContent()).toContain('2 ảnh kiểm tra chưa gửi');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inspection-outbox-bar-phone.png') });
    // The officer opens the inspection's area again: the two photos are there, waiting.
    await clickArea(page, area);
    const rows = page.locator(`.inspection-uploads[data-inspection-id="${inspectionId}"] .inspection-upload-list li`);
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.allTextContents()).toEqual([expect.stringContaining('mat-song-1.jpg'), expect.stringContaining('mat-song-2.jpg')]);
    await rows.first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inspection-outbox-waiting-phone.png') });

    // A shared phone: another officer signs in. They see none of these photos and nothing is sent for them.
    await signOut(page);
    await expect.poll(() => bar.isHidden()).toBe(true);
    const postsBefore = posts.length;
    await signIn(page, ACCOUNTS.admin);
    await clickArea(page, area);
    await page.waitForSelector('#inspection-list');
    await page.waitForTimeout(1500);
    expect(await page.locator('.inspection-uploads').count()).toBe(0);
    expect(await bar.isHidden()).toBe(true);
    expect(posts.length).toBe(postsBefore);
    expect((await keptOnPhone(page)).map((p) => p.owner)).toEqual(['officer', 'officer']);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inspection-outbox-other-officer-phone.png') });

    // Their owner signs in again, still without signal: the photos are theirs again, tried at once,
    // and wait for the connection; with the signal back, one tap sends them.
    await signOut(page);
    await signIn(page, ACCOUNTS.officer);
    await page.waitForSelector('#photo-outbox-send', { timeout: 30_000 });
    expect(await bar.textContent()).toContain('2 ảnh kiểm tra chưa gửi');
    expect(posts.length).toBeGreaterThan(postsBefore);
    await page.unroute('**/api/inspections/*/photos**', failing);
    const answers: number[] = [];
    page.on('response', (response) => {
      if (response.request().method() === 'POST' && /\/api\/inspections\/\d+\/photos/.test(response.url())) answers.push(response.status());
    });
    await page.click('#photo-outbox-send');
    await expect.poll(() => bar.isHidden(), { timeout: 30_000 }).toBe(true);
    // The first photo's key was seen before: 200, the photo stored the first time; the second is new: 201.
    expect(answers).toEqual([200, 201]);
    await expect.poll(async () => (await keptOnPhone(page)).length).toBe(0);

    // Exactly one row per photo, each under the key of its first attempt, and one file each (and its small version).
    const stored = await photoRows(inspectionId);
    expect(stored.map((r) => [r.idempotency_key, Number(r.bytes)])).toEqual([
      [greenKey, green.length],
      [blueKey, blue.length],
    ]);
    // The small versions are made and sent quietly after each photo is stored: wait for them.
    const expected = stored
      .flatMap((r) => [
        path.join(e2e.server.uploadDir, r.file_path),
        path.join(e2e.server.uploadDir, r.file_path).replace(/\.jpg$/, '.thumb.jpg'),
      ])
      .sort();
    await expect
      .poll(
        () =>
          filesUnder(path.join(e2e.server.uploadDir, 'inspections'))
            .filter((file) => !earlier.has(file))
            .sort(),
        { timeout: 15_000 },
      )
      .toEqual(expected);
    expect(fs.readFileSync(path.join(e2e.server.uploadDir, stored[0]!.file_path)).equals(green)).toBe(true);
    expect(fs.readFileSync(path.join(e2e.server.uploadDir, stored[1]!.file_path)).equals(blue)).toBe(true);
    await clickArea(page, area);
    // Thumbnails load as they come near the screen (as loading="lazy" would): bring the inspection into view.
    // (The card may draw its list again as the registry's read replaces the tile's facts: on a
    // loaded machine the item can go from under the scroll; it is looked up again then.)
    await expect
      .poll(() =>
        page
          .locator(`#inspection-list > li[data-id="${inspectionId}"]`)
          .scrollIntoViewIfNeeded({ timeout: 3000 })
          .then(
            () => true,
            () => false,
          ),
      )
      .toBe(true);
    // The list shows both as their small versions (≤ 480 px), made on this phone.
    await page.waitForFunction(
      (id) => {
        const imgs = [...document.querySelectorAll<HTMLImageElement>(`#inspection-list > li[data-id="${id}"] .inspection-thumb img`)];
        return imgs.length === 2 && imgs.every((img) => img.complete && Math.max(img.naturalWidth, img.naturalHeight) === 480);
      },
      inspectionId,
      { timeout: 15_000 },
    );
    await page.locator(`#inspection-list > li[data-id="${inspectionId}"]`).scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inspection-outbox-sent-phone.png') });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(errors.filter((e) => !e.includes('/photos'))).toEqual([]);
    await context.close();
  });
});

describe('a phone out of storage', () => {
  it('says so in words, still sends the photo from the page, and asks before the page is left', async () => {
    const area = await areaUnderInspection(e2e.server);
    const { page, context, errors } = await inspectionOnPhone(e2e.browser, e2e.server, area, {
      position: [area.lon, area.lat],
      form: false,
    });
    // Chromium's own quota for this origin, cut to 1 KB: the photo cannot be kept (QuotaExceededError).
    const cdp = await context.newCDPSession(page);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: e2e.server.url, quotaSize: 1024 });
    await page.click('#inspection-new');
    await page.waitForSelector('#inspection-form');
    await page.click('.inspection-check[data-item="0"] label:has-text("Đạt") >> nth=0');
    const photo = await canvasJpeg(page, 800, 600, '#c62828', 0.9);
    await page.setInputFiles('#inspection-camera', [{ name: 'het-bo-nho.jpg', mimeType: 'image/jpeg', buffer: photo }]);
    await page.waitForSelector('#inspection-picked li');
    const failing = (route: Route) => (route.request().method() === 'POST' ? route.abort('internetdisconnected') : route.continue());
    await page.route('**/api/inspections/*/photos**', failing);
    await page.click('#inspection-save');
    const row = page.locator('.inspection-upload-list li[data-state=failed]');
    await row.waitFor({ timeout: 30_000 });
    const quota = 'Máy hết chỗ lưu: ảnh chưa gửi chỉ còn trong trang này.';
    expect(await row.getAttribute('data-kept')).toBe('false');
    expect(await page.locator('#photo-outbox .photo-outbox-problem').textContent()).toContain(quota);
    // The toasts of the moment ('Đã ghi biên bản …') stand below the bar, not over it.
    const barBox = (await page.locator('#photo-outbox').boundingBox())!;
    for (const toastBox of await page.locator('#toasts .toast').evaluateAll((els) => els.map((el) => el.getBoundingClientRect().top))) {
      expect(toastBox).toBeGreaterThanOrEqual(barBox.y + barBox.height);
    }
    // Not kept, so not "kept on the phone": the row says the plain refusal.
    expect(await row.textContent()).toContain('Bấm “Thử lại” khi có sóng.');
    expect(await keptOnPhone(page)).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inspection-outbox-quota-phone.png') });
    // Leaving now would lose it: the browser asks first.
    const asked = new Promise<string>((resolve) =>
      page.once('dialog', (dialog) => void dialog.dismiss().then(() => resolve(dialog.type()))),
    );
    await page.evaluate(() => location.reload());
    expect(await asked).toBe('beforeunload');
    // With the signal back, one tap sends it from the page's memory.
    await page.unroute('**/api/inspections/*/photos**', failing);
    await page.click('#photo-outbox-send');
    await expect.poll(() => page.locator('#photo-outbox').isHidden(), { timeout: 30_000 }).toBe(true);
    const inspectionId = await latestInspection(area.id);
    expect((await photoRows(inspectionId)).map((r) => Number(r.bytes))).toEqual([photo.length]);
    expect(errors.filter((e) => !e.includes('/photos'))).toEqual([]);
    await context.close();
  });
});

describe('small versions made for photos stored without one', () => {
  it('an officer viewing an older photo makes its small version once; ?size=thumb then answers a JPEG of at most 480 px', async () => {
    const area = await areaUnderInspection(e2e.server);
    const token = await apiToken(e2e.server);
    const { page, context, errors } = await openPage(e2e.browser, 'phone');
    await page.setViewportSize({ width: 360, height: 740 });
    // An older client (no small versions then): an inspection and a 1600 × 1200 photo, nothing else.
    const recorded = await fetch(`${e2e.server.url}/api/growing-areas/${area.id}/inspections`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        inspectedOn: '2026-01-15',
        checklist: [{ item: 'Nhật ký canh tác', ok: true }],
        conclusion: 'pass',
        notes: 'Ảnh từ phiên bản cũ.',
      }),
    });
    expect(recorded.status).toBe(201);
    const inspectionId = ((await recorded.json()) as { id: number }).id;
    await page.goto('about:blank');
    const original = await canvasJpeg(page, 1600, 1200, '#8e24aa', 0.9);
    const posted = await fetch(`${e2e.server.url}/api/inspections/${inspectionId}/photos`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'image/jpeg' },
      body: new Uint8Array(original),
    });
    expect(posted.status).toBe(201);
    const [row] = await photoRows(inspectionId);
    const thumbFile = path.join(e2e.server.uploadDir, row!.file_path.replace(/\.jpg$/, '.thumb.jpg'));
    expect(fs.existsSync(thumbFile)).toBe(false);
    const url = `${e2e.server.url}/api/inspections/${inspectionId}/photos/${row!.id}`;
    const before = await fetch(`${url}?size=thumb`, { headers: { Authorization: `Bearer ${token}` } });
    expect(before.headers.get('photo-thumbnail')).toBe('missing');

    const puts: number[] = [];
    page.on('response', (response) => {
      if (response.request().method() === 'PUT' && response.url().endsWith(`/photos/${row!.id}/thumbnail`)) puts.push(response.status());
    });
    await openArea(page, e2e.server, area, ACCOUNTS.officer);
    const item = page.locator(`#inspection-list > li[data-id="${inspectionId}"]`);
    await item.scrollIntoViewIfNeeded();
    await expect.poll(() => puts, { timeout: 30_000 }).toEqual([204]);
    // The list shows the small version the page made, not the 1600 px photo.
    await page.waitForFunction((id) => {
      const img = document.querySelector<HTMLImageElement>(`#inspection-list > li[data-id="${id}"] .inspection-thumb img`);
      return img?.complete && Math.max(img.naturalWidth, img.naturalHeight) === 480;
    }, inspectionId);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inspection-thumbnail-made-phone.png') });

    // On the server: the small version's file beside the photo, answered for ?size=thumb, said to be present.
    expect(fs.existsSync(thumbFile)).toBe(true);
    const after = await fetch(`${url}?size=thumb`, { headers: { Authorization: `Bearer ${token}` } });
    expect(after.status).toBe(200);
    expect(after.headers.get('photo-thumbnail')).toBe('present');
    expect(after.headers.get('content-type')).toBe('image/jpeg');
    const small = Buffer.from(await after.arrayBuffer());
    expect(small.equals(fs.readFileSync(thumbFile))).toBe(true);
    expect(small.length).toBeLessThan(200 * 1024);
    const size = await page.evaluate(async (base64) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/jpeg' }));
      return [bitmap.width, bitmap.height];
    }, small.toString('base64'));
    expect(size).toEqual([480, 360]);

    // Seen again (a new card): the small version comes from the server, nothing is made or sent again.
    await clickArea(page, area);
    await page.waitForFunction((id) => {
      const img = document.querySelector<HTMLImageElement>(`#inspection-list > li[data-id="${id}"] .inspection-thumb img`);
      return img?.complete && img.naturalWidth === 480;
    }, inspectionId);
    await page.waitForTimeout(500);
    expect(puts).toEqual([204]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
