import { describe, expect, it } from 'vitest';
import { ellipsizeToWidth, graphemes, shortenName } from './short-text.ts';

// 120 characters of a growing area's name, with diacritics.
const LONG = 'Vùng trồng xoài cát Chu xuất khẩu của Hợp tác xã Nông nghiệp Dịch vụ Mỹ Xương, ấp Tân Hậu, xã Tân Thuận, Đồng Tháp mới 2';
const NFD = LONG.normalize('NFD');
const MARK = /^\p{M}/u;

describe('graphemes', () => {
  it('keeps a decomposed Vietnamese letter with its marks as one character', () => {
    expect(graphemes('ệ'.normalize('NFD'))).toEqual(['ệ'.normalize('NFD')]);
    expect(graphemes('Hậu'.normalize('NFD'))).toHaveLength(3);
    expect(graphemes(NFD)).toHaveLength(graphemes(LONG).length);
  });
});

describe('shortenName', () => {
  it('leaves a name that fits as it is, its spaces tidied', () => {
    expect(shortenName('  Vùng xoài   Tân Hậu ', 40)).toBe('Vùng xoài Tân Hậu');
  });

  it('cuts a 120-character name after a whole word, with “…”, within the room', () => {
    expect(graphemes(LONG)).toHaveLength(120);
    const short = shortenName(LONG, 40);
    expect(graphemes(short).length).toBeLessThanOrEqual(40);
    expect(short).toBe('Vùng trồng xoài cát Chu xuất khẩu của…');
    expect(LONG.startsWith(short.slice(0, -1))).toBe(true);
  });

  it('never leaves a combining mark without its letter in a decomposed name, at any room', () => {
    for (let max = 2; max <= 121; max++) {
      const short = shortenName(NFD, max);
      expect(graphemes(short).length).toBeLessThanOrEqual(max);
      // What is kept is whole letters of the name: normalised, it is a start of the composed name.
      const kept = short.endsWith('…') ? short.slice(0, -1) : short;
      expect(LONG.startsWith(kept.normalize('NFC'))).toBe(true);
      expect(MARK.test(short.slice(kept.length))).toBe(false);
      // The cut never ends on the base letter of a letter whose marks were dropped.
      const next = NFD.slice(kept.length);
      expect(MARK.test(next)).toBe(false);
    }
  });

  it('cuts within a word when no word ends late enough (one long word)', () => {
    expect(shortenName('Nôngnghiệpdịchvụtổnghợp', 10)).toBe('Nôngnghiệ…');
  });
});

describe('ellipsizeToWidth', () => {
  // One unit per grapheme: the widths the tests reason about.
  const measure = (text: string) => graphemes(text).length;

  it('answers the text when it fits', () => {
    expect(ellipsizeToWidth('Vùng xoài', 9, measure)).toBe('Vùng xoài');
  });

  it('keeps the longest start that fits with “…”, whole letters only', () => {
    const cut = ellipsizeToWidth(NFD, 30, measure);
    expect(measure(cut)).toBeLessThanOrEqual(30);
    expect(cut.endsWith('…')).toBe(true);
    const kept = cut.slice(0, -1);
    expect(MARK.test(NFD.slice(kept.length))).toBe(false);
    expect(LONG.startsWith(kept.normalize('NFC'))).toBe(true);
    expect(measure(cut)).toBeGreaterThanOrEqual(28);
  });
});
