import { afterEach, describe, expect, it } from 'vitest';
import type { Viewer } from '../../../server/contracts/viewer.ts';
import { findCollection } from '../../../server/ogc/collections.ts';
import { queryablesDocument } from '../../../server/ogc/documents.ts';
import type { PropertySchema } from '../api/lookups.ts';
import { startLang } from '../i18n/i18n.ts';
import type { Crop } from '../registration/crops.ts';
import { vietnamToday } from '../../../server/domain/vietnam-time.ts';
import {
  cardRows,
  dateInWords,
  dateTime,
  formerUnitNow,
  isShownProperty,
  rowsOf,
  titleOf,
  valueText,
  volumeText,
} from './feature-format.ts';

// The card is held to the features API's own queryables document (the schema the client reads),
// not to a copy of it: a property renamed or retyped there shows up here.

const officer: Viewer = { userId: 7, role: 'officer', communes: ['29869'], farmerId: null, via: 'bearer' };
const schemaOf = (collection: string) =>
  (queryablesDocument(findCollection(collection)!, officer, 'http://test') as { properties: Record<string, PropertySchema> }).properties;
const crops: Crop[] = [{ code: 'chili', nameVi: 'Ớt', nameEn: 'Chili', type: 'annual', minAreaM2: 1_000 }];

/** A growing area as the features API serves it (values of the seeded area of the browser test). */
const area = {
  code: 'VN-82-29869-01-26',
  name: 'Vùng trồng ớt ấp 1, Xã Tịnh Thới',
  status: 'issued',
  crop: 'chili',
  variety: 'Ớt chỉ thiên',
  area_m2: 9705,
  scheme: 'domestic-3156',
  markets: [],
  registrant_kind: 'cooperative',
  registrant_name: 'HTX Rau an toàn Tịnh Thới',
  commune_code: '29869',
  households: 1200,
  harvests_per_year: 4,
  expected_yield_tonnes: 58.2,
  standard: 'VietGAP',
  issued_on: '2026-03-05',
  lineage_id: 1010,
  version_no: 1,
  version: 3,
  updated_at: '2026-03-05T17:30:00.000Z',
};

// The i18n module sets <html lang>; a bare object stands in for the document here.
(globalThis as { document?: unknown }).document ??= { documentElement: {} };
afterEach(() => startLang('vi'));

describe('the values of a details card', () => {
  it('reads a growing area in Vietnamese: crop and scheme by name, kinds, numbers, dates and areas as people write them', () => {
    startLang('vi');
    const rows = new Map(rowsOf('growing_areas', area, { schema: schemaOf('growing_areas'), crops }));
    expect(rows.get('Trạng thái')).toBe('Đã cấp mã');
    expect(rows.get('Cây trồng')).toBe('Ớt');
    expect(rows.get('Diện tích')).toBe('0,97 ha (9.705 m²)');
    expect(rows.get('Loại mã')).toBe('Mã số vùng trồng nội địa (QĐ 3156)');
    expect(rows.get('Loại đơn vị đăng ký')).toBe('Hợp tác xã');
    expect(rows.get('Số hộ')).toBe('1.200');
    expect(rows.get('Sản lượng dự kiến (tấn)')).toBe('58,2');
    expect(rows.get('Ngày cấp')).toBe('05/03/2026');
    // 17:30 UTC is 00:30 the next day in Cao Lãnh.
    expect(rows.get('Cập nhật lúc')).toBe('06/03/2026 00:30');
    // The lineage is the registry's own thread, and a first issue says nothing by its number.
    expect(rows.has('Dòng mã')).toBe(false);
    expect(rows.has('Lần cấp')).toBe(false);
    // From the second issue on it does; record numbers are names, not quantities.
    expect(new Map(rowsOf('growing_areas', { ...area, version_no: 2 }, { schema: schemaOf('growing_areas'), crops })).get('Lần cấp')).toBe(
      '2',
    );
    // Free text and codes stay as they are; an empty list is no row.
    expect(rows.get('Tiêu chuẩn')).toBe('VietGAP');
    // Until its name has been read, the commune is its code, once.
    expect(rows.get('Xã/phường')).toBe('29869');
    expect(rows.has('Mã xã/phường')).toBe(false);
    expect(rows.has('Thị trường')).toBe(false);
  });

  it('names an area’s markets, from a tile ("CN,US") or from the features API (a list), and keeps a code it does not know', () => {
    startLang('vi');
    const fromTile = new Map(rowsOf('growing_areas', { ...area, markets: 'CN,US' }, { schema: schemaOf('growing_areas'), crops }));
    expect(fromTile.get('Thị trường')).toBe('Trung Quốc, Hoa Kỳ');
    const fromApi = new Map(rowsOf('growing_areas', { ...area, markets: ['EU', 'TH'] }, { schema: schemaOf('growing_areas'), crops }));
    expect(fromApi.get('Thị trường')).toBe('EU, TH');
    startLang('en');
    expect(new Map(rowsOf('growing_areas', { ...area, markets: 'CN,US' })).get('Markets')).toBe('China, United States');
  });

  it('reads the same area in English', () => {
    startLang('en');
    const rows = new Map(rowsOf('growing_areas', area, { schema: schemaOf('growing_areas'), crops }));
    expect(rows.get('Crop')).toBe('Chili');
    expect(rows.get('Scheme')).toBe('Domestic growing-area code (Decision 3156)');
    expect(rows.get('Registrant kind')).toBe('Cooperative');
    expect(rows.get('Households')).toBe('1,200');
    expect(rows.get('Expected yield (t)')).toBe('58.2');
    expect(rows.get('Issued on')).toBe('2026-03-05');
    expect(rows.get('Status')).toBe('Code issued');
  });

  it('shows codes as they are until the crop catalogue and the schema arrive, and hides no value', () => {
    startLang('vi');
    const rows = rowsOf('growing_areas', area);
    const shown = new Map(rows);
    expect(shown.get('Cây trồng')).toBe('chili');
    // Without the schema a label is the property's name; known enumerations still read by their label.
    expect(shown.get('registrant_kind')).toBe('Hợp tác xã');
    expect(shown.get('expected_yield_tonnes')).toBe('58,2');
    expect(shown.get('issued_on')).toBe('2026-03-05');
    // Every non-empty property has its row but the row version, the editors' token, the lineage and a
    // first issue's number (markets is the empty one).
    expect('version' in area && 'lineage_id' in area && area.version_no === 1).toBe(true);
    expect(rows).toHaveLength(Object.keys(area).length - 4);
  });

  it('shows unknown enumeration values, crops and statuses as they are', () => {
    startLang('vi');
    const odd = { ...area, scheme: 'export-xyz', registrant_kind: 'state', crop: 'durian', status: 'archived' };
    const rows = new Map(rowsOf('growing_areas', odd, { schema: schemaOf('growing_areas'), crops }));
    expect(rows.get('Loại mã')).toBe('export-xyz');
    expect(rows.get('Loại đơn vị đăng ký')).toBe('state');
    expect(rows.get('Cây trồng')).toBe('durian');
    expect(rows.get('Trạng thái')).toBe('archived');
  });

  it('reads a plot’s crop, dates and its growing area’s status', () => {
    startLang('vi');
    const plot = { crop: 'chili', area_m2: 850.25, planting_date: '2025-12-01', status: 'submitted', growing_area_id: 12345 };
    const rows = new Map(rowsOf('plots', plot, { schema: schemaOf('plots'), crops }));
    expect(rows.get('Cây trồng')).toBe('Ớt');
    expect(rows.get('Diện tích')).toBe('850 m²');
    expect(rows.get('Ngày trồng')).toBe('01/12/2025');
    expect(rows.get('Trạng thái')).toBe('Đã nộp hồ sơ');
    // A submitted area has no code yet and its name is not read: no row rather than its record id.
    expect(rows.has('Vùng trồng')).toBe(false);
    expect([...rows.values()]).not.toContain('12345');
  });

  it('marks an expected harvest whose day has passed in Vietnam, in both languages, and leaves today’s and later ones plain', () => {
    const day = (offset: number) => vietnamToday(new Date(Date.now() + offset * 86_400_000));
    const harvestOf = (expected: string) =>
      new Map(rowsOf('plots', { crop: 'chili', expected_harvest: expected }, { schema: schemaOf('plots'), crops })).get(label);
    startLang('vi');
    let label = 'Dự kiến thu hoạch';
    const [y, m, d] = day(-1).split('-');
    expect(harvestOf(day(-1))).toBe(`${d}/${m}/${y} (đã qua)`);
    expect(harvestOf(day(0))).toBe(day(0).split('-').reverse().join('/'));
    expect(harvestOf(day(30))).toBe(day(30).split('-').reverse().join('/'));
    startLang('en');
    label = 'Expected harvest';
    expect(harvestOf(day(-1))).toBe(`${day(-1)} (passed)`);
    expect(harvestOf(day(1))).toBe(day(1));
  });

  it('names a plot’s farmer, growing area and commune instead of their record ids, the codes small beside the names', () => {
    startLang('vi');
    // What the features API gives an officer of the commune, merged over the tile's attributes.
    const plot = {
      crop: 'mango',
      area_m2: 3864,
      growing_area_id: 3,
      code: 'VN-DTOR-0101',
      status: 'active',
      farmer_id: 4,
      farmer_name: 'Phan Văn Phúc',
      farmer_phone: '0384207372',
      commune_code: '29869',
    };
    const context = { schema: schemaOf('plots'), growingAreaName: 'Vùng trồng xoài Cát Chu ấp Tân Hậu', communeName: 'Phường Cao Lãnh' };
    const rows = cardRows('plots', plot, context);
    const byLabel = new Map(rows.map((r) => [r.label, r]));
    expect(byLabel.get('Vùng trồng')).toEqual({ label: 'Vùng trồng', value: 'Vùng trồng xoài Cát Chu ấp Tân Hậu', code: 'VN-DTOR-0101' });
    expect(byLabel.get('Nông hộ')).toEqual({ label: 'Nông hộ', value: 'Phan Văn Phúc' });
    expect(byLabel.get('Xã/phường')).toEqual({ label: 'Xã/phường', value: 'Phường Cao Lãnh', code: '29869' });
    // No record id anywhere, and each thing said once: the area's code only beside its name.
    const values = rows.map((r) => r.value);
    for (const id of ['3', '4', '29869', 'VN-DTOR-0101']) expect(values).not.toContain(id);
    expect(rows.map((r) => r.label)).not.toContain('Nông dân');
    expect(rows.map((r) => r.label)).not.toContain('Họ tên nông dân');
    expect(rows.map((r) => r.label)).not.toContain('Mã số');
    expect(new Map(rowsOf('plots', plot, context)).get('Xã/phường')).toBe('Phường Cao Lãnh · 29869');
    // The tile alone (before the names are read): the area by its code, the farmer by no number at all.
    const tile = new Map(rowsOf('plots', { crop: 'mango', growing_area_id: 3, code: 'VN-DTOR-0101', status: 'active', farmer_id: 4 }));
    expect(tile.get('Vùng trồng')).toBe('VN-DTOR-0101');
    // A row whose value is a code is marked to be kept whole (never broken at a hyphen); a name is not.
    const tileRows = cardRows('plots', { growing_area_id: 3, code: 'VN-DTOR-0101', status: 'active' });
    expect(tileRows.find((r) => r.label === 'Vùng trồng')).toEqual({ label: 'Vùng trồng', value: 'VN-DTOR-0101', whole: true });
    expect(cardRows('growing_areas', { code: 'VN-DTOR-0101', name: 'Vùng A' }).filter((r) => r.whole)).toEqual([
      { label: 'Mã số', value: 'VN-DTOR-0101', whole: true },
    ]);
    expect([...tile.values()]).not.toContain('4');
    expect([...tile.values()]).not.toContain('3');
    startLang('en');
    const en = new Map(rowsOf('plots', plot, context));
    expect(en.get('Farmer')).toBe('Phan Văn Phúc');
    expect(en.get('Commune/ward')).toBe('Phường Cao Lãnh · 29869');
  });

  it('shows a land-use code once while its name is unknown (offline), and code and name once it is known', () => {
    startLang('vi');
    const unknown = (code: string) => code;
    expect(new Map(rowsOf('parcels', { land_use_code: 'ODT' }, { describeCode: unknown })).get('Loại đất')).toBe('ODT');
    expect(new Map(rowsOf('parcels', { land_use_code: 'ODT' })).get('Loại đất')).toBe('ODT');
    const known = (code: string) => (code === 'ODT' ? 'Đất ở tại đô thị' : code);
    expect(new Map(rowsOf('parcels', { land_use_code: 'ODT' }, { describeCode: known })).get('Loại đất')).toBe('ODT · Đất ở tại đô thị');
  });

  it('reads products and zoning lots by their enumerations', () => {
    startLang('vi');
    const product = new Map(
      rowsOf(
        'products',
        { product: 'Xoài cát Hòa Lộc', category: 'fruit', producer_kind: 'household', volume_tonnes: 1250.5 },
        {
          schema: schemaOf('products'),
        },
      ),
    );
    expect(product.get('Loại')).toBe('Cây ăn quả');
    expect(product.get('Loại cơ sở')).toBe('Hộ gia đình');
    // No season recorded: the card does not make up a period for the tonnes.
    expect(product.get('Sản lượng')).toBe('1.250,5 t (chưa ghi mùa vụ nên chưa rõ tính theo năm hay theo vụ)');
    expect(product.has('Sản phẩm')).toBe(false);
    const zone = new Map(
      rowsOf(
        'zones',
        {
          lot_code: 'A1',
          phase: 'long_term',
          decision_date: '2024-06-30',
          plan_id: 3,
          plan_name: 'Quy hoạch phân khu 1/2000',
          min_floors: 1,
          max_floors: 7,
          version: 4,
        },
        { schema: schemaOf('zones') },
      ),
    );
    // Floors read as a pair; the plan by its name, not its id; the row version is no fact of the lot.
    const labels = [...zone.keys()];
    expect(labels.indexOf('Tầng cao tối đa')).toBe(labels.indexOf('Tầng cao tối thiểu') + 1);
    expect(zone.get('Tầng cao tối đa')).toBe('7');
    expect(zone.get('Đồ án')).toBe('Quy hoạch phân khu 1/2000');
    expect(labels.filter((l) => l === 'Đồ án')).toHaveLength(1);
    expect(labels).not.toContain('Phiên bản');
    expect(zone.get('Giai đoạn')).toBe('Dài hạn');
    expect(zone.get('Ngày quyết định')).toBe('30/06/2024');
    // What may be built: the lot's area, and that area times the FAR right under the FAR.
    const built = rowsOf('zones', { lot_code: 'ODT-53', area_m2: 12500.4, max_far: 2.5 });
    const at = built.findIndex(([label]) => label === 'Hệ số sử dụng đất tối đa');
    expect(built[at]).toEqual(['Hệ số sử dụng đất tối đa', '2,50']);
    expect(built[at + 1]).toEqual(['Tổng diện tích sàn tối đa (diện tích × hệ số)', '3,13 ha (31.251 m²)']);
    expect(new Map(built).get('Diện tích ô đất')).toBe('1,25 ha (12.500 m²)');
    // Density, height and setback with the decimals they have, as the parcel card's lot line writes them (not 81,0 % on one card and 81 % on the other).
    const controls = new Map(rowsOf('zones', { lot_code: 'ODT-53', max_density_pct: 81, max_height_m: 12.8, setback_m: 0 }));
    expect([controls.get('Mật độ xây dựng tối đa'), controls.get('Chiều cao tối đa'), controls.get('Khoảng lùi')]).toEqual([
      '81 %',
      '12,8 m',
      '0 m',
    ]);
    // No FAR or no area: no floor area made up.
    expect(rowsOf('zones', { lot_code: 'X', area_m2: 900 }).map(([l]) => l)).not.toContain('Tổng diện tích sàn tối đa (diện tích × hệ số)');
    expect(rowsOf('zones', { lot_code: 'X', max_far: 2 }).map(([l]) => l)).not.toContain('Tổng diện tích sàn tối đa (diện tích × hệ số)');
  });

  it('says the period of a product’s volume as its season records it: a year for quanh năm, a crop (vụ) for a named one', () => {
    const rice = { product: 'Lúa', category: 'rice', producer_kind: 'household', season: 'Hè Thu', volume_tonnes: 11 };
    const volume = (p: Record<string, unknown>) =>
      rowsOf('products', p, { schema: schemaOf('products') }).find(([label]) => label === 'Sản lượng' || label === 'Volume')?.[1];
    startLang('vi');
    expect(volume(rice)).toBe('11 t/vụ Hè Thu');
    expect(volume({ ...rice, season: ' đông  xuân ', volume_tonnes: 1250.5 })).toBe('1.250,5 t/vụ Đông Xuân');
    expect(volume({ ...rice, season: 'Quanh năm', volume_tonnes: '40.5' })).toBe('40,5 t/năm');
    expect(volume({ ...rice, season: 'Tết' })).toBe('11 t/vụ Tết');
    expect(volume({ ...rice, season: 'Tháng 5–8' })).toBe('11 t mỗi mùa vụ (Tháng 5–8)');
    for (const season of [null, '', '   ', undefined])
      expect(volume({ ...rice, season })).toBe('11 t (chưa ghi mùa vụ nên chưa rõ tính theo năm hay theo vụ)');
    // Zero tonnes is a volume too.
    expect(volume({ ...rice, season: 'quanh năm', volume_tonnes: 0 })).toBe('0 t/năm');
    expect(volumeText(3.25, 'Thu Đông')).toBe('3,3 t/vụ Thu Đông');
    startLang('en');
    expect(volume(rice)).toBe('11 t per summer–autumn crop (Hè Thu)');
    expect(volume({ ...rice, season: 'quanh năm', volume_tonnes: 1250.5 })).toBe('1,250.5 t/year');
    expect(volume({ ...rice, season: 'Tết' })).toBe('11 t per Tết crop');
    expect(volume({ ...rice, season: 'May–August' })).toBe('11 t per season (May–August)');
    expect(volume({ ...rice, season: null })).toBe('11 t (no season recorded, so per year or per crop is not known)');
    startLang('vi');
  });

  it('says a household’s rice once, in its title, and its season in the language shown (audit s17)', () => {
    const rice = { product: 'Lúa', category: 'rice', producer_kind: 'household', season: 'Hè Thu', volume_tonnes: 11 };
    startLang('vi');
    expect(titleOf('products', rice)).toBe('Lúa');
    const vi = rowsOf('products', rice, { schema: schemaOf('products') });
    expect(vi.filter(([, value]) => value === 'Lúa')).toEqual([]);
    expect(new Map(vi).get('Mùa vụ')).toBe('Hè Thu');
    expect(new Map(rowsOf('products', { ...rice, season: 'quanh năm' })).get('Mùa vụ')).toBe('Quanh năm');
    startLang('en');
    const en = new Map(rowsOf('products', rice, { schema: schemaOf('products') }));
    expect(en.get('Kind')).toBe('Rice');
    expect(en.get('Season')).toBe('Summer–autumn crop (Hè Thu)');
    expect(new Map(rowsOf('products', { ...rice, season: ' Quanh  năm ' })).get('Season')).toBe('All year');
    expect(new Map(rowsOf('products', { ...rice, season: 'Đông Xuân' })).get('Season')).toBe('Winter–spring crop (Đông Xuân)');
    // A season the list does not know is shown as typed.
    expect(new Map(rowsOf('products', { ...rice, season: 'Vụ 3' })).get('Season')).toBe('Vụ 3');
  });

  it('names the kind of a road or a water body instead of its code, in either language', () => {
    startLang('vi');
    expect(new Map(rowsOf('roads', { name: 'Đường Tản Đà', kind: 'urban' })).get('Loại')).toBe('Đường đô thị');
    expect(new Map(rowsOf('water', { name: 'Kênh Cái Sâu', kind: 'canal' })).get('Loại')).toBe('Kênh, rạch');
    startLang('en');
    expect(new Map(rowsOf('roads', { name: 'Quốc lộ 30', kind: 'national' })).get('Kind')).toBe('National road');
  });
});

describe("a card never shows the client's own fields", () => {
  it("leaves out a search hit's words merged into a zoning lot's properties, and shows the lot's own", () => {
    startLang('vi');
    const lot = {
      lot_code: 'ODT-53',
      function: 'Đất ở đô thị',
      plan_name: 'Quy hoạch phân khu tỷ lệ 1/2000',
      label: 'Ô quy hoạch ODT-53',
      detail: 'Quy hoạch phân khu tỷ lệ 1/2000',
      facts: { lotCode: 'ODT-53' },
      center: [105.63, 10.46],
    };
    for (const context of [{}, { schema: schemaOf('zones') }]) {
      const rows = rowsOf('zones', lot, context);
      const labels = rows.map(([label]) => label);
      expect(labels).not.toContain('label');
      expect(labels).not.toContain('detail');
      expect(labels).not.toContain('center');
      expect(new Map(rows).get('Mã ô đất')).toBe('ODT-53');
    }
    // Only label and detail: no row at all.
    expect(rowsOf('parcels', { label: 'Tờ 999 thửa 1', detail: 'ODT' })).toEqual([]);
  });

  it('shows a column-like name without the schema, a camelCase one only when the schema describes it', () => {
    expect(isShownProperty('expected_yield_tonnes')).toBe(true);
    expect(isShownProperty('area_m2')).toBe(true);
    expect(isShownProperty('planName')).toBe(false);
    expect(isShownProperty('label')).toBe(false);
    expect(isShownProperty('planName', { planName: { title: 'Plan' } })).toBe(true);
  });
});

describe('one value by its schema', () => {
  it('prints booleans as Có/Không and lists of values joined', () => {
    startLang('vi');
    expect(valueText('organic', true, { type: 'boolean' })).toBe('Có');
    expect(valueText('organic', false, { type: 'boolean' })).toBe('Không');
    expect(valueText('markets', ['CN', null, 'US'])).toBe('CN, US');
    startLang('en');
    expect(valueText('organic', false, { type: 'boolean' })).toBe('No');
  });

  it('reads a number sent as text when the schema says it is one, and leaves other text alone', () => {
    startLang('vi');
    expect(valueText('expected_yield_tonnes', '1234.5', { type: 'number' })).toBe('1.234,5');
    expect(valueText('standard', '1234.5', { type: 'string' })).toBe('1234.5');
    expect(valueText('issued_on', 'không rõ', { type: 'string', format: 'date' })).toBe('không rõ');
    expect(dateTime('hôm qua')).toBe('hôm qua');
  });

  it('words a date field’s day so its order cannot be misread: 1 December, not 12 January', () => {
    startLang('vi');
    expect(dateInWords('2026-12-01')).toBe('1 tháng 12, 2026');
    expect(dateInWords('2026-01-12')).toBe('12 tháng 1, 2026');
    expect(dateInWords('2024-02-29')).toBe('29 tháng 2, 2024');
    startLang('en');
    expect(dateInWords('2026-12-01')).toBe('1 December 2026');
    expect(dateInWords('0099-03-05')).toBe('5 March 99');
    // Nothing chosen, or a day that does not exist: no words rather than a wrong day.
    for (const v of ['', '2025-02-29', '2026-13-01', '2026-12-32', '01/12/2026', '2026-12-01T00:00']) expect(dateInWords(v)).toBe('');
  });

  it("names a parcel's commune beside its old code once the lookup has told it, and a land-use area's map year in words", () => {
    startLang('vi');
    const parcel = { commune_code: '29869', sheet: 1, parcel_no: 10, cert_sheet: '1', commune_ref_date: '2025-03-01' };
    const rows = new Map(rowsOf('parcels', parcel, { schema: schemaOf('parcels'), communeName: 'Phường 1' }));
    expect(rows.get('Xã/phường')).toBe('Phường 1 · 29869');
    expect(rows.get('Tờ trên giấy chứng nhận')).toBe('1');
    expect(rows.get('Ngày tham chiếu mã xã')).toBe('01/03/2025');
    expect(new Map(rowsOf('parcels', parcel)).get('Xã/phường')).toBe('29869');
    // A unit no longer in force is said so (the card read 'Phường 4 29872' as if it still were, audit s17).
    const former = { ...parcel, commune_code: '29872', sheet: 6, parcel_no: 256 };
    expect(new Map(rowsOf('parcels', former, { communeName: 'Phường 4', communeFormer: true })).get('Xã/phường')).toBe(
      'Phường 4 cũ · 29872',
    );
    expect(
      cardRows('products', { product: 'Lúa', commune_code: '29872' }, { communeName: 'Phường 4', communeFormer: true }),
    ).toContainEqual({
      label: 'Xã/phường',
      value: 'Phường 4 cũ',
      code: '29872',
    });
    // A former unit's own card from the search says it once, not again from the features API's today_units.
    const unit = {
      name: 'Phường 4',
      code: '29872',
      today_units: 'Phường Cao Lãnh',
      former: { name: 'Phường 4', today: 'Phường Cao Lãnh' },
    };
    expect(rowsOf('admin', unit, { schema: schemaOf('admin') }).filter(([, v]) => v.includes('Phường Cao Lãnh'))).toHaveLength(1);
    const now = { communeName: 'Phường 4', communeFormer: true, communeToday: 'Phường Cao Lãnh' };
    expect(new Map(rowsOf('parcels', former, now)).get('Xã/phường')).toBe('Phường 4 cũ, nay thuộc Phường Cao Lãnh · 29872');
    startLang('en');
    expect(new Map(rowsOf('parcels', former, { communeName: 'Phường 4', communeFormer: true })).get('Commune/ward')).toBe(
      'former Phường 4 · 29872',
    );
    expect(new Map(rowsOf('parcels', former, now)).get('Commune/ward')).toBe('former Phường 4, now part of Phường Cao Lãnh · 29872');
    startLang('vi');
    // A tile's `year`, or the features API's `map_year` beside it: one row.
    const area = { land_use_code: 'ODT', map_id: 1, year: 2024, map_year: 2024 };
    const landUse = rowsOf('landuse', area, { schema: schemaOf('landuse') });
    expect(landUse.filter(([label]) => label === 'Năm của bản đồ')).toEqual([['Năm của bản đồ', '2024']]);
    expect(landUse.map(([label]) => label)).not.toContain('Năm');
  });

  it("names a land-use area's map by its name, kind and a plan's period, never by its record id (audit s17)", () => {
    // As the features API serves an area of the 2021–2030 plan (its id 2), the tile's `year` beside it or not.
    const plan = {
      land_use_code: 'CLN',
      map_id: 2,
      map_kind: 'plan',
      map_name: 'Quy hoạch sử dụng đất thành phố Cao Lãnh',
      map_year: 2021,
      map_period_to: 2030,
    };
    startLang('vi');
    for (const area of [plan, { ...plan, year: 2021 }]) {
      const rows = rowsOf('landuse', area, { schema: schemaOf('landuse') });
      expect(rows).toEqual([
        ['Loại đất', 'CLN'],
        ['Bản đồ', 'Quy hoạch sử dụng đất thành phố Cao Lãnh'],
        ['Loại bản đồ', 'Quy hoạch'],
        ['Kỳ quy hoạch', '2021–2030'],
      ]);
    }
    startLang('en');
    expect(rowsOf('landuse', plan, { schema: schemaOf('landuse') })).toEqual([
      ['Land use', 'CLN'],
      ['Map', 'Quy hoạch sử dụng đất thành phố Cao Lãnh'],
      ['Map kind', 'Plan'],
      ['Plan period', '2021–2030'],
    ]);
    // A status map has a year, not a period; the tile alone (no name yet) says what it has.
    expect(rowsOf('landuse', { land_use_code: 'ODT', map_id: 1, map_kind: 'status', year: 2024 })).toEqual([
      ['Land use', 'ODT'],
      ['Map kind', 'Current use'],
      ['Year of the map', '2024'],
    ]);
  });
});

describe('a growing area card’s title', () => {
  it('names the area once: a name that says “Vùng trồng” is not prefixed with it again; a code is', () => {
    startLang('vi');
    expect(titleOf('growing_areas', { name: 'Vùng trồng xoài ấp Tân Hậu (mở rộng)' })).toBe('Vùng trồng xoài ấp Tân Hậu (mở rộng)');
    expect(titleOf('growing_areas', { name: 'vùng trồng sen' })).toBe('vùng trồng sen');
    expect(titleOf('growing_areas', { name: 'Xoài Cát Chu Mỹ Xương' })).toBe('Vùng trồng Xoài Cát Chu Mỹ Xương');
    expect(titleOf('growing_areas', { code: 'VN-82-29869-01-26', name: 'Vùng trồng ớt' })).toBe('Vùng trồng VN-82-29869-01-26');
  });
});

describe('a suspended or revoked growing area on its card', () => {
  const suspended = {
    ...area,
    status: 'suspended',
    decision_no: '566/BVTV-KD',
    status_decision_no: '45/QĐ-SNN',
    status_decided_on: '2026-11-30',
    status_reason: 'Dư lượng thuốc vượt mức cho phép',
  };

  it('marks the status not in force and gives the suspension under it, the issuing decision kept in its own row', () => {
    startLang('vi');
    const rows = cardRows('growing_areas', suspended, { schema: schemaOf('growing_areas'), crops });
    const labels = rows.map((r) => r.label);
    const status = labels.indexOf('Trạng thái');
    expect(rows[status]?.value).toBe('Tạm đình chỉ — không còn hiệu lực');
    expect(rows[status + 1]).toEqual({
      label: 'Quyết định tạm đình chỉ',
      value: '45/QĐ-SNN ngày 30/11/2026, lý do: Dư lượng thuốc vượt mức cho phép',
    });
    expect(new Map(rows.map((r) => [r.label, r.value])).get('Số quyết định')).toBe('566/BVTV-KD');
    // The three facts are said once, in that row, not again as raw properties.
    expect(rows.filter((r) => r.value.includes('45/QĐ-SNN'))).toHaveLength(1);
  });

  it('reads the same in English, and a revocation as a revocation', () => {
    startLang('en');
    const rows = new Map(rowsOf('growing_areas', suspended, { schema: schemaOf('growing_areas'), crops }));
    expect(rows.get('Status')).toBe('Suspended — not in force');
    expect(rows.get('Suspension decision')).toBe('45/QĐ-SNN of 2026-11-30, reason: Dư lượng thuốc vượt mức cho phép');
    const revoked = new Map(rowsOf('growing_areas', { ...suspended, status: 'revoked', status_reason: null }, {}));
    expect(revoked.get('Status')).toBe('Revoked — not in force');
    expect(revoked.get('Revocation decision')).toBe('45/QĐ-SNN of 2026-11-30');
  });

  it('marks the status from the tile alone (no decision read yet, or offline), and never marks a code in force', () => {
    startLang('vi');
    const tile = new Map(rowsOf('growing_areas', { code: 'VN-DTOR-0101', status: 'suspended' }));
    expect(tile.get('Trạng thái')).toBe('Tạm đình chỉ — không còn hiệu lực');
    expect([...tile.keys()]).not.toContain('Quyết định tạm đình chỉ');
    for (const inForce of ['issued', 'approved', 'active']) {
      expect(new Map(rowsOf('growing_areas', { ...area, status: inForce })).get('Trạng thái')).not.toContain('hiệu lực');
    }
  });
});

describe('a plot of a suspended or revoked growing area on its card', () => {
  // The tile's status and code, merged under the features API's item (its area's decision, read from the area's history).
  const plot = {
    crop: 'mango',
    area_m2: 3864,
    growing_area_id: 3,
    code: 'VN-DTOR-0101',
    status: 'suspended',
    commune_code: '29869',
    status_decision_no: '45/QĐ-SNN',
    status_decided_on: '2026-11-30',
    status_reason: 'Dư lượng thuốc vượt mức cho phép',
  };
  const context = { schema: schemaOf('plots'), crops, growingAreaName: 'Vùng trồng xoài Cát Chu ấp Tân Hậu' };

  it('says under the growing area that its code is not in force, then the decision with its day and reason', () => {
    startLang('vi');
    const rows = cardRows('plots', plot, context);
    const area = rows.findIndex((r) => r.label === 'Vùng trồng');
    expect(rows.slice(area, area + 3)).toEqual([
      { label: 'Vùng trồng', value: 'Vùng trồng xoài Cát Chu ấp Tân Hậu', code: 'VN-DTOR-0101' },
      { label: 'Trạng thái', value: 'Tạm đình chỉ — không còn hiệu lực' },
      { label: 'Quyết định tạm đình chỉ', value: '45/QĐ-SNN ngày 30/11/2026, lý do: Dư lượng thuốc vượt mức cho phép' },
    ]);
    // Said once, in that row: not again as the raw properties (their titles, their ISO date).
    expect(rows.filter((r) => r.value.includes('45/QĐ-SNN'))).toHaveLength(1);
    expect(rows.map((r) => r.value)).not.toContain('30/11/2026');
    expect(rows.map((r) => r.label).filter((l) => /đình chỉ, thu hồi/.test(l))).toEqual([]);
  });

  it('reads the same in English, a revocation as a revocation, and the area by its code before its name is read', () => {
    startLang('en');
    const rows = rowsOf('plots', plot, context);
    const area = rows.findIndex(([label]) => label === 'Growing area');
    expect(rows.slice(area, area + 3)).toEqual([
      ['Growing area', 'Vùng trồng xoài Cát Chu ấp Tân Hậu · VN-DTOR-0101'],
      ['Status', 'Suspended — not in force'],
      ['Suspension decision', '45/QĐ-SNN of 2026-11-30, reason: Dư lượng thuốc vượt mức cho phép'],
    ]);
    const revoked = rowsOf('plots', { ...plot, status: 'revoked', status_decision_no: null, status_reason: '' }, { crops });
    const at = revoked.findIndex(([label]) => label === 'Growing area');
    expect(revoked.slice(at, at + 3)).toEqual([
      ['Growing area', 'VN-DTOR-0101'],
      ['Status', 'Revoked — not in force'],
      ['Revocation decision', '(no number recorded) of 2026-11-30'],
    ]);
  });

  it('gives no decision row while the code is in force, nor from the tile alone before the features API answers', () => {
    startLang('vi');
    // A decision read before the code was restored, the tile already saying "active": the status decides.
    for (const inForce of ['issued', 'approved', 'active']) {
      const rows = new Map(rowsOf('plots', { ...plot, status: inForce }, context));
      expect(rows.get('Trạng thái')).not.toContain('hiệu lực');
      expect([...rows.keys()].filter((l) => l.startsWith('Quyết định'))).toEqual([]);
      expect([...rows.values()].join(' ')).not.toContain('45/QĐ-SNN');
    }
    const tile = new Map(rowsOf('plots', { crop: 'mango', growing_area_id: 3, code: 'VN-DTOR-0101', status: 'suspended' }));
    expect(tile.get('Trạng thái')).toBe('Tạm đình chỉ — không còn hiệu lực');
    expect([...tile.keys()]).not.toContain('Quyết định tạm đình chỉ');
  });
});

describe('a former unit opened from the search', () => {
  it('says on its card what it is today: the hamlet it became, the ward it went to, or that it is not known', () => {
    startLang('vi');
    const merged = { name: 'Ấp Thử Sáp Nhập', today: 'Phường Cao Lãnh', todayHamlet: 'Ấp Tân Dinh' };
    expect(new Map(rowsOf('admin', { name: 'Ấp Thử Sáp Nhập', code: '29890-98', former: merged })).get('Hiện nay')).toBe(
      'Ấp Thử Sáp Nhập cũ, nay là Ấp Tân Dinh, Phường Cao Lãnh',
    );
    expect(formerUnitNow({ name: 'Ấp Tân Dinh', today: 'Phường Cao Lãnh', todayHamlet: 'ấp Tân Dinh' })).toBe(
      'Ấp Tân Dinh cũ, nay thuộc Phường Cao Lãnh',
    );
    expect(formerUnitNow({ name: 'Ấp Không Dấu Vết', today: null, todayHamlet: null })).toBe(
      'Ấp Không Dấu Vết cũ; chưa rõ đơn vị hiện nay',
    );
    // Today's unit (from the tiles) has no such row.
    expect(new Map(rowsOf('admin', { name: 'Ấp Tân Dinh', code: '29890-02' })).has('Hiện nay')).toBe(false);
    startLang('en');
    expect(formerUnitNow(merged)).toBe('former Ấp Thử Sáp Nhập, now Ấp Tân Dinh, Phường Cao Lãnh');
  });
});
