import fs from 'node:fs';
import path from 'node:path';
import type { Geometry, Position } from 'geojson';
import * as shapefile from 'shapefile';
import { AppError } from '../../plugins/errors.ts';
import { crsByCode, matchPrj, type CrsMatch, type CrsDefinition, esriWkt } from '../crs.ts';
import { decodeText, detectEncoding, encodingFromLabel, type TextEncoding } from '../encoding.ts';
import type { ReadOptions, SourceFeature, SourceLayer } from '../types.ts';
import { DbfWriter, decodeRecord, openDbf, type DbfColumn } from './dbf.ts';

const find = (names: readonly string[], stem: string, ext: string) => names.find((n) => n.toLowerCase() === `${stem.toLowerCase()}.${ext}`);

/**
 * The shapefile layers among extracted files: one per .shp, each checked for its .shx and .dbf
 * siblings and for truncation before any feature is read; CRS from .prj (or the crs option) and
 * text encoding from .cpg (or detected from the data when there is none).
 */
export async function openShapefiles(
  dir: string,
  names: readonly string[],
  options: ReadOptions,
  warnings: string[],
): Promise<SourceLayer[]> {
  // Each layer keeps its .dbf open for features(); a later refusal (no .prj, no .shx) would leave them open.
  const opened: Array<{ close(): Promise<void> }> = [];
  try {
    return await openLayers(dir, names, options, warnings, opened);
  } catch (error) {
    await Promise.all(opened.map((t) => t.close().catch(() => undefined)));
    throw error;
  }
}

async function openLayers(
  dir: string,
  names: readonly string[],
  options: ReadOptions,
  warnings: string[],
  opened: Array<{ close(): Promise<void> }>,
): Promise<SourceLayer[]> {
  const layers: SourceLayer[] = [];
  for (const shpName of names.filter((n) => /\.shp$/i.test(n))) {
    const stem = shpName.slice(0, -4);
    const shx = find(names, stem, 'shx');
    const dbf = find(names, stem, 'dbf');
    if (!shx)
      throw new AppError(
        'BAD_FILE',
        `${shpName} has no ${stem}.shx beside it: a shapefile needs its .shp, .shx and .dbf together; zip all of them.`,
      );
    if (!dbf)
      throw new AppError(
        'BAD_FILE',
        `${shpName} has no ${stem}.dbf beside it: a shapefile needs its .shp, .shx and .dbf together; zip all of them.`,
      );
    const shpPath = path.join(dir, shpName);
    const count = await checkShp(shpPath, path.join(dir, shx), shpName);
    const table = await openDbf(path.join(dir, dbf), dbf);
    opened.push(table);
    if (table.count !== count) {
      throw new AppError(
        'BAD_FILE',
        `${shpName} has ${count} shapes but ${dbf} has ${table.count} rows: the files do not belong together or one is truncated.`,
      );
    }
    const crs = await layerCrs(dir, names, stem, shpName, shpPath, options);
    const encoding = await layerEncoding(dir, names, stem, options, table, warnings, shpName);
    const fieldNames = table.fields.map((f) => decodeText(f.name, encoding.encoding).trim());
    layers.push({
      name: stem,
      crs,
      encoding,
      count,
      fields: fieldNames,
      async *features(): AsyncGenerator<SourceFeature> {
        const shapes = await shapefile.openShp(shpPath);
        const rows = table.records();
        try {
          for (let index = 1; ; index++) {
            let shape: { done: boolean; value: unknown };
            try {
              shape = await shapes.read();
            } catch (error) {
              throw new AppError('BAD_FILE', `${shpName} is damaged at shape ${index}: ${(error as Error).message}`);
            }
            const row = await rows.next();
            if (shape.done || row.done) {
              if (shape.done !== Boolean(row.done))
                throw new AppError('BAD_FILE', `${shpName} and ${dbf} end at different rows (${index}).`);
              return;
            }
            const deleted = row.value[0] === 0x2a;
            if (deleted) continue;
            yield {
              index,
              geometry: (shape.value as Geometry | null) ?? null,
              properties: decodeRecord(row.value, table.fields, fieldNames, encoding.encoding),
            };
          }
        } finally {
          await rows.return(undefined);
          await table.close();
        }
      },
    });
  }
  return layers;
}

// The .shp header states the file length; the .shx states where every record is. A file cut short
// (an interrupted copy, a 2 GB FAT limit) is refused here with both numbers.
async function checkShp(shpPath: string, shxPath: string, label: string): Promise<number> {
  const shpSize = (await fs.promises.stat(shpPath)).size;
  const shxSize = (await fs.promises.stat(shxPath)).size;
  if (shpSize < 100) throw new AppError('BAD_FILE', `${label} is truncated: ${shpSize} bytes, less than its 100-byte header.`);
  const h = Buffer.alloc(100);
  const fd = await fs.promises.open(shpPath, 'r');
  try {
    await fd.read(h, 0, 100, 0);
  } finally {
    await fd.close();
  }
  if (h.readInt32BE(0) !== 9994) throw new AppError('BAD_FILE', `${label} is not a shapefile (wrong file code).`);
  const declared = h.readInt32BE(24) * 2;
  if (declared > shpSize)
    throw new AppError('BAD_FILE', `${label} is truncated: its header says ${declared} bytes, the file has ${shpSize}.`);
  if (shxSize < 100 || (shxSize - 100) % 8 !== 0)
    throw new AppError('BAD_FILE', `${label.replace(/shp$/i, 'shx')} is damaged (${shxSize} bytes is not a whole index).`);
  const count = (shxSize - 100) / 8;
  if (count > 0) {
    const last = Buffer.alloc(8);
    const fx = await fs.promises.open(shxPath, 'r');
    try {
      await fx.read(last, 0, 8, shxSize - 8);
    } finally {
      await fx.close();
    }
    const end = last.readInt32BE(0) * 2 + 8 + last.readInt32BE(4) * 2;
    if (end > shpSize)
      throw new AppError('BAD_FILE', `${label} is truncated: its last shape should end at byte ${end}, the file has ${shpSize}.`);
  }
  return count;
}

async function layerCrs(
  dir: string,
  names: readonly string[],
  stem: string,
  label: string,
  shpPath: string,
  options: ReadOptions,
): Promise<CrsMatch> {
  if (options.crs) {
    const def = crsByCode(options.crs);
    if (!def) throw new AppError('UNKNOWN_CRS', `Unknown coordinate system "${options.crs}".`);
    return { definition: def, matchedBy: 'option', warnings: [] };
  }
  const prj = find(names, stem, 'prj');
  if (prj) return matchPrj(await fs.promises.readFile(path.join(dir, prj), 'utf8'));
  // No .prj: longitude/latitude are recognisable by their range; metres are not (which zone?).
  const source = await shapefile.openShp(shpPath);
  const [x0, y0, x1, y1] = source.bbox;
  await source.cancel();
  if ([x0, y0, x1, y1].every((v) => v !== undefined && Number.isFinite(v)) && x0! >= -180 && x1! <= 180 && y0! >= -90 && y1! <= 90) {
    return {
      definition: crsByCode('EPSG:4326')!,
      matchedBy: 'default',
      warnings: [`${label} has no .prj; its coordinates look like longitude/latitude, read as WGS 84.`],
    };
  }
  throw new AppError(
    'UNKNOWN_CRS',
    `${label} has no .prj and its coordinates are not longitude/latitude, so its zone is unknown. Add the .prj, or say the system: crs=EPSG:5897 (VN-2000 old Đồng Tháp, 105°00′) or crs=EPSG:9210 (old Tiền Giang, 105°45′).`,
  );
}

async function layerEncoding(
  dir: string,
  names: readonly string[],
  stem: string,
  options: ReadOptions,
  table: Awaited<ReturnType<typeof openDbf>>,
  warnings: string[],
  label: string,
): Promise<NonNullable<SourceLayer['encoding']>> {
  if (options.encoding) return { encoding: options.encoding, source: 'option', confidence: 1 };
  const cpg = find(names, stem, 'cpg');
  if (cpg) {
    const text = (await fs.promises.readFile(path.join(dir, cpg), 'latin1')).trim();
    const enc = encodingFromLabel(text);
    if (enc) return { encoding: enc, source: 'cpg', confidence: 1 };
    warnings.push(`${label}: the .cpg says "${text.slice(0, 40)}", which we do not know; the encoding was detected from the data instead.`);
  }
  const detected = detectEncoding(await table.sampleText(2000));
  if (detected.confidence < 0.8) {
    warnings.push(
      `${label}: no .cpg and the text encoding is uncertain (best guess ${detected.encoding}, ${Math.round(detected.confidence * 100)}% of words read as Vietnamese); check the preview or pass encoding=tcvn3|vni|windows-1258|utf-8.`,
    );
  }
  return { encoding: detected.encoding, source: 'detected', confidence: detected.confidence };
}

// ---- writing ----

/** Shape types we write. */
export type ShapeKind = 'polygon' | 'point' | 'line';
const SHAPE_TYPE: Record<ShapeKind, number> = { point: 1, line: 3, polygon: 5 };

/** Twice the ring's signed area by the shoelace sum over its edges (x₂ − x₁)(y₂ + y₁): > 0 when clockwise in x-east/y-north. */
function clockwiseArea(ring: readonly Position[]): number {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += (ring[i]![0]! - ring[j]![0]!) * (ring[i]![1]! + ring[j]![1]!);
  return a;
}

/** Writes a .shp/.shx/.dbf/.prj/.cpg set, streaming rows; geometries are already in the target CRS. */
export class ShapefileWriter {
  private bbox = [Infinity, Infinity, -Infinity, -Infinity];
  private offset = 100; // bytes written to the .shp so far
  private n = 0;
  private constructor(
    private readonly base: string,
    private readonly kind: ShapeKind,
    private readonly shp: fs.promises.FileHandle,
    private readonly shx: fs.promises.FileHandle,
    private readonly dbf: DbfWriter,
  ) {}

  /**
   * Creates the files base.shp, .shx, .dbf, .prj and .cpg (UTF-8). The legacy options exist to build
   * the files old desktop tools wrote (TCVN3 or VNI text, no .cpg, a custom .prj) for tests and tools.
   */
  static async create(
    base: string,
    kind: ShapeKind,
    columns: readonly DbfColumn[],
    crs: CrsDefinition,
    legacy: { encoding?: TextEncoding; cpg?: string | null; prj?: string | null } = {},
  ): Promise<ShapefileWriter> {
    const prj = legacy.prj === undefined ? esriWkt(crs) : legacy.prj;
    if (prj !== null) await fs.promises.writeFile(`${base}.prj`, prj);
    const cpg = legacy.cpg === undefined ? 'UTF-8' : legacy.cpg;
    if (cpg !== null) await fs.promises.writeFile(`${base}.cpg`, cpg);
    const shp = await fs.promises.open(`${base}.shp`, 'w');
    const shx = await fs.promises.open(`${base}.shx`, 'w');
    return new ShapefileWriter(base, kind, shp, shx, await DbfWriter.create(`${base}.dbf`, columns, legacy.encoding ?? 'utf-8'));
  }

  private shpChunks: Buffer[] = [];
  private shxChunks: Buffer[] = [];
  private pendingBytes = 0;

  /** Appends one feature; a null geometry writes a Null shape. */
  async write(geometry: Geometry | null, values: readonly unknown[]): Promise<void> {
    const content = this.encode(geometry);
    const rec = Buffer.alloc(8 + content.length);
    rec.writeInt32BE(this.n + 1, 0);
    rec.writeInt32BE(content.length / 2, 4);
    content.copy(rec, 8);
    const idx = Buffer.alloc(8);
    idx.writeInt32BE(this.offset / 2, 0);
    idx.writeInt32BE(content.length / 2, 4);
    this.shpChunks.push(rec);
    this.shxChunks.push(idx);
    this.pendingBytes += rec.length;
    this.offset += rec.length;
    this.n++;
    await this.dbf.write(values);
    if (this.pendingBytes > 1 << 20) await this.flush();
  }

  private writtenShp = 100;
  private writtenShx = 100;
  private async flush(): Promise<void> {
    const a = Buffer.concat(this.shpChunks);
    const b = Buffer.concat(this.shxChunks);
    this.shpChunks = [];
    this.shxChunks = [];
    this.pendingBytes = 0;
    await this.shp.write(a, 0, a.length, this.writtenShp);
    await this.shx.write(b, 0, b.length, this.writtenShx);
    this.writtenShp += a.length;
    this.writtenShx += b.length;
  }

  private grow(x: number, y: number): void {
    const b = this.bbox;
    if (x < b[0]!) b[0] = x;
    if (y < b[1]!) b[1] = y;
    if (x > b[2]!) b[2] = x;
    if (y > b[3]!) b[3] = y;
  }

  private encode(g: Geometry | null): Buffer {
    if (!g) {
      const b = Buffer.alloc(4);
      b.writeInt32LE(0, 0);
      return b;
    }
    if (this.kind === 'point') {
      const p = g.type === 'Point' ? g.coordinates : g.type === 'MultiPoint' ? g.coordinates[0] : undefined;
      if (!p) throw new Error(`a ${g.type} cannot go into a point shapefile`);
      const b = Buffer.alloc(20);
      b.writeInt32LE(1, 0);
      b.writeDoubleLE(p[0]!, 4);
      b.writeDoubleLE(p[1]!, 12);
      this.grow(p[0]!, p[1]!);
      return b;
    }
    let parts: Position[][];
    if (this.kind === 'polygon') {
      const polys = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
      // Shapefile rings: outer clockwise, holes counter-clockwise (the reverse of RFC 7946).
      parts = polys.flatMap((poly) => poly.map((ring, i) => (clockwiseArea(ring) > 0 === (i === 0) ? ring : [...ring].reverse())));
    } else {
      parts = g.type === 'LineString' ? [g.coordinates] : g.type === 'MultiLineString' ? g.coordinates : [];
    }
    const points = parts.reduce((s, p) => s + p.length, 0);
    const b = Buffer.alloc(44 + 4 * parts.length + 16 * points);
    b.writeInt32LE(SHAPE_TYPE[this.kind], 0);
    let minx = Infinity;
    let miny = Infinity;
    let maxx = -Infinity;
    let maxy = -Infinity;
    b.writeInt32LE(parts.length, 36);
    b.writeInt32LE(points, 40);
    let p = 44 + 4 * parts.length;
    let start = 0;
    parts.forEach((part, i) => {
      b.writeInt32LE(start, 44 + 4 * i);
      start += part.length;
      for (const [x, y] of part as [number, number][]) {
        b.writeDoubleLE(x, p);
        b.writeDoubleLE(y, p + 8);
        p += 16;
        if (x < minx) minx = x;
        if (y < miny) miny = y;
        if (x > maxx) maxx = x;
        if (y > maxy) maxy = y;
      }
    });
    b.writeDoubleLE(minx, 4);
    b.writeDoubleLE(miny, 12);
    b.writeDoubleLE(maxx, 20);
    b.writeDoubleLE(maxy, 28);
    this.grow(minx, miny);
    this.grow(maxx, maxy);
    return b;
  }

  private header(length: number): Buffer {
    const h = Buffer.alloc(100);
    h.writeInt32BE(9994, 0);
    h.writeInt32BE(length / 2, 24);
    h.writeInt32LE(1000, 28);
    h.writeInt32LE(SHAPE_TYPE[this.kind], 32);
    const b = this.n > 0 ? this.bbox : [0, 0, 0, 0];
    b.forEach((v, i) => h.writeDoubleLE(v, 36 + 8 * i));
    return h;
  }

  /** Finishes the headers (length, bounding box) and closes every file; returns the file paths. */
  async close(): Promise<string[]> {
    await this.flush();
    await this.shp.write(this.header(this.offset), 0, 100, 0);
    await this.shx.write(this.header(100 + 8 * this.n), 0, 100, 0);
    await this.shp.close();
    await this.shx.close();
    await this.dbf.close();
    return ['shp', 'shx', 'dbf', 'prj', 'cpg'].map((e) => `${this.base}.${e}`).filter((f) => fs.existsSync(f));
  }
}
