import { describe, expect, it } from 'vitest';
import { vietnamToday } from './vietnam-time.ts';

describe("Vietnam's calendar day", () => {
  it('turns at 17:00 UTC (midnight in Cao Lãnh), whatever zone the time was written in', () => {
    expect(vietnamToday(new Date('2026-11-29T16:59:59Z'))).toBe('2026-11-29');
    expect(vietnamToday(new Date('2026-11-29T17:00:00Z'))).toBe('2026-11-30');
    expect(vietnamToday(new Date('2026-11-30T06:59:00+07:00'))).toBe('2026-11-30');
    expect(vietnamToday(new Date('2025-12-31T23:30:00-05:00'))).toBe('2026-01-01');
  });
});
