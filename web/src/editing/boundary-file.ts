import type { Polygon, Position } from 'geojson';
import { polygonFromPositions } from './geometry.ts';

/** Why a file gave no boundary. */
export class BoundaryFileError extends Error {
  override name = 'BoundaryFileError';
}

function fromGeoJson(value: unknown, out: Polygon[]): void {
  if (!value || typeof value !== 'object') return;
  const v = value as { type?: string; features?: unknown[]; geometry?: unknown; geometries?: unknown[]; coordinates?: unknown };
  switch (v.type) {
    case 'FeatureCollection':
      for (const f of v.features ?? []) fromGeoJson(f, out);
      break;
    case 'Feature':
      fromGeoJson(v.geometry, out);
      break;
    case 'GeometryCollection':
      for (const g of v.geometries ?? []) fromGeoJson(g, out);
      break;
    case 'Polygon':
      out.push({
        type: 'Polygon',
        coordinates: (v.coordinates as Position[][]).map((ring) => ring.map((p) => [Number(p[0]), Number(p[1])])),
      });
      break;
    case 'MultiPolygon':
      for (const coordinates of v.coordinates as Position[][][]) fromGeoJson({ type: 'Polygon', coordinates }, out);
      break;
    case 'LineString': {
      // A walked boundary saved as a track: close it.
      const polygon = polygonFromPositions(v.coordinates as Position[]);
      if (polygon) out.push(polygon);
      break;
    }
  }
}

/** "lon,lat[,alt] lon,lat …" of KML <coordinates>. */
function kmlPositions(text: string): Position[] {
  return text
    .trim()
    .split(/\s+/)
    .map((tuple) => tuple.split(',').map(Number))
    .filter((p) => p.length >= 2 && Number.isFinite(p[0]) && Number.isFinite(p[1]))
    .map((p) => [p[0]!, p[1]!]);
}

function fromKml(text: string, out: Polygon[]): void {
  for (const polygon of text.matchAll(/<Polygon\b[\s\S]*?<\/Polygon>/gi)) {
    const outer = /<outerBoundaryIs>[\s\S]*?<coordinates>([\s\S]*?)<\/coordinates>/i.exec(polygon[0]);
    if (!outer?.[1]) continue;
    const shell = polygonFromPositions(kmlPositions(outer[1]));
    if (!shell) continue;
    for (const inner of polygon[0].matchAll(/<innerBoundaryIs>[\s\S]*?<coordinates>([\s\S]*?)<\/coordinates>/gi)) {
      const hole = polygonFromPositions(kmlPositions(inner[1] ?? ''));
      if (hole) shell.coordinates.push(hole.coordinates[0]!);
    }
    out.push(shell);
  }
  if (out.length === 0) {
    // A boundary walked with a GPS app and saved as a KML line.
    for (const line of text.matchAll(/<LineString\b[\s\S]*?<coordinates>([\s\S]*?)<\/coordinates>/gi)) {
      const polygon = polygonFromPositions(kmlPositions(line[1] ?? ''));
      if (polygon) out.push(polygon);
    }
  }
}

function fromGpx(text: string, out: Polygon[]): void {
  // Each track segment or route is one walked boundary; waypoints alone make one too.
  const groups = [...text.matchAll(/<trkseg\b[\s\S]*?<\/trkseg>|<rte\b[\s\S]*?<\/rte>/gi)].map((m) => m[0]);
  if (groups.length === 0) groups.push(text);
  for (const group of groups) {
    const points: Position[] = [];
    for (const m of group.matchAll(/<(?:trkpt|rtept|wpt)\b([^>]*)>/gi)) {
      const lat = /\blat\s*=\s*["']([^"']+)["']/i.exec(m[1] ?? '');
      const lon = /\blon\s*=\s*["']([^"']+)["']/i.exec(m[1] ?? '');
      const p = [Number(lon?.[1]), Number(lat?.[1])];
      if (Number.isFinite(p[0]) && Number.isFinite(p[1])) points.push(p);
    }
    const polygon = polygonFromPositions(points);
    if (polygon) out.push(polygon);
  }
}

/** The polygons in a GeoJSON, KML or GPX file (lines and tracks are closed into boundaries). */
export function parseBoundaryFile(name: string, text: string): Polygon[] {
  const out: Polygon[] = [];
  const lower = name.toLowerCase();
  const trimmed = text.trimStart();
  if (lower.endsWith('.kml') || /^<\?xml[\s\S]{0,200}<kml/i.test(trimmed) || trimmed.startsWith('<kml')) fromKml(text, out);
  else if (lower.endsWith('.gpx') || /<gpx\b/i.test(trimmed.slice(0, 500))) fromGpx(text, out);
  else {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new BoundaryFileError('not GeoJSON, KML or GPX');
    }
    fromGeoJson(json, out);
  }
  if (out.length === 0) throw new BoundaryFileError('no polygon, line or track in the file');
  return out;
}
