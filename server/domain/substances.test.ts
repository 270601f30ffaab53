import { describe, expect, it } from 'vitest';
import { addDays, checkDiaryEntry, foldIngredient, rulesOfList, strictestMrl, type SubstanceRule } from './substances.ts';

const rules: SubstanceRule[] = [
  { active_ingredient: 'Abamectin', market: 'VN', allowed: true, mrl_mg_kg: 0.02 },
  { active_ingredient: 'Abamectin', market: 'CN', allowed: true, mrl_mg_kg: 0.01 },
  { active_ingredient: 'Carbendazim', market: 'VN', allowed: true, mrl_mg_kg: 0.5 },
  { active_ingredient: 'Carbendazim', market: 'CN', allowed: false, mrl_mg_kg: null },
];

describe('diary substance check', () => {
  it('passes a substance allowed in Vietnam and every target market', () => {
    expect(checkDiaryEntry({ activeIngredient: 'abamectin', appliedOn: '2026-03-01', phiDays: 7 }, ['CN'], rules, '2026-04-01')).toEqual({
      flagged: false,
      flags: [],
    });
  });

  it('flags a substance a market forbids, naming the market and the substance as typed', () => {
    const r = checkDiaryEntry({ activeIngredient: 'carbendazim', appliedOn: '2026-03-01', phiDays: null }, ['CN'], rules, null);
    expect(r.flagged).toBe(true);
    expect(r.flags).toEqual([
      { market: 'CN', reason: 'not-allowed', substance: 'carbendazim', message: 'carbendazim is not allowed for CN.' },
    ]);
  });

  it('flags a substance missing from a market list', () => {
    const r = checkDiaryEntry({ activeIngredient: 'Abamectin', appliedOn: '2026-03-01', phiDays: null }, ['US'], rules, null);
    expect(r.flags).toEqual([
      { market: 'US', reason: 'not-listed', substance: 'Abamectin', message: 'Abamectin is not on the allowed list for US.' },
    ]);
  });

  it('flags a pre-harvest interval that runs past the expected harvest, with the dates it compared', () => {
    const r = checkDiaryEntry({ activeIngredient: 'Abamectin', appliedOn: '2026-03-25', phiDays: 14 }, [], rules, '2026-04-01');
    expect(r.flags).toEqual([
      {
        market: null,
        reason: 'pre-harvest-interval',
        appliedOn: '2026-03-25',
        phiDays: 14,
        safeHarvestOn: '2026-04-08',
        expectedHarvest: '2026-04-01',
        message: 'The pre-harvest interval of 14 days ends on 2026-04-08, after the expected harvest on 2026-04-01.',
      },
    ]);
  });

  it('does not compare a spray with a harvest expected before it (last season’s date), and still a harvest on the spray’s day', () => {
    const after = checkDiaryEntry({ activeIngredient: 'Abamectin', appliedOn: '2026-11-30', phiDays: 7 }, [], rules, '2026-04-06');
    expect(after.flags).toEqual([]);
    const sameDay = checkDiaryEntry({ activeIngredient: 'Abamectin', appliedOn: '2026-04-06', phiDays: 7 }, [], rules, '2026-04-06');
    expect(sameDay.flags.map((f) => f.reason)).toEqual(['pre-harvest-interval']);
  });

  it('lets an interval that ends on the harvest day pass', () => {
    const r = checkDiaryEntry({ activeIngredient: 'Abamectin', appliedOn: '2026-03-18', phiDays: 14 }, [], rules, '2026-04-01');
    expect(r.flags).toEqual([]);
  });

  it('reads the substance list the API answers as rules', () => {
    expect(
      rulesOfList({
        markets: ['VN', 'CN'],
        substances: [{ activeIngredient: 'Carbendazim', rules: [{ market: 'CN', allowed: false, mrlMgKg: null, note: null }] }],
      }),
    ).toEqual([{ active_ingredient: 'Carbendazim', market: 'CN', allowed: false, mrl_mg_kg: null }]);
  });

  it('folds names and dates without time-zone shifts', () => {
    expect(foldIngredient('  Đồng Hydroxide ')).toBe('dong hydroxide');
    expect(addDays('2026-12-30', 3)).toBe('2027-01-02');
    expect(strictestMrl('ABAMECTIN', ['CN'], rules)).toBe(0.01);
    expect(strictestMrl('Unknown', ['CN'], rules)).toBeNull();
  });
});
