import { describe, expect, it } from 'vitest';
import { en } from '../../web/src/i18n/en.ts';
import { vi } from '../../web/src/i18n/vi.ts';
import { checkDose, DOSE_UNIT_VI, DOSE_UNITS, doseTextVi } from './diary-dose.ts';

describe('checkDose', () => {
  it('takes a figure above 0 with a listed unit, or neither', () => {
    expect(checkDose(0.5, 'l/ha')).toEqual({ valid: true, dose: { amount: 0.5, unit: 'l/ha' } });
    expect(checkDose(100_000, 'ml/ha')).toEqual({ valid: true, dose: { amount: 100_000, unit: 'ml/ha' } });
    expect(checkDose(undefined, undefined)).toEqual({ valid: true, dose: null });
    expect(checkDose(null, null)).toEqual({ valid: true, dose: null });
  });

  it('names the reason and the field of every other dose', () => {
    const refused = (amount: unknown, unit: unknown) => {
      const check = checkDose(amount, unit);
      return check.valid ? 'valid' : `${check.reason} ${check.field}`;
    };
    expect(refused(0, 'l/ha')).toBe('dose-not-positive doseAmount');
    expect(refused(-1, 'l/ha')).toBe('dose-not-positive doseAmount');
    expect(refused('2', 'l/ha')).toBe('dose-not-a-number doseAmount');
    expect(refused(Number.NaN, 'l/ha')).toBe('dose-not-a-number doseAmount');
    expect(refused(Number.POSITIVE_INFINITY, 'l/ha')).toBe('dose-not-a-number doseAmount');
    expect(refused(100_000.01, 'l/ha')).toBe('dose-too-large doseAmount');
    expect(refused(2, 'lít/ha')).toBe('dose-unit-unknown doseUnit');
    expect(refused(2, 16)).toBe('dose-unit-unknown doseUnit');
    expect(refused(2, null)).toBe('dose-unit-missing doseUnit');
    expect(refused(null, 'l/ha')).toBe('dose-amount-missing doseAmount');
  });
});

describe('the dose in words', () => {
  it('writes the figure with a decimal comma and the unit as a Vietnamese label does', () => {
    expect(doseTextVi({ amount: 0.5, unit: 'l/ha' })).toBe('0,5 lít/ha');
    expect(doseTextVi({ amount: 20, unit: 'ml/16l' })).toBe('20 ml/bình 16 lít');
  });

  it('names every unit as the web does in Vietnamese, and in English too', () => {
    for (const unit of DOSE_UNITS) {
      expect(vi[`diaryDoseUnit_${unit}`]).toBe(DOSE_UNIT_VI[unit]);
      expect(en[`diaryDoseUnit_${unit}`]).toBeTruthy();
    }
  });
});
