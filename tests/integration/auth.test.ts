import { describe, expect, it } from 'vitest';
import { PASSWORD, WARD_A, openFeaturesFixture } from '../helpers/features-fixture.ts';
import { openForFile } from '../helpers/for-file.ts';
import { AddressFailures, LOGIN_ATTEMPTS_PER_MINUTE } from '../../server/routes/auth.ts';

const fx = openForFile(openFeaturesFixture);
let address = 0;
// Each sign-in from its own address unless a test is about the per-address limit.
function login(username: string, password: string, remoteAddress = `10.20.${Math.floor(address / 250)}.${(address++ % 250) + 1}`) {
  return fx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress });
}

describe('signing in', () => {
  it('stores passwords as argon2id hashes, never in clear', async () => {
    const { rows } = await fx.db.query<{ password_hash: string }>("SELECT password_hash FROM users WHERE username = 'fx-officer'");
    expect(rows[0]?.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(rows[0]?.password_hash).not.toContain(PASSWORD);
  });

  it('answers an httpOnly session cookie, a CSRF token and a bearer token, and keeps only token hashes', async () => {
    const response = await login('fx-officer', PASSWORD);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.user).toEqual({
      id: fx.userIds.officer,
      username: 'fx-officer',
      role: 'officer',
      displayName: 'Cán bộ A',
      communes: [WARD_A],
      farmerId: null,
    });
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.tokenType).toBe('Bearer');
    const cookie = response.cookies.find((c) => c.name === 'bando_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(response.headers['cache-control']).toBe('no-store');
    const { rows } = await fx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM sessions WHERE token_hash IN ($1, $2)', [
      body.token,
      cookie?.value,
    ]);
    expect(rows[0]?.n).toBe(0);
  });

  it('refuses wrong passwords and unknown users alike, with 401', async () => {
    const wrong = await login('fx-officer', 'not-the-password');
    const unknown = await login('nobody-here', 'not-the-password');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().detail).toBe(unknown.json().detail);
    expect(wrong.cookies).toHaveLength(0);
  });

  it('refuses malformed bodies with 400, never 5xx', async () => {
    for (const payload of [{}, { username: 'x' }, { username: { a: 1 }, password: 'x' }, { username: 'a'.repeat(100), password: 'b' }]) {
      const response = await fx.app.inject({ method: 'POST', url: '/api/auth/login', payload, remoteAddress: '10.30.0.1' });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
    }
    const text = await fx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'text/plain' },
      payload: 'x',
      remoteAddress: '10.30.0.2',
    });
    expect(text.statusCode).toBe(400); // Fastify parses text/plain; the schema then refuses a string body
  });

  it('limits sign-in attempts per address (429 with Retry-After)', async () => {
    const statuses: number[] = [];
    // Different usernames, so that the per-user lock (next test) plays no part.
    for (let i = 0; i < 12; i++) statuses.push((await login(`nobody-${i}`, 'wrong-password', '10.40.0.1')).statusCode);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    const limited = await login('fx-planner', PASSWORD, '10.40.0.1');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    expect(limited.headers['content-type']).toMatch(/problem\+json/);
  });

  it('lets a room of people sign in from one address (a commune hall’s Wi-Fi): successes are not counted as attempts', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3 * LOGIN_ATTEMPTS_PER_MINUTE; i++) statuses.push((await login('fx-officer', PASSWORD, '10.41.0.1')).statusCode);
    expect(statuses.every((s) => s === 200)).toBe(true);
  });

  it('keeps counting an address’s failures between its successes: its own account cannot reset the count', async () => {
    for (let i = 0; i < LOGIN_ATTEMPTS_PER_MINUTE; i++) {
      expect((await login(`nobody-b-${i}`, 'wrong-password', '10.42.0.1')).statusCode).toBe(401);
      if (i % 3 === 0 && i < LOGIN_ATTEMPTS_PER_MINUTE - 1) expect((await login('fx-officer', PASSWORD, '10.42.0.1')).statusCode).toBe(200);
    }
    // Ten failures: the address is held back, its right password too.
    expect((await login('fx-officer', PASSWORD, '10.42.0.1')).statusCode).toBe(429);
    const refused = await login('nobody-b-x', 'wrong-password', '10.42.0.1');
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.json().detail).toMatch(/^Too many sign-in attempts; try again in \d+ s\.$/);
    // Another address is not held back.
    expect((await login('fx-officer', PASSWORD, '10.42.0.2')).statusCode).toBe(200);
  });

  it('locks a username after repeated failures from many addresses', async () => {
    for (let i = 0; i < 10; i++) expect((await login('fx-farmer-b', 'guess-' + i)).statusCode).toBe(401);
    const right = await login('fx-farmer-b', PASSWORD);
    expect(right.statusCode).toBe(429);
  });
});

describe('who am I, and signing out', () => {
  it('tells anonymous visitors they are anonymous, with 200', async () => {
    const response = await fx.app.inject({ url: '/api/auth/me' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ user: null, role: 'anonymous', via: 'none', csrfToken: null });
  });

  it('gives the web its CSRF token back after a reload, and a tool its role', async () => {
    const signIn = await login('fx-farmer', PASSWORD);
    const cookie = signIn.cookies.find((c) => c.name === 'bando_session')?.value;
    const web = await fx.app.inject({ url: '/api/auth/me', headers: { cookie: `bando_session=${cookie}` } });
    expect(web.json()).toMatchObject({
      role: 'farmer',
      via: 'cookie',
      csrfToken: signIn.json().csrfToken,
      user: { farmerId: fx.ids.farmerA },
    });
    const tool = await fx.app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${signIn.json().token}` } });
    expect(tool.json()).toMatchObject({ role: 'farmer', via: 'bearer', csrfToken: null });
  });

  it('ends the session on sign-out: the token stops working at once', async () => {
    const signIn = await login('fx-planner', PASSWORD);
    const token = signIn.json().token as string;
    const out = await fx.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { authorization: `Bearer ${token}` } });
    expect(out.statusCode).toBe(204);
    const after = await fx.app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } });
    expect(after.statusCode).toBe(401);
  });

  it('needs the CSRF token to sign out with the cookie, and clears it', async () => {
    const signIn = await login('fx-admin', PASSWORD);
    const cookie = `bando_session=${signIn.cookies.find((c) => c.name === 'bando_session')?.value}`;
    expect((await fx.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie } })).statusCode).toBe(403);
    const out = await fx.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie, 'x-csrf-token': signIn.json().csrfToken },
    });
    expect(out.statusCode).toBe(204);
    expect(out.cookies.find((c) => c.name === 'bando_session')?.value).toBe('');
    const me = await fx.app.inject({ url: '/api/auth/me', headers: { cookie } });
    expect(me.json().role).toBe('anonymous');
  });

  it('refuses unknown, malformed and expired bearer tokens with 401 rather than serving them as anonymous', async () => {
    for (const authorization of ['Bearer nope', `Bearer ${'a'.repeat(43)}`, 'Basic Zm9vOmJhcg==', 'Bearer', `Bearer ${'a'.repeat(5000)}`]) {
      const response = await fx.app.inject({ url: '/ogc/collections/plots/items', headers: { authorization } });
      expect(response.statusCode, authorization.slice(0, 20)).toBe(401);
    }
    const signIn = await login('fx-officer-b', PASSWORD);
    await fx.db.query("UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_id = $1", [fx.userIds.officerB]);
    const expired = await fx.app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${signIn.json().token}` } });
    expect(expired.statusCode).toBe(401);
  });

  it('does not accept a cookie session token as a bearer token (it would skip the CSRF check)', async () => {
    const signIn = await login('fx-officer', PASSWORD);
    const cookieToken = signIn.cookies.find((c) => c.name === 'bando_session')?.value;
    const response = await fx.app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${cookieToken}` } });
    expect(response.statusCode).toBe(401);
  });

  it('stops serving a deactivated user at once', async () => {
    const signIn = await login('fx-planner', PASSWORD, '10.50.0.1');
    await fx.db.query("UPDATE users SET active = false WHERE username = 'fx-planner'");
    const response = await fx.app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${signIn.json().token}` } });
    expect(response.statusCode).toBe(401);
    await fx.db.query("UPDATE users SET active = true WHERE username = 'fx-planner'");
  });
});

describe('failed sign-ins per address, in memory', () => {
  it('refuses an address past the limit until its minute is over, then counts from 1 again', () => {
    const failures = new AddressFailures();
    const t0 = 1_000_000;
    for (let i = 0; i < LOGIN_ATTEMPTS_PER_MINUTE; i++) expect(failures.take('10.0.0.1', t0 + i)).toBeNull();
    expect(failures.take('10.0.0.1', t0 + 30_000)).toBe(30);
    expect(failures.take('10.0.0.2', t0 + 30_000)).toBeNull();
    // A success gives its count back; the window does not move.
    failures.refund('10.0.0.1');
    expect(failures.take('10.0.0.1', t0 + 30_000)).toBeNull();
    expect(failures.take('10.0.0.1', t0 + 30_000)).toBe(30);
    expect(failures.take('10.0.0.1', t0 + 60_000)).toBeNull();
  });

  it('remembers at most ten thousand addresses, forgetting the oldest first', () => {
    const failures = new AddressFailures();
    for (let i = 0; i < 12_000; i++) failures.take(`10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, 5_000 + i);
    expect(failures.size).toBeLessThanOrEqual(10_000);
    // The newest address is still counted.
    for (let i = 1; i < LOGIN_ATTEMPTS_PER_MINUTE; i++) failures.take('10.0.46.223', 20_000);
    expect(failures.take('10.0.46.223', 20_000)).not.toBeNull();
  });
});
