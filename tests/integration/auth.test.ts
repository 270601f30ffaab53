import type { InjectOptions } from 'fastify';
import { describe, expect, it } from 'vitest';
import { PASSWORD, WARD_A, WARD_B, openFeaturesFixture } from '../helpers/features-fixture.ts';
import { openForFile } from '../helpers/for-file.ts';
import {
  AddressFailures,
  LOGIN_ATTEMPTS_PER_MINUTE,
  LOGIN_FAILURES_PER_ADDRESS,
  LOGIN_FAILURES_PER_USER,
  LOGIN_LIMIT_REASONS,
} from '../../server/routes/auth.ts';
import { MIN_PASSWORD_LENGTH } from '../../server/auth/passwords.ts';
import { provisionAdministrator } from '../../server/auth/accounts.service.ts';

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

  it('holds back one user’s wrong passwords from an address, not a colleague signing in from the same address (one office behind a NAT)', async () => {
    const office = '10.40.0.1';
    const statuses: number[] = [];
    for (let i = 0; i < LOGIN_ATTEMPTS_PER_MINUTE + 2; i++) statuses.push((await login('nobody-typo', `wrong-${i}`, office)).statusCode);
    expect(statuses.slice(0, LOGIN_ATTEMPTS_PER_MINUTE).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(LOGIN_ATTEMPTS_PER_MINUTE)).toEqual([429, 429]);
    const limited = await login('nobody-typo', 'wrong-again', office);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers['content-type']).toMatch(/problem\+json/);
    expect(limited.json()).toMatchObject({ status: 429, reason: LOGIN_LIMIT_REASONS.HERE });
    expect(limited.json().detail).toMatch(/^Too many sign-ins for this user from this address; try again in \d+ s\.$/);
    // The colleague at the next desk, same address: signs in.
    const colleague = await login('fx-officer', PASSWORD, office);
    expect(colleague.statusCode).toBe(200);
    expect(colleague.json().user.username).toBe('fx-officer');
    // The guesser moving to another address meets the username's own count (the database's, every address).
    const elsewhere = await login('nobody-typo', 'wrong-elsewhere', '10.40.0.2');
    expect(elsewhere.statusCode).toBe(429);
    expect(elsewhere.json().reason).toBe(LOGIN_LIMIT_REASONS.USER);
    const { rows } = await fx.db.query<{ attempts: number }>('SELECT attempts FROM login_attempts WHERE username = $1', ['nobody-typo']);
    expect(Number(rows[0]?.attempts)).toBe(LOGIN_FAILURES_PER_USER + 1);
  });

  it('caps one address guessing many names: past the per-address count every name is held back there, other addresses are not', async () => {
    const spray = '10.43.0.1';
    // Names of every kind: well-formed, malformed, long, with quotes, an SQL fragment, control characters.
    const hostile = [`SPRAY ' OR 1=1 --`, `${'x'.repeat(64)}`, 'a\u0000b', '"q"', '<b>x</b>', '%_%', 'ĐẶNG'];
    const names = (i: number) => hostile[i] ?? `spray-${i}`;
    const statuses: number[] = [];
    for (let batch = 0; batch < LOGIN_FAILURES_PER_ADDRESS; batch += 10) {
      const answers = await Promise.all(Array.from({ length: 10 }, (_, j) => login(names(batch + j), 'wrong-password', spray)));
      statuses.push(...answers.map((a) => a.statusCode));
    }
    expect(statuses.every((s) => s === 401)).toBe(true);
    const refused = await login('spray-last', 'wrong-password', spray);
    expect(refused.statusCode).toBe(429);
    expect(refused.json().reason).toBe(LOGIN_LIMIT_REASONS.ADDRESS);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.json().detail).toMatch(/^Too many failed sign-ins from this address \(of any user\); try again in \d+ s\.$/);
    // Held back is held back, the right password too; another address is not.
    expect((await login('fx-officer', PASSWORD, spray)).statusCode).toBe(429);
    expect((await login('fx-officer', PASSWORD, '10.43.0.2')).statusCode).toBe(200);
    // Nothing half-written: no session was opened for a refused sign-in, no row for a malformed name.
    const { rows } = await fx.db.query<{ username: string }>(`SELECT username FROM login_attempts WHERE username !~ '^[a-z0-9._-]{3,64}$'`);
    expect(rows).toEqual([]);
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
    // The officer's successes gave back only their own count: the address's failures all stand.
    for (let i = 0; i < LOGIN_FAILURES_PER_ADDRESS - LOGIN_ATTEMPTS_PER_MINUTE; i++) {
      expect((await login(`nobody-c-${i}`, 'wrong-password', '10.42.0.1')).statusCode).toBe(401);
    }
    const refused = await login('nobody-b-x', 'wrong-password', '10.42.0.1');
    expect(refused.statusCode).toBe(429);
    expect(refused.json().reason).toBe(LOGIN_LIMIT_REASONS.ADDRESS);
    expect((await login('fx-officer', PASSWORD, '10.42.0.1')).statusCode).toBe(429);
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

  // A sign-out made with no signal is sent when the signal is back, maybe days later: the session may
  // have expired meanwhile. That is a sign-out all the same (204, the cookie cleared), never a 500.
  it('answers a late sign-out of an expired cookie session 204 and clears the cookie, with or without the CSRF token', async () => {
    for (const withToken of [true, false]) {
      const signIn = await login('fx-planner', PASSWORD);
      const token = signIn.cookies.find((c) => c.name === 'bando_session')!.value;
      // Only this session: the fixture's own planner session serves the later tests.
      await fx.db.query("UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_id = $1 AND csrf_token = $2", [
        fx.userIds.planner,
        signIn.json().csrfToken,
      ]);
      const out = await fx.app.inject({
        method: 'POST',
        url: '/api/auth/logout',
        headers: { cookie: `bando_session=${token}`, ...(withToken ? { 'x-csrf-token': signIn.json().csrfToken } : {}) },
      });
      expect(out.statusCode).toBe(204);
      expect(out.cookies.find((c) => c.name === 'bando_session')?.value).toBe('');
    }
    // A cookie no session ever had, and one cut short: the same.
    for (const token of ['x'.repeat(43), 'short']) {
      const out = await fx.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: `bando_session=${token}` } });
      expect(out.statusCode).toBe(204);
    }
  });

  // The page sends its late sign-out with the CSRF token it kept; a 403 (not the session's token) has it
  // read the session's own from /api/auth/me?signing-out=1 (a URL the service worker does not keep) and send again.
  it('hands a late sign-out the session’s CSRF token from /api/auth/me with a query, and then ends the session', async () => {
    const signIn = await login('fx-planner', PASSWORD);
    const cookie = `bando_session=${signIn.cookies.find((c) => c.name === 'bando_session')!.value}`;
    const stale = await fx.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie, 'x-csrf-token': 'not-this-sessions' },
    });
    expect(stale.statusCode).toBe(403);
    const me = await fx.app.inject({ url: '/api/auth/me?signing-out=1', headers: { cookie } });
    expect(me.statusCode).toBe(200);
    expect(me.json().csrfToken).toBe(signIn.json().csrfToken);
    const out = await fx.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie, 'x-csrf-token': me.json().csrfToken } });
    expect(out.statusCode).toBe(204);
    expect((await fx.app.inject({ url: '/api/auth/me', headers: { cookie } })).json().role).toBe('anonymous');
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

describe('failed sign-ins per address (and per address and name), in memory', () => {
  it('holds a count to the limit it was made with', () => {
    const failures = new AddressFailures(LOGIN_FAILURES_PER_ADDRESS);
    for (let i = 0; i < LOGIN_FAILURES_PER_ADDRESS; i++) expect(failures.take('10.0.0.9', 1_000)).toBeNull();
    expect(failures.take('10.0.0.9', 1_000)).toBe(60);
  });

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

describe('accounts managed by administrators (/api/users)', () => {
  const NEW_PASSWORD = 'new-password-for-test-2026';
  const call = (options: InjectOptions) => fx.app.inject(options);
  const admin = (extra: Record<string, string> = {}) => fx.as('admin', extra);
  const create = (payload: unknown, headers = admin()) => call({ method: 'POST', url: '/api/users', headers, payload: payload as object });
  const patch = (id: number, payload: unknown, headers: Record<string, string>) =>
    call({ method: 'PATCH', url: `/api/users/${id}`, headers, payload: payload as object });
  const count = async (sql: string, params: unknown[] = []) => (await fx.db.query<{ n: number }>(sql, params)).rows[0]!.n;
  const usersCount = () => count('SELECT count(*)::int AS n FROM users');
  const logCount = () => count("SELECT count(*)::int AS n FROM edit_log WHERE collection = 'users'");
  const row = async (id: number) =>
    (
      await fx.db.query<{
        role: string;
        active: boolean;
        display_name: string;
        version: number;
        farmer_id: number | null;
        communes: string[];
      }>(
        `SELECT role, active, display_name, version, farmer_id,
                coalesce((SELECT array_agg(commune_code ORDER BY commune_code) FROM user_communes WHERE user_id = u.id), '{}') AS communes
         FROM users u WHERE id = $1`,
        [id],
      )
    ).rows[0];
  const me = async (headers: Record<string, string>) => call({ url: '/api/auth/me', headers });
  async function signedIn(username: string, password: string) {
    const response = await login(username, password);
    expect(response.statusCode, `${username}: ${response.body}`).toBe(200);
    const cookie = `bando_session=${response.cookies.find((c) => c.name === 'bando_session')?.value}`;
    return { bearer: { authorization: `Bearer ${response.json().token}` }, cookie: { cookie }, csrf: response.json().csrfToken as string };
  }
  let serial = 0;
  async function newOfficer(communes = [WARD_A]) {
    const username = `acc-officer-${++serial}`;
    const response = await create({ username, password: PASSWORD, role: 'officer', displayName: `Cán bộ ${serial}`, communes });
    expect(response.statusCode, response.body).toBe(201);
    return { id: response.json().id as number, username, etag: response.headers.etag as string };
  }

  it('are for administrators only: 401 signed out, 403 for other roles whatever the body, nothing written', async () => {
    const users = await usersCount();
    const body = { username: 'acc-sneaky', password: PASSWORD, role: 'admin', displayName: 'Sneaky' };
    const requests: InjectOptions[] = [
      { method: 'GET', url: '/api/users' },
      { method: 'GET', url: `/api/users/${fx.userIds.officer}` },
      { method: 'POST', url: '/api/users', payload: body },
      { method: 'POST', url: '/api/users', payload: { junk: 1 } },
      { method: 'PATCH', url: `/api/users/${fx.userIds.planner}`, payload: { role: 'admin' }, headers: { 'if-match': '*' } },
      { method: 'POST', url: `/api/users/${fx.userIds.officer}/password`, payload: { password: NEW_PASSWORD } },
    ];
    for (const request of requests) {
      const anonymous = await call({ ...request, headers: { ...(request.headers as object) } });
      expect(anonymous.statusCode, `anonymous ${request.method} ${request.url}`).toBe(401);
      expect(anonymous.headers['content-type']).toMatch(/problem\+json/);
      for (const role of ['planner', 'officer', 'farmer'] as const) {
        const response = await call({ ...request, headers: fx.as(role, request.headers as Record<string, string>) });
        expect(response.statusCode, `${role} ${request.method} ${request.url}`).toBe(403);
      }
    }
    expect(await usersCount()).toBe(users);
    expect((await row(fx.userIds.planner))?.role).toBe('planner');
    // The administrator's own cookie needs its CSRF token for a write, as every cookie write does.
    const web = await signedIn('fx-admin', PASSWORD);
    expect((await create(body, web.cookie)).statusCode).toBe(403);
    expect(await usersCount()).toBe(users);
  });

  it('lists accounts with their communes, farmer, state and last sign-in, never a password hash, and today’s wards by name', async () => {
    const response = await call({ url: '/api/users', headers: admin() });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).not.toMatch(/argon2|password/i);
    const body = response.json();
    const byName = new Map((body.users as { username: string }[]).map((u) => [u.username, u]));
    expect(byName.get('fx-officer')).toMatchObject({
      id: fx.userIds.officer,
      role: 'officer',
      displayName: 'Cán bộ A',
      communes: [WARD_A],
      farmerId: null,
      active: true,
      etag: expect.stringMatching(/^"\d+-\d+"$/),
    });
    expect(byName.get('fx-officer')).toHaveProperty('createdAt', expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
    expect(byName.get('fx-officer')).toHaveProperty('lastSignInAt', expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
    expect(byName.get('fx-farmer')).toMatchObject({ role: 'farmer', farmerId: fx.ids.farmerA, communes: [] });
    expect(body.total).toBe(await usersCount());
    expect(body.communes).toContainEqual({ code: WARD_A, name: 'Phường Thử Nghiệm A' });
    const searched = await call({ url: `/api/users?q=${encodeURIComponent("Cán bộ B'; --")}`, headers: admin() });
    expect(searched.json().users).toEqual([]);
    expect((await call({ url: '/api/users?q=fx-officer-b', headers: admin() })).json().users.map((u: { id: number }) => u.id)).toEqual([
      fx.userIds.officerB,
    ]);
    expect((await call({ url: '/api/users?limit=0', headers: admin() })).statusCode).toBe(400);
  });

  it('pages through more than 500 accounts with offset and limit: the default answer is the first 500, every account on some page once', async () => {
    // 520 accounts made in SQL, as a province's officers would be loaded; taken away after, the other tests count users.
    await fx.db.query(
      `INSERT INTO users (username, password_hash, role, display_name)
       SELECT 'page-' || lpad(n::text, 4, '0'), '$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'planner', 'Trang ' || n
       FROM generate_series(1, 520) AS n`,
    );
    try {
      const all = (await fx.db.query<{ username: string }>('SELECT username FROM users ORDER BY username')).rows.map((r) => r.username);
      expect(all.length).toBeGreaterThan(500);
      const page = async (query: string) => {
        const response = await call({ url: `/api/users${query}`, headers: admin() });
        expect(response.statusCode, `${query}: ${response.body.slice(0, 200)}`).toBe(200);
        return response.json() as { users: { username: string }[]; total: number };
      };
      const names = (body: { users: { username: string }[] }) => body.users.map((u) => u.username);
      // As before: the first 500 by username, and the total of them all.
      const first = await page('');
      expect(names(first)).toEqual(all.slice(0, 500));
      expect(first.total).toBe(all.length);
      // The rest, from where the first page ended; pages of 200 put together give every account once, in order.
      const rest = await page('?offset=500');
      expect(names(rest)).toEqual(all.slice(500));
      expect(rest.total).toBe(all.length);
      const pages: string[] = [];
      for (let offset = 0; offset < all.length; offset += 200) pages.push(...names(await page(`?limit=200&offset=${offset}`)));
      expect(pages).toEqual(all);
      // Past the end: no accounts, and still the true total (not 0), so a page can say how many there are.
      const past = await page(`?offset=${all.length + 10}`);
      expect(past).toMatchObject({ users: [], total: all.length });
      // A search pages the same way.
      const searched = await page('?q=page-&limit=10&offset=515');
      expect(names(searched)).toEqual(['page-0516', 'page-0517', 'page-0518', 'page-0519', 'page-0520']);
      expect(searched.total).toBe(520);
      // Hostile paging values: a clear 400, never a 500 or a silent default.
      for (const query of [
        '?limit=0',
        '?limit=-1',
        '?limit=1001',
        '?limit=abc',
        '?limit=2.5',
        '?offset=-1',
        '?offset=1.5',
        '?offset=x',
        '?offset=1e9',
        '?offset=99999999999999999999',
        '?offset=0;DROP TABLE users',
      ]) {
        const response = await call({ url: `/api/users${query}`, headers: admin() });
        expect(response.statusCode, `${query}: ${response.body.slice(0, 200)}`).toBe(400);
        expect(response.headers['content-type']).toMatch(/problem\+json/);
      }
      expect((await fx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM users')).rows[0]!.n).toBe(all.length);
    } finally {
      await fx.db.query(`DELETE FROM users WHERE username LIKE 'page-%'`);
    }
  });

  it('creates an officer for one ward: the rows, the edit log without the password, and the officer signs in with those rights', async () => {
    const logs = await logCount();
    const response = await create({
      username: '  Acc-Ward-Officer ',
      password: PASSWORD,
      role: 'officer',
      displayName: ' Cán bộ phường ',
      communes: [WARD_A, WARD_A],
    });
    expect(response.statusCode, response.body).toBe(201);
    const account = response.json();
    expect(account).toMatchObject({
      username: 'acc-ward-officer',
      displayName: 'Cán bộ phường',
      role: 'officer',
      communes: [WARD_A],
      active: true,
    });
    expect(response.headers.location).toBe(`/api/users/${account.id}`);
    expect(response.headers.etag).toBe(account.etag);
    expect(await row(account.id)).toMatchObject({ role: 'officer', active: true, communes: [WARD_A], version: 1 });
    expect(await logCount()).toBe(logs + 1);
    const { rows } = await fx.db.query<{ user_id: number; action: string; before: unknown; after: string }>(
      "SELECT user_id::int, action, before, after::text FROM edit_log WHERE collection = 'users' AND feature_id = $1",
      [String(account.id)],
    );
    expect(rows).toEqual([{ user_id: fx.userIds.admin, action: 'insert', before: null, after: expect.any(String) }]);
    expect(rows[0]!.after).not.toMatch(/argon2|password|fixture-password/);
    const officer = await signedIn('acc-ward-officer', PASSWORD);
    expect((await me(officer.bearer)).json().user).toMatchObject({ role: 'officer', communes: [WARD_A] });
  });

  it('refuses hostile bodies with 400 or 422 naming each field, and writes nothing', async () => {
    const closedWard = '99903';
    await fx.db.query(
      "INSERT INTO admin_units (code, name, level, valid_from, valid_to) VALUES ($1, 'Phường Đã Nhập', 'ward', '2010-01-01', '2025-07-01')",
      [closedWard],
    );
    const users = await usersCount();
    const logs = await logCount();
    const ok = { username: 'acc-hostile', password: PASSWORD, role: 'officer', displayName: 'Thử', communes: [WARD_A] };
    const bad400: unknown[] = [
      {},
      { ...ok, password: undefined },
      { ...ok, isAdmin: true },
      { ...ok, username: { $ne: '' } },
      { ...ok, communes: { 0: WARD_A } },
      { ...ok, communes: [{}] },
      { ...ok, role: { admin: true } },
      { ...ok, farmerId: 'abc' },
      { ...ok, farmerId: -1 },
      { ...ok, username: 'a'.repeat(100_000) },
      { ...ok, displayName: 'x'.repeat(5000) },
      { ...ok, communes: Array.from({ length: 1000 }, (_, i) => String(i)) },
      [ok],
    ];
    for (const payload of bad400) {
      const response = await create(payload);
      expect(response.statusCode, JSON.stringify(payload).slice(0, 80)).toBe(400);
      expect(response.headers['content-type']).toMatch(/problem\+json/);
    }
    expect((await create({ ...ok, isAdmin: true })).json()).toMatchObject({ reason: 'unknown-field', field: 'isAdmin' });
    expect((await create('username=acc')).statusCode).toBe(415);
    const bad422: [unknown, string, string][] = [
      [{ ...ok, username: "x'; DROP TABLE users;--" }, 'username', 'username-shape'],
      [{ ...ok, username: 'ab' }, 'username', 'username-shape'],
      [{ ...ok, username: 'người-dùng' }, 'username', 'username-shape'],
      [{ ...ok, password: 'x'.repeat(MIN_PASSWORD_LENGTH - 1) }, 'password', 'password-too-short'],
      [{ ...ok, role: 'root' }, 'role', 'role-unknown'],
      [{ ...ok, role: 'anonymous' }, 'role', 'role-unknown'],
      [{ ...ok, displayName: '   ' }, 'displayName', 'display-name-required'],
      [{ ...ok, displayName: 'Tên\nhai dòng' }, 'displayName', 'display-name-control'],
      [{ ...ok, displayName: 'x'.repeat(101) }, 'displayName', 'display-name-too-long'],
      [{ ...ok, communes: [] }, 'communes', 'communes-required'],
      [{ ...ok, communes: undefined }, 'communes', 'communes-required'],
      [{ ...ok, communes: [WARD_A, '00000'] }, 'communes', 'commune-unknown'],
      [{ ...ok, communes: ["99901' OR '1'='1"] }, 'communes', 'commune-unknown'],
      [{ ...ok, communes: ['\u0000'] }, 'communes', 'commune-unknown'],
      [{ ...ok, communes: [closedWard] }, 'communes', 'commune-unknown'],
      [{ ...ok, role: 'planner' }, 'communes', 'communes-officer-only'],
      [{ ...ok, role: 'farmer', communes: undefined }, 'farmerId', 'farmer-required'],
      [{ ...ok, role: 'farmer', communes: undefined, farmerId: 9_000_000_000 }, 'farmerId', 'farmer-unknown'],
      [{ ...ok, farmerId: fx.ids.farmerA }, 'farmerId', 'farmer-farmer-only'],
    ];
    for (const [payload, field, reason] of bad422) {
      const response = await create(payload);
      expect(response.statusCode, `${field} ${reason}`).toBe(422);
      expect(response.json(), `${field} ${reason}`).toMatchObject({ code: 'VALIDATION_FAILED', field, reason });
    }
    const unknown = (await create({ ...ok, communes: [WARD_A, '00000', closedWard] })).json();
    expect(unknown.errors).toEqual([
      expect.objectContaining({ field: 'communes', reason: 'commune-unknown', codes: ['00000', closedWard] }),
    ]);
    // Every refused field at once, each under its name.
    const many = await create({ username: 'A', password: 'short', role: 'officer', displayName: '', communes: [] });
    expect(many.statusCode).toBe(422);
    expect(many.json().errors.map((e: { field: string }) => e.field)).toEqual(['username', 'password', 'displayName', 'communes']);
    // A taken username, however it is typed.
    for (const username of ['fx-officer', ' FX-Officer ']) {
      const taken = await create({ ...ok, username });
      expect(taken.statusCode).toBe(409);
      expect(taken.json()).toMatchObject({ reason: 'username-taken', field: 'username' });
    }
    expect(await usersCount()).toBe(users);
    expect(await logCount()).toBe(logs);
    expect((await row(fx.userIds.officer))?.display_name).toBe('Cán bộ A');
  });

  it('creates a farmer’s account linked to an existing farmer, through the web’s cookie and CSRF token', async () => {
    const web = await signedIn('fx-admin', PASSWORD);
    const response = await create(
      { username: 'acc-farmer', password: PASSWORD, role: 'farmer', displayName: 'Nông dân', farmerId: fx.ids.farmerB },
      { ...web.cookie, 'x-csrf-token': web.csrf },
    );
    expect(response.statusCode, response.body).toBe(201);
    expect(await row(response.json().id)).toMatchObject({ role: 'farmer', farmer_id: fx.ids.farmerB, communes: [] });
  });

  it('changes an officer’s communes with If-Match: 428 without, 412 stale, and the officer’s sessions end at once', async () => {
    const { id, username, etag } = await newOfficer();
    const officer = await signedIn(username, PASSWORD);
    const logs = await logCount();
    const none = await patch(id, { communes: [WARD_B] }, admin());
    expect(none.statusCode).toBe(428);
    const stale = await patch(id, { communes: [WARD_B] }, admin({ 'if-match': `"${id}-99"` }));
    expect(stale.statusCode).toBe(412);
    expect(stale.json().currentETag).toBe(etag);
    for (const ifMatch of ['garbage', 'W/' + etag, `"${id + 1}-1"`]) {
      expect((await patch(id, { communes: [WARD_B] }, admin({ 'if-match': ifMatch }))).statusCode, ifMatch).toBe(412);
    }
    expect(await row(id)).toMatchObject({ communes: [WARD_A], version: 1 });
    expect(await logCount()).toBe(logs);
    expect((await me(officer.bearer)).statusCode).toBe(200);

    const changed = await patch(id, { communes: [WARD_B] }, admin({ 'if-match': etag, 'content-type': 'application/merge-patch+json' }));
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ communes: [WARD_B], version: 2 });
    expect(changed.headers.etag).toBe(`"${id}-2"`);
    expect(await row(id)).toMatchObject({ communes: [WARD_B], version: 2 });
    // The old token is refused and the old cookie is anonymous: the new rights hold from the next request.
    expect((await me(officer.bearer)).statusCode).toBe(401);
    expect((await me(officer.cookie)).json().role).toBe('anonymous');
    expect(await count('SELECT count(*)::int AS n FROM sessions WHERE user_id = $1', [id])).toBe(0);
    const { rows } = await fx.db.query<{ before: { communes: string[] }; after: { communes: string[] }; user_id: number }>(
      "SELECT before, after, user_id::int FROM edit_log WHERE collection = 'users' AND feature_id = $1 AND action = 'update'",
      [String(id)],
    );
    expect(rows).toEqual([expect.objectContaining({ user_id: fx.userIds.admin, before: expect.objectContaining({ communes: [WARD_A] }) })]);
    expect(rows[0]!.after.communes).toEqual([WARD_B]);
    // The same PATCH again on the old tag is stale now.
    expect((await patch(id, { communes: [WARD_A] }, admin({ 'if-match': etag }))).statusCode).toBe(412);
    // Refusals of a PATCH write nothing.
    for (const [payload, reason] of [
      [{ communes: ['00000'] }, 'commune-unknown'],
      [{ role: 'officer', communes: [] }, 'communes-required'],
      [{ role: 'farmer' }, 'farmer-required'],
      [{ role: 'superuser' }, 'role-unknown'],
      [{ displayName: '\u202eevil' }, 'display-name-control'],
    ] as const) {
      const refused = await patch(id, payload, admin({ 'if-match': '"' + id + '-2"' }));
      expect(refused.statusCode, reason).toBe(422);
      expect(refused.json().reason).toBe(reason);
    }
    for (const payload of [{}, { active: 'no' }, { password: 'x' }, { role: 'admin', extra: 1 }]) {
      expect((await patch(id, payload, admin({ 'if-match': '*' }))).statusCode, JSON.stringify(payload)).toBe(400);
    }
    expect(await row(id)).toMatchObject({ communes: [WARD_B], version: 2, role: 'officer' });
    const missing = await patch(9_000_000_000, { displayName: 'x' }, admin());
    expect(missing.statusCode).toBe(404);
    expect((await patch(9_000_000_000, { displayName: 'x' }, admin({ 'if-match': '*' }))).statusCode).toBe(404);
  });

  it('renames without ending sessions; a role change clears an officer’s communes and ends them', async () => {
    const { id, username, etag } = await newOfficer();
    const officer = await signedIn(username, PASSWORD);
    const renamed = await patch(id, { displayName: 'Tên mới' }, admin({ 'if-match': etag }));
    expect(renamed.statusCode).toBe(200);
    expect((await me(officer.bearer)).json().user.displayName).toBe('Tên mới');
    const planner = await patch(id, { role: 'planner' }, admin({ 'if-match': renamed.headers.etag as string }));
    expect(planner.statusCode, planner.body).toBe(200);
    expect(await row(id)).toMatchObject({ role: 'planner', communes: [], version: 3 });
    expect((await me(officer.bearer)).statusCode).toBe(401);
  });

  it('deactivates an account: its sessions end and it cannot sign in until reactivated', async () => {
    const { id, username, etag } = await newOfficer();
    const officer = await signedIn(username, PASSWORD);
    const off = await patch(id, { active: false }, admin({ 'if-match': etag }));
    expect(off.statusCode).toBe(200);
    expect(off.json().active).toBe(false);
    expect((await me(officer.bearer)).statusCode).toBe(401);
    expect((await login(username, PASSWORD)).statusCode).toBe(401);
    const on = await patch(id, { active: true }, admin({ 'if-match': off.headers.etag as string }));
    expect(on.statusCode).toBe(200);
    expect((await login(username, PASSWORD)).statusCode).toBe(200);
  });

  it('never lets an administrator demote or deactivate themself, and never leaves no administrator', async () => {
    const self = (await call({ url: `/api/users/${fx.userIds.admin}`, headers: admin() })).headers.etag as string;
    for (const [payload, reason] of [
      [{ role: 'planner' }, 'own-role'],
      [{ active: false }, 'own-active'],
      [{ role: 'officer', communes: [WARD_A] }, 'own-role'],
    ] as const) {
      const response = await patch(fx.userIds.admin, payload, admin({ 'if-match': self }));
      expect(response.statusCode, reason).toBe(409);
      expect(response.json()).toMatchObject({ reason });
      expect(response.json().detail).toMatch(/your own account/);
    }
    expect(await row(fx.userIds.admin)).toMatchObject({ role: 'admin', active: true });
    expect((await me(admin())).statusCode).toBe(200);

    // Two administrators demoting each other at once: one is taken, the other refused; one remains.
    const second = await create({ username: 'acc-admin-2', password: PASSWORD, role: 'admin', displayName: 'Quản trị 2' });
    const third = await create({ username: 'acc-admin-3', password: PASSWORD, role: 'admin', displayName: 'Quản trị 3' });
    const two = await signedIn('acc-admin-2', PASSWORD);
    const three = await signedIn('acc-admin-3', PASSWORD);
    // The other administrators (the fixture's, the seed's) step aside for this test, in SQL so that
    // their sessions outlive it: two are left.
    const aside = (
      await fx.db.query<{ id: number }>(
        "UPDATE users SET role = 'planner' WHERE role = 'admin' AND username NOT IN ('acc-admin-2', 'acc-admin-3') RETURNING id",
      )
    ).rows.map((r) => r.id);
    try {
      const [a, b] = await Promise.all([
        patch(third.json().id, { active: false }, { ...two.bearer, 'if-match': '*' }),
        patch(second.json().id, { active: false }, { ...three.bearer, 'if-match': '*' }),
      ]);
      expect([a.statusCode, b.statusCode].filter((s) => s === 200)).toHaveLength(1);
      expect([a.statusCode, b.statusCode].every((s) => [200, 401, 403, 409].includes(s))).toBe(true);
      expect(await count("SELECT count(*)::int AS n FROM users WHERE role = 'admin' AND active")).toBe(1);
    } finally {
      await fx.db.query("UPDATE users SET role = 'admin' WHERE id = ANY($1::bigint[])", [aside]);
      await fx.db.query("UPDATE users SET active = false WHERE username IN ('acc-admin-2', 'acc-admin-3')");
    }
    expect((await me(admin())).json().role).toBe('admin');
  });

  it('lets an administrator set a new password: the account’s sessions and failed sign-ins end, the log keeps no password', async () => {
    const { id, username } = await newOfficer();
    const officer = await signedIn(username, PASSWORD);
    for (let i = 0; i < LOGIN_FAILURES_PER_USER; i++) await login(username, `wrong-${i}`);
    expect((await login(username, PASSWORD)).statusCode).toBe(429);
    const url = `/api/users/${id}/password`;
    expect((await call({ method: 'POST', url, headers: admin(), payload: { password: 'short' } })).json()).toMatchObject({
      reason: 'password-too-short',
      field: 'password',
    });
    expect((await call({ method: 'POST', url, headers: admin(), payload: { password: NEW_PASSWORD, role: 'admin' } })).statusCode).toBe(
      400,
    );
    expect(
      (await call({ method: 'POST', url: '/api/users/9000000000/password', headers: admin(), payload: { password: NEW_PASSWORD } }))
        .statusCode,
    ).toBe(404);
    expect((await me(officer.bearer)).statusCode).toBe(200);
    const set = await call({ method: 'POST', url, headers: admin(), payload: { password: NEW_PASSWORD } });
    expect(set.statusCode).toBe(204);
    expect((await me(officer.bearer)).statusCode).toBe(401);
    expect((await login(username, PASSWORD)).statusCode).toBe(401);
    expect((await login(username, NEW_PASSWORD)).statusCode).toBe(200);
    const { rows } = await fx.db.query<{ before: string; after: string; user_id: number }>(
      "SELECT before::text, after::text, user_id::int FROM edit_log WHERE collection = 'users' AND feature_id = $1 ORDER BY id DESC LIMIT 1",
      [String(id)],
    );
    expect(rows[0]).toMatchObject({ user_id: fx.userIds.admin, after: expect.stringContaining('set-by-admin') });
    expect(rows[0]!.before + rows[0]!.after).not.toMatch(/argon2|new-password|fixture-password|password_hash/);
  });

  it('lets any signed-in user change their own password: a wrong current one is 403 and counted, the other sessions end', async () => {
    const { username } = await newOfficer();
    const here = await signedIn(username, PASSWORD);
    const elsewhere = await signedIn(username, PASSWORD);
    const change = (payload: unknown, headers: Record<string, string> = here.bearer, remoteAddress = '10.60.0.1') =>
      call({ method: 'POST', url: '/api/auth/password', headers, payload: payload as object, remoteAddress });
    expect((await change({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD }, {})).statusCode).toBe(401);
    expect((await change({ currentPassword: PASSWORD, newPassword: 'short' })).json()).toMatchObject({
      reason: 'password-too-short',
      field: 'newPassword',
    });
    for (const payload of [
      {},
      { currentPassword: PASSWORD },
      { currentPassword: PASSWORD, newPassword: NEW_PASSWORD, new_password: 'x' },
    ]) {
      expect((await change(payload)).statusCode, JSON.stringify(payload)).toBe(400);
    }
    // The web's cookie needs its CSRF token here too.
    expect((await change({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD }, here.cookie)).statusCode).toBe(403);
    const wrong = await change({ currentPassword: 'not-my-password', newPassword: NEW_PASSWORD });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json()).toMatchObject({ reason: 'current-password-wrong', field: 'currentPassword' });
    expect((await login(username, PASSWORD)).statusCode).toBe(200);

    const ok = await change({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD }, { ...here.cookie, 'x-csrf-token': here.csrf });
    expect(ok.statusCode, ok.body).toBe(204);
    expect((await me(here.cookie)).json().user?.username).toBe(username);
    expect((await me(elsewhere.bearer)).statusCode).toBe(401);
    expect((await me(here.bearer)).statusCode).toBe(401);
    expect((await login(username, PASSWORD)).statusCode).toBe(401);
    expect((await login(username, NEW_PASSWORD)).statusCode).toBe(200);

    // Guessing through a stolen session is held back like guessing at the sign-in form.
    const stolen = await signedIn(username, NEW_PASSWORD);
    const statuses: number[] = [];
    for (let i = 0; i <= LOGIN_FAILURES_PER_USER; i++)
      statuses.push(
        (await change({ currentPassword: `guess-${i}`, newPassword: NEW_PASSWORD }, stolen.bearer, `10.61.0.${i + 1}`)).statusCode,
      );
    expect(statuses.slice(0, LOGIN_FAILURES_PER_USER - 1).every((s) => s === 403)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    expect((await login(username, NEW_PASSWORD)).statusCode).toBe(429);
  });

  it('logs an administrator made by the create-admin command as the API logs an account: by no one, from origin cli, never the password', async () => {
    type Entry = {
      user_id: number | null;
      origin: string;
      action: string;
      before: Record<string, unknown> | null;
      after: Record<string, unknown>;
    };
    const logged = async (id: number) =>
      (
        await fx.db.query<Entry>(
          `SELECT user_id, origin, action, before, after FROM edit_log WHERE collection = 'users' AND feature_id = $1 ORDER BY id`,
          [String(id)],
        )
      ).rows;
    const cliPassword = 'cli-admin-password-2026';
    // An account the API made, for the shape the command's entry must have.
    const viaApi = await newOfficer();
    const [apiEntry] = await logged(viaApi.id);
    const officer = await newOfficer();
    try {
      const made = await provisionAdministrator(
        fx.db,
        { username: 'cli-admin', password: cliPassword, displayName: 'Quản trị dòng lệnh' },
        false,
      );
      expect(made.created).toBe(true);
      const entries = await logged(made.id);
      expect(entries).toEqual([
        {
          user_id: null,
          origin: 'cli',
          action: 'insert',
          before: null,
          after: {
            id: made.id,
            username: 'cli-admin',
            displayName: 'Quản trị dòng lệnh',
            role: 'admin',
            communes: [],
            farmerId: null,
            active: true,
            version: 1,
          },
        },
      ]);
      expect(Object.keys(entries[0]!.after).sort()).toEqual(Object.keys(apiEntry!.after).sort());
      const hash = (await fx.db.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [made.id])).rows[0]!
        .password_hash;
      expect(JSON.stringify(entries)).not.toContain(cliPassword);
      expect(JSON.stringify(entries)).not.toContain(hash);
      expect(JSON.stringify(entries)).not.toMatch(/argon2|hash/i);
      await signedIn('cli-admin', cliPassword);
      // Run again without --reset: refused, nothing written, nothing logged.
      await expect(
        provisionAdministrator(fx.db, { username: 'cli-admin', password: 'another-password-2026', displayName: 'X' }, false),
      ).rejects.toThrow(/exists/);
      expect(await logged(made.id)).toHaveLength(1);
      await signedIn('cli-admin', cliPassword);

      // --reset over an officer: an update entry from what they were to an administrator, the password change said
      // (not the password), and their sessions ended.
      const session = await signedIn(officer.username, PASSWORD);
      expect(
        await provisionAdministrator(fx.db, { username: officer.username, password: cliPassword, displayName: 'Từng là cán bộ' }, true),
      ).toEqual({
        id: officer.id,
        created: false,
      });
      const resetEntries = await logged(officer.id);
      expect(resetEntries).toHaveLength(2);
      expect(resetEntries[1]).toMatchObject({
        user_id: null,
        origin: 'cli',
        action: 'update',
        before: { username: officer.username, role: 'officer', communes: [WARD_A] },
        after: {
          username: officer.username,
          role: 'admin',
          communes: [],
          displayName: 'Từng là cán bộ',
          active: true,
          passwordChange: 'set-by-cli',
        },
      });
      expect(JSON.stringify(resetEntries)).not.toContain(cliPassword);
      expect((await me(session.bearer)).statusCode).toBe(401);
      await signedIn(officer.username, cliPassword);
    } finally {
      // Administrators the other tests do not expect.
      await fx.db.query(`DELETE FROM users WHERE username IN ('cli-admin', $1)`, [officer.username]);
    }
  });
});
