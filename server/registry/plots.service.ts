// Plot records kept by the registry: the plot profile with its cadastral links, the farm diary
// checked against the allowed-substance lists of the area's markets, and residue tests.
import { createHash } from 'node:crypto';
import { REGISTRY_REASON } from '../contracts/registry-codes.ts';
import type { Viewer } from '../contracts/viewer.ts';
import type { DiaryProblem, ListedSubstance, SubstanceList } from '../contracts/diary.ts';
import type { DiaryBody, ResidueBody } from '../contracts/registry.ts';
import type { Db, Queryable } from '../db/index.ts';
import { withEdits } from '../db/edit-context.ts';
import { AppError } from '../plugins/errors.ts';
import { checkDiaryEntry, marketsToCheck, strictestMrl, type SubstanceRule } from '../domain/substances.ts';
import { checkDose, DOSE_MAX, DOSE_REASONS, DOSE_UNITS, doseTextVi, type Dose, type DoseReason } from '../domain/diary-dose.ts';
import { requireCommune, requireStaff } from './access.ts';
import { requireDoneDate } from './done-dates.ts';
import { linkParcels } from './growing-areas.service.ts';
import { idempotencyKey } from './photos.ts';
import * as SQL from './plots.sql.ts';

type PlotContext = {
  id: number;
  farmer_id: number | null;
  commune_code: string;
  crop: string;
  expected_harvest: string | null;
  markets: string[];
};

async function plotFor(q: Queryable, viewer: Viewer, id: number, write: boolean): Promise<PlotContext> {
  const plot = (await q.query<PlotContext>(SQL.PLOT_CONTEXT, [id])).rows[0];
  const own = viewer.role === 'farmer' && viewer.farmerId !== null && plot?.farmer_id === viewer.farmerId;
  if (own && !write) return plot!;
  requireStaff(viewer);
  if (!plot) throw new AppError('NOT_FOUND', `No plot ${id}.`);
  requireCommune(viewer, plot.commune_code);
  return plot;
}

/** A plot's profile (no personal data) for its farmer or staff of its commune. */
export async function getPlot(db: Db, viewer: Viewer, id: number): Promise<Record<string, unknown>> {
  await plotFor(db, viewer, id, false);
  return (await db.query(SQL.PLOT_PROFILE, [id])).rows[0]!;
}

/** Recomputes the plot's cadastral links (after the parcels or the plot changed). */
export async function relinkParcels(db: Db, viewer: Viewer, id: number): Promise<Record<string, unknown>> {
  await withEdits(db, { userId: viewer.userId, origin: 'api' }, async (tx) => {
    await plotFor(tx, viewer, id, true);
    await linkParcels(tx, [id]);
  });
  return getPlot(db, viewer, id);
}

/** A diary entry as the API answers it: the row, and the reasons it was flagged as facts (null: recorded only as text). */
export type DiaryEntryView = Record<string, unknown> & { flagged: boolean; flag_reason: string | null; problems: DiaryProblem[] | null };

/**
 * The dose of a diary entry sent (`doseAmount` with `doseUnit`), or null when none was, or 422
 * `dose-*` naming the field: not a number, zero or negative, too large, an unknown unit, one without
 * the other, or a figure beside an older client's free-text `dose`.
 */
function requireDose(body: DiaryBody): Dose | null {
  const check = checkDose(body.doseAmount, body.doseUnit);
  const textToo = check.valid && check.dose !== null && body.dose !== undefined && body.dose !== null;
  if (check.valid && !textToo) return check.dose;
  const refused = check.valid ? { reason: DOSE_REASONS.TEXT_AND_AMOUNT, field: 'dose' } : check;
  const sentences: Record<DoseReason, string> = {
    [DOSE_REASONS.NOT_A_NUMBER]: 'doseAmount must be a number (such as 2 or 0.5), not text.',
    [DOSE_REASONS.NOT_POSITIVE]: 'doseAmount must be above 0.',
    [DOSE_REASONS.TOO_LARGE]: `doseAmount must be at most ${DOSE_MAX}: check the figure and its unit.`,
    [DOSE_REASONS.UNIT_UNKNOWN]: `doseUnit must be one of ${DOSE_UNITS.join(', ')}.`,
    [DOSE_REASONS.UNIT_MISSING]: `doseAmount needs its doseUnit (${DOSE_UNITS.join(', ')}).`,
    [DOSE_REASONS.AMOUNT_MISSING]: 'doseUnit needs its doseAmount.',
    [DOSE_REASONS.TEXT_AND_AMOUNT]: 'send doseAmount with doseUnit, without the free-text dose of older clients.',
  };
  throw new AppError('VALIDATION_FAILED', `The dose is not valid: ${sentences[refused.reason]}`, {
    reason: refused.reason,
    field: refused.field,
    units: [...DOSE_UNITS],
  });
}

/**
 * The SHA-256 (hex) of what a diary request says, in a fixed order with absent fields as null: what
 * tells a retry (the same content) from an idempotency key reused for another entry.
 */
export function diaryDigest(body: DiaryBody): string {
  const content = [
    body.appliedOn,
    body.pesticide,
    body.activeIngredient,
    body.dose ?? null,
    body.doseAmount ?? null,
    body.doseUnit ?? null,
    body.phiDays ?? null,
  ];
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}

/** A diary entry recorded, and whether an earlier attempt under the same idempotency key had recorded it. */
export type RecordedDiaryEntry = { entry: DiaryEntryView & { flags: DiaryProblem[] }; replayed: boolean };

/**
 * Records a diary entry, flagged when a market of the area does not allow or does not list the
 * substance or the interval runs past harvest. The verdict is stored with the row (flagged, the
 * sentences in flag_reason, the facts in problems) and answered as `problems`, and as `flags` for
 * clients written before problems (the same objects).
 *
 * With an idempotency key (the phone's name for one entry, the same on every attempt: an entry kept
 * offline and sent when the signal returns), an attempt after one whose answer was lost finds the
 * entry that one wrote and answers it (`replayed`); the same key with other content, or from another
 * account, is 409 `idempotency-key-reused`, and a key of the wrong shape 400 `idempotency-key-shape`.
 */
export async function addDiaryEntry(
  db: Db,
  viewer: Viewer,
  plotId: number,
  body: DiaryBody,
  keyHeader?: string | string[],
): Promise<RecordedDiaryEntry> {
  const given = idempotencyKey(keyHeader);
  const key = given === null ? null : { key: given, sha256: diaryDigest(body) };
  return withEdits(db, { userId: viewer.userId, origin: 'api' }, async (tx) => {
    const plot = await plotFor(tx, viewer, plotId, true);
    const earlier = async (): Promise<RecordedDiaryEntry | undefined> => {
      if (!key) return undefined;
      const row = (
        await tx.query<DiaryEntryView & { created_by: number | null; content_sha256: string | null }>(SQL.DIARY_BY_KEY, [plotId, key.key])
      ).rows[0];
      if (!row) return undefined;
      const { created_by: by, content_sha256: sha, ...entry } = row;
      if (by !== viewer.userId || sha !== key.sha256) {
        throw new AppError(
          'CONFLICT',
          `Plot ${plotId} already holds diary entry ${String(entry.id)} under this Idempotency-Key, with other content or by another account; a new entry needs a new key.`,
          { reason: REGISTRY_REASON.IDEMPOTENCY_KEY_REUSED, plotId, entryId: entry.id },
        );
      }
      return { entry: { ...entry, flags: entry.problems ?? [] }, replayed: true };
    };
    const before = await earlier();
    if (before) return before;
    requireDoneDate('appliedOn', body.appliedOn, 'a spray');
    const dose = requireDose(body);
    const rules = (await tx.query<SubstanceRule>(SQL.SUBSTANCE_RULES, [marketsToCheck(plot.markets)])).rows;
    const verdict = checkDiaryEntry(
      { activeIngredient: body.activeIngredient, appliedOn: body.appliedOn, phiDays: body.phiDays ?? null },
      plot.markets,
      rules,
      plot.expected_harvest,
    );
    const { rows } = await tx.query(SQL.INSERT_DIARY, [
      plotId,
      body.appliedOn,
      body.pesticide,
      body.activeIngredient,
      dose ? doseTextVi(dose) : (body.dose ?? null),
      body.phiDays ?? null,
      verdict.flagged,
      verdict.flagged ? verdict.flags.map((f) => f.message).join(' ') : null,
      viewer.userId,
      JSON.stringify(verdict.flags),
      dose?.amount ?? null,
      dose?.unit ?? null,
      key?.key ?? null,
      key?.sha256 ?? null,
    ]);
    // No row: an attempt at the same moment wrote it under the same key (and committed first).
    const row = rows[0] as DiaryEntryView | undefined;
    if (!row) return (await earlier())!;
    return { entry: { ...row, problems: verdict.flags, flags: verdict.flags }, replayed: false };
  });
}

/**
 * Gives diary entries written in bulk without the registry the verdict the write path would have
 * given them (flagged, the sentences, the problems), by the same checkDiaryEntry. For the sample
 * data: data/ may not use the server's rules, so the seed writes its entries bare and this runs
 * after it. Only rows without problems are touched; returns how many were settled.
 */
export async function settleDiaryVerdicts(db: Queryable): Promise<number> {
  const { rows } = await db.query<{
    id: number;
    applied_on: string;
    active_ingredient: string;
    phi_days: number | null;
    expected_harvest: string | null;
    markets: string[];
  }>(SQL.DIARY_UNSETTLED);
  if (!rows.length) return 0;
  const rules = (await db.query<SubstanceRule>(SQL.ALL_SUBSTANCE_RULES)).rows;
  const verdicts = rows.map((r) =>
    checkDiaryEntry(
      { activeIngredient: r.active_ingredient, appliedOn: r.applied_on, phiDays: r.phi_days },
      r.markets,
      rules,
      r.expected_harvest,
    ),
  );
  await db.query(SQL.SETTLE_DIARY, [
    rows.map((r) => r.id),
    verdicts.map((v) => v.flagged),
    verdicts.map((v) => (v.flagged ? v.flags.map((f) => f.message).join(' ') : null)),
    verdicts.map((v) => JSON.stringify(v.flags)),
  ]);
  return rows.length;
}

/**
 * A plot's diary, each entry with the problems recorded when it was written. A row from before
 * they were stored that was not flagged had none; a flagged one whose reasons exist only as text
 * (flag_reason) answers null.
 */
export async function listDiary(db: Db, viewer: Viewer, plotId: number): Promise<DiaryEntryView[]> {
  await plotFor(db, viewer, plotId, false);
  const { rows } = await db.query<DiaryEntryView>(SQL.DIARY_OF_PLOT, [plotId]);
  return rows.map((row) => ({ ...row, problems: row.problems ?? (row.flagged ? null : []) }));
}

/**
 * The allowed-substance lists of the given markets (upper case; every market without any), one
 * entry per substance with each market's row. Public: regulatory lists hold no personal data.
 */
export async function listSubstances(db: Queryable, markets?: readonly string[]): Promise<SubstanceList> {
  const asked = markets ? [...new Set(markets.map((m) => m.toUpperCase()))] : null;
  const { rows } = await db.query<{
    active_ingredient: string;
    market: string;
    allowed: boolean;
    mrl_mg_kg: number | string | null;
    note: string | null;
  }>(SQL.SUBSTANCE_LIST, [asked]);
  const substances: ListedSubstance[] = [];
  for (const r of rows) {
    let last = substances.at(-1);
    if (last?.activeIngredient !== r.active_ingredient) {
      last = { activeIngredient: r.active_ingredient, rules: [] };
      substances.push(last);
    }
    last.rules.push({ market: r.market, allowed: r.allowed, mrlMgKg: r.mrl_mg_kg === null ? null : Number(r.mrl_mg_kg), note: r.note });
  }
  const all = asked ?? (await db.query<{ market: string }>(SQL.SUBSTANCE_MARKETS)).rows.map((r) => r.market);
  // Vietnam first (every entry is checked against it), then by code.
  const order = (m: string): string => (m === 'VN' ? '' : m);
  return { markets: [...all].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0)), substances };
}

/** Records a residue test; without an explicit verdict it passes when within the strictest MRL of the area's markets. */
export async function addResidueTest(db: Db, viewer: Viewer, plotId: number, body: ResidueBody): Promise<Record<string, unknown>> {
  return withEdits(db, { userId: viewer.userId, origin: 'api' }, async (tx) => {
    const plot = await plotFor(tx, viewer, plotId, true);
    requireDoneDate('sampledOn', body.sampledOn, 'a residue sample');
    let passed = body.passed;
    let mrl: number | null = null;
    if (passed === undefined) {
      const rules = (await tx.query<SubstanceRule>(SQL.SUBSTANCE_RULES, [marketsToCheck(plot.markets)])).rows;
      mrl = strictestMrl(body.activeIngredient, plot.markets, rules);
      if (mrl === null) {
        throw new AppError(
          'VALIDATION_FAILED',
          `No maximum residue limit is listed for ${body.activeIngredient} in ${marketsToCheck(plot.markets).join(', ')}; give the lab's verdict (passed).`,
        );
      }
      passed = body.resultMgKg <= mrl;
    }
    const { rows } = await tx.query(SQL.INSERT_RESIDUE, [
      plotId,
      body.sampledOn,
      body.lab ?? null,
      body.activeIngredient,
      body.resultMgKg,
      passed,
    ]);
    return { ...rows[0]!, mrlMgKg: mrl };
  });
}

/** A plot's residue tests. */
export async function listResidueTests(db: Db, viewer: Viewer, plotId: number): Promise<Record<string, unknown>[]> {
  await plotFor(db, viewer, plotId, false);
  return (await db.query(SQL.RESIDUES_OF_PLOT, [plotId])).rows;
}
