import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../plugins/errors.ts';

/**
 * Sends a JSON body with a strong ETag (304 when the client has it) and brotli or gzip when the
 * client accepts it: the style and the land-use table are read by every phone on every start, and
 * their repeated colour lists shrink to a tenth.
 */
export function sendCachedJson(request: FastifyRequest, reply: FastifyReply, body: string, cacheControl: string): FastifyReply {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
  reply.header('ETag', etag).header('Cache-Control', cacheControl).header('Vary', 'Accept-Encoding');
  const match = request.headers['if-none-match'];
  if (match && match.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) return reply.status(304).send();
  reply.type('application/json; charset=utf-8');
  const accept = String(request.headers['accept-encoding'] ?? '');
  if (/\bbr\b/.test(accept)) {
    return reply
      .header('Content-Encoding', 'br')
      .send(zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } }));
  }
  if (/\bgzip\b/.test(accept)) return reply.header('Content-Encoding', 'gzip').send(zlib.gzipSync(body));
  return reply.send(body);
}

/** Answers writes to a read-only JSON endpoint with 405, an Allow header and why (problem+json). */
export function refuseWrites(app: FastifyInstance, url: string, why: string): void {
  app.route({
    method: ['POST', 'PUT', 'PATCH', 'DELETE'],
    url,
    handler: async (_request, reply) => {
      reply.header('Allow', 'GET, HEAD');
      throw new AppError('METHOD_NOT_ALLOWED', why);
    },
  });
}
