// The search box under /api/search (JSON; errors as problem+json).
//
//   GET /api/search?q&limit   parcels ("29890 12 345", "tờ 12 thửa 345"), zoning-lot codes ("ODT-53"), growing-area codes and names
//                             (drafts for their ward and administrators; a person registrant for staff of its commune), addresses,
//                             unit names old and new; owners for officers (their communes) and admin.
//                             Each hit has a bbox and a center to fly to, a Vietnamese label and the facts it
//                             is made of (for clients to word in their language); a parcel-like query that
//                             found nothing is answered with what was `understood` and what is missing.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SearchQuery, SearchResponse } from '../contracts/registry.ts';
import type { AppContext } from '../context.ts';
import { search } from '../registry/search.service.ts';
import { viewerOf } from './registry.ts';

/** Registers the search route. */
export async function searchRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get(
    '/api/search',
    { schema: { querystring: SearchQuery, response: { 200: SearchResponse } } },
    async (req: FastifyRequest<{ Querystring: SearchQuery }>, reply) => {
      reply.header('Cache-Control', 'private, no-store');
      return search(ctx.db, viewerOf(req), req.query.q, req.query.limit);
    },
  );
}
