// The legend, derived from the style that draws the map: each row's colour is the style's own paint
// evaluated for a value the map draws (a land-use code, a road kind, a product category), so the
// legend cannot drift from the map and no colour is kept twice. The screen panel and the print use it.
import type { LayerSpecification, StyleSpecification } from 'maplibre-gl';
import { groupsOf, layersOf } from './layer-groups.ts';

/** How a row's symbol is drawn: a fill (with the layer's opacity over the map background), a line, a dot. */
export type LegendSwatch = {
  fill?: string;
  /** The fill's opacity as the map draws it (the style's times the layer panel's); the swatch shows the colour over `background`. */
  fillOpacity?: number;
  /** Outline or line colour. */
  line?: string;
  /** The line's (and its casing's) opacity as the map draws it, when below 1. */
  lineOpacity?: number;
  /** Road casing under the line. */
  casing?: string;
  dashed?: boolean;
  circle?: string;
  /** The circle's opacity as the map draws it, when below 1. */
  circleOpacity?: number;
  /** The style's background colour (what a translucent fill is seen over). */
  background: string;
};

/** What a row names: a land-use code (null: a feature with none, e.g. a mixed-use zoning lot), values of a property, or a layer. */
export type LegendLabel =
  | { kind: 'code'; code: string | null }
  | { kind: 'values'; property: string; values: (string | null)[] }
  | { kind: 'layer'; layer: string; group: string };

/** One legend row: its symbol and what it stands for. */
export type LegendRow = { id: string; swatch: LegendSwatch; label: LegendLabel };

/** The rows of one layer group, in drawing order of its layers. */
export type LegendSection = { group: string; rows: LegendRow[] };

/** Values each drawn layer shows now (by layer id): `land_use_code` values, road kinds, or one `true` for a constant colour. */
export type DrawnValues = Map<string, Set<string | null>>;

/** What the legend is derived for. */
export type LegendInput = {
  /** Groups switched on. */
  visible: Record<string, boolean>;
  /** The map's zoom: a layer outside its zoom range draws nothing. */
  zoom: number;
  /** What the layers draw in the view (rendered features); a layer missing here draws nothing. Undefined: every value the style names. */
  drawn?: DrawnValues | undefined;
  /** Land-use codes in the table's order, for sorting code rows. */
  codeOrder?: readonly string[] | undefined;
  /** The layer panel's opacity per group (0–1; missing: 1): the map draws each layer at its style's opacity times this. */
  opacity?: Readonly<Record<string, number>> | undefined;
};

const COLOUR: Record<string, string> = { fill: 'fill-color', line: 'line-color', circle: 'circle-color' };
const OPACITY: Record<string, string> = { fill: 'fill-opacity', line: 'line-opacity', circle: 'circle-opacity' };

/** The value that stands for "anything the match does not name" (its fallback colour). */
export const OTHER = '\u0000other';

type Props = Record<string, unknown>;

/**
 * Evaluates the subset of MapLibre expressions the server's style uses for colours (get, to-string,
 * coalesce, literal, match). Anything else throws: the unit test then fails instead of a silent wrong row.
 */
export function evaluate(expr: unknown, props: Props): unknown {
  if (!Array.isArray(expr)) return expr;
  const [op, ...args] = expr as [string, ...unknown[]];
  switch (op) {
    case 'get':
      return props[String(args[0])] ?? null;
    case 'literal':
      return args[0];
    case 'to-string': {
      const v = evaluate(args[0], props);
      return v === null || v === undefined ? '' : String(v);
    }
    case 'coalesce':
      for (const a of args) {
        const v = evaluate(a, props);
        if (v !== null && v !== undefined) return v;
      }
      return null;
    case 'match': {
      const input = evaluate(args[0], props);
      for (let i = 1; i + 1 < args.length; i += 2) {
        const labels = Array.isArray(args[i]) ? (args[i] as unknown[]) : [args[i]];
        if (labels.includes(input)) return evaluate(args[i + 1], props);
      }
      return evaluate(args[args.length - 1], props);
    }
    default:
      throw new Error(`legend: expression '${op}' is not understood`);
  }
}

/** The feature property a colour expression reads, or undefined for a constant colour. */
export function colourProperty(expr: unknown): string | undefined {
  if (!Array.isArray(expr)) return undefined;
  if (expr[0] === 'get' && typeof expr[1] === 'string') return expr[1];
  for (const part of expr) {
    const p = colourProperty(part);
    if (p) return p;
  }
  return undefined;
}

/** Every value the match expressions of a layer's paint name for a property, and OTHER for their fallback. */
function namedValues(layer: LayerSpecification, property: string): (string | null)[] {
  const values = new Set<string | null>();
  const walk = (expr: unknown): void => {
    if (!Array.isArray(expr)) return;
    if (expr[0] === 'match' && colourProperty(expr[1]) === property) {
      for (let i = 2; i + 1 < expr.length; i += 2) for (const v of [expr[i]].flat()) values.add(String(v));
    }
    for (const part of expr) walk(part);
  };
  walk(Object.values((layer as { paint?: Props }).paint ?? {}));
  values.add(OTHER);
  return [...values];
}

function paintOf(layer: LayerSpecification): Props {
  return ((layer as { paint?: Props }).paint ?? {}) as Props;
}

function inZoom(layer: LayerSpecification, zoom: number): boolean {
  return (layer.minzoom ?? 0) <= zoom && zoom < (layer.maxzoom ?? 24);
}

function colourOf(layer: LayerSpecification, props: Props): string {
  return String(evaluate(paintOf(layer)[COLOUR[layer.type]!], props));
}

/** The layer's opacity as the map draws it: the style's paint opacity times the group's factor from the layer panel. */
function opacityOf(layer: LayerSpecification, factor: number): number {
  const v = paintOf(layer)[OPACITY[layer.type]!];
  // Rounded so a slider step gives the same row key each time (0.45 × 0.4 is 0.18000000000000002).
  return Math.round((typeof v === 'number' ? v : 1) * factor * 1000) / 1000;
}

/** The opacity key of a line or circle swatch, set only when the layer is translucent (most are drawn full). */
function translucent(key: 'lineOpacity' | 'circleOpacity', opacity: number): Partial<LegendSwatch> {
  return opacity < 1 ? { [key]: opacity } : {};
}

/** The style's background colour. */
function backgroundOf(style: StyleSpecification): string {
  const bg = style.layers.find((l) => l.type === 'background') as { paint?: Props } | undefined;
  const c = bg?.paint?.['background-color'];
  return typeof c === 'string' ? c : '#FFFFFF';
}

/** The legend's drawn layers of a group: fills, lines and circles (no labels, no selection highlight). */
function drawnLayers(style: StyleSpecification, group: string, zoom: number): LayerSpecification[] {
  return layersOf(style, group).filter((l) => l.type in COLOUR && inZoom(l, zoom));
}

/**
 * Reads rendered features (queryRenderedFeatures of the map or of the print's map) into the values
 * each layer draws: the property its colour reads, or a mark that a constant-colour layer drew something.
 */
export function drawnValuesOf(
  style: StyleSpecification,
  features: readonly { layer: { id: string }; properties: Props | null }[],
): DrawnValues {
  const byId = new Map(style.layers.map((l) => [l.id, l]));
  const drawn: DrawnValues = new Map();
  for (const f of features) {
    const layer = byId.get(f.layer.id);
    if (!layer || !(layer.type in COLOUR)) continue;
    const property = colourProperty(paintOf(layer)[COLOUR[layer.type]!]);
    let set = drawn.get(layer.id);
    if (!set) drawn.set(layer.id, (set = new Set()));
    if (!property) {
      set.add(OTHER);
      continue;
    }
    const v = f.properties?.[property];
    set.add(v === null || v === undefined || v === '' ? null : String(v));
  }
  return drawn;
}

/** The ids of the layers whose rendered features the legend reads. */
export function legendLayerIds(style: StyleSpecification): string[] {
  return groupsOf(style).flatMap((g) =>
    layersOf(style, g.id)
      .filter((l) => l.type in COLOUR)
      .map((l) => l.id),
  );
}

/**
 * The legend rows of the visible groups, bottom group first. A fill whose colour reads a land-use
 * code gives a row per code drawn (and one, grey, for features without a code); any other data-driven
 * colour gives a row per distinct colour naming the values drawn in it (roads: national, provincial,
 * the rest); a constant-colour layer gives one row, a group's constant fill and outline sharing it;
 * a line layer named *-casing is drawn under its group's lines instead of a row of its own.
 */
export function deriveLegend(style: StyleSpecification, input: LegendInput): LegendSection[] {
  const background = backgroundOf(style);
  const order = new Map((input.codeOrder ?? []).map((c, i) => [c, i]));
  const sections: LegendSection[] = [];
  for (const group of groupsOf(style)) {
    if (!(input.visible[group.id] ?? group.visible)) continue;
    const layers = drawnLayers(style, group.id, input.zoom);
    const factor = Math.min(1, Math.max(0, input.opacity?.[group.id] ?? 1));
    const casing = layers.find((l) => l.type === 'line' && l.id.endsWith('-casing'));
    const casingColour = casing && !colourProperty(paintOf(casing)['line-color']) ? colourOf(casing, {}) : undefined;
    const rows: LegendRow[] = [];
    let constantFill: LegendRow | undefined;
    // A fill coloured by a property (not a land-use code): its rows, so an outline coloured by the same
    // property is drawn on them rather than listed again.
    let drivenFill: { property: string; rows: LegendRow[] } | undefined;
    for (const layer of layers) {
      if (layer === casing) continue;
      const drawn = input.drawn ? input.drawn.get(layer.id) : undefined;
      if (input.drawn && !drawn?.size) continue;
      const expr = paintOf(layer)[COLOUR[layer.type]!];
      const property = colourProperty(expr);
      const symbol = (colour: string): LegendSwatch => {
        const opacity = opacityOf(layer, factor);
        if (layer.type === 'fill') return { fill: colour, fillOpacity: opacity, background };
        if (layer.type === 'circle') return { circle: colour, ...translucent('circleOpacity', opacity), background };
        return {
          line: colour,
          ...translucent('lineOpacity', opacity),
          background,
          ...(casingColour ? { casing: casingColour } : {}),
          ...(paintOf(layer)['line-dasharray'] ? { dashed: true } : {}),
        };
      };
      if (!property) {
        const colour = colourOf(layer, {});
        if (layer.type === 'line' && constantFill && !constantFill.swatch.line) {
          Object.assign(constantFill.swatch, { line: colour, ...translucent('lineOpacity', opacityOf(layer, factor)) });
          continue;
        }
        const row: LegendRow = { id: layer.id, swatch: symbol(colour), label: { kind: 'layer', layer: layer.id, group: group.id } };
        if (layer.type === 'fill') constantFill = row;
        rows.push(row);
        continue;
      }
      if (layer.type === 'line' && drivenFill?.property === property) {
        for (const row of drivenFill.rows) {
          const first = row.label.kind === 'values' ? row.label.values[0] : null;
          const colour = colourOf(layer, { [property]: first ?? null });
          Object.assign(row.swatch, { line: colour, ...translucent('lineOpacity', opacityOf(layer, factor)) });
        }
        continue;
      }
      // Values in the order the style names them (national, provincial, then the fallback's), so rows keep their place.
      const named = namedValues(layer, property);
      const place = (v: string | null) => (v !== null && named.includes(v) ? named.indexOf(v) : named.length);
      const values = (drawn ? [...drawn] : named).sort((a, b) => place(a) - place(b));
      const propsFor = (v: string | null): Props => ({ [property]: v === OTHER ? null : v });
      if (property === 'land_use_code') {
        // The table's order when known, else the order the style names them (also the table's); no code last.
        const codes = [...new Set(values.map((v) => (v === OTHER ? null : v)))];
        const rank = (v: string | null) => (v === null ? Infinity : (order.get(v) ?? order.size + codes.indexOf(v)));
        codes.sort((a, b) => rank(a) - rank(b));
        for (const code of codes) {
          rows.push({ id: `${layer.id}:${code ?? ''}`, swatch: symbol(colourOf(layer, propsFor(code))), label: { kind: 'code', code } });
        }
        continue;
      }
      // One row per colour: three road kinds drawn white are one row that names the three.
      const byColour = new Map<string, (string | null)[]>();
      for (const v of values) {
        const colour = colourOf(layer, propsFor(v));
        byColour.set(colour, [...(byColour.get(colour) ?? []), v === OTHER ? null : v]);
      }
      const own: LegendRow[] = [];
      for (const [colour, vals] of byColour) {
        own.push({ id: `${layer.id}:${colour}`, swatch: symbol(colour), label: { kind: 'values', property, values: vals } });
      }
      rows.push(...own);
      if (layer.type === 'fill') drivenFill = { property, rows: own };
    }
    if (rows.length) sections.push({ group: group.id, rows });
  }
  return sections;
}

/**
 * Groups whose codes mean something else than the land's use today: a zoning lot's ODT is what the
 * plan allows there. Their rows stay in their own section, so a planner reading a print finds every
 * zoning class under the zoning plan even when the parcels draw the same codes.
 */
const PLANNED_GROUPS: ReadonlySet<string> = new Set(['zones']);

/**
 * The sections with each land-use class listed once: a code drawn by several groups (ODT by the
 * land-use areas and by the parcels over them) keeps its row in the first (lowest) group that
 * draws it; a section left without rows is dropped. The zoning plan's classes are listed apart.
 */
export function listCodesOnce(sections: readonly LegendSection[]): LegendSection[] {
  const seen = new Set<string | null>();
  const out: LegendSection[] = [];
  for (const section of sections) {
    if (PLANNED_GROUPS.has(section.group)) {
      if (section.rows.length) out.push({ ...section, rows: [...section.rows] });
      continue;
    }
    const rows = section.rows.filter((row) => {
      if (row.label.kind !== 'code') return true;
      if (seen.has(row.label.code)) return false;
      seen.add(row.label.code);
      return true;
    });
    if (rows.length) out.push({ ...section, rows });
  }
  return out;
}

/**
 * The row of the selection outline when a highlight layer (`<group>-highlight`, the cyan line the
 * map draws around the selected feature) drew something among `features`, with the group it belongs to.
 */
export function selectionRow(
  style: StyleSpecification,
  features: readonly { layer: { id: string } }[],
): { group: string; row: LegendRow } | undefined {
  const hit = features.find((f) => f.layer.id.endsWith('-highlight'));
  const layer = hit && style.layers.find((l) => l.id === hit.layer.id);
  const group = (layer?.metadata as Record<string, string> | undefined)?.['bando:group'];
  if (!layer || !group) return undefined;
  const paint = paintOf(layer);
  const colour = String(paint['line-color'] ?? paint['circle-stroke-color'] ?? '#00B8D4');
  return {
    group,
    row: {
      id: 'selection',
      swatch: { line: colour, background: backgroundOf(style) },
      label: { kind: 'layer', layer: 'selection', group },
    },
  };
}

/** Mixes a colour at an opacity over a background, as the map's canvas does; both #RRGGBB. */
export function blend(colour: string, opacity: number, background: string): [number, number, number] {
  const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
  const c = rgb(colour);
  const b = rgb(background);
  return [0, 1, 2].map((i) => Math.round(c[i]! * opacity + b[i]! * (1 - opacity))) as [number, number, number];
}
