// The contract of the tile engine: what a source is, what it needs from a database, and who is
// asking. Plain data and interfaces only; the engine, the catalog and the encoders build on it.

/** Every tile is MVT 2.1 with this many units across (DESIGN.md). */
export const EXTENT = 4096;
/**
 * Smallest polygon part a tile keeps, in square tile units: half a screen pixel (16 × 16 units).
 * Snapping thin shapes to the grid leaves slivers that ST_AsMVTGeom (wagyu) and the JS path
 * (GEOS) cut differently; both encoders drop parts under this, which no one could see anyway.
 */
export const MIN_PART_AREA = 128;
/**
 * Thinnest polygon part a tile keeps: its mean width (2 × area / perimeter) in tile units, a
 * quarter of a pixel. A canal two units wide at z13 is a sliver both encoders would draw apart.
 */
export const MIN_PART_WIDTH = 4;
/** Tile units kept beyond each edge so strokes and labels do not break at tile seams (DESIGN.md). */
export const BUFFER = 64;

/** Stable codes of the failures a tile request can meet; the HTTP shell maps them to statuses. */
export type TileErrorCode = 'TILE_OUT_OF_RANGE' | 'UNKNOWN_SOURCE' | 'OVERLOADED' | 'ABORTED';

/** A tile request the engine refuses, with a stable code and no HTTP in it. */
export class TileError extends Error {
  override name = 'TileError';
  constructor(
    readonly code: TileErrorCode,
    message: string,
    /** For OVERLOADED: seconds after which a retry is likely to be served. */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

/** Something that runs one SQL statement with positional parameters. */
export interface TileQueryable {
  /** Runs one statement; rows come back as plain objects. */
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<{ rows: R[] }>;
  /**
   * Runs a statement kept prepared on each connection under `name` (one name per SQL text): parsed
   * once, and planned once when PostgreSQL finds its generic plan as good as the custom ones.
   * Optional; without it the engine uses `query`.
   */
  queryPrepared?<R = Record<string, unknown>>(name: string, sql: string, params: readonly unknown[]): Promise<{ rows: R[] }>;
}

/**
 * The database as the engine sees it: queries, and transactions when the database has them. On a
 * server PostgreSQL, give the engine connections that carry a statement timeout and `jit = off`:
 * each tile is then one statement and one round trip.
 */
export interface TileDb extends TileQueryable {
  /** Runs fn inside BEGIN … COMMIT (generalized-table builds). */
  transaction?<T>(fn: (tx: TileQueryable) => Promise<T>): Promise<T>;
  /** Runs fn on `count` connections at once, opening those the pool lacks; returns how many it ran on. */
  eachConnection?(count: number, fn: (q: TileQueryable) => Promise<void>): Promise<number>;
}

/** What the database can do; the engine picks its encoder and simplifier from it. */
export type TileCapabilities = Readonly<{
  kind: 'postgres' | 'embedded';
  /** ST_AsMVT / ST_AsMVTGeom work (not on the embedded PGlite). */
  mvt: boolean;
  /** ST_CoverageSimplify exists (PostGIS ≥ 3.6 with GEOS ≥ 3.12; not Debian 12's 3.3). */
  coverageSimplify: boolean;
  /** Connections the pool may hold: the number of tiles rendered at once. */
  maxConnections: number;
}>;

/** Who is asking, as far as tiles care: the same fields as the server's Viewer. */
export type TileViewer = Readonly<{
  role: string;
  communes: readonly string[];
  farmerId: number | null;
}>;

/** The type of an attribute, used for the SQL cast (so both encoders write the same value type) and TileJSON. */
export type FieldType = 'string' | 'integer' | 'number' | 'boolean';

/** One attribute of a tile feature. */
export type PropertyDef = Readonly<{
  /** Attribute name in the tile. */
  name: string;
  type: FieldType;
  /** SQL expression over the source row (alias t); default t."name". Trusted config, never user input. */
  sql?: string;
  /** Shown in TileJSON's vector_layers fields. */
  description: string;
  /**
   * SQL condition over the row: where it holds, the value is left out for the viewers that
   * `restricted.hiddenRowsSql` would not show the row to (the public, other communes), as for a
   * plot's link to a growing area still in draft. Trusted config, never user input.
   */
  hiddenWhenSql?: string;
}>;

/**
 * How a band simplifies geometry, in EPSG:4326 before reprojection (cheaper, and the GiST-filtered
 * rows are the only ones touched): 'coverage' keeps shared edges of neighbouring polygons
 * (ST_CoverageSimplify, falls back to 'topology' where PostGIS lacks it), 'topology' keeps each
 * polygon valid, 'plain' is ST_Simplify, 'none' leaves points and exact shapes alone.
 */
export type SimplifyMode = 'none' | 'plain' | 'topology' | 'coverage';

/** Reads a band from a precomputed generalized table instead of the source table. */
export type GeneralizedRef = Readonly<{
  /** Id of a generalized layer of the catalog (see sources/generalized.ts). */
  layer: string;
  /** Its level: the zoom whose half-pixel tolerance it was simplified at. */
  level: number;
}>;

/** The shape of a source over a range of zooms: which attributes, which rows, how generalized. */
export type BandConfig = Readonly<{
  minzoom: number;
  maxzoom: number;
  /** Public attributes: what every viewer sees. */
  properties: readonly PropertyDef[];
  /** Extra row filter for this band (trusted SQL over alias t), such as only main roads at low zoom. */
  where?: string;
  /** Default 'plain' for lines and polygons. */
  simplify?: SimplifyMode;
  /** Features whose bounding box is smaller than this many pixels in both directions are dropped. Default 0.5. */
  minPixels?: number;
  /**
   * Drop polygon parts under MIN_PART_AREA or MIN_PART_WIDTH (default true). Turn it off on bands
   * where every feature spans many pixels: there it only removes slivers cut off in the buffer,
   * which no one sees, and costs about a tenth of the tile's database time.
   */
  partFilter?: boolean;
  /** Read this band from a precomputed generalized table. */
  generalized?: GeneralizedRef;
}>;

/** Attributes only some viewers see, and the rows they see them on. */
export type RestrictedConfig = Readonly<{
  properties: readonly PropertyDef[];
  /** SQL for the row's commune code: an officer sees the extra attributes in their communes. */
  communeSql?: string;
  /** SQL for the row's farmer id: a farmer sees them on their own rows. */
  farmerSql?: string;
  /**
   * Rows only these viewers see at all (trusted SQL over t), such as draft growing areas: hidden
   * from the public scope, shown to administrators and to the viewers the guards above let in.
   */
  hiddenRowsSql?: string;
}>;

/** A table-backed tile source, declared once; the catalog turns it into SQL at start-up. */
export type SourceConfig = Readonly<{
  id: string;
  name: string;
  description: string;
  attribution?: string;
  /** A table name (escaped), or a trusted FROM fragment whose main row alias is t. */
  from: { table: string } | { sql: string };
  /** Geometry column of t, EPSG:4326 with a GiST index. */
  geometryColumn?: string;
  geometryType: 'point' | 'line' | 'polygon';
  /** Integer id column of t: the MVT feature id. */
  idColumn?: string;
  minzoom: number;
  maxzoom: number;
  /** Tables whose changes make this source's tiles stale. */
  tables: readonly string[];
  bands: readonly BandConfig[];
  /** Rows every viewer may see (trusted SQL over t), such as not superseded. */
  where?: string;
  restricted?: RestrictedConfig;
}>;

/**
 * A viewer's scope for one source: the cache key part and the SQL variant. Public tiles share
 * one scope ('public') so anonymous visitors share the cache; any scope that reveals more is keyed
 * by who may see it, so one user's tile never reaches another.
 */
export type Scope = Readonly<
  | { key: 'public'; variant: 'public' }
  | { key: 'all'; variant: 'all' }
  | { key: string; variant: 'communes'; communes: readonly string[] }
  | { key: string; variant: 'farmer'; farmerId: number }
>;

/** The public scope, for anonymous viewers and sources without restricted attributes. */
export const PUBLIC_SCOPE: Scope = Object.freeze({ key: 'public', variant: 'public' });

/** The MVT encoder: in the database (ST_AsMVT) or in JS from clipped geometry. */
export type EncoderKind = 'sql' | 'js';
