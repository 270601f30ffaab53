import { afterEach, describe, expect, it } from 'vitest';
import { startLang } from '../i18n/i18n.ts';
import { exportableLayers, exportUrl, fileNameOf, sizeText, takesCrs, type ExportChoice } from './export-panel.ts';

// The i18n module sets <html lang> and remembers the choice; bare objects stand in here.
(globalThis as { document?: unknown }).document ??= { documentElement: {} };
(globalThis as { localStorage?: unknown }).localStorage ??= { getItem: () => null, setItem: () => undefined };
afterEach(() => startLang('vi'));

const choice = (over: Partial<ExportChoice> = {}): ExportChoice => ({
  layer: 'parcels',
  format: 'geojson',
  crs: 'EPSG:4326',
  extent: 'view',
  ...over,
});
const officer = { id: 2, username: 'officer', role: 'officer' as const, displayName: 'Cán bộ', communes: ['29869'], farmerId: null };

describe('the download form’s choices', () => {
  it('offers production plots only to a signed-in viewer', () => {
    expect(exportableLayers(undefined)).toEqual(['parcels', 'landuse', 'zones', 'products']);
    expect(exportableLayers(officer)).toEqual(['parcels', 'landuse', 'zones', 'products', 'plots']);
  });

  it('asks for a coordinate system only for the formats written in one (GeoJSON and KML are WGS 84)', () => {
    expect(['geojson', 'shapefile', 'kml', 'csv', 'gpkg'].filter((f) => takesCrs(f as ExportChoice['format']))).toEqual([
      'shapefile',
      'csv',
      'gpkg',
    ]);
  });

  it('builds the export URL: the map’s view as bbox (clamped to the world), the system only where it applies', () => {
    const view = [105.6, 10.4, 105.7, 10.5] as const;
    expect(exportUrl(choice(), view)).toBe('/api/export/parcels?format=geojson&bbox=105.600000%2C10.400000%2C105.700000%2C10.500000');
    expect(exportUrl(choice({ extent: 'all' }), view)).toBe('/api/export/parcels?format=geojson');
    expect(exportUrl(choice({ layer: 'zones', format: 'shapefile', crs: 'EPSG:5897', extent: 'all' }), view)).toBe(
      '/api/export/zones?format=shapefile&crs=EPSG%3A5897',
    );
    // A VN-2000 system chosen for a shapefile, then GeoJSON picked: the URL asks for WGS 84.
    expect(exportUrl(choice({ crs: 'EPSG:5897', extent: 'all' }), view)).toBe('/api/export/parcels?format=geojson');
    expect(exportUrl(choice({ format: 'csv' }), [-200, -95, 200, 95])).toBe(
      '/api/export/parcels?format=csv&bbox=-180.000000%2C-90.000000%2C180.000000%2C90.000000',
    );
  });

  it('saves under the server’s file name, or one made from the choice', () => {
    expect(fileNameOf('attachment; filename="thua_dat_20261130.zip"', choice({ format: 'shapefile' }))).toBe('thua_dat_20261130.zip');
    expect(fileNameOf(null, choice({ format: 'shapefile', layer: 'zones' }))).toBe('zones.zip');
    expect(fileNameOf('attachment', choice({ format: 'gpkg' }))).toBe('parcels.gpkg');
  });

  it('words sizes as people read them', () => {
    expect(sizeText(10)).toBe('1 KB');
    expect(sizeText(820 * 1024)).toBe('820 KB');
    expect(sizeText(2.45 * 1024 * 1024)).toBe('2,5 MB');
    startLang('en');
    expect(sizeText(2.45 * 1024 * 1024)).toBe('2.5 MB');
  });
});
