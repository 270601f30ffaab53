import { describe, expect, it } from 'vitest';
import { varyWithViewer } from './private-answers.ts';

describe('varyWithViewer', () => {
  it('adds the credentials to what the route said, keeping it first', () => {
    expect(varyWithViewer('')).toBe('Cookie, Authorization');
    expect(varyWithViewer('Accept-Encoding')).toBe('Accept-Encoding, Cookie, Authorization');
  });

  it('names nothing twice, whatever the case the route wrote it in', () => {
    expect(varyWithViewer('Authorization, Cookie')).toBe('Authorization, Cookie');
    expect(varyWithViewer('accept-encoding, cookie')).toBe('accept-encoding, cookie, Authorization');
  });

  it('leaves Vary: * alone (it already says every request differs)', () => {
    expect(varyWithViewer('*')).toBe('*');
  });
});
