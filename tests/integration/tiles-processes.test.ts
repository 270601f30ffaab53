// Several server processes on one database: each has its own pool, its own LISTEN connection and
// its own tile cache, and an edit through one of them (or by direct SQL) reaches the others.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import type { Db } from '../../server/db/index.ts';
import { withEdits } from '../../server/db/edit-context.ts';
import { openPgDb } from '../../server/db/pg.adapter.ts';
import { openTileService, type TileService } from '../../server/tile-service.ts';
import { openTestDb, testDbKind } from '../helpers/test-db.ts';
import { decodeTile, tileAt, type DecodedFeature } from '../helpers/tile-fixtures.ts';

type Server = { db: Db; tiles: TileService; app: FastifyInstance };

let main: Db;
const servers: Server[] = [];

async function server(db: Db): Promise<Server> {
  const tiles = await openTileService({ tileCacheBytes: 64 << 20 }, db);
  const app = await buildApp({ config: loadConfig({}), db, ready: { value: true }, tiles }, { logger: false });
  const s = { db, tiles, app };
  servers.push(s);
  return s;
}

beforeAll(async () => {
  if (testDbKind !== 'postgres') return;
  main = await openTestDb();
  // A second pool on the same database, as a second server process would open.
  const name = (await main.query<{ d: string }>('SELECT current_database() AS d')).rows[0]!.d;
  const url = new URL(process.env.TEST_DATABASE_URL!);
  url.pathname = `/${name}`;
  await server(main);
  await server(await openPgDb(url.toString(), { maxPool: 4 }));
});
afterAll(async () => {
  for (const s of servers.reverse()) {
    await s.app.close();
    await s.tiles.close();
    if (s.db !== main) await s.db.close();
  }
  await main?.close();
});

async function layer(s: Server, source: string, t: { z: number; x: number; y: number }): Promise<DecodedFeature[]> {
  const res = await s.app.inject({ url: `/tiles/${source}/${t.z}/${t.x}/${t.y}` });
  if (res.statusCode === 204) return [];
  expect(res.statusCode).toBe(200);
  return decodeTile(res.rawPayload)[source] ?? [];
}

/** Milliseconds until server s serves a tile satisfying `fresh`; throws after 2 s. */
async function freshOn(s: Server, source: string, t: { z: number; x: number; y: number }, fresh: (fs: DecodedFeature[]) => boolean) {
  const start = performance.now();
  for (;;) {
    if (fresh(await layer(s, source, t))) return performance.now() - start;
    if (performance.now() - start > 2000) throw new Error(`${source} ${t.z}/${t.x}/${t.y} still stale on the other server after 2 s`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Waits until `ok` holds; throws after 2 s. */
async function until(ok: () => Promise<boolean>) {
  const start = performance.now();
  while (!(await ok())) {
    if (performance.now() - start > 2000) throw new Error("the servers' data version did not reach the database's within 2 s");
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.runIf(testDbKind === 'postgres')('two server processes on one database', () => {
  it('an edit through one server is served fresh by the other within 2 s', async () => {
    const [a, b] = servers as [Server, Server];
    const { rows } = await main.query<{ id: number; x: number; y: number }>(
      `SELECT id, ST_X(ST_PointOnSurface(geom)) AS x, ST_Y(ST_PointOnSurface(geom)) AS y FROM parcels ORDER BY id LIMIT 1 OFFSET 700`,
    );
    const p = rows[0]!;
    const t = tileAt(p.x, p.y, 17);
    // Both servers hold the tile in their caches before the edit.
    for (const s of [a, b]) expect((await layer(s, 'parcels', t)).some((f) => f.id === p.id)).toBe(true);
    await withEdits(a.db, { userId: null, origin: 'api' }, (tx) =>
      tx.query(`UPDATE parcels SET legal_area_m2 = 4321.5 WHERE id = $1`, [p.id]),
    );
    const ms = await freshOn(b, 'parcels', t, (fs) => fs.find((f) => f.id === p.id)?.properties.legal_area_m2 === 4321.5);
    expect(ms).toBeLessThan(2000);
    // And the data version in both servers' TileJSON reaches the database's. Each server hears the
    // edit's notifications on its own connection, so one may be a moment behind the other.
    const { rows: seq } = await main.query<{ v: string }>(`SELECT last_value AS v FROM data_version_seq`);
    const version = `/tiles/parcels/{z}/{x}/{y}?v=${seq[0]!.v}`;
    for (const s of [a, b])
      await until(async () => String((await s.app.inject({ url: '/tiles/parcels' })).json().tiles[0]).endsWith(version));
  });

  it('an edit by direct SQL reaches both servers, generalized low zooms included', async () => {
    const [a, b] = servers as [Server, Server];
    const { rows } = await main.query<{ id: number; x: number; y: number; code: string }>(
      `SELECT id, ST_X(ST_PointOnSurface(geom)) AS x, ST_Y(ST_PointOnSurface(geom)) AS y, land_use_code AS code
       FROM landuse_areas ORDER BY ST_Area(geom) DESC LIMIT 1`,
    );
    const area = rows[0]!;
    const low = tileAt(area.x, area.y, 10);
    const high = tileAt(area.x, area.y, 16);
    const codes = (fs: DecodedFeature[]) => new Set(fs.map((f) => f.properties.land_use_code));
    for (const s of [a, b]) {
      expect(codes(await layer(s, 'landuse', low)).has('TMD')).toBe(false);
      await layer(s, 'landuse', high);
    }
    await main.query(`UPDATE landuse_areas SET land_use_code = 'TMD' WHERE id = $1`, [area.id]);
    for (const s of [a, b]) {
      await freshOn(s, 'landuse', high, (fs) => fs.find((f) => f.id === area.id)?.properties.land_use_code === 'TMD');
      await freshOn(s, 'landuse', low, (fs) => codes(fs).has('TMD'));
    }
  });
});
