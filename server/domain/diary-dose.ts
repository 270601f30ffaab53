// A spray's dose in the farm diary as a number and a unit from a short list (s17): as free text the
// same dose was written "2 lít/ha", "2l" and "hai lít", and no figure could be held against a
// label's maximum. The units are those Vietnamese pesticide labels give: per hectare, or per
// 16-litre knapsack tank ("bình 16 lít", the sprayer a farmer carries). Entries written before keep
// their text (diary_entries.dose, migration 026) and are shown as they were.

/** The dose units, by stable code (what the API takes and the database stores). */
export const DOSE_UNITS = ['ml/ha', 'l/ha', 'g/ha', 'kg/ha', 'ml/16l', 'g/16l'] as const;
export type DoseUnit = (typeof DOSE_UNITS)[number];

/** Each unit as Vietnamese labels write it: the text stored beside the figure for clients that read `dose` alone. */
export const DOSE_UNIT_VI: Readonly<Record<DoseUnit, string>> = {
  'ml/ha': 'ml/ha',
  'l/ha': 'lít/ha',
  'g/ha': 'g/ha',
  'kg/ha': 'kg/ha',
  'ml/16l': 'ml/bình 16 lít',
  'g/16l': 'g/bình 16 lít',
};

/** The largest amount taken in any unit: above it the figure is a slip (100 000 ml/ha is already 100 l/ha). */
export const DOSE_MAX = 100_000;

/** Why a dose is refused (422 `reason`, with `field`). */
export const DOSE_REASONS = {
  /** `doseAmount` is not a JSON number ("2", "hai", true, an object). */
  NOT_A_NUMBER: 'dose-not-a-number',
  /** `doseAmount` is zero or negative. */
  NOT_POSITIVE: 'dose-not-positive',
  /** `doseAmount` is above DOSE_MAX. */
  TOO_LARGE: 'dose-too-large',
  /** `doseUnit` is none of DOSE_UNITS. */
  UNIT_UNKNOWN: 'dose-unit-unknown',
  /** A figure without its unit. */
  UNIT_MISSING: 'dose-unit-missing',
  /** A unit without its figure. */
  AMOUNT_MISSING: 'dose-amount-missing',
  /** The free-text `dose` of older clients sent with a figure: one dose, said once. */
  TEXT_AND_AMOUNT: 'dose-text-and-amount',
} as const;
export type DoseReason = (typeof DOSE_REASONS)[keyof typeof DOSE_REASONS];

/** A dose as a figure and a unit. */
export type Dose = { amount: number; unit: DoseUnit };

/** The verdict on a dose sent: the dose (null when none was given), or the reason and the field to fix. */
export type DoseCheck = { valid: true; dose: Dose | null } | { valid: false; reason: DoseReason; field: 'doseAmount' | 'doseUnit' };

const given = (v: unknown): boolean => v !== undefined && v !== null;

/** Checks `doseAmount` and `doseUnit` as sent (any JSON): both or neither, a finite number above 0 and at most DOSE_MAX, a listed unit. */
export function checkDose(amount: unknown, unit: unknown): DoseCheck {
  if (!given(amount) && !given(unit)) return { valid: true, dose: null };
  if (!given(amount)) return { valid: false, reason: DOSE_REASONS.AMOUNT_MISSING, field: 'doseAmount' };
  if (typeof amount !== 'number' || !Number.isFinite(amount))
    return { valid: false, reason: DOSE_REASONS.NOT_A_NUMBER, field: 'doseAmount' };
  if (amount <= 0) return { valid: false, reason: DOSE_REASONS.NOT_POSITIVE, field: 'doseAmount' };
  if (amount > DOSE_MAX) return { valid: false, reason: DOSE_REASONS.TOO_LARGE, field: 'doseAmount' };
  if (!given(unit)) return { valid: false, reason: DOSE_REASONS.UNIT_MISSING, field: 'doseUnit' };
  if (!isDoseUnit(unit)) return { valid: false, reason: DOSE_REASONS.UNIT_UNKNOWN, field: 'doseUnit' };
  return { valid: true, dose: { amount, unit } };
}

/** Whether `unit` is one of DOSE_UNITS. */
export function isDoseUnit(unit: unknown): unit is DoseUnit {
  return typeof unit === 'string' && (DOSE_UNITS as readonly string[]).includes(unit);
}

/** The dose as a Vietnamese label writes it, "0,5 lít/ha", "20 ml/bình 16 lít": the text older clients show. */
export function doseTextVi(dose: Dose): string {
  return `${String(dose.amount).replace('.', ',')} ${DOSE_UNIT_VI[dose.unit]}`;
}
