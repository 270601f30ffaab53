import { describe, expect, it } from 'vitest';
import { foldVietnamese, missingParts, readParcelQuery } from './parcel-query.ts';

describe('reading a parcel query', () => {
  it('reads whole keys as before: numbers, "tờ … thửa …" in either order, with or without accents, the commune around them', () => {
    expect(readParcelQuery('29890 12 345')).toEqual({ commune: '29890', sheet: 12, parcel: 345 });
    expect(readParcelQuery(' 29890/12/345 ')).toEqual({ commune: '29890', sheet: 12, parcel: 345 });
    expect(readParcelQuery('tờ 1,   thửa 10')).toEqual({ commune: null, sheet: 1, parcel: 10 });
    expect(readParcelQuery('thua dat so 345, to ban do so 12')).toEqual({ commune: null, sheet: 12, parcel: 345 });
    expect(readParcelQuery('Tân Thuận Tây tờ 12 thửa 345')).toEqual({ commune: 'Tân Thuận Tây', sheet: 12, parcel: 345 });
  });

  it('reads a commune name followed by sheet and parcel, as the help text shows, and English words', () => {
    expect(readParcelQuery('Tân Thuận Tây 12 345')).toEqual({ commune: 'Tân Thuận Tây', sheet: 12, parcel: 345 });
    expect(readParcelQuery('Phường 1, 1 10')).toEqual({ commune: 'Phường 1', sheet: 1, parcel: 10 });
    expect(readParcelQuery('sheet 12 parcel 345')).toEqual({ commune: null, sheet: 12, parcel: 345 });
    expect(readParcelQuery('parcel no. 345 sheet no. 12')).toEqual({ commune: null, sheet: 12, parcel: 345 });
  });

  it('reads half-keys with the missing part left null', () => {
    expect(readParcelQuery('thửa 10')).toEqual({ commune: null, sheet: null, parcel: 10 });
    expect(readParcelQuery('tờ 12')).toEqual({ commune: null, sheet: 12, parcel: null });
    expect(readParcelQuery('29869 99')).toEqual({ commune: '29869', sheet: 99, parcel: null });
    expect(readParcelQuery('Hòa An thửa 7')).toEqual({ commune: 'Hòa An', sheet: null, parcel: 7 });
    expect(missingParts({ commune: null, sheet: null, parcel: 10 })).toEqual(['sheet']);
    expect(missingParts({ commune: null, sheet: 12, parcel: null })).toEqual(['parcel']);
    expect(missingParts({ commune: '29869', sheet: 1, parcel: 10 })).toEqual([]);
  });

  it('leaves other text alone', () => {
    for (const q of ['Tân Thuận Tây', 'ODT-53', 'VN-DTOR-0095', '12 345', 'tomato 12 thuan 3', '', '!!!', 'ấp Tân Hậu', '\u0000'])
      expect(readParcelQuery(q), q).toBeNull();
  });

  it('folds Vietnamese letters to ASCII one for one', () => {
    expect(foldVietnamese('Thửa Đất Số')).toBe('thua dat so');
    expect(foldVietnamese('Tờ bản đồ').length).toBe('Tờ bản đồ'.length);
  });
});
