// Values no real record has, through the registry API: a name with an emoji ("HTX 🙂") for a growing
// area, its registrant or technical officer, or a farmer; a spray, residue sample or inspection dated
// before 1900 (after today is refused since registry-farmers' test). Each is refused with 422 naming
// `field` and `reason`, and nothing is written; Vietnamese names with every diacritic stay welcome.
// The features API and the import have their own tests (ogc-dates-names, import-dates-names).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/index.ts';
import { inspectionOfNewArea, loadRegistryFixture, registryTestApp, signInAll, type Fixture } from '../fixtures/registry.ts';
import { openTestDb } from '../helpers/test-db.ts';

let db: Db;
let app: FastifyInstance;
let fx: Fixture;
let uploadDir: string;
let officer: Record<string, string>;

beforeAll(async () => {
  db = await openTestDb();
  fx = await loadRegistryFixture(db);
  uploadDir = await fs.mkdtemp(path.join(os.tmpdir(), 'reg-dates-names-'));
  app = await registryTestApp(db, uploadDir);
  const as = await signInAll(app, fx);
  officer = as(fx.users.officer);
});

afterAll(async () => {
  await app?.close();
  await db?.close();
  if (uploadDir) await fs.rm(uploadDir, { recursive: true, force: true });
});

const count = async (table: string) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;

describe('names with an emoji', () => {
  const draftBody = (over: Record<string, unknown> = {}) => ({
    name: 'Vùng rau Mỹ Trà',
    scheme: 'domestic-3156',
    crop: 'vegetable',
    communeCode: '29869',
    registrantName: 'HTX Rau Mỹ Trà',
    ...over,
  });

  it('refuses a growing area whose name, registrant or technical officer carries a pictograph, naming the field; no area written', async () => {
    const before = await count('growing_areas');
    for (const [field, value] of [
      ['name', 'HTX 🙂'],
      ['name', 'Vùng xoài 🥭 Tân Thuận'],
      ['registrantName', 'HTX ❤️ Mỹ Xương'],
      ['registrantName', 'Hợp tác xã 🇻🇳'],
      ['technicalOfficer', 'Lê Văn ☀'],
    ] as const) {
      const res = await app.inject({ method: 'POST', url: '/api/growing-areas', headers: officer, payload: draftBody({ [field]: value }) });
      expect(res.statusCode, `${field}=${value}: ${res.body}`).toBe(422);
      expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', reason: 'name-pictograph', field });
    }
    // Emoji alone still has no letter, and is said so.
    const bare = await app.inject({ method: 'POST', url: '/api/growing-areas', headers: officer, payload: draftBody({ name: '🙂' }) });
    expect(bare.json()).toMatchObject({ reason: 'name-no-letter', field: 'name' });
    expect(await count('growing_areas')).toBe(before);
  });

  it('keeps Vietnamese names with every diacritic and ordinary punctuation, and refuses a patch adding an emoji', async () => {
    const name = 'Vùng rau Ấp Mỹ Xương (tổ 3/5) - Đồng Tháp';
    const registrantName = "HTX Nông nghiệp Tân Thuận Đông & Cộng sự, O'Neil";
    const created = await app.inject({
      method: 'POST',
      url: '/api/growing-areas',
      headers: officer,
      payload: draftBody({ name, registrantName, technicalOfficer: 'Nguyễn Thị Ánh Hồng' }),
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as number;
    const stored = async () =>
      (await db.query<{ name: string; registrant_name: string }>('SELECT name, registrant_name FROM growing_areas WHERE id = $1', [id]))
        .rows[0];
    expect(await stored()).toEqual({ name, registrant_name: registrantName });
    const read = await app.inject({ url: `/api/growing-areas/${id}`, headers: officer });
    const patch = await app.inject({
      method: 'PATCH',
      url: `/api/growing-areas/${id}`,
      headers: { ...officer, 'if-match': read.headers.etag as string },
      payload: { name: 'Vùng rau 🥬' },
    });
    expect(patch.statusCode, patch.body).toBe(422);
    expect(patch.json()).toMatchObject({ reason: 'name-pictograph', field: 'name' });
    expect(await stored()).toEqual({ name, registrant_name: registrantName });
  });

  it('refuses a farmer named with an emoji, created or patched; nothing written', async () => {
    const before = await count('farmers');
    const res = await app.inject({
      method: 'POST',
      url: '/api/farmers',
      headers: officer,
      payload: { communeCode: '29869', fullName: 'Lê Văn 🙂' },
    });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json()).toMatchObject({ reason: 'name-pictograph', field: 'fullName' });
    expect(await count('farmers')).toBe(before);
    const nameOf = async () =>
      (await db.query<{ full_name: string }>('SELECT full_name FROM farmer_private WHERE farmer_id = $1', [fx.farmers.nam])).rows[0]!
        .full_name;
    const was = await nameOf();
    const patch = await app.inject({
      method: 'PATCH',
      url: `/api/farmers/${fx.farmers.nam}`,
      headers: officer,
      payload: { fullName: 'Kha Văn Nam 👍🏽' },
    });
    expect(patch.statusCode, patch.body).toBe(422);
    expect(patch.json()).toMatchObject({ reason: 'name-pictograph', field: 'fullName' });
    expect(await nameOf()).toBe(was);
  });
});

describe('dates of things done before 1900', () => {
  it('refuses a spray, a residue sample or an inspection dated before 1900 (422 date-too-early, the field named); none written', async () => {
    const { areaId } = await inspectionOfNewArea(app, db, fx, officer, 'Vùng rau năm cũ', 9_000);
    const total = async () =>
      (
        await db.query<{ n: number }>(
          `SELECT (SELECT count(*) FROM diary_entries) + (SELECT count(*) FROM residue_tests) + (SELECT count(*) FROM inspections) AS n`,
        )
      ).rows[0]!.n;
    const before = await total();
    const plot = `/api/plots/${fx.plots.mangoA}`;
    for (const [field, url, payload] of [
      ['appliedOn', `${plot}/diary`, { appliedOn: '1899-12-31', pesticide: 'Vertimec', activeIngredient: 'Abamectin', phiDays: 7 }],
      ['sampledOn', `${plot}/residue-tests`, { sampledOn: '0202-03-01', activeIngredient: 'Abamectin', resultMgKg: 0.001 }],
      ['inspectedOn', `/api/growing-areas/${areaId}/inspections`, { inspectedOn: '1026-02-05', checklist: [] }],
    ] as const) {
      const res = await app.inject({ method: 'POST', url, headers: officer, payload });
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', reason: 'date-too-early', field, earliest: '1900-01-01' });
    }
    expect(await total()).toBe(before);
  });
});
