// What is on the map is in the legend, on screen and on the printed page: the legend rows come from
// the style that draws the map, so every colour the map shows over the urban core has a row
// (the grey of mixed-use zoning lots, each road kind), and a print cites its land-use map and plan.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { blend } from '../../web/src/map/legend.ts';
import { mapHistogram, mapPixels, openPage, SCREENSHOTS, useServerAndBrowser, waitForMap, type Rgb } from './harness.ts';

const env = useServerAndBrowser();
const CORE = 'c=105.63256,10.45870,16';
// The city centre at z14: the urban core with the national and provincial roads that cross it.
const CITY = 'c=105.63800,10.46600,14';
const BACKGROUND = '#F4F1EA';

const hex = (c: string): Rgb => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)) as Rgb;
const distance = (a: Rgb, b: Rgb) => Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) + Math.abs(a[2] - b[2]);

type ScreenRow = {
  row: string;
  code: string | null;
  none: boolean;
  fill: string | null;
  opacity: string | null;
  line: string | null;
  circle: string | null;
  text: string;
};

function screenRows(page: Page): Promise<ScreenRow[]> {
  return page.locator('.legend-view li, .legend-landuse-map li').evaluateAll((items) =>
    items.map((li) => ({
      row: li.getAttribute('data-row')!,
      code: li.getAttribute('data-code'),
      none: li.hasAttribute('data-code-none'),
      fill: li.getAttribute('data-fill'),
      opacity: li.getAttribute('data-opacity'),
      line: li.getAttribute('data-line'),
      circle: li.getAttribute('data-circle'),
      text: (li as HTMLElement).innerText,
    })),
  );
}

/** The colours a legend row can put on the canvas: a fill at its opacity over the background (or over water), a line as is. */
function rowColours(row: ScreenRow): Rgb[] {
  const out: Rgb[] = [];
  if (row.fill) {
    const opacity = Number(row.opacity ?? 1);
    out.push(blend(row.fill, opacity, BACKGROUND), blend(row.fill, opacity, '#A9D3F2'), hex(row.fill));
  }
  for (const c of [row.line, row.circle]) if (c) out.push(hex(c));
  return out;
}

/**
 * Every colour covering at least 0.2 % of the map (antialiased edges and label glyphs are below
 * that) is the background or within a small tolerance of a colour a legend row puts on the canvas.
 */
async function expectEveryColourInLegend(page: Page): Promise<void> {
  const rows = await screenRows(page);
  const { colours, total } = await mapHistogram(page);
  const candidates = rows.flatMap((r) => rowColours(r).map((c) => ({ c, row: r.row })));
  const unexplained: string[] = [];
  const big = colours.filter(([, n]) => n / total >= 0.002).filter(([c]) => distance(c, hex(BACKGROUND)) > 9);
  expect(big.length).toBeGreaterThan(3);
  for (const [c, n] of big) {
    if (!candidates.some((k) => distance(k.c, c) <= 9)) unexplained.push(`rgb(${c.join(',')}) × ${n}`);
  }
  expect(unexplained).toEqual([]);
}

/** In a printed PNG's region (fractions x0, y0, x1, y1 of the page): pixels of the mixed-use grey swatch (at the zone fill's opacity), and dark (text) pixels. */
async function legendPixels(
  page: Page,
  pngPath: string,
  region: [number, number, number, number],
  greyOpacity = 0.45,
): Promise<{ greyPx: number; dark: number }> {
  const bytes = fs.readFileSync(pngPath).toString('base64');
  return page.evaluate(
    async ([b64, g, [x0, y0, x1, y1]]) => {
      const blob = await (await fetch(`data:image/png;base64,${b64}`)).blob();
      const bitmap = await createImageBitmap(blob);
      const canvas = document.createElement('canvas');
      canvas.width = bitmap.width;
      canvas.height = bitmap.height;
      const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
      ctx.drawImage(bitmap, 0, 0);
      const w = bitmap.width;
      const h = bitmap.height;
      const data = ctx.getImageData(Math.round(w * x0), Math.round(h * y0), Math.round(w * (x1 - x0)), Math.round(h * (y1 - y0))).data;
      let greyPx = 0;
      let dark = 0;
      for (let i = 0; i < data.length; i += 4) {
        const d = Math.abs(data[i]! - g[0]) + Math.abs(data[i + 1]! - g[1]) + Math.abs(data[i + 2]! - g[2]);
        if (d <= 6) greyPx++;
        if (data[i]! < 80 && data[i + 1]! < 80 && data[i + 2]! < 80) dark++;
      }
      return { greyPx, dark };
    },
    [bytes, blend('#E0E0E0', greyOpacity, BACKGROUND), region] as const,
  );
}

/**
 * The computed style of a row's swatch rectangle (the fill is the second, over the background), read
 * in one step from the document: the panel redraws swatches in place as the map repaints, so a handle
 * taken a moment before may already be detached.
 */
function swatchStyle(page: Page, row: string, property: 'fillOpacity' | 'strokeOpacity', rect = 1): Promise<string> {
  return page.evaluate(
    ([selector, prop, index]) => {
      const el = document.querySelectorAll(`${selector} svg.legend-swatch rect`)[index];
      return el ? getComputedStyle(el)[prop] : 'no swatch';
    },
    [row, property, rect] as const,
  );
}

async function openCore(kind: 'desktop' | 'phone', hash: string) {
  const watched = await openPage(env.browser, kind);
  if (kind === 'desktop') await watched.page.setViewportSize({ width: 1440, height: 900 });
  else await watched.page.setViewportSize({ width: 360, height: 780 });
  await watched.page.goto(`${env.server.url}/#${hash}`);
  await waitForMap(watched.page);
  return watched;
}

describe('the screen legend names every colour the map draws', () => {
  it('over the urban core with the zoning layer: a row per fill colour in the pixels, the grey mixed-use row and three road kinds', async () => {
    const { page, context, errors } = await openCore('desktop', `${CITY}&l=zones,roads,water,admin`);
    try {
      const grey = page.locator('.legend-view[data-group=zones] li[data-code-none]');
      await grey.waitFor({ timeout: 90_000 });
      await waitForMap(page);
      const rows = await screenRows(page);
      // The grey of lots without a code is the style's fallback, named in words.
      const greyRow = rows.find((r) => r.none)!;
      expect(greyRow.fill).toBe('#E0E0E0');
      expect(greyRow.text).toContain('Chưa có mã loại đất (ô đất hỗn hợp)');
      const greyOnMap = await mapPixels(page, blend('#E0E0E0', Number(greyRow.opacity), BACKGROUND), 6, true);
      expect(greyOnMap.count).toBeGreaterThan(1000);
      // Roads: national, provincial and the rest, each its own colour, as drawn.
      const roads = rows.filter((r) => r.row.startsWith('roads-line:'));
      expect(roads.map((r) => r.line)).toEqual(['#F6C36B', '#FBE29B', '#FFFFFF']);
      expect(roads.map((r) => r.text)).toEqual([
        expect.stringContaining('Quốc lộ'),
        expect.stringContaining('Đường tỉnh'),
        expect.stringContaining('Đường đô thị'),
      ]);
      await expectEveryColourInLegend(page);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'legend-zones-1440.png') });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('follows the zoning opacity slider: the swatches fade as the map does, and every colour in the pixels still has its row', async () => {
    const { page, context, errors } = await openCore('desktop', `${CITY}&l=zones,roads,water,admin`);
    try {
      const greySwatch = page.locator('.legend-view[data-group=zones] li[data-code-none] svg.legend-swatch rect').nth(1);
      await greySwatch.waitFor({ timeout: 90_000 });
      await waitForMap(page);
      const fillOpacity = () => swatchStyle(page, '.legend-view[data-group=zones] li[data-code-none]', 'fillOpacity');
      expect(await fillOpacity()).toBe('0.45');
      // The slider from the keyboard, as a user would move it: 100 % to 40 % in twelve steps of 5.
      const slider = page.locator('input[type=range][data-opacity=zones]');
      const handle = await slider.elementHandle();
      await slider.focus();
      for (let i = 0; i < 12; i++) await slider.press('ArrowLeft');
      expect(await slider.inputValue()).toBe('40');
      // At once, before the map has finished its repaint: 0.45 × 0.4.
      expect(await fillOpacity()).toBe('0.18');
      await waitForMap(page);
      expect(await fillOpacity()).toBe('0.18');
      // The panel was not rebuilt under the slider (a drag would have been cut); the row says its new opacity.
      expect(await handle!.evaluate((el) => el.isConnected && document.activeElement === el)).toBe(true);
      expect(await page.getAttribute('.legend-view[data-group=zones] li[data-code-none]', 'data-opacity')).toBe('0.18');
      const greyOnMap = await mapPixels(page, blend('#E0E0E0', 0.18, BACKGROUND), 6, true);
      expect(greyOnMap.count).toBeGreaterThan(1000);
      await expectEveryColourInLegend(page);
      // The lot boundary fades too (its line drawn at full opacity by the style).
      expect(await swatchStyle(page, '.legend-view[data-group=zones] li[data-row=zones-line]', 'strokeOpacity', 0)).toBe('0.4');
      // The link keeps the choice; a reload shows the same dimmed legend from the start.
      expect(page.url()).toContain('o=zones:40');
      await page.locator('.legend-view[data-group=zones]').scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(SCREENSHOTS, 'legend-zones-dimmed-1440.png') });
      await page.reload();
      await greySwatch.waitFor({ timeout: 90_000 });
      await waitForMap(page);
      expect(await fillOpacity()).toBe('0.18');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('follows the land-use map’s slider too: its code rows fade with the map', async () => {
    const { page, context, errors } = await openCore('desktop', `${CITY}&l=landuse,roads,water,admin&lu=status`);
    try {
      const swatch = page.locator('.legend-landuse-map li[data-code] svg.legend-swatch rect').nth(1);
      await swatch.waitFor({ timeout: 90_000 });
      await waitForMap(page);
      const fillOpacity = () => swatchStyle(page, '.legend-landuse-map li[data-code]', 'fillOpacity');
      expect(await fillOpacity()).toBe('0.75');
      const slider = page.locator('input[type=range][data-opacity=landuse]');
      await slider.focus();
      for (let i = 0; i < 10; i++) await slider.press('ArrowLeft');
      await waitForMap(page);
      expect(await fillOpacity()).toBe('0.375');
      await expectEveryColourInLegend(page);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it.each([
    ['the land-use status map', `${CITY}&l=landuse,roads,water,admin&lu=status`, '.legend-landuse-map li[data-code]'],
    ['the cadastral parcels (the first view’s layers)', `${CITY}`, '.legend-view[data-group=parcels] li[data-code]'],
  ])('over the city centre with %s: every colour in the pixels has a row', async (_name, hash, rowSelector) => {
    const { page, context, errors } = await openCore('desktop', hash);
    try {
      await page.locator(rowSelector).first().waitFor({ timeout: 90_000 });
      await waitForMap(page);
      await expectEveryColourInLegend(page);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('in English, and on a 360 px phone once the layer panel is opened', async () => {
    const { page, context, errors } = await openCore('phone', `${CITY}&l=zones,roads,water,admin&lang=en`);
    try {
      await page.click('[data-tab=layers]');
      const grey = page.locator('.legend-view[data-group=zones] li[data-code-none]');
      await grey.waitFor({ timeout: 90_000 });
      expect(await grey.innerText()).toContain('No land-use code (mixed-use lot)');
      // The phone's narrower view crosses the national road and town streets: each named in English.
      const roads = await page.locator('.legend-view[data-group=roads] li').allInnerTexts();
      expect(roads.length).toBeGreaterThanOrEqual(2);
      expect(roads[0]).toContain('National road');
      expect(roads.join(' ')).toContain('Urban street');
      expect(roads.join(' ')).not.toMatch(/Đường|Quốc lộ/);
      // A code's capital O and its zero are told apart: in a monospace face they are one glyph
      // ("ODT-05" read "0DT-O5"); in the interface's face the O is the wider.
      const [o, zero] = await page
        .locator('.legend-view[data-group=zones] li code')
        .first()
        .evaluate((code) => {
          const ctx = document.createElement('canvas').getContext('2d')!;
          ctx.font = getComputedStyle(code).font;
          return [ctx.measureText('OOOO').width, ctx.measureText('0000').width];
        });
      expect(o / zero).toBeGreaterThan(1.1);
      await grey.scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(SCREENSHOTS, 'legend-zones-360-en.png') });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('the printed page says what it shows and what it comes from', () => {
  it('names the land-use map and its year and the zoning plan with its decision, and draws their legend rows', async () => {
    const status = (
      await env.server.db.query<{ name: string; year: number }>(
        `SELECT name, year FROM landuse_maps WHERE kind = 'status' ORDER BY year DESC LIMIT 1`,
      )
    ).rows[0]!;
    const plan = (
      await env.server.db.query<{ name: string; decision_no: string; decision_date: string; authority: string }>(
        `SELECT name, decision_no, to_char(decision_date, 'DD/MM/YYYY') AS decision_date, authority FROM planning_plans WHERE status = 'approved' ORDER BY id LIMIT 1`,
      )
    ).rows[0]!;
    const { page, context, errors } = await openCore('desktop', `${CORE}&l=zones,landuse,roads,water,admin&lu=status`);
    try {
      await page.click('[data-tab=tools]');
      await page.click('#print-open');
      const [png] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.click('#print-png')]);
      const pngPath = path.join(SCREENSHOTS, 'legend-print-1440.png');
      await png.saveAs(pngPath);
      const block = await page.locator('#print-summary .print-title-block li').allInnerTexts();
      expect(block[0]).toBe(`Bản đồ sử dụng đất: ${status.name} (${status.year})`);
      expect(block[1]).toBe(
        // The seeded name says the kind and the scale ("… tỷ lệ 1/2000 …"): the line says them once, spelled "tỉ lệ".
        `${plan.name.replace('tỷ lệ', 'tỉ lệ')} · Quyết định số ${plan.decision_no} ngày ${plan.decision_date} của ${plan.authority}`,
      );
      // The lots are drawn over the land use, which the page leaves out under them (print-style.ts), and says so.
      expect(block[2]).toBe('Trong các ô quy hoạch chỉ tô màu quy hoạch, không tô màu sử dụng đất bên dưới.');
      expect(block[3]).toMatch(/^Tỉ lệ 1:[\d.]+$/);
      expect(block[4]).toMatch(/^In ngày \d{2}\/\d{2}\/\d{4}$/);
      expect(block[5]).toContain('Nguồn: Bản đồ số Cao Lãnh');
      const printed = await page
        .locator('#print-summary .print-legend li')
        .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-row')!));
      expect(printed).toContain('zones-fill:');
      // At z16 the core has urban streets and lanes only: one road row, white, naming both kinds.
      expect(printed.filter((r) => r.startsWith('roads-line:'))).toEqual(['roads-line:#FFFFFF']);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'legend-print-dialog-1440.png') });

      // The page itself: the grey swatch is drawn in the legend column, text in the title block.
      const landscape = await legendPixels(page, pngPath, [0.77, 0, 0.97, 1]);
      expect(landscape.greyPx).toBeGreaterThan(100);
      expect(landscape.dark).toBeGreaterThan(5000);

      // In English, portrait: the same facts in English words, the legend in the band under the map.
      await page.click('#print-dialog button:has-text("Đóng")');
      await page.click('#lang-toggle');
      // The Tools tab stays open across the switch.
      await page.click('#print-open');
      await page.selectOption('#print-dialog select[name=orientation]', 'portrait');
      const [portrait] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.click('#print-png')]);
      const portraitPath = path.join(SCREENSHOTS, 'legend-print-portrait-en.png');
      await portrait.saveAs(portraitPath);
      const english = await page.locator('#print-summary .print-title-block li').allInnerTexts();
      expect(english[0]).toBe(`Land-use map: ${status.name} (${status.year})`);
      expect(english[1]).toBe(
        `Zoning plan: ${plan.name.replace('tỷ lệ', 'tỉ lệ')} · Decision ${plan.decision_no} of ${plan.decision_date} by ${plan.authority}`,
      );
      expect(english[2]).toBe('Inside zoning lots only the zoning colour is printed; the land use beneath is not filled.');
      expect(english[4]).toMatch(/^Printed \d{4}-\d{2}-\d{2}$/);
      const band = await legendPixels(page, portraitPath, [0, 0.74, 1, 0.97]);
      expect(band.greyPx).toBeGreaterThan(100);
      expect(band.dark).toBeGreaterThan(5000);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('draws a layer dimmed in the layer panel dimmed in the printed legend too', async () => {
    const { page, context, errors } = await openCore('desktop', `${CORE}&l=zones,roads,water,admin&o=zones:40`);
    try {
      await page.click('[data-tab=tools]');
      await page.click('#print-open');
      const [png] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.click('#print-png')]);
      const pngPath = path.join(SCREENSHOTS, 'legend-print-dimmed-1440.png');
      await png.saveAs(pngPath);
      // The grey swatch at 0.45 × 0.4 in the legend's rows (above the title block), not at the style's 0.45.
      const dimmed = await legendPixels(page, pngPath, [0.75, 0.1, 0.97, 0.6], 0.18);
      const full = await legendPixels(page, pngPath, [0.75, 0.1, 0.97, 0.6], 0.45);
      // (The swatch's antialiased frame passes through the paler grey's shade: a few hundred edge pixels, against a thousand inside.)
      expect(dimmed.greyPx).toBeGreaterThan(500);
      expect(dimmed.greyPx).toBeGreaterThan(2 * full.greyPx);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
