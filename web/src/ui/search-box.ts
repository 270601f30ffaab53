import { SEARCH_QUERY_MAX } from '../../../server/contracts/registry-codes.ts';
import type { SearchFacts, SearchUnderstood } from '../../../server/contracts/registry.ts';
import { getJson } from '../api/http.ts';
import { t } from '../i18n/i18n.ts';
import { clear, h } from './dom.ts';
import { enterAction, isQuery, queryOf } from './search-hits.ts';
import { quoted } from './short-text.ts';
import { hitText, personalHint, searchFailure, understoodHint } from './search-wording.ts';

/** One search hit, whatever shape the search endpoint gives it. */
export type SearchHit = {
  group: string;
  /** The endpoint's kind ('parcel', 'zoning_lot', …), which the wording reads with the facts. */
  kind?: string;
  id: string | number | undefined;
  label: string;
  detail?: string;
  facts?: SearchFacts;
  bbox?: [number, number, number, number];
  center?: [number, number];
};

const KIND_TO_GROUP: Record<string, string> = {
  parcel: 'parcels',
  parcels: 'parcels',
  growing_area: 'growing_areas',
  growing_areas: 'growing_areas',
  growingArea: 'growing_areas',
  plot: 'plots',
  plots: 'plots',
  product: 'products',
  products: 'products',
  zone: 'zones',
  zones: 'zones',
  zoning_lot: 'zones',
  admin: 'admin',
  admin_unit: 'admin',
  unit: 'admin',
  address: 'parcels',
  owner: 'parcels',
  // A farmer's hit opens the first of their plots.
  farmer: 'plots',
  road: 'roads',
};

function bboxOfGeometry(geometry: unknown): [number, number, number, number] | undefined {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const visit = (c: unknown): void => {
    if (!Array.isArray(c)) return;
    if (typeof c[0] === 'number' && typeof c[1] === 'number') {
      minX = Math.min(minX, c[0]);
      maxX = Math.max(maxX, c[0]);
      minY = Math.min(minY, c[1]);
      maxY = Math.max(maxY, c[1]);
      return;
    }
    for (const child of c) visit(child);
  };
  visit((geometry as { coordinates?: unknown } | undefined)?.coordinates);
  return Number.isFinite(minX) ? [minX, minY, maxX, maxY] : undefined;
}

/** Reads a search answer: a GeoJSON FeatureCollection, {results: [...]}, or a bare array. */
export function normaliseHits(body: unknown): SearchHit[] {
  const list: unknown[] = Array.isArray(body)
    ? body
    : Array.isArray((body as { features?: unknown[] })?.features)
      ? (body as { features: unknown[] }).features
      : Array.isArray((body as { results?: unknown[] })?.results)
        ? (body as { results: unknown[] }).results
        : [];
  return list.map((raw) => {
    const r = raw as Record<string, unknown>;
    const p = (r.type === 'Feature' ? (r.properties as Record<string, unknown>) : r) ?? {};
    const kind = String(p.kind ?? p.type ?? p.collection ?? p.layer ?? 'parcels');
    const bbox = (
      Array.isArray(r.bbox) ? r.bbox : Array.isArray(p.bbox) ? p.bbox : bboxOfGeometry(r.geometry ?? p.geometry)
    ) as SearchHit['bbox'];
    const center = (Array.isArray(p.center) ? p.center : undefined) as SearchHit['center'];
    const facts = p.facts && typeof p.facts === 'object' ? (p.facts as SearchFacts) : undefined;
    return {
      group: KIND_TO_GROUP[kind] ?? kind,
      kind,
      ...(facts ? { facts } : {}),
      id: (r.id ?? p.id ?? p.fid) as string | number | undefined,
      label: String(p.label ?? p.title ?? p.name ?? p.code ?? r.id ?? ''),
      detail: (p.detail ?? p.subtitle ?? p.description ?? p.address) as string | undefined,
      ...(bbox ? { bbox } : {}),
      ...(center ? { center } : {}),
    };
  });
}

/** What the answer understood of a parcel-like query that found nothing, when it says so. */
export function understoodOf(body: unknown): SearchUnderstood | undefined {
  const u = (body as { understood?: unknown } | null)?.understood;
  return u && typeof u === 'object' && (u as { kind?: unknown }).kind === 'parcel' ? (u as SearchUnderstood) : undefined;
}

/** What the search box asks of the page: who is searching (their role; undefined for a guest) and how to open "Thửa của tôi". */
export type SearchBoxHost = { role?: () => string | undefined; openMine?: () => void };

/** How long an answer may take before the list says "Đang tìm…". */
const BUSY_AFTER_MS = 300;

/**
 * The search box: debounced queries to /api/search, the answer as an ARIA 1.2 combobox's listbox
 * (the highlighted hit is the input's aria-activedescendant, so a screen reader says it), and onPick
 * to fly there. Enter acts only on the answer to the text typed now: before that answer is in, it
 * searches that text and opens its first hit when the answer comes.
 */
export class SearchBox {
  readonly element: HTMLFormElement;
  private readonly input: HTMLInputElement;
  private readonly list: HTMLUListElement;
  /** Says the number of hits or the message to a screen reader (the list itself is not announced). */
  private readonly status: HTMLElement;
  private hits: SearchHit[] = [];
  /** The last answer's reading of a parcel-like query that found nothing. */
  private understood: SearchUnderstood | undefined;
  /** The query the list shows the answer to, so a language switch can word it again and Enter knows whose hits they are. */
  private shown = '';
  private active = -1;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private seq = 0;
  /** The query whose answer is on its way, if any. */
  private inflight: string | undefined;
  /** The query Enter was pressed for before its answer came: its first hit opens when it comes. */
  private pickWhenAnswered: string | undefined;
  /** Shows "Đang tìm…" when an answer is slow to come (a fast one replaces the list without a flash). */
  private busyTimer: ReturnType<typeof setTimeout> | undefined;
  /** What the list's one choosable line does when it holds no hit (open "Thửa của tôi"); undefined when it has none. */
  private action: (() => void) | undefined;

  constructor(
    private readonly onPick: (hit: SearchHit) => void,
    private readonly host: SearchBoxHost = {},
  ) {
    this.input = h('input', {
      type: 'search',
      id: 'search-input',
      role: 'combobox',
      autocomplete: 'off',
      enterkeyhint: 'search',
      // The endpoint takes no more (a longer paste is cut here, and the list says so).
      maxlength: SEARCH_QUERY_MAX,
      'aria-autocomplete': 'list',
      'aria-controls': 'search-results',
      'aria-expanded': 'false',
    });
    this.list = h('ul', { id: 'search-results', class: 'search-results', role: 'listbox', hidden: true });
    this.status = h('p', { id: 'search-status', class: 'sr-only', role: 'status' });
    this.element = h('form', { class: 'search', role: 'search' }, this.input, this.list, this.status);
    this.element.addEventListener('submit', (event) => {
      event.preventDefault();
      this.enter();
    });
    this.input.addEventListener('input', () => this.typed());
    this.input.addEventListener('keydown', (event) => this.keys(event));
    this.input.addEventListener('blur', () => setTimeout(() => this.setOpen(false), 200));
    this.input.addEventListener('focus', () => {
      if (this.shown) this.setOpen(true);
    });
    this.relabel();
  }

  /**
   * Forgets the answer shown and what was typed, at a sign-out: an officer's hits name parcel owners,
   * and the box would show them again to the next person on a shared phone when it takes the focus.
   */
  forget(): void {
    this.input.value = '';
    this.reset();
  }

  /** Gives the keyboard back to the box (Escape from the card a hit opened). */
  focus(): void {
    this.input.focus();
  }

  relabel(): void {
    // A phone's box cuts the long hint mid-word; it gets the short one (the format is explained on a miss).
    const narrow = globalThis.matchMedia?.('(max-width: 759px)').matches ?? false;
    this.input.placeholder = t(narrow ? 'searchPlaceholderShort' : 'searchPlaceholder');
    this.input.setAttribute('aria-label', t('search'));
    this.list.setAttribute('aria-label', t('searchResults'));
    // The hits are worded from their facts: an open (or reopened) list follows the language.
    if (this.shown) this.renderHits(this.shown);
  }

  /** Drops the answer shown, any answer on its way and any Enter waiting for one. */
  private reset(): void {
    clearTimeout(this.timer);
    this.setBusy(false);
    // An answer still on its way is for a text no longer there (or for the one who left).
    this.seq++;
    this.inflight = undefined;
    this.pickWhenAnswered = undefined;
    this.hits = [];
    this.understood = undefined;
    this.action = undefined;
    this.shown = '';
    this.active = -1;
    clear(this.list);
    this.status.textContent = '';
    this.setOpen(false);
  }

  /** Whether the hits in the list answer the text typed now (arrow keys and Enter act only on those). */
  private current(): boolean {
    return this.shown !== '' && this.shown === queryOf(this.input.value);
  }

  private typed(): void {
    clearTimeout(this.timer);
    // Enter pressed for the text before this keystroke is not wanted for this one.
    this.pickWhenAnswered = undefined;
    const query = queryOf(this.input.value);
    // An answer on its way for another text would be shown over this one's: it is dropped.
    if (this.inflight !== undefined && this.inflight !== query) {
      this.seq++;
      this.inflight = undefined;
    }
    // The hits shown answer another text: none of them is highlighted, so none looks chosen.
    if (!this.current() && this.active >= 0) {
      this.active = -1;
      this.renderHits(this.shown);
    }
    if (this.inflight === query) return;
    this.timer = setTimeout(() => void this.run(this.input.value), 250);
  }

  private enter(): void {
    const action = enterAction({ typed: this.input.value, shown: this.shown, hits: this.hits.length, active: this.active });
    if (action.kind === 'pick') this.pick(this.hits[action.index]!);
    else if (action.kind === 'show' && this.action && this.active === 0 && !this.list.hidden) this.runAction(this.action);
    else if (action.kind === 'show') this.setOpen(true);
    else if (action.kind === 'search') {
      clearTimeout(this.timer);
      this.pickWhenAnswered = action.query;
      // The answer to this text may already be on its way (the pause after typing started it).
      if (this.inflight !== action.query) void this.run(action.query);
    }
  }

  /** Tells the screen reader, once: the arrow keys draw the list again, and the same count is not said again. */
  private say(text: string): void {
    if (this.status.textContent !== text) this.status.textContent = text;
  }

  private setOpen(open: boolean): void {
    this.list.hidden = !open;
    this.input.setAttribute('aria-expanded', String(open));
    this.updateActiveDescendant();
  }

  private updateActiveDescendant(): void {
    const option = !this.list.hidden && this.active >= 0 ? this.list.querySelector<HTMLElement>(`#search-hit-${this.active}`) : null;
    if (option) this.input.setAttribute('aria-activedescendant', option.id);
    else this.input.removeAttribute('aria-activedescendant');
  }

  private keys(event: KeyboardEvent): void {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      // Hits of an earlier text are not offered: Enter would search the text typed now.
      if (!this.current()) return;
      if (!this.hits.length) {
        // Nothing found, and one line to choose (open "Thửa của tôi"): the arrows highlight it or not.
        if (!this.action) return;
        this.active = this.active === 0 ? -1 : 0;
        this.renderHits(this.shown);
        return this.setOpen(true);
      }
      if (this.list.hidden) {
        // A closed list opens on the highlighted hit first, as a combobox does.
        this.setOpen(true);
        if (this.active >= 0) return;
      }
      this.active = (this.active + (event.key === 'ArrowDown' ? 1 : -1) + this.hits.length) % this.hits.length;
      this.renderHits();
      this.list.querySelector(`#search-hit-${this.active}`)?.scrollIntoView?.({ block: 'nearest' });
    } else if (event.key === 'Escape') {
      // The browser's own Escape in a search field empties it: the list closes first and the text stays;
      // a second Escape, with the list closed, empties the box.
      event.preventDefault();
      if (!this.list.hidden) this.setOpen(false);
      else if (this.input.value) {
        this.input.value = '';
        this.reset();
      }
    }
  }

  private async run(q: string): Promise<void> {
    const query = queryOf(q);
    const seq = ++this.seq;
    if (!isQuery(query)) return this.reset();
    if (query.length > SEARCH_QUERY_MAX) {
      // Only a value set from outside the box gets here (it holds no more): said, not asked.
      this.inflight = undefined;
      this.hits = [];
      this.shown = '';
      return this.renderMessage(t('searchTooLong', { n: SEARCH_QUERY_MAX }));
    }
    this.inflight = query;
    this.setBusy(true);
    try {
      const body = await getJson<unknown>(`/api/search?q=${encodeURIComponent(query)}&limit=10`);
      if (seq !== this.seq) return;
      this.setBusy(false);
      this.inflight = undefined;
      this.hits = normaliseHits(body);
      this.understood = understoodOf(body);
      this.shown = query;
      this.active = this.hits.length && this.current() ? 0 : -1;
      if (this.pickWhenAnswered === query) {
        this.pickWhenAnswered = undefined;
        if (this.hits.length) return this.pick(this.hits[0]!);
        // Nothing found for what Enter was pressed on: the message shows, open.
        this.renderHits(query);
        return this.setOpen(true);
      }
      this.renderHits(query);
    } catch (error) {
      if (seq !== this.seq) return;
      this.setBusy(false);
      this.inflight = undefined;
      this.hits = [];
      this.understood = undefined;
      this.shown = '';
      this.active = -1;
      this.renderMessage(searchFailure(error, query));
      if (this.pickWhenAnswered === query) {
        this.pickWhenAnswered = undefined;
        this.setOpen(true);
      }
    }
  }

  /**
   * Marks the box busy while an answer is out (aria-busy at once), and after a moment says
   * "Đang tìm…" in the list: on a slow link the box otherwise looks as if nothing happened.
   */
  private setBusy(busy: boolean): void {
    clearTimeout(this.busyTimer);
    this.busyTimer = undefined;
    if (!busy) {
      this.element.removeAttribute('aria-busy');
      this.list.querySelector('.search-busy')?.remove();
      return;
    }
    this.element.setAttribute('aria-busy', 'true');
    this.busyTimer = setTimeout(() => {
      this.busyTimer = undefined;
      const wasHidden = this.list.hidden;
      clear(this.list);
      this.list.append(h('li', { class: 'search-busy', role: 'option', 'aria-disabled': 'true' }, t('searching')));
      this.say(t('searching'));
      this.setOpen(!wasHidden || document.activeElement === this.input);
    }, BUSY_AFTER_MS);
  }

  /**
   * A message in the list, with a hint under it, and perhaps one line to choose that does something
   * (`action`: its words and what it does), the only option then: the arrow keys highlight it, Enter or a tap runs it.
   */
  private renderMessage(message: string, hint?: string, action?: { label: string; run: () => void }): void {
    const wasHidden = this.list.hidden;
    clear(this.list);
    // A listbox holds options only: a message is one that cannot be chosen.
    const line = (text: string, className: string) => h('li', { class: className, role: 'option', 'aria-disabled': 'true' }, text);
    this.list.append(line(message, 'search-message'));
    if (hint) this.list.append(line(hint, 'search-message search-understood'));
    this.action = action?.run;
    if (!action) this.active = -1;
    else
      this.list.append(
        h(
          'li',
          {
            id: 'search-hit-0',
            role: 'option',
            class: `search-hit search-action${this.active === 0 ? ' is-active' : ''}`,
            'aria-selected': this.active === 0 ? 'true' : 'false',
            onmousedown: (event) => {
              event.preventDefault();
              this.runAction(action.run);
            },
          },
          h('strong', {}, action.label),
        ),
      );
    this.say(hint ? `${message} ${hint}` : message);
    this.setOpen(!wasHidden || document.activeElement === this.input);
  }

  /** Runs the list's action line: the list closes and the page takes over (it moves the keyboard). */
  private runAction(run: () => void): void {
    this.setOpen(false);
    this.input.blur();
    run();
  }

  private renderHits(query = this.input.value): void {
    if (!this.hits.length) {
      // A parcel-like query says what was read and what is missing or not there, then the usual line.
      const hint = this.understood ? understoodHint(this.understood) : '';
      const cut = query.length >= SEARCH_QUERY_MAX ? t('searchCut', { n: SEARCH_QUERY_MAX }) : '';
      // A name, a phone number or a citizen ID that found nothing: personal data is not searched
      // publicly; the list says so and where to look instead (audit s16: a farmer got a bare "no results").
      // A parcel key read as one ("29869 1 999" has nine digits, as an old ID card) is not taken for personal data.
      const personal = this.understood ? undefined : personalHint(query, this.host.role?.());
      const openMine = personal?.openMine ? this.host.openMine : undefined;
      // A pasted address is quoted by its start: the whole of it would fill the list.
      return this.renderMessage(
        t('searchNoResults', { q: quoted(query) }),
        [hint, personal?.text, cut].filter(Boolean).join(' ') || undefined,
        openMine ? { label: t('searchOpenMine', { mine: t('myPlots') }), run: openMine } : undefined,
      );
    }
    const wasHidden = this.list.hidden;
    clear(this.list);
    this.action = undefined;
    this.hits.forEach((hit, i) => {
      const text = hitText(hit);
      this.list.append(
        h(
          'li',
          {
            id: `search-hit-${i}`,
            role: 'option',
            class: `search-hit${i === this.active ? ' is-active' : ''}`,
            'aria-selected': i === this.active ? 'true' : 'false',
            'data-group': hit.group,
            onmousedown: (event) => {
              event.preventDefault();
              this.pick(hit);
            },
          },
          h('strong', {}, text.label),
          text.detail ? h('small', {}, text.detail) : null,
        ),
      );
    });
    this.say(t('searchCount', { n: this.hits.length }));
    // A paste longer than the box holds was cut: what was searched is only its start.
    if (query.length >= SEARCH_QUERY_MAX)
      this.list.append(
        h('li', { class: 'search-message', role: 'option', 'aria-disabled': 'true' }, t('searchCut', { n: SEARCH_QUERY_MAX })),
      );
    this.setOpen(!wasHidden || document.activeElement === this.input);
  }

  private pick(hit: SearchHit): void {
    this.setOpen(false);
    this.input.blur();
    // The map's fallback card shows the hit's words: give it them in the language shown.
    const text = hitText(hit);
    this.onPick({ ...hit, label: text.label, ...(text.detail ? { detail: text.detail } : {}) });
  }
}
