// The map's own controls speak the page's language: tooltips and screen-reader labels of zoom,
// compass, locate and attribution, and the map's name, in Vietnamese by default and in English after
// the switch (MapLibre writes them in English unless told).
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openPage, useServerAndBrowser, waitForMap } from './harness.ts';

const e2e = useServerAndBrowser();

type Labels = Record<string, string | null>;
const labels = (page: Page): Promise<Labels> =>
  page.evaluate(() => {
    const of = (selector: string, attribute: string) => document.querySelector(selector)?.getAttribute(attribute) ?? null;
    return {
      zoomIn: of('.maplibregl-ctrl-zoom-in', 'aria-label'),
      zoomInTitle: of('.maplibregl-ctrl-zoom-in', 'title'),
      zoomOut: of('.maplibregl-ctrl-zoom-out', 'aria-label'),
      compass: of('.maplibregl-ctrl-compass', 'aria-label'),
      locate: of('.maplibregl-ctrl-geolocate', 'aria-label'),
      attribution: of('.maplibregl-ctrl-attrib-button', 'aria-label'),
      map: of('.maplibregl-canvas', 'aria-label'),
    };
  });

describe('the map controls’ words', () => {
  it('are Vietnamese by default and English after the switch, for tooltips and screen readers', async () => {
    const { page, context, errors } = await openPage(e2e.browser, 'desktop');
    await page.goto(e2e.server.url);
    await waitForMap(page);
    await page.waitForSelector('.maplibregl-ctrl-zoom-in', { timeout: 30_000 });
    await page.waitForSelector('.maplibregl-ctrl-attrib-button', { state: 'attached' });
    expect(await labels(page)).toEqual({
      zoomIn: 'Phóng to',
      zoomInTitle: 'Phóng to',
      zoomOut: 'Thu nhỏ',
      compass: 'Kéo để xoay bản đồ, bấm để đưa hướng bắc lên trên',
      locate: 'Tìm vị trí của tôi',
      attribution: 'Nguồn dữ liệu bản đồ',
      map: 'Bản đồ',
    });
    await page.click('#lang-toggle');
    await page.waitForFunction(() => document.querySelector('.maplibregl-ctrl-zoom-in')?.getAttribute('title') === 'Zoom in');
    expect(await labels(page)).toEqual({
      zoomIn: 'Zoom in',
      zoomInTitle: 'Zoom in',
      zoomOut: 'Zoom out',
      compass: 'Drag to rotate the map, click to put north up',
      locate: 'Find my location',
      attribution: 'Map data sources',
      map: 'Map',
    });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('say a refused position in the user’s words, with what to do, not the browser’s English', async () => {
    // No permission granted: the headless browser refuses the position as a user saying no would.
    const { page, context } = await openPage(e2e.browser, 'phone');
    await page.goto(e2e.server.url);
    await waitForMap(page);
    await page.waitForSelector('.maplibregl-ctrl-geolocate:not([disabled])', { timeout: 30_000 });
    await page.click('.maplibregl-ctrl-geolocate');
    const toast = page.locator('.toast-error', { hasText: 'Trang chưa được phép dùng vị trí của máy' });
    await toast.waitFor({ timeout: 15_000 });
    expect(await toast.innerText()).toContain('cài đặt trang của trình duyệt');
    expect(await toast.innerText()).not.toMatch(/denied|Geolocation/i);
    await context.close();
  });
});
