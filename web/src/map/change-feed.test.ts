import { describe, expect, it } from 'vitest';
import { changedBoxes, membersOf, refreshPlan, tileTouches, tilesOver, zoomsShown } from './change-feed.ts';

const lonOf = (x: number, z: number) => (x / 2 ** z) * 360 - 180;
const latOf = (y: number, z: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * y) / 2 ** z))) * 180) / Math.PI;
/** The box of tile z/x/y, shrunk by `inset` of its width on every side. */
const boxOf = (z: number, x: number, y: number, inset = 0.25): [number, number, number, number] => {
  const w = lonOf(x, z);
  const e = lonOf(x + 1, z);
  const n = latOf(y, z);
  const s = latOf(y + 1, z);
  return [w + (e - w) * inset, s + (n - s) * inset, e - (e - w) * inset, n - (n - s) * inset];
};

describe('the change feed, read by the map', () => {
  it('finds the tile sources of a tile URL, composites included', () => {
    expect(membersOf('http://h/tiles/parcels/{z}/{x}/{y}?v=3&viewer=guest')).toEqual(['parcels']);
    expect(membersOf('/tiles/parcels,roads,water/{z}/{x}/{y}')).toEqual(['parcels', 'roads', 'water']);
    expect(membersOf('/tiles/parcels%2Croads/{z}/{x}/{y}')).toEqual(['parcels', 'roads']);
    expect(membersOf('http://h/ogc/collections/plots/items')).toEqual([]);
    expect(membersOf('::not a url')).toEqual([]);
  });

  it('refreshes the tile under a change, and its neighbours only when the change reaches their buffer', () => {
    expect(tilesOver(boxOf(16, 52000, 30850), 16)).toEqual([{ x: 52000, y: 30850, z: 16 }]);
    // A change touching the tile's east edge is drawn in the east neighbour's buffer too.
    const [w, s, e, n] = boxOf(16, 52000, 30850);
    const edge = lonOf(52001, 16);
    expect(tilesOver([w, s, edge - 1e-9, n], 16)).toEqual([
      { x: 52000, y: 30850, z: 16 },
      { x: 52001, y: 30850, z: 16 },
    ]);
    expect(tilesOver([w, s, e, n], 14)).toEqual([{ x: 13000, y: 7712, z: 14 }]);
    // Past the limit: undefined, the caller refreshes the source's tiles all at once.
    expect(tilesOver([105, 10, 106, 11], 16)).toBeUndefined();
    expect(tilesOver([NaN, 10, 106, 11], 16)).toBeUndefined();
  });

  it('looks at the zooms the map may hold: the ideal one and its parents and children, inside the source', () => {
    expect(zoomsShown(16.4, 0, 22)).toEqual([15, 16, 17]);
    expect(zoomsShown(19.2, 13, 18)).toEqual([18]);
    expect(zoomsShown(8.7, 10, 18)).toEqual([10]);
  });

  it('plans per map source: only sources carrying a changed one, and all of a source past 64 tiles', () => {
    const followers = [
      { id: 'parcels', members: new Set(['parcels']), minzoom: 13, maxzoom: 18 },
      { id: 'shown', members: new Set(['plots', 'growing_areas', 'roads']), minzoom: 8, maxzoom: 18 },
      { id: 'water', members: new Set(['water']), minzoom: 8, maxzoom: 18 },
    ];
    const box = boxOf(16, 52000, 30850);
    const plan = refreshPlan([{ sources: ['plots', 'growing_areas'], boxes: [box] }], followers, 16.2);
    expect([...plan.keys()]).toEqual(['shown']);
    expect(plan.get('shown')).toEqual([
      { x: 26000, y: 15425, z: 15 },
      { x: 52000, y: 30850, z: 16 },
      { x: 104000, y: 61700, z: 17 },
      { x: 104000, y: 61701, z: 17 },
      { x: 104001, y: 61700, z: 17 },
      { x: 104001, y: 61701, z: 17 },
    ]);
    const wide = refreshPlan([{ sources: ['parcels'], boxes: [[105.5, 10.3, 105.8, 10.6]] }], followers, 16);
    expect(wide.get('parcels')).toBe('all');
    expect(wide.has('water')).toBe(false);
  });

  it('names the same tiles as touched by a change, at any zoom, as it refreshes: kept copies of them are forgotten', () => {
    const [w, s, , n] = boxOf(16, 52000, 30850);
    const edge = lonOf(52001, 16);
    const boxes: [number, number, number, number][] = [
      boxOf(16, 52000, 30850),
      [w, s, edge - 1e-9, n],
      [105.6, 10.4, 105.64, 10.47],
      [105.63, 10.455, 105.6301, 10.4551],
    ];
    for (const box of boxes) {
      for (const z of [12, 14, 15, 16, 17, 18]) {
        const over = tilesOver(box, z, 10_000)!;
        const named = new Set(over.map((t) => `${t.x}/${t.y}`));
        // Every tile tilesOver names touches the box, and the ring of tiles around them does not.
        expect(over.every((t) => tileTouches(t, box))).toBe(true);
        const xs = over.map((t) => t.x);
        const ys = over.map((t) => t.y);
        for (let x = Math.min(...xs) - 1; x <= Math.max(...xs) + 1; x++) {
          for (let y = Math.min(...ys) - 1; y <= Math.max(...ys) + 1; y++) {
            if (!named.has(`${x}/${y}`)) expect(tileTouches({ x, y, z }, box), `${z}/${x}/${y}`).toBe(false);
          }
        }
      }
    }
    const followers = [
      { id: 'parcels', members: new Set(['parcels']), minzoom: 13, maxzoom: 18 },
      { id: 'shown', members: new Set(['plots', 'growing_areas']), minzoom: 8, maxzoom: 18 },
    ];
    const a = boxOf(16, 52000, 30850);
    const b = boxOf(16, 52003, 30851);
    expect(
      changedBoxes(
        [
          { sources: ['plots'], boxes: [a] },
          { sources: ['growing_areas', 'water'], boxes: [b] },
        ],
        followers,
      ),
    ).toEqual(new Map([['shown', [a, b]]]));
  });
});
