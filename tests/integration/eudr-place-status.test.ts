// What a growing area's files say of where its plots are and of its code's standing (walk 12): the
// EUDR file's ProductionPlace, the profile's "Ấp / Hamlet" column and its CSV name the hamlet the
// plot lies in (the admin units the place lookup reads), never the farmer's home hamlet; a plot no
// hamlet covers is placed by its commune alone. The EUDR file of a suspended area is still served,
// and each feature carries the area's code and status. The printed profile writes its days the way
// of its language. The fixture's farmer Nam lives in Ấp Tân Hậu; his plot B lies in a hamlet drawn
// here around it, his plot C in none.
import { beforeAll, describe, expect, it } from 'vitest';
import { validateEudrGeoJson } from '../../server/domain/eudr.ts';
import { vietnamToday } from '../../server/domain/vietnam-time.ts';
import { parseCsv } from '../../server/io/formats/csv.ts';
import { rect } from '../fixtures/registry.ts';
import { useRegistryApp } from '../helpers/registry-app.ts';

const reg = useRegistryApp();
let areaId: number;

const HAMLET = 'Ấp Tân Dinh Thử';
const CODE = 'DT-TEST-EUDR-01';

type EudrFeature = { id: string; properties: Record<string, unknown> };

beforeAll(async () => {
  // A hamlet of today's Phường Cao Lãnh around plot B (0..80 m × 60..110 m), short of plot C (y ≥ 120 m),
  // and the same hamlet before the 2025 merger (no longer in force: it must not be the one named).
  await reg.db.query(
    `INSERT INTO admin_units (code, name, level, parent_id, valid_from, valid_to, geom)
     SELECT '29869-91', $1, 'hamlet', (SELECT id FROM admin_units WHERE code = '29869' AND valid_to IS NULL), DATE '2025-07-01', NULL::date, ST_GeomFromText($2, 4326)
     UNION ALL
     SELECT '29890-91', 'Ấp Cũ Trước Sáp Nhập', 'hamlet', NULL, DATE '2000-01-01', DATE '2025-07-01', ST_GeomFromText($2, 4326)`,
    [HAMLET, rect(-50, 40, 120, 115, true)],
  );
  const res = await reg.app.inject({
    method: 'POST',
    url: '/api/growing-areas',
    headers: reg.as(reg.fx.users.officer),
    payload: {
      name: 'Vùng xoài nơi thửa nằm',
      scheme: 'domestic-3156',
      crop: 'mango',
      communeCode: '29869',
      registrantName: 'HTX Xoài Tân Dinh',
      plotIds: [reg.fx.plots.mangoB, reg.fx.plots.mangoC],
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  areaId = res.json().id;
  // The issuing steps (submission, inspection, decision) are other tests' subject: the code is put in force here.
  await reg.db.query(
    `UPDATE growing_areas SET status = 'active', code = $2, decision_no = '12/QĐ-SNN', issued_on = '2026-11-03' WHERE id = $1`,
    [areaId, CODE],
  );
});

async function eudr(url: string): Promise<EudrFeature[]> {
  const res = await reg.app.inject({ url, headers: reg.as(reg.fx.users.officer) });
  expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
  expect(validateEudrGeoJson(res.body)).toMatchObject({ valid: true, problems: [] });
  return (JSON.parse(res.body) as { features: EudrFeature[] }).features;
}

const byPlot = (features: EudrFeature[], id: number) => features.find((f) => f.id === String(id))?.properties;

describe('where the plots are', () => {
  it('the farmer lives in Ấp Tân Hậu, the place lookup puts plot B in the test hamlet: the fixture is what the test says', async () => {
    const home = await reg.db.query<{ hamlet: string }>('SELECT hamlet FROM farmers WHERE id = $1', [reg.fx.farmers.nam]);
    expect(home.rows[0]!.hamlet).toBe('Ấp Tân Hậu');
    const point = (
      await reg.db.query<{ lon: number; lat: number }>(
        'SELECT ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat FROM plots WHERE id = $1',
        [reg.fx.plots.mangoB],
      )
    ).rows[0]!;
    const lookup = await reg.app.inject({ url: `/api/lookup/place?lon=${point.lon}&lat=${point.lat}` });
    expect(lookup.statusCode, lookup.body.slice(0, 300)).toBe(200);
    const units = (lookup.json() as { units: { name: string; level: string; current: boolean }[] }).units;
    expect(units.filter((u) => u.level === 'hamlet' && u.current).map((u) => u.name)).toEqual([HAMLET]);
  });

  it('the EUDR file names the hamlet the plot lies in, with its ward, not the farmer’s home hamlet; a plot in no hamlet by its commune alone', async () => {
    for (const url of [
      `/api/growing-areas/${areaId}/eudr.geojson`,
      `/api/growing-areas/${areaId}/eudr.geojson?points=true`,
      '/api/eudr/export?commune=29869',
    ]) {
      const features = await eudr(url);
      expect(byPlot(features, reg.fx.plots.mangoB)?.ProductionPlace, url).toBe(`${HAMLET}, Phường Cao Lãnh, Đồng Tháp`);
      expect(byPlot(features, reg.fx.plots.mangoC)?.ProductionPlace, url).toBe('Phường Cao Lãnh, Đồng Tháp');
      // The sample data's plots in the commune file may lie in Ấp Tân Hậu; the fixture's two do not.
      const ours = JSON.stringify([byPlot(features, reg.fx.plots.mangoB), byPlot(features, reg.fx.plots.mangoC)]);
      expect(ours, url).not.toContain('Tân Hậu');
      expect(JSON.stringify(features), url).not.toContain('Ấp Cũ Trước Sáp Nhập');
    }
  });

  it('the profile’s GeoJSON, CSV and printed plot list give the plot’s hamlet, empty for a plot in none', async () => {
    const headers = reg.as(reg.fx.users.officer);
    const geojson = (await reg.app.inject({ url: `/api/growing-areas/${areaId}/profile.geojson`, headers })).json() as {
      features: { properties: { kind: string; plot_id?: number; hamlet?: string | null } }[];
    };
    const hamletOf = (id: number) => geojson.features.find((f) => f.properties.plot_id === id)?.properties.hamlet;
    expect(hamletOf(reg.fx.plots.mangoB)).toBe(HAMLET);
    expect(hamletOf(reg.fx.plots.mangoC)).toBeNull();

    const csv = await reg.app.inject({ url: `/api/growing-areas/${areaId}/profile.csv`, headers });
    const [header, ...rows] = [...parseCsv(csv.body.replace(/^\uFEFF/, ''), ',')];
    const cell = (id: number, column: string) => rows.find((r) => r[header!.indexOf('plot_id')] === String(id))?.[header!.indexOf(column)];
    expect(cell(reg.fx.plots.mangoB, 'hamlet')).toBe(HAMLET);
    expect(cell(reg.fx.plots.mangoC, 'hamlet')).toBe('');
    expect(csv.body).not.toContain('Tân Hậu');

    const page = await reg.app.inject({ url: `/api/growing-areas/${areaId}/profile.html`, headers });
    expect(page.body).toMatch(new RegExp(`<tr><td>${reg.fx.plots.mangoB}</td><td>Kha Văn Nam</td><td>${HAMLET}</td>`));
    expect(page.body).toMatch(new RegExp(`<tr><td>${reg.fx.plots.mangoC}</td><td>Kha Văn Nam</td><td></td>`));
  });
});

describe('the code’s standing in the EUDR file', () => {
  it('each feature carries the area’s code and status while in force', async () => {
    const features = await eudr(`/api/growing-areas/${areaId}/eudr.geojson`);
    expect(features.map((f) => f.properties)).toEqual([
      expect.objectContaining({ GrowingAreaCode: CODE, GrowingAreaStatus: 'active' }),
      expect.objectContaining({ GrowingAreaCode: CODE, GrowingAreaStatus: 'active' }),
    ]);
  });

  it('a suspended area’s file is still served, and says the code and “suspended” on every plot; the commune file too', async () => {
    const move = await reg.app.inject({
      method: 'POST',
      url: `/api/growing-areas/${areaId}/transitions`,
      headers: reg.as(reg.fx.users.officer),
      payload: { to: 'suspended', decisionNo: '45/QĐ-SNN', note: 'Dư lượng vượt mức' },
    });
    expect(move.statusCode, move.body).toBe(201);
    for (const url of [`/api/growing-areas/${areaId}/eudr.geojson?points=true`, '/api/eudr/export?commune=29869']) {
      const features = await eudr(url);
      for (const id of [reg.fx.plots.mangoB, reg.fx.plots.mangoC])
        expect(byPlot(features, id), url).toMatchObject({ GrowingAreaCode: CODE, GrowingAreaStatus: 'suspended' });
    }
    // A plot in no growing area carries neither (there is no code to speak of).
    const all = await eudr('/api/eudr/export?commune=29869');
    const loose = byPlot(all, reg.fx.plots.vegetable);
    expect(loose).toBeDefined();
    expect(loose).not.toHaveProperty('GrowingAreaCode');
    expect(loose).not.toHaveProperty('GrowingAreaStatus');
  });

  it('hostile requests are refused with a clear 4xx, never a 500', async () => {
    const headers = reg.as(reg.fx.users.officer);
    const cases: [string, number[]][] = [
      ['/api/growing-areas/abc/eudr.geojson', [400]],
      ['/api/growing-areas/-1/eudr.geojson', [400, 404]],
      ['/api/growing-areas/99999999999999999999999/eudr.geojson', [400, 404]],
      ['/api/growing-areas/987654321/eudr.geojson', [404]],
      [`/api/growing-areas/${areaId}/eudr.geojson?points=maybe`, [400]],
      [`/api/growing-areas/${areaId}/eudr.geojson?points=true%27%3B%20DROP%20TABLE%20plots`, [400]],
      ["/api/eudr/export?commune=29869'%20OR%201=1", [400]],
      ['/api/eudr/export?commune=29884', [403]],
    ];
    for (const [url, statuses] of cases) {
      const res = await reg.app.inject({ url, headers });
      expect(statuses, `${url} → ${res.statusCode} ${res.body.slice(0, 200)}`).toContain(res.statusCode);
    }
    expect(
      (await reg.db.query<{ n: number }>('SELECT count(*)::int AS n FROM plots WHERE growing_area_id = $1', [areaId])).rows[0]!.n,
    ).toBe(2);
  });
});

describe('days on the printed profile', () => {
  const [y, m, d] = vietnamToday().split('-');

  it('the Vietnamese page writes the issuing day, planting days and the printing day as dd/mm/yyyy', async () => {
    const page = (await reg.app.inject({ url: `/api/growing-areas/${areaId}/profile.html`, headers: reg.as(reg.fx.users.officer) })).body;
    expect(page).toContain('<tr><th>Ngày cấp / Issued on</th><td>03/11/2026</td></tr>');
    expect(page).toMatch(new RegExp(`<tr><td>${reg.fx.plots.mangoB}</td>.*?<td>Cát Chu</td><td>01/03/2020</td>`));
    expect(page).toContain(`In ngày / Printed ${d}/${m}/${y} ·`);
    // No ISO day left in the text the officer reads (the style sheet and the map aside).
    const text = page.replace(/<svg[\s\S]*?<\/svg>/, '').replace(/<style>[\s\S]*?<\/style>/, '');
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });

  it('the English page writes them as the English card does (2026-11-03)', async () => {
    const page = (await reg.app.inject({ url: `/api/growing-areas/${areaId}/profile.html?lang=en`, headers: reg.as(reg.fx.users.officer) }))
      .body;
    expect(page).toContain('<tr><th>Issued on / Ngày cấp</th><td>2026-11-03</td></tr>');
    expect(page).toMatch(new RegExp(`<tr><td>${reg.fx.plots.mangoB}</td>.*?<td>Cát Chu</td><td>2020-03-01</td>`));
    expect(page).toContain(`Printed / In ngày ${vietnamToday()} ·`);
  });
});

describe('the EUDR file of a revoked area', () => {
  type Feature = { id: string; geometry: { type: string; coordinates: number[][][] }; properties: Record<string, unknown> };
  const recorded = async (plotId: number) =>
    (
      await reg.db.query<{ geometry: { coordinates: number[][][] }; area_m2: number }>(
        'SELECT ST_AsGeoJSON(geom)::json AS geometry, area_m2 FROM growing_area_closed_plots WHERE growing_area_id = $1 AND plot_id = $2',
        [areaId, plotId],
      )
    ).rows[0]!;
  // The builder writes 6 decimals: the recorded outline, rounded so.
  const rounded = (rings: number[][][]) => rings.map((ring) => ring.map((c) => c.map((v) => Number(v.toFixed(6)))));
  const sameRing = (a: number[][], b: number[][]) =>
    a.length === b.length && a.every((c, i) => Math.abs(c[0]! - b[i]![0]!) < 2e-6 && Math.abs(c[1]! - b[i]![1]!) < 2e-6);

  it('lists the plots the area had when its code was revoked, with their outline and area of then, and says “revoked”; a plot gone to a new dossier or reshaped since changes nothing', async () => {
    const headers = reg.as(reg.fx.users.officer);
    const revoke = await reg.app.inject({
      method: 'POST',
      url: `/api/growing-areas/${areaId}/transitions`,
      headers,
      payload: { to: 'revoked', decisionNo: '61/QĐ-SNN', note: 'Không khắc phục dư lượng' },
    });
    expect(revoke.statusCode, revoke.body).toBe(201);
    const b = await recorded(reg.fx.plots.mangoB);
    const c = await recorded(reg.fx.plots.mangoC);

    // After the revocation plot B joins a new dossier, and plot C is redrawn 40 m further east.
    const draft = await reg.app.inject({
      method: 'POST',
      url: '/api/growing-areas',
      headers,
      payload: {
        name: 'Hồ sơ mới sau thu hồi',
        scheme: 'domestic-3156',
        crop: 'mango',
        communeCode: '29869',
        registrantName: 'HTX Xoài Tân Dinh',
        plotIds: [reg.fx.plots.mangoB],
      },
    });
    expect(draft.statusCode, draft.body).toBe(201);
    await reg.db.query('UPDATE plots SET geom = ST_Translate(geom, 0.0004, 0) WHERE id = $1', [reg.fx.plots.mangoC]);
    const live = await reg.db.query<{ n: number }>('SELECT count(*)::int AS n FROM plots WHERE growing_area_id = $1', [areaId]);
    expect(live.rows[0]!.n).toBe(1);

    for (const url of [`/api/growing-areas/${areaId}/eudr.geojson`, `/api/growing-areas/${areaId}/eudr.geojson?points=true`]) {
      const res = await reg.app.inject({ url, headers });
      expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
      expect(validateEudrGeoJson(res.body)).toMatchObject({ valid: true, problems: [] });
      const features = (JSON.parse(res.body) as { features: Feature[] }).features;
      expect(
        features.map((f) => f.id),
        url,
      ).toEqual([reg.fx.plots.mangoB, reg.fx.plots.mangoC].sort((x, y) => x - y).map(String));
      for (const [id, rec] of [
        [reg.fx.plots.mangoB, b],
        [reg.fx.plots.mangoC, c],
      ] as const) {
        const f = features.find((x) => x.id === String(id))!;
        expect(f.properties, url).toMatchObject({
          ProducerName: 'Kha Văn Nam',
          ProducerCountry: 'VN',
          Area: Number((rec.area_m2 / 10000).toFixed(4)),
          GrowingAreaCode: CODE,
          GrowingAreaStatus: 'revoked',
        });
        if (f.geometry.type === 'Polygon') {
          expect(sameRing(f.geometry.coordinates[0]!, rounded(rec.geometry.coordinates)[0]!), `${url} plot ${id}`).toBe(true);
        }
      }
      expect(byPlot(features, reg.fx.plots.mangoB)?.ProductionPlace, url).toBe(`${HAMLET}, Phường Cao Lãnh, Đồng Tháp`);
    }
    // Without ?points the fixture's small plots are polygons: the check above did run.
    const polygons = (
      JSON.parse((await reg.app.inject({ url: `/api/growing-areas/${areaId}/eudr.geojson`, headers })).body) as { features: Feature[] }
    ).features;
    expect(polygons.map((f) => f.geometry.type)).toEqual(['Polygon', 'Polygon']);

    // The new dossier's file and the commune's file list plot B as it is now: in the new draft.
    const newId = draft.json().id as number;
    const fresh = await eudr(`/api/growing-areas/${newId}/eudr.geojson`);
    expect(fresh.map((f) => f.id)).toEqual([String(reg.fx.plots.mangoB)]);
    expect(fresh[0]!.properties).toMatchObject({ GrowingAreaStatus: 'draft' });
    expect(byPlot(await eudr('/api/eudr/export?commune=29869'), reg.fx.plots.mangoC)).toMatchObject({ GrowingAreaStatus: 'revoked' });
  });
});

describe('the producer of a plot without a farmer', () => {
  const newPlot = async (y: number, crop: string) =>
    (
      await reg.db.query<{ id: number }>(
        `INSERT INTO plots (farmer_id, commune_code, crop, geom) VALUES (NULL, '29869', $1, ST_GeomFromText($2, 4326)) RETURNING id`,
        [crop, rect(3000, y, 3040, y + 40)],
      )
    ).rows[0]!.id;

  it('is the growing area’s registrant in the communes’ file as in the area’s file; a plot in no area blocks the file, which lists it', async () => {
    const headers = reg.as(reg.fx.users.officer);
    // A surveyed plot with no farmer, put in a draft area: the area's registrant is its producer in both files.
    const member = await newPlot(3000, 'durian');
    const area = await reg.app.inject({
      method: 'POST',
      url: '/api/growing-areas',
      headers,
      payload: {
        name: 'Vùng sầu riêng nhập từ tệp',
        scheme: 'domestic-3156',
        crop: 'durian',
        communeCode: '29869',
        registrantName: 'HTX Sầu riêng Tân Thuận',
        plotIds: [member],
      },
    });
    expect(area.statusCode, area.body).toBe(201);
    for (const url of [`/api/growing-areas/${area.json().id}/eudr.geojson`, '/api/eudr/export?commune=29869'])
      expect(byPlot(await eudr(url), member), url).toMatchObject({ ProducerName: 'HTX Sầu riêng Tân Thuận' });

    // Two surveyed plots in no area and with no farmer: nothing names a producer. The file is refused
    // (422 problem+json), naming both plots and what to do, and the area's file is still served.
    const loose = [await newPlot(3100, 'mango'), await newPlot(3200, 'mango')];
    try {
      const refused = await reg.app.inject({ url: '/api/eudr/export?commune=29869', headers });
      expect(refused.statusCode).toBe(422);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      const body = refused.json() as { detail: string; problems: { plotId: string; reason: string; message: string }[] };
      expect(body.problems).toEqual(
        loose.map((id) => ({
          plotId: String(id),
          reason: 'no-producer',
          message: expect.stringContaining(`Plot ${id} has no farmer and is in no growing area`),
        })),
      );
      expect(body.detail).toContain(`2 plot(s) have no producer to name`);
      expect(body.detail).toContain(`: ${loose.join(', ')}. Give each a farmer, or add it to a growing area.`);
      expect(byPlot(await eudr(`/api/growing-areas/${area.json().id}/eudr.geojson`), member)).toBeDefined();
      // A farmer given to each, the file is served again, each named by its farmer.
      await reg.db.query('UPDATE plots SET farmer_id = $2 WHERE id = ANY($1::bigint[])', [loose, reg.fx.farmers.lan]);
      const served = await eudr('/api/eudr/export?commune=29869');
      for (const id of loose) expect(byPlot(served, id)?.ProducerName).toEqual(expect.any(String));
    } finally {
      await reg.db.query('DELETE FROM plots WHERE id = ANY($1::bigint[])', [loose]);
    }
  });
});
