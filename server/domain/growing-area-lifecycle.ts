// The growing-area code lifecycle (DOMAIN.md, Decision 3156/QĐ-BNN-TT and export practice) as a
// pure state machine shared by the server, which enforces it, and the browser, which shows only
// the buttons that can succeed. Statuses are those of the growing_areas.status CHECK constraint.

/** Every status a growing-area version can be in (growing_areas.status). */
export const GROWING_AREA_STATUSES = [
  'draft',
  'submitted',
  'under_inspection',
  'inspected_pass',
  'inspected_fail',
  'issued',
  'forwarded',
  'approved',
  'active',
  'suspended',
  'revoked',
  'superseded',
] as const;

/** A growing-area status. */
export type GrowingAreaStatus = (typeof GROWING_AREA_STATUSES)[number];

/** Code schemes: the province's domestic code, or an export code for an orchard (PUC) or packing house (PHC). */
export const GROWING_AREA_SCHEMES = ['domestic-3156', 'export-puc', 'export-phc'] as const;

/** A code scheme (growing_areas.scheme). */
export type GrowingAreaScheme = (typeof GROWING_AREA_SCHEMES)[number];

/** Whether a scheme's code is approved by an importing country (forwarded → approved) rather than issued by the province. */
export function isExportScheme(scheme: GrowingAreaScheme): boolean {
  return scheme !== 'domestic-3156';
}

// Edges of the machine. 'issued' is reachable only for domestic codes and 'forwarded' only for
// export codes (see allowedTransitions). A failed inspection goes back to draft so the registrant
// can fix the plots and apply again, and so does a dossier the importing country did not approve
// (GACC approved 51 of 126 durian PUCs in 2022); 'revoked' (hủy bỏ) is final; 'superseded' is
// reached only by re-issue, which also creates the next version (see canReissue).
const EDGES: Readonly<Record<GrowingAreaStatus, readonly GrowingAreaStatus[]>> = {
  draft: ['submitted'],
  submitted: ['under_inspection', 'draft'],
  under_inspection: ['inspected_pass', 'inspected_fail'],
  inspected_pass: ['issued', 'forwarded'],
  inspected_fail: ['draft'],
  issued: ['active', 'revoked'],
  forwarded: ['approved', 'draft'],
  approved: ['active', 'revoked'],
  active: ['suspended', 'revoked'],
  suspended: ['active', 'revoked'],
  revoked: [],
  superseded: [],
};

/** Statuses from which an officer may re-issue (cấp lại): a new version in the same lineage, the old one superseded. */
export const REISSUABLE_STATUSES: readonly GrowingAreaStatus[] = ['issued', 'approved', 'active', 'suspended'];

/** Statuses whose code is in force: a buyer scanning the code may trust the produce. */
export const CODE_IN_FORCE_STATUSES: readonly GrowingAreaStatus[] = ['issued', 'approved', 'active'];

/**
 * Statuses whose record anyone may read in the features API (buyers scanning a code must see
 * suspensions and revocations); the map's tiles draw every status but a draft, so a guest's card of
 * an area under review stays with what its tile says.
 */
export const PUBLIC_STATUSES: readonly GrowingAreaStatus[] = ['issued', 'approved', 'active', 'suspended', 'revoked'];

/**
 * Statuses in which an inspection is recorded: during the application (under_inspection) and as
 * supervision of a code in force; a draft or a closed code has nothing to inspect.
 */
export const INSPECTABLE_STATUSES: readonly GrowingAreaStatus[] = [
  'under_inspection',
  'issued',
  'forwarded',
  'approved',
  'active',
  'suspended',
];

/** Whether an area in `status` takes an inspection (by `inspectable`, the server's list when a browser heard one). */
export function acceptsInspection(status: string, inspectable: readonly string[] = INSPECTABLE_STATUSES): boolean {
  return inspectable.includes(status);
}

/**
 * Closed versions: revoked (final for the area) or superseded by a re-issue. They no longer stand
 * behind a code, so their plots are free to join a new draft (a new dossier after a revocation, the
 * new version at a re-issue); each keeps the record of the plots it had when it closed (migration 017).
 */
export const CLOSED_STATUSES: readonly GrowingAreaStatus[] = ['revoked', 'superseded'];

/** Statuses in which plots may be added or removed and the profile edited. */
export const EDITABLE_STATUSES: readonly GrowingAreaStatus[] = ['draft'];

/** The statuses a version of the given scheme may move to from `from`, in a stable order. */
export function allowedTransitions(from: GrowingAreaStatus, scheme: GrowingAreaScheme): GrowingAreaStatus[] {
  const exportScheme = isExportScheme(scheme);
  return EDGES[from].filter((to) => {
    if (to === 'issued') return !exportScheme;
    if (to === 'forwarded' || to === 'approved') return exportScheme;
    return true;
  });
}

/** Reason constants of checkTransition, stable for the browser and the tests. */
export const TRANSITION_REASONS = {
  UNKNOWN_STATUS: 'unknown-status',
  FORBIDDEN: 'forbidden',
  SAME_STATUS: 'same-status',
} as const;

/** The outcome of asking whether a transition may happen. */
export type TransitionCheck =
  | { valid: true; from: GrowingAreaStatus; to: GrowingAreaStatus }
  | { valid: false; reason: (typeof TRANSITION_REASONS)[keyof typeof TRANSITION_REASONS]; message: string; allowed: GrowingAreaStatus[] };

/** Whether `to` is a status name at all (input from a request). */
export function isGrowingAreaStatus(value: unknown): value is GrowingAreaStatus {
  return typeof value === 'string' && (GROWING_AREA_STATUSES as readonly string[]).includes(value);
}

/** Checks one transition; a refusal carries the statuses that are allowed from here. */
export function checkTransition(from: GrowingAreaStatus, to: string, scheme: GrowingAreaScheme): TransitionCheck {
  const allowed = allowedTransitions(from, scheme);
  if (!isGrowingAreaStatus(to)) {
    return { valid: false, reason: TRANSITION_REASONS.UNKNOWN_STATUS, message: `"${to}" is not a growing-area status.`, allowed };
  }
  if (to === from) {
    return { valid: false, reason: TRANSITION_REASONS.SAME_STATUS, message: `The growing area is already ${from}.`, allowed };
  }
  if (!allowed.includes(to)) {
    const options = allowed.length ? allowed.join(', ') : 'none (final status)';
    return {
      valid: false,
      reason: TRANSITION_REASONS.FORBIDDEN,
      message: `A ${scheme} growing area cannot go from ${from} to ${to}; allowed: ${options}.`,
      allowed,
    };
  }
  return { valid: true, from, to };
}

/** Whether a version in this status may be re-issued. */
export function canReissue(status: GrowingAreaStatus): boolean {
  return REISSUABLE_STATUSES.includes(status);
}

/** Whether a move from `from` to `to` can be taken back by another move (a suspension by a restore); most cannot. */
export function canUndo(from: GrowingAreaStatus, to: GrowingAreaStatus, scheme: GrowingAreaScheme): boolean {
  return allowedTransitions(to, scheme).includes(from);
}

/** Statuses that take the code out of force by a decision: the profile and the public lookup show that decision beside the issuing one. */
export const WITHDRAWN_STATUSES: readonly GrowingAreaStatus[] = ['suspended', 'revoked'];

/**
 * What a transition into `to` (from `from`, when the move's origin matters) must carry besides the
 * actor: legal acts need a decision number, a code needs the code.
 */
export function transitionRequirements(
  to: GrowingAreaStatus,
  from?: GrowingAreaStatus,
): {
  decisionNo: boolean;
  code: boolean;
  concludedInspection: 'pass' | 'fail' | null;
} {
  return {
    // Issuing, approving, suspending and revoking are decisions (quyết định) with a number, and so is
    // lifting a suspension: the code is back in force only by a decision that says so.
    decisionNo: to === 'issued' || to === 'approved' || to === 'suspended' || to === 'revoked' || (to === 'active' && from === 'suspended'),
    // The code is set when the province issues it or the importing country approves it.
    code: to === 'issued' || to === 'approved',
    // Recording the inspection result needs an inspection record with that conclusion.
    concludedInspection: to === 'inspected_pass' ? 'pass' : to === 'inspected_fail' ? 'fail' : null,
  };
}

/** How each status reads to people: Vietnamese first, English beside it. */
export const STATUS_LABELS: Readonly<Record<GrowingAreaStatus, { vi: string; en: string }>> = {
  draft: { vi: 'Bản nháp', en: 'Draft' },
  submitted: { vi: 'Đã nộp hồ sơ', en: 'Submitted' },
  under_inspection: { vi: 'Đang kiểm tra', en: 'Under inspection' },
  inspected_pass: { vi: 'Kiểm tra đạt', en: 'Inspection passed' },
  inspected_fail: { vi: 'Kiểm tra không đạt', en: 'Inspection failed' },
  issued: { vi: 'Đã cấp mã', en: 'Code issued' },
  forwarded: { vi: 'Đã gửi nước nhập khẩu', en: 'Forwarded to the importing country' },
  approved: { vi: 'Nước nhập khẩu đã phê duyệt', en: 'Approved by the importing country' },
  active: { vi: 'Đang hoạt động', en: 'Active' },
  suspended: { vi: 'Tạm đình chỉ', en: 'Suspended' },
  revoked: { vi: 'Đã thu hồi', en: 'Revoked' },
  superseded: { vi: 'Đã được cấp lại', en: 'Superseded by a re-issue' },
};

/** The mark beside the status of a code taken out of force: a buyer must not read "Tạm đình chỉ" as a kind of valid. */
export const NOT_IN_FORCE_LABEL = { vi: 'không còn hiệu lực', en: 'not in force' } as const;

/** A status as people read it, with the not-in-force mark when it is suspended or revoked ("Tạm đình chỉ — không còn hiệu lực"). */
export function statusWithForce(status: string, language: 'vi' | 'en'): string {
  const label = (STATUS_LABELS as Readonly<Record<string, { vi: string; en: string }>>)[status]?.[language] ?? status;
  return (WITHDRAWN_STATUSES as readonly string[]).includes(status) ? `${label} — ${NOT_IN_FORCE_LABEL[language]}` : label;
}

/** The decision that took a code out of force, as recorded with the move (its day is Vietnam's, YYYY-MM-DD). */
export type StatusDecisionFacts = { decisionNo: string | null; decidedOn: string; reason: string | null };

/** What the decision that took a code out of force is called, by the status it led to. */
export const STATUS_DECISION_LABELS: Readonly<Record<'suspended' | 'revoked', { vi: string; en: string }>> = {
  suspended: { vi: 'Quyết định tạm đình chỉ', en: 'Suspension decision' },
  revoked: { vi: 'Quyết định thu hồi', en: 'Revocation decision' },
};

/**
 * The decision that took a code out of force as a line beside the issuing one: "45/QĐ-SNN ngày
 * 30/11/2026, lý do: Dư lượng vượt mức" (English: "45/QĐ-SNN of 2026-11-30, reason: …"); the parts
 * not recorded are left out (moves recorded before the number was required may have none).
 */
export function statusDecisionText(decision: StatusDecisionFacts, language: 'vi' | 'en'): string {
  const [y, m, d] = decision.decidedOn.split('-');
  const day = language === 'vi' ? `${d}/${m}/${y}` : decision.decidedOn;
  const words =
    language === 'vi' ? { no: 'không ghi số', on: 'ngày', reason: 'lý do' } : { no: 'no number recorded', on: 'of', reason: 'reason' };
  const reason = decision.reason?.trim();
  return `${decision.decisionNo?.trim() || `(${words.no})`} ${words.on} ${day}${reason ? `, ${words.reason}: ${reason}` : ''}`;
}

/** How each code scheme reads to people. */
export const SCHEME_LABELS: Readonly<Record<GrowingAreaScheme, { vi: string; en: string }>> = {
  'domestic-3156': { vi: 'Mã số vùng trồng nội địa (QĐ 3156)', en: 'Domestic growing-area code (Decision 3156)' },
  'export-puc': { vi: 'Mã số vùng trồng xuất khẩu (PUC)', en: 'Export production-unit code (PUC)' },
  'export-phc': { vi: 'Mã số cơ sở đóng gói (PHC)', en: 'Packing-house code (PHC)' },
};

/**
 * The checklist of a growing-area inspection (Decision 3156/QĐ-BNN-TT), the items the seed's
 * inspections carry (data/seed/agriculture.ts). The record keeps the Vietnamese wording (it is the
 * official form's); English is a reading aid.
 */
export const CHECKLIST_ITEMS: readonly { vi: string; en: string }[] = [
  { vi: 'Hồ sơ, nhật ký canh tác ghi chép đầy đủ', en: 'Records and farm diary kept in full' },
  { vi: 'Không sử dụng thuốc BVTV ngoài danh mục', en: 'No pesticide outside the permitted list' },
  { vi: 'Vệ sinh đồng ruộng, thu gom bao bì thuốc BVTV', en: 'Field hygiene, pesticide packaging collected' },
  { vi: 'Giám sát sinh vật gây hại định kỳ', en: 'Regular pest monitoring' },
  { vi: 'Ranh giới vùng trồng khớp với bản đồ', en: 'Area boundary matches the map' },
  { vi: 'Có cán bộ kỹ thuật được tập huấn', en: 'A trained technical officer is assigned' },
];

/** A checklist item in the viewer's language: the English of a standard item, any other as recorded. */
export function checklistItemLabel(item: string, language: 'vi' | 'en'): string {
  return language === 'en' ? (CHECKLIST_ITEMS.find((c) => c.vi === item)?.en ?? item) : item;
}

/** An inspection as a pass/fail step weighs it: its checklist, its notes and how many photos it holds. */
export type InspectionEvidence = { checklist?: readonly { item: string }[] | null; notes?: string | null; photoCount: number };

/**
 * What an inspection lacks for a move to inspected_pass / inspected_fail to rest on it: the standard
 * checklist items it leaves unanswered (each of CHECKLIST_ITEMS must be marked passed or failed), and
 * whether it has neither a photo nor a note (DOMAIN.md: inspections carry geotagged photos and a
 * checklist; an officer without a photo says why in the note). Null when it lacks nothing.
 */
export function inspectionShortfall(inspection: InspectionEvidence): { unanswered: string[]; noEvidence: boolean } | null {
  const answered = new Set((inspection.checklist ?? []).map((c) => c.item.trim()));
  const unanswered = CHECKLIST_ITEMS.filter((c) => !answered.has(c.vi)).map((c) => c.vi);
  const noEvidence = inspection.photoCount === 0 && !inspection.notes?.trim();
  return unanswered.length || noEvidence ? { unanswered, noEvidence } : null;
}
