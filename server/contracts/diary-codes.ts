// The diary's stable reason codes, apart from its TypeBox schemas (diary.ts, which re-exports them):
// the web client imports these values, and a module without schemas keeps the schema library out of
// the page a farmer downloads.

/** Stable codes of the reasons a diary entry is flagged (checkDiaryEntry, server/domain/substances.ts). */
export const DIARY_REASON = Object.freeze({
  /** A market's list has the substance and does not allow it. */
  NOT_ALLOWED: 'not-allowed',
  /** A market's list does not have the substance: unknown is not allowed until an officer lists it. */
  NOT_LISTED: 'not-listed',
  /** The pre-harvest interval ends after the plot's expected harvest. */
  PHI: 'pre-harvest-interval',
} as const);

/** One of the diary reasons. */
export type DiaryReason = (typeof DIARY_REASON)[keyof typeof DIARY_REASON];
