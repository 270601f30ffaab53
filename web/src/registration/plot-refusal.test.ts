import { afterEach, describe, expect, it } from 'vitest';
import { HttpError } from '../api/http.ts';
import { setLang, startLang } from '../i18n/i18n.ts';
import { harvestBeforePlanting, plotFieldRefusalOf } from './plot-refusal.ts';

// The i18n module sets <html lang> and remembers the choice; bare objects stand in here.
(globalThis as { document?: unknown }).document ??= { documentElement: {} };
(globalThis as { localStorage?: unknown }).localStorage ??= { getItem: () => null, setItem: () => undefined };
afterEach(() => startLang('vi'));

const refusal = (reasons: unknown, status = 422) => new HttpError(status, '', { code: 'VALIDATION_FAILED', reasons }, undefined);

describe('the plot form’s expected harvest', () => {
  it('is refused before the planting date in a sentence, in Vietnamese and English; the same day or later passes', () => {
    expect(harvestBeforePlanting('2026-03-01', '2026-03-01')).toBeUndefined();
    expect(harvestBeforePlanting('2026-03-01', '')).toBeUndefined();
    expect(harvestBeforePlanting('', '2026-01-01')).toBeUndefined();
    const early = harvestBeforePlanting('2026-03-01', '2026-02-01')!;
    expect(early.field).toBe('expected_harvest');
    expect(early.text()).toBe('Ngày dự kiến thu hoạch không được trước ngày trồng (01/03/2026).');
    setLang('en');
    expect(early.text()).toBe('The expected harvest cannot be before the planting date (2026-03-01).');
  });
});

describe('the features API’s refusal of a plot form field', () => {
  it('says an unknown or out-of-scope farmer ID under the farmer field, in the page’s language', () => {
    const unknown = plotFieldRefusalOf(
      refusal([{ code: 'UNKNOWN_REFERENCE', property: 'farmer_id', message: 'farmer_id: no farmers record 99999999.' }]),
      { farmer_id: 99999999 },
    )!;
    expect(unknown.field).toBe('farmer_id');
    expect(unknown.text()).toBe('Không có nông hộ số hiệu 99999999: kiểm tra lại số hiệu, hoặc tìm nông hộ theo tên hay mã thẻ.');
    setLang('en');
    expect(unknown.text()).toBe(
      'There is no farmer with system number 99999999: check the number, or find the farmer by name or card code.',
    );
    setLang('vi');
    const scope = plotFieldRefusalOf(refusal([{ code: 'REFERENCE_OUT_OF_SCOPE', property: 'farmer_id' }]), { farmer_id: 12 })!;
    expect(scope.text()).toBe('Nông hộ số hiệu 12 không thuộc xã/phường bạn phụ trách.');
  });

  it('says an unknown crop, a harvest before planting, a bad value and the planting date’s rules under their fields', () => {
    expect(plotFieldRefusalOf(refusal([{ code: 'UNKNOWN_REFERENCE', property: 'crop' }]), { crop: 'durian-x' })?.text()).toBe(
      'Cây trồng “durian-x” không có trong danh mục: chọn cây trồng khác.',
    );
    const harvest = plotFieldRefusalOf(refusal([{ code: 'INVALID_PROPERTY', property: 'expected_harvest' }]), {
      planting_date: '2026-03-01',
      expected_harvest: '2026-02-01',
    });
    expect(harvest?.field).toBe('expected_harvest');
    expect(harvest?.text()).toBe('Ngày dự kiến thu hoạch không được trước ngày trồng (01/03/2026).');
    const bad = plotFieldRefusalOf(refusal([{ code: 'INVALID_PROPERTY', property: 'farmer_id' }]), { farmer_id: 1.5 });
    expect(bad?.text()).toBe('“Số hiệu nông hộ trong hệ thống” không hợp lệ.');
    const planting = plotFieldRefusalOf(
      refusal([{ code: 'INVALID_PROPERTY', property: 'planting_date', rule: 'date-too-early', value: '1800-01-01' }]),
      {},
    );
    expect(planting?.field).toBe('planting_date');
  });

  it('leaves refusals of no form field (commune, geometry, overlaps) and other statuses to the toast', () => {
    expect(plotFieldRefusalOf(refusal([{ code: 'PLOT_OVERLAPS', message: 'Overlaps' }]), {})).toBeUndefined();
    // A crop the plot's growing area does not grow keeps the toast that names the area and both crops.
    expect(plotFieldRefusalOf(refusal([{ code: 'PLOT_CROP_MISMATCH', property: 'crop' }]), { crop: 'mango' })).toBeUndefined();
    expect(plotFieldRefusalOf(refusal([{ code: 'INVALID_PROPERTY', property: 'commune_code' }]), {})).toBeUndefined();
    expect(plotFieldRefusalOf(refusal([{ code: 'UNKNOWN_REFERENCE', property: 'farmer_id' }], 409), {})).toBeUndefined();
    expect(plotFieldRefusalOf(new Error('offline'), {})).toBeUndefined();
  });
});
