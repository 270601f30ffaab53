import { Value } from '@sinclair/typebox/value';
import { afterEach, describe, expect, it } from 'vitest';
import { FarmerBody } from '../../../server/contracts/registry.ts';
import { HttpError } from '../api/http.ts';
import { setLang, startLang } from '../i18n/i18n.ts';
import {
  citizenIdTakenNext,
  FARMER_LIMITS,
  farmerBody,
  farmerPatch,
  farmerProblems,
  farmerProblemText,
  farmerRefusal,
  farmerTyped,
  type FarmerRecord,
  type FarmerTyped,
} from './farmer-input.ts';

// The i18n module sets <html lang> and remembers the choice; bare objects stand in here.
(globalThis as { document?: unknown }).document ??= { documentElement: {} };
(globalThis as { localStorage?: unknown }).localStorage ??= { getItem: () => null, setItem: () => undefined };
afterEach(() => startLang('vi'));

const typed = (fields: Partial<FarmerTyped>): FarmerTyped => ({ ...farmerTyped(undefined, '29869'), fullName: 'Lê Văn Bình', ...fields });
const problem = (status: number, body: Record<string, unknown>) => new HttpError(status, String(body.detail ?? ''), body, undefined);

describe('the farmer form’s own checks', () => {
  it('holds the limits of the server’s FarmerBody schema', () => {
    const p = FarmerBody.properties;
    expect(p.fullName.maxLength).toBe(FARMER_LIMITS.fullName);
    const optional = (s: { anyOf: readonly unknown[] }) => s.anyOf[0] as { maxLength?: number; pattern?: string };
    expect(optional(p.hamlet).maxLength).toBe(FARMER_LIMITS.hamlet);
    expect(optional(p.address).maxLength).toBe(FARMER_LIMITS.address);
    // The server also takes an ID written in groups and keeps its digits; the form sends the digits, which both read alike.
    const server = new RegExp(optional(p.citizenId).pattern!);
    for (const id of ['087111222333', '087111222', '0871112223', '08711122233', '0871112223334', '08711122233a', ''])
      expect(server.test(id), id).toBe(FARMER_LIMITS.citizenId.test(id));
    for (const id of ['087 111 222 333', '087.111.222.333', '0871-1122-2333', '087 111 222'])
      expect(server.test(id) && FARMER_LIMITS.citizenId.test(farmerBody(typed({ citizenId: id })).citizenId!), id).toBe(true);
    expect(optional(p.phone).pattern).toBe(FARMER_LIMITS.phone.source);
    expect(p.communeCode.pattern).toBe(FARMER_LIMITS.communeCode.source);
  });

  it('says what the server would refuse, field by field, before anything is sent', () => {
    expect(farmerProblems(typed({}))).toEqual([]);
    expect(farmerProblems(typed({ fullName: '  ' }))).toEqual([{ field: 'fullName', kind: 'required' }]);
    expect(farmerProblems(typed({ fullName: '123' }))).toEqual([{ field: 'fullName', kind: 'no-letter' }]);
    expect(farmerProblems(typed({ fullName: 'Lê Văn 🙂' }))).toEqual([{ field: 'fullName', kind: 'pictograph' }]);
    expect(farmerProblems(typed({ fullName: 'ễ'.repeat(121) }))).toEqual([{ field: 'fullName', kind: 'too-long', max: 120 }]);
    expect(farmerProblems(typed({ fullName: 'ễ'.repeat(120) }))).toEqual([]);
    expect(farmerProblems(typed({ citizenId: '0871112223' }))).toEqual([{ field: 'citizenId', kind: 'citizen-id-shape' }]);
    expect(farmerProblems(typed({ phone: '12345' }))).toEqual([{ field: 'phone', kind: 'phone-shape' }]);
    expect(farmerProblems(typed({ communeCode: '' }))).toEqual([{ field: 'communeCode', kind: 'required' }]);
    expect(farmerProblems(typed({ hamlet: 'a'.repeat(101), address: 'b'.repeat(301), fullName: '' }))).toEqual([
      { field: 'fullName', kind: 'required' },
      { field: 'hamlet', kind: 'too-long', max: 100 },
      { field: 'address', kind: 'too-long', max: 300 },
    ]);
  });

  it('reads a citizen ID copied in groups from the card as its digits, and leaves empty fields out', () => {
    expect(farmerBody(typed({ citizenId: ' 087 111.222-333 ', phone: '0901 234 567', hamlet: ' Ấp  Tân Hậu ' }))).toEqual({
      communeCode: '29869',
      fullName: 'Lê Văn Bình',
      citizenId: '087111222333',
      phone: '0901 234 567',
      hamlet: 'Ấp Tân Hậu',
    });
  });

  it('lets through exactly what the server’s schema takes', () => {
    const samples: Partial<FarmerTyped>[] = [
      {},
      { citizenId: '087111222' },
      { citizenId: '0871112223334' },
      { citizenId: '08711122233a' },
      { phone: '+84 901-234.567' },
      { phone: '0901' },
      { phone: '0'.repeat(21) },
      { phone: '090 ABC 1234' },
      { fullName: 'x'.repeat(120), hamlet: 'y'.repeat(100), address: 'z'.repeat(300) },
      { fullName: 'x'.repeat(121) },
      { hamlet: 'y'.repeat(101) },
      { communeCode: '2986' },
    ];
    for (const sample of samples) {
      const t = typed(sample);
      expect(farmerProblems(t).length === 0, JSON.stringify(sample)).toBe(Value.Check(FarmerBody, farmerBody(t)));
    }
  });

  it('sends in a correction only what the officer changed, an emptied field as null', () => {
    const farmer: FarmerRecord = {
      id: 7,
      lookupCode: 'ND-AAAA-BBBB',
      communeCode: '29869',
      hamlet: 'Ấp Tân Hậu',
      fullName: 'Lê Văn Bình',
      citizenId: '087111222333',
      phone: '0901234567',
      address: null,
      version: 3,
    };
    const same = farmerTyped(farmer);
    expect(farmerPatch(farmer, same)).toEqual({});
    expect(farmerPatch(farmer, { ...same, phone: '0907 000 111', hamlet: '' })).toEqual({ phone: '0907 000 111', hamlet: null });
    expect(farmerPatch(farmer, { ...same, citizenId: '087 111 222 333', address: ' Số 5 ' })).toEqual({ address: 'Số 5' });
  });
});

describe('the server’s refusals of a farmer, said under the field', () => {
  it('reads the schema’s 400, the name’s 422, a commune no longer one, and a commune not the officer’s', () => {
    const sent = { communeCode: '29884', fullName: 'A' };
    expect(
      farmerRefusal(problem(400, { code: 'BAD_REQUEST', detail: 'body/citizenId must match pattern "^[0-9]{9}([0-9]{3})?$"' }), sent),
    ).toEqual({
      field: 'citizenId',
      kind: 'citizen-id-shape',
    });
    expect(
      farmerRefusal(problem(400, { code: 'BAD_REQUEST', detail: 'body/hamlet must NOT have more than 100 characters' }), sent),
    ).toEqual({
      field: 'hamlet',
      kind: 'too-long',
      max: 100,
    });
    expect(farmerRefusal(problem(422, { code: 'VALIDATION_FAILED', reason: 'name-pictograph', field: 'fullName' }), sent)).toEqual({
      field: 'fullName',
      kind: 'pictograph',
    });
    expect(
      farmerRefusal(problem(422, { code: 'VALIDATION_FAILED', detail: "Commune 29884 is not one of today's communes or wards." }), sent),
    ).toEqual({ field: 'communeCode', kind: 'commune-not-current', commune: '29884' });
    expect(farmerRefusal(problem(403, { code: 'FORBIDDEN', detail: 'Not your commune.' }), sent)).toEqual({
      field: 'communeCode',
      kind: 'commune-not-yours',
      commune: '29884',
    });
    // What names no field is the form's to say: a stale copy, a farmer gone, a correction of another commune's farmer.
    // Another farmer has the citizen ID: named when the server named them, else only said.
    const farmer = { id: 7, lookupCode: 'NT-ABCD-EFGH', fullName: 'Nguyễn Văn A', communeCode: '29869', communeName: 'Phường Cao Lãnh' };
    expect(
      farmerRefusal(
        problem(409, { code: 'CONFLICT', reason: 'duplicate-citizen-id', field: 'citizenId', farmer: { ...farmer, hamlet: 'Ấp 3' } }),
        sent,
      ),
    ).toEqual({ field: 'citizenId', kind: 'citizen-id-taken', holder: { ...farmer, hamlet: 'Ấp 3' } });
    // A holder without a hamlet (or an older server that sent none) is named all the same.
    expect(farmerRefusal(problem(409, { code: 'CONFLICT', reason: 'duplicate-citizen-id', field: 'citizenId', farmer }), sent)).toEqual({
      field: 'citizenId',
      kind: 'citizen-id-taken',
      holder: { ...farmer, hamlet: null },
    });
    expect(farmerRefusal(problem(409, { code: 'CONFLICT', reason: 'duplicate-citizen-id', field: 'citizenId' }), sent)).toEqual({
      field: 'citizenId',
      kind: 'citizen-id-taken',
      holder: null,
    });
    expect(farmerRefusal(problem(409, { code: 'CONFLICT', reason: 'duplicate-citizen-id', farmer: { id: '7' } }), sent)).toEqual({
      field: 'citizenId',
      kind: 'citizen-id-taken',
      holder: null,
    });
    expect(farmerRefusal(problem(409, { code: 'CONFLICT' }), sent)).toBeUndefined();
    expect(farmerRefusal(problem(412, { code: 'PRECONDITION_FAILED' }), sent)).toBeUndefined();
    expect(farmerRefusal(problem(404, { code: 'NOT_FOUND' }), sent)).toBeUndefined();
    expect(farmerRefusal(problem(403, { code: 'FORBIDDEN' }), { phone: null })).toBeUndefined();
    expect(farmerRefusal(new Error('x'), sent)).toBeUndefined();
  });

  it('words them in the officer’s language', () => {
    expect(farmerProblemText({ field: 'citizenId', kind: 'citizen-id-shape' })).toBe('Số CCCD gồm 12 chữ số (CMND cũ: 9 chữ số).');
    expect(farmerProblemText({ field: 'fullName', kind: 'required' })).toBe('Nhập “Họ và tên”.');
    const holder = {
      id: 7,
      lookupCode: 'NT-ABCD-EFGH',
      fullName: 'Nguyễn Văn A',
      communeCode: '29869',
      communeName: 'Phường Cao Lãnh',
      hamlet: null,
    };
    expect(farmerProblemText({ field: 'citizenId', kind: 'citizen-id-taken', holder })).toBe(
      'Số CCCD này đã có trong hồ sơ nông hộ: Nguyễn Văn A (NT-ABCD-EFGH), Phường Cao Lãnh.',
    );
    // The hamlet, when the registry has it, tells two farmers of one name apart.
    expect(farmerProblemText({ field: 'citizenId', kind: 'citizen-id-taken', holder: { ...holder, hamlet: 'Ấp Tân Hậu' } })).toBe(
      'Số CCCD này đã có trong hồ sơ nông hộ: Nguyễn Văn A (NT-ABCD-EFGH), Ấp Tân Hậu, Phường Cao Lãnh.',
    );
    // What the officer can do next: choose the holder where the form offers it, else check the card or ask.
    expect(citizenIdTakenNext(holder, 'register')).toBe(
      'Nếu đó là cùng một người, bấm “Chọn nông hộ này” để dùng hồ sơ có sẵn cho thửa; nếu không, kiểm tra lại số trên thẻ.',
    );
    expect(citizenIdTakenNext(holder, 'correct-choose')).toBe(
      'Nếu đó là cùng một người, bấm “Chọn nông hộ này”: thửa được gắn với hồ sơ có sẵn, hồ sơ đang sửa giữ nguyên. Nếu không, kiểm tra lại số trên thẻ; nếu số của hồ sơ kia sai, hãy sửa hồ sơ đó trước.',
    );
    expect(citizenIdTakenNext(holder, 'correct')).not.toContain('Chọn nông hộ này');
    expect(citizenIdTakenNext(null, 'correct-choose')).toBe(
      'Kiểm tra lại số trên thẻ; nếu số đúng, hãy liên hệ xã/phường đang giữ hồ sơ đó hoặc quản trị viên.',
    );
    expect(farmerProblemText({ field: 'citizenId', kind: 'citizen-id-taken', holder: { ...holder, communeName: null } })).toBe(
      'Số CCCD này đã có trong hồ sơ nông hộ: Nguyễn Văn A (NT-ABCD-EFGH), 29869.',
    );
    expect(farmerProblemText({ field: 'citizenId', kind: 'citizen-id-taken', holder: null })).toBe(
      'Số CCCD này đã có trong hồ sơ nông hộ ở một xã/phường khác.',
    );
    setLang('en');
    expect(farmerProblemText({ field: 'citizenId', kind: 'citizen-id-taken', holder })).toBe(
      'This citizen ID is already in the farmer registry: Nguyễn Văn A (NT-ABCD-EFGH), Phường Cao Lãnh.',
    );
    expect(farmerProblemText({ field: 'citizenId', kind: 'citizen-id-taken', holder: null })).toBe(
      'This citizen ID is already in the farmer registry, in another commune or ward.',
    );
    expect(citizenIdTakenNext(holder, 'correct-choose')).toMatch(/^If it is the same person, press “Choose this farmer”: the plot goes/);
    expect(citizenIdTakenNext(holder, 'correct')).toMatch(/^Check the number on the card\. If the other record/);
    expect(farmerProblemText({ field: 'citizenId', kind: 'citizen-id-shape' })).toBe(
      'A citizen ID (CCCD) has 12 digits (an old CMND card: 9).',
    );
    expect(farmerProblemText({ field: 'communeCode', kind: 'commune-not-yours', commune: '29884' })).toBe(
      'You do not serve commune 29884: choose one of your communes.',
    );
  });
});
