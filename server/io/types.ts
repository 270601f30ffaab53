import type { Geometry } from 'geojson';
import type { CrsMatch } from './crs.ts';
import type { TextEncoding } from './encoding.ts';
import type { FeatureFailure } from './feature-fault.ts';

/** One feature as a reader found it: coordinates still in the layer's CRS and axis order. */
export type SourceFeature = {
  /** Position in its layer, from 1, as a person counting rows in QGIS would say it. */
  index: number;
  geometry: Geometry | null;
  properties: Record<string, unknown>;
  /** Set when the reader could not make a feature of the record (reported as BAD_FEATURE). */
  error?: FeatureFailure;
};

/** One layer of an input file (a shapefile, a GeoPackage table, a KML document). */
export type SourceLayer = {
  name: string;
  crs: CrsMatch;
  /** How its text was decoded, for formats that do not fix UTF-8. */
  encoding?: { encoding: TextEncoding; source: 'cpg' | 'detected' | 'option' | 'format'; confidence: number };
  /** Feature count when the format tells it up front (shapefile index, GeoPackage), for progress. */
  count?: number;
  /** Attribute names in file order. */
  fields: string[];
  /** Declared geometry type (GeoPackage 'MULTIPOLYGON', …) when the format states one. */
  geometryType?: string;
  features(): AsyncIterable<SourceFeature>;
};

/** An opened input: its layers, and what the reader wants the user to know. */
export type OpenedSource = {
  format: 'shapefile' | 'geojson' | 'kml' | 'gpx' | 'csv' | 'gpkg';
  layers: SourceLayer[];
  warnings: string[];
  close(): Promise<void>;
};

/** Options a user may give for reading. */
export type ReadOptions = {
  /** Override or supply the CRS ('EPSG:5897'); required where the file does not say it. */
  crs?: string;
  /** Override the text encoding of a shapefile or CSV. */
  encoding?: TextEncoding;
};

/** Limits that keep a hostile or broken upload from exhausting the machine. */
export type ReadLimits = {
  /** Entries in a zip. */
  maxZipEntries: number;
  /** Total uncompressed bytes of a zip. */
  maxUncompressedBytes: number;
  /** Uncompressed/compressed ratio of one entry above 1 MB. */
  maxCompressionRatio: number;
};

/** Defaults sized for a province's cadastre (1,000,000 parcels ≈ 400 MB of shapefile). */
export const DEFAULT_READ_LIMITS: ReadLimits = { maxZipEntries: 1000, maxUncompressedBytes: 2 * 1024 ** 3, maxCompressionRatio: 200 };
