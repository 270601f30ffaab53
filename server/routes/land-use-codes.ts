import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import type { Queryable } from '../db/index.ts';
import { sendCachedJson } from './cached-json.ts';

/** One land-use code as the legend and the map style see it; `fill` is resolved through groups and legacy mappings. */
export type LandUseCode = {
  code: string;
  nameVi: string;
  nameEn: string;
  group: string | null;
  fill: string | null;
  legacy: boolean;
  mapsTo: string | null;
  validFrom: string;
  validTo: string | null;
  sortOrder: number;
};

// land_use_fill() walks the code → current code → group chain, so legacy codes and codes without
// their own colour still get the colour an administrator set on the table.
const SELECT_CODES = `
  SELECT code, name_vi, name_en, group_code, land_use_fill(code) AS fill, legacy, maps_to,
         valid_from, valid_to, sort_order
  FROM land_use_codes
  ORDER BY sort_order, code`;

type Row = {
  code: string;
  name_vi: string;
  name_en: string;
  group_code: string | null;
  fill: string | null;
  legacy: boolean;
  maps_to: string | null;
  valid_from: string;
  valid_to: string | null;
  sort_order: number;
};

/** Reads the land-use colour table (DOMAIN.md: colours are data, the style is generated from them). */
export async function readLandUseCodes(db: Queryable): Promise<LandUseCode[]> {
  const { rows } = await db.query<Row>(SELECT_CODES);
  return rows.map((r) => ({
    code: r.code,
    nameVi: r.name_vi,
    nameEn: r.name_en,
    group: r.group_code,
    fill: r.fill,
    legacy: r.legacy,
    mapsTo: r.maps_to,
    validFrom: String(r.valid_from),
    validTo: r.valid_to === null ? null : String(r.valid_to),
    sortOrder: Number(r.sort_order),
  }));
}

/** GET /api/land-use-codes: the legend and the style's colour table, with an ETag so phones revalidate cheaply. */
export async function landUseCodeRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/api/land-use-codes', async (request, reply) => {
    const codes = await readLandUseCodes(ctx.db);
    return sendCachedJson(request, reply, JSON.stringify({ codes }), 'public, max-age=60, must-revalidate');
  });
}
