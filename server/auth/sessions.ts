// Sessions: a random token given to the client once, only its SHA-256 kept in the database. The web
// gets one in an httpOnly cookie (with a CSRF token for its writes); tools get a bearer token.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Queryable } from '../db/index.ts';
import type { Role, Viewer } from '../contracts/viewer.ts';

/** How long a web session lasts. */
export const COOKIE_SESSION_HOURS = 12;
/** How long a tool's bearer token lasts. */
export const BEARER_SESSION_DAYS = 30;
/** Name of the session cookie. */
export const SESSION_COOKIE = 'bando_session';
/** Header that carries the CSRF token on cookie-authenticated writes. */
export const CSRF_HEADER = 'x-csrf-token';

/** A new random token (256 bits, URL-safe). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What the database keeps of a token. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Compares two secrets in constant time. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A signed-in user as the database has them. */
export type UserRecord = {
  id: number;
  username: string;
  role: Exclude<Role, 'anonymous'>;
  displayName: string;
  farmerId: number | null;
  communes: string[];
};

/** A live session: the user, its kind and its CSRF token (cookie sessions only). */
export type SessionRecord = { user: UserRecord; kind: 'cookie' | 'bearer'; csrfToken: string | null };

const USER_COLUMNS = `u.id, u.username, u.role, u.display_name, u.farmer_id,
  coalesce((SELECT array_agg(c.commune_code ORDER BY c.commune_code) FROM user_communes c WHERE c.user_id = u.id), '{}') AS communes`;

type UserRow = {
  id: number;
  username: string;
  role: UserRecord['role'];
  display_name: string;
  farmer_id: number | null;
  communes: string[];
};

function toUser(row: UserRow): UserRecord {
  return {
    id: Number(row.id),
    username: row.username,
    role: row.role,
    displayName: row.display_name,
    farmerId: row.farmer_id === null ? null : Number(row.farmer_id),
    communes: row.communes ?? [],
  };
}

/** The user with this name and their password hash, if active. */
export async function findUserForLogin(db: Queryable, username: string): Promise<{ user: UserRecord; passwordHash: string } | null> {
  const { rows } = await db.query<UserRow & { password_hash: string }>(
    `SELECT ${USER_COLUMNS}, u.password_hash FROM users u WHERE u.username = $1 AND u.active`,
    [username],
  );
  const row = rows[0];
  return row ? { user: toUser(row), passwordHash: row.password_hash } : null;
}

/** Opens a session and returns its token (and CSRF token for cookie sessions). */
export async function openSession(
  db: Queryable,
  userId: number,
  kind: 'cookie' | 'bearer',
): Promise<{ token: string; csrfToken: string | null; expiresAt: string }> {
  const token = newToken();
  const csrfToken = kind === 'cookie' ? newToken() : null;
  const interval = kind === 'cookie' ? `${COOKIE_SESSION_HOURS} hours` : `${BEARER_SESSION_DAYS} days`;
  const { rows } = await db.query<{ expires_at: string }>(
    `INSERT INTO sessions (token_hash, user_id, kind, csrf_token, expires_at) VALUES ($1, $2, $3, $4, now() + $5::interval)
     RETURNING to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS expires_at`,
    [tokenHash(token), userId, kind, csrfToken, interval],
  );
  // Expired sessions of this user go when they sign in again: the table stays small without a job.
  await db.query('DELETE FROM sessions WHERE user_id = $1 AND expires_at < now()', [userId]);
  return { token, csrfToken, expiresAt: rows[0]?.expires_at ?? '' };
}

/** The live session of a token, or null when unknown, expired or of an inactive user. */
export async function findSession(db: Queryable, token: string): Promise<SessionRecord | null> {
  if (token.length < 20 || token.length > 200) return null;
  const { rows } = await db.query<UserRow & { kind: 'cookie' | 'bearer'; csrf_token: string | null }>(
    `SELECT ${USER_COLUMNS}, s.kind, s.csrf_token FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.token_hash = $1 AND s.expires_at > now() AND u.active`,
    [tokenHash(token)],
  );
  const row = rows[0];
  return row ? { user: toUser(row), kind: row.kind, csrfToken: row.csrf_token } : null;
}

/** Ends a session. */
export async function closeSession(db: Queryable, token: string): Promise<void> {
  await db.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash(token)]);
}

/** The viewer a session stands for. */
export function viewerOf(session: SessionRecord): Viewer {
  const { user } = session;
  return Object.freeze({
    userId: user.id,
    role: user.role,
    communes: Object.freeze(user.role === 'officer' ? [...user.communes] : []),
    farmerId: user.role === 'farmer' ? user.farmerId : null,
    via: session.kind,
  });
}
