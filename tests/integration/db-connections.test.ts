// The connections to PostgreSQL (server/db/pg.adapter.ts). The pools keep theirs through a map
// user's pause: a new connection costs a tile ~25–30 ms (connecting, and PROJ set up for its first
// ST_Transform), paid once per parallel request of the next view when pg closed idle connections
// after its default 10 s; read from the server itself, in the backends pg_stat_activity lists.
// Through a proxy that stops forwarding, the LISTEN connection and a tile session find out a
// connection has gone silent; through one that cuts and refuses connections, the app answers 503
// DATABASE_UNAVAILABLE while the database cannot be reached, and serves again once it is back.
// The tile service opens and readies its connections at start, before the first map view.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/index.ts';
import { openPgDb, type PgOptions } from '../../server/db/pg.adapter.ts';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { openTileService } from '../../server/tile-service.ts';
import { openMigratedPgTestDb, testDbKind } from '../helpers/test-db.ts';
import { silencingProxy } from '../helpers/silencing-proxy.ts';

const url = process.env.TEST_DATABASE_URL;
const DEAD_PROXY_TIMEOUT_MS = 15_000;
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A statement only this file runs: an idle backend keeps the text of its last statement. */
const MARK = `SELECT pg_sleep(0.2) AS "db-pool test"`;

/** The backends (pids) of the database that sit idle after running MARK. */
async function idleAfterMark(database: string): Promise<number[]> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND state = 'idle' AND query = $2 ORDER BY pid`,
      [database, MARK],
    );
    return rows.map((r) => r.pid);
  } finally {
    await admin.end();
  }
}

/** Nine tile requests at once on a session pool (as the tile engine's): nine connections open. */
async function burst(db: Db): Promise<void> {
  const session = db.withSession({ statement_timeout: '10000', jit: 'off' });
  await Promise.all(Array.from({ length: 9 }, () => session.query(MARK)));
}

describe.runIf(testDbKind === 'postgres')('connection pools on PostgreSQL', () => {
  const opened: Db[] = [];
  afterAll(async () => {
    for (const db of opened) await db.close();
  });
  const open = async (options: PgOptions) => {
    const own = await openMigratedPgTestDb(options);
    opened.push(own.db);
    return own;
  };

  it('keep every connection of a burst through a pause longer than pg’s own default (10 s)', async () => {
    const { db, name } = await open({ maxPool: 10 });
    await burst(db);
    const before = await idleAfterMark(name);
    expect(before).toHaveLength(9);
    await delay(11_000);
    // The same nine backends: none was closed and made again.
    expect(await idleAfterMark(name)).toEqual(before);
  }, 30_000);

  it('with a short idle timeout, close the connections beyond six once they sit idle that long, and keep six warm', async () => {
    const { db, name } = await open({ maxPool: 10, idleTimeoutMs: 300 });
    await burst(db);
    const first = await idleAfterMark(name);
    expect(first).toHaveLength(9);
    await delay(1_500);
    const kept = await idleAfterMark(name);
    expect(kept).toHaveLength(6);
    expect(first).toEqual(expect.arrayContaining(kept));
    // The kept ones still serve: a second burst uses all six and opens only the three it lacks.
    await burst(db);
    const second = await idleAfterMark(name);
    expect(second).toHaveLength(9);
    expect(second).toEqual(expect.arrayContaining(kept));
  }, 30_000);

  it('open and ready the tile connections at start: every one has drawn a tile and waits idle for the first view', async () => {
    const { db, name } = await open({ maxPool: 5 });
    const service = await openTileService({ tileCacheBytes: 0 }, db);
    try {
      expect(await service.engine.warmConnections()).toBe(5);
      // Each backend's last statement is a tile's (ST_AsMVT), left idle for the first map view.
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        const { rows } = await admin.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND state = 'idle' AND query LIKE '%ST_AsMVT(q,%'`,
          [name],
        );
        expect(rows[0]!.n).toBe(5);
      } finally {
        await admin.end();
      }
    } finally {
      await service.close();
    }
  }, 30_000);
});

/** A test database, and a second Db on it reached through a proxy that can go silent. */
async function throughProxy(options: PgOptions) {
  const own = await openMigratedPgTestDb({ maxPool: 2 });
  const target = new URL(url!);
  target.pathname = `/${own.name}`;
  const proxy = await silencingProxy(target);
  const via = await openPgDb(proxy.url, options);
  return {
    db: own.db,
    via,
    proxy,
    // The silenced connections would never answer a goodbye: cut them first.
    close: async () => {
      await proxy.close();
      await via.close();
      await own.db.close();
    },
  };
}

describe.runIf(testDbKind === 'postgres')('connections that go silent on PostgreSQL', () => {
  it('the LISTEN connection finds out it has gone silent, listens again on a new connection and says so (resync)', async () => {
    const { db, via, proxy, close } = await throughProxy({ maxPool: 2, listenHeartbeatMs: 300 });
    try {
      const heard: string[] = [];
      let resyncs = 0;
      await via.listen(
        'db_connections_test',
        (payload) => heard.push(payload),
        () => resyncs++,
      );
      await db.query(`SELECT pg_notify('db_connections_test', 'before')`);
      await expect.poll(() => heard, { timeout: 5_000 }).toEqual(['before']);

      proxy.silence();
      await db.query(`SELECT pg_notify('db_connections_test', 'while silent')`);
      await expect.poll(() => resyncs, { timeout: DEAD_PROXY_TIMEOUT_MS }).toBe(1);
      // What was sent meanwhile never came (the resync covers it); what is sent now does.
      await db.query(`SELECT pg_notify('db_connections_test', 'after')`);
      await expect.poll(() => heard, { timeout: 5_000 }).toEqual(['before', 'after']);
    } finally {
      await close();
    }
  }, 40_000);

  it('a tile session gives up on a silent connection as on its statement timeout (57014), and the next statement gets a new one', async () => {
    const { via, proxy, close } = await throughProxy({ maxPool: 2 });
    try {
      const session = via.withSession({ statement_timeout: '1000', jit: 'off' });
      expect((await session.query<{ n: number }>('SELECT 1 AS n')).rows).toEqual([{ n: 1 }]);
      proxy.silence();
      // Without the session's own give-up this waits for the kernel to call the peer dead (minutes).
      await expect(session.query('SELECT 2 AS n')).rejects.toMatchObject({ code: '57014' });
      expect((await session.query<{ n: number }>('SELECT 3 AS n')).rows).toEqual([{ n: 3 }]);
    } finally {
      await close();
    }
  }, 30_000);

  it('a transaction on a connection gone silent gives up (57014) without a ROLLBACK that would wait as long again, and the connection goes to nobody else', async () => {
    const { db, via, proxy, close } = await throughProxy({ maxPool: 2 });
    try {
      const session = via.withSession({ statement_timeout: '1000', jit: 'off' });
      await session.exec(`CREATE TABLE IF NOT EXISTS silent_tx_test (n int)`);
      const pid = async (q: { query: typeof session.query }) =>
        (await q.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      const before = await session.transaction(pid);
      proxy.silence();
      const t0 = performance.now();
      await expect(
        session.transaction(async (tx) => {
          await tx.query('INSERT INTO silent_tx_test VALUES (1)');
        }),
      ).rejects.toMatchObject({ code: '57014' });
      // The statement timeout (1 s) and the margin (5 s), once: not again for a ROLLBACK on the same silence.
      expect(performance.now() - t0).toBeLessThan(9_000);
      // The next transaction runs on another connection and commits.
      const after = await session.transaction(async (tx) => {
        await tx.query('INSERT INTO silent_tx_test VALUES (2)');
        return pid(tx);
      });
      expect(after).not.toBe(before);
      // Only what the second one wrote is there.
      await expect.poll(async () => (await db.query<{ n: number }>('SELECT n FROM silent_tx_test ORDER BY n')).rows).toEqual([{ n: 2 }]);
    } finally {
      await close();
    }
  }, 30_000);
});

describe.runIf(testDbKind === 'postgres')('the app’s own statements on a connection gone silent', () => {
  it('an API request gives up as on its statement timeout (503 OVERLOADED) instead of waiting minutes for the kernel, and the next request is served on a new connection', async () => {
    const { via, proxy, close } = await throughProxy({ maxPool: 2, statementTimeoutMs: 1000 });
    const app = await buildApp({ config: loadConfig({ TILE_CACHE_MB: '0' }), db: via, ready: { value: true } }, { logger: false });
    try {
      expect((await app.inject('/ogc/collections/parcels/items?limit=1')).statusCode).toBe(200);
      proxy.silence();
      const t0 = performance.now();
      const res = await app.inject('/ogc/collections/parcels/items?limit=1');
      // The statement timeout (1 s) and the margin (5 s): before the change it waited ~12 minutes.
      expect(performance.now() - t0).toBeLessThan(9_000);
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ status: 503, code: 'OVERLOADED' });
      // A silent connection goes to nobody else: once the pool's (two) connections have each been
      // given up on, requests run on new ones through the proxy, which answers again.
      await expect.poll(async () => (await app.inject('/ogc/collections/parcels/items?limit=1')).statusCode, { timeout: 20_000 }).toBe(200);
    } finally {
      await app.close();
      await close();
    }
  }, 30_000);

  it('an unbounded transaction (an import, the seed) runs past the statement timeout and the give-up; the connection’s next statement has its limit again', async () => {
    const { via, close } = await throughProxy({ maxPool: 1, statementTimeoutMs: 1000 });
    try {
      // Bounded, as every request: the server cancels it at 1 s.
      await expect(via.transaction((tx) => tx.query('SELECT pg_sleep(2)'))).rejects.toMatchObject({ code: '57014' });
      const limits = await via.transaction(
        async (tx) => {
          const inside = (await tx.query<{ t: string }>(`SELECT current_setting('statement_timeout') AS t`)).rows[0]!.t;
          // Longer than the statement timeout and the client's margin together (1 s + 5 s).
          await tx.query('SELECT pg_sleep(6.5)');
          return inside;
        },
        { unbounded: true },
      );
      expect(limits).toBe('0');
      // The same (only) connection: the lifted limit ended with its transaction.
      expect((await via.query<{ t: string }>(`SELECT current_setting('statement_timeout') AS t`)).rows[0]!.t).toBe('1s');
    } finally {
      await close();
    }
  }, 30_000);
});

describe.runIf(testDbKind === 'postgres')('the app while its database cannot be reached', () => {
  it('answers 503 with Retry-After (DATABASE_UNAVAILABLE), tiles and API alike, and serves again once it is back', async () => {
    const { via, proxy, close } = await throughProxy({ maxPool: 2 });
    const app = await buildApp({ config: loadConfig({ TILE_CACHE_MB: '0' }), db: via, ready: { value: true } }, { logger: false });
    try {
      // The database has no rows: an empty tile (204) is still a statement that ran.
      expect((await app.inject('/tiles/parcels/16/52000/30850')).statusCode).toBe(204);

      proxy.down();
      for (const url of ['/tiles/parcels/16/52001/30850', '/ogc/collections/parcels/items?limit=1']) {
        const res = await app.inject(url);
        expect(res.statusCode, url).toBe(503);
        expect(res.headers['retry-after'], url).toBe('5');
        expect(res.headers['content-type'], url).toContain('application/problem+json');
        expect(res.json(), url).toMatchObject({ status: 503, code: 'DATABASE_UNAVAILABLE' });
      }
      expect((await app.inject('/readyz')).statusCode).toBe(503);

      proxy.up();
      await expect.poll(async () => (await app.inject('/tiles/parcels/16/52002/30850')).statusCode, { timeout: 10_000 }).toBe(204);
      expect((await app.inject('/ogc/collections/parcels/items?limit=1')).statusCode).toBe(200);
    } finally {
      await app.close();
      await close();
    }
  }, 30_000);
});
