import { afterEach, describe, expect, it } from 'vitest';
import { HttpError } from '../api/http.ts';
import { setLang, startLang } from '../i18n/i18n.ts';
import { fieldRefusalFacts, fieldRefusalText, schemaFieldFacts } from './field-refusal.ts';
import { checkReissueInput, checkStepInput, stepOf } from './lifecycle-steps.ts';

// The i18n module sets <html lang> and remembers the choice; bare objects stand in here.
(globalThis as { document?: unknown }).document ??= { documentElement: {} };
(globalThis as { localStorage?: unknown }).localStorage ??= { getItem: () => null, setItem: () => undefined };
afterEach(() => startLang('vi'));

const problem = (status: number, body: Record<string, unknown>) => new HttpError(status, String(body.detail ?? ''), body, undefined);

describe('the field a server refusal names', () => {
  it('reads Fastify’s schema messages: the body field, the limit, an empty or missing field', () => {
    expect(schemaFieldFacts('body/note must NOT have more than 2000 characters')).toEqual({ field: 'note', kind: 'too-long', max: 2000 });
    expect(schemaFieldFacts('body/registrantName must NOT have fewer than 1 characters')).toEqual({
      field: 'registrantName',
      kind: 'required',
    });
    expect(schemaFieldFacts("body must have required property 'name'")).toEqual({ field: 'name', kind: 'required' });
    expect(schemaFieldFacts('body/attachments/0/name must NOT have more than 200 characters')).toMatchObject({ field: 'attachments' });
    expect(schemaFieldFacts('body/crop must match pattern "^[a-z_]{2,32}$"')).toEqual({ field: 'crop', kind: 'invalid' });
    expect(schemaFieldFacts('querystring/limit must be <= 50')).toBeUndefined();
  });

  it('takes the 422 of a name with an emoji and words it under the field, in both languages', () => {
    const facts = fieldRefusalFacts(problem(422, { code: 'VALIDATION_FAILED', reason: 'name-pictograph', field: 'registrantName' }));
    expect(facts).toEqual({ field: 'registrantName', kind: 'pictograph' });
    expect(fieldRefusalText(facts!, 'Đơn vị đăng ký')).toBe(
      '“Đơn vị đăng ký” không được có biểu tượng cảm xúc (emoji) hay hình vẽ: chỉ viết bằng chữ, chữ số và dấu câu.',
    );
    setLang('en');
    expect(fieldRefusalText(facts!, 'Registrant')).toBe(
      '“Registrant” cannot hold emoji or other pictographs: use letters, digits and punctuation only.',
    );
  });

  it('takes the 422 of a published reason holding a citizen ID or a phone number and words it under the field', () => {
    const id = fieldRefusalFacts(problem(422, { code: 'VALIDATION_FAILED', reason: 'personal-citizen-id', field: 'note' }));
    expect(id).toEqual({ field: 'note', kind: 'citizen-id' });
    expect(fieldRefusalText(id!, 'Lý do')).toBe(
      '“Lý do” không được có số căn cước công dân (CCCD) hay chứng minh nhân dân (CMND): lý do đi cùng mã số vùng trồng và được công bố cho bất kỳ ai tra cứu. Bỏ số này đi.',
    );
    const phone = fieldRefusalFacts(problem(422, { code: 'VALIDATION_FAILED', reason: 'personal-phone', field: 'note' }));
    expect(phone).toEqual({ field: 'note', kind: 'phone' });
    setLang('en');
    expect(fieldRefusalText(phone!, 'Reason')).toBe(
      '“Reason” cannot hold a phone number: the reason goes with the growing-area code and is published for anyone looking it up. Leave the number out.',
    );
  });

  it('takes the 422s that name a field and the 400 of a schema; not other refusals', () => {
    expect(fieldRefusalFacts(problem(422, { code: 'VALIDATION_FAILED', reason: 'name-no-letter', field: 'name' }))).toEqual({
      field: 'name',
      kind: 'no-letter',
    });
    expect(
      fieldRefusalFacts(
        problem(422, { code: 'VALIDATION_FAILED', reason: 'decision-no-shape', field: 'decisionNo', example: '45/QĐ-SNN' }),
      ),
    ).toEqual({ field: 'decisionNo', kind: 'decision-shape', example: '45/QĐ-SNN' });
    expect(fieldRefusalFacts(problem(400, { code: 'BAD_REQUEST', detail: 'body/note must NOT have more than 2000 characters' }))).toEqual({
      field: 'note',
      kind: 'too-long',
      max: 2000,
    });
    expect(fieldRefusalFacts(problem(422, { code: 'VALIDATION_FAILED', reason: 'below-minimum-area' }))).toBeUndefined();
    expect(fieldRefusalFacts(new Error('x'))).toBeUndefined();
  });

  it('words them in Vietnamese and in English with the field’s label and the limit', () => {
    startLang('vi');
    expect(fieldRefusalText({ field: 'note', kind: 'too-long', max: 2000 }, 'Lý do')).toBe('“Lý do” dài quá: tối đa 2000 ký tự.');
    expect(fieldRefusalText({ field: 'registrantName', kind: 'required' }, 'Cơ sở sản xuất')).toBe('Nhập “Cơ sở sản xuất”.');
    setLang('en');
    expect(fieldRefusalText({ field: 'note', kind: 'too-long', max: 2000 }, 'Reason')).toBe(
      '“Reason” is too long: at most 2000 characters.',
    );
    expect(fieldRefusalText({ field: 'name', kind: 'no-letter' }, 'Growing-area name')).toBe(
      '“Growing-area name” needs letters, not only symbols, digits or spaces.',
    );
    expect(fieldRefusalText({ field: 'decisionNo', kind: 'decision-shape', example: '45/QĐ-SNN' }, 'Decision number')).toContain(
      'e.g. 45/QĐ-SNN',
    );
  });
});

describe('the step forms check the decision number’s shape before sending', () => {
  it('refuses "🙂🙂🙂" and takes "12/2024/QĐ-UBND", in a step and a re-issue', () => {
    const step = stepOf('suspended');
    expect(checkStepInput(step, { decisionNo: '🙂🙂🙂', reason: 'Dư lượng' }, 'domestic-3156', '2026-03-01')).toEqual({
      valid: false,
      problems: [{ field: 'decisionNo', reason: 'decision-no-shape', value: '🙂🙂🙂' }],
    });
    expect(checkStepInput(step, { decisionNo: ' 12/2024/QĐ-UBND ', reason: 'Dư lượng' }, 'domestic-3156', '2026-03-01')).toMatchObject({
      valid: true,
      body: { decisionNo: '12/2024/QĐ-UBND' },
    });
    expect(checkReissueInput({ decisionNo: '45', reason: 'Đổi chủ' })).toMatchObject({ valid: false, problems: [{ field: 'decisionNo' }] });
    expect(checkReissueInput({ decisionNo: '', reason: 'Đổi chủ' })).toMatchObject({ valid: true });
  });
});
