import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hasCommand } from '../../tests/helpers/commands.ts';
import { crsByCode, esriWkt, fromWgs84, matchPrj, toWgs84 } from './crs.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
// Computed with PROJ (gdaltransform, GDAL 3.6) from the explicit +towgs84 of DOMAIN.md, not GDAL's own EPSG:5897.
const REFERENCE: Array<{ crs: string; e: number; n: number; lon: number; lat: number }> = JSON.parse(
  fs.readFileSync(path.join(here, '../../tests/fixtures/io/vn2000-reference-points.json'), 'utf8'),
);

const metres = (lon1: number, lat1: number, lon2: number, lat2: number) =>
  Math.hypot((lon1 - lon2) * 111320 * Math.cos((lat1 * Math.PI) / 180), (lat1 - lat2) * 110574);

describe('VN-2000 → WGS 84', () => {
  it.each(REFERENCE.map((r) => [r.crs, r.e, r.n, r] as const))(
    '%s (%d, %d) agrees with the committed PROJ table within 0.1 m',
    (code, e, n, r) => {
      const [lon, lat] = toWgs84(crsByCode(code)!)(e, n);
      expect(metres(lon, lat, r.lon, r.lat)).toBeLessThan(0.1);
      const [e2, n2] = fromWgs84(crsByCode(code)!)(r.lon, r.lat);
      expect(Math.hypot(e2 - e, n2 - n)).toBeLessThan(0.1);
    },
  );

  it.skipIf(!hasCommand('gdaltransform'))('agrees with gdaltransform run now, with the same explicit +towgs84', () => {
    for (const code of ['EPSG:5897', 'EPSG:9210', 'EPSG:3405']) {
      const def = crsByCode(code)!;
      const grid = REFERENCE.filter((r) => r.crs === code).map((r) => `${r.e + 1234.5} ${r.n - 987.6}`);
      const out = execFileSync('gdaltransform', ['-s_srs', def.proj4, '-t_srs', '+proj=longlat +datum=WGS84 +no_defs', '-output_xy'], {
        input: grid.join('\n') + '\n',
        encoding: 'utf8',
      });
      out
        .trim()
        .split('\n')
        .forEach((line, i) => {
          const [glon, glat] = line.trim().split(/\s+/).map(Number) as [number, number];
          const [x, y] = grid[i]!.split(' ').map(Number) as [number, number];
          const [lon, lat] = toWgs84(def)(x, y);
          expect(metres(lon, lat, glon, glat)).toBeLessThan(0.1);
        });
    }
  });

  it('puts the same point 82 km apart in the two Đồng Tháp zones (DOMAIN.md table)', () => {
    const [e1] = fromWgs84(crsByCode('EPSG:5897')!)(105.63, 10.46);
    const [e2] = fromWgs84(crsByCode('EPSG:9210')!)(105.63, 10.46);
    expect(Math.round(e1)).toBe(568772);
    expect(Math.round(e2)).toBe(486668);
  });

  it('reads northing-first codes (EPSG:6957) with swapped axes', () => {
    const [lon, lat] = toWgs84(crsByCode('EPSG:6957')!)(1156799.891, 568771.987);
    expect(metres(lon, lat, 105.63, 10.46)).toBeLessThan(0.1);
  });
});

describe('matching a .prj', () => {
  const esri = (name: string, cm: number, datum = 'D_Vietnam_2000', k = 0.9999) =>
    `PROJCS["${name}",GEOGCS["${datum === 'D_WGS_1984' ? 'GCS_WGS_1984' : 'GCS_VN_2000'}",DATUM["${datum}",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",${cm}],PARAMETER["Scale_Factor",${k}],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]`;

  it('maps ESRI WKT with custom names onto the zone by its parameters', () => {
    expect(matchPrj(esri('VN2000_DongThap_105', 105)).definition.code).toBe('EPSG:5897');
    expect(matchPrj(esri('TienGiang_KTT_10545', 105.75)).definition.code).toBe('EPSG:9210');
    expect(matchPrj(esri('VN_2000_UTM_zone_48N', 105, 'D_Vietnam_2000', 0.9996)).definition.code).toBe('EPSG:3405');
  });

  it('accepts EPSG codes, bare or as AUTHORITY', () => {
    expect(matchPrj('EPSG:9210').definition.code).toBe('EPSG:9210');
    expect(matchPrj('PROJCS["VN-2000 / TM-3 zone 482",GEOGCS["VN-2000"],AUTHORITY["EPSG","5897"]]').definition.code).toBe('EPSG:5897');
  });

  it('reads our own exported .prj back to the same zone', () => {
    for (const code of ['EPSG:5897', 'EPSG:9210', 'EPSG:3405', 'EPSG:4326'])
      expect(matchPrj(esriWkt(crsByCode(code)!)).definition.code).toBe(code);
  });

  it('warns about a WGS 84 datum on a 3° zone, and about coordinate-frame rotation signs', () => {
    expect(matchPrj(esri('x', 105, 'D_WGS_1984')).warnings[0]).toMatch(/WGS 84 as datum for a VN-2000 3° zone/);
    const cf = esri('x', 105).replace(
      'SPHEROID["WGS_1984",6378137.0,298.257223563]',
      'SPHEROID["WGS_1984",6378137.0,298.257223563],TOWGS84[-191.90441429,-39.30318279,-111.45032835,-0.00928836,0.01975479,-0.00427372,0.252906278]',
    );
    expect(matchPrj(cf).warnings[0]).toMatch(/coordinate-frame rotation signs/);
  });

  it('refuses unknown systems with what it read', () => {
    expect(() => matchPrj(esri('x', 104.2))).toThrow(/No VN-2000 or UTM zone matches/);
    expect(() => matchPrj('GEOGCS["Indian 1960",DATUM["Indian_1960",SPHEROID["Everest 1830",6377276.345,300.8017]]]')).toThrow(
      /neither WGS 84 nor VN-2000/,
    );
    expect(() => matchPrj('garbage [')).toThrow(/not readable WKT/);
  });
});
