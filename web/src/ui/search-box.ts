import type { SearchFacts, SearchUnderstood } from '../../../server/contracts/registry.ts';
import { describeError, getJson, HttpError } from '../api/http.ts';
import { t } from '../i18n/i18n.ts';
import { clear, h } from './dom.ts';
import { hitText, understoodHint } from './search-wording.ts';

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

/** The search box: debounced queries to /api/search, a keyboard-navigable list, and onPick to fly there. */
export class SearchBox {
  readonly element: HTMLFormElement;
  private readonly input: HTMLInputElement;
  private readonly list: HTMLUListElement;
  private hits: SearchHit[] = [];
  /** The last answer's reading of a parcel-like query that found nothing. */
  private understood: SearchUnderstood | undefined;
  /** The query the list shows the answer to, so a language switch can word it again. */
  private shown = '';
  private active = -1;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private seq = 0;

  constructor(private readonly onPick: (hit: SearchHit) => void) {
    this.input = h('input', {
      type: 'search',
      id: 'search-input',
      autocomplete: 'off',
      enterkeyhint: 'search',
      'aria-autocomplete': 'list',
      'aria-controls': 'search-results',
    });
    this.list = h('ul', { id: 'search-results', class: 'search-results', role: 'listbox', hidden: true });
    this.element = h('form', { class: 'search', role: 'search' }, this.input, this.list);
    this.element.addEventListener('submit', (event) => {
      event.preventDefault();
      if (this.hits.length) this.pick(this.hits[Math.max(0, this.active)]!);
      else void this.run(this.input.value);
    });
    this.input.addEventListener('input', () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.run(this.input.value), 250);
    });
    this.input.addEventListener('keydown', (event) => this.keys(event));
    this.input.addEventListener('blur', () => setTimeout(() => (this.list.hidden = true), 200));
    this.input.addEventListener('focus', () => {
      if (this.shown) this.list.hidden = false;
    });
    this.relabel();
  }

  /**
   * Forgets the answer shown and what was typed, at a sign-out: an officer's hits name parcel owners,
   * and the box would show them again to the next person on a shared phone when it takes the focus.
   */
  forget(): void {
    clearTimeout(this.timer);
    // An answer still on its way is for the one who left.
    this.seq++;
    this.hits = [];
    this.understood = undefined;
    this.shown = '';
    this.active = -1;
    this.input.value = '';
    clear(this.list);
    this.list.hidden = true;
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
    // The hits are worded from their facts: an open (or reopened) list follows the language.
    if (this.shown) this.renderHits(this.shown);
  }

  private keys(event: KeyboardEvent): void {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (!this.hits.length) return;
      this.active = (this.active + (event.key === 'ArrowDown' ? 1 : -1) + this.hits.length) % this.hits.length;
      this.renderHits();
    } else if (event.key === 'Escape') {
      this.list.hidden = true;
    }
  }

  private async run(q: string): Promise<void> {
    const query = q.trim();
    const seq = ++this.seq;
    if (query.length < 2) {
      this.hits = [];
      this.understood = undefined;
      this.shown = '';
      this.list.hidden = true;
      return;
    }
    try {
      const body = await getJson<unknown>(`/api/search?q=${encodeURIComponent(query)}&limit=10`);
      if (seq !== this.seq) return;
      this.hits = normaliseHits(body);
      this.understood = understoodOf(body);
      this.active = this.hits.length ? 0 : -1;
      this.shown = query;
      this.renderHits(query);
    } catch (error) {
      if (seq !== this.seq) return;
      this.hits = [];
      this.understood = undefined;
      this.shown = '';
      const detail = error instanceof HttpError && error.status === 404 ? t('searchHelp') : describeError(error);
      this.renderMessage(t('searchUnavailable', { detail }));
    }
  }

  private renderMessage(message: string, hint?: string): void {
    const wasHidden = this.list.hidden;
    clear(this.list);
    this.list.append(h('li', { class: 'search-message' }, message));
    if (hint) this.list.append(h('li', { class: 'search-message search-understood' }, hint));
    this.list.hidden = wasHidden && document.activeElement !== this.input;
  }

  private renderHits(query = this.input.value): void {
    if (!this.hits.length) {
      // A parcel-like query says what was read and what is missing or not there, then the usual line.
      const hint = this.understood ? understoodHint(this.understood) : '';
      return this.renderMessage(t('searchNoResults', { q: query }), hint || undefined);
    }
    const wasHidden = this.list.hidden;
    clear(this.list);
    this.hits.forEach((hit, i) => {
      const text = hitText(hit);
      this.list.append(
        h(
          'li',
          {
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
    this.list.hidden = wasHidden && document.activeElement !== this.input;
  }

  private pick(hit: SearchHit): void {
    this.list.hidden = true;
    this.input.blur();
    // The map's fallback card shows the hit's words: give it them in the language shown.
    const text = hitText(hit);
    this.onPick({ ...hit, label: text.label, ...(text.detail ? { detail: text.detail } : {}) });
  }
}
