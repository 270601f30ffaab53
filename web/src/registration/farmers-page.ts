// The officer's farmers list ("Nông hộ / Farmers", farmers-list.ts) without the DOM: the address of a
// page, the words of a row and of the paging line, and what choosing a row does. A farmer with plots
// is a search hit of theirs (the map flies to all their plots and opens the first one's card, as the
// search box's farmer hit does); a farmer with no plot yet has nowhere to fly: their record opens.
import type { FarmerListItem } from '../../../server/contracts/registry.ts';
import { t } from '../i18n/i18n.ts';
import type { SearchHit } from '../ui/search-box.ts';

/** Farmers a page holds: a phone's screen scrolls through twenty rows without losing the paging buttons for long. */
export const FARMERS_PAGE = 20;

/** GET /api/farmers for one page of the filter `q` (trimmed; empty: every farmer of the officer's communes). */
export function farmersUrl(q: string, offset: number, limit = FARMERS_PAGE): string {
  const query = q.trim();
  return `/api/farmers?limit=${limit}&offset=${Math.max(0, Math.floor(offset))}${query ? `&q=${encodeURIComponent(query)}` : ''}`;
}

/** A row's words: the name (the card code when the registry has none), the card code, where they live, their plots. */
export function farmerRowWords(farmer: FarmerListItem): { name: string; code: string; place: string; plots: string } {
  return {
    name: farmer.fullName ?? farmer.lookupCode,
    code: t('searchFarmerCard', { code: farmer.lookupCode }),
    place: [farmer.hamlet, farmer.communeName ?? farmer.communeCode].filter(Boolean).join(', '),
    plots: farmer.plotCount > 0 ? t('searchFarmerPlots', { count: farmer.plotCount }) : t('farmerNoPlot'),
  };
}

/** The paging line ("21–40 / 57") and which of the previous and next pages exist. */
export function pageWords(total: number, offset: number, shown: number): { text: string; prev: boolean; next: boolean } {
  return {
    text: shown === 0 ? '' : t('farmersRange', { from: offset + 1, to: offset + shown, total }),
    prev: offset > 0,
    next: offset + shown < total,
  };
}

/** Where the previous page starts: a page back, never before the first. */
export function previousOffset(offset: number, limit = FARMERS_PAGE): number {
  return Math.max(0, offset - limit);
}

/** What choosing a farmer does: fly to their plots (the hit the map flies to), or open their record when they have none. */
export type FarmerChoice = { kind: 'plots'; hit: SearchHit } | { kind: 'record'; farmerId: number };

/** The choice of a row of the list. */
export function farmerChoice(farmer: FarmerListItem): FarmerChoice {
  if (farmer.plotCount === 0 || farmer.firstPlotId === null) return { kind: 'record', farmerId: farmer.id };
  return {
    kind: 'plots',
    hit: {
      group: 'plots',
      kind: 'farmer',
      id: String(farmer.firstPlotId),
      label: farmer.fullName ?? farmer.lookupCode,
      facts: {
        farmerId: farmer.id,
        name: farmer.fullName ?? farmer.lookupCode,
        code: farmer.lookupCode,
        plotCount: farmer.plotCount,
        hamlet: farmer.hamlet,
        communeCode: farmer.communeCode,
        communeName: farmer.communeName,
      },
      ...(farmer.bbox ? { bbox: farmer.bbox } : {}),
    },
  };
}
