// How a cadastral parcel is named to people, everywhere a list names one ("Tờ 6 thửa 192, Xã Tân
// Thuận Tây cũ"): sheet and parcel numbers repeat across the old communes merged into one ward
// (DOMAIN.md: the parcel key carries the commune of its survey), so the number alone named seven
// parcels of Phường Cao Lãnh (audit s16).
import type { NamedParcel } from '../../../server/domain/parcel-name.ts';
import { t } from '../i18n/i18n.ts';

// A parcel as the registry's lists give it: sheet and number, and the commune of its survey by code,
// by the name it had then (communeName) and whether that unit is no longer in force (communeFormer).
export type { NamedParcel };

/** "Tờ 6 thửa 192, Xã Tân Thuận Tây cũ" / "Sheet 6 parcel 192, former Xã Tân Thuận Tây"; "Tờ 6 thửa 192, xã/phường 29890" when only the code came, the bare numbers when neither did. */
export function parcelName(p: NamedParcel): string {
  const numbers = t('myPlotsParcel', { sheet: p.sheet, parcel: p.parcel });
  if (p.communeName) return t(p.communeFormer ? 'parcelInFormerUnit' : 'parcelInUnit', { parcel: numbers, unit: p.communeName });
  return p.commune ? t('parcelInUnitCode', { parcel: numbers, unit: p.commune }) : numbers;
}
