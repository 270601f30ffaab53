import type { Db, Queryable, TransactionOptions } from './db.ts';

/** Who makes a change and through which path; the edit_log trigger records both. */
export type EditContext = { userId: number | null; origin: 'api' | 'import' | 'restore' | 'sql' | 'seed' };

/**
 * Runs fn in a transaction whose changes the edit_log trigger attributes to the given user and
 * origin (transaction-local settings app.user_id and app.origin), unbounded when asked (an import:
 * see TransactionOptions). Tile invalidation follows from the same trigger's NOTIFY after commit.
 */
export function withEdits<T>(db: Db, ctx: EditContext & TransactionOptions, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  const edits = async (tx: Queryable) => {
    await tx.query(`SELECT set_config('app.user_id', $1, true), set_config('app.origin', $2, true)`, [
      ctx.userId === null ? '' : String(ctx.userId),
      ctx.origin,
    ]);
    return fn(tx);
  };
  return db.transaction(edits, { unbounded: ctx.unbounded });
}
