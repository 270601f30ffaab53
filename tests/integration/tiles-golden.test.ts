import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/index.ts';
import { PUBLIC_SCOPE, TileEngine } from '../../tiles/index.ts';
import { testDbKind } from '../helpers/test-db.ts';
import { describeTile, openTileFixtureDb, tileAt } from '../helpers/tile-fixtures.ts';

// Re-bless after a reviewed change: npm run test:bless-tiles (then read the diff of tests/golden/tiles).
const BLESS = process.env.BLESS_GOLDEN === '1';
const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../golden/tiles');

/** A few tiles that together cover every encoder path: polygons, lines, points, generalized cells, joins. */
const GOLDEN: [name: string, source: string, lon: number, lat: number, z: number][] = [
  ['parcels-z17', 'parcels', 105.6345, 10.4655, 17],
  ['parcels-z14', 'parcels', 105.6345, 10.4655, 14],
  ['landuse-z10-generalized', 'landuse', 105.6325, 10.4625, 10],
  ['zones-z15', 'zones', 105.644, 10.474, 15],
  ['roads-z14', 'roads', 105.635, 10.455, 14],
  ['products-z15', 'products', 105.6355, 10.466, 15],
  ['plots-z16', 'plots', 105.6352, 10.4655, 16],
  ['admin-z11', 'admin', 105.63, 10.465, 11],
];

let db: Db;
let engine: TileEngine;
beforeAll(async () => {
  db = await openTileFixtureDb();
  engine = await TileEngine.open(db, db.capabilities, { cacheBytes: 0, encoder: 'js' });
});
afterAll(async () => db?.close());

/** Feature lines only (ids and attributes), for databases whose GEOS simplifies a vertex differently. */
const headers = (text: string) =>
  text
    .split('\n')
    .filter((l) => l.startsWith('layer') || l.startsWith('  #'))
    .map((l) => l.replace(/^ {2}#\d+ /, '  # '))
    .sort();

describe('golden tiles (decoded text)', () => {
  it.each(GOLDEN)('%s matches its golden file', async (name, source, lon, lat, z) => {
    const text = describeTile(await engine.render(source, tileAt(lon, lat, z), PUBLIC_SCOPE));
    const file = path.join(DIR, `${name}.txt`);
    if (BLESS && testDbKind === 'embedded') {
      await fs.mkdir(DIR, { recursive: true });
      await fs.writeFile(file, text);
    }
    const golden = await fs.readFile(file, 'utf8');
    // The golden files are blessed on the embedded database (PostGIS 3.6, coverage simplification);
    // a server PostGIS 3.3 must still give the same features and attributes.
    if (testDbKind === 'embedded') expect(text).toBe(golden);
    else expect(headers(text)).toEqual(headers(golden));
  });
});
