// The JSON documents of OGC API Features that describe rather than serve data: landing page,
// conformance, collections, queryables (JSON Schema), and the link objects they share.

import type { Viewer } from '../contracts/viewer.ts';
import type { CollectionDef, PropertyDef } from './collections.ts';
import { queryablesFor, visibleProperties } from './items.sql.ts';
import { CRS84 } from './query-params.ts';

/** Conformance classes this server implements (exact URIs from the standards). */
export const CONFORMANCE = [
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters',
  'http://www.opengis.net/spec/cql2/1.0/conf/cql2-text',
  'http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2',
  'http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators',
  'http://www.opengis.net/spec/cql2/1.0/conf/case-insensitive-comparison',
  'http://www.opengis.net/spec/cql2/1.0/conf/accent-insensitive-comparison',
  'http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions',
  'http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions',
  'http://www.opengis.net/spec/cql2/1.0/conf/property-property',
  'http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete',
  'http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/update',
  'http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/features',
  'http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/optimistic-locking-etags',
] as const;

/** Media types used in links and responses. */
export const MEDIA = Object.freeze({
  json: 'application/json',
  geojson: 'application/geo+json',
  openapi: 'application/vnd.oai.openapi+json;version=3.0',
  schema: 'application/schema+json',
  mergePatch: 'application/merge-patch+json',
});

/** A link of OGC API documents. */
export type Link = { href: string; rel: string; type?: string; title?: string };

/** The landing page at /ogc. */
export function landingPage(base: string): Record<string, unknown> {
  return {
    title: 'Bản đồ số Cao Lãnh — OGC API Features',
    description:
      'Lớp bản đồ quy hoạch, sử dụng đất, nông sản và vùng trồng của Cao Lãnh (Đồng Tháp). Planning, land use, products and growing areas of Cao Lãnh, readable and editable with QGIS, GDAL and any OGC API Features client.',
    links: [
      { href: `${base}/ogc`, rel: 'self', type: MEDIA.json, title: 'This document' },
      { href: `${base}/ogc/api`, rel: 'service-desc', type: MEDIA.openapi, title: 'The API definition (OpenAPI 3.0)' },
      { href: `${base}/ogc/conformance`, rel: 'conformance', type: MEDIA.json, title: 'Conformance classes' },
      { href: `${base}/ogc/collections`, rel: 'data', type: MEDIA.json, title: 'Feature collections' },
    ],
  };
}

/** Spatial extent of a collection, [minx, miny, maxx, maxy], or null when empty. */
export type Extent = [number, number, number, number] | null;

/** One collection's description. */
export function collectionDocument(def: CollectionDef, base: string, extent: Extent): Record<string, unknown> {
  const url = `${base}/ogc/collections/${def.id}`;
  return {
    id: def.id,
    title: def.title,
    description: def.description,
    itemType: 'feature',
    crs: [CRS84],
    storageCrs: CRS84,
    extent: { spatial: { bbox: [extent ?? [-180, -90, 180, 90]], crs: CRS84 } },
    links: [
      { href: url, rel: 'self', type: MEDIA.json, title: def.title },
      { href: `${url}/items`, rel: 'items', type: MEDIA.geojson, title: 'Features' },
      { href: `${url}/queryables`, rel: 'http://www.opengis.net/def/rel/ogc/1.0/queryables', type: MEDIA.schema, title: 'Queryables' },
    ],
  };
}

function propertySchema(p: PropertyDef): Record<string, unknown> {
  const base: Record<string, unknown> = { title: p.title };
  if (p.description) base.description = p.description;
  switch (p.type) {
    case 'date':
      return { ...base, type: 'string', format: 'date' };
    case 'date-time':
      return { ...base, type: 'string', format: 'date-time' };
    case 'string[]':
      return { ...base, type: 'array', items: { type: 'string', ...(p.itemPattern ? { pattern: p.itemPattern } : {}) } };
    case 'json':
      return { ...base, type: 'array', items: { type: 'object' } };
    default:
      return {
        ...base,
        type: p.type,
        ...(p.enum ? { enum: p.enum } : {}),
        ...(p.pattern ? { pattern: p.pattern } : {}),
        ...(p.maxLength ? { maxLength: p.maxLength } : {}),
        ...(p.minimum !== undefined ? { minimum: p.minimum } : {}),
        ...(p.maximum !== undefined ? { maximum: p.maximum } : {}),
      };
  }
}

/** JSON Schema of a feature's properties for this viewer, with readOnly marks (OpenAPI and clients). */
export function propertiesSchema(def: CollectionDef, viewer: Viewer | null): Record<string, unknown> {
  const props = viewer ? visibleProperties(def, viewer) : def.properties.filter((p) => !p.personal);
  const properties: Record<string, unknown> = {};
  for (const p of props) properties[p.name] = { ...propertySchema(p), ...(p.column && !p.managed ? {} : { readOnly: true }) };
  return {
    type: 'object',
    properties,
    required: props.filter((p) => p.required).map((p) => p.name),
  };
}

/** The queryables of a collection for this viewer as JSON Schema (Part 3). */
export function queryablesDocument(def: CollectionDef, viewer: Viewer, base: string): Record<string, unknown> {
  const properties: Record<string, unknown> = {
    geometry: { 'x-ogc-role': 'primary-geometry', format: `geometry-${def.geometry.type.toLowerCase()}`, title: 'Geometry' },
  };
  for (const p of queryablesFor(def, viewer)) properties[p.name] = propertySchema(p);
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `${base}/ogc/collections/${def.id}/queryables`,
    type: 'object',
    title: def.title,
    properties,
    additionalProperties: false,
  };
}
