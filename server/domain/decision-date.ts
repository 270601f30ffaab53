// The day of a lifecycle decision (an issue, an approval, a suspension, a restore, a revocation, a
// re-issue) is the day it was signed, which officers often record days later. It is a real calendar
// day, not after today in Vietnam (UTC+7), not before 1900, and not before what it rests on: an issue
// not before its dossier was created nor before the inspection that passed the area, a suspension or
// revocation not before the code was issued nor before the decision it follows (a revocation of a
// suspended code not before that suspension). Pure, so the card tells the officer what the server
// refuses with.
import { EARLIEST_DONE_DATE } from './done-date.ts';
import { vietnamToday } from './vietnam-time.ts';

/** Reason codes of a refused decision day (the `reason` of the server's 422, field `decidedOn`). */
export const DECISION_DATE_REASONS = {
  /** Not a calendar day written YYYY-MM-DD ('abc', '2023-02-30'). */
  INVALID: 'date-invalid',
  /** After today in Vietnam. */
  IN_FUTURE: 'date-in-future',
  /** Before 1900 (a slip of the year). */
  TOO_EARLY: 'date-too-early',
  /** An issue or approval dated before its dossier was created. */
  BEFORE_DOSSIER: 'decision-before-dossier',
  /** An issue or approval dated before the day of the inspection that passed the area. */
  BEFORE_INSPECTION: 'decision-before-inspection',
  /** A suspension, restore, revocation or re-issue dated before the code was issued. */
  BEFORE_ISSUE: 'decision-before-issue',
  /** A decision dated before the decision it follows (a revocation before the suspension it ends). */
  BEFORE_PREVIOUS: 'decision-before-previous',
} as const;

/** Why a decision day is refused. */
export type DecisionDateReason = (typeof DECISION_DATE_REASONS)[keyof typeof DECISION_DATE_REASONS];

/** What a decision may not precede, each YYYY-MM-DD or absent when unknown or not relevant to the move. */
export type DecisionDateBounds = {
  /** The day the dossier was created (for an issue or approval). */
  dossierOn?: string | null;
  /** The day of the inspection that passed the area (for an issue or approval). */
  passedOn?: string | null;
  /** The day the code was issued (for a move of a code already issued). */
  issuedOn?: string | null;
  /** The day of the latest decision already recorded on this version (for a move of a code already issued). */
  previousOn?: string | null;
};

/** A refused decision day: the reason and, for a bound, the day it may not precede. */
export type DecisionDateProblem = { reason: DecisionDateReason; limit?: string };

/** Whether `value` is a calendar day written YYYY-MM-DD (2024-02-29 is, 2023-02-30 is not). */
export function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const parsed = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  // Date.UTC takes years 0–99 as 1900–1999: set the year itself so '0099-01-01' reads as written.
  parsed.setUTCFullYear(Number(match[1]));
  return parsed.toISOString().slice(0, 10) === value;
}

/** What is wrong with decision day `value` given its `bounds`, as of `now`; null when it may be recorded. */
export function decisionDateProblem(value: string, bounds: DecisionDateBounds = {}, now = new Date()): DecisionDateProblem | null {
  if (!isCalendarDate(value)) return { reason: DECISION_DATE_REASONS.INVALID };
  const today = vietnamToday(now);
  if (value > today) return { reason: DECISION_DATE_REASONS.IN_FUTURE, limit: today };
  if (value < EARLIEST_DONE_DATE) return { reason: DECISION_DATE_REASONS.TOO_EARLY, limit: EARLIEST_DONE_DATE };
  if (bounds.dossierOn && value < bounds.dossierOn) return { reason: DECISION_DATE_REASONS.BEFORE_DOSSIER, limit: bounds.dossierOn };
  if (bounds.passedOn && value < bounds.passedOn) return { reason: DECISION_DATE_REASONS.BEFORE_INSPECTION, limit: bounds.passedOn };
  if (bounds.issuedOn && value < bounds.issuedOn) return { reason: DECISION_DATE_REASONS.BEFORE_ISSUE, limit: bounds.issuedOn };
  if (bounds.previousOn && value < bounds.previousOn) return { reason: DECISION_DATE_REASONS.BEFORE_PREVIOUS, limit: bounds.previousOn };
  return null;
}
