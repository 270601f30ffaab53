import { describe, expect, it } from 'vitest';
import { startLang, t } from '../i18n/i18n.ts';
import { tooManyWords, waitWords } from './account-menu.ts';

// The i18n module sets <html lang>; a bare object stands in for the document here.
(globalThis as { document?: unknown }).document ??= { documentElement: {} };

describe('the sign-in form’s wait after too many tries', () => {
  it('says the server’s Retry-After in seconds or minutes, in both languages, and a minute without one', () => {
    startLang('vi');
    expect(waitWords('39')).toBe('39 giây');
    expect(waitWords('900')).toBe('15 phút');
    expect(waitWords(null)).toBe('1 phút');
    expect(waitWords('soon')).toBe('1 phút');
    startLang('en');
    expect(waitWords('39')).toBe('39 s');
    expect(waitWords('900')).toBe('15 minutes');
    expect(waitWords(undefined)).toBe('1 minute');
    startLang('vi');
  });
});

describe('the sign-in form’s words for a 429', () => {
  it('tells a colleague held back by the network’s failures that it is the network, not them', () => {
    startLang('vi');
    expect(t(tooManyWords('address-failed'), { wait: '40 giây' })).toBe(
      'Máy này hoặc mạng này vừa đăng nhập sai nhiều lần (có thể là người khác cùng mạng): hãy thử lại sau 40 giây.',
    );
    expect(t(tooManyWords('user-failed-here'), { wait: '40 giây' })).toContain('Tên đăng nhập này vừa nhập sai mật khẩu nhiều lần');
    expect(t(tooManyWords('user-failed'), { wait: '15 phút' })).toContain('nhờ quản trị viên');
    // The request cap, or a server that names no reason: the plain words.
    expect(tooManyWords('address-requests')).toBe('signInTooMany');
    expect(tooManyWords(undefined)).toBe('signInTooMany');
    startLang('en');
    expect(t(tooManyWords('address-failed'), { wait: '40 s' })).toBe(
      'This computer or network has just had many failed sign-ins (perhaps someone else on it): try again in 40 s.',
    );
    startLang('vi');
  });
});
