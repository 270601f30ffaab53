import { afterEach, describe, expect, it } from 'vitest';
import { FEATURE_FAULT, GEOMETRY_FAULT, type ImportProblemCommon } from '../../../server/contracts/import.ts';
import { en } from '../i18n/en.ts';
import { setLang, startLang } from '../i18n/i18n.ts';
import { vi } from '../i18n/vi.ts';
import { badFeatureText, faultPlace, geometryProblemText } from './import-reasons.ts';

// The i18n module sets <html lang> and remembers the choice; bare objects stand in here.
(globalThis as { document?: unknown }).document ??= { documentElement: {} };
(globalThis as { localStorage?: unknown }).localStorage ??= { getItem: () => null, setItem: () => undefined };
afterEach(() => startLang('vi'));

const ENGLISH_WORDS = /\b(is|the|not|lies|shell|points|intersection|nested|too|few)\b/i;

function problem(
  facts: { code: string } & Record<string, unknown>,
  common: Partial<ImportProblemCommon> = {},
): ImportProblemCommon & { code: string } & Record<string, unknown> {
  return { layer: 'thua', index: 3, severity: 'error', message: 'invalid geometry', ...common, ...facts };
}

describe('an invalid geometry in the officer’s words', () => {
  it('a self-intersection is told with where it is and what to do, in Vietnamese and in English', () => {
    const bowtie = problem(
      { code: 'INVALID_GEOMETRY', reason: 'Self-intersection', fault: GEOMETRY_FAULT.SELF_INTERSECTION },
      { location: { lon: 105.6312345, lat: 10.4598765, source: [105.631, 10.46] } },
    );
    expect(geometryProblemText(bowtie)).toBe(
      'Lỗi ranh tại 10.459877, 105.631235: ranh tự cắt nhau, hai cạnh bắt chéo (hình nơ). ' +
        'Sửa lại trong phần mềm đo đạc (hoặc QGIS) rồi nhập lại, hoặc bật “Tự sửa hình học”.',
    );
    setLang('en');
    expect(geometryProblemText(bowtie)).toBe(
      'Boundary fault at 10.459877, 105.631235: the boundary crosses itself, two edges cross (a bow tie). ' +
        'Fix it in the survey software (or QGIS) and import again, or turn on “Repair invalid geometry”.',
    );
  });

  it('every fault code has its own Vietnamese and English words, without GEOS’s English', () => {
    const seen = new Set<string>();
    for (const fault of Object.values(GEOMETRY_FAULT).filter((f) => f !== GEOMETRY_FAULT.OTHER)) {
      startLang('vi');
      const text = geometryProblemText(problem({ code: 'INVALID_GEOMETRY', reason: 'Something[1 2]', fault }));
      expect(text, fault).not.toMatch(ENGLISH_WORDS);
      expect(text, fault).not.toMatch(/\{\w+\}/);
      seen.add(text);
      setLang('en');
      const english = geometryProblemText(problem({ code: 'INVALID_GEOMETRY', reason: 'Something[1 2]', fault }));
      expect(english, fault).not.toBe(text);
      expect(english, fault).not.toMatch(/\{\w+\}/);
    }
    expect(seen.size).toBe(Object.values(GEOMETRY_FAULT).length - 1);
  });

  it('a reason no code knows shows GEOS’s own words, without the point', () => {
    const text = geometryProblemText(problem({ code: 'INVALID_GEOMETRY', reason: 'Topology Validation Error[1 2]', fault: 'other' }));
    expect(text).toContain('PostGIS báo “Topology Validation Error”');
    expect(text).not.toContain('[1 2]');
  });

  it('a report of an older server, with no fault code, is classified from GEOS’s text', () => {
    const old = problem({ code: 'UNREPAIRABLE', reason: 'Hole lies outside shell[105.6 10.4]', expected: 'polygon' });
    expect(geometryProblemText(old)).toBe(
      'Lỗi ranh: có lỗ (phần khoét) nằm ngoài ranh ngoài. Tự sửa không ra được một vùng hợp lệ: sửa lại trong phần mềm đo đạc rồi nhập lại.',
    );
    // A fault code the server sends but this client does not know yet falls back on the text too.
    const newer = problem({ code: 'REPAIRED', reason: 'Nested shells[1 1]', fault: 'some-future-fault' }, { severity: 'warning' });
    expect(geometryProblemText(newer)).toBe(
      'Đã tự sửa hình học (lỗi ranh: có một phần vùng nằm lọt trong phần khác của cùng đối tượng): xem lại hình dạng trên bản đồ.',
    );
  });

  it('a projected file’s point is given as its software shows it too; a point that is not finite is left out', () => {
    expect(faultPlace({ lon: 105.63, lat: 10.46, source: [1156789.123, 568771.25] })).toBe(
      ' tại 10.460000, 105.630000 (1156789.12; 568771.25 theo toạ độ của tệp)',
    );
    expect(faultPlace({ lon: 105.63, lat: 10.46, source: [105.63, 10.46] })).toBe(' tại 10.460000, 105.630000');
    expect(faultPlace({ lon: Number.NaN, lat: 1 })).toBe('');
    expect(faultPlace(undefined)).toBe('');
  });
});

describe('a record the reader could not read, in the officer’s words', () => {
  it('each reason names its fact: the value, the WKT character, the geometry type', () => {
    expect(badFeatureText(problem({ code: 'BAD_FEATURE', reason: FEATURE_FAULT.NOT_A_NUMBER, value: '105.6a' }))).toBe(
      'Toạ độ “105.6a” không phải là số: sửa ô này trong tệp.',
    );
    expect(badFeatureText(problem({ code: 'BAD_FEATURE', reason: FEATURE_FAULT.BAD_WKT, position: 42 }))).toContain('ký tự thứ 42');
    expect(
      badFeatureText(problem({ code: 'BAD_FEATURE', reason: FEATURE_FAULT.UNSUPPORTED_GEOMETRY_TYPE, geometryType: 'CIRCLE' })),
    ).toContain('“CIRCLE”');
    for (const reason of Object.values(FEATURE_FAULT).filter((r) => r !== FEATURE_FAULT.OTHER)) {
      startLang('vi');
      const text = badFeatureText(problem({ code: 'BAD_FEATURE', reason, value: 'x', position: 1, geometryType: 'X' }));
      expect(text, reason).not.toMatch(ENGLISH_WORDS);
      setLang('en');
      expect(badFeatureText(problem({ code: 'BAD_FEATURE', reason, value: 'x', position: 1, geometryType: 'X' })), reason).not.toBe(text);
    }
  });

  it('an unknown reason shows the reader’s sentence; a report with no reason the general words', () => {
    expect(badFeatureText(problem({ code: 'BAD_FEATURE', reason: 'other' }, { message: 'shape 4 is damaged' }))).toBe(
      'Đối tượng bị hỏng trong tệp, không đọc được (shape 4 is damaged).',
    );
    expect(badFeatureText(problem({ code: 'BAD_FEATURE' }, { message: 'shape 4 is damaged' }))).toBe(vi.importProblem_BAD_FEATURE);
    setLang('en');
    expect(badFeatureText(problem({ code: 'BAD_FEATURE' }))).toBe(en.importProblem_BAD_FEATURE);
  });
});
