import { describe, expect, it } from 'vitest';
import { decisionDateProblem, isCalendarDate } from './decision-date.ts';

// 2026-11-30 17:30 UTC is already 1 December in Vietnam.
const lateEvening = new Date('2026-11-30T17:30:00Z');

describe('decision days', () => {
  it('a calendar day is written YYYY-MM-DD and exists (leap days only in leap years)', () => {
    expect(['2024-02-29', '1900-01-01', '0099-01-01'].map(isCalendarDate)).toEqual([true, true, true]);
    expect(['2023-02-29', '2023-02-30', '2026-13-01', 'abc', '', '2026-1-5', '2026-11-30T00:00:00Z'].map(isCalendarDate)).toEqual(
      Array(7).fill(false),
    );
  });

  it('today in Vietnam is fine even while it is still yesterday in UTC; tomorrow is not', () => {
    expect(decisionDateProblem('2026-12-01', {}, lateEvening)).toBeNull();
    expect(decisionDateProblem('2026-12-02', {}, lateEvening)).toEqual({ reason: 'date-in-future', limit: '2026-12-01' });
  });

  it('refuses a day before 1900, before the dossier, before the issue or before the decision it follows', () => {
    expect(decisionDateProblem('1899-12-31', {}, lateEvening)).toEqual({ reason: 'date-too-early', limit: '1900-01-01' });
    expect(decisionDateProblem('2026-05-01', { dossierOn: '2026-05-02' }, lateEvening)).toEqual({
      reason: 'decision-before-dossier',
      limit: '2026-05-02',
    });
    const bounds = { issuedOn: '2026-06-01', previousOn: '2026-07-01' };
    expect(decisionDateProblem('2026-05-31', bounds, lateEvening)?.reason).toBe('decision-before-issue');
    expect(decisionDateProblem('2026-06-30', bounds, lateEvening)?.reason).toBe('decision-before-previous');
    expect(decisionDateProblem('2026-07-01', bounds, lateEvening)).toBeNull();
    expect(decisionDateProblem('2023-02-30', bounds, lateEvening)).toEqual({ reason: 'date-invalid' });
  });

  it('refuses an issue dated before the inspection that passed the area; the inspection day itself and later pass', () => {
    const issue = { dossierOn: '2026-03-01', passedOn: '2026-04-10' };
    expect(decisionDateProblem('2026-04-09', issue, lateEvening)).toEqual({ reason: 'decision-before-inspection', limit: '2026-04-10' });
    expect(decisionDateProblem('2026-04-10', issue, lateEvening)).toBeNull();
    expect(decisionDateProblem('2026-11-30', issue, lateEvening)).toBeNull();
    // Before the dossier too: the dossier is named, it came first.
    expect(decisionDateProblem('2026-02-28', issue, lateEvening)?.reason).toBe('decision-before-dossier');
    // No inspection known (an area recorded before inspections were kept): nothing to compare with.
    expect(decisionDateProblem('2026-03-02', { dossierOn: '2026-03-01', passedOn: null }, lateEvening)).toBeNull();
  });
});
