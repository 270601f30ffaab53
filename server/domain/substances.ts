// Farm-diary checks against the allowed-substance lists kept as data (allowed_substances): a
// pesticide must be allowed in Vietnam and in every market the growing area sells to (importers
// reject shipments for residues: DOMAIN.md, domain-research §1.1.5), and the pre-harvest interval
// must end before the expected harvest. Each flag carries the facts it names (server/contracts/diary.ts):
// the service stores them with the entry and the browser words them without reading the English.
import { DIARY_REASON } from '../contracts/diary-codes.ts';
import type { DiaryProblem, SubstanceList } from '../contracts/diary.ts';

/** One row of the allowed_substances table. */
export type SubstanceRule = { active_ingredient: string; market: string; allowed: boolean; mrl_mg_kg: number | null };

/** The diary entry being checked. */
export type DiaryEntryInput = {
  activeIngredient: string;
  /** 'YYYY-MM-DD' */
  appliedOn: string;
  phiDays: number | null;
};

/** One reason to flag an entry, with its facts. */
export type SubstanceFlag = DiaryProblem;

/** Reason constants of checkDiaryEntry (the contract's DIARY_REASON). */
export const SUBSTANCE_REASONS = DIARY_REASON;

/** Folds an active-ingredient name for matching: case, accents, spaces and hyphens don't matter. */
export function foldIngredient(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/gi, 'd')
    .toLowerCase()
    .replace(/[\s\-_]+/g, ' ')
    .trim();
}

/** The markets an area's produce must satisfy: Vietnam always, then its target markets, each once. */
export function marketsToCheck(areaMarkets: readonly string[]): string[] {
  return [...new Set(['VN', ...areaMarkets.map((m) => m.toUpperCase())])];
}

/**
 * Flags a diary entry: a substance not allowed for a market, or absent from that market's list
 * (unknown is not allowed: the officer adds a row when a list is confirmed), and a pre-harvest
 * interval that runs past the expected harvest.
 */
export function checkDiaryEntry(
  entry: DiaryEntryInput,
  areaMarkets: readonly string[],
  rules: readonly SubstanceRule[],
  expectedHarvest: string | null,
): { flagged: boolean; flags: DiaryProblem[] } {
  const wanted = foldIngredient(entry.activeIngredient);
  const flags: DiaryProblem[] = [];
  for (const market of marketsToCheck(areaMarkets)) {
    const rule = rules.find((r) => r.market.toUpperCase() === market && foldIngredient(r.active_ingredient) === wanted);
    if (!rule) {
      flags.push({
        market,
        reason: SUBSTANCE_REASONS.NOT_LISTED,
        substance: entry.activeIngredient,
        message: `${entry.activeIngredient} is not on the allowed list for ${market}.`,
      });
    } else if (!rule.allowed) {
      flags.push({
        market,
        reason: SUBSTANCE_REASONS.NOT_ALLOWED,
        substance: entry.activeIngredient,
        message: `${entry.activeIngredient} is not allowed for ${market}.`,
      });
    }
  }
  // A harvest expected before the spray is the last season's (the plot's date was not moved on):
  // this spray cannot reach it, and comparing would flag every spray of the new season.
  if (expectedHarvest && entry.phiDays !== null && expectedHarvest >= entry.appliedOn) {
    const safe = addDays(entry.appliedOn, entry.phiDays);
    if (safe > expectedHarvest) {
      flags.push({
        market: null,
        reason: SUBSTANCE_REASONS.PHI,
        appliedOn: entry.appliedOn,
        phiDays: entry.phiDays,
        safeHarvestOn: safe,
        expectedHarvest,
        message: `The pre-harvest interval of ${entry.phiDays} days ends on ${safe}, after the expected harvest on ${expectedHarvest}.`,
      });
    }
  }
  return { flagged: flags.length > 0, flags };
}

/** The strictest maximum residue limit (mg/kg) of an ingredient over the given markets, or null if none is listed. */
export function strictestMrl(activeIngredient: string, markets: readonly string[], rules: readonly SubstanceRule[]): number | null {
  const wanted = foldIngredient(activeIngredient);
  let min: number | null = null;
  for (const market of marketsToCheck(markets)) {
    for (const r of rules) {
      if (r.market.toUpperCase() === market && foldIngredient(r.active_ingredient) === wanted && r.mrl_mg_kg !== null) {
        min = min === null ? r.mrl_mg_kg : Math.min(min, r.mrl_mg_kg);
      }
    }
  }
  return min;
}

/** Adds days to a 'YYYY-MM-DD' date in UTC (no time zone may shift a calendar date). */
export function addDays(date: string, days: number): string {
  const t = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** The rows of a GET /api/substances answer as the rules checkDiaryEntry reads (the browser checks while typing). */
export function rulesOfList(list: SubstanceList): SubstanceRule[] {
  return list.substances.flatMap((s) =>
    s.rules.map((r) => ({ active_ingredient: s.activeIngredient, market: r.market, allowed: r.allowed, mrl_mg_kg: r.mrlMgKg })),
  );
}
