// The query string of /items, read strictly: every parameter known (Part 1 asks for 400 on unknown
// ones), every value checked, nothing passed on that has not been parsed.

import { AppError } from '../plugins/errors.ts';

/** The only CRS served: WGS 84 longitude/latitude. */
export const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
/** Items per page when the client does not say. */
export const DEFAULT_LIMIT = 10;
/** Items per page at most; larger requests are clamped (tools such as GDAL ask for big pages). */
export const MAX_LIMIT = 10_000;
/** Largest offset accepted: deeper paging is a crawl better served by the export. */
export const MAX_OFFSET = 100_000_000;

/** Parameters every items request may carry besides property filters. */
export const ITEMS_PARAMS = [
  'limit',
  'offset',
  'bbox',
  'bbox-crs',
  'datetime',
  'filter',
  'filter-lang',
  'filter-crs',
  'crs',
  'f',
  'skipGeometry',
] as const;

/** A closed or half-open time interval; null ends are open. */
export type Interval = { start: string | null; end: string | null };

/** A parsed items request. */
export type ItemsQuery = {
  limit: number;
  offset: number;
  /** West, south, east, north; west > east crosses the antimeridian. */
  bbox: [number, number, number, number] | null;
  datetime: Interval | null;
  filter: string | null;
  /** Equality filters on queryables (?crop=mango), in the order given. */
  properties: Array<[string, string]>;
  /**
   * skipGeometry=true (as pygeoapi and GeoServer offer): features with `"geometry": null`, for a
   * client that needs only their properties (a commune's name is a few bytes, its outline 100 KB).
   */
  skipGeometry: boolean;
};

const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

function bad(message: string, code = 'BAD_REQUEST'): never {
  throw new AppError(code, message);
}

function single(name: string, value: unknown): string {
  if (typeof value === 'string') return value;
  return bad(`Parameter "${name}" must be given once, as text.`);
}

function wholeNumber(name: string, raw: string, min: number): number {
  if (!/^\+?\d{1,30}$/.test(raw.trim())) bad(`Parameter "${name}" must be a whole number ≥ ${min}; got "${raw.slice(0, 40)}".`);
  const value = Number(raw.trim());
  if (value < min) bad(`Parameter "${name}" must be ≥ ${min}; got ${raw}.`);
  return value;
}

/** Parses bbox=west,south,east,north (or the 6-number form with heights) in CRS84. */
export function parseBbox(raw: string): [number, number, number, number] {
  const parts = raw.split(',');
  if (parts.length !== 4 && parts.length !== 6) bad('bbox must be 4 numbers west,south,east,north (or 6 with heights).', 'INVALID_BBOX');
  const n = parts.map((p) => {
    if (!NUMBER.test(p.trim())) bad(`bbox value "${p.slice(0, 40)}" is not a number.`, 'INVALID_BBOX');
    return Number(p.trim());
  });
  const [w, s, e, north] = (parts.length === 4 ? n : [n[0], n[1], n[3], n[4]]) as [number, number, number, number];
  if (![w, s, e, north].every(Number.isFinite)) bad('bbox values must be finite numbers.', 'INVALID_BBOX');
  if (w < -180 || w > 180 || e < -180 || e > 180) bad('bbox longitudes must lie within −180…180 (CRS84, longitude first).', 'INVALID_BBOX');
  if (s < -90 || s > 90 || north < -90 || north > 90)
    bad('bbox latitudes must lie within −90…90 (CRS84, longitude first).', 'INVALID_BBOX');
  if (s > north) bad('bbox south edge lies north of its north edge.', 'INVALID_BBOX');
  return [w, s, e, north];
}

function instant(raw: string): string | null {
  if (raw === '..' || raw === '') return null;
  const ok = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}))?$/.test(raw) && !Number.isNaN(Date.parse(raw));
  if (!ok) bad(`datetime "${raw.slice(0, 40)}" is not an RFC 3339 date or date-time (e.g. 2025-07-01 or 2025-07-01T00:00:00Z).`);
  return raw;
}

/** Parses datetime: an instant, or start/end with ".." for an open end. */
export function parseDatetime(raw: string): Interval {
  const parts = raw.split('/');
  if (parts.length === 1) {
    const at = instant(raw);
    if (at === null) bad('datetime must not be empty or "..".');
    return { start: at, end: at };
  }
  if (parts.length !== 2) bad('datetime must be an instant or an interval start/end.');
  const start = instant(parts[0] as string);
  const end = instant(parts[1] as string);
  if (start && end && Date.parse(start) > Date.parse(end)) bad('datetime interval ends before it starts.');
  return { start, end };
}

function crs(name: string, raw: string): void {
  const value = raw.replace(/^\[|\]$/g, '');
  if (value !== CRS84) bad(`${name} must be ${CRS84}; no other CRS is served.`);
}

/** Reads the query of an items request; queryables are the names allowed as property filters. */
export function parseItemsQuery(query: Record<string, unknown>, queryables: ReadonlySet<string>): ItemsQuery {
  const result: ItemsQuery = {
    limit: DEFAULT_LIMIT,
    offset: 0,
    bbox: null,
    datetime: null,
    filter: null,
    properties: [],
    skipGeometry: false,
  };
  for (const [name, rawValue] of Object.entries(query)) {
    const value = single(name, rawValue);
    // PostgreSQL text cannot hold NUL: refuse it here rather than as a database error.
    if (value.includes('\u0000') || name.includes('\u0000')) bad(`Parameter "${name.split('\u0000').join('')}" contains a NUL character.`);
    switch (name) {
      case 'limit':
        result.limit = Math.min(wholeNumber('limit', value, 1), MAX_LIMIT);
        break;
      case 'offset': {
        const offset = wholeNumber('offset', value, 0);
        if (offset > MAX_OFFSET) bad(`offset must be ≤ ${MAX_OFFSET}.`);
        result.offset = offset;
        break;
      }
      case 'bbox':
        result.bbox = parseBbox(value);
        break;
      case 'bbox-crs':
      case 'filter-crs':
      case 'crs':
        crs(name, value);
        break;
      case 'datetime':
        result.datetime = parseDatetime(value);
        break;
      case 'filter':
        result.filter = value;
        break;
      case 'filter-lang':
        if (value !== 'cql2-text') bad('filter-lang must be cql2-text.');
        break;
      case 'f':
        if (value !== 'json' && value !== 'geojson') bad('f must be json or geojson.');
        break;
      case 'skipGeometry':
        if (value !== 'true' && value !== 'false') bad('skipGeometry must be true or false.');
        result.skipGeometry = value === 'true';
        break;
      default:
        if (!queryables.has(name)) {
          bad(
            `Unknown parameter "${name.slice(0, 60)}". Use limit, offset, bbox, datetime, filter, skipGeometry or a queryable of this collection (see its /queryables).`,
          );
        }
        if (value.length > 1000) bad(`The value of "${name}" is too long.`);
        result.properties.push([name, value]);
    }
  }
  return result;
}
