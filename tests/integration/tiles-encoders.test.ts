import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/index.ts';
import { PUBLIC_SCOPE, TileEngine, type TileCoord } from '../../tiles/index.ts';
import { testDbKind } from '../helpers/test-db.ts';
import { decodeTile, openTileFixtureDb, tileAt, type DecodedFeature } from '../helpers/tile-fixtures.ts';

type Pt = { x: number; y: number };

function segmentDistance(p: Pt, a: Pt, b: Pt): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = dx * dx + dy * dy;
  const t = len === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / len));
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

/** The largest distance from a vertex of one geometry to the other's outline (or points), in tile units. */
function farthest(from: Pt[][], to: Pt[][]): number {
  let worst = 0;
  for (const ring of from) {
    for (const p of ring) {
      let best = Infinity;
      for (const r of to) {
        if (r.length === 1) best = Math.min(best, Math.hypot(p.x - r[0]!.x, p.y - r[0]!.y));
        for (let i = 1; i < r.length; i++) best = Math.min(best, segmentDistance(p, r[i - 1]!, r[i]!));
      }
      worst = Math.max(worst, best);
    }
  }
  return worst;
}

/** Differences between two decodings of one layer: ids, types, attributes, geometry beyond one tile unit. */
export function differences(a: DecodedFeature[], b: DecodedFeature[]): string[] {
  const out: string[] = [];
  const byId = new Map(b.map((f) => [f.id, f]));
  if (a.length !== b.length) out.push(`feature count ${a.length} vs ${b.length}`);
  for (const f of a) {
    const g = byId.get(f.id);
    if (!g) {
      out.push(`#${f.id} missing`);
      continue;
    }
    if (f.type !== g.type) out.push(`#${f.id} type ${f.type} vs ${g.type}`);
    if (JSON.stringify(Object.entries(f.properties).sort()) !== JSON.stringify(Object.entries(g.properties).sort())) {
      out.push(`#${f.id} attributes ${JSON.stringify(f.properties)} vs ${JSON.stringify(g.properties)}`);
    }
    const d = Math.max(farthest(f.geometry, g.geometry), farthest(g.geometry, f.geometry));
    if (d > 1) out.push(`#${f.id} geometry differs by ${d.toFixed(2)} tile units`);
  }
  return out;
}

let db: Db;
let engine: TileEngine;

beforeAll(async () => {
  db = await openTileFixtureDb();
  engine = await TileEngine.open(db, db.capabilities, { cacheBytes: 0 });
});
afterAll(async () => db?.close());

/** A fixed list: every source at its first zoom and at 12–18 in steps of two, at the fixture's centre and corner. */
function tileList(): [string, TileCoord][] {
  const out: [string, TileCoord][] = [];
  for (const s of engine.list()) {
    for (const z of [s.minzoom, 12, 14, 16, 18]) {
      if (z < s.minzoom || z > s.maxzoom) continue;
      out.push([s.id, tileAt(105.6352, 10.4655, z)], [s.id, tileAt(105.6301, 10.4601, z)], [s.id, tileAt(105.6455, 10.4805, z)]);
    }
  }
  return out;
}

describe('the two encoders', () => {
  it.runIf(testDbKind === 'postgres')(
    'ST_AsMVT and the JS encoder give the same features, attributes and geometry within one tile unit',
    async () => {
      const list = tileList();
      let compared = 0;
      const problems: string[] = [];
      for (const [id, t] of list) {
        const sql = decodeTile(await engine.render(id, t, PUBLIC_SCOPE, 'sql'))[id] ?? [];
        const js = decodeTile(await engine.render(id, t, PUBLIC_SCOPE, 'js'))[id] ?? [];
        for (const p of differences(sql, js)) problems.push(`${id} ${t.z}/${t.x}/${t.y}: ${p}`);
        compared += sql.length;
      }
      expect(problems).toEqual([]);
      expect(compared).toBeGreaterThan(500);
    },
  );

  it('the JS encoder writes valid MVT that decodes to the rows of the source', async () => {
    const t = tileAt(105.6345, 10.4655, 17);
    const fs = decodeTile(await engine.render('parcels', t, PUBLIC_SCOPE, 'js')).parcels!;
    const { rows } = await db.query<{ id: number }>(
      `SELECT id FROM parcels WHERE geom && ST_Transform(ST_TileEnvelope($1, $2, $3, margin => 64.0 / 4096), 4326)
         AND ST_Intersects(geom, ST_Transform(ST_TileEnvelope($1, $2, $3, margin => 64.0 / 4096), 4326)) ORDER BY id`,
      [t.z, t.x, t.y],
    );
    expect(fs.map((f) => f.id)).toEqual(rows.map((r) => r.id));
    // Exterior rings wind clockwise on screen: a negative surveyor's sum as vector-tile-js computes it.
    for (const f of fs) {
      const ring = f.geometry[0]!;
      let sum = 0;
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) sum += (ring[i]!.x - ring[j]!.x) * (ring[j]!.y + ring[i]!.y);
      expect(sum).toBeLessThan(0);
    }
  });
});
