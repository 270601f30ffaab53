// The land-use maps under /api/landuse-maps (JSON; errors as problem+json): each status (hiện trạng)
// and plan (quy hoạch) map with the codes its areas use, so the legend lists what the shown map draws.
//
//   GET /api/landuse-maps
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import type { LandUseMap, LandUseMapKind, LandUseMapWithCodes } from '../contracts/landuse-maps.ts';
import type { Queryable } from '../db/index.ts';
import { AppError } from '../plugins/errors.ts';
import { refuseWrites, sendCachedJson } from './cached-json.ts';

const SELECT_MAPS = `
  SELECT id, kind, name, year, period_to, decision_no FROM landuse_maps ORDER BY kind DESC, year DESC, id DESC`;

// Distinct codes per map. A scan of landuse_areas (about 0.2 s for the city's 26,000 areas on the
// embedded database), so the answer is kept until the landuse data version changes.
const SELECT_CODES = `
  SELECT map_id, array_agg(DISTINCT land_use_code ORDER BY land_use_code) AS codes FROM landuse_areas GROUP BY map_id`;

type MapRow = { id: number; kind: LandUseMapKind; name: string; year: number; period_to: number | null; decision_no: string | null };

/**
 * The map of each kind in force in `year`: among the maps that started by then, those whose period
 * still runs (a status map has none) first, then the latest start; a kind whose maps all start
 * later shows its earliest.
 */
export function currentMapIds(maps: readonly Pick<LandUseMap, 'id' | 'kind' | 'year' | 'periodTo'>[], year: number): Set<number> {
  const ids = new Set<number>();
  const later = (a: { year: number; id: number }, b: { year: number; id: number }) => a.year - b.year || a.id - b.id;
  for (const kind of ['status', 'plan'] as const) {
    const own = maps.filter((m) => m.kind === kind);
    const started = own.filter((m) => m.year <= year);
    const running = started.filter((m) => m.periodTo === null || m.periodTo >= year);
    const pool = running.length ? running : started;
    const pick = pool.length ? pool.sort(later).at(-1) : own.sort(later)[0];
    if (pick) ids.add(pick.id);
  }
  return ids;
}

/** Every land-use map, status maps first, newest first, with the current one of each kind marked. */
export async function readLandUseMaps(db: Queryable, year = new Date().getFullYear()): Promise<LandUseMap[]> {
  const { rows } = await db.query<MapRow>(SELECT_MAPS);
  const maps = rows.map((r) => ({
    id: Number(r.id),
    kind: r.kind,
    name: r.name,
    year: Number(r.year),
    periodTo: r.period_to === null ? null : Number(r.period_to),
    decisionNo: r.decision_no,
    current: false,
  }));
  const current = currentMapIds(maps, year);
  for (const m of maps) m.current = current.has(m.id);
  return maps;
}

/** Registers GET /api/landuse-maps (ETag, revalidated after a minute) and 405 for writes. */
export async function landUseMapRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  let memo: { version: string; codes: Map<number, string[]> } | undefined;
  // The landuse TileJSON's tile URL carries the data version, which every edit of the land-use tables bumps.
  const dataVersion = async (): Promise<string | undefined> => {
    const res = await app.inject({ method: 'GET', url: '/tiles/landuse' });
    if (res.statusCode !== 200) return undefined;
    const tiles = (res.json() as { tiles?: string[] }).tiles;
    return tiles?.[0] ? new URL(tiles[0].replace(/[{}]/g, '')).search : undefined;
  };
  const codesPerMap = async (): Promise<Map<number, string[]>> => {
    const version = await dataVersion();
    if (memo && version !== undefined && memo.version === version) return memo.codes;
    const { rows } = await ctx.db.query<{ map_id: number; codes: string[] }>(SELECT_CODES);
    const codes = new Map(rows.map((r) => [Number(r.map_id), r.codes]));
    if (version !== undefined) memo = { version, codes };
    return codes;
  };

  app.get('/api/landuse-maps', async (request, reply) => {
    if (Object.keys((request.query ?? {}) as Record<string, unknown>).length) {
      throw new AppError('BAD_REQUEST', '/api/landuse-maps takes no query parameters.');
    }
    const [maps, codes] = await Promise.all([readLandUseMaps(ctx.db), codesPerMap()]);
    const body: { maps: LandUseMapWithCodes[] } = { maps: maps.map((m) => ({ ...m, codes: codes.get(m.id) ?? [] })) };
    return sendCachedJson(request, reply, JSON.stringify(body), 'public, max-age=60, must-revalidate');
  });
  refuseWrites(app, '/api/landuse-maps', 'Land-use maps are loaded by import, not through this endpoint.');
}
