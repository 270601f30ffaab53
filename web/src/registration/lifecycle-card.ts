import type { ReissueBody, TransitionBody } from '../../../server/contracts/registry.ts';
import {
  CHECKLIST_ITEMS,
  checklistItemLabel,
  isGrowingAreaStatus,
  NOT_IN_FORCE_LABEL,
  STATUS_DECISION_LABELS,
  statusDecisionText,
  WITHDRAWN_STATUSES,
  type GrowingAreaScheme,
  type GrowingAreaStatus,
} from '../../../server/domain/growing-area-lifecycle.ts';
import type { CropRule } from '../../../server/domain/growing-area-rules.ts';
import { getJson, HttpError, sendJson } from '../api/http.ts';
import type { TileViewer } from '../map/viewer-tiles.ts';
import { formatNumber, lang, t } from '../i18n/i18n.ts';
import type { MessageKey } from '../i18n/vi.ts';
import { askBeforeActing } from '../ui/confirm-dialog.ts';
import { clear, h } from '../ui/dom.ts';
import { date, dateTime } from '../ui/feature-format.ts';
import { fieldLabel, formButtons, inputValues } from '../ui/form-parts.ts';
import { toast } from '../ui/toast.ts';
import { vietnamToday } from '../../../server/domain/vietnam-time.ts';
import type { DecisionDateBounds } from '../../../server/domain/decision-date.ts';
import { AreaDocuments } from './area-documents.ts';
import { DecisionAttachments, fileSize } from './decision-attachments.ts';
import { isEditableDraft } from './draft-edit.ts';
import { DraftSection, type DraftPlot, type PlotPicker } from './draft-section.ts';
import {
  INSPECTION_RECORDED,
  inspectionsSection,
  openInspectionForm,
  type InspectionRecord,
  type InspectionsSection,
} from './inspections.ts';
import {
  fieldProblemText,
  refusalDetail,
  reissueRefusalText,
  schemeLabel,
  serverFieldProblem,
  statusLabel,
  transitionRefusalText,
  type RefusalContext,
} from './lifecycle-refusal.ts';
import {
  checkReissueInput,
  checkStepInput,
  inspectionOfRound,
  localToday,
  REISSUE_FIELDS,
  REISSUE_MAX_LENGTH,
  STEP_MAX_LENGTH,
  stepOf,
  verbOf,
  type FieldProblem,
  type RecordedInspection,
  type ReissueField,
  type Step,
  type StepField,
} from './lifecycle-steps.ts';
import { readKept } from './registry-reads.ts';

/** The growing area as GET /api/growing-areas/:id answers it (the fields the card reads). */
export type LifecycleArea = {
  id: number;
  name: string | null;
  code: string | null;
  status: GrowingAreaStatus;
  scheme: GrowingAreaScheme;
  crop: string;
  crop_name_vi: string | null;
  crop_name_en: string | null;
  crop_type: CropRule['crop_type'];
  min_area_m2: number | null;
  area_m2: number | null;
  plot_count: number;
  version_no: number;
  /** The decision that issued (or approved) the code, and its day: a later suspension does not replace them. */
  decision_no?: string | null;
  issued_on?: string | null;
  /** While suspended or revoked: the decision that did it, its day (YYYY-MM-DD) and the reason given. */
  status_decision_no?: string | null;
  status_decided_on?: string | null;
  status_reason?: string | null;
  allowed: GrowingAreaStatus[];
  /** Whether the registry re-issues an area in this status (REISSUABLE_STATUSES). */
  canReissue: boolean;
  /** Its plots (a draft's card lists them, each with its removal). */
  plots?: DraftPlot[];
};

/** One recorded move of the lineage as GET /api/growing-areas/:id/history answers it (the fields the card reads). */
export type LifecycleStepRecord = {
  id: number;
  growing_area_id: number;
  version_no: number;
  from_status: GrowingAreaStatus;
  to_status: GrowingAreaStatus;
  actor_name: string | null;
  at: string;
  /** The day the decision was signed (YYYY-MM-DD); for a move that is no decision, the day it was recorded. */
  decided_on?: string | null;
  decision_no: string | null;
  note: string | null;
  /** The decision's scans uploaded and attached to the move (older servers send none). */
  documents?: { id: number; name: string; type: string; bytes: number; ref: string }[];
};

/** What the card tells its host after a step went through. */
export type LifecycleEvents = {
  /** The area moved: the host updates what it shows of the feature. */
  onChanged(area: LifecycleArea): void;
  /** The tiles draw the status: ask for fresh ones. */
  refreshTiles(): Promise<void>;
  /** Who the page says is signed in: the key of the reads the service worker keeps for the field (registry-reads.ts). */
  viewer(): TileViewer;
  /** Sends taps on the map's plots to the card while a draft's plots are being added (the map outlines those picked). */
  pickPlots?(onPick: (id: number, tile: Record<string, unknown>) => boolean): PlotPicker;
};

/** What the map's tile says of the area (its status and code), shown when the registry cannot be reached and nothing was kept. */
export type TileFacts = { status?: unknown; code?: unknown };

/** The open form of one step: its inputs live across re-renders (a language switch keeps what was typed). */
type OpenStep = {
  step: Step;
  inputs: Map<StepField, HTMLInputElement>;
  problems: FieldProblem[];
  proposed?: string;
  previous?: string | null;
  /** The decision's scans, for a step that is a decision. */
  attachments?: DecisionAttachments;
};

/** The open re-issue form: what was typed, and what to fix. */
type OpenReissue = { inputs: Map<ReissueField, HTMLInputElement>; problems: FieldProblem[]; attachments: DecisionAttachments };

/**
 * The officer's own note of a step. A re-issue's step is worded by the card in the reader's language
 * (lifecycleHistoryReissued); servers before that wrote an English sentence in front of the note.
 */
function noteOf(step: LifecycleStepRecord): string | null {
  if (!step.note) return null;
  if (step.to_status !== 'superseded') return step.note;
  return step.note.replace(/^Re-issued as version \d+ \(growing area \d+\)\.\s*/, '') || null;
}

/**
 * The officer's card of a growing area on the map: status, code, crop, scheme, area and plots from
 * the registry, and one button per next status the server allows this viewer. A step that needs a
 * decision number, a code, a reason or an inspection date opens a small form; a failed inspection
 * and a revocation are confirmed with the focus on Cancel. The server's refusals are shown in words
 * and the card then shows the area as the server has it. Below the steps: the area's documents
 * (area-documents.ts) and, where the registry allows it, the re-issue of its code as a new version,
 * which the card then follows (its `areaId` stays the one it was opened for, the host's key).
 * Every text is worded at render() from the card's state, and the host renders it again on a
 * language switch (the details panel does, on every switch): the open form keeps its input
 * elements, so what was typed survives, and a refusal shown is worded again from its facts.
 */
export class LifecycleCard {
  readonly element = h('section', { class: 'lifecycle', id: 'lifecycle' });
  private area: LifecycleArea | undefined;
  /** The lineage's recorded moves, oldest first; undefined while loading or when they could not be read. */
  private steps: LifecycleStepRecord[] | undefined;
  private historyOpen = false;
  /** Why the area could not be read (worded when drawn, so a language switch words it again). */
  private loadError: { error: unknown } | undefined;
  private open: OpenStep | undefined;
  private reissuing: OpenReissue | undefined;
  /** The refusal under the form or buttons, worded in the language shown when drawn. */
  private message: (() => string) | undefined;
  private busy = false;
  /** The version shown: the one clicked, then the new one after a re-issue. */
  private shownId: number;
  private readonly documents = new AreaDocuments();
  /** The concluded inspection of this round, which a pass/fail step rests on instead of recording another. */
  private recorded: RecordedInspection | undefined;
  /** A step or re-issue went through: once drawn, the keyboard is put on the new status. */
  private focusAfterMove = false;
  /** The pass/fail the officer chose before an inspection it can rest on was on record: taken up once one is. */
  private awaiting: GrowingAreaStatus | undefined;
  /** When the service worker saved the area shown, if that copy is what came (no network); undefined when read afresh. */
  private savedAt: string | undefined;
  /** The session ended under an open form: only the forms are drawn (hold), the inspection form among them when it is open. */
  private held: { inspections: InspectionsSection | undefined } | undefined;
  /** A draft's plots and profile (draft-section.ts), drawn while the area is a draft. */
  private readonly draft: DraftSection;

  constructor(
    readonly areaId: number,
    private readonly events: LifecycleEvents,
    private readonly tile: TileFacts = {},
  ) {
    this.shownId = areaId;
    this.draft = new DraftSection({
      ...(events.pickPlots ? { pickPlots: (onPick) => events.pickPlots!(onPick) } : {}),
      changed: async () => {
        await this.reload();
        void this.events.refreshTiles().catch(() => undefined);
      },
    });
    // Back online, a card showing a saved copy or only the tile's facts reads the registry again.
    const online = () => {
      if (!this.element.isConnected) window.removeEventListener('online', online);
      else void this.readAgain();
    };
    window.addEventListener('online', online);
    // An inspection recorded below (inspections.ts) may be the one the pass/fail steps rest on.
    this.element.addEventListener(INSPECTION_RECORDED, () => {
      // Recorded: the server answered, so a card drawn from no network can read the registry now.
      if (this.stale()) return void this.readAgain();
      void this.inspections().then((list) => {
        this.recorded = this.roundInspection(list);
        if (!this.takeUpAwaited()) this.render();
      });
    });
    this.render();
    void this.load();
  }

  /** Whether a form of the card is open (a step's, the re-issue's, or the inspection's below), with what was typed. */
  hasOpenForm(): boolean {
    return (
      this.open !== undefined || this.reissuing !== undefined || this.draft.hasOpenForm() || openInspectionForm(this.shownId) !== undefined
    );
  }

  /**
   * The session ended under the card (`held`): it draws only its open forms, as typed, and the last
   * refusal, nothing of the area read for the officer (its record, history, documents, inspections),
   * while the page shows a guest. Not held (the same officer signed in again): the area is read again
   * for them and drawn whole, the forms as they were.
   */
  hold(held: boolean): void {
    if (held) {
      const inspections = openInspectionForm(this.shownId);
      inspections?.hold(true);
      this.held = { inspections };
      this.render();
      return;
    }
    this.held?.inspections?.hold(false);
    this.held = undefined;
    void this.load();
  }

  private async load(): Promise<void> {
    // Held, nothing is read: the page shows a guest, and the officer's forms wait for them.
    if (this.held) return;
    // The history is the registry's other read of the same area: without it the card still works.
    const viewer = this.events.viewer();
    const history = readKept<{ transitions: LifecycleStepRecord[] }>(`/api/growing-areas/${this.shownId}/history`, viewer).then(
      (answer) => answer.body.transitions,
      () => undefined,
    );
    const inspections = this.inspections();
    try {
      const read = await readKept<LifecycleArea>(`/api/growing-areas/${this.shownId}`, viewer);
      this.area = read.body;
      this.savedAt = read.savedAt;
      this.loadError = undefined;
    } catch (error) {
      this.loadError = { error };
    }
    this.steps = await history;
    this.recorded = this.roundInspection(await inspections);
    this.render();
  }

  /** Whether the card shows what came without the network: a saved copy, or only the tile's facts. */
  private stale(): boolean {
    return this.savedAt !== undefined || this.offline();
  }

  /**
   * Reads the registry again for a card drawn without the network, when the signal is back. The
   * browser says "online" as the link comes up, a moment before requests go through: a few tries.
   */
  private async readAgain(): Promise<void> {
    for (let attempt = 0; attempt < 4 && this.stale() && this.element.isConnected; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 2000));
      if (navigator.onLine) await this.load();
    }
  }

  /** The area's inspections, for the pass/fail steps; none when they cannot be read (the step then records one). */
  private inspections(): Promise<InspectionRecord[]> {
    return readKept<{ inspections: InspectionRecord[] }>(`/api/growing-areas/${this.shownId}/inspections`, this.events.viewer()).then(
      (answer) => answer.body.inspections,
      () => [],
    );
  }

  /** The inspection of the current round (since the area last went under inspection, on Vietnam's calendar). */
  private roundInspection(inspections: InspectionRecord[]): RecordedInspection | undefined {
    const entered = this.steps?.filter((s) => s.growing_area_id === this.shownId && s.to_status === 'under_inspection').at(-1);
    return inspectionOfRound(inspections, entered ? vietnamDay(entered.at) : undefined);
  }

  render(): void {
    // A redraw moves the open form's inputs (kept across renders) into a new form: the keyboard stays
    // on the one it was on (the approval's code arriving redrew the form under the officer, audit s16).
    const focused = document.activeElement;
    this.draw();
    if (focused instanceof HTMLElement && focused !== document.activeElement && this.element.contains(focused)) focused.focus();
  }

  private draw(): void {
    clear(this.element);
    this.element.setAttribute('data-area-id', String(this.shownId));
    this.element.append(h('h4', {}, t('lifecycleTitle')));
    const area = this.area;
    if (this.held) {
      if (area && this.open) this.element.append(this.form(area, this.open));
      else if (area && this.reissuing) this.element.append(this.reissueForm(area, this.reissuing));
      if (this.message) this.element.append(this.messageLine(this.message));
      if (this.held.inspections) this.element.append(this.held.inspections.element);
      return;
    }
    if (!area && this.offline()) {
      this.drawTileFacts();
      return;
    }
    if (!area) {
      this.element.append(
        h(
          'p',
          { class: this.loadError ? 'form-error' : 'hint' },
          this.loadError ? t('lifecycleLoadFailed', { detail: refusalDetail(this.loadError.error) }) : t('lifecycleLoading'),
        ),
      );
      return;
    }
    this.element.setAttribute('data-status', area.status);
    if (this.savedAt) {
      this.element.append(
        h('p', { class: 'hint lifecycle-saved', id: 'lifecycle-saved' }, t('lifecycleSavedCopy', { time: dateTime(this.savedAt) })),
      );
    }
    const crop = (lang() === 'vi' ? area.crop_name_vi : area.crop_name_en) ?? area.crop;
    const withdrawn = WITHDRAWN_STATUSES.includes(area.status);
    const rows: [string, Node | string][] = [
      [
        t('status'),
        h(
          'span',
          {},
          h(
            'span',
            // Focusable by script: after a step the keyboard lands here, on what the step changed (tabindex -1: no Tab stop).
            { id: 'lifecycle-status', class: `status-badge status-${area.status}`, 'data-status': area.status, tabindex: -1 },
            statusLabel(area.status),
          ),
          // Suspended or revoked: say outright that the code is not in force (a buyer reads the badge alone otherwise).
          withdrawn ? h('span', { class: 'force-mark', id: 'lifecycle-not-in-force' }, ` — ${NOT_IN_FORCE_LABEL[lang()]}`) : null,
        ),
      ],
      [
        t('code'),
        area.code
          ? h('code', { id: 'lifecycle-code', class: 'code-whole' }, area.code)
          : h('span', { class: 'hint' }, t('lifecycleNoCode')),
      ],
      [t('crop'), crop],
      [t('scheme'), schemeLabel(area.scheme)],
      [t('area'), area.area_m2 === null ? '–' : `${formatNumber(Number(area.area_m2) / 10000, 2)} ha`],
      [t('lifecyclePlots'), h('span', { id: 'lifecycle-plots' }, String(area.plot_count))],
    ];
    // The issuing decision, and beside it the one that took the code out of force (which never replaces it).
    if (area.decision_no) {
      const issued = area.issued_on ? ` ${t('lifecycleDecisionDay', { date: date(area.issued_on) })}` : '';
      rows.push([t('lifecycleIssuingDecision'), h('span', { id: 'lifecycle-issuing-decision' }, `${area.decision_no}${issued}`)]);
    }
    if (withdrawn && area.status_decided_on && (area.status === 'suspended' || area.status === 'revoked')) {
      const decision = {
        decisionNo: area.status_decision_no ?? null,
        decidedOn: area.status_decided_on,
        reason: area.status_reason ?? null,
      };
      rows.push([
        STATUS_DECISION_LABELS[area.status][lang()],
        h('span', { id: 'lifecycle-status-decision' }, statusDecisionText(decision, lang())),
      ]);
    }
    // Most areas have one version; a re-issued one says which it is.
    if (area.version_no > 1) rows.push([t('lifecycleVersion'), h('span', { id: 'lifecycle-version' }, String(area.version_no))]);
    this.element.append(h('dl', {}, ...rows.flatMap(([label, value]) => [h('dt', {}, label), h('dd', {}, value)])));
    // A draft: its plots and profile are changed here, before its dossier is submitted.
    if (isEditableDraft(area.status)) this.element.append(this.draft.render(area));
    else this.draft.close();
    if (this.open) this.element.append(this.form(area, this.open));
    else if (this.reissuing) this.element.append(this.reissueForm(area, this.reissuing));
    else this.element.append(this.actions(area), ...(area.canReissue ? [this.reissueButton(area)] : []));
    if (this.message) this.element.append(this.messageLine(this.message));
    this.element.append(this.documents.render(area));
    if (this.steps) this.element.append(this.history(this.steps));
    this.element.append(inspectionsSection(this, area, this.events.viewer).element);
  }

  /** The refusal under the form or buttons. */
  private messageLine(message: () => string): HTMLElement {
    return h('p', { class: 'form-error', id: 'lifecycle-message', role: 'alert' }, message());
  }

  /** Whether the area could not be read for want of a network (no answer at all, and no copy kept). */
  private offline(): boolean {
    return this.loadError?.error instanceof HttpError && this.loadError.error.status === 0;
  }

  /**
   * An area never opened with signal, in the field with none: what the map's tile says (status and
   * code), that the full record needs the network, and the inspection form when the tile's status
   * takes one (the rule the full card follows), so the officer can record it now: the form is a draft
   * on the phone, sent when the signal is back, and the server judges it then (its refusal is shown
   * as it is online). No steps: which are allowed is the server's to say.
   */
  private drawTileFacts(): void {
    const status = isGrowingAreaStatus(this.tile.status) ? this.tile.status : undefined;
    const code = typeof this.tile.code === 'string' && this.tile.code ? this.tile.code : undefined;
    if (status) this.element.setAttribute('data-status', status);
    this.element.append(
      h('p', { class: 'hint lifecycle-tile-only', id: 'lifecycle-tile-only' }, t('lifecycleTileOnly')),
      h(
        'dl',
        {},
        h('dt', {}, t('status')),
        h(
          'dd',
          {},
          status
            ? h('span', { id: 'lifecycle-status', class: `status-badge status-${status}`, 'data-status': status }, statusLabel(status))
            : '–',
          status && WITHDRAWN_STATUSES.includes(status)
            ? h('span', { class: 'force-mark', id: 'lifecycle-not-in-force' }, ` — ${NOT_IN_FORCE_LABEL[lang()]}`)
            : null,
        ),
        h('dt', {}, t('code')),
        h(
          'dd',
          {},
          code ? h('code', { id: 'lifecycle-code', class: 'code-whole' }, code) : h('span', { class: 'hint' }, t('lifecycleNoCode')),
        ),
      ),
    );
    if (status) this.element.append(inspectionsSection(this, { id: this.shownId, status }, this.events.viewer).element);
  }

  /** The recorded moves, newest first, folded away until asked for (the card stays short on a phone). */
  private history(steps: readonly LifecycleStepRecord[]): HTMLElement {
    const items = [...steps].reverse().map((step) =>
      h(
        'li',
        { 'data-to': step.to_status },
        h('time', { datetime: step.at }, dateTime(step.at)),
        ' ',
        h('span', { class: 'lifecycle-history-move' }, `${statusLabel(step.from_status)} → ${statusLabel(step.to_status)}`),
        step.growing_area_id === this.shownId
          ? null
          : h('span', { class: 'hint' }, ` (${t('lifecycleHistoryVersion', { n: step.version_no })})`),
        // A space between the parts, outside them: without it innerText and a screen reader run them
        // together ('→ Activeby …'); outside, each part's own text stays what it says.
        ...[
          step.decision_no
            ? h(
                'span',
                { class: 'lifecycle-history-decision' },
                // The decision's own day, which may be days before the move was recorded (the time at the start).
                step.decided_on
                  ? t('lifecycleHistoryDecisionOn', { decisionNo: step.decision_no, date: date(step.decided_on) })
                  : t('lifecycleHistoryDecision', { decisionNo: step.decision_no }),
              )
            : null,
          step.to_status === 'superseded'
            ? h('span', { class: 'lifecycle-history-reissued' }, t('lifecycleHistoryReissued', { n: step.version_no + 1 }))
            : null,
          noteOf(step) ? h('span', { class: 'lifecycle-history-note' }, noteOf(step)) : null,
          step.documents?.length ? this.historyDocuments(step.documents) : null,
          step.actor_name ? h('span', { class: 'hint' }, t('lifecycleHistoryBy', { name: step.actor_name })) : null,
        ].flatMap((part) => (part ? [' ', part] : [])),
      ),
    );
    const details = h(
      'details',
      { class: 'lifecycle-history', id: 'lifecycle-history' },
      h('summary', {}, t('lifecycleHistoryTitle', { count: steps.length })),
      items.length ? h('ol', { reversed: true }, ...items) : h('p', { class: 'hint' }, t('lifecycleHistoryEmpty')),
    );
    details.open = this.historyOpen;
    details.addEventListener('toggle', () => (this.historyOpen = details.open));
    return details;
  }

  /** A move's decision scans, each a link opening it in a new tab (the server names the file). */
  private historyDocuments(documents: NonNullable<LifecycleStepRecord['documents']>): HTMLElement {
    return h(
      'span',
      { class: 'lifecycle-history-documents' },
      t('lifecycleHistoryDocuments'),
      ...documents.flatMap((doc) => [
        ' ',
        h(
          'a',
          { href: doc.ref, target: '_blank', rel: 'noopener', class: 'lifecycle-history-document', 'data-document-id': doc.id },
          doc.name,
        ),
        h('span', { class: 'hint' }, ` (${fileSize(doc.bytes)})`),
      ]),
    );
  }

  private actions(area: LifecycleArea): HTMLElement {
    if (area.allowed.length === 0) return h('p', { class: 'hint', id: 'lifecycle-final' }, t('lifecycleNoSteps'));
    return h(
      'div',
      { class: 'lifecycle-actions', role: 'group', 'aria-label': t('lifecycleNextSteps') },
      ...area.allowed.map((to) => {
        const step = stepOf(to, this.recorded, { from: area.status, scheme: area.scheme });
        return h(
          'button',
          {
            type: 'button',
            class: `btn${step.destructive ? ' btn-danger' : ''}`,
            'data-to': to,
            id: `lifecycle-to-${to}`,
            disabled: this.busy,
            title: statusLabel(to),
            onclick: () => this.choose(area, step),
          },
          t(`lifecycleVerb_${verbOf(area.status, to)}` as MessageKey),
        );
      }),
    );
  }

  /**
   * The pass/fail chosen before its inspection was recorded, now that one is: its form opens resting
   * on it (answers whether it did); still too thin, the card says what it lacks.
   */
  private takeUpAwaited(): boolean {
    const area = this.area;
    const to = this.awaiting;
    if (!area || !to || this.open || this.reissuing || !area.allowed.includes(to)) return false;
    const step = stepOf(to, this.recorded, { from: area.status, scheme: area.scheme });
    if (step.basedOn) {
      this.awaiting = undefined;
      this.choose(area, step);
      return true;
    }
    if (step.thin) this.message = () => this.inspectionFirstText(step);
    return false;
  }

  /** Why a pass/fail waits for an inspection record, and what the one on record lacks. */
  private inspectionFirstText(step: Step): string {
    const conclusion = t(`lifecycleConclusion_${step.inspection ?? 'pass'}` as MessageKey);
    const first = t('lifecycleInspectionFirst', { conclusion, n: CHECKLIST_ITEMS.length });
    const thin = step.thin?.shortfall;
    if (!step.thin || !thin) return first;
    const items = thin.unanswered.map((item) => checklistItemLabel(item, lang()));
    const what = [
      ...(items.length ? [t('lifecycleInspectionUnanswered', { n: items.length, items: items.join('; ') })] : []),
      ...(thin.noEvidence ? [t('lifecycleInspectionNoEvidence')] : []),
    ].join('; ');
    return `${t('lifecycleInspectionThin', { date: dayText(step.thin.inspectedOn), what })} ${first}`;
  }

  private choose(area: LifecycleArea, step: Step): void {
    this.message = undefined;
    this.awaiting = undefined;
    // No inspection of this round to rest on: it is recorded first, with its checklist and photos, in
    // the inspection form below; the step opens by itself once it is saved (takeUpAwaited).
    if (step.inspection) {
      this.awaiting = step.to;
      this.message = () => this.inspectionFirstText(step);
      this.render();
      void inspectionsSection(this, area, this.events.viewer).start(step.inspection);
      return;
    }
    // A pass/fail resting on an inspection already recorded opens its form anyway, to say which one.
    if (step.fields.length === 0 && !step.basedOn) {
      // Nothing to ask: a step that cannot be taken back (or puts the code into operation) is asked twice, the rest goes.
      if (step.confirm) this.confirmStep(area, step, { to: step.to });
      else void this.run(area, step, { to: step.to });
      return;
    }
    const inputs = new Map<StepField, HTMLInputElement>();
    for (const field of step.fields) {
      const input = h('input', { name: field, id: `lifecycle-${field}`, autocomplete: 'off' });
      // The server's limit: the browser stops the typing there instead of the server refusing the step.
      const max = STEP_MAX_LENGTH[field];
      if (max) input.maxLength = max;
      if (field === 'inspectedOn') {
        input.type = 'date';
        input.value = localToday();
        input.max = localToday();
      }
      if (field === 'decidedOn') this.decisionDayInput(input, area, step.to);
      if (field === 'code') input.spellcheck = false;
      inputs.set(field, input);
    }
    this.open = { step, inputs, problems: [] };
    // A decision's step offers its signed paper's scan.
    if (step.fields.includes('decisionNo')) this.open.attachments = new DecisionAttachments(area.id);
    this.render();
    // A form with no field (a pass resting on its inspection) has its confirm button to go to.
    this.element.querySelector<HTMLElement>('.lifecycle-form input, #lifecycle-confirm')?.focus();
    if (step.fields.includes('code')) void this.propose(this.open);
  }

  /** The province's next code, put in the field for the officer to accept or edit. */
  private async propose(open: OpenStep): Promise<void> {
    try {
      const answer = await getJson<{ proposed: string; previousCode: string | null }>(`/api/growing-areas/${this.shownId}/proposed-code`);
      open.proposed = answer.proposed;
      open.previous = answer.previousCode;
      const input = open.inputs.get('code');
      if (input && !input.value) input.value = answer.proposed;
      if (this.open === open) this.render();
    } catch {
      // Without a proposal the officer types the code from the decision; the server checks it anyway.
    }
  }

  private form(area: LifecycleArea, open: OpenStep): HTMLElement {
    const { step } = open;
    const verb = t(`lifecycleVerb_${verbOf(area.status, step.to)}` as MessageKey);
    const labels = step.fields.map((field) => {
      const problem = open.problems.find((p) => p.field === field);
      const input = open.inputs.get(field)!;
      // Worded at each render, as the label is: the input itself (and what was typed) is kept.
      if (field === 'decisionNo') input.placeholder = t('lifecycleDecisionExample');
      return fieldLabel(
        t(`lifecycleField_${field}` as MessageKey),
        input,
        problem && { id: `lifecycle-${field}-error`, text: fieldProblemText(problem, area.scheme) },
        field === 'code' && open.proposed ? h('span', { class: 'hint' }, t('lifecycleProposedCode', { code: open.proposed })) : null,
        field === 'code' && open.previous ? h('span', { class: 'hint' }, t('lifecyclePreviousCode', { code: open.previous })) : null,
      );
    });
    const form = h(
      'form',
      { class: 'lifecycle-form', id: 'lifecycle-form', 'data-to': step.to, novalidate: true },
      // The heading is the act ("Thu hồi mã"), the line under it the state it leads to ("Đã thu hồi"):
      // "Thu hồi: Đã thu hồi" read as if it were done before the officer had confirmed anything.
      h('h5', {}, verb),
      h('p', { class: 'hint', id: 'lifecycle-form-result' }, t('lifecycleFormResult', { to: statusLabel(step.to) })),
      step.inspection
        ? h('p', { class: 'hint' }, t('lifecycleInspectionNote', { conclusion: t(`lifecycleConclusion_${step.inspection}` as MessageKey) }))
        : step.basedOn
          ? h(
              'p',
              { class: 'hint', id: 'lifecycle-based-on' },
              t('lifecycleInspectionRecorded', {
                date: dayText(step.basedOn.inspectedOn),
                conclusion: t(`lifecycleConclusion_${step.basedOn.conclusion}` as MessageKey),
              }),
            )
          : null,
      ...labels,
      open.attachments?.render() ?? null,
      // The decision, its day and the reason are shown to anyone who looks the code up.
      step.to === 'suspended' || step.to === 'revoked'
        ? h('p', { class: 'hint', id: 'lifecycle-public-hint' }, t('lifecycleDecisionPublic'))
        : null,
      formButtons(
        {
          id: 'lifecycle-cancel',
          onCancel: () => {
            // Given up: the scans it uploaded go from the server too.
            open.attachments?.discard();
            this.open = undefined;
            this.message = undefined;
            this.render();
          },
        },
        {
          id: 'lifecycle-confirm',
          kind: step.destructive ? 'danger' : 'primary',
          label: verb,
          busyLabel: t('lifecycleSending'),
          busy: this.busy,
        },
      ),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit(area, open);
    });
    return form;
  }

  private submit(area: LifecycleArea, open: OpenStep): void {
    const verdict = checkStepInput(open.step, inputValues(open.inputs), area.scheme, localToday(), this.decisionBounds(area, open.step.to));
    if (!verdict.valid) {
      open.problems = verdict.problems;
      this.message = undefined;
      this.render();
      this.element.querySelector<HTMLInputElement>('[aria-invalid=true]')?.focus();
      return;
    }
    open.problems = [];
    const attached = this.attachedOrSay(open.attachments);
    this.render();
    if (attached === undefined) return;
    const body = attached.length ? { ...verdict.body, attachments: attached } : verdict.body;
    if (open.step.confirm) this.confirmStep(area, open.step, body);
    else void this.run(area, open.step, body);
  }

  /**
   * The attachments a form sends, or undefined after saying why it cannot be sent yet (a file still
   * uploading, or one refused and not removed: the officer meant to attach it).
   */
  private attachedOrSay(attachments: DecisionAttachments | undefined): { name: string; ref: string }[] | undefined {
    const blocker = attachments?.blocker();
    if (blocker) {
      this.message = () => t(blocker === 'uploading' ? 'decisionAttachWait' : 'decisionAttachFix');
      return undefined;
    }
    this.message = undefined;
    return attachments?.attachments() ?? [];
  }

  /**
   * What a decision moving `area` to `to` may not be dated before, as far as the card knows: for an
   * issue, the day of the inspection that passed the area; else the code's issue and the latest
   * decision on this version (the dossier's day, and an approval's inspection, are the server's to judge:
   * a forwarded area may have been inspected again since it passed).
   */
  private decisionBounds(area: LifecycleArea, to: GrowingAreaStatus): DecisionDateBounds {
    if (to === 'issued' || to === 'approved') {
      const passed = area.status === 'inspected_pass' && this.recorded?.conclusion === 'pass' ? this.recorded.inspectedOn : null;
      return { passedOn: passed };
    }
    const decided = (this.steps ?? [])
      .filter((s) => s.growing_area_id === area.id && s.decision_no && s.decided_on)
      .map((s) => s.decided_on!.slice(0, 10))
      .sort();
    return { issuedOn: area.issued_on?.slice(0, 10) ?? null, previousOn: decided.at(-1) ?? null };
  }

  /** A decision's day: a date field offering today in Vietnam, no later, and no earlier than the card knows it may be. */
  private decisionDayInput(input: HTMLInputElement, area: LifecycleArea, to: GrowingAreaStatus): void {
    input.type = 'date';
    input.value = vietnamToday();
    input.max = vietnamToday();
    const bounds = this.decisionBounds(area, to);
    const min = [bounds.passedOn, bounds.issuedOn, bounds.previousOn]
      .filter((d): d is string => !!d)
      .sort()
      .at(-1);
    if (min) input.min = min;
  }

  /** Asks before a step that closes a door or puts the code into operation, in the words of its act (a restore is not an issue). */
  private confirmStep(area: LifecycleArea, step: Step, body: TransitionBody): void {
    const act = verbOf(area.status, step.to);
    const text = t(`lifecycleConfirmBody_${act}` as MessageKey, {
      name: areaName(area),
      code: area.code ?? '',
      decisionNo: body.decisionNo ?? '',
      date: decisionDay(body.decidedOn),
      to: statusLabel(step.to),
    });
    this.confirm(
      t(`lifecycleConfirmTitle_${act}` as MessageKey),
      text,
      t(`lifecycleVerb_${act}` as MessageKey),
      () => void this.run(area, step, body),
      step.destructive,
      // A step with a form was drawn again before the question: its confirm button, else the step's own.
      this.open ? 'lifecycle-confirm' : `lifecycle-to-${step.to}`,
    );
  }

  /** The second question before a step that closes a door; Enter on the open dialog must not take it. */
  private confirm(title: string, body: string, verb: string, go: () => void, destructive: boolean, returnFocus?: string): void {
    askBeforeActing({
      ids: { dialog: 'lifecycle-dialog', title: 'lifecycle-dialog-title', stay: 'lifecycle-confirm-cancel', go: 'lifecycle-confirm-go' },
      title,
      body,
      stay: t('cancel'),
      go: verb,
      onGo: go,
      // Red only for a step that closes a door (a failed inspection, a revocation); putting a code
      // into operation is asked twice because buyers rely on it, not because it is a loss.
      goTone: destructive ? 'danger' : 'primary',
      returnFocus,
    });
  }

  /** Sends the transition (a pass/fail carries its inspection: both are written or neither); a refusal leaves the form open with what was typed. */
  private async run(area: LifecycleArea, step: Step, body: TransitionBody): Promise<void> {
    const context: RefusalContext = {
      code: body.code,
      conclusion: step.inspection ?? undefined,
      areaM2: area.area_m2 ?? undefined,
      crop:
        area.min_area_m2 === null
          ? undefined
          : { code: area.crop, name_vi: area.crop_name_vi ?? area.crop, crop_type: area.crop_type, min_area_m2: area.min_area_m2 },
    };
    await this.sending(
      async () => {
        const response = await sendJson(`/api/growing-areas/${area.id}/transitions`, 'POST', body).catch((error: unknown) => {
          // A field the server refused is marked under that field, as the form's own checks are.
          const problem = serverFieldProblem(error, step.fields);
          if (problem && this.open?.step === step) this.open.problems = [problem];
          throw error;
        });
        const answer = (await response.json()) as { area?: { status?: GrowingAreaStatus } };
        this.open = undefined;
        toast(() =>
          t('lifecycleDone', { name: areaName(area), from: statusLabel(area.status), to: statusLabel(answer.area?.status ?? step.to) }),
        );
        await this.reload();
        this.focusAfterMove = true;
      },
      (error) => transitionRefusalText(error, context),
      () => (this.open = undefined),
    );
  }

  /**
   * Sends a step or a re-issue with the card busy; `send` makes the request and what follows its
   * success, after which the tiles are fetched again. A refusal is worded by `refusal` and keeps the
   * form with what was typed, unless the area moved on meanwhile (someone else moved it): then
   * `close` drops the form and the card shows the area as it is now, with the right buttons.
   */
  private async sending(send: () => Promise<void>, refusal: (error: unknown) => string, close: () => void): Promise<void> {
    this.busy = true;
    this.message = undefined;
    this.render();
    try {
      await send();
      void this.events.refreshTiles().catch(() => undefined);
    } catch (error) {
      this.message = () => refusal(error);
      if (error instanceof HttpError && error.problem?.code === 'TRANSITION_FORBIDDEN') {
        close();
        await this.reload();
      }
    } finally {
      this.busy = false;
      this.render();
      this.element.querySelector('#lifecycle-message')?.scrollIntoView({ block: 'nearest' });
      // Moved: the keyboard goes to the new status (the buttons it was on are gone; it fell to <body>, audit s16).
      if (this.focusAfterMove) this.element.querySelector<HTMLElement>('#lifecycle-status')?.focus();
      this.focusAfterMove = false;
    }
  }

  /** The re-issue, apart from the steps: it makes a new version rather than moving this one along. */
  private reissueButton(area: LifecycleArea): HTMLElement {
    return h(
      'div',
      { class: 'lifecycle-more' },
      h(
        'button',
        { type: 'button', class: 'btn', id: 'lifecycle-reissue', disabled: this.busy, onclick: () => this.openReissue(area) },
        t('reissueVerb'),
      ),
    );
  }

  private openReissue(area: LifecycleArea): void {
    this.message = undefined;
    const inputs = new Map<ReissueField, HTMLInputElement>();
    for (const field of REISSUE_FIELDS) {
      const input = h('input', { name: field, id: `reissue-${field}`, autocomplete: 'off' });
      const max = REISSUE_MAX_LENGTH[field];
      if (max) input.maxLength = max;
      if (field === 'decidedOn') this.decisionDayInput(input, area, 'superseded');
      inputs.set(field, input);
    }
    this.reissuing = { inputs, problems: [], attachments: new DecisionAttachments(area.id) };
    this.render();
    this.element.querySelector<HTMLInputElement>('#reissue-form input')?.focus();
  }

  private reissueForm(area: LifecycleArea, open: OpenReissue): HTMLElement {
    const names = {
      version: area.version_no,
      next: area.version_no + 1,
      draft: statusLabel('draft'),
      superseded: statusLabel('superseded'),
    };
    const labels = REISSUE_FIELDS.map((field) => {
      const problem = open.problems.find((p) => p.field === field);
      const input = open.inputs.get(field)!;
      if (field === 'decisionNo') input.placeholder = t('lifecycleDecisionExample');
      return fieldLabel(
        t(`reissueField_${field}`),
        input,
        problem && { id: `reissue-${field}-error`, text: fieldProblemText(problem, area.scheme) },
      );
    });
    const form = h(
      'form',
      { class: 'lifecycle-form', id: 'reissue-form', novalidate: true },
      h('h5', {}, t('reissueFormTitle', names)),
      h('p', { class: 'hint' }, t('reissueFormHint', names)),
      ...labels,
      open.attachments.render(),
      formButtons(
        {
          id: 'reissue-cancel',
          onCancel: () => {
            open.attachments.discard();
            this.reissuing = undefined;
            this.message = undefined;
            this.render();
          },
        },
        { id: 'reissue-confirm', kind: 'danger', label: t('reissueVerb'), busyLabel: t('lifecycleSending'), busy: this.busy },
      ),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const verdict = checkReissueInput(inputValues(open.inputs), this.decisionBounds(area, 'superseded'));
      open.problems = verdict.valid ? [] : verdict.problems;
      this.message = undefined;
      const attached = verdict.valid ? this.attachedOrSay(open.attachments) : [];
      this.render();
      if (!verdict.valid) {
        this.element.querySelector<HTMLInputElement>('#reissue-form [aria-invalid=true]')?.focus();
        return;
      }
      if (attached === undefined) return;
      const sent: ReissueBody = attached.length ? { ...verdict.body, attachments: attached } : verdict.body;
      // The code stops being in force until the new version is issued one: asked twice, the focus on Cancel,
      // naming the decision and its day as the revocation and restore questions do. Its number is optional
      // here (a change of crop may come by letter): without one the question names the day alone.
      const words = { ...names, name: areaName(area), code: area.code ?? '–', date: decisionDay(sent.decidedOn) };
      const body = sent.decisionNo
        ? t('reissueConfirmBody', { ...words, decisionNo: sent.decisionNo })
        : t('reissueConfirmBodyNoDecision', words);
      // The old code is out of force until the new version is issued: red, as a suspension.
      this.confirm(t('reissueConfirmTitle'), body, t('reissueVerb'), () => void this.reissue(area, sent), true);
    });
    return form;
  }

  /** Sends the re-issue; on success the card follows the new version, on a refusal it keeps the form and shows the area as it is. */
  private async reissue(area: LifecycleArea, body: ReissueBody): Promise<void> {
    await this.sending(
      async () => {
        const response = await sendJson(`/api/growing-areas/${area.id}/reissue`, 'POST', body).catch((error: unknown) => {
          const problem = serverFieldProblem(error, REISSUE_FIELDS);
          if (problem && this.reissuing) this.reissuing.problems = [problem];
          throw error;
        });
        const created = (await response.json()) as { id: number; version_no: number };
        this.reissuing = undefined;
        this.shownId = created.id;
        toast(() => t('reissueDone', { version: created.version_no, draft: statusLabel('draft'), name: areaName(area) }));
        await this.reload();
        this.focusAfterMove = true;
      },
      reissueRefusalText,
      // Someone moved the area first: the re-issue goes if it no longer applies.
      () => (this.reissuing = undefined),
    );
  }

  private async reload(): Promise<void> {
    await this.load();
    if (this.area) this.events.onChanged(this.area);
  }
}

/** The decision's own day as the questions name it, written as the card and the history write days (left empty, the server dates it today). */
function decisionDay(decidedOn: string | undefined): string {
  return date(decidedOn ?? vietnamToday());
}

/** An area's name for sentences: its name, else its code, else its number. */
function areaName(area: LifecycleArea): string {
  return area.name ? `“${area.name}”` : (area.code ?? `#${area.id}`);
}

/** A recorded instant's day on Vietnam's calendar (UTC+7, no summer time), YYYY-MM-DD. */
function vietnamDay(at: string): string {
  return new Date(Date.parse(at) + 7 * 3600_000).toISOString().slice(0, 10);
}

/** YYYY-MM-DD as dd/mm/yyyy. */
function dayText(day: string): string {
  const [y, m, d] = day.split('-');
  return `${d}/${m}/${y}`;
}
