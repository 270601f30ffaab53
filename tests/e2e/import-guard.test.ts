// An officer on a weak link whose import's outcome is unknown (every poll of the job fails) cannot
// send the same file again by tapping "Nhập" once more: the button is held with the reason beside it,
// a reload of the tab still knows, another file is not held, "Vẫn nhập…" asks before sending, and
// "Kiểm tra lại" lifts the hold once the server answers. Uploads are counted as the POSTs the page
// sent and the job rows the server recorded; the import itself runs for real.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../fixtures/io/builders.ts';
import { openPage, SCREENSHOTS, useServerAndBrowser, waitForMap } from './harness.ts';
import { openImport, wardPlotsZip } from './import-fixtures.ts';

const e2e = useServerAndBrowser();
const tmp = useTempDir();

const count = async (sql: string, params: unknown[] = []) => (await e2e.server.db.query<{ n: number }>(sql, params)).rows[0]!.n;
const jobRows = () => count(`SELECT count(*)::int AS n FROM import_jobs`);
const plotRows = (prefix: string) => count(`SELECT count(*)::int AS n FROM plots WHERE source_key LIKE $1`, [`${prefix}-%`]);

/** Every poll of a job fails, as on a phone that lost its signal after the upload. */
const cutPolls = (page: Page) => page.route('**/api/import/jobs/*', (route) => route.abort('internetdisconnected'));

describe('the import button while an earlier import of the file has no known outcome', () => {
  it('holds the same file (also after a reload), not another; asks before sending anyway; lifts when the server answers', async () => {
    const { page, context, errors } = await openPage(e2e.browser, 'phone');
    await page.setViewportSize({ width: 360, height: 740 });
    let posts = 0;
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/import') posts++;
    });
    await openImport(page, e2e.server);
    const jobsBefore = await jobRows();
    const file = await wardPlotsZip(e2e.server, tmp.dir, 'E2E-GUARD', 0.004);

    await cutPolls(page);
    await page.setInputFiles('#import-file', file);
    await page.waitForSelector('#import-drop.has-file');
    expect(await page.locator('#import-guard').count()).toBe(0);
    await page.click('#import-run');
    await page.waitForSelector('#import-guard[data-kind=same]', { timeout: 60_000 });
    expect(posts).toBe(1);
    expect(await page.isDisabled('#import-run')).toBe(true);
    expect(await page.getAttribute('#import-run', 'aria-describedby')).toBe('import-guard-text');
    expect(await page.textContent('#import-guard-text')).toBe(
      'Nút “Nhập” tạm khoá: lần nhập trước của tệp e2e-guard.zip chưa rõ kết quả. Bấm “Kiểm tra lại” để biết dữ liệu đã vào chưa.',
    );
    expect(await page.textContent('#import-refusal strong')).toBe('Chưa rõ kết quả: máy chủ chưa báo lần nhập này đã xong hay đã dừng.');
    // The check writes nothing and stays offered.
    expect(await page.isDisabled('#import-check')).toBe(false);
    // A second tap (forced through, as an impatient thumb would) sends nothing.
    await page.click('#import-run', { force: true });
    await page.waitForTimeout(800);
    expect(posts).toBe(1);
    expect(await jobRows()).toBe(jobsBefore + 1);
    await page.locator('#import-guard').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'import-guard-phone.png') });
    await page.click('#lang-toggle');
    await page.waitForSelector('#import-run:text-is("Import")');
    expect(await page.textContent('#import-guard-text')).toBe(
      '“Import” is on hold: the previous import of e2e-guard.zip has no known outcome yet. Tap “Check again” to learn whether its data went in.',
    );
    expect(await page.isDisabled('#import-run')).toBe(true);
    // The refusal below turns with it (it was worded once, when the run ended).
    expect(await page.textContent('#import-refusal strong')).toBe(
      'Outcome not known: the server has not said whether this import finished or stopped.',
    );
    await page.locator('#import-guard').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'import-guard-phone-en.png') });
    await page.click('#lang-toggle');
    await page.waitForSelector('#import-run:text-is("Nhập")');

    // A reload of the tab still knows: the job is asked again (still no answer), the same file is held again.
    await page.reload();
    await waitForMap(page);
    await page.click('[data-tab=tools], #tab-tools');
    await page.waitForSelector('#import-guard[data-kind=earlier]');
    expect(await page.textContent('#import-guard-text')).toBe('Lần nhập trước của tệp e2e-guard.zip chưa rõ kết quả.');
    await page.setInputFiles('#import-file', file);
    await page.waitForSelector('#import-guard[data-kind=same]');
    expect(await page.isDisabled('#import-run')).toBe(true);

    // Another file (same bytes, another name) is not held: the earlier import is only mentioned.
    const renamed = path.join(tmp.dir, 'e2e-guard-ban-sua.zip');
    await fs.promises.copyFile(file, renamed);
    await page.setInputFiles('#import-file', renamed);
    await page.waitForSelector('#import-guard[data-kind=earlier]');
    expect(await page.isDisabled('#import-run')).toBe(false);

    // "Vẫn nhập…" names the risk and sends nothing until answered; "Thôi" goes back to the hold.
    await page.setInputFiles('#import-file', file);
    await page.click('#import-guard-override');
    expect(await page.textContent('#import-guard-text')).toBe(
      'Lần nhập trước chưa rõ kết quả — nếu nó đã vào, nhập lại sẽ ghi tệp này thêm một lần, đè lên những sửa đổi đã làm từ đó. Vẫn nhập?',
    );
    await page.screenshot({ path: path.join(SCREENSHOTS, 'import-guard-confirm-phone.png') });
    await page.click('#import-guard-cancel');
    await page.waitForSelector('#import-guard-override');
    expect(posts).toBe(1);

    // The signal is back: "Kiểm tra lại" learns the import went in, and the hold lifts by itself.
    await page.unroute('**/api/import/jobs/*');
    await page.click('#import-recheck');
    await page.waitForSelector('#import-counts[data-dry-run=false]', { timeout: 60_000 });
    expect(await page.locator('#import-counts li').allTextContents()).toContain('Đã thêm mới: 3');
    expect(await page.locator('#import-guard').count()).toBe(0);
    expect(await page.isDisabled('#import-run')).toBe(false);
    expect(await page.evaluate(() => sessionStorage.getItem('bando.import.pending'))).toBeNull();
    expect(await plotRows('E2E-GUARD')).toBe(3);

    // Unknown again, then sent anyway on purpose: exactly one more upload. The rows are matched by
    // their key, so the second run of the file adds no copy of them.
    await cutPolls(page);
    await page.click('#import-run');
    await page.waitForSelector('#import-guard[data-kind=same]', { timeout: 60_000 });
    expect(posts).toBe(2);
    await page.click('#import-guard-override');
    await page.click('#import-guard-confirm');
    await page.waitForSelector('#import-guard[data-kind=same]', { timeout: 60_000 });
    expect(posts).toBe(3);
    // The signal comes back over a reload: the tab asks about the job it kept and tells its outcome unasked.
    await page.unroute('**/api/import/jobs/*');
    await page.reload();
    await waitForMap(page);
    await page.click('[data-tab=tools], #tab-tools');
    await page.waitForSelector('#import-counts[data-dry-run=false]', { timeout: 60_000 });
    expect(await page.locator('#import-counts li').allTextContents()).toContain('Đã thêm mới: 0');
    expect(await page.locator('#import-guard').count()).toBe(0);
    expect(await jobRows()).toBe(jobsBefore + 3);
    expect(await plotRows('E2E-GUARD')).toBe(3);
    // The job of the second upload, superseded by the one sent on purpose, no longer holds the file.
    expect(await page.evaluate(() => sessionStorage.getItem('bando.import.pending'))).toBeNull();
    await page.setInputFiles('#import-file', file);
    await page.waitForSelector('#import-drop.has-file');
    expect(await page.isDisabled('#import-run')).toBe(false);
    // Only the polls the test cut off failed.
    expect(errors.filter((e) => !e.includes('/api/import/jobs/'))).toEqual([]);
    await context.close();
  });
});
