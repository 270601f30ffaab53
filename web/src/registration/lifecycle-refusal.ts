// The registry's refusals of a lifecycle step, and the form's own objections, in the officer's
// language. The server's detail is English; its reason codes (server/registry/README.md) and their
// fields (from, to, allowed, holder) are what these sentences are built from.
import { REGISTRY_REASON } from '../../../server/contracts/registry-codes.ts';
import {
  checklistItemLabel,
  REISSUABLE_STATUSES,
  STATUS_LABELS,
  SCHEME_LABELS,
  isGrowingAreaStatus,
  type GrowingAreaScheme,
} from '../../../server/domain/growing-area-lifecycle.ts';
import {
  AREA_RULE_REASONS,
  CODE_MAX_LENGTH,
  CODE_REASONS,
  minimumAreaM2,
  type CropRule,
} from '../../../server/domain/growing-area-rules.ts';
import { PUBLIC_NOTE_REASONS } from '../../../server/domain/public-note.ts';
import { DECISION_DATE_REASONS } from '../../../server/domain/decision-date.ts';
import { describeError, HttpError } from '../api/http.ts';
import { formatNumber, lang, t } from '../i18n/i18n.ts';
import type { MessageKey } from '../i18n/vi.ts';
import { date } from '../ui/feature-format.ts';
import { graphemes, quoted } from '../ui/short-text.ts';
import type { FieldProblem, StepField } from './lifecycle-steps.ts';
import { dossierIncompleteWords } from './dossier-refusal.ts';
import { fieldRefusalFacts, fieldRefusalText } from './field-refusal.ts';

/** The step form's field of each request body field the server may name (the note is asked as the reason). */
export const STEP_FIELD_OF: Readonly<Record<string, StepField>> = {
  decisionNo: 'decisionNo',
  decidedOn: 'decidedOn',
  code: 'code',
  note: 'reason',
  inspection: 'inspectedOn',
};

/**
 * The server's refusal of one of the step's (or re-issue's) fields as a problem under that field;
 * undefined when it names none of `fields`.
 */
export function serverFieldProblem(error: unknown, fields: readonly StepField[]): FieldProblem | undefined {
  const day = decidedOnRefusal(error);
  if (day) return fields.includes('decidedOn') ? day : undefined;
  const facts = fieldRefusalFacts(error);
  const field = facts && STEP_FIELD_OF[facts.field];
  if (!facts || !field || !fields.includes(field)) return undefined;
  return { field, reason: 'server', value: '', text: () => fieldRefusalText(facts, t(`lifecycleField_${field}` as MessageKey)) };
}

const DECISION_DATE_REASON_LIST: readonly string[] = Object.values(DECISION_DATE_REASONS);

// The refusals of a move's attachments (an uploaded scan another area's, already used, or gone).
const DOCUMENT_REASON_LIST: readonly string[] = [
  REGISTRY_REASON.DOCUMENT_UNKNOWN,
  REGISTRY_REASON.DOCUMENT_OF_OTHER_AREA,
  REGISTRY_REASON.DOCUMENT_ALREADY_USED,
];

/** The server's 422 refusal of a decision's day (field `decidedOn`) as the form's own problem with it; undefined for any other answer. */
function decidedOnRefusal(error: unknown): FieldProblem | undefined {
  if (!(error instanceof HttpError) || error.status !== 422) return undefined;
  const problem = error.problem ?? {};
  if (problem.field !== 'decidedOn' || typeof problem.reason !== 'string' || !DECISION_DATE_REASON_LIST.includes(problem.reason))
    return undefined;
  const limit = typeof problem.earliest === 'string' ? problem.earliest : typeof problem.today === 'string' ? problem.today : undefined;
  return {
    field: 'decidedOn',
    reason: problem.reason as (typeof DECISION_DATE_REASONS)[keyof typeof DECISION_DATE_REASONS],
    value: typeof problem.value === 'string' ? problem.value : '',
    ...(limit ? { limit } : {}),
  };
}

// The form's own objections to a published reason, as field-refusal kinds.
const PUBLISHED_KINDS: Readonly<Record<string, 'no-letter' | 'citizen-id' | 'phone'>> = {
  [PUBLIC_NOTE_REASONS.NO_LETTER]: 'no-letter',
  [PUBLIC_NOTE_REASONS.CITIZEN_ID]: 'citizen-id',
  [PUBLIC_NOTE_REASONS.PHONE]: 'phone',
};

/** A status in the officer's language (the key itself for one the table does not know). */
export function statusLabel(status: unknown): string {
  return isGrowingAreaStatus(status) ? STATUS_LABELS[status][lang()] : String(status ?? '');
}

/** A code scheme in the officer's language. */
export function schemeLabel(scheme: GrowingAreaScheme): string {
  return SCHEME_LABELS[scheme]?.[lang()] ?? scheme;
}

/**
 * What the refusal text may name: the area's crop rule and total for a minimum-area refusal, the
 * code typed and the conclusion the step needed.
 */
export type RefusalContext = { crop?: CropRule; areaM2?: number; code?: string; conclusion?: 'pass' | 'fail' };

/** The sentence for one field the form objects to. */
export function fieldProblemText(problem: FieldProblem, scheme: GrowingAreaScheme): string {
  if (problem.text) return problem.text();
  // A published reason is refused in the words of the server's refusal of it (field-refusal.ts).
  const kind = PUBLISHED_KINDS[problem.reason];
  if (kind) return fieldRefusalText({ field: problem.field, kind }, t(`lifecycleField_${problem.field}` as MessageKey));
  // A decision's day has words of its own (not the inspection date's), with the day it may not pass, as the card writes days.
  if (problem.field === 'decidedOn' && problem.reason !== 'required' && problem.reason !== 'server') {
    return t(`lifecycleInput_decidedOn_${problem.reason}` as MessageKey, {
      value: problem.value,
      limit: problem.limit ? date(problem.limit) : '',
    });
  }
  const key = problem.reason === 'required' ? `lifecycleInput_required_${problem.field}` : `lifecycleInput_${problem.reason}`;
  return t(key as MessageKey, {
    value: quoted(problem.value),
    length: graphemes(problem.value).length,
    max: CODE_MAX_LENGTH,
    scheme: schemeLabel(scheme),
  });
}

/**
 * The server's refusal of a transition in words, by its reason: 409 with the allowed statuses
 * (stale state or a forbidden move), 409 for a code another area holds or an area that takes no
 * inspection, 422 with the rule's reason, 403/401, 404, offline; otherwise the server's own detail.
 */
export function transitionRefusalText(error: unknown, context: RefusalContext = {}): string {
  return t('lifecycleFailed', { detail: refusalDetail(error, context) });
}

/**
 * The server's refusal of a re-issue in words: a status that cannot be re-issued (409 forbidden,
 * `to: 'superseded'`: someone moved the area first) names the statuses that can; the rest as for a step.
 */
export function reissueRefusalText(error: unknown): string {
  const problem = error instanceof HttpError ? error.problem : undefined;
  if (error instanceof HttpError && error.status === 409 && problem?.code === 'TRANSITION_FORBIDDEN' && problem.to === 'superseded') {
    return t('reissueFailed', {
      detail: t('reissueNotAllowed', {
        from: statusLabel(problem.from),
        allowed: REISSUABLE_STATUSES.map((s) => `“${statusLabel(s)}”`).join(', '),
      }),
    });
  }
  return t('reissueFailed', { detail: refusalDetail(error) });
}

/** The reason alone, for a sentence of the caller's (a card that could not load). */
export function refusalDetail(error: unknown, context: RefusalContext = {}): string {
  if (!(error instanceof HttpError)) return describeError(error);
  const problem = error.problem ?? {};
  const reason = problem.reason;
  if (error.status === 0) return t('lifecycleOffline');
  if (error.status === 401) return t('lifecycleSignedOut');
  if (error.status === 403) return t('lifecycleForbiddenViewer');
  if (error.status === 404) return t('lifecycleGone');
  if (error.status === 409 && problem.code === 'TRANSITION_FORBIDDEN') {
    const allowed = Array.isArray(problem.allowed) ? problem.allowed.map(statusLabel) : [];
    return t('lifecycleForbidden', {
      from: statusLabel(problem.from),
      to: statusLabel(problem.to),
      allowed: allowed.length ? allowed.map((s) => `“${s}”`).join(', ') : t('lifecycleNoneAllowed'),
    });
  }
  if (reason === REGISTRY_REASON.CODE_TAKEN) {
    return t('lifecycleCodeTaken', { code: context.code ?? '', holder: String(problem.holder ?? '') });
  }
  if (reason === REGISTRY_REASON.INSPECTION_NOT_ALLOWED) return t('lifecycleNotInspectable');
  if (typeof reason === 'string' && DOCUMENT_REASON_LIST.includes(reason)) return t(`lifecycleDocument_${reason}` as MessageKey);
  if (reason === REGISTRY_REASON.DECISION_REQUIRED) return t('lifecycleInput_required_decisionNo');
  if (reason === REGISTRY_REASON.CODE_REQUIRED || reason === CODE_REASONS.EMPTY) return t('lifecycleInput_required_code');
  if (reason === CODE_REASONS.SHAPE || reason === CODE_REASONS.SCHEME) {
    const code = context.code ?? '';
    if (code.length > CODE_MAX_LENGTH) return t('lifecycleInput_code-too-long', { length: graphemes(code).length, max: CODE_MAX_LENGTH });
    return t(`lifecycleInput_${reason}`, { value: quoted(code), scheme: '' });
  }
  if (reason === REGISTRY_REASON.INSPECTION_REQUIRED || reason === REGISTRY_REASON.INSPECTION_CONCLUSION_MISMATCH) {
    const conclusion = problem.conclusion === 'fail' || problem.conclusion === 'pass' ? problem.conclusion : (context.conclusion ?? 'pass');
    return t('lifecycleInspectionRequired', { conclusion: t(`lifecycleConclusion_${conclusion}`) });
  }
  if (reason === REGISTRY_REASON.INSPECTION_CHECKLIST_INCOMPLETE) {
    const items = Array.isArray(problem.items) ? problem.items.map((item) => checklistItemLabel(String(item), lang())) : [];
    return t('lifecycleInspectionIncomplete', { n: items.length, items: items.join('; ') });
  }
  if (reason === REGISTRY_REASON.INSPECTION_NO_EVIDENCE) return t('lifecycleInspectionNoPhotoNote');
  const dossier = dossierIncompleteWords(error);
  if (dossier) return dossier;
  const day = decidedOnRefusal(error);
  if (day) return fieldProblemText(day, 'domestic-3156');
  const field = fieldRefusalFacts(error);
  const stepField = field && STEP_FIELD_OF[field.field];
  if (field && stepField) return fieldRefusalText(field, t(`lifecycleField_${stepField}` as MessageKey));
  if (reason === AREA_RULE_REASONS.NO_PLOTS) return t('areaReason_no_plots');
  if (reason === AREA_RULE_REASONS.TOO_SMALL && context.crop && context.areaM2 !== undefined) {
    return t('areaReason_too_small', {
      ha: formatNumber(context.areaM2 / 10000, 2),
      min: formatNumber(minimumAreaM2(context.crop) / 10000, 1),
      type: t(`cropType_${context.crop.crop_type}` as MessageKey),
    });
  }
  return describeError(error);
}
