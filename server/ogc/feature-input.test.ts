import { describe, expect, it } from 'vitest';
import { findCollection } from './collections.ts';
import { mergePatch, parseWrite, readFeatureDocument } from './feature-input.ts';

const plots = findCollection('plots')!;
const areas = findCollection('growing_areas')!;
const polygon = {
  type: 'Polygon',
  coordinates: [
    [
      [105.6, 10.4],
      [105.601, 10.4],
      [105.601, 10.401],
      [105.6, 10.4],
    ],
  ],
};

describe('JSON Merge Patch (RFC 7396)', () => {
  it('merges objects, replaces arrays and scalars, and removes what is set to null', () => {
    expect(mergePatch({ a: 1, b: { c: 2, d: 3 }, e: [1, 2] }, { b: { c: null, x: 4 }, e: [3], f: 'new' })).toEqual({
      a: 1,
      b: { d: 3, x: 4 },
      e: [3],
      f: 'new',
    });
    expect(mergePatch({ a: 1 }, 'x')).toBe('x');
  });

  it('ignores prototype-polluting keys', () => {
    const merged = mergePatch({}, JSON.parse('{"__proto__": {"admin": true}, "constructor": {"prototype": {"x": 1}}}')) as Record<
      string,
      unknown
    >;
    expect(Object.keys(merged)).toEqual([]);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });
});

describe('reading a written feature', () => {
  it('maps properties to columns and accepts a one-part MultiPolygon for a Polygon collection', () => {
    const input = parseWrite(
      plots,
      readFeatureDocument({
        type: 'Feature',
        geometry: { type: 'MultiPolygon', coordinates: [polygon.coordinates] },
        properties: { crop: 'rice', area_m2: 5, farmer_name: 'ignored' },
      }),
      null,
      { geometryChanged: true },
    );
    expect(input.reasons).toEqual([]);
    expect(input.values.get('crop')).toBe('rice');
    expect(input.values.has('area_m2')).toBe(false);
    expect(input.geometry).toEqual(polygon);
  });

  it('lists every attribute problem at once', () => {
    const input = parseWrite(
      plots,
      readFeatureDocument({
        type: 'Feature',
        geometry: null,
        properties: { variety: 1, planting_date: '2025-02-30', expected_harvest: '2020-01-01', x: 1 },
      }),
      null,
      { geometryChanged: true },
    );
    expect(input.reasons.map((r) => `${r.code}:${r.property ?? ''}`).sort()).toEqual(
      [
        'INVALID_PROPERTY:planting_date',
        'INVALID_PROPERTY:variety',
        'MISSING_GEOMETRY:',
        'MISSING_PROPERTY:crop',
        'UNKNOWN_PROPERTY:x',
      ].sort(),
    );
  });

  it('refuses changes to lifecycle-managed properties but accepts them sent back unchanged', () => {
    const doc = (status: string) =>
      readFeatureDocument({
        type: 'Feature',
        geometry: null,
        properties: { scheme: 'domestic-3156', name: 'V', crop: 'mango', registrant_name: 'HTX', commune_code: '29869', status },
      });
    expect(parseWrite(areas, doc('draft'), { status: 'draft' }, { geometryChanged: true }).reasons).toEqual([]);
    expect(parseWrite(areas, doc('active'), { status: 'draft' }, { geometryChanged: true }).reasons.map((r) => r.code)).toEqual([
      'READ_ONLY_PROPERTY',
    ]);
  });

  it('answers 400 for bodies that are not Features', () => {
    for (const body of [null, [], 'x', { type: 'FeatureCollection' }, { type: 'Feature', properties: [] }]) {
      expect(() => readFeatureDocument(body)).toThrow();
    }
  });
});
