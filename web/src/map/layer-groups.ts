import type { LayerSpecification, Map as MapLibreMap, StyleSpecification } from 'maplibre-gl';
import { installAreaLabels } from './area-labels.ts';
import { landUseLayers, landUseMapFilter } from './landuse-maps.ts';

/** A group of style layers the panel turns on and off together (one tile source). */
export type LayerGroup = { id: string; basemap: boolean; visible: boolean };

/** The paint properties that carry a layer's opacity, by layer type. */
const OPACITY_PROPS: Record<string, string[]> = {
  fill: ['fill-opacity'],
  line: ['line-opacity'],
  circle: ['circle-opacity', 'circle-stroke-opacity'],
  symbol: ['text-opacity'],
};

/** The groups the server's style declares, in drawing order. */
export function groupsOf(style: StyleSpecification): LayerGroup[] {
  const declared = (style.metadata as Record<string, unknown> | undefined)?.['bando:groups'];
  return Array.isArray(declared) ? (declared as LayerGroup[]) : [];
}

function groupOf(layer: LayerSpecification): string | undefined {
  return (layer.metadata as Record<string, string> | undefined)?.['bando:group'];
}

/** The style layers of a group, without its selection highlight. */
export function layersOf(style: StyleSpecification, group: string): LayerSpecification[] {
  return style.layers.filter((l) => groupOf(l) === group && !l.id.endsWith('-highlight'));
}

/**
 * Applies visibility and opacity to a group. Base opacities are read from the style document the
 * map was created with, so repeated changes never compound.
 */
export class LayerControl {
  private readonly base = new Map<string, Record<string, number>>();

  constructor(
    private readonly map: MapLibreMap,
    private readonly style: StyleSpecification,
  ) {
    for (const layer of style.layers) {
      const paint = (layer as { paint?: Record<string, unknown> }).paint ?? {};
      const values: Record<string, number> = {};
      for (const prop of OPACITY_PROPS[layer.type] ?? []) {
        const v = paint[prop];
        values[prop] = typeof v === 'number' ? v : 1;
      }
      this.base.set(layer.id, values);
    }
    // A growing area's code once, not once per plot (the union of its plots is one polygon part each).
    installAreaLabels(map, style);
  }

  setVisible(group: string, visible: boolean): void {
    for (const layer of layersOf(this.style, group)) {
      if (this.map.getLayer(layer.id)) this.map.setLayoutProperty(layer.id, 'visibility', visible ? 'visible' : 'none');
    }
    const highlight = `${group}-highlight`;
    if (this.map.getLayer(highlight)) this.map.setLayoutProperty(highlight, 'visibility', visible ? 'visible' : 'none');
  }

  isVisible(group: string): boolean {
    const first = layersOf(this.style, group)[0];
    return first ? this.map.getLayoutProperty(first.id, 'visibility') !== 'none' : false;
  }

  setOpacity(group: string, factor: number): void {
    for (const layer of layersOf(this.style, group)) {
      if (!this.map.getLayer(layer.id)) continue;
      for (const [prop, value] of Object.entries(this.base.get(layer.id) ?? {})) {
        this.map.setPaintProperty(layer.id, prop as Parameters<MapLibreMap['setPaintProperty']>[1], value * factor);
      }
    }
  }

  /** Shows one land-use map in the landuse layers (the tiles carry every map; only this one's areas are drawn). */
  setLandUseMap(mapId: number): void {
    for (const layer of landUseLayers(this.style)) {
      if (this.map.getLayer(layer.id)) this.map.setFilter(layer.id, landUseMapFilter(mapId));
    }
  }

  /** Features the map draws now in the given layers that are shown (the legend lists what is in view). */
  renderedFeatures(layerIds: readonly string[]): ReturnType<MapLibreMap['queryRenderedFeatures']> {
    const ids = layerIds.filter((id) => this.map.getLayer(id) && this.map.getLayoutProperty(id, 'visibility') !== 'none');
    return ids.length ? this.map.queryRenderedFeatures({ layers: ids }) : [];
  }

  /** The map's zoom now. */
  zoom(): number {
    return this.map.getZoom();
  }

  /**
   * Calls fn each time the map has finished drawing a view (after a move, a layer switch, tiles coming
   * in), and at most once a second while tiles keep coming in without the map coming to rest: tiles
   * expire every few seconds and each source revalidates on its own clock, so on a loaded phone the
   * whole map may not be idle for a long while (a legend once waited over a minute for it).
   */
  onIdle(fn: () => void): void {
    this.map.on('idle', fn);
    let timer: ReturnType<typeof setTimeout> | undefined;
    this.map.on('sourcedata', (e: { tile?: unknown }) => {
      if (!e.tile || timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        if (!this.map.isMoving()) fn();
      }, 1000);
    });
  }

  /** Ids of the visible, clickable layers (fills, lines and circles; labels are not clicked). */
  clickableLayers(): string[] {
    return this.style.layers
      .filter((l) => groupOf(l) && !l.id.endsWith('-highlight') && l.type !== 'symbol')
      .filter((l) => this.map.getLayer(l.id) && this.map.getLayoutProperty(l.id, 'visibility') !== 'none')
      .map((l) => l.id);
  }

  /** Outlines one feature of a group (or none), hiding the other groups' highlights. */
  highlight(group: string | undefined, id: string | number | undefined): void {
    for (const layer of this.style.layers) {
      if (!layer.id.endsWith('-highlight') || !this.map.getLayer(layer.id)) continue;
      const mine = groupOf(layer) === group && id !== undefined;
      const numeric = typeof id === 'number' ? id : Number(id);
      const value = Number.isFinite(numeric) ? numeric : String(id);
      this.map.setFilter(layer.id, mine ? ['==', ['id'], value] : ['==', ['id'], -1]);
    }
  }
}
