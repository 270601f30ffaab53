// One code label per growing area. A growing area's geometry is the union of its plots (migration
// 004: refresh_growing_area), a MultiPolygon of as many parts as it has separate plots, and MapLibre
// labels every part of a polygon: an area of 12 plots showed its code 12 times. The label layer reads
// instead one point per area, chosen here from the area's tile features on screen, so whatever the
// tiles' scope (drafts for their officer only) the labels follow the tiles and need no other request.
import type { FilterSpecification, GeoJSONSource, LayerSpecification, Map as MapLibreMap, StyleSpecification } from 'maplibre-gl';
import type { Feature, FeatureCollection, MultiPolygon, Point, Polygon, Position } from 'geojson';
import { shortenName } from '../ui/short-text.ts';

/** The style's label layer of growing areas (server/routes/style.ts). */
export const AREA_LABEL_LAYER = 'growing_areas-label';
/** The GeoJSON source of one label point per growing area, made on the client. */
export const AREA_LABEL_SOURCE = 'growing-area-labels';

/** A growing area's feature as the tiles give it (one per tile it crosses, each clipped to its tile). */
export type AreaPiece = {
  id: string | number | undefined;
  properties: Record<string, unknown>;
  geometry: { type: string; coordinates?: unknown };
};

/**
 * Characters of a name the label shows (a draft has no code yet: its name is its label). The style
 * wraps the label at 9 ems, so this is about three short lines; a 120-character name would stand as a
 * column of nine lines over its neighbours' plots.
 */
export const LABEL_NAME_CHARS = 36;

/** West, south, east, north of the view, degrees. */
export type ViewBox = [number, number, number, number];

type Ring = Position[];

/** Twice the signed area of a ring in degrees² (only compared between parts of one small area). */
function ringArea(ring: Ring): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) sum += (ring[j]![0]! - ring[i]![0]!) * (ring[j]![1]! + ring[i]![1]!);
  return sum;
}

function polygonArea(rings: Ring[]): number {
  return rings.reduce((sum, ring, i) => sum + (i === 0 ? 1 : -1) * Math.abs(ringArea(ring)), 0);
}

function inRing(p: Position, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number];
    const [xj, yj] = ring[j] as [number, number];
    if (yi > p[1]! !== yj > p[1]! && p[0]! < ((xj - xi) * (p[1]! - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Whether a point lies inside a polygon (its outer ring and none of its holes). */
export function inPolygon(p: Position, rings: Ring[]): boolean {
  return rings.length > 0 && inRing(p, rings[0]!) && !rings.slice(1).some((hole) => inRing(p, hole));
}

/**
 * A point inside a polygon where a label reads well: the middle of the widest stretch of the
 * polygon along the horizontal line through its middle (as GEOS's interior point does), so a thin
 * strip or an L-shaped plot gets its label on itself, never beside it.
 */
export function labelPoint(rings: Ring[]): Position {
  const outer = rings[0]!;
  const ys = outer.map((p) => p[1]!);
  const y = (Math.min(...ys) + Math.max(...ys)) / 2;
  const xs: number[] = [];
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i] as [number, number];
      const [xj, yj] = ring[j] as [number, number];
      if (yi > y !== yj > y) xs.push(xi + ((y - yi) * (xj - xi)) / (yj - yi));
    }
  }
  xs.sort((a, b) => a - b);
  let best: Position = outer[0]!;
  let width = -1;
  // Crossings pair up as entering and leaving the polygon.
  for (let i = 0; i + 1 < xs.length; i += 2) {
    if (xs[i + 1]! - xs[i]! > width) {
      width = xs[i + 1]! - xs[i]!;
      best = [(xs[i]! + xs[i + 1]!) / 2, y];
    }
  }
  return best;
}

const inView = (p: Position, [w, s, e, n]: ViewBox) => p[0]! >= w && p[0]! <= e && p[1]! >= s && p[1]! <= n;

function polygonsOf(geometry: AreaPiece['geometry']): Ring[][] {
  if (geometry.type === 'Polygon') return [(geometry as Polygon).coordinates];
  if (geometry.type === 'MultiPolygon') return (geometry as MultiPolygon).coordinates;
  return [];
}

/**
 * One label point per growing area: on the largest of its parts whose label point is in the view
 * (else its largest part), so zoomed in on a few of an area's plots the code is on one of those.
 * `previous` keeps a label where it was while it is still on the area and in view, so panning does
 * not make it jump from plot to plot.
 */
export function areaLabelPoints(
  pieces: readonly AreaPiece[],
  view: ViewBox,
  previous: ReadonlyMap<string | number, Position> = new Map(),
): FeatureCollection<Point> {
  const byArea = new Map<string | number, { properties: Record<string, unknown>; parts: Ring[][] }>();
  for (const piece of pieces) {
    if (piece.id === undefined) continue;
    // A plain copy: a rendered feature's properties do not reach the GeoJSON worker intact.
    const area = byArea.get(piece.id) ?? { properties: { ...piece.properties }, parts: [] };
    area.parts.push(...polygonsOf(piece.geometry).filter((rings) => rings[0] && rings[0].length >= 4));
    byArea.set(piece.id, area);
  }
  const features: Feature<Point>[] = [];
  for (const [id, { properties, parts }] of byArea) {
    if (!parts.length) continue;
    const kept = previous.get(id);
    let at: Position | undefined = kept && inView(kept, view) && parts.some((rings) => inPolygon(kept, rings)) ? kept : undefined;
    if (!at) {
      const ranked = parts.map((rings) => ({ area: polygonArea(rings), point: labelPoint(rings) })).sort((a, b) => b.area - a.area);
      at = (ranked.find((r) => inView(r.point, view)) ?? ranked[0]!).point;
    }
    // The label's words: its name cut to fit, whole letters only (the style shows a code first).
    if (typeof properties.name === 'string' && properties.name) properties.label = shortenName(properties.name, LABEL_NAME_CHARS);
    features.push({ type: 'Feature', id, properties, geometry: { type: 'Point', coordinates: [at[0]!, at[1]!] } });
  }
  return { type: 'FeatureCollection', features };
}

/** Where the label points come from: the vector source and layer of the areas' tile features. */
type PiecesOf = { source: string; sourceLayer: string };
const PIECES = 'bando:label-pieces';

/**
 * The style with its growing-area label layer on one point per area (an empty GeoJSON source the
 * map fills at each idle, installAreaLabels), done to the style document before the map is made.
 * Moved once the map had loaded, as before, the layer was removed and added again over a drawn map,
 * and the first view waited for the style to settle once more: on a cheap phone (CPU ×4) the
 * complete first view came 0.6–1.1 s later. The layer keeps its id, place, zoom range, visibility
 * and paint, so the layer panel and the print treat it as before; where its features come from
 * goes in its metadata.
 */
export function withAreaLabelSource(style: StyleSpecification): StyleSpecification {
  const index = style.layers.findIndex((l) => l.id === AREA_LABEL_LAYER && l.type === 'symbol');
  const declared = style.layers[index] as (LayerSpecification & { source?: string; 'source-layer'?: string }) | undefined;
  if (!declared?.source || !declared['source-layer'] || style.sources[AREA_LABEL_SOURCE]) return style;
  const { 'source-layer': sourceLayer, ...rest } = declared;
  const pieces: PiecesOf = { source: declared.source, sourceLayer };
  const layer = {
    ...rest,
    source: AREA_LABEL_SOURCE,
    // A point is not cut at tile edges: the style's 'avoid edges' (there for polygon pieces) would only drop labels near them.
    layout: { ...(declared.layout ?? {}), 'symbol-avoid-edges': false },
    metadata: { ...((declared.metadata as Record<string, unknown> | undefined) ?? {}), [PIECES]: pieces },
  } as LayerSpecification;
  return {
    ...style,
    sources: { ...style.sources, [AREA_LABEL_SOURCE]: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } } },
    layers: style.layers.map((l, i) => (i === index ? layer : l)),
  };
}

/**
 * Keeps the label points of a style made by withAreaLabelSource up to date at each idle of the map
 * (tiles came in, the view moved, an edit changed the tiles).
 */
export function installAreaLabels(map: MapLibreMap, style: StyleSpecification): void {
  const declared = style.layers.find((l) => l.id === AREA_LABEL_LAYER && l.type === 'symbol') as
    (LayerSpecification & { filter?: FilterSpecification }) | undefined;
  const pieces = (declared?.metadata as Record<string, unknown> | undefined)?.[PIECES] as PiecesOf | undefined;
  if (!declared || !pieces) return;
  const points = new Map<string | number, Position>();
  let key = '';

  const refresh = () => {
    const source = map.getSource<GeoJSONSource>(AREA_LABEL_SOURCE);
    if (!source || map.getLayoutProperty(AREA_LABEL_LAYER, 'visibility') === 'none') return;
    const b = map.getBounds();
    const found = map.querySourceFeatures(pieces.source, {
      sourceLayer: pieces.sourceLayer,
      ...(declared.filter ? { filter: declared.filter } : {}),
    });
    const labels = areaLabelPoints(found, [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], points);
    // Only a change is sent: new data redraws the map, whose next idle must find nothing to do.
    const next = JSON.stringify(labels.features.map((f) => [f.id, f.geometry.coordinates, f.properties]));
    if (next === key) return;
    key = next;
    points.clear();
    for (const f of labels.features) points.set(f.id!, f.geometry.coordinates);
    source.setData(labels);
  };
  map.on('idle', refresh);
}
