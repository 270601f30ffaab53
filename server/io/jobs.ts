import { randomUUID } from 'node:crypto';
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
};

const KEEP_MS = 60 * 60 * 1000;

/**
 * Jobs of this process, kept an hour after they finish. The import itself is one transaction, so a
 * process that dies takes its job with it and leaves nothing written; the client sees 404 and retries.
 */
export class ImportJobs {
  private readonly jobs = new Map<string, ImportJob>();

  /** Registers a job and runs work in the background, recording its progress and outcome. */
  start(userId: number, work: (onProgress: (p: ImportProgress) => void) => Promise<ImportReport>): ImportJob {
    this.sweep();
    const job: ImportJob = {
      id: randomUUID(),
      userId,
      status: 'running',
      createdAt: new Date().toISOString(),
      finishedAt: null,
      progress: { phase: 'reading', read: 0, total: null },
      report: null,
      error: null,
    };
    this.jobs.set(job.id, job);
    work((p) => {
      job.progress = p;
    }).then(
      (report) => {
        job.status = 'done';
        job.report = report;
        job.finishedAt = new Date().toISOString();
      },
      (error: Error & { code?: string }) => {
        job.status = 'failed';
        job.error = { code: typeof error.code === 'string' ? error.code : 'IMPORT_FAILED', message: error.message };
        job.finishedAt = new Date().toISOString();
      },
    );
    return job;
  }

  /** The job with this id, if it is still kept. */
  get(id: string): ImportJob | undefined {
    return this.jobs.get(id);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, job] of this.jobs) if (job.finishedAt && now - Date.parse(job.finishedAt) > KEEP_MS) this.jobs.delete(id);
  }
}
