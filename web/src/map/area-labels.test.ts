import type { Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import type { StyleSpecification, SymbolLayerSpecification } from 'maplibre-gl';
import {
  AREA_LABEL_LAYER,
  AREA_LABEL_SOURCE,
  areaLabelPoints,
  inPolygon,
  LABEL_NAME_CHARS,
  labelPoint,
  withAreaLabelSource,
  type AreaPiece,
  type ViewBox,
} from './area-labels.ts';

/** A closed rectangle ring from its west, south, east and north. */
const rect = (w: number, s: number, e: number, n: number): Position[] => [
  [w, s],
  [e, s],
  [e, n],
  [w, n],
  [w, s],
];
const WORLD: ViewBox = [-180, -90, 180, 90];
const area = (id: number, code: string, parts: Position[][][]): AreaPiece => ({
  id,
  properties: { code },
  geometry: { type: 'MultiPolygon', coordinates: parts },
});

describe('one label per growing area', () => {
  it('labels an area of twelve separate plots once, on its largest plot', () => {
    const plots = Array.from({ length: 12 }, (_, i) => [rect(i * 2, 0, i * 2 + 1, i === 7 ? 3 : 1)]);
    const labels = areaLabelPoints([area(8, 'VN-87-866-29890-01-24', plots)], WORLD);
    expect(labels.features).toHaveLength(1);
    expect(labels.features[0]!.properties).toEqual({ code: 'VN-87-866-29890-01-24' });
    expect(labels.features[0]!.geometry.coordinates).toEqual([14.5, 1.5]);
  });

  it('labels an area with no code by its name cut to fit, whole letters and “…”; a short name as it is', () => {
    const long = 'Vùng trồng xoài cát Chu xuất khẩu của Hợp tác xã Nông nghiệp Dịch vụ Mỹ Xương, ấp Tân Hậu, xã Tân Thuận, Đồng Tháp mới 2';
    const named = (id: number, name: string): AreaPiece => ({
      id,
      properties: { name },
      geometry: { type: 'Polygon', coordinates: [rect(id, 0, id + 1, 1)] },
    });
    const labels = areaLabelPoints([named(1, long.normalize('NFD')), named(3, 'Vùng sen Mỹ Trà')], WORLD);
    const [cut, short] = labels.features.map((f) => f.properties!);
    expect(cut!.name).toBe(long.normalize('NFD'));
    expect(String(cut!.label).normalize('NFC')).toBe('Vùng trồng xoài cát Chu xuất khẩu…');
    expect([...new Intl.Segmenter('vi', { granularity: 'grapheme' }).segment(String(cut!.label))].length).toBeLessThanOrEqual(
      LABEL_NAME_CHARS,
    );
    expect(short!.label).toBe('Vùng sen Mỹ Trà');
  });

  it('gives each area its own label, and reads an area cut into tile pieces as one area', () => {
    const left = area(1, 'A', [[rect(0, 0, 1, 1)]]);
    const right = area(1, 'A', [[rect(1, 0, 3, 1)]]);
    const other = area(2, 'B', [[rect(10, 10, 11, 11)]]);
    const labels = areaLabelPoints([left, right, other], WORLD);
    expect(labels.features.map((f) => [f.id, f.geometry.coordinates])).toEqual([
      [1, [2, 0.5]],
      [2, [10.5, 10.5]],
    ]);
  });

  it('puts the label on a plot in view when the largest is out of it', () => {
    const plots = [[rect(0, 0, 10, 10)], [rect(20, 0, 21, 1)]];
    const labels = areaLabelPoints([area(3, 'C', plots)], [15, -5, 30, 5]);
    expect(labels.features[0]!.geometry.coordinates).toEqual([20.5, 0.5]);
  });

  it('keeps a label where it was while it is still on the area and in view', () => {
    const plots = [[rect(0, 0, 10, 10)], [rect(20, 0, 21, 1)]];
    const kept = areaLabelPoints([area(3, 'C', plots)], WORLD, new Map([[3, [20.2, 0.4]]]));
    expect(kept.features[0]!.geometry.coordinates).toEqual([20.2, 0.4]);
    const gone = areaLabelPoints([area(3, 'C', [[rect(0, 0, 10, 10)]])], WORLD, new Map([[3, [20.2, 0.4]]]));
    expect(gone.features[0]!.geometry.coordinates).toEqual([5, 5]);
  });

  it('leaves out features without an id or without a polygon', () => {
    const labels = areaLabelPoints(
      [
        { id: undefined, properties: {}, geometry: { type: 'Polygon', coordinates: [rect(0, 0, 1, 1)] } },
        { id: 4, properties: {}, geometry: { type: 'Point', coordinates: [0, 0] } },
      ],
      WORLD,
    );
    expect(labels.features).toEqual([]);
  });
});

describe('a label point lies on its polygon', () => {
  it('on an L-shaped plot, whose centre of mass is outside it', () => {
    const l: Position[] = [
      [0, 0],
      [10, 0],
      [10, 1],
      [1, 1],
      [1, 10],
      [0, 10],
      [0, 0],
    ];
    const p = labelPoint([l]);
    expect(inPolygon(p, [l])).toBe(true);
    expect(inPolygon([4, 4], [l])).toBe(false);
  });

  it('on a plot with a hole in its middle, beside the hole', () => {
    const rings = [rect(0, 0, 10, 10), rect(3, 3, 7, 7)];
    const p = labelPoint(rings);
    expect(inPolygon(p, rings)).toBe(true);
    expect(p).toEqual([1.5, 5]);
  });

  it('on a thin strip turned 45° (the seed’s rice plots)', () => {
    const strip: Position[] = [
      [0, 0],
      [10, 10],
      [10.2, 9.8],
      [0.2, -0.2],
      [0, 0],
    ];
    expect(inPolygon(labelPoint([strip]), [strip])).toBe(true);
  });
});

describe('the label layer in the style the map is made with', () => {
  const style: StyleSpecification = {
    version: 8,
    sources: { bando: { type: 'vector', tiles: ['/tiles/growing_areas/{z}/{x}/{y}'] } },
    layers: [
      { id: 'growing_areas-fill', type: 'fill', source: 'bando', 'source-layer': 'growing_areas' },
      {
        id: AREA_LABEL_LAYER,
        type: 'symbol',
        source: 'bando',
        'source-layer': 'growing_areas',
        minzoom: 11,
        filter: ['has', 'code'],
        layout: { 'text-field': ['get', 'code'], 'symbol-avoid-edges': true, visibility: 'none' },
        metadata: { 'bando:group': 'growing_areas' },
      },
      { id: 'plots-line', type: 'line', source: 'bando', 'source-layer': 'plots' },
    ],
  };

  it('reads one point per area from the start, in the same place, keeping what the panel and the print read', () => {
    const moved = withAreaLabelSource(style);
    expect(moved.sources[AREA_LABEL_SOURCE]).toEqual({ type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    expect(moved.layers.map((l) => l.id)).toEqual(['growing_areas-fill', AREA_LABEL_LAYER, 'plots-line']);
    const label = moved.layers[1] as SymbolLayerSpecification;
    expect(label.source).toBe(AREA_LABEL_SOURCE);
    expect('source-layer' in label).toBe(false);
    expect(label.minzoom).toBe(11);
    expect(label.filter).toEqual(['has', 'code']);
    expect(label.layout).toEqual({ 'text-field': ['get', 'code'], 'symbol-avoid-edges': false, visibility: 'none' });
    expect(label.metadata).toEqual({
      'bando:group': 'growing_areas',
      'bando:label-pieces': { source: 'bando', sourceLayer: 'growing_areas' },
    });
    // The server's document is left as it was, and a second pass changes nothing.
    expect((style.layers[1] as SymbolLayerSpecification).source).toBe('bando');
    expect(withAreaLabelSource(moved)).toBe(moved);
  });

  it('leaves a style without that layer as it is', () => {
    const without = { ...style, layers: style.layers.filter((l) => l.id !== AREA_LABEL_LAYER) };
    expect(withAreaLabelSource(without)).toBe(without);
  });
});
