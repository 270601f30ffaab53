// Geometry checks that need no database, shared by the browser (live feedback while drawing) and the
// server (the same code decides before PostGIS is asked). GeoJSON in, { valid, reasons } out.

/** Stable reason codes; the web maps them to Vietnamese and English text. */
export const REASON = Object.freeze({
  NOT_A_GEOMETRY: 'NOT_A_GEOMETRY',
  WRONG_GEOMETRY_TYPE: 'WRONG_GEOMETRY_TYPE',
  EMPTY_GEOMETRY: 'EMPTY_GEOMETRY',
  INVALID_COORDINATE: 'INVALID_COORDINATE',
  COORDINATE_OUT_OF_RANGE: 'COORDINATE_OUT_OF_RANGE',
  RING_NOT_CLOSED: 'RING_NOT_CLOSED',
  TOO_FEW_POSITIONS: 'TOO_FEW_POSITIONS',
  TOO_MANY_VERTICES: 'TOO_MANY_VERTICES',
  SELF_INTERSECTION: 'SELF_INTERSECTION',
  HOLE_OUTSIDE_SHELL: 'HOLE_OUTSIDE_SHELL',
  ZERO_AREA: 'ZERO_AREA',
} as const);

/** One of the reason codes above. */
export type ReasonCode = (typeof REASON)[keyof typeof REASON];

/** Why a geometry is refused; `at` is [lon, lat] of the problem when it has a place. */
export type ValidationReason = { code: string; message: string; at?: [number, number] };

/** The answer of every validator: valid exactly when reasons is empty. */
export type ValidationResult = { valid: boolean; reasons: ValidationReason[] };

/** Vertices one plot may have: a surveyed boundary has tens to hundreds; 10,000 stops abuse, not work. */
export const MAX_PLOT_VERTICES = 10_000;

/** Overlap with another plot tolerated as a snapping or GPS artefact, in m²; above it the save is refused. */
export const PLOT_OVERLAP_THRESHOLD_M2 = 1;

/** Part of a plot allowed outside its commune's boundary, in m² (boundaries are digitised at 1:10,000). */
export const COMMUNE_OUTSIDE_TOLERANCE_M2 = 1;

/** Vietnamese text for each reason code, for the default UI language (the API message stays English). */
export const REASON_TEXT_VI: Readonly<Record<ReasonCode, string>> = Object.freeze({
  NOT_A_GEOMETRY: 'Không phải hình học GeoJSON hợp lệ.',
  WRONG_GEOMETRY_TYPE: 'Loại hình học không đúng cho lớp này.',
  EMPTY_GEOMETRY: 'Hình học rỗng.',
  INVALID_COORDINATE: 'Tọa độ không phải là số hợp lệ.',
  COORDINATE_OUT_OF_RANGE: 'Tọa độ nằm ngoài phạm vi kinh độ/vĩ độ.',
  RING_NOT_CLOSED: 'Vòng ranh giới chưa khép kín (điểm đầu khác điểm cuối).',
  TOO_FEW_POSITIONS: 'Vòng ranh giới cần ít nhất 3 đỉnh khác nhau.',
  TOO_MANY_VERTICES: 'Quá nhiều đỉnh.',
  SELF_INTERSECTION: 'Ranh giới tự cắt nhau.',
  HOLE_OUTSIDE_SHELL: 'Lỗ thủng nằm ngoài ranh giới ngoài.',
  ZERO_AREA: 'Diện tích bằng không.',
});

type Position = [number, number];
type Ring = Position[];

export type GeometryValidationOptions = {
  /** GeoJSON types accepted, e.g. ['Polygon'] for plots or ['Point'] for products. */
  types?: readonly string[];
  /** Most vertices allowed over the whole geometry. */
  maxVertices?: number;
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function reason(code: ReasonCode, message: string, at?: Position): ValidationReason {
  return at ? { code, message, at: [round(at[0]), round(at[1])] } : { code, message };
}

// 1e-9 degrees is 0.1 mm: enough to point at a vertex without printing float noise.
const round = (v: number) => Math.round(v * 1e9) / 1e9;

/** Reads a position; pushes a reason and returns null when it is not [lon, lat(, z)] within range. */
function readPosition(value: unknown, reasons: ValidationReason[]): Position | null {
  if (!Array.isArray(value) || value.length < 2 || value.length > 4) {
    reasons.push(reason(REASON.INVALID_COORDINATE, 'A position must be an array [longitude, latitude].'));
    return null;
  }
  const [x, y] = value as unknown[];
  if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y)) {
    reasons.push(reason(REASON.INVALID_COORDINATE, 'Coordinates must be finite numbers.'));
    return null;
  }
  if (x < -180 || x > 180 || y < -90 || y > 90) {
    reasons.push(
      reason(REASON.COORDINATE_OUT_OF_RANGE, `Position [${x}, ${y}] is outside longitude −180…180 / latitude −90…90 (WGS 84, lon first).`),
    );
    return null;
  }
  return [x, y];
}

/** Reads a linear ring, checking closure and the number of distinct positions. */
function readRing(value: unknown, reasons: ValidationReason[], counter: { n: number }): Ring | null {
  if (!Array.isArray(value)) {
    reasons.push(reason(REASON.NOT_A_GEOMETRY, 'A polygon ring must be an array of positions.'));
    return null;
  }
  const ring: Ring = [];
  const before = reasons.length;
  for (const raw of value) {
    const p = readPosition(raw, reasons);
    if (p) ring.push(p);
    if (reasons.length - before >= 3) return null; // one broken ring need not produce thousands of reasons
  }
  counter.n += value.length;
  if (reasons.length > before) return null;
  const first = ring[0];
  const last = ring[ring.length - 1];
  if (ring.length < 4) {
    reasons.push(
      reason(REASON.TOO_FEW_POSITIONS, `A ring needs at least 4 positions (3 corners and the closing one); it has ${ring.length}.`),
    );
    return null;
  }
  if (!first || !last || first[0] !== last[0] || first[1] !== last[1]) {
    reasons.push(reason(REASON.RING_NOT_CLOSED, 'The ring is not closed: its last position must repeat the first.', first));
    return null;
  }
  const distinct = dedupe(ring);
  if (distinct.length < 4) {
    reasons.push(reason(REASON.TOO_FEW_POSITIONS, 'A ring needs at least 3 distinct corners.', first));
    return null;
  }
  return distinct;
}

/** Drops consecutive repeated positions (harmless, but they would make zero-length edges). */
function dedupe(ring: Ring): Ring {
  const out: Ring = [];
  for (const p of ring) {
    const prev = out[out.length - 1];
    if (!prev || prev[0] !== p[0] || prev[1] !== p[1]) out.push(p);
  }
  return out;
}

/** True when every corner of the ring lies on the line through its first two (a ring with no area). */
function collinear(ring: Ring): boolean {
  const a = ring[0] as Position;
  const b = ring[1] as Position;
  return ring.every((p) => (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]) === 0);
}

type Segment = { ring: number; index: number; a: Position; b: Position; minX: number; maxX: number; minY: number; maxY: number };

const cross = (o: Position, a: Position, b: Position) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
const onSegment = (p: Position, a: Position, b: Position) =>
  Math.min(a[0], b[0]) <= p[0] && p[0] <= Math.max(a[0], b[0]) && Math.min(a[1], b[1]) <= p[1] && p[1] <= Math.max(a[1], b[1]);

/** Where two segments meet, or null; collinear overlaps answer one point of the overlap. */
function meet(s: Segment, t: Segment): Position | null {
  const d1 = cross(t.a, t.b, s.a);
  const d2 = cross(t.a, t.b, s.b);
  const d3 = cross(s.a, s.b, t.a);
  const d4 = cross(s.a, s.b, t.b);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) {
    const k = d1 / (d1 - d2);
    return [s.a[0] + k * (s.b[0] - s.a[0]), s.a[1] + k * (s.b[1] - s.a[1])];
  }
  if (d1 === 0 && onSegment(s.a, t.a, t.b)) return s.a;
  if (d2 === 0 && onSegment(s.b, t.a, t.b)) return s.b;
  if (d3 === 0 && onSegment(t.a, s.a, s.b)) return t.a;
  if (d4 === 0 && onSegment(t.b, s.a, s.b)) return t.b;
  return null;
}

/** The vertex two edges of one ring share when they are neighbours in it, else null. */
function sharedJoint(s: Segment, t: Segment, edges: number): Position | null {
  if ((s.index + 1) % edges === t.index) return s.b;
  if ((t.index + 1) % edges === s.index) return s.a;
  return null;
}

/** Neighbouring edges that double back along one line (a spike) overlap in more than their joint. */
function foldsBack(s: Segment, t: Segment, joint: Position): boolean {
  const same = (p: Position) => p[0] === joint[0] && p[1] === joint[1];
  const from = same(s.a) ? s.b : s.a;
  const other = same(t.a) ? t.b : t.a;
  if (cross(joint, from, other) !== 0) return false;
  return (from[0] - joint[0]) * (other[0] - joint[0]) + (from[1] - joint[1]) * (other[1] - joint[1]) > 0;
}

/**
 * Finds where the rings of one polygon cross or touch themselves, by a sweep over edges sorted by
 * their west end (a plot's edges rarely overlap in x, so this is near-linear in practice).
 */
function findIntersections(rings: Ring[], limit: number): Position[] {
  const segments: Segment[] = [];
  rings.forEach((ring, r) => {
    for (let i = 0; i + 1 < ring.length; i++) {
      const a = ring[i] as Position;
      const b = ring[i + 1] as Position;
      segments.push({
        ring: r,
        index: i,
        a,
        b,
        minX: Math.min(a[0], b[0]),
        maxX: Math.max(a[0], b[0]),
        minY: Math.min(a[1], b[1]),
        maxY: Math.max(a[1], b[1]),
      });
    }
  });
  segments.sort((s, t) => s.minX - t.minX);
  const found: Position[] = [];
  for (let i = 0; i < segments.length && found.length < limit; i++) {
    const s = segments[i] as Segment;
    for (let j = i + 1; j < segments.length; j++) {
      const t = segments[j] as Segment;
      if (t.minX > s.maxX) break;
      if (t.minY > s.maxY || t.maxY < s.minY) continue;
      const joint = s.ring === t.ring ? sharedJoint(s, t, (rings[s.ring] as Ring).length - 1) : null;
      if (joint) {
        if (foldsBack(s, t, joint)) found.push(joint);
        continue;
      }
      const at = meet(s, t);
      if (!at) continue;
      if (s.ring !== t.ring && touchesOnlyAtVertex(s, t, at)) {
        continue; // a hole may touch its shell at one point (OGC simple features)
      }
      found.push(at);
      if (found.length >= limit) break;
    }
  }
  return found;
}

function touchesOnlyAtVertex(s: Segment, t: Segment, at: Position): boolean {
  const isVertex = (p: Position) => p[0] === at[0] && p[1] === at[1];
  const collinear = cross(s.a, s.b, t.a) === 0 && cross(s.a, s.b, t.b) === 0;
  return !collinear && (isVertex(s.a) || isVertex(s.b) || isVertex(t.a) || isVertex(t.b));
}

/** Ray casting; points on the boundary count as inside. */
function pointInRing(p: Position, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i] as Position;
    const b = ring[j] as Position;
    if (cross(a, b, p) === 0 && onSegment(p, a, b)) return true;
    if (a[1] > p[1] !== b[1] > p[1] && p[0] < ((b[0] - a[0]) * (p[1] - a[1])) / (b[1] - a[1]) + a[0]) inside = !inside;
  }
  return inside;
}

function checkPolygon(value: unknown, reasons: ValidationReason[], counter: { n: number }, label: string): void {
  if (!Array.isArray(value) || value.length === 0) {
    reasons.push(reason(REASON.EMPTY_GEOMETRY, `${label} has no rings.`));
    return;
  }
  const rings: Ring[] = [];
  for (const raw of value) {
    const ring = readRing(raw, reasons, counter);
    if (ring) rings.push(ring);
  }
  if (rings.length !== value.length) return;
  const shell = rings[0] as Ring;
  if (collinear(shell)) {
    reasons.push(reason(REASON.ZERO_AREA, `${label} has zero area: its corners lie on one line.`, shell[0]));
    return;
  }
  for (const at of findIntersections(rings, 5)) {
    reasons.push(
      reason(REASON.SELF_INTERSECTION, `${label}: the boundary crosses or touches itself at [${round(at[0])}, ${round(at[1])}].`, at),
    );
  }
  rings.slice(1).forEach((hole, h) => {
    const probe = hole.find((p) => !shell.some((q) => q[0] === p[0] && q[1] === p[1]));
    if (probe && !pointInRing(probe, shell)) {
      reasons.push(reason(REASON.HOLE_OUTSIDE_SHELL, `${label}: hole ${h + 1} lies outside the outer ring.`, probe));
    }
  });
}

/**
 * Checks a GeoJSON geometry (Point, Polygon or MultiPolygon) for what makes PostGIS refuse it or a
 * surveyor distrust it: wrong type, bad or out-of-range coordinates, unclosed or degenerate rings,
 * too many vertices, and self-intersections with the place where they happen.
 */
export function validateGeometry(geometry: unknown, options: GeometryValidationOptions = {}): ValidationResult {
  const reasons: ValidationReason[] = [];
  const types = options.types ?? ['Point', 'Polygon', 'MultiPolygon'];
  const maxVertices = options.maxVertices ?? MAX_PLOT_VERTICES;
  if (!isObject(geometry) || typeof geometry.type !== 'string' || !('coordinates' in geometry)) {
    reasons.push(reason(REASON.NOT_A_GEOMETRY, 'The geometry must be a GeoJSON object with "type" and "coordinates".'));
    return { valid: false, reasons };
  }
  if (!types.includes(geometry.type)) {
    reasons.push(reason(REASON.WRONG_GEOMETRY_TYPE, `Expected ${types.join(' or ')}, got ${geometry.type}.`));
    return { valid: false, reasons };
  }
  const counter = { n: 0 };
  const coordinates = geometry.coordinates;
  if (geometry.type === 'Point') {
    readPosition(coordinates, reasons);
  } else if (geometry.type === 'Polygon') {
    if (Array.isArray(coordinates) && countPositions(coordinates, 2) > maxVertices) {
      reasons.push(reason(REASON.TOO_MANY_VERTICES, `The polygon has more than ${maxVertices} vertices.`));
    } else {
      checkPolygon(coordinates, reasons, counter, 'Polygon');
    }
  } else if (geometry.type === 'MultiPolygon') {
    if (!Array.isArray(coordinates) || coordinates.length === 0) {
      reasons.push(reason(REASON.EMPTY_GEOMETRY, 'The MultiPolygon has no polygons.'));
    } else if (countPositions(coordinates, 3) > maxVertices) {
      reasons.push(reason(REASON.TOO_MANY_VERTICES, `The geometry has more than ${maxVertices} vertices.`));
    } else {
      coordinates.forEach((polygon, i) => checkPolygon(polygon, reasons, counter, `Polygon ${i + 1}`));
    }
  } else {
    reasons.push(reason(REASON.WRONG_GEOMETRY_TYPE, `Geometry type ${geometry.type} is not supported here.`));
  }
  return { valid: reasons.length === 0, reasons };
}

/** Counts positions at a nesting depth without trusting the input's shape (stops early past any limit). */
function countPositions(value: unknown[], depth: number): number {
  if (depth === 1) return value.length;
  let n = 0;
  for (const child of value) if (Array.isArray(child)) n += countPositions(child, depth - 1);
  return n;
}

/** Checks a plot boundary: one Polygon, valid, within the vertex limit. */
export function validatePlotGeometry(geometry: unknown): ValidationResult {
  return validateGeometry(geometry, { types: ['Polygon'], maxVertices: MAX_PLOT_VERTICES });
}
