import { describe, expect, it } from 'vitest';
import { TileError } from './layer.ts';
import { MERCATOR_HALF, parseTileCoord, tileBounds3857, tileBounds4326, tileRange } from './tile-coord.ts';

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
});
