// A CSV is opened in Excel by an officer: beside each coded column (status `active`, crop `mango`,
// a land-use or commune code, a producer kind) the file carries its Vietnamese name, and beside each
// ISO date the date as dd/mm/yyyy, in added columns after the existing ones (which keep their names,
// order and values: the importer and other tools read them). Read from the real files the API sends,
// parsed as CSV; hostile filters and ids are refused in words (4xx), never a 500.
import fs from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { vietnamToday } from '../../server/domain/vietnam-time.ts';
import { parseCsv } from '../../server/io/formats/csv.ts';
import { openSource } from '../../server/io/sources.ts';
import { DEFAULT_READ_LIMITS } from '../../server/io/types.ts';
import { moveThrough, TO_INSPECTED_PASS, vegetableDraftOfNewPlot } from '../fixtures/registry.ts';
import { useRegistryApp } from '../helpers/registry-app.ts';

const reg = useRegistryApp();

/** The CSV as rows of named cells (the BOM dropped), and its header. */
function readCsv(body: string): { header: string[]; rows: Record<string, string>[] } {
  expect(body.charCodeAt(0)).toBe(0xfeff);
  const [header = [], ...lines] = [...parseCsv(body.slice(1), ',')].filter((r) => r.some((cell) => cell !== ''));
  return { header, rows: lines.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i] ?? '']))) };
}

async function get(url: string, headers: Record<string, string> = {}) {
  return reg.app.inject({ method: 'GET', url, headers });
}

describe('the growing-area profile CSV', () => {
  let areaId: number;

  beforeAll(async () => {
    const res = await reg.app.inject({
      method: 'POST',
      url: '/api/growing-areas',
      headers: reg.as(reg.fx.users.officer),
      payload: {
        name: 'Vùng xoài Tân Hậu',
        scheme: 'domestic-3156',
        crop: 'mango',
        communeCode: '29869',
        registrantName: 'HTX Tân Hậu',
        plotIds: [reg.fx.plots.mangoB, reg.fx.plots.mangoC],
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    areaId = res.json().id;
  });

  it('keeps its columns and adds status, commune and crop in Vietnamese and the dates as dd/mm/yyyy', async () => {
    const res = await get(`/api/growing-areas/${areaId}/profile.csv`, reg.as(reg.fx.users.officer));
    expect(res.statusCode).toBe(200);
    const { header, rows } = readCsv(res.body);
    // The contract's columns first, unchanged, in their order; the readable ones after.
    expect(header).toEqual([
      'growing_area_code',
      'growing_area_name',
      'status',
      'plot_id',
      'farmer_name',
      'hamlet',
      'commune_code',
      'crop',
      'variety',
      'planting_date',
      'expected_harvest',
      'area_m2',
      'area_ha',
      'parcels',
      'lon',
      'lat',
      'status_vi',
      'commune_vi',
      'crop_vi',
      'planting_date_vn',
      'expected_harvest_vn',
      'decision_no',
      'issued_on',
      'issued_on_vn',
    ]);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      status: 'draft',
      status_vi: 'Bản nháp',
      plot_id: String(reg.fx.plots.mangoB),
      commune_code: '29869',
      commune_vi: 'Phường Cao Lãnh',
      crop: 'mango',
      crop_vi: 'Xoài',
      planting_date: '2020-03-01',
      planting_date_vn: '01/03/2020',
      expected_harvest: '2026-06-30',
      expected_harvest_vn: '30/06/2026',
    });
  });

  it('writes the status of a code out of force with its mark, as the printed profile does', async () => {
    await reg.db.query(`UPDATE growing_areas SET status = 'suspended' WHERE id = $1`, [areaId]);
    try {
      const { rows } = readCsv((await get(`/api/growing-areas/${areaId}/profile.csv`, reg.as(reg.fx.users.officer))).body);
      expect(rows[0]).toMatchObject({ status: 'suspended', status_vi: 'Tạm đình chỉ — không còn hiệu lực' });
    } finally {
      await reg.db.query(`UPDATE growing_areas SET status = 'draft' WHERE id = $1`, [areaId]);
    }
  });

  it('leaves a date cell empty when the plot has no date, and refuses hostile ids in words', async () => {
    await reg.db.query(`UPDATE plots SET expected_harvest = NULL WHERE id = $1`, [reg.fx.plots.mangoC]);
    try {
      const { rows } = readCsv((await get(`/api/growing-areas/${areaId}/profile.csv`, reg.as(reg.fx.users.officer))).body);
      const c = rows.find((r) => r.plot_id === String(reg.fx.plots.mangoC))!;
      expect(c).toMatchObject({ expected_harvest: '', expected_harvest_vn: '', planting_date_vn: '01/03/2020' });
    } finally {
      await reg.db.query(`UPDATE plots SET expected_harvest = '2026-06-30' WHERE id = $1`, [reg.fx.plots.mangoC]);
    }
    for (const id of ["1'%20OR%201=1", '-1', '99999999999999999999', '%F0%9F%99%82']) {
      const res = await get(`/api/growing-areas/${id}/profile.csv`, reg.as(reg.fx.users.officer));
      expect(res.statusCode, id).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, id).toBeLessThan(500);
    }
    expect((await get(`/api/growing-areas/999999/profile.csv`, reg.as(reg.fx.users.officer))).statusCode).toBe(404);
    expect((await get(`/api/growing-areas/${areaId}/profile.csv`)).statusCode).toBe(401);
  });
});

describe('the collection exports as CSV', () => {
  it('parcels: the commune named as of the record’s reference date, that date as dd/mm/yyyy, the land use in Vietnamese', async () => {
    const res = await get(`/api/export/parcels?format=csv&sheet=912`);
    expect(res.statusCode, res.body).toBe(200);
    const { header, rows } = readCsv(res.body);
    expect(header).toEqual([
      'id',
      'commune_code',
      'commune_ref_date',
      'sheet',
      'parcel_no',
      'cert_sheet',
      'cert_parcel',
      'land_use_code',
      'legal_area_m2',
      'address',
      'wkt',
      'commune_vi',
      'commune_ref_date_vn',
      'land_use_vi',
    ]);
    const p345 = rows.find((r) => r.parcel_no === '345')!;
    expect(p345).toMatchObject({
      commune_code: '29890',
      commune_ref_date: '2025-03-01',
      land_use_code: 'CLN',
      commune_vi: 'Xã Tân Thuận Tây',
      commune_ref_date_vn: '01/03/2025',
      land_use_vi: 'Đất trồng cây lâu năm',
    });
    expect(p345.wkt).toMatch(/^MULTIPOLYGON/);
  });

  it('plots: crop and commune in Vietnamese, planting and harvest dates as dd/mm/yyyy', async () => {
    const res = await get(`/api/export/plots?format=csv&crop=mango`, reg.as(reg.fx.users.officer));
    expect(res.statusCode, res.body).toBe(200);
    const { header, rows } = readCsv(res.body);
    expect(header.slice(header.indexOf('wkt'))).toEqual([
      'wkt',
      'commune_vi',
      'crop_vi',
      'planting_date_vn',
      'expected_harvest_vn',
      'growing_area_decision_no',
      'growing_area_issued_on',
      'growing_area_issued_on_vn',
    ]);
    const b = rows.find((r) => r.id === String(reg.fx.plots.mangoB))!;
    expect(b).toMatchObject({
      crop: 'mango',
      crop_vi: 'Xoài',
      commune_code: '29869',
      commune_vi: 'Phường Cao Lãnh',
      planting_date: '2020-03-01',
      planting_date_vn: '01/03/2020',
      expected_harvest_vn: '30/06/2026',
    });
  });

  it('zones, land-use areas and products: each code beside its Vietnamese words; a code the list lacks stays itself', async () => {
    const zones = readCsv((await get(`/api/export/zones?format=csv&land_use_code=ODT`)).body);
    expect(zones.rows.length).toBeGreaterThan(0);
    for (const r of zones.rows) expect(r).toMatchObject({ land_use_code: 'ODT', land_use_vi: 'Đất ở tại đô thị' });
    const landuse = readCsv((await get(`/api/export/landuse?format=csv&land_use_code=HNK`)).body);
    expect(landuse.rows.length).toBeGreaterThan(0);
    for (const r of landuse.rows) expect(r.land_use_vi).toBe('Đất trồng cây hằng năm khác');

    await reg.db.query(
      `INSERT INTO products (producer_kind, producer_name, product, category, commune_code, source_key, geom) VALUES
         ('cooperative', 'HTX Xoài "Mỹ Xương", Cao Lãnh', 'Xoài Cát Chu', 'fruit', '29869', 'csv-vi-1', ST_SetSRID(ST_MakePoint(105.63, 10.46), 4326)),
         ('household', '=HYPERLINK("x")', 'Sen', 'livestock', '29869', 'csv-vi-2', ST_SetSRID(ST_MakePoint(105.64, 10.47), 4326))`,
    );
    const products = readCsv((await get(`/api/export/products?format=csv&commune=29869`)).body);
    const coop = products.rows.find((r) => r.source_key === 'csv-vi-1')!;
    expect(coop).toMatchObject({
      producer_kind: 'cooperative',
      producer_kind_vi: 'Hợp tác xã',
      category: 'fruit',
      category_vi: 'Cây ăn quả',
      producer_name: 'HTX Xoài "Mỹ Xương", Cao Lãnh',
      commune_vi: 'Phường Cao Lãnh',
    });
    const home = products.rows.find((r) => r.source_key === 'csv-vi-2')!;
    expect(home).toMatchObject({ producer_kind_vi: 'Hộ gia đình', category_vi: 'Chăn nuôi' });
  });

  it('only CSV gains the readable columns: GeoJSON properties are as before', async () => {
    const res = await get(`/api/export/parcels?format=geojson&sheet=912`);
    const props = res.json().features[0].properties;
    expect(Object.keys(props)).not.toContain('land_use_vi');
    expect(Object.keys(props)).not.toContain('commune_ref_date_vn');
  });

  it('refuses hostile filters in words (400, 422), never a 500, and writes nothing', async () => {
    const before = (await reg.db.query<{ n: number }>('SELECT count(*)::int AS n FROM parcels')).rows[0]!.n;
    const cases: [string, number][] = [
      [`/api/export/parcels?format=csv&sheet=1;DROP%20TABLE%20parcels`, 400],
      [`/api/export/parcels?format=csv&owner=x`, 400],
      [`/api/export/parcels?format=csv&crs=EPSG:99999`, 422],
    ];
    for (const [url, status] of cases) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(status);
      expect(res.json().message ?? res.json().detail ?? res.body).toBeTruthy();
    }
    // A quote or an emoji in a text filter is a value like any other: no row has it.
    for (const code of ["ODT'%20OR%20'1'='1", '%F0%9F%99%82']) {
      const res = await get(`/api/export/parcels?format=csv&land_use_code=${code}`);
      expect(res.statusCode).toBe(200);
      expect(readCsv(res.body).rows).toEqual([]);
    }
    expect((await get(`/api/export/plots?format=csv`)).statusCode).toBe(401);
    expect((await reg.db.query<{ n: number }>('SELECT count(*)::int AS n FROM parcels')).rows[0]!.n).toBe(before);
  });
});

describe('the issuing decision beside the code', () => {
  const today = vietnamToday();
  const todayVn = today.split('-').reverse().join('/');
  let issued: number;
  let draft: number;
  let plotOf: (area: number) => Promise<number>;

  beforeAll(async () => {
    const officer = reg.as(reg.fx.users.officer);
    issued = await vegetableDraftOfNewPlot(reg.app, reg.db, reg.fx, officer, 'Vùng rau có quyết định', 9100);
    await moveThrough(reg.app, officer, issued, [
      ...TO_INSPECTED_PASS,
      { to: 'issued', code: 'VN-82-29869-901-26', decisionNo: '45/QĐ-SNN', decidedOn: today },
    ]);
    draft = await vegetableDraftOfNewPlot(reg.app, reg.db, reg.fx, officer, 'Vùng rau chưa cấp mã', 9200);
    plotOf = async (area) =>
      Number((await reg.db.query<{ id: number }>('SELECT id FROM plots WHERE growing_area_id = $1', [area])).rows[0]!.id);
  });

  it('the profile CSV ends with the decision number and its day, ISO then dd/mm/yyyy; empty before the code is issued', async () => {
    const { header, rows } = readCsv((await get(`/api/growing-areas/${issued}/profile.csv`, reg.as(reg.fx.users.officer))).body);
    expect(header.slice(-3)).toEqual(['decision_no', 'issued_on', 'issued_on_vn']);
    expect(rows[0]).toMatchObject({
      growing_area_code: 'VN-82-29869-901-26',
      decision_no: '45/QĐ-SNN',
      issued_on: today,
      issued_on_vn: todayVn,
    });
    const none = readCsv((await get(`/api/growing-areas/${draft}/profile.csv`, reg.as(reg.fx.users.officer))).body).rows[0]!;
    expect(none).toMatchObject({ growing_area_code: '', decision_no: '', issued_on: '', issued_on_vn: '' });
  });

  it('the plots export carries it after every column it had, in CSV, GeoJSON, KML and shapefile', async () => {
    const officer = reg.as(reg.fx.users.officer);
    const plot = await plotOf(issued);
    const csv = readCsv((await get(`/api/export/plots?format=csv&growing_area=${issued}`, officer)).body);
    expect(csv.header.slice(0, 10)).toEqual([
      'id',
      'source_key',
      'commune_code',
      'crop',
      'variety',
      'planting_date',
      'expected_harvest',
      'area_m2',
      'growing_area_id',
      'growing_area_code',
    ]);
    expect(csv.header.slice(-3)).toEqual(['growing_area_decision_no', 'growing_area_issued_on', 'growing_area_issued_on_vn']);
    expect(csv.rows).toEqual([
      expect.objectContaining({
        id: String(plot),
        growing_area_code: 'VN-82-29869-901-26',
        growing_area_decision_no: '45/QĐ-SNN',
        growing_area_issued_on: today,
        growing_area_issued_on_vn: todayVn,
      }),
    ]);
    const unissued = readCsv((await get(`/api/export/plots?format=csv&growing_area=${draft}`, officer)).body).rows[0]!;
    expect(unissued).toMatchObject({ growing_area_code: '', growing_area_decision_no: '', growing_area_issued_on: '' });

    const geojson = (await get(`/api/export/plots?format=geojson&growing_area=${issued}`, officer)).json();
    const props = geojson.features[0].properties;
    expect(Object.keys(props).slice(-3)).toEqual(['growing_area_code', 'growing_area_decision_no', 'growing_area_issued_on']);
    expect(props).toMatchObject({ growing_area_decision_no: '45/QĐ-SNN', growing_area_issued_on: today });

    // KML and the shapefile read back as the importer reads them.
    const read = async (format: string, ext: string) => {
      const res = await get(`/api/export/plots?format=${format}&growing_area=${issued}`, officer);
      expect(res.statusCode, res.body).toBe(200);
      const file = path.join(reg.uploadDir, `plots-decision.${ext}`);
      await fs.writeFile(file, res.rawPayload);
      const source = await openSource(file, `plots.${ext}`, {}, DEFAULT_READ_LIMITS);
      try {
        const layer = source.layers[0]!;
        const features = [];
        for await (const f of layer.features()) features.push(f.properties);
        return { fields: layer.fields, features };
      } finally {
        await source.close();
      }
    };
    const kml = await read('kml', 'kml');
    expect(kml.features).toEqual([expect.objectContaining({ growing_area_decision_no: '45/QĐ-SNN', growing_area_issued_on: today })]);
    const shp = await read('shapefile', 'zip');
    expect(shp.fields.slice(-3)).toEqual(['area_code', 'area_decno', 'area_issue']);
    expect(shp.features).toEqual([
      expect.objectContaining({ area_code: 'VN-82-29869-901-26', area_decno: '45/QĐ-SNN', area_issue: today }),
    ]);
  });

  it('refuses a hostile area filter in words, never a 500', async () => {
    for (const value of ['abc', '1.5', '-1', "1'%20OR%201=1", '%F0%9F%99%82']) {
      const res = await get(`/api/export/plots?format=csv&growing_area=${value}`, reg.as(reg.fx.users.officer));
      expect(res.statusCode, value).toBe(400);
      expect(res.json().detail, value).toMatch(/growing_area/);
    }
  });
});
