/** Roles of the platform; anonymous is whoever has not signed in. */
export type Role = 'anonymous' | 'admin' | 'planner' | 'officer' | 'farmer';

/**
 * Who is asking. The auth plugin puts one on every request (request.viewer); every read path
 * (items, tiles, search, lookups) filters by it, not only route guards.
 */
export type Viewer = Readonly<{
  userId: number | null;
  role: Role;
  /** Today's commune codes an officer may work in (empty for other roles; admins see all). */
  communes: readonly string[];
  /** The farmer record of a farmer account. */
  farmerId: number | null;
  /** How the request authenticated: a session cookie (CSRF-checked on writes), a bearer token, or none. */
  via: 'cookie' | 'bearer' | 'none';
}>;

/** The viewer of a request with no credentials. */
export const ANONYMOUS: Viewer = Object.freeze({ userId: null, role: 'anonymous', communes: [], farmerId: null, via: 'none' });
