import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import type { Db } from '../../server/db/index.ts';
import { withEdits } from '../../server/db/edit-context.ts';
import { openTileService, type TileService } from '../../server/tile-service.ts';
import { PUBLIC_SCOPE, TileEngine, type TileCoord } from '../../tiles/index.ts';
import { decodeTile, openTileFixtureDb, tileAt, type DecodedFeature } from '../helpers/tile-fixtures.ts';

let db: Db;
let service: TileService;
let app: FastifyInstance;

beforeAll(async () => {
  db = await openTileFixtureDb();
  service = await openTileService({ tileCacheBytes: 64 << 20 }, db);
  app = await buildApp({ config: loadConfig({}), db, ready: { value: true }, tiles: service }, { logger: false });
});
afterAll(async () => {
  await app?.close();
  await service?.close();
  await db?.close();
});

const path = (source: string, t: TileCoord) => `/tiles/${source}/${t.z}/${t.x}/${t.y}`;

async function layer(source: string, t: TileCoord): Promise<DecodedFeature[]> {
  const res = await app.inject({ url: path(source, t) });
  if (res.statusCode === 204) return [];
  expect(res.statusCode).toBe(200);
  return decodeTile(res.rawPayload)[source] ?? [];
}

/** Polls until the tile satisfies `fresh` (the notification arrives after commit); returns the milliseconds it took. */
async function until(source: string, t: TileCoord, fresh: (fs: DecodedFeature[]) => boolean, limitMs = 2000): Promise<number> {
  const start = performance.now();
  for (;;) {
    if (fresh(await layer(source, t))) return performance.now() - start;
    if (performance.now() - start > limitMs) throw new Error(`${path(source, t)} still stale after ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const PLOT_TILE = tileAt(105.6345, 10.4655, 16);
const FAR_TILE = tileAt(105.6325, 10.4775, 16);

describe('freshness after edits', () => {
  it('a plot edited by direct SQL is fresh in the next tile, while tiles elsewhere stay cached', async () => {
    expect((await layer('plots', PLOT_TILE)).some((f) => f.properties.crop === 'mango')).toBe(true);
    const far = await app.inject({ url: path('parcels', FAR_TILE) });
    const before = service.engine.stats();
    const version = (await app.inject({ url: '/tiles/plots' })).json().tiles[0];

    await db.query(`UPDATE plots SET crop = 'longan' WHERE id = 1`);
    const ms = await until('plots', PLOT_TILE, (fs) => fs.some((f) => f.properties.crop === 'longan'));
    expect(ms).toBeLessThan(2000);

    // The far parcels tile is answered from the cache: same ETag, no new miss.
    const misses = service.engine.stats().misses;
    const again = await app.inject({ url: path('parcels', FAR_TILE) });
    expect(again.headers.etag).toBe(far.headers.etag);
    expect(service.engine.stats().misses).toBe(misses);
    expect(service.engine.stats().invalidations).toBeGreaterThan(before.invalidations);
    // The data version in the TileJSON moved for plots (and growing areas, built on plots), not for roads.
    expect((await app.inject({ url: '/tiles/plots' })).json().tiles[0]).not.toBe(version);
  });

  it('moving a plot redraws its old and new place and its growing area', async () => {
    const newTile = tileAt(105.6345 + 0.01, 10.4655, 16);
    expect((await layer('plots', newTile)).length).toBe(0);
    const areaBefore = (await layer('growing_areas', PLOT_TILE)).find((f) => f.id === 1);
    expect(areaBefore).toBeDefined();

    await db.query(`UPDATE plots SET geom = ST_Translate(geom, 0.01, 0) WHERE id = 1`);
    await until('plots', newTile, (fs) => fs.some((f) => f.id === 1));
    await until('plots', PLOT_TILE, (fs) => !fs.some((f) => f.id === 1));
    // The trigger grew the growing area to cover both plots: its tile at the new place shows it.
    await until('growing_areas', newTile, (fs) => fs.some((f) => f.id === 1));
  });

  it('an edit through the write path (withEdits) refreshes single and composite tiles and is in the edit log', async () => {
    const t = tileAt(105.6305, 10.4605, 16);
    const composite = `/tiles/parcels,roads/${t.z}/${t.x}/${t.y}`;
    const first = await app.inject({ url: composite });
    const id = decodeTile(first.rawPayload).parcels![0]!.id!;

    await withEdits(db, { userId: null, origin: 'api' }, (tx) => tx.query(`UPDATE parcels SET land_use_code = 'TMD' WHERE id = $1`, [id]));
    await until('parcels', t, (fs) => fs.find((f) => f.id === id)?.properties.land_use_code === 'TMD');
    const start = performance.now();
    for (;;) {
      const res = await app.inject({ url: composite });
      if (decodeTile(res.rawPayload).parcels!.find((f) => f.id === id)?.properties.land_use_code === 'TMD') break;
      if (performance.now() - start > 2000) throw new Error('composite tile still stale');
      await new Promise((r) => setTimeout(r, 10));
    }
    const log = await db.query<{ origin: string; action: string }>(
      `SELECT origin, action FROM edit_log WHERE collection = 'parcels' AND feature_id = $1 AND action = 'update'`,
      [String(id)],
    );
    expect(log.rows).toEqual([{ origin: 'api', action: 'update' }]);
  });

  it('the generalized low-zoom land-use tiles follow an edit of a land-use area', async () => {
    const t = tileAt(105.6325, 10.4625, 10);
    const codes = (fs: DecodedFeature[]) => new Set(fs.map((f) => f.properties.land_use_code));
    expect(codes(await layer('landuse', t)).has('SON')).toBe(false);
    await db.query(
      `UPDATE landuse_areas SET land_use_code = 'SON' WHERE id = (SELECT id FROM landuse_areas ORDER BY geom <-> ST_Point(105.6325, 10.4625, 4326) LIMIT 1)`,
    );
    await until('landuse', t, (fs) => codes(fs).has('SON'));
  });

  it('a generalized cell is built whole on tile connections whose statement timeout is shorter than the build', async () => {
    await db.query(`DELETE FROM tile_gen_cells WHERE layer = 'landuse'`);
    await db.query(`DELETE FROM tile_gen_landuse`);
    // The build's transactions on connections with a 1 ms statement timeout: every statement of a
    // build would be cancelled under that limit (its look-ups before them run on the plain ones).
    const hurried = db.withSession({ statement_timeout: '1', jit: 'off' });
    const tileDb = { query: db.query.bind(db), transaction: hurried.transaction!.bind(hurried) };
    const layer = service.engine.catalog.generalized.get('landuse')!;
    expect(await layer.ensure(tileDb, [-180, -85.0511, 180, 85.0511])).toBeGreaterThan(0);
    const { rows } = await db.query<{ n: number; dirty: number }>(
      `SELECT (SELECT count(*) FROM tile_gen_landuse)::int AS n, (SELECT count(*) FROM tile_gen_cells WHERE layer = 'landuse' AND dirty)::int AS dirty`,
    );
    expect(rows[0]!.n).toBeGreaterThan(0);
    expect(rows[0]!.dirty).toBe(0);
  });

  it('20 random edits, half by SQL and half through the write path, are each served fresh within 2 s', async () => {
    const { rows } = await db.query<{ id: number; x: number; y: number }>(
      `SELECT id, ST_X(ST_Centroid(geom)) AS x, ST_Y(ST_Centroid(geom)) AS y FROM parcels ORDER BY id`,
    );
    const delays: number[] = [];
    for (let i = 0; i < 20; i++) {
      const p = rows[(i * 53) % rows.length]!;
      const t = tileAt(p.x, p.y, 17);
      await layer('parcels', t); // cached before the edit
      const area = 2000 + i;
      const sql = `UPDATE parcels SET legal_area_m2 = $2 WHERE id = $1`;
      if (i % 2) await db.query(sql, [p.id, area]);
      else await withEdits(db, { userId: null, origin: 'api' }, (tx) => tx.query(sql, [p.id, area]));
      delays.push(await until('parcels', t, (fs) => fs.find((f) => f.id === p.id)?.properties.legal_area_m2 === area));
    }
    delays.sort((a, b) => a - b);
    expect(delays[Math.floor(delays.length * 0.95)]!).toBeLessThan(2000);
  });
});

describe('single-flight', () => {
  it('twenty concurrent misses for one tile run one query', async () => {
    let queries = 0;
    const counting = { query: ((sql: string, params?: readonly unknown[]) => (queries++, db.query(sql, params))) as typeof db.query };
    const engine = await TileEngine.open(counting, db.capabilities, { cacheBytes: 16 << 20 });
    queries = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, () => engine.tile(['parcels'], PLOT_TILE, { role: 'anonymous', communes: [], farmerId: null })),
    );
    expect(queries).toBe(1);
    expect(new Set(results.map((r) => r.etag)).size).toBe(1);
    // And the rendered bytes are what an uncached render gives.
    expect(Buffer.from(results[0]!.bytes).equals(Buffer.from(await engine.render('parcels', PLOT_TILE, PUBLIC_SCOPE)))).toBe(true);
  });

  it('a queued tile every asker let go of is not drawn; one that someone still waits for is, once', async () => {
    // One connection, held by a first render until `release`: the tiles after it queue.
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const drawn: string[] = [];
    let first = false;
    const gated = {
      query: (async (sql: string, params?: readonly unknown[]) => {
        if (first) {
          first = false;
          await gate;
        }
        drawn.push(String(params?.slice(0, 2)));
        return db.query(sql, params);
      }) as typeof db.query,
    };
    const engine = await TileEngine.open(gated, db.capabilities, { cacheBytes: 0, concurrency: 1 });
    first = true;
    drawn.length = 0;
    const anyone = { role: 'anonymous', communes: [], farmerId: null } as const;
    const blocker = engine.tile(['parcels'], tileAt(105.6345, 10.4655, 15), anyone);
    let leftA = false;
    let leftB = false;
    let leftC = false;
    // Two askers of the far tile, both of whom go away; two of the plot's tile, one of whom stays.
    const far = [
      engine.tile(['parcels'], FAR_TILE, anyone, undefined, () => leftA),
      engine.tile(['parcels'], FAR_TILE, anyone, undefined, () => leftB),
    ];
    const near = [
      engine.tile(['parcels'], PLOT_TILE, anyone, undefined, () => leftC),
      engine.tile(['parcels'], PLOT_TILE, anyone, undefined, () => false),
    ];
    const farSettled = Promise.allSettled(far);
    leftA = leftB = leftC = true;
    release();
    await blocker;
    const [kept, stayed] = await Promise.all(near);
    expect(kept!.etag).toBe(stayed!.etag);
    expect((await farSettled).map((r) => (r.status === 'rejected' ? (r.reason as { code?: string }).code : 'drawn'))).toEqual([
      'ABORTED',
      'ABORTED',
    ]);
    // The blocker and the plot's tile were drawn; the far tile never was.
    expect(drawn).toHaveLength(2);
  });
});
