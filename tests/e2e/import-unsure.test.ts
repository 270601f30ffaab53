// A background import whose outcome the screen cannot know at once is said to be unknown, never
// "interrupted" or "lost connection" outright: the server's IMPORT_INTERRUPTED (inferred from a
// stopped heartbeat; a stalled process may still commit) is asked again until the job reports done,
// and polls that fail end in "outcome not known" with a "Kiểm tra lại" button that settles on what the
// server reports. The stalled process is played by rewriting the job's answers on their way to the
// page; the import itself runs for real and its rows are checked in the database.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { project, shapefileZip, useTempDir, type ShpFeature } from '../fixtures/io/builders.ts';
import { insidePoint } from '../helpers/import-fixture.ts';
import type { DbfColumn } from '../../server/io/formats/dbf.ts';
import { ACCOUNTS, openPage, SCREENSHOTS, signIn, useServerAndBrowser, waitForMap } from './harness.ts';

const e2e = useServerAndBrowser();
const tmp = useTempDir();

const COLUMNS: DbfColumn[] = [
  { name: 'Ma', type: 'C', length: 20, decimals: 0 },
  { name: 'MaXa', type: 'C', length: 5, decimals: 0 },
  { name: 'CayTrong', type: 'C', length: 30, decimals: 0 },
];

/** Three plots of the officer's ward keyed `prefix-k`, zipped as a VN-2000 shapefile. */
async function plots(prefix: string, dy: number): Promise<string> {
  const [lon, lat] = await insidePoint(e2e.server.db, '29869');
  const features: ShpFeature[] = Array.from({ length: 3 }, (_, k) => {
    const [x, y] = [lon + k * 0.0003, lat + dy];
    const ring = [
      [x, y],
      [x + 0.00015, y],
      [x + 0.00015, y + 0.00015],
      [x, y + 0.00015],
      [x, y],
    ];
    return { geometry: project({ type: 'Polygon', coordinates: [ring] }, 'EPSG:5897'), values: [`${prefix}-${k}`, '29869', 'Xoài'] };
  });
  return shapefileZip(tmp.dir, prefix.toLowerCase(), 'polygon', COLUMNS, features, { crs: 'EPSG:5897' });
}

const written = async (prefix: string) =>
  (await e2e.server.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM plots WHERE source_key LIKE $1`, [`${prefix}-%`])).rows[0]!.n;

async function openImport(page: Page): Promise<void> {
  await page.goto(e2e.server.url);
  await waitForMap(page);
  await signIn(page, ACCOUNTS.officer);
  await page.click('[data-tab=tools], #tab-tools');
  await page.waitForSelector('#import-panel');
}

describe('a background import whose outcome is not known yet', () => {
  it('is said to be unknown while the server calls it interrupted, then settles on done; failed polls end in a recheck that finds it done', async () => {
    const { page, context, errors } = await openPage(e2e.browser, 'desktop');
    await openImport(page);
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
    await page.setInputFiles('#import-file', await plots('E2E-UNSURE', 0.002));
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
    await page.setInputFiles('#import-file', await plots('E2E-RECHECK', 0.003));
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
