// Which field of a registry form the server refused, and why, in the officer's language: the 422s
// that name a `field` (a decision number that is not one, a name without a letter or with an emoji, a
// published reason holding a citizen ID or a phone number) and Fastify's
// 400 schema answers, whose message names the body's path ("body/note must NOT have more than 2000
// characters"). A form shows the words under that field instead of "yêu cầu không hợp lệ".
import { TEXT_REASONS, DECISION_NO_EXAMPLE } from '../../../server/domain/registry-text.ts';
import { PUBLIC_NOTE_REASONS } from '../../../server/domain/public-note.ts';
import { HttpError } from '../api/http.ts';
import { t } from '../i18n/i18n.ts';

/** What the server's answer says about one field of the request body. */
export type FieldRefusalFacts =
  | { field: string; kind: 'too-long'; max: number }
  | { field: string; kind: 'required' }
  | { field: string; kind: 'no-letter' }
  | { field: string; kind: 'pictograph' }
  | { field: string; kind: 'citizen-id' }
  | { field: string; kind: 'phone' }
  | { field: string; kind: 'decision-shape'; example: string }
  | { field: string; kind: 'invalid' };

// Ajv's messages as Fastify answers them, first error only (Fastify stops at the first).
const SCHEMA_PATH = /^body\/([A-Za-z]+)(?:\/\S*)?\s+(.*)$/;

/** The field and the limit a Fastify schema message names; undefined for one about no body field. */
export function schemaFieldFacts(message: string): FieldRefusalFacts | undefined {
  const m = SCHEMA_PATH.exec(message.trim());
  if (!m) {
    const missing = /^body must have required property '([A-Za-z]+)'/.exec(message.trim());
    return missing ? { field: missing[1]!, kind: 'required' } : undefined;
  }
  const [, field, rest] = m as unknown as [string, string, string];
  const longer = /must NOT have more than (\d+) characters/.exec(rest);
  if (longer) return { field, kind: 'too-long', max: Number(longer[1]) };
  if (/must NOT have fewer than 1 characters/.test(rest)) return { field, kind: 'required' };
  return { field, kind: 'invalid' };
}

/** The field the server refused and why, from a 400 schema answer or a 422 naming a field; undefined otherwise. */
export function fieldRefusalFacts(error: unknown): FieldRefusalFacts | undefined {
  if (!(error instanceof HttpError)) return undefined;
  const problem = error.problem ?? {};
  const field = typeof problem.field === 'string' ? problem.field : undefined;
  if (error.status === 422 && field && problem.reason === TEXT_REASONS.NAME_NO_LETTER) return { field, kind: 'no-letter' };
  if (error.status === 422 && field && problem.reason === TEXT_REASONS.NAME_PICTOGRAPH) return { field, kind: 'pictograph' };
  if (error.status === 422 && field && problem.reason === PUBLIC_NOTE_REASONS.CITIZEN_ID) return { field, kind: 'citizen-id' };
  if (error.status === 422 && field && problem.reason === PUBLIC_NOTE_REASONS.PHONE) return { field, kind: 'phone' };
  if (error.status === 422 && field && problem.reason === TEXT_REASONS.DECISION_NO_SHAPE) {
    return { field, kind: 'decision-shape', example: typeof problem.example === 'string' ? problem.example : DECISION_NO_EXAMPLE };
  }
  if (error.status === 400 && problem.code === 'BAD_REQUEST' && typeof problem.detail === 'string') return schemaFieldFacts(problem.detail);
  return undefined;
}

/** The sentence for a refused field, `label` being the field's name as the form shows it. */
export function fieldRefusalText(facts: FieldRefusalFacts, label: string): string {
  switch (facts.kind) {
    case 'too-long':
      return t('fieldTooLong', { field: label, max: facts.max });
    case 'required':
      return t('fieldRequired', { field: label });
    case 'no-letter':
      return t('fieldNoLetter', { field: label });
    case 'pictograph':
      return t('fieldPictograph', { field: label });
    case 'citizen-id':
      return t('fieldCitizenId', { field: label });
    case 'phone':
      return t('fieldPhone', { field: label });
    case 'decision-shape':
      return t('fieldDecisionShape', { field: label, example: facts.example });
    default:
      return t('fieldInvalid', { field: label });
  }
}
