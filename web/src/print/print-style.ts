// The style the printed map is drawn with. On screen the zoning lots' fill (the plan's land-use
// colours, translucent) lies over the land-use areas' and the parcels' fills (the same palette,
// translucent): where both are on, a lot shows a mix of its class and the land use under it, a
// colour no legend row has. A planner reads the paper to know what the plan allows there, so the
// printed map leaves the land-use and parcel fills out under the zoning lots: inside a lot the paper
// shows the lot's colour exactly as its legend swatch (the zoning colour over the map's background),
// outside the lots the land use as its own swatches, the land-use areas' and the parcels' boundaries
// still drawn over both.
import { bboxClip, difference, featureCollection, polygon } from '@turf/turf';
import type { BBox, Feature, Geometry, Polygon, Position } from 'geojson';
import type { FillLayerSpecification, LayerSpecification, StyleSpecification } from 'maplibre-gl';
import { colourProperty, type DrawnValues } from '../map/legend.ts';

/** The id of the print's layer that blanks the land-use fills under the zoning lots. */
export const ZONING_GROUND = 'zones-print-ground';

const visible = (layer: LayerSpecification) => (layer.layout as { visibility?: string } | undefined)?.visibility !== 'none';
const paint = (layer: LayerSpecification) => ((layer as { paint?: Record<string, unknown> }).paint ?? {}) as Record<string, unknown>;

/**
 * The print's style: `style` with, when the zoning lots' fill is drawn over a land-use-coloured fill
 * (land-use areas, parcels), a fill of the map's background under the lots laid right above the
 * topmost of those fills, so their colours do not show through the lots; the boundaries of the
 * land-use areas and the parcels are drawn above it. `zoningGround` says whether it was laid. The style is not changed.
 */
export function printStyleOf(style: StyleSpecification): { style: StyleSpecification; zoningGround: boolean } {
  const layers = style.layers;
  const at = layers.findIndex((l) => l.id === 'zones-fill');
  const zones = layers[at] as FillLayerSpecification | undefined;
  const opacity = zones ? paint(zones)['fill-opacity'] : undefined;
  if (!zones || zones.type !== 'fill' || !visible(zones) || opacity === 0) return { style, zoningGround: false };
  // The land-use-coloured fills under the lots: the land-use areas and the parcels (each coloured by its land_use_code).
  const landUseFills = layers
    .slice(0, at)
    .flatMap((l, i) => (l.type === 'fill' && visible(l) && colourProperty(paint(l)['fill-color']) === 'land_use_code' ? [i] : []));
  if (!landUseFills.length) return { style, zoningGround: false };
  const first = landUseFills[0]!;
  const above = landUseFills[landUseFills.length - 1]!;
  const background = paint(layers.find((l) => l.type === 'background') ?? ({} as LayerSpecification))['background-color'];
  const ground: FillLayerSpecification = {
    id: ZONING_GROUND,
    type: 'fill',
    source: zones.source,
    ...(zones['source-layer'] !== undefined ? { 'source-layer': zones['source-layer'] } : {}),
    ...(zones.filter !== undefined ? { filter: zones.filter } : {}),
    ...(zones.minzoom !== undefined ? { minzoom: zones.minzoom } : {}),
    ...(zones.maxzoom !== undefined ? { maxzoom: zones.maxzoom } : {}),
    layout: { visibility: 'visible' },
    // Opaque, whatever the lots' opacity: the lots' own fill over it is then their swatch's colour.
    paint: { 'fill-color': typeof background === 'string' ? background : '#FFFFFF', 'fill-opacity': 1, 'fill-antialias': false },
  };
  // Outlines drawn between those fills (the land-use areas' under the parcels' fill) go above the blank with the
  // parcels' boundaries: inside a lot only the fills are left out, every boundary is drawn as on screen.
  const between = layers.slice(first + 1, above).filter((l) => l.type === 'line');
  const moved = new Set(between.map((l) => l.id));
  const under = layers.slice(0, above + 1).filter((l) => !moved.has(l.id));
  return {
    style: { ...style, layers: [...under, ground, ...between, ...layers.slice(above + 1)] },
    zoningGround: true,
  };
}

/** A rendered feature as queryRenderedFeatures gives it: its layer, properties and geometry (lon/lat). */
export type RenderedFeature = { layer: { id: string }; properties: Record<string, unknown> | null; geometry: Geometry };

/** The land-use-coloured fills the blank hides under the lots. */
const UNDER_LOTS = ['landuse-fill', 'parcels-fill'];

/**
 * What the printed map draws once the land use is left out under the lots: `drawn` with, for the
 * land-use areas' and the parcels' fills, only the codes that show somewhere outside every zoning
 * lot inside `extent` ([west, south, east, north]), in a piece at least `minWidthM` metres wide (a
 * sliver where a land-use edge and a lot's edge do not quite meet is no colour a reader sees). A
 * class drawn only under the lots is no row of the printed legend; a fill left with none is dropped.
 */
export function drawnOutsideLots(
  drawn: DrawnValues,
  features: readonly RenderedFeature[],
  extent: readonly [number, number, number, number],
  minWidthM: number,
): DrawnValues {
  const lat0 = (extent[1] + extent[3]) / 2;
  // Local metres (equirectangular about the extent's middle): plenty at a print's extent, and planar for the clipping.
  const kx = 111_320 * Math.cos((lat0 * Math.PI) / 180);
  const ky = 110_540;
  const toMetres = (rings: Position[][]): Position[][] => rings.map((ring) => ring.map(([x, y]) => [x! * kx, y! * ky]));
  const polygonsOf = (g: Geometry): Position[][][] =>
    g.type === 'Polygon' ? [toMetres(g.coordinates)] : g.type === 'MultiPolygon' ? g.coordinates.map(toMetres) : [];
  const boxOf = (rings: Position[][]): BBox => {
    const xs = rings[0]!.map((p) => p[0]!);
    const ys = rings[0]!.map((p) => p[1]!);
    return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
  };
  const overlaps = (a: BBox, b: BBox) => a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
  const lots = features
    .filter((f) => f.layer.id === 'zones-fill')
    .flatMap((f) => polygonsOf(f.geometry))
    .map((rings) => ({ rings, box: boxOf(rings) }));
  const frame: BBox = [extent[0] * kx, extent[1] * ky, extent[2] * kx, extent[3] * ky];
  const out: DrawnValues = new Map(drawn);
  for (const layer of UNDER_LOTS) {
    const codes = drawn.get(layer);
    if (!codes) continue;
    const seen = new Set<string | null>();
    for (const f of features) {
      if (f.layer.id !== layer) continue;
      const raw = f.properties?.['land_use_code'];
      const code = raw === null || raw === undefined || raw === '' ? null : String(raw);
      if (seen.has(code)) continue;
      for (const rings of polygonsOf(f.geometry)) {
        if (shownOutside(rings, boxOf(rings), lots, frame, minWidthM, overlaps)) {
          seen.add(code);
          break;
        }
      }
    }
    const kept = new Set([...codes].filter((c) => seen.has(c)));
    if (kept.size) out.set(layer, kept);
    else out.delete(layer);
  }
  return out;
}

/** Whether a polygon (local metres) keeps, inside the frame and outside the lots, a piece `minWidth` wide. */
function shownOutside(
  rings: Position[][],
  box: BBox,
  lots: readonly { rings: Position[][]; box: BBox }[],
  frame: BBox,
  minWidth: number,
  overlaps: (a: BBox, b: BBox) => boolean,
): boolean {
  if (!overlaps(box, frame)) return false;
  try {
    const clipped = bboxClip(polygon(rings), frame);
    const near = lots.filter((l) => overlaps(l.box, box)).map((l) => polygon(l.rings));
    const left = near.length ? difference(featureCollection([clipped as Feature<Polygon>, ...near])) : clipped;
    if (!left) return false;
    const pieces = left.geometry.type === 'Polygon' ? [left.geometry.coordinates] : (left.geometry.coordinates as Position[][][]);
    return pieces.some((piece) => {
      const area = Math.abs(ringArea(piece[0] ?? [])) - piece.slice(1).reduce((sum, hole) => sum + Math.abs(ringArea(hole)), 0);
      const perimeter = piece.reduce((sum, ring) => sum + ringLength(ring), 0);
      // A strip w wide and L long: area / perimeter ≈ w / 2.
      return area >= minWidth * minWidth && perimeter > 0 && (2 * area) / perimeter >= minWidth;
    });
  } catch {
    // A geometry the clipping cannot take: listed, as before (a row too many, never a colour without its row).
    return true;
  }
}

function ringArea(ring: Position[]): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) sum += (ring[j]![0]! - ring[i]![0]!) * (ring[j]![1]! + ring[i]![1]!);
  return sum / 2;
}

function ringLength(ring: Position[]): number {
  let sum = 0;
  for (let i = 1; i < ring.length; i++) sum += Math.hypot(ring[i]![0]! - ring[i - 1]![0]!, ring[i]![1]! - ring[i - 1]![1]!);
  return sum;
}
