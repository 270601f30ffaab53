import { describe, expect, it } from 'vitest';
import { tilesForViewer, viewerKey } from './viewer-tiles.ts';

describe('tile URLs per viewer', () => {
  const officer = { role: 'officer', username: 'officer' };

  it('a guest, an officer and another officer of the same name but another role get three different keys', () => {
    const keys = new Set([viewerKey(undefined), viewerKey(officer), viewerKey({ role: 'admin', username: 'officer' })]);
    expect(keys.size).toBe(3);
    expect(viewerKey(undefined)).toBe('guest');
  });

  it('the key is the same for the same viewer on every call and carries no name', () => {
    expect(viewerKey(officer)).toBe(viewerKey({ ...officer }));
    expect(viewerKey(officer)).toMatch(/^[0-9a-z]{1,7}$/);
    expect(viewerKey({ role: 'farmer', username: 'Nguyễn Văn An' })).not.toContain('Nguy');
  });

  it('adds the key beside the data version, keeping the {z}/{x}/{y} template, and replaces an earlier key', () => {
    const template = 'http://h/tiles/water,parcels/{z}/{x}/{y}?v=9';
    const signedIn = tilesForViewer([template], officer);
    expect(signedIn).toEqual([`http://h/tiles/water,parcels/{z}/{x}/{y}?v=9&viewer=${viewerKey(officer)}`]);
    expect(tilesForViewer(signedIn, undefined)).toEqual(['http://h/tiles/water,parcels/{z}/{x}/{y}?v=9&viewer=guest']);
    expect(tilesForViewer(['http://h/tiles/a/{z}/{x}/{y}'], undefined)).toEqual(['http://h/tiles/a/{z}/{x}/{y}?viewer=guest']);
  });
});
