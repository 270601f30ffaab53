// State every server process must share: sign-in attempts per username and background import jobs
// live in the database, so two apps over one database (two processes behind a load balancer) see
// the same counts and the same jobs. On PostgreSQL the second app has a connection pool of its own.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { upsertUser } from '../../server/auth/users.ts';
import { loadConfig } from '../../server/config.ts';
import type { Db } from '../../server/db/index.ts';
import type { Queryable } from '../../server/db/db.ts';
import { openPgDb } from '../../server/db/pg.adapter.ts';
import { ImportJobs, type ImportJob } from '../../server/io/jobs.ts';
import type { ImportProgress, ImportReport } from '../../server/io/import.ts';
import { AppError } from '../../server/plugins/errors.ts';
import { LOGIN_FAILURES_PER_USER } from '../../server/routes/auth.ts';
import { importUpload } from '../helpers/import-upload.ts';
import { openMigratedTestDb } from '../helpers/test-db.ts';
import { PARCEL_COLUMNS, parcelGrid, prepareIoDb, project, shapefileZip, tempDir, type Actors } from '../fixtures/io/builders.ts';

const PASSWORD = 'shared-state-password-2026';

let db: Db;
let dbB: Db;
let appA: FastifyInstance;
let appB: FastifyInstance;
let actors: Actors;
let tmp: { dir: string; remove(): Promise<void> };

/** The same database through a pool of its own on PostgreSQL (as a second process has); the same object on PGlite. */
async function secondConnection(first: Db): Promise<Db> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return first;
  const { rows } = await first.query<{ name: string }>('SELECT current_database() AS name');
  const u = new URL(url);
  u.pathname = `/${rows[0]!.name}`;
  return openPgDb(u.toString(), { maxPool: 4 });
}

beforeAll(async () => {
  db = await openMigratedTestDb();
  actors = await prepareIoDb(db);
  for (const username of ['shared.one', 'shared.two', 'shared.three', 'shared.four']) {
    await upsertUser(db, { username, password: PASSWORD, role: 'planner', displayName: username });
  }
  dbB = await secondConnection(db);
  const config = loadConfig({ LOG_LEVEL: 'silent', SEED: 'false' });
  appA = await buildApp({ config, db, ready: { value: true } }, { logger: false });
  appB = await buildApp({ config, db: dbB, ready: { value: true } }, { logger: false });
  tmp = await tempDir();
});

afterAll(async () => {
  await appA?.close();
  await appB?.close();
  if (dbB && dbB !== db) await dbB.close();
  await db?.close();
  await tmp?.remove();
});

let address = 0;
// Each attempt from an address of its own: the per-address limit (per process) plays no part here.
function login(app: FastifyInstance, username: string, password: string) {
  address++;
  return app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username, password },
    remoteAddress: `10.60.${Math.floor(address / 250)}.${(address % 250) + 1}`,
  });
}

const attemptsOf = async (username: string) =>
  (await db.query<{ attempts: number }>('SELECT attempts FROM login_attempts WHERE username = $1', [username])).rows[0]?.attempts ?? null;

describe('failed sign-ins per username, shared by every process', () => {
  it('counts failures through app A and app B together: the 11th attempt, through B, is refused with 429 even with the right password', async () => {
    for (let i = 0; i < LOGIN_FAILURES_PER_USER; i++) {
      const response = await login(i % 2 === 0 ? appA : appB, 'shared.one', `guess-${i}`);
      expect(response.statusCode).toBe(401);
    }
    expect(await attemptsOf('shared.one')).toBe(LOGIN_FAILURES_PER_USER);
    const refused = await login(appB, 'shared.one', PASSWORD);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toMatch(/problem\+json/);
    expect(refused.json()).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
    expect(refused.json().detail).toMatch(/Too many failed sign-ins for this user/);
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(14 * 60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    // Through A as well, and the refusal did not move the window.
    expect((await login(appA, 'shared.one', PASSWORD)).statusCode).toBe(429);
    expect(Number((await login(appA, 'shared.one', PASSWORD)).headers['retry-after'])).toBeLessThanOrEqual(retryAfter);
    expect(await attemptsOf('shared.one')).toBe(LOGIN_FAILURES_PER_USER + 1);
  });

  it('counts attempts sent at once to both apps without letting more than the limit through to the password check', async () => {
    const responses = await Promise.all(
      Array.from({ length: LOGIN_FAILURES_PER_USER + 6 }, (_, i) => login(i % 2 === 0 ? appA : appB, 'shared.four', `guess-${i}`)),
    );
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 401)).toHaveLength(LOGIN_FAILURES_PER_USER);
    expect(statuses.filter((s) => s === 429)).toHaveLength(6);
  });

  it('folds the username as sign-in does: " Shared.Two " and "shared.two" are one count', async () => {
    expect((await login(appA, ' Shared.Two ', 'wrong-1')).statusCode).toBe(401);
    expect((await login(appB, 'SHARED.TWO', 'wrong-2')).statusCode).toBe(401);
    expect(await attemptsOf('shared.two')).toBe(2);
  });

  it('is cleared by a successful sign-in through the other app', async () => {
    expect(await attemptsOf('shared.two')).toBe(2);
    const ok = await login(appB, 'shared.two', PASSWORD);
    expect(ok.statusCode).toBe(200);
    expect(await attemptsOf('shared.two')).toBeNull();
    expect((await login(appA, 'shared.two', 'wrong-3')).statusCode).toBe(401);
    expect(await attemptsOf('shared.two')).toBe(1);
  });

  it('lets the user in again once the window has passed, and counts from 1 after it', async () => {
    for (let i = 0; i < LOGIN_FAILURES_PER_USER; i++) await login(appA, 'shared.three', `guess-${i}`);
    expect((await login(appB, 'shared.three', PASSWORD)).statusCode).toBe(429);
    // The quarter hour passes (moved in SQL rather than waited for).
    await db.query("UPDATE login_attempts SET window_until = now() - interval '1 second' WHERE username = 'shared.three'");
    expect((await login(appA, 'shared.three', 'one-more-guess')).statusCode).toBe(401);
    expect(await attemptsOf('shared.three')).toBe(1);
    expect((await login(appB, 'shared.three', PASSWORD)).statusCode).toBe(200);
    expect(await attemptsOf('shared.three')).toBeNull();
  });

  it('deletes expired rows of other names as it counts, so a spray of usernames cannot grow the table for ever', async () => {
    await db.query(
      `INSERT INTO login_attempts (username, attempts, window_until)
       SELECT 'sprayed-' || i, 3, now() - interval '1 minute' FROM generate_series(1, 50) i`,
    );
    const expired = async () =>
      (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM login_attempts WHERE username LIKE 'sprayed-%'")).rows[0]!.n;
    expect(await expired()).toBe(50);
    expect((await login(appA, 'nobody.sprayer', 'x')).statusCode).toBe(401);
    expect(await expired()).toBe(30);
    expect((await login(appB, 'nobody.sprayer', 'x')).statusCode).toBe(401);
    expect((await login(appB, 'nobody.sprayer', 'x')).statusCode).toBe(401);
    expect(await expired()).toBe(0);
    expect(await attemptsOf('nobody.sprayer')).toBe(3);
  });

  it('answers hostile usernames with 401 or 400, never 5xx, and stores none of them', async () => {
    const hostile = [
      "admin'--",
      "x'; DROP TABLE login_attempts; --",
      'a%_\\',
      'Nguyễn Văn Ánh',
      '🌾🌾🌾',
      '\u0000abc',
      'abc\u0000',
      '\u202eedcba',
      '   ',
      'a'.repeat(64),
      '$1',
    ];
    for (const username of hostile) {
      for (const app of [appA, appB]) {
        const response = await login(app, username, 'whatever');
        expect(response.statusCode, JSON.stringify(username)).toBe(401);
        expect(response.headers['content-type']).toMatch(/problem\+json/);
      }
    }
    for (const username of ['a'.repeat(65), 'a'.repeat(5000)]) {
      expect((await login(appA, username, 'whatever')).statusCode).toBe(400);
    }
    const { rows } = await db.query<{ username: string }>("SELECT username FROM login_attempts WHERE username !~ '^[a-z0-9._-]{3,64}$'");
    expect(rows).toEqual([]);
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users')).rows[0]!.n).toBeGreaterThan(0);
  });
});

/** A VN-2000 shapefile of n parcels in the fixture's commune, sheet numbers from sheet on. */
async function parcelsZip(name: string, n: number, sheet: number, origin: [number, number]): Promise<string> {
  const features = parcelGrid(n, origin).map((p, i) => ({
    geometry: project(p.geometry, 'EPSG:5897'),
    values: ['29890', sheet + Math.floor(i / 1000), (i % 1000) + 1, 'LUC', 500, 'x'],
  }));
  return shapefileZip(tmp.dir, name, 'polygon', PARCEL_COLUMNS, features, { crs: 'EPSG:5897' });
}

function upload(app: FastifyInstance, file: string, query: string, token: string) {
  return importUpload(app, { name: file.split('/').pop()!, body: fs.readFileSync(file) }, query, token);
}

const getJob = (app: FastifyInstance, url: string, token: string | null = actors.officer) =>
  app.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > end) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('background import jobs, answered by every process', () => {
  let url = '';

  it('an import started through app A shows its final report through app B, the same document as A gives', async () => {
    const zip = await parcelsZip('shared_async', 400, 300, [105.6, 10.46]);
    const res = await upload(appA, zip, 'collection=parcels&dryRun=false&async=true', actors.officer);
    expect(res.statusCode).toBe(202);
    url = res.json().url;
    expect(url).toMatch(/^\/api\/import\/jobs\/[0-9a-f-]{36}$/);
    const seen: ImportJob[] = [];
    const job = await until(
      async () => {
        const response = await getJob(appB, url);
        expect(response.statusCode).toBe(200);
        seen.push(response.json());
        return response.json() as ImportJob;
      },
      (j) => j.status !== 'running',
    );
    for (const j of seen.filter((s) => s.status === 'running')) expect(j.progress.read).toBeLessThanOrEqual(400);
    expect(job).toMatchObject({ status: 'done', userId: actors.officerId, error: null });
    expect(job.progress).toEqual({ phase: 'done', read: 400, total: 400 });
    expect(job.report!.counts.inserted).toBe(400);
    expect(Date.parse(job.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(job.createdAt));
    expect((await getJob(appA, url)).json()).toEqual(job);
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM parcels WHERE sheet BETWEEN 300 AND 301');
    expect(rows[0]!.n).toBe(400);
  });

  it("keeps another user's job hidden (404), shows it to an administrator, and asks anonymous callers to sign in", async () => {
    expect((await getJob(appB, url, actors.planner)).statusCode).toBe(404);
    expect((await getJob(appB, url, actors.farmer)).statusCode).toBe(404);
    expect((await getJob(appB, url, actors.admin)).statusCode).toBe(200);
    expect((await getJob(appB, url, null)).statusCode).toBe(401);
  });

  it('reads a job left running by a process whose heartbeat stopped as failed with IMPORT_INTERRUPTED, from either app', async () => {
    const id = url.split('/').pop()!;
    await db.query(
      `UPDATE import_jobs SET status = 'running', finished_at = NULL, report = NULL,
              progress = '{"phase":"writing","read":120,"total":400}', heartbeat_at = now() - interval '10 seconds' WHERE id = $1`,
      [id],
    );
    // Ten seconds without a heartbeat is a busy process, not a dead one.
    expect((await getJob(appB, url)).json()).toMatchObject({ status: 'running', error: null, progress: { read: 120 } });
    await db.query("UPDATE import_jobs SET heartbeat_at = now() - interval '31 seconds' WHERE id = $1", [id]);
    for (const app of [appA, appB]) {
      const response = await getJob(app, url);
      expect(response.statusCode).toBe(200);
      const job = response.json() as ImportJob;
      expect(job.status).toBe('failed');
      expect(job.error!.code).toBe('IMPORT_INTERRUPTED');
      expect(job.error!.message).toMatch(/nothing was written/);
      expect(job.error!.message).toMatch(/không có dữ liệu nào được ghi/);
      expect(job.progress).toEqual({ phase: 'writing', read: 120, total: 400 });
    }
  });

  it('answers unknown and malformed job ids with a 404 or 400 problem, never 5xx', async () => {
    const ids = [
      '00000000-0000-0000-0000-000000000000',
      randomUUID(),
      randomUUID().toUpperCase(),
      'abc',
      "1' OR '1'='1",
      '%00',
      '%F0%9F%8C%BE',
      'Nguy%E1%BB%85n',
      '12345678-1234-1234-1234-1234567890ag',
      'x'.repeat(64),
    ];
    for (const id of ids) {
      const response = await getJob(appB, `/api/import/jobs/${id}`);
      expect(response.statusCode, id).toBe(404);
      expect(response.headers['content-type']).toMatch(/problem\+json/);
    }
    const long = await getJob(appA, `/api/import/jobs/${'x'.repeat(65)}`);
    expect(long.statusCode).toBe(400);
    expect(long.headers['content-type']).toMatch(/problem\+json/);
  });

  it('sweeps jobs finished more than an hour ago when a job starts', async () => {
    const id = url.split('/').pop()!;
    await db.query(
      "UPDATE import_jobs SET status = 'done', finished_at = now() - interval '61 minutes', heartbeat_at = now() - interval '61 minutes' WHERE id = $1",
      [id],
    );
    expect((await getJob(appB, url)).statusCode).toBe(200);
    const zip = await parcelsZip('shared_sweep', 3, 310, [105.61, 10.445]);
    const res = await upload(appB, zip, 'collection=parcels&dryRun=true&async=true', actors.officer);
    expect(res.statusCode).toBe(202);
    expect((await getJob(appA, url)).statusCode).toBe(404);
    const done = await until(
      async () => (await getJob(appA, res.json().url)).json() as ImportJob,
      (j) => j.status !== 'running',
    );
    expect(done).toMatchObject({ status: 'done', report: { dryRun: true, counts: { valid: 3 } } });
  });
});

describe('a job of one process, followed by another', () => {
  // Two job managers over the database stand for two processes; the work is the test's own, so
  // the test decides when progress is reported and when the job ends.
  const controlled = () => {
    let report: (p: ImportProgress) => void = () => undefined;
    let finish: (r: ImportReport) => void = () => undefined;
    let fail: (e: Error) => void = () => undefined;
    const work = (onProgress: (p: ImportProgress) => void) =>
      new Promise<ImportReport>((resolve, reject) => {
        report = onProgress;
        finish = resolve;
        fail = reject;
      });
    return { work, report: (p: ImportProgress) => report(p), finish: (r: ImportReport) => finish(r), fail: (e: Error) => fail(e) };
  };

  it('shows progress written by the running process (throttled) and then its outcome', async () => {
    // The runner's statements pass through here to be counted; they run on the real database.
    let progressWrites = 0;
    const counted: Queryable = {
      query: (sql, params) => {
        if (/^UPDATE import_jobs SET progress/.test(sql.trim())) progressWrites++;
        return db.query(sql, params);
      },
      exec: (sql) => db.exec(sql),
    };
    const runner = new ImportJobs(counted);
    const reader = new ImportJobs(dbB);
    const c = controlled();
    const started = await runner.start(actors.officerId, c.work);
    expect(await reader.get(started.id)).toMatchObject({ status: 'running', progress: { phase: 'reading', read: 0 } });
    // A thousand progress calls in a burst reach the table as one write at the next tick, not a thousand.
    for (let read = 1; read <= 1000; read++) c.report({ phase: 'reading', read, total: 1000 });
    const progressed = await until(
      () => reader.get(started.id),
      (j) => j?.progress.read === 1000,
      5_000,
    );
    expect(progressed).toMatchObject({ status: 'running', progress: { phase: 'reading', read: 1000, total: 1000 }, finishedAt: null });
    expect(progressWrites).toBe(1);
    const report = { dryRun: false, counts: { read: 1000, inserted: 1000 } } as unknown as ImportReport;
    c.finish(report);
    const done = await until(
      () => reader.get(started.id),
      (j) => j?.status !== 'running',
      5_000,
    );
    expect(done).toMatchObject({ status: 'done', report, error: null });
    expect(await runner.get(started.id)).toEqual(done);
  });

  it('shows a failure with its code, and strips NUL characters a hostile file may carry into the messages', async () => {
    const runner = new ImportJobs(db);
    const reader = new ImportJobs(dbB);
    const c = controlled();
    const started = await runner.start(actors.officerId, c.work);
    c.fail(new AppError('ABORTED', 'The import was cancelled;\u0000 nothing was written.'));
    const failed = await until(
      () => reader.get(started.id),
      (j) => j?.status !== 'running',
      5_000,
    );
    expect(failed).toMatchObject({
      status: 'failed',
      report: null,
      error: { code: 'ABORTED', message: 'The import was cancelled; nothing was written.' },
    });
  });
});
