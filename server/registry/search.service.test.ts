import { describe, expect, it } from 'vitest';
import { accentInsensitivePattern, expandUnitAbbreviation, parseParcelKey } from './search.service.ts';

describe('parcel keys typed in the search box', () => {
  it('reads commune code, sheet and parcel separated by spaces, slashes or hyphens', () => {
    for (const q of ['29890 12 345', '29890/12/345', ' 29890-12-345 '])
      expect(parseParcelKey(q)).toEqual({ commune: '29890', sheet: 12, parcel: 345 });
  });

  it('reads "tờ … thửa …" in either order, with or without accents, and the commune around it', () => {
    expect(parseParcelKey('tờ 12 thửa 345')).toEqual({ commune: null, sheet: 12, parcel: 345 });
    expect(parseParcelKey('Thửa đất số 345, tờ bản đồ số 12')).toEqual({ commune: null, sheet: 12, parcel: 345 });
    expect(parseParcelKey('Tân Thuận Tây tờ 12 thửa 345')).toEqual({ commune: 'Tân Thuận Tây', sheet: 12, parcel: 345 });
    expect(parseParcelKey('to 12 thua 345 xa Tan Thuan Tay')).toEqual({ commune: 'xa Tan Thuan Tay', sheet: 12, parcel: 345 });
  });

  it('leaves other text alone', () => {
    for (const q of ['Tân Thuận Tây', 'VN-DTOR-0095', '12 345', 'tờ 12', 'tomato 12 thuan 3']) expect(parseParcelKey(q)).toBeNull();
  });
});

describe('unit abbreviations', () => {
  it('spells out TP, TX, TT, P., X. and H. and leaves names alone', () => {
    expect(expandUnitAbbreviation('TP Cao Lãnh')).toBe('Thành phố Cao Lãnh');
    expect(expandUnitAbbreviation('tp. cao lanh')).toBe('Thành phố cao lanh');
    expect(expandUnitAbbreviation('P. 1')).toBe('Phường 1');
    expect(expandUnitAbbreviation('X. Hòa An')).toBe('Xã Hòa An');
    expect(expandUnitAbbreviation('Tân Thuận Tây')).toBe('Tân Thuận Tây');
    expect(expandUnitAbbreviation('Phường Cao Lãnh')).toBe('Phường Cao Lãnh');
  });
});

describe('accent-insensitive patterns', () => {
  // The same regular expression in JavaScript (with the u flag) as in PostgreSQL for these cases.
  const matches = (q: string, text: string): boolean => new RegExp(accentInsensitivePattern(q), 'u').test(text);

  it('finds Vietnamese text typed with or without accents, in any case', () => {
    expect(matches('tan hau', 'Tổ 12, Ấp Tân Hậu, xã Tân Thuận Tây')).toBe(true);
    expect(matches('TÂN HẬU', 'ấp tân hậu')).toBe(true);
    expect(matches('dong thap', 'Đồng Tháp')).toBe(true);
    expect(matches('tan hau', 'Tân Hòa')).toBe(false);
  });

  it('finds text stored decomposed (NFD)', () => {
    expect(matches('Tân Hậu', 'Ấp Tân Hậu'.normalize('NFD'))).toBe(true);
  });

  it('keeps regex operators literal', () => {
    expect(matches('a.b', 'axb')).toBe(false);
    expect(matches('(12)', 'thửa (12)')).toBe(true);
    expect(() => new RegExp(accentInsensitivePattern('[*+?{}|^$\\'), 'u')).not.toThrow();
  });
});
