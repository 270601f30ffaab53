import type { Geometry, Position } from 'geojson';
import { crsByCode } from '../crs.ts';
import type { SourceFeature, SourceLayer } from '../types.ts';
import { walkXml } from './xml.ts';

// GPX from phones: waypoints become points, tracks and routes lines. Always WGS 84.
const FEATURES = new Set(['wpt', 'trk', 'rte']);
const POINTS = new Set(['wpt', 'trkpt', 'rtept']);
const TEXT = new Set(['name', 'desc', 'cmt', 'type', 'sym', 'time', 'ele']);

/** A GPX file as one layer: wpt → Point, trk → (Multi)LineString, rte → LineString; name, desc, time and ele as attributes. */
export function openGpx(file: string, name: string): SourceLayer {
  return {
    name,
    crs: { definition: crsByCode('EPSG:4326')!, matchedBy: 'default', warnings: [] },
    encoding: { encoding: 'utf-8', source: 'format', confidence: 1 },
    fields: ['name', 'desc', 'time', 'ele'],
    async *features(): AsyncGenerator<SourceFeature> {
      let index = 0;
      let props: Record<string, unknown> | null = null;
      let segments: Position[][] = [];
      let current: Position[] = [];
      let point: Position | null = null;
      yield* walkXml<SourceFeature>(
        file,
        name,
        (el) => {
          if (FEATURES.has(el.name) && !props) {
            props = { kind: el.name };
            segments = [];
            current = [];
          }
          if (POINTS.has(el.name)) {
            const lat = Number(el.attributes.lat);
            const lon = Number(el.attributes.lon);
            point = [lon, lat];
          }
        },
        (el) => {
          if (!props) return undefined;
          const parent = el.path[el.path.length - 1];
          if (TEXT.has(el.name) && parent && FEATURES.has(parent)) props[el.name] = el.text.trim();
          if (el.name === 'trkpt' || el.name === 'rtept') {
            if (point) current.push(point);
          } else if (el.name === 'trkseg') {
            segments.push(current);
            current = [];
          } else if (FEATURES.has(el.name)) {
            let geometry: Geometry | null = null;
            if (el.name === 'wpt' && point) geometry = { type: 'Point', coordinates: point };
            else if (el.name === 'rte') geometry = { type: 'LineString', coordinates: current };
            else if (el.name === 'trk')
              geometry =
                segments.length === 1
                  ? { type: 'LineString', coordinates: segments[0]! }
                  : { type: 'MultiLineString', coordinates: segments };
            const feature: SourceFeature = { index: ++index, geometry, properties: props };
            props = null;
            point = null;
            return feature;
          }
          return undefined;
        },
      );
    },
  };
}
