// Reading a written feature: the body's shape, each property against its declaration, the geometry
// through the shared validator, and JSON Merge Patch (RFC 7396). Pure; every problem becomes a
// reason so a 422 can list them all at once.

import { AppError } from '../plugins/errors.ts';
import { doneDateProblem, DONE_DATE_REASONS, EARLIEST_DONE_DATE } from '../domain/done-date.ts';
import { validateGeometry, type ValidationReason } from '../domain/plot-validation.ts';
import { nameProblem, TEXT_REASONS } from '../domain/registry-text.ts';
import { vietnamToday } from '../domain/vietnam-time.ts';
import type { CollectionDef, PropertyDef } from './collections.ts';

/** A reason of a refused write; property names the attribute concerned, when there is one. */
export type Reason = ValidationReason & { property?: string } & Record<string, unknown>;

/** Reason codes for attributes (geometry codes come from server/domain/plot-validation.ts). */
export const ATTRIBUTE_REASON = Object.freeze({
  UNKNOWN_PROPERTY: 'UNKNOWN_PROPERTY',
  MISSING_PROPERTY: 'MISSING_PROPERTY',
  INVALID_PROPERTY: 'INVALID_PROPERTY',
  READ_ONLY_PROPERTY: 'READ_ONLY_PROPERTY',
  MISSING_GEOMETRY: 'MISSING_GEOMETRY',
} as const);

/** The parts of a GeoJSON Feature a write uses. */
export type FeatureDocument = { geometry: unknown; hasGeometry: boolean; properties: Record<string, unknown> };

/** A write ready for the database: column values, and the geometry as GeoJSON (undefined: unchanged). */
export type WriteInput = {
  values: Map<string, unknown>;
  geometry: Record<string, unknown> | null | undefined;
  reasons: Reason[];
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks that a body is a GeoJSON Feature (400 otherwise: nothing to validate field by field). */
export function readFeatureDocument(body: unknown): FeatureDocument {
  if (!isObject(body)) throw new AppError('BAD_REQUEST', 'The body must be a GeoJSON Feature object.');
  if (body.type !== 'Feature') throw new AppError('BAD_REQUEST', 'The body must be a GeoJSON Feature ("type": "Feature").');
  const properties = body.properties ?? {};
  if (!isObject(properties)) throw new AppError('BAD_REQUEST', 'The Feature\'s "properties" must be an object or null.');
  return { geometry: body.geometry ?? null, hasGeometry: 'geometry' in body, properties };
}

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Applies a JSON Merge Patch (RFC 7396): objects merge, null removes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (UNSAFE_KEYS.has(key)) continue;
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
function isDate(v: string): boolean {
  const d = new Date(`${v}T00:00:00Z`);
  return DATE.test(v) && !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

/** Checks one value against its declaration; returns the reason or null. */
function checkValue(p: PropertyDef, value: unknown): Reason | null {
  const invalid = (message: string): Reason => ({
    code: ATTRIBUTE_REASON.INVALID_PROPERTY,
    property: p.name,
    message: `${p.name}: ${message}`,
  });
  switch (p.type) {
    case 'string': {
      if (typeof value !== 'string') return invalid('must be text.');
      if (value.includes('\u0000')) return invalid('must not contain NUL characters.');
      if (value.trim() === '' && p.required) return invalid('must not be empty.');
      if (value.length > (p.maxLength ?? 1000)) return invalid(`must be at most ${p.maxLength ?? 1000} characters.`);
      if (p.enum && !p.enum.includes(value)) return invalid(`must be one of ${p.enum.join(', ')}.`);
      if (p.pattern && !new RegExp(p.pattern).test(value)) return invalid(`does not match ${p.pattern}.`);
      // An empty optional name is no name at all (as before), not a name without a letter.
      return p.meaning === 'name' && value.trim() !== '' ? nameReason(p, value) : null;
    }
    case 'integer':
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return invalid('must be a number.');
      if (p.type === 'integer' && !Number.isInteger(value)) return invalid('must be a whole number.');
      const min = p.minimum ?? (p.type === 'integer' ? -2147483648 : -1e15);
      const max = p.maximum ?? (p.type === 'integer' ? 2147483647 : 1e15);
      if (value < min || value > max) return invalid(`must lie between ${min} and ${max}.`);
      return null;
    }
    case 'date':
      if (typeof value !== 'string' || !isDate(value)) return invalid('must be a date YYYY-MM-DD.');
      return p.meaning === 'done-date' ? doneDateReason(p, value) : null;
    case 'date-time':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? null : invalid('must be an RFC 3339 date-time.');
    case 'boolean':
      return typeof value === 'boolean' ? null : invalid('must be true or false.');
    case 'string[]': {
      if (!Array.isArray(value) || value.length > 50) return invalid('must be a list of at most 50 texts.');
      const pattern = p.itemPattern ? new RegExp(p.itemPattern) : null;
      for (const item of value) {
        if (typeof item !== 'string' || (pattern && !pattern.test(item))) return invalid(`items must match ${p.itemPattern ?? 'text'}.`);
      }
      return null;
    }
    default:
      return invalid('cannot be written.');
  }
}

// The rules of meaning carry their registry reason code as `rule`, so a form can say which field is
// wrong and why in the officer's language, as the registry API's 422 `reason` does.

/** A date of something done after today in Vietnam or before 1900 (a plot planted on 2030-01-01). */
function doneDateReason(p: PropertyDef, value: string): Reason | null {
  const problem = doneDateProblem(value);
  if (problem === DONE_DATE_REASONS.IN_FUTURE) {
    const today = vietnamToday();
    return {
      code: ATTRIBUTE_REASON.INVALID_PROPERTY,
      property: p.name,
      rule: problem,
      value,
      today,
      message: `${p.name}: ${value} is after today (${today} in Vietnam).`,
    };
  }
  if (problem === DONE_DATE_REASONS.TOO_EARLY)
    return {
      code: ATTRIBUTE_REASON.INVALID_PROPERTY,
      property: p.name,
      rule: problem,
      value,
      earliest: EARLIEST_DONE_DATE,
      message: `${p.name}: ${value} is before ${EARLIEST_DONE_DATE}.`,
    };
  return null;
}

/** A name without a letter ("🥭🥭🥭") or with a pictograph ("HTX 🙂"). */
function nameReason(p: PropertyDef, value: string): Reason | null {
  const problem = nameProblem(value);
  if (problem === null) return null;
  return {
    code: ATTRIBUTE_REASON.INVALID_PROPERTY,
    property: p.name,
    rule: problem,
    message:
      problem === TEXT_REASONS.NAME_NO_LETTER
        ? `${p.name}: has no letter; write the name in words.`
        : `${p.name}: holds an emoji or pictograph; write the name in letters only.`,
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

// Rules across properties of one record (the database has the same as CHECK constraints).
const CROSS_RULES: Readonly<Record<string, (v: Map<string, unknown>) => Reason | null>> = {
  plots: (v) => {
    const planted = v.get('planting_date');
    const harvest = v.get('expected_harvest');
    return typeof planted === 'string' && typeof harvest === 'string' && isDate(planted) && isDate(harvest) && harvest < planted
      ? {
          code: ATTRIBUTE_REASON.INVALID_PROPERTY,
          property: 'expected_harvest',
          message: 'expected_harvest must not be before planting_date.',
        }
      : null;
  },
  zones: (v) => {
    const min = v.get('min_floors');
    const max = v.get('max_floors');
    return typeof min === 'number' && typeof max === 'number' && min > max
      ? { code: ATTRIBUTE_REASON.INVALID_PROPERTY, property: 'min_floors', message: 'min_floors must not exceed max_floors.' }
      : null;
  },
  products: (v) =>
    v.get('producer_kind') !== 'household' && (v.get('producer_name') ?? null) === null
      ? {
          code: ATTRIBUTE_REASON.MISSING_PROPERTY,
          property: 'producer_name',
          message: 'producer_name is required for cooperatives and companies.',
        }
      : null,
};

/** Turns a Polygon into a one-part MultiPolygon and back, as the collection stores it. */
function normalizeGeometry(def: CollectionDef, geometry: Record<string, unknown>): Record<string, unknown> {
  const { type, coordinates } = geometry;
  if (def.geometry.type === 'MultiPolygon' && type === 'Polygon') return { type: 'MultiPolygon', coordinates: [coordinates] };
  if (def.geometry.type === 'Polygon' && type === 'MultiPolygon' && Array.isArray(coordinates) && coordinates.length === 1) {
    return { type: 'Polygon', coordinates: coordinates[0] };
  }
  return { type, coordinates };
}

/**
 * Reads a full feature document (create, replace, or a patched document) into column values and
 * a geometry. `current` holds the stored values of managed properties (null on create); their
 * changes are refused. Properties the server computes (area, version, names from joins) are ignored
 * so that a client can send back what it read.
 */
export function parseWrite(
  def: CollectionDef,
  doc: FeatureDocument,
  current: Record<string, unknown> | null,
  options: { geometryChanged: boolean },
): WriteInput {
  const reasons: Reason[] = [];
  const values = new Map<string, unknown>();
  const known = new Map(def.properties.map((p) => [p.name, p]));
  for (const name of Object.keys(doc.properties)) {
    if (!known.has(name)) {
      reasons.push({
        code: ATTRIBUTE_REASON.UNKNOWN_PROPERTY,
        property: name.slice(0, 100),
        message: `${name.slice(0, 100)} is not a property of ${def.id}.`,
      });
    }
  }
  for (const p of def.properties) {
    if (!p.column) continue;
    const given = doc.properties[p.name];
    if (p.managed) {
      const stored = current ? current[p.name] : (p.default ?? null);
      if (given !== undefined && given !== null && !same(given, stored)) {
        reasons.push({
          code: ATTRIBUTE_REASON.READ_ONLY_PROPERTY,
          property: p.name,
          message: `${p.name} changes through its own workflow, not by editing the feature.`,
        });
      }
      if (!current) values.set(p.column, p.default ?? null);
      continue;
    }
    const value = given === undefined || given === null ? (p.default ?? null) : given;
    if (value === null) {
      if (p.required) reasons.push({ code: ATTRIBUTE_REASON.MISSING_PROPERTY, property: p.name, message: `${p.name} is required.` });
      values.set(p.column, null);
      continue;
    }
    const problem = checkValue(p, value);
    if (problem) reasons.push(problem);
    values.set(p.column, value);
  }
  const cross = CROSS_RULES[def.id]?.(values);
  if (cross) reasons.push(cross);

  let geometry: WriteInput['geometry'];
  if (!def.geometry.writable || !options.geometryChanged) {
    geometry = undefined;
  } else if (doc.geometry === null || doc.geometry === undefined) {
    geometry = null;
    if (!def.geometry.nullable)
      reasons.push({ code: ATTRIBUTE_REASON.MISSING_GEOMETRY, message: `A ${def.geometry.type} geometry is required.` });
  } else if (!isObject(doc.geometry)) {
    geometry = null;
    reasons.push(...validateGeometry(doc.geometry).reasons);
  } else {
    geometry = normalizeGeometry(def, doc.geometry);
    reasons.push(...validateGeometry(geometry, { types: [def.geometry.type] }).reasons);
  }
  return { values, geometry, reasons };
}
