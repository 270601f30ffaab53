import type { Geometry } from 'geojson';
import { getJson, HttpError } from '../api/http.ts';

/** A feature a link selects (s=group:id), as the features API gives it to this viewer. */
export type LinkedFeature = { properties: Record<string, unknown>; bbox: [number, number, number, number] | undefined };

/** The west, south, east, north of a geometry's coordinates; undefined for none (an area with no plots yet). */
export function geometryBbox(geometry: Geometry | null | undefined): [number, number, number, number] | undefined {
  let west = Infinity;
  let south = Infinity;
  let east = -Infinity;
  let north = -Infinity;
  const visit = (value: unknown): void => {
    if (!Array.isArray(value)) return;
    if (typeof value[0] === 'number' && typeof value[1] === 'number') {
      const [lon, lat] = value as [number, number];
      if (!Number.isFinite(lon) || !Number.isFinite(lat)) return;
      west = Math.min(west, lon);
      east = Math.max(east, lon);
      south = Math.min(south, lat);
      north = Math.max(north, lat);
      return;
    }
    for (const part of value) visit(part);
  };
  const coordinatesOf = (g: Geometry): unknown =>
    g.type === 'GeometryCollection' ? g.geometries.map(coordinatesOf) : (g as { coordinates?: unknown }).coordinates;
  if (geometry) visit(coordinatesOf(geometry));
  return west <= east && south <= north ? [west, south, east, north] : undefined;
}

/**
 * Reads the feature a link selects from the features API: where it is (to fly there whatever the
 * map's zoom: the low-zoom tiles may not carry it, an officer's area with no code yet at a phone's
 * z12) and what its card says. Undefined when there is none this viewer may see (404); any other
 * failure (no network, a busy server) is thrown.
 */
export async function readLinkedFeature(group: string, id: string): Promise<LinkedFeature | undefined> {
  try {
    const feature = await getJson<{ properties?: Record<string, unknown> | null; geometry?: Geometry | null }>(
      `/ogc/collections/${encodeURIComponent(group)}/items/${encodeURIComponent(id)}`,
      { headers: { Accept: 'application/geo+json' } },
    );
    return { properties: feature.properties ?? {}, bbox: geometryBbox(feature.geometry) };
  } catch (error) {
    // Not found, or not this viewer's to see (a guest and an area under review): the API says 404 for both.
    if (error instanceof HttpError && (error.status === 404 || error.status === 403 || error.status === 400)) return undefined;
    throw error;
  }
}
