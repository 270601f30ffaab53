// What a planner reads on the printed page and an officer on a 360 px phone: the scale bar on an
// opaque backing (no map label shows through it), the north arrow's letter inside its disc, the
// zoning plan named once with its scale once, and an English inspection choice inside its segment;
// a farmer's active tab on one line and the diary fold titled once.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ACCOUNTS, openPage, SCREENSHOTS, gotoSignedIn, useServerAndBrowser, waitForMap } from './harness.ts';
import { areaUnderInspection, inspectionOnPhone } from './registry-fixtures.ts';

const env = useServerAndBrowser();

/** A growing area's name of 120 characters, with diacritics. */
const LONG_TITLE =
  'Vùng trồng xoài cát Chu xuất khẩu của Hợp tác xã Nông nghiệp Dịch vụ Mỹ Xương, ấp Tân Hậu, xã Tân Thuận, Đồng Tháp mới 2';

type Drawn = { text: string; x: number; y: number; left: number; right: number; ascent: number; descent: number };
type Arc = { x: number; y: number; r: number };

/** Records, on the print's page canvas, every text drawn (where, and its inked box) and every circle, in device pixels. */
async function recordPage(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __page?: HTMLCanvasElement; __texts: unknown[]; __arcs: unknown[] };
    w.__texts = [];
    w.__arcs = [];
    const onPage = (ctx: CanvasRenderingContext2D) => ctx.canvas instanceof HTMLCanvasElement && ctx.canvas.width > 1500;
    const fillText = CanvasRenderingContext2D.prototype.fillText;
    CanvasRenderingContext2D.prototype.fillText = function (text: string, x: number, y: number, maxWidth?: number) {
      if (onPage(this)) {
        w.__page = this.canvas;
        const m = this.getTransform();
        const box = this.measureText(text);
        w.__texts.push({
          text: String(text),
          x: m.a * x + m.c * y + m.e,
          y: m.b * x + m.d * y + m.f,
          left: box.actualBoundingBoxLeft,
          right: box.actualBoundingBoxRight,
          ascent: box.actualBoundingBoxAscent,
          descent: box.actualBoundingBoxDescent,
        });
      }
      return maxWidth === undefined ? fillText.call(this, text, x, y) : fillText.call(this, text, x, y, maxWidth);
    };
    const arc = CanvasRenderingContext2D.prototype.arc;
    CanvasRenderingContext2D.prototype.arc = function (x: number, y: number, r: number, a0: number, a1: number, ccw?: boolean) {
      if (onPage(this)) {
        const m = this.getTransform();
        w.__arcs.push({ x: m.a * x + m.c * y + m.e, y: m.b * x + m.d * y + m.f, r: r * Math.hypot(m.a, m.b) });
      }
      return arc.call(this, x, y, r, a0, a1, ccw);
    };
  });
}

/** Pixels of the page canvas in a box (device pixels): how many there are, and how many are not white or not grey. */
function pagePixels(
  page: Page,
  box: { x0: number; y0: number; x1: number; y1: number },
): Promise<{ total: number; notWhite: number; coloured: number }> {
  return page.evaluate(({ x0, y0, x1, y1 }) => {
    const canvas = (window as unknown as { __page: HTMLCanvasElement }).__page;
    const x = Math.round(x0);
    const y = Math.round(y0);
    const data = canvas.getContext('2d')!.getImageData(x, y, Math.round(x1) - x, Math.round(y1) - y).data;
    let notWhite = 0;
    let coloured = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
      if (r < 250 || g < 250 || b < 250) notWhite++;
      if (Math.max(r, g, b) - Math.min(r, g, b) > 12) coloured++;
    }
    return { total: data.length / 4, notWhite, coloured };
  }, box);
}

describe('the printed page', () => {
  it('backs the scale bar opaquely, keeps the north arrow’s letter in its disc and names the zoning plan once, its scale once', async () => {
    const { page, context, errors } = await openPage(env.browser, 'desktop');
    try {
      await recordPage(page);
      const { rows } = await env.server.db.query<{ lon: number; lat: number }>(
        `SELECT ST_X(c) lon, ST_Y(c) lat FROM (SELECT ST_PointOnSurface(geom) c FROM zoning_lots WHERE lot_code = 'CQ-07') s`,
      );
      const { lon, lat } = rows[0]!;
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.goto(`${env.server.url}/#c=${lon},${lat},16&l=zones,parcels,roads,admin`);
      await waitForMap(page);
      await page.click('[data-tab=tools]');
      await page.click('#print-open');
      await page.selectOption('#print-dialog select[name=orientation]', 'portrait');
      // A growing area's name of 120 characters as the title: it must stay on the page.
      await page.fill('#print-dialog input[name=title]', LONG_TITLE);
      const [png] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.click('#print-png')]);
      await png.saveAs(path.join(SCREENSHOTS, 'print-marks-portrait.png'));
      const texts = await page.evaluate(() => (window as unknown as { __texts: Drawn[] }).__texts);
      const arcs = await page.evaluate(() => (window as unknown as { __arcs: Arc[] }).__arcs);
      const mm = 200 / 25.4;

      // The scale bar: under the bar, from left of its "0" to past the 1 : N fraction, every pixel is white…
      const zero = texts.findIndex((d) => d.text === '0');
      expect(zero).toBeGreaterThanOrEqual(0);
      const fraction = texts.slice(zero).find((d) => /^Tỉ lệ 1:[\d.]+$/.test(d.text))!;
      const bar = texts[zero]!.y + mm; // the bar's top edge, 1 mm under its labels' baseline
      const strip = { x0: texts[zero]!.x - 1.2 * mm, y0: bar + 2.2 * mm, x1: fraction.x + fraction.right + 1.5 * mm, y1: bar + 3.6 * mm };
      const under = await pagePixels(page, strip);
      expect(under.total).toBeGreaterThan(1000);
      expect(under.notWhite).toBe(0);
      // …while just above the backing the map is drawn (so a see-through backing would have shown it).
      const above = await pagePixels(page, { ...strip, y0: bar - 7.5 * mm, y1: bar - 5.5 * mm });
      expect(above.coloured).toBeGreaterThan(above.total / 10);

      // The north arrow's letter: its inked box inside the disc, and around it only the disc (no map colours).
      const letter = texts.find((d) => d.text === 'B')!;
      const disc = arcs.find((a) => Math.hypot(a.x - letter.x, a.y - letter.y) < a.r)!;
      expect(disc).toBeDefined();
      const box = { x0: letter.x - letter.left, x1: letter.x + letter.right, y0: letter.y - letter.ascent, y1: letter.y + letter.descent };
      for (const [x, y] of [
        [box.x0, box.y0],
        [box.x1, box.y0],
        [box.x0, box.y1],
        [box.x1, box.y1],
      ] as const) {
        expect(Math.hypot(x - disc.x, y - disc.y)).toBeLessThan(disc.r - 0.3 * mm);
      }
      const aroundLetter = await pagePixels(page, {
        x0: box.x0 - 0.5 * mm,
        y0: box.y0 - 0.5 * mm,
        x1: box.x1 + 0.5 * mm,
        y1: box.y1 + 0.5 * mm,
      });
      expect(aroundLetter.coloured).toBe(0);

      // The long title: set on two lines inside the page's margins and above the map's frame, cut with '…'
      // only at its end (whole letters), and nothing drawn on the page runs past its right edge.
      const pageBox = await page.evaluate(() => {
        const canvas = (window as unknown as { __page: HTMLCanvasElement }).__page;
        return { w: canvas.width, h: canvas.height };
      });
      const titleLines = texts.slice(0, 2);
      expect(LONG_TITLE.startsWith(titleLines[0]!.text)).toBe(true);
      expect(LONG_TITLE.includes(titleLines[1]!.text.replace(/…$/, ''))).toBe(true);
      for (const line of titleLines) {
        expect(line.x - line.left).toBeGreaterThanOrEqual(10 * mm - 1);
        expect(line.x + line.right).toBeLessThanOrEqual(pageBox.w - 10 * mm);
        expect(line.y + line.descent).toBeLessThan(24 * mm);
        expect(line.y - line.ascent).toBeGreaterThan(0);
      }
      for (const d of texts) expect(d.x + d.right, d.text).toBeLessThanOrEqual(pageBox.w);

      // The title block names the plan once, and its scale once, spelled "tỉ lệ".
      const block = await page.locator('#print-summary .print-title-block li').allTextContents();
      const planLines = block.filter((l) => l.includes('khu trung tâm thành phố Cao Lãnh'));
      expect(planLines).toHaveLength(1);
      expect(planLines[0]!.match(/Quy hoạch phân khu/g)).toHaveLength(1);
      expect(planLines[0]!.match(/1\/2000/g)).toHaveLength(1);
      const printed = texts.map((d) => d.text).join(' ');
      expect(printed.match(/khu trung tâm thành phố Cao Lãnh/g)).toHaveLength(1);
      expect(printed).not.toMatch(/tỷ lệ/i);
      expect(printed).toContain('Quy hoạch phân khu tỉ lệ 1/2000 khu trung tâm');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('a 360 px phone in English', () => {
  it('keeps “No conclusion yet” inside its segment of the inspection form, on one line', async () => {
    const area = await areaUnderInspection(env.server);
    const { page, context, errors } = await inspectionOnPhone(env.browser, env.server, area);
    try {
      await page.click('#lang-toggle');
      const segment = page.locator('#inspection-conclusion label', { hasText: 'No conclusion yet' });
      await segment.waitFor();
      await segment.scrollIntoViewIfNeeded();
      const fit = await segment.evaluate((label) => {
        const span = label.querySelector('span')!;
        const range = document.createRange();
        range.selectNodeContents(span);
        const text = range.getBoundingClientRect();
        const box = span.getBoundingClientRect();
        const row = label.parentElement!.getBoundingClientRect();
        const lineHeight = parseFloat(getComputedStyle(span).lineHeight) || parseFloat(getComputedStyle(span).fontSize) * 1.4;
        return { text, box, row, lineHeight, lines: range.getClientRects().length };
      });
      expect(fit.text.left).toBeGreaterThanOrEqual(fit.box.left);
      expect(fit.text.right).toBeLessThanOrEqual(fit.box.right);
      expect(fit.text.top).toBeGreaterThanOrEqual(fit.box.top);
      expect(fit.text.bottom).toBeLessThanOrEqual(fit.box.bottom);
      expect(fit.box.right).toBeLessThanOrEqual(fit.row.right + 0.5);
      expect(fit.text.height).toBeLessThan(fit.lineHeight * 1.5);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'print-marks-phone-conclusion.png') });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('a farmer on a 360 px phone', () => {
  it('reads the active “Thửa của tôi” tab on one line, and “Nhật ký canh tác” once in an opened diary fold', async () => {
    const { page, context, errors } = await openPage(env.browser, 'phone');
    try {
      await page.setViewportSize({ width: 360, height: 740 });
      await gotoSignedIn(page, `${env.server.url}/`, ACCOUNTS.farmer);
      await page.waitForSelector('.plot-item');
      const tabs = await page.locator('.tabs .tab').evaluateAll((buttons) =>
        buttons.map((b) => {
          const label = b.querySelector('.tab-label')!;
          const range = document.createRange();
          range.selectNodeContents(label);
          const box = b.getBoundingClientRect();
          return {
            text: label.textContent,
            active: b.classList.contains('is-active'),
            lines: new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size,
            left: box.left,
            right: box.right,
            textRight: range.getBoundingClientRect().right,
          };
        }),
      );
      const mine = tabs.find((tab) => tab.text === 'Thửa của tôi')!;
      expect(mine.active).toBe(true);
      for (const tab of tabs) {
        expect(tab.lines, tab.text!).toBe(1);
        expect(tab.textRight, tab.text!).toBeLessThanOrEqual(tab.right);
        expect(tab.right).toBeLessThanOrEqual(360);
      }

      const disclosure = page.locator('.plot-diary-disclosure').first();
      await disclosure.locator('summary').click();
      await disclosure.locator('.plot-diary .diary-context').waitFor();
      const said = await disclosure.evaluate(
        (el) => (el as HTMLElement).innerText.split('\n').filter((line) => line.trim() === 'Nhật ký canh tác').length,
      );
      expect(said).toBe(1);
      await disclosure.scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(SCREENSHOTS, 'print-marks-farmer-tabs.png') });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
