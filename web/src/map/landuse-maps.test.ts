import type { StyleSpecification } from 'maplibre-gl';
import { describe, expect, it } from 'vitest';
import { cardRows } from '../ui/feature-format.ts';
import {
  choiceFor,
  landUseMapsOf,
  mapsOfKind,
  resolveLandUseMap,
  selectLandUseMapInStyle,
  withLandUseMap,
  type LandUseMap,
} from './landuse-maps.ts';

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

describe("a tapped land-use area's card", () => {
  // The i18n module sets <html lang>; a bare object stands in for the document here.
  (globalThis as { document?: unknown }).document ??= { documentElement: {} };

  it('names its map and a plan by its period, from the style’s list of maps (the tile has only map_id, kind and year)', () => {
    const tile = { land_use_code: 'ODT', map_id: 2, map_kind: 'plan', year: 2021 };
    const rows = new Map(cardRows('landuse', withLandUseMap(tile, maps)).map((r) => [r.label, r.value]));
    expect(rows.get('Bản đồ')).toBe('plan 2021');
    expect(rows.get('Kỳ quy hoạch')).toBe('2021–2030');
    expect(rows.has('Năm của bản đồ')).toBe(false);
    // A status map keeps its year; an unknown map id and the features API's own name are left as they are.
    const status = new Map(
      cardRows('landuse', withLandUseMap({ ...tile, map_id: 1, map_kind: 'status', year: 2024 }, maps)).map((r) => [r.label, r.value]),
    );
    expect([status.get('Bản đồ'), status.get('Năm của bản đồ')]).toEqual(['status 2024', '2024']);
    expect(withLandUseMap({ ...tile, map_id: 99 }, maps)).toEqual({ ...tile, map_id: 99 });
    expect(withLandUseMap({ ...tile, map_name: 'Tên từ API' }, maps).map_name).toBe('Tên từ API');
  });
});
