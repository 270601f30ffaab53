// If-Match on the registry's PATCH /api/growing-areas/:id, by the features API's rule (DESIGN.md:
// 412 on a stale ETag, 428 without one). The tag has the features API's form, "id-version.scope":
// a tool that read the area from /ogc/collections/growing_areas/items/:id may send that item's ETag,
// and both ways of editing a draft stop each other's stale writes.
import { createHash } from 'node:crypto';
import type { Viewer } from '../contracts/viewer.ts';
import { AppError } from '../plugins/errors.ts';

/** What If-Match asked for: any current version (`*`), or one of these strong entity tags. */
export type IfMatch = { any: boolean; tags: readonly string[] };

/**
 * The strong ETag of a growing area's version as `viewer` reads it: `"id-version.scope"`, the scope
 * a short hash of the role and what it is scoped to (as the features API tags a body with personal
 * fields): the registry's read names farmers, so two viewers never share a tag and a kept tag can
 * never fetch a 304 onto another viewer's copy. If-Match takes any viewer's tag of the version.
 */
export function areaETag(id: number, version: number, viewer: Pick<Viewer, 'role' | 'communes' | 'farmerId'>): string {
  const key = `${viewer.role}|${[...viewer.communes].sort().join(',')}|${viewer.farmerId ?? ''}`;
  return `"${id}-${version}.${createHash('sha256').update(key).digest('base64url').slice(0, 8)}"`;
}

/** The If-Match header read as a precondition; null when there is none. Weak tags (W/"…") never match a strong comparison. */
export function readIfMatch(header: string | readonly string[] | undefined): IfMatch | null {
  if (header === undefined) return null;
  const value = typeof header === 'string' ? header : header.join(',');
  if (value.trim() === '*') return { any: true, tags: [] };
  return {
    any: false,
    tags: value
      .split(',')
      .map((t) => t.trim())
      .filter((t) => /^"[^"]*"$/.test(t)),
  };
}

/** Whether the precondition names version `version` of area `id` (a features API tag with a viewer's suffix does too). */
export function ifMatchNames(ifMatch: IfMatch, id: number, version: number): boolean {
  if (ifMatch.any) return true;
  return ifMatch.tags.some((tag) => {
    const m = /^"([0-9]{1,16})-([0-9]{1,10})(?:\.[A-Za-z0-9_-]{8})?"$/.exec(tag);
    return m !== null && Number(m[1]) === id && Number(m[2]) === version;
  });
}

/** 428 when there is no If-Match: an edit must say which version it was made on. */
export function requireIfMatch(ifMatch: IfMatch | null, id: number): IfMatch {
  if (ifMatch) return ifMatch;
  throw new AppError(
    'PRECONDITION_REQUIRED',
    `Editing growing area ${id} needs If-Match with the ETag of the version you read (GET /api/growing-areas/${id} first).`,
  );
}

/** 412 when If-Match names another version than `version`, the current one (its tag as `viewer` reads it in `currentETag`). */
export function requireCurrentVersion(ifMatch: IfMatch, id: number, version: number, viewer: Viewer): void {
  if (ifMatchNames(ifMatch, id, version)) return;
  throw new AppError(
    'PRECONDITION_FAILED',
    `Growing area ${id} changed since you read it (now version ${version}); read it again and apply your edit again.`,
    { currentETag: areaETag(id, version, viewer) },
  );
}
