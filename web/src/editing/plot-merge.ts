// When an officer's save meets a 412 (the plot changed on the server since the editor read it), the
// two edits often touch different things: a colleague set the planting date while the officer
// redrew the outline, or the plot's farmer was renamed (which moves every one of their plots'
// versions and changes nothing the editor writes). A three-way merge, as version control and
// JOSM's conflict resolution do it, keeps both: each writable field and the outline are taken
// from the side that changed them. Only a field both sides changed to different values needs the
// officer's decision.
import type { Polygon } from 'geojson';
import { WRITABLE } from './plot-api.ts';

/** One side of the merge: the outline and the properties as that side holds them. */
export type PlotSide = { geometry: Polygon; properties: Record<string, unknown> };

export type PlotMerge =
  | { kind: 'merged'; geometry: Polygon; properties: Record<string, unknown>; /** Fields taken from the server's side. */ theirs: string[] }
  | { kind: 'conflict'; /** Fields (and 'geometry') both sides changed differently. */ fields: string[] };

/** A field's value as compared: empty, null and missing are one value; numbers and their digits are one value. */
const norm = (v: unknown): string => (v === undefined || v === null || v === '' ? '' : String(v));

// Outlines are compared by their coordinates; the server and the drawing layer both write numbers
// as JSON numbers, so an outline nobody touched compares equal to itself.
const sameGeometry = (a: Polygon, b: Polygon): boolean => JSON.stringify(a.coordinates) === JSON.stringify(b.coordinates);

/**
 * Merges the officer's edit (`mine`) into the server's current copy (`theirs`), both made from
 * `base` (what the editor read). Answers what to save, or the fields that need a decision.
 */
export function mergePlot(base: PlotSide, mine: PlotSide, theirs: PlotSide): PlotMerge {
  const conflicts: string[] = [];
  const fromTheirs: string[] = [];
  const properties: Record<string, unknown> = { ...mine.properties };
  for (const key of WRITABLE) {
    const b = norm(base.properties[key]);
    const m = norm(mine.properties[key]);
    const s = norm(theirs.properties[key]);
    if (s === b || s === m) continue;
    if (m === b) {
      properties[key] = theirs.properties[key];
      fromTheirs.push(key);
    } else conflicts.push(key);
  }
  // A variety is a variety of its crop: one side's crop with the other side's variety would save a
  // durian plot as 'Cát Chu' (a mango). The two come from one side, or the officer decides.
  const onlyMine = (key: string) =>
    norm(mine.properties[key]) !== norm(base.properties[key]) && norm(mine.properties[key]) !== norm(theirs.properties[key]);
  const cropAndVariety = ['crop', 'variety'];
  if (cropAndVariety.some((key) => fromTheirs.includes(key)) && cropAndVariety.some(onlyMine))
    for (const key of cropAndVariety) if (!conflicts.includes(key)) conflicts.push(key);
  let geometry = mine.geometry;
  if (!sameGeometry(theirs.geometry, base.geometry) && !sameGeometry(theirs.geometry, mine.geometry)) {
    if (sameGeometry(mine.geometry, base.geometry)) {
      geometry = theirs.geometry;
      fromTheirs.push('geometry');
    } else conflicts.push('geometry');
  }
  return conflicts.length ? { kind: 'conflict', fields: conflicts } : { kind: 'merged', geometry, properties, theirs: fromTheirs };
}
