// The import screen knows the server's upload limit (IMPORT_MAX_MB, here 1 MB) and refuses a file
// over it the moment it is picked or dropped: it names the file's size and the limit and what to
// do, both buttons stay off, no POST /api/import leaves the page and nothing is written. When the
// limit could not be asked before the upload, the failure is still told as "too large" (the server's
// 413, or a reset while sending checked against the limit asked afterwards); a reset of a file within
// the limit stays "lost connection". Screenshots at 1280×800 and on a 360×740 phone.
import path from 'node:path';
import type { Page, Request } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openPage, SCREENSHOTS, useServerAndBrowser } from './harness.ts';
import { openImport } from './import-fixtures.ts';

const e2e = useServerAndBrowser({ IMPORT_MAX_MB: '1' });
const MB = 1024 * 1024;

/** A file of `bytes` bytes (its content never matters: it must not be sent, or is refused for its size). */
const fileOf = (name: string, bytes: number) => ({ name, mimeType: 'application/zip', buffer: Buffer.alloc(bytes, 0x50) });

async function state(): Promise<{ plots: number; parcels: number; log: number; jobs: number }> {
  const { rows } = await e2e.server.db.query<{ plots: number; parcels: number; log: number; jobs: number }>(
    `SELECT (SELECT count(*)::int FROM plots) AS plots, (SELECT count(*)::int FROM parcels) AS parcels,
            (SELECT count(*)::int FROM edit_log) AS log, (SELECT count(*)::int FROM import_jobs) AS jobs`,
  );
  return rows[0]!;
}

/** The import uploads this page has sent (or tried to). */
function watchUploads(page: Page): string[] {
  const posts: string[] = [];
  page.on('request', (request: Request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/import') posts.push(request.url());
  });
  return posts;
}

async function dropFile(page: Page, name: string, bytes: number): Promise<void> {
  await page.evaluate(
    ({ name, bytes }) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], name, { type: 'application/zip' }));
      document.getElementById('import-drop')!.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    },
    { name, bytes },
  );
}

describe('a file larger than the server takes', () => {
  it('is refused when picked or dropped, with both sizes and what to do, in Vietnamese and English; nothing is sent or written', async () => {
    const before = await state();
    const { page, context, errors } = await openPage(e2e.browser, 'desktop');
    const posts = watchUploads(page);
    await openImport(page, e2e.server);
    await page.waitForSelector('#import-limit');
    expect(await page.textContent('#import-limit')).toBe('Mỗi tệp tối đa 1 MB.');

    await page.setInputFiles('#import-file', fileOf('thua_ca_huyen.zip', Math.round(1.5 * MB)));
    await page.waitForSelector('#import-form-error');
    expect(await page.textContent('#import-form-error')).toBe(
      'Tệp thua_ca_huyen.zip nặng 1,5 MB, vượt giới hạn nhập 1 MB của máy chủ; chưa gửi gì. ' +
        'Chia tệp thành nhiều phần (theo xã hoặc tờ bản đồ) hoặc nhờ quản trị viên tăng giới hạn.',
    );
    expect(await page.isDisabled('#import-check')).toBe(true);
    expect(await page.isDisabled('#import-run')).toBe(true);
    expect(await page.textContent('#import-drop')).not.toContain('thua_ca_huyen.zip');
    await page.locator('#import-panel').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'import-too-large-desktop.png') });

    // One byte over is over: the file's size is rounded up, never shown equal to the limit.
    await dropFile(page, 'vua_qua.zip', MB + 1);
    await page.waitForSelector('#import-form-error:has-text("vua_qua.zip")');
    expect(await page.textContent('#import-form-error')).toMatch(/^Tệp vua_qua\.zip nặng 1,1 MB, vượt giới hạn nhập 1 MB/);
    expect(await page.isDisabled('#import-run')).toBe(true);

    await page.click('#lang-toggle');
    await page.waitForSelector('#import-run:text-is("Import")');
    expect(await page.textContent('#import-form-error')).toBe(
      'The file vua_qua.zip is 1.1 MB, over the server’s import limit of 1 MB; nothing was sent. ' +
        'Split it into parts (by commune or map sheet) or ask an administrator to raise the limit.',
    );
    expect(await page.textContent('#import-limit')).toBe('At most 1 MB per file.');
    await page.click('#lang-toggle');
    await page.waitForSelector('#import-run:text-is("Nhập")');

    // A file of exactly the limit is taken: the buttons come back.
    await page.setInputFiles('#import-file', fileOf('vua_du.zip', MB));
    await page.waitForSelector('#import-drop.has-file');
    expect(await page.locator('#import-form-error').count()).toBe(0);
    expect(await page.isEnabled('#import-run')).toBe(true);

    expect(posts).toEqual([]);
    expect(await state()).toEqual(before);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('on a phone, with the limit unknown until an upload fails, the failure is told as too large (a reset or the server’s 413); a reset of a small file stays a lost connection', async () => {
    const before = await state();
    /** A phone page that cannot ask the limit (as from a weak signal) until an upload has gone out. */
    const phonePage = async () => {
      const opened = await openPage(e2e.browser, 'phone');
      await opened.page.setViewportSize({ width: 360, height: 740 });
      const posts = watchUploads(opened.page);
      await opened.page.route('**/api/import/limits', (route) => (posts.length === 0 ? route.abort('failed') : route.continue()));
      await openImport(opened.page, e2e.server);
      expect(await opened.page.locator('#import-limit').count()).toBe(0);
      return { ...opened, posts };
    };

    // The connection is reset while sending, as a proxy closing on an oversize body does: no answer
    // at all, but the file is over the limit the server tells when asked afterwards.
    const first = await phonePage();
    await first.page.route('**/api/import?*', (route) => route.abort('connectionreset'));
    await first.page.setInputFiles('#import-file', fileOf('thua_lon.zip', Math.round(1.5 * MB)));
    await first.page.waitForSelector('#import-drop.has-file');
    await first.page.click('#import-check');
    await first.page.waitForSelector('#import-refusal', { timeout: 30_000 });
    expect(first.posts).toHaveLength(1);
    expect(await first.page.textContent('#import-refusal strong')).toBe('Tệp nặng 1,5 MB, vượt giới hạn nhập 1 MB của máy chủ.');
    expect(await first.page.textContent('#import-refusal p')).toBe(
      'Chia tệp thành nhiều phần (theo xã hoặc tờ bản đồ) hoặc nhờ quản trị tăng giới hạn IMPORT_MAX_MB.',
    );
    expect(await first.page.locator('#import-refusal-detail').count()).toBe(0);
    // The limit is known now: the form says it, and refuses the file as a pick would.
    expect(await first.page.textContent('#import-limit')).toBe('Mỗi tệp tối đa 1 MB.');
    expect(await first.page.textContent('#import-form-error')).toMatch(/^Tệp thua_lon\.zip nặng 1,5 MB, vượt giới hạn nhập 1 MB/);
    expect(await first.page.isDisabled('#import-check')).toBe(true);
    expect(await first.page.isDisabled('#import-run')).toBe(true);
    await first.page.locator('#import-refusal').scrollIntoViewIfNeeded();
    await first.page.screenshot({ path: path.join(SCREENSHOTS, 'import-too-large-reset-phone.png') });
    // A reset of a file within the limit is what it looks like: a lost connection.
    await first.page.setInputFiles('#import-file', fileOf('thua_nho.zip', 200 * 1024));
    await first.page.waitForSelector('#import-drop.has-file');
    await first.page.click('#import-check');
    await first.page.waitForSelector('#import-refusal strong:text-is("Mất kết nối tới máy chủ.")', { timeout: 30_000 });
    expect(first.posts).toHaveLength(2);
    await first.context.close();

    // The real server answers a 24 MB upload: its 413 read by the browser, or a reset it reports as
    // no answer; either way the screen says too large, with both sizes.
    const second = await phonePage();
    await second.page.setInputFiles('#import-file', fileOf('ban_do_ca_xa.zip', 24 * MB));
    await second.page.waitForSelector('#import-drop.has-file');
    await second.page.click('#import-run');
    await second.page.waitForSelector('#import-refusal', { timeout: 60_000 });
    expect(second.posts).toHaveLength(1);
    expect(await second.page.textContent('#import-refusal strong')).toBe('Tệp nặng 24 MB, vượt giới hạn nhập 1 MB của máy chủ.');
    const detail = second.page.locator('#import-refusal-detail');
    // The server's own sentence shows only when its 413 reached the page.
    if (await detail.count()) expect(await detail.textContent()).toBe('The upload is 24 MB; imports take at most 1 MB.');
    await second.page.locator('#import-refusal').scrollIntoViewIfNeeded();
    await second.page.screenshot({ path: path.join(SCREENSHOTS, 'import-too-large-refusal-phone.png') });
    await second.context.close();

    expect(await state()).toEqual(before);
  });
});
