// Role × collection × method: every cell of the items API, with the status each role must get and
// what personal data each may see. The expectations are written here from the rules of the issue
// (not read from the server's policy module), so the test checks the policy rather than repeats it.

import { describe, expect, it } from 'vitest';
import { ORIGIN, WARD_A, openFeaturesFixture, square } from '../helpers/features-fixture.ts';
import { openForFile } from '../helpers/for-file.ts';
import { decodeTile, tileAt } from '../helpers/tile-fixtures.ts';

const fx = openForFile(openFeaturesFixture);
type Role = 'anonymous' | 'farmer' | 'planner' | 'officer' | 'officerB' | 'admin';
const ROLES: Role[] = ['anonymous', 'farmer', 'planner', 'officer', 'officerB', 'admin'];
const COLLECTIONS = ['parcels', 'landuse', 'zones', 'products', 'growing_areas', 'plots', 'admin'] as const;
type Collection = (typeof COLLECTIONS)[number];
const METHODS = ['GET items', 'GET item', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

// Who may write (officer = of the feature's ward: "officer" works in ward A, where every target lies).
const WRITERS: Record<Collection, Role[]> = {
  parcels: ['admin'],
  landuse: [],
  zones: ['planner', 'admin'],
  products: ['officer', 'admin'],
  growing_areas: ['officer', 'admin'],
  plots: ['officer', 'admin'],
  admin: [],
};
// The ward-A target of growing_areas is a draft: visible to its ward's officer, admins and the farmer with a plot in it.
const HIDDEN_TARGET: Partial<Record<Collection, Role[]>> = { growing_areas: ['anonymous', 'planner', 'officerB'] };

const NAME = 'Nguyễn Văn Thử';
const PHONE = '0912345678';
const CITIZEN = '087123456789';
const OWNER = 'Lê Văn Chủ';
const HOUSE = 'nhà số 12';
// Ward A's personal data each role may see in each collection.
const MAY_SEE: Record<Collection, Partial<Record<Role, string[]>>> = {
  parcels: { officer: [OWNER], admin: [OWNER] },
  landuse: {},
  zones: {},
  products: { officer: [NAME, PHONE, HOUSE], admin: [NAME, PHONE, HOUSE], farmer: [NAME, PHONE, HOUSE] },
  growing_areas: { officer: [NAME, PHONE], admin: [NAME, PHONE] },
  plots: { officer: [NAME, PHONE, CITIZEN], admin: [NAME, PHONE, CITIZEN], farmer: [NAME, PHONE, CITIZEN] },
  admin: {},
};
const SECRETS = [NAME, PHONE, CITIZEN, OWNER, HOUSE];

const [X, Y] = ORIGIN;
let slot = 0;
function newFeature(collection: Collection): Record<string, unknown> {
  const i = slot++;
  const at = [X + 0.0001 + (i % 40) * 0.00022, Y + 0.0091 + Math.floor(i / 40) * 0.00022] as const;
  const polygon = square(at[0], at[1], 0.0002);
  switch (collection) {
    case 'parcels':
      return {
        type: 'Feature',
        geometry: polygon,
        properties: { commune_code: WARD_A, commune_ref_date: '2025-07-01', sheet: 900, parcel_no: i + 1, land_use_code: 'LUC' },
      };
    case 'zones':
      return { type: 'Feature', geometry: polygon, properties: { plan_id: fx.ids.planId, lot_code: `M-${i}`, function: 'Đất ở đô thị' } };
    case 'products':
      return {
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [at[0], at[1]] },
        properties: { producer_kind: 'cooperative', producer_name: 'HTX Ma Trận', product: 'Xoài', category: 'fruit' },
      };
    case 'growing_areas':
      return {
        type: 'Feature',
        geometry: null,
        properties: { scheme: 'domestic-3156', name: `Vùng ${i}`, crop: 'mango', registrant_name: 'HTX Ma Trận', commune_code: WARD_A },
      };
    default:
      return { type: 'Feature', geometry: polygon, properties: { crop: 'rice' } };
  }
}

const PATCHES: Record<Collection, Record<string, unknown>> = {
  parcels: { address: 'Ấp Ma Trận' },
  landuse: { land_use_code: 'LUC' },
  zones: { function: 'Đất hỗn hợp' },
  products: { season: 'Hè Thu' },
  growing_areas: { households: 3 },
  plots: { variety: 'Ma Trận' },
  admin: { name: 'x' },
};

function target(collection: Collection): number {
  const ids = fx.ids;
  return {
    parcels: ids.parcelA,
    landuse: ids.landuseA,
    zones: ids.zoneA,
    products: ids.productA,
    growing_areas: ids.areaDraftA,
    plots: ids.plotA,
    admin: ids.wardA,
  }[collection];
}

async function etagFor(collection: Collection, id: number): Promise<string> {
  const response = await fx.app.inject({ url: `/ogc/collections/${collection}/items/${id}`, headers: fx.as('admin') });
  return (response.headers.etag as string | undefined) ?? '"none"';
}

async function created(collection: Collection): Promise<number> {
  const response = await fx.app.inject({
    method: 'POST',
    url: `/ogc/collections/${collection}/items`,
    headers: fx.as('admin', { 'content-type': 'application/geo+json' }),
    payload: newFeature(collection),
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().id as number;
}

function expectedWrite(collection: Collection, role: Role, method: 'POST' | 'PUT' | 'PATCH' | 'DELETE'): number {
  if (WRITERS[collection].length === 0) return 405;
  if (role === 'anonymous') return 401;
  if (role === 'officerB') {
    if (!WRITERS[collection].includes('officer')) return 403;
    if (method === 'POST') return 422; // a ward-A feature is outside officer B's ward
    return HIDDEN_TARGET[collection]?.includes(role) ? 404 : 403;
  }
  if (!WRITERS[collection].includes(role)) return 403;
  return { POST: 201, PUT: 200, PATCH: 200, DELETE: 204 }[method];
}

const BBOX = `${X},${Y},${X + 0.02},${Y + 0.01}`;

describe.each(COLLECTIONS)('%s', (collection) => {
  describe.each(METHODS)('%s', (method) => {
    it.each(ROLES)('as %s', async (role) => {
      const base = `/ogc/collections/${collection}/items`;
      const writer = WRITERS[collection].includes(role) || (role === 'officerB' && WRITERS[collection].includes('officer'));
      switch (method) {
        case 'GET items': {
          const response = await fx.app.inject({ url: `${base}?bbox=${BBOX}&limit=1000`, headers: fx.as(role) });
          expect(response.statusCode).toBe(200);
          const allowed = MAY_SEE[collection][role] ?? [];
          for (const secret of SECRETS) {
            if (allowed.includes(secret)) expect(response.body, secret).toContain(secret);
            else expect(response.body, secret).not.toContain(secret);
          }
          return;
        }
        case 'GET item': {
          const response = await fx.app.inject({ url: `${base}/${target(collection)}`, headers: fx.as(role) });
          const hidden = HIDDEN_TARGET[collection]?.includes(role);
          expect(response.statusCode).toBe(hidden ? 404 : 200);
          if (!hidden) expect(response.headers.etag).toMatch(/^"\d+-\d+(\.[A-Za-z0-9_-]{8})?"$/);
          for (const secret of SECRETS)
            if (!(MAY_SEE[collection][role] ?? []).includes(secret)) expect(response.body).not.toContain(secret);
          return;
        }
        case 'OPTIONS': {
          const items = await fx.app.inject({ method: 'OPTIONS', url: base, headers: fx.as(role) });
          const item = await fx.app.inject({ method: 'OPTIONS', url: `${base}/${target(collection)}`, headers: fx.as(role) });
          expect(items.statusCode).toBe(204);
          expect(items.headers.allow).toBe(writer ? 'GET, HEAD, OPTIONS, POST' : 'GET, HEAD, OPTIONS');
          expect(item.headers.allow).toBe(writer ? 'GET, HEAD, OPTIONS, PUT, PATCH, DELETE' : 'GET, HEAD, OPTIONS');
          return;
        }
        case 'POST': {
          const response = await fx.app.inject({
            method: 'POST',
            url: base,
            headers: fx.as(role, { 'content-type': 'application/geo+json' }),
            payload: newFeature(collection),
          });
          expect(response.statusCode, response.body).toBe(expectedWrite(collection, role, 'POST'));
          return;
        }
        case 'PUT':
        case 'PATCH': {
          const id = target(collection);
          const etag = await etagFor(collection, id);
          const current = (await fx.app.inject({ url: `${base}/${id}`, headers: fx.as('admin') })).json();
          const response =
            method === 'PUT'
              ? await fx.app.inject({
                  method,
                  url: `${base}/${id}`,
                  headers: fx.as(role, { 'content-type': 'application/geo+json', 'if-match': etag }),
                  payload: current,
                })
              : await fx.app.inject({
                  method,
                  url: `${base}/${id}`,
                  headers: fx.as(role, { 'content-type': 'application/merge-patch+json', 'if-match': etag }),
                  payload: { properties: PATCHES[collection] },
                });
          expect(response.statusCode, response.body).toBe(expectedWrite(collection, role, method));
          return;
        }
        case 'DELETE': {
          const expected = expectedWrite(collection, role, 'DELETE');
          const id = expected === 204 ? await created(collection) : target(collection);
          const response = await fx.app.inject({
            method: 'DELETE',
            url: `${base}/${id}`,
            headers: fx.as(role, { 'if-match': await etagFor(collection, id) }),
          });
          expect(response.statusCode, response.body).toBe(expected);
          if (expected === 204) expect((await fx.app.inject({ url: `${base}/${id}`, headers: fx.as('admin') })).statusCode).toBe(404);
          return;
        }
      }
    });
  });
});

// Tiles: the same roles over every tile source at the fixture. Tiles never carry names, phones,
// citizen IDs, owners or household addresses for anyone (their disclosure must be logged, which a
// tile cannot be); the farmer link is restricted to the ward's officer, admins and the farmer.
const TILE_SOURCES = ['parcels', 'landuse', 'zones', 'products', 'growing_areas', 'plots', 'admin'] as const;
const SEES_FARMER_LINK: Role[] = ['officer', 'admin', 'farmer'];
// The fixture's growing area is a draft: in tiles only its ward's officer and admins see it (a tile
// has no per-farmer rule for areas, so the farmer with a plot in it sees it through /ogc only).
const TILE_HIDDEN: Partial<Record<(typeof TILE_SOURCES)[number], Role[]>> = {
  growing_areas: ['anonymous', 'planner', 'officerB', 'farmer'],
};

describe.each(TILE_SOURCES)('tiles %s', (source) => {
  it.each(ROLES)('GET as %s', async (role) => {
    const z = 15;
    const corners = [
      tileAt(X + 0.0001, Y + 0.0001, z),
      tileAt(X + 0.0199, Y + 0.0099, z),
      tileAt(X + 0.0001, Y + 0.0099, z),
      tileAt(X + 0.0199, Y + 0.0001, z),
    ];
    const seen = new Set<string>();
    let features = 0;
    for (const t of corners) {
      const key = `${t.z}/${t.x}/${t.y}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const response = await fx.app.inject({ url: `/tiles/${source}/${key}`, headers: fx.as(role) });
      expect([200, 204], `${source} ${key}`).toContain(response.statusCode);
      if (response.statusCode === 204) continue;
      const raw = response.rawPayload.toString('latin1') + response.rawPayload.toString('utf8');
      for (const secret of SECRETS) expect(raw, secret).not.toContain(secret);
      for (const layer of Object.values(decodeTile(new Uint8Array(response.rawPayload)))) {
        for (const f of layer) {
          features++;
          for (const key of [
            'farmer_name',
            'farmer_phone',
            'farmer_citizen_id',
            'owners',
            'owner_name',
            'citizen_id',
            'registrant_contact',
          ]) {
            expect(f.properties, key).not.toHaveProperty(key);
          }
          const wardA = (source === 'plots' && f.id === fx.ids.plotA) || (source === 'products' && f.id === fx.ids.productA);
          if (wardA) expect('farmer_id' in f.properties, `farmer_id for ${role}`).toBe(SEES_FARMER_LINK.includes(role));
        }
      }
    }
    if (TILE_HIDDEN[source]?.includes(role)) expect(features, 'a draft is not in their tiles').toBe(0);
    else expect(features, 'the fixture shows in the tiles').toBeGreaterThan(0);
  });

  it('cannot be written by anyone (tiles are read-only)', async () => {
    for (const role of ROLES) {
      const response = await fx.app.inject({
        method: 'POST',
        url: `/tiles/${source}/15/0/0`,
        headers: fx.as(role, { 'content-type': 'application/json' }),
        payload: '{}',
      });
      expect([404, 405], role).toContain(response.statusCode);
    }
  });
});
