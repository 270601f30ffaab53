import { beforeAll, describe, expect, it } from 'vitest';
import { validateEudrGeoJson } from '../../server/domain/eudr.ts';
import { CARD_LOOKUPS_PER_MINUTE } from '../../server/routes/registry.ts';
import { addDays } from '../../server/domain/substances.ts';
import { vietnamToday } from '../../server/domain/vietnam-time.ts';
import { exportMangoArea, inspectionOfNewArea } from '../fixtures/registry.ts';
import { useRegistryApp } from '../helpers/registry-app.ts';

const reg = useRegistryApp();

const accessLog = async (userId: number) =>
  (
    await reg.db.query<{ subject: string; purpose: string }>('SELECT subject, purpose FROM access_log WHERE user_id = $1 ORDER BY id', [
      userId,
    ])
  ).rows;

describe('farmers and their plots', () => {
  it('lets an officer register a farmer, gives a card code, and logs every reveal of personal data', async () => {
    const officer = reg.as(reg.fx.users.officer);
    const res = await reg.app.inject({
      method: 'POST',
      url: '/api/farmers',
      headers: officer,
      payload: {
        communeCode: '29869',
        hamlet: 'Ấp Tân Hậu',
        fullName: 'Lê Văn Bình',
        citizenId: '087111222333',
        phone: '0901234567',
        address: 'Ấp Tân Hậu',
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const farmer = res.json();
    expect(farmer).toMatchObject({ fullName: 'Lê Văn Bình', citizenId: '087111222333', communeCode: '29869' });
    expect(farmer.lookupCode).toMatch(/^ND-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    const edits = (
      await reg.db.query<{ collection: string; user_id: number; origin: string }>(
        `SELECT collection, user_id, origin FROM edit_log WHERE feature_id = $1 AND collection LIKE 'farmer%'`,
        [String(farmer.id)],
      )
    ).rows;
    expect(edits.map((e) => e.collection).sort()).toEqual(['farmer_private', 'farmers']);
    expect(edits.every((e) => e.user_id === reg.fx.users.officer && e.origin === 'api')).toBe(true);

    const list = await reg.app.inject({ url: '/api/farmers?q=le%20van%20binh', headers: officer });
    expect(list.json().farmers.map((f: { id: number }) => f.id)).toContain(farmer.id);
    // Numbers as people write them, in groups: the citizen ID and the phone are found.
    for (const q of ['087 111 222 333', '087.111.222.333', '0901 234 567', '0901-234-567']) {
      const found = await reg.app.inject({ url: `/api/farmers?q=${encodeURIComponent(q)}`, headers: officer });
      expect(
        found.json().farmers.map((f: { id: number }) => f.id),
        q,
      ).toEqual([farmer.id]);
    }
    // Part of a number finds nobody (an ID is matched whole, not guessed at).
    const part = await reg.app.inject({ url: `/api/farmers?q=${encodeURIComponent('087 111')}`, headers: officer });
    expect(part.json().farmers).toEqual([]);
    const patched = await reg.app.inject({
      method: 'PATCH',
      url: `/api/farmers/${farmer.id}`,
      headers: {
        ...officer,
        'if-match': (await reg.app.inject({ url: `/api/farmers/${farmer.id}`, headers: officer })).headers.etag as string,
      },
      payload: { phone: null, hamlet: 'Ấp Tân Dinh' },
    });
    expect(patched.json()).toMatchObject({ phone: null, hamlet: 'Ấp Tân Dinh', fullName: 'Lê Văn Bình', version: 2 });
    expect((await accessLog(reg.fx.users.officer)).filter((a) => a.subject === `farmer:${farmer.id}`).length).toBeGreaterThanOrEqual(3);
  });

  it('takes a correction sent with the ETag read, and refuses one made on an older copy with 412, writing nothing', async () => {
    const officer = reg.as(reg.fx.users.officer);
    const created = await reg.app.inject({
      method: 'POST',
      url: '/api/farmers',
      headers: officer,
      payload: { communeCode: '29869', fullName: 'Đỗ Thị Hạnh', phone: '0907000111' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as number;
    const url = `/api/farmers/${id}`;
    const tagOf = async () => (await reg.app.inject({ url, headers: officer })).headers.etag as string;
    const first = await tagOf();
    expect(created.headers.etag).toBe(first);
    expect(created.headers.location).toBe(url);
    expect(first).toMatch(new RegExp(`^"${id}-1\\.[A-Za-z0-9_-]{8}"$`));
    const row = async () =>
      (
        await reg.db.query<{ phone: string; version: number }>(
          'SELECT fp.phone, f.version FROM farmers f JOIN farmer_private fp ON fp.farmer_id = f.id WHERE f.id = $1',
          [id],
        )
      ).rows[0];
    const logged = async () =>
      (
        await reg.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM edit_log WHERE collection LIKE 'farmer%' AND feature_id = $1`, [
          String(id),
        ])
      ).rows[0]!.n;

    const patch = (ifMatch: string | undefined, payload: Record<string, unknown>, headers = officer) =>
      reg.app.inject({ method: 'PATCH', url, headers: { ...headers, ...(ifMatch === undefined ? {} : { 'if-match': ifMatch }) }, payload });
    const taken = await patch(first, { phone: '0907000222' });
    expect(taken.statusCode, taken.body).toBe(200);
    expect(taken.headers.etag).toBe(await tagOf());
    expect(taken.headers.etag).not.toBe(first);
    expect(await row()).toEqual({ phone: '0907000222', version: 2 });
    const edits = await logged();

    // The copy read before that correction: refused, and nothing is written or logged.
    const stale = await patch(first, { phone: '0907000333' });
    expect(stale.statusCode, stale.body).toBe(412);
    expect(stale.headers['content-type']).toContain('application/problem+json');
    expect(stale.json().currentETag).toBe(taken.headers.etag);
    expect(await row()).toEqual({ phone: '0907000222', version: 2 });
    expect(await logged()).toBe(edits);

    // A phone changed in SQL moves no version of the farmer, but its tag all the same.
    const before = taken.headers.etag as string;
    await reg.db.query(`UPDATE farmer_private SET phone = '0907000444' WHERE farmer_id = $1`, [id]);
    expect((await row())!.version).toBe(2);
    expect(await tagOf()).not.toBe(before);
    expect((await patch(before, { phone: '0907000555' })).statusCode).toBe(412);
    expect((await row())!.phone).toBe('0907000444');

    // What is no tag of this farmer's: 412 too, never a 500; a weak tag never matches.
    const now = await tagOf();
    for (const bad of ['abc', `W/${now}`, '"0-0"', `"${id}-2"`, '""', 'x'.repeat(3000)]) {
      const res = await patch(bad, { phone: '0907000666' });
      expect(res.statusCode, `${bad.slice(0, 40)}: ${res.body}`).toBe(412);
    }
    expect((await row())!.phone).toBe('0907000444');
    // 404 and 403 are said whatever If-Match holds.
    expect(
      (
        await reg.app.inject({
          method: 'PATCH',
          url: '/api/farmers/987654321',
          headers: { ...officer, 'if-match': now },
          payload: { phone: null },
        })
      ).statusCode,
    ).toBe(404);
    expect((await patch(now, { phone: null }, reg.as(reg.fx.users.officerElsewhere))).statusCode).toBe(403);
    expect((await patch(undefined, { phone: null }, reg.as(reg.fx.users.officerElsewhere))).statusCode).toBe(403);
    // Without If-Match: 428 (the copy it was made on is unknown), nothing written or logged.
    const logs = await logged();
    const blind = await patch(undefined, { phone: '0907000999' });
    expect(blind.statusCode, blind.body).toBe(428);
    expect(blind.headers['content-type']).toContain('application/problem+json');
    expect((await row())!.phone).toBe('0907000444');
    expect(await logged()).toBe(logs);
    // The tag read now, one of several, or '*': taken.
    expect((await patch(`"1-1", ${now}`, { phone: '0907000777' })).statusCode).toBe(200);
    expect((await patch('*', { phone: '0907000888' })).statusCode).toBe(200);
    expect((await row())!.phone).toBe('0907000888');
  });

  it('keeps other communes, planners, farmers and visitors away from personal data', async () => {
    for (const [who, status] of [
      [reg.fx.users.officerElsewhere, 403],
      [reg.fx.users.planner, 403],
      [reg.fx.users.otherFarmer, 403],
    ] as const) {
      expect((await reg.app.inject({ url: `/api/farmers/${reg.fx.farmers.nam}`, headers: reg.as(who) })).statusCode).toBe(status);
    }
    expect((await reg.app.inject({ url: `/api/farmers/${reg.fx.farmers.nam}` })).statusCode).toBe(401);
    const elsewhere = await reg.app.inject({ url: '/api/farmers', headers: reg.as(reg.fx.users.officerElsewhere) });
    expect(elsewhere.json().farmers.some((f: { id: number }) => f.id === reg.fx.farmers.nam)).toBe(false);
    expect((await reg.app.inject({ url: '/api/farmers?commune=29869', headers: reg.as(reg.fx.users.officerElsewhere) })).statusCode).toBe(
      403,
    );
    // Listing their own commune reveals its farmers (logged), never Nam of another commune.
    const seen = (await accessLog(reg.fx.users.officerElsewhere)).map((a) => a.subject);
    expect(seen).not.toContain(`farmer:${reg.fx.farmers.nam}`);
    expect(seen).not.toContain(`farmer:${reg.fx.farmers.lan}`);
  });

  it("lists an officer's farmers page by page with their hamlet, commune, plot count and where their plots are, a farmer with no plot too", async () => {
    const officer = reg.as(reg.fx.users.officer);
    const { rows } = await reg.db.query<{ id: number }>(
      `INSERT INTO farmers (lookup_code, commune_code, hamlet) VALUES ('ND-TEST-LIST', '29869', 'Ấp Hòa Mới') RETURNING id`,
    );
    const fresh = Number(rows[0]!.id);
    await reg.db.query(
      `INSERT INTO farmer_private (farmer_id, full_name, citizen_id, phone) VALUES ($1, 'Võ Thị Chưa Có Thửa', NULL, NULL)`,
      [fresh],
    );
    // Names whose order only the Vietnamese alphabet gives: Đ after D, Ă and Â after A, Ơ after Ô,
    // tone marks second to letters (Anh and Ánh together), and two An told apart by the full name.
    for (const [i, name] of [
      'Phạm Minh Đức',
      'Lê Văn Duy',
      'Hồ Dũng',
      'Trần Thị An',
      'Lê Văn An',
      'Mai Ánh',
      'Đỗ Anh',
      'Ngô Ăn',
      'Lý Âu',
      'Tạ Ơn',
      'Vũ Ôn',
    ].entries()) {
      const id = Number(
        (
          await reg.db.query<{ id: number }>(`INSERT INTO farmers (lookup_code, commune_code) VALUES ($1, '29869') RETURNING id`, [
            `ND-TEST-ORD${i}`,
          ])
        ).rows[0]!.id,
      );
      await reg.db.query(`INSERT INTO farmer_private (farmer_id, full_name) VALUES ($1, $2)`, [id, name]);
    }
    const vi = new Intl.Collator('vi', { sensitivity: 'base' });
    const given = (name: string) => name.trim().split(/\s+/).pop()!;
    const expected = (
      await reg.db.query<{ id: number; name: string | null; n: number; first: number | null }>(
        `SELECT f.id, fp.full_name AS name, count(p.id)::int AS n, min(p.id) AS first
           FROM farmers f LEFT JOIN farmer_private fp ON fp.farmer_id = f.id LEFT JOIN plots p ON p.farmer_id = f.id
          WHERE f.commune_code = '29869' GROUP BY f.id, fp.full_name`,
      )
    ).rows
      // As a Vietnamese list of people reads: by given name, then full name (no name last), then id.
      .sort(
        (a, b) =>
          Number(a.name === null) - Number(b.name === null) ||
          (a.name !== null && b.name !== null ? vi.compare(given(a.name), given(b.name)) || vi.compare(a.name, b.name) : 0) ||
          Number(a.id) - Number(b.id),
      )
      .map((r) => ({ id: Number(r.id), plotCount: r.n, firstPlotId: r.first === null ? null : Number(r.first) }));
    expect(expected.length).toBeGreaterThanOrEqual(14);
    // Two pages of 2 and the rest: every farmer of the commune once, in order, with the count of all.
    const pages = [];
    for (let offset = 0; offset < expected.length; offset += 2) {
      const res = await reg.app.inject({ url: `/api/farmers?commune=29869&limit=2&offset=${offset}`, headers: officer });
      expect(res.statusCode, res.body).toBe(200);
      expect(Number(res.json().total)).toBe(expected.length);
      pages.push(...res.json().farmers);
    }
    expect(
      pages.map((f: { id: number; plotCount: number; firstPlotId: number | null }) => ({
        id: f.id,
        plotCount: f.plotCount,
        firstPlotId: f.firstPlotId,
      })),
    ).toEqual(expected);
    const names = pages.map((f: { fullName: string | null }) => f.fullName);
    const ours = names.filter(
      (n: string | null) =>
        n !== null && /^(Phạm Minh Đức|Lê Văn Duy|Hồ Dũng|Trần Thị An|Lê Văn An|Mai Ánh|Đỗ Anh|Ngô Ăn|Lý Âu|Tạ Ơn|Vũ Ôn)$/.test(n),
    );
    expect(ours).toEqual([
      'Lê Văn An',
      'Trần Thị An',
      'Đỗ Anh',
      'Mai Ánh',
      'Ngô Ăn',
      'Lý Âu',
      'Hồ Dũng',
      'Lê Văn Duy',
      'Phạm Minh Đức',
      'Vũ Ôn',
      'Tạ Ơn',
    ]);
    const nam = pages.find((f: { id: number }) => f.id === Number(reg.fx.farmers.nam));
    // The fields the list had are all still there, with the new ones beside them.
    expect(nam).toMatchObject({
      lookupCode: 'ND-TEST-NAM1',
      communeCode: '29869',
      communeName: 'Phường Cao Lãnh',
      hamlet: 'Ấp Tân Hậu',
      fullName: 'Kha Văn Nam',
      citizenId: '087123456789',
      phone: '0912345678',
      version: expect.any(Number),
    });
    // Its bbox holds every plot of the farmer, and the first plot is theirs.
    const [w, s, e, n] = nam.bbox as number[];
    const { rows: inside } = await reg.db.query<{ all: boolean }>(
      'SELECT bool_and(ST_Within(geom, ST_MakeEnvelope($2, $3, $4, $5, 4326))) AS all FROM plots WHERE farmer_id = $1',
      [reg.fx.farmers.nam, w! - 1e-9, s! - 1e-9, e! + 1e-9, n! + 1e-9],
    );
    expect(inside[0]!.all).toBe(true);
    // The farmer with no plot yet: nothing to fly to.
    expect(pages.find((f: { id: number }) => f.id === fresh)).toMatchObject({
      fullName: 'Võ Thị Chưa Có Thửa',
      hamlet: 'Ấp Hòa Mới',
      plotCount: 0,
      firstPlotId: null,
      bbox: null,
    });
    // Filtered by a name without accents, and the reveal logged.
    const found = (await reg.app.inject({ url: `/api/farmers?q=${encodeURIComponent('vo thi chua')}`, headers: officer })).json();
    expect(found.farmers.map((f: { id: number }) => f.id)).toEqual([fresh]);
    expect((await accessLog(reg.fx.users.officer)).some((a) => a.subject === `farmer:${fresh}` && a.purpose === 'list')).toBe(true);
    // Another commune's officer does not see them; bad paging is a 400.
    const elsewhere = (await reg.app.inject({ url: '/api/farmers?limit=500', headers: reg.as(reg.fx.users.officerElsewhere) })).json();
    expect(elsewhere.farmers.some((f: { id: number }) => f.id === fresh)).toBe(false);
    for (const bad of ['limit=0', 'limit=abc', 'offset=-1'])
      expect((await reg.app.inject({ url: `/api/farmers?${bad}`, headers: officer })).statusCode, bad).toBe(400);
    await reg.db.query('DELETE FROM farmer_private WHERE farmer_id = $1', [fresh]);
    await reg.db.query('DELETE FROM farmers WHERE id = $1', [fresh]);
  });

  it('shows a signed-in farmer exactly their own plots', async () => {
    const own = (
      await reg.db.query<{ id: number }>('SELECT id FROM plots WHERE farmer_id = $1 ORDER BY id', [reg.fx.farmers.nam])
    ).rows.map((r) => r.id);
    const res = await reg.app.inject({ url: '/api/me/plots', headers: reg.as(reg.fx.users.farmer) });
    expect(res.statusCode).toBe(200);
    expect(res.json().plots.map((p: { id: number }) => p.id)).toEqual(own);
    expect(own.length).toBeGreaterThanOrEqual(5);
    const lan = await reg.app.inject({ url: '/api/me/plots', headers: reg.as(reg.fx.users.otherFarmer) });
    expect(lan.json().plots.map((p: { id: number }) => p.id)).toEqual([reg.fx.plots.lanMango]);
    expect(res.json().plots[0].geometry.type).toBe('Polygon');
    // Each plot names the parcel holding most of it (tờ/thửa) and how many it covers, as the links say.
    const links = await reg.db.query<{ plot: number; sheet: number; parcel: number; n: number }>(
      `SELECT DISTINCT ON (pp.plot_id) pp.plot_id AS plot, pa.sheet, pa.parcel_no AS parcel,
              (SELECT count(*)::int FROM plot_parcels x WHERE x.plot_id = pp.plot_id) AS n
         FROM plot_parcels pp JOIN parcels pa ON pa.id = pp.parcel_id JOIN plots p ON p.id = pp.plot_id
        WHERE p.farmer_id = $1 ORDER BY pp.plot_id, pp.share_m2 DESC, pa.id`,
      [reg.fx.farmers.nam],
    );
    expect(links.rows.length).toBeGreaterThan(0);
    for (const link of links.rows) {
      const shown = res.json().plots.find((p: { id: number }) => p.id === Number(link.plot));
      expect(shown.main_parcel).toMatchObject({ sheet: Number(link.sheet), parcel: Number(link.parcel) });
      expect(shown.parcel_count).toBe(link.n);
    }
    const me = await reg.app.inject({ url: '/api/me', headers: reg.as(reg.fx.users.farmer) });
    expect(me.json()).toMatchObject({ id: reg.fx.farmers.nam, fullName: 'Kha Văn Nam' });
    expect((await reg.app.inject({ url: '/api/me/plots' })).statusCode).toBe(401);
    expect((await reg.app.inject({ url: '/api/me/plots', headers: reg.as(reg.fx.users.officer) })).statusCode).toBe(403);
    expect((await reg.app.inject({ url: `/api/plots/${reg.fx.plots.lanMango}`, headers: reg.as(reg.fx.users.farmer) })).statusCode).toBe(
      403,
    );
    expect((await reg.app.inject({ url: `/api/plots/${reg.fx.plots.rice}`, headers: reg.as(reg.fx.users.farmer) })).statusCode).toBe(200);
  });

  it("pages an officer through their communes' plots as a farmer's own are listed, and keeps everyone else out", async () => {
    const officer = reg.as(reg.fx.users.officer);
    const ids = (await reg.db.query<{ id: number }>(`SELECT id FROM plots WHERE commune_code = '29869' ORDER BY id`)).rows.map((r) => r.id);
    expect(ids.length).toBeGreaterThanOrEqual(6);
    const first = await reg.app.inject({ url: '/api/plots?limit=4', headers: officer });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().total).toBe(ids.length);
    const rest = await reg.app.inject({ url: `/api/plots?limit=500&offset=4`, headers: officer });
    const seen = [...first.json().plots, ...rest.json().plots].map((p: { id: number }) => p.id);
    expect(seen).toEqual(ids);
    // The same plot reads as its farmer reads it: crop names, the area's code and status, the main parcel.
    const areaId = (
      await reg.db.query<{ id: number }>(
        `INSERT INTO growing_areas (lineage_id, code, scheme, name, crop, status, registrant_name, commune_code)
         VALUES (0, 'VN-82-29869-998-26', 'domestic-3156', 'Vùng rau thử', 'vegetable', 'active', 'HTX', '29869') RETURNING id`,
      )
    ).rows[0]!.id;
    await reg.db.query('UPDATE plots SET growing_area_id = $1 WHERE id = $2', [areaId, reg.fx.plots.vegetable]);
    const all = (await reg.app.inject({ url: '/api/plots?commune=29869&limit=500', headers: officer })).json();
    const own = (await reg.app.inject({ url: '/api/me/plots', headers: reg.as(reg.fx.users.farmer) })).json().plots;
    await reg.db.query('UPDATE plots SET growing_area_id = NULL WHERE id = $1', [reg.fx.plots.vegetable]);
    await reg.db.query('DELETE FROM growing_areas WHERE id = $1', [areaId]);
    const vegetable = all.plots.find((p: { id: number }) => p.id === reg.fx.plots.vegetable);
    expect(vegetable).toEqual(own.find((p: { id: number }) => p.id === reg.fx.plots.vegetable));
    expect(vegetable).toMatchObject({ crop: 'vegetable', growing_area_code: 'VN-82-29869-998-26', growing_area_status: 'active' });
    expect(vegetable.crop_name_vi).toMatch(/^Rau/);
    const mango = all.plots.find((p: { id: number }) => p.id === reg.fx.plots.mangoA);
    expect(mango).toMatchObject({ crop_name_vi: 'Xoài', crop_name_en: 'Mango', main_parcel: { sheet: 912 } });
    expect(all.plots[0].geometry.type).toBe('Polygon');
    expect(JSON.stringify(all)).not.toMatch(/Kha Văn Nam|087123456789|0912345678/);
    // A page past the end still says how many there are.
    expect((await reg.app.inject({ url: '/api/plots?offset=100000', headers: officer })).json()).toEqual({ total: ids.length, plots: [] });
    // Another commune's officer sees only theirs; admin sees them all.
    const elsewhere = (await reg.app.inject({ url: '/api/plots?limit=500', headers: reg.as(reg.fx.users.officerElsewhere) })).json();
    expect(elsewhere.plots.every((p: { commune_code: string }) => p.commune_code === '29884')).toBe(true);
    const everyone = (await reg.db.query<{ n: number }>('SELECT count(*)::int AS n FROM plots')).rows[0]!.n;
    expect((await reg.app.inject({ url: '/api/plots?limit=1', headers: reg.as(reg.fx.users.admin) })).json().total).toBe(everyone);
    // Hostile or out-of-scope asks: a clear 4xx, never a 500.
    const status = async (url: string, headers?: Record<string, string>) => (await reg.app.inject({ url, headers })).statusCode;
    expect(await status('/api/plots')).toBe(401);
    expect(await status('/api/plots', reg.as(reg.fx.users.farmer))).toBe(403);
    expect(await status('/api/plots', reg.as(reg.fx.users.planner))).toBe(403);
    expect(await status('/api/plots?commune=29884', officer)).toBe(403);
    for (const bad of ['limit=0', 'limit=501', 'limit=abc', 'offset=-1', 'offset=1e9', "commune=29869'--", 'commune=' + 'x'.repeat(5000)])
      expect(await status(`/api/plots?${bad}`, officer), bad).toBe(400);
  });

  it('shows plots, never a name, to whoever holds the card code', async () => {
    const res = await reg.app.inject({ url: '/api/farmer-cards/nd-test-nam1/plots' });
    expect(res.statusCode).toBe(200);
    expect(res.json().plots.length).toBeGreaterThanOrEqual(5);
    expect(res.body).not.toMatch(/Kha Văn Nam|087123456789|0912345678/);
    const wrong = await reg.app.inject({ url: '/api/farmer-cards/ND-XXXX-XXXX/plots' });
    expect(wrong.statusCode).toBe(404);
  });

  it('names each parcel with the commune of its survey, and says when that commune is a former one', async () => {
    // Sheet 912 of the old Xã Tân Thuận Tây (merged into Phường Cao Lãnh on 01/07/2025): sheet numbers repeat across the old communes of a ward.
    const former = { commune: '29890', communeName: 'Xã Tân Thuận Tây', communeFormer: true, sheet: 912 };
    const officer = reg.as(reg.fx.users.officer);
    const mainOf = (plots: { id: number; main_parcel: unknown }[]) => plots.find((p) => p.id === reg.fx.plots.mangoA)?.main_parcel;
    expect(mainOf((await reg.app.inject({ url: '/api/farmer-cards/nd-test-nam1/plots' })).json().plots)).toMatchObject(former);
    expect(mainOf((await reg.app.inject({ url: '/api/me/plots', headers: reg.as(reg.fx.users.farmer) })).json().plots)).toMatchObject(
      former,
    );
    const profile = (await reg.app.inject({ url: `/api/plots/${reg.fx.plots.mangoA}`, headers: officer })).json();
    expect(profile.parcels.length).toBeGreaterThan(0);
    for (const p of profile.parcels) expect(p).toMatchObject(former);
    // A draft's member plots, as the draft's card lists them.
    const area = (
      await reg.db.query<{ id: number }>(
        `INSERT INTO growing_areas (lineage_id, scheme, name, crop, status, registrant_name, commune_code)
         VALUES (0, 'domestic-3156', 'Vùng thử tên thửa', 'mango', 'draft', 'HTX', '29869') RETURNING id`,
      )
    ).rows[0]!.id;
    await reg.db.query('UPDATE growing_areas SET lineage_id = id WHERE id = $1', [area]);
    // A parcel of a unit still in force is named without "former"; the code names the unit of the survey's date.
    await reg.db.query(`UPDATE parcels SET commune_code = '29869', commune_ref_date = current_date WHERE id = $1`, [reg.fx.parcels.next]);
    const before = (
      await reg.db.query<{ growing_area_id: number | null }>('SELECT growing_area_id FROM plots WHERE id = $1', [reg.fx.plots.mangoA])
    ).rows[0]!.growing_area_id;
    await reg.db.query('UPDATE plots SET growing_area_id = $1 WHERE id = $2', [area, reg.fx.plots.mangoA]);
    try {
      const detail = (await reg.app.inject({ url: `/api/growing-areas/${area}`, headers: officer })).json();
      const member = detail.plots.find((p: { id: number }) => p.id === reg.fx.plots.mangoA);
      const byId = new Map(member.parcels.map((p: { parcelId: number }) => [p.parcelId, p]));
      expect(byId.get(reg.fx.parcels.twoZones)).toMatchObject(former);
      expect(byId.get(reg.fx.parcels.next)).toMatchObject({ commune: '29869', communeName: 'Phường Cao Lãnh', communeFormer: false });
    } finally {
      await reg.db.query('UPDATE plots SET growing_area_id = $1 WHERE id = $2', [before, reg.fx.plots.mangoA]);
      await reg.db.query(`UPDATE parcels SET commune_code = '29890', commune_ref_date = '2025-03-01' WHERE id = $1`, [reg.fx.parcels.next]);
      await reg.db.query('DELETE FROM growing_areas WHERE id = $1', [area]);
    }
  });

  it('slows down whoever tries card codes one after another', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < CARD_LOOKUPS_PER_MINUTE + 2; i++) {
      statuses.push(
        (await reg.app.inject({ url: `/api/farmer-cards/ND-GUES-${String(1000 + i)}/plots`, remoteAddress: '10.9.8.7' })).statusCode,
      );
    }
    expect(statuses.filter((s) => s === 404).length).toBeLessThanOrEqual(CARD_LOOKUPS_PER_MINUTE);
    expect(statuses.at(-1)).toBe(429);
  });
});

describe('one farmer per citizen ID', () => {
  const NAM_ID = '087123456789';
  const farmerCount = async () => (await reg.db.query<{ n: number }>('SELECT count(*)::int AS n FROM farmers')).rows[0]!.n;
  const holders = async (citizenId: string) =>
    (await reg.db.query<{ farmer_id: number }>('SELECT farmer_id FROM farmer_private WHERE citizen_id = $1', [citizenId])).rows.map((r) =>
      Number(r.farmer_id),
    );
  const register = (headers: Record<string, string>, payload: Record<string, unknown>) =>
    reg.app.inject({ method: 'POST', url: '/api/farmers', headers, payload });
  const communeName = async (code: string) =>
    (
      await reg.db.query<{ name: string }>(
        `SELECT name FROM admin_units WHERE code = $1 AND (valid_to IS NULL OR valid_to > current_date) ORDER BY valid_from DESC LIMIT 1`,
        [code],
      )
    ).rows[0]!.name;

  it("refuses to register an ID another farmer holds, however it is spaced, with 409 naming that farmer to an officer of the farmer's commune", async () => {
    const officer = reg.as(reg.fx.users.officer);
    const before = await farmerCount();
    const revealsBefore = (await accessLog(reg.fx.users.officer)).filter((a) => a.purpose === 'duplicate-citizen-id').length;
    for (const written of [NAM_ID, '087 123 456 789', '087.123.456.789', '0871-2345-6789']) {
      const res = await register(officer, { communeCode: '29869', fullName: 'Kha Văn Nam', citizenId: written });
      expect(res.statusCode, `${written}: ${res.body}`).toBe(409);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({
        status: 409,
        reason: 'duplicate-citizen-id',
        field: 'citizenId',
        farmer: {
          id: reg.fx.farmers.nam,
          lookupCode: 'ND-TEST-NAM1',
          fullName: 'Kha Văn Nam',
          communeCode: '29869',
          communeName: await communeName('29869'),
          hamlet: 'Ấp Tân Hậu',
        },
      });
    }
    expect(await farmerCount()).toBe(before);
    expect(await holders(NAM_ID)).toEqual([reg.fx.farmers.nam]);
    // Each answer showed the farmer's name: each is logged as a reveal.
    const reveals = (await accessLog(reg.fx.users.officer)).filter((a) => a.purpose === 'duplicate-citizen-id');
    expect(reveals.length - revealsBefore).toBe(4);
    expect(reveals.every((a) => a.subject === `farmer:${reg.fx.farmers.nam}`)).toBe(true);

    // An ID of its own, written with spaces, is kept as its digits; an administrator is told the holder too.
    const fresh = await register(officer, { communeCode: '29869', fullName: 'Phan Văn Mới', citizenId: '087 200 300 401' });
    expect(fresh.statusCode, fresh.body).toBe(201);
    expect(fresh.json().citizenId).toBe('087200300401');
    expect(await holders('087200300401')).toEqual([fresh.json().id]);
    const byAdmin = await register(reg.as(reg.fx.users.admin), {
      communeCode: '29884',
      fullName: 'Phan Văn Mới',
      citizenId: '087200300401',
    });
    expect(byAdmin.statusCode, byAdmin.body).toBe(409);
    expect(byAdmin.json().farmer).toMatchObject({ id: fresh.json().id, fullName: 'Phan Văn Mới', communeCode: '29869' });
    expect(await holders('087200300401')).toEqual([fresh.json().id]);
  });

  it('tells an officer of another commune only that the ID is registered elsewhere: no name, code or id, nothing logged', async () => {
    const elsewhere = reg.as(reg.fx.users.officerElsewhere);
    const before = await farmerCount();
    const res = await register(elsewhere, { communeCode: '29884', fullName: 'Kha Văn Nam', citizenId: '087 123 456 789' });
    expect(res.statusCode, res.body).toBe(409);
    const problem = res.json();
    expect(problem).toMatchObject({ reason: 'duplicate-citizen-id', field: 'citizenId' });
    expect(problem.farmer).toBeUndefined();
    expect(problem.detail).toContain('another commune');
    for (const secret of ['Kha', 'ND-TEST-NAM1', String(reg.fx.farmers.nam), '29869']) expect(res.body).not.toContain(secret);
    expect(await farmerCount()).toBe(before);
    expect((await accessLog(reg.fx.users.officerElsewhere)).filter((a) => a.subject === `farmer:${reg.fx.farmers.nam}`)).toEqual([]);
  });

  it("refuses a correction giving a farmer another farmer's ID with 409, writing nothing, and takes the farmer's own ID back", async () => {
    const officer = reg.as(reg.fx.users.officer);
    const created = await register(officer, { communeCode: '29869', fullName: 'Võ Thị Sửa', citizenId: '087300400501' });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as number;
    const url = `/api/farmers/${id}`;
    const patch = async (payload: Record<string, unknown>) =>
      reg.app.inject({
        method: 'PATCH',
        url,
        headers: { ...officer, 'if-match': (await reg.app.inject({ url, headers: officer })).headers.etag as string },
        payload,
      });
    const row = async () =>
      (
        await reg.db.query<{ citizen_id: string | null; phone: string | null; version: number }>(
          'SELECT fp.citizen_id, fp.phone, f.version FROM farmers f JOIN farmer_private fp ON fp.farmer_id = f.id WHERE f.id = $1',
          [id],
        )
      ).rows[0];
    const edits = async () =>
      (await reg.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM edit_log WHERE feature_id = $1`, [String(id)])).rows[0]!.n;
    const logged = await edits();
    for (const written of [NAM_ID, '087.123.456.789']) {
      const res = await patch({ citizenId: written, phone: '0909111222' });
      expect(res.statusCode, res.body).toBe(409);
      // Named as on the registry's cards, so the officer correcting can tell who has it: hamlet and commune.
      expect(res.json()).toMatchObject({
        reason: 'duplicate-citizen-id',
        field: 'citizenId',
        farmer: { id: reg.fx.farmers.nam, fullName: 'Kha Văn Nam', hamlet: 'Ấp Tân Hậu', communeName: await communeName('29869') },
      });
    }
    expect(await row()).toEqual({ citizen_id: '087300400501', phone: null, version: 1 });
    expect(await edits()).toBe(logged);
    // Its own ID, spaced, and other fields alongside: not a duplicate of itself.
    const own = await patch({ citizenId: '087 300 400 501', phone: '0909111222' });
    expect(own.statusCode, own.body).toBe(200);
    expect(await row()).toEqual({ citizen_id: '087300400501', phone: '0909111222', version: 2 });
    // Cleared, the ID is free for another farmer.
    expect((await patch({ citizenId: null })).statusCode).toBe(200);
    const other = await register(officer, { communeCode: '29869', fullName: 'Võ Văn Khác', citizenId: '087300400501' });
    expect(other.statusCode, other.body).toBe(201);
    expect(await holders('087300400501')).toEqual([other.json().id]);
    // Another farmer cannot take it back from them.
    expect((await patch({ citizenId: '087300400501' })).statusCode).toBe(409);
    expect((await row())!.citizen_id).toBeNull();
  });

  it('lets exactly one of several officers registering the same ID at the same moment succeed; the others get the 409', async () => {
    const officer = reg.as(reg.fx.users.officer);
    const before = await farmerCount();
    const answers = await Promise.all(
      ['087 400 500 601', '087400500601', '087.400.500.601', '087400500601', '0874-0050-0601'].map((citizenId, i) =>
        register(officer, { communeCode: '29869', fullName: `Đặng Văn Trùng ${'ABCDE'[i]}`, citizenId }),
      ),
    );
    const statuses = answers.map((a) => a.statusCode);
    expect(
      statuses.filter((s) => s === 201),
      statuses.join(','),
    ).toHaveLength(1);
    expect(
      statuses.filter((s) => s === 409),
      statuses.join(','),
    ).toHaveLength(4);
    const winner = answers.find((a) => a.statusCode === 201)!.json();
    for (const refused of answers.filter((a) => a.statusCode === 409))
      expect(refused.json()).toMatchObject({ reason: 'duplicate-citizen-id', field: 'citizenId', farmer: { id: winner.id } });
    expect(await holders('087400500601')).toEqual([winner.id]);
    expect(await farmerCount()).toBe(before + 1);
  });

  it('refuses an ID of the wrong shape, however spaced, with 400', async () => {
    const officer = reg.as(reg.fx.users.officer);
    const before = await farmerCount();
    for (const citizenId of [
      '087 123 456 78',
      '0871234567890',
      '087  123456789',
      ' 087123456789',
      '087123456789.',
      '087-123-456-7a9',
      '12 345 678',
    ])
      expect((await register(officer, { communeCode: '29869', fullName: 'Hình Sai', citizenId })).statusCode, citizenId).toBe(400);
    expect(await farmerCount()).toBe(before);
  });
});

describe('hostile input on farmers, diary and residue tests', () => {
  it('answers every bad request with a 4xx problem and writes nothing', async () => {
    const officer = reg.as(reg.fx.users.officer);
    const count = async () =>
      (
        await reg.db.query<{ n: number }>(
          `SELECT (SELECT count(*) FROM farmers) + (SELECT count(*) FROM diary_entries) + (SELECT count(*) FROM residue_tests) AS n`,
        )
      ).rows[0]!.n;
    const before = await count();
    const plot = `/api/plots/${reg.fx.plots.rice}`;
    const cases: [string, string, unknown][] = [
      ['POST', '/api/farmers', { communeCode: '29869', fullName: 'A', citizenId: '12345' }],
      ['POST', '/api/farmers', { communeCode: '99999', fullName: 'A' }],
      ['POST', '/api/farmers', { communeCode: '29884', fullName: 'A' }],
      ['POST', '/api/farmers', { communeCode: '29869', fullName: 'x'.repeat(5000) }],
      ['POST', '/api/farmers', { communeCode: '29869' }],
      ['PATCH', `/api/farmers/${reg.fx.farmers.nam}`, {}],
      ['PATCH', '/api/farmers/0', { hamlet: 'x' }],
      ['GET', '/api/farmers?limit=100000', undefined],
      ['POST', `${plot}/diary`, { appliedOn: '2026-13-45', pesticide: 'x', activeIngredient: 'y' }],
      ['POST', `${plot}/diary`, { appliedOn: '2026-03-01', pesticide: '', activeIngredient: 'y' }],
      ['POST', `${plot}/diary`, { appliedOn: '2026-03-01', pesticide: 'x', activeIngredient: 'y', phiDays: -3 }],
      ['POST', '/api/plots/987654321/diary', { appliedOn: '2026-03-01', pesticide: 'x', activeIngredient: 'y' }],
      ['POST', `${plot}/residue-tests`, { sampledOn: '2026-03-01', activeIngredient: 'Abamectin', resultMgKg: 'lots' }],
      ['POST', `${plot}/residue-tests`, { sampledOn: 'yesterday', activeIngredient: 'Abamectin', resultMgKg: 1 }],
      ['POST', '/api/eudr/validate', 'x'.repeat(100)],
    ];
    for (const [method, url, payload] of cases) {
      const res = await reg.app.inject({
        method: method as 'GET' | 'POST' | 'PATCH',
        url,
        headers: { ...officer, ...(typeof payload === 'string' ? { 'content-type': 'text/plain' } : {}) },
        ...(payload === undefined ? {} : { payload: payload as string }),
      });
      if (url === '/api/eudr/validate') {
        expect(res.json().valid).toBe(false);
        continue;
      }
      expect(res.statusCode, `${method} ${url} ${String(JSON.stringify(payload)).slice(0, 80)}: ${res.body}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect(await count()).toBe(before);
  });
});

describe('farm diary and residue tests', () => {
  let exportArea: number;
  beforeAll(async () => {
    exportArea = await exportMangoArea(reg.app, reg.fx, reg.as(reg.fx.users.officer));
  });

  it('flags a substance that a market of the area forbids, and keeps an allowed one clean', async () => {
    const url = `/api/plots/${reg.fx.plots.mangoA}/diary`;
    const bad = await reg.app.inject({
      method: 'POST',
      url,
      headers: reg.as(reg.fx.users.officer),
      payload: { appliedOn: '2026-03-01', pesticide: 'Bavistin 50FL', activeIngredient: 'carbendazim', dose: '1 ml/l', phiDays: 14 },
    });
    expect(bad.statusCode, bad.body).toBe(201);
    expect(bad.json()).toMatchObject({ flagged: true });
    expect(bad.json().flags.map((f: { market: string; reason: string }) => `${f.market}:${f.reason}`)).toEqual([
      'CN:not-allowed',
      'US:not-listed',
    ]);
    const ok = await reg.app.inject({
      method: 'POST',
      url,
      headers: reg.as(reg.fx.users.officer),
      payload: { appliedOn: '2026-03-01', pesticide: 'Vertimec 1.8EC', activeIngredient: 'Abamectin', phiDays: 7 },
    });
    expect(ok.json()).toMatchObject({ flagged: false, flag_reason: null });
    const list = await reg.app.inject({ url, headers: reg.as(reg.fx.users.farmer) });
    expect(
      list
        .json()
        .entries.map((e: { flagged: boolean }) => e.flagged)
        .sort(),
    ).toEqual([false, true]);
    expect(
      (
        await reg.app.inject({
          method: 'POST',
          url,
          headers: reg.as(reg.fx.users.farmer),
          payload: { appliedOn: '2026-03-01', pesticide: 'x', activeIngredient: 'y' },
        })
      ).statusCode,
    ).toBe(403);
    expect(exportArea).toBeGreaterThan(0);
  });

  it('judges a residue test against the strictest limit of the markets', async () => {
    const url = `/api/plots/${reg.fx.plots.mangoA}/residue-tests`;
    const over = await reg.app.inject({
      method: 'POST',
      url,
      headers: reg.as(reg.fx.users.officer),
      payload: { sampledOn: '2026-04-01', lab: 'Trung tâm Kiểm nghiệm', activeIngredient: 'Abamectin', resultMgKg: 0.015 },
    });
    expect(over.statusCode, over.body).toBe(201);
    expect(over.json()).toMatchObject({ passed: false, mrlMgKg: 0.01 });
    const under = await reg.app.inject({
      method: 'POST',
      url,
      headers: reg.as(reg.fx.users.officer),
      payload: { sampledOn: '2026-04-01', activeIngredient: 'Abamectin', resultMgKg: 0.005 },
    });
    expect(under.json().passed).toBe(true);
    const unknown = await reg.app.inject({
      method: 'POST',
      url,
      headers: reg.as(reg.fx.users.officer),
      payload: { sampledOn: '2026-04-01', activeIngredient: 'Unknownin', resultMgKg: 1 },
    });
    expect(unknown.statusCode).toBe(422);
    const negative = await reg.app.inject({
      method: 'POST',
      url,
      headers: reg.as(reg.fx.users.officer),
      payload: { sampledOn: '2026-04-01', activeIngredient: 'Abamectin', resultMgKg: -1 },
    });
    expect(negative.statusCode).toBe(400);
    expect((await reg.app.inject({ url, headers: reg.as(reg.fx.users.officer) })).json().tests).toHaveLength(2);
  });
});

describe('exports and statistics', () => {
  let areaId: number;
  beforeAll(async () => {
    const res = await reg.app.inject({
      method: 'POST',
      url: '/api/growing-areas',
      headers: reg.as(reg.fx.users.officer),
      payload: {
        name: 'Vùng xoài Cát Chu <b>Tân Hậu</b>',
        scheme: 'domestic-3156',
        crop: 'mango',
        communeCode: '29869',
        registrantName: '=HYPERLINK("x")',
        plotIds: [reg.fx.plots.mangoB, reg.fx.plots.mangoC],
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    areaId = res.json().id;
  });

  it('exports the profile as GeoJSON with the area and every plot', async () => {
    const res = await reg.app.inject({ url: `/api/growing-areas/${areaId}/profile.geojson`, headers: reg.as(reg.fx.users.officer) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/geo+json');
    const fc = res.json();
    expect(fc.features.map((f: { properties: { kind: string } }) => f.properties.kind)).toEqual(['growing_area', 'plot', 'plot']);
    // The hamlet the plot lies in (none covers the fixture's ground), not the farmer's home Ấp Tân Hậu: eudr-place-status.test.ts.
    expect(fc.features[1].properties).toMatchObject({ plot_id: reg.fx.plots.mangoB, farmer_name: 'Kha Văn Nam', hamlet: null });
    expect(fc.growingArea.name).toBe('Vùng xoài Cát Chu <b>Tân Hậu</b>');
  });

  it('exports the plot list as CSV with a BOM, escaped cells and no formula', async () => {
    const res = await reg.app.inject({ url: `/api/growing-areas/${areaId}/profile.csv`, headers: reg.as(reg.fx.users.officer) });
    expect(res.headers['content-type']).toContain('text/csv');
    const lines = res.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^growing_area_code,growing_area_name,status,plot_id,farmer_name/);
    expect(lines[1]).toContain(`,${reg.fx.plots.mangoB},Kha Văn Nam,,29869,mango,Cát Chu,2020-03-01,2026-06-30,`);
    expect(res.body.charCodeAt(0)).toBe(0xfeff);
  });

  it('prints a page with an SVG map, a legend and the plot list, with text escaped', async () => {
    const res = await reg.app.inject({ url: `/api/growing-areas/${areaId}/profile.html`, headers: reg.as(reg.fx.users.officer) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('<svg');
    expect((res.body.match(/fill-rule="evenodd"/g) ?? []).length).toBe(2);
    expect(res.body).toContain('Chú giải / Legend');
    expect(res.body).toContain('<td>Bản nháp / Draft</td>');
    expect(res.body).toContain('Danh sách thửa / Plot list');
    expect(res.body).toContain('&lt;b&gt;Tân Hậu&lt;/b&gt;');
    expect(res.body).not.toContain('<b>Tân Hậu</b>');
    expect(res.body).toContain('<meta name="viewport"');
  });

  it('answers a refused profile with a page in words (the tab has no app to read JSON), keeping the status', async () => {
    const guest = await reg.app.inject({ url: `/api/growing-areas/${areaId}/profile.html` });
    expect(guest.statusCode).toBe(401);
    expect(guest.headers['content-type']).toContain('text/html');
    expect(guest.body).toContain('phiên đăng nhập đã hết hạn');
    expect(guest.body).toContain('Back to the map');
    const missing = await reg.app.inject({ url: '/api/growing-areas/987654321/profile.html', headers: reg.as(reg.fx.users.officer) });
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain('Không có vùng trồng này');
    expect(missing.body).not.toContain('"status"');
  });

  it('exports EUDR GeoJSON that passes the validator, as polygons or as points for small plots', async () => {
    for (const url of [
      `/api/growing-areas/${areaId}/eudr.geojson`,
      `/api/growing-areas/${areaId}/eudr.geojson?points=true`,
      '/api/eudr/export?commune=29869',
    ]) {
      const res = await reg.app.inject({ url, headers: reg.as(reg.fx.users.officer) });
      expect(res.statusCode, res.body).toBe(200);
      const verdict = validateEudrGeoJson(res.body);
      expect(verdict, url).toMatchObject({ valid: true, problems: [] });
      const fc = JSON.parse(res.body);
      const mine = fc.features.find((f: { id: string }) => f.id === String(reg.fx.plots.mangoB));
      expect(mine.properties).toMatchObject({
        ProducerName: 'Kha Văn Nam',
        ProducerCountry: 'VN',
        // Where the plot lies: no hamlet covers the fixture's ground, so its ward alone (never the farmer's home hamlet).
        ProductionPlace: 'Phường Cao Lãnh, Đồng Tháp',
      });
      if (url.includes('points')) expect(fc.features.every((f: { geometry: { type: string } }) => f.geometry.type === 'Point')).toBe(true);
    }
    // Every plot on record (the sample data's too, once seeded) passes for an administrator.
    const all = await reg.app.inject({ url: '/api/eudr/export', headers: reg.as(reg.fx.users.admin) });
    expect(all.statusCode, all.body.slice(0, 500)).toBe(200);
    const plotCount = (await reg.db.query<{ n: number }>('SELECT count(*)::int AS n FROM plots')).rows[0]!.n;
    expect(validateEudrGeoJson(all.body)).toEqual({ valid: true, problems: [], featureCount: plotCount });
    expect((await reg.app.inject({ url: `/api/growing-areas/${areaId}/eudr.geojson` })).statusCode).toBe(401);
    expect(
      (await reg.app.inject({ url: '/api/eudr/export?commune=29869', headers: reg.as(reg.fx.users.officerElsewhere) })).statusCode,
    ).toBe(403);
  });

  it('validates any EUDR file and names the plot over 4 ha given as a point', async () => {
    const file = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          id: 'VN-PLOT-4711',
          geometry: { type: 'Point', coordinates: [105.123456, 10.123456] },
          properties: { ProducerName: 'A', ProducerCountry: 'VN', ProductionPlace: 'B', Area: 5.5 },
        },
      ],
    };
    const res = await reg.app.inject({
      method: 'POST',
      url: '/api/eudr/validate',
      headers: { 'content-type': 'application/geo+json' },
      payload: JSON.stringify(file),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ valid: false, problems: [{ plotId: 'VN-PLOT-4711', reason: 'point-for-plot-over-4-ha' }] });
    const garbage = await reg.app.inject({
      method: 'POST',
      url: '/api/eudr/validate',
      headers: { 'content-type': 'application/json' },
      payload: '{"type": [',
    });
    expect(garbage.json()).toMatchObject({ valid: false, problems: [{ reason: 'not-json' }] });
  });

  it('counts growing areas per commune, crop and status for anyone', async () => {
    const res = await reg.app.inject({ url: '/api/statistics/growing-areas' });
    expect(res.statusCode).toBe(200);
    const stats = res.json();
    const live = (
      await reg.db.query<{ n: number; ha: number }>(
        `SELECT count(*)::int AS n, sum(area_m2) / 10000 AS ha FROM growing_areas WHERE status <> 'superseded'`,
      )
    ).rows[0]!;
    expect(stats.total.areas).toBe(live.n);
    expect(stats.total.areaHa).toBeCloseTo(live.ha, 2);
    const mango = stats.byCrop.find((c: { crop: string }) => c.crop === 'mango');
    expect(mango.areas).toBeGreaterThanOrEqual(2);
    expect(stats.byStatus.reduce((s: number, r: { areas: number }) => s + r.areas, 0)).toBe(live.n);
    expect(JSON.stringify(stats)).not.toMatch(/Kha Văn Nam|087123456789/);
  });
});

// Last in the file: it adds a diary entry, a residue test and an inspection the counts above do not expect.
describe('dates of things done', () => {
  it('refuses a spray, a residue sample or an inspection dated after today in Vietnam (422 date-in-future), writes none of them, and takes today', async () => {
    const today = vietnamToday();
    const tomorrow = addDays(today, 1);
    const officer = reg.as(reg.fx.users.officer);
    const { areaId } = await inspectionOfNewArea(reg.app, reg.db, reg.fx, officer, 'Vùng rau ngày mai', 700);
    const count = async () =>
      (
        await reg.db.query<{ n: number }>(
          `SELECT (SELECT count(*) FROM diary_entries) + (SELECT count(*) FROM residue_tests) + (SELECT count(*) FROM inspections) AS n`,
        )
      ).rows[0]!.n;
    const before = await count();
    const plot = `/api/plots/${reg.fx.plots.mangoA}`;
    const writes: [string, string, Record<string, unknown>][] = [
      ['appliedOn', `${plot}/diary`, { appliedOn: tomorrow, pesticide: 'Vertimec', activeIngredient: 'Abamectin', phiDays: 7 }],
      ['sampledOn', `${plot}/residue-tests`, { sampledOn: tomorrow, activeIngredient: 'Abamectin', resultMgKg: 0.001 }],
      [
        'inspectedOn',
        `/api/growing-areas/${areaId}/inspections`,
        { inspectedOn: tomorrow, checklist: [{ item: 'Nhật ký canh tác', ok: true }] },
      ],
    ];
    for (const [field, url, payload] of writes) {
      const refused = await reg.app.inject({ method: 'POST', url, headers: officer, payload });
      expect(refused.statusCode, refused.body).toBe(422);
      expect(refused.json()).toMatchObject({ code: 'VALIDATION_FAILED', reason: 'date-in-future', field, value: tomorrow, today });
    }
    expect(await count()).toBe(before);
    for (const [field, url, payload] of writes) {
      const done = await reg.app.inject({ method: 'POST', url, headers: officer, payload: { ...payload, [field]: today } });
      expect(done.statusCode, done.body).toBe(201);
    }
    expect(await count()).toBe(before + 3);
  });
});
