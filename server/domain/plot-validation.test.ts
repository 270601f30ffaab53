import { describe, expect, it } from 'vitest';
import { MAX_PLOT_VERTICES, REASON, validateGeometry, validatePlotGeometry } from './plot-validation.ts';

const X = 105.63;
const Y = 10.46;
const square = (d = 0.001) => ({
  type: 'Polygon',
  coordinates: [
    [
      [X, Y],
      [X + d, Y],
      [X + d, Y + d],
      [X, Y + d],
      [X, Y],
    ],
  ],
});
const codes = (geometry: unknown) => validatePlotGeometry(geometry).reasons.map((r) => r.code);

describe('validatePlotGeometry', () => {
  it('accepts a simple square plot', () => {
    expect(validatePlotGeometry(square())).toEqual({ valid: true, reasons: [] });
  });

  it('accepts a plot with a hole that touches nothing', () => {
    const d = 0.001;
    const hole = [
      [X + d / 4, Y + d / 4],
      [X + d / 4, Y + (3 * d) / 4],
      [X + (3 * d) / 4, Y + (3 * d) / 4],
      [X + d / 4, Y + d / 4],
    ];
    const g = square(d);
    g.coordinates.push(hole);
    expect(validatePlotGeometry(g).valid).toBe(true);
  });

  it('tolerates repeated consecutive vertices', () => {
    const g = square();
    g.coordinates[0]!.splice(1, 0, [X, Y]);
    expect(validatePlotGeometry(g).valid).toBe(true);
  });

  it('refuses a bow-tie and says where it crosses itself', () => {
    const bowtie = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [2, 2],
          [2, 0],
          [0, 2],
          [0, 0],
        ],
      ],
    };
    const result = validatePlotGeometry(bowtie);
    expect(result.valid).toBe(false);
    expect(result.reasons).toHaveLength(1);
    expect(result.reasons[0]).toMatchObject({ code: REASON.SELF_INTERSECTION, at: [1, 1] });
  });

  it('refuses a ring that touches itself at a vertex (an inverted ring)', () => {
    const g = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [4, 0],
          [4, 4],
          [2, 0],
          [0, 4],
          [0, 0],
        ],
      ],
    };
    const result = validatePlotGeometry(g);
    expect(result.reasons.map((r) => r.code)).toContain(REASON.SELF_INTERSECTION);
    expect(result.reasons[0]?.at).toEqual([2, 0]);
  });

  it('refuses a spike that doubles back along one edge', () => {
    const g = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [2, 0],
          [3, 0],
          [2, 0.0000001],
          [0, 1],
          [0, 0],
        ],
      ],
    };
    // [2,0] → [3,0] → [2, ε] is a thin spike, legal; a true fold-back follows.
    expect(validatePlotGeometry(g).valid).toBe(true);
    const fold = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [3, 0],
          [2, 0],
          [0, 1],
          [0, 0],
        ],
      ],
    };
    expect(codes(fold)).toContain(REASON.SELF_INTERSECTION);
  });

  it('refuses an unclosed ring', () => {
    const g = square();
    g.coordinates[0]!.pop();
    g.coordinates[0]!.push([X + 0.0005, Y]);
    expect(codes(g)).toEqual([REASON.RING_NOT_CLOSED]);
  });

  it('refuses rings with fewer than three distinct corners', () => {
    expect(
      codes({
        type: 'Polygon',
        coordinates: [
          [
            [X, Y],
            [X + 1, Y],
            [X, Y],
          ],
        ],
      }),
    ).toEqual([REASON.TOO_FEW_POSITIONS]);
    expect(
      codes({
        type: 'Polygon',
        coordinates: [
          [
            [X, Y],
            [X + 1, Y],
            [X + 1, Y],
            [X, Y],
          ],
        ],
      }),
    ).toEqual([REASON.TOO_FEW_POSITIONS]);
  });

  it('refuses a ring whose corners lie on one line', () => {
    expect(
      codes({
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 1],
            [2, 2],
            [0, 0],
          ],
        ],
      }),
    ).toContain(REASON.ZERO_AREA);
  });

  it('refuses swapped or out-of-range coordinates', () => {
    const g = square();
    g.coordinates[0] = g.coordinates[0]!.map(([x, y]) => [y! * 20, x!]);
    expect(codes(g)).toContain(REASON.COORDINATE_OUT_OF_RANGE);
  });

  it('refuses non-numeric and non-finite coordinates', () => {
    expect(
      codes({
        type: 'Polygon',
        coordinates: [
          [
            ['a', 1],
            [1, 1],
            [1, 2],
            ['a', 1],
          ],
        ],
      }),
    ).toContain(REASON.INVALID_COORDINATE);
    expect(validateGeometry({ type: 'Point', coordinates: [Number.NaN, 1] }).reasons[0]?.code).toBe(REASON.INVALID_COORDINATE);
  });

  it('refuses other geometry types for a plot', () => {
    expect(codes({ type: 'Point', coordinates: [X, Y] })).toEqual([REASON.WRONG_GEOMETRY_TYPE]);
    expect(codes({ type: 'LineString', coordinates: [] })).toEqual([REASON.WRONG_GEOMETRY_TYPE]);
  });

  it('refuses what is not a geometry at all', () => {
    for (const bad of [null, 1, 'POLYGON((0 0,1 0,1 1,0 0))', [], {}, { type: 'Polygon' }]) {
      expect(codes(bad)).toEqual([REASON.NOT_A_GEOMETRY]);
    }
  });

  it('refuses more vertices than the limit before looking at them', () => {
    const ring: number[][] = [];
    for (let i = 0; i < MAX_PLOT_VERTICES + 10; i++) {
      const a = (2 * Math.PI * i) / (MAX_PLOT_VERTICES + 10);
      ring.push([X + 0.01 * Math.cos(a), Y + 0.01 * Math.sin(a)]);
    }
    ring.push(ring[0]!);
    expect(codes({ type: 'Polygon', coordinates: [ring] })).toEqual([REASON.TOO_MANY_VERTICES]);
  });

  it('checks a circle of 5,000 vertices quickly and finds it valid', () => {
    const ring: number[][] = [];
    for (let i = 0; i < 5000; i++) {
      const a = (2 * Math.PI * i) / 5000;
      ring.push([X + 0.01 * Math.cos(a), Y + 0.01 * Math.sin(a)]);
    }
    ring.push(ring[0]!);
    const started = performance.now();
    expect(validatePlotGeometry({ type: 'Polygon', coordinates: [ring] }).valid).toBe(true);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('refuses a hole outside the outer ring', () => {
    const g = square(0.001);
    g.coordinates.push([
      [X + 0.01, Y + 0.01],
      [X + 0.011, Y + 0.01],
      [X + 0.011, Y + 0.011],
      [X + 0.01, Y + 0.01],
    ]);
    expect(codes(g)).toEqual([REASON.HOLE_OUTSIDE_SHELL]);
  });

  it('lists every problem of a multipolygon, not only the first', () => {
    const bow = [
      [0, 0],
      [2, 2],
      [2, 0],
      [0, 2],
      [0, 0],
    ];
    const open = [
      [5, 5],
      [6, 5],
      [6, 6],
      [5, 6],
    ];
    const result = validateGeometry({ type: 'MultiPolygon', coordinates: [[bow], [open]] });
    expect(result.reasons.map((r) => r.code)).toEqual([REASON.SELF_INTERSECTION, REASON.RING_NOT_CLOSED]);
  });

  it('accepts a valid point for products', () => {
    expect(validateGeometry({ type: 'Point', coordinates: [X, Y] }, { types: ['Point'] }).valid).toBe(true);
  });
});
