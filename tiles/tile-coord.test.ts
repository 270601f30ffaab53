import { describe, expect, it } from 'vitest';
import { TileError } from './layer.ts';
import {
  insideEnvelope4326,
  MERCATOR_HALF,
  NEAR_MARGIN,
  parseTileCoord,
  tileAffine4326,
  tileBounds3857,
  tileBounds4326,
  tileRange,
  toLonLat,
} from './tile-coord.ts';

describe('tile coordinates', () => {
  it('parses in-range integers', () => {
    expect(parseTileCoord('14', '13000', '7700')).toEqual({ z: 14, x: 13000, y: 7700 });
    expect(parseTileCoord('0', '0', '0')).toEqual({ z: 0, x: 0, y: 0 });
  });

  it.each([
    ['-1', '0', '0'],
    ['3', '8', '0'],
    ['3', '0', '8'],
    ['23', '0', '0'],
    ['3', '1.0', '0'],
    ['3', '1e0', '0'],
    ['3', ' 1', '0'],
    ['3', '+1', '0'],
    ['3', '0x1', '0'],
    ['3', '', '0'],
    ['99999999999', '0', '0'],
  ])('refuses %s/%s/%s with TILE_OUT_OF_RANGE', (z, x, y) => {
    expect(() => parseTileCoord(z, x, y)).toThrow(TileError);
    try {
      parseTileCoord(z, x, y);
    } catch (e) {
      expect((e as TileError).code).toBe('TILE_OUT_OF_RANGE');
    }
  });

  it('tile 0/0/0 is the whole Mercator square, and a buffer grows it by buffer/extent of a tile', () => {
    expect(tileBounds3857({ z: 0, x: 0, y: 0 })).toEqual([-MERCATOR_HALF, -MERCATOR_HALF, MERCATOR_HALF, MERCATOR_HALF]);
    const [minx, , maxx] = tileBounds3857({ z: 1, x: 0, y: 0 }, 64, 4096);
    expect(maxx - minx).toBeCloseTo(MERCATOR_HALF * (1 + 2 * (64 / 4096)), 3);
  });

  it('the tile range of a point is the tile whose bounds hold it', () => {
    const lon = 105.6345;
    const lat = 10.4655;
    const r = tileRange([lon, lat, lon, lat], 16);
    expect(r.minX).toBe(r.maxX);
    const [w, s, e, n] = tileBounds4326({ z: 16, x: r.minX, y: r.minY });
    expect(lon).toBeGreaterThanOrEqual(w);
    expect(lon).toBeLessThan(e);
    expect(lat).toBeGreaterThanOrEqual(s);
    expect(lat).toBeLessThan(n);
  });

  // The in-database encoder places polygons of z13+ tiles with one affine map from degrees (the
  // "affine" geometry path): its error against true Web Mercator must stay under the integer grid.
  it.each([
    [13, 0.4],
    [15, 0.1],
    [18, 0.02],
  ])('the degree-to-tile affine map of a z%i tile strays under %f tile units from Web Mercator, at any latitude', (z, bound) => {
    let worst = 0;
    const n = 2 ** z;
    for (let k = 0; k <= 40; k++) {
      // Rows from the equator to the Mercator limit, and one west-east column, including the buffer.
      const t = { z, x: Math.floor(n * 0.79), y: Math.min(n - 1, Math.floor(((k / 40) * n) / 2)) };
      const [sx, sy, tx, ty] = tileAffine4326(t);
      const [minx, miny, maxx, maxy] = tileBounds3857(t);
      for (let i = -2; i <= 66; i++) {
        // Points down the tile (and 64 units past each edge) in metres, through degrees, into tile units both ways.
        const my = miny + ((maxy - miny) * (i - 1)) / 64;
        const mx = minx + ((maxx - minx) * i) / 64;
        const [lon, lat] = toLonLat(mx, my);
        const exact = [((mx - minx) / (maxx - minx)) * 4096, ((maxy - my) / (maxy - miny)) * 4096];
        const affine = [lon * sx + tx, lat * sy + ty];
        worst = Math.max(worst, Math.abs(exact[0]! - affine[0]!), Math.abs(exact[1]! - affine[1]!));
      }
    }
    expect(worst).toBeGreaterThan(0);
    expect(worst).toBeLessThan(bound);
  });

  // Features within a quarter tile of it are placed whole by the same map (sql.encoder.ts,
  // UNCLIPPED): the error out there stays under the grid too.
  it.each([
    [14, 0.25],
    [16, 0.07],
    [18, 0.02],
  ])('the affine map of a z%i tile strays under %f units up to a quarter tile past it', (z, bound) => {
    let worst = 0;
    const n = 2 ** z;
    for (let k = 0; k <= 40; k++) {
      const t = { z, x: Math.floor(n * 0.79), y: Math.min(n - 2, Math.max(1, Math.floor(((k / 40) * n) / 2))) };
      const [sx, sy, tx, ty] = tileAffine4326(t);
      const [minx, miny, maxx, maxy] = tileBounds3857(t);
      for (let i = -16; i <= 80; i++) {
        // From NEAR_MARGIN units before the tile to as far past it (64 steps of 64 units span the tile).
        const my = miny + ((maxy - miny) * i) / 64;
        const mx = minx + ((maxx - minx) * i) / 64;
        const [lon, lat] = toLonLat(mx, my);
        const exact = [((mx - minx) / (maxx - minx)) * 4096, ((maxy - my) / (maxy - miny)) * 4096];
        const down = [lon * sx + tx, lat * sy + ty];
        worst = Math.max(worst, Math.abs(exact[0]! - down[0]!), Math.abs(exact[1]! - down[1]!));
      }
    }
    expect(NEAR_MARGIN).toBe(16 * 64);
    expect(worst).toBeGreaterThan(0);
    expect(worst).toBeLessThan(bound);
  });

  it('shrinks a buffered tile to float32 degrees just inside it, as PostGIS compares boxes', () => {
    // West, east of the antimeridian, the prime meridian and the equator (zero edges), and Cao Lãnh.
    const tiles = [
      { z: 16, x: 52003, y: 30846 },
      { z: 18, x: 208017, y: 123411 },
      { z: 13, x: 4096, y: 4096 },
      { z: 14, x: 0, y: 8191 },
      { z: 15, x: 32767, y: 0 },
    ];
    for (const t of tiles) {
      const exact = tileBounds4326(t, 64);
      const inside = insideEnvelope4326(t, 64);
      for (let k = 0; k < 4; k++) expect(Math.fround(inside[k]!)).toBe(inside[k]);
      expect(inside[0]).toBeGreaterThan(exact[0]);
      expect(inside[1]).toBeGreaterThan(exact[1]);
      expect(inside[2]).toBeLessThan(exact[2]);
      expect(inside[3]).toBeLessThan(exact[3]);
      // No more than two float32 steps in: a feature close to the edge still takes the fast path.
      for (let k = 0; k < 4; k++)
        expect(Math.abs(inside[k]! - exact[k]!)).toBeLessThanOrEqual(2 * 2 ** -23 * Math.max(1e-30, Math.abs(exact[k]!)) + 1e-30);
    }
  });
});
