// A growing area inserted straight into the table, as the registry would have left it: the tests
// of what plot writes may do to areas need areas in every status without walking the workflow.
import type { Db } from '../../server/db/index.ts';

export type GrowingAreaRow = {
  code: string | null;
  name: string;
  crop: string;
  status: string;
  commune: string;
  /** A free lineage id to insert with (the row then becomes its own lineage); a free negative one if absent. */
  lineage?: number;
};

/** Inserts a domestic-3156 growing area of 'HTX Thử', first of its own lineage, and returns its id. */
export async function insertGrowingArea(db: Db, area: GrowingAreaRow): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO growing_areas (lineage_id, code, scheme, name, crop, status, registrant_name, commune_code)
     VALUES (coalesce($1, -1 - (SELECT count(*) FROM growing_areas)), $2, 'domestic-3156', $3, $4, $5, 'HTX Thử', $6) RETURNING id`,
    [area.lineage ?? null, area.code, area.name, area.crop, area.status, area.commune],
  );
  const id = rows[0]!.id;
  await db.query('UPDATE growing_areas SET lineage_id = id WHERE id = $1', [id]);
  return id;
}
