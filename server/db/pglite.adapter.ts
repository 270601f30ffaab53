import fs from 'node:fs/promises';
import { constants } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { DatabaseSetupError, probeCapabilities, type Db, type Queryable, type QueryResult } from './db.ts';
import { SerialQueue } from './serial.ts';
import { postgisTrimmed } from './postgis-bundle.ts';

// Same value types as the pg adapter (see pg.adapter.ts).
const parsers = {
  20: (v: string) => Number(v),
  1700: (v: string) => Number(v),
  1082: (v: string) => v,
};

export type PgliteOptions = {
  /** Folder that holds the database; undefined keeps it in memory (tests). */
  dataDir: string | undefined;
  /** Called with progress lines, such as the slow first start. */
  log?: (message: string) => void;
  /**
   * PostgreSQL's shared_buffers ('32MB'); PGlite's default (128 MB) when not given. The tests' small
   * databases, opened ~200 times a run, ask for less: memory a process touches for the first time is
   * slow to get on the CI machines (about 3 s a GiB).
   */
  sharedBuffers?: string;
};

async function ensureWritable(dir: string): Promise<boolean> {
  try {
    await fs.mkdir(dir, { recursive: true });
    await fs.access(dir, constants.W_OK);
    // access() says yes to root even on a read-only mount: write a file to be sure.
    const probe = path.join(dir, `.write-test-${process.pid}`);
    await fs.writeFile(probe, '');
    await fs.rm(probe);
  } catch (error) {
    throw new DatabaseSetupError(
      `The data folder ${dir} is not writable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): set DATA_DIR to a writable folder or fix its permissions.`,
    );
  }
  try {
    await fs.access(path.join(dir, 'PG_VERSION'));
    return true;
  } catch {
    return false;
  }
}

/** Opens the embedded PGlite database with PostGIS; every query runs one after another on its single connection. */
export async function openPgliteDb(options: PgliteOptions): Promise<Db> {
  const log = options.log ?? (() => undefined);
  const existed = options.dataDir ? await ensureWritable(options.dataDir) : false;
  if (!existed) log('Creating the embedded database with PostGIS (first start, about 15 s)…');
  let pg: PGlite;
  try {
    pg = new PGlite({
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(options.sharedBuffers ? { startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${options.sharedBuffers}`] } : {}),
      extensions: { postgis: postgisTrimmed },
      parsers,
    });
    await pg.waitReady;
    await pg.exec('CREATE EXTENSION IF NOT EXISTS postgis');
  } catch (error) {
    throw new DatabaseSetupError(
      `Cannot open the embedded database in ${options.dataDir ?? 'memory'} (${(error as Error).message}): move the folder away to start afresh, or set DATABASE_URL.`,
    );
  }
  const queue = new SerialQueue();
  const run = async <R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> => {
    const result = await pg.query<R>(sql, params as unknown[] | undefined);
    return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
  };
  const exec = async (sql: string): Promise<void> => void (await pg.exec(sql));
  const direct: Queryable = { query: run, exec };
  const db: Db = {
    capabilities: await probeCapabilities(direct, 'embedded', 1),
    query: (sql, params) => queue.run(() => run(sql, params)),
    exec: (sql) => queue.run(() => exec(sql)),
    // No statement timeout here to lift for an unbounded transaction (TransactionOptions).
    transaction: (fn) =>
      queue.run(async () => {
        await pg.query('BEGIN');
        try {
          const result = await fn(direct);
          await pg.query('COMMIT');
          return result;
        } catch (error) {
          await pg.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
      }),
    // One connection, no statement timeout worth having (a cancelled query would stall the queue
    // anyway) and no JIT: session settings have nothing to change here.
    withSession: () => db,
    async listen(channel, handler) {
      const unsubscribe = await queue.run(() => pg.listen(channel, handler));
      return () => queue.run(() => unsubscribe());
    },
    close: () => queue.run(() => pg.close()),
  };
  return db;
}
