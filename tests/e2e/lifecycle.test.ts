// An officer takes a growing area through its life from the map: the details card shows the
// registry's status and one button per allowed next status; each step's form asks for what the
// server needs; the server's refusal is shown in Vietnamese and changes nothing; guests get no buttons.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  SCHEME_LABELS,
  STATUS_LABELS,
  type GrowingAreaScheme,
  type GrowingAreaStatus,
} from '../../server/domain/growing-area-lifecycle.ts';
import { vietnamToday } from '../../server/domain/vietnam-time.ts';
import { ACCOUNTS, openPage, SCREENSHOTS, useServerAndBrowser } from './harness.ts';
import { apiToken, areaState, largestArea, listedAreaIds, openArea, tileStatus, type AreaAt } from './registry-fixtures.ts';

const e2e = useServerAndBrowser();

/** A seeded submitted domestic area of the officer's communes (the registry lists only those), with a point inside it. */
async function submittedArea(): Promise<AreaAt> {
  const ids = await listedAreaIds(e2e.server, await apiToken(e2e.server), 'status=submitted&scheme=domestic-3156&limit=50');
  return largestArea(e2e.server, ids);
}

async function statusShown(page: Page, status: string): Promise<string> {
  await page.waitForSelector(`#lifecycle-status[data-status=${status}]`, { timeout: 30_000 });
  return (await page.locator('#lifecycle-status').textContent()) ?? '';
}

/**
 * Today in Vietnam now and a few minutes ago: what a form opened during this test may offer. The day
 * turns at 17:00 UTC, and a run on a UTC machine may open the form before then and read it after.
 */
function recentVietnamDays(): string[] {
  return [vietnamToday(new Date(Date.now() - 10 * 60_000)), vietnamToday()];
}

/** The day of the area's latest decision as stored (the form's default when left as offered): one of recentVietnamDays. */
async function lastDecisionDay(areaId: number): Promise<string> {
  const { rows } = await e2e.server.db.query<{ day: string }>(
    `SELECT to_char(decided_on, 'YYYY-MM-DD') AS day FROM growing_area_transitions
      WHERE growing_area_id = $1 AND decided_on IS NOT NULL ORDER BY id DESC LIMIT 1`,
    [areaId],
  );
  const day = rows[0]?.day;
  expect(recentVietnamDays()).toContain(day);
  return day!;
}

describe('growing-area lifecycle on the map', () => {
  it('a guest sees the area but no lifecycle buttons', async () => {
    const area = await submittedArea();
    const { page, context } = await openPage(e2e.browser, 'desktop');
    await openArea(page, e2e.server, area);
    expect(await page.locator('#lifecycle').count()).toBe(0);
    expect(await page.locator('.lifecycle-actions button').count()).toBe(0);
    await context.close();
  });

  it('an officer moves a submitted area to issued, each step recorded; a taken code is refused in Vietnamese and changes nothing', async () => {
    const area = await submittedArea();
    const taken = (
      await e2e.server.db.query<{ id: number; code: string }>(
        `SELECT id, code FROM growing_areas WHERE scheme = 'domestic-3156' AND code IS NOT NULL AND status <> 'superseded' ORDER BY id LIMIT 1`,
      )
    ).rows[0]!;
    const { page, context, errors } = await openPage(e2e.browser, 'desktop');
    await openArea(page, e2e.server, area, ACCOUNTS.officer);

    expect(await statusShown(page, 'submitted')).toBe('Đã nộp hồ sơ');
    // The other attributes are labelled with the features API's titles, in Vietnamese.
    await page.waitForSelector('.feature-card.is-primary dt:text-is("Số hộ")');
    const labels = await page.locator('.feature-card.is-primary dl > dt').allTextContents();
    expect(labels).toEqual(expect.arrayContaining(['Loại mã', 'Đơn vị đăng ký', 'Cán bộ kỹ thuật', 'Số vụ/năm']));
    expect(labels.filter((l) => /^[a-z]+(_[a-z]+)+$/.test(l))).toEqual([]);
    // …and their values read in Vietnamese: crop and scheme by name, the registrant kind, the decimal comma, the area as the lifecycle card gives it.
    const facts = (
      await e2e.server.db.query<{ crop: string; scheme: GrowingAreaScheme; kind: string; yield: number }>(
        `SELECT c.name_vi crop, g.scheme, g.registrant_kind kind, g.expected_yield_tonnes yield FROM growing_areas g JOIN crops c ON c.code = g.crop WHERE g.id = $1`,
        [area.id],
      )
    ).rows[0]!;
    await page.waitForSelector(`.feature-card.is-primary > dl > dd:text-is("${facts.crop}")`);
    const valuesOf = (selector: string) =>
      page
        .locator(selector)
        .evaluateAll((dts) => Object.fromEntries(dts.map((dt) => [dt.textContent ?? '', dt.nextElementSibling?.textContent ?? ''])));
    const values = await valuesOf('.feature-card.is-primary > dl > dt');
    expect(values['Cây trồng']).toBe(facts.crop);
    expect(values['Loại mã']).toBe(SCHEME_LABELS[facts.scheme].vi);
    expect(values['Loại đơn vị đăng ký']).toBe({ person: 'Cá nhân', cooperative: 'Hợp tác xã', company: 'Doanh nghiệp' }[facts.kind]);
    expect(values['Sản lượng dự kiến (tấn)']).toBe(String(Number(facts.yield)).replace('.', ','));
    expect(values['Diện tích']).toContain((await valuesOf('#lifecycle dl > dt'))['Diện tích']);
    const buttons = await page.locator('.lifecycle-actions button').allTextContents();
    expect(buttons).toEqual(['Bắt đầu kiểm tra', 'Trả hồ sơ']);
    const before = await areaState(e2e.server, area.id);
    expect(before.status).toBe('submitted');

    // submitted → under inspection: no input needed, but it cannot be taken back: asked once more, the focus on Cancel.
    await page.click('#lifecycle-to-under_inspection');
    await page.waitForSelector('#lifecycle-dialog[open]');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('lifecycle-confirm-cancel');
    expect(await page.textContent('#lifecycle-dialog h2')).toBe('Bắt đầu kiểm tra?');
    expect(await page.textContent('#lifecycle-dialog p')).toContain('Bước này không hoàn tác được');
    // Asked twice, but not a loss: the act's button is the main colour, not the red of a revocation.
    expect(await page.getAttribute('#lifecycle-confirm-go', 'class')).toBe('btn btn-primary');
    await page.click('#lifecycle-confirm-go');
    // The toast (4 s) is looked for while the card reads the area again: on a loaded machine the
    // status may show only after the toast is gone.
    const [shown] = await Promise.all([statusShown(page, 'under_inspection'), page.waitForSelector('.toast:has-text("Đang kiểm tra")')]);
    expect(shown).toBe('Đang kiểm tra');
    let now = await areaState(e2e.server, area.id);
    expect(now.status).toBe('under_inspection');
    expect(now.steps).toEqual([...before.steps, 'submitted>under_inspection']);

    // The keyboard is on the new status, not lost to the page's start (audit s16).
    await page.waitForFunction(() => document.activeElement?.id === 'lifecycle-status');

    // under inspection → passed: it rests on an inspection record with its checklist, photos or note
    // (a "Đạt" with nothing checked is what the s16 audit found): the step opens the inspection form,
    // "Đạt" chosen, the keyboard on its first field, and says why.
    // Each button is the officer's act; the status it leads to is a state ("Kiểm tra đạt").
    expect(await page.locator('.lifecycle-actions button').allTextContents()).toEqual([
      'Ghi nhận kiểm tra đạt',
      'Ghi nhận kiểm tra không đạt',
    ]);
    const inspectionsBefore = Number(
      (await e2e.server.db.query<{ n: number }>('SELECT count(*)::int n FROM inspections WHERE growing_area_id = $1', [area.id])).rows[0]!
        .n,
    );
    const recordPass = async (withNote: boolean) => {
      await page.click('#lifecycle-to-inspected_pass');
      await page.waitForSelector('#inspection-save');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('inspection-date');
      expect(await page.isChecked('#inspection-conclusion input[value=pass]')).toBe(true);
      expect(await page.textContent('#lifecycle-message')).toContain('Ghi nhận “Đạt” dựa trên biên bản kiểm tra');
      for (let i = 0; i < 6; i++) await page.click(`.inspection-check[data-item="${i}"] label:has-text("Đạt") >> nth=0`);
      if (withNote) await page.fill('#inspection-notes', 'Đủ 6 mục; trời mưa, không chụp ảnh được.');
      await page.click('#inspection-save');
      await page.waitForSelector('#inspection-save', { state: 'detached' });
    };
    // Every item answered, but neither photo nor note: the step does not go, and says what is missing.
    await recordPass(false);
    await page.waitForSelector('#lifecycle-message:has-text("không có ảnh hay ghi chú")');
    expect(await page.textContent('#lifecycle-message')).toMatch(/^Biên bản ngày \d{2}\/\d{2}\/\d{4} chưa đủ để ghi nhận kết quả/);
    expect(await page.locator('#lifecycle-form').count()).toBe(0);
    expect((await areaState(e2e.server, area.id)).status).toBe('under_inspection');
    // With a note: saved, the step's form opens by itself, resting on that record, the keyboard on its button.
    await recordPass(true);
    await page.waitForSelector('#lifecycle-form[data-to=inspected_pass] #lifecycle-based-on');
    expect(await page.textContent('#lifecycle-form h5')).toBe('Ghi nhận kiểm tra đạt');
    expect(await page.textContent('#lifecycle-form-result')).toBe('Sau bước này, trạng thái là “Kiểm tra đạt”.');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('lifecycle-confirm');
    await page.click('#lifecycle-confirm');
    expect(await statusShown(page, 'inspected_pass')).toBe('Kiểm tra đạt');
    await page.waitForFunction(() => document.activeElement?.id === 'lifecycle-status');
    now = await areaState(e2e.server, area.id);
    expect(now.status).toBe('inspected_pass');
    expect(now.steps.slice(before.steps.length)).toEqual(['submitted>under_inspection', 'under_inspection>inspected_pass']);
    const inspections = await e2e.server.db.query<{ conclusion: string; checklist: { ok: boolean }[]; notes: string | null }>(
      'SELECT conclusion, checklist, notes FROM inspections WHERE growing_area_id = $1 ORDER BY id',
      [area.id],
    );
    // The two records of the officer's, the move wrote none of its own.
    expect(inspections.rows).toHaveLength(inspectionsBefore + 2);
    const latest = inspections.rows.at(-1)!;
    expect(latest).toMatchObject({ conclusion: 'pass', notes: 'Đủ 6 mục; trời mưa, không chụp ảnh được.' });
    expect(latest.checklist.map((c) => c.ok)).toEqual([true, true, true, true, true, true]);

    // passed → issued: the form asks for the code (the province's proposal filled in) and the decision number.
    await page.click('#lifecycle-to-issued');
    await page.waitForSelector('#lifecycle-form[data-to=issued]');
    // The heading is the act, not "Cấp mã: Đã cấp mã" as if it were done already.
    expect(await page.textContent('#lifecycle-form h5')).toBe('Cấp mã');
    expect(await page.textContent('#lifecycle-form-result')).toBe('Sau bước này, trạng thái là “Đã cấp mã”.');
    await page.waitForFunction(() => /^VN-/.test((document.querySelector('#lifecycle-code') as HTMLInputElement | null)?.value ?? ''));
    const proposed = await page.inputValue('#lifecycle-form input[name=code]');
    // The proposal redrew the form: the keyboard is still in its first field (audit s16: it fell to <body>).
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('code');
    // Empty fields are caught before anything is sent.
    await page.fill('#lifecycle-form input[name=code]', '');
    await page.click('#lifecycle-confirm');
    expect(await page.textContent('#lifecycle-code-error')).toBe('Nhập mã số vùng trồng.');
    expect(await page.textContent('#lifecycle-decisionNo-error')).toBe('Nhập số quyết định.');

    // A code another area holds: the server's 409 in Vietnamese, the form keeps what was typed, nothing changes.
    await page.fill('#lifecycle-form input[name=code]', taken.code.toLowerCase());
    await page.fill('#lifecycle-form input[name=decisionNo]', '12/QĐ-SNN');
    await page.click('#lifecycle-confirm');
    await page.waitForSelector('#lifecycle-message');
    expect(await page.textContent('#lifecycle-message')).toBe(
      `Không chuyển trạng thái được: mã ${taken.code} đang thuộc vùng trồng #${taken.id}: nhập mã khác.`,
    );
    expect(await page.inputValue('#lifecycle-form input[name=decisionNo]')).toBe('12/QĐ-SNN');
    expect(await areaState(e2e.server, area.id)).toEqual(now);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'lifecycle-refusal.png') });

    await page.fill('#lifecycle-form input[name=code]', proposed);
    await page.click('#lifecycle-confirm');
    expect(await statusShown(page, 'issued')).toBe('Đã cấp mã');
    expect(await page.textContent('#lifecycle #lifecycle-code')).toBe(proposed);
    now = await areaState(e2e.server, area.id);
    expect(now).toMatchObject({ status: 'issued', code: proposed });
    expect(now.steps.slice(before.steps.length)).toEqual([
      'submitted>under_inspection',
      'under_inspection>inspected_pass',
      'inspected_pass>issued',
    ]);
    expect(now.decisions.at(-1)).toBe('12/QĐ-SNN');
    // The card's rows and title follow the registry, and the tiles draw the new status.
    expect(await page.textContent('.feature-card.is-primary h3')).toContain(proposed);
    await expect.poll(() => tileStatus(page, area.id), { timeout: 30_000, interval: 500 }).toBe('issued');

    // The card's history, folded until asked for: the three steps just taken newest first, the issue with its decision number.
    const moveLabel = (from: GrowingAreaStatus, to: GrowingAreaStatus, language: 'vi' | 'en') =>
      `${STATUS_LABELS[from][language]} → ${STATUS_LABELS[to][language]}`;
    expect(await page.locator('#lifecycle-history').getAttribute('open')).toBeNull();
    expect(await page.textContent('#lifecycle-history summary')).toBe(`Lịch sử (${now.steps.length})`);
    await page.click('#lifecycle-history summary');
    const moves = () => page.locator('#lifecycle-history li .lifecycle-history-move').allTextContents();
    expect((await moves()).slice(0, 3)).toEqual([
      moveLabel('inspected_pass', 'issued', 'vi'),
      moveLabel('under_inspection', 'inspected_pass', 'vi'),
      moveLabel('submitted', 'under_inspection', 'vi'),
    ]);
    expect(await moves()).toHaveLength(now.steps.length);
    const [ty, tm, td] = (await lastDecisionDay(area.id)).split('-');
    // The decision's own day (today: the form's default), beside the time the move was recorded.
    expect(await page.textContent('#lifecycle-history li:first-child .lifecycle-history-decision')).toBe(
      `QĐ số 12/QĐ-SNN ngày ${td}/${tm}/${ty}`,
    );
    expect(await page.textContent('#lifecycle-history li:first-child time')).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);

    // Revoking is confirmed with the focus on Cancel; cancelling changes nothing.
    expect(await page.locator('.lifecycle-actions button').allTextContents()).toEqual(['Đưa vào hoạt động', 'Thu hồi mã']);
    await page.click('#lifecycle-to-revoked');
    expect(await page.textContent('#lifecycle-form h5')).toBe('Thu hồi mã');
    await page.fill('#lifecycle-form input[name=decisionNo]', '13/QĐ-SNN');
    await page.click('#lifecycle-confirm');
    expect(await page.textContent('#lifecycle-reason-error')).toBe('Nêu lý do.');
    await page.fill('#lifecycle-form input[name=reason]', 'Sử dụng mã sai mục đích');
    await page.click('#lifecycle-confirm');
    await page.waitForSelector('#lifecycle-dialog[open]');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('lifecycle-confirm-cancel');
    expect(await page.locator('#lifecycle-reason-error').count()).toBe(0);
    expect(await page.getAttribute('#lifecycle-confirm-go', 'class')).toBe('btn btn-danger');
    // The question names the decision and its day (the form's default: today), as the card writes days.
    expect(await page.textContent('#lifecycle-dialog p')).toContain(`theo quyết định 13/QĐ-SNN ngày ${td}/${tm}/${ty}.`);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'lifecycle-revoke-confirm.png') });
    await page.keyboard.press('Enter');
    await page.waitForSelector('#lifecycle-dialog', { state: 'detached' });
    // Not taken: the keyboard is back on the form's button, not at the top of the page.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('lifecycle-confirm');
    expect((await areaState(e2e.server, area.id)).status).toBe('issued');

    await page.click('#lifecycle-cancel');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'lifecycle-issued.png') });
    // English beside Vietnamese: the same card in the other language.
    await page.click('#lang-toggle');
    await page.waitForSelector('#lifecycle-status:has-text("Code issued")');
    expect(await page.locator('.lifecycle-actions button').allTextContents()).toEqual(['Put into operation', 'Revoke the code']);
    await page.click('#lifecycle-to-revoked');
    expect(await page.textContent('#lifecycle-form h5')).toBe('Revoke the code');
    expect(await page.textContent('#lifecycle-form-result')).toBe('After this step the status is “Revoked”.');
    await page.click('#lifecycle-cancel');
    expect(await page.textContent('#lifecycle-history summary')).toBe(`History (${now.steps.length})`);
    expect(await page.locator('#lifecycle-history').getAttribute('open')).not.toBeNull();
    expect((await moves())[0]).toBe(moveLabel('inspected_pass', 'issued', 'en'));
    expect(await page.textContent('#lifecycle-history li:first-child .lifecycle-history-decision')).toBe(
      `Decision 12/QĐ-SNN of ${await lastDecisionDay(area.id)}`,
    );
    expect(errors.filter((e) => !e.includes('/transitions'))).toEqual([]);
    await context.close();
  });

  it('putting a code into operation and restoring it are asked twice; the restore records its decision, the issuing one stays the area’s; a guest reads the suspension', async () => {
    const ids = await listedAreaIds(e2e.server, await apiToken(e2e.server), 'status=issued&scheme=domestic-3156&limit=50');
    const area = await largestArea(e2e.server, ids, 'g.decision_no IS NOT NULL');
    const issuing = (await e2e.server.db.query<{ decision_no: string }>('SELECT decision_no FROM growing_areas WHERE id = $1', [area.id]))
      .rows[0]!.decision_no;
    const row = async () =>
      (
        await e2e.server.db.query<{ status: string; decision_no: string }>('SELECT status, decision_no FROM growing_areas WHERE id = $1', [
          area.id,
        ])
      ).rows[0]!;
    const { page, context, errors } = await openPage(e2e.browser, 'desktop');
    await openArea(page, e2e.server, area, ACCOUNTS.officer);
    expect(await statusShown(page, 'issued')).toBe('Đã cấp mã');
    expect(await page.textContent('#lifecycle-issuing-decision')).toContain(issuing);
    const before = await areaState(e2e.server, area.id);

    // Into operation: one tap asks first; Cancel (the focused answer, taken by Enter) changes nothing.
    await page.click('#lifecycle-to-active');
    await page.waitForSelector('#lifecycle-dialog[open]');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('lifecycle-confirm-cancel');
    expect(await page.textContent('#lifecycle-dialog h2')).toBe('Đưa mã vào hoạt động?');
    expect(await page.textContent('#lifecycle-dialog p')).toContain(`Mã ${before.code} của vùng trồng`);
    await page.keyboard.press('Escape');
    await page.waitForSelector('#lifecycle-dialog', { state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('lifecycle-to-active');
    expect(await areaState(e2e.server, area.id)).toEqual(before);
    await page.click('#lifecycle-to-active');
    await page.click('#lifecycle-confirm-go');
    expect(await statusShown(page, 'active')).toBe('Đang hoạt động');

    // Suspend: the form says the decision and reason are public; the card then marks the code not in force.
    await page.click('#lifecycle-to-suspended');
    expect(await page.textContent('#lifecycle-public-hint')).toContain('Lý do là thông tin công khai');
    await page.fill('#lifecycle-form input[name=decisionNo]', '45/QĐ-SNN');
    await page.fill('#lifecycle-form input[name=reason]', 'Dư lượng thuốc vượt mức cho phép');
    // The signed decision's scan. A file over 10 MB or not a PDF/JPEG/PNG is refused in words before
    // anything is uploaded, and the form is not sent while it is listed; removed, a small PDF is
    // uploaded and shown with its name and size.
    const documents = async () =>
      (
        await e2e.server.db.query<{ id: number; name: string; transition_id: number | null }>(
          'SELECT id, name, transition_id FROM growing_area_documents WHERE growing_area_id = $1 ORDER BY id',
          [area.id],
        )
      ).rows;
    expect(await page.textContent('#decision-attachments label')).toBe('Đính kèm quyết định (PDF, ảnh)');
    const scan = Buffer.from('%PDF-1.4\n% Quyết định 45/QĐ-SNN (bản quét)\n%%EOF\n');
    await page.setInputFiles('#decision-attach-input', [
      { name: 'quét quá lớn.pdf', mimeType: 'application/pdf', buffer: Buffer.concat([scan, Buffer.alloc(10 * 1024 * 1024)]) },
      { name: 'trang web.pdf', mimeType: 'application/pdf', buffer: Buffer.from('<html><body>không phải PDF</body></html>') },
    ]);
    await page.waitForFunction(() => document.querySelectorAll('#decision-attach-list li[data-state=refused]').length === 2);
    const refusals = await page.locator('#decision-attach-list .decision-attach-refused').allTextContents();
    expect(refusals[0]).toMatch(/^Tệp “quét quá lớn.pdf” nặng 10(,0)? MB, quá giới hạn 10 MB: không đính kèm được\./);
    expect(refusals[1]).toBe('Tệp “trang web.pdf” không phải PDF, JPEG hoặc PNG: không đính kèm được.');
    const beforeAttach = await areaState(e2e.server, area.id);
    await page.click('#lifecycle-confirm');
    expect(await page.textContent('#lifecycle-message')).toBe('Có tệp không đính kèm được (ghi đỏ): bỏ tệp đó hoặc chọn tệp khác rồi gửi.');
    expect(await areaState(e2e.server, area.id)).toEqual(beforeAttach);
    expect(await documents()).toEqual([]);
    await page.click('#decision-attach-list li:first-child .decision-attach-remove');
    await page.click('#decision-attach-list li:first-child .decision-attach-remove');
    expect(await page.locator('#decision-attach-list').count()).toBe(0);
    // A file uploaded by mistake and removed from the form is deleted on the server at once.
    await page.setInputFiles('#decision-attach-input', {
      name: 'nhầm tệp.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n% nhầm\n%%EOF\n'),
    });
    await page.waitForSelector('#decision-attach-list li[data-state=ready]', { timeout: 30_000 });
    expect((await documents()).map((doc) => [doc.name, doc.transition_id])).toEqual([['nhầm tệp.pdf', null]]);
    await page.click('#decision-attach-list li:first-child .decision-attach-remove');
    await expect.poll(documents, { timeout: 10_000, interval: 200 }).toEqual([]);
    // An upload the network drops is tried again by itself, the bar saying so, and then arrives once.
    const uploads = '**/api/growing-areas/*/documents?*';
    let attempts = 0;
    let letThrough!: () => void;
    const held = new Promise<void>((resolve) => (letThrough = resolve));
    await page.route(uploads, async (route) => {
      attempts++;
      if (attempts === 1) return route.abort('internetdisconnected');
      await held;
      return route.continue();
    });
    await page.setInputFiles('#decision-attach-input', { name: 'QĐ 45-SNN đình chỉ.pdf', mimeType: 'application/pdf', buffer: scan });
    await page.waitForSelector('#decision-attach-list li[data-state=sending][data-attempt="2"]', { timeout: 10_000 });
    expect(await page.textContent('#decision-attach-list li .decision-attach-progress .hint')).toMatch(/^Đang thử lại… \d+%$/);
    await expect.poll(() => attempts, { timeout: 10_000 }).toBe(2);
    await page.locator('#decision-attachments').screenshot({ path: path.join(SCREENSHOTS, 'lifecycle-decision-retrying.png') });
    letThrough();
    await page.waitForSelector('#decision-attach-list li[data-state=ready]', { timeout: 30_000 });
    await page.unroute(uploads);
    expect(await page.textContent('#decision-attach-list li .decision-attach-name')).toBe('QĐ 45-SNN đình chỉ.pdf');
    expect(await page.textContent('#decision-attach-list li .decision-attach-size')).toBe('1 KB');
    expect(await page.textContent('#decision-attach-list li .decision-attach-ready')).toBe('Đã tải lên');
    expect((await documents()).map((doc) => [doc.name, doc.transition_id])).toEqual([['QĐ 45-SNN đình chỉ.pdf', null]]);
    // The decision's day: today in Vietnam offered, none later; signed days ago, it is entered as such.
    const dayInput = page.locator('#lifecycle-form input[name=decidedOn]');
    const today = await dayInput.inputValue();
    expect(recentVietnamDays()).toContain(today);
    expect(await page.textContent('label:has(#lifecycle-decidedOn)')).toContain('Ngày quyết định');
    expect([await dayInput.getAttribute('type'), await dayInput.getAttribute('max')]).toEqual(['date', today]);
    const dayAfter = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
    const vn = (day: string) => day.split('-').reverse().join('/');
    const bounds = (
      await e2e.server.db.query<{ issued_on: string; previous_on: string | null }>(
        `SELECT to_char(issued_on, 'YYYY-MM-DD') AS issued_on,
                (SELECT to_char(max(decided_on), 'YYYY-MM-DD') FROM growing_area_transitions t
                  WHERE t.growing_area_id = g.id AND t.to_status IN ('issued', 'approved', 'suspended', 'revoked')) AS previous_on
         FROM growing_areas g WHERE id = $1`,
        [area.id],
      )
    ).rows[0]!;
    const earliest = [bounds.issued_on, bounds.previous_on ?? bounds.issued_on].sort().at(-1)!;
    const signed = [dayAfter(today, -3), earliest].sort().at(-1)!;
    // Tomorrow, or a day before the code was issued: said under the field before anything is sent.
    const beforeSuspension = await areaState(e2e.server, area.id);
    await dayInput.fill(dayAfter(today, 1));
    await page.click('#lifecycle-confirm');
    expect(await page.textContent('#lifecycle-decidedOn-error')).toBe(`Ngày quyết định không được sau hôm nay (${vn(today)}).`);
    await dayInput.fill(dayAfter(bounds.issued_on, -1));
    await page.click('#lifecycle-confirm');
    expect(await page.textContent('#lifecycle-decidedOn-error')).toBe(
      `Ngày quyết định không được trước ngày cấp mã (${vn(bounds.issued_on)}).`,
    );
    expect(await areaState(e2e.server, area.id)).toEqual(beforeSuspension);
    // The day in words under the field, kept through the form's redraw with the refusal, and named
    // with the field for a screen reader: the browser may show the day as mm/dd/yyyy.
    const inWords = (day: string) => {
      const [y, m, d] = day.split('-').map(Number);
      return `${d} tháng ${m}, ${y}`;
    };
    const dayWords = page.locator('label:has(#lifecycle-decidedOn) .date-words');
    expect(await dayWords.innerText()).toBe(inWords(dayAfter(bounds.issued_on, -1)));
    expect((await dayInput.getAttribute('aria-describedby'))!.split(' ')).toContain(await dayWords.getAttribute('id'));
    await page.locator('#lifecycle-form').screenshot({ path: path.join(SCREENSHOTS, 'lifecycle-decision-day-refused.png') });
    await dayInput.fill(signed);
    await page.click('#lifecycle-confirm');
    expect(await statusShown(page, 'suspended')).toBe('Tạm đình chỉ');
    expect(await page.textContent('#lifecycle-not-in-force')).toBe(' — không còn hiệu lực');
    expect(await page.textContent('#lifecycle-status-decision')).toBe(
      `45/QĐ-SNN ngày ${vn(signed)}, lý do: Dư lượng thuốc vượt mức cho phép`,
    );
    // Stored with the move, which was recorded today; the history says the decision's day.
    const stored = await e2e.server.db.query<{ decided_on: string; recorded_on: string }>(
      `SELECT to_char(decided_on, 'YYYY-MM-DD') AS decided_on, to_char(at AT TIME ZONE INTERVAL '+07:00', 'YYYY-MM-DD') AS recorded_on
       FROM growing_area_transitions WHERE growing_area_id = $1 ORDER BY id DESC LIMIT 1`,
      [area.id],
    );
    expect(stored.rows[0]).toEqual({ decided_on: signed, recorded_on: today });
    await page.click('#lifecycle-history summary');
    expect(await page.textContent('#lifecycle-history li:first-child .lifecycle-history-decision')).toBe(
      `QĐ số 45/QĐ-SNN ngày ${vn(signed)}`,
    );
    // The move carries the scan: listed beside it in the history, opened from there with its name.
    const suspension = (
      await e2e.server.db.query<{ id: number }>(
        'SELECT id FROM growing_area_transitions WHERE growing_area_id = $1 ORDER BY id DESC LIMIT 1',
        [area.id],
      )
    ).rows[0]!.id;
    const [attached] = await documents();
    expect(attached!.transition_id).toBe(suspension);
    const link = page.locator('#lifecycle-history li:first-child a.lifecycle-history-document');
    expect(await page.textContent('#lifecycle-history li:first-child .lifecycle-history-documents')).toBe(
      'Quyết định đính kèm: QĐ 45-SNN đình chỉ.pdf (1 KB)',
    );
    const href = (await link.getAttribute('href'))!;
    expect(href).toBe(`/api/growing-areas/${area.id}/documents/${attached!.id}`);
    const [tab] = await Promise.all([context.waitForEvent('page'), link.click()]);
    await tab.close();
    const opened = await context.request.get(new URL(href, page.url()).href);
    expect(opened.status()).toBe(200);
    expect(opened.headers()['content-type']).toBe('application/pdf');
    expect(opened.headers()['content-disposition']).toContain("filename*=UTF-8''Q%C4%90%2045-SNN%20%C4%91%C3%ACnh%20ch%E1%BB%89.pdf");
    expect(Buffer.from(await opened.body())).toEqual(scan);
    await page.locator('#lifecycle').screenshot({ path: path.join(SCREENSHOTS, 'lifecycle-suspended-backdated.png') });
    await page.click('#lifecycle-history summary');
    const [y, m, d] = today.split('-');
    expect(await page.textContent('#lifecycle-issuing-decision')).toContain(issuing);
    expect(await row()).toEqual({ status: 'suspended', decision_no: issuing });

    // Restore: a form asking the decision number; empty is caught before sending, then asked twice with the number in the question.
    expect(await page.locator('.lifecycle-actions button').allTextContents()).toEqual(['Khôi phục mã', 'Thu hồi mã']);
    await page.click('#lifecycle-to-active');
    await page.waitForSelector('#lifecycle-form[data-to=active]');
    expect(await page.textContent('#lifecycle-form h5')).toBe('Khôi phục mã');
    expect(
      await page.locator('#lifecycle-form input:not([type=file])').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).name)),
    ).toEqual(['decisionNo', 'decidedOn']);
    // (Beside them, the picker of the decision's scan.) No earlier than the suspension it lifts.
    expect(await page.getAttribute('#lifecycle-form input[name=decidedOn]', 'min')).toBe(signed);
    await page.click('#lifecycle-confirm');
    expect(await page.textContent('#lifecycle-decisionNo-error')).toBe('Nhập số quyết định.');
    expect(await page.locator('#lifecycle-dialog').count()).toBe(0);
    await page.fill('#lifecycle-form input[name=decisionNo]', '60/QĐ-SNN');
    await page.click('#lifecycle-confirm');
    await page.waitForSelector('#lifecycle-dialog[open]');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('lifecycle-confirm-cancel');
    expect(await page.textContent('#lifecycle-dialog h2')).toBe('Khôi phục mã số vùng trồng?');
    expect(await page.textContent('#lifecycle-dialog p')).toContain(`có hiệu lực trở lại theo quyết định 60/QĐ-SNN ngày ${d}/${m}/${y}:`);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'lifecycle-restore-confirm.png') });
    await page.click('#lifecycle-confirm-go');
    expect(await statusShown(page, 'active')).toBe('Đang hoạt động');
    expect(await page.locator('#lifecycle-not-in-force, #lifecycle-status-decision').count()).toBe(0);
    const after = await areaState(e2e.server, area.id);
    expect(after.steps.slice(before.steps.length)).toEqual(['issued>active', 'active>suspended', 'suspended>active']);
    expect(after.decisions.slice(before.steps.length)).toEqual([null, '45/QĐ-SNN', '60/QĐ-SNN']);
    expect(await row()).toEqual({ status: 'active', decision_no: issuing });

    // English: the restore's question in the other language.
    await page.click('#lifecycle-to-suspended');
    await page.fill('#lifecycle-form input[name=decisionNo]', '62/QĐ-SNN');
    await page.fill('#lifecycle-form input[name=reason]', 'Chưa ghi nhật ký');
    await page.click('#lifecycle-confirm');
    await statusShown(page, 'suspended');
    await page.click('#lang-toggle');
    await page.waitForSelector('#lifecycle-not-in-force:has-text("not in force")');
    expect(await page.textContent('#lifecycle-status-decision')).toBe(`62/QĐ-SNN of ${vietnamToday()}, reason: Chưa ghi nhật ký`);
    await page.click('#lifecycle-to-active');
    expect(await page.textContent('#lifecycle-form h5')).toBe('Restore the code');
    await page.fill('#lifecycle-form input[name=decisionNo]', '63/QĐ-SNN');
    await page.click('#lifecycle-confirm');
    await page.waitForSelector('#lifecycle-dialog[open]');
    expect(await page.textContent('#lifecycle-dialog h2')).toBe('Restore the growing-area code?');
    expect(await page.textContent('#lifecycle-dialog p')).toContain(`back in force by decision 63/QĐ-SNN of ${vietnamToday()}:`);
    await page.click('#lifecycle-confirm-cancel');
    // The restore's scan in English, on a 360 px phone: the picker and the file's row keep within the
    // screen (a long name cut short), the words English.
    expect(await page.textContent('#decision-attachments label')).toBe('Attach the decision (PDF, image)');
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    const longName = 'Quyết định khôi phục mã số vùng trồng số 63-QĐ-SNN, bản quét trang 1.png';
    await page.setInputFiles('#decision-attach-input', { name: longName, mimeType: 'image/png', buffer: png });
    await page.waitForSelector('#decision-attach-list li[data-state=ready]', { timeout: 30_000 });
    expect(await page.textContent('#decision-attach-list li .decision-attach-ready')).toBe('Uploaded');
    expect(await page.getAttribute('#decision-attach-list li .decision-attach-remove', 'aria-label')).toBe(`Remove the file ${longName}`);
    await page.setViewportSize({ width: 360, height: 740 });
    await page.locator('#decision-attachments').scrollIntoViewIfNeeded();
    expect(await page.locator('#lifecycle-form').evaluate((form) => form.scrollWidth - form.clientWidth)).toBeLessThanOrEqual(0);
    const row360 = (await page.locator('#decision-attach-list li').boundingBox())!;
    expect(row360.x + row360.width).toBeLessThanOrEqual(360);
    await page.locator('#lifecycle-form').screenshot({ path: path.join(SCREENSHOTS, 'lifecycle-decision-attached-360.png') });
    expect((await documents()).filter((doc) => doc.transition_id === null)).toHaveLength(1);
    // The form given up: its scan goes from the server too.
    await page.click('#lifecycle-cancel');
    await expect.poll(async () => (await documents()).filter((doc) => doc.transition_id === null), { timeout: 10_000 }).toEqual([]);
    // The dropped upload's attempt is the only error the page met.
    expect(errors.filter((e) => !(e.includes('/documents?name=') && e.includes('ERR_INTERNET_DISCONNECTED')))).toEqual([]);
    await context.close();

    // A guest's card of the suspended area: the status marked not in force, the suspension under it, the issuing decision kept.
    const guest = await openPage(e2e.browser, 'desktop');
    await openArea(guest.page, e2e.server, area);
    await guest.page.waitForSelector('.feature-card.is-primary dt:text-is("Quyết định tạm đình chỉ")', { timeout: 30_000 });
    const values = await guest.page
      .locator('.feature-card.is-primary > dl > dt')
      .evaluateAll((dts) => Object.fromEntries(dts.map((dt) => [dt.textContent ?? '', dt.nextElementSibling?.textContent ?? ''])));
    expect(values['Trạng thái']).toBe('Tạm đình chỉ — không còn hiệu lực');
    expect(values['Quyết định tạm đình chỉ']).toBe(`62/QĐ-SNN ngày ${d}/${m}/${y}, lý do: Chưa ghi nhật ký`);
    expect(values['Số quyết định']).toBe(issuing);
    await guest.page.screenshot({ path: path.join(SCREENSHOTS, 'lifecycle-guest-suspended.png') });
    expect(guest.errors).toEqual([]);
    await guest.context.close();
  });
});
