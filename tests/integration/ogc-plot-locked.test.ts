import { beforeAll, describe, expect, it } from 'vitest';
import { GROWING_AREA_STATUSES, type GrowingAreaStatus } from '../../server/domain/growing-area-lifecycle.ts';
import { AREA_STATUSES_RELEASING_PLOTS } from '../../server/ogc/plot-areas.ts';
import { ORIGIN, WARD_A, openFeaturesFixture, square } from '../helpers/features-fixture.ts';
import { openForFile } from '../helpers/for-file.ts';
import { insertGrowingArea } from '../helpers/growing-area-row.ts';
import { holdTransaction, untilSomeoneWaitsForALock } from '../helpers/held-transaction.ts';
import { etagOf, patchItem, postItem, putItem } from '../helpers/officer-writes.ts';

// A growing area follows its plots by trigger, so writing a plot through the features API while its
// area is under review or holds a code in force would change the area behind the code unseen, and
// so would putting a plot into such an area. Those writes answer 409; the registry's own workflow
// (back to draft, or re-issue as a new draft version) still changes the plots.

const fx = openForFile(openFeaturesFixture);
const [X, Y] = ORIGIN;
const MERGE = { 'content-type': 'application/merge-patch+json' };
const ITEMS = '/ogc/collections/plots/items';
const LOCKED = GROWING_AREA_STATUSES.filter((s) => !AREA_STATUSES_RELEASING_PLOTS.includes(s));

let lineage = -1000;
/** A mango growing area of ward A in this status (inserted as the registry would have left it). */
function area(status: GrowingAreaStatus): Promise<number> {
  lineage -= 1;
  const code = status === 'draft' ? null : `VN-LK-${-lineage}`;
  return insertGrowingArea(fx.db, { lineage, code, name: `Vùng ${status}`, crop: 'mango', status, commune: WARD_A });
}

/** A mango plot of ward A: a square of side d degrees at (ORIGIN + dx, ORIGIN + dy), optionally in an area. */
async function storedPlot(dx: number, dy: number, areaId: number | null, d = 0.0004): Promise<number> {
  const { rows } = await fx.db.query<{ id: number }>(
    `INSERT INTO plots (commune_code, crop, variety, growing_area_id, geom)
     VALUES ($1, 'mango', 'Cát Chu', $2, ST_SetSRID(ST_GeomFromGeoJSON($3), 4326)) RETURNING id`,
    [WARD_A, areaId, JSON.stringify(square(X + dx, Y + dy, d))],
  );
  return rows[0]!.id;
}

const etag = (id: number) => etagOf(fx, `${ITEMS}/${id}`);
const put = (id: number, geometry: unknown, properties: Record<string, unknown>) =>
  putItem(fx, `${ITEMS}/${id}`, { type: 'Feature', geometry, properties });
const patch = (id: number, body: unknown) => patchItem(fx, `${ITEMS}/${id}`, body);
const post = (geometry: unknown, properties: Record<string, unknown>) =>
  postItem(fx, ITEMS, { type: 'Feature', geometry, properties: { crop: 'mango', ...properties } });

/** Everything a refused write must leave as it was: the plot row, the area row, the edit log and the plot count. */
async function state(plotId: number, areaId: number) {
  const { rows } = await fx.db.query<Record<string, unknown>>(
    `SELECT (SELECT p::text FROM plots p WHERE p.id = $1) AS plot, (SELECT g::text FROM growing_areas g WHERE g.id = $2) AS area,
            (SELECT count(*)::int FROM edit_log) AS log, (SELECT count(*)::int FROM plots) AS plots`,
    [plotId, areaId],
  );
  return rows[0];
}

function expectRefusal(
  response: { statusCode: number; headers: Record<string, unknown>; body: string },
  reason: string,
  areaId: number,
  status: string,
) {
  expect(response.statusCode, response.body).toBe(409);
  expect(response.headers['content-type']).toContain('application/problem+json');
  const problem = JSON.parse(response.body) as Record<string, unknown>;
  expect(problem).toMatchObject({ status: 409, code: 'CONFLICT', reason, growingAreaId: areaId, growingAreaStatus: status });
  expect(problem.detail).toContain(`rowing area ${areaId}`);
  expect(problem.detail).toContain(status);
}

describe.each(GROWING_AREA_STATUSES.map((status, i) => ({ status, i })))('a plot of a $status growing area', ({ status, i }) => {
  const locked = LOCKED.includes(status);
  const slot = 0.0002 + i * 0.0008;
  let areaId: number;
  let member: number;
  let free: number;
  beforeAll(async () => {
    areaId = await area(status);
    member = await storedPlot(slot, 0.0085, areaId);
    free = await storedPlot(slot, 0.0075, null);
  });

  it(locked ? 'cannot be replaced (PUT 409), and nothing changes' : 'can be replaced (PUT), and the area follows', async () => {
    const before = await state(member, areaId);
    const response = await put(member, square(X + slot, Y + 0.0085, 0.0005), {
      crop: 'mango',
      growing_area_id: areaId,
      commune_code: WARD_A,
    });
    if (locked) {
      expectRefusal(response, 'plot-in-locked-growing-area', areaId, status);
      expect(JSON.parse(response.body).plotId).toBe(member);
      expect(await state(member, areaId)).toEqual(before);
    } else {
      expect(response.statusCode, response.body).toBe(200);
      const { rows } = await fx.db.query<{ area_m2: number; plot_m2: number }>(
        'SELECT g.area_m2, p.area_m2 AS plot_m2 FROM growing_areas g JOIN plots p ON p.growing_area_id = g.id WHERE p.id = $1',
        [member],
      );
      expect(rows[0]!.area_m2).toBeCloseTo(rows[0]!.plot_m2, 3);
      expect(rows[0]!.plot_m2).toBeGreaterThan(3000);
    }
  });

  it(
    locked ? 'cannot be patched (PATCH 409), not even taken out of the area' : 'can be patched (PATCH), and taken out of the area',
    async () => {
      const before = await state(member, areaId);
      const variety = await patch(member, { properties: { variety: 'Hòa Lộc' } });
      const out = locked ? await patch(member, { properties: { growing_area_id: null } }) : null;
      const moved = await patch(member, { geometry: square(X + slot, Y + 0.0085, 0.0003) });
      if (locked) {
        for (const response of [variety, out!, moved]) expectRefusal(response, 'plot-in-locked-growing-area', areaId, status);
        expect(await state(member, areaId)).toEqual(before);
      } else {
        expect(variety.statusCode, variety.body).toBe(200);
        expect(moved.statusCode, moved.body).toBe(200);
        const taken = await patch(member, { properties: { growing_area_id: null } });
        expect(taken.statusCode, taken.body).toBe(200);
        expect(taken.json().properties.growing_area_id).toBeNull();
      }
    },
  );

  const joins = status === 'draft';
  it(
    joins ? 'takes a new plot (POST 201) and an existing one (PATCH 200)' : 'takes no plot: POST and PATCH into it answer 409',
    async () => {
      const before = await state(free, areaId);
      const created = await post(square(X + slot, Y + 0.0093, 0.0004), { growing_area_id: areaId });
      const attached = await patch(free, { properties: { growing_area_id: areaId } });
      if (joins) {
        expect(created.statusCode, created.body).toBe(201);
        expect(attached.statusCode, attached.body).toBe(200);
        const { rows } = await fx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM plots WHERE growing_area_id = $1', [areaId]);
        expect(rows[0]!.n).toBe(2);
      } else {
        expectRefusal(created, 'growing-area-not-draft', areaId, status);
        expectRefusal(attached, 'growing-area-not-draft', areaId, status);
        expect(await state(free, areaId)).toEqual(before);
      }
    },
  );
});

describe('hostile growing_area_id values', () => {
  const HOSTILE: unknown[] = ['1', -1, 0, 1.5, 1e20, 9007199254740993, 9007199254740991, 2147483648, true, {}, [1], '1; DROP TABLE plots'];

  it('on a free plot, POST and PATCH answer 422 (null is simply no area), never 5xx, and write nothing', async () => {
    const free = await storedPlot(0.0002, 0.003, null);
    const draft = await area('draft');
    const before = await state(free, draft);
    for (const [k, value] of HOSTILE.entries()) {
      const patched = await patch(free, { properties: { growing_area_id: value } });
      expect(patched.statusCode, `${JSON.stringify(value)}: ${patched.body}`).toBe(422);
      const created = await post(square(X + 0.0002 + k * 0.0006, Y + 0.0036, 0.0004), { growing_area_id: value });
      expect(created.statusCode, `${JSON.stringify(value)}: ${created.body}`).toBe(422);
      expect(created.headers['content-type']).toContain('application/problem+json');
    }
    expect(await state(free, draft)).toEqual(before);
    const none = await patch(free, { properties: { growing_area_id: null, variety: 'Cát Hòa Lộc' } });
    expect(none.statusCode, none.body).toBe(200);
  });

  it('on a plot of an issued area, every one of them is the same 409, and nothing changes', async () => {
    const issued = await area('issued');
    const member = await storedPlot(0.0002, 0.0045, issued);
    const before = await state(member, issued);
    for (const value of [...HOSTILE, null]) {
      const response = await patch(member, { properties: { growing_area_id: value } });
      expectRefusal(response, 'plot-in-locked-growing-area', issued, 'issued');
    }
    expect(await state(member, issued)).toEqual(before);
  });
});

describe('restoring a plot from its history', () => {
  async function entries(id: number): Promise<number[]> {
    const { rows } = await fx.db.query<{ id: number }>(
      "SELECT id FROM edit_log WHERE collection = 'plots' AND feature_id = $1 ORDER BY id",
      [String(id)],
    );
    return rows.map((r) => r.id);
  }
  const restore = (id: number, entry: number, headers: Record<string, string> = {}) =>
    fx.app.inject({ method: 'POST', url: `${ITEMS}/${id}/history/${entry}/restore`, headers: fx.as('officer', headers) });

  it('over a plot of an issued area is refused like any edit', async () => {
    const issued = await area('issued');
    const member = await storedPlot(0.0002, 0.0055, issued);
    const before = await state(member, issued);
    const response = await restore(member, (await entries(member))[0]!, { 'if-match': await etag(member) });
    expectRefusal(response, 'plot-in-locked-growing-area', issued, 'issued');
    expect(await state(member, issued)).toEqual(before);
  });

  it('of a deleted plot does not bring it back into an area that has been submitted since', async () => {
    const draft = await area('draft');
    const member = await storedPlot(0.0012, 0.0055, draft);
    const deleted = await fx.app.inject({
      method: 'DELETE',
      url: `${ITEMS}/${member}`,
      headers: fx.as('officer', { 'if-match': await etag(member) }),
    });
    expect(deleted.statusCode, deleted.body).toBe(204);
    await fx.db.query(`UPDATE growing_areas SET status = 'submitted' WHERE id = $1`, [draft]);
    const before = await state(member, draft);
    expectRefusal(await restore(member, (await entries(member))[0]!), 'growing-area-not-draft', draft, 'submitted');
    expect(await state(member, draft)).toEqual(before);
  });
});

describe('the registry’s workflow still changes plots', () => {
  const registry = (method: 'POST' | 'DELETE', url: string, payload?: Record<string, unknown>) =>
    fx.app.inject({ method, url, headers: fx.as('officer'), ...(payload ? { payload } : {}) });

  it('after a re-issue the plots belong to the new draft version, which the features API may edit; the superseded version keeps its record', async () => {
    const issued = await area('issued');
    const member = await storedPlot(0.0025, 0.0002, issued);
    expectRefusal(await patch(member, { properties: { variety: 'Xoài Úc' } }), 'plot-in-locked-growing-area', issued, 'issued');
    const reissue = await registry('POST', `/api/growing-areas/${issued}/reissue`, { decisionNo: '12/QĐ-SNN', note: 'Mở rộng diện tích' });
    expect(reissue.statusCode, reissue.body).toBeLessThan(300);
    const next = reissue.json<{ id: number; status: string }>();
    expect(next.status).toBe('draft');
    const old = await fx.db.query<{ status: string; area_m2: number }>('SELECT status, area_m2 FROM growing_areas WHERE id = $1', [issued]);
    expect(old.rows[0]!.status).toBe('superseded');

    const grown = await patch(member, { geometry: square(X + 0.0025, Y + 0.0002, 0.0005) });
    expect(grown.statusCode, grown.body).toBe(200);
    expect(grown.json().properties.growing_area_id).toBe(next.id);
    const areas = await fx.db.query<{ id: number; area_m2: number }>('SELECT id, area_m2 FROM growing_areas WHERE id = ANY($1::bigint[])', [
      [issued, next.id],
    ]);
    const byId = new Map(areas.rows.map((r) => [r.id, r.area_m2]));
    expect(byId.get(next.id)).toBeCloseTo(grown.json().properties.area_m2, 3);
    // The superseded version has no plots left: its record is not touched by the new version's edits.
    expect(byId.get(issued)).toBe(old.rows[0]!.area_m2);

    const removed = await registry('DELETE', `/api/growing-areas/${next.id}/plots/${member}`);
    expect(removed.statusCode, removed.body).toBe(200);
    const added = await registry('POST', `/api/growing-areas/${next.id}/plots`, { plotIds: [member] });
    expect(added.statusCode, added.body).toBe(200);
  });

  it('a submitted dossier sent back to draft releases its plots again', async () => {
    const submitted = await area('submitted');
    const member = await storedPlot(0.0035, 0.0002, submitted);
    expectRefusal(
      await patch(member, { properties: { variety: 'Cát Chu' + ' 2' } }),
      'plot-in-locked-growing-area',
      submitted,
      'submitted',
    );
    const back = await registry('POST', `/api/growing-areas/${submitted}/transitions`, { to: 'draft', note: 'Bổ sung thửa' });
    expect(back.statusCode, back.body).toBeLessThan(300);
    const edited = await patch(member, { properties: { variety: 'Cát Chu 2' } });
    expect(edited.statusCode, edited.body).toBe(200);
  });
});

describe('a growing area itself, through the features API', () => {
  const AREAS = '/ogc/collections/growing_areas/items';
  const areaTag = (id: number) => etagOf(fx, `${AREAS}/${id}`);
  async function areaState(id: number) {
    const { rows } = await fx.db.query<Record<string, unknown>>(
      `SELECT (SELECT g::text FROM growing_areas g WHERE g.id = $1) AS area,
              (SELECT count(*)::int FROM growing_area_transitions WHERE growing_area_id = $1) AS transitions,
              (SELECT count(*)::int FROM edit_log) AS log`,
      [id],
    );
    return rows[0];
  }

  it.each(GROWING_AREA_STATUSES)('is edited and deleted only as a draft (%s)', async (status) => {
    const id = await area(status);
    await fx.db.query(
      `INSERT INTO growing_area_transitions (growing_area_id, from_status, to_status, actor_id, note) VALUES ($1, 'draft', $2, $3, 'thử')`,
      [id, status, fx.userIds.officer],
    );
    const before = await areaState(id);
    const renamed = await patchItem(fx, `${AREAS}/${id}`, { properties: { name: 'Vùng đổi tên' } });
    const deleted = await fx.app.inject({
      method: 'DELETE',
      url: `${AREAS}/${id}`,
      headers: fx.as('officer', { 'if-match': await areaTag(id) }),
    });
    if (status === 'draft') {
      expect(renamed.statusCode, renamed.body).toBe(200);
      expect(deleted.statusCode, deleted.body).toBe(204);
    } else {
      expectRefusal(renamed, 'growing-area-not-draft', id, status);
      expectRefusal(deleted, 'growing-area-not-draft', id, status);
      expect(await areaState(id)).toEqual(before);
    }
  });
});

describe('races with the registry', () => {
  it('an edit that waits for a transition in flight sees its outcome: the plot is refused, not written behind the submission', async () => {
    const draft = await area('draft');
    const member = await storedPlot(0.0045, 0.0002, draft);
    const tag = await etag(member);
    // The registry's transition, held open: the area row locked FOR UPDATE and its status changed.
    const transition = await holdTransaction(fx.db, async (tx) => {
      await tx.query('SELECT id FROM growing_areas WHERE id = $1 FOR UPDATE', [draft]);
      await tx.query(`UPDATE growing_areas SET status = 'submitted' WHERE id = $1`, [draft]);
    });
    const edit = fx.app.inject({
      method: 'PATCH',
      url: `${ITEMS}/${member}`,
      headers: fx.as('officer', { ...MERGE, 'if-match': tag }),
      payload: JSON.stringify({ properties: { variety: 'Cát Chu muộn' } }),
    });
    // The edit's transaction is queued behind the area's row lock before the transition commits.
    await untilSomeoneWaitsForALock(fx.db);
    await transition.release();
    expectRefusal(await edit, 'plot-in-locked-growing-area', draft, 'submitted');
    const { rows } = await fx.db.query<{ variety: string }>('SELECT variety FROM plots WHERE id = $1', [member]);
    expect(rows[0]!.variety).toBe('Cát Chu');
  });

  it('concurrent edits and deletes of several plots of one draft all go through (no deadlock on the area row)', async () => {
    const draft = await area('draft');
    const plots = await Promise.all([0, 1, 2, 3, 4, 5].map((k) => storedPlot(0.0055 + k * 0.0007, 0.0002, draft, 0.0003)));
    const tags = await Promise.all(plots.map(etag));
    const responses = await Promise.all(
      plots.map((id, k) =>
        k % 2 === 0
          ? fx.app.inject({
              method: 'PATCH',
              url: `${ITEMS}/${id}`,
              headers: fx.as('officer', { ...MERGE, 'if-match': tags[k]! }),
              payload: JSON.stringify({ geometry: square(X + 0.0055 + k * 0.0007, Y + 0.0002, 0.0004) }),
            })
          : fx.app.inject({ method: 'DELETE', url: `${ITEMS}/${id}`, headers: fx.as('officer', { 'if-match': tags[k]! }) }),
      ),
    );
    expect(responses.map((r) => r.statusCode)).toEqual([200, 204, 200, 204, 200, 204]);
    const { rows } = await fx.db.query<{ area_m2: number; sum: number }>(
      'SELECT g.area_m2, (SELECT sum(area_m2) FROM plots WHERE growing_area_id = g.id) AS sum FROM growing_areas g WHERE g.id = $1',
      [draft],
    );
    expect(rows[0]!.area_m2).toBeCloseTo(rows[0]!.sum, 3);
  });
});
