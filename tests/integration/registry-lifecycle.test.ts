import fs from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  GROWING_AREA_STATUSES,
  allowedTransitions,
  type GrowingAreaScheme,
  type GrowingAreaStatus,
} from '../../server/domain/growing-area-lifecycle.ts';
import { jpegWithGeotag } from '../../server/domain/photo-facts.ts';
import { vietnamToday } from '../../server/domain/vietnam-time.ts';
import { DOSSIER_PROFILE, FULL_CHECKLIST, rect, recordedInspection } from '../fixtures/registry.ts';
import { useRegistryApp } from '../helpers/registry-app.ts';

const reg = useRegistryApp();
let officer: Record<string, string>;
let plotOffset = 0;

beforeAll(() => {
  officer = reg.as(reg.fx.users.officer);
});

const NO_PARCEL = { commune: null, communeName: null, communeFormer: null, sheet: null, parcel: null };
// Parcel 346 of sheet 912, named with the commune of its survey (a unit merged on 01/07/2025).
const PARCEL_346 = { commune: '29890', communeName: 'Xã Tân Thuận Tây', communeFormer: true, sheet: 912, parcel: 346 };

/** A fresh 0.15 ha vegetable plot in Phường Cao Lãnh, in a row of its own. */
async function newVegetablePlot(): Promise<number> {
  const y = 1000 + 60 * plotOffset++;
  const { rows } = await reg.db.query<{ id: number }>(
    `INSERT INTO plots (farmer_id, commune_code, crop, geom) VALUES ($1, '29869', 'vegetable', ST_GeomFromText($2, 4326)) RETURNING id`,
    [reg.fx.farmers.nam, rect(0, y, 30, y + 50)],
  );
  return rows[0]!.id;
}

async function createDraft(scheme: GrowingAreaScheme, crop = 'vegetable', plotIds?: number[]): Promise<number> {
  const res = await reg.app.inject({
    method: 'POST',
    url: '/api/growing-areas',
    headers: officer,
    payload: {
      name: `Vùng thử ${scheme}`,
      scheme,
      crop,
      communeCode: '29869',
      markets: scheme === 'domestic-3156' ? [] : ['CN'],
      registrantKind: 'cooperative',
      registrantName: 'HTX Xoài Tân Thuận Tây',
      ...DOSSIER_PROFILE,
      plotIds: plotIds ?? [await newVegetablePlot()],
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

let codeSerial = 100;
function extras(to: GrowingAreaStatus, scheme: GrowingAreaScheme): Record<string, unknown> {
  const serial = codeSerial++;
  const code = scheme === 'domestic-3156' ? `VN-82-29869-${serial}-26` : `VN-DTOR-${String(serial).padStart(4, '0')}`;
  return {
    // Every move into active may carry a decision, and lifting a suspension must.
    ...(to === 'issued' || to === 'approved' || to === 'suspended' || to === 'revoked' || to === 'active'
      ? { decisionNo: `${serial}/QĐ-SNN` }
      : {}),
    ...(to === 'issued' || to === 'approved' ? { code } : {}),
  };
}

async function inspect(id: number, conclusion: 'pass' | 'fail'): Promise<void> {
  const res = await reg.app.inject({
    method: 'POST',
    url: `/api/growing-areas/${id}/inspections`,
    headers: officer,
    payload: { ...recordedInspection(conclusion), checklist: FULL_CHECKLIST.map((c) => ({ ...c, ok: conclusion === 'pass' })) },
  });
  expect(res.statusCode, res.body).toBe(201);
}

async function inspectionsOf(id: number): Promise<Record<string, unknown>[]> {
  const { rows } = await reg.db.query(
    'SELECT inspected_on, conclusion, notes, checklist, inspector_id FROM inspections WHERE growing_area_id = $1 ORDER BY id',
    [id],
  );
  return rows;
}

async function move(id: number, to: GrowingAreaStatus, scheme: GrowingAreaScheme) {
  if (to === 'inspected_pass') await inspect(id, 'pass');
  if (to === 'inspected_fail') await inspect(id, 'fail');
  return reg.app.inject({
    method: 'POST',
    url: `/api/growing-areas/${id}/transitions`,
    headers: officer,
    payload: { to, ...extras(to, scheme) },
  });
}

// The shortest walk from draft to each status, per scheme.
function pathTo(target: GrowingAreaStatus, scheme: GrowingAreaScheme): GrowingAreaStatus[] {
  const exp = scheme !== 'domestic-3156';
  const coded: GrowingAreaStatus[] = exp
    ? ['submitted', 'under_inspection', 'inspected_pass', 'forwarded', 'approved']
    : ['submitted', 'under_inspection', 'inspected_pass', 'issued'];
  const paths: Partial<Record<GrowingAreaStatus, GrowingAreaStatus[]>> = {
    draft: [],
    submitted: ['submitted'],
    under_inspection: ['submitted', 'under_inspection'],
    inspected_pass: ['submitted', 'under_inspection', 'inspected_pass'],
    inspected_fail: ['submitted', 'under_inspection', 'inspected_fail'],
    forwarded: ['submitted', 'under_inspection', 'inspected_pass', 'forwarded'],
    approved: coded,
    issued: coded,
    active: [...coded, 'active'],
    suspended: [...coded, 'active', 'suspended'],
    revoked: [...coded, 'active', 'revoked'],
  };
  return paths[target]!;
}

async function areaIn(status: GrowingAreaStatus, scheme: GrowingAreaScheme): Promise<number> {
  const id = await createDraft(scheme);
  for (const step of pathTo(status, scheme)) {
    const res = await move(id, step, scheme);
    expect(res.statusCode, `${step}: ${res.body}`).toBe(201);
  }
  return id;
}

async function history(
  id: number,
): Promise<{ from_status: string; to_status: string; actor_id: number; decision_no: string | null; growing_area_id: number }[]> {
  const res = await reg.app.inject({ url: `/api/growing-areas/${id}/history`, headers: officer });
  expect(res.statusCode).toBe(200);
  return res.json().transitions;
}

/** Polls until the condition holds (a few seconds at most). */
async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('condition never held');
}

describe('growing-area lifecycle over the API', () => {
  const reachable: Record<GrowingAreaScheme, GrowingAreaStatus[]> = {
    'domestic-3156': [
      'draft',
      'submitted',
      'under_inspection',
      'inspected_pass',
      'inspected_fail',
      'issued',
      'active',
      'suspended',
      'revoked',
    ],
    'export-puc': ['inspected_pass', 'forwarded', 'approved', 'active'],
    'export-phc': [],
  };

  for (const scheme of ['domestic-3156', 'export-puc'] as const) {
    for (const from of reachable[scheme]) {
      it(`${scheme}: from ${from}, every forbidden move is 409 with the allowed ones and every allowed move is recorded`, async () => {
        const allowed = allowedTransitions(from, scheme);
        const id = await areaIn(from, scheme);
        for (const to of GROWING_AREA_STATUSES) {
          if (allowed.includes(to)) continue;
          const res = await reg.app.inject({
            method: 'POST',
            url: `/api/growing-areas/${id}/transitions`,
            headers: officer,
            payload: { to, ...extras(to, scheme) },
          });
          expect(res.statusCode, `${from} → ${to}`).toBe(409);
          expect(res.headers['content-type']).toContain('application/problem+json');
          expect(res.json()).toMatchObject({
            code: 'TRANSITION_FORBIDDEN',
            reason: to === from ? 'same-status' : 'forbidden',
            from,
            to,
            allowed,
          });
        }
        const before = (await history(id)).length;
        for (const [i, to] of allowed.entries()) {
          const target = i === 0 ? id : await areaIn(from, scheme);
          const res = await move(target, to, scheme);
          expect(res.statusCode, `${from} → ${to}: ${res.body}`).toBe(201);
          expect(res.json().area.status).toBe(to);
          const h = await history(target);
          expect(h.at(-1)).toMatchObject({ from_status: from, to_status: to, actor_id: reg.fx.users.officer, growing_area_id: target });
          if (i === 0) expect(h).toHaveLength(before + 1);
        }
        const row = (await reg.db.query<{ status: string }>('SELECT status FROM growing_areas WHERE id = $1', [id])).rows[0]!;
        expect(row.status).toBe(allowed[0] ?? from);
      });
    }
  }

  it('records the whole walk of a domestic code with actor, decision numbers, code and attachments', async () => {
    const id = await createDraft('domestic-3156');
    await move(id, 'submitted', 'domestic-3156');
    await move(id, 'under_inspection', 'domestic-3156');
    await move(id, 'inspected_pass', 'domestic-3156');
    const dayBefore = vietnamToday();
    const issue = await reg.app.inject({
      method: 'POST',
      url: `/api/growing-areas/${id}/transitions`,
      headers: officer,
      payload: {
        to: 'issued',
        code: ' vn-82-29869-77-26 ',
        decisionNo: '45/QĐ-SNN',
        note: 'Cấp mã',
        attachments: [{ name: 'quyet-dinh.pdf', ref: 'doc:45' }],
      },
    });
    const dayAfter = vietnamToday();
    expect(issue.statusCode, issue.body).toBe(201);
    expect(issue.json().area).toMatchObject({ code: 'VN-82-29869-77-26', decision_no: '45/QĐ-SNN', status: 'issued' });
    // The issue date is Vietnam's day (the database's clock may be on UTC, where it changes at 07:00 in Cao Lãnh).
    const { issued_on } = (await reg.db.query<{ issued_on: string }>('SELECT issued_on FROM growing_areas WHERE id = $1', [id])).rows[0]!;
    expect([dayBefore, dayAfter]).toContain(issued_on);
    const h = await history(id);
    expect(h.map((t) => `${t.from_status}>${t.to_status}`)).toEqual([
      'draft>submitted',
      'submitted>under_inspection',
      'under_inspection>inspected_pass',
      'inspected_pass>issued',
    ]);
    expect(h.at(-1)).toMatchObject({ decision_no: '45/QĐ-SNN', note: 'Cấp mã', attachments: [{ name: 'quyet-dinh.pdf', ref: 'doc:45' }] });
  });

  it('lets exactly one of two simultaneous identical transitions through', async () => {
    const id = await areaIn('under_inspection', 'domestic-3156');
    await inspect(id, 'pass');
    const [a, b] = await Promise.all(
      [0, 1].map(() =>
        reg.app.inject({
          method: 'POST',
          url: `/api/growing-areas/${id}/transitions`,
          headers: officer,
          payload: { to: 'inspected_pass' },
        }),
      ),
    );
    expect([a!.statusCode, b!.statusCode].sort()).toEqual([201, 409]);
    expect((await history(id)).filter((t) => t.to_status === 'inspected_pass')).toHaveLength(1);
  });

  it('asks for the decision number and a valid, unused code when issuing', async () => {
    const id = await areaIn('inspected_pass', 'domestic-3156');
    const noDecision = await reg.app.inject({
      method: 'POST',
      url: `/api/growing-areas/${id}/transitions`,
      headers: officer,
      payload: { to: 'issued', code: 'VN-82-29869-90-26' },
    });
    expect(noDecision.statusCode).toBe(422);
    expect(noDecision.json().reason).toBe('decision-required');
    const badCode = await reg.app.inject({
      method: 'POST',
      url: `/api/growing-areas/${id}/transitions`,
      headers: officer,
      payload: { to: 'issued', code: 'VN-TGOR-0095', decisionNo: '1' },
    });
    expect(badCode.statusCode).toBe(422);
    expect(badCode.json().reason).toBe('code-scheme-pattern');
    const other = await areaIn('issued', 'domestic-3156');
    const taken = (await reg.db.query<{ code: string }>('SELECT code FROM growing_areas WHERE id = $1', [other])).rows[0]!.code;
    const dup = await reg.app.inject({
      method: 'POST',
      url: `/api/growing-areas/${id}/transitions`,
      headers: officer,
      payload: { to: 'issued', code: taken, decisionNo: '2' },
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.headers['content-type']).toContain('application/problem+json');
    expect(dup.json()).toMatchObject({
      code: 'CONFLICT',
      reason: 'code-taken',
      holder: other,
      holderStatus: 'issued',
      detail: `Code ${taken} is already held by growing area ${other} (issued).`,
    });
    expect((await history(id)).at(-1)?.to_status).toBe('inspected_pass');
  });

  it('answers two officers issuing one code at the same instant like the check: one wins, the other is code-taken and writes nothing', async () => {
    const [a, b] = [await areaIn('inspected_pass', 'domestic-3156'), await areaIn('inspected_pass', 'domestic-3156')];
    const code = 'VN-82-29869-555-26';
    const issue = (id: number) =>
      reg.app.inject({
        method: 'POST',
        url: `/api/growing-areas/${id}/transitions`,
        headers: officer,
        payload: { to: 'issued', code, decisionNo: `${id}/QĐ-SNN` },
      });
    let answers: Awaited<ReturnType<typeof issue>>[];
    if (reg.db.capabilities.kind === 'postgres') {
      // A third area holds the code uncommitted, so both requests pass the check and then wait on
      // the unique index; once it rolls back, one takes the code and the index stops the other.
      const third = await areaIn('inspected_pass', 'domestic-3156');
      let release!: () => void;
      let hold!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const held = new Promise<void>((resolve) => (hold = resolve));
      const blocker = reg.db
        .transaction(async (tx) => {
          await tx.query('UPDATE growing_areas SET code = $2 WHERE id = $1', [third, code]);
          hold();
          await released;
          throw new Error('rolled back on purpose');
        })
        .catch(() => undefined);
      await held;
      const pending = [issue(a), issue(b)];
      await waitFor(async () => {
        const { rows } = await reg.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        return rows[0]!.n === 2;
      });
      release();
      await blocker;
      answers = await Promise.all(pending);
    } else {
      answers = await Promise.all([issue(a), issue(b)]);
    }
    expect(answers.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    const winner = answers[0]!.statusCode === 201 ? a : b;
    const loser = winner === a ? b : a;
    const refused = answers.find((r) => r.statusCode === 409)!;
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json()).toMatchObject({
      code: 'CONFLICT',
      reason: 'code-taken',
      holder: winner,
      holderStatus: 'issued',
      detail: `Code ${code} is already held by growing area ${winner} (issued).`,
    });
    const rows = (
      await reg.db.query<{ id: number; status: string; code: string | null; decision_no: string | null }>(
        'SELECT id, status, code, decision_no FROM growing_areas WHERE code = $1 OR id = ANY($2) ORDER BY id',
        [code, [a, b]],
      )
    ).rows;
    expect(rows).toEqual(
      [
        { id: winner, status: 'issued', code, decision_no: `${winner}/QĐ-SNN` },
        { id: loser, status: 'inspected_pass', code: null, decision_no: null },
      ].sort((x, y) => x.id - y.id),
    );
    expect((await history(winner)).at(-1)).toMatchObject({ to_status: 'issued', decision_no: `${winner}/QĐ-SNN` });
    expect((await history(loser)).map((t) => t.to_status)).toEqual(['submitted', 'under_inspection', 'inspected_pass']);
  });

  it('names the other refusals of a step by a reason too', async () => {
    const id = await areaIn('under_inspection', 'domestic-3156');
    const unknown = await reg.app.inject({
      method: 'POST',
      url: `/api/growing-areas/${id}/transitions`,
      headers: officer,
      payload: { to: 'approvedd' },
    });
    expect(unknown.statusCode).toBe(409);
    expect(unknown.json()).toMatchObject({ code: 'TRANSITION_FORBIDDEN', reason: 'unknown-status', to: 'approvedd' });
    const read = await reg.app.inject({ url: `/api/growing-areas/${id}`, headers: officer });
    const notDraft = await reg.app.inject({
      method: 'PATCH',
      url: `/api/growing-areas/${id}`,
      headers: { ...officer, 'if-match': read.headers.etag as string },
      payload: { name: 'Đổi tên' },
    });
    expect(notDraft.statusCode).toBe(409);
    expect(notDraft.json()).toMatchObject({
      code: 'CONFLICT',
      reason: 'growing-area-not-draft',
      growingAreaId: id,
      growingAreaStatus: 'under_inspection',
    });
    // RFC 9457's own members stay the HTTP status's: the area's status is growingAreaStatus.
    expect(notDraft.json().status).toBe(409);
    expect(notDraft.json().title).toBe('Conflict');
    const noCode = await reg.app.inject({
      method: 'POST',
      url: `/api/growing-areas/${await areaIn('inspected_pass', 'domestic-3156')}/transitions`,
      headers: officer,
      payload: { to: 'issued', decisionNo: '3' },
    });
    expect(noCode.statusCode).toBe(422);
    expect(noCode.json().reason).toBe('code-required');
  });

  it('refuses an inspection of an area that takes none with the reason and the status, and writes nothing', async () => {
    for (const status of ['draft', 'submitted', 'inspected_pass'] as const) {
      const id = await areaIn(status, 'domestic-3156');
      const before = (await inspectionsOf(id)).length;
      const res = await reg.app.inject({
        method: 'POST',
        url: `/api/growing-areas/${id}/inspections`,
        headers: officer,
        payload: { inspectedOn: '2026-02-01', checklist: [], conclusion: 'pass' },
      });
      expect(res.statusCode, status).toBe(409);
      expect(res.headers['content-type']).toContain('application/problem+json');
      const body = res.json();
      expect(body).toMatchObject({
        code: 'CONFLICT',
        status: 409,
        reason: 'inspection-not-allowed',
        growingAreaId: id,
        growingAreaStatus: status,
        detail: `Growing area ${id} is ${status}; inspections are recorded under inspection or while a code is in force.`,
      });
      expect(body.inspectable).toContain('under_inspection');
      expect(body.inspectable).not.toContain(status);
      expect(await inspectionsOf(id)).toHaveLength(before);
    }
  });

  it('records the inspection sent with a pass/fail in the same transaction as the move', async () => {
    for (const [to, conclusion] of [
      ['inspected_pass', 'pass'],
      ['inspected_fail', 'fail'],
    ] as const) {
      const id = await areaIn('under_inspection', 'domestic-3156');
      const checklist = (recordedInspection(conclusion) as { checklist: unknown[] }).checklist;
      const res = await reg.app.inject({
        method: 'POST',
        url: `/api/growing-areas/${id}/transitions`,
        headers: officer,
        payload: { to, note: 'Kết quả kiểm tra', inspection: { inspectedOn: '2026-02-03', conclusion, checklist, notes: 'Đủ hồ sơ' } },
      });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().area.status).toBe(to);
      const rows = await inspectionsOf(id);
      expect(rows).toEqual([{ inspected_on: '2026-02-03', conclusion, notes: 'Đủ hồ sơ', checklist, inspector_id: reg.fx.users.officer }]);
      expect((await history(id)).at(-1)).toMatchObject({ from_status: 'under_inspection', to_status: to, note: 'Kết quả kiểm tra' });
    }
  });

  it('writes no inspection when the move it came with is refused', async () => {
    // A stale card: the area has already moved on (409), or was never under inspection.
    const passed = await areaIn('under_inspection', 'domestic-3156');
    const first = await reg.app.inject({
      method: 'POST',
      url: `/api/growing-areas/${passed}/transitions`,
      headers: officer,
      payload: { to: 'inspected_pass', inspection: recordedInspection('pass', '2026-02-03') },
    });
    expect(first.statusCode, first.body).toBe(201);
    const again = await reg.app.inject({
      method: 'POST',
      url: `/api/growing-areas/${passed}/transitions`,
      headers: officer,
      payload: { to: 'inspected_pass', inspection: recordedInspection('pass', '2026-02-04') },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ reason: 'same-status' });
    expect(await inspectionsOf(passed)).toHaveLength(1);

    const submitted = await areaIn('submitted', 'domestic-3156');
    const early = await reg.app.inject({
      method: 'POST',
      url: `/api/growing-areas/${submitted}/transitions`,
      headers: officer,
      payload: { to: 'inspected_fail', inspection: recordedInspection('fail', '2026-02-03') },
    });
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ code: 'TRANSITION_FORBIDDEN', reason: 'forbidden', allowed: ['under_inspection', 'draft'] });
    expect(await inspectionsOf(submitted)).toHaveLength(0);

    // The inspection must conclude as the step says, and only a pass/fail takes one.
    const id = await areaIn('under_inspection', 'domestic-3156');
    const mismatch = await reg.app.inject({
      method: 'POST',
      url: `/api/growing-areas/${id}/transitions`,
      headers: officer,
      payload: { to: 'inspected_pass', inspection: recordedInspection('fail', '2026-02-03') },
    });
    expect(mismatch.statusCode).toBe(422);
    expect(mismatch.json()).toMatchObject({ reason: 'inspection-conclusion-mismatch', conclusion: 'pass' });
    const unexpected = await reg.app.inject({
      method: 'POST',
      url: `/api/growing-areas/${submitted}/transitions`,
      headers: officer,
      payload: { to: 'under_inspection', inspection: { inspectedOn: '2026-02-03', conclusion: 'pass' } },
    });
    expect(unexpected.statusCode).toBe(422);
    expect(unexpected.json().reason).toBe('inspection-not-expected');
    expect(await inspectionsOf(submitted)).toHaveLength(0);
    expect((await history(submitted)).at(-1)?.to_status).toBe('submitted');
    for (const inspection of [{ inspectedOn: '2026-02-03' }, { inspectedOn: 'hôm qua', conclusion: 'pass' }, { conclusion: 'pass' }]) {
      const bad = await reg.app.inject({
        method: 'POST',
        url: `/api/growing-areas/${id}/transitions`,
        headers: officer,
        payload: { to: 'inspected_pass', inspection },
      });
      expect(bad.statusCode, JSON.stringify(inspection)).toBe(400);
    }
    expect(await inspectionsOf(id)).toHaveLength(0);
    expect((await history(id)).at(-1)?.to_status).toBe('under_inspection');
  });

  it('needs an inspection concluded the same way before recording the result', async () => {
    const id = await areaIn('under_inspection', 'domestic-3156');
    const res = await reg.app.inject({
      method: 'POST',
      url: `/api/growing-areas/${id}/transitions`,
      headers: officer,
      payload: { to: 'inspected_pass' },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ reason: 'inspection-required', conclusion: 'pass', latest: null });
  });

  it('refuses a pass or fail that rests on an inspection with items unanswered, or with neither photo nor note; nothing written', async () => {
    const id = await areaIn('under_inspection', 'domestic-3156');
    const send = (payload: unknown) =>
      reg.app.inject({ method: 'POST', url: `/api/growing-areas/${id}/transitions`, headers: officer, payload: payload as object });
    const unchanged = async () => {
      expect(await inspectionsOf(id)).toHaveLength(0);
      expect((await history(id)).at(-1)?.to_status).toBe('under_inspection');
    };
    const full = recordedInspection('pass', '2026-02-03');
    // The audit's pass: a date and nothing else; an empty checklist; items missing; a wrong item's name.
    const thin: [string, Record<string, unknown>, number][] = [
      ['date only', { inspectedOn: '2026-02-03', conclusion: 'pass' }, 6],
      ['empty checklist', { ...full, checklist: [] }, 6],
      ['two items', { ...full, checklist: FULL_CHECKLIST.slice(0, 2) }, 4],
      ['an item misnamed', { ...full, checklist: [...FULL_CHECKLIST.slice(1), { item: 'Nhật ký', ok: true }] }, 1],
    ];
    for (const [what, inspection, missing] of thin) {
      const res = await send({ to: 'inspected_pass', inspection });
      expect(res.statusCode, what).toBe(422);
      expect(res.headers['content-type']).toContain('application/problem+json');
      const body = res.json();
      expect(body, what).toMatchObject({ reason: 'inspection-checklist-incomplete', field: 'checklist', inspectionId: null });
      expect(body.items, what).toHaveLength(missing);
      expect(body.detail, what).toContain(`leaves ${missing} unanswered`);
      await unchanged();
    }
    // Every item answered, but no note (and a move carries no photo); a note of blanks is none.
    for (const notes of [undefined, '   \n ']) {
      const { notes: _n, ...bare } = full;
      const res = await send({
        to: 'inspected_fail',
        inspection: { ...bare, conclusion: 'fail', ...(notes === undefined ? {} : { notes }) },
      });
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({ reason: 'inspection-no-evidence', field: 'notes', inspectionId: null });
      await unchanged();
    }
    // Resting on the inspection on record: a pass with three items reviewed is not enough.
    const partial = await reg.app.inject({
      method: 'POST',
      url: `/api/growing-areas/${id}/inspections`,
      headers: officer,
      payload: { inspectedOn: '2026-02-03', conclusion: 'pass', checklist: FULL_CHECKLIST.slice(0, 3) },
    });
    expect(partial.statusCode, partial.body).toBe(201);
    const partialId = partial.json().id as number;
    const onPartial = await send({ to: 'inspected_pass' });
    expect(onPartial.statusCode).toBe(422);
    expect(onPartial.json()).toMatchObject({ reason: 'inspection-checklist-incomplete', inspectionId: partialId });
    expect(onPartial.json().items).toEqual(FULL_CHECKLIST.slice(3).map((c) => c.item));
    // Complete but bare: refused until a photo is added to it, then the move rests on it.
    const bare = await reg.app.inject({
      method: 'POST',
      url: `/api/growing-areas/${id}/inspections`,
      headers: officer,
      payload: { inspectedOn: '2026-02-04', conclusion: 'pass', checklist: FULL_CHECKLIST },
    });
    const bareId = bare.json().id as number;
    const onBare = await send({ to: 'inspected_pass' });
    expect(onBare.statusCode).toBe(422);
    expect(onBare.json()).toMatchObject({ reason: 'inspection-no-evidence', inspectionId: bareId });
    expect((await history(id)).at(-1)?.to_status).toBe('under_inspection');
    expect(await inspectionsOf(id)).toHaveLength(2);
    const photo = await reg.app.inject({
      method: 'POST',
      url: `/api/inspections/${bareId}/photos`,
      headers: { ...officer, 'content-type': 'image/jpeg' },
      payload: Buffer.from(jpegWithGeotag(105.63, 10.46, '2026:02:04 09:00:00')),
    });
    expect(photo.statusCode, photo.body).toBe(201);
    const rested = await send({ to: 'inspected_pass' });
    expect(rested.statusCode, rested.body).toBe(201);
    expect(await inspectionsOf(id)).toHaveLength(2);
  });

  it('re-issues an active code as a new draft version of the same lineage and supersedes the old one', async () => {
    const id = await areaIn('active', 'domestic-3156');
    const old = (await reg.db.query<{ code: string; area_m2: number }>('SELECT code, area_m2 FROM growing_areas WHERE id = $1', [id]))
      .rows[0]!;
    const res = await reg.app.inject({
      method: 'POST',
      url: `/api/growing-areas/${id}/reissue`,
      headers: officer,
      payload: { decisionNo: '77/QĐ-SNN', note: 'Thay đổi diện tích' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const next = res.json();
    expect(next).toMatchObject({ status: 'draft', version_no: 2, previous_id: id, code: null, plot_count: 1 });
    expect(next.area_m2).toBeCloseTo(old.area_m2, 0);
    const rows = (
      await reg.db.query<{ id: number; status: string; lineage_id: number }>(
        'SELECT id, status, lineage_id FROM growing_areas WHERE lineage_id = $1 ORDER BY version_no',
        [id],
      )
    ).rows;
    expect(rows.map((r) => r.status)).toEqual(['superseded', 'draft']);
    const h = await history(next.id);
    expect(h.at(-1)).toMatchObject({ from_status: 'active', to_status: 'superseded', decision_no: '77/QĐ-SNN', growing_area_id: id });
    // The new version can take the same code again once it is issued.
    for (const step of ['submitted', 'under_inspection', 'inspected_pass'] as const)
      expect((await move(next.id, step, 'domestic-3156')).statusCode).toBe(201);
    const again = await reg.app.inject({
      method: 'POST',
      url: `/api/growing-areas/${next.id}/transitions`,
      headers: officer,
      payload: { to: 'issued', code: old.code, decisionNo: '78/QĐ-SNN' },
    });
    expect(again.statusCode, again.body).toBe(201);
    // Superseded is final, and a draft cannot be re-issued.
    expect(
      (await reg.app.inject({ method: 'POST', url: `/api/growing-areas/${id}/reissue`, headers: officer, payload: {} })).statusCode,
    ).toBe(409);
    const draft = await createDraft('domestic-3156');
    const refused = await reg.app.inject({ method: 'POST', url: `/api/growing-areas/${draft}/reissue`, headers: officer, payload: {} });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'TRANSITION_FORBIDDEN', reason: 'forbidden', from: 'draft', to: 'superseded' });
  });
});

describe('minimum area at submission', () => {
  it('refuses a 0.9 ha mango area and accepts it once it reaches 1.2 ha', async () => {
    const id = await createDraft('domestic-3156', 'mango', [reg.fx.plots.mangoA, reg.fx.plots.mangoB]);
    const area = (await reg.app.inject({ url: `/api/growing-areas/${id}`, headers: officer })).json();
    expect(area.area_m2).toBeGreaterThan(8900);
    expect(area.area_m2).toBeLessThan(9100);
    const res = await move(id, 'submitted', 'domestic-3156');
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', reason: 'below-minimum-area' });
    expect(res.json().detail).toMatch(/needs at least 1 ha; the plots total 0\.9\d* ha/);
    expect((await reg.db.query('SELECT 1 FROM growing_area_transitions WHERE growing_area_id = $1', [id])).rowCount).toBe(0);
    const added = await reg.app.inject({
      method: 'POST',
      url: `/api/growing-areas/${id}/plots`,
      headers: officer,
      payload: { plotIds: [reg.fx.plots.mangoC] },
    });
    expect(added.statusCode).toBe(200);
    expect(added.json().area_m2).toBeGreaterThan(11_900);
    expect((await move(id, 'submitted', 'domestic-3156')).statusCode).toBe(201);
  });

  it('refuses a dossier with plots without a farmer or an empty profile, naming each; nothing written; accepts it once complete', async () => {
    // Two plots without a farmer (one on parcel 346 of sheet 912, one on no parcel), one with.
    const orphan = async (wkt: string) =>
      (
        await reg.db.query<{ id: number }>(
          `INSERT INTO plots (farmer_id, commune_code, crop, geom) VALUES (NULL, '29869', 'vegetable', ST_GeomFromText($1, 4326)) RETURNING id`,
          [wkt],
        )
      ).rows[0]!.id;
    const onParcel = await orphan(rect(110, 5, 140, 45));
    const nowhere = await orphan(rect(0, 1000 + 60 * plotOffset++, 30, 1000 + 60 * plotOffset + 50));
    const created = await reg.app.inject({
      method: 'POST',
      url: '/api/growing-areas',
      headers: officer,
      payload: {
        name: 'Vùng rau nhập từ tệp',
        scheme: 'domestic-3156',
        crop: 'vegetable',
        communeCode: '29869',
        registrantName: 'HTX Rau Mỹ Trà',
        plotIds: [nowhere, await newVegetablePlot(), onParcel],
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as number;
    const unchanged = async () => {
      expect((await reg.db.query<{ status: string }>('SELECT status FROM growing_areas WHERE id = $1', [id])).rows[0]!.status).toBe(
        'draft',
      );
      expect((await reg.db.query('SELECT 1 FROM growing_area_transitions WHERE growing_area_id = $1', [id])).rowCount).toBe(0);
    };
    const refused = await move(id, 'submitted', 'domestic-3156');
    expect(refused.statusCode).toBe(422);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    const body = refused.json();
    expect(body).toMatchObject({
      code: 'VALIDATION_FAILED',
      reason: 'dossier-incomplete',
      missingFields: ['households', 'technicalOfficer', 'expectedYieldTonnes'],
    });
    expect(body.plotsWithoutFarmer).toEqual([
      { id: Math.min(onParcel, nowhere), ...(onParcel < nowhere ? PARCEL_346 : NO_PARCEL) },
      { id: Math.max(onParcel, nowhere), ...(onParcel < nowhere ? NO_PARCEL : PARCEL_346) },
    ]);
    expect(body.detail).toContain(`${onParcel} (Sheet 912 parcel 346, former Xã Tân Thuận Tây)`);
    expect(body.detail).toContain('the profile leaves households, technicalOfficer, expectedYieldTonnes empty');
    await unchanged();
    // A profile of blanks is empty too (written past the API, which refuses a name of spaces).
    await reg.db.query(`UPDATE growing_areas SET households = 4, technical_officer = '   ', expected_yield_tonnes = 3 WHERE id = $1`, [id]);
    const blank = await move(id, 'submitted', 'domestic-3156');
    expect(blank.json()).toMatchObject({ reason: 'dossier-incomplete', missingFields: ['technicalOfficer'] });
    expect(blank.json().plotsWithoutFarmer).toHaveLength(2);
    await unchanged();
    // The profile filled through the API, the farmers given: the plots alone, then nothing, stand in the way.
    const etag = (await reg.app.inject({ url: `/api/growing-areas/${id}`, headers: officer })).headers.etag as string;
    const patched = await reg.app.inject({
      method: 'PATCH',
      url: `/api/growing-areas/${id}`,
      headers: { ...officer, 'if-match': etag },
      payload: { technicalOfficer: 'Trần Văn Kỹ' },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    const plotsOnly = await move(id, 'submitted', 'domestic-3156');
    expect(plotsOnly.json()).toMatchObject({ reason: 'dossier-incomplete', missingFields: [] });
    expect(plotsOnly.json().detail).toMatch(/^The dossier is not complete: 2 plot\(s\) have no farmer: /);
    await unchanged();
    await reg.db.query('UPDATE plots SET farmer_id = $1 WHERE id = ANY($2)', [reg.fx.farmers.lan, [onParcel, nowhere]]);
    const ok = await move(id, 'submitted', 'domestic-3156');
    expect(ok.statusCode, ok.body).toBe(201);
  });

  it('accepts a 0.15 ha vegetable area', async () => {
    const id = await createDraft('domestic-3156', 'vegetable', [reg.fx.plots.vegetable]);
    const res = await move(id, 'submitted', 'domestic-3156');
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().area.area_m2).toBeCloseTo(1500, -1);
  });

  it('refuses plots of another crop, of another area or of a commune the officer does not work in', async () => {
    const id = await createDraft('domestic-3156', 'rice', [reg.fx.plots.rice]);
    const wrongCrop = await reg.app.inject({
      method: 'POST',
      url: `/api/growing-areas/${id}/plots`,
      headers: officer,
      payload: { plotIds: [reg.fx.plots.lanMango] },
    });
    expect(wrongCrop.statusCode).toBe(422);
    expect(wrongCrop.json().detail).toContain(`Plot ${reg.fx.plots.lanMango} grows mango`);
    // The sentences as ever, and beside them each reason with its facts as fields.
    expect(wrongCrop.json().reasons).toEqual([`Plot ${reg.fx.plots.lanMango} grows mango, not rice.`]);
    expect(wrongCrop.json().problems).toEqual([
      {
        code: 'PLOT_CROP_MISMATCH',
        property: 'crop',
        plotIds: [reg.fx.plots.lanMango],
        message: `Plot ${reg.fx.plots.lanMango} grows mango, not rice.`,
        plotId: reg.fx.plots.lanMango,
        plotCrop: 'mango',
        areaId: id,
        areaCrop: 'rice',
      },
    ]);
    const missing = await reg.app.inject({
      method: 'POST',
      url: `/api/growing-areas/${id}/plots`,
      headers: officer,
      payload: { plotIds: [987654321] },
    });
    expect(missing.statusCode).toBe(422);
    const elsewhere = await reg.app.inject({
      method: 'POST',
      url: `/api/growing-areas/${id}/plots`,
      headers: reg.as(reg.fx.users.officerElsewhere),
      payload: { plotIds: [reg.fx.plots.rice] },
    });
    expect(elsewhere.statusCode).toBe(403);
    const removed = await reg.app.inject({
      method: 'DELETE',
      url: `/api/growing-areas/${id}/plots/${reg.fx.plots.rice}`,
      headers: officer,
    });
    expect(removed.statusCode).toBe(200);
    expect(removed.json()).toMatchObject({ plot_count: 0, area_m2: 0 });
  });

  it('links member plots to the cadastral parcels they cover, with shares summing to the plot', async () => {
    // mangoA joined an area in the test above, which linked it; recomputing gives the same links.
    const linked = (await reg.app.inject({ url: `/api/plots/${reg.fx.plots.mangoA}`, headers: officer })).json();
    const res = await reg.app.inject({ method: 'POST', url: `/api/plots/${reg.fx.plots.mangoA}/parcel-links`, headers: officer });
    expect(res.statusCode, res.body).toBe(200);
    const links = res.json().parcels as { parcelId: number; shareM2: number; sharePct: number }[];
    expect(links).toEqual(linked.parcels);
    expect(links.map((l) => l.parcelId).sort()).toEqual([reg.fx.parcels.twoZones, reg.fx.parcels.next].sort());
    expect(links.reduce((s, l) => s + l.sharePct, 0)).toBeCloseTo(100, 0);
    for (const l of links) expect(l.sharePct).toBeCloseTo(50, 0);
  });
  it('keeps the links current when a plot or a parcel is redrawn, however it is edited', async () => {
    const links = async (plotId: number) =>
      (
        await reg.db.query<{ parcel_id: number; share_pct: number }>(
          'SELECT parcel_id, share_pct FROM plot_parcels WHERE plot_id = $1 ORDER BY parcel_id',
          [plotId],
        )
      ).rows;
    // The vegetable plot lies east of both parcels: no link. Moved onto parcel 346, it links to it alone.
    expect(await links(reg.fx.plots.vegetable)).toEqual([]);
    await reg.db.query('UPDATE plots SET geom = ST_GeomFromText($2, 4326) WHERE id = $1', [reg.fx.plots.vegetable, rect(150, 0, 180, 50)]);
    expect(await links(reg.fx.plots.vegetable)).toEqual([{ parcel_id: reg.fx.parcels.next, share_pct: expect.closeTo(100, 1) }]);
    // Parcel 346 shrinks to its western half: the plot now lies half outside any parcel.
    await reg.db.query('UPDATE parcels SET geom = ST_GeomFromText($2, 4326) WHERE id = $1', [
      reg.fx.parcels.next,
      rect(100, 0, 165, 50, true),
    ]);
    expect(await links(reg.fx.plots.vegetable)).toEqual([{ parcel_id: reg.fx.parcels.next, share_pct: expect.closeTo(50, 0) }]);
    await reg.db.query('UPDATE parcels SET geom = ST_GeomFromText($2, 4326) WHERE id = $1', [
      reg.fx.parcels.next,
      rect(100, 0, 200, 50, true),
    ]);
    await reg.db.query('UPDATE plots SET geom = ST_GeomFromText($2, 4326) WHERE id = $1', [reg.fx.plots.vegetable, rect(200, 0, 230, 50)]);
    expect(await links(reg.fx.plots.vegetable)).toEqual([]);
  });
});

describe('proposed code, inspections and photos', () => {
  it('proposes the next code of the province pattern, for the scheme', async () => {
    const dom = await createDraft('domestic-3156');
    const res = await reg.app.inject({ url: `/api/growing-areas/${dom}/proposed-code`, headers: officer });
    expect(res.statusCode).toBe(200);
    expect(res.json().proposed).toMatch(new RegExp(`^VN-82-29869-\\d{2,}-${String(new Date().getFullYear() % 100).padStart(2, '0')}$`));
    const puc = await createDraft('export-puc');
    expect((await reg.app.inject({ url: `/api/growing-areas/${puc}/proposed-code`, headers: officer })).json().proposed).toMatch(
      /^VN-DTOR-\d{4}$/,
    );
  });

  it('stores a geotagged photo, reads the position from EXIF, and serves it back', async () => {
    const id = await areaIn('under_inspection', 'domestic-3156');
    const ins = await reg.app.inject({
      method: 'POST',
      url: `/api/growing-areas/${id}/inspections`,
      headers: officer,
      payload: {
        inspectedOn: '2026-02-02',
        checklist: [{ item: 'Vệ sinh đồng ruộng', ok: true, note: 'sạch cỏ' }],
        notes: 'Kiểm tra lần 1',
      },
    });
    expect(ins.statusCode, ins.body).toBe(201);
    const inspectionId = ins.json().id;
    const jpeg = jpegWithGeotag(105.668123, 10.463456, '2026:02:02 08:30:00');
    const up = await reg.app.inject({
      method: 'POST',
      url: `/api/inspections/${inspectionId}/photos`,
      headers: { ...officer, 'content-type': 'image/jpeg' },
      payload: Buffer.from(jpeg),
    });
    expect(up.statusCode, up.body).toBe(201);
    const photo = up.json().photos[0];
    expect(photo.lon).toBeCloseTo(105.668123, 5);
    expect(photo.lat).toBeCloseTo(10.463456, 5);
    expect(new Date(photo.takenAt).toISOString()).toBe('2026-02-02T01:30:00.000Z');
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
    const withQuery = await reg.app.inject({
      method: 'POST',
      url: `/api/inspections/${inspectionId}/photos?lon=105.6&lat=10.45`,
      headers: { ...officer, 'content-type': 'image/png' },
      payload: png,
    });
    expect(withQuery.statusCode).toBe(201);
    expect(withQuery.json().photos[1]).toMatchObject({ lon: 105.6, lat: 10.45, mime: 'image/png' });
    const back = await reg.app.inject({ url: `/api/inspections/${inspectionId}/photos/${photo.id}`, headers: officer });
    expect(back.statusCode).toBe(200);
    expect(back.headers['content-type']).toBe('image/jpeg');
    expect(Buffer.compare(back.rawPayload, Buffer.from(jpeg))).toBe(0);
    const files = await fs.readdir(path.join(reg.uploadDir, 'inspections', String(inspectionId)));
    expect(files).toHaveLength(2);
  });

  it('refuses photos that lie about their type, are not images, are empty or too large, and writes nothing', async () => {
    const id = await areaIn('under_inspection', 'domestic-3156');
    const ins = await reg.app.inject({
      method: 'POST',
      url: `/api/growing-areas/${id}/inspections`,
      headers: officer,
      payload: { inspectedOn: '2026-02-03', checklist: [{ item: 'Nhật ký canh tác', ok: true }] },
    });
    const url = `/api/inspections/${ins.json().id}/photos`;
    const cases: [string, Buffer, number][] = [
      ['image/jpeg', Buffer.from('<svg onload=alert(1)>'), 415],
      ['image/png', Buffer.from(jpegWithGeotag(1, 1, '2026:01:01 00:00:00')), 415],
      ['image/gif', Buffer.from('GIF89a'), 415],
      ['text/html', Buffer.from('<html>'), 415],
      ['image/jpeg', Buffer.alloc(0), 422],
      ['image/jpeg', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(11 * 1024 * 1024)]), 413],
    ];
    for (const [type, body, status] of cases) {
      const res = await reg.app.inject({ method: 'POST', url, headers: { ...officer, 'content-type': type }, payload: body });
      expect(res.statusCode, `${type} ${body.length}`).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    const half = await reg.app.inject({
      method: 'POST',
      url: `${url}?lon=105.6`,
      headers: { ...officer, 'content-type': 'image/png' },
      payload: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    });
    expect(half.statusCode).toBe(400);
    expect((await reg.db.query('SELECT 1 FROM inspection_photos WHERE inspection_id = $1', [ins.json().id])).rowCount).toBe(0);
    await expect(fs.readdir(path.join(reg.uploadDir, 'inspections', String(ins.json().id)))).rejects.toThrow();
  });

  describe('a photo sent again under its Idempotency-Key', () => {
    const jpeg = Buffer.from(jpegWithGeotag(105.66, 10.46, '2026:02:04 07:00:00'));
    const otherJpeg = Buffer.from(jpegWithGeotag(105.67, 10.47, '2026:02:04 07:05:00'));

    async function newInspection(): Promise<number> {
      const id = await areaIn('under_inspection', 'domestic-3156');
      const ins = await reg.app.inject({
        method: 'POST',
        url: `/api/growing-areas/${id}/inspections`,
        headers: officer,
        payload: { inspectedOn: '2026-02-04', checklist: [{ item: 'Nhật ký canh tác', ok: true }] },
      });
      expect(ins.statusCode, ins.body).toBe(201);
      return ins.json().id;
    }
    const send = (inspectionId: number, key: string | undefined, bytes = jpeg, query = '') =>
      reg.app.inject({
        method: 'POST',
        url: `/api/inspections/${inspectionId}/photos${query}`,
        headers: { ...officer, 'content-type': 'image/jpeg', ...(key === undefined ? {} : { 'idempotency-key': key }) },
        payload: bytes,
      });
    /** The inspection's photo rows and the files in its upload folder (none when the folder was never made). */
    async function stored(inspectionId: number): Promise<{ rows: { id: number; bytes: number }[]; files: string[] }> {
      const { rows } = await reg.db.query<{ id: number; bytes: number }>(
        'SELECT id, bytes FROM inspection_photos WHERE inspection_id = $1 ORDER BY id',
        [inspectionId],
      );
      const files = await fs.readdir(path.join(reg.uploadDir, 'inspections', String(inspectionId))).catch(() => []);
      return { rows, files };
    }

    it('stores a photo sent twice under one key once, and answers the repeat with the same photo', async () => {
      const inspectionId = await newInspection();
      const key = crypto.randomUUID();
      const first = await send(inspectionId, key);
      expect(first.statusCode, first.body).toBe(201);
      const photoId = first.json().photos[0].id;
      expect(first.headers.location).toBe(`/api/inspections/${inspectionId}/photos/${photoId}`);
      // The retry (a lost answer) comes with other query values too: the photo as first stored stands.
      const again = await send(inspectionId, key, jpeg, '?lon=106&lat=11');
      expect(again.statusCode, again.body).toBe(200);
      expect(again.headers.location).toBe(first.headers.location);
      expect(again.json()).toEqual(first.json());
      // The header's structured-field form (a quoted string) names the same key.
      const quoted = await send(inspectionId, `"${key}"`);
      expect(quoted.statusCode).toBe(200);
      expect(quoted.json()).toEqual(first.json());
      const { rows, files } = await stored(inspectionId);
      expect(rows).toEqual([{ id: photoId, bytes: jpeg.length }]);
      expect(files).toHaveLength(1);
      expect(await fs.readFile(path.join(reg.uploadDir, 'inspections', String(inspectionId), files[0]!))).toEqual(jpeg);
      // The key is the inspection's: another inspection stores its own photo under it.
      const elsewhere = await newInspection();
      expect((await send(elsewhere, key)).statusCode).toBe(201);
      expect((await stored(elsewhere)).rows).toHaveLength(1);
    });

    it('lets one of two attempts sent at the same moment store the photo; the other answers it and leaves no file', async () => {
      const inspectionId = await newInspection();
      const keys = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
      const answers = await Promise.all(keys.flatMap((key) => [send(inspectionId, key), send(inspectionId, key)]));
      for (let i = 0; i < keys.length; i++) {
        const [a, b] = [answers[2 * i]!, answers[2 * i + 1]!];
        expect([a.statusCode, b.statusCode].sort(), `${a.body} ${b.body}`).toEqual([200, 201]);
        expect(a.headers.location).toBe(b.headers.location);
      }
      const { rows, files } = await stored(inspectionId);
      expect(rows).toHaveLength(3);
      expect(files).toHaveLength(3);
      expect(new Set(answers.map((a) => a.headers.location)).size).toBe(3);
    });

    it('refuses other bytes under a key already used with 409 idempotency-key-reused, and writes nothing', async () => {
      const inspectionId = await newInspection();
      const key = crypto.randomUUID();
      const first = await send(inspectionId, key);
      expect(first.statusCode).toBe(201);
      const reused = await send(inspectionId, key, otherJpeg);
      expect(reused.statusCode).toBe(409);
      expect(reused.headers['content-type']).toContain('application/problem+json');
      expect(reused.json()).toMatchObject({
        code: 'CONFLICT',
        reason: 'idempotency-key-reused',
        inspectionId,
        photoId: first.json().photos[0].id,
      });
      // Two different photos under one key at the same moment: one is stored, the other refused.
      const raceKey = crypto.randomUUID();
      const race = await Promise.all([send(inspectionId, raceKey), send(inspectionId, raceKey, otherJpeg)]);
      expect(race.map((r) => r.statusCode).sort()).toEqual([201, 409]);
      const { rows, files } = await stored(inspectionId);
      expect(rows).toHaveLength(2);
      expect(files).toHaveLength(2);
    });

    it('answers a key of the wrong shape with 400 idempotency-key-shape and writes nothing; no key stores every upload', async () => {
      const inspectionId = await newInspection();
      const hostile = [
        '',
        'short-key',
        'k'.repeat(65),
        'has spaces in the key 123',
        'ảnh-vườn-xoài-số-một-2026',
        '../../../../etc/passwd%00',
        '"unbalanced-quote-0123456789',
        'abcdefghijklmnop, abcdefghijklmnop',
        "x' OR '1'='1' -- 0123456789",
      ];
      for (const key of hostile) {
        const res = await send(inspectionId, key);
        expect(res.statusCode, `${JSON.stringify(key)}: ${res.body}`).toBe(400);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.json().reason).toBe('idempotency-key-shape');
      }
      expect(await stored(inspectionId)).toEqual({ rows: [], files: [] });
      // Older clients send no key: each upload is a photo, as before.
      expect((await send(inspectionId, undefined)).statusCode).toBe(201);
      expect((await send(inspectionId, undefined)).statusCode).toBe(201);
      const { rows, files } = await stored(inspectionId);
      expect(rows).toHaveLength(2);
      expect(files).toHaveLength(2);
    });
  });

  describe('an inspection sent again under its Idempotency-Key', () => {
    const body = {
      inspectedOn: '2026-02-06',
      conclusion: 'pass',
      notes: 'Vườn sạch, nhật ký đủ.',
      checklist: FULL_CHECKLIST.map((c, i) => (i === 0 ? { ...c, note: 'đủ 12 tháng' } : c)),
    };
    const record = (areaId: number, key: string | undefined, payload: object = body, headers = officer) =>
      reg.app.inject({
        method: 'POST',
        url: `/api/growing-areas/${areaId}/inspections`,
        headers: { ...headers, ...(key === undefined ? {} : { 'idempotency-key': key }) },
        payload,
      });
    const rowsOf = async (areaId: number) =>
      (
        await reg.db.query<{ id: number; notes: string; idempotency_key: string | null }>(
          'SELECT id, notes, idempotency_key FROM inspections WHERE growing_area_id = $1 ORDER BY id',
          [areaId],
        )
      ).rows;

    it('records it once and answers the repeat (a lost answer) with 200 and the same inspection, even after the area moved on', async () => {
      const areaId = await areaIn('under_inspection', 'domestic-3156');
      const key = crypto.randomUUID();
      const first = await record(areaId, key);
      expect(first.statusCode, first.body).toBe(201);
      const again = await record(areaId, `"${key}"`);
      expect(again.statusCode, again.body).toBe(200);
      expect(again.json()).toEqual(first.json());
      expect(await rowsOf(areaId)).toEqual([{ id: first.json().id, notes: body.notes, idempotency_key: key }]);
      // The pass is recorded; the area no longer takes inspections, but the retry still gets its answer.
      const passed = await reg.app.inject({
        method: 'POST',
        url: `/api/growing-areas/${areaId}/transitions`,
        headers: officer,
        payload: { to: 'inspected_pass' },
      });
      expect(passed.statusCode, passed.body).toBe(201);
      const late = await record(areaId, key);
      expect(late.statusCode, late.body).toBe(200);
      expect(late.json().id).toBe(first.json().id);
      const fresh = await record(areaId, crypto.randomUUID());
      expect(fresh.statusCode).toBe(409);
      expect(fresh.json().reason).toBe('inspection-not-allowed');
      expect(await rowsOf(areaId)).toHaveLength(1);
      // Without a key, as older clients send, each request is an inspection of its own.
      const other = await areaIn('under_inspection', 'domestic-3156');
      expect((await record(other, undefined)).statusCode).toBe(201);
      expect((await record(other, undefined)).statusCode).toBe(201);
      expect(await rowsOf(other)).toHaveLength(2);
    });

    it('lets one of two attempts at the same moment record it; the other answers it', async () => {
      const areaId = await areaIn('under_inspection', 'domestic-3156');
      const key = crypto.randomUUID();
      const [a, b] = await Promise.all([record(areaId, key), record(areaId, key)]);
      expect([a.statusCode, b.statusCode].sort(), `${a.body} ${b.body}`).toEqual([200, 201]);
      expect(a.json().id).toBe(b.json().id);
      expect(await rowsOf(areaId)).toHaveLength(1);
    });

    it('refuses the key with other content, from another officer, or of a bad shape, and writes nothing', async () => {
      const areaId = await areaIn('under_inspection', 'domestic-3156');
      const key = crypto.randomUUID();
      const first = await record(areaId, key);
      expect(first.statusCode).toBe(201);
      const changed = await record(areaId, key, { ...body, notes: 'Khác hẳn.' });
      expect(changed.statusCode).toBe(409);
      expect(changed.headers['content-type']).toContain('application/problem+json');
      expect(changed.json()).toMatchObject({ reason: 'idempotency-key-reused', growingAreaId: areaId, inspectionId: first.json().id });
      const byAdmin = await record(areaId, key, body, reg.as(reg.fx.users.admin));
      expect(byAdmin.statusCode).toBe(409);
      expect(byAdmin.json().reason).toBe('idempotency-key-reused');
      for (const bad of ['', 'short', 'k'.repeat(65), 'có dấu-0123456789abcdef', "x' OR '1'='1' -- 0123456789"]) {
        const res = await record(areaId, bad);
        expect(res.statusCode, `${JSON.stringify(bad)}: ${res.body}`).toBe(400);
        expect(res.json().reason).toBe('idempotency-key-shape');
      }
      // A farmer may not record inspections, key or not.
      expect((await record(areaId, crypto.randomUUID(), body, reg.as(reg.fx.users.farmer))).statusCode).toBe(403);
      expect(await rowsOf(areaId)).toEqual([{ id: first.json().id, notes: body.notes, idempotency_key: key }]);
    });
  });
});

describe('small versions of inspection photos', () => {
  const photo = Buffer.from(jpegWithGeotag(105.66, 10.46, '2026:02:05 07:00:00'));
  // Any JPEG by its bytes is taken as the small version; the phone's canvas makes a real one.
  const small = Buffer.from(jpegWithGeotag(105.61, 10.41, '2026:02:05 07:01:00'));

  /** A new inspection in Phường Cao Lãnh holding one photo: its ids and where its small version would be. */
  async function photoOfNewInspection(): Promise<{ inspectionId: number; photoId: number; url: string; thumbFile: string }> {
    const id = await areaIn('under_inspection', 'domestic-3156');
    const ins = await reg.app.inject({
      method: 'POST',
      url: `/api/growing-areas/${id}/inspections`,
      headers: officer,
      payload: { inspectedOn: '2026-02-05', checklist: [{ item: 'Nhật ký canh tác', ok: true }] },
    });
    const inspectionId = ins.json().id;
    const up = await reg.app.inject({
      method: 'POST',
      url: `/api/inspections/${inspectionId}/photos`,
      headers: { ...officer, 'content-type': 'image/jpeg' },
      payload: photo,
    });
    expect(up.statusCode, up.body).toBe(201);
    const photoId = up.json().photos[0].id;
    const { file_path } = (await reg.db.query<{ file_path: string }>('SELECT file_path FROM inspection_photos WHERE id = $1', [photoId]))
      .rows[0]!;
    const thumbFile = path.join(reg.uploadDir, file_path.replace(/\.jpg$/, '.thumb.jpg'));
    return { inspectionId, photoId, url: `/api/inspections/${inspectionId}/photos/${photoId}`, thumbFile };
  }
  const put = (url: string, headers: Record<string, string>, body: Buffer, type = 'image/jpeg') =>
    reg.app.inject({ method: 'PUT', url: `${url}/thumbnail`, headers: { ...headers, 'content-type': type }, payload: body });

  it('stores the small version beside the photo and answers it for size=thumb, the photo without; a second PUT replaces it', async () => {
    const { url, thumbFile } = await photoOfNewInspection();
    const stored = await put(url, officer, small);
    expect(stored.statusCode, stored.body).toBe(204);
    expect(await fs.readFile(thumbFile)).toEqual(small);
    const thumb = await reg.app.inject({ url: `${url}?size=thumb`, headers: officer });
    expect(thumb.statusCode).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/jpeg');
    expect(thumb.headers['cache-control']).toBe('private, max-age=3600');
    expect(thumb.rawPayload).toEqual(small);
    const full = await reg.app.inject({ url, headers: officer });
    expect(full.rawPayload).toEqual(photo);
    expect(full.headers['cache-control']).toBe('private, max-age=3600');
    // PUT replaces: the phone's retry (or a better version) overwrites, leaving no second file.
    const replaced = await put(url, officer, photo);
    expect(replaced.statusCode).toBe(204);
    expect((await reg.app.inject({ url: `${url}?size=thumb`, headers: officer })).rawPayload).toEqual(photo);
    expect((await fs.readdir(path.dirname(thumbFile))).sort()).toEqual(
      [path.basename(thumbFile).replace('.thumb', ''), path.basename(thumbFile)].sort(),
    );
  });

  it('answers size=thumb of a photo without a small version with the photo itself, not cached as the small version', async () => {
    const { url } = await photoOfNewInspection();
    const res = await reg.app.inject({ url: `${url}?size=thumb`, headers: officer });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(res.rawPayload).toEqual(photo);
    expect(res.headers['cache-control']).toBe('private, no-store');
    for (const bad of ['?size=big', '?size=', '?size=THUMB']) {
      const refused = await reg.app.inject({ url: `${url}${bad}`, headers: officer });
      expect(refused.statusCode, bad).toBe(400);
      expect(refused.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('refuses a small version that is not a JPEG, is empty or too large with a 4xx problem, and writes nothing', async () => {
    const { url, thumbFile } = await photoOfNewInspection();
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
    const cases: [string, Buffer, number][] = [
      ['image/png', png, 415],
      ['image/jpeg', png, 415],
      ['image/png', small, 415],
      ['image/jpeg', Buffer.from('<svg onload=alert(1)>'), 415],
      ['text/html', Buffer.from('<html>'), 415],
      ['image/jpeg', Buffer.alloc(0), 422],
      ['image/jpeg', Buffer.concat([small, Buffer.alloc(200 * 1024)]), 413],
    ];
    for (const [type, body, status] of cases) {
      const res = await put(url, officer, body, type);
      expect(res.statusCode, `${type} ${body.length}: ${res.body}`).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    await expect(fs.stat(thumbFile)).rejects.toThrow();
    expect((await fs.readdir(path.dirname(thumbFile))).filter((f) => f !== path.basename(thumbFile).replace('.thumb', ''))).toEqual([]);
  });

  it('lets only staff of the commune send or read it, and answers 404 for a photo the inspection does not hold', async () => {
    const { inspectionId, photoId, url, thumbFile } = await photoOfNewInspection();
    for (const [headers, status] of [
      [{}, 401],
      [reg.as(reg.fx.users.officerElsewhere), 403],
      [reg.as(reg.fx.users.farmer), 403],
    ] as const) {
      expect((await put(url, headers, small)).statusCode).toBe(status);
      expect((await reg.app.inject({ url: `${url}?size=thumb`, headers })).statusCode).toBe(status);
    }
    await expect(fs.stat(thumbFile)).rejects.toThrow();
    const other = await photoOfNewInspection();
    for (const missing of [
      `/api/inspections/${inspectionId}/photos/${photoId + 999999}`,
      `/api/inspections/${other.inspectionId}/photos/${photoId}`,
      `/api/inspections/99999999/photos/${photoId}`,
    ]) {
      const res = await put(missing, officer, small);
      expect(res.statusCode, missing).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect((await reg.app.inject({ url: `${missing}?size=thumb`, headers: officer })).statusCode).toBe(404);
    }
    await expect(fs.stat(thumbFile)).rejects.toThrow();
    await expect(fs.stat(other.thumbFile)).rejects.toThrow();
  });
});

describe('roles and hostile input', () => {
  it('keeps visitors, farmers, planners and officers of other communes out', async () => {
    const id = await createDraft('domestic-3156');
    for (const [who, status] of [
      [undefined, 401],
      [reg.fx.users.farmer, 403],
      [reg.fx.users.planner, 403],
      [reg.fx.users.officerElsewhere, 403],
    ] as const) {
      const headers = who === undefined ? {} : reg.as(who);
      expect((await reg.app.inject({ url: `/api/growing-areas/${id}`, headers })).statusCode).toBe(status);
      const res = await reg.app.inject({
        method: 'POST',
        url: `/api/growing-areas/${id}/transitions`,
        headers,
        payload: { to: 'submitted' },
      });
      expect(res.statusCode).toBe(status);
    }
    expect((await history(id)).length).toBe(0);
    const admin = await reg.app.inject({ url: `/api/growing-areas/${id}`, headers: reg.as(reg.fx.users.admin) });
    expect(admin.statusCode).toBe(200);
  });

  it('answers bad input with a 4xx problem and changes nothing', async () => {
    const before = (await reg.db.query<{ n: number }>('SELECT count(*)::int AS n FROM growing_areas')).rows[0]!.n;
    const bad: [string, string, unknown][] = [
      ['POST', '/api/growing-areas', { name: 'x' }],
      ['POST', '/api/growing-areas', { name: 'x', scheme: 'gacc', crop: 'mango', communeCode: '29869', registrantName: 'A' }],
      ['POST', '/api/growing-areas', { name: 'x', scheme: 'domestic-3156', crop: 'banana', communeCode: '29869', registrantName: 'A' }],
      ['POST', '/api/growing-areas', { name: 'x', scheme: 'domestic-3156', crop: 'mango', communeCode: '99999', registrantName: 'A' }],
      [
        'POST',
        '/api/growing-areas',
        { name: 'x', scheme: 'domestic-3156', crop: 'mango', communeCode: "29869'; DROP TABLE plots;--", registrantName: 'A' },
      ],
      ['POST', '/api/growing-areas', '{"name": '],
      ['POST', '/api/growing-areas/abc/transitions', { to: 'submitted' }],
      ['POST', '/api/growing-areas/99999999/transitions', { to: 'submitted' }],
      ['POST', '/api/growing-areas/1/transitions', { to: 'x'.repeat(500) }],
      ['GET', '/api/growing-areas?limit=-1', undefined],
      ['GET', '/api/growing-areas?status=nonsense', undefined],
      ['GET', '/api/growing-areas/1e400', undefined],
    ];
    for (const [method, url, payload] of bad) {
      const res = await reg.app.inject({
        method: method as 'GET' | 'POST',
        url,
        headers: { ...officer, ...(typeof payload === 'string' ? { 'content-type': 'application/json' } : {}) },
        ...(payload === undefined ? {} : { payload: payload as string }),
      });
      expect(res.statusCode, `${method} ${url} ${JSON.stringify(payload)}: ${res.body}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect((await reg.db.query<{ n: number }>('SELECT count(*)::int AS n FROM growing_areas')).rows[0]!.n).toBe(before);
  });
});
