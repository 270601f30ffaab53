import { describe, expect, it } from 'vitest';
import { ORIGIN, WARD_A, openFeaturesFixture, type FeaturesFixture } from '../helpers/features-fixture.ts';
import { openForFile } from '../helpers/for-file.ts';

const fx = openForFile(openFeaturesFixture);
const [X, Y] = ORIGIN;
type Collection = {
  type: string;
  numberMatched: number;
  numberReturned: number;
  links: { rel: string; href: string }[];
  features: { id: number; properties: Record<string, unknown> }[];
};

async function items(url: string, role: Parameters<FeaturesFixture['as']>[0] = 'anonymous'): Promise<Collection> {
  const response = await fx.app.inject({ url, headers: fx.as(role) });
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers['content-type']).toMatch(/^application\/geo\+json/);
  return response.json() as Collection;
}

// The fixture's wards, as a bbox: only fixture rows lie there.
const BBOX = `${X},${Y},${X + 0.02},${Y + 0.01}`;

describe('landing, conformance, collections', () => {
  it('links the API definition, conformance and collections', async () => {
    const landing = (await fx.app.inject({ url: '/ogc' })).json();
    expect(landing.links.map((l: { rel: string }) => l.rel)).toEqual(
      expect.arrayContaining(['self', 'service-desc', 'conformance', 'data']),
    );
    const api = await fx.app.inject({ url: '/ogc/api' });
    expect(api.headers['content-type']).toMatch(/application\/vnd\.oai\.openapi\+json;\s*version="?3\.0"?/);
    expect(api.json().openapi).toBe('3.0.3');
    expect(Object.keys(api.json().paths)).toEqual(
      expect.arrayContaining(['/collections/plots/items/{featureId}', '/collections/admin/items']),
    );
  });

  it('declares the exact conformance URIs of Parts 1, 3, 4 and CQL2', async () => {
    const { conformsTo } = (await fx.app.inject({ url: '/ogc/conformance' })).json();
    for (const uri of [
      'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
      'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
      'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
      'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter',
      'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter',
      'http://www.opengis.net/spec/cql2/1.0/conf/cql2-text',
      'http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2',
      'http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete',
      'http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/update',
    ]) {
      expect(conformsTo).toContain(uri);
    }
  });

  it('lists every collection with an extent that covers its data', async () => {
    const { collections } = (await fx.app.inject({ url: '/ogc/collections' })).json();
    expect(collections.map((c: { id: string }) => c.id)).toEqual([
      'parcels',
      'landuse',
      'zones',
      'products',
      'growing_areas',
      'plots',
      'admin',
    ]);
    const plots = collections.find((c: { id: string }) => c.id === 'plots');
    const [minx, miny, maxx, maxy] = plots.extent.spatial.bbox[0];
    const e = 1e-9; // the fixture's corners are sums of decimals: allow for float noise
    expect(minx).toBeLessThanOrEqual(X + 0.001 + e);
    expect(maxx).toBeGreaterThanOrEqual(X + 0.012 - e);
    expect(miny).toBeLessThanOrEqual(Y + 0.001 + e);
    expect(maxy).toBeGreaterThanOrEqual(Y + 0.002 - e);
    expect((await fx.app.inject({ url: '/ogc/collections/nope' })).statusCode).toBe(404);
  });

  it('publishes queryables as JSON Schema, personal ones only to those who may see them', async () => {
    const anonymous = await fx.app.inject({ url: '/ogc/collections/plots/queryables' });
    expect(anonymous.headers['content-type']).toMatch(/application\/schema\+json/);
    expect(Object.keys(anonymous.json().properties)).toEqual(expect.arrayContaining(['geometry', 'crop', 'commune_code', 'planting_date']));
    expect(Object.keys(anonymous.json().properties)).not.toContain('farmer_name');
    const officer = await fx.app.inject({ url: '/ogc/collections/plots/queryables', headers: fx.as('officer') });
    expect(Object.keys(officer.json().properties)).toContain('farmer_name');
  });
});

describe('items', () => {
  it('pages with limit and offset, numberMatched/numberReturned and next/prev links', async () => {
    const first = await items(`/ogc/collections/plots/items?bbox=${BBOX}&limit=1`);
    expect(first).toMatchObject({ type: 'FeatureCollection', numberMatched: 2, numberReturned: 1 });
    const next = first.links.find((l) => l.rel === 'next');
    expect(first.links.find((l) => l.rel === 'prev')).toBeUndefined();
    const second = await items(new URL(next!.href).pathname + new URL(next!.href).search);
    expect(second.numberReturned).toBe(1);
    expect(second.features[0]?.id).not.toBe(first.features[0]?.id);
    expect(second.links.find((l) => l.rel === 'next')).toBeUndefined();
    expect(second.links.find((l) => l.rel === 'prev')?.href).toContain('offset=0');
  });

  it('defaults to 10 items and clamps huge limits to 10,000', async () => {
    const page = await items('/ogc/collections/admin/items');
    expect(page.numberReturned).toBeLessThanOrEqual(10);
    const huge = await items(`/ogc/collections/plots/items?bbox=${BBOX}&limit=999999999999`);
    expect(huge.links.find((l) => l.rel === 'self')?.href).toContain('limit=10000');
  });

  it('filters by bbox, including one crossing the antimeridian', async () => {
    const wardA = await items(`/ogc/collections/plots/items?bbox=${X},${Y},${X + 0.01},${Y + 0.01}`);
    expect(wardA.features.map((f) => f.id)).toEqual([fx.ids.plotA]);
    const across = await items(`/ogc/collections/plots/items?bbox=170,${Y},${X + 0.01},${Y + 0.01}`);
    expect(across.features.map((f) => f.id)).toContain(fx.ids.plotA);
  });

  it('matches text property filters ignoring case and Vietnamese diacritics', async () => {
    const page = await items(`/ogc/collections/admin/items?name=${encodeURIComponent('PHUONG THU NGHIEM A')}`);
    expect(page.features.map((f) => f.properties.code)).toEqual([WARD_A]);
    const sheet = await items(`/ogc/collections/parcels/items?bbox=${BBOX}&sheet=1&parcel_no=1`);
    expect(sheet.numberMatched).toBe(1);
  });

  it('filters with CQL2-text: comparisons, IN, LIKE, BETWEEN, IS NULL, spatial, ACCENTI', async () => {
    const q = (filter: string, collection = 'plots') =>
      items(`/ogc/collections/${collection}/items?bbox=${BBOX}&filter=${encodeURIComponent(filter)}`);
    expect((await q("crop = 'mango'")).features.map((f) => f.id)).toEqual([fx.ids.plotA]);
    expect((await q("crop IN ('mango', 'rice') AND area_m2 BETWEEN 10000 AND 13000")).numberMatched).toBe(2);
    expect((await q('variety IS NULL')).features.map((f) => f.id)).toEqual([fx.ids.plotB]);
    expect((await q("planting_date < DATE('2021-01-01')")).features.map((f) => f.id)).toEqual([fx.ids.plotA]);
    expect((await q(`S_INTERSECTS(geometry, POINT(${X + 0.0115} ${Y + 0.0015}))`)).features.map((f) => f.id)).toEqual([fx.ids.plotB]);
    expect((await q("ACCENTI(CASEI(name)) LIKE ACCENTI(CASEI('%thu nghiem b'))", 'admin')).features.map((f) => f.properties.code)).toEqual([
      '99902',
    ]);
    expect((await q("NOT (crop = 'mango') OR crop = 'durian'")).features.map((f) => f.id)).toEqual([fx.ids.plotB]);
  });

  it('answers 400 for bad filters, unknown queryables and unknown parameters', async () => {
    for (const url of [
      "/ogc/collections/plots/items?filter=crop = 'mango",
      `/ogc/collections/plots/items?filter=${encodeURIComponent("farmer_name = 'x'")}`,
      '/ogc/collections/plots/items?colour=red',
      '/ogc/collections/plots/items?filter-lang=cql2-json&filter=x',
      '/ogc/collections/plots/items?bbox=1,2,3',
      '/ogc/collections/plots/items?limit=-1',
      '/ogc/collections/plots/items?crs=EPSG:3857',
      '/ogc/collections/plots/items?skipGeometry=yes',
      '/ogc/collections/plots/items?skipGeometry=true&skipGeometry=false',
      "/ogc/collections/plots/items?skipGeometry=true'--",
    ]) {
      const response = await fx.app.inject({ url });
      expect(response.statusCode, url).toBe(400);
      expect(response.headers['content-type']).toMatch(/problem\+json/);
    }
  });

  it('leaves the geometry out on skipGeometry=true: the same features and properties, a fraction of the bytes', async () => {
    const url = `/ogc/collections/admin/items?code=${WARD_A}&limit=20`;
    const whole = await items(url);
    const named = await items(`${url}&skipGeometry=true`);
    expect(named.numberMatched).toBe(whole.numberMatched);
    expect(named.features.map((f) => [f.id, f.properties])).toEqual(whole.features.map((f) => [f.id, f.properties]));
    expect(named.features.every((f) => (f as { geometry?: unknown }).geometry === null)).toBe(true);
    expect(whole.features.every((f) => (f as { geometry?: unknown }).geometry !== null)).toBe(true);
    expect(JSON.stringify(named).length).toBeLessThan(JSON.stringify(whole).length);
    // false is the default, spelled out.
    expect((await items(`${url}&skipGeometry=false`)).features).toEqual(whole.features);
  });

  it('filters by datetime on validity intervals (admin units)', async () => {
    const now = await items(`/ogc/collections/admin/items?code=${WARD_A}&datetime=2026-01-01`);
    expect(now.numberMatched).toBe(1);
    const before = await items(`/ogc/collections/admin/items?code=${WARD_A}&datetime=2020-01-01`);
    expect(before.numberMatched).toBe(0);
  });
});

describe('one item', () => {
  it('has a strong ETag from its version and answers 304 to If-None-Match', async () => {
    const url = `/ogc/collections/plots/items/${fx.ids.plotA}`;
    const response = await fx.app.inject({ url });
    const { rows } = await fx.db.query<{ version: number }>('SELECT version FROM plots WHERE id = $1', [fx.ids.plotA]);
    expect(response.headers.etag).toBe(`"${fx.ids.plotA}-${rows[0]!.version}"`);
    expect(response.headers['content-type']).toMatch(/^application\/geo\+json/);
    expect(response.json().links.map((l: { rel: string }) => l.rel)).toEqual(['self', 'collection']);
    const again = await fx.app.inject({ url, headers: { 'if-none-match': response.headers.etag as string } });
    expect(again.statusCode).toBe(304);
  });

  it('gives a zoning lot its geodesic area, which follows its outline (area × FAR is what the plan allows)', async () => {
    const url = `/ogc/collections/zones/items/${fx.ids.zoneA}`;
    const area = async () => (await fx.app.inject({ url })).json().properties.area_m2 as number;
    const stored = async () =>
      Number(
        (await fx.db.query<{ m2: number }>('SELECT ST_Area(geom::geography) m2 FROM zoning_lots WHERE id = $1', [fx.ids.zoneA])).rows[0]!
          .m2,
      );
    const before = await area();
    expect(before).toBeGreaterThan(100);
    expect(before).toBeCloseTo(await stored(), 0);
    // A planner's new outline, written in SQL (QGIS): half as wide, about half the area.
    await fx.db.query(`UPDATE zoning_lots SET geom = ST_Multi(ST_Scale(geom, ST_MakePoint(0.5, 1), ST_Centroid(geom))) WHERE id = $1`, [
      fx.ids.zoneA,
    ]);
    const after = await area();
    expect(after).toBeCloseTo(await stored(), 0);
    expect(after / before).toBeCloseTo(0.5, 2);
    // Derived, not written: a planner's write that sends it is taken as the other read-only fields
    // are (ignored), never stored.
    const current = await fx.app.inject({ url, headers: fx.as('planner') });
    const write = await fx.app.inject({
      method: 'PATCH',
      url,
      headers: { ...fx.as('planner'), 'content-type': 'application/merge-patch+json', 'if-match': current.headers.etag as string },
      payload: { properties: { area_m2: 1 } },
    });
    expect(write.statusCode, write.body).toBeLessThan(500);
    expect(write.json().properties.area_m2).not.toBe(1);
    expect(await area()).toBeCloseTo(await stored(), 0);
  });

  it('answers 404 for unknown and malformed ids', async () => {
    for (const id of ['999999999', 'abc', '1;DROP TABLE plots', '0', '-1', '1e3']) {
      const response = await fx.app.inject({ url: `/ogc/collections/plots/items/${encodeURIComponent(id)}` });
      expect(response.statusCode, id).toBe(404);
    }
  });
});

describe('privacy where the data is read', () => {
  const personal = ['farmer_id', 'farmer_name', 'farmer_phone', 'farmer_citizen_id'];

  it('never gives anonymous viewers or planners a farmer’s identity, owners or household addresses', async () => {
    for (const role of ['anonymous', 'planner'] as const) {
      const plots = await items(`/ogc/collections/plots/items?bbox=${BBOX}`, role);
      for (const f of plots.features) for (const key of personal) expect(f.properties).not.toHaveProperty(key);
      const parcels = await items(`/ogc/collections/parcels/items?bbox=${BBOX}`, role);
      expect(parcels.features[0]?.properties).not.toHaveProperty('owners');
      const products = await items(`/ogc/collections/products/items?bbox=${BBOX}`, role);
      const household = products.features.find((f) => f.id === fx.ids.productA);
      expect(household?.properties).not.toHaveProperty('farmer_name');
      expect(household?.properties.address).toBeNull();
      expect(products.features.find((f) => f.id === fx.ids.productB)?.properties.address).toBe('Đường 30/4');
      const raw = JSON.stringify([plots, parcels, products]);
      for (const secret of ['Nguyễn Văn Thử', '0912345678', '087123456789', 'Lê Văn Chủ', 'nhà số 12']) expect(raw).not.toContain(secret);
    }
  });

  it('shows a farmer their own plot’s personal data and nobody else’s', async () => {
    const plots = await items(`/ogc/collections/plots/items?bbox=${BBOX}`, 'farmer');
    expect(plots.features.find((f) => f.id === fx.ids.plotA)?.properties.farmer_name).toBe('Nguyễn Văn Thử');
    expect(plots.features.find((f) => f.id === fx.ids.plotB)?.properties.farmer_name).toBeNull();
  });

  it('shows officers personal data of their ward only, and logs what they saw', async () => {
    const before = await fx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM access_log WHERE user_id = $1', [fx.userIds.officer]);
    const plots = await items(`/ogc/collections/plots/items?bbox=${BBOX}`, 'officer');
    expect(plots.features.find((f) => f.id === fx.ids.plotA)?.properties.farmer_phone).toBe('0912345678');
    expect(plots.features.find((f) => f.id === fx.ids.plotB)?.properties.farmer_phone).toBeNull();
    const parcels = await items(`/ogc/collections/parcels/items?bbox=${BBOX}`, 'officer');
    expect(parcels.features[0]?.properties.owners).toEqual([
      { name: 'Lê Văn Chủ', citizen_id: '087111222333', address: null, share: null },
    ]);
    const { rows } = await fx.db.query<{ subject: string }>('SELECT subject FROM access_log WHERE user_id = $1 ORDER BY id OFFSET $2', [
      fx.userIds.officer,
      before.rows[0]?.n ?? 0,
    ]);
    expect(rows.map((r) => r.subject)).toEqual([`farmer:${fx.ids.farmerA}`, `parcel_owner:${fx.ids.parcelA}`]);
  });

  it('keeps personal queryables out of reach: filtering on them is refused where they are hidden', async () => {
    const probe = await fx.app.inject({
      url: `/ogc/collections/plots/items?filter=${encodeURIComponent("farmer_name LIKE 'Ng%'")}`,
      headers: fx.as('planner'),
    });
    expect(probe.statusCode).toBe(400);
    // An officer's filter on personal data sees only rows where it is visible to them.
    const officerB = await items(
      `/ogc/collections/plots/items?bbox=${BBOX}&filter=${encodeURIComponent("farmer_name LIKE 'Ng%'")}`,
      'officerB',
    );
    expect(officerB.numberMatched).toBe(0);
  });

  it('hides draft growing areas from the public and from other wards’ officers', async () => {
    const ids = async (role: Parameters<FeaturesFixture['as']>[0]) =>
      (
        await items(`/ogc/collections/growing_areas/items?filter=${encodeURIComponent("commune_code IN ('99901', '99902')")}`, role)
      ).features
        .map((f) => f.id)
        .sort();
    expect(await ids('anonymous')).toEqual([fx.ids.areaActiveB]);
    expect(await ids('officerB')).toEqual([fx.ids.areaActiveB]);
    expect(await ids('officer')).toEqual([fx.ids.areaDraftA, fx.ids.areaActiveB].sort());
    expect(await ids('farmer')).toEqual([fx.ids.areaDraftA, fx.ids.areaActiveB].sort());
    expect((await fx.app.inject({ url: `/ogc/collections/growing_areas/items/${fx.ids.areaDraftA}` })).statusCode).toBe(404);
  });

  it('does not say which draft area a plot is in to those who may not see the draft', async () => {
    const areaOf = async (role: Parameters<FeaturesFixture['as']>[0]) => {
      const response = await fx.app.inject({ url: `/ogc/collections/plots/items/${fx.ids.plotA}`, headers: fx.as(role) });
      expect(response.statusCode, response.body).toBe(200);
      return (response.json() as { properties: Record<string, unknown> }).properties.growing_area_id;
    };
    for (const role of ['anonymous', 'planner', 'officerB', 'farmerB'] as const) expect(await areaOf(role), role).toBeNull();
    for (const role of ['officer', 'farmer', 'admin'] as const) expect(await areaOf(role), role).toBe(fx.ids.areaDraftA);
    // Nor can it be found by filtering on it.
    const filtered = await items(`/ogc/collections/plots/items?filter=${encodeURIComponent(`growing_area_id = ${fx.ids.areaDraftA}`)}`);
    expect(filtered.numberMatched).toBe(0);
    const own = await items(
      `/ogc/collections/plots/items?filter=${encodeURIComponent(`growing_area_id = ${fx.ids.areaDraftA}`)}`,
      'officer',
    );
    expect(own.features.map((f) => f.id)).toEqual([fx.ids.plotA]);
  });
});
