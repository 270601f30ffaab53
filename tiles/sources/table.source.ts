// A table-backed source: one declarative SourceConfig becomes, at start-up, one SQL statement per
// (zoom band × viewer scope × encoder). A request only binds numbers: the tile envelope, the
// sub-pixel threshold and, for scoped viewers, their communes or farmer id.
import { createHash } from 'node:crypto';
import { encodeJsLayer, jsSelectSql, tileAffine, type JsRow } from '../encoders/js.encoder.ts';
import { AFFINE_MIN_ZOOM, sqlEncoderSql } from '../encoders/sql.encoder.ts';
import {
  BUFFER,
  PUBLIC_SCOPE,
  type BandConfig,
  type EncoderKind,
  type FieldType,
  type PropertyDef,
  type Scope,
  type SourceConfig,
  type TileCapabilities,
  type TileQueryable,
  type TileViewer,
} from '../layer.ts';
import { ident, numberLiteral, qualified } from '../sql.ts';
import {
  float32Inside,
  NEAR_MARGIN,
  pixelDegrees,
  tileAffine4326,
  tileBounds3857,
  tileBounds4326,
  type Box,
  type TileCoord,
} from '../tile-coord.ts';
import type { GeneralizedLayer } from './generalized.ts';

/**
 * From this zoom a band's tolerance is under two metres (half a pixel at z15), and 'topology' (and
 * 'coverage' where PostGIS lacks ST_CoverageSimplify, whose fallback it is) simplify plainly. On the
 * 100,000-parcel set ST_SimplifyPreserveTopology gave byte-identical tiles for every polygon source
 * at z14 and z16 at 2–10 times the cost (water z16 p50 4.96 → 0.52 ms, land use z14 19.1 → 6.7 ms);
 * it only keeps each shape valid, which ST_AsMVTGeom's wagyu and the JS path's snap-rounding do
 * anyway, and it keeps no shared edge between neighbours. ST_CoverageSimplify, which does, stays.
 * tests/integration/tiles-shortcuts.test.ts renders those bands both ways on PostgreSQL.
 */
export const PLAIN_SIMPLIFY_MIN_ZOOM = 14;

/** What a prepared statement needs per request; each parameter is read from it in a fixed order. */
type RenderContext = {
  coord: TileCoord;
  scope: Scope;
  env4326: Box;
  bounds3857: Box;
  affine: [number, number, number, number];
  affine4326: [number, number, number, number];
  inside4326: Box;
  near4326: Box;
  cut4326: Box;
};
type Prepared = {
  name: string;
  sql: string;
  params: ((c: RenderContext) => unknown)[];
  propertyNames: string[];
  /** The band drops polygon parts under MIN_PART_AREA / MIN_PART_WIDTH (BandConfig.partFilter). */
  partFilter: boolean;
};
type Variant = Scope['variant'];

/**
 * A tile statement, named by its text: the same name on every connection, and never one name for
 * two texts (which a connection that prepared the first would refuse).
 */
function named(sql: string, params: Prepared['params'], propertyNames: string[], partFilter: boolean): Prepared {
  return { name: `tile_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`, sql, params, propertyNames, partFilter };
}

const CAST: Record<FieldType, string> = { string: 'text', integer: 'bigint', number: 'float8', boolean: 'boolean' };

/** An empty tile: zero bytes, answered as 204. */
export const EMPTY_TILE = new Uint8Array(0);

/** A source that reads one table (or a trusted join) and renders one MVT layer named after its id. */
export class TableSource {
  readonly id: string;
  /** SQL for the extent of the visible rows: ST_Extent as xmin, ymin, xmax, ymax (TileJSON bounds). */
  readonly extentSql: string;
  private readonly prepared = new Map<string, Prepared>();

  constructor(
    readonly config: SourceConfig,
    private readonly caps: TileCapabilities,
    private readonly generalized: ReadonlyMap<string, GeneralizedLayer>,
  ) {
    this.id = config.id;
    checkBands(config);
    const variants: Variant[] = ['public'];
    if (config.restricted) {
      variants.push('all');
      if (config.restricted.communeSql) variants.push('communes');
      if (config.restricted.farmerSql) variants.push('farmer');
    }
    const from = 'table' in config.from ? `${qualified(config.from.table)} AS t` : config.from.sql;
    const g = `t.${ident(config.geometryColumn ?? 'geom')}`;
    this.extentSql = `SELECT ST_XMin(e) AS xmin, ST_YMin(e) AS ymin, ST_XMax(e) AS xmax, ST_YMax(e) AS ymax
FROM (SELECT ST_Extent(${g})::geometry AS e FROM ${from}${config.where ? ` WHERE ${config.where}` : ''}) s`;
    const encoders: EncoderKind[] = caps.mvt ? ['sql', 'js'] : ['js'];
    config.bands.forEach((band, i) => {
      for (const variant of variants) {
        for (const encoder of encoders) this.prepared.set(`${i}|${variant}|${encoder}`, this.prepare(band, variant, encoder));
      }
    });
  }

  /** The band that serves zoom z, if the source shows anything there. */
  band(z: number): BandConfig | undefined {
    return this.config.bands.find((b) => z >= b.minzoom && z <= b.maxzoom);
  }

  /** Every attribute a viewer with full rights could see, for TileJSON's vector_layers. */
  fields(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const band of this.config.bands) for (const p of band.properties) out[p.name] = p.description;
    for (const p of this.config.restricted?.properties ?? []) out[p.name] = `${p.description} (signed-in users with rights only)`;
    return out;
  }

  /** The scope a viewer gets on this source: public unless the source has restricted attributes they may see. */
  scopeFor(viewer: TileViewer): Scope {
    const r = this.config.restricted;
    if (!r) return PUBLIC_SCOPE;
    if (viewer.role === 'admin') return { key: 'all', variant: 'all' };
    if (viewer.role === 'officer' && r.communeSql && viewer.communes.length) {
      const communes = [...new Set(viewer.communes)].sort();
      return { key: `communes:${communes.join(',')}`, variant: 'communes', communes };
    }
    if (viewer.role === 'farmer' && r.farmerSql && viewer.farmerId !== null) {
      return { key: `farmer:${viewer.farmerId}`, variant: 'farmer', farmerId: viewer.farmerId };
    }
    return PUBLIC_SCOPE;
  }

  /** The generalized layer a zoom reads from, so the engine can build its cells before rendering. */
  generalizedFor(z: number): GeneralizedLayer | undefined {
    const ref = this.band(z)?.generalized;
    return ref ? this.generalized.get(ref.layer) : undefined;
  }

  /** The SQL a request would run, for tests and the benchmark's baseline. */
  sqlFor(coord: TileCoord, scope: Scope, encoder: EncoderKind): { sql: string; params: unknown[] } | undefined {
    const i = this.config.bands.findIndex((b) => coord.z >= b.minzoom && coord.z <= b.maxzoom);
    const p = this.prepared.get(`${i}|${scope.variant}|${encoder}`);
    return p ? { sql: p.sql, params: p.params.map((f) => f(context(coord, scope))) } : undefined;
  }

  /** Renders one tile of this source as MVT bytes (empty when no feature survives). */
  async render(q: TileQueryable, coord: TileCoord, scope: Scope, encoder: EncoderKind): Promise<Uint8Array> {
    const i = this.config.bands.findIndex((b) => coord.z >= b.minzoom && coord.z <= b.maxzoom);
    if (i < 0) return EMPTY_TILE;
    const prepared = this.prepared.get(`${i}|${scope.variant}|${encoder}`);
    if (!prepared) throw new Error(`no ${encoder} SQL for scope ${scope.variant} of source ${this.id}`);
    const ctx = context(coord, scope);
    const params = prepared.params.map((f) => f(ctx));
    const run = <R>() => (q.queryPrepared ? q.queryPrepared<R>(prepared.name, prepared.sql, params) : q.query<R>(prepared.sql, params));
    if (encoder === 'sql') {
      const { rows } = await run<{ mvt: Uint8Array | null }>();
      const mvt = rows[0]?.mvt;
      return mvt && mvt.length ? new Uint8Array(mvt.buffer, mvt.byteOffset, mvt.byteLength) : EMPTY_TILE;
    }
    const { rows } = await run<JsRow>();
    return encodeJsLayer(this.id, rows, prepared.propertyNames, this.config.geometryType, prepared.partFilter);
  }

  private prepare(band: BandConfig, variant: Variant, encoder: EncoderKind): Prepared {
    const c = this.config;
    const params: Prepared['params'] = [];
    const param = (f: (c: RenderContext) => unknown, cast: string): string => {
      params.push(f);
      return `$${params.length}::${cast}`;
    };
    const gen = band.generalized ? this.generalized.get(band.generalized.layer) : undefined;
    if (band.generalized && !gen) throw new Error(`source ${c.id}: unknown generalized layer ${band.generalized.layer}`);

    const from = gen ? `${qualified(gen.config.table)} AS t` : 'table' in c.from ? `${qualified(c.from.table)} AS t` : c.from.sql;
    const geom = gen ? 't."geom"' : `t.${ident(c.geometryColumn ?? 'geom')}`;
    const id = gen ? 't."id"' : `t.${ident(c.idColumn ?? 'id')}`;

    const env = ['0', '1', '2', '3'].map((_, k) => param((x) => x.env4326[k], 'float8'));
    const where = [`${geom} && ST_MakeEnvelope(${env.join(', ')}, 4326)`];
    if (c.geometryType !== 'point') {
      // Sub-pixel features are invisible: drop them before any geometry work (bbox maths only).
      const min = param((x) => (band.minPixels ?? 0.5) * pixelDegrees(x.coord.z), 'float8');
      where.push(`(ST_XMax(${geom}) - ST_XMin(${geom}) >= ${min} OR ST_YMax(${geom}) - ST_YMin(${geom}) >= ${min})`);
    }
    if (gen && band.generalized) where.push(`t."level" = ${band.generalized.level}`);
    if (!gen && c.where) where.push(`(${c.where})`);
    if (band.where) where.push(`(${band.where})`);

    const column = (p: PropertyDef) => `(${p.sql ?? `t.${ident(p.name)}`})::${CAST[p.type]}`;
    const restricted = gen ? [] : (c.restricted?.properties ?? []);
    const hidden = gen ? undefined : c.restricted?.hiddenRowsSql;
    let guard: string | undefined;
    if (variant === 'communes' && c.restricted?.communeSql)
      guard = `(${c.restricted.communeSql}) = ANY(${param((x) => (x.scope.variant === 'communes' ? x.scope.communes : []), 'text[]')})`;
    if (variant === 'farmer' && c.restricted?.farmerSql)
      guard = `(${c.restricted.farmerSql}) = ${param((x) => (x.scope.variant === 'farmer' ? x.scope.farmerId : -1), 'bigint')}`;
    // A hidden value: left out where its condition holds, for all but administrators and the guarded rows.
    const value = (p: PropertyDef) =>
      !p.hiddenWhenSql || gen || variant === 'all'
        ? column(p)
        : `CASE WHEN NOT (${p.hiddenWhenSql})${guard ? ` OR ${guard}` : ''} THEN ${column(p)} END`;
    const select = band.properties.map((p) => `${value(p)} AS ${ident(p.name)}`);
    const propertyNames = band.properties.map((p) => p.name);
    // Hidden rows: none in public tiles, all for administrators, the guarded ones for the rest.
    if (hidden && variant !== 'all') where.push(guard ? `(NOT (${hidden}) OR ${guard})` : `NOT (${hidden})`);
    if (variant !== 'public' && restricted.length) {
      for (const p of restricted) {
        select.push(`${guard ? `CASE WHEN ${guard} THEN ${column(p)} END` : column(p)} AS ${ident(p.name)}`);
        propertyNames.push(p.name);
      }
    }

    // OFFSET 0: the encoders read "__geom" in several places (the in-database one tests where the
    // feature lies, then places it), and an inlined CTE would simplify it once for each. Computed once,
    // z16 parcels statements were 7% faster at p50 (1.34 → 1.24 ms), with the same bytes.
    const src = `WITH src AS (
  SELECT (${id})::bigint AS "__id", ${[...select, `${this.simplified(band, geom, !!gen)} AS "__geom"`].join(', ')}
  FROM ${from}
  WHERE ${where.join('\n    AND ')}
  OFFSET 0
)`;
    const partFilter = band.partFilter !== false;
    if (encoder === 'sql') {
      const first = params.length + 1;
      const path = c.geometryType === 'polygon' && band.minzoom >= AFFINE_MIN_ZOOM ? 'inside-affine' : 'transform';
      // Dissolved land-use cells span several tiles: cut them to the tile first (see CutOption).
      const cut = c.geometryType === 'polygon' && !!gen;
      for (let k = 0; k < 4; k++) params.push((x) => x.bounds3857[k]);
      if (path === 'inside-affine') {
        for (let k = 0; k < 4; k++) params.push((x) => x.affine4326[k]);
        // What goes whole, unclipped (sql.encoder.ts, UNCLIPPED): a feature within a quarter tile
        // of the tile; in a cut band, whose cells are many tiles wide, one inside the buffered tile.
        for (let k = 0; k < 4; k++) params.push(cut ? (x) => x.inside4326[k] : (x) => x.near4326[k]);
      }
      if (cut) for (let k = 0; k < 4; k++) params.push((x) => x.cut4326[k]);
      return named(
        sqlEncoderSql(src, c.id, propertyNames, first, c.geometryType, partFilter, path, { cut }),
        params,
        propertyNames,
        partFilter,
      );
    }
    const first = params.length + 1;
    for (let k = 0; k < 4; k++) params.push((x) => x.affine[k]);
    return named(jsSelectSql(src, propertyNames, first, c.geometryType), params, propertyNames, partFilter);
  }

  /** The geometry expression of a band: simplified in EPSG:4326 at half a pixel of the band's highest zoom. */
  private simplified(band: BandConfig, geom: string, generalized: boolean): string {
    // A generalized table was simplified when it was built; points never are.
    let mode = generalized || this.config.geometryType === 'point' ? 'none' : (band.simplify ?? 'plain');
    // Where neither applies, topology-preserving simplification costs GEOS work per feature for
    // nothing from PLAIN_SIMPLIFY_MIN_ZOOM on (see there).
    if (band.minzoom >= PLAIN_SIMPLIFY_MIN_ZOOM && (mode === 'topology' || (mode === 'coverage' && !this.caps.coverageSimplify)))
      mode = 'plain';
    const tolerance = numberLiteral(pixelDegrees(band.maxzoom) / 2);
    switch (mode) {
      case 'none':
        return geom;
      case 'plain':
        return `ST_Simplify(${geom}, ${tolerance}, true)`;
      case 'topology':
        return `ST_SimplifyPreserveTopology(${geom}, ${tolerance})`;
      case 'coverage':
        // Neighbours in the tile keep their shared edges; Debian 12's PostGIS 3.3 lacks it. PostGIS 3.6
        // returns SRID 0 from the window form, hence ST_SetSRID.
        return this.caps.coverageSimplify
          ? `ST_SetSRID(ST_CoverageSimplify(${geom}, ${tolerance}) OVER (), 4326)`
          : `ST_SimplifyPreserveTopology(${geom}, ${tolerance})`;
    }
  }
}

function context(coord: TileCoord, scope: Scope): RenderContext {
  // Every box a band's statement may bind, each computed once per tile.
  const env4326 = tileBounds4326(coord, BUFFER);
  const bounds3857 = tileBounds3857(coord);
  const affine4326 = tileAffine4326(coord);
  return {
    coord,
    scope,
    env4326,
    bounds3857,
    affine: tileAffine(bounds3857),
    affine4326,
    inside4326: float32Inside(env4326),
    near4326: float32Inside(tileBounds4326(coord, NEAR_MARGIN)),
    cut4326: tileBounds4326(coord, 2 * BUFFER),
  };
}

function checkBands(c: SourceConfig): void {
  if (!/^[a-z][a-z0-9_]*$/.test(c.id)) throw new Error(`source id ${JSON.stringify(c.id)} must be lower-case letters, digits and _`);
  let next = c.minzoom;
  for (const b of [...c.bands].sort((a, b) => a.minzoom - b.minzoom)) {
    if (b.minzoom !== next || b.maxzoom < b.minzoom)
      throw new Error(`source ${c.id}: bands must cover zooms ${c.minzoom}–${c.maxzoom} without gaps`);
    next = b.maxzoom + 1;
  }
  if (next !== c.maxzoom + 1) throw new Error(`source ${c.id}: bands must end at maxzoom ${c.maxzoom}`);
}
