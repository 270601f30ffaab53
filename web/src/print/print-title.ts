// The printed page's title in the band above the map: a long one (a growing area's name of 120
// characters) must stay inside the page, not run past its right edge.
import { ellipsizeToWidth } from '../ui/short-text.ts';
import { wrapText } from './print-legend.ts';

/** Type sizes of the title, mm: as large as fits on one line, down to the smallest, then two lines. */
export const TITLE_SIZE_MM = { largest: 6, smallest: 4.2 } as const;

/** How the title is set: its type size (mm) and its lines (one or two; the second ends in '…' when the rest did not fit). */
export type TitleLayout = { size: number; lines: string[] };

/**
 * Sets a title in `width` (the unit `measure` answers in, at a type size in mm): one line at the
 * largest size that fits it, else two lines at the smallest, the second cut with '…' (whole letters)
 * when even they do not hold it all.
 */
export function fitTitle(title: string, width: number, measure: (text: string, sizeMm: number) => number): TitleLayout {
  const text = title.replace(/\s+/gu, ' ').trim();
  for (let size: number = TITLE_SIZE_MM.largest; size >= TITLE_SIZE_MM.smallest - 1e-9; size = Math.round((size - 0.3) * 10) / 10) {
    if (measure(text, size) <= width) return { size, lines: [text] };
  }
  const size = TITLE_SIZE_MM.smallest;
  const at = (line: string) => measure(line, size);
  const lines = wrapText(text, width, at);
  if (lines.length <= 2) return { size, lines };
  return { size, lines: [lines[0]!, ellipsizeToWidth(lines.slice(1).join(' '), width, at)] };
}
