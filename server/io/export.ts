import fs from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import type { Geometry } from 'geojson';
import yazl from 'yazl';
import type { Viewer } from '../contracts/viewer.ts';
import type { Queryable } from '../db/index.ts';
import { AppError } from '../plugins/errors.ts';
import { crsByCode, esriWkt, fromWgs84, type CrsDefinition } from './crs.ts';
import { csvCell } from './formats/csv.ts';
import { dbfNames, type DbfColumn } from './formats/dbf.ts';
import { GeoJsonWriter } from './formats/geojson.ts';
import { GpkgWriter, type GpkgColumn } from './formats/gpkg.ts';
import { KML_HEAD, KML_TAIL, kmlPlacemark } from './formats/kml.ts';
import { ShapefileWriter, type ShapeKind } from './formats/shapefile.ts';
import { toWkt } from './formats/wkt.ts';
import type { Target } from './targets.ts';
import { vietnamToday } from '../domain/vietnam-time.ts';

/** Formats we write. */
export const EXPORT_FORMATS = ['geojson', 'shapefile', 'kml', 'csv', 'gpkg'] as const;
/** One of EXPORT_FORMATS. */
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

type ColumnType = 'text' | 'integer' | 'number' | 'date';
/** `dbf`: the shapefile's field name where the column's own is over dBASE's 10 characters (the importer knows it). */
type Column = { name: string; sql: string; type: ColumnType; dbf?: string };

type Source = {
  table: string;
  /** FROM clause (with joins) and the alias of the main table. */
  from: string;
  columns: Column[];
  kind: ShapeKind;
  gpkgType: 'MULTIPOLYGON' | 'POLYGON' | 'POINT';
  /** Equality filters a user may pass as query parameters: parameter → SQL column. */
  filters: Record<string, { sql: string; type: 'text' | 'integer' }>;
  /** Label of a feature in KML. */
  label: string;
  /** Layer name in a GeoPackage (Circular 16/2025 names for planning). */
  layer: string;
  /**
   * CSV only, after `wkt`: each coded column's Vietnamese name and each date as dd/mm/yyyy, for the
   * officer who opens the file in Excel. The columns before stay as they were (the importer reads
   * them back; it takes no notice of these).
   */
  readable: Column[];
  /**
   * Columns added after the ones tools already read by position: in every format after the columns,
   * in CSV after the readable ones too (`csvOnly`: a date as dd/mm/yyyy, CSV only as the readable ones).
   */
  added?: (Column & { csvOnly?: boolean })[];
};

const c = (name: string, type: ColumnType, sql = `t.${name}`, dbf?: string): Column => ({ name, sql, type, ...(dbf ? { dbf } : {}) });

// The readable columns' SQL: a name looked up by code (null for a code the table lacks), a date as Vietnamese documents write it.
const landUseVi = (sql = 't.land_use_code'): Column =>
  c('land_use_vi', 'text', `(SELECT l.name_vi FROM land_use_codes l WHERE l.code = ${sql})`);
/** The commune's name as of `on` (the unit the record refers to), else its latest name. */
const communeVi = (on = 'current_date'): Column =>
  c(
    'commune_vi',
    'text',
    `(SELECT a.name FROM admin_units a WHERE a.code = t.commune_code
       ORDER BY (a.valid_from <= ${on} AND (a.valid_to IS NULL OR a.valid_to > ${on})) DESC, a.valid_from DESC LIMIT 1)`,
  );
const dateVn = (name: string): Column => c(`${name}_vn`, 'text', `to_char(t.${name}, 'DD/MM/YYYY')`);
/** Words of a closed list of codes (a CHECK constraint, not a table): `CASE` over the pairs, the code itself when unknown. */
const wordsVi = (name: string, words: Readonly<Record<string, string>>): Column =>
  c(
    `${name}_vi`,
    'text',
    `CASE t.${name} ${Object.entries(words)
      .map(([code, word]) => `WHEN '${code}' THEN '${word}'`)
      .join(' ')} ELSE t.${name} END`,
  );
// As the map's cards word them (web/src/i18n/vi.ts: producer_kind_*, category_*).
const PRODUCER_KIND_VI = { household: 'Hộ gia đình', cooperative: 'Hợp tác xã', company: 'Doanh nghiệp' };
const CATEGORY_VI = {
  fruit: 'Cây ăn quả',
  rice: 'Lúa',
  vegetable: 'Rau màu',
  aquaculture: 'Thủy sản',
  flower: 'Hoa, cây cảnh',
  livestock: 'Chăn nuôi',
  other: 'Khác',
};

// Only public columns: owners live in parcel_owners and farmers' names in farmer_private, and
// neither is ever joined here, whoever asks.
const SOURCES: Readonly<Record<Target['collection'], Source>> = {
  parcels: {
    table: 'parcels',
    from: 'parcels t',
    columns: [
      c('id', 'integer'),
      c('commune_code', 'text', 't.commune_code', 'commune'),
      c('commune_ref_date', 'date', 't.commune_ref_date::text', 'commune_dt'),
      c('sheet', 'integer'),
      c('parcel_no', 'integer'),
      c('cert_sheet', 'text'),
      c('cert_parcel', 'text', 't.cert_parcel', 'cert_parc'),
      c('land_use_code', 'text', 't.land_use_code', 'land_use'),
      c('legal_area_m2', 'number', 't.legal_area_m2', 'legal_m2'),
      c('address', 'text'),
    ],
    kind: 'polygon',
    gpkgType: 'MULTIPOLYGON',
    filters: {
      commune: { sql: 't.commune_code', type: 'text' },
      sheet: { sql: 't.sheet', type: 'integer' },
      land_use_code: { sql: 't.land_use_code', type: 'text' },
    },
    label: `t.commune_code || '-' || t.sheet || '-' || t.parcel_no`,
    layer: 'thua_dat',
    readable: [communeVi('t.commune_ref_date'), dateVn('commune_ref_date'), landUseVi()],
  },
  zones: {
    table: 'zoning_lots',
    from: 'zoning_lots t JOIN planning_plans p ON p.id = t.plan_id',
    columns: [
      c('id', 'integer'),
      c('plan_id', 'integer'),
      // Circular 16/2025/TT-BXD minimum fields, then our controls.
      c('maThongTinQH', 'text', 't.info_code'),
      c('maHoSoQH', 'text', 'p.plan_code'),
      c('maDoiTuong', 'text', 't.lot_code'),
      c('tenDoiTuong', 'text', 't.function'),
      c('land_use_code', 'text'),
      c('max_density_pct', 'number'),
      c('max_far', 'number'),
      c('min_floors', 'integer'),
      c('max_floors', 'integer'),
      c('max_height_m', 'number'),
      c('setback_m', 'number'),
      c('phase', 'text'),
    ],
    kind: 'polygon',
    gpkgType: 'MULTIPOLYGON',
    filters: { plan: { sql: 't.plan_id', type: 'integer' }, land_use_code: { sql: 't.land_use_code', type: 'text' } },
    label: 't.lot_code',
    layer: 'PhanOQuyHoach_A',
    readable: [landUseVi()],
  },
  plots: {
    table: 'plots',
    // The growing area's code (public: printed on the area's profile; null until issued) beside its id.
    // The farmer is not written: farmer_id is personal data in the features API (hidden from planners,
    // its reveal logged), and an import never changes a plot's farmer or area anyway (README).
    from: 'plots t LEFT JOIN growing_areas g ON g.id = t.growing_area_id',
    columns: [
      c('id', 'integer'),
      // id:N names plot N of this database: the importer matches it back to the plot (import.sql.ts matchById).
      c('source_key', 'text', `coalesce(t.source_key, 'id:' || t.id)`),
      c('commune_code', 'text', 't.commune_code', 'commune'),
      c('crop', 'text'),
      c('variety', 'text'),
      c('planting_date', 'date', 't.planting_date::text', 'planted'),
      c('expected_harvest', 'date', 't.expected_harvest::text', 'harvest'),
      c('area_m2', 'number'),
      c('growing_area_id', 'integer', 't.growing_area_id', 'area_id'),
      c('growing_area_code', 'text', 'g.code', 'area_code'),
    ],
    kind: 'polygon',
    gpkgType: 'POLYGON',
    filters: {
      commune: { sql: 't.commune_code', type: 'text' },
      crop: { sql: 't.crop', type: 'text' },
      growing_area: { sql: 't.growing_area_id', type: 'integer' },
    },
    label: `'plot ' || t.id`,
    layer: 'vung_trong_lo',
    readable: [
      communeVi(),
      c('crop_vi', 'text', '(SELECT k.name_vi FROM crops k WHERE k.code = t.crop)'),
      dateVn('planting_date'),
      dateVn('expected_harvest'),
    ],
    // Beside the code, the decision that issued it (number and the day it was signed, null until issued).
    added: [
      c('growing_area_decision_no', 'text', 'g.decision_no', 'area_decno'),
      c('growing_area_issued_on', 'date', 'g.issued_on::text', 'area_issue'),
      { ...c('growing_area_issued_on_vn', 'text', `to_char(g.issued_on, 'DD/MM/YYYY')`), csvOnly: true },
    ],
  },
  products: {
    table: 'products',
    from: 'products t',
    columns: [
      c('id', 'integer'),
      c('source_key', 'text', `coalesce(t.source_key, 'id:' || t.id)`),
      c('producer_kind', 'text'),
      c('producer_name', 'text'),
      c('product', 'text'),
      c('category', 'text'),
      c('season', 'text'),
      c('volume_tonnes', 'number'),
      c('address', 'text'),
      c('commune_code', 'text'),
    ],
    kind: 'point',
    gpkgType: 'POINT',
    filters: { commune: { sql: 't.commune_code', type: 'text' }, category: { sql: 't.category', type: 'text' } },
    label: 't.product',
    layer: 'san_pham',
    readable: [wordsVi('producer_kind', PRODUCER_KIND_VI), wordsVi('category', CATEGORY_VI), communeVi()],
  },
  landuse: {
    table: 'landuse_areas',
    from: 'landuse_areas t',
    columns: [
      c('id', 'integer'),
      c('map_id', 'integer'),
      c('source_key', 'text', `coalesce(t.source_key, 'id:' || t.id)`),
      c('land_use_code', 'text'),
    ],
    kind: 'polygon',
    gpkgType: 'MULTIPOLYGON',
    filters: { map: { sql: 't.map_id', type: 'integer' }, land_use_code: { sql: 't.land_use_code', type: 'text' } },
    label: 't.land_use_code',
    layer: 'su_dung_dat',
    readable: [landUseVi()],
  },
};

/** The request: which rows, in which format and system. */
export type ExportOptions = {
  collection: Target['collection'];
  format: ExportFormat;
  viewer: Viewer;
  /** [minLon, minLat, maxLon, maxLat] in WGS 84. */
  bbox?: [number, number, number, number];
  /** Equality filters by parameter name (see each source's filters). */
  filters?: Record<string, string>;
  /** Output system for shapefile, CSV and GeoPackage (GeoJSON and KML are WGS 84 by definition). */
  crs?: string;
};

/** A finished export: a file to stream, removed by cleanup(). */
export type ExportResult = { file: string; contentType: string; filename: string; count: number; cleanup(): Promise<void> };

/** Who may read a collection, and the row filter that applies to them. */
function visibility(collection: Target['collection'], viewer: Viewer, params: unknown[]): string {
  if (collection !== 'plots') return 'TRUE';
  // Plots belong to farmers: a farmer sees theirs, an officer their communes, admins and planners all.
  switch (viewer.role) {
    case 'admin':
    case 'planner':
      return 'TRUE';
    case 'officer':
      params.push(viewer.communes);
      return `t.commune_code = ANY($${params.length}::text[])`;
    case 'farmer':
      params.push(viewer.farmerId);
      return `t.farmer_id = $${params.length}`;
    default:
      throw new AppError('UNAUTHENTICATED', 'Sign in to export production plots.');
  }
}

const PAGE = 5000;

/** The added columns a format writes: every one in CSV, the rest without the CSV-only ones. */
function addedOf(source: Source, format: ExportFormat): Column[] {
  return (source.added ?? []).filter((col) => format === 'csv' || !col.csvOnly);
}

/** The columns a format writes besides the geometry, the readable and the CSV's added ones aside (they follow the wkt). */
function columnsOf(source: Source, format: ExportFormat): Column[] {
  return format === 'csv' ? source.columns : [...source.columns, ...addedOf(source, format)];
}

async function* rows(
  q: Queryable,
  source: Source,
  options: ExportOptions,
): AsyncGenerator<{ id: number; label: string; geometry: Geometry; values: unknown[]; readable: unknown[] }> {
  const columns = columnsOf(source, options.format);
  const params: unknown[] = [];
  const where = [visibility(options.collection, options.viewer, params)];
  if (options.bbox) {
    params.push(...options.bbox);
    where.push(`t.geom && ST_MakeEnvelope($${params.length - 3}, $${params.length - 2}, $${params.length - 1}, $${params.length}, 4326)`);
  }
  for (const [name, value] of Object.entries(options.filters ?? {})) {
    const f = source.filters[name];
    if (!f)
      throw new AppError(
        'INVALID_FILTER',
        `Unknown filter "${name}" for ${options.collection}; use ${Object.keys(source.filters).join(', ')}, bbox.`,
      );
    if (f.type === 'integer' && !/^\d+$/.test(value)) throw new AppError('INVALID_FILTER', `Filter ${name} takes a whole number.`);
    params.push(f.type === 'integer' ? Number(value) : value);
    where.push(`${f.sql} = $${params.length}`);
  }
  // CSV: the readable columns, then the added ones, all after the wkt.
  const readable = options.format === 'csv' ? [...source.readable, ...addedOf(source, 'csv')] : [];
  const select = [...columns, ...readable].map((col) => `${col.sql} AS "${col.name}"`).join(', ');
  // Keyset pages by id: memory holds one page whatever the table's size.
  let after = 0;
  params.push(after);
  const afterIndex = params.length;
  // GeoJSON rings run as RFC 7946 §3.1.6 wants (outer counter-clockwise); other formats keep the stored
  // order (the shapefile writer orders rings its own way; a GeoPackage or WKT round trip stays vertex for vertex).
  const geom = options.format === 'geojson' ? 'ST_ForcePolygonCCW(t.geom)' : 't.geom';
  for (;;) {
    params[afterIndex - 1] = after;
    const { rows: page } = await q.query<Record<string, unknown> & { __id: number; __label: string; __geom: string }>(
      `SELECT t.id AS __id, ${source.label} AS __label, ST_AsGeoJSON(${geom}, 9) AS __geom, ${select}
       FROM ${source.from} WHERE ${where.join(' AND ')} AND t.id > $${afterIndex} ORDER BY t.id LIMIT ${PAGE}`,
      params,
    );
    for (const r of page)
      yield {
        id: Number(r.__id),
        label: String(r.__label ?? r.__id),
        geometry: JSON.parse(r.__geom) as Geometry,
        values: columns.map((col) => r[col.name] ?? null),
        readable: readable.map((col) => r[col.name] ?? null),
      };
    if (page.length < PAGE) return;
    after = Number(page[page.length - 1]!.__id);
  }
}

function reproject(g: Geometry, f: (lon: number, lat: number) => [number, number]): Geometry {
  const walk = (c: unknown): unknown =>
    Array.isArray(c) && typeof c[0] === 'number' ? f(c[0] as number, c[1] as number) : Array.isArray(c) ? c.map(walk) : c;
  if (g.type === 'GeometryCollection') return { type: 'GeometryCollection', geometries: g.geometries.map((x) => reproject(x, f)) };
  return { ...g, coordinates: walk(g.coordinates) } as Geometry;
}

/** Writes the rows of a collection the viewer may read into a temporary file of the requested format. */
export async function exportCollection(q: Queryable, options: ExportOptions): Promise<ExportResult> {
  const source = SOURCES[options.collection];
  if (!source)
    throw new AppError('UNKNOWN_COLLECTION', `Cannot export "${options.collection}"; use one of ${Object.keys(SOURCES).join(', ')}.`);
  let crs: CrsDefinition = crsByCode('EPSG:4326')!;
  if (options.crs) {
    const def = crsByCode(options.crs);
    if (!def || def.northingFirst || def.kind === 'web-mercator')
      throw new AppError(
        'UNKNOWN_CRS',
        `Cannot export in "${options.crs}"; use EPSG:4326, a VN-2000 zone such as EPSG:5897 or EPSG:9210, or UTM 48N.`,
      );
    if (def.code !== 'EPSG:4326' && (options.format === 'geojson' || options.format === 'kml')) {
      throw new AppError('BAD_REQUEST', `${options.format} is always WGS 84; use shapefile, CSV or gpkg for ${def.code}.`);
    }
    crs = def;
  }
  const project = crs.code === 'EPSG:4326' ? null : fromWgs84(crs);
  const columns = columnsOf(source, options.format);
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'bando-export-'));
  const cleanup = () => fs.promises.rm(dir, { recursive: true, force: true });
  const stamp = vietnamToday();
  const base = `${options.collection}-${stamp}`;
  let count = 0;
  let stream: fs.WriteStream | undefined;
  try {
    switch (options.format) {
      case 'geojson':
      case 'kml':
      case 'csv': {
        const ext = options.format === 'geojson' ? 'geojson' : options.format;
        const file = path.join(dir, `${base}.${ext}`);
        // Opened before anything is read, and listened to: a refused filter (thrown at the first
        // row) removes the folder, and a stream still opening there would throw ENOENT into the void.
        const out = fs.createWriteStream(file);
        stream = out;
        let failure: Error | undefined;
        out.on('error', (error) => (failure = error));
        await once(out, 'ready');
        // Backpressure: until the stream drains, or closes on an error (listeners taken off again,
        // or every wait of a large export would leave one behind).
        const wait = async () => {
          if (!failure)
            await new Promise<void>((resolve) => {
              const done = () => {
                out.off('drain', done);
                out.off('close', done);
                resolve();
              };
              out.on('drain', done);
              out.on('close', done);
            });
          if (failure) throw failure;
        };
        const gj = options.format === 'geojson' ? new GeoJsonWriter(out) : null;
        if (options.format === 'kml') out.write(KML_HEAD(options.collection));
        if (options.format === 'csv')
          out.write(
            '\uFEFF' +
              [...columns.map((col) => col.name), 'wkt', ...[...source.readable, ...addedOf(source, 'csv')].map((col) => col.name)]
                .map(csvCell)
                .join(',') +
              '\n',
          );
        for await (const r of rows(q, source, options)) {
          count++;
          const props = Object.fromEntries(columns.map((col, i) => [col.name, r.values[i]]));
          let ok: boolean;
          if (gj) ok = gj.write({ id: r.id, geometry: r.geometry, properties: props });
          else if (options.format === 'kml') ok = out.write(kmlPlacemark(r.label, r.geometry, props));
          else
            ok = out.write(
              [...r.values, toWkt(project ? reproject(r.geometry, project) : r.geometry, project ? 3 : 9), ...r.readable]
                .map(csvCell)
                .join(',') + '\n',
            );
          if (!ok) await wait();
        }
        if (gj) gj.end();
        if (options.format === 'kml') out.write(KML_TAIL);
        await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
        if (failure) throw failure;
        const type = { geojson: 'application/geo+json', kml: 'application/vnd.google-earth.kml+xml', csv: 'text/csv; charset=utf-8' }[
          options.format
        ];
        return { file, contentType: type, filename: `${base}.${ext}`, count, cleanup };
      }
      case 'shapefile': {
        const names = dbfNames(columns.map((col) => col.dbf ?? col.name));
        const fields: DbfColumn[] = columns.map((col, i) => dbfColumn(names[i]!, col.type));
        const writer = await ShapefileWriter.create(path.join(dir, base), source.kind, fields, crs);
        for await (const r of rows(q, source, options)) {
          count++;
          await writer.write(project ? reproject(r.geometry, project) : r.geometry, r.values);
        }
        const files = await writer.close();
        const zipFile = path.join(dir, `${base}.zip`);
        const zip = new yazl.ZipFile();
        for (const f of files) zip.addFile(f, path.basename(f));
        zip.end();
        await new Promise<void>((resolve, reject) =>
          zip.outputStream.pipe(fs.createWriteStream(zipFile)).on('close', resolve).on('error', reject),
        );
        return { file: zipFile, contentType: 'application/zip', filename: `${base}-shp.zip`, count, cleanup };
      }
      case 'gpkg': {
        const gpkg = await GpkgWriter.create();
        const add = gpkg.addLayer(
          source.layer,
          source.gpkgType,
          columns
            .filter((col) => col.name !== 'id')
            .map((col): GpkgColumn => ({
              name: col.name,
              type: col.type === 'integer' ? 'INTEGER' : col.type === 'number' ? 'REAL' : col.type === 'date' ? 'DATE' : 'TEXT',
            })),
          crs,
          esriWkt(crs),
        );
        const keep = columns.map((col) => col.name !== 'id');
        for await (const r of rows(q, source, options)) {
          count++;
          add(
            project ? reproject(r.geometry, project) : r.geometry,
            r.values.filter((_, i) => keep[i]),
          );
        }
        const file = path.join(dir, `${base}.gpkg`);
        await fs.promises.writeFile(file, gpkg.finish());
        return { file, contentType: 'application/geopackage+sqlite3', filename: `${base}.gpkg`, count, cleanup };
      }
    }
  } catch (error) {
    stream?.destroy();
    await cleanup();
    throw error;
  }
}

function dbfColumn(name: string, type: ColumnType): DbfColumn {
  switch (type) {
    case 'integer':
      return { name, type: 'N', length: 18, decimals: 0 };
    case 'number':
      return { name, type: 'N', length: 24, decimals: 6 };
    case 'date':
      return { name, type: 'D', length: 8, decimals: 0 };
    case 'text':
      return { name, type: 'C', length: 254, decimals: 0 };
  }
}
