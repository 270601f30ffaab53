// The plot form's planting date as the server judges it (server/domain/done-date.ts): not after
// today in Vietnam, not before 1900. The form checks it before sending, and shows the features API's
// 422 about it (a save refused when the form's clock and the server's disagree) under the same field.
import { doneDateProblem, DONE_DATE_REASONS, type DoneDateProblem } from '../../../server/domain/done-date.ts';
import { vietnamToday } from '../../../server/domain/vietnam-time.ts';
import { HttpError } from '../api/http.ts';
import { t } from '../i18n/i18n.ts';
import { date } from '../ui/feature-format.ts';

/** Why the planting date is refused, with the day that was today when it was judged. */
export type PlantingRefusal = { field: 'planting_date'; rule: DoneDateProblem; today: string };

const RULES: readonly string[] = Object.values(DONE_DATE_REASONS);

/** The form's own check of a typed planting date ('' for none); undefined when it may be sent. */
export function plantingDateRefusal(value: string, now = new Date()): PlantingRefusal | undefined {
  if (!value) return undefined;
  const rule = doneDateProblem(value, now);
  return rule ? { field: 'planting_date', rule, today: vietnamToday(now) } : undefined;
}

/** The features API's refusal of the planting date (a 422 reason naming it with a rule), or undefined. */
export function plantingRefusalOf(error: unknown): PlantingRefusal | undefined {
  if (!(error instanceof HttpError) || error.status !== 422) return undefined;
  const reasons: unknown = error.problem?.reasons;
  if (!Array.isArray(reasons)) return undefined;
  for (const r of reasons as Record<string, unknown>[]) {
    if (r.property === 'planting_date' && typeof r.rule === 'string' && RULES.includes(r.rule)) {
      const today = typeof r.today === 'string' ? r.today : vietnamToday();
      return { field: 'planting_date', rule: r.rule as DoneDateProblem, today };
    }
  }
  return undefined;
}

/** The refusal in the officer's language, said under the planting date. */
export function plantingRefusalText(refusal: PlantingRefusal): string {
  return refusal.rule === DONE_DATE_REASONS.IN_FUTURE ? t('plantingInFuture', { today: date(refusal.today) }) : t('plantingTooEarly');
}
