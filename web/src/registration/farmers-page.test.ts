import { afterEach, describe, expect, it } from 'vitest';
import type { FarmerListItem } from '../../../server/contracts/registry.ts';
import { startLang } from '../i18n/i18n.ts';
import { FARMERS_PAGE, farmerChoice, farmerRowWords, farmersUrl, pageWords, previousOffset } from './farmers-page.ts';

// startLang marks the page's language; a bare stand-in page is enough here.
(globalThis as { document?: unknown }).document ??= { documentElement: {} };
afterEach(() => startLang('vi'));

const nam: FarmerListItem = {
  id: 12,
  lookupCode: 'ND-TEST-NAM1',
  communeCode: '29869',
  communeName: 'Phường Cao Lãnh',
  hamlet: 'Ấp Tân Hậu',
  fullName: 'Kha Văn Nam',
  citizenId: '087123456789',
  phone: '0912345678',
  address: null,
  version: 3,
  plotCount: 3,
  firstPlotId: 40,
  bbox: [105.6, 10.4, 105.61, 10.41],
};
const fresh: FarmerListItem = {
  ...nam,
  id: 13,
  lookupCode: 'ND-TEST-MOI3',
  fullName: 'Đặng Thị Mới',
  plotCount: 0,
  firstPlotId: null,
  bbox: null,
};

describe("the officer's farmers list", () => {
  it('asks for one page of the filter, the filter trimmed and escaped, none when empty', () => {
    expect(farmersUrl('', 0)).toBe(`/api/farmers?limit=${FARMERS_PAGE}&offset=0`);
    expect(farmersUrl('  ', 40)).toBe(`/api/farmers?limit=${FARMERS_PAGE}&offset=40`);
    expect(farmersUrl(' Kha Văn & Nam ', 20, 5)).toBe('/api/farmers?limit=5&offset=20&q=Kha%20V%C4%83n%20%26%20Nam');
    expect(farmersUrl('x', -3)).toBe(`/api/farmers?limit=${FARMERS_PAGE}&offset=0&q=x`);
  });

  it('words a row with the name, card code, hamlet and commune and the plots, in both languages', () => {
    expect(farmerRowWords(nam)).toEqual({
      name: 'Kha Văn Nam',
      code: 'Mã thẻ ND-TEST-NAM1',
      place: 'Ấp Tân Hậu, Phường Cao Lãnh',
      plots: '3 thửa',
    });
    expect(farmerRowWords({ ...fresh, hamlet: null, communeName: null })).toEqual({
      name: 'Đặng Thị Mới',
      code: 'Mã thẻ ND-TEST-MOI3',
      place: '29869',
      plots: 'Chưa có thửa',
    });
    // A farmer the registry has no name for is named by their card.
    expect(farmerRowWords({ ...nam, fullName: null }).name).toBe('ND-TEST-NAM1');
    startLang('en');
    expect(farmerRowWords({ ...nam, plotCount: 1 }).plots).toBe('1 plot');
    expect(farmerRowWords(nam).plots).toBe('3 plots');
    expect(farmerRowWords(fresh).plots).toBe('No plot yet');
    expect(farmerRowWords(nam).code).toBe('Card code ND-TEST-NAM1');
  });

  it('says which rows a page shows of how many, and which neighbouring pages exist', () => {
    expect(pageWords(57, 0, 20)).toEqual({ text: '1–20 trên 57 nông hộ', prev: false, next: true });
    expect(pageWords(57, 20, 20)).toEqual({ text: '21–40 trên 57 nông hộ', prev: true, next: true });
    expect(pageWords(57, 40, 17)).toEqual({ text: '41–57 trên 57 nông hộ', prev: true, next: false });
    expect(pageWords(0, 0, 0)).toEqual({ text: '', prev: false, next: false });
    startLang('en');
    expect(pageWords(1, 0, 1).text).toBe('1–1 of 1 farmer');
    expect(pageWords(57, 20, 20).text).toBe('21–40 of 57 farmers');
    expect(previousOffset(20)).toBe(0);
    expect(previousOffset(45)).toBe(45 - FARMERS_PAGE);
    expect(previousOffset(5)).toBe(0);
  });

  it("flies to a farmer's plots and opens the first one's card; opens the record of a farmer with no plot", () => {
    expect(farmerChoice(nam)).toEqual({
      kind: 'plots',
      hit: {
        group: 'plots',
        kind: 'farmer',
        id: '40',
        label: 'Kha Văn Nam',
        facts: {
          farmerId: 12,
          name: 'Kha Văn Nam',
          code: 'ND-TEST-NAM1',
          plotCount: 3,
          hamlet: 'Ấp Tân Hậu',
          communeCode: '29869',
          communeName: 'Phường Cao Lãnh',
        },
        bbox: [105.6, 10.4, 105.61, 10.41],
      },
    });
    expect(farmerChoice(fresh)).toEqual({ kind: 'record', farmerId: 13 });
  });
});
