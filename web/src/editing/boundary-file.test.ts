import { describe, expect, it } from 'vitest';
import { BoundaryFileError, parseBoundaryFile } from './boundary-file.ts';

const square = [
  [105.6, 10.4],
  [105.601, 10.4],
  [105.601, 10.401],
  [105.6, 10.401],
  [105.6, 10.4],
];

describe('loading a boundary file into the editor', () => {
  it('reads polygons and multipolygons from GeoJSON, whatever the wrapping', () => {
    const fc = {
      type: 'FeatureCollection',
      features: [{ type: 'Feature', properties: {}, geometry: { type: 'MultiPolygon', coordinates: [[square], [square]] } }],
    };
    expect(parseBoundaryFile('plots.geojson', JSON.stringify(fc))).toHaveLength(2);
    expect(parseBoundaryFile('x.json', JSON.stringify({ type: 'Polygon', coordinates: [square] }))[0]?.coordinates[0]).toEqual(square);
  });

  it('closes a walked track (GeoJSON line, GPX track) into a boundary', () => {
    const line = parseBoundaryFile('walk.geojson', JSON.stringify({ type: 'LineString', coordinates: square.slice(0, 4) }));
    expect(line[0]?.coordinates[0]).toEqual(square);
    const gpx = `<?xml version="1.0"?><gpx version="1.1"><trk><trkseg>${square
      .slice(0, 4)
      .map(([lon, lat]) => `<trkpt lat="${lat}" lon="${lon}"><ele>2</ele></trkpt>`)
      .join('')}</trkseg></trk></gpx>`;
    expect(parseBoundaryFile('walk.gpx', gpx)[0]?.coordinates[0]).toEqual(square);
  });

  it('reads KML polygons with their holes', () => {
    const coords = (ring: number[][]) => ring.map((p) => `${p[0]},${p[1]},0`).join(' ');
    const kml = `<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>Vườn xoài</name><Polygon><outerBoundaryIs><LinearRing><coordinates>${coords(square)}</coordinates></LinearRing></outerBoundaryIs><innerBoundaryIs><LinearRing><coordinates>105.6002,10.4002 105.6004,10.4002 105.6004,10.4004 105.6002,10.4002</coordinates></LinearRing></innerBoundaryIs></Polygon></Placemark></kml>`;
    const [polygon] = parseBoundaryFile('vuon.kml', kml);
    expect(polygon?.coordinates).toHaveLength(2);
    expect(polygon?.coordinates[0]).toEqual(square);
  });

  it('refuses files with no boundary in them with a clear error', () => {
    expect(() => parseBoundaryFile('a.txt', 'hello')).toThrow(BoundaryFileError);
    expect(() => parseBoundaryFile('a.geojson', '{"type":"Point","coordinates":[1,2]}')).toThrow(/no polygon/);
    expect(() => parseBoundaryFile('a.gpx', '<gpx><trk><trkseg><trkpt lat="x" lon="y"/></trkseg></trk></gpx>')).toThrow(BoundaryFileError);
  });
});
