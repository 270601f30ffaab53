// The registry's stable codes and header names, apart from its TypeBox schemas (registry.ts, which
// re-exports them): the web client imports these values, and a module without schemas keeps the
// schema library out of the page a farmer downloads.

/**
 * Stable `reason` codes of the registry's lifecycle refusals besides those of the pure rules
 * (TRANSITION_REASONS, CODE_REASONS, AREA_RULE_REASONS in server/domain): clients tell refusals
 * apart by these, never by the English `detail`.
 */
/**
 * The profile fields (request body names) a dossier must have before it is submitted: the printed
 * dossier's households, technical officer and expected yield (DOMAIN.md's profile; the standard and
 * certificates are voluntary, VietGAP/GlobalGAP, and the rest have defaults or are the draft's own).
 */
export const DOSSIER_FIELDS = ['households', 'technicalOfficer', 'expectedYieldTonnes'] as const;
export type DossierField = (typeof DOSSIER_FIELDS)[number];

export const REGISTRY_REASON = Object.freeze({
  /** 409: another growing area (another lineage, not superseded) holds the code; `holder`, `holderStatus`. */
  CODE_TAKEN: 'code-taken',
  /** 409: the area's status admits no inspection (a draft, a dossier awaiting inspection, a closed code); `growingAreaId`, `growingAreaStatus`, `inspectable`. */
  INSPECTION_NOT_ALLOWED: 'inspection-not-allowed',
  /** 409: plots and profile change only in draft; `growingAreaId`, `growingAreaStatus` (as the features API's). */
  AREA_NOT_DRAFT: 'growing-area-not-draft',
  /** 422: issuing, approving, suspending, restoring (suspended → active) and revoking need the decision number; `from`, `to`. */
  DECISION_REQUIRED: 'decision-required',
  /** 422: issuing and approving need the code. */
  CODE_REQUIRED: 'code-required',
  /** 422: recording the result needs an inspection concluded that way; `conclusion` needed, `latest` found. */
  INSPECTION_REQUIRED: 'inspection-required',
  /** 422: the transition's `inspection` concludes otherwise than the step (a pass recorded as inspected_fail). */
  INSPECTION_CONCLUSION_MISMATCH: 'inspection-conclusion-mismatch',
  /** 422: an `inspection` sent with a move that records no inspection result. */
  INSPECTION_NOT_EXPECTED: 'inspection-not-expected',
  /** 400: the `Idempotency-Key` of a photo or an inspection is not 16–64 letters, digits, `-` or `_`. */
  IDEMPOTENCY_KEY_SHAPE: 'idempotency-key-shape',
  /**
   * 409: this `Idempotency-Key` already names something else: a photo of other bytes in the inspection
   * (`inspectionId`, `photoId`), or an inspection of the area with other content or by another
   * officer (`growingAreaId`, `inspectionId`).
   */
  IDEMPOTENCY_KEY_REUSED: 'idempotency-key-reused',
  /**
   * 422: an inspection concluded "pass" with checklist items marked failed (`ok: false`) that carry no
   * note; `field: 'conclusion'`, `items` (those items as recorded). Conclude "fail", or write on each
   * failed item why the area still passes (a minor lapse to be fixed).
   */
  INSPECTION_PASS_WITH_FAILED_ITEMS: 'inspection-pass-with-failed-items',
  /**
   * 422: an inspection (POST /api/growing-areas/:id/inspections) whose checklist holds no item looked
   * at (every one left "Chưa xét"): it says nothing, yet would count as one; `field: 'checklist'`.
   */
  INSPECTION_NOTHING_REVIEWED: 'inspection-nothing-reviewed',
  /**
   * 422: the inspection a move to inspected_pass / inspected_fail rests on (sent with the move, or
   * the latest concluded one on record) leaves standard checklist items unanswered (CHECKLIST_ITEMS of
   * server/domain/growing-area-lifecycle.ts); `field: 'checklist'`, `items` (those items, as worded
   * on the form), `inspectionId` (null: the one sent with the move).
   */
  INSPECTION_CHECKLIST_INCOMPLETE: 'inspection-checklist-incomplete',
  /**
   * 422: the inspection such a move rests on has neither a photo nor a note (an inspection sent with
   * the move carries no photo: it needs its note); `field: 'notes'`, `inspectionId` (null: the one sent).
   */
  INSPECTION_NO_EVIDENCE: 'inspection-no-evidence',
  /**
   * 422: a dossier submitted (draft → submitted) with member plots without a farmer, or profile
   * fields the dossier needs left empty (DOSSIER_FIELDS: households, technicalOfficer,
   * expectedYieldTonnes); `plotsWithoutFarmer` ([{ id, commune, communeName, communeFormer, sheet, parcel }], the main parcel
   * null when it covers none), `missingFields` (the request body's names), each listed.
   */
  DOSSIER_INCOMPLETE: 'dossier-incomplete',
  /** 422: a date of something done (an inspection, a spray, a sample) is after today in Vietnam; `field`, `value`, `today`. */
  DATE_IN_FUTURE: 'date-in-future',
  /** 422: a date of something done is before 1900 (a slip of the year, "0201-05-03"); `field`, `value`, `earliest`. */
  DATE_TOO_EARLY: 'date-too-early',
  /** 422: a decision day (`decidedOn`) that is not a calendar day written YYYY-MM-DD ('abc', '2023-02-30'); `field`, `value`. */
  DATE_INVALID: 'date-invalid',
  /** 422: an issue or approval dated before its dossier was created; `field`, `value`, `earliest`. */
  DECISION_BEFORE_DOSSIER: 'decision-before-dossier',
  /** 422: an issue or approval dated before the day of the inspection that passed the area; `field`, `value`, `earliest`. */
  DECISION_BEFORE_INSPECTION: 'decision-before-inspection',
  /** 422: a suspension, restore, revocation or re-issue dated before the code was issued; `field`, `value`, `earliest`. */
  DECISION_BEFORE_ISSUE: 'decision-before-issue',
  /** 422: a decision dated before the decision it follows (a revocation before the suspension it ends); `field`, `value`, `earliest`. */
  DECISION_BEFORE_PREVIOUS: 'decision-before-previous',
  /** 422: a decision day sent with a move that is no decision (a submission, an inspection result); `field`, `to`. */
  DECISION_DATE_NOT_EXPECTED: 'decision-date-not-expected',
  /**
   * 422: a move's attachment names an uploaded document (`ref` /api/growing-areas/:id/documents/:docId)
   * that does not exist, or a ref of that form that is malformed; `field: 'attachments'`, `ref`.
   */
  DOCUMENT_UNKNOWN: 'document-unknown',
  /** 422: a move's attachment names a document uploaded to another growing area; `field: 'attachments'`, `ref`. */
  DOCUMENT_OF_OTHER_AREA: 'document-of-other-area',
  /** 422: a move's attachment names a document another move already carries (or names it twice); `field: 'attachments'`, `ref`. */
  DOCUMENT_ALREADY_USED: 'document-already-used',
  /**
   * 400: a JSON body member the endpoint does not take (`decided_on` for `decidedOn`, at any depth);
   * `field` (the first, a path such as `inspection.checklist[0].okk`), `fields`, `didYouMean`.
   */
  UNKNOWN_FIELD: 'unknown-field',
} as const);

/**
 * Header of every `?size=thumb` answer saying what the body is: `present`, the small version; `missing`,
 * the photo itself because no small version is stored (a photo sent before small versions existed, or
 * whose small version never arrived), so a client that may add photos makes one and PUTs it.
 */
export const PHOTO_THUMBNAIL_HEADER = 'Photo-Thumbnail';
/** The values of PHOTO_THUMBNAIL_HEADER. */
export const PHOTO_THUMBNAIL = { PRESENT: 'present', MISSING: 'missing' } as const;

/** The longest search query /api/search takes (characters): the box holds no more, and says so. */
export const SEARCH_QUERY_MAX = 200;
