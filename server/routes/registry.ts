// The growing-area registry under /api (JSON; errors as problem+json). Thin: each handler reads
// the viewer and calls one service; the services enforce roles and communes.
//
//   GET    /api/farmers?commune&q&limit&offset      officers (their communes), admin: farmers with personal data (logged)
//                                                   with their commune's name and their plots' count, first and extent
//   POST   /api/farmers                             register a farmer (gets a card lookup code)
//   GET    /api/farmers/:id                         profile (officers of the commune, admin, the farmer); ETag "id-version.hash"
//   PATCH  /api/farmers/:id                         change profile; If-Match the ETag read: stale 412 (currentETag),
//                                                   none 428; answers the new ETag
//   GET    /api/farmers/:id/plots                   the farmer's plots
//   GET    /api/me                                  signed-in farmer: own profile
//   GET    /api/me/plots                            signed-in farmer: own plots
//   GET    /api/farmer-cards/:code/plots            anyone holding the card code: plots, no personal data
//   GET    /api/growing-areas?commune&status&crop&scheme&limit&offset
//   POST   /api/growing-areas                       create a draft (optionally with plotIds)
//   GET    /api/growing-areas/:id                   profile, member plots, allowed next statuses; ETag "id-version.scope"
//   PATCH  /api/growing-areas/:id                   edit a draft; If-Match the ETag read (or the features API item's):
//                                                   stale 412 (currentETag), none 428; answers the new ETag
//   POST   /api/growing-areas/:id/plots             add plots {plotIds} to a draft
//   DELETE /api/growing-areas/:id/plots/:plotId     remove a plot from a draft
//   POST   /api/growing-areas/:id/transitions       {to, decisionNo?, decidedOn?, code?, note?, attachments?, inspection?}; 409 lists allowed
//                                                   (inspection {inspectedOn, conclusion, checklist?, notes?}: written with a pass/fail)
//   GET    /api/growing-areas/:id/history           every transition of every version of the lineage
//   POST   /api/growing-areas/:id/reissue           new draft version, old one superseded
//   GET    /api/growing-areas/:id/proposed-code     next code for the province's pattern (editable)
//   POST   /api/growing-areas/:id/documents?name    body: a decision's scan itself, PDF/JPEG/PNG by its bytes (≤ 10 MiB; empty 400,
//                                                   larger 413, other bytes or a Content-Type its bytes belie 415); staff of the
//                                                   area's commune; 201 {id, name, type, bytes, ref}: a move's attachments name it
//                                                   by ref (once; 422 for an unknown ref, another area's, one already used).
//                                                   Header Idempotency-Key as for photos
//   GET    /api/growing-areas/:id/documents/:docId  the stored scan (inline, its name in Content-Disposition), as the card's read
//   DELETE /api/growing-areas/:id/documents/:docId  a scan no move carries (removed from the form before sending); 204; staff of
//                                                   the area's commune; 409 document-already-used once a move carries it; 404
//                                                   another area's. Unclaimed scans are swept UNCLAIMED_DOCUMENT_HOURS after upload
//   GET    /api/growing-areas/:id/inspections       inspections with photos
//   POST   /api/growing-areas/:id/inspections       {inspectedOn, checklist, conclusion?, notes?}; 201; 409 inspection-not-allowed.
//                                                   Header Idempotency-Key (once per inspection, as for photos): a key stored
//                                                   before answers 200 with that inspection, writes nothing; other content or
//                                                   another officer under it 409 idempotency-key-reused; bad shape 400
//   GET    /api/growing-areas/:id/profile.geojson | profile.csv | profile.html   exports
//   GET    /api/growing-areas/:id/eudr.geojson?points=true  EUDR geolocation file of the area's plots (points: plots up to 4 ha as points)
//   GET    /api/inspections/:id                     one inspection
//   POST   /api/inspections/:id/photos?lon&lat&takenAt   body: the JPEG/PNG/WebP itself (≤ 10 MiB); 201 with the inspection,
//                                                   Location: the photo. Header Idempotency-Key (16–64 of A-Z a-z 0-9 - _, once
//                                                   per picked photo): a key stored before answers 200 with that photo, writes
//                                                   nothing; other bytes under it 409 idempotency-key-reused; bad shape 400
//   GET    /api/inspections/:id/photos/:photoId?size=thumb   the stored photo; size=thumb: its small version if any, else the photo
//                                                   (uncached), saying which in the header Photo-Thumbnail: present | missing
//   PUT    /api/inspections/:id/photos/:photoId/thumbnail    body: the phone-made JPEG (≤ 480 px, ≤ 200 KB); 204, replaces
//   GET    /api/plots?commune&limit&offset          officers (their communes), admin: {total, plots} as /api/me/plots gives them
//   GET    /api/plots/:id                           plot profile with cadastral links
//   POST   /api/plots/:id/parcel-links              recompute the cadastral links
//   GET    /api/plots/:id/diary  POST …/diary       farm diary (entries flagged against the markets' lists; each entry's
//                                                   `problems`: reason codes with their facts, recorded when it was written).
//                                                   POST: optional Idempotency-Key as for inspections (an entry kept offline,
//                                                   sent again): the key stored before answers its entry 200; other content
//                                                   or another account under it 409 idempotency-key-reused; bad shape 400
//   GET    /api/plots/:id/residue-tests  POST …     residue tests
//   GET    /api/substances?market=VN,EU             the allowed-substance lists by substance, each market's row and MRL
//                                                   (public: regulatory data; ETag, max-age 60 s; bad or unknown parameters 400; writes 405)
//   GET    /api/eudr/export?commune=&points=true  EUDR file of every plot in the viewer's communes
//   POST   /api/eudr/validate                       checks any EUDR GeoJSON (public)
//   GET    /api/statistics/growing-areas            counts and hectares per commune, crop, status (public)
//
// Every JSON body above is refused 400 (reason unknown-field, `field`, `fields`, `didYouMean`) when it
// holds a member its schema does not declare, at any depth, before anything is read or written.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  AreaPlotParams,
  CommunePlotsQuery,
  DiaryBody,
  EudrQuery,
  ProfilePageQuery,
  FarmerBody,
  FarmerList,
  FarmerListQuery,
  FarmerPatch,
  GrowingAreaBody,
  GrowingAreaListQuery,
  GrowingAreaPatch,
  IDEMPOTENCY_KEY_HEADER,
  IdParams,
  InspectionBody,
  PhotoFileQuery,
  PhotoParams,
  PhotoQuery,
  PHOTO_THUMBNAIL,
  PHOTO_THUMBNAIL_HEADER,
  PlotIdsBody,
  ReissueBody,
  ResidueBody,
  TransitionBody,
  CodeParams,
  DocumentParams,
  DocumentQuery,
} from '../contracts/registry.ts';
import { ANONYMOUS, type Viewer } from '../contracts/viewer.ts';
import { SubstanceListQuery } from '../contracts/diary.ts';
import type { AppContext } from '../context.ts';
import { EUDR_MAX_BYTES, validateEudrGeoJson } from '../domain/eudr.ts';
import { MAX_PHOTO_BYTES, MAX_THUMBNAIL_BYTES, PHOTO_TYPES } from '../domain/photo-facts.ts';
import { contentDisposition, MAX_DOCUMENT_BYTES } from '../domain/document-facts.ts';
import * as documents from '../registry/area-documents.service.ts';
import rateLimit from '@fastify/rate-limit';
import { Type } from '@sinclair/typebox';
import { AppError, STATUS_BY_CODE } from '../plugins/errors.ts';
import * as exportsService from '../registry/exports.service.ts';
import * as farmers from '../registry/farmers.service.ts';
import * as areas from '../registry/growing-areas.service.ts';
import * as inspections from '../registry/inspections.service.ts';
import * as plots from '../registry/plots.service.ts';
import { growingAreaStatistics } from '../registry/statistics.service.ts';
import { refuseWrites, sendCachedJson } from './cached-json.ts';
import { refuseUnknownBodyFields } from '../plugins/unknown-fields.ts';
import { areaETag, readIfMatch } from '../registry/preconditions.ts';

/** The viewer the auth plugin put on the request; anonymous if the plugin is not registered (a bare test app). */
export function viewerOf(request: FastifyRequest): Viewer {
  return (request.viewer as Viewer | null | undefined) ?? ANONYMOUS;
}

/** Card-code look-ups allowed per client address per minute (a family checking its plots needs a handful). */
export const CARD_LOOKUPS_PER_MINUTE = 30;

const ExportQuery = Type.Object(
  { commune: Type.Optional(Type.String({ pattern: '^[0-9]{5}$' })), points: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

function attachment(reply: FastifyReply, type: string, name: string): FastifyReply {
  return reply.type(type).header('Content-Disposition', `attachment; filename="${name}"`).header('Cache-Control', 'no-store');
}

/** Registers the registry routes. */
export async function registryRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { db, config } = ctx;
  type Req<P = unknown, Q = unknown, B = unknown> = FastifyRequest<{ Params: P; Querystring: Q; Body: B }>;
  // A misspelt member ('decided_on') is a 400 naming it, not dropped by the schema into a default.
  app.addHook('onRoute', refuseUnknownBodyFields);

  // Farmers
  app.get(
    '/api/farmers',
    { schema: { querystring: FarmerListQuery, response: { 200: FarmerList } } },
    (req: Req<unknown, FarmerListQuery>) => farmers.listFarmers(db, viewerOf(req), req.query),
  );
  // A farmer's answers carry its ETag (farmers.farmerETag), for the If-Match of a correction.
  app.post('/api/farmers', { schema: { body: FarmerBody } }, async (req: Req<unknown, unknown, FarmerBody>, reply) => {
    const farmer = await farmers.createFarmer(db, viewerOf(req), req.body);
    return reply.status(201).header('Location', `/api/farmers/${farmer.id}`).header('ETag', farmers.farmerETag(farmer)).send(farmer);
  });
  app.get('/api/farmers/:id', { schema: { params: IdParams } }, async (req: Req<IdParams>, reply) => {
    const farmer = await farmers.getFarmer(db, viewerOf(req), req.params.id);
    return reply.header('ETag', farmers.farmerETag(farmer)).send(farmer);
  });
  app.patch(
    '/api/farmers/:id',
    { schema: { params: IdParams, body: FarmerPatch } },
    async (req: Req<IdParams, unknown, FarmerPatch>, reply) => {
      const farmer = await farmers.updateFarmer(db, viewerOf(req), req.params.id, req.body, readIfMatch(req.headers['if-match']));
      return reply.header('ETag', farmers.farmerETag(farmer)).send(farmer);
    },
  );
  app.get('/api/farmers/:id/plots', { schema: { params: IdParams } }, async (req: Req<IdParams>) => ({
    plots: await farmers.farmerPlots(db, viewerOf(req), req.params.id),
  }));
  app.get('/api/me', (req) => farmers.myProfile(db, viewerOf(req)));
  app.get('/api/me/plots', async (req) => ({ plots: await farmers.myPlots(db, viewerOf(req)) }));
  await app.register(async (scope) => {
    // A card code is a secret of about 40 bits: guessing codes is slowed down per client address.
    await scope.register(rateLimit, {
      global: false,
      errorResponseBuilder: (_request, context) =>
        new AppError('RATE_LIMITED', `Too many card look-ups; try again in ${Math.ceil(context.ttl / 1000)} s.`),
    });
    scope.get(
      '/api/farmer-cards/:code/plots',
      { schema: { params: CodeParams }, config: { rateLimit: { max: CARD_LOOKUPS_PER_MINUTE, timeWindow: 60_000 } } },
      async (req: Req<CodeParams>, reply) => {
        reply.header('Cache-Control', 'no-store');
        return farmers.plotsByLookupCode(db, req.params.code);
      },
    );
  });

  // Growing areas and their lifecycle
  app.get('/api/growing-areas', { schema: { querystring: GrowingAreaListQuery } }, (req: Req<unknown, GrowingAreaListQuery>) =>
    areas.listAreas(db, viewerOf(req), req.query),
  );
  app.post('/api/growing-areas', { schema: { body: GrowingAreaBody } }, async (req: Req<unknown, unknown, GrowingAreaBody>, reply) => {
    const area = await areas.createArea(db, viewerOf(req), req.body);
    return reply
      .status(201)
      .header('Location', `/api/growing-areas/${area.id}`)
      .header('ETag', areaETag(area.id, area.version, viewerOf(req)))
      .send(area);
  });
  app.get('/api/growing-areas/:id', { schema: { params: IdParams } }, async (req: Req<IdParams>, reply) => {
    const area = await areas.getArea(db, viewerOf(req), req.params.id);
    return reply.header('ETag', areaETag(area.id, area.version, viewerOf(req))).send(area);
  });
  app.patch(
    '/api/growing-areas/:id',
    { schema: { params: IdParams, body: GrowingAreaPatch } },
    async (req: Req<IdParams, unknown, GrowingAreaPatch>, reply) => {
      const area = await areas.updateArea(db, viewerOf(req), req.params.id, req.body, readIfMatch(req.headers['if-match']));
      return reply.header('ETag', areaETag(area.id, area.version, viewerOf(req))).send(area);
    },
  );
  app.post(
    '/api/growing-areas/:id/plots',
    { schema: { params: IdParams, body: PlotIdsBody } },
    (req: Req<IdParams, unknown, PlotIdsBody>) => areas.addPlots(db, viewerOf(req), req.params.id, req.body.plotIds),
  );
  app.delete('/api/growing-areas/:id/plots/:plotId', { schema: { params: AreaPlotParams } }, (req: Req<AreaPlotParams>) =>
    areas.removePlot(db, viewerOf(req), req.params.id, req.params.plotId),
  );
  app.post(
    '/api/growing-areas/:id/transitions',
    { schema: { params: IdParams, body: TransitionBody } },
    async (req: Req<IdParams, unknown, TransitionBody>, reply) =>
      reply.status(201).send(await areas.transition(db, viewerOf(req), req.params.id, req.body)),
  );
  app.get('/api/growing-areas/:id/history', { schema: { params: IdParams } }, (req: Req<IdParams>) =>
    areas.history(db, viewerOf(req), req.params.id),
  );
  app.post(
    '/api/growing-areas/:id/reissue',
    { schema: { params: IdParams, body: ReissueBody } },
    async (req: Req<IdParams, unknown, ReissueBody>, reply) => {
      const area = await areas.reissue(db, viewerOf(req), req.params.id, req.body ?? {});
      return reply.status(201).header('Location', `/api/growing-areas/${area.id}`).send(area);
    },
  );
  app.get('/api/growing-areas/:id/proposed-code', { schema: { params: IdParams } }, (req: Req<IdParams>) =>
    areas.proposedCode(db, viewerOf(req), req.params.id),
  );

  // A decision's scan, attached to a lifecycle move
  await app.register(async (scope) => {
    // The body is the file itself whatever it says it is: its bytes decide (a disguised file is
    // refused 415 by the service, not parsed as JSON or text here).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_DOCUMENT_BYTES }, (_req, body, done) => done(null, body));
    scope.post(
      '/api/growing-areas/:id/documents',
      { bodyLimit: MAX_DOCUMENT_BYTES, schema: { params: IdParams, querystring: DocumentQuery } },
      async (req: Req<IdParams, DocumentQuery, Buffer>, reply) => {
        const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const key = req.headers[IDEMPOTENCY_KEY_HEADER.toLowerCase()];
        const up = await documents.uploadDocument(
          db,
          viewerOf(req),
          config.uploadDir,
          req.params.id,
          bytes,
          req.headers['content-type'],
          req.query.name,
          key,
        );
        return reply
          .status(up.replayed ? 200 : 201)
          .header('Location', up.document.ref)
          .send(up.document);
      },
    );
  });
  app.get('/api/growing-areas/:id/documents/:docId', { schema: { params: DocumentParams } }, async (req: Req<DocumentParams>, reply) => {
    const file = await documents.readDocument(db, viewerOf(req), config.uploadDir, req.params.id, req.params.docId);
    return reply
      .type(file.type)
      .header('Content-Disposition', contentDisposition(file.name))
      .header('X-Content-Type-Options', 'nosniff')
      .header('Cache-Control', 'private, no-store')
      .send(file.content);
  });

  app.delete('/api/growing-areas/:id/documents/:docId', { schema: { params: DocumentParams } }, async (req: Req<DocumentParams>, reply) => {
    await documents.deleteDocument(db, viewerOf(req), config.uploadDir, req.params.id, req.params.docId);
    return reply.status(204).send();
  });
  // Scans no move claimed: swept at start and every hour, the timer stopped with the app.
  const sweep = documents.startDocumentSweep(db, config.uploadDir, config.unclaimedDocumentHours, {
    info: (message) => app.log.info(message),
    warn: (message) => app.log.warn(message),
  });
  app.addHook('onClose', () => sweep.stop());

  // Inspections and photos
  app.get('/api/growing-areas/:id/inspections', { schema: { params: IdParams } }, async (req: Req<IdParams>) => ({
    inspections: await inspections.listInspections(db, viewerOf(req), req.params.id),
  }));
  app.post(
    '/api/growing-areas/:id/inspections',
    { schema: { params: IdParams, body: InspectionBody } },
    async (req: Req<IdParams, unknown, InspectionBody>, reply) => {
      const key = req.headers[IDEMPOTENCY_KEY_HEADER.toLowerCase()];
      const done = await inspections.createInspection(db, viewerOf(req), req.params.id, req.body, key);
      return reply.status(done.replayed ? 200 : 201).send(done.inspection);
    },
  );
  app.get('/api/inspections/:id', { schema: { params: IdParams } }, (req: Req<IdParams>) =>
    inspections.getInspection(db, viewerOf(req), req.params.id),
  );
  await app.register(async (scope) => {
    // Photos arrive as the raw image body (a phone posts the file as is); only image types parse here.
    scope.addContentTypeParser(
      [...PHOTO_TYPES, 'application/octet-stream'],
      { parseAs: 'buffer', bodyLimit: MAX_PHOTO_BYTES },
      (_req, body, done) => done(null, body),
    );
    scope.post(
      '/api/inspections/:id/photos',
      { bodyLimit: MAX_PHOTO_BYTES, schema: { params: IdParams, querystring: PhotoQuery } },
      async (req: Req<IdParams, PhotoQuery, Buffer>, reply) => {
        const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const declared = req.headers['content-type'] === 'application/octet-stream' ? undefined : req.headers['content-type'];
        const key = req.headers[IDEMPOTENCY_KEY_HEADER.toLowerCase()];
        const up = await inspections.addPhoto(db, viewerOf(req), config.uploadDir, req.params.id, bytes, declared, req.query, key);
        return reply
          .status(up.replayed ? 200 : 201)
          .header('Location', `/api/inspections/${req.params.id}/photos/${up.photoId}`)
          .send(up.inspection);
      },
    );
    scope.put(
      '/api/inspections/:id/photos/:photoId/thumbnail',
      { bodyLimit: MAX_THUMBNAIL_BYTES, schema: { params: PhotoParams } },
      async (req: Req<PhotoParams, unknown, Buffer>, reply) => {
        const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const declared = req.headers['content-type'] === 'application/octet-stream' ? undefined : req.headers['content-type'];
        await inspections.putThumbnail(db, viewerOf(req), config.uploadDir, req.params.id, req.params.photoId, bytes, declared);
        return reply.status(204).send();
      },
    );
  });
  app.get(
    '/api/inspections/:id/photos/:photoId',
    { schema: { params: PhotoParams, querystring: PhotoFileQuery } },
    async (req: Req<PhotoParams, PhotoFileQuery>, reply) => {
      const size = req.query.size ?? 'full';
      const photo = await inspections.readPhoto(db, viewerOf(req), config.uploadDir, req.params.id, req.params.photoId, size);
      // The photo answered for a small version not there yet is not kept under the small version's URL:
      // the phone sends that right after the photo, and the next page load must get it.
      const stale = size === 'thumb' && !photo.thumb;
      // Said, not left to be guessed from the size: a client that may add photos makes the missing small version.
      if (size === 'thumb') reply.header(PHOTO_THUMBNAIL_HEADER, stale ? PHOTO_THUMBNAIL.MISSING : PHOTO_THUMBNAIL.PRESENT);
      return reply
        .type(photo.mime)
        .header('Cache-Control', stale ? 'private, no-store' : 'private, max-age=3600')
        .header('X-Content-Type-Options', 'nosniff')
        .send(photo.bytes);
    },
  );

  // Plots: profile, cadastral links, diary, residue tests
  app.get('/api/plots', { schema: { querystring: CommunePlotsQuery } }, (req: Req<unknown, CommunePlotsQuery>) =>
    farmers.communePlots(db, viewerOf(req), req.query),
  );
  app.get('/api/plots/:id', { schema: { params: IdParams } }, (req: Req<IdParams>) => plots.getPlot(db, viewerOf(req), req.params.id));
  app.post('/api/plots/:id/parcel-links', { schema: { params: IdParams } }, (req: Req<IdParams>) =>
    plots.relinkParcels(db, viewerOf(req), req.params.id),
  );
  app.get('/api/plots/:id/diary', { schema: { params: IdParams } }, async (req: Req<IdParams>) => ({
    entries: await plots.listDiary(db, viewerOf(req), req.params.id),
  }));
  app.post(
    '/api/plots/:id/diary',
    { schema: { params: IdParams, body: DiaryBody } },
    async (req: Req<IdParams, unknown, DiaryBody>, reply) => {
      const done = await plots.addDiaryEntry(db, viewerOf(req), req.params.id, req.body, req.headers['idempotency-key']);
      return reply.status(done.replayed ? 200 : 201).send(done.entry);
    },
  );
  app.get('/api/plots/:id/residue-tests', { schema: { params: IdParams } }, async (req: Req<IdParams>) => ({
    tests: await plots.listResidueTests(db, viewerOf(req), req.params.id),
  }));
  app.post(
    '/api/plots/:id/residue-tests',
    { schema: { params: IdParams, body: ResidueBody } },
    async (req: Req<IdParams, unknown, ResidueBody>, reply) =>
      reply.status(201).send(await plots.addResidueTest(db, viewerOf(req), req.params.id, req.body)),
  );
  app.get<{ Querystring: SubstanceListQuery }>(
    '/api/substances',
    {
      schema: { querystring: SubstanceListQuery },
      // Fastify strips unknown parameters silently; a misspelt filter ('markets') must not answer every list.
      preValidation: async (req) => {
        const unknown = Object.keys((req.query ?? {}) as Record<string, unknown>).filter((k) => k !== 'market');
        if (unknown.length) {
          throw new AppError(
            'BAD_REQUEST',
            `Unknown query parameter ${JSON.stringify(unknown[0]!.slice(0, 40))}; /api/substances takes only market.`,
          );
        }
      },
    },
    async (req, reply) => {
      const list = await plots.listSubstances(db, req.query.market?.split(','));
      return sendCachedJson(req, reply, JSON.stringify(list), 'public, max-age=60, must-revalidate');
    },
  );
  refuseWrites(app, '/api/substances', 'The allowed-substance lists are read-only here; an administrator edits allowed_substances.');

  // Exports
  app.get('/api/growing-areas/:id/profile.geojson', { schema: { params: IdParams } }, async (req: Req<IdParams>, reply) =>
    attachment(reply, 'application/geo+json', `growing-area-${req.params.id}.geojson`).send(
      await exportsService.profileGeoJson(db, viewerOf(req), req.params.id),
    ),
  );
  app.get('/api/growing-areas/:id/profile.csv', { schema: { params: IdParams } }, async (req: Req<IdParams>, reply) =>
    attachment(reply, 'text/csv; charset=utf-8', `growing-area-${req.params.id}.csv`).send(
      await exportsService.profileCsv(db, viewerOf(req), req.params.id),
    ),
  );
  app.get(
    '/api/growing-areas/:id/profile.html',
    { schema: { params: IdParams, querystring: ProfilePageQuery } },
    async (req: Req<IdParams, ProfilePageQuery>, reply) => {
      reply
        .type('text/html; charset=utf-8')
        .header('Cache-Control', 'no-store')
        .header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
      try {
        return reply.send(await exportsService.profileHtml(db, viewerOf(req), req.params.id, req.query.lang));
      } catch (error) {
        // The profile opens in a browser tab: a refusal there reads as a page (same status), not as JSON.
        if (!(error instanceof AppError)) throw error;
        const status = STATUS_BY_CODE[error.code] ?? 400;
        return reply.status(status).send(exportsService.profileRefusalHtml(status, error.message));
      }
    },
  );
  app.get(
    '/api/growing-areas/:id/eudr.geojson',
    { schema: { params: IdParams, querystring: EudrQuery } },
    async (req: Req<IdParams, EudrQuery>, reply) => {
      const file = await exportsService.eudrExport(
        db,
        viewerOf(req),
        { growingAreaId: req.params.id },
        { points: req.query.points ?? false },
      );
      return attachment(reply, 'application/geo+json', `eudr-growing-area-${req.params.id}.geojson`).send(file.text);
    },
  );
  app.get(
    '/api/eudr/export',
    { schema: { querystring: ExportQuery } },
    async (req: Req<unknown, { commune?: string; points?: boolean }>, reply) => {
      const file = await exportsService.eudrExport(
        db,
        viewerOf(req),
        { ...(req.query.commune ? { commune: req.query.commune } : {}) },
        { points: req.query.points ?? false },
      );
      return attachment(reply, 'application/geo+json', `eudr-${req.query.commune ?? 'all'}.geojson`).send(file.text);
    },
  );
  await app.register(async (scope) => {
    // The validator reads the text itself: decimals are lost once JSON is parsed (105.600000 → 105.6).
    scope.removeContentTypeParser(['application/json']);
    scope.addContentTypeParser(
      ['application/json', 'application/geo+json', 'text/plain'],
      { parseAs: 'string', bodyLimit: EUDR_MAX_BYTES + 1024 },
      (_req, body, done) => done(null, body),
    );
    scope.post('/api/eudr/validate', { bodyLimit: EUDR_MAX_BYTES + 1024 }, async (req: Req<unknown, unknown, string>) => {
      const text = typeof req.body === 'string' ? req.body : '';
      return validateEudrGeoJson(text);
    });
  });

  app.get('/api/statistics/growing-areas', async (_req, reply) => {
    reply.header('Cache-Control', 'public, max-age=60');
    return growingAreaStatistics(db);
  });
}
