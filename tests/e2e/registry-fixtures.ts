// What the registry's browser tests ask of the seeded server besides the page: a bearer token
// through the API, a seeded growing area of some status in the officer's communes with a point
// inside it to click, the area's record in the database, and the map steps that open its card.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ACCOUNTS, gotoSignedIn, openPage, waitForMap, type BandoWindow, type TestServer, type WatchedPage } from './harness.ts';

/** A sign-in of the seed. */
export type Account = { username: string; password: string };

/** A growing area and a point inside it, where a click on the map opens its card. */
export type AreaAt = { id: number; lon: number; lat: number };

/** Signs `account` in through the API and answers its bearer token. */
export async function apiToken(server: TestServer, account: Account = ACCOUNTS.officer): Promise<string> {
  const login = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(account),
  });
  return ((await login.json()) as { token: string }).token;
}

/** The ids the registry lists for `query` ('status=active&limit=200'): only the token holder's communes. */
export async function listedAreaIds(server: TestServer, token: string, query: string): Promise<number[]> {
  const list = await fetch(`${server.url}/api/growing-areas?${query}`, { headers: { Authorization: `Bearer ${token}` } });
  return ((await list.json()) as { areas: { id: number }[] }).areas.map((a) => a.id);
}

/**
 * The largest of `ids` that has a geometry (the easiest to click), with a point inside it; `where`
 * narrows the choice with a condition on `g` (growing_areas). Throws when none is left.
 */
export async function largestArea(server: TestServer, ids: readonly number[], where = 'TRUE'): Promise<AreaAt> {
  const { rows } = await server.db.query<AreaAt>(
    `SELECT id, ST_X(c) lon, ST_Y(c) lat
       FROM (SELECT g.id, ST_PointOnSurface(g.geom) c FROM growing_areas g
              WHERE g.id = ANY ($1) AND g.geom IS NOT NULL AND (${where})
              ORDER BY ST_Area(g.geom) DESC LIMIT 1) s`,
    [ids],
  );
  const area = rows[0];
  if (!area) throw new Error(`no growing area with a geometry${where === 'TRUE' ? '' : ` and ${where}`} among ${ids.length}`);
  return { id: Number(area.id), lon: Number(area.lon), lat: Number(area.lat) };
}

/** A growing area as the database holds it now, with its recorded moves oldest first ('submitted>under_inspection'). */
export type AreaState = {
  status: string;
  code: string | null;
  versionNo: number;
  lineageId: number;
  steps: string[];
  decisions: (string | null)[];
  notes: (string | null)[];
};

/** Reads an area's status, code, version and transitions straight from the database. */
export async function areaState(server: TestServer, id: number): Promise<AreaState> {
  const area = (
    await server.db.query<{ status: string; code: string | null; version_no: number; lineage_id: number }>(
      'SELECT status, code, version_no, lineage_id FROM growing_areas WHERE id = $1',
      [id],
    )
  ).rows[0];
  if (!area) throw new Error(`no growing area ${id}`);
  const { rows } = await server.db.query<{ from_status: string; to_status: string; decision_no: string | null; note: string | null }>(
    'SELECT from_status, to_status, decision_no, note FROM growing_area_transitions WHERE growing_area_id = $1 ORDER BY id',
    [id],
  );
  return {
    status: area.status,
    code: area.code,
    versionNo: Number(area.version_no),
    lineageId: Number(area.lineage_id),
    steps: rows.map((r) => `${r.from_status}>${r.to_status}`),
    decisions: rows.map((r) => r.decision_no),
    notes: rows.map((r) => r.note),
  };
}

/** Opens the map at the area with the growing-area layer on, signed in first (unless a guest), and clicks the area. */
export async function openArea(page: Page, server: TestServer, area: AreaAt, account?: Account): Promise<void> {
  const url = `${server.url}/#c=${area.lon.toFixed(6)},${area.lat.toFixed(6)},17&l=growing_areas`;
  if (account) await gotoSignedIn(page, url, account);
  else {
    await page.goto(url);
    await waitForMap(page);
  }
  await clickArea(page, area);
}

/**
 * Empty ground in a ward for drawing plots: centres of its parcels with no plot within ~150 m and
 * room around them inside the ward, at least `apart` degrees from each other (so one test's plots
 * never touch another's), `count` of them; throws when the ward has fewer.
 */
export async function freeSpots(server: TestServer, ward: string, count: number, apart = 0): Promise<[number, number][]> {
  const { rows } = await server.db.query<{ lon: number; lat: number }>(
    `SELECT ST_X(c) lon, ST_Y(c) lat FROM (
       SELECT ST_Centroid(p.geom) c FROM parcels p JOIN admin_units w ON w.code = $1 AND w.valid_to IS NULL AND ST_Within(p.geom, w.geom)
       ORDER BY p.id) s, admin_units w
     WHERE w.code = $1 AND w.valid_to IS NULL AND ST_Within(ST_Expand(c, 0.0007), w.geom)
       AND NOT EXISTS (SELECT 1 FROM plots x WHERE ST_DWithin(x.geom, c, 0.0014))
     LIMIT 400`,
    [ward],
  );
  const spots: [number, number][] = [];
  for (const r of rows) {
    const p: [number, number] = [Number(r.lon), Number(r.lat)];
    if (spots.every((q) => Math.hypot(q[0] - p[0], q[1] - p[1]) > apart)) spots.push(p);
    if (spots.length === count) return spots;
  }
  throw new Error(`only ${spots.length} free spots in ward ${ward}, ${count} needed`);
}

/**
 * Opens the map at `at` (zoom 18 with parcels, plots and roads unless told) with the officer signed in first, and
 * opens the plot editor; with `snapTargets`, waits until the neighbours to snap to (and to check
 * overlaps against) have arrived from the features API.
 */
export async function openEditorAt(
  page: Page,
  server: TestServer,
  at: readonly [number, number],
  options: { zoom?: number; layers?: string; snapTargets?: boolean } = {},
): Promise<void> {
  const layers = options.layers ?? 'parcels,plots,roads';
  await gotoSignedIn(page, `${server.url}/#c=${at[0].toFixed(6)},${at[1].toFixed(6)},${options.zoom ?? 18}&l=${layers}`, ACCOUNTS.officer);
  await page.click('[data-tab=tools]');
  await page.click('#edit-open');
  await page.waitForSelector('#tool-draw');
  if (options.snapTargets)
    await page.waitForFunction(
      () => ((window as unknown as { __bandoEditor?: { snapRings(): unknown[] } }).__bandoEditor?.snapRings().length ?? 0) > 0,
    );
}

/** A square of about 20 m around a spot, put in the open editor as a drawing and selected. */
export async function addDrawing(page: Page, [lon, lat]: readonly [number, number]): Promise<void> {
  const d = 0.0001;
  const ring = [
    [lon - d, lat - d],
    [lon + d, lat - d],
    [lon + d, lat + d],
    [lon - d, lat + d],
    [lon - d, lat - d],
  ];
  await page.evaluate(
    (g) => {
      type Session = { add(g: unknown): string; select(id: string): void };
      const { session } = (window as unknown as { __bandoEditor: { session: Session } }).__bandoEditor;
      session.select(session.add(g));
    },
    { type: 'Polygon', coordinates: [ring] },
  );
}

/** Lets the pages of `context` read the phone's position, set at lon/lat (12 m accuracy). */
export async function allowPosition(context: BrowserContext, server: TestServer, lon: number, lat: number): Promise<void> {
  await context.grantPermissions(['geolocation'], { origin: server.url });
  await context.setGeolocation({ longitude: lon, latitude: lat, accuracy: 12 });
}

/** Signs out from the top bar. */
export async function signOut(page: Page): Promise<void> {
  await page.click('#sign-out');
  await page.waitForSelector('#sign-in');
}

/**
 * A 360 px phone with the area's card open (signed in as `account`, the officer by default) and, unless
 * `form` is false, its new-inspection form; `position` (default: a few metres off the area's point)
 * is the phone's GPS, or none when null.
 */
export async function inspectionOnPhone(
  browser: Browser,
  server: TestServer,
  area: AreaAt,
  options: { account?: Account; position?: [number, number] | null; form?: boolean } = {},
): Promise<WatchedPage> {
  const opened = await openPage(browser, 'phone');
  await opened.page.setViewportSize({ width: 360, height: 740 });
  const position: [number, number] | null = options.position === undefined ? [area.lon + 0.0003, area.lat - 0.0002] : options.position;
  if (position) await allowPosition(opened.context, server, position[0], position[1]);
  await openArea(opened.page, server, area, options.account ?? ACCOUNTS.officer);
  if (options.form !== false) {
    await opened.page.click('#inspection-new');
    await opened.page.waitForSelector('#inspection-form');
  }
  return opened;
}

/** Clicks the area on the map and waits for its details card (a new card each time, read afresh from the registry). */
export async function clickArea(page: Page, area: AreaAt): Promise<void> {
  const box = (await page.locator('#map').boundingBox())!;
  const p = await page.evaluate((at) => (window as unknown as BandoWindow).__bando.map.project(at), [area.lon, area.lat] as [
    number,
    number,
  ]);
  await page.mouse.click(box.x + p.x, box.y + p.y);
  await page.waitForSelector(`.feature-card.is-primary[data-group=growing_areas][data-id="${area.id}"]`, { timeout: 30_000 });
}

/** The status the growing-area tiles now draw for an area (they are fetched again after each step). */
export async function tileStatus(page: Page, id: number): Promise<unknown> {
  return page.evaluate((areaId) => {
    const map = (window as unknown as BandoWindow).__bando.map;
    const layers = map
      .getStyle()
      .layers.filter((l) => (l.metadata as Record<string, string> | undefined)?.['bando:group'] === 'growing_areas')
      .map((l) => l.id);
    return map.queryRenderedFeatures({ layers }).find((f) => Number(f.id ?? f.properties.id) === areaId)?.properties.status;
  }, id);
}

/** A real JPEG drawn by the browser's own encoder (so it decodes), width × height, one colour with a stripe. */
export async function canvasJpeg(page: Page, width: number, height: number, colour: string, quality = 0.8): Promise<Buffer> {
  const base64 = await page.evaluate(
    async ([w, h, c, q]) => {
      const canvas = document.createElement('canvas');
      canvas.width = w;
      canvas.height = h;
      const ctx = canvas.getContext('2d')!;
      ctx.fillStyle = c;
      ctx.fillRect(0, 0, w, h);
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, h / 2 - 10, w, 20);
      const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/jpeg', q));
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let text = '';
      for (const b of bytes) text += String.fromCharCode(b);
      return btoa(text);
    },
    [width, height, colour, quality] as [number, number, string, number],
  );
  return Buffer.from(base64, 'base64');
}

/** A seeded area of the officer's communes under inspection (a submitted one is moved there first), with a point inside it. */
export async function areaUnderInspection(server: TestServer): Promise<AreaAt> {
  const token = await apiToken(server);
  let ids = await listedAreaIds(server, token, 'status=under_inspection&limit=50');
  if (!ids.length) {
    const submitted = (await listedAreaIds(server, token, 'status=submitted&limit=50'))[0]!;
    const moved = await fetch(`${server.url}/api/growing-areas/${submitted}/transitions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ to: 'under_inspection' }),
    });
    if (moved.status !== 201) throw new Error(`moving area ${submitted} to under inspection failed: ${moved.status}`);
    ids = [submitted];
  }
  return largestArea(server, ids);
}

/** The growing-area features with this id in the map's tiles now (what the map draws and a click finds). */
export function areaInTiles(page: Page, id: number): Promise<number> {
  return page.evaluate(
    (areaId) =>
      (window as unknown as BandoWindow).__bando.map
        .querySourceFeatures('bando', { sourceLayer: 'growing_areas' })
        .filter((f) => Number(f.id) === areaId).length,
    id,
  );
}

/** Clicks a plot on the map and brings its card to the front (the primary card). */
export async function openPlot(page: Page, plot: { id: number; lon: number; lat: number }): Promise<void> {
  const box = (await page.locator('#map').boundingBox())!;
  const p = await page.evaluate((at) => (window as unknown as BandoWindow).__bando.map.project(at), [plot.lon, plot.lat] as [
    number,
    number,
  ]);
  await page.mouse.click(box.x + p.x, box.y + p.y);
  const card = `.feature-card[data-group=plots][data-id="${plot.id}"]`;
  await page.waitForSelector(card, { timeout: 30_000 });
  if (!(await page.locator(`${card}.is-primary`).count())) await page.click(card);
  await page.waitForSelector(`${card}.is-primary`);
}

/** The byte sizes of an inspection's stored photos, in the order stored. */
export async function photoSizes(server: TestServer, inspectionId: number): Promise<number[]> {
  const { rows } = await server.db.query<{ bytes: number }>('SELECT bytes FROM inspection_photos WHERE inspection_id = $1 ORDER BY id', [
    inspectionId,
  ]);
  return rows.map((r) => Number(r.bytes));
}
