import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openPage, SCREENSHOTS, waitForMap, type BandoWindow, useServerAndBrowser } from './harness.ts';

const e2e = useServerAndBrowser();

type MapSize = { css: number; canvas: number; container: number; ratio: number };

/** The map's width three ways: the canvas on screen, MapLibre's drawing buffer, its container. */
function mapSize(page: Page): Promise<MapSize> {
  return page.evaluate(() => {
    const { map } = (window as unknown as BandoWindow).__bando;
    const canvas = document.querySelector<HTMLCanvasElement>('#map canvas')!;
    return {
      css: canvas.getBoundingClientRect().width,
      canvas: map.getCanvas().width,
      container: map.getContainer().getBoundingClientRect().width,
      ratio: map.getPixelRatio(),
    };
  });
}

/** Waits until MapLibre has followed its container (its ResizeObserver is throttled) and has redrawn. */
async function waitForMapWidth(page: Page, test: 'atLeast' | 'atMost', width: number): Promise<MapSize> {
  await page.waitForFunction(
    ([test, width]) => {
      const { map } = (window as unknown as BandoWindow).__bando;
      const css = map.getCanvas().getBoundingClientRect().width;
      const ok = test === 'atLeast' ? css >= width : css <= width;
      return ok && Math.abs(map.getCanvas().width - css * map.getPixelRatio()) < 1;
    },
    [test, width] as const,
    { timeout: 10_000 },
  );
  await waitForMap(page);
  return mapSize(page);
}

/** Map pixels unlike the style's background (#F4F1EA) in the canvas's left strip, read inside a frame. */
function paintedOnTheLeft(page: Page, cssWidth: number): Promise<number> {
  return page.evaluate(
    (cssWidth) =>
      new Promise<number>((resolve) => {
        const { map } = (window as unknown as BandoWindow).__bando;
        map.once('render', () => {
          const source = map.getCanvas();
          const width = Math.round(cssWidth * map.getPixelRatio());
          const canvas = document.createElement('canvas');
          canvas.width = width;
          canvas.height = source.height;
          const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
          ctx.drawImage(source, 0, 0);
          const data = ctx.getImageData(0, 0, width, source.height).data;
          let painted = 0;
          for (let i = 0; i < data.length; i += 4)
            if (Math.abs(data[i]! - 0xf4) + Math.abs(data[i + 1]! - 0xf1) + Math.abs(data[i + 2]! - 0xea) > 24) painted++;
          resolve(painted);
        });
        map.triggerRepaint();
      }),
    cssWidth,
  );
}

/** Where a place is drawn: its x in page pixels. */
function placeX(page: Page, place: [number, number]): Promise<number> {
  return page.evaluate((place) => {
    const { map } = (window as unknown as BandoWindow).__bando;
    return map.getContainer().getBoundingClientRect().left + map.project(place).x;
  }, place);
}

/** Every box inside the panel that is wider than the panel or sticks out of it. */
function boxesOutsidePanel(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const panel = document.getElementById('panel')!.getBoundingClientRect();
    const out: string[] = [];
    for (const el of document.querySelectorAll('#panel *')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (r.width > panel.width || r.left < panel.left - 0.5 || r.right > panel.right + 0.5)
        out.push(`${el.tagName.toLowerCase()}.${el.getAttribute('class') ?? ''} ${r.left}..${r.right}`);
    }
    return out;
  });
}

describe('the side panel on a desk (1280×800)', () => {
  it('closes to a slim rail that gives the map its width, and opens again on the tab it showed', async () => {
    const { page, context, errors } = await openPage(e2e.browser, 'desktop');
    // A wider desk than the harness's 1024 px: the strip the panel gives back holds the first view's parcels.
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${e2e.server.url}/`);
    await waitForMap(page);
    // The desk opens with the panel open; the user goes to the tools.
    await page.click('[data-tab=tools]');
    await page.waitForSelector('.tools-panel');
    const open = await mapSize(page);
    expect(open.css).toBeLessThan(1280 - 300);
    // Each tab's name stands on one line ("Lớp bản đồ", "Thửa của tôi" used to break over two).
    const lines = await page.$$eval('#panel .tab .tab-label', (labels) =>
      labels.map((l) => Math.round(l.getBoundingClientRect().height / parseFloat(getComputedStyle(l).lineHeight))),
    );
    expect(lines).toEqual([1, 1, 1, 1]);
    // A place on the right of the map, which stays in view whether the panel is open or not.
    const place = await page.evaluate(() => {
      const { map } = (window as unknown as BandoWindow).__bando;
      const p = map.unproject([map.getContainer().clientWidth * 0.75, 300]);
      return [p.lng, p.lat] as [number, number];
    });
    const placeOpen = await placeX(page, place);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'desktop-panel-open.png') });

    // Closed from the keyboard: the button says what it does and keeps the focus.
    const toggle = page.locator('#panel .panel-toggle');
    expect(await toggle.getAttribute('aria-label')).toBe('Thu gọn bảng bên');
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    expect(await toggle.getAttribute('aria-controls')).toBe('panel-body');
    await toggle.focus();
    await page.keyboard.press('Enter');
    const closed = await waitForMapWidth(page, 'atLeast', 1280 - 70);
    // What the user looked at stays where it was on the screen (MapLibre alone keeps the centre,
    // which slides the view by half the panel's width).
    expect(Math.abs((await placeX(page, place)) - placeOpen)).toBeLessThanOrEqual(1.5);
    expect(closed.css).toBeGreaterThanOrEqual(1280 - 70);
    expect(closed.container).toBeGreaterThanOrEqual(1280 - 70);
    expect(closed.canvas).toBe(Math.round(closed.css * closed.ratio));
    const rail = (await page.locator('#panel').boundingBox())!;
    expect(rail.width).toBeLessThanOrEqual(64);
    expect(rail.height).toBeGreaterThan(700);
    expect(await boxesOutsidePanel(page)).toEqual([]);
    expect(await page.isVisible('#panel-body')).toBe(false);
    const focused = await page.evaluate(() => ({
      label: document.activeElement?.getAttribute('aria-label'),
      expanded: document.activeElement?.getAttribute('aria-expanded'),
    }));
    expect(focused).toEqual({ label: 'Mở bảng bên', expanded: 'false' });
    // The rail: every tab with its icon and short Vietnamese name, none marked as shown.
    const tabs = await page.$$eval('#panel .tab', (buttons) =>
      buttons.map((b) => ({
        tab: (b as HTMLElement).dataset['tab'],
        // What is seen: the short name; the full one is only for screen readers and the tooltip.
        text: b.querySelector<HTMLElement>('.tab-short')!.innerText,
        fullHidden: b.querySelector('.tab-label')!.getBoundingClientRect().width <= 1,
        icon: (b.querySelector('svg')?.getBoundingClientRect().width ?? 0) > 0,
        pressed: b.getAttribute('aria-pressed'),
        height: b.getBoundingClientRect().height,
      })),
    );
    expect(tabs.map((t) => [t.tab, t.text, t.fullHidden, t.icon, t.pressed])).toEqual([
      ['layers', 'Lớp', true, true, 'false'],
      ['details', 'Thông tin', true, true, 'false'],
      ['mine', 'Thửa', true, true, 'false'],
      ['tools', 'Công cụ', true, true, 'false'],
    ]);
    for (const tab of tabs) expect(tab.height).toBeGreaterThanOrEqual(44);
    // The strip the panel gave back is map: drawn at the new size, not an empty band.
    expect(await paintedOnTheLeft(page, 280)).toBeGreaterThan(2000);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'desktop-panel-closed.png') });

    // Opened again (still from the keyboard): the tools the user left, and the map gives the width back.
    await page.keyboard.press('Enter');
    await page.waitForSelector('.tools-panel', { state: 'visible' });
    expect(await page.getAttribute('[data-tab=tools]', 'aria-pressed')).toBe('true');
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    const reopened = await waitForMapWidth(page, 'atMost', open.css);
    expect(reopened.css).toBe(open.css);
    expect(reopened.canvas).toBe(open.canvas);
    expect(Math.abs((await placeX(page, place)) - placeOpen)).toBeLessThanOrEqual(1.5);

    // A tab of the rail opens the panel on that tab.
    await toggle.click();
    await waitForMapWidth(page, 'atLeast', 1280 - 70);
    await page.click('[data-tab=layers]');
    await page.waitForSelector('.layer-panel', { state: 'visible' });
    expect(await page.getAttribute('[data-tab=layers]', 'aria-pressed')).toBe('true');
    expect((await waitForMapWidth(page, 'atMost', open.css)).css).toBe(open.css);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('names the rail in English when the interface is in English', async () => {
    const { page, context, errors } = await openPage(e2e.browser, 'desktop');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${e2e.server.url}/#lang=en`);
    await waitForMap(page);
    await page.click('#panel .panel-toggle');
    await waitForMapWidth(page, 'atLeast', 1280 - 70);
    expect(await page.getAttribute('#panel .panel-toggle', 'aria-label')).toBe('Open side panel');
    expect(await page.$$eval('#panel .tab-short', (names) => names.map((n) => (n as HTMLElement).innerText))).toEqual([
      'Layers',
      'Details',
      'Plots',
      'Tools',
    ]);
    // The full names stay the buttons' accessible names and tooltips.
    expect(await page.getAttribute('[data-tab=mine]', 'title')).toBe('My plots');
    expect(await page.locator('[data-tab=mine] .tab-label').textContent()).toBe('My plots');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'desktop-panel-closed-en.png') });
    // Switching back to Vietnamese relabels the closed rail.
    await page.click('#lang-toggle');
    expect(await page.getAttribute('#panel .panel-toggle', 'aria-label')).toBe('Mở bảng bên');
    expect(await page.locator('[data-tab=layers] .tab-short').innerText()).toBe('Lớp');
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('the side panel on a phone (393×851)', () => {
  it('stays a bottom bar of text tabs over a full-width map, with no rail and no collapse button', async () => {
    const { page, context, errors } = await openPage(e2e.browser, 'phone');
    await page.goto(`${e2e.server.url}/`);
    await waitForMap(page);
    const size = await mapSize(page);
    expect(size.css).toBe(393);
    expect(size.container).toBe(393);
    expect(await page.locator('#panel.is-open').count()).toBe(0);
    const bar = (await page.locator('#panel .tabs').boundingBox())!;
    expect(bar.width).toBe(393);
    expect(bar.y + bar.height).toBeGreaterThan(851 - 2);
    expect(await page.$$eval('#panel .tab', (buttons) => buttons.map((b) => (b as HTMLElement).innerText.trim()))).toEqual([
      'Lớp bản đồ',
      'Thông tin',
      'Thửa của tôi',
      'Công cụ',
    ]);
    expect(await page.isVisible('#panel .panel-toggle')).toBe(false);
    expect(
      await page.locator('#panel .tab-icon').evaluateAll((icons) => icons.filter((i) => i.getBoundingClientRect().width > 0).length),
    ).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'phone-panel-closed.png') });
    // A tab opens the bottom sheet over the map (the map keeps its size), the same tab closes it.
    await page.click('[data-tab=layers]');
    await page.waitForSelector('.layer-panel', { state: 'visible' });
    expect((await mapSize(page)).css).toBe(393);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'phone-panel-open.png') });
    await page.click('[data-tab=layers]');
    await page.waitForSelector('.layer-panel', { state: 'hidden' });
    expect((await mapSize(page)).css).toBe(393);
    expect(errors).toEqual([]);
    await context.close();
  });
});
