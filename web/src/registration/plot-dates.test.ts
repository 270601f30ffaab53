import { afterEach, describe, expect, it } from 'vitest';
import { HttpError } from '../api/http.ts';
import { setLang, startLang } from '../i18n/i18n.ts';
import { plantingDateRefusal, plantingRefusalOf, plantingRefusalText } from './plot-dates.ts';

// The i18n module sets <html lang> and remembers the choice; bare objects stand in here.
(globalThis as { document?: unknown }).document ??= { documentElement: {} };
(globalThis as { localStorage?: unknown }).localStorage ??= { getItem: () => null, setItem: () => undefined };
afterEach(() => startLang('vi'));

// 23:59 on 29 November in Cao Lãnh.
const now = new Date('2026-11-29T16:59:00Z');

describe('the plot form’s planting date', () => {
  it('takes none, today in Vietnam and any day since 1900', () => {
    for (const value of ['', '2026-11-29', '1900-01-01', '2005-03-15']) expect(plantingDateRefusal(value, now), value).toBeUndefined();
  });

  it('refuses a day after today in Vietnam and one before 1900, in Vietnamese and English', () => {
    const future = plantingDateRefusal('2030-01-01', now)!;
    expect(future).toEqual({ field: 'planting_date', rule: 'date-in-future', today: '2026-11-29' });
    expect(plantingRefusalText(future)).toBe('Ngày trồng không được sau hôm nay (29/11/2026).');
    const early = plantingDateRefusal('1899-12-31', now)!;
    expect(early.rule).toBe('date-too-early');
    expect(plantingRefusalText(early)).toBe('Ngày trồng không được trước năm 1900: kiểm tra lại năm.');
    setLang('en');
    expect(plantingRefusalText(future)).toBe('The planting date cannot be after today (2026-11-29).');
  });

  it('reads the features API’s 422 about the planting date, and nothing else', () => {
    const refusal = (status: number, reasons: unknown) => new HttpError(status, '', { code: 'VALIDATION_FAILED', reasons }, undefined);
    const reason = {
      code: 'INVALID_PROPERTY',
      property: 'planting_date',
      rule: 'date-in-future',
      value: '2030-01-01',
      today: '2026-11-30',
    };
    expect(plantingRefusalOf(refusal(422, [reason]))).toEqual({ field: 'planting_date', rule: 'date-in-future', today: '2026-11-30' });
    expect(plantingRefusalOf(refusal(422, [{ ...reason, property: 'expected_harvest' }]))).toBeUndefined();
    expect(
      plantingRefusalOf(refusal(422, [{ code: 'INVALID_PROPERTY', property: 'planting_date', message: 'must be a date' }])),
    ).toBeUndefined();
    expect(plantingRefusalOf(refusal(409, [reason]))).toBeUndefined();
    expect(plantingRefusalOf(new Error('offline'))).toBeUndefined();
  });
});
