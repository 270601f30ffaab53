// CQL2-text (OGC 21-065) as the `filter` of OGC API Features Part 3: a recursive-descent parser to an
// AST, then a compiler to SQL over declared queryables only, every literal bound as a parameter.
// Supported: comparisons, LIKE, BETWEEN, IN, IS NULL, AND/OR/NOT, CASEI/ACCENTI (Vietnamese-aware
// through the SQL function vn_fold), DATE/TIMESTAMP, and the spatial functions with WKT or BBOX literals.

import { AppError } from '../plugins/errors.ts';
import type { SqlParams } from './sql-params.ts';

/** The longest filter text accepted; longer ones are refused before parsing. */
export const MAX_FILTER_LENGTH = 20_000;
const MAX_DEPTH = 40;
const MAX_IN_LIST = 1_000;
const MAX_LITERAL_POSITIONS = 10_000;

export type ComparisonOp = '=' | '<>' | '<' | '>' | '<=' | '>=';
export type SpatialFn = 'S_INTERSECTS' | 'S_EQUALS' | 'S_DISJOINT' | 'S_TOUCHES' | 'S_WITHIN' | 'S_OVERLAPS' | 'S_CROSSES' | 'S_CONTAINS';

/** A scalar operand: a property, a literal, or a case/accent folding of one. */
export type Scalar =
  | { kind: 'property'; name: string }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'date'; value: string }
  | { kind: 'timestamp'; value: string }
  | { kind: 'casei' | 'accenti'; arg: Scalar };

/** A GeoJSON geometry parsed from a WKT or BBOX literal. */
export type GeometryLiteral = { type: string; coordinates?: unknown; geometries?: GeometryLiteral[] };

export type GeometryOperand = { kind: 'property'; name: string } | { kind: 'geometry'; geometry: GeometryLiteral };

/** The parsed filter. */
export type Expr =
  | { kind: 'and' | 'or'; args: Expr[] }
  | { kind: 'not'; arg: Expr }
  | { kind: 'literal'; value: boolean }
  | { kind: 'compare'; op: ComparisonOp; left: Scalar; right: Scalar }
  | { kind: 'like'; negated: boolean; value: Scalar; pattern: Scalar }
  | { kind: 'between'; negated: boolean; value: Scalar; low: Scalar; high: Scalar }
  | { kind: 'in'; negated: boolean; value: Scalar; list: Scalar[] }
  | { kind: 'isNull'; negated: boolean; value: Scalar }
  | { kind: 'spatial'; fn: SpatialFn; left: GeometryOperand; right: GeometryOperand };

type Token =
  | { t: 'num'; v: number; raw: string; at: number }
  | { t: 'str'; v: string; at: number }
  | { t: 'id'; v: string; up: string; at: number }
  | { t: 'qid'; v: string; at: number }
  | { t: 'op'; v: ComparisonOp; at: number }
  | { t: '(' | ')' | ',' | 'eof'; at: number };

const SPATIAL: readonly SpatialFn[] = [
  'S_INTERSECTS',
  'S_EQUALS',
  'S_DISJOINT',
  'S_TOUCHES',
  'S_WITHIN',
  'S_OVERLAPS',
  'S_CROSSES',
  'S_CONTAINS',
];
const WKT = new Set(['POINT', 'LINESTRING', 'POLYGON', 'MULTIPOINT', 'MULTILINESTRING', 'MULTIPOLYGON', 'GEOMETRYCOLLECTION', 'BBOX']);
const RESERVED = new Set(['AND', 'OR', 'NOT', 'LIKE', 'BETWEEN', 'IN', 'IS', 'NULL', 'TRUE', 'FALSE']);

function fail(message: string, at?: number): never {
  throw new AppError(
    'INVALID_FILTER',
    at === undefined ? `Invalid filter: ${message}` : `Invalid filter at character ${at + 1}: ${message}`,
  );
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const at = i;
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({ t: c, at });
      i++;
      continue;
    }
    if (c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) fail('a string literal is not closed', at);
        const d = text[i] as string;
        if (d === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += d;
        i++;
      }
      tokens.push({ t: 'str', v: value, at });
      continue;
    }
    if (c === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) fail('a quoted property name is not closed', at);
      tokens.push({ t: 'qid', v: text.slice(i + 1, end), at });
      i = end + 1;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (two === '<>' || two === '<=' || two === '>=') {
      tokens.push({ t: 'op', v: two, at });
      i += 2;
      continue;
    }
    if (c === '=' || c === '<' || c === '>') {
      tokens.push({ t: 'op', v: c, at });
      i++;
      continue;
    }
    const num = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?/.exec(text.slice(i, i + 64));
    if (num) {
      const value = Number(num[0]);
      if (!Number.isFinite(value)) fail(`the number ${num[0]} is out of range`, at);
      tokens.push({ t: 'num', v: value, raw: num[0], at });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_.:]*/.exec(text.slice(i, i + 256));
    if (id) {
      tokens.push({ t: 'id', v: id[0], up: id[0].toUpperCase(), at });
      i += id[0].length;
      continue;
    }
    fail(`unexpected character "${c}"`, at);
  }
  tokens.push({ t: 'eof', at: text.length });
  return tokens;
}

class Parser {
  private pos = 0;
  private depth = 0;
  private positionCount = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)] as Token;
  }
  private next(): Token {
    const token = this.peek();
    if (this.pos < this.tokens.length - 1) this.pos++;
    return token;
  }
  private isWord(word: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token.t === 'id' && token.up === word;
  }
  private expectWord(word: string): void {
    if (!this.isWord(word)) fail(`expected ${word}`, this.peek().at);
    this.next();
  }
  private expect(kind: '(' | ')' | ','): void {
    const token = this.next();
    if (token.t !== kind) fail(`expected "${kind}"`, token.at);
  }
  private enter(): void {
    if (++this.depth > MAX_DEPTH) fail(`nested more than ${MAX_DEPTH} levels deep`, this.peek().at);
  }

  parse(): Expr {
    const expr = this.or();
    const rest = this.peek();
    if (rest.t !== 'eof') fail('unexpected text after the end of the expression', rest.at);
    return expr;
  }

  private or(): Expr {
    this.enter();
    const args = [this.and()];
    while (this.isWord('OR')) {
      this.next();
      args.push(this.and());
    }
    this.depth--;
    return args.length === 1 ? (args[0] as Expr) : { kind: 'or', args };
  }

  private and(): Expr {
    const args = [this.not()];
    while (this.isWord('AND')) {
      this.next();
      args.push(this.not());
    }
    return args.length === 1 ? (args[0] as Expr) : { kind: 'and', args };
  }

  private not(): Expr {
    if (this.isWord('NOT')) {
      this.next();
      this.enter();
      const arg = this.not();
      this.depth--;
      return { kind: 'not', arg };
    }
    return this.primary();
  }

  private primary(): Expr {
    const token = this.peek();
    if (token.t === '(') {
      this.next();
      const inner = this.or();
      this.expect(')');
      return inner;
    }
    if (token.t === 'id' && (SPATIAL as readonly string[]).includes(token.up) && this.peek(1).t === '(') {
      this.next();
      this.expect('(');
      const left = this.geometryOperand();
      this.expect(',');
      const right = this.geometryOperand();
      this.expect(')');
      return { kind: 'spatial', fn: token.up as SpatialFn, left, right };
    }
    if (token.t === 'id' && (token.up === 'TRUE' || token.up === 'FALSE') && this.peek(1).t !== 'op') {
      this.next();
      return { kind: 'literal', value: token.up === 'TRUE' };
    }
    const value = this.scalar();
    const after = this.peek();
    if (after.t === 'op') {
      this.next();
      return { kind: 'compare', op: after.v, left: value, right: this.scalar() };
    }
    let negated = false;
    if (this.isWord('NOT')) {
      negated = true;
      this.next();
    }
    if (this.isWord('LIKE')) {
      this.next();
      return { kind: 'like', negated, value, pattern: this.scalar() };
    }
    if (this.isWord('BETWEEN')) {
      this.next();
      const low = this.scalar();
      this.expectWord('AND');
      return { kind: 'between', negated, value, low, high: this.scalar() };
    }
    if (this.isWord('IN')) {
      this.next();
      this.expect('(');
      const list = [this.scalar()];
      while (this.peek().t === ',') {
        this.next();
        list.push(this.scalar());
        if (list.length > MAX_IN_LIST) fail(`an IN list may hold at most ${MAX_IN_LIST} values`, this.peek().at);
      }
      this.expect(')');
      return { kind: 'in', negated, value, list };
    }
    if (!negated && this.isWord('IS')) {
      this.next();
      let not = false;
      if (this.isWord('NOT')) {
        not = true;
        this.next();
      }
      this.expectWord('NULL');
      return { kind: 'isNull', negated: not, value };
    }
    return fail('expected a comparison, LIKE, BETWEEN, IN or IS NULL', after.at);
  }

  private scalar(): Scalar {
    const token = this.next();
    switch (token.t) {
      case 'num':
        return { kind: 'number', value: token.v };
      case 'str':
        return { kind: 'string', value: token.v };
      case 'qid':
        return { kind: 'property', name: token.v };
      case 'id': {
        if (token.up === 'TRUE' || token.up === 'FALSE') return { kind: 'boolean', value: token.up === 'TRUE' };
        if ((token.up === 'DATE' || token.up === 'TIMESTAMP') && this.peek().t === '(') {
          this.expect('(');
          const literal = this.next();
          if (literal.t !== 'str') fail(`${token.up} takes a quoted string`, literal.at);
          this.expect(')');
          return token.up === 'DATE'
            ? { kind: 'date', value: checkDate(literal.v, literal.at) }
            : { kind: 'timestamp', value: checkTimestamp(literal.v, literal.at) };
        }
        if ((token.up === 'CASEI' || token.up === 'ACCENTI') && this.peek().t === '(') {
          this.expect('(');
          this.enter();
          const arg = this.scalar();
          this.depth--;
          this.expect(')');
          return { kind: token.up === 'CASEI' ? 'casei' : 'accenti', arg };
        }
        if (RESERVED.has(token.up)) fail(`${token.v} cannot be used here`, token.at);
        if (this.peek().t === '(') fail(`unknown function ${token.v}`, token.at);
        return { kind: 'property', name: token.v };
      }
      default:
        return fail('expected a property name or a value', token.at);
    }
  }

  private geometryOperand(): GeometryOperand {
    const token = this.peek();
    if (token.t === 'qid') {
      this.next();
      return { kind: 'property', name: token.v };
    }
    if (token.t === 'id' && WKT.has(token.up) && this.peek(1).t !== ',' && this.peek(1).t !== ')') {
      return { kind: 'geometry', geometry: this.geometryLiteral() };
    }
    if (token.t === 'id' && !RESERVED.has(token.up)) {
      this.next();
      return { kind: 'property', name: token.v };
    }
    return fail('expected a geometry property or a WKT/BBOX literal', token.at);
  }

  private geometryLiteral(): GeometryLiteral {
    const word = this.next() as Extract<Token, { t: 'id' }>;
    if (word.up === 'BBOX') {
      this.expect('(');
      const n: number[] = [this.number()];
      while (this.peek().t === ',') {
        this.next();
        n.push(this.number());
      }
      this.expect(')');
      if (n.length !== 4 && n.length !== 6) fail('BBOX takes 4 or 6 numbers', word.at);
      const [minx, miny, maxx, maxy] = n.length === 4 ? n : [n[0], n[1], n[3], n[4]];
      const box = [minx, miny, maxx, maxy] as number[];
      checkLonLat([box[0] as number, box[1] as number], word.at);
      checkLonLat([box[2] as number, box[3] as number], word.at);
      if ((box[1] as number) > (box[3] as number)) fail('BBOX south edge is north of its north edge', word.at);
      const [x1, y1, x2, y2] = box as [number, number, number, number];
      return {
        type: 'Polygon',
        coordinates: [
          [
            [x1, y1],
            [x2, y1],
            [x2, y2],
            [x1, y2],
            [x1, y1],
          ],
        ],
      };
    }
    if (this.isWord('Z')) this.next();
    switch (word.up) {
      case 'POINT':
        return { type: 'Point', coordinates: this.inParens(() => this.position()) };
      case 'LINESTRING':
        return { type: 'LineString', coordinates: this.positions() };
      case 'POLYGON':
        return { type: 'Polygon', coordinates: this.list(() => this.positions()) };
      case 'MULTIPOINT':
        return {
          type: 'MultiPoint',
          coordinates: this.list(() => (this.peek().t === '(' ? this.inParens(() => this.position()) : this.position())),
        };
      case 'MULTILINESTRING':
        return { type: 'MultiLineString', coordinates: this.list(() => this.positions()) };
      case 'MULTIPOLYGON':
        return { type: 'MultiPolygon', coordinates: this.list(() => this.list(() => this.positions())) };
      case 'GEOMETRYCOLLECTION': {
        this.enter();
        const geometries = this.list(() => {
          const next = this.peek();
          if (next.t !== 'id' || !WKT.has(next.up) || next.up === 'BBOX') fail('expected a WKT geometry', next.at);
          return this.geometryLiteral();
        });
        this.depth--;
        return { type: 'GeometryCollection', geometries };
      }
      default:
        return fail(`unknown geometry ${word.v}`, word.at);
    }
  }

  private inParens<T>(read: () => T): T {
    this.expect('(');
    const value = read();
    this.expect(')');
    return value;
  }
  private list<T>(read: () => T): T[] {
    return this.inParens(() => {
      const items = [read()];
      while (this.peek().t === ',') {
        this.next();
        items.push(read());
      }
      return items;
    });
  }
  private positions(): number[][] {
    return this.list(() => this.position());
  }
  private position(): number[] {
    const at = this.peek().at;
    const p = [this.number(), this.number()];
    if (this.peek().t === 'num') p.push(this.number());
    if (++this.positionCount > MAX_LITERAL_POSITIONS) fail(`geometry literals may have at most ${MAX_LITERAL_POSITIONS} positions`, at);
    checkLonLat(p, at);
    return p;
  }
  private number(): number {
    const token = this.next();
    if (token.t !== 'num') fail('expected a number', token.at);
    return token.v;
  }
}

function checkLonLat(p: number[], at: number): void {
  const [x, y] = p as [number, number];
  if (x < -180 || x > 180 || y < -90 || y > 90) fail(`coordinate ${x} ${y} is outside longitude/latitude range (CRS84, lon first)`, at);
}

function checkDate(value: string, at: number): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const d = m ? new Date(`${value}T00:00:00Z`) : null;
  if (!m || !d || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) fail(`"${value}" is not a date YYYY-MM-DD`, at);
  return value;
}

function checkTimestamp(value: string, at: number): string {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value) || Number.isNaN(Date.parse(value))) {
    fail(`"${value}" is not an RFC 3339 timestamp such as 2025-07-01T00:00:00Z`, at);
  }
  return value;
}

/** Parses CQL2-text into an AST; throws AppError INVALID_FILTER with the position of the problem. */
export function parseCql2Text(text: string): Expr {
  if (text.length > MAX_FILTER_LENGTH) fail(`the filter is longer than ${MAX_FILTER_LENGTH} characters`);
  if (text.trim() === '') fail('the filter is empty');
  return new Parser(tokenize(text)).parse();
}

// ---------------------------------------------------------------------------------------------
// Compilation

/** Types a queryable can have; they decide which literals it may be compared with. */
export type QueryableType = 'string' | 'integer' | 'number' | 'date' | 'date-time' | 'boolean' | 'geometry' | 'string[]';

/** A property the filter may name: its SQL expression (trusted, built by the server) and its type. */
export type QueryableColumn = { sql: string; type: QueryableType };

type Typed = { sql: string; type: 'string' | 'number' | 'date' | 'timestamp' | 'boolean' };

const SPATIAL_SQL: Readonly<Record<SpatialFn, string>> = {
  S_INTERSECTS: 'ST_Intersects',
  S_EQUALS: 'ST_Equals',
  S_DISJOINT: 'ST_Disjoint',
  S_TOUCHES: 'ST_Touches',
  S_WITHIN: 'ST_Within',
  S_OVERLAPS: 'ST_Overlaps',
  S_CROSSES: 'ST_Crosses',
  S_CONTAINS: 'ST_Contains',
};

class Compiler {
  constructor(
    private readonly resolve: (name: string) => QueryableColumn | undefined,
    private readonly params: SqlParams,
  ) {}

  private property(name: string): QueryableColumn {
    const q = this.resolve(name);
    if (!q) fail(`"${name}" is not a queryable of this collection (see its /queryables)`);
    return q;
  }

  scalar(s: Scalar): Typed {
    switch (s.kind) {
      case 'string':
        return { sql: `${this.params.add(s.value)}::text`, type: 'string' };
      case 'number':
        return { sql: `${this.params.add(String(s.value))}::numeric`, type: 'number' };
      case 'boolean':
        return { sql: `${this.params.add(s.value)}::boolean`, type: 'boolean' };
      case 'date':
        return { sql: `${this.params.add(s.value)}::date`, type: 'date' };
      case 'timestamp':
        return { sql: `${this.params.add(s.value)}::timestamptz`, type: 'timestamp' };
      case 'casei':
      case 'accenti': {
        const arg = this.scalar(s.arg);
        if (arg.type !== 'string') fail(`${s.kind.toUpperCase()} applies to text only`);
        // vn_fold lowers and strips Vietnamese diacritics (đ → d); CASEI alone only lowers.
        return { sql: s.kind === 'casei' ? `lower(${arg.sql})` : `vn_fold(${arg.sql})`, type: 'string' };
      }
      case 'property': {
        const q = this.property(s.name);
        switch (q.type) {
          case 'string':
            return { sql: q.sql, type: 'string' };
          case 'integer':
          case 'number':
            return { sql: q.sql, type: 'number' };
          case 'date':
            return { sql: q.sql, type: 'date' };
          case 'date-time':
            return { sql: q.sql, type: 'timestamp' };
          case 'boolean':
            return { sql: q.sql, type: 'boolean' };
          default:
            return fail(`"${s.name}" (${q.type}) cannot be compared as a value`);
        }
      }
    }
  }

  private same(a: Typed, b: Typed, what: string): void {
    if (a.type !== b.type) fail(`${what} compares ${a.type} with ${b.type}`);
  }

  geometry(g: GeometryOperand): string {
    if (g.kind === 'property') {
      const q = this.property(g.name);
      if (q.type !== 'geometry') fail(`"${g.name}" is not a geometry`);
      return q.sql;
    }
    return `ST_SetSRID(ST_GeomFromGeoJSON(${this.params.add(JSON.stringify(g.geometry))}), 4326)`;
  }

  expr(e: Expr): string {
    switch (e.kind) {
      case 'and':
      case 'or':
        return `(${e.args.map((a) => this.expr(a)).join(e.kind === 'and' ? ' AND ' : ' OR ')})`;
      case 'not':
        return `(NOT ${this.expr(e.arg)})`;
      case 'literal':
        return e.value ? 'TRUE' : 'FALSE';
      case 'compare': {
        const left = this.scalar(e.left);
        const right = this.scalar(e.right);
        this.same(left, right, `"${e.op}"`);
        if (left.type === 'boolean' && e.op !== '=' && e.op !== '<>') fail('booleans can only be tested with = or <>');
        return `(${left.sql} ${e.op} ${right.sql})`;
      }
      case 'like': {
        const value = this.scalar(e.value);
        const pattern = this.scalar(e.pattern);
        if (value.type !== 'string' || pattern.type !== 'string') fail('LIKE applies to text only');
        return `(${value.sql} ${e.negated ? 'NOT LIKE' : 'LIKE'} ${pattern.sql})`;
      }
      case 'between': {
        const value = this.scalar(e.value);
        const low = this.scalar(e.low);
        const high = this.scalar(e.high);
        if (value.type === 'string' || value.type === 'boolean') fail('BETWEEN applies to numbers, dates and timestamps');
        this.same(value, low, 'BETWEEN');
        this.same(value, high, 'BETWEEN');
        return `(${value.sql} ${e.negated ? 'NOT BETWEEN' : 'BETWEEN'} ${low.sql} AND ${high.sql})`;
      }
      case 'in': {
        const value = this.scalar(e.value);
        const list = e.list.map((item) => {
          const typed = this.scalar(item);
          this.same(value, typed, 'IN');
          return typed.sql;
        });
        return `(${value.sql} ${e.negated ? 'NOT IN' : 'IN'} (${list.join(', ')}))`;
      }
      case 'isNull': {
        const sql = e.value.kind === 'property' ? this.property(e.value.name).sql : this.scalar(e.value).sql;
        return `(${sql} IS ${e.negated ? 'NOT NULL' : 'NULL'})`;
      }
      case 'spatial':
        return `${SPATIAL_SQL[e.fn]}(${this.geometry(e.left)}, ${this.geometry(e.right)})`;
    }
  }
}

/**
 * Compiles a parsed filter to a SQL boolean over the collection's queryables. Property names are
 * looked up (unknown ones are refused), literals become parameters, types must agree.
 */
export function compileCql2(expr: Expr, resolve: (name: string) => QueryableColumn | undefined, params: SqlParams): string {
  return new Compiler(resolve, params).expr(expr);
}

/** Parses and compiles in one step. */
export function cql2TextToSql(text: string, resolve: (name: string) => QueryableColumn | undefined, params: SqlParams): string {
  return compileCql2(parseCql2Text(text), resolve, params);
}
