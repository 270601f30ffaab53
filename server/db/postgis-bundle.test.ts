import fs from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { postgis } from '@electric-sql/pglite-postgis';
import { describe, expect, it } from 'vitest';
import { filterTar, keepInBundle, trimmedBundle } from './postgis-bundle.ts';

/** One ustar entry: header (name, size, type, checksum) and its data padded to 512-byte blocks. */
function entry(name: string, data: string | Buffer, type = '0'): Buffer {
  const body = Buffer.isBuffer(data) ? data : Buffer.from(data);
  const header = Buffer.alloc(512);
  header.write(name.slice(0, 100), 0, 'utf8');
  header.write('0000644\0', 100);
  header.write(`${body.length.toString(8).padStart(11, '0')}\0`, 124);
  header.write('00000000000\0', 136);
  header.write(type, 156);
  header.write('ustar\0' + '00', 257);
  header.fill(' ', 148, 156);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return Buffer.concat([header, body, Buffer.alloc((512 - (body.length % 512)) % 512)]);
}

function pax(path: string): Buffer {
  const record = (len: number) => `${len} path=${path}\n`;
  let len = record(0).length;
  while (record(len).length !== len) len = record(len).length;
  return entry('PaxHeader', record(len), 'x');
}

function names(tar: Buffer): string[] {
  return filterTar(tar, () => true).kept;
}

describe('keepInBundle', () => {
  it('keeps PostGIS, its install script and control file, and PROJ’s data', () => {
    for (const name of [
      'lib/postgresql/postgis-3.so',
      'share/postgresql/extension/postgis.control',
      'share/postgresql/extension/postgis--3.6.2.sql',
      'share/proj/proj.db',
      'share/proj/nad83',
    ])
      expect(keepInBundle(name), name).toBe(true);
  });
  it('drops raster, topology, the tiger geocoder, upgrade scripts and the contrib copies', () => {
    for (const name of [
      'lib/postgresql/postgis_raster-3.so',
      'lib/postgresql/postgis_topology-3.so',
      'share/postgresql/extension/postgis_tiger_geocoder--3.6.2.sql',
      'share/postgresql/extension/postgis--2.4.3--3.6.2.sql',
      'share/postgresql/extension/postgis--3.6.2--ANY.sql',
      'share/postgresql/extension/postgis--unpackaged.sql',
      'share/postgresql/contrib/postgis-3.6/postgis.sql',
    ])
      expect(keepInBundle(name), name).toBe(false);
  });
});

describe('filterTar', () => {
  it('copies the kept entries whole, keeps directories, and carries a pax header with its entry', () => {
    const long = `share/proj/${'d'.repeat(120)}/grid.tif`;
    const tar = Buffer.concat([
      entry('lib/', '', '5'),
      entry('lib/a.so', 'A'.repeat(700)),
      entry('lib/b_raster.so', 'B'),
      pax(long),
      entry('share/proj/trimmed-name', 'long one'),
      pax('share/x_topology.sql'),
      entry('share/x', 'dropped by its long name'),
      Buffer.alloc(1024),
    ]);
    const { tar: out, kept } = filterTar(tar, keepInBundle);
    expect(kept).toEqual(['lib/a.so', long]);
    expect(names(out)).toEqual(['lib/a.so', long]);
    // The data of a kept entry is byte for byte the original.
    expect(out.subarray(1024, 1024 + 700).toString()).toBe('A'.repeat(700));
    expect(out.length % 512).toBe(0);
    expect(out.includes(Buffer.from('dropped by its long name'))).toBe(false);
  });
  it('refuses an archive cut short instead of writing half a bundle', () => {
    const whole = entry('lib/a.so', 'A'.repeat(2000));
    expect(() => filterTar(whole.subarray(0, 1024), keepInBundle)).toThrow(/cut short/);
  });
  it('refuses a header whose size is not a number', () => {
    const bad = entry('lib/a.so', 'A');
    bad.write('zzzzzzzzzzz\0', 124);
    expect(() => filterTar(bad, keepInBundle)).toThrow(/size/);
  });
});

describe('the installed PostGIS bundle', () => {
  it('trims to PostGIS and PROJ, a fraction of the stock bundle, and is found again without rebuilding', async () => {
    const stock = fileURLToPath((await postgis.setup({} as never, { PGLITE_ENV: {} })).bundlePath!);
    const file = await trimmedBundle(stock);
    const kept = filterTar(zlib.gunzipSync(await fs.readFile(file)), () => true).kept;
    expect(kept).toContain('lib/postgresql/postgis-3.so');
    expect(kept).toContain('share/postgresql/extension/postgis.control');
    expect(kept).toContain('share/proj/proj.db');
    expect(kept.some((n) => /^share\/postgresql\/extension\/postgis--\d+\.\d+\.\d+\.sql$/.test(n))).toBe(true);
    expect(kept.filter((n) => n.endsWith('.so'))).toEqual(['lib/postgresql/postgis-3.so']);
    const all = filterTar(zlib.gunzipSync(await fs.readFile(stock)), () => true).kept;
    expect(all.length).toBeGreaterThan(kept.length * 10);
    const { mtimeMs } = await fs.stat(file);
    expect(await trimmedBundle(stock)).toBe(file);
    expect((await fs.stat(file)).mtimeMs).toBe(mtimeMs);
  });
});
