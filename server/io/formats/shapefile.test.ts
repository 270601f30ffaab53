import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PARCEL_COLUMNS, parcelGrid, project, shapefileZip, tempDir } from '../../../tests/fixtures/io/builders.ts';
import { DEFAULT_READ_LIMITS } from '../types.ts';
import { extractZip } from '../zip.ts';
import { openShapefiles } from './shapefile.ts';

// Files of `dir` this process holds open (Linux): a refused upload must leave none behind. Only
// descriptors pointing into the folder count, so the test runner's own files do not disturb it.
function openIn(dir: string): number {
  let n = 0;
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      if (fs.readlinkSync(`/proc/self/fd/${fd}`).startsWith(`${dir}${path.sep}`)) n++;
    } catch {
      // Closed between the listing and the look.
    }
  }
  return n;
}

describe('a shapefile refused while its layers are opened', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    tmp = await tempDir();
  });
  afterAll(async () => {
    await tmp.remove();
  });

  it('a layer without .prj (UNKNOWN_CRS) closes its .dbf, and so do the layers opened before it', async () => {
    const features = parcelGrid(3).map((p) => ({
      geometry: project(p.geometry, 'EPSG:5897'),
      values: ['29890', p.sheet, p.parcel, p.code, p.area, p.address],
    }));
    const good = await shapefileZip(tmp.dir, 'a_good', 'polygon', PARCEL_COLUMNS, features, { crs: 'EPSG:5897' });
    const bare = await shapefileZip(tmp.dir, 'b_bare', 'polygon', PARCEL_COLUMNS, features, { crs: 'EPSG:5897', prj: null });
    const dir = path.join(tmp.dir, 'both');
    fs.mkdirSync(dir);
    const names = [...(await extractZip(good, dir, DEFAULT_READ_LIMITS)), ...(await extractZip(bare, dir, DEFAULT_READ_LIMITS))];
    expect(names.filter((n) => n.endsWith('.shp')).sort()).toEqual(['a_good.shp', 'b_bare.shp']);
    expect(openIn(dir)).toBe(0);
    for (let i = 0; i < 5; i++) {
      await expect(openShapefiles(dir, names, {}, [])).rejects.toMatchObject({ code: 'UNKNOWN_CRS' });
    }
    expect(openIn(dir)).toBe(0);
  });
});
