import type { StyleSpecification } from 'maplibre-gl';
import { describe, expect, it } from 'vitest';
import { choiceFor, landUseMapsOf, mapsOfKind, resolveLandUseMap, selectLandUseMapInStyle, type LandUseMap } from './landuse-maps.ts';

const map = (id: number, kind: LandUseMap['kind'], year: number, current: boolean): LandUseMap => ({
  id,
  kind,
  name: `${kind} ${year}`,
  year,
  periodTo: kind === 'plan' ? year + 9 : null,
  decisionNo: null,
  current,
});
const maps = [map(1, 'status', 2024, true), map(3, 'status', 2019, false), map(2, 'plan', 2021, true), map(4, 'plan', 2011, false)];

describe('choosing the land-use map to show', () => {
  it('shows the current plan when the link names none, else the current status map', () => {
    expect(resolveLandUseMap(maps, undefined)?.id).toBe(2);
    expect(
      resolveLandUseMap(
        maps.filter((m) => m.kind === 'status'),
        undefined,
      )?.id,
    ).toBe(1);
  });

  it('shows the current map of a kind, or a named older map of that kind', () => {
    expect(resolveLandUseMap(maps, { kind: 'plan' })?.id).toBe(2);
    expect(resolveLandUseMap(maps, { kind: 'plan', id: 4 })?.id).toBe(4);
    expect(resolveLandUseMap(maps, { kind: 'status', id: 3 })?.id).toBe(3);
  });

  it('ignores an id of another kind or one that no longer exists, keeping the kind', () => {
    expect(resolveLandUseMap(maps, { kind: 'plan', id: 3 })?.id).toBe(2);
    expect(resolveLandUseMap(maps, { kind: 'status', id: 99 })?.id).toBe(1);
    expect(resolveLandUseMap([map(1, 'status', 2024, true)], { kind: 'plan' })?.id).toBe(1);
    expect(resolveLandUseMap([], { kind: 'plan' })).toBeUndefined();
  });

  it('records nothing for the default map, the kind alone for a current map and the id for an older one', () => {
    expect(choiceFor(maps, maps[0]!)).toEqual({ kind: 'status' });
    expect(choiceFor(maps, maps[1]!)).toEqual({ kind: 'status', id: 3 });
    expect(choiceFor(maps, maps[3]!)).toEqual({ kind: 'plan', id: 4 });
    // The default map needs no word in the link.
    expect(choiceFor(maps, maps[2]!)).toBeUndefined();
  });

  it('lists a kind current first, then newest', () => {
    expect(mapsOfKind([map(5, 'status', 2010, false), ...maps], 'status').map((m) => m.id)).toEqual([1, 3, 5]);
  });

  it('filters the landuse fill and outline in a style document, not its highlight or other groups', () => {
    const group = (g: string) => ({ 'bando:group': g });
    const style = {
      version: 8,
      metadata: { 'bando:landuseMaps': maps },
      sources: {},
      layers: [
        { id: 'landuse-fill', type: 'fill', source: 'x', metadata: group('landuse') },
        { id: 'landuse-line', type: 'line', source: 'x', metadata: group('landuse') },
        { id: 'landuse-highlight', type: 'line', source: 'x', metadata: group('landuse'), filter: ['==', ['id'], -1] },
        { id: 'parcels-fill', type: 'fill', source: 'x', metadata: group('parcels') },
      ],
    } as unknown as StyleSpecification;
    expect(landUseMapsOf(style)).toEqual(maps);
    selectLandUseMapInStyle(style, 2);
    const filters = Object.fromEntries(style.layers.map((l) => [l.id, (l as { filter?: unknown }).filter]));
    expect(filters).toEqual({
      'landuse-fill': ['==', ['get', 'map_id'], 2],
      'landuse-line': ['==', ['get', 'map_id'], 2],
      'landuse-highlight': ['==', ['id'], -1],
      'parcels-fill': undefined,
    });
  });
});
