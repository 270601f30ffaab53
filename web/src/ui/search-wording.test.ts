import { afterEach, describe, expect, it } from 'vitest';
import type { SearchUnderstood } from '../../../server/contracts/registry.ts';
import { startLang } from '../i18n/i18n.ts';
import { HttpError } from '../api/http.ts';
import { hitText, personalHint, personalQuery, searchFailure, understoodHint } from './search-wording.ts';

// startLang marks the page's language; a bare stand-in page is enough here.
(globalThis as { document?: unknown }).document ??= { documentElement: {} };
afterEach(() => startLang('vi'));

// Hits as GET /api/search answers them for the sample data (facts beside the Vietnamese label).
const parcel = {
  kind: 'parcel',
  label: 'Tờ 1 thửa 10 — Phường 1',
  detail: 'ODT · Số 10 Đường Hồ Xuân Hương, Khóm 1, Phường 1',
  facts: {
    communeCode: '29869',
    communeName: 'Phường 1',
    sheet: 1,
    parcelNo: 10,
    landUseCode: 'ODT',
    address: 'Số 10 Đường Hồ Xuân Hương, Khóm 1, Phường 1',
  },
};
const lot = {
  kind: 'zoning_lot',
  label: 'Ô quy hoạch ODT-53',
  detail: 'Quy hoạch phân khu tỷ lệ 1/2000 khu trung tâm thành phố Cao Lãnh',
  facts: { lotCode: 'ODT-53', planName: 'Quy hoạch phân khu tỷ lệ 1/2000 khu trung tâm thành phố Cao Lãnh', planId: 1 },
};
const unit = {
  kind: 'unit',
  label: 'Xã Tân Thuận Tây',
  facts: { code: '29890', name: 'Xã Tân Thuận Tây', level: 'commune', current: false, today: 'Phường Cao Lãnh', lastDay: '2025-06-30' },
};
const area = {
  kind: 'growing_area',
  label: 'VN-82-29869-55-26',
  facts: {
    code: 'VN-82-29869-55-26',
    name: 'Vùng rau Tân Hậu',
    status: 'issued',
    cropCode: 'vegetable',
    cropNameVi: 'Rau',
    cropNameEn: 'Vegetables',
  },
};

describe('search hits worded in the language shown', () => {
  it('words every kind in Vietnamese from its facts, as the server labels them', () => {
    expect(hitText(parcel)).toEqual({ label: parcel.label, detail: parcel.detail });
    expect(hitText(lot)).toEqual({ label: 'Ô quy hoạch ODT-53', detail: lot.facts.planName });
    expect(hitText({ kind: 'address', label: 'Khóm 1', facts: { sheet: 1, parcelNo: 10 } })).toEqual({
      label: 'Khóm 1',
      detail: 'Tờ 1 thửa 10',
    });
    expect(hitText(unit).detail).toBe('Xã Tân Thuận Tây (đơn vị cũ, mã 29890) · đến 30/06/2025 → nay thuộc Phường Cao Lãnh');
    expect(hitText(area).detail).toBe('Vùng rau Tân Hậu · Rau · Đã cấp mã');
  });

  it('words a farmer of the registry by name, with the card code, the number of plots and where, in both languages', () => {
    const farmer = {
      kind: 'farmer',
      label: 'Kha Văn Nam',
      detail: 'ND-TEST-NAM1 · 3 thửa · Ấp Tân Hậu · Phường Cao Lãnh',
      facts: {
        name: 'Kha Văn Nam',
        code: 'ND-TEST-NAM1',
        plotCount: 3,
        hamlet: 'Ấp Tân Hậu',
        communeCode: '29869',
        communeName: 'Phường Cao Lãnh',
      },
    };
    expect(hitText(farmer)).toEqual({ label: 'Kha Văn Nam', detail: 'Mã thẻ ND-TEST-NAM1 · 3 thửa · Ấp Tân Hậu, Phường Cao Lãnh' });
    startLang('en');
    expect(hitText(farmer).detail).toBe('Card code ND-TEST-NAM1 · 3 plots · Ấp Tân Hậu, Phường Cao Lãnh');
    expect(hitText({ ...farmer, facts: { ...farmer.facts, plotCount: 1, hamlet: null } }).detail).toBe(
      'Card code ND-TEST-NAM1 · 1 plot · Phường Cao Lãnh',
    );
  });

  it('says a farmer has no plot yet, in both languages (the hit opens their record)', () => {
    const farmer = {
      kind: 'farmer',
      label: 'Đặng Thị Mới',
      facts: {
        farmerId: 7,
        name: 'Đặng Thị Mới',
        code: 'ND-TEST-MOI3',
        plotCount: 0,
        hamlet: 'Ấp Hòa Mới',
        communeCode: '29869',
        communeName: null,
      },
    };
    expect(hitText(farmer)).toEqual({ label: 'Đặng Thị Mới', detail: 'Mã thẻ ND-TEST-MOI3 · Chưa có thửa · Ấp Hòa Mới, 29869' });
    startLang('en');
    expect(hitText(farmer).detail).toBe('Card code ND-TEST-MOI3 · No plot yet · Ấp Hòa Mới, 29869');
  });

  it('words them in English after the switch', () => {
    startLang('en');
    expect(hitText(parcel).label).toBe('Sheet 1, parcel 10 — Phường 1');
    expect(hitText(lot)).toEqual({ label: 'Zoning lot ODT-53', detail: lot.facts.planName });
    expect(hitText({ kind: 'owner', label: 'Kha Văn Nam', facts: { sheet: 912, parcelNo: 345, communeCode: '29890' } }).detail).toBe(
      'Sheet 912 parcel 345, commune/ward 29890',
    );
    expect(hitText({ ...unit, facts: { ...unit.facts, current: true } }).detail).toBe('Commune · code 29890');
    expect(hitText(area).detail).toBe('Vùng rau Tân Hậu · Vegetables · Code issued');
  });

  it('words a former unit by its code and last day, a hamlet with its commune of then, and never prints "?" for an unknown today', () => {
    const hamlet = {
      kind: 'unit',
      label: 'Ấp Tân Dinh',
      facts: { code: '29890-02', name: 'Ấp Tân Dinh', level: 'hamlet', current: false, today: null, formerParent: 'Xã Tân Thuận Tây' },
    };
    expect(hitText(hamlet).detail).toBe('Ấp Tân Dinh, Xã Tân Thuận Tây (đơn vị cũ, mã 29890-02) · chưa rõ đơn vị hiện nay');
    const old1 = {
      kind: 'unit',
      label: 'Phường 1',
      facts: { code: '29866', name: 'Phường 1', current: false, today: 'Phường Cao Lãnh', lastDay: '2024-12-31' },
    };
    const old2 = { ...old1, facts: { ...old1.facts, code: '29869', lastDay: '2025-06-30' } };
    expect(hitText(old1).detail).not.toBe(hitText(old2).detail);
    startLang('en');
    expect(hitText(hamlet).detail).toBe('Ấp Tân Dinh, Xã Tân Thuận Tây (former unit, code 29890-02) · today’s unit not known');
    expect(hitText(old1).detail).toBe('Phường 1 (former unit, code 29866) · until 2024-12-31 → now part of Phường Cao Lãnh');
  });

  it('names the hamlet a renamed or merged former hamlet is today, in either language; one that kept its name says its ward', () => {
    const facts = {
      code: '29890-98',
      name: 'Ấp Thử Sáp Nhập',
      level: 'hamlet',
      current: false,
      today: 'Phường Cao Lãnh',
      todayHamlet: 'Ấp Tân Dinh',
      formerParent: 'Xã Tân Thuận Tây',
      lastDay: '2025-06-30',
    };
    const merged = { kind: 'unit', label: 'Ấp Thử Sáp Nhập', facts };
    expect(hitText(merged).detail).toBe(
      'Ấp Thử Sáp Nhập, Xã Tân Thuận Tây (đơn vị cũ, mã 29890-98) · đến 30/06/2025 → nay là Ấp Tân Dinh, Phường Cao Lãnh',
    );
    const kept = { kind: 'unit', label: 'Ấp Tân Dinh', facts: { ...facts, name: 'Ấp Tân Dinh', code: '29890-02' } };
    expect(hitText(kept).detail).toBe(
      'Ấp Tân Dinh, Xã Tân Thuận Tây (đơn vị cũ, mã 29890-02) · đến 30/06/2025 → nay thuộc Phường Cao Lãnh',
    );
    startLang('en');
    expect(hitText(merged).detail).toBe(
      'Ấp Thử Sáp Nhập, Xã Tân Thuận Tây (former unit, code 29890-98) · until 2025-06-30 → now Ấp Tân Dinh, Phường Cao Lãnh',
    );
  });

  it('says a refused query is too long or not searchable, never that search is not ready, in either language', () => {
    const refused = new HttpError(
      400,
      'the request was not valid: querystring/q must NOT have more than 200 characters',
      undefined,
      undefined,
    );
    expect(searchFailure(refused, 'x'.repeat(201))).toBe('Từ khoá quá dài: tối đa 200 ký tự.');
    expect(searchFailure(refused, 'ab')).not.toMatch(/sẵn sàng|querystring/);
    expect(searchFailure(new HttpError(503, 'down', undefined, undefined), 'ab')).toMatch(/^Chức năng tìm kiếm chưa sẵn sàng/);
    startLang('en');
    expect(searchFailure(refused, 'x'.repeat(5000))).toBe('The search text is too long: at most 200 characters.');
    expect(searchFailure(refused, 'ab')).not.toMatch(/not available|querystring/);
  });

  it("keeps the server's label for a hit without facts", () => {
    startLang('en');
    expect(hitText({ kind: 'parcel', label: 'Tờ 1 thửa 10', detail: 'x' })).toEqual({ label: 'Tờ 1 thửa 10', detail: 'x' });
  });
});

describe('what a parcel query that found nothing is told', () => {
  const base: SearchUnderstood = { kind: 'parcel', commune: null, sheet: 1, parcel: 9999, missing: [], sheetFound: true };
  const phuong1 = { input: '29869', code: '29869', name: 'Phường 1' };

  it('names the parcel, sheet and commune it looked for', () => {
    expect(understoodHint({ ...base, commune: phuong1 })).toBe('Không có thửa 9999 tờ 1 ở Phường 1 (29869).');
    expect(understoodHint(base)).toBe('Không có thửa 9999 tờ 1 ở xã/phường nào.');
    expect(understoodHint({ ...base, commune: phuong1, sheet: 99, sheetFound: false })).toBe('Không có tờ 99 ở Phường 1 (29869).');
    expect(understoodHint({ ...base, commune: { input: '99999', code: null, name: null }, sheetFound: null })).toBe(
      'Không có xã/phường nào có mã hoặc tên “99999”.',
    );
  });

  it('says which part is missing, with an example', () => {
    expect(understoodHint({ ...base, sheet: null, parcel: 10, missing: ['sheet'], sheetFound: null })).toBe(
      'Đã hiểu: thửa 10. Cần số tờ: ví dụ “tờ 12 thửa 10”.',
    );
    expect(understoodHint({ ...base, commune: phuong1, sheet: 3, parcel: null, missing: ['parcel'] })).toBe(
      'Đã hiểu: tờ 3 ở Phường 1 (29869). Cần số thửa: ví dụ “tờ 3 thửa 345”.',
    );
  });

  it('says it in English too', () => {
    startLang('en');
    expect(understoodHint({ ...base, commune: phuong1 })).toBe('There is no parcel 9999 on sheet 1 in Phường 1 (29869).');
    expect(understoodHint({ ...base, sheet: null, parcel: 10, missing: ['sheet'], sheetFound: null })).toBe(
      'Understood: parcel 10. The sheet number is needed, e.g. “sheet 12 parcel 10”.',
    );
  });
});

describe('a parcel named in an address or owner hit', () => {
  it('says the commune of its survey as the lists do, a former one as such', () => {
    const facts = { sheet: 6, parcelNo: 192, communeCode: '29890', communeName: 'Xã Tân Thuận Tây', communeFormer: true };
    expect(hitText({ kind: 'address', label: 'Tổ 12, Ấp Tân Hậu', facts }).detail).toBe('Tờ 6 thửa 192, Xã Tân Thuận Tây cũ');
    expect(
      hitText({ kind: 'owner', label: 'Kha Văn Nam', facts: { ...facts, communeName: 'Phường Mỹ Trà', communeFormer: false } }).detail,
    ).toBe('Tờ 6 thửa 192, Phường Mỹ Trà');
    startLang('en');
    expect(hitText({ kind: 'owner', label: 'Kha Văn Nam', facts }).detail).toBe('Sheet 6 parcel 192, former Xã Tân Thuận Tây');
  });
});

describe('a growing area found by its name or registrant', () => {
  it('is named by its name while it has no code, with its registrant when that is what matched, in either language', () => {
    const draft = {
      kind: 'growing_area',
      label: 'Vùng trồng xoài ấp Tân Phát',
      facts: { name: 'Vùng trồng xoài ấp Tân Phát', status: 'draft', cropCode: 'mango', cropNameVi: 'Xoài', cropNameEn: 'Mango' },
    };
    expect(hitText(draft)).toEqual({ label: 'Vùng trồng xoài ấp Tân Phát', detail: 'Xoài · Bản nháp' });
    const byRegistrant = { ...area, facts: { ...area.facts, registrantName: 'HTX Nông nghiệp Tân Thuận Tây' } };
    expect(hitText(byRegistrant)).toEqual({
      label: 'VN-82-29869-55-26',
      detail: 'Vùng rau Tân Hậu · HTX Nông nghiệp Tân Thuận Tây · Rau · Đã cấp mã',
    });
    startLang('en');
    expect(hitText({ ...draft, facts: { ...draft.facts, registrantName: 'HTX Hòa An' } })).toEqual({
      label: 'Vùng trồng xoài ấp Tân Phát',
      detail: 'HTX Hòa An · Mango · Draft',
    });
  });
});

describe('a query that looks like personal data', () => {
  it("is read as a phone number, a citizen ID or a person's name, and a place, an area or a parcel is none of them", () => {
    expect(['0384207372', '0384 207 372', '038.420.7372', '+84 384 207 372', '84384207372'].map(personalQuery)).toEqual(
      Array(5).fill('phone'),
    );
    expect(['087071411175', '087 071 411 175', '123456789'].map(personalQuery)).toEqual(Array(3).fill('citizen-id'));
    expect(['Phan Văn Phúc', 'phan van phuc', 'Nguyễn Thị Lan', 'Lê Hoà', 'Kha Văn Nam', 'Mai Thị  Hồng'].map(personalQuery)).toEqual(
      Array(6).fill('name'),
    );
    for (const q of [
      'Tân Phát',
      'ấp Tân Hậu',
      'Vùng trồng xoài Cát Chu',
      'tờ 6 thửa 192',
      'ODT-53',
      'VN-DTOR-0101',
      '29890 12 345',
      'Phường 1',
      'Phan',
      '0384',
      'Phan Văn Phúc Lộc Thọ An',
    ])
      expect(personalQuery(q), q).toBeUndefined();
  });

  it('tells a guest why nothing is found and where to look instead; a farmer and a planner their own way; staff nothing', () => {
    expect(personalHint('Phan Văn Phúc', undefined)).toEqual({
      text: 'Vì bảo mật, không tìm được theo tên người, số điện thoại hay số CCCD. Xem thửa của bạn ở mục “Thửa của tôi”: đăng nhập hoặc nhập mã thẻ nông hộ; chưa có thẻ thì hỏi cán bộ nông nghiệp xã/phường.',
      openMine: true,
    });
    expect(personalHint('0384207372', 'farmer')).toEqual({
      text: 'Vì bảo mật, không tìm được theo tên người, số điện thoại hay số CCCD. Thửa của bạn ở mục “Thửa của tôi”.',
      openMine: true,
    });
    expect(personalHint('087071411175', 'planner')?.openMine).toBe(false);
    expect(personalHint('087071411175', 'planner')?.text).toContain('Hỏi cán bộ nông nghiệp xã/phường.');
    expect(personalHint('Kha Văn Nam', 'officer')).toBeUndefined();
    expect(personalHint('0384207372', 'admin')).toBeUndefined();
    expect(personalHint('Tân Phát', undefined)).toBeUndefined();
    startLang('en');
    expect(personalHint('087071411175', undefined)?.text).toBe(
      'For privacy, people’s names, phone numbers and citizen ID numbers cannot be searched. See your plots under “My plots”: sign in or enter your farmer card code; without a card, ask your commune’s agricultural officer.',
    );
  });
});
