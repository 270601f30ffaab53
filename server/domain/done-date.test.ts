import { describe, expect, it } from 'vitest';
import { doneDateProblem, EARLIEST_DONE_DATE } from './done-date.ts';

describe('doneDateProblem', () => {
  // 16:59 UTC on the 29th is 23:59 in Cao Lãnh; a minute later it is the 30th there.
  const lateEvening = new Date('2026-11-29T16:59:00Z');
  const pastMidnight = new Date('2026-11-29T17:00:00Z');

  it('keeps today in Vietnam and any day since 1900', () => {
    for (const date of ['2026-11-29', '2026-01-01', '2005-03-15', EARLIEST_DONE_DATE])
      expect(doneDateProblem(date, lateEvening), date).toBeNull();
  });

  it('refuses a day after today in Vietnam, which turns at 17:00 UTC', () => {
    expect(doneDateProblem('2030-01-01', lateEvening)).toBe('date-in-future');
    expect(doneDateProblem('2026-11-30', lateEvening)).toBe('date-in-future');
    expect(doneDateProblem('2026-11-30', pastMidnight)).toBeNull();
  });

  it('refuses a day before 1900 (a slip of the year)', () => {
    for (const date of ['1899-12-31', '0201-05-03', '0001-01-01']) expect(doneDateProblem(date, lateEvening), date).toBe('date-too-early');
  });
});
