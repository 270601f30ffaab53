import { describe, expect, it } from 'vitest';
import { csvCell, readCsvText } from './csv.ts';

describe('csvCell and readCsvText', () => {
  it('put an apostrophe before a text cell a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('+84 912')).toBe(`'+84 912`);
    expect(csvCell('-2+3')).toBe(`'-2+3`);
    expect(csvCell('@SUM(A1)')).toBe(`'@SUM(A1)`);
    expect(csvCell('\tcmd')).toBe(`'\tcmd`);
    expect(csvCell('\rcmd')).toBe(`"'\rcmd"`);
  });

  it('leave numbers as numbers, negative ones and numbers as text included', () => {
    expect(csvCell(-12.5)).toBe('-12.5');
    expect(csvCell(-1e-7)).toBe('-1e-7');
    expect(csvCell('-12.5')).toBe('-12.5');
    expect(csvCell(0)).toBe('0');
    expect(csvCell(-3n)).toBe('-3');
  });

  it('leave plain text alone, and add one more apostrophe to text already starting with apostrophes before a formula sign', () => {
    expect(csvCell("Xoài 'Cát Chu'")).toBe("Xoài 'Cát Chu'");
    expect(csvCell("'Cát Chu")).toBe("'Cát Chu");
    expect(csvCell("'=x")).toBe("''=x");
    expect(csvCell(null)).toBe('');
  });

  it('read every cell back to the text it was', () => {
    for (const text of ['=HYPERLINK("x")', '+84', '-2+3', '@A', '\tcmd', "'=x", "''-y", "'Cát Chu", '-5', "'-5", 'Xoài'])
      expect(
        readCsvText(
          csvCell(text)
            .replace(/^"([\s\S]*)"$/, '$1')
            .replace(/""/g, '"'),
        ),
        JSON.stringify(text),
      ).toBe(text);
  });
});
