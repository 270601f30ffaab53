import pg from 'pg';
import {
  DatabaseSetupError,
  probeCapabilities,
  type Capabilities,
  type Db,
  type NotificationHandler,
  type Queryable,
  type QueryResult,
  type SessionDb,
  type SessionSettings,
} from './db.ts';

// Same value types as the embedded adapter: bigint and numeric as JS numbers (ids and areas fit
// in 2^53), dates as 'YYYY-MM-DD' strings so no time zone shifts a planting date.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 || oid === 1700) return (v: string) => Number(v);
    if (oid === 1082) return (v: string) => v;
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

export type PgOptions = {
  /** Upper bound of pooled connections; the effective size also respects the server's max_connections. */
  maxPool?: number;
  /** Milliseconds after which the server cancels a statement. */
  statementTimeoutMs?: number;
  /** Milliseconds a pooled connection beyond the kept ones may sit idle before it is closed (IDLE_TIMEOUT_MS). */
  idleTimeoutMs?: number;
  /** Milliseconds between the LISTEN connection's checks that it is alive (LISTEN_HEARTBEAT_MS). */
  listenHeartbeatMs?: number;
};

/**
 * The LISTEN connection is quiet for as long as nobody edits. TCP keepalives keep it known to a
 * firewall or NAT in between, but the kernel's defaults take ~12 minutes to call a silent peer dead
 * (60 s idle, then 9 probes 75 s apart), and all that time the process would serve tiles that other
 * processes' edits made stale. A `SELECT 1` every LISTEN_HEARTBEAT_MS that must come back within as
 * long finds a dead connection in under twice that; it is then made again, with a resync.
 */
const LISTEN_HEARTBEAT_MS = 30_000;

/**
 * Every statement with a statement timeout (the app's, the tiles') is also given up on by the client
 * this much later: on a connection gone silent the server's timeout never comes back either, and the
 * request would wait until the kernel called the peer dead (~12 minutes with the default keepalives).
 * The pool then drops that connection. An unbounded transaction (an import, the seed: their
 * statements may run for minutes) has neither limit.
 */
const SILENT_MARGIN_MS = 5_000;

/** A statement given up on because its connection went silent: told as the statement timeout it stands in for. */
class SilentConnectionError extends Error {
  readonly code = '57014';
  constructor() {
    super('The database did not answer in time (its connection went silent).');
  }
}

/** pg's own give-up on a silent connection (query_timeout), as a SilentConnectionError. */
function silentAsTimeout(error: unknown): never {
  if (error instanceof Error && error.message === 'Query read timeout') throw new SilentConnectionError();
  throw error;
}

/**
 * A new connection costs a tile ~25–30 ms before its statement runs: connecting (3–8 ms on loopback
 * with trust auth, more with SCRAM), and PostGIS setting up PROJ for the connection's first
 * ST_Transform (~17 ms of the database's CPU). pg closes a connection idle for 10 s by default, so a
 * map user who read a card for longer paid that again on every connection the next view opened: on
 * the 100,000-parcel set, a view of 24 composite z16 tiles (6 at a time, cache off) took 126–133 ms,
 * and 427–533 ms after a 12 s pause (its slowest tile 343–405 ms; `npm run bench:tiles -- --only
 * pause`). A pool now keeps an idle connection 30 minutes (as pgx's pool does), and never closes the
 * last KEPT_CONNECTIONS (the requests a browser runs at once to one host) for idleness.
 */
const IDLE_TIMEOUT_MS = 30 * 60_000;
const KEPT_CONNECTIONS = 6;

function explain(error: unknown, url: string): DatabaseSetupError {
  const e = error as { code?: string; message?: string };
  const where = (() => {
    try {
      const u = new URL(url);
      return `${u.hostname}:${u.port || 5432}/${u.pathname.slice(1)}`;
    } catch {
      return 'the configured server';
    }
  })();
  if (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN' || e.code === 'ETIMEDOUT') {
    return new DatabaseSetupError(
      `Cannot reach PostgreSQL at ${where} (${e.code}): start the server or fix DATABASE_URL (unset it to use the embedded database).`,
    );
  }
  if (e.code === '28P01' || e.code === '28000') {
    return new DatabaseSetupError(`PostgreSQL at ${where} refused the credentials in DATABASE_URL: fix the user name or password.`);
  }
  if (e.code === '3D000') {
    return new DatabaseSetupError(`The database in DATABASE_URL does not exist at ${where}: create it (createdb) or fix the URL.`);
  }
  return new DatabaseSetupError(`Cannot use PostgreSQL at ${where}: ${e.message ?? String(error)}`);
}

/** Opens a pg pool, checks PostgreSQL ≥ 14 with PostGIS ≥ 3.2 and reads the capabilities. */
export async function openPgDb(url: string, options: PgOptions = {}): Promise<Db> {
  const probe = new pg.Client({ connectionString: url, types, connectionTimeoutMillis: 5000 });
  let maxConnections = 100;
  try {
    await probe.connect();
    const v = await probe.query<{ n: string; max: string; reserved: string }>(
      `SELECT current_setting('server_version_num') AS n, current_setting('max_connections') AS max,
              current_setting('superuser_reserved_connections') AS reserved`,
    );
    const row = v.rows[0]!;
    if (Number(row.n) < 140000) {
      throw new DatabaseSetupError(`PostgreSQL ${row.n} is too old: version 14 or newer is required.`);
    }
    maxConnections = Number(row.max) - Number(row.reserved);
    const ext = await probe.query<{ installed: string | null; available: string | null }>(
      `SELECT (SELECT extversion FROM pg_extension WHERE extname = 'postgis') AS installed,
              (SELECT default_version FROM pg_available_extensions WHERE name = 'postgis') AS available`,
    );
    const { installed, available } = ext.rows[0]!;
    const version = installed ?? available;
    if (!version) {
      throw new DatabaseSetupError(
        'PostGIS is not installed on this PostgreSQL server: install it (Debian: apt-get install postgresql-15-postgis-3) or unset DATABASE_URL to use the embedded database.',
      );
    }
    const [major = 0, minor = 0] = version.split('.').map(Number);
    if (major < 3 || (major === 3 && minor < 2)) {
      throw new DatabaseSetupError(`PostGIS ${version} is too old: version 3.2 or newer is required.`);
    }
    if (!installed) {
      try {
        await probe.query('CREATE EXTENSION IF NOT EXISTS postgis');
      } catch (error) {
        throw new DatabaseSetupError(
          `PostGIS is available but not enabled, and this user cannot enable it (${(error as Error).message}): run CREATE EXTENSION postgis as a superuser.`,
        );
      }
    }
  } catch (error) {
    await probe.end().catch(() => undefined);
    if (error instanceof DatabaseSetupError) throw error;
    throw explain(error, url);
  }
  await probe.end();

  // Leave room for other clients and the LISTEN connection: each pool (the app's, and one per
  // distinct session settings, in practice the tiles') holds at most a quarter of the server's slots.
  const poolSize = Math.max(2, Math.min(options.maxPool ?? 20, Math.floor(maxConnections / 4)));
  /** A pool, and when its client gives up on a statement whose connection went silent (none: never). */
  type Pool = { pool: pg.Pool; giveUpMs: number | undefined };
  const openPool = (settings: SessionSettings = {}): Pool => {
    // statement_timeout has its own startup parameter in pg; every other setting goes in `options`.
    const { statement_timeout: timeout, ...rest } = settings;
    const serverTimeout = timeout !== undefined ? Number(timeout) : (options.statementTimeoutMs ?? 30_000);
    const startup = Object.entries(rest)
      .map(([name, value]) => `-c ${name}=${value}`)
      .join(' ');
    const pool = new pg.Pool({
      connectionString: url,
      types,
      max: poolSize,
      min: Math.min(poolSize, KEPT_CONNECTIONS),
      idleTimeoutMillis: options.idleTimeoutMs ?? IDLE_TIMEOUT_MS,
      // A connection idle that long may cross a firewall or NAT that forgets quiet flows: TCP
      // keepalives keep it known there, and tell a dead server from a quiet one.
      keepAlive: true,
      keepAliveInitialDelayMillis: 60_000,
      connectionTimeoutMillis: 10_000,
      statement_timeout: serverTimeout,
      // No query_timeout here: pg cannot lift a pool's for one statement, and an unbounded
      // transaction needs none. Each statement carries its own (giveUpMs).
      application_name: 'ban-do-so',
      ...(startup ? { options: startup } : {}),
    });
    // An idle client that loses its connection must not crash the process.
    pool.on('error', () => undefined);
    return { pool, giveUpMs: serverTimeout > 0 ? serverTimeout + SILENT_MARGIN_MS : undefined };
  };
  const app = openPool();

  /** Runs one statement (a prepared one when named) on a pool or a client, given up on after giveUpMs of silence. */
  const run = async <R>(
    on: pg.Pool | pg.PoolClient,
    giveUpMs: number | undefined,
    text: string,
    values?: readonly unknown[],
    name?: string,
  ): Promise<QueryResult<R>> => {
    const config = { text, values: values as unknown[] | undefined, name, query_timeout: giveUpMs } as pg.QueryConfig;
    const result = await on.query(config).catch(silentAsTimeout);
    return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
  };

  const onClient = (client: pg.PoolClient, giveUpMs: number | undefined): Queryable => ({
    query: (s, q) => run(client, giveUpMs, s, q),
    exec: async (s) => void (await run(client, giveUpMs, s)),
    queryPrepared: (name, sql, params) => run(client, giveUpMs, sql, params, name),
  });

  const onPool = ({ pool: p, giveUpMs }: Pool, capabilities: Capabilities): SessionDb => ({
    capabilities,
    async eachConnection(count, fn) {
      // Each connection is held until all are open, so no two calls of fn share one; then each goes
      // back to the pool as soon as its own call is done, for whoever waits meanwhile.
      const opened = await Promise.allSettled(Array.from({ length: Math.min(count, poolSize) }, () => p.connect()));
      const clients = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
      await Promise.all(
        clients.map(async (c) => {
          try {
            await fn(onClient(c, giveUpMs));
            c.release();
          } catch (error) {
            c.release(error as Error);
            throw error;
          }
        }),
      );
      const failed = opened.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      if (failed) throw failed.reason;
      return clients.length;
    },
    query: (sql, params) => run(p, giveUpMs, sql, params),
    queryPrepared: (name, sql, params) => run(p, giveUpMs, sql, params, name),
    exec: async (sql) => void (await run(p, giveUpMs, sql)),
    async transaction(fn, txOptions) {
      const client = await p.connect();
      // A connection that went silent, or could not roll back, goes to nobody else: released with
      // the error, the pool closes it.
      let broken: Error | undefined;
      // An unbounded transaction's statements run as long as they need: no limit on the server, none here.
      const limit = txOptions?.unbounded ? undefined : giveUpMs;
      try {
        await run(client, giveUpMs, 'BEGIN');
        if (txOptions?.unbounded) await run(client, giveUpMs, `SELECT set_config('statement_timeout', '0', true)`);
        const result = await fn(onClient(client, limit));
        await run(client, limit, 'COMMIT');
        return result;
      } catch (error) {
        if (error instanceof SilentConnectionError) broken = error;
        else await run(client, giveUpMs, 'ROLLBACK').catch((e: Error) => (broken = e));
        throw error;
      } finally {
        client.release(broken);
      }
    },
  });

  const sessions = new Map<string, { pool: pg.Pool; db: SessionDb }>();
  const withSession = (settings: SessionSettings): SessionDb => {
    const entries = Object.entries(settings).sort(([a], [b]) => a.localeCompare(b));
    for (const [name, value] of entries) {
      // Sent in the startup packet: names and values come from code, never from user input.
      const bad = name === 'statement_timeout' ? !/^\d{1,9}$/.test(value) : !/^[A-Za-z0-9_.]+$/.test(value);
      if (!/^[a-z_][a-z0-9_.]*$/.test(name) || bad) {
        throw new Error(`invalid session setting ${JSON.stringify(name)} = ${JSON.stringify(value)}`);
      }
    }
    const key = JSON.stringify(entries);
    let session = sessions.get(key);
    if (!session) {
      const p = openPool(Object.fromEntries(entries));
      session = { pool: p.pool, db: onPool(p, db.capabilities) };
      sessions.set(key, session);
    }
    return session.db;
  };

  const listeners = new Map<string, Set<NotificationHandler>>();
  const resyncs = new Set<() => void>();
  let listenClient: pg.Client | undefined;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let closed = false;
  const heartbeatMs = options.listenHeartbeatMs ?? LISTEN_HEARTBEAT_MS;
  const connectListener = async (again = false): Promise<void> => {
    // See LISTEN_HEARTBEAT_MS for the keepalives and the heartbeat.
    const client = new pg.Client({ connectionString: url, types, keepAlive: true, keepAliveInitialDelayMillis: 60_000 });
    client.on('notification', (msg) => {
      for (const handler of listeners.get(msg.channel) ?? []) handler(msg.payload ?? '');
    });
    let lost = false;
    const reconnect = () => {
      // Reconnect and re-subscribe (every second until it works), then tell the subscribers that
      // what was sent meanwhile is lost.
      if (lost || closed) return;
      lost = true;
      if (listenClient === client) {
        listenClient = undefined;
        clearInterval(heartbeat);
      }
      client.end().catch(() => undefined);
      const retry = () => {
        if (!closed) setTimeout(() => void connectListener(true).catch(retry), 1000);
      };
      retry();
    };
    client.on('error', reconnect);
    client.on('end', reconnect);
    try {
      await client.connect();
      for (const channel of listeners.keys()) await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (error) {
      // The caller (or the retry above) tries again; this client is done.
      lost = true;
      client.end().catch(() => undefined);
      throw error;
    }
    listenClient = client;
    let beating = false;
    heartbeat = setInterval(() => {
      if (beating) return;
      beating = true;
      client.query({ text: 'SELECT 1', query_timeout: heartbeatMs } as pg.QueryConfig).then(() => (beating = false), reconnect);
    }, heartbeatMs);
    heartbeat.unref();
    if (again) for (const resync of resyncs) resync();
  };

  const capabilities = await probeCapabilities(
    { query: (q, p) => run(app.pool, app.giveUpMs, q, p), exec: async (q) => void (await run(app.pool, app.giveUpMs, q)) },
    'postgres',
    poolSize,
  );
  const db: Db = {
    ...onPool(app, capabilities),
    withSession,
    async listen(channel, handler, onResync) {
      if (onResync) resyncs.add(onResync);
      let set = listeners.get(channel);
      if (!set) {
        set = new Set();
        listeners.set(channel, set);
        if (listenClient) await listenClient.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      }
      set.add(handler);
      if (!listenClient) await connectListener();
      return async () => {
        set.delete(handler);
        if (onResync) resyncs.delete(onResync);
      };
    },
    async close() {
      closed = true;
      clearInterval(heartbeat);
      await listenClient?.end().catch(() => undefined);
      await Promise.all([app.pool, ...[...sessions.values()].map((x) => x.pool)].map((p) => p.end()));
    },
  };
  return db;
}
