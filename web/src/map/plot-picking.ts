import type { Polygon } from 'geojson';
import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';

const SOURCE = 'bando-draft-pick';

/**
 * What a tap on a plot is given to while a card picks plots: the plot's id and its tile's
 * properties. It answers false when it no longer takes taps (its card was closed or replaced):
 * the pick stops and the tap opens cards as usual.
 */
export type PlotPick = (id: number, tile: Record<string, unknown>) => boolean;

/**
 * The map's side of a draft card adding plots: while a pick is active, taps on plots go to it
 * instead of opening cards, and the plots it has picked are outlined (as the editor's assembling
 * does). One pick at a time; a new one replaces the last.
 */
export class PlotPicking {
  private current: PlotPick | undefined;

  constructor(private readonly map: MapLibreMap) {}

  start(onPick: PlotPick): { outline(plots: readonly { id: number; geometry?: Polygon }[]): void; stop(): void } {
    this.current = onPick;
    this.outline([]);
    return {
      outline: (plots) => {
        if (this.current === onPick) this.outline(plots);
      },
      stop: () => {
        if (this.current !== onPick) return;
        this.current = undefined;
        this.clear();
      },
    };
  }

  /** Hands a tap to the active pick (NaN: no plot under it); false when none takes it (the tap opens cards as usual). */
  tap(point: { x: number; y: number }): boolean {
    if (!this.current) return false;
    const layers = ['plots-fill'].filter((id) => this.map.getLayer(id));
    const pad = 4;
    const hit = layers.length
      ? this.map.queryRenderedFeatures(
          [
            [point.x - pad, point.y - pad],
            [point.x + pad, point.y + pad],
          ],
          { layers },
        )[0]
      : undefined;
    if (!this.current(hit && hit.id !== undefined ? Number(hit.id) : NaN, hit?.properties ?? {})) {
      this.current = undefined;
      this.clear();
      return false;
    }
    return true;
  }

  private outline(plots: readonly { id: number; geometry?: Polygon }[]): void {
    const data = {
      type: 'FeatureCollection' as const,
      features: plots.flatMap((p) => (p.geometry ? [{ type: 'Feature' as const, id: p.id, geometry: p.geometry, properties: {} }] : [])),
    };
    const source = this.map.getSource(SOURCE) as GeoJSONSource | undefined;
    if (source) {
      source.setData(data);
      return;
    }
    this.map.addSource(SOURCE, { type: 'geojson', data });
    this.map.addLayer({ id: `${SOURCE}-fill`, type: 'fill', source: SOURCE, paint: { 'fill-color': '#00838F', 'fill-opacity': 0.3 } });
    this.map.addLayer({ id: `${SOURCE}-line`, type: 'line', source: SOURCE, paint: { 'line-color': '#006064', 'line-width': 3 } });
  }

  private clear(): void {
    for (const id of [`${SOURCE}-fill`, `${SOURCE}-line`]) if (this.map.getLayer(id)) this.map.removeLayer(id);
    if (this.map.getSource(SOURCE)) this.map.removeSource(SOURCE);
  }
}
