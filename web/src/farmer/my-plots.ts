import type { FeatureCollection, Polygon } from 'geojson';
import { STATUS_DECISION_LABELS, statusDecisionText } from '../../../server/domain/growing-area-lifecycle.ts';
import type { GeoJSONSource } from 'maplibre-gl';
import { describeError, getJson, HttpError } from '../api/http.ts';
import type { SessionUser } from '../api/session.ts';
import { formatNumber, lang, t, type Lang } from '../i18n/i18n.ts';
import type { MessageKey } from '../i18n/vi.ts';
import type { MapHandle } from '../map/create-map.ts';
import { sheetPadding } from '../map/fit-padding.ts';
import { DiaryDisclosure } from '../registration/plot-diary.ts';
import { readKept } from '../registration/registry-reads.ts';
import { dateTime } from '../ui/feature-format.ts';
import { clear, h } from '../ui/dom.ts';
import { myPlotsName } from '../ui/panel-tabs.ts';
import { parcelName, type NamedParcel } from '../ui/parcel-name.ts';
import type { SearchHit } from '../ui/search-box.ts';

/** A plot as "my plots" lists it (GET /api/me/plots and /api/farmer-cards/:code/plots). */
export type MyPlot = {
  id: number;
  crop: string;
  crop_name_vi?: string;
  crop_name_en?: string;
  variety?: string | null;
  area_m2: number;
  growing_area_code?: string | null;
  growing_area_status?: string | null;
  /** The decision that took the area's code out of force, while it is out (suspended or revoked). */
  status_decision_no?: string | null;
  status_decided_on?: string | null;
  status_reason?: string | null;
  /** The cadastral parcel holding most of the plot, and how many parcels it covers. */
  main_parcel?: (NamedParcel & { commune: string }) | null;
  parcel_count?: number;
  geometry: Polygon;
};

/** Where a plot lies in the cadastre, as a farmer's land certificate says it: "Tờ 6 thửa 192, Xã Tân Thuận Tây cũ" (and how many more). */
export function parcelText(plot: MyPlot): string | undefined {
  const main = plot.main_parcel;
  if (!main) return undefined;
  const more = Math.max(0, (plot.parcel_count ?? 1) - 1);
  const ref = parcelName(main);
  return more ? t('myPlotsParcelMore', { ref, n: more }) : ref;
}

/**
 * Why a plot's code is out of force, as the card and the public lookup word it: "Quyết định tạm đình
 * chỉ: 45/QĐ-SNN ngày 30/11/2026, lý do: …". A farmer whose code is suspended needs to know what to
 * put right; undefined while the code is in force.
 */
export function outOfForceText(plot: MyPlot, language: Lang): string | undefined {
  const state = plot.growing_area_status;
  if ((state !== 'suspended' && state !== 'revoked') || typeof plot.status_decided_on !== 'string') return undefined;
  const decision = { decisionNo: plot.status_decision_no ?? null, decidedOn: plot.status_decided_on, reason: plot.status_reason ?? null };
  return `${STATUS_DECISION_LABELS[state][language]}: ${statusDecisionText(decision, language)}`;
}

const CARD_KEY = 'bando.farmerCard';

const MINE_SOURCE = 'my-plots';
const MINE_LAYERS = ['my-plots-casing', 'my-plots-line'];
// Fitted once per page: later openings of the tab keep the view the farmer has moved to.
let fitted = false;

function bboxOf(geometries: Polygon[]): [number, number, number, number] {
  const ring = geometries.flatMap((g) => g.coordinates.flat());
  const xs = ring.map((c) => c[0]!);
  const ys = ring.map((c) => c[1]!);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

/** Outlines a farmer's own plots over every layer, at every zoom (the plots layer starts at z13). */
function outline(handle: MapHandle, plots: MyPlot[]): void {
  const { map } = handle;
  const data: FeatureCollection<Polygon> = {
    type: 'FeatureCollection',
    features: plots.map((p) => ({ type: 'Feature', id: p.id, geometry: p.geometry, properties: {} })),
  };
  const source = map.getSource(MINE_SOURCE) as GeoJSONSource | undefined;
  if (source) {
    source.setData(data);
    return;
  }
  if (!plots.length) return;
  map.addSource(MINE_SOURCE, { type: 'geojson', data });
  // Under the selection's highlight: the plot picked from the list (or on the map) shows its cyan
  // outline over the magenta one, which at 6 px would otherwise cover it whole.
  const below = map.getStyle().layers.find((layer) => layer.id.endsWith('-highlight'))?.id;
  // A white casing under a magenta line: distinct from every land-use, plot and boundary colour.
  map.addLayer({ id: MINE_LAYERS[0]!, type: 'line', source: MINE_SOURCE, paint: { 'line-color': '#ffffff', 'line-width': 6 } }, below);
  map.addLayer({ id: MINE_LAYERS[1]!, type: 'line', source: MINE_SOURCE, paint: { 'line-color': '#c2185b', 'line-width': 3 } }, below);
}

/** Takes a farmer's plots off the map (after signing out, on a shared phone). */
export function clearMyPlots(handle: MapHandle): void {
  const { map } = handle;
  for (const id of MINE_LAYERS) if (map.getLayer(id)) map.removeLayer(id);
  if (map.getSource(MINE_SOURCE)) map.removeSource(MINE_SOURCE);
  fitted = false;
}

/** Whose list a view shows: a signed-in user's, or a guest's (by the code on their card). */
export function viewerKey(user: SessionUser | undefined): string {
  return user ? `${user.role}:${user.username}` : 'guest';
}

/**
 * What a call of renderMyPlots does with the view it already has for the same viewer: a call in
 * another language than the view was drawn in is the language switch (the panel draws its tab
 * again): word it again from its state; any other call is the tab opened again: show it at once
 * and read the plots afresh behind it.
 */
export function reuseOf(drawnIn: Lang, now: Lang): 'reword' | 'refresh' {
  return drawnIn === now ? 'refresh' : 'reword';
}

/** How many of an officer's plots are read at a time ("Xem thêm" reads the next as many). */
export const OFFICER_PAGE = 200;

/**
 * The plots a viewer's list shows and, for an officer, how many their communes hold in all; for a
 * farmer with no network, when the service worker kept the copy shown (registration/registry-reads.ts).
 */
type PlotsRead = { plots: MyPlot[]; total?: number; savedAt?: string };

/**
 * Reads the viewer's plots: a farmer's own, a card's, or an officer's communes' (at least `shown`
 * of them, a page at a time: read afresh, the list keeps the pages the officer had opened).
 */
async function loadPlots(user: SessionUser | undefined, card: string | undefined, shown = 0): Promise<PlotsRead | undefined> {
  if (user?.role === 'farmer') {
    // Under the farmer's key: the worker keeps it for the field and hands it to no one else.
    const read = await readKept<{ plots: MyPlot[] }>('/api/me/plots', user);
    return { plots: read.body.plots, ...(read.savedAt ? { savedAt: read.savedAt } : {}) };
  }
  if (user && (user.role === 'officer' || user.role === 'admin')) {
    // Read as the farmer's list is (crop names, the area's code and status, the parcel), without personal data.
    const plots: MyPlot[] = [];
    let total = 0;
    do {
      const page = await getJson<{ total: number; plots: MyPlot[] }>(`/api/plots?limit=${OFFICER_PAGE}&offset=${plots.length}`);
      plots.push(...page.plots);
      total = page.total;
      if (page.plots.length === 0) break;
    } while (plots.length < Math.min(shown, total));
    return { plots, total };
  }
  if (card) return getJson<{ plots: MyPlot[] }>(`/api/farmer-cards/${encodeURIComponent(card)}/plots`);
  return undefined;
}

/**
 * The "my plots" tab of one viewer: the plots as last read, the diary folds under them (a card
 * opened in one keeps its form and what was typed) and a guest's card code. The panel draws the
 * tab again on every language switch and every opening; the same view is put back and worded
 * again from this state, never built afresh, so nothing the farmer opened or typed is lost.
 */
class MyPlotsView {
  readonly element = h('div', { class: 'my-plots-view' });
  /** The language the view was last drawn in. */
  drawnIn: Lang = lang();
  private plots: MyPlot[] | undefined;
  /** When the list shown was kept on the phone, when it is that copy (no network); undefined when fresh. */
  private savedAt: string | undefined;
  /** How many plots an officer's communes hold (the list shows the first pages of them). */
  private total: number | undefined;
  /** The next page being read after "Xem thêm", and why it failed if it did. */
  private moreLoading = false;
  private moreError: unknown;
  private loadError: { error: unknown } | undefined;
  private loading: Promise<void> | undefined;
  private readonly folds = new Map<number, DiaryDisclosure>();
  /** A guest's card code: the one remembered on this phone, then the one asked for. */
  private card: string | undefined;
  private readonly cardInput: HTMLInputElement;
  /** The plot last picked from the list, marked when the list is shown again. */
  private picked: number | undefined;

  constructor(
    readonly key: string,
    private readonly user: SessionUser | undefined,
    private readonly handle: MapHandle,
    /** Opens a plot as a search hit: flies there, outlines it and opens its card. */
    public openPlot: (hit: SearchHit) => void,
  ) {
    try {
      this.card = localStorage.getItem(CARD_KEY) ?? undefined;
    } catch {
      this.card = undefined;
    }
    this.cardInput = h('input', { name: 'card', value: this.card ?? '', placeholder: 'ND-7K3M-Q9XP', autocapitalize: 'characters' });
  }

  /** Reads the plots (once at a time) and draws them; a guest without a card code has none to read. */
  load(): Promise<void> {
    if (!this.user && !this.card) {
      clearMyPlots(this.handle);
      return Promise.resolve();
    }
    this.loading ??= this.read().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async read(): Promise<void> {
    let card: string | undefined;
    let answer: PlotsRead | { error: unknown };
    // A card code asked for meanwhile is read in turn: an answer for the previous code is not its plots.
    do {
      card = this.card;
      answer = await loadPlots(this.user, card, this.plots?.length).then(
        (read) => read ?? { plots: [] },
        (error: unknown) => ({ error }),
      );
    } while (card !== this.card);
    if ('plots' in answer) {
      this.plots = answer.plots;
      this.total = answer.total;
      this.savedAt = answer.savedAt;
      this.moreError = undefined;
      this.loadError = undefined;
    } else if (!this.plots) this.loadError = answer;
    // Read again when the tab opened again, a failure leaves the list already shown (the last answer) in place.
    for (const id of this.folds.keys()) if (!this.plots?.some((p) => p.id === id)) this.folds.delete(id);
    this.render();
    const own = !this.user || this.user.role === 'farmer';
    if (this.plots && own) this.show(this.plots);
  }

  /** A farmer's own plots (account or card) are outlined, and fitted once per page; an officer's list is the commune's. */
  private show(plots: MyPlot[]): void {
    outline(this.handle, plots);
    if (!plots.length || fitted || !this.element.isConnected) return;
    fitted = true;
    // Fitted after the list is in the sheet, so the padding clears the sheet's full height.
    this.handle.map.fitBounds(bboxOf(plots.map((p) => p.geometry)), { padding: sheetPadding(this.handle, this.element), maxZoom: 17 });
  }

  /** Draws the view from its state in the language shown. */
  render(): void {
    this.drawnIn = lang();
    clear(this.element);
    this.element.append(h('h2', { class: 'panel-title' }, t(myPlotsName(this.user?.role))));
    if (!this.user) this.element.append(this.cardForm());
    if (!this.user && !this.card) return;
    const list = h('div', { class: 'my-plots-list' });
    if (this.loadError) list.append(h('p', { class: 'hint' }, this.loadErrorText(this.loadError.error)));
    else if (!this.plots) list.append(h('p', { class: 'hint' }, t('loadingMyPlots')));
    else {
      if (this.savedAt) list.append(h('p', { class: 'hint my-plots-saved' }, t('savedCopyAt', { time: dateTime(this.savedAt) })));
      this.list(list, this.plots);
    }
    this.element.append(list);
  }

  /** Why the list is not shown: a card code no farmer has, in words; otherwise the failure. */
  private loadErrorText(error: unknown): string {
    if (!this.user && error instanceof HttpError && error.status === 404) return t('cardCodeUnknown', { code: this.card ?? '' });
    return t('myPlotsUnavailable', { detail: describeError(error) });
  }

  private cardForm(): HTMLElement {
    this.cardInput.setAttribute('aria-label', t('farmerId'));
    const form = h(
      'form',
      { class: 'card-form' },
      h('p', { class: 'hint' }, t('myPlotsSignIn')),
      h('label', {}, t('farmerId'), this.cardInput),
      h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, t('myPlots')),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.card = this.cardInput.value.trim() || undefined;
      try {
        localStorage.setItem(CARD_KEY, this.card ?? '');
      } catch {
        // Not remembered; still shown.
      }
      // Another card's plots must not stay outlined while this one's are read (or if it has none).
      this.plots = undefined;
      this.loadError = undefined;
      this.folds.clear();
      clearMyPlots(this.handle);
      this.render();
      void this.load();
    });
    return form;
  }

  private list(host: HTMLElement, plots: MyPlot[]): void {
    if (plots.length === 0) {
      host.append(h('p', { class: 'hint' }, t(`${myPlotsName(this.user?.role)}Empty`)));
      return;
    }
    const ha = formatNumber(plots.reduce((sum, p) => sum + Number(p.area_m2), 0) / 10000, 2);
    const total = this.total ?? plots.length;
    // An officer's communes may hold thousands: say plainly how many of them the list shows.
    const summary =
      total > plots.length ? t('myPlotsFirst', { count: plots.length, total, ha }) : t('myPlotsTotal', { count: plots.length, ha });
    host.append(h('p', { class: 'summary' }, summary));
    host.append(h('ul', { class: 'my-plots' }, ...plots.map((plot) => this.item(plot))));
    if (total > plots.length) host.append(...this.moreButton(total - plots.length));
  }

  /** "Xem thêm 200 thửa" under an officer's list that shows only the first of their plots. */
  private moreButton(left: number): HTMLElement[] {
    const n = Math.min(left, OFFICER_PAGE);
    const button = h(
      'button',
      {
        type: 'button',
        class: 'btn btn-block my-plots-more',
        'aria-busy': this.moreLoading ? 'true' : undefined,
        disabled: this.moreLoading,
      },
      this.moreLoading ? t('myPlotsMoreLoading') : t('myPlotsMore', { n }),
    );
    button.addEventListener('click', () => void this.more());
    const error =
      this.moreError === undefined
        ? []
        : [h('p', { class: 'form-error' }, t('myPlotsUnavailable', { detail: describeError(this.moreError) }))];
    return [...error, button];
  }

  /** Reads the next page of an officer's plots and adds it under those shown. */
  private async more(): Promise<void> {
    if (this.moreLoading || !this.plots) return;
    this.moreLoading = true;
    this.render();
    let added: MyPlot[] = [];
    try {
      const page = await getJson<{ total: number; plots: MyPlot[] }>(`/api/plots?limit=${OFFICER_PAGE}&offset=${this.plots.length}`);
      const known = new Set(this.plots.map((p) => p.id));
      added = page.plots.filter((p) => !known.has(p.id));
      this.plots = [...this.plots, ...added];
      this.total = page.total;
      this.moreError = undefined;
    } catch (error) {
      this.moreError = error;
    } finally {
      this.moreLoading = false;
    }
    this.render();
    // The button pressed is drawn anew: the keyboard goes on at the first plot read.
    if (added[0]) this.element.querySelector<HTMLElement>(`.plot-item[data-id="${added[0].id}"]`)?.focus();
    else this.element.querySelector<HTMLElement>('.my-plots-more')?.focus();
  }

  /**
   * One plot as a card of its own: the button that opens it on the map, and under it, inside the
   * same frame, its diary fold (between two frameless buttons the fold read as the next plot's).
   */
  private item(plot: MyPlot): HTMLElement {
    const area = Number(plot.area_m2);
    const crop = (lang() === 'vi' ? plot.crop_name_vi : plot.crop_name_en) ?? plot.crop;
    const name = [crop, plot.variety].filter(Boolean).join(' · ');
    const status = plot.growing_area_status ?? '';
    const outOfForce = outOfForceText(plot, lang());
    const parcel = parcelText(plot);
    const picked = plot.id === this.picked;
    return h(
      'li',
      { class: `plot-card${picked ? ' is-picked' : ''}`, 'data-id': String(plot.id) },
      h(
        'button',
        {
          type: 'button',
          class: 'plot-item',
          'data-id': String(plot.id),
          'aria-current': picked ? 'true' : undefined,
          onclick: () => {
            this.picked = plot.id;
            // The page's search hit path: fly there, outline this plot, open its card, and fit the
            // plot again above the card once the phone's sheet shows it.
            this.openPlot({ group: 'plots', id: plot.id, label: name, bbox: bboxOf([plot.geometry]) });
          },
        },
        h('strong', {}, name),
        h('span', {}, `${formatNumber(area, 0)} m² · ${formatNumber(area / 10000, 2)} ha`),
        h(
          'span',
          { class: `status status-${status || 'none'}` },
          [plot.growing_area_code, status ? t(`status_${status}` as MessageKey) : ''].filter(Boolean).join(' · ') || t('myPlotsNoArea'),
        ),
        parcel ? h('span', { class: 'plot-parcel' }, parcel) : null,
        ...(outOfForce ? [h('span', { class: 'status-decision' }, outOfForce)] : []),
      ),
      this.fold(plot.id),
    );
  }

  /** The diary fold of a plot, kept across redraws (worded again here); a card code alone reads plots only. */
  private fold(plotId: number): HTMLElement | null {
    const user = this.user;
    if (!user) return null;
    let fold = this.folds.get(plotId);
    if (!fold) {
      fold = new DiaryDisclosure(plotId, {
        canWrite: user.role === 'officer' || user.role === 'admin',
        farmer: user.role === 'farmer',
        viewer: user,
      });
      this.folds.set(plotId, fold);
    } else fold.render();
    return fold.element;
  }
}

/** The view of the viewer now signed in (one at a time: another viewer gets a new one). */
let current: MyPlotsView | undefined;

/**
 * "My plots" with area and status, each a tap from the map: a signed-in farmer's own plots, an
 * officer's commune plots, or, for a farmer without an account, the plots behind the code on their
 * card. Called each time the tab is drawn (opened, or the language switched): the viewer's view is
 * kept and put back into `host`, worded again; opened again, it reads the plots afresh behind it.
 */
export async function renderMyPlots(
  host: HTMLElement,
  user: SessionUser | undefined,
  handle: MapHandle,
  openPlot: (hit: SearchHit) => void,
): Promise<void> {
  const key = viewerKey(user);
  const reuse = current?.key === key ? reuseOf(current.drawnIn, lang()) : undefined;
  if (!current || !reuse) current = new MyPlotsView(key, user, handle, openPlot);
  const view = current;
  view.openPlot = openPlot;
  view.render();
  clear(host);
  host.append(view.element);
  if (reuse !== 'reword') await view.load();
}
