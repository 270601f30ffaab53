// The server's refusal of a dossier submitted incomplete (422 dossier-incomplete: member plots
// without a farmer, profile fields the dossier needs left empty) in the officer's words, each plot
// named as the card lists it, with the commune of its survey ("Tờ 8 thửa 63, Xã Tân Thuận Tây cũ
// (#692)"), and each field by its label on the draft's form.
// Shared by the lifecycle card's "Gửi hồ sơ" and the assemble panel's submit.
import { REGISTRY_REASON, type DossierField } from '../../../server/contracts/registry-codes.ts';
import { HttpError } from '../api/http.ts';
import { t } from '../i18n/i18n.ts';
import type { MessageKey } from '../i18n/vi.ts';
import { parcelName } from '../ui/parcel-name.ts';

/** The label of each dossier field on the draft's profile form. */
const FIELD_LABELS: Readonly<Record<DossierField, MessageKey>> = {
  households: 'draftField_households',
  technicalOfficer: 'draftField_technical_officer',
  expectedYieldTonnes: 'draftField_expected_yield_tonnes',
};

type PlotFacts = { id?: unknown; sheet?: unknown; parcel?: unknown; commune?: unknown; communeName?: unknown; communeFormer?: unknown };

const text = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

/** A plot as the card's list names it: its main parcel with the commune of its survey, the id beside it; the id alone when it covers no parcel. */
function plotWords(plot: PlotFacts): string {
  const id = `#${String(plot.id)}`;
  if (plot.sheet === null || plot.sheet === undefined) return id;
  const parcel = parcelName({
    sheet: Number(plot.sheet),
    parcel: Number(plot.parcel),
    commune: text(plot.commune),
    communeName: text(plot.communeName),
    communeFormer: plot.communeFormer === true,
  });
  return `${parcel} (${id})`;
}

/** The words of a dossier-incomplete refusal, or undefined when `error` is another. */
export function dossierIncompleteWords(error: unknown): string | undefined {
  const problem = error instanceof HttpError ? error.problem : undefined;
  if (problem?.reason !== REGISTRY_REASON.DOSSIER_INCOMPLETE) return undefined;
  const plots = Array.isArray(problem.plotsWithoutFarmer) ? (problem.plotsWithoutFarmer as PlotFacts[]) : [];
  const fields = (Array.isArray(problem.missingFields) ? problem.missingFields : []).filter(
    (f): f is DossierField => typeof f === 'string' && f in FIELD_LABELS,
  );
  const parts = [
    ...(plots.length ? [t('dossierPlotsWithoutFarmer', { n: plots.length, plots: plots.map(plotWords).join(', ') })] : []),
    ...(fields.length ? [t('dossierEmptyFields', { fields: fields.map((f) => t(FIELD_LABELS[f])).join(', ') })] : []),
  ];
  return t('dossierIncomplete', { parts: parts.join('; ') });
}
