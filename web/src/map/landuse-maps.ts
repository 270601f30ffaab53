import type { LayerSpecification, StyleSpecification } from 'maplibre-gl';
import type { LandUseMap, LandUseMapKind } from '../../../server/contracts/landuse-maps.ts';

export type { LandUseMap, LandUseMapKind };

/** What a link says about the land-use layer: a kind, and a map id when it is not that kind's current map. */
export type LandUseChoice = { kind: LandUseMapKind; id?: number };

/** The land-use maps the server's style lists (metadata `bando:landuseMaps`), status maps first. */
export function landUseMapsOf(style: StyleSpecification): LandUseMap[] {
  const declared = (style.metadata as Record<string, unknown> | undefined)?.['bando:landuseMaps'];
  return Array.isArray(declared) ? (declared as LandUseMap[]) : [];
}

/**
 * A land-use area's properties with its map's name and plan period from the style's list: the tiles
 * carry only the map's id, kind and first year, which on a tapped plan's card read 'Năm của bản đồ
 * 2021' for the 2021–2030 plan, with no map named. Properties already there (the features API's) win.
 */
export function withLandUseMap(properties: Record<string, unknown>, maps: readonly LandUseMap[]): Record<string, unknown> {
  const map = maps.find((m) => m.id === Number(properties.map_id));
  if (!map) return properties;
  return { map_name: map.name, ...(map.periodTo === null ? {} : { map_period_to: map.periodTo }), ...properties };
}

/** The maps of one kind, current first, then newest. */
export function mapsOfKind(maps: readonly LandUseMap[], kind: LandUseMapKind): LandUseMap[] {
  return maps.filter((m) => m.kind === kind).sort((a, b) => Number(b.current) - Number(a.current) || b.year - a.year || b.id - a.id);
}

/**
 * The map shown when a link names none, as the server's style filters it: the current plan (quy
 * hoạch; the parcels layer already shows each parcel's current use), else the current status map.
 */
export function defaultLandUseMap(maps: readonly LandUseMap[]): LandUseMap | undefined {
  return maps.find((m) => m.kind === 'plan' && m.current) ?? maps.find((m) => m.current) ?? maps[0];
}

/**
 * The map to show for a choice: the named map when it exists and is of that kind, else the current
 * map of the kind, else the default (a link to a map that was since deleted still opens).
 */
export function resolveLandUseMap(maps: readonly LandUseMap[], choice: LandUseChoice | undefined): LandUseMap | undefined {
  const named = choice?.id === undefined ? undefined : maps.find((m) => m.id === choice.id && m.kind === choice.kind);
  return named ?? (choice ? mapsOfKind(maps, choice.kind)[0] : undefined) ?? defaultLandUseMap(maps);
}

/**
 * The choice a link records for a shown map: nothing for the default map (links stay short), the
 * kind alone for the current map of a kind (so the link follows a newer one), the id otherwise.
 */
export function choiceFor(maps: readonly LandUseMap[], map: LandUseMap): LandUseChoice | undefined {
  if (map.id === defaultLandUseMap(maps)?.id) return undefined;
  return map.current ? { kind: map.kind } : { kind: map.kind, id: map.id };
}

/** The filter that keeps one map's areas (the tiles carry `map_id` at every zoom). */
export function landUseMapFilter(mapId: number): ['==', ['get', 'map_id'], number] {
  return ['==', ['get', 'map_id'], mapId];
}

/** The landuse group's drawn layers (fill and outline; the selection highlight filters by feature id). */
export function landUseLayers(style: StyleSpecification): LayerSpecification[] {
  return style.layers.filter(
    (l) => (l.metadata as Record<string, string> | undefined)?.['bando:group'] === 'landuse' && !l.id.endsWith('-highlight'),
  );
}

/** Puts a map's filter into the style document, before the map is created from it: the first frame already shows one map. */
export function selectLandUseMapInStyle(style: StyleSpecification, mapId: number): void {
  for (const layer of landUseLayers(style)) (layer as { filter?: unknown }).filter = landUseMapFilter(mapId);
}
