// The world of the import tests: a copy of the seeded database, a temporary folder for the GeoJSON
// files they write, the seeded administrator as a viewer, and builders of the rows of those files.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Feature } from 'geojson';
import { expect } from 'vitest';
import type { Viewer } from '../../server/contracts/viewer.ts';
import type { Db } from '../../server/db/index.ts';
import { runImport, type ImportOptions, type ImportReport } from '../../server/io/import.ts';
import { tempDir } from '../fixtures/io/builders.ts';
import { openTestDb } from './test-db.ts';

type Collection = ImportOptions['collection'];

export type ImportFixture = {
  db: Db;
  /** The seeded administrator, as the import sees a bearer-authenticated request. */
  admin: Viewer;
  /** Writes a GeoJSON FeatureCollection of these features into the fixture's folder; returns its path. */
  file(name: string, features: Feature[]): Promise<string>;
  /** Imports a file into a collection as this viewer (a real import unless the options say otherwise). */
  run(collection: Collection, target: string, viewer: Viewer, options?: Partial<ImportOptions>): Promise<ImportReport>;
  /** Imports these rows as the administrator and checks that every one of them was inserted. */
  store(collection: Collection, name: string, features: Feature[]): Promise<void>;
  close(): Promise<void>;
};

/** Opens a copy of the seeded test database and a temporary folder for the files to import. */
export async function openImportFixture(): Promise<ImportFixture> {
  const db = await openTestDb();
  const tmp = await tempDir();
  const admin = await viewerOf(db, 'admin', 'admin');
  const fixture: ImportFixture = {
    db,
    admin,
    async file(name, features) {
      const target = path.join(tmp.dir, name);
      await fs.writeFile(target, JSON.stringify({ type: 'FeatureCollection', features }));
      return target;
    },
    run(collection, target, viewer, options = {}) {
      return runImport(db, target, { collection, dryRun: false, viewer, fileName: path.basename(target), ...options });
    },
    async store(collection, name, features) {
      const report = await fixture.run(collection, await fixture.file(name, features), admin);
      expect(report.counts.inserted, JSON.stringify(report.problems)).toBe(features.length);
    },
    async close() {
      await db.close();
      await tmp.remove();
    },
  };
  return fixture;
}

/** A seeded user as the viewer of a bearer-authenticated request, in this role and these communes. */
export async function viewerOf(db: Db, username: string, role: Viewer['role'], communes: string[] = []): Promise<Viewer> {
  const { rows } = await db.query<{ id: number }>('SELECT id FROM users WHERE username = $1', [username]);
  return { userId: rows[0]!.id, role, communes, farmerId: null, via: 'bearer' };
}

/** A point inside today's unit of this commune code (lon, lat). */
export async function insidePoint(db: Db, code: string): Promise<[number, number]> {
  const { rows } = await db.query<{ x: number; y: number }>(
    `SELECT ST_X(p) AS x, ST_Y(p) AS y FROM (
       SELECT ST_PointOnSurface(geom) AS p FROM admin_units WHERE code = $1 AND valid_to IS NULL AND geom IS NOT NULL) s`,
    [code],
  );
  return [rows[0]!.x, rows[0]!.y];
}

/** A plot row of an import file: the k-th square of `size` degrees, 0.0004° apart, east of a point. */
export type PlotSquare = { key: string; commune: string; k: number; size?: number; crop?: string; variety?: string };

/** The plot row as a GeoJSON feature whose squares start at `at`. */
export function plotSquare(
  at: [number, number],
  { key, commune, k, size = 0.0002, crop = 'mango', variety = 'Cát Chu' }: PlotSquare,
): Feature {
  const [x0, y0] = at;
  const x = x0 + k * 0.0004;
  const ring = [
    [x, y0],
    [x + size, y0],
    [x + size, y0 + size],
    [x, y0 + size],
    [x, y0],
  ];
  return {
    type: 'Feature',
    properties: { source_key: key, commune_code: commune, crop, variety },
    geometry: { type: 'Polygon', coordinates: [ring] },
  };
}

/** Ids of the stored plots whose source key is LIKE this pattern, by key. */
export async function plotIdsByKey(db: Db, pattern: string): Promise<Record<string, number>> {
  const { rows } = await db.query<{ id: number; source_key: string }>('SELECT id, source_key FROM plots WHERE source_key LIKE $1', [
    pattern,
  ]);
  return Object.fromEntries(rows.map((r) => [r.source_key, r.id]));
}

/** What a refused row must leave alone: the stored plots of these keys, their growing areas and the edit log's size. */
export async function plotsAndAreas(db: Db, keys: string[]): Promise<{ plots: string; areas: string | null; log: number }> {
  const { rows } = await db.query<{ plots: string; areas: string | null; log: number }>(
    `SELECT (SELECT string_agg(p::text, '|' ORDER BY p.id) FROM plots p WHERE p.source_key = ANY($1::text[])) AS plots,
            (SELECT string_agg(g::text, '|' ORDER BY g.id) FROM growing_areas g
              WHERE g.id IN (SELECT growing_area_id FROM plots WHERE source_key = ANY($1::text[]))) AS areas,
            (SELECT count(*)::int FROM edit_log) AS log`,
    [keys],
  );
  return rows[0]!;
}
