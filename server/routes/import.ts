import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { ANONYMOUS, type Viewer } from '../contracts/viewer.ts';
import type { TextEncoding } from '../io/encoding.ts';
import { checkKeyOption, runImport, type ImportOptions, type ImportReport } from '../io/import.ts';
import { ImportJobs, type ImportJob } from '../io/jobs.ts';
import { TARGETS, type Target } from '../io/targets.ts';
import type { ImportLimits } from '../contracts/import-limits.ts';
import { AppError } from '../plugins/errors.ts';
import { refuseWrites, sendCachedJson } from './cached-json.ts';

const BOOL = { type: 'string', enum: ['true', 'false', '1', '0'] } as const;

const querySchema = {
  type: 'object',
  required: ['collection'],
  additionalProperties: false,
  properties: {
    collection: { type: 'string', enum: Object.keys(TARGETS) },
    dryRun: BOOL,
    async: BOOL,
    repair: BOOL,
    strict: BOOL,
    relocate: BOOL,
    crs: { type: 'string', maxLength: 20 },
    encoding: { type: 'string', enum: ['utf-8', 'tcvn3', 'vni', 'windows-1258', 'latin1'] },
    axis: { type: 'string', enum: ['ne', 'en'] },
    datumShift: BOOL,
    commune: { type: 'string', pattern: '^[0-9]{5}$' },
    communeDate: { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' },
    map: { type: 'string', pattern: '^[0-9]{1,9}$' },
    plan: { type: 'string', pattern: '^[0-9]{1,9}$' },
    mapping: { type: 'string', maxLength: 4000 },
    // The file's column keying the rows (mapping's source_key by another name); checked against the file.
    key: { type: 'string', minLength: 1, maxLength: 200 },
  },
} as const;

type Query = {
  collection: Target['collection'];
  dryRun?: string;
  async?: string;
  repair?: string;
  strict?: string;
  relocate?: string;
  crs?: string;
  encoding?: TextEncoding;
  axis?: 'ne' | 'en';
  datumShift?: string;
  commune?: string;
  communeDate?: string;
  map?: string;
  plan?: string;
  mapping?: string;
  key?: string;
};

const yes = (v: string | undefined, fallback: boolean) => (v === undefined ? fallback : v === 'true' || v === '1');
const viewerOf = (request: FastifyRequest): Viewer => (request as { viewer?: Viewer }).viewer ?? ANONYMOUS;

function parseMapping(text: string | undefined): Record<string, string> | undefined {
  if (text === undefined || text === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AppError('BAD_REQUEST', 'mapping must be JSON such as {"sheet":"SoTo","parcel_no":"SoThua"}.');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || !Object.values(parsed).every((v) => typeof v === 'string')) {
    throw new AppError('BAD_REQUEST', 'mapping must be an object of column → source field name.');
  }
  return parsed as Record<string, string>;
}

/**
 * POST /api/import (multipart field `file`; dry run, commit, or a background job), GET and DELETE
 * /api/import/jobs/{id} (follow a job, cancel it) and GET /api/import/limits (the largest file taken,
 * asked by the import screen before it uploads).
 */
export async function importRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const maxBytes = ctx.config.importMaxBytes;
  await app.register(multipart, { limits: { fileSize: maxBytes, files: 1, fields: 10, fieldSize: 8000, parts: 12 } });
  const jobs = new ImportJobs(ctx.db, (error, message) => app.log.error({ err: error }, message));

  app.post<{ Querystring: Query }>('/api/import', { schema: { querystring: querySchema } }, async (request, reply) => {
    const viewer = viewerOf(request);
    if (viewer.role === 'anonymous' || viewer.userId === null) throw new AppError('UNAUTHENTICATED', 'Sign in to import data.');
    const target = TARGETS[request.query.collection];
    if (!target.roles.includes(viewer.role))
      throw new AppError('FORBIDDEN', `Importing ${target.collection} needs the role ${target.roles.join(' or ')}.`);
    // Refuse a declared oversize body before reading a byte of it.
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes + 64 * 1024) {
      throw new AppError(
        'PAYLOAD_TOO_LARGE',
        `The upload is ${Math.round(declared / 1024 ** 2)} MB; imports take at most ${Math.round(maxBytes / 1024 ** 2)} MB.`,
        { maxBytes },
      );
    }
    if (!request.isMultipart()) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the file as multipart/form-data in the field "file".');

    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'bando-upload-'));
    const remove = () => fs.promises.rm(dir, { recursive: true, force: true });
    let file: string;
    let fileName: string;
    let formMapping: string | undefined;
    try {
      const part = await request.file();
      if (!part || part.fieldname !== 'file') throw new AppError('BAD_REQUEST', 'No file: send it in the multipart field "file".');
      fileName = path.basename(part.filename || 'upload').slice(0, 200);
      const field = part.fields.mapping as { value?: unknown } | undefined;
      if (field && typeof field.value === 'string') formMapping = field.value;
      file = path.join(dir, 'upload');
      // Streamed to disk; the multipart limit stops it at maxBytes without ever holding it in memory.
      await pipeline(part.file, fs.createWriteStream(file));
      if (part.file.truncated) throw tooLarge(maxBytes);
    } catch (error) {
      await remove();
      if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge(maxBytes);
      if ((error as { code?: string }).code === 'FST_INVALID_MULTIPART_CONTENT_TYPE')
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the file as multipart/form-data.');
      // The sender went away mid-upload (a phone losing its signal, a browser giving up on an
      // oversize file): nobody reads the answer, but it is the client's doing, not a server fault.
      if (request.raw.destroyed || (error as { code?: string }).code === 'ECONNRESET' || (error as Error).message === 'aborted')
        throw new AppError('BAD_REQUEST', 'The upload ended before the whole file arrived; send it again.');
      throw error;
    }

    const q = request.query;
    const defaults: Record<string, string | number> = {};
    if (q.commune) defaults.commune_code = q.commune;
    if (q.communeDate) defaults.commune_ref_date = q.communeDate;
    if (q.map) defaults.map_id = Number(q.map);
    if (q.plan) defaults.plan_id = Number(q.plan);
    let options: ImportOptions;
    try {
      const mapping = parseMapping(q.mapping ?? formMapping);
      options = {
        collection: q.collection,
        dryRun: yes(q.dryRun, true),
        repair: yes(q.repair, false),
        strict: yes(q.strict, false),
        relocate: yes(q.relocate, false),
        ...(mapping ? { mapping } : {}),
        ...(q.key !== undefined ? { key: q.key } : {}),
        defaults,
        read: {
          ...(q.crs ? { crs: q.crs } : {}),
          ...(q.encoding ? { encoding: q.encoding } : {}),
          ...(q.axis ? { axis: q.axis } : {}),
          ...(q.datumShift !== undefined ? { datumShift: yes(q.datumShift, true) } : {}),
        },
        viewer,
        fileName,
      };
    } catch (error) {
      await remove();
      throw error;
    }

    if (yes(q.async, false)) {
      let job: ImportJob;
      try {
        // What the file's header can refuse is refused by the request, before a job exists.
        await checkKeyOption(file, options);
        job = await jobs.start(viewer.userId, (onProgress, signal) =>
          runImport(ctx.db, file, { ...options, onProgress, signal }).finally(remove),
        );
      } catch (error) {
        await remove();
        throw error;
      }
      const url = `/api/import/jobs/${job.id}`;
      // cancelToken: DELETE url with it in X-Import-Cancel-Token cancels the job with no session (see below).
      return reply
        .status(202)
        .header('Location', url)
        .send({ job: job.id, url, status: job.status, cancelToken: jobs.cancelToken(job.id) ?? null });
    }
    let report: ImportReport;
    try {
      report = await runImport(ctx.db, file, options);
    } finally {
      await remove();
    }
    if (!report.dryRun && report.counts.valid === 0 && report.counts.refused > 0) {
      throw new AppError('VALIDATION_FAILED', `No feature of ${fileName} could be imported; see the problems.`, { report });
    }
    return report;
  });

  app.get(
    '/api/import/limits',
    {
      // Fastify strips unknown parameters silently; this endpoint takes none, so any is a mistake worth saying.
      preValidation: async (request) => {
        const unknown = Object.keys((request.query ?? {}) as Record<string, unknown>);
        if (unknown.length)
          throw new AppError(
            'BAD_REQUEST',
            `Unknown query parameter ${JSON.stringify(unknown[0]!.slice(0, 40))}; /api/import/limits takes none.`,
          );
      },
    },
    async (request, reply) => {
      if (viewerOf(request).userId === null) throw new AppError('UNAUTHENTICATED', 'Sign in to see the import limits.');
      const limits: ImportLimits = { maxBytes };
      // Revalidated every time (a 304 by its ETag): a restart with another IMPORT_MAX_MB is seen at once.
      return sendCachedJson(request, reply, JSON.stringify(limits), 'private, no-cache');
    },
  );
  refuseWrites(app, '/api/import/limits', 'The import limits are read-only; IMPORT_MAX_MB on the server sets them.');

  app.get<{ Params: { id: string } }>(
    '/api/import/jobs/:id',
    { schema: { params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] } } },
    async (request) => {
      const viewer = viewerOf(request);
      if (viewer.userId === null) throw new AppError('UNAUTHENTICATED', 'Sign in to follow an import.');
      // Answered from the database, so any server process knows a job another one runs.
      const job = await jobs.get(request.params.id);
      if (!job || (job.userId !== viewer.userId && viewer.role !== 'admin'))
        throw new AppError('NOT_FOUND', 'No such import job (jobs are kept for an hour).');
      return job;
    },
  );

  // Cancels a running job: its import rolls back and it ends 'failed' with error code ABORTED, which
  // clients that know no cancel already read as a cancelled import (the CLI's). 202 with the job as
  // GET shows it (cancelRequestedAt set): the job ends at its import's next statement, so the client
  // follows it to its end as before; it may still end 'done' if it committed first. Two ways in: as
  // the user who started it (or an admin), or with the job's cancel token from the 202 that started
  // it, sent without credentials. The token is what the web uses: on the embedded database the import's
  // transaction holds the one connection, so reading a session (every signed-in request) waits until
  // the import has ended, and only a request that needs no query can stop it in time.
  app.delete<{ Params: { id: string } }>(
    '/api/import/jobs/:id',
    { schema: { params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] } } },
    async (request, reply) => {
      const viewer = viewerOf(request);
      const { id } = request.params;
      const token = request.headers[CANCEL_TOKEN_HEADER];
      if (token !== undefined) {
        if (typeof token !== 'string' || !CANCEL_TOKEN.test(token))
          throw new AppError('BAD_REQUEST', `${CANCEL_TOKEN_HEADER} must be the cancelToken the import's 202 answer gave.`);
        const stopped = JOB_ID.test(id) ? jobs.cancelByToken(id, token) : undefined;
        if (stopped) return reply.status(202).header('Location', `/api/import/jobs/${id}`).send(stopped);
        // Not a job running here with that token (another process runs it, it ended, or the token is
        // wrong): signed in, the request goes on as any other; without credentials nothing is said
        // about the job, whose id alone must not tell a stranger whether it exists or how it ended.
        if (viewer.userId === null)
          throw new AppError('NOT_FOUND', 'No import job running here with this id and cancel token; sign in to cancel it.');
      }
      if (viewer.userId === null) throw new AppError('UNAUTHENTICATED', 'Sign in to cancel an import.');
      if (!JOB_ID.test(id)) throw new AppError('BAD_REQUEST', `${JSON.stringify(id.slice(0, 40))} is not an import job id (a UUID).`);
      // Someone else's job is not found, as GET answers it: its id says nothing to whoever did not start it.
      const result = await jobs.cancel(id, (job) => job.userId === viewer.userId || viewer.role === 'admin');
      if (result.kind === 'unknown') throw new AppError('NOT_FOUND', 'No such import job of yours (jobs are kept for an hour).');
      if (result.kind === 'ended') throw ended(result.job);
      return reply.status(202).header('Location', `/api/import/jobs/${id}`).send(result.job);
    },
  );
}

const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The header carrying a job's cancel token (ImportJobs.cancelToken): 24 random bytes, base64url. */
const CANCEL_TOKEN_HEADER = 'x-import-cancel-token';
const CANCEL_TOKEN = /^[A-Za-z0-9_-]{32}$/;

/** The refusal of a cancel that came after the job ended, with the job as it ended. */
function ended(job: ImportJob): AppError {
  const { status, error } = job;
  return new AppError(
    'CONFLICT',
    `The import has ended already (${status}${error ? `: ${error.code}` : ''}); there is nothing to cancel.`,
    {
      job,
    },
  );
}

function tooLarge(maxBytes: number): AppError {
  return new AppError(
    'PAYLOAD_TOO_LARGE',
    `The upload is larger than ${Math.round(maxBytes / 1024 ** 2)} MB, the import limit; split the file or ask an administrator to raise IMPORT_MAX_MB.`,
    { maxBytes },
  );
}
