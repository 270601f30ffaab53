import { lang, t } from '../i18n/i18n.ts';
import type { MessageKey } from '../i18n/vi.ts';
import { PendingSignOut } from './pending-signout.ts';
import { SessionWatch } from './session-watch.ts';

/** An answer that was not 2xx, with the problem document's detail when the server sent one. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
    readonly problem: Record<string, unknown> | undefined,
    readonly response: Response | undefined,
  ) {
    super(message);
  }
}

let csrfToken: string | undefined;
/** The page's sessions: which 401 answers end the one signed in (session-watch.ts). */
const sessions = new SessionWatch();

const LOGOUT_PATH = '/api/auth/logout';
/** The sign-in, sent with the cookie whatever is pending: its answer's cookie takes the old one's place. */
const SIGN_IN_URL = /^\/api\/auth\/login\b/;

/**
 * Sends a sign-out written down earlier (pending-signout.ts), with the session's CSRF token kept then.
 * A 403 is a token that is not the session's (kept from another answer): the server hands the
 * session's own to a read that bypasses the worker's kept identity (sw.ts serves only the bare
 * /api/auth/me), and the sign-out is sent again with it. Raw fetch: not held back by itself.
 */
async function sendSignOut(token: string | null): Promise<boolean> {
  const post = (csrf: string | null) =>
    fetch(LOGOUT_PATH, { method: 'POST', credentials: 'same-origin', headers: csrf ? { 'X-CSRF-Token': csrf } : {} });
  const answer = await post(token);
  // 2xx: ended (or there was none: an expired session is answered 204 too). 401: no session to end.
  if (answer.ok || answer.status === 401) return true;
  if (answer.status !== 403) return false;
  const me = await fetch('/api/auth/me?signing-out=1', {
    credentials: 'same-origin',
    cache: 'no-store',
    headers: { Accept: 'application/json' },
  });
  if (!me.ok) return me.status === 401;
  const own = ((await me.json()) as { csrfToken?: unknown }).csrfToken;
  if (typeof own !== 'string') return true;
  const again = await post(own);
  return again.ok || again.status === 401;
}

function localStore(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined;
  }
}

/** The worker's cache of a signed-in person's reads and identity (sw.ts REGISTRY; registration/registry-reads.ts says it too). */
const KEPT_READS_CACHE = 'bando-registry';

/**
 * The sign-out sent, and what the worker kept of the person taken off the phone once more: the page
 * deleted it at the sign-out, but the worker may have read the identity again meanwhile with the
 * cookie that was still good (what the page loaded before a new worker took over, sw-register.ts).
 */
async function endSession(token: string | null): Promise<boolean> {
  const ended = await sendSignOut(token);
  if (ended && typeof caches !== 'undefined') await caches.delete(KEPT_READS_CACHE).catch(() => undefined);
  return ended;
}

/** The page's sign-out not yet heard by the server, kept across reloads (pending-signout.ts). */
const signOuts = new PendingSignOut(localStore(), endSession);
// The signal is back: the sign-out goes before anything else could be sent under the session.
if (typeof window !== 'undefined') window.addEventListener('online', () => void signOuts.flush());

/** Writes down a sign-out of the session signed in now, before sending it (session.ts, signOut). */
export function rememberSignOut(): void {
  signOuts.remember(csrfToken);
}

/** Sends the sign-out written down, if any; answers whether one is still waiting (no network, a busy server). */
export function flushSignOut(): Promise<boolean> {
  return signOuts.flush();
}

/** Whether a sign-out is waiting for the server: the page is then nobody's, and its requests go without the cookie. */
export function signOutPending(): boolean {
  return signOuts.pending();
}

/** A sign-in answered: its cookie took the old session's place, so no sign-out of it is waiting any more. */
export function forgetSignOut(): void {
  signOuts.forget();
}

/**
 * The credentials a request of the page goes with: none while a sign-out is waiting (the server
 * must not serve the person who left), and then a try to send it; the sign-in always with them.
 */
function credentialsFor(url: string): RequestCredentials {
  if (!signOuts.pending() || SIGN_IN_URL.test(url.replace(/^https?:\/\/[^/]+/, ''))) return 'same-origin';
  void signOuts.flush();
  return 'omit';
}

/**
 * Calls `listener` with the URL of the first request of a session the server answered 401 (the
 * sign-in itself excepted: a wrong password is no ended session), whatever sent it: this module's
 * helpers, the uploads (upload.ts) or a fetch of its own (sessionFetch). The page uses it to show the
 * signed-out state when a session ended elsewhere (another tab signed out, the cookie expired).
 */
export function onUnauthenticated(listener: (url: string) => void): () => void {
  return sessions.listen(listener);
}

/** Someone signed in or out (session.ts): a 401 to a request sent before is no news of the new session. */
export function sessionChanged(): void {
  sessions.changed();
}

/**
 * Marks a request that does not go through `request` (an upload with progress, a photo read as a
 * blob) as it leaves; call what it answers with its answer's status, so its 401 too tells the page.
 */
export function watchAnswer(url: string): (status: number) => void {
  return sessions.sending(url);
}

/** fetch, telling the page when the answer is a 401 (its session ended); nothing else changes. */
export async function sessionFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const answered = sessions.sending(url);
  const response = await fetch(url, { ...init, credentials: credentialsFor(url) });
  answered(response.status);
  return response;
}

/** The CSRF header a write sent outside `request` carries (an upload with progress): empty before a sign-in answered one. */
export function csrfHeaders(): Record<string, string> {
  return csrfToken ? { 'X-CSRF-Token': csrfToken } : {};
}

/** Remembers the CSRF token the sign-in answered with; cookie-authenticated writes send it back. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

async function problemOf(response: Response): Promise<Record<string, unknown> | undefined> {
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('json')) return undefined;
  try {
    return (await response.json()) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** fetch with our conventions: same-origin cookies, CSRF on writes, problem+json turned into HttpError. */
export async function request(url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const method = (init.method ?? 'GET').toUpperCase();
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers.set('X-CSRF-Token', csrfToken);
  if (!headers.has('Accept')) headers.set('Accept', 'application/json, application/geo+json;q=0.9, */*;q=0.5');
  let response: Response;
  const answered = sessions.sending(url);
  try {
    response = await fetch(url, { ...init, headers, credentials: credentialsFor(url) });
  } catch (error) {
    throw new HttpError(0, navigator.onLine ? String((error as Error).message ?? error) : 'offline', undefined, undefined);
  }
  answered(response.status);
  if (!response.ok && response.status !== 304) {
    const problem = await problemOf(response);
    const detail = typeof problem?.detail === 'string' ? problem.detail : `${response.status} ${response.statusText}`;
    throw new HttpError(response.status, detail, problem, response);
  }
  return response;
}

/** GET and parse JSON. */
export async function getJson<T>(url: string, init: RequestInit = {}): Promise<T> {
  const response = await request(url, init);
  return (await response.json()) as T;
}

/** Sends JSON with a method and optional headers (If-Match); answers the Response for its ETag and body. */
export async function sendJson(url: string, method: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return request(url, {
    method,
    headers: { 'Content-Type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** The statuses worded in the user's language when no view has a better sentence for the refusal. */
const STATUS_WORDS: Readonly<Record<number, MessageKey>> = {
  400: 'error400',
  401: 'error401',
  403: 'error403',
  404: 'error404',
  409: 'error409',
  412: 'error412',
  413: 'error413',
  415: 'error415',
  422: 'error422',
  429: 'error429',
  503: 'error503',
};

/**
 * A short, human reason for an error, for the message line, in the current language: no answer at
 * all, or the answer's status in words. The server's own sentence is English (an API's), so it is
 * added in English only; views with a better sentence for a refusal (its reason code) word it
 * themselves. Call it again after a language switch (e.g. inside a toast's words function).
 */
export function describeError(error: unknown): string {
  if (error instanceof HttpError && error.status === 0)
    // The browser's own words ("Failed to fetch", "NetworkError when attempting…") tell a user nothing
    // and are English whatever the page's language: the sentence says what to do instead.
    return error.message === 'offline' ? t('errorNoNetwork') : t('errorUnreachable');
  if (error instanceof HttpError) {
    // A database restarting is not a busy server: the wait is seconds, not minutes.
    const key =
      error.problem?.code === 'DATABASE_UNAVAILABLE'
        ? 'errorDatabaseUnavailable'
        : (STATUS_WORDS[error.status] ?? (error.status >= 500 ? 'error5xx' : undefined));
    const words = key ? t(key) : t('errorStatus', { status: error.status });
    return lang() === 'en' && error.problem?.detail ? `${words}: ${error.message}` : words;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
