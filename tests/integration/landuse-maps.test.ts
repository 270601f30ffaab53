import type { StyleSpecification } from '@maplibre/maplibre-gl-style-spec';
import { describe, expect, it } from 'vitest';
import type { LandUseMapWithCodes } from '../../server/contracts/landuse-maps.ts';
import { useRegistryApp } from '../helpers/registry-app.ts';

const reg = useRegistryApp({ fixture: false });

async function codesInTable(): Promise<Map<number, string[]>> {
  const { rows } = await reg.db.query<{ map_id: number; code: string }>(
    `SELECT DISTINCT map_id, land_use_code AS code FROM landuse_areas ORDER BY 1, 2`,
  );
  const out = new Map<number, string[]>();
  for (const r of rows) out.set(Number(r.map_id), [...(out.get(Number(r.map_id)) ?? []), r.code]);
  return out;
}

describe('GET /api/landuse-maps', () => {
  it('lists every land-use map with the codes its areas use and the current one of each kind marked', async () => {
    const res = await reg.app.inject({ url: '/api/landuse-maps' });
    expect(res.statusCode).toBe(200);
    expect(res.headers.etag).toBeDefined();
    const { maps } = res.json() as { maps: LandUseMapWithCodes[] };
    const table = await reg.db.query<{ id: number; kind: string }>('SELECT id, kind FROM landuse_maps ORDER BY id');
    expect(maps.map((m) => m.id).sort()).toEqual(table.rows.map((r) => Number(r.id)).sort());
    const codes = await codesInTable();
    for (const m of maps) expect(m.codes, m.name).toEqual(codes.get(m.id) ?? []);
    // One current map per kind (the seed has one status map and one plan).
    expect(
      maps
        .filter((m) => m.current)
        .map((m) => m.kind)
        .sort(),
    ).toEqual(['plan', 'status']);
    expect(maps[0]!.kind).toBe('status');
    const again = await reg.app.inject({ url: '/api/landuse-maps', headers: { 'if-none-match': String(res.headers.etag) } });
    expect(again.statusCode).toBe(304);
  });

  it('follows edits: a new area’s code reaches the list, and a plan starting this year becomes the current one, in the style too', async () => {
    const plan = Number(
      (await reg.db.query<{ id: number }>(`SELECT id FROM landuse_maps WHERE kind = 'plan' ORDER BY id LIMIT 1`)).rows[0]!.id,
    );
    const newer = Number(
      (
        await reg.db.query<{ id: number }>(
          `INSERT INTO landuse_maps (kind, name, year, period_to, admin_code)
           VALUES ('plan', 'Quy hoạch mới', extract(year FROM now())::int, extract(year FROM now())::int + 9, '866') RETURNING id`,
        )
      ).rows[0]!.id,
    );
    await reg.db.query(
      `INSERT INTO landuse_areas (map_id, land_use_code, geom) SELECT $1, 'NTD', geom FROM landuse_areas WHERE map_id = $2 ORDER BY id LIMIT 3`,
      [newer, plan],
    );
    try {
      // The tile engine hears of the edit through LISTEN/NOTIFY; the list is cached per data version.
      await expect
        .poll(
          async () =>
            ((await reg.app.inject({ url: '/api/landuse-maps' })).json() as { maps: LandUseMapWithCodes[] }).maps.find(
              (m) => m.id === newer,
            )?.codes,
          { timeout: 10_000 },
        )
        .toEqual(['NTD']);
      const { maps } = (await reg.app.inject({ url: '/api/landuse-maps' })).json() as { maps: LandUseMapWithCodes[] };
      expect(maps.find((m) => m.id === newer)?.current).toBe(true);
      expect(maps.find((m) => m.id === plan)?.current).toBe(false);
      // The style opens on the current plan.
      const style = (await reg.app.inject({ url: '/style.json' })).json() as StyleSpecification;
      expect((style.layers.find((l) => l.id === 'landuse-fill') as { filter?: unknown }).filter).toEqual(['==', ['get', 'map_id'], newer]);
    } finally {
      await reg.db.query('DELETE FROM landuse_maps WHERE id = $1', [newer]);
    }
  });

  it('answers hostile query strings with 400 and writes with 405, never a 5xx', async () => {
    for (const query of ['?kind=plan', '?id=1', "?x='--", '?%ZZ', `?q=${'a'.repeat(3000)}`]) {
      const res = await reg.app.inject({ url: `/api/landuse-maps${query}` });
      expect(res.statusCode, query).toBe(400);
      expect(res.headers['content-type'], query).toMatch(/^application\/problem\+json/);
    }
    const before = await reg.db.query<{ n: number }>('SELECT count(*)::int n FROM landuse_maps');
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
      const res = await reg.app.inject({ method, url: '/api/landuse-maps', payload: { kind: 'plan' } });
      expect(res.statusCode, method).toBe(405);
      expect(res.headers.allow).toBe('GET, HEAD');
    }
    expect((await reg.db.query<{ n: number }>('SELECT count(*)::int n FROM landuse_maps')).rows[0]!.n).toBe(before.rows[0]!.n);
  });
});

describe('GET /ogc/collections/landuse/items', () => {
  it("gives an area its map's last year (map_period_to) beside its first, for a plan's period on the card; a status map none", async () => {
    const { rows } = await reg.db.query<{ id: number; kind: string; year: number; period_to: number | null }>(
      `SELECT DISTINCT ON (m.id) a.id, m.kind, m.year, m.period_to
         FROM landuse_maps m JOIN landuse_areas a ON a.map_id = m.id ORDER BY m.id, a.id`,
    );
    expect(rows.map((r) => r.kind).sort()).toEqual(['plan', 'status']);
    for (const area of rows) {
      const res = await reg.app.inject({ url: `/ogc/collections/landuse/items/${area.id}`, headers: { accept: 'application/geo+json' } });
      expect(res.statusCode).toBe(200);
      const p = (res.json() as { properties: Record<string, unknown> }).properties;
      expect(p.map_year).toBe(Number(area.year));
      expect(p.map_period_to ?? null).toBe(area.period_to === null ? null : Number(area.period_to));
      if (area.kind === 'plan') expect(p.map_period_to, 'the seeded plan has a period').toBeGreaterThan(Number(area.year));
    }
    const queryables = (await reg.app.inject({ url: '/ogc/collections/landuse/queryables' })).json() as {
      properties: Record<string, { title?: string; type?: string }>;
    };
    expect(queryables.properties.map_period_to).toMatchObject({ title: 'Đến năm / Until', type: 'integer' });
    // Hostile filters on it: a clear 400, never a 5xx.
    for (const query of ['map_period_to=abc', "map_period_to='--", 'map_period_to=2030)', 'map_period_to=1e400']) {
      const res = await reg.app.inject({ url: `/ogc/collections/landuse/items?${query}` });
      expect(res.statusCode, query).toBe(400);
      expect(res.headers['content-type'], query).toMatch(/^application\/problem\+json/);
    }
    const far = await reg.app.inject({ url: '/ogc/collections/landuse/items?map_period_to=99999999999999999999' });
    expect(far.statusCode).toBe(200);
    expect((far.json() as { features: unknown[] }).features).toEqual([]);
  });
});
