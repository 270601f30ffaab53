// Two shortcuts of the in-database encoder, each rendered both ways on the seeded data (PostgreSQL):
// - the "inside-affine" geometry path (polygon bands from z13): a feature within a quarter tile of
//   the tile goes from degrees to tile units by one ST_Affine, whole, with no clip (past the buffer
//   too: a renderer draws each tile through its own bounds), and only those reaching further go
//   through ST_Transform and ST_AsMVTGeom. It must draw what the plain path draws (ST_Transform to
//   EPSG:3857, ST_AsMVTGeom on every feature) on the buffered tile: the same features and
//   attributes, outlines within one tile unit (or the same area covered), and rings wound as MVT 2.1
//   wants, so holes stay holes;
// - the rectangle cut of generalized land use (z8–z13): a dissolved cell reaching past the tile is
//   cut to the tile plus twice its buffer by ST_ClipByBox2D before ST_AsMVTGeom, which still makes
//   the exact cut; it must draw what ST_AsMVTGeom draws alone;
// - plain simplification from PLAIN_SIMPLIFY_MIN_ZOOM where a band asks for topology-preserving
//   simplification (or for coverage simplification, where PostGIS lacks it): its tolerance is under
//   two metres, and ST_SimplifyPreserveTopology cost up to ten times as much for the same tiles.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/index.ts';
import { AFFINE_MIN_ZOOM, sqlEncoderSql } from '../../tiles/encoders/sql.encoder.ts';
import { PLAIN_SIMPLIFY_MIN_ZOOM } from '../../tiles/sources/table.source.ts';
import { PUBLIC_SCOPE, TileEngine, tileBounds3857, type TileCoord } from '../../tiles/index.ts';
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

/** Runs one tile statement: its size in bytes and its layer's features, decoded. */
async function render(q: { sql: string; params: unknown[] }, id: string): Promise<{ bytes: number; features: DecodedFeature[] }> {
  const { rows } = await db.query<{ mvt: Uint8Array | null }>(q.sql, q.params);
  const mvt = rows[0]?.mvt;
  return { bytes: mvt?.length ?? 0, features: mvt?.length ? (decodeTile(mvt)[id] ?? []) : [] };
}

/** The tiles at zoom z that hold the points, each once. */
function tilesUnder(points: { x: number; y: number }[], z: number): TileCoord[] {
  const tiles = new Map<string, TileCoord>();
  for (const p of points) {
    const t = tileAt(p.x, p.y, z);
    tiles.set(`${t.x}/${t.y}`, t);
  }
  return [...tiles.values()];
}

/** Fixed points: every n-th parcel of the seed, so tile lists follow the data (densest areas most). */
async function everyNthParcel(n: number): Promise<{ x: number; y: number }[]> {
  const { rows } = await db.query<{ x: number; y: number }>(
    `SELECT ST_X(c) AS x, ST_Y(c) AS y FROM (SELECT ST_PointOnSurface(geom) AS c, row_number() OVER (ORDER BY id) AS n FROM parcels) s WHERE n % $1 = 1`,
    [n],
  );
  return rows;
}

/** Twice the signed area of a ring as vector-tile-js computes it: negative for an exterior ring. */
function signedArea(ring: { x: number; y: number }[]): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) sum += (ring[i]!.x - ring[j]!.x) * (ring[j]!.y + ring[i]!.y);
  return sum;
}

type Point = { x: number; y: number };

/**
 * A ring cut to the square lo…hi both ways (Sutherland–Hodgman, one side at a time): its signed
 * area is the area of the ring within the square (a concave ring leaves zero-area edges along the
 * cut, which add nothing).
 */
function clipRing(ring: Point[], lo: number, hi: number): Point[] {
  const sides: [(p: Point) => boolean, (a: Point, b: Point) => Point][] = [
    [(p) => p.x >= lo, (a, b) => ({ x: lo, y: a.y + ((lo - a.x) * (b.y - a.y)) / (b.x - a.x) })],
    [(p) => p.x <= hi, (a, b) => ({ x: hi, y: a.y + ((hi - a.x) * (b.y - a.y)) / (b.x - a.x) })],
    [(p) => p.y >= lo, (a, b) => ({ x: a.x + ((lo - a.y) * (b.x - a.x)) / (b.y - a.y), y: lo })],
    [(p) => p.y <= hi, (a, b) => ({ x: a.x + ((hi - a.y) * (b.x - a.x)) / (b.y - a.y), y: hi })],
  ];
  let out = ring;
  for (const [inside, cross] of sides) {
    const input = out;
    out = [];
    for (let i = 0; i < input.length; i++) {
      const a = input[(i + input.length - 1) % input.length]!;
      const b = input[i]!;
      if (inside(b)) {
        if (!inside(a)) out.push(cross(a, b));
        out.push(b);
      } else if (inside(a)) out.push(cross(a, b));
    }
  }
  return out;
}

/** The engine's statement for a tile, and the same statement on the plain path (transform, then ST_AsMVTGeom). */
function bothPaths(id: string, t: TileCoord): { affine: { sql: string; params: unknown[] }; plain: { sql: string; params: unknown[] } } {
  const source = engine.catalog.sources.get(id)!;
  const band = source.band(t.z)!;
  const affine = source.sqlFor(t, PUBLIC_SCOPE, 'sql')!;
  const at = affine.sql.indexOf('\nSELECT ST_AsMVT(');
  const src = affine.sql.slice(0, at);
  // The encoder's parameters open with the tile's EPSG:3857 bounds; then come the affine factors and
  // the envelope of what goes whole, which the plain path does not use.
  const bounds = tileBounds3857(t);
  const first = affine.params.findIndex((_, k) => bounds.every((v, j) => affine.params[k + j] === v)) + 1;
  expect(affine.params.length).toBe(first + 11);
  const names = [...band.properties.map((p) => p.name)];
  const sql = sqlEncoderSql(src, id, names, first, 'polygon', band.partFilter !== false, 'transform');
  return { affine, plain: { sql, params: affine.params.slice(0, first + 3) } };
}

/** The envelope of what a statement from bothPaths places whole: its last four parameters. */
const wholeOf = (q: { params: unknown[] }) => q.params.slice(-4) as number[];

describe('the affine geometry path of the in-database encoder', () => {
  it.runIf(kind === 'postgres')(
    'draws what ST_Transform and ST_AsMVTGeom draw, for every polygon source from z13 to z18, with exterior rings clockwise on screen',
    async () => {
      const polygonSources = engine
        .list()
        .filter((s) => s.geometryType === 'polygon' && s.maxzoom >= AFFINE_MIN_ZOOM)
        .map((s) => s.id);
      const points = await everyNthParcel(150);
      const problems: string[] = [];
      let features = 0;
      let crossing = 0;
      let beyond = 0;
      let parcelsWhole = 0;
      let parcelsCrossing = 0;
      let parcelsAll = 0;
      for (const id of polygonSources) {
        const source = engine.catalog.sources.get(id)!;
        for (let z = AFFINE_MIN_ZOOM; z <= 18; z++) {
          // Bands that reach below AFFINE_MIN_ZOOM keep the plain path at every zoom they serve.
          const band = source.band(z);
          if (!band || band.generalized || band.minzoom < AFFINE_MIN_ZOOM) continue;
          for (const t of tilesUnder(points, z)) {
            const { affine, plain } = bothPaths(id, t);
            expect(affine.sql).toContain('ST_Affine(ST_ForcePolygonCW("__geom")');
            const a = (await render(affine, id)).features;
            const b = (await render(plain, id)).features;
            for (const d of differences(a, b)) problems.push(`${id} ${z}/${t.x}/${t.y} ${d}`);
            // Where a feature placed whole may reach: the envelope, in tile units (the affine map's own), plus a unit of rounding.
            const [w, s, e, n] = wholeOf(affine);
            const [sx, sy, tx, ty] = affine.params.slice(-8, -4) as number[];
            const [minX, maxX, minY, maxY] = [w! * sx! + tx! - 1, e! * sx! + tx! + 1, n! * sy! + ty! - 1, s! * sy! + ty! + 1];
            if (id === 'parcels') {
              // How many parcels went whole, and how many of those cross the buffered tile's edge.
              const { rows } = await db.query<{ whole: number; crossing: number; all: number }>(
                `SELECT count(*) FILTER (WHERE geom @ ST_MakeEnvelope($5, $6, $7, $8, 4326))::int AS whole,
                        count(*) FILTER (WHERE geom @ ST_MakeEnvelope($5, $6, $7, $8, 4326)
                                           AND NOT geom @ ST_MakeEnvelope($1, $2, $3, $4, 4326))::int AS crossing,
                        count(*)::int AS all
                   FROM parcels WHERE geom && ST_MakeEnvelope($1, $2, $3, $4, 4326)`,
                [...affine.params.slice(0, 4), ...wholeOf(affine)],
              );
              parcelsWhole += rows[0]!.whole;
              parcelsCrossing += rows[0]!.crossing;
              parcelsAll += rows[0]!.all;
            }
            features += a.length;
            const byId = new Map(b.map((f) => [f.id, f]));
            for (const f of a) {
              // Exterior first, clockwise on screen; the rings' signed areas add up as on the plain path (holes stay holes).
              if (signedArea(f.geometry[0]!) >= 0) problems.push(`${id} ${z}/${t.x}/${t.y} #${f.id} first ring is not clockwise`);
              const g = byId.get(f.id);
              if (!g) continue;
              // Compared on the buffered tile, where the plain path clips: a feature sent whole is cut there first.
              const rings = f.geometry.map((r) => clipRing(r, -64, 4160)).filter((r) => signedArea(r) !== 0);
              // A vertex may round to the next unit (the affine map strays up to 0.4 units at z13),
              // which moves the area by at most the perimeter; a hole wound as an exterior moves it by far more.
              const total = (rings: DecodedFeature['geometry']) => rings.reduce((sum, r) => sum + signedArea(r), 0);
              const perimeter = rings.reduce(
                (sum, r) =>
                  sum + r.reduce((l, pt, i) => l + Math.hypot(pt.x - r[(i + 1) % r.length]!.x, pt.y - r[(i + 1) % r.length]!.y), 0),
                0,
              );
              const [ta, tb] = [total(rings), total(g.geometry)];
              if (Math.abs(ta - tb) > 2 * perimeter) problems.push(`${id} ${z}/${t.x}/${t.y} #${f.id} area ${ta / 2} vs ${tb / 2}`);
              const signs = (rings: DecodedFeature['geometry']) =>
                rings
                  .map((r) => Math.sign(signedArea(r)))
                  .sort()
                  .join();
              if (rings.length === g.geometry.length && signs(rings) !== signs(g.geometry))
                problems.push(`${id} ${z}/${t.x}/${t.y} #${f.id} rings wound ${signs(rings)} vs ${signs(g.geometry)}`);
              const points = f.geometry.flat();
              if (points.some((pt) => pt.x < -64 || pt.y < -64 || pt.x > 4160 || pt.y > 4160)) crossing++;
              if (points.some((pt) => pt.x < minX || pt.y < minY || pt.x > maxX || pt.y > maxY)) beyond++;
            }
          }
        }
      }
      expect(problems).toEqual([]);
      expect(features).toBeGreaterThan(5000);
      // Most parcels go whole (nine in ten on the seed: the rest reach past a quarter tile and are
      // clipped), and many of those cross the buffered tile's edge: both branches were exercised.
      expect(parcelsWhole / parcelsAll).toBeGreaterThan(0.8);
      expect(parcelsCrossing).toBeGreaterThan(parcelsAll * 0.1);
      expect(parcelsWhole).toBeLessThan(parcelsAll);
      // Features were drawn past the buffer, none further than the envelope of what goes whole.
      expect(crossing).toBeGreaterThan(0);
      expect(beyond).toBe(0);
    },
  );
});

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
      const points = await everyNthParcel(200);
      const problems: string[] = [];
      let features = 0;
      let identical = 0;
      let tiles = 0;
      for (const { source, band } of bands) {
        for (const z of new Set([band.minzoom, band.maxzoom])) {
          for (const t of tilesUnder(points, z)) {
            {
              const q = source.sqlFor(t, PUBLIC_SCOPE, 'sql')!;
              const plain = /ST_Simplify\((t\."geom"), ([0-9.e-]+), true\)/;
              expect(q.sql, `${source.id} z${z}`).toMatch(plain);
              const topology = q.sql.replace(plain, 'ST_SimplifyPreserveTopology($1, $2)');
              const a = await render(q, source.id);
              const b = await render({ sql: topology, params: q.params }, source.id);
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

describe('the rectangle cut before ST_AsMVTGeom', () => {
  it.runIf(kind === 'postgres')('draws what ST_AsMVTGeom draws without it, for every generalized land-use band (z8–z13)', async () => {
    await engine.warmGeneralized();
    const points = await everyNthParcel(100);
    const problems: string[] = [];
    let features = 0;
    let tiles = 0;
    for (const info of engine.list().filter((s) => s.geometryType === 'polygon')) {
      const source = engine.catalog.sources.get(info.id)!;
      for (const band of source.config.bands.filter((b) => b.generalized)) {
        for (let z = Math.max(8, band.minzoom); z <= band.maxzoom; z++) {
          for (const t of tilesUnder(points, z)) {
            const q = source.sqlFor(t, PUBLIC_SCOPE, 'sql')!;
            expect(q.sql, `${info.id} z${z}`).toContain('ST_ClipByBox2D("__geom"');
            // The tile's EPSG:3857 bounds open the encoder's parameters; the cut envelope is the last four.
            const bounds = tileBounds3857(t);
            const first = q.params.findIndex((_, k) => bounds.every((v, j) => q.params[k + j] === v)) + 1;
            expect(first).toBeGreaterThan(0);
            const path = q.sql.includes('ST_ForcePolygonCW') ? 'inside-affine' : 'transform';
            const src = q.sql.slice(0, q.sql.indexOf('\nSELECT ST_AsMVT('));
            const names = band.properties.map((pr) => pr.name);
            const whole = sqlEncoderSql(src, info.id, names, first, 'polygon', band.partFilter !== false, path);
            const a = await render(q, info.id);
            const b = await render({ sql: whole, params: q.params.slice(0, -4) }, info.id);
            for (const d of differences(a.features, b.features)) problems.push(`${info.id} ${z}/${t.x}/${t.y} ${d}`);
            features += a.features.length;
            tiles++;
          }
        }
      }
    }
    expect(problems).toEqual([]);
    expect(tiles).toBeGreaterThan(10);
    expect(features).toBeGreaterThan(300);
  });
});
