import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Db } from '../../server/db/index.ts';
import { openPgDb } from '../../server/db/pg.adapter.ts';
import { openPgliteDb } from '../../server/db/pglite.adapter.ts';
import { migrate } from '../../server/db/migrate.ts';
import { seed } from '../../data/seed/index.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TMP = path.join(ROOT, '.tmp');

/** Parcels in the shared test template: small enough to build fast, large enough for real tiles. */
export const TEST_SEED_PARCELS = 3000;

/** 'postgres' when TEST_DATABASE_URL names a real PostGIS (the postgres test project), else 'embedded'. */
export const testDbKind: 'postgres' | 'embedded' = process.env.TEST_DATABASE_URL ? 'postgres' : 'embedded';

async function templateKey(): Promise<string> {
  const hash = createHash('sha256');
  for (const dir of ['data/migrations', 'data/seed']) {
    for (const file of (await fs.readdir(path.join(ROOT, dir))).sort()) {
      hash.update(file).update(await fs.readFile(path.join(ROOT, dir, file)));
    }
  }
  hash.update(String(TEST_SEED_PARCELS));
  return hash.digest('hex').slice(0, 12);
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Builds (once, cached by the migrations' and seed's content) the template every test database is copied from. */
export async function buildTemplate(kind: 'postgres' | 'embedded'): Promise<void> {
  const key = await templateKey();
  const url = process.env.TEST_DATABASE_URL;
  if (kind === 'postgres') {
    if (!url) throw new Error('TEST_DATABASE_URL is not set');
    const name = `bando_tpl_${key}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount) return;
      await admin.query(`CREATE DATABASE ${name}`);
    } finally {
      await admin.end();
    }
    const db = await openPgDb(withDatabase(url, name), { maxPool: 4 });
    try {
      await migrate(db);
      await seed(db, { parcels: TEST_SEED_PARCELS });
    } finally {
      await db.close();
    }
    return;
  }
  const dir = path.join(TMP, `tpl-${key}`);
  try {
    await fs.access(path.join(dir, 'READY'));
    return;
  } catch {
    // build below
  }
  await fs.rm(dir, { recursive: true, force: true });
  const db = await openPgliteDb({ dataDir: path.join(dir, 'db') });
  try {
    await migrate(db);
    await seed(db, { parcels: TEST_SEED_PARCELS });
  } finally {
    await db.close();
  }
  await fs.writeFile(path.join(dir, 'READY'), new Date().toISOString());
}

let counter = 0;

/** A test database of its own (a copy of the seeded template); close() drops it. */
export async function openTestDb(): Promise<Db> {
  const key = await templateKey();
  const id = `${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const name = `bando_t_${id}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name} TEMPLATE bando_tpl_${key}`);
    await admin.end();
    const db = await openPgDb(withDatabase(url, name), { maxPool: 10 });
    return {
      ...db,
      capabilities: db.capabilities,
      async close() {
        await db.close();
        const a = new pg.Client({ connectionString: url });
        await a.connect();
        await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await a.end();
      },
    };
  }
  const dir = path.join(TMP, `db-${id}`);
  await fs.cp(path.join(TMP, `tpl-${key}`, 'db'), dir, { recursive: true });
  const db = await openPgliteDb({ dataDir: dir });
  return {
    ...db,
    capabilities: db.capabilities,
    async close() {
      await db.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** An empty database with no migrations applied (for migration and setup tests). */
export async function openEmptyTestDb(): Promise<Db> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const name = `bando_e_${process.pid}_${Date.now().toString(36)}_${counter++}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const db = await openPgDb(withDatabase(url, name), { maxPool: 4 });
    return {
      ...db,
      capabilities: db.capabilities,
      async close() {
        await db.close();
        const a = new pg.Client({ connectionString: url });
        await a.connect();
        await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await a.end();
      },
    };
  }
  return openPgliteDb({ dataDir: undefined });
}
