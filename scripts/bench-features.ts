// `npm run bench:features -- [--parcels 100000] [--rounds 200] [--pages 30]`
// Features API figures beside the raw SQL of the same work, measured in the same run (the machine is
// shared and noisy, so the ratios are what to read). A benchmark, not a test: it prints and never fails.
//   write: PATCH of a plot's boundary through the API (auth, If-Match, validation with PostGIS's
//          validity, commune containment and overlap checks, edit_log trigger, growing-area refresh,
//          tile invalidation by NOTIFY) vs the bare UPDATE of the same geometry in withEdits (same
//          trigger, no checks, no HTTP).
//   read:  a 1,000-feature page of parcels through /ogc (anonymous; and as an officer, with owners and
//          the access log) vs the bare SELECT of the same rows as GeoJSON.
// Both read paths pick the page's ids before building JSON (else OFFSET's skipped rows are serialised too).
// Against DATABASE_URL when set (seeded when empty), otherwise an embedded database under .tmp/.
import path from 'node:path';
import { buildApp } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { openDb } from '../server/db/index.ts';
import { withEdits } from '../server/db/edit-context.ts';
import { migrate } from '../server/db/migrate.ts';
import { upsertUser } from '../server/auth/users.ts';
import { openTileService } from '../server/tile-service.ts';
import { seedIfEmpty } from '../data/seed/index.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  const value = i >= 0 ? Number(args[i + 1]) : fallback;
  return Number.isFinite(value) && value > 0 ? value : fallback;
};
const PARCELS = option('parcels', 100_000);
const ROUNDS = option('rounds', 200);
const PAGES = option('pages', 30);

const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
const log = (m: string) => console.log(`[bench:features] ${m}`);

const env = { ...process.env };
if (!env.DATABASE_URL && !env.DATA_DIR) env.DATA_DIR = path.resolve('.tmp/bench-features-db');
const config = loadConfig({ ...env, LOG_LEVEL: 'silent' });
const db = await openDb(config, log);
await migrate(db);
const started = Date.now();
if (await seedIfEmpty(db, { parcels: PARCELS, log }))
  log(`seeded ${PARCELS.toLocaleString('en')} parcels in ${((Date.now() - started) / 1000).toFixed(0)} s`);
const counts = await db.query<{ parcels: number; plots: number }>(
  'SELECT (SELECT count(*) FROM parcels)::int AS parcels, (SELECT count(*) FROM plots)::int AS plots',
);
log(
  `database: ${db.capabilities.kind} (PostGIS ${db.capabilities.postgisVersion}), ${counts.rows[0]?.parcels.toLocaleString('en')} parcels, ${counts.rows[0]?.plots} plots`,
);

const tiles = await openTileService(config, db, () => undefined);
const app = await buildApp({ config, db, ready: { value: true }, tiles }, { logger: false });

// The plot to edit: one inside a commune with geometry, so every check runs for real.
const target = await db.query<{ id: number; commune_code: string; geom: string; shrunk: string }>(
  `SELECT p.id, p.commune_code, ST_AsGeoJSON(p.geom) AS geom,
          ST_AsGeoJSON(ST_Scale(p.geom, ST_MakePoint(0.999, 0.999), ST_Centroid(p.geom))) AS shrunk
     FROM plots p JOIN admin_units u ON u.code = p.commune_code AND u.geom IS NOT NULL AND (u.valid_to IS NULL OR u.valid_to > current_date)
    ORDER BY p.id LIMIT 1`,
);
const plot = target.rows[0];
if (!plot) throw new Error('no plot inside a commune to edit: is the database seeded?');
const shapes = [JSON.parse(plot.shrunk) as unknown, JSON.parse(plot.geom) as unknown];

await upsertUser(
  db,
  { username: 'bench-officer', password: 'bench-password-features', role: 'officer', displayName: 'Bench', communes: [plot.commune_code] },
  { replace: true },
);
const login = await app.inject({
  method: 'POST',
  url: '/api/auth/login',
  payload: { username: 'bench-officer', password: 'bench-password-features' },
  remoteAddress: '10.99.0.1',
});
const token = (login.json() as { token: string }).token;
const auth = { authorization: `Bearer ${token}` };
const url = `/ogc/collections/plots/items/${plot.id}`;

// Writes through the API.
let etag = (await app.inject({ url, headers: auth })).headers.etag as string;
const apiWrites: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  const t0 = performance.now();
  const response = await app.inject({
    method: 'PATCH',
    url,
    headers: { ...auth, 'content-type': 'application/merge-patch+json', 'if-match': etag },
    payload: { geometry: shapes[i % 2], properties: { variety: `bench-${i}` } },
  });
  apiWrites.push(performance.now() - t0);
  if (response.statusCode !== 200) throw new Error(`PATCH answered ${response.statusCode}: ${response.body.slice(0, 300)}`);
  etag = response.headers.etag as string;
}

// The same writes as bare SQL (same trigger: edit_log and NOTIFY), no checks.
const rawWrites: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  const t0 = performance.now();
  await withEdits(db, { userId: null, origin: 'sql' }, (tx) =>
    tx.query(
      `UPDATE plots SET geom = ST_SetSRID(ST_GeomFromGeoJSON($1), 4326), variety = $2, version = version + 1, updated_at = now() WHERE id = $3`,
      [JSON.stringify(shapes[i % 2]), `raw-${i}`, plot.id],
    ),
  );
  rawWrites.push(performance.now() - t0);
}

// 1,000-feature pages of parcels at spread offsets.
const total = counts.rows[0]?.parcels ?? 0;
const offsets = Array.from({ length: PAGES }, (_, i) => Math.floor((i * Math.max(0, total - 1000)) / PAGES));
const officerReads: number[] = [];
const anonReads: number[] = [];
const rawReads: number[] = [];
let bytes = 0;
for (const offset of offsets) {
  let t0 = performance.now();
  const response = await app.inject({ url: `/ogc/collections/parcels/items?limit=1000&offset=${offset}` });
  anonReads.push(performance.now() - t0);
  bytes = response.body.length;
  t0 = performance.now();
  await app.inject({ url: `/ogc/collections/parcels/items?limit=1000&offset=${offset}`, headers: auth });
  officerReads.push(performance.now() - t0);
  t0 = performance.now();
  const rows = await db.query<{ f: string }>(
    `SELECT json_build_object('type', 'Feature', 'id', id, 'geometry', ST_AsGeoJSON(geom, 8)::json, 'properties',
            json_build_object('commune_code', commune_code, 'sheet', sheet, 'parcel_no', parcel_no, 'land_use_code', land_use_code,
                              'legal_area_m2', legal_area_m2, 'address', address))::text AS f
       FROM parcels WHERE id IN (SELECT id FROM parcels ORDER BY id LIMIT 1000 OFFSET $1) ORDER BY id`,
    [offset],
  );
  JSON.stringify(rows.rows.map((r) => r.f));
  rawReads.push(performance.now() - t0);
}

const line = (label: string, server: number[], raw: number[]) =>
  log(
    `${label}: p50 ${fmt(percentile(server, 50))}, p95 ${fmt(percentile(server, 95))} | raw SQL p50 ${fmt(percentile(raw, 50))}, p95 ${fmt(percentile(raw, 95))} | ratio p95 ${(percentile(server, 95) / percentile(raw, 95)).toFixed(2)}×`,
  );
line(`write (PATCH of a plot boundary, ${ROUNDS} rounds)`, apiWrites, rawWrites);
line(`read  (1,000 parcels, anonymous, ${PAGES} pages, ${(bytes / 1024).toFixed(0)} KB)`, anonReads, rawReads);
line(`read  (1,000 parcels, officer with owners + access log)`, officerReads, rawReads);
log(
  `write p95 ${fmt(percentile(apiWrites, 95))} against the issue's bound of 150 ms: ${percentile(apiWrites, 95) <= 150 ? 'within' : 'OVER'}`,
);

await app.close();
await tiles.close();
await db.close();
