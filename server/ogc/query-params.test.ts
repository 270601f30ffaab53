import { describe, expect, it } from 'vitest';
import type { AppError } from '../plugins/errors.ts';
import { MAX_LIMIT, parseBbox, parseDatetime, parseItemsQuery } from './query-params.ts';

const Q = new Set(['crop', 'sheet']);
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as AppError).code;
  }
  return 'ok';
};

describe('items query parameters', () => {
  it('defaults to limit 10 at offset 0', () => {
    expect(parseItemsQuery({}, Q)).toEqual({
      limit: 10,
      offset: 0,
      bbox: null,
      datetime: null,
      filter: null,
      properties: [],
      skipGeometry: false,
    });
  });

  it('clamps a huge limit and refuses zero, negative and non-integer ones', () => {
    expect(parseItemsQuery({ limit: '99999999999999999999' }, Q).limit).toBe(MAX_LIMIT);
    for (const limit of ['0', '-1', '1.5', 'abc', '1e3', '0x10', ''])
      expect(
        code(() => parseItemsQuery({ limit }, Q)),
        limit,
      ).toBe('BAD_REQUEST');
  });

  it('reads bbox in CRS84 and refuses what is not one', () => {
    expect(parseBbox('105.6,10.4,105.7,10.5')).toEqual([105.6, 10.4, 105.7, 10.5]);
    expect(parseBbox('105.6,10.4,0,105.7,10.5,10')).toEqual([105.6, 10.4, 105.7, 10.5]);
    expect(parseBbox('170,10,-170,11')).toEqual([170, 10, -170, 11]); // across the antimeridian
    for (const raw of ['1,2,3', 'a,b,c,d', '0,91,1,92', '181,0,182,1', '0,10,1,5', 'NaN,0,1,1', 'Infinity,0,1,1', ',,,']) {
      expect(
        code(() => parseBbox(raw)),
        raw,
      ).toBe('INVALID_BBOX');
    }
  });

  it('reads datetime instants and open intervals', () => {
    expect(parseDatetime('2025-07-01')).toEqual({ start: '2025-07-01', end: '2025-07-01' });
    expect(parseDatetime('../2025-07-01T00:00:00Z')).toEqual({ start: null, end: '2025-07-01T00:00:00Z' });
    for (const raw of ['yesterday', '2025-07-01/2024-01-01', '..', 'a/b/c'])
      expect(
        code(() => parseDatetime(raw)),
        raw,
      ).toBe('BAD_REQUEST');
  });

  it('keeps queryables as property filters and refuses unknown parameters, repeats and NUL', () => {
    expect(parseItemsQuery({ crop: 'mango', sheet: '3' }, Q).properties).toEqual([
      ['crop', 'mango'],
      ['sheet', '3'],
    ]);
    expect(code(() => parseItemsQuery({ colour: 'red' }, Q))).toBe('BAD_REQUEST');
    expect(code(() => parseItemsQuery({ crop: ['a', 'b'] }, Q))).toBe('BAD_REQUEST');
    expect(code(() => parseItemsQuery({ crop: 'a\u0000' }, Q))).toBe('BAD_REQUEST');
    expect(code(() => parseItemsQuery({ crs: 'EPSG:4326' }, Q))).toBe('BAD_REQUEST');
    expect(code(() => parseItemsQuery({ 'filter-lang': 'cql2-json' }, Q))).toBe('BAD_REQUEST');
    expect(parseItemsQuery({ crs: 'http://www.opengis.net/def/crs/OGC/1.3/CRS84', f: 'json' }, Q).limit).toBe(10);
  });

  it('reads skipGeometry as true or false only', () => {
    expect(parseItemsQuery({}, Q).skipGeometry).toBe(false);
    expect(parseItemsQuery({ skipGeometry: 'true' }, Q).skipGeometry).toBe(true);
    expect(parseItemsQuery({ skipGeometry: 'false' }, Q).skipGeometry).toBe(false);
    for (const raw of ['1', 'TRUE', '', 'yes'])
      expect(
        code(() => parseItemsQuery({ skipGeometry: raw }, Q)),
        raw,
      ).toBe('BAD_REQUEST');
  });
});
