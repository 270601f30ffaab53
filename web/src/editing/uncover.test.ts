import { describe, expect, it } from 'vitest';
import { uncoverShift } from './uncover.ts';

// A 1024 × 768 window with the side panel open: the map from x 350 to 1024, the card at its bottom left.
const map = { left: 350, top: 60, right: 1024, bottom: 768 };
const card = { left: 360, top: 340, right: 700, bottom: 732 };

describe('uncoverShift', () => {
  it('moves a point under the card to the middle of the free part right of it', () => {
    const point = { x: 687, y: 414 };
    const shift = uncoverShift(point, card, map);
    // Between the card's right edge (700) and the map controls (1024 − 54).
    expect(point.x + shift).toBe(835);
  });

  it('leaves a point the card does not cover where it is', () => {
    expect(uncoverShift({ x: 815, y: 430 }, card, map)).toBe(0);
    expect(uncoverShift({ x: 500, y: 200 }, card, map)).toBe(0);
  });

  it('does not move when there is no room beside the card (a phone’s card spans the map)', () => {
    const phoneMap = { left: 0, top: 60, right: 393, bottom: 851 };
    const phoneCard = { left: 10, top: 500, right: 383, bottom: 815 };
    expect(uncoverShift({ x: 196, y: 600 }, phoneCard, phoneMap)).toBe(0);
  });
});
