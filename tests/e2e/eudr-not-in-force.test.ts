// A suspended area's EUDR file is still offered (the plots' places stand, and an exporter may need
// them for due diligence), but the card says beside the download button that the code is not in
// force, in Vietnamese and in English; the file saved from it names the code and "suspended" on
// every plot. An area whose code is in force shows no such note.
import fs from 'node:fs';
import path from 'node:path';
import type { Download, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ACCOUNTS, openPage, SCREENSHOTS, useServerAndBrowser } from './harness.ts';
import { apiToken, areaState, largestArea, listedAreaIds, openArea, type AreaAt } from './registry-fixtures.ts';

const e2e = useServerAndBrowser();

/** Two seeded active areas of the officer's communes with a few plots each: one to suspend, one left in force. */
async function activeAreas(token: string): Promise<[AreaAt & { code: string }, AreaAt]> {
  const ids = await listedAreaIds(e2e.server, token, 'status=active&limit=200');
  const few = '(SELECT count(*) FROM plots p WHERE p.growing_area_id = g.id) BETWEEN 1 AND 12';
  const first = await largestArea(e2e.server, ids, few);
  const second = await largestArea(
    e2e.server,
    ids.filter((id) => id !== first.id),
    few,
  );
  return [{ ...first, code: (await areaState(e2e.server, first.id)).code! }, second];
}

async function download(page: Page, selector: string): Promise<{ name: string; text: string }> {
  const [file] = (await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.click(selector)])) as [Download, void];
  return { name: file.suggestedFilename(), text: fs.readFileSync((await file.path())!, 'utf8') };
}

describe('the EUDR download of a suspended area', () => {
  it('says beside the button that the code is not in force, in both languages, and still saves the file with the code and its status', async () => {
    const token = await apiToken(e2e.server);
    const [area, inForce] = await activeAreas(token);
    const suspended = await fetch(`${e2e.server.url}/api/growing-areas/${area.id}/transitions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ to: 'suspended', decisionNo: '46/QĐ-SNN', note: 'Dư lượng thuốc vượt mức cho phép' }),
    });
    expect(suspended.status).toBe(201);

    const { page, context, errors } = await openPage(e2e.browser, 'desktop');
    await openArea(page, e2e.server, area, ACCOUNTS.officer);
    await page.waitForSelector('#documents-eudr-not-in-force');
    expect(await page.textContent('#documents-eudr-not-in-force')).toBe(
      `Mã ${area.code}: Tạm đình chỉ — không còn hiệu lực. Tệp EUDR vẫn tải được (vị trí các thửa không đổi) và ghi rõ mã cùng trạng thái này.`,
    );
    // Read with the button by a screen reader, and right under it on the screen.
    expect(await page.getAttribute('#documents-eudr', 'aria-describedby')).toBe('documents-eudr-not-in-force');
    // Read in one step in the page: the card redraws on every change (a new section each time), and
    // an element found a moment before may be gone.
    const { button, note } = await page.evaluate(() => {
      const box = (id: string) => {
        const r = document.getElementById(id)!.getBoundingClientRect();
        return { y: r.y, height: r.height };
      };
      return { button: box('documents-eudr'), note: box('documents-eudr-not-in-force') };
    });
    expect(note.y).toBeGreaterThanOrEqual(button.y + button.height - 1);
    expect(note.y - (button.y + button.height)).toBeLessThan(40);
    await page.evaluate(() => document.getElementById('documents')!.scrollIntoView({ block: 'nearest' }));
    await page.screenshot({ path: path.join(SCREENSHOTS, 'eudr-not-in-force-vi.png') });

    // The download still works, and the file says the code and its standing on every plot.
    expect(await page.isEnabled('#documents-eudr')).toBe(true);
    const file = await download(page, '#documents-eudr');
    expect(file.name).toBe(`${area.code}-eudr-polygons.geojson`);
    const features = (JSON.parse(file.text) as { features: { properties: Record<string, unknown> }[] }).features;
    expect(features.length).toBeGreaterThan(0);
    for (const f of features) expect(f.properties).toMatchObject({ GrowingAreaCode: area.code, GrowingAreaStatus: 'suspended' });

    await page.click('#lang-toggle');
    await page.waitForSelector('#documents-title:text-is("Documents")');
    expect(await page.textContent('#documents-eudr-not-in-force')).toBe(
      `Code ${area.code}: Suspended — not in force. The EUDR file can still be saved (the plots’ locations stand), and it states the code and this status.`,
    );
    await page.screenshot({ path: path.join(SCREENSHOTS, 'eudr-not-in-force-en.png') });

    // An area whose code is in force: no note, and the button describes nothing.
    await openArea(page, e2e.server, inForce);
    await page.waitForSelector('#documents-eudr');
    expect(await page.locator('#documents-eudr-not-in-force').count()).toBe(0);
    expect(await page.getAttribute('#documents-eudr', 'aria-describedby')).toBeNull();
    expect(errors).toEqual([]);
    await context.close();
  }, 240_000);
});
