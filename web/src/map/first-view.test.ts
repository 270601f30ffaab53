import type { StyleSpecification } from 'maplibre-gl';
import { describe, expect, it } from 'vitest';
import { firstViewTileUrls, initialCamera } from './first-view.ts';

const style = {
  version: 8,
  center: [105.65082605, 10.46452775],
  zoom: 14,
  sources: {
    bando: { type: 'vector', tiles: ['http://h/tiles/a,b/{z}/{x}/{y}?v=9'], minzoom: 6, maxzoom: 18 },
    c: { type: 'vector', tiles: ['http://h/tiles/c/{z}/{x}/{y}?v=9'], minzoom: 8, maxzoom: 18 },
    parcels: { type: 'vector', tiles: ['http://h/tiles/parcels/{z}/{x}/{y}?v=9'], minzoom: 13, maxzoom: 18 },
    labels: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
  },
  layers: [
    { id: 'background', type: 'background' },
    { id: 'a-fill', type: 'fill', source: 'bando', 'source-layer': 'a' },
    { id: 'c-fill', type: 'fill', source: 'c', 'source-layer': 'c', layout: { visibility: 'none' } },
    { id: 'p-fill', type: 'fill', source: 'parcels', 'source-layer': 'parcels', minzoom: 13 },
    { id: 'l', type: 'symbol', source: 'labels' },
  ],
} as unknown as StyleSpecification;

describe('the first view', () => {
  it('opens on the link’s view, else a phone two levels out from the style’s centre, else the style’s view', () => {
    expect(initialCamera(style, { opacity: {}, center: [105.6, 10.4], zoom: 16, bearing: 30 }, 1280)).toEqual({
      center: [105.6, 10.4],
      zoom: 16,
      bearing: 30,
    });
    expect(initialCamera(style, { opacity: {} }, 393)).toEqual({ center: [105.65082605, 10.46452775], zoom: 12, bearing: 0 });
    expect(initialCamera(style, { opacity: {} }, 1280)).toEqual({ center: [105.65082605, 10.46452775], zoom: 14, bearing: 0 });
  });

  it('asks for the tiles MapLibre asks for: the 2×2 z12 tiles of a phone’s city overview (as a traced first view did)', () => {
    const camera = initialCamera(style, { opacity: {} }, 393);
    expect(firstViewTileUrls(style, camera, 393, 743)).toEqual([
      'http://h/tiles/a,b/12/3249/1927?v=9',
      'http://h/tiles/a,b/12/3249/1928?v=9',
      'http://h/tiles/a,b/12/3250/1927?v=9',
      'http://h/tiles/a,b/12/3250/1928?v=9',
    ]);
  });

  it('leaves out hidden layers and layers below their zoom, and asks a source’s top zoom when the map is deeper', () => {
    const urls = firstViewTileUrls(style, { center: [105.65, 10.46], zoom: 13.6, bearing: 0 }, 300, 300);
    expect(urls.some((u) => u.includes('/tiles/c/'))).toBe(false);
    expect(urls.filter((u) => u.includes('/parcels/')).every((u) => u.includes('/parcels/13/'))).toBe(true);
    expect(
      firstViewTileUrls(style, { center: [105.65, 10.46], zoom: 12.9, bearing: 0 }, 300, 300).some((u) => u.includes('/parcels/')),
    ).toBe(false);
    const deep = firstViewTileUrls(style, { center: [105.65, 10.46], zoom: 20.5, bearing: 0 }, 100, 100);
    expect(deep.length).toBeGreaterThan(0);
    expect(deep.every((u) => /\/18\/\d+\/\d+\?/.test(u))).toBe(true);
  });

  it('leaves a rotated view to the map', () => {
    expect(firstViewTileUrls(style, { center: [105.65, 10.46], zoom: 14, bearing: 30 }, 300, 300)).toEqual([]);
  });
});
