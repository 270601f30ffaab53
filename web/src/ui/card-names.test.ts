import { describe, expect, it } from 'vitest';
import { unitNameOn, unitOnCard } from './card-names.ts';

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

describe('a commune code on a card', () => {
  const merged = [{ name: 'Phường 4', valid_from: '2000-01-01', valid_to: '2025-07-01' }];

  it('is marked former when no version of it is in force, with or without the name its parcel’s survey gave it (audit s17)', () => {
    expect(unitOnCard(merged, '2026-12-01')).toEqual({ name: 'Phường 4', former: true });
    expect(unitOnCard(merged, '2026-12-01', 'Phường 4')).toEqual({ name: 'Phường 4', former: true });
    expect(unitOnCard(merged, '2025-06-30')).toEqual({ name: 'Phường 4', former: false });
  });

  it('is current under today’s name, and former under a name it no longer has (a survey of 2010 named 29869 Phường 2)', () => {
    expect(unitOnCard(ward, '2026-12-01')).toEqual({ name: 'Phường Cao Lãnh', former: false });
    expect(unitOnCard(ward, '2026-12-01', 'Phường Cao Lãnh')).toEqual({ name: 'Phường Cao Lãnh', former: false });
    expect(unitOnCard([], '2026-12-01')).toBeUndefined();
    expect(unitOnCard([], '2026-12-01', 'Phường 4')).toEqual({ name: 'Phường 4', former: true });
  });

  it('says where a former unit is today: the features API’s today_units, or the name its code has now', () => {
    const gone = [{ ...merged[0]!, today_units: 'Phường Cao Lãnh' }];
    expect(unitOnCard(gone, '2026-12-01')).toEqual({ name: 'Phường 4', former: true, today: 'Phường Cao Lãnh' });
    expect(unitOnCard(gone, '2025-06-30')).toEqual({ name: 'Phường 4', former: false });
    expect(unitOnCard(ward, '2026-12-01', 'Phường 2')).toEqual({ name: 'Phường 2', former: true, today: 'Phường Cao Lãnh' });
  });
});
