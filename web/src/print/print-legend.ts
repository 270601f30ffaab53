// Where each legend row goes on the printed page, in millimetres: pure layout, print-map.ts draws it.
// A planner reads the full land-use names on paper ('Đất nghĩa trang, nhà tang lễ, cơ sở hỏa táng;
// đất cơ sở lưu trữ tro cốt'), so a row's words are wrapped onto as many lines as they need, never
// cut; rows that do not fit make the type smaller (down to a size still read on A4) before any row
// is left out.

/** A group's heading or a row (its swatch drawn left of the text). */
export type LegendEntry = { kind: 'heading' | 'row'; text: string };

/** The width in millimetres of a text at a type size in millimetres, bold or not (the canvas's measureText). */
export type MeasureText = (text: string, sizeMm: number, bold: boolean) => number;

/** One entry placed: its column, the top of its first line, its lines as drawn, and its type size (mm). */
export type PlacedEntry = { index: number; column: number; x: number; top: number; lines: string[]; size: number; lineHeight: number };

/** The legend laid out in its box. */
export type LegendLayout = {
  /** The type size of rows, mm (headings are a little larger). */
  size: number;
  /** Top-left of the swatch relative to the row's x; the text starts at `textIndent`. */
  textIndent: number;
  swatch: { w: number; h: number };
  placed: PlacedEntry[];
  /** Entries that did not fit even at the smallest type (the page says how many). */
  leftOut: number;
};

/** Rows' type on the page, mm: 2.9 mm (8.2 pt) as before, no smaller than 2 mm (5.7 pt, still read on A4). */
export const ROW_SIZE_MM = 2.9;
const MIN_SCALE = 0.69;

/** Splits text into lines no wider than `width`, at spaces; a word wider than the line is split between letters. */
export function wrapText(text: string, width: number, measure: (s: string) => number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (measure(next) <= width) {
      line = next;
      continue;
    }
    if (line) lines.push(line);
    line = word;
    // A single word longer than the line (a long code): cut between letters, nothing dropped.
    while (measure(line) > width && line.length > 1) {
      let cut = line.length - 1;
      while (cut > 1 && measure(line.slice(0, cut)) > width) cut--;
      lines.push(line.slice(0, cut));
      line = line.slice(cut);
    }
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * Lays entries out top to bottom in `columns` columns of `columnWidth` each and `height` high
 * (all mm), at the largest type from ROW_SIZE_MM down that fits them all; a heading never ends
 * a column alone.
 */
export function layoutLegend(
  entries: readonly LegendEntry[],
  box: { columns: number; columnWidth: number; height: number },
  measure: MeasureText,
): LegendLayout {
  let best: LegendLayout | undefined;
  for (let scale = 1; scale >= MIN_SCALE - 1e-9; scale -= 0.05) {
    const layout = place(entries, box, measure, scale);
    if (layout.leftOut === 0) return layout;
    if (!best || layout.leftOut < best.leftOut) best = layout;
  }
  return best!;
}

function place(
  entries: readonly LegendEntry[],
  box: { columns: number; columnWidth: number; height: number },
  measure: MeasureText,
  scale: number,
): LegendLayout {
  const size = ROW_SIZE_MM * scale;
  const swatch = { w: 5.5 * scale, h: 3.4 * scale };
  const textIndent = swatch.w + 1.5 * scale;
  const lineHeight = size * 1.25;
  const gap = size * 0.4;
  const placed: PlacedEntry[] = [];
  const wrapped = entries.map((e) => {
    const bold = e.kind === 'heading';
    const s = bold ? size * 1.05 : size;
    const width = box.columnWidth - (bold ? 0 : textIndent) - 1;
    return { lines: wrapText(e.text, width, (t) => measure(t, s, bold)), size: s };
  });
  // Height of an entry: its lines, and the space before the next (a heading's is a little more).
  const heightOf = (i: number) => wrapped[i]!.lines.length * lineHeight + (entries[i]!.kind === 'heading' ? gap * 0.5 : gap);
  let column = 0;
  let y = 0;
  let i = 0;
  for (; i < entries.length; i++) {
    const need = heightOf(i) + (entries[i]!.kind === 'heading' && i + 1 < entries.length ? heightOf(i + 1) : 0);
    if (y > 0 && y + need > box.height) {
      if (column + 1 >= box.columns) break;
      column++;
      y = 0;
    }
    if (y + need > box.height && y === 0 && need > box.height) break;
    placed.push({
      index: i,
      column,
      x: column * box.columnWidth,
      top: y,
      lines: wrapped[i]!.lines,
      size: wrapped[i]!.size,
      lineHeight,
    });
    y += heightOf(i);
  }
  if (i < entries.length) {
    // Room for the line that says how many rows are left out, and no heading left above it.
    while (placed.length) {
      const last = placed[placed.length - 1]!;
      const end = last.top + heightOf(last.index);
      if (last.column === box.columns - 1 && end + lineHeight > box.height) placed.pop();
      else if (entries[last.index]!.kind === 'heading') placed.pop();
      else break;
    }
    i = placed.length ? placed[placed.length - 1]!.index + 1 : 0;
  }
  return { size, textIndent, swatch, placed, leftOut: entries.slice(i).filter((e) => e.kind === 'row').length };
}
