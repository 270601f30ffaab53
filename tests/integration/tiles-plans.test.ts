// The in-database encoder's statements as PostgreSQL plans them: ST_AsMVTGeom, the costliest step
// of a tile (transform, clip, validate), must run at most once per feature. A subquery the planner flattens
// pastes it into every place its result is read: the filter on the result and the result itself
// then each ran it, and z16 parcel tiles took ~0.6 ms longer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/index.ts';
import { PUBLIC_SCOPE, TileEngine } from '../../tiles/index.ts';
import { testDbKind as kind } from '../helpers/test-db.ts';
import { openTileFixtureDb, tileAt } from '../helpers/tile-fixtures.ts';

let db: Db;
let engine: TileEngine;

beforeAll(async () => {
  db = await openTileFixtureDb();
  engine = await TileEngine.open(db, db.capabilities, { cacheBytes: 0 });
});
afterAll(async () => db?.close());

/** The statement with its parameters written in, as EXPLAIN needs them on PostgreSQL 15. */
function inline(sql: string, params: unknown[]): string {
  return sql.replace(/\$(\d+)/g, (_, n: string) => {
    const v = params[Number(n) - 1];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`parameter $${n} is not a number: ${String(v)}`);
    return `(${v})::float8`;
  });
}

describe('tile statements on PostgreSQL', () => {
  it.runIf(kind === 'postgres')('run ST_AsMVTGeom once per feature, for every source and zoom band', async () => {
    const checked: string[] = [];
    for (const s of engine.list()) {
      const source = engine.catalog.sources.get(s.id)!;
      for (const band of source.config.bands) {
        const q = source.sqlFor(tileAt(105.6352, 10.4655, band.minzoom), PUBLIC_SCOPE, 'sql');
        if (!q) continue;
        const { rows } = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (VERBOSE, COSTS OFF) ${inline(q.sql, q.params)}`);
        const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
        const calls = plan.match(/st_asmvtgeom\(/g)?.length ?? 0;
        // As often as the statement writes it: once (on every feature, or in the clipping branch of
        // the affine path's CASE, which a feature reaching far past the tile takes).
        const written = q.sql.match(/ST_AsMVTGeom\(/g)?.length ?? 0;
        expect(written).toBe(1);
        expect(calls, `${s.id} z${band.minzoom}–${band.maxzoom}:\n${plan}`).toBe(written);
        checked.push(`${s.id}@${band.minzoom}`);
      }
    }
    expect(checked.length).toBeGreaterThan(15);
  });
});
