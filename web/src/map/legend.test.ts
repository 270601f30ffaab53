import type { StyleSpecification } from 'maplibre-gl';
import { describe, expect, it } from 'vitest';
import { buildStyle, type TileJson } from '../../../server/routes/style.ts';
import type { LandUseCode } from '../../../server/routes/land-use-codes.ts';
import { startLang } from '../i18n/i18n.ts';
import { legendRowText } from '../ui/legend-view.ts';
import { blend, deriveLegend, drawnValuesOf, evaluate, listCodesOnce, OTHER, selectionRow, type LegendSection } from './legend.ts';

// Colours of DOMAIN.md (Circular 08/2024 palette), as the land-use table holds them.
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
const CODES = [
  code('LUC', '#FFFC8C', 50),
  code('CLN', '#FFD2A0', 80),
  code('ODT', '#FFA0FF', 190),
  code('TMD', '#FAAAA0', 350),
  code('DGT', '#FFAA32', 500),
];
const tj = (): TileJson => ({ tiles: ['http://x/{z}/{x}/{y}'], minzoom: 6, maxzoom: 18 });
const STYLE = buildStyle({
  origin: 'http://x',
  sources: {
    water: tj(),
    landuse: tj(),
    parcels: tj(),
    zones: tj(),
    roads: tj(),
    admin: tj(),
    growing_areas: tj(),
    plots: tj(),
    products: tj(),
  },
  landUse: CODES,
}) as unknown as StyleSpecification;

// The i18n module sets <html lang>; a bare object stands in for the document here.
(globalThis as { document?: unknown }).document ??= { documentElement: {} };

const section = (sections: LegendSection[], group: string) => sections.find((s) => s.group === group);
const feature = (layer: string, properties: Record<string, unknown>) => ({ layer: { id: layer }, properties });

describe('the legend is read from the style that draws the map', () => {
  it('gives zoning a row per code drawn in the view and a grey row for mixed-use lots that have no code', () => {
    const drawn = drawnValuesOf(STYLE, [
      feature('zones-fill', { land_use_code: 'ODT' }),
      feature('zones-fill', { land_use_code: 'TMD' }),
      feature('zones-fill', { land_use_code: null }),
      feature('zones-line', { lot_code: 'HH-06' }),
    ]);
    const zones = section(
      deriveLegend(STYLE, { visible: { zones: true }, zoom: 16, drawn, codeOrder: CODES.map((c) => c.code) }),
      'zones',
    )!;
    expect(zones.rows.map((r) => r.label)).toEqual([
      { kind: 'code', code: 'ODT' },
      { kind: 'code', code: 'TMD' },
      { kind: 'code', code: null },
      { kind: 'layer', layer: 'zones-line', group: 'zones' },
    ]);
    // The grey is the style's own fallback, at the zone fill's opacity.
    expect(zones.rows[2]!.swatch).toMatchObject({ fill: '#E0E0E0', fillOpacity: 0.45 });
    expect(zones.rows[0]!.swatch.fill).toBe('#FFA0FF');
    expect(zones.rows[3]!.swatch).toMatchObject({ line: '#B0306A', dashed: true });
  });

  it('gives each road kind drawn in its own colour a row, with the casing, and names the kinds drawn alike', () => {
    const drawn = drawnValuesOf(
      STYLE,
      ['national', 'provincial', 'urban', 'rural', 'path'].map((kind) => feature('roads-line', { kind })),
    );
    const roads = section(deriveLegend(STYLE, { visible: {}, zoom: 16, drawn }), 'roads')!;
    expect(roads.rows.map((r) => [r.swatch.line, r.swatch.casing, r.label])).toEqual([
      ['#F6C36B', '#B8A99A', { kind: 'values', property: 'kind', values: ['national'] }],
      ['#FBE29B', '#B8A99A', { kind: 'values', property: 'kind', values: ['provincial'] }],
      ['#FFFFFF', '#B8A99A', { kind: 'values', property: 'kind', values: ['urban', 'rural', 'path'] }],
    ]);
  });

  it('without rendered features lists every value the style names, the fallback as one more row', () => {
    const roads = section(deriveLegend(STYLE, { visible: {}, zoom: 16 }), 'roads')!;
    expect(roads.rows.map((r) => r.swatch.line)).toEqual(['#F6C36B', '#FBE29B', '#FFFFFF']);
    const zones = section(deriveLegend(STYLE, { visible: { zones: true }, zoom: 16 }), 'zones')!;
    expect(zones.rows.filter((r) => r.label.kind === 'code').map((r) => (r.label as { code: string | null }).code)).toEqual([
      'LUC',
      'CLN',
      'ODT',
      'TMD',
      'DGT',
      null,
    ]);
  });

  it('leaves out hidden groups, layers that drew nothing and layers outside their zoom range', () => {
    const drawn = drawnValuesOf(STYLE, [feature('admin-line', { level: 'ward' }), feature('admin-hamlet-line', { level: 'hamlet' })]);
    const at16 = deriveLegend(STYLE, { visible: { zones: false }, zoom: 16, drawn });
    expect(at16.map((s) => s.group)).toEqual(['admin']);
    expect(section(at16, 'admin')!.rows.map((r) => r.id)).toEqual(['admin-hamlet-line', 'admin-line']);
    // Hamlet boundaries start at z13 in the style: at z12 only the ward line is drawn.
    expect(section(deriveLegend(STYLE, { visible: {}, zoom: 12, drawn }), 'admin')!.rows.map((r) => r.id)).toEqual(['admin-line']);
  });

  it('puts a group’s constant fill and outline in one row (growing areas, plots) and a product category per colour', () => {
    const drawn = drawnValuesOf(STYLE, [
      feature('plots-fill', {}),
      feature('plots-line', {}),
      feature('products-circle', { category: 'fruit' }),
      feature('products-circle', { category: 'unknown-kind' }),
    ]);
    const sections = deriveLegend(STYLE, { visible: {}, zoom: 16, drawn });
    expect(section(sections, 'plots')!.rows).toEqual([
      {
        id: 'plots-fill',
        swatch: expect.objectContaining({ fill: '#FF9800', line: '#E65100', fillOpacity: 0.3 }),
        label: expect.anything(),
      },
    ]);
    expect(section(sections, 'products')!.rows.map((r) => [r.swatch.circle, r.label])).toEqual([
      ['#F57C00', { kind: 'values', property: 'category', values: ['fruit'] }],
      ['#757575', { kind: 'values', property: 'category', values: ['unknown-kind'] }],
    ]);
  });

  it('draws growing areas by what their status means (in force, suspended, revoked, failed, pending), fill and outline in one row each', () => {
    startLang('vi');
    const drawn = drawnValuesOf(STYLE, [
      feature('growing_areas-fill', { status: 'active' }),
      feature('growing_areas-line', { status: 'active' }),
      feature('growing_areas-fill', { status: 'issued' }),
      feature('growing_areas-fill', { status: 'submitted' }),
      feature('growing_areas-fill', { status: 'under_inspection' }),
      feature('growing_areas-fill', { status: 'inspected_fail' }),
      feature('growing_areas-fill', { status: 'revoked' }),
      feature('growing_areas-line', { status: 'revoked' }),
      feature('growing_areas-fill', { status: 'suspended' }),
      feature('growing_areas-line', { status: 'suspended' }),
    ]);
    const rows = section(deriveLegend(STYLE, { visible: {}, zoom: 16, drawn }), 'growing_areas')!.rows;
    // In the order the style names them; a pending dossier is never drawn in the green of a code in force.
    expect(rows.map((r) => [r.swatch.fill, r.swatch.line, r.label])).toEqual([
      ['#EF6C00', '#E65100', { kind: 'values', property: 'status', values: ['suspended'] }],
      ['#757575', '#616161', { kind: 'values', property: 'status', values: ['revoked'] }],
      ['#C62828', '#B71C1C', { kind: 'values', property: 'status', values: ['inspected_fail'] }],
      ['#2E7D32', '#1B5E20', { kind: 'values', property: 'status', values: ['issued', 'active'] }],
      ['#0277BD', '#01579B', { kind: 'values', property: 'status', values: ['submitted', 'under_inspection'] }],
    ]);
    expect(rows.map((r) => legendRowText(r, []).name)).toEqual([
      'Mã tạm đình chỉ: không còn hiệu lực',
      'Mã đã thu hồi: không còn hiệu lực',
      'Không đạt kiểm tra: không được cấp mã',
      'Mã còn hiệu lực',
      'Hồ sơ đang xét, chưa có mã',
    ]);
    startLang('en');
    expect(legendRowText(rows[1]!, []).name).toBe('Code revoked: not in force');
    // With nothing drawn yet (the print before its map is idle): every class the style names.
    const all = section(deriveLegend(STYLE, { visible: {}, zoom: 16 }), 'growing_areas')!.rows;
    expect(all.map((r) => legendRowText(r, []).name)).toEqual([
      'Code suspended: not in force',
      'Code revoked: not in force',
      'Failed inspection: no code issued',
      'Code in force',
      'Dossier being processed, no code yet',
    ]);
    startLang('vi');
  });

  it('evaluates the style’s match expressions as MapLibre does and refuses what it does not know', () => {
    expect(evaluate(['match', ['to-string', ['get', 'c']], 'A', '#111111', ['B', 'C'], '#222222', '#333333'], { c: 'C' })).toBe('#222222');
    expect(evaluate(['match', ['to-string', ['get', 'c']], 'A', '#111111', '#333333'], { c: null })).toBe('#333333');
    expect(() => evaluate(['case', true, '#000000', '#FFFFFF'], {})).toThrow(/case/);
    expect(OTHER).not.toBe('');
  });

  it('dims each swatch as the layer panel dims its layer: the style’s opacity times the slider’s, for fills, lines and dots', () => {
    const drawn = drawnValuesOf(STYLE, [
      feature('zones-fill', { land_use_code: 'ODT' }),
      feature('zones-line', { lot_code: 'ODT-53' }),
      feature('roads-line', { kind: 'national' }),
      feature('plots-fill', {}),
      feature('plots-line', {}),
      feature('products-circle', { category: 'fruit' }),
      feature('admin-line', { level: 'ward' }),
    ]);
    const full = deriveLegend(STYLE, { visible: { zones: true }, zoom: 16, drawn });
    const dimmed = deriveLegend(STYLE, {
      visible: { zones: true },
      zoom: 16,
      drawn,
      opacity: { zones: 0.4, roads: 0.5, plots: 0, products: 0.2 },
    });
    const swatches = (sections: LegendSection[], group: string) => section(sections, group)!.rows.map((r) => r.swatch);
    // Zoning at 40 %: the fill drawn at 0.45 is now 0.18; the lot boundary, drawn full, is at 0.4.
    expect(swatches(full, 'zones').map((s) => [s.fillOpacity, s.lineOpacity])).toEqual([
      [0.45, undefined],
      [undefined, undefined],
    ]);
    expect(swatches(dimmed, 'zones').map((s) => [s.fillOpacity, s.lineOpacity])).toEqual([
      [0.18, undefined],
      [undefined, 0.4],
    ]);
    // A road and its casing at half; a growing plot's fill and outline at nothing; a product dot at 20 %.
    expect(swatches(dimmed, 'roads')[0]).toMatchObject({ line: '#F6C36B', casing: expect.any(String), lineOpacity: 0.5 });
    expect(swatches(dimmed, 'plots')[0]).toMatchObject({ fill: '#FF9800', fillOpacity: 0, line: '#E65100', lineOpacity: 0 });
    expect(swatches(dimmed, 'products')[0]).toMatchObject({ circle: '#F57C00', circleOpacity: 0.2 });
    // A group the slider did not move keeps the style's own opacity; the colours and rows are the same.
    expect(swatches(dimmed, 'admin')).toEqual(swatches(full, 'admin'));
    expect(dimmed.map((s) => s.rows.map((r) => [r.id, r.swatch.fill ?? r.swatch.line ?? r.swatch.circle]))).toEqual(
      full.map((s) => s.rows.map((r) => [r.id, r.swatch.fill ?? r.swatch.line ?? r.swatch.circle])),
    );
    // What the canvas shows for the ODT swatch: much nearer the background than at full opacity.
    const odt = (sections: LegendSection[]) => blend('#FFA0FF', section(sections, 'zones')!.rows[0]!.swatch.fillOpacity!, '#F4F1EA');
    expect(odt(full)).toEqual([249, 205, 243]);
    expect(odt(dimmed)).toEqual([246, 226, 238]);
  });

  it('keeps an out-of-range slider value within 0–1', () => {
    const drawn = drawnValuesOf(STYLE, [feature('zones-fill', { land_use_code: 'ODT' })]);
    const at = (factor: number) =>
      section(deriveLegend(STYLE, { visible: { zones: true }, zoom: 16, drawn, opacity: { zones: factor } }), 'zones')!;
    expect(at(7).rows[0]!.swatch.fillOpacity).toBe(0.45);
    expect(at(-1).rows[0]!.swatch.fillOpacity).toBe(0);
  });

  it('mixes a translucent fill over the background as the canvas shows it', () => {
    expect(blend('#E0E0E0', 0.45, '#F4F1EA')).toEqual([235, 233, 230]);
  });

  it('lists a land-use class once when the land-use areas and the parcels over them both draw it, under the lowest group', () => {
    const drawn = drawnValuesOf(STYLE, [
      feature('landuse-fill', { land_use_code: 'ODT' }),
      feature('landuse-fill', { land_use_code: 'LUC' }),
      feature('parcels-fill', { land_use_code: 'ODT' }),
      feature('parcels-fill', { land_use_code: 'CLN' }),
      feature('parcels-line', {}),
    ]);
    const sections = deriveLegend(STYLE, {
      visible: { landuse: true, parcels: true },
      zoom: 16,
      drawn,
      codeOrder: CODES.map((c) => c.code),
    });
    expect(sections.flatMap((s) => s.rows.filter((r) => r.label.kind === 'code'))).toHaveLength(4);
    const once = listCodesOnce(sections);
    expect(once.map((s) => [s.group, s.rows.map((r) => (r.label.kind === 'code' ? r.label.code : r.id))])).toEqual([
      ['landuse', ['LUC', 'ODT']],
      ['parcels', ['CLN', 'parcels-line']],
    ]);
  });

  it('keeps the zoning plan’s classes under the plan even when the parcels draw the same codes (a planned class is not today’s use)', () => {
    const drawn = drawnValuesOf(STYLE, [
      feature('parcels-fill', { land_use_code: 'ODT' }),
      feature('parcels-fill', { land_use_code: 'CLN' }),
      feature('zones-fill', { land_use_code: 'ODT' }),
      feature('zones-fill', { land_use_code: 'TMD' }),
    ]);
    const sections = deriveLegend(STYLE, {
      visible: { parcels: true, zones: true },
      zoom: 16,
      drawn,
      codeOrder: CODES.map((c) => c.code),
    });
    const codes = (group: string) =>
      listCodesOnce(sections)
        .find((s) => s.group === group)
        ?.rows.flatMap((r) => (r.label.kind === 'code' ? [r.label.code] : []));
    expect(codes('zones')).toEqual(['ODT', 'TMD']);
    expect(codes('parcels')).toEqual(['CLN', 'ODT']);
  });

  it('names the cyan outline of a selected feature under its group, and nothing when nothing is selected', () => {
    expect(selectionRow(STYLE, [feature('parcels-fill', {})])).toBeUndefined();
    const selected = selectionRow(STYLE, [feature('parcels-fill', {}), feature('parcels-highlight', {})])!;
    expect(selected.group).toBe('parcels');
    expect(selected.row.swatch.line).toBe('#00B8D4');
    startLang('vi');
    expect(legendRowText(selected.row, []).name).toBe('Đối tượng đang chọn (viền xanh lơ)');
    startLang('en');
    expect(legendRowText(selected.row, []).name).toBe('Selected feature (cyan outline)');
    startLang('vi');
  });

  it('marks a legacy land-use code as legacy and names the code that replaced it; a current code is not marked', () => {
    const codes = [
      { code: 'BHK', nameVi: 'Đất bằng trồng cây hằng năm khác', nameEn: 'Flat land for other annual crops', legacy: true, mapsTo: 'HNK' },
      { code: 'XYZ', nameVi: 'Đất cũ', nameEn: 'Old land', legacy: true, mapsTo: null },
      { code: 'HNK', nameVi: 'Đất trồng cây hằng năm khác', nameEn: 'Other annual crop land', legacy: false, mapsTo: null },
    ];
    const row = (c: string) => ({ id: c, swatch: { background: '#FFFFFF' }, label: { kind: 'code' as const, code: c } });
    startLang('vi');
    expect(legendRowText(row('BHK'), codes)).toEqual({
      code: 'BHK',
      name: 'Đất bằng trồng cây hằng năm khác (mã cũ, nay là HNK)',
      legacy: true,
    });
    expect(legendRowText(row('XYZ'), codes).name).toBe('Đất cũ (mã cũ, không còn trong danh mục hiện hành)');
    expect(legendRowText(row('HNK'), codes)).toEqual({ code: 'HNK', name: 'Đất trồng cây hằng năm khác' });
    startLang('en');
    expect(legendRowText(row('BHK'), codes).name).toBe('Flat land for other annual crops (legacy code, now HNK)');
    startLang('vi');
  });
});
