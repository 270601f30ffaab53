// Browser tests: the real server in-process on a seeded test database, the built client, and
// Debian's Chromium driven by playwright-core (never a downloaded browser).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { chromium, type Browser, type BrowserContext, type Page, type Request } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import type { Db } from '../../server/db/index.ts';
import type { MapHandle } from '../../web/src/map/create-map.ts';
import type { LayerControl } from '../../web/src/map/layer-groups.ts';
import { openTestDb } from '../helpers/test-db.ts';

/** What the client exposes on window for the browser tests. */
export type BandoWindow = { __bando: { map: MapLibreMap; control: LayerControl; handle: MapHandle } };

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Chromium's flags for a headless run without a GPU (SwiftShader renders WebGL on the CPU). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  // No optimising compilers for the pages' JavaScript (V8's Maglev and TurboFan): a test page lives
  // for seconds, too short for optimised code to repay its compiling, which takes CPU the 2-core CI
  // machine has none of to spare (a page load and a zoom: ~6 CPU-s of the renderer with them, ~4
  // without). What the code does is the same at every tier; only a user's long session is faster.
  '--js-flags=--no-opt --no-maglev',
];

/**
 * Viewports of the two kinds of users: a desk and a cheap phone. The desk is the narrowest desktop
 * layout users have, a tablet in landscape or a small laptop (1024 × 768): what fits there fits on a
 * wider screen (the editor's card once hid the middle of the map there), and SwiftShader draws 23 %
 * fewer pixels than at 1280 × 800 (a page load and a zoom: ~8.5 against ~6.5 CPU-s of Chromium).
 * The phone's screen is drawn at one device pixel per CSS pixel, not the 2 of most phones: what the
 * tests read (layout and tap targets in CSS pixels, the map's features and colours) is the same at
 * either density, and SwiftShader draws every frame on the CPU, where twice the density is four
 * times the pixels (a settled repaint
 * of the phone's map: ~117 ms of GPU-process CPU at 2, ~40 ms at 1; crosshair and phone tests
 * together: 177 against 129 CPU-s). map.test's first phone test draws at 2 as well (openPage's density).
 */
export const VIEWPORTS = {
  desktop: { viewport: { width: 1024, height: 768 }, deviceScaleFactor: 1, isMobile: false, hasTouch: false },
  phone: { viewport: { width: 393, height: 851 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true },
} as const;

/** The sample accounts of the seed (README: for local use only). */
export const ACCOUNTS = {
  officer: { username: 'officer', password: 'officer-bando-2026' },
  farmer: { username: 'farmer', password: 'farmer-bando-2026' },
  admin: { username: 'admin', password: 'admin-bando-2026' },
  planner: { username: 'planner', password: 'planner-bando-2026' },
} as const;

/** A running server on a fresh copy of the seeded database, with its own folder of uploaded files. */
export type TestServer = { url: string; db: Db; uploadDir: string; close(): Promise<void> };

/** Starts the whole app on an ephemeral port (the browser needs a real socket, not inject); `env` adds settings such as IMPORT_MAX_MB. */
export async function startServer(env: Record<string, string> = {}): Promise<TestServer> {
  const db = await openTestDb();
  // Test files run at once, each on its own copy of the seed (so the same ids): a shared upload
  // folder would mix one file's photos into another's count.
  const uploadDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'bando-e2e-uploads-'));
  const config = loadConfig({ LOG_LEVEL: 'warn', TILE_CACHE_MB: '64', UPLOAD_DIR: uploadDir, ...env }, ROOT);
  const app = await buildApp({ config, db, ready: { value: true } }, { logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    db,
    uploadDir: config.uploadDir,
    async close() {
      await app.close();
      await db.close();
      await fs.promises.rm(uploadDir, { recursive: true, force: true });
    },
  };
}

/**
 * Chromium features the tests turn off. Headless Chromium 156 starts, for every browser context, a
 * renderer process of its own for the address bar's suggestion popup (chrome://omnibox-popup.top-chrome,
 * a WebUI no test ever sees), and keeps a spare renderer warm for the next navigation: two processes
 * more per context, each a start-up of a renderer on CPUs the tests need. Playwright passes its own
 * --disable-features, and the last one on the command line wins, so its list (playwright-core's
 * chromiumSwitches.ts) is repeated first.
 */
const DISABLED_FEATURES = [
  'AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose',
  'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay',
  'MediaRouter',
  'PaintHolding',
  'ThirdPartyStoragePartitioning',
  'AvoidCorsURLLoaderRestartOnRedirect',
  'TcpPortRandomizationWin',
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'AimEnabled',
  'PreconnectToSearch',
  'msForceBrowserSignIn',
  'msEdgeUpdateLaunchServicesPreferredVersion',
  'WebUIOmniboxPopup',
  'WebUIOmniboxAimPopup',
  'WebUIOmniboxFullPopup',
  'SpareRendererForSitePerProcess',
];

let sharedBrowser: Promise<Browser> | undefined;

/**
 * Debian's Chromium, one per test worker: the browser test files of a worker run one after another
 * in one process (vitest.config.ts, isolate: false), and starting Chromium and its GPU process again
 * for each of ~100 files was CPU that a 2-core CI machine spends on nothing else. Each file still
 * gets fresh pages: a test opens its own browser context (own cookies, storage, service workers and
 * renderer process), and the returned browser's close() closes the contexts that are open, not
 * Chromium. A browser that crashed or was disconnected is launched again for the next file.
 */
export async function launchBrowser(): Promise<Browser> {
  let browser = sharedBrowser ? await sharedBrowser.catch(() => undefined) : undefined;
  if (!browser?.isConnected()) {
    sharedBrowser = chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [...CHROMIUM_ARGS, `--disable-features=${DISABLED_FEATURES.join(',')}`],
    });
    browser = await sharedBrowser;
  }
  const real = browser;
  return new Proxy(real, {
    get(target, key) {
      if (key === 'close')
        return async () => void (await Promise.all(target.contexts().map((context) => context.close().catch(() => undefined))));
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** The seeded server and the browser of one test file. */
export type ServerAndBrowser = { server: TestServer; browser: Browser };

/**
 * Starts a seeded server and Chromium before the file's tests (and makes the screenshots folder)
 * and closes both after them. The object is filled in when they have started: read its fields in
 * hooks and tests, not while the file is collected.
 */
export function useServerAndBrowser(env: Record<string, string> = {}): ServerAndBrowser {
  const started: Partial<ServerAndBrowser> = {};
  beforeAll(async () => {
    [started.server, started.browser] = await Promise.all([startServer(env), launchBrowser()]);
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await started.browser?.close();
    await started.server?.close();
  });
  return started as ServerAndBrowser;
}

/** A page that records console errors and page errors, for the "no console errors" checks. */
export type WatchedPage = { page: Page; context: BrowserContext; errors: string[] };

/** Per page, the tile URLs the busy server refused (503) and the client has not yet fetched again, and the page's errors. */
const refusedTiles = new WeakMap<Page, { refused: Set<string>; errors: string[] }>();
/** Each watched page's requests not yet answered, with when they were made. */
const pendingRequests = new WeakMap<Page, Map<Request, number>>();

/** Opens a page with a viewport and starts collecting errors. */
export async function openPage(
  browser: Browser,
  kind: keyof typeof VIEWPORTS,
  options: { serviceWorkers?: 'allow' | 'block'; motion?: boolean; density?: number } = {},
): Promise<WatchedPage> {
  const context = await browser.newContext({
    ...VIEWPORTS[kind],
    ...(options.density ? { deviceScaleFactor: options.density } : {}),
    serviceWorkers: options.serviceWorkers ?? 'block',
    acceptDownloads: true,
    // Camera moves are instant (MapLibre honours prefers-reduced-motion: a flyTo is a jump), as for
    // a user who asked their system for less motion: each animated frame is a full map drawn by
    // SwiftShader on the CPU, and the tests wait for the map at rest either way (15 % of a
    // fly-heavy file's time). Files about camera flights pass { motion: true }.
    reducedMotion: options.motion ? 'no-preference' : 'reduce',
  });
  // Under tsx (scripts, debugging) functions passed to page.evaluate carry esbuild's __name helper.
  await context.addInitScript('window.__name = window.__name || function (f) { return f; };');
  const page = await context.newPage();
  // The screenshots written for review (SCREENSHOTS) are for a developer's eyes: on a CI machine
  // nobody opens them, and each is a whole page drawn again and encoded as PNG (~0.3 s of CPU, about
  // 200 of them). Screenshots taken for their pixels (no path there) are taken as always.
  if (process.env.CI) {
    const screenshot = page.screenshot.bind(page);
    page.screenshot = async (options) => (options?.path?.startsWith(SCREENSHOTS) ? Buffer.alloc(0) : screenshot(options));
  }
  const errors: string[] = [];
  const refused = new Set<string>();
  refusedTiles.set(page, { refused, errors });
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()} @ ${message.location().url}`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  // The page's requests not yet answered, for a timeout's message (waitForMap): a tile whose fetch never settles.
  const inFlight = new Map<Request, number>();
  pendingRequests.set(page, inFlight);
  page.on('request', (request) => inFlight.set(request, Date.now()));
  page.on('requestfinished', (request) => inFlight.delete(request));
  page.on('requestfailed', (request) => inFlight.delete(request));
  page.on('response', (response) => {
    const url = response.url();
    if (response.status() >= 400) errors.push(`http ${response.status()}: ${url}`);
    if (response.status() === 503 && url.includes('/tiles/')) refused.add(url);
    // A tile the busy server refused (503 with Retry-After) and the client fetched again
    // successfully is the designed recovery, not an error: drop its earlier traces.
    else if (response.status() < 400 && url.includes('/tiles/')) {
      refused.delete(url);
      for (let i = errors.length - 1; i >= 0; i--) if (errors[i]!.includes('503') && errors[i]!.includes(url)) errors.splice(i, 1);
    }
  });
  return { page, context, errors };
}

/**
 * Waits until the map has its style, every visible tile is loaded and drawn, and nothing is moving;
 * and, when the busy server refused tiles (503), until the client has fetched them again (it retries
 * after 2, 4, 8 and 16 s), so a loaded machine's designed recovery is waited for, not reported.
 */
export async function waitForMap(page: Page, timeout = 60_000): Promise<void> {
  await page.waitForFunction(() => Boolean((window as unknown as Partial<BandoWindow>).__bando), null, { timeout });
  const idle = async () => {
    // Two frames first: a camera jump or a layer switch takes effect on the next frame, not at once.
    await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
    await page
      .waitForFunction(
        () => {
          const map = (window as unknown as BandoWindow).__bando.map;
          return map.isStyleLoaded() && map.loaded() && map.areTilesLoaded() && !map.isMoving();
        },
        null,
        { timeout, polling: 100 },
      )
      .catch(async (error: Error) => {
        // A map that never came to rest: say what it was waiting for (the run's log is all there is).
        const state = await mapState(page).catch((reason: Error) => `unreadable: ${reason.message}`);
        throw new Error(`${error.message}\nthe map was not at rest: ${state}\n${unanswered(page)}`, { cause: error });
      });
  };
  await idle();
  const watched = refusedTiles.get(page);
  if (!watched?.refused.size) return;
  const { refused, errors } = watched;
  const deadline = Date.now() + Math.min(timeout, 35_000);
  while (refused.size && Date.now() < deadline && (await heldErroredTiles(page))) await page.waitForTimeout(250);
  await idle();
  // A refused tile the map no longer holds (a lower zoom's stand-in while the view's own tiles came,
  // or one the view left) is not asked for again, rightly: nothing is missing from the map.
  if (refused.size && !(await heldErroredTiles(page))) {
    for (const url of refused) for (let i = errors.length - 1; i >= 0; i--) if (errors[i] === `http 503: ${url}`) errors.splice(i, 1);
    refused.clear();
  }
}

/** The page's requests still unanswered, oldest first, with how long they have waited: for a timeout's message. */
function unanswered(page: Page): string {
  const now = Date.now();
  const waiting = [...(pendingRequests.get(page) ?? new Map<Request, number>()).entries()].sort((a, b) => a[1] - b[1]);
  if (!waiting.length) return 'no request of the page unanswered';
  const shown = waiting
    .slice(0, 8)
    .map(
      ([request, since]) =>
        `${request.method()} ${request.url().replace(/^https?:\/\/[^/]+/, '')} (${((now - since) / 1000).toFixed(1)} s${request.serviceWorker() ? ', service worker' : ''})`,
    );
  return `unanswered requests (${waiting.length}): ${shown.join('; ')}`;
}

/** The map's state for a timeout's message: what is loaded and moving, and each tile manager's tiles by state. */
function mapState(page: Page): Promise<string> {
  return page.evaluate(() => {
    type Manager = { getIds(): string[]; getTileByID(id: string): { state: string; tileID?: { canonical?: unknown } } | undefined };
    const map = (window as unknown as BandoWindow).__bando.map;
    const managers = (map.style as unknown as { tileManagers?: Record<string, Manager> }).tileManagers ?? {};
    const tiles = Object.entries(managers).map(([source, m]) => {
      const byState: Record<string, string[]> = {};
      for (const id of m.getIds()) (byState[m.getTileByID(id)?.state ?? 'gone'] ??= []).push(id);
      if (!Object.keys(byState).length) return `${source}: no tiles`;
      return `${source}: ${Object.entries(byState)
        .map(([state, ids]) => `${state} ${ids.length}${state === 'loaded' ? '' : ` (${ids.slice(0, 4).join(' ')})`}`)
        .join(', ')}`;
    });
    return `styleLoaded ${map.isStyleLoaded()}, loaded ${map.loaded()}, tilesLoaded ${map.areTilesLoaded()}, moving ${map.isMoving()}, online ${navigator.onLine}; ${tiles.join('; ')}`;
  });
}

/** Whether the map holds a tile that failed (a refusal waiting for the client's retry). */
function heldErroredTiles(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    type Manager = { getIds(): string[]; getTileByID(id: string): { state: string } | undefined };
    const map = (window as unknown as BandoWindow).__bando.map;
    const managers = (map.style as unknown as { tileManagers?: Record<string, Manager> }).tileManagers ?? {};
    return Object.values(managers).some((m) => m.getIds().some((id) => m.getTileByID(id)?.state === 'errored'));
  });
}

/** A colour as red, green and blue, 0–255. */
export type Rgb = [number, number, number];

/** Exact colours of the map's pixels with their counts, read inside a render frame, and the canvas's pixel count. */
export function mapHistogram(page: Page): Promise<{ colours: [Rgb, number][]; total: number }> {
  return page.evaluate(
    () =>
      new Promise<{ colours: [[number, number, number], number][]; total: number }>((resolve) => {
        const map = (window as unknown as BandoWindow).__bando.map;
        map.once('render', () => {
          const source = map.getCanvas();
          const canvas = document.createElement('canvas');
          canvas.width = source.width;
          canvas.height = source.height;
          const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
          // Inside the render event the WebGL back buffer still holds this frame.
          ctx.drawImage(source, 0, 0);
          const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
          const counts = new Map<number, number>();
          for (let i = 0; i < data.length; i += 4) {
            const key = (data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!;
            counts.set(key, (counts.get(key) ?? 0) + 1);
          }
          resolve({
            colours: [...counts].map(([k, n]) => [[(k >> 16) & 255, (k >> 8) & 255, k & 255], n]),
            total: data.length / 4,
          });
        });
        map.triggerRepaint();
      }),
  );
}

/**
 * Map pixels whose colour is within (`near: true`) or beyond `tolerance` of `rgb` (the sum of the
 * three channel differences), read inside a render frame, and the canvas's pixel count.
 */
export async function mapPixels(page: Page, rgb: Rgb, tolerance: number, near: boolean): Promise<{ count: number; total: number }> {
  const { colours, total } = await mapHistogram(page);
  let count = 0;
  for (const [[r, g, b], n] of colours) {
    const distance = Math.abs(r - rgb[0]) + Math.abs(g - rgb[1]) + Math.abs(b - rgb[2]);
    if (near ? distance < tolerance : distance > tolerance) count += n;
  }
  return { count, total };
}

/** Count of map pixels that differ from the style's background colour (#F4F1EA). */
export async function paintedPixels(page: Page): Promise<{ painted: number; total: number }> {
  const { count, total } = await mapPixels(page, [0xf4, 0xf1, 0xea], 24, false);
  return { painted: count, total };
}

/**
 * Signs the page's browser context in through the API, before the page is loaded: the page then
 * starts with the account's session and tiles, as after a reload. For tests about something else
 * than signing in, which otherwise load the map's tiles twice, the guest's and then the account's.
 */
export async function signInBeforeLoad(page: Page, serverUrl: string, account: { username: string; password: string }): Promise<void> {
  const response = await page.context().request.post(`${serverUrl}/api/auth/login`, { data: account });
  if (!response.ok()) throw new Error(`signing in as ${account.username} failed: ${response.status()} ${await response.text()}`);
}

/** Opens `url` with `account` signed in before the page loads (signInBeforeLoad), and waits for the map and the account's menu. */
export async function gotoSignedIn(page: Page, url: string, account: { username: string; password: string }): Promise<void> {
  await signInBeforeLoad(page, new URL(url).origin, account);
  await page.goto(url);
  await waitForMap(page);
  await page.waitForSelector('#sign-out');
}

/** Signs in through the page's own dialog. */
export async function signIn(page: Page, account: { username: string; password: string }): Promise<void> {
  await page.click('#sign-in');
  await page.fill('#sign-in-dialog input[name=username]', account.username);
  await page.fill('#sign-in-dialog input[name=password]', account.password);
  await page.click('#sign-in-dialog button[type=submit]');
  await page.waitForSelector('#sign-out');
  // The map then asks for the viewer's own tiles (a ward officer's carry their drafts): a tap before
  // they are in picks from the guest's, which carry none of that.
  const keyed = await page.evaluate(() => {
    const map = (window as unknown as Partial<BandoWindow>).__bando?.map;
    return map ? Object.values(map.getStyle().sources).some((s) => s.type === 'vector') : false;
  });
  if (!keyed) return;
  await waitForViewerTiles(page);
  await waitForMap(page);
}

/** Waits until no vector source of the map has the guest's key in its tile URLs (a sign-in has put the viewer's there). */
export async function waitForViewerTiles(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      Object.values((window as unknown as BandoWindow).__bando.map.getStyle().sources).every(
        (s) => s.type !== 'vector' || !('tiles' in s) || !s.tiles?.some((u) => u.includes('viewer=guest')),
      ),
    null,
    { timeout: 30_000 },
  );
}

/** Where a lon/lat is on the screen, in page coordinates (for mouse clicks on the map). */
export async function screenPoint(page: Page, at: readonly [number, number]): Promise<{ x: number; y: number }> {
  const box = (await page.locator('#map').boundingBox())!;
  const p = await page.evaluate((lonLat) => (window as unknown as BandoWindow).__bando.map.project(lonLat), at as [number, number]);
  return { x: box.x + p.x, y: box.y + p.y };
}

/** Where the screenshots of a run go (looked at by eye before closing an issue). */
export const SCREENSHOTS = path.join(ROOT, '.tmp', 'screenshots');
