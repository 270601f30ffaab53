import { describe, expect, it } from 'vitest';
import {
  DONG_THAP_2025,
  checkCode,
  checkMinimumArea,
  minimumAreaM2,
  normaliseCode,
  proposeCode,
  type CropRule,
} from './growing-area-rules.ts';

const mango: CropRule = { code: 'mango', name_vi: 'Xoài', crop_type: 'perennial', min_area_m2: 10_000 };
const vegetable: CropRule = { code: 'vegetable', name_vi: 'Rau màu', crop_type: 'annual', min_area_m2: 1_000 };

describe('minimum area', () => {
  it('refuses a 0.9 ha mango area and names both figures', () => {
    const r = checkMinimumArea(mango, [
      { id: 1, crop: 'mango', area_m2: 5_000 },
      { id: 2, crop: 'mango', area_m2: 4_000 },
    ]);
    expect(r).toMatchObject({ valid: false, reason: 'below-minimum-area' });
    if (!r.valid) expect(r.message).toBe('A perennial crop (Xoài) needs at least 1 ha; the plots total 0.9 ha.');
  });

  it('accepts a 0.15 ha vegetable area', () => {
    expect(checkMinimumArea(vegetable, [{ id: 3, crop: 'vegetable', area_m2: 1_500 }])).toEqual({ valid: true });
  });

  it('refuses an area with no plots or with a plot of another crop', () => {
    expect(checkMinimumArea(vegetable, [])).toMatchObject({ reason: 'no-plots' });
    expect(checkMinimumArea(mango, [{ id: 7, crop: 'rice', area_m2: 20_000 }])).toMatchObject({ reason: 'plot-crop-mismatch' });
  });

  it('falls back to the legal minimum of the crop type when the catalogue has none', () => {
    expect(minimumAreaM2({ ...mango, min_area_m2: null })).toBe(10_000);
    expect(minimumAreaM2({ ...vegetable, min_area_m2: null })).toBe(1_000);
  });
});

describe('codes', () => {
  it('accepts domestic codes with and without the abolished district part', () => {
    expect(checkCode('VN-87-866-29890-01-24', 'domestic-3156').valid).toBe(true);
    expect(checkCode('VN-82-29869-01-26', 'domestic-3156').valid).toBe(true);
  });

  it('accepts export codes as seen in practice and refuses a domestic one as PUC', () => {
    expect(checkCode('VN-TGOR-0095', 'export-puc').valid).toBe(true);
    expect(checkCode('VN-TGPH-0012', 'export-phc').valid).toBe(true);
    expect(checkCode('VN-82-29869-01-26', 'export-puc')).toMatchObject({ valid: false, reason: 'code-scheme-pattern' });
  });

  it('refuses codes that are not codes', () => {
    expect(checkCode('', 'export-puc')).toMatchObject({ reason: 'code-empty' });
    expect(checkCode("VN-1'; DROP", 'export-puc')).toMatchObject({ reason: 'code-shape' });
  });

  it('normalises typing', () => {
    expect(normaliseCode('  vn_tgor 0095 ')).toBe('VN-TGOR-0095');
  });

  it('proposes the next producer number in the commune and the next export serial', () => {
    const existing = ['VN-82-29869-01-25', 'VN-82-29869-07-26', 'VN-82-29884-09-26', 'VN-DTOR-0041'];
    expect(proposeCode('domestic-3156', DONG_THAP_2025, '29869', 2026, existing)).toBe('VN-82-29869-08-26');
    expect(proposeCode('domestic-3156', DONG_THAP_2025, '29888', 2026, existing)).toBe('VN-82-29888-01-26');
    expect(proposeCode('export-puc', DONG_THAP_2025, '29869', 2026, existing)).toBe('VN-DTOR-0042');
    expect(proposeCode('export-phc', DONG_THAP_2025, '29869', 2026, existing)).toBe('VN-DTPH-0001');
  });

  it('proposes codes that pass their own scheme check', () => {
    for (const scheme of ['domestic-3156', 'export-puc', 'export-phc'] as const) {
      expect(checkCode(proposeCode(scheme, DONG_THAP_2025, '29869', 2026, []), scheme).valid).toBe(true);
    }
  });
});
