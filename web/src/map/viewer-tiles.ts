// Tiles differ by who asks (a ward officer's tiles carry the drafts of their wards, a farmer's their
// own plots' attributes) while the tile URL does not: the server reads the session cookie. The
// browser's HTTP cache and MapLibre keep tiles by URL, so after a sign-in the map could go on
// drawing (and picking from) the guest's copy. A key of the viewer in the URL keeps each viewer's
// tiles apart, and changing it makes MapLibre fetch every tile again.

/** Who the tiles are for: a role and a username, or nobody (a guest). */
export type TileViewer = { role: string; username: string } | undefined;

/** A short, stable key of the viewer (FNV-1a of role and username, base 36; 'guest' for nobody), so no name is put in URLs or logs. */
export function viewerKey(viewer: TileViewer): string {
  if (!viewer) return 'guest';
  let hash = 0x811c9dc5;
  for (const char of `${viewer.role}:${viewer.username}`) {
    hash ^= char.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36);
}

/** The tile URL templates with the viewer's key as the `viewer` query parameter (replacing one already there). */
export function tilesForViewer(tiles: readonly string[], viewer: TileViewer): string[] {
  const key = viewerKey(viewer);
  return tiles.map((template) => {
    const [path = '', query] = template.split('?', 2);
    const params = (query ?? '').split('&').filter((p) => p && !p.startsWith('viewer='));
    return `${path}?${[...params, `viewer=${key}`].join('&')}`;
  });
}

/** Puts the viewer's key into every vector source's tile URLs of a style not yet given to the map. */
export function keyStyleTiles(style: { sources: Record<string, { type: string; tiles?: string[] }> }, viewer: TileViewer): void {
  for (const source of Object.values(style.sources)) {
    if (source.type === 'vector' && source.tiles) source.tiles = tilesForViewer(source.tiles, viewer);
  }
}
