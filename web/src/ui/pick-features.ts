// The features under a click, one entry each, for the details panel (no DOM here: unit-tested in node).
import type { Geometry, Position } from 'geojson';
import type { MapGeoJSONFeature } from 'maplibre-gl';

/** A feature as the details panel shows it. */
export type PickedFeature = { group: string; id: string | number | undefined; properties: Record<string, unknown> };

/** What pickFeatures reads of a rendered feature. */
type RenderedFeature = Pick<MapGeoJSONFeature, 'id' | 'properties' | 'source' | 'sourceLayer'> & {
  layer: { metadata?: unknown };
  geometry?: Geometry;
};

/** Where the click was and which groups are the basemap, so the card lists first what was most likely meant. */
export type PickOptions = {
  /** The clicked point, longitude and latitude. */
  at?: readonly [number, number];
  /** Groups of the basemap (roads, water, boundaries): context, listed after the thematic layers. */
  basemap?: ReadonlySet<string>;
};

/** Whether a point lies inside a ring (even-odd ray casting; a point on the edge may go either way). */
function inRing(ring: Position[], [x, y]: readonly [number, number]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi! > y !== yj! > y && x < ((xj! - xi!) * (y - yi!)) / (yj! - yi!) + xi!) inside = !inside;
  }
  return inside;
}

/** Whether a polygon (holes included) or a multipolygon holds the point; lines and points hold none. */
function holds(geometry: Geometry | undefined, at: readonly [number, number]): boolean {
  const polygons = geometry?.type === 'Polygon' ? [geometry.coordinates] : geometry?.type === 'MultiPolygon' ? geometry.coordinates : [];
  return polygons.some((rings) => rings.length > 0 && inRing(rings[0]!, at) && !rings.slice(1).some((hole) => inRing(hole, at)));
}

/**
 * Turns rendered features into one entry per feature, in the order the user most likely meant: what
 * the click is inside (a plot, a parcel, a zoning lot, a growing area) first, then what is merely
 * near it (a product's point, the edge of a neighbouring parcel: the click box is a few pixels wide),
 * then the basemap (a road beside the parcel, a canal, a ward boundary); the map's top-most first
 * within each. A feature comes back once per layer drawing it (fill, outline) and once per tile it
 * crosses: it is one feature by its source, source layer and id (by its properties when it has no
 * id), and inside the click if any of its tile pieces holds it.
 */
export function pickFeatures(features: readonly RenderedFeature[], options: PickOptions = {}): PickedFeature[] {
  const seen = new Map<string, { feature: PickedFeature; order: number; inside: boolean }>();
  for (const f of features) {
    const group = (f.layer.metadata as Record<string, string> | undefined)?.['bando:group'] ?? f.sourceLayer ?? f.source;
    const id = f.id ?? (f.properties.id as string | number | undefined);
    const key = `${f.source}/${f.sourceLayer ?? ''}/${group}:${id ?? JSON.stringify(f.properties)}`;
    const inside = options.at !== undefined && holds(f.geometry, options.at);
    const known = seen.get(key);
    if (known) known.inside ||= inside;
    else seen.set(key, { feature: { group, id, properties: { ...f.properties } }, order: seen.size, inside });
  }
  const rank = (entry: { feature: PickedFeature; inside: boolean }) =>
    options.basemap?.has(entry.feature.group) ? 2 : entry.inside ? 0 : 1;
  return [...seen.values()].sort((a, b) => rank(a) - rank(b) || a.order - b.order).map((entry) => entry.feature);
}
