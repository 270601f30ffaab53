// What the registry refuses that the forms used to send and the public lookup then published: a
// decision number that is no decision number ("🙂🙂🙂"), names without a letter ("🥭🥭🥭", "   "),
// a pass concluded over failed checklist items, an inspection with every checklist item left "Chưa
// xét" (it says nothing), and text over the schema's limits. Each refusal
// names the field, and nothing is written.
import { beforeAll, describe, expect, it } from 'vitest';
import { DOSSIER_PROFILE, FULL_CHECKLIST, rect, recordedInspection } from '../fixtures/registry.ts';
import { useRegistryApp } from '../helpers/registry-app.ts';

const reg = useRegistryApp();
let officer: Record<string, string>;
let rowY = 7000;
let serial = 700;

beforeAll(() => {
  officer = reg.as(reg.fx.users.officer);
});

const send = (id: number, payload: Record<string, unknown>) =>
  reg.app.inject({ method: 'POST', url: `/api/growing-areas/${id}/transitions`, headers: officer, payload });

const draftBody = (over: Record<string, unknown> = {}) => ({
  name: 'Vùng rau thử biểu mẫu',
  scheme: 'domestic-3156',
  crop: 'vegetable',
  communeCode: '29869',
  registrantName: 'HTX Rau Mỹ Trà',
  ...DOSSIER_PROFILE,
  ...over,
});

async function newPlot(farmerId = reg.fx.farmers.nam): Promise<number> {
  const y = (rowY += 60);
  const plot = await reg.db.query<{ id: number }>(
    `INSERT INTO plots (farmer_id, commune_code, crop, geom) VALUES ($1, '29869', 'vegetable', ST_GeomFromText($2, 4326)) RETURNING id`,
    [farmerId, rect(0, y, 30, y + 50)],
  );
  return plot.rows[0]!.id;
}

/** A domestic vegetable area of one plot (a new one of farmer nam unless given), under inspection (or active when `active`). */
async function area(stage: 'under_inspection' | 'active', plotId?: number): Promise<number> {
  const draft = await reg.app.inject({
    method: 'POST',
    url: '/api/growing-areas',
    headers: officer,
    payload: draftBody({ plotIds: [plotId ?? (await newPlot())] }),
  });
  expect(draft.statusCode, draft.body).toBe(201);
  const id = draft.json().id as number;
  const steps: Record<string, unknown>[] = [{ to: 'submitted' }, { to: 'under_inspection' }];
  if (stage === 'active') {
    steps.push(
      { to: 'inspected_pass', inspection: recordedInspection('pass') },
      { to: 'issued', code: `VN-82-29869-${serial++}-26`, decisionNo: '566/BVTV-KD' },
      { to: 'active' },
    );
  }
  for (const step of steps) {
    const res = await send(id, step);
    expect(res.statusCode, `${String(step.to)}: ${res.body}`).toBe(201);
  }
  return id;
}

type State = { status: string; decision_no: string | null; moves: number; inspections: number; versions: number };
async function state(id: number): Promise<State> {
  return (
    await reg.db.query<State>(
      `SELECT status, decision_no,
              (SELECT count(*)::int FROM growing_area_transitions t WHERE t.growing_area_id = g.id) AS moves,
              (SELECT count(*)::int FROM inspections i WHERE i.growing_area_id = g.id) AS inspections,
              (SELECT count(*)::int FROM growing_areas v WHERE v.lineage_id = g.lineage_id) AS versions
       FROM growing_areas g WHERE id = $1`,
      [id],
    )
  ).rows[0]!;
}

const areaCount = async () => (await reg.db.query<{ n: number }>('SELECT count(*)::int AS n FROM growing_areas')).rows[0]!.n;
const farmerCount = async () => (await reg.db.query<{ n: number }>('SELECT count(*)::int AS n FROM farmer_private')).rows[0]!.n;

describe('decision numbers', () => {
  it('refuses a suspension, a revocation and a re-issue whose number is not a decision number, naming decisionNo; nothing written', async () => {
    const id = await area('active');
    const before = await state(id);
    for (const decisionNo of ['🙂🙂🙂', 'abc', '45', 'QĐ/45', '45/QĐ-', ' / ', '45/🙂']) {
      for (const to of ['suspended', 'revoked']) {
        const res = await send(id, { to, decisionNo, note: 'Dư lượng vượt mức' });
        expect(res.statusCode, `${to} ${decisionNo}: ${res.body}`).toBe(422);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', reason: 'decision-no-shape', field: 'decisionNo' });
      }
      const reissue = await reg.app.inject({
        method: 'POST',
        url: `/api/growing-areas/${id}/reissue`,
        headers: officer,
        payload: { decisionNo },
      });
      expect(reissue.statusCode, reissue.body).toBe(422);
      expect(reissue.json()).toMatchObject({ reason: 'decision-no-shape', field: 'decisionNo' });
    }
    expect(await state(id)).toEqual(before);
    // The public lookup still shows the code in force with its issuing decision only.
    expect(before).toMatchObject({ status: 'active', decision_no: '566/BVTV-KD' });
  });

  it('accepts the shapes officers write: case and spaces around the slash, year groups, the seed’s numbers', async () => {
    const id = await area('active');
    const ok = await send(id, { to: 'suspended', decisionNo: '12 / 2024/qđ-ubnd' });
    expect(ok.statusCode, ok.body).toBe(201);
    const back = await send(id, { to: 'active', decisionNo: '3156/QĐ-BNN-TT' });
    expect(back.statusCode, back.body).toBe(201);
    const again = await send(id, { to: 'suspended', decisionNo: '60/TTBVTV-KD' });
    expect(again.statusCode, again.body).toBe(201);
  });

  it('refuses an issuing decision number of the wrong shape once the code is right; nothing written', async () => {
    const id = await area('under_inspection');
    expect((await send(id, { to: 'inspected_pass', inspection: recordedInspection('pass') })).statusCode).toBe(201);
    const before = await state(id);
    const res = await send(id, { to: 'issued', code: `VN-82-29869-${serial++}-26`, decisionNo: '🙂🙂🙂' });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json()).toMatchObject({ reason: 'decision-no-shape', field: 'decisionNo' });
    expect(await state(id)).toEqual(before);
    const code = (await reg.db.query<{ code: string | null }>('SELECT code FROM growing_areas WHERE id = $1', [id])).rows[0]!.code;
    expect(code).toBeNull();
  });
});

describe('names', () => {
  it('refuses a draft whose name, registrant or technical officer has no letter, naming the field; no row', async () => {
    const before = await areaCount();
    for (const [field, value] of [
      ['name', '🥭🥭🥭'],
      ['name', '   '],
      ['name', '123'],
      ['registrantName', '🙂'],
      ['registrantName', '   '],
      ['technicalOfficer', '---'],
    ] as const) {
      const res = await reg.app.inject({
        method: 'POST',
        url: '/api/growing-areas',
        headers: officer,
        payload: draftBody({ [field]: value, plotIds: [await newPlot()] }),
      });
      expect(res.statusCode, `${field}=${value}: ${res.body}`).toBe(422);
      expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', reason: 'name-no-letter', field });
    }
    expect(await areaCount()).toBe(before);
  });

  it('stores names trimmed, and refuses a patch to a name without a letter leaving the draft as it was', async () => {
    const created = await reg.app.inject({
      method: 'POST',
      url: '/api/growing-areas',
      headers: officer,
      // Names with an emoji are refused since registry-dates-names' rule; trimming is this test's point.
      payload: draftBody({ name: '  Vùng xoài Cát Chu ', registrantName: ' HTX Mỹ Xương ' }),
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as number;
    const stored = async () =>
      (await reg.db.query<{ name: string; registrant_name: string }>('SELECT name, registrant_name FROM growing_areas WHERE id = $1', [id]))
        .rows[0];
    expect(await stored()).toEqual({ name: 'Vùng xoài Cát Chu', registrant_name: 'HTX Mỹ Xương' });
    const read = await reg.app.inject({ url: `/api/growing-areas/${id}`, headers: officer });
    const patch = await reg.app.inject({
      method: 'PATCH',
      url: `/api/growing-areas/${id}`,
      headers: { ...officer, 'if-match': read.headers.etag as string },
      payload: { registrantName: '🙂🙂' },
    });
    expect(patch.statusCode, patch.body).toBe(422);
    expect(patch.json()).toMatchObject({ reason: 'name-no-letter', field: 'registrantName' });
    expect(await stored()).toEqual({ name: 'Vùng xoài Cát Chu', registrant_name: 'HTX Mỹ Xương' });
  });

  it('refuses a farmer named without a letter, created or patched; nothing written', async () => {
    const before = await farmerCount();
    const res = await reg.app.inject({
      method: 'POST',
      url: '/api/farmers',
      headers: officer,
      payload: { communeCode: '29869', fullName: '🙂 🙂' },
    });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json()).toMatchObject({ reason: 'name-no-letter', field: 'fullName' });
    expect(await farmerCount()).toBe(before);
    const patch = await reg.app.inject({
      method: 'PATCH',
      url: `/api/farmers/${reg.fx.farmers.nam}`,
      headers: {
        ...officer,
        'if-match': (await reg.app.inject({ url: `/api/farmers/${reg.fx.farmers.nam}`, headers: officer })).headers.etag as string,
      },
      payload: { fullName: '   ' },
    });
    expect(patch.statusCode, patch.body).toBe(422);
    expect(patch.json()).toMatchObject({ field: 'fullName' });
    const name = (
      await reg.db.query<{ full_name: string }>('SELECT full_name FROM farmer_private WHERE farmer_id = $1', [reg.fx.farmers.nam])
    ).rows[0]!.full_name;
    expect(name).toMatch(/\p{L}/u);
  });
});

describe('text over the limits', () => {
  it('answers 400 naming the field and its limit for a 3,000-character reason, an over-long name, a registrant of 201 characters', async () => {
    const id = await area('active');
    const before = await state(id);
    const long = await send(id, { to: 'suspended', decisionNo: '45/QĐ-SNN', note: 'x'.repeat(3000) });
    expect(long.statusCode).toBe(400);
    expect(long.json().detail).toMatch(/note.*2000/);
    expect(await state(id)).toEqual(before);
    const count = await areaCount();
    const name = await reg.app.inject({
      method: 'POST',
      url: '/api/growing-areas',
      headers: officer,
      payload: draftBody({ registrantName: 'H'.repeat(201) }),
    });
    expect(name.statusCode).toBe(400);
    expect(name.json().detail).toMatch(/registrantName.*200/);
    const empty = await reg.app.inject({ method: 'POST', url: '/api/growing-areas', headers: officer, payload: draftBody({ name: '' }) });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().detail).toMatch(/name/);
    expect(await areaCount()).toBe(count);
  });
});

describe('an inspection concluded pass', () => {
  const checklist = [
    { item: 'Hồ sơ, nhật ký canh tác ghi chép đầy đủ', ok: true },
    { item: 'Không sử dụng thuốc BVTV ngoài danh mục', ok: false },
    { item: 'Ranh giới vùng trồng khớp với bản đồ', ok: false, note: '   ' },
    { item: 'Giám sát sinh vật gây hại định kỳ', ok: false, note: 'Sổ theo dõi thiếu tháng 2, bổ sung trong tuần' },
  ];

  it('is refused with failed checklist items that carry no note, as its own record and with the move to inspected_pass; nothing written', async () => {
    const id = await area('under_inspection');
    const before = await state(id);
    const own = await reg.app.inject({
      method: 'POST',
      url: `/api/growing-areas/${id}/inspections`,
      headers: officer,
      payload: { inspectedOn: '2026-02-01', conclusion: 'pass', checklist },
    });
    expect(own.statusCode, own.body).toBe(422);
    expect(own.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      reason: 'inspection-pass-with-failed-items',
      field: 'conclusion',
      items: ['Không sử dụng thuốc BVTV ngoài danh mục', 'Ranh giới vùng trồng khớp với bản đồ'],
    });
    // Every item answered (the others passed) and a note: the failed items without a word are what is refused.
    const answered = [...checklist, ...FULL_CHECKLIST.filter((c) => !checklist.some((d) => d.item === c.item))];
    const move = await send(id, { to: 'inspected_pass', inspection: { ...recordedInspection('pass'), checklist: answered } });
    expect(move.statusCode, move.body).toBe(422);
    expect(move.json()).toMatchObject({ reason: 'inspection-pass-with-failed-items' });
    expect(await state(id)).toEqual(before);
  });

  it('is recorded when every item passed or each failed one says why, and a fail may carry failed items', async () => {
    const id = await area('under_inspection');
    const fail = await reg.app.inject({
      method: 'POST',
      url: `/api/growing-areas/${id}/inspections`,
      headers: officer,
      payload: { inspectedOn: '2026-02-01', conclusion: 'fail', checklist },
    });
    expect(fail.statusCode, fail.body).toBe(201);
    // A pass over a minor lapse the inspector explains on the item.
    const explained = await reg.app.inject({
      method: 'POST',
      url: `/api/growing-areas/${id}/inspections`,
      headers: officer,
      payload: { inspectedOn: '2026-02-02', conclusion: 'pass', checklist: [checklist[0], checklist[3]] },
    });
    expect(explained.statusCode, explained.body).toBe(201);
    const pass = await send(id, {
      to: 'inspected_pass',
      inspection: recordedInspection('pass', '2026-02-03'),
    });
    expect(pass.statusCode, pass.body).toBe(201);
    expect((await state(id)).inspections).toBe(3);
  });
});

describe('an inspection that reviews nothing', () => {
  const record = (id: number, payload: Record<string, unknown>, key?: string) =>
    reg.app.inject({
      method: 'POST',
      url: `/api/growing-areas/${id}/inspections`,
      headers: { ...officer, ...(key ? { 'idempotency-key': key } : {}) },
      payload,
    });

  it('is refused when every checklist item is left “Chưa xét”, whatever its conclusion and notes say; nothing written, its key free', async () => {
    for (const stage of ['under_inspection', 'active'] as const) {
      const id = await area(stage);
      const before = await state(id);
      const key = `nothing-reviewed-${stage}-${serial++}`;
      for (const payload of [
        { inspectedOn: '2026-02-01', checklist: [] },
        { inspectedOn: '2026-02-01', checklist: [], conclusion: 'pass' },
        { inspectedOn: '2026-02-01', checklist: [], conclusion: 'fail', notes: 'Đã đến vườn' },
        { inspectedOn: '2026-02-01', checklist: [], conclusion: null, notes: '   ' },
      ]) {
        const res = await record(id, payload, key);
        expect(res.statusCode, `${stage} ${JSON.stringify(payload)}: ${res.body}`).toBe(422);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', reason: 'inspection-nothing-reviewed', field: 'checklist' });
      }
      expect(await state(id)).toEqual(before);
      // The refused attempt took no key: the same key records the inspection once an item is looked at.
      const reviewed = await record(id, { inspectedOn: '2026-02-01', checklist: [{ item: 'Nhật ký canh tác', ok: true }] }, key);
      expect(reviewed.statusCode, reviewed.body).toBe(201);
      expect((await state(id)).inspections).toBe(before.inspections + 1);
    }
  });

  it('a missing checklist is a 400 as before, and a partly reviewed inspection is recorded with the items looked at', async () => {
    const id = await area('under_inspection');
    const before = await state(id);
    const missing = await record(id, { inspectedOn: '2026-02-01', conclusion: 'pass' });
    expect(missing.statusCode, missing.body).toBe(400);
    const bad = await record(id, { inspectedOn: '2026-02-01', checklist: 'none' });
    expect(bad.statusCode, bad.body).toBe(400);
    expect(await state(id)).toEqual(before);

    const partly = await record(id, {
      inspectedOn: '2026-02-01',
      checklist: [{ item: 'Ranh giới vùng trồng khớp với bản đồ', ok: false, note: 'Lệch 5 m ở bờ mương' }],
      conclusion: 'fail',
    });
    expect(partly.statusCode, partly.body).toBe(201);
    const rows = await reg.db.query<{ checklist: unknown; conclusion: string }>(
      'SELECT checklist, conclusion FROM inspections WHERE id = $1',
      [partly.json().id],
    );
    expect(rows.rows).toEqual([
      { checklist: [{ item: 'Ranh giới vùng trồng khớp với bản đồ', ok: false, note: 'Lệch 5 m ở bờ mương' }], conclusion: 'fail' },
    ]);
  });

  it('the move to inspected_pass records no conclusion without its checklist (audit s16: "Đạt" with nothing checked); nothing written', async () => {
    const id = await area('under_inspection');
    const before = await state(id);
    const move = await send(id, { to: 'inspected_pass', inspection: { inspectedOn: '2026-02-01', conclusion: 'pass' } });
    expect(move.statusCode, move.body).toBe(422);
    expect(move.json()).toMatchObject({ reason: 'inspection-checklist-incomplete', field: 'checklist' });
    expect(await state(id)).toEqual(before);
    const whole = await send(id, { to: 'inspected_pass', inspection: recordedInspection('pass') });
    expect(whole.statusCode, whole.body).toBe(201);
    expect(await state(id)).toMatchObject({ status: 'inspected_pass', inspections: before.inspections + 1 });
  });
});

describe('body fields the endpoint does not take', () => {
  const rows = async () =>
    (
      await reg.db.query<Record<string, number>>(
        `SELECT (SELECT count(*)::int FROM growing_areas) AS areas, (SELECT count(*)::int FROM growing_area_transitions) AS moves,
                (SELECT count(*)::int FROM inspections) AS inspections, (SELECT count(*)::int FROM farmer_private) AS farmers,
                (SELECT count(*)::int FROM diary_entries) AS diary, (SELECT count(*)::int FROM residue_tests) AS residue,
                (SELECT coalesce(sum(version), 0)::int FROM growing_areas) AS versions,
                (SELECT count(*)::int FROM plots WHERE growing_area_id IS NOT NULL) AS members`,
      )
    ).rows[0]!;

  it('a move with decided_on (or decidedon, DecidedOn) is 400 naming it, not a decision dated today; nothing written', async () => {
    const id = await area('active');
    const before = await state(id);
    for (const misspelt of ['decided_on', 'decidedon', 'DecidedOn']) {
      const res = await send(id, { to: 'suspended', decisionNo: '45/QĐ-SNN', [misspelt]: '2026-11-01', note: 'Vi phạm quy trình' });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().detail).toContain(`unknown field '${misspelt}'`);
      expect(res.json()).toMatchObject({
        code: 'BAD_REQUEST',
        reason: 'unknown-field',
        field: misspelt,
        fields: [misspelt],
        didYouMean: 'decidedOn',
      });
    }
    expect(await state(id)).toEqual(before);
    // Spelt right it is the decision's day.
    const today = (await reg.db.query<{ d: string }>(`SELECT to_char(issued_on, 'YYYY-MM-DD') AS d FROM growing_areas WHERE id = $1`, [id]))
      .rows[0]!.d;
    const right = await send(id, { to: 'suspended', decisionNo: '45/QĐ-SNN', decidedOn: today, note: 'Vi phạm quy trình' });
    expect(right.statusCode, right.body).toBe(201);
    expect(right.json().transition.decided_on).toBe(today);
  });

  it('nested unknown fields, prototype keys, huge names and arrays where objects belong are 4xx on every write; nothing written', async () => {
    const inspecting = await area('under_inspection');
    const active = await area('active');
    const draft = await reg.app.inject({ method: 'POST', url: '/api/growing-areas', headers: officer, payload: draftBody() });
    expect(draft.statusCode, draft.body).toBe(201);
    const draftId = draft.json().id as number;
    const etag = draft.headers.etag as string;
    const plot = await newPlot();
    const key = { 'idempotency-key': 'unknown-field-key-0001' };
    const pass = { inspectedOn: '2026-02-01', conclusion: 'pass' };
    const move = (id: number) => `/api/growing-areas/${id}/transitions`;
    type Case = { url: string; method?: 'POST' | 'PATCH'; payload: unknown; field?: string; headers?: Record<string, string> };
    const cases: Case[] = [
      {
        url: move(inspecting),
        payload: { to: 'inspected_pass', inspection: { ...pass, inspected_on: '2026-02-01' } },
        field: 'inspection.inspected_on',
      },
      {
        url: move(inspecting),
        payload: { to: 'inspected_pass', inspection: { ...pass, checklist: [{ item: 'Nước tưới', ok: true, okk: false }] } },
        field: 'inspection.checklist[0].okk',
      },
      {
        url: move(active),
        payload: { to: 'suspended', decisionNo: '45/QĐ-SNN', note: 'Vi phạm', attachments: [{ name: 'qd.pdf', ref: 'scan-1', url: 'x' }] },
        field: 'attachments[0].url',
      },
      { url: move(active), payload: { to: 'suspended', decisionNo: '45/QĐ-SNN', note: 'Vi phạm', constructor: 1 }, field: 'constructor' },
      {
        url: `/api/growing-areas/${inspecting}/inspections`,
        payload: { inspectedOn: '2026-02-01', checklist: [{ item: 'Nước tưới', ok: true }], inspector: 'Ông Ba' },
        field: 'inspector',
        headers: key,
      },
      { url: '/api/growing-areas', payload: draftBody({ commune_code: '29869' }), field: 'commune_code' },
      {
        url: `/api/growing-areas/${draftId}`,
        method: 'PATCH',
        payload: { name: 'Vùng rau mới', toString: 'x' },
        field: 'toString',
        headers: { 'if-match': etag },
      },
      { url: `/api/growing-areas/${draftId}/plots`, payload: { plotIds: [plot], plot_ids: [plot] }, field: 'plot_ids' },
      { url: `/api/growing-areas/${active}/reissue`, payload: { note: 'Đổi ranh giới', decided_on: '2026-11-01' }, field: 'decided_on' },
      {
        url: `/api/plots/${reg.fx.plots.vegetable}/diary`,
        payload: { appliedOn: '2026-02-01', pesticide: 'Abamectin 1.8EC', activeIngredient: 'abamectin', phi_days: 7 },
        field: 'phi_days',
      },
      {
        url: `/api/plots/${reg.fx.plots.vegetable}/residue-tests`,
        payload: { sampledOn: '2026-02-01', activeIngredient: 'abamectin', resultMgKg: 0.001, lab_name: 'Lab' },
        field: 'lab_name',
      },
      { url: '/api/farmers', payload: { communeCode: '29869', fullName: 'Lê Văn Ba', full_name: 'Lê Văn Ba' }, field: 'full_name' },
      {
        url: `/api/farmers/${reg.fx.farmers.nam}`,
        method: 'PATCH',
        payload: { hamlet: 'Ấp 1', ['x'.repeat(100_000)]: 1 },
        field: `${'x'.repeat(64)}…`,
      },
      // Prototype keys never reach a handler (Fastify's parser refuses them), at the top or nested.
      { url: move(active), payload: '{"to":"suspended","decisionNo":"45/QĐ-SNN","__proto__":{"polluted":true}}' },
      {
        url: move(inspecting),
        payload: '{"to":"inspected_pass","inspection":{"inspectedOn":"2026-02-01","conclusion":"pass","__proto__":{"x":1}}}',
      },
      { url: move(active), payload: '{"to":"suspended","decisionNo":"45/QĐ-SNN","constructor":{"prototype":{"polluted":true}}}' },
      // Arrays where objects belong, an object where an array belongs.
      { url: move(active), payload: [{ to: 'suspended', decisionNo: '45/QĐ-SNN', decided_on: '2026-11-01' }] },
      { url: move(inspecting), payload: { to: 'inspected_pass', inspection: [pass] } },
      {
        url: move(active),
        payload: { to: 'suspended', decisionNo: '45/QĐ-SNN', attachments: { name: 'qd.pdf', ref: 'scan-1', extra: 1 } },
      },
      {
        url: `/api/growing-areas/${inspecting}/inspections`,
        payload: { inspectedOn: '2026-02-01', checklist: { item: 'x', ok: true } },
        headers: key,
      },
      { url: `/api/growing-areas/${draftId}/plots`, payload: [plot] },
    ];
    const before = await rows();
    const draftBefore = (await reg.db.query('SELECT g::text AS row FROM growing_areas g WHERE id = $1', [draftId])).rows;
    for (const c of cases) {
      const res = await reg.app.inject({
        method: c.method ?? 'POST',
        url: c.url,
        headers: { ...officer, 'content-type': 'application/json', ...c.headers },
        payload: typeof c.payload === 'string' ? c.payload : JSON.stringify(c.payload),
      });
      const what = `${c.method ?? 'POST'} ${c.url} ${(typeof c.payload === 'string' ? c.payload : JSON.stringify(c.payload)).slice(0, 120)}`;
      expect(res.statusCode, `${what}: ${res.body.slice(0, 300)}`).toBe(400);
      expect(res.headers['content-type'], what).toContain('application/problem+json');
      if (c.field) {
        expect(res.json(), what).toMatchObject({ code: 'BAD_REQUEST', reason: 'unknown-field', field: c.field });
        expect(res.json().fields, what).toContain(c.field);
        expect(res.json().detail.length, what).toBeLessThan(400);
      }
    }
    expect(await rows()).toEqual(before);
    expect((await reg.db.query('SELECT g::text AS row FROM growing_areas g WHERE id = $1', [draftId])).rows).toEqual(draftBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // The key of the refused inspection is free: the same key with a right body records it.
    const recorded = await reg.app.inject({
      method: 'POST',
      url: `/api/growing-areas/${inspecting}/inspections`,
      headers: { ...officer, ...key },
      payload: { inspectedOn: '2026-02-01', checklist: [{ item: 'Nước tưới', ok: true }] },
    });
    expect(recorded.statusCode, recorded.body).toBe(201);
  });
});

describe('If-Match on the registry’s PATCH of a draft', () => {
  it('the read gives an ETag; without If-Match 428, a stale one 412 with the current tag, the current one applies and answers the next', async () => {
    const created = await reg.app.inject({ method: 'POST', url: '/api/growing-areas', headers: officer, payload: draftBody() });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as number;
    const read = await reg.app.inject({ url: `/api/growing-areas/${id}`, headers: officer });
    const etag = read.headers.etag as string;
    // The version, and the reader's scope: the read names farmers, so viewers do not share a tag.
    expect(etag).toMatch(new RegExp(`^"${id}-${read.json().version}\\.[A-Za-z0-9_-]{8}"$`));
    expect(created.headers.etag).toBe(etag);
    const adminRead = await reg.app.inject({ url: `/api/growing-areas/${id}`, headers: reg.as(reg.fx.users.admin) });
    expect(adminRead.headers.etag).toMatch(new RegExp(`^"${id}-${read.json().version}\\.`));
    expect(adminRead.headers.etag).not.toBe(etag);
    const row = async () => (await reg.db.query('SELECT g::text AS row FROM growing_areas g WHERE id = $1', [id])).rows;
    const patch = (headers: Record<string, string>, payload: Record<string, unknown> = { name: 'Vùng rau đổi tên' }) =>
      reg.app.inject({ method: 'PATCH', url: `/api/growing-areas/${id}`, headers: { ...officer, ...headers }, payload });
    const before = await row();

    const none = await patch({});
    expect(none.statusCode, none.body).toBe(428);
    expect(none.headers['content-type']).toContain('application/problem+json');
    expect(none.json()).toMatchObject({ code: 'PRECONDITION_REQUIRED' });
    expect(none.json().currentETag).toBeUndefined();
    for (const stale of [
      `"${id}-${read.json().version - 1}"`,
      `"${id + 1}-${read.json().version}"`,
      `W/${etag}`,
      'garbage',
      '"\u0000"',
      `"${'9'.repeat(600)}"`,
    ]) {
      const res = await patch({ 'if-match': stale });
      expect(res.statusCode, `${stale.slice(0, 40)}: ${res.body}`).toBe(412);
      expect(res.json()).toMatchObject({ code: 'PRECONDITION_FAILED', currentETag: etag });
    }
    expect(await row()).toEqual(before);

    // Someone edits the draft through the features API: the registry's tag of before is stale.
    const feature = await reg.app.inject({
      url: `/ogc/collections/growing_areas/items/${id}`,
      headers: { ...officer, accept: 'application/geo+json' },
    });
    expect(feature.statusCode, feature.body).toBe(200);
    const theirs = await reg.app.inject({
      method: 'PATCH',
      url: `/ogc/collections/growing_areas/items/${id}`,
      headers: { ...officer, 'content-type': 'application/merge-patch+json', 'if-match': feature.headers.etag as string },
      payload: { properties: { variety: 'Cải ngọt' } },
    });
    expect(theirs.statusCode, theirs.body).toBe(200);
    const late = await patch({ 'if-match': etag });
    expect(late.statusCode, late.body).toBe(412);
    // The features item's own tag (a viewer's suffix and all) names the same version: it applies.
    const ok = await patch({ 'if-match': theirs.headers.etag as string });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().name).toBe('Vùng rau đổi tên');
    expect(ok.headers.etag).toMatch(new RegExp(`^"${id}-${ok.json().version}\\.`));
    expect(ok.headers.etag).toBe((await reg.app.inject({ url: `/api/growing-areas/${id}`, headers: officer })).headers.etag);
    const next = await patch({ 'if-match': ok.headers.etag as string }, { registrantName: 'HTX Rau Mỹ Trà mới' });
    expect(next.statusCode, next.body).toBe(200);
    expect((await reg.db.query('SELECT name, registrant_name, variety FROM growing_areas WHERE id = $1', [id])).rows[0]).toEqual({
      name: 'Vùng rau đổi tên',
      registrant_name: 'HTX Rau Mỹ Trà mới',
      variety: 'Cải ngọt',
    });
    // * is any current version; a stale tag among others still lets the current one through.
    const star = await patch({ 'if-match': '*' }, { standard: 'VietGAP' });
    expect(star.statusCode, star.body).toBe(200);
    const list = await patch({ 'if-match': `"${id}-1", ${star.headers.etag as string}` }, { standard: 'GlobalGAP' });
    expect(list.statusCode, list.body).toBe(200);
  });

  it('a change the registry’s PATCH did not make moves the tag too: plots joining or leaving, a plot or the area edited in SQL; the old tag is 412, an UPDATE that changes nothing keeps it', async () => {
    const first = await newPlot();
    const created = await reg.app.inject({
      method: 'POST',
      url: '/api/growing-areas',
      headers: officer,
      payload: draftBody({ plotIds: [first] }),
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as number;
    const read = async () => {
      const res = await reg.app.inject({ url: `/api/growing-areas/${id}`, headers: officer });
      return { etag: res.headers.etag as string, version: res.json().version as number };
    };
    const row = async () =>
      (await reg.db.query<{ row: string }>('SELECT g::text AS row FROM growing_areas g WHERE id = $1', [id])).rows[0]!.row;
    const patch = (etag: string, payload: Record<string, unknown>) =>
      reg.app.inject({ method: 'PATCH', url: `/api/growing-areas/${id}`, headers: { ...officer, 'if-match': etag }, payload });
    // Each change below leaves a tag read before it stale: 412 naming the current one, nothing written.
    const refusedAfter = async (before: { etag: string; version: number }) => {
      const now = await read();
      expect(now.etag).not.toBe(before.etag);
      expect(now.version).toBeGreaterThan(before.version);
      const kept = await row();
      const stale = await patch(before.etag, { name: 'Tên trên thẻ cũ' });
      expect(stale.statusCode, stale.body).toBe(412);
      expect(stale.json().currentETag).toBe(now.etag);
      expect(await row()).toBe(kept);
      return now;
    };
    const r0 = await read();
    expect(created.headers.etag).toBe(r0.etag);

    // A plot joins the draft (its shape and m² grow): the answer carries the version its next read gives.
    const second = await newPlot();
    const added = await reg.app.inject({
      method: 'POST',
      url: `/api/growing-areas/${id}/plots`,
      headers: officer,
      payload: { plotIds: [second] },
    });
    expect(added.statusCode, added.body).toBe(200);
    const r1 = await refusedAfter(r0);
    expect(added.json().version).toBe(r1.version);
    // A member plot redrawn in SQL (a QGIS user): the area's shape follows, and its version.
    await reg.db.query('UPDATE plots SET geom = ST_Translate(geom, 0.00005, 0) WHERE id = $1', [second]);
    const r2 = await refusedAfter(r1);
    // The area itself edited in SQL.
    await reg.db.query('UPDATE growing_areas SET households = 12 WHERE id = $1', [id]);
    const r3 = await refusedAfter(r2);
    // A plot leaves.
    const removed = await reg.app.inject({ method: 'DELETE', url: `/api/growing-areas/${id}/plots/${second}`, headers: officer });
    expect(removed.statusCode, removed.body).toBe(200);
    const r4 = await refusedAfter(r3);
    expect(removed.json().version).toBe(r4.version);
    // Statements that change nothing (a refresh finding the same shape, SET x = x) keep the tag.
    await reg.db.query('SELECT refresh_growing_area($1)', [id]);
    await reg.db.query('UPDATE growing_areas SET households = households WHERE id = $1', [id]);
    expect(await read()).toEqual(r4);
    const saved = await patch(r4.etag, { name: 'Vùng rau thử phiên bản' });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().version).toBe(r4.version + 1);
    expect(saved.headers.etag).toBe((await read()).etag);
  });

  it('a member plot’s farmer renamed, through the farmers API or in SQL, moves the tag: the read names the new name, the old tag is 412; an address or no change keeps it', async () => {
    const farmer = await reg.app.inject({
      method: 'POST',
      url: '/api/farmers',
      headers: officer,
      payload: { communeCode: '29869', fullName: 'Phạm Văn Cũ', phone: '0911000111', address: 'Ấp Tân Hậu' },
    });
    expect(farmer.statusCode, farmer.body).toBe(201);
    const farmerId = farmer.json().id as number;
    const created = await reg.app.inject({
      method: 'POST',
      url: '/api/growing-areas',
      headers: officer,
      payload: draftBody({ plotIds: [await newPlot(farmerId)] }),
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as number;
    const read = async (headers: Record<string, string> = {}) => {
      const res = await reg.app.inject({ url: `/api/growing-areas/${id}`, headers: { ...officer, ...headers } });
      expect(res.statusCode, res.body).toBe(200);
      return {
        etag: res.headers.etag as string,
        version: res.json().version as number,
        names: res.json().plots.map((p: { farmer_name: string }) => p.farmer_name),
      };
    };
    const row = async () =>
      (await reg.db.query<{ row: string }>('SELECT g::text AS row FROM growing_areas g WHERE id = $1', [id])).rows[0]!.row;
    // The read kept before the rename: asked again with its tag, the new name (the registry's read is never a 304); a PATCH with it 412.
    const staleAfter = async (before: { etag: string; version: number }, name: string) => {
      const now = await read({ 'if-none-match': before.etag });
      expect(now.names).toEqual([name]);
      expect(now.etag).not.toBe(before.etag);
      expect(now.version).toBe(before.version + 1);
      const kept = await row();
      const stale = await reg.app.inject({
        method: 'PATCH',
        url: `/api/growing-areas/${id}`,
        headers: { ...officer, 'if-match': before.etag },
        payload: { name: 'Tên trên thẻ cũ' },
      });
      expect(stale.statusCode, stale.body).toBe(412);
      expect(stale.json().currentETag).toBe(now.etag);
      expect(await row()).toBe(kept);
      return now;
    };
    const r0 = await read();
    expect(r0.names).toEqual(['Phạm Văn Cũ']);

    const renamed = await reg.app.inject({
      method: 'PATCH',
      url: `/api/farmers/${farmerId}`,
      headers: {
        ...officer,
        'if-match': (await reg.app.inject({ url: `/api/farmers/${farmerId}`, headers: officer })).headers.etag as string,
      },
      payload: { fullName: 'Phạm Văn Mới' },
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    const r1 = await staleAfter(r0, 'Phạm Văn Mới');
    await reg.db.query(`UPDATE farmer_private SET full_name = 'Phạm Văn Sửa' WHERE farmer_id = $1`, [farmerId]);
    const r2 = await staleAfter(r1, 'Phạm Văn Sửa');
    // What the read does not show (the phone, the address), a PATCH that keeps the name, SET x = x: the tag stays.
    await reg.db.query(`UPDATE farmer_private SET phone = '0911000222', address = 'Ấp Hòa Hưng' WHERE farmer_id = $1`, [farmerId]);
    const same = await reg.app.inject({
      method: 'PATCH',
      url: `/api/farmers/${farmerId}`,
      headers: {
        ...officer,
        'if-match': (await reg.app.inject({ url: `/api/farmers/${farmerId}`, headers: officer })).headers.etag as string,
      },
      payload: { fullName: 'Phạm Văn Sửa' },
    });
    expect(same.statusCode, same.body).toBe(200);
    await reg.db.query(`UPDATE farmer_private SET full_name = full_name WHERE farmer_id = $1`, [farmerId]);
    expect(await read()).toEqual(r2);
    const saved = await reg.app.inject({
      method: 'PATCH',
      url: `/api/growing-areas/${id}`,
      headers: { ...officer, 'if-match': r2.etag },
      payload: { name: 'Vùng rau sau đổi tên' },
    });
    expect(saved.statusCode, saved.body).toBe(200);
  });

  it('a revoked area lists the plots it had with their farmers’ names of today: a rename moves its tag too', async () => {
    const farmer = await reg.app.inject({
      method: 'POST',
      url: '/api/farmers',
      headers: officer,
      payload: { communeCode: '29869', fullName: 'Võ Thị Thu' },
    });
    expect(farmer.statusCode, farmer.body).toBe(201);
    const farmerId = farmer.json().id as number;
    const id = await area('active', await newPlot(farmerId));
    expect((await send(id, { to: 'revoked', decisionNo: '71/QĐ-SNN', note: 'Sử dụng mã sai mục đích' })).statusCode).toBe(201);
    const before = await reg.app.inject({ url: `/api/growing-areas/${id}`, headers: officer });
    expect(before.json().plots.map((p: { farmer_name: string }) => p.farmer_name)).toEqual(['Võ Thị Thu']);
    await reg.db.query(`UPDATE farmer_private SET full_name = 'Võ Thị Thu Hà' WHERE farmer_id = $1`, [farmerId]);
    const after = await reg.app.inject({
      url: `/api/growing-areas/${id}`,
      headers: { ...officer, 'if-none-match': before.headers.etag as string },
    });
    expect(after.statusCode).toBe(200);
    expect(after.json().plots.map((p: { farmer_name: string }) => p.farmer_name)).toEqual(['Võ Thị Thu Hà']);
    expect(after.json().version).toBe(before.json().version + 1);
    expect(after.headers.etag).not.toBe(before.headers.etag);
  });

  it('the read takes no If-None-Match: asked with its own tag it answers the body, so a member plot’s new planting date is never a 304', async () => {
    const plot = await newPlot();
    const created = await reg.app.inject({
      method: 'POST',
      url: '/api/growing-areas',
      headers: officer,
      payload: draftBody({ plotIds: [plot] }),
    });
    expect(created.statusCode, created.body).toBe(201);
    const url = `/api/growing-areas/${created.json().id as number}`;
    const first = await reg.app.inject({ url, headers: officer });
    const tag = first.headers.etag as string;
    const again = await reg.app.inject({ url, headers: { ...officer, 'if-none-match': tag } });
    expect(again.statusCode).toBe(200);
    expect(again.headers['cache-control']).toBe('private, no-store');
    await reg.db.query(`UPDATE plots SET planting_date = '2024-02-03' WHERE id = $1`, [plot]);
    const later = await reg.app.inject({ url, headers: { ...officer, 'if-none-match': `${tag}, W/${tag}` } });
    expect(later.statusCode).toBe(200);
    expect(later.json().plots).toMatchObject([{ id: plot, planting_date: expect.stringMatching(/^2024-02-03/) }]);
  });

  it('PATCH of an area that does not exist is 404, another commune’s 403, with or without If-Match; the officer’s own without it 428', async () => {
    const missing = Number((await reg.db.query<{ id: number }>('SELECT coalesce(max(id), 0) + 1000 AS id FROM growing_areas')).rows[0]!.id);
    for (const headers of [{}, { 'if-match': `"${missing}-1"` }, { 'if-match': '*' }, { 'if-match': 'garbage' }]) {
      const res = await reg.app.inject({
        method: 'PATCH',
        url: `/api/growing-areas/${missing}`,
        headers: { ...officer, ...headers },
        payload: { name: 'Không có' },
      });
      expect(res.statusCode, `${JSON.stringify(headers)}: ${res.body}`).toBe(404);
      expect(res.json()).toMatchObject({ code: 'NOT_FOUND' });
    }
    // A name without a letter on a missing area: 404 too (the area is looked up first).
    const noLetter = await reg.app.inject({
      method: 'PATCH',
      url: `/api/growing-areas/${missing}`,
      headers: officer,
      payload: { name: '🙂🙂' },
    });
    expect(noLetter.statusCode, noLetter.body).toBe(404);
    expect((await reg.db.query('SELECT 1 FROM growing_areas WHERE id = $1', [missing])).rowCount).toBe(0);
    // Another commune's area is refused as its read is (403), If-Match or not; the officer's own without one is 428.
    const elsewhere = await reg.app.inject({
      method: 'POST',
      url: '/api/growing-areas',
      headers: reg.as(reg.fx.users.admin),
      payload: draftBody({ communeCode: '29884' }),
    });
    expect(elsewhere.statusCode, elsewhere.body).toBe(201);
    const elsewhereUrl = `/api/growing-areas/${elsewhere.json().id as number}`;
    expect((await reg.app.inject({ url: elsewhereUrl, headers: officer })).statusCode).toBe(403);
    for (const headers of [{}, { 'if-match': elsewhere.headers.etag as string }]) {
      const res = await reg.app.inject({
        method: 'PATCH',
        url: elsewhereUrl,
        headers: { ...officer, ...headers },
        payload: { name: 'Không phải của tôi' },
      });
      expect(res.statusCode, `${JSON.stringify(headers)}: ${res.body}`).toBe(403);
    }
    const created = await reg.app.inject({ method: 'POST', url: '/api/growing-areas', headers: officer, payload: draftBody() });
    expect(created.statusCode, created.body).toBe(201);
    const none = await reg.app.inject({
      method: 'PATCH',
      url: `/api/growing-areas/${created.json().id as number}`,
      headers: officer,
      payload: { name: 'Có' },
    });
    expect(none.statusCode, none.body).toBe(428);
    expect(none.json()).toMatchObject({ code: 'PRECONDITION_REQUIRED' });
  });
});
