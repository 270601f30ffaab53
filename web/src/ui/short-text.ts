// Names shortened to fit a place (a map label, a printed title) without cutting a letter: Vietnamese
// names may come decomposed (NFD: 'ệ' as e + U+0323 + U+0302, from some keyboards and old files), and
// a cut by UTF-16 units could leave the base letter without its marks, or a mark alone after '…'.

type GraphemeSegmenter = { segment(text: string): Iterable<{ segment: string }> };
type SegmenterConstructor = new (locale?: string, options?: { granularity: 'grapheme' }) => GraphemeSegmenter;

const Segmenter = (Intl as unknown as { Segmenter?: SegmenterConstructor }).Segmenter;
const segmenter = Segmenter ? new Segmenter('vi', { granularity: 'grapheme' }) : undefined;

/** The characters a reader sees (grapheme clusters): a letter with its combining marks is one. */
export function graphemes(text: string): string[] {
  if (segmenter) return Array.from(segmenter.segment(text), (s) => s.segment);
  // Without Intl.Segmenter: code points, each combining mark kept with the letter before it.
  const out: string[] = [];
  for (const ch of text) {
    if (out.length && /\p{M}/u.test(ch)) out[out.length - 1] += ch;
    else out.push(ch);
  }
  return out;
}

/** Spaces and the punctuation a cut name should not end on ('Vùng xoài, …' reads as a list). */
const TRAILING = /[\s,.;:·\-–—(/]+$/u;

/**
 * A name in at most `max` characters (graphemes): as it is when it fits, else cut after the last
 * whole word that ends in the last third of the room (else within a word) with '…' at the end.
 * Runs of white space count as one space.
 */
export function shortenName(text: string, max: number): string {
  const clean = text.replace(/\s+/gu, ' ').trim();
  const chars = graphemes(clean);
  if (chars.length <= max) return clean;
  let kept = chars.slice(0, Math.max(max - 1, 1));
  const space = kept.lastIndexOf(' ');
  if (space >= Math.ceil((kept.length * 2) / 3)) kept = kept.slice(0, space);
  return `${kept.join('').replace(TRAILING, '')}…`;
}

/** How many characters of a typed value a message quotes back: a pasted page would fill the panel. */
export const QUOTED_MAX = 40;

/** A typed value as an error or a hint quotes it: its start, with '…' when it is longer. */
export function quoted(value: string): string {
  return shortenName(value, QUOTED_MAX);
}

/**
 * The longest start of `text` that fits `width` with '…' after it (whole graphemes), by `measure`;
 * the text itself when it fits.
 */
export function ellipsizeToWidth(text: string, width: number, measure: (text: string) => number): string {
  if (measure(text) <= width) return text;
  const chars = graphemes(text);
  const cut = (n: number) => `${chars.slice(0, n).join('').replace(TRAILING, '')}…`;
  let low = 0;
  let high = chars.length - 1;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (measure(cut(mid)) <= width) low = mid;
    else high = mid - 1;
  }
  return cut(low);
}
