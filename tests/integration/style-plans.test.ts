// The style names the zoning plans the zones layer draws, with their approving decisions, so a
// printed map can cite its plan at any zoom (the lots carry the plan's facts only from z14).
import type { StyleSpecification } from '@maplibre/maplibre-gl-style-spec';
import { describe, expect, it } from 'vitest';
import type { ZoningPlan } from '../../server/contracts/zoning-plans.ts';
import { useRegistryApp } from '../helpers/registry-app.ts';

const reg = useRegistryApp({ fixture: false });

const plansOf = async (): Promise<ZoningPlan[]> => {
  const res = await reg.app.inject({ url: '/style.json' });
  expect(res.statusCode).toBe(200);
  return ((res.json() as StyleSpecification).metadata as { 'bando:plans': ZoningPlan[] })['bando:plans'];
};

describe('GET /style.json names the zoning plans', () => {
  it('lists each plan in force with its name, scale and decision (number, YYYY-MM-DD date, authority) as the table holds them', async () => {
    const { rows } = await reg.db.query<{ id: number; name: string; decision_no: string; authority: string }>(
      `SELECT id, name, decision_no, authority FROM planning_plans WHERE status <> 'superseded' ORDER BY id`,
    );
    const plans = await plansOf();
    expect(plans.map((p) => p.id).sort()).toEqual(rows.map((r) => Number(r.id)));
    const seeded = plans.find((p) => p.id === 1)!;
    expect(seeded).toEqual({
      id: 1,
      name: 'Quy hoạch phân khu tỷ lệ 1/2000 khu trung tâm thành phố Cao Lãnh',
      scale: '1/2000',
      decisionNo: '1234/QĐ-UBND',
      decisionDate: '2023-09-15',
      authority: 'UBND tỉnh Đồng Tháp',
    });
  });

  it('leaves out a superseded plan, whose lots the zones tiles do not draw either', async () => {
    await reg.db.query(
      `INSERT INTO planning_plans (id, name, scale, decision_no, decision_date, authority, status, admin_code)
       VALUES (90, 'Quy hoạch cũ', '1/2000', '99/QĐ-UBND', '2010-01-05', 'UBND tỉnh Đồng Tháp', 'superseded', '866')`,
    );
    try {
      expect((await plansOf()).map((p) => p.id)).not.toContain(90);
    } finally {
      await reg.db.query('DELETE FROM planning_plans WHERE id = 90');
    }
  });
});
