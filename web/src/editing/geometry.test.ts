import { describe, expect, it } from 'vitest';
import { polygonAreaM2, polygonFromPositions } from './geometry.ts';

describe('live area of a drawn polygon', () => {
  it('measures a 100 m × 100 m square at Cao Lãnh as one hectare within 0.05 %', () => {
    // Metres per degree on the WGS 84 ellipsoid at latitude 10.46°.
    const dLat = 100 / 110609.6;
    const dLon = 100 / 109481.9;
    const polygon = polygonFromPositions([
      [105.63, 10.46],
      [105.63 + dLon, 10.46],
      [105.63 + dLon, 10.46 + dLat],
      [105.63, 10.46 + dLat],
    ])!;
    expect(polygonAreaM2(polygon)).toBeGreaterThan(9995);
    expect(polygonAreaM2(polygon)).toBeLessThan(10005);
  });

  it('subtracts holes and needs three corners', () => {
    const outer = [
      [0, 0],
      [0.001, 0],
      [0.001, 0.001],
      [0, 0.001],
      [0, 0],
    ];
    const hole = [
      [0.0002, 0.0002],
      [0.0004, 0.0002],
      [0.0004, 0.0004],
      [0.0002, 0.0004],
      [0.0002, 0.0002],
    ];
    const full = polygonAreaM2({ type: 'Polygon', coordinates: [outer] });
    expect(polygonAreaM2({ type: 'Polygon', coordinates: [outer, hole] })).toBeCloseTo(full * 0.96, 0);
    expect(
      polygonFromPositions([
        [0, 0],
        [1, 1],
      ]),
    ).toBeUndefined();
  });
});
