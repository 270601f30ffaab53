import { lang, t } from '../i18n/i18n.ts';
import type { MessageKey } from '../i18n/vi.ts';

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
const unauthenticatedListeners = new Set<(url: string) => void>();

/**
 * Calls `listener` with the URL whenever the server answers 401 to one of our requests (the sign-in
 * itself excepted: a wrong password is no ended session). The page uses it to show the signed-out
 * state when a session ended elsewhere (another tab signed out, the cookie expired).
 */
export function onUnauthenticated(listener: (url: string) => void): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
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
  try {
    response = await fetch(url, { ...init, headers, credentials: 'same-origin' });
  } catch (error) {
    throw new HttpError(0, navigator.onLine ? String((error as Error).message ?? error) : 'offline', undefined, undefined);
  }
  if (response.status === 401 && !/^\/api\/auth\/login\b/.test(new URL(url, location.href).pathname)) {
    for (const listener of unauthenticatedListeners) listener(url);
  }
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
    return error.message === 'offline' ? t('errorNoNetwork') : t('errorUnreachable', { detail: error.message });
  if (error instanceof HttpError) {
    const key = STATUS_WORDS[error.status] ?? (error.status >= 500 ? 'error5xx' : undefined);
    const words = key ? t(key) : t('errorStatus', { status: error.status });
    return lang() === 'en' && error.problem?.detail ? `${words}: ${error.message}` : words;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
