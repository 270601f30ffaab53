import { describe, expect, it } from 'vitest';
import type { Polygon } from 'geojson';
import { outOfForceText, parcelText, type MyPlot } from './my-plots.ts';

const plot = (over: Partial<MyPlot>): MyPlot => ({
  id: 1,
  crop: 'mango',
  area_m2: 5000,
  growing_area_code: 'VN-87-866-29893-01-23',
  growing_area_status: 'active',
  geometry: { type: 'Polygon', coordinates: [] } as Polygon,
  ...over,
});

describe('why a farmer’s code is out of force, in their list of plots', () => {
  it('words the suspension or revocation decision with its day and reason, in either language', () => {
    const suspended = plot({
      growing_area_status: 'suspended',
      status_decision_no: '45/QĐ-SNN',
      status_decided_on: '2026-11-30',
      status_reason: 'Dư lượng thuốc vượt mức cho phép',
    });
    expect(outOfForceText(suspended, 'vi')).toBe(
      'Quyết định tạm đình chỉ: 45/QĐ-SNN ngày 30/11/2026, lý do: Dư lượng thuốc vượt mức cho phép',
    );
    expect(outOfForceText(suspended, 'en')).toBe('Suspension decision: 45/QĐ-SNN of 2026-11-30, reason: Dư lượng thuốc vượt mức cho phép');
    const revoked = plot({
      growing_area_status: 'revoked',
      status_decision_no: null,
      status_decided_on: '2026-01-02',
      status_reason: null,
    });
    expect(outOfForceText(revoked, 'vi')).toBe('Quyết định thu hồi: (không ghi số) ngày 02/01/2026');
  });

  it('says nothing while the code is in force, for a plot outside any area, or when the server sent no decision', () => {
    expect(outOfForceText(plot({}), 'vi')).toBeUndefined();
    expect(outOfForceText(plot({ growing_area_status: null, growing_area_code: null }), 'vi')).toBeUndefined();
    expect(outOfForceText(plot({ growing_area_status: 'suspended' }), 'vi')).toBeUndefined();
  });
});

describe('where a farmer’s plot lies in the cadastre', () => {
  it('names the parcel holding most of it as the land certificate does, and how many more it covers', async () => {
    const { startLang } = await import('../i18n/i18n.ts');
    (globalThis as { document?: unknown }).document ??= { documentElement: {} };
    (globalThis as { localStorage?: unknown }).localStorage ??= { getItem: () => null, setItem: () => undefined };
    startLang('vi');
    // Sheet 6 parcel 192 is in five old communes of Phường Cao Lãnh: the survey's commune tells them apart.
    const main_parcel = { commune: '29890', communeName: 'Xã Tân Thuận Tây', communeFormer: true, sheet: 6, parcel: 192 };
    expect(parcelText(plot({ main_parcel, parcel_count: 1 }))).toBe('Tờ 6 thửa 192, Xã Tân Thuận Tây cũ');
    expect(parcelText(plot({ main_parcel, parcel_count: 3 }))).toBe('Tờ 6 thửa 192, Xã Tân Thuận Tây cũ và 2 thửa khác');
    expect(parcelText(plot({ main_parcel: { ...main_parcel, communeName: 'Phường Mỹ Ngãi', communeFormer: false } }))).toBe(
      'Tờ 6 thửa 192, Phường Mỹ Ngãi',
    );
    // An answer with the code alone (a server of before) still tells the communes apart.
    expect(parcelText(plot({ main_parcel: { commune: '29890', sheet: 6, parcel: 192 } }))).toBe('Tờ 6 thửa 192, xã/phường 29890');
    expect(parcelText(plot({ main_parcel: null, parcel_count: 0 }))).toBeUndefined();
    startLang('en');
    expect(parcelText(plot({ main_parcel, parcel_count: 2 }))).toBe('Sheet 6 parcel 192, former Xã Tân Thuận Tây and 1 more parcel');
    expect(parcelText(plot({ main_parcel, parcel_count: 3 }))).toBe('Sheet 6 parcel 192, former Xã Tân Thuận Tây and 2 more parcels');
    startLang('vi');
  });
});
