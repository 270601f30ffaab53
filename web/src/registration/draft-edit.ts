// The rules the draft's card applies before it asks the server (the server checks them again): where
// a plot picked on the map stands for this draft, what taking a plot out does to the crop's minimum
// area, and which profile fields changed and whether each is fit to send. Pure: unit-tested.
import {
  CLOSED_STATUSES,
  EDITABLE_STATUSES,
  type GrowingAreaScheme,
  type GrowingAreaStatus,
} from '../../../server/domain/growing-area-lifecycle.ts';
import { AREA_RULE_REASONS, checkMinimumArea, minimumAreaM2, type CropRule } from '../../../server/domain/growing-area-rules.ts';
import { nameProblem, TEXT_REASONS } from '../../../server/domain/registry-text.ts';

/** Whether the card offers to change the area's plots and profile: the registry changes them only in these statuses. */
export function isEditableDraft(status: GrowingAreaStatus): boolean {
  return EDITABLE_STATUSES.includes(status);
}

/**
 * Where a plot picked on the map stands for draft `areaId`: already one of its plots, in no area,
 * in an area whose code was revoked or superseded (which let its plots go: it may join), or in
 * another live area (the server refuses it).
 */
export type PickStanding = 'member' | 'free' | 'released' | 'taken';

export function pickStanding(areaId: number, plot: { growing_area_id?: number | null; areaStatus?: string | null }): PickStanding {
  const other = plot.growing_area_id ?? null;
  if (other === null) return 'free';
  if (other === areaId) return 'member';
  if (typeof plot.areaStatus === 'string' && (CLOSED_STATUSES as readonly string[]).includes(plot.areaStatus)) return 'released';
  return 'taken';
}

/** A member plot as the minimum-area rule reads it. */
export type MemberArea = { id: number; crop: string; area_m2: number };

/** What taking plot `plotId` out leaves: the total, the crop's minimum, and whether the rest falls below it (or leaves none). */
export type RemovalEffect = { totalAfterM2: number; minM2: number; breaks: boolean; lastPlot: boolean };

export function removalEffect(crop: CropRule, members: readonly MemberArea[], plotId: number): RemovalEffect {
  const rest = members.filter((p) => p.id !== plotId);
  const totalAfterM2 = rest.reduce((sum, p) => sum + Number(p.area_m2), 0);
  const verdict = checkMinimumArea(
    crop,
    rest.map((p) => ({ ...p, area_m2: Number(p.area_m2) })),
  );
  const breaks = !verdict.valid && (verdict.reason === AREA_RULE_REASONS.TOO_SMALL || verdict.reason === AREA_RULE_REASONS.NO_PLOTS);
  return { totalAfterM2, minM2: minimumAreaM2(crop), breaks, lastPlot: rest.length === 0 };
}

/** The profile fields the card's form edits, by their names in the features API. */
export const PROFILE_EDIT_FIELDS = [
  'name',
  'registrant_name',
  'scheme',
  'crop',
  'variety',
  'technical_officer',
  'households',
  'expected_yield_tonnes',
] as const;
export type ProfileEditField = (typeof PROFILE_EDIT_FIELDS)[number];

/** Why a typed value may not be sent (the words come from field-refusal.ts). */
export type ProfileProblem = {
  field: ProfileEditField;
  kind: 'required' | 'no-letter' | 'pictograph' | 'invalid' | 'too-long';
  max?: number;
};

const MAX_LENGTH: Partial<Record<ProfileEditField, number>> = {
  name: 200,
  registrant_name: 200,
  variety: 100,
  technical_officer: 200,
};
const REQUIRED: readonly ProfileEditField[] = ['name', 'registrant_name', 'scheme', 'crop'];
const NAMES: readonly ProfileEditField[] = ['name', 'registrant_name', 'technical_officer'];
const SCHEMES: readonly GrowingAreaScheme[] = ['domestic-3156', 'export-puc', 'export-phc'];

/** The value a field shows in the form: the stored one as text ('' for none). */
export function shownValue(current: Record<string, unknown>, field: ProfileEditField): string {
  const value = current[field];
  if (value === null || value === undefined) return '';
  // The yield is shown with the decimal comma the officer types it with.
  return field === 'expected_yield_tonnes' ? String(value).replace('.', ',') : String(value);
}

/**
 * The JSON merge patch of the profile: only the fields whose typed value differs from the stored
 * one (texts trimmed, an emptied optional field sent as null, households as a whole number), and
 * what is wrong with the typed values, checked as the server will (a name needs a letter and no emoji).
 */
export function profilePatch(
  current: Record<string, unknown>,
  typed: Readonly<Record<ProfileEditField, string>>,
): { patch: Record<string, unknown>; problems: ProfileProblem[] } {
  const patch: Record<string, unknown> = {};
  const problems: ProfileProblem[] = [];
  for (const field of PROFILE_EDIT_FIELDS) {
    const text = (typed[field] ?? '').trim();
    if (!text) {
      if (REQUIRED.includes(field)) problems.push({ field, kind: 'required' });
      else if (current[field] !== null && current[field] !== undefined) patch[field] = null;
      continue;
    }
    const max = MAX_LENGTH[field];
    if (max !== undefined && text.length > max) {
      problems.push({ field, kind: 'too-long', max });
      continue;
    }
    if (NAMES.includes(field)) {
      const problem = nameProblem(text);
      if (problem === TEXT_REASONS.NAME_NO_LETTER) problems.push({ field, kind: 'no-letter' });
      else if (problem === TEXT_REASONS.NAME_PICTOGRAPH) problems.push({ field, kind: 'pictograph' });
      if (problem) continue;
    }
    let value: string | number = text;
    if (field === 'households') {
      if (!/^\d{1,7}$/.test(text) || Number(text) > 1_000_000) {
        problems.push({ field, kind: 'invalid' });
        continue;
      }
      value = Number(text);
    }
    if (field === 'expected_yield_tonnes') {
      // Tonnes with one decimal, written the Vietnamese way ("12,5") or with a point; the features API takes 0–1e8.
      const number = /^\d{1,8}([.,]\d)?$/.test(text) ? Number(text.replace(',', '.')) : NaN;
      if (!Number.isFinite(number) || number > 1e8) {
        problems.push({ field, kind: 'invalid' });
        continue;
      }
      value = number;
    }
    if (field === 'scheme' && !(SCHEMES as readonly string[]).includes(text)) {
      problems.push({ field, kind: 'invalid' });
      continue;
    }
    const stored = current[field];
    const numeric = field === 'households' || field === 'expected_yield_tonnes';
    if (numeric ? Number(stored ?? NaN) !== value : String(stored ?? '') !== value) patch[field] = value;
  }
  return { patch, problems };
}

/**
 * Which field of the form a features-API 422 reason names, and why (its `property` and `rule`/`code`),
 * or undefined when it names none of the form's fields.
 */
export function reasonProblem(reason: unknown): ProfileProblem | undefined {
  if (typeof reason !== 'object' || reason === null) return undefined;
  const r = reason as Record<string, unknown>;
  const field = (PROFILE_EDIT_FIELDS as readonly unknown[]).includes(r.property) ? (r.property as ProfileEditField) : undefined;
  if (!field) return undefined;
  if (r.rule === TEXT_REASONS.NAME_NO_LETTER) return { field, kind: 'no-letter' };
  if (r.rule === TEXT_REASONS.NAME_PICTOGRAPH) return { field, kind: 'pictograph' };
  if (typeof r.message === 'string' && /must not be empty/.test(r.message)) return { field, kind: 'required' };
  const longer = typeof r.message === 'string' ? /at most (\d+) characters/.exec(r.message) : null;
  if (longer) return { field, kind: 'too-long', max: Number(longer[1]) };
  if (r.code === 'INVALID_PROPERTY' || r.code === 'MISSING_PROPERTY' || r.code === 'UNKNOWN_REFERENCE') return { field, kind: 'invalid' };
  return undefined;
}
