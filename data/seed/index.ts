// Placeholder until the sample-data generator lands: the interface main.ts and the tests use.

/** The part of the app's Db that the generator needs (data/ imports nothing of ours). */
export interface SeedDb {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<{ rows: R[]; rowCount: number }>;
  exec(sql: string): Promise<void>;
  transaction<T>(fn: (tx: { query: SeedDb['query']; exec: SeedDb['exec'] }) => Promise<T>): Promise<T>;
}

export type SeedOptions = {
  /** How many cadastral parcels to generate (city scale 50,000; province benchmarks 1,000,000). */
  parcels: number;
  /** PRNG seed; the same seed and options give the same rows. */
  seed?: number;
  log?: (message: string) => void;
};

/** Writes the whole sample data set into a migrated, empty database. */
export async function seed(_db: SeedDb, _options: SeedOptions): Promise<void> {
  throw new Error('sample-data generator not written yet');
}

/** Seeds when the database has no parcels yet; returns whether it seeded. */
export async function seedIfEmpty(db: SeedDb, options: SeedOptions): Promise<boolean> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM parcels');
  if ((rows[0]?.n ?? 0) > 0) return false;
  await seed(db, options);
  return true;
}
