import fs from 'node:fs';
import type { Geometry } from 'geojson';
import { AppError } from '../../plugins/errors.ts';
import { crsByCode, type CrsMatch } from '../crs.ts';
import { decodeText, detectEncoding, type TextEncoding } from '../encoding.ts';
import type { ReadOptions, SourceFeature, SourceLayer } from '../types.ts';
import { fromWkt } from './wkt.ts';
import { FEATURE_FAULT } from '../../contracts/import.ts';
import { featureFailure, FeatureReadError } from '../feature-fault.ts';

const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/gi, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

// Column names that carry coordinates. Vietnamese tables say "kinh độ/vĩ độ" for lon/lat and write
// X = northing, Y = easting for VN-2000 grids (the reverse of GIS order).
const LON = new Set(['lon', 'lng', 'long', 'longitude', 'kinhdo', 'x_lon']);
const LAT = new Set(['lat', 'latitude', 'vido']);
const EASTING = new Set(['e', 'easting', 'toadoe', 'toadoy_e']);
const NORTHING = new Set(['n', 'northing', 'toadon']);
const X = new Set(['x', 'toadox']);
const Y = new Set(['y', 'toadoy']);
const WKT = new Set(['wkt', 'geometry', 'geom', 'the_geom', 'hinhhoc']);

/** Splits CSV text into rows (RFC 4180: quotes, doubled quotes, newlines inside quotes). */
export function* parseCsv(
  text: string,
  delimiter: string,
  state: { field: string; row: string[]; quoted: boolean; afterQuote: boolean } = newCsvState(),
): Generator<string[]> {
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (state.quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          state.field += '"';
          i++;
        } else {
          state.quoted = false;
          state.afterQuote = true;
        }
      } else state.field += c;
      continue;
    }
    if (c === '"' && state.field === '' && !state.afterQuote) state.quoted = true;
    else if (c === delimiter) {
      state.row.push(state.field);
      state.field = '';
      state.afterQuote = false;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      state.row.push(state.field);
      state.field = '';
      state.afterQuote = false;
      const row = state.row;
      state.row = [];
      if (!(row.length === 1 && row[0] === '')) yield row;
    } else if (!state.afterQuote) state.field += c;
  }
}

/** Fresh parser state; keep one across chunks of the same file. */
export function newCsvState() {
  return { field: '', row: [] as string[], quoted: false, afterQuote: false };
}

/** A CSV (or TSV) file with coordinate columns (lon/lat, E/N, Vietnamese X/Y or a WKT column) as one layer. */
export async function openCsv(file: string, name: string, options: ReadOptions & { axis?: 'ne' | 'en' }): Promise<SourceLayer> {
  const fd = await fs.promises.open(file, 'r');
  const headBuf = Buffer.alloc(256 * 1024);
  const { bytesRead } = await fd.read(headBuf, 0, headBuf.length, 0);
  await fd.close();
  let head = headBuf.subarray(0, bytesRead);
  const bom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
  if (bom) head = head.subarray(3);
  const encoding: TextEncoding =
    options.encoding ??
    (bom
      ? 'utf-8'
      : detectEncoding(
          head
            .toString('latin1')
            .split('\n')
            .map((l) => Buffer.from(l, 'latin1')),
        ).encoding);
  const firstLine = decodeText(head.subarray(0, Math.max(0, head.indexOf(0x0a)) || head.length), encoding);
  const delimiter = [',', ';', '\t', '|'].map((d) => [d, firstLine.split(d).length] as const).sort((a, b) => b[1] - a[1])[0]![0];
  const header = [...parseCsv(firstLine + '\n', delimiter)][0] ?? [];
  const folded = header.map(fold);
  const col = (set: Set<string>) => folded.findIndex((h) => set.has(h));
  const wkt = col(WKT);
  let xi = -1;
  let yi = -1;
  let crs: CrsMatch;
  const optionCrs = options.crs ? crsByCode(options.crs) : undefined;
  if (options.crs && !optionCrs) throw new AppError('UNKNOWN_CRS', `Unknown coordinate system "${options.crs}".`);
  const warnings: string[] = [];
  if (col(LON) >= 0 && col(LAT) >= 0) {
    [xi, yi] = [col(LON), col(LAT)];
    crs = { definition: optionCrs ?? crsByCode('EPSG:4326')!, matchedBy: optionCrs ? 'option' : 'default', warnings };
  } else if (col(EASTING) >= 0 && col(NORTHING) >= 0) {
    [xi, yi] = [col(EASTING), col(NORTHING)];
    if (!optionCrs)
      throw new AppError(
        'UNKNOWN_CRS',
        `${name} has easting/northing columns but no system: say which zone, e.g. crs=EPSG:5897 (VN-2000, 105°00′) or crs=EPSG:9210 (105°45′).`,
      );
    crs = { definition: optionCrs, matchedBy: 'option', warnings };
  } else if (col(X) >= 0 && col(Y) >= 0) {
    if (!optionCrs)
      throw new AppError(
        'UNKNOWN_CRS',
        `${name} has X/Y columns but no system: say which, e.g. crs=EPSG:5897 (VN-2000, 105°00′), crs=EPSG:9210 (105°45′) or crs=EPSG:4326.`,
      );
    crs = { definition: optionCrs, matchedBy: 'option', warnings };
    const geographic = optionCrs.kind === 'geographic' || optionCrs.kind === 'vn2000-geographic';
    // Vietnamese survey tables: X is the northing, Y the easting, unless the user says otherwise.
    const northingFirst = !geographic && (options.axis ?? 'ne') === 'ne';
    [xi, yi] = northingFirst ? [col(Y), col(X)] : [col(X), col(Y)];
    if (northingFirst)
      warnings.push(`${name}: X read as northing and Y as easting (Vietnamese convention); pass axis=en if your X is the easting.`);
  } else if (wkt >= 0) {
    crs = { definition: optionCrs ?? crsByCode('EPSG:4326')!, matchedBy: optionCrs ? 'option' : 'default', warnings };
  } else {
    throw new AppError(
      'BAD_FILE',
      `${name} has no coordinate columns: name them lon/lat (kinh_do/vi_do), E/N, X/Y (VN-2000) or WKT. Found: ${header.join(', ')}.`,
    );
  }
  const coordColumns = new Set([xi, yi, wkt].filter((i) => i >= 0));
  const fields = header.filter((_, i) => !coordColumns.has(i));
  return {
    name,
    crs,
    encoding: { encoding, source: options.encoding ? 'option' : bom ? 'format' : 'detected', confidence: 1 },
    fields,
    async *features(): AsyncGenerator<SourceFeature> {
      const state = newCsvState();
      let index = 0;
      let headerSkipped = false;
      const stream = fs.createReadStream(file, { highWaterMark: 256 * 1024, start: bom ? 3 : 0 });
      let carry = Buffer.alloc(0);
      const toFeature = (row: string[]): SourceFeature => {
        index++;
        const properties: Record<string, unknown> = {};
        header.forEach((h, i) => {
          // A cell csvCell kept from running as a formula ('=…) reads back as the text it was.
          if (!coordColumns.has(i)) properties[h] = row[i] === undefined || row[i] === '' ? null : readCsvText(row[i]!);
        });
        let geometry: Geometry | null = null;
        let failure: SourceFeature['error'];
        try {
          if (xi >= 0) {
            const x = parseNumber(row[xi]);
            const y = parseNumber(row[yi]);
            geometry = x === null || y === null ? null : { type: 'Point', coordinates: [x, y] };
          } else if (row[wkt]) geometry = fromWkt(row[wkt]!);
        } catch (error) {
          failure = featureFailure(error);
        }
        return { index, geometry, properties, ...(failure ? { error: failure } : {}) };
      };
      try {
        for await (const chunk of stream) {
          // Cut at the last newline so a multi-byte letter is never split between chunks.
          const buf = Buffer.concat([carry, chunk as Buffer]);
          const cut = buf.lastIndexOf(0x0a) + 1;
          carry = buf.subarray(cut);
          for (const row of parseCsv(decodeText(buf.subarray(0, cut), encoding), delimiter, state)) {
            if (!headerSkipped) {
              headerSkipped = true;
              continue;
            }
            yield toFeature(row);
          }
        }
        for (const row of parseCsv(decodeText(carry, encoding) + '\n', delimiter, state)) {
          if (!headerSkipped) {
            headerSkipped = true;
            continue;
          }
          yield toFeature(row);
        }
      } finally {
        stream.destroy();
      }
    },
  };
}

// Accepts "568771.25" and the Vietnamese decimal comma "568771,25" (a semicolon-separated file).
function parseNumber(v: string | undefined): number | null {
  if (v === undefined || v.trim() === '') return null;
  const t = v.trim().replace(/\s/g, '');
  const n = Number(/^-?\d+,\d+$/.test(t) ? t.replace(',', '.') : t);
  if (!Number.isFinite(n))
    throw new FeatureReadError(`"${v}" is not a number`, { reason: FEATURE_FAULT.NOT_A_NUMBER, value: v.slice(0, 100) });
  return n;
}

// A text cell a spreadsheet would run as a formula (= + - @, tab, carriage return), maybe behind
// apostrophes of our own: CSV injection (OWASP). A number, negative ones included, is a number.
const FORMULA_START = /^'*[=+\-@\t\r]/;
const NUMBER_TEXT = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

/**
 * One CSV cell: quoted when it holds the delimiter, a quote or a line break. A text cell that a
 * spreadsheet would run as a formula (a product named =HYPERLINK("x") opened in Excel) gets a
 * leading apostrophe, as the growing-area profile's CSV does; so does one that already starts with
 * apostrophes before such a sign, so that readCsvText takes exactly one away and gives the text back.
 */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  if (typeof v !== 'number' && typeof v !== 'bigint' && FORMULA_START.test(s) && !NUMBER_TEXT.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A CSV text cell as it was before csvCell neutralised it: one leading apostrophe before a formula sign is taken away. */
export function readCsvText(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell) && !NUMBER_TEXT.test(cell.slice(1)) ? cell.slice(1) : cell;
}
