// Who may read and write what, as SQL predicates that the item queries themselves apply (rules
// enforced where the data is read, not only in route guards) and as plain checks for writes.
//
//   anonymous, planner  public rows, no personal fields; planners also write zones
//   farmer              public rows; personal fields of their own plots and products
//   officer             everything public; personal fields, drafts and writes within their communes
//   admin               everything

import type { Viewer } from '../contracts/viewer.ts';
import { PUBLIC_GROWING_AREA_STATUSES, type CollectionDef } from './collections.ts';
import type { SqlParams } from './sql-params.ts';

/** The viewer plus what their scope resolves to in the database (old commune codes for parcels). */
export type ViewerScope = Readonly<{
  viewer: Viewer;
  /** Commune codes (old and current) whose parcels lie in the officer's communes today. */
  parcelCommuneCodes: readonly string[];
}>;

/** SQL boolean over row t: may this viewer see the row's personal fields? 'FALSE' when never. */
export function personalPredicate(def: CollectionDef, scope: ViewerScope, params: SqlParams): string {
  const { viewer } = scope;
  if (def.privacy === 'none') return 'FALSE';
  if (viewer.role === 'admin') return 'TRUE';
  if (viewer.role === 'officer') {
    const codes = def.privacy === 'parcel' ? scope.parcelCommuneCodes : viewer.communes;
    return codes.length ? `(t.commune_code = ANY(${params.add(codes)}::text[]))` : 'FALSE';
  }
  if (viewer.role === 'farmer' && def.privacy === 'farmer' && viewer.farmerId !== null) {
    return `(t.farmer_id = ${params.add(viewer.farmerId)}::bigint)`;
  }
  return 'FALSE';
}

/** SQL boolean over row t: may this viewer see the row at all? Draft growing areas stay with their officers. */
export function rowPredicate(def: CollectionDef, scope: ViewerScope, params: SqlParams): string {
  if (def.id !== 'growing_areas') return 'TRUE';
  const { viewer } = scope;
  if (viewer.role === 'admin') return 'TRUE';
  const isPublic = `t.status = ANY(${params.add(PUBLIC_GROWING_AREA_STATUSES)}::text[])`;
  if (viewer.role === 'officer' && viewer.communes.length) {
    return `(${isPublic} OR t.commune_code = ANY(${params.add(viewer.communes)}::text[]))`;
  }
  if (viewer.role === 'farmer' && viewer.farmerId !== null) {
    return `(${isPublic} OR EXISTS (SELECT 1 FROM plots p WHERE p.growing_area_id = t.id AND p.farmer_id = ${params.add(viewer.farmerId)}::bigint))`;
  }
  return `(${isPublic})`;
}

/** May this viewer write the collection at all (before looking at a row)? */
export function canWriteCollection(def: CollectionDef, viewer: Viewer): boolean {
  return def.writers.includes(viewer.role);
}

/** May this viewer write a record of this commune (officers only inside their communes)? */
export function canWriteCommune(def: CollectionDef, viewer: Viewer, communeCode: string | null): boolean {
  if (!canWriteCollection(def, viewer)) return false;
  if (viewer.role !== 'officer' || !def.communeScoped) return true;
  return communeCode !== null && viewer.communes.includes(communeCode);
}

/** Whether the collection can be written by anyone (for 405 and the OpenAPI document). */
export function isEditable(def: CollectionDef): boolean {
  return def.writers.length > 0;
}

/** The methods this viewer may use on the items resource or one item: the Allow header. */
export function allowedMethods(def: CollectionDef, viewer: Viewer, level: 'items' | 'item'): string[] {
  const methods = ['GET', 'HEAD', 'OPTIONS'];
  if (canWriteCollection(def, viewer)) methods.push(...(level === 'items' ? ['POST'] : ['PUT', 'PATCH', 'DELETE']));
  return methods;
}

/** May this viewer read the edit history of the collection's features (the writers and administrators)? */
export function canReadHistory(def: CollectionDef, viewer: Viewer): boolean {
  return canWriteCollection(def, viewer) || viewer.role === 'admin';
}
