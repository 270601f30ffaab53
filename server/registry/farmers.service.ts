// Farmers: public side (commune, hamlet, lookup code) and personal data kept apart. Officers of
// the farmer's commune and administrators read and change them, and every reveal of personal data
// is logged; a farmer reads their own profile and plots; a lookup code shows plots, never a name.
import { TEXT_REASONS, nameProblem } from '../domain/registry-text.ts';
import { createHash, randomInt } from 'node:crypto';
import type { Viewer } from '../contracts/viewer.ts';
import type { CommunePlotsQuery, FarmerBody, FarmerListItem, FarmerListQuery, FarmerPatch, FarmerView } from '../contracts/registry.ts';
import type { Db, Queryable } from '../db/index.ts';
import { withEdits } from '../db/edit-context.ts';
import { AppError } from '../plugins/errors.ts';
import { communeScope, logReveal, requireCommune, requireStaff, worksIn } from './access.ts';
import type { IfMatch } from './preconditions.ts';
import * as SQL from './farmers.sql.ts';
import { CURRENT_UNIT_BY_CODE } from './units.sql.ts';

type FarmerRow = {
  id: number;
  lookup_code: string;
  commune_code: string;
  hamlet: string | null;
  created_at: Date;
  version: number;
  full_name: string | null;
  citizen_id: string | null;
  phone: string | null;
  address: string | null;
};

function view(row: FarmerRow): FarmerView {
  return {
    id: row.id,
    lookupCode: row.lookup_code,
    communeCode: row.commune_code,
    hamlet: row.hamlet,
    fullName: row.full_name,
    citizenId: row.citizen_id,
    phone: row.phone,
    address: row.address,
    version: row.version,
  };
}

// Crockford-like alphabet without 0/O, 1/I/L: read aloud over the phone and typed on a keypad.
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** A new random lookup code such as ND-7K3M-Q9XP (about 40 bits: not guessable by trying). */
export function newLookupCode(): string {
  const pick = (): string => ALPHABET[randomInt(ALPHABET.length)]!;
  const group = (): string => Array.from({ length: 4 }, pick).join('');
  return `ND-${group()}-${group()}`;
}

/** Throws unless the code names one of today's communes or wards. */
export async function requireCurrentCommune(q: Queryable, code: string): Promise<void> {
  const { rows } = await q.query(CURRENT_UNIT_BY_CODE, [code]);
  if (rows.length === 0) throw new AppError('VALIDATION_FAILED', `Commune ${code} is not one of today's communes or wards.`);
}

type FarmerListRow = FarmerRow & {
  commune_name: string | null;
  plot_count: number;
  first_plot_id: number | string | null;
  bbox: [number, number, number, number] | null;
  total: number;
};

/** Farmers in the viewer's communes, with personal data (the reveal is logged), each with their plots' count and extent. */
export async function listFarmers(db: Db, viewer: Viewer, query: FarmerListQuery): Promise<{ total: number; farmers: FarmerListItem[] }> {
  requireStaff(viewer);
  let scope = communeScope(viewer);
  if (query.commune) {
    requireCommune(viewer, query.commune);
    scope = [query.commune];
  }
  return db.transaction(async (tx) => {
    // "087 123 456 789" or "0909.111.222": people write numbers in groups; stored IDs are digits.
    const digits = query.q && /^[0-9][0-9 .+-]{4,}$/.test(query.q.trim()) ? query.q.replace(/[^0-9]/g, '') : null;
    const { rows } = await tx.query<FarmerListRow>(SQL.LIST_FARMERS, [scope, query.q ?? null, query.limit, query.offset, digits]);
    await logReveal(
      tx,
      viewer,
      rows.map((r) => `farmer:${r.id}`),
      'list',
    );
    return {
      total: rows[0]?.total ?? 0,
      farmers: rows.map((r) => ({
        ...view(r),
        communeName: r.commune_name,
        plotCount: r.plot_count,
        firstPlotId: r.first_plot_id === null ? null : Number(r.first_plot_id),
        bbox: r.bbox,
      })),
    };
  });
}

/** One farmer with personal data, for staff of the farmer's commune or the farmer. */
export async function getFarmer(db: Db, viewer: Viewer, id: number): Promise<FarmerView> {
  return db.transaction(async (tx) => {
    const row = (await tx.query<FarmerRow>(SQL.FARMER_WITH_PRIVATE, [id])).rows[0];
    const own = viewer.role === 'farmer' && viewer.farmerId === id;
    if (!own) {
      requireStaff(viewer);
      if (!row) throw new AppError('NOT_FOUND', `No farmer ${id}.`);
      requireCommune(viewer, row.commune_code);
      await logReveal(tx, viewer, [`farmer:${id}`], 'profile');
    }
    if (!row) throw new AppError('NOT_FOUND', `No farmer ${id}.`);
    return view(row);
  });
}

/** 422 `name-no-letter` ("🙂", "123") or `name-pictograph` ("Lê Văn 🙂"), field `fullName`, for a farmer's name that is none. */
function refuseNonName(fullName: string): void {
  const problem = nameProblem(fullName);
  if (problem === TEXT_REASONS.NAME_NO_LETTER)
    throw new AppError('VALIDATION_FAILED', `fullName "${fullName}" has no letter: write the farmer's name in words.`, {
      reason: problem,
      field: 'fullName',
    });
  if (problem === TEXT_REASONS.NAME_PICTOGRAPH)
    throw new AppError(
      'VALIDATION_FAILED',
      `fullName "${fullName}" holds an emoji or pictograph: write the farmer's name in letters only.`,
      {
        reason: problem,
        field: 'fullName',
      },
    );
}

/** The reason of the 409 for a citizen ID another farmer holds. */
export const DUPLICATE_CITIZEN_ID = 'duplicate-citizen-id';

/** A citizen ID as digits: the spaces, dots and hyphens people write between groups left out (null stays null). */
export function citizenDigits(id: string | null | undefined): string | null {
  return id === undefined || id === null ? null : id.replace(/[^0-9]/g, '');
}

type CitizenHolder = {
  id: number;
  lookup_code: string;
  commune_code: string;
  hamlet: string | null;
  full_name: string;
  commune_name: string | null;
};

/** Thrown inside a write's transaction when the ID is taken, so the refusal (and its reveal log) comes after the rollback. */
class CitizenIdTaken extends Error {
  constructor(readonly holder: CitizenHolder) {
    super('citizen ID taken');
  }
}

/** Throws CitizenIdTaken when a farmer other than `exceptId` holds the ID. */
async function requireFreeCitizenId(q: Queryable, citizenId: string | null, exceptId: number | null): Promise<void> {
  if (citizenId === null) return;
  const holder = (await q.query<CitizenHolder>(SQL.FARMER_BY_CITIZEN_ID, [citizenId, exceptId])).rows[0];
  if (holder) throw new CitizenIdTaken(holder);
}

/**
 * Runs a write that sets a farmer's citizen ID and turns "another farmer holds it" into 409
 * `duplicate-citizen-id`, field `citizenId`, whether the check in the write saw it or the unique index
 * (migration 024) did, when two officers registered the ID at the same moment. The refusal names the
 * holder (id, card code, name, commune, hamlet) only to a viewer who may read that farmer, and that reveal is
 * logged; anyone else learns only that the ID is registered in another commune.
 */
async function refusingTakenCitizenId<T>(
  db: Db,
  viewer: Viewer,
  citizenId: string | null,
  exceptId: number | null,
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    let holder = error instanceof CitizenIdTaken ? error.holder : undefined;
    if (!holder && citizenId !== null && (error as { code?: unknown }).code === '23505')
      holder = (await db.query<CitizenHolder>(SQL.FARMER_BY_CITIZEN_ID, [citizenId, exceptId])).rows[0];
    if (!holder) throw error;
    const details = { reason: DUPLICATE_CITIZEN_ID, field: 'citizenId' };
    if (!worksIn(viewer, holder.commune_code))
      throw new AppError(
        'CONFLICT',
        'This citizen ID is already registered to a farmer in another commune; ask that commune or an administrator.',
        details,
      );
    await logReveal(db, viewer, [`farmer:${holder.id}`], 'duplicate-citizen-id');
    throw new AppError('CONFLICT', `This citizen ID is already registered to farmer ${holder.id} (${holder.lookup_code}).`, {
      ...details,
      farmer: {
        id: Number(holder.id),
        lookupCode: holder.lookup_code,
        fullName: holder.full_name,
        communeCode: holder.commune_code,
        communeName: holder.commune_name,
        hamlet: holder.hamlet,
      },
    });
  }
}

/** Registers a farmer with a fresh lookup code; 409 `duplicate-citizen-id` when another farmer holds the citizen ID. */
export async function createFarmer(db: Db, viewer: Viewer, body: FarmerBody): Promise<FarmerView> {
  requireCommune(viewer, body.communeCode);
  refuseNonName(body.fullName);
  const citizenId = citizenDigits(body.citizenId);
  const id = await refusingTakenCitizenId(db, viewer, citizenId, null, () =>
    withEdits(db, { userId: viewer.userId, origin: 'api' }, async (tx) => {
      await requireCurrentCommune(tx, body.communeCode);
      await requireFreeCitizenId(tx, citizenId, null);
      const { rows } = await tx.query<{ id: number }>(SQL.INSERT_FARMER, [newLookupCode(), body.communeCode, body.hamlet ?? null]);
      const farmerId = rows[0]!.id;
      await tx.query(SQL.INSERT_FARMER_PRIVATE, [farmerId, body.fullName, citizenId, body.phone ?? null, body.address ?? null]);
      return farmerId;
    }),
  );
  return getFarmer(db, viewer, id);
}

/**
 * The strong ETag of a farmer as the registry shows it: `"id-version.hash"`, the hash of the whole
 * answer. The version moves with every change of the farmers row (the registry's writes and SQL,
 * migration 020), but the name, citizen ID and phone live in farmer_private, whose UPDATE in SQL
 * moves no version of the farmer: the hash makes such a change a new tag too. Every viewer reads the
 * same answer, so the tag is not scoped to the viewer.
 */
export function farmerETag(farmer: FarmerView): string {
  const hash = createHash('sha256').update(JSON.stringify(farmer)).digest('base64url').slice(0, 8);
  return `"${farmer.id}-${farmer.version}.${hash}"`;
}

/**
 * Changes a farmer's public and personal data; moving to another commune needs both communes. Made
 * on the copy `ifMatch` names (the ETag the editor read), as DESIGN.md asks of every editable
 * collection: 428 without it, 412 when the farmer changed since, so two officers correcting one
 * farmer do not overwrite each other. A missing farmer is 404 and another commune's 403 first.
 */
export async function updateFarmer(
  db: Db,
  viewer: Viewer,
  id: number,
  patch: FarmerPatch,
  ifMatch: IfMatch | null = null,
): Promise<FarmerView> {
  requireStaff(viewer);
  const citizenId = 'citizenId' in patch ? citizenDigits(patch.citizenId) : null;
  await refusingTakenCitizenId(db, viewer, citizenId, id, () =>
    withEdits(db, { userId: viewer.userId, origin: 'api' }, async (tx) => {
      // Locked, so a PATCH sent at the same moment with the same tag waits and then meets the new version.
      const row = (await tx.query<FarmerRow>(SQL.FARMER_WITH_PRIVATE_FOR_UPDATE, [id])).rows[0];
      if (!row) throw new AppError('NOT_FOUND', `No farmer ${id}.`);
      requireCommune(viewer, row.commune_code);
      if (!ifMatch)
        throw new AppError(
          'PRECONDITION_REQUIRED',
          `Correcting farmer ${id} needs If-Match with the ETag of the copy you read (GET /api/farmers/${id} first).`,
        );
      if (!ifMatch.any) {
        const current = farmerETag(view(row));
        if (!ifMatch.tags.includes(current))
          throw new AppError(
            'PRECONDITION_FAILED',
            `Farmer ${id} changed since you read it (now version ${row.version}); read it again and apply your edit again.`,
            { currentETag: current },
          );
      }
      const commune = patch.communeCode ?? row.commune_code;
      if (commune !== row.commune_code) {
        requireCommune(viewer, commune);
        await requireCurrentCommune(tx, commune);
      }
      const pick = <K extends keyof FarmerPatch>(key: K, current: unknown): unknown => (key in patch ? (patch[key] ?? null) : current);
      await tx.query(SQL.UPDATE_FARMER, [id, commune, pick('hamlet', row.hamlet)]);
      if (patch.fullName !== undefined && patch.fullName !== null) refuseNonName(patch.fullName);
      const fullName = patch.fullName ?? row.full_name;
      if (!fullName) throw new AppError('VALIDATION_FAILED', 'A farmer needs a full name.');
      if ('citizenId' in patch && citizenId !== row.citizen_id) await requireFreeCitizenId(tx, citizenId, id);
      await tx.query(SQL.UPSERT_FARMER_PRIVATE, [
        id,
        fullName,
        'citizenId' in patch ? citizenId : row.citizen_id,
        pick('phone', row.phone),
        pick('address', row.address),
      ]);
    }),
  );
  return getFarmer(db, viewer, id);
}

/** A plot as its farmer (or anyone with the farmer's card) sees it: no personal data. */
export type FarmerPlot = Record<string, unknown>;

/** The plots of a farmer, for staff of the commune or the farmer themself. */
export async function farmerPlots(db: Db, viewer: Viewer, farmerId: number): Promise<FarmerPlot[]> {
  if (!(viewer.role === 'farmer' && viewer.farmerId === farmerId)) {
    requireStaff(viewer);
    const row = (await db.query<FarmerRow>(SQL.FARMER_WITH_PRIVATE, [farmerId])).rows[0];
    if (!row) throw new AppError('NOT_FOUND', `No farmer ${farmerId}.`);
    requireCommune(viewer, row.commune_code);
  }
  return (await db.query(SQL.PLOTS_OF_FARMER, [farmerId])).rows;
}

/** The signed-in farmer's own plots; 401 for visitors, 403 for accounts that are not a farmer's. */
export async function myPlots(db: Db, viewer: Viewer): Promise<FarmerPlot[]> {
  if (viewer.role === 'anonymous') throw new AppError('UNAUTHENTICATED', 'Sign in to see your plots.');
  if (viewer.role !== 'farmer' || viewer.farmerId === null) {
    throw new AppError('FORBIDDEN', 'This account is not a farmer’s; officers find plots through the registry.');
  }
  return (await db.query(SQL.PLOTS_OF_FARMER, [viewer.farmerId])).rows;
}

/**
 * One page of the plots of the viewer's communes (or of one of them), as a farmer's own are listed:
 * an officer's "my plots". No personal data, so nothing is logged; `total` counts them all.
 */
export async function communePlots(db: Db, viewer: Viewer, query: CommunePlotsQuery): Promise<{ total: number; plots: FarmerPlot[] }> {
  requireStaff(viewer);
  let scope = communeScope(viewer);
  if (query.commune) {
    requireCommune(viewer, query.commune);
    scope = [query.commune];
  }
  const total = (await db.query<{ total: number }>(SQL.COUNT_PLOTS_OF_COMMUNES, [scope])).rows[0]?.total ?? 0;
  const { rows } = await db.query(SQL.PLOTS_OF_COMMUNES, [scope, query.limit, query.offset]);
  return { total, plots: rows };
}

/** The signed-in farmer's own profile, personal data included (it is theirs). */
export async function myProfile(db: Db, viewer: Viewer): Promise<FarmerView> {
  if (viewer.role === 'anonymous') throw new AppError('UNAUTHENTICATED', 'Sign in to see your profile.');
  if (viewer.role !== 'farmer' || viewer.farmerId === null) throw new AppError('FORBIDDEN', 'This account is not a farmer’s.');
  return getFarmer(db, viewer, viewer.farmerId);
}

/** Plots behind a farmer's card code, for a farmer without an account: plots only, no name, ID or phone. */
export async function plotsByLookupCode(db: Db, code: string): Promise<{ communeCode: string; plots: FarmerPlot[] }> {
  const farmer = (await db.query<{ id: number; commune_code: string }>(SQL.FARMER_BY_LOOKUP_CODE, [code])).rows[0];
  if (!farmer) throw new AppError('NOT_FOUND', 'No farmer has this card code; check the letters on the card.');
  return { communeCode: farmer.commune_code, plots: (await db.query(SQL.PLOTS_OF_FARMER, [farmer.id])).rows };
}
