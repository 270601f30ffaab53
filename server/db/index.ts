import type { Config } from '../config.ts';
import type { Db } from './db.ts';
import { openPgDb } from './pg.adapter.ts';
import { openPgliteDb } from './pglite.adapter.ts';

export type { Db, Queryable, QueryResult, Capabilities } from './db.ts';
export { DatabaseSetupError } from './db.ts';

/** Opens the database the configuration names: PostgreSQL with DATABASE_URL, otherwise embedded PGlite. */
export function openDb(config: Pick<Config, 'databaseUrl' | 'dataDir'>, log?: (message: string) => void): Promise<Db> {
  if (config.databaseUrl) return openPgDb(config.databaseUrl);
  return openPgliteDb({ dataDir: config.dataDir, ...(log ? { log } : {}) });
}
