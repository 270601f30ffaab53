import type { Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';

// plot-api (the writable fields) loads the i18n module, which sets <html lang>: bare objects stand in.
(globalThis as { document?: unknown }).document ??= { documentElement: {} };
(globalThis as { localStorage?: unknown }).localStorage ??= { getItem: () => null, setItem: () => undefined };
const { mergeFields, mergePlot, overwriteWithMine } = await import('./plot-merge.ts');

const square = (x: number): Polygon => ({
  type: 'Polygon',
  coordinates: [
    [
      [105.6 + x, 10.4],
      [105.601 + x, 10.4],
      [105.601 + x, 10.401],
      [105.6 + x, 10.401],
      [105.6 + x, 10.4],
    ],
  ],
});
const base = {
  geometry: square(0),
  properties: { crop: 'mango', variety: 'Cát Chu', planting_date: '2024-03-01', farmer_id: 7, growing_area_id: null, version: 3 },
};

describe('merging an officer’s plot edit with the server’s newer copy', () => {
  it('keeps both when they changed different fields, taking each from the side that changed it', () => {
    const mine = { geometry: square(0), properties: { ...base.properties, variety: 'Hòa Lộc' } };
    const theirs = { geometry: square(0), properties: { ...base.properties, planting_date: '2024-04-15', version: 4 } };
    expect(mergePlot(base, mine, theirs)).toEqual({
      kind: 'merged',
      geometry: square(0),
      properties: { ...base.properties, variety: 'Hòa Lộc', planting_date: '2024-04-15' },
      theirs: ['planting_date'],
    });
  });

  it('takes the server’s outline when only the server redrew it, and the officer’s when only the officer did', () => {
    const theirs = { geometry: square(0.002), properties: base.properties };
    const untouched = mergePlot(base, { geometry: square(0), properties: base.properties }, theirs);
    expect(untouched).toMatchObject({ kind: 'merged', geometry: square(0.002), theirs: ['geometry'] });
    const redrawn = mergePlot(base, { geometry: square(0.001), properties: base.properties }, { ...theirs, geometry: square(0) });
    expect(redrawn).toMatchObject({ kind: 'merged', geometry: square(0.001), theirs: [] });
  });

  it('saves the officer’s edit as is when nothing the editor writes changed (a farmer renamed moves only the version)', () => {
    const mine = { geometry: square(0.001), properties: { ...base.properties, crop: 'longan', variety: '' } };
    const theirs = { geometry: square(0), properties: { ...base.properties, version: 9, farmer_name: 'Nguyễn Văn B' } };
    expect(mergePlot(base, mine, theirs)).toEqual({ kind: 'merged', geometry: square(0.001), properties: mine.properties, theirs: [] });
  });

  it('asks the officer about each field both sides changed to different values, the outline included', () => {
    const mine = { geometry: square(0.001), properties: { ...base.properties, variety: 'Hòa Lộc', crop: 'durian' } };
    const theirs = { geometry: square(0.002), properties: { ...base.properties, variety: 'Ba Màu', crop: 'durian' } };
    expect(mergePlot(base, mine, theirs)).toEqual({ kind: 'conflict', fields: ['variety', 'geometry'] });
  });

  it('never puts one side’s variety on the other side’s crop: the officer decides', () => {
    const noVariety = { ...base.properties, variety: null };
    // The colleague made the plot a durian one; the officer, still on the mango, named its variety.
    const mine = { geometry: square(0), properties: { ...noVariety, variety: 'Cát Chu' } };
    const theirs = { geometry: square(0), properties: { ...noVariety, crop: 'durian' } };
    expect(mergePlot({ ...base, properties: noVariety }, mine, theirs)).toEqual({ kind: 'conflict', fields: ['crop', 'variety'] });
    // And the other way round: the officer's new crop with the colleague's variety of the old one.
    const swapped = mergePlot(
      base,
      { geometry: square(0), properties: { ...base.properties, crop: 'durian' } },
      { geometry: square(0), properties: { ...base.properties, variety: 'Hòa Lộc' } },
    );
    expect(swapped).toEqual({ kind: 'conflict', fields: ['crop', 'variety'] });
    // The colleague's crop and variety together, the officer's planting date: both kept.
    const apart = mergePlot(
      base,
      { geometry: square(0), properties: { ...base.properties, planting_date: '2024-02-01' } },
      { geometry: square(0), properties: { ...base.properties, crop: 'durian', variety: 'Ri6' } },
    );
    expect(apart).toMatchObject({ kind: 'merged', properties: { crop: 'durian', variety: 'Ri6', planting_date: '2024-02-01' } });
    // Both made it a durian plot; the colleague also named the variety: one crop, so taken.
    const sameCrop = mergePlot(
      base,
      { geometry: square(0), properties: { ...base.properties, crop: 'durian' } },
      { geometry: square(0), properties: { ...base.properties, crop: 'durian', variety: 'Ri6' } },
    );
    expect(sameCrop).toMatchObject({ kind: 'merged', properties: { crop: 'durian', variety: 'Ri6' }, theirs: ['variety'] });
  });

  it('reads empty, null and missing as one value, and a number as its digits', () => {
    const mine = { geometry: square(0), properties: { ...base.properties, farmer_id: '7', growing_area_id: '' } };
    const theirs = { geometry: square(0), properties: { ...base.properties, growing_area_id: undefined } };
    expect(mergePlot(base, mine, theirs)).toMatchObject({ kind: 'merged', theirs: [] });
    // A field cleared on the server while the officer left it: cleared.
    const cleared = mergePlot(
      base,
      { geometry: square(0), properties: base.properties },
      { geometry: square(0), properties: { ...base.properties, variety: null } },
    );
    expect(cleared).toMatchObject({ kind: 'merged', theirs: ['variety'], properties: { variety: null } });
  });
});

describe('the crop-and-variety rule, shared by the plot merge and the draft dossier’s profile merge', () => {
  const fields = ['name', 'crop', 'variety', 'households'];
  const profile = { name: 'Vùng xoài Tân Thuận', crop: 'mango', variety: null, households: 4 };

  it('makes a crop and a variety changed by different sides one conflict naming both', () => {
    // The colleague made the dossier a durian one; the officer, still reading mango, named 'Cát Chu'.
    const merge = mergeFields(fields, profile, { ...profile, variety: 'Cát Chu' }, { ...profile, crop: 'durian' });
    expect(merge.conflicts).toEqual(['crop', 'variety']);
    expect(merge.theirs).toEqual([]);
    // Settled the officer's way, the pair is the officer's: no durian 'Cát Chu'.
    expect(merge.values).toMatchObject({ crop: 'mango', variety: 'Cát Chu' });
    const swapped = mergeFields(fields, profile, { ...profile, crop: 'durian' }, { ...profile, variety: 'Hòa Lộc' });
    expect(swapped.conflicts).toEqual(['crop', 'variety']);
  });

  it('merges the colleague’s crop and variety together with the officer’s other fields', () => {
    const merge = mergeFields(fields, profile, { ...profile, households: 6 }, { ...profile, crop: 'durian', variety: 'Ri6' });
    expect(merge).toEqual({
      values: { ...profile, households: 6, crop: 'durian', variety: 'Ri6' },
      theirs: ['crop', 'variety'],
      conflicts: [],
    });
  });

  it('leaves fields it is not given alone (a profile without a variety field)', () => {
    const merge = mergeFields(['name', 'crop'], profile, { ...profile, variety: 'Cát Chu' }, { ...profile, crop: 'durian' });
    expect(merge).toMatchObject({ conflicts: [], theirs: ['crop'] });
  });
});

describe('“overwrite with mine” after a conflict', () => {
  it('takes the officer’s value only where both changed, and keeps the colleague’s other changes and outline', () => {
    // Both changed the variety; the colleague also set the planting date and moved the outline.
    const mine = { geometry: square(0), properties: { ...base.properties, variety: 'Hòa Lộc' } };
    const theirs = {
      geometry: square(0.002),
      properties: { ...base.properties, variety: 'Ba Màu', planting_date: '2024-04-15', version: 4 },
    };
    expect(mergePlot(base, mine, theirs)).toEqual({ kind: 'conflict', fields: ['variety'] });
    expect(overwriteWithMine(base, mine, theirs)).toEqual({
      geometry: square(0.002),
      properties: { ...base.properties, variety: 'Hòa Lộc', planting_date: '2024-04-15' },
      theirs: ['planting_date', 'geometry'],
    });
  });

  it('takes the officer’s outline when both redrew it, and the officer’s crop and variety as a pair', () => {
    const mine = { geometry: square(0.001), properties: { ...base.properties, variety: 'Hòa Lộc' } };
    const theirs = {
      geometry: square(0.002),
      properties: { ...base.properties, crop: 'durian', variety: 'Ri6', expected_harvest: '2025-06-01' },
    };
    expect(mergePlot(base, mine, theirs)).toEqual({ kind: 'conflict', fields: ['variety', 'crop', 'geometry'] });
    const kept = overwriteWithMine(base, mine, theirs);
    // The crop and variety are one side's: the officer's mango 'Hòa Lộc', not a durian 'Hòa Lộc'.
    expect(kept.geometry).toEqual(square(0.001));
    expect(kept.properties).toMatchObject({ crop: 'mango', variety: 'Hòa Lộc', expected_harvest: '2025-06-01' });
    expect(kept.theirs).toEqual(['expected_harvest']);
  });
});
