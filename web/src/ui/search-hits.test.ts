import { describe, expect, it } from 'vitest';
import { enterAction, farmerRecordOf, hitProperties } from './search-hits.ts';

describe('what Enter does in the search box', () => {
  it('opens the highlighted hit when the list answers the text typed now (spaces around it do not matter)', () => {
    expect(enterAction({ typed: 'ODT-53', shown: 'ODT-53', hits: 3, active: 1 })).toEqual({ kind: 'pick', index: 1 });
    expect(enterAction({ typed: ' ODT-53 ', shown: 'ODT-53', hits: 3, active: -1 })).toEqual({ kind: 'pick', index: 0 });
  });

  it('searches the text typed now when the list still answers an earlier text, never picking one of its hits', () => {
    expect(enterAction({ typed: 'ODT-53', shown: 'tờ 12 thửa 345', hits: 1, active: 0 })).toEqual({ kind: 'search', query: 'ODT-53' });
    expect(enterAction({ typed: 'tờ 12 thửa 345', shown: 'ODT-53', hits: 2, active: 1 })).toEqual({
      kind: 'search',
      query: 'tờ 12 thửa 345',
    });
    // A prefix of the shown query is another text too.
    expect(enterAction({ typed: 'ODT-5', shown: 'ODT-53', hits: 1, active: 0 })).toEqual({ kind: 'search', query: 'ODT-5' });
  });

  it('searches when nothing has been answered yet, and does nothing for fewer than two letters', () => {
    expect(enterAction({ typed: 'tờ 999 thửa 1', shown: '', hits: 0, active: -1 })).toEqual({ kind: 'search', query: 'tờ 999 thửa 1' });
    expect(enterAction({ typed: ' a ', shown: '', hits: 0, active: -1 })).toEqual({ kind: 'none' });
  });

  it('keeps the message of an answer that found nothing for the same text instead of opening anything', () => {
    expect(enterAction({ typed: 'tờ 999 thửa 1', shown: 'tờ 999 thửa 1', hits: 0, active: -1 })).toEqual({ kind: 'show' });
  });
});

describe("a hit's facts as its card's properties", () => {
  it('names a zoning lot’s facts as the tiles and the features API do, and nothing of the hit’s own words', () => {
    const facts = {
      lotCode: 'ODT-53',
      function: 'Đất ở đô thị',
      landUseCode: 'ODT',
      planId: 1,
      planName: 'Quy hoạch phân khu tỷ lệ 1/2000',
      scale: '1/2000',
      exact: true,
    };
    expect(hitProperties('zones', facts)).toEqual({
      lot_code: 'ODT-53',
      function: 'Đất ở đô thị',
      land_use_code: 'ODT',
      plan_name: 'Quy hoạch phân khu tỷ lệ 1/2000',
    });
  });

  it('gives a parcel its key and leaves out an owner’s name and empty facts', () => {
    const facts = { ownerName: 'Nguyễn Văn A', communeCode: '29869', sheet: 12, parcelNo: 345, landUseCode: 'ODT', address: null };
    expect(hitProperties('parcels', facts)).toEqual({ commune_code: '29869', sheet: 12, parcel_no: 345, land_use_code: 'ODT' });
  });

  it('gives a growing area its code, name, status and crop code, a unit its name and code', () => {
    const area = { code: 'VN-82-29869-01-26', name: 'Vùng ớt', status: 'issued', cropCode: 'chili', cropNameVi: 'Ớt', cropNameEn: 'Chili' };
    expect(hitProperties('growing_areas', area)).toEqual({ code: 'VN-82-29869-01-26', name: 'Vùng ớt', status: 'issued', crop: 'chili' });
    expect(hitProperties('admin', { code: '29869', name: 'Phường 1', level: 'Phường', current: true, today: null })).toEqual({
      name: 'Phường 1',
      code: '29869',
    });
    // A former unit carries what its card says of today (feature-format formerUnitNow).
    const former = {
      code: '29890-98',
      name: 'Ấp Thử Sáp Nhập',
      level: 'hamlet',
      current: false,
      today: 'Phường Cao Lãnh',
      todayHamlet: 'Ấp Tân Dinh',
    };
    expect(hitProperties('admin', former)).toEqual({
      name: 'Ấp Thử Sáp Nhập',
      code: '29890-98',
      former: { name: 'Ấp Thử Sáp Nhập', today: 'Phường Cao Lãnh', todayHamlet: 'Ấp Tân Dinh' },
    });
  });

  it('has nothing for a hit without facts or of a group it does not know', () => {
    expect(hitProperties('zones', undefined)).toEqual({});
    expect(hitProperties('plots', { code: 'X' })).toEqual({});
  });
});

describe('which hit opens a farmer record instead of flying', () => {
  it('opens the record of a farmer with no plot yet, and flies for every other hit', () => {
    const facts = { farmerId: 7, name: 'Đặng Thị Mới', code: 'ND-TEST-MOI3', plotCount: 0 };
    expect(farmerRecordOf({ kind: 'farmer', facts })).toBe(7);
    // A farmer with plots opens the first plot's card; an owner or a parcel is never a record.
    expect(farmerRecordOf({ kind: 'farmer', facts: { ...facts, plotCount: 2 } })).toBeUndefined();
    expect(farmerRecordOf({ kind: 'owner', facts })).toBeUndefined();
    // An answer of an older server (no farmerId, no count) flies as before.
    expect(farmerRecordOf({ kind: 'farmer', facts: { name: 'Kha Văn Nam', code: 'ND-TEST-NAM1' } })).toBeUndefined();
    expect(farmerRecordOf({ kind: 'farmer', facts: { ...facts, farmerId: undefined } })).toBeUndefined();
    expect(farmerRecordOf({ kind: 'farmer' })).toBeUndefined();
  });
});
