import { describe, expect, it } from 'vitest';
import { GEOMETRY_FAULT } from '../contracts/import.ts';
import { classifyGeosReason } from './geometry-fault.ts';

// ST_IsValidReason's answers as PGlite's PostGIS 3.6 (GEOS 3.14) and Debian's PostGIS 3.3 (GEOS 3.11)
// give them for crafted shapes (tests/integration/import-geometry-faults.test.ts asks the databases
// themselves), and the wording of older GEOS releases that servers in the field still run.
describe('classifyGeosReason', () => {
  it('each reason GEOS 3.11 and 3.14 give is its fault, with the point in brackets', () => {
    const cases: Array<[string, string, [number, number]]> = [
      ['Self-intersection[105.63 10.46]', GEOMETRY_FAULT.SELF_INTERSECTION, [105.63, 10.46]],
      ['Ring Self-intersection[1 1]', GEOMETRY_FAULT.RING_SELF_INTERSECTION, [1, 1]],
      ['Too few points in geometry component[0 0]', GEOMETRY_FAULT.TOO_FEW_POINTS, [0, 0]],
      ['Hole lies outside shell[2 2]', GEOMETRY_FAULT.HOLE_OUTSIDE_SHELL, [2, 2]],
      ['Holes are nested[2 2]', GEOMETRY_FAULT.NESTED_HOLES, [2, 2]],
      ['Nested shells[1 1]', GEOMETRY_FAULT.NESTED_SHELLS, [1, 1]],
      ['Interior is disconnected[0 5]', GEOMETRY_FAULT.DISCONNECTED_INTERIOR, [0, 5]],
      ['Ring is not closed[3.5 -2e-3]', GEOMETRY_FAULT.RING_NOT_CLOSED, [3.5, -0.002]],
      ['Duplicate Rings[7 8]', GEOMETRY_FAULT.DUPLICATE_RINGS, [7, 8]],
    ];
    for (const [reason, fault, at] of cases) expect(classifyGeosReason(reason), reason).toEqual({ fault, at });
  });

  it('ST_IsValidDetail’s reasons, without the point, are the same faults', () => {
    expect(classifyGeosReason('Self-intersection')).toEqual({ fault: GEOMETRY_FAULT.SELF_INTERSECTION });
    expect(classifyGeosReason('Ring Self-intersection')).toEqual({ fault: GEOMETRY_FAULT.RING_SELF_INTERSECTION });
  });

  it('older GEOS wording is understood: distinct points, repeated points, a third ordinate', () => {
    expect(classifyGeosReason('Too few distinct points in geometry component[105.6 10.4]')).toEqual({
      fault: GEOMETRY_FAULT.TOO_FEW_POINTS,
      at: [105.6, 10.4],
    });
    expect(classifyGeosReason('Repeated Point[1 2]').fault).toBe(GEOMETRY_FAULT.REPEATED_POINT);
    expect(classifyGeosReason('Self-intersection[105.6 10.4 3]').at).toEqual([105.6, 10.4]);
  });

  it('a point that is not a number is left out; an unknown reason is other', () => {
    expect(classifyGeosReason('Invalid Coordinate[nan 1]')).toEqual({ fault: GEOMETRY_FAULT.INVALID_COORDINATE });
    expect(classifyGeosReason('Invalid Coordinate[inf -inf]')).toEqual({ fault: GEOMETRY_FAULT.INVALID_COORDINATE });
    expect(classifyGeosReason('Topology Validation Error[1 1]')).toEqual({ fault: GEOMETRY_FAULT.OTHER, at: [1, 1] });
    expect(classifyGeosReason('')).toEqual({ fault: GEOMETRY_FAULT.OTHER });
  });
});
