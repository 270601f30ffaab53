import { beforeAll, describe, expect, it } from 'vitest';
import { ORIGIN, WARD_A, WARD_B, openFeaturesFixture, square } from '../helpers/features-fixture.ts';
import { openForFile } from '../helpers/for-file.ts';
import { insertGrowingArea } from '../helpers/growing-area-row.ts';
import { etagOf, patchItem, postItem, putItem } from '../helpers/officer-writes.ts';

// The registry puts a plot into a draft growing area only when it grows the area's crop, belongs to
// no other standing area and lies in the officer's communes, and links it to the cadastral parcels
// it covers. A plot written through the features API obeys the same rules (the same code:
// server/registry/growing-areas.service.ts), and its links follow its geometry.

const fx = openForFile(openFeaturesFixture);
beforeAll(async () => {
  // A 4 × 3 grid of parcels of 0.0006° (about 65 m) in a free corner of ward A, for the links.
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 3; j++) {
      await fx.db.query(
        `INSERT INTO parcels (commune_code, commune_ref_date, sheet, parcel_no, land_use_code, legal_area_m2, geom)
         VALUES ($1, '2025-07-01', 77, $2, 'CLN', 4300, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($3), 4326)))`,
        [WARD_A, 100 + i * 3 + j, JSON.stringify(square(GX + i * 0.0006, GY + j * 0.0006, 0.0006))],
      );
    }
  }
});

const [X, Y] = ORIGIN;
/** South-west corner of the parcel grid. */
const GX = X + 0.0065;
const GY = Y + 0.0005;
const MERGE = { 'content-type': 'application/merge-patch+json' };
const ITEMS = '/ogc/collections/plots/items';
const AREAS = '/ogc/collections/growing_areas/items';

let lineage = -3000;
/** A growing area growing `crop`, in this status and commune (inserted as the registry would have left it). */
function area(crop: string, status = 'draft', commune = WARD_A): Promise<number> {
  lineage -= 1;
  const code = status === 'draft' ? null : `VN-MB-${-lineage}`;
  return insertGrowingArea(fx.db, { lineage, code, name: `Vùng ${crop} ${status}`, crop, status, commune });
}

/** Squares of 0.0002° in rows along the north edge of ward A, away from the parcel grid: no two plots overlap. */
let slot = 0;
function nextSquare(): ReturnType<typeof square> {
  slot += 1;
  return square(X + 0.0003 * (slot % 30), Y + 0.0095 - 0.0003 * Math.floor(slot / 30), 0.0002);
}

/** A plot of ward A growing `crop`, optionally in an area, with this geometry (or a fresh slot). */
async function storedPlot(crop: string, areaId: number | null = null, geometry = nextSquare()): Promise<number> {
  const { rows } = await fx.db.query<{ id: number }>(
    `INSERT INTO plots (commune_code, crop, growing_area_id, geom) VALUES ($1, $2, $3, ST_SetSRID(ST_GeomFromGeoJSON($4), 4326)) RETURNING id`,
    [WARD_A, crop, areaId, JSON.stringify(geometry)],
  );
  return rows[0]!.id;
}

const etag = (url: string) => etagOf(fx, url);
const put = (id: number, geometry: unknown, properties: Record<string, unknown>) =>
  putItem(fx, `${ITEMS}/${id}`, { type: 'Feature', geometry, properties: { commune_code: WARD_A, ...properties } });
const patch = (id: number, body: unknown, collection = ITEMS) => patchItem(fx, `${collection}/${id}`, body);
const post = (geometry: unknown, properties: Record<string, unknown>) => postItem(fx, ITEMS, { type: 'Feature', geometry, properties });

/** The registry's "add plots" of a growing area, as the officer. */
function addPlots(areaId: number, plotIds: number[]) {
  return fx.app.inject({ method: 'POST', url: `/api/growing-areas/${areaId}/plots`, headers: fx.as('officer'), payload: { plotIds } });
}

async function geometryOf(id: number): Promise<unknown> {
  const { rows } = await fx.db.query<{ g: string }>('SELECT ST_AsGeoJSON(geom) AS g FROM plots WHERE id = $1', [id]);
  return JSON.parse(rows[0]!.g);
}

/** What a refused write must leave as it was: the plot and area rows, every plot, the edit log and the links. */
async function state(plotId: number | null, areaId: number) {
  const { rows } = await fx.db.query<Record<string, unknown>>(
    `SELECT (SELECT p::text FROM plots p WHERE p.id = $1) AS plot, (SELECT g::text FROM growing_areas g WHERE g.id = $2) AS area,
            (SELECT count(*)::int FROM plots) AS plots, (SELECT count(*)::int FROM edit_log) AS log,
            (SELECT string_agg(pp::text, '|' ORDER BY pp.plot_id, pp.parcel_id) FROM plot_parcels pp) AS links`,
    [plotId, areaId],
  );
  return rows[0];
}

/** The parcels a plot is linked to, and the parcels it really covers (more than 0.01 m², as link_plot_parcels counts). */
async function links(plotId: number): Promise<{ linked: number[]; covered: number[]; shareSum: number; plotM2: number }> {
  const { rows } = await fx.db.query<{ linked: number[] | null; covered: number[] | null; share_sum: number | null; plot_m2: number }>(
    `SELECT (SELECT array_agg(parcel_id ORDER BY parcel_id) FROM plot_parcels WHERE plot_id = p.id) AS linked,
            (SELECT array_agg(pa.id ORDER BY pa.id) FROM parcels pa
              WHERE pa.geom && p.geom AND ST_Intersects(pa.geom, p.geom)
                AND ST_Area(ST_Intersection(pa.geom, p.geom)::geography) > 0.01) AS covered,
            (SELECT sum(share_m2) FROM plot_parcels WHERE plot_id = p.id) AS share_sum, p.area_m2 AS plot_m2
       FROM plots p WHERE p.id = $1`,
    [plotId],
  );
  const r = rows[0]!;
  return {
    linked: (r.linked ?? []).map(Number),
    covered: (r.covered ?? []).map(Number),
    shareSum: Number(r.share_sum ?? 0),
    plotM2: r.plot_m2,
  };
}

type Problem = {
  status: number;
  code: string;
  detail: string;
  reasons: (Record<string, unknown> & { code: string; property?: string; message: string; plotIds?: number[] })[];
};

/** The registry's 422: the sentences in `reasons` (as always), the same reasons whole, with their facts, in `problems`. */
function registry422(response: { statusCode: number; body: string }): { detail: string; reasons: string[]; problems: Problem['reasons'] } {
  expect(response.statusCode, response.body).toBe(422);
  const body = JSON.parse(response.body) as { code: string; detail: string; reasons: string[]; problems: Problem['reasons'] };
  expect(body.code).toBe('VALIDATION_FAILED');
  expect(body.reasons.every((r) => typeof r === 'string')).toBe(true);
  expect(body.problems.map((p) => p.message)).toEqual(body.reasons);
  expect(body.detail).toBe(body.reasons.join(' '));
  return body;
}

function expect422(response: { statusCode: number; headers: Record<string, unknown>; body: string }, code: string): Problem {
  expect(response.statusCode, response.body).toBe(422);
  expect(response.headers['content-type']).toContain('application/problem+json');
  const problem = JSON.parse(response.body) as Problem;
  expect(problem).toMatchObject({ status: 422, code: 'VALIDATION_FAILED' });
  expect(problem.reasons.map((r) => r.code)).toContain(code);
  return problem;
}

/** A plot square of 0.0005° at grid offset (i, j) parcels: it straddles up to four parcels. */
const onGrid = (i: number, j: number) => square(GX + 0.0003 + i * 0.0006, GY + 0.0003 + j * 0.0006, 0.0005);

describe('a plot joining a draft growing area of another crop', () => {
  let rice: number;
  beforeAll(async () => {
    rice = await area('rice');
  });

  it('POST is refused (422 PLOT_CROP_MISMATCH) and creates nothing', async () => {
    const before = await state(null, rice);
    const response = await post(nextSquare(), { crop: 'mango', growing_area_id: rice, commune_code: WARD_A });
    const problem = expect422(response, 'PLOT_CROP_MISMATCH');
    // The facts of the sentence as fields: a client words them without reading the English.
    expect(problem.reasons.find((r) => r.code === 'PLOT_CROP_MISMATCH')).toEqual({
      code: 'PLOT_CROP_MISMATCH',
      property: 'crop',
      plotIds: [],
      message: 'The plot grows mango, not rice.',
      plotId: null,
      plotCrop: 'mango',
      areaId: rice,
      areaCrop: 'rice',
    });
    expect(problem.detail).toContain('grows mango, not rice');
    expect(await state(null, rice)).toEqual(before);
  });

  it('PUT and PATCH of a free plot are refused and change nothing, not even the edit log', async () => {
    const free = await storedPlot('mango');
    const before = await state(free, rice);
    const replaced = await put(free, await geometryOf(free), { crop: 'mango', growing_area_id: rice });
    const problem = expect422(replaced, 'PLOT_CROP_MISMATCH');
    expect(problem.detail).toContain(`Plot ${free} grows mango, not rice`);
    expect(problem.reasons.find((r) => r.code === 'PLOT_CROP_MISMATCH')!.plotIds).toEqual([free]);
    expect422(await patch(free, { properties: { growing_area_id: rice } }), 'PLOT_CROP_MISMATCH');
    // A new geometry in the same write changes nothing either.
    expect422(await patch(free, { geometry: onGrid(0, 0), properties: { growing_area_id: rice } }), 'PLOT_CROP_MISMATCH');
    expect(await state(free, rice)).toEqual(before);
  });

  it('joins when the same write makes it grow the area’s crop', async () => {
    const free = await storedPlot('mango');
    const response = await patch(free, { properties: { growing_area_id: rice, crop: 'rice' } });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().properties).toMatchObject({ growing_area_id: rice, crop: 'rice' });
  });

  it('the registry’s own "add plots" refuses the same plot with the same words', async () => {
    const free = await storedPlot('mango');
    const registry = await addPlots(rice, [free]);
    const refused = registry422(registry);
    const ogc = expect422(await patch(free, { properties: { growing_area_id: rice } }), 'PLOT_CROP_MISMATCH');
    expect(refused.reasons).toEqual([`Plot ${free} grows mango, not rice.`]);
    expect(ogc.reasons.map((r) => r.message)).toEqual(refused.reasons);
    // The same objects, facts and all, on both paths.
    expect(refused.problems).toEqual(ogc.reasons);
    expect(refused.problems[0]).toMatchObject({ plotId: free, plotIds: [free], plotCrop: 'mango', areaId: rice, areaCrop: 'rice' });
  });
});

describe('a plot joining a draft of its own crop', () => {
  let mango: number;
  beforeAll(async () => {
    mango = await area('mango');
  });

  it('POST is accepted and the plot is linked to exactly the parcels it covers, shares summing to the plot', async () => {
    const response = await post(onGrid(0, 0), { crop: 'mango', growing_area_id: mango, commune_code: WARD_A });
    expect(response.statusCode, response.body).toBe(201);
    const id = Number(response.json().id);
    const l = await links(id);
    expect(l.covered.length).toBe(4);
    expect(l.linked).toEqual(l.covered);
    expect(l.shareSum).toBeCloseTo(l.plotM2, 0);
    const { rows } = await fx.db.query<{ area_m2: number }>('SELECT area_m2 FROM growing_areas WHERE id = $1', [mango]);
    expect(rows[0]!.area_m2).toBeCloseTo(l.plotM2, 1);
  });

  it('PATCH of a plot that has no links (loaded in bulk) links it as it joins, as the registry’s attach does', async () => {
    const free = await storedPlot('mango', null, onGrid(2, 0));
    await fx.db.query('DELETE FROM plot_parcels WHERE plot_id = $1', [free]);
    expect((await links(free)).linked).toEqual([]);
    const response = await patch(free, { properties: { growing_area_id: mango } });
    expect(response.statusCode, response.body).toBe(200);
    const l = await links(free);
    expect(l.covered.length).toBe(4);
    expect(l.linked).toEqual(l.covered);
  });

  it('PUT with the stored geometry is accepted and the plot linked too', async () => {
    const free = await storedPlot('mango', null, onGrid(0, 1));
    await fx.db.query('DELETE FROM plot_parcels WHERE plot_id = $1', [free]);
    const response = await put(free, await geometryOf(free), { crop: 'mango', growing_area_id: mango });
    expect(response.statusCode, response.body).toBe(200);
    const l = await links(free);
    expect(l.covered.length).toBe(4);
    expect(l.linked).toEqual(l.covered);
  });
});

describe('moving a plot', () => {
  it('relinks it to the parcels under its new outline (member or not), through PATCH and PUT', async () => {
    const mango = await area('mango');
    // Inside parcel (3, 2) of the grid, then across the corner of parcels (1..2, 1..2).
    const member = await storedPlot('mango', mango, square(GX + 0.0019, GY + 0.0013, 0.0003));
    const first = await links(member);
    expect(first.linked.length).toBe(1);
    expect(first.linked).toEqual(first.covered);

    const moved = await patch(member, { geometry: square(GX + 0.001, GY + 0.001, 0.0004) });
    expect(moved.statusCode, moved.body).toBe(200);
    const second = await links(member);
    expect(second.covered.length).toBe(4);
    expect(second.linked).toEqual(second.covered);
    expect(second.linked).not.toContain(first.linked[0]);
    expect(second.shareSum).toBeCloseTo(second.plotM2, 0);

    const free = await storedPlot('rice', null, square(GX + 0.002, GY + 0.0001, 0.0002));
    const replaced = await put(free, square(GX + 0.00005, GY + 0.0013, 0.0002), { crop: 'rice' });
    expect(replaced.statusCode, replaced.body).toBe(200);
    const third = await links(free);
    expect(third.linked.length).toBe(1);
    expect(third.linked).toEqual(third.covered);
  });

  it('off every parcel leaves it with no links', async () => {
    const member = await storedPlot('mango', await area('mango'), square(GX + 0.0001, GY + 0.0001, 0.0002));
    expect((await links(member)).linked.length).toBe(1);
    const moved = await patch(member, { geometry: square(X + 0.005, Y + 0.003, 0.0002) });
    expect(moved.statusCode, moved.body).toBe(200);
    expect((await links(member)).linked).toEqual([]);
  });
});

describe('changing the crop of a plot of a draft', () => {
  it('to another crop than the area’s is refused through PATCH and PUT, and nothing changes', async () => {
    const mango = await area('mango');
    const member = await storedPlot('mango', mango);
    const before = await state(member, mango);
    const patched = expect422(await patch(member, { properties: { crop: 'rice' } }), 'PLOT_CROP_MISMATCH');
    expect(patched.detail).toContain(`Plot ${member} grows rice, not mango`);
    expect(patched.reasons[0]).toMatchObject({ plotId: member, plotCrop: 'rice', areaId: mango, areaCrop: 'mango' });
    expect(patched.reasons[0]).not.toHaveProperty('otherAreaId');
    expect422(await put(member, await geometryOf(member), { crop: 'rice', growing_area_id: mango }), 'PLOT_CROP_MISMATCH');
    expect(await state(member, mango)).toEqual(before);
  });

  it('is accepted when the plot leaves the area in the same write, or when the area is revoked', async () => {
    const mango = await area('mango');
    const member = await storedPlot('mango', mango);
    const left = await patch(member, { properties: { crop: 'rice', growing_area_id: null } });
    expect(left.statusCode, left.body).toBe(200);
    expect(left.json().properties).toMatchObject({ crop: 'rice', growing_area_id: null });
    // A revoked area no longer stands behind a code: the registry keeps no rule for its plots.
    const revoked = await area('mango', 'revoked');
    const old = await storedPlot('mango', revoked);
    const changed = await patch(old, { properties: { crop: 'rice' } });
    expect(changed.statusCode, changed.body).toBe(200);
  });

  it('a geometry or variety edit of a member is not held up by the rule', async () => {
    const mango = await area('mango');
    const member = await storedPlot('mango', mango);
    const response = await patch(member, { properties: { variety: 'Cát Hòa Lộc' } });
    expect(response.statusCode, response.body).toBe(200);
  });
});

describe('a plot of another growing area', () => {
  it('does not move straight into a draft (PLOT_IN_OTHER_AREA); taken out first, it joins', async () => {
    const a = await area('mango');
    const b = await area('mango');
    const member = await storedPlot('mango', a);
    const before = await state(member, b);
    const problem = expect422(await patch(member, { properties: { growing_area_id: b } }), 'PLOT_IN_OTHER_AREA');
    expect(problem.detail).toContain(`already belongs to growing area ${a}`);
    expect(problem.reasons.find((r) => r.code === 'PLOT_IN_OTHER_AREA')).toEqual({
      code: 'PLOT_IN_OTHER_AREA',
      property: 'growing_area_id',
      plotIds: [member],
      message: `Plot ${member} already belongs to growing area ${a}; take it out of that area first.`,
      plotId: member,
      areaId: b,
      otherAreaId: a,
      otherAreaStatus: 'draft',
    });
    expect(await state(member, b)).toEqual(before);
    expect((await patch(member, { properties: { growing_area_id: null } })).statusCode).toBe(200);
    const joined = await patch(member, { properties: { growing_area_id: b } });
    expect(joined.statusCode, joined.body).toBe(200);
  });

  it('of a superseded version moves straight into a draft, as the registry allows', async () => {
    const old = await area('mango', 'superseded');
    const next = await area('mango');
    const member = await storedPlot('mango', old);
    const response = await patch(member, { properties: { growing_area_id: next } });
    expect(response.statusCode, response.body).toBe(200);
  });

  it('the registry refuses the same move with the same words', async () => {
    const a = await area('mango');
    const b = await area('mango');
    const member = await storedPlot('mango', a);
    const registry = await addPlots(b, [member]);
    const refused = registry422(registry);
    const ogc = expect422(await patch(member, { properties: { growing_area_id: b } }), 'PLOT_IN_OTHER_AREA');
    expect(ogc.reasons.map((r) => r.message)).toEqual([registry.json().detail]);
    expect(refused.problems).toEqual(ogc.reasons);
  });

  it('the registry names every rule a batch of plots breaks, each with its facts, in the order of its sentences', async () => {
    const rice = await area('rice');
    const submitted = await area('rice', 'submitted');
    const inReview = await storedPlot('rice', submitted);
    const mango = await storedPlot('mango');
    const before = await state(inReview, rice);
    const response = await addPlots(rice, [inReview, fx.ids.plotB, mango]);
    const refused = registry422(response);
    const byPlot = new Map(refused.problems.map((p) => [`${String(p.plotId)}:${p.code}`, p]));
    expect(refused.problems).toHaveLength(3);
    expect(byPlot.get(`${inReview}:PLOT_IN_OTHER_AREA`)).toEqual({
      code: 'PLOT_IN_OTHER_AREA',
      property: 'growing_area_id',
      plotIds: [inReview],
      message: `Plot ${inReview} already belongs to growing area ${submitted}; take it out of that area first.`,
      plotId: inReview,
      areaId: rice,
      otherAreaId: submitted,
      otherAreaStatus: 'submitted',
    });
    expect(byPlot.get(`${fx.ids.plotB}:PLOT_OUTSIDE_YOUR_COMMUNES`)).toEqual({
      code: 'PLOT_OUTSIDE_YOUR_COMMUNES',
      property: 'commune_code',
      plotIds: [fx.ids.plotB],
      message: `Plot ${fx.ids.plotB} lies in commune ${WARD_B}, where you do not work.`,
      plotId: fx.ids.plotB,
      areaId: rice,
      communeCode: WARD_B,
    });
    expect(byPlot.get(`${mango}:PLOT_CROP_MISMATCH`)).toMatchObject({ plotId: mango, plotCrop: 'mango', areaId: rice, areaCrop: 'rice' });
    expect(await state(inReview, rice)).toEqual(before);
    // Every field these refusals carry is described in the features API's OpenAPI document.
    const api = (await fx.app.inject({ url: '/ogc/api' })).json() as {
      components: { schemas: { Problem: { properties: { reasons: { items: { properties: Record<string, unknown> } } } } } };
    };
    const described = Object.keys(api.components.schemas.Problem.properties.reasons.items.properties);
    expect(described).toEqual(expect.arrayContaining([...new Set(refused.problems.flatMap((p) => Object.keys(p)))]));
  });
});

describe('a plot of a draft of another commune', () => {
  it('is not taken out of it by an officer who does not work there (403, as the registry’s "remove a plot"); an administrator may', async () => {
    const other = await area('mango', 'draft', WARD_B);
    const member = await storedPlot('mango', other);
    const before = await state(member, other);
    const response = await patch(member, { properties: { growing_area_id: null } });
    expect(response.statusCode, response.body).toBe(403);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json().detail).toContain(`commune ${WARD_B}`);
    const registry = await fx.app.inject({
      method: 'DELETE',
      url: `/api/growing-areas/${other}/plots/${member}`,
      headers: fx.as('officer'),
    });
    expect(registry.statusCode, registry.body).toBe(403);
    expect(response.json().detail).toBe(registry.json().detail);
    expect(await state(member, other)).toEqual(before);
    // Its own edits that keep it in the area are the plot's commune's business.
    expect((await patch(member, { properties: { variety: 'Cát Chu sớm' } })).statusCode).toBe(200);
    const admin = await fx.app.inject({
      method: 'PATCH',
      url: `${ITEMS}/${member}`,
      headers: fx.as('admin', { ...MERGE, 'if-match': await etag(`${ITEMS}/${member}`) }),
      payload: JSON.stringify({ properties: { growing_area_id: null } }),
    });
    expect(admin.statusCode, admin.body).toBe(200);
  });
});

describe('the crop of a draft growing area itself', () => {
  it('changes through the features API only to the crop its plots grow, as the registry’s profile edit', async () => {
    const mango = await area('mango');
    const member = await storedPlot('mango', mango);
    const before = await state(member, mango);
    const problem = expect422(await patch(mango, { properties: { crop: 'rice' } }, AREAS), 'PLOT_CROP_MISMATCH');
    expect(problem.reasons[0]).toEqual({
      code: 'PLOT_CROP_MISMATCH',
      property: 'crop',
      plotIds: [member],
      message: `Plot ${member} grows mango; take it out of the area before changing its crop to rice.`,
      areaId: mango,
      plotCrops: ['mango'],
      requestedCrop: 'rice',
    });
    expect(await state(member, mango)).toEqual(before);
    const registry = await fx.app.inject({
      method: 'PATCH',
      url: `/api/growing-areas/${mango}`,
      // The features item's tag names the version as well as the registry read's does.
      headers: fx.as('officer', { 'if-match': await etag(`${AREAS}/${mango}`) }),
      payload: { crop: 'rice' },
    });
    const refused = registry422(registry);
    expect(problem.reasons.map((r) => r.message)).toEqual([registry.json().detail]);
    expect(refused.problems).toEqual(problem.reasons);
    const empty = await area('mango');
    const changed = await patch(empty, { properties: { crop: 'rice' } }, AREAS);
    expect(changed.statusCode, changed.body).toBe(200);
  });
});

describe('restoring a deleted plot', () => {
  it('into a draft that has changed its crop since is refused', async () => {
    const draft = await area('mango');
    const member = await storedPlot('mango', draft);
    const deleted = await fx.app.inject({
      method: 'DELETE',
      url: `${ITEMS}/${member}`,
      headers: fx.as('officer', { 'if-match': await etag(`${ITEMS}/${member}`) }),
    });
    expect(deleted.statusCode, deleted.body).toBe(204);
    expect((await patch(draft, { properties: { crop: 'rice' } }, AREAS)).statusCode).toBe(200);
    const { rows } = await fx.db.query<{ id: number }>(
      "SELECT id FROM edit_log WHERE collection = 'plots' AND feature_id = $1 ORDER BY id LIMIT 1",
      [String(member)],
    );
    const before = await state(member, draft);
    const response = await fx.app.inject({
      method: 'POST',
      url: `${ITEMS}/${member}/history/${rows[0]!.id}/restore`,
      headers: fx.as('officer'),
    });
    expect422(response, 'PLOT_CROP_MISMATCH');
    expect(await state(member, draft)).toEqual(before);
  });
});

describe('hostile values', () => {
  const CROPS: unknown[] = [
    '',
    ' ',
    'x'.repeat(41),
    'MANGO',
    'mango\u0000',
    "mango'; DROP TABLE plots; --",
    'durian-x',
    1,
    true,
    [],
    {},
    null,
  ];
  const AREA_IDS: unknown[] = ['1', -1, 0, 1.5, 1e20, 9007199254740993, true, {}, [1], '1; DROP TABLE plots'];

  it('as the crop or the area of a plot joining a draft answer 4xx problem+json, never 5xx, and write nothing', async () => {
    const mango = await area('mango');
    const free = await storedPlot('mango');
    const member = await storedPlot('mango', mango);
    const before = [await state(free, mango), await state(member, mango)];
    for (const crop of CROPS) {
      for (const [id, body] of [
        [free, { properties: { crop, growing_area_id: mango } }],
        [member, { properties: { crop } }],
      ] as const) {
        const response = await patch(id, body);
        expect(response.statusCode, `${JSON.stringify(crop)}: ${response.body}`).toBeGreaterThanOrEqual(400);
        expect(response.statusCode, `${JSON.stringify(crop)}: ${response.body}`).toBeLessThan(500);
        expect(response.headers['content-type']).toContain('application/problem+json');
      }
      const created = await post(nextSquare(), { crop, growing_area_id: mango, commune_code: WARD_A });
      expect(created.statusCode, `${JSON.stringify(crop)}: ${created.body}`).toBe(422);
      const areaCrop = await patch(mango, { properties: { crop } }, AREAS);
      expect(areaCrop.statusCode, `${JSON.stringify(crop)}: ${areaCrop.body}`).toBeGreaterThanOrEqual(400);
      expect(areaCrop.statusCode).toBeLessThan(500);
    }
    for (const value of AREA_IDS) {
      const response = await patch(member, { properties: { growing_area_id: value, crop: 'rice' } });
      expect(response.statusCode, `${JSON.stringify(value)}: ${response.body}`).toBe(422);
    }
    expect([await state(free, mango), await state(member, mango)]).toEqual(before);
  });

  it('as the plot id in the URL answer 4xx', async () => {
    for (const id of ['abc', '-1', '0', '1.5', '99999999999999999999', '1%3B%20DROP%20TABLE%20plots']) {
      const response = await fx.app.inject({
        method: 'PATCH',
        url: `${ITEMS}/${id}`,
        headers: fx.as('officer', { ...MERGE, 'if-match': '*' }),
        payload: JSON.stringify({ properties: { crop: 'rice' } }),
      });
      expect(response.statusCode, `${id}: ${response.body}`).toBeGreaterThanOrEqual(400);
      expect(response.statusCode, `${id}: ${response.body}`).toBeLessThan(500);
    }
  });
});
