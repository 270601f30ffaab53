import fs from 'node:fs';
import type { Geometry } from 'geojson';
import { JSONParser } from '@streamparser/json';
import { FEATURE_FAULT } from '../../contracts/import.ts';
import { AppError } from '../../plugins/errors.ts';
import { crsByCode, type CrsMatch } from '../crs.ts';
import type { ReadOptions, SourceFeature, SourceLayer } from '../types.ts';

const HEAD_BYTES = 64 * 1024;

// RFC 7946 is WGS 84; GDAL and older tools still write the 2008 "crs" member (e.g.
// "urn:ogc:def:crs:EPSG::5897") before the features, so the head of the file tells it.
function crsFromHead(head: string, options: ReadOptions): CrsMatch {
  if (options.crs) {
    const def = crsByCode(options.crs);
    if (!def) throw new AppError('UNKNOWN_CRS', `Unknown coordinate system "${options.crs}".`);
    return { definition: def, matchedBy: 'option', warnings: [] };
  }
  const m =
    /"crs"\s*:\s*\{[^{}]*"name"\s*:\s*"([^"]+)"/.exec(head) ??
    /"crs"\s*:\s*\{[^{}]*"properties"\s*:\s*\{[^{}]*"name"\s*:\s*"([^"]+)"/.exec(head);
  if (m) {
    const name = m[1]!;
    if (/CRS84$/i.test(name)) return { definition: crsByCode('EPSG:4326')!, matchedBy: 'epsg', warnings: [] };
    const code = /EPSG:+(\d+)$/i.exec(name)?.[1];
    const def = code ? crsByCode(code) : undefined;
    if (!def)
      throw new AppError(
        'UNKNOWN_CRS',
        `The GeoJSON names the coordinate system "${name}", which we do not read; convert it to WGS 84 or VN-2000.`,
      );
    return { definition: def, matchedBy: 'epsg', warnings: [] };
  }
  return { definition: crsByCode('EPSG:4326')!, matchedBy: 'default', warnings: [] };
}

/** A GeoJSON file as one layer, parsed as a stream: a FeatureCollection of any size never sits in memory whole. */
export async function openGeoJson(file: string, name: string, options: ReadOptions): Promise<SourceLayer> {
  const fd = await fs.promises.open(file, 'r');
  const head = Buffer.alloc(HEAD_BYTES);
  const { bytesRead } = await fd.read(head, 0, HEAD_BYTES, 0);
  await fd.close();
  const headText = head.subarray(0, bytesRead).toString('utf8');
  const crs = crsFromHead(headText, options);
  const topType = /^\s*\{\s*"type"\s*:\s*"(\w+)"/.exec(headText.replace(/^\uFEFF/, ''))?.[1];
  const fields: string[] = [];
  return {
    name,
    crs,
    encoding: { encoding: 'utf-8', source: 'format', confidence: 1 },
    fields,
    async *features(): AsyncGenerator<SourceFeature> {
      const queue: unknown[] = [];
      let whole: unknown;
      const parser = new JSONParser({
        paths: topType && topType !== 'FeatureCollection' ? ['$'] : ['$.features.*', '$.type'],
        keepStack: false,
      });
      let sawType: unknown;
      parser.onValue = ({ value, key }) => {
        if (key === 'type') sawType = value;
        else if (topType && topType !== 'FeatureCollection') whole = value;
        else queue.push(value);
      };
      let index = 0;
      const stream = fs.createReadStream(file, { highWaterMark: 256 * 1024 });
      const emit = function* (): Generator<SourceFeature> {
        while (queue.length > 0) {
          const f = queue.shift();
          index++;
          yield toSource(f, index);
        }
      };
      try {
        for await (const chunk of stream) {
          try {
            parser.write(chunk as Buffer);
          } catch (error) {
            throw new AppError(
              'BAD_FILE',
              `${name} is not valid JSON near feature ${index + queue.length + 1}: ${(error as Error).message}`,
            );
          }
          yield* emit();
        }
        try {
          if (!parser.isEnded) parser.end();
        } catch (error) {
          throw new AppError('BAD_FILE', `${name} ends in the middle of a JSON value (truncated?): ${(error as Error).message}`);
        }
        yield* emit();
      } finally {
        stream.destroy();
      }
      if (whole !== undefined) {
        const w = whole as { type?: string; features?: unknown[] };
        const list =
          w.type === 'Feature' ? [w] : w.type && w.type !== 'FeatureCollection' ? [{ type: 'Feature', geometry: w, properties: {} }] : [];
        for (const f of list) yield toSource(f, ++index);
      } else if (sawType !== undefined && sawType !== 'FeatureCollection') {
        throw new AppError('BAD_FILE', `${name} is GeoJSON of type ${String(sawType)}; send a FeatureCollection.`);
      }
    },
  };
}

function toSource(f: unknown, index: number): SourceFeature {
  const feature = f as { type?: string; geometry?: Geometry | null; properties?: Record<string, unknown> | null; id?: unknown };
  if (!feature || typeof feature !== 'object' || feature.type !== 'Feature') {
    return { index, geometry: null, properties: {}, error: { reason: FEATURE_FAULT.NOT_A_FEATURE, message: 'not a GeoJSON Feature' } };
  }
  const properties = { ...(feature.properties ?? {}) };
  if (feature.id !== undefined && properties.id === undefined) properties.id = feature.id;
  return { index, geometry: feature.geometry ?? null, properties };
}

/** Streams a FeatureCollection to a writable: one feature per line, so a reader can follow it and memory stays flat. */
export class GeoJsonWriter {
  private first = true;
  constructor(private readonly out: NodeJS.WritableStream) {
    out.write('{"type":"FeatureCollection","features":[\n');
  }
  /** Appends one feature; returns false when the stream wants a pause. */
  write(feature: { id?: string | number; geometry: Geometry | null; properties: Record<string, unknown> }): boolean {
    const text = JSON.stringify({
      type: 'Feature',
      ...(feature.id !== undefined ? { id: feature.id } : {}),
      geometry: feature.geometry,
      properties: feature.properties,
    });
    const ok = this.out.write((this.first ? '' : ',\n') + text);
    this.first = false;
    return ok;
  }
  /** Closes the collection. */
  end(): void {
    this.out.write('\n]}\n');
  }
}
