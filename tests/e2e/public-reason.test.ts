// The reason of a suspension is published with the code: an officer who types a phone number into it
// reads, under the reason and in Vietnamese, that it may not hold one and why; nothing is sent or
// written. The hint under the form says plainly the reason is public. A plain reason then goes through.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACCOUNTS, openPage, SCREENSHOTS, useServerAndBrowser } from './harness.ts';
import { apiToken, areaState, largestArea, listedAreaIds, openArea } from './registry-fixtures.ts';

const e2e = useServerAndBrowser();

describe('the published reason of a suspension', () => {
  it('refuses a phone number under the reason in Vietnamese, writes nothing, and takes a plain reason', async () => {
    const ids = await listedAreaIds(e2e.server, await apiToken(e2e.server), 'status=active&scheme=domestic-3156&limit=50');
    const area = await largestArea(e2e.server, ids);
    const transitions = async () =>
      (
        await e2e.server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM growing_area_transitions WHERE growing_area_id = $1', [
          area.id,
        ])
      ).rows[0]!.n;
    const before = await transitions();
    const { page, context, errors } = await openPage(e2e.browser, 'desktop');
    await openArea(page, e2e.server, area, ACCOUNTS.officer);
    await page.waitForSelector('#lifecycle-status[data-status=active]', { timeout: 60_000 });
    await page.click('#lifecycle-to-suspended');
    await page.waitForSelector('#lifecycle-form[data-to=suspended]');
    expect(await page.textContent('#lifecycle-public-hint')).toBe(
      'Lý do là thông tin công khai: ai tra cứu mã cũng đọc được, cùng số quyết định và ngày. Không ghi họ tên, số CCCD hay số điện thoại của người dân vào lý do.',
    );
    await page.fill('#lifecycle-form input[name=decisionNo]', '45/QĐ-SNN');
    await page.fill('#lifecycle-form input[name=reason]', 'Hộ Phan Văn Phúc (SĐT 0384 207 372) phun thuốc cấm');
    await page.click('#lifecycle-confirm');
    const refusal = page.locator('#lifecycle-reason-error');
    await refusal.waitFor({ state: 'visible' });
    expect(await refusal.innerText()).toBe(
      '“Lý do” không được có số điện thoại: lý do đi cùng mã số vùng trồng và được công bố cho bất kỳ ai tra cứu. Bỏ số này đi.',
    );
    // Under the reason field, which keeps what was typed.
    const input = page.locator('#lifecycle-form input[name=reason]');
    const [field, message] = [(await input.boundingBox())!, (await refusal.boundingBox())!];
    expect(message.y).toBeGreaterThan(field.y);
    expect(message.y - (field.y + field.height)).toBeLessThan(80);
    expect(await input.inputValue()).toBe('Hộ Phan Văn Phúc (SĐT 0384 207 372) phun thuốc cấm');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'lifecycle-suspend-reason-phone.png') });
    expect(await transitions()).toBe(before);
    expect((await areaState(e2e.server, area.id)).status).toBe('active');

    await page.fill('#lifecycle-form input[name=reason]', 'Phát hiện phun thuốc ngoài danh mục');
    await page.click('#lifecycle-confirm');
    await page.waitForSelector('#lifecycle-status[data-status=suspended]', { timeout: 60_000 });
    expect(await transitions()).toBe(before + 1);
    expect(errors).toEqual([]);
    await context.close();
  });
});
