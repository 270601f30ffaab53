// `npm run bench:import [-- --parcels 100000]`: imports a generated VN-2000 (EPSG:5897) parcel
// shapefile with our importer and with GDAL's ogr2ogr into the same PostgreSQL database in the same
// run, and prints the time ratio (aim ≤ 2×) and this process's peak memory. With --parcels 1000000 it
// shows the importer's memory bound (the staging lives in the database, not in this process).
// Uses DATABASE_URL or TEST_DATABASE_URL, else starts the throwaway cluster of scripts/postgis-local.sh.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import yazl from 'yazl';
import { openPgDb } from '../server/db/pg.adapter.ts';
import { migrate } from '../server/db/migrate.ts';
import { crsByCode, fromWgs84 } from '../server/io/crs.ts';
import { ShapefileWriter } from '../server/io/formats/shapefile.ts';
import { runImport } from '../server/io/import.ts';

const { values } = parseArgs({ options: { parcels: { type: 'string', default: '100000' }, keep: { type: 'boolean', default: false } } });
const N = Number(values.parcels);
const log = (m: string) => console.log(`[bench:import] ${m}`);

function databaseUrl(): string {
  const url = process.env.DATABASE_URL || process.env.TEST_DATABASE_URL;
  if (url) return url;
  const r = spawnSync('bash', ['scripts/postgis-local.sh', 'start'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`could not start PostGIS: ${r.stderr}`);
  return r.stdout.trim();
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function writeShapefile(dir: string): Promise<{ shp: string; zip: string }> {
  const def = crsByCode('EPSG:5897')!;
  const project = fromWgs84(def);
  const base = path.join(dir, 'thua_dat_5897');
  const w = await ShapefileWriter.create(
    base,
    'polygon',
    [
      { name: 'MaXa', type: 'C', length: 5, decimals: 0 },
      { name: 'SoTo', type: 'N', length: 6, decimals: 0 },
      { name: 'SoThua', type: 'N', length: 8, decimals: 0 },
      { name: 'LoaiDat', type: 'C', length: 4, decimals: 0 },
      { name: 'DienTich', type: 'N', length: 12, decimals: 1 },
      { name: 'DiaChi', type: 'C', length: 80, decimals: 0 },
    ],
    def,
  );
  const codes = ['LUC', 'CLN', 'ONT', 'NTS', 'HNK'];
  const perRow = 1000;
  for (let i = 0; i < N; i++) {
    // 20 m parcels with 6 vertices on a grid over Cao Lãnh and beyond (inside the province).
    const lon = 105.3 + (i % perRow) * 0.0003;
    const lat = 10.2 + Math.floor(i / perRow) * 0.0003;
    const d = 0.00018;
    const ring = [
      [lon, lat],
      [lon + d, lat],
      [lon + d, lat + d / 2],
      [lon + d, lat + d],
      [lon, lat + d],
      [lon, lat],
    ].map(([x, y]) => project(x!, y!));
    await w.write({ type: 'Polygon', coordinates: [ring] }, [
      '29890',
      1 + Math.floor(i / 5000),
      1 + (i % 5000),
      codes[i % 5],
      400 + (i % 300),
      `Ấp ${1 + (i % 7)}, xã Tân Thuận Tây`,
    ]);
  }
  const files = await w.close();
  const zip = `${base}.zip`;
  const z = new yazl.ZipFile();
  for (const f of files) z.addFile(f, path.basename(f), { compress: false });
  z.end();
  await new Promise<void>((resolve, reject) => z.outputStream.pipe(fs.createWriteStream(zip)).on('close', resolve).on('error', reject));
  return { shp: `${base}.shp`, zip };
}

async function main(): Promise<void> {
  try {
    execFileSync('ogr2ogr', ['--version'], { stdio: 'ignore' });
  } catch {
    log('ogr2ogr is not installed (apt-get install gdal-bin); skipped');
    return;
  }
  const admin = databaseUrl();
  const name = `bench_import_${process.pid}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const url = withDatabase(admin, name);
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'bench-import-'));
  const db = await openPgDb(url, { maxPool: 4 });
  try {
    await migrate(db);
    const { rows } = await db.query<{ id: number }>(
      `INSERT INTO users (username, password_hash, role, display_name) VALUES ('bench', 'x', 'admin', 'bench') RETURNING id`,
    );
    const viewer = { userId: Number(rows[0]!.id), role: 'admin' as const, communes: [], farmerId: null, via: 'none' as const };
    log(`writing a ${N.toLocaleString('en')}-parcel VN-2000 (EPSG:5897) shapefile…`);
    const { shp, zip } = await writeShapefile(dir);
    log(`shapefile ${(fs.statSync(shp).size / 1024 ** 2).toFixed(1)} MB (.shp), zip ${(fs.statSync(zip).size / 1024 ** 2).toFixed(1)} MB`);

    // ogr2ogr: COPY into its own table, reprojected with the same explicit datum shift.
    const t0 = performance.now();
    const ogr = spawnSync(
      'ogr2ogr',
      [
        '-f',
        'PostgreSQL',
        `PG:${pgConnString(url)}`,
        shp,
        '-nln',
        'ogr_parcels',
        '-nlt',
        'MULTIPOLYGON',
        '-lco',
        'GEOMETRY_NAME=geom',
        '-s_srs',
        crsByCode('EPSG:5897')!.proj4,
        '-t_srs',
        'EPSG:4326',
        '-gt',
        '65536',
        '--config',
        'PG_USE_COPY',
        'YES',
      ],
      { encoding: 'utf8' },
    );
    const ogrMs = performance.now() - t0;
    if (ogr.status !== 0) throw new Error(`ogr2ogr failed: ${ogr.stderr}`);

    const rss0 = process.memoryUsage().rss;
    const t1 = performance.now();
    let last = 0;
    const report = await runImport(db, zip, {
      collection: 'parcels',
      dryRun: false,
      viewer,
      fileName: path.basename(zip),
      defaults: { commune_ref_date: '2004-01-01' },
      maxProblems: 50,
      onProgress: (p) => {
        if (p.read - last >= N / 5 || p.phase !== 'reading') {
          last = p.read;
          log(
            `  ours: ${p.phase} ${p.read.toLocaleString('en')}/${p.total?.toLocaleString('en') ?? '?'} (${((performance.now() - t1) / 1000).toFixed(1)} s, rss ${(process.memoryUsage().rss / 1024 ** 2).toFixed(0)} MB)`,
          );
        }
      },
    });
    const oursMs = performance.now() - t1;
    const maxRssMb = process.resourceUsage().maxRSS / 1024;
    const counts = await db.query<{ ours: number; ogr: number }>(
      `SELECT (SELECT count(*) FROM parcels)::int AS ours, (SELECT count(*) FROM ogr_parcels)::int AS ogr`,
    );
    log(
      `rows: ours ${counts.rows[0]!.ours}, ogr2ogr ${counts.rows[0]!.ogr}; report inserted ${report.counts.inserted}, refused ${report.counts.refused}`,
    );
    log(`ogr2ogr: ${(ogrMs / 1000).toFixed(2)} s (COPY, no validation)`);
    log(`ours:    ${(oursMs / 1000).toFixed(2)} s (parse, reproject, validate, CRS guard, upsert by key, one transaction)`);
    log(`ratio ours/ogr2ogr: ${(oursMs / ogrMs).toFixed(2)}× (target ≤ 2×)`);
    log(`peak RSS of this process: ${maxRssMb.toFixed(0)} MB (${(rss0 / 1024 ** 2).toFixed(0)} MB before the import; bound 1024 MB)`);
  } finally {
    await db.close();
    await fs.promises.rm(dir, { recursive: true, force: true });
    if (!values.keep) {
      const d = new pg.Client({ connectionString: admin });
      await d.connect();
      await d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await d.end();
    }
  }
}

// libpq key=value form for GDAL's PG: driver.
function pgConnString(url: string): string {
  const u = new URL(url);
  return `host=${u.hostname} port=${u.port || 5432} dbname=${u.pathname.slice(1)} user=${decodeURIComponent(u.username)} password=${decodeURIComponent(u.password)}`;
}

await main();
