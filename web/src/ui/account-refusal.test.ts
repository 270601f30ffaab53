import { afterEach, describe, expect, it } from 'vitest';
import { HttpError } from '../api/http.ts';
import { setLang, startLang } from '../i18n/i18n.ts';
import { refusedFields } from './account-refusal.ts';

// The i18n module sets <html lang> and remembers the choice; bare objects stand in here.
(globalThis as { document?: unknown }).document ??= { documentElement: {} };
(globalThis as { localStorage?: unknown }).localStorage ??= { getItem: () => null, setItem: () => undefined };
afterEach(() => startLang('vi'));

const problem = (status: number, body: Record<string, unknown>) => new HttpError(status, String(body.detail ?? ''), body, undefined);

describe('an account form’s refusals', () => {
  it('puts each field a 422 lists under that field, the unknown communes named', () => {
    startLang('vi');
    const error = problem(422, {
      code: 'VALIDATION_FAILED',
      reason: 'username-shape',
      field: 'username',
      errors: [
        { field: 'username', reason: 'username-shape', detail: '…' },
        { field: 'password', reason: 'password-too-short', detail: '…' },
        { field: 'communes', reason: 'commune-unknown', detail: '…', codes: ['00000', '99903'] },
      ],
    });
    expect(refusedFields(error)).toEqual([
      { field: 'username', text: expect.stringMatching(/^Tên đăng nhập gồm 3–64 ký tự/) },
      { field: 'password', text: 'Mật khẩu cần ít nhất 10 ký tự.' },
      { field: 'communes', text: 'Không còn trong danh mục xã, phường hiện hành: 00000, 99903.' },
    ]);
    setLang('en');
    expect(refusedFields(error)[2]).toEqual({ field: 'communes', text: 'Not among today’s communes and wards: 00000, 99903.' });
  });

  it('puts a 409’s or 403’s one field and reason under that field', () => {
    startLang('vi');
    expect(refusedFields(problem(409, { code: 'CONFLICT', reason: 'username-taken', field: 'username' }))).toEqual([
      { field: 'username', text: 'Tên đăng nhập này đã có; hãy chọn tên khác.' },
    ]);
    expect(refusedFields(problem(409, { code: 'CONFLICT', reason: 'own-role', field: 'role' }))[0]?.field).toBe('role');
    expect(refusedFields(problem(403, { code: 'FORBIDDEN', reason: 'current-password-wrong', field: 'currentPassword' }))).toEqual([
      { field: 'currentPassword', text: 'Mật khẩu hiện tại không đúng.' },
    ]);
  });

  it('names no field for answers without one of our reasons', () => {
    expect(refusedFields(problem(400, { code: 'BAD_REQUEST', reason: 'unknown-field', field: 'isAdmin' }))).toEqual([]);
    expect(refusedFields(problem(422, { reason: 'constructor', field: 'username' }))).toEqual([]);
    expect(refusedFields(problem(403, { code: 'CSRF' }))).toEqual([]);
    expect(refusedFields(new HttpError(500, 'x', undefined, undefined))).toEqual([]);
    expect(refusedFields(new Error('offline'))).toEqual([]);
  });
});
