// Who may read and change registry data (DOMAIN.md, Privacy): officers within their communes,
// administrators everywhere, a farmer their own records, anonymous visitors only public lookups.
// Services call these with the viewer of the request, so the rule holds on every path.
import type { Viewer } from '../contracts/viewer.ts';
import type { Queryable } from '../db/index.ts';
import { AppError } from '../plugins/errors.ts';

/** Whether the viewer is staff that works with personal data: an officer or an administrator. */
export function isStaff(viewer: Viewer): boolean {
  return viewer.role === 'admin' || viewer.role === 'officer';
}

/** Today's communes the viewer may work in; null means every commune (administrators). */
export function communeScope(viewer: Viewer): readonly string[] | null {
  if (viewer.role === 'admin') return null;
  if (viewer.role === 'officer') return viewer.communes;
  return [];
}

/** Whether the viewer may read and change registry records of this (today's) commune. */
export function worksIn(viewer: Viewer, communeCode: string): boolean {
  const scope = communeScope(viewer);
  return scope === null || scope.includes(communeCode);
}

/** Throws 401 for anonymous viewers and 403 for roles other than officer and admin. */
export function requireStaff(viewer: Viewer): void {
  if (viewer.role === 'anonymous') throw new AppError('UNAUTHENTICATED', 'Sign in to use the registry.');
  if (!isStaff(viewer)) throw new AppError('FORBIDDEN', 'Only agricultural officers and administrators may do this.');
}

/** Throws unless the viewer is staff working in the given commune. */
export function requireCommune(viewer: Viewer, communeCode: string): void {
  requireStaff(viewer);
  if (!worksIn(viewer, communeCode)) {
    throw new AppError('FORBIDDEN', `You do not work in commune ${communeCode}; ask an administrator to assign it.`);
  }
}

/** Records that the viewer was shown personal data of these subjects ('farmer:12', 'parcel_owner:33'). */
export async function logReveal(q: Queryable, viewer: Viewer, subjects: readonly string[], purpose: string): Promise<void> {
  if (subjects.length === 0 || viewer.userId === null) return;
  await q.query(`INSERT INTO access_log (user_id, subject, purpose) SELECT $1, s, $3 FROM unnest($2::text[]) AS s`, [
    viewer.userId,
    [...new Set(subjects)],
    purpose,
  ]);
}
