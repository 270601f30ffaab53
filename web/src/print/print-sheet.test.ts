import { describe, expect, it } from 'vitest';
import type { LandUseMap } from '../map/landuse-maps.ts';
import { attributionsOf, dateDmy, dayMonthYear, printSheet } from './print-sheet.ts';
import type { StyleSpecification } from 'maplibre-gl';

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
      'Quy hoạch phân khu: Quy hoạch phân khu tỷ lệ 1/2000 khu trung tâm thành phố Cao Lãnh, tỉ lệ 1/2000 · Quyết định số 1234/QĐ-UBND ngày 15/09/2023 của UBND tỉnh Đồng Tháp',
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
