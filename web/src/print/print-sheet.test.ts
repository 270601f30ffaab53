import { describe, expect, it } from 'vitest';
import type { LandUseMap } from '../map/landuse-maps.ts';
import { startLang } from '../i18n/i18n.ts';
import { appSpelling, attributionsOf, dateDmy, dayMonthYear, pageDate, planTitle, printSheet, statesScale } from './print-sheet.ts';
import type { StyleSpecification } from 'maplibre-gl';

// The i18n module sets <html lang>; a bare object stands in here.
(globalThis as { document?: unknown }).document ??= { documentElement: {} };

const statusMap: LandUseMap = {
  id: 1,
  kind: 'status',
  name: 'Bản đồ hiện trạng sử dụng đất năm 2024 thành phố Cao Lãnh',
  year: 2024,
  periodTo: null,
  decisionNo: null,
  current: true,
};
const plan = {
  id: 1,
  name: 'Quy hoạch phân khu tỷ lệ 1/2000 khu trung tâm thành phố Cao Lãnh',
  scale: '1/2000',
  decisionNo: '1234/QĐ-UBND',
  decisionDate: '2023-09-15',
  authority: 'UBND tỉnh Đồng Tháp',
};

describe('the printed title block', () => {
  it('writes dates as Vietnamese documents do, dd/mm/yyyy', () => {
    expect(dayMonthYear('2023-09-15')).toBe('15/09/2023');
    expect(dateDmy(new Date(2026, 10, 9))).toBe('09/11/2026');
    startLang('en');
    expect(pageDate(new Date(2026, 10, 9))).toBe('2026-11-09');
    startLang('vi');
    expect(pageDate(new Date(2026, 10, 9))).toBe('09/11/2026');
  });

  it('names the land-use map with its year, the plan with its decision, the scale, the date and the sources', () => {
    const sheet = printSheet({
      sections: [],
      codes: [],
      landUseMap: statusMap,
      plans: [plan],
      scaleDenominator: 6100,
      printedOn: new Date(2026, 10, 29),
      attributions: ['© Bản đồ số Cao Lãnh', 'Sở Nông nghiệp và Môi trường Đồng Tháp'],
    });
    expect(sheet.titleBlock).toEqual([
      'Bản đồ sử dụng đất: Bản đồ hiện trạng sử dụng đất năm 2024 thành phố Cao Lãnh (2024)',
      'Quy hoạch phân khu tỉ lệ 1/2000 khu trung tâm thành phố Cao Lãnh · Quyết định số 1234/QĐ-UBND ngày 15/09/2023 của UBND tỉnh Đồng Tháp',
      'Tỉ lệ 1:6.100',
      'In ngày 29/11/2026',
      'Nguồn: Bản đồ số Cao Lãnh · Sở Nông nghiệp và Môi trường Đồng Tháp',
    ]);
  });

  it('gives a plan period and its decision for a land-use plan, and leaves out what the page does not show', () => {
    const sheet = printSheet({
      sections: [],
      codes: [],
      landUseMap: { ...statusMap, kind: 'plan', year: 2021, periodTo: 2030, decisionNo: '1315/QĐ-UBND', name: 'Quy hoạch sử dụng đất' },
      plans: [],
      scaleDenominator: 25000,
      printedOn: new Date(2026, 0, 2),
      attributions: [],
    });
    expect(sheet.titleBlock[0]).toBe('Bản đồ sử dụng đất: Quy hoạch sử dụng đất (2021–2030) · Quyết định số 1315/QĐ-UBND');
    expect(sheet.titleBlock.some((l) => l.startsWith('Quy hoạch phân khu'))).toBe(false);
  });

  it('says, under the plan, that the land use is not filled inside the zoning lots when the page draws both', () => {
    const input = {
      sections: [],
      codes: [],
      landUseMap: statusMap,
      plans: [plan],
      scaleDenominator: 6100,
      printedOn: new Date(2026, 10, 29),
      attributions: [],
    };
    const note = 'Trong các ô quy hoạch chỉ tô màu quy hoạch, không tô màu sử dụng đất bên dưới.';
    expect(printSheet({ ...input, zoningOverLandUse: true }).titleBlock.slice(1, 3)).toEqual([
      'Quy hoạch phân khu tỉ lệ 1/2000 khu trung tâm thành phố Cao Lãnh · Quyết định số 1234/QĐ-UBND ngày 15/09/2023 của UBND tỉnh Đồng Tháp',
      note,
    ]);
    expect(printSheet(input).titleBlock).not.toContain(note);
    startLang('en');
    try {
      expect(printSheet({ ...input, zoningOverLandUse: true }).titleBlock[2]).toBe(
        'Inside zoning lots only the zoning colour is printed; the land use beneath is not filled.',
      );
    } finally {
      startLang('vi');
    }
  });

  it('names a plan once and its scale once, spelling “tỉ lệ” one way', () => {
    // The official name says the kind and the scale: nothing is added, "tỷ lệ" is written as the page writes "Tỉ lệ".
    expect(planTitle(plan)).toBe('Quy hoạch phân khu tỉ lệ 1/2000 khu trung tâm thành phố Cao Lãnh');
    // A short name gets the kind before it and the scale after it.
    expect(planTitle({ name: 'Khu dân cư Mỹ Phú', scale: '1/500' })).toBe('Quy hoạch phân khu: Khu dân cư Mỹ Phú, tỉ lệ 1/500');
    // A name stating another scale still gets the plan's.
    expect(planTitle({ name: 'Quy hoạch phân khu tỷ lệ 1/5000 Mỹ Trà', scale: '1/2000' })).toBe(
      'Quy hoạch phân khu tỉ lệ 1/5000 Mỹ Trà, tỉ lệ 1/2000',
    );
    expect(statesScale('Khu A tỉ lệ 1:2.000', '1/2000')).toBe(true);
    expect(statesScale('Khu A tỉ lệ 1/20000', '1/2000')).toBe(false);
    expect(statesScale('Khu 11/2000', '1/2000')).toBe(false);
    expect(appSpelling('Tỷ lệ 1/2000, tỷ lệ 1/500')).toBe('Tỉ lệ 1/2000, tỉ lệ 1/500');
    startLang('en');
    try {
      expect(planTitle(plan)).toBe('Zoning plan: Quy hoạch phân khu tỉ lệ 1/2000 khu trung tâm thành phố Cao Lãnh');
      expect(planTitle({ name: 'Khu dân cư Mỹ Phú', scale: '1/500' })).toBe('Zoning plan: Khu dân cư Mỹ Phú, scale 1/500');
    } finally {
      startLang('vi');
    }
  });

  it('reads the sources’ attributions without markup, each once', () => {
    const style = {
      sources: {
        a: { type: 'vector', attribution: '<a href="x">&copy; Bản đồ số Cao Lãnh</a>' },
        b: { type: 'vector', attribution: '© Bản đồ số Cao Lãnh' },
        c: { type: 'geojson' },
      },
    } as unknown as StyleSpecification;
    expect(attributionsOf(style)).toEqual(['© Bản đồ số Cao Lãnh']);
  });
});
