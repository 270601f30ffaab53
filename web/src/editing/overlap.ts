// The live twin of the server's plot-overlap check (server/ogc/validation.ts `overlapReasons`): a
// plot may not cover another saved plot by more than PLOT_OVERLAP_THRESHOLD_M2. Parcels are not
// checked: the plots collection runs only 'plot-overlap'. The server stays the judge; this only warns
// before the save, so the officer learns it while the corners are still under their thumb.
//
// How exact it is: the neighbours are the exact plot geometries of the features API (8 decimals,
// neither clipped per tile nor simplified), the ones the editor already loads to snap to. The
// intersection is planar in lon/lat, as PostGIS's ST_Intersection in EPSG:4326, and its area is
// ellipsoidal (geometry.ts, within 0.01 % of PostGIS geography): turf's own area() is spherical and
// reads 0.4 % more than the server at Cao Lãnh's latitude, which matters for a sliver near the
// 1 m² threshold.
// What it cannot see: plots outside the area loaded for the view (the editor loads from zoom 15 up,
// for the visible map), and plots saved by someone else since that load.

import type { Feature, MultiPolygon, Polygon, Position } from 'geojson';
import { bboxClip, booleanPointInPolygon, feature, featureCollection, intersect, pointOnFeature } from '@turf/turf';
import { PLOT_OVERLAP_THRESHOLD_M2 } from '../../../server/domain/plot-validation.ts';
import { t } from '../i18n/i18n.ts';
import { parcelName, type NamedParcel } from '../ui/parcel-name.ts';
import { polygonAreaM2 } from './geometry.ts';

// Corners above which a drawing is cut to each neighbour's box before the exact intersection.
const CUT_ABOVE_CORNERS = 40;
// How much wider than a neighbour's box the cut is, in degrees (about 1 m).
const CUT_MARGIN = 1e-5;

const grown = (b: Box): [number, number, number, number] => [
  b.minX - CUT_MARGIN,
  b.minY - CUT_MARGIN,
  b.maxX + CUT_MARGIN,
  b.maxY + CUT_MARGIN,
];

/**
 * A saved plot to check a drawing against: its id, exact geometry and bounding box (for the cheap
 * first cut), and its farmer's name when the features API gave it to this viewer.
 */
export type SavedPlot = {
  id: number;
  geometry: Polygon | MultiPolygon;
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  farmerName?: string;
};

/** A cadastral parcel near the drawing (the editor loads them to snap to): its outline and certificate key. */
export type NearParcel = { geometry: Polygon | MultiPolygon; parcel: NamedParcel; minX: number; minY: number; maxX: number; maxY: number };

/**
 * One saved plot a drawing covers too much of, with the m² they share, and what names it to people:
 * its farmer (as far as this viewer may see) and the parcel it lies on.
 */
export type PlotOverlap = { id: number; overlapM2: number; farmerName?: string; parcel?: NamedParcel };

type Box = { minX: number; minY: number; maxX: number; maxY: number };

function boxOf(rings: readonly (readonly Position[])[]): Box {
  const box = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  for (const ring of rings)
    for (const p of ring) {
      box.minX = Math.min(box.minX, p[0]!);
      box.maxX = Math.max(box.maxX, p[0]!);
      box.minY = Math.min(box.minY, p[1]!);
      box.maxY = Math.max(box.maxY, p[1]!);
    }
  return box;
}

const outerRings = (g: Polygon | MultiPolygon) => (g.type === 'Polygon' ? g.coordinates.slice(0, 1) : g.coordinates.map((p) => p[0]!));

type ApiFeature = { id?: unknown; properties?: Record<string, unknown> | null; geometry: { type: string; coordinates: unknown } | null };

function polygonOf(f: ApiFeature): Polygon | MultiPolygon | undefined {
  const g = f.geometry;
  if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon')) return undefined;
  const geometry = g as Polygon | MultiPolygon;
  return geometry.coordinates.length ? geometry : undefined;
}

/** A saved plot from a features API feature (id and polygon or multipolygon geometry), or undefined for anything else. */
export function savedPlotOf(f: ApiFeature): SavedPlot | undefined {
  const id = Number(f.id);
  const geometry = polygonOf(f);
  if (!Number.isSafeInteger(id) || !geometry) return undefined;
  const farmer = f.properties?.farmer_name;
  return {
    id,
    geometry,
    ...boxOf(outerRings(geometry)),
    ...(typeof farmer === 'string' && farmer.trim() ? { farmerName: farmer.trim() } : {}),
  };
}

/** A parcel from a features API feature with its sheet and number, or undefined. */
export function nearParcelOf(f: ApiFeature): NearParcel | undefined {
  const geometry = polygonOf(f);
  const p = f.properties ?? {};
  const sheet = Number(p.sheet);
  const parcel = Number(p.parcel_no);
  if (!geometry || !Number.isSafeInteger(sheet) || !Number.isSafeInteger(parcel)) return undefined;
  const commune = typeof p.commune_code === 'string' ? p.commune_code : undefined;
  return { geometry, parcel: { sheet, parcel, ...(commune ? { commune } : {}) }, ...boxOf(outerRings(geometry)) };
}

/** The parcel a saved plot lies on: the one holding a point inside the plot. */
function parcelUnder(plot: SavedPlot, parcels: readonly NearParcel[]): NamedParcel | undefined {
  let inside: Position;
  try {
    inside = pointOnFeature(feature(plot.geometry)).geometry.coordinates;
  } catch {
    return undefined;
  }
  const [x, y] = [inside[0]!, inside[1]!];
  const found = parcels.find(
    (p) => x >= p.minX && x <= p.maxX && y >= p.minY && y <= p.maxY && booleanPointInPolygon(inside, feature(p.geometry)),
  );
  return found?.parcel;
}

/**
 * An overlapped plot as the drawing's warning names it: its farmer and the parcel it lies on, as far
 * as they are known ("thửa của Trần Thanh Nhung trên tờ 6 thửa 120, xã/phường 29872"); its record
 * number only when neither is (it read '#1', audit s17).
 */
export function overlapPlotName(o: PlotOverlap): string {
  const parcel = o.parcel ? parcelName(o.parcel) : undefined;
  // Mid-sentence: 'Tờ 6 thửa 120' reads 'tờ 6 thửa 120'.
  const onParcel = parcel ? parcel.charAt(0).toLocaleLowerCase('vi') + parcel.slice(1) : undefined;
  if (o.farmerName && onParcel) return t('overlapPlotOfOn', { farmer: o.farmerName, parcel: onParcel });
  if (o.farmerName) return t('overlapPlotOf', { farmer: o.farmerName });
  if (onParcel) return t('overlapPlotOn', { parcel: onParcel });
  return `#${o.id}`;
}

/** Area of a polygon or multipolygon in m² on the ellipsoid (holes subtracted). */
function areaM2(g: Polygon | MultiPolygon): number {
  return g.type === 'Polygon'
    ? polygonAreaM2(g)
    : g.coordinates.reduce((sum, p) => sum + polygonAreaM2({ type: 'Polygon', coordinates: p }), 0);
}

/**
 * The saved plots a drawing overlaps by more than the threshold (the server's, 1 m², unless told),
 * in id order as the server lists them, each with the shared m². Only plots whose bounding box meets
 * the drawing's are intersected; `excludeId` is the plot being edited (its stored self is no overlap).
 * A drawing turf cannot intersect (a self-crossing ring mid-edit) yields none: the geometry validator
 * reports that fault already.
 */
export function plotOverlaps(
  drawing: Polygon,
  plots: readonly SavedPlot[],
  options: { excludeId?: number; thresholdM2?: number; parcels?: readonly NearParcel[] } = {},
): PlotOverlap[] {
  const threshold = options.thresholdM2 ?? PLOT_OVERLAP_THRESHOLD_M2;
  const box = boxOf(drawing.coordinates.slice(0, 1));
  const mine = feature(drawing);
  const out: PlotOverlap[] = [];
  for (const plot of plots) {
    if (plot.id === options.excludeId) continue;
    if (plot.maxX < box.minX || plot.minX > box.maxX || plot.maxY < box.minY || plot.minY > box.maxY) continue;
    let shared: Polygon | MultiPolygon | undefined;
    try {
      // A walked or loaded drawing has hundreds of corners and turf's clipper is slow in their number:
      // cut the drawing to the plot's box first (linear), a hair wider so the cut's own edges lie
      // outside the plot; the part of the drawing on the plot is the same (turf types the answer as
      // any kind of line or polygon: a polygon in is a polygon out).
      const cut: Feature<Polygon> =
        drawing.coordinates[0]!.length > CUT_ABOVE_CORNERS ? (bboxClip(mine, grown(plot)) as Feature<Polygon>) : mine;
      if (!cut.geometry.coordinates.length || !cut.geometry.coordinates[0]!.length) continue;
      shared = intersect(featureCollection([cut, feature(plot.geometry)]))?.geometry;
    } catch {
      continue;
    }
    const m2 = shared ? areaM2(shared) : 0;
    if (m2 <= threshold) continue;
    const parcel = options.parcels ? parcelUnder(plot, options.parcels) : undefined;
    out.push({ id: plot.id, overlapM2: m2, ...(plot.farmerName ? { farmerName: plot.farmerName } : {}), ...(parcel ? { parcel } : {}) });
  }
  return out.sort((a, b) => a.id - b.id);
}
