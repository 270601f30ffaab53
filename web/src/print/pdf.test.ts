import { describe, expect, it } from 'vitest';
import { buildPdf } from './pdf.ts';

const decoder = new TextDecoder('latin1');

describe('the one-page PDF writer', () => {
  const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]);
  const pdf = buildPdf({ jpeg, widthPx: 2339, heightPx: 1654, pageWidthPt: 841.89, pageHeightPt: 595.28, title: 'Bản đồ số' });
  const text = decoder.decode(pdf);

  it('writes a cross-reference table whose offsets point at each object', () => {
    const xrefAt = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(text)?.[1]);
    expect(text.slice(xrefAt, xrefAt + 4)).toBe('xref');
    const rows = text.slice(xrefAt).split('\n').slice(3, 9);
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

  it('keeps a Vietnamese title as UTF-16 in the document info', () => {
    expect(text).toContain('/Title <FEFF00421EA3006E002001111ED3002000731ED1>');
  });
});
