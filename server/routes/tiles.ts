import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseTileCoord, TileError, type ChangeCursor, type SourceInfo, type TileEngine, type TileResult } from '../../tiles/index.ts';
import type { AppContext } from '../context.ts';
import { ANONYMOUS, type Viewer } from '../contracts/viewer.ts';
import { AppError, sendProblem } from '../plugins/errors.ts';
import { openTileService } from '../tile-service.ts';

const MVT = 'application/vnd.mapbox-vector-tile';
// Edits must show up at once: a cache keeps a tile but asks again (ETag, 304) before each use. A
// map client is not made to ask every few seconds for every tile it shows (MapLibre reloads a tile
// when its max-age runs out): it asks GET /api/changes what changed, and refreshes only those tiles.
const CACHE_CONTROL = { shared: 'public, no-cache', own: 'private, no-cache' } as const;

const SourceParams = Type.Object({ source: Type.String({ maxLength: 400 }) });
const TileParams = Type.Object({
  source: Type.String({ maxLength: 400 }),
  z: Type.String({ maxLength: 40 }),
  x: Type.String({ maxLength: 40 }),
  y: Type.String({ maxLength: 40 }),
});
const VersionQuery = Type.Object({ v: Type.Optional(Type.String({ maxLength: 40 })) }, { additionalProperties: true });
const ChangesQuery = Type.Object({ since: Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: true });

const Box = Type.Array(Type.Number(), { minItems: 4, maxItems: 4 });
/** GET /api/changes: the changes to the map's data since a cursor, for map clients to refresh their tiles. */
export const ChangesSchema = Type.Object({
  cursor: Type.String({ description: 'Send it back as ?since= next time.' }),
  complete: Type.Boolean({ description: 'False when changes may be missing: refresh every tile shown.' }),
  changes: Type.Array(
    Type.Object({
      sources: Type.Array(Type.String(), { description: 'Tile sources whose tiles the change touched' }),
      boxes: Type.Array(Box, { description: 'Where, as [west, south, east, north] in degrees' }),
    }),
  ),
});

const CURSOR = /^([A-Za-z0-9_-]{1,16})\.(\d{1,15})\.(\d{1,15})$/;

/** A cursor as changesSince gives it, written into ?since=. */
export function writeCursor(c: ChangeCursor): string {
  return `${c.instance}.${c.seq}.${c.at}`;
}

/** ?since= read back; undefined when absent, BAD_REQUEST when it is not a cursor this API wrote. */
export function readCursor(since: string | undefined): ChangeCursor | undefined {
  if (since === undefined) return undefined;
  const m = CURSOR.exec(since);
  if (!m) throw new AppError('BAD_REQUEST', 'since must be the cursor of an earlier answer of /api/changes (or left out for a first ask).');
  return { instance: m[1]!, seq: Number(m[2]), at: Number(m[3]) };
}

const SourceListItem = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  minzoom: Type.Integer(),
  maxzoom: Type.Integer(),
  url: Type.String(),
});

const VectorLayer = Type.Object({
  id: Type.String(),
  description: Type.String(),
  fields: Type.Record(Type.String(), Type.String()),
  minzoom: Type.Integer(),
  maxzoom: Type.Integer(),
});

/** TileJSON 3.0.0 as this server writes it. */
export const TileJsonSchema = Type.Object({
  tilejson: Type.Literal('3.0.0'),
  name: Type.String(),
  description: Type.String(),
  version: Type.String(),
  attribution: Type.String(),
  scheme: Type.Literal('xyz'),
  tiles: Type.Array(Type.String()),
  minzoom: Type.Integer(),
  maxzoom: Type.Integer(),
  bounds: Type.Array(Type.Number(), { minItems: 4, maxItems: 4 }),
  center: Type.Array(Type.Number(), { minItems: 3, maxItems: 3 }),
  vector_layers: Type.Array(VectorLayer),
});
export type TileJson = Static<typeof TileJsonSchema>;

/** Turns the engine's refusals into the app's coded errors (problem+json through the one handler). */
function asAppError(error: unknown): unknown {
  return error instanceof TileError ? new AppError(error.code, error.message) : error;
}

function viewerOf(request: FastifyRequest): Viewer {
  // The auth plugin sets request.viewer; until a request has one it is anonymous.
  return (request as { viewer?: Viewer }).viewer ?? ANONYMOUS;
}

function baseUrl(request: FastifyRequest, ctx: AppContext): string {
  if (ctx.config.publicUrl) return ctx.config.publicUrl;
  const host = /^[A-Za-z0-9.[\]:-]{1,255}$/.test(request.host ?? '') ? request.host : 'localhost';
  return `${request.protocol}://${host}`;
}

type Coding = 'br' | 'gzip' | 'identity';

// Browsers send one Accept-Encoding string over and over: parse each distinct one once.
const codings = new Map<string, Coding>();

/** The best coding the client accepts with a non-zero quality (RFC 9110 §12.5.3): brotli, then gzip, else none. */
export function preferredCoding(header: string | string[] | undefined): Coding {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  const known = codings.get(value);
  if (known) return known;
  const accepted = new Set<string>();
  for (const part of value.split(',')) {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (coding && (!q || Number(q.slice(2)) > 0)) accepted.add(coding);
  }
  const best: Coding = accepted.has('br') ? 'br' : accepted.has('gzip') || accepted.has('*') ? 'gzip' : 'identity';
  if (value.length <= 200 && codings.size < 256) codings.set(value, best);
  return best;
}

/** What a tile answer needs, computed once per rendered tile and reused by every cache hit. */
type Prepared = {
  headers: Record<string, string>;
  raw: Buffer;
  /** Views of the compressed codings, made when first sent (again after the engine recompressed one). */
  encoded: Partial<Record<'gzip' | 'br', { of: Uint8Array; body: Buffer }>>;
};

const prepared = new WeakMap<TileResult, Prepared>();

const view = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

function prepare(result: TileResult): Prepared {
  let p = prepared.get(result);
  if (!p) {
    p = {
      headers: {
        etag: result.etag,
        'cache-control': result.shared ? CACHE_CONTROL.shared : CACHE_CONTROL.own,
        vary: 'Accept-Encoding',
      },
      raw: view(result.bytes),
      encoded: {},
    };
    prepared.set(result, p);
  }
  return p;
}

/** Whether If-None-Match names this ETag (weak comparison, as RFC 9110 asks for GET). */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

async function tileJson(engine: TileEngine, ids: string[], base: string): Promise<TileJson> {
  const infos: SourceInfo[] = ids.map((id) => engine.info(id));
  const boxes = await Promise.all(ids.map((id) => engine.bounds(id)));
  const bounds = [
    Math.min(...boxes.map((b) => b[0])),
    Math.min(...boxes.map((b) => b[1])),
    Math.max(...boxes.map((b) => b[2])),
    Math.max(...boxes.map((b) => b[3])),
  ];
  const minzoom = Math.min(...infos.map((i) => i.minzoom));
  const maxzoom = Math.max(...infos.map((i) => i.maxzoom));
  const spec = ids.join(',');
  return {
    tilejson: '3.0.0',
    name: infos.map((i) => i.name).join(' + '),
    description: infos.map((i) => i.description).join(' '),
    version: '1.0.0',
    attribution: [...new Set(infos.map((i) => i.attribution).filter((a): a is string => !!a))].join(' '),
    scheme: 'xyz',
    // The data version in the URL changes with every edit, so browsers fetch edited tiles afresh.
    tiles: [`${base}/tiles/${spec}/{z}/{x}/{y}?v=${engine.version(ids)}`],
    minzoom,
    maxzoom,
    bounds,
    center: [(bounds[0]! + bounds[2]!) / 2, (bounds[1]! + bounds[3]!) / 2, Math.min(maxzoom, Math.max(minzoom, 14))],
    vector_layers: infos.map((i) => ({ id: i.id, description: i.description, fields: i.fields, minzoom: i.minzoom, maxzoom: i.maxzoom })),
  };
}

/**
 * /tiles: the source list, TileJSON per source (or composite "a,b"), and MVT tiles with ETag,
 * 304, gzip and 204 for empty tiles; /api/changes: what changed since a client last asked. Thin:
 * the engine in tiles/ does the work.
 */
export async function tileRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const service = ctx.tiles ?? (await openTileService(ctx.config, ctx.db, (m) => app.log.warn(m)));
  if (!ctx.tiles) app.addHook('onClose', () => service.close());
  const engine = service.engine;

  app.get('/tiles', { schema: { response: { 200: Type.Array(SourceListItem) } } }, async (request) => {
    const base = baseUrl(request, ctx);
    return engine.list().map((s) => ({
      id: s.id,
      name: s.name,
      description: s.description,
      minzoom: s.minzoom,
      maxzoom: s.maxzoom,
      url: `${base}/tiles/${s.id}`,
    }));
  });

  app.get<{ Params: Static<typeof SourceParams> }>(
    '/tiles/:source',
    { schema: { params: SourceParams, response: { 200: TileJsonSchema } } },
    async (request, reply) => {
      let ids: string[];
      try {
        ids = engine.resolve(request.params.source);
      } catch (error) {
        throw asAppError(error);
      }
      reply.header('Cache-Control', 'no-cache');
      return tileJson(engine, ids, baseUrl(request, ctx));
    },
  );

  // Map clients ask every few seconds; a poll costs a look at memory. Nobody's data: the same for
  // every viewer (where a change was, and in which sources), never kept by a cache.
  app.get<{ Querystring: Static<typeof ChangesQuery> }>(
    '/api/changes',
    { schema: { querystring: ChangesQuery, response: { 200: ChangesSchema } }, logLevel: 'warn' },
    async (request, reply) => {
      const feed = engine.changesSince(readCursor(request.query.since));
      reply.header('Cache-Control', 'no-store');
      return { cursor: writeCursor(feed.cursor), complete: feed.complete, changes: feed.changes };
    },
  );

  app.get<{ Params: Static<typeof TileParams>; Querystring: Static<typeof VersionQuery> }>(
    '/tiles/:source/:z/:x/:y',
    // A map view asks for dozens of tiles a second: two info lines per tile would cost more than a cache hit.
    { schema: { params: TileParams, querystring: VersionQuery }, logLevel: 'warn' },
    async (request, reply) => sendTile(engine, request, reply),
  );
}

async function sendTile(
  engine: TileEngine,
  request: FastifyRequest<{ Params: Static<typeof TileParams> }>,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const { source, z, x } = request.params;
  // .mvt and .pbf are accepted as in other tile servers' URLs.
  const y = request.params.y.replace(/\.(mvt|pbf)$/, '');
  const coding = preferredCoding(request.headers['accept-encoding']);
  // A browser lets go of a tile (the map flew past it) by closing its connection: a render still
  // queued for it is then skipped (the engine asks this as its turn comes).
  const socket = request.raw.socket as { destroyed?: boolean } | undefined;
  const gone = () => socket?.destroyed === true;
  let result;
  try {
    const ids = engine.resolve(source);
    const coord = parseTileCoord(z, x, y);
    const draw = () => engine.tile(ids, coord, viewerOf(request), coding === 'identity' ? undefined : coding, gone);
    result = await draw().catch((error: unknown) => {
      if (!(error instanceof TileError && error.code === 'ABORTED')) throw error;
      // Nobody to answer. Or this request joined a render everyone else let go of: drawn again for it.
      return gone() ? undefined : draw();
    });
  } catch (error) {
    // The shared handler's Retry-After is a constant; the limiter knows how long the queue is. (A
    // render let go of twice by the others who asked for it, however unlikely, is said the same way.)
    if (error instanceof TileError && (error.code === 'OVERLOADED' || error.code === 'ABORTED')) {
      reply.header('Retry-After', String(error.retryAfter ?? 2));
      return sendProblem(reply, 503, error.message, error.code);
    }
    throw asAppError(error);
  }
  // The connection is closed: there is no one to send the tile to.
  if (!result) return reply.status(204).send();
  const p = prepare(result);
  reply.headers(p.headers);
  if (matches(request.headers['if-none-match'], result.etag)) return reply.status(304).send();
  if (result.bytes.length === 0) return reply.status(204).send();
  reply.type(MVT);
  if (coding === 'identity') return reply.send(p.raw);
  const bytes = result.encoded[coding]!;
  let sent = p.encoded[coding];
  if (sent?.of !== bytes) p.encoded[coding] = sent = { of: bytes, body: view(bytes) };
  return reply.header('content-encoding', coding).send(sent.body);
}
