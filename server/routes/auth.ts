// Sign-in, sign-out and "who am I". One login answers both clients: an httpOnly session cookie plus
// its CSRF token for the web, and a bearer token in the body for tools (QGIS, GDAL, scripts).

import rateLimit from '@fastify/rate-limit';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import type { Queryable } from '../db/db.ts';
import { AppError } from '../plugins/errors.ts';
import { unknownFields, unknownFieldsError } from '../plugins/unknown-fields.ts';
import { verifyPassword } from '../auth/passwords.ts';
import { changeOwnPassword, checkNewPassword, ownPasswordHash, recordSignIn } from '../auth/accounts.service.ts';
import { ACCOUNT_REASONS, ChangePasswordBody } from '../contracts/accounts.ts';
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

/**
 * Failed sign-ins allowed per client address and username per minute: one person's wrong passwords
 * hold back that name from that address, not their colleagues behind the same router. A commune
 * office behind one NAT (or every user behind a proxy without TRUST_PROXY) shares one address, and
 * one planner's ten typos used to lock the whole office out (audit s17). Successes do not count.
 */
export const LOGIN_ATTEMPTS_PER_MINUTE = 10;
/**
 * Failed sign-ins allowed per client address per minute, whatever the names: the looser cap on one
 * address guessing many accounts (each name also has its own count, per address and in the database).
 */
export const LOGIN_FAILURES_PER_ADDRESS = 100;
/** Sign-in requests of any outcome per client address per minute: each costs an argon2 check (~0.1 s of CPU). */
export const LOGIN_REQUESTS_PER_MINUTE = 150;
/** Why a sign-in was refused with 429, in the problem document's `reason`: the web words each for who reads it. */
export const LOGIN_LIMIT_REASONS = {
  /** This username failed too often from this address (the person at this machine). */
  HERE: 'user-failed-here',
  /** This address failed too often, many names together (someone else on the same network, perhaps). */
  ADDRESS: 'address-failed',
  /** This username failed too often from anywhere (its account is being guessed). */
  USER: 'user-failed',
  /** This address sent too many sign-ins of any outcome. */
  REQUESTS: 'address-requests',
} as const;
const ADDRESS_WINDOW_MS = 60_000;
/** Addresses remembered at once; beyond it the oldest windows are forgotten first. */
const ADDRESSES_KEPT = 10_000;
/** Failed sign-ins allowed per username per quarter hour, from any address (slows distributed guessing). */
export const LOGIN_FAILURES_PER_USER = 10;
const FAILURE_WINDOW_MS = 15 * 60_000;
/** The form every username has (users.username's check); other names never reach the database. */
const USERNAME = /^[a-z0-9._-]{3,64}$/;

// Counts the attempt before the password is checked, in one statement every server process shares:
// guesses sent in parallel through several processes cannot all pass a read made before any of them
// failed. A count from an expired window starts again at 1. The same statement deletes a few expired
// rows of other names, so the table holds at most the names tried within one window.
const COUNT_ATTEMPT = `
  WITH expired AS (
    DELETE FROM login_attempts WHERE username IN (
      SELECT username FROM login_attempts WHERE window_until < now() AND username <> $1
      LIMIT 20 FOR UPDATE SKIP LOCKED)
  )
  INSERT INTO login_attempts AS a (username, attempts, window_until)
  VALUES ($1, 1, now() + $2 * interval '1 millisecond')
  ON CONFLICT (username) DO UPDATE SET
    attempts = CASE WHEN a.window_until < now() THEN 1 ELSE least(a.attempts + 1, $3) END,
    window_until = CASE WHEN a.window_until < now() THEN excluded.window_until ELSE a.window_until END
  RETURNING attempts, ceil(extract(epoch FROM window_until - now()))::int AS retry_s`;

/**
 * Attempts to sign in as one username within a window, shared by every server process through the
 * database. A failed attempt stays counted; a successful one clears the count.
 */
class LoginAttempts {
  constructor(private readonly db: Queryable) {}
  /** Counts an attempt; the seconds until the user may try again when it is one too many, else null. */
  async count(username: string): Promise<number | null> {
    const { rows } = await this.db.query<{ attempts: number; retry_s: number }>(COUNT_ATTEMPT, [
      username,
      FAILURE_WINDOW_MS,
      LOGIN_FAILURES_PER_USER + 1,
    ]);
    const row = rows[0];
    return row && row.attempts > LOGIN_FAILURES_PER_USER ? Math.max(1, row.retry_s) : null;
  }
  async succeed(username: string): Promise<void> {
    await this.db.query('DELETE FROM login_attempts WHERE username = $1', [username]);
  }
}

/**
 * Failed sign-ins per key (a client address, or an address and a username) within a minute, in this
 * process's memory (with N processes an address gets N times as many tries; the per-username count in
 * the database is the guard against guessing one account). An attempt is counted before its password
 * is checked, so guesses sent at once cannot all pass a count made before any failed, and a sign-in
 * that succeeds takes its count back. An address that succeeds does not clear its failures: its own
 * account would otherwise reset the count between guesses at others.
 */
export class AddressFailures {
  private readonly windows = new Map<string, { count: number; until: number }>();

  constructor(private readonly limit = LOGIN_ATTEMPTS_PER_MINUTE) {}

  /** Counts an attempt from `address`; the seconds to wait when the address has failed too often, else null. */
  take(address: string, now = Date.now()): number | null {
    let w = this.windows.get(address);
    if (!w || w.until <= now) {
      this.windows.delete(address);
      this.forgetOld(now);
      w = { count: 0, until: now + ADDRESS_WINDOW_MS };
      this.windows.set(address, w);
    }
    if (w.count >= this.limit) return Math.max(1, Math.ceil((w.until - now) / 1000));
    w.count++;
    return null;
  }

  /** A sign-in from `address` that succeeded gives its count back. */
  refund(address: string): void {
    const w = this.windows.get(address);
    if (w && w.count > 0) w.count--;
  }

  /** How many addresses are remembered (tests). */
  get size(): number {
    return this.windows.size;
  }

  /** Keeps the map bounded: expired windows go, then the oldest ones (the map keeps insertion order). */
  private forgetOld(now: number): void {
    if (this.windows.size < ADDRESSES_KEPT) return;
    for (const [address, w] of this.windows) if (w.until <= now) this.windows.delete(address);
    for (const address of this.windows.keys()) {
      if (this.windows.size < ADDRESSES_KEPT) break;
      this.windows.delete(address);
    }
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

/** /api/auth/login, /api/auth/logout, /api/auth/me, /api/auth/password. */
export async function authRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const attempts = new LoginAttempts(ctx.db);
  const failuresHere = new AddressFailures(LOGIN_ATTEMPTS_PER_MINUTE);
  const failuresOfAddress = new AddressFailures(LOGIN_FAILURES_PER_ADDRESS);
  // A name that is no username shares one count per address (it can never sign in; any number of them
  // must not make as many windows). A line break cannot be in an address nor in a username.
  const hereKey = (ip: string, username: string) => `${ip}\n${USERNAME.test(username) ? username : ''}`;
  /** Counts an attempt of `username` from `ip` before its password is checked; 429 when one of the address's counts is full. */
  const takeHere = (reply: FastifyReply, ip: string, username: string, what: 'sign-ins' | 'wrong passwords') => {
    const here = hereKey(ip, username);
    const mine = failuresHere.take(here);
    if (mine !== null) {
      reply.header('Retry-After', String(mine));
      throw new AppError('RATE_LIMITED', `Too many ${what} for this user from this address; try again in ${mine} s.`, {
        reason: LOGIN_LIMIT_REASONS.HERE,
      });
    }
    const all = failuresOfAddress.take(ip);
    if (all !== null) {
      failuresHere.refund(here);
      reply.header('Retry-After', String(all));
      throw new AppError('RATE_LIMITED', `Too many failed sign-ins from this address (of any user); try again in ${all} s.`, {
        reason: LOGIN_LIMIT_REASONS.ADDRESS,
      });
    }
  };
  /** A sign-in that succeeded takes back what takeHere counted. */
  const refundHere = (ip: string, username: string) => {
    failuresHere.refund(hereKey(ip, username));
    failuresOfAddress.refund(ip);
  };
  // Besides the failures, a cap on requests of any outcome bounds the CPU an address can spend on
  // password checks; it too stays in this process's memory.
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new AppError('RATE_LIMITED', `Too many sign-in requests from this address; try again in ${Math.ceil(context.ttl / 1000)} s.`, {
        reason: LOGIN_LIMIT_REASONS.REQUESTS,
      }),
  });

  app.post<{ Body: LoginBody }>(
    '/api/auth/login',
    {
      schema: { body: LoginBody },
      config: { skipCsrf: true, rateLimit: { max: LOGIN_REQUESTS_PER_MINUTE, timeWindow: ADDRESS_WINDOW_MS } },
    },
    async (request, reply) => {
      const username = request.body.username.trim().toLowerCase();
      takeHere(reply, request.ip, username, 'sign-ins');
      // A name that is no username can never sign in: not counted, so it costs no row.
      const wellFormed = USERNAME.test(username);
      const retryAfter = wellFormed ? await attempts.count(username) : null;
      if (retryAfter !== null) {
        reply.header('Retry-After', String(retryAfter));
        throw new AppError('RATE_LIMITED', 'Too many failed sign-ins for this user; wait 15 minutes or ask an administrator.', {
          reason: LOGIN_LIMIT_REASONS.USER,
        });
      }
      const found = wellFormed ? await findUserForLogin(ctx.db, username) : null;
      const ok = await verifyPassword(found?.passwordHash ?? null, request.body.password);
      if (!found || !ok) throw new AppError('UNAUTHENTICATED', 'Wrong username or password.');
      refundHere(request.ip, username);
      await attempts.succeed(username);
      const cookie = await openSession(ctx.db, found.user.id, 'cookie');
      const bearer = await openSession(ctx.db, found.user.id, 'bearer');
      await recordSignIn(ctx.db, found.user.id);
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

  // A signed-in user changes their own password: {currentPassword, newPassword}; 204. A wrong current
  // password is 403 (reason current-password-wrong) and counts as a failed sign-in of the user and of
  // the address (a stolen session cannot guess the password faster than the sign-in form could); the
  // user's other sessions end, the one that asked stays.
  app.post<{ Body: ChangePasswordBody }>(
    '/api/auth/password',
    {
      schema: { body: ChangePasswordBody },
      // A misspelt member ('new_password') is named in a 400, not dropped and answered "newPassword missing".
      preValidation: async (request) => {
        const found = unknownFields(ChangePasswordBody, request.body);
        if (found.length) throw unknownFieldsError(found);
      },
    },
    async (request, reply) => {
      const { viewer, sessionToken } = request;
      if (viewer.userId === null || !sessionToken) throw new AppError('UNAUTHENTICATED', 'Sign in to change your password.');
      checkNewPassword(request.body.newPassword);
      const own = await ownPasswordHash(ctx.db, viewer.userId);
      if (!own) throw new AppError('UNAUTHENTICATED', 'Sign in to change your password.');
      takeHere(reply, request.ip, own.username, 'wrong passwords');
      const retryAfter = await attempts.count(own.username);
      if (retryAfter !== null) {
        reply.header('Retry-After', String(retryAfter));
        throw new AppError('RATE_LIMITED', 'Too many wrong passwords for this user; wait 15 minutes or ask an administrator.', {
          reason: LOGIN_LIMIT_REASONS.USER,
        });
      }
      if (!(await verifyPassword(own.passwordHash, request.body.currentPassword)))
        throw new AppError('FORBIDDEN', 'The current password is wrong.', {
          reason: ACCOUNT_REASONS.PASSWORD_WRONG,
          field: 'currentPassword',
        });
      refundHere(request.ip, own.username);
      await attempts.succeed(own.username);
      await changeOwnPassword(ctx.db, viewer.userId, sessionToken, request.body.newPassword);
      return reply.status(204).send();
    },
  );

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
