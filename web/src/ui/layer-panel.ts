import type { StyleSpecification } from 'maplibre-gl';
import { getJson } from '../api/http.ts';
import { lang, t } from '../i18n/i18n.ts';
import type { MessageKey } from '../i18n/vi.ts';
import type { LayerControl, LayerGroup } from '../map/layer-groups.ts';
import { clear, h } from './dom.ts';

/** One row of the land-use table (GET /api/land-use-codes). */
export type LandUseCode = {
  code: string;
  nameVi: string;
  nameEn: string;
  group: string | null;
  fill: string | null;
  legacy: boolean;
  mapsTo: string | null;
};

let codesPromise: Promise<LandUseCode[]> | undefined;

/** The land-use table, fetched once per page. */
export function landUseCodes(): Promise<LandUseCode[]> {
  codesPromise ??= getJson<{ codes: LandUseCode[] }>('/api/land-use-codes').then((r) => r.codes);
  codesPromise.catch(() => (codesPromise = undefined));
  return codesPromise;
}

/** The name of a land-use code in the current language, or the code itself. */
export function landUseName(codes: readonly LandUseCode[], code: string): string {
  const row = codes.find((c) => c.code === code);
  return row ? (lang() === 'vi' ? row.nameVi : row.nameEn) : code;
}

const LAND_USE_GROUPS = new Set(['landuse', 'parcels', 'zones']);

function swatch(color: string, kind: 'fill' | 'circle' | 'line' = 'fill'): HTMLElement {
  return h('span', { class: `swatch swatch-${kind}`, style: `--c:${color}`, 'aria-hidden': 'true' });
}

/** Category → colour pairs read back from the style's own match expression, so the legend cannot drift from the map. */
function categoryColours(style: StyleSpecification): [string, string][] {
  const layer = style.layers.find((l) => l.id === 'products-circle') as { paint?: Record<string, unknown> } | undefined;
  const expr = layer?.paint?.['circle-color'];
  if (!Array.isArray(expr) || expr[0] !== 'match') return [];
  const pairs: [string, string][] = [];
  for (let i = 2; i + 1 < expr.length; i += 2) pairs.push([String(expr[i]), String(expr[i + 1])]);
  pairs.push(['other', String(expr[expr.length - 1])]);
  return pairs;
}

type PanelState = { visible: Record<string, boolean>; opacity: Record<string, number> };

/** The layer list with visibility, opacity and legends; calls onChange after every change (to update the URL). */
export class LayerPanel {
  readonly element = h('section', { class: 'layer-panel', 'aria-label': t('layers') });
  private codes: LandUseCode[] | undefined;
  private loading = false;
  private filter = '';

  constructor(
    private readonly style: StyleSpecification,
    private readonly groups: LayerGroup[],
    private readonly control: LayerControl,
    private readonly state: PanelState,
    private readonly onChange: () => void,
  ) {
    this.render();
  }

  /** The land-use table is fetched the first time a legend needs it, not on a phone's first view. */
  private loadCodes(): void {
    if (this.loading) return;
    this.loading = true;
    landUseCodes()
      .then((codes) => {
        this.codes = codes;
        this.render();
      })
      .catch(() => {
        this.loading = false;
      });
  }

  render(): void {
    clear(this.element);
    this.element.setAttribute('aria-label', t('layers'));
    this.element.append(h('h2', { class: 'panel-title' }, t('layers')));
    const list = h('ul', { class: 'layer-list' });
    // Top of the map first, as users read a layer list.
    for (const group of [...this.groups].reverse()) list.append(this.row(group));
    this.element.append(list);
  }

  private row(group: LayerGroup): HTMLElement {
    const name = t(`layer_${group.id}` as MessageKey);
    const visible = this.state.visible[group.id] ?? group.visible;
    const opacity = this.state.opacity[group.id] ?? 1;
    const checkbox = h('input', {
      type: 'checkbox',
      id: `layer-${group.id}`,
      'data-group': group.id,
      checked: visible,
      onchange: (event) => {
        const on = (event.target as HTMLInputElement).checked;
        this.state.visible[group.id] = on;
        this.control.setVisible(group.id, on);
        this.render();
        this.onChange();
      },
    });
    const slider = h('input', {
      type: 'range',
      min: 0,
      max: 100,
      step: 5,
      value: Math.round(opacity * 100),
      'aria-label': `${t('opacity')}: ${name}`,
      'data-opacity': group.id,
      oninput: (event) => {
        const value = Number((event.target as HTMLInputElement).value) / 100;
        this.state.opacity[group.id] = value;
        this.control.setOpacity(group.id, value);
        this.onChange();
      },
    });
    const item = h(
      'li',
      { class: `layer-row${visible ? '' : ' is-off'}` },
      h(
        'label',
        { class: 'layer-name', for: `layer-${group.id}` },
        checkbox,
        h('span', {}, name),
        group.basemap ? h('small', {}, t('basemap')) : null,
      ),
      visible ? h('div', { class: 'layer-opacity' }, h('span', { class: 'sr-only' }, t('opacity')), slider) : null,
    );
    if (visible) {
      const legend = this.legend(group.id);
      if (legend) item.append(legend);
    }
    return item;
  }

  private legend(group: string): HTMLElement | undefined {
    if (LAND_USE_GROUPS.has(group)) return this.landUseLegend(group);
    if (group === 'products') {
      return h(
        'ul',
        { class: 'legend' },
        ...categoryColours(this.style).map(([category, color]) =>
          h('li', {}, swatch(color, 'circle'), h('span', {}, t(`category_${category}` as MessageKey))),
        ),
      );
    }
    const simple: Record<string, [string, 'fill' | 'line']> = {
      growing_areas: ['#1B5E20', 'line'],
      plots: ['#E65100', 'line'],
      water: ['#A9D3F2', 'fill'],
      admin: ['#7B4FA0', 'line'],
      roads: ['#F6C36B', 'line'],
    };
    const entry = simple[group];
    return entry
      ? h('ul', { class: 'legend' }, h('li', {}, swatch(entry[0], entry[1]), h('span', {}, t(`layer_${group}` as MessageKey))))
      : undefined;
  }

  private landUseLegend(group: string): HTMLElement | undefined {
    // The full table is long; one legend (under the lowest visible land-use layer) is enough.
    const firstVisible = this.groups.find((g) => LAND_USE_GROUPS.has(g.id) && (this.state.visible[g.id] ?? g.visible));
    if (firstVisible?.id !== group) return undefined;
    if (!this.codes) {
      // Only a panel someone can see needs the table (a phone starts with it closed).
      if (this.element.isConnected && this.element.offsetParent !== null) this.loadCodes();
      else requestAnimationFrame(() => this.element.isConnected && this.element.offsetParent !== null && this.loadCodes());
      return undefined;
    }
    const needle = this.filter.trim().toLowerCase();
    const matches = (c: LandUseCode) =>
      !needle ||
      c.code.toLowerCase().includes(needle) ||
      c.nameVi.toLowerCase().includes(needle) ||
      c.nameEn.toLowerCase().includes(needle);
    const item = (c: LandUseCode) =>
      h(
        'li',
        { 'data-code': c.code },
        swatch(c.fill ?? '#E0E0E0'),
        h('code', {}, c.code),
        h('span', {}, lang() === 'vi' ? c.nameVi : c.nameEn),
        c.mapsTo ? h('small', {}, `→ ${c.mapsTo}`) : null,
      );
    const current = this.codes.filter((c) => !c.legacy && matches(c));
    const legacy = this.codes.filter((c) => c.legacy && matches(c));
    const input = h('input', {
      type: 'search',
      class: 'legend-filter',
      placeholder: t('legendFilter'),
      value: this.filter,
      'aria-label': t('legendFilter'),
      oninput: (event) => {
        this.filter = (event.target as HTMLInputElement).value;
        const wrap = input.closest('details');
        const fresh = this.landUseLegend(group);
        if (wrap && fresh) {
          wrap.replaceWith(fresh);
          const box = fresh.querySelector('input');
          box?.focus();
          box?.setSelectionRange(this.filter.length, this.filter.length);
        }
      },
    });
    return h(
      'details',
      { class: 'legend-landuse', open: true },
      h('summary', {}, t('landUseLegend')),
      input,
      h('ul', { class: 'legend legend-codes' }, ...current.map(item)),
      legacy.length
        ? h(
            'details',
            { class: 'legend-legacy' },
            h('summary', {}, t('legacyCodes')),
            h('ul', { class: 'legend legend-codes' }, ...legacy.map(item)),
          )
        : null,
    );
  }
}
