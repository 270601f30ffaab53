import * as maplibregl from 'maplibre-gl';
import type { Map as MapLibreMap, StyleSpecification } from 'maplibre-gl';
import latinUrl from '@fontsource/noto-sans/files/noto-sans-latin-400-normal.woff2?url';
import latinBoldUrl from '@fontsource/noto-sans/files/noto-sans-latin-700-normal.woff2?url';
import vietUrl from '@fontsource/noto-sans/files/noto-sans-vietnamese-400-normal.woff2?url';
import vietBoldUrl from '@fontsource/noto-sans/files/noto-sans-vietnamese-700-normal.woff2?url';
import { lang, t } from '../i18n/i18n.ts';
import type { MessageKey } from '../i18n/vi.ts';
import { landUseMapsOf, type LandUseMap } from '../map/landuse-maps.ts';
import { deriveLegend, drawnValuesOf, legendLayerIds, selectionRow, type LegendRow } from '../map/legend.ts';
import { drawSwatch, type CodeNames } from '../ui/legend-view.ts';
import { landUseCodes } from '../ui/layer-panel.ts';
import { metresPerPixel, niceScaleBar, scaleBarLayout, scaleDenominator } from './scale-bar.ts';
import { attributionsOf, printSheet, zoningPlansOf, type PrintSheet, type SheetRow } from './print-sheet.ts';
import type { PageText } from './pdf.ts';
import { layoutLegend, wrapText, type LegendEntry, type MeasureText } from './print-legend.ts';
import { fitTitle } from './print-title.ts';
import { drawnOutsideLots, printStyleOf } from './print-style.ts';

/** What to print; `landUseMap` is the land-use map on screen (the layer shows one at a time). */
export type PrintOptions = { title: string; dpi: number; orientation: 'landscape' | 'portrait'; landUseMap?: LandUseMap | undefined };

type Extent = [number, number, number, number];

const A4_MM = { landscape: [297, 210], portrait: [210, 297] } as const;
const FONT = '"Noto Sans Print", "Noto Sans", "DejaVu Sans", sans-serif';

let fontsReady: Promise<void> | undefined;

/** Loads Noto Sans (Latin + Vietnamese) for the canvas text, so diacritics print the same on every device. */
function loadPrintFonts(): Promise<void> {
  fontsReady ??= Promise.all(
    [
      [latinUrl, '400', 'U+0000-00FF, U+0131, U+0152-0153, U+02BB-02BC, U+02C6, U+02DA, U+02DC, U+2000-206F'],
      [
        vietUrl,
        '400',
        'U+0102-0103, U+0110-0111, U+0128-0129, U+0168-0169, U+01A0-01A1, U+01AF-01B0, U+0300-0301, U+0303-0304, U+0308-0309, U+0323, U+0329, U+1EA0-1EF9, U+20AB',
      ],
      [latinBoldUrl, '700', 'U+0000-00FF, U+2000-206F'],
      [
        vietBoldUrl,
        '700',
        'U+0102-0103, U+0110-0111, U+0128-0129, U+0168-0169, U+01A0-01A1, U+01AF-01B0, U+0300-0301, U+0303-0304, U+0308-0309, U+0323, U+0329, U+1EA0-1EF9, U+20AB',
      ],
    ].map(async ([url, weight, range]) => {
      const face = new FontFace('Noto Sans Print', `url(${url})`, { weight: weight!, unicodeRange: range! });
      document.fonts.add(await face.load());
    }),
  )
    .then(() => undefined)
    .catch(() => undefined);
  return fontsReady;
}

/** The selection highlights a map has (one per group; the layer control shows only the selected feature's group's). */
function highlightLayerIds(map: MapLibreMap): string[] {
  return (map.getStyle().layers ?? [])
    .filter((l) => l.id.endsWith('-highlight') && map.getLayoutProperty(l.id, 'visibility') !== 'none')
    .map((l) => l.id);
}

function waitIdle(map: MapLibreMap, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    map.once('idle', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** The printed legend's headings and rows, in order, as their words are printed. */
function legendEntries(sheet: PrintSheet): (LegendEntry & { row?: SheetRow & { section: LegendRow } })[] {
  return sheet.legend.flatMap((s) => [
    { kind: 'heading' as const, text: t(`layer_${s.group}` as MessageKey) },
    ...s.rows.map((r) => ({ kind: 'row' as const, text: r.code ? `${r.code} · ${r.name}` : r.name, row: r })),
  ]);
}

/** Measures text on a canvas in millimetres (type size in mm), in the print's font. */
function measureMm(ctx: CanvasRenderingContext2D): MeasureText {
  return (text, size, bold) => {
    ctx.font = `${bold ? 700 : 400} ${size * 10}px ${FONT}`;
    return ctx.measureText(text).width / 10;
  };
}

/**
 * Whether the legend of what the screen map draws fits whole in one 62 mm column `heightMm` high:
 * read before the print map is made, since the legend's width sets the map's frame.
 */
function fitsOneColumn(
  source: MapLibreMap,
  style: StyleSpecification,
  visible: Record<string, boolean>,
  codes: readonly CodeNames[],
  heightMm: number,
): boolean {
  const features = source.queryRenderedFeatures({ layers: legendLayerIds(style).filter((id) => source.getLayer(id)) });
  const sections = deriveLegend(style, { visible, zoom: source.getZoom(), drawn: drawnValuesOf(style, features) });
  const selection = selectionRow(style, source.queryRenderedFeatures({ layers: highlightLayerIds(source) }));
  const sheet = printSheet({ sections, codes, selection, plans: [], scaleDenominator: 1, printedOn: new Date(), attributions: [] });
  const ctx = document.createElement('canvas').getContext('2d')!;
  return layoutLegend(legendEntries(sheet), { columns: 1, columnWidth: 62, height: heightMm }, measureMm(ctx)).leftOut === 0;
}

/**
 * The north arrow: an opaque disc (map labels must not show through it) holding the arrow and, near
 * its rim on the north side, the letter upright, all inside the disc.
 */
function drawNorthArrow(ctx: CanvasRenderingContext2D, x: number, y: number, size: number, bearing: number): void {
  const turn = (-bearing * Math.PI) / 180;
  ctx.save();
  ctx.translate(x, y);
  ctx.fillStyle = '#FFFFFF';
  ctx.strokeStyle = '#888';
  ctx.lineWidth = Math.max(1, size * 0.03);
  ctx.beginPath();
  ctx.arc(0, 0, size * 0.8, 0, Math.PI * 2);
  ctx.fill();
  ctx.stroke();
  ctx.rotate(turn);
  ctx.beginPath();
  ctx.moveTo(0, -size * 0.28);
  ctx.lineTo(size * 0.24, size * 0.58);
  ctx.lineTo(0, size * 0.4);
  ctx.closePath();
  ctx.fillStyle = '#222';
  ctx.fill();
  ctx.beginPath();
  ctx.moveTo(0, -size * 0.28);
  ctx.lineTo(-size * 0.24, size * 0.58);
  ctx.lineTo(0, size * 0.4);
  ctx.closePath();
  ctx.fillStyle = '#888';
  ctx.fill();
  ctx.rotate(-turn);
  // The letter's centre, 0.5 × size towards north: its box (about 0.3 × 0.3 size) stays within the 0.8 radius whatever the bearing.
  ctx.fillStyle = '#222';
  ctx.font = `700 ${Math.round(size * 0.34)}px ${FONT}`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(lang() === 'vi' ? 'B' : 'N', Math.sin(-turn) * -size * 0.5, -Math.cos(-turn) * size * 0.5);
  ctx.restore();
}

/**
 * Renders the current view for print: an off-screen map at dpi/96 pixel ratio fitted to the same
 * extent, then a page (A4) with title, the map, legend, scale bar, north arrow and footer drawn
 * on one canvas. That canvas becomes the PNG, or the PDF's image; `texts` are its words as drawn, for the PDF's text layer.
 */
export async function renderPrint(
  source: MapLibreMap,
  style: StyleSpecification,
  visible: Record<string, boolean>,
  options: PrintOptions,
): Promise<{ canvas: HTMLCanvasElement; sheet: PrintSheet; texts: PageText[] }> {
  await loadPrintFonts();
  const [pageWmm, pageHmm] = A4_MM[options.orientation];
  const px = (mm: number) => Math.round((mm / 25.4) * options.dpi);
  const margin = 10;
  const header = 14;
  const footer = 8;
  const codes = await landUseCodes().catch(() => []);
  // Landscape: one 62 mm legend column, or two (the map a little narrower) when the rows the screen
  // shows would not all fit in one, whole, even in the smallest type.
  const wide = options.orientation === 'landscape' && !fitsOneColumn(source, style, visible, codes, pageHmm - 2 * 10 - 14 - 8 - 40);
  const legendColumns = options.orientation === 'landscape' ? (wide ? 2 : 1) : 2;
  const legendW = options.orientation === 'landscape' ? (wide ? 112 : 62) : 0;
  const legendH = options.orientation === 'portrait' ? 66 : 0;
  const frame = {
    x: margin,
    y: margin + header,
    w: pageWmm - 2 * margin - (legendW ? legendW + 5 : 0),
    h: pageHmm - 2 * margin - header - footer - (legendH ? legendH + 4 : 0),
  };

  // The print map: CSS size at 96 dpi, so symbols keep their screen size in millimetres.
  const container = document.createElement('div');
  const cssW = Math.round((frame.w / 25.4) * 96);
  const cssH = Math.round((frame.h / 25.4) * 96);
  container.style.cssText = `position:fixed;left:-${cssW + 100}px;top:0;width:${cssW}px;height:${cssH}px;`;
  document.body.append(container);
  const printStyle = source.getStyle();
  // Drawn with the land-use fills left out under the zoning lots, so the paper's colours are the legend's (print-style.ts).
  const { style: drawnStyle, zoningGround } = printStyleOf(printStyle);
  const printMap = new maplibregl.Map({
    container,
    style: drawnStyle,
    bounds: source.getBounds(),
    bearing: source.getBearing(),
    interactive: false,
    attributionControl: false,
    fadeDuration: 0,
    pixelRatio: options.dpi / 96,
    canvasContextAttributes: { preserveDrawingBuffer: true },
    validateStyle: false,
  });
  try {
    await waitIdle(printMap, 30000);
    // The legend and the title block name what the printed extent draws, read from the print map itself.
    const features = printMap.queryRenderedFeatures({ layers: legendLayerIds(style).filter((id) => printMap.getLayer(id)) });
    const drawn = drawnValuesOf(style, features);
    const centerForScale = printMap.getCenter();
    const denominator = scaleDenominator(metresPerPixel(centerForScale.lat, printMap.getZoom()) / (options.dpi / 96), options.dpi);
    // With the land use left out under the lots, a class drawn only there is no row: the legend lists what the paper shows,
    // down to pieces 0.5 mm wide on paper.
    const shown = zoningGround
      ? drawnOutsideLots(drawn, features, printMap.getBounds().toArray().flat() as Extent, denominator * 0.0005)
      : drawn;
    // Derived from the print map's own style: its paint carries the layer panel's opacities, so the swatches are dimmed as the map is.
    const sections = deriveLegend(printStyle, { visible, zoom: printMap.getZoom(), drawn: shown, codeOrder: codes.map((c) => c.code) });
    const planIds = new Set(features.filter((f) => f.layer.id === 'zones-fill').map((f) => Number(f.properties.plan_id)));
    const allPlans = zoningPlansOf(style);
    // Lots carry their plan from z14; at lower zooms every plan in force is named.
    const plans = drawn.has('zones-fill') ? (planIds.has(NaN) || !planIds.size ? allPlans : allPlans.filter((p) => planIds.has(p.id))) : [];
    const landUseMap = drawn.has('landuse-fill') ? (options.landUseMap ?? landUseMapsOf(style)[0]) : undefined;
    const sheet = printSheet({
      sections,
      codes,
      selection: selectionRow(printStyle, printMap.queryRenderedFeatures({ layers: highlightLayerIds(printMap) })),
      landUseMap,
      plans,
      zoningOverLandUse: zoningGround && drawn.has('zones-fill') && (drawn.has('landuse-fill') || drawn.has('parcels-fill')),
      scaleDenominator: denominator,
      printedOn: new Date(),
      attributions: attributionsOf(style),
    });

    const canvas = document.createElement('canvas');
    canvas.width = px(pageWmm);
    canvas.height = px(pageHmm);
    const ctx = canvas.getContext('2d')!;
    // Every line of words drawn on the page, kept for the PDF's text layer (pdf.ts lays them over the image).
    const texts: PageText[] = [];
    const write = (line: string, x: number, y: number) => {
      ctx.fillText(line, x, y);
      const size = Number(/(\d+(?:\.\d+)?)px/.exec(ctx.font)?.[1] ?? 0);
      texts.push({ text: line, x, y, size, width: ctx.measureText(line).width });
    };
    ctx.fillStyle = '#FFFFFF';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    const fx = px(frame.x);
    const fy = px(frame.y);
    const fw = px(frame.w);
    const fh = px(frame.h);
    ctx.drawImage(printMap.getCanvas(), fx, fy, fw, fh);
    ctx.strokeStyle = '#333';
    ctx.lineWidth = px(0.3);
    ctx.strokeRect(fx, fy, fw, fh);

    // Title and subtitle. A long title (a growing area's name) is set smaller, then on two lines, the
    // second cut with '…', so it never runs past the page's edge (print-title.ts).
    ctx.fillStyle = '#111';
    ctx.textBaseline = 'alphabetic';
    const title = fitTitle(options.title || t('appTitle'), px(pageWmm - 2 * margin), (text, size) => {
      ctx.font = `700 ${px(size)}px ${FONT}`;
      return ctx.measureText(text).width;
    });
    ctx.font = `700 ${px(title.size)}px ${FONT}`;
    if (title.lines.length === 1) write(title.lines[0]!, px(margin), px(margin + 7));
    else title.lines.forEach((line, i) => write(line, px(margin), px(margin + title.size + i * title.size * 1.05)));
    ctx.font = `400 ${px(title.lines.length === 1 ? 3.2 : 2.9)}px ${FONT}`;
    ctx.fillStyle = '#555';
    write(t('appSubtitle'), px(margin), px(margin + (title.lines.length === 1 ? 11.5 : 12.6)));

    // North arrow, top right of the frame.
    drawNorthArrow(ctx, fx + fw - px(10), fy + px(12), px(9), printMap.getBearing());

    // Scale bar, bottom left of the frame, and the 1:N fraction beside it.
    const center = printMap.getCenter();
    const mppDevice = metresPerPixel(center.lat, printMap.getZoom()) / (options.dpi / 96);
    const bar = niceScaleBar(mppDevice, fw / 4);
    const fraction = `${t('scale')} 1:${scaleDenominator(mppDevice, options.dpi).toLocaleString(lang() === 'vi' ? 'vi-VN' : 'en-GB')}`;
    ctx.font = `400 ${px(2.8)}px ${FONT}`;
    const scaleBar = scaleBarLayout({
      x: fx + px(5),
      y: fy + fh - px(7),
      barPx: bar.px,
      lengthLabelW: ctx.measureText(bar.label).width,
      fractionW: ctx.measureText(fraction).width,
      mm: px(1),
    });
    const bx = fx + px(5);
    const by = fy + fh - px(7);
    // Opaque: map labels under a see-through backing read as part of the scale.
    ctx.fillStyle = '#FFFFFF';
    const { backing } = scaleBar;
    ctx.fillRect(backing.x, backing.y, backing.w, backing.h);
    ctx.fillStyle = '#222';
    ctx.fillRect(bx, by, bar.px / 2, px(1.2));
    ctx.fillStyle = '#FFF';
    ctx.fillRect(bx + bar.px / 2, by, bar.px / 2, px(1.2));
    ctx.strokeStyle = '#222';
    ctx.lineWidth = px(0.25);
    ctx.strokeRect(bx, by, bar.px, px(1.2));
    ctx.fillStyle = '#222';
    ctx.textAlign = 'left';
    write('0', bx - px(0.6), scaleBar.labelY);
    write(bar.label, scaleBar.lengthLabelX, scaleBar.labelY);
    write(fraction, scaleBar.fractionX, scaleBar.fractionY);

    // Legend (what the page shows) from the top of its column, title block at its foot.
    const colW = legendW ? px(legendW / legendColumns) : px((pageWmm - 2 * margin) / 3);
    const lx = legendW ? px(pageWmm - margin - legendW) : px(margin);
    const top = legendW ? fy : fy + fh + px(6);
    const bottom = legendW ? fy + fh : top + px(legendH);
    const wrap = (value: string, width: number): string[] => wrapText(value, width, (text) => ctx.measureText(text).width);
    // Title block: landscape at the foot of the legend column, portrait in the band's last column.
    ctx.font = `400 ${px(2.6)}px ${FONT}`;
    const blockBox = legendW ? px(legendW) : colW;
    const blockW = blockBox - px(2);
    const blockLines = sheet.titleBlock.flatMap((line) => wrap(line, blockW));
    const blockLineH = px(3.5);
    const blockX = legendW ? lx : lx + 2 * colW;
    const blockY = legendW ? bottom - blockLines.length * blockLineH - px(1) : top + px(1);
    ctx.fillStyle = '#F7F7F5';
    ctx.fillRect(blockX - px(1), blockY - px(1), blockBox, blockLines.length * blockLineH + px(2.5));
    ctx.strokeStyle = '#888';
    ctx.lineWidth = px(0.2);
    ctx.strokeRect(blockX - px(1), blockY - px(1), blockBox, blockLines.length * blockLineH + px(2.5));
    ctx.fillStyle = '#111';
    blockLines.forEach((line, i) => write(line, blockX, blockY + (i + 0.8) * blockLineH));

    const columns = legendColumns;
    const limit = legendW ? blockY - px(3) : bottom;
    const mm = (device: number) => device / px(1);
    const entries = legendEntries(sheet);
    ctx.font = `700 ${px(3.4)}px ${FONT}`;
    ctx.fillStyle = '#111';
    write(t('legend'), lx, top + px(4.4));
    const legendTop = top + px(6.4);
    // Every row the page shows is listed whole: long names wrap, and the type gets smaller before any row is left out.
    const layout = layoutLegend(entries, { columns, columnWidth: mm(colW), height: mm(limit - legendTop) }, measureMm(ctx));
    for (const placed of layout.placed) {
      const entry = entries[placed.index]!;
      const x = lx + px(placed.x);
      const y = legendTop + px(placed.top);
      const bold = entry.kind === 'heading';
      if (entry.row) {
        const swatchTop = y + px(placed.lineHeight / 2 - layout.swatch.h / 2);
        drawSwatch(ctx, entry.row.section.swatch, x, swatchTop, px(layout.swatch.w), px(layout.swatch.h));
      }
      ctx.fillStyle = '#111';
      ctx.font = `${bold ? 700 : 400} ${px(placed.size)}px ${FONT}`;
      const textX = bold ? x : x + px(layout.textIndent);
      placed.lines.forEach((line, i) => write(line, textX, y + px((i + 0.8) * placed.lineHeight)));
    }
    if (layout.leftOut > 0) {
      const last = layout.placed[layout.placed.length - 1];
      const y = last ? legendTop + px(last.top + last.lines.length * last.lineHeight + last.lineHeight * 0.8) : legendTop + px(layout.size);
      ctx.font = `400 ${px(layout.size)}px ${FONT}`;
      ctx.fillStyle = '#555';
      write(t('printMoreRows', { n: layout.leftOut }), lx + px(last?.x ?? 0), y);
    }

    // Footer.
    ctx.fillStyle = '#555';
    ctx.font = `400 ${px(2.6)}px ${FONT}`;
    ctx.textAlign = 'left';
    write(`WGS 84 / Web Mercator · ${options.dpi} dpi`, px(margin), px(pageHmm - margin + 2));
    return { canvas, sheet, texts };
  } finally {
    printMap.remove();
    container.remove();
  }
}
