import { afterEach, describe, expect, it } from 'vitest';
import { HttpError } from '../api/http.ts';
import { setLang, startLang } from '../i18n/i18n.ts';
import { validationReasons } from './plot-api.ts';

// The i18n module sets <html lang> and remembers the choice; bare objects stand in here.
(globalThis as { document?: unknown }).document ??= { documentElement: {} };
(globalThis as { localStorage?: unknown }).localStorage ??= { getItem: () => null, setItem: () => undefined };

// The features API's 422 as server/ogc/validation.ts writes it: codes, English sentences and facts.
const refusal = new HttpError(
  422,
  'The feature was refused.',
  {
    reasons: [
      {
        code: 'PLOT_OVERLAPS',
        message: 'Overlaps 2 other plots by more than 1 m²: #677 (1446.6 m²), #9 (2.5 m²).',
        overlaps: [
          { id: 677, overlap_m2: 1446.6 },
          { id: 9, overlap_m2: 2.5 },
        ],
      },
      { code: 'OUTSIDE_COMMUNE', message: '37 m² of the feature lie outside commune 29869.', commune_code: '29869', outside_m2: 36.6 },
      { code: 'SELF_INTERSECTION', message: 'The ring crosses itself.' },
      { code: 'SOMETHING_NEW', message: 'A reason this client does not know yet.' },
    ],
  },
  undefined,
);

describe("a plot's refused save in the officer's words", () => {
  afterEach(() => startLang('vi'));

  it('words the database checks from their facts and the geometry faults by the shared validator, in either language', () => {
    setLang('vi');
    expect(validationReasons(refusal)).toEqual([
      'Chồng lấn 2 thửa canh tác khác hơn 1 m²: #677 (1.446,6 m²), #9 (2,5 m²).',
      '36,6 m² của thửa nằm ngoài xã/phường 29869.',
      'Ranh giới tự cắt nhau.',
      'A reason this client does not know yet.',
    ]);
    setLang('en');
    expect(validationReasons(refusal)).toEqual([
      'Overlaps 2 other plots by more than 1 m²: #677 (1,446.6 m²), #9 (2.5 m²).',
      '36.6 m² of the plot lie outside commune 29869.',
      'The ring crosses itself.',
      'A reason this client does not know yet.',
    ]);
  });

  it('answers undefined for anything but a 422', () => {
    expect(validationReasons(new HttpError(409, 'conflict', undefined, undefined))).toBeUndefined();
    expect(validationReasons(new Error('x'))).toBeUndefined();
  });
});
