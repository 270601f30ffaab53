// Races between a test's own transaction and a write under test: the transaction takes its locks
// and stays open while the write starts and (on PostgreSQL) blocks on them.
import type { Db, Queryable } from '../../server/db/index.ts';
import { testDbKind } from './test-db.ts';

/** Runs `hold` in a transaction that stays open (its locks held) until release() commits it. */
export async function holdTransaction(db: Db, hold: (tx: Queryable) => Promise<void>): Promise<{ release(): Promise<void> }> {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let held!: () => void;
  const holding = new Promise<void>((resolve) => (held = resolve));
  const transaction = db.transaction(async (tx) => {
    await hold(tx);
    held();
    await gate;
  });
  // A failing `hold` ends the transaction without reaching held(): its error surfaces here.
  await Promise.race([holding, transaction]);
  return {
    async release() {
      release();
      await transaction;
    },
  };
}

/**
 * On PostgreSQL, waits (5 s at most) until a session of this database waits for a lock: the write
 * under test has reached the held rows. The embedded database runs one query at a time, so there
 * the write simply queues behind the held transaction and nothing is waited for.
 */
export async function untilSomeoneWaitsForALock(db: Db): Promise<void> {
  if (testDbKind !== 'postgres') return;
  for (let tries = 0; tries < 200; tries++) {
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if (rows[0]!.n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
