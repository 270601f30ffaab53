// Public lookups under /api/lookup (JSON; errors as problem+json). No personal data, whoever asks.
//
//   GET /api/lookup/growing-areas/:code              a code on a package: crop, status, area, markets, map
//   GET /api/lookup/parcel?commune&sheet&parcel      every zoning lot and land use of a parcel, m² and %
//   GET /api/lookup/place?lon&lat                    what is here: units, parcel, land use, zones, coded areas
//   GET /api/lookup/units?name                       a unit by name, old names resolved to today's
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CodeParams, ParcelLookupQuery, PlaceQuery, PublicGrowingArea, UnitQuery } from '../contracts/registry.ts';
import type { AppContext } from '../context.ts';
import { lookupCode, lookupParcel, lookupPlace, lookupUnit } from '../registry/lookup.service.ts';

/** Registers the lookup routes. */
export async function lookupRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { db } = ctx;
  // The response schema is the privacy guard: the serializer writes the declared fields only.
  app.get(
    '/api/lookup/growing-areas/:code',
    { schema: { params: CodeParams, response: { 200: PublicGrowingArea } } },
    async (req: FastifyRequest<{ Params: CodeParams }>, reply) => {
      // Short: a revocation must reach a buyer's phone within a minute.
      reply.header('Cache-Control', 'public, max-age=60');
      return lookupCode(db, req.params.code);
    },
  );
  app.get('/api/lookup/parcel', { schema: { querystring: ParcelLookupQuery } }, (req: FastifyRequest<{ Querystring: ParcelLookupQuery }>) =>
    lookupParcel(db, req.query.commune, req.query.sheet, req.query.parcel),
  );
  app.get('/api/lookup/place', { schema: { querystring: PlaceQuery } }, (req: FastifyRequest<{ Querystring: PlaceQuery }>) =>
    lookupPlace(db, req.query.lon, req.query.lat),
  );
  app.get('/api/lookup/units', { schema: { querystring: UnitQuery } }, (req: FastifyRequest<{ Querystring: UnitQuery }>) =>
    lookupUnit(db, req.query.name),
  );
}
