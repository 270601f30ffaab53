import { afterEach, describe, expect, it } from 'vitest';
import type { MembershipProblem } from '../../../server/contracts/membership.ts';
import type { Viewer } from '../../../server/contracts/viewer.ts';
import { cropReason, joinReasons, type MemberPlot } from '../../../server/registry/growing-areas.service.ts';
import { startLang } from '../i18n/i18n.ts';
import type { Crop } from './crops.ts';
import { membershipText, readMembershipReason, sentences, type MembershipContext } from './membership.ts';

// The reader is held to the server's own reason objects (the functions the features API and the
// registry answer with), not to copies of them: a field renamed or dropped there fails here.

const officer: Viewer = { userId: 7, role: 'officer', communes: ['29869'], farmerId: null, via: 'bearer' };
const crops: Crop[] = [
  { code: 'mango', nameVi: 'Xoài', nameEn: 'Mango', type: 'perennial', minAreaM2: 10_000 },
  { code: 'vegetable', nameVi: 'Rau màu', nameEn: 'Vegetables', type: 'annual', minAreaM2: 1_000 },
];
const vegetableDraft = { id: 41, crop: 'vegetable' };
const plot = (over: Partial<MemberPlot>): MemberPlot => ({
  id: 12,
  crop: 'mango',
  commune_code: '29869',
  growing_area_id: null,
  area_status: null,
  ...over,
});
const context = (over: Partial<MembershipContext> = {}): MembershipContext => ({
  area: '“Vùng rau An Bình” (#41)',
  situation: 'join',
  crops,
  areas: new Map([[5, '“Vùng xoài Mỹ Trà” (VN-82-29869-01-26)']]),
  ...over,
});

// The i18n module sets <html lang>; a bare object stands in for the document here.
(globalThis as { document?: unknown }).document ??= { documentElement: {} };
afterEach(() => startLang('vi'));

describe('reading the membership refusals of the registry and the features API', () => {
  it('reads the plot, its crop and the area’s crop from the fields of the server’s reason object', () => {
    const reason = cropReason(vegetableDraft, { id: 12, crop: 'mango' })!;
    expect(readMembershipReason(reason)).toEqual({
      code: 'PLOT_CROP_MISMATCH',
      plotId: 12,
      plotCrop: 'mango',
      areaCrop: 'vegetable',
      message: reason.message,
    });
  });

  it('reads the facts of every rule of joining, and the unstored plot', () => {
    const reasons = joinReasons(officer, vegetableDraft, [
      plot({ growing_area_id: 5, area_status: 'submitted', commune_code: '30001' }),
      plot({ id: null, crop: 'vegetable', growing_area_id: 5, area_status: 'draft' }),
    ]);
    expect(reasons.map((r) => readMembershipReason(r))).toEqual([
      expect.objectContaining({ code: 'PLOT_CROP_MISMATCH', plotId: 12, plotCrop: 'mango', areaCrop: 'vegetable' }),
      expect.objectContaining({ code: 'PLOT_IN_OTHER_AREA', plotId: 12, otherAreaId: 5, otherAreaStatus: 'submitted' }),
      expect.objectContaining({ code: 'PLOT_OUTSIDE_YOUR_COMMUNES', plotId: 12, communeCode: '30001' }),
      expect.objectContaining({ code: 'PLOT_IN_OTHER_AREA', plotId: null, otherAreaId: 5, otherAreaStatus: 'draft' }),
    ]);
  });

  it('does not read the facts out of the sentence: a reason without them keeps the server’s words', () => {
    const { message } = cropReason(vegetableDraft, { id: 12, crop: 'mango' })!;
    expect(readMembershipReason(message)).toBeUndefined();
    const bare = readMembershipReason({ code: 'PLOT_CROP_MISMATCH', property: 'crop', plotIds: [12], message });
    expect(bare).toEqual({ code: 'PLOT_CROP_MISMATCH', plotId: null, message });
    expect(membershipText(bare!, context())).toBe(message);
  });

  it('leaves reasons of other rules alone, and facts of the wrong type out', () => {
    expect(readMembershipReason({ code: 'SELF_INTERSECTION', message: 'The boundary crosses itself.' })).toBeUndefined();
    expect(readMembershipReason('No plot 99.')).toBeUndefined();
    expect(readMembershipReason(null)).toBeUndefined();
    const odd = readMembershipReason({ code: 'PLOT_IN_OTHER_AREA', plotId: '12', otherAreaId: -5, otherAreaStatus: 7, message: 'x' });
    expect(odd).toEqual({ code: 'PLOT_IN_OTHER_AREA', plotId: null, message: 'x' });
    expect(membershipText(odd!, context())).toBe('x');
  });

  it('keeps the sentence of a draft’s own crop change, which names several plots and the crop asked for', () => {
    // memberCropReasons reads the members from the database; its object has this shape (server/contracts/membership.ts).
    const problem: MembershipProblem = {
      code: 'PLOT_CROP_MISMATCH',
      property: 'crop',
      plotIds: [12, 13],
      message: 'Plots 12, 13 grow mango; take them out of the area before changing its crop to rice.',
      areaId: 41,
      plotCrops: ['mango'],
      requestedCrop: 'rice',
    };
    const read = readMembershipReason(problem)!;
    expect(read).toEqual({ code: 'PLOT_CROP_MISMATCH', plotId: null, message: problem.message });
    expect(membershipText(read, context({ situation: 'member' }))).toBe(problem.message);
  });
});

describe('wording a membership refusal for the officer', () => {
  it('names the plot, both crops and the area in Vietnamese, with what to do, for each situation', () => {
    const refusal = readMembershipReason(cropReason(vegetableDraft, { id: 12, crop: 'mango' }))!;
    expect(membershipText(refusal, context())).toBe(
      'thửa #12 trồng xoài, còn vùng trồng “Vùng rau An Bình” (#41) trồng rau màu: đổi cây trồng của thửa hoặc chọn vùng trồng khác.',
    );
    expect(membershipText(refusal, context({ situation: 'member' }))).toContain('giữ cây trồng rau màu');
    expect(membershipText(refusal, context({ situation: 'pick', area: '“Vùng rau An Bình”' }))).toContain('bỏ thửa khỏi danh sách đã chọn');
    const [, other, outside] = joinReasons(officer, vegetableDraft, [
      plot({ growing_area_id: 5, area_status: 'draft', commune_code: '30001' }),
    ]);
    expect(membershipText(readMembershipReason(other)!, context())).toBe(
      'thửa #12 đã thuộc vùng trồng “Vùng xoài Mỹ Trà” (VN-82-29869-01-26): đưa thửa ra khỏi vùng trồng đó trước rồi mới thêm vào vùng trồng “Vùng rau An Bình” (#41).',
    );
    expect(membershipText(readMembershipReason(outside)!, context())).toContain('xã/phường 30001, nơi bạn không phụ trách');
  });

  it('speaks English when the page does, with the crops’ English names', () => {
    startLang('en');
    const refusal = readMembershipReason(cropReason(vegetableDraft, { id: null, crop: 'mango' }))!;
    expect(membershipText(refusal, context({ area: '“An Binh vegetables” (#41)' }))).toBe(
      'the new plot grows mango, but growing area “An Binh vegetables” (#41) grows vegetables: change the plot’s crop or choose another growing area.',
    );
  });

  it('names a crop missing from the catalogue by its code', () => {
    const refusal = readMembershipReason(cropReason({ id: 41, crop: 'dragon-fruit' }, { id: 12, crop: 'mango' }))!;
    expect(membershipText(refusal, context())).toContain('trồng dragon-fruit');
  });

  it('starts every sentence after the first with a capital', () => {
    expect(sentences(['thửa #1 trồng xoài.', 'thửa #2 trồng lúa.'])).toBe('thửa #1 trồng xoài. Thửa #2 trồng lúa.');
  });
});
