// What the import screen's browser tests share: opening the screen as the ward's officer, and a
// small VN-2000 shapefile of plots in that ward to feed it.
import type { Page } from 'playwright-core';
import { project, shapefileZip, type ShpFeature } from '../fixtures/io/builders.ts';
import { insidePoint } from '../helpers/import-fixture.ts';
import type { DbfColumn } from '../../server/io/formats/dbf.ts';
import { ACCOUNTS, signIn, waitForMap, type TestServer } from './harness.ts';

/** Opens the app, signs the officer in and shows the tools tab with the import screen. */
export async function openImport(page: Page, server: TestServer): Promise<void> {
  await page.goto(server.url);
  await waitForMap(page);
  await signIn(page, ACCOUNTS.officer);
  await page.click('[data-tab=tools], #tab-tools');
  await page.waitForSelector('#import-panel');
}

const COLUMNS: DbfColumn[] = [
  { name: 'Ma', type: 'C', length: 20, decimals: 0 },
  { name: 'MaXa', type: 'C', length: 5, decimals: 0 },
  { name: 'CayTrong', type: 'C', length: 30, decimals: 0 },
];

/** Three mango plots of ward 29869 keyed `prefix-k`, `dy` degrees north of a point inside it, zipped as a VN-2000 shapefile in `dir`. */
export async function wardPlotsZip(server: TestServer, dir: string, prefix: string, dy: number): Promise<string> {
  const [lon, lat] = await insidePoint(server.db, '29869');
  const features: ShpFeature[] = Array.from({ length: 3 }, (_, k) => {
    const [x, y] = [lon + k * 0.0003, lat + dy];
    const ring = [
      [x, y],
      [x + 0.00015, y],
      [x + 0.00015, y + 0.00015],
      [x, y + 0.00015],
      [x, y],
    ];
    return { geometry: project({ type: 'Polygon', coordinates: [ring] }, 'EPSG:5897'), values: [`${prefix}-${k}`, '29869', 'Xoài'] };
  });
  return shapefileZip(dir, prefix.toLowerCase(), 'polygon', COLUMNS, features, { crs: 'EPSG:5897' });
}
