import { afterEach, describe, expect, it } from 'vitest';
import {
  allowedTransitions,
  CHECKLIST_ITEMS,
  GROWING_AREA_SCHEMES,
  GROWING_AREA_STATUSES,
  STATUS_LABELS,
  transitionRequirements,
  type GrowingAreaScheme,
  type GrowingAreaStatus,
} from '../../../server/domain/growing-area-lifecycle.ts';
import { HttpError } from '../api/http.ts';
import { startLang, t } from '../i18n/i18n.ts';
import type { MessageKey } from '../i18n/vi.ts';
import { fieldProblemText, reissueRefusalText, serverFieldProblem, transitionRefusalText } from './lifecycle-refusal.ts';
import { checkReissueInput, checkStepInput, inspectionOfRound, localToday, stepOf, verbOf, type FieldProblem } from './lifecycle-steps.ts';

// The i18n module sets <html lang>; a bare object stands in for the document here.
(globalThis as { document?: unknown }).document ??= { documentElement: {} };
afterEach(() => startLang('vi'));

describe('lifecycle steps', () => {
  it('asks for exactly what the server requires of each status, plus a reason where an applicant is turned away', () => {
    for (const to of GROWING_AREA_STATUSES) {
      const needs = transitionRequirements(to);
      const step = stepOf(to);
      expect(step.fields.includes('decisionNo'), to).toBe(needs.decisionNo);
      expect(step.fields.includes('code'), to).toBe(needs.code);
      expect(step.inspection, to).toBe(needs.concludedInspection);
    }
    expect(stepOf('issued').fields).toEqual(['code', 'decisionNo', 'decidedOn']);
    expect(stepOf('revoked')).toMatchObject({ fields: ['decisionNo', 'decidedOn', 'reason'], destructive: true });
    expect(stepOf('inspected_fail')).toMatchObject({ fields: ['reason'], inspection: 'fail', destructive: true });
    expect(stepOf('submitted')).toMatchObject({ fields: [], destructive: false });
  });

  it('asks the decision to lift a suspension, and asks twice before a step that cannot be taken back or puts a code into force', () => {
    const from = (status: GrowingAreaStatus, scheme: GrowingAreaScheme = 'domestic-3156') => ({ from: status, scheme });
    expect(stepOf('active', undefined, from('suspended'))).toMatchObject({
      fields: ['decisionNo', 'decidedOn'],
      confirm: true,
      destructive: false,
    });
    expect(stepOf('active', undefined, from('issued'))).toMatchObject({ fields: [], confirm: true });
    expect(stepOf('active', undefined, from('approved', 'export-puc'))).toMatchObject({ fields: [], confirm: true });
    expect(stepOf('under_inspection', undefined, from('submitted'))).toMatchObject({ fields: [], confirm: true });
    expect(stepOf('forwarded', undefined, from('inspected_pass', 'export-puc'))).toMatchObject({ fields: [], confirm: true });
    // A submission can be returned, a suspension lifted: the form (or one tap) is enough.
    expect(stepOf('submitted', undefined, from('draft'))).toMatchObject({ fields: [], confirm: false });
    expect(stepOf('suspended', undefined, from('active'))).toMatchObject({ fields: ['decisionNo', 'decidedOn', 'reason'], confirm: false });
    expect(stepOf('issued', undefined, from('inspected_pass'))).toMatchObject({ confirm: false });
    expect(stepOf('revoked', undefined, from('suspended'))).toMatchObject({ confirm: true, destructive: true });
    // Every step the server asks a decision of, the card asks too.
    for (const scheme of GROWING_AREA_SCHEMES) {
      for (const status of GROWING_AREA_STATUSES) {
        for (const to of allowedTransitions(status, scheme)) {
          const step = stepOf(to, undefined, from(status, scheme));
          expect(step.fields.includes('decisionNo'), `${status} → ${to}`).toBe(transitionRequirements(to, status).decisionNo);
        }
      }
    }
    const restore = checkStepInput(stepOf('active', undefined, from('suspended')), { decisionNo: ' ' }, 'domestic-3156', '2026-03-01');
    expect(restore).toEqual({ valid: false, problems: [{ field: 'decisionNo', reason: 'required', value: '' }] });
    expect(
      checkStepInput(stepOf('active', undefined, from('suspended')), { decisionNo: ' 60/QĐ-SNN ' }, 'domestic-3156', '2026-03-01'),
    ).toEqual({
      valid: true,
      body: { to: 'active', decisionNo: '60/QĐ-SNN' },
    });
  });

  it('words the confirmation of each step it asks twice, by its act, in both languages', () => {
    for (const language of ['vi', 'en'] as const) {
      startLang(language);
      for (const scheme of GROWING_AREA_SCHEMES) {
        for (const status of GROWING_AREA_STATUSES) {
          for (const to of allowedTransitions(status, scheme)) {
            if (!stepOf(to, undefined, { from: status, scheme }).confirm) continue;
            const act = verbOf(status, to);
            const body = t(`lifecycleConfirmBody_${act}` as MessageKey, {
              name: '“Vùng A”',
              code: 'VN-DTOR-0101',
              decisionNo: '60/QĐ-SNN',
              date: language === 'vi' ? '30/11/2026' : '2026-11-30',
              to: 'X',
            });
            expect(body, `${language} ${act}`).not.toMatch(/lifecycleConfirm|\{/);
            expect(t(`lifecycleConfirmTitle_${act}` as MessageKey), `${language} ${act}`).not.toMatch(/lifecycleConfirm/);
          }
        }
      }
    }
    startLang('vi');
    expect(
      t('lifecycleConfirmBody_restore', { name: '“Vùng A”', code: 'VN-DTOR-0101', decisionNo: '60/QĐ-SNN', to: 'Đang hoạt động' }),
    ).toContain('có hiệu lực trở lại theo quyết định 60/QĐ-SNN');
    // The re-issue's question names its decision and day the same way; its number is optional, so
    // without one the question names the day alone.
    const reissue = { version: 2, next: 3, name: '“Vùng A”', code: 'VN-DTOR-0101', superseded: 'S', draft: 'D' };
    for (const [language, day] of [
      ['vi', '30/11/2026'],
      ['en', '2026-11-30'],
    ] as const) {
      startLang(language);
      const named = t('reissueConfirmBody', { ...reissue, decisionNo: '88/QĐ-SNN', date: day });
      const dayOnly = t('reissueConfirmBodyNoDecision', { ...reissue, date: day });
      for (const body of [named, dayOnly]) expect(body, language).not.toMatch(/reissueConfirm|\{/);
      expect(named, language).toContain(
        language === 'vi' ? 'theo quyết định 88/QĐ-SNN ngày 30/11/2026' : 'by decision 88/QĐ-SNN of 2026-11-30',
      );
      expect(dayOnly, language).toContain(
        language === 'vi' ? 'từ ngày 30/11/2026, không kèm số quyết định' : 'as of 2026-11-30, with no decision number',
      );
    }
  });

  it('rests a pass or fail on the inspection of this round that already concludes so, instead of recording a second one', () => {
    const visit = { id: 7, inspectedOn: '2026-03-02', conclusion: 'pass' as const, shortfall: null };
    const pass = stepOf('inspected_pass', visit);
    expect(pass).toMatchObject({ fields: [], inspection: null, basedOn: visit });
    const body = checkStepInput(pass, {}, 'domestic-3156', '2026-03-02');
    expect(body).toEqual({ valid: true, body: { to: 'inspected_pass' } });
    // The other conclusion needs its own inspection recorded first (the card opens the inspection form).
    expect(stepOf('inspected_fail', visit)).toMatchObject({ fields: ['reason'], inspection: 'fail' });
    expect(stepOf('inspected_fail', visit).basedOn).toBeUndefined();
    expect(stepOf('issued', visit).basedOn).toBeUndefined();
  });

  it('never rests a pass on an inspection that leaves items unanswered or has neither photo nor note, and never sends one of its own', () => {
    const thin = { id: 8, inspectedOn: '2026-03-02', conclusion: 'pass' as const, shortfall: { unanswered: ['A'], noEvidence: false } };
    const pass = stepOf('inspected_pass', thin);
    expect(pass).toMatchObject({ inspection: 'pass', thin });
    expect(pass.basedOn).toBeUndefined();
    // Whatever is typed, the body carries no inspection: a "Đạt" with nothing checked cannot be sent from the card.
    const sent = checkStepInput(
      stepOf('inspected_fail'),
      { inspectedOn: '2026-03-01', reason: 'Thiếu nhật ký' },
      'domestic-3156',
      '2026-03-01',
    );
    expect(sent).toEqual({ valid: true, body: { to: 'inspected_fail', note: 'Thiếu nhật ký' } });
  });

  it('finds the inspection a pass/fail is judged by, in the server’s order, only within the current round', () => {
    const list = [
      { id: 3, inspected_on: '2026-03-02', conclusion: 'fail' as const },
      { id: 5, inspected_on: '2026-03-02', conclusion: 'pass' as const },
      { id: 9, inspected_on: '2026-03-04', conclusion: null },
      { id: 1, inspected_on: '2025-11-20', conclusion: 'pass' as const },
    ];
    // Same day: the later record wins; an inspection without a conclusion is not one to rest on.
    expect(inspectionOfRound(list, '2026-03-01')).toEqual({
      id: 5,
      inspectedOn: '2026-03-02',
      conclusion: 'pass',
      shortfall: { unanswered: CHECKLIST_ITEMS.map((c) => c.vi), noEvidence: true },
    });
    // Every item answered and a photo: nothing lacking.
    const whole = { checklist: CHECKLIST_ITEMS.map((c) => ({ item: c.vi, ok: true })), notes: null, photos: [{}] };
    expect(inspectionOfRound([{ ...list[1]!, ...whole }], undefined)?.shortfall).toBeNull();
    expect(inspectionOfRound([{ ...list[1]!, ...whole, photos: [] }], undefined)?.shortfall).toEqual({ unanswered: [], noEvidence: true });
    expect(inspectionOfRound([{ ...list[1]!, ...whole, photos: [], notes: 'Mưa, không chụp được' }], undefined)?.shortfall).toBeNull();
    expect(inspectionOfRound(list, '2026-03-02')?.id).toBe(5);
    // Made before the area went under inspection again: last round's, not reused.
    expect(inspectionOfRound(list, '2026-03-03')).toBeUndefined();
    // No recorded move under inspection (an area loaded in that status): all its inspections are this round's.
    expect(inspectionOfRound(list, undefined)?.id).toBe(5);
    expect(inspectionOfRound([], '2026-03-01')).toBeUndefined();
  });

  it('names a step by where the area comes from', () => {
    expect(verbOf('submitted', 'draft')).toBe('return');
    expect(verbOf('forwarded', 'draft')).toBe('rejected');
    expect(verbOf('inspected_fail', 'draft')).toBe('reopen');
    expect(verbOf('suspended', 'active')).toBe('restore');
    expect(verbOf('issued', 'active')).toBe('active');
  });

  it('issuing needs a code of the scheme and a decision number; the typed code is normalised', () => {
    const step = stepOf('issued');
    expect(checkStepInput(step, {}, 'domestic-3156', '2026-03-01')).toEqual({
      valid: false,
      problems: [
        { field: 'code', reason: 'required', value: '' },
        { field: 'decisionNo', reason: 'required', value: '' },
      ],
    });
    expect(checkStepInput(step, { code: 'VN-DTOR-0001', decisionNo: '45/QĐ-SNN' }, 'domestic-3156', '2026-03-01')).toMatchObject({
      valid: false,
      problems: [{ field: 'code', reason: 'code-scheme-pattern', value: 'VN-DTOR-0001' }],
    });
    expect(checkStepInput(step, { code: 'ab c!', decisionNo: '45/QĐ-SNN' }, 'domestic-3156', '2026-03-01')).toMatchObject({
      problems: [{ field: 'code', reason: 'code-shape' }],
    });
    expect(checkStepInput(step, { code: ' vn 82 29869 07 26 ', decisionNo: ' 45/QĐ-SNN ' }, 'domestic-3156', '2026-03-01')).toEqual({
      valid: true,
      body: { to: 'issued', code: 'VN-82-29869-07-26', decisionNo: '45/QĐ-SNN' },
    });
  });

  it("today is the officer's local date", () => {
    const now = new Date(2026, 0, 5, 6, 30);
    expect(localToday(now)).toBe('2026-01-05');
  });
});

describe('a decision’s day', () => {
  // 2026-11-30 17:30 UTC: already 1 December in Vietnam.
  const now = new Date('2026-11-30T17:30:00Z');
  const suspend = stepOf('suspended', undefined, { from: 'active', scheme: 'domestic-3156' });
  const typed = (decidedOn: string) => ({ decisionNo: '45/QĐ-SNN', decidedOn, reason: 'Dư lượng vượt mức' });
  const bounds = { issuedOn: '2026-06-01', previousOn: '2026-07-10' };

  it('is sent as typed when it is a day between the latest decision and today in Vietnam; left empty, the server dates it today', () => {
    expect(checkStepInput(suspend, typed('2026-12-01'), 'domestic-3156', '2026-11-30', bounds, now)).toMatchObject({
      valid: true,
      body: { to: 'suspended', decisionNo: '45/QĐ-SNN', decidedOn: '2026-12-01' },
    });
    const empty = checkStepInput(suspend, typed(' '), 'domestic-3156', '2026-11-30', bounds, now);
    expect(empty.valid && 'decidedOn' in empty.body).toBe(false);
  });

  it('is refused under its field after today, before the issue or the latest decision, or when it is no day, in both languages', () => {
    const problems = (day: string) => {
      const verdict = checkStepInput(suspend, typed(day), 'domestic-3156', '2026-11-30', bounds, now);
      return verdict.valid ? [] : verdict.problems;
    };
    expect(problems('2026-12-02')).toEqual([{ field: 'decidedOn', reason: 'date-in-future', value: '2026-12-02', limit: '2026-12-01' }]);
    expect(problems('2026-05-31')).toEqual([
      { field: 'decidedOn', reason: 'decision-before-issue', value: '2026-05-31', limit: '2026-06-01' },
    ]);
    expect(problems('2026-07-09')[0]).toMatchObject({ reason: 'decision-before-previous', limit: '2026-07-10' });
    expect(problems('2023-02-30')[0]).toMatchObject({ reason: 'date-invalid' });
    expect(fieldProblemText(problems('2026-05-31')[0]!, 'domestic-3156')).toBe(
      'Ngày quyết định không được trước ngày cấp mã (01/06/2026).',
    );
    startLang('en');
    expect(fieldProblemText(problems('2026-12-02')[0]!, 'domestic-3156')).toBe('The decision date cannot be after today (2026-12-01).');
    // A re-issue's day is judged alike.
    expect(checkReissueInput({ decidedOn: '2026-07-01', reason: 'Đổi chủ thể' }, bounds, now)).toMatchObject({
      valid: false,
      problems: [{ field: 'decidedOn', reason: 'decision-before-previous' }],
    });
  });

  it('the server’s refusal of it is said in the officer’s words, with the day it may not precede', () => {
    const refused = new HttpError(
      422,
      'decidedOn 2026-05-01 is before the dossier was created (2026-05-02).',
      { code: 'VALIDATION_FAILED', reason: 'decision-before-dossier', field: 'decidedOn', value: '2026-05-01', earliest: '2026-05-02' },
      undefined,
    );
    expect(transitionRefusalText(refused)).toBe(
      'Không chuyển trạng thái được: Ngày quyết định không được trước ngày lập hồ sơ (02/05/2026).',
    );
    expect(serverFieldProblem(refused, suspend.fields)).toMatchObject({
      field: 'decidedOn',
      reason: 'decision-before-dossier',
      limit: '2026-05-02',
    });
    expect(serverFieldProblem(refused, ['decisionNo'])).toBeUndefined();
  });
});

describe('a code typed too long or in the wrong shape', () => {
  const step = stepOf('issued');
  const problemOf = (code: string) => checkStepInput(step, { code, decisionNo: '45/QĐ-SNN' }, 'domestic-3156', '2026-03-01');

  it('gives the length as the reason for a code over 40 characters, without quoting it', () => {
    const long = 'x'.repeat(64);
    const check = problemOf(long);
    expect(check).toMatchObject({ valid: false, problems: [{ field: 'code', reason: 'code-too-long' }] });
    const text = fieldProblemText((check as { problems: FieldProblem[] }).problems[0]!, 'domestic-3156');
    expect(text).toBe('Mã dài 64 ký tự: mã vùng trồng dài tối đa 40 ký tự.');
    expect(text).not.toMatch(/in hoa|XXXX/);
    startLang('en');
    expect(fieldProblemText((check as { problems: FieldProblem[] }).problems[0]!, 'domestic-3156')).toBe(
      'The code is 64 characters long: a growing-area code has at most 40.',
    );
  });

  it('quotes a wrong code as typed (not upper-cased), cut to its first 40 characters', () => {
    const check = problemOf('ab c!');
    const text = fieldProblemText((check as { problems: FieldProblem[] }).problems[0]!, 'domestic-3156');
    expect(text).toContain('“ab c!”');
    const decision = checkStepInput(step, { code: 'VN-82-29869-01-26', decisionNo: 'số '.repeat(30) }, 'domestic-3156', '2026-03-01');
    const said = fieldProblemText((decision as { problems: FieldProblem[] }).problems[0]!, 'domestic-3156');
    expect(said.length).toBeLessThan(200);
    expect(said).toContain('…');
  });

  it('words the server’s code-shape refusal of a long code by its length', () => {
    const refused = new HttpError(422, 'not a code', { code: 'VALIDATION_FAILED', reason: 'code-shape' }, undefined);
    expect(transitionRefusalText(refused, { code: 'VN-' + '1'.repeat(60) })).toContain('Mã dài 63 ký tự');
    expect(transitionRefusalText(refused, { code: 'vn 82 x' })).toContain('“vn 82 x”');
  });
});

describe('refusals in words', () => {
  const forbidden = new HttpError(
    409,
    'A domestic-3156 growing area cannot go from under_inspection to submitted; allowed: inspected_pass, inspected_fail.',
    {
      code: 'TRANSITION_FORBIDDEN',
      reason: 'forbidden',
      from: 'under_inspection',
      to: 'submitted',
      allowed: ['inspected_pass', 'inspected_fail'],
    },
    undefined,
  );

  it('a stale or forbidden move names the current status and the allowed ones', () => {
    expect(transitionRefusalText(forbidden)).toBe(
      'Không chuyển trạng thái được: vùng trồng đang ở trạng thái “Đang kiểm tra”, không chuyển sang “Đã nộp hồ sơ” được (có thể người khác vừa xử lý hồ sơ này). Từ trạng thái này chỉ chuyển được sang: “Kiểm tra đạt”, “Kiểm tra không đạt”.',
    );
    startLang('en');
    expect(transitionRefusalText(forbidden)).toContain('From this status it can only become: “Inspection passed”, “Inspection failed”.');
  });

  it('a code held by another area, a missing inspection and a small area are explained', () => {
    const taken = new HttpError(
      409,
      'Code X is already held by growing area 5 (issued).',
      { code: 'CONFLICT', reason: 'code-taken', holder: 5, holderStatus: 'issued' },
      undefined,
    );
    expect(transitionRefusalText(taken, { code: 'VN-82-29869-01-26' })).toBe(
      'Không chuyển trạng thái được: mã VN-82-29869-01-26 đang thuộc vùng trồng #5: nhập mã khác.',
    );
    const noInspection = new HttpError(
      422,
      'Recording …',
      { code: 'VALIDATION_FAILED', reason: 'inspection-required', conclusion: 'fail', latest: null },
      undefined,
    );
    expect(transitionRefusalText(noInspection)).toContain('kết luận “Không đạt”');
    const small = new HttpError(422, 'needs at least 1 ha', { code: 'VALIDATION_FAILED', reason: 'below-minimum-area' }, undefined);
    const crop = { code: 'mango', name_vi: 'Xoài', crop_type: 'perennial' as const, min_area_m2: 10_000 };
    expect(transitionRefusalText(small, { crop, areaM2: 9000 })).toBe(
      'Không chuyển trạng thái được: Tổng diện tích 0,90 ha, chưa đạt tối thiểu 1,0 ha cho cây lâu năm.',
    );
    expect(transitionRefusalText(new HttpError(403, 'no', undefined, undefined))).toContain('không phụ trách');
  });

  it('names each plot without a farmer and each empty profile field of an incomplete dossier, and each checklist item unanswered, in both languages', () => {
    const incomplete = new HttpError(
      422,
      'The dossier is not complete: …',
      {
        code: 'VALIDATION_FAILED',
        reason: 'dossier-incomplete',
        plotsWithoutFarmer: [
          { id: 692, commune: '29890', communeName: 'Xã Tân Thuận Tây', communeFormer: true, sheet: 8, parcel: 63 },
          { id: 693, commune: null, communeName: null, communeFormer: null, sheet: null, parcel: null },
          { id: 694, commune: '29869', communeName: 'Phường Cao Lãnh', communeFormer: false, sheet: 8, parcel: 63 },
        ],
        missingFields: ['households', 'technicalOfficer', 'expectedYieldTonnes'],
      },
      undefined,
    );
    expect(transitionRefusalText(incomplete)).toBe(
      'Không chuyển trạng thái được: hồ sơ chưa đủ: 3 thửa chưa có nông hộ: Tờ 8 thửa 63, Xã Tân Thuận Tây cũ (#692), #693, Tờ 8 thửa 63, Phường Cao Lãnh (#694); còn trống Số hộ, Cán bộ kỹ thuật, Sản lượng dự kiến (tấn). Bổ sung rồi gửi lại.',
    );
    const fieldsOnly = new HttpError(
      422,
      '…',
      { code: 'VALIDATION_FAILED', reason: 'dossier-incomplete', plotsWithoutFarmer: [], missingFields: ['households'] },
      undefined,
    );
    const unanswered = new HttpError(
      422,
      '…',
      { code: 'VALIDATION_FAILED', reason: 'inspection-checklist-incomplete', items: [CHECKLIST_ITEMS[4]!.vi], inspectionId: null },
      undefined,
    );
    const bare = new HttpError(422, '…', { code: 'VALIDATION_FAILED', reason: 'inspection-no-evidence', inspectionId: 3 }, undefined);
    expect(transitionRefusalText(unanswered)).toBe(
      'Không chuyển trạng thái được: biên bản kiểm tra còn 1 mục chưa xét: Ranh giới vùng trồng khớp với bản đồ. Xét đủ các mục rồi ghi lại biên bản.',
    );
    expect(transitionRefusalText(bare)).toContain('không có ảnh hay ghi chú');
    startLang('en');
    expect(transitionRefusalText(fieldsOnly)).toBe(
      'The status did not change: the dossier is not complete: left empty: Households. Fill these in, then submit again.',
    );
    expect(transitionRefusalText(incomplete)).toContain(
      '3 plots have no farmer: Sheet 8 parcel 63, former Xã Tân Thuận Tây (#692), #693, Sheet 8 parcel 63, Phường Cao Lãnh (#694); left empty: Households',
    );
    expect(transitionRefusalText(unanswered)).toContain('1 checklist item unreviewed: Area boundary matches the map.');
  });

  it('tells 409s apart by their reason, not by which fields happen to be there', () => {
    const notInspectable = new HttpError(
      409,
      'Growing area 7 is draft; inspections are recorded under inspection or while a code is in force.',
      {
        code: 'CONFLICT',
        reason: 'inspection-not-allowed',
        growingAreaId: 7,
        growingAreaStatus: 'draft',
        inspectable: ['under_inspection'],
      },
      undefined,
    );
    expect(transitionRefusalText(notInspectable)).toBe(
      'Không chuyển trạng thái được: vùng trồng không ở trạng thái được ghi biên bản kiểm tra.',
    );
    startLang('en');
    expect(transitionRefusalText(notInspectable)).toContain('not in a status where an inspection can be recorded');
    // A conflict of another kind is not mistaken for a taken code: the server's words are shown.
    const other = new HttpError(
      409,
      'Growing area 7 is submitted: plots and profile change only in draft.',
      {
        code: 'CONFLICT',
        reason: 'growing-area-not-draft',
        holder: 5,
      },
      undefined,
    );
    expect(transitionRefusalText(other, { code: 'VN-82-29869-01-26' })).not.toContain('#5');
  });
});

describe('re-issue', () => {
  it('asks why (the history must say it) and takes the decision number when there is one', () => {
    expect(checkReissueInput({ decisionNo: '45/QĐ-SNN', reason: '  ' })).toEqual({
      valid: false,
      problems: [{ field: 'reason', reason: 'required', value: '' }],
    });
    expect(checkReissueInput({ decisionNo: ' ', reason: ' Đổi chủ thể đăng ký ' })).toEqual({
      valid: true,
      body: { note: 'Đổi chủ thể đăng ký' },
    });
    expect(checkReissueInput({ decisionNo: ' 45/QĐ-SNN ', reason: 'Mở rộng diện tích' })).toEqual({
      valid: true,
      body: { decisionNo: '45/QĐ-SNN', note: 'Mở rộng diện tích' },
    });
  });

  it('a status that cannot be re-issued is refused naming the ones that can', () => {
    const stale = new HttpError(
      409,
      'A revoked growing area cannot be re-issued; only issued, approved, active, suspended ones can.',
      { code: 'TRANSITION_FORBIDDEN', reason: 'forbidden', from: 'revoked', to: 'superseded', allowed: [] },
      undefined,
    );
    expect(reissueRefusalText(stale)).toBe(
      'Không cấp lại mã được: vùng trồng đang ở trạng thái “Đã thu hồi”; chỉ cấp lại được mã ở trạng thái “Đã cấp mã”, “Nước nhập khẩu đã phê duyệt”, “Đang hoạt động”, “Tạm đình chỉ”.',
    );
    startLang('en');
    expect(reissueRefusalText(stale)).toBe(
      'Could not re-issue the code: the area is “Revoked”; only codes that are “Code issued”, “Approved by the importing country”, “Active”, “Suspended” can be re-issued.',
    );
    expect(reissueRefusalText(new HttpError(403, 'no', undefined, undefined))).toBe(
      'Could not re-issue the code: you are not assigned to the commune of this growing area.',
    );
  });
});

describe('the words of a step', () => {
  const steps = GROWING_AREA_SCHEMES.flatMap((scheme) =>
    GROWING_AREA_STATUSES.flatMap((from) => allowedTransitions(from, scheme).map((to) => ({ from, to }))),
  );
  const verb = (from: (typeof steps)[number]['from'], to: (typeof steps)[number]['to']) =>
    t(`lifecycleVerb_${verbOf(from, to)}` as MessageKey);

  it('name every button by the officer’s act, never by the status it leads to, in both languages', () => {
    expect(steps.length).toBeGreaterThan(10);
    for (const language of ['vi', 'en'] as const) {
      startLang(language);
      for (const { from, to } of steps) {
        const words = verb(from, to);
        expect(words, `${from}→${to}`).not.toMatch(/^lifecycleVerb_/);
        expect(words.toLowerCase(), `${from}→${to}`).not.toBe(STATUS_LABELS[to][language].toLowerCase());
        // The result line names the state the step leads to, exactly as the registry names it.
        expect(t('lifecycleFormResult', { to: STATUS_LABELS[to][language] })).toContain(`“${STATUS_LABELS[to][language]}”`);
      }
    }
  });

  it('say what happens to the code: issue, suspend, revoke and restore it', () => {
    startLang('vi');
    expect(verb('inspected_pass', 'issued')).toBe('Cấp mã');
    expect(verb('active', 'suspended')).toBe('Tạm đình chỉ mã');
    expect(verb('suspended', 'revoked')).toBe('Thu hồi mã');
    expect(verb('suspended', 'active')).toBe('Khôi phục mã');
    expect(verb('under_inspection', 'inspected_pass')).toBe('Ghi nhận kiểm tra đạt');
    // The button "Tạm đình chỉ mã" leads to the status "Tạm đình chỉ": one word for one thing.
    expect(verb('active', 'suspended')).toContain(STATUS_LABELS.suspended.vi);
    startLang('en');
    expect(verb('active', 'suspended')).toBe('Suspend the code');
    expect(verb('suspended', 'revoked')).toBe('Revoke the code');
    expect(verb('inspected_pass', 'issued')).toBe('Issue the code');
  });
});

describe('a published reason', () => {
  const suspend = stepOf('suspended', undefined, { from: 'active', scheme: 'domestic-3156' });
  const values = (reason: string) => ({ decisionNo: '45/QĐ-SNN', reason });

  it('is refused under the reason when it holds a citizen ID or a phone number, or has no letter, in both languages', () => {
    const phone = checkStepInput(suspend, values('Hộ ông Phúc SĐT 0384 207 372 phun thuốc cấm'), 'domestic-3156', '2026-11-30');
    expect(phone).toMatchObject({ valid: false, problems: [{ field: 'reason', reason: 'personal-phone' }] });
    const [problem] = (phone as { problems: FieldProblem[] }).problems;
    expect(fieldProblemText(problem!, 'domestic-3156')).toBe(
      '“Lý do” không được có số điện thoại: lý do đi cùng mã số vùng trồng và được công bố cho bất kỳ ai tra cứu. Bỏ số này đi.',
    );
    startLang('en');
    expect(fieldProblemText(problem!, 'domestic-3156')).toMatch(/^“Reason” cannot hold a phone number: .*published/);
    startLang('vi');
    const revoke = stepOf('revoked', undefined, { from: 'active', scheme: 'domestic-3156' });
    expect(checkStepInput(revoke, values('CCCD 087.071.411.175'), 'domestic-3156', '2026-11-30')).toMatchObject({
      problems: [{ field: 'reason', reason: 'personal-citizen-id' }],
    });
    const emoji = checkStepInput(suspend, values('😡😡😡'), 'domestic-3156', '2026-11-30') as { problems: FieldProblem[] };
    expect(emoji.problems).toMatchObject([{ field: 'reason', reason: 'name-no-letter' }]);
    expect(fieldProblemText(emoji.problems[0]!, 'domestic-3156')).toBe(
      '“Lý do” phải có chữ, không chỉ có biểu tượng, chữ số hay dấu cách.',
    );
    expect(checkReissueInput({ reason: 'gọi +84 384 207 372' })).toMatchObject({
      problems: [{ field: 'reason', reason: 'personal-phone' }],
    });
    expect(checkReissueInput({ reason: '1234' })).toMatchObject({ problems: [{ field: 'reason', reason: 'name-no-letter' }] });
  });

  it('passes with a decision number, a date and an area; the reason of a step not published is not checked for numbers', () => {
    const note = 'Theo 45/QĐ-SNN ngày 30/11/2026, 2,5 ha phun thuốc cấm';
    expect(checkStepInput(suspend, values(note), 'domestic-3156', '2026-11-30')).toMatchObject({ valid: true, body: { note } });
    const back = stepOf('draft', undefined, { from: 'submitted', scheme: 'domestic-3156' });
    expect(checkStepInput(back, { reason: 'Thiếu hồ sơ, gọi 0384207372' }, 'domestic-3156', '2026-11-30')).toMatchObject({ valid: true });
  });
});
