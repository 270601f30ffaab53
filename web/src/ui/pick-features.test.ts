import type { Geometry, LineString, Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { pickFeatures } from './pick-features.ts';

/** A rendered feature as queryRenderedFeatures gives it: one per layer drawing it and per tile holding a part. */
const rendered = (
  id: number | undefined,
  group: string,
  properties: Record<string, unknown>,
  source = 'bando',
  geometry: Geometry | undefined = undefined,
) => ({
  id,
  source,
  sourceLayer: group,
  properties,
  layer: { metadata: { 'bando:group': group } },
  geometry,
});

/** A square of `size` degrees with its south-west corner at x, y (a parcel or a plot). */
const square = (x: number, y: number, size: number): Polygon => ({
  type: 'Polygon',
  coordinates: [
    [
      [x, y],
      [x + size, y],
      [x + size, y + size],
      [x, y + size],
      [x, y],
    ],
  ],
});

/** The clicked point, inside the parcel at 105.63, 10.46 and 0.0001° (about 11 m) from the road along its north edge. */
const CLICK: [number, number] = [105.6305, 10.4609];
const parcel = square(105.63, 10.46, 0.001);
const road: LineString = {
  type: 'LineString',
  coordinates: [
    [105.629, 10.461],
    [105.632, 10.461],
  ],
};
const BASEMAP = new Set(['water', 'roads', 'admin']);

describe('the features under a click', () => {
  it('lists a feature once however many layers draw it and tiles hold it, top-most first', () => {
    const parcel = { land_use_code: 'ODT' };
    const picked = pickFeatures([
      rendered(464, 'parcels', parcel),
      rendered(464, 'parcels', parcel),
      rendered(12, 'plots', { crop: 'mango' }),
      rendered(464, 'parcels', parcel),
      rendered(465, 'parcels', parcel),
    ]);
    expect(picked.map((f) => `${f.group}:${f.id}`)).toEqual(['parcels:464', 'plots:12', 'parcels:465']);
  });

  it('tells apart features of two sources with the same id, and features without an id by their attributes', () => {
    const picked = pickFeatures([
      rendered(7, 'roads', { name: 'Quốc lộ 30' }),
      rendered(7, 'roads', { name: 'Quốc lộ 30' }, 'other'),
      rendered(undefined, 'water', { name: 'Kênh Cái Sâu' }),
      rendered(undefined, 'water', { name: 'Kênh Cái Sâu' }),
      rendered(undefined, 'water', { name: 'Sông Tiền' }),
    ]);
    expect(picked.map((f) => `${f.group}:${String(f.properties.name)}`)).toEqual([
      'roads:Quốc lộ 30',
      'roads:Quốc lộ 30',
      'water:Kênh Cái Sâu',
      'water:Sông Tiền',
    ]);
  });

  it('lists the parcel the click is inside before the road drawn over it, and the basemap last', () => {
    // queryRenderedFeatures answers top-most first: the road is drawn above the parcels.
    const picked = pickFeatures(
      [
        rendered(3, 'roads', { name: 'Đường Lê Lợi' }, 'bando', road),
        rendered(464, 'parcels', { land_use_code: 'ODT' }, 'bando', parcel),
        rendered(9, 'admin', { name: 'Phường Cao Lãnh' }, 'bando', square(105.6, 10.4, 0.1)),
      ],
      { at: CLICK, basemap: BASEMAP },
    );
    expect(picked.map((f) => `${f.group}:${f.id}`)).toEqual(['parcels:464', 'roads:3', 'admin:9']);
  });

  it('lists what holds the click before a neighbour merely near it, the top-most first among those holding it', () => {
    const neighbour = square(105.631, 10.46, 0.001);
    const plot = square(105.6302, 10.4602, 0.0005);
    const lot = square(105.62, 10.45, 0.02);
    const picked = pickFeatures(
      [
        rendered(77, 'products', { name: 'Xoài' }, 'bando', { type: 'Point', coordinates: [105.6306, 10.4609] }),
        rendered(12, 'plots', { crop: 'mango' }, 'bando', plot),
        rendered(465, 'parcels', {}, 'bando', neighbour),
        rendered(464, 'parcels', {}, 'bando', parcel),
        rendered(5, 'zones', {}, 'zones', lot),
        rendered(undefined, 'water', { name: 'Sông Tiền' }, 'bando', square(105.6, 10.4, 0.1)),
      ],
      { at: [105.6304, 10.4604], basemap: BASEMAP },
    );
    expect(picked.map((f) => `${f.group}:${f.id ?? ''}`)).toEqual([
      'plots:12',
      'parcels:464',
      'zones:5',
      'products:77',
      'parcels:465',
      'water:',
    ]);
  });

  it('counts a feature as holding the click when any of its tile pieces does, and not inside its hole', () => {
    const west = square(105.63, 10.46, 0.0005);
    const east = square(105.6305, 10.46, 0.0005);
    const ring: Polygon = {
      type: 'Polygon',
      coordinates: [square(105.629, 10.459, 0.003).coordinates[0]!, square(105.6302, 10.4602, 0.0006).coordinates[0]!],
    };
    const picked = pickFeatures(
      [
        rendered(1, 'growing_areas', {}, 'bando', ring),
        rendered(464, 'parcels', {}, 'bando', west),
        rendered(464, 'parcels', {}, 'bando', east),
        rendered(2, 'zones', {}, 'bando', { type: 'MultiPolygon', coordinates: [west.coordinates, east.coordinates] }),
      ],
      { at: [105.6307, 10.4604] },
    );
    // The click is in the east piece of parcel 464 and of zone 2, and in the hole of growing area 1.
    expect(picked.map((f) => `${f.group}:${f.id}`)).toEqual(['parcels:464', 'zones:2', 'growing_areas:1']);
  });
});
