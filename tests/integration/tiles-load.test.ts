// The overload policy on the seeded sample data: a browser filling a phone screen with composite
// tiles is served in full (no holes in the map), while a true overload is refused with 503 and
// Retry-After, never a 500.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import type { Db } from '../../server/db/index.ts';
import { openTileService, TILE_SESSION, type TileService } from '../../server/tile-service.ts';
import { PUBLIC_SCOPE, TileEngine, tileRange, type TileCoord } from '../../tiles/index.ts';
import { openTestDb, testDbKind } from '../helpers/test-db.ts';

let db: Db;
let service: TileService;
let app: FastifyInstance;
let centre: [number, number];

beforeAll(async () => {
  db = await openTestDb();
  service = await openTileService({ tileCacheBytes: 64 << 20 }, db);
  app = await buildApp({ config: loadConfig({}), db, ready: { value: true }, tiles: service }, { logger: false });
  const b = await service.engine.bounds('parcels');
  centre = [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2];
});
afterAll(async () => {
  await app?.close();
  await service?.close();
  await db?.close();
});

/** A 4 × 6 block of tiles at zoom z around the data's centre: what a phone screen shows. */
function phoneGrid(z: number): TileCoord[] {
  const r = tileRange([centre[0], centre[1], centre[0], centre[1]], z);
  const out: TileCoord[] = [];
  for (let dx = -2; dx < 2; dx++) for (let dy = -3; dy < 3; dy++) out.push({ z, x: r.minX + dx, y: r.minY + dy });
  return out;
}

const ALL = 'water,landuse,zones,parcels,roads,admin,growing_areas,plots,products';

describe('overload policy', () => {
  it('a phone viewport of composite tiles at z14, z15 and z16 requested at once is served in full', async () => {
    const urls = [14, 15, 16].flatMap((z) => phoneGrid(z).map((t) => `/tiles/${ALL}/${t.z}/${t.x}/${t.y}`));
    const started = performance.now();
    const results = await Promise.all(urls.map((url) => app.inject({ url })));
    const seconds = (performance.now() - started) / 1000;
    const statuses = results.map((r) => r.statusCode);
    expect(
      statuses.filter((s) => s !== 200 && s !== 204),
      `statuses after ${seconds.toFixed(1)} s`,
    ).toEqual([]);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(urls.length / 2);
  });

  it('a true overload (thousands at once, a tiny deadline) is refused with 503 and Retry-After, never 500', async () => {
    const engine = await TileEngine.open(db, db.capabilities, { cacheBytes: 0, maxWaitMs: 25 });
    const busy = await buildApp(
      { config: loadConfig({}), db, ready: { value: true }, tiles: { engine, close: async () => undefined, warm: () => undefined } },
      { logger: false },
    );
    try {
      const tiles = [15, 16, 17].flatMap((z) => phoneGrid(z));
      const urls = Array.from({ length: 2000 }, (_, i) => {
        const t = tiles[i % tiles.length]!;
        // Distinct sources per request so single-flight does not fold them into a few renders.
        const source = ['parcels', 'landuse', 'roads', 'plots', 'zones', 'water'][Math.floor(i / tiles.length) % 6]!;
        return `/tiles/${source}/${t.z}/${t.x}/${t.y}?n=${i}`;
      });
      const results = await Promise.all(urls.map((url) => busy.inject({ url })));
      const refused = results.filter((r) => r.statusCode === 503);
      expect(refused.length).toBeGreaterThan(100);
      for (const r of refused) {
        expect(r.headers['content-type']).toContain('application/problem+json');
        expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        expect(r.json().code).toBe('OVERLOADED');
      }
      expect(results.every((r) => [200, 204, 503].includes(r.statusCode))).toBe(true);
      // Once the storm has passed, tiles are served again.
      const t = phoneGrid(16)[0]!;
      expect([200, 204]).toContain((await busy.inject({ url: `/tiles/parcels/${t.z}/${t.x}/${t.y}` })).statusCode);
      expect(engine.stats()).toMatchObject({ active: 0, waiting: 0 });
    } finally {
      await busy.close();
    }
  });

  it.runIf(testDbKind === 'postgres')(
    'tiles run on connections carrying their own statement timeout and no JIT; a tile past the timeout is a 503',
    async () => {
      const session = db.withSession(TILE_SESSION);
      const settings = `SELECT current_setting('statement_timeout') AS timeout, current_setting('jit') AS jit`;
      expect((await session.query(settings)).rows[0]).toEqual({ timeout: '10s', jit: 'off' });
      // The app's own connections keep theirs: the tile settings are not leaked into the shared pool.
      expect((await db.query(settings)).rows[0]).toMatchObject({ timeout: '30s' });
      expect(db.withSession({ jit: 'off', statement_timeout: '10000' })).toBe(session);
      expect(() => db.withSession({ statement_timeout: '1; DROP TABLE parcels' })).toThrow(/invalid session setting/);

      // A 1 ms timeout: the engine's data-version read goes to the app's pool, every tile to the hurried session.
      const hurried = db.withSession({ statement_timeout: '1', jit: 'off' });
      const engine = await TileEngine.open(
        { query: (sql, params) => (/data_version_seq/.test(sql) ? db.query(sql, params) : hurried.query(sql, params)) },
        db.capabilities,
        { cacheBytes: 0 },
      );
      const busy = await buildApp(
        { config: loadConfig({}), db, ready: { value: true }, tiles: { engine, close: async () => undefined, warm: () => undefined } },
        { logger: false },
      );
      try {
        // The whole sample city in one z12 composite tile: far more than a millisecond of work.
        const t = tileRange([centre[0], centre[1], centre[0], centre[1]], 12);
        const res = await busy.inject({ url: `/tiles/parcels,landuse/12/${t.minX}/${t.minY}` });
        expect(res.statusCode).toBe(503);
        expect(res.json().code).toBe('OVERLOADED');
        expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      } finally {
        await busy.close();
      }
    },
  );

  it.runIf(testDbKind === 'postgres')(
    'each tile is one prepared statement, named by its SQL text, and draws what the plain statement draws',
    async () => {
      const session = db.withSession(TILE_SESSION);
      const calls: { name: string | null; sql: string }[] = [];
      const engine = await TileEngine.open(
        {
          query: (sql, params) => (calls.push({ name: null, sql }), session.query(sql, params)),
          queryPrepared: (name, sql, params) => (calls.push({ name, sql }), session.queryPrepared!(name, sql, params)),
        },
        db.capabilities,
        { cacheBytes: 0 },
      );
      calls.length = 0;
      const [a, b] = phoneGrid(16);
      const first = await engine.render('parcels', a!, PUBLIC_SCOPE);
      await engine.render('parcels', b!, PUBLIC_SCOPE);
      await engine.render('landuse', a!, PUBLIC_SCOPE);
      expect(calls).toHaveLength(3);
      expect(calls.every((c) => c.name?.startsWith('tile_'))).toBe(true);
      expect(calls[1]!.name).toBe(calls[0]!.name);
      expect(calls[2]!.name).not.toBe(calls[0]!.name);
      const plain = await TileEngine.open({ query: (sql, params) => session.query(sql, params) }, db.capabilities, { cacheBytes: 0 });
      expect(Buffer.from(await plain.render('parcels', a!, PUBLIC_SCOPE)).equals(Buffer.from(first))).toBe(true);
    },
  );
});
