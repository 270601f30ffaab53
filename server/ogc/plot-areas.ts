// Plots and the growing areas behind codes (and the areas themselves, at the end). A growing area follows its plots by trigger (migration
// 004: geometry and area are the union and sum of its plots), so a plot written through the
// features API or an import would silently change an area under review or one whose code is in
// force. These rules refuse such writes; the registry's own workflow (send the dossier back to
// draft, or re-issue the code as a new draft version) is the way to change those plots.
//
// The checks run inside the write transaction with the area rows locked, taken before the plot
// row as the registry does (lockArea, then the plots): a transition waits for the write, or the
// write waits for the transition and then sees its status. FOR NO KEY UPDATE rather than FOR SHARE
// because the plot trigger's own UPDATE of the area needs that lock: two writers holding FOR SHARE
// on one draft would each wait for the other there (a deadlock).

import type { Viewer } from '../contracts/viewer.ts';
import type { Queryable } from '../db/index.ts';
import { EDITABLE_STATUSES } from '../domain/growing-area-lifecycle.ts';
import { AppError } from '../plugins/errors.ts';
import { requireCommune } from '../registry/access.ts';
import { cropReason, joinReasons, type MembershipReason } from '../registry/growing-areas.service.ts';

// A draft is still being assembled, and a revoked or superseded version no longer stands behind a
// code: their plots may change or leave. Any other status is a dossier under review or a code in force.
/** Growing-area statuses whose member plots may be edited or deleted. */
export const AREA_STATUSES_RELEASING_PLOTS: readonly string[] = ['draft', 'revoked', 'superseded'];

/** Reason codes of the 409 answers (stable: the web client words them in Vietnamese). */
export const PLOT_AREA_REASON = Object.freeze({
  /** The plot belongs to an area under review or with a code in force. */
  PLOT_IN_LOCKED_AREA: 'plot-in-locked-growing-area',
  /** The write would put a plot into an area that is not a draft. */
  AREA_NOT_DRAFT: 'growing-area-not-draft',
} as const);

/** A growing area a write locked: what the rules of its plots need. */
export type LockedArea = { status: string; crop: string; commune_code: string };

/** The growing areas a write locked, by id. */
export type LockedAreas = Map<number, LockedArea>;

/** Whether a value can be a growing-area id at all (a string, a negative or a huge number is refused as a 422 elsewhere). */
export function isAreaId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;
}

/** Locks the growing areas among these values (FOR NO KEY UPDATE, in id order); answers their statuses and crops. */
export async function lockAreas(tx: Queryable, values: readonly unknown[], into: LockedAreas = new Map()): Promise<LockedAreas> {
  const ids = [...new Set(values.filter(isAreaId))].filter((id) => !into.has(id)).sort((a, b) => a - b);
  if (!ids.length) return into;
  const { rows } = await tx.query<{ id: number; status: string; crop: string; commune_code: string }>(
    'SELECT id, status, crop, commune_code FROM growing_areas WHERE id = ANY($1::bigint[]) ORDER BY id FOR NO KEY UPDATE',
    [ids],
  );
  for (const r of rows) into.set(Number(r.id), { status: r.status, crop: r.crop, commune_code: r.commune_code });
  return into;
}

/** Locks the growing area a stored plot belongs to, read before the plot row is locked (the registry's order). */
export async function lockAreaOfPlot(tx: Queryable, plotId: number): Promise<LockedAreas> {
  const { rows } = await tx.query<{ growing_area_id: number | null }>('SELECT growing_area_id FROM plots WHERE id = $1', [plotId]);
  return lockAreas(tx, [rows[0]?.growing_area_id]);
}

/**
 * Refuses (409) a write to a plot whose growing area is under review or holds a code in force.
 * `areas` must already hold the plot's area (locked); an area that no longer exists releases it.
 */
export function requireReleasablePlot(areas: LockedAreas, plotId: number, areaId: unknown, action: 'edited' | 'deleted'): void {
  if (!isAreaId(areaId)) return;
  const status = areas.get(areaId)?.status;
  if (status === undefined || AREA_STATUSES_RELEASING_PLOTS.includes(status)) return;
  throw new AppError(
    'CONFLICT',
    `Plot ${plotId} belongs to growing area ${areaId}, which is ${status}: its plots can be ${action} only while the area is a draft (send the dossier back to draft, or re-issue the code).`,
    { reason: PLOT_AREA_REASON.PLOT_IN_LOCKED_AREA, plotId, growingAreaId: areaId, growingAreaStatus: status },
  );
}

/**
 * Refuses (409) putting a plot into a growing area that is not a draft, as the registry's own
 * "add plots" does. An unknown area is left to the reference check (422).
 */
export function requireAreaTakingPlots(areas: LockedAreas, areaId: unknown): void {
  if (!isAreaId(areaId)) return;
  const status = areas.get(areaId)?.status;
  if (status === undefined || (EDITABLE_STATUSES as readonly string[]).includes(status)) return;
  throw new AppError(
    'CONFLICT',
    `Growing area ${areaId} is ${status}: plots join a growing area only while it is a draft (send the dossier back to draft, or re-issue the code and add the plot to the new version).`,
    { reason: PLOT_AREA_REASON.AREA_NOT_DRAFT, growingAreaId: areaId, growingAreaStatus: status },
  );
}

/** A plot's membership before a write (null on create) and after it, with the values already validated. */
export type PlotMembershipWrite = {
  id: number | null;
  before: Readonly<{ growing_area_id: unknown; crop: unknown }> | null;
  after: Readonly<{ growing_area_id: unknown; crop: unknown; commune_code: unknown }>;
};

/** Whether the write puts the plot into a growing area it was not in. */
export function joinsArea(write: PlotMembershipWrite): boolean {
  return isAreaId(write.after.growing_area_id) && write.after.growing_area_id !== (write.before?.growing_area_id ?? null);
}

/**
 * The registry's membership rules (server/registry/growing-areas.service.ts) applied to a plot
 * written here, once the write's own checks have passed: a plot joining a draft is checked as the
 * registry's "add plots" checks it (same crop, in no other standing area, a commune of the viewer's),
 * and a member of a draft that changes its crop must still grow the area's. Outside a draft the
 * registry keeps no such rule (an area under review or in force is refused before this, a revoked or
 * superseded one no longer stands behind a code). `areas` must hold the plot's areas before and after.
 */
export function membershipReasons(viewer: Viewer, areas: LockedAreas, write: PlotMembershipWrite): MembershipReason[] {
  const { id, before, after } = write;
  const target = after.growing_area_id;
  if (!isAreaId(target) || typeof after.crop !== 'string') return [];
  const area = areas.get(target);
  if (!area || !(EDITABLE_STATUSES as readonly string[]).includes(area.status)) return [];
  if (joinsArea(write)) {
    const previous = before?.growing_area_id;
    const from = isAreaId(previous) ? previous : null;
    return joinReasons(viewer, { id: target, crop: area.crop }, [
      {
        id,
        crop: after.crop,
        commune_code: typeof after.commune_code === 'string' ? after.commune_code : '',
        growing_area_id: from,
        area_status: from === null ? null : (areas.get(from)?.status ?? null),
      },
    ]);
  }
  if (before?.crop === after.crop) return [];
  const reason = cropReason({ id: target, crop: area.crop }, { id, crop: after.crop });
  return reason ? [reason] : [];
}

/**
 * Refuses (403) taking a plot out of a draft of a commune the viewer does not work in, as the
 * registry's "remove a plot" does (requireCommune on the area): the plot may lie in the viewer's
 * commune while the dossier is another commune's. Plots of revoked or superseded areas are free to leave.
 */
export function requireLeavingAllowed(viewer: Viewer, areas: LockedAreas, write: PlotMembershipWrite): void {
  const from = write.before?.growing_area_id;
  if (!isAreaId(from) || from === write.after.growing_area_id) return;
  const area = areas.get(from);
  if (area && (EDITABLE_STATUSES as readonly string[]).includes(area.status)) requireCommune(viewer, area.commune_code);
}

/**
 * Refuses (409) editing or deleting a growing area itself through the features API unless it is a
 * draft, as the registry's own profile edit does: its code, status and decisions move through the
 * registry's transitions, and an issued code changes by re-issue. A deleted area would also take
 * its recorded transitions with it (ON DELETE CASCADE), and buyers must still find a revoked code.
 */
export function requireDraftArea(areaId: number, status: unknown, action: 'edited' | 'deleted'): void {
  if (typeof status !== 'string' || (EDITABLE_STATUSES as readonly string[]).includes(status)) return;
  throw new AppError(
    'CONFLICT',
    `Growing area ${areaId} is ${status}: it can be ${action} here only while it is a draft (its lifecycle goes through /api/growing-areas/${areaId}/transitions; an issued code changes by re-issue).`,
    { reason: PLOT_AREA_REASON.AREA_NOT_DRAFT, growingAreaId: areaId, growingAreaStatus: status },
  );
}
