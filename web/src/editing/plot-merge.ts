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

/** A three-way merge of named fields: each taken from the side that changed it, a field both changed differently kept as `mine` has it. */
export type FieldMerge = {
  /** `mine` with the other side's changes taken in; a conflicting field keeps `mine`'s value. */
  values: Record<string, unknown>;
  /** Fields taken from the other side. */
  theirs: string[];
  /** Fields both sides changed differently (the officer's to decide). */
  conflicts: string[];
};

/** A crop and its variety: one side's crop with the other side's variety would name a durian plot 'Cát Chu' (a mango). */
const CROP_AND_VARIETY = ['crop', 'variety'];

/**
 * Merges the `keys` of `mine` and `theirs`, both made from `base`. A variety is a variety of its
 * crop: the two come from one side, so when one side changed one of them and the other side the
 * other, both are conflicts (the draft dossier's profile and a plot follow the same rule).
 */
export function mergeFields(
  keys: readonly string[],
  base: Record<string, unknown>,
  mine: Record<string, unknown>,
  theirs: Record<string, unknown>,
): FieldMerge {
  const conflicts: string[] = [];
  const fromTheirs: string[] = [];
  const values: Record<string, unknown> = { ...mine };
  for (const key of keys) {
    const b = norm(base[key]);
    const m = norm(mine[key]);
    const s = norm(theirs[key]);
    if (s === b || s === m) continue;
    if (m === b) {
      values[key] = theirs[key];
      fromTheirs.push(key);
    } else conflicts.push(key);
  }
  const onlyMine = (key: string) => norm(mine[key]) !== norm(base[key]) && norm(mine[key]) !== norm(theirs[key]);
  const pair = CROP_AND_VARIETY.filter((key) => keys.includes(key));
  if (pair.some((key) => fromTheirs.includes(key)) && pair.some(onlyMine))
    for (const key of pair) {
      values[key] = mine[key];
      if (fromTheirs.includes(key)) fromTheirs.splice(fromTheirs.indexOf(key), 1);
      if (!conflicts.includes(key)) conflicts.push(key);
    }
  return { values, theirs: fromTheirs, conflicts };
}

/** The merge of two plot sides: what to save with the conflicts settled the officer's way, what came from the server, what conflicted. */
function mergeSides(base: PlotSide, mine: PlotSide, theirs: PlotSide): PlotSide & { theirs: string[]; conflicts: string[] } {
  const { values, theirs: fromTheirs, conflicts } = mergeFields(WRITABLE, base.properties, mine.properties, theirs.properties);
  let geometry = mine.geometry;
  if (!sameGeometry(theirs.geometry, base.geometry) && !sameGeometry(theirs.geometry, mine.geometry)) {
    if (sameGeometry(mine.geometry, base.geometry)) {
      geometry = theirs.geometry;
      fromTheirs.push('geometry');
    } else conflicts.push('geometry');
  }
  return { geometry, properties: values, theirs: fromTheirs, conflicts };
}

/**
 * Merges the officer's edit (`mine`) into the server's current copy (`theirs`), both made from
 * `base` (what the editor read). Answers what to save, or the fields that need a decision.
 */
export function mergePlot(base: PlotSide, mine: PlotSide, theirs: PlotSide): PlotMerge {
  const { geometry, properties, theirs: fromTheirs, conflicts } = mergeSides(base, mine, theirs);
  return conflicts.length ? { kind: 'conflict', fields: conflicts } : { kind: 'merged', geometry, properties, theirs: fromTheirs };
}

/**
 * "Overwrite with mine" after a conflict: the officer's value for each field both sides changed
 * (and their outline, if both redrew it), the colleague's changes to everything else kept, the
 * outline included when only the colleague moved it. `theirs` names what was kept from the server.
 */
export function overwriteWithMine(base: PlotSide, mine: PlotSide, theirs: PlotSide): PlotSide & { theirs: string[] } {
  const { geometry, properties, theirs: fromTheirs } = mergeSides(base, mine, theirs);
  return { geometry, properties, theirs: fromTheirs };
}
