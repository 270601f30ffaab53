import type { Polygon, Position } from 'geojson';

/** WGS 84 equatorial radius, as @turf/area and most web tools use for a spherical area. */
const R = 6378137;

function ringArea(ring: readonly Position[]): number {
  let sum = 0;
  for (let i = 0; i < ring.length - 1; i++) {
    const [x1, y1] = ring[i] as [number, number];
    const [x2, y2] = ring[i + 1] as [number, number];
    sum += (((x2 - x1) * Math.PI) / 180) * (2 + Math.sin((y1 * Math.PI) / 180) + Math.sin((y2 * Math.PI) / 180));
  }
  return Math.abs((sum * R * R) / 2);
}

/**
 * Area of a polygon in m² on the sphere (outer ring minus holes). The server's figure, from
 * PostGIS geography on the ellipsoid, is the one stored; this one is for live feedback and differs
 * by well under 1 % at Cao Lãnh's latitude.
 */
export function polygonAreaM2(polygon: Polygon): number {
  const [outer, ...holes] = polygon.coordinates;
  if (!outer) return 0;
  return Math.max(0, ringArea(outer) - holes.reduce((sum, h) => sum + ringArea(h), 0));
}

/** A polygon from an open or closed list of positions (the last repeats the first), or undefined under 3 corners. */
export function polygonFromPositions(positions: readonly Position[]): Polygon | undefined {
  const ring = positions.map((p) => [p[0]!, p[1]!]);
  const first = ring[0];
  const last = ring[ring.length - 1];
  if (first && last && (first[0] !== last[0] || first[1] !== last[1])) ring.push([first[0]!, first[1]!]);
  return ring.length >= 4 ? { type: 'Polygon', coordinates: [ring] } : undefined;
}
