import { beforeAll, describe, expect, it } from 'vitest';
import { useRegistryApp } from '../helpers/registry-app.ts';

// Deleting a plot through the features API while its growing area is under review or holds a code
// in force would shrink the area behind that code (the area follows its plots by trigger).

const reg = useRegistryApp({ fixture: false });
let officer: Record<string, string>;

beforeAll(async () => {
  const login = await reg.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username: 'officer', password: 'officer-bando-2026' },
  });
  officer = { authorization: `Bearer ${login.json<{ token: string }>().token}` };
});

/** The first plot of the officer's ward whose growing area has this status, with the area's id and area. */
async function plotOfArea(status: string): Promise<{ id: number; area: number; areaM2: number }> {
  const { rows } = await reg.db.query<{ id: number; area: number; area_m2: number }>(
    `SELECT p.id, g.id AS area, g.area_m2 FROM plots p JOIN growing_areas g ON g.id = p.growing_area_id
      WHERE g.status = $1 AND p.commune_code = '29869' ORDER BY p.id LIMIT 1`,
    [status],
  );
  if (!rows[0]) throw new Error(`the seed has no plot in a ${status} growing area of ward 29869`);
  return { id: rows[0].id, area: rows[0].area, areaM2: rows[0].area_m2 };
}

async function remove(id: number) {
  const current = await reg.app.inject({ url: `/ogc/collections/plots/items/${id}`, headers: officer });
  return reg.app.inject({
    method: 'DELETE',
    url: `/ogc/collections/plots/items/${id}`,
    headers: { ...officer, 'if-match': current.headers.etag as string },
  });
}

describe('deleting a plot that belongs to a growing area', () => {
  it('is refused with 409 naming the area and its status while the area holds an issued code, and nothing changes', async () => {
    const plot = await plotOfArea('issued');
    const logBefore = await reg.db.query<{ n: number }>('SELECT count(*)::int n FROM edit_log');
    const response = await remove(plot.id);
    expect(response.statusCode, response.body).toBe(409);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({
      reason: 'plot-in-locked-growing-area',
      growingAreaId: plot.area,
      growingAreaStatus: 'issued',
    });
    expect(response.json().detail).toContain(`growing area ${plot.area}`);
    const after = await reg.db.query<{ n: number; area_m2: number }>(
      'SELECT (SELECT count(*)::int FROM plots WHERE id = $1) n, (SELECT area_m2 FROM growing_areas WHERE id = $2) area_m2',
      [plot.id, plot.area],
    );
    expect(after.rows[0]).toEqual({ n: 1, area_m2: plot.areaM2 });
    expect((await reg.db.query<{ n: number }>('SELECT count(*)::int n FROM edit_log')).rows[0]!.n).toBe(logBefore.rows[0]!.n);
  });

  it('is refused while the dossier is submitted', async () => {
    const plot = await plotOfArea('submitted');
    expect((await remove(plot.id)).statusCode).toBe(409);
  });

  it('goes through while the area is a draft, and the draft’s area follows', async () => {
    const plot = await plotOfArea('draft');
    const response = await remove(plot.id);
    expect(response.statusCode, response.body).toBe(204);
    expect((await reg.app.inject({ url: `/ogc/collections/plots/items/${plot.id}`, headers: officer })).statusCode).toBe(404);
    const area = await reg.db.query<{ area_m2: number }>('SELECT area_m2 FROM growing_areas WHERE id = $1', [plot.area]);
    expect(area.rows[0]!.area_m2).toBeLessThan(plot.areaM2);
  });
});
