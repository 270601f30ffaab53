// Answers of /api and /ogc that may differ by who asks: caches are told so. An officer's registry
// reads (a farmer's name, phone and citizen ID) must not be kept where the next person on a shared
// phone, or a proxy in front of many, could be handed them: such answers say they vary by the
// credentials (Cookie, Authorization) and, when read with credentials and the route set no caching
// of its own, that they are private and not to be stored. Answers a route marked public (the same
// for everyone: lookups, statistics, catalogues) are left as the route wrote them.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** The credentials an answer of these paths may depend on. */
export const VARY_BY_VIEWER = ['Cookie', 'Authorization'] as const;

const VIEWER_PATHS = /^\/(api|ogc)(\/|$|\?)/;

function headerText(value: ReturnType<FastifyReply['getHeader']>): string {
  if (value === undefined) return '';
  return Array.isArray(value) ? value.join(', ') : String(value);
}

/** Vary with the credentials added to what the route said (Accept-Encoding kept, nothing twice). */
export function varyWithViewer(existing: string): string {
  const names = existing
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  if (names.includes('*')) return '*';
  for (const name of VARY_BY_VIEWER) if (!names.some((n) => n.toLowerCase() === name.toLowerCase())) names.push(name);
  return names.join(', ');
}

function markPrivate(request: FastifyRequest, reply: FastifyReply): void {
  if (!VIEWER_PATHS.test(request.url)) return;
  const cacheControl = headerText(reply.getHeader('cache-control')).toLowerCase();
  if (/\bpublic\b/.test(cacheControl)) return;
  reply.header('Vary', varyWithViewer(headerText(reply.getHeader('vary'))));
  const signedIn = request.viewer && request.viewer.via !== 'none';
  if (signedIn && !cacheControl && (request.method === 'GET' || request.method === 'HEAD'))
    reply.header('Cache-Control', 'private, no-store');
}

/** Registers the hook on the app (before the routes, so it reaches every route's answer). */
export function registerPrivateAnswers(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    markPrivate(request, reply);
    return payload;
  });
}
