// Which fields of an account form the server refused, and why, in the user's language: a 422's
// `errors` (each a field and a reason), or a 409's or 403's one `field` and `reason` (a username
// taken, an administrator demoting themself, a wrong current password).
import type { AccountFieldError } from '../../../server/contracts/accounts.ts';
import { ACCOUNT_REASONS, MAX_DISPLAY_NAME, MIN_PASSWORD_LENGTH, type AccountReason } from '../../../server/domain/account-rules.ts';
import { HttpError } from '../api/http.ts';
import { t } from '../i18n/i18n.ts';
import type { MessageKey } from '../i18n/vi.ts';

const REASON_WORDS: Readonly<Record<AccountReason, MessageKey>> = {
  [ACCOUNT_REASONS.USERNAME_SHAPE]: 'accountReasonUsernameShape',
  [ACCOUNT_REASONS.USERNAME_TAKEN]: 'accountReasonUsernameTaken',
  [ACCOUNT_REASONS.PASSWORD_SHORT]: 'accountReasonPasswordShort',
  [ACCOUNT_REASONS.PASSWORD_WRONG]: 'accountReasonPasswordWrong',
  [ACCOUNT_REASONS.ROLE_UNKNOWN]: 'accountReasonRole',
  [ACCOUNT_REASONS.DISPLAY_NAME_REQUIRED]: 'accountReasonNameRequired',
  [ACCOUNT_REASONS.DISPLAY_NAME_LONG]: 'accountReasonNameLong',
  [ACCOUNT_REASONS.DISPLAY_NAME_CONTROL]: 'accountReasonNameControl',
  [ACCOUNT_REASONS.COMMUNES_REQUIRED]: 'accountReasonCommunesRequired',
  [ACCOUNT_REASONS.COMMUNE_UNKNOWN]: 'accountReasonCommuneUnknown',
  [ACCOUNT_REASONS.COMMUNES_OFFICER_ONLY]: 'accountReasonCommunesOfficerOnly',
  [ACCOUNT_REASONS.FARMER_REQUIRED]: 'accountReasonFarmerRequired',
  [ACCOUNT_REASONS.FARMER_UNKNOWN]: 'accountReasonFarmerUnknown',
  [ACCOUNT_REASONS.FARMER_FARMER_ONLY]: 'accountReasonFarmerOnly',
  [ACCOUNT_REASONS.OWN_ROLE]: 'accountReasonOwnRole',
  [ACCOUNT_REASONS.OWN_ACTIVE]: 'accountReasonOwnActive',
  [ACCOUNT_REASONS.LAST_ADMIN]: 'accountReasonLastAdmin',
};

/** The refused fields an answer names, each with its words; empty when it names none. */
export function refusedFields(error: unknown): { field: string; text: string }[] {
  if (!(error instanceof HttpError) || !error.problem) return [];
  const problem = error.problem;
  const listed = Array.isArray(problem.errors) ? (problem.errors as AccountFieldError[]) : [];
  const entries: { field?: unknown; reason?: unknown; codes?: unknown }[] = listed.length ? listed : [problem];
  return entries.flatMap((entry) => {
    // Own keys only: a reason named 'constructor' is no reason of ours.
    const key =
      typeof entry.reason === 'string' && Object.hasOwn(REASON_WORDS, entry.reason)
        ? REASON_WORDS[entry.reason as AccountReason]
        : undefined;
    if (!key || typeof entry.field !== 'string') return [];
    const codes = Array.isArray(entry.codes) ? entry.codes.join(', ') : '';
    const n = entry.reason === ACCOUNT_REASONS.DISPLAY_NAME_LONG ? MAX_DISPLAY_NAME : MIN_PASSWORD_LENGTH;
    return [{ field: entry.field, text: t(key, { n, codes }) }];
  });
}
