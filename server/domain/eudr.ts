// EUDR geolocation files (Regulation (EU) 2023/1115; DOMAIN.md): GeoJSON (RFC 7946) in WGS 84,
// positions [lon, lat] with at least 6 decimals, a polygon for every plot over 4 ha (a point is
// enough up to 4 ha), valid closed rings, and the properties ProducerName, ProducerCountry,
// ProductionPlace and Area (ha). The builder refuses what the validator would refuse, naming the
// plot, so an exporter never hands a reviewer a file that fails.
import type { Feature, FeatureCollection, Geometry, MultiPolygon, Point, Polygon, Position } from 'geojson';

/** Plots larger than this (ha) must be described by a polygon; smaller ones may be a point. */
export const EUDR_POINT_MAX_HA = 4;
/** Decimals written for every coordinate (≥ 6 required; 6 decimals ≈ 0.11 m at the equator). */
export const EUDR_DECIMALS = 6;
/** Size of one due-diligence statement's geolocation file that the EU information system accepts. */
export const EUDR_MAX_BYTES = 25 * 1024 * 1024;

/** One plot to describe: its id (named in every refusal), producer and place, geodesic area and geometry. */
export type EudrPlotInput = {
  plotId: string | number;
  producerName: string;
  /** ISO 3166-1 alpha-2, 'VN' for Vietnam. */
  producerCountry: string;
  /** Where it grows, e.g. "Ấp Tân Hậu, Phường Cao Lãnh, Đồng Tháp". */
  productionPlace: string;
  areaHa: number;
  geometry: Geometry;
  /**
   * The growing area the plot belongs to, when it does: its code (null before one is issued) and
   * status, written as GrowingAreaCode and GrowingAreaStatus. Feature properties rather than foreign
   * members of the collection: RFC 7946 lets properties hold anything, EUDR readers pass unknown
   * properties by, and GIS tools keep them (foreign members are dropped by most).
   */
  growingArea?: { code: string | null; status: string } | null;
};

/** Options of the builder. */
export type EudrBuildOptions = {
  /** Describe plots of at most 4 ha by a point (their interior point) instead of their polygon. */
  pointsForSmallPlots?: boolean;
};

/** One reason a plot or file would not pass, with the plot it concerns. */
export type EudrProblem = { plotId: string | null; reason: string; message: string };

/** Reason constants of the EUDR checks. */
export const EUDR_REASONS = {
  NOT_JSON: 'not-json',
  NOT_COLLECTION: 'not-feature-collection',
  EMPTY: 'no-features',
  TOO_LARGE: 'file-too-large',
  CRS: 'not-wgs84',
  GEOMETRY_TYPE: 'geometry-type',
  POINT_TOO_LARGE: 'point-for-plot-over-4-ha',
  POSITION: 'bad-position',
  PRECISION: 'fewer-than-6-decimals',
  RING_OPEN: 'ring-not-closed',
  RING_SHORT: 'ring-too-short',
  RING_SELF_INTERSECTS: 'ring-self-intersects',
  RING_ORIENTATION: 'ring-orientation',
  PROPERTY: 'missing-property',
  AREA: 'bad-area',
  /** A registry plot with no one to name as its producer: no farmer, and no growing area's registrant. */
  NO_PRODUCER: 'no-producer',
} as const;

/** The result of building: the file text (with 6-decimal coordinates) or every problem found. */
export type EudrBuildResult =
  { valid: true; text: string; collection: FeatureCollection; featureCount: number } | { valid: false; problems: EudrProblem[] };

const round = (v: number): number => Number(v.toFixed(EUDR_DECIMALS));

function ringAreaSigned(ring: readonly Position[]): number {
  // Shoelace in degrees: only the sign (orientation) is used, never the size.
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const [x1, y1] = ring[i] as [number, number];
    const [x2, y2] = ring[i + 1] as [number, number];
    sum += x1 * y2 - x2 * y1;
  }
  return sum / 2;
}

function orient(ring: Position[], counterClockwise: boolean): Position[] {
  const ccw = ringAreaSigned(ring) > 0;
  return ccw === counterClockwise ? ring : [...ring].reverse();
}

function roundPolygon(rings: Position[][]): Position[][] {
  // RFC 7946 §3.1.6: exterior rings counter-clockwise, holes clockwise. Rounding may make two
  // neighbouring vertices equal; drop the repeat so the ring stays simple.
  return rings.map((ring, i) => {
    const out: Position[] = [];
    for (const p of ring) {
      const q = [round(p[0] as number), round(p[1] as number)];
      const last = out[out.length - 1];
      if (!last || last[0] !== q[0] || last[1] !== q[1]) out.push(q);
    }
    return orient(out, i === 0);
  });
}

function interiorPoint(geometry: Polygon | MultiPolygon): Position {
  // The area centroid of the outer ring with the most vertices when it lies inside (a delta plot
  // is usually a convex strip); else the middle of the widest span of a horizontal line through
  // the ring's middle latitude, which is inside for any simple ring (an L- or U-shaped plot).
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  let best: Position[] = polygons[0]?.[0] ?? [];
  for (const poly of polygons) if ((poly[0]?.length ?? 0) > best.length) best = poly[0] ?? best;
  // Relative to the first vertex: products of raw degrees (105 × 10) lose the 7th decimal.
  const [ox, oy] = (best[0] ?? [0, 0]) as [number, number];
  let cx = 0;
  let cy = 0;
  let a = 0;
  for (let i = 0; i + 1 < best.length; i++) {
    const x1 = (best[i]![0] as number) - ox;
    const y1 = (best[i]![1] as number) - oy;
    const x2 = (best[i + 1]![0] as number) - ox;
    const y2 = (best[i + 1]![1] as number) - oy;
    const f = x1 * y2 - x2 * y1;
    cx += (x1 + x2) * f;
    cy += (y1 + y2) * f;
    a += f;
  }
  if (a !== 0) {
    const c: Position = [ox + cx / (3 * a), oy + cy / (3 * a)];
    if (pointInRing(c, best)) return c;
  }
  const ys = best.map((p) => p[1] as number);
  const y = (Math.min(...ys) + Math.max(...ys)) / 2;
  const xs: number[] = [];
  for (let i = 0; i + 1 < best.length; i++) {
    const [x1, y1] = best[i] as [number, number];
    const [x2, y2] = best[i + 1] as [number, number];
    if (y1 > y !== y2 > y) xs.push(x1 + ((y - y1) * (x2 - x1)) / (y2 - y1));
  }
  xs.sort((p, q) => p - q);
  let mid: Position = best[0] ?? [0, 0];
  let widest = -1;
  for (let i = 0; i + 1 < xs.length; i += 2) {
    const width = xs[i + 1]! - xs[i]!;
    if (width > widest) {
      widest = width;
      mid = [(xs[i]! + xs[i + 1]!) / 2, y];
    }
  }
  return mid;
}

function pointInRing(p: Position, ring: readonly Position[]): boolean {
  let inside = false;
  const [x, y] = p as [number, number];
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number];
    const [xj, yj] = ring[j] as [number, number];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * Builds the EUDR FeatureCollection for the given plots, or refuses with every problem, each
 * naming its plot id (a plot over 4 ha given as a point is refused, never silently widened).
 */
export function buildEudrGeoJson(plots: readonly EudrPlotInput[], options: EudrBuildOptions = {}): EudrBuildResult {
  const problems: EudrProblem[] = [];
  const features: Feature[] = [];
  for (const plot of plots) {
    const id = String(plot.plotId);
    let geometry: Geometry;
    const g = plot.geometry;
    if (g.type === 'Polygon' || g.type === 'MultiPolygon') {
      if (options.pointsForSmallPlots && plot.areaHa <= EUDR_POINT_MAX_HA) {
        const p = interiorPoint(g);
        geometry = { type: 'Point', coordinates: [round(p[0] as number), round(p[1] as number)] } satisfies Point;
      } else if (g.type === 'Polygon') {
        geometry = { type: 'Polygon', coordinates: roundPolygon(g.coordinates) };
      } else {
        geometry = { type: 'MultiPolygon', coordinates: g.coordinates.map(roundPolygon) };
      }
    } else if (g.type === 'Point') {
      geometry = { type: 'Point', coordinates: [round(g.coordinates[0] as number), round(g.coordinates[1] as number)] };
    } else {
      problems.push({
        plotId: id,
        reason: EUDR_REASONS.GEOMETRY_TYPE,
        message: `Plot ${id}: a ${g.type} cannot describe a plot; use a Polygon or a Point.`,
      });
      continue;
    }
    const feature: Feature = {
      type: 'Feature',
      id,
      geometry,
      properties: {
        ProducerName: plot.producerName,
        ProducerCountry: plot.producerCountry,
        ProductionPlace: plot.productionPlace,
        Area: Number(plot.areaHa.toFixed(4)),
        ...(plot.growingArea ? { GrowingAreaCode: plot.growingArea.code, GrowingAreaStatus: plot.growingArea.status } : {}),
      },
    };
    problems.push(...checkFeature(feature, features.length));
    features.push(feature);
  }
  if (plots.length === 0) problems.push({ plotId: null, reason: EUDR_REASONS.EMPTY, message: 'There are no plots to describe.' });
  if (problems.length > 0) return { valid: false, problems };
  const collection: FeatureCollection = { type: 'FeatureCollection', features };
  const text = stringifyEudr(collection);
  if (text.length > EUDR_MAX_BYTES) {
    return {
      valid: false,
      problems: [
        {
          plotId: null,
          reason: EUDR_REASONS.TOO_LARGE,
          message: `The file would be ${text.length} bytes; split it into statements under 25 MB.`,
        },
      ],
    };
  }
  return { valid: true, text, collection, featureCount: features.length };
}

/** Serialises with every coordinate written with exactly 6 decimals (JSON.stringify would write 105.6 for 105.600000). */
export function stringifyEudr(collection: FeatureCollection): string {
  return JSON.stringify(collection, (key, value: unknown) => {
    if (key === 'coordinates') return encodeCoordinates(value);
    return value;
  }).replace(/"@@(-?\d+\.\d+)@@"/g, '$1');
}

function encodeCoordinates(value: unknown): unknown {
  if (typeof value === 'number') return `@@${value.toFixed(EUDR_DECIMALS)}@@`;
  if (Array.isArray(value)) return value.map(encodeCoordinates);
  return value;
}

/** Validates EUDR GeoJSON text (ours or anyone's): every problem, each naming the feature's id. */
export function validateEudrGeoJson(text: string): { valid: boolean; problems: EudrProblem[]; featureCount: number } {
  const problems: EudrProblem[] = [];
  if (text.length > EUDR_MAX_BYTES) {
    problems.push({
      plotId: null,
      reason: EUDR_REASONS.TOO_LARGE,
      message: `The file is ${text.length} bytes; the limit is 25 MB per statement.`,
    });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    return {
      valid: false,
      featureCount: 0,
      problems: [{ plotId: null, reason: EUDR_REASONS.NOT_JSON, message: `Not JSON: ${(error as Error).message}` }],
    };
  }
  const fc = doc as { type?: unknown; features?: unknown; crs?: unknown };
  if (typeof doc !== 'object' || doc === null || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
    return {
      valid: false,
      featureCount: 0,
      problems: [{ plotId: null, reason: EUDR_REASONS.NOT_COLLECTION, message: 'The file must be a GeoJSON FeatureCollection.' }],
    };
  }
  if (fc.crs !== undefined && !/CRS84|4326/.test(JSON.stringify(fc.crs))) {
    problems.push({
      plotId: null,
      reason: EUDR_REASONS.CRS,
      message: 'The file declares a CRS other than WGS 84; EUDR files are WGS 84 longitude/latitude.',
    });
  }
  if (fc.features.length === 0) problems.push({ plotId: null, reason: EUDR_REASONS.EMPTY, message: 'The collection has no features.' });
  fc.features.forEach((f, i) => problems.push(...checkFeature(f as Feature, i)));
  problems.push(
    ...checkPrecision(
      text,
      fc.features.map((f, i) => featureLabel(f as Feature, i)),
    ),
  );
  return { valid: problems.length === 0, problems, featureCount: fc.features.length };
}

function featureLabel(feature: Feature, index: number): string {
  const props = (feature?.properties ?? {}) as Record<string, unknown>;
  const id = feature?.id ?? props.plotId ?? props.PlotID ?? props.id;
  return id === undefined || id === null ? `#${index + 1}` : String(id);
}

function checkFeature(feature: Feature, index: number): EudrProblem[] {
  const id = featureLabel(feature, index);
  const problems: EudrProblem[] = [];
  const add = (reason: string, message: string): void => void problems.push({ plotId: id, reason, message: `Plot ${id}: ${message}` });
  if (typeof feature !== 'object' || feature === null || feature.type !== 'Feature') {
    add(EUDR_REASONS.NOT_COLLECTION, 'not a GeoJSON Feature.');
    return problems;
  }
  const props = (feature.properties ?? {}) as Record<string, unknown>;
  for (const key of ['ProducerName', 'ProductionPlace'] as const) {
    if (typeof props[key] !== 'string' || (props[key] as string).trim() === '') add(EUDR_REASONS.PROPERTY, `${key} is missing.`);
  }
  if (typeof props.ProducerCountry !== 'string' || !/^[A-Z]{2}$/.test(props.ProducerCountry)) {
    add(EUDR_REASONS.PROPERTY, 'ProducerCountry must be an ISO 3166-1 alpha-2 code such as VN.');
  }
  const area = props.Area;
  if (typeof area !== 'number' || !Number.isFinite(area) || area <= 0) {
    add(EUDR_REASONS.AREA, 'Area must be the plot area in hectares, a positive number.');
  }
  const g = feature.geometry as Geometry | null;
  if (!g || typeof g !== 'object') {
    add(EUDR_REASONS.GEOMETRY_TYPE, 'has no geometry.');
    return problems;
  }
  if (g.type === 'Point') {
    if (typeof area === 'number' && area > EUDR_POINT_MAX_HA) {
      add(EUDR_REASONS.POINT_TOO_LARGE, `${area} ha is over 4 ha, so it must be described by a polygon, not a point.`);
    }
    checkPosition(g.coordinates, add);
  } else if (g.type === 'Polygon') {
    checkPolygon(g.coordinates, add);
  } else if (g.type === 'MultiPolygon') {
    if (!Array.isArray(g.coordinates) || g.coordinates.length === 0) add(EUDR_REASONS.GEOMETRY_TYPE, 'the MultiPolygon is empty.');
    else g.coordinates.forEach((poly) => checkPolygon(poly, add));
  } else {
    add(EUDR_REASONS.GEOMETRY_TYPE, `a ${String((g as { type?: unknown }).type)} is not allowed; use Polygon, MultiPolygon or Point.`);
  }
  return problems;
}

type Add = (reason: string, message: string) => void;

function checkPosition(p: unknown, add: Add): boolean {
  if (!Array.isArray(p) || p.length !== 2 || !p.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    add(EUDR_REASONS.POSITION, `position ${JSON.stringify(p)} must be [longitude, latitude] with two numbers.`);
    return false;
  }
  const [lon, lat] = p as [number, number];
  if (lon < -180 || lon > 180 || lat < -90 || lat > 90) {
    const hint = Math.abs(lat) > 90 && Math.abs(lon) <= 90 ? ' (are longitude and latitude swapped?)' : '';
    add(EUDR_REASONS.POSITION, `position [${lon}, ${lat}] is outside WGS 84 longitude/latitude${hint}.`);
    return false;
  }
  return true;
}

function checkPolygon(rings: unknown, add: Add): void {
  if (!Array.isArray(rings) || rings.length === 0) {
    add(EUDR_REASONS.RING_SHORT, 'a polygon has no rings.');
    return;
  }
  rings.forEach((ring: unknown, i) => {
    const which = i === 0 ? 'the outer ring' : `hole ${i}`;
    if (!Array.isArray(ring) || ring.length < 4) {
      add(EUDR_REASONS.RING_SHORT, `${which} needs at least 4 positions (a closed triangle).`);
      return;
    }
    if (!ring.every((p) => checkPosition(p, add))) return;
    const first = ring[0] as number[];
    const last = ring[ring.length - 1] as number[];
    if (first[0] !== last[0] || first[1] !== last[1]) {
      add(EUDR_REASONS.RING_OPEN, `${which} is not closed: its last position must repeat the first.`);
      return;
    }
    const where = selfIntersection(ring as Position[]);
    if (where) {
      add(EUDR_REASONS.RING_SELF_INTERSECTS, `${which} crosses itself near [${where[0]}, ${where[1]}].`);
      return; // orientation means nothing for a bow-tie
    }
    const signed = ringAreaSigned(ring as Position[]);
    if (signed === 0) add(EUDR_REASONS.RING_SHORT, `${which} encloses no area.`);
    else if (i === 0 ? signed < 0 : signed > 0) {
      add(
        EUDR_REASONS.RING_ORIENTATION,
        `${which} runs ${i === 0 ? 'clockwise' : 'counter-clockwise'}; RFC 7946 wants outer rings counter-clockwise and holes clockwise.`,
      );
    }
  });
}

/** The first crossing of two non-adjacent edges of a closed ring, or null. O(n²): plots have few vertices. */
export function selfIntersection(ring: readonly Position[]): Position | null {
  const n = ring.length - 1; // edges
  if (n > 5000) return null;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (j === i + 1 || (i === 0 && j === n - 1)) continue; // neighbours share a vertex
      const hit = segmentsIntersect(ring[i]!, ring[i + 1]!, ring[j]!, ring[j + 1]!);
      if (hit) return hit;
    }
  }
  return null;
}

function segmentsIntersect(a: Position, b: Position, c: Position, d: Position): Position | null {
  const [ax, ay] = a as [number, number];
  const [bx, by] = b as [number, number];
  const [cx, cy] = c as [number, number];
  const [dx, dy] = d as [number, number];
  const den = (bx - ax) * (dy - cy) - (by - ay) * (dx - cx);
  if (den === 0) {
    // Parallel: a touch only if collinear and overlapping.
    const cross = (cx - ax) * (by - ay) - (cy - ay) * (bx - ax);
    if (cross !== 0) return null;
    const within = (p: number, q: number, r: number): boolean => Math.min(p, q) <= r && r <= Math.max(p, q);
    if ((within(ax, bx, cx) && within(ay, by, cy)) || (within(ax, bx, dx) && within(ay, by, dy))) return [cx, cy];
    return null;
  }
  const t = ((cx - ax) * (dy - cy) - (cy - ay) * (dx - cx)) / den;
  const u = ((cx - ax) * (by - ay) - (cy - ay) * (bx - ax)) / den;
  if (t >= 0 && t <= 1 && u >= 0 && u <= 1) return [ax + t * (bx - ax), ay + t * (by - ay)];
  return null;
}

function checkPrecision(text: string, labels: readonly string[]): EudrProblem[] {
  // The decimals of a number are lost once parsed (105.600000 === 105.6), so read the text:
  // every number inside a "coordinates" member must be written with at least 6 decimals. With one
  // geometry per feature (GeometryCollection is refused), the k-th member belongs to the k-th feature.
  const problems: EudrProblem[] = [];
  const key = /"coordinates"\s*:\s*\[/g;
  let m: RegExpExecArray | null;
  let k = 0;
  while ((m = key.exec(text)) !== null) {
    let depth = 1;
    let i = m.index + m[0].length;
    const start = i;
    while (i < text.length && depth > 0) {
      const ch = text[i];
      if (ch === '[') depth++;
      else if (ch === ']') depth--;
      i++;
    }
    const label = labels[k++] ?? null;
    const short = (text.slice(start, i - 1).match(/-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g) ?? []).filter(
      (num) => (/\.(\d+)/.exec(num)?.[1]?.length ?? 0) < EUDR_DECIMALS || /[eE]/.test(num),
    );
    if (short.length > 0) {
      problems.push({
        plotId: label,
        reason: EUDR_REASONS.PRECISION,
        message: `Plot ${label ?? '?'}: ${short.length} coordinate(s) such as ${short[0]} have fewer than ${EUDR_DECIMALS} decimals.`,
      });
    }
    key.lastIndex = i;
  }
  return problems;
}
