import { describe, expect, it } from 'vitest';
import { ORIGIN, WARD_A, openFeaturesFixture, square, type FeaturesFixture } from '../helpers/features-fixture.ts';
import { openForFile } from '../helpers/for-file.ts';

const fx = openForFile(openFeaturesFixture);
const [X, Y] = ORIGIN;
const GEO = { 'content-type': 'application/geo+json' };
const PATCH = { 'content-type': 'application/merge-patch+json' };

function plot(x: number, y: number, properties: Record<string, unknown> = {}) {
  return { type: 'Feature', geometry: square(x, y, 0.0005), properties: { crop: 'rice', ...properties } };
}

async function get(url: string, role: Parameters<FeaturesFixture['as']>[0] = 'officer') {
  return fx.app.inject({ url, headers: fx.as(role) });
}

async function logRows(collection: string, id: number) {
  const { rows } = await fx.db.query<{ action: string; user_id: number | null; origin: string; after: Record<string, unknown> | null }>(
    'SELECT action, user_id, origin, after FROM edit_log WHERE collection = $1 AND feature_id = $2 ORDER BY id',
    [collection, String(id)],
  );
  return rows;
}

describe('creating a plot (POST)', () => {
  it('answers 201 with Location and a strong ETag, derives the commune, and logs the insert with the officer', async () => {
    const response = await fx.app.inject({
      method: 'POST',
      url: '/ogc/collections/plots/items',
      headers: fx.as('officer', GEO),
      payload: plot(X + 0.003, Y + 0.001, { variety: 'IR50404', farmer_id: fx.ids.farmerA }),
    });
    expect(response.statusCode, response.body).toBe(201);
    const body = response.json();
    expect(response.headers.location).toMatch(new RegExp(`/ogc/collections/plots/items/${body.id}$`));
    // The officer's body carries the farmer's name: its tag is the version's plus the officer's scope.
    expect(response.headers.etag).toMatch(new RegExp(`^"${body.id}-1\\.[A-Za-z0-9_-]{8}"$`));
    expect(body.properties).toMatchObject({ commune_code: WARD_A, crop: 'rice', variety: 'IR50404', farmer_name: 'Nguyễn Văn Thử' });
    expect(body.properties.area_m2).toBeGreaterThan(2900);
    const again = await get(new URL(response.headers.location as string).pathname);
    expect(again.statusCode).toBe(200);
    expect(again.headers.etag).toBe(response.headers.etag);
    const log = await logRows('plots', body.id);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ action: 'insert', user_id: fx.userIds.officer, origin: 'api' });
  });

  it('refuses an invalid plot with 422 listing every reason', async () => {
    const bowtie = {
      type: 'Polygon',
      coordinates: [
        [
          [X + 0.0031, Y + 0.0031],
          [X + 0.0035, Y + 0.0035],
          [X + 0.0035, Y + 0.0031],
          [X + 0.0031, Y + 0.0035],
          [X + 0.0031, Y + 0.0031],
        ],
      ],
    };
    const response = await fx.app.inject({
      method: 'POST',
      url: '/ogc/collections/plots/items',
      headers: fx.as('officer', GEO),
      payload: { type: 'Feature', geometry: bowtie, properties: { variety: 7, colour: 'red', planting_date: '2024-13-01' } },
    });
    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    const codes = (response.json().reasons as { code: string; property?: string; at?: number[] }[]).map(
      (r) => `${r.code}:${r.property ?? ''}`,
    );
    expect(codes).toEqual(
      expect.arrayContaining([
        'UNKNOWN_PROPERTY:colour',
        'MISSING_PROPERTY:crop',
        'INVALID_PROPERTY:variety',
        'INVALID_PROPERTY:planting_date',
        'SELF_INTERSECTION:',
      ]),
    );
    const crossing = (response.json().reasons as { code: string; at?: number[] }[]).find((r) => r.code === 'SELF_INTERSECTION');
    expect(crossing?.at?.[0]).toBeCloseTo(X + 0.0033, 9);
    expect(crossing?.at?.[1]).toBeCloseTo(Y + 0.0033, 9);
  });

  it('reports overlaps with other plots with their ids and overlap area, and a plot outside the officer’s ward', async () => {
    // Half over plot A (0.001° square at +0.001), and a second one in ward B.
    const response = await fx.app.inject({
      method: 'POST',
      url: '/ogc/collections/plots/items',
      headers: fx.as('officer', GEO),
      payload: { type: 'Feature', geometry: square(X + 0.0015, Y + 0.0015, 0.001), properties: { crop: 'mango' } },
    });
    expect(response.statusCode).toBe(422);
    const overlap = (response.json().reasons as { code: string; overlaps?: { id: number; overlap_m2: number }[] }[]).find(
      (r) => r.code === 'PLOT_OVERLAPS',
    );
    expect(overlap?.overlaps).toHaveLength(1);
    expect(overlap?.overlaps?.[0]?.id).toBe(fx.ids.plotA);
    // A quarter of a 0.001° square at 11.9° N: about 12,051 m² / 4.
    expect(overlap?.overlaps?.[0]?.overlap_m2).toBeGreaterThan(2900);
    expect(overlap?.overlaps?.[0]?.overlap_m2).toBeLessThan(3100);

    const elsewhere = await fx.app.inject({
      method: 'POST',
      url: '/ogc/collections/plots/items',
      headers: fx.as('officer', GEO),
      payload: plot(X + 0.015, Y + 0.008),
    });
    expect(elsewhere.statusCode).toBe(422);
    expect(elsewhere.json().reasons.map((r: { code: string }) => r.code)).toContain('OUTSIDE_COMMUNE');

    const straddling = await fx.app.inject({
      method: 'POST',
      url: '/ogc/collections/plots/items',
      headers: fx.as('officer', GEO),
      payload: { type: 'Feature', geometry: square(X + 0.0095, Y + 0.008, 0.001), properties: { crop: 'rice', commune_code: WARD_A } },
    });
    expect(straddling.statusCode).toBe(422);
    const outside = (straddling.json().reasons as { code: string; outside_m2?: number }[]).find((r) => r.code === 'OUTSIDE_COMMUNE');
    expect(outside?.outside_m2).toBeGreaterThan(5000);
  });

  it('writes nothing when validation fails', async () => {
    const before = await fx.db.query<{ n: number }>('SELECT (SELECT count(*) FROM plots) + (SELECT count(*) FROM edit_log) AS n');
    await fx.app.inject({ method: 'POST', url: '/ogc/collections/plots/items', headers: fx.as('officer', GEO), payload: plot(200, 0) });
    const after = await fx.db.query<{ n: number }>('SELECT (SELECT count(*) FROM plots) + (SELECT count(*) FROM edit_log) AS n');
    expect(after.rows[0]?.n).toBe(before.rows[0]?.n);
  });

  it('refuses a body that is not a Feature with 400 and a wrong media type with 415', async () => {
    const notFeature = await fx.app.inject({
      method: 'POST',
      url: '/ogc/collections/plots/items',
      headers: fx.as('officer', GEO),
      payload: { type: 'Polygon' },
    });
    expect(notFeature.statusCode).toBe(400);
    const form = await fx.app.inject({
      method: 'POST',
      url: '/ogc/collections/plots/items',
      headers: fx.as('officer', { 'content-type': 'text/plain' }),
      payload: 'crop=rice',
    });
    expect(form.statusCode).toBe(415);
  });
});

describe('changing a plot (PUT, PATCH, DELETE)', () => {
  let slot = 0;
  // Each test gets its own 0.0005° square on a grid in the north of ward A, clear of the fixture.
  async function fresh(): Promise<{ id: number; etag: string }> {
    const i = slot++;
    const response = await fx.app.inject({
      method: 'POST',
      url: '/ogc/collections/plots/items',
      headers: fx.as('officer', GEO),
      payload: plot(X + 0.0002 + (i % 10) * 0.0008, Y + 0.0062 + Math.floor(i / 10) * 0.0008),
    });
    expect(response.statusCode, response.body).toBe(201);
    return { id: response.json().id, etag: response.headers.etag as string };
  }

  it('needs If-Match (428) and refuses a stale one (412) without changing anything', async () => {
    const { id, etag } = await fresh();
    const url = `/ogc/collections/plots/items/${id}`;
    const none = await fx.app.inject({ method: 'PATCH', url, headers: fx.as('officer', PATCH), payload: { properties: { variety: 'A' } } });
    expect(none.statusCode).toBe(428);
    const ok = await fx.app.inject({
      method: 'PATCH',
      url,
      headers: fx.as('officer', { ...PATCH, 'if-match': etag }),
      payload: { properties: { variety: 'A' } },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.headers.etag).toMatch(new RegExp(`^"${id}-2\\.[A-Za-z0-9_-]{8}"$`));
    const stale = await fx.app.inject({
      method: 'PATCH',
      url,
      headers: fx.as('officer', { ...PATCH, 'if-match': etag }),
      payload: { properties: { variety: 'B' } },
    });
    expect(stale.statusCode).toBe(412);
    expect(stale.json().currentETag).toBe(`"${id}-2"`);
    const weak = await fx.app.inject({ method: 'DELETE', url, headers: fx.as('officer', { 'if-match': `W/"${id}-2"` }) });
    expect(weak.statusCode).toBe(412);
    expect((await get(url)).json().properties.variety).toBe('A');
  });

  it('applies a merge patch: named properties change, null clears, the rest stays', async () => {
    const { id, etag } = await fresh();
    const url = `/ogc/collections/plots/items/${id}`;
    const first = await fx.app.inject({
      method: 'PATCH',
      url,
      headers: fx.as('officer', { ...PATCH, 'if-match': etag }),
      payload: { properties: { variety: 'OM5451', planting_date: '2025-01-10' } },
    });
    expect(first.statusCode, first.body).toBe(200);
    const second = await fx.app.inject({
      method: 'PATCH',
      url,
      headers: fx.as('officer', { ...PATCH, 'if-match': first.headers.etag as string }),
      payload: { properties: { variety: null } },
    });
    expect(second.json().properties).toMatchObject({ variety: null, planting_date: '2025-01-10', crop: 'rice' });
  });

  it('replaces with PUT, accepting the computed properties a client read back', async () => {
    const { id, etag } = await fresh();
    const url = `/ogc/collections/plots/items/${id}`;
    const read = (await get(url)).json();
    read.properties.crop = 'lotus';
    read.geometry = square(X + 0.0085, Y + 0.0005, 0.0004);
    const put = await fx.app.inject({ method: 'PUT', url, headers: fx.as('officer', { ...GEO, 'if-match': etag }), payload: read });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().properties.crop).toBe('lotus');
    const [x0, y0] = put.json().geometry.coordinates[0][0];
    expect(x0).toBeCloseTo(X + 0.0085, 8);
    expect(y0).toBeCloseTo(Y + 0.0005, 8);
    expect(put.json().properties.area_m2).toBeLessThan(2500);
  });

  it('deletes with 204 and keeps the history, which shows every version with the user', async () => {
    const { id, etag } = await fresh();
    const url = `/ogc/collections/plots/items/${id}`;
    const patched = await fx.app.inject({
      method: 'PATCH',
      url,
      headers: fx.as('officer', { ...PATCH, 'if-match': etag }),
      payload: { properties: { variety: 'X' } },
    });
    const deleted = await fx.app.inject({
      method: 'DELETE',
      url,
      headers: fx.as('officer', { 'if-match': patched.headers.etag as string }),
    });
    expect(deleted.statusCode).toBe(204);
    expect((await get(url)).statusCode).toBe(404);
    const history = await get(`${url}/history`);
    expect(history.statusCode).toBe(200);
    const entries = history.json().entries as {
      action: string;
      version: number;
      user: { username: string };
      before: unknown;
      after: unknown;
    }[];
    expect(entries.map((e) => e.action)).toEqual(['insert', 'update', 'delete']);
    expect(entries.map((e) => e.user.username)).toEqual(['fx-officer', 'fx-officer', 'fx-officer']);
    expect(entries[1]).toMatchObject({ version: 2, before: { properties: { variety: null } }, after: { properties: { variety: 'X' } } });
  });

  it('restores an earlier version as a new edit, and brings a deleted plot back under its id', async () => {
    const { id, etag } = await fresh();
    const url = `/ogc/collections/plots/items/${id}`;
    const v2 = await fx.app.inject({
      method: 'PATCH',
      url,
      headers: fx.as('officer', { ...PATCH, 'if-match': etag }),
      payload: { properties: { variety: 'second' } },
    });
    const v3 = await fx.app.inject({
      method: 'PATCH',
      url,
      headers: fx.as('officer', { ...PATCH, 'if-match': v2.headers.etag as string }),
      payload: { properties: { variety: 'third' } },
    });
    const entries = (await get(`${url}/history`)).json().entries as { id: number }[];
    const first = entries[0]!.id;
    const noTag = await fx.app.inject({ method: 'POST', url: `${url}/history/${first}/restore`, headers: fx.as('officer') });
    expect(noTag.statusCode).toBe(428);
    const restored = await fx.app.inject({
      method: 'POST',
      url: `${url}/history/${first}/restore`,
      headers: fx.as('officer', { 'if-match': v3.headers.etag as string }),
    });
    expect(restored.statusCode, restored.body).toBe(200);
    expect(restored.json().properties).toMatchObject({ variety: null, version: 4 });
    const log = await logRows('plots', id);
    expect(log.map((l) => l.origin)).toEqual(['api', 'api', 'api', 'restore']);

    await fx.app.inject({ method: 'DELETE', url, headers: fx.as('officer', { 'if-match': restored.headers.etag as string }) });
    const back = await fx.app.inject({ method: 'POST', url: `${url}/history/${entries[1]!.id}/restore`, headers: fx.as('officer') });
    expect(back.statusCode, back.body).toBe(201);
    // Versions 1–4 existed; the re-created feature continues at 5, so no ETag is ever reused.
    expect(back.json()).toMatchObject({ id, properties: { variety: 'second', version: 5 } });
    expect(back.headers.etag).toMatch(new RegExp(`^"${id}-5\\.[A-Za-z0-9_-]{8}"$`));
  });
});

describe('who may write', () => {
  it('keeps officers to their own wards: 403 on another ward’s plot, 422 when moving one out', async () => {
    const b = await get(`/ogc/collections/plots/items/${fx.ids.plotB}`);
    const other = await fx.app.inject({
      method: 'PATCH',
      url: `/ogc/collections/plots/items/${fx.ids.plotB}`,
      headers: fx.as('officer', { ...PATCH, 'if-match': b.headers.etag as string }),
      payload: { properties: { variety: 'x' } },
    });
    expect(other.statusCode).toBe(403);
    const a = await get(`/ogc/collections/plots/items/${fx.ids.plotA}`);
    const moved = await fx.app.inject({
      method: 'PATCH',
      url: `/ogc/collections/plots/items/${fx.ids.plotA}`,
      headers: fx.as('officer', { ...PATCH, 'if-match': a.headers.etag as string }),
      payload: { properties: { commune_code: '99902' } },
    });
    expect(moved.statusCode).toBe(422);
    expect(moved.json().reasons.map((r: { code: string }) => r.code)).toContain('OUTSIDE_COMMUNE');
  });

  it('refuses status changes of growing areas outside the lifecycle', async () => {
    const area = await get(`/ogc/collections/growing_areas/items/${fx.ids.areaDraftA}`);
    expect(area.statusCode).toBe(200);
    const response = await fx.app.inject({
      method: 'PATCH',
      url: `/ogc/collections/growing_areas/items/${fx.ids.areaDraftA}`,
      headers: fx.as('officer', { ...PATCH, 'if-match': area.headers.etag as string }),
      payload: { properties: { status: 'active', households: 12 } },
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().reasons).toEqual([expect.objectContaining({ code: 'READ_ONLY_PROPERTY', property: 'status' })]);
  });

  it('saves a draft’s profile as its card does: a registry edit in between makes the read stale (412), bad names are refused by property, nothing half-written', async () => {
    const url = `/ogc/collections/growing_areas/items/${fx.ids.areaDraftA}`;
    const read = await get(url);
    expect(read.statusCode).toBe(200);
    const row = async () =>
      (
        await fx.db.query<{ name: string; households: number | null; version: number }>(
          'SELECT name, households, version FROM growing_areas WHERE id = $1',
          [fx.ids.areaDraftA],
        )
      ).rows[0]!;
    const before = await row();
    // Someone edits the profile through the registry meanwhile (with its own read's ETag): the card's
    // ETag no longer names the stored version.
    const theirRead = await fx.app.inject({ url: `/api/growing-areas/${fx.ids.areaDraftA}`, headers: fx.as('officer') });
    const registry = await fx.app.inject({
      method: 'PATCH',
      url: `/api/growing-areas/${fx.ids.areaDraftA}`,
      headers: fx.as('officer', { 'content-type': 'application/json', 'if-match': theirRead.headers.etag as string }),
      payload: { name: 'Vùng sửa qua sổ đăng ký' },
    });
    expect(registry.statusCode, registry.body).toBe(200);
    const stale = await fx.app.inject({
      method: 'PATCH',
      url,
      headers: fx.as('officer', { ...PATCH, 'if-match': read.headers.etag as string }),
      payload: { properties: { name: 'Tên của thẻ', households: 9 } },
    });
    expect(stale.statusCode).toBe(412);
    expect(await row()).toEqual({ ...before, name: 'Vùng sửa qua sổ đăng ký', version: before.version + 1 });
    // Read again: hostile values are refused by property (the card says them under the field), nothing written.
    const fresh = await get(url);
    for (const [properties, property, rule] of [
      [{ name: '🥭🥭🥭', households: 9 }, 'name', 'name-no-letter'],
      [{ registrant_name: 'HTX 🙂' }, 'registrant_name', 'name-pictograph'],
      [{ households: -1 }, 'households', undefined],
      [{ households: 'nhiều' }, 'households', undefined],
      [{ name: '' }, 'name', undefined],
    ] as const) {
      const refused = await fx.app.inject({
        method: 'PATCH',
        url,
        headers: fx.as('officer', { ...PATCH, 'if-match': fresh.headers.etag as string }),
        payload: { properties },
      });
      expect(refused.statusCode, JSON.stringify(properties)).toBe(422);
      expect(refused.json().reasons).toContainEqual(expect.objectContaining({ property, ...(rule ? { rule } : {}) }));
    }
    expect(await row()).toEqual({ ...before, name: 'Vùng sửa qua sổ đăng ký', version: before.version + 1 });
    const saved = await fx.app.inject({
      method: 'PATCH',
      url,
      headers: fx.as('officer', { ...PATCH, 'if-match': fresh.headers.etag as string }),
      payload: { properties: { name: 'Tên của thẻ', households: 9 } },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(await row()).toEqual({ name: 'Tên của thẻ', households: 9, version: before.version + 2 });
    // The registry reads what the card wrote.
    const area = await fx.app.inject({ url: `/api/growing-areas/${fx.ids.areaDraftA}`, headers: fx.as('officer') });
    expect(area.json()).toMatchObject({ name: 'Tên của thẻ', households: 9 });
  });

  it('takes plots into and out of a draft as its card sends them: hostile ids 400, a refused plot in an addition writes none, a plot not in the draft 404', async () => {
    // A free mango plot of ward A, where no plot of this file lies (the first free spot of a few corners).
    let mango = 0;
    for (const [dx, dy] of [
      [0.0094, 0.0001],
      [0.0094, 0.0094],
      [0.0001, 0.0001],
      [0.0001, 0.0094],
      [0.0094, 0.005],
    ]) {
      const created = await fx.app.inject({
        method: 'POST',
        url: '/ogc/collections/plots/items',
        headers: fx.as('officer', GEO),
        payload: { type: 'Feature', geometry: square(X + dx!, Y + dy!, 0.0004), properties: { crop: 'mango' } },
      });
      if (created.statusCode === 201) {
        mango = created.json().id;
        break;
      }
    }
    expect(mango).toBeGreaterThan(0);
    const base = `/api/growing-areas/${fx.ids.areaDraftA}/plots`;
    const json = fx.as('officer', { 'content-type': 'application/json' });
    const members = async () =>
      (await fx.db.query<{ id: number }>('SELECT id FROM plots WHERE growing_area_id = $1 ORDER BY id', [fx.ids.areaDraftA])).rows.map(
        (r) => Number(r.id),
      );
    const before = await members();
    for (const payload of [{ plotIds: [] }, { plotIds: [mango, mango] }, { plotIds: ['x'] }, { plotIds: [0] }, {}]) {
      const refused = await fx.app.inject({ method: 'POST', url: base, headers: json, payload });
      expect(refused.statusCode, JSON.stringify(payload)).toBe(400);
    }
    for (const id of ['abc', '0', '-1', '1.5', '99999999999999999999']) {
      const refused = await fx.app.inject({ method: 'DELETE', url: `${base}/${id}`, headers: fx.as('officer') });
      expect(refused.statusCode, id).toBe(400);
    }
    // A plot of a commune the officer does not work in beside a good one: 422 naming it by plotId, neither joins.
    const mixed = await fx.app.inject({ method: 'POST', url: base, headers: json, payload: { plotIds: [mango, fx.ids.plotB] } });
    expect(mixed.statusCode).toBe(422);
    const problems: { plotId: number }[] = mixed.json().problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'PLOT_OUTSIDE_YOUR_COMMUNES', plotId: fx.ids.plotB, communeCode: '99902' }),
        expect.objectContaining({ code: 'PLOT_CROP_MISMATCH', plotId: fx.ids.plotB, plotCrop: 'rice', areaCrop: 'mango' }),
      ]),
    );
    // Each refusal names the refused plot (the card says it under that plot), none the good one.
    expect(problems.map((p) => p.plotId)).toEqual(problems.map(() => fx.ids.plotB));
    expect(await members()).toEqual(before);
    const notMember = await fx.app.inject({ method: 'DELETE', url: `${base}/${mango}`, headers: fx.as('officer') });
    expect(notMember.statusCode).toBe(404);
    const added = await fx.app.inject({ method: 'POST', url: base, headers: json, payload: { plotIds: [mango] } });
    expect(added.statusCode, added.body).toBe(200);
    expect(await members()).toEqual([...before, mango].sort((a, b) => a - b));
    const removed = await fx.app.inject({ method: 'DELETE', url: `${base}/${mango}`, headers: fx.as('officer') });
    expect(removed.statusCode, removed.body).toBe(200);
    expect(await members()).toEqual(before);
  });

  it('lets a planner edit zoning lots and refuses duplicate lot codes', async () => {
    const created = await fx.app.inject({
      method: 'POST',
      url: '/ogc/collections/zones/items',
      headers: fx.as('planner', GEO),
      payload: {
        type: 'Feature',
        geometry: square(X + 0.008, Y + 0.008, 0.0005),
        properties: { plan_id: fx.ids.planId, lot_code: 'FX-CX-02', function: 'Cây xanh' },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().properties).toMatchObject({ plan_name: 'Quy hoạch thử', phase: 'existing', decision_no: '123/QĐ-UBND' });
    const duplicate = await fx.app.inject({
      method: 'POST',
      url: '/ogc/collections/zones/items',
      headers: fx.as('planner', GEO),
      payload: {
        type: 'Feature',
        geometry: square(X + 0.008, Y + 0.008, 0.0005),
        properties: { plan_id: fx.ids.planId, lot_code: 'FX-CX-02', function: 'Cây xanh', max_density_pct: 120 },
      },
    });
    expect(duplicate.statusCode).toBe(422);
    expect(
      duplicate
        .json()
        .reasons.map((r: { code: string }) => r.code)
        .sort(),
    ).toEqual(['DUPLICATE_KEY', 'INVALID_PROPERTY']);
  });

  it('answers OPTIONS with the methods this viewer may use, and 405 with Allow on read-only collections', async () => {
    const anonymous = await fx.app.inject({ method: 'OPTIONS', url: '/ogc/collections/plots/items' });
    expect(anonymous.statusCode).toBe(204);
    expect(anonymous.headers.allow).toBe('GET, HEAD, OPTIONS');
    const officer = await fx.app.inject({
      method: 'OPTIONS',
      url: `/ogc/collections/plots/items/${fx.ids.plotA}`,
      headers: fx.as('officer'),
    });
    expect(officer.headers.allow).toBe('GET, HEAD, OPTIONS, PUT, PATCH, DELETE');
    const readOnly = await fx.app.inject({
      method: 'POST',
      url: '/ogc/collections/landuse/items',
      headers: fx.as('admin', GEO),
      payload: plot(X, Y),
    });
    expect(readOnly.statusCode).toBe(405);
    expect(readOnly.headers.allow).toBe('GET, HEAD, OPTIONS');
  });
});

describe('a row’s version moves with every change, direct SQL edits too', () => {
  // Squares of 0.0005° in the middle of ward A that no other test of this file draws on.
  const spots = [
    [0.0055, 0.0025],
    [0.0065, 0.0025],
    [0.0075, 0.0025],
    [0.0055, 0.004],
    [0.0065, 0.004],
  ] as const;
  let next = 0;
  async function newPlot(crop = 'rice'): Promise<{ id: number; url: string; etag: string }> {
    const [dx, dy] = spots[next++]!;
    const created = await fx.app.inject({
      method: 'POST',
      url: '/ogc/collections/plots/items',
      headers: fx.as('officer', GEO),
      payload: { type: 'Feature', geometry: square(X + dx, Y + dy, 0.0005), properties: { crop, farmer_id: fx.ids.farmerA } },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as number;
    return { id, url: `/ogc/collections/plots/items/${id}`, etag: created.headers.etag as string };
  }
  const stored = async (table: 'plots' | 'growing_areas', id: number) =>
    (
      await fx.db.query<{ version: number; variety: string | null; name: string | null; area_m2: number }>(
        `SELECT version, variety, ${table === 'plots' ? 'NULL' : 'name'} AS name, area_m2 FROM ${table} WHERE id = $1`,
        [id],
      )
    ).rows[0]!;

  it('a plot edited in SQL (not through the API) has a new ETag: the old one revalidates to 200 with the new body, and a PATCH with it is 412, changing nothing', async () => {
    const { id, url, etag } = await newPlot();
    const guestTag = (await fx.app.inject({ url })).headers.etag as string;
    const before = await stored('plots', id);
    await fx.db.query(`UPDATE plots SET variety = 'Sửa trong QGIS' WHERE id = $1`, [id]);
    const after = await stored('plots', id);
    expect(after).toMatchObject({ version: before.version + 1, variety: 'Sửa trong QGIS' });

    const read = await get(url);
    expect(read.headers.etag).toMatch(new RegExp(`^"${id}-${after.version}\\.[A-Za-z0-9_-]{8}"$`));
    expect(read.headers.etag).not.toBe(etag);
    // The officer's kept copy and a guest's: each asks with its old tag and gets the new body.
    const officer = await fx.app.inject({ url, headers: fx.as('officer', { 'if-none-match': etag }) });
    expect(officer.statusCode).toBe(200);
    expect(officer.json().properties).toMatchObject({ variety: 'Sửa trong QGIS', version: after.version });
    expect(officer.headers.etag).toBe(read.headers.etag);
    const guest = await fx.app.inject({ url, headers: { 'if-none-match': guestTag } });
    expect(guest.statusCode).toBe(200);
    expect(guest.headers.etag).toBe(`"${id}-${after.version}"`);
    expect(guest.json().properties.variety).toBe('Sửa trong QGIS');

    // An edit made on the copy of before is refused (no lost update), in either tag's form.
    for (const tag of [etag, guestTag]) {
      const stale = await fx.app.inject({
        method: 'PATCH',
        url,
        headers: fx.as('officer', { ...PATCH, 'if-match': tag }),
        payload: { properties: { variety: 'Sửa trên thẻ cũ' } },
      });
      expect(stale.statusCode, stale.body).toBe(412);
      expect(stale.json().currentETag).toBe(`"${id}-${after.version}"`);
      const gone = await fx.app.inject({ method: 'DELETE', url, headers: fx.as('officer', { 'if-match': tag }) });
      expect(gone.statusCode).toBe(412);
    }
    expect(await stored('plots', id)).toEqual(after);
  });

  it('a PATCH or PUT through the API moves the version by exactly one, and its answer’s ETag is the one the next read gives', async () => {
    const { id, url, etag } = await newPlot();
    const v0 = (await stored('plots', id)).version;
    const patched = await fx.app.inject({
      method: 'PATCH',
      url,
      headers: fx.as('officer', { ...PATCH, 'if-match': etag }),
      payload: { properties: { variety: 'OM18' } },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(await stored('plots', id)).toMatchObject({ version: v0 + 1, variety: 'OM18' });
    expect(patched.json().properties.version).toBe(v0 + 1);
    expect(patched.headers.etag).toBe((await get(url)).headers.etag);
    const body = patched.json();
    body.geometry = square(X + spots[1]![0], Y + spots[1]![1] + 0.0011, 0.0004);
    delete body.links;
    const put = await fx.app.inject({
      method: 'PUT',
      url,
      headers: fx.as('officer', { ...GEO, 'if-match': patched.headers.etag as string }),
      payload: body,
    });
    expect(put.statusCode, put.body).toBe(200);
    expect((await stored('plots', id)).version).toBe(v0 + 2);
    expect(put.headers.etag).toBe((await get(url)).headers.etag);
  });

  it('an UPDATE that changes nothing keeps the version: the tag still revalidates to 304 and still applies', async () => {
    const { id, url, etag } = await newPlot();
    const before = await stored('plots', id);
    await fx.db.query('UPDATE plots SET variety = variety, geom = geom, crop = crop WHERE id = $1', [id]);
    expect(await stored('plots', id)).toEqual(before);
    const revalidated = await fx.app.inject({ url, headers: fx.as('officer', { 'if-none-match': etag }) });
    expect(revalidated.statusCode).toBe(304);
    const patched = await fx.app.inject({
      method: 'PATCH',
      url,
      headers: fx.as('officer', { ...PATCH, 'if-match': etag }),
      payload: { properties: { variety: 'Một' } },
    });
    expect(patched.statusCode, patched.body).toBe(200);
  });

  it('a member plot reshaped reshapes its draft: the area’s ETag moves in both APIs, its old tag is 412 there, and the registry’s edit answers the tag of the next read', async () => {
    const member = await newPlot('mango');
    const officerJson = fx.as('officer', { 'content-type': 'application/json' });
    const created = await fx.app.inject({
      method: 'POST',
      url: '/api/growing-areas',
      headers: officerJson,
      payload: {
        name: 'Vùng xoài thử phiên bản',
        scheme: 'domestic-3156',
        crop: 'mango',
        communeCode: WARD_A,
        registrantName: 'HTX Xoài Thử',
        plotIds: [member.id],
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const areaId = created.json().id as number;
    const areaUrl = `/ogc/collections/growing_areas/items/${areaId}`;
    const registryUrl = `/api/growing-areas/${areaId}`;
    const featureTag = (await get(areaUrl)).headers.etag as string;
    const registryTag = (await get(registryUrl)).headers.etag as string;
    expect(registryTag).toBe(created.headers.etag);
    const before = await stored('growing_areas', areaId);
    const memberTag = (await get(member.url)).headers.etag as string;

    // The plot's outline shrinks (through the features API): the area's shape and m² follow, and so does its version.
    const [dx, dy] = spots[next - 1]!;
    const reshaped = await fx.app.inject({
      method: 'PATCH',
      url: member.url,
      headers: fx.as('officer', { ...PATCH, 'if-match': memberTag }),
      payload: { geometry: square(X + dx, Y + dy, 0.0003) },
    });
    expect(reshaped.statusCode, reshaped.body).toBe(200);
    const after = await stored('growing_areas', areaId);
    expect(after.area_m2).toBeLessThan(before.area_m2 * 0.5);
    expect(after.version).toBe(before.version + 1);
    const featureRead = await get(areaUrl);
    expect(featureRead.headers.etag).not.toBe(featureTag);
    expect(featureRead.json().properties.area_m2).toBeCloseTo(after.area_m2, 3);
    expect((await fx.app.inject({ url: areaUrl, headers: fx.as('officer', { 'if-none-match': featureTag }) })).statusCode).toBe(200);
    const registryRead = await get(registryUrl);
    expect(registryRead.headers.etag).not.toBe(registryTag);
    expect(registryRead.headers.etag).toMatch(new RegExp(`^"${areaId}-${after.version}\\.`));

    // Edits made on the reads of before are refused in both APIs; nothing written.
    const staleRegistry = await fx.app.inject({
      method: 'PATCH',
      url: registryUrl,
      headers: { ...officerJson, 'if-match': registryTag },
      payload: { name: 'Tên trên thẻ cũ' },
    });
    expect(staleRegistry.statusCode, staleRegistry.body).toBe(412);
    expect(staleRegistry.json().currentETag).toBe(registryRead.headers.etag);
    const staleFeature = await fx.app.inject({
      method: 'PATCH',
      url: areaUrl,
      headers: fx.as('officer', { ...PATCH, 'if-match': featureTag }),
      payload: { properties: { name: 'Tên trên thẻ cũ' } },
    });
    expect(staleFeature.statusCode, staleFeature.body).toBe(412);
    expect(await stored('growing_areas', areaId)).toEqual(after);

    // The registry's edit on the current tag: one version more, answered with the tag its next read gives, in both APIs.
    const saved = await fx.app.inject({
      method: 'PATCH',
      url: registryUrl,
      headers: { ...officerJson, 'if-match': registryRead.headers.etag as string },
      payload: { name: 'Vùng xoài thử phiên bản (sửa)' },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(await stored('growing_areas', areaId)).toMatchObject({ version: after.version + 1, name: 'Vùng xoài thử phiên bản (sửa)' });
    expect(saved.headers.etag).toBe((await get(registryUrl)).headers.etag);
    expect(saved.json().version).toBe(after.version + 1);
    expect((await get(areaUrl)).json().properties.version).toBe(after.version + 1);
  });
});

describe('writing with the session cookie', () => {
  it('needs the CSRF token from sign-in', async () => {
    const login = await fx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'fx-officer', password: 'fixture-password-2026' },
      remoteAddress: '10.9.1.1',
    });
    const cookie = login.cookies.find((c) => c.name === 'bando_session');
    expect(cookie?.httpOnly).toBe(true);
    const csrf = login.json().csrfToken as string;
    const headers = { ...GEO, cookie: `bando_session=${cookie?.value}` };
    const without = await fx.app.inject({
      method: 'POST',
      url: '/ogc/collections/plots/items',
      headers,
      payload: plot(X + 0.0005, Y + 0.0085),
    });
    expect(without.statusCode).toBe(403);
    expect(without.json().code).toBe('CSRF');
    const wrong = await fx.app.inject({
      method: 'POST',
      url: '/ogc/collections/plots/items',
      headers: { ...headers, 'x-csrf-token': 'x'.repeat(43) },
      payload: plot(X + 0.0005, Y + 0.0085),
    });
    expect(wrong.statusCode).toBe(403);
    const right = await fx.app.inject({
      method: 'POST',
      url: '/ogc/collections/plots/items',
      headers: { ...headers, 'x-csrf-token': csrf },
      payload: plot(X + 0.0005, Y + 0.0085),
    });
    expect(right.statusCode, right.body).toBe(201);
  });
});
