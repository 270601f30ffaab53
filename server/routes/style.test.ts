import { createExpression, validateStyleMin, type SymbolLayerSpecification } from '@maplibre/maplibre-gl-style-spec';
import { describe, expect, it } from 'vitest';
import type { LandUseCode } from './land-use-codes.ts';
import { buildStyle, LAYER_GROUPS, landUseFillExpression, type TileJson } from './style.ts';

const code = (c: string, fill: string | null, legacy = false): LandUseCode => ({
  code: c,
  nameVi: c,
  nameEn: c,
  group: null,
  fill,
  legacy,
  mapsTo: null,
  validFrom: '2024-08-01',
  validTo: null,
  sortOrder: 0,
});
const codes = [code('LUC', '#FFFC8C'), code('CLN', '#FFD2A0'), code('LNQ', '#FFD7AA', true), code('XYZ', null)];
const tj = (ids: string, minzoom = 6): TileJson => ({
  tiles: [`http://maps.local:3000/tiles/${ids}/{z}/{x}/{y}?v=7`],
  minzoom,
  maxzoom: 18,
  bounds: [105.5, 10.3, 105.8, 10.6],
  center: [105.63, 10.46, 14],
});
const all = Object.fromEntries(LAYER_GROUPS.map((g) => [g.id, tj(g.id, g.id === 'parcels' ? 13 : 6)]));

describe('the generated map style', () => {
  it('is a valid MapLibre style with a composite source for the layers shown first and a source of its own for each of the rest', () => {
    const shownIds = LAYER_GROUPS.filter((g) => g.visible).map((g) => g.id);
    const hiddenIds: string[] = LAYER_GROUPS.filter((g) => !g.visible).map((g) => g.id);
    const style = buildStyle({
      origin: 'http://maps.local:3000',
      sources: all,
      composites: { shown: tj(shownIds.join(',')) },
      landUse: codes,
    });
    expect(validateStyleMin(style)).toEqual([]);
    expect(Object.keys(style.sources).sort()).toEqual(['bando', 'landuse', 'zones']);
    expect(hiddenIds.sort()).toEqual(['landuse', 'zones']);
    // Layers hidden by default come from their own source, which MapLibre loads only when that
    // layer is switched on: zoning on (a planner's start) does not download land use beside it.
    for (const layer of style.layers) {
      if (!('source' in layer)) continue;
      const group = (layer.metadata as Record<string, string>)['bando:group']!;
      expect(layer.source).toBe(hiddenIds.includes(group) ? group : 'bando');
    }
    for (const g of LAYER_GROUPS) expect(style.layers.some((l) => 'source-layer' in l && l['source-layer'] === g.id)).toBe(true);
  });

  it('points at nothing outside the server: glyphs and tiles share its origin, no sprite', () => {
    const style = buildStyle({ origin: 'http://maps.local:3000', sources: all, landUse: codes });
    const urls = JSON.stringify(style).match(/https?:\/\/[^"/]+/g) ?? [];
    expect(new Set(urls)).toEqual(new Set(['http://maps.local:3000']));
    expect(style.sprite).toBeUndefined();
    expect(style.glyphs).toBe('http://maps.local:3000/fonts/{fontstack}/{range}.pbf');
  });

  it('colours land use from the table: every code with a fill, and a neutral fallback', () => {
    expect(landUseFillExpression(codes)).toEqual([
      'match',
      ['to-string', ['get', 'land_use_code']],
      'LUC',
      '#FFFC8C',
      'CLN',
      '#FFD2A0',
      'LNQ',
      '#FFD7AA',
      '#E0E0E0',
    ]);
    const style = buildStyle({ origin: 'http://x', sources: all, landUse: codes });
    const parcels = style.layers.find((l) => l.id === 'parcels-fill') as { paint: Record<string, unknown> };
    expect(parcels.paint['fill-color']).toEqual(landUseFillExpression(codes));
  });

  it('keeps labels above every fill and line, and a source’s minzoom on its layers', () => {
    const style = buildStyle({ origin: 'http://x', sources: all, landUse: codes });
    const firstLabel = style.layers.findIndex((l) => l.type === 'symbol');
    const lastGeometry = style.layers.map((l) => l.type !== 'symbol' && !l.id.endsWith('-highlight')).lastIndexOf(true);
    expect(firstLabel).toBeGreaterThan(lastGeometry);
    expect(style.layers.filter((l) => l.id.startsWith('parcels-')).every((l) => (l.minzoom ?? 0) >= 13)).toBe(true);
  });

  it('places a parcel’s number before a product’s name, which moves round its point instead of hiding the number', () => {
    const style = buildStyle({ origin: 'http://x', sources: all, landUse: codes });
    const labels = style.layers.filter((l) => l.type === 'symbol').map((l) => l.id);
    // MapLibre places the top layer's labels first: the number is above the name in the stack.
    expect(labels.indexOf('parcels-label')).toBeGreaterThan(labels.indexOf('products-label'));
    expect(labels.indexOf('products-label')).toBeGreaterThanOrEqual(0);
    // Every other label keeps its group's order.
    const others = labels.filter((id) => id !== 'products-label');
    const groupOrder: string[] = LAYER_GROUPS.map((g) => g.id);
    const groupOf = (id: string) => groupOrder.indexOf(id.replace(/-(hamlet-)?label$/, ''));
    expect(others.map(groupOf)).toEqual([...others.map(groupOf)].sort((a, b) => a - b));
    const product = style.layers.find((l) => l.id === 'products-label') as SymbolLayerSpecification;
    expect(product.layout?.['text-variable-anchor']).toEqual(['top', 'bottom', 'left', 'right']);
    expect(validateStyleMin(style)).toEqual([]);
  });

  it('labels a growing area by its code, else by the name the web map cut to fit, else by its whole name wrapped at 9 ems', () => {
    const style = buildStyle({ origin: 'http://x', sources: all, landUse: codes });
    const layer = style.layers.find((l) => l.id === 'growing_areas-label') as SymbolLayerSpecification;
    expect(layer.layout?.['text-max-width']).toBe(9);
    const parsed = createExpression(layer.layout?.['text-field'], 'text-field');
    if (parsed.result !== 'success') throw new Error(JSON.stringify(parsed.value));
    const text = (properties: Record<string, string>) =>
      String(
        parsed.value.evaluate({ zoom: 16 }, { type: 'Polygon', properties } as unknown as Parameters<typeof parsed.value.evaluate>[1]),
      );
    const name = 'Vùng trồng xoài cát Chu xuất khẩu của Hợp tác xã Nông nghiệp Dịch vụ Mỹ Xương';
    expect(text({ code: 'VN-DTOR-0101', name, label: 'Vùng trồng…' })).toBe('VN-DTOR-0101');
    expect(text({ name, label: 'Vùng trồng…' })).toBe('Vùng trồng…');
    expect(text({ name })).toBe(name);
  });

  it('draws one land-use map at a time: the current plan, filtered by the map id every landuse tile carries', () => {
    const map = (id: number, kind: 'status' | 'plan', current: boolean) => ({
      id,
      kind,
      name: `${kind} ${id}`,
      year: 2020 + id,
      periodTo: null,
      decisionNo: null,
      current,
    });
    const maps = [map(3, 'status', true), map(1, 'status', false), map(2, 'plan', true), map(4, 'plan', false)];
    const style = buildStyle({ origin: 'http://x', sources: all, landUse: codes, landUseMaps: maps });
    expect(validateStyleMin(style)).toEqual([]);
    expect((style.metadata as Record<string, unknown>)['bando:landuseMaps']).toEqual(maps);
    const filters = Object.fromEntries(
      style.layers.filter((l) => l.id.startsWith('landuse-')).map((l) => [l.id, 'filter' in l ? l.filter : undefined]),
    );
    expect(filters).toEqual({
      'landuse-fill': ['==', ['get', 'map_id'], 2],
      'landuse-line': ['==', ['get', 'map_id'], 2],
      'landuse-highlight': ['==', ['id'], -1],
    });
    // With no plan the current status map is shown; with no maps at all, nothing is filtered.
    const statusOnly = buildStyle({
      origin: 'http://x',
      sources: all,
      landUse: codes,
      landUseMaps: [map(1, 'status', false), map(3, 'status', true)],
    });
    expect((statusOnly.layers.find((l) => l.id === 'landuse-fill') as { filter?: unknown }).filter).toEqual(['==', ['get', 'map_id'], 3]);
    const none = buildStyle({ origin: 'http://x', sources: all, landUse: codes });
    expect((none.layers.find((l) => l.id === 'landuse-fill') as { filter?: unknown }).filter).toBeUndefined();
    expect((none.metadata as Record<string, unknown>)['bando:landuseMaps']).toEqual([]);
  });

  it('declares only the groups the tile server has, with their default visibility', () => {
    const style = buildStyle({ origin: 'http://x', sources: { roads: tj('roads'), parcels: tj('parcels') }, landUse: [] });
    expect((style.metadata as Record<string, unknown>)['bando:groups']).toEqual([
      { id: 'parcels', basemap: false, visible: true },
      { id: 'roads', basemap: true, visible: true },
    ]);
    expect(validateStyleMin(style)).toEqual([]);
  });
});
