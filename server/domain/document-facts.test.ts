import { describe, expect, it } from 'vitest';
import { checkDocumentFile, cleanDocumentName, contentDisposition, MAX_DOCUMENT_BYTES, sniffDocument } from './document-facts.ts';

const bytes = (...b: number[]) => Uint8Array.from(b);
const text = (s: string) => new TextEncoder().encode(s);

describe('document facts', () => {
  it('knows a PDF, a JPEG and a PNG by their first bytes, and nothing else', () => {
    expect(sniffDocument(text('%PDF-1.7\n'))).toBe('application/pdf');
    expect(sniffDocument(bytes(0xff, 0xd8, 0xff, 0xe0))).toBe('image/jpeg');
    expect(sniffDocument(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a))).toBe('image/png');
    expect(sniffDocument(text('RIFF\0\0\0\0WEBPVP8 '))).toBeNull();
    expect(sniffDocument(text('<html>%PDF-1.7'))).toBeNull();
    expect(sniffDocument(text('%PD'))).toBeNull();
  });

  it('refuses an empty file, one over 10 MiB and one of another type', () => {
    expect(checkDocumentFile(text('%PDF-1.4'), 0)).toEqual({ valid: false, reason: 'empty' });
    expect(checkDocumentFile(text('%PDF-1.4'), MAX_DOCUMENT_BYTES + 1)).toEqual({ valid: false, reason: 'too-large' });
    expect(checkDocumentFile(text('%PDF-1.4'), MAX_DOCUMENT_BYTES)).toEqual({ valid: true, type: 'application/pdf' });
    expect(checkDocumentFile(text('MZ\x90\0'), 4)).toEqual({ valid: false, reason: 'wrong-type' });
  });

  it('keeps the last part of a name, without control characters, at most 200 characters with its extension', () => {
    expect(cleanDocumentName('../../etc/passwd', 'application/pdf')).toBe('passwd');
    expect(cleanDocumentName('C:\\scan\\QĐ 45.pdf', 'application/pdf')).toBe('QĐ 45.pdf');
    expect(cleanDocumentName('a\0b\u202Efdp.exe\n.pdf', 'application/pdf')).toBe('abfdp.exe.pdf');
    expect(cleanDocumentName('Quye\u0302\u0301t.pdf', 'application/pdf')).toBe('Quyết.pdf');
    expect(cleanDocumentName('..', 'image/png')).toBe('document.png');
    expect(cleanDocumentName('../', 'image/jpeg')).toBe('document.jpg');
    expect(cleanDocumentName(undefined, 'application/pdf')).toBe('document.pdf');
    const long = cleanDocumentName(`${'ắ'.repeat(300)}.pdf`, 'application/pdf');
    expect(Array.from(long)).toHaveLength(200);
    expect(long.endsWith('ắ.pdf')).toBe(true);
  });

  it('names a Vietnamese file in UTF-8 and in ASCII beside it (RFC 6266)', () => {
    expect(contentDisposition('Quyết định số 45 (bản quét).pdf')).toBe(
      'inline; filename="Quyet dinh so 45 (ban quet).pdf"; filename*=UTF-8\'\'Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh%20s%E1%BB%91%2045%20%28b%E1%BA%A3n%20qu%C3%A9t%29.pdf',
    );
    expect(contentDisposition('a"b;c.pdf', 'attachment')).toBe('attachment; filename="a_b_c.pdf"; filename*=UTF-8\'\'a%22b%3Bc.pdf');
  });
});
