// What each step of the growing-area lifecycle asks of the officer in the browser, and the check
// of what they typed, as pure functions: the card (lifecycle-card.ts) only draws and sends. The
// server's rules (server/domain) stay the authority; these checks catch typing before a round trip.
import { TEXT_REASONS, isDecisionNo } from '../../../server/domain/registry-text.ts';
import type { ReissueBody, TransitionBody } from '../../../server/contracts/registry.ts';
import {
  canUndo,
  inspectionShortfall,
  transitionRequirements,
  type GrowingAreaScheme,
  type GrowingAreaStatus,
} from '../../../server/domain/growing-area-lifecycle.ts';
import { checkCode, CODE_MAX_LENGTH, CODE_REASONS, normaliseCode } from '../../../server/domain/growing-area-rules.ts';
import { DECISION_DATE_REASONS, decisionDateProblem, type DecisionDateBounds } from '../../../server/domain/decision-date.ts';
import { PUBLIC_NOTE_REASONS, PUBLISHED_REASON_STATUSES, publicNoteProblem } from '../../../server/domain/public-note.ts';

/** The fields a step's form asks for. */
export type StepField = 'decisionNo' | 'decidedOn' | 'code' | 'reason' | 'inspectedOn';

/**
 * A concluded inspection already on record, which a pass/fail step can rest on when it lacks nothing
 * the server asks (`shortfall` null: every checklist item answered, a photo or a note).
 */
export type RecordedInspection = {
  id: number;
  inspectedOn: string;
  conclusion: 'pass' | 'fail';
  shortfall: { unanswered: string[]; noEvidence: boolean } | null;
};

/** One step as the card offers it: the fields to ask, the inspection it records, whether it needs a second "are you sure". */
export type Step = {
  to: GrowingAreaStatus;
  fields: StepField[];
  /**
   * Recording the inspection result needs an inspection with this conclusion, and none of this round
   * will do: the card opens the inspection form (checklist, photos, notes) first and takes the step
   * from the inspection saved there.
   */
  inspection: 'pass' | 'fail' | null;
  /** The inspection of this round that already concludes as the step needs, with nothing lacking: the step rests on it. */
  basedOn?: RecordedInspection;
  /** The inspection of this round that concludes as the step needs but lacks what the server asks (why it will not do). */
  thin?: RecordedInspection;
  /** Steps that close a door (a failed inspection, a revoked code) are drawn as dangerous. */
  destructive: boolean;
  /**
   * Asked a second time, with the focus on Cancel: the dangerous steps, the steps that cannot be
   * taken back and would otherwise go on one tap (starting the inspection, forwarding a dossier),
   * and every step into operation (after the issue or approval, or back after a suspension): buyers then rely on the code.
   */
  confirm: boolean;
};

/** Where a step starts from: the status the area is in and its scheme (which moves lead back). */
export type StepOrigin = { from: GrowingAreaStatus; scheme: GrowingAreaScheme };

// The server takes a note on every step but requires none; a step that turns an applicant or a
// code holder away must say why, so the card asks for the reason there.
const REASON_REQUIRED: readonly GrowingAreaStatus[] = ['draft', 'inspected_fail', 'suspended', 'revoked'];
const DESTRUCTIVE: readonly GrowingAreaStatus[] = ['inspected_fail', 'revoked'];

/**
 * What moving to `to` from `origin` asks of the officer. A pass/fail rests on `recorded` (the
 * inspection the server will judge the move by) when it concludes that way and lacks nothing (every
 * checklist item answered, a photo or a note); otherwise the inspection is to be recorded first, in
 * the inspection form (a "Đạt" with nothing checked is what the s16 audit found). Without an origin
 * the step is judged by `to` alone (lifting a suspension then asks no decision).
 */
export function stepOf(to: GrowingAreaStatus, recorded?: RecordedInspection, origin?: StepOrigin): Step {
  const needs = transitionRequirements(to, origin?.from);
  const concluded = needs.concludedInspection && recorded?.conclusion === needs.concludedInspection ? recorded : undefined;
  const basedOn = concluded && !concluded.shortfall ? concluded : undefined;
  const fields: StepField[] = [];
  if (needs.code) fields.push('code');
  // A decision is dated by the day it was signed (the form offers today; officers often record it later).
  if (needs.decisionNo) fields.push('decisionNo', 'decidedOn');
  if (REASON_REQUIRED.includes(to)) fields.push('reason');
  const destructive = DESTRUCTIVE.includes(to);
  // A pass/fail is never one tap: it opens the inspection form, or its own form naming the record it rests on.
  const oneTap = fields.length === 0 && !needs.concludedInspection;
  const final = origin !== undefined && !canUndo(origin.from, to, origin.scheme);
  const step: Step = {
    to,
    fields,
    inspection: basedOn ? null : needs.concludedInspection,
    destructive,
    confirm: destructive || (oneTap && final) || to === 'active',
  };
  if (basedOn) return { ...step, basedOn };
  return concluded ? { ...step, thin: concluded } : step;
}

/**
 * The inspection a pass/fail would be judged by (the latest concluded one, in the server's order:
 * date, then record), if it was made in the current round, on or after `roundStart` (the day the
 * area last went under inspection, YYYY-MM-DD); an older one is last round's and is not reused.
 * Without a recorded move under inspection (an area loaded in that status) every inspection is this round's.
 */
export function inspectionOfRound(
  inspections: readonly {
    id: number;
    inspected_on: string;
    conclusion: 'pass' | 'fail' | null;
    checklist?: readonly { item: string }[] | null;
    notes?: string | null;
    photos?: readonly unknown[];
  }[],
  roundStart: string | undefined,
): RecordedInspection | undefined {
  let latest: (typeof inspections)[number] | undefined;
  for (const i of inspections) {
    if (!i.conclusion) continue;
    if (!latest || i.inspected_on > latest.inspected_on || (i.inspected_on === latest.inspected_on && i.id > latest.id)) latest = i;
  }
  if (!latest?.conclusion || (roundStart && latest.inspected_on < roundStart)) return undefined;
  const shortfall = inspectionShortfall({ checklist: latest.checklist, notes: latest.notes, photoCount: latest.photos?.length ?? 0 });
  return { id: latest.id, inspectedOn: latest.inspected_on, conclusion: latest.conclusion, shortfall };
}

/**
 * The i18n key suffix of a step's button: the verb depends on where the area comes from (back to
 * draft is "return the dossier" after submission but "not approved" after forwarding; active after
 * a suspension is "restore").
 */
export function verbOf(from: GrowingAreaStatus, to: GrowingAreaStatus): string {
  if (to === 'draft') return from === 'submitted' ? 'return' : from === 'forwarded' ? 'rejected' : 'reopen';
  if (to === 'active' && from === 'suspended') return 'restore';
  return to;
}

/** Reason constants of checkStepInput, one i18n message each. */
export const INPUT_REASONS = {
  REQUIRED: 'required',
  CODE_SHAPE: CODE_REASONS.SHAPE,
  CODE_SCHEME: CODE_REASONS.SCHEME,
  /** A code longer than codes are (the form says the length, not "use capitals"); the server calls it code-shape. */
  CODE_TOO_LONG: 'code-too-long',
  DATE_INVALID: 'date-invalid',
  DATE_FUTURE: 'date-in-future',
  DATE_TOO_EARLY: 'date-too-early',
  DECISION_SHAPE: TEXT_REASONS.DECISION_NO_SHAPE,
  /** A decision dated before its dossier, the inspection that passed the area, the issue of its code, or the decision it follows. */
  BEFORE_DOSSIER: DECISION_DATE_REASONS.BEFORE_DOSSIER,
  BEFORE_INSPECTION: DECISION_DATE_REASONS.BEFORE_INSPECTION,
  BEFORE_ISSUE: DECISION_DATE_REASONS.BEFORE_ISSUE,
  BEFORE_PREVIOUS: DECISION_DATE_REASONS.BEFORE_PREVIOUS,
  /** A published reason without a letter ('😡😡😡', '1234'), worded as a name without one. */
  NO_LETTER: PUBLIC_NOTE_REASONS.NO_LETTER,
  /** A published reason holding a citizen ID or a phone number. */
  CITIZEN_ID: PUBLIC_NOTE_REASONS.CITIZEN_ID,
  PHONE: PUBLIC_NOTE_REASONS.PHONE,
} as const;

/** Longest values the server takes (TransitionBody: decisionNo ≤ 100, code ≤ 64, note ≤ 2000 characters), the inputs' maxlength. */
export const STEP_MAX_LENGTH: Readonly<Partial<Record<StepField, number>>> = { decisionNo: 100, code: 64, reason: 2000 };

/**
 * A field the officer must fix, with the reason; `text`, when given, is the sentence itself (the
 * server's refusal of that field, worded by field-refusal.ts).
 */
export type FieldProblem = {
  field: StepField;
  reason: (typeof INPUT_REASONS)[keyof typeof INPUT_REASONS] | 'server';
  value: string;
  /** The day a refused date may not pass (today) or precede (an issue's day), YYYY-MM-DD. */
  limit?: string;
  text?: () => string;
};

/** What the officer typed, as strings from the form. */
export type StepValues = Partial<Record<StepField, string>>;

/** The verdict on a step's form: the transition to send (with the inspection a pass/fail records), or the fields to fix. */
export type StepInputCheck = { valid: true; body: TransitionBody } | { valid: false; problems: FieldProblem[] };

/**
 * The problem with a decision's day as the server judges it (server/domain/decision-date.ts), by what
 * the card knows of the area (`bounds`: its issue, its latest decision; the dossier's day is the server's).
 */
function decidedOnProblem(value: string, bounds: DecisionDateBounds, now?: Date): FieldProblem | undefined {
  const problem = decisionDateProblem(value, bounds, now);
  return problem ? { field: 'decidedOn', reason: problem.reason, value, ...(problem.limit ? { limit: problem.limit } : {}) } : undefined;
}

/**
 * Checks a step's form against what the server will ask (`today` is YYYY-MM-DD in the officer's time
 * zone; a decision's day is judged by Vietnam's, as the server does, and by `bounds`).
 */
export function checkStepInput(
  step: Step,
  values: StepValues,
  scheme: GrowingAreaScheme,
  today: string,
  bounds: DecisionDateBounds = {},
  now?: Date,
): StepInputCheck {
  const problems: FieldProblem[] = [];
  const text = (field: StepField) => (values[field] ?? '').trim();
  // A decision's day left empty is today's: the server dates it so.
  for (const field of step.fields)
    if (!text(field) && field !== 'decidedOn') problems.push({ field, reason: INPUT_REASONS.REQUIRED, value: '' });
  let code: string | undefined;
  if (step.fields.includes('code') && text('code')) {
    code = normaliseCode(text('code'));
    const verdict = checkCode(code, scheme);
    // Quoted as typed (not as upper-cased for the check): the officer finds their own text in it.
    if (code.length > CODE_MAX_LENGTH) problems.push({ field: 'code', reason: INPUT_REASONS.CODE_TOO_LONG, value: text('code') });
    else if (!verdict.valid) {
      const reason = verdict.reason === CODE_REASONS.SCHEME ? INPUT_REASONS.CODE_SCHEME : INPUT_REASONS.CODE_SHAPE;
      problems.push({ field: 'code', reason, value: text('code') });
    }
  }
  const decisionNo = text('decisionNo');
  if (step.fields.includes('decisionNo') && decisionNo && !isDecisionNo(decisionNo)) {
    problems.push({ field: 'decisionNo', reason: INPUT_REASONS.DECISION_SHAPE, value: decisionNo });
  }
  const decidedOn = text('decidedOn');
  const dayProblem = step.fields.includes('decidedOn') && decidedOn ? decidedOnProblem(decidedOn, bounds, now) : undefined;
  if (dayProblem) problems.push(dayProblem);
  const reason = text('reason');
  // The reason of a suspension or revocation is published with the code: checked as the server checks it.
  const published =
    step.fields.includes('reason') && reason && PUBLISHED_REASON_STATUSES.includes(step.to) ? publicNoteProblem(reason) : null;
  if (published) problems.push({ field: 'reason', reason: published, value: reason });
  if (problems.length) return { valid: false, problems };
  const note = reason;
  // A pass/fail carries no inspection of its own: it rests on one recorded with its checklist and
  // photos in the inspection form (step.basedOn), which the server judges again.
  const body: TransitionBody = {
    to: step.to,
    ...(step.fields.includes('decisionNo') ? { decisionNo: text('decisionNo') } : {}),
    ...(step.fields.includes('decidedOn') && decidedOn ? { decidedOn } : {}),
    ...(code ? { code } : {}),
    ...(note ? { note } : {}),
  };
  return { valid: true, body };
}

/** The fields of the re-issue form: the decision or letter behind it (if any), its day, and why. */
export type ReissueField = Extract<StepField, 'decisionNo' | 'decidedOn' | 'reason'>;

/** What the re-issue form asks, in order; the server takes all as optional, the card wants the reason on record. */
export const REISSUE_FIELDS: readonly ReissueField[] = ['decisionNo', 'decidedOn', 'reason'];

/** Longest values the server takes (ReissueBody: decisionNo ≤ 100, note ≤ 2000 characters). */
export const REISSUE_MAX_LENGTH: Readonly<Partial<Record<ReissueField, number>>> = { decisionNo: 100, reason: 2000 };

/** The verdict on the re-issue form: the body to send, or the fields to fix. */
export type ReissueInputCheck = { valid: true; body: ReissueBody } | { valid: false; problems: FieldProblem[] };

/**
 * Checks the re-issue form. The history must say why a code was re-issued (a change of area,
 * registrant or crop), so the reason is required; the decision number only when there is one.
 */
export function checkReissueInput(values: StepValues, bounds: DecisionDateBounds = {}, now?: Date): ReissueInputCheck {
  const decisionNo = (values.decisionNo ?? '').trim();
  const decidedOn = (values.decidedOn ?? '').trim();
  const note = (values.reason ?? '').trim();
  const problems: FieldProblem[] = [];
  if (decisionNo && !isDecisionNo(decisionNo))
    problems.push({ field: 'decisionNo', reason: INPUT_REASONS.DECISION_SHAPE, value: decisionNo });
  const dayProblem = decidedOn ? decidedOnProblem(decidedOn, bounds, now) : undefined;
  if (dayProblem) problems.push(dayProblem);
  const published = note ? publicNoteProblem(note) : null;
  if (!note) problems.push({ field: 'reason', reason: INPUT_REASONS.REQUIRED, value: '' });
  else if (published) problems.push({ field: 'reason', reason: published, value: note });
  if (problems.length) return { valid: false, problems };
  return { valid: true, body: { ...(decisionNo ? { decisionNo } : {}), ...(decidedOn ? { decidedOn } : {}), note } };
}

/** Today's date where the officer is, as YYYY-MM-DD (toISOString alone would give UTC's date before 7 am here). */
export function localToday(now = new Date()): string {
  return new Date(now.getTime() - now.getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
}
