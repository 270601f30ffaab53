import type { LayerSpecification, StyleSpecification } from 'maplibre-gl';
import { describe, expect, it } from 'vitest';
import { buildStyle, type TileJson } from '../../../server/routes/style.ts';
import type { LandUseCode } from '../../../server/routes/land-use-codes.ts';
import { blend, deriveLegend, drawnValuesOf, evaluate, listCodesOnce, type LegendSwatch } from '../map/legend.ts';
import { drawnOutsideLots, printStyleOf, ZONING_GROUND, type RenderedFeature } from './print-style.ts';

const code = (c: string, fill: string, sortOrder: number): LandUseCode => ({
  code: c,
  nameVi: c,
  nameEn: c,
  group: null,
  fill,
  legacy: false,
  mapsTo: null,
  validFrom: '2024-08-01',
  validTo: null,
  sortOrder,
});
const tj = (): TileJson => ({ tiles: ['http://x/{z}/{x}/{y}'], minzoom: 6, maxzoom: 18 });
const base = (): StyleSpecification =>
  buildStyle({
    origin: 'http://x',
    sources: { water: tj(), landuse: tj(), parcels: tj(), zones: tj(), roads: tj(), admin: tj() },
    landUse: [code('LUC', '#FFFC8C', 50), code('ODT', '#FFA0FF', 190), code('TMD', '#FAAAA0', 350)],
    landUseMaps: [{ id: 1, kind: 'status', name: 'Hiện trạng 2024', year: 2024, periodTo: null, decisionNo: null, current: true }],
  }) as unknown as StyleSpecification;

/** The style as the screen map has it with these groups on (the layer panel's visibility), and a group's opacity factor. */
function screen(groups: string[], opacity: Record<string, number> = {}): StyleSpecification {
  const style = base();
  for (const layer of style.layers) {
    const group = (layer.metadata as Record<string, string> | undefined)?.['bando:group'];
    if (!group) continue;
    (layer as { layout?: Record<string, unknown> }).layout = { ...layer.layout, visibility: groups.includes(group) ? 'visible' : 'none' };
    const paint = (layer as { paint?: Record<string, unknown> }).paint;
    if (paint && layer.type === 'fill' && opacity[group] !== undefined)
      paint['fill-opacity'] = Number(paint['fill-opacity']) * opacity[group]!;
  }
  return style;
}
const ids = (style: StyleSpecification) => style.layers.map((l) => l.id);

type Rgb = [number, number, number];
const hex = (rgb: Rgb) => `#${rgb.map((v) => v.toString(16).padStart(2, '0').toUpperCase()).join('')}`;

/**
 * The colour the map paints at a point where every polygon group has a feature with these
 * properties: each visible fill, bottom to top, over what is under it (as the canvas blends them).
 */
function paintedAt(style: StyleSpecification, here: Record<string, Record<string, unknown>>): Rgb {
  let colour: Rgb = [255, 255, 255];
  for (const layer of style.layers as LayerSpecification[]) {
    const paint = ((layer as { paint?: Record<string, unknown> }).paint ?? {}) as Record<string, unknown>;
    if (layer.type === 'background') colour = blend(String(paint['background-color']), 1, '#FFFFFF');
    if (layer.type !== 'fill' || layer.layout?.visibility === 'none') continue;
    const props = here[(layer as { 'source-layer'?: string })['source-layer'] ?? ''];
    if (!props) continue;
    colour = blend(String(evaluate(paint['fill-color'], props)), Number(paint['fill-opacity'] ?? 1), hex(colour));
  }
  return colour;
}
const swatchColour = (s: LegendSwatch): Rgb => blend(s.fill!, s.fillOpacity!, s.background);

// A zoning lot planned for housing (ODT) over today's shops (TMD) on the status map and on the parcel.
const LOT_OVER_SHOPS = {
  landuse: { land_use_code: 'TMD', map_id: 1 },
  parcels: { land_use_code: 'TMD' },
  zones: { land_use_code: 'ODT', lot_code: 'ODT-53' },
};
const PLANNING = ['water', 'landuse', 'parcels', 'zones', 'roads', 'admin'];

/** The legend's ODT row of the zoning section, derived from `style` as print-map.ts derives it. */
function zoningOdtSwatch(style: StyleSpecification): LegendSwatch {
  const visible = Object.fromEntries(PLANNING.map((g) => [g, true]));
  const sections = deriveLegend(style, { visible, zoom: 16 });
  const row = sections.find((s) => s.group === 'zones')!.rows.find((r) => r.label.kind === 'code' && r.label.code === 'ODT')!;
  return row.swatch;
}

describe('the printed planning map (zoning over land use) is read from its legend', () => {
  it('paints a zoning lot in its legend swatch’s colour, where the screen’s layers mix it with the land use under it', () => {
    const onScreen = screen(PLANNING);
    const { style: printed, zoningGround } = printStyleOf(onScreen);
    expect(zoningGround).toBe(true);
    const swatch = swatchColour(zoningOdtSwatch(printed));
    // On screen, the lot's ODT over the shops' TMD is neither ODT's swatch nor TMD's: the audit's finding.
    expect(paintedAt(onScreen, LOT_OVER_SHOPS)).not.toEqual(swatch);
    // On paper it is ODT's swatch exactly, whatever lies under the lot.
    expect(paintedAt(printed, LOT_OVER_SHOPS)).toEqual(swatch);
    expect(
      paintedAt(printed, { ...LOT_OVER_SHOPS, landuse: { land_use_code: 'LUC', map_id: 1 }, parcels: { land_use_code: 'LUC' } }),
    ).toEqual(swatch);
    // Outside the lots the land use is printed as before: the screen's colour.
    const outside = { landuse: LOT_OVER_SHOPS.landuse };
    expect(paintedAt(printed, outside)).toEqual(paintedAt(onScreen, outside));
  });

  it('lays the blank right above the parcels’ fill, with every boundary (land-use areas, parcels, lots) still drawn over it', () => {
    const onScreen = screen(PLANNING);
    const { style: printed } = printStyleOf(onScreen);
    const order = ids(printed);
    expect(order.indexOf(ZONING_GROUND)).toBe(order.indexOf('parcels-fill') + 1);
    expect(order.indexOf('parcels-line')).toBeGreaterThan(order.indexOf(ZONING_GROUND));
    // The land-use areas' outline, drawn under the parcels' fill on screen, is drawn above the blank: only fills are left out.
    expect(order.indexOf('landuse-line')).toBe(order.indexOf(ZONING_GROUND) + 1);
    expect([...order].sort()).toEqual([...ids(onScreen), ZONING_GROUND].sort());
    expect(order.indexOf('zones-fill')).toBeGreaterThan(order.indexOf(ZONING_GROUND));
    const ground = printed.layers.find((l) => l.id === ZONING_GROUND) as LayerSpecification & Record<string, unknown>;
    const zones = printed.layers.find((l) => l.id === 'zones-fill') as LayerSpecification & Record<string, unknown>;
    expect([ground['source'], ground['source-layer'], ground.minzoom]).toEqual([zones['source'], zones['source-layer'], zones.minzoom]);
    expect(ground.paint).toMatchObject({ 'fill-color': '#F4F1EA', 'fill-opacity': 1 });
    // Not a layer of any group: the legend derived from the printed style has the screen's rows, no more.
    const visible = Object.fromEntries(PLANNING.map((g) => [g, true]));
    expect(deriveLegend(printed, { visible, zoom: 16 })).toEqual(deriveLegend(onScreen, { visible, zoom: 16 }));
    // The screen's style is left as it was.
    expect(ids(onScreen)).not.toContain(ZONING_GROUND);
  });

  it('keeps the lot’s swatch colour when the layer panel dims the zoning, and works over the parcels alone', () => {
    const dimmed = screen(PLANNING, { zones: 0.5 });
    const { style: printed } = printStyleOf(dimmed);
    expect(zoningOdtSwatch(printed).fillOpacity).toBeCloseTo(0.225);
    expect(paintedAt(printed, LOT_OVER_SHOPS)).toEqual(swatchColour(zoningOdtSwatch(printed)));

    const parcelsOnly = printStyleOf(screen(['parcels', 'zones', 'roads']));
    expect(parcelsOnly.zoningGround).toBe(true);
    expect(ids(parcelsOnly.style).indexOf(ZONING_GROUND)).toBe(ids(parcelsOnly.style).indexOf('parcels-fill') + 1);
    expect(paintedAt(parcelsOnly.style, { parcels: { land_use_code: 'TMD' }, zones: { land_use_code: 'ODT' } })).toEqual(
      swatchColour(zoningOdtSwatch(parcelsOnly.style)),
    );
  });

  it('changes nothing when no zoning is drawn over a land-use fill', () => {
    for (const style of [
      screen(['landuse', 'parcels', 'roads']), // zoning off
      screen(['zones', 'roads', 'admin']), // zoning over the basemap alone
      screen(PLANNING, { zones: 0 }), // zoning dimmed out in the panel
    ]) {
      const printed = printStyleOf(style);
      expect(printed.zoningGround).toBe(false);
      expect(printed.style).toBe(style);
    }
  });
});

// A print's extent near Cao Lãnh, and rectangles given in metres east and north of its south-west corner.
const EXTENT = [105.62, 10.45, 105.64, 10.47] as const;
const KX = 111_320 * Math.cos((10.46 * Math.PI) / 180);
const KY = 110_540;
const at = (x: number, y: number) => [EXTENT[0] + (x + 500) / KX, EXTENT[1] + (y + 500) / KY];
const rect = (layer: string, code: string | null, [x0, y0, x1, y1]: [number, number, number, number]): RenderedFeature => ({
  layer: { id: layer },
  properties: { land_use_code: code },
  geometry: { type: 'Polygon', coordinates: [[at(x0, y0), at(x1, y0), at(x1, y1), at(x0, y1), at(x0, y0)]] },
});

describe('the printed legend lists the land-use classes the paper shows outside the zoning lots', () => {
  // One lot of 100 × 100 m, cut in two tile pieces that overlap (a tile's buffer), planned ODT.
  const lot = [rect('zones-fill', 'ODT', [0, 0, 55, 100]), rect('zones-fill', 'ODT', [50, 0, 100, 100])];
  const features: RenderedFeature[] = [
    ...lot,
    rect('landuse-fill', 'ODT', [10, 10, 90, 90]), // under the lot, across its tile seam: not on paper
    rect('landuse-fill', 'TMD', [50, 0, 150, 100]), // half outside: on paper
    rect('landuse-fill', 'DGT', [100, 0, 106, 100]), // a road's land, 6 m wide, beside the lot: on paper
    rect('landuse-fill', 'LUC', [99.5, 0, 100.5, 100]), // a 0.5 m sliver where edges do not quite meet: no colour a reader sees
    rect('landuse-fill', 'CLN', [-2000, 0, -1900, 100]), // off the page
    rect('parcels-fill', 'ODT', [20, 20, 40, 40]), // a parcel under the lot
    rect('parcels-fill', 'TMD', [120, 20, 140, 40]), // a parcel outside it
    rect('landuse-fill', 'NTS', [200, 0, 300, 100]), // no lot near it
  ];
  const style = screen(PLANNING);
  const drawn = drawnValuesOf(style, features);

  it('keeps a class shown outside the lots, drops one drawn only under them, a sliver, and one off the page', () => {
    const shown = drawnOutsideLots(drawn, features, EXTENT, 3);
    expect([...shown.get('landuse-fill')!].sort()).toEqual(['DGT', 'NTS', 'TMD']);
    expect([...shown.get('parcels-fill')!]).toEqual(['TMD']);
    // The lots themselves are listed as drawn.
    expect(shown.get('zones-fill')).toEqual(drawn.get('zones-fill'));
    // The legend derived from it: ODT under 'Quy hoạch phân khu' only, not as a land use no one sees.
    const visible = Object.fromEntries(PLANNING.map((g) => [g, true]));
    const codesOf = (drawnValues: typeof drawn) =>
      Object.fromEntries(
        listCodesOnce(deriveLegend(style, { visible, zoom: 16, drawn: drawnValues })).map((s) => [
          s.group,
          s.rows.map((r) => (r.label.kind === 'code' ? r.label.code : r.id)),
        ]),
      );
    expect(codesOf(drawn).landuse).toContain('ODT');
    expect(codesOf(shown).landuse).toEqual(['TMD', 'DGT', 'NTS']);
    expect(codesOf(shown).zones).toEqual(['ODT']);
    // A narrower reading width (a larger scale on paper) keeps the sliver.
    expect([...drawnOutsideLots(drawn, features, EXTENT, 0.4).get('landuse-fill')!].sort()).toEqual(['DGT', 'LUC', 'NTS', 'TMD']);
  });

  it('drops a fill that shows nothing outside the lots', () => {
    const under = [...lot, rect('parcels-fill', 'ODT', [20, 20, 40, 40]), rect('landuse-fill', 'ODT', [0, 0, 100, 100])];
    const shown = drawnOutsideLots(drawnValuesOf(style, under), under, EXTENT, 3);
    expect(shown.has('parcels-fill')).toBe(false);
    expect(shown.has('landuse-fill')).toBe(false);
    expect(shown.has('zones-fill')).toBe(true);
  });
});
