import { afterEach, describe, expect, it } from 'vitest';
import { startLang } from '../i18n/i18n.ts';
import { AREA_RULE_REASONS, type CropRule } from '../../../server/domain/growing-area-rules.ts';
import { assembleTally, draftPickTally, heldElsewhere, pickedPlotWords } from './pick-tally.ts';

const vegetable: CropRule = { code: 'vegetable', name_vi: 'Rau màu', crop_type: 'annual', min_area_m2: 1000 };
const mango: CropRule = { code: 'mango', name_vi: 'Xoài', crop_type: 'perennial', min_area_m2: null };
const rules = new Map([
  ['vegetable', vegetable],
  ['mango', mango],
]);
const ruleOf = (code: string) => rules.get(code);

const free = { id: 1, crop: 'vegetable', area_m2: 600, growing_area_id: null, areaStatus: null };
const released = { id: 2, crop: 'vegetable', area_m2: 300, growing_area_id: 7, areaStatus: 'revoked' };
const held = { id: 3, crop: 'vegetable', area_m2: 900, growing_area_id: 8, areaStatus: 'active' };

describe('what the plots picked for a new growing area come to', () => {
  it('tells another live area’s plot from a free one and one a revoked or superseded area let go', () => {
    expect(heldElsewhere(free)).toBe(false);
    expect(heldElsewhere({ id: 1, crop: 'x', area_m2: 1 })).toBe(false);
    expect(heldElsewhere(released)).toBe(false);
    expect(heldElsewhere({ ...released, areaStatus: 'superseded' })).toBe(false);
    expect(heldElsewhere(held)).toBe(true);
    // No status from the tile: counted as held (the server decides, the card promises nothing).
    expect(heldElsewhere({ ...held, areaStatus: null })).toBe(true);
  });

  it('leaves a live area’s plot out of the total and the verdict, and counts it apart', () => {
    // 600 + 300 m² taken is below vegetable's 1000 m²; with the held 900 m² it would have reached it.
    const tally = assembleTally([free, held, released], ruleOf);
    expect(tally.taken.map((p) => p.id)).toEqual([1, 2]);
    expect(tally.held.map((p) => p.id)).toEqual([3]);
    expect(tally.totalM2).toBe(900);
    expect(tally.reachesMinimum).toBe(false);
    expect(tally.verdict).toMatchObject({ valid: false, reason: AREA_RULE_REASONS.TOO_SMALL });
    expect(tally.mixed).toBe(false);
  });

  it('takes the crop from the first plot it may take, so a held plot of another crop makes no mix', () => {
    const heldMango = { ...held, crop: 'mango' };
    const tally = assembleTally([heldMango, free, { ...free, id: 4, area_m2: 500 }], ruleOf);
    expect(tally.cropCode).toBe('vegetable');
    expect(tally.mixed).toBe(false);
    expect(tally.verdict).toEqual({ valid: true });
    expect(tally.totalM2).toBe(1100);
    // Only held plots: nothing to take, the crop still named by the first picked.
    expect(assembleTally([heldMango], ruleOf)).toMatchObject({ taken: [], cropCode: 'mango', totalM2: 0, reachesMinimum: false });
  });

  it('says a mix of the crops it may take, and no verdict before the catalogue is in', () => {
    const mixed = assembleTally([free, { ...free, id: 5, crop: 'mango', area_m2: 20_000 }], ruleOf);
    expect(mixed.mixed).toBe(true);
    expect(mixed.verdict).toMatchObject({ valid: false, reason: AREA_RULE_REASONS.CROP_MISMATCH });
    expect(assembleTally([free], () => undefined)).toMatchObject({ crop: undefined, verdict: undefined, reachesMinimum: undefined });
    expect(assembleTally([], ruleOf)).toMatchObject({ taken: [], held: [], cropCode: undefined, verdict: undefined });
  });
});

describe('what the plots picked for a draft come to', () => {
  // A mango draft #9 of 6000 m² (numeric text, as the registry answers) against mango's 1 ha.
  const draft = { id: 9, crop: mango, plots: [{ area_m2: '6000' }] };
  const mangoFree = { id: 11, crop: 'mango', area_m2: 3000, growing_area_id: null, areaStatus: null };
  const mangoHeld = { id: 12, crop: 'mango', area_m2: 5000, growing_area_id: 8, areaStatus: 'issued' };
  const member = { id: 13, crop: 'mango', area_m2: 6000, growing_area_id: 9, areaStatus: 'draft' };
  const vegetableFree = { id: 14, crop: 'vegetable', area_m2: 2000, growing_area_id: null, areaStatus: null };

  it('counts and sends only the plots the server will take, and totals the dossier with them', () => {
    const tally = draftPickTally(draft, [mangoFree, mangoHeld, member, vegetableFree], new Set());
    // What 'Đã chọn' counts and 'Thêm' sends: the free mango plot alone; the member is neither.
    expect(tally.accepted.map((p) => p.id)).toEqual([11]);
    expect(tally.acceptedM2).toBe(3000);
    // Another live area's plot and another crop's are counted apart, in the order picked.
    expect(tally.refused.map((p) => p.id)).toEqual([12, 14]);
    // 6000 + 3000: the held plot's 5000 m² would have made it 1.4 ha.
    expect(tally).toMatchObject({ totalM2: 9000, minM2: 10_000, ok: false });
  });

  it('counts a plot the server’s last answer refused apart, and a let-go plot in', () => {
    const released = { ...mangoHeld, id: 15, areaStatus: 'revoked' };
    const before = draftPickTally(draft, [mangoFree, released], new Set());
    expect(before.accepted.map((p) => p.id)).toEqual([11, 15]);
    expect(before).toMatchObject({ acceptedM2: 8000, totalM2: 14_000, ok: true });
    const after = draftPickTally(draft, [mangoFree, released], new Set([15]));
    expect(after.accepted.map((p) => p.id)).toEqual([11]);
    expect(after.refused.map((p) => p.id)).toEqual([15]);
    expect(after).toMatchObject({ acceptedM2: 3000, totalM2: 9000, ok: false });
  });

  it('has nothing to send when every plot picked would be refused or is the draft’s already', () => {
    const tally = draftPickTally(draft, [mangoHeld, member], new Set());
    expect(tally.accepted).toEqual([]);
    expect(tally.refused.map((p) => p.id)).toEqual([12]);
    expect(tally).toMatchObject({ acceptedM2: 0, totalM2: 6000 });
  });
});

describe('the two bars count alike', () => {
  // The same picks, free, released and held, for a new vegetable area and for a vegetable draft of 500 m²:
  // both count the same plots as chosen (and send them), and both leave the held one apart.
  const vegetableDraft = { id: 20, crop: vegetable, plots: [{ area_m2: 500 }] };
  it('counts as chosen exactly the plots each will send, and the held plot apart in both', () => {
    const picks = [free, held, released];
    const assembled = assembleTally(picks, ruleOf);
    const drafted = draftPickTally(vegetableDraft, picks, new Set());
    expect(drafted.accepted.map((p) => p.id)).toEqual(assembled.taken.map((p) => p.id));
    expect(drafted.refused.map((p) => p.id)).toEqual(assembled.held.map((p) => p.id));
    expect(drafted.acceptedM2).toBe(assembled.totalM2);
  });
});

// startLang sets the page's lang attribute: a bare stand-in for the page under Node.
(globalThis as { document?: unknown }).document ??= { documentElement: {} };

describe('a picked plot’s name in the lists', () => {
  afterEach(() => startLang('vi'));

  it('names it by its parcel and farmer before crop and area, without the record id', () => {
    startLang('vi');
    const plot = { ...free, area_m2: 77.4, farmer_name: 'Nguyễn Văn An', parcel: { sheet: 12, parcel: 345 } };
    expect(pickedPlotWords(plot, 'Xoài')).toBe('Tờ 12 thửa 345 · Nguyễn Văn An · Xoài · 77 m²');
    startLang('en');
    expect(pickedPlotWords({ ...plot, area_m2: 1234 }, 'Mango')).toBe('Sheet 12 parcel 345 · Nguyễn Văn An · Mango · 1,234 m²');
    // With the commune of its survey, as the registry names it: the numbers repeat across the old communes of a ward.
    const named = { ...plot, parcel: { sheet: 12, parcel: 345, commune: '29890', communeName: 'Xã Tân Thuận Tây', communeFormer: true } };
    expect(pickedPlotWords(named, 'Mango')).toBe('Sheet 12 parcel 345, former Xã Tân Thuận Tây · Nguyễn Văn An · Mango · 77 m²');
    startLang('vi');
    expect(pickedPlotWords(named, 'Xoài')).toBe('Tờ 12 thửa 345, Xã Tân Thuận Tây cũ · Nguyễn Văn An · Xoài · 77 m²');
  });

  it('leaves out what is not known: no parcel under it, a farmer the viewer may not see', () => {
    startLang('vi');
    expect(pickedPlotWords({ ...free, farmer_name: null, parcel: null }, 'Rau màu')).toBe('Rau màu · 600 m²');
    expect(pickedPlotWords({ ...free, farmer_name: '  ', parcel: { sheet: 3, parcel: 22 } }, 'Rau màu')).toBe(
      'Tờ 3 thửa 22 · Rau màu · 600 m²',
    );
    expect(pickedPlotWords(free, 'Rau màu')).not.toContain('#');
  });
});
