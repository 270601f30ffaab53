// The editor's live line warns of a drawing over a saved plot before the save, as the server would
// refuse it (more than 1 m² shared with another plot): the plot is named with the m² shared, the
// Save button is off, and nothing reaches the plots table; moved off, the line reads "✓ Hợp lệ". A
// saved plot opened for editing is no overlap of itself.
import path from 'node:path';
import type { Polygon } from 'geojson';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { en } from '../../web/src/i18n/en.ts';
import { vi } from '../../web/src/i18n/vi.ts';
import { openPage, SCREENSHOTS, screenPoint, type BandoWindow, useServerAndBrowser } from './harness.ts';
import { openEditorAt } from './registry-fixtures.ts';

type LonLat = [number, number];
type Win = BandoWindow & {
  __bandoEditor?: { session: { polygons(): { id: string; drawing: boolean }[]; replace(id: string, g: Polygon): void } };
};

const WARD = '29869';
const e2e = useServerAndBrowser();

/** A saved plot of the ward, a 30 m square on it, and the same square moved onto free ground nearby. */
let plot: { id: number; at: LonLat };
let over: LonLat[];
let off: LonLat[];
/** What PostGIS says the square over the plot shares with each plot, as the server's check measures it. */
let shared: { id: number; m2: number; farmer: string | null }[];

/** The corners of a square of about 30 m centred on a point (open ring). */
function squareAround([lon, lat]: LonLat): LonLat[] {
  const d = 0.000135;
  return [
    [lon - d, lat - d],
    [lon + d, lat - d],
    [lon + d, lat + d],
    [lon - d, lat + d],
  ];
}
const closed = (corners: LonLat[]): Polygon => ({ type: 'Polygon', coordinates: [[...corners, corners[0]!]] });
const wkt = (corners: LonLat[]) => `POLYGON((${[...corners, corners[0]!].map((p) => `${p[0]} ${p[1]}`).join(',')}))`;

beforeAll(async () => {
  // A plot wide enough to hold a good part of the square, with free ground within 150 m.
  const { rows } = await e2e.server.db.query<{ id: number; lon: number; lat: number }>(
    `SELECT p.id, ST_X(ST_PointOnSurface(p.geom)) lon, ST_Y(ST_PointOnSurface(p.geom)) lat
       FROM plots p WHERE p.commune_code = $1 AND ST_Area(p.geom::geography) > 600 ORDER BY p.id LIMIT 20`,
    [WARD],
  );
  for (const r of rows) {
    const at: LonLat = [Number(r.lon), Number(r.lat)];
    const free = await e2e.server.db.query<{ dx: number; dy: number }>(
      `SELECT dx, dy FROM generate_series(-0.0012, 0.0012, 0.0003) dx, generate_series(-0.0012, 0.0012, 0.0003) dy,
              LATERAL (SELECT ST_Translate(ST_GeomFromText($1, 4326), dx, dy) g) s,
              admin_units w
        WHERE w.code = $2 AND w.valid_to IS NULL AND ST_Within(s.g, w.geom)
          AND NOT EXISTS (SELECT 1 FROM plots x WHERE ST_DWithin(x.geom, s.g, 0.00005))
        ORDER BY abs(dx) + abs(dy) LIMIT 1`,
      [wkt(squareAround(at)), WARD],
    );
    const move = free.rows[0];
    if (!move) continue;
    plot = { id: Number(r.id), at };
    over = squareAround(at);
    off = over.map(([x, y]) => [x + Number(move.dx), y + Number(move.dy)]);
    const measured = await e2e.server.db.query<{ id: number; m2: number; farmer: string | null }>(
      `SELECT o.id, ST_Area(ST_Intersection(o.geom, g)::geography) m2, fp.full_name AS farmer
         FROM plots o LEFT JOIN farmer_private fp ON fp.farmer_id = o.farmer_id, (SELECT ST_GeomFromText($1, 4326) g) s
        WHERE ST_Intersects(o.geom, g) ORDER BY o.id`,
      [wkt(over)],
    );
    shared = measured.rows.map((m) => ({ id: Number(m.id), m2: Number(m.m2), farmer: m.farmer })).filter((m) => m.m2 > 1);
    return;
  }
  throw new Error(`no plot of ward ${WARD} with free ground beside it`);
});

const text = (page: Page, selector: string) => page.locator(selector).innerText();
const plotCount = async () => Number((await e2e.server.db.query<{ n: number }>('SELECT count(*) n FROM plots')).rows[0]!.n);

/**
 * The m² the live line gives each plot, in the line's (id) order: "thửa của Trần Thanh Nhung trên tờ 6
 * thửa 120, xã/phường 29890 (1.234,5 m²)" in Vietnamese, "… (1,234.5 m²)" in English.
 */
function m2Listed(line: string, lang: 'vi' | 'en'): number[] {
  return [...line.matchAll(/\(([\d.,]+) m²\)/g)].map((m) =>
    Number(lang === 'vi' ? m[1]!.replace(/\./g, '').replace(',', '.') : m[1]!.replace(/,/g, '')),
  );
}

describe('the editor’s live check of overlaps with saved plots', () => {
  it('names the plot under a drawing with its m² and keeps Save off; moved off, the drawing is valid', async () => {
    expect(shared.map((s) => s.id)).toContain(plot.id);
    const before = await plotCount();
    const { page, context, errors } = await openPage(e2e.browser, 'desktop');
    // Once the neighbours to snap to (and check against) have arrived.
    await openEditorAt(page, e2e.server, plot.at, { snapTargets: true });
    // Snapping would pull the corners onto the neighbours' lines: the square is drawn as placed.
    await page.click('#tool-snap');

    // Drawn by pointer, corner by corner: the warning is there before the ring is closed.
    for (const corner of over) {
      const p = await screenPoint(page, corner);
      await page.mouse.click(p.x, p.y);
    }
    const line = page.locator('#live-validation');
    await page.waitForSelector('#live-validation[data-valid="false"]');
    // Named by its farmer (the officer of its ward may see them) and its parcel, never '#id' (audit s17).
    const farmerOf = shared.find((s) => s.id === plot.id)!.farmer;
    expect(farmerOf).toBeTruthy();
    expect(await text(page, '#live-validation')).toContain(`thửa của ${farmerOf} trên tờ `);
    expect(await text(page, '#live-validation')).not.toContain(`#${plot.id}`);
    const first = await screenPoint(page, over[0]!);
    await page.mouse.click(first.x, first.y);
    await page.waitForFunction(() => !(window as unknown as Win).__bandoEditor?.session.polygons().some((p) => p.drawing));

    // Closed: the line names every plot PostGIS finds under it by more than 1 m², with the m² it measures.
    await page.waitForSelector('#plot-save');
    await page.waitForSelector('#live-validation[data-valid="false"]');
    const said = await line.innerText();
    expect(said.startsWith('Chưa hợp lệ: Chồng lấn ')).toBe(true);
    expect(said).toContain(`thửa canh tác khác hơn 1 m²`);
    expect((await line.getAttribute('data-overlaps'))!.split(',').map(Number)).toEqual(shared.map((s) => s.id));
    const listed = m2Listed(said, 'vi');
    expect(listed).toHaveLength(shared.length);
    shared.forEach((s, i) => expect(Math.abs(listed[i]! - s.m2)).toBeLessThan(0.5));
    for (const s of shared) expect(said).toContain(`thửa của ${s.farmer} trên tờ `);
    expect(await line.getAttribute('class')).toBe('form-error');
    expect(await page.isDisabled('#plot-save')).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'desktop-overlap-warning.png') });

    // In English, from the same words as the server's refusal.
    await page.click('#lang-toggle');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    const english = await line.innerText();
    expect(
      english.startsWith(`Not valid yet: Overlaps ${shared.length} other plot${shared.length === 1 ? '' : 's'} by more than 1 m²: `),
    ).toBe(true);
    const listedEn = m2Listed(english, 'en');
    shared.forEach((s, i) => expect(Math.abs(listedEn[i]! - s.m2)).toBeLessThan(0.5));
    expect(english).toContain(`${farmerOf}’s plot on sheet `);
    expect(en.reasonPlotOverlaps).toContain('{list}');
    await page.click('#lang-toggle');
    await page.waitForFunction(() => document.documentElement.lang === 'vi');

    // Moved onto free ground: valid again, Save on.
    await page.evaluate((g) => {
      const { session } = (window as unknown as Win).__bandoEditor!;
      session.replace(session.polygons()[0]!.id, g);
    }, closed(off));
    await page.waitForSelector('#live-validation[data-valid="true"]');
    expect(await line.innerText()).toBe(`✓ ${vi.valid}`);
    expect(await line.getAttribute('data-overlaps')).toBe('');
    await page.waitForSelector('#plot-save:not([disabled])');

    // And back over the plot: off again (a change right after the last is checked too, a moment later).
    await page.evaluate((g) => {
      const { session } = (window as unknown as Win).__bandoEditor!;
      session.replace(session.polygons()[0]!.id, g);
    }, closed(over));
    await page.waitForSelector('#live-validation[data-valid="false"]');
    expect(await page.isDisabled('#plot-save')).toBe(true);

    expect(await plotCount()).toBe(before);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a saved plot opened for editing is no overlap of itself', async () => {
    const { page, context, errors } = await openPage(e2e.browser, 'desktop');
    await openEditorAt(page, e2e.server, plot.at, { layers: 'plots,roads', snapTargets: true });
    await page.click('#tool-select');
    const p = await screenPoint(page, plot.at);
    await page.mouse.click(p.x, p.y);
    await page.waitForSelector('#plot-save:not([disabled])');
    expect(await text(page, '#live-validation')).toBe(`✓ ${vi.valid}`);
    expect(errors).toEqual([]);
    await context.close();
  });
});
