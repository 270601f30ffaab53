// Fastify's Ajv is built with `removeAdditional`: a body property its schema does not declare is
// dropped before the handler sees it. For the registry that turned a misspelt field into a silent
// default: `decided_on` instead of `decidedOn` on a lifecycle move recorded the decision as signed
// today. Routes that install this hook name such fields in a 400 instead, before validation, so
// nothing is written. The global Ajv options stay as they are: the OGC API and the imports rely on
// them (GDAL and QGIS send members of their own).
import type { RouteOptions, preValidationAsyncHookHandler } from 'fastify';
import { AppError } from './errors.ts';

/** The `reason` of the 400: a body member the endpoint does not take; `field` (the first), `fields` (up to 20). */
export const UNKNOWN_FIELD_REASON = 'unknown-field';

/** How many unknown fields the answer lists (a body of thousands of made-up members gets the first ones). */
export const MAX_LISTED_FIELDS = 20;

/** How much of a field's name the answer repeats (a 100,000-character name is cut, then "…"). */
export const MAX_FIELD_NAME = 64;

/** A body member the schema does not declare: its path (`inspection.checklist[0].okk`) and a declared name it may mean. */
export type UnknownField = { field: string; didYouMean?: string };

type SchemaNode = {
  type?: unknown;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: unknown;
  items?: unknown;
  maxItems?: unknown;
  anyOf?: unknown;
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

// The name as shown: control characters and quotes escaped (JSON's way), cut to MAX_FIELD_NAME.
function shownName(name: string): string {
  const cut = name.length > MAX_FIELD_NAME ? `${name.slice(0, MAX_FIELD_NAME)}…` : name;
  return JSON.stringify(cut).slice(1, -1);
}

// 'decided_on', 'DecidedOn', 'decided-on' all read as 'decidedon'.
const squashed = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, '');

function suggestion(name: string, declared: readonly string[]): string | undefined {
  const key = squashed(name);
  return key ? declared.find((d) => squashed(d) === key) : undefined;
}

// The branch of a union that describes a value of this kind (an object, an array), if any.
function branchFor(schema: SchemaNode, value: unknown): SchemaNode | undefined {
  if (!Array.isArray(schema.anyOf)) return undefined;
  const kind = Array.isArray(value) ? 'array' : isRecord(value) ? 'object' : undefined;
  return kind ? (schema.anyOf as SchemaNode[]).find((branch) => branch.type === kind) : undefined;
}

/**
 * The members of `value` that `schema` (a TypeBox/JSON schema) does not declare where it declares
 * `additionalProperties: false`, depth first, at most MAX_LISTED_FIELDS. A member of the wrong type
 * (an array where an object belongs) is left to the schema's own validation; so is an array longer
 * than its maxItems. Own keys only: `constructor` or `toString` are unknown like any other name.
 */
export function unknownFields(schema: unknown, value: unknown, path = '', found: UnknownField[] = []): UnknownField[] {
  if (found.length >= MAX_LISTED_FIELDS || !isRecord(schema)) return found;
  const node = schema as SchemaNode;
  const branch = branchFor(node, value);
  if (branch) return unknownFields(branch, value, path, found);
  if (node.type === 'object' && isRecord(value) && isRecord(node.properties)) {
    const properties = node.properties;
    const declared = Object.keys(properties);
    for (const key of Object.keys(value)) {
      if (found.length >= MAX_LISTED_FIELDS) break;
      const at = path ? `${path}.${shownName(key)}` : shownName(key);
      if (Object.hasOwn(properties, key)) unknownFields(properties[key], value[key], at, found);
      else if (node.additionalProperties === false) {
        const meant = suggestion(key, declared);
        found.push(meant ? { field: at, didYouMean: path ? `${path}.${meant}` : meant } : { field: at });
      }
    }
  } else if (node.type === 'array' && Array.isArray(value) && isRecord(node.items)) {
    if (typeof node.maxItems === 'number' && value.length > node.maxItems) return found;
    value.forEach((item, i) => unknownFields(node.items, item, `${path}[${i}]`, found));
  }
  return found;
}

/** The 400 naming the unknown fields: `unknown field 'decided_on' (did you mean 'decidedOn'?)`. */
export function unknownFieldsError(found: readonly UnknownField[]): AppError {
  const first = found[0]!;
  const named = found.map((f) => `'${f.field}'`).join(', ');
  const hint = first.didYouMean ? ` (did you mean '${first.didYouMean}'?)` : '';
  return new AppError(
    'BAD_REQUEST',
    `unknown field${found.length > 1 ? 's' : ''} ${named}${hint}: this endpoint takes only the fields it documents; nothing was written.`,
    {
      reason: UNKNOWN_FIELD_REASON,
      field: first.field,
      fields: found.map((f) => f.field),
      ...(first.didYouMean ? { didYouMean: first.didYouMean } : {}),
    },
  );
}

/**
 * An onRoute hook: every route declared after it in its scope that has a body schema refuses a body
 * with members the schema does not declare (400, `reason: unknown-field`) before the schema strips them.
 */
export function refuseUnknownBodyFields(route: RouteOptions): void {
  const schema = (route.schema as { body?: unknown } | undefined)?.body;
  if (!schema) return;
  const check: preValidationAsyncHookHandler = async (request) => {
    const found = unknownFields(schema, request.body);
    if (found.length) throw unknownFieldsError(found);
  };
  const existing =
    route.preValidation === undefined ? [] : Array.isArray(route.preValidation) ? route.preValidation : [route.preValidation];
  route.preValidation = [check, ...existing];
}
