// Precomputed generalized geometry for low zooms (landuse dissolved per code at z8–z13), built
// lazily one cell (a tile at `cellZoom`) at a time and kept across restarts. The database itself
// records which cells an edit touched (migration 009: a statement trigger appends them to
// tile_gen_stale in the editing transaction), so edits made while no server listened are seen too,
// and a restart with unchanged data builds nothing.
import type { TileCapabilities, TileDb, TileQueryable } from '../layer.ts';
import { ident, qualified } from '../sql.ts';
import { pixelDegrees, tileBounds4326, tileRange, type Box } from '../tile-coord.ts';

/** How long one statement of a cell's build may take (tile statements have a much shorter limit). */
export const BUILD_TIMEOUT_MS = 300_000;

/** A generalized table and how to fill one cell of it. */
export type GeneralizedLayerConfig = Readonly<{
  /** Id the bands refer to. */
  id: string;
  /** The table holding the generalized rows (id, cx, cy, level, …, geom), created by a migration. */
  table: string;
  /** The table it is derived from (with a GiST-indexed geom); its changes mark cells dirty. */
  sourceTable: string;
  /** Zoom of the cell grid: a cell is one tile at this zoom (also the argument of the source table's stale trigger). */
  cellZoom: number;
  /** Levels built per cell: each is simplified at half a pixel of that zoom. */
  levels: readonly number[];
  /**
   * INSERT of one cell at one level. Parameters: $1 cx, $2 cy, $3 level, $4–$7 the cell box
   * (EPSG:4326), $8 tolerance in degrees, $9 smallest polygon part kept (square degrees), $10
   * thinnest part kept (mean width 2 × area / perimeter, degrees).
   * `simplify(g, tol)` is the coverage-preserving simplifier this database has.
   */
  buildSql: (simplify: (geom: string, tolerance: string) => string) => string;
}>;

/** One generalized layer bound to a database's capabilities. */
export class GeneralizedLayer {
  private readonly buildSql: string;
  private readonly building = new Map<string, Promise<void>>();
  private readonly server: boolean;

  constructor(
    readonly config: GeneralizedLayerConfig,
    caps: TileCapabilities,
  ) {
    this.server = caps.kind === 'postgres';
    this.buildSql = config.buildSql((g, tol) =>
      caps.coverageSimplify
        ? `ST_SetSRID(ST_CoverageSimplify(${g}, ${tol}) OVER (PARTITION BY map_id), 4326)`
        : `ST_SimplifyPreserveTopology(${g}, ${tol})`,
    );
  }

  /**
   * Builds every cell under a lon/lat box (a tile plus its buffer, or the world) that has source
   * data and is missing, dirty or stale (its source rows changed since: migration 009's trigger).
   * Returns the cells it built.
   */
  async ensure(db: TileDb, box: Box): Promise<number> {
    const c = this.config;
    // Cells with no source data are not worth a row: only cells under the data's extent are looked at.
    const ext = await db.query<{ x0: number | null; y0: number; x1: number; y1: number }>(
      `SELECT ST_XMin(e) AS x0, ST_YMin(e) AS y0, ST_XMax(e) AS x1, ST_YMax(e) AS y1
       FROM (SELECT ST_Extent(geom)::geometry AS e FROM ${qualified(c.sourceTable)} WHERE geom && ST_MakeEnvelope($1, $2, $3, $4, 4326)) s`,
      [box[0], box[1], box[2], box[3]],
    );
    const e = ext.rows[0];
    if (!e || e.x0 === null) return 0;
    const r = tileRange([Math.max(box[0], e.x0), Math.max(box[1], e.y0), Math.min(box[2], e.x1), Math.min(box[3], e.y1)], c.cellZoom);
    const { rows } = await db.query<{ cx: number; cy: number }>(
      `SELECT cx, cy FROM tile_gen_cells c
       WHERE layer = $1 AND NOT dirty AND cx BETWEEN $2 AND $3 AND cy BETWEEN $4 AND $5
         AND NOT EXISTS (SELECT 1 FROM tile_gen_stale s WHERE s.layer = c.layer AND s.cx = c.cx AND s.cy = c.cy)`,
      [c.id, r.minX, r.maxX, r.minY, r.maxY],
    );
    const clean = new Set(rows.map((row) => `${row.cx}/${row.cy}`));
    let built = 0;
    for (let x = r.minX; x <= r.maxX; x++) {
      for (let y = r.minY; y <= r.maxY; y++) {
        if (clean.has(`${x}/${y}`)) continue;
        await this.buildCell(db, x, y);
        built++;
      }
    }
    return built;
  }

  /** The bounds of the cells under the boxes: the area whose low-zoom tiles a change there makes stale. */
  cellBounds(boxes: readonly Box[]): Box[] {
    return boxes.map((box) => {
      const r = tileRange(box, this.config.cellZoom);
      const a = tileBounds4326({ z: this.config.cellZoom, x: r.minX, y: r.minY });
      const b = tileBounds4326({ z: this.config.cellZoom, x: r.maxX, y: r.maxY });
      return [a[0], b[1], b[2], a[3]];
    });
  }

  private buildCell(db: TileDb, x: number, y: number): Promise<void> {
    const key = `${x}/${y}`;
    let running = this.building.get(key);
    if (!running) {
      running = this.runBuild(db, x, y).finally(() => this.building.delete(key));
      this.building.set(key, running);
    }
    return running;
  }

  /**
   * Rebuilds one cell in short transactions, one per level, so that on the single-connection
   * embedded database other queries run between them. The first claims the cell: it marks it dirty
   * and deletes its stale rows, so an edit committed from then on leaves a new stale row and the
   * cell is built again; the last marks it clean. A build that dies half-way leaves it dirty.
   */
  private async runBuild(db: TileDb, x: number, y: number): Promise<void> {
    const c = this.config;
    const cell = tileBounds4326({ z: c.cellZoom, x, y });
    const claimed = await this.step(db, async (tx) => {
      await tx.query(`INSERT INTO tile_gen_cells (layer, cx, cy) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [c.id, x, y]);
      // The row lock orders builders of one cell, in this process or another.
      const lock = await tx.query<{ dirty: boolean }>(
        `SELECT dirty FROM tile_gen_cells WHERE layer = $1 AND cx = $2 AND cy = $3 FOR UPDATE`,
        [c.id, x, y],
      );
      const stale = await tx.query(`DELETE FROM tile_gen_stale WHERE layer = $1 AND cx = $2 AND cy = $3 RETURNING 1`, [c.id, x, y]);
      // Another process built it while we waited for the lock.
      if (!lock.rows[0]?.dirty && stale.rows.length === 0) return false;
      await tx.query(`UPDATE tile_gen_cells SET dirty = true WHERE layer = $1 AND cx = $2 AND cy = $3`, [c.id, x, y]);
      return true;
    });
    if (!claimed) return;
    for (const level of c.levels) {
      const px = pixelDegrees(level);
      await this.step(db, async (tx) => {
        await tx.query(`SELECT 1 FROM tile_gen_cells WHERE layer = $1 AND cx = $2 AND cy = $3 FOR UPDATE`, [c.id, x, y]);
        await tx.query(`DELETE FROM ${qualified(c.table)} WHERE cx = $1 AND cy = $2 AND level = $3`, [x, y, level]);
        await tx.query(this.buildSql, [x, y, level, cell[0], cell[1], cell[2], cell[3], px / 2, px * px, px / 2]);
      });
    }
    await this.step(db, (tx) =>
      tx.query(`UPDATE tile_gen_cells SET dirty = false, built_at = now() WHERE layer = $1 AND cx = $2 AND cy = $3`, [c.id, x, y]),
    );
  }

  /**
   * One short transaction, after a turn of the event loop so waiting requests get theirs first. Not
   * under the tile connections' statement timeout, which is sized for one tile: dissolving a cell of
   * a city's land use takes a fraction of a second on a quiet server but took over 10 s on a loaded
   * one (100,000 parcels, load 13), and a build cut short is tried again by every low-zoom tile
   * after it, each failing alike, so the low zooms never came. (A PostgreSQL server's: on the
   * embedded PGlite the setting made every tile after a build crawl, up to 503s in a browser test.)
   */
  private async step<T>(db: TileDb, work: (tx: TileQueryable) => Promise<T>): Promise<T> {
    await new Promise((resolve) => setImmediate(resolve));
    if (!db.transaction || !this.server) return db.transaction ? db.transaction(work) : work(db);
    return db.transaction(async (tx) => {
      await tx.query(`SET LOCAL statement_timeout = ${BUILD_TIMEOUT_MS}`);
      return work(tx);
    });
  }
}

/** The landuse layer dissolved per (map, land-use code) inside each cell: few, large polygons for z8–z13. */
export const LANDUSE_GENERALIZED: GeneralizedLayerConfig = {
  id: 'landuse',
  table: 'tile_gen_landuse',
  sourceTable: 'landuse_areas',
  cellZoom: 12,
  levels: [10, 12, 13],
  buildSql: (simplify) => `
WITH env AS (SELECT ST_MakeEnvelope($4::float8, $5::float8, $6::float8, $7::float8, 4326) AS b),
dissolved AS (
  SELECT a.map_id, a.land_use_code,
    ST_Union(CASE WHEN ST_CoveredBy(a.geom, env.b) THEN a.geom ELSE ST_Intersection(a.geom, env.b) END) AS g
  FROM landuse_areas a, env
  WHERE a.geom && env.b
  GROUP BY a.map_id, a.land_use_code
),
simplified AS (
  SELECT map_id, land_use_code, ${simplify('ST_CollectionExtract(g, 3)', '$8::float8')} AS g FROM dissolved
),
parts AS (
  SELECT map_id, land_use_code, (ST_Dump(ST_MakeValid(g))).geom AS g FROM simplified
)
INSERT INTO ${ident('tile_gen_landuse')} (cx, cy, level, map_id, land_use_code, geom)
SELECT $1::int, $2::int, $3::int, map_id, land_use_code, ST_Multi(ST_Collect(g))
FROM parts
WHERE ST_GeometryType(g) = 'ST_Polygon' AND ST_Area(g) >= $9::float8 AND 2 * ST_Area(g) >= $10::float8 * ST_Perimeter(g)
GROUP BY map_id, land_use_code`,
};
