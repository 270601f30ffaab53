// A code's issuing decision stays its own: a suspension, a restore or a revocation is recorded with
// its own decision in the history and shown beside the issuing one (officer's profile, printed page,
// features API, public lookup), never over it. Lifting a suspension is a decision too.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/index.ts';
import { readMigrations } from '../../server/db/migrate.ts';
import { vietnamToday } from '../../server/domain/vietnam-time.ts';
import { loadRegistryFixture, rect, registryTestApp, signInAll, type Fixture } from '../fixtures/registry.ts';
import { openTestDb } from '../helpers/test-db.ts';

let db: Db;
let app: FastifyInstance;
let fx: Fixture;
let uploadDir: string;
let officer: Record<string, string>;
let farmer: Record<string, string>;
let rowY = 4000;
let serial = 500;

beforeAll(async () => {
  db = await openTestDb();
  fx = await loadRegistryFixture(db);
  uploadDir = await fs.mkdtemp(path.join(os.tmpdir(), 'reg-decisions-'));
  app = await registryTestApp(db, uploadDir);
  const as = await signInAll(app, fx);
  officer = as(fx.users.officer);
  farmer = as(fx.users.farmer);
});

afterAll(async () => {
  await app?.close();
  await db?.close();
  if (uploadDir) await fs.rm(uploadDir, { recursive: true, force: true });
});

function send(id: number, payload: Record<string, unknown>) {
  return app.inject({ method: 'POST', url: `/api/growing-areas/${id}/transitions`, headers: officer, payload });
}

/** A new domestic vegetable area of one fresh plot, issued by `issuing` and put into operation; its id and code. */
async function activeArea(issuing: string): Promise<{ id: number; code: string }> {
  const y = (rowY += 60);
  const plot = await db.query<{ id: number }>(
    `INSERT INTO plots (farmer_id, commune_code, crop, geom) VALUES ($1, '29869', 'vegetable', ST_GeomFromText($2, 4326)) RETURNING id`,
    [fx.farmers.nam, rect(0, y, 30, y + 50)],
  );
  const draft = await app.inject({
    method: 'POST',
    url: '/api/growing-areas',
    headers: officer,
    payload: {
      name: 'Vùng rau thử quyết định',
      scheme: 'domestic-3156',
      crop: 'vegetable',
      communeCode: '29869',
      registrantName: 'HTX Rau Mỹ Trà',
      plotIds: [plot.rows[0]!.id],
    },
  });
  expect(draft.statusCode, draft.body).toBe(201);
  const id = draft.json().id as number;
  const code = `VN-82-29869-${serial++}-26`;
  const steps: Record<string, unknown>[] = [
    { to: 'submitted' },
    { to: 'under_inspection' },
    { to: 'inspected_pass', inspection: { inspectedOn: '2026-02-01', conclusion: 'pass' } },
    { to: 'issued', code, decisionNo: issuing },
    // Putting an issued code into operation is no decision of its own: it takes none.
    { to: 'active' },
  ];
  for (const step of steps) {
    const res = await send(id, step);
    expect(res.statusCode, `${String(step.to)}: ${res.body}`).toBe(201);
  }
  return { id, code };
}

type Row = { status: string; decision_no: string | null; issued_on: string | null; version: number; moves: number };
async function row(id: number): Promise<Row> {
  return (
    await db.query<Row>(
      `SELECT status, decision_no, issued_on, version,
              (SELECT count(*)::int FROM growing_area_transitions t WHERE t.growing_area_id = g.id) AS moves
       FROM growing_areas g WHERE id = $1`,
      [id],
    )
  ).rows[0]!;
}

async function lastMove(id: number): Promise<{ from_status: string; to_status: string; decision_no: string | null; note: string | null }> {
  return (
    await db.query<{ from_status: string; to_status: string; decision_no: string | null; note: string | null }>(
      'SELECT from_status, to_status, decision_no, note FROM growing_area_transitions WHERE growing_area_id = $1 ORDER BY id DESC LIMIT 1',
      [id],
    )
  ).rows[0]!;
}

const features = async (id: number) => {
  const res = await app.inject({ url: `/ogc/collections/growing_areas/items/${id}`, headers: { accept: 'application/geo+json' } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().properties as Record<string, unknown>;
};

describe('a code’s issuing decision and the decisions after it', () => {
  it('a suspension keeps the issuing decision on the area and shows its own beside it: profile, printed page, features API, lookup', async () => {
    const { id, code } = await activeArea('566/BVTV-KD');
    const issued = await row(id);
    expect(issued).toMatchObject({ status: 'active', decision_no: '566/BVTV-KD' });
    const today = vietnamToday();

    const suspended = await send(id, { to: 'suspended', decisionNo: '45/QĐ-SNN', note: 'Dư lượng thuốc vượt mức cho phép' });
    expect(suspended.statusCode, suspended.body).toBe(201);
    expect(await row(id)).toMatchObject({ status: 'suspended', decision_no: '566/BVTV-KD', issued_on: issued.issued_on });
    expect(await lastMove(id)).toEqual({
      from_status: 'active',
      to_status: 'suspended',
      decision_no: '45/QĐ-SNN',
      note: 'Dư lượng thuốc vượt mức cho phép',
    });

    // The officer's profile: the issuing decision, and the suspension's facts beside it.
    expect(suspended.json().area).toMatchObject({
      decision_no: '566/BVTV-KD',
      status_decision_no: '45/QĐ-SNN',
      status_decided_on: today,
      status_reason: 'Dư lượng thuốc vượt mức cho phép',
    });

    const lookup = await app.inject({ url: `/api/lookup/growing-areas/${code}` });
    expect(lookup.statusCode).toBe(200);
    expect(lookup.json()).toMatchObject({
      status: 'suspended',
      inForce: false,
      decisionNo: '566/BVTV-KD',
      issuedOn: issued.issued_on,
      statusDecision: { decisionNo: '45/QĐ-SNN', decidedOn: today, reason: 'Dư lượng thuốc vượt mức cho phép' },
    });

    // Anyone's card reads the features API: a guest sees both decisions too.
    expect(await features(id)).toMatchObject({
      decision_no: '566/BVTV-KD',
      status_decision_no: '45/QĐ-SNN',
      status_decided_on: today,
      status_reason: 'Dư lượng thuốc vượt mức cho phép',
    });

    const [y, m, d] = today.split('-');
    const page = await app.inject({ url: `/api/growing-areas/${id}/profile.html`, headers: officer });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<th>Số quyết định / Decision no.</th><td>566/BVTV-KD</td>');
    expect(page.body).toContain(
      `<tr id="status-decision"><th>Quyết định tạm đình chỉ / Suspension decision</th><td>45/QĐ-SNN ngày ${d}/${m}/${y}, lý do: Dư lượng thuốc vượt mức cho phép</td></tr>`,
    );
    expect(page.body).toContain('<td>Tạm đình chỉ — không còn hiệu lực / Suspended — not in force</td>');
    const geojson = await app.inject({ url: `/api/growing-areas/${id}/profile.geojson`, headers: officer });
    expect(geojson.json().growingArea).toMatchObject({
      decision_no: '566/BVTV-KD',
      status_decision_no: '45/QĐ-SNN',
      status_decided_on: today,
      status_reason: 'Dư lượng thuốc vượt mức cho phép',
    });
    const english = await app.inject({ url: `/api/growing-areas/${id}/profile.html?lang=en`, headers: officer });
    expect(english.body).toContain(
      `<th>Suspension decision / Quyết định tạm đình chỉ</th><td>45/QĐ-SNN of ${today}, reason: Dư lượng thuốc vượt mức cho phép</td>`,
    );
  });

  it('lifting a suspension without a decision is 422 decision-required and writes nothing; with one it is recorded, the issuing decision kept', async () => {
    const { id, code } = await activeArea('570/BVTV-KD');
    expect((await send(id, { to: 'suspended', decisionNo: '46/QĐ-SNN', note: 'Chưa ghi nhật ký' })).statusCode).toBe(201);
    const before = await row(id);

    for (const payload of [{ to: 'active' }, { to: 'active', decisionNo: '   ' }]) {
      const refused = await send(id, payload);
      expect(refused.statusCode, JSON.stringify(payload)).toBe(422);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.json()).toMatchObject({
        code: 'VALIDATION_FAILED',
        reason: 'decision-required',
        from: 'suspended',
        to: 'active',
        detail: 'Lifting the suspension is a decision: give its number (decisionNo).',
      });
      expect(await row(id)).toEqual(before);
    }

    const restored = await send(id, { to: 'active', decisionNo: ' 60/QĐ-SNN ', note: 'Đã khắc phục' });
    expect(restored.statusCode, restored.body).toBe(201);
    expect(await row(id)).toMatchObject({ status: 'active', decision_no: '570/BVTV-KD', moves: before.moves + 1 });
    expect(await lastMove(id)).toEqual({ from_status: 'suspended', to_status: 'active', decision_no: '60/QĐ-SNN', note: 'Đã khắc phục' });
    // Back in force: nothing out of force to show any more.
    expect(restored.json().area).toMatchObject({ status_decision_no: null, status_decided_on: null, status_reason: null });
    const lookup = (await app.inject({ url: `/api/lookup/growing-areas/${code}` })).json();
    expect(lookup).toMatchObject({ inForce: true, decisionNo: '570/BVTV-KD', statusDecision: null });

    // A revocation is shown the same way, the issuing decision still the area's.
    expect((await send(id, { to: 'revoked', decisionNo: '61/QĐ-SNN', note: 'Sử dụng mã sai mục đích' })).statusCode).toBe(201);
    expect(await row(id)).toMatchObject({ status: 'revoked', decision_no: '570/BVTV-KD' });
    expect((await app.inject({ url: `/api/lookup/growing-areas/${code}` })).json()).toMatchObject({
      inForce: false,
      decisionNo: '570/BVTV-KD',
      statusDecision: { decisionNo: '61/QĐ-SNN', decidedOn: vietnamToday(), reason: 'Sử dụng mã sai mục đích' },
    });
  });

  it('a farmer reads in their plots why their code is out of force: the decision, its day and reason (account and card code alike)', async () => {
    const { id } = await activeArea('567/BVTV-KD');
    const plotId = (await db.query<{ id: number }>('SELECT id FROM plots WHERE growing_area_id = $1', [id])).rows[0]!.id;
    const mine = async (url: string, headers: Record<string, string> = {}) => {
      const res = await app.inject({ url, headers });
      expect(res.statusCode, res.body).toBe(200);
      return (res.json().plots as Record<string, unknown>[]).find((p) => p.id === plotId)!;
    };
    const decisionOf = (p: Record<string, unknown>) => [p.growing_area_status, p.status_decision_no, p.status_decided_on, p.status_reason];
    // In force: no decision to show.
    expect(decisionOf(await mine('/api/me/plots', farmer))).toEqual(['active', null, null, null]);
    expect((await send(id, { to: 'suspended', decisionNo: '47/QĐ-SNN', note: 'Chưa ghi nhật ký phun thuốc' })).statusCode).toBe(201);
    const out = ['suspended', '47/QĐ-SNN', vietnamToday(), 'Chưa ghi nhật ký phun thuốc'];
    expect(decisionOf(await mine('/api/me/plots', farmer))).toEqual(out);
    expect(decisionOf(await mine('/api/farmer-cards/nd-test-nam1/plots'))).toEqual(out);
    // Restored: the suspension is history, not the plot's state.
    expect((await send(id, { to: 'active', decisionNo: '48/QĐ-SNN' })).statusCode).toBe(201);
    expect(decisionOf(await mine('/api/me/plots', farmer))).toEqual(['active', null, null, null]);
  });

  it('a second suspension shows the latest one, and the history keeps each decision', async () => {
    const { id } = await activeArea('571/BVTV-KD');
    for (const [to, decisionNo] of [
      ['suspended', '47/QĐ-SNN'],
      ['active', '48/QĐ-SNN'],
      ['suspended', '49/QĐ-SNN'],
    ] as const) {
      expect((await send(id, { to, decisionNo })).statusCode).toBe(201);
    }
    expect(await features(id)).toMatchObject({ decision_no: '571/BVTV-KD', status_decision_no: '49/QĐ-SNN', status_reason: null });
    const history = await app.inject({ url: `/api/growing-areas/${id}/history`, headers: officer });
    expect(history.json().transitions.map((t: { decision_no: string | null }) => t.decision_no)).toEqual([
      null,
      null,
      null,
      '571/BVTV-KD',
      null,
      '47/QĐ-SNN',
      '48/QĐ-SNN',
      '49/QĐ-SNN',
    ]);
  });

  it('migration 015 puts back the issuing decision a suspension had written over, from the history, and leaves areas without one alone', async () => {
    const { id } = await activeArea('572/BVTV-KD');
    expect((await send(id, { to: 'suspended', decisionNo: '50/QĐ-SNN' })).statusCode).toBe(201);
    // What the earlier server left behind: the suspension's number on the area itself.
    await db.query(`UPDATE growing_areas SET decision_no = '50/QĐ-SNN' WHERE id = $1`, [id]);
    // An area with no recorded issue (loaded without its history) keeps what it says.
    const bare = (
      await db.query<{ id: number }>(
        `INSERT INTO growing_areas (lineage_id, code, scheme, name, crop, status, registrant_name, commune_code, decision_no, issued_on)
         VALUES (0, 'VN-82-29869-999-26', 'domestic-3156', 'Vùng không lịch sử', 'vegetable', 'suspended', 'HTX', '29869', '9/QĐ-SNN', '2024-01-02')
         RETURNING id`,
      )
    ).rows[0]!.id;
    const before = await row(id);
    const bareBefore = await row(bare);

    const repair = (await readMigrations()).find((m) => m.name === '015_issuing_decision_repair.sql');
    expect(repair).toBeDefined();
    await db.transaction((tx) => tx.exec(repair!.sql));

    expect(await row(id)).toEqual({ ...before, decision_no: '572/BVTV-KD', version: before.version + 1 });
    expect(await row(bare)).toEqual(bareBefore);
    // A second run finds nothing to repair.
    await db.transaction((tx) => tx.exec(repair!.sql));
    expect((await row(id)).version).toBe(before.version + 1);
    // The seed's areas were never overwritten: none differs from its recorded issue.
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM growing_areas g
       JOIN LATERAL (SELECT decision_no FROM growing_area_transitions t WHERE t.growing_area_id = g.id AND t.to_status IN ('issued', 'approved')
                     ORDER BY t.at DESC, t.id DESC LIMIT 1) i ON true
       WHERE i.decision_no IS NOT NULL AND g.decision_no IS DISTINCT FROM i.decision_no`,
    );
    expect(rows[0]!.n).toBe(0);
  });

  it('answers hostile restore input with a 4xx problem and changes nothing', async () => {
    const { id } = await activeArea('573/BVTV-KD');
    expect((await send(id, { to: 'suspended', decisionNo: '51/QĐ-SNN' })).statusCode).toBe(201);
    const before = await row(id);
    for (const payload of [
      { to: 'active', decisionNo: '' },
      { to: 'active', decisionNo: 'x'.repeat(101) },
      { to: 'active', decisionNo: null },
      { to: 'active', decisionNo: { no: '60/QĐ-SNN' } },
    ]) {
      const res = await send(id, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, JSON.stringify(payload)).toBeLessThan(500);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(await row(id)).toEqual(before);
    }
  });
});
