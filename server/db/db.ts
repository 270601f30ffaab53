/** Rows and the count of rows a statement touched, the same shape from both adapters. */
export type QueryResult<R> = { rows: R[]; rowCount: number };

/** Anything that runs SQL: the database itself or an open transaction. */
export interface Queryable {
  /** Runs one statement with positional parameters ($1, $2, …). */
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** Runs a script of several statements without parameters (migrations, fixtures). */
  exec(sql: string): Promise<void>;
  /**
   * Runs a statement kept prepared per connection under `name` (one name per SQL text, e.g. a
   * hash of it): parsed once per connection, and planned once when PostgreSQL finds its generic
   * plan as good. Only where it pays (tiles); absent on the embedded database.
   */
  queryPrepared?<R = Record<string, unknown>>(name: string, sql: string, params: readonly unknown[]): Promise<QueryResult<R>>;
}

/** What this database can do; the tile engine and validators pick their path from it. */
export type Capabilities = Readonly<{
  /** 'postgres' for a server reached by DATABASE_URL, 'embedded' for PGlite. */
  kind: 'postgres' | 'embedded';
  /** ST_AsMVT and ST_AsMVTGeom work (PGlite's PostGIS is built without protobuf). */
  mvt: boolean;
  /** ST_CoverageSimplify exists (PostGIS ≥ 3.6 with GEOS ≥ 3.12). */
  coverageSimplify: boolean;
  /** PostGIS version such as "3.3.2". */
  postgisVersion: string;
  /** PostgreSQL server version number such as 150018. */
  serverVersionNum: number;
  /** Connections a pool may hold (1 for the embedded database). */
  maxConnections: number;
}>;

/** A notification delivered after the sending transaction committed. */
export type NotificationHandler = (payload: string) => void;

/** How a transaction runs. */
export type TransactionOptions = {
  /**
   * Its statements may run as long as they need (an import, the seed: one transaction that a
   * cancel or a kill rolls back): the statement timeout is lifted for it alone, and so is the
   * client's give-up on a silent connection, which would otherwise cut them.
   */
  unbounded?: boolean;
};

/** Statements and transactions on connections of one kind: the app's pool or a session pool. */
export interface SessionDb extends Queryable {
  readonly capabilities: Capabilities;
  /** Runs fn inside BEGIN … COMMIT; any throw rolls back. Nothing else interleaves on the embedded database. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * Runs fn on `count` of the pool's connections at once (at most the pool's size), opening those it
   * lacks, and returns how many it ran on: connections readied before anyone waits for them.
   * Absent on the embedded database, which has one.
   */
  eachConnection?(count: number, fn: (q: Queryable) => Promise<void>): Promise<number>;
}

/** Session settings by name, e.g. { statement_timeout: '10000', jit: 'off' }. */
export type SessionSettings = Readonly<Record<string, string>>;

/** The one database interface of the app: a pg pool or the embedded PGlite behind it. */
export interface Db extends SessionDb {
  /**
   * Connections whose sessions start with these settings, for work that needs its own limits on
   * every statement (tiles: a short statement timeout and no JIT) without a SET LOCAL round trip
   * per statement. One pool per distinct settings, closed with the database. The embedded database
   * has one connection and no statement timeout or JIT: it answers with itself.
   */
  withSession(settings: SessionSettings): SessionDb;
  /**
   * Subscribes to LISTEN channel; the returned function unsubscribes. `onResync` is called when
   * the notification connection was lost and made again: notifications sent meanwhile are lost,
   * so whoever keeps state from them must read it afresh (the embedded database never loses it).
   */
  listen(channel: string, handler: NotificationHandler, onResync?: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** A startup problem with the database that the operator must fix; printed as one line. */
export class DatabaseSetupError extends Error {
  override name = 'DatabaseSetupError';
}

/** Reads the capabilities of a freshly opened database that already has PostGIS. */
export async function probeCapabilities(q: Queryable, kind: 'postgres' | 'embedded', maxConnections: number): Promise<Capabilities> {
  const info = await q.query<{ v: string; n: number; cov: boolean }>(
    `SELECT postgis_lib_version() AS v, current_setting('server_version_num')::int AS n,
            EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'st_coveragesimplify') AS cov`,
  );
  const row = info.rows[0];
  if (!row) throw new DatabaseSetupError('Could not read the PostGIS version.');
  let mvt = true;
  try {
    // PGlite's PostGIS raises "Compiled without protobuf-c support" here.
    await q.query(`SELECT ST_AsMVT(t) FROM (SELECT ST_AsMVTGeom(ST_Point(0, 0, 3857), ST_TileEnvelope(0, 0, 0)) AS g) t`);
  } catch {
    mvt = false;
  }
  return Object.freeze({
    kind,
    mvt,
    coverageSimplify: row.cov,
    postgisVersion: row.v,
    serverVersionNum: Number(row.n),
    maxConnections,
  });
}
