import { describe, expect, it } from 'vitest';
import { ringsOf, snapPoint, type LonLat } from './snap.ts';

// A flat projection good enough for a test: 1 pixel = 1e-5 degree, y down.
const project = ([x, y]: LonLat) => ({ x: (x - 105) * 1e5, y: (10.5 - y) * 1e5 });
const parcel = ringsOf({
  type: 'MultiPolygon',
  coordinates: [
    [
      [
        [105.0001, 10.4999],
        [105.0003, 10.4999],
        [105.0003, 10.4997],
        [105.0001, 10.4997],
        [105.0001, 10.4999],
      ],
    ],
  ],
});

describe('snapping a vertex to a neighbour', () => {
  it('lands exactly on the neighbour’s corner when the pointer is within tolerance', () => {
    const hit = snapPoint({ x: 12, y: 9 }, [105.00012, 10.49991], parcel, project, 12, 0.001);
    expect(hit?.kind).toBe('vertex');
    expect(hit?.at).toEqual([105.0001, 10.4999]);
    expect(hit?.distancePx).toBeCloseTo(Math.hypot(2, 1), 6);
  });

  it('prefers a corner over a nearer edge, so corners are shared', () => {
    const hit = snapPoint({ x: 18, y: 11 }, [105.00018, 10.49989], parcel, project, 12, 0.001);
    expect(hit?.kind).toBe('vertex');
  });

  it('falls on the edge itself, interpolated in lon/lat, when no corner is near', () => {
    const hit = snapPoint({ x: 20, y: 14 }, [105.0002, 10.49986], parcel, project, 6, 0.001);
    expect(hit?.kind).toBe('edge');
    // The top edge (latitude 10.4999) is 4 px away; the point is on it, below the pointer.
    expect(hit?.at[0]).toBeCloseTo(105.0002, 9);
    expect(hit?.at[1]).toBe(10.4999);
  });

  it('does nothing beyond the tolerance or outside the first-cut box', () => {
    expect(snapPoint({ x: 60, y: 60 }, [105.0006, 10.4994], parcel, project, 12, 0.00005)).toBeUndefined();
    expect(ringsOf({ type: 'Point', coordinates: [1, 2] })).toEqual([]);
  });
});
