// What a decision number and a name written into the registry must look like, pure so the browser
// can tell the officer the same thing the server refuses with. A decision number is published with
// the code (the public lookup shows it) and a name is printed on the profile: "🙂🙂🙂" is neither.

/** Reason codes of these checks (the `reason` of the server's 422; `field` names the input). */
export const TEXT_REASONS = {
  /** The decision number is not digits, a slash, then groups of letters/digits ("45/QĐ-SNN"). */
  DECISION_NO_SHAPE: 'decision-no-shape',
  /** A name holds no letter at all (emoji, digits, punctuation or spaces only). */
  NAME_NO_LETTER: 'name-no-letter',
  /** A name carries an emoji or another pictograph ("HTX 🙂", "Vườn ☀", a flag): printed on a certificate, it is no name. */
  NAME_PICTOGRAPH: 'name-pictograph',
} as const;

/** Why a name is refused, or null when it may be kept. */
export type NameProblem = (typeof TEXT_REASONS)['NAME_NO_LETTER' | 'NAME_PICTOGRAPH'];

// Vietnamese decision and letter numbers: "45/QĐ-SNN", "566/BVTV-KD", "3156/QĐ-BNN-TT",
// "12/2024/QĐ-UBND", "60/TTBVTV-KD". Case is free and spaces may stand around the separators, as
// officers type them ("45 / qđ - snn").
const DECISION_NO = /^\d{1,6}\s*\/\s*[\p{L}\p{N}]+(?:\s*[-./]\s*[\p{L}\p{N}]+)*$/u;

/** Whether a (trimmed) decision number has the shape of one. */
export function isDecisionNo(value: string): boolean {
  return DECISION_NO.test(value.normalize('NFC').trim());
}

/** Whether a name holds at least one letter of any script (Unicode \p{L}). */
export function hasLetter(value: string): boolean {
  return /\p{L}/u.test(value);
}

// Pictographs (Unicode Extended_Pictographic: emoji, ☀, ©, ™), the halves of a flag (regional
// indicators), the keycap mark of "1️⃣" and the emoji presentation selector: none belongs to a name,
// while every Vietnamese letter with its diacritics, digits and . , - ' / & ( ) do.
const PICTOGRAPH = /[\p{Extended_Pictographic}\p{Regional_Indicator}\u20E3\uFE0F]/u;

/** Whether a text holds an emoji or another pictograph. */
export function hasPictograph(value: string): boolean {
  return PICTOGRAPH.test(value);
}

/** What is wrong with a name the registry keeps (a growing area's, a registrant's, a farmer's, a producer's): no letter, or a pictograph; null when none. */
export function nameProblem(value: string): NameProblem | null {
  if (!hasLetter(value)) return TEXT_REASONS.NAME_NO_LETTER;
  if (hasPictograph(value)) return TEXT_REASONS.NAME_PICTOGRAPH;
  return null;
}

/** An example decision number for messages. */
export const DECISION_NO_EXAMPLE = '45/QĐ-SNN';
