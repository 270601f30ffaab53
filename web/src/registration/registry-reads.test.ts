import { describe, expect, it } from 'vitest';
import { viewerKey } from '../map/viewer-tiles.ts';
import { keptUrl } from './registry-reads.ts';

describe('registry reads kept per viewer', () => {
  const officer = { role: 'officer', username: 'officer' };

  it("an officer's read of an area carries the officer's key, the same key as the officer's tiles", () => {
    expect(keptUrl('/api/growing-areas/12', officer)).toBe(`/api/growing-areas/12?viewer=${viewerKey(officer)}`);
    expect(keptUrl('/api/growing-areas/12/history', officer)).toMatch(/^\/api\/growing-areas\/12\/history\?viewer=[0-9a-z]+$/);
  });

  it("nobody signed in reads under 'guest' (which the worker never keeps), and a query already there keeps its parameters", () => {
    expect(keptUrl('/api/growing-areas/12', undefined)).toBe('/api/growing-areas/12?viewer=guest');
    expect(keptUrl('/api/growing-areas/12/inspections?limit=5', officer)).toBe(
      `/api/growing-areas/12/inspections?limit=5&viewer=${viewerKey(officer)}`,
    );
  });
});
