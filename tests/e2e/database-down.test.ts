// The map while the server cannot reach its database (restarting, its host down): every tile is
// answered 503 DATABASE_UNAVAILABLE, as server/plugins/errors.ts words it. The map must not be a
// blank box with nothing said: the notice over it says the server is not answering and that it is
// trying again, and once the database is back the map fills in by itself and the notice goes, with
// no reload and however long the outage lasted (the client's own retries of a 503 stop after four).
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { vi } from '../../web/src/i18n/vi.ts';
import { openPage, SCREENSHOTS, useServerAndBrowser, waitForMap } from './harness.ts';

const e2e = useServerAndBrowser();

/** A tile request (/tiles/{source}/{z}/{x}/{y}), not the TileJSON. */
const TILE = /\/tiles\/[^/]+\/\d+\/\d+\/\d+/;

/** The notice's text, or null while it is hidden. */
function notice(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const el = document.querySelector<HTMLElement>('.map-offline');
    return el && !el.hidden && el.getBoundingClientRect().height > 0 ? el.textContent : null;
  });
}

describe('the map while the database cannot be reached', () => {
  it('says the server is not answering and that it tries again, then fills in by itself once the database is back', async () => {
    const { page, context, errors } = await openPage(e2e.browser, 'desktop');
    let down = true;
    let refused = 0;
    await page.route(TILE, async (route) => {
      if (!down) return route.continue();
      refused++;
      await route.fulfill({
        status: 503,
        headers: { 'retry-after': '5', 'content-type': 'application/problem+json' },
        body: JSON.stringify({
          type: 'about:blank',
          title: 'Service Unavailable',
          status: 503,
          detail: 'The database cannot be reached right now; try again in a few seconds.',
          code: 'DATABASE_UNAVAILABLE',
        }),
      });
    });
    await page.goto(`${e2e.server.url}/`);
    await expect.poll(() => notice(page), { timeout: 60_000 }).toBe(vi.mapUnreachable);
    expect(refused).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'database-down-notice.png') });

    // Longer than the client's four retries of a refused tile (2 + 4 + 8 + 16 s after the first
    // refusal): the failed tiles of the view are asked for again every few seconds while the notice
    // shows, so the map still fills in by itself.
    await page.waitForTimeout(32_000);
    expect(await notice(page)).toBe(vi.mapUnreachable);
    down = false;
    await expect.poll(() => notice(page), { timeout: 60_000 }).toBeNull();
    await waitForMap(page);
    // Drawn: the map's sources hold tiles with data.
    const drawn = await page.evaluate(() => {
      const map = (window as unknown as { __bando: { map: { style: { tileManagers: Record<string, { getRenderableIds(): string[] }> } } } })
        .__bando.map;
      return Object.values(map.style.tileManagers).reduce((n, m) => n + m.getRenderableIds().length, 0);
    });
    expect(drawn).toBeGreaterThan(0);
    // The 503s were answered again with tiles: the harness keeps no trace of a refusal that recovered.
    expect(errors, errors.join('\n')).toEqual([]);
    await context.close();
  }, 180_000);
});
