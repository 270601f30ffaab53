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
import { bboxClip, feature, featureCollection, intersect } from '@turf/turf';
import { PLOT_OVERLAP_THRESHOLD_M2 } from '../../../server/domain/plot-validation.ts';
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

/** A saved plot to check a drawing against: its id, exact geometry and bounding box (for the cheap first cut). */
export type SavedPlot = { id: number; geometry: Polygon | MultiPolygon; minX: number; minY: number; maxX: number; maxY: number };

/** One saved plot a drawing covers too much of, with the m² they share. */
export type PlotOverlap = { id: number; overlapM2: number };

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

/** A saved plot from a features API feature (id and polygon or multipolygon geometry), or undefined for anything else. */
export function savedPlotOf(f: { id?: unknown; geometry: { type: string; coordinates: unknown } | null }): SavedPlot | undefined {
  const id = Number(f.id);
  const g = f.geometry;
  if (!Number.isSafeInteger(id) || !g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon')) return undefined;
  const geometry = g as Polygon | MultiPolygon;
  if (!geometry.coordinates.length) return undefined;
  return { id, geometry, ...boxOf(outerRings(geometry)) };
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
  options: { excludeId?: number; thresholdM2?: number } = {},
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
    if (m2 > threshold) out.push({ id: plot.id, overlapM2: m2 });
  }
  return out.sort((a, b) => a.id - b.id);
}
