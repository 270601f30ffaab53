import { PbfReader } from 'pbf';
import { describe, expect, it } from 'vitest';
import { buildStack, FONT_STACKS } from './build-glyphs.ts';

type Glyph = { id: number; bitmap?: Uint8Array; width: number; height: number; left: number; top: number; advance: number };

/** Decodes a glyph PBF with the field numbers of MapLibre's parser (style/parse_glyph_pbf.ts). */
function decode(bytes: Uint8Array): { name: string; range: string; glyphs: Map<number, Glyph> } {
  const out = { name: '', range: '', glyphs: new Map<number, Glyph>() };
  new PbfReader(bytes).readFields((tag, _, pbf) => {
    if (tag !== 1) return;
    pbf.readMessage((t, __, p) => {
      if (t === 1) out.name = p.readString();
      else if (t === 2) out.range = p.readString();
      else if (t === 3) {
        const g = p.readMessage(
          (f, glyph: Glyph, q) => {
            if (f === 1) glyph.id = q.readVarint();
            else if (f === 2) glyph.bitmap = q.readBytes();
            else if (f === 3) glyph.width = q.readVarint();
            else if (f === 4) glyph.height = q.readVarint();
            else if (f === 5) glyph.left = q.readSVarint();
            else if (f === 6) glyph.top = q.readSVarint();
            else if (f === 7) glyph.advance = q.readVarint();
          },
          { id: 0, width: 0, height: 0, left: 0, top: 0, advance: 0 } as Glyph,
        );
        out.glyphs.set(g.id, g);
      }
    }, undefined);
  }, undefined);
  return out;
}

describe('glyph PBFs built from Noto Sans', () => {
  const ranges = buildStack(FONT_STACKS[0]!, process.cwd());

  it('cover every letter of Vietnamese place names, in the ranges MapLibre asks for', () => {
    const text = 'Phường Cao Lãnh, Mỹ Ngãi, Mỹ Trà, Tân Thuận Tây, Đồng Tháp, Xoài Cát Chu, ấp Tân Hậu, Ơ Ư ư ơ ặ ỹ ỵ đ';
    for (const ch of text.normalize('NFC')) {
      const cp = ch.codePointAt(0)!;
      const start = cp - (cp % 256);
      const range = ranges.get(start);
      expect(range, `range ${start} for ${ch}`).toBeDefined();
      const decoded = decode(range!);
      expect(decoded.name).toBe('Noto Sans Regular');
      expect(decoded.range).toBe(`${start}-${start + 255}`);
      expect(decoded.glyphs.has(cp), `glyph for ${ch} (U+${cp.toString(16)})`).toBe(true);
    }
    expect([...ranges.keys()].sort((a, b) => a - b)).toEqual(expect.arrayContaining([0, 256, 768, 7680]));
  });

  it('encode signed distances: inside the ink above the edge value, outside below it, with a 3 px border', () => {
    const basic = decode(ranges.get(0)!).glyphs;
    const o = basic.get('o'.charCodeAt(0))!;
    const w = o.width + 6;
    const h = o.height + 6;
    expect(o.bitmap!.length).toBe(w * h);
    // The corner of the border is far outside the glyph; the middle of the "o" is its counter (outside too).
    expect(o.bitmap![0]).toBeLessThan(100);
    expect(o.bitmap![Math.floor(h / 2) * w + Math.floor(w / 2)]).toBeLessThan(191);
    // The left stroke of the "o", at mid-height, is ink.
    const row = Math.floor(h / 2) * w;
    const strokeMax = Math.max(...o.bitmap!.slice(row, row + Math.floor(w / 3)));
    expect(strokeMax).toBeGreaterThan(191);
    // A space has an advance and no bitmap.
    const space = basic.get(32)!;
    expect(space.width).toBe(0);
    expect(space.advance).toBeGreaterThan(3);
  });

  it('puts a tone mark above the vowel: "ế" reaches higher than "e" and shares its advance', () => {
    const e = decode(ranges.get(0)!).glyphs.get('e'.charCodeAt(0))!;
    const eAcute = decode(ranges.get(7680)!).glyphs.get('ế'.codePointAt(0)!)!;
    expect(eAcute.top).toBeGreaterThan(e.top + 3);
    expect(eAcute.advance).toBe(e.advance);
  });
});
