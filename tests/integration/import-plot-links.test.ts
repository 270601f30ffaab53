import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/index.ts';
import { runImport } from '../../server/io/import.ts';
import { openTestDb } from '../helpers/test-db.ts';

// A bulk import skips the row triggers; the importer must still link plots to the parcels they
// cover (plot_parcels) and keep growing areas equal to their plots, as an edit through the API does.
describe('plots written by a bulk import', () => {
  let db: Db;
  let dir: string;
  beforeAll(async () => {
    db = await openTestDb();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bando-plot-links-'));
  });
  afterAll(async () => {
    await db?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('are linked to the parcels they cover, with shares that sum to the plot', async () => {
    // A 30 m square around the inside point of a sample rice parcel.
    const { rows: at } = await db.query<{ x: number; y: number }>(
      `SELECT ST_X(p) AS x, ST_Y(p) AS y FROM (SELECT ST_PointOnSurface(geom) AS p FROM parcels WHERE land_use_code = 'LUC' ORDER BY id LIMIT 1) s`,
    );
    const { x, y } = at[0]!;
    const d = 0.00014;
    const ring = [
      [x - d, y - d],
      [x + d, y - d],
      [x + d, y + d],
      [x - d, y + d],
      [x - d, y - d],
    ];
    const file = path.join(dir, 'plots.geojson');
    await fs.writeFile(
      file,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          { type: 'Feature', properties: { commune_code: '29869', crop: 'rice' }, geometry: { type: 'Polygon', coordinates: [ring] } },
        ],
      }),
    );
    const report = await runImport(db, file, {
      collection: 'plots',
      dryRun: false,
      viewer: {
        userId: (await db.query<{ id: number }>("SELECT id FROM users WHERE username = 'admin'")).rows[0]!.id,
        role: 'admin',
        communes: [],
        farmerId: null,
        via: 'bearer',
      },
      fileName: 'plots.geojson',
      bulkThreshold: 1,
    } as Parameters<typeof runImport>[2]);
    expect(report.counts.inserted).toBe(1);
    const { rows } = await db.query<{ n: number; share: number; area: number }>(
      `SELECT count(pp.parcel_id)::int AS n, sum(pp.share_m2) AS share, max(p.area_m2) AS area
       FROM plots p JOIN plot_parcels pp ON pp.plot_id = p.id
       WHERE p.id = (SELECT max(id) FROM plots)`,
    );
    expect(rows[0]!.n).toBeGreaterThanOrEqual(1);
    // The plot lies on land: its parcels cover it, up to slivers of roads and canals between them.
    expect(rows[0]!.share / rows[0]!.area).toBeGreaterThan(0.9);
    expect(rows[0]!.share / rows[0]!.area).toBeLessThan(1.005);
  });
});
