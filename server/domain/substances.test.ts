import { describe, expect, it } from 'vitest';
import { addDays, checkDiaryEntry, foldIngredient, strictestMrl, type SubstanceRule } from './substances.ts';

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

  it('flags a substance a market forbids, naming the market', () => {
    const r = checkDiaryEntry({ activeIngredient: 'Carbendazim', appliedOn: '2026-03-01', phiDays: null }, ['CN'], rules, null);
    expect(r.flagged).toBe(true);
    expect(r.flags).toEqual([{ market: 'CN', reason: 'not-allowed', message: 'Carbendazim is not allowed for CN.' }]);
  });

  it('flags a substance missing from a market list', () => {
    const r = checkDiaryEntry({ activeIngredient: 'Abamectin', appliedOn: '2026-03-01', phiDays: null }, ['US'], rules, null);
    expect(r.flags.map((f) => [f.market, f.reason])).toEqual([['US', 'not-listed']]);
  });

  it('flags a pre-harvest interval that runs past the expected harvest', () => {
    const r = checkDiaryEntry({ activeIngredient: 'Abamectin', appliedOn: '2026-03-25', phiDays: 14 }, [], rules, '2026-04-01');
    expect(r.flags).toEqual([expect.objectContaining({ reason: 'pre-harvest-interval', market: null })]);
  });

  it('folds names and dates without time-zone shifts', () => {
    expect(foldIngredient('  Đồng Hydroxide ')).toBe('dong hydroxide');
    expect(addDays('2026-12-30', 3)).toBe('2027-01-02');
    expect(strictestMrl('ABAMECTIN', ['CN'], rules)).toBe(0.01);
    expect(strictestMrl('Unknown', ['CN'], rules)).toBeNull();
  });
});
