import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import type { Db } from '../../server/db/index.ts';
import { openPgDb, type PgOptions } from '../../server/db/pg.adapter.ts';
import { openPgliteDb } from '../../server/db/pglite.adapter.ts';
import { migrate } from '../../server/db/migrate.ts';
import { seedSample } from '../../server/registry/sample-data.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TMP = path.join(ROOT, '.tmp');
const execFileAsync = promisify(execFile);

/** Parcels in the shared test template: small enough to build fast, large enough for real tiles. */
export const TEST_SEED_PARCELS = 3000;

/** 'postgres' when TEST_DATABASE_URL names a real PostGIS (the postgres test project), else 'embedded'. */
export const testDbKind: 'postgres' | 'embedded' = process.env.TEST_DATABASE_URL ? 'postgres' : 'embedded';

/** The key of the migrated template: the migrations' content. */
async function migratedKey(): Promise<string> {
  const hash = createHash('sha256');
  for (const file of (await fs.readdir(path.join(ROOT, 'data/migrations'))).sort()) {
    hash.update(file).update(await fs.readFile(path.join(ROOT, 'data/migrations', file)));
  }
  return hash.digest('hex').slice(0, 12);
}

async function templateKey(): Promise<string> {
  const hash = createHash('sha256');
  for (const dir of ['data/migrations', 'data/seed']) {
    for (const file of (await fs.readdir(path.join(ROOT, dir))).sort()) {
      hash.update(file).update(await fs.readFile(path.join(ROOT, dir, file)));
    }
  }
  // What the server adds to the seed's rows (server/registry/sample-data.ts) shapes the template too.
  for (const file of ['server/registry/sample-data.ts', 'server/registry/plots.service.ts', 'server/domain/substances.ts']) {
    hash.update(file).update(await fs.readFile(path.join(ROOT, file)));
  }
  hash.update(String(TEST_SEED_PARCELS));
  return hash.digest('hex').slice(0, 12);
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * Builds (once, cached by content) the two templates test databases are copied from: the migrated
 * one with no rows (files that bring their own fixture: tiles, imports, exports) and the seeded one
 * (the migrated one with the sample data). Migrating a new database took a file on the embedded
 * database ~10 s of CPU; copying the migrated template takes what copying the seeded one does.
 */
export async function buildTemplate(kind: 'postgres' | 'embedded'): Promise<void> {
  await buildOne(kind, `mig_${await migratedKey()}`, undefined, (db) => migrate(db).then(() => undefined));
  await buildOne(kind, `tpl_${await templateKey()}`, `mig_${await migratedKey()}`, async (db) => {
    await migrate(db);
    await seedSample(db, { parcels: TEST_SEED_PARCELS });
  });
}

/** Builds the template `name` (bando_{name} on PostgreSQL, .tmp/{name} embedded) by `fill`, from the template `from` when given. */
async function buildOne(
  kind: 'postgres' | 'embedded',
  name: string,
  from: string | undefined,
  fill: (db: Db) => Promise<void>,
): Promise<void> {
  const url = process.env.TEST_DATABASE_URL;
  if (kind === 'postgres') {
    if (!url) throw new Error('TEST_DATABASE_URL is not set');
    const database = `bando_${name}`;
    // Several vitest runs may start together (developers, helpers, CI): an advisory lock on the
    // maintenance database makes one of them build the template while the others wait.
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query('SELECT pg_advisory_lock(74023)');
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (exists.rowCount) return;
      const building = `${database}_building`;
      await admin.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${building}${from ? ` TEMPLATE bando_${from}` : ''}`);
      const db = await openPgDb(withDatabase(url, building), { maxPool: 4 });
      try {
        await fill(db);
      } finally {
        await db.close();
      }
      await admin.query(`ALTER DATABASE ${building} RENAME TO ${database}`);
    } finally {
      await admin.query('SELECT pg_advisory_unlock(74023)').catch(() => undefined);
      await admin.end();
    }
    return;
  }
  const dir = path.join(TMP, name.replace('_', '-'));
  if (await exists(path.join(dir, 'READY'))) return;
  // Build in a folder of our own and rename it into place: two runs building at once must not
  // open one PGlite folder twice (that corrupts it); the slower one discards its copy.
  const building = `${dir}.building-${process.pid}`;
  await fs.rm(building, { recursive: true, force: true });
  if (from) {
    await fs.mkdir(building, { recursive: true });
    await copyFolder(path.join(TMP, from.replace('_', '-'), 'db'), path.join(building, 'db'));
  }
  const db = await openPgliteDb({ dataDir: path.join(building, 'db') });
  try {
    await fill(db);
  } finally {
    await db.close();
  }
  await fs.writeFile(path.join(building, 'READY'), new Date().toISOString());
  // A folder without READY is a build that died half-way: replace it.
  if (!(await exists(path.join(dir, 'READY')))) await fs.rm(dir, { recursive: true, force: true });
  try {
    await fs.rename(building, dir);
  } catch {
    await fs.rm(building, { recursive: true, force: true });
    if (!(await exists(path.join(dir, 'READY')))) throw new Error(`could not put the test template in place at ${dir}`);
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

let counter = 0;

/**
 * shared_buffers of an embedded test database: a copy of the 3,000-parcel template (~70 MB) needs
 * less than PGlite's 128 MB, and each test file's database is a new process-sized block of memory
 * that the CI machines are slow to hand out (see openPgliteDb's sharedBuffers).
 */
const TEST_SHARED_BUFFERS = '32MB';

/**
 * Copies a folder with the system's cp where there is one: a seeded template is ~1,200 files and
 * 70 MB, which fs.cp copies in 1.5–1.8 s and cp in 0.3–0.6 s, for every test file on the embedded
 * database.
 */
async function copyFolder(from: string, to: string): Promise<void> {
  try {
    await execFileAsync('cp', ['-R', from, to]);
  } catch {
    await fs.rm(to, { recursive: true, force: true });
    await fs.cp(from, to, { recursive: true });
  }
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/** A database created on the test server (empty, or from a template) that close() drops. */
async function ownPgDatabase(url: string, name: string, template: string | undefined, options: PgOptions): Promise<Db> {
  await adminQuery(url, `CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  const db = await openPgDb(withDatabase(url, name), options);
  return {
    ...db,
    capabilities: db.capabilities,
    async close() {
      await db.close();
      await adminQuery(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** A test database of its own (a copy of the seeded template); close() drops it. */
export async function openTestDb(): Promise<Db> {
  return openCopy(`tpl_${await templateKey()}`);
}

/** A copy of the template `name` (see buildOne); close() drops it. */
async function openCopy(name: string): Promise<Db> {
  const id = `${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const url = process.env.TEST_DATABASE_URL;
  if (url) return ownPgDatabase(url, `bando_t_${id}`, `bando_${name}`, { maxPool: 10 });
  const dir = path.join(TMP, `db-${id}`);
  await copyFolder(path.join(TMP, name.replace('_', '-'), 'db'), dir);
  const db = await openPgliteDb({ dataDir: dir, sharedBuffers: TEST_SHARED_BUFFERS });
  return {
    ...db,
    capabilities: db.capabilities,
    async close() {
      await db.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** A database of its own with every migration applied and no rows (a copy of the migrated template); close() drops it. */
export async function openMigratedTestDb(): Promise<Db> {
  return openCopy(`mig_${await migratedKey()}`);
}

/**
 * On the test PostgreSQL only: a database of its own with every migration applied and no rows,
 * opened with these pool options (pool tests); its name for looking it up in pg_stat_activity.
 */
export async function openMigratedPgTestDb(options: PgOptions): Promise<{ db: Db; name: string }> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set');
  const name = `bando_p_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  return { db: await ownPgDatabase(url, name, `bando_mig_${await migratedKey()}`, options), name };
}

/** An empty database with no migrations applied (for migration and setup tests). */
export async function openEmptyTestDb(): Promise<Db> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) return ownPgDatabase(url, `bando_e_${process.pid}_${Date.now().toString(36)}_${counter++}`, undefined, { maxPool: 4 });
  return openPgliteDb({ dataDir: undefined });
}
