// The reason of a suspension or a revocation is published with the code (the anonymous lookup, the
// features API's area and plots); a re-issue's reason stays in the code's history. One holding a
// citizen ID (the 12-digit CCCD or the old 9-digit CMND) or a phone number is refused with 422
// naming `note` (personal-citizen-id, personal-phone), one without a letter like a name without one
// (name-no-letter); nothing is written, and the lookup still shows what it showed. Decision numbers,
// dates, areas, sums and parcel numbers pass.
import { beforeAll, describe, expect, it } from 'vitest';
import { moveThrough, toActive, vegetableDraftOfNewPlot } from '../fixtures/registry.ts';
import { publicNoteProblem } from '../../server/domain/public-note.ts';
import { useRegistryApp } from '../helpers/registry-app.ts';

const reg = useRegistryApp();
let officer: Record<string, string>;
let rowY = 6000;
let serial = 700;

beforeAll(() => {
  officer = reg.as(reg.fx.users.officer);
});

const send = (id: number, payload: Record<string, unknown>) =>
  reg.app.inject({ method: 'POST', url: `/api/growing-areas/${id}/transitions`, headers: officer, payload });

/** A new domestic vegetable area of one fresh plot, issued and in operation; its id and code. */
async function activeArea(): Promise<{ id: number; code: string }> {
  const id = await vegetableDraftOfNewPlot(reg.app, reg.db, reg.fx, officer, 'Vùng rau thử lý do', (rowY += 60));
  const code = `VN-82-29869-${serial++}-26`;
  await moveThrough(reg.app, officer, id, toActive(code, '566/BVTV-KD'));
  return { id, code };
}

const PERSONAL: readonly [string, string][] = [
  ['Hộ Phan Văn Phúc (CCCD 087071411175, SĐT 0384207372) phun thuốc cấm', 'personal-citizen-id'],
  ['Hộ ông Phúc, CCCD 087 071 411 175, phun thuốc cấm', 'personal-citizen-id'],
  ['Hộ ông Phúc (CCCD 087.071.411.175) phun thuốc cấm', 'personal-citizen-id'],
  // The old identity card (CMND), 9 digits, still on many farmers' papers.
  ['Hộ ông Phúc, CMND 341 234 567, phun thuốc cấm', 'personal-citizen-id'],
  ['Hộ ông Phúc (CMND 341234567) phun thuốc cấm', 'personal-citizen-id'],
  ['Phun thuốc cấm, liên hệ SĐT 0384 207 372', 'personal-phone'],
  ['Phun thuốc cấm, liên hệ 0384.207.372', 'personal-phone'],
  ['Phun thuốc cấm, gọi +84 384-207-372', 'personal-phone'],
  ['Phun thuốc cấm, máy bàn 028 3829 1234', 'personal-phone'],
];
const NO_LETTER = ['😡😡😡', '1234', '🙂', '...!'];

const transitionsOf = async (id: number) =>
  (await reg.db.query<{ n: number }>('SELECT count(*)::int AS n FROM growing_area_transitions WHERE growing_area_id = $1', [id])).rows[0]!
    .n;
const statusOf = async (id: number) =>
  (await reg.db.query<{ status: string }>('SELECT status FROM growing_areas WHERE id = $1', [id])).rows[0]!.status;

describe('the published reason of a suspension or a revocation', () => {
  it('refuses a suspension whose reason holds a citizen ID or a phone number, naming the note; nothing written', async () => {
    const { id, code } = await activeArea();
    const before = await transitionsOf(id);
    for (const [note, reason] of PERSONAL) {
      const res = await send(id, { to: 'suspended', decisionNo: '45/QĐ-SNN', note });
      expect(res.statusCode, `${note}: ${res.body}`).toBe(422);
      const body = res.json();
      expect(body).toMatchObject({ code: 'VALIDATION_FAILED', reason, field: 'note' });
      // The refusal does not repeat the number (details may be logged).
      expect(res.body).not.toMatch(/0384|087.?071|3829|341.?234/);
    }
    expect(await transitionsOf(id)).toBe(before);
    expect(await statusOf(id)).toBe('active');
    const lookup = (await reg.app.inject({ url: `/api/lookup/growing-areas/${code}` })).json();
    expect(lookup).toMatchObject({ inForce: true, statusDecision: null });
  });

  it('refuses a reason of only emoji, digits or punctuation as a name without a letter', async () => {
    const { id } = await activeArea();
    const before = await transitionsOf(id);
    for (const note of NO_LETTER) {
      for (const to of ['suspended', 'revoked']) {
        const res = await send(id, { to, decisionNo: '45/QĐ-SNN', note });
        expect(res.statusCode, `${to} ${note}: ${res.body}`).toBe(422);
        expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', reason: 'name-no-letter', field: 'note' });
      }
    }
    expect(await transitionsOf(id)).toBe(before);
    expect(await statusOf(id)).toBe('active');
  });

  it('refuses a revocation with a phone number in its reason, and publishes a plain one with its decision number, date and area', async () => {
    const { id, code } = await activeArea();
    const refused = await send(id, { to: 'revoked', decisionNo: '61/QĐ-SNN', note: 'Hộ ông Phúc SĐT 0912345678 dùng mã sai' });
    expect(refused.statusCode, refused.body).toBe(422);
    expect(refused.json()).toMatchObject({ reason: 'personal-phone', field: 'note' });
    expect(await statusOf(id)).toBe('active');

    const note =
      'Theo Quyết định 45/QĐ-SNN ngày 30/11/2026: dùng mã VN-87-866-29872-01-25 cho 2,5 ha ngoài vùng (thửa 123 456 789 tờ bản đồ số 12), phạt 150.000.000 đồng';
    const ok = await send(id, { to: 'revoked', decisionNo: '61/QĐ-SNN', note });
    expect(ok.statusCode, ok.body).toBe(201);
    const lookup = (await reg.app.inject({ url: `/api/lookup/growing-areas/${code}` })).json();
    expect(lookup).toMatchObject({ inForce: false, statusDecision: { decisionNo: '61/QĐ-SNN', reason: note } });
  });

  it('checks the reason of a revocation of a suspended code too; the area stays suspended', async () => {
    const { id } = await activeArea();
    expect((await send(id, { to: 'suspended', decisionNo: '45/QĐ-SNN', note: 'Dư lượng vượt mức' })).statusCode).toBe(201);
    const bad = await send(id, { to: 'revoked', decisionNo: '62/QĐ-SNN', note: 'CCCD 087071411175' });
    expect(bad.statusCode, bad.body).toBe(422);
    expect(bad.json()).toMatchObject({ reason: 'personal-citizen-id', field: 'note' });
    expect(await statusOf(id)).toBe('suspended');
  });
});

describe('the reason of a re-issue', () => {
  it('refuses personal numbers and reasons without a letter; no new version written', async () => {
    const { id } = await activeArea();
    const versions = async () =>
      (
        await reg.db.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM growing_areas WHERE lineage_id = (SELECT lineage_id FROM growing_areas WHERE id = $1)',
          [id],
        )
      ).rows[0]!.n;
    const before = await versions();
    for (const [note, reason] of [...PERSONAL, ...NO_LETTER.map((n) => [n, 'name-no-letter'] as const)]) {
      const res = await reg.app.inject({
        method: 'POST',
        url: `/api/growing-areas/${id}/reissue`,
        headers: officer,
        payload: { decisionNo: '12/QĐ-SNN', note },
      });
      expect(res.statusCode, `${note}: ${res.body}`).toBe(422);
      expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', reason, field: 'note' });
    }
    expect(await versions()).toBe(before);
    expect(await statusOf(id)).toBe('active');
    const ok = await reg.app.inject({
      method: 'POST',
      url: `/api/growing-areas/${id}/reissue`,
      headers: officer,
      payload: { decisionNo: '12/QĐ-SNN', note: 'Mở rộng thêm 0,8 ha theo đơn ngày 28/11/2026' },
    });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(await versions()).toBe(before + 1);
  });
});

describe('the reasons already stored', () => {
  it('the seed and sample data hold no published reason this rule would refuse', async () => {
    const { rows } = await reg.db.query<{ to_status: string; note: string }>(
      `SELECT DISTINCT to_status, note FROM growing_area_transitions WHERE note IS NOT NULL AND to_status IN ('suspended', 'revoked', 'superseded')`,
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((r) => publicNoteProblem(r.note) !== null)).toEqual([]);
  });
});
