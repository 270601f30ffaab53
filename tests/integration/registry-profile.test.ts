// The growing-area profile an officer prints (numbers the page's way, crop in both languages, the
// plots' varieties, a legend of what the map draws) and the ring direction of every GeoJSON we emit:
// RFC 7946 §3.1.6 wants exterior rings counter-clockwise and holes clockwise, whatever way the
// database stored them. The plot under test is stored clockwise with a counter-clockwise hole.
import type { Geometry, Position } from 'geojson';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHECKLIST_ITEMS } from '../../server/domain/growing-area-lifecycle.ts';
import { vietnamToday } from '../../server/domain/vietnam-time.ts';
import { at, moveThrough, vegetableDraftOfNewPlot } from '../fixtures/registry.ts';
import { useRegistryApp } from '../helpers/registry-app.ts';

const reg = useRegistryApp();
let clockwisePlot: number;
let areaId: number;

// A ring in metres from the fixture origin, as WKT coordinates in the order given.
const wktRing = (corners: [number, number][]): string => `(${[...corners, corners[0]!].map(([x, y]) => at(x, y).join(' ')).join(', ')})`;

beforeAll(async () => {
  // 100 m × 100 m, outer ring north then east (clockwise), a 40 m × 40 m hole east then north (counter-clockwise).
  const outer = wktRing([
    [700, 0],
    [700, 100],
    [800, 100],
    [800, 0],
  ]);
  const hole = wktRing([
    [730, 30],
    [770, 30],
    [770, 70],
    [730, 70],
  ]);
  clockwisePlot = (
    await reg.db.query<{ id: number }>(
      `INSERT INTO plots (farmer_id, commune_code, crop, variety, planting_date, geom)
       VALUES ($1, '29869', 'mango', 'Hòa Lộc', '2021-06-01', ST_GeomFromText($2, 4326)) RETURNING id`,
      [reg.fx.farmers.nam, `POLYGON(${outer}, ${hole})`],
    )
  ).rows[0]!.id;
  // The area itself names no variety: its plots do (Cát Chu on plot B, Hòa Lộc on the clockwise one).
  const res = await reg.app.inject({
    method: 'POST',
    url: '/api/growing-areas',
    headers: reg.as(reg.fx.users.officer),
    payload: {
      name: 'Vùng xoài in hồ sơ',
      scheme: 'domestic-3156',
      crop: 'mango',
      registrantName: 'HTX Xoài Tân Hậu',
      communeCode: '29869',
      plotIds: [reg.fx.plots.mangoB, clockwisePlot],
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  areaId = res.json().id;
});

// Whole square metres with thousands grouped by `sep`, written out here rather than by Intl so the test does not share the page's formatter.
const grouped = (m2: number, sep: string): string => String(Math.round(m2)).replace(/\B(?=(\d{3})+(?!\d))/g, sep);

const areaM2 = async (table: 'plots' | 'growing_areas', id: number): Promise<number> =>
  Number((await reg.db.query<{ a: number }>(`SELECT area_m2 AS a FROM ${table} WHERE id = $1`, [id])).rows[0]!.a);

// The page's visible text of the row labelled `label` in the profile table.
const rowText = (html: string, label: string): string | undefined =>
  new RegExp(`<tr><th>${label.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}</th><td>([^<]*)</td></tr>`).exec(html)?.[1];

describe('the printed profile', () => {
  it('writes areas the Vietnamese way on the Vietnamese page (1,24 ha (12.4xx m²)), as the card does', async () => {
    const res = await reg.app.inject({ url: `/api/growing-areas/${areaId}/profile.html`, headers: reg.as(reg.fx.users.officer) });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<html lang="vi">');
    const total = await areaM2('growing_areas', areaId);
    const ha = (Math.round(total / 100) / 100).toFixed(2).replace('.', ',');
    expect(rowText(res.body, 'Diện tích / Area')).toBe(`${ha} ha (${grouped(total, '.')} m²)`);
    for (const id of [reg.fx.plots.mangoB, clockwisePlot]) {
      const m2 = grouped(await areaM2('plots', id), '.');
      expect(res.body).toContain(`Thửa / Plot ${id} — ${m2} m²</li>`);
      expect(res.body).toMatch(new RegExp(`<tr><td>${id}</td>.*?<td class="n">${m2.replace('.', '\\.')}</td>`));
    }
    // No number in the old machine form (a run of digits with a decimal point) outside the map's drawing.
    const text = res.body.replace(/<svg[\s\S]*?<\/svg>/, '').replace(/<style>[\s\S]*?<\/style>/, '');
    expect(text).not.toMatch(/\d{4,}\.\d/);
  });

  it('writes them the English way on the English page, English first', async () => {
    const res = await reg.app.inject({ url: `/api/growing-areas/${areaId}/profile.html?lang=en`, headers: reg.as(reg.fx.users.officer) });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<html lang="en">');
    const total = await areaM2('growing_areas', areaId);
    const ha = (Math.round(total / 100) / 100).toFixed(2);
    expect(rowText(res.body, 'Area / Diện tích')).toBe(`${ha} ha (${grouped(total, ',')} m²)`);
    expect(res.body).toContain(`Plot / Thửa ${clockwisePlot} — ${grouped(await areaM2('plots', clockwisePlot), ',')} m²</li>`);
    expect(rowText(res.body, 'Crop / Cây trồng')).toBe('Mango / Xoài');
    expect(res.body).toContain('<h2>Legend / Chú giải</h2>');
  });

  it('names the crop in both languages and lists the varieties of its plots', async () => {
    const res = await reg.app.inject({ url: `/api/growing-areas/${areaId}/profile.html`, headers: reg.as(reg.fx.users.officer) });
    expect(rowText(res.body, 'Cây trồng / Crop')).toBe('Xoài / Mango');
    expect(rowText(res.body, 'Giống / Variety')).toBe('Cát Chu, Hòa Lộc');
  });

  it('has a legend entry for each thing the map draws and none for a background it does not draw', async () => {
    const res = await reg.app.inject({ url: `/api/growing-areas/${areaId}/profile.html`, headers: reg.as(reg.fx.users.officer) });
    const legend = /<ul class="legend">([\s\S]*?)<\/ul>/.exec(res.body)?.[1] ?? '';
    const entries = legend.match(/<li>[\s\S]*?<\/li>/g) ?? [];
    const fills = (/<svg[\s\S]*?<\/svg>/.exec(res.body)?.[0].match(/<path d="[^"]*" fill="(#[0-9a-f]{6})"/g) ?? []).map(
      (p) => /fill="(#[0-9a-f]{6})"/.exec(p)![1],
    );
    // One entry per plot drawn, each with the plot's own fill, then the north arrow (drawn as B/N).
    expect(entries).toHaveLength(fills.length + 1);
    fills.forEach((fill, i) => expect(entries[i]).toContain(`background:${fill}`));
    expect(entries.at(-1)).toContain('B/N = Bắc / North');
    expect(res.body).toContain('>B/N</text>');
    expect(legend).not.toMatch(/Nền|Background/);
  });

  it('carries the dossier’s record: every step with who took it, its note, decision and files, the inspections with their inspector, checklists and notes, the attached files', async () => {
    const officer = reg.as(reg.fx.users.officer);
    const id = await vegetableDraftOfNewPlot(reg.app, reg.db, reg.fx, officer, 'Vùng rau in lịch sử', 5200);
    const checklist = CHECKLIST_ITEMS.map((c, i) => ({ item: c.vi, ok: i !== 3, note: i === 3 ? 'Sổ theo dõi thiếu tháng 5' : undefined }));
    const notes = 'Ghi chú riêng của cán bộ: gọi ông Tư 0901234567';
    const doc = await reg.app.inject({
      method: 'POST',
      url: `/api/growing-areas/${id}/documents?name=${encodeURIComponent('QĐ 910 cấp mã.pdf')}`,
      headers: { ...officer, 'content-type': 'application/pdf' },
      payload: Buffer.from('%PDF-1.4\n% cap ma\n%%EOF\n'),
    });
    expect(doc.statusCode, doc.body).toBe(201);
    await moveThrough(reg.app, officer, id, [
      { to: 'submitted' },
      { to: 'under_inspection' },
      { to: 'inspected_pass', inspection: { inspectedOn: '2026-02-01', conclusion: 'pass', checklist, notes } },
      {
        to: 'issued',
        code: 'VN-82-29869-910-26',
        decisionNo: '910/QĐ-SNN',
        attachments: [{ name: 'x', ref: doc.json().ref }],
      },
      { to: 'active' },
    ]);
    // The suspension by another account, its reason written with characters a page must escape.
    const reason = 'Dư lượng <b>Chlorpyrifos</b> vượt MRL & "mẫu 12"';
    await moveThrough(reg.app, reg.as(reg.fx.users.admin), id, [{ to: 'suspended', decisionNo: '911/QĐ-SNN', note: reason }]);
    const today = vietnamToday();
    const todayVn = today.split('-').reverse().join('/');
    const vi = await reg.app.inject({ url: `/api/growing-areas/${id}/profile.html`, headers: officer });
    expect(vi.statusCode).toBe(200);
    const section = (html: string, tableId: string): string[] =>
      (new RegExp(`<(table|ul)[^>]* id="${tableId}">([\\s\\S]*?)</\\1>`).exec(html)?.[2] ?? '')
        .split(tableId === 'dossier-attachments' ? '</li>' : '</tr>')
        .map((r) =>
          r
            .replace(/<[^>]+>/g, ' ')
            .replace(/\s+/g, ' ')
            .trim(),
        )
        .filter(Boolean);
    const history = section(vi.body, 'dossier-history');
    const byOfficer = 'Test officer (Cán bộ nông nghiệp / Agricultural officer)';
    expect(history[0]).toBe(
      'Ngày / Date Bước / Step Người thực hiện / Taken by Số quyết định / Decision no. Ghi chú / Note Tệp đính kèm / Attached files',
    );
    expect(history.slice(1)).toEqual([
      expect.stringMatching(
        new RegExp(`^\\d\\d/\\d\\d/\\d{4} Bản nháp / Draft → Đã nộp hồ sơ / Submitted ${byOfficer.replace(/[()]/g, '\\$&')}$`),
      ),
      expect.stringMatching(/^\d\d\/\d\d\/\d{4} Đã nộp hồ sơ \/ Submitted → Đang kiểm tra \/ Under inspection Test officer /),
      expect.stringMatching(/→ Kiểm tra đạt \/ Inspection passed Test officer /),
      `${todayVn} Kiểm tra đạt / Inspection passed → Đã cấp mã / Code issued ${byOfficer} 910/QĐ-SNN QĐ 910 cấp mã.pdf`,
      expect.stringMatching(/→ Đang hoạt động \/ Active Test officer /),
      `${todayVn} Đang hoạt động / Active → Tạm đình chỉ / Suspended Test admin (Quản trị / Administrator) 911/QĐ-SNN Dư lượng &lt;b&gt;Chlorpyrifos&lt;/b&gt; vượt MRL &amp; &quot;mẫu 12&quot;`,
    ]);
    // The reason is text on the page (escaped above, not markup); no account's sign-in name is printed.
    expect(vi.body).not.toContain('<b>Chlorpyrifos');
    expect(vi.body).not.toMatch(/reg\.(officer|admin)/);
    const inspections = section(vi.body, 'dossier-inspections');
    expect(inspections).toHaveLength(2);
    expect(inspections[0]).toBe(
      'Ngày kiểm tra / Inspected on Người kiểm tra / Inspector Kết luận / Conclusion Nội dung kiểm tra / Checklist Ghi chú / Notes Ảnh / Photos',
    );
    expect(inspections[1]).toMatch(
      new RegExp(
        `^01/02/2026 ${byOfficer.replace(/[()]/g, '\\$&')} Đạt / Passed ✓ Hồ sơ, nhật ký canh tác ghi chép đầy đủ .* ✗ Giám sát sinh vật gây hại định kỳ — Sổ theo dõi thiếu tháng 5 .* ${notes} 0$`,
      ),
    );
    expect(section(vi.body, 'dossier-attachments')).toEqual([`QĐ 910 cấp mã.pdf — Đã cấp mã / Code issued, ${todayVn} (910/QĐ-SNN)`]);
    const english = await reg.app.inject({ url: `/api/growing-areas/${id}/profile.html?lang=en`, headers: officer });
    expect(section(english.body, 'dossier-history')[4]).toBe(
      `${today} Inspection passed / Kiểm tra đạt → Code issued / Đã cấp mã Test officer (Agricultural officer / Cán bộ nông nghiệp) 910/QĐ-SNN QĐ 910 cấp mã.pdf`,
    );
    expect(section(english.body, 'dossier-history')[0]).toContain('Taken by / Người thực hiện');
    expect(section(english.body, 'dossier-inspections')[1]).toMatch(
      /^2026-02-01 Test officer \(Agricultural officer \/ Cán bộ nông nghiệp\) Passed \/ Đạt ✓ Records and farm diary kept in full/,
    );
    expect(english.body).toContain('<h2>Attached documents / Tài liệu đính kèm</h2>');
    // Who may not read the dossier gets neither the names nor the notes: a guest (401), a farmer, a
    // planner, an officer of another commune (403), each in both languages.
    for (const [who, headers, status] of [
      ['guest', {}, 401],
      ['farmer', reg.as(reg.fx.users.farmer), 403],
      ['planner', reg.as(reg.fx.users.planner), 403],
      ['officer elsewhere', reg.as(reg.fx.users.officerElsewhere), 403],
    ] as const) {
      for (const lang of ['vi', 'en']) {
        const refused = await reg.app.inject({ url: `/api/growing-areas/${id}/profile.html?lang=${lang}`, headers });
        expect(refused.statusCode, `${who} ${lang}`).toBe(status);
        for (const secret of ['Test officer', 'Test admin', 'Chlorpyrifos', '0901234567', 'Sổ theo dõi thiếu', 'dossier-history']) {
          expect(refused.body, `${who} ${lang}`).not.toContain(secret);
        }
      }
    }
    // A display name that already says the role is not followed by it again in Vietnamese; the English page adds the English role.
    const { rows: was } = await reg.db.query<{ name: string }>('SELECT display_name AS name FROM users WHERE id = $1', [
      reg.fx.users.admin,
    ]);
    await reg.db.query(`UPDATE users SET display_name = 'Quản trị hệ thống Sở Nông nghiệp' WHERE id = $1`, [reg.fx.users.admin]);
    try {
      const lastStep = async (lang: string) =>
        section(
          (await reg.app.inject({ url: `/api/growing-areas/${id}/profile.html?lang=${lang}`, headers: officer })).body,
          'dossier-history',
        ).at(-1);
      expect(await lastStep('vi')).toContain('Tạm đình chỉ / Suspended Quản trị hệ thống Sở Nông nghiệp 911/QĐ-SNN');
      expect(await lastStep('en')).toContain('Suspended / Tạm đình chỉ Quản trị hệ thống Sở Nông nghiệp (Administrator) 911/QĐ-SNN');
    } finally {
      await reg.db.query('UPDATE users SET display_name = $2 WHERE id = $1', [reg.fx.users.admin, was[0]!.name]);
    }
  });

  it('names each plot’s parcels with the commune of their survey, in both languages', async () => {
    // Plot A lies half on parcel 345, half on 346, both of sheet 912 of the old Xã Tân Thuận Tây
    // (merged into Phường Cao Lãnh): the numbers alone repeat across the old communes of the ward.
    const res = await reg.app.inject({
      method: 'POST',
      url: '/api/growing-areas',
      headers: reg.as(reg.fx.users.officer),
      payload: {
        name: 'Vùng xoài hai thửa đất',
        scheme: 'domestic-3156',
        crop: 'mango',
        registrantName: 'HTX Xoài Tân Hậu',
        communeCode: '29869',
        plotIds: [reg.fx.plots.mangoA],
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const parcelsCell = async (lang: string): Promise<string[]> => {
      const page = await reg.app.inject({
        url: `/api/growing-areas/${res.json().id}/profile.html?lang=${lang}`,
        headers: reg.as(reg.fx.users.officer),
      });
      expect(page.statusCode).toBe(200);
      const row = new RegExp(`<tr><td>${reg.fx.plots.mangoA}</td>(?:<td>[^<]*</td>|<td class="n">[^<]*</td>)*?<td>([^<]*)</td></tr>`).exec(
        page.body,
      );
      return (row?.[1] ?? '').split('; ').sort();
    };
    expect(await parcelsCell('vi')).toEqual([
      expect.stringMatching(/^Tờ 912 thửa 345, Xã Tân Thuận Tây cũ \((49|50)(,\d+)?%\)$/),
      expect.stringMatching(/^Tờ 912 thửa 346, Xã Tân Thuận Tây cũ \((49|50)(,\d+)?%\)$/),
    ]);
    expect(await parcelsCell('en')).toEqual([
      expect.stringMatching(/^Sheet 912 parcel 345, former Xã Tân Thuận Tây \((49|50)(\.\d+)?%\)$/),
      expect.stringMatching(/^Sheet 912 parcel 346, former Xã Tân Thuận Tây \((49|50)(\.\d+)?%\)$/),
    ]);
  });

  it('prints the legend’s colours and keeps each heading with what it introduces', async () => {
    const res = await reg.app.inject({ url: `/api/growing-areas/${areaId}/profile.html`, headers: reg.as(reg.fx.users.officer) });
    const css = /<style>([\s\S]*?)<\/style>/.exec(res.body)?.[1] ?? '';
    // Chrome prints no CSS background unless told to: the swatches would be empty boxes.
    expect(css).toMatch(/\.sw[^{]*\{[^}]*-webkit-print-color-adjust: exact; print-color-adjust: exact;/);
    expect(css).toMatch(/h2[^{]*\{[^}]*break-after: avoid/);
    expect(css).toMatch(/\.keep[^{]*\{[^}]*break-inside: avoid/);
    // The map's heading and the map are one block that moves to the next page whole.
    expect(res.body).toMatch(/<section class="keep"><h2>Bản đồ \/ Map<\/h2>\s*<div class="map"><svg/);
    // A draft has no record yet: said in words.
    expect(res.body).toContain('Chưa có biên bản kiểm tra. / No inspection recorded yet.');
  });

  it('refuses an unknown page language with a 400 problem, not a page in some language', async () => {
    for (const q of ['lang=fr', 'lang=', 'lang=vi-VN', `lang=${'x'.repeat(5000)}`]) {
      const res = await reg.app.inject({ url: `/api/growing-areas/${areaId}/profile.html?${q}`, headers: reg.as(reg.fx.users.officer) });
      expect(res.statusCode, q).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
  });
});

// Twice the signed area of a ring by the shoelace formula, lon/lat as x/y: > 0 when counter-clockwise.
function signedArea(ring: Position[]): number {
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i++) sum += ring[i]![0]! * ring[i + 1]![1]! - ring[i + 1]![0]! * ring[i]![1]!;
  return sum;
}

// Each ring that runs against RFC 7946's right-hand rule, named by polygon and ring.
function wrongRings(g: Geometry): string[] {
  const polygons = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
  return polygons.flatMap((rings, p) =>
    rings.flatMap((ring, r) => (signedArea(ring) > 0 === (r === 0) ? [] : [`polygon ${p} ${r === 0 ? 'outer ring' : `hole ${r}`}`])),
  );
}

type Fc = { features: { id?: string | number; geometry: Geometry; properties: Record<string, unknown> }[] };

describe('GeoJSON ring direction (RFC 7946: outer rings counter-clockwise, holes clockwise)', () => {
  it('the plot under test is stored clockwise with a counter-clockwise hole', async () => {
    const { rows } = await reg.db.query<{ cw: boolean; holes: number }>(
      'SELECT ST_IsPolygonCW(geom) AS cw, ST_NumInteriorRings(geom) AS holes FROM plots WHERE id = $1',
      [clockwisePlot],
    );
    expect(rows[0]).toEqual({ cw: true, holes: 1 });
  });

  it('the profile GeoJSON: the area and every plot', async () => {
    const res = await reg.app.inject({ url: `/api/growing-areas/${areaId}/profile.geojson`, headers: reg.as(reg.fx.users.officer) });
    expect(res.statusCode).toBe(200);
    const fc = res.json() as Fc;
    expect(fc.features.map((f) => f.id)).toEqual([`growing_area.${areaId}`, `plot.${reg.fx.plots.mangoB}`, `plot.${clockwisePlot}`]);
    for (const f of fc.features) expect(wrongRings(f.geometry), String(f.id)).toEqual([]);
    const plot = fc.features[2]!.geometry;
    expect(plot.type === 'Polygon' && plot.coordinates.length).toBe(2);
  });

  it('the area card and the plot card', async () => {
    const area = (await reg.app.inject({ url: `/api/growing-areas/${areaId}`, headers: reg.as(reg.fx.users.officer) })).json();
    expect(wrongRings(area.geometry)).toEqual([]);
    for (const p of area.plots as { id: number; geometry: Geometry }[]) expect(wrongRings(p.geometry), `plot ${p.id}`).toEqual([]);
    const plot = await reg.app.inject({ url: `/api/plots/${clockwisePlot}`, headers: reg.as(reg.fx.users.officer) });
    expect(plot.statusCode).toBe(200);
    expect(wrongRings(plot.json().geometry)).toEqual([]);
  });

  it('the EUDR file (polygons)', async () => {
    const res = await reg.app.inject({
      url: `/api/growing-areas/${areaId}/eudr.geojson?points=false`,
      headers: reg.as(reg.fx.users.officer),
    });
    expect(res.statusCode, res.body).toBe(200);
    const fc = JSON.parse(res.body) as Fc;
    expect(fc.features).toHaveLength(2);
    for (const f of fc.features) expect(wrongRings(f.geometry)).toEqual([]);
  });

  it('the plots export as GeoJSON', async () => {
    const res = await reg.app.inject({ url: '/api/export/plots?format=geojson', headers: reg.as(reg.fx.users.officer) });
    expect(res.statusCode, res.body).toBe(200);
    const fc = JSON.parse(res.body) as Fc;
    const mine = fc.features.find((f) => Number(f.id) === clockwisePlot || Number(f.properties.id) === clockwisePlot);
    expect(mine).toBeDefined();
    for (const f of fc.features) expect(wrongRings(f.geometry), String(f.id)).toEqual([]);
  });

  it('the features API: a page of items and one item', async () => {
    // The fixture's plots only (the sample data's own plots are stored counter-clockwise already).
    const bbox = [...at(-10, -10), ...at(810, 180)].join(',');
    const page = await reg.app.inject({
      url: `/ogc/collections/plots/items?limit=100&bbox=${bbox}`,
      headers: reg.as(reg.fx.users.officer),
    });
    expect(page.statusCode, page.body).toBe(200);
    const fc = page.json() as Fc;
    expect(fc.features.map((f) => Number(f.id))).toEqual(expect.arrayContaining([reg.fx.plots.mangoB, clockwisePlot]));
    for (const f of fc.features) expect(wrongRings(f.geometry), String(f.id)).toEqual([]);
    const one = await reg.app.inject({ url: `/ogc/collections/plots/items/${clockwisePlot}`, headers: reg.as(reg.fx.users.officer) });
    expect(one.statusCode).toBe(200);
    expect(wrongRings(one.json().geometry)).toEqual([]);
  });
});
