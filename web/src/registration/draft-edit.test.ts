import { describe, expect, it } from 'vitest';
import { GROWING_AREA_STATUSES } from '../../../server/domain/growing-area-lifecycle.ts';
import { parseWrite, readFeatureDocument } from '../../../server/ogc/feature-input.ts';
import { findCollection } from '../../../server/ogc/collections.ts';
import { isEditableDraft, pickStanding, profilePatch, reasonProblem, removalEffect, type ProfileEditField } from './draft-edit.ts';

const vegetable = { code: 'vegetable', name_vi: 'Rau màu', crop_type: 'annual' as const, min_area_m2: 1000 };
const members = [
  { id: 1, crop: 'vegetable', area_m2: 600 },
  { id: 2, crop: 'vegetable', area_m2: 500 },
];
const stored = {
  name: 'Vùng rau Tân Thuận',
  registrant_name: 'HTX Tân Thuận',
  scheme: 'domestic-3156',
  crop: 'vegetable',
  variety: null,
  technical_officer: 'Nguyễn Văn An',
  households: 12,
  expected_yield_tonnes: 12.5,
};
const typed = (over: Partial<Record<ProfileEditField, string>> = {}): Record<ProfileEditField, string> => ({
  name: 'Vùng rau Tân Thuận',
  registrant_name: 'HTX Tân Thuận',
  scheme: 'domestic-3156',
  crop: 'vegetable',
  variety: '',
  technical_officer: 'Nguyễn Văn An',
  households: '12',
  expected_yield_tonnes: '12,5',
  ...over,
});

describe('a draft card’s rules', () => {
  it('offers changes only while the area is a draft', () => {
    expect(GROWING_AREA_STATUSES.filter(isEditableDraft)).toEqual(['draft']);
  });

  it('says where a picked plot stands: member, free, let go by a closed area, or held by a live one', () => {
    expect(pickStanding(9, { growing_area_id: null })).toBe('free');
    expect(pickStanding(9, {})).toBe('free');
    expect(pickStanding(9, { growing_area_id: 9, areaStatus: 'draft' })).toBe('member');
    expect(pickStanding(9, { growing_area_id: 4, areaStatus: 'revoked' })).toBe('released');
    expect(pickStanding(9, { growing_area_id: 4, areaStatus: 'superseded' })).toBe('released');
    expect(pickStanding(9, { growing_area_id: 4, areaStatus: 'active' })).toBe('taken');
    // No status from the tile: the card cannot tell, and shows it as held (the server decides).
    expect(pickStanding(9, { growing_area_id: 4, areaStatus: null })).toBe('taken');
  });

  it('says when taking a plot out leaves the rest below the crop’s minimum, or none', () => {
    expect(removalEffect(vegetable, members, 2)).toEqual({ totalAfterM2: 600, minM2: 1000, breaks: true, lastPlot: false });
    expect(removalEffect(vegetable, [...members, { id: 3, crop: 'vegetable', area_m2: 450 }], 3)).toMatchObject({
      totalAfterM2: 1100,
      breaks: false,
    });
    expect(removalEffect(vegetable, [members[0]!], 1)).toEqual({ totalAfterM2: 0, minM2: 1000, breaks: true, lastPlot: true });
    // Areas arrive as numeric text from the registry (round(…)::numeric).
    expect(removalEffect(vegetable, [{ id: 1, crop: 'vegetable', area_m2: '700.5' as never }, members[1]!], 2).totalAfterM2).toBe(700.5);
    // The crop's own minimum missing: its type's (1 ha for a perennial).
    expect(removalEffect({ ...vegetable, crop_type: 'perennial', min_area_m2: null }, members, 1).minM2).toBe(10_000);
  });

  it('patches only what changed, trimmed, an emptied optional field as null and households as a number', () => {
    expect(profilePatch(stored, typed())).toEqual({ patch: {}, problems: [] });
    expect(
      profilePatch(stored, typed({ name: '  Vùng rau Tân Thuận 2 ', technical_officer: '', households: '15', variety: 'Cải ngọt' })),
    ).toEqual({
      patch: { name: 'Vùng rau Tân Thuận 2', technical_officer: null, households: 15, variety: 'Cải ngọt' },
      problems: [],
    });
    // An optional field empty before and after is not sent.
    expect(profilePatch({ ...stored, households: null }, typed({ households: '' })).patch).toEqual({});
  });

  it('refuses before sending what the server would refuse, by field', () => {
    const { patch, problems } = profilePatch(
      stored,
      typed({ name: '   ', registrant_name: '🥭🥭', technical_officer: 'HTX 🙂', households: '-3', variety: 'x'.repeat(101) }),
    );
    expect(problems).toEqual([
      { field: 'name', kind: 'required' },
      { field: 'registrant_name', kind: 'no-letter' },
      { field: 'variety', kind: 'too-long', max: 100 },
      { field: 'technical_officer', kind: 'pictograph' },
      { field: 'households', kind: 'invalid' },
    ]);
    expect(patch).toEqual({});
    expect(profilePatch(stored, typed({ households: '2.5' })).problems).toEqual([{ field: 'households', kind: 'invalid' }]);
    // The yield in tonnes: one decimal, with a comma or a point; no words, no negative, no second decimal.
    expect(profilePatch(stored, typed({ expected_yield_tonnes: '12.5' })).patch).toEqual({});
    expect(profilePatch(stored, typed({ expected_yield_tonnes: '40,2' })).patch).toEqual({ expected_yield_tonnes: 40.2 });
    expect(profilePatch(stored, typed({ expected_yield_tonnes: '' })).patch).toEqual({ expected_yield_tonnes: null });
    for (const bad of ['nhiều', '-3', '1,25', '1e9', '123456789'])
      expect(profilePatch(stored, typed({ expected_yield_tonnes: bad })).problems, bad).toEqual([
        { field: 'expected_yield_tonnes', kind: 'invalid' },
      ]);
    expect(profilePatch(stored, typed({ scheme: 'export-xyz' })).problems).toEqual([{ field: 'scheme', kind: 'invalid' }]);
    expect(profilePatch(stored, typed({ crop: '' })).problems).toEqual([{ field: 'crop', kind: 'required' }]);
  });

  it('reads the features API’s own refusals of the profile’s fields', () => {
    const areas = findCollection('growing_areas')!;
    // What the features API answers for these properties of a new growing area (the others left out: only these fields' reasons).
    const reasonsOf = (properties: Record<string, unknown>): unknown[] =>
      parseWrite(areas, readFeatureDocument({ type: 'Feature', geometry: null, properties }), null, {
        geometryChanged: false,
      }).reasons.filter((r) => (r as { property?: string }).property! in properties);
    const [noLetter] = reasonsOf({ name: '1234' });
    expect(reasonProblem(noLetter)).toEqual({ field: 'name', kind: 'no-letter' });
    const [emoji] = reasonsOf({ registrant_name: 'HTX 🙂' });
    expect(reasonProblem(emoji)).toEqual({ field: 'registrant_name', kind: 'pictograph' });
    const [long] = reasonsOf({ variety: 'x'.repeat(500) });
    expect(reasonProblem(long)).toEqual({ field: 'variety', kind: 'too-long', max: 100 });
    const [households] = reasonsOf({ households: 'many' });
    expect(reasonProblem(households)).toEqual({ field: 'households', kind: 'invalid' });
    // A reason about no field of the form, or not a reason at all.
    expect(reasonProblem({ code: 'PLOT_CROP_MISMATCH', property: 'crop', plotCrops: ['mango'] })).toBeUndefined();
    expect(reasonProblem({ code: 'INVALID_PROPERTY', property: 'commune_code' })).toBeUndefined();
    expect(reasonProblem('name: bad')).toBeUndefined();
  });
});
