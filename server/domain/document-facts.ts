// What a decision's scan (the signed paper an officer attaches to a lifecycle move) must be, pure so
// that the browser checks a picked file by the same rules the registry enforces on its upload: the
// size limit, the type by the first bytes (never by the name or a header), and the name it is shown
// under (kept for people, never used on disk). Plain Uint8Array: nothing of node.
import { sniffImage } from './photo-facts.ts';

/** Largest document accepted (10 MiB, as a photo): a scanned A4 page is 0.2–3 MB as PDF or JPEG. */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

/** Document types accepted, as the database constraint lists them. */
export const DOCUMENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;

/** An accepted document type. */
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

/** Longest name kept (characters); a longer one is cut. */
export const DOCUMENT_NAME_MAX = 200;

/** The file name extension of each type (the stored file's, and a name's fallback). */
export const DOCUMENT_EXTENSION: Readonly<Record<DocumentType, string>> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/png': 'png',
};

/** The type the bytes really are: a PDF ("%PDF-"), a JPEG or a PNG; null for anything else (WebP included). */
export function sniffDocument(bytes: Uint8Array): DocumentType | null {
  const pdf = [0x25, 0x50, 0x44, 0x46, 0x2d];
  if (bytes.length >= 5 && pdf.every((b, i) => bytes[i] === b)) return 'application/pdf';
  const image = sniffImage(bytes);
  return image === 'image/jpeg' || image === 'image/png' ? image : null;
}

/** Reason constants of checkDocumentFile. */
export const DOCUMENT_REASONS = { EMPTY: 'empty', TOO_LARGE: 'too-large', WRONG_TYPE: 'wrong-type' } as const;

/** Why a file is not taken as a decision's document. */
export type DocumentRefusal = (typeof DOCUMENT_REASONS)[keyof typeof DOCUMENT_REASONS];

/**
 * Whether a file of `size` bytes starting with `head` is a document the registry takes, and its real
 * type: not empty, within MAX_DOCUMENT_BYTES, a PDF, JPEG or PNG by its first bytes. The browser passes
 * the file's first bytes only; the server the whole upload.
 */
export function checkDocumentFile(
  head: Uint8Array,
  size: number,
): { valid: true; type: DocumentType } | { valid: false; reason: DocumentRefusal } {
  if (size === 0) return { valid: false, reason: DOCUMENT_REASONS.EMPTY };
  if (size > MAX_DOCUMENT_BYTES) return { valid: false, reason: DOCUMENT_REASONS.TOO_LARGE };
  const type = sniffDocument(head);
  return type ? { valid: true, type } : { valid: false, reason: DOCUMENT_REASONS.WRONG_TYPE };
}

/**
 * The name a document is shown under, from the name the client sent: its last path part only
 * ("../../etc/passwd" → "passwd", "C:\\scan\\qd.pdf" → "qd.pdf"), without control or bidirectional
 * formatting characters (a NUL, a right-to-left override that would show "fdp.exe" as "exe.pdf"),
 * spaces run together, in NFC (a Mac sends "Quyết" decomposed), at most DOCUMENT_NAME_MAX characters
 * (the extension kept when it is cut). A name left empty ("", "..", "/") becomes "document.<ext>".
 */
export function cleanDocumentName(sent: string | undefined, type: DocumentType): string {
  const last = (sent ?? '').split(/[/\\]/).pop() ?? '';
  const cleaned = last
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '')
    .replace(/\s+/gu, ' ')
    .trim();
  const fallback = `document.${DOCUMENT_EXTENSION[type]}`;
  if (cleaned === '' || /^\.+$/.test(cleaned)) return fallback;
  const chars = Array.from(cleaned);
  if (chars.length <= DOCUMENT_NAME_MAX) return cleaned;
  const extension = /\.[A-Za-z0-9]{1,5}$/.exec(cleaned)?.[0] ?? '';
  return (
    chars
      .slice(0, DOCUMENT_NAME_MAX - extension.length)
      .join('')
      .trimEnd() + extension
  );
}

/**
 * The value of a Content-Disposition header for a document of this name (RFC 6266): `filename*` in
 * UTF-8 for the Vietnamese name, and a plain-ASCII `filename` beside it for old clients
 * ("Quyết định số 45.pdf" → "Quyet dinh so 45.pdf").
 */
export function contentDisposition(name: string, disposition: 'inline' | 'attachment' = 'inline'): string {
  const ascii =
    name
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .replace(/đ/g, 'd')
      .replace(/Đ/g, 'D')
      .replace(/[^A-Za-z0-9 ._()-]/g, '_') || 'document';
  // encodeURIComponent leaves ' ( ) * ! unencoded; RFC 5987's attr-char does not allow ' ( ) *.
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
