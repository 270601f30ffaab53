// The part of a growing area's card that finishes a draft dossier: its plots, each with "Bỏ thửa"
// (asked once more, saying when the rest falls below the crop's minimum), "Thêm thửa" (plots picked
// by tapping them on the map, each marked when the server will refuse it, and the server's refusals
// said per plot), and "Sửa hồ sơ" (the profile read with its ETag from the features API and saved
// there with If-Match: a change made by someone else meanwhile answers 412, said with a reload).
// Drawn by the lifecycle card only while the area is a draft (draft-edit.ts isEditableDraft); the
// registry decides who may (the officers of its commune, admins) and the card is only shown to them.
import type { Polygon } from 'geojson';
import { REGISTRY_REASON } from '../../../server/contracts/registry-codes.ts';
import { isGrowingAreaStatus, type GrowingAreaStatus } from '../../../server/domain/growing-area-lifecycle.ts';
import { minimumAreaM2, type CropRule } from '../../../server/domain/growing-area-rules.ts';
import { describeError, HttpError, request, sendJson } from '../api/http.ts';
import { loadMainParcel, loadPlot } from '../editing/plot-api.ts';
import { mergeFields } from '../editing/plot-merge.ts';
import { formatNumber, lang, t } from '../i18n/i18n.ts';
import type { MessageKey } from '../i18n/vi.ts';
import { askBeforeActing } from '../ui/confirm-dialog.ts';
import { h } from '../ui/dom.ts';
import { formButtons } from '../ui/form-parts.ts';
import { parcelName, type NamedParcel } from '../ui/parcel-name.ts';
import { toast } from '../ui/toast.ts';
import { cropName, loadCrops, type Crop } from './crops.ts';
import {
  pickStanding,
  profilePatch,
  PROFILE_EDIT_FIELDS,
  reasonProblem,
  removalEffect,
  shownValue,
  type PickStanding,
  type ProfileEditField,
  type ProfileProblem,
} from './draft-edit.ts';
import { fieldRefusalText, type FieldRefusalFacts } from './field-refusal.ts';
import { statusLabel } from './lifecycle-refusal.ts';
import { focusPickBar, pickBar } from './pick-bar.ts';
import { draftPickTally, pickedPlotWords, type DraftPickTally, type PlotNaming } from './pick-tally.ts';
import {
  areaFacts,
  areaLabelText,
  membershipRefusalWords,
  membershipText,
  readMembershipReason,
  type MembershipRefusal,
} from './membership.ts';

/** A member plot as GET /api/growing-areas/:id lists it (the fields the section reads). */
export type DraftPlot = {
  id: number;
  crop: string;
  area_m2: number | string;
  farmer_name?: string | null;
  hamlet?: string | null;
  /** Its cadastral parcels, the largest share first. */
  parcels?: NamedParcel[];
};

/** The draft as the card has it. */
export type DraftArea = {
  id: number;
  name: string | null;
  code: string | null;
  status: GrowingAreaStatus;
  crop: string;
  crop_name_vi: string | null;
  crop_type: CropRule['crop_type'];
  min_area_m2: number | null;
  area_m2: number | null;
  plots?: DraftPlot[];
};

/** Map taps on plots, taken by the section while it adds plots; the map outlines the plots picked. */
export type PlotPicker = { outline(plots: readonly { id: number; geometry?: Polygon }[]): void; stop(): void };

export type DraftEvents = {
  /** Starts sending taps on the map's plots to `onPick` (instead of opening their cards); undefined when the page has no map. */
  pickPlots?(onPick: (id: number, tile: Record<string, unknown>) => boolean): PlotPicker;
  /** The area changed: read it again, draw the card and ask for fresh tiles. */
  changed(): Promise<void>;
};

/** A plot picked to join, with what the map and the features API say of it. */
type Picked = PlotNaming & {
  id: number;
  crop: string;
  area_m2: number;
  growing_area_id: number | null;
  areaStatus: string | null;
  geometry?: Polygon;
};

type Adding = {
  picker: PlotPicker | undefined;
  picked: Map<number, Picked>;
  refused: Map<number, () => string>;
  message?: () => string;
  /**
   * On a phone the card folds to a bar at the bottom while plots are picked (the sheet would cover
   * half the map the plots are tapped on); 'Xem danh sách' unfolds it to the list and the addition.
   * A desk's side panel leaves the map free: there the bar is never shown (app.css).
   */
  folded: boolean;
};

type Editing = {
  etag: string;
  current: Record<string, unknown>;
  inputs: Map<ProfileEditField, HTMLInputElement | HTMLSelectElement>;
  problems: ProfileProblem[];
  /** The server's other words for a field (a crop its plots do not grow). */
  notes: Map<ProfileEditField, () => string>;
  conflict: boolean;
  message?: () => string;
};

const FIELD_LABELS: Readonly<Record<ProfileEditField, MessageKey>> = {
  name: 'areaName',
  registrant_name: 'producer',
  scheme: 'scheme',
  crop: 'crop',
  variety: 'variety',
  technical_officer: 'draftField_technical_officer',
  households: 'draftField_households',
  expected_yield_tonnes: 'draftField_expected_yield_tonnes',
};

const SCHEME_KEYS: readonly [string, MessageKey][] = [
  ['domestic-3156', 'schemeDomestic'],
  ['export-puc', 'schemeExportPuc'],
  ['export-phc', 'schemeExportPhc'],
];

/** The reason of a 409 when the area is no draft any more (the registry's and the features API's, the same code). */
const NOT_DRAFT = REGISTRY_REASON.AREA_NOT_DRAFT;

const ha = (m2: number) => formatNumber(m2 / 10000, 2);
const ITEM = (id: number) => `/ogc/collections/growing_areas/items/${id}`;

export class DraftSection {
  private adding: Adding | undefined;
  private editing: Editing | undefined;
  private message: (() => string) | undefined;
  private busy = false;
  private crops: readonly Crop[] = [];
  private area: DraftArea | undefined;
  /** The section's element of the last render; the card puts it in place at each of its own. */
  private element: HTMLElement = h('section');

  constructor(private readonly events: DraftEvents) {
    loadCrops().then(
      (crops) => {
        this.crops = crops;
        if (this.area) this.redraw();
      },
      () => undefined,
    );
  }

  /** Whether a form of the section is open (the profile's, or plots being picked). */
  hasOpenForm(): boolean {
    return this.editing !== undefined || this.adding !== undefined;
  }

  /** Stops taking map taps (the card is closed or the area is no draft any more). */
  close(): void {
    this.adding?.picker?.stop();
    this.adding = undefined;
    this.editing = undefined;
    this.message = undefined;
  }

  render(area: DraftArea): HTMLElement {
    this.area = area;
    const plots = area.plots ?? [];
    const section = h(
      'section',
      { class: 'draft-edit', id: 'draft-edit', 'data-area-id': area.id },
      h('h5', {}, t('draftTitle')),
      h('p', { class: 'hint' }, t('draftHint')),
      plots.length
        ? h(
            'ul',
            { class: 'picked-plots', id: 'draft-plots' },
            ...plots.map((p) =>
              h(
                'li',
                { 'data-id': p.id },
                // Named as the picked plots are: its main parcel and farmer, the id apart and small.
                h(
                  'span',
                  {},
                  [p.parcels?.[0] ? parcelName(p.parcels[0]) : null, p.farmer_name, `${ha(Number(p.area_m2))} ha`]
                    .filter(Boolean)
                    .join(' · '),
                  ' ',
                  h('small', { class: 'plot-id' }, `#${p.id}`),
                ),
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'btn btn-small',
                    id: `draft-remove-${p.id}`,
                    'aria-label': t('draftRemoveLabel', { id: p.id }),
                    disabled: this.busy || this.adding !== undefined || this.editing !== undefined,
                    onclick: () => this.askRemove(area, p),
                  },
                  t('draftRemove'),
                ),
              ),
            ),
          )
        : h('p', { class: 'hint', id: 'draft-no-plots' }, t('draftPlotsNone')),
      this.verdict(area),
    );
    if (this.editing) section.append(this.profileForm(area, this.editing));
    else if (this.adding) section.append(this.addPanel(area, this.adding));
    else {
      section.append(
        h(
          'div',
          { class: 'card-actions draft-actions' },
          h(
            'button',
            { type: 'button', class: 'btn', id: 'draft-add', disabled: this.busy, onclick: () => this.startAdding() },
            t('draftAdd'),
          ),
          h(
            'button',
            { type: 'button', class: 'btn', id: 'draft-edit-profile', disabled: this.busy, onclick: () => void this.openProfile(area) },
            t('draftEdit'),
          ),
        ),
      );
    }
    if (this.message) section.append(h('p', { class: 'form-error', id: 'draft-message', role: 'alert' }, this.message()));
    this.element = section;
    return section;
  }

  /** Draws the section again in place (a reply came while the card was not re-rendering). */
  private redraw(): void {
    if (!this.area || !this.element.isConnected) return;
    const old = this.element;
    old.replaceWith(this.render(this.area));
  }

  private label(area: DraftArea): string {
    return areaLabelText({ id: area.id, ...(area.name ? { name: area.name } : {}), ...(area.code ? { code: area.code } : {}) });
  }

  private cropRule(area: DraftArea): CropRule {
    return { code: area.crop, name_vi: area.crop_name_vi ?? area.crop, crop_type: area.crop_type, min_area_m2: area.min_area_m2 };
  }

  /** The total against the crop's minimum, as the submission will judge it. */
  private verdict(area: DraftArea): HTMLElement {
    const crop = this.cropRule(area);
    const total = (area.plots ?? []).reduce((s, p) => s + Number(p.area_m2), 0);
    const figures = {
      ha: ha(total),
      min: formatNumber(minimumAreaM2(crop) / 10000, 1),
      type: t(`cropType_${crop.crop_type}` as MessageKey),
    };
    if (!(area.plots ?? []).length)
      return h('p', { class: 'form-error', id: 'draft-verdict', 'data-ok': 'false' }, t('areaReason_no_plots'));
    const ok = total >= minimumAreaM2(crop);
    return h(
      'p',
      { class: ok ? 'hint verdict-ok' : 'form-error', id: 'draft-verdict', 'data-ok': String(ok) },
      ok ? `${t('minArea', figures)} ✓` : `✗ ${t('areaReason_too_small', figures)}`,
    );
  }

  // Removing a plot

  private askRemove(area: DraftArea, plot: DraftPlot): void {
    this.message = undefined;
    const effect = removalEffect(
      this.cropRule(area),
      (area.plots ?? []).map((p) => ({ id: p.id, crop: p.crop, area_m2: Number(p.area_m2) })),
      plot.id,
    );
    const crop = this.cropRule(area);
    const figures = {
      ha: ha(effect.totalAfterM2),
      min: formatNumber(effect.minM2 / 10000, 1),
      type: t(`cropType_${crop.crop_type}` as MessageKey),
    };
    const body = [
      t('draftRemoveBody', { id: plot.id, ha: ha(Number(plot.area_m2)), name: this.label(area) }),
      effect.lastPlot ? t('draftRemoveLast') : effect.breaks ? t('draftRemoveBelowMin', figures) : '',
    ]
      .filter(Boolean)
      .join(' ');
    askBeforeActing({
      ids: { dialog: 'draft-dialog', title: 'draft-dialog-title', stay: 'draft-remove-cancel', go: 'draft-remove-go' },
      title: t('draftRemoveTitle', { id: plot.id }),
      body,
      stay: t('cancel'),
      go: t('draftRemove'),
      onGo: () => void this.remove(area, plot),
      goTone: 'danger',
      returnFocus: `draft-remove-${plot.id}`,
    });
  }

  private async remove(area: DraftArea, plot: DraftPlot): Promise<void> {
    await this.sending(async () => {
      try {
        await request(`/api/growing-areas/${area.id}/plots/${plot.id}`, { method: 'DELETE' });
      } catch (error) {
        if (await this.noLongerDraft(error)) return;
        this.message = () => t('draftRemoveFailed', { id: plot.id, detail: describeError(error) });
        return;
      }
      const name = this.label(area);
      toast(() => t('draftRemoved', { id: plot.id, name }));
      await this.events.changed();
    });
  }

  // Adding plots

  private startAdding(): void {
    this.message = undefined;
    const adding: Adding = { picker: undefined, picked: new Map(), refused: new Map(), folded: true };
    adding.picker = this.events.pickPlots?.((id, tile) => {
      // The card was closed or another took its place: the taps are the map's again.
      if (this.adding !== adding || !this.element.isConnected) {
        if (this.adding === adding) this.adding = undefined;
        return false;
      }
      if (Number.isSafeInteger(id)) void this.pick(adding, id, tile);
      return true;
    });
    this.adding = adding;
    this.redraw();
    this.focusPicking();
  }

  /** The keyboard goes where the picking is read: the phone's bar when it shows, else the card's hint. */
  private focusPicking(): void {
    if (!focusPickBar(this.element, 'draft-pick')) this.element.querySelector<HTMLElement>('#draft-add-hint')?.focus();
  }

  /** Folds the card to the phone's bar (picking more on the map) or opens it on the list of plots picked. */
  private fold(adding: Adding, folded: boolean): void {
    if (this.adding !== adding) return;
    adding.folded = folded;
    this.redraw();
    if (folded) {
      this.focusPicking();
      return;
    }
    const panel = this.element.querySelector<HTMLElement>('#draft-add-panel');
    panel?.scrollIntoView({ block: 'nearest' });
    this.element.querySelector<HTMLElement>('#draft-add-hint')?.focus({ preventScroll: true });
  }

  private stopAdding(): void {
    this.adding?.picker?.stop();
    this.adding = undefined;
    this.redraw();
  }

  /** A tap on a plot: picks it, or puts it back when it was picked. */
  private async pick(adding: Adding, id: number, tile: Record<string, unknown>): Promise<void> {
    if (this.adding !== adding) return;
    if (adding.picked.delete(id)) {
      adding.refused.delete(id);
    } else {
      try {
        const [record, parcel] = await Promise.all([loadPlot(id), loadMainParcel(id)]);
        const area = record.properties.growing_area_id;
        adding.picked.set(id, {
          id,
          // Given by the features API only to staff who may see the farmer.
          farmer_name: typeof record.properties.farmer_name === 'string' ? record.properties.farmer_name : null,
          parcel,
          crop: String(record.properties.crop ?? ''),
          area_m2: Number(record.properties.area_m2 ?? 0),
          growing_area_id: area === null || area === undefined ? null : Number(area),
          areaStatus: typeof tile.status === 'string' ? tile.status : null,
          geometry: record.geometry,
        });
      } catch (error) {
        toast(() => describeError(error), 'error');
        return;
      }
    }
    adding.message = undefined;
    adding.picker?.outline([...adding.picked.values()]);
    this.redraw();
  }

  /** What the list says of a picked plot before sending: the server's refusal of it, else what the card sees will be refused. */
  private pickNote(area: DraftArea, adding: Adding, plot: Picked, standing: PickStanding): { text: string; error: boolean } | undefined {
    const refused = adding.refused.get(plot.id);
    if (refused) return { text: refused(), error: true };
    if (standing === 'member') return { text: t('draftPickMember'), error: false };
    const context = { area: this.label(area), situation: 'pick' as const, crops: this.crops };
    if (standing === 'taken') {
      const refusal: MembershipRefusal = {
        code: 'PLOT_IN_OTHER_AREA',
        plotId: plot.id,
        otherAreaId: plot.growing_area_id ?? undefined,
        message: '',
      };
      return { text: membershipText(refusal, context), error: true };
    }
    if (plot.crop && plot.crop !== area.crop) {
      const refusal: MembershipRefusal = {
        code: 'PLOT_CROP_MISMATCH',
        plotId: plot.id,
        plotCrop: plot.crop,
        areaCrop: area.crop,
        message: '',
      };
      return { text: membershipText(refusal, context), error: true };
    }
    if (standing === 'released') return { text: t('plotFromRevokedArea', { id: plot.growing_area_id ?? 0 }), error: false };
    return undefined;
  }

  /** What the picks come to, as the bar and the panel both say it: the plots the server will take (those 'Thêm' sends), and apart the ones it will refuse. */
  private tally(area: DraftArea, adding: Adding): DraftPickTally<Picked> {
    return draftPickTally({ id: area.id, crop: this.cropRule(area), plots: area.plots ?? [] }, [...adding.picked.values()], adding.refused);
  }

  /**
   * The plots the server will take ('Đã chọn' as the new area's bar says it) and the dossier's total
   * with them, against the crop's minimum: the same line in the phone's bar and at the head of the open panel.
   */
  private pickFigures(tally: DraftPickTally<Picked>): { text: string; ok: boolean } {
    const figures = t('draftPickBarFigures', {
      chosen: t('pickChosen', { n: tally.accepted.length, ha: ha(tally.acceptedM2) }),
      total: ha(tally.totalM2),
      min: formatNumber(tally.minM2 / 10000, 1),
    });
    return { text: figures, ok: tally.ok };
  }

  /** A picked plot's row: what the card sees of it (in red what the server will refuse, and why), and '×' to put it back. */
  private pickedItem(area: DraftArea, adding: Adding, p: Picked): HTMLElement {
    const standing = pickStanding(area.id, p);
    const note = this.pickNote(area, adding, p, standing);
    return h(
      'li',
      { 'data-id': p.id, 'data-standing': standing },
      h(
        'span',
        {},
        pickedPlotWords(p, cropName(this.crops, p.crop)),
        ' ',
        h('small', { class: 'plot-id' }, `#${p.id}`),
        note ? h('span', { class: note.error ? 'form-error' : 'hint', 'data-refusal': String(note.error) }, ` · ${note.text}`) : null,
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-icon',
          title: t('removePlot', { id: p.id }),
          'aria-label': t('removePlot', { id: p.id }),
          onclick: () => void this.pick(adding, p.id, {}),
        },
        '×',
      ),
    );
  }

  private addPanel(area: DraftArea, adding: Adding): HTMLElement {
    const tally = this.tally(area, adding);
    const { accepted, refused } = tally;
    const apart = new Set(refused.map((p) => p.id));
    const listed = [...adding.picked.values()].filter((p) => !apart.has(p.id));
    const figures = this.pickFigures(tally);
    // The bar's line, word for word: the dossier's total counts only the plots the server will take;
    // the ones it will refuse are listed apart under it with their reasons.
    const panel = h(
      'div',
      { class: 'draft-add', id: 'draft-add-panel' },
      h('p', { class: 'hint', id: 'draft-add-hint', tabindex: '-1' }, this.events.pickPlots ? t('draftAddHint') : t('draftAddNoMap')),
      h(
        'p',
        {
          class: `summary ${figures.ok ? 'verdict-ok' : 'form-error'}`,
          id: 'draft-add-count',
          'data-n': accepted.length,
          'data-ok': String(figures.ok),
        },
        figures.ok ? `${figures.text} ✓` : `✗ ${figures.text}`,
      ),
    );
    if (listed.length) {
      panel.append(h('ul', { class: 'picked-plots', id: 'draft-picked' }, ...listed.map((p) => this.pickedItem(area, adding, p))));
    }
    if (refused.length) {
      panel.append(
        h(
          'p',
          { class: 'form-error', id: 'draft-add-refused', 'data-n': refused.length },
          t('draftAddRefusedApart', { n: refused.length }),
        ),
        h('ul', { class: 'picked-plots', id: 'draft-refused' }, ...refused.map((p) => this.pickedItem(area, adding, p))),
      );
    }
    if (adding.message) panel.append(h('p', { class: 'form-error', id: 'draft-add-message', role: 'alert' }, adding.message()));
    // 'Thêm' sends only the plots the server will take: the line above it says how many are left out,
    // or why there is nothing to send when none can join.
    const note = !refused.length
      ? undefined
      : accepted.length
        ? { id: 'draft-add-left-out', error: false, text: t('pickSendLeftOut', { sent: accepted.length, n: refused.length }) }
        : { id: 'draft-add-blocked', error: true, text: t('draftAddNoneCanJoin') };
    if (note) panel.append(h('p', { class: note.error ? 'form-error' : 'hint', id: note.id, 'data-n': refused.length }, note.text));
    panel.append(
      h(
        'div',
        { class: 'card-actions' },
        h('button', { type: 'button', class: 'btn', id: 'draft-add-cancel', onclick: () => this.stopAdding() }, t('close')),
        this.events.pickPlots
          ? h(
              'button',
              { type: 'button', class: 'btn phone-only', id: 'draft-add-fold', onclick: () => this.fold(adding, true) },
              t('draftPickMore'),
            )
          : null,
        h(
          'button',
          {
            type: 'button',
            class: 'btn btn-primary',
            id: 'draft-add-confirm',
            disabled: this.busy || accepted.length === 0,
            ...(note ? { 'aria-describedby': note.id } : {}),
            onclick: () => void this.add(area, adding, accepted),
          },
          this.busy ? t('saving') : t('draftAddConfirm', { n: accepted.length }),
        ),
      ),
    );
    if (adding.folded && this.events.pickPlots) panel.append(this.pickBar(area, tally));
    return panel;
  }

  /**
   * The card folded on a phone while plots are picked: what is being done, the plots picked and the
   * dossier's total with them against the crop's minimum (the panel's own line), 'Xem danh sách' (the
   * card opens on the list, to add them) and 'Huỷ' (nothing picked is kept). Fixed at the bottom of the
   * screen by app.css, the rest of the panel hidden, so the map above takes the taps.
   */
  private pickBar(area: DraftArea, tally: DraftPickTally<Picked>): HTMLElement {
    const adding = this.adding!;
    const figures = this.pickFigures(tally);
    const refused = tally.refused.length;
    return pickBar({
      id: 'draft-pick',
      title: t('draftPickBarTitle', { name: this.label(area) }),
      figures: { text: figures.text, n: tally.accepted.length, ok: figures.ok },
      refused: refused ? { n: refused, text: t('pickBarLeftOut', { n: refused }) } : undefined,
      onCancel: () => this.stopAdding(),
      onDone: () => this.fold(adding, false),
    });
  }

  /**
   * Sends the plots the card sees the server taking. The ones its last answer refused stay refused (counted
   * apart, not sent again) until they are put back and picked anew.
   */
  private async add(area: DraftArea, adding: Adding, plots: readonly Picked[]): Promise<void> {
    adding.message = undefined;
    await this.sending(async () => {
      try {
        await sendJson(`/api/growing-areas/${area.id}/plots`, 'POST', { plotIds: plots.map((p) => p.id) });
      } catch (error) {
        if (await this.noLongerDraft(error)) return;
        await this.addRefused(area, adding, error);
        return;
      }
      const name = this.label(area);
      const n = plots.length;
      toast(() => t('draftAdded', { n, name }));
      adding.picker?.stop();
      this.adding = undefined;
      await this.events.changed();
    });
  }

  /** The server's refusal of an addition: each refused plot's reason under it, and a line saying nothing was added. */
  private async addRefused(area: DraftArea, adding: Adding, error: unknown): Promise<void> {
    const problems: unknown = error instanceof HttpError && error.status === 422 ? error.problem?.problems : undefined;
    const refusals = Array.isArray(problems)
      ? problems.map(readMembershipReason).filter((r): r is MembershipRefusal => r !== undefined)
      : [];
    const byPlot = refusals.filter((r) => r.plotId !== null && adding.picked.has(r.plotId));
    if (byPlot.length) {
      const others = [...new Set(byPlot.flatMap((r) => (r.otherAreaId === undefined ? [] : [r.otherAreaId])))];
      const names = new Map(await Promise.all(others.map(async (id) => [id, areaLabelText(await areaFacts(id))] as const)));
      for (const refusal of byPlot) {
        const plotId = refusal.plotId!;
        const before = adding.refused.get(plotId);
        const words = () => membershipText(refusal, { area: this.label(area), situation: 'pick', crops: this.crops, areas: names });
        adding.refused.set(plotId, before ? () => `${before()} ${words()}` : words);
      }
      adding.message = () => t('draftAddFailed', { detail: t('draftAddFailedPlots') });
      return;
    }
    const missing = error instanceof HttpError ? error.problem?.missing : undefined;
    if (Array.isArray(missing) && missing.length) {
      adding.message = () =>
        t('draftAddFailed', { detail: t('draftAddMissing', { ids: missing.map((id) => `#${String(id)}`).join(', ') }) });
      return;
    }
    const membership = await membershipRefusalWords(error, { id: area.id, situation: 'join' });
    adding.message = () => t('draftAddFailed', { detail: membership?.() ?? describeError(error) });
  }

  // Editing the profile

  private async openProfile(area: DraftArea): Promise<void> {
    this.message = undefined;
    await this.sending(async () => {
      try {
        this.editing = await this.readProfile(area.id, new Map());
      } catch (error) {
        this.message = () => t('draftEditLoadFailed', { detail: describeError(error) });
      }
    });
    this.element.querySelector<HTMLElement>('#draft-profile-form input')?.focus();
  }

  /** The profile as the features API has it now, with its ETag, in the form's inputs (the same inputs when given). */
  private async readProfile(id: number, inputs: Editing['inputs']): Promise<Editing> {
    const { etag, current } = await this.readCurrent(id);
    for (const field of PROFILE_EDIT_FIELDS) {
      const input = inputs.get(field) ?? this.makeInput(field);
      input.value = shownValue(current, field);
      inputs.set(field, input);
    }
    return { etag, current, inputs, problems: [], notes: new Map(), conflict: false };
  }

  /** The area's properties as the features API has them now, with their ETag. */
  private async readCurrent(id: number): Promise<{ etag: string; current: Record<string, unknown> }> {
    const response = await request(ITEM(id), { headers: { Accept: 'application/geo+json' }, cache: 'no-store' });
    const body = (await response.json()) as { properties?: Record<string, unknown> };
    return { etag: response.headers.get('ETag') ?? '', current: body.properties ?? {} };
  }

  private makeInput(field: ProfileEditField): HTMLInputElement | HTMLSelectElement {
    if (field === 'scheme') return h('select', { name: field, id: `draft-field-${field}` });
    if (field === 'crop') return h('select', { name: field, id: `draft-field-${field}` });
    const input = h('input', { name: field, id: `draft-field-${field}`, autocomplete: 'off' });
    if (field === 'households') {
      input.inputMode = 'numeric';
      input.pattern = '[0-9]*';
    }
    if (field === 'expected_yield_tonnes') input.inputMode = 'decimal';
    return input;
  }

  /** The choices of the two lists, worded at each render (a language switch), keeping the value chosen. */
  private fillChoices(editing: Editing): void {
    const scheme = editing.inputs.get('scheme') as HTMLSelectElement;
    const crop = editing.inputs.get('crop') as HTMLSelectElement;
    const keep = (select: HTMLSelectElement, options: [string, string][], fallback: string) => {
      const value = select.value || fallback;
      select.replaceChildren(...options.map(([v, text]) => h('option', { value: v }, text)));
      if (!options.some(([v]) => v === value)) select.append(h('option', { value }, value));
      select.value = value;
    };
    keep(
      scheme,
      SCHEME_KEYS.map(([v, key]) => [v, t(key)]),
      shownValue(editing.current, 'scheme'),
    );
    keep(
      crop,
      this.crops.map((c) => [c.code, cropName(this.crops, c.code)]),
      shownValue(editing.current, 'crop'),
    );
  }

  private profileForm(area: DraftArea, editing: Editing): HTMLElement {
    this.fillChoices(editing);
    const labels = PROFILE_EDIT_FIELDS.map((field) => {
      const input = editing.inputs.get(field)!;
      const problem = editing.problems.find((p) => p.field === field);
      const note = editing.notes.get(field);
      const label = t(FIELD_LABELS[field]);
      const text = problem ? fieldRefusalText(refusalFacts(problem), label) : note?.();
      input.setAttribute('aria-invalid', text ? 'true' : 'false');
      if (text) input.setAttribute('aria-describedby', `draft-field-${field}-error`);
      else input.removeAttribute('aria-describedby');
      return h(
        'label',
        {},
        label,
        input,
        text ? h('span', { class: 'form-error', id: `draft-field-${field}-error`, role: 'alert' }, text) : null,
      );
    });
    const form = h(
      'form',
      { class: 'lifecycle-form', id: 'draft-profile-form', novalidate: true },
      h('h5', {}, t('draftEditTitle')),
      ...labels,
      editing.conflict
        ? h(
            'div',
            { class: 'draft-conflict', id: 'draft-conflict', role: 'alert' },
            h('p', { class: 'form-error' }, t('draftEditConflict')),
            h(
              'button',
              {
                type: 'button',
                class: 'btn',
                id: 'draft-profile-reload',
                disabled: this.busy,
                onclick: () => void this.reloadProfile(area, editing),
              },
              t('draftEditReload'),
            ),
          )
        : null,
      editing.message ? h('p', { class: 'form-error', id: 'draft-profile-message', role: 'alert' }, editing.message()) : null,
      formButtons(
        {
          id: 'draft-profile-cancel',
          onCancel: () => {
            this.editing = undefined;
            this.redraw();
          },
        },
        { id: 'draft-profile-save', kind: 'primary', label: t('save'), busyLabel: t('saving'), busy: this.busy },
      ),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.saveProfile(area, editing);
    });
    return form;
  }

  private async reloadProfile(area: DraftArea, editing: Editing): Promise<void> {
    await this.sending(async () => {
      try {
        const fresh = await this.readProfile(area.id, editing.inputs);
        if (this.editing === editing) this.editing = fresh;
      } catch (error) {
        editing.message = () => t('draftEditLoadFailed', { detail: describeError(error) });
      }
    });
    // The card's rows show the name and crop: read the area again too.
    await this.events.changed();
  }

  private async saveProfile(area: DraftArea, editing: Editing): Promise<void> {
    const typed = Object.fromEntries([...editing.inputs].map(([field, input]) => [field, input.value])) as Record<ProfileEditField, string>;
    const { patch, problems } = profilePatch(editing.current, typed);
    editing.problems = problems;
    editing.notes.clear();
    editing.message = undefined;
    if (problems.length) {
      this.redraw();
      this.element.querySelector<HTMLElement>('#draft-profile-form [aria-invalid=true]')?.focus();
      return;
    }
    if (!Object.keys(patch).length) {
      this.editing = undefined;
      toast(() => t('draftEditNothing'));
      this.redraw();
      return;
    }
    await this.sending(async () => {
      const send = (etag: string) =>
        sendJson(ITEM(area.id), 'PATCH', { properties: patch }, { 'If-Match': etag, Accept: 'application/geo+json' });
      let merged = false;
      try {
        try {
          await send(editing.etag);
        } catch (error) {
          // Someone changed the dossier meanwhile (a colleague's edit, a plot joining, a farmer
          // renamed): when none of the fields sent was changed by them, the patch is sent again
          // over their copy; a field both changed is the officer's to decide (the reload below), and
          // so are a crop and a variety each changed by another side (the plots' merge rule).
          if (!(error instanceof HttpError && error.status === 412)) throw error;
          const fresh = await this.readCurrent(area.id).catch(() => undefined);
          const merge = fresh && mergeFields(PROFILE_EDIT_FIELDS, editing.current, { ...editing.current, ...patch }, fresh.current);
          if (!fresh || !merge || merge.conflicts.length) throw error;
          merged = merge.theirs.length > 0;
          await send(fresh.etag);
        }
      } catch (error) {
        await this.profileRefused(area, editing, error);
        return;
      }
      this.editing = undefined;
      if (merged) toast(() => t('draftEditMerged'), 'info', 8000);
      const name = typeof patch.name === 'string' ? `“${patch.name}”` : this.label(area);
      toast(() => t('draftEditSaved', { name }));
      await this.events.changed();
    });
  }

  private async profileRefused(area: DraftArea, editing: Editing, error: unknown): Promise<void> {
    if (error instanceof HttpError && error.status === 412) {
      editing.conflict = true;
      return;
    }
    if (await this.noLongerDraft(error)) return;
    const reasons: unknown = error instanceof HttpError && error.status === 422 ? error.problem?.reasons : undefined;
    const problems = Array.isArray(reasons) ? reasons.map(reasonProblem).filter((p): p is ProfileProblem => p !== undefined) : [];
    if (problems.length) {
      editing.problems = problems;
      return;
    }
    const crop = cropRefusal(error);
    if (crop) {
      editing.notes.set('crop', () =>
        t('draftCropMismatch', {
          plotCrops: crop.plotCrops.map((c) => cropName(this.crops, c).toLocaleLowerCase(lang())).join(', '),
          crop: cropName(this.crops, crop.requested).toLocaleLowerCase(lang()),
        }),
      );
      return;
    }
    editing.message = () => t('draftEditFailed', { detail: describeError(error) });
  }

  /**
   * The area left the draft meanwhile (someone submitted it): said in a toast, the section's forms
   * closed, and the card read again, showing the area as it is now without the section. False for
   * any other answer.
   */
  private async noLongerDraft(error: unknown): Promise<boolean> {
    if (!(error instanceof HttpError) || error.status !== 409 || error.problem?.reason !== NOT_DRAFT) return false;
    const status = error.problem?.growingAreaStatus;
    const words = () => t('draftNoLongerDraft', { status: isGrowingAreaStatus(status) ? statusLabel(status) : String(status ?? '') });
    toast(words, 'error', 8000);
    this.close();
    await this.events.changed();
    return true;
  }

  /** Runs a request with the section busy, drawing it before and after. */
  private async sending(run: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.redraw();
    try {
      await run();
    } finally {
      this.busy = false;
      this.redraw();
      // The answer lands under the list or the form, maybe below a phone's fold: bring it into view.
      this.element
        .querySelector('#draft-conflict, #draft-profile-message, #draft-add-message, #draft-message')
        ?.scrollIntoView({ block: 'nearest' });
    }
  }
}

/** A problem of the form as the shared field sentences take it. */
function refusalFacts(problem: ProfileProblem): FieldRefusalFacts {
  if (problem.kind === 'too-long') return { field: problem.field, kind: 'too-long', max: problem.max ?? 0 };
  return { field: problem.field, kind: problem.kind };
}

/** A refused crop change of the draft (its plots grow other crops): the crops they grow and the one asked for. */
function cropRefusal(error: unknown): { plotCrops: string[]; requested: string } | undefined {
  if (!(error instanceof HttpError) || error.status !== 422) return undefined;
  const list: unknown = Array.isArray(error.problem?.problems) ? error.problem.problems : error.problem?.reasons;
  if (!Array.isArray(list)) return undefined;
  for (const r of list as Record<string, unknown>[]) {
    if (r?.code !== 'PLOT_CROP_MISMATCH' || !Array.isArray(r.plotCrops) || typeof r.requestedCrop !== 'string') continue;
    return { plotCrops: r.plotCrops.filter((c): c is string => typeof c === 'string'), requested: r.requestedCrop };
  }
  return undefined;
}
