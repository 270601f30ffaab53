// The crop catalogue under /api/crops (JSON; errors as problem+json): what the plot and growing-area
// forms offer, with each crop's type and the minimum area the registry enforces.
//
//   GET /api/crops[?type=perennial|annual]
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import type { Queryable } from '../db/index.ts';
import { CropListQuery, type Crop } from '../contracts/crops.ts';
import { AppError } from '../plugins/errors.ts';
import { refuseWrites, sendCachedJson } from './cached-json.ts';

// Perennials first, then annuals, by code (byte order: the same on every database's collation).
const SELECT_CROPS = `
  SELECT code, name_vi, name_en, crop_type, min_area_m2
  FROM crops
  WHERE $1::text IS NULL OR crop_type = $1::text
  ORDER BY crop_type = 'annual', code COLLATE "C"`;

type Row = { code: string; name_vi: string; name_en: string; crop_type: Crop['type']; min_area_m2: number | string };

/** Reads the crop table, optionally one type only. */
export async function readCrops(db: Queryable, type?: Crop['type']): Promise<Crop[]> {
  const { rows } = await db.query<Row>(SELECT_CROPS, [type ?? null]);
  return rows.map((r) => ({ code: r.code, nameVi: r.name_vi, nameEn: r.name_en, type: r.crop_type, minAreaM2: Number(r.min_area_m2) }));
}

const PARAMETERS = new Set(Object.keys(CropListQuery.properties));

/** Registers GET /api/crops (cached: ETag and a minute's max-age, like the land-use table) and 405 for writes. */
export async function cropRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get<{ Querystring: CropListQuery }>(
    '/api/crops',
    {
      schema: { querystring: CropListQuery },
      // Fastify strips unknown parameters silently; a misspelt filter must not answer the whole table.
      preValidation: async (req) => {
        const unknown = Object.keys((req.query ?? {}) as Record<string, unknown>).filter((k) => !PARAMETERS.has(k));
        if (unknown.length) {
          throw new AppError(
            'BAD_REQUEST',
            `Unknown query parameter ${JSON.stringify(unknown[0]!.slice(0, 40))}; /api/crops takes only type.`,
          );
        }
      },
    },
    async (req, reply) => {
      const crops = await readCrops(ctx.db, req.query.type);
      return sendCachedJson(req, reply, JSON.stringify({ crops }), 'public, max-age=60, must-revalidate');
    },
  );
  refuseWrites(app, '/api/crops', 'The crop catalogue is read-only here; an administrator edits the crops table.');
}
