import { describe, expect, it } from 'vitest';
import { buildPdf } from './pdf.ts';

const decoder = new TextDecoder('latin1');

describe('the one-page PDF writer', () => {
  const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]);
  const pdf = buildPdf({
    jpeg,
    widthPx: 2339,
    heightPx: 1654,
    pageWidthPt: 841.89,
    pageHeightPt: 595.28,
    title: 'Bản đồ số',
    lang: 'vi',
    texts: [{ text: 'Chú giải Đất', x: 1000, y: 200, size: 20, width: 118 }],
  });
  const text = decoder.decode(pdf);

  it('writes a cross-reference table whose offsets point at each object', () => {
    const xrefAt = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(text)?.[1]);
    expect(text.slice(xrefAt, xrefAt + 4)).toBe('xref');
    const rows = text.slice(xrefAt).split('\n').slice(3, 13);
    rows.forEach((row, i) => {
      const offset = Number(row.slice(0, 10));
      expect(text.slice(offset, offset + `${i + 1} 0 obj`.length)).toBe(`${i + 1} 0 obj`);
    });
  });

  it('embeds the JPEG bytes unchanged as a DCTDecode image filling an A4 page', () => {
    expect(text.startsWith('%PDF-1.4\n')).toBe(true);
    expect(text).toContain('/MediaBox [0 0 841.89 595.28]');
    expect(text).toContain(`/Width 2339 /Height 1654 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length ${jpeg.length}`);
    const start = text.indexOf('stream\n', text.indexOf('/DCTDecode')) + 'stream\n'.length;
    expect([...pdf.slice(start, start + jpeg.length)]).toEqual([...jpeg]);
  });

  it('lays the words over the image as invisible text, each character mapped back to Unicode', () => {
    // At the image's place: 2339 px to 841.89 pt, the baseline measured from the page's foot.
    const k = 841.89 / 2339;
    expect(text).toContain(`1 0 0 1 ${(1000 * k).toFixed(2)} ${(595.28 - 200 * k).toFixed(2)} Tm`);
    expect(text).toContain('3 Tr');
    // 'Chú giải Đất': C h ú ␣ g i ả i ␣ Đ ấ t, each distinct character one code ('i' and the space reused).
    expect(text).toContain('<00010002000300040005000600070006000400080009000A> Tj');
    expect(text).toContain('<0003> <00FA>');
    expect(text).toContain('<0007> <1EA3>');
    expect(text).toContain('/ToUnicode 9 0 R');
    expect(text).toContain('/Lang (vi)');
  });

  it('keeps a Vietnamese title as UTF-16 in the document info', () => {
    expect(text).toContain('/Title <FEFF00421EA3006E002001111ED3002000731ED1>');
  });
});
