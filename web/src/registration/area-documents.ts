// The documents of a growing area in the officer's card: the printable profile, its CSV and
// GeoJSON, and the EUDR / GACC geolocation file (server/registry/exports.service.ts). The registry
// answers them to staff of the area's commune only, the same check as the card's own read, so the
// card offers them once that read has succeeded. Files are fetched and saved from the page rather
// than linked: a refusal (an EUDR file that would not pass) then becomes a sentence in a toast
// instead of a JSON file saved under the document's name.
import { EUDR_POINT_MAX_HA, EUDR_REASONS } from '../../../server/domain/eudr.ts';
import { WITHDRAWN_STATUSES } from '../../../server/domain/growing-area-lifecycle.ts';
import { request } from '../api/http.ts';
import { lang, t } from '../i18n/i18n.ts';
import type { MessageKey } from '../i18n/vi.ts';
import { h } from '../ui/dom.ts';
import { toast } from '../ui/toast.ts';
import { refusalDetail, statusLabel } from './lifecycle-refusal.ts';

/** The files a card offers to save (the printable profile opens in a tab instead). */
export type DocumentKind = 'csv' | 'geojson' | 'eudr';

/** How the EUDR file draws plots: one point for plots up to 4 ha, or every plot as its polygon. */
export type EudrShape = 'points' | 'polygons';

/** What the card knows of the area to name its files, and its status (a suspended or revoked code is said to be out of force). */
export type DocumentArea = { id: number; code: string | null; version_no?: number; status?: string };

/** The registry's URL of a document of area `id` (`shape` only matters for the EUDR file). */
export function documentUrl(id: number, kind: DocumentKind | 'html', shape: EudrShape = 'polygons'): string {
  if (kind === 'eudr') return `/api/growing-areas/${id}/eudr.geojson?points=${shape === 'points'}`;
  return `/api/growing-areas/${id}/profile.${kind}`;
}

/**
 * The name a saved file gets: the area's code when it has one (what the officer files it under),
 * else its number; later versions say which; the EUDR file says how it draws plots.
 */
export function documentFileName(area: DocumentArea, kind: DocumentKind, shape: EudrShape = 'polygons'): string {
  // Codes are letters, digits and hyphens (checkCode), but an old record may hold anything: keep the name portable.
  const code = area.code?.trim().replace(/[^A-Za-z0-9._-]+/g, '-');
  const stem = (code || `growing-area-${area.id}`) + ((area.version_no ?? 1) > 1 ? `-v${area.version_no}` : '');
  if (kind === 'eudr') return `${stem}-eudr-${shape}.geojson`;
  return `${stem}.${kind}`;
}

/** One plot the EUDR check refused, as the registry's 422 lists them (`problems`). */
export type EudrProblem = { plotId: string | null; reason: string; message: string };

const EUDR_REASON_KEYS = new Set<string>(Object.values(EUDR_REASONS));

/**
 * Why the registry would not build the EUDR file, in the officer's language: an area without
 * plots, else each broken rule with the plots it concerns ("thửa 12, 15: …"); a reason this
 * client does not know is given in the server's words.
 */
export function eudrProblemsText(problems: readonly EudrProblem[]): string {
  if (problems.some((p) => p.reason === EUDR_REASONS.EMPTY)) return t('documentsEudrEmpty');
  const byReason = new Map<string, { plots: string[]; messages: string[] }>();
  for (const problem of problems) {
    const entry = byReason.get(problem.reason) ?? { plots: [], messages: [] };
    if (problem.plotId !== null && !entry.plots.includes(problem.plotId)) entry.plots.push(problem.plotId);
    entry.messages.push(problem.message);
    byReason.set(problem.reason, entry);
  }
  const parts = [...byReason].map(([reason, { plots, messages }]) => {
    if (!EUDR_REASON_KEYS.has(reason)) return messages.join(' ');
    const rule = t(`documentsEudrReason_${reason}` as MessageKey, { ha: EUDR_POINT_MAX_HA });
    return plots.length ? `${t('documentsEudrPlots', { plots: plots.join(', ') })}: ${rule}` : rule;
  });
  return parts.join('; ');
}

/** The refusal of a document in words: the EUDR check's plots by rule, else the registry's reason as the card words it. */
export function documentRefusalText(kind: DocumentKind, error: unknown): string {
  const problem = (error as { problem?: Record<string, unknown> } | undefined)?.problem;
  const problems = Array.isArray(problem?.problems) ? (problem.problems as EudrProblem[]) : undefined;
  const detail = kind === 'eudr' && problems?.length ? eudrProblemsText(problems) : refusalDetail(error);
  return t('documentsFailed', { document: t(`documentsName_${kind}`), detail });
}

/** Fetches a document with the session and hands it to the browser's downloads under `name`. */
export async function saveDocument(url: string, name: string): Promise<void> {
  const blob = await (await request(url, { headers: { Accept: '*/*' } })).blob();
  const href = URL.createObjectURL(blob);
  const link = h('a', { href, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  // The download has taken its copy once the click is handled; the next task may let the blob go.
  setTimeout(() => URL.revokeObjectURL(href), 0);
}

/**
 * The "Hồ sơ / Documents" section of a growing area's card: print the profile, save the CSV and
 * GeoJSON, save the EUDR file drawn as points or polygons. It keeps the EUDR choice and which file
 * is being fetched across the card's re-renders.
 */
export class AreaDocuments {
  private shape: EudrShape = 'polygons';
  private busy: DocumentKind | undefined;
  private area: DocumentArea | undefined;
  private element: HTMLElement | undefined;

  /** The section for this area, drawn afresh (the card redraws on every change and language switch). */
  render(area: DocumentArea): HTMLElement {
    this.area = area;
    // A suspended or revoked area's EUDR file is still served (the plots' places stand, and an exporter
    // may need them for due diligence), but the button says beside it that the code is not in force.
    const withdrawn = (WITHDRAWN_STATUSES as readonly (string | undefined)[]).includes(area.status);
    const file = (kind: DocumentKind, label: string, describedBy?: string) =>
      h(
        'button',
        {
          type: 'button',
          class: 'btn',
          id: `documents-${kind}`,
          disabled: this.busy !== undefined,
          'aria-busy': this.busy === kind ? 'true' : undefined,
          'aria-describedby': describedBy,
          onclick: () => void this.save(kind),
        },
        this.busy === kind ? t('documentsSaving') : label,
      );
    const choice = (shape: EudrShape) => {
      const input = h('input', { type: 'radio', name: 'documents-eudr-shape', value: shape, id: `documents-eudr-${shape}` });
      input.checked = this.shape === shape;
      input.addEventListener('change', () => {
        if (input.checked) this.shape = shape;
      });
      return h('label', { class: 'documents-choice' }, input, t(`documentsEudr_${shape}`, { ha: EUDR_POINT_MAX_HA }));
    };
    const section = h(
      'section',
      { class: 'documents', id: 'documents', 'aria-labelledby': 'documents-title' },
      h('h5', { id: 'documents-title' }, t('documentsTitle')),
      h(
        'div',
        { class: 'documents-files' },
        h(
          'a',
          {
            class: 'btn',
            id: 'documents-html',
            // The page writes numbers the card's way (1,71 ha or 1.71 ha) and puts the card's language first.
            href: `${documentUrl(area.id, 'html')}?lang=${lang()}`,
            target: '_blank',
            rel: 'noopener',
            title: t('documentsPrintHint'),
          },
          t('documentsPrint'),
        ),
        file('csv', 'CSV'),
        file('geojson', 'GeoJSON'),
      ),
      h(
        'fieldset',
        { class: 'documents-eudr' },
        h('legend', {}, t('documentsEudrTitle')),
        choice('points'),
        choice('polygons'),
        h('p', { class: 'hint', id: 'documents-eudr-hint' }, t('documentsEudrHint', { ha: EUDR_POINT_MAX_HA })),
        file('eudr', t('documentsEudrSave'), withdrawn ? 'documents-eudr-not-in-force' : undefined),
        withdrawn
          ? h(
              'p',
              { class: 'force-mark', id: 'documents-eudr-not-in-force' },
              t('documentsEudrNotInForce', { code: area.code ?? '–', status: statusLabel(area.status) }),
            )
          : null,
      ),
    );
    this.element = section;
    return section;
  }

  private async save(kind: DocumentKind): Promise<void> {
    const area = this.area;
    if (!area || this.busy) return;
    const shape = this.shape;
    this.busy = kind;
    this.redraw(area);
    try {
      await saveDocument(documentUrl(area.id, kind, shape), documentFileName(area, kind, shape));
      toast(() => t('documentsSaved', { name: documentFileName(area, kind, shape) }));
    } catch (error) {
      toast(() => documentRefusalText(kind, error), 'error');
    } finally {
      this.busy = undefined;
      this.redraw(area);
    }
  }

  /** Redraws in place: the section may have been replaced by a card re-render meanwhile (then the new one is current). */
  private redraw(area: DocumentArea): void {
    const old = this.element;
    if (old?.isConnected) old.replaceWith(this.render(area));
  }
}
