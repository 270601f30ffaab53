// The phone first-view benchmark: a 393×851 phone with 4× CPU throttling on a 1.6 Mbit/s, 150 ms
// link opens the map with an empty cache. Reports the time to the first rendered tile, the time to
// the complete first view (every visible tile drawn), and the bytes transferred until then.
//
//   npm run bench:web                      starts the app on the configured database (seeded if empty)
//   npm run bench:web -- --url http://host:3000/   measures a server that is already running
//   --runs N (default 3)   --path "/#c=105.63,10.46,15"   --json (one JSON line)
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
    var tileLoaded = false;
    map.on('data', function (e) { if (e.dataType === 'source' && e.tile) tileLoaded = true; });
    map.on('render', function () {
      if (tileLoaded && window.__bench.firstTile === undefined) window.__bench.firstTile = performance.now();
    });
    map.once('idle', function () { window.__bench.firstView = performance.now(); });
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
    const urls = new Map<string, string>();
    let bytes = 0;
    let requests = 0;
    const byKind: Record<string, number> = {};
    let counting = true;
    cdp.on('Network.requestWillBeSent', (e: { requestId: string; request: { url: string } }) => urls.set(e.requestId, e.request.url));
    cdp.on('Network.loadingFinished', (e: { requestId: string; encodedDataLength: number }) => {
      if (!counting) return;
      const u = urls.get(e.requestId);
      if (!u || !u.startsWith('http')) return;
      bytes += e.encodedDataLength;
      requests++;
      const k = kindOf(u);
      byKind[k] = (byKind[k] ?? 0) + e.encodedDataLength;
    });
    await instrument(page);
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForFunction(() => (window as unknown as { __bench: { firstView?: number } }).__bench.firstView !== undefined, null, {
      timeout: 120_000,
      polling: 100,
    });
    counting = false;
    const times = await page.evaluate(() => (window as unknown as { __bench: { firstTile: number; firstView: number } }).__bench);
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
  for (let i = 0; i < runs; i++) results.push(await measure(target));
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
  };
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(summary));
    return;
  }
  const kb = (b: number) => `${(b / 1024).toFixed(0)} KB`;
  console.log(`Phone first view (${summary.profile}), median of ${runs}:`);
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
