// Sign-in, sign-out and "who am I". One login answers both clients: an httpOnly session cookie plus
// its CSRF token for the web, and a bearer token in the body for tools (QGIS, GDAL, scripts).

import rateLimit from '@fastify/rate-limit';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { AppError } from '../plugins/errors.ts';
import { verifyPassword } from '../auth/passwords.ts';
import {
  BEARER_SESSION_DAYS,
  COOKIE_SESSION_HOURS,
  SESSION_COOKIE,
  closeSession,
  findSession,
  findUserForLogin,
  openSession,
  type UserRecord,
} from '../auth/sessions.ts';

const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);
type LoginBody = Static<typeof LoginBody>;

/** Sign-ins allowed per client address per minute. */
export const LOGIN_ATTEMPTS_PER_MINUTE = 10;
/** Failed sign-ins allowed per username per quarter hour, from any address (slows distributed guessing). */
export const LOGIN_FAILURES_PER_USER = 10;
const FAILURE_WINDOW_MS = 15 * 60_000;
const MAX_TRACKED_USERNAMES = 10_000;

/** Counts failed sign-ins per username in a bounded map (per process; each server guards itself). */
class FailureCounter {
  private readonly failures = new Map<string, { count: number; until: number }>();
  blocked(username: string): boolean {
    const entry = this.failures.get(username);
    if (!entry) return false;
    if (entry.until < Date.now()) {
      this.failures.delete(username);
      return false;
    }
    return entry.count >= LOGIN_FAILURES_PER_USER;
  }
  fail(username: string): void {
    const entry = this.failures.get(username);
    if (entry && entry.until >= Date.now()) {
      entry.count++;
      return;
    }
    if (this.failures.size >= MAX_TRACKED_USERNAMES) {
      const oldest = this.failures.keys().next().value;
      if (oldest !== undefined) this.failures.delete(oldest);
    }
    this.failures.set(username, { count: 1, until: Date.now() + FAILURE_WINDOW_MS });
  }
  succeed(username: string): void {
    this.failures.delete(username);
  }
}

function publicUser(user: UserRecord) {
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    displayName: user.displayName,
    communes: user.role === 'officer' ? user.communes : [],
    farmerId: user.role === 'farmer' ? user.farmerId : null,
  };
}

function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: request.protocol === 'https',
    path: '/',
    maxAge: COOKIE_SESSION_HOURS * 3600,
  });
}

/** /api/auth/login, /api/auth/logout, /api/auth/me. */
export async function authRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const failures = new FailureCounter();
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new AppError('RATE_LIMITED', `Too many sign-in attempts; try again in ${Math.ceil(context.ttl / 1000)} s.`),
  });

  app.post<{ Body: LoginBody }>(
    '/api/auth/login',
    {
      schema: { body: LoginBody },
      config: { skipCsrf: true, rateLimit: { max: LOGIN_ATTEMPTS_PER_MINUTE, timeWindow: 60_000 } },
    },
    async (request, reply) => {
      const username = request.body.username.trim().toLowerCase();
      if (failures.blocked(username)) {
        throw new AppError('RATE_LIMITED', 'Too many failed sign-ins for this user; wait 15 minutes or ask an administrator.');
      }
      const found = /^[a-z0-9._-]{3,64}$/.test(username) ? await findUserForLogin(ctx.db, username) : null;
      const ok = await verifyPassword(found?.passwordHash ?? null, request.body.password);
      if (!found || !ok) {
        failures.fail(username);
        throw new AppError('UNAUTHENTICATED', 'Wrong username or password.');
      }
      failures.succeed(username);
      const cookie = await openSession(ctx.db, found.user.id, 'cookie');
      const bearer = await openSession(ctx.db, found.user.id, 'bearer');
      setSessionCookie(request, reply, cookie.token);
      reply.header('Cache-Control', 'no-store');
      return {
        user: publicUser(found.user),
        csrfToken: cookie.csrfToken,
        sessionExpiresAt: cookie.expiresAt,
        token: bearer.token,
        tokenType: 'Bearer',
        tokenExpiresAt: bearer.expiresAt,
        tokenLifetimeDays: BEARER_SESSION_DAYS,
      };
    },
  );

  app.post('/api/auth/logout', async (request, reply) => {
    if (request.sessionToken) await closeSession(ctx.db, request.sessionToken);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send();
  });

  app.get('/api/auth/me', async (request, reply) => {
    reply.header('Cache-Control', 'no-store');
    const { viewer } = request;
    if (viewer.userId === null || !request.sessionToken) return { user: null, role: 'anonymous', via: 'none', csrfToken: null };
    const session = await findSession(ctx.db, request.sessionToken);
    if (!session) return { user: null, role: 'anonymous', via: 'none', csrfToken: null };
    // The page's memory is gone after a reload; the httpOnly cookie is not: hand the CSRF token back.
    return { user: publicUser(session.user), role: viewer.role, via: viewer.via, csrfToken: session.csrfToken };
  });
}
