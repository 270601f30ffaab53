// How the server names a cadastral parcel in words people read (the printed dossier, a refusal's or
// an import report's English detail): the twin of the web's parcelName (web/src/ui/parcel-name.ts),
// worded alike in both languages. A sheet and parcel number repeat across the old communes merged
// into one ward (DOMAIN.md), so the commune of the parcel's survey is named with them.

/** A parcel as the registry's SQL gives it (places.sql parcelCommuneJson / parcelCommuneColumns). */
export type NamedParcel = {
  sheet: number;
  parcel: number;
  commune?: string | null;
  communeName?: string | null;
  communeFormer?: boolean | null;
};

/** "Tờ 6 thửa 192, Xã Tân Thuận Tây cũ" / "Sheet 6 parcel 192, former Xã Tân Thuận Tây"; "Tờ 6 thửa 192, xã/phường 29890" with the code alone. */
export function parcelName(p: NamedParcel, lang: 'vi' | 'en'): string {
  const numbers = lang === 'vi' ? `Tờ ${p.sheet} thửa ${p.parcel}` : `Sheet ${p.sheet} parcel ${p.parcel}`;
  if (p.communeName) {
    if (lang === 'vi') return `${numbers}, ${p.communeName}${p.communeFormer ? ' cũ' : ''}`;
    return `${numbers}, ${p.communeFormer ? 'former ' : ''}${p.communeName}`;
  }
  // No brackets of its own: callers add one after the name ("(50%)", "(#692)", "(5 m²)"), and
  // "(former Xã Tân Thuận Tây) (#692)" or "(29890) (#692)" read as nested or doubled (s17).
  if (!p.commune) return numbers;
  return lang === 'vi' ? `${numbers}, xã/phường ${p.commune}` : `${numbers}, commune/ward ${p.commune}`;
}
