// The phone first-view benchmark: a 393×851 phone with 4× CPU throttling on a 1.6 Mbit/s, 150 ms
// link opens the map with an empty cache. Reports the time to the first rendered tile, the time to
// the complete first view (every visible tile drawn), and the bytes transferred until then.
//
//   npm run bench:web                      starts the app on the configured database (seeded if empty)
//   npm run bench:web -- --url http://host:3000/   measures a server that is already running
//   --runs N (default 3)   --path "/#c=105.63,10.46,15"   --json (one JSON line)   --timeline (every request)
import os from 'node:os';
import { chromium, type CDPSession, type Page } from 'playwright-core';
import { buildApp } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { openDb } from '../server/db/index.ts';
import { migrate } from '../server/db/migrate.ts';
import { seedIfEmpty } from '../data/seed/index.ts';

const PROFILE = {
  viewport: { width: 393, height: 851 },
  deviceScaleFactor: 2.75,
  cpuSlowdown: 4,
  latencyMs: 150,
  downBitsPerSecond: 1.6e6,
  upBitsPerSecond: 750e3,
};
const TARGET = { ms: 4000, bytes: 700 * 1024 };

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

type Run = { firstTileMs: number; firstViewMs: number; bytes: number; requests: number; byKind: Record<string, number> };

function kindOf(url: string): string {
  const path = new URL(url).pathname;
  if (path.startsWith('/tiles/')) return 'tiles';
  if (path.startsWith('/fonts/')) return 'glyphs';
  if (/\.(m?js)$/.test(path)) return 'js';
  if (path.endsWith('.css')) return 'css';
  if (path === '/style.json') return 'style';
  if (path === '/' || path.endsWith('.html')) return 'html';
  return 'other';
}

async function throttle(cdp: CDPSession): Promise<void> {
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: PROFILE.latencyMs,
    downloadThroughput: PROFILE.downBitsPerSecond / 8,
    uploadThroughput: PROFILE.upBitsPerSecond / 8,
  });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: PROFILE.cpuSlowdown });
}

/**
 * Hooks the map's events as soon as the app exposes it, recording times from navigation start.
 * A string, not a function: tsx would wrap a function's inner names in a helper the page lacks.
 */
const INSTRUMENT = `
  window.__bench = {};
  (function attach() {
    var map = window.__bando && window.__bando.map;
    if (!map) return setTimeout(attach, 10);
    // Whether any source has a tile with data to draw (MapLibre's tile managers; internal, read only).
    function anyTile() {
      var managers = (map.style && map.style.tileManagers) || {};
      for (var id in managers) if (managers[id].getRenderableIds().length > 0) return true;
      return false;
    }
    var lastRender = 0;
    var complete = false;
    map.on('render', function () {
      lastRender = performance.now();
      if (window.__bench.firstTile === undefined && anyTile()) window.__bench.firstTile = lastRender;
      if (complete && window.__bench.firstView === undefined) window.__bench.firstView = lastRender;
    });
    // The complete first view: the first frame drawn once every visible tile and glyph is in.
    (function poll() {
      if (window.__bench.firstTile !== undefined && map.loaded() && map.areTilesLoaded()) {
        complete = true;
        map.triggerRepaint();
      } else setTimeout(poll, 50);
    })();
  })();`;

async function instrument(page: Page): Promise<void> {
  await page.addInitScript({ content: INSTRUMENT });
}

async function measure(url: string): Promise<Run> {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  try {
    const context = await browser.newContext({
      viewport: PROFILE.viewport,
      deviceScaleFactor: PROFILE.deviceScaleFactor,
      isMobile: true,
      hasTouch: true,
      serviceWorkers: 'block',
    });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await throttle(cdp);
    let bytes = 0;
    let requests = 0;
    const byKind: Record<string, number> = {};
    const timeline: string[] = [];
    let counting = true;
    // Playwright sees the worker's requests (tiles) too, which the page's own CDP session does not.
    page.on('requestfinished', (request) => {
      if (!counting || !request.url().startsWith('http')) return;
      void request.sizes().then((sizes) => {
        const size = sizes.responseBodySize + sizes.responseHeadersSize;
        bytes += size;
        requests++;
        const k = kindOf(request.url());
        byKind[k] = (byKind[k] ?? 0) + size;
        const t = request.timing();
        timeline.push(
          `${Math.round(t.startTime - start)
            .toString()
            .padStart(6)} → ${Math.round(t.startTime - start + t.responseEnd)
            .toString()
            .padStart(6)} ms  ${(size / 1024).toFixed(1).padStart(6)} KB  ${new URL(request.url()).pathname.slice(0, 70)}`,
        );
      });
    });
    const start = Date.now();
    await instrument(page);
    await page.goto(url, { waitUntil: 'commit' });
    const consoleLines: string[] = [];
    page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => consoleLines.push(`pageerror: ${e.message}`));
    page.on('response', (r) => {
      if (r.status() >= 400) consoleLines.push(`http ${r.status()} ${r.url()}`);
    });
    try {
      await page.waitForFunction(() => (window as unknown as { __bench: { firstView?: number } }).__bench.firstView !== undefined, null, {
        timeout: 120_000,
        polling: 100,
      });
    } catch (error) {
      const state = await page
        .evaluate(
          'JSON.stringify({ bench: window.__bench, map: !!(window.__bando && window.__bando.map), loaded: window.__bando && window.__bando.map.loaded(), zoom: window.__bando && window.__bando.map.getZoom() })',
        )
        .catch((e: unknown) => String(e));
      throw new Error(`the first view never completed (${String(state)}):\n${consoleLines.slice(-15).join('\n')}`, { cause: error });
    }
    counting = false;
    const times = await page.evaluate(() => (window as unknown as { __bench: { firstTile: number; firstView: number } }).__bench);
    if (process.argv.includes('--timeline')) console.log(timeline.sort().join('\n'));
    return { firstTileMs: Math.round(times.firstTile), firstViewMs: Math.round(times.firstView), bytes, requests, byKind };
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  const runs = Number(arg('runs') ?? 3);
  const path = arg('path') ?? '/';
  let url = arg('url');
  let stop: (() => Promise<void>) | undefined;
  if (!url) {
    const config = loadConfig();
    const db = await openDb(config, (m) => console.error(`[bench:web] ${m}`));
    await migrate(db);
    if (config.seedOnEmpty) await seedIfEmpty(db, { parcels: config.seedParcels, log: (m) => console.error(`[bench:web] ${m}`) });
    const app = await buildApp({ config, db, ready: { value: true } }, { logger: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    stop = async () => {
      await app.close();
      await db.close();
    };
    // One untimed visit warms the server's tile cache, as a running city server's would be.
    await measure(`${url}${path}`).catch(() => undefined);
  }
  const target = url.replace(/\/$/, '') + (path.startsWith('/') ? path : `/${path}`);
  const results: Run[] = [];
  // The machine's load (1-minute average) before and after: on a shared machine the figures move with it.
  const loadBefore = os.loadavg()[0]!;
  for (let i = 0; i < runs; i++) results.push(await measure(target));
  const loadAfter = os.loadavg()[0]!;
  await stop?.();
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const summary = {
    profile: `${PROFILE.viewport.width}×${PROFILE.viewport.height}, CPU ×${PROFILE.cpuSlowdown}, ${PROFILE.downBitsPerSecond / 1e6} Mbit/s down, ${PROFILE.latencyMs} ms latency, empty cache`,
    runs,
    firstTileMs: median(results.map((r) => r.firstTileMs)),
    firstViewMs: median(results.map((r) => r.firstViewMs)),
    bytes: median(results.map((r) => r.bytes)),
    requests: median(results.map((r) => r.requests)),
    byKind: results[Math.floor(results.length / 2)]!.byKind,
    load: [Number(loadBefore.toFixed(2)), Number(loadAfter.toFixed(2))],
    cpus: os.cpus().length,
  };
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(summary));
    return;
  }
  const kb = (b: number) => `${(b / 1024).toFixed(0)} KB`;
  console.log(`Phone first view (${summary.profile}), median of ${runs}:`);
  console.log(`  machine load          ${summary.load[0]} → ${summary.load[1]} (1-minute average, ${summary.cpus} CPUs)`);
  console.log(`  first rendered tile   ${summary.firstTileMs} ms`);
  console.log(
    `  complete first view   ${summary.firstViewMs} ms   (target ≤ ${TARGET.ms} ms: ${summary.firstViewMs <= TARGET.ms ? 'met' : 'missed'})`,
  );
  console.log(
    `  bytes transferred     ${kb(summary.bytes)} in ${summary.requests} requests   (target ≤ ${kb(TARGET.bytes)}: ${summary.bytes <= TARGET.bytes ? 'met' : 'missed'})`,
  );
  console.log(
    `  by kind               ${Object.entries(summary.byKind)
      .map(([k, v]) => `${k} ${kb(v)}`)
      .join(', ')}`,
  );
}

main().catch((error: unknown) => {
  console.error('[bench:web] failed:', error);
  process.exit(1);
});
