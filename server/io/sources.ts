import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../plugins/errors.ts';
import { openCsv } from './formats/csv.ts';
import { openGeoJson } from './formats/geojson.ts';
import { openGpkg } from './formats/gpkg.ts';
import { openGpx } from './formats/gpx.ts';
import { openKml } from './formats/kml.ts';
import { openShapefiles } from './formats/shapefile.ts';
import { extractZip } from './zip.ts';
import type { OpenedSource, ReadLimits, ReadOptions, SourceLayer } from './types.ts';

/** Options for opening any supported file. */
export type OpenOptions = ReadOptions & { axis?: 'ne' | 'en' };

type Format = OpenedSource['format'] | 'zip';

// Extensions of the supported types that content sniffing reads by their first bytes (a zip's "PK",
// GeoPackage's SQLite header, KML's and GPX's "<", GeoJSON's "{" or "["); CSV is read by its name.
const CLAIMED_TYPES: readonly { ext: RegExp; type: string; code: 'BAD_ARCHIVE' | 'BAD_FILE' }[] = [
  { ext: /\.zip$/i, type: 'zip', code: 'BAD_ARCHIVE' },
  { ext: /\.(geojson|json)$/i, type: 'GeoJSON', code: 'BAD_FILE' },
  { ext: /\.kml$/i, type: 'KML', code: 'BAD_FILE' },
  { ext: /\.gpx$/i, type: 'GPX', code: 'BAD_FILE' },
  { ext: /\.gpkg$/i, type: 'GeoPackage', code: 'BAD_FILE' },
];

async function sniff(file: string, name: string): Promise<Format> {
  const fd = await fs.promises.open(file, 'r');
  const head = Buffer.alloc(512);
  const { bytesRead } = await fd.read(head, 0, 512, 0);
  await fd.close();
  const bytes = head.subarray(0, bytesRead);
  if (bytes.length === 0) throw new AppError('BAD_FILE', `${name} is empty.`);
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return 'zip';
  if (bytes.subarray(0, 16).toString('latin1') === 'SQLite format 3\0') return 'gpkg';
  const text = bytes
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (text.startsWith('<')) {
    if (/<gpx[\s>]/i.test(text)) return 'gpx';
    if (/<kml[\s>]/i.test(text)) return 'kml';
    if (/\.gpx$/i.test(name)) return 'gpx';
    if (/\.kml$/i.test(name)) return 'kml';
    // A page saved as .geojson (an HTML error page downloaded instead of the file) is not GeoJSON.
    const claimed = CLAIMED_TYPES.find((c) => c.ext.test(name));
    if (claimed) throw new AppError(claimed.code, `${name} is not valid ${claimed.type}: it holds XML or HTML.`);
    throw new AppError('UNSUPPORTED_FORMAT', `${name} is XML but neither KML nor GPX.`);
  }
  if (text.startsWith('{') || text.startsWith('[')) return 'geojson';
  // A file named as a supported type whose bytes are not of it is damaged (or renamed): said as
  // such, 400 with the type named, not 415 "unsupported type" for a type the user did choose.
  const claimed = CLAIMED_TYPES.find((c) => c.ext.test(name));
  if (claimed) throw new AppError(claimed.code, `${name} is not valid ${claimed.type}: it is damaged, or another kind of file renamed.`);
  if (/\.(csv|tsv|txt)$/i.test(name) || /^[^\n]*[,;\t][^\n]*\n/.test(text)) return 'csv';
  if (/\.shp$/i.test(name))
    throw new AppError(
      'UNSUPPORTED_FORMAT',
      'A shapefile is several files: zip the .shp, .shx, .dbf, .prj and .cpg together and send the zip.',
    );
  throw new AppError(
    'UNSUPPORTED_FORMAT',
    `${name}: unknown format. Send a zipped shapefile, GeoJSON, KML, GPX, CSV with coordinates, or a GeoPackage.`,
  );
}

async function openOne(
  format: OpenedSource['format'],
  file: string,
  name: string,
  options: OpenOptions,
  warnings: string[],
  closers: Array<() => void>,
): Promise<SourceLayer[]> {
  const stem = path.basename(name).replace(/\.[^.]+$/, '');
  switch (format) {
    case 'geojson':
      return [await openGeoJson(file, stem, options)];
    case 'kml':
      return [openKml(file, stem)];
    case 'gpx':
      return [openGpx(file, stem)];
    case 'csv':
      return [await openCsv(file, stem, options)];
    case 'gpkg': {
      const g = await openGpkg(file, options);
      closers.push(g.close);
      return g.layers;
    }
    case 'shapefile':
      throw new AppError('UNSUPPORTED_FORMAT', 'A shapefile must come zipped with its .shx and .dbf.');
  }
}

/**
 * Opens an uploaded file of any supported format: zips are extracted (within the limits) to a
 * private temporary folder, which close() removes. Nothing is read beyond headers until the
 * caller iterates the layers' features.
 */
export async function openSource(file: string, name: string, options: OpenOptions, limits: ReadLimits): Promise<OpenedSource> {
  const format = await sniff(file, name);
  const warnings: string[] = [];
  const closers: Array<() => void> = [];
  if (format !== 'zip') {
    const layers = await openOne(format, file, name, options, warnings, closers);
    return { format, layers, warnings, close: async () => closers.forEach((c) => c()) };
  }
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'bando-import-'));
  const cleanup = async () => {
    closers.forEach((c) => c());
    await fs.promises.rm(dir, { recursive: true, force: true });
  };
  try {
    const names = await extractZip(file, dir, limits);
    if (names.some((n) => /\.shp$/i.test(n))) {
      const layers = await openShapefiles(dir, names, options, warnings);
      return { format: 'shapefile', layers, warnings, close: cleanup };
    }
    if (names.some((n) => /\.(shx|dbf)$/i.test(n))) {
      throw new AppError(
        'BAD_FILE',
        `The zip has ${names.filter((n) => /\.(shx|dbf|prj)$/i.test(n)).join(', ')} but no .shp: add the .shp.`,
      );
    }
    const inner = names.find((n) => /\.(geojson|json|kml|gpx|csv|gpkg)$/i.test(n));
    if (!inner) throw new AppError('BAD_FILE', 'The zip holds no shapefile, GeoJSON, KML, GPX, CSV or GeoPackage.');
    const innerFormat = await sniff(path.join(dir, inner), inner);
    if (innerFormat === 'zip') throw new AppError('BAD_FILE', 'A zip inside a zip is not accepted.');
    const layers = await openOne(innerFormat, path.join(dir, inner), inner, options, warnings, closers);
    return { format: innerFormat, layers, warnings, close: cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
