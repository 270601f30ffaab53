import { afterEach, describe, expect, it } from 'vitest';
import { readParcelPlanning } from '../api/lookups.ts';
import { startLang } from '../i18n/i18n.ts';
import { compareWithPlan, decisionLine, isSliver, landUseGroups, planComparisonText, zoneControls, zoneGroups } from './parcel-planning.ts';

// GET /api/lookup/parcel's answer for sheet 1 parcel 10 of 29869 in the sample data (the fields the card reads).
const plan = {
  plan_id: 1,
  plan_name: 'Quy hoạch phân khu tỷ lệ 1/2000 khu trung tâm thành phố Cao Lãnh',
  scale: '1/2000',
  decision_no: '1234/QĐ-UBND',
  decision_date: '2023-09-15',
  authority: 'UBND tỉnh Đồng Tháp',
};
const status = {
  map_id: 1,
  map_kind: 'status',
  map_name: 'Bản đồ hiện trạng sử dụng đất năm 2024 thành phố Cao Lãnh',
  year: 2024,
  period_to: null,
};
const planMap = {
  map_id: 2,
  map_kind: 'plan',
  map_name: 'Quy hoạch sử dụng đất thời kỳ 2021–2030 thành phố Cao Lãnh',
  year: 2021,
  period_to: 2030,
};
const answer = readParcelPlanning({
  parcels: [
    {
      id: 10,
      area_m2: 476,
      zones: [
        {
          lot_code: 'ODT-53',
          function: 'Đất ở đô thị xây dựng mới',
          max_density_pct: 81,
          max_far: 3.17,
          min_floors: 1,
          max_floors: 5,
          max_height_m: 20,
          phase: 'first_phase',
          ...plan,
          area_m2: 396.6,
          pct: 83.32,
        },
        {
          lot_code: 'CQ-07',
          function: 'Đất cơ quan, trụ sở',
          max_density_pct: 40,
          max_far: 2,
          min_floors: 1,
          max_floors: 3,
          max_height_m: 12.8,
          phase: 'existing',
          ...plan,
          area_m2: 79.4,
          pct: 16.68,
        },
      ],
      landUses: [
        { land_use_code: 'ODT', ...planMap, area_m2: 476, pct: 100 },
        { land_use_code: 'ODT', ...status, area_m2: 475.9, pct: 99.98 },
        { land_use_code: 'ODT', ...status, area_m2: 0.04, pct: 0.01 },
        { land_use_code: 'DGT', ...status, area_m2: 0.04, pct: 0.01 },
      ],
    },
  ],
})!;

// The i18n module sets <html lang>; a bare object stands in for the document here.
(globalThis as { document?: unknown }).document ??= { documentElement: {} };
afterEach(() => startLang('vi'));

describe("a parcel's planning card", () => {
  it('heads the zoning lots with their plan and its approving decision, dated as Vietnamese write dates', () => {
    const groups = zoneGroups(answer.zones);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.title).toBe(plan.plan_name);
    expect(groups[0]!.note).toBe('Quyết định số 1234/QĐ-UBND ngày 15/09/2023 của UBND tỉnh Đồng Tháp');
    expect(groups[0]!.rows.map((r) => r.code)).toEqual(['ODT-53', 'CQ-07']);
  });

  it("writes a lot's controls with decimal commas, units and the phase in Vietnamese, and in English after a switch", () => {
    expect(zoneControls(answer.zones[0]!.details)).toBe(
      'Hệ số sử dụng đất tối đa: 3,17 · Mật độ xây dựng tối đa: 81 % · Tầng cao: 1–5 · Chiều cao tối đa: 20 m · Giai đoạn: Đợt đầu',
    );
    expect(zoneControls(answer.zones[1]!.details)).toContain('Chiều cao tối đa: 12,8 m');
    startLang('en');
    expect(zoneControls(answer.zones[1]!.details)).toBe(
      'Maximum FAR: 2 · Maximum building density: 40 % · Floors: 1–3 · Maximum height: 12.8 m · Phase: Existing',
    );
    expect(decisionLine(answer.zones[0]!.details)).toBe('Decision 1234/QĐ-UBND of 2023-09-15 by UBND tỉnh Đồng Tháp');
  });

  it('leaves out the controls and decision parts a lot or plan does not have', () => {
    expect(zoneControls({ max_floors: 4 })).toBe('Tầng cao: 4');
    expect(zoneControls({})).toBe('');
    expect(decisionLine({ decision_no: '5/QĐ-UBND' })).toBe('Quyết định số 5/QĐ-UBND');
    expect(decisionLine({})).toBe('');
  });

  it('groups land uses by their map, adds up one code within a map and counts the boundary slivers apart', () => {
    const groups = landUseGroups(answer.landUses);
    expect(groups.map((g) => [g.title, g.note])).toEqual([
      [planMap.map_name, 'Quy hoạch 2021–2030'],
      [status.map_name, 'Hiện trạng 2024'],
    ]);
    expect(groups[0]!.rows.map((r) => [r.code, r.shareM2])).toEqual([['ODT', 476]]);
    // The 0,04 m² of ODT joins its 475,9 m²; the 0,04 m² of road is a sliver, not a second use.
    expect(groups[1]!.rows.map((r) => [r.code, Number(r.shareM2.toFixed(2))])).toEqual([['ODT', 475.94]]);
    expect(groups[1]!.slivers).toBe(1);
  });

  it("says in words whether today's use matches the land-use plan: the sample parcel all ODT on both maps, its road sliver left out", () => {
    const comparison = compareWithPlan(landUseGroups(answer.landUses))!;
    expect(comparison.verdict).toBe('matches');
    expect(planComparisonText(comparison)).toBe('Hiện trạng 2024 (ODT) đúng với quy hoạch 2021–2030 (ODT).');
    startLang('en');
    expect(planComparisonText(comparison)).toBe('Current use 2024 (ODT) matches the 2021–2030 plan (ODT).');
  });

  it('says a rice field planned as urban land differs, and a parcel partly planned as road differs in part', () => {
    // 29875 sheet 1 parcel 10 of the sample data: LUC today, ODT in the 2021–2030 plan.
    const rice = landUseGroups(
      readParcelPlanning({
        parcels: [
          {
            id: 1,
            area_m2: 1924.6,
            zones: [],
            landUses: [
              { land_use_code: 'ODT', ...planMap, area_m2: 1924.6, pct: 100 },
              { land_use_code: 'LUC', ...status, area_m2: 1924.6, pct: 100 },
            ],
          },
        ],
      })!.landUses,
    );
    const differs = compareWithPlan(rice)!;
    expect(differs.verdict).toBe('differs');
    expect(planComparisonText(differs)).toBe('Hiện trạng 2024 (LUC) khác quy hoạch 2021–2030 (ODT).');

    const widened = (landUses: Record<string, unknown>[]) =>
      compareWithPlan(landUseGroups(readParcelPlanning({ parcels: [{ id: 2, area_m2: 500, zones: [], landUses }] })!.landUses))!;
    // Same codes, but 30 % of the parcel the plan gives to a road is a house today.
    const road = widened([
      { land_use_code: 'ODT', ...planMap, area_m2: 350, pct: 70 },
      { land_use_code: 'DGT', ...planMap, area_m2: 150, pct: 30 },
      { land_use_code: 'ODT', ...status, area_m2: 500, pct: 100 },
    ]);
    expect(road.verdict).toBe('partly');
    expect(planComparisonText(road)).toBe('Hiện trạng 2024 (ODT) khác quy hoạch 2021–2030 (ODT, DGT) trên một phần thửa.');
    const shifted = widened([
      { land_use_code: 'ODT', ...planMap, area_m2: 350, pct: 70 },
      { land_use_code: 'DGT', ...planMap, area_m2: 150, pct: 30 },
      { land_use_code: 'ODT', ...status, area_m2: 150, pct: 30 },
      { land_use_code: 'DGT', ...status, area_m2: 350, pct: 70 },
    ]);
    expect(shifted.verdict).toBe('partly');
    startLang('en');
    expect(planComparisonText(shifted)).toBe(
      'Current use 2024 (DGT, ODT) differs from the 2021–2030 plan (ODT, DGT) on part of the parcel.',
    );
  });

  it('compares with the latest status map, and says nothing when the parcel is not on both kinds of map', () => {
    const older = { ...status, map_id: 3, map_name: 'Bản đồ hiện trạng sử dụng đất năm 2019', year: 2019 };
    const groups = landUseGroups(
      readParcelPlanning({
        parcels: [
          {
            id: 3,
            area_m2: 100,
            zones: [],
            landUses: [
              { land_use_code: 'LUC', ...older, area_m2: 100, pct: 100 },
              { land_use_code: 'ODT', ...planMap, area_m2: 100, pct: 100 },
              { land_use_code: 'ODT', ...status, area_m2: 100, pct: 100 },
            ],
          },
        ],
      })!.landUses,
    );
    expect(compareWithPlan(groups)!.verdict).toBe('matches');
    expect(compareWithPlan(groups.filter((g) => g.rows[0]!.details.map_kind === 'status'))).toBeUndefined();
  });

  it('keeps a small share of a tiny parcel: a sliver is under 1 m² and under 1 % at once', () => {
    const share = (shareM2: number, sharePct: number) => ({ kind: 'landuse' as const, code: 'DGT', shareM2, sharePct, details: {} });
    expect(isSliver(share(0.5, 0.1))).toBe(true);
    expect(isSliver(share(0.5, 12))).toBe(false);
    expect(isSliver(share(3, 0.5))).toBe(false);
  });
});
