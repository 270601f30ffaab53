import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DatabaseSetupError, type Db } from './db.ts';

/** Folder of the numbered SQL migrations. */
export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../data/migrations');

// Any constant works; it only has to be the same in every server process of this app.
const MIGRATION_LOCK_KEY = 7_402_301;

export type Migration = { version: number; name: string; sql: string; checksum: string };

/** Reads NNN_name.sql files in version order. */
export async function readMigrations(dir: string = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await fs.readdir(dir)).filter((f) => /^\d+_[\w-]+\.sql$/.test(f)).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const sql = await fs.readFile(path.join(dir, file), 'utf8');
    migrations.push({
      version: Number(file.split('_')[0]),
      name: file,
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
    });
  }
  const versions = new Set(migrations.map((m) => m.version));
  if (versions.size !== migrations.length) throw new DatabaseSetupError(`Two migrations in ${dir} share a number.`);
  return migrations;
}

/**
 * Applies pending migrations in one transaction under an advisory lock, so that two servers
 * starting together apply each migration once; returns the names applied.
 */
export async function migrate(db: Db, migrations?: Migration[]): Promise<string[]> {
  const all = migrations ?? (await readMigrations());
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now())`);
    const applied = await tx.query<{ version: number; name: string; checksum: string }>(
      'SELECT version, name, checksum FROM schema_migrations',
    );
    const byVersion = new Map(applied.rows.map((r) => [r.version, r]));
    const done: string[] = [];
    for (const m of all) {
      const previous = byVersion.get(m.version);
      if (previous) {
        if (previous.checksum !== m.checksum) {
          throw new DatabaseSetupError(
            `Migration ${m.name} was changed after it was applied: a landed migration is never edited; restore it and add a new numbered file.`,
          );
        }
        continue;
      }
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [m.version, m.name, m.checksum]);
      done.push(m.name);
    }
    return done;
  });
}
