import { describe, expect, it } from 'vitest';
import type { Point, Polygon } from 'geojson';
import { buildEudrGeoJson, selfIntersection, stringifyEudr, validateEudrGeoJson, type EudrPlotInput } from './eudr.ts';

// A 100 m × 60 m strip near Cao Lãnh, written clockwise on purpose (the builder must re-orient it).
const strip: Polygon = {
  type: 'Polygon',
  coordinates: [
    [
      [105.63, 10.46],
      [105.63, 10.4605],
      [105.6309, 10.4605],
      [105.6309, 10.46],
      [105.63, 10.46],
    ],
  ],
};

const plot = (over: Partial<EudrPlotInput> = {}): EudrPlotInput => ({
  plotId: 11,
  producerName: 'Nguyễn Văn A',
  producerCountry: 'VN',
  productionPlace: 'Ấp Tân Hậu, Phường Cao Lãnh, Đồng Tháp',
  areaHa: 0.55,
  geometry: strip,
  ...over,
});

describe('EUDR GeoJSON', () => {
  it('builds a file that its own validator accepts, with 6-decimal coordinates and counter-clockwise rings', () => {
    const r = buildEudrGeoJson([plot()]);
    expect(r.valid).toBe(true);
    if (!r.valid) return;
    expect(r.text).toContain('[105.630000,10.460000]');
    expect(validateEudrGeoJson(r.text)).toEqual({ valid: true, problems: [], featureCount: 1 });
    const ring = (r.collection.features[0]!.geometry as Polygon).coordinates[0]!;
    expect(ring[1]).toEqual([105.6309, 10.46]);
    expect(r.collection.features[0]!.properties).toEqual({
      ProducerName: 'Nguyễn Văn A',
      ProducerCountry: 'VN',
      ProductionPlace: 'Ấp Tân Hậu, Phường Cao Lãnh, Đồng Tháp',
      Area: 0.55,
    });
  });

  it('describes small plots by a point inside them when asked', () => {
    const r = buildEudrGeoJson([plot()], { pointsForSmallPlots: true });
    expect(r.valid && r.collection.features[0]!.geometry).toEqual({ type: 'Point', coordinates: [105.63045, 10.46025] });
    expect(r.valid && validateEudrGeoJson(r.text).valid).toBe(true);
  });

  it('puts the point of a U-shaped plot inside it, not in the notch', () => {
    // A U open to the north: its centroid falls in the notch.
    const u: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [105.6, 10.4],
          [105.603, 10.4],
          [105.603, 10.403],
          [105.602, 10.403],
          [105.602, 10.401],
          [105.601, 10.401],
          [105.601, 10.403],
          [105.6, 10.403],
          [105.6, 10.4],
        ],
      ],
    };
    const r = buildEudrGeoJson([plot({ geometry: u, areaHa: 0.5 })], { pointsForSmallPlots: true });
    const [x, y] = (r.valid ? (r.collection.features[0]!.geometry as Point).coordinates : []) as number[];
    const inNotch = x! > 105.601 && x! < 105.602 && y! > 10.401;
    expect(inNotch).toBe(false);
    expect(x! > 105.6 && x! < 105.603 && y! > 10.4 && y! < 10.403).toBe(true);
  });

  it('refuses a plot over 4 ha given as a point, naming the plot', () => {
    const r = buildEudrGeoJson([
      plot(),
      plot({ plotId: 'P-4711', areaHa: 5.2, geometry: { type: 'Point', coordinates: [105.64, 10.47] } }),
    ]);
    expect(r.valid).toBe(false);
    if (r.valid) return;
    expect(r.problems).toEqual([
      {
        plotId: 'P-4711',
        reason: 'point-for-plot-over-4-ha',
        message: 'Plot P-4711: 5.2 ha is over 4 ha, so it must be described by a polygon, not a point.',
      },
    ]);
  });

  it('refuses open, short and self-crossing rings', () => {
    const open = {
      type: 'Polygon' as const,
      coordinates: [
        [
          [105.6, 10.4],
          [105.61, 10.4],
          [105.61, 10.41],
          [105.6, 10.41],
        ],
      ],
    };
    const bowtie = {
      type: 'Polygon' as const,
      coordinates: [
        [
          [105.6, 10.4],
          [105.61, 10.41],
          [105.61, 10.4],
          [105.6, 10.41],
          [105.6, 10.4],
        ],
      ],
    };
    const r = buildEudrGeoJson([plot({ plotId: 1, geometry: open }), plot({ plotId: 2, geometry: bowtie })]);
    expect(r.valid ? [] : r.problems.map((p) => [p.plotId, p.reason])).toEqual([
      ['1', 'ring-not-closed'],
      ['2', 'ring-self-intersects'],
    ]);
    const hit = selfIntersection(bowtie.coordinates[0]!);
    expect(hit?.[0]).toBeCloseTo(105.605, 9);
    expect(hit?.[1]).toBeCloseTo(10.405, 9);
  });

  it('refuses missing producer data and a non-positive area', () => {
    const r = buildEudrGeoJson([plot({ producerName: ' ', producerCountry: 'Vietnam', areaHa: 0 })]);
    expect(r.valid ? [] : r.problems.map((p) => p.reason)).toEqual(['missing-property', 'missing-property', 'bad-area']);
  });

  it('validates other files: short coordinates, swapped axes, other CRS, not a collection', () => {
    const short = JSON.stringify({
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          id: 'x1',
          geometry: { type: 'Point', coordinates: [105.63, 10.46] },
          properties: { ProducerName: 'A', ProducerCountry: 'VN', ProductionPlace: 'B', Area: 1 },
        },
      ],
    });
    expect(validateEudrGeoJson(short).problems).toEqual([expect.objectContaining({ plotId: 'x1', reason: 'fewer-than-6-decimals' })]);
    const swapped = stringifyEudr({
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          id: 'y',
          geometry: { type: 'Point', coordinates: [10.46, 105.63] },
          properties: { ProducerName: 'A', ProducerCountry: 'VN', ProductionPlace: 'B', Area: 1 },
        },
      ],
    });
    expect(validateEudrGeoJson(swapped).problems[0]?.message).toContain('swapped');
    expect(
      validateEudrGeoJson('{"type":"FeatureCollection","crs":{"properties":{"name":"EPSG:5897"}},"features":[]}').problems.map(
        (p) => p.reason,
      ),
    ).toEqual(['not-wgs84', 'no-features']);
    expect(validateEudrGeoJson('[1,2').problems[0]?.reason).toBe('not-json');
    expect(validateEudrGeoJson('{"type":"Feature"}').problems[0]?.reason).toBe('not-feature-collection');
  });
});
