// The planner's search: zoning lots by code (exact first), the facts behind every label so clients
// word it in their language, and what a parcel-like query that found nothing was understood as.
import { beforeAll, describe, expect, it } from 'vitest';
import type { SearchResult, SearchUnderstood } from '../../server/contracts/registry.ts';
import { useRegistryApp } from '../helpers/registry-app.ts';

const reg = useRegistryApp({ fixture: false });

type Answer = { query: string; results: SearchResult[]; understood?: SearchUnderstood };

async function search(q: string, limit = 10): Promise<Answer> {
  const res = await reg.app.inject({ url: `/api/search?q=${encodeURIComponent(q)}&limit=${limit}` });
  expect(res.statusCode, `${q}: ${res.body}`).toBe(200);
  return res.json();
}

type LotRow = { id: number; lot_code: string; plan_name: string; lon: number; lat: number };

async function lotRow(code: string, planName?: string): Promise<LotRow> {
  const { rows } = await reg.db.query<LotRow>(
    `SELECT z.id, z.lot_code, pl.name AS plan_name, ST_X(ST_PointOnSurface(z.geom)) AS lon, ST_Y(ST_PointOnSurface(z.geom)) AS lat
     FROM zoning_lots z JOIN planning_plans pl ON pl.id = z.plan_id WHERE z.lot_code = $1 AND ($2::text IS NULL OR pl.name = $2)`,
    [code, planName ?? null],
  );
  expect(rows, code).toHaveLength(1);
  return rows[0]!;
}

const lots = (a: Answer) => a.results.filter((r) => r.kind === 'zoning_lot');

beforeAll(async () => {
  // A second, later plan reusing a lot code, with a longer code that starts the same; and a superseded
  // plan whose lots are off the map (and so out of the search).
  await reg.db.query(
    `INSERT INTO planning_plans (id, name, scale, decision_no, decision_date, authority, admin_code, status) VALUES
       (901, 'Quy hoạch chi tiết tỷ lệ 1/500 khu dân cư Hòa Thuận', '1/500', '77/QĐ-UBND', '2024-03-01', 'UBND thành phố Cao Lãnh', '87866', 'approved'),
       (902, 'Quy hoạch cũ đã thay thế', '1/2000', '5/QĐ-UBND', '2015-01-01', 'UBND tỉnh Đồng Tháp', '87866', 'superseded')`,
  );
  await reg.db.query(
    `INSERT INTO zoning_lots (plan_id, lot_code, info_code, function, geom)
     SELECT p.plan_id, p.code, p.info, 'Đất ở đô thị', z.geom FROM zoning_lots z,
       (VALUES (901, 'ODT-530', NULL), (901, 'ODT-53', '878660000053'), (902, 'ODT-53', NULL), (902, 'ZZ-01', NULL)) AS p(plan_id, code, info)
     WHERE z.lot_code = 'ODT-53' AND z.plan_id = 1`,
  );
});

describe('zoning lots in the search box', () => {
  it('finds a lot by its code however it is typed, first, with its plan on the second line and a place to fly to', async () => {
    const lot = await lotRow('ODT-53', 'Quy hoạch phân khu tỷ lệ 1/2000 khu trung tâm thành phố Cao Lãnh');
    for (const q of ['ODT-53', 'odt-53', 'ODT 53', ' odt53 ', 'ODT-053', 'ODT.53']) {
      const answer = await search(q);
      const first = answer.results[0]!;
      expect(first.kind, q).toBe('zoning_lot');
      // Both plans' ODT-53 lead, the older plan's first; ODT-530 follows (not after a padded "053"); the superseded plan's does not appear.
      expect(
        lots(answer).map((r) => [r.facts?.lotCode, r.facts?.planId, r.facts?.exact]),
        q,
      ).toEqual([['ODT-53', 1, true], ['ODT-53', 901, true], ...(q.includes('053') ? [] : [['ODT-530', 901, false]])]);
      expect(first).toMatchObject({
        id: String(lot.id),
        label: 'Ô quy hoạch ODT-53',
        detail: lot.plan_name,
        facts: { lotCode: 'ODT-53', planName: lot.plan_name, function: expect.any(String), scale: '1/2000' },
      });
      const [minX, minY, maxX, maxY] = first.bbox!;
      expect(lot.lon > minX && lot.lon < maxX && lot.lat > minY && lot.lat < maxY).toBe(true);
      expect(first.center).toHaveLength(2);
    }
  });

  it('lists lots by the start of their code, the exact one first (ODT-5 means ODT-05), the rest in code order', async () => {
    const { rows } = await reg.db.query<{ lot_code: string }>(
      `SELECT lot_code FROM zoning_lots z JOIN planning_plans pl ON pl.id = z.plan_id
       WHERE pl.status <> 'superseded' AND (lot_code LIKE 'ODT-5%' OR lot_code = 'ODT-05')`,
    );
    const codes = lots(await search('odt-5', 50)).map((r) => r.facts!.lotCode);
    expect([...codes].sort()).toEqual(rows.map((r) => r.lot_code).sort());
    expect(codes[0]).toBe('ODT-05');
    expect(codes.slice(1)).toEqual([...codes.slice(1)].sort((a, b) => a!.length - b!.length || a!.localeCompare(b!)));
    // A bare prefix lists that function's lots, as many as asked for.
    const cq = lots(await search('CQ', 5));
    expect(cq).toHaveLength(5);
    expect(cq.every((r) => r.facts!.lotCode!.startsWith('CQ-'))).toBe(true);
  });

  it("finds a lot by its 12-digit planning information code, and not a superseded plan's lots", async () => {
    expect(lots(await search('878660000053')).map((r) => [r.facts?.lotCode, r.facts?.planId])).toEqual([['ODT-53', 901]]);
    expect(lots(await search('ZZ-01'))).toEqual([]);
  });
});

describe('the facts behind the labels', () => {
  it('gives a parcel hit its commune, sheet, number, land use and address, and keeps the Vietnamese label', async () => {
    const { rows } = await reg.db.query<{ id: number; land_use_code: string; address: string | null }>(
      `SELECT id, land_use_code, address FROM parcels WHERE commune_code = '29869' AND sheet = 1 AND parcel_no = 10`,
    );
    const row = rows[0]!;
    for (const q of ['29869 1 10', 'tờ 1, thửa 10 Phường 1', 'to 1   thua 10', 'Thửa đất số 10, tờ bản đồ số 1']) {
      const hit = (await search(q)).results.find((r) => r.kind === 'parcel' && r.id === String(row.id));
      expect(hit, q).toBeDefined();
      expect(hit!.label).toBe('Tờ 1 thửa 10 — Phường 1');
      expect(hit!.facts).toEqual({
        communeCode: '29869',
        communeName: 'Phường 1',
        sheet: 1,
        parcelNo: 10,
        landUseCode: row.land_use_code,
        address: row.address,
      });
    }
  });

  it('gives unit and address hits their facts', async () => {
    const unit = (await search('Tân Thuận Tây')).results.find((r) => r.kind === 'unit' && r.label === 'Xã Tân Thuận Tây');
    expect(unit?.facts).toMatchObject({ name: 'Xã Tân Thuận Tây', level: 'commune', current: false });
    expect(unit?.facts?.today).toContain('Phường Cao Lãnh');
    const address = (await search('Hồ Xuân Hương')).results.find((r) => r.kind === 'address');
    expect(address).toBeDefined();
    const { rows } = await reg.db.query<{ sheet: number; parcel_no: number; commune_code: string }>(
      'SELECT sheet, parcel_no, commune_code FROM parcels WHERE id = $1',
      [Number(address!.id)],
    );
    expect(address!.facts).toMatchObject({ sheet: rows[0]!.sheet, parcelNo: rows[0]!.parcel_no, communeCode: rows[0]!.commune_code });
  });
});

describe('a parcel-like query that finds nothing', () => {
  it('says the sheet exists but not that parcel, in the commune it named', async () => {
    const { rows } = await reg.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM parcels WHERE commune_code = '29869' AND sheet = 1 AND parcel_no = 9999`,
    );
    expect(rows[0]!.n).toBe(0);
    expect(await search('29869 1 9999')).toEqual({
      query: '29869 1 9999',
      results: [],
      understood: {
        kind: 'parcel',
        commune: { input: '29869', code: '29869', name: 'Phường 1' },
        sheet: 1,
        parcel: 9999,
        missing: [],
        sheetFound: true,
      },
    });
  });

  it('says when the sheet itself is not there, or the commune is unknown', async () => {
    const sheet99 = (
      await reg.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM parcels WHERE commune_code = '29869' AND sheet = 99`)
    ).rows[0]!.n;
    expect((await search('29869 99 9999')).understood).toMatchObject({ sheet: 99, parcel: 9999, sheetFound: sheet99 > 0 });
    expect((await search('99999 1 1')).understood).toMatchObject({ commune: { input: '99999', code: null, name: null }, sheetFound: null });
    expect((await search('Tân Thuận Tây 1 99999')).understood).toMatchObject({
      commune: { input: 'Tân Thuận Tây', name: 'Xã Tân Thuận Tây' },
      sheet: 1,
      parcel: 99999,
    });
  });

  it('says which part of a half-key is missing', async () => {
    expect((await search('thửa 10')).understood).toEqual({
      kind: 'parcel',
      commune: null,
      sheet: null,
      parcel: 10,
      missing: ['sheet'],
      sheetFound: null,
    });
    const sheetOnly = await search('tờ 1');
    expect(sheetOnly.results).toEqual([]);
    expect(sheetOnly.understood).toMatchObject({ sheet: 1, parcel: null, missing: ['parcel'], sheetFound: true });
  });

  it('says nothing more when something was found, or the query was not parcel-like', async () => {
    expect((await search('29869 1 10')).understood).toBeUndefined();
    const other = await search('khong co gi ca');
    expect(other).toEqual({ query: 'khong co gi ca', results: [] });
  });
});

describe('hostile queries', () => {
  it('answers 400 as problem+json or an empty (or honest) 200, never a 5xx, and writes nothing', async () => {
    const before = (await reg.db.query<{ n: number }>('SELECT (SELECT count(*) FROM zoning_lots) + (SELECT count(*) FROM parcels) AS n'))
      .rows[0]!.n;
    const queries = [
      'O'.repeat(200),
      'ODT-'.repeat(50),
      'ODT-53'.padEnd(201, '9'),
      "ODT-53'; DROP TABLE zoning_lots;--",
      "thửa 1' OR '1'='1",
      'ODT%',
      'ODT_5',
      '%_%',
      '\\\\',
      '$1',
      'ODT-53\u0000',
      '\u0001\u0002\u001f',
      '\u001b[31mODT-53',
      '\u202eODT-53',
      '-.-',
      '...',
      '"',
      '((((',
      '[*+?{}|^$',
      'tờ 99999 thửa 9999999',
      '29869 99999 9999999',
      '🏠 12',
    ];
    for (const q of queries) {
      const res = await reg.app.inject({ url: `/api/search?q=${encodeURIComponent(q)}` });
      expect(res.statusCode, JSON.stringify(q)).toBeLessThan(500);
      if (res.statusCode === 200) expect(Array.isArray(res.json().results), JSON.stringify(q)).toBe(true);
      else {
        expect(res.statusCode, JSON.stringify(q)).toBe(400);
        expect(res.headers['content-type']).toContain('application/problem+json');
      }
    }
    const long = await reg.app.inject({ url: `/api/search?q=${'ODT-53'.padEnd(201, '9')}` });
    expect(long.statusCode).toBe(400);
    // Wildcards are letters to the lot search, not patterns.
    expect(lots(await search('ODT%'))).toEqual(lots(await search('ODT')));
    expect((await search('%_%')).results).toEqual([]);
    // A pasted line break or NUL is a space.
    expect(lots(await search('ODT-53\u0000')).map((r) => r.facts?.lotCode)).toContain('ODT-53');
    expect(lots(await search('\tODT-53\n')).map((r) => r.facts?.lotCode)).toContain('ODT-53');
    const after = (await reg.db.query<{ n: number }>('SELECT (SELECT count(*) FROM zoning_lots) + (SELECT count(*) FROM parcels) AS n'))
      .rows[0]!.n;
    expect(after).toBe(before);
  });
});
