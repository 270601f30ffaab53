import { describe, expect, it } from 'vitest';
import { TileCache, type CacheEntry } from './cache.ts';
import { tileBounds4326 } from './tile-coord.ts';

const entry = (key: string, sources: string[], z: number, x: number, y: number, size = 1000): CacheEntry => ({
  key,
  sources,
  z,
  box: tileBounds4326({ z, x, y }, 64),
  bytes: new Uint8Array(size),
  encoded: {},
  etag: `"${key}"`,
  shared: true,
});

describe('tile cache', () => {
  it('evicts the least recently used entries beyond its byte budget', () => {
    const cache = new TileCache(3 * 1300);
    cache.set(entry('a', ['parcels'], 14, 1, 1));
    cache.set(entry('b', ['parcels'], 14, 2, 1));
    cache.set(entry('c', ['parcels'], 14, 3, 1));
    cache.get('a');
    cache.set(entry('d', ['parcels'], 14, 4, 1));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.stats().bytes).toBeLessThanOrEqual(3 * 1300);
  });

  it('counts a coding added to a cached tile, evicts for it, and ignores one added after the tile left', () => {
    const cache = new TileCache(3 * 1300);
    const a = entry('a', ['parcels'], 14, 1, 1);
    cache.set(a);
    cache.set(entry('b', ['parcels'], 14, 2, 1));
    const before = cache.stats().bytes;
    const gz = new Uint8Array(600);
    (a.encoded as { gzip?: Uint8Array }).gzip = gz;
    cache.grow(a, gz.byteLength);
    expect(cache.stats().bytes).toBe(before + 600);
    // c no longer fits beside a (now 1,600 B + overhead) and b: the oldest, a, goes.
    cache.set(entry('c', ['parcels'], 14, 3, 1));
    expect(cache.get('a')).toBeUndefined();
    const after = cache.stats().bytes;
    cache.grow(a, 600);
    expect(cache.stats().bytes).toBe(after);
    cache.clear();
    expect(cache.stats().bytes).toBe(0);
  });

  it('drops exactly the tiles of the changed sources whose buffered bounds meet a box', () => {
    const cache = new TileCache(1 << 20);
    // Tiles 0/0 and 1/0 at zoom 1 touch at lon 0; tile 1/1 is the south-east quarter.
    cache.set(entry('p-west', ['plots'], 1, 0, 0));
    cache.set(entry('p-east', ['plots'], 1, 1, 1));
    cache.set(entry('r-west', ['roads'], 1, 0, 0));
    cache.set(entry('combo', ['roads', 'plots'], 1, 0, 0));
    const dropped = cache.invalidate(['plots'], [[-100, 10, -99, 11]]);
    expect(dropped).toBe(2);
    expect(cache.get('p-west')).toBeUndefined();
    expect(cache.get('combo')).toBeUndefined();
    expect(cache.get('p-east')).toBeDefined();
    expect(cache.get('r-west')).toBeDefined();
  });

  it('limits invalidation to a zoom range', () => {
    const cache = new TileCache(1 << 20);
    cache.set(entry('low', ['landuse'], 2, 0, 0));
    cache.set(entry('high', ['landuse'], 14, 0, 0));
    cache.invalidate(['landuse'], [[-180, -85, 180, 85]], 0, 12);
    expect(cache.get('low')).toBeUndefined();
    expect(cache.get('high')).toBeDefined();
  });
});
