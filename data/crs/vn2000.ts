// VN-2000 and the other coordinate systems our importers accept, as data (DOMAIN.md "VN-2000",
// shared/reference/domain-research.md §1.4). Codes and parameters are those of the EPSG dataset
// shipped with PROJ; the datum shift is EPSG:6960 written in PROJ's position-vector convention.

/** EPSG:6960 "VN-2000 to WGS 84 (2)" as PROJ's +towgs84 (position vector: rotations sign-flipped from the published coordinate-frame values). */
export const VN2000_TOWGS84 = '-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278';

/** What a definition is, so the CRS guard can name sibling systems that would put the data elsewhere. */
export type CrsKind = 'geographic' | 'vn2000-tm3' | 'vn2000-utm' | 'vn2000-geographic' | 'wgs84-utm' | 'web-mercator';

/** One coordinate reference system the importers know. */
export type CrsDefinition = Readonly<{
  /** Authority code, e.g. 'EPSG:5897'. */
  code: string;
  /** Name as EPSG writes it. */
  name: string;
  kind: CrsKind;
  /** Central meridian in degrees for projected systems. */
  centralMeridian?: number;
  /** Scale factor on the central meridian for Transverse Mercator systems. */
  scale?: number;
  /** EPSG declares northing first (6956–6959): files in these codes store (N, E). */
  northingFirst?: boolean;
  /** Definition for proj4, always easting/longitude first. */
  proj4: string;
}>;

const tm3 = (cm: number) =>
  `+proj=tmerc +lat_0=0 +lon_0=${cm} +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +towgs84=${VN2000_TOWGS84} +units=m +no_defs`;
const utm = (zone: number, vn2000: boolean) =>
  `+proj=utm +zone=${zone} +ellps=WGS84 ${vn2000 ? `+towgs84=${VN2000_TOWGS84}` : '+datum=WGS84'} +units=m +no_defs`;

// TM-3 zones (k = 0.9999, FE 500 000): code → central meridian. 9205–9218 are "VN-2000 / TM-3 DDD-MM";
// some public tables mislabel them (e.g. "9210 = 105-00"): these follow PROJ's EPSG database.
const TM3_ZONES: ReadonlyArray<readonly [number, number, string]> = [
  [5896, 102, 'VN-2000 / TM-3 zone 481'],
  [5897, 105, 'VN-2000 / TM-3 zone 482'],
  [5898, 108, 'VN-2000 / TM-3 zone 491'],
  [5899, 107.75, 'VN-2000 / TM-3 107-45'],
  [9205, 103, 'VN-2000 / TM-3 103-00'],
  [9206, 104, 'VN-2000 / TM-3 104-00'],
  [9207, 104.5, 'VN-2000 / TM-3 104-30'],
  [9208, 104.75, 'VN-2000 / TM-3 104-45'],
  [9209, 105.5, 'VN-2000 / TM-3 105-30'],
  [9210, 105.75, 'VN-2000 / TM-3 105-45'],
  [9211, 106, 'VN-2000 / TM-3 106-00'],
  [9212, 106.25, 'VN-2000 / TM-3 106-15'],
  [9213, 106.5, 'VN-2000 / TM-3 106-30'],
  [9214, 107, 'VN-2000 / TM-3 107-00'],
  [9215, 107.25, 'VN-2000 / TM-3 107-15'],
  [9216, 107.5, 'VN-2000 / TM-3 107-30'],
  [9217, 108.25, 'VN-2000 / TM-3 108-15'],
  [9218, 108.5, 'VN-2000 / TM-3 108-30'],
];

// 6956–6959 repeat 5896–5899 with northing-first axes (PROJ shows them as x_0=0, y_0=500000).
const NORTHING_FIRST: ReadonlyArray<readonly [number, number, string]> = [
  [6956, 102, 'VN-2000 / TM-3 zone 481'],
  [6957, 105, 'VN-2000 / TM-3 zone 482'],
  [6958, 108, 'VN-2000 / TM-3 zone 491'],
  [6959, 107.75, 'VN-2000 / TM-3 Da Nang zone'],
];

/** Every definition the importers and exporters accept, by code. */
export const CRS_DEFINITIONS: readonly CrsDefinition[] = [
  { code: 'EPSG:4326', name: 'WGS 84', kind: 'geographic', proj4: '+proj=longlat +datum=WGS84 +no_defs' },
  {
    code: 'EPSG:4756',
    name: 'VN-2000',
    kind: 'vn2000-geographic',
    proj4: `+proj=longlat +ellps=WGS84 +towgs84=${VN2000_TOWGS84} +no_defs`,
  },
  ...TM3_ZONES.map(([code, cm, name]) => ({
    code: `EPSG:${code}`,
    name,
    kind: 'vn2000-tm3' as const,
    centralMeridian: cm,
    scale: 0.9999,
    proj4: tm3(cm),
  })),
  ...NORTHING_FIRST.map(([code, cm, name]) => ({
    code: `EPSG:${code}`,
    name,
    kind: 'vn2000-tm3' as const,
    centralMeridian: cm,
    scale: 0.9999,
    northingFirst: true,
    proj4: tm3(cm),
  })),
  { code: 'EPSG:3405', name: 'VN-2000 / UTM zone 48N', kind: 'vn2000-utm', centralMeridian: 105, scale: 0.9996, proj4: utm(48, true) },
  { code: 'EPSG:3406', name: 'VN-2000 / UTM zone 49N', kind: 'vn2000-utm', centralMeridian: 111, scale: 0.9996, proj4: utm(49, true) },
  { code: 'EPSG:32648', name: 'WGS 84 / UTM zone 48N', kind: 'wgs84-utm', centralMeridian: 105, scale: 0.9996, proj4: utm(48, false) },
  { code: 'EPSG:32649', name: 'WGS 84 / UTM zone 49N', kind: 'wgs84-utm', centralMeridian: 111, scale: 0.9996, proj4: utm(49, false) },
  {
    code: 'EPSG:3857',
    name: 'WGS 84 / Pseudo-Mercator',
    kind: 'web-mercator',
    proj4: '+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +no_defs',
  },
];

/** The zones cadastral data of the merged Đồng Tháp uses: old Đồng Tháp 105°00′, old Tiền Giang 105°45′. */
export const DONG_THAP_ZONES = ['EPSG:5897', 'EPSG:9210'] as const;

/**
 * Extent of today's Đồng Tháp (code 82 = old Đồng Tháp + old Tiền Giang), [west, south, east, north]
 * in degrees, with a margin of about 5 km. Used by the CRS guard only when admin_units has no
 * boundary to test against; rounded outward from the two old provinces' published extents.
 */
export const DONG_THAP_EXTENT: readonly [number, number, number, number] = [105.15, 10.05, 106.85, 11.05];
