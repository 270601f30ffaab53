import { t } from '../i18n/i18n.ts';

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

/**
 * A short, human reason for an error, for the message line, in the current language where it is
 * ours to word (no answer at all); the server's own detail otherwise. Call it again after a language
 * switch (e.g. inside a toast's words function) to reword it.
 */
export function describeError(error: unknown): string {
  if (error instanceof HttpError && error.status === 0)
    return error.message === 'offline' ? t('errorNoNetwork') : t('errorUnreachable', { detail: error.message });
  if (error instanceof HttpError) return `${error.message} (${error.status})`;
  if (error instanceof Error) return error.message;
  return String(error);
}
