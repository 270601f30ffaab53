import { describe, expect, it } from 'vitest';
import { unitNameOn } from './card-names.ts';

// The seed's versions of code 29869 (the features API's admin collection): the ward kept its code
// through two renamings.
const ward = [
  { name: 'Phường 2', valid_from: '2000-01-01', valid_to: '2025-01-01' },
  { name: 'Phường 1', valid_from: '2025-01-01', valid_to: '2025-07-01' },
  { name: 'Phường Cao Lãnh', valid_from: '2025-07-01', valid_to: null },
];

describe('the name of a commune code', () => {
  it('is the name in force on the day asked', () => {
    expect(unitNameOn(ward, '2026-03-01')).toBe('Phường Cao Lãnh');
    expect(unitNameOn(ward, '2025-07-01')).toBe('Phường Cao Lãnh');
    expect(unitNameOn(ward, '2025-06-30')).toBe('Phường 1');
    expect(unitNameOn(ward, '2010-05-05')).toBe('Phường 2');
  });

  it('of a commune merged away is the name it last had, and nothing when no version is named', () => {
    const merged = [{ name: 'Xã Tân Thuận Tây', valid_from: '2000-01-01', valid_to: '2025-07-01' }];
    expect(unitNameOn(merged, '2026-03-01')).toBe('Xã Tân Thuận Tây');
    expect(unitNameOn([...ward].reverse().slice(1), '2026-03-01')).toBe('Phường 1');
    expect(unitNameOn([], '2026-03-01')).toBeUndefined();
    expect(unitNameOn([{ name: '', valid_from: null, valid_to: null }], '2026-03-01')).toBeUndefined();
  });
});
