import { describe, expect, it } from 'vitest';
import { ORIGIN, WARD_A, openFeaturesFixture, square } from '../helpers/features-fixture.ts';
import { openForFile } from '../helpers/for-file.ts';
import { insertGrowingArea } from '../helpers/growing-area-row.ts';
import { patchItem } from '../helpers/officer-writes.ts';

// A revoked code is final for its growing area, not for its plots: the farmers apply again with a
// new dossier, and the new draft takes the plots (registry create, registry "add plots", the features
// API's write of growing_area_id). The revoked area keeps what it was: the plots it had when revoked,
// its shape and area, on its card, in its history and in the table the tiles draw (migration 017).
// A plot of an area under review or in force still cannot be taken.

const fx = openForFile(openFeaturesFixture);
const [X, Y] = ORIGIN;
const ITEMS = '/ogc/collections/plots/items';

let lineage = -7000;
function area(status: string, crop = 'mango'): Promise<number> {
  lineage -= 1;
  const code = status === 'draft' || status === 'submitted' ? null : `VN-RV-${-lineage}`;
  return insertGrowingArea(fx.db, { lineage, code, name: `Vùng ${crop} ${status}`, crop, status, commune: WARD_A });
}

/** Squares of 0.0004° (about 1,900 m²) in rows across the middle of ward A, clear of the fixture's plots: none overlap. */
let slot = 0;
async function plot(areaId: number | null, crop = 'mango'): Promise<number> {
  slot += 1;
  const geometry = square(X + 0.0005 * (slot % 18), Y + 0.004 + 0.0005 * Math.floor(slot / 18), 0.0004);
  const { rows } = await fx.db.query<{ id: number }>(
    `INSERT INTO plots (farmer_id, commune_code, crop, growing_area_id, geom) VALUES ($1, $2, $3, $4, ST_SetSRID(ST_GeomFromGeoJSON($5), 4326)) RETURNING id`,
    [fx.ids.farmerA, WARD_A, crop, areaId, JSON.stringify(geometry)],
  );
  return rows[0]!.id;
}

const officer = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) =>
  fx.app.inject({ method, url, headers: fx.as('officer'), ...(payload === undefined ? {} : { payload: payload as object }) });

/** An active area with `n` plots, revoked through the registry (decision 45/QĐ-SNN). */
async function revokedArea(n: number): Promise<{ id: number; plots: number[] }> {
  const id = await area('active');
  const plots: number[] = [];
  for (let i = 0; i < n; i++) plots.push(await plot(id));
  const revoked = await officer('POST', `/api/growing-areas/${id}/transitions`, {
    to: 'revoked',
    decisionNo: '45/QĐ-SNN',
    note: 'Vi phạm quy trình',
  });
  expect(revoked.statusCode, revoked.body).toBe(201);
  return { id, plots };
}

type AreaFacts = { status: string; area_m2: number; geom: string | null; plots: number[] };
/** The area row as the tiles and the card read it, and which plots name it now. */
async function facts(id: number): Promise<AreaFacts> {
  const { rows } = await fx.db.query<{ status: string; area_m2: number; geom: string | null }>(
    'SELECT status, area_m2, ST_AsText(geom) AS geom FROM growing_areas WHERE id = $1',
    [id],
  );
  const members = await fx.db.query<{ id: number }>('SELECT id FROM plots WHERE growing_area_id = $1 ORDER BY id', [id]);
  return { ...rows[0]!, plots: members.rows.map((r) => Number(r.id)) };
}

const newDraft = (plotIds: unknown) =>
  officer('POST', '/api/growing-areas', {
    name: 'Vùng xoài hồ sơ mới',
    crop: 'mango',
    scheme: 'domestic-3156',
    registrantName: 'HTX Tân Thuận',
    communeCode: WARD_A,
    plotIds,
  });

/** The revoked area's card (registry) must still say what it was when revoked. */
async function expectCardKept(id: number, plots: number[], before: AreaFacts): Promise<void> {
  const card = await officer('GET', `/api/growing-areas/${id}`);
  expect(card.statusCode, card.body).toBe(200);
  const body = card.json<{ status: string; plot_count: number; area_m2: number; geometry: unknown; plots: { id: number }[] }>();
  expect(body.status).toBe('revoked');
  expect(Number(body.plot_count)).toBe(plots.length);
  expect(body.plots.map((p) => Number(p.id))).toEqual(plots);
  expect(Number(body.area_m2)).toBeCloseTo(before.area_m2, 0);
  expect(body.geometry).not.toBeNull();
  const after = await facts(id);
  expect(after.geom).toBe(before.geom);
  expect(after.area_m2).toBe(before.area_m2);
}

describe('a revoked area’s plots join a new dossier', () => {
  it('through the registry’s create: the new draft holds them, the revoked area keeps its plot list, shape and area', async () => {
    const revoked = await revokedArea(2);
    const before = await facts(revoked.id);
    expect(before.geom).not.toBeNull();
    expect(before.area_m2).toBeGreaterThan(3000);

    const created = await newDraft(revoked.plots);
    expect(created.statusCode, created.body).toBe(201);
    const draft = created.json<{ id: number; status: string; plot_count: number; area_m2: number }>();
    expect(draft.status).toBe('draft');
    expect(Number(draft.plot_count)).toBe(2);
    expect(Number(draft.area_m2)).toBeCloseTo(before.area_m2, 0);
    expect((await facts(draft.id)).plots).toEqual(revoked.plots);
    expect((await facts(revoked.id)).plots).toEqual([]);
    await expectCardKept(revoked.id, revoked.plots, before);

    // Its history lists the version with the plots and area it had; the plots' cards name the new area.
    const history = await officer('GET', `/api/growing-areas/${revoked.id}/history`);
    const version = history.json<{ versions: { id: number; plot_count: number; area_m2: number }[] }>().versions[0]!;
    expect(Number(version.plot_count)).toBe(2);
    expect(Number(version.area_m2)).toBeCloseTo(before.area_m2, 0);
    const item = await fx.app.inject({ method: 'GET', url: `${ITEMS}/${revoked.plots[0]}`, headers: fx.as('officer') });
    expect(item.json().properties.growing_area_id).toBe(draft.id);
    expect(item.json().properties.status_decision_no).toBeNull();
    const mine = await fx.app.inject({ method: 'GET', url: '/api/me/plots', headers: fx.as('farmer') });
    const moved = mine.json<{ plots: { id: number; growing_area_id: number; growing_area_status: string }[] }>().plots;
    expect(moved.find((p) => Number(p.id) === revoked.plots[0])).toMatchObject({ growing_area_id: draft.id, growing_area_status: 'draft' });
  });

  it('through the registry’s “add plots” of a draft, one plot at a time', async () => {
    const revoked = await revokedArea(2);
    const before = await facts(revoked.id);
    const draft = await area('draft');
    const added = await officer('POST', `/api/growing-areas/${draft}/plots`, { plotIds: [revoked.plots[1]] });
    expect(added.statusCode, added.body).toBe(200);
    expect((await facts(draft)).plots).toEqual([revoked.plots[1]]);
    expect((await facts(revoked.id)).plots).toEqual([revoked.plots[0]]);
    await expectCardKept(revoked.id, revoked.plots, before);
  });

  it('through the features API’s write of growing_area_id, and a later edit of the plot leaves the revoked shape alone', async () => {
    const revoked = await revokedArea(1);
    const before = await facts(revoked.id);
    const draft = await area('draft');
    const moved = await patchItem(fx, `${ITEMS}/${revoked.plots[0]}`, { properties: { growing_area_id: draft } });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().properties.growing_area_id).toBe(draft);
    const grown = await patchItem(fx, `${ITEMS}/${revoked.plots[0]}`, {
      geometry: square(X + 0.0092, Y + 0.008, 0.0006),
    });
    expect(grown.statusCode, grown.body).toBe(200);
    expect((await facts(draft)).area_m2).toBeCloseTo(grown.json().properties.area_m2, 0);
    await expectCardKept(revoked.id, revoked.plots, before);
  });

  it('a plot of a revoked area that has not moved may be reshaped: the revoked area keeps the shape it was revoked with', async () => {
    const revoked = await revokedArea(1);
    const before = await facts(revoked.id);
    const reshaped = await patchItem(fx, `${ITEMS}/${revoked.plots[0]}`, { geometry: square(X + 0.0002, Y + 0.0088, 0.0003) });
    expect(reshaped.statusCode, reshaped.body).toBe(200);
    await expectCardKept(revoked.id, revoked.plots, before);
  });
});

describe('what a revocation does not release', () => {
  it.each(['active', 'suspended', 'submitted', 'under_inspection'])(
    'a plot of an area in status %s is still refused by the registry (422 PLOT_IN_OTHER_AREA) and nothing is written',
    async (status) => {
      const standing = await area(status);
      const member = await plot(standing);
      const count = async () => (await fx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM growing_areas')).rows[0]!.n;
      const areasBefore = await count();
      const refused = await newDraft([member]);
      expect(refused.statusCode, refused.body).toBe(422);
      expect(refused.json()).toMatchObject({
        code: 'VALIDATION_FAILED',
        problems: [{ code: 'PLOT_IN_OTHER_AREA', plotId: member, otherAreaId: standing, otherAreaStatus: status }],
      });
      expect(await count()).toBe(areasBefore);
      expect((await facts(standing)).plots).toEqual([member]);
      const draft = await area('draft');
      const viaOgc = await patchItem(fx, `${ITEMS}/${member}`, { properties: { growing_area_id: draft } });
      expect(viaOgc.statusCode, viaOgc.body).toBe(409);
      expect((await facts(standing)).plots).toEqual([member]);
    },
  );

  it('the revoked area itself stays final: no plot leaves it by its own “remove”, it takes none, it is not re-issued', async () => {
    const revoked = await revokedArea(1);
    const before = await facts(revoked.id);
    const remove = await officer('DELETE', `/api/growing-areas/${revoked.id}/plots/${revoked.plots[0]}`);
    expect(remove.statusCode).toBe(409);
    const other = await plot(null);
    const add = await officer('POST', `/api/growing-areas/${revoked.id}/plots`, { plotIds: [other] });
    expect(add.statusCode).toBe(409);
    const reissue = await officer('POST', `/api/growing-areas/${revoked.id}/reissue`, { decisionNo: '46/QĐ-SNN' });
    expect(reissue.statusCode).toBe(409);
    const again = await officer('POST', `/api/growing-areas/${revoked.id}/transitions`, { to: 'revoked', decisionNo: '47/QĐ-SNN' });
    expect(again.statusCode).toBe(409);
    expect(await facts(revoked.id)).toEqual(before);
    const recorded = await fx.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM growing_area_closed_plots WHERE growing_area_id = $1',
      [revoked.id],
    );
    expect(recorded.rows[0]!.n).toBe(1);
  });
});

describe('hostile input: clear 4xx, nothing half-written', () => {
  it('a batch with a revoked plot and an unknown plot is refused whole (422): no area, the plot stays where it was', async () => {
    const revoked = await revokedArea(1);
    const count = async () => (await fx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM growing_areas')).rows[0]!.n;
    const areasBefore = await count();
    const refused = await newDraft([revoked.plots[0], 987654321]);
    expect(refused.statusCode, refused.body).toBe(422);
    expect(refused.json().detail).toContain('No plot 987654321');
    expect(await count()).toBe(areasBefore);
    expect((await facts(revoked.id)).plots).toEqual(revoked.plots);
  });

  it('a revoked plot growing another crop is refused by its new draft (422 PLOT_CROP_MISMATCH), not moved', async () => {
    const id = await area('active', 'rice');
    const member = await plot(id, 'rice');
    const revoked = await officer('POST', `/api/growing-areas/${id}/transitions`, { to: 'revoked', decisionNo: '48/QĐ-SNN' });
    expect(revoked.statusCode, revoked.body).toBe(201);
    const mangoDraft = await area('draft');
    const refused = await officer('POST', `/api/growing-areas/${mangoDraft}/plots`, { plotIds: [member] });
    expect(refused.statusCode, refused.body).toBe(422);
    expect(refused.json().problems.map((p: { code: string }) => p.code)).toEqual(['PLOT_CROP_MISMATCH']);
    expect((await facts(id)).plots).toEqual([member]);
    expect((await facts(mangoDraft)).plots).toEqual([]);
  });

  it.each([
    ['a string id', ['abc']],
    ['a negative id', [-5]],
    ['not a list', 'all'],
  ])('plotIds as %s is a 400, nothing written', async (_label, plotIds) => {
    const revoked = await revokedArea(1);
    const count = async () => (await fx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM growing_areas')).rows[0]!.n;
    const areasBefore = await count();
    const refused = await newDraft(plotIds);
    expect(refused.statusCode, refused.body).toBe(400);
    expect(await count()).toBe(areasBefore);
    expect((await facts(revoked.id)).plots).toEqual(revoked.plots);
  });
});

describe('a superseded version keeps its record too', () => {
  it('after a re-issue the old version’s card lists the plots it had, with its shape; the new draft holds them', async () => {
    const id = await area('active');
    const members = [await plot(id), await plot(id)];
    const before = await facts(id);
    const reissued = await officer('POST', `/api/growing-areas/${id}/reissue`, { decisionNo: '12/QĐ-SNN', note: 'Mở rộng' });
    expect(reissued.statusCode, reissued.body).toBeLessThan(300);
    const next = reissued.json<{ id: number; plot_count: number }>();
    expect(Number(next.plot_count)).toBe(2);
    expect((await facts(next.id)).plots).toEqual(members);
    const old = await officer('GET', `/api/growing-areas/${id}`);
    const card = old.json<{ status: string; plot_count: number; plots: { id: number; current_growing_area_id: number }[] }>();
    expect(card.status).toBe('superseded');
    expect(Number(card.plot_count)).toBe(2);
    expect(card.plots.map((p) => [Number(p.id), Number(p.current_growing_area_id)])).toEqual(members.map((m) => [m, next.id]));
    const after = await facts(id);
    expect(after.geom).toBe(before.geom);
    expect(after.area_m2).toBe(before.area_m2);
  });
});
