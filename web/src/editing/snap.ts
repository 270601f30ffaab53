/** [longitude, latitude] */
export type LonLat = [number, number];
/** Screen position in CSS pixels. */
export type Pixel = { x: number; y: number };

/** A ring of a neighbour (parcel or plot) to snap to, with its bounding box for a cheap first cut. */
export type SnapRing = { coords: LonLat[]; minX: number; minY: number; maxX: number; maxY: number };

/** Where a pointer snapped: onto an existing vertex (shared corner) or onto an edge (shared boundary). */
export type SnapResult = { at: LonLat; kind: 'vertex' | 'edge'; distancePx: number };

/** Turns polygon or multipolygon coordinates into snap rings. */
export function ringsOf(geometry: { type: string; coordinates: unknown }): SnapRing[] {
  const polygons: LonLat[][][] =
    geometry.type === 'Polygon'
      ? [geometry.coordinates as LonLat[][]]
      : geometry.type === 'MultiPolygon'
        ? (geometry.coordinates as LonLat[][][])
        : [];
  const out: SnapRing[] = [];
  for (const polygon of polygons) {
    for (const ring of polygon) {
      if (ring.length < 2) continue;
      let minX = Infinity;
      let minY = Infinity;
      let maxX = -Infinity;
      let maxY = -Infinity;
      for (const [x, y] of ring) {
        minX = Math.min(minX, x);
        maxX = Math.max(maxX, x);
        minY = Math.min(minY, y);
        maxY = Math.max(maxY, y);
      }
      out.push({ coords: ring, minX, minY, maxX, maxY });
    }
  }
  return out;
}

/**
 * The snap target nearest the pointer within tolerancePx: an existing vertex wins over an edge
 * (so corners are shared exactly), an edge point is interpolated in lon/lat along the segment
 * (so the new vertex lies on the neighbour's boundary, not beside it). `near` is the pointer's
 * lon/lat and `degreesTolerance` a generous box for the first cut before projecting.
 */
export function snapPoint(
  pointer: Pixel,
  near: LonLat,
  rings: readonly SnapRing[],
  project: (lonLat: LonLat) => Pixel,
  tolerancePx: number,
  degreesTolerance: number,
): SnapResult | undefined {
  const candidates = rings.filter(
    (r) =>
      near[0] >= r.minX - degreesTolerance &&
      near[0] <= r.maxX + degreesTolerance &&
      near[1] >= r.minY - degreesTolerance &&
      near[1] <= r.maxY + degreesTolerance,
  );
  let vertex: SnapResult | undefined;
  let edge: SnapResult | undefined;
  for (const ring of candidates) {
    let prev: Pixel | undefined;
    let prevLonLat: LonLat | undefined;
    for (const lonLat of ring.coords) {
      const p = project(lonLat);
      const d = Math.hypot(p.x - pointer.x, p.y - pointer.y);
      if (d <= tolerancePx && (!vertex || d < vertex.distancePx)) vertex = { at: [lonLat[0], lonLat[1]], kind: 'vertex', distancePx: d };
      if (prev && prevLonLat) {
        const dx = p.x - prev.x;
        const dy = p.y - prev.y;
        const lengthSq = dx * dx + dy * dy;
        if (lengthSq > 0) {
          const t = Math.max(0, Math.min(1, ((pointer.x - prev.x) * dx + (pointer.y - prev.y) * dy) / lengthSq));
          const ex = prev.x + t * dx - pointer.x;
          const ey = prev.y + t * dy - pointer.y;
          const de = Math.hypot(ex, ey);
          if (de <= tolerancePx && (!edge || de < edge.distancePx)) {
            edge = {
              at: [prevLonLat[0] + t * (lonLat[0] - prevLonLat[0]), prevLonLat[1] + t * (lonLat[1] - prevLonLat[1])],
              kind: 'edge',
              distancePx: de,
            };
          }
        }
      }
      prev = p;
      prevLonLat = lonLat;
    }
  }
  return vertex ?? edge;
}
