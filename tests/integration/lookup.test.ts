import { beforeAll, describe, expect, it } from 'vitest';
import { at } from '../fixtures/registry.ts';
import { useRegistryApp } from '../helpers/registry-app.ts';

const reg = useRegistryApp();
let areaId: number;

beforeAll(async () => {
  // An issued export code over two of Nam's mango plots, registered by a person (whose name is private).
  const { rows } = await reg.db.query<{ id: number }>(
    `INSERT INTO growing_areas (lineage_id, code, scheme, markets, name, crop, variety, status, registrant_kind, registrant_name,
       registrant_contact, technical_officer, commune_code, households, decision_no, issued_on)
     VALUES (0, 'VN-DTOR-0931', 'export-puc', '{CN,US}', 'Vùng xoài Tân Hậu', 'mango', 'Cát Chu', 'active', 'person', 'Kha Văn Nam',
       '0912345678', 'Phạm Văn Kỹ', '29869', 2, '12/QĐ-BVTV', '2026-01-15') RETURNING id`,
  );
  areaId = rows[0]!.id;
  await reg.db.query('UPDATE growing_areas SET lineage_id = id WHERE id = $1', [areaId]);
  await reg.db.query('UPDATE plots SET growing_area_id = $1 WHERE id = ANY ($2::bigint[])', [
    areaId,
    [reg.fx.plots.mangoB, reg.fx.plots.mangoC],
  ]);
});

describe('public growing-area code lookup', () => {
  it('tells a buyer the crop, status, area, markets and map of a code, whatever its case', async () => {
    const res = await reg.app.inject({ url: '/api/lookup/growing-areas/vn-dtor-0931' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      code: 'VN-DTOR-0931',
      status: 'active',
      statusVi: 'Đang hoạt động',
      statusEn: 'Active',
      inForce: true,
      crop: 'mango',
      cropNameVi: 'Xoài',
      variety: 'Cát Chu',
      markets: ['CN', 'US'],
      plotCount: 2,
      registrant: null,
      currentVersion: null,
    });
    expect(body.areaM2).toBeGreaterThan(6900);
    expect(body.areaM2).toBeLessThan(7100);
    expect(body.areaHa).toBeCloseTo(body.areaM2 / 10_000, 4);
    expect(body.geometry.type).toBe('MultiPolygon');
    const [minX, minY, maxX, maxY] = body.bbox;
    const [lon, lat] = at(40, 100);
    expect(lon > minX && lon < maxX && lat > minY && lat < maxY).toBe(true);
  });

  it('shows no personal data: no farmer, citizen ID, phone, person registrant or officer', async () => {
    const res = await reg.app.inject({ url: '/api/lookup/growing-areas/VN-DTOR-0931', headers: reg.as(reg.fx.users.admin) });
    for (const secret of [
      'Kha Văn Nam',
      '087123456789',
      '0912345678',
      'Phạm Văn Kỹ',
      'farmer',
      'registrant_contact',
      'technical_officer',
    ]) {
      expect(res.body).not.toContain(secret);
    }
  });

  it('names an organisation that registered, and answers 404 for an unknown code', async () => {
    await reg.db.query(`UPDATE growing_areas SET registrant_kind = 'cooperative', registrant_name = 'HTX Xoài Mỹ Xương' WHERE id = $1`, [
      areaId,
    ]);
    expect((await reg.app.inject({ url: '/api/lookup/growing-areas/VN-DTOR-0931' })).json().registrant).toBe('HTX Xoài Mỹ Xương');
    const missing = await reg.app.inject({ url: '/api/lookup/growing-areas/VN-DTOR-9999' });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    expect((await reg.app.inject({ url: `/api/lookup/growing-areas/${'A'.repeat(200)}` })).statusCode).toBe(400);
  });
});

describe('parcel lookup', () => {
  it('returns both zones of a parcel crossing two zoning lots, with shares that sum to the parcel within 0.5 %', async () => {
    const res = await reg.app.inject({ url: '/api/lookup/parcel?commune=29890&sheet=912&parcel=345' });
    expect(res.statusCode, res.body).toBe(200);
    const [parcel] = res.json().parcels;
    expect(parcel).toMatchObject({ id: reg.fx.parcels.twoZones, commune_code: '29890', sheet: 912, parcel_no: 345, land_use_code: 'CLN' });
    expect(parcel.zones.map((z: { lot_code: string }) => z.lot_code)).toEqual(['ODT-91', 'CX-92']);
    expect(parcel.zones.map((z: { pct: number }) => Math.round(z.pct))).toEqual([60, 40]);
    const zoneSum = parcel.zones.reduce((s: number, z: { area_m2: number }) => s + z.area_m2, 0);
    expect(Math.abs(zoneSum - parcel.area_m2) / parcel.area_m2).toBeLessThan(0.005);
    expect(parcel.zones[0]).toMatchObject({ function: 'Đất ở đô thị', max_far: 3, decision_no: '123/QĐ-UBND', scale: '1/2000' });
    expect(parcel.landUses.map((l: { land_use_code: string; pct: number }) => [l.land_use_code, Math.round(l.pct)])).toEqual([
      ['HNK', 70],
      ['CLN', 30],
    ]);
    const luSum = parcel.landUses.reduce((s: number, l: { area_m2: number }) => s + l.area_m2, 0);
    expect(Math.abs(luSum - parcel.area_m2) / parcel.area_m2).toBeLessThan(0.005);
    // Geodesic area of a 100 m × 50 m parcel.
    expect(parcel.area_m2).toBeGreaterThan(4975);
    expect(parcel.area_m2).toBeLessThan(5025);
  });

  it('finds the parcel by the old commune name and by the ward it became', async () => {
    for (const commune of ['Tân Thuận Tây', 'xa tan thuan tay', '29869', 'Phường Cao Lãnh']) {
      const res = await reg.app.inject({ url: `/api/lookup/parcel?commune=${encodeURIComponent(commune)}&sheet=912&parcel=345` });
      expect(res.statusCode, commune).toBe(200);
      expect(res.json().parcels.map((p: { id: number }) => p.id)).toContain(reg.fx.parcels.twoZones);
    }
  });

  it('answers a missing parcel with 404 and bad keys with 400, never a 5xx', async () => {
    expect((await reg.app.inject({ url: '/api/lookup/parcel?commune=29890&sheet=912&parcel=999999' })).statusCode).toBe(404);
    for (const q of [
      'commune=29890&sheet=-1&parcel=1',
      'commune=29890&sheet=abc&parcel=1',
      'sheet=1&parcel=1',
      `commune=${encodeURIComponent("'; DROP TABLE parcels;--")}&sheet=1&parcel=1`,
      'commune=29890&sheet=1&parcel=1&evil=1',
    ]) {
      const res = await reg.app.inject({ url: `/api/lookup/parcel?${q}` });
      expect(res.statusCode, q).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, q).toBeLessThan(500);
    }
  });
});

describe('lookups on the sample data', () => {
  it('answers sample parcels that cross zoning lots with one row per lot, summing to the parcel within 0.5 %', async () => {
    const crossing = (
      await reg.db.query<{ id: number; commune_code: string; sheet: number; parcel_no: number; lots: number }>(
        // Parcels inside the planned area (covered by the union of its lots, computed apart from the API) that touch two lots or more.
        `WITH plan AS (SELECT ST_Union(geom) AS geom FROM zoning_lots)
         SELECT p.id, p.commune_code, p.sheet, p.parcel_no, count(*)::int AS lots
         FROM parcels p CROSS JOIN plan
         JOIN zoning_lots z ON z.geom && p.geom AND ST_Intersects(z.geom, p.geom)
           AND ST_Area(ST_CollectionExtract(ST_Intersection(z.geom, p.geom), 3)::geography) > 0.01
         WHERE p.sheet <> 912 AND ST_CoveredBy(p.geom, plan.geom)
         GROUP BY p.id HAVING count(*) >= 2 ORDER BY p.id LIMIT 15`,
      )
    ).rows;
    expect(crossing.length).toBeGreaterThan(0);
    for (const c of crossing) {
      const res = await reg.app.inject({ url: `/api/lookup/parcel?commune=${c.commune_code}&sheet=${c.sheet}&parcel=${c.parcel_no}` });
      expect(res.statusCode).toBe(200);
      const parcel = res.json().parcels.find((p: { id: number }) => p.id === c.id);
      expect(parcel.zones).toHaveLength(c.lots);
      const zoneSum = parcel.zones.reduce((s: number, z: { area_m2: number }) => s + z.area_m2, 0);
      expect(Math.abs(zoneSum - parcel.area_m2) / parcel.area_m2, `parcel ${c.id}`).toBeLessThan(0.005);
      const perMap = new Map<number, number>();
      for (const l of parcel.landUses as { map_id: number; area_m2: number }[])
        perMap.set(l.map_id, (perMap.get(l.map_id) ?? 0) + l.area_m2);
      for (const [map, sum] of perMap)
        expect(Math.abs(sum - parcel.area_m2) / parcel.area_m2, `parcel ${c.id} map ${map}`).toBeLessThan(0.005);
    }
  });

  it('shows no personal data for any coded sample growing area', async () => {
    const areas = (
      await reg.db.query<{ id: number; code: string }>(`SELECT id, code FROM growing_areas WHERE code IS NOT NULL ORDER BY id`)
    ).rows;
    expect(areas.length).toBeGreaterThan(0);
    for (const a of areas) {
      const res = await reg.app.inject({ url: `/api/lookup/growing-areas/${encodeURIComponent(a.code)}` });
      expect(res.statusCode).toBe(200);
      const secrets = (
        await reg.db.query<{ s: string }>(
          `SELECT unnest(ARRAY[fp.full_name, fp.citizen_id, fp.phone, fp.address]) AS s
           FROM plots p JOIN growing_areas g ON g.lineage_id = (SELECT lineage_id FROM growing_areas WHERE id = $1) AND p.growing_area_id = g.id
           JOIN farmer_private fp ON fp.farmer_id = p.farmer_id
           UNION SELECT registrant_contact FROM growing_areas WHERE id = $1
           UNION SELECT registrant_name FROM growing_areas WHERE id = $1 AND registrant_kind = 'person'`,
          [a.id],
        )
      ).rows
        .map((r) => r.s)
        .filter((s): s is string => typeof s === 'string' && s.length > 3);
      for (const secret of secrets) expect(res.body, `${a.code} reveals ${secret}`).not.toContain(secret);
    }
  });
});

describe('place and unit lookups', () => {
  it('tells what is at a point: parcel, land use, zoning lot and coded growing area, without owners', async () => {
    const [lon, lat] = at(20, 25);
    const res = await reg.app.inject({ url: `/api/lookup/place?lon=${lon}&lat=${lat}` });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.parcels.map((p: { id: number }) => p.id)).toEqual([reg.fx.parcels.twoZones]);
    expect(body.landUses.map((l: { land_use_code: string }) => l.land_use_code)).toEqual(['CLN']);
    expect(body.zones.map((z: { lot_code: string }) => z.lot_code)).toEqual(['ODT-91']);
    const [alon, alat] = at(40, 80);
    const inArea = (await reg.app.inject({ url: `/api/lookup/place?lon=${alon}&lat=${alat}` })).json();
    expect(inArea.growingAreas.map((g: { code: string }) => g.code)).toEqual(['VN-DTOR-0931']);
    expect(JSON.stringify(body) + JSON.stringify(inArea)).not.toMatch(/Kha Văn Nam|087123456789/);
    for (const q of ['lon=200&lat=10', 'lon=abc&lat=10', 'lat=10', 'lon=105&lat=-91']) {
      expect((await reg.app.inject({ url: `/api/lookup/place?${q}` })).statusCode, q).toBe(400);
    }
  });

  it('resolves the old name Tân Thuận Tây to Phường Cao Lãnh', async () => {
    const res = await reg.app.inject({ url: `/api/lookup/units?name=${encodeURIComponent('Tân Thuận Tây')}` });
    expect(res.statusCode).toBe(200);
    const unit = res.json().units.find((u: { code: string }) => u.code === '29890');
    expect(unit.current).toBe(false);
    expect(unit.today.map((t: { code: string; name: string }) => `${t.code} ${t.name}`)).toContain('29869 Phường Cao Lãnh');
    expect((await reg.app.inject({ url: '/api/lookup/units?name=Atlantis' })).statusCode).toBe(404);
  });
});

describe('a parcel card’s commune from the features API', () => {
  it('says where a former commune or ward is today (admin today_units), and nothing for a unit in force (audit s17)', async () => {
    const read = async (code: string) => {
      const res = await reg.app.inject({
        url: `/ogc/collections/admin/items?code=${code}&limit=20&skipGeometry=true`,
        headers: { accept: 'application/geo+json' },
      });
      expect(res.statusCode).toBe(200);
      return (res.json() as { features: { properties: Record<string, unknown> }[] }).features.map((f) => f.properties);
    };
    // Xã Tân Thuận Tây (29890) was merged into Phường Cao Lãnh on 01/07/2025; the lineage table says so.
    const expected = (
      await reg.db.query<{ name: string }>(
        `SELECT DISTINCT c.name FROM admin_units u, admin_current_units(u.id) c
          WHERE u.code = '29890' AND c.id <> u.id AND c.level IN ('ward', 'commune', 'town') ORDER BY 1`,
      )
    ).rows.map((r) => r.name);
    expect(expected).toEqual(['Phường Cao Lãnh']);
    const former = await read('29890');
    expect(former.length).toBeGreaterThan(0);
    for (const version of former) {
      expect(version.valid_to).not.toBeNull();
      expect(version.today_units).toBe('Phường Cao Lãnh');
    }
    // Phường Cao Lãnh kept the code 29869 of its predecessors: its version in force names nothing.
    const ward = await read('29869');
    expect(ward.find((v) => v.valid_to === null || v.valid_to === undefined)?.today_units ?? null).toBeNull();
    const queryables = (await reg.app.inject({ url: '/ogc/collections/admin/queryables' })).json() as {
      properties: Record<string, { title?: string; type?: string }>;
    };
    expect(queryables.properties.today_units).toMatchObject({ title: 'Nay thuộc / Now part of', type: 'string' });
    // Hostile filters on it: a clear answer, never a 5xx; a CQL2 comparison with a number is refused.
    for (const query of [`today_units=${encodeURIComponent("'; DROP TABLE admin_units; --")}`, `today_units=${'x'.repeat(5000)}`]) {
      const res = await reg.app.inject({ url: `/ogc/collections/admin/items?${query}` });
      expect(res.statusCode, query).toBeLessThan(500);
    }
    const cql = await reg.app.inject({ url: `/ogc/collections/admin/items?filter=${encodeURIComponent('today_units > 5')}` });
    expect(cql.statusCode).toBe(400);
    expect((await reg.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM admin_units WHERE code = '29890'`)).rows[0]!.n).toBe(
      former.length,
    );
  });
});
