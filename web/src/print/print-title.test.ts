import { describe, expect, it } from 'vitest';
import { graphemes } from '../ui/short-text.ts';
import { fitTitle, TITLE_SIZE_MM } from './print-title.ts';

// Each character as wide as 0.5 of the type size: a title's width in mm, the same for every letter.
const measure = (text: string, size: number) => graphemes(text).length * size * 0.5;
const LONG = 'Vùng trồng xoài cát Chu xuất khẩu của Hợp tác xã Nông nghiệp Dịch vụ Mỹ Xương, ấp Tân Hậu, xã Tân Thuận, Đồng Tháp mới 2';

describe('fitTitle', () => {
  it('sets a short title on one line at the largest size', () => {
    expect(fitTitle('Bản đồ số Cao Lãnh', 190, measure)).toEqual({ size: TITLE_SIZE_MM.largest, lines: ['Bản đồ số Cao Lãnh'] });
  });

  it('makes a title a little too long smaller, still on one line', () => {
    const title = 'x'.repeat(70); // 210 mm at 6 mm, 189 mm at 5.4 mm
    const layout = fitTitle(title, 190, measure);
    expect(layout.lines).toEqual([title]);
    expect(layout.size).toBeLessThan(TITLE_SIZE_MM.largest);
    expect(measure(title, layout.size)).toBeLessThanOrEqual(190);
  });

  it('sets a 120-character name on two lines at the smallest size, each inside the width, nothing dropped', () => {
    const layout = fitTitle(LONG, 190, measure);
    expect(layout.size).toBe(TITLE_SIZE_MM.smallest);
    expect(layout.lines).toHaveLength(2);
    for (const line of layout.lines) expect(measure(line, layout.size)).toBeLessThanOrEqual(190);
    expect(layout.lines.join(' ')).toBe(LONG);
  });

  it('cuts the second line with “…” when two lines cannot hold it (a narrow portrait page), in whole letters', () => {
    const nfd = LONG.normalize('NFD');
    const layout = fitTitle(nfd, 120, measure);
    expect(layout.lines).toHaveLength(2);
    for (const line of layout.lines) expect(measure(line, layout.size)).toBeLessThanOrEqual(120);
    expect(layout.lines[1]!.endsWith('…')).toBe(true);
    const kept = `${layout.lines[0]} ${layout.lines[1]!.slice(0, -1)}`;
    expect(nfd.startsWith(kept)).toBe(true);
    expect(/^\p{M}/u.test(nfd.slice(kept.length))).toBe(false);
  });
});
