// What an officer types into the farmer form (register a new farmer, correct one), checked by the
// rules of the server's FarmerBody (server/contracts/registry.ts) before anything is sent, and the
// server's refusals read back to the field they name. Pure but for the words (i18n), so the checks
// and the mapping are tested without a browser; farmer-form.ts draws the form.
import type { FarmerBody, FarmerPatch, FarmerView } from '../../../server/contracts/registry.ts';
import { TEXT_REASONS, nameProblem } from '../../../server/domain/registry-text.ts';
import { HttpError } from '../api/http.ts';
import { t } from '../i18n/i18n.ts';
import type { MessageKey } from '../i18n/vi.ts';
import { schemaFieldFacts } from './field-refusal.ts';

/** The form's fields, named as the API names them. */
export type FarmerField = 'fullName' | 'citizenId' | 'phone' | 'hamlet' | 'address' | 'communeCode';

/** The fields in the order the form shows them. */
export const FARMER_FIELDS: readonly FarmerField[] = ['fullName', 'citizenId', 'phone', 'communeCode', 'hamlet', 'address'];

/** What the inputs hold, as typed. */
export type FarmerTyped = Record<FarmerField, string>;

/** A farmer as GET /api/farmers/:id answers it (the fields the form edits, and who it is): the server's own type. */
export type FarmerRecord = FarmerView;

/**
 * The limits of FarmerBody (a unit test holds them to the schema): the longest name, hamlet and
 * address in characters, the citizen ID (9 digits of the old CMND or 12 of the CCCD) and the phone
 * (8 to 20 digits, spaces, dots or hyphens, a leading +).
 */
export const FARMER_LIMITS = {
  fullName: 120,
  hamlet: 100,
  address: 300,
  citizenId: /^[0-9]{9}([0-9]{3})?$/,
  phone: /^\+?[0-9 .-]{8,20}$/,
  communeCode: /^[0-9]{5}$/,
} as const;

/** The farmer holding a citizen ID, as the server's 409 names them to an officer who may read them (hamlet null when unknown). */
export type CitizenIdHolder = {
  id: number;
  lookupCode: string;
  fullName: string;
  communeCode: string;
  communeName: string | null;
  hamlet: string | null;
};

/** Why a field is refused, by the form's check or the server's. */
export type FarmerProblem =
  | { field: FarmerField; kind: 'citizen-id-taken'; holder: CitizenIdHolder | null }
  | { field: FarmerField; kind: 'required' | 'no-letter' | 'pictograph' | 'citizen-id-shape' | 'phone-shape' | 'commune' | 'invalid' }
  | { field: FarmerField; kind: 'too-long'; max: number }
  | { field: FarmerField; kind: 'commune-not-yours' | 'commune-not-current'; commune: string };

/**
 * The values to send: trimmed, an empty optional field null. A citizen ID is read as the digits on
 * the card, which officers copy in groups ("087 111 222 333"): spaces, dots and hyphens are dropped.
 */
export function farmerValues(typed: FarmerTyped): Record<FarmerField, string | null> {
  const clean = (v: string) => v.normalize('NFC').replace(/\s+/g, ' ').trim() || null;
  return {
    fullName: clean(typed.fullName),
    citizenId: clean(typed.citizenId.replace(/[\s.-]/g, '')),
    phone: clean(typed.phone),
    hamlet: clean(typed.hamlet),
    address: clean(typed.address),
    communeCode: clean(typed.communeCode),
  };
}

// Characters as the server's schema counts them (code points, not UTF-16 units).
const length = (v: string) => [...v].length;

/** What the form says before sending, field by field in the form's order; empty when the server may be asked. */
export function farmerProblems(typed: FarmerTyped): FarmerProblem[] {
  const v = farmerValues(typed);
  const problems: FarmerProblem[] = [];
  if (v.fullName === null) problems.push({ field: 'fullName', kind: 'required' });
  else if (length(v.fullName) > FARMER_LIMITS.fullName) problems.push({ field: 'fullName', kind: 'too-long', max: FARMER_LIMITS.fullName });
  else {
    const name = nameProblem(v.fullName);
    if (name === TEXT_REASONS.NAME_NO_LETTER) problems.push({ field: 'fullName', kind: 'no-letter' });
    if (name === TEXT_REASONS.NAME_PICTOGRAPH) problems.push({ field: 'fullName', kind: 'pictograph' });
  }
  if (v.citizenId !== null && !FARMER_LIMITS.citizenId.test(v.citizenId)) problems.push({ field: 'citizenId', kind: 'citizen-id-shape' });
  if (v.phone !== null && !FARMER_LIMITS.phone.test(v.phone)) problems.push({ field: 'phone', kind: 'phone-shape' });
  if (v.communeCode === null) problems.push({ field: 'communeCode', kind: 'required' });
  else if (!FARMER_LIMITS.communeCode.test(v.communeCode)) problems.push({ field: 'communeCode', kind: 'commune' });
  for (const field of ['hamlet', 'address'] as const) {
    const value = v[field];
    if (value !== null && length(value) > FARMER_LIMITS[field]) problems.push({ field, kind: 'too-long', max: FARMER_LIMITS[field] });
  }
  return problems.sort((a, b) => FARMER_FIELDS.indexOf(a.field) - FARMER_FIELDS.indexOf(b.field));
}

/** The body of POST /api/farmers: the fields given (an optional one left empty is not sent). */
export function farmerBody(typed: FarmerTyped): FarmerBody {
  const v = farmerValues(typed);
  const body: Record<string, string> = {};
  for (const field of FARMER_FIELDS) if (v[field] !== null) body[field] = v[field]!;
  return body as FarmerBody;
}

/**
 * The body of PATCH /api/farmers/:id: only what the officer changed from the farmer as read (an
 * optional field emptied is null); an empty object when nothing changed.
 */
export function farmerPatch(current: FarmerRecord, typed: FarmerTyped): FarmerPatch {
  const v = farmerValues(typed);
  const patch: Record<string, string | null> = {};
  for (const field of FARMER_FIELDS) {
    const was = current[field] === null ? null : String(current[field]).normalize('NFC').replace(/\s+/g, ' ').trim() || null;
    // The name and commune cannot be emptied (the server keeps them); the form's check says so first.
    if (v[field] !== was) patch[field] = v[field];
  }
  return patch as FarmerPatch;
}

/** The inputs filled from a farmer as read (a new farmer: empty, in `commune`). */
export function farmerTyped(farmer: FarmerRecord | undefined, commune = ''): FarmerTyped {
  return {
    fullName: farmer?.fullName ?? '',
    citizenId: farmer?.citizenId ?? '',
    phone: farmer?.phone ?? '',
    hamlet: farmer?.hamlet ?? '',
    address: farmer?.address ?? '',
    communeCode: farmer?.communeCode ?? commune,
  };
}

const FIELD_SET: ReadonlySet<string> = new Set(FARMER_FIELDS);
const isField = (f: unknown): f is FarmerField => typeof f === 'string' && FIELD_SET.has(f);
// The service's 422 for a commune that is not one of today's names no field (farmers.service.ts, requireCurrentCommune).
const NOT_CURRENT = /^Commune ([0-9]{5}) is not one of today's communes/;

/**
 * The field the server's refusal of a farmer names, and why: its schema's 400 ("body/citizenId must
 * match pattern …"), the 422 of a name with no letter or with an emoji, a commune that is no longer
 * one, and the 403 of a commune the officer does not serve (`sent` is the body sent, for the commune
 * it named). Undefined for what names no field (a 404, a 412, the network): the form says those itself.
 */
export function farmerRefusal(error: unknown, sent: Record<string, unknown>): FarmerProblem | undefined {
  if (!(error instanceof HttpError)) return undefined;
  const problem = error.problem ?? {};
  if (error.status === 400 && typeof problem.detail === 'string') {
    const facts = schemaFieldFacts(problem.detail);
    if (!facts || !isField(facts.field)) return undefined;
    const field = facts.field;
    if (facts.kind === 'too-long') return { field, kind: 'too-long', max: facts.max };
    if (facts.kind === 'required') return { field, kind: 'required' };
    if (field === 'citizenId') return { field, kind: 'citizen-id-shape' };
    if (field === 'phone') return { field, kind: 'phone-shape' };
    if (field === 'communeCode') return { field, kind: 'commune' };
    return { field, kind: 'invalid' };
  }
  // 409 duplicate-citizen-id: another farmer has the ID; named when the officer may read them.
  if (error.status === 409 && problem.reason === 'duplicate-citizen-id')
    return { field: 'citizenId', kind: 'citizen-id-taken', holder: holderOf(problem.farmer) };
  if (error.status === 422 && isField(problem.field)) {
    if (problem.reason === TEXT_REASONS.NAME_NO_LETTER) return { field: problem.field, kind: 'no-letter' };
    if (problem.reason === TEXT_REASONS.NAME_PICTOGRAPH) return { field: problem.field, kind: 'pictograph' };
    return { field: problem.field, kind: 'invalid' };
  }
  const detail = typeof problem.detail === 'string' ? problem.detail : '';
  const notCurrent = error.status === 422 ? NOT_CURRENT.exec(detail) : null;
  if (notCurrent) return { field: 'communeCode', kind: 'commune-not-current', commune: notCurrent[1]! };
  // A 403 on a body naming a commune: the commune is not the officer's (the farmer's own commune is checked before, and said as such).
  if (error.status === 403 && typeof sent.communeCode === 'string')
    return { field: 'communeCode', kind: 'commune-not-yours', commune: sent.communeCode };
  return undefined;
}

/** The holder a 409 names, when it names one whole. */
function holderOf(value: unknown): CitizenIdHolder | null {
  if (typeof value !== 'object' || value === null) return null;
  const f = value as Record<string, unknown>;
  if (typeof f.id !== 'number' || typeof f.lookupCode !== 'string' || typeof f.fullName !== 'string' || typeof f.communeCode !== 'string')
    return null;
  return {
    id: f.id,
    lookupCode: f.lookupCode,
    fullName: f.fullName,
    communeCode: f.communeCode,
    communeName: typeof f.communeName === 'string' ? f.communeName : null,
    hamlet: typeof f.hamlet === 'string' && f.hamlet.trim() ? f.hamlet.trim() : null,
  };
}

/**
 * Where the form stands when it meets a citizen ID another farmer has: registering a new farmer,
 * correcting one from the plot form (the holder may be chosen for the plot instead), or correcting
 * one where no other farmer can be put in their place (a plot's card).
 */
export type CitizenIdTakenMode = 'register' | 'correct-choose' | 'correct';

/**
 * What the officer can do about a citizen ID another farmer has, said under the refusal: choose that
 * farmer when the form offers it, else check the card, correct the other record, or ask the commune
 * that keeps it when the server did not name them.
 */
export function citizenIdTakenNext(holder: CitizenIdHolder | null, mode: CitizenIdTakenMode): string {
  if (!holder) return t('farmerCitizenIdNextElsewhere');
  if (mode === 'register') return t('farmerCitizenIdNextChoose');
  if (mode === 'correct-choose') return t('farmerCitizenIdNextChooseEdit');
  return t('farmerCitizenIdNextCheck');
}

/** The label of each field, as the form shows it. */
export const FARMER_LABELS: Readonly<Record<FarmerField, MessageKey>> = {
  fullName: 'farmerFullName',
  citizenId: 'farmerCitizenId',
  phone: 'farmerPhone',
  hamlet: 'farmerHamlet',
  address: 'farmerAddress',
  communeCode: 'farmerCommune',
};

/** The sentence said under the field. */
export function farmerProblemText(problem: FarmerProblem): string {
  const field = t(FARMER_LABELS[problem.field]);
  switch (problem.kind) {
    case 'required':
      return t('fieldRequired', { field });
    case 'too-long':
      return t('fieldTooLong', { field, max: problem.max });
    case 'no-letter':
      return t('fieldNoLetter', { field });
    case 'pictograph':
      return t('fieldPictograph', { field });
    case 'citizen-id-shape':
      return t('farmerCitizenIdShape');
    case 'phone-shape':
      return t('farmerPhoneShape');
    case 'commune':
      return t('farmerCommuneShape');
    case 'commune-not-current':
      return t('farmerCommuneNotCurrent', { code: problem.commune });
    case 'commune-not-yours':
      return t('farmerCommuneNotYours', { code: problem.commune });
    case 'citizen-id-taken': {
      const holder = problem.holder;
      if (!holder) return t('farmerCitizenIdTakenElsewhere');
      const commune = holder.communeName ?? holder.communeCode;
      return t('farmerCitizenIdTaken', {
        name: holder.fullName,
        code: holder.lookupCode,
        // Where they live, as their card says it: the hamlet first when the registry has one.
        commune: holder.hamlet ? `${holder.hamlet}, ${commune}` : commune,
      });
    }
    default:
      return t('fieldInvalid', { field });
  }
}
