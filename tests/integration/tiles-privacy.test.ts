import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANONYMOUS, type Viewer } from '../../server/contracts/viewer.ts';
import type { Db } from '../../server/db/index.ts';
import { TileEngine, tileRange } from '../../tiles/index.ts';
import { decodeTile, openTileFixtureDb, tileAt, type DecodedFeature } from '../helpers/tile-fixtures.ts';

// Every personal value the fixture holds: farmer names, citizen ids, phones, owners, a household's address.
const PERSONAL_VALUES = [
  'Trần Thị Bí Mật',
  'Lê Văn Riêng Tư',
  '087123456789',
  '087987654321',
  '0912345678',
  '0987654321',
  '0277000000',
  'Số 9 Ấp Tân Hậu',
];
const PERSONAL_KEYS = ['full_name', 'owner_name', 'citizen_id', 'phone', 'registrant_contact', 'owner_address'];
const OFFICER: Viewer = { userId: 7, role: 'officer', communes: ['29869'], farmerId: null, via: 'bearer' };
const FARMER: Viewer = { userId: 8, role: 'farmer', communes: [], farmerId: 1, via: 'cookie' };
const ADMIN: Viewer = { userId: 1, role: 'admin', communes: [], farmerId: null, via: 'bearer' };

let db: Db;
let engine: TileEngine;

beforeAll(async () => {
  db = await openTileFixtureDb();
  engine = await TileEngine.open(db, db.capabilities, { cacheBytes: 64 << 20 });
});
afterAll(async () => db?.close());

function personal(features: DecodedFeature[]): string[] {
  const found: string[] = [];
  for (const f of features) {
    for (const [k, v] of Object.entries(f.properties)) {
      if (PERSONAL_KEYS.includes(k)) found.push(`#${f.id} key ${k}`);
      if (typeof v === 'string' && PERSONAL_VALUES.some((p) => v.includes(p) || v.startsWith('Nguyễn Văn Chủ')))
        found.push(`#${f.id} ${k}=${v}`);
    }
  }
  return found;
}

async function features(source: string, z: number, lon: number, lat: number, viewer: Viewer): Promise<DecodedFeature[]> {
  const t = tileAt(lon, lat, z);
  return decodeTile((await engine.tile([source], t, viewer)).bytes)[source] ?? [];
}

describe('privacy of tiles', () => {
  it('anonymous tiles of every source, at every zoom band over the fixture, carry no personal field', async () => {
    let checked = 0;
    for (const info of engine.list()) {
      const bounds = await engine.bounds(info.id);
      for (let z = info.minzoom; z <= info.maxzoom; z += 2) {
        const r = tileRange(bounds, z);
        // At high zooms the fixture spans many tiles: sample a diagonal of at most 6.
        const steps = Math.min(6, r.maxX - r.minX + 1);
        for (let k = 0; k < steps; k++) {
          const x = r.minX + Math.floor(((r.maxX - r.minX) * k) / Math.max(1, steps - 1));
          const y = r.minY + Math.floor(((r.maxY - r.minY) * k) / Math.max(1, steps - 1));
          const tile = decodeTile((await engine.tile([info.id], { z, x, y }, ANONYMOUS)).bytes);
          for (const [layer, fs] of Object.entries(tile)) {
            expect(personal(fs), `${layer} ${z}/${x}/${y}`).toEqual([]);
            checked += fs.length;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('no viewer, not even an administrator, gets names, ids or phones in a tile', async () => {
    for (const viewer of [ADMIN, OFFICER, FARMER]) {
      for (const source of ['products', 'growing_areas', 'plots']) {
        expect(personal(await features(source, 16, 105.6352, 10.4655, viewer)), `${source} ${viewer.role}`).toEqual([]);
      }
    }
  });

  it('plots: anonymous sees public attributes only; an officer sees details in their communes only', async () => {
    const anon = await features('plots', 12, 105.64, 10.472, ANONYMOUS);
    expect(anon.length).toBe(3);
    for (const f of anon) expect(Object.keys(f.properties).sort()).toEqual(expect.arrayContaining(['area_m2', 'crop']));
    for (const f of anon) expect(f.properties).not.toHaveProperty('farmer_id');
    expect(anon.find((f) => f.properties.code === 'VN-DTOR-0101')?.properties.status).toBe('active');

    const officer = await features('plots', 12, 105.64, 10.472, OFFICER);
    const mine = officer.filter((f) => f.properties.crop === 'mango');
    const other = officer.find((f) => f.properties.crop === 'rice');
    expect(mine.every((f) => typeof f.properties.farmer_id === 'number' && typeof f.properties.variety === 'string')).toBe(true);
    expect(other?.properties).not.toHaveProperty('variety');

    // The officer's tile was cached first: the anonymous tile must still be the public one.
    const anonAgain = await features('plots', 12, 105.64, 10.472, ANONYMOUS);
    expect(anonAgain.some((f) => 'farmer_id' in f.properties)).toBe(false);
  });

  it('a draft growing area is hidden from the public and other wards, shown to its ward officer and administrators', async () => {
    // Fixture area 2 is a draft in ward 29888 over the rice plot at 105.645–105.647, 10.480–10.4815.
    const ids = async (viewer: Viewer) => (await features('growing_areas', 14, 105.646, 10.481, viewer)).map((f) => f.id);
    const officerB: Viewer = { ...OFFICER, userId: 9, communes: ['29888'] };
    expect(await ids(ANONYMOUS)).not.toContain(2);
    expect(await ids(OFFICER)).not.toContain(2);
    expect(await ids(FARMER)).not.toContain(2);
    expect(await ids(officerB)).toContain(2);
    expect(await ids(ADMIN)).toContain(2);
    // The active area 1 stays public.
    expect((await features('growing_areas', 14, 105.635, 10.4655, ANONYMOUS)).map((f) => f.id)).toContain(1);
  });

  it('a plot in a draft area does not tell the public, other wards or other farmers which area, nor that it is a draft', async () => {
    // The rice plot (farmer 2, ward 29888) is in draft area 2; the mango plots are in active area 1.
    const rice = async (viewer: Viewer) =>
      (await features('plots', 15, 105.646, 10.481, viewer)).find((f) => f.properties.crop === 'rice')?.properties;
    const officerB: Viewer = { ...OFFICER, userId: 9, communes: ['29888'] };
    const farmer2: Viewer = { ...FARMER, userId: 10, farmerId: 2 };
    for (const viewer of [ANONYMOUS, OFFICER, FARMER]) {
      const p = await rice(viewer);
      expect(p, viewer.role).toBeDefined();
      expect(p, viewer.role).not.toHaveProperty('growing_area_id');
      expect(p, viewer.role).not.toHaveProperty('status');
    }
    for (const viewer of [officerB, farmer2, ADMIN]) {
      expect(await rice(viewer), `${viewer.role} ${viewer.communes.join()}`).toMatchObject({ growing_area_id: 2, status: 'draft' });
    }
    // A plot of an active area still says so to everyone.
    const mango = (await features('plots', 15, 105.6345, 10.4655, ANONYMOUS)).find((f) => f.properties.crop === 'mango');
    expect(mango?.properties).toMatchObject({ growing_area_id: 1, code: 'VN-DTOR-0101', status: 'active' });
  });

  it('a farmer sees the details of their own plots and no one else’s', async () => {
    const fs = await features('plots', 16, 105.6352, 10.4655, FARMER);
    const own = fs.filter((f) => f.properties.farmer_id === 1);
    expect(own.length).toBe(1);
    expect(own[0]!.properties.variety).toBe('Cát Chu');
    expect(fs.filter((f) => 'variety' in f.properties).length).toBe(1);
  });

  it('products show an organisation’s name but never a household’s', async () => {
    const fs = await features('products', 12, 105.64, 10.468, ANONYMOUS);
    const names = fs
      .map((f) => f.properties.producer_name)
      .filter(Boolean)
      .sort();
    expect(names).toEqual(['Công ty Sen Đồng Tháp', 'HTX Xoài Mỹ Xương']);
    expect(fs.find((f) => f.properties.producer_kind === 'household')?.properties).not.toHaveProperty('producer_name');
  });
});
