// `npm run bench:tiles`: tile server figures beside the raw in-database cost of the same tiles.
// A benchmark, not a test: it prints figures and never fails on them. Against a real PostGIS when
// DATABASE_URL is set (seeded with the pinned sample data when empty), the embedded PGlite otherwise.
//   npm run bench:tiles -- [--parcels 100000] [--quick] [--only cold,load,pause,sizes,hits,fresh] [--zooms 14,16] [--parcels-only]
//     [--coding gzip|br|identity]
// Workloads: `parcels` at z14/z16 (the issue's cold-tile criterion) and the composite of every source
// at z10/z12/z14/z16 (what the web map asks for). Cold tiles are timed one at a time with the server
// and the raw in-database query interleaved on the same tiles, so the machine's load (other work on
// a shared box) falls on both alike and the ratio means something; then, interleaved the same way,
// the raw queries and the cache off with 1/10/50 clients over loopback HTTP, and the cache on; a
// view after a 12 s pause against the view before it (the database connections kept warm); tile
// sizes per source at z8–z18; cache hits under autocannon (gzip and brotli); freshness after 200
// edits (half by SQL, half through the write path).
import { fork, spawn } from 'node:child_process';
import http from 'node:http';
import { constants as perfConstants, PerformanceObserver } from 'node:perf_hooks';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { buildApp } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import type { Db } from '../server/db/index.ts';
import { openDb } from '../server/db/index.ts';
import { withEdits } from '../server/db/edit-context.ts';
import { migrate } from '../server/db/migrate.ts';
import { openTileService, TILE_SESSION, type TileService } from '../server/tile-service.ts';
import { tuneHeap } from '../server/heap.ts';
import type { ClientJob, ClientResult } from './bench-http-client.ts';
import { seedIfEmpty } from '../data/seed/index.ts';
import type { TileEngine } from '../tiles/index.ts';
import { PUBLIC_SCOPE, tileRange, type TileCoord } from '../tiles/index.ts';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? Number(args[i + 1]) : fallback;
};
const QUICK = flag('quick');
// What the HTTP client asks for: gzip by default (every client has it); browsers on HTTPS ask for br.
const codingAt = args.indexOf('--coding');
const CODING = codingAt >= 0 ? (args[codingAt + 1] ?? '') : 'gzip';
if (!['gzip', 'br', 'identity'].includes(CODING)) {
  console.error(`[bench:tiles] --coding takes gzip, br or identity; got ${JSON.stringify(CODING)}`);
  process.exit(2);
}
const PARTS = ['cold', 'load', 'pause', 'sizes', 'hits', 'fresh'] as const;
const onlyAt = args.indexOf('--only');
const only = new Set(onlyAt >= 0 ? (args[onlyAt + 1] ?? '').split(',') : PARTS);
for (const part of only) {
  if (!(PARTS as readonly string[]).includes(part)) {
    console.error(`[bench:tiles] --only takes a comma-separated list of ${PARTS.join(', ')}; got ${JSON.stringify(part)}`);
    process.exit(2);
  }
}

// A fixed PRNG so every run draws the same tiles in the same order.
let state = 0x2f6b1d;
const random = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
const shuffle = <T>(xs: T[]): T[] => {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
};

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(n < 10 ? 2 : 1) : '–');
const kb = (n: number) => (n / 1024).toFixed(1);

type Stats = { p50: number; p95: number; p99: number; perSecond: number; bytes: number; n: number; errors: number };

function summarise(latencies: number[], wallMs: number, bytes: number, errors: number): Stats {
  const s = [...latencies].sort((a, b) => a - b);
  return { p50: pct(s, 50), p95: pct(s, 95), p99: pct(s, 99), perSecond: (s.length / wallMs) * 1000, bytes, n: s.length, errors };
}

/** The HTTP client in a child process (scripts/bench-http-client.ts), so the server's event loop is its own. */
class HttpClient {
  private readonly child = fork(fileURLToPath(new URL('./bench-http-client.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  private readonly waiting = new Map<number, (r: ClientResult) => void>();
  private next = 0;

  constructor() {
    this.child.on('message', (r: ClientResult) => {
      this.waiting.get(r.id)?.(r);
      this.waiting.delete(r.id);
    });
  }

  /** Requests every URL once with `clients` concurrent keep-alive clients. */
  run(urls: string[], clients: number): Promise<ClientResult> {
    const id = this.next++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.child.send({ id, urls, clients, coding: CODING } satisfies ClientJob);
    });
  }

  close(): void {
    this.child.disconnect();
  }
}

const client = new HttpClient();

/** Per-request time inside the HTTP servers (request event → response finished), in arrival order. */
const handled: number[] = [];

/** Requests every URL once with `clients` concurrent clients; latency per request. */
async function httpRun(urls: string[], clients: number): Promise<Stats> {
  const r = await client.run(urls, clients);
  return summarise(r.latencies, r.wallMs, r.bytes, r.errors);
}

/** The plainest good ST_AsMVT query for one source and zoom: no generalization, the band's attributes. */
function baselineSql(engine: TileEngine, id: string, z: number): string | undefined {
  const source = engine.catalog.sources.get(id)!;
  const band = source.band(z);
  if (!band) return undefined;
  const c = source.config;
  const from = 'table' in c.from ? `${c.from.table} AS t` : c.from.sql;
  const props = band.properties.map((p) => `, (${p.sql ?? `t."${p.name}"`}) AS "${p.name}"`).join('');
  return `SELECT ST_AsMVT(q, '${id}', 4096, 'geom', '__id') AS mvt FROM (
    SELECT t.id AS "__id"${props}, ST_AsMVTGeom(ST_Transform(t.geom, 3857), ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom
    FROM ${from}
    WHERE t.geom && ST_Transform(ST_TileEnvelope($1, $2, $3, margin => 64.0 / 4096), 4326)${c.where ? ` AND ${c.where}` : ''}${band.where ? ` AND ${band.where}` : ''}
  ) q`;
}

/**
 * The raw in-database cost of one tile: the baseline query of each source (plainly, or as a prepared
 * statement as the server runs its own), on the tile connections' settings (jit off), in ms.
 */
async function rawTile(db: Db, engine: TileEngine, ids: string[], t: TileCoord, prepare: boolean): Promise<number> {
  const session = db.withSession(TILE_SESSION);
  const t0 = performance.now();
  for (const id of ids) {
    const q = db.capabilities.mvt
      ? { sql: baselineSql(engine, id, t.z), params: [t.z, t.x, t.y] }
      : engine.catalog.sources.get(id)!.sqlFor(t, PUBLIC_SCOPE, 'js');
    if (!q?.sql) continue;
    if (prepare && session.queryPrepared) await session.queryPrepared(`bench_${id}_${t.z}`, q.sql, q.params);
    else await session.query(q.sql, q.params);
  }
  return performance.now() - t0;
}

/** Per-request latencies and the wall time of one side's blocks, summed over its blocks. */
type Run = { latencies: number[]; wallMs: number; bytes: number; errors: number };

/** The raw cost of every tile once with `clients` concurrent callers, as the HTTP runs load the server. */
async function rawRun(db: Db, engine: TileEngine, ids: string[], tiles: TileCoord[], clients: number, prepare: boolean): Promise<Run> {
  let next = 0;
  const latencies: number[] = [];
  const start = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let i = next++; i < tiles.length; i = next++) latencies.push(await rawTile(db, engine, ids, tiles[i]!, prepare));
    }),
  );
  return { latencies, wallMs: performance.now() - start, bytes: 0, errors: 0 };
}

/**
 * Under load: the raw baseline (plain and prepared) and the server with its cache off, each with
 * `clients` concurrent callers, interleaved on the same tiles in blocks with the order rotating, as
 * the cold runs are, so a slow stretch of the machine falls on every side alike. A block holds at
 * least 20 tiles and 6 per caller, so every caller has work for most of it.
 */
async function loadRun(
  db: Db,
  engine: TileEngine,
  ids: string[],
  tiles: TileCoord[],
  clients: number,
  urls: (tiles: TileCoord[]) => string[],
): Promise<{ raw: Stats; prepared: Stats; off: Stats }> {
  const size = Math.max(20, clients * 6);
  const sides: Run[] = [0, 1, 2].map(() => ({ latencies: [], wallMs: 0, bytes: 0, errors: 0 }));
  const steps = [
    (block: TileCoord[]) => rawRun(db, engine, ids, block, clients, false),
    (block: TileCoord[]) => rawRun(db, engine, ids, block, clients, true),
    (block: TileCoord[]) => client.run(urls(block), clients),
  ];
  for (let i = 0; i * size < tiles.length; i++) {
    const block = tiles.slice(i * size, (i + 1) * size);
    for (let k = 0; k < steps.length; k++) {
      const side = (i + k) % steps.length;
      const r = await steps[side]!(block);
      const into = sides[side]!;
      into.latencies.push(...r.latencies);
      into.wallMs += r.wallMs;
      into.bytes += r.bytes;
      into.errors += r.errors;
    }
  }
  const [raw, prepared, off] = sides.map((r) => summarise(r.latencies, r.wallMs, r.bytes, r.errors)) as [Stats, Stats, Stats];
  return { raw, prepared, off };
}

/**
 * Cold tiles, one at a time: the raw in-database cost of the baseline query (run plainly, and as a
 * prepared statement as the server runs its own), the engine's own statements called in-process
 * (no HTTP, no compression: what the database spends on the server's tiles) and the server over
 * HTTP, interleaved on the
 * same tiles in blocks of BLOCK tiles with the order rotating from block to block, so machine noise
 * and buffer-cache warmth fall on every side alike. Within a block each side runs its tiles back to
 * back, as a map client asks for the tiles of a view (one request per IPC message to the client
 * process would time that process waking up, not the server). The raw queries use the tile
 * connections' settings (jit off), as the server does: JIT compiling a tile query costs more than
 * running it.
 */
async function interleavedRun(
  db: Db,
  engine: TileEngine,
  ids: string[],
  tiles: TileCoord[],
  base: string,
  floorBase: string,
): Promise<{ raw: Stats; prepared: Stats; statement: Stats; server: Stats; inside: Stats; floor: Stats; gc: GcBySide; fullGcs: number }> {
  const BLOCK = 20;
  const WARMUP_BLOCKS = 5;
  const raw: number[] = [];
  const prepared: number[] = [];
  const statement: number[] = [];
  const server: number[] = [];
  const inside: number[] = [];
  const floor: number[] = [];
  handled.length = 0;
  let errors = 0;
  let bytes = 0;
  const rawBlock = (prepare: boolean) => async (block: TileCoord[]) => {
    for (const t of block) (prepare ? prepared : raw).push(await rawTile(db, engine, ids, t, prepare));
  };
  const statementBlock = async (block: TileCoord[]) => {
    for (const t of block) {
      const t0 = performance.now();
      for (const id of ids) await engine.render(id, t, PUBLIC_SCOPE);
      statement.push(performance.now() - t0);
    }
  };
  const serverBlock = async (block: TileCoord[]) => {
    const res = await client.run(
      block.map((t) => `${base}/tiles/${ids.join(',')}/${t.z}/${t.x}/${t.y}`),
      1,
    );
    server.push(...res.latencies);
    inside.push(...handled.splice(0));
    bytes += res.bytes;
    errors += res.errors;
  };
  const floorBlock = async (block: TileCoord[]) => {
    const res = await client.run(
      block.map((t) => `${floorBase}/${ids.join(',')}/${t.z}/${t.x}/${t.y}`),
      1,
    );
    floor.push(...res.latencies);
    errors += res.errors;
  };
  const steps = [rawBlock(false), rawBlock(true), statementBlock, serverBlock, floorBlock];
  const sides = ['raw', 'prepared', 'statements', 'server', 'floor'] as const;
  // Garbage-collection pauses of this process (server, raw callers and floor all live here), told to
  // the side whose block was running: the tail of a side that allocates more is partly its GC.
  const blocks: { side: (typeof sides)[number]; from: number; to: number }[] = [];
  const pauses: { at: number; ms: number; full: boolean }[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      pauses.push({
        at: e.startTime,
        ms: e.duration,
        full: (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR,
      });
  });
  observer.observe({ entryTypes: ['gc'] });
  // Warm up first, unmeasured: V8 compiles the server's and the driver's hot paths in the first
  // few hundred requests, and a server in service is long past that.
  for (let i = 0; i < WARMUP_BLOCKS; i++) {
    const block = tiles.slice(i * BLOCK, (i + 1) * BLOCK);
    for (const step of steps) await step(block);
  }
  raw.length = prepared.length = statement.length = server.length = inside.length = floor.length = handled.length = 0;
  bytes = errors = 0;
  pauses.length = 0;
  const start = performance.now();
  for (let i = 0; i * BLOCK < tiles.length; i++) {
    const block = tiles.slice(i * BLOCK, (i + 1) * BLOCK);
    for (let k = 0; k < steps.length; k++) {
      const from = performance.now();
      await steps[(i + k) % steps.length]!(block);
      blocks.push({ side: sides[(i + k) % steps.length]!, from, to: performance.now() });
    }
  }
  const wall = performance.now() - start;
  // Entries arrive after the pause: one more turn so the last block's are in.
  await new Promise((resolve) => setImmediate(resolve));
  observer.disconnect();
  const gc = Object.fromEntries(sides.map((side) => [side, { count: 0, ms: 0 }])) as GcBySide;
  for (const p of pauses) {
    const b = blocks.find((x) => p.at >= x.from && p.at < x.to);
    if (!b) continue;
    gc[b.side].count++;
    gc[b.side].ms += p.ms;
  }
  return {
    raw: summarise(raw, wall, 0, 0),
    prepared: summarise(prepared, wall, 0, 0),
    statement: summarise(statement, wall, 0, 0),
    server: summarise(server, wall, bytes, errors),
    inside: summarise(inside, wall, 0, 0),
    floor: summarise(floor, wall, 0, 0),
    gc,
    fullGcs: pauses.filter((p) => p.full).length,
  };
}

type GcBySide = Record<'raw' | 'prepared' | 'statements' | 'server' | 'floor', { count: number; ms: number }>;

/**
 * The floor of any HTTP tile server on this machine: a bare node:http server in this process that
 * runs the engine's statements and compresses as the server's fast level does, with no routing,
 * hooks, cache logic or ETag. What it adds over the in-process statements is the HTTP hop itself (a
 * third process woken per tile: the client); the server's own figures are read against it.
 */
async function listenFloor(engine: TileEngine): Promise<{ base: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const [ids = '', z, x, y] = (req.url ?? '').split('/').slice(1);
    const t = { z: Number(z), x: Number(x), y: Number(y) };
    void Promise.all(ids.split(',').map((id) => engine.render(id, t, PUBLIC_SCOPE))).then(
      (parts) => {
        const raw = Buffer.concat(parts);
        if (!raw.length) return res.writeHead(204).end();
        const body =
          CODING === 'br'
            ? brotliCompressSync(raw, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 2 } })
            : CODING === 'gzip'
              ? gzipSync(raw, { level: 1 })
              : raw;
        const headers: Record<string, string | number> = {
          'content-type': 'application/vnd.mapbox-vector-tile',
          'content-length': body.length,
        };
        if (CODING !== 'identity') headers['content-encoding'] = CODING;
        res.writeHead(200, headers).end(body);
      },
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Tiles at zoom z holding random features of the parcels (so lists follow the data, densest areas most). */
async function tileList(db: Db, z: number, count: number): Promise<TileCoord[]> {
  const { rows } = await db.query<{ x: number; y: number }>(
    `SELECT ST_X(c) AS x, ST_Y(c) AS y FROM (SELECT ST_Centroid(geom) AS c FROM parcels ORDER BY id) s`,
  );
  const seen = new Map<string, TileCoord>();
  for (const r of rows) {
    const t = tileRange([r.x, r.y, r.x, r.y], z);
    seen.set(`${t.minX}/${t.minY}`, { z, x: t.minX, y: t.minY });
  }
  const all = shuffle([...seen.values()]);
  const out: TileCoord[] = [];
  // Few tiles cover the city at z10–z12: repeat the shuffled list to reach `count` samples.
  while (out.length < count) out.push(...all.slice(0, count - out.length));
  return out;
}

function loadavg(): string {
  return (
    os
      .loadavg()
      .map((n) => n.toFixed(1))
      .join(' / ') + ` on ${os.cpus().length} cores`
  );
}

async function listen(db: Db, service: TileService, timeInside = false): Promise<{ base: string; close: () => Promise<void> }> {
  const app = await buildApp(
    { config: loadConfig({ ...process.env, TILE_CACHE_MB: '0' }), db, ready: { value: true }, tiles: service },
    { logger: false },
  );
  // Time inside the server, from the request's arrival to the last byte handed to the kernel.
  if (timeInside)
    app.server.prependListener('request', (_req: unknown, res: NodeJS.EventEmitter) => {
      const t0 = performance.now();
      res.once('finish', () => handled.push(performance.now() - t0));
    });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, close: () => app.close() };
}

async function main(): Promise<void> {
  // The server lives in this process: its heap is set as server/main.ts sets it.
  tuneHeap();
  const config = loadConfig();
  const embedded = !config.databaseUrl;
  const parcels = option('parcels', embedded ? 20_000 : 100_000);
  const dataDir = path.resolve('.data', `bench-pglite-${parcels}`);
  const log = (m: string) => console.log(`[bench:tiles] ${m}`);
  log(embedded ? `embedded PGlite in ${dataDir}` : 'PostgreSQL from DATABASE_URL');
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir }, log);
  await migrate(db);
  const t0 = performance.now();
  if (await seedIfEmpty(db, { parcels, seed: 1, log }))
    log(`seeded ${parcels} parcels in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const count = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM parcels')).rows[0]!.n;
  log(`${count} parcels; PostGIS ${db.capabilities.postgisVersion}; encoder ${db.capabilities.mvt ? 'ST_AsMVT' : 'JS (no ST_AsMVT)'}`);

  const cold = await openTileService({ tileCacheBytes: 0 }, db);
  // Measure steady state: the generalized low-zoom tables are built once at server start, not per tile.
  const w0 = performance.now();
  await cold.engine.warmGeneralized();
  log(`generalized low-zoom tables ready in ${((performance.now() - w0) / 1000).toFixed(1)} s`);
  const hot = await openTileService({ tileCacheBytes: 512 << 20 }, db);
  const coldServer = await listen(db, cold, true);
  const hotServer = await listen(db, hot);
  const floorServer = await listenFloor(cold.engine);
  const all = cold.engine.list().map((s) => s.id);
  // --zooms and --parcels-only narrow the run when one figure is being worked on.
  const zoomsAt = args.indexOf('--zooms');
  const zooms = zoomsAt >= 0 ? new Set((args[zoomsAt + 1] ?? '').split(',').map(Number)) : undefined;
  const workloads: { name: string; ids: string[]; zooms: number[] }[] = [
    { name: 'parcels', ids: ['parcels'], zooms: [14, 16] },
    ...(flag('parcels-only') ? [] : [{ name: 'composite (all 9 sources)', ids: all, zooms: [10, 12, 14, 16] }]),
  ].map((w) => ({ ...w, zooms: w.zooms.filter((z) => !zooms || zooms.has(z)) }));
  const perZoom = QUICK ? 20 : 60;
  const levels = QUICK ? [1, 10] : [1, 10, 50];

  console.log(`\nmachine load before the runs (1/5/15 min): ${loadavg()}; the HTTP client asks for Accept-Encoding: ${CODING}`);
  if (only.has('cold')) {
    console.log('\ncold tiles, one at a time; raw ST_AsMVT (plain and prepared) and the server interleaved on the same tiles:');
    console.log(
      'workload | zoom | raw p50/p95/p99 ms | raw prepared p50/p95/p99 ms | engine statements p50/p95/p99 ms | server p50/p95/p99 ms | server p95 / raw p95 | / prepared p95 | server p50 / raw p50 | statements p95 / raw p95 | inside the server p50/p95 ms | bare node:http floor p50/p95/p99 ms | floor p95 / raw p95 | 5xx',
    );
  }
  const lists = new Map<string, TileCoord[]>();
  const gcLines: string[] = [];
  for (const w of workloads) {
    for (const z of w.zooms) {
      // z16 tiles take a few milliseconds: more of them steady the p95 against a noisy machine (the
      // 100,000-parcel set has ~760 distinct z16 tiles; the list goes round them again).
      const tiles = await tileList(db, z, QUICK ? 40 : z >= 16 ? 1200 : 200);
      lists.set(`${w.name}|${z}`, tiles);
      if (!only.has('cold')) continue;
      const { raw, prepared, statement, server, inside, floor, gc, fullGcs } = await interleavedRun(
        db,
        cold.engine,
        w.ids,
        tiles,
        coldServer.base,
        floorServer.base,
      );
      const triple = (x: Stats) => `${ms(x.p50)}/${ms(x.p95)}/${ms(x.p99)}`;
      console.log(
        `${w.name} | z${z} | ${triple(raw)} | ${triple(prepared)} | ${triple(statement)} | ${triple(server)} | ${(server.p95 / raw.p95).toFixed(2)} | ${(server.p95 / prepared.p95).toFixed(2)} | ${(server.p50 / raw.p50).toFixed(2)} | ${(statement.p95 / raw.p95).toFixed(2)} | ${ms(inside.p50)}/${ms(inside.p95)} | ${triple(floor)} | ${(floor.p95 / raw.p95).toFixed(2)} | ${server.errors}`,
      );
      gcLines.push(
        `${w.name} | z${z} | ${Object.entries(gc)
          .map(([side, g]) => `${side} ${g.count} / ${g.ms.toFixed(1)} ms`)
          .join(' | ')} | full collections ${fullGcs}`,
      );
    }
  }

  if (gcLines.length) {
    console.log("\ngarbage-collection pauses in this process during each side's blocks of the cold runs (count / total):");
    for (const line of gcLines) console.log(line);
  }

  if (only.has('load')) {
    console.log(
      '\nunder concurrency: the raw baseline queries and the server with its cache off, run with as many concurrent callers on the same tiles, interleaved in blocks (at least 20 tiles and 6 per caller) with the order rotating; then the server with its cache on:',
    );
    console.log(
      'workload | zoom | mode clients | p50/p95/p99 ms | tiles/s | KB sent | 5xx | p95 / raw p95 (plain / prepared) at these clients',
    );
  }
  for (const w of only.has('load') ? workloads : []) {
    for (const z of w.zooms) {
      // z16 tiles take a few milliseconds: more of them, so 50 clients have something to share.
      const tiles = (lists.get(`${w.name}|${z}`) ?? []).slice(0, z >= 16 ? perZoom * 5 : perZoom);
      const spec = w.ids.join(',');
      const urls = (base: string, list = tiles) => list.map((t) => `${base}/tiles/${spec}/${t.z}/${t.x}/${t.y}`);
      for (const clients of levels) {
        const {
          raw,
          prepared: rawPrepared,
          off,
        } = await loadRun(db, cold.engine, w.ids, tiles, clients, (block) => urls(coldServer.base, block));
        await httpRun(urls(hotServer.base), clients); // warm
        const on = await httpRun(urls(hotServer.base), clients);
        for (const [mode, st] of [
          ['raw baseline', raw],
          ['raw prepared', rawPrepared],
          ['cache off', off],
          ['cache on', on],
        ] as const) {
          console.log(
            `${w.name} | z${z} | ${mode} ×${clients} | ${ms(st.p50)}/${ms(st.p95)}/${ms(st.p99)} | ${st.perSecond.toFixed(0)} | ${mode.startsWith('raw') ? '–' : kb(st.bytes)} | ${st.errors} | ${(st.p95 / raw.p95).toFixed(2)} / ${(st.p95 / rawPrepared.p95).toFixed(2)}`,
          );
        }
      }
    }
  }
  console.log(`machine load after the runs (1/5/15 min): ${loadavg()}`);

  if (only.has('pause')) await afterPause(db, coldServer.base, all);
  if (only.has('sizes')) await sizes(db, cold.engine);
  if (only.has('hits')) await cacheHits(hotServer.base, db, hot.engine);
  if (only.has('fresh')) await freshness(db, hotServer.base);

  await coldServer.close();
  await hotServer.close();
  await floorServer.close();
  await cold.close();
  await hot.close();
  await db.close();
  client.close();
}

/**
 * A map user's pause: a view of the web map's tiles (the composite of every source at z16, 24 tiles,
 * 6 at a time as a browser asks one host, cache off), then the next view after 12 s idle, three
 * times. The database connections must still be there after a pause: a new one costs a tile
 * ~25–30 ms (server/db/pg.adapter.ts).
 */
async function afterPause(db: Db, base: string, ids: string[]): Promise<void> {
  const PAUSE_MS = 12_000;
  const VIEW = 24;
  const tiles = await tileList(db, 16, VIEW * 7);
  let next = 0;
  const view = () => tiles.slice(next, (next += VIEW)).map((t) => `${base}/tiles/${ids.join(',')}/${t.z}/${t.x}/${t.y}`);
  const show = (r: ClientResult) => {
    const s = [...r.latencies].sort((a, b) => a - b);
    return `p50 ${ms(pct(s, 50))} ms, slowest ${ms(s[s.length - 1] ?? NaN)} ms, whole view ${ms(r.wallMs)} ms`;
  };
  console.log(
    `\nafter a pause: views of ${VIEW} composite z16 tiles, 6 at a time, cache off; the next view after ${PAUSE_MS / 1000} s idle:`,
  );
  await client.run(view(), 6);
  for (let round = 1; round <= 3; round++) {
    const before = await client.run(view(), 6);
    await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    const after = await client.run(view(), 6);
    console.log(
      `round ${round} | view ${show(before)} | after the pause ${show(after)} | whole view after / before ${(after.wallMs / before.wallMs).toFixed(2)}`,
    );
  }
}

/** Raw tile sizes per source and zoom over tiles holding random features (densest areas weigh most). */
async function sizes(db: Db, engine: TileEngine): Promise<void> {
  console.log('\nsource | zooms 8–18: max KB (p95 KB) per zoom | overall max / p95 KB | ≤ 500 / ≤ 200');
  const samples = QUICK ? 8 : 20;
  for (const s of engine.list()) {
    const { rows } = await db.query<{ x: number; y: number }>(
      `SELECT ST_X(p) AS x, ST_Y(p) AS y FROM (SELECT ST_PointOnSurface(geom) AS p FROM ${tableOf(engine, s.id)} WHERE geom IS NOT NULL ORDER BY id LIMIT 5000) q`,
    );
    if (!rows.length) continue;
    const cells: string[] = [];
    const everything: number[] = [];
    for (let z = Math.max(8, s.minzoom); z <= Math.min(18, s.maxzoom); z++) {
      const seen = new Set<string>();
      const bytes: number[] = [];
      for (let k = 0; k < samples * 3 && seen.size < samples; k++) {
        const r = rows[Math.floor(random() * rows.length)]!;
        const t = tileRange([r.x, r.y, r.x, r.y], z);
        const key = `${t.minX}/${t.minY}`;
        if (seen.has(key)) continue;
        seen.add(key);
        bytes.push((await engine.render(s.id, { z, x: t.minX, y: t.minY }, PUBLIC_SCOPE)).length);
      }
      bytes.sort((a, b) => a - b);
      everything.push(...bytes);
      cells.push(`z${z} ${kb(bytes[bytes.length - 1] ?? 0)} (${kb(pct(bytes, 95))})`);
    }
    everything.sort((a, b) => a - b);
    const max = everything[everything.length - 1] ?? 0;
    const p95 = pct(everything, 95);
    console.log(
      `${s.id} | ${cells.join(', ')} | ${kb(max)} / ${kb(p95)} | ${max <= 500 * 1024 ? 'ok' : 'OVER'} / ${p95 <= 200 * 1024 ? 'ok' : 'OVER'}`,
    );
  }
}

function tableOf(engine: TileEngine, id: string): string {
  const c = engine.catalog.sources.get(id)!.config;
  return 'table' in c.from ? c.from.table : c.from.sql.split(/\s+/)[0]!;
}

type AutocannonResult = {
  requests: { average: number };
  latency: { p50: number; p90: number; p97_5: number; p99: number };
  non2xx: number;
  errors: number;
};

/** Cache hits for one ~20 KB tile under autocannon (in a child process, so the server keeps its own core). */
async function cacheHits(base: string, db: Db, engine: TileEngine): Promise<void> {
  const candidates = await tileList(db, 16, 40);
  let best: { url: string; size: number } | undefined;
  for (const t of candidates) {
    const r = await engine.tile(['parcels'], t, { role: 'anonymous', communes: [], farmerId: null });
    const url = `${base}/tiles/parcels/${t.z}/${t.x}/${t.y}`;
    if (!best || Math.abs(r.bytes.length - 20_480) < Math.abs(best.size - 20_480)) best = { url, size: r.bytes.length };
  }
  if (!best) return;
  const bin = path.join(path.dirname(createRequire(import.meta.url).resolve('autocannon')), 'autocannon.js');
  for (const coding of ['gzip', 'br']) {
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [
        bin,
        '--json',
        '-c',
        '10',
        '-d',
        QUICK ? '3' : '8',
        '-H',
        `accept-encoding=${coding}`,
        best.url,
      ]);
      let text = '';
      child.stdout.on('data', (d: Buffer) => (text += d.toString()));
      child.on('error', reject);
      child.on('close', () => resolve(text));
    });
    const r = JSON.parse(out) as AutocannonResult;
    console.log(
      `${coding === 'gzip' ? '\n' : ''}cache hits (autocannon, 10 connections, one ${kb(best.size)} KB tile, ${coding}): ${r.requests.average.toFixed(0)} tiles/s on one server core; latency p50 ${r.latency.p50} ms, p90 ${r.latency.p90} ms, p97.5 ${r.latency.p97_5} ms, p99 ${r.latency.p99} ms; non-2xx ${r.non2xx}, errors ${r.errors}; load ${loadavg()}`,
    );
  }
}

/** 200 edits, half by direct SQL and half through withEdits; time until each is served fresh over HTTP. */
async function freshness(db: Db, base: string): Promise<void> {
  const n = QUICK ? 40 : 200;
  const { rows } = await db.query<{ id: number; x: number; y: number }>(
    `SELECT id, ST_X(ST_PointOnSurface(geom)) AS x, ST_Y(ST_PointOnSurface(geom)) AS y FROM parcels ORDER BY id LIMIT 20000`,
  );
  const delays: number[] = [];
  let stale = 0;
  for (let i = 0; i < n; i++) {
    const p = rows[Math.floor(random() * rows.length)]!;
    const t = tileRange([p.x, p.y, p.x, p.y], 17);
    const url = `${base}/tiles/parcels/17/${t.minX}/${t.minY}`;
    await fetch(url).then((r) => r.arrayBuffer());
    const area = 1000 + i + random();
    const sql = `UPDATE parcels SET legal_area_m2 = $2 WHERE id = $1`;
    const rounded = Math.round(area * 10) / 10;
    const start = performance.now();
    if (i % 2) await db.query(sql, [p.id, rounded]);
    else await withEdits(db, { userId: null, origin: 'api' }, (tx) => tx.query(sql, [p.id, rounded]));
    for (;;) {
      const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
      if (areaOf(bytes, p.id) === rounded) {
        delays.push(performance.now() - start);
        break;
      }
      if (performance.now() - start > 5000) {
        stale++;
        break;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  delays.sort((a, b) => a - b);
  console.log(
    `\nfreshness: ${n} edits (half SQL, half write path): served fresh after p50 ${ms(pct(delays, 50))} ms, p95 ${ms(pct(delays, 95))} ms, max ${ms(delays[delays.length - 1] ?? NaN)} ms; stale after 5 s: ${stale}`,
  );
}

/** The legal area of one parcel in a parcels tile, if it is there. */
function areaOf(bytes: Uint8Array, id: number): unknown {
  if (!bytes.length) return undefined;
  const layer = new VectorTile(new PbfReader(bytes)).layers.parcels;
  for (let i = 0; layer && i < layer.length; i++) {
    const f = layer.feature(i);
    if (f.id === id) return f.properties.legal_area_m2;
  }
  return undefined;
}

main().catch((error: unknown) => {
  console.error('[bench:tiles] failed:', error);
  process.exit(1);
});
