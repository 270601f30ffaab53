import fs from 'node:fs';
import type { Geometry } from 'geojson';
import initSqlJs, { type Database, type SqlJsStatic } from 'sql.js';
import { AppError } from '../../plugins/errors.ts';
import { crsByCode, matchPrj, type CrsDefinition, type CrsMatch } from '../crs.ts';
import { FEATURE_FAULT } from '../../contracts/import.ts';
import { featureFailure, FeatureReadError } from '../feature-fault.ts';
import type { ReadOptions, SourceFeature, SourceLayer } from '../types.ts';
import { fromWkb, toWkb } from './wkb.ts';

// GeoPackage is SQLite. We use sql.js (SQLite compiled to WebAssembly): no native build on any
// machine, reads and writes, and the whole file sits in memory, which the upload limit bounds
// (better-sqlite3 would stream from disk but needs a compiler or a prebuilt binary download).
let sql: Promise<SqlJsStatic> | undefined;
const sqlite = () => (sql ??= initSqlJs());

const BATCH = 2000;

/** Reads the geometry out of a GeoPackage blob (header "GP", optional envelope, then WKB). */
export function fromGpkgBlob(blob: Uint8Array): Geometry | null {
  if (blob.length < 8 || blob[0] !== 0x47 || blob[1] !== 0x50)
    throw new FeatureReadError('not a GeoPackage geometry blob', { reason: FEATURE_FAULT.BAD_GEOMETRY_BLOB });
  const flags = blob[3]!;
  if (flags & 0x10) return null; // empty geometry
  const envelope = [0, 32, 48, 48, 64][(flags >> 1) & 0x07];
  if (envelope === undefined) throw new FeatureReadError('bad GeoPackage envelope flag', { reason: FEATURE_FAULT.BAD_GEOMETRY_BLOB });
  return fromWkb(blob, 8 + envelope).geometry;
}

/** A GeoPackage geometry blob (little-endian header with an XY envelope) for a geometry in srsId. */
export function toGpkgBlob(g: Geometry, srsId: number): Uint8Array {
  const wkb = toWkb(g);
  const env = [Infinity, -Infinity, Infinity, -Infinity];
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      const [x, y] = c as number[];
      env[0] = Math.min(env[0]!, x!);
      env[1] = Math.max(env[1]!, x!);
      env[2] = Math.min(env[2]!, y!);
      env[3] = Math.max(env[3]!, y!);
    } else if (Array.isArray(c)) c.forEach(visit);
  };
  if (g.type === 'GeometryCollection') g.geometries.forEach((x) => visit((x as { coordinates: unknown }).coordinates));
  else visit(g.coordinates);
  const head = Buffer.alloc(8 + 32);
  head.write('GP', 0, 'latin1');
  head[2] = 0;
  head[3] = 0x01 | (1 << 1); // little-endian, XY envelope
  head.writeInt32LE(srsId, 4);
  env.forEach((v, i) => head.writeDoubleLE(v, 8 + 8 * i));
  return Buffer.concat([head, wkb]);
}

const cell = (v: unknown) =>
  v === undefined || v === null ? null : typeof v === 'boolean' ? Number(v) : typeof v === 'number' ? v : String(v);
const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;

function layerCrs(db: Database, srsId: number, options: ReadOptions, table: string): CrsMatch {
  if (options.crs) {
    const def = crsByCode(options.crs);
    if (!def) throw new AppError('UNKNOWN_CRS', `Unknown coordinate system "${options.crs}".`);
    return { definition: def, matchedBy: 'option', warnings: [] };
  }
  const res = db.exec('SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?', [srsId]);
  const row = res[0]?.values[0];
  if (!row) throw new AppError('UNKNOWN_CRS', `Layer ${table} uses srs_id ${srsId}, which gpkg_spatial_ref_sys does not define.`);
  const [org, code, definition] = row as [string, number, string];
  if (String(org).toUpperCase() === 'EPSG') {
    const def = crsByCode(String(code));
    if (def) return { definition: def, matchedBy: 'epsg', warnings: [] };
  }
  return matchPrj(String(definition));
}

/** The feature tables of a GeoPackage as layers; Circular 16/2025 packages keep their layer names (…_A polygons, _P points, _L lines). */
export async function openGpkg(file: string, options: ReadOptions): Promise<{ layers: SourceLayer[]; close(): void }> {
  const SQL = await sqlite();
  let db: Database;
  try {
    db = new SQL.Database(await fs.promises.readFile(file));
    db.exec('SELECT count(*) FROM sqlite_master');
  } catch (error) {
    throw new AppError('BAD_FILE', `The GeoPackage cannot be opened as SQLite: ${(error as Error).message}`);
  }
  let tables: unknown[][];
  try {
    tables =
      db.exec(
        `SELECT c.table_name, g.column_name, g.srs_id, g.geometry_type_name FROM gpkg_contents c
         JOIN gpkg_geometry_columns g ON g.table_name = c.table_name WHERE c.data_type = 'features' ORDER BY c.table_name`,
      )[0]?.values ?? [];
  } catch {
    db.close();
    throw new AppError('BAD_FILE', 'The file is SQLite but not a GeoPackage (no gpkg_contents / gpkg_geometry_columns).');
  }
  const layers: SourceLayer[] = tables.map((row) => {
    const [table, geomColumn, srsId, geometryType] = row as [string, string, number, string];
    const info = db.exec(`PRAGMA table_info(${quoteIdent(table)})`)[0]?.values ?? [];
    const fields = info.map((r) => String(r[1])).filter((c) => c !== geomColumn);
    const count = Number(db.exec(`SELECT count(*) FROM ${quoteIdent(table)}`)[0]?.values[0]?.[0] ?? 0);
    return {
      name: table,
      crs: layerCrs(db, srsId, options, table),
      encoding: { encoding: 'utf-8', source: 'format', confidence: 1 },
      count,
      fields,
      geometryType: String(geometryType).toUpperCase(),
      async *features(): AsyncGenerator<SourceFeature> {
        const stmt = db.prepare(`SELECT * FROM ${quoteIdent(table)}`);
        try {
          let index = 0;
          while (stmt.step()) {
            const values = stmt.getAsObject();
            index++;
            const blob = values[geomColumn];
            delete values[geomColumn];
            let geometry: Geometry | null = null;
            const properties: Record<string, unknown> = values;
            let failure: SourceFeature['error'];
            try {
              geometry = blob instanceof Uint8Array ? fromGpkgBlob(blob) : null;
            } catch (error) {
              failure = featureFailure(error, 'geometry blob unreadable: ');
            }
            yield { index, geometry, properties, ...(failure ? { error: failure } : {}) };
            // Let the event loop breathe between batches: sql.js is synchronous.
            if (index % BATCH === 0) await new Promise((r) => setImmediate(r));
          }
        } finally {
          stmt.free();
        }
      },
    } satisfies SourceLayer & { geometryType: string };
  });
  return { layers, close: () => db.close() };
}

/** A column of an exported layer. */
export type GpkgColumn = { name: string; type: 'TEXT' | 'INTEGER' | 'REAL' | 'DATE' };

/** Builds a GeoPackage 1.4 in memory, one layer at a time, and returns its bytes. */
export class GpkgWriter {
  private constructor(private readonly db: Database) {}

  /** An empty GeoPackage with the mandatory tables and the WGS 84 / undefined systems. */
  static async create(): Promise<GpkgWriter> {
    const SQL = await sqlite();
    const db = new SQL.Database();
    db.exec(`
      PRAGMA application_id = 1196444487; -- 'GPKG'
      PRAGMA user_version = 10400;
      CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
        organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
      CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
        description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER REFERENCES gpkg_spatial_ref_sys(srs_id));
      CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
        srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL, PRIMARY KEY (table_name, column_name));
      INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', NULL);
      INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', NULL);
      BEGIN;
    `);
    return new GpkgWriter(db);
  }

  private ensureSrs(crs: CrsDefinition, wkt: string): number {
    const id = Number(crs.code.split(':')[1]);
    this.db.run('INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)', [crs.name, id, 'EPSG', id, wkt, crs.proj4]);
    return id;
  }

  /** Adds a feature table and returns a function that appends rows (geometry already in crs). */
  addLayer(
    table: string,
    geometryType: 'MULTIPOLYGON' | 'POLYGON' | 'POINT' | 'MULTILINESTRING' | 'GEOMETRY',
    columns: readonly GpkgColumn[],
    crs: CrsDefinition,
    wkt: string,
  ): (geometry: Geometry | null, values: readonly unknown[]) => void {
    const srsId = this.ensureSrs(crs, wkt);
    const cols = columns.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(', ');
    this.db.exec(
      `CREATE TABLE ${quoteIdent(table)} (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom ${geometryType}${cols ? `, ${cols}` : ''})`,
    );
    this.db.run(`INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES (?, 'features', ?, ?)`, [
      table,
      table,
      srsId,
    ]);
    this.db.run('INSERT INTO gpkg_geometry_columns VALUES (?, ?, ?, ?, 0, 0)', [table, 'geom', geometryType, srsId]);
    const stmt = this.db.prepare(
      `INSERT INTO ${quoteIdent(table)} (geom${columns.map((c) => `, ${quoteIdent(c.name)}`).join('')}) VALUES (?${', ?'.repeat(columns.length)})`,
    );
    this.statements.push(stmt);
    const extent = [Infinity, Infinity, -Infinity, -Infinity];
    this.extents.set(table, extent);
    return (geometry, values) => {
      if (geometry) {
        const blob = toGpkgBlob(geometry, srsId);
        const v = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
        // The blob's envelope is minx, maxx, miny, maxy.
        extent[0] = Math.min(extent[0]!, v.getFloat64(8, true));
        extent[2] = Math.max(extent[2]!, v.getFloat64(16, true));
        extent[1] = Math.min(extent[1]!, v.getFloat64(24, true));
        extent[3] = Math.max(extent[3]!, v.getFloat64(32, true));
        stmt.run([blob, ...values.map(cell)]);
        return;
      }
      stmt.run([null, ...values.map(cell)]);
    };
  }

  private statements: ReturnType<Database['prepare']>[] = [];
  private extents = new Map<string, number[]>();

  /** Commits, fills each layer's extent, and returns the file's bytes. */
  finish(): Uint8Array {
    for (const s of this.statements) s.free();
    for (const [table, e] of this.extents) {
      if (Number.isFinite(e[0]))
        this.db.run('UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ? WHERE table_name = ?', [
          e[0]!,
          e[1]!,
          e[2]!,
          e[3]!,
          table,
        ]);
    }
    this.db.exec('COMMIT');
    const bytes = this.db.export();
    this.db.close();
    return bytes;
  }
}
