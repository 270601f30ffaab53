import { describe, expect, it } from 'vitest';
import { keyStyleTiles, tilesForViewer, viewerKey } from './viewer-tiles.ts';

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

  it('keys every vector source of a style before the map has it, and leaves other sources alone', () => {
    const style = {
      sources: {
        bando: { type: 'vector', tiles: ['http://h/tiles/a/{z}/{x}/{y}?v=3'] },
        photo: { type: 'raster', tiles: ['http://h/photo/{z}/{x}/{y}.png'] },
        labels: { type: 'geojson' },
      },
    };
    keyStyleTiles(style, officer);
    expect(style.sources.bando.tiles).toEqual([`http://h/tiles/a/{z}/{x}/{y}?v=3&viewer=${viewerKey(officer)}`]);
    expect(style.sources.photo.tiles).toEqual(['http://h/photo/{z}/{x}/{y}.png']);
    expect(style.sources.labels).toEqual({ type: 'geojson' });
  });
});
