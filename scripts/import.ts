// `npm run import -- FILE --into COLLECTION [--dry-run] [--repair] [--strict] [--crs EPSG:5897]
//   [--encoding tcvn3|vni|windows-1258|utf-8] [--axis ne|en] [--no-datum-shift] [--commune 29890]
//   [--commune-date YYYY-MM-DD] [--map ID] [--plan ID] [--mapping '{"sheet":"SoTo"}'] [--user NAME] [--json]`
// Imports a file into the database the environment names (DATABASE_URL, or the embedded one), as
// one transaction, with a progress bar on stderr and the report on stdout.
import { parseArgs } from 'node:util';
import path from 'node:path';
import { loadConfig } from '../server/config.ts';
import type { Viewer } from '../server/contracts/viewer.ts';
import { openDb, type Db } from '../server/db/index.ts';
import { migrate } from '../server/db/migrate.ts';
import type { TextEncoding } from '../server/io/encoding.ts';
import { runImport, type ImportProgress, type ImportReport } from '../server/io/import.ts';
import { TARGETS, type Target } from '../server/io/targets.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    into: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    repair: { type: 'boolean', default: false },
    strict: { type: 'boolean', default: false },
    crs: { type: 'string' },
    encoding: { type: 'string' },
    axis: { type: 'string' },
    'no-datum-shift': { type: 'boolean', default: false },
    commune: { type: 'string' },
    'commune-date': { type: 'string' },
    map: { type: 'string' },
    plan: { type: 'string' },
    mapping: { type: 'string' },
    user: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});

function fail(message: string): never {
  console.error(`import: ${message}`);
  process.exit(2);
}

/** A progress bar on stderr, redrawn at most every 100 ms. */
function progressBar(stream: NodeJS.WriteStream = process.stderr): (p: ImportProgress) => void {
  let last = 0;
  const started = Date.now();
  return (p) => {
    const now = Date.now();
    if (now - last < 100 && p.phase !== 'done') return;
    last = now;
    const rate = p.read / Math.max(0.001, (now - started) / 1000);
    const width = 30;
    const share = p.total ? Math.min(1, p.read / p.total) : null;
    const bar =
      share === null
        ? ''
        : `[${'#'.repeat(Math.round(share * width)).padEnd(width, '-')}] ${String(Math.round(share * 100)).padStart(3)}% `;
    const line = `${bar}${p.read.toLocaleString('en')}${p.total ? `/${p.total.toLocaleString('en')}` : ''} features · ${Math.round(rate).toLocaleString('en')}/s · ${p.phase}`;
    if (stream.isTTY) stream.write(`\r${line.padEnd(90)}`);
    else if (p.phase !== 'reading' || share === null || Math.round(share * 100) % 10 === 0) stream.write(`${line}\n`);
    if (p.phase === 'done' && stream.isTTY) stream.write('\n');
  };
}

async function viewerFor(db: Db, username: string | undefined): Promise<Viewer> {
  const { rows } = await db.query<{ id: number; role: Viewer['role']; communes: string[] }>(
    `SELECT u.id, u.role, coalesce(array_agg(c.commune_code) FILTER (WHERE c.commune_code IS NOT NULL), '{}') AS communes
     FROM users u LEFT JOIN user_communes c ON c.user_id = u.id
     WHERE u.active AND ${username ? 'u.username = $1' : `u.role = 'admin'`} GROUP BY u.id ORDER BY u.id LIMIT 1`,
    username ? [username] : [],
  );
  const u = rows[0];
  if (!u)
    fail(
      username ? `no active user "${username}"` : 'no admin user in the database; pass --user NAME (the import is logged under that user)',
    );
  return { userId: Number(u.id), role: u.role, communes: u.communes, farmerId: null, via: 'none' };
}

function summary(r: ImportReport): string {
  const lines = [
    `${r.dryRun ? 'Dry run' : r.committed ? 'Imported' : 'Nothing written'}: ${r.file} (${r.format}) → ${r.collection}`,
    ...r.layers.map(
      (l) =>
        `  layer ${l.name}: ${l.features} features, ${l.crs.code} (${l.crs.matchedBy})${l.encoding ? `, text ${l.encoding.encoding} (${l.encoding.source})` : ''}${l.skipped ? `, skipped: ${l.skipped}` : ''}`,
    ),
    `  read ${r.counts.read}, valid ${r.counts.valid}, refused ${r.counts.refused}; inserted ${r.counts.inserted}, updated ${r.counts.updated}, unchanged ${r.counts.unchanged}; warnings ${r.counts.warnings}`,
    ...Object.entries(r.problemCounts).map(([code, n]) => `  ${code}: ${n}`),
    ...r.problems.slice(0, 20).map((p) => `  ${p.severity === 'error' ? '✗' : '!'} ${p.layer} #${p.index} ${p.code}: ${p.message}`),
    ...(r.problems.length > 20 || r.problemsOmitted
      ? [`  … ${r.problems.length - 20 + r.problemsOmitted} more (--json for all listed)`]
      : []),
    ...(r.crsDiagnosis ? [`  Likely cause: ${r.crsDiagnosis.message} ${r.crsDiagnosis.fix}`] : []),
    ...r.warnings.map((w) => `  note: ${w}`),
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const file = positionals[0];
  if (!file) fail('give the file to import: npm run import -- FILE --into parcels');
  const into = values.into as Target['collection'] | undefined;
  if (!into || !(into in TARGETS)) fail(`--into must be one of ${Object.keys(TARGETS).join(', ')}`);
  const config = loadConfig();
  const db = await openDb(config, (m) => console.error(m));
  try {
    await migrate(db);
    const viewer = await viewerFor(db, values.user);
    const defaults: Record<string, string | number> = {};
    if (values.commune) defaults.commune_code = values.commune;
    if (values['commune-date']) defaults.commune_ref_date = values['commune-date'];
    if (values.map) defaults.map_id = Number(values.map);
    if (values.plan) defaults.plan_id = Number(values.plan);
    let mapping: Record<string, string> | undefined;
    if (values.mapping) {
      try {
        mapping = JSON.parse(values.mapping) as Record<string, string>;
      } catch {
        fail('--mapping must be JSON such as {"sheet":"SoTo"}');
      }
    }
    const controller = new AbortController();
    // Ctrl-C rolls the single transaction back: nothing is left half-imported.
    process.once('SIGINT', () => controller.abort());
    const report = await runImport(db, path.resolve(file), {
      collection: into,
      dryRun: values['dry-run'] ?? false,
      repair: values.repair ?? false,
      strict: values.strict ?? false,
      ...(mapping ? { mapping } : {}),
      defaults,
      read: {
        ...(values.crs ? { crs: values.crs } : {}),
        ...(values.encoding ? { encoding: values.encoding as TextEncoding } : {}),
        ...(values.axis ? { axis: values.axis as 'ne' | 'en' } : {}),
        ...(values['no-datum-shift'] ? { datumShift: false } : {}),
      },
      viewer,
      fileName: path.basename(file),
      signal: controller.signal,
      onProgress: progressBar(),
    });
    console.log(values.json ? JSON.stringify(report, null, 2) : summary(report));
    process.exitCode = report.counts.refused > 0 && report.counts.valid === 0 ? 1 : 0;
  } catch (error) {
    console.error(`import: ${(error as Error).message}`);
    process.exitCode = 1;
  } finally {
    await db.close();
  }
}

await main();
