// The style the printed map is drawn with. On screen the zoning lots' fill (the plan's land-use
// colours, translucent) lies over the land-use areas' and the parcels' fills (the same palette,
// translucent): where both are on, a lot shows a mix of its class and the land use under it, a
// colour no legend row has. A planner reads the paper to know what the plan allows there, so the
// printed map leaves the land-use and parcel fills out under the zoning lots: inside a lot the paper
// shows the lot's colour exactly as its legend swatch (the zoning colour over the map's background),
// outside the lots the land use as its own swatches, the parcels' boundaries still drawn over both.
import type { FillLayerSpecification, LayerSpecification, StyleSpecification } from 'maplibre-gl';
import { colourProperty } from '../map/legend.ts';

/** The id of the print's layer that blanks the land-use fills under the zoning lots. */
export const ZONING_GROUND = 'zones-print-ground';

const visible = (layer: LayerSpecification) => (layer.layout as { visibility?: string } | undefined)?.visibility !== 'none';
const paint = (layer: LayerSpecification) => ((layer as { paint?: Record<string, unknown> }).paint ?? {}) as Record<string, unknown>;

/**
 * The print's style: `style` with, when the zoning lots' fill is drawn over a land-use-coloured fill
 * (land-use areas, parcels), a fill of the map's background under the lots laid right above the
 * topmost of those fills, so their colours do not show through the lots (and the lines above it,
 * the parcels' boundaries, still do). `zoningGround` says whether it was laid. The style is not changed.
 */
export function printStyleOf(style: StyleSpecification): { style: StyleSpecification; zoningGround: boolean } {
  const layers = style.layers;
  const at = layers.findIndex((l) => l.id === 'zones-fill');
  const zones = layers[at] as FillLayerSpecification | undefined;
  const opacity = zones ? paint(zones)['fill-opacity'] : undefined;
  if (!zones || zones.type !== 'fill' || !visible(zones) || opacity === 0) return { style, zoningGround: false };
  // The land-use-coloured fills under the lots: the land-use areas and the parcels (each coloured by its land_use_code).
  let above = -1;
  layers.slice(0, at).forEach((l, i) => {
    if (l.type === 'fill' && visible(l) && colourProperty(paint(l)['fill-color']) === 'land_use_code') above = i;
  });
  if (above < 0) return { style, zoningGround: false };
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
  return {
    style: { ...style, layers: [...layers.slice(0, above + 1), ground, ...layers.slice(above + 1)] },
    zoningGround: true,
  };
}
