// Values no real record has, through the registry API: a name with an emoji ("HTX 🙂") for a growing
// area, its registrant or technical officer, or a farmer; a spray, residue sample or inspection dated
// before 1900 (after today is refused since registry-farmers' test). Each is refused with 422 naming
// `field` and `reason`, and nothing is written; Vietnamese names with every diacritic stay welcome.
// The features API and the import have their own tests (ogc-dates-names, import-dates-names).
import { beforeAll, describe, expect, it } from 'vitest';
import { inspectionOfNewArea } from '../fixtures/registry.ts';
import { useRegistryApp } from '../helpers/registry-app.ts';

const reg = useRegistryApp();
let officer: Record<string, string>;

beforeAll(() => {
  officer = reg.as(reg.fx.users.officer);
});

const count = async (table: string) => (await reg.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;

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
      const res = await reg.app.inject({
        method: 'POST',
        url: '/api/growing-areas',
        headers: officer,
        payload: draftBody({ [field]: value }),
      });
      expect(res.statusCode, `${field}=${value}: ${res.body}`).toBe(422);
      expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', reason: 'name-pictograph', field });
    }
    // Emoji alone still has no letter, and is said so.
    const bare = await reg.app.inject({ method: 'POST', url: '/api/growing-areas', headers: officer, payload: draftBody({ name: '🙂' }) });
    expect(bare.json()).toMatchObject({ reason: 'name-no-letter', field: 'name' });
    expect(await count('growing_areas')).toBe(before);
  });

  it('keeps Vietnamese names with every diacritic and ordinary punctuation, and refuses a patch adding an emoji', async () => {
    const name = 'Vùng rau Ấp Mỹ Xương (tổ 3/5) - Đồng Tháp';
    const registrantName = "HTX Nông nghiệp Tân Thuận Đông & Cộng sự, O'Neil";
    const created = await reg.app.inject({
      method: 'POST',
      url: '/api/growing-areas',
      headers: officer,
      payload: draftBody({ name, registrantName, technicalOfficer: 'Nguyễn Thị Ánh Hồng' }),
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as number;
    const stored = async () =>
      (await reg.db.query<{ name: string; registrant_name: string }>('SELECT name, registrant_name FROM growing_areas WHERE id = $1', [id]))
        .rows[0];
    expect(await stored()).toEqual({ name, registrant_name: registrantName });
    const read = await reg.app.inject({ url: `/api/growing-areas/${id}`, headers: officer });
    const patch = await reg.app.inject({
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
    const res = await reg.app.inject({
      method: 'POST',
      url: '/api/farmers',
      headers: officer,
      payload: { communeCode: '29869', fullName: 'Lê Văn 🙂' },
    });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json()).toMatchObject({ reason: 'name-pictograph', field: 'fullName' });
    expect(await count('farmers')).toBe(before);
    const nameOf = async () =>
      (await reg.db.query<{ full_name: string }>('SELECT full_name FROM farmer_private WHERE farmer_id = $1', [reg.fx.farmers.nam]))
        .rows[0]!.full_name;
    const was = await nameOf();
    const patch = await reg.app.inject({
      method: 'PATCH',
      url: `/api/farmers/${reg.fx.farmers.nam}`,
      headers: {
        ...officer,
        'if-match': (await reg.app.inject({ url: `/api/farmers/${reg.fx.farmers.nam}`, headers: officer })).headers.etag as string,
      },
      payload: { fullName: 'Kha Văn Nam 👍🏽' },
    });
    expect(patch.statusCode, patch.body).toBe(422);
    expect(patch.json()).toMatchObject({ reason: 'name-pictograph', field: 'fullName' });
    expect(await nameOf()).toBe(was);
  });
});

describe('dates of things done before 1900', () => {
  it('refuses a spray, a residue sample or an inspection dated before 1900 (422 date-too-early, the field named); none written', async () => {
    const { areaId } = await inspectionOfNewArea(reg.app, reg.db, reg.fx, officer, 'Vùng rau năm cũ', 9_000);
    const total = async () =>
      (
        await reg.db.query<{ n: number }>(
          `SELECT (SELECT count(*) FROM diary_entries) + (SELECT count(*) FROM residue_tests) + (SELECT count(*) FROM inspections) AS n`,
        )
      ).rows[0]!.n;
    const before = await total();
    const plot = `/api/plots/${reg.fx.plots.mangoA}`;
    for (const [field, url, payload] of [
      ['appliedOn', `${plot}/diary`, { appliedOn: '1899-12-31', pesticide: 'Vertimec', activeIngredient: 'Abamectin', phiDays: 7 }],
      ['sampledOn', `${plot}/residue-tests`, { sampledOn: '0202-03-01', activeIngredient: 'Abamectin', resultMgKg: 0.001 }],
      ['inspectedOn', `/api/growing-areas/${areaId}/inspections`, { inspectedOn: '1026-02-05', checklist: [] }],
    ] as const) {
      const res = await reg.app.inject({ method: 'POST', url, headers: officer, payload });
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', reason: 'date-too-early', field, earliest: '1900-01-01' });
    }
    expect(await total()).toBe(before);
  });
});
