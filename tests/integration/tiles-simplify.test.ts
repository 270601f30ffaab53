// From PLAIN_SIMPLIFY_MIN_ZOOM a band that asks for topology-preserving simplification (or for
// coverage simplification, where PostGIS lacks it) simplifies plainly: its tolerance is under two
// metres, and ST_SimplifyPreserveTopology cost up to ten times as much for the same tiles. This
// renders those bands both ways on the seeded data and finds the same features, attributes and
// outlines within one tile unit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/index.ts';
import { PLAIN_SIMPLIFY_MIN_ZOOM } from '../../tiles/sources/table.source.ts';
import { PUBLIC_SCOPE, TileEngine } from '../../tiles/index.ts';
import { differences } from '../helpers/tile-compare.ts';
import { openTestDb, testDbKind as kind } from '../helpers/test-db.ts';
import { decodeTile, tileAt, type DecodedFeature } from '../helpers/tile-fixtures.ts';

let db: Db;
let engine: TileEngine;

beforeAll(async () => {
  db = await openTestDb();
  engine = await TileEngine.open(db, db.capabilities, { cacheBytes: 0 });
});
afterAll(async () => db?.close());

async function render(sql: string, params: unknown[], id: string): Promise<{ bytes: number; features: DecodedFeature[] }> {
  const { rows } = await db.query<{ mvt: Uint8Array | null }>(sql, params);
  const mvt = rows[0]?.mvt;
  return { bytes: mvt?.length ?? 0, features: mvt?.length ? (decodeTile(mvt)[id] ?? []) : [] };
}

describe('plain simplification at high zooms', () => {
  it.runIf(kind === 'postgres')(
    'draws what ST_SimplifyPreserveTopology draws, for every band from z14 that asks for topology or coverage',
    async () => {
      expect(db.capabilities.coverageSimplify).toBe(false);
      const bands = engine
        .list()
        .map((s) => engine.catalog.sources.get(s.id)!)
        .flatMap((s) =>
          s.config.bands
            .filter(
              (b) => b.minzoom >= PLAIN_SIMPLIFY_MIN_ZOOM && !b.generalized && (b.simplify === 'topology' || b.simplify === 'coverage'),
            )
            .map((b) => ({ source: s, band: b })),
        );
      // Water, land use, admin and growing areas have such bands.
      expect(new Set(bands.map((b) => b.source.id)).size).toBeGreaterThanOrEqual(4);
      const { rows: points } = await db.query<{ x: number; y: number }>(
        `SELECT ST_X(c) AS x, ST_Y(c) AS y FROM (SELECT ST_PointOnSurface(geom) AS c, row_number() OVER (ORDER BY id) AS n FROM parcels) s WHERE n % 200 = 1`,
      );
      const problems: string[] = [];
      let features = 0;
      let identical = 0;
      let tiles = 0;
      for (const { source, band } of bands) {
        for (const z of new Set([band.minzoom, band.maxzoom])) {
          const seen = new Set<string>();
          for (const p of points) {
            const t = tileAt(p.x, p.y, z);
            if (seen.has(`${t.x}/${t.y}`)) continue;
            seen.add(`${t.x}/${t.y}`);
            {
              const q = source.sqlFor(t, PUBLIC_SCOPE, 'sql')!;
              const plain = /ST_Simplify\((t\."geom"), ([0-9.e-]+), true\)/;
              expect(q.sql, `${source.id} z${z}`).toMatch(plain);
              const topology = q.sql.replace(plain, 'ST_SimplifyPreserveTopology($1, $2)');
              const a = await render(q.sql, q.params, source.id);
              const b = await render(topology, q.params, source.id);
              for (const d of differences(a.features, b.features)) problems.push(`${source.id} ${z}/${t.x}/${t.y} ${d}`);
              features += a.features.length;
              tiles++;
              if (a.bytes === b.bytes) identical++;
            }
          }
        }
      }
      expect(problems).toEqual([]);
      expect(features).toBeGreaterThan(1000);
      // Not merely close: nearly every tile comes out byte for byte the same.
      expect(identical / tiles).toBeGreaterThan(0.9);
    },
  );
});
