// The pools keep their connections through a map user's pause: a new connection costs a tile
// ~25–30 ms (connecting, and PROJ set up for its first ST_Transform), paid once per parallel request
// of the next view when pg closed idle connections after its default 10 s (server/db/pg.adapter.ts).
// Read from the server itself: the backends pg_stat_activity lists for the test's database.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/index.ts';
import type { PgOptions } from '../../server/db/pg.adapter.ts';
import { openMigratedPgTestDb, testDbKind } from '../helpers/test-db.ts';

const url = process.env.TEST_DATABASE_URL;
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A statement only this file runs: an idle backend keeps the text of its last statement. */
const MARK = `SELECT pg_sleep(0.2) AS "db-pool test"`;

/** How many backends of the database sit idle after running MARK. */
async function idleAfterMark(database: string): Promise<number> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND state = 'idle' AND query = $2`,
      [database, MARK],
    );
    return rows[0]!.n;
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
    expect(await idleAfterMark(name)).toBe(9);
    await delay(11_000);
    expect(await idleAfterMark(name)).toBe(9);
  }, 30_000);

  it('with a short idle timeout, close the connections beyond six once they sit idle that long, and keep six warm', async () => {
    const { db, name } = await open({ maxPool: 10, idleTimeoutMs: 300 });
    await burst(db);
    expect(await idleAfterMark(name)).toBe(9);
    await delay(1_500);
    expect(await idleAfterMark(name)).toBe(6);
    // The kept ones still serve: a second burst opens only the three it lacks.
    await burst(db);
    expect(await idleAfterMark(name)).toBe(9);
  }, 30_000);
});
