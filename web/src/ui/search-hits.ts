import type { SearchFacts } from '../../../server/contracts/registry.ts';

/** The text a query sends: what is typed, without the spaces around it. */
export function queryOf(typed: string): string {
  return typed.trim();
}

/** A query the search endpoint is asked (a single letter finds everything and nothing). */
export function isQuery(query: string): boolean {
  return query.length >= 2;
}

/**
 * What the search box knows when Enter is pressed: the text typed now, the query whose answer the
 * list holds, how many hits that answer has and which one the arrow keys highlight.
 */
export type EnterState = { typed: string; shown: string; hits: number; active: number };

/**
 * What Enter does: pick a hit only of the answer to the text typed now; otherwise search that text
 * (and open its first hit when the answer comes). On a loaded machine the answer to "tờ 12 thửa 345"
 * was still the list when "ODT-53" had been typed, and Enter opened the parcel.
 */
export type EnterAction = { kind: 'pick'; index: number } | { kind: 'search'; query: string } | { kind: 'show' } | { kind: 'none' };

/** Decides what Enter does in the search box (see EnterAction). */
export function enterAction(state: EnterState): EnterAction {
  const query = queryOf(state.typed);
  if (!isQuery(query)) return { kind: 'none' };
  if (state.shown !== query) return { kind: 'search', query };
  // The answer to this text found nothing: its message stays, nothing to open.
  if (state.hits === 0) return { kind: 'show' };
  return { kind: 'pick', index: state.active >= 0 && state.active < state.hits ? state.active : 0 };
}

/**
 * A hit's facts as the properties of its card, under the names the tiles and the features API give
 * them, for the card shown before the map has drawn the feature (the card's title and rows read
 * these names). The hit's own words (label, detail) are not properties: as such they showed as rows
 * "label" and "detail" once the features API's properties were merged in. An owner's name stays
 * with the owner views (a card of the parcel does not carry it).
 */
export function hitProperties(group: string, facts: SearchFacts | undefined): Record<string, unknown> {
  if (!facts) return {};
  const pick = (pairs: [string, unknown][]) => Object.fromEntries(pairs.filter(([, v]) => v !== undefined && v !== null && v !== ''));
  switch (group) {
    case 'parcels':
      return pick([
        ['commune_code', facts.communeCode],
        ['sheet', facts.sheet],
        ['parcel_no', facts.parcelNo],
        ['land_use_code', facts.landUseCode],
        ['address', facts.address],
      ]);
    case 'zones':
      return pick([
        ['lot_code', facts.lotCode],
        ['function', facts.function],
        ['land_use_code', facts.landUseCode],
        ['plan_name', facts.planName],
      ]);
    case 'growing_areas':
      return pick([
        ['code', facts.code],
        ['name', facts.name],
        ['status', facts.status],
        ['crop', facts.cropCode],
      ]);
    case 'admin':
      return pick([
        ['name', facts.name],
        ['code', facts.code],
        // A former unit: its card says what it is today (feature-format formerUnitNow).
        [
          'former',
          facts.current === false ? { name: facts.name, today: facts.today ?? null, todayHamlet: facts.todayHamlet ?? null } : undefined,
        ],
      ]);
    default:
      return {};
  }
}

/**
 * The farmer whose record a hit opens instead of a card on the map: a farmer of the registry with
 * no plot yet (an officer searching for the farmer just registered) has nowhere to fly. Undefined for
 * every other hit, a farmer with plots included (it opens the first plot's card).
 */
export function farmerRecordOf(hit: { kind?: string; facts?: SearchFacts | undefined }): number | undefined {
  if (hit.kind !== 'farmer' || hit.facts?.plotCount !== 0) return undefined;
  return typeof hit.facts.farmerId === 'number' ? hit.facts.farmerId : undefined;
}
