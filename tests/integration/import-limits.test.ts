// The import's size limit, told and enforced: GET /api/import/limits answers IMPORT_MAX_MB in bytes
// to a signed-in viewer; an upload over it is a 413 problem naming the limit, over inject and over a
// real socket, with no temporary folder left behind and nothing written; a sender that gives up
// mid-upload leaves nothing either.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import type { Db } from '../../server/db/index.ts';
import { openMigratedTestDb } from '../helpers/test-db.ts';
import { prepareIoDb, type Actors } from '../fixtures/io/builders.ts';

const MB = 1024 * 1024;
const LIMIT_MB = 1;

let db: Db;
let app: FastifyInstance;
let actors: Actors;
// The route stages uploads under os.tmpdir(), which reads TMPDIR: a folder of this file's own shows
// exactly what the server left behind, whatever other test processes do in /tmp meanwhile.
let tmpRoot: string;
const savedTmpdir = process.env.TMPDIR;

beforeAll(async () => {
  tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'bando-limits-test-'));
  process.env.TMPDIR = tmpRoot;
  db = await openMigratedTestDb();
  actors = await prepareIoDb(db);
  app = await buildApp(
    { config: loadConfig({ LOG_LEVEL: 'silent', IMPORT_MAX_MB: String(LIMIT_MB), SEED: 'false' }), db, ready: { value: true } },
    { logger: false },
  );
});

afterAll(async () => {
  await app?.close();
  await db?.close();
  if (savedTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmpdir;
  fs.rmSync(tmpRoot, { recursive: true, force: true });
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const leftovers = () => fs.readdirSync(tmpRoot);
const counts = async () =>
  (
    await db.query<{ parcels: number; jobs: number; log: number }>(
      `SELECT (SELECT count(*)::int FROM parcels) AS parcels, (SELECT count(*)::int FROM import_jobs) AS jobs,
              (SELECT count(*)::int FROM edit_log) AS log`,
    )
  ).rows[0]!;

function multipart(body: Buffer, filename: string): { payload: Buffer; boundary: string } {
  const boundary = '----bandolimits' + Math.random().toString(16).slice(2);
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    body,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, boundary };
}

/** A GeoJSON parcel of the test commune, padded with spaces to exactly `size` bytes. */
function parcelGeoJson(size: number): Buffer {
  const feature = {
    type: 'Feature',
    properties: { MaXa: '29869', SoTo: 1, SoThua: 1, LoaiDat: 'LUC' },
    geometry: {
      type: 'Polygon',
      coordinates: [
        [
          [105.61, 10.45],
          [105.6103, 10.45],
          [105.6103, 10.4503],
          [105.61, 10.4503],
          [105.61, 10.45],
        ],
      ],
    },
  };
  const text = Buffer.from(JSON.stringify({ type: 'FeatureCollection', features: [feature] }));
  return Buffer.concat([text, Buffer.alloc(size - text.length, 0x20)]);
}

describe('GET /api/import/limits', () => {
  it('tells a signed-in viewer the largest file in bytes, as JSON that is revalidated by its ETag', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/import/limits', headers: bearer(actors.officer) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual({ maxBytes: LIMIT_MB * MB });
    expect(res.headers['cache-control']).toBe('private, no-cache');
    const etag = String(res.headers.etag);
    const again = await app.inject({
      method: 'GET',
      url: '/api/import/limits',
      headers: { ...bearer(actors.officer), 'if-none-match': etag },
    });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    // Any signed-in role may ask: the farmer is refused the import itself, not the fact.
    const farmer = await app.inject({ method: 'GET', url: '/api/import/limits', headers: bearer(actors.farmer) });
    expect(farmer.json()).toEqual({ maxBytes: LIMIT_MB * MB });
  });

  it('follows the configuration: IMPORT_MAX_MB=3 answers 3 MiB, no setting the default 512 MiB', async () => {
    for (const [env, expected] of [
      [{ IMPORT_MAX_MB: '3' }, 3 * MB],
      [{}, 512 * MB],
    ] as const) {
      const other = await buildApp(
        { config: loadConfig({ LOG_LEVEL: 'silent', SEED: 'false', ...env }), db, ready: { value: true } },
        {
          logger: false,
        },
      );
      try {
        const res = await other.inject({ method: 'GET', url: '/api/import/limits', headers: bearer(actors.officer) });
        expect(res.json()).toEqual({ maxBytes: expected });
      } finally {
        await other.close();
      }
    }
  });

  it('is refused to a guest with 401 problem+json', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/import/limits' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect(res.body).not.toContain('maxBytes');
  });

  it('hostile requests: writes are 405 with Allow, query junk 400, a path below it 404, HEAD has no body; never a 5xx', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
      const res = await app.inject({ method, url: '/api/import/limits', headers: bearer(actors.officer), payload: { maxBytes: 1e12 } });
      expect(res.statusCode, method).toBe(405);
      expect(res.headers.allow).toBe('GET, HEAD');
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    for (const query of ['maxBytes=99999999999', 'x=1', 'collection=parcels', '%00=%ff', `${'a'.repeat(5000)}=1`]) {
      const res = await app.inject({ method: 'GET', url: `/api/import/limits?${query}`, headers: bearer(actors.officer) });
      expect(res.statusCode, query.slice(0, 30)).toBe(400);
      expect(res.json()).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
    }
    for (const url of ['/api/import/limits/x', '/api/import/limit', '/api/import/limits/..%2f..%2fetc']) {
      const res = await app.inject({ method: 'GET', url, headers: bearer(actors.officer) });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    const head = await app.inject({ method: 'HEAD', url: '/api/import/limits', headers: bearer(actors.officer) });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
  });
});

describe('an upload over the limit', () => {
  it('a file of exactly the limit is taken; one byte more is a 413 naming the limit, with no folder left and nothing written', async () => {
    const before = await counts();
    const fits = multipart(parcelGeoJson(LIMIT_MB * MB), 'vua.geojson');
    const ok = await app.inject({
      method: 'POST',
      url: '/api/import?collection=parcels&dryRun=true',
      payload: fits.payload,
      headers: { ...bearer(actors.officer), 'content-type': `multipart/form-data; boundary=${fits.boundary}` },
    });
    expect(ok.statusCode, ok.body.slice(0, 300)).toBe(200);
    expect(ok.json().counts.read).toBe(1);

    const over = multipart(parcelGeoJson(LIMIT_MB * MB + 1), 'qua.geojson');
    for (const query of ['collection=parcels&dryRun=true', 'collection=parcels&dryRun=false&async=true']) {
      const res = await app.inject({
        method: 'POST',
        url: `/api/import?${query}`,
        payload: over.payload,
        headers: { ...bearer(actors.officer), 'content-type': `multipart/form-data; boundary=${over.boundary}` },
      });
      expect(res.statusCode, query).toBe(413);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE', maxBytes: LIMIT_MB * MB });
      expect(res.json().detail).toMatch(/larger than 1 MB, the import limit; split the file/);
    }
    expect(leftovers()).toEqual([]);
    expect(await counts()).toEqual(before);
  });

  it('a declared length over the limit is a 413 with the limit before a byte is read; one streamed without a length is cut at the limit', async () => {
    const before = await counts();
    let sent = 0;
    const endless = new Readable({
      read() {
        if (sent >= 4 * MB) return this.push(null);
        sent += 64 * 1024;
        this.push(Buffer.alloc(64 * 1024, 0x41));
      },
    });
    const declared = await app.inject({
      method: 'POST',
      url: '/api/import?collection=parcels&dryRun=false',
      payload: endless,
      headers: { ...bearer(actors.officer), 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(3 * MB) },
    });
    expect(declared.statusCode).toBe(413);
    expect(declared.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', maxBytes: LIMIT_MB * MB });
    expect(declared.json().detail).toBe('The upload is 3 MB; imports take at most 1 MB.');

    const big = multipart(Buffer.alloc(2 * MB, 0x20), 'lon.geojson');
    const streamed = await app.inject({
      method: 'POST',
      url: '/api/import?collection=parcels&dryRun=false',
      payload: Readable.from([big.payload.subarray(0, MB), big.payload.subarray(MB)]),
      headers: {
        ...bearer(actors.officer),
        'content-type': `multipart/form-data; boundary=${big.boundary}`,
        'transfer-encoding': 'chunked',
      },
    });
    expect(streamed.statusCode).toBe(413);
    expect(streamed.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', maxBytes: LIMIT_MB * MB });
    expect(leftovers()).toEqual([]);
    expect(await counts()).toEqual(before);
  });

  describe('over a real socket', () => {
    let url: URL;
    beforeAll(async () => {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address();
      url = new URL(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
    });

    /** Sends a multipart upload in 64 KB chunks as fast as the socket takes them; the answer, or how the connection ended. */
    function send(body: Buffer, options: { stopAfter?: number } = {}): Promise<{ status: number; body: string } | { error: string }> {
      const { payload, boundary } = multipart(body, 'khao_sat.geojson');
      return new Promise((resolve) => {
        const req = http.request(
          {
            host: url.hostname,
            port: url.port,
            method: 'POST',
            path: '/api/import?collection=parcels&dryRun=true',
            headers: {
              ...bearer(actors.officer),
              'content-type': `multipart/form-data; boundary=${boundary}`,
              'content-length': String(payload.length),
            },
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => (text += chunk));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
            res.on('error', (error) => resolve({ error: error.message }));
          },
        );
        req.on('error', (error) => resolve({ error: (error as NodeJS.ErrnoException).code ?? error.message }));
        let offset = 0;
        const pump = () => {
          while (offset < payload.length) {
            if (options.stopAfter !== undefined && offset >= options.stopAfter) {
              // The sender gives up mid-upload (a phone out of signal): the socket just goes.
              req.destroy();
              resolve({ error: 'gave up' });
              return;
            }
            const chunk = payload.subarray(offset, offset + 64 * 1024);
            offset += chunk.length;
            if (!req.write(chunk)) return void req.once('drain', pump);
          }
          req.end();
        };
        pump();
      });
    }

    async function until(check: () => boolean, ms = 5000): Promise<void> {
      const deadline = Date.now() + ms;
      while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    }

    it('a body declared 3 MB gets the 413 problem, not a reset, and leaves nothing', async () => {
      const before = await counts();
      const answer = await send(Buffer.alloc(3 * MB, 0x20));
      expect(answer).toMatchObject({ status: 413 });
      expect(JSON.parse((answer as { body: string }).body)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', maxBytes: LIMIT_MB * MB });
      expect(leftovers()).toEqual([]);
      expect(await counts()).toEqual(before);
    });

    it('a sender giving up half-way through a file within the limit leaves no folder, writes nothing, and the server answers on', async () => {
      const before = await counts();
      expect(await send(parcelGeoJson(LIMIT_MB * MB - 4096), { stopAfter: MB / 2 })).toEqual({ error: 'gave up' });
      await until(() => leftovers().length === 0);
      expect(leftovers()).toEqual([]);
      expect(await counts()).toEqual(before);
      const next = await send(parcelGeoJson(64 * 1024));
      expect(next).toMatchObject({ status: 200 });
    });
  });
});
