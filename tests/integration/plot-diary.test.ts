// The farm diary's verdicts as facts and the allowed-substance lists: a spray recorded through the
// API answers and stores the problems checkDiaryEntry found (reason codes, market, substance, the
// interval's dates), the list reads them back as recorded whatever the lists say later, rows from
// before migration 011 are read back from the service's sentences, and GET /api/substances answers
// the lists to anyone, cached, refusing bad parameters.
import { beforeAll, describe, expect, it } from 'vitest';
import type { DiaryProblem, SubstanceList } from '../../server/contracts/diary.ts';
import { migrate, readMigrations } from '../../server/db/migrate.ts';
import { checkDiaryEntry, type SubstanceRule } from '../../server/domain/substances.ts';
import { exportMangoArea } from '../fixtures/registry.ts';
import { useRegistryApp } from '../helpers/registry-app.ts';
import { openEmptyTestDb, openTestDb } from '../helpers/test-db.ts';

const reg = useRegistryApp();
let areaId: number;

beforeAll(async () => {
  // An export area selling to China and the United States, holding the plot the tests spray.
  areaId = await exportMangoArea(reg.app, reg.fx, reg.as(reg.fx.users.officer));
});

describe('the sample data’s diary', () => {
  it('carries the verdict the write path gives: every entry has its problems, by the same checkDiaryEntry', async () => {
    const sample = await openTestDb();
    try {
      const { rows } = await sample.query<{
        applied_on: string;
        active_ingredient: string;
        phi_days: number | null;
        expected_harvest: string | null;
        markets: string[];
        flagged: boolean;
        flag_reason: string | null;
        problems: DiaryProblem[] | null;
      }>(
        `SELECT d.applied_on, d.active_ingredient, d.phi_days, p.expected_harvest, coalesce(g.markets, '{}') AS markets,
                d.flagged, d.flag_reason, d.problems
         FROM diary_entries d JOIN plots p ON p.id = d.plot_id LEFT JOIN growing_areas g ON g.id = p.growing_area_id`,
      );
      const rules = (await sample.query<SubstanceRule>('SELECT active_ingredient, market, allowed, mrl_mg_kg FROM allowed_substances'))
        .rows;
      expect(rows.length).toBeGreaterThan(20);
      for (const r of rows) {
        const verdict = checkDiaryEntry(
          { activeIngredient: r.active_ingredient, appliedOn: r.applied_on, phiDays: r.phi_days },
          r.markets,
          rules,
          r.expected_harvest,
        );
        expect(r.problems).toEqual(verdict.flags);
        expect(r.flagged).toBe(verdict.flagged);
        expect(r.flag_reason).toBe(verdict.flagged ? verdict.flags.map((f) => f.message).join(' ') : null);
      }
      // The seed's banned and market-refused sprays are among them, as facts.
      const reasons = new Set(rows.flatMap((r) => (r.problems ?? []).map((p) => `${p.reason}:${p.market ?? ''}`)));
      expect(reasons).toContain('not-allowed:VN');
      expect([...reasons].some((r) => r.startsWith('not-allowed:') && r !== 'not-allowed:VN')).toBe(true);
    } finally {
      await sample.close();
    }
  });
});

type Entry = { id: number; flagged: boolean; flag_reason: string | null; problems: DiaryProblem[] | null };

const diaryUrl = () => `/api/plots/${reg.fx.plots.mangoA}/diary`;
const listed = async (): Promise<Entry[]> => {
  const res = await reg.app.inject({ url: diaryUrl(), headers: reg.as(reg.fx.users.officer) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().entries as Entry[];
};
const storedProblems = async (id: number) =>
  (await reg.db.query<{ problems: unknown }>('SELECT problems FROM diary_entries WHERE id = $1', [id])).rows[0]!.problems;

describe('the farm diary’s problems', () => {
  it('a spray a market forbids, not listed for another, too close to harvest: the POST, the row and the list carry the same facts', async () => {
    const res = await reg.app.inject({
      method: 'POST',
      url: diaryUrl(),
      headers: reg.as(reg.fx.users.officer),
      payload: { appliedOn: '2026-06-20', pesticide: 'Bavistin 50FL', activeIngredient: 'carbendazim', dose: '1 ml/l', phiDays: 14 },
    });
    expect(res.statusCode, res.body).toBe(201);
    const saved = res.json() as Entry & { flags: DiaryProblem[] };
    const problems: DiaryProblem[] = [
      { reason: 'not-allowed', market: 'CN', substance: 'carbendazim', message: 'carbendazim is not allowed for CN.' },
      { reason: 'not-listed', market: 'US', substance: 'carbendazim', message: 'carbendazim is not on the allowed list for US.' },
      {
        reason: 'pre-harvest-interval',
        market: null,
        appliedOn: '2026-06-20',
        phiDays: 14,
        safeHarvestOn: '2026-07-04',
        expectedHarvest: '2026-06-30',
        message: 'The pre-harvest interval of 14 days ends on 2026-07-04, after the expected harvest on 2026-06-30.',
      },
    ];
    expect(saved.problems).toEqual(problems);
    // Old clients read `flags`: the same objects, their market/reason/message unchanged.
    expect(saved.flags).toEqual(problems);
    expect(saved).toMatchObject({ flagged: true, flag_reason: problems.map((p) => p.message).join(' ') });
    // The check is the domain function's, on the lists as the database holds them.
    const rules = (await reg.db.query<SubstanceRule>('SELECT active_ingredient, market, allowed, mrl_mg_kg FROM allowed_substances')).rows;
    const verdict = checkDiaryEntry(
      { activeIngredient: 'carbendazim', appliedOn: '2026-06-20', phiDays: 14 },
      ['CN', 'US'],
      rules,
      '2026-06-30',
    );
    expect(verdict.flags).toEqual(problems);
    expect(await storedProblems(saved.id)).toEqual(problems);
    expect((await listed()).find((e) => e.id === saved.id)).toMatchObject({ flagged: true, problems });
  });

  it('an allowed spray with its interval ending before the harvest has no problems, and says so as an empty list', async () => {
    const res = await reg.app.inject({
      method: 'POST',
      url: diaryUrl(),
      headers: reg.as(reg.fx.users.officer),
      payload: { appliedOn: '2026-06-01', pesticide: 'Vertimec 1.8EC', activeIngredient: 'Abamectin', phiDays: 7 },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ flagged: false, flag_reason: null, problems: [], flags: [] });
    expect(await storedProblems(res.json().id)).toEqual([]);
    expect((await listed()).find((e) => e.id === res.json().id)?.problems).toEqual([]);
  });

  it('keeps the problems recorded when the spray was written after the lists, the markets and the harvest change', async () => {
    const res = await reg.app.inject({
      method: 'POST',
      url: diaryUrl(),
      headers: reg.as(reg.fx.users.officer),
      payload: { appliedOn: '2026-05-02', pesticide: 'Carban 50SC', activeIngredient: 'Carbendazim', phiDays: 7 },
    });
    const id = res.json().id as number;
    const before = res.json().problems as DiaryProblem[];
    expect(before.map((p) => `${p.reason}:${p.market}`)).toEqual(['not-allowed:CN', 'not-listed:US']);
    await reg.db.exec(`UPDATE allowed_substances SET allowed = true WHERE active_ingredient = 'Carbendazim' AND market = 'CN'`);
    await reg.db.query(`UPDATE growing_areas SET markets = '{EU}' WHERE id = $1`, [areaId]);
    await reg.db.query(`UPDATE plots SET expected_harvest = '2026-05-05' WHERE id = $1`, [reg.fx.plots.mangoA]);
    try {
      expect((await listed()).find((e) => e.id === id)).toMatchObject({ flagged: true, problems: before });
    } finally {
      await reg.db.exec(`UPDATE allowed_substances SET allowed = false WHERE active_ingredient = 'Carbendazim' AND market = 'CN'`);
      await reg.db.query(`UPDATE growing_areas SET markets = '{CN,US}' WHERE id = $1`, [areaId]);
      await reg.db.query(`UPDATE plots SET expected_harvest = '2026-06-30' WHERE id = $1`, [reg.fx.plots.mangoA]);
    }
  });

  it('answers null for a flagged row whose reasons exist only as text (the sample data’s Vietnamese), [] for an unflagged one', async () => {
    const { rows } = await reg.db.query<{ id: number; flagged: boolean }>(
      `INSERT INTO diary_entries (plot_id, applied_on, pesticide, active_ingredient, flagged, flag_reason)
       VALUES ($1, '2025-02-01', 'Chlorpyrifos Ethyl 48EC', 'Chlorpyrifos', true, 'Hoạt chất cấm sử dụng tại Việt Nam'),
              ($1, '2025-02-02', 'Abamectin 3.6EC', 'Abamectin', false, NULL)
       RETURNING id, flagged`,
      [reg.fx.plots.mangoA],
    );
    const entries = await listed();
    expect(entries.find((e) => e.id === rows[0]!.id)).toMatchObject({
      flagged: true,
      flag_reason: 'Hoạt chất cấm sử dụng tại Việt Nam',
      problems: null,
    });
    expect(entries.find((e) => e.id === rows[1]!.id)).toMatchObject({ flagged: false, problems: [] });
  });

  it('lets the plot’s farmer read the problems, and nobody without a session', async () => {
    const mine = await reg.app.inject({ url: diaryUrl(), headers: reg.as(reg.fx.users.farmer) });
    expect(mine.statusCode).toBe(200);
    expect((mine.json().entries as Entry[]).some((e) => e.problems?.some((p) => p.reason === 'not-allowed'))).toBe(true);
    const guest = await reg.app.inject({ url: diaryUrl() });
    expect(guest.statusCode).toBe(401);
    expect(guest.headers['content-type']).toContain('application/problem+json');
    expect(guest.body).not.toContain('carbendazim');
    const other = await reg.app.inject({ url: diaryUrl(), headers: reg.as(reg.fx.users.otherFarmer) });
    expect(other.statusCode).toBe(403);
  });
});

describe('the spray’s dose, a number and a unit', () => {
  type DoseRow = { dose: string | null; dose_amount: number | null; dose_unit: string | null };
  const spray = { appliedOn: '2026-06-02', pesticide: 'Vertimec 1.8EC', activeIngredient: 'Abamectin', phiDays: 7 };
  const post = (payload: Record<string, unknown> | string, headers = reg.as(reg.fx.users.officer)) =>
    reg.app.inject({ method: 'POST', url: diaryUrl(), headers: { ...headers, 'content-type': 'application/json' }, payload });
  const count = async () => (await reg.db.query<{ n: number }>('SELECT count(*)::int AS n FROM diary_entries')).rows[0]!.n;
  const stored = async (id: number) =>
    (await reg.db.query<DoseRow>('SELECT dose, dose_amount, dose_unit FROM diary_entries WHERE id = $1', [id])).rows[0];

  it('stores the figure and its unit, with the text a Vietnamese label writes for clients that read dose alone', async () => {
    const res = await post({ ...spray, doseAmount: 0.5, doseUnit: 'l/ha' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ dose: '0,5 lít/ha', dose_amount: 0.5, dose_unit: 'l/ha' });
    expect(await stored(res.json().id)).toEqual({ dose: '0,5 lít/ha', dose_amount: 0.5, dose_unit: 'l/ha' });
    const tank = await post({ ...spray, doseAmount: 20, doseUnit: 'ml/16l' });
    expect(tank.statusCode, tank.body).toBe(201);
    expect((await listed()).find((e) => e.id === tank.json().id)).toMatchObject({
      dose: '20 ml/bình 16 lít',
      dose_amount: 20,
      dose_unit: 'ml/16l',
    });
    // No dose at all is still a record.
    const none = await post({ ...spray, doseAmount: null, doseUnit: null });
    expect(none.statusCode, none.body).toBe(201);
    expect(await stored(none.json().id)).toEqual({ dose: null, dose_amount: null, dose_unit: null });
  });

  it('keeps the free text of entries written before, and of clients that still send it, as it was', async () => {
    const old = await post({ ...spray, dose: 'hai lít/ha' });
    expect(old.statusCode, old.body).toBe(201);
    expect(await stored(old.json().id)).toEqual({ dose: 'hai lít/ha', dose_amount: null, dose_unit: null });
    const { rows } = await reg.db.query<{ id: number }>(
      `INSERT INTO diary_entries (plot_id, applied_on, pesticide, active_ingredient, dose) VALUES ($1, '2025-05-01', 'Vertimec', 'Abamectin', '2l') RETURNING id`,
      [reg.fx.plots.mangoA],
    );
    const entries = (await listed()) as unknown as (DoseRow & { id: number })[];
    expect(entries.find((e) => e.id === rows[0]!.id)).toMatchObject({ dose: '2l', dose_amount: null, dose_unit: null });
    expect(entries.find((e) => e.id === old.json().id)).toMatchObject({ dose: 'hai lít/ha', dose_amount: null });
  });

  it('refuses a dose that is no positive number in a listed unit with a 422 naming the reason and the field; nothing is written', async () => {
    const cases: [Record<string, unknown> | string, string, string][] = [
      [{ doseAmount: -2, doseUnit: 'l/ha' }, 'dose-not-positive', 'doseAmount'],
      [{ doseAmount: 0, doseUnit: 'l/ha' }, 'dose-not-positive', 'doseAmount'],
      [{ doseAmount: -0.0001, doseUnit: 'ml/16l' }, 'dose-not-positive', 'doseAmount'],
      [{ doseAmount: '2', doseUnit: 'l/ha' }, 'dose-not-a-number', 'doseAmount'],
      [{ doseAmount: 'hai', doseUnit: 'l/ha' }, 'dose-not-a-number', 'doseAmount'],
      [{ doseAmount: true, doseUnit: 'l/ha' }, 'dose-not-a-number', 'doseAmount'],
      [{ doseAmount: { value: 2 }, doseUnit: 'l/ha' }, 'dose-not-a-number', 'doseAmount'],
      [{ doseAmount: [2], doseUnit: 'l/ha' }, 'dose-not-a-number', 'doseAmount'],
      [JSON.stringify({ ...spray, doseUnit: 'l/ha' }).replace('}', ',"doseAmount":1e400}'), 'dose-not-a-number', 'doseAmount'],
      [{ doseAmount: 100_000.5, doseUnit: 'ml/ha' }, 'dose-too-large', 'doseAmount'],
      [{ doseAmount: 2, doseUnit: 'lít/ha' }, 'dose-unit-unknown', 'doseUnit'],
      [{ doseAmount: 2, doseUnit: 'L/HA' }, 'dose-unit-unknown', 'doseUnit'],
      [{ doseAmount: 2, doseUnit: ' l/ha' }, 'dose-unit-unknown', 'doseUnit'],
      [{ doseAmount: 2, doseUnit: '' }, 'dose-unit-unknown', 'doseUnit'],
      [{ doseAmount: 2, doseUnit: "l/ha'; DELETE FROM diary_entries; --" }, 'dose-unit-unknown', 'doseUnit'],
      [{ doseAmount: 2, doseUnit: 16 }, 'dose-unit-unknown', 'doseUnit'],
      [{ doseAmount: 2, doseUnit: 'x'.repeat(100_000) }, 'dose-unit-unknown', 'doseUnit'],
      [{ doseAmount: 2 }, 'dose-unit-missing', 'doseUnit'],
      [{ doseUnit: 'l/ha' }, 'dose-amount-missing', 'doseAmount'],
      [{ doseAmount: null, doseUnit: 'l/ha' }, 'dose-amount-missing', 'doseAmount'],
      [{ doseAmount: 2, doseUnit: 'l/ha', dose: '2 lít/ha' }, 'dose-text-and-amount', 'dose'],
    ];
    const before = await count();
    for (const [body, reason, field] of cases) {
      const res = await post(typeof body === 'string' ? body : { ...spray, ...body });
      const label = (typeof body === 'string' ? body : JSON.stringify(body)).slice(0, 80);
      expect(res.statusCode, `${label}: ${res.body.slice(0, 200)}`).toBe(422);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json(), label).toMatchObject({
        code: 'VALIDATION_FAILED',
        reason,
        field,
        units: ['ml/ha', 'l/ha', 'g/ha', 'kg/ha', 'ml/16l', 'g/16l'],
      });
      expect(res.json().detail, label).toMatch(/^The dose is not valid: /);
    }
    expect(await count()).toBe(before);
    // The table holds the rule too: a figure of 0 or an unknown unit written past the API is refused.
    for (const [amount, unit] of [
      [0, 'l/ha'],
      [2, 'lít/ha'],
      [2, null],
    ] as const) {
      await expect(
        reg.db.query(
          `INSERT INTO diary_entries (plot_id, applied_on, pesticide, active_ingredient, dose_amount, dose_unit) VALUES ($1, '2026-06-02', 'x', 'y', $2, $3)`,
          [reg.fx.plots.mangoA, amount, unit],
        ),
      ).rejects.toThrow();
    }
    expect(await count()).toBe(before);
  });

  it('asks who sends it before what: a guest’s or a farmer’s hostile dose is refused as theirs (401, 403), not judged', async () => {
    const hostile = { ...spray, doseAmount: -1, doseUnit: 'nope' };
    expect((await post(hostile, {})).statusCode).toBe(401);
    expect((await post(hostile, reg.as(reg.fx.users.farmer))).statusCode).toBe(403);
    expect((await post({ ...spray, doseAmount: 2, doseUnit: 'l/ha' }, reg.as(reg.fx.users.officerElsewhere))).statusCode).toBe(403);
  });
});

describe('a spray sent again from the phone’s outbox (Idempotency-Key)', () => {
  const spray = {
    appliedOn: '2026-06-03',
    pesticide: 'Anvil 5SC',
    activeIngredient: 'Hexaconazole',
    doseAmount: 20,
    doseUnit: 'ml/16l',
    phiDays: 7,
  };
  const post = (payload: Record<string, unknown>, key: string | undefined, headers = reg.as(reg.fx.users.officer)) =>
    reg.app.inject({
      method: 'POST',
      url: diaryUrl(),
      headers: { ...headers, 'content-type': 'application/json', ...(key === undefined ? {} : { 'idempotency-key': key }) },
      payload,
    });
  const keyed = async (key: string) =>
    (
      await reg.db.query<{ n: number }>('SELECT count(*)::int AS n FROM diary_entries WHERE plot_id = $1 AND idempotency_key = $2', [
        reg.fx.plots.mangoA,
        key,
      ])
    ).rows[0]!.n;
  const count = async () => (await reg.db.query<{ n: number }>('SELECT count(*)::int AS n FROM diary_entries')).rows[0]!.n;

  it('writes the entry once: the first attempt 201, the same key and content again 200 with the same entry and its verdict', async () => {
    const key = 'diary-7f3c2a9e-1b4d-4e8a-9c61-0d5e2f7a8b90';
    const first = await post(spray, key);
    expect(first.statusCode, first.body).toBe(201);
    const before = await count();
    const again = await post(spray, key);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ id: first.json().id, pesticide: 'Anvil 5SC', dose_amount: 20, dose_unit: 'ml/16l', phi_days: 7 });
    expect(again.json().problems).toEqual(first.json().problems);
    expect(again.json().flags).toEqual(first.json().problems);
    // The structured-field form of the same key is the same key.
    const quoted = await post(spray, `"${key}"`);
    expect(quoted.statusCode, quoted.body).toBe(200);
    expect(quoted.json().id).toBe(first.json().id);
    expect(await count()).toBe(before);
    expect(await keyed(key)).toBe(1);
    expect((await listed()).filter((e) => e.id === first.json().id)).toHaveLength(1);
  });

  it('refuses the key reused for other content or by another account (409), a key of the wrong shape (400); nothing is written', async () => {
    const key = 'diary-0a1b2c3d4e5f6a7b8c9d';
    expect((await post(spray, key)).statusCode).toBe(201);
    const before = await count();
    const other = await post({ ...spray, doseAmount: 25 }, key);
    expect(other.statusCode, other.body).toBe(409);
    expect(other.headers['content-type']).toContain('application/problem+json');
    expect(other.json()).toMatchObject({ code: 'CONFLICT', reason: 'idempotency-key-reused' });
    const admin = await post(spray, key, reg.as(reg.fx.users.admin));
    expect(admin.statusCode, admin.body).toBe(409);
    expect(admin.json()).toMatchObject({ reason: 'idempotency-key-reused' });
    for (const bad of [
      '',
      'short',
      'x'.repeat(65),
      'key with spaces 12345',
      "k'; DELETE FROM diary_entries; --",
      'ключ-ключ-ключ-ключ',
      '"unclosed-1234567890',
    ]) {
      const res = await post(spray, bad);
      expect(res.statusCode, `${bad.slice(0, 30)}: ${res.body.slice(0, 200)}`).toBe(400);
      expect(res.json()).toMatchObject({ reason: 'idempotency-key-shape' });
    }
    expect(await count()).toBe(before);
    expect(await keyed(key)).toBe(1);
  });

  it('judges who sends it before the key: a guest 401, a farmer or another commune’s officer 403, even with a key stored; a new key is a new entry', async () => {
    const key = 'diary-aaaaaaaaaaaaaaaaaaaa';
    expect((await post(spray, key)).statusCode).toBe(201);
    const before = await count();
    expect((await post(spray, key, {})).statusCode).toBe(401);
    expect((await post(spray, key, reg.as(reg.fx.users.farmer))).statusCode).toBe(403);
    expect((await post(spray, key, reg.as(reg.fx.users.officerElsewhere))).statusCode).toBe(403);
    // A hostile dose under a new key is judged as ever (422), not stored.
    const hostile = await post({ ...spray, doseAmount: -1 }, 'diary-bbbbbbbbbbbbbbbbbbbb');
    expect(hostile.statusCode).toBe(422);
    expect(await count()).toBe(before);
    const next = await post(spray, 'diary-cccccccccccccccccccc');
    expect(next.statusCode).toBe(201);
    expect(await count()).toBe(before + 1);
    // No key at all: written each time, as before.
    expect((await post(spray, undefined)).statusCode).toBe(201);
    expect((await post(spray, undefined)).statusCode).toBe(201);
    expect(await count()).toBe(before + 3);
  });
});

describe('GET /api/substances', () => {
  type Row = { active_ingredient: string; market: string; allowed: boolean; mrl_mg_kg: number | null; note: string | null };
  const table = async (markets?: string[]) =>
    (await reg.db.query<Row>('SELECT active_ingredient, market, allowed, mrl_mg_kg, note FROM allowed_substances')).rows
      .filter((r) => !markets || markets.includes(r.market))
      .map((r) => `${r.active_ingredient}|${r.market}|${r.allowed}|${r.mrl_mg_kg === null ? null : Number(r.mrl_mg_kg)}|${r.note}`)
      .sort();
  const flat = (list: SubstanceList) =>
    list.substances.flatMap((s) => s.rules.map((r) => `${s.activeIngredient}|${r.market}|${r.allowed}|${r.mrlMgKg}|${r.note}`)).sort();

  it('answers every list to a client without a session: each substance once, each market’s row with its MRL, cached', async () => {
    const res = await reg.app.inject({ url: '/api/substances' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=60, must-revalidate');
    expect(res.headers.etag).toMatch(/^"[\w-]{22}"$/);
    const list = res.json() as SubstanceList;
    expect(flat(list)).toEqual(await table());
    const names = list.substances.map((s) => s.activeIngredient);
    expect(new Set(names).size).toBe(names.length);
    expect(list.markets[0]).toBe('VN');
    expect([...list.markets].sort()).toEqual([...new Set((await table()).map((r) => r.split('|')[1]))].sort());
    expect(list.substances.find((s) => s.activeIngredient === 'Carbendazim')?.rules).toEqual([
      { market: 'VN', allowed: true, mrlMgKg: 0.5, note: null },
      { market: 'CN', allowed: false, mrlMgKg: null, note: null },
    ]);
    const again = await reg.app.inject({ url: '/api/substances', headers: { 'if-none-match': String(res.headers.etag) } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it('filters by market, in either case, Vietnam first; a substance no asked market lists is left out', async () => {
    const res = await reg.app.inject({ url: '/api/substances?market=eu,VN' });
    expect(res.statusCode, res.body).toBe(200);
    const list = res.json() as SubstanceList;
    expect(list.markets).toEqual(['VN', 'EU']);
    expect(flat(list)).toEqual(await table(['VN', 'EU']));
    const cn = (await reg.app.inject({ url: '/api/substances?market=CN' })).json() as SubstanceList;
    expect(cn.substances.every((s) => s.rules.length === 1 && s.rules[0]!.market === 'CN')).toBe(true);
    expect(cn.substances.map((s) => s.activeIngredient)).not.toContain('Glyphosate');
    const none = (await reg.app.inject({ url: '/api/substances?market=ZZ' })).json() as SubstanceList;
    expect(none).toEqual({ markets: ['ZZ'], substances: [] });
  });

  it('follows the table: a row an administrator adds is in the next answer, under a new ETag', async () => {
    const before = await reg.app.inject({ url: '/api/substances?market=VN' });
    await reg.db.exec(
      `INSERT INTO allowed_substances (active_ingredient, market, allowed, mrl_mg_kg) VALUES ('Spinetoram', 'VN', true, 0.05)`,
    );
    try {
      const after = await reg.app.inject({ url: '/api/substances?market=VN', headers: { 'if-none-match': String(before.headers.etag) } });
      expect(after.statusCode).toBe(200);
      expect((after.json() as SubstanceList).substances.find((s) => s.activeIngredient === 'Spinetoram')?.rules).toEqual([
        { market: 'VN', allowed: true, mrlMgKg: 0.05, note: null },
      ]);
    } finally {
      await reg.db.exec(`DELETE FROM allowed_substances WHERE active_ingredient = 'Spinetoram'`);
    }
  });

  it('refuses hostile or misspelt queries with a 400 problem', async () => {
    const urls = [
      '/api/substances?market=',
      '/api/substances?market=E',
      '/api/substances?market=EUR',
      '/api/substances?market=EU;DROP%20TABLE%20allowed_substances',
      "/api/substances?market=EU'--",
      '/api/substances?market=E%00',
      '/api/substances?market=VN,,EU',
      '/api/substances?market=Vi%E1%BB%87t',
      `/api/substances?market=${'EU,'.repeat(20)}EU`,
      `/api/substances?market=${'x'.repeat(10_000)}`,
      '/api/substances?market=EU&market=CN',
      '/api/substances?markets=EU',
      '/api/substances?market=EU&q=x',
    ];
    for (const url of urls) {
      const res = await reg.app.inject({ url });
      expect(res.statusCode, `${url.slice(0, 80)}: ${res.body}`).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect((await reg.db.query<{ n: number }>('SELECT count(*)::int AS n FROM allowed_substances')).rows[0]!.n).toBeGreaterThan(0);
  });

  it('is read-only: a write is a 405 naming GET, whoever sends it, and changes nothing', async () => {
    const before = await reg.app.inject({ url: '/api/substances' });
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
      const res = await reg.app.inject({
        method,
        url: '/api/substances',
        headers: reg.as(reg.fx.users.admin),
        payload: { activeIngredient: 'Fipronil', market: 'VN', allowed: true },
      });
      expect(res.statusCode, res.body).toBe(405);
      expect(res.headers.allow).toBe('GET, HEAD');
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect((await reg.app.inject({ url: '/api/substances' })).headers.etag).toBe(before.headers.etag);
  });
});

describe('migration 011 on a diary written before it', () => {
  it('reads the service’s sentences back into the facts checkDiaryEntry gives, and leaves other text as null', async () => {
    const empty = await openEmptyTestDb();
    try {
      const all = await readMigrations();
      await migrate(
        empty,
        all.filter((m) => m.version < 11),
      );
      const plot = (
        await empty.query<{ id: number }>(
          `INSERT INTO plots (commune_code, crop, expected_harvest, geom)
           VALUES ('29869', 'mango', '2026-04-04', ST_GeomFromText('POLYGON((106 10, 106.001 10, 106.001 10.001, 106 10.001, 106 10))', 4326))
           RETURNING id`,
        )
      ).rows[0]!.id;
      const rules: SubstanceRule[] = [
        { active_ingredient: 'Abamectin 1.8', market: 'VN', allowed: true, mrl_mg_kg: 0.02 },
        { active_ingredient: 'Abamectin 1.8', market: 'EU', allowed: false, mrl_mg_kg: 0.01 },
      ];
      // What the service stored before migration 011: the flag and the sentences, joined by a space.
      const entry = { activeIngredient: 'Abamectin 1.8', appliedOn: '2026-03-25', phiDays: 14 };
      const verdict = checkDiaryEntry(entry, ['EU', 'CN'], rules, '2026-04-04');
      expect(verdict.flags.map((f) => f.reason)).toEqual(['not-allowed', 'not-listed', 'pre-harvest-interval']);
      const text = verdict.flags.map((f) => f.message).join(' ');
      const insert = (flagged: boolean, reason: string | null, phi: number | null = 14) =>
        empty.query<{ id: number }>(
          `INSERT INTO diary_entries (plot_id, applied_on, pesticide, active_ingredient, phi_days, flagged, flag_reason)
           VALUES ($1, '2026-03-25', 'Vertimec', 'Abamectin 1.8', $2, $3, $4) RETURNING id`,
          [plot, phi, flagged, reason],
        );
      const ids = {
        service: (await insert(true, text)).rows[0]!.id,
        clean: (await insert(false, null)).rows[0]!.id,
        vietnamese: (await insert(true, 'Không được phép cho thị trường EU')).rows[0]!.id,
        // The sentence of another interval than the row's: not this row's verdict, so not read back.
        otherInterval: (await insert(true, text, 7)).rows[0]!.id,
        extraText: (await insert(true, `${text} Ghi chú thêm.`)).rows[0]!.id,
      };
      expect(await migrate(empty)).toEqual(all.filter((m) => m.version >= 11).map((m) => m.name));
      const { rows } = await empty.query<{ id: number; problems: unknown }>('SELECT id, problems FROM diary_entries');
      const problems = new Map(rows.map((r) => [r.id, r.problems]));
      expect(problems.get(ids.service)).toEqual(verdict.flags);
      expect(problems.get(ids.clean)).toEqual([]);
      expect(problems.get(ids.vietnamese)).toBeNull();
      expect(problems.get(ids.otherInterval)).toBeNull();
      expect(problems.get(ids.extraText)).toBeNull();
    } finally {
      await empty.close();
    }
  });
});
