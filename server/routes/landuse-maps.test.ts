import { describe, expect, it } from 'vitest';
import { currentMapIds } from './landuse-maps.ts';

const map = (id: number, kind: 'status' | 'plan', year: number, periodTo: number | null = null) => ({ id, kind, year, periodTo });

describe('the current land-use map of each kind', () => {
  it('is the latest status map of this year or before, and the plan whose period runs this year', () => {
    const maps = [
      map(1, 'status', 2019),
      map(2, 'status', 2024),
      map(3, 'status', 2027),
      map(4, 'plan', 2011, 2020),
      map(5, 'plan', 2021, 2030),
    ];
    expect([...currentMapIds(maps, 2026)].sort()).toEqual([2, 5]);
    expect([...currentMapIds(maps, 2027)].sort()).toEqual([3, 5]);
  });

  it('falls back to the latest plan that started when none runs, and to the earliest map when all start later', () => {
    expect([...currentMapIds([map(4, 'plan', 2011, 2020), map(6, 'plan', 2001, 2010)], 2026)]).toEqual([4]);
    expect([...currentMapIds([map(7, 'status', 2030), map(8, 'status', 2028)], 2026)]).toEqual([8]);
  });

  it('breaks a tie of years by the newer row, and answers nothing for a kind with no maps', () => {
    expect([...currentMapIds([map(9, 'status', 2024), map(10, 'status', 2024)], 2026)]).toEqual([10]);
    expect(currentMapIds([], 2026).size).toBe(0);
  });
});
