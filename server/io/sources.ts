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
  { ext: /\.kmz$/i, type: 'KMZ', code: 'BAD_ARCHIVE' },
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

/**
 * Whether a KML file has a NetworkLink (a placemark list loaded from elsewhere, often a URL): the
 * importer never fetches one (a server asked to read a user's file must not reach addresses the file
 * names), so the report says why those placemarks are missing. Scanned in chunks, not held whole.
 */
async function linksOut(file: string): Promise<boolean> {
  const tag = /<(?:[A-Za-z_][\w.-]*:)?NetworkLink[\s>]/;
  let tail = '';
  for await (const chunk of fs.createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 16 })) {
    const text = tail + (chunk as string);
    if (tag.test(text)) return true;
    tail = text.slice(-64);
  }
  return false;
}

/**
 * A KMZ (what Google Earth, My Maps and many field apps save by default) is a zip of one KML, doc.kml
 * by convention, beside the images its styles use: read as that KML. Nothing else in it is read.
 */
async function openKmz(
  dir: string,
  names: string[],
  name: string,
  options: OpenOptions,
  warnings: string[],
  closers: Array<() => void>,
): Promise<SourceLayer[]> {
  const kmls = names.filter((n) => /\.kml$/i.test(n));
  const inner = kmls.find((n) => n.toLowerCase() === 'doc.kml') ?? kmls[0];
  if (!inner) throw new AppError('BAD_FILE', `${name} holds no .kml: a KMZ keeps its placemarks in doc.kml.`);
  if (kmls.length > 1) warnings.push(`${name} holds ${kmls.length} KML files; only ${inner} is read.`);
  if ((await sniff(path.join(dir, inner), inner)) !== 'kml') throw new AppError('BAD_FILE', `${inner} in ${name} is not KML.`);
  // Named as the KMZ the person chose (its layer 'thua', its warnings 'thua.kmz …'), not its inner doc.kml.
  return openOne('kml', path.join(dir, inner), name, options, warnings, closers);
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
      if (await linksOut(file))
        warnings.push(
          `${name} links to other files (NetworkLink): they are not fetched; only the placemarks written in ${name} itself are read.`,
        );
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
    if (/\.kmz$/i.test(name)) {
      const layers = await openKmz(dir, names, name, options, warnings, closers);
      return { format: 'kml', layers, warnings, close: cleanup };
    }
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
