// PostGIS for the embedded database, without the parts this application never loads.
//
// @electric-sql/pglite-postgis ships one bundle (a gzipped tar) that PGlite unpacks into its
// in-memory file system at every start: postgis, postgis_raster and postgis_topology, three
// WebAssembly side modules of 15–17 MB each that PGlite compiles whether or not they are ever
// loaded, the tiger geocoder, and about 500 upgrade scripts. We use PostGIS itself and PROJ's data
// only. So the first start builds, from the installed bundle, one with just those (7 of its 91 MB
// unpacked), cached beside the package; PGlite is handed that one. Opening the database then takes
// ~0.9 s instead of ~2.2 s, which every `npm start`, import script and test file pays.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Extension } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';

const gunzip = promisify(zlib.gunzip);
const gzip = promisify(zlib.gzip);

const BLOCK = 512;

/**
 * Whether a file of the PostGIS bundle is needed here: everything but the raster and topology
 * extensions, the tiger geocoder, upgrade scripts (`postgis--2.4.3--3.6.2.sql`: the embedded
 * database is always created at the bundled version) and the contrib copies of the scripts.
 */
export function keepInBundle(name: string): boolean {
  const base = name.split('/').pop() ?? '';
  if (/raster|topology|tiger/i.test(name)) return false;
  if (name.startsWith('share/postgresql/contrib/')) return false;
  if (/--.+--.+\.sql$/.test(base)) return false;
  if (base === 'postgis--unpackaged.sql') return false;
  return true;
}

function field(header: Buffer, start: number, length: number): string {
  const raw = header.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? raw.length : end).toString('utf8');
}

function octal(header: Buffer, start: number, length: number): number {
  const text = field(header, start, length).trim();
  const value = text === '' ? 0 : parseInt(text, 8);
  if (!Number.isFinite(value) || value < 0) throw new Error(`bad size field "${text}" in the PostGIS bundle`);
  return value;
}

/** The value of `path=` in a pax extended header's records, if any. */
function paxPath(body: Buffer): string | undefined {
  let at = 0;
  while (at < body.length) {
    const space = body.indexOf(0x20, at);
    if (space < 0) break;
    const length = parseInt(body.subarray(at, space).toString('ascii'), 10);
    if (!Number.isFinite(length) || length <= 0) break;
    const record = body.subarray(space + 1, at + length - 1).toString('utf8');
    if (record.startsWith('path=')) return record.slice(5);
    at += length;
  }
  return undefined;
}

/**
 * A tar archive with only the entries `keep` accepts, their header and data blocks copied
 * unchanged (directories always kept; a pax header travels with its entry). Throws on a malformed
 * archive rather than guessing.
 */
export function filterTar(tar: Buffer, keep: (name: string) => boolean): { tar: Buffer; kept: string[] } {
  const out: Buffer[] = [];
  const kept: string[] = [];
  let pending: Buffer[] = [];
  let pendingPath: string | undefined;
  let at = 0;
  while (at + BLOCK <= tar.length) {
    const header = tar.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) break;
    const size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156] ?? 48);
    const entryEnd = at + BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (entryEnd > tar.length) throw new Error('the PostGIS bundle is cut short');
    const whole = tar.subarray(at, entryEnd);
    if (type === 'x') {
      pending.push(whole);
      pendingPath = paxPath(tar.subarray(at + BLOCK, at + BLOCK + size));
    } else if (type === 'g') {
      out.push(whole);
    } else {
      const prefix = field(header, 345, 155);
      const short = field(header, 0, 100);
      const name = (pendingPath ?? (prefix ? `${prefix}/${short}` : short)).replace(/^\.\//, '');
      if (type === '5' || keep(name)) {
        out.push(...pending, whole);
        if (type !== '5') kept.push(name);
      }
      pending = [];
      pendingPath = undefined;
    }
    at = entryEnd;
  }
  out.push(Buffer.alloc(BLOCK * 2));
  return { tar: Buffer.concat(out), kept };
}

/** Where the trimmed bundle of this installed package may be cached: beside the package, else in the temp folder. */
async function cachePaths(stock: string): Promise<string[]> {
  const stat = await fs.stat(stock);
  const name = `postgis-trimmed-${stat.size}-${Math.round(stat.mtimeMs)}.tar.gz`;
  const marker = `${path.sep}node_modules${path.sep}`;
  const at = stock.lastIndexOf(marker);
  const dirs = at >= 0 ? [path.join(stock.slice(0, at + marker.length), '.cache', 'bando')] : [];
  dirs.push(path.join(os.tmpdir(), 'bando-cache'));
  return dirs.map((dir) => path.join(dir, name));
}

/** Builds (or finds) the trimmed bundle for the stock bundle at `stock`; its path. */
export async function trimmedBundle(stock: string): Promise<string> {
  const candidates = await cachePaths(stock);
  for (const file of candidates) {
    try {
      await fs.access(file);
      return file;
    } catch {
      // not built yet
    }
  }
  const { tar, kept } = filterTar(await gunzip(await fs.readFile(stock)), keepInBundle);
  if (!kept.some((name) => /\/postgis-\d+\.so$/.test(name)) || !kept.some((name) => name.endsWith('/postgis.control'))) {
    throw new Error('the PostGIS bundle lacks postgis-3.so or postgis.control');
  }
  const packed = await gzip(tar, { level: 1 });
  let lastError: unknown;
  for (const file of candidates) {
    try {
      await fs.mkdir(path.dirname(file), { recursive: true });
      // Several processes may build at once (test workers): each writes its own file and renames it
      // into place, so a reader never sees half a bundle.
      const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      await fs.writeFile(temp, packed);
      await fs.rename(temp, file);
      return file;
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

let building: Promise<string | undefined> | undefined;

/**
 * PGlite's PostGIS extension, loading the trimmed bundle; falls back to the stock one (slower to
 * start, same behaviour) if the trimmed one cannot be built.
 */
export const postgisTrimmed: Extension = {
  name: 'postgis',
  async setup(pg, emscriptenOpts) {
    const stock = await postgis.setup(pg, emscriptenOpts);
    const url = stock.bundlePath;
    if (!url || url.protocol !== 'file:') return stock;
    building ??= trimmedBundle(fileURLToPath(url)).catch(() => undefined);
    const file = await building;
    return file ? { ...stock, bundlePath: pathToFileURL(file) } : stock;
  },
};
