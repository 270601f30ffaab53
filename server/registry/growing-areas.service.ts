// Growing areas (mã số vùng trồng): drafts assembled from plots, the lifecycle from submission to
// revocation with every transition recorded, re-issues as new versions of the same lineage, and
// the proposed code. The rules themselves are pure (server/domain); this file applies them to rows.
import type { Viewer } from '../contracts/viewer.ts';
import {
  REGISTRY_REASON,
  type GrowingAreaBody,
  type GrowingAreaListQuery,
  type GrowingAreaPatch,
  type ReissueBody,
  type TransitionBody,
} from '../contracts/registry.ts';
import type { Db, Queryable } from '../db/index.ts';
import { withEdits } from '../db/edit-context.ts';
import { MEMBERSHIP_REASON, type MembershipProblem } from '../contracts/membership.ts';
import { DOSSIER_FIELDS, type DossierField } from '../contracts/registry-codes.ts';
import { AppError } from '../plugins/errors.ts';
import {
  CLOSED_STATUSES,
  EDITABLE_STATUSES,
  REISSUABLE_STATUSES,
  allowedTransitions,
  canReissue,
  checkTransition,
  inspectionShortfall,
  isGrowingAreaStatus,
  transitionRequirements,
  type GrowingAreaScheme,
  type GrowingAreaStatus,
  type InspectionEvidence,
} from '../domain/growing-area-lifecycle.ts';
import { DECISION_NO_EXAMPLE, TEXT_REASONS, isDecisionNo, nameProblem } from '../domain/registry-text.ts';
import { DECISION_DATE_REASONS, decisionDateProblem, type DecisionDateBounds } from '../domain/decision-date.ts';
import { vietnamToday } from '../domain/vietnam-time.ts';
import { parcelName } from '../domain/parcel-name.ts';
import { PUBLIC_NOTE_REASONS, PUBLISHED_REASON_STATUSES, publicNoteProblem } from '../domain/public-note.ts';
import { DONG_THAP_2025, checkCode, checkMinimumArea, normaliseCode, proposeCode, type CropRule } from '../domain/growing-area-rules.ts';
import { communeScope, logReveal, requireCommune, requireStaff, worksIn } from './access.ts';
import { requireCurrentCommune } from './farmers.service.ts';
import * as SQL from './growing-areas.sql.ts';
import { recordInspection } from './inspections.service.ts';
import { checkAttachments, claimDocuments } from './area-documents.service.ts';
import { requireCurrentVersion, requireIfMatch, type IfMatch } from './preconditions.ts';

/** A growing-area row as the officer's API returns it (snake_case columns of AREA_BY_ID). */
export type AreaRow = Record<string, unknown> & {
  id: number;
  lineage_id: number;
  version_no: number;
  status: GrowingAreaStatus;
  scheme: GrowingAreaScheme;
  crop: string;
  commune_code: string;
  code: string | null;
  markets: string[];
  /** The row's version, bumped by every change: its ETag (areaETag) and the If-Match of a PATCH name it. */
  version: number;
};

type LockedArea = Pick<
  AreaRow,
  'id' | 'lineage_id' | 'version_no' | 'status' | 'scheme' | 'crop' | 'commune_code' | 'code' | 'markets' | 'version'
>;

const edit = (viewer: Viewer) => ({ userId: viewer.userId, origin: 'api' as const });

async function loadArea(q: Queryable, id: number): Promise<AreaRow> {
  const row = (await q.query<AreaRow>(SQL.AREA_BY_ID, [id])).rows[0];
  if (!row) throw new AppError('NOT_FOUND', `No growing area ${id}.`);
  return row;
}

async function lockArea(q: Queryable, viewer: Viewer, id: number): Promise<LockedArea> {
  const row = (await q.query<LockedArea>(SQL.LOCK_AREA, [id])).rows[0];
  if (!row) throw new AppError('NOT_FOUND', `No growing area ${id}.`);
  requireCommune(viewer, row.commune_code);
  return row;
}

async function loadCrop(q: Queryable, code: string): Promise<CropRule> {
  const crop = (await q.query<CropRule>(SQL.CROP, [code])).rows[0];
  if (!crop)
    throw new AppError('VALIDATION_FAILED', `Unknown crop "${code}"; use a code of the crop catalogue such as mango, rice or vegetable.`);
  return crop;
}

function requireEditable(area: LockedArea): void {
  if (!EDITABLE_STATUSES.includes(area.status)) {
    throw new AppError(
      'CONFLICT',
      `Growing area ${area.id} is ${area.status}: plots and profile change only in draft (re-issue to change an issued code).`,
      // growingAreaId/-Status, as the features API names them (`status` is the HTTP status's, RFC 9457).
      { reason: REGISTRY_REASON.AREA_NOT_DRAFT, growingAreaId: area.id, growingAreaStatus: area.status },
    );
  }
}

/** Growing areas of the viewer's communes, filtered. */
export async function listAreas(db: Db, viewer: Viewer, query: GrowingAreaListQuery): Promise<{ total: number; areas: AreaRow[] }> {
  requireStaff(viewer);
  let scope = communeScope(viewer);
  if (query.commune) {
    requireCommune(viewer, query.commune);
    scope = [query.commune];
  }
  if (query.status !== undefined && !isGrowingAreaStatus(query.status)) {
    throw new AppError('BAD_REQUEST', `"${query.status}" is not a growing-area status.`);
  }
  const { rows } = await db.query<AreaRow & { total: number }>(SQL.LIST_AREAS, [
    scope,
    query.status ?? null,
    query.crop ?? null,
    query.scheme ?? null,
    query.limit,
    query.offset,
  ]);
  return { total: rows[0]?.total ?? 0, areas: rows.map(({ total: _total, ...row }) => row as AreaRow) };
}

/** The full profile of an area for staff of its commune: member plots with farmers (the reveal is logged), allowed next steps. */
export async function getArea(
  db: Db,
  viewer: Viewer,
  id: number,
): Promise<AreaRow & { plots: Record<string, unknown>[]; allowed: GrowingAreaStatus[]; canReissue: boolean }> {
  requireStaff(viewer);
  return db.transaction(async (tx) => {
    const area = await loadArea(tx, id);
    requireCommune(viewer, area.commune_code);
    const plots = (await tx.query<{ farmer_id: number | null }>(SQL.AREA_PLOTS_DETAIL, [id])).rows;
    await logReveal(
      tx,
      viewer,
      plots.filter((p) => p.farmer_id !== null).map((p) => `farmer:${p.farmer_id}`),
      `growing_area:${id}`,
    );
    return { ...area, plots, allowed: allowedTransitions(area.status, area.scheme), canReissue: canReissue(area.status) };
  });
}

/** The text fields of a profile that are names: printed on the profile and the public lookup, so they need a letter and no pictograph. */
const NAME_FIELDS = ['name', 'registrantName', 'technicalOfficer'] as const;

/**
 * 422 naming the first field of `body` (a draft or a patch) that is no name: `name-no-letter`
 * ("🥭🥭🥭", "   ", "123") or `name-pictograph` ("HTX 🙂"); nothing when each name given is one.
 */
export function refuseNonNames(body: Partial<Record<(typeof NAME_FIELDS)[number], string | null>>): void {
  for (const field of NAME_FIELDS) {
    const value = body[field];
    if (value === undefined || value === null) continue;
    const problem = nameProblem(value);
    if (problem === TEXT_REASONS.NAME_NO_LETTER)
      throw new AppError('VALIDATION_FAILED', `${field} "${value}" has no letter: write the name in words.`, { reason: problem, field });
    if (problem === TEXT_REASONS.NAME_PICTOGRAPH)
      throw new AppError('VALIDATION_FAILED', `${field} "${value}" holds an emoji or pictograph: write the name in letters only.`, {
        reason: problem,
        field,
      });
  }
}

/** 422 `decision-no-shape` (field `decisionNo`) when a decision number is given that does not look like one. */
export function refuseDecisionNoShape(decisionNo: string | null): void {
  if (decisionNo !== null && !isDecisionNo(decisionNo)) {
    throw new AppError(
      'VALIDATION_FAILED',
      `"${decisionNo}" is not a decision number: digits, a slash, then its letters, e.g. ${DECISION_NO_EXAMPLE}.`,
      { reason: TEXT_REASONS.DECISION_NO_SHAPE, field: 'decisionNo', example: DECISION_NO_EXAMPLE },
    );
  }
}

/**
 * 422 naming `note` when a reason the registry publishes (a suspension's, a revocation's, a
 * re-issue's) has no letter (`name-no-letter`: "😡😡😡", "1234") or holds a citizen ID
 * (`personal-citizen-id`) or a phone number (`personal-phone`): the public lookup shows it to anyone.
 * The detail does not repeat the number (it may be logged).
 */
export function refusePublicNote(note: string | null): void {
  if (note === null) return;
  const problem = publicNoteProblem(note);
  if (problem === null) return;
  const detail =
    problem === PUBLIC_NOTE_REASONS.NO_LETTER
      ? 'The reason has no letter: say in words why.'
      : `The reason is published with the code and holds ${problem === PUBLIC_NOTE_REASONS.PHONE ? 'a phone number' : 'a citizen ID'}: personal data never appears in public answers; leave it out.`;
  throw new AppError('VALIDATION_FAILED', detail, { reason: problem, field: 'note' });
}

/** Creates a draft, optionally with its first plots. */
export async function createArea(db: Db, viewer: Viewer, body: GrowingAreaBody): Promise<AreaRow> {
  requireCommune(viewer, body.communeCode);
  refuseNonNames(body);
  const id = await withEdits(db, edit(viewer), async (tx) => {
    await requireCurrentCommune(tx, body.communeCode);
    await loadCrop(tx, body.crop);
    const { rows } = await tx.query<{ id: number }>(SQL.INSERT_AREA, [
      body.scheme,
      (body.markets ?? []).map((m) => m.toUpperCase()),
      body.name.trim(),
      body.crop,
      body.variety ?? null,
      body.registrantKind ?? 'cooperative',
      body.registrantName.trim(),
      body.registrantContact ?? null,
      body.technicalOfficer ?? null,
      body.communeCode,
      body.households ?? null,
      body.harvestsPerYear ?? null,
      body.expectedYieldTonnes ?? null,
      body.standard ?? null,
      body.certificates ?? null,
      viewer.userId,
    ]);
    const areaId = rows[0]!.id;
    if (body.plotIds?.length) await attach(tx, viewer, { id: areaId, crop: body.crop }, body.plotIds);
    return areaId;
  });
  return loadArea(db, id);
}

/**
 * Edits the profile of a draft, made on the version `ifMatch` names (If-Match: 428 without it, 412
 * when the area changed since, by this API or the features API). An area that does not exist is 404
 * and one of another commune 403 whatever the headers, as the read answers them: a missing If-Match
 * is told only about an area the viewer could have read.
 */
export async function updateArea(db: Db, viewer: Viewer, id: number, patch: GrowingAreaPatch, ifMatch: IfMatch | null): Promise<AreaRow> {
  requireStaff(viewer);
  await withEdits(db, edit(viewer), async (tx) => {
    const locked = await lockArea(tx, viewer, id);
    // A stale card first: read again, it says what the area is now (perhaps no longer a draft).
    requireCurrentVersion(requireIfMatch(ifMatch, id), id, Number(locked.version), viewer);
    refuseNonNames(patch);
    requireEditable(locked);
    const cur = await loadArea(tx, id);
    const pick = <T>(key: keyof GrowingAreaPatch, current: T): unknown => (key in patch ? (patch[key] ?? null) : current);
    if (patch.crop && patch.crop !== cur.crop) {
      await loadCrop(tx, patch.crop);
      refuseMembership(await memberCropReasons(tx, id, patch.crop));
    }
    await tx.query(SQL.UPDATE_AREA_PROFILE, [
      id,
      patch.scheme ?? cur.scheme,
      patch.markets ? patch.markets.map((m) => m.toUpperCase()) : cur.markets,
      patch.name?.trim() ?? cur.name,
      patch.crop ?? cur.crop,
      pick('variety', cur.variety),
      patch.registrantKind ?? cur.registrant_kind,
      patch.registrantName?.trim() ?? cur.registrant_name,
      pick('registrantContact', cur.registrant_contact),
      pick('technicalOfficer', cur.technical_officer),
      pick('households', cur.households),
      pick('harvestsPerYear', cur.harvests_per_year),
      pick('expectedYieldTonnes', cur.expected_yield_tonnes),
      pick('standard', cur.standard),
      pick('certificates', cur.certificates),
    ]);
  });
  return loadArea(db, id);
}

async function attach(tx: Queryable, viewer: Viewer, area: { id: number; crop: string }, plotIds: readonly number[]): Promise<void> {
  const plots = (
    await tx.query<{ id: number; crop: string; commune_code: string; growing_area_id: number | null; area_status: string | null }>(
      SQL.LOCK_PLOTS,
      [plotIds],
    )
  ).rows;
  const missing = plotIds.filter((id) => !plots.some((p) => p.id === id));
  if (missing.length) throw new AppError('VALIDATION_FAILED', `No plot ${missing.join(', ')}.`, { missing });
  refuseMembership(joinReasons(viewer, area, plots));
  await tx.query(SQL.ATTACH_PLOTS, [area.id, plotIds]);
  await linkParcels(tx, plotIds);
}

// The membership rules of a draft below are the registry's own (attach, the crop of the profile)
// and are called as they are by the features API (server/ogc/plot-areas.ts) and the importer, so a
// plot written there cannot end up in a draft that the registry itself would have refused it.

export { MEMBERSHIP_REASON } from '../contracts/membership.ts';

/** One broken membership rule: which plots, which of their properties, why in words, and the facts of those words as fields. */
export type MembershipReason = MembershipProblem;

/** A plot as the membership rules see it: its crop and commune, and the area it is in now (null id: not stored yet). */
export type MemberPlot = {
  id: number | null;
  crop: string;
  commune_code: string;
  growing_area_id: number | null;
  /** Status of the area it is in now (null when none). */
  area_status: string | null;
};

const isClosed = (status: string | null): boolean => status !== null && (CLOSED_STATUSES as readonly string[]).includes(status);

const plotName = (p: Pick<MemberPlot, 'id'>) => (p.id === null ? 'The plot' : `Plot ${p.id}`);

/** The reason a plot may not be (or stay) a member of this area because it grows another crop; null when it grows the area's crop. */
export function cropReason(area: { id: number; crop: string }, plot: Pick<MemberPlot, 'id' | 'crop'>): MembershipReason | null {
  if (plot.crop === area.crop) return null;
  return {
    code: MEMBERSHIP_REASON.CROP_MISMATCH,
    property: 'crop',
    plotIds: plot.id === null ? [] : [plot.id],
    message: `${plotName(plot)} grows ${plot.crop}, not ${area.crop}.`,
    plotId: plot.id,
    plotCrop: plot.crop,
    areaId: area.id,
    areaCrop: area.crop,
  };
}

/**
 * Why these plots may not join draft growing area `area` (empty: they may): one crop per area, no
 * plot in two areas (a revoked or superseded version has let its plots go, keeping its record of
 * them), only plots of the viewer's communes.
 */
export function joinReasons(viewer: Viewer, area: { id: number; crop: string }, plots: readonly MemberPlot[]): MembershipReason[] {
  const reasons: MembershipReason[] = [];
  for (const p of plots) {
    const ids = p.id === null ? [] : [p.id];
    const crop = cropReason(area, p);
    if (crop) reasons.push(crop);
    if (p.growing_area_id !== null && p.growing_area_id !== area.id && !isClosed(p.area_status)) {
      reasons.push({
        code: MEMBERSHIP_REASON.IN_OTHER_AREA,
        property: 'growing_area_id',
        plotIds: ids,
        message: `${plotName(p)} already belongs to growing area ${p.growing_area_id}; take it out of that area first.`,
        plotId: p.id,
        areaId: area.id,
        otherAreaId: p.growing_area_id,
        otherAreaStatus: p.area_status,
      });
    }
    if (!worksIn(viewer, p.commune_code)) {
      reasons.push({
        code: MEMBERSHIP_REASON.OUTSIDE_YOUR_COMMUNES,
        property: 'commune_code',
        plotIds: ids,
        message: `${plotName(p)} lies in commune ${p.commune_code}, where you do not work.`,
        plotId: p.id,
        areaId: area.id,
        communeCode: p.commune_code,
      });
    }
  }
  return reasons;
}

/** Why draft `areaId` may not take `crop` (empty: it may): its member plots must all grow it. Reads the members; the caller holds the area's row lock. */
export async function memberCropReasons(tx: Queryable, areaId: number, crop: string): Promise<MembershipReason[]> {
  const others = (await tx.query<{ id: number; crop: string }>(SQL.AREA_PLOTS, [areaId])).rows.filter((p) => p.crop !== crop);
  if (!others.length) return [];
  const plotCrops = [...new Set(others.map((p) => p.crop))];
  const grown = plotCrops.join(', ');
  return [
    {
      code: MEMBERSHIP_REASON.CROP_MISMATCH,
      property: 'crop',
      plotIds: others.map((p) => Number(p.id)),
      message:
        others.length === 1
          ? `Plot ${others[0]!.id} grows ${grown}; take it out of the area before changing its crop to ${crop}.`
          : `Plots ${others.map((p) => p.id).join(', ')} grow ${grown}; take them out of the area before changing its crop to ${crop}.`,
      areaId,
      plotCrops,
      requestedCrop: crop,
    },
  ];
}

// The registry's answer (422): the reasons in one sentence, each one's words in `reasons` (as
// clients have always read them) and each one whole, with its facts as fields, in `problems`.
function refuseMembership(reasons: readonly MembershipReason[]): void {
  if (reasons.length) {
    throw new AppError('VALIDATION_FAILED', reasons.map((r) => r.message).join(' '), {
      reasons: reasons.map((r) => r.message),
      problems: reasons,
    });
  }
}

/** Recomputes which cadastral parcels the plots cover and the share of each (geodesic m² and %). */
export async function linkParcels(tx: Queryable, plotIds: readonly number[]): Promise<void> {
  await tx.query(SQL.LINK_PLOT_PARCELS, [plotIds]);
}

/** Adds plots to a draft. */
export async function addPlots(db: Db, viewer: Viewer, id: number, plotIds: readonly number[]): Promise<AreaRow> {
  requireStaff(viewer);
  await withEdits(db, edit(viewer), async (tx) => {
    const area = await lockArea(tx, viewer, id);
    requireEditable(area);
    await attach(tx, viewer, area, plotIds);
  });
  return loadArea(db, id);
}

/** Takes a plot out of a draft. */
export async function removePlot(db: Db, viewer: Viewer, id: number, plotId: number): Promise<AreaRow> {
  requireStaff(viewer);
  await withEdits(db, edit(viewer), async (tx) => {
    const area = await lockArea(tx, viewer, id);
    requireEditable(area);
    const { rowCount } = await tx.query(SQL.DETACH_PLOT, [id, plotId]);
    if (rowCount === 0) throw new AppError('NOT_FOUND', `Plot ${plotId} is not in growing area ${id}.`);
  });
  return loadArea(db, id);
}

/** One recorded transition. */
export type TransitionRow = Record<string, unknown> & { id: number; from_status: string; to_status: string };

/**
 * Moves an area along its lifecycle. Forbidden moves answer 409 with the allowed ones; submission
 * enforces the minimum area; inspection results need a concluded inspection (sent with the move,
 * or recorded before); issuing and approving need the code and the decision number. The
 * transition, and the inspection sent with it, are recorded in the same transaction.
 */
export async function transition(
  db: Db,
  viewer: Viewer,
  id: number,
  body: TransitionBody,
): Promise<{ area: AreaRow; transition: TransitionRow }> {
  requireStaff(viewer);
  let claim: CodeClaim | null = null;
  const recorded = await withEdits(db, edit(viewer), async (tx) => {
    const area = await lockArea(tx, viewer, id);
    const check = checkTransition(area.status, body.to, area.scheme);
    if (!check.valid) {
      throw new AppError('TRANSITION_FORBIDDEN', check.message, {
        reason: check.reason,
        from: area.status,
        to: body.to,
        allowed: check.allowed,
      });
    }
    const needs = transitionRequirements(check.to, check.from);
    const decisionNo = body.decisionNo?.trim() || null;
    if (needs.decisionNo && !decisionNo) {
      const act = check.from === 'suspended' && check.to === 'active' ? 'Lifting the suspension' : `Moving to ${check.to}`;
      throw new AppError('VALIDATION_FAILED', `${act} is a decision: give its number (decisionNo).`, {
        reason: REGISTRY_REASON.DECISION_REQUIRED,
        from: check.from,
        to: check.to,
      });
    }
    let code: string | null = null;
    if (needs.code) {
      if (!body.code)
        throw new AppError('VALIDATION_FAILED', `Moving to ${check.to} sets the code: give it (the proposed code is at …/proposed-code).`, {
          reason: REGISTRY_REASON.CODE_REQUIRED,
        });
      code = normaliseCode(body.code);
      const verdict = checkCode(code, area.scheme);
      if (!verdict.valid) throw new AppError('VALIDATION_FAILED', verdict.message, { reason: verdict.reason });
      claim = { code, lineageId: area.lineage_id };
      await refuseTakenCode(tx, claim);
    }
    // After the code's checks, so a wrong code is named first; before anything is written.
    refuseDecisionNoShape(decisionNo);
    const decidedOn = await decisionDay(tx, id, check.to, body.decidedOn, needs.decisionNo);
    if (PUBLISHED_REASON_STATUSES.includes(check.to)) refusePublicNote(body.note?.trim() || null);
    // Uploaded documents named by the attachments: this area's, carried by no other move (locked until written).
    const documents = await checkAttachments(tx, id, body.attachments ?? []);
    if (check.to === 'submitted') {
      const crop = await loadCrop(tx, area.crop);
      const plots = (await tx.query<{ id: number; crop: string; area_m2: number }>(SQL.AREA_PLOTS, [id])).rows;
      const verdict = checkMinimumArea(crop, plots);
      if (!verdict.valid) throw new AppError('VALIDATION_FAILED', verdict.message, { reason: verdict.reason });
      await refuseIncompleteDossier(tx, id);
    }
    if (body.inspection) {
      // The inspection behind the result is written in this transaction: a refusal below or a
      // failed write of the transition leaves no inspection behind.
      if (!needs.concludedInspection) {
        throw new AppError('VALIDATION_FAILED', `Moving to ${check.to} records no inspection result: send the inspection on its own.`, {
          reason: REGISTRY_REASON.INSPECTION_NOT_EXPECTED,
        });
      }
      if (body.inspection.conclusion !== needs.concludedInspection) {
        throw new AppError(
          'VALIDATION_FAILED',
          `Recording ${check.to} needs an inspection concluded "${needs.concludedInspection}", not "${body.inspection.conclusion}".`,
          { reason: REGISTRY_REASON.INSPECTION_CONCLUSION_MISMATCH, conclusion: needs.concludedInspection },
        );
      }
      refuseThinInspection(check.to, null, { ...body.inspection, photoCount: 0 });
      await recordInspection(tx, viewer, area, body.inspection);
    } else if (needs.concludedInspection) {
      const latest = (await tx.query<LatestInspection>(SQL.LATEST_CONCLUSION, [id])).rows[0];
      if (latest?.conclusion !== needs.concludedInspection) {
        throw new AppError(
          'VALIDATION_FAILED',
          `Recording ${check.to} needs an inspection concluded "${needs.concludedInspection}"; the latest concluded inspection says ${latest ? `"${latest.conclusion}"` : 'nothing yet'}.`,
          { reason: REGISTRY_REASON.INSPECTION_REQUIRED, conclusion: needs.concludedInspection, latest: latest?.conclusion ?? null },
        );
      }
      refuseThinInspection(check.to, Number(latest.id), {
        checklist: latest.checklist,
        notes: latest.notes,
        photoCount: latest.photo_count,
      });
    }
    // A revoked version keeps the record of its plots before any of them joins a new dossier.
    if (isClosed(check.to)) await tx.query(SQL.CLOSE_AREA, [id]);
    await tx.query(SQL.SET_STATUS, [id, check.to, code, decisionNo, decidedOn]);
    const { rows } = await tx.query<TransitionRow>(SQL.INSERT_TRANSITION, [
      id,
      area.status,
      check.to,
      viewer.userId,
      decisionNo,
      body.note ?? null,
      JSON.stringify(documents.attachments),
      decidedOn,
    ]);
    await claimDocuments(tx, rows[0]!.id, documents);
    return rows[0]!;
  }).catch(async (error: unknown) => {
    // Two officers issuing one code at the same instant both pass the check above; the unique
    // index stops the later one. The winner has committed by then, so it is read after the
    // rollback and named exactly as the check names it.
    if (claim && isUniqueViolation(error, CODE_INDEX)) await refuseTakenCode(db, claim);
    throw error;
  });
  return { area: await loadArea(db, id), transition: recorded };
}

type CodeClaim = { code: string; lineageId: number };

/** A member plot without a farmer, named by its main parcel (null parts: it covers none). */
type PlotWithoutFarmer = {
  id: number;
  commune: string | null;
  communeName: string | null;
  communeFormer: boolean | null;
  sheet: number | null;
  parcel: number | null;
};

/** The column of each dossier field (DOSSIER_FIELDS, named as the request body names them). */
const DOSSIER_COLUMNS: Readonly<Record<DossierField, string>> = {
  households: 'households',
  technicalOfficer: 'technical_officer',
  expectedYieldTonnes: 'expected_yield_tonnes',
};

/**
 * 422 `dossier-incomplete` when draft `id` is submitted with member plots that have no farmer (the
 * printed dossier's farmer column, the EUDR producer) or with profile fields the dossier needs left
 * empty (audit s16: a dossier of ten plots, no farmer, no households, went through); each named.
 */
async function refuseIncompleteDossier(tx: Queryable, id: number): Promise<void> {
  const plots = (await tx.query<PlotWithoutFarmer>(SQL.PLOTS_WITHOUT_FARMER, [id])).rows.map((p) => ({ ...p, id: Number(p.id) }));
  const profile = (await tx.query<Record<string, unknown>>(SQL.DOSSIER_PROFILE, [id])).rows[0] ?? {};
  const missingFields = DOSSIER_FIELDS.filter((field) => {
    const value = profile[DOSSIER_COLUMNS[field]];
    return value === null || value === undefined || (typeof value === 'string' && !value.trim());
  });
  if (!plots.length && !missingFields.length) return;
  const named = plots.map((p) =>
    p.sheet !== null && p.parcel !== null ? `${p.id} (${parcelName({ ...p, sheet: p.sheet, parcel: p.parcel }, 'en')})` : String(p.id),
  );
  const parts = [
    ...(plots.length ? [`${plots.length} plot(s) have no farmer: ${named.join(', ')}`] : []),
    ...(missingFields.length ? [`the profile leaves ${missingFields.join(', ')} empty`] : []),
  ];
  throw new AppError('VALIDATION_FAILED', `The dossier is not complete: ${parts.join('; ')}. Fill them in, then submit it.`, {
    reason: REGISTRY_REASON.DOSSIER_INCOMPLETE,
    plotsWithoutFarmer: plots,
    missingFields,
  });
}

/** The latest concluded inspection of an area as LATEST_CONCLUSION reads it. */
type LatestInspection = {
  id: number | string;
  conclusion: string;
  checklist: { item: string }[] | null;
  notes: string | null;
  photo_count: number;
};

/**
 * 422 when the inspection a move to inspected_pass / inspected_fail rests on (`inspectionId`; null:
 * the one sent with the move) says too little to stand on: a standard checklist item unanswered
 * (`inspection-checklist-incomplete`, the items named), or neither a photo nor a note
 * (`inspection-no-evidence`). A "Đạt" on the record must have the inspection behind it (audit s16).
 */
function refuseThinInspection(to: GrowingAreaStatus, inspectionId: number | null, inspection: InspectionEvidence): void {
  const shortfall = inspectionShortfall(inspection);
  if (!shortfall) return;
  const which = inspectionId === null ? 'The inspection sent with the move' : `Inspection ${inspectionId}, the latest concluded one,`;
  if (shortfall.unanswered.length) {
    throw new AppError(
      'VALIDATION_FAILED',
      `Recording ${to} rests on an inspection that answers every checklist item. ${which} leaves ${shortfall.unanswered.length} unanswered: ${shortfall.unanswered.join('; ')}.`,
      { reason: REGISTRY_REASON.INSPECTION_CHECKLIST_INCOMPLETE, field: 'checklist', items: shortfall.unanswered, inspectionId },
    );
  }
  throw new AppError(
    'VALIDATION_FAILED',
    inspectionId === null
      ? `Recording ${to} rests on an inspection with a photo or a note: ${which} carries no photo, so write in its notes what was seen (or record the inspection with its photos first).`
      : `Recording ${to} rests on an inspection with a photo or a note: ${which} has neither; add a photo to it, or record the inspection again with a note.`,
    { reason: REGISTRY_REASON.INSPECTION_NO_EVIDENCE, field: 'notes', inspectionId },
  );
}

type DecisionBoundsRow = { dossier_on: string | null; passed_on: string | null; issued_on: string | null; previous_on: string | null };

// What each refusal of a decision day says after "decidedOn <value> is ".
const DECISION_DATE_WORDS: Readonly<Record<string, (limit: string) => string>> = {
  [DECISION_DATE_REASONS.IN_FUTURE]: (limit) => `after today (${limit} in Vietnam): a decision is recorded once it is signed`,
  [DECISION_DATE_REASONS.TOO_EARLY]: (limit) => `before ${limit}: check the year`,
  [DECISION_DATE_REASONS.BEFORE_DOSSIER]: (limit) => `before the dossier was created (${limit})`,
  [DECISION_DATE_REASONS.BEFORE_INSPECTION]: (limit) => `before the inspection that passed the area (${limit})`,
  [DECISION_DATE_REASONS.BEFORE_ISSUE]: (limit) => `before the code was issued (${limit})`,
  [DECISION_DATE_REASONS.BEFORE_PREVIOUS]: (limit) => `before the decision it follows (${limit})`,
};

/**
 * The day of the decision moving area `id` to `to`, as sent (YYYY-MM-DD), or null when none was sent
 * (the statements then date it today in Vietnam). 422 with field `decidedOn` when the move is no
 * decision, or the day is no calendar day, after today in Vietnam, before 1900, or before what the
 * decision rests on: an issue or approval before the dossier was created or before the day of the
 * inspection that passed the area, any later decision before
 * the code was issued or before the latest decision recorded on this version.
 */
async function decisionDay(q: Queryable, id: number, to: GrowingAreaStatus, sent: string | undefined, isDecision: boolean) {
  if (sent === undefined) return null;
  const field = 'decidedOn';
  if (!isDecision) {
    throw new AppError('VALIDATION_FAILED', `Moving to ${to} is no decision: it takes no decision day (decidedOn).`, {
      reason: REGISTRY_REASON.DECISION_DATE_NOT_EXPECTED,
      field,
      to,
    });
  }
  const value = sent.trim();
  const row = (await q.query<DecisionBoundsRow>(SQL.DECISION_BOUNDS, [id])).rows[0];
  const bounds: DecisionDateBounds =
    to === 'issued' || to === 'approved'
      ? { dossierOn: row?.dossier_on ?? null, passedOn: row?.passed_on ?? null }
      : { issuedOn: row?.issued_on ?? null, previousOn: row?.previous_on ?? null };
  const problem = decisionDateProblem(value, bounds);
  if (problem === null) return value;
  if (problem.reason === DECISION_DATE_REASONS.INVALID) {
    throw new AppError('VALIDATION_FAILED', `decidedOn "${value}" is not a day written YYYY-MM-DD, e.g. ${vietnamToday()}.`, {
      reason: problem.reason,
      field,
      value,
    });
  }
  const limit = problem.limit ?? '';
  const words = DECISION_DATE_WORDS[problem.reason]?.(limit) ?? 'refused';
  throw new AppError('VALIDATION_FAILED', `decidedOn ${value} is ${words}.`, {
    reason: problem.reason,
    field,
    value,
    ...(problem.reason === DECISION_DATE_REASONS.IN_FUTURE ? { today: limit } : { earliest: limit }),
  });
}

/** The partial unique index on live codes (migration 004). */
const CODE_INDEX = 'growing_areas_code_live_idx';

const isUniqueViolation = (error: unknown, index: string): boolean =>
  error instanceof Error && (error as { code?: unknown }).code === '23505' && (error as { constraint?: unknown }).constraint === index;

// 409 code-taken when a live area of another lineage holds the code; nothing when none does.
async function refuseTakenCode(q: Queryable, claim: CodeClaim): Promise<void> {
  const holder = (await q.query<{ id: number; status: string }>(SQL.CODE_HOLDER, [claim.code, claim.lineageId])).rows[0];
  if (holder)
    throw new AppError('CONFLICT', `Code ${claim.code} is already held by growing area ${holder.id} (${holder.status}).`, {
      reason: REGISTRY_REASON.CODE_TAKEN,
      holder: holder.id,
      holderStatus: holder.status,
    });
}

/**
 * Re-issues (cấp lại) a code after a change of area, owner or crop: a new draft version in the
 * same lineage takes over the plots, and the old version becomes superseded, keeping its code on
 * record so a scanned old label still resolves.
 */
export async function reissue(db: Db, viewer: Viewer, id: number, body: ReissueBody): Promise<AreaRow> {
  requireStaff(viewer);
  const newId = await withEdits(db, edit(viewer), async (tx) => {
    const area = await lockArea(tx, viewer, id);
    refuseDecisionNoShape(body.decisionNo?.trim() || null);
    refusePublicNote(body.note?.trim() || null);
    if (!canReissue(area.status)) {
      throw new AppError(
        'TRANSITION_FORBIDDEN',
        `A ${area.status} growing area cannot be re-issued; only ${REISSUABLE_STATUSES.join(', ')} ones can.`,
        {
          reason: 'forbidden',
          from: area.status,
          to: 'superseded',
          allowed: allowedTransitions(area.status, area.scheme),
        },
      );
    }
    const decidedOn = await decisionDay(tx, id, 'superseded', body.decidedOn, true);
    const documents = await checkAttachments(tx, id, body.attachments ?? []);
    const created = (await tx.query<{ id: number; version_no: number }>(SQL.INSERT_REISSUE, [id, viewer.userId])).rows[0]!;
    // The superseded version keeps the record of its plots (its card, its history), then hands them on.
    await tx.query(SQL.CLOSE_AREA, [id]);
    await tx.query(SQL.MOVE_PLOTS, [id, created.id]);
    await tx.query(SQL.SET_STATUS, [id, 'superseded', null, null, null]);
    const recorded = await tx.query<{ id: number }>(SQL.INSERT_TRANSITION, [
      id,
      area.status,
      'superseded',
      viewer.userId,
      body.decisionNo?.trim() || null,
      // The officer's note alone: the card says "re-issued as version N" in the reader's language.
      body.note?.trim() || null,
      JSON.stringify(documents.attachments),
      decidedOn,
    ]);
    await claimDocuments(tx, recorded.rows[0]!.id, documents);
    return created.id;
  });
  return loadArea(db, newId);
}

/** The recorded history of the whole lineage (every version) and its versions. */
export async function history(
  db: Db,
  viewer: Viewer,
  id: number,
): Promise<{ lineageId: number; versions: Record<string, unknown>[]; transitions: TransitionRow[] }> {
  requireStaff(viewer);
  const area = await loadArea(db, id);
  requireCommune(viewer, area.commune_code);
  const [versions, transitions] = [
    (await db.query(SQL.LINEAGE_VERSIONS, [area.lineage_id])).rows,
    (await db.query<TransitionRow>(SQL.LINEAGE_HISTORY, [area.lineage_id])).rows,
  ];
  return { lineageId: area.lineage_id, versions, transitions };
}

/** The next code for the province's pattern, for the officer to accept or edit, and the lineage's previous code. */
export async function proposedCode(
  db: Db,
  viewer: Viewer,
  id: number,
  today = new Date(),
): Promise<{ scheme: GrowingAreaScheme; proposed: string; previousCode: string | null }> {
  requireStaff(viewer);
  const area = await loadArea(db, id);
  requireCommune(viewer, area.commune_code);
  const codes = (await db.query<{ code: string }>(SQL.ALL_CODES)).rows.map((r) => r.code);
  const versions = (await db.query<{ code: string | null; version_no: number }>(SQL.LINEAGE_VERSIONS, [area.lineage_id])).rows;
  const previous = versions.filter((v) => v.code && v.version_no < area.version_no).pop()?.code ?? null;
  return {
    scheme: area.scheme,
    proposed: proposeCode(area.scheme, DONG_THAP_2025, area.commune_code, today.getFullYear(), codes),
    previousCode: previous,
  };
}
