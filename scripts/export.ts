// `npm run export -- COLLECTION [--format geojson|shapefile|kml|csv|gpkg] [--crs EPSG:5897]
//   [--bbox minLon,minLat,maxLon,maxLat] [--filter name=value …] [--out FILE]`
// Writes a collection from the database the environment names, as the local operator (every
// public column; personal data is never exported by this path either).
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config.ts';
import { openDb } from '../server/db/index.ts';
import { migrate } from '../server/db/migrate.ts';
import { EXPORT_FORMATS, exportCollection, type ExportFormat } from '../server/io/export.ts';
import { TARGETS, type Target } from '../server/io/targets.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    format: { type: 'string', default: 'geojson' },
    crs: { type: 'string' },
    bbox: { type: 'string' },
    filter: { type: 'string', multiple: true },
    out: { type: 'string' },
  },
});

const collection = positionals[0] as Target['collection'] | undefined;
if (!collection || !(collection in TARGETS)) {
  console.error(`export: give a collection: ${Object.keys(TARGETS).join(', ')}`);
  process.exit(2);
}
const format = values.format as ExportFormat;
if (!EXPORT_FORMATS.includes(format)) {
  console.error(`export: --format must be one of ${EXPORT_FORMATS.join(', ')}`);
  process.exit(2);
}
const bbox = values.bbox?.split(',').map(Number) as [number, number, number, number] | undefined;
const filters = Object.fromEntries((values.filter ?? []).map((f) => f.split('=') as [string, string]));

const db = await openDb(loadConfig(), (m) => console.error(m));
try {
  await migrate(db);
  const result = await exportCollection(db, {
    collection,
    format,
    viewer: { userId: null, role: 'admin', communes: [], farmerId: null, via: 'none' },
    ...(bbox ? { bbox } : {}),
    ...(values.crs ? { crs: values.crs } : {}),
    filters,
  });
  const out = path.resolve(values.out ?? result.filename);
  await fs.promises.copyFile(result.file, out);
  await result.cleanup();
  console.log(`${result.count} features → ${out}`);
} catch (error) {
  console.error(`export: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await db.close();
}
