// Dates of things already done — an inspection, a spray, a residue sample — are never after today
// in Vietnam: the forms refuse them, and so does the API, for scripts and tools that skip the forms.
import { REGISTRY_REASON } from '../contracts/registry.ts';
import { isAfterVietnamToday, vietnamToday } from '../domain/vietnam-time.ts';
import { AppError } from '../plugins/errors.ts';

/** Throws 422 `date-in-future` when `value` (field `field`, a 'YYYY-MM-DD' date) is after today in Vietnam. */
export function requireDoneDate(field: string, value: string, what: string): void {
  if (!isAfterVietnamToday(value)) return;
  const today = vietnamToday();
  throw new AppError('VALIDATION_FAILED', `${field} ${value} is after today (${today} in Vietnam): ${what} is recorded once done.`, {
    reason: REGISTRY_REASON.DATE_IN_FUTURE,
    field,
    value,
    today,
  });
}
