// Reading and writing features for a viewer. Reads run the statements of items.sql.ts (which apply
// the viewer's scope in SQL) and log what personal data an officer saw. Writes are one transaction
// each, attributed through withEdits so the edit_log trigger records before/after with the user and
// tiles are invalidated by its NOTIFY; optimistic locking on the version column means two clients
// can never overwrite each other's change unseen. The database moves the version for writers that do
// not (a direct SQL edit, refresh_growing_area reshaping an area: migration 020), so a read's answer,
// taken after the write's last statement, carries the tag the next read gives.

import { createHash } from 'node:crypto';
import type { Db, Queryable } from '../db/index.ts';
import { withEdits, type EditContext } from '../db/edit-context.ts';
import type { Viewer } from '../contracts/viewer.ts';
import { AppError } from '../plugins/errors.ts';
import { linkParcels, memberCropReasons, type MembershipReason } from '../registry/growing-areas.service.ts';
import type { CollectionDef } from './collections.ts';
import { mergePatch, parseWrite, readFeatureDocument, type FeatureDocument, type Reason, type WriteInput } from './feature-input.ts';
import { countStatement, itemStatement, itemsStatement, personalMode } from './items.sql.ts';
import {
  joinsArea,
  lockAreaOfPlot,
  lockAreas,
  membershipReasons,
  requireAreaTakingPlots,
  requireLeavingAllowed,
  requireDraftArea,
  requireReleasablePlot,
  type LockedAreas,
  type PlotMembershipWrite,
} from './plot-areas.ts';
import { canReadHistory, canWriteCollection, canWriteCommune, rowPredicate, type ViewerScope } from './policy.ts';
import type { ItemsQuery } from './query-params.ts';
import { SqlParams } from './sql-params.ts';
import { GEOMETRY_FROM_PARAM, databaseReasons, geometryReasons } from './validation.ts';

/** One feature as JSON text with the version its ETag is made from. */
export type ItemResult = { id: number; version: number; json: string };

/** What If-Match asked for: any current version (*), or one of these strong entity tags. */
export type Precondition = { any: boolean; tags: readonly string[] };

/**
 * The strong ETag of a feature version as one viewer reads it: "id-version" for the body everyone
 * gets, "id-version.scope" for a body carrying fields only some viewers get (representationScope).
 * Each body its own tag: a browser that kept an officer's copy (farmer's name and phone) and asks
 * again as a guest with If-None-Match must get the guest's body, never a 304 onto the officer's.
 */
export function etagOf(id: number, version: number, scope = ''): string {
  return scope ? `"${id}-${version}.${scope}"` : `"${id}-${version}"`;
}

/**
 * What a viewer's body of the collection's features depends on, as a short hash ('' when it is the
 * public body): the role and what it is scoped to (an officer's communes, a farmer's record). Two
 * officers of the same communes read the same bytes and share a tag; no name goes into a header.
 */
export function representationScope(def: CollectionDef, viewer: Viewer): string {
  if (personalMode(def, viewer) === 'none') return '';
  const key = `${viewer.role}|${[...viewer.communes].sort().join(',')}|${viewer.farmerId ?? ''}`;
  return createHash('sha256').update(key).digest('base64url').slice(0, 8);
}

/**
 * The ETag of an item as a viewer with this representationScope reads it: etagOf, unless the body
 * carries facts borrowed from another record (a plot's growing area's suspension, a zoning lot's
 * plan, a land-use area's map, a parcel's owners), which change with no new version of the item:
 * then the tag's suffix is a hash of the scope and those facts, so a browser that kept the plot from
 * before the suspension and revalidates is given the new body, not a 304. Writes still take it
 * (tagMatchesVersion reads only id and version: a write changes none of the borrowed facts, so none
 * is lost); the facts gone (the code restored), the body and its tag are what they were before. A
 * personal fact (the owners) is hashed only for a viewer who is shown it (a guest's is null) and only
 * 48 bits of the hash are sent. An unversioned collection's tag hashes its whole body.
 */
export function itemETag(def: CollectionDef, item: ItemResult, scope: string): string {
  // No version to move (an administrative unit renamed, closed or redrawn in SQL): the body is the tag.
  if (def.unversioned) {
    return etagOf(item.id, item.version, createHash('sha256').update(`${scope}|${item.json}`).digest('base64url').slice(0, 8));
  }
  const borrowed = def.properties.filter((p) => p.borrowed);
  if (!borrowed.length) return etagOf(item.id, item.version, scope);
  const properties = (JSON.parse(item.json) as { properties?: Record<string, unknown> }).properties ?? {};
  const facts = borrowed.map((p) => properties[p.name] ?? null);
  if (facts.every((v) => v === null)) return etagOf(item.id, item.version, scope);
  const variant = createHash('sha256')
    .update(`${scope}|${JSON.stringify(facts)}`)
    .digest('base64url')
    .slice(0, 8);
  return etagOf(item.id, item.version, variant);
}

/** Does an If-Match tag name this version, in any viewer's form (a write locks the version, whoever read it)? */
export function tagMatchesVersion(tag: string, id: number, version: number): boolean {
  const m = /^"([0-9]+)-([0-9]+)(?:\.[A-Za-z0-9_-]{8})?"$/.exec(tag);
  return m !== null && Number(m[1]) === id && Number(m[2]) === version;
}

/** One entry of a feature's history. */
export type HistoryEntry = {
  id: number;
  at: string;
  action: 'insert' | 'update' | 'delete';
  origin: string;
  user: { id: number; username: string | null } | null;
  version: number | null;
  before: GeoJsonFeature | null;
  after: GeoJsonFeature | null;
};

type GeoJsonFeature = { type: 'Feature'; id: number; geometry: unknown; properties: Record<string, unknown> };

type CurrentRow = { version: number; row: Record<string, unknown>; geometry: unknown; properties: Record<string, unknown> };

const SCOPE_TTL_MS = 60_000;

function validationFailed(reasons: Reason[]): never {
  const first = reasons[0]?.message ?? '';
  throw new AppError(
    'VALIDATION_FAILED',
    reasons.length === 1 ? `The feature was not saved: ${first}` : `The feature was not saved: ${reasons.length} problems, first: ${first}`,
    { reasons },
  );
}

// Each reason whole: code, property, plotIds and message, and the facts of the message as fields (server/contracts/membership.ts).
function membershipFailed(reasons: readonly MembershipReason[]): void {
  if (reasons.length) validationFailed(reasons.map((reason) => ({ ...reason })));
}

// A plot's membership after a write, from its validated values (every column of plots is in them).
function membershipAfter(input: WriteInput): PlotMembershipWrite['after'] {
  const v = input.values;
  return { growing_area_id: v.get('growing_area_id') ?? null, crop: v.get('crop'), commune_code: v.get('commune_code') };
}

function toFeature(def: CollectionDef, doc: Record<string, unknown> | null): GeoJsonFeature | null {
  if (!doc) return null;
  const { geom, ...properties } = doc;
  return { type: 'Feature', id: Number(doc.id), geometry: geom ?? null, properties };
}

export class FeaturesService {
  private readonly scopeCache = new Map<string, { codes: string[]; at: number }>();

  constructor(private readonly db: Db) {}

  /** Resolves what the viewer's scope means in the data (an officer's communes, old codes included). */
  async scope(viewer: Viewer, q: Queryable = this.db): Promise<ViewerScope> {
    if (viewer.role !== 'officer' || viewer.communes.length === 0) return { viewer, parcelCommuneCodes: [] };
    const key = [...viewer.communes].sort().join(',');
    const cached = this.scopeCache.get(key);
    if (cached && Date.now() - cached.at < SCOPE_TTL_MS) return { viewer, parcelCommuneCodes: cached.codes };
    // Parcels keep the old commune's code: every unit whose lineage leads to one of today's communes.
    const { rows } = await q.query<{ code: string }>(
      `SELECT DISTINCT u.code FROM admin_units u CROSS JOIN LATERAL admin_current_units(u.id) c WHERE c.code = ANY($1::text[])`,
      [viewer.communes],
    );
    const codes = [...new Set([...viewer.communes, ...rows.map((r) => r.code)])];
    if (this.scopeCache.size > 1000) this.scopeCache.clear();
    this.scopeCache.set(key, { codes, at: Date.now() });
    return { viewer, parcelCommuneCodes: codes };
  }

  /** A page of features (JSON texts) and numberMatched. */
  async list(def: CollectionDef, viewer: Viewer, query: ItemsQuery): Promise<{ features: string[]; matched: number }> {
    const scope = await this.scope(viewer);
    const items = itemsStatement(def, scope, query);
    const count = countStatement(def, scope, query);
    const page = await this.db.query<{ f: string; reveal: string | null }>(items.sql, items.params);
    const matched = await this.db.query<{ n: number }>(count.sql, count.params);
    await this.logReveals(
      def,
      viewer,
      page.rows.map((r) => r.reveal),
    );
    return { features: page.rows.map((r) => r.f), matched: Number(matched.rows[0]?.n ?? 0) };
  }

  /** One feature, or null when it does not exist or the viewer may not see it. */
  async get(def: CollectionDef, viewer: Viewer, id: number, q: Queryable = this.db): Promise<ItemResult | null> {
    const statement = itemStatement(def, await this.scope(viewer, q), id);
    const { rows } = await q.query<{ f: string; reveal: string | null; version: number }>(statement.sql, statement.params);
    const row = rows[0];
    if (!row) return null;
    await this.logReveals(def, viewer, [row.reveal], q);
    return { id, version: Number(row.version), json: row.f };
  }

  // Revealing a farmer's (or owner's) personal data to an officer is logged, one row per subject.
  private async logReveals(def: CollectionDef, viewer: Viewer, reveals: (string | null)[], q: Queryable = this.db): Promise<void> {
    if (!def.revealSubject || viewer.role !== 'officer' || viewer.userId === null) return;
    const subjects = [...new Set(reveals.filter((r): r is string => r !== null))];
    if (!subjects.length) return;
    await q.query(`INSERT INTO access_log (user_id, subject, purpose) SELECT $1, $2 || s, $3 FROM unnest($4::text[]) s`, [
      viewer.userId,
      def.revealSubject.prefix,
      `ogc:${def.id}`,
      subjects,
    ]);
  }

  private authorizeCollection(def: CollectionDef, viewer: Viewer): void {
    if (canWriteCollection(def, viewer)) return;
    if (viewer.role === 'anonymous') throw new AppError('UNAUTHENTICATED', 'Sign in to edit this collection.');
    throw new AppError('FORBIDDEN', `Your role (${viewer.role}) may not edit ${def.id}.`);
  }

  private authorizeRow(def: CollectionDef, viewer: Viewer, commune: unknown): void {
    if (!canWriteCommune(def, viewer, typeof commune === 'string' ? commune : null)) {
      throw new AppError('FORBIDDEN', `This ${def.id} record belongs to commune ${String(commune)}, which is not one of yours.`);
    }
  }

  private async loadCurrent(q: Queryable, def: CollectionDef, viewer: Viewer, id: number, lock: boolean): Promise<CurrentRow | null> {
    const params = new SqlParams();
    const idParam = params.add(id);
    const visible = rowPredicate(def, await this.scope(viewer, q), params);
    const { rows } = await q.query<{ row: Record<string, unknown>; geometry: string | null; version: number }>(
      `SELECT to_jsonb(t) - 'geom' AS row, ST_AsGeoJSON(t.geom) AS geometry, t.version FROM ${def.table} t
        WHERE t.id = ${idParam}::bigint AND ${visible}${lock ? ' FOR UPDATE OF t' : ''}`,
      params.values,
    );
    const found = rows[0];
    if (!found) return null;
    const properties: Record<string, unknown> = {};
    for (const p of def.properties) if (p.column) properties[p.name] = found.row[p.column] ?? null;
    return { version: Number(found.version), row: found.row, geometry: found.geometry ? JSON.parse(found.geometry) : null, properties };
  }

  private checkPrecondition(precondition: Precondition, id: number, version: number): void {
    if (precondition.any || precondition.tags.some((tag) => tagMatchesVersion(tag, id, version))) return;
    throw new AppError(
      'PRECONDITION_FAILED',
      `The feature changed since you read it (now version ${version}); reload it and apply your edit again.`,
      {
        currentETag: etagOf(id, version),
      },
    );
  }

  private async validate(
    tx: Queryable,
    def: CollectionDef,
    viewer: Viewer,
    input: WriteInput,
    id: number | null,
    geometryChanged: boolean,
    previousCommune: string | null,
    early: Reason[],
    previous: Record<string, unknown> | null = null,
  ): Promise<void> {
    const invalid = new Set(input.reasons.map((r) => r.property).filter((p): p is string => typeof p === 'string'));
    const geometryOk = !early.length && !input.reasons.some((r) => r.property === undefined);
    let geometrySql: string | null = null;
    let geometryParams: unknown[] = [];
    if (input.geometry && geometryOk) {
      geometrySql = GEOMETRY_FROM_PARAM('$1');
      geometryParams = [JSON.stringify(input.geometry)];
    } else if (input.geometry === undefined && id !== null) {
      // The geometry stays: checks that still need it (a changed commune) read the stored one.
      geometrySql = `(SELECT geom FROM ${def.table} WHERE id = $1)`;
      geometryParams = [id];
    }
    const reasons = [...input.reasons, ...early];
    reasons.push(
      ...(await databaseReasons(tx, {
        def,
        viewer,
        input,
        id,
        geometrySql,
        geometryParams,
        geometryChanged: geometryChanged && geometryOk,
        previousCommune,
        invalid,
        previous,
      })),
    );
    if (reasons.length) validationFailed(reasons);
  }

  private async preflight(def: CollectionDef, input: WriteInput): Promise<Reason[]> {
    const geometryFine = input.geometry && !input.reasons.some((r) => r.property === undefined);
    return geometryFine ? geometryReasons(this.db, input.geometry as Record<string, unknown>) : [];
  }

  private insertSql(
    def: CollectionDef,
    input: WriteInput,
    viewer: Viewer,
    extra: { id?: number; version?: number },
  ): { sql: string; params: unknown[] } {
    const params = new SqlParams();
    const columns: string[] = [];
    const values: string[] = [];
    for (const p of def.properties) {
      if (!p.column || !input.values.has(p.column)) continue;
      columns.push(p.column);
      values.push(this.typed(params, p.type, input.values.get(p.column)));
    }
    if (def.geometry.writable && input.geometry) {
      columns.push('geom');
      values.push(GEOMETRY_FROM_PARAM(params.add(JSON.stringify(input.geometry))));
    }
    if (def.createdBy) {
      columns.push('created_by');
      values.push(`${params.add(viewer.userId)}::bigint`);
    }
    if (extra.version !== undefined) {
      columns.push('version');
      values.push(`${params.add(extra.version)}::int`);
    }
    const id = extra.id !== undefined ? `${params.add(extra.id)}::bigint` : `nextval(pg_get_serial_sequence('${def.table}', 'id'))`;
    columns.unshift('id');
    values.unshift('n.id');
    if (def.lineageFromId) {
      columns.push('lineage_id');
      values.push('n.id');
    }
    return {
      sql: `INSERT INTO ${def.table} (${columns.join(', ')}) SELECT ${values.join(', ')} FROM (SELECT ${id} AS id) n RETURNING id, version`,
      params: params.values,
    };
  }

  private typed(params: SqlParams, type: string, value: unknown): string {
    const cast: Record<string, string> = {
      string: 'text',
      integer: 'bigint',
      number: 'numeric',
      date: 'date',
      'date-time': 'timestamptz',
      boolean: 'boolean',
      'string[]': 'text[]',
    };
    return `${params.add(value)}::${cast[type] ?? 'text'}`;
  }

  /** POST: creates a feature; 422 with every reason when it is not valid. */
  async create(def: CollectionDef, viewer: Viewer, body: unknown): Promise<ItemResult> {
    this.authorizeCollection(def, viewer);
    const input = parseWrite(def, readFeatureDocument(body), null, { geometryChanged: true });
    const early = await this.preflight(def, input);
    return withEdits(this.db, this.editContext(viewer, 'api'), async (tx) => {
      const areas = await this.lockPlotAreas(tx, def, [input.values.get('growing_area_id')]);
      await this.validate(tx, def, viewer, input, null, true, null, early);
      if (areas) requireAreaTakingPlots(areas, input.values.get('growing_area_id'));
      const membership = this.checkMembership(viewer, areas, { id: null, before: null, after: membershipAfter(input) });
      const insert = this.insertSql(def, input, viewer, {});
      const { rows } = await tx.query<{ id: number }>(insert.sql, insert.params);
      const id = Number(rows[0]?.id);
      if (membership && joinsArea(membership)) await linkParcels(tx, [id]);
      const item = await this.get(def, viewer, id, tx);
      if (!item) throw new AppError('FORBIDDEN', 'The feature was created outside what you may see.');
      return item;
    });
  }

  private editContext(viewer: Viewer, origin: EditContext['origin']): EditContext {
    return { userId: viewer.userId, origin };
  }

  // Plots only: the registry's rules for members of a draft growing area (403 for leaving a draft of
  // another commune, 422 with its reasons for joining or a crop), checked after the write's own
  // validation and the 409s of plot-areas.ts, as the registry checks them after the area's status.
  // Answers the write when the rules apply.
  private checkMembership(viewer: Viewer, areas: LockedAreas | null, write: PlotMembershipWrite): PlotMembershipWrite | null {
    if (!areas) return null;
    requireLeavingAllowed(viewer, areas, write);
    membershipFailed(membershipReasons(viewer, areas, write));
    return write;
  }

  // Plots only: the growing areas a write touches, locked before the plot row (see plot-areas.ts).
  private async lockPlotAreas(tx: Queryable, def: CollectionDef, values: readonly unknown[]): Promise<LockedAreas | null> {
    return def.id === 'plots' ? lockAreas(tx, values) : null;
  }

  /** PUT and PATCH: replaces the feature with the document built from the current one. */
  private async update(
    def: CollectionDef,
    viewer: Viewer,
    id: number,
    precondition: Precondition,
    build: (current: CurrentRow) => { doc: FeatureDocument; geometryChanged: boolean },
    origin: EditContext['origin'] = 'api',
  ): Promise<ItemResult> {
    this.authorizeCollection(def, viewer);
    const current = await this.loadCurrent(this.db, def, viewer, id, false);
    if (!current) throw new AppError('NOT_FOUND', `No ${def.id} feature ${id}.`);
    this.authorizeRow(def, viewer, current.row.commune_code);
    this.checkPrecondition(precondition, id, current.version);
    const { doc, geometryChanged } = build(current);
    const input = parseWrite(def, doc, current.properties, { geometryChanged });
    if (!geometryChanged && !input.reasons.length && unchanged(def, input, current)) {
      // A patch that changes nothing (e.g. {}) writes nothing: same version, same ETag, no log entry.
      const item = await this.get(def, viewer, id);
      if (item) return item;
    }
    const early = await this.preflight(def, input);
    return withEdits(this.db, this.editContext(viewer, origin), async (tx) => {
      const target = input.values.get('growing_area_id');
      const areas = await this.lockPlotAreas(tx, def, [current.row.growing_area_id, target]);
      const locked = await this.loadCurrent(tx, def, viewer, id, true);
      if (!locked) throw new AppError('NOT_FOUND', `No ${def.id} feature ${id}.`);
      if (locked.version !== current.version) this.checkPrecondition({ any: false, tags: [] }, id, locked.version);
      if (areas) {
        // Same version, same area as read before the lock (every change of growing_area_id bumps it); locked again in case.
        await lockAreas(tx, [locked.row.growing_area_id], areas);
        requireReleasablePlot(areas, id, locked.row.growing_area_id, 'edited');
      }
      if (def.id === 'growing_areas') requireDraftArea(id, locked.row.status, 'edited');
      const previousCommune = typeof locked.row.commune_code === 'string' ? locked.row.commune_code : null;
      await this.validate(tx, def, viewer, input, id, geometryChanged, previousCommune, early, locked.row);
      if (areas && target !== locked.row.growing_area_id) requireAreaTakingPlots(areas, target);
      const membership = this.checkMembership(viewer, areas, {
        id,
        before: { growing_area_id: locked.row.growing_area_id ?? null, crop: locked.row.crop },
        after: membershipAfter(input),
      });
      const crop = input.values.get('crop');
      if (def.id === 'growing_areas' && typeof crop === 'string' && crop !== locked.row.crop) {
        // The registry's profile edit: a draft's crop changes only to the one its member plots grow.
        membershipFailed(await memberCropReasons(tx, id, crop));
      }
      const params = new SqlParams();
      const sets: string[] = [];
      for (const p of def.properties) {
        if (!p.column || p.managed || !input.values.has(p.column)) continue;
        sets.push(`${p.column} = ${this.typed(params, p.type, input.values.get(p.column))}`);
      }
      if (def.geometry.writable && input.geometry) sets.push(`geom = ${GEOMETRY_FROM_PARAM(params.add(JSON.stringify(input.geometry)))}`);
      sets.push('version = t.version + 1', 'updated_at = now()');
      const { rows } = await tx.query<{ version: number }>(
        `UPDATE ${def.table} t SET ${sets.join(', ')} WHERE t.id = ${params.add(id)}::bigint AND t.version = ${params.add(current.version)}::int RETURNING t.version`,
        params.values,
      );
      if (!rows[0]) this.checkPrecondition({ any: false, tags: [] }, id, -1);
      // A plot joining a draft is linked to the parcels it covers, as the registry's attach does.
      if (membership && joinsArea(membership)) await linkParcels(tx, [id]);
      const item = await this.get(def, viewer, id, tx);
      if (!item) throw new AppError('FORBIDDEN', 'The feature was moved outside what you may see.');
      return item;
    });
  }

  /** PUT: the body replaces the feature (properties left out become empty or their default). */
  replace(def: CollectionDef, viewer: Viewer, id: number, precondition: Precondition, body: unknown): Promise<ItemResult> {
    return this.update(def, viewer, id, precondition, () => ({ doc: readFeatureDocument(body), geometryChanged: true }));
  }

  /** PATCH: a JSON Merge Patch over the current feature (only what it names changes). */
  patch(def: CollectionDef, viewer: Viewer, id: number, precondition: Precondition, patch: unknown): Promise<ItemResult> {
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
      throw new AppError('BAD_REQUEST', 'A merge patch must be a JSON object such as {"properties": {"variety": "Cát Chu"}}.');
    }
    const body = patch as Record<string, unknown>;
    if ('type' in body && body.type !== 'Feature') throw new AppError('BAD_REQUEST', 'A merge patch may not change the type of a Feature.');
    return this.update(def, viewer, id, precondition, (current) => {
      const merged = mergePatch({ type: 'Feature', geometry: current.geometry, properties: current.properties }, body);
      const doc = readFeatureDocument(merged);
      // A patch may name the geometry and still leave it as it was ({"geometry": {"type": "Polygon"}}).
      return { doc, geometryChanged: 'geometry' in body && JSON.stringify(doc.geometry) !== JSON.stringify(current.geometry) };
    });
  }

  /** DELETE: removes the feature (its history stays). */
  async remove(def: CollectionDef, viewer: Viewer, id: number, precondition: Precondition): Promise<void> {
    this.authorizeCollection(def, viewer);
    await withEdits(this.db, this.editContext(viewer, 'api'), async (tx) => {
      const areas = def.id === 'plots' ? await lockAreaOfPlot(tx, id) : null;
      const current = await this.loadCurrent(tx, def, viewer, id, true);
      if (!current) throw new AppError('NOT_FOUND', `No ${def.id} feature ${id}.`);
      this.authorizeRow(def, viewer, current.row.commune_code);
      this.checkPrecondition(precondition, id, current.version);
      if (areas) {
        await lockAreas(tx, [current.row.growing_area_id], areas);
        requireReleasablePlot(areas, id, current.row.growing_area_id, 'deleted');
      }
      if (def.id === 'growing_areas') requireDraftArea(id, current.row.status, 'deleted');
      await tx.query(`DELETE FROM ${def.table} WHERE id = $1 AND version = $2`, [id, current.version]);
    });
  }

  private async historyScope(def: CollectionDef, viewer: Viewer, id: number): Promise<Record<string, unknown>[]> {
    if (!canReadHistory(def, viewer)) {
      if (viewer.role === 'anonymous') throw new AppError('UNAUTHENTICATED', 'Sign in to read the edit history.');
      throw new AppError('FORBIDDEN', `Your role (${viewer.role}) may not read the history of ${def.id}.`);
    }
    const { rows } = await this.db.query<Record<string, unknown>>(
      `SELECT l.id, l.at::text AS at, l.action, l.origin, l.user_id, u.username, l.before, l.after
         FROM edit_log l LEFT JOIN users u ON u.id = l.user_id
        WHERE l.collection = $1 AND l.feature_id = $2 ORDER BY l.id LIMIT 10000`,
      [def.table, String(id)],
    );
    if (!rows.length) throw new AppError('NOT_FOUND', `No history for ${def.id} feature ${id}.`);
    const last = rows[rows.length - 1] as Record<string, unknown>;
    const doc = (last.after ?? last.before) as Record<string, unknown> | null;
    if (def.communeScoped) this.authorizeRow(def, viewer, doc?.commune_code);
    return rows;
  }

  /** Every recorded change of a feature, oldest first, with who, when and the before/after states. */
  async history(def: CollectionDef, viewer: Viewer, id: number): Promise<HistoryEntry[]> {
    const rows = await this.historyScope(def, viewer, id);
    return rows.map((r) => {
      const after = r.after as Record<string, unknown> | null;
      const before = r.before as Record<string, unknown> | null;
      return {
        id: Number(r.id),
        at: String(r.at),
        action: r.action as HistoryEntry['action'],
        origin: String(r.origin),
        user:
          r.user_id === null || r.user_id === undefined ? null : { id: Number(r.user_id), username: (r.username as string | null) ?? null },
        version: Number((after ?? before)?.version ?? 0) || null,
        before: toFeature(def, before),
        after: toFeature(def, after),
      };
    });
  }

  /**
   * Restores the state a history entry recorded (its "after"). It is an edit like any other: checked,
   * versioned, logged with origin 'restore'. A deleted feature comes back under its id.
   */
  async restore(
    def: CollectionDef,
    viewer: Viewer,
    id: number,
    entryId: number,
    precondition: Precondition | null,
  ): Promise<{ item: ItemResult; created: boolean }> {
    this.authorizeCollection(def, viewer);
    const rows = await this.historyScope(def, viewer, id);
    const entry = rows.find((r) => Number(r.id) === entryId);
    if (!entry) throw new AppError('NOT_FOUND', `No history entry ${entryId} for ${def.id} feature ${id}.`);
    const snapshot = entry.after as Record<string, unknown> | null;
    if (!snapshot) throw new AppError('BAD_REQUEST', `Entry ${entryId} records the deletion; restore the entry before it.`);
    const properties: Record<string, unknown> = {};
    for (const p of def.properties) if (p.column && !p.managed) properties[p.name] = snapshot[p.column] ?? null;
    const doc: FeatureDocument = { geometry: snapshot.geom ?? null, hasGeometry: true, properties };
    const exists = await this.loadCurrent(this.db, def, viewer, id, false);
    if (exists) {
      if (!precondition) throw new AppError('PRECONDITION_REQUIRED', 'Restoring over the current feature needs If-Match with its ETag.');
      const item = await this.update(
        def,
        viewer,
        id,
        precondition,
        (current) => ({ doc: { ...doc, properties: { ...properties, ...managedOf(def, current.properties) } }, geometryChanged: true }),
        'restore',
      );
      return { item, created: false };
    }
    const maxVersion = Math.max(...rows.map((r) => Number(((r.after ?? r.before) as Record<string, unknown> | null)?.version ?? 0)));
    const managed: Record<string, unknown> = {};
    for (const p of def.properties) if (p.column && p.managed) managed[p.name] = snapshot[p.column] ?? null;
    this.authorizeRow(def, viewer, snapshot.commune_code);
    const input = parseWrite(def, doc, managed, { geometryChanged: true });
    for (const p of def.properties) if (p.column && p.managed) input.values.set(p.column, snapshot[p.column] ?? p.default ?? null);
    const early = await this.preflight(def, input);
    const item = await withEdits(this.db, this.editContext(viewer, 'restore'), async (tx) => {
      const areas = await this.lockPlotAreas(tx, def, [input.values.get('growing_area_id')]);
      await this.validate(tx, def, viewer, input, id, true, null, early);
      if (areas) requireAreaTakingPlots(areas, input.values.get('growing_area_id'));
      const membership = this.checkMembership(viewer, areas, { id, before: null, after: membershipAfter(input) });
      const insert = this.insertSql(def, input, viewer, { id, version: maxVersion + 1 });
      await tx.query(insert.sql, insert.params);
      if (membership && joinsArea(membership)) await linkParcels(tx, [id]);
      const restored = await this.get(def, viewer, id, tx);
      if (!restored) throw new AppError('FORBIDDEN', 'The restored feature is outside what you may see.');
      return restored;
    });
    return { item, created: true };
  }
}

function unchanged(def: CollectionDef, input: WriteInput, current: CurrentRow): boolean {
  for (const p of def.properties) {
    if (!p.column || p.managed || !input.values.has(p.column)) continue;
    if (JSON.stringify(input.values.get(p.column) ?? null) !== JSON.stringify(current.row[p.column] ?? null)) return false;
  }
  return true;
}

function managedOf(def: CollectionDef, properties: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of def.properties) if (p.managed) out[p.name] = properties[p.name] ?? null;
  return out;
}
