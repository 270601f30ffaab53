// The map-data CSV export keeps a spreadsheet from running a text cell as a formula (CSV injection):
// a product named =HYPERLINK("…") opened in Excel would be a live link. Such text cells are written
// behind an apostrophe, as the growing-area profile's CSV writes them; numbers stay numbers; and the
// importer reads the neutralised cells back, so an export imported again gives back exactly what was
// exported, the apostrophes a name really began with included.
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { ANONYMOUS } from '../../server/contracts/viewer.ts';
import type { Db } from '../../server/db/index.ts';
import { parseCsv } from '../../server/io/formats/csv.ts';
import { runImport } from '../../server/io/import.ts';
import { openMigratedTestDb } from '../helpers/test-db.ts';
import { prepareIoDb, tempDir } from '../fixtures/io/builders.ts';

let db: Db;
let app: FastifyInstance;
let tmp: { dir: string; remove(): Promise<void> };
const admin = { ...ANONYMOUS, userId: 1, role: 'admin' as const };

// Each text a spreadsheet would run, and the cell the file must hold for it.
const HOSTILE: [key: string, product: string, cell: string][] = [
  ['h1', '=HYPERLINK("http://evil.example","Xoài")', `'=HYPERLINK("http://evil.example","Xoài")`],
  ['h2', '+84 912 345 678 Xoài', `'+84 912 345 678 Xoài`],
  ['h3', '-2+3 Sen', `'-2+3 Sen`],
  ['h4', '@SUM(1+1) Lúa', `'@SUM(1+1) Lúa`],
  ['h5', "'=đã có dấu nháy", `''=đã có dấu nháy`],
  ['h6', '-5', '-5'],
  ['h7', "Xoài 'Cát Chu'", "Xoài 'Cát Chu'"],
];

const PRODUCTS_SQL = `SELECT source_key AS key, concat_ws('|', producer_kind, producer_name, product, category, season, volume_tonnes, address, commune_code) AS attrs
  FROM products ORDER BY source_key`;

beforeAll(async () => {
  db = await openMigratedTestDb();
  await prepareIoDb(db);
  app = await buildApp({ config: loadConfig({ LOG_LEVEL: 'silent', SEED: 'false' }), db, ready: { value: true } }, { logger: false });
  tmp = await tempDir();
  for (const [i, [key, product]] of HOSTILE.entries()) {
    await db.query(
      `INSERT INTO products (producer_kind, producer_name, product, category, season, volume_tonnes, address, commune_code, source_key, geom)
       VALUES ('cooperative', $1, $2, 'fruit', 'quanh năm', $3, '=1+1 Ấp Mỹ Thới', '29869', $4, ST_SetSRID(ST_MakePoint($5, 10.46), 4326))`,
      [i === 0 ? '@HTX Xoài' : 'HTX Mỹ Xương', product, i === 0 ? 0 : 1200.5 + i, key, 105.63 + i * 0.001],
    );
  }
});

afterAll(async () => {
  await app?.close();
  await db?.close();
  await tmp?.remove();
});

async function exportCsv(): Promise<{ file: string; rows: string[][] }> {
  const res = await app.inject({ method: 'GET', url: '/api/export/products?format=csv' });
  expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
  const file = path.join(tmp.dir, `${Date.now()}-products.csv`);
  await fs.promises.writeFile(file, res.rawPayload);
  return { file, rows: [...parseCsv(res.body.replace(/^\uFEFF/, ''), ',')] };
}

describe('the map-data CSV and formulas', () => {
  it('writes a text cell starting with = + - @ behind an apostrophe, and leaves numbers and plain text as they are', async () => {
    const { rows } = await exportCsv();
    const [header, ...body] = rows;
    const at = (name: string) => header!.indexOf(name);
    expect(at('product')).toBeGreaterThanOrEqual(0);
    const byKey = new Map(body.map((r) => [r[at('source_key')], r]));
    for (const [key, , cell] of HOSTILE) expect(byKey.get(key)?.[at('product')], key).toBe(cell);
    expect(byKey.get('h1')?.[at('producer_name')]).toBe(`'@HTX Xoài`);
    expect(byKey.get('h2')?.[at('address')]).toBe(`'=1+1 Ấp Mỹ Thới`);
    // Numbers are numbers: the volume (0 and 1201.5…) and the coordinates in the WKT, none behind an apostrophe.
    expect(byKey.get('h1')?.[at('volume_tonnes')]).toBe('0');
    expect(byKey.get('h2')?.[at('volume_tonnes')]).toBe('1201.5');
    expect(byKey.get('h1')?.[at('wkt')]).toMatch(/^POINT ?\(105\.63 10\.46\)$/);
    expect(body.flat().filter((cell) => /^[=+\-@\t\r]/.test(cell))).toEqual(['-5']);
  });

  it('imports the file back to exactly the rows it was made from', async () => {
    const before = (await db.query<{ key: string; attrs: string }>(PRODUCTS_SQL)).rows;
    expect(before.map((r) => r.attrs).join('\n')).toContain('=HYPERLINK');
    const { file } = await exportCsv();
    await db.exec('DELETE FROM products');
    const report = await runImport(db, file, { collection: 'products', dryRun: false, viewer: admin, fileName: 'products.csv' });
    expect(report.counts, JSON.stringify(report).slice(0, 800)).toMatchObject({ inserted: HOSTILE.length });
    expect((await db.query<{ key: string; attrs: string }>(PRODUCTS_SQL)).rows).toEqual(before);
  });
});
