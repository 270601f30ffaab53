import { describe, expect, it } from 'vitest';
import type { Viewer } from '../contracts/viewer.ts';
import { areaETag, ifMatchNames, readIfMatch, requireCurrentVersion, requireIfMatch } from './preconditions.ts';

const officer: Viewer = { userId: 7, role: 'officer', communes: ['29869', '29884'], farmerId: null, via: 'bearer' };

describe('If-Match of a growing area edit', () => {
  it('the read gives "id-version.scope", one tag per viewer scope (the communes in any order give the same)', () => {
    const tag = areaETag(12, 3, officer);
    expect(tag).toMatch(/^"12-3\.[A-Za-z0-9_-]{8}"$/);
    expect(areaETag(12, 3, { ...officer, communes: ['29884', '29869'] })).toBe(tag);
    expect(areaETag(12, 3, { ...officer, communes: ['29869'] })).not.toBe(tag);
    expect(areaETag(12, 3, { ...officer, role: 'admin', communes: [] })).not.toBe(tag);
  });

  it('any viewer’s tag of the version, the features API’s plain "id-version", or * names it', () => {
    expect(ifMatchNames(readIfMatch(areaETag(12, 3, officer))!, 12, 3)).toBe(true);
    expect(ifMatchNames(readIfMatch('"12-3"')!, 12, 3)).toBe(true);
    expect(ifMatchNames(readIfMatch('"9-1", "12-3.AbCd_-12"')!, 12, 3)).toBe(true);
    expect(ifMatchNames(readIfMatch(['"9-1"', '"12-3"'])!, 12, 3)).toBe(true);
    expect(ifMatchNames(readIfMatch(' * ')!, 12, 3)).toBe(true);
  });

  it('another version, another area, a weak tag, an unquoted tag or junk names none', () => {
    for (const header of ['"12-2"', '"13-3"', 'W/"12-3"', '12-3', '"12-3.short"', '"12-3-4"', '', '"', `"${'9'.repeat(5000)}-3"`]) {
      expect(ifMatchNames(readIfMatch(header)!, 12, 3), header).toBe(false);
    }
  });

  it('no header is 428; a stale tag is 412 with the current tag as the viewer reads it; the current one passes', () => {
    expect(readIfMatch(undefined)).toBeNull();
    expect(() => requireIfMatch(null, 12)).toThrow(expect.objectContaining({ code: 'PRECONDITION_REQUIRED' }));
    expect(() => requireCurrentVersion(readIfMatch('"12-2"')!, 12, 3, officer)).toThrow(
      expect.objectContaining({ code: 'PRECONDITION_FAILED', details: { currentETag: areaETag(12, 3, officer) } }),
    );
    expect(() => requireCurrentVersion(readIfMatch('"12-3"')!, 12, 3, officer)).not.toThrow();
  });
});
