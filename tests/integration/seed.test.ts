// The sample data the whole platform is tried on: parcels that tile the land without overlaps,
// valid geometry everywhere, Mekong-delta sizes and land uses, administrative units that follow
// the 2025 reorganisation, and the fixtures other features test against. Runs on the seeded
// template (3,000 parcels) of both databases.
import { verify } from '@node-rs/argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/index.ts';
import { newLookupCode, plotsByLookupCode } from '../../server/registry/farmers.service.ts';
import { openTestDb, TEST_SEED_PARCELS } from '../helpers/test-db.ts';

let db: Db;

beforeAll(async () => {
  db = await openTestDb();
});

afterAll(async () => {
  await db?.close();
});

const one = async <R>(sql: string, params: unknown[] = []): Promise<R> => (await db.query<R>(sql, params)).rows[0]!;

describe('parcels', () => {
  it('the template holds exactly the requested number of parcels', async () => {
    const { n } = await one<{ n: number }>('SELECT count(*)::int AS n FROM parcels');
    expect(n).toBe(TEST_SEED_PARCELS);
  });

  it('no two parcels share any interior area', async () => {
    // ST_Relate's first cell is the interior-interior intersection: '2' means an overlap of positive area.
    const { n } = await one<{ n: number }>(
      `SELECT count(*)::int AS n FROM parcels a JOIN parcels b ON a.id < b.id AND a.geom && b.geom
       WHERE ST_Relate(a.geom, b.geom, '2********')`,
    );
    expect(n).toBe(0);
  });

  it('neighbouring parcels share whole edges, not just touch at points', async () => {
    // With shared vertices, neighbours along a common edge meet in a line of the edge's full length.
    const { touching, sharing } = await one<{ touching: number; sharing: number }>(
      `SELECT count(*)::int AS touching,
              count(*) FILTER (WHERE ST_Length(ST_Intersection(a.geom, b.geom)::geography) > 1)::int AS sharing
       FROM parcels a JOIN parcels b ON a.id < b.id AND a.geom && b.geom AND ST_Touches(a.geom, b.geom)`,
    );
    expect(touching).toBeGreaterThan(TEST_SEED_PARCELS);
    expect(sharing / touching).toBeGreaterThan(0.6);
  });

  it('ordinary parcels are 200 to 5,000 m² and the legal area is the surveyed area within a few per cent', async () => {
    const row = await one<{ small: number; large: number; off: number; n: number }>(
      `WITH a AS (SELECT land_use_code, legal_area_m2, ST_Area(geom::geography) AS m2 FROM parcels)
       SELECT count(*) FILTER (WHERE land_use_code NOT IN ('DGT', 'SON') AND m2 < 200)::int AS small,
              count(*) FILTER (WHERE land_use_code NOT IN ('DGT', 'SON') AND m2 > 5000)::int AS large,
              count(*) FILTER (WHERE abs(legal_area_m2 - m2) > 0.06 * m2 + 0.2)::int AS off,
              count(*)::int AS n
       FROM a`,
    );
    expect(row).toMatchObject({ small: 0, large: 0, off: 0 });
  });

  it('the countryside is cut in long narrow strips and the urban core in small lots', async () => {
    const { strips, town } = await one<{ strips: number; town: number }>(
      `WITH d AS (
         SELECT land_use_code, ST_Area(geom::geography) AS m2,
                ST_Length(ST_LongestLine(geom, geom)::geography) AS diag
         FROM parcels)
       SELECT (percentile_cont(0.5) WITHIN GROUP (ORDER BY diag * diag / m2) FILTER (WHERE land_use_code IN ('LUC', 'CLN')))::float AS strips,
              (percentile_cont(0.5) WITHIN GROUP (ORDER BY m2) FILTER (WHERE land_use_code = 'ODT'))::float AS town
       FROM d`,
    );
    // diagonal² / area is 2 for a square and grows with elongation (8.5 for 1:8).
    expect(strips).toBeGreaterThan(6);
    expect(town).toBeLessThan(500);
  });

  it('carries the delta land-use mix, with a few legacy codes as on old certificates', async () => {
    const { rows } = await db.query<{ code: string; n: number }>(
      'SELECT land_use_code AS code, count(*)::int AS n FROM parcels GROUP BY 1',
    );
    const n = new Map(rows.map((r) => [r.code, r.n]));
    for (const code of ['LUC', 'CLN', 'ODT', 'ONT', 'NTS', 'HNK', 'DGT', 'SON']) expect(n.get(code) ?? 0, code).toBeGreaterThan(0);
    const legacy = (n.get('BHK') ?? 0) + (n.get('LNQ') ?? 0);
    expect(legacy / TEST_SEED_PARCELS).toBeGreaterThan(0.01);
    expect(legacy / TEST_SEED_PARCELS).toBeLessThan(0.08);
  });

  it('is keyed by the old commune: several communes each have a sheet 1, addresses are Vietnamese', async () => {
    const { communes } = await one<{ communes: number }>(
      'SELECT count(DISTINCT commune_code)::int AS communes FROM parcels WHERE sheet = 1',
    );
    expect(communes).toBeGreaterThanOrEqual(5);
    const { n } = await one<{ n: number }>(
      `SELECT count(*)::int AS n FROM parcels WHERE commune_code = '29890' AND commune_ref_date = '2025-03-01' AND address = 'Ấp Tân Hậu, Xã Tân Thuận Tây'`,
    );
    expect(n).toBeGreaterThan(0);
  });

  it('most farm and house parcels have owners with 12-digit citizen ids', async () => {
    const row = await one<{ owned: number; eligible: number; badIds: number }>(
      `SELECT (SELECT count(DISTINCT parcel_id) FROM parcel_owners)::int AS owned,
              (SELECT count(*) FROM parcels WHERE land_use_code IN ('LUC', 'CLN', 'ODT', 'ONT', 'HNK'))::int AS eligible,
              (SELECT count(*) FROM parcel_owners WHERE citizen_id !~ '^[0-9]{12}$')::int AS "badIds"`,
    );
    expect(row.owned / row.eligible).toBeGreaterThan(0.75);
    expect(row.badIds).toBe(0);
  });
});

describe('determinism in the database', () => {
  it('stamps generated rows with a fixed time, not the time of the load, so the same seed gives the same rows', async () => {
    const stamps = [
      ['parcels', 'updated_at'],
      ['landuse_areas', 'updated_at'],
      ['zoning_lots', 'updated_at'],
      ['plots', 'updated_at'],
      ['growing_areas', 'updated_at'],
      ['products', 'updated_at'],
      ['inspections', 'created_at'],
      ['diary_entries', 'created_at'],
      ['farmers', 'created_at'],
      ['users', 'created_at'],
    ];
    for (const [table, column] of stamps) {
      const { late } = await one<{ late: number }>(`SELECT count(*)::int AS late FROM ${table} WHERE ${column} > '2025-07-01'`);
      expect(late, table).toBe(0);
    }
  });
});

describe('geometry everywhere', () => {
  it('every geometry of every layer is valid, non-empty and in EPSG:4326', async () => {
    for (const table of [
      'parcels',
      'landuse_areas',
      'zoning_lots',
      'roads',
      'water',
      'admin_units',
      'plots',
      'growing_areas',
      'products',
    ]) {
      const row = await one<{ bad: number; n: number }>(
        `SELECT count(*) FILTER (WHERE NOT ST_IsValid(geom) OR ST_IsEmpty(geom) OR ST_SRID(geom) <> 4326)::int AS bad, count(geom)::int AS n FROM ${table}`,
      );
      expect(row.bad, table).toBe(0);
      expect(row.n, table).toBeGreaterThan(0);
    }
  });

  it('land-use polygons of each map and the zoning lots tile without overlaps', async () => {
    const landuse = await one<{ n: number }>(
      `SELECT count(*)::int AS n FROM landuse_areas a JOIN landuse_areas b
         ON a.id < b.id AND a.map_id = b.map_id AND a.geom && b.geom
       WHERE ST_Relate(a.geom, b.geom, '2********')`,
    );
    expect(landuse.n).toBe(0);
    const zoning = await one<{ n: number; lots: number }>(
      `SELECT (SELECT count(*) FROM zoning_lots a JOIN zoning_lots b ON a.id < b.id AND a.geom && b.geom
               WHERE ST_Relate(a.geom, b.geom, '2********'))::int AS n,
              (SELECT count(*) FROM zoning_lots)::int AS lots`,
    );
    expect(zoning.n).toBe(0);
    expect(zoning.lots).toBeGreaterThanOrEqual(100);
    expect(zoning.lots).toBeLessThanOrEqual(300);
  });

  it('zoning lots do not follow parcel boundaries: many parcels straddle two lots', async () => {
    const { straddling } = await one<{ straddling: number }>(
      `SELECT count(*)::int AS straddling FROM (
         SELECT p.id FROM parcels p JOIN zoning_lots z ON z.geom && p.geom
         WHERE ST_Area(ST_Intersection(z.geom, p.geom)::geography) > 1
         GROUP BY p.id HAVING count(*) > 1) s`,
    );
    expect(straddling).toBeGreaterThan(20);
  });
});

describe('administrative units', () => {
  it('Tân Thuận Tây, found by name without accents, resolves to Phường Cao Lãnh', async () => {
    const { rows } = await db.query<{ code: string; name: string }>(
      `SELECT c.code, c.name FROM admin_units u, admin_current_units(u.id) c
       WHERE vn_fold(u.name) LIKE '%' || vn_fold('Tan Thuan Tay') AND u.level = 'commune'`,
    );
    expect(rows).toEqual([{ code: '29869', name: 'Phường Cao Lãnh' }]);
  });

  it('Thành phố Cao Lãnh resolves to the three wards of 2025', async () => {
    const { rows } = await db.query<{ code: string }>(
      `SELECT c.code FROM admin_units u, admin_current_units(u.id) c WHERE u.code = '866' ORDER BY 1`,
    );
    expect(rows.map((r) => r.code)).toEqual(['29869', '29884', '29888']);
  });

  it('code 29869 meant Phường 2, then Phường 1, now Phường Cao Lãnh', async () => {
    const { rows } = await db.query<{ name: string; valid_from: string; valid_to: string | null }>(
      `SELECT name, valid_from, valid_to FROM admin_units WHERE code = '29869' ORDER BY valid_from`,
    );
    expect(rows.map((r) => r.name)).toEqual(['Phường 2', 'Phường 1', 'Phường Cao Lãnh']);
    expect(rows[1]).toMatchObject({ valid_from: '2025-01-01', valid_to: '2025-07-01' });
  });

  it('the 13 old units tile the city and each 2025 ward is exactly the union of its old units', async () => {
    const overlaps = await one<{ n: number; units: number }>(
      `WITH old AS (SELECT * FROM admin_units WHERE valid_to = '2025-07-01' AND level IN ('ward', 'commune'))
       SELECT (SELECT count(*) FROM old a JOIN old b ON a.id < b.id AND ST_Relate(a.geom, b.geom, '2********'))::int AS n,
              (SELECT count(*) FROM old)::int AS units`,
    );
    expect(overlaps).toEqual({ n: 0, units: 13 });
    const { rows } = await db.query<{ code: string; diff: number }>(
      `SELECT w.code, ST_Area(ST_SymDifference(w.geom, ST_Union(o.geom))::geography) AS diff
       FROM admin_units w JOIN admin_lineage l ON l.new_id = w.id AND l.kind = 'full'
       JOIN admin_units o ON o.id = l.old_id
       WHERE w.valid_from = '2025-07-01' AND w.level = 'ward'
       GROUP BY w.id, w.code, w.geom ORDER BY w.code`,
    );
    expect(rows.map((r) => r.code)).toEqual(['29869', '29884', '29888']);
    for (const r of rows) expect(r.diff, r.code).toBeLessThan(1);
  });

  it('ấp Tân Hậu is a hamlet of Xã Tân Thuận Tây, and then of Phường Cao Lãnh', async () => {
    const { rows } = await db.query<{ parent: string; valid_from: string }>(
      `SELECT p.name AS parent, h.valid_from FROM admin_units h JOIN admin_units p ON p.id = h.parent_id
       WHERE h.level = 'hamlet' AND h.name = 'Ấp Tân Hậu' ORDER BY h.valid_from`,
    );
    expect(rows.map((r) => r.parent)).toEqual(['Xã Tân Thuận Tây', 'Phường Cao Lãnh']);
  });
});

describe('agriculture and users', () => {
  it('has the minimum-area fixtures: a mango area just under 1 ha and a vegetable area of about 0.15 ha', async () => {
    const mango = await one<{ n: number }>(
      `SELECT count(*)::int AS n FROM growing_areas WHERE crop = 'mango' AND area_m2 BETWEEN 9000 AND 9999`,
    );
    const veg = await one<{ n: number }>(
      `SELECT count(*)::int AS n FROM growing_areas WHERE crop = 'vegetable' AND area_m2 BETWEEN 1000 AND 2000`,
    );
    expect(mango.n).toBeGreaterThan(0);
    expect(veg.n).toBeGreaterThan(0);
  });

  it('growing areas cover every status of the lifecycle, and each history ends in the current status', async () => {
    const { rows } = await db.query<{ status: string }>('SELECT DISTINCT status FROM growing_areas');
    expect(rows.map((r) => r.status).sort()).toEqual(
      [
        'active',
        'approved',
        'draft',
        'forwarded',
        'inspected_fail',
        'inspected_pass',
        'issued',
        'revoked',
        'submitted',
        'superseded',
        'suspended',
        'under_inspection',
      ].sort(),
    );
    const { n } = await one<{ n: number }>(
      `SELECT count(*)::int AS n FROM growing_areas g
       WHERE g.status <> 'draft' AND g.status IS DISTINCT FROM
         (SELECT to_status FROM growing_area_transitions t WHERE t.growing_area_id = g.id ORDER BY at DESC, id DESC LIMIT 1)`,
    );
    expect(n).toBe(0);
    const codes = await one<{ missing: number; export: number; domestic: number }>(
      `SELECT count(*) FILTER (WHERE code IS NULL AND status IN ('issued', 'approved', 'active', 'suspended', 'revoked'))::int AS missing,
              count(*) FILTER (WHERE scheme = 'export-puc' AND code ~ '^VN-DTOR-[0-9]{4}$')::int AS export,
              count(*) FILTER (WHERE scheme = 'domestic-3156' AND code IS NOT NULL)::int AS domestic
       FROM growing_areas`,
    );
    expect(codes.missing).toBe(0);
    expect(codes.export).toBeGreaterThan(0);
    expect(codes.domestic).toBeGreaterThan(0);
  });

  it('plots lie in farm parcels, their shares add up to the plot, and an area is the sum of its plots', async () => {
    const { bad } = await one<{ bad: number }>(
      `SELECT count(*)::int AS bad FROM plots p
       WHERE abs((SELECT coalesce(sum(share_pct), 0) FROM plot_parcels s WHERE s.plot_id = p.id) - 100) > 0.5`,
    );
    expect(bad).toBe(0);
    const farm = await one<{ n: number; farm: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE pa.land_use_code IN ('CLN', 'LNQ', 'LUC', 'LUK', 'HNK', 'BHK'))::int AS farm
       FROM plot_parcels s JOIN parcels pa ON pa.id = s.parcel_id`,
    );
    expect(farm.farm).toBe(farm.n);
    const { off } = await one<{ off: number }>(
      `SELECT count(*)::int AS off FROM growing_areas g
       WHERE abs(g.area_m2 - (SELECT coalesce(sum(area_m2), 0) FROM plots p WHERE p.growing_area_id = g.id)) > 0.01`,
    );
    expect(off).toBe(0);
  });

  it("flags diary entries with a substance banned in Viet Nam or refused by the area's market", async () => {
    const { flagged, banned } = await one<{ flagged: number; banned: number }>(
      `SELECT count(*) FILTER (WHERE flagged)::int AS flagged,
              count(*) FILTER (WHERE active_ingredient = 'Chlorpyrifos' AND NOT flagged)::int AS banned
       FROM diary_entries`,
    );
    expect(flagged).toBeGreaterThan(0);
    expect(banned).toBe(0);
  });

  it('has one user per role with an argon2id password, the officer in Phường Cao Lãnh, the farmer with plots', async () => {
    const { rows } = await db.query<{ username: string; role: string; password_hash: string; farmer_id: number | null }>(
      'SELECT username, role, password_hash, farmer_id FROM users ORDER BY id',
    );
    expect(rows.map((r) => `${r.username}:${r.role}`)).toEqual(['admin:admin', 'planner:planner', 'officer:officer', 'farmer:farmer']);
    for (const r of rows) {
      expect(r.password_hash.startsWith('$argon2id$')).toBe(true);
      expect(await verify(r.password_hash, `${r.username}-bando-2026`)).toBe(true);
    }
    const communes = await db.query<{ commune_code: string }>(
      `SELECT commune_code FROM user_communes uc JOIN users u ON u.id = uc.user_id WHERE u.username = 'officer'`,
    );
    expect(communes.rows).toEqual([{ commune_code: '29869' }]);
    const { n } = await one<{ n: number }>(`SELECT count(*)::int AS n FROM plots WHERE farmer_id = $1`, [rows[3]!.farmer_id]);
    expect(n).toBeGreaterThan(0);
  });

  it('keeps personal data out of public tables: farmers carry only a lookup code, commune and hamlet', async () => {
    const { rows } = await db.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'farmers'`,
    );
    expect(rows.map((r) => r.column_name).sort()).toEqual(['commune_code', 'created_at', 'hamlet', 'id', 'lookup_code', 'version']);
    const { n } = await one<{ n: number }>(
      `SELECT count(*)::int AS n FROM farmer_private WHERE citizen_id !~ '^[0-9]{12}$' OR full_name !~ ' '`,
    );
    expect(n).toBe(0);
  });

  it('gives every farmer a card code as the registry issues them (ND-7K3M-Q9XP, as the hint shows), and an older NT- card still opens its plots', async () => {
    const issued = /^ND-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}$/;
    expect(newLookupCode()).toMatch(issued);
    const codes = (await db.query<{ lookup_code: string }>('SELECT lookup_code FROM farmers')).rows.map((r) => r.lookup_code);
    expect(codes.length).toBeGreaterThan(0);
    expect(codes.filter((c) => !issued.test(c))).toEqual([]);
    // A card printed from a sample of before (NT-…) is looked up by its whole code, whatever the letters before it.
    const farmer = await one<{ id: number; n: number }>(
      `SELECT f.id, count(p.id)::int AS n FROM farmers f JOIN plots p ON p.farmer_id = f.id GROUP BY f.id ORDER BY f.id LIMIT 1`,
    );
    await db.query(`UPDATE farmers SET lookup_code = 'NT-WA9T-NR6K' WHERE id = $1`, [farmer.id]);
    expect((await plotsByLookupCode(db, 'nt-wa9t-nr6k')).plots).toHaveLength(farmer.n);
  });
});
