// Dates of things already done (a plot planted, an inspection made, a spray applied, a sample taken)
// lie between 1900 and today in Vietnam: a planting date of 2030-01-01 or 0201-05-03 (a slip of the
// year) is no record of anything. Pure, so a form tells the officer what the server refuses with.
import { vietnamToday } from './vietnam-time.ts';

/** The earliest date a record of something done may carry (no orchard on the registry is older). */
export const EARLIEST_DONE_DATE = '1900-01-01';

/** Reason codes of a refused date of something done (the `reason` of the server's 422). */
export const DONE_DATE_REASONS = {
  /** After today in Vietnam (UTC+7). */
  IN_FUTURE: 'date-in-future',
  /** Before EARLIEST_DONE_DATE. */
  TOO_EARLY: 'date-too-early',
} as const;

/** Why a done date is refused. */
export type DoneDateProblem = (typeof DONE_DATE_REASONS)[keyof typeof DONE_DATE_REASONS];

/** What is wrong with a 'YYYY-MM-DD' date of something done, as of `now`; null when it may be kept. */
export function doneDateProblem(date: string, now = new Date()): DoneDateProblem | null {
  if (date > vietnamToday(now)) return DONE_DATE_REASONS.IN_FUTURE;
  if (date < EARLIEST_DONE_DATE) return DONE_DATE_REASONS.TOO_EARLY;
  return null;
}
