// An edit made while the map looks elsewhere. MapLibre keeps the tiles of a view it left, to draw
// them at once when the map goes back there, and draws that copy as it was: the change feed
// (change-feed.ts) refreshes the tiles the map holds in view, so a parcel a colleague (or a script
// in the database) changed while this user was looking at another ward came back without the
// change, until the next edit there. The kept copies an edit touches are forgotten when the feed
// tells of it.
import { describe, expect, it } from 'vitest';
import { openPage, useServerAndBrowser, waitForMap, type BandoWindow } from './harness.ts';

const e2e = useServerAndBrowser();

describe('an edit made while the map looks elsewhere', () => {
  it('is drawn when the map comes back there, not the copy it kept of the place', async () => {
    const { page, context, errors } = await openPage(e2e.browser, 'desktop');
    const parcel = (
      await e2e.server.db.query<{ id: number; lon: number; lat: number; area: number }>(
        `SELECT id, ST_X(ST_PointOnSurface(geom)) lon, ST_Y(ST_PointOnSurface(geom)) lat, legal_area_m2 AS area
           FROM parcels ORDER BY id LIMIT 1 OFFSET 500`,
      )
    ).rows[0]!;
    const here = `${Number(parcel.lon).toFixed(6)},${Number(parcel.lat).toFixed(6)}`;
    try {
      await page.goto(`${e2e.server.url}/#c=${here},17&l=parcels`);
      await waitForMap(page);
      const area = () =>
        page.evaluate(
          (id) => (window as unknown as BandoWindow).__bando.handle.findRendered('parcels', id)[0]?.properties.legal_area_m2,
          parcel.id,
        );
      expect(await area()).toBe(Number(parcel.area));

      // Away, about 2 km (ten tiles at z17): the parcel's tiles are kept, out of view.
      const away: [number, number] = [Number(parcel.lon) + (Number(parcel.lon) > 105.63 ? -0.02 : 0.02), Number(parcel.lat)];
      await page.evaluate((center) => (window as unknown as BandoWindow).__bando.map.jumpTo({ center }), away);
      await waitForMap(page);
      expect(await area()).toBeUndefined();

      // The parcel changes in the database; the page hears of it from the feed (every 5 s).
      const told: number[] = [];
      page.on('response', async (response) => {
        if (new URL(response.url()).pathname !== '/api/changes' || !response.ok()) return;
        const body = (await response.json().catch(() => undefined)) as { changes?: { sources: string[] }[] } | undefined;
        if (body?.changes?.some((c) => c.sources.includes('parcels'))) told.push(Date.now());
      });
      await e2e.server.db.query(`UPDATE parcels SET legal_area_m2 = 98765 WHERE id = $1`, [parcel.id]);
      await expect.poll(() => told.length, { timeout: 20_000, interval: 250 }).toBeGreaterThan(0);

      // Back: the parcel is drawn as it is now, from a tile asked for again.
      const asked: string[] = [];
      page.on('request', (request) => {
        if (/^\/tiles\//.test(new URL(request.url()).pathname)) asked.push(request.url());
      });
      await page.evaluate((center) => (window as unknown as BandoWindow).__bando.map.jumpTo({ center }), [
        Number(parcel.lon),
        Number(parcel.lat),
      ] as [number, number]);
      await waitForMap(page);
      expect(await area()).toBe(98765);
      expect(asked.length).toBeGreaterThan(0);
      expect(errors).toEqual([]);
    } finally {
      await e2e.server.db.query(`UPDATE parcels SET legal_area_m2 = $2 WHERE id = $1`, [parcel.id, parcel.area]);
      await context.close();
    }
  });
});
