import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openPgDb } from '../../server/db/pg.adapter.ts';
import { openPgliteDb } from '../../server/db/pglite.adapter.ts';
import { testDbKind } from '../helpers/test-db.ts';
import { silencingProxy } from '../helpers/silencing-proxy.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

type Run = { code: number | null; stdout: string; stderr: string };

/** Starts server/main.ts with env; resolves when it exits, or when ready() says the test is done with it. */
function startServer(env: Record<string, string>, untilReady?: (port: number) => Promise<void>): Promise<Run> {
  return new Promise((resolve, reject) => {
    // As npm start runs it: node itself gets the signals (the tsx CLI would relay them, and kill a
    // child busy in the embedded database before its SIGTERM handler can run).
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), LOG_LEVEL: 'warn', HOST: '127.0.0.1', ...env },
    });
    let stdout = '';
    let stderr = '';
    let checking = false;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const m = /Ready: http:\/\/localhost:(\d+)/.exec(stdout);
      if (m && untilReady && !checking) {
        checking = true;
        untilReady(Number(m[1])).then(
          () => child.kill('SIGTERM'),
          (error: unknown) => {
            child.kill('SIGKILL');
            reject(error as Error);
          },
        );
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

const cleanup: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const fn of cleanup) await fn();
});

/** Runs one statement as the test PostgreSQL's own user. */
async function asAdmin(sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/** An empty database on the test PostgreSQL, dropped after the file's tests; its URL (as the test user). */
async function emptyPgDatabase(prefix: string, owner?: string): Promise<URL> {
  const name = `${prefix}_${process.pid}`;
  await asAdmin(`DROP DATABASE IF EXISTS ${name}`);
  await asAdmin(`CREATE DATABASE ${name}${owner ? ` OWNER ${owner}` : ''}`);
  cleanup.push(() => asAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  const url = new URL(process.env.TEST_DATABASE_URL!);
  url.pathname = `/${name}`;
  return url;
}

describe('bad configuration prints one clear line and exits non-zero', () => {
  it('an unreachable DATABASE_URL', async () => {
    const port = await freePort();
    const run = await startServer({ DATABASE_URL: `postgres://nobody:x@127.0.0.1:${port}/nothing`, PORT: '0' });
    expect(run.code).not.toBe(0);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/Cannot reach PostgreSQL at 127\.0\.0\.1:\d+\/nothing \(ECONNREFUSED\).*DATABASE_URL/);
  });

  it('a DATABASE_URL that is not a postgres URL', async () => {
    const run = await startServer({ DATABASE_URL: 'mysql://localhost/x', PORT: '0' });
    expect(run.code).not.toBe(0);
    expect(run.stderr.trim()).toMatch(/^\[bando\] DATABASE_URL must start with postgres:\/\//);
  });

  it('an unwritable data folder', async () => {
    // A folder below a regular file can never be created, even by root.
    const file = path.join(os.tmpdir(), `bando-not-a-dir-${process.pid}`);
    await fs.writeFile(file, '');
    cleanup.push(() => fs.rm(file, { force: true }));
    const run = await startServer({ DATA_DIR: path.join(file, 'db'), PORT: '0' });
    expect(run.code).not.toBe(0);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/data folder .* is not writable \(ENOTDIR\): set DATA_DIR/);
  });

  it.runIf(testDbKind === 'postgres')('a database without PostGIS that the user cannot enable', async () => {
    await asAdmin(
      `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bando_plain') THEN CREATE ROLE bando_plain LOGIN PASSWORD 'plain'; END IF; END $$`,
    );
    const url = await emptyPgDatabase('bando_nopostgis', 'bando_plain');
    url.username = 'bando_plain';
    url.password = 'plain';
    const run = await startServer({ DATABASE_URL: url.toString(), PORT: '0' });
    expect(run.code).not.toBe(0);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/PostGIS is available but not enabled, and this user cannot enable it/);
  });
});

describe('a first start seeds, a restart keeps the data', () => {
  it('answers /healthz and /readyz with the sample data loaded, and does not re-seed on restart', async () => {
    const env: Record<string, string> = { SEED_PARCELS: '400' };
    if (testDbKind === 'postgres') {
      env.DATABASE_URL = (await emptyPgDatabase('bando_start')).toString();
    } else {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bando-start-'));
      env.DATA_DIR = dir;
      cleanup.push(() => fs.rm(dir, { recursive: true, force: true }));
    }
    env.PORT = String(await freePort());
    const countParcels = async (): Promise<number> => {
      const db = env.DATABASE_URL ? await openPgDb(env.DATABASE_URL, { maxPool: 2 }) : await openPgliteDb({ dataDir: env.DATA_DIR });
      try {
        const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM parcels');
        return rows[0]!.n;
      } finally {
        await db.close();
      }
    };
    const first = await startServer(env, async (port) => {
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(health.status).toBe(200);
      expect(ready.status).toBe(200);
      const body = (await ready.json()) as { database: string };
      expect(body.database).toBe(testDbKind);
    });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const seeded = await countParcels();
    expect(seeded).toBeGreaterThanOrEqual(300);
    expect(first.stdout).toMatch(/Applied migrations/);
    expect(first.stdout).not.toMatch(/not seeding/);

    const second = await startServer(env, async (port) => {
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/Sample data already present; not seeding/);
    expect(second.stdout).not.toMatch(/Applied migrations/);
    expect(await countParcels()).toBe(seeded);
  });

  it.runIf(testDbKind === 'postgres')(
    'ends within SHUTDOWN_TIMEOUT_S of a SIGTERM when its database has gone silent, and says why',
    async () => {
      const proxy = await silencingProxy(await emptyPgDatabase('bando_silent'));
      cleanup.push(() => proxy.close());
      let signalled = 0;
      const env = { DATABASE_URL: proxy.url, SEED: 'false', SHUTDOWN_TIMEOUT_S: '1', PORT: String(await freePort()) };
      const run = await startServer(env, async (port) => {
        expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
        // Every connection open now (the pools' and the LISTEN one) stops answering: a statement in
        // flight on one (the tile connections are readied at start) would wait for its give-up or forever.
        proxy.silence();
        signalled = performance.now();
      });
      expect(performance.now() - signalled).toBeLessThan(8_000);
      expect(run.stdout).toMatch(/SIGTERM: closing/);
      expect(run.stdout).toMatch(/still closing after 1 s \(a request or the database did not finish\): exiting anyway/);
      expect(run.code).toBe(1);
    },
    60_000,
  );
});
