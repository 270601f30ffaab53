// A background import whose outcome the screen cannot know at once is said to be unknown, never
// "interrupted" or "lost connection" outright: the server's IMPORT_INTERRUPTED (inferred from a
// stopped heartbeat; a stalled process may still commit) is asked again until the job reports done,
// and polls that fail end in "outcome not known" with a "Kiểm tra lại" button that settles on what the
// server reports. The stalled process is played by rewriting the job's answers on their way to the
// page; the import itself runs for real and its rows are checked in the database.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../fixtures/io/builders.ts';
import { openPage, SCREENSHOTS, useServerAndBrowser } from './harness.ts';
import { openImport, wardPlotsZip } from './import-fixtures.ts';

const e2e = useServerAndBrowser();
const tmp = useTempDir();

const written = async (prefix: string) =>
  (await e2e.server.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM plots WHERE source_key LIKE $1`, [`${prefix}-%`])).rows[0]!.n;

describe('a background import whose outcome is not known yet', () => {
  it('is said to be unknown while the server calls it interrupted, then settles on done; failed polls end in a recheck that finds it done', async () => {
    const { page, context, errors } = await openPage(e2e.browser, 'desktop');
    await openImport(page, e2e.server);
    const texts: string[] = [];
    await page.exposeFunction('__barText', (text: string) => texts.push(text));
    // The line under the bar is in the page only while a run shows it: the whole panel is watched.
    await page.evaluate(() => {
      const panel = document.getElementById('import-panel')!;
      new MutationObserver(() => {
        const line = document.getElementById('import-progress-text')?.textContent;
        if (line) (window as unknown as { __barText(t: string): void }).__barText(line);
      }).observe(panel, { childList: true, characterData: true, subtree: true });
    });

    // The first two answers say what a server that lost the job's heartbeat says.
    let rewritten = 0;
    await page.route('**/api/import/jobs/*', async (route) => {
      if (rewritten >= 2) return route.continue();
      rewritten++;
      const job = (await (await route.fetch()).json()) as Record<string, unknown>;
      await route.fulfill({
        json: {
          ...job,
          status: 'failed',
          report: null,
          error: { code: 'IMPORT_INTERRUPTED', message: 'The server running this import stopped.' },
        },
      });
    });
    await page.setInputFiles('#import-file', await wardPlotsZip(e2e.server, tmp.dir, 'E2E-UNSURE', 0.002));
    await page.waitForSelector('#import-drop.has-file');
    await page.click('#import-run');
    await page.waitForSelector('#import-counts[data-dry-run=false]', { timeout: 60_000 });
    expect(rewritten).toBe(2);
    expect(texts).toContain('Chưa rõ kết quả, đang kiểm tra lại…');
    expect(await page.textContent('#import-progress-text')).toBe('Hoàn tất');
    expect(await page.locator('#import-refusal').count()).toBe(0);
    expect(await written('E2E-UNSURE')).toBe(3);
    await page.unroute('**/api/import/jobs/*');

    // No answer to any poll (the signal is gone): the outcome is unknown, not "lost connection, nothing written".
    await page.route('**/api/import/jobs/*', (route) => route.abort('internetdisconnected'));
    await page.setInputFiles('#import-file', await wardPlotsZip(e2e.server, tmp.dir, 'E2E-RECHECK', 0.003));
    await page.waitForSelector('#import-drop.has-file');
    await page.click('#import-run');
    await page.waitForSelector('#import-recheck', { timeout: 60_000 });
    expect(await page.textContent('#import-refusal strong')).toBe('Chưa rõ kết quả: máy chủ chưa báo lần nhập này đã xong hay đã dừng.');
    expect(await page.textContent('#import-refusal p')).toMatch(/đừng nhập lại trước khi biết, kẻo nhập hai lần\.$/);
    await page.locator('#import-refusal').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'import-unsure-desktop.png') });
    // The server did the import all along; once asked again, the screen says so.
    await page.unroute('**/api/import/jobs/*');
    await page.click('#import-recheck');
    await page.waitForSelector('#import-counts[data-dry-run=false]', { timeout: 60_000 });
    expect(await page.locator('#import-counts li').allTextContents()).toContain('Đã thêm mới: 3');
    expect(await page.locator('#import-refusal').count()).toBe(0);
    expect(await written('E2E-RECHECK')).toBe(3);
    // Only the polls the test cut off failed.
    expect(errors.filter((e) => !e.includes('/api/import/jobs/'))).toEqual([]);
    await context.close();
  });
});
