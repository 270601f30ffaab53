import { describe, expect, it } from 'vitest';
import { metresPerPixel, niceScaleBar, scaleDenominator } from './scale-bar.ts';

describe('print scale', () => {
  it('measures about 9.5 m per CSS pixel at Cao Lãnh, zoom 14', () => {
    expect(metresPerPixel(10.46, 14)).toBeCloseTo(4.7, 1);
    expect(metresPerPixel(0, 0)).toBeCloseTo(78271.5, 0);
  });

  it('picks the longest 1-2-5 length that fits and labels km from 1000 m', () => {
    expect(niceScaleBar(1, 250)).toEqual({ metres: 200, px: 200, label: '200 m' });
    expect(niceScaleBar(10, 130)).toEqual({ metres: 1000, px: 100, label: '1 km' });
    expect(niceScaleBar(3, 100).metres).toBe(200);
  });

  it('gives the representative fraction of a 200 dpi print', () => {
    // One device pixel at 200 dpi is 0.127 mm on paper; 1.27 m on the ground makes 1:10,000.
    expect(scaleDenominator(1.27, 200)).toBe(10000);
    expect(scaleDenominator(2.3, 300)).toBe(27000);
  });
});
