import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import yauzl from 'yauzl';
import { AppError } from '../plugins/errors.ts';
import type { ReadLimits } from './types.ts';

// Only what an importer reads is extracted; everything else in an archive (PDF reports, .qgz
// projects, __MACOSX forks) is skipped without being inflated.
const WANTED = /\.(shp|shx|dbf|prj|cpg|geojson|json|kml|gpx|csv|gpkg)$/i;
const RATIO_FLOOR = 1024 * 1024; // small entries may compress very well (a .prj, a blank .dbf column)

/**
 * Extracts the files an importer needs from a zip into dir, flattening folders. Refuses, before
 * inflating anything, archives whose declared sizes break the limits (entry count, total size,
 * compression ratio), and stops mid-entry if the actual bytes exceed what was declared: a zip
 * bomb never gets more than the limit onto the disk. Returns the extracted names.
 */
export async function extractZip(file: string, dir: string, limits: ReadLimits): Promise<string[]> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, autoClose: true, validateEntrySizes: true, strictFileNames: false }, (err, z) =>
      err || !z
        ? reject(new AppError('BAD_ARCHIVE', `The file is not a readable zip archive (${err?.message ?? 'no entries'}).`))
        : resolve(z),
    ),
  );
  if (zip.entryCount > limits.maxZipEntries) {
    zip.close();
    throw new AppError('ZIP_LIMIT', `The zip holds ${zip.entryCount} entries; at most ${limits.maxZipEntries} are accepted.`);
  }
  const names: string[] = [];
  let total = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', (err: Error) =>
        reject(err instanceof AppError ? err : new AppError('BAD_ARCHIVE', `The zip is damaged: ${err.message}`)),
      );
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        const base = path.basename(entry.fileName.replace(/\\/g, '/'));
        if (entry.fileName.endsWith('/') || !WANTED.test(base) || entry.fileName.includes('__MACOSX') || base.startsWith('._')) {
          zip.readEntry();
          return;
        }
        if (entry.isEncrypted())
          return reject(new AppError('BAD_ARCHIVE', `${entry.fileName} is encrypted; send the archive without a password.`));
        total += entry.uncompressedSize;
        if (total > limits.maxUncompressedBytes) {
          return reject(
            new AppError(
              'ZIP_LIMIT',
              `The zip unpacks to more than ${Math.round(limits.maxUncompressedBytes / 1024 ** 2)} MB; split it or raise the import limit.`,
            ),
          );
        }
        if (
          entry.uncompressedSize > RATIO_FLOOR &&
          entry.uncompressedSize > limits.maxCompressionRatio * Math.max(1, entry.compressedSize)
        ) {
          return reject(
            new AppError(
              'ZIP_LIMIT',
              `${entry.fileName} expands ${Math.round(entry.uncompressedSize / Math.max(1, entry.compressedSize))}× (limit ${limits.maxCompressionRatio}×): refused as a possible zip bomb.`,
            ),
          );
        }
        const target = path.join(dir, uniqueName(names, base));
        names.push(path.basename(target));
        zip.openReadStream(entry, (err, stream) => {
          if (err || !stream)
            return reject(new AppError('BAD_ARCHIVE', `Cannot read ${entry.fileName} in the zip: ${err?.message ?? 'no data'}`));
          let written = 0;
          const guard = new Transform({
            transform(chunk: Buffer, _enc, cb) {
              written += chunk.length;
              // yauzl also checks the declared size; this guards the total whatever the headers claim.
              if (written > entry.uncompressedSize || written > limits.maxUncompressedBytes) {
                cb(new AppError('ZIP_LIMIT', `${entry.fileName} inflates beyond its declared size: refused as a possible zip bomb.`));
              } else cb(null, chunk);
            },
          });
          pipeline(stream, guard, fs.createWriteStream(target)).then(
            () => zip.readEntry(),
            (e: Error) =>
              reject(e instanceof AppError ? e : new AppError('BAD_ARCHIVE', `${entry.fileName} in the zip is damaged: ${e.message}`)),
          );
        });
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
  return names;
}

function uniqueName(taken: string[], base: string): string {
  if (!taken.includes(base)) return base;
  const ext = path.extname(base);
  for (let i = 2; ; i++) {
    const candidate = `${base.slice(0, -ext.length)}_${i}${ext}`;
    if (!taken.includes(candidate)) return candidate;
  }
}
