// GEOS says why a geometry is invalid in English (ST_IsValidReason: "Self-intersection[105.63 10.46]",
// ST_IsValidDetail: the same without the point). The importer's report and the browser both turn that
// text into a stable code, so the officer reads it in their language; the wording moved between GEOS
// versions ("Too few distinct points", "Too few points"), which the patterns accept.
import { GEOMETRY_FAULT, type GeometryFault } from '../contracts/import.ts';

// The first that matches wins: "Ring Self-intersection" before "Self-intersection".
const PATTERNS: ReadonlyArray<[RegExp, GeometryFault]> = [
  [/ring self-intersection/i, GEOMETRY_FAULT.RING_SELF_INTERSECTION],
  [/self-intersection/i, GEOMETRY_FAULT.SELF_INTERSECTION],
  [/too few (distinct )?points/i, GEOMETRY_FAULT.TOO_FEW_POINTS],
  [/hole lies outside shell/i, GEOMETRY_FAULT.HOLE_OUTSIDE_SHELL],
  [/holes are nested|nested holes/i, GEOMETRY_FAULT.NESTED_HOLES],
  [/nested shells/i, GEOMETRY_FAULT.NESTED_SHELLS],
  [/interior is disconnected/i, GEOMETRY_FAULT.DISCONNECTED_INTERIOR],
  [/invalid coordinate/i, GEOMETRY_FAULT.INVALID_COORDINATE],
  [/ring is not closed|not closed/i, GEOMETRY_FAULT.RING_NOT_CLOSED],
  [/duplicate rings/i, GEOMETRY_FAULT.DUPLICATE_RINGS],
  [/repeated point/i, GEOMETRY_FAULT.REPEATED_POINT],
];

// "[105.63 10.46]" at the end; GEOS writes "nan" or "inf" for a coordinate that is not a number.
const POINT = /\[\s*([^\s\]]+)\s+([^\s\]]+)(?:\s+[^\]]*)?\]\s*$/;

/** The fault a GEOS invalidity reason names, and the point it gives when it gives a finite one. */
export function classifyGeosReason(reason: string): { fault: GeometryFault; at?: [number, number] } {
  const fault = PATTERNS.find(([pattern]) => pattern.test(reason))?.[1] ?? GEOMETRY_FAULT.OTHER;
  const m = POINT.exec(reason);
  const x = Number(m?.[1]);
  const y = Number(m?.[2]);
  return m && Number.isFinite(x) && Number.isFinite(y) ? { fault, at: [x, y] } : { fault };
}
