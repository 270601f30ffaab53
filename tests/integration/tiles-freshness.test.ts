import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import type { Db, Queryable } from '../../server/db/index.ts';
import { withEdits } from '../../server/db/edit-context.ts';
import { openTileService, type TileService } from '../../server/tile-service.ts';
import { PUBLIC_SCOPE, TileEngine, type TileCoord } from '../../tiles/index.ts';
import { decodeTile, openTileFixtureDb, tileAt, type DecodedFeature } from '../helpers/tile-fixtures.ts';
import { testDbKind } from '../helpers/test-db.ts';

let db: Db;
let service: TileService;
let app: FastifyInstance;

let openedAt = 0;

beforeAll(async () => {
  db = await openTileFixtureDb();
  openedAt = Date.now();
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

  it('the generalized low-zoom land-use tiles follow an edit of a land-use area, and map clients are told the whole cell', async () => {
    const t = tileAt(105.6325, 10.4625, 10);
    const codes = (fs: DecodedFeature[]) => new Set(fs.map((f) => f.properties.land_use_code));
    expect(codes(await layer('landuse', t)).has('SON')).toBe(false);
    const cursor = (await app.inject({ url: '/api/changes' })).json<{ cursor: string }>().cursor;
    const { rows } = await db.query<{ id: number }>(
      `SELECT id FROM landuse_areas ORDER BY geom <-> ST_Point(105.6325, 10.4625, 4326) LIMIT 1`,
    );
    await db.query(`UPDATE landuse_areas SET land_use_code = 'SON' WHERE id = $1`, [rows[0]!.id]);
    await until('landuse', t, (fs) => codes(fs).has('SON'));
    // The dissolved cell's low-zoom tiles change beyond the edited area: the feed names the cell.
    const told = (await app.inject({ url: `/api/changes?since=${cursor}` })).json<{ changes: { boxes: number[][] }[] }>();
    const area = await bboxOf('landuse_areas', rows[0]!.id);
    const [cell] = service.engine.catalog.generalized.get('landuse')!.cellBounds([area as [number, number, number, number]]);
    expect(told.changes.flatMap((c) => c.boxes)).toContainEqual([...cell!]);
  });

  it('a generalized cell is built whole on tile connections whose statement timeout is shorter than the build', async () => {
    await db.query(`DELETE FROM tile_gen_cells WHERE layer = 'landuse'`);
    await db.query(`DELETE FROM tile_gen_landuse`);
    // The build's transactions on connections whose statements time out after 3 s (a tile's limit
    // in small): each statement of the build must run under the build's own limit instead. Read
    // inside each transaction, so the test does not hang on a machine's speed (with a 1 ms limit
    // it did: BEGIN itself was cancelled on a loaded CI machine).
    const hurried = db.withSession({ statement_timeout: '3000', jit: 'off' });
    const limits: string[] = [];
    const tileDb = {
      query: db.query.bind(db),
      transaction: <T>(work: (tx: Queryable) => Promise<T>) =>
        hurried.transaction!((tx) =>
          work({
            ...tx,
            query: async <R>(sql: string, params?: readonly unknown[]) => {
              if (!/^\s*SET LOCAL/i.test(sql))
                limits.push((await tx.query<{ statement_timeout: string }>('SHOW statement_timeout')).rows[0]!.statement_timeout);
              return tx.query<R>(sql, params);
            },
          }),
        ),
    };
    const layer = service.engine.catalog.generalized.get('landuse')!;
    expect(await layer.ensure(tileDb, [-180, -85.0511, 180, 85.0511])).toBeGreaterThan(0);
    // Every statement of the build ran under the build's limit (5 minutes), none under the tile's.
    expect(limits.length).toBeGreaterThan(0);
    expect(new Set(limits)).toEqual(new Set(testDbKind === 'postgres' ? ['5min'] : limits));
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

type Feed = { cursor: string; complete: boolean; changes: { sources: string[]; boxes: number[][] }[] };

/** GET /api/changes from `since` (none: a first ask), checked to be a feed nobody may keep. */
async function changes(since?: string): Promise<Feed> {
  const res = await app.inject({ url: since === undefined ? '/api/changes' : `/api/changes?since=${encodeURIComponent(since)}` });
  expect(res.statusCode).toBe(200);
  expect(res.headers['cache-control']).toBe('no-store');
  return res.json() as Feed;
}

/** Asks from `cursor` until something changed (the notification comes after commit), then a little longer for the rest. */
async function nextChanges(cursor: string, settleMs = 300): Promise<Feed> {
  const start = performance.now();
  for (;;) {
    const r = await changes(cursor);
    if (r.changes.length) {
      await new Promise((resolve) => setTimeout(resolve, settleMs));
      const more = await changes(r.cursor);
      return { ...more, changes: [...r.changes, ...more.changes] };
    }
    if (performance.now() - start > 2000) throw new Error('no change told within 2 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Whether box [w, s, e, n] holds the other. */
const holds = (outer: number[], inner: number[]) =>
  outer[0]! <= inner[0]! && outer[1]! <= inner[1]! && outer[2]! >= inner[2]! && outer[3]! >= inner[3]!;

async function bboxOf(table: string, id: number): Promise<number[]> {
  const { rows } = await db.query<{ w: number; s: number; e: number; n: number }>(
    `SELECT ST_XMin(geom) AS w, ST_YMin(geom) AS s, ST_XMax(geom) AS e, ST_YMax(geom) AS n FROM ${table} WHERE id = $1`,
    [id],
  );
  const r = rows[0]!;
  return [r.w, r.s, r.e, r.n];
}

describe('the change feed: GET /api/changes tells map clients which tiles to refresh', () => {
  it('says which sources an edit by SQL, then one through the write path, touched and where, each once', async () => {
    const first = await changes();
    expect(first.complete).toBe(true);
    expect(first.cursor).toMatch(/^[A-Za-z0-9_-]+\.\d+\.\d+$/);
    // A first ask looks a few seconds back (earlier tests' edits); from its cursor on, nothing yet.
    const quiet = await changes(first.cursor);
    expect(quiet).toMatchObject({ complete: true, changes: [] });

    await db.query(`UPDATE plots SET crop = 'durian' WHERE id = 2`);
    const bySql = await nextChanges(quiet.cursor);
    expect(bySql.complete).toBe(true);
    const plot = await bboxOf('plots', 2);
    const plotChange = bySql.changes.find((c) => c.sources.includes('plots'));
    expect(plotChange?.boxes.some((b) => holds(b, plot))).toBe(true);
    // Only the sources built on the edited tables: no road, parcel or land-use tile is refreshed.
    const told = new Set(bySql.changes.flatMap((c) => c.sources));
    expect([...told].sort()).toEqual(['growing_areas', 'plots']);
    // Told once: the next ask from the answer's cursor has nothing.
    expect((await changes(bySql.cursor)).changes).toEqual([]);

    const { rows } = await db.query<{ id: number }>(`SELECT id FROM parcels ORDER BY id LIMIT 1`);
    const parcel = rows[0]!.id;
    await withEdits(db, { userId: null, origin: 'api' }, (tx) =>
      tx.query(`UPDATE parcels SET legal_area_m2 = 1234 WHERE id = $1`, [parcel]),
    );
    const byApi = await nextChanges(bySql.cursor);
    expect(byApi.changes).toHaveLength(1);
    expect(byApi.changes[0]!.sources).toEqual(['parcels']);
    const parcelBox = await bboxOf('parcels', parcel);
    expect(byApi.changes[0]!.boxes.some((b) => holds(b, parcelBox))).toBe(true);
  });

  it('reads a cursor of another server process by its clock, a little earlier, and says when changes may be missing', async () => {
    // Read by the clock, a cursor is vouched for only from 2 s after this process began to listen.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, openedAt + 2500 - Date.now())));
    const start = await changes();
    await db.query(`UPDATE plots SET crop = 'coconut' WHERE id = 2`);
    const seen = await nextChanges(start.cursor);
    // Behind a load balancer the next ask may reach another process: its cursor names another
    // instance, and this one answers from its clock (the change above is a moment old: told again).
    const [, , at] = seen.cursor.split('.');
    const other = await changes(`someoneelse.7.${Number(at)}`);
    expect(other.complete).toBe(true);
    expect(other.changes.some((c) => c.sources.includes('plots'))).toBe(true);
    // A cursor from before this process heard every change: the client must refresh everything.
    expect(await changes('someoneelse.7.1000')).toMatchObject({ complete: false, changes: [] });
    // Its own cursor from the future (a clock or a client gone wrong) is read by the clock as well.
    const ahead = await changes(`${seen.cursor.split('.')[0]}.99999999.${Number(at)}`);
    expect(ahead.complete).toBe(true);
  });

  it('keeps the last thousand changes, tells 200 at most, and a change over many places as their bounding box', async () => {
    const start = (await changes()).cursor;
    const boxes = Array.from({ length: 40 }, (_, i) => [105.6 + i * 0.001, 10.4, 105.6005 + i * 0.001, 10.4005] as const);
    await service.engine.applyChange({ table: 'roads', version: 1, boxes });
    const wide = await changes(start);
    expect(wide.changes).toEqual([{ sources: ['roads'], boxes: [[105.6, 10.4, 105.6005 + 39 * 0.001, 10.4005]] }]);
    for (let i = 0; i < 1000; i++) await service.engine.applyChange({ table: 'water', version: 1, boxes: [[105.6, 10.4, 105.61, 10.41]] });
    // The first of these is gone from the feed: a cursor from before it cannot be answered whole.
    expect(await changes(start)).toMatchObject({ complete: false, changes: [] });
    // A thousand changes to tell: the client is told to refresh everything instead.
    expect(await changes(wide.cursor)).toMatchObject({ complete: false, changes: [] });
  });

  it('answers 400 to a cursor it did not write, and never 5xx', async () => {
    const bad = [
      '',
      'abc',
      "' OR 1=1--",
      'a.b.c',
      '..',
      'x.1.2.3',
      'x.-1.2',
      'x.1.2e5',
      '9'.repeat(120),
      'x'.repeat(17) + '.1.2',
      '%00.1.2',
    ];
    for (const since of bad) {
      const res = await app.inject({ url: `/api/changes?since=${encodeURIComponent(since)}` });
      expect(res.statusCode, since).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    const twice = await app.inject({ url: '/api/changes?since=a.1.2&since=a.1.3' });
    expect(twice.statusCode).toBe(400);
  });

  it('after the change stream was broken, drops every cached tile and tells clients to refresh everything', async () => {
    const t = tileAt(105.6305, 10.4605, 16);
    await layer('parcels', t);
    const cursor = (await changes()).cursor;
    const misses = service.engine.stats().misses;
    await service.engine.resync();
    expect(await changes(cursor)).toMatchObject({ complete: false, changes: [] });
    await layer('parcels', t);
    expect(service.engine.stats().misses).toBe(misses + 1);
    // From the resync on, the feed is whole again.
    const after = await changes();
    expect((await changes(after.cursor)).complete).toBe(true);
  });

  it.runIf(testDbKind === 'postgres')(
    'a lost notification connection is made again; what changed meanwhile is drawn afresh, and clients are told to refresh',
    async () => {
      const [w, s, e, n] = await bboxOf('plots', 2);
      const t = tileAt((w! + e!) / 2, (s! + n!) / 2, 16);
      expect((await layer('plots', t)).some((f) => f.id === 2)).toBe(true);
      const cursor = (await changes()).cursor;
      // Cut the listening connection, and edit while it is down: that notification is lost.
      const { rows } = await db.query<{ n: number }>(
        `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE query ILIKE 'LISTEN %' AND pid <> pg_backend_pid()`,
      );
      expect(rows[0]!.n).toBeGreaterThan(0);
      await db.query(`UPDATE plots SET crop = 'pomelo' WHERE id = 2`);
      // The tile comes fresh once the connection is back (about a second later), though its
      // notification was never heard.
      await until('plots', t, (fs) => fs.find((f) => f.id === 2)?.properties.crop === 'pomelo', 5000);
      expect(await changes(cursor)).toMatchObject({ complete: false, changes: [] });
    },
  );
});

describe('a resync the database does not answer', () => {
  it('still drops every cached tile first: the next read of a tile draws it afresh', async () => {
    let failing = false;
    const flaky = {
      query: ((sql: string, params?: readonly unknown[]) =>
        failing ? Promise.reject(new Error('Connection terminated unexpectedly')) : db.query(sql, params)) as typeof db.query,
    };
    const engine = await TileEngine.open(flaky, db.capabilities, { cacheBytes: 16 << 20 });
    const anonymous = { role: 'anonymous', communes: [], farmerId: null };
    await engine.tile(['parcels'], PLOT_TILE, anonymous);
    await engine.tile(['parcels'], PLOT_TILE, anonymous);
    const { misses } = engine.stats();
    failing = true;
    await expect(engine.resync()).rejects.toThrow('Connection terminated unexpectedly');
    failing = false;
    await engine.tile(['parcels'], PLOT_TILE, anonymous);
    expect(engine.stats().misses).toBe(misses + 1);
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
