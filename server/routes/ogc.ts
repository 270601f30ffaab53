// /ogc: OGC API Features Parts 1, 3 and 4. Thin: parse the request, ask the features service (which
// applies the viewer's scope in SQL), write headers. Every collection comes from server/ogc/collections.ts.

import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { AppError } from '../plugins/errors.ts';
import { COLLECTIONS, findCollection, type CollectionDef } from '../ogc/collections.ts';
import { CONFORMANCE, MEDIA, collectionDocument, landingPage, queryablesDocument, type Extent, type Link } from '../ogc/documents.ts';
import { FeaturesService, itemETag, representationScope, type ItemResult, type Precondition } from '../ogc/features.service.ts';
import { extentStatement, queryablesFor } from '../ogc/items.sql.ts';
import { openApiDocument } from '../ogc/openapi.ts';
import { allowedMethods, isEditable } from '../ogc/policy.ts';
import { CRS84, parseItemsQuery } from '../ogc/query-params.ts';
import { readIfMatch } from '../registry/preconditions.ts';

const CollectionParams = Type.Object({ collectionId: Type.String({ maxLength: 64 }) });
const ItemParams = Type.Object({ collectionId: Type.String({ maxLength: 64 }), featureId: Type.String({ maxLength: 64 }) });
const EntryParams = Type.Object({
  collectionId: Type.String({ maxLength: 64 }),
  featureId: Type.String({ maxLength: 64 }),
  entryId: Type.String({ maxLength: 32 }),
});
type CollectionParams = Static<typeof CollectionParams>;
type ItemParams = Static<typeof ItemParams>;
type EntryParams = Static<typeof EntryParams>;

const ITEMS = '/ogc/collections/:collectionId/items';
const ITEM = `${ITEMS}/:featureId`;
const EXTENT_TTL_MS = 30_000;

/**
 * Cache-Control of a body that may differ by viewer: a body with fields only some viewers get is
 * private and never stored (a shared phone's disk must not keep a farmer's phone number after the
 * officer signs out; the ETag still answers If-Match); the public body is revalidated each time.
 */
function cacheControlFor(scope: string): string {
  return scope ? 'private, no-store' : 'no-cache';
}

function collection(id: string): CollectionDef {
  const def = findCollection(id);
  if (!def) throw new AppError('UNKNOWN_COLLECTION', `No collection "${id.slice(0, 64)}". See /ogc/collections.`);
  return def;
}

function featureId(def: CollectionDef, raw: string): number {
  // Ids are bigserial: anything else cannot exist, so it is a 404 like any missing feature.
  if (!/^[1-9][0-9]{0,15}$/.test(raw)) throw new AppError('NOT_FOUND', `No ${def.id} feature "${raw.slice(0, 64)}".`);
  return Number(raw);
}

/** If-Match as a precondition: '*' or a list of strong tags (weak ones never match a strong comparison), as the registry reads it. */
function precondition(request: FastifyRequest): Precondition | null {
  return readIfMatch(request.headers['if-match']);
}

function requirePrecondition(request: FastifyRequest): Precondition {
  const p = precondition(request);
  if (!p) throw new AppError('PRECONDITION_REQUIRED', 'Edits need If-Match with the ETag of the version you read (GET the feature first).');
  return p;
}

function requireMediaType(request: FastifyRequest, allowed: readonly string[]): void {
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!allowed.includes(type)) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', `Send ${allowed.join(' or ')} (got ${type || 'no Content-Type'}).`);
  }
}

/** /ogc routes. */
export async function ogcRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const service = new FeaturesService(ctx.db);
  const extents = new Map<string, { extent: Extent; at: number }>();

  // GeoJSON and merge patches are JSON: parsed with Fastify's hardened parser (no __proto__ keys).
  app.addContentTypeParser([MEDIA.geojson, MEDIA.mergePatch], { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));

  const base = (request: FastifyRequest) => ctx.config.publicUrl ?? `${request.protocol}://${request.host}`;
  const json = (reply: FastifyReply, body: unknown, type: string = MEDIA.json) =>
    reply.type(type).header('Vary', 'Authorization, Cookie').send(body);

  async function extentOf(def: CollectionDef): Promise<Extent> {
    const cached = extents.get(def.id);
    if (cached && Date.now() - cached.at < EXTENT_TTL_MS) return cached.extent;
    const { rows } = await ctx.db.query<{ minx: number | null; miny: number | null; maxx: number | null; maxy: number | null }>(
      extentStatement(def),
    );
    const r = rows[0];
    const extent: Extent =
      r && r.minx !== null && r.miny !== null && r.maxx !== null && r.maxy !== null ? [r.minx, r.miny, r.maxx, r.maxy] : null;
    extents.set(def.id, { extent, at: Date.now() });
    return extent;
  }

  function sendItem(request: FastifyRequest, reply: FastifyReply, def: CollectionDef, item: ItemResult, status = 200): FastifyReply {
    const scope = representationScope(def, request.viewer);
    const feature = JSON.parse(item.json) as Record<string, unknown>;
    const url = `${base(request)}/ogc/collections/${def.id}/items/${item.id}`;
    feature.links = [
      { href: url, rel: 'self', type: MEDIA.geojson },
      { href: `${base(request)}/ogc/collections/${def.id}`, rel: 'collection', type: MEDIA.json },
    ] satisfies Link[];
    if (status === 201) reply.header('Location', url);
    return reply
      .status(status)
      .header('ETag', itemETag(def, item, scope))
      .header('Cache-Control', cacheControlFor(scope))
      .header('Content-Crs', `<${CRS84}>`)
      .header('Vary', 'Authorization, Cookie')
      .type(MEDIA.geojson)
      .send(feature);
  }

  function methodNotAllowed(request: FastifyRequest, reply: FastifyReply, def: CollectionDef, level: 'items' | 'item'): never {
    reply.header('Allow', allowedMethods(def, request.viewer, level).join(', '));
    throw new AppError('METHOD_NOT_ALLOWED', isEditable(def) ? `${request.method} is not supported here.` : `${def.id} is read-only.`);
  }

  /** OPTIONS: 204 with the methods this viewer may use on the collection's items or on one item. */
  function allowOptions(request: FastifyRequest<{ Params: CollectionParams }>, reply: FastifyReply, level: 'items' | 'item'): FastifyReply {
    const def = collection(request.params.collectionId);
    return reply
      .status(204)
      .header('Allow', allowedMethods(def, request.viewer, level).join(', '))
      .send();
  }

  /** The collection and feature an item write names: 404 for an unknown collection or id, 405 for a read-only collection. */
  function editableItem(request: FastifyRequest<{ Params: ItemParams }>, reply: FastifyReply): { def: CollectionDef; id: number } {
    const def = collection(request.params.collectionId);
    if (!isEditable(def)) methodNotAllowed(request, reply, def, 'item');
    return { def, id: featureId(def, request.params.featureId) };
  }

  app.get('/ogc', async (request, reply) => json(reply, landingPage(base(request))));
  app.get('/ogc/conformance', async (_request, reply) => json(reply, { conformsTo: CONFORMANCE }));
  app.get('/ogc/api', async (request, reply) => json(reply, openApiDocument(base(request)), MEDIA.openapi));

  app.get('/ogc/collections', async (request, reply) => {
    const url = `${base(request)}/ogc/collections`;
    const collections = [];
    for (const def of COLLECTIONS) collections.push(collectionDocument(def, base(request), await extentOf(def)));
    return json(reply, { links: [{ href: url, rel: 'self', type: MEDIA.json }], collections });
  });

  app.get<{ Params: CollectionParams }>(
    '/ogc/collections/:collectionId',
    { schema: { params: CollectionParams } },
    async (request, reply) => {
      const def = collection(request.params.collectionId);
      return json(reply, collectionDocument(def, base(request), await extentOf(def)));
    },
  );

  app.get<{ Params: CollectionParams }>(
    '/ogc/collections/:collectionId/queryables',
    { schema: { params: CollectionParams } },
    async (request, reply) => {
      const def = collection(request.params.collectionId);
      reply.header('Cache-Control', cacheControlFor(representationScope(def, request.viewer)));
      return json(reply, queryablesDocument(def, request.viewer, base(request)), MEDIA.schema);
    },
  );

  app.get<{ Params: CollectionParams }>(ITEMS, { schema: { params: CollectionParams } }, async (request, reply) => {
    const def = collection(request.params.collectionId);
    const names = new Set(queryablesFor(def, request.viewer).map((p) => p.name));
    const query = parseItemsQuery(request.query as Record<string, unknown>, names);
    const { features, matched } = await service.list(def, request.viewer, query);
    // Links keep the client's own parameters so a next page is the same request, one page on.
    const url = new URL(`${base(request)}/ogc/collections/${def.id}/items`);
    for (const [k, v] of Object.entries(request.query as Record<string, string>)) if (k !== 'offset') url.searchParams.set(k, v);
    const page = (offset: number) => {
      const u = new URL(url);
      u.searchParams.set('limit', String(query.limit));
      u.searchParams.set('offset', String(offset));
      return u.toString();
    };
    const links: Link[] = [
      { href: page(query.offset), rel: 'self', type: MEDIA.geojson },
      { href: `${base(request)}/ogc/collections/${def.id}`, rel: 'collection', type: MEDIA.json },
    ];
    if (query.offset + features.length < matched) links.push({ href: page(query.offset + query.limit), rel: 'next', type: MEDIA.geojson });
    if (query.offset > 0) links.push({ href: page(Math.max(0, query.offset - query.limit)), rel: 'prev', type: MEDIA.geojson });
    const head = JSON.stringify({
      type: 'FeatureCollection',
      numberMatched: matched,
      numberReturned: features.length,
      timeStamp: new Date().toISOString(),
      links,
    });
    // Features arrive as JSON text from PostGIS: spliced in, never parsed and re-serialised.
    const body = `${head.slice(0, -1)},"features":[${features.join(',')}]}`;
    return reply
      .header('Content-Crs', `<${CRS84}>`)
      .header('Cache-Control', cacheControlFor(representationScope(def, request.viewer)))
      .header('Vary', 'Authorization, Cookie')
      .type(MEDIA.geojson)
      .send(body);
  });

  app.post<{ Params: CollectionParams }>(ITEMS, { schema: { params: CollectionParams } }, async (request, reply) => {
    const def = collection(request.params.collectionId);
    if (!isEditable(def)) methodNotAllowed(request, reply, def, 'items');
    requireMediaType(request, [MEDIA.geojson, MEDIA.json]);
    const item = await service.create(def, request.viewer, request.body);
    return sendItem(request, reply, def, item, 201);
  });

  app.options<{ Params: CollectionParams }>(ITEMS, { schema: { params: CollectionParams } }, async (request, reply) =>
    allowOptions(request, reply, 'items'),
  );

  app.route<{ Params: CollectionParams }>({
    method: ['PUT', 'PATCH', 'DELETE'],
    url: ITEMS,
    schema: { params: CollectionParams },
    handler: async (request, reply) => methodNotAllowed(request, reply, collection(request.params.collectionId), 'items'),
  });

  app.get<{ Params: ItemParams }>(ITEM, { schema: { params: ItemParams } }, async (request, reply) => {
    const def = collection(request.params.collectionId);
    const id = featureId(def, request.params.featureId);
    const item = await service.get(def, request.viewer, id);
    if (!item) throw new AppError('NOT_FOUND', `No ${def.id} feature ${id}.`);
    // Only this viewer's own tag revalidates: the tag a browser kept for another viewer's body is another body.
    const scope = representationScope(def, request.viewer);
    const tag = itemETag(def, item, scope);
    const ifNoneMatch = request.headers['if-none-match'];
    if (typeof ifNoneMatch === 'string' && ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === tag)) {
      return reply
        .status(304)
        .header('ETag', tag)
        .header('Cache-Control', cacheControlFor(scope))
        .header('Vary', 'Authorization, Cookie')
        .send();
    }
    return sendItem(request, reply, def, item);
  });

  app.put<{ Params: ItemParams }>(ITEM, { schema: { params: ItemParams } }, async (request, reply) => {
    const { def, id } = editableItem(request, reply);
    requireMediaType(request, [MEDIA.geojson, MEDIA.json]);
    const item = await service.replace(def, request.viewer, id, requireIfMatchAfterAuth(request, def), request.body);
    return sendItem(request, reply, def, item);
  });

  app.patch<{ Params: ItemParams }>(ITEM, { schema: { params: ItemParams } }, async (request, reply) => {
    const { def, id } = editableItem(request, reply);
    requireMediaType(request, [MEDIA.mergePatch, MEDIA.json]);
    const item = await service.patch(def, request.viewer, id, requireIfMatchAfterAuth(request, def), request.body);
    return sendItem(request, reply, def, item);
  });

  app.delete<{ Params: ItemParams }>(ITEM, { schema: { params: ItemParams } }, async (request, reply) => {
    const { def, id } = editableItem(request, reply);
    await service.remove(def, request.viewer, id, requireIfMatchAfterAuth(request, def));
    return reply.status(204).send();
  });

  app.options<{ Params: ItemParams }>(ITEM, { schema: { params: ItemParams } }, async (request, reply) =>
    allowOptions(request, reply, 'item'),
  );

  app.post<{ Params: ItemParams }>(ITEM, { schema: { params: ItemParams } }, async (request, reply) =>
    methodNotAllowed(request, reply, collection(request.params.collectionId), 'item'),
  );

  app.get<{ Params: ItemParams }>(`${ITEM}/history`, { schema: { params: ItemParams } }, async (request, reply) => {
    const def = collection(request.params.collectionId);
    const id = featureId(def, request.params.featureId);
    const entries = await service.history(def, request.viewer, id);
    reply.header('Cache-Control', 'no-store');
    return json(reply, { collection: def.id, featureId: String(id), entries });
  });

  app.post<{ Params: EntryParams }>(`${ITEM}/history/:entryId/restore`, { schema: { params: EntryParams } }, async (request, reply) => {
    const { def, id } = editableItem(request, reply);
    if (!/^[1-9][0-9]{0,15}$/.test(request.params.entryId)) throw new AppError('NOT_FOUND', 'No such history entry.');
    const { item, created } = await service.restore(def, request.viewer, id, Number(request.params.entryId), precondition(request));
    return sendItem(request, reply, def, item, created ? 201 : 200);
  });

  // 401/403 come before 428: a client without the right to edit learns that first.
  function requireIfMatchAfterAuth(request: FastifyRequest, def: CollectionDef): Precondition {
    if (!allowedMethods(def, request.viewer, 'item').includes(request.method)) {
      if (request.viewer.role === 'anonymous') throw new AppError('UNAUTHENTICATED', 'Sign in to edit this collection.');
      throw new AppError('FORBIDDEN', `Your role (${request.viewer.role}) may not edit ${def.id}.`);
    }
    return requirePrecondition(request);
  }
}
