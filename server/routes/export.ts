import fs from 'node:fs';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { ANONYMOUS, type Viewer } from '../contracts/viewer.ts';
import { EXPORT_FORMATS, exportCollection, type ExportFormat } from '../io/export.ts';
import { TARGETS, type Target } from '../io/targets.ts';
import { AppError } from '../plugins/errors.ts';

const viewerOf = (request: FastifyRequest): Viewer => (request as { viewer?: Viewer }).viewer ?? ANONYMOUS;

function parseBbox(text: string): [number, number, number, number] {
  const parts = text.split(',').map(Number);
  if (parts.length !== 4 || !parts.every(Number.isFinite)) throw new AppError('INVALID_BBOX', 'bbox is minLon,minLat,maxLon,maxLat.');
  const [a, b, c, d] = parts as [number, number, number, number];
  if (a > c || b > d || a < -180 || c > 180 || b < -90 || d > 90)
    throw new AppError('INVALID_BBOX', 'bbox is minLon,minLat,maxLon,maxLat in degrees, min before max.');
  return [a, b, c, d];
}

/** GET /api/export/{collection}?format=geojson|shapefile|kml|csv|gpkg&crs=EPSG:…&bbox=…&filters: a download of what the viewer may read. */
export async function exportRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get<{ Params: { collection: string }; Querystring: Record<string, string> }>(
    '/api/export/:collection',
    { schema: { params: { type: 'object', properties: { collection: { type: 'string', maxLength: 40 } }, required: ['collection'] } } },
    async (request, reply) => {
      const collection = request.params.collection;
      if (!(collection in TARGETS))
        throw new AppError('UNKNOWN_COLLECTION', `No collection "${collection}"; use ${Object.keys(TARGETS).join(', ')}.`);
      const { format = 'geojson', crs, bbox, ...filters } = request.query;
      if (!(EXPORT_FORMATS as readonly string[]).includes(format))
        throw new AppError('BAD_REQUEST', `format must be one of ${EXPORT_FORMATS.join(', ')}.`);
      const result = await exportCollection(ctx.db, {
        collection: collection as Target['collection'],
        format: format as ExportFormat,
        viewer: viewerOf(request),
        ...(bbox ? { bbox: parseBbox(bbox) } : {}),
        ...(crs ? { crs } : {}),
        filters,
      });
      const stream = fs.createReadStream(result.file);
      stream.on('close', () => void result.cleanup());
      return reply
        .header('Content-Type', result.contentType)
        .header('Content-Disposition', `attachment; filename="${result.filename}"`)
        .header('X-Feature-Count', String(result.count))
        .header('Cache-Control', 'no-store')
        .send(stream);
    },
  );
}
