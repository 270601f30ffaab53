// An officer cancels a running background import: DELETE /api/import/jobs/{id} answers 202, the
// import's single transaction rolls back, nothing is written, and the job ends 'failed' with error
// code ABORTED (as a cancelled import always read). Cancelling an ended job, someone else's, an
// unknown or malformed id, or signed out, is a clear 4xx. A cancel reaching another server process
// stops the job through the database row.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import type { Db, Queryable } from '../../server/db/index.ts';
import { ANONYMOUS } from '../../server/contracts/viewer.ts';
import { runImport, type ImportReport } from '../../server/io/import.ts';
import { ImportJobs, type ImportJob } from '../../server/io/jobs.ts';
import { openPgDb } from '../../server/db/pg.adapter.ts';
import { importUpload } from '../helpers/import-upload.ts';
import { openMigratedTestDb } from '../helpers/test-db.ts';
import { parcelGrid, prepareIoDb, tempDir, type Actors } from '../fixtures/io/builders.ts';
import fs from 'node:fs/promises';
import path from 'node:path';

let db: Db;
let app: FastifyInstance;
let actors: Actors;
let tmp: { dir: string; remove(): Promise<void> };

/**
 * Holds the next transaction the app opens (an import's) until released, so a test can act while that
 * job surely runs and has written nothing: a job of a few thousand parcels otherwise may finish, on
 * a fast machine or behind another job's transaction on the embedded database, before its cancel.
 */
let nextTransaction: { taken: () => void; release: Promise<void> } | undefined;
function holdNextTransaction(): { taken: Promise<void>; release: () => void } {
  let taken!: () => void;
  let release!: () => void;
  const isTaken = new Promise<void>((resolve) => (taken = resolve));
  nextTransaction = { taken, release: new Promise<void>((resolve) => (release = resolve)) };
  return { taken: isTaken, release };
}

beforeAll(async () => {
  db = await openMigratedTestDb();
  actors = await prepareIoDb(db);
  const held: Db = Object.create(db, {
    transaction: {
      value: async <T>(fn: (tx: Queryable) => Promise<T>) => {
        const hold = nextTransaction;
        nextTransaction = undefined;
        if (hold) {
          hold.taken();
          await hold.release;
        }
        return db.transaction(fn);
      },
    },
  }) as Db;
  app = await buildApp({ config: loadConfig({ LOG_LEVEL: 'silent', SEED: 'false' }), db: held, ready: { value: true } }, { logger: false });
  tmp = await tempDir();
});

afterAll(async () => {
  await app?.close();
  await db?.close();
  await tmp?.remove();
});

/** A GeoJSON file of n parcels of sheet `sheet` of commune 29890 (25 m squares on a grid). */
function parcelsFile(n: number, sheet: number, origin: [number, number] = [105.601, 10.441]): Buffer {
  const features = parcelGrid(n, origin).map((p, i) => ({
    type: 'Feature',
    properties: { MaXa: '29890', SoTo: sheet, SoThua: i + 1, LoaiDat: p.code, DienTich: p.area },
    geometry: p.geometry,
  }));
  return Buffer.from(JSON.stringify({ type: 'FeatureCollection', features }));
}

const upload = (body: Buffer, query: string, token: string) =>
  importUpload(app, { name: 'thua.geojson', type: 'application/geo+json', body }, query, token);

const cancel = (url: string, token: string | null) =>
  app.inject({ method: 'DELETE', url, headers: token ? { authorization: `Bearer ${token}` } : {} });

async function jobOf(url: string, token = actors.officer): Promise<ImportJob> {
  const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  expect(res.statusCode).toBe(200);
  return res.json() as ImportJob;
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > end) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const parcelsOfSheet = async (sheet: number) =>
  (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM parcels WHERE commune_code = '29890' AND sheet = $1`, [sheet])).rows[0]!.n;
const importLog = async () => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM edit_log WHERE origin = 'import'`)).rows[0]!.n;

describe('cancelling a running import', () => {
  it('the officer who started it cancels it: 202, the job ends failed with ABORTED, and not one parcel is written', async () => {
    const logBefore = await importLog();
    const started = await upload(parcelsFile(4000, 301), 'collection=parcels&dryRun=false&async=true', actors.officer);
    expect(started.statusCode).toBe(202);
    const { url } = started.json() as { url: string };
    const res = await cancel(url, actors.officer);
    expect(res.statusCode).toBe(202);
    expect(res.headers.location).toBe(url);
    const asked = res.json() as ImportJob;
    expect(asked).toMatchObject({ status: 'running', error: null });
    expect(Date.parse(asked.cancelRequestedAt!)).toBeGreaterThan(Date.now() - 60_000);
    const ended = await until(
      () => jobOf(url),
      (j) => j.status !== 'running',
    );
    expect(ended).toMatchObject({
      status: 'failed',
      report: null,
      error: { code: 'ABORTED', message: 'The import was cancelled; nothing was written.' },
      cancelRequestedAt: asked.cancelRequestedAt,
    });
    expect(await parcelsOfSheet(301)).toBe(0);
    expect(await importLog()).toBe(logBefore);
    // Cancelling it again: it has ended, and the answer says how.
    const again = await cancel(url, actors.officer);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'CONFLICT', job: { status: 'failed', error: { code: 'ABORTED' } } });
    expect(again.json().detail).toMatch(/ended already \(failed: ABORTED\); there is nothing to cancel/);
  });

  it('an administrator may cancel an officer’s import', async () => {
    const started = await upload(parcelsFile(3000, 302), 'collection=parcels&dryRun=false&async=true', actors.officer);
    const { url } = started.json() as { url: string };
    expect((await cancel(url, actors.admin)).statusCode).toBe(202);
    const ended = await until(
      () => jobOf(url),
      (j) => j.status !== 'running',
    );
    expect(ended.error?.code).toBe('ABORTED');
    expect(await parcelsOfSheet(302)).toBe(0);
  });

  it('a cancel that comes while the rows are being written rolls the write back', async () => {
    // The database as the import sees it; the cancel comes the moment the upsert of the parcels returns.
    const controller = new AbortController();
    const cancelAfterWrite: Db = Object.create(db, {
      transaction: {
        value: <T>(fn: (tx: Queryable) => Promise<T>) =>
          db.transaction((tx) =>
            fn({
              query: async <R>(sql: string, params?: readonly unknown[]) => {
                const result = await tx.query<R>(sql, params);
                if (/INSERT INTO "parcels"/.test(sql)) controller.abort();
                return result;
              },
              exec: (sql: string) => tx.exec(sql),
            }),
          ),
      },
    }) as Db;
    const file = path.join(tmp.dir, 'write.geojson');
    await fs.writeFile(file, parcelsFile(50, 303));
    const viewer = { ...ANONYMOUS, userId: actors.officerId, role: 'officer' as const, communes: ['29869'] };
    const phases: string[] = [];
    const run = runImport(cancelAfterWrite, file, {
      collection: 'parcels',
      dryRun: false,
      viewer,
      fileName: 'write.geojson',
      signal: controller.signal,
      onProgress: (p) => phases.push(p.phase),
    });
    await expect(run).rejects.toMatchObject({ code: 'ABORTED' });
    expect(phases).toContain('writing');
    expect(controller.signal.aborted).toBe(true);
    expect(await parcelsOfSheet(303)).toBe(0);
    // The same file, not cancelled, is written: the rows were good, only the cancel kept them out.
    const report = await runImport(db, file, { collection: 'parcels', dryRun: false, viewer, fileName: 'write.geojson' });
    expect(report.counts.inserted).toBe(50);
    expect(await parcelsOfSheet(303)).toBe(50);
  });
});

describe('cancelling with the job’s cancel token (no session)', () => {
  const withToken = (url: string, token: string) => app.inject({ method: 'DELETE', url, headers: { 'x-import-cancel-token': token } });

  it('the 202 that starts a job carries a token that cancels it without credentials; another job’s token, a made-up or a malformed one does not', async () => {
    // The first job is held before its transaction until it is cancelled: it surely runs, unwritten.
    const hold = holdNextTransaction();
    const first = await upload(parcelsFile(4000, 320), 'collection=parcels&dryRun=false&async=true', actors.officer);
    await hold.taken;
    const second = await upload(parcelsFile(4000, 321, [105.62, 10.441]), 'collection=parcels&dryRun=false&async=true', actors.officer);
    const a = first.json() as { url: string; cancelToken: string };
    const b = second.json() as { url: string; cancelToken: string };
    expect(a.cancelToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(b.cancelToken).not.toBe(a.cancelToken);
    // GET never shows it, to the owner or an admin.
    expect(JSON.stringify(await jobOf(a.url))).not.toContain(a.cancelToken);
    expect(JSON.stringify(await jobOf(a.url, actors.admin))).not.toContain(a.cancelToken);
    expect((await withToken(a.url, b.cancelToken)).statusCode).toBe(404);
    expect((await withToken(a.url, 'A'.repeat(32))).statusCode).toBe(404);
    for (const bad of ['short', 'A'.repeat(33), `${'A'.repeat(31)}!`]) {
      const res = await withToken(a.url, bad);
      expect(res.statusCode, bad).toBe(400);
      expect(res.json().code).toBe('BAD_REQUEST');
    }
    expect((await withToken('/api/import/jobs/not-a-job', a.cancelToken)).statusCode).toBe(404);
    const res = await withToken(a.url, a.cancelToken);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ status: 'running' });
    hold.release();
    const ended = await until(
      () => jobOf(a.url),
      (j) => j.status !== 'running',
    );
    expect(ended).toMatchObject({ status: 'failed', error: { code: 'ABORTED' } });
    expect(await parcelsOfSheet(320)).toBe(0);
    // The token of an ended job is known no more: 404, saying nothing of the job to whoever holds its id.
    const late = await withToken(a.url, a.cancelToken);
    expect(late.statusCode).toBe(404);
    expect(JSON.stringify(late.json())).not.toMatch(/failed|ABORTED/);
    // Signed in, its owner learns how it ended (409).
    const owner = await app.inject({
      method: 'DELETE',
      url: a.url,
      headers: { 'x-import-cancel-token': a.cancelToken, authorization: `Bearer ${actors.officer}` },
    });
    expect(owner.statusCode).toBe(409);
    expect(owner.json()).toMatchObject({ code: 'CONFLICT', job: { status: 'failed', error: { code: 'ABORTED' } } });
    // The other job was left alone.
    const other = await until(
      () => jobOf(b.url),
      (j) => j.status !== 'running',
    );
    expect(other.status).toBe('done');
    expect(await parcelsOfSheet(321)).toBe(4000);
  });

  it('stops an import inside its transaction, where the embedded database serves no other query', async () => {
    const jobs = new ImportJobs(db);
    const file = path.join(tmp.dir, 'inside.geojson');
    await fs.writeFile(file, parcelsFile(4500, 322));
    const viewer = { ...ANONYMOUS, userId: actors.officerId, role: 'officer' as const, communes: ['29869'] };
    let cancelledAt: ImportJob['progress'] | undefined;
    const started = await jobs.start(actors.officerId, (onProgress, signal) =>
      runImport(db, file, {
        collection: 'parcels',
        dryRun: false,
        viewer,
        fileName: 'inside.geojson',
        signal,
        onProgress: (p) => {
          onProgress(p);
          // The first 2000 rows are staged: the transaction is open. The cancel needs no query (on
          // the embedded database one would wait for this transaction: the import would end first).
          if (p.read >= 2000 && !cancelledAt && jobs.cancelByToken(started.id, jobs.cancelToken(started.id)!)) cancelledAt = p;
        },
      }),
    );
    const ended = await until(
      () => jobs.get(started.id),
      (j) => j?.status !== 'running',
    );
    expect(cancelledAt).toMatchObject({ phase: 'reading', read: 2000 });
    expect(ended).toMatchObject({ status: 'failed', error: { code: 'ABORTED' } });
    expect(ended?.cancelRequestedAt).toBeTruthy();
    expect(jobs.cancelToken(started.id)).toBeUndefined();
    expect(await parcelsOfSheet(322)).toBe(0);
  });
});

describe('cancel requests that are refused', () => {
  let doneUrl: string;

  beforeAll(async () => {
    const started = await upload(parcelsFile(3, 310, [105.64, 10.47]), 'collection=parcels&dryRun=false&async=true', actors.officer);
    doneUrl = (started.json() as { url: string }).url;
    const done = await until(
      () => jobOf(doneUrl),
      (j) => j.status !== 'running',
    );
    expect(done.status).toBe('done');
  });

  it('an ended job is 409 with the job, and stays as it ended (its rows stay written)', async () => {
    const res = await cancel(doneUrl, actors.officer);
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 409, code: 'CONFLICT', job: { status: 'done', cancelRequestedAt: null } });
    expect(await jobOf(doneUrl)).toMatchObject({ status: 'done', error: null, cancelRequestedAt: null });
    expect(await parcelsOfSheet(310)).toBe(3);
  });

  it('someone else’s job is not found (404), as GET answers it; signed out is 401', async () => {
    const started = await upload(parcelsFile(3000, 311), 'collection=parcels&dryRun=false&async=true', actors.officer);
    const { url } = started.json() as { url: string };
    for (const token of [actors.foreignOfficer, actors.planner, actors.farmer]) {
      const res = await cancel(url, token);
      expect(res.statusCode, token).toBe(404);
      expect(res.json().code).toBe('NOT_FOUND');
    }
    expect((await cancel(url, null)).statusCode).toBe(401);
    // None of them stopped it.
    const ended = await until(
      () => jobOf(url),
      (j) => j.status !== 'running',
    );
    expect(ended).toMatchObject({ status: 'done', cancelRequestedAt: null });
    expect(await parcelsOfSheet(311)).toBe(3000);
  });

  it('an unknown id is 404; a malformed or oversized one 400; never a 5xx', async () => {
    const unknown = await cancel('/api/import/jobs/6f1c2b7e-0d9a-4b4e-9a51-2f7d0c3e8a11', actors.officer);
    expect(unknown.statusCode).toBe(404);
    for (const id of ['abc', '1', "'; DROP TABLE import_jobs; --", '%00', 'x'.repeat(64), '6f1c2b7e-0d9a-4b4e-9a51-2f7d0c3e8a1z']) {
      const res = await cancel(`/api/import/jobs/${encodeURIComponent(id)}`, actors.officer);
      expect(res.statusCode, id).toBe(400);
      expect(res.json().code, id).toBe('BAD_REQUEST');
    }
    expect((await cancel(`/api/import/jobs/${'a'.repeat(65)}`, actors.officer)).statusCode).toBe(400);
    expect((await cancel('/api/import/jobs/', actors.officer)).statusCode).toBeLessThan(500);
  });
});

describe('a cancel reaching another process', () => {
  it('is written to the job’s row, and the process running the job reads it back and stops the work', async () => {
    // Two job managers over the database stand for two processes (on PostgreSQL, each with its pool).
    const second = await secondConnection(db);
    const runner = new ImportJobs(db);
    const other = new ImportJobs(second);
    try {
      let stopped: AbortSignal | undefined;
      const started = await runner.start(
        actors.officerId,
        (onProgress, signal) =>
          new Promise<ImportReport>((_resolve, reject) => {
            stopped = signal;
            onProgress({ phase: 'validating', read: 10, total: 10 });
            signal.addEventListener('abort', () =>
              reject(Object.assign(new Error('The import was cancelled; nothing was written.'), { code: 'ABORTED' })),
            );
          }),
      );
      const asked = await other.cancel(started.id, (job) => job.userId === actors.officerId);
      expect(asked.kind).toBe('cancelling');
      // The runner learns it with its next progress write or heartbeat (at most 5 s).
      const ended = await until(
        () => other.get(started.id),
        (j) => j?.status !== 'running',
        15_000,
      );
      expect(stopped?.aborted).toBe(true);
      expect(ended).toMatchObject({ status: 'failed', error: { code: 'ABORTED' } });
      expect(ended?.cancelRequestedAt).toBe(asked.kind === 'cancelling' ? asked.job.cancelRequestedAt : 'none');
      expect((await other.cancel(started.id, () => true)).kind).toBe('ended');
      // Whoever `may` refuses learns nothing of the job.
      expect((await other.cancel(started.id, () => false)).kind).toBe('unknown');
    } finally {
      if (second !== db) await second.close();
    }
  });
});

/** The same database through a pool of its own on PostgreSQL (as a second process has); the same object on PGlite. */
async function secondConnection(first: Db): Promise<Db> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return first;
  const { rows } = await first.query<{ name: string }>('SELECT current_database() AS name');
  const u = new URL(url);
  u.pathname = `/${rows[0]!.name}`;
  return openPgDb(u.toString(), { maxPool: 2 });
}
