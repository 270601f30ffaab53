// The OpenAPI 3.0 definition of /ogc, generated from the collection declarations so it cannot drift
// from what the server does (GDAL and QGIS read it, e.g. for the page size limit).

import { COLLECTIONS, type CollectionDef } from './collections.ts';
import { MEDIA, propertiesSchema } from './documents.ts';
import { isQueryable } from './items.sql.ts';
import { isEditable } from './policy.ts';
import { DEFAULT_LIMIT, MAX_LIMIT } from './query-params.ts';

const problem = {
  description: 'Problem details (RFC 9457)',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};

function itemsParameters(def: CollectionDef): unknown[] {
  const props = def.properties.filter((p) => !p.personal && isQueryable(p));
  return [
    { $ref: '#/components/parameters/limit' },
    { $ref: '#/components/parameters/offset' },
    { $ref: '#/components/parameters/bbox' },
    { $ref: '#/components/parameters/datetime' },
    { $ref: '#/components/parameters/filter' },
    { $ref: '#/components/parameters/filter-lang' },
    { $ref: '#/components/parameters/skipGeometry' },
    ...props.map((p) => ({
      name: p.name,
      in: 'query',
      required: false,
      description: p.type === 'string' ? `${p.title} (matches ignoring case and Vietnamese diacritics)` : p.title,
      schema: { type: p.type === 'integer' || p.type === 'number' ? p.type : 'string' },
    })),
  ];
}

function featureSchemaRef(def: CollectionDef): Record<string, unknown> {
  return { $ref: `#/components/schemas/${def.id}` };
}

function collectionPaths(def: CollectionDef): Record<string, unknown> {
  const base = `/collections/${def.id}`;
  const fid = { name: 'featureId', in: 'path', required: true, schema: { type: 'string' } };
  const ifMatch = {
    name: 'If-Match',
    in: 'header',
    required: true,
    description: 'The ETag of the version being edited.',
    schema: { type: 'string' },
  };
  const write = (description: string, mediaTypes: string[]) => ({
    required: true,
    description,
    content: Object.fromEntries(mediaTypes.map((m) => [m, { schema: featureSchemaRef(def) }])),
  });
  const written = {
    422: { ...problem, description: 'Not valid: every reason listed' },
    401: problem,
    403: problem,
    412: problem,
    428: problem,
  };
  const paths: Record<string, Record<string, unknown>> = {
    [base]: {
      get: {
        tags: [def.id],
        summary: `Describe ${def.title}`,
        operationId: `describe_${def.id}`,
        responses: { 200: { description: 'The collection' }, 404: problem },
      },
    },
    [`${base}/queryables`]: {
      get: {
        tags: [def.id],
        summary: 'Queryables (JSON Schema)',
        operationId: `queryables_${def.id}`,
        responses: { 200: { description: 'Queryables', content: { [MEDIA.schema]: {} } } },
      },
    },
    [`${base}/items`]: {
      get: {
        tags: [def.id],
        summary: `Features of ${def.title}`,
        operationId: `items_${def.id}`,
        parameters: itemsParameters(def),
        responses: {
          200: {
            description: 'A GeoJSON FeatureCollection',
            content: { [MEDIA.geojson]: { schema: { $ref: '#/components/schemas/FeatureCollection' } } },
          },
          400: problem,
        },
      },
    },
    [`${base}/items/{featureId}`]: {
      get: {
        tags: [def.id],
        summary: 'One feature (with a strong ETag)',
        operationId: `item_${def.id}`,
        parameters: [fid],
        responses: {
          200: { description: 'A GeoJSON Feature', content: { [MEDIA.geojson]: { schema: featureSchemaRef(def) } } },
          404: problem,
        },
      },
    },
  };
  if (isEditable(def)) {
    const items = paths[`${base}/items`] as Record<string, unknown>;
    const item = paths[`${base}/items/{featureId}`] as Record<string, unknown>;
    items.post = {
      tags: [def.id],
      summary: 'Create a feature',
      operationId: `create_${def.id}`,
      requestBody: write('A GeoJSON Feature', [MEDIA.geojson, MEDIA.json]),
      responses: { 201: { description: 'Created; Location and ETag headers' }, ...written },
    };
    item.put = {
      tags: [def.id],
      summary: 'Replace a feature',
      operationId: `replace_${def.id}`,
      parameters: [fid, ifMatch],
      requestBody: write('A GeoJSON Feature', [MEDIA.geojson, MEDIA.json]),
      responses: { 200: { description: 'Replaced; new ETag' }, ...written },
    };
    item.patch = {
      tags: [def.id],
      summary: 'Update a feature (JSON Merge Patch)',
      operationId: `update_${def.id}`,
      parameters: [fid, ifMatch],
      requestBody: write('A JSON Merge Patch of the Feature', [MEDIA.mergePatch]),
      responses: { 200: { description: 'Updated; new ETag' }, ...written },
    };
    item.delete = {
      tags: [def.id],
      summary: 'Delete a feature',
      operationId: `delete_${def.id}`,
      parameters: [fid, ifMatch],
      responses: { 204: { description: 'Deleted' }, ...written },
    };
    paths[`${base}/items/{featureId}/history`] = {
      get: {
        tags: [def.id],
        summary: 'Edit history of a feature',
        operationId: `history_${def.id}`,
        parameters: [fid],
        responses: { 200: { description: 'Entries, oldest first' }, 401: problem, 403: problem },
      },
    };
    paths[`${base}/items/{featureId}/history/{entryId}/restore`] = {
      post: {
        tags: [def.id],
        summary: 'Restore the state recorded by a history entry (an edit itself)',
        operationId: `restore_${def.id}`,
        parameters: [fid, { name: 'entryId', in: 'path', required: true, schema: { type: 'integer' } }, { ...ifMatch, required: false }],
        responses: { 200: { description: 'Restored' }, 201: { description: 'Re-created after deletion' }, ...written },
      },
    };
  }
  return paths;
}

/** The whole OpenAPI document; servers point at this deployment's /ogc. */
export function openApiDocument(base: string): Record<string, unknown> {
  const paths: Record<string, unknown> = {
    '/': { get: { summary: 'Landing page', operationId: 'landing', responses: { 200: { description: 'Links to the API' } } } },
    '/conformance': {
      get: { summary: 'Conformance classes', operationId: 'conformance', responses: { 200: { description: 'conformsTo' } } },
    },
    '/api': {
      get: {
        summary: 'This document',
        operationId: 'api',
        responses: { 200: { description: 'OpenAPI 3.0', content: { [MEDIA.openapi]: {} } } },
      },
    },
    '/collections': {
      get: { summary: 'Feature collections', operationId: 'collections', responses: { 200: { description: 'Collections' } } },
    },
  };
  const schemas: Record<string, unknown> = {
    Problem: {
      type: 'object',
      properties: {
        type: { type: 'string' },
        title: { type: 'string' },
        status: { type: 'integer' },
        detail: { type: 'string' },
        code: { type: 'string' },
        reasons: {
          type: 'array',
          description:
            'Why the write was refused. Membership refusals of plots (422) name their facts as fields: server/contracts/membership.ts.',
          items: {
            type: 'object',
            properties: {
              code: {
                type: 'string',
                description: 'PLOT_CROP_MISMATCH, PLOT_IN_OTHER_AREA, PLOT_OUTSIDE_YOUR_COMMUNES, or a field-level code',
              },
              property: { type: 'string' },
              message: { type: 'string', description: 'The same reason as an English sentence' },
              plotIds: { type: 'array', items: { type: 'integer' } },
              plotId: { type: 'integer', nullable: true },
              areaId: { type: 'integer' },
              plotCrop: { type: 'string' },
              areaCrop: { type: 'string' },
              plotCrops: { type: 'array', items: { type: 'string' } },
              requestedCrop: { type: 'string' },
              otherAreaId: { type: 'integer' },
              otherAreaStatus: { type: 'string', nullable: true },
              communeCode: { type: 'string' },
            },
          },
        },
      },
    },
    FeatureCollection: {
      type: 'object',
      required: ['type', 'features'],
      properties: {
        type: { type: 'string', enum: ['FeatureCollection'] },
        features: { type: 'array', items: { type: 'object' } },
        numberMatched: { type: 'integer' },
        numberReturned: { type: 'integer' },
        links: { type: 'array', items: { type: 'object' } },
      },
    },
  };
  for (const def of COLLECTIONS) {
    Object.assign(paths, collectionPaths(def));
    schemas[def.id] = {
      type: 'object',
      required: ['type', 'geometry', 'properties'],
      properties: {
        type: { type: 'string', enum: ['Feature'] },
        id: { type: 'integer', readOnly: true },
        geometry: {
          type: 'object',
          nullable: def.geometry.nullable,
          description: `GeoJSON ${def.geometry.type} in CRS84${def.geometry.writable ? '' : ' (derived by the server)'}`,
        },
        properties: propertiesSchema(def, null),
      },
    };
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'Bản đồ số — OGC API Features',
      version: '1.0.0',
      description:
        'OGC API Features Parts 1, 3 (CQL2-text) and 4 for Cao Lãnh. Writes need a bearer token from POST /api/auth/login (or the session cookie with X-CSRF-Token) and If-Match with the feature’s ETag.',
    },
    servers: [{ url: `${base}/ogc` }],
    paths,
    components: {
      schemas,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      parameters: {
        limit: {
          name: 'limit',
          in: 'query',
          required: false,
          style: 'form',
          explode: false,
          schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT },
        },
        offset: { name: 'offset', in: 'query', required: false, schema: { type: 'integer', minimum: 0, default: 0 } },
        bbox: {
          name: 'bbox',
          in: 'query',
          required: false,
          style: 'form',
          explode: false,
          schema: { type: 'array', minItems: 4, maxItems: 6, items: { type: 'number' } },
        },
        datetime: { name: 'datetime', in: 'query', required: false, schema: { type: 'string' } },
        filter: { name: 'filter', in: 'query', required: false, description: 'CQL2-text over the queryables', schema: { type: 'string' } },
        'filter-lang': {
          name: 'filter-lang',
          in: 'query',
          required: false,
          schema: { type: 'string', enum: ['cql2-text'], default: 'cql2-text' },
        },
        skipGeometry: {
          name: 'skipGeometry',
          in: 'query',
          required: false,
          description: 'true: every feature with "geometry": null (its properties only)',
          schema: { type: 'boolean', default: false },
        },
      },
    },
  };
}
