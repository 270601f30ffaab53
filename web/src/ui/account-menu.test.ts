import { describe, expect, it } from 'vitest';
import { startLang } from '../i18n/i18n.ts';
import { waitWords } from './account-menu.ts';

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
