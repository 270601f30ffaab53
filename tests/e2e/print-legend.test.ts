// What the printed legend says about a land-use view with a parcel selected: each class once,
// the cyan selection outline named, legacy codes (BHK, LNQ) marked as legacy; and the PDF's
// words are text a reader can select and search (pdftotext finds them), not only pixels.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { hasCommand } from '../helpers/commands.ts';
import { openPage, SCREENSHOTS, useServerAndBrowser, waitForMap, type Rgb } from './harness.ts';

const env = useServerAndBrowser();

// Poppler's pdftotext: .ci/run installs poppler-utils, and on CI its absence fails the test.
const readsPdfText = Boolean(process.env.CI) || hasCommand('pdftotext', '-v');
if (!readsPdfText) console.warn('print-legend: pdftotext not found (apt-get install poppler-utils); the PDF text layer is not checked.');

describe('the printed legend of a land-use view with a selected parcel', () => {
  it('lists each class once, names the selection outline, marks legacy codes, and the PDF holds its words as text', async () => {
    const { page, context, errors } = await openPage(env.browser, 'desktop');
    try {
      // A legacy-coded parcel (BHK) with LNQ and ODT parcels around it (the box prefilter lets the
      // parcels' GiST index find the neighbours: 0.003° is more than 250 m at Cao Lãnh's latitude).
      const { rows } = await env.server.db.query<{ id: number; lon: number; lat: number }>(
        `SELECT b.id, ST_X(ST_PointOnSurface(b.geom)) lon, ST_Y(ST_PointOnSurface(b.geom)) lat
           FROM parcels b
          WHERE b.land_use_code = 'BHK'
          ORDER BY EXISTS (SELECT 1 FROM parcels l WHERE l.land_use_code = 'LNQ' AND l.geom && ST_Expand(b.geom, 0.003)
                                  AND ST_DWithin(l.geom::geography, b.geom::geography, 250)) DESC,
                   (SELECT count(*) FROM parcels l WHERE l.land_use_code = 'ODT' AND l.geom && ST_Expand(b.geom, 0.003)
                       AND ST_DWithin(l.geom::geography, b.geom::geography, 250)) DESC
          LIMIT 1`,
      );
      const { id, lon, lat } = rows[0]!;
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.goto(`${env.server.url}/#c=${lon},${lat},16.5&l=landuse,parcels,roads,admin&s=parcels:${id}`);
      await waitForMap(page);
      // The screen's legend (the same words) marks the legacy code in the parcels' rows in view.
      await page.click('[data-tab=layers]');
      const onScreen = page.locator('.legend-view[data-group=parcels] li[data-code=BHK]');
      await onScreen.waitFor({ timeout: 60_000 });
      // The row shows its code at once and its name when the land-use table has come (failed once in CI, read before it came).
      await expect.poll(() => onScreen.textContent(), { timeout: 20_000 }).toBe('BHKĐất bằng trồng cây hằng năm khác (mã cũ, nay là HNK)');
      await page.screenshot({ path: path.join(SCREENSHOTS, 'print-legend-screen.png') });
      await page.click('[data-tab=tools]');
      await page.click('#print-open');
      const [pdf] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.click('#print-pdf')]);
      const pdfPath = path.join(SCREENSHOTS, 'print-legend.pdf');
      await pdf.saveAs(pdfPath);
      const legend = await page.locator('#print-summary .print-legend li').allTextContents();
      const codes = legend.map((row) => /^([A-Z]{2,4}) · /.exec(row)?.[1]).filter((c): c is string => Boolean(c));
      // The land-use areas and the parcels over them both draw ODT, LUC, CLN…: each is listed once.
      expect(codes).toContain('ODT');
      expect(codes.length).toBeGreaterThan(5);
      expect(codes).toEqual([...new Set(codes)]);
      // The cyan outline around the selected parcel is named.
      expect(legend).toContain('Đối tượng đang chọn (viền xanh lơ)');
      // Legacy codes say they are legacy, and which code replaced them; current codes do not.
      expect(legend).toContain('BHK · Đất bằng trồng cây hằng năm khác (mã cũ, nay là HNK)');
      expect(legend).toContain('LNQ · Đất trồng cây ăn quả lâu năm (mã cũ, nay là CLN)');
      expect(legend.filter((row) => row.includes('mã cũ'))).toHaveLength(2);

      expect(errors).toEqual([]);
      if (!readsPdfText) return;
      // The PDF's words are text: pdftotext (poppler) reads the title, the legend, the scale, the date and the sources.
      const text = execFileSync('pdftotext', [pdfPath, '-'], { encoding: 'utf8' });
      const words = text.replace(/\s+/g, ' ');
      expect(words).toContain('Bản đồ số Cao Lãnh');
      expect(words).toContain('Chú giải');
      expect(words).toContain('ODT · Đất ở tại đô thị');
      expect(words).toContain('(mã cũ, nay là HNK)');
      expect(words).toContain('Đối tượng đang chọn (viền xanh lơ)');
      expect(words).toMatch(/Tỉ lệ 1:[\d.]+/);
      const today = new Date();
      const dmy = `${String(today.getDate()).padStart(2, '0')}/${String(today.getMonth() + 1).padStart(2, '0')}/${today.getFullYear()}`;
      expect(words).toContain(dmy);
      expect(words).toContain('Nguồn: Bản đồ số Cao Lãnh');
      // Each legend line once: the text layer is not written twice.
      expect(words.match(/ODT · Đất ở tại đô thị/g)).toHaveLength(1);
    } finally {
      await context.close();
    }
  }, 240_000);
});

type Drawn = { text: string; x: number; y: number };

/** Keeps the print's page canvas (the one over 1500 px wide that words are written on) and every text drawn on it, in device pixels. */
async function recordPage(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __page?: HTMLCanvasElement; __texts: unknown[] };
    w.__texts = [];
    const fillText = CanvasRenderingContext2D.prototype.fillText;
    CanvasRenderingContext2D.prototype.fillText = function (text: string, x: number, y: number, maxWidth?: number) {
      if (this.canvas instanceof HTMLCanvasElement && this.canvas.width > 1500) {
        w.__page = this.canvas;
        const m = this.getTransform();
        w.__texts.push({ text: String(text), x: m.a * x + m.c * y + m.e, y: m.b * x + m.d * y + m.f });
      }
      return maxWidth === undefined ? fillText.call(this, text, x, y) : fillText.call(this, text, x, y, maxWidth);
    };
  });
}

/** The most frequent colour of the page canvas in a box centred on (x, y), `half` device pixels each way, and its share of the box. */
function modeColour(page: Page, x: number, y: number, half: number): Promise<{ rgb: Rgb; share: number }> {
  return page.evaluate(
    ({ x, y, half }) => {
      const canvas = (window as unknown as { __page: HTMLCanvasElement }).__page;
      const size = Math.round(half * 2);
      const data = canvas.getContext('2d')!.getImageData(Math.round(x - half), Math.round(y - half), size, size).data;
      const counts = new Map<number, number>();
      for (let i = 0; i < data.length; i += 4) {
        const key = (data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      const [key, n] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
      return { rgb: [(key >> 16) & 255, (key >> 8) & 255, key & 255] as [number, number, number], share: n / (data.length / 4) };
    },
    { x, y, half },
  );
}

/** How many pixels of the page canvas in a box are within `tolerance` (sum of channel differences) of a colour. */
function framePixelsNear(page: Page, box: { x: number; y: number; w: number; h: number }, rgb: Rgb, tolerance: number): Promise<number> {
  return page.evaluate(
    ({ box, rgb, tolerance }) => {
      const canvas = (window as unknown as { __page: HTMLCanvasElement }).__page;
      const data = canvas.getContext('2d')!.getImageData(Math.round(box.x), Math.round(box.y), Math.round(box.w), Math.round(box.h)).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (Math.abs(data[i]! - rgb[0]) + Math.abs(data[i + 1]! - rgb[1]) + Math.abs(data[i + 2]! - rgb[2]) < tolerance) n++;
      }
      return n;
    },
    { box, rgb, tolerance },
  );
}

const distance = (a: Rgb, b: Rgb) => Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) + Math.abs(a[2] - b[2]);

describe('the printed planning view: zoning over land use', () => {
  it('prints a zoning lot in the colour of its legend swatch, not blended with the land use under it, and says so', async () => {
    const { page, context, errors } = await openPage(env.browser, 'desktop');
    try {
      await recordPage(page);
      // A point well inside a zoning lot where the status map (2024) has another class with another
      // colour: away from the lot's label, roads and water, so the paper there is the lot's fill alone.
      const { rows } = await env.server.db.query<{ zc: string; ac: string; lon: number; lat: number }>(
        `WITH pieces AS (
           SELECT z.land_use_code zc, a.land_use_code ac, z.geom lot,
                  ST_CollectionExtract(ST_Intersection(z.geom, a.geom), 3) g
             FROM zoning_lots z
             JOIN landuse_areas a ON a.map_id = 1 AND ST_Intersects(z.geom, a.geom)
            WHERE z.land_use_code IS NOT NULL AND land_use_fill(z.land_use_code) <> land_use_fill(a.land_use_code)),
         biggest AS (SELECT zc, ac, lot, ST_MaximumInscribedCircle(g) mic FROM pieces ORDER BY ST_Area(g) DESC LIMIT 40)
         SELECT zc, ac, ST_X((mic).center) lon, ST_Y((mic).center) lat
           FROM (SELECT *, (ST_MaximumInscribedCircle(lot)).center label FROM biggest) b
          WHERE (abs(ST_Y((mic).center) - ST_Y(label)) * 111000 > 25 OR abs(ST_X((mic).center) - ST_X(label)) * 109000 > 60)
            AND NOT EXISTS (SELECT 1 FROM roads r WHERE ST_DWithin(r.geom::geography, (mic).center::geography, 20))
            AND NOT EXISTS (SELECT 1 FROM water w WHERE ST_DWithin(w.geom::geography, (mic).center::geography, 40))
          ORDER BY (mic).radius DESC
          LIMIT 1`,
      );
      const { zc, ac, lon, lat } = rows[0]!;
      expect(zc).not.toBe(ac);
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.goto(`${env.server.url}/#c=${lon},${lat},16&l=landuse,parcels,zones,roads,admin&lu=status`);
      await waitForMap(page, 120_000);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'print-planning-screen.png') });
      await page.click('[data-tab=tools]');
      await page.click('#print-open');
      const [png] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.click('#print-png')]);
      await png.saveAs(path.join(SCREENSHOTS, 'print-planning.png'));
      const texts = await page.evaluate(() => (window as unknown as { __texts: Drawn[] }).__texts);
      const mm = 200 / 25.4;

      // The lot's class in the legend's zoning section, and the colour of its swatch (left of its words).
      const heading = texts.findIndex((d) => d.text === 'Quy hoạch phân khu');
      expect(heading).toBeGreaterThan(0);
      const row = texts.slice(heading).find((d) => d.text.startsWith(`${zc} · `))!;
      expect(row).toBeDefined();
      const swatch = await modeColour(page, row.x - 3 * mm, row.y - 1.1 * mm, 0.5 * mm);
      expect(swatch.share).toBeGreaterThan(0.9);

      // The map frame's centre is the screen's centre, the chosen point: there the paper shows the swatch's colour.
      const legendX = texts.find((d) => d.text === 'Chú giải')!.x;
      const frame = { x: 10 * mm, y: 24 * mm, w: legendX - 15 * mm, h: 168 * mm };
      const onPaper = await modeColour(page, frame.x + frame.w / 2, frame.y + frame.h / 2, 0.8 * mm);
      expect(onPaper.share).toBeGreaterThan(0.5);
      expect(distance(onPaper.rgb, swatch.rgb), `paper ${onPaper.rgb} vs ${zc} swatch ${swatch.rgb} (land use ${ac})`).toBeLessThan(10);

      // The land-use rows are the classes the paper shows outside the lots, each seen on the map in its swatch's colour;
      // the status map's class under the lot (drawn only under lots in this extent) is no row any more.
      const landUse = texts.slice(
        texts.findIndex((d) => d.text === 'Sử dụng đất'),
        texts.findIndex((d) => d.text === 'Thửa đất'),
      );
      const landUseRows = landUse.filter((d) => /^[A-Z]{2,4} · /.test(d.text));
      expect(landUseRows.length).toBeGreaterThan(0);
      expect(landUseRows.map((d) => d.text)).not.toContainEqual(expect.stringMatching(new RegExp(`^${ac} · `)));
      for (const d of landUseRows) {
        const rgb = (await modeColour(page, d.x - 3 * mm, d.y - 1.1 * mm, 0.5 * mm)).rgb;
        expect(await framePixelsNear(page, frame, rgb, 10), `${d.text} ${rgb}`).toBeGreaterThan(mm * mm);
      }

      // The title block says the land use is not drawn inside the lots.
      const block = await page.locator('#print-summary .print-title-block li').allTextContents();
      expect(block).toContain('Trong các ô quy hoạch chỉ tô màu quy hoạch, không tô màu sử dụng đất bên dưới.');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 240_000);
});
