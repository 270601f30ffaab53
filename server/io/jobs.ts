import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Queryable } from '../db/db.ts';
import type { ImportProgress, ImportReport } from './import.ts';

/** A long import running in the background, as GET /api/import/jobs/{id} shows it. */
export type ImportJob = {
  id: string;
  userId: number;
  status: 'running' | 'done' | 'failed';
  createdAt: string;
  finishedAt: string | null;
  progress: ImportProgress;
  report: ImportReport | null;
  error: { code: string; message: string } | null;
  /** When someone asked the job to stop (cancel), null if nobody did. */
  cancelRequestedAt: string | null;
};

/** The work of a job: reports progress, and stops (rolling back) once the signal is aborted. */
export type ImportWork = (onProgress: (p: ImportProgress) => void, signal: AbortSignal) => Promise<ImportReport>;

/** What a request to cancel a job found: the job asked to stop, one that had ended already, or none of the asker's. */
export type CancelResult = { kind: 'cancelling'; job: ImportJob } | { kind: 'ended'; job: ImportJob } | { kind: 'unknown' };

/** Finished jobs are kept this long (ms). */
const KEEP_MS = 60 * 60 * 1000;
/** Progress reaches the table at most this often (ms), never once per row. */
const PROGRESS_EVERY_MS = 500;
/** A running job's heartbeat is written at least this often (ms), even while its progress stands still. */
const HEARTBEAT_EVERY_MS = 5_000;
/** A 'running' job whose heartbeat is older than this (s) belongs to a process that stopped. */
const STALE_AFTER_S = 30;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a job that lost its process reads as. */
export const INTERRUPTED = {
  code: 'IMPORT_INTERRUPTED',
  message:
    'Máy chủ chạy lần nhập này đã dừng giữa chừng; không có dữ liệu nào được ghi, hãy nhập lại. / ' +
    'The server running this import stopped before it finished; nothing was written (the import is one transaction): import the file again.',
} as const;

type Row = {
  id: string;
  user_id: number;
  status: ImportJob['status'];
  created_ms: number;
  finished_ms: number | null;
  progress: ImportProgress;
  report: ImportReport | null;
  error: ImportJob['error'];
  cancel_ms: number | null;
  stale: boolean;
};

// jsonb refuses the NUL character, which a hostile file can carry into a report's messages.
const toJson = (value: unknown) => JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? v.replaceAll('\0', '') : v));
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * Background import jobs, stored in the database so that any server process behind a load balancer
 * answers for a job another one runs. The running process keeps its own jobs in memory too (their
 * freshest progress) and writes them to the table throttled, with a heartbeat; a process that dies
 * leaves a 'running' row whose heartbeat stops, read as failed with IMPORT_INTERRUPTED. Finished
 * jobs are kept an hour, swept whenever a job starts. A job is cancelled through any process: its own
 * aborts the work at once, another writes the request to the row, which the running process reads
 * back with its next progress write or heartbeat.
 */
export class ImportJobs {
  /** Jobs this process runs now, by id. */
  private readonly running = new Map<string, ImportJob>();
  /** The abort controllers of those jobs' work, by id. */
  private readonly controllers = new Map<string, AbortController>();
  /** Each of those jobs' cancel token (cancelToken), by id. */
  private readonly cancelTokens = new Map<string, string>();

  constructor(
    private readonly db: Queryable,
    private readonly log: (error: unknown, message: string) => void = () => undefined,
  ) {}

  /** Records a job, then runs work in the background, writing its progress and outcome. */
  async start(userId: number, work: ImportWork): Promise<ImportJob> {
    await this.db.query(
      `DELETE FROM import_jobs WHERE id IN (
         SELECT id FROM import_jobs WHERE coalesce(finished_at, heartbeat_at) < now() - $1 * interval '1 millisecond'
         LIMIT 100 FOR UPDATE SKIP LOCKED)`,
      [KEEP_MS],
    );
    const job: ImportJob = {
      id: randomUUID(),
      userId,
      status: 'running',
      createdAt: new Date().toISOString(),
      finishedAt: null,
      progress: { phase: 'reading', read: 0, total: null },
      report: null,
      error: null,
      cancelRequestedAt: null,
    };
    await this.db.query(
      `INSERT INTO import_jobs (id, user_id, status, progress, created_at) VALUES ($1, $2, 'running', $3::jsonb, $4::timestamptz)`,
      [job.id, userId, toJson(job.progress), job.createdAt],
    );
    this.running.set(job.id, job);
    const controller = new AbortController();
    this.controllers.set(job.id, controller);
    this.cancelTokens.set(job.id, randomBytes(24).toString('base64url'));
    void this.run(job, work, controller);
    return job;
  }

  /** The job with this id as any process sees it, if it is still kept; undefined for ids that are no uuid. */
  async get(id: string): Promise<ImportJob | undefined> {
    const mine = this.running.get(id);
    if (mine) return { ...mine };
    if (!UUID.test(id)) return undefined;
    const { rows } = await this.db.query<Row>(
      `SELECT id::text, user_id, status, progress, report, error,
              extract(epoch FROM created_at) * 1000 AS created_ms,
              extract(epoch FROM finished_at) * 1000 AS finished_ms,
              extract(epoch FROM cancel_requested_at) * 1000 AS cancel_ms,
              status = 'running' AND heartbeat_at < now() - $2 * interval '1 second' AS stale
         FROM import_jobs WHERE id = $1::uuid`,
      [id, STALE_AFTER_S],
    );
    const row = rows[0];
    if (!row) return undefined;
    // Checked again: the job may have finished here between the map lookup and the query.
    const now = this.running.get(id);
    if (now) return { ...now };
    const job: ImportJob = {
      id: row.id,
      userId: Number(row.user_id),
      status: row.status,
      createdAt: iso(Number(row.created_ms)) ?? '',
      finishedAt: iso(row.finished_ms === null ? null : Number(row.finished_ms)),
      progress: row.progress,
      report: row.report,
      error: row.error,
      cancelRequestedAt: iso(row.cancel_ms === null ? null : Number(row.cancel_ms)),
    };
    if (row.stale) return { ...job, status: 'failed', error: { ...INTERRUPTED } };
    return job;
  }

  /**
   * The secret that cancels a job this process runs without a session (cancelByToken), given only to
   * whoever started it, in the answer that started it; undefined once the job ended.
   */
  cancelToken(id: string): string | undefined {
    // Ended (its outcome perhaps still being written): as unknown as once it is gone, like cancelByToken.
    return this.running.get(id)?.status === 'running' ? this.cancelTokens.get(id) : undefined;
  }

  /**
   * Asks a job this process runs to stop, on its cancel token alone: no database query, so it works
   * while the embedded database is held by that very import's transaction (where even reading the
   * asker's session waits for the import to end). Undefined when no job runs here with that token.
   */
  cancelByToken(id: string, token: string): ImportJob | undefined {
    const known = this.cancelTokens.get(id);
    const job = this.running.get(id);
    // A job that has ended (its outcome being written) is no longer cancellable: as unknown as once it is gone.
    if (!known || !job || job.status !== 'running') return undefined;
    if (known.length !== token.length || !timingSafeEqual(Buffer.from(known), Buffer.from(token))) return undefined;
    job.cancelRequestedAt ??= new Date().toISOString();
    this.controllers.get(id)?.abort();
    return { ...job };
  }

  /**
   * Asks the job to stop, when `may` lets the asker see it (its owner, an administrator). Its import
   * rolls back at its next statement (ImportOptions.signal) and the job ends failed with ABORTED, unless
   * it committed first. 'ended' for a job that had ended already (done, failed, or interrupted).
   */
  async cancel(id: string, may: (job: ImportJob) => boolean): Promise<CancelResult> {
    const job = await this.get(id);
    if (!job || !may(job)) return { kind: 'unknown' };
    if (job.status !== 'running') return { kind: 'ended', job };
    const at = new Date().toISOString();
    const mine = this.running.get(id);
    if (mine) {
      // This process runs it: stopped at once; the next progress write records the request (on the
      // embedded database a write now would wait for the import's transaction, which the abort ends).
      mine.cancelRequestedAt ??= at;
      this.controllers.get(id)?.abort();
      return { kind: 'cancelling', job: { ...mine } };
    }
    const { rows } = await this.db.query<{ cancel_ms: number }>(
      `UPDATE import_jobs SET cancel_requested_at = coalesce(cancel_requested_at, $2::timestamptz)
        WHERE id = $1::uuid AND status = 'running'
        RETURNING extract(epoch FROM cancel_requested_at) * 1000 AS cancel_ms`,
      [id, at],
    );
    const row = rows[0];
    if (row) return { kind: 'cancelling', job: { ...job, cancelRequestedAt: iso(Number(row.cancel_ms)) } };
    // It ended between the read and the write.
    const now = await this.get(id);
    return now ? { kind: 'ended', job: now } : { kind: 'unknown' };
  }

  private async run(job: ImportJob, work: ImportWork, controller: AbortController): Promise<void> {
    let dirty = false;
    let lastWrite = Date.now();
    let writing: Promise<void> = Promise.resolve();
    let busy = false;
    // One write at a time: on the embedded database a write waits behind the import's transaction,
    // and a queue of stale progress behind it would be of no use.
    const tick = () => {
      if (busy || (!dirty && Date.now() - lastWrite < HEARTBEAT_EVERY_MS)) return;
      busy = true;
      dirty = false;
      lastWrite = Date.now();
      // The same write records a cancel asked here and reads back one asked through another process.
      writing = this.db
        .query<{ cancelled: boolean }>(
          `UPDATE import_jobs SET progress = $2::jsonb, heartbeat_at = now(), cancel_requested_at = coalesce(cancel_requested_at, $3::timestamptz)
            WHERE id = $1 AND status = 'running' RETURNING cancel_requested_at IS NOT NULL AS cancelled`,
          [job.id, toJson(job.progress), job.cancelRequestedAt],
        )
        .then(
          ({ rows }) => {
            if (!rows[0]?.cancelled || controller.signal.aborted) return;
            job.cancelRequestedAt ??= new Date().toISOString();
            controller.abort();
          },
          (error: unknown) => this.log(error, 'import job progress not written'),
        )
        .finally(() => {
          busy = false;
        });
    };
    const timer = setInterval(tick, PROGRESS_EVERY_MS);
    timer.unref();
    try {
      job.report = await work((p) => {
        job.progress = p;
        dirty = true;
      }, controller.signal);
      job.status = 'done';
    } catch (caught) {
      const error = caught as Error & { code?: unknown };
      job.status = 'failed';
      job.error = { code: typeof error.code === 'string' ? error.code : 'IMPORT_FAILED', message: String(error.message) };
    } finally {
      clearInterval(timer);
    }
    job.finishedAt = new Date().toISOString();
    await writing;
    await this.finish(job);
    this.running.delete(job.id);
    this.controllers.delete(job.id);
    this.cancelTokens.delete(job.id);
  }

  // The outcome must reach the table, or other processes would call a finished import interrupted.
  private async finish(job: ImportJob): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.db.query(
          `UPDATE import_jobs SET status = $2, progress = $3::jsonb, report = $4::jsonb, error = $5::jsonb,
                  finished_at = $6::timestamptz, heartbeat_at = now(), cancel_requested_at = coalesce(cancel_requested_at, $7::timestamptz)
            WHERE id = $1`,
          [
            job.id,
            job.status,
            toJson(job.progress),
            job.report ? toJson(job.report) : null,
            job.error ? toJson(job.error) : null,
            job.finishedAt,
            job.cancelRequestedAt,
          ],
        );
        return;
      } catch (error) {
        if (attempt >= 3) return this.log(error, 'import job outcome not written');
        await new Promise((resolve) => setTimeout(resolve, 1000 * attempt).unref());
      }
    }
  }
}
