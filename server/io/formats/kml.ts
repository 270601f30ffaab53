import type { Geometry, Position } from 'geojson';
import { crsByCode } from '../crs.ts';
import type { SourceFeature, SourceLayer } from '../types.ts';
import { walkXml, xmlEscape } from './xml.ts';

function parseCoordinates(text: string): Position[] {
  return text
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((t) => {
      const [x, y] = t.split(',').map(Number);
      return [x ?? NaN, y ?? NaN];
    });
}

/** Groups the parts of a KML MultiGeometry into the matching GeoJSON multi-type. */
export function combine(parts: Geometry[]): Geometry | null {
  if (parts.length === 0) return null;
  if (parts.length === 1) return parts[0]!;
  if (parts.every((p) => p.type === 'Polygon'))
    return { type: 'MultiPolygon', coordinates: parts.map((p) => (p as { coordinates: Position[][] }).coordinates) };
  if (parts.every((p) => p.type === 'LineString'))
    return { type: 'MultiLineString', coordinates: parts.map((p) => (p as { coordinates: Position[] }).coordinates) };
  if (parts.every((p) => p.type === 'Point'))
    return { type: 'MultiPoint', coordinates: parts.map((p) => (p as { coordinates: Position }).coordinates) };
  return { type: 'GeometryCollection', geometries: parts };
}

/** A KML file (Google Earth, phone apps) as one layer of Placemarks; attributes from ExtendedData. Always WGS 84. */
export function openKml(file: string, name: string): SourceLayer {
  return {
    name,
    crs: { definition: crsByCode('EPSG:4326')!, matchedBy: 'default', warnings: [] },
    encoding: { encoding: 'utf-8', source: 'format', confidence: 1 },
    fields: [],
    async *features(): AsyncGenerator<SourceFeature> {
      let index = 0;
      let props: Record<string, unknown> | null = null;
      let parts: Geometry[] = [];
      let coords: Position[] = [];
      let outer: Position[] | null = null;
      let holes: Position[][] = [];
      let value: string | null = null;
      yield* walkXml<SourceFeature>(
        file,
        name,
        (el) => {
          if (el.name === 'Placemark') {
            props = {};
            parts = [];
          }
        },
        (el) => {
          if (!props) return undefined;
          const parent = el.path[el.path.length - 1];
          switch (el.name) {
            case 'coordinates':
              coords = parseCoordinates(el.text);
              break;
            case 'Point':
              if (coords[0]) parts.push({ type: 'Point', coordinates: coords[0] });
              break;
            case 'LineString':
              parts.push({ type: 'LineString', coordinates: coords });
              break;
            case 'LinearRing':
              if (el.path.includes('innerBoundaryIs')) holes.push(coords);
              else outer = coords;
              break;
            case 'Polygon':
              if (outer) parts.push({ type: 'Polygon', coordinates: [outer, ...holes] });
              outer = null;
              holes = [];
              break;
            case 'value':
              value = el.text;
              break;
            case 'Data':
              if (el.attributes.name) props[el.attributes.name] = value;
              value = null;
              break;
            case 'SimpleData':
              if (el.attributes.name) props[el.attributes.name] = el.text;
              break;
            case 'name':
            case 'description':
              if (parent === 'Placemark' && props[el.name] === undefined) props[el.name] = el.text.trim();
              break;
            case 'Placemark': {
              const feature: SourceFeature = { index: ++index, geometry: combine(parts), properties: props };
              props = null;
              return feature;
            }
          }
          return undefined;
        },
      );
    },
  };
}

const fmt = (c: Position) => `${Number(c[0]!.toFixed(9))},${Number(c[1]!.toFixed(9))}`;
const ring = (r: Position[]) => `<LinearRing><coordinates>${r.map(fmt).join(' ')}</coordinates></LinearRing>`;

/** KML for one geometry (WGS 84). */
export function kmlGeometry(g: Geometry): string {
  switch (g.type) {
    case 'Point':
      return `<Point><coordinates>${fmt(g.coordinates)}</coordinates></Point>`;
    case 'LineString':
      return `<LineString><coordinates>${g.coordinates.map(fmt).join(' ')}</coordinates></LineString>`;
    case 'Polygon':
      return `<Polygon><outerBoundaryIs>${ring(g.coordinates[0] ?? [])}</outerBoundaryIs>${g.coordinates
        .slice(1)
        .map((h) => `<innerBoundaryIs>${ring(h)}</innerBoundaryIs>`)
        .join('')}</Polygon>`;
    case 'MultiPoint':
      return `<MultiGeometry>${g.coordinates.map((c) => kmlGeometry({ type: 'Point', coordinates: c })).join('')}</MultiGeometry>`;
    case 'MultiLineString':
      return `<MultiGeometry>${g.coordinates.map((c) => kmlGeometry({ type: 'LineString', coordinates: c })).join('')}</MultiGeometry>`;
    case 'MultiPolygon':
      return `<MultiGeometry>${g.coordinates.map((c) => kmlGeometry({ type: 'Polygon', coordinates: c })).join('')}</MultiGeometry>`;
    case 'GeometryCollection':
      return `<MultiGeometry>${g.geometries.map(kmlGeometry).join('')}</MultiGeometry>`;
  }
}

/** One Placemark with every property in ExtendedData (typed values come back as text). */
export function kmlPlacemark(name: string, geometry: Geometry | null, properties: Record<string, unknown>): string {
  // Empty values are written too: readers learn the fields from the first placemark.
  const data = Object.entries(properties)
    .map(([k, v]) => `<Data name="${xmlEscape(k)}"><value>${v === null || v === undefined ? '' : xmlEscape(String(v))}</value></Data>`)
    .join('');
  return `<Placemark><name>${xmlEscape(name)}</name><ExtendedData>${data}</ExtendedData>${geometry ? kmlGeometry(geometry) : ''}</Placemark>\n`;
}

/** The KML document around the placemarks. */
export const KML_HEAD = (name: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>${xmlEscape(name)}</name>\n`;
/** Closes the document. */
export const KML_TAIL = '</Document></kml>\n';
