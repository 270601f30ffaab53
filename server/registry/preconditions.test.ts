import { describe, expect, it } from 'vitest';
import { areaETag, ifMatchNames, readIfMatch, requireCurrentVersion, requireIfMatch } from './preconditions.ts';

describe('If-Match of a growing area edit', () => {
  it('the area read gives "id-version"; that tag, a features API tag with a viewer suffix, or * names the version', () => {
    expect(areaETag(12, 3)).toBe('"12-3"');
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

  it('no header is 428; a stale tag is 412 with the current tag; the current one passes', () => {
    expect(readIfMatch(undefined)).toBeNull();
    expect(() => requireIfMatch(null, 12)).toThrow(expect.objectContaining({ code: 'PRECONDITION_REQUIRED' }));
    expect(() => requireCurrentVersion(readIfMatch('"12-2"')!, 12, 3)).toThrow(
      expect.objectContaining({ code: 'PRECONDITION_FAILED', details: { currentETag: '"12-3"' } }),
    );
    expect(() => requireCurrentVersion(readIfMatch('"12-3"')!, 12, 3)).not.toThrow();
  });
});
