import { describe, expect, it } from 'vitest';
import { AppError } from '../plugins/errors.ts';
import { MAX_FILTER_LENGTH, cql2TextToSql, parseCql2Text, type QueryableColumn } from './cql2.ts';
import { SqlParams } from './sql-params.ts';

const QUERYABLES: Record<string, QueryableColumn> = {
  address: { sql: 't.address', type: 'string' },
  sheet: { sql: 't.sheet', type: 'integer' },
  area: { sql: 't.area', type: 'number' },
  planting_date: { sql: 't.planting_date', type: 'date' },
  updated_at: { sql: 't.updated_at', type: 'date-time' },
  active: { sql: 't.active', type: 'boolean' },
  markets: { sql: 't.markets', type: 'string[]' },
  geometry: { sql: 't.geom', type: 'geometry' },
};

function compile(text: string): { sql: string; values: unknown[] } {
  const params = new SqlParams();
  const sql = cql2TextToSql(text, (name) => QUERYABLES[name], params);
  return { sql, values: params.values };
}

function rejects(text: string, message?: RegExp): void {
  let error: unknown;
  try {
    compile(text);
  } catch (e) {
    error = e;
  }
  expect(error, text).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe('INVALID_FILTER');
  if (message) expect((error as AppError).message).toMatch(message);
}

describe('CQL2-text', () => {
  it('binds a string comparison as a parameter', () => {
    expect(compile("address = 'Ấp Tân Hậu'")).toEqual({ sql: '(t.address = $1::text)', values: ['Ấp Tân Hậu'] });
  });

  it('keeps quotes inside strings as data, not SQL', () => {
    const { sql, values } = compile("address = 'x'' OR 1=1 --'");
    expect(sql).toBe('(t.address = $1::text)');
    expect(values).toEqual(["x' OR 1=1 --"]);
  });

  it('compiles AND, OR and NOT with the usual precedence', () => {
    expect(compile('sheet = 1 OR sheet = 2 AND NOT area > 5').sql).toBe(
      '((t.sheet = $1::numeric) OR ((t.sheet = $2::numeric) AND (NOT (t.area > $3::numeric))))',
    );
  });

  it('honours parentheses', () => {
    expect(compile('(sheet = 1 OR sheet = 2) AND area >= 5').sql).toBe(
      '(((t.sheet = $1::numeric) OR (t.sheet = $2::numeric)) AND (t.area >= $3::numeric))',
    );
  });

  it('reads keywords in any case and quoted property names', () => {
    expect(compile('"sheet" between 1 and 3').sql).toBe('(t.sheet BETWEEN $1::numeric AND $2::numeric)');
    expect(compile('sheet not in (1, 2, -3.5e1)').values).toEqual(['1', '2', '-35']);
  });

  it('supports LIKE, NOT LIKE and IS [NOT] NULL', () => {
    expect(compile("address LIKE 'Ấp%'").sql).toBe('(t.address LIKE $1::text)');
    expect(compile("address NOT LIKE '%x_'").sql).toBe('(t.address NOT LIKE $1::text)');
    expect(compile('address IS NULL').sql).toBe('(t.address IS NULL)');
    expect(compile('markets IS NOT NULL').sql).toBe('(t.markets IS NOT NULL)');
  });

  it('folds case with CASEI and Vietnamese accents with ACCENTI (vn_fold)', () => {
    expect(compile("CASEI(address) = CASEI('TÂN HẬU')").sql).toBe('(lower(t.address) = lower($1::text))');
    expect(compile("ACCENTI(CASEI(address)) LIKE ACCENTI(CASEI('%tan hau%'))").sql).toBe(
      '(vn_fold(lower(t.address)) LIKE vn_fold(lower($1::text)))',
    );
  });

  it('types dates and timestamps', () => {
    expect(compile("planting_date >= DATE('2024-01-31')")).toEqual({ sql: '(t.planting_date >= $1::date)', values: ['2024-01-31'] });
    expect(compile("updated_at < TIMESTAMP('2025-07-01T00:00:00Z')").sql).toBe('(t.updated_at < $1::timestamptz)');
  });

  it('compiles spatial functions with WKT and BBOX literals bound as GeoJSON', () => {
    const { sql, values } = compile('S_INTERSECTS(geometry, POLYGON((105.6 10.4, 105.7 10.4, 105.7 10.5, 105.6 10.4)))');
    expect(sql).toBe('ST_Intersects(t.geom, ST_SetSRID(ST_GeomFromGeoJSON($1), 4326))');
    expect(JSON.parse(values[0] as string)).toEqual({
      type: 'Polygon',
      coordinates: [
        [
          [105.6, 10.4],
          [105.7, 10.4],
          [105.7, 10.5],
          [105.6, 10.4],
        ],
      ],
    });
    expect(JSON.parse(compile('s_within(geometry, BBOX(105, 10, 106, 11))').values[0] as string).type).toBe('Polygon');
    expect(compile('S_CONTAINS(geometry, POINT(105.6 10.4))').sql).toMatch(/^ST_Contains\(t\.geom/);
    expect(JSON.parse(compile('S_INTERSECTS(geometry, MULTIPOINT((1 2), (3 4)))').values[0] as string).coordinates).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(
      JSON.parse(compile('S_INTERSECTS(geometry, GEOMETRYCOLLECTION(POINT(1 2), LINESTRING(1 2, 3 4)))').values[0] as string).type,
    ).toBe('GeometryCollection');
  });

  it('refuses properties that are not declared queryables', () => {
    rejects("owner_name = 'x'", /not a queryable/);
    rejects('pg_sleep(10) = 1', /unknown function/);
    rejects("address = 'a' OR password_hash IS NULL", /not a queryable/);
  });

  it('refuses type mismatches', () => {
    rejects("sheet = 'one'", /number with string/);
    rejects("planting_date > '2024-01-01'", /date with string/);
    rejects('address BETWEEN 1 AND 2', /BETWEEN/);
    rejects('sheet LIKE 1', /LIKE/);
    rejects('CASEI(sheet) = 1', /CASEI/);
    rejects("markets = 'CN'", /cannot be compared/);
    rejects('S_INTERSECTS(address, POINT(1 2))', /not a geometry/);
    rejects('active > TRUE', /booleans/);
  });

  it('refuses malformed text with the position of the problem', () => {
    rejects("address = 'open", /character 11: a string literal is not closed/);
    rejects('sheet = ', /expected a property name or a value/);
    rejects('sheet = 1 sheet', /unexpected text/);
    rejects('sheet == 1');
    rejects('; DROP TABLE parcels', /unexpected character/);
    rejects('', /empty/);
    rejects("planting_date = DATE('2024-02-30')", /not a date/);
    rejects("updated_at = TIMESTAMP('yesterday')", /RFC 3339/);
    rejects('S_INTERSECTS(geometry, POINT(200 10))', /outside longitude/);
    rejects('S_INTERSECTS(geometry, BBOX(1, 2, 3))', /BBOX takes 4 or 6/);
    rejects('sheet IN ()');
    rejects('(sheet = 1', /expected "\)"/);
  });

  it('refuses filters nested too deeply or too long, without overflowing the stack', () => {
    rejects('('.repeat(2000) + 'sheet = 1' + ')'.repeat(2000), /nested/);
    rejects('NOT '.repeat(3000) + 'sheet = 1', /nested/);
    rejects(`address = '${'x'.repeat(MAX_FILTER_LENGTH)}'`, /longer than/);
    rejects(`sheet IN (${Array.from({ length: 1200 }, (_, i) => i).join(',')})`, /at most 1000/);
  });

  it('parses to an AST that tools can inspect', () => {
    expect(parseCql2Text('sheet = 1 AND address IS NOT NULL')).toEqual({
      kind: 'and',
      args: [
        { kind: 'compare', op: '=', left: { kind: 'property', name: 'sheet' }, right: { kind: 'number', value: 1 } },
        { kind: 'isNull', negated: true, value: { kind: 'property', name: 'address' } },
      ],
    });
  });
});
