import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import type { Db } from '../../server/db/index.ts';
import { TileEngine } from '../../tiles/index.ts';
import { decodeTile, openTileFixtureDb, tileApp, tileAt } from '../helpers/tile-fixtures.ts';

const SOURCES = ['water', 'landuse', 'zones', 'parcels', 'roads', 'admin', 'growing_areas', 'plots', 'products'];
const CENTRE = [105.6345, 10.4655] as const;

let db: Db;
let app: FastifyInstance;

beforeAll(async () => {
  db = await openTileFixtureDb();
  app = await tileApp(db);
});

afterAll(async () => {
  await app?.close();
  await db?.close();
});

const url = (source: string, z: number, suffix = '') => {
  const t = tileAt(CENTRE[0], CENTRE[1], z);
  return `/tiles/${source}/${t.z}/${t.x}/${t.y}${suffix}`;
};

describe('source list and TileJSON', () => {
  it('GET /tiles lists every source with its zooms and an absolute TileJSON URL', async () => {
    const res = await app.inject({ url: '/tiles', headers: { host: 'maps.example:8080' } });
    expect(res.statusCode).toBe(200);
    const list = res.json() as { id: string; name: string; minzoom: number; maxzoom: number; url: string }[];
    expect(list.map((s) => s.id).sort()).toEqual([...SOURCES].sort());
    for (const s of list) {
      expect(s.url).toBe(`http://maps.example:8080/tiles/${s.id}`);
      expect(s.minzoom).toBeLessThanOrEqual(s.maxzoom);
      expect(s.name.length).toBeGreaterThan(0);
    }
  });

  it('GET /tiles/{source} is TileJSON 3.0.0 with versioned absolute tile URLs, fields, bounds and centre', async () => {
    const res = await app.inject({ url: '/tiles/parcels', headers: { host: 'maps.example' } });
    expect(res.statusCode).toBe(200);
    const tj = res.json();
    expect(tj.tilejson).toBe('3.0.0');
    expect(tj.tiles[0]).toMatch(/^http:\/\/maps\.example\/tiles\/parcels\/\{z\}\/\{x\}\/\{y\}\?v=\d+$/);
    expect(tj.vector_layers[0].id).toBe('parcels');
    expect(Object.keys(tj.vector_layers[0].fields)).toEqual(expect.arrayContaining(['land_use_code', 'sheet', 'parcel_no']));
    // The fixture's parcels span 105.630–105.638 E, 10.460–10.478 N.
    expect(tj.bounds[0]).toBeCloseTo(105.63, 3);
    expect(tj.bounds[3]).toBeCloseTo(10.478, 3);
    expect(tj.center[2]).toBeGreaterThanOrEqual(tj.minzoom);
  });

  it('a composite TileJSON lists each member as a vector layer', async () => {
    const tj = (await app.inject({ url: '/tiles/parcels,roads' })).json();
    expect(tj.vector_layers.map((l: { id: string }) => l.id)).toEqual(['parcels', 'roads']);
    expect(tj.tiles[0]).toContain('/tiles/parcels,roads/{z}/{x}/{y}?v=');
  });

  it('TileJSON uses the configured public URL instead of the Host header', async () => {
    const other = await tileApp(db, 1, { PUBLIC_URL: 'https://bando.example.vn/' });
    try {
      const tj = (await other.inject({ url: '/tiles/roads', headers: { host: 'evil.example' } })).json();
      expect(tj.tiles[0].startsWith('https://bando.example.vn/tiles/roads/')).toBe(true);
    } finally {
      await other.close();
    }
  });
});

describe('tiles', () => {
  it('answers MVT with a strong ETag and short, revalidated caching', async () => {
    const res = await app.inject({ url: url('parcels', 16) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.mapbox-vector-tile');
    expect(res.headers.etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    // Kept, but asked again before each use: no map client reloads every tile every few seconds (/api/changes says which).
    expect(res.headers['cache-control']).toBe('public, no-cache');
    const layers = decodeTile(res.rawPayload);
    expect(Object.keys(layers)).toEqual(['parcels']);
    expect(layers.parcels!.length).toBeGreaterThan(20);
    expect(layers.parcels![0]!.properties).toMatchObject({ commune_code: '29890', address: 'Ấp Tân Hậu' });
  });

  it('accepts .mvt and .pbf and returns the same bytes', async () => {
    const plain = await app.inject({ url: url('parcels', 15) });
    const mvt = await app.inject({ url: url('parcels', 15, '.mvt') });
    const pbf = await app.inject({ url: url('parcels', 15, '.pbf') });
    expect(mvt.rawPayload.equals(plain.rawPayload)).toBe(true);
    expect(pbf.rawPayload.equals(plain.rawPayload)).toBe(true);
  });

  it('answers 304 to If-None-Match with the current ETag', async () => {
    const first = await app.inject({ url: url('landuse', 14) });
    const again = await app.inject({ url: url('landuse', 14), headers: { 'if-none-match': first.headers.etag as string } });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);
    const stale = await app.inject({ url: url('landuse', 14), headers: { 'if-none-match': '"something-else"' } });
    expect(stale.statusCode).toBe(200);
  });

  it('gzips when the client accepts it, and not when it refuses', async () => {
    const raw = await app.inject({ url: url('parcels', 14) });
    const zipped = await app.inject({ url: url('parcels', 14), headers: { 'accept-encoding': 'gzip, deflate' } });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toContain('Accept-Encoding');
    expect(gunzipSync(zipped.rawPayload).equals(raw.rawPayload)).toBe(true);
    expect(zipped.rawPayload.length).toBeLessThan(raw.rawPayload.length);
    const refused = await app.inject({ url: url('parcels', 14), headers: { 'accept-encoding': 'gzip;q=0, identity' } });
    expect(refused.headers['content-encoding']).toBeUndefined();
  });

  it('answers brotli when the client accepts it, gzip when only that', async () => {
    const raw = await app.inject({ url: url('parcels', 16) });
    const br = await app.inject({ url: url('parcels', 16), headers: { 'accept-encoding': 'gzip, deflate, br, zstd' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.rawPayload).equals(raw.rawPayload)).toBe(true);
    expect(br.rawPayload.length).toBeLessThan(raw.rawPayload.length);
    expect(br.headers.etag).toBe(raw.headers.etag);
    const noBr = await app.inject({ url: url('parcels', 16), headers: { 'accept-encoding': 'br;q=0, gzip' } });
    expect(noBr.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(noBr.rawPayload).equals(raw.rawPayload)).toBe(true);
  });

  it('answers 204 for an empty tile and for zooms below the source', async () => {
    expect((await app.inject({ url: '/tiles/parcels/16/0/0' })).statusCode).toBe(204);
    expect((await app.inject({ url: url('parcels', 10) })).statusCode).toBe(204);
  });

  it('a composite tile holds one layer per member that has features', async () => {
    const res = await app.inject({ url: url('parcels,roads,products', 14) });
    expect(res.statusCode).toBe(200);
    expect(Object.keys(decodeTile(res.rawPayload)).sort()).toEqual(['parcels', 'products', 'roads']);
  });

  it('every source draws something over the fixture at a zoom it serves', async () => {
    for (const source of SOURCES) {
      const tj = (await app.inject({ url: `/tiles/${source}` })).json();
      const z = Math.max(tj.minzoom, 14);
      const [w, s, e, n] = tj.bounds as number[];
      const t = tileAt((w! + e!) / 2, (s! + n!) / 2, z);
      const res = await app.inject({ url: `/tiles/${source}/${t.z}/${t.x}/${t.y}` });
      expect(res.statusCode, source).toBe(200);
      expect(decodeTile(res.rawPayload)[source]!.length, source).toBeGreaterThan(0);
    }
  });
});

describe('bad requests', () => {
  const cases: [string, number, string][] = [
    ['/tiles/nosuch/1/0/0', 404, 'UNKNOWN_SOURCE'],
    ['/tiles/nosuch', 404, 'UNKNOWN_SOURCE'],
    ["/tiles/parcels';DROP TABLE parcels;--/1/0/0", 404, 'UNKNOWN_SOURCE'],
    ['/tiles/parcels%22%20OR%201=1/1/0/0', 404, 'UNKNOWN_SOURCE'],
    ['/tiles/parcels,parcels/14/0/0', 404, 'UNKNOWN_SOURCE'],
    ['/tiles/parcels,/14/0/0', 404, 'UNKNOWN_SOURCE'],
    ['/tiles/parcels/23/0/0', 400, 'TILE_OUT_OF_RANGE'],
    ['/tiles/parcels/19/0/0', 400, 'TILE_OUT_OF_RANGE'],
    ['/tiles/parcels/3/8/0', 400, 'TILE_OUT_OF_RANGE'],
    ['/tiles/parcels/3/0/8', 400, 'TILE_OUT_OF_RANGE'],
    ['/tiles/parcels/-1/0/0', 400, 'TILE_OUT_OF_RANGE'],
    ['/tiles/parcels/3/-1/0', 400, 'TILE_OUT_OF_RANGE'],
    ['/tiles/parcels/3/1.5/0', 400, 'TILE_OUT_OF_RANGE'],
    ['/tiles/parcels/3/0/1e1', 400, 'TILE_OUT_OF_RANGE'],
    ['/tiles/parcels/3/0x1/0', 400, 'TILE_OUT_OF_RANGE'],
    ['/tiles/parcels/99999999999999999999/0/0', 400, 'TILE_OUT_OF_RANGE'],
    ['/tiles/parcels/3/0/0.png', 400, 'TILE_OUT_OF_RANGE'],
    ['/tiles/parcels/3/%20/0', 400, 'TILE_OUT_OF_RANGE'],
  ];
  it.each(cases)('%s → %i %s as problem+json', async (path, status, code) => {
    const res = await app.inject({ url: path });
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().code).toBe(code);
  });

  it('path tricks find no route or no source, never a file', async () => {
    for (const path of ['/tiles/../../etc/passwd', '/tiles/%2e%2e/%2e%2e/etc/passwd/1/0/0', '/tiles/..%2f..%2fetc/1/0/0']) {
      const res = await app.inject({ url: path });
      expect([400, 404]).toContain(res.statusCode);
      expect(res.body).not.toContain('root:');
    }
  });

  it('a fuzz of 10,000 random tile paths produces no 5xx', async () => {
    // A fixed-seed generator so a failure can be replayed.
    let seed = 20251129;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const junk = [
      "'",
      '"',
      ';',
      '--',
      '%00',
      '%2F',
      '..',
      '%',
      '%ZZ',
      '\\',
      '{z}',
      '$1',
      '*',
      ' ',
      '%20',
      '😀',
      'Ấp',
      '<script>',
      '&',
      '?',
      '#',
      '/',
    ];
    const number = () =>
      pick([
        () => String(Math.floor(rand() * 30)),
        () => String(Math.floor(rand() * 2 ** 20)),
        () => String(-Math.floor(rand() * 100)),
        () => '9'.repeat(1 + Math.floor(rand() * 40)),
        () => (rand() * 100).toFixed(3),
        () => pick(junk),
        () => '',
        () => `${Math.floor(rand() * 20)}${pick(['.mvt', '.pbf', '.png', '.json', ''])}`,
      ])();
    const source = () =>
      pick([
        () => pick(SOURCES),
        () => `${pick(SOURCES)},${pick(SOURCES)}`,
        () => pick(SOURCES) + pick(junk),
        () => pick(junk) + pick(junk),
        () => 'x'.repeat(Math.floor(rand() * 600)),
      ])();
    const statuses = new Map<number, number>();
    for (let i = 0; i < 10_000; i++) {
      const parts = [source(), number(), number(), number()];
      if (rand() < 0.1) parts.push(number());
      if (rand() < 0.05) parts.pop();
      const path = `/tiles/${parts.join('/')}`;
      const res = await app.inject({ url: path });
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      if (res.statusCode >= 500) throw new Error(`${path} → ${res.statusCode} ${res.body}`);
    }
    expect([...statuses.keys()].every((s) => s < 500)).toBe(true);
  });
});

describe('compression', () => {
  it('compresses a tile only in the coding asked for, adds another on first need and keeps both', async () => {
    const engine = await TileEngine.open(db, db.capabilities, { cacheBytes: 16 << 20 });
    const t = tileAt(CENTRE[0], CENTRE[1], 15);
    const viewer = { role: 'anonymous', communes: [], farmerId: null };
    const first = await engine.tile(['parcels'], t, viewer, 'gzip');
    expect(first.bytes.length).toBeGreaterThan(0);
    expect(Object.keys(first.encoded)).toEqual(['gzip']);
    expect(gunzipSync(first.encoded.gzip!).equals(Buffer.from(first.bytes))).toBe(true);
    await engine.settled();
    const size = engine.stats().bytes;
    // Two requests at once for the missing coding: one compression, the same cached object.
    const [a, b] = await Promise.all([engine.tile(['parcels'], t, viewer, 'br'), engine.tile(['parcels'], t, viewer, 'br')]);
    expect(a).toBe(first);
    expect(b).toBe(first);
    expect(brotliDecompressSync(first.encoded.br!).equals(Buffer.from(first.bytes))).toBe(true);
    await engine.settled();
    expect(engine.stats().bytes).toBe(size + first.encoded.br!.byteLength);
    const plain = await engine.tile(['parcels'], t, viewer);
    expect(plain).toBe(first);
    expect(engine.stats().bytes).toBe(size + first.encoded.br!.byteLength);
  });

  it('answers a miss with a fast compression, then keeps a smaller one for the hits; nothing more when the tile is not cached', async () => {
    const engine = await TileEngine.open(db, db.capabilities, { cacheBytes: 16 << 20 });
    const viewer = { role: 'anonymous', communes: [], farmerId: null };
    const t = tileAt(CENTRE[0], CENTRE[1], 14);
    const first = await engine.tile(['parcels'], t, viewer, 'br');
    const fast = first.encoded.br!;
    const before = engine.stats().bytes;
    await engine.settled();
    const better = first.encoded.br!;
    expect(first.bytes.byteLength).toBeGreaterThan(10_000);
    expect(better).not.toBe(fast);
    expect(better.byteLength).toBeLessThan(fast.byteLength * 0.97);
    for (const copy of [fast, better]) expect(brotliDecompressSync(copy).equals(Buffer.from(first.bytes))).toBe(true);
    // The cache counts the smaller copy, and a hit sends it.
    expect(engine.stats().bytes).toBe(before - fast.byteLength + better.byteLength);
    expect((await engine.tile(['parcels'], t, viewer, 'br')).encoded.br).toBe(better);

    // Over HTTP: the first answer and a later one carry the same ETag and decode to the same tile.
    const app = await buildApp(
      {
        config: loadConfig({}),
        db,
        ready: { value: true },
        tiles: { engine, close: async () => undefined, warm: () => undefined },
      },
      { logger: false },
    );
    try {
      const url = `/tiles/parcels/${t.z + 1}/${t.x * 2}/${t.y * 2}`;
      const one = await app.inject({ url, headers: { 'accept-encoding': 'gzip' } });
      await engine.settled();
      const two = await app.inject({ url, headers: { 'accept-encoding': 'gzip' } });
      expect(one.statusCode).toBe(200);
      expect(two.headers.etag).toBe(one.headers.etag);
      expect(gunzipSync(two.rawPayload).equals(gunzipSync(one.rawPayload))).toBe(true);
      expect(two.rawPayload.byteLength).toBeLessThanOrEqual(one.rawPayload.byteLength);
    } finally {
      await app.close();
    }

    // With the cache off nothing is kept, so nothing is compressed twice.
    const cold = await TileEngine.open(db, db.capabilities, { cacheBytes: 0 });
    const once = await cold.tile(['parcels'], t, viewer, 'br');
    const copy = once.encoded.br;
    await cold.settled();
    expect(once.encoded.br).toBe(copy);
  });
});

describe('under load', () => {
  it('answers 503 with Retry-After when the render queue is full, and recovers', async () => {
    // One render at a time and no queue: a second concurrent miss must be refused.
    const engine = await TileEngine.open(db, db.capabilities, { cacheBytes: 0, concurrency: 1, queueLimit: 0 });
    const busy = await buildApp(
      {
        config: loadConfig({ TILE_CACHE_MB: '0' }),
        db,
        ready: { value: true },
        tiles: { engine, close: async () => undefined, warm: () => undefined },
      },
      { logger: false },
    );
    try {
      const paths = [14, 15, 16].flatMap((z) => [url('parcels', z), url('landuse', z)]);
      const results = await Promise.all(paths.map((p) => busy.inject({ url: p })));
      const refused = results.filter((r) => r.statusCode === 503);
      expect(refused.length).toBeGreaterThan(0);
      expect(refused[0]!.headers['retry-after']).toBeDefined();
      expect(refused[0]!.json().code).toBe('OVERLOADED');
      expect(results.every((r) => r.statusCode === 200 || r.statusCode === 503)).toBe(true);
      expect((await busy.inject({ url: url('parcels', 16) })).statusCode).toBe(200);
    } finally {
      await busy.close();
    }
  });
});
