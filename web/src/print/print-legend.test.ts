import { describe, expect, it } from 'vitest';
import { layoutLegend, ROW_SIZE_MM, wrapText, type LegendEntry, type MeasureText } from './print-legend.ts';

// A monospaced stand-in for the canvas: each character half the type size wide (Noto Sans averages about that).
const measure: MeasureText = (text, size) => text.length * size * 0.5;

const NTD = 'NTD · Đất nghĩa trang, nhà tang lễ, cơ sở hỏa táng; đất cơ sở lưu trữ tro cốt';
const SON = 'SON · Đất có mặt nước dạng sông, ngòi, kênh, rạch, suối';
const row = (text: string): LegendEntry => ({ kind: 'row', text });

describe('the printed legend keeps every word', () => {
  it('wraps a long land-use name onto lines that give back the whole name', () => {
    const lines = wrapText(NTD, 40, (s) => measure(s, ROW_SIZE_MM, false));
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.join(' ')).toBe(NTD);
    for (const line of lines) expect(measure(line, ROW_SIZE_MM, false)).toBeLessThanOrEqual(40);
  });

  it('cuts a word longer than the line between letters and drops none', () => {
    const lines = wrapText('VN-87-866-29890-01-24-EXTRA', 10, (s) => s.length);
    expect(lines.join('')).toBe('VN-87-866-29890-01-24-EXTRA');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(10);
  });

  it('lays out the land-use rows of a landscape page whole, at full size, in its 62 mm column', () => {
    const entries: LegendEntry[] = [{ kind: 'heading', text: 'Thửa đất' }, row('LUC · Đất chuyên trồng lúa'), row(NTD), row(SON)];
    const layout = layoutLegend(entries, { columns: 1, columnWidth: 62, height: 100 }, measure);
    expect(layout.leftOut).toBe(0);
    expect(layout.size).toBe(ROW_SIZE_MM);
    expect(layout.placed.map((p) => p.lines.join(' '))).toEqual(entries.map((e) => e.text));
    expect(layout.placed.some((p) => p.lines.length > 1)).toBe(true);
    // Rows follow each other without overlapping.
    for (let i = 1; i < layout.placed.length; i++) {
      const prev = layout.placed[i - 1]!;
      expect(layout.placed[i]!.top).toBeGreaterThanOrEqual(prev.top + prev.lines.length * prev.lineHeight);
    }
  });

  it('makes the type smaller before leaving a row out, and fills the columns it has', () => {
    const entries = Array.from({ length: 10 }, (_, i) => row(`${i} · ${SON}`));
    const roomy = layoutLegend(entries.slice(0, 4), { columns: 2, columnWidth: 60, height: 40 }, measure);
    const tight = layoutLegend(entries, { columns: 2, columnWidth: 60, height: 40 }, measure);
    expect(roomy.size).toBe(ROW_SIZE_MM);
    expect(tight.leftOut).toBe(0);
    expect(tight.size).toBeLessThan(ROW_SIZE_MM);
    expect(new Set(tight.placed.map((p) => p.column))).toEqual(new Set([0, 1]));
    for (const p of tight.placed) expect(p.top + p.lines.length * p.lineHeight).toBeLessThanOrEqual(40);
    expect(tight.placed.map((p) => p.lines.join(' '))).toEqual(entries.map((e) => e.text));
  });

  it('says how many rows are left out only when even the smallest type cannot hold them, and never ends on a lone heading', () => {
    const entries: LegendEntry[] = [
      ...Array.from({ length: 60 }, (_, i) => row(`${i} · ${SON}`)),
      { kind: 'heading', text: 'Đường giao thông' },
      row('Quốc lộ'),
    ];
    const layout = layoutLegend(entries, { columns: 1, columnWidth: 60, height: 50 }, measure);
    expect(layout.leftOut).toBeGreaterThan(0);
    expect(layout.placed.length + layout.leftOut).toBe(61);
    const last = layout.placed[layout.placed.length - 1]!;
    expect(entries[last.index]!.kind).toBe('row');
    // Room is left under the last row for the line that says how many are missing.
    expect(last.top + last.lines.length * last.lineHeight + last.lineHeight).toBeLessThanOrEqual(50);
    for (const p of layout.placed) expect(p.lines.join(' ')).toBe(entries[p.index]!.text);
  });
});
