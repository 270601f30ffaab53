import { afterEach, describe, expect, it } from 'vitest';
import { startLang } from '../../web/src/i18n/i18n.ts';
import { parcelName as webParcelName } from '../../web/src/ui/parcel-name.ts';
import { parcelName, type NamedParcel } from './parcel-name.ts';

// The web's i18n module sets <html lang>; a bare object stands in for the document here.
(globalThis as { document?: unknown }).document ??= { documentElement: {} };
afterEach(() => startLang('vi'));

const former: NamedParcel = { commune: '29890', communeName: 'Xã Tân Thuận Tây', communeFormer: true, sheet: 6, parcel: 192 };
const inForce: NamedParcel = { commune: '29869', communeName: 'Phường Cao Lãnh', communeFormer: false, sheet: 6, parcel: 192 };
const codeOnly: NamedParcel = { commune: '29890', communeName: null, communeFormer: null, sheet: 6, parcel: 192 };
const bare: NamedParcel = { sheet: 6, parcel: 192 };

describe('parcelName (server)', () => {
  it('names a parcel with the commune of its survey, in both languages', () => {
    expect(parcelName(former, 'vi')).toBe('Tờ 6 thửa 192, Xã Tân Thuận Tây cũ');
    expect(parcelName(former, 'en')).toBe('Sheet 6 parcel 192, former Xã Tân Thuận Tây');
    expect(parcelName(inForce, 'vi')).toBe('Tờ 6 thửa 192, Phường Cao Lãnh');
    expect(parcelName(inForce, 'en')).toBe('Sheet 6 parcel 192, Phường Cao Lãnh');
    expect(parcelName(codeOnly, 'vi')).toBe('Tờ 6 thửa 192, xã/phường 29890');
    expect(parcelName(codeOnly, 'en')).toBe('Sheet 6 parcel 192, commune/ward 29890');
    expect(parcelName(bare, 'en')).toBe('Sheet 6 parcel 192');
  });

  it('words every parcel as the web does (web/src/ui/parcel-name.ts), in both languages', () => {
    for (const lang of ['vi', 'en'] as const) {
      startLang(lang);
      for (const p of [former, inForce, codeOnly, bare]) expect(parcelName(p, lang), `${lang} ${JSON.stringify(p)}`).toBe(webParcelName(p));
    }
  });
});
