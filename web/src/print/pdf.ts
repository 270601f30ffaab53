/** A one-page PDF holding one JPEG image that fills the page. */
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
};

const encoder = new TextEncoder();

/** A PDF text string: UTF-16BE with BOM in hex, so Vietnamese titles survive in the document info. */
function pdfText(text: string): string {
  let hex = 'FEFF';
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).padStart(4, '0').toUpperCase();
  return `<${hex}>`;
}

/**
 * Writes the PDF by hand: five objects and a cross-reference table. Everything the page shows
 * (map, legend, scale bar, north arrow, Vietnamese text) is already drawn into the image, so the
 * file needs no fonts and no PDF library, and it prints exactly what the PNG shows.
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
  object(1, '<< /Type /Catalog /Pages 2 0 R >>');
  object(2, '<< /Type /Pages /Kids [3 0 R] /Count 1 >>');
  object(3, `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${w} ${hgt}] /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>`);
  object(4, () => {
    push(
      `<< /Type /XObject /Subtype /Image /Width ${page.widthPx} /Height ${page.heightPx} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length ${page.jpeg.length} >>\nstream\n`,
    );
    push(page.jpeg);
    push('\nendstream');
  });
  const content = `q ${w} 0 0 ${hgt} 0 0 cm /Im0 Do Q`;
  object(5, `<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
  object(6, `<< /Title ${pdfText(page.title)} /Producer (Ban do so Cao Lanh) >>`);
  const xref = length;
  let table = `xref\n0 7\n0000000000 65535 f \n`;
  for (let id = 1; id <= 6; id++) table += `${String(offsets[id]).padStart(10, '0')} 00000 n \n`;
  push(table);
  push(`trailer\n<< /Size 7 /Root 1 0 R /Info 6 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
