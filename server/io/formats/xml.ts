import fs from 'node:fs';
import { SaxesParser } from 'saxes';
import { AppError } from '../../plugins/errors.ts';

/** An element as the streaming walker sees it: local name (prefix dropped), attributes, text. */
export type XmlElement = { name: string; attributes: Record<string, string>; text: string; path: string[] };

/**
 * Streams an XML file and calls the handlers for every element open and close, with its ancestor
 * path; handlers that return values push them to the output queue, which the caller drains per
 * chunk. Memory holds one chunk and the open-element stack, never the document.
 */
export async function* walkXml<T>(
  file: string,
  label: string,
  onOpen: (el: XmlElement) => void,
  onClose: (el: XmlElement) => T | undefined,
): AsyncGenerator<T> {
  const parser = new SaxesParser({ xmlns: false });
  const stack: XmlElement[] = [];
  const out: T[] = [];
  let failure: Error | undefined;
  parser.on('error', (e) => {
    failure ??= e;
  });
  parser.on('opentag', (tag) => {
    const name = tag.name.includes(':') ? tag.name.slice(tag.name.indexOf(':') + 1) : tag.name;
    const attributes: Record<string, string> = {};
    for (const [k, v] of Object.entries(tag.attributes)) attributes[k] = String(v);
    const el: XmlElement = { name, attributes, text: '', path: stack.map((s) => s.name) };
    stack.push(el);
    onOpen(el);
  });
  const text = (t: string) => {
    const top = stack[stack.length - 1];
    // Text of leaf elements only (coordinates, values); large mixed content is not our case.
    if (top && top.text.length < 10_000_000) top.text += t;
  };
  parser.on('text', text);
  parser.on('cdata', text);
  parser.on('closetag', () => {
    const el = stack.pop();
    if (!el) return;
    const v = onClose(el);
    if (v !== undefined) out.push(v);
  });
  const stream = fs.createReadStream(file, { encoding: 'utf8', highWaterMark: 256 * 1024 });
  try {
    for await (const chunk of stream) {
      parser.write(chunk as string);
      if (failure) throw new AppError('BAD_FILE', `${label} is not well-formed XML: ${failure.message}`);
      while (out.length > 0) yield out.shift()!;
    }
    parser.close();
    if (failure) throw new AppError('BAD_FILE', `${label} is not well-formed XML: ${(failure as Error).message}`);
    while (out.length > 0) yield out.shift()!;
  } finally {
    stream.destroy();
  }
}

/** Escapes text for an XML element or attribute. */
export function xmlEscape(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}
