// The farm diary's verdicts and the allowed-substance lists as the registry answers them. A diary
// entry's `problems` name each reason it was flagged with the facts its English sentence states as
// fields, so a client words them in the officer's language without reading the sentence; the
// substance list is what a form offers while the server still checks whatever is typed.
import { Type, type Static } from '@sinclair/typebox';

export { DIARY_REASON, type DiaryReason } from './diary-codes.ts';

type Common = {
  /** The English sentence, for people and for clients that know no reason code (flag_reason joins them). */
  message: string;
};

/**
 * One reason an entry is flagged, with the facts the registry compared (only those of its rule).
 * `market` is null for the interval, which is about the plot, not a market (kept so for old clients
 * of `flags`).
 */
export type DiaryProblem =
  /** Market `market` (ISO 3166 code, 'EU', upper case) forbids `substance` (as the entry names it). */
  | (Common & { reason: 'not-allowed'; market: string; substance: string })
  /** Market `market` has no row for `substance`. */
  | (Common & { reason: 'not-listed'; market: string; substance: string })
  /** Sprayed on `appliedOn` with an interval of `phiDays`: safe from `safeHarvestOn`, after `expectedHarvest` (dates 'YYYY-MM-DD'). */
  | (Common & {
      reason: 'pre-harvest-interval';
      market: null;
      appliedOn: string;
      phiDays: number;
      safeHarvestOn: string;
      expectedHarvest: string;
    });

/** A market code in a query: ISO 3166 alpha-2 or 'EU', either case. */
const MARKET_LIST = Type.String({
  pattern: '^[A-Za-z]{2}(,[A-Za-z]{2}){0,19}$',
  maxLength: 59,
  description: 'Comma-separated market codes, e.g. VN,EU',
});

/** Query of GET /api/substances. */
export const SubstanceListQuery = Type.Object({ market: Type.Optional(MARKET_LIST) }, { additionalProperties: false });
export type SubstanceListQuery = Static<typeof SubstanceListQuery>;

/** One market's row for a substance. */
export type SubstanceMarketRule = { market: string; allowed: boolean; mrlMgKg: number | null; note: string | null };

/** A substance with the rows of the markets asked (a market without a row has not listed it). */
export type ListedSubstance = { activeIngredient: string; rules: SubstanceMarketRule[] };

/** Body of GET /api/substances: the markets asked (every market of the table without a filter) and the substances any of them lists. */
export type SubstanceList = { markets: string[]; substances: ListedSubstance[] };
