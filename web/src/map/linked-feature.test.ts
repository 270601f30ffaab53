import { describe, expect, it } from 'vitest';
import { geometryBbox } from './linked-feature.ts';

describe('geometryBbox', () => {
  it('spans every ring of a multipolygon', () => {
    expect(
      geometryBbox({
        type: 'MultiPolygon',
        coordinates: [
          [
            [
              [105.6, 10.4],
              [105.7, 10.4],
              [105.7, 10.5],
              [105.6, 10.4],
            ],
          ],
          [
            [
              [105.5, 10.45],
              [105.55, 10.45],
              [105.55, 10.6],
              [105.5, 10.45],
            ],
          ],
        ],
      }),
    ).toEqual([105.5, 10.4, 105.7, 10.6]);
  });

  it('is a point’s own position, and spans the parts of a collection', () => {
    expect(geometryBbox({ type: 'Point', coordinates: [105.6, 10.4] })).toEqual([105.6, 10.4, 105.6, 10.4]);
    expect(
      geometryBbox({
        type: 'GeometryCollection',
        geometries: [
          { type: 'Point', coordinates: [105.6, 10.4] },
          {
            type: 'LineString',
            coordinates: [
              [105.7, 10.5],
              [105.8, 10.3],
            ],
          },
        ],
      }),
    ).toEqual([105.6, 10.3, 105.8, 10.5]);
  });

  it('is undefined with no geometry (an area with no plots yet) or no coordinates', () => {
    expect(geometryBbox(null)).toBeUndefined();
    expect(geometryBbox({ type: 'MultiPolygon', coordinates: [] })).toBeUndefined();
  });
});
