// Dates of things already done — an inspection, a spray, a residue sample — are never after today
// in Vietnam nor before 1900: the forms refuse them, and so does the API, for scripts and tools that
// skip the forms.
import { REGISTRY_REASON } from '../contracts/registry.ts';
import { doneDateProblem, EARLIEST_DONE_DATE } from '../domain/done-date.ts';
import { vietnamToday } from '../domain/vietnam-time.ts';
import { AppError } from '../plugins/errors.ts';

/**
 * Throws 422 `date-in-future` when `value` (field `field`, a 'YYYY-MM-DD' date) is after today in
 * Vietnam, `date-too-early` when it is before 1900.
 */
export function requireDoneDate(field: string, value: string, what: string): void {
  const problem = doneDateProblem(value);
  if (problem === null) return;
  const today = vietnamToday();
  if (problem === REGISTRY_REASON.DATE_IN_FUTURE)
    throw new AppError('VALIDATION_FAILED', `${field} ${value} is after today (${today} in Vietnam): ${what} is recorded once done.`, {
      reason: REGISTRY_REASON.DATE_IN_FUTURE,
      field,
      value,
      today,
    });
  throw new AppError('VALIDATION_FAILED', `${field} ${value} is before ${EARLIEST_DONE_DATE}: check the year.`, {
    reason: REGISTRY_REASON.DATE_TOO_EARLY,
    field,
    value,
    earliest: EARLIEST_DONE_DATE,
  });
}
