// What the printed legend says about a land-use view with a parcel selected: each class once,
// the cyan selection outline named, legacy codes (BHK, LNQ) marked as legacy; and the PDF's
// words are text a reader can select and search (pdftotext finds them), not only pixels.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPage, SCREENSHOTS, useServerAndBrowser, waitForMap } from './harness.ts';

const env = useServerAndBrowser();

describe('the printed legend of a land-use view with a selected parcel', () => {
  it('lists each class once, names the selection outline, marks legacy codes, and the PDF holds its words as text', async () => {
    const { page, context, errors } = await openPage(env.browser, 'desktop');
    try {
      // A legacy-coded parcel (BHK) with LNQ and ODT parcels around it.
      const { rows } = await env.server.db.query<{ id: number; lon: number; lat: number }>(
        `SELECT b.id, ST_X(ST_PointOnSurface(b.geom)) lon, ST_Y(ST_PointOnSurface(b.geom)) lat
           FROM parcels b
          WHERE b.land_use_code = 'BHK'
          ORDER BY (SELECT count(*) FROM parcels l WHERE l.land_use_code = 'LNQ' AND ST_DWithin(l.geom::geography, b.geom::geography, 250)) > 0 DESC,
                   (SELECT count(*) FROM parcels l WHERE l.land_use_code = 'ODT' AND ST_DWithin(l.geom::geography, b.geom::geography, 250)) DESC
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
      expect(await onScreen.textContent()).toBe('BHKĐất bằng trồng cây hằng năm khác (mã cũ, nay là HNK)');
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
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 240_000);
});
