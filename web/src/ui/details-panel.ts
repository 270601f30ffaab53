import { PUBLIC_STATUSES, type GrowingAreaStatus } from '../../../server/domain/growing-area-lifecycle.ts';
import { describeError, HttpError } from '../api/http.ts';
import {
  featureProperties,
  forgetPropertySchemas,
  lookupParcel,
  propertySchemas,
  type ParcelPlanning,
  type PropertySchema,
} from '../api/lookups.ts';
import type { SessionUser } from '../api/session.ts';
import { formatNumber, t } from '../i18n/i18n.ts';
import { loadCrops, type Crop } from '../registration/crops.ts';
import type { PlotPicker } from '../registration/draft-section.ts';
import type { LifecycleArea, LifecycleCard } from '../registration/lifecycle-card.ts';
import type { PlotDiary } from '../registration/plot-diary.ts';
import type * as CardSectionsModule from '../registration/card-sections.ts';
import { lazy } from './lazy.ts';
import { clear, h } from './dom.ts';
import { CardNames } from './card-names.ts';
import { cardRows, titleOf, type CardRow } from './feature-format.ts';
import type { PickedFeature } from './pick-features.ts';
import { focusBackIfLost } from './focus-back.ts';
import { compareWithPlan, landUseGroups, planComparisonText, zoneControls, zoneGroups, type ShareGroup } from './parcel-planning.ts';
import { landUseCodes, landUseName, type LandUseCode } from './layer-panel.ts';

/** Groups whose full attributes the features API serves. */
const ENRICHED = new Set(['zones', 'growing_areas', 'plots', 'products', 'landuse']);

/** Groups that are collections of the features API, whose queryables title each property (the others are basemap layers). */
const COLLECTIONS = new Set([...ENRICHED, 'parcels', 'admin']);

export { pickFeatures, type PickedFeature } from './pick-features.ts';

type CardSections = typeof CardSectionsModule;

/** Who a card's contents were read for: 'guest', or the role and username of someone signed in. */
function viewerKeyOf(user: SessionUser | undefined): string {
  return user ? `${user.role}:${user.username}` : 'guest';
}

/** Whether two picks are the same feature (a card read again from other tiles is another object). */
function sameFeature(a: PickedFeature | undefined, b: PickedFeature): boolean {
  return a !== undefined && a.group === b.group && a.id !== undefined && String(a.id) === String(b.id);
}

/** The forms a person had open in a card when their session ended under them, as they typed them. */
type HeldForms = { user: SessionUser; feature: PickedFeature; lifecycle: LifecycleCard | undefined; diary: PlotDiary | undefined };

/** A growing area's rows the card changes (a draft's profile and plots): shown as the registry answers after the change. */
const PROFILE_ROWS = ['name', 'registrant_name', 'scheme', 'crop', 'variety', 'technical_officer', 'households', 'area_m2'] as const;

/** What the details panel needs to offer officers the lifecycle of a growing area. */
export type DetailsHost = {
  user(): SessionUser | undefined;
  refreshTiles(): Promise<void>;
  /** Taps on the map's plots go to `onPick` until stopped (a draft's card adding plots), the picked ones outlined. */
  pickPlots?(onPick: (id: number, tile: Record<string, unknown>) => boolean): PlotPicker;
  /** Whether a layer group is shown on the map now. */
  layerShown?(group: string): boolean;
  /** Turns a layer group on, in the layer panel and the view's link too. */
  showLayer?(group: string): void;
};

/** The details tab: a card per feature under the pointer, for a parcel the planner's view, for a growing area its lifecycle (staff). */
export class DetailsPanel {
  readonly element = h('section', { class: 'details-panel', 'aria-live': 'polite' });
  private picked: PickedFeature[] = [];
  private codes: LandUseCode[] = [];
  private planning = new Map<string, ParcelPlanning | string>();
  /** The features API's description (titles, types) of each enriched collection's properties, once read. */
  private schemas = new Map<string, Record<string, PropertySchema>>();
  private crops: readonly Crop[] | undefined;
  private lifecycle: LifecycleCard | undefined;
  /** The feature id the lifecycle card was made for (after a re-issue, the new version's). */
  private lifecycleFor: number | undefined;
  private diary: PlotDiary | undefined;
  /** Names of the communes and growing areas the cards' codes and ids stand for. */
  private readonly names = new CardNames(() => this.render());
  /** Where Escape from the cards sends the keyboard: the search box the card was opened from, if it was. */
  private returnFocus: (() => void) | undefined;
  /** The lifecycle and diary sections, once fetched (only for someone signed in: see sectionsFor). */
  private sections: CardSections | undefined;
  private sectionsRequested = false;
  /** Who the shown cards (their registry reads, the lifecycle and diary with what was typed) were read for. */
  private cardsViewer = 'guest';
  /**
   * The forms of the person whose session ended under an open card (another tab signed out, the
   * cookie expired): drawn above the cards, only the forms as typed, until another card is opened or
   * someone else signs in; signing in again as them puts the forms back into their card.
   */
  private held: HeldForms | undefined;
  /** Bumped whenever the cards are read for another viewer: an answer read for the one before is dropped. */
  private generation = 0;
  /**
   * The card whose features-API read failed for want of a network or a server (a weak link): it shows
   * its tile's facts, says so, and is read again with "Thử lại" or once the browser is back online.
   */
  private unread: { feature: PickedFeature; reason: string } | undefined;
  /** "Mở hồ sơ vùng trồng" whose read of the area failed, for the cards shown then (generation). */
  private areaLinkFailed: { areaId: number; generation: number; error: unknown } | undefined;

  constructor(
    private readonly onSelect: (feature: PickedFeature | undefined) => void,
    private readonly onCopyLink: () => void,
    private readonly host?: DetailsHost,
  ) {
    this.render();
    this.element.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape' || event.defaultPrevented || !this.returnFocus) return;
      event.preventDefault();
      this.returnFocus();
    });
    window.addEventListener('online', () => {
      if (this.unread) void this.enrich(this.unread.feature);
    });
  }

  /** Catalogues being read or read, by name. */
  private readonly requested = new Set<string>();

  /** Reads a catalogue the cards need once, keeps it and redraws; forgets the attempt if it fails. */
  private loadOnce<T>(name: string, load: () => Promise<T>, keep: (value: T) => void): void {
    if (this.requested.has(name)) return;
    this.requested.add(name);
    load().then(
      (value) => {
        keep(value);
        this.render();
      },
      () => this.requested.delete(name),
    );
  }

  /**
   * Reads the land-use and crop names the cards show in place of codes (a few KB). Called once the
   * first view is drawn, so that on a weak link a card tapped later reads "Xoài", not "mango",
   * from the start; until they are here (or if reading failed: tried again on the next card) codes
   * stand for themselves.
   */
  prefetchNames(): void {
    this.loadOnce('codes', landUseCodes, (codes) => (this.codes = codes));
    this.loadOnce('crops', loadCrops, (crops) => (this.crops = crops));
  }

  show(features: PickedFeature[], read = false): void {
    this.prefetchNames();
    this.picked = features;
    this.generation++;
    // Another card than the one whose forms are held: they go (an inspection's draft stays on the phone).
    if (this.held && !sameFeature(features[0], this.held.feature)) this.held = undefined;
    this.cardsViewer = viewerKeyOf(this.host?.user());
    // A card opened by a click on the map has no search box to go back to.
    this.returnFocus = undefined;
    this.loadSchemas(features);
    // A new click reads the registry again: the area may have moved since the card was made.
    this.lifecycle = undefined;
    this.lifecycleFor = undefined;
    this.diary = undefined;
    this.render();
    // New cards are read from their title: the panel's body keeps its scroll across tabs, and a plot
    // tapped low in a scrolled "my plots" list opened its card scrolled past its title. A microtask,
    // so the page has put the panel into the body by then (it shows the tab right after this call).
    queueMicrotask(() => this.element.parentElement?.scrollTo({ top: 0 }));
    const first = features[0];
    if (first?.group === 'parcels') void this.loadPlanning(first);
    else if (first && !read) void this.enrich(first);
  }

  /** A guest may not read an area under review (the API answers 404): its tile's facts are all there is. */
  private mayRead(feature: PickedFeature): boolean {
    const status = feature.properties.status;
    return !(
      feature.group === 'growing_areas' &&
      !this.viewer() &&
      typeof status === 'string' &&
      !PUBLIC_STATUSES.includes(status as GrowingAreaStatus)
    );
  }

  /**
   * Opens again the card a sign-out or an ended session closed, from the features API as the viewer
   * signed in now reads it, without waiting for the map: on a loaded phone the new viewer's tiles may
   * not all rest for a long while (they are revalidated every few seconds, each on its own clock), and
   * a card that waited for them once never came. `gone` when this viewer may not read it (a guest and
   * an area under review: 404) or the read failed. False for groups whose card is their tiles' (the
   * features API does not describe them in full): the caller waits for the new viewer's tiles.
   */
  reopen(closed: PickedFeature, stillAsked: () => boolean, gone: () => void): boolean {
    const { group, id } = closed;
    if (id === undefined || !ENRICHED.has(group)) return false;
    if (!this.mayRead(closed)) {
      gone();
      return true;
    }
    const generation = this.generation;
    // The viewer changed again, or another card opened, while this was read: not this card's to show.
    const wanted = () => generation === this.generation && stillAsked();
    featureProperties(group, id).then(
      (properties) => {
        if (wanted()) this.show([{ group, id, properties }], true);
      },
      () => {
        if (wanted()) gone();
      },
    );
    return true;
  }

  /**
   * Reads the features API's description of every shown card's collection (once each), so every
   * card, not only the first, labels its properties in the language shown instead of by their names
   * (cert_sheet, commune_ref_date, map_id).
   */
  private loadSchemas(features: PickedFeature[]): void {
    for (const group of new Set(features.map((f) => f.group))) {
      if (!COLLECTIONS.has(group) || this.schemas.has(group)) continue;
      void propertySchemas(group).then((schema) => {
        if (Object.keys(schema).length === 0 || this.schemas.has(group)) return;
        this.schemas.set(group, schema);
        if (this.picked.some((f) => f.group === group)) this.render();
      });
    }
  }

  /** Tiles carry few attributes at low zooms; the features API has them all (as far as this viewer may see). */
  private async enrich(feature: PickedFeature): Promise<void> {
    if (feature.id === undefined || !ENRICHED.has(feature.group) || !this.mayRead(feature)) return;
    const generation = this.generation;
    try {
      const [full, schema] = await Promise.all([featureProperties(feature.group, feature.id), propertySchemas(feature.group)]);
      // Read for the viewer before a sign-in or sign-out: not this viewer's to show.
      if (generation !== this.generation) return;
      this.schemas.set(feature.group, schema);
      feature.properties = { ...full, ...feature.properties };
      if (this.unread?.feature === feature) this.unread = undefined;
      if (this.picked.includes(feature)) this.render();
    } catch (error) {
      // Refused (not this viewer's to read): the tile's attributes are all this viewer gets, and the
      // card already shows them. Not read (no network, a failing server): the card says it is partial.
      const unreachable = error instanceof HttpError && (error.status === 0 || error.status >= 500);
      if (!unreachable || generation !== this.generation || !this.picked.includes(feature)) return;
      // Short: the card says the rest (what it shows, and the button to read again).
      this.unread = { feature, reason: error.status === 0 ? t('errorNoNetwork') : describeError(error) };
      if (this.picked[0] === feature) this.render();
    }
  }

  /** Under a card whose full description could not be read: what it shows instead, and a retry. */
  private unreadNote(feature: PickedFeature): HTMLElement | undefined {
    if (this.unread?.feature !== feature) return undefined;
    const retry = h('button', { type: 'button', class: 'btn', id: 'card-unread-retry' }, t('cardUnreadRetry'));
    retry.addEventListener('click', () => {
      retry.disabled = true;
      // Drawn again either way: the keyboard goes to the new button (failed again) or the card's title.
      void this.enrich(feature).finally(() => {
        const next =
          this.element.querySelector<HTMLElement>('#card-unread-retry') ??
          this.element.querySelector<HTMLElement>('.feature-card.is-primary > h3');
        if (next) focusBackIfLost(next);
      });
    });
    return h(
      'p',
      { class: 'form-warning', id: 'card-unread', role: 'status' },
      t('cardUnread', { reason: this.unread.reason }),
      ' ',
      retry,
    );
  }

  /**
   * The card sections for signed-in people, fetched once someone signs in (at sign-in, not at the
   * first click, so an officer's card opens whole, and the service worker keeps the file for the
   * field); undefined until they are here, and the cards are drawn again then.
   */
  private sectionsFor(): CardSections | undefined {
    const role = this.viewer()?.role;
    if (this.sections || (role !== 'officer' && role !== 'admin' && role !== 'farmer')) return this.sections;
    if (!this.sectionsRequested) {
      this.sectionsRequested = true;
      lazy(
        // A fetch that failed (lazy() tells the person) is tried again at the next sign-in or card.
        () =>
          import('../registration/card-sections.ts').catch((error: unknown) => ((this.sectionsRequested = false), Promise.reject(error))),
        (module) => {
          this.sections = module;
          this.render();
        },
      );
    }
    return undefined;
  }

  /**
   * Someone signed in or out. The same person back after their session ended finds their card open
   * again, read for them, with the forms they had open in it as they left them (resume). Signed in
   * from a guest's card: the card is read again for them and the growing-area card shows the
   * officer's lifecycle. Anyone else after someone signed in (a sign-out, on a shared phone): the
   * cards close at once, nothing of the last person's stays in the page (a farmer's name and phone,
   * what the tiles carried for them), and the card they had open is answered, to be opened again
   * from the new viewer's own tiles and reads (reopen).
   */
  userChanged(): PickedFeature | undefined {
    const user = this.host?.user();
    const held = this.held;
    this.held = undefined;
    if (held && user && viewerKeyOf(user) === viewerKeyOf(held.user)) return this.resume(held);
    return this.viewerChanged();
  }

  /** The cards follow the viewer the host says is signed in now: see userChanged. */
  private viewerChanged(): PickedFeature | undefined {
    const next = viewerKeyOf(this.host?.user());
    const before = this.cardsViewer;
    this.cardsViewer = next;
    this.sectionsFor();
    if (next === before) {
      this.render();
      return undefined;
    }
    this.generation++;
    this.lifecycle = undefined;
    this.lifecycleFor = undefined;
    this.diary = undefined;
    // The properties' titles differ by viewer too (an officer's include the farmer's phone).
    this.schemas.clear();
    forgetPropertySchemas();
    if (before === 'guest') {
      this.loadSchemas(this.picked);
      for (const feature of this.picked) void this.enrich(feature);
      this.render();
      return undefined;
    }
    const closed = this.picked[0];
    this.picked = [];
    this.returnFocus = undefined;
    this.render();
    return closed;
  }

  /**
   * The session ended under the page (a request was answered 401; the host shows a guest now). As at
   * a sign-out the cards close, nothing read for `previous` stays in the page (a farmer's name, phone
   * and citizen ID), and the open card is answered, to be read again as a guest's (reopen). The forms
   * `previous` had open in it stay, only the forms and as typed, above the cards, for them to sign in
   * again and save (an ended session is no one's choice to leave).
   */
  sessionEnded(previous: SessionUser): PickedFeature | undefined {
    const feature = this.picked[0];
    const lifecycle = this.lifecycle?.hasOpenForm() ? this.lifecycle : undefined;
    const diary = this.diary?.hasOpenForm() ? this.diary : undefined;
    this.held = undefined;
    const closed = this.viewerChanged();
    if (feature && (lifecycle || diary)) {
      lifecycle?.hold(true);
      diary?.hold(true);
      this.held = { user: previous, feature, lifecycle, diary };
      this.render();
    }
    return closed;
  }

  /**
   * The person whose session ended is back: their card opens again (the one the guest's tiles opened,
   * or, when a guest could not see it, the one they had), read for them, with their forms in it.
   */
  private resume(held: HeldForms): undefined {
    this.cardsViewer = viewerKeyOf(held.user);
    this.generation++;
    this.schemas.clear();
    forgetPropertySchemas();
    this.sectionsFor();
    // Their own feature, not the guest's copy of it: the lifecycle card updates that one after a step.
    const reopened = sameFeature(this.picked[0], held.feature);
    this.picked = [held.feature, ...this.picked.filter((f) => !sameFeature(f, held.feature))];
    if (!reopened) this.onSelect(held.feature);
    // lifecycleOf and diaryOf take them up for the card of this id, instead of making new ones.
    this.lifecycle = held.lifecycle;
    this.lifecycleFor = held.lifecycle ? Number(held.feature.id) : undefined;
    this.diary = held.diary;
    held.lifecycle?.hold(false);
    held.diary?.hold(false);
    this.loadSchemas(this.picked);
    for (const feature of this.picked) void this.enrich(feature);
    this.render();
    return undefined;
  }

  /** Who the cards are drawn for: whoever is signed in. */
  private viewer(): SessionUser | undefined {
    return this.host?.user();
  }

  current(): PickedFeature | undefined {
    return this.picked[0];
  }

  /**
   * Keeps the keyboard in the panel while a search hit is flown to (its card comes once its tiles
   * are here, seconds later on a weak link): the search box let go of it, and on the page's body a
   * screen reader says nothing and Tab starts over. Escape meanwhile goes back to `returnTo`.
   */
  awaitCard(returnTo: () => void, holder: HTMLElement): void {
    this.returnFocus = returnTo;
    // The panel's frame, not this section: the tabs swap the section in and out, which drops a focus inside it.
    holder.tabIndex = -1;
    holder.focus({ preventScroll: true });
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || document.activeElement !== holder) return;
      event.preventDefault();
      returnTo();
    };
    holder.addEventListener('keydown', onKey);
    holder.addEventListener('blur', () => holder.removeEventListener('keydown', onKey), { once: true });
  }

  /**
   * Puts the keyboard on the first card's title (a screen reader reads it) once a search opened it;
   * Escape from the cards goes back to `returnTo` (the search box).
   */
  focusCard(returnTo: () => void): void {
    this.returnFocus = returnTo;
    this.element.querySelector<HTMLElement>('.feature-card.is-primary > h3')?.focus({ preventScroll: false });
  }

  render(): void {
    // The card is drawn again as the registry's answers come in (its full description a moment after
    // it opened from its tile): the keyboard stays where it was, on the title or on the control with
    // the same id (a button pressed just before, whose own answer failed), not sent to <body>.
    const active = document.activeElement;
    const inside = !!active && this.element.contains(active);
    const titleFocused = inside && active.matches('.feature-card.is-primary > h3');
    const focusedId = inside && !titleFocused && active.id ? active.id : undefined;
    this.draw();
    if (titleFocused) this.element.querySelector<HTMLElement>('.feature-card.is-primary > h3')?.focus({ preventScroll: true });
    else if (focusedId) {
      const again = this.element.querySelector<HTMLElement>(`#${CSS.escape(focusedId)}`);
      if (again) focusBackIfLost(again);
    }
  }

  private draw(): void {
    clear(this.element);
    this.element.append(h('h2', { class: 'panel-title' }, t('details')));
    if (this.held) this.element.append(this.heldForms(this.held));
    if (this.picked.length === 0) {
      if (!this.held) this.element.append(h('p', { class: 'hint' }, t('clickHint')));
      return;
    }
    // Cards that would read the same say nothing more: offline, or at a zoom whose tiles carry only a
    // land-use code, two neighbouring parcels are both "Thửa đất · ODT". One card stands for them.
    const shown = new Set<string>();
    this.picked.forEach((feature, index) => {
      const rows = this.rowsOf(feature);
      const text = JSON.stringify([feature.group, titleOf(feature.group, feature.properties), rows]);
      if (index > 0 && shown.has(text)) return;
      shown.add(text);
      this.element.append(this.card(feature, rows, index === 0));
    });
  }

  /** The forms whose session ended under them, above the cards: what they are, and what to do to save them. */
  private heldForms(held: HeldForms): HTMLElement {
    const section = h(
      'section',
      { class: 'held-forms', id: 'held-forms' },
      h('p', { class: 'form-warning', id: 'held-forms-note', role: 'status' }, t('sessionEndedFormsKept')),
    );
    for (const part of [held.lifecycle, held.diary]) {
      if (!part) continue;
      part.render();
      section.append(part.element);
    }
    return section;
  }

  /** A card's lines, with the names of what its codes and ids stand for as far as they are known. */
  private rowsOf(feature: PickedFeature): CardRow[] {
    const p = feature.properties;
    const role = this.viewer()?.role;
    const staff = role === 'officer' || role === 'admin';
    // A parcel's commune is named as its survey named it (the lookup's, on the first card); any card's
    // is said former when that unit is no longer in force, a secondary card's too (audit s17).
    const surveyName = feature.group === 'parcels' ? this.communeNameOf(feature) : undefined;
    const commune = this.names.communeOnCard(p.commune_code, surveyName);
    return cardRows(feature.group, p, {
      describeCode: (code: string) => landUseName(this.codes, code),
      schema: this.schemas.get(feature.group),
      crops: this.crops,
      communeName: commune?.name ?? surveyName,
      communeFormer: commune?.former,
      communeToday: commune?.today,
      // A draft area is its officers' alone, and an area under review is not yet the public's (a
      // guest or a planner would be refused its name); a farmer reads their own areas but drafts.
      growingAreaName:
        feature.group === 'plots' &&
        (staff ||
          (role === 'farmer' ? p.status !== 'draft' && p.status !== undefined : PUBLIC_STATUSES.includes(p.status as GrowingAreaStatus)))
          ? this.names.growingArea(p.growing_area_id)
          : undefined,
    });
  }

  private card(feature: PickedFeature, rows: CardRow[], primary: boolean): HTMLElement {
    const card = h(
      'article',
      { class: `feature-card${primary ? ' is-primary' : ''}`, 'data-group': feature.group, 'data-id': String(feature.id ?? '') },
      // The first card's title takes the focus after a search (focusCard); the others are reached by their buttons.
      h('h3', primary ? { tabindex: '-1' } : {}, titleOf(feature.group, feature.properties)),
      primary ? this.unreadNote(feature) : undefined,
      h(
        'dl',
        {},
        ...rows.flatMap((row) => [
          h('dt', {}, row.label),
          h(
            'dd',
            {},
            row.whole ? h('span', { class: 'code-whole' }, row.value) : row.value,
            // A code kept whole: it moves to the next line as one rather than breaking at a hyphen.
            ...(row.code ? [' ', h('small', { class: 'card-code code-whole' }, row.code)] : []),
          ),
        ]),
      ),
    );
    if (primary) {
      card.append(
        h(
          'div',
          { class: 'card-actions' },
          h('button', { type: 'button', class: 'btn', onclick: () => this.onCopyLink() }, t('copyLink')),
          this.farmerEditOf(feature),
          this.areaLinkOf(feature),
        ),
      );
      if (feature.group === 'parcels') card.append(this.plannerSection(feature));
      const lifecycle = this.lifecycleOf(feature);
      if (lifecycle) {
        // Status and next steps are what the officer came for: right under the title, above the long attribute list.
        lifecycle.render();
        card.querySelector('h3')?.after(lifecycle.element);
      }
      const diary = this.diaryOf(feature);
      if (diary) {
        diary.render();
        card.append(diary.element);
      }
    } else {
      card.addEventListener('click', () => {
        this.picked = [feature, ...this.picked.filter((f) => f !== feature)];
        this.onSelect(feature);
        this.render();
        if (feature.group === 'parcels') void this.loadPlanning(feature);
        else void this.enrich(feature);
      });
      card.classList.add('is-secondary');
    }
    return card;
  }

  /**
   * "Sửa thông tin nông hộ" on a plot's card, for the officers of the farmer's commune (the registry
   * refuses anyone else): the farmer form, filled in from the registry. The card's farmer rows
   * follow what was saved.
   */
  private farmerEditOf(feature: PickedFeature): HTMLButtonElement | null {
    const user = this.viewer();
    const farmerId = Number(feature.properties.farmer_id);
    if (
      feature.group !== 'plots' ||
      !user ||
      (user.role !== 'officer' && user.role !== 'admin') ||
      !Number.isSafeInteger(farmerId) ||
      farmerId < 1
    )
      return null;
    const sections = this.sectionsFor();
    if (!sections) return null;
    const button = h('button', { type: 'button', class: 'btn', id: 'card-farmer-edit' }, t('farmerEdit'));
    const note = () => h('p', { class: 'form-error', id: 'card-farmer-edit-error', role: 'alert' });
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        const farmer = await sections.openFarmerForm({ communes: user.communes, farmerId });
        if (!farmer) return;
        const shown: Record<string, unknown> = {
          farmer_name: farmer.fullName,
          farmer_phone: farmer.phone,
          farmer_citizen_id: farmer.citizenId,
        };
        const changed = Object.fromEntries(Object.entries(shown).filter(([key]) => key in feature.properties));
        feature.properties = { ...feature.properties, ...changed };
        this.render();
        // The card is drawn anew, this button with it: the keyboard goes on from the new one, not from the page's start.
        this.element.querySelector<HTMLElement>('#card-farmer-edit')?.focus({ preventScroll: true });
      } catch (error) {
        // The farmer could not be read (no signal, another commune's): said beside the button.
        const said = note();
        said.textContent = t('farmerLoadFailed', { detail: describeError(error) });
        button.parentElement?.querySelector('#card-farmer-edit-error')?.remove();
        button.after(said);
      } finally {
        button.disabled = false;
        // Disabled while the farmer was read, the button lost the focus the closing form would give
        // back to it: the keyboard goes on from here, not from the page's start. The card may have
        // been drawn anew while the form was open (its tiles came again after an edit, the language
        // changed): the keyboard then goes to the new card's button.
        focusBackIfLost(button.isConnected ? button : (this.element.querySelector<HTMLElement>('#card-farmer-edit') ?? button));
      }
    });
    return button;
  }

  /**
   * "Mở hồ sơ vùng trồng" on the card of a plot in a growing area, for officers and admins: the area's
   * card with its lifecycle. A tap inside an area picks the plot under it first, and the area's card
   * came last, below the plot's diary, with nothing saying its status and steps were there.
   */
  private areaLinkOf(feature: PickedFeature): DocumentFragment | null {
    const role = this.viewer()?.role;
    const areaId = Number(feature.properties.growing_area_id);
    if (feature.group !== 'plots' || (role !== 'officer' && role !== 'admin') || !Number.isSafeInteger(areaId) || areaId < 1) return null;
    const button = h('button', { type: 'button', class: 'btn', id: 'card-open-area' }, t('plotOpenArea'));
    const failedNote = (error: unknown) =>
      h('p', { class: 'form-error', id: 'card-open-area-error', role: 'alert' }, t('plotOpenAreaFailed', { detail: describeError(error) }));
    button.addEventListener('click', async () => {
      const generation = this.generation;
      // The area's card picked with the plot (the tap was inside it) has its tile's facts; else they are read.
      let area = this.picked.find((f) => f.group === 'growing_areas' && Number(f.id) === areaId);
      if (!area) {
        button.disabled = true;
        try {
          area = { group: 'growing_areas', id: areaId, properties: await featureProperties('growing_areas', areaId) };
        } catch (error) {
          // Said beside the button, and again when the card is drawn again (its full description
          // coming in), until another card opens.
          this.areaLinkFailed = { areaId, generation, error };
          button.parentElement?.querySelector('#card-open-area-error')?.remove();
          button.after(failedNote(error));
          return;
        } finally {
          button.disabled = false;
          // Disabled during the read, the button lost the focus: on a failed read the keyboard stays
          // here, beside the error (an answer moves it to the area's card below).
          focusBackIfLost(button);
        }
        // Another card was opened meanwhile: this answer is not wanted.
        if (generation !== this.generation) return;
      }
      const opened = area;
      this.areaLinkFailed = undefined;
      this.show([opened, ...this.picked.filter((f) => f !== opened)]);
      this.onSelect(opened);
      this.element.querySelector<HTMLElement>('.feature-card.is-primary > h3')?.focus({ preventScroll: false });
    });
    const out = document.createDocumentFragment();
    out.append(button);
    const failed = this.areaLinkFailed;
    if (failed?.areaId === areaId && failed.generation === this.generation) out.append(failedNote(failed.error));
    return out;
  }

  /** The lifecycle card of a growing area for officers and admins (the registry refuses everyone else). */
  private lifecycleOf(feature: PickedFeature): LifecycleCard | undefined {
    const role = this.viewer()?.role;
    const id = Number(feature.id);
    if (feature.group !== 'growing_areas' || (role !== 'officer' && role !== 'admin') || !Number.isInteger(id)) return undefined;
    const sections = this.sectionsFor();
    if (!sections) return undefined;
    if (this.lifecycleFor !== id) {
      this.lifecycleFor = id;
      this.lifecycle = new sections.LifecycleCard(
        id,
        {
          onChanged: (area: LifecycleArea) => {
            // The card's rows come from the tile: show the registry's new status and code there too.
            // A draft's profile edited on the card: the rows it shows of it follow (only those it shows).
            const profile = area as unknown as Record<string, unknown>;
            const edited = PROFILE_ROWS.filter((key) => key in feature.properties && key in profile).map((key) => [
              key,
              key === 'area_m2' && profile[key] !== null ? Number(profile[key]) : profile[key],
            ]);
            feature.properties = { ...feature.properties, ...Object.fromEntries(edited), status: area.status, code: area.code };
            // A re-issue made a new version: the card, its highlight and its shared link now name that one.
            if (area.id !== Number(feature.id)) {
              feature.id = area.id;
              this.lifecycleFor = area.id;
              this.onSelect(feature);
            }
            this.render();
          },
          refreshTiles: () => this.host?.refreshTiles() ?? Promise.resolve(),
          viewer: () => this.viewer(),
          ...(this.host?.pickPlots
            ? { pickPlots: (onPick: (id: number, tile: Record<string, unknown>) => boolean) => this.host!.pickPlots!(onPick) }
            : {}),
        },
        // The tile's status and code: all the card can show of an area when no signal reaches the registry.
        feature.properties,
      );
    }
    return this.lifecycle;
  }

  /** A plot's farm diary: staff read and write it (the registry checks the commune), a farmer reads their own; guests get none. */
  private diaryOf(feature: PickedFeature): PlotDiary | undefined {
    const role = this.viewer()?.role;
    const id = Number(feature.id);
    if (feature.group !== 'plots' || !Number.isInteger(id) || (role !== 'officer' && role !== 'admin' && role !== 'farmer'))
      return undefined;
    const sections = this.sectionsFor();
    if (!sections) return undefined;
    if (this.diary?.plotId !== id)
      this.diary = new sections.PlotDiary(id, { canWrite: role !== 'farmer', farmer: role === 'farmer', viewer: this.viewer() });
    return this.diary;
  }

  /** The commune's name from the parcel's planning answer, once it is here. */
  private communeNameOf(feature: PickedFeature): string | undefined {
    if (feature.group !== 'parcels') return undefined;
    const answer = this.planning.get(this.planningKey(feature));
    return typeof answer === 'object' ? answer.communeName : undefined;
  }

  private planningKey(feature: PickedFeature): string {
    return `${feature.group}:${feature.id ?? JSON.stringify(feature.properties)}`;
  }

  private async loadPlanning(feature: PickedFeature): Promise<void> {
    const key = this.planningKey(feature);
    if (this.planning.has(key)) return;
    this.planning.set(key, undefined as unknown as string);
    try {
      // Below z16 a parcel tile carries only its land-use code: read the certificate key from the features API.
      let p = feature.properties;
      if ((p.sheet === undefined || p.parcel_no === undefined) && feature.id !== undefined) {
        p = { ...(await featureProperties('parcels', feature.id)), ...p };
        feature.properties = p;
      }
      if (p.commune_code === undefined || p.sheet === undefined || p.parcel_no === undefined) throw new Error(t('nothingHere'));
      const answer = await lookupParcel({
        id: feature.id,
        commune: String(p.commune_code),
        sheet: Number(p.sheet),
        parcel: Number(p.parcel_no),
      });
      this.planning.set(key, answer ?? t('nothingHere'));
    } catch (error) {
      this.planning.set(key, describeError(error));
    }
    this.render();
  }

  private plannerSection(feature: PickedFeature): HTMLElement {
    const answer = this.planning.get(this.planningKey(feature));
    const section = h('section', { class: 'planner' }, h('h4', {}, t('plannerView')));
    if (!answer) {
      section.append(h('p', { class: 'hint' }, t('loadingPlanning')));
    } else if (typeof answer === 'string') {
      section.append(h('p', { class: 'hint' }, t('lookupUnavailable', { detail: answer })));
    } else {
      if (answer.areaM2 !== undefined)
        section.append(h('p', { class: 'hint' }, `${t('planningMeasuredArea')}: ${formatNumber(answer.areaM2, 1)} m²`));
      const zones = zoneGroups(answer.zones);
      if (zones.every((g) => g.rows.length === 0)) section.append(h('p', { class: 'hint' }, t('noZones')));
      else {
        section.append(this.sharesTable(t('zonesTouching'), zones, 'zones'));
        // The zoning lots are off at first: the lots the card lists would be nowhere on the map.
        const host = this.host;
        if (host?.showLayer && host.layerShown?.('zones') === false)
          section.append(
            h(
              'button',
              {
                type: 'button',
                class: 'btn show-zones',
                onclick: () => {
                  host.showLayer!('zones');
                  this.render();
                },
              },
              t('showZonesOnMap'),
            ),
          );
      }
      const landUses = landUseGroups(answer.landUses);
      if (landUses.some((g) => g.rows.length > 0)) section.append(this.sharesTable(t('landUsesTouching'), landUses, 'landuse'));
      // Today's use against the plan in words: the two tables alone leave the planner to compare them row by row.
      const comparison = compareWithPlan(landUses);
      if (comparison)
        section.append(h('p', { class: 'plan-comparison', 'data-verdict': comparison.verdict }, planComparisonText(comparison)));
    }
    return section;
  }

  /** One table of shares, a heading row per plan or land-use map, then its lots or land uses with m² and %. */
  private sharesTable(title: string, groups: ShareGroup[], kind: 'zones' | 'landuse'): HTMLElement {
    const bodies = groups
      .filter((g) => g.rows.length > 0)
      .map((group) =>
        h(
          'tbody',
          { 'data-group': group.key },
          h(
            'tr',
            { class: 'shares-group' },
            h(
              'th',
              { colspan: 3, scope: 'rowgroup' },
              h('span', { class: 'shares-title' }, group.title),
              group.note && group.note !== group.title ? h('small', {}, group.note) : null,
            ),
          ),
          ...group.rows.map((s) => {
            const label = kind === 'landuse' ? landUseName(this.codes, s.code) : (s.label ?? '');
            const controls = kind === 'zones' ? zoneControls(s.details) : '';
            return h(
              'tr',
              { 'data-code': s.code },
              h('td', {}, h('code', {}, s.code), ' ', label, controls ? h('div', { class: 'zone-controls' }, controls) : null),
              h('td', { class: 'num' }, formatNumber(s.shareM2, 1)),
              h('td', { class: 'num' }, formatNumber(s.sharePct, 1)),
            );
          }),
          group.slivers
            ? h('tr', { class: 'shares-slivers' }, h('td', { colspan: 3, class: 'hint' }, t('planningSlivers', { count: group.slivers })))
            : null,
        ),
      );
    return h(
      'table',
      { class: 'shares', 'data-kind': kind },
      h('caption', {}, title),
      h('thead', {}, h('tr', {}, h('th', {}, ''), h('th', { class: 'num' }, t('shareM2')), h('th', { class: 'num' }, t('sharePct')))),
      ...bodies,
    );
  }
}
