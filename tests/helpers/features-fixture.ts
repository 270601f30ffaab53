// A small, known world for the features and auth tests, added on top of the seeded test database:
// two wards of its own (far from the sample data, so overlaps and counts are ours to control), users
// of every role, farmers with personal data, and one feature per collection in each ward.

import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import type { Db } from '../../server/db/index.ts';
import { upsertUser } from '../../server/auth/users.ts';
import { openTestDb } from './test-db.ts';

/** Ward codes of the fixture (digits, like real codes; unused by the sample data). */
export const WARD_A = '99901';
export const WARD_B = '99902';
/** South-west corner of ward A; ward B lies 0.01° east. Each ward is 0.01° × 0.01° (about 1.1 km). */
export const ORIGIN: [number, number] = [106.9, 11.9];
export const PASSWORD = 'fixture-password-2026';

/** A square polygon of side d degrees at (x, y). */
export function square(x: number, y: number, d: number): { type: 'Polygon'; coordinates: number[][][] } {
  return {
    type: 'Polygon',
    coordinates: [
      [
        [x, y],
        [x + d, y],
        [x + d, y + d],
        [x, y + d],
        [x, y],
      ],
    ],
  };
}

export type Role = 'admin' | 'planner' | 'officer' | 'officerB' | 'farmer' | 'farmerB';

export type FeaturesFixture = {
  db: Db;
  app: FastifyInstance;
  /** Bearer tokens by role (officer works in ward A, officerB in ward B; farmer owns plot A). */
  tokens: Record<Role, string>;
  userIds: Record<Role, number>;
  ids: {
    farmerA: number;
    farmerB: number;
    plotA: number;
    plotB: number;
    productA: number;
    productB: number;
    areaDraftA: number;
    areaActiveB: number;
    parcelA: number;
    zoneA: number;
    planId: number;
    landuseA: number;
    wardA: number;
  };
  /** Headers for a bearer-authenticated request as this role. */
  as(role: Role | 'anonymous', extra?: Record<string, string>): Record<string, string>;
  close(): Promise<void>;
};

async function one<T = number>(db: Db, sql: string, params: unknown[] = []): Promise<T> {
  const { rows } = await db.query<{ id: T }>(sql, params);
  return rows[0]?.id as T;
}

const ward = (x: number) => JSON.stringify({ type: 'MultiPolygon', coordinates: [square(x, ORIGIN[1], 0.01).coordinates] });

/** Opens a test database with the fixture and an app on it (no port; use app.inject). */
export async function openFeaturesFixture(): Promise<FeaturesFixture> {
  const db = await openTestDb();
  const [x, y] = ORIGIN;
  const geo = (g: unknown) => JSON.stringify(g);
  const wardA = await one(
    db,
    `INSERT INTO admin_units (code, name, level, valid_from, geom) VALUES ($1, 'Phường Thử Nghiệm A', 'ward', '2025-07-01', ST_SetSRID(ST_GeomFromGeoJSON($2), 4326)) RETURNING id`,
    [WARD_A, ward(x)],
  );
  await db.query(
    `INSERT INTO admin_units (code, name, level, valid_from, geom) VALUES ($1, 'Phường Thử Nghiệm B', 'ward', '2025-07-01', ST_SetSRID(ST_GeomFromGeoJSON($2), 4326))`,
    [WARD_B, ward(x + 0.01)],
  );
  const farmerA = await one(db, `INSERT INTO farmers (lookup_code, commune_code, hamlet) VALUES ('FX-A', $1, 'Ấp Tân Hậu') RETURNING id`, [
    WARD_A,
  ]);
  const farmerB = await one(db, `INSERT INTO farmers (lookup_code, commune_code, hamlet) VALUES ('FX-B', $1, 'Ấp Hòa Hưng') RETURNING id`, [
    WARD_B,
  ]);
  await db.query(
    `INSERT INTO farmer_private (farmer_id, full_name, citizen_id, phone, address) VALUES
       ($1, 'Nguyễn Văn Thử', '087123456789', '0912345678', 'Ấp Tân Hậu'), ($2, 'Trần Thị Mẫu', '087987654321', '0987654321', 'Ấp Hòa Hưng')`,
    [farmerA, farmerB],
  );
  const plotA = await one(
    db,
    `INSERT INTO plots (farmer_id, commune_code, crop, variety, planting_date, geom) VALUES ($1, $2, 'mango', 'Cát Chu', '2020-03-01', ST_SetSRID(ST_GeomFromGeoJSON($3), 4326)) RETURNING id`,
    [farmerA, WARD_A, geo(square(x + 0.001, y + 0.001, 0.001))],
  );
  const plotB = await one(
    db,
    `INSERT INTO plots (farmer_id, commune_code, crop, geom) VALUES ($1, $2, 'rice', ST_SetSRID(ST_GeomFromGeoJSON($3), 4326)) RETURNING id`,
    [farmerB, WARD_B, geo(square(x + 0.011, y + 0.001, 0.001))],
  );
  const productA = await one(
    db,
    `INSERT INTO products (producer_kind, farmer_id, product, category, address, commune_code, geom) VALUES ('household', $1, 'Xoài Cát Chu', 'fruit', 'Ấp Tân Hậu, nhà số 12', $2, ST_SetSRID(ST_MakePoint($3, $4), 4326)) RETURNING id`,
    [farmerA, WARD_A, x + 0.005, y + 0.005],
  );
  const productB = await one(
    db,
    `INSERT INTO products (producer_kind, producer_name, product, category, address, commune_code, geom) VALUES ('cooperative', 'HTX Thử Nghiệm', 'Sen', 'flower', 'Đường 30/4', $1, ST_SetSRID(ST_MakePoint($2, $3), 4326)) RETURNING id`,
    [WARD_B, x + 0.015, y + 0.005],
  );
  const areaDraftA = await one(
    db,
    `INSERT INTO growing_areas (lineage_id, scheme, name, crop, status, registrant_kind, registrant_name, registrant_contact, commune_code)
     VALUES (-1, 'domestic-3156', 'Vùng xoài nháp', 'mango', 'draft', 'person', 'Nguyễn Văn Thử', '0912345678', $1) RETURNING id`,
    [WARD_A],
  );
  const areaActiveB = await one(
    db,
    `INSERT INTO growing_areas (lineage_id, code, scheme, name, crop, status, registrant_kind, registrant_name, registrant_contact, commune_code)
     VALUES (-2, 'VN-FX-0001', 'export-puc', 'Vùng sen HTX', 'lotus', 'active', 'cooperative', 'HTX Thử Nghiệm', 'htx@example.vn', $1) RETURNING id`,
    [WARD_B],
  );
  await db.query('UPDATE growing_areas SET lineage_id = id WHERE id IN ($1, $2)', [areaDraftA, areaActiveB]);
  await db.query('UPDATE plots SET growing_area_id = $1 WHERE id = $2', [areaDraftA, plotA]);
  const parcelA = await one(
    db,
    `INSERT INTO parcels (commune_code, commune_ref_date, sheet, parcel_no, land_use_code, legal_area_m2, address, geom)
     VALUES ($1, '2025-07-01', 1, 1, 'LUC', 1200.5, 'Ấp Tân Hậu', ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($2), 4326))) RETURNING id`,
    [WARD_A, geo(square(x + 0.004, y + 0.004, 0.0005))],
  );
  await db.query(`INSERT INTO parcel_owners (parcel_id, owner_name, citizen_id) VALUES ($1, 'Lê Văn Chủ', '087111222333')`, [parcelA]);
  const planId = await one(
    db,
    `INSERT INTO planning_plans (name, scale, decision_no, decision_date, authority, admin_code) VALUES ('Quy hoạch thử', '1/2000', '123/QĐ-UBND', '2024-05-01', 'UBND tỉnh Đồng Tháp', $1) RETURNING id`,
    [WARD_A],
  );
  const zoneA = await one(
    db,
    `INSERT INTO zoning_lots (plan_id, lot_code, function, land_use_code, max_density_pct, max_far, max_floors, geom)
     VALUES ($1, 'FX-ODT-01', 'Đất ở đô thị', 'ODT', 60, 3.5, 5, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($2), 4326))) RETURNING id`,
    [planId, geo(square(x + 0.006, y + 0.006, 0.001))],
  );
  const mapId = await one(
    db,
    `INSERT INTO landuse_maps (kind, name, year, admin_code) VALUES ('status', 'Hiện trạng thử', 2024, $1) RETURNING id`,
    [WARD_A],
  );
  const landuseA = await one(
    db,
    `INSERT INTO landuse_areas (map_id, land_use_code, geom) VALUES ($1, 'CLN', ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($2), 4326))) RETURNING id`,
    [mapId, geo(square(x + 0.002, y + 0.006, 0.001))],
  );

  const userIds = {
    admin: await upsertUser(db, { username: 'fx-admin', password: PASSWORD, role: 'admin', displayName: 'Quản trị thử' }),
    planner: await upsertUser(db, { username: 'fx-planner', password: PASSWORD, role: 'planner', displayName: 'Quy hoạch thử' }),
    officer: await upsertUser(db, {
      username: 'fx-officer',
      password: PASSWORD,
      role: 'officer',
      displayName: 'Cán bộ A',
      communes: [WARD_A],
    }),
    officerB: await upsertUser(db, {
      username: 'fx-officer-b',
      password: PASSWORD,
      role: 'officer',
      displayName: 'Cán bộ B',
      communes: [WARD_B],
    }),
    farmer: await upsertUser(db, {
      username: 'fx-farmer',
      password: PASSWORD,
      role: 'farmer',
      displayName: 'Nông dân A',
      farmerId: farmerA,
    }),
    farmerB: await upsertUser(db, {
      username: 'fx-farmer-b',
      password: PASSWORD,
      role: 'farmer',
      displayName: 'Nông dân B',
      farmerId: farmerB,
    }),
  } satisfies Record<Role, number>;

  const config = loadConfig({ LOG_LEVEL: 'silent' }, process.cwd());
  const app = await buildApp({ config, db, ready: { value: true } }, { logger: false });
  const tokens = {} as Record<Role, string>;
  const usernames: Record<Role, string> = {
    admin: 'fx-admin',
    planner: 'fx-planner',
    officer: 'fx-officer',
    officerB: 'fx-officer-b',
    farmer: 'fx-farmer',
    farmerB: 'fx-farmer-b',
  };
  for (const [role, username] of Object.entries(usernames) as [Role, string][]) {
    const response = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username, password: PASSWORD },
      remoteAddress: `10.9.0.${Object.keys(tokens).length + 1}`,
    });
    if (response.statusCode !== 200) throw new Error(`fixture login of ${username} failed: ${response.statusCode} ${response.body}`);
    tokens[role] = (response.json() as { token: string }).token;
  }
  return {
    db,
    app,
    tokens,
    userIds,
    ids: { farmerA, farmerB, plotA, plotB, productA, productB, areaDraftA, areaActiveB, parcelA, zoneA, planId, landuseA, wardA },
    as(role, extra = {}) {
      return role === 'anonymous' ? { ...extra } : { authorization: `Bearer ${tokens[role]}`, ...extra };
    },
    async close() {
      await app.close();
      await db.close();
    },
  };
}
