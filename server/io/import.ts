import { createHash } from 'node:crypto';
import type { Geometry, Position } from 'geojson';
import { DONG_THAP_EXTENT, DONG_THAP_ZONES } from '../../data/crs/vn2000.ts';
import {
  FARMER_LINK_REASON,
  IMPORT_PROBLEM,
  NOT_TEXT_KIND,
  VALUE_RULE,
  type FarmerCellRule,
  type FarmerLinkReason,
  type ImportProblem,
  type ImportProblemCommon,
  type ImportProblemFacts,
  type ImportProblemOf,
  type ImportProgress,
  type ImportReport,
  type NotTextKind,
} from '../contracts/import.ts';
import type { Viewer } from '../contracts/viewer.ts';
import type { Db, Queryable } from '../db/index.ts';
import { withEdits } from '../db/edit-context.ts';
import { AppError } from '../plugins/errors.ts';
import { newLookupCode } from '../registry/farmers.service.ts';
import { AREA_STATUSES_RELEASING_PLOTS, lockAreas } from '../ogc/plot-areas.ts';
import { EDITABLE_STATUSES } from '../domain/growing-area-lifecycle.ts';
import { classifyGeosReason } from '../domain/geometry-fault.ts';
import { PLOT_OVERLAP_THRESHOLD_M2 } from '../domain/plot-validation.ts';
import { doneDateProblem, EARLIEST_DONE_DATE } from '../domain/done-date.ts';
import { nameProblem } from '../domain/registry-text.ts';
import { vietnamToday } from '../domain/vietnam-time.ts';
import { cropReason } from '../registry/growing-areas.service.ts';
import { parcelName } from '../domain/parcel-name.ts';
import { crsByCode, fromWgs84, toWgs84, withoutDatumShift, type CrsDefinition } from './crs.ts';
import { toWkb } from './formats/wkb.ts';
import { openSource, type OpenOptions } from './sources.ts';
import { autoMapping, FARMER_FIELDS, FARMER_IDENTITY, foldName, TARGETS, type Target, type TargetField } from './targets.ts';
import { DEFAULT_READ_LIMITS, type ReadLimits, type SourceFeature, type SourceLayer } from './types.ts';
import { IMPORT_SQL } from './import.sql.ts';

/** What the caller asks for. */
export type ImportOptions = {
  collection: Target['collection'];
  /** Validate and count, then roll back: the report of a real import without its writes. */
  dryRun: boolean;
  /** Make invalid geometry valid (ST_MakeValid) instead of refusing it. */
  repair?: boolean;
  /** Write nothing if any feature is refused (default: write the valid ones, report the rest). */
  strict?: boolean;
  /**
   * Let a row move the stored row its key names to where the row is, however far (a survey placed
   * wrongly, corrected). Without it such a row is refused (KEY_OF_ANOTHER_FEATURE): files that number
   * their rows from 1 share keys, and the second would move the first one's features.
   */
  relocate?: boolean;
  /** Target column → source field; '' leaves a column unmapped. */
  mapping?: Record<string, string>;
  /**
   * The file's column that keys the rows (plots, products, land-use areas): mapping's source_key by
   * another name, checked against the file's columns (an unknown one is a 400). The dry run of a file
   * no known key column keys names the columns that could (layers' keyCandidates).
   */
  key?: string;
  /** Values for columns the file lacks: commune_code, commune_ref_date, map_id, plan_id. */
  defaults?: Record<string, string | number>;
  /** Read options: crs, encoding, axis; datumShift=false reads VN-2000 "nội bộ" data without the shift. */
  read?: OpenOptions & { datumShift?: boolean };
  viewer: Viewer;
  /** Name shown in messages and in the edit log. */
  fileName: string;
  limits?: ReadLimits;
  /** Problems listed one by one in the report (all are counted). */
  maxProblems?: number;
  /** From this many features on, the row trigger is skipped: one edit-log row and one tile notification. */
  bulkThreshold?: number;
  onProgress?: (p: ImportProgress) => void;
  /**
   * Cancels the import (a job's DELETE, the CLI's Ctrl-C): checked before every statement and once
   * more before the commit, so the transaction rolls back and ABORTED is thrown. A statement running
   * when it comes is let finish first (the embedded database cannot interrupt one).
   */
  signal?: AbortSignal;
};

// The report's shape is the public contract (server/contracts/import.ts); re-exported for the CLI and jobs.
export type { ImportProgress, ImportReport } from '../contracts/import.ts';
/** One problem with one feature: where, the English sentence, and the facts of its code. */
export type FeatureProblem = ImportProblem;

class DryRun extends Error {}

const cancelled = () => new AppError('ABORTED', 'The import was cancelled; nothing was written.');

/**
 * The transaction, refusing every statement once the signal is aborted (the throw rolls it back).
 * Before each statement it lets the event loop turn once: the embedded database runs in this process
 * and its statements follow one another without a request being read in between, so the cancel (a
 * DELETE with the job's token) would only be read once the whole import had ended.
 */
function cancellable(tx: Queryable, signal: AbortSignal | undefined): Queryable {
  if (!signal) return tx;
  const check = async () => {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (signal.aborted) throw cancelled();
  };
  return {
    async query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]) {
      await check();
      return tx.query<R>(sql, params);
    },
    async exec(sql: string) {
      await check();
      return tx.exec(sql);
    },
  };
}

const BATCH = 2000;

type Reference = {
  landUse: Map<string, { legacy: boolean; mapsTo: string | null; note: string | null }>;
  crops: Map<string, string>;
  plans: Map<string, number>;
  planIds: Set<number>;
  maps: Set<number>;
  communeDates: Map<string, string>;
};

async function loadReference(q: Queryable): Promise<Reference> {
  // One after another: a transaction is one connection, which runs one statement at a time.
  const lu = await q.query<{ code: string; legacy: boolean; maps_to: string | null; note: string | null }>(IMPORT_SQL.landUseCodes);
  const crops = await q.query<{ code: string; name_vi: string; name_en: string }>(IMPORT_SQL.crops);
  const plans = await q.query<{ id: number; plan_code: string | null }>(IMPORT_SQL.plans);
  const maps = await q.query<{ id: number }>(IMPORT_SQL.maps);
  const units = await q.query<{ code: string; valid_from: string }>(IMPORT_SQL.communeDates);
  const cropMap = new Map<string, string>();
  for (const c of crops.rows) for (const n of [c.code, c.name_vi, c.name_en]) cropMap.set(foldName(n), c.code);
  return {
    landUse: new Map(lu.rows.map((r) => [r.code, { legacy: r.legacy, mapsTo: r.maps_to, note: r.note }])),
    crops: cropMap,
    plans: new Map(plans.rows.filter((p) => p.plan_code).map((p) => [p.plan_code!.trim().toUpperCase(), p.id])),
    planIds: new Set(plans.rows.map((p) => p.id)),
    maps: new Set(maps.rows.map((m) => m.id)),
    communeDates: new Map(units.rows.map((u) => [u.code, u.valid_from])),
  };
}

type BadValueFacts = Extract<ImportProblemFacts, { code: 'BAD_VALUE' }>;
// BAD_VALUE's facts of one rule, without what the caller knows (the column and its field).
type ValueError = (BadValueFacts extends infer F ? (F extends BadValueFacts ? Omit<F, 'code' | 'column' | 'field'> : never) : never) & {
  message: string;
};
type Coerced = {
  value: unknown;
  error?: ValueError;
  /** A text column's cell that is no text, left out (VALUE_LEFT_OUT), or refused where the row needs it. */
  notText?: NotTextKind;
  warning?: { legacyCode: string; currentCode: string; note: string | null; message: string };
};

/** The value as a fact: cut to 100 characters, a NUL written as \0 (jsonb holds no U+0000). */
const shown = (text: string) => text.slice(0, 100).replace(/\u0000/g, '\\0');

/** A name the registry keeps (a producer's): refused without a letter or with a pictograph ("HTX 🙂"). */
function checkedName(text: string, value: string): Coerced {
  const problem = nameProblem(text);
  if (problem === VALUE_RULE.NAME_NO_LETTER) return { value: null, error: { rule: problem, value, message: `"${text}" has no letter` } };
  if (problem === VALUE_RULE.NAME_PICTOGRAPH)
    return { value: null, error: { rule: problem, value, message: `"${text}" holds an emoji or pictograph` } };
  return { value: text };
}

/** The date of something done (a plot's planting): refused after today in Vietnam or before 1900. */
function checkedDoneDate(iso: string, value: string): Coerced {
  const problem = doneDateProblem(iso);
  if (problem === VALUE_RULE.DATE_IN_FUTURE) {
    const today = vietnamToday();
    return { value: null, error: { rule: problem, value, today, message: `${iso} is after today (${today} in Vietnam)` } };
  }
  if (problem === VALUE_RULE.DATE_TOO_EARLY)
    return {
      value: null,
      error: { rule: problem, value, earliest: EARLIEST_DONE_DATE, message: `${iso} is before ${EARLIEST_DONE_DATE}` },
    };
  return { value: iso };
}

/** What a cell that is no text is (true/false, an object, a list); null for text, a number or a date. */
export function notTextKind(raw: unknown): NotTextKind | null {
  if (typeof raw === 'boolean') return NOT_TEXT_KIND.BOOLEAN;
  if (Array.isArray(raw)) return NOT_TEXT_KIND.LIST;
  if (raw !== null && typeof raw === 'object' && !(raw instanceof Date)) return NOT_TEXT_KIND.OBJECT;
  return null;
}

function coerce(field: TargetField, raw: unknown, ref: Reference): Coerced {
  if (raw === null || raw === undefined || (typeof raw === 'string' && raw.trim() === '')) return { value: null };
  // A text column takes no true, object or list (never the words "[object Object]"); another column
  // takes no object or list (true may still be one of an enum's words).
  const kind = notTextKind(raw);
  if (kind && field.type.kind === 'text') return { value: null, notText: kind };
  if (kind && kind !== NOT_TEXT_KIND.BOOLEAN)
    return {
      value: null,
      error: { rule: VALUE_RULE.NOT_TEXT, value: kind, message: `the cell is ${kind === 'list' ? 'a list' : 'an object'}, not a value` },
    };
  const text = typeof raw === 'string' ? raw.trim() : String(raw);
  const value = shown(text);
  const t = field.type;
  switch (t.kind) {
    case 'text': {
      // PostgreSQL text (and jsonb, the staging format) cannot hold U+0000: refuse the value, not the import.
      if (text.includes('\u0000'))
        return {
          value: null,
          error: { rule: VALUE_RULE.NUL, value, message: `"${text.slice(0, 40).replace(/\u0000/g, '\\0')}…" contains a NUL character` },
        };
      if (t.max && text.length > t.max)
        return {
          value: null,
          error: {
            rule: VALUE_RULE.TOO_LONG,
            value,
            maxLength: t.max,
            message: `"${text.slice(0, 40)}…" is longer than ${t.max} characters`,
          },
        };
      if (t.pattern && !t.pattern.test(text))
        return {
          value: null,
          error: {
            rule: VALUE_RULE.PATTERN,
            value,
            pattern: t.pattern.source,
            message: `"${text}" is not valid (${t.patternHint ?? t.pattern.source})`,
          },
        };
      return field.meaning === 'name' ? checkedName(text, value) : { value: text };
    }
    case 'integer': {
      const n = Number(text.replace(',', '.'));
      if (!Number.isInteger(n))
        return { value: null, error: { rule: VALUE_RULE.INTEGER, value, message: `"${text}" is not a whole number` } };
      if (t.min !== undefined && n < t.min)
        return { value: null, error: { rule: VALUE_RULE.RANGE, value, min: t.min, max: null, message: `${n} is below ${t.min}` } };
      return { value: n };
    }
    case 'number': {
      const n = Number(/^-?\d+,\d+$/.test(text) ? text.replace(',', '.') : text);
      if (!Number.isFinite(n)) return { value: null, error: { rule: VALUE_RULE.NUMBER, value, message: `"${text}" is not a number` } };
      if ((t.min !== undefined && n < t.min) || (t.max !== undefined && n > t.max))
        return {
          value: null,
          error: {
            rule: VALUE_RULE.RANGE,
            value,
            min: t.min ?? null,
            max: t.max ?? null,
            message: `${n} is outside ${t.min ?? '−∞'}…${t.max ?? '∞'}`,
          },
        };
      return { value: n };
    }
    case 'date': {
      // ISO from GIS tools, dd/mm/yyyy from Vietnamese spreadsheets and certificates.
      let m = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
      let iso = m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
      m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text);
      if (!iso && m) iso = `${m[3]}-${m[2]!.padStart(2, '0')}-${m[1]!.padStart(2, '0')}`;
      if (!iso && /^\d{8}$/.test(text)) iso = `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}`;
      if (!iso || Number.isNaN(Date.parse(iso)) || new Date(iso).toISOString().slice(0, 10) !== iso)
        return { value: null, error: { rule: VALUE_RULE.DATE, value, message: `"${text}" is not a date (use YYYY-MM-DD or DD/MM/YYYY)` } };
      return field.meaning === 'done-date' ? checkedDoneDate(iso, value) : { value: iso };
    }
    case 'land_use': {
      const code = text.toUpperCase();
      const known = ref.landUse.get(code);
      if (!known)
        return {
          value: null,
          error: { rule: VALUE_RULE.LAND_USE, value, message: `land-use code "${text}" is not in the code list (Circular 08/2024)` },
        };
      if (known.legacy) {
        if (!known.mapsTo)
          return {
            value: null,
            error: {
              rule: VALUE_RULE.LEGACY_LAND_USE,
              value: code,
              note: known.note,
              message: `legacy land-use code ${code} has no single current code (${known.note ?? 'check the parcel'})`,
            },
          };
        return {
          value: known.mapsTo,
          warning: {
            legacyCode: code,
            currentCode: known.mapsTo,
            note: known.note,
            message: `legacy code ${code} mapped to ${known.mapsTo}${known.note ? ` (${known.note})` : ''}`,
          },
        };
      }
      return { value: code };
    }
    case 'crop': {
      const code = ref.crops.get(foldName(text));
      if (!code) return { value: null, error: { rule: VALUE_RULE.CROP, value, message: `crop "${text}" is not in the crop list` } };
      return { value: code };
    }
    case 'enum': {
      const v = t.values[foldName(text)];
      const allowed = [...new Set(Object.values(t.values))];
      if (!v)
        return {
          value: null,
          error: { rule: VALUE_RULE.CHOICE, value, allowed, message: `"${text}" is not one of ${allowed.join(', ')}` },
        };
      return { value: v };
    }
  }
}

// ---- geometry checks done in JS before PostGIS sees the feature (PostGIS refuses some outright) ----

function eachPosition(g: Geometry, fn: (p: Position) => void): void {
  if (g.type === 'GeometryCollection') return g.geometries.forEach((c) => eachPosition(c, fn));
  const walk = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') fn(c as Position);
    else if (Array.isArray(c)) c.forEach(walk);
  };
  walk(g.coordinates);
}

function mapPositions(g: Geometry, fn: (p: Position) => Position): Geometry {
  const walk = (c: unknown): unknown =>
    Array.isArray(c) && typeof c[0] === 'number' ? fn(c as Position) : Array.isArray(c) ? c.map(walk) : c;
  if (g.type === 'GeometryCollection') return { type: 'GeometryCollection', geometries: g.geometries.map((x) => mapPositions(x, fn)) };
  return { ...g, coordinates: walk(g.coordinates) } as Geometry;
}

type ShapeError = Extract<ImportProblemFacts, { code: 'BAD_RING' | 'WRONG_GEOMETRY_TYPE' }> & { message: string };

/** Fits a geometry to the target's type, or says why it cannot. */
function fitType(g: Geometry, kind: Target['geometry']): { geometry?: Geometry; error?: ShapeError } {
  const wrong = (parts: number | null, what: string): { error: ShapeError } => ({
    error: { code: IMPORT_PROBLEM.WRONG_GEOMETRY_TYPE, geometryType: g.type, expected: kind, parts, message: `the geometry is ${what}` },
  });
  if (kind === 'point') {
    if (g.type === 'Point') return { geometry: g };
    if (g.type === 'MultiPoint' && g.coordinates.length === 1) return { geometry: { type: 'Point', coordinates: g.coordinates[0]! } };
    return wrong(null, `a ${g.type} where a point is expected`);
  }
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : null;
  if (!polys) return wrong(null, `a ${g.type} where a polygon is expected`);
  if (polys.length === 0) return wrong(0, 'an empty geometry');
  for (const poly of polys) {
    for (const ring of poly) {
      if (ring.length < 4)
        return {
          error: {
            code: IMPORT_PROBLEM.BAD_RING,
            reason: 'too-few-points',
            points: ring.length,
            message: `the geometry is a ring with ${ring.length} points (a closed ring needs at least 4)`,
          },
        };
      const a = ring[0]!;
      const b = ring[ring.length - 1]!;
      if (a[0] !== b[0] || a[1] !== b[1])
        return {
          error: {
            code: IMPORT_PROBLEM.BAD_RING,
            reason: 'unclosed',
            first: a,
            last: b,
            message: `the geometry is an unclosed ring (first point ${a.join(', ')}, last ${b.join(', ')})`,
          },
        };
    }
  }
  if (kind === 'polygon') {
    if (polys.length > 1)
      return wrong(polys.length, `${polys.length} separate polygons where one plot is expected; split it into several plots`);
    return { geometry: { type: 'Polygon', coordinates: polys[0]! } };
  }
  return { geometry: { type: 'MultiPolygon', coordinates: polys } };
}

type StageRow = { n: number; layer: string; index: number; props: string; wkb: string; sx: number; sy: number };

/**
 * Imports one uploaded file into a collection: reads it as a stream, maps and validates every
 * feature (attributes in JS; validity, CRS guard and permissions in PostGIS on a staging table),
 * then upserts every valid feature by natural key in the same single transaction, which a dry run
 * rolls back. A crash or kill at any point leaves the database as it was.
 */
export async function runImport(db: Db, file: string, options: ImportOptions): Promise<ImportReport> {
  const target = TARGETS[options.collection];
  if (!target)
    throw new AppError('UNKNOWN_COLLECTION', `Cannot import into "${options.collection}"; use one of ${Object.keys(TARGETS).join(', ')}.`);
  const viewer = options.viewer;
  if (viewer.role === 'anonymous' || viewer.userId === null) throw new AppError('UNAUTHENTICATED', 'Sign in to import data.');
  if (!target.roles.includes(viewer.role)) {
    throw new AppError('FORBIDDEN', `Importing ${target.collection} needs the role ${target.roles.join(' or ')}; you are ${viewer.role}.`);
  }
  const keyField = options.key;
  if (keyField !== undefined) refuseKeyOption(target);
  // key=<column> is mapping's source_key by another name; an explicit mapping of source_key wins.
  const explicit = { ...(keyField !== undefined ? { source_key: keyField } : {}), ...(options.mapping ?? {}) };
  // Plots also read their farmer's columns (ChuHo, CCCD, SDT), mapped as the target's own.
  const mapped: Target = target.collection === 'plots' ? { ...target, fields: [...target.fields, ...FARMER_FIELDS] } : target;
  const limits = options.limits ?? DEFAULT_READ_LIMITS;
  const maxProblems = options.maxProblems ?? 1000;
  const read = options.read ?? {};
  const source = await openSource(file, options.fileName, read, limits);
  if (options.signal?.aborted) {
    await source.close();
    throw cancelled();
  }
  const report: ImportReport = {
    dryRun: options.dryRun,
    collection: target.collection,
    file: options.fileName,
    format: source.format,
    layers: [],
    counts: { read: 0, valid: 0, refused: 0, inserted: 0, updated: 0, unchanged: 0, warnings: 0 },
    problemCounts: {},
    problems: [],
    problemsOmitted: 0,
    preview: [],
    extent: null,
    warnings: [...source.warnings],
    committed: false,
  };
  const problem = (p: FeatureProblem) => {
    report.problemCounts[p.code] = (report.problemCounts[p.code] ?? 0) + 1;
    if (p.severity === 'warning') report.counts.warnings++;
    if (report.problems.length < maxProblems) report.problems.push(p);
    else report.problemsOmitted++;
  };
  const total = source.layers.reduce<number | null>((s, l) => (s === null || l.count === undefined ? null : s + l.count), 0);
  const progress = (phase: ImportProgress['phase']) => options.onProgress?.({ phase, read: report.counts.read, total });

  try {
    // A province-sized import runs statements longer than the pool's request timeout; it is one
    // transaction that a cancel or a kill rolls back, so it runs unbounded: the limit lifted for it alone.
    await withEdits(db, { userId: viewer.userId, origin: 'import', unbounded: true }, async (transaction) => {
      const tx = cancellable(transaction, options.signal);
      const ref = await loadReference(tx);
      await tx.query(IMPORT_SQL.createStage);
      const transforms = new Map<string, CrsDefinition>();
      let n = 0;
      const keys = new Map<string, { layer: string; index: number }>();
      let batch: StageRow[] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        await tx.query(IMPORT_SQL.insertStage, [
          batch.map((r) => r.n),
          batch.map((r) => r.layer),
          batch.map((r) => r.index),
          batch.map((r) => r.props),
          batch.map((r) => r.wkb),
          batch.map((r) => r.sx),
          batch.map((r) => r.sy),
          source.format === 'shapefile',
        ]);
        batch = [];
        progress('reading');
        if (options.signal?.aborted) throw cancelled();
      };

      for (const layer of source.layers) {
        const skip = layerSkip(layer, target);
        if (keyField !== undefined && !skip && layer.fields.length > 0 && !layer.fields.includes(keyField) && source.layers.length === 1)
          throw unknownKey(keyField, layer.fields);
        const mapping = autoMapping(mapped, layer.fields.length ? layer.fields : [], explicit);
        const info = {
          name: layer.name,
          crs: { code: layer.crs.definition.code, name: layer.crs.definition.name, matchedBy: layer.crs.matchedBy },
          ...(layer.encoding ? { encoding: layer.encoding } : {}),
          fields: layer.fields,
          mapping,
          unmappedRequired: [] as string[],
          features: 0,
          ...(skip ? { skipped: skip } : {}),
        } as ImportReport['layers'][number];
        report.layers.push(info);
        report.warnings.push(...layer.crs.warnings);
        if (skip) continue;
        let def = layer.crs.definition;
        if (read.datumShift === false) def = withoutDatumShift(def);
        transforms.set(layer.name, def);
        const project = toWgs84(def);
        let mappingChecked = layer.fields.length > 0;
        const schemaless = !mappingChecked;
        const seenFields = new Set<string>();
        let currentMapping = mapping;
        if (mappingChecked) info.unmappedRequired = missingRequired(target, mapping, options.defaults);
        const codes = new KeyCandidates(layer.fields);

        for await (const feature of layer.features()) {
          report.counts.read++;
          info.features++;
          // KML, GPX and GeoJSON reveal their fields with the features: map again when a new one appears.
          if (!mappingChecked || (schemaless && Object.keys(feature.properties).some((k) => !seenFields.has(k)))) {
            for (const k of Object.keys(feature.properties)) seenFields.add(k);
            info.fields = [...seenFields];
            currentMapping = autoMapping(mapped, info.fields, explicit);
            info.mapping = currentMapping;
            info.unmappedRequired = missingRequired(target, currentMapping, options.defaults);
            mappingChecked = true;
          }
          codes.see(feature.properties);
          const row = prepare(feature, layer.name, target, currentMapping, options.defaults ?? {}, ref, project, def, problem);
          if (!row) {
            report.counts.refused++;
            continue;
          }
          if (report.preview.length < 5)
            report.preview.push({ layer: layer.name, index: feature.index, values: row.values, geometryType: row.geometry.type });
          const key = naturalKey(target, row.values);
          const seen = keys.get(key);
          if (seen) {
            problem({
              layer: layer.name,
              index: feature.index,
              code: IMPORT_PROBLEM.DUPLICATE_KEY,
              key: Object.fromEntries(target.key.map((k) => [k, String(row.values[k] ?? '')])),
              firstLayer: seen.layer,
              firstIndex: seen.index,
              severity: 'error',
              message: `same ${target.key.join('/')} as feature ${seen.layer} #${seen.index} (${key}); only the first is imported`,
            });
            report.counts.refused++;
            continue;
          }
          keys.set(key, { layer: layer.name, index: feature.index });
          n++;
          batch.push({
            n,
            layer: layer.name,
            index: feature.index,
            props: JSON.stringify({ ...row.values, ...legacyProps(row.legacy), ...(row.farmer ? farmerProps(row.farmer) : {}) }),
            wkb: toWkb(row.geometry).toString('hex'),
            sx: row.sx,
            sy: row.sy,
          });
          if (batch.length >= BATCH) await flush();
        }
        if (target.key.includes('source_key') && !info.mapping.source_key && info.features >= 2) {
          const used = new Set(Object.values(info.mapping));
          info.keyCandidates = codes.found().filter((f) => !used.has(f));
        }
      }
      await flush();
      keys.clear();
      if (keyField !== undefined && !report.layers.some((l) => !l.skipped && l.fields.includes(keyField)))
        throw unknownKey(keyField, [...new Set(report.layers.flatMap((l) => l.fields))]);
      const unmapped = report.layers.flatMap((l) => l.unmappedRequired.map((c) => `${l.name}: ${c}`));
      if (unmapped.length > 0) {
        report.warnings.push(
          `Required columns with no source field: ${unmapped.join('; ')}. Map them (mapping={"column":"SourceField"}) or give a default.`,
        );
      }

      progress('validating');
      // Officers write inside their communes only; null for everyone else (admins write anywhere).
      const scope =
        target.communeScoped && viewer.role === 'officer'
          ? ((await tx.query<{ codes: string[] }>(IMPORT_SQL.officerScope, [viewer.communes])).rows[0]?.codes ?? [])
          : null;
      // Which stored row each row would write over, once, for every check and the write.
      await tx.query(IMPORT_SQL.matchByKey(target));
      if (target.key.includes('source_key')) await tx.query(IMPORT_SQL.matchById(target));
      await keepStoredLegacyCodes(tx, target, report);
      await validateInDb(tx, target, options, report, problem, transforms, scope);

      const { rows: validRows } = await tx.query<{ n: number }>(IMPORT_SQL.countValid);
      report.counts.valid = validRows[0]?.n ?? 0;
      const { rows: badRows } = await tx.query<{ n: number }>(IMPORT_SQL.countRefusedInDb);
      report.counts.refused += badRows[0]?.n ?? 0;

      if (options.strict && report.counts.refused > 0) {
        report.warnings.push(`Strict mode: ${report.counts.refused} feature(s) refused, so nothing was written.`);
        throw new DryRun();
      }
      if (target.collection === 'plots' && report.layers.some((l) => FARMER_IDENTITY.some((c) => c in l.mapping))) {
        report.farmers = await linkFarmers(tx, viewer, report, problem, maxProblems);
        // Counts only (no hamlet or address in the report), and only where the file has such a column.
        const fileHas = (column: string) => report.layers.some((l) => !l.skipped && column in l.mapping);
        if (!fileHas('farmer_hamlet')) delete report.farmers.createdWithHamlet;
        if (!fileHas('farmer_address')) delete report.farmers.createdWithAddress;
      }
      progress('writing');
      if (report.counts.valid > 0) await write(tx, target, options, report, scope);
      // The last chance: a cancel that came during the write rolls it back; after this the commit stands.
      if (options.signal?.aborted) throw cancelled();
      if (options.dryRun) throw new DryRun();
      report.committed = report.counts.inserted + report.counts.updated > 0;
    });
  } catch (error) {
    if (!(error instanceof DryRun)) throw error;
  } finally {
    await source.close();
  }
  report.problems.sort((a, b) => (a.layer === b.layer ? a.index - b.index : a.layer < b.layer ? -1 : 1));
  progress('done');
  return report;
}

/** The 400 of a key= for a collection not keyed by source_key (parcels, zoning lots). */
function refuseKeyOption(target: Target): void {
  if (!target.key.includes('source_key'))
    throw new AppError(
      'BAD_REQUEST',
      `key= names the column that keys plots, products and land-use areas; ${target.collection} are keyed by ${target.key.join(', ')}.`,
    );
}

/**
 * Checks key= against the file before a background import starts (POST /api/import?async=true), so
 * the request itself answers 400 as the synchronous check does, and no job is made: refused for a
 * collection keyed otherwise, or naming no column of the file's layers. Headers are read where the
 * format has them (shapefile, GeoPackage, CSV); a GeoJSON, KML or GPX names its columns with its
 * features, which are read until one has the column (the whole file only when none has it, as the
 * import would). A file that cannot be opened is refused as the import would refuse it.
 */
export async function checkKeyOption(file: string, options: ImportOptions): Promise<void> {
  const keyField = options.key;
  if (keyField === undefined) return;
  const target = TARGETS[options.collection];
  refuseKeyOption(target);
  const source = await openSource(file, options.fileName, options.read ?? {}, options.limits ?? DEFAULT_READ_LIMITS);
  try {
    const fields = new Set<string>();
    for (const layer of source.layers) {
      layer.fields.forEach((f) => fields.add(f));
      if (layerSkip(layer, target)) continue;
      if (layer.fields.length > 0) {
        if (layer.fields.includes(keyField)) return;
        continue;
      }
      for await (const feature of layer.features()) {
        if (Object.hasOwn(feature.properties, keyField)) return;
        for (const k of Object.keys(feature.properties)) fields.add(k);
      }
    }
    throw unknownKey(keyField, [...fields]);
  } finally {
    await source.close();
  }
}

/** The 400 of a key= naming no column of the file. */
function unknownKey(column: string, fields: readonly string[]): AppError {
  const listed = fields.slice(0, 30).map((f) => JSON.stringify(f));
  return new AppError(
    'BAD_REQUEST',
    `key=${JSON.stringify(column.slice(0, 100))} names no column of the file; its columns are ${listed.join(', ') || '(none)'}${fields.length > 30 ? ', …' : ''}.`,
  );
}

/** Columns unique without naming a plot: a centroid's coordinates some GIS exports add as attributes (VN-2000 metres are whole numbers), a shape as text. */
const NOT_A_CODE = new Set([
  'x',
  'y',
  'lon',
  'lng',
  'long',
  'lat',
  'longitude',
  'latitude',
  'kinhdo',
  'vido',
  'toadox',
  'toadoy',
  'wkt',
  'geom',
  'geometry',
]);

/** Rows past which a layer's columns are no longer watched for a key (memory: a value per row and column). */
const KEY_CANDIDATE_ROWS = 200_000;

/**
 * Watches a layer's columns for one that could key its rows, as a surveyor's plot code does: a value
 * on every row, no two alike, and no decimal number (an area or a coordinate is unique too, but
 * names nothing). A column the first row lacks (GeoJSON reveals its fields row by row) is not one.
 */
class KeyCandidates {
  private readonly seen = new Map<string, Set<string>>();
  private rows = 0;

  constructor(private readonly fields: readonly string[]) {}

  see(properties: Record<string, unknown>): void {
    this.rows++;
    if (this.rows === 1)
      for (const f of this.fields.length ? this.fields : Object.keys(properties))
        if (!NOT_A_CODE.has(foldName(f))) this.seen.set(f, new Set());
    if (this.rows > KEY_CANDIDATE_ROWS) return this.seen.clear();
    for (const [field, values] of this.seen) {
      const raw = properties[field];
      const text = raw === null || raw === undefined ? '' : String(raw).trim();
      const decimal = (typeof raw === 'number' && !Number.isInteger(raw)) || /^-?\d+[.,]\d*[1-9]\d*$/.test(text);
      if (text === '' || decimal || typeof raw === 'object' || values.has(text)) this.seen.delete(field);
      else values.add(text);
    }
  }

  /** The columns still fit to key the rows, in file order. */
  found(): string[] {
    return [...this.seen.keys()];
  }
}

function layerSkip(layer: SourceLayer, target: Target): string | undefined {
  const t = layer.geometryType;
  if (!t || t === 'GEOMETRY') return undefined;
  const polygonal = /POLYGON|SURFACE/.test(t);
  const point = /POINT/.test(t);
  if (target.geometry === 'point' ? !point : !polygonal)
    return `its geometry is ${t}; ${target.collection} takes ${target.geometry === 'point' ? 'points' : 'polygons'}`;
  return undefined;
}

function missingRequired(target: Target, mapping: Record<string, string>, defaults: ImportOptions['defaults']): string[] {
  return target.fields
    .filter((f) => f.required && !(f.column in mapping) && defaults?.[f.column] === undefined)
    .filter((f) => !(target.collection === 'parcels' && f.column === 'commune_ref_date'))
    .filter((f) => !(target.collection === 'landuse' && f.column === 'map_id' && defaults?.map_id !== undefined))
    .map((f) => f.column);
}

/** The legacy codes a row was given, staged beside its values under LEGACY_PREFIX + column (no table has such a column). */
function legacyProps(legacy: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(legacy).map(([column, code]) => [`${IMPORT_SQL.LEGACY_PREFIX}${column}`, code]));
}

function naturalKey(target: Target, values: Record<string, unknown>): string {
  const key = target.key.map((k) => String(values[k] ?? '')).join('|');
  // Two communes' plot 5 are two plots; the same code twice in one commune is a repeat.
  return target.keyScope === 'commune' ? `${String(values.commune_code ?? '')}|${key}` : key;
}

/** `legacy`: column → the legacy land-use code the file gave where `values` holds its current code. */
type Prepared = {
  values: Record<string, unknown>;
  legacy: Record<string, string>;
  geometry: Geometry;
  sx: number;
  sy: number;
  farmer?: FarmerCells;
};

const NOT_TEXT_WHAT: Record<NotTextKind, string> = { boolean: 'true/false', object: 'an object', list: 'a list' };

/** The warning of a text cell that is no text (true, an object, a list): where, which column, what it was; never the cell. */
function valueLeftOut(layer: string, index: number, column: string, field: string | null, kind: NotTextKind): FeatureProblem {
  return {
    layer,
    index,
    code: IMPORT_PROBLEM.VALUE_LEFT_OUT,
    column,
    field,
    rule: VALUE_RULE.NOT_TEXT,
    kind,
    severity: 'warning',
    message: `${column}${field ? ` (${field})` : ''} is left out: ${NOT_TEXT_WHAT[kind]} is not text; the row is imported without it`,
  };
}

function prepare(
  feature: SourceFeature,
  layer: string,
  target: Target,
  mapping: Record<string, string>,
  defaults: Record<string, string | number>,
  ref: Reference,
  project: (x: number, y: number) => [number, number],
  def: CrsDefinition,
  problem: (p: FeatureProblem) => void,
): Prepared | null {
  const errors: FeatureProblem[] = [];
  const err = (facts: ImportProblemFacts & { message: string }) =>
    errors.push({ layer, index: feature.index, severity: 'error', ...facts });
  if (feature.error) err({ code: IMPORT_PROBLEM.BAD_FEATURE, ...feature.error });
  const values: Record<string, unknown> = {};
  const legacy: Record<string, string> = {};
  // Said once the row is known to go on (a refused row's cells are not its problem).
  const notText: FeatureProblem[] = [];
  for (const field of target.fields) {
    const sourceName = mapping[field.column];
    const raw = sourceName !== undefined ? feature.properties[sourceName] : undefined;
    const fallback = defaults[field.column];
    const c = coerce(field, raw ?? fallback ?? null, ref);
    if (c.notText && (field.required || target.key.includes(field.column)))
      err({
        code: IMPORT_PROBLEM.BAD_VALUE,
        column: field.column,
        field: sourceName ?? null,
        rule: VALUE_RULE.NOT_TEXT,
        value: c.notText,
        message: `${field.column}${sourceName ? ` (${sourceName})` : ''}: ${NOT_TEXT_WHAT[c.notText]} is not text`,
      });
    else if (c.notText) notText.push(valueLeftOut(layer, feature.index, field.column, sourceName ?? null, c.notText));
    if (c.error) {
      const { message, ...facts } = c.error;
      err({
        code: IMPORT_PROBLEM.BAD_VALUE,
        column: field.column,
        field: sourceName ?? null,
        ...facts,
        message: `${field.column}${sourceName ? ` (${sourceName})` : ''}: ${message}`,
      });
    }
    if (c.warning) legacy[field.column] = c.warning.legacyCode;
    if (c.warning)
      problem({
        layer,
        index: feature.index,
        code: IMPORT_PROBLEM.LEGACY_LAND_USE,
        column: field.column,
        ...c.warning,
        severity: 'warning',
      });
    values[field.column] = c.value;
  }
  // Collection-specific resolution of keys the file may not carry itself.
  if (target.collection === 'parcels' && values.commune_ref_date === null && typeof values.commune_code === 'string') {
    const d = ref.communeDates.get(values.commune_code);
    if (d) values.commune_ref_date = d;
  }
  if (target.collection === 'zones') {
    const planId =
      defaults.plan_id !== undefined
        ? Number(defaults.plan_id)
        : typeof values.plan_code === 'string'
          ? ref.plans.get(values.plan_code.toUpperCase())
          : undefined;
    if (planId === undefined || !ref.planIds.has(planId)) {
      err({
        code: IMPORT_PROBLEM.UNKNOWN_PLAN,
        planCode: typeof values.plan_code === 'string' ? values.plan_code : null,
        planId: defaults.plan_id !== undefined ? Number(defaults.plan_id) : null,
        message: values.plan_code
          ? `plan maHoSoQH ${String(values.plan_code)} is not registered; create the plan first or pass plan=ID`
          : 'no plan: pass plan=ID or map maHoSoQH',
      });
    } else values.plan_id = planId;
    delete values.plan_code;
    // The column's default; an explicit NULL would break its NOT NULL.
    values.phase ??= 'existing';
  }
  if (target.collection === 'landuse' && typeof values.map_id === 'number' && !ref.maps.has(values.map_id))
    err({ code: IMPORT_PROBLEM.UNKNOWN_MAP, mapId: values.map_id, message: `land-use map ${values.map_id} does not exist` });
  // The tables' CHECK constraints, tested here so one bad row is reported instead of failing the whole write.
  // A producer_name refused above (too long, an emoji) is already that row's problem, not a missing one.
  if (
    target.collection === 'products' &&
    values.producer_kind !== 'household' &&
    values.producer_kind &&
    !values.producer_name &&
    !errors.some((e) => 'column' in e && e.column === 'producer_name')
  ) {
    err({
      code: IMPORT_PROBLEM.MISSING_FIELD,
      column: 'producer_name',
      field: mapping.producer_name ?? null,
      producerKind: String(values.producer_kind),
      message: `producer_name is required for a ${String(values.producer_kind)}`,
    });
  }
  if (
    target.collection === 'zones' &&
    typeof values.min_floors === 'number' &&
    typeof values.max_floors === 'number' &&
    values.min_floors > values.max_floors
  ) {
    err({
      code: IMPORT_PROBLEM.BAD_VALUE,
      rule: VALUE_RULE.ORDER,
      column: 'min_floors',
      field: null,
      value: String(values.min_floors),
      otherColumn: 'max_floors',
      otherValue: String(values.max_floors),
      message: `min_floors ${values.min_floors} is above max_floors ${values.max_floors}`,
    });
  }
  if (
    target.collection === 'plots' &&
    typeof values.planting_date === 'string' &&
    typeof values.expected_harvest === 'string' &&
    values.expected_harvest < values.planting_date
  ) {
    err({
      code: IMPORT_PROBLEM.BAD_VALUE,
      rule: VALUE_RULE.ORDER,
      column: 'expected_harvest',
      field: null,
      value: values.expected_harvest,
      otherColumn: 'planting_date',
      otherValue: values.planting_date,
      message: `expected_harvest ${values.expected_harvest} is before planting_date ${values.planting_date}`,
    });
  }
  for (const field of target.fields) {
    if (
      field.required &&
      (values[field.column] === null || values[field.column] === undefined) &&
      !errors.some((e) => 'column' in e && e.column === field.column)
    ) {
      // A parcel's reference date usually comes from the commune code: its sentence says how to give it.
      const refDate = target.collection === 'parcels' && field.column === 'commune_ref_date' && !mapping[field.column];
      err({
        code: IMPORT_PROBLEM.MISSING_FIELD,
        column: field.column,
        field: mapping[field.column] ?? null,
        message: refDate
          ? 'commune_ref_date is required (the date the commune code refers to); map it or pass communeDate=YYYY-MM-DD'
          : `${field.column} is required${mapping[field.column] ? ` (field ${mapping[field.column]} is empty)` : ' and no source field is mapped to it'}`,
      });
    }
  }

  let prepared: Prepared | null = null;
  const g = feature.geometry;
  if (!g) err({ code: IMPORT_PROBLEM.NO_GEOMETRY, message: 'the feature has no geometry' });
  else {
    let bad: Position | undefined;
    eachPosition(g, (p) => {
      if (!bad && (!Number.isFinite(p[0]) || !Number.isFinite(p[1]))) bad = p;
    });
    const first = firstPosition(g);
    if (bad || !first)
      err({
        code: IMPORT_PROBLEM.OUT_OF_RANGE,
        reason: 'not-a-number',
        coordinate: (bad ?? []).map((v) => (Number.isFinite(v) ? v : null)),
        crs: def.code,
        message: `coordinate ${bad ? bad.join(', ') : '(none)'} is not a number`,
      });
    else {
      let outside: Position | undefined;
      const projected = mapPositions(g, (p) => {
        const q = project(p[0]!, p[1]!);
        if (!outside && (!Number.isFinite(q[0]) || !Number.isFinite(q[1]) || Math.abs(q[0]) > 180 || Math.abs(q[1]) > 90)) outside = p;
        return q;
      });
      if (outside) {
        err({
          code: IMPORT_PROBLEM.OUT_OF_RANGE,
          reason: 'off-earth',
          coordinate: outside.slice(0, 2),
          crs: def.code,
          message: `coordinate (${outside.slice(0, 2).join(', ')}) in ${def.code} is not a place on Earth; check the coordinate system and the axis order`,
        });
      } else {
        const fit = fitType(projected, target.geometry);
        if (fit.error) err(fit.error);
        else {
          prepared = { values, legacy, geometry: fit.geometry!, sx: first[0]!, sy: first[1]! };
          if (target.collection === 'plots' && FARMER_IDENTITY.some((c) => c in mapping))
            prepared.farmer = farmerCells(
              FARMER_FIELDS.map((f) => (mapping[f.column] !== undefined ? feature.properties[mapping[f.column]!] : undefined)),
            );
        }
      }
    }
  }
  if (errors.length > 0) {
    errors.forEach(problem);
    return null;
  }
  notText.forEach(problem);
  for (const column of prepared?.farmer?.restored ?? [])
    problem({
      layer,
      index: feature.index,
      code: IMPORT_PROBLEM.LEADING_ZERO_RESTORED,
      column,
      field: mapping[column] ?? null,
      severity: 'warning',
      message: `the household head's ${column === 'farmer_phone' ? 'phone' : 'citizen ID'}${mapping[column] ? ` (field ${mapping[column]})` : ''} was a number without its leading 0; the 0 is put back`,
    });
  if (prepared && target.key.includes('source_key') && !prepared.values.source_key) {
    // No id in the file: the rounded geometry is the key, so re-importing the same file updates.
    prepared.values.source_key = `geom:${createHash('sha1')
      .update(JSON.stringify(mapPositions(prepared.geometry, (p) => [Math.round(p[0]! * 1e7), Math.round(p[1]! * 1e7)])))
      .digest('hex')
      .slice(0, 20)}`;
  }
  return prepared;
}

function firstPosition(g: Geometry): Position | undefined {
  let first: Position | undefined;
  eachPosition(g, (p) => {
    first ??= p;
  });
  return first;
}

// A stored row may hold a legacy land-use code (an old certificate's BHK, kept as registered); the
// importer maps a legacy code in a file to its current one (HNK). A row giving the very legacy code its
// stored row holds has not changed it: the stored code stays, and the row has no mapping to warn about
// (an unchanged export of such parcels, imported back, writes nothing).
async function keepStoredLegacyCodes(tx: Queryable, target: Target, report: ImportReport): Promise<void> {
  const kept = new Set<string>();
  for (const field of target.fields) {
    if (field.type.kind !== 'land_use') continue;
    const { rows } = await tx.query<{ layer: string; idx: number }>(IMPORT_SQL.keepStoredLegacyCode(target, field.column));
    for (const r of rows) kept.add(`${r.layer}\u0000${r.idx}\u0000${field.column}`);
  }
  if (kept.size === 0) return;
  const before = report.problems.length;
  report.problems = report.problems.filter(
    (p) => !(p.code === IMPORT_PROBLEM.LEGACY_LAND_USE && kept.has(`${p.layer}\u0000${p.index}\u0000${p.column}`)),
  );
  // Warnings past the listed ones are only counted; those are left as counted.
  const dropped = before - report.problems.length;
  report.counts.warnings -= dropped;
  const left = (report.problemCounts[IMPORT_PROBLEM.LEGACY_LAND_USE] ?? 0) - dropped;
  if (left > 0) report.problemCounts[IMPORT_PROBLEM.LEGACY_LAND_USE] = left;
  else delete report.problemCounts[IMPORT_PROBLEM.LEGACY_LAND_USE];
}

// ---- in-database validation: validity with location, the CRS guard, officers' communes ----

async function validateInDb(
  tx: Queryable,
  target: Target,
  options: ImportOptions,
  report: ImportReport,
  problem: (p: FeatureProblem) => void,
  transforms: Map<string, CrsDefinition>,
  scope: readonly string[] | null,
): Promise<void> {
  const maxList = options.maxProblems ?? 1000;
  if (options.repair) {
    const { rows } = await tx.query<{ layer: string; idx: number; reason: string; empty: boolean }>(
      IMPORT_SQL.repair(target.geometry === 'point' ? 1 : 3, target.geometry),
    );
    for (const r of rows) {
      // ST_IsValidReason puts GEOS's point in the text: "Self-intersection[105.63 10.46]".
      const { fault, at } = classifyGeosReason(r.reason);
      const location = at ? faultLocation(transforms.get(r.layer), at[0], at[1]) : undefined;
      const where = { layer: r.layer, index: r.idx, reason: r.reason, fault, ...(location ? { location } : {}) };
      problem(
        r.empty
          ? {
              ...where,
              code: IMPORT_PROBLEM.UNREPAIRABLE,
              expected: target.geometry,
              severity: 'error',
              message: `invalid geometry (${r.reason}); repair leaves no single valid ${target.geometry}`,
            }
          : {
              ...where,
              code: IMPORT_PROBLEM.REPAIRED,
              severity: 'warning',
              message: `geometry repaired with ST_MakeValid (${r.reason})`,
            },
      );
    }
  }
  await tx.query(IMPORT_SQL.markInvalid);
  const invalid = await tx.query<{ layer: string; idx: number; reason: string; lon: number | null; lat: number | null }>(
    IMPORT_SQL.listInvalid,
    [maxList],
  );
  await countStaged(tx, report, IMPORT_PROBLEM.INVALID_GEOMETRY, invalid.rows.length);
  for (const r of invalid.rows) {
    // ST_IsValidDetail gives the point apart ("Self-intersection" and POINT(105.63 10.46)); NaN for an invalid coordinate.
    const location = r.lon !== null && r.lat !== null ? faultLocation(transforms.get(r.layer), r.lon, r.lat) : undefined;
    problem({
      layer: r.layer,
      index: r.idx,
      code: IMPORT_PROBLEM.INVALID_GEOMETRY,
      reason: r.reason,
      fault: classifyGeosReason(r.reason).fault,
      severity: 'error',
      message: `invalid geometry: ${r.reason}${location ? ` at ${location.lon.toFixed(7)}, ${location.lat.toFixed(7)}` : ''}; fix it in the source or import with repair=true`,
      ...(location ? { location } : {}),
    });
  }

  // CRS guard: every feature must touch its commune (when the boundary is known) or the province.
  await tx.query(IMPORT_SQL.buildAreas, [DONG_THAP_EXTENT[0], DONG_THAP_EXTENT[1], DONG_THAP_EXTENT[2], DONG_THAP_EXTENT[3]]);
  await tx.query(IMPORT_SQL.markOutside);
  const outside = await tx.query<{ layer: string; idx: number; area: string; km: number; sx: number; sy: number; name: string | null }>(
    IMPORT_SQL.listOutside,
    [maxList],
  );
  if (outside.rows.length > 0) {
    await countStaged(tx, report, IMPORT_PROBLEM.OUTSIDE_AREA, outside.rows.length);
    const { diagnosis, mostlyInside } = await diagnose(tx, outside.rows, transforms);
    if (diagnosis) report.crsDiagnosis = diagnosis;
    const cause = diagnosis
      ? `: likely ${diagnosis.message} ${diagnosis.fix}`
      : mostlyInside
        ? '; most of the file lies inside its communes, so its coordinate system is not the cause: check where this feature is drawn and its commune code'
        : '; check the coordinate system of the file';
    for (const r of outside.rows) {
      const where = r.area === 'province' ? 'the province (Đồng Tháp)' : `commune ${r.area}`;
      problem({
        layer: r.layer,
        index: r.idx,
        code: IMPORT_PROBLEM.OUTSIDE_AREA,
        area: r.area === 'province' ? 'province' : 'commune',
        communeCode: r.area === 'province' ? null : r.area,
        communeName: r.area === 'province' ? null : r.name,
        distanceKm: r.km,
        severity: 'error',
        message: `lands ${r.km.toFixed(r.km < 1 ? 3 : 1)} km outside ${where}${cause}`,
      });
    }
  }

  if (scope) {
    // The stored row first: a row naming either commune must not change another commune's row.
    await refuseStoredOutsideScope(tx, target, options.viewer, scope, report, problem, maxList);
    await tx.query(IMPORT_SQL.markForeignCommune, [scope]);
    const { rows } = await tx.query<{ layer: string; idx: number; code: string | null; name: string | null }>(
      IMPORT_SQL.listForeignCommune,
      [maxList],
    );
    await countStaged(tx, report, IMPORT_PROBLEM.NOT_YOUR_COMMUNE, rows.length);
    for (const r of rows) {
      problem({
        layer: r.layer,
        index: r.idx,
        code: IMPORT_PROBLEM.NOT_YOUR_COMMUNE,
        communeCode: r.code,
        communeName: r.name,
        yourCommunes: [...options.viewer.communes],
        severity: 'error',
        message: `commune ${r.code} is not one you work in (${options.viewer.communes.join(', ') || 'none'})`,
      });
    }
  }

  // After the scope: a row over another commune's row is told so first, whatever its shape.
  if (target.key.includes('source_key') && !options.relocate) await refuseKeysOfOtherFeatures(tx, target, report, problem, maxList);

  if (target.collection === 'plots') {
    await refuseLockedPlots(tx, target, report, problem, maxList);
    await refuseCropChangesOfMembers(tx, report, problem, maxList);
    await refuseOverlappingPlots(tx, report, problem, maxList);
  }
  if (target.collection === 'parcels') await warnOverlappingParcels(tx, report, problem, maxList);
}

/**
 * Overlap of two parcels' interiors tolerated without a word, in m²: the plots' tolerance
 * (PLOT_OVERLAP_THRESHOLD_M2), about 2 cm along a 50 m boundary. Neighbours of one cadastral map
 * share their vertices and overlap by nothing; two surveys of one boundary (a re-survey beside the
 * old sheet) can differ by centimetres and leave a sliver: that is noise, while a parcel drawn twice
 * (the same sheet imported again under other numbers) overlaps by its whole area.
 */
export const PARCEL_OVERLAP_THRESHOLD_M2 = PLOT_OVERLAP_THRESHOLD_M2;

type ParcelOverlaps = { layer: string; idx: number } & Pick<ImportProblemOf<'PARCEL_OVERLAP'>, 'parcels' | 'rows'>;

// Land records may overlap for a while (a re-survey registered before the old parcels are retired),
// so unlike plots an overlapping parcel is not refused: the row is written and the report warns,
// naming each stored parcel by its sheet and number (tờ/thửa) with the commune of its survey (as
// parcelName names parcels everywhere) and each earlier row of the file,
// with the m², so the officer sees it in the check before writing.
async function warnOverlappingParcels(
  tx: Queryable,
  report: ImportReport,
  problem: (p: FeatureProblem) => void,
  maxList: number,
): Promise<void> {
  const found = new Map<number, ParcelOverlaps>();
  const entry = (n: number, layer: string, idx: number) => {
    let e = found.get(n);
    if (!e) found.set(n, (e = { layer, idx, parcels: [], rows: [] }));
    return e;
  };
  const stored = await tx.query<{
    n: number;
    layer: string;
    idx: number;
    parcel_id: number;
    commune_code: string;
    commune_name: string | null;
    commune_former: boolean | null;
    sheet: number;
    parcel_no: number;
    m2: number;
  }>(IMPORT_SQL.storedParcelOverlaps, [PARCEL_OVERLAP_THRESHOLD_M2]);
  for (const r of stored.rows) {
    entry(r.n, r.layer, r.idx).parcels.push({
      id: Number(r.parcel_id),
      communeCode: r.commune_code,
      communeName: r.commune_name,
      communeFormer: r.commune_former,
      sheet: Number(r.sheet),
      parcelNo: Number(r.parcel_no),
      m2: roundM2(r.m2),
    });
  }
  await tx.query(IMPORT_SQL.indexStage);
  const pairs = await tx.query<{ later: number; first_layer: string; first_idx: number; layer: string; idx: number; m2: number }>(
    IMPORT_SQL.parcelRowOverlaps,
    [PARCEL_OVERLAP_THRESHOLD_M2],
  );
  // Every row is written, so every pair counts (unlike plots, where a refused row takes no room).
  for (const p of pairs.rows) entry(p.later, p.layer, p.idx).rows.push({ layer: p.first_layer, index: p.first_idx, m2: roundM2(p.m2) });
  if (found.size === 0) return;
  const code = IMPORT_PROBLEM.PARCEL_OVERLAP;
  const numbers = [...found.keys()].sort((a, b) => a - b);
  const listed = Math.min(numbers.length, maxList);
  countBeyond(report, code, numbers.length, listed);
  report.counts.warnings += numbers.length - listed;
  for (const n of numbers.slice(0, maxList)) {
    const e = found.get(n)!;
    const parcels = e.parcels.slice(0, 10);
    const rows = e.rows.slice(0, 10);
    const named = [
      ...parcels.map(
        (o) =>
          `${parcelName({ sheet: o.sheet, parcel: o.parcelNo, commune: o.communeCode, communeName: o.communeName, communeFormer: o.communeFormer }, 'en')} (${o.m2} m²)`,
      ),
      ...rows.map((o) => `${o.layer} #${o.index} of this file (${o.m2} m²)`),
    ];
    problem({
      layer: e.layer,
      index: e.idx,
      code,
      parcels,
      rows,
      thresholdM2: PARCEL_OVERLAP_THRESHOLD_M2,
      severity: 'warning',
      message: `overlaps ${named.join(', ')} by more than ${PARCEL_OVERLAP_THRESHOLD_M2} m²: two parcels on one piece of land (a re-survey, or the same parcels under other numbers); imported all the same, check it`,
    });
  }
}

type Overlaps = { plots: { id: number; m2: number }[]; rows: { layer: string; index: number; m2: number }[] };

// Plots do not overlap: the features API and the editor refuse a plot over another by more than
// PLOT_OVERLAP_THRESHOLD_M2, and so does the importer, row by row, so a survey file cannot bring in
// what an officer could not draw. Against the stored plots first; then among the file's rows, in
// file order: a row is kept unless it overlaps an earlier row that is kept (the first one drawn wins,
// as the editor would have let only the first be saved).
async function refuseOverlappingPlots(
  tx: Queryable,
  report: ImportReport,
  problem: (p: FeatureProblem) => void,
  maxList: number,
): Promise<void> {
  const found = new Map<number, Overlaps & { layer: string; idx: number }>();
  const entry = (n: number, layer: string, idx: number) => {
    let e = found.get(n);
    if (!e) found.set(n, (e = { layer, idx, plots: [], rows: [] }));
    return e;
  };
  const stored = await tx.query<{ n: number; layer: string; idx: number; plot_id: number; m2: number }>(IMPORT_SQL.storedPlotOverlaps, [
    PLOT_OVERLAP_THRESHOLD_M2,
  ]);
  for (const r of stored.rows) entry(r.n, r.layer, r.idx).plots.push({ id: Number(r.plot_id), m2: roundM2(r.m2) });

  await tx.query(IMPORT_SQL.indexStage);
  const pairs = await tx.query<{
    first: number;
    later: number;
    first_layer: string;
    first_idx: number;
    layer: string;
    idx: number;
    m2: number;
  }>(IMPORT_SQL.rowOverlaps, [PLOT_OVERLAP_THRESHOLD_M2]);
  // Rows refused against the stored plots are not written, so they take no room from later rows.
  const refused = new Set(found.keys());
  for (const p of pairs.rows) {
    // Pairs come by later row, so whether the earlier one is kept is settled when it is read.
    if (refused.has(p.first)) continue;
    refused.add(p.later);
    entry(p.later, p.layer, p.idx).rows.push({ layer: p.first_layer, index: p.first_idx, m2: roundM2(p.m2) });
  }
  if (found.size === 0) return;
  const code = IMPORT_PROBLEM.PLOT_OVERLAP;
  const numbers = [...found.keys()].sort((a, b) => a - b);
  await tx.query(IMPORT_SQL.markRows, [numbers, code]);
  countBeyond(report, code, numbers.length, Math.min(numbers.length, maxList));
  for (const n of numbers.slice(0, maxList)) {
    const e = found.get(n)!;
    const named = [
      ...e.plots.slice(0, 10).map((o) => `plot ${o.id} (${o.m2} m²)`),
      ...e.rows.slice(0, 10).map((o) => `${o.layer} #${o.index} of this file (${o.m2} m²)`),
    ];
    problem({
      layer: e.layer,
      index: e.idx,
      code,
      plots: e.plots.slice(0, 10),
      rows: e.rows.slice(0, 10),
      thresholdM2: PLOT_OVERLAP_THRESHOLD_M2,
      severity: 'error',
      message: `overlaps ${named.join(', ')} by more than ${PLOT_OVERLAP_THRESHOLD_M2} m²: plots may not overlap (fix the boundary in the source); not imported`,
    });
  }
}

const roundM2 = (m2: number) => Math.round(Number(m2) * 10) / 10;

// Rows are matched to stored rows by natural key alone (plots and products by source_key), so an
// officer's row naming their commune could carry the key of another commune's row and the update
// would change it, or move it into their commune. Such rows are refused one by one, as the registry
// and the features API refuse an officer's edit of another commune's record. Parcels need no join:
// their key holds the commune, which markForeignCommune checks on the row itself.
async function refuseStoredOutsideScope(
  tx: Queryable,
  target: Target,
  viewer: Viewer,
  scope: readonly string[],
  report: ImportReport,
  problem: (p: FeatureProblem) => void,
  maxList: number,
): Promise<void> {
  if (target.key.includes('commune_code')) return;
  await tx.query(IMPORT_SQL.markStoredOutsideScope(target), [scope]);
  await reportMarked<{ stored_id: number; code: string; name: string | null }>(
    tx,
    report,
    problem,
    IMPORT_SQL.listStoredOutsideScope,
    maxList,
    (r) => ({
      code: IMPORT_PROBLEM.STORED_ROW_OUTSIDE_SCOPE,
      collection: target.collection,
      storedId: r.stored_id,
      communeCode: r.code,
      communeName: r.name,
      yourCommunes: [...viewer.communes],
      severity: 'error',
      message: `its ${target.key.join('/')} is that of ${target.collection} ${r.stored_id} of commune ${r.code}${r.name ? ` (${r.name})` : ''}, which is not one you work in (${viewer.communes.join(', ') || 'none'}): an import changes only rows of your communes; not imported`,
    }),
  );
}

/**
 * Lists the rows a mark query refused (`listSql`: their layer, idx and the facts, at most $1 of
 * them), counts them all under the problem's code and reports each as `describe` words it.
 */
async function reportMarked<R>(
  tx: Queryable,
  report: ImportReport,
  problem: (p: FeatureProblem) => void,
  listSql: string,
  maxList: number,
  describe: (row: R) => Omit<ImportProblemCommon, 'layer' | 'index'> & ImportProblemFacts,
): Promise<void> {
  const { rows } = await tx.query<R & { layer: string; idx: number }>(listSql, [maxList]);
  if (rows.length === 0) return;
  const first = describe(rows[0]!);
  await countStaged(tx, report, first.code, rows.length);
  for (const r of rows) problem({ layer: r.layer, index: r.idx, ...describe(r) } as FeatureProblem);
}

// Plots, products and land-use areas are matched to stored rows by source key alone, and files number
// their rows from 1 (OBJECTID, FID, SoThua): a second survey's row 5 would overwrite, and move, the
// first survey's row 5. A row whose key names a stored row its shape does not meet is refused,
// with the stored row and how far it is; a corrected boundary still meets its row and updates it.
async function refuseKeysOfOtherFeatures(
  tx: Queryable,
  target: Target,
  report: ImportReport,
  problem: (p: FeatureProblem) => void,
  maxList: number,
): Promise<void> {
  await tx.query(IMPORT_SQL.markKeyOfAnother(target));
  await reportMarked<{ stored_id: number; distance: number; key: string }>(
    tx,
    report,
    problem,
    IMPORT_SQL.listKeyOfAnother,
    maxList,
    (r) => ({
      code: IMPORT_PROBLEM.KEY_OF_ANOTHER_FEATURE,
      collection: target.collection,
      storedId: r.stored_id,
      key: r.key,
      distanceM: r.distance,
      severity: 'error',
      message: `its source_key ${JSON.stringify(r.key)} is that of ${target.collection} ${r.stored_id}, ${Math.round(r.distance)} m away, which this row does not cover: it is another feature, not a correction of it (files that number their rows from 1 share keys); key the file by a column unique to it, or leave the key out (or, to move the stored ${target.collection} where the file has them, import with relocate=true); not imported`,
    }),
  );
}

// The importer reads no growing-area or farmer column (an export's growing_area_id and
// growing_area_code are for people: an import never puts a plot into an area, takes it out of one or
// moves it between farmers; the registry does, under its rules); but a re-import
// can change the crop of a stored plot of a draft, which the registry refuses (one area, one crop:
// cropReason, the rule of its "add plots" and of the features API). Such rows are refused one by
// one. The areas were locked by refuseLockedPlots, before the plots, as everywhere.
async function refuseCropChangesOfMembers(
  tx: Queryable,
  report: ImportReport,
  problem: (p: FeatureProblem) => void,
  maxList: number,
): Promise<void> {
  const { rows } = await tx.query<{
    n: number;
    layer: string;
    idx: number;
    plot_id: number;
    crop: string;
    area_id: number;
    area_crop: string;
  }>(IMPORT_SQL.memberCropChanges, [EDITABLE_STATUSES]);
  const refused = rows.filter((r) => cropReason({ id: r.area_id, crop: r.area_crop }, { id: r.plot_id, crop: r.crop }) !== null);
  if (refused.length === 0) return;
  const code = IMPORT_PROBLEM.PLOT_CROP_MISMATCH;
  await tx.query(IMPORT_SQL.markRows, [refused.map((r) => r.n), code]);
  countBeyond(report, code, refused.length, Math.min(refused.length, maxList));
  for (const r of refused.slice(0, maxList)) {
    problem({
      layer: r.layer,
      index: r.idx,
      code,
      plotId: r.plot_id,
      plotCrop: r.crop,
      areaId: r.area_id,
      areaCrop: r.area_crop,
      severity: 'error',
      message: `would change the crop of plot ${r.plot_id} to ${r.crop}, but it belongs to draft growing area ${r.area_id}, which grows ${r.area_crop} (one area, one crop: take the plot out of the area first); not imported`,
    });
  }
}

// A stored plot of a growing area under review or with a code in force changes only through the
// registry (server/ogc/plot-areas.ts): a row that would change one is refused, one identical to it
// passes as unchanged. Areas are locked before the plots, in the registry's order, so no transition
// slips between this check and the write.
async function refuseLockedPlots(
  tx: Queryable,
  target: Target,
  report: ImportReport,
  problem: (p: FeatureProblem) => void,
  maxList: number,
): Promise<void> {
  const before = await tx.query<{ id: number }>(IMPORT_SQL.areasOfStoredPlots);
  const areas = await lockAreas(
    tx,
    before.rows.map((r) => r.id),
  );
  const now = await tx.query<{ id: number }>(IMPORT_SQL.lockStoredPlots);
  // A plot moved to another area between the two reads: that area is locked now (rare).
  await lockAreas(
    tx,
    now.rows.map((r) => r.id),
    areas,
  );
  await tx.query(IMPORT_SQL.markLockedPlots(target), [AREA_STATUSES_RELEASING_PLOTS]);
  const { rows } = await tx.query<{ layer: string; idx: number; plot_id: number; area_id: number; status: string }>(
    IMPORT_SQL.listLockedPlots,
    [maxList],
  );
  if (rows.length === 0) return;
  await countStaged(tx, report, IMPORT_PROBLEM.PLOT_IN_LOCKED_AREA, rows.length);
  for (const r of rows) {
    problem({
      layer: r.layer,
      index: r.idx,
      code: IMPORT_PROBLEM.PLOT_IN_LOCKED_AREA,
      plotId: r.plot_id,
      areaId: r.area_id,
      areaStatus: r.status,
      severity: 'error',
      message: `would change plot ${r.plot_id}, which belongs to growing area ${r.area_id} (${r.status}): its plots change only while the area is a draft (send the dossier back to draft, or re-issue the code); not imported`,
    });
  }
}

/** Counts the staged rows marked with code beyond the `listed` ones the report names. */
async function countStaged(tx: Queryable, report: ImportReport, code: string, listed: number): Promise<void> {
  const { rows } = await tx.query<{ n: number }>(IMPORT_SQL.countCode, [code]);
  countBeyond(report, code, rows[0]?.n ?? 0, listed);
}

// Problems past the listed ones are still counted, without holding a million messages in memory.
function countBeyond(report: ImportReport, code: string, total: number, listed: number): void {
  const extra = Math.max(0, total - listed);
  if (extra === 0) return;
  report.problemCounts[code] = (report.problemCounts[code] ?? 0) + extra;
  report.problemsOmitted += extra;
}

/** Where GEOS found a fault, in WGS 84 and in the file's CRS; undefined for a point that is not finite. */
function faultLocation(def: CrsDefinition | undefined, lon: number, lat: number): ImportProblemCommon['location'] {
  if (!Number.isFinite(lon) || !Number.isFinite(lat)) return undefined;
  return { lon, lat, ...(def ? { source: sourcePoint(def, lon, lat) } : {}) };
}

function sourcePoint(def: CrsDefinition, lon: number, lat: number): [number, number] {
  const [x, y] = fromWgs84(def)(lon, lat);
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return def.northingFirst ? [round(y), round(x)] : [round(x), round(y)];
}

type Candidate = {
  cause: NonNullable<ImportReport['crsDiagnosis']>['cause'];
  def: CrsDefinition;
  swap: boolean;
  label: string;
  fix: string;
};

function candidates(def: CrsDefinition): Candidate[] {
  const out: Candidate[] = [];
  if (def.kind === 'vn2000-tm3' || def.kind === 'vn2000-utm') {
    for (const code of [...DONG_THAP_ZONES, 'EPSG:9209', 'EPSG:9211', 'EPSG:3405']) {
      const other = crsByCode(code)!;
      if (other.code === def.code || other.centralMeridian === def.centralMeridian) continue;
      out.push({
        cause: 'wrong_zone',
        def: other,
        swap: false,
        label: `the wrong zone: the data is in ${other.code} (${other.name}, central meridian ${other.centralMeridian}°) but was read as ${def.code} (central meridian ${def.centralMeridian}°);`,
        fix: `Re-import with crs=${other.code}.`,
      });
    }
    out.push({
      cause: 'missing_datum_shift',
      def: withoutDatumShift(def),
      swap: false,
      label: 'a missing datum shift ("VN-2000 nội bộ", about 226 m off): the coordinates were made without the VN-2000 → WGS 84 shift;',
      fix: 'Re-import with datumShift=false, or have the surveyor export with the EPSG:6960 shift.',
    });
  }
  if (def.code.endsWith('without shift')) {
    const base = crsByCode(def.code.replace(' without shift', ''));
    if (base)
      out.push({
        cause: 'extra_datum_shift',
        def: base,
        swap: false,
        label: 'that the data does have the datum shift;',
        fix: 'Re-import without datumShift=false.',
      });
  }
  out.push({
    cause: 'swapped_axes',
    def,
    swap: true,
    label: 'swapped axes: X and Y (northing and easting, or latitude and longitude) are exchanged;',
    fix: 'Re-import with axis=en (or axis=ne), or swap the columns.',
  });
  return out;
}

/** How many refused and accepted rows the diagnosis tries each reading on. */
const DIAGNOSIS_SAMPLE = 50;
/** The share of the accepted rows a reading may move out of their area and still be advised (a stray vertex). */
const DIAGNOSIS_MAX_LOST = 0.05;

/**
 * The likely misreading behind rows outside their area, judged on the whole file. A wrong CRS, a
 * missing datum shift or swapped axes moves every feature, so a reading is advised only when (1) most
 * of the located rows are outside under the current one, (2) it brings at least half of the sampled
 * outside rows into their areas and (3) it keeps all but 5 % of the sampled accepted rows in theirs.
 * A file mostly inside its communes is read right: its outside rows are misplaced themselves (a plot
 * drawn over the boundary), and a shift that happens to pull them in would move every correct one.
 */
async function diagnose(
  tx: Queryable,
  refused: ReadonlyArray<{ layer: string; area: string; sx: number; sy: number }>,
  transforms: Map<string, CrsDefinition>,
): Promise<{ diagnosis?: ImportReport['crsDiagnosis']; mostlyInside: boolean }> {
  const { rows: counted } = await tx.query<{ inside: number; outside: number }>(IMPORT_SQL.countLocated);
  const located = counted[0] ?? { inside: 0, outside: 0 };
  if (located.outside * 2 <= located.inside + located.outside) return { mostlyInside: true };
  const def = transforms.get(refused[0]!.layer);
  if (!def) return { mostlyInside: false };
  // Readings are tried on the rows read with this definition (a file's layers may carry others).
  const sameReading = (r: { layer: string }) => transforms.get(r.layer)?.code === def.code;
  const sample = refused.filter(sameReading).slice(0, DIAGNOSIS_SAMPLE);
  const { rows: accepted } = await tx.query<{ layer: string; area: string; sx: number; sy: number }>(IMPORT_SQL.sampleInside, [
    DIAGNOSIS_SAMPLE,
  ]);
  const inside = async (reading: { def: CrsDefinition; swap: boolean }, rows: ReadonlyArray<{ area: string; sx: number; sy: number }>) => {
    const f = toWgs84(reading.def);
    const pts = rows.map((r) => (reading.swap ? f(r.sy, r.sx) : f(r.sx, r.sy)));
    const finite = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v : null);
    const { rows: hit } = await tx.query<{ inside: boolean[] }>(IMPORT_SQL.pointsInAreas, [
      rows.map((r) => r.area),
      pts.map((p) => finite(p[0])),
      pts.map((p) => finite(p[1])),
    ]);
    return hit[0]?.inside ?? [];
  };
  // The accepted rows whose first vertex is in its area now (a row touching its area may start outside it).
  const now = await inside({ def, swap: false }, accepted.filter(sameReading));
  const anchors = accepted.filter(sameReading).filter((_, i) => now[i] === true);
  const maxLost = Math.floor(anchors.length * DIAGNOSIS_MAX_LOST);
  let best: { c: Candidate; fixed: number } | undefined;
  for (const c of candidates(def)) {
    const fixed = (await inside(c, sample)).filter(Boolean).length;
    if (fixed < Math.ceil(sample.length / 2) || fixed <= (best?.fixed ?? 0)) continue;
    const kept = anchors.length === 0 ? 0 : (await inside(c, anchors)).filter(Boolean).length;
    if (anchors.length - kept > maxLost) continue;
    best = { c, fixed };
  }
  if (!best) return { mostlyInside: false };
  return {
    mostlyInside: false,
    diagnosis: {
      cause: best.c.cause,
      message: best.c.label,
      fix: best.c.fix,
      ...(best.c.cause === 'wrong_zone' ? { crs: best.c.def.code } : {}),
    },
  };
}

// ---- farmers: each imported plot linked to the household head its row names ----

/**
 * A row's farmer cells as the import uses them: the name with single spaces, the citizen ID and the
 * phone as digits (+84 as 0), or the reason the row cannot name anyone by them (a CCCD with a
 * letter, a name of 5,000 characters). `given`: some cell holds something.
 */
export type FarmerCells = {
  given: boolean;
  name: string | null;
  citizenId: string | null;
  phone: string | null;
  /** Where the household lives (trimmed, within the registry's caps), for a farmer the import registers. */
  hamlet: string | null;
  address: string | null;
  problem?: { reason: FarmerLinkReason; rule?: string };
  /** The hamlet or address cells left out, and why: they never stop the row naming its farmer. */
  leftOut: FarmerCellLeftOut[];
  /** The citizen ID or phone given as a number whose lost leading 0 was put back (LEADING_ZERO_RESTORED). */
  restored: Array<'farmer_citizen_id' | 'farmer_phone'>;
};

/** A CCCD: 12 digits, the first three its province code, 001–096 (domain/public-note.ts reads it so too). */
const CCCD = /^0(?:0[1-9]|[1-8]\d|9[0-6])\d{9}$/;
/** A Vietnamese phone: a mobile 03/05/07/08/09 and 8 digits, a landline 02 and 9 digits. */
const VN_PHONE = /^0(?:[35789]\d{8}|2\d{9})$/;

/**
 * A citizen ID or phone a spreadsheet or a DBF kept as a number has lost its leading zeros (087…
 * became 87…): the digits with them put back when that makes a well-formed CCCD (12 digits) or phone,
 * else null. Text is never touched: only a whole number can have lost them.
 */
export function withLeadingZeros(raw: unknown, column: 'farmer_citizen_id' | 'farmer_phone'): string | null {
  if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw <= 0) return null;
  const digits = String(raw);
  if (column === 'farmer_citizen_id') {
    const id = digits.padStart(12, '0');
    return digits.length < 12 && CCCD.test(id) ? id : null;
  }
  const phone = `0${digits}`;
  return VN_PHONE.test(phone) ? phone : null;
}

/** A hamlet or address cell the registry could not keep (FARMER_CELL_LEFT_OUT's facts). */
export type FarmerCellLeftOut = { column: 'farmer_hamlet' | 'farmer_address'; rule: FarmerCellRule };

/** A phone as digits, +84 written as the leading 0; null for no phone. (import.sql.ts PHONE_DIGITS is its twin.) */
export function phoneDigits(text: string): string | null {
  const digits = text.replace(/[^0-9]/g, '').replace(/^84(\d{9})$/, '0$1');
  return digits === '' ? null : digits;
}

/** The farmers API's cap of a farmer column (FARMER_FIELDS). */
const farmerMax = (column: string) => (FARMER_FIELDS.find((f) => f.column === column)!.type as { max: number }).max;

/** A cell as text: a string trimmed, a number as written; null for anything else (true, an object, a list). */
function cellText(v: unknown): string | null {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

/**
 * Why a hamlet or address cannot be kept as the registry keeps it, or its one line of text: line
 * breaks and tabs are spaces; another control character, a NUL, more than the cap or a cell that is
 * no text (true, an object) is refused.
 */
function placeCell(raw: unknown, column: FarmerCellLeftOut['column']): { text: string | null } | { rule: FarmerCellRule } {
  const cell = cellText(raw);
  if (cell === null) return { rule: VALUE_RULE.NOT_TEXT };
  const text = cell.replace(/\s+/g, ' ');
  if (text === '') return { text: null };
  if (text.includes('\u0000')) return { rule: VALUE_RULE.NUL };
  if (/\p{Cc}/u.test(text)) return { rule: VALUE_RULE.CONTROL };
  if (text.length > farmerMax(column)) return { rule: VALUE_RULE.TOO_LONG };
  return { text };
}

/**
 * Reads [name, citizen ID, phone, hamlet, address] cells (FARMER_FIELDS' order) as the import links
 * and registers farmers by them. A name, citizen ID or phone that is none (a CCCD with a letter, a
 * name of 5,000 characters, true) leaves the row naming no one. A hamlet or address that the registry
 * would refuse (longer than its cap, a control character, no text) is left out alone: the farmer is
 * linked or registered without it, and the report says which cell and why (FARMER_CELL_LEFT_OUT).
 * A citizen ID or phone given as a number gets back the leading 0 it lost (withLeadingZeros), and
 * `restored` says which, for the report (LEADING_ZERO_RESTORED); text is taken as written.
 */
export function farmerCells(raw: readonly unknown[]): FarmerCells {
  const restoredCid = withLeadingZeros(raw[1], 'farmer_citizen_id');
  const restoredPhone = withLeadingZeros(raw[2], 'farmer_phone');
  const [nameCell, cidCell, phoneCell] = [raw[0], restoredCid ?? raw[1], restoredPhone ?? raw[2]].map(cellText);
  const [name, cid, phone] = [nameCell ?? '', cidCell ?? '', phoneCell ?? ''];
  const cells: FarmerCells = {
    given: Boolean(name || cid || phone) || [nameCell, cidCell, phoneCell].includes(null),
    name: null,
    citizenId: null,
    phone: null,
    hamlet: null,
    address: null,
    leftOut: [],
    restored: [...(restoredCid ? ['farmer_citizen_id' as const] : []), ...(restoredPhone ? ['farmer_phone' as const] : [])],
  };
  for (const [value, column] of [
    [raw[3], 'farmer_hamlet'],
    [raw[4], 'farmer_address'],
  ] as const) {
    const place = placeCell(value, column);
    if ('rule' in place) cells.leftOut.push({ column, rule: place.rule });
    else if (column === 'farmer_hamlet') cells.hamlet = place.text;
    else cells.address = place.text;
  }
  if (cidCell === null) return { ...cells, problem: { reason: FARMER_LINK_REASON.BAD_CITIZEN_ID } };
  if (cid) {
    // People write a CCCD in groups ("087 123 456 789", "087.123.456.789"); a letter in it is no ID.
    const digits = /^[0-9][0-9 .-]*$/.test(cid) ? cid.replace(/[^0-9]/g, '') : '';
    if (!/^[0-9]{9}([0-9]{3})?$/.test(digits)) return { ...cells, problem: { reason: FARMER_LINK_REASON.BAD_CITIZEN_ID } };
    cells.citizenId = digits;
  }
  if (phoneCell === null) return { ...cells, problem: { reason: FARMER_LINK_REASON.BAD_PHONE } };
  if (phone) {
    const digits = /^\+?[0-9][0-9 .()-]*$/.test(phone) ? phoneDigits(phone) : null;
    if (!digits || digits.length < 9 || digits.length > 12) return { ...cells, problem: { reason: FARMER_LINK_REASON.BAD_PHONE } };
    cells.phone = digits;
  }
  if (nameCell === null) return { ...cells, problem: { reason: FARMER_LINK_REASON.BAD_NAME, rule: VALUE_RULE.NOT_TEXT } };
  if (name) {
    const text = name.replace(/\s+/g, ' ');
    const rule = text.includes('\u0000')
      ? VALUE_RULE.NUL
      : text.length > (FARMER_FIELDS[0]!.type as { max: number }).max
        ? VALUE_RULE.TOO_LONG
        : nameProblem(text);
    if (rule) return { ...cells, problem: { reason: FARMER_LINK_REASON.BAD_NAME, rule } };
    cells.name = text;
  }
  return cells;
}

/** The cells staged beside the row's values (no table has these keys: jsonb_populate_record leaves them). */
function farmerProps(cells: FarmerCells): Record<string, string | boolean | null> {
  return {
    'farmer:given': cells.given,
    'farmer:name': cells.name,
    'farmer:cid': cells.citizenId,
    'farmer:phone': cells.phone,
    'farmer:hamlet': cells.hamlet,
    'farmer:address': cells.address,
    ...Object.fromEntries(cells.leftOut.map((l) => [`farmer:left-out:${l.column}`, l.rule])),
    ...(cells.problem ? { 'farmer:problem': cells.problem.reason, 'farmer:rule': cells.problem.rule ?? null } : {}),
  };
}

type FarmerRow = {
  n: number;
  layer: string;
  idx: number;
  name: string | null;
  folded: string | null;
  cid: string | null;
  phone: string | null;
  hamlet: string | null;
  address: string | null;
  problem: FarmerLinkReason | null;
  rule: string | null;
  /** Why the row's hamlet or address cell was left out (null: kept, or none). */
  hamlet_rule: FarmerCellRule | null;
  address_rule: FarmerCellRule | null;
  stored_farmer: number | null;
  locked: boolean;
  here: string | null;
  today: string[];
};
type KnownFarmer = { id: number; commune_code: string; folded: string; cid: string | null; phone: string | null };

const FARMER_WHY: Record<FarmerLinkReason, string> = {
  ambiguous: 'several farmers of its commune fit the row',
  'no-farmer': 'its farmer columns are empty',
  'no-name': 'no farmer holds its citizen ID or phone, and it gives no name to register one by',
  'citizen-id-elsewhere': 'its citizen ID is that of a farmer of a commune you do not work in',
  'bad-citizen-id': 'its citizen ID is not 9 or 12 digits',
  'bad-phone': 'its phone is not 9 to 12 digits',
  'bad-name': 'its farmer name is not a name',
  'bad-hamlet': 'its hamlet is longer than 100 characters or holds a NUL',
  'bad-address': 'its address is longer than 300 characters or holds a NUL',
  'plot-has-farmer': 'the stored plot has another farmer, which an import does not change (the registry does)',
  'plot-in-locked-area': 'the stored plot belongs to a growing area under review or with a code in force',
  'no-commune': 'it lies in no commune or ward of today where you may register its farmer',
};

const CELL_WHY: Record<FarmerCellRule, (max: number) => string> = {
  'too-long': (max) => `it is longer than ${max} characters`,
  nul: () => 'it holds a NUL character',
  control: () => 'it holds a control character',
  'not-text': () => 'it is not text (true/false, an object or a list)',
};

/** The warning of a hamlet or address cell left out: where, which column of the file, why; never the cell. */
function cellLeftOut(
  layer: string,
  index: number,
  column: FarmerCellLeftOut['column'],
  rule: FarmerCellRule,
  field: string | null,
): FeatureProblem {
  const max = farmerMax(column);
  const what = column === 'farmer_hamlet' ? 'hamlet' : 'address';
  return {
    layer,
    index,
    code: IMPORT_PROBLEM.FARMER_CELL_LEFT_OUT,
    column,
    field,
    rule,
    ...(rule === 'too-long' ? { maxLength: max } : {}),
    severity: 'warning',
    message: `the household head's ${what}${field ? ` (field ${field})` : ''} is left out: ${CELL_WHY[rule](max)}; the plot and its farmer are imported without it (fix it in the registry)`,
  };
}

/**
 * Links each valid plot row to the farmer it names (DOMAIN.md: a member plot's profile starts with its
 * farmer), before the write, in the import's transaction: a registered farmer holding the row's
 * citizen ID (one ID, one person, whatever the commune), else the one farmer of the plot's commune
 * with the row's phone, else the one with its name (folded as the registry folds names: case and
 * diacritics aside); a farmer whose citizen ID or phone differs from the row's is not the row's. None
 * found and a name given: a farmer is registered in the commune the plot lies in (rows of one
 * household, by citizen ID, phone or name, share one). Several found: no guess, the plot comes without
 * a farmer and a warning says why, as for every row not linked. A hamlet or address cell left out
 * (farmerCells) is told row by row (FARMER_CELL_LEFT_OUT) and links as a row without it. A stored plot's farmer is kept (an
 * import moves no plot between farmers) and a plot of a locked area is not touched. The report says
 * how many rows matched, how many farmers are new, and never repeats a name, ID or phone.
 */
async function linkFarmers(
  tx: Queryable,
  viewer: Viewer,
  report: ImportReport,
  problem: (p: FeatureProblem) => void,
  maxList: number,
): Promise<NonNullable<ImportReport['farmers']>> {
  const links: NonNullable<ImportReport['farmers']> = { matched: 0, created: 0, createdRows: 0, ambiguous: 0, unlinked: 0 };
  const { rows } = await tx.query<FarmerRow>(IMPORT_SQL.farmerRows, [AREA_STATUSES_RELEASING_PLOTS]);
  const mayWrite = (commune: string) => viewer.role !== 'officer' || viewer.communes.includes(commune);
  const communeOf = (r: FarmerRow): string | null => {
    if (r.here && mayWrite(r.here)) return r.here;
    const today = r.today.filter(mayWrite);
    return today.length === 1 ? today[0]! : null;
  };
  const { rows: known } = await tx.query<KnownFarmer>(IMPORT_SQL.farmerCandidates, [
    rows.flatMap((r) => (r.cid ? [r.cid] : [])),
    [...new Set(rows.map(communeOf).filter((c): c is string => c !== null))],
    rows.flatMap((r) => (r.folded ? [r.folded] : [])),
    rows.flatMap((r) => (r.phone ? [r.phone] : [])),
  ]);
  let listed = 0;
  const unlinked = (r: FarmerRow, reason: FarmerLinkReason, facts: { matches?: number; rule?: string } = {}) => {
    if (reason === FARMER_LINK_REASON.AMBIGUOUS) links.ambiguous++;
    else links.unlinked++;
    if (listed >= maxList) {
      report.problemCounts[IMPORT_PROBLEM.FARMER_NOT_LINKED] = (report.problemCounts[IMPORT_PROBLEM.FARMER_NOT_LINKED] ?? 0) + 1;
      report.problemsOmitted++;
      report.counts.warnings++;
      return;
    }
    listed++;
    const why = reason === FARMER_LINK_REASON.AMBIGUOUS ? `${facts.matches} farmers of its commune fit the row` : FARMER_WHY[reason];
    problem({
      layer: r.layer,
      index: r.idx,
      code: IMPORT_PROBLEM.FARMER_NOT_LINKED,
      reason,
      ...facts,
      severity: 'warning',
      message: `imported without a farmer: ${why}${facts.rule ? ` (${facts.rule})` : ''}; link the plot to its farmer in the registry`,
    });
  };
  // A farmer some identifier of the row contradicts is someone else (a namesake with another CCCD).
  const fits = (f: KnownFarmer, r: FarmerRow) => !(r.cid && f.cid && f.cid !== r.cid) && !(r.phone && f.phone && f.phone !== r.phone);
  // The farmers this file registers, matched by the rows after them as the registered ones are.
  const fresh: Array<{
    key: string;
    commune: string;
    name: string;
    folded: string;
    cid: string | null;
    phone: string | null;
    hamlet: string | null;
    address: string | null;
  }> = [];
  const linked: Array<{ n: number; farmer: number | string }> = [];
  for (const r of rows) {
    for (const [column, rule] of [
      ['farmer_hamlet', r.hamlet_rule],
      ['farmer_address', r.address_rule],
    ] as const)
      if (rule) problem(cellLeftOut(r.layer, r.idx, column, rule, report.layers.find((l) => l.name === r.layer)?.mapping[column] ?? null));
    if (r.problem) {
      if (r.stored_farmer === null) unlinked(r, r.problem, r.rule ? { rule: r.rule } : {});
      continue;
    }
    const commune = communeOf(r);
    let found: KnownFarmer[] = [];
    let elsewhere = false;
    if (r.cid) {
      const holder = known.find((f) => f.cid === r.cid);
      if (holder && !mayWrite(holder.commune_code)) elsewhere = true;
      else if (holder) found = [holder];
    }
    const near = (f: KnownFarmer) => f.commune_code === commune && fits(f, r);
    if (found.length === 0 && !elsewhere && r.phone && commune) found = known.filter((f) => near(f) && f.phone === r.phone);
    if (found.length === 0 && !elsewhere && r.folded && commune) found = known.filter((f) => near(f) && f.folded === r.folded);
    if (r.stored_farmer !== null) {
      // The plot keeps its farmer; a row naming someone else is told so (a namesake of its farmer is no one else).
      const same = found.some((f) => Number(f.id) === Number(r.stored_farmer));
      if (same) links.matched++;
      else if (r.name || r.cid || r.phone) unlinked(r, FARMER_LINK_REASON.HAS_FARMER);
      continue;
    }
    if (r.locked) unlinked(r, FARMER_LINK_REASON.LOCKED);
    else if (elsewhere) unlinked(r, FARMER_LINK_REASON.ELSEWHERE);
    else if (found.length > 1) unlinked(r, FARMER_LINK_REASON.AMBIGUOUS, { matches: found.length });
    else if (found.length === 1) {
      links.matched++;
      linked.push({ n: r.n, farmer: Number(found[0]!.id) });
    } else if (!r.name && !r.cid && !r.phone) unlinked(r, FARMER_LINK_REASON.NO_FARMER);
    else if (!r.name) unlinked(r, FARMER_LINK_REASON.NO_NAME);
    else if (!commune) unlinked(r, FARMER_LINK_REASON.NO_COMMUNE);
    else {
      // One household, several plots: a row goes with a farmer an earlier row registers when its
      // citizen ID, else its phone, else its name fits that one alone (as with registered farmers).
      const fitsFresh = (f: (typeof fresh)[number]) =>
        f.commune === commune && !(r.cid && f.cid && f.cid !== r.cid) && !(r.phone && f.phone && f.phone !== r.phone);
      let same = r.cid ? fresh.filter((f) => f.cid === r.cid) : [];
      if (same.length === 0 && r.phone) same = fresh.filter((f) => fitsFresh(f) && f.phone === r.phone);
      if (same.length === 0) same = fresh.filter((f) => fitsFresh(f) && f.folded === r.folded);
      if (same.length > 1) unlinked(r, FARMER_LINK_REASON.AMBIGUOUS, { matches: same.length });
      else {
        let entry = same[0];
        if (!entry)
          fresh.push(
            (entry = {
              key: `new:${fresh.length}`,
              commune,
              name: r.name,
              folded: r.folded ?? '',
              cid: null,
              phone: null,
              hamlet: null,
              address: null,
            }),
          );
        entry.cid ??= r.cid;
        entry.phone ??= r.phone;
        // The household's hamlet and address: the first of its rows that gives them.
        entry.hamlet ??= r.hamlet;
        entry.address ??= r.address;
        links.createdRows++;
        linked.push({ n: r.n, farmer: entry.key });
      }
    }
  }
  const ids = new Map<string, number>();
  if (fresh.length > 0) {
    const codes = fresh.map(() => newLookupCode());
    const { rows: made } = await tx.query<{ id: number; lookup_code: string }>(IMPORT_SQL.insertFarmers, [
      codes,
      fresh.map((e) => e.commune),
      fresh.map((e) => e.hamlet),
    ]);
    const byCode = new Map(made.map((m) => [m.lookup_code, Number(m.id)]));
    fresh.forEach((e, i) => ids.set(e.key, byCode.get(codes[i]!)!));
    await tx.query(IMPORT_SQL.insertFarmersPrivate, [
      fresh.map((e) => ids.get(e.key)!),
      fresh.map((e) => e.name),
      fresh.map((e) => e.cid),
      fresh.map((e) => e.phone),
      fresh.map((e) => e.address),
    ]);
    links.created = fresh.length;
  }
  links.createdWithHamlet = fresh.filter((e) => e.hamlet !== null).length;
  links.createdWithAddress = fresh.filter((e) => e.address !== null).length;
  if (linked.length > 0)
    await tx.query(IMPORT_SQL.stageFarmers, [
      linked.map((l) => l.n),
      linked.map((l) => (typeof l.farmer === 'number' ? l.farmer : ids.get(l.farmer)!)),
    ]);
  return links;
}

// ---- writing ----

async function write(
  tx: Queryable,
  target: Target,
  options: ImportOptions,
  report: ImportReport,
  scope: readonly string[] | null,
): Promise<void> {
  const bulk = report.counts.valid >= (options.bulkThreshold ?? 1000);
  const sql = IMPORT_SQL.upsert(target, scope !== null);
  let oldBox: string | null = null;
  if (bulk) {
    await tx.query(`SELECT set_config('app.bulk', 'on', true)`);
    const { rows } = await tx.query<{ box: string | null }>(IMPORT_SQL.oldExtent(target));
    oldBox = rows[0]?.box ?? null;
  }
  const { rows } = await tx.query<{
    inserted: number;
    updated: number;
    ids: number[];
    west: number | null;
    south: number | null;
    east: number | null;
    north: number | null;
  }>(sql, scope ? [scope] : undefined);
  const w = rows[0];
  report.extent =
    w && w.west !== null && w.south !== null && w.east !== null && w.north !== null ? [w.west, w.south, w.east, w.north] : null;
  if (bulk && target.table === 'plots' && rows[0]?.ids.length) await tx.query(IMPORT_SQL.relinkPlots, [rows[0].ids]);
  report.counts.inserted = rows[0]?.inserted ?? 0;
  report.counts.updated = rows[0]?.updated ?? 0;
  report.counts.unchanged = report.counts.valid - report.counts.inserted - report.counts.updated;
  if (bulk) {
    await tx.query(`SELECT set_config('app.bulk', 'off', true)`);
    if (report.counts.inserted + report.counts.updated > 0) {
      await tx.query(IMPORT_SQL.bulkLogAndNotify, [
        target.table,
        oldBox,
        options.viewer.userId,
        `import:${options.fileName}`.slice(0, 200),
        report.counts.updated > 0 ? 'update' : 'insert',
        JSON.stringify({
          import: options.fileName,
          format: report.format,
          inserted: report.counts.inserted,
          updated: report.counts.updated,
          unchanged: report.counts.unchanged,
        }),
        ...report.extent!,
      ]);
    }
  }
}
