// A lifecycle step's form says which field is wrong: the decision number that is not one before
// anything is sent, and the server's own refusal of a field (a reason over its 2,000 characters,
// sent by a page without the input's limit) under that field, not "yêu cầu không hợp lệ".
import { describe, expect, it } from 'vitest';
import { ACCOUNTS, openPage, useServerAndBrowser } from './harness.ts';
import { apiToken, areaState, areaUnderInspection, largestArea, listedAreaIds, openArea } from './registry-fixtures.ts';

const e2e = useServerAndBrowser();

describe('the suspension form names the field', () => {
  it('refuses "🙂🙂🙂" as a decision number under its field without sending, and shows the server’s limit of the reason under the reason', async () => {
    const ids = await listedAreaIds(e2e.server, await apiToken(e2e.server), 'status=active&scheme=domestic-3156&limit=50');
    const area = await largestArea(e2e.server, ids);
    const before = await areaState(e2e.server, area.id);
    const { page, context, errors } = await openPage(e2e.browser, 'desktop');
    let posts = 0;
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().includes('/transitions')) posts++;
    });
    await openArea(page, e2e.server, area, ACCOUNTS.officer);
    await page.waitForSelector('#lifecycle-status[data-status=active]', { timeout: 30_000 });
    await page.click('#lifecycle-to-suspended');
    await page.waitForSelector('#lifecycle-form[data-to=suspended]');
    // Each input stops at the server's limit.
    expect(await page.getAttribute('#lifecycle-form input[name=decisionNo]', 'maxlength')).toBe('100');
    expect(await page.getAttribute('#lifecycle-form input[name=reason]', 'maxlength')).toBe('2000');

    await page.fill('#lifecycle-form input[name=decisionNo]', '🙂🙂🙂');
    await page.fill('#lifecycle-form input[name=reason]', 'Dư lượng thuốc vượt mức cho phép');
    await page.click('#lifecycle-confirm');
    await page.waitForSelector('#lifecycle-decisionNo-error');
    expect(await page.textContent('#lifecycle-decisionNo-error')).toBe(
      'Số quyết định “🙂🙂🙂” không đúng dạng: số, dấu “/”, rồi ký hiệu, ví dụ 45/QĐ-SNN.',
    );
    expect(await page.getAttribute('#lifecycle-form input[name=decisionNo]', 'aria-invalid')).toBe('true');
    expect(posts).toBe(0);

    // A page without the limit: the server's 400 is put under the reason, with the limit.
    await page.evaluate(() => document.querySelector('#lifecycle-form input[name=reason]')?.removeAttribute('maxlength'));
    await page.fill('#lifecycle-form input[name=decisionNo]', '45/QĐ-SNN');
    await page.fill('#lifecycle-form input[name=reason]', 'x'.repeat(3000));
    await page.click('#lifecycle-confirm');
    await page.waitForSelector('#lifecycle-reason-error');
    expect(await page.textContent('#lifecycle-reason-error')).toBe('“Lý do” dài quá: tối đa 2000 ký tự.');
    expect(await page.locator('#lifecycle-decisionNo-error').count()).toBe(0);
    expect(await page.textContent('#lifecycle-message')).toBe('Không chuyển trạng thái được: “Lý do” dài quá: tối đa 2000 ký tự.');
    expect(posts).toBe(1);
    expect(await areaState(e2e.server, area.id)).toEqual(before);

    expect(errors.filter((e) => !/400/.test(e))).toEqual([]);
    await context.close();
  });
});

describe('an inspection concluded “Đạt” over a failed item without a note', () => {
  it('is refused in Vietnamese, the form kept and nothing written; with a note on the item it is recorded', async () => {
    const area = await areaUnderInspection(e2e.server);
    const inspections = async () =>
      Number(
        (await e2e.server.db.query<{ n: number }>('SELECT count(*)::int n FROM inspections WHERE growing_area_id = $1', [area.id])).rows[0]!
          .n,
      );
    const before = await inspections();
    const { page, context, errors } = await openPage(e2e.browser, 'desktop');
    await openArea(page, e2e.server, area, ACCOUNTS.officer);
    await page.click('#inspection-new');
    await page.waitForSelector('#inspection-form');
    await page.click('#inspection-conclusion label:has-text("Đạt") >> nth=0');
    await page.click('.inspection-check[data-item="0"] label:has-text("Đạt") >> nth=0');
    await page.click('.inspection-check[data-item="3"] label:has-text("Không đạt")');
    await page.click('#inspection-save');
    await page.waitForSelector('#inspection-message.form-error');
    expect(await page.textContent('#inspection-message')).toContain(
      'kết luận “Đạt” nhưng có mục “Không đạt” chưa ghi chú. Chọn kết luận “Không đạt”, hoặc ghi ở từng mục không đạt vì sao vùng trồng vẫn đạt.',
    );
    expect(await page.isVisible('#inspection-form')).toBe(true);
    expect(await inspections()).toBe(before);

    await page.fill('.inspection-check[data-item="3"] .inspection-check-note', 'Sổ theo dõi sâu bệnh thiếu tháng 2, bổ sung trong tuần');
    await page.click('#inspection-save');
    await page.waitForSelector('#inspection-form', { state: 'detached', timeout: 30_000 });
    expect(await inspections()).toBe(before + 1);
    expect(errors.filter((e) => !/422/.test(e))).toEqual([]);
    await context.close();
  });
});
