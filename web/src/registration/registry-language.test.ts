import { afterEach, describe, expect, it } from 'vitest';
import type { Viewer } from '../../../server/contracts/viewer.ts';
import { cropReason, joinReasons } from '../../../server/registry/growing-areas.service.ts';
import { reuseOf, viewerKey } from '../farmer/my-plots.ts';
import { setLang, startLang } from '../i18n/i18n.ts';
import type { Crop } from './crops.ts';
import { areaLabelText, membershipWords } from './membership.ts';
import { fieldPlaceholder } from './plot-diary.ts';

// The registry's views keep what a refusal or a hint is made of and word it when drawn, so that a
// language switch words it again. These are the pure parts; the browser test
// (tests/e2e/registry-language.test.ts) switches with the views open.

// The i18n module sets <html lang> and remembers the choice; bare objects stand in here.
(globalThis as { document?: unknown }).document ??= { documentElement: {} };
(globalThis as { localStorage?: unknown }).localStorage ??= { getItem: () => null, setItem: () => undefined };
afterEach(() => startLang('vi'));

const officer: Viewer = { userId: 7, role: 'officer', communes: ['29869'], farmerId: null, via: 'bearer' };
const crops: Crop[] = [
  { code: 'mango', nameVi: 'Xoài', nameEn: 'Mango', type: 'perennial', minAreaM2: 10_000 },
  { code: 'vegetable', nameVi: 'Rau màu', nameEn: 'Vegetables', type: 'annual', minAreaM2: 1_000 },
];

describe('a membership refusal worded again after a switch', () => {
  it('the same refusal of a new area reads in Vietnamese, then in English, with the plot, both crops and the name typed', () => {
    startLang('vi');
    const reason = cropReason({ id: 0, crop: 'vegetable' }, { id: 12, crop: 'mango' })!;
    const words = membershipWords([reason], { name: 'Vùng rau Tân Thuận', situation: 'pick' }, crops, new Map());
    const vietnamese = words();
    expect(vietnamese).toContain('thửa #12 trồng xoài');
    expect(vietnamese).toContain('“Vùng rau Tân Thuận”');
    setLang('en');
    const english = words();
    expect(english).toContain('plot #12');
    expect(english).toContain('mango');
    expect(english).toContain('“Vùng rau Tân Thuận”');
    expect(english).not.toBe(vietnamese);
    expect(english).not.toMatch(/thửa|trồng/);
  });

  it('names the other area from the facts read once, in either language; a reason that is no membership rule keeps the server’s words', () => {
    startLang('vi');
    const [inOther] = joinReasons(officer, { id: 41, crop: 'vegetable' }, [
      { id: 12, crop: 'vegetable', commune_code: '29869', growing_area_id: 5, area_status: 'submitted' },
    ]);
    const areas = new Map([
      [41, { id: 41, name: 'Vùng rau An Bình' }],
      [5, { id: 5, name: 'Vùng xoài Mỹ Trà', code: 'VN-82-29869-01-26' }],
    ]);
    const words = membershipWords([inOther, 'Something else went wrong.'], { id: 41, situation: 'join' }, crops, areas);
    expect(words()).toBe(
      'thửa #12 đã thuộc vùng trồng “Vùng xoài Mỹ Trà” (VN-82-29869-01-26): đưa thửa ra khỏi vùng trồng đó trước rồi mới thêm vào vùng trồng “Vùng rau An Bình” (#41). Something else went wrong.',
    );
    setLang('en');
    expect(words()).toBe(
      'plot #12 already belongs to growing area “Vùng xoài Mỹ Trà” (VN-82-29869-01-26): take it out of that area before adding it to growing area “Vùng rau An Bình” (#41). Something else went wrong.',
    );
  });

  it('an area the features API does not show is its number alone', () => {
    expect(areaLabelText({ id: 9 })).toBe('#9');
    expect(areaLabelText({ id: 9, name: 'Vùng bưởi' })).toBe('“Vùng bưởi” (#9)');
  });
});

describe('the diary form’s hints follow the language', () => {
  it('a residue figure’s example uses the language’s decimal mark; the dose and ingredient hints are worded again', () => {
    startLang('vi');
    const vietnamese = [fieldPlaceholder('resultMgKg'), fieldPlaceholder('dose'), fieldPlaceholder('activeIngredient')];
    expect(vietnamese[0]).toBe('0,01');
    setLang('en');
    const english = [fieldPlaceholder('resultMgKg'), fieldPlaceholder('dose'), fieldPlaceholder('activeIngredient')];
    expect(english[0]).toBe('0.01');
    expect(english[1]).toBe('e.g. 20 or 0.5');
    expect(vietnamese[1]).toBe('VD: 20 hoặc 0,5');
    for (let i = 1; i < 3; i++) expect(english[i]).not.toBe(vietnamese[i]);
    expect(fieldPlaceholder('pesticide')).toBe('');
  });
});

describe('“my plots” is put back, not built afresh', () => {
  it('a redraw in another language is the switch (worded again, nothing read); in the same language the tab was opened again (read afresh)', () => {
    expect(reuseOf('vi', 'en')).toBe('reword');
    expect(reuseOf('en', 'vi')).toBe('reword');
    expect(reuseOf('vi', 'vi')).toBe('refresh');
  });

  it('one view per viewer: a farmer signing out on a shared phone leaves the guest a view of their own', () => {
    const farmer = { username: 'farmer', displayName: 'Nông dân', role: 'farmer' as const, farmerId: 3, communes: [] };
    expect(viewerKey(farmer)).toBe('farmer:farmer');
    expect(viewerKey(undefined)).toBe('guest');
    expect(viewerKey({ ...farmer, username: 'farmer2' })).not.toBe(viewerKey(farmer));
  });
});
