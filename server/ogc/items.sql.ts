// All SQL that reads features, in one place (cf. pg_featureserv's db_sql.go). Statements are
// assembled from the collection's declarations (trusted identifiers and expressions) and the
// viewer's scope; every client value is a bound parameter.

import { AppError } from '../plugins/errors.ts';
import type { Viewer } from '../contracts/viewer.ts';
import type { CollectionDef, PropertyDef } from './collections.ts';
import { compileCql2, parseCql2Text, type QueryableColumn } from './cql2.ts';
import { personalPredicate, rowPredicate, type ViewerScope } from './policy.ts';
import type { ItemsQuery } from './query-params.ts';
import { SqlParams } from './sql-params.ts';

/** Decimal digits of coordinates in responses: 1e-8° is about 1 mm, enough for a surveyed corner. */
export const COORDINATE_DIGITS = 8;

/** How much personal data of a collection a viewer may see: none, on every row, or on some rows. */
export type PersonalMode = 'none' | 'all' | 'some';

/** The viewer's personal-data mode for a collection, decided without touching parameters. */
export function personalMode(def: CollectionDef, viewer: Viewer): PersonalMode {
  if (def.privacy === 'none') return 'none';
  if (viewer.role === 'admin') return 'all';
  if (viewer.role === 'officer' && viewer.communes.length) return 'some';
  if (viewer.role === 'farmer' && def.privacy === 'farmer' && viewer.farmerId !== null) return 'some';
  return 'none';
}

/** One read statement under construction: parameters, and the personal predicate bound on first use. */
class ReadContext {
  readonly params = new SqlParams();
  private personalSql: string | undefined;
  readonly mode: PersonalMode;
  constructor(
    readonly def: CollectionDef,
    readonly scope: ViewerScope,
  ) {
    this.mode = personalMode(def, scope.viewer);
  }
  personal(): string {
    if (this.mode === 'none') return 'FALSE';
    if (this.mode === 'all') return 'TRUE';
    this.personalSql ??= personalPredicate(this.def, this.scope, this.params);
    return this.personalSql;
  }
  joins(): string {
    return this.mode !== 'none' && this.def.personalJoins ? ` ${this.def.personalJoins}` : '';
  }
}

/** The SQL reading a property for this viewer, or null when the viewer may never see it. */
function propertySql(p: PropertyDef, ctx: ReadContext): string | null {
  if (p.personal) {
    if (ctx.mode === 'none') return null;
    return ctx.mode === 'all' ? p.sql : `CASE WHEN ${ctx.personal()} THEN ${p.sql} END`;
  }
  if (p.privateWhen) {
    if (ctx.mode === 'all') return p.sql;
    if (ctx.mode === 'none') return `CASE WHEN NOT (${p.privateWhen}) THEN ${p.sql} END`;
    return `CASE WHEN NOT (${p.privateWhen}) OR ${ctx.personal()} THEN ${p.sql} END`;
  }
  return p.sql;
}

/** The properties this viewer's responses carry (personal ones only where they may ever be seen). */
export function visibleProperties(def: CollectionDef, viewer: Viewer): PropertyDef[] {
  const mode = personalMode(def, viewer);
  return def.properties.filter((p) => !p.personal || mode !== 'none');
}

/** Whether a property is offered as a queryable. */
export function isQueryable(p: PropertyDef): boolean {
  return p.queryable ?? (p.type !== 'json' && p.type !== 'string[]');
}

function featureSql(ctx: ReadContext, skipGeometry = false): string {
  const props: string[] = [];
  for (const p of ctx.def.properties) {
    const sql = propertySql(p, ctx);
    if (sql !== null) props.push(`'${p.name}', ${sql}`);
  }
  // RFC 7946 §3.1.6 rings (outer counter-clockwise): stored rings run either way (GEOS unions come out
  // clockwise). On a 100k-parcel table the check costs within the run-to-run noise of ST_AsGeoJSON itself.
  return (
    `json_build_object('type', 'Feature', 'id', t.id, 'geometry', ${skipGeometry ? 'NULL::json' : `ST_AsGeoJSON(ST_ForcePolygonCCW(t.geom), ${COORDINATE_DIGITS})::json`}, ` +
    `'properties', json_build_object(${props.join(', ')}))::text`
  );
}

function revealSql(ctx: ReadContext): string {
  const subject = ctx.def.revealSubject;
  if (!subject || ctx.scope.viewer.role !== 'officer' || ctx.mode === 'none') return 'NULL::text';
  return `CASE WHEN ${ctx.personal()} THEN (${subject.sql})::text END`;
}

function resolver(ctx: ReadContext): (name: string) => QueryableColumn | undefined {
  return (name) => {
    if (name === 'geometry' || name === 'geom') return { sql: 't.geom', type: 'geometry' };
    const p = ctx.def.properties.find((x) => x.name === name);
    if (!p || !isQueryable(p)) return undefined;
    const sql = propertySql(p, ctx);
    if (sql === null) return undefined;
    return { sql, type: p.type as QueryableColumn['type'] };
  };
}

const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

function propertyFilter(column: QueryableColumn, name: string, value: string, params: SqlParams): string {
  switch (column.type) {
    case 'string':
      // Equality that ignores case and Vietnamese diacritics: ?address=tan thuan tay finds "Tân Thuận Tây".
      return `vn_fold(${column.sql}) = vn_fold(${params.add(value)}::text)`;
    case 'integer':
    case 'number':
      if (!NUMBER.test(value) || !Number.isFinite(Number(value))) throw new AppError('BAD_REQUEST', `"${name}" takes a number.`);
      return `${column.sql} = ${params.add(value)}::numeric`;
    case 'date':
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value)))
        throw new AppError('BAD_REQUEST', `"${name}" takes a date YYYY-MM-DD.`);
      return `${column.sql} = ${params.add(value)}::date`;
    case 'date-time':
      if (Number.isNaN(Date.parse(value)) || !/^\d{4}-\d{2}-\d{2}T/.test(value))
        throw new AppError('BAD_REQUEST', `"${name}" takes an RFC 3339 date-time.`);
      return `${column.sql} = ${params.add(value)}::timestamptz`;
    case 'boolean':
      if (value !== 'true' && value !== 'false') throw new AppError('BAD_REQUEST', `"${name}" takes true or false.`);
      return `${column.sql} = ${params.add(value === 'true')}::boolean`;
    default:
      throw new AppError('BAD_REQUEST', `"${name}" cannot be used as a property filter.`);
  }
}

function envelope(params: SqlParams, w: number, s: number, e: number, n: number): string {
  return `ST_MakeEnvelope(${params.add(w)}::float8, ${params.add(s)}::float8, ${params.add(e)}::float8, ${params.add(n)}::float8, 4326)`;
}

function whereClauses(ctx: ReadContext, query: ItemsQuery): string[] {
  const { params, def } = ctx;
  const where = [rowPredicate(def, ctx.scope, params)];
  if (query.bbox) {
    const [w, s, e, n] = query.bbox;
    const boxes = w <= e ? [envelope(params, w, s, e, n)] : [envelope(params, w, s, 180, n), envelope(params, -180, s, e, n)];
    where.push(`(${boxes.map((b) => `(t.geom && ${b} AND ST_Intersects(t.geom, ${b}))`).join(' OR ')})`);
  }
  if (query.datetime && def.temporal) {
    const { start, end } = query.datetime;
    const from = def.temporal.start;
    const to = def.temporal.end;
    // A date without a time covers its whole day.
    const endBound = (v: string) => (v.length === 10 ? `< (${params.add(v)}::date + 1)` : `<= ${params.add(v)}::timestamptz`);
    if (to) {
      if (end) where.push(`${from} ${endBound(end)}`);
      if (start) where.push(`(${to} IS NULL OR ${to} > ${params.add(start)}::date)`);
    } else {
      if (start) where.push(`${from} >= ${params.add(start)}::timestamptz`);
      if (end) where.push(`${from} ${endBound(end)}`);
    }
  }
  const resolve = resolver(ctx);
  for (const [name, value] of query.properties) {
    const column = resolve(name);
    if (!column) throw new AppError('BAD_REQUEST', `Unknown parameter "${name}".`);
    where.push(propertyFilter(column, name, value, params));
  }
  if (query.filter !== null) where.push(compileCql2(parseCql2Text(query.filter), resolve, params));
  return where;
}

/** A statement and its parameters. */
export type Statement = { sql: string; params: unknown[] };

/** The page of features (column f: the Feature as JSON text; reveal: the subject an officer saw, if any). */
export function itemsStatement(def: CollectionDef, scope: ViewerScope, query: ItemsQuery): Statement {
  const ctx = new ReadContext(def, scope);
  const where = whereClauses(ctx, query);
  const select = `${featureSql(ctx, query.skipGeometry)} AS f, ${revealSql(ctx)} AS reveal`;
  // Ids first, JSON after: PostgreSQL would otherwise build the GeoJSON of every row OFFSET skips
  // (50,000 skipped parcels cost ~0.5 s; the ids alone come straight from the primary key).
  const page =
    `SELECT t.id FROM ${def.from}${ctx.joins()} WHERE ${where.join(' AND ')} ` +
    `ORDER BY t.id LIMIT ${ctx.params.add(query.limit)}::int OFFSET ${ctx.params.add(query.offset)}::bigint`;
  const sql = `SELECT ${select} FROM ${def.from}${ctx.joins()} JOIN (${page}) page ON page.id = t.id ORDER BY t.id`;
  return { sql, params: ctx.params.values };
}

/** numberMatched of the same request. */
export function countStatement(def: CollectionDef, scope: ViewerScope, query: ItemsQuery): Statement {
  const ctx = new ReadContext(def, scope);
  const where = whereClauses(ctx, query);
  return { sql: `SELECT count(*)::bigint AS n FROM ${def.from}${ctx.joins()} WHERE ${where.join(' AND ')}`, params: ctx.params.values };
}

/** One feature with its version (for the ETag), if this viewer may see it. */
export function itemStatement(def: CollectionDef, scope: ViewerScope, id: number): Statement {
  const ctx = new ReadContext(def, scope);
  const idParam = ctx.params.add(id);
  const select = `${featureSql(ctx)} AS f, ${revealSql(ctx)} AS reveal, ${def.unversioned ? '1' : 't.version'} AS version`;
  const where = rowPredicate(def, scope, ctx.params);
  return { sql: `SELECT ${select} FROM ${def.from}${ctx.joins()} WHERE t.id = ${idParam}::bigint AND ${where}`, params: ctx.params.values };
}

/** The queryables of a collection for this viewer: name → type (personal ones only for those who may see them). */
export function queryablesFor(def: CollectionDef, viewer: Viewer): PropertyDef[] {
  return visibleProperties(def, viewer).filter(isQueryable);
}

/** Spatial extent of a collection (whole table: an extent reveals nothing personal). */
export function extentStatement(def: CollectionDef): string {
  return `SELECT ST_XMin(e) AS minx, ST_YMin(e) AS miny, ST_XMax(e) AS maxx, ST_YMax(e) AS maxy FROM (SELECT ST_Extent(geom)::geometry AS e FROM ${def.table}) s`;
}
