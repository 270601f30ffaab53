// A code's issuing decision stays its own: a suspension, a restore or a revocation is recorded with
// its own decision in the history and shown beside the issuing one (officer's profile, printed page,
// features API, public lookup), never over it. Lifting a suspension is a decision too.
import { beforeAll, describe, expect, it } from 'vitest';
import { readMigrations } from '../../server/db/migrate.ts';
import { vietnamToday } from '../../server/domain/vietnam-time.ts';
import { moveThrough, recordedInspection, TO_INSPECTED_PASS, vegetableDraftOfNewPlot } from '../fixtures/registry.ts';
import { useRegistryApp } from '../helpers/registry-app.ts';

const reg = useRegistryApp();
let officer: Record<string, string>;
let farmer: Record<string, string>;
let rowY = 4000;
let serial = 500;

beforeAll(() => {
  officer = reg.as(reg.fx.users.officer);
  farmer = reg.as(reg.fx.users.farmer);
});

function send(id: number, payload: Record<string, unknown>) {
  return reg.app.inject({ method: 'POST', url: `/api/growing-areas/${id}/transitions`, headers: officer, payload });
}

/** `days` days before today in Vietnam, YYYY-MM-DD (negative: after). */
function daysAgo(days: number): string {
  const d = new Date(`${vietnamToday()}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
}

/**
 * What an area would hold had its dossier been created and moved along `days` days ago: its edit
 * log and its recorded moves are put back that many days (a decision of last week can then be dated
 * after the dossier).
 */
async function age(id: number, days: number): Promise<void> {
  await reg.db.query(
    `UPDATE edit_log SET at = at - make_interval(days => $2) WHERE collection = 'growing_areas' AND feature_id = $1::text`,
    [String(id), days],
  );
  await reg.db.query(
    `UPDATE growing_area_transitions SET at = at - make_interval(days => $2), decided_on = decided_on - $2::int WHERE growing_area_id = $1`,
    [id, days],
  );
}

/**
 * A new domestic vegetable area of one fresh plot, issued by `issuing` and put into operation; its id
 * and code. With `opts.agedDays`, the dossier and its moves up to the inspection are that many days
 * old, and `opts.issuedOn` dates the issuing decision.
 */
async function activeArea(issuing: string, opts: { agedDays?: number; issuedOn?: string } = {}): Promise<{ id: number; code: string }> {
  const id = await vegetableDraftOfNewPlot(reg.app, reg.db, reg.fx, officer, 'Vùng rau thử quyết định', (rowY += 60));
  await moveThrough(reg.app, officer, id, TO_INSPECTED_PASS);
  if (opts.agedDays) await age(id, opts.agedDays);
  const code = `VN-82-29869-${serial++}-26`;
  // Putting an issued code into operation is no decision of its own: it takes none.
  await moveThrough(reg.app, officer, id, [
    { to: 'issued', code, decisionNo: issuing, ...(opts.issuedOn ? { decidedOn: opts.issuedOn } : {}) },
    { to: 'active' },
  ]);
  return { id, code };
}

type Row = { status: string; decision_no: string | null; issued_on: string | null; version: number; moves: number };
async function row(id: number): Promise<Row> {
  return (
    await reg.db.query<Row>(
      `SELECT status, decision_no, to_char(issued_on, 'YYYY-MM-DD') AS issued_on, version,
              (SELECT count(*)::int FROM growing_area_transitions t WHERE t.growing_area_id = g.id) AS moves
       FROM growing_areas g WHERE id = $1`,
      [id],
    )
  ).rows[0]!;
}

async function lastMove(id: number): Promise<{ from_status: string; to_status: string; decision_no: string | null; note: string | null }> {
  return (
    await reg.db.query<{ from_status: string; to_status: string; decision_no: string | null; note: string | null }>(
      'SELECT from_status, to_status, decision_no, note FROM growing_area_transitions WHERE growing_area_id = $1 ORDER BY id DESC LIMIT 1',
      [id],
    )
  ).rows[0]!;
}

const features = async (id: number) => {
  const res = await reg.app.inject({ url: `/ogc/collections/growing_areas/items/${id}`, headers: { accept: 'application/geo+json' } });
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

    const lookup = await reg.app.inject({ url: `/api/lookup/growing-areas/${code}` });
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
    const page = await reg.app.inject({ url: `/api/growing-areas/${id}/profile.html`, headers: officer });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<th>Số quyết định / Decision no.</th><td>566/BVTV-KD</td>');
    expect(page.body).toContain(
      `<tr id="status-decision"><th>Quyết định tạm đình chỉ / Suspension decision</th><td>45/QĐ-SNN ngày ${d}/${m}/${y}, lý do: Dư lượng thuốc vượt mức cho phép</td></tr>`,
    );
    expect(page.body).toContain('<td>Tạm đình chỉ — không còn hiệu lực / Suspended — not in force</td>');
    const geojson = await reg.app.inject({ url: `/api/growing-areas/${id}/profile.geojson`, headers: officer });
    expect(geojson.json().growingArea).toMatchObject({
      decision_no: '566/BVTV-KD',
      status_decision_no: '45/QĐ-SNN',
      status_decided_on: today,
      status_reason: 'Dư lượng thuốc vượt mức cho phép',
    });
    const english = await reg.app.inject({ url: `/api/growing-areas/${id}/profile.html?lang=en`, headers: officer });
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
    const lookup = (await reg.app.inject({ url: `/api/lookup/growing-areas/${code}` })).json();
    expect(lookup).toMatchObject({ inForce: true, decisionNo: '570/BVTV-KD', statusDecision: null });

    // A revocation is shown the same way, the issuing decision still the area's.
    expect((await send(id, { to: 'revoked', decisionNo: '61/QĐ-SNN', note: 'Sử dụng mã sai mục đích' })).statusCode).toBe(201);
    expect(await row(id)).toMatchObject({ status: 'revoked', decision_no: '570/BVTV-KD' });
    expect((await reg.app.inject({ url: `/api/lookup/growing-areas/${code}` })).json()).toMatchObject({
      inForce: false,
      decisionNo: '570/BVTV-KD',
      statusDecision: { decisionNo: '61/QĐ-SNN', decidedOn: vietnamToday(), reason: 'Sử dụng mã sai mục đích' },
    });
  });

  it('a farmer reads in their plots why their code is out of force: the decision, its day and reason (account and card code alike)', async () => {
    const { id } = await activeArea('567/BVTV-KD');
    const plotId = (await reg.db.query<{ id: number }>('SELECT id FROM plots WHERE growing_area_id = $1', [id])).rows[0]!.id;
    const mine = async (url: string, headers: Record<string, string> = {}) => {
      const res = await reg.app.inject({ url, headers });
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
    const history = await reg.app.inject({ url: `/api/growing-areas/${id}/history`, headers: officer });
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
    await reg.db.query(`UPDATE growing_areas SET decision_no = '50/QĐ-SNN' WHERE id = $1`, [id]);
    // An area with no recorded issue (loaded without its history) keeps what it says.
    const bare = (
      await reg.db.query<{ id: number }>(
        `INSERT INTO growing_areas (lineage_id, code, scheme, name, crop, status, registrant_name, commune_code, decision_no, issued_on)
         VALUES (0, 'VN-82-29869-999-26', 'domestic-3156', 'Vùng không lịch sử', 'vegetable', 'suspended', 'HTX', '29869', '9/QĐ-SNN', '2024-01-02')
         RETURNING id`,
      )
    ).rows[0]!.id;
    const before = await row(id);
    const bareBefore = await row(bare);

    const repair = (await readMigrations()).find((m) => m.name === '015_issuing_decision_repair.sql');
    expect(repair).toBeDefined();
    await reg.db.transaction((tx) => tx.exec(repair!.sql));

    expect(await row(id)).toEqual({ ...before, decision_no: '572/BVTV-KD', version: before.version + 1 });
    expect(await row(bare)).toEqual(bareBefore);
    // A second run finds nothing to repair.
    await reg.db.transaction((tx) => tx.exec(repair!.sql));
    expect((await row(id)).version).toBe(before.version + 1);
    // The seed's areas were never overwritten: none differs from its recorded issue.
    const { rows } = await reg.db.query<{ n: number }>(
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

type Move = { to_status: string; decision_no: string | null; decided_on: string; recorded_on: string };
async function moves(id: number): Promise<Move[]> {
  return (
    await reg.db.query<Move>(
      `SELECT to_status, decision_no, to_char(decided_on, 'YYYY-MM-DD') AS decided_on,
              to_char(at AT TIME ZONE INTERVAL '+07:00', 'YYYY-MM-DD') AS recorded_on
       FROM growing_area_transitions WHERE growing_area_id = $1 ORDER BY id`,
      [id],
    )
  ).rows;
}

describe('a decision is dated by the day it was signed, not the day it was recorded', () => {
  it('an issue, a suspension and a revocation signed days before they are recorded show their own days everywhere', async () => {
    const [issuedOn, suspendedOn, revokedOn] = [daysAgo(20), daysAgo(9), daysAgo(3)];
    const { id, code } = await activeArea('580/BVTV-KD', { agedDays: 30, issuedOn });
    expect(await row(id)).toMatchObject({ status: 'active', decision_no: '580/BVTV-KD', issued_on: issuedOn });

    const suspended = await send(id, { to: 'suspended', decisionNo: '52/QĐ-SNN', decidedOn: suspendedOn, note: 'Chưa ghi nhật ký' });
    expect(suspended.statusCode, suspended.body).toBe(201);
    expect(suspended.json().transition).toMatchObject({ to_status: 'suspended', decided_on: suspendedOn });
    expect(suspended.json().area).toMatchObject({ issued_on: issuedOn, status_decision_no: '52/QĐ-SNN', status_decided_on: suspendedOn });
    expect((await features(id)).status_decided_on).toBe(suspendedOn);
    const lookup = (await reg.app.inject({ url: `/api/lookup/growing-areas/${code}` })).json();
    expect(lookup).toMatchObject({ issuedOn, statusDecision: { decisionNo: '52/QĐ-SNN', decidedOn: suspendedOn } });

    const revoked = await send(id, { to: 'revoked', decisionNo: '53/QĐ-SNN', decidedOn: revokedOn, note: 'Sử dụng mã sai mục đích' });
    expect(revoked.statusCode, revoked.body).toBe(201);
    // Stored with each move, beside the day it was recorded (today).
    const today = vietnamToday();
    expect((await moves(id)).slice(-4)).toEqual([
      { to_status: 'issued', decision_no: '580/BVTV-KD', decided_on: issuedOn, recorded_on: today },
      { to_status: 'active', decision_no: null, decided_on: today, recorded_on: today },
      { to_status: 'suspended', decision_no: '52/QĐ-SNN', decided_on: suspendedOn, recorded_on: today },
      { to_status: 'revoked', decision_no: '53/QĐ-SNN', decided_on: revokedOn, recorded_on: today },
    ]);
    // The history the card draws.
    const history = (await reg.app.inject({ url: `/api/growing-areas/${id}/history`, headers: officer })).json();
    expect(history.transitions.slice(-2).map((t: Record<string, unknown>) => [t.to_status, t.decided_on])).toEqual([
      ['suspended', suspendedOn],
      ['revoked', revokedOn],
    ]);
    expect(history.versions[0]).toMatchObject({ issued_on: issuedOn });
    // The public lookup, the features API, the profile file and the printed page.
    expect((await reg.app.inject({ url: `/api/lookup/growing-areas/${code}` })).json()).toMatchObject({
      issuedOn,
      statusDecision: { decisionNo: '53/QĐ-SNN', decidedOn: revokedOn, reason: 'Sử dụng mã sai mục đích' },
    });
    expect(await features(id)).toMatchObject({ status_decision_no: '53/QĐ-SNN', status_decided_on: revokedOn });
    const geojson = await reg.app.inject({ url: `/api/growing-areas/${id}/profile.geojson`, headers: officer });
    expect(geojson.json().growingArea).toMatchObject({ issued_on: issuedOn, status_decided_on: revokedOn });
    const page = await reg.app.inject({ url: `/api/growing-areas/${id}/profile.html`, headers: officer });
    const vn = (day: string) => day.split('-').reverse().join('/');
    expect(page.body).toContain(`<th>Ngày cấp / Issued on</th><td>${vn(issuedOn)}</td>`);
    expect(page.body).toContain(`53/QĐ-SNN ngày ${vn(revokedOn)}, lý do: Sử dụng mã sai mục đích`);
  });

  it('a decision sent without its day is dated today in Vietnam, and a re-issue takes its own day', async () => {
    const { id } = await activeArea('581/BVTV-KD', { agedDays: 10, issuedOn: daysAgo(8) });
    expect((await send(id, { to: 'suspended', decisionNo: '54/QĐ-SNN' })).statusCode).toBe(201);
    expect((await moves(id)).at(-1)).toMatchObject({ to_status: 'suspended', decided_on: vietnamToday() });
    // A re-issue of last week before the suspension of today: refused, nothing written.
    const before = await row(id);
    const early = await reg.app.inject({
      method: 'POST',
      url: `/api/growing-areas/${id}/reissue`,
      headers: officer,
      payload: { decisionNo: '55/QĐ-SNN', decidedOn: daysAgo(1), note: 'Đổi diện tích' },
    });
    expect(early.statusCode, early.body).toBe(422);
    expect(early.json()).toMatchObject({ reason: 'decision-before-previous', field: 'decidedOn', earliest: vietnamToday() });
    expect(await row(id)).toEqual(before);
    const reissued = await reg.app.inject({
      method: 'POST',
      url: `/api/growing-areas/${id}/reissue`,
      headers: officer,
      payload: { decisionNo: '55/QĐ-SNN', decidedOn: vietnamToday(), note: 'Đổi diện tích' },
    });
    expect(reissued.statusCode, reissued.body).toBe(201);
    expect((await moves(id)).at(-1)).toMatchObject({ to_status: 'superseded', decision_no: '55/QĐ-SNN', decided_on: vietnamToday() });
  });

  it('answers hostile decision days with 422 naming field decidedOn (or 400 for a wrong type) and writes nothing', async () => {
    const issuedOn = daysAgo(6);
    const { id } = await activeArea('582/BVTV-KD', { agedDays: 10, issuedOn });
    const tomorrow = daysAgo(-1);
    const cases: [unknown, number, Record<string, unknown>?][] = [
      [tomorrow, 422, { reason: 'date-in-future', value: tomorrow, today: vietnamToday() }],
      ['2999-01-01', 422, { reason: 'date-in-future' }],
      ['2023-02-30', 422, { reason: 'date-invalid', value: '2023-02-30' }],
      ['abc', 422, { reason: 'date-invalid', value: 'abc' }],
      ['', 422, { reason: 'date-invalid' }],
      ['20.11.2026', 422, { reason: 'date-invalid' }],
      [`${issuedOn}T00:00:00Z`, 422, { reason: 'date-invalid' }],
      [daysAgo(7), 422, { reason: 'decision-before-issue', earliest: issuedOn }],
      ['1899-12-31', 422, { reason: 'date-too-early', earliest: '1900-01-01' }],
      ['0201-05-03', 422, { reason: 'date-too-early' }],
      // A number or null is taken as its text (the schema coerces scalars), which is no day.
      [20261120, 422, { reason: 'date-invalid', value: '20261120' }],
      [null, 422, { reason: 'date-invalid', value: '' }],
      [{ day: issuedOn }, 400],
      ['x'.repeat(33), 400],
    ];
    const before = await row(id);
    for (const [decidedOn, status, problem] of cases) {
      const res = await send(id, { to: 'suspended', decisionNo: '56/QĐ-SNN', decidedOn, note: 'Kiểm tra' });
      expect(res.statusCode, `${JSON.stringify(decidedOn)}: ${res.body}`).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      if (problem)
        expect(res.json(), JSON.stringify(decidedOn)).toMatchObject({ code: 'VALIDATION_FAILED', field: 'decidedOn', ...problem });
      expect(await row(id)).toEqual(before);
    }
    // The day of the issue itself is fine; a revocation then may not precede that suspension.
    expect((await send(id, { to: 'suspended', decisionNo: '56/QĐ-SNN', decidedOn: issuedOn, note: 'Kiểm tra' })).statusCode).toBe(201);
    expect((await send(id, { to: 'active', decisionNo: '57/QĐ-SNN', decidedOn: daysAgo(2) })).statusCode).toBe(201);
    const afterRestore = await row(id);
    const early = await send(id, { to: 'revoked', decisionNo: '58/QĐ-SNN', decidedOn: daysAgo(4), note: 'Vi phạm' });
    expect(early.statusCode).toBe(422);
    expect(early.json()).toMatchObject({ reason: 'decision-before-previous', field: 'decidedOn', earliest: daysAgo(2) });
    expect(await row(id)).toEqual(afterRestore);
  });

  it('an issue may not precede its dossier, and a move that is no decision takes no decision day', async () => {
    const id = await vegetableDraftOfNewPlot(reg.app, reg.db, reg.fx, officer, 'Vùng rau hồ sơ mới', (rowY += 60));
    const submitted = await send(id, { to: 'submitted', decidedOn: vietnamToday() });
    expect(submitted.statusCode).toBe(422);
    expect(submitted.json()).toMatchObject({ reason: 'decision-date-not-expected', field: 'decidedOn', to: 'submitted' });
    expect(await row(id)).toMatchObject({ status: 'draft', moves: 0 });
    await moveThrough(reg.app, officer, id, TO_INSPECTED_PASS);
    const before = await row(id);
    const issue = { to: 'issued', code: `VN-82-29869-${serial++}-26`, decisionNo: '583/BVTV-KD' };
    const early = await send(id, { ...issue, decidedOn: daysAgo(1) });
    expect(early.statusCode).toBe(422);
    expect(early.json()).toMatchObject({ reason: 'decision-before-dossier', field: 'decidedOn', earliest: vietnamToday() });
    expect(await row(id)).toEqual(before);
    const issued = await send(id, { ...issue, decidedOn: vietnamToday() });
    expect(issued.statusCode, issued.body).toBe(201);
    expect(await row(id)).toMatchObject({ status: 'issued', issued_on: vietnamToday() });
  });

  it('an issue may not precede the inspection that passed the area (422 decision-before-inspection); the day itself may', async () => {
    const id = await vegetableDraftOfNewPlot(reg.app, reg.db, reg.fx, officer, 'Vùng rau kiểm tra trước', (rowY += 60));
    // The dossier was created a month ago; the inspection that passed it was five days ago.
    await reg.db.query(`UPDATE edit_log SET at = at - interval '30 days' WHERE collection = 'growing_areas' AND feature_id = $1::text`, [
      String(id),
    ]);
    await moveThrough(reg.app, officer, id, [
      { to: 'submitted' },
      { to: 'under_inspection' },
      { to: 'inspected_pass', inspection: recordedInspection('pass', daysAgo(5)) },
    ]);
    const before = await row(id);
    const issue = { to: 'issued', code: `VN-82-29869-${serial++}-26`, decisionNo: '585/BVTV-KD' };
    for (const day of [daysAgo(6), daysAgo(20)]) {
      const early = await send(id, { ...issue, decidedOn: day });
      expect(early.statusCode, early.body).toBe(422);
      expect(early.headers['content-type']).toContain('application/problem+json');
      expect(early.json()).toMatchObject({
        code: 'VALIDATION_FAILED',
        reason: 'decision-before-inspection',
        field: 'decidedOn',
        value: day,
        earliest: daysAgo(5),
      });
      expect(early.json().detail).toContain('before the inspection that passed the area');
    }
    // Before the dossier as well: the dossier is named, it came first.
    const beforeDossier = await send(id, { ...issue, decidedOn: daysAgo(31) });
    expect(beforeDossier.json()).toMatchObject({ reason: 'decision-before-dossier' });
    expect(await row(id)).toEqual(before);
    const issued = await send(id, { ...issue, decidedOn: daysAgo(5) });
    expect(issued.statusCode, issued.body).toBe(201);
    expect(await row(id)).toMatchObject({ status: 'issued', issued_on: daysAgo(5) });

    // A code recorded before the rule, issued before its inspection, stays as it was and moves on.
    await reg.db.query(`UPDATE growing_areas SET issued_on = $2::date WHERE id = $1`, [id, daysAgo(8)]);
    await reg.db.query(`UPDATE growing_area_transitions SET decided_on = $2::date WHERE growing_area_id = $1 AND to_status = 'issued'`, [
      id,
      daysAgo(8),
    ]);
    const suspended = await send(id, { to: 'revoked', decisionNo: '586/QĐ-SNN', decidedOn: daysAgo(7), note: 'Cấp trước khi kiểm tra' });
    expect(suspended.statusCode, suspended.body).toBe(201);
    expect(await row(id)).toMatchObject({ status: 'revoked', issued_on: daysAgo(8) });
  });

  it('migration 018 dates every move recorded before it by the day it was recorded, in Vietnam, and a second run changes nothing', async () => {
    const migration = (await readMigrations()).find((m) => m.name === '018_decision_dates.sql');
    expect(migration).toBeDefined();
    const { id } = await activeArea('584/BVTV-KD');
    const rollback = new Error('rollback');
    // The schema as it was before 018, with moves recorded then (one at 20:00 UTC: already the next day in Vietnam).
    await expect(
      reg.db.transaction(async (tx) => {
        await tx.exec(`DROP TRIGGER growing_area_transitions_decided_on ON growing_area_transitions;
                       ALTER TABLE growing_area_transitions DROP COLUMN decided_on;`);
        await tx.query(
          `INSERT INTO growing_area_transitions (growing_area_id, from_status, to_status, actor_id, at, decision_no)
           VALUES ($1, 'active', 'suspended', NULL, '2026-03-10T20:00:00Z', '59/QĐ-SNN')`,
          [id],
        );
        await tx.exec(migration!.sql);
        const dated = await tx.query<{ n: number; late: string }>(
          `SELECT count(*) FILTER (WHERE decided_on IS DISTINCT FROM (at AT TIME ZONE INTERVAL '+07:00')::date)::int AS n,
                  (SELECT to_char(decided_on, 'YYYY-MM-DD') FROM growing_area_transitions WHERE decision_no = '59/QĐ-SNN') AS late
           FROM growing_area_transitions`,
        );
        expect(dated.rows[0]).toEqual({ n: 0, late: '2026-03-11' });
        // A move written without a day (a script, the seed) is dated the day it is recorded; a second run changes nothing.
        await tx.exec(migration!.sql);
        const fresh = await tx.query<{ d: string }>(
          `INSERT INTO growing_area_transitions (growing_area_id, from_status, to_status, at) VALUES ($1, 'suspended', 'active', '2026-04-01T18:30:00Z')
           RETURNING to_char(decided_on, 'YYYY-MM-DD') AS d`,
          [id],
        );
        expect(fresh.rows[0]!.d).toBe('2026-04-02');
        throw rollback;
      }),
    ).rejects.toBe(rollback);
    expect((await moves(id)).every((m) => m.decided_on === m.recorded_on)).toBe(true);
  });
});
