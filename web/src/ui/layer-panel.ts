import type { StyleSpecification } from 'maplibre-gl';
import { getJson } from '../api/http.ts';
import { lang, t } from '../i18n/i18n.ts';
import type { MessageKey } from '../i18n/vi.ts';
import { layersOf, type LayerControl, type LayerGroup } from '../map/layer-groups.ts';
import {
  choiceFor,
  landUseMapsOf,
  mapsOfKind,
  resolveLandUseMap,
  type LandUseChoice,
  type LandUseMap,
  type LandUseMapKind,
} from '../map/landuse-maps.ts';
import type { LandUseMapWithCodes } from '../../../server/contracts/landuse-maps.ts';
import { deriveLegend, drawnValuesOf, legendLayerIds, type DrawnValues, type LegendRow, type LegendSection } from '../map/legend.ts';
import { clear, h, oncePerFrame } from './dom.ts';
import { legendRowText, swatchSvg } from './legend-view.ts';

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

let mapCodesPromise: Promise<Map<number, string[]>> | undefined;

/** The land-use codes each land-use map uses (GET /api/landuse-maps), fetched once per page. */
function landUseMapCodes(): Promise<Map<number, string[]>> {
  mapCodesPromise ??= getJson<{ maps: LandUseMapWithCodes[] }>('/api/landuse-maps').then(
    (r) => new Map(r.maps.map((m) => [m.id, m.codes])),
  );
  mapCodesPromise.catch(() => (mapCodesPromise = undefined));
  return mapCodesPromise;
}

/** The name of a land-use code in the current language, or the code itself. */
export function landUseName(codes: readonly LandUseCode[], code: string): string {
  const row = codes.find((c) => c.code === code);
  return row ? (lang() === 'vi' ? row.nameVi : row.nameEn) : code;
}

/** Groups coloured by the whole land-use table; the landuse group has its own legend, of the map it shows. */
const LAND_USE_GROUPS = new Set(['parcels', 'zones']);

/** A map's period as people write it: 2024, or 2021–2030 for a plan. */
function mapYears(map: LandUseMap): string {
  return map.periodTo ? `${map.year}–${map.periodTo}` : String(map.year);
}

function swatch(color: string, kind: 'fill' | 'circle' | 'line' = 'fill'): HTMLElement {
  return h('span', { class: `swatch swatch-${kind}`, style: `--c:${color}`, 'aria-hidden': 'true' });
}

/** One land-use code in a legend: its colour, code, name in the current language and, for a legacy code, what it maps to. */
function codeRow(c: LandUseCode): HTMLElement {
  return h(
    'li',
    { 'data-code': c.code },
    swatch(c.fill ?? '#E0E0E0'),
    h('code', {}, c.code),
    h('span', {}, lang() === 'vi' ? c.nameVi : c.nameEn),
    c.mapsTo ? h('small', {}, `→ ${c.mapsTo}`) : null,
  );
}

type PanelState = { visible: Record<string, boolean>; opacity: Record<string, number>; landuse?: LandUseChoice | undefined };

/** The layer list with visibility, opacity and legends; calls onChange after every change (to update the URL). */
export class LayerPanel {
  readonly element = h('section', { class: 'layer-panel', 'aria-label': t('layers') });
  private codes: LandUseCode[] | undefined;
  private mapCodes: Map<number, string[]> | undefined;
  private loading = false;
  private filter = '';
  private readonly maps: LandUseMap[];
  /** The legend of what the map draws in the view, derived from the style at each idle; undefined until the first. */
  private sections: LegendSection[] | undefined;
  /** The rows' ids and words (not their look): a change here draws the panel again, a change of opacity only the swatches. */
  private sectionsKey = '';
  /** The rows with their look, to do nothing at an idle that changed nothing. */
  private looksKey = '';
  /** What the map drew at the last idle, kept so an opacity change re-derives the same rows at once. */
  private drawn: DrawnValues | undefined;
  /** Reads the legend again at the next frame (once for all the groups a render draws: each reading queries the map's drawn features). */
  private readonly refreshSoon = oncePerFrame(() => this.refreshLegend());
  /** Loads the land-use tables at the next frame if the panel is on screen by then. */
  private readonly loadCodesSoon = oncePerFrame(() => {
    if (this.element.isConnected && this.element.offsetParent !== null) this.loadCodes();
  });

  constructor(
    private readonly style: StyleSpecification,
    private readonly groups: LayerGroup[],
    private readonly control: LayerControl,
    private readonly state: PanelState,
    private readonly onChange: () => void,
  ) {
    this.maps = landUseMapsOf(style);
    this.control.onIdle(() => this.refreshLegend());
    this.render();
  }

  /**
   * Derives the legend from what the map now draws; draws the panel again only if a row came or went
   * or its words changed. A new opacity alone redraws the swatches in place: the panel is not rebuilt
   * under a slider being dragged (the map's repaint brings an idle at every step).
   */
  private refreshLegend(): void {
    if (!this.element.isConnected || this.element.offsetParent === null) return;
    this.drawn = drawnValuesOf(this.style, this.control.renderedFeatures(legendLayerIds(this.style)));
    const sections = this.deriveView(this.drawn);
    const key = JSON.stringify(sections.map((s) => [s.group, s.rows.map((r) => [r.id, r.label])]));
    const looks = JSON.stringify(sections);
    if (looks === this.looksKey) return;
    this.sections = sections;
    this.looksKey = looks;
    if (key === this.sectionsKey) {
      this.restyleSwatches();
      return;
    }
    this.sectionsKey = key;
    this.render();
  }

  /** The legend of the visible groups for what the map drew, at the panel's opacities. */
  private deriveView(drawn: DrawnValues | undefined): LegendSection[] {
    const visible = Object.fromEntries(this.groups.map((g) => [g.id, this.state.visible[g.id] ?? g.visible]));
    return deriveLegend(this.style, {
      visible,
      zoom: this.control.zoom(),
      drawn,
      codeOrder: this.codes?.map((c) => c.code),
      opacity: this.state.opacity,
    });
  }

  /** Redraws each legend row's swatch (and its data-opacity) from the rows as derived now, keeping the rows themselves. */
  private restyleSwatches(): void {
    const rows = new Map<string, LegendRow>();
    for (const section of this.sections ?? this.deriveView(undefined)) for (const row of section.rows) rows.set(row.id, row);
    for (const row of this.landUseMapRows() ?? []) rows.set(row.id, row);
    for (const item of this.element.querySelectorAll<HTMLElement>('li[data-row]')) {
      const row = rows.get(item.dataset.row ?? '');
      if (!row) continue;
      item.querySelector('svg.legend-swatch')?.replaceWith(swatchSvg(row.swatch));
      if (row.swatch.fill) item.dataset.opacity = String(row.swatch.fillOpacity ?? 1);
    }
  }

  /** One derived row: the symbol as the map draws it, the code and its name. */
  private legendRow(row: LegendRow): HTMLElement {
    const text = legendRowText(row, this.codes ?? []);
    const code = row.label.kind === 'code' ? row.label.code : undefined;
    const item = h(
      'li',
      {
        'data-row': row.id,
        ...(code ? { 'data-code': code } : {}),
        ...(code === null ? { 'data-code-none': 'true' } : {}),
        ...(row.swatch.fill ? { 'data-fill': row.swatch.fill, 'data-opacity': row.swatch.fillOpacity ?? 1 } : {}),
        ...(row.swatch.line ? { 'data-line': row.swatch.line } : {}),
        ...(row.swatch.circle ? { 'data-circle': row.swatch.circle } : {}),
      },
      text.code ? h('code', {}, text.code) : null,
      h('span', {}, text.name),
    );
    item.prepend(swatchSvg(row.swatch));
    return item;
  }

  /** The derived rows of a group in view (before the first idle: those that depend on no drawn value). */
  private viewRows(group: string): LegendRow[] {
    const sections =
      this.sections ??
      deriveLegend(this.style, {
        visible: { [group]: true },
        zoom: this.control.zoom(),
        opacity: this.state.opacity,
      }).map((s) => ({ ...s, rows: s.rows.filter((r) => r.label.kind === 'layer' || r.label.kind === 'values') }));
    return sections.find((s) => s.group === group)?.rows ?? [];
  }

  /** The legend of what a group draws in view, or undefined when it draws nothing here. */
  private viewLegend(group: string): HTMLElement | undefined {
    // The view may have changed while the panel was closed: read it again once the panel is on screen.
    this.refreshSoon();
    if (this.sections === undefined) this.tablesReady();
    const rows = this.viewRows(group);
    if (!rows.length) return undefined;
    return h(
      'ul',
      { class: 'legend legend-view', 'data-group': group, 'aria-label': t('legendInView') },
      ...rows.map((r) => this.legendRow(r)),
    );
  }

  /** A layer switched on but drawn only from a closer zoom (parcels from z13) says so, instead of showing nothing. */
  private zoomHint(group: string): HTMLElement | undefined {
    const from = Math.min(...layersOf(this.style, group).map((l) => l.minzoom ?? 0));
    if (!(this.control.zoom() < from)) return undefined;
    return h('p', { class: 'hint legend-zoom-in', 'data-group': group }, t('legendZoomIn'));
  }

  /** The land-use map on screen. */
  shownLandUseMap(): LandUseMap | undefined {
    return resolveLandUseMap(this.maps, this.state.landuse);
  }

  /** The land-use table is fetched the first time a legend needs it, not on a phone's first view. */
  private loadCodes(): void {
    if (this.loading) return;
    this.loading = true;
    Promise.all([landUseCodes(), this.maps.length ? landUseMapCodes() : undefined])
      .then(([codes, mapCodes]) => {
        this.codes = codes;
        this.mapCodes = mapCodes;
        this.render();
      })
      .catch(() => {
        this.loading = false;
      });
  }

  /** Shows another land-use map (and the layer, if it was off). */
  private chooseLandUseMap(map: LandUseMap): void {
    this.state.landuse = choiceFor(this.maps, map);
    this.control.setLandUseMap(map.id);
    if (!(this.state.visible.landuse ?? false)) {
      this.state.visible.landuse = true;
      this.control.setVisible('landuse', true);
    }
    this.render();
    this.onChange();
  }

  /** Hiện trạng or quy hoạch, as two big radio buttons; a year picker when a kind has several maps. */
  private landUseSwitch(): HTMLElement | undefined {
    const shown = this.shownLandUseMap();
    if (!shown) return undefined;
    const kinds = (['status', 'plan'] as const).filter((k) => this.maps.some((m) => m.kind === k));
    // Picking a map is asking to see it: with the layer off, either segment (even the one already
    // marked, which fires no change) turns the layer on, and the switch is drawn unlit meanwhile.
    const layerOn = this.state.visible.landuse ?? false;
    const option = (kind: LandUseMapKind) =>
      h(
        'label',
        { class: `segment${shown.kind === kind ? ' is-on' : ''}` },
        h('input', {
          type: 'radio',
          name: 'landuse-kind',
          id: `landuse-kind-${kind}`,
          value: kind,
          checked: shown.kind === kind,
          onclick: () => {
            if (shown.kind !== kind || !layerOn) this.chooseLandUseMap(shown.kind === kind ? shown : mapsOfKind(this.maps, kind)[0]!);
          },
        }),
        h('span', {}, t(kind === 'status' ? 'landUseStatus' : 'landUsePlan')),
      );
    const sameKind = mapsOfKind(this.maps, shown.kind);
    const picker =
      sameKind.length > 1
        ? h(
            'label',
            { class: 'landuse-year' },
            h('span', {}, t('landUseMapPick')),
            h(
              'select',
              {
                id: 'landuse-map',
                onchange: (event) => {
                  const id = Number((event.target as HTMLSelectElement).value);
                  const map = this.maps.find((m) => m.id === id);
                  if (map) this.chooseLandUseMap(map);
                },
              },
              ...sameKind.map((m) =>
                h('option', { value: m.id, selected: m.id === shown.id }, `${mapYears(m)}${m.current ? ` (${t('mapCurrent')})` : ''}`),
              ),
            ),
          )
        : null;
    return h(
      'fieldset',
      {
        class: `landuse-switch${layerOn ? '' : ' is-layer-off'}`,
        'data-shown-map': shown.id,
        'data-shown-kind': shown.kind,
        ...(layerOn ? {} : { 'aria-describedby': 'landuse-switch-off' }),
      },
      h('legend', { class: 'sr-only' }, t('landUseMapKind')),
      h('div', { class: 'segments' }, ...kinds.map(option)),
      picker,
      layerOn ? null : h('p', { class: 'hint', id: 'landuse-switch-off' }, t('landUseSwitchOff')),
    );
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
        // The legend shows the colours as the map now draws them, at once (the idle after the repaint confirms).
        if (this.drawn) this.sections = this.deriveView(this.drawn);
        this.restyleSwatches();
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
      group.id === 'landuse' ? this.landUseSwitch() : null,
      visible ? h('div', { class: 'layer-opacity' }, h('span', { class: 'sr-only' }, t('opacity')), slider) : null,
    );
    if (visible) {
      const legend = this.legend(group.id);
      if (legend) item.append(legend);
    }
    return item;
  }

  private legend(group: string): HTMLElement | undefined {
    if (group === 'landuse' && this.maps.length) return this.landUseMapLegend();
    const view = this.viewLegend(group);
    if (!view) return this.zoomHint(group);
    const table = LAND_USE_GROUPS.has(group) ? this.landUseLegend(group) : undefined;
    if (!table) return view;
    return h('div', { class: 'legend-group' }, view, table);
  }

  /** Loads the tables a legend needs once the panel is on screen (a phone starts with it closed); false until they are in. */
  private tablesReady(): boolean {
    if (this.codes) return true;
    if (this.element.isConnected && this.element.offsetParent !== null) this.loadCodes();
    else this.loadCodesSoon();
    return false;
  }

  /** The legend of the land-use map on screen: its name and period, and the codes its areas use. */
  private landUseMapLegend(): HTMLElement | undefined {
    const shown = this.shownLandUseMap();
    if (!shown) return undefined;
    const title = h('p', { class: 'legend-map-title' }, h('strong', {}, shown.name), ` · ${mapYears(shown)}`);
    if (!this.tablesReady() || !this.codes)
      return h('div', { class: 'legend-landuse-map', 'data-map': shown.id }, title, h('p', { class: 'hint' }, t('loadingLandUseLegend')));
    const rows = this.landUseMapRows() ?? [];
    return h(
      'details',
      { class: 'legend-landuse-map', 'data-map': shown.id, open: true },
      h('summary', {}, t('landUseMapLegend')),
      title,
      h('ul', { class: 'legend legend-codes' }, ...rows.map((r) => this.legendRow(r))),
    );
  }

  /**
   * The legend rows of the land-use map on screen: its own codes, coloured by the style's paint as the
   * map draws them (a code the table lacks is grey there and here); undefined before the tables are in.
   */
  private landUseMapRows(): LegendRow[] | undefined {
    const shown = this.shownLandUseMap();
    if (!shown || !this.codes) return undefined;
    const used = new Set<string | null>(this.mapCodes?.get(shown.id) ?? []);
    return (
      deriveLegend(this.style, {
        visible: { landuse: true },
        zoom: this.control.zoom(),
        drawn: new Map([['landuse-fill', used]]),
        codeOrder: this.codes.map((c) => c.code),
        opacity: this.state.opacity,
      }).find((s) => s.group === 'landuse')?.rows ?? []
    );
  }

  private landUseLegend(group: string): HTMLElement | undefined {
    // The full table is long; one (under the lowest parcels or zones layer drawing in view) is enough.
    // It is for looking up the colours in view: under a layer drawing nothing here (zoomed out below
    // it) it was a folded heading over nothing.
    const firstDrawing = this.groups.find(
      (g) => LAND_USE_GROUPS.has(g.id) && (this.state.visible[g.id] ?? g.visible) && this.viewRows(g.id).length > 0,
    );
    if (firstDrawing?.id !== group) return undefined;
    if (!this.tablesReady() || !this.codes) return undefined;
    const needle = this.filter.trim().toLowerCase();
    const matches = (c: LandUseCode) =>
      !needle ||
      c.code.toLowerCase().includes(needle) ||
      c.nameVi.toLowerCase().includes(needle) ||
      c.nameEn.toLowerCase().includes(needle);
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
    // The rows above name every colour in view; the full table is for looking a code up, folded.
    return h(
      'details',
      { class: 'legend-landuse', open: this.filter !== '' },
      h('summary', {}, t('landUseLegend')),
      input,
      h('ul', { class: 'legend legend-codes' }, ...current.map(codeRow)),
      legacy.length
        ? h(
            'details',
            { class: 'legend-legacy' },
            h('summary', {}, t('legacyCodes')),
            h('ul', { class: 'legend legend-codes' }, ...legacy.map(codeRow)),
          )
        : null,
    );
  }
}
