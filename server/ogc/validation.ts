// Checks of a write that need the database: PostGIS's own validity verdict, the commune the record
// belongs to (and whether the viewer works there), containment in that commune, overlaps with
// other plots or parcels, references to other records, natural keys. Each returns reasons, so a
// 422 lists them all; none writes.

import type { Queryable } from '../db/index.ts';
import type { Viewer } from '../contracts/viewer.ts';
import { COMMUNE_OUTSIDE_TOLERANCE_M2, PLOT_OVERLAP_THRESHOLD_M2 } from '../domain/plot-validation.ts';
import type { CollectionDef } from './collections.ts';
import type { Reason, WriteInput } from './feature-input.ts';

/** Reason codes of the database checks. */
export const DB_REASON = Object.freeze({
  INVALID_GEOMETRY: 'INVALID_GEOMETRY',
  OUTSIDE_COMMUNE: 'OUTSIDE_COMMUNE',
  UNKNOWN_COMMUNE: 'UNKNOWN_COMMUNE',
  PLOT_OVERLAPS: 'PLOT_OVERLAPS',
  PARCEL_OVERLAPS: 'PARCEL_OVERLAPS',
  UNKNOWN_REFERENCE: 'UNKNOWN_REFERENCE',
  REFERENCE_OUT_OF_SCOPE: 'REFERENCE_OUT_OF_SCOPE',
  DUPLICATE_KEY: 'DUPLICATE_KEY',
} as const);

/** Geometry as SQL from a bound GeoJSON parameter. */
export const GEOMETRY_FROM_PARAM = (placeholder: string) => `ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(${placeholder}), 4326))`;

const CURRENT_UNIT = `(valid_to IS NULL OR valid_to > current_date) AND level IN ('commune', 'ward', 'town')`;

/**
 * PostGIS's verdict on a geometry that passed the shared validator (it also knows ring nesting and
 * overlapping parts). Runs outside the write transaction: a parse error must not abort it.
 */
export async function geometryReasons(db: Queryable, geometry: Record<string, unknown>): Promise<Reason[]> {
  try {
    const { rows } = await db.query<{ valid: boolean; reason: string | null; x: number | null; y: number | null }>(
      `SELECT d.valid, d.reason, ST_X(d.location) AS x, ST_Y(d.location) AS y FROM ST_IsValidDetail(${GEOMETRY_FROM_PARAM('$1')}) d`,
      [JSON.stringify(geometry)],
    );
    const row = rows[0];
    if (!row || row.valid) return [];
    const at: [number, number] | undefined = row.x !== null && row.y !== null ? [row.x, row.y] : undefined;
    return [{ code: DB_REASON.INVALID_GEOMETRY, message: `Invalid geometry: ${row.reason ?? 'unknown reason'}.`, ...(at ? { at } : {}) }];
  } catch (error) {
    return [{ code: DB_REASON.INVALID_GEOMETRY, message: `PostGIS cannot read the geometry: ${(error as Error).message.slice(0, 200)}` }];
  }
}

type CheckArgs = {
  def: CollectionDef;
  viewer: Viewer;
  input: WriteInput;
  /** The record's id on replace/update, null on create. */
  id: number | null;
  /** SQL of the geometry the record will have ($1 is the GeoJSON when the write sets it). */
  geometrySql: string | null;
  geometryParams: unknown[];
  /** The write changes the geometry (so containment and overlaps are checked again). */
  geometryChanged: boolean;
  /** The commune code stored before this write (null on create). */
  previousCommune: string | null;
  /** Properties that already failed the pure checks: not looked up again. */
  invalid: ReadonlySet<string>;
  /** The stored row by column (null on create): references and keys it already had are not looked up again. */
  previous: Readonly<Record<string, unknown>> | null;
};

const kept = (a: CheckArgs, column: string) =>
  a.previous !== null && JSON.stringify(a.previous[column] ?? null) === JSON.stringify(a.input.values.get(column) ?? null);

async function communeReasons(tx: Queryable, a: CheckArgs): Promise<Reason[]> {
  const reasons: Reason[] = [];
  const { def, viewer, input } = a;
  if (a.invalid.has('commune_code')) return reasons;
  let code = (input.values.get('commune_code') as string | null | undefined) ?? null;
  const hasGeometry = def.checks.includes('commune') && a.geometrySql !== null;
  if (code === null && hasGeometry) {
    // Left out: the commune is where the feature lies today.
    const { rows } = await tx.query<{ code: string }>(
      `SELECT code FROM admin_units WHERE ${CURRENT_UNIT} AND geom IS NOT NULL
         AND ST_Intersects(geom, ST_PointOnSurface(${a.geometrySql})) ORDER BY id LIMIT 1`,
      a.geometryParams,
    );
    code = rows[0]?.code ?? null;
    if (code === null) {
      reasons.push({
        code: DB_REASON.OUTSIDE_COMMUNE,
        property: 'commune_code',
        message: 'The feature lies in no current commune or ward.',
      });
      return reasons;
    }
    input.values.set('commune_code', code);
  }
  if (code === null) return reasons; // reported as MISSING_PROPERTY already
  if (viewer.role === 'officer' && !viewer.communes.includes(code)) {
    reasons.push({
      code: DB_REASON.OUTSIDE_COMMUNE,
      property: 'commune_code',
      message: `Commune ${code} is not one of yours (${viewer.communes.join(', ') || 'none assigned'}).`,
      commune_code: code,
    });
  }
  const changed = a.geometryChanged || code !== a.previousCommune;
  if (!changed) return reasons;
  const unit = await tx.query<{ has_geom: boolean }>(
    `SELECT geom IS NOT NULL AS has_geom FROM admin_units WHERE code = $1 AND ${CURRENT_UNIT} LIMIT 1`,
    [code],
  );
  const row = unit.rows[0];
  if (!row) {
    reasons.push({
      code: DB_REASON.UNKNOWN_COMMUNE,
      property: 'commune_code',
      message: `${code} is not the code of a current commune or ward.`,
    });
    return reasons;
  }
  if (!hasGeometry || !row.has_geom) return reasons;
  const params = [...a.geometryParams, code];
  const { rows } = await tx.query<{ outside_m2: number }>(
    `WITH g AS (SELECT ${a.geometrySql} AS g), u AS (SELECT geom FROM admin_units WHERE code = $${params.length} AND ${CURRENT_UNIT} AND geom IS NOT NULL LIMIT 1)
     SELECT CASE WHEN ST_CoveredBy(g.g, u.geom) THEN 0
                 WHEN ST_Dimension(g.g) = 0 THEN 1e30
                 ELSE ST_Area(ST_Difference(g.g, u.geom)::geography) END AS outside_m2
       FROM g, u`,
    params,
  );
  const outside = rows[0]?.outside_m2 ?? 0;
  if (outside > COMMUNE_OUTSIDE_TOLERANCE_M2) {
    reasons.push({
      code: DB_REASON.OUTSIDE_COMMUNE,
      message:
        outside >= 1e30
          ? `The location lies outside commune ${code}.`
          : `${Math.round(outside)} m² of the feature lie outside commune ${code}.`,
      commune_code: code,
      ...(outside < 1e30 ? { outside_m2: Math.round(outside * 10) / 10 } : {}),
    });
  }
  return reasons;
}

async function overlapReasons(tx: Queryable, a: CheckArgs, table: 'plots' | 'parcels'): Promise<Reason[]> {
  if (!a.geometryChanged || a.geometrySql === null) return [];
  const params = [...a.geometryParams, a.id ?? 0];
  const { rows } = await tx.query<{ id: number; m2: number }>(
    `WITH g AS (SELECT ${a.geometrySql} AS g)
     SELECT o.id, ST_Area(ST_Intersection(o.geom, g.g)::geography) AS m2
       FROM ${table} o, g WHERE o.geom && g.g AND ST_Intersects(o.geom, g.g) AND o.id <> $${params.length}
      ORDER BY o.id LIMIT 200`,
    params,
  );
  const over = rows
    .filter((r) => r.m2 > PLOT_OVERLAP_THRESHOLD_M2)
    .map((r) => ({ id: Number(r.id), overlap_m2: Math.round(r.m2 * 10) / 10 }));
  if (!over.length) return [];
  const what = table === 'plots' ? 'plot' : 'parcel';
  return [
    {
      code: table === 'plots' ? DB_REASON.PLOT_OVERLAPS : DB_REASON.PARCEL_OVERLAPS,
      message: `Overlaps ${over.length} other ${what}${over.length > 1 ? 's' : ''} by more than ${PLOT_OVERLAP_THRESHOLD_M2} m²: ${over
        .slice(0, 10)
        .map((o) => `#${o.id} (${o.overlap_m2} m²)`)
        .join(', ')}.`,
      overlaps: over,
    },
  ];
}

// Properties that point at other records: where to look, and whether an officer's scope applies.
const REFERENCES: Readonly<Record<string, { table: string; column: string; scoped?: boolean }>> = {
  crop: { table: 'crops', column: 'code' },
  land_use_code: { table: 'land_use_codes', column: 'code' },
  plan_id: { table: 'planning_plans', column: 'id' },
  farmer_id: { table: 'farmers', column: 'id', scoped: true },
  growing_area_id: { table: 'growing_areas', column: 'id', scoped: true },
};

async function referenceReasons(tx: Queryable, a: CheckArgs): Promise<Reason[]> {
  const reasons: Reason[] = [];
  for (const p of a.def.properties) {
    const ref = REFERENCES[p.name];
    const value = p.column ? a.input.values.get(p.column) : undefined;
    if (!ref || value === null || value === undefined || a.invalid.has(p.name) || kept(a, p.column as string)) continue;
    const { rows } = await tx.query<{ commune_code: string | null }>(
      `SELECT ${ref.scoped ? 'commune_code' : 'NULL::text AS commune_code'} FROM ${ref.table} WHERE ${ref.column} = $1`,
      [value],
    );
    const row = rows[0];
    if (!row) {
      reasons.push({ code: DB_REASON.UNKNOWN_REFERENCE, property: p.name, message: `${p.name}: no ${ref.table} record ${String(value)}.` });
    } else if (ref.scoped && a.viewer.role === 'officer' && !a.viewer.communes.includes(row.commune_code ?? '')) {
      reasons.push({
        code: DB_REASON.REFERENCE_OUT_OF_SCOPE,
        property: p.name,
        message: `${p.name}: ${ref.table} ${String(value)} is outside your communes.`,
      });
    }
  }
  return reasons;
}

// Natural keys that a write must not duplicate.
const NATURAL_KEYS: Readonly<Record<string, readonly string[]>> = {
  parcels: ['commune_code', 'sheet', 'parcel_no'],
  zones: ['plan_id', 'lot_code'],
};

async function keyReasons(tx: Queryable, a: CheckArgs): Promise<Reason[]> {
  const key = NATURAL_KEYS[a.def.id];
  if (!key) return [];
  const values = key.map((k) => a.input.values.get(k));
  if (values.some((v) => v === null || v === undefined) || key.some((k) => a.invalid.has(k)) || key.every((k) => kept(a, k))) return [];
  const where = key.map((k, i) => `${k} = $${i + 1}`).join(' AND ');
  const { rows } = await tx.query<{ id: number }>(`SELECT id FROM ${a.def.table} WHERE ${where} AND id <> $${key.length + 1} LIMIT 1`, [
    ...values,
    a.id ?? 0,
  ]);
  const other = rows[0];
  return other
    ? [
        {
          code: DB_REASON.DUPLICATE_KEY,
          message: `Another record (#${other.id}) already has this ${key.join(' + ')}.`,
          conflicting_id: Number(other.id),
        },
      ]
    : [];
}

/** Runs every database check of the collection and returns all reasons (empty when the write may go ahead). */
export async function databaseReasons(tx: Queryable, args: CheckArgs): Promise<Reason[]> {
  const reasons: Reason[] = [];
  if (args.def.communeScoped) reasons.push(...(await communeReasons(tx, args)));
  if (args.def.checks.includes('plot-overlap')) reasons.push(...(await overlapReasons(tx, args, 'plots')));
  if (args.def.checks.includes('parcel-overlap')) reasons.push(...(await overlapReasons(tx, args, 'parcels')));
  reasons.push(...(await referenceReasons(tx, args)));
  reasons.push(...(await keyReasons(tx, args)));
  return reasons;
}
