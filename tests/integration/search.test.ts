import { beforeAll, describe, expect, it } from 'vitest';
import type { SearchResult } from '../../server/contracts/registry.ts';
import { at } from '../fixtures/registry.ts';
import { useRegistryApp } from '../helpers/registry-app.ts';

const reg = useRegistryApp();

beforeAll(async () => {
  const { rows } = await reg.db.query<{ id: number }>(
    `INSERT INTO growing_areas (lineage_id, code, scheme, name, crop, status, registrant_name, commune_code)
     VALUES (0, 'VN-82-29869-55-26', 'domestic-3156', 'Vùng rau Tân Hậu', 'vegetable', 'issued', 'HTX Rau', '29869') RETURNING id`,
  );
  await reg.db.query('UPDATE growing_areas SET lineage_id = id WHERE id = $1', [rows[0]!.id]);
  await reg.db.query('UPDATE plots SET growing_area_id = $1 WHERE id = $2', [rows[0]!.id, reg.fx.plots.vegetable]);
});

async function search(q: string, headers: Record<string, string> = {}): Promise<SearchResult[]> {
  const res = await reg.app.inject({ url: `/api/search?q=${encodeURIComponent(q)}`, headers });
  expect(res.statusCode, `${q}: ${res.body}`).toBe(200);
  return res.json().results;
}

describe('search', () => {
  it('finds a parcel by commune, sheet and number written in every usual way, with a place to fly to', async () => {
    const [lon, lat] = at(50, 25);
    for (const q of [
      '29890 912 345',
      '29890/912/345',
      'tờ 912 thửa 345',
      'thửa 345 tờ 912',
      'Tân Thuận Tây tờ 912 thửa 345',
      'to ban do so 912, thua dat so 345',
    ]) {
      const results = await search(q);
      const hit = results.find((r) => r.kind === 'parcel' && r.id === String(reg.fx.parcels.twoZones));
      expect(hit, q).toBeDefined();
      expect(hit!.label).toBe('Tờ 912 thửa 345 — Xã Tân Thuận Tây');
      const [minX, minY, maxX, maxY] = hit!.bbox!;
      expect(lon > minX && lon < maxX && lat > minY && lat < maxY).toBe(true);
      const [cx, cy] = hit!.center!;
      expect(cx > minX && cx < maxX && cy > minY && cy < maxY).toBe(true);
    }
  });

  it('finds a growing-area code from its first characters, in any case', async () => {
    const hit = (await search('vn-82-29869-55')).find((r) => r.kind === 'growing_area');
    expect(hit).toMatchObject({ label: 'VN-82-29869-55-26' });
    expect(hit!.bbox).not.toBeNull();
  });

  it('finds a growing-area code from the part people remember, and a code series without a digit', async () => {
    const inner = (await search('29869-55')).filter((r) => r.kind === 'growing_area');
    expect(inner.map((r) => r.label)).toContain('VN-82-29869-55-26');
    const series = (await search('vn-dtor')).filter((r) => r.kind === 'growing_area');
    expect(series.length).toBeGreaterThan(0);
    expect(series.every((r) => r.label.startsWith('VN-DTOR-'))).toBe(true);
    const tail = (await search('DTOR-0101')).filter((r) => r.kind === 'growing_area');
    expect(tail.map((r) => r.label)).toContain('VN-DTOR-0101');
    // Codes that start with the query come before those that only hold it.
    const first = (await search('VN-82')).filter((r) => r.kind === 'growing_area');
    expect(first.length).toBeGreaterThan(0);
    expect(first[0]!.label.startsWith('VN-82')).toBe(true);
    // A plain word is no code: nothing of the registry answers to it.
    expect((await search('DTOR')).filter((r) => r.kind === 'growing_area')).toEqual([]);
  });

  it('finds an old unit name and says what it is today', async () => {
    const hit = (await search('Tân Thuận Tây')).find((r) => r.kind === 'unit' && r.label === 'Xã Tân Thuận Tây');
    expect(hit?.detail).toContain('Phường Cao Lãnh');
  });

  it('says where a former hamlet lies today, never "?", and tells two former units of one name apart', async () => {
    const units = (await search('Tân Dinh')).filter((r) => r.kind === 'unit');
    const former = units.find((r) => r.facts?.current === false);
    expect(former?.facts).toMatchObject({
      name: 'Ấp Tân Dinh',
      today: 'Phường Cao Lãnh',
      formerParent: 'Xã Tân Thuận Tây',
      lastDay: '2025-06-30',
    });
    expect(former?.detail).toContain('→ Phường Cao Lãnh');
    expect(units.some((r) => r.facts?.current === true)).toBe(true);
    // The old Phường 1 (29866, merged on 1 January 2025) and the Phường 1 of 2025 (29869, until 1 July 2025).
    const phuong1 = (await search('Phường 1')).filter((r) => r.kind === 'unit' && r.label === 'Phường 1' && r.facts?.current === false);
    expect(phuong1.map((r) => [r.facts?.code, r.facts?.lastDay, r.facts?.today]).sort()).toEqual([
      ['29866', '2024-12-31', 'Phường Cao Lãnh'],
      ['29869', '2025-06-30', 'Phường Cao Lãnh'],
    ]);
    expect(new Set(phuong1.map((r) => r.detail)).size).toBe(2);
    // A former unit whose lineage is not recorded says nothing of today (no literal "?").
    await reg.db.query(
      `INSERT INTO admin_units (code, name, level, valid_from, valid_to) VALUES ('29001-99', 'Ấp Không Dấu Vết', 'hamlet', '2000-01-01', '2020-01-01')`,
    );
    const lost = (await search('Không Dấu Vết')).find((r) => r.kind === 'unit');
    await reg.db.query(`DELETE FROM admin_units WHERE code = '29001-99'`);
    expect(lost?.facts).toMatchObject({ current: false, today: null, lastDay: '2019-12-31' });
    expect(lost?.detail).not.toContain('?');
    expect(lost?.detail).not.toContain('→');
  });

  it('names the hamlet a renamed or merged former hamlet is today, and says nothing more of one that kept its name', async () => {
    // Ấp Tân Dinh kept its name when it moved to the ward: its hamlet of today is itself, by name.
    const kept = (await search('Tân Dinh')).find((r) => r.kind === 'unit' && r.facts?.current === false);
    expect(kept?.facts).toMatchObject({ todayHamlet: 'Ấp Tân Dinh', today: 'Phường Cao Lãnh' });
    expect(kept?.detail).toMatch(/→ Phường Cao Lãnh$/);
    // A hamlet of the old commune that was merged into Ấp Tân Dinh on 1 July 2025.
    const { rows } = await reg.db.query<{ old: number }>(
      `WITH today AS (SELECT id FROM admin_units WHERE name = 'Ấp Tân Dinh' AND level = 'hamlet' AND valid_to IS NULL),
            commune AS (SELECT id FROM admin_units WHERE name = 'Xã Tân Thuận Tây' ORDER BY valid_from DESC LIMIT 1),
            old AS (
              INSERT INTO admin_units (code, name, level, parent_id, valid_from, valid_to)
              SELECT '29890-98', 'Ấp Thử Sáp Nhập', 'hamlet', commune.id, '2000-01-01', '2025-07-01' FROM commune RETURNING id)
       INSERT INTO admin_lineage (old_id, new_id, kind, effective)
       SELECT old.id, today.id, 'full', '2025-07-01' FROM old, today RETURNING old_id AS old`,
    );
    expect(rows).toHaveLength(1);
    try {
      const merged = (await search('Thử Sáp Nhập')).find((r) => r.kind === 'unit');
      expect(merged?.facts).toMatchObject({
        current: false,
        name: 'Ấp Thử Sáp Nhập',
        formerParent: 'Xã Tân Thuận Tây',
        todayHamlet: 'Ấp Tân Dinh',
        today: 'Phường Cao Lãnh',
      });
      expect(merged?.detail).toMatch(/→ Ấp Tân Dinh, Phường Cao Lãnh$/);
    } finally {
      await reg.db.query('DELETE FROM admin_lineage WHERE old_id = $1', [rows[0]!.old]);
      await reg.db.query('DELETE FROM admin_units WHERE id = $1', [rows[0]!.old]);
    }
  });

  it('names the units a former commune split into in one order on every database: longest in force first, then by name', async () => {
    // A former commune split three ways on 1 July 2025; one of the three was in force before. By bytes
    // (C collation) the names would read "Xã Bắc Thử, Xã an Thử, Xã Ấp Thử"; by the rule, the oldest
    // first, then by the name without accents.
    const { rows } = await reg.db.query<{ id: number }>(
      `INSERT INTO admin_units (code, name, level, valid_from, valid_to) VALUES
         ('29991', 'Xã Thử Chia Ba', 'commune', '2000-01-01', '2025-07-01'),
         ('29992', 'Xã Bắc Thử', 'commune', '2025-07-01', NULL),
         ('29993', 'Xã an Thử', 'commune', '2025-07-01', NULL),
         ('29994', 'Xã Ấp Thử', 'commune', '2020-01-01', NULL)
       RETURNING id`,
    );
    const [old, ...now] = rows.map((r) => r.id);
    try {
      for (const id of now)
        await reg.db.query(`INSERT INTO admin_lineage (old_id, new_id, kind, effective) VALUES ($1, $2, 'partial', '2025-07-01')`, [
          old,
          id,
        ]);
      const hit = (await search('Thử Chia Ba')).find((r) => r.kind === 'unit' && r.label === 'Xã Thử Chia Ba');
      expect(hit?.facts?.today).toBe('Xã Ấp Thử, Xã an Thử, Xã Bắc Thử');
      expect(hit?.detail).toContain('Xã Ấp Thử, Xã an Thử, Xã Bắc Thử');
    } finally {
      await reg.db.query('DELETE FROM admin_lineage WHERE old_id = $1', [old]);
      await reg.db.query('DELETE FROM admin_units WHERE id = ANY ($1::int[])', [rows.map((r) => r.id)]);
    }
  });

  it('reads "TP Cao Lãnh" as the former city', async () => {
    const hit = (await search('TP Cao Lãnh')).find((r) => r.kind === 'unit' && r.label === 'Thành phố Cao Lãnh');
    expect(hit?.detail).toContain('(cũ / former)');
  });

  it('finds addresses without accents', async () => {
    const hits = (await search('to 12, ap tan hau, xa tan thuan tay')).filter((r) => r.kind === 'address');
    // Each says the commune of its survey, as the lists name parcels: sheet 912 of the former Xã Tân Thuận Tây.
    for (const hit of hits.filter((r) => r.facts?.sheet === 912))
      expect(hit.facts).toMatchObject({ communeCode: '29890', communeName: 'Xã Tân Thuận Tây', communeFormer: true });
    expect(hits.some((r) => r.facts?.sheet === 912)).toBe(true);
    expect(hits.map((r) => r.id)).toEqual(expect.arrayContaining([String(reg.fx.parcels.twoZones), String(reg.fx.parcels.next)]));
  });

  it('shows owners only to officers of the commune and administrators, and logs it', async () => {
    const owner = (results: SearchResult[]) => results.filter((r) => r.kind === 'owner').map((r) => r.id);
    expect(owner(await search('Kha Văn Nam', reg.as(reg.fx.users.officer)))).toEqual([String(reg.fx.parcels.twoZones)]);
    expect((await search('Kha Văn Nam', reg.as(reg.fx.users.admin))).find((r) => r.kind === 'owner')?.facts).toMatchObject({
      communeName: 'Xã Tân Thuận Tây',
      communeFormer: true,
    });
    expect(owner(await search('kha van nam', reg.as(reg.fx.users.admin)))).toEqual([String(reg.fx.parcels.twoZones)]);
    for (const who of [reg.fx.users.officerElsewhere, reg.fx.users.farmer, reg.fx.users.planner]) {
      expect(JSON.stringify(await search('Kha Văn Nam', reg.as(who)))).not.toContain('Kha Văn Nam');
    }
    expect(JSON.stringify(await search('Kha Văn Nam'))).not.toContain('Kha Văn Nam');
    const log = (
      await reg.db.query<{ subject: string; purpose: string }>('SELECT subject, purpose FROM access_log WHERE user_id = $1', [
        reg.fx.users.officer,
      ])
    ).rows;
    // Kha Văn Nam is also a farmer of the registry: the officer's search named him as such too.
    expect(log).toEqual([
      { subject: `parcel_owner:${reg.fx.parcels.twoZones}`, purpose: 'search' },
      { subject: `farmer:${reg.fx.farmers.nam}`, purpose: 'search' },
    ]);
  });

  it('finds a farmer of the registry by name, citizen ID, phone or card code as people write them, for staff of their commune only', async () => {
    const farmerHits = (results: SearchResult[]) => results.filter((r) => r.kind === 'farmer');
    const { rows } = await reg.db.query<{ first: number; n: number }>(
      'SELECT min(id) AS first, count(*)::int AS n FROM plots WHERE farmer_id = $1',
      [reg.fx.farmers.nam],
    );
    const officer = reg.as(reg.fx.users.officer);
    for (const q of ['Kha Văn Nam', 'kha van nam', '087 123 456 789', '087.123.456.789', '0912 345 678', 'nd-test-nam1', 'NDTESTNAM1']) {
      expect(
        farmerHits(await search(q, officer)).map((h) => h.id),
        q,
      ).toEqual([String(rows[0]!.first)]);
    }
    const [hit] = farmerHits(await search('Kha Văn Nam', officer));
    expect(hit!.label).toBe('Kha Văn Nam');
    expect(hit!.facts).toMatchObject({
      name: 'Kha Văn Nam',
      code: 'ND-TEST-NAM1',
      plotCount: rows[0]!.n,
      hamlet: 'Ấp Tân Hậu',
      communeCode: '29869',
    });
    // The hit flies to the farmer's plots: every one of them lies in its bbox.
    const { rows: inside } = await reg.db.query<{ all: boolean }>(
      'SELECT bool_and(ST_Within(geom, ST_MakeEnvelope($2, $3, $4, $5, 4326))) AS all FROM plots WHERE farmer_id = $1',
      [reg.fx.farmers.nam, hit!.bbox![0] - 1e-9, hit!.bbox![1] - 1e-9, hit!.bbox![2] + 1e-9, hit!.bbox![3] + 1e-9],
    );
    expect(inside[0]!.all).toBe(true);
    // Only staff of the farmer's commune: not another commune's officer, a farmer, a planner or a guest.
    for (const headers of [reg.as(reg.fx.users.officerElsewhere), reg.as(reg.fx.users.otherFarmer), reg.as(reg.fx.users.planner), {}]) {
      for (const q of ['Kha Văn Nam', '087 123 456 789', '0912345678', 'ND-TEST-NAM1']) {
        const results = await search(q, headers);
        expect(farmerHits(results), q).toEqual([]);
        expect(JSON.stringify(results)).not.toContain('ND-TEST-NAM1');
      }
    }
    // Hostile or partial numbers match no one (a phone's tail, a pattern, zeros).
    for (const q of ['345 678', '00000', '%', '.*', "'; DROP TABLE farmers;--", '0912']) {
      expect(farmerHits(await search(q, officer)), q).toEqual([]);
    }
  });

  it('finds a farmer with no plot yet, saying so, with the farmer to open and nowhere to fly; for staff of their commune only, logged', async () => {
    // Registered a moment ago, no plot yet: the officer searching their name found nothing before.
    const { rows } = await reg.db.query<{ id: number }>(
      `INSERT INTO farmers (lookup_code, commune_code, hamlet) VALUES ('ND-TEST-MOI3', '29869', 'Ấp Hòa Mới') RETURNING id`,
    );
    const id = Number(rows[0]!.id);
    await reg.db.query(
      `INSERT INTO farmer_private (farmer_id, full_name, citizen_id, phone) VALUES ($1, 'Đặng Thị Mới', '087555000111', '0977 000 111')`,
      [id],
    );
    const farmerHits = (results: SearchResult[]) => results.filter((r) => r.kind === 'farmer');
    const officer = reg.as(reg.fx.users.officer);
    for (const q of ['Đặng Thị Mới', 'dang thi moi', '087 555 000 111', '0977000111', 'nd-test-moi3']) {
      const hits = farmerHits(await search(q, officer));
      expect(hits, q).toEqual([
        {
          kind: 'farmer',
          id: String(id),
          label: 'Đặng Thị Mới',
          detail: 'ND-TEST-MOI3 · chưa có thửa · Ấp Hòa Mới · Phường Cao Lãnh',
          facts: {
            farmerId: id,
            name: 'Đặng Thị Mới',
            code: 'ND-TEST-MOI3',
            plotCount: 0,
            hamlet: 'Ấp Hòa Mới',
            communeCode: '29869',
            communeName: 'Phường Cao Lãnh',
          },
          bbox: null,
          center: null,
        },
      ]);
    }
    // A farmer with plots names themself too, beside the first plot the hit opens.
    const [nam] = farmerHits(await search('Kha Văn Nam', officer));
    expect(nam!.facts!.farmerId).toBe(Number(reg.fx.farmers.nam));
    expect(nam!.facts!.plotCount).toBeGreaterThan(0);
    const { rows: log } = await reg.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM access_log WHERE user_id = $1 AND subject = $2 AND purpose = 'search'`,
      [reg.fx.users.officer, `farmer:${id}`],
    );
    expect(log[0]!.n).toBe(5);
    const admin = farmerHits(await search('Đặng Thị Mới', reg.as(reg.fx.users.admin)));
    expect(admin.map((h) => h.id)).toEqual([String(id)]);
    for (const headers of [reg.as(reg.fx.users.officerElsewhere), reg.as(reg.fx.users.farmer), reg.as(reg.fx.users.planner), {}]) {
      const results = await search('Đặng Thị Mới', headers);
      expect(farmerHits(results)).toEqual([]);
      expect(JSON.stringify(results)).not.toContain('ND-TEST-MOI3');
    }
  });

  it('answers hostile queries with 200 or 400, never a 5xx', async () => {
    for (const q of ["'; DROP TABLE parcels;--", '%', '_', '\\', 'tờ 99999999999 thửa 1', '29890 0 0', 'ⓐⓑ', '\u0000']) {
      const res = await reg.app.inject({ url: `/api/search?q=${encodeURIComponent(q)}` });
      expect(res.statusCode, q).toBeLessThan(500);
    }
    for (const url of [
      '/api/search',
      '/api/search?q=',
      `/api/search?q=${'x'.repeat(300)}`,
      '/api/search?q=a&limit=0',
      '/api/search?q=a&limit=abc',
    ]) {
      const res = await reg.app.inject({ url });
      expect(res.statusCode, url).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect((await reg.db.query<{ n: number }>('SELECT count(*)::int AS n FROM parcels WHERE sheet = 912')).rows[0]!.n).toBe(2);
  });

  it('finds growing areas by name and by an organisation registrant, drafts and dossiers under review only for their ward and administrators', async () => {
    const square = (x: number, y: number) => {
      const [a, b] = at(x, y);
      return `ST_Multi(ST_MakeEnvelope(${a}, ${b}, ${a + 0.0005}, ${b + 0.0005}, 4326))`;
    };
    const area = async (name: string, status: string, commune: string, kind: string, registrant: string, code: string | null = null) => {
      const { rows } = await reg.db.query<{ id: number }>(
        `INSERT INTO growing_areas (lineage_id, code, scheme, name, crop, status, registrant_kind, registrant_name, commune_code, geom)
         VALUES (0, $1, 'domestic-3156', $2, 'mango', $3, $4, $5, $6, ${square(400, 400)}) RETURNING id`,
        [code, name, status, kind, registrant, commune],
      );
      await reg.db.query('UPDATE growing_areas SET lineage_id = id WHERE id = $1', [rows[0]!.id]);
      return String(rows[0]!.id);
    };
    const draft = await area('Vùng xoài Thử Tìm ấp Tân Phát', 'draft', '29869', 'cooperative', 'HTX Thử Tìm Đức');
    const draftElsewhere = await area('Vùng xoài Thử Tìm Mỹ Ngãi', 'draft', '29884', 'cooperative', 'HTX Mỹ Ngãi');
    const submitted = await area('Vùng xoài Thử Tìm đã nộp', 'submitted', '29869', 'cooperative', 'HTX Hòa An');
    const person = await area('Vùng xoài Thử Tìm Cát Chu', 'active', '29869', 'person', 'Lê Văn Riêng Tư', 'VN-82-29869-77-26');
    const company = await area('Vùng nhãn Mỹ Trà', 'active', '29884', 'company', 'Công ty Thử Tìm Xuất Khẩu', 'VN-82-29884-78-26');
    const areas = (results: SearchResult[]) =>
      results
        .filter((r) => r.kind === 'growing_area')
        .map((r) => r.id)
        .sort();

    // A guest: areas whose record is public, found without accents; an organisation by its name.
    expect(areas(await search('thu tim'))).toEqual([person, company].sort());
    const byCompany = (await search('cong ty thu tim xuat khau')).find((r) => r.kind === 'growing_area');
    expect(byCompany).toMatchObject({
      id: company,
      label: 'VN-82-29884-78-26',
      facts: { name: 'Vùng nhãn Mỹ Trà', registrantName: 'Công ty Thử Tìm Xuất Khẩu' },
    });
    expect(byCompany!.bbox).not.toBeNull();
    // The draft's card opens from its hit: no code yet, so its name is the label.
    const officer = reg.as(reg.fx.users.officer);
    const byName = (await search('Thử Tìm ấp Tân Phát', officer)).find((r) => r.id === draft);
    expect(byName).toMatchObject({
      kind: 'growing_area',
      label: 'Vùng xoài Thử Tìm ấp Tân Phát',
      facts: { status: 'draft', communeCode: '29869' },
    });
    expect(byName!.facts!.code).toBeUndefined();
    expect(byName!.center).not.toBeNull();
    // The ward's officer: every status of their ward, the public ones elsewhere; the administrator: all.
    expect(areas(await search('THU TIM', officer))).toEqual([draft, submitted, person, company].sort());
    expect(areas(await search('thử tìm', reg.as(reg.fx.users.officerElsewhere)))).toEqual([draftElsewhere, person, company].sort());
    expect(areas(await search('thử tìm', reg.as(reg.fx.users.admin)))).toEqual([draft, draftElsewhere, submitted, person, company].sort());
    // A farmer finds the dossier their plot is in once it is submitted, never a draft of theirs (the ward's work in progress).
    const before = (await reg.db.query<{ g: number | null }>('SELECT growing_area_id AS g FROM plots WHERE id = $1', [reg.fx.plots.mangoC]))
      .rows[0]!.g;
    try {
      for (const [into, expected] of [
        [submitted, [submitted, person, company]],
        [draft, [person, company]],
      ] as const) {
        await reg.db.query('UPDATE plots SET growing_area_id = $1 WHERE id = $2', [into, reg.fx.plots.mangoC]);
        expect(areas(await search('thử tìm', reg.as(reg.fx.users.farmer)))).toEqual([...expected].sort());
        expect(areas(await search('thử tìm', reg.as(reg.fx.users.otherFarmer)))).toEqual([person, company].sort());
      }
    } finally {
      await reg.db.query('UPDATE plots SET growing_area_id = $1 WHERE id = $2', [before, reg.fx.plots.mangoC]);
    }
    for (const who of [reg.fx.users.farmer, reg.fx.users.planner])
      expect(areas(await search('thử tìm', reg.as(who)))).toEqual([person, company].sort());

    // A person registrant is personal data: only staff of the area's commune find it, and that is logged.
    for (const headers of [{}, reg.as(reg.fx.users.officerElsewhere), reg.as(reg.fx.users.farmer), reg.as(reg.fx.users.planner)]) {
      expect(JSON.stringify(await search('Lê Văn Riêng Tư', headers))).not.toContain('Riêng Tư');
    }
    const mine = (await search('le van rieng tu', officer)).filter((r) => r.kind === 'growing_area');
    expect(mine).toMatchObject([{ id: person, facts: { registrantName: 'Lê Văn Riêng Tư' } }]);
    const log = (
      await reg.db.query<{ subject: string }>(
        `SELECT subject FROM access_log WHERE user_id = $1 AND subject LIKE 'growing_area_registrant:%'`,
        [reg.fx.users.officer],
      )
    ).rows;
    expect(log).toEqual([{ subject: `growing_area_registrant:${person}` }]);
    // A match on the area's name does not show a person registrant's name, even to the ward's officer.
    expect(JSON.stringify(await search('Thử Tìm Cát Chu', officer))).not.toContain('Riêng Tư');

    // Hostile queries: regular-expression and SQL syntax is text, never an error, never a draft to a guest.
    for (const q of ['.*', '.', '(', '[', 'Thử Tìm)', 'x{99999}', '\\', "'; DELETE FROM growing_areas;--", '^$', '|', 'Tìm\u0000Nháp']) {
      const res = await reg.app.inject({ url: `/api/search?q=${encodeURIComponent(q)}` });
      expect(res.statusCode, q).toBe(200);
      const hits = (res.json().results as SearchResult[]).filter((r) => r.kind === 'growing_area').map((r) => r.id);
      expect(hits, q).not.toContain(draft);
      expect(hits, q).not.toContain(submitted);
    }
    expect((await reg.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM growing_areas WHERE name LIKE '%Thử Tìm%'`)).rows[0]!.n).toBe(
      4,
    );
  });
});
