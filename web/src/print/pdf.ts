/** A line of words drawn on the page image: where (its baseline's left end) and how big, in the image's pixels. */
export type PageText = { text: string; x: number; y: number; size: number; width: number };

/** A one-page PDF holding one JPEG image that fills the page, and the page's words as text over it. */
export type PdfPage = {
  /** The JPEG file's bytes (DCTDecode needs no re-encoding). */
  jpeg: Uint8Array;
  /** Pixel size of the JPEG. */
  widthPx: number;
  heightPx: number;
  /** Page size in points (1/72 inch); A4 landscape is 841.89 × 595.28. */
  pageWidthPt: number;
  pageHeightPt: number;
  title: string;
  /** The words the image shows (title, legend, title block, scale, footer), laid as invisible text on them. */
  texts?: readonly PageText[];
  /** The document's language (BCP 47), for screen readers. */
  lang?: string;
};

const encoder = new TextEncoder();

/** A PDF text string: UTF-16BE with BOM in hex, so Vietnamese titles survive in the document info. */
function pdfText(text: string): string {
  let hex = 'FEFF';
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).padStart(4, '0').toUpperCase();
  return `<${hex}>`;
}

/** Hex of a character's UTF-16BE code units, as a ToUnicode map writes its destination. */
function utf16Hex(char: string): string {
  let hex = '';
  for (let i = 0; i < char.length; i++) hex += char.charCodeAt(i).toString(16).padStart(4, '0').toUpperCase();
  return hex;
}

/**
 * The words as a text layer: each line in text render mode 3 (invisible, as OCR'd scans do) at the
 * place and width the image draws it, so it is selected, searched and read aloud where it is seen,
 * and the page still prints exactly what the PNG shows. Each distinct character gets a two-byte code
 * (Identity-H) and the ToUnicode map turns codes back into the characters, Vietnamese and emoji
 * alike; the font is not embedded (nothing is drawn with it), every glyph 0.5 em wide and the line
 * stretched (Tz) to the width measured on the canvas.
 */
function textLayer(texts: readonly PageText[], toPt: number, pageHeightPt: number): { content: string; cmap: string } {
  const codes = new Map<string, number>();
  const codeOf = (char: string): string => {
    let code = codes.get(char);
    if (code === undefined) codes.set(char, (code = codes.size + 1));
    return code.toString(16).padStart(4, '0').toUpperCase();
  };
  const ops: string[] = [];
  for (const line of texts) {
    const chars = [...line.text];
    if (!line.text.trim() || line.size <= 0) continue;
    const size = line.size * toPt;
    const natural = chars.length * 0.5 * size;
    const stretch = natural > 0 ? (100 * line.width * toPt) / natural : 100;
    const x = (line.x * toPt).toFixed(2);
    const y = (pageHeightPt - line.y * toPt).toFixed(2);
    ops.push(`BT /F1 ${size.toFixed(2)} Tf 3 Tr ${stretch.toFixed(2)} Tz 1 0 0 1 ${x} ${y} Tm <${chars.map(codeOf).join('')}> Tj ET`);
  }
  const entries = [...codes].map(([char, code]) => `<${code.toString(16).padStart(4, '0').toUpperCase()}> <${utf16Hex(char)}>`);
  const blocks: string[] = [];
  // A bfchar block holds at most 100 entries.
  for (let i = 0; i < entries.length; i += 100) {
    const part = entries.slice(i, i + 100);
    blocks.push(`${part.length} beginbfchar\n${part.join('\n')}\nendbfchar`);
  }
  const cmap = [
    '/CIDInit /ProcSet findresource begin',
    '12 dict begin',
    'begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def',
    '/CMapType 2 def',
    '1 begincodespacerange',
    '<0000> <FFFF>',
    'endcodespacerange',
    ...blocks,
    'endcmap',
    'CMapName currentdict /CMap defineresource pop',
    'end',
    'end',
  ].join('\n');
  return { content: ops.join('\n'), cmap };
}

/**
 * Writes the PDF by hand: a page, its image, its text layer and a cross-reference table. Everything
 * the page shows (map, legend, scale bar, north arrow, Vietnamese text) is drawn into the image, so
 * it prints exactly what the PNG shows; the words are laid over it as invisible text (textLayer), so
 * the file needs no embedded font and no PDF library.
 */
export function buildPdf(page: PdfPage): Uint8Array {
  const parts: Uint8Array[] = [];
  const offsets: number[] = [];
  let length = 0;
  const push = (chunk: string | Uint8Array) => {
    const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
    parts.push(bytes);
    length += bytes.length;
  };
  const object = (id: number, body: string | (() => void)) => {
    offsets[id] = length;
    push(`${id} 0 obj\n`);
    if (typeof body === 'string') push(body);
    else body();
    push('\nendobj\n');
  };
  const w = page.pageWidthPt.toFixed(2);
  const hgt = page.pageHeightPt.toFixed(2);
  // The header's second line holds bytes above 127 so tools treat the file as binary.
  push('%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n');
  const lang = page.lang && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(page.lang) ? ` /Lang (${page.lang})` : '';
  object(1, `<< /Type /Catalog /Pages 2 0 R${lang} >>`);
  object(2, '<< /Type /Pages /Kids [3 0 R] /Count 1 >>');
  object(
    3,
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${w} ${hgt}] /Resources << /XObject << /Im0 4 0 R >> /Font << /F1 7 0 R >> >> /Contents 5 0 R >>`,
  );
  object(4, () => {
    push(
      `<< /Type /XObject /Subtype /Image /Width ${page.widthPx} /Height ${page.heightPx} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length ${page.jpeg.length} >>\nstream\n`,
    );
    push(page.jpeg);
    push('\nendstream');
  });
  const layer = textLayer(page.texts ?? [], page.pageWidthPt / page.widthPx, page.pageHeightPt);
  const content = `q ${w} 0 0 ${hgt} 0 0 cm /Im0 Do Q\n${layer.content}`;
  const stream = (body: string, dict = '') => `<< /Length ${encoder.encode(body).length}${dict} >>\nstream\n${body}\nendstream`;
  object(5, stream(content));
  object(6, `<< /Title ${pdfText(page.title)} /Producer (Ban do so Cao Lanh) >>`);
  object(7, '<< /Type /Font /Subtype /Type0 /BaseFont /NotoSans /Encoding /Identity-H /DescendantFonts [8 0 R] /ToUnicode 9 0 R >>');
  object(
    8,
    '<< /Type /Font /Subtype /CIDFontType2 /BaseFont /NotoSans /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 10 0 R /DW 500 /CIDToGIDMap /Identity >>',
  );
  object(9, stream(layer.cmap));
  object(
    10,
    '<< /Type /FontDescriptor /FontName /NotoSans /Flags 32 /FontBBox [-600 -300 1500 1100] /ItalicAngle 0 /Ascent 1069 /Descent -293 /CapHeight 714 /StemV 80 >>',
  );
  const xref = length;
  let table = `xref\n0 11\n0000000000 65535 f \n`;
  for (let id = 1; id <= 10; id++) table += `${String(offsets[id]).padStart(10, '0')} 00000 n \n`;
  push(table);
  push(`trailer\n<< /Size 11 /Root 1 0 R /Info 6 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
