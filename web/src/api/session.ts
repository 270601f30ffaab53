import type { Role } from '../../../server/contracts/viewer.ts';
import {
  flushSignOut,
  forgetSignOut,
  HttpError,
  rememberSignOut,
  request,
  sendJson,
  sessionChanged,
  setCsrfToken,
  signOutPending,
} from './http.ts';

/**
 * Who is signed in on this page. `savedAt` is set when no network answered and the service worker
 * gave the identity it kept at the last signed-in answer (sw.ts, identity): when that was (ISO 8601).
 */
export type SessionUser = {
  username: string;
  displayName: string;
  role: Role;
  farmerId: number | null;
  communes: string[];
  savedAt?: string;
};

/** The header the service worker puts on the copies it keeps (sw.ts; registration/registry-reads.ts says it too). */
const SAVED_AT_HEADER = 'X-Bando-Saved-At';

function readUser(body: Record<string, unknown>): SessionUser | undefined {
  const u = (body.user ?? body.viewer ?? body) as Record<string, unknown>;
  const role = u.role as Role | undefined;
  if (!role || role === 'anonymous') return undefined;
  const token = body.csrfToken ?? body.csrf_token ?? body.csrf;
  if (typeof token === 'string') setCsrfToken(token);
  return {
    username: String(u.username ?? ''),
    displayName: String(u.displayName ?? u.display_name ?? u.username ?? ''),
    role,
    farmerId: (u.farmerId ?? u.farmer_id ?? null) as number | null,
    communes: Array.isArray(u.communes) ? (u.communes as string[]) : [],
  };
}

/**
 * The signed-in user from the session cookie, or undefined for a guest (or a server without auth yet).
 * A sign-out the server has not heard yet (made with no signal) goes first; while it cannot, nobody is
 * signed in, and nobody is asked: neither the server (the cookie is still good) nor the worker's kept
 * identity may bring back the person who left.
 */
export async function currentUser(): Promise<SessionUser | undefined> {
  // Asked at once when none waits: the page's other requests of the moment are not held back a turn.
  if (signOutPending() && (await flushSignOut())) return undefined;
  try {
    const response = await request('/api/auth/me');
    const user = readUser((await response.json()) as Record<string, unknown>);
    const savedAt = response.headers.get(SAVED_AT_HEADER);
    return user && savedAt ? { ...user, savedAt } : user;
  } catch (error) {
    if (error instanceof HttpError && (error.status === 401 || error.status === 404)) return undefined;
    throw error;
  }
}

/** Signs in with the session cookie; the answer's CSRF token is kept for writes. */
export async function signIn(username: string, password: string): Promise<SessionUser> {
  // The last person's sign-out, if it still waits, ends their session first: its answer clears the
  // cookie, and must not come after this sign-in's has set the new one.
  if (signOutPending()) await flushSignOut();
  const response = await sendJson('/api/auth/login', 'POST', { username, password });
  const user = readUser((await response.json()) as Record<string, unknown>);
  if (!user) throw new HttpError(401, 'no user in the answer', undefined, response);
  // The cookie is this session's now: the old one is off the phone, nothing of it left to send.
  forgetSignOut();
  // A request sent before, refused after, is no news of this session (http.ts, onUnauthenticated).
  sessionChanged();
  return user;
}

/**
 * Ends the session. Written down first (pending-signout.ts) and crossed off only once the server
 * answered: with no signal the page is signed out at once, also after a reload, and the server
 * hears it as soon as the signal is back, before anything else is sent.
 */
export async function signOut(): Promise<void> {
  // Signed out from here on: the refusals still on their way (this one's too, when the session had
  // ended already) must not sign out a second time.
  sessionChanged();
  rememberSignOut();
  setCsrfToken(undefined);
  await flushSignOut();
}
