// The features under a click, one entry each, for the details panel (no DOM here: unit-tested in node).
import type { MapGeoJSONFeature } from 'maplibre-gl';

/** A feature as the details panel shows it. */
export type PickedFeature = { group: string; id: string | number | undefined; properties: Record<string, unknown> };

/** What pickFeatures reads of a rendered feature. */
type RenderedFeature = Pick<MapGeoJSONFeature, 'id' | 'properties' | 'source' | 'sourceLayer'> & {
  layer: { metadata?: unknown };
};

/**
 * Turns rendered features into one entry per feature, top-most first. A feature comes back once per
 * layer drawing it (fill, outline) and once per tile it crosses: it is one feature by its source,
 * source layer and id (by its properties when it has no id).
 */
export function pickFeatures(features: readonly RenderedFeature[]): PickedFeature[] {
  const seen = new Set<string>();
  const out: PickedFeature[] = [];
  for (const f of features) {
    const group = (f.layer.metadata as Record<string, string> | undefined)?.['bando:group'] ?? f.sourceLayer ?? f.source;
    const id = f.id ?? (f.properties.id as string | number | undefined);
    const key = `${f.source}/${f.sourceLayer ?? ''}/${group}:${id ?? JSON.stringify(f.properties)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ group, id, properties: { ...f.properties } });
  }
  return out;
}
