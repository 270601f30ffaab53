import type { Polygon } from 'geojson';
import { AREA_RULE_REASONS, minimumAreaM2, type CropRule } from '../../../server/domain/growing-area-rules.ts';
import { describeError, HttpError, sendJson } from '../api/http.ts';
import { followLang } from '../editing/lang-bound.ts';
import { formatNumber, t } from '../i18n/i18n.ts';
import type { MessageKey } from '../i18n/vi.ts';
import { clear, h } from '../ui/dom.ts';
import { cropName, cropRule, loadCrops, type Crop } from './crops.ts';
import { dossierIncompleteWords } from './dossier-refusal.ts';
import { membershipRefusalWords } from './membership.ts';
import { nameProblem, TEXT_REASONS } from '../../../server/domain/registry-text.ts';
import { fieldRefusalFacts, fieldRefusalText } from './field-refusal.ts';
import { focusPickBar, pickBar } from './pick-bar.ts';
import { assembleTally, pickedPlotWords, type AssembleTally, type PlotNaming } from './pick-tally.ts';

/** The profile's text fields the form asks, by their name in the request, and their labels. */
const PROFILE_FIELDS = ['name', 'registrantName'] as const;
type ProfileField = (typeof PROFILE_FIELDS)[number];
const PROFILE_LABELS: Readonly<Record<ProfileField, MessageKey>> = { name: 'areaName', registrantName: 'producer' };

/** A plot picked for the growing area, as the features API describes it, with what tells it apart (PlotNaming). */
export type PickedPlot = PlotNaming & {
  id: number;
  crop: string;
  area_m2: number;
  commune_code?: string;
  /** The growing area the plot already belongs to, if any (the server refuses a plot of another live area). */
  growing_area_id?: number | null;
  /** That area's status, as the plot's tile has it: a revoked or superseded one has let its plots go. */
  areaStatus?: string | null;
  /** Its outline, for the highlight on the map. */
  geometry?: Polygon;
};

/**
 * What the list says of a plot's present area: in red when the server will refuse it (another live
 * area holds it); a plain note when that area's code was revoked, which let its plots go to a new
 * dossier (a superseded version has handed them on: nothing to say).
 */
function areaMark(id: number, status: string | null | undefined): HTMLElement | null {
  if (status === 'superseded') return null;
  if (status === 'revoked') return h('span', { class: 'hint' }, ` · ${t('plotFromRevokedArea', { id })}`);
  return h('span', { class: 'form-error' }, ` · ${t('plotInArea', { id })}`);
}

/** What the assembler tells the editor. */
export type AssemblerEvents = {
  /** A draft was created (or its dossier submitted): tiles may show it now. */
  onCreated(id: number): void;
  /** The picked plots changed (to outline them on the map). */
  onChange?(plots: readonly PickedPlot[]): void;
  /** 'Huỷ' on the phone's pick bar: the officer gives up this area (the editor stops assembling). */
  onCancel(): void;
};

/** The growing area just created, as the server answered it (the officer's API row). */
type CreatedArea = { id: number; status: string; plotCount: number; areaM2: number; crop: CropRule | undefined };

/** The message line under the form, worded in the language shown when drawn. */
type Message = { text: () => string; error: boolean };

/**
 * Assembling plots into a growing area: the plots picked on the map, their total against the legal
 * minimum (the same rule the server applies at submission, shown live), and the draft's name,
 * scheme and registrant. Creates the draft through POST /api/growing-areas; the draft can then be
 * submitted (draft → submitted), which is where the server enforces the minimum area. Whatever the
 * server refuses is shown in words and nothing is written. Its text follows a language switch while
 * it is open: it is drawn again from its state (the plots picked, what was typed in the inputs, the
 * area created, the last answer), until dispose().
 */
export class GrowingAreaAssembler {
  readonly element = h('section', { class: 'assemble', id: 'assemble-panel' });
  // Before the inputs: the scheme's choices are worded through it.
  private readonly words = followLang();
  private readonly plots = new Map<number, PickedPlot>();
  private readonly name = h('input', { name: 'name', required: true, maxlength: 200, autocomplete: 'off' });
  private readonly registrant = h('input', { name: 'registrant', required: true, maxlength: 200, autocomplete: 'off' });
  private readonly scheme = h(
    'select',
    { name: 'scheme' },
    this.words.text(h('option', { value: 'domestic-3156' }), () => t('schemeDomestic')),
    this.words.text(h('option', { value: 'export-puc' }), () => t('schemeExportPuc')),
    this.words.text(h('option', { value: 'export-phc' }), () => t('schemeExportPhc')),
  );
  private message: Message | undefined;
  /** What is wrong with a text field, by the request's name of it, worded at each render. */
  private readonly fieldErrors = new Map<ProfileField, () => string>();
  private created: CreatedArea | undefined;
  private busy = false;
  private crops: readonly Crop[] = [];
  /**
   * On a phone the panel folds to a bar at the bottom while plots are picked (the editor's card would
   * cover half the map the plots are tapped on), as a draft's card does (pick-bar.ts); 'Xem danh sách'
   * unfolds it to the list and the form. A desk's card leaves the map free: there the bar is never
   * shown (app.css).
   */
  private folded = true;

  constructor(private readonly events: AssemblerEvents) {
    // The inputs and the choice of scheme are kept elements: a redraw puts the same ones back, with what was typed.
    // An assembler taken off the page without dispose() (the editor stopped assembling) lets go at the next switch.
    this.words.redraw(() => (this.element.isConnected ? this.render() : this.dispose()));
    this.render();
    // The minimum-area check needs the crop table; it renders again once the table is in.
    loadCrops().then(
      (crops) => {
        this.crops = crops;
        this.render();
      },
      () => undefined,
    );
  }

  /** Picks a plot, or puts it back when it was picked. */
  toggle(plot: PickedPlot): void {
    if (this.plots.has(plot.id)) this.plots.delete(plot.id);
    else this.plots.set(plot.id, plot);
    this.message = undefined;
    this.changed();
  }

  selectedIds(): number[] {
    return [...this.plots.keys()];
  }

  /** Stops following the language (the view is closed); safe to call twice. */
  dispose(): void {
    this.words.dispose();
  }

  /** Puts the keyboard on the phone's bar once the panel is on the page (on a desk the focus stays where it was). */
  focusPicking(): void {
    focusPickBar(this.element, 'assemble-pick');
  }

  /** Folds the panel to the phone's bar (picking more on the map) or opens it on the list and the form. */
  private fold(folded: boolean): void {
    this.folded = folded;
    this.render();
    if (folded) {
      this.focusPicking();
      return;
    }
    this.element.scrollIntoView({ block: 'nearest' });
    this.element.querySelector<HTMLElement>('#assemble-hint')?.focus({ preventScroll: true });
  }

  /**
   * The phone's bar while plots are picked: what is being picked (the new area's name once typed),
   * the plots the server will take ('Đã chọn', what 'Tạo vùng trồng' sends) and their hectares against
   * the crop's minimum, and in red what it will refuse (a mix of crops; another live area's plots,
   * counted apart and not sent, in the words of a draft's bar), to be read in full in the list. The
   * figures' data-n is the plots counted; the red line's data-n the plots left out, its data-mixed
   * whether it says the crops mix.
   */
  private pickBar(tally: AssembleTally<PickedPlot>): HTMLElement {
    const { crop, taken, held, totalM2 } = tally;
    const refused = [
      tally.mixed ? this.reasonText(AREA_RULE_REASONS.CROP_MISMATCH, crop, totalM2) : undefined,
      held.length ? t('pickBarLeftOut', { n: held.length }) : undefined,
    ].filter((text): text is string => !!text);
    const name = this.name.value.trim();
    const chosen = t('pickChosen', { n: taken.length, ha: formatNumber(totalM2 / 10000, 2) });
    return pickBar({
      id: 'assemble-pick',
      title: name ? t('assemblePickBarTitleNamed', { name }) : t('assemblePickBarTitle'),
      figures: crop
        ? {
            text: t('assemblePickBarFigures', { chosen, min: formatNumber(minimumAreaM2(crop) / 10000, 1) }),
            n: taken.length,
            // The minimum alone: a mix of crops is said on the red line under it.
            ok: tally.reachesMinimum,
          }
        : { text: chosen, n: taken.length, ok: undefined },
      ...(refused.length ? { refused: { n: held.length, mixed: tally.mixed, text: refused.join(' ') } } : {}),
      onCancel: () => this.events.onCancel(),
      onDone: () => this.fold(false),
    });
  }

  private changed(): void {
    this.events.onChange?.([...this.plots.values()]);
    this.render();
  }

  /** A rule's reason in the officer's language (the rule's own message is English), or undefined for one we do not know. */
  private reasonText(reason: unknown, crop: CropRule | undefined, totalM2: number): string | undefined {
    if (reason === AREA_RULE_REASONS.NO_PLOTS) return t('areaReason_no_plots');
    if (!crop) return undefined;
    if (reason === AREA_RULE_REASONS.CROP_MISMATCH) return t('areaReason_crop_mismatch', { crop: cropName(this.crops, crop.code) });
    if (reason === AREA_RULE_REASONS.TOO_SMALL) return t('areaReason_too_small', this.figures(crop, totalM2));
    return undefined;
  }

  private figures(crop: CropRule, totalM2: number): Record<string, string> {
    return {
      ha: formatNumber(totalM2 / 10000, 2),
      min: formatNumber(minimumAreaM2(crop) / 10000, 1),
      type: t(`cropType_${crop.crop_type}` as MessageKey),
    };
  }

  /**
   * The live verdict on the plots the server will take (another live area's are counted apart, as the
   * bar does): the same rule the server applies when the dossier is submitted.
   */
  private verdictText(tally: AssembleTally<PickedPlot>): { ok: boolean; text: string } | undefined {
    const { crop, verdict, totalM2 } = tally;
    if (!crop || !verdict) return undefined;
    if (verdict.valid) return { ok: true, text: `${t('minArea', this.figures(crop, totalM2))} ✓` };
    return { ok: false, text: `✗ ${this.reasonText(verdict.reason, crop, totalM2) ?? verdict.message}` };
  }

  /**
   * Why the draft may not be created yet, or undefined when it may (or nothing is picked, which the hint
   * above says): every plot picked is another live area's, or the plots it may take are below the crop's
   * minimum.
   */
  private blockedText(tally: AssembleTally<PickedPlot>): string | undefined {
    const { crop, verdict, totalM2 } = tally;
    if (!tally.taken.length) return tally.held.length ? t('createBlockedNoneCanJoin') : undefined;
    if (!crop || !verdict || verdict.valid || verdict.reason !== AREA_RULE_REASONS.TOO_SMALL) return undefined;
    // In hundredths of a hectare, rounded up (whole m² first: 700 m² short is 0,07 ha, not 0,08), so
    // picking what it says is enough.
    const missingM2 = Math.round(Math.max(minimumAreaM2(crop) - totalM2, 0));
    return t('createBlockedTooSmall', { ...this.figures(crop, totalM2), missing: formatNumber(Math.ceil(missingM2 / 100) / 100, 2) });
  }

  /** A picked plot's row in a list, with '×' to put it back. */
  private plotItem(p: PickedPlot): HTMLElement {
    return h(
      'li',
      { 'data-id': p.id },
      h(
        'span',
        {},
        pickedPlotWords(p, cropName(this.crops, p.crop)),
        ' ',
        h('small', { class: 'plot-id' }, `#${p.id}`),
        p.growing_area_id ? areaMark(p.growing_area_id, p.areaStatus) : null,
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-icon',
          title: t('removePlot', { id: p.id }),
          'aria-label': t('removePlot', { id: p.id }),
          onclick: () => this.toggle(p),
        },
        '×',
      ),
    );
  }

  private render(): void {
    clear(this.element);
    const plots = [...this.plots.values()];
    const tally = assembleTally(plots, (code) => {
      const row = this.crops.find((c) => c.code === code);
      return row ? cropRule(row) : undefined;
    });
    const { taken, held } = tally;
    // The count, the list and the verdict are of the plots the server will take, as the bar says; another
    // live area's plots are listed apart under them, out of the total.
    this.element.append(
      h('h3', {}, t('assembleArea')),
      h('p', { class: 'hint', id: 'assemble-hint', tabindex: '-1' }, t('pickPlotsHint')),
      h('p', { class: 'summary', id: 'assemble-count', 'data-n': taken.length }, t('selectedPlots', { n: taken.length })),
    );
    if (taken.length) this.element.append(h('ul', { class: 'picked-plots', id: 'assemble-plots' }, ...taken.map((p) => this.plotItem(p))));
    const verdict = this.verdictText(tally);
    if (verdict) this.element.append(h('p', { class: verdict.ok ? 'hint verdict-ok' : 'form-error', id: 'area-verdict' }, verdict.text));
    if (held.length) {
      this.element.append(
        h('p', { class: 'form-error', id: 'assemble-held', 'data-n': held.length }, t('assembleHeldApart', { n: held.length })),
        h('ul', { class: 'picked-plots', id: 'assemble-held-plots' }, ...held.map((p) => this.plotItem(p))),
      );
    }
    // On a phone, back to the map for more plots (the panel folds to its bar again).
    this.element.append(
      h('button', { type: 'button', class: 'btn phone-only', id: 'assemble-fold', onclick: () => this.fold(true) }, t('draftPickMore')),
    );
    // A draft below the minimum could not be submitted, and this panel cannot add a plot to a draft
    // once created: the button waits for enough plots, and says so beside it (read with the button).
    // It sends only the plots the area may take: another live area's are left out, and the line under
    // it says how many before it is pressed.
    const blocked = this.blockedText(tally);
    const leftOut = taken.length && held.length ? t('pickSendLeftOut', { sent: taken.length, n: held.length }) : undefined;
    const described = [blocked ? 'area-create-blocked' : '', leftOut ? 'area-create-left-out' : ''].filter(Boolean).join(' ');
    const create = h(
      'button',
      {
        type: 'submit',
        class: 'btn btn-primary btn-block',
        id: 'area-create',
        // Nothing the server would take (none picked, or only another live area's plots): nothing to create.
        disabled: taken.length === 0 || this.busy || blocked !== undefined,
        ...(described ? { 'aria-describedby': described } : {}),
      },
      t('createArea'),
    );
    const form = h(
      'form',
      { id: 'assemble-form', novalidate: true },
      this.textField('name'),
      this.textField('registrantName'),
      h('label', {}, t('scheme'), this.scheme),
      create,
      blocked ? h('p', { class: 'form-error', id: 'area-create-blocked' }, blocked) : null,
      leftOut ? h('p', { class: 'hint', id: 'area-create-left-out', 'data-n': held.length }, leftOut) : null,
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (create.disabled) return;
      void this.create(tally.cropCode ?? '', taken);
    });
    this.element.append(form);
    if (this.message) {
      this.element.append(
        h(
          'p',
          {
            class: this.message.error ? 'form-error' : 'hint verdict-ok',
            id: 'assemble-message',
            role: this.message.error ? 'alert' : 'status',
            // Focusable by script, no Tab stop: the keyboard lands on the answer to a submit (submit()).
            tabindex: -1,
          },
          this.message.text(),
        ),
      );
    }
    if (this.created) this.element.append(this.createdCard(this.created));
    if (this.folded) this.element.append(this.pickBar(tally));
  }

  /** A text input with its label and, when the form or the server objected to it, the reason under it. */
  private textField(field: ProfileField): HTMLLabelElement {
    const error = this.fieldErrors.get(field);
    const input = this.input(field);
    input.setAttribute('aria-invalid', error ? 'true' : 'false');
    if (error) input.setAttribute('aria-describedby', `assemble-${field}-error`);
    else input.removeAttribute('aria-describedby');
    return h(
      'label',
      {},
      t(PROFILE_LABELS[field]),
      input,
      error ? h('span', { class: 'form-error', id: `assemble-${field}-error`, role: 'alert' }, error()) : null,
    );
  }

  private input(field: ProfileField): HTMLInputElement {
    return field === 'name' ? this.name : this.registrant;
  }

  /**
   * The form's own check before sending, as the server will judge it: each name filled in (spaces
   * are not a name), holding a letter and no emoji. Marks the fields; true when they may be sent.
   */
  private checkFields(): boolean {
    this.fieldErrors.clear();
    for (const field of PROFILE_FIELDS) {
      const value = this.input(field).value.trim();
      const label = () => t(PROFILE_LABELS[field]);
      const problem = value ? nameProblem(value) : null;
      if (!value) this.fieldErrors.set(field, () => fieldRefusalText({ field, kind: 'required' }, label()));
      else if (problem === TEXT_REASONS.NAME_NO_LETTER)
        this.fieldErrors.set(field, () => fieldRefusalText({ field, kind: 'no-letter' }, label()));
      else if (problem === TEXT_REASONS.NAME_PICTOGRAPH)
        this.fieldErrors.set(field, () => fieldRefusalText({ field, kind: 'pictograph' }, label()));
    }
    return this.fieldErrors.size === 0;
  }

  private createdCard(area: CreatedArea): HTMLElement {
    return h(
      'div',
      { class: 'assemble-created', id: 'area-created', 'data-id': area.id, 'data-status': area.status },
      h(
        'p',
        {},
        t('areaCreatedDetail', {
          id: area.id,
          n: area.plotCount,
          ha: formatNumber(area.areaM2 / 10000, 2),
          status: t(`status_${area.status}` as MessageKey),
        }),
      ),
      area.status === 'draft'
        ? h(
            'button',
            { type: 'button', class: 'btn btn-block', id: 'area-submit', disabled: this.busy, onclick: () => void this.submit(area) },
            t('submitArea'),
          )
        : null,
    );
  }

  /**
   * The server's refusal in words: a rule's reason code, or the registry's membership refusals of
   * the picked plots (another crop, already in an area, another commune) with plot, crops and the
   * new area's name, in the officer's language; otherwise the server's own detail.
   */
  private async refusal(error: unknown, key: 'createFailed' | 'submitFailed', area?: CreatedArea): Promise<() => string> {
    const reason = error instanceof HttpError ? error.problem?.reason : undefined;
    const membership =
      key === 'createFailed' ? await membershipRefusalWords(error, { name: this.name.value.trim(), situation: 'pick' }) : undefined;
    // A field the server refused (a name without a letter, a text over its limit) is named under the field and here.
    const facts = fieldRefusalFacts(error);
    const field = facts && (PROFILE_FIELDS as readonly string[]).includes(facts.field) ? (facts.field as ProfileField) : undefined;
    const fieldText = facts && field ? () => fieldRefusalText(facts, t(PROFILE_LABELS[field])) : undefined;
    if (field && fieldText) this.fieldErrors.set(field, fieldText);
    return () =>
      t(key, {
        detail:
          this.reasonText(reason, area?.crop, area?.areaM2 ?? 0) ??
          membership?.() ??
          fieldText?.() ??
          dossierIncompleteWords(error) ??
          describeError(error),
      });
  }

  private async create(crop: string, plots: PickedPlot[]): Promise<void> {
    const commune = plots.find((p) => p.commune_code)?.commune_code;
    this.message = undefined;
    if (!this.checkFields()) {
      this.render();
      const first = PROFILE_FIELDS.find((f) => this.fieldErrors.has(f));
      if (first) this.input(first).focus();
      return;
    }
    this.busy = true;
    this.render();
    try {
      const response = await sendJson('/api/growing-areas', 'POST', {
        name: this.name.value.trim(),
        scheme: this.scheme.value,
        crop,
        ...(commune ? { communeCode: commune } : {}),
        registrantName: this.registrant.value.trim(),
        plotIds: plots.map((p) => p.id),
      });
      const body = (await response.json()) as { id: number; status: string; plot_count?: number; area_m2?: number };
      const cropRow = this.crops.find((c) => c.code === crop);
      this.created = {
        id: Number(body.id),
        status: body.status,
        plotCount: Number(body.plot_count ?? plots.length),
        areaM2: Number(body.area_m2 ?? 0),
        crop: cropRow ? cropRule(cropRow) : undefined,
      };
      // The next area is new plots, a new name and usually another household or cooperative: the
      // whole form starts empty (a registrant left from the last area would go unnoticed onto the
      // next dossier). The scheme stays: it is the kind of registration the officer is doing.
      // The created card below says what was made: no second 'created' line.
      this.plots.clear();
      this.name.value = '';
      this.registrant.value = '';
      this.message = undefined;
      this.fieldErrors.clear();
      this.events.onCreated(this.created.id);
    } catch (error) {
      this.message = { text: await this.refusal(error, 'createFailed'), error: true };
    } finally {
      this.busy = false;
      this.changed();
      this.revealMessage();
    }
  }

  // The answer lands under the button at the foot of a scrolled card: bring it into view, or the
  // officer sees nothing happen.
  private revealMessage(): void {
    this.element.querySelector('#assemble-message')?.scrollIntoView({ block: 'nearest' });
  }

  /** Submits the draft's dossier (draft → submitted): the server checks the minimum area here. */
  private async submit(area: CreatedArea): Promise<void> {
    this.busy = true;
    this.render();
    try {
      const response = await sendJson(`/api/growing-areas/${area.id}/transitions`, 'POST', { to: 'submitted' });
      const body = (await response.json()) as { area?: { status?: string } };
      this.created = { ...area, status: body.area?.status ?? 'submitted' };
      this.message = { text: () => t('areaSubmitted', { id: area.id }), error: false };
      this.events.onCreated(area.id);
    } catch (error) {
      this.message = { text: await this.refusal(error, 'submitFailed', area), error: true };
    } finally {
      this.busy = false;
      this.render();
      this.revealMessage();
      // The button pressed was drawn away (submitted, or drawn again): the keyboard goes to the answer,
      // not to the page's start (audit s16: document.activeElement was <body> after "Gửi hồ sơ").
      this.element.querySelector<HTMLElement>('#assemble-message')?.focus();
    }
  }
}
