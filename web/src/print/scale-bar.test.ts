import { describe, expect, it } from 'vitest';
import { metresPerPixel, niceScaleBar, scaleBarLayout, scaleDenominator } from './scale-bar.ts';

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

describe('the scale bar’s layout', () => {
  it('backs the bar, both labels and the fraction, none of them overlapping', () => {
    const mm = 10;
    const layout = scaleBarLayout({ x: 100, y: 500, barPx: 400, lengthLabelW: 60, fractionW: 150, mm });
    const { backing } = layout;
    // The length label is centred on the bar's end, the fraction starts 3 mm past it.
    expect(layout.lengthLabelX).toBe(470);
    expect(layout.fractionX).toBe(560);
    expect(backing.x).toBeLessThan(100);
    expect(backing.x + backing.w).toBe(560 + 150 + 2 * mm);
    expect(backing.y).toBeLessThan(layout.labelY - 3 * mm);
    expect(backing.y + backing.h).toBeGreaterThan(layout.fractionY + mm);
  });

  it('keeps a long length label clear of the fraction on a short bar', () => {
    const layout = scaleBarLayout({ x: 0, y: 0, barPx: 40, lengthLabelW: 120, fractionW: 100, mm: 10 });
    expect(layout.lengthLabelX).toBe(10);
    expect(layout.fractionX).toBeGreaterThanOrEqual(layout.lengthLabelX + 120 + 30);
  });
});
