// The features API's refusal of a field of the plot form, said under that field in the officer's
// language: the planting date's rules (plot-dates.ts), a farmer ID that names no farmer or another
// commune's, a crop not in the list, an expected harvest before the planting, a value of the wrong
// kind. The form opens again with what was typed (editor.ts), instead of a toast in the server's
// English ("farmer_id: no farmers record 99999999.") and a closed form.
import { HttpError } from '../api/http.ts';
import { t } from '../i18n/i18n.ts';
import type { MessageKey } from '../i18n/vi.ts';
import { date } from '../ui/feature-format.ts';
import { plantingRefusalOf, plantingRefusalText } from './plot-dates.ts';

/** The plot form's fields the server may name. */
export type PlotField = 'farmer_id' | 'crop' | 'variety' | 'planting_date' | 'expected_harvest';

/** A refused field and the sentence said under it. */
export type PlotFieldRefusal = { field: PlotField; text: () => string };

const FIELDS: readonly string[] = ['farmer_id', 'crop', 'variety', 'planting_date', 'expected_harvest'];

// The label of each field, for the general sentences.
const LABELS: Readonly<Record<PlotField, MessageKey>> = {
  farmer_id: 'farmerRecordNo',
  crop: 'crop',
  variety: 'variety',
  planting_date: 'plantingDate',
  expected_harvest: 'expectedHarvest',
};

/** The expected harvest before the planting date, as the form says it ('' when both are not given or in order). */
export function harvestBeforePlanting(planting: string, harvest: string): PlotFieldRefusal | undefined {
  if (!planting || !harvest || harvest >= planting) return undefined;
  return { field: 'expected_harvest', text: () => t('harvestBeforePlanting', { planting: date(planting) }) };
}

/**
 * The first field of the plot form a 422 of the features API names (its `reasons`, each with
 * `property` and `code`), with its words; undefined when it names none (an overlap, the commune: a toast says those).
 * `sent` is what the form sent, for the farmer ID and crop the sentence names.
 */
export function plotFieldRefusalOf(error: unknown, sent: Record<string, unknown>): PlotFieldRefusal | undefined {
  const planting = plantingRefusalOf(error);
  if (planting) return { field: 'planting_date', text: () => plantingRefusalText(planting) };
  if (!(error instanceof HttpError) || error.status !== 422) return undefined;
  const reasons: unknown = error.problem?.reasons;
  if (!Array.isArray(reasons)) return undefined;
  for (const r of reasons as Record<string, unknown>[]) {
    const field = typeof r.property === 'string' && FIELDS.includes(r.property) ? (r.property as PlotField) : undefined;
    if (!field) continue;
    const value = String(sent[field] ?? '');
    // The codes of server/ogc/validation.ts (DB_REASON) and feature-input.ts (ATTRIBUTE_REASON).
    if (field === 'farmer_id' && r.code === 'UNKNOWN_REFERENCE') return { field, text: () => t('plotFarmerUnknown', { id: value }) };
    if (field === 'farmer_id' && r.code === 'REFERENCE_OUT_OF_SCOPE')
      return { field, text: () => t('plotFarmerOutOfScope', { id: value }) };
    if (field === 'crop' && r.code === 'UNKNOWN_REFERENCE') return { field, text: () => t('plotCropUnknown', { value }) };
    if (field === 'expected_harvest' && typeof sent.planting_date === 'string' && value && value < sent.planting_date) {
      return harvestBeforePlanting(sent.planting_date, value);
    }
    // A value of the wrong kind or a missing one; a refusal with its own words (a crop a growing
    // area does not grow: PLOT_CROP_MISMATCH) keeps them, in the toast that names the area.
    if (r.code === 'INVALID_PROPERTY' || r.code === 'MISSING_PROPERTY')
      return { field, text: () => t('fieldInvalid', { field: t(LABELS[field]) }) };
  }
  return undefined;
}
