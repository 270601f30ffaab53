// A member plot's item in the features API carries, while its growing area's code is suspended or
// revoked, the decision that did it (number, day, reason), as the area's own item gives it to
// anyone: the plot's card says why the code it depends on is out of force. Nothing while the code
// is in force or for a plot of no area; the same facts for a guest as for the farmer and the
// officers, and no more (no farmer's name for a guest). The plot's version does not change with its
// area's status, so its ETag carries the facts: a browser that kept the plot from before the
// suspension is not told "304, unchanged". The facts are read-only and no filter.
import { describe, expect, it } from 'vitest';
import { vietnamToday } from '../../server/domain/vietnam-time.ts';
import { DOSSIER_PROFILE, rect, recordedInspection } from '../fixtures/registry.ts';
import { useRegistryApp } from '../helpers/registry-app.ts';

const reg = useRegistryApp();
let rowY = 4000;
let serial = 700;

const GEO = { accept: 'application/geo+json' };
const FACTS = ['status_decision_no', 'status_decided_on', 'status_reason'] as const;
const NONE = { status_decision_no: null, status_decided_on: null, status_reason: null };

function move(areaId: number, payload: Record<string, unknown>) {
  return reg.app.inject({
    method: 'POST',
    url: `/api/growing-areas/${areaId}/transitions`,
    headers: reg.as(reg.fx.users.officer),
    payload,
  });
}

/** A new domestic vegetable area of one fresh plot of farmer Nam, issued and put into operation: the area's and the plot's ids. */
async function activeArea(): Promise<{ area: number; plot: number }> {
  const y = (rowY += 60);
  const plot = (
    await reg.db.query<{ id: number }>(
      `INSERT INTO plots (farmer_id, commune_code, crop, geom) VALUES ($1, '29869', 'vegetable', ST_GeomFromText($2, 4326)) RETURNING id`,
      [reg.fx.farmers.nam, rect(0, y, 30, y + 50)],
    )
  ).rows[0]!.id;
  const draft = await reg.app.inject({
    method: 'POST',
    url: '/api/growing-areas',
    headers: reg.as(reg.fx.users.officer),
    payload: {
      name: 'Vùng rau thử thẻ thửa',
      scheme: 'domestic-3156',
      crop: 'vegetable',
      communeCode: '29869',
      registrantName: 'HTX Rau Mỹ Trà',
      ...DOSSIER_PROFILE,
      plotIds: [plot],
    },
  });
  expect(draft.statusCode, draft.body).toBe(201);
  const area = draft.json().id as number;
  for (const step of [
    { to: 'submitted' },
    { to: 'under_inspection' },
    { to: 'inspected_pass', inspection: recordedInspection('pass') },
    { to: 'issued', code: `VN-82-29869-${serial++}-26`, decisionNo: '580/BVTV-KD' },
    { to: 'active' },
  ]) {
    const res = await move(area, step);
    expect(res.statusCode, `${step.to}: ${res.body}`).toBe(201);
  }
  return { area, plot };
}

/** An item as one viewer reads it (headers: none for a guest): its status, ETag, Cache-Control and properties. */
async function item(collection: string, id: number, headers: Record<string, string> = {}) {
  const res = await reg.app.inject({ url: `/ogc/collections/${collection}/items/${id}`, headers: { ...GEO, ...headers } });
  return {
    status: res.statusCode,
    etag: res.headers.etag as string | undefined,
    cache: res.headers['cache-control'],
    body: res.body,
    properties: res.statusCode === 200 ? (res.json().properties as Record<string, unknown>) : {},
  };
}

const factsOf = (p: Record<string, unknown>) => Object.fromEntries(FACTS.map((k) => [k, p[k]]));

/** Every reader of the plot: a guest, its farmer, another farmer, the officers in and out of its commune, a planner, an admin. */
const readers = () => ({
  guest: {},
  farmer: reg.as(reg.fx.users.farmer),
  otherFarmer: reg.as(reg.fx.users.otherFarmer),
  officer: reg.as(reg.fx.users.officer),
  officerElsewhere: reg.as(reg.fx.users.officerElsewhere),
  planner: reg.as(reg.fx.users.planner),
  admin: reg.as(reg.fx.users.admin),
});

describe('a member plot’s item while its growing area’s code is out of force', () => {
  it('carries the suspension’s number, day and reason for every reader, as the area’s item gives them to a guest, and nothing in force', async () => {
    const { area, plot } = await activeArea();
    for (const [who, headers] of Object.entries(readers())) {
      const read = await item('plots', plot, headers);
      expect(read.status, who).toBe(200);
      expect(factsOf(read.properties), who).toEqual(NONE);
    }
    const before = await item('plots', plot);
    expect(before.etag).toMatch(new RegExp(`^"${plot}-\\d+"$`));

    const suspended = await move(area, { to: 'suspended', decisionNo: '45/QĐ-SNN', note: 'Dư lượng thuốc vượt mức cho phép' });
    expect(suspended.statusCode, suspended.body).toBe(201);
    const facts = { status_decision_no: '45/QĐ-SNN', status_decided_on: vietnamToday(), status_reason: 'Dư lượng thuốc vượt mức cho phép' };
    // What the area's card shows a guest: the same three facts, no more and no less.
    const areaForGuest = await item('growing_areas', area);
    expect(areaForGuest.status).toBe(200);
    expect(factsOf(areaForGuest.properties)).toEqual(facts);
    for (const [who, headers] of Object.entries(readers())) {
      const read = await item('plots', plot, headers);
      expect(read.status, who).toBe(200);
      expect(factsOf(read.properties), who).toEqual(facts);
    }
    // A guest's plot: the area's facts and nothing personal (the farmer's name and phone stay their officers').
    const guest = await item('plots', plot);
    expect(guest.cache).toBe('no-cache');
    for (const secret of ['Kha Văn Nam', '0912345678', '087123456789']) expect(guest.body).not.toContain(secret);
    expect(Object.keys(guest.properties)).not.toContain('farmer_name');
    const officer = await item('plots', plot, reg.as(reg.fx.users.officer));
    expect(officer.properties.farmer_name).toBe('Kha Văn Nam');
    expect(officer.cache).toBe('private, no-store');

    // The list carries them too (an officer's "my plots" and QGIS read it).
    const list = await reg.app.inject({ url: `/ogc/collections/plots/items?growing_area_id=${area}`, headers: GEO });
    expect(list.statusCode, list.body).toBe(200);
    const listed = (list.json().features as { id: number; properties: Record<string, unknown> }[]).find((f) => f.id === plot);
    expect(factsOf(listed!.properties)).toEqual(facts);

    // Revoked: the revocation's decision instead, its reason left out when none was given.
    expect((await move(area, { to: 'revoked', decisionNo: '61/QĐ-SNN' })).statusCode).toBe(201);
    expect(factsOf((await item('plots', plot)).properties)).toEqual({
      status_decision_no: '61/QĐ-SNN',
      status_decided_on: vietnamToday(),
      status_reason: null,
    });
  });

  it('says nothing for a plot whose area is in force, under review or a draft, nor for a plot of no area', async () => {
    const { plot } = await activeArea();
    const { area: suspendedArea } = await activeArea();
    expect((await move(suspendedArea, { to: 'suspended', decisionNo: '46/QĐ-SNN', note: 'Chưa ghi nhật ký' })).statusCode).toBe(201);
    // Another area's suspension is not this plot's.
    expect(factsOf((await item('plots', plot)).properties)).toEqual(NONE);
    // The fixture's rice plot belongs to no area; its mango plot A goes into a draft, then under review.
    expect(factsOf((await item('plots', reg.fx.plots.rice)).properties)).toEqual(NONE);
    const draft = await reg.app.inject({
      method: 'POST',
      url: '/api/growing-areas',
      headers: reg.as(reg.fx.users.officer),
      payload: {
        name: 'Vùng xoài thử thẻ thửa',
        scheme: 'domestic-3156',
        crop: 'mango',
        communeCode: '29869',
        registrantName: 'HTX Xoài Mỹ Xương',
        ...DOSSIER_PROFILE,
        plotIds: [reg.fx.plots.mangoA, reg.fx.plots.mangoB, reg.fx.plots.mangoC],
      },
    });
    expect(draft.statusCode, draft.body).toBe(201);
    for (const headers of Object.values(readers()))
      expect(factsOf((await item('plots', reg.fx.plots.mangoA, headers)).properties)).toEqual(NONE);
    expect((await move(draft.json().id as number, { to: 'submitted' })).statusCode).toBe(201);
    for (const headers of Object.values(readers()))
      expect(factsOf((await item('plots', reg.fx.plots.mangoA, headers)).properties)).toEqual(NONE);
  });
});

describe('the ETag of a plot whose area’s code changes', () => {
  it('is another once the code is suspended, so a guest revalidating the plot read before gets the new body, and the old one once restored', async () => {
    const { area, plot } = await activeArea();
    const inForce = await item('plots', plot);
    const officerInForce = await item('plots', plot, reg.as(reg.fx.users.officer));
    expect(
      (await reg.app.inject({ url: `/ogc/collections/plots/items/${plot}`, headers: { ...GEO, 'if-none-match': inForce.etag! } }))
        .statusCode,
    ).toBe(304);

    expect((await move(area, { to: 'suspended', decisionNo: '47/QĐ-SNN', note: 'Chưa ghi nhật ký phun thuốc' })).statusCode).toBe(201);
    // The plot's row is as it was: its version is the editors' token, not the area's.
    const again = await reg.app.inject({
      url: `/ogc/collections/plots/items/${plot}`,
      headers: { ...GEO, 'if-none-match': inForce.etag! },
    });
    expect(again.statusCode).toBe(200);
    expect(again.json().properties.status_decision_no).toBe('47/QĐ-SNN');
    const suspendedTag = again.headers.etag as string;
    expect(suspendedTag).not.toBe(inForce.etag);
    expect(suspendedTag).toMatch(new RegExp(`^${inForce.etag!.slice(0, -1)}\\.[A-Za-z0-9_-]{8}"$`));
    // The officer's copy likewise, and the officer's tag is still not the guest's.
    const officer = await reg.app.inject({
      url: `/ogc/collections/plots/items/${plot}`,
      headers: { ...GEO, ...reg.as(reg.fx.users.officer), 'if-none-match': officerInForce.etag! },
    });
    expect(officer.statusCode).toBe(200);
    expect(officer.headers.etag).not.toBe(suspendedTag);
    // Asked again with the new tag: unchanged indeed.
    expect(
      (await reg.app.inject({ url: `/ogc/collections/plots/items/${plot}`, headers: { ...GEO, 'if-none-match': suspendedTag } }))
        .statusCode,
    ).toBe(304);

    // Another decision later (restored, suspended again): another body, another tag.
    expect((await move(area, { to: 'active', decisionNo: '48/QĐ-SNN' })).statusCode).toBe(201);
    const restored = await item('plots', plot);
    expect(factsOf(restored.properties)).toEqual(NONE);
    expect(restored.etag).toBe(inForce.etag);
    expect((await move(area, { to: 'suspended', decisionNo: '49/QĐ-SNN' })).statusCode).toBe(201);
    const second = await reg.app.inject({
      url: `/ogc/collections/plots/items/${plot}`,
      headers: { ...GEO, 'if-none-match': suspendedTag },
    });
    expect(second.statusCode).toBe(200);
    expect(second.json().properties).toMatchObject({ status_decision_no: '49/QĐ-SNN', status_reason: null });
  });

  it('is another, with the area’s, once the decision’s recorded reason is corrected in SQL (no version moves)', async () => {
    const { area, plot } = await activeArea();
    expect((await move(area, { to: 'suspended', decisionNo: '51/QĐ-SNN', note: 'Chưa ghi nhật ký' })).statusCode).toBe(201);
    const kept = { plot: await item('plots', plot), area: await item('growing_areas', area) };
    const versions = async () =>
      (
        await reg.db.query<{ p: number; g: number }>(
          'SELECT (SELECT version FROM plots WHERE id = $1) AS p, (SELECT version FROM growing_areas WHERE id = $2) AS g',
          [plot, area],
        )
      ).rows[0];
    const before = await versions();
    await reg.db.query(
      `UPDATE growing_area_transitions SET note = 'Chưa ghi nhật ký phun thuốc' WHERE growing_area_id = $1 AND to_status = 'suspended'`,
      [area],
    );
    expect(await versions()).toEqual(before);
    for (const [collection, id, tag] of [
      ['plots', plot, kept.plot.etag!],
      ['growing_areas', area, kept.area.etag!],
    ] as const) {
      const again = await reg.app.inject({ url: `/ogc/collections/${collection}/items/${id}`, headers: { ...GEO, 'if-none-match': tag } });
      expect(again.statusCode, collection).toBe(200);
      expect(again.json().properties.status_reason).toBe('Chưa ghi nhật ký phun thuốc');
      expect(again.headers.etag).not.toBe(tag);
    }
  });

  it('is still a tag of the plot’s version for a write: a plot of a suspended area is refused as locked (409), not as stale (412)', async () => {
    const { area, plot } = await activeArea();
    expect((await move(area, { to: 'suspended', decisionNo: '50/QĐ-SNN' })).statusCode).toBe(201);
    const read = await item('plots', plot, reg.as(reg.fx.users.officer));
    const before = await reg.db.query('SELECT p::text AS row FROM plots p WHERE id = $1', [plot]);
    const res = await reg.app.inject({
      method: 'PATCH',
      url: `/ogc/collections/plots/items/${plot}`,
      headers: { ...reg.as(reg.fx.users.officer), 'content-type': 'application/merge-patch+json', 'if-match': read.etag! },
      payload: { properties: { variety: 'Cải ngọt' } },
    });
    expect(res.statusCode, res.body).toBe(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect((await reg.db.query('SELECT p::text AS row FROM plots p WHERE id = $1', [plot])).rows).toEqual(before.rows);
  });
});

describe('hostile reads and writes of the decision’s facts on plots', () => {
  it('refuses them as filters with a 400 problem, never a 500', async () => {
    for (const query of [
      'status_decision_no=45%2FQ%C4%90-SNN',
      'status_reason=x',
      'status_decided_on=2026-11-30',
      `filter=${encodeURIComponent("status_reason = 'x'")}`,
      `filter=${encodeURIComponent("status_decision_no LIKE '%' OR 1=1")}`,
    ]) {
      const res = await reg.app.inject({ url: `/ogc/collections/plots/items?${query}`, headers: GEO });
      expect(res.statusCode, `${query}: ${res.body}`).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    const queryables = await reg.app.inject({ url: '/ogc/collections/plots/queryables', headers: { accept: 'application/schema+json' } });
    expect(Object.keys(queryables.json().properties)).not.toContain('status_reason');
  });

  it('writes none of them: a plot sent back as read, or with made-up facts, records no decision and reads none', async () => {
    // The fixture's rice plot, of no area, is the officer's to edit.
    const officer = reg.as(reg.fx.users.officer);
    const moves = async () => (await reg.db.query<{ n: number }>('SELECT count(*)::int AS n FROM growing_area_transitions')).rows[0]!.n;
    const movesBefore = await moves();
    const read = await reg.app.inject({ url: `/ogc/collections/plots/items/${reg.fx.plots.rice}`, headers: { ...GEO, ...officer } });
    expect(read.statusCode).toBe(200);
    const feature = read.json();
    const made = { status_decision_no: '99/QĐ-BỊA', status_decided_on: '2026-01-01', status_reason: 'bịa' };
    // Its properties as read, the facts made up (a PUT would check the fixture's plot against the sample data's communes).
    const put = await reg.app.inject({
      method: 'PATCH',
      url: `/ogc/collections/plots/items/${reg.fx.plots.rice}`,
      headers: { ...officer, 'content-type': 'application/merge-patch+json', 'if-match': read.headers.etag as string },
      payload: { properties: { ...feature.properties, ...made, variety: 'OM18' } },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().properties).toMatchObject({ ...NONE, variety: 'OM18' });
    // Made-up facts of the wrong type are no 500 either: ignored as every read-only property is.
    const patch = await reg.app.inject({
      method: 'PATCH',
      url: `/ogc/collections/plots/items/${reg.fx.plots.rice}`,
      headers: { ...officer, 'content-type': 'application/merge-patch+json', 'if-match': put.headers.etag as string },
      payload: { properties: { status_decision_no: { no: 1 }, status_decided_on: 'hôm qua', status_reason: 'x'.repeat(5000) } },
    });
    expect(patch.statusCode, patch.body).toBeLessThan(500);
    expect(factsOf((await item('plots', reg.fx.plots.rice)).properties)).toEqual(NONE);
    expect(await moves()).toBe(movesBefore);
    expect((await reg.db.query('SELECT growing_area_id FROM plots WHERE id = $1', [reg.fx.plots.rice])).rows[0]).toEqual({
      growing_area_id: null,
    });
  });
});
