// An officer in the orchard records a field inspection from the growing area's card: checklist,
// notes and two photos from the phone (one carrying its own EXIF GPS, one geotagged with the phone's
// position), the first photo's answer lost once after the server stored it, retried without a second
// inspection and stored once (its Idempotency-Key); the thumbnails are the phone-made small versions
// (≤ 480 px, from ?size=thumb), the dialog the photo itself. A non-image file and a status that takes no inspection are
// refused in Vietnamese and write nothing; a guest sees no form. Recording the pass after a passing
// inspection of the same round rests on that record instead of writing a second one.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { STATUS_LABELS } from '../../server/domain/growing-area-lifecycle.ts';
import { jpegWithGeotag } from '../../server/domain/photo-facts.ts';
import { vietnamToday } from '../../web/src/registration/inspection-input.ts';
import { ACCOUNTS, openPage, SCREENSHOTS, useServerAndBrowser } from './harness.ts';
import { recordedInspection } from '../fixtures/registry.ts';
import { allowPosition, apiToken, areaUnderInspection, canvasJpeg, clickArea, openArea } from './registry-fixtures.ts';

const e2e = useServerAndBrowser();

async function counts(areaId: number): Promise<{ inspections: number; photos: number }> {
  const { rows } = await e2e.server.db.query<{ inspections: number; photos: number }>(
    `SELECT (SELECT count(*) FROM inspections WHERE growing_area_id = $1) inspections,
            (SELECT count(*) FROM inspection_photos p JOIN inspections i ON i.id = p.inspection_id WHERE i.growing_area_id = $1) photos`,
    [areaId],
  );
  return { inspections: Number(rows[0]!.inspections), photos: Number(rows[0]!.photos) };
}

/** The JPEG with an EXIF block (GPS position, capture time) put right after its start-of-image marker, as a phone camera writes it. */
function withExif(jpeg: Buffer, lon: number, lat: number, takenAt: string): Buffer {
  const tagged = jpegWithGeotag(lon, lat, takenAt);
  const app1 = tagged.subarray(2, tagged.length - 2);
  return Buffer.concat([jpeg.subarray(0, 2), app1, jpeg.subarray(2)]);
}

/** Every file under the upload folder's inspections/, relative to the folder (as inspection_photos.file_path). */
function uploadedFiles(uploadDir: string): string[] {
  const root = path.join(uploadDir, 'inspections');
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(uploadDir, path.join(entry.parentPath, entry.name)));
}

describe('field inspections on the growing-area card', () => {
  it('an officer records an inspection with checklist, notes and two geotagged photos; a lost answer is retried alone and stored once', async () => {
    const area = await areaUnderInspection(e2e.server);
    const before = await counts(area.id);
    const { page, context, errors } = await openPage(e2e.browser, 'desktop');
    const phone = { lon: area.lon + 0.0004, lat: area.lat - 0.0003 };
    const exifAt = { lon: area.lon - 0.0002, lat: area.lat + 0.0001 };
    await allowPosition(context, e2e.server, phone.lon, phone.lat);
    await openArea(page, e2e.server, area, ACCOUNTS.officer);

    await page.click('#inspection-new');
    await page.waitForSelector('#inspection-form');
    expect(await page.inputValue('#inspection-date')).toBe(vietnamToday());
    await page.click('#inspection-conclusion label:has-text("Đạt") >> nth=0');
    await page.click('.inspection-check[data-item="0"] label:has-text("Đạt") >> nth=0');
    await page.click('.inspection-check[data-item="4"] label:has-text("Đạt") >> nth=0');
    expect(await page.isHidden('#inspection-pass-warning')).toBe(true);
    await page.click('.inspection-check[data-item="3"] label:has-text("Không đạt")');
    // "Đạt" over a failed item is said, not refused: the officer judges, and saves it below.
    await page.waitForSelector('#inspection-pass-warning:not([hidden])');
    expect(await page.textContent('#inspection-pass-warning')).toMatch(/^Kết luận “Đạt” nhưng 1 mục đánh dấu “Không đạt”: \S/);
    await page.fill('.inspection-check[data-item="3"] .inspection-check-note', 'Sổ theo dõi sâu bệnh thiếu tháng 2');
    await page.fill('#inspection-notes', 'Vườn xoài sạch cỏ, bao trái đầy đủ.');

    const green = withExif(await canvasJpeg(page, 640, 480, '#2e7d32'), exifAt.lon, exifAt.lat, '2026:03:01 09:15:00');
    const orange = await canvasJpeg(page, 480, 640, '#ef6c00');
    await page.setInputFiles('#inspection-camera', [
      { name: 'vuon-xoai-1.jpg', mimeType: 'image/jpeg', buffer: green },
      { name: 'vuon-xoai-2.jpg', mimeType: 'image/jpeg', buffer: orange },
    ]);
    await page.waitForSelector('#inspection-picked li:nth-child(2)');
    await page.waitForFunction(() => !document.querySelector('#inspection-picked')?.textContent?.includes('đang lấy vị trí'));
    const picked = await page.locator('#inspection-picked li').allTextContents();
    expect(picked[0]).toContain('có vị trí GPS trong ảnh');
    expect(picked[1]).toContain('vị trí của máy');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inspection-form-desktop.png'), fullPage: false });

    // The upload folder is the server's own and keeps earlier runs' files: this run's are those not there yet.
    const uploadDir = e2e.server.uploadDir;
    const earlierFiles = new Set(uploadedFiles(uploadDir));
    // The weak connection loses the first photo's answer once, after the server stored it: the photo
    // fails alone, and Retry sends it again under the same key.
    let dropped = 0;
    await page.route('**/api/inspections/*/photos**', async (route) => {
      if (route.request().method() !== 'POST' || dropped++ > 0) return route.continue();
      expect((await route.fetch()).status()).toBe(201);
      return route.abort('internetdisconnected');
    });
    await page.click('#inspection-save');
    const failed = page.locator('.inspection-upload-list li[data-state=failed]');
    await failed.waitFor({ timeout: 30_000 });
    expect(await failed.textContent()).toContain('Chưa gửi được: không có kết nối mạng');
    await page.waitForSelector('.inspection-upload-list li[data-state=done]');
    await page.locator('.inspection-uploads').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inspection-upload-retry-desktop.png') });
    let now = await counts(area.id);
    expect(now).toEqual({ inspections: before.inspections + 1, photos: before.photos + 2 });
    // The officer looks elsewhere and comes back to the area: the photo not sent is still there to retry.
    await clickArea(page, area);
    await failed.waitFor();
    expect(await page.locator('.inspection-upload-list li').count()).toBe(2);
    const retried = page.waitForResponse((r) => r.url().includes('/photos') && r.request().method() === 'POST');
    await page.click('.inspection-retry');
    expect((await retried).status()).toBe(200); // the photo stored the first time, not a new one
    await page.waitForSelector('.inspection-uploads', { state: 'detached', timeout: 30_000 });
    now = await counts(area.id);
    expect(now).toEqual({ inspections: before.inspections + 1, photos: before.photos + 2 });

    // The rows: the inspection as typed, the photos with the EXIF position and the phone's.
    const inspection = (
      await e2e.server.db.query<{
        id: number;
        inspected_on: string;
        conclusion: string;
        notes: string;
        checklist: unknown;
        inspector: string;
      }>(
        `SELECT i.id, i.inspected_on, i.conclusion, i.notes, i.checklist, u.username inspector
           FROM inspections i JOIN users u ON u.id = i.inspector_id WHERE i.growing_area_id = $1 ORDER BY i.id DESC LIMIT 1`,
        [area.id],
      )
    ).rows[0]!;
    expect(inspection).toMatchObject({
      inspected_on: vietnamToday(),
      conclusion: 'pass',
      notes: 'Vườn xoài sạch cỏ, bao trái đầy đủ.',
      inspector: 'officer',
    });
    expect(inspection.checklist).toEqual([
      { item: 'Hồ sơ, nhật ký canh tác ghi chép đầy đủ', ok: true },
      { item: 'Giám sát sinh vật gây hại định kỳ', ok: false, note: 'Sổ theo dõi sâu bệnh thiếu tháng 2' },
      { item: 'Ranh giới vùng trồng khớp với bản đồ', ok: true },
    ]);
    const photos = (
      await e2e.server.db.query<{
        id: number;
        bytes: number;
        mime: string;
        lon: number;
        lat: number;
        taken_at: string;
        file_path: string;
        position_source: string;
        taken_at_source: string;
      }>(
        `SELECT id, bytes, mime, ST_X(geom) lon, ST_Y(geom) lat, taken_at::text, file_path, position_source, taken_at_source
           FROM inspection_photos WHERE inspection_id = $1 ORDER BY id`,
        [inspection.id],
      )
    ).rows;
    expect(photos).toHaveLength(2);
    // The green photo (with EXIF) was stored by its first attempt, before the orange one; its retry stored nothing.
    const [greenRow, orangeRow] = photos as [(typeof photos)[0], (typeof photos)[0]];
    expect({ bytes: Number(greenRow.bytes), mime: greenRow.mime }).toEqual({ bytes: green.length, mime: 'image/jpeg' });
    expect({ bytes: Number(orangeRow.bytes), mime: orangeRow.mime }).toEqual({ bytes: orange.length, mime: 'image/jpeg' });
    expect(Number(greenRow.lon)).toBeCloseTo(exifAt.lon, 5);
    expect(Number(greenRow.lat)).toBeCloseTo(exifAt.lat, 5);
    expect(new Date(greenRow.taken_at).toISOString()).toBe('2026-03-01T02:15:00.000Z');
    expect(Number(orangeRow.lon)).toBeCloseTo(phone.lon, 6);
    expect(Number(orangeRow.lat)).toBeCloseTo(phone.lat, 6);
    expect(Math.abs(Date.now() - new Date(orangeRow.taken_at).getTime())).toBeLessThan(5 * 60_000);
    // The row says which came from the photo and which from the phone (migration 014).
    expect([greenRow.position_source, greenRow.taken_at_source]).toEqual(['photo', 'photo']);
    expect([orangeRow.position_source, orangeRow.taken_at_source]).toEqual(['device', 'file']);
    expect(fs.readFileSync(path.join(uploadDir, greenRow.file_path)).equals(green)).toBe(true);
    // One file per photo and its small version beside it: the lost answer's retry left no second copy of the green one.
    const thumbOf = (file: string): string => file.replace(/\.jpg$/, '.thumb.jpg');
    const newFiles = uploadedFiles(uploadDir).filter((file) => !earlierFiles.has(file));
    expect(newFiles.sort()).toEqual(
      [greenRow.file_path, thumbOf(greenRow.file_path), orangeRow.file_path, thumbOf(orangeRow.file_path)].sort(),
    );
    for (const row of [greenRow, orangeRow])
      expect(fs.statSync(path.join(uploadDir, thumbOf(row.file_path))).size).toBeLessThan(200 * 1024);

    // The list shows it first, in words, with two thumbnails that are decoded images.
    const item = page.locator(`#inspection-list > li[data-id="${inspection.id}"]`);
    expect(await page.locator('#inspection-list > li').first().getAttribute('data-id')).toBe(String(inspection.id));
    expect(await item.locator('.inspection-conclusion').textContent()).toBe('Đạt');
    expect(await item.textContent()).toContain('Cán bộ:');
    expect(await item.locator('.inspection-checklist li').allTextContents()).toEqual([
      '✓ Hồ sơ, nhật ký canh tác ghi chép đầy đủ',
      '✗ Giám sát sinh vật gây hại định kỳ — Sổ theo dõi sâu bệnh thiếu tháng 2',
      '✓ Ranh giới vùng trồng khớp với bản đồ',
    ]);
    await page.waitForFunction(
      (id) => {
        const imgs = [...document.querySelectorAll<HTMLImageElement>(`#inspection-list > li[data-id="${id}"] .inspection-thumb img`)];
        return imgs.length === 2 && imgs.every((img) => img.complete && img.naturalWidth > 0);
      },
      inspection.id,
      { timeout: 15_000 },
    );
    // The list shows the small versions (480 px on the long side at most), not the 640 px photos, each
    // fetched from ?size=thumb and shown from the fetched bytes (a blob: URL): the orange one as the
    // server has it; the green one was listed before its lost answer was retried, its ?size=thumb
    // said `missing`, and the page made and sent the small version from the photo it had just loaded.
    await page.waitForFunction(
      (id) =>
        [...document.querySelectorAll<HTMLImageElement>(`#inspection-list > li[data-id="${id}"] .inspection-thumb img`)].every(
          (img) => img.complete && Math.max(img.naturalWidth, img.naturalHeight) === 480,
        ),
      inspection.id,
    );
    const shown = await item.locator('.inspection-thumb img').evaluateAll((imgs) =>
      imgs.map((img) => {
        const src = new URL((img as HTMLImageElement).currentSrc);
        return {
          src: src.protocol === 'blob:' ? 'blob:' : src.pathname + src.search,
          size: [(img as HTMLImageElement).naturalWidth, (img as HTMLImageElement).naturalHeight],
        };
      }),
    );
    expect(shown).toEqual([
      { src: 'blob:', size: [480, 360] },
      { src: 'blob:', size: [360, 480] },
    ]);
    // A fresh page (the next test opens this area again) loads both from ?size=thumb; here the server answers them already.
    for (const [row, size] of [
      [greenRow, [480, 360]],
      [orangeRow, [360, 480]],
    ] as const) {
      const small = await page.evaluate(async (url) => {
        const answer = await fetch(url, { cache: 'no-store' });
        const bitmap = await createImageBitmap(await answer.blob());
        return {
          type: answer.headers.get('content-type'),
          thumb: answer.headers.get('photo-thumbnail'),
          size: [bitmap.width, bitmap.height],
        };
      }, `/api/inspections/${inspection.id}/photos/${row.id}?size=thumb`);
      expect(small).toEqual({ type: 'image/jpeg', thumb: 'present', size });
    }
    // Each thumbnail's line says where its time and position came from.
    const titles = await item.locator('.inspection-thumb').evaluateAll((links) => links.map((a) => (a as HTMLElement).title));
    expect(titles[0]).toContain('Chụp lúc 01/03/2026 09:15 · Vị trí theo ảnh: ');
    expect(titles[1]).toMatch(/Tệp sửa lúc \S+ \S+ · Vị trí của máy lúc thêm ảnh: \d/);
    await item.locator('.inspection-thumb').first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inspection-list-desktop.png') });
    await item.locator('.inspection-thumb').first().click();
    await page.waitForFunction(() => (document.querySelector<HTMLImageElement>('#inspection-photo-dialog img')?.naturalWidth ?? 0) > 0);
    // The dialog shows the photo itself, at its own size.
    expect(
      await page
        .locator('#inspection-photo-dialog img')
        .evaluate((img) => [
          (img as HTMLImageElement).naturalWidth,
          (img as HTMLImageElement).naturalHeight,
          new URL((img as HTMLImageElement).src).search,
        ]),
    ).toEqual([640, 480, '']);
    expect(await page.locator('#inspection-photo-dialog .inspection-photo-line').textContent()).toBe(
      `Chụp lúc 01/03/2026 09:15 · Vị trí theo ảnh: ${Number(greenRow.lat).toFixed(6)}, ${Number(greenRow.lon).toFixed(6)}`,
    );
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inspection-photo-desktop.png') });
    await page.click('#inspection-photo-close');
    // English beside Vietnamese: the same record in the other language, the checklist's standard items translated.
    await page.click('#lang-toggle');
    await page.waitForSelector('#inspections-title:has-text("Field inspections")');
    expect(await item.locator('.inspection-conclusion').textContent()).toBe('Pass');
    expect(await item.locator('.inspection-checklist li').first().textContent()).toBe('✓ Records and farm diary kept in full');
    expect(await item.locator('.inspection-thumb').nth(1).getAttribute('title')).toContain('Phone’s position when the photo was added: ');
    expect(errors.filter((e) => !e.includes('/photos'))).toEqual([]);
    await context.close();
  });

  it('on a phone, a non-image file and a status that takes no inspection are refused in Vietnamese and write nothing', async () => {
    const area = await areaUnderInspection(e2e.server);
    const { page, context } = await openPage(e2e.browser, 'phone');
    await page.setViewportSize({ width: 360, height: 740 });
    await allowPosition(context, e2e.server, area.lon, area.lat);
    const thumbAnswers: string[] = [];
    const thumbPuts: string[] = [];
    page.on('response', (response) => {
      if (response.url().endsWith('?size=thumb')) thumbAnswers.push(`${response.url()} ${response.headers()['photo-thumbnail']}`);
      if (response.request().method() === 'PUT') thumbPuts.push(response.url());
    });
    await openArea(page, e2e.server, area, ACCOUNTS.officer);
    // The inspection recorded before, as a phone shows it.
    await page.locator('#inspection-list .inspection-thumb').first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inspection-list-phone.png') });
    await page.click('#inspection-new');
    await page.click('.inspection-check[data-item="0"] label:has-text("Đạt") >> nth=0');
    const before = await counts(area.id);

    await page.setInputFiles('#inspection-gallery', {
      name: 'bien-ban.pdf',
      mimeType: 'image/jpeg',
      buffer: Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj << >> endobj\n'),
    });
    const refused = page.locator('.inspection-refused');
    await refused.waitFor();
    expect(await refused.textContent()).toBe('Tệp “bien-ban.pdf” không phải ảnh JPEG, PNG hoặc WebP: không gửi tệp này.');
    expect(await page.locator('#inspection-picked').count()).toBe(0);
    await page.fill('#inspection-notes', 'Kiểm tra lại sau khi bổ sung hồ sơ.');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inspection-form-phone-viewport.png') });
    // The page is no wider than the phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

    // Meanwhile the area moved on (another officer recorded the result): the save is refused in words.
    const token = await apiToken(e2e.server);
    const moved = await fetch(`${e2e.server.url}/api/growing-areas/${area.id}/transitions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ to: 'inspected_pass', inspection: recordedInspection('pass', vietnamToday()) }),
    });
    expect(moved.status).toBe(201);
    const afterMove = await counts(area.id);
    await page.click('#inspection-save');
    const message = page.locator('#inspection-message');
    await message.waitFor();
    const inspectable = ['under_inspection', 'issued', 'forwarded', 'approved', 'active', 'suspended'] as const;
    expect(await message.textContent()).toBe(
      `Chưa lưu được biên bản: vùng trồng đang ở trạng thái “${STATUS_LABELS.inspected_pass.vi}”, không ghi biên bản kiểm tra được ` +
        `(chỉ ghi khi ở trạng thái ${inspectable.map((s) => `“${STATUS_LABELS[s].vi}”`).join(', ')}).`,
    );
    expect(await counts(area.id)).toEqual(afterMove);
    expect(afterMove).toEqual({ inspections: before.inspections + 1, photos: before.photos });
    // The card may draw itself again as the area's new status comes in: scroll whatever message is there now.
    await page
      .locator('#inspection-message')
      .evaluate((el) => el.scrollIntoView({ block: 'center' }))
      .catch(() => undefined);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inspection-refused-phone.png') });

    // The list now starts with the other officer's inspection; the older one's thumbnails (the small
    // versions the first test's page sent, not the photos) load by themselves from ?size=thumb, no tap asked for.
    expect(await page.locator('#inspection-list > li').first().locator('.inspection-conclusion').textContent()).toBe('Đạt');
    expect(await page.locator('#inspection-list > li').nth(1).locator('.inspection-show-photos').count()).toBe(0);
    await page.waitForFunction(() => {
      const imgs = [...document.querySelectorAll<HTMLImageElement>('#inspection-list > li:nth-child(2) .inspection-thumb img')];
      return imgs.length === 2 && imgs.every((img) => img.complete && Math.max(img.naturalWidth, img.naturalHeight) === 480);
    });
    const listed = await page
      .locator('#inspection-list > li:nth-child(2) .inspection-thumb')
      .evaluateAll((links) => links.map((a) => `${(a as HTMLAnchorElement).href}?size=thumb present`));
    expect(thumbAnswers).toEqual(expect.arrayContaining(listed));
    expect(thumbPuts).toEqual([]); // the server had them: nothing made or sent again
    await context.close();
  });

  it('a guest sees the area but no inspections and no form', async () => {
    const area = await areaUnderInspection(e2e.server);
    const { page, context } = await openPage(e2e.browser, 'desktop');
    await openArea(page, e2e.server, area);
    expect(await page.locator('#inspections').count()).toBe(0);
    expect(await page.locator('#inspection-new, #inspection-form').count()).toBe(0);
    await context.close();
  });

  it('recording the pass after a passing inspection of this round rests on it: one inspection, not two', async () => {
    const area = await areaUnderInspection(e2e.server);
    const { page, context, errors } = await openPage(e2e.browser, 'desktop');
    await openArea(page, e2e.server, area, ACCOUNTS.officer);
    const before = await counts(area.id);
    await page.click('#inspection-new');
    await page.click('#inspection-conclusion label:has-text("Đạt") >> nth=0');
    // Every item answered and a note: what a pass may rest on (a photo would do as well as the note).
    for (let i = 0; i < 6; i++) await page.click(`.inspection-check[data-item="${i}"] label:has-text("Đạt") >> nth=0`);
    await page.fill('#inspection-notes', 'Vườn đạt đủ các mục.');
    await page.click('#inspection-save');
    await expect.poll(() => counts(area.id)).toEqual({ inspections: before.inspections + 1, photos: before.photos });
    await page.click('.lifecycle-actions [data-to=inspected_pass]');
    const basedOn = page.locator('#lifecycle-based-on');
    await basedOn.waitFor();
    const [y, m, d] = vietnamToday().split('-');
    expect(await basedOn.textContent()).toContain(`ngày ${d}/${m}/${y} (kết luận “Đạt”)`);
    expect(await page.locator('#lifecycle-form input[type=date]').count()).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inspection-pass-based-on.png') });
    await page.click('#lifecycle-confirm');
    await page.waitForSelector('#lifecycle-status[data-status=inspected_pass]');
    expect(await counts(area.id)).toEqual({ inspections: before.inspections + 1, photos: before.photos });
    expect(errors).toEqual([]);
    await context.close();
  });
});
