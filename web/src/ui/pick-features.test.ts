import { describe, expect, it } from 'vitest';
import { pickFeatures } from './pick-features.ts';

/** A rendered feature as queryRenderedFeatures gives it: one per layer drawing it and per tile holding a part. */
const rendered = (id: number | undefined, group: string, properties: Record<string, unknown>, source = 'bando') => ({
  id,
  source,
  sourceLayer: group,
  properties,
  layer: { metadata: { 'bando:group': group } },
});

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
});
