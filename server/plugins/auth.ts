// Who is asking: puts request.viewer on every request, from a bearer token (tools) or the session
// cookie (the web), and refuses cookie-authenticated writes without the session's CSRF token.
// Requests without credentials cost nothing: they are anonymous.

import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { ANONYMOUS, type Viewer } from '../contracts/viewer.ts';
import { CSRF_HEADER, SESSION_COOKIE, findSession, sameSecret, viewerOf } from '../auth/sessions.ts';
import { AppError } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is asking (anonymous without credentials); every read path filters by it. */
    viewer: Viewer;
    /** The session token that authenticated the request, for sign-out. */
    sessionToken: string | null;
  }
  interface FastifyContextConfig {
    /** Routes that do not act on the current session (sign-in) skip the CSRF check. */
    skipCsrf?: boolean;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

async function authenticate(ctx: AppContext, request: FastifyRequest): Promise<void> {
  request.viewer = ANONYMOUS;
  request.sessionToken = null;
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+([A-Za-z0-9_-]{20,200})\s*$/i.exec(authorization);
    if (!match)
      throw new AppError('UNAUTHENTICATED', 'The Authorization header must be "Bearer <token>" with a token from POST /api/auth/login.');
    const token = match[1] as string;
    const session = await findSession(ctx.db, token);
    // A tool with a dead token must be told, not silently served as anonymous.
    if (!session || session.kind !== 'bearer')
      throw new AppError('UNAUTHENTICATED', 'The bearer token is unknown or expired; sign in again.');
    request.viewer = viewerOf(session);
    request.sessionToken = token;
    return;
  }
  const token = request.cookies[SESSION_COOKIE];
  if (!token) return;
  const session = await findSession(ctx.db, token);
  // A stale cookie just means signed out; the web learns it from /api/auth/me.
  if (!session || session.kind !== 'cookie') return;
  if (!SAFE_METHODS.has(request.method) && !request.routeOptions.config?.skipCsrf) {
    const sent = request.headers[CSRF_HEADER];
    if (typeof sent !== 'string' || !session.csrfToken || !sameSecret(sent, session.csrfToken)) {
      throw new AppError('CSRF', `Writes with the session cookie need the ${CSRF_HEADER} header from sign-in (or /api/auth/me).`);
    }
  }
  request.viewer = viewerOf(session);
  request.sessionToken = token;
}

/** Registers cookie parsing and the viewer hook on the root instance, so every route sees request.viewer. */
export async function registerAuth(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await app.register(cookie);
  // Reference-type defaults are refused by Fastify 5; the hook sets a value on every request.
  app.decorateRequest('viewer', null as unknown as Viewer);
  app.decorateRequest('sessionToken', null);
  app.addHook('onRequest', async (request) => authenticate(ctx, request));
}
