import { afterEach, describe, expect, it } from 'vitest';
import type { SubstanceList } from '../../../server/contracts/diary.ts';
import type { DiaryBody } from '../../../server/contracts/registry.ts';
import { checkDiaryEntry, rulesOfList, type SubstanceRule } from '../../../server/domain/substances.ts';
import { HttpError } from '../api/http.ts';
import { startLang } from '../i18n/i18n.ts';
import { marketName } from '../ui/feature-format.ts';
import { viewerKey } from '../map/viewer-tiles.ts';
import { allPending, dropPending, keepPending, newDiaryKey, pendingOf, retriesLater, type OutboxStorage } from './diary-outbox.ts';
import {
  checkDiaryInput,
  checkResidueInput,
  diaryLoadDetail,
  diaryRefusalDetail,
  doseText,
  findSubstance,
  flagMeaning,
  flagsOfEntry,
  flagText,
  inIsolation,
  marketsPhrase,
  newestFirst,
  parseDecimal,
  previewProblems,
  safeHarvestDate,
  storedMeaning,
  substanceChoices,
  substancesUrl,
  substanceSummary,
  vnToday,
  type DiaryFlag,
} from './plot-diary.ts';

// The i18n module sets <html lang>; a bare object stands in for the document here.
(globalThis as { document?: unknown }).document ??= { documentElement: {} };
afterEach(() => startLang('vi'));

const RULES: SubstanceRule[] = [
  { active_ingredient: 'Carbendazim', market: 'VN', allowed: true, mrl_mg_kg: 0.5 },
  { active_ingredient: 'Carbendazim', market: 'EU', allowed: false, mrl_mg_kg: 0.1 },
  { active_ingredient: 'Chlorpyrifos', market: 'VN', allowed: false, mrl_mg_kg: null },
  { active_ingredient: 'Abamectin 1.8', market: 'VN', allowed: true, mrl_mg_kg: 0.02 },
];

/** The server's verdict on an entry and the reason text it stores beside it: the messages joined by spaces (plots.service.ts). */
function stored(entry: { activeIngredient: string; appliedOn: string; phiDays: number | null }, markets: string[], harvest: string | null) {
  const verdict = checkDiaryEntry(entry, markets, RULES, harvest);
  return { verdict, text: verdict.flags.map((f) => f.message).join(' ') };
}

const problem = (status: number, body: Record<string, unknown>) =>
  new HttpError(status, String(body.detail ?? ''), { status, ...body }, undefined);

describe('plot diary: dates', () => {
  it('takes today on Vietnam’s clock, whatever the device’s zone (7 am there is midnight UTC)', () => {
    expect(vnToday(new Date('2026-11-29T16:59:00Z'))).toBe('2026-11-29');
    expect(vnToday(new Date('2026-11-29T17:00:00Z'))).toBe('2026-11-30');
    expect(vnToday(new Date('2026-12-31T20:00:00Z'))).toBe('2027-01-01');
  });

  it('gives the safe-harvest date of an application, and says whether the interval still runs', () => {
    expect(safeHarvestDate('2026-02-20', 14)).toBe('2026-03-06');
    expect(safeHarvestDate('2026-02-20', null)).toBeNull();
    expect(inIsolation({ applied_on: '2026-11-20', phi_days: 14 }, '2026-11-29')).toBe(true);
    expect(inIsolation({ applied_on: '2026-11-20', phi_days: 9 }, '2026-11-29')).toBe(false);
    expect(inIsolation({ applied_on: '2026-11-20', phi_days: null }, '2026-11-29')).toBe(false);
  });

  it('orders records newest first, the later record first on the same day', () => {
    const rows = [
      { id: 1, on: '2026-03-01' },
      { id: 3, on: '2026-01-01' },
      { id: 2, on: '2026-03-01' },
    ];
    expect(newestFirst(rows, (r) => r.on).map((r) => r.id)).toEqual([2, 1, 3]);
  });
});

const LIST: SubstanceList = {
  markets: ['VN', 'EU'],
  substances: [
    {
      activeIngredient: 'Carbendazim',
      rules: [
        { market: 'VN', allowed: true, mrlMgKg: 0.5, note: null },
        { market: 'EU', allowed: false, mrlMgKg: 0.1, note: null },
      ],
    },
    { activeIngredient: 'Chlorpyrifos', rules: [{ market: 'VN', allowed: false, mrlMgKg: null, note: null }] },
    {
      activeIngredient: 'Abamectin 1.8',
      rules: [
        { market: 'VN', allowed: true, mrlMgKg: 0.02, note: null },
        { market: 'EU', allowed: true, mrlMgKg: 0.01, note: null },
      ],
    },
  ],
};

const entry = (id: number, flagged: boolean, reason: string | null, problems?: DiaryFlag[] | null) => ({
  id,
  applied_on: '2026-03-01',
  pesticide: 'P',
  active_ingredient: 'A',
  dose: null,
  phi_days: 7,
  flagged,
  flag_reason: reason,
  ...(problems === undefined ? {} : { problems: problems as never }),
});

describe('plot diary: the server’s problems in words', () => {
  it('takes an entry’s problems as the server recorded them; stored text only for a flagged entry without them', () => {
    const { verdict, text } = stored({ activeIngredient: 'Carbendazim', appliedOn: '2026-03-25', phiDays: 14 }, ['EU', 'CN'], '2026-04-04');
    expect(verdict.flags.map((f) => f.reason)).toEqual(['not-allowed', 'not-listed', 'pre-harvest-interval']);
    expect(flagsOfEntry(entry(1, true, text, verdict.flags))).toEqual(verdict.flags);
    expect(flagsOfEntry(entry(2, true, 'Không được phép cho thị trường EU', null))).toEqual([
      { reason: 'other', text: 'Không được phép cho thị trường EU' },
    ]);
    // A server from before `problems` sends none: the text, never parsed.
    expect(flagsOfEntry(entry(3, true, text))).toEqual([{ reason: 'other', text }]);
    expect(flagsOfEntry(entry(4, false, null, []))).toEqual([]);
    expect(flagsOfEntry(entry(5, true, '  ', null))).toEqual([]);
    expect(flagText({ reason: 'other', text: 'Không được phép cho thị trường EU' })).toBe('Không được phép cho thị trường EU');
  });

  it('words each problem from its fields in Vietnamese with dd/mm/yyyy dates, and in English, whatever its English message says', () => {
    const { verdict } = stored({ activeIngredient: 'Carbendazim', appliedOn: '2026-03-25', phiDays: 14 }, ['EU', 'CN'], '2026-04-04');
    const [notAllowed, notListed, phi] = verdict.flags.map((f) => ({ ...f, message: 'changed wording' }));
    expect(flagText(notAllowed!)).toBe('Carbendazim không được phép dùng cho thị trường EU.');
    expect(flagText(notListed!)).toContain('thị trường Trung Quốc');
    expect(flagText(phi!)).toBe('Thời gian cách ly 14 ngày kết thúc ngày 08/04/2026, sau ngày dự kiến thu hoạch 04/04/2026.');
    const banned = checkDiaryEntry({ activeIngredient: 'Chlorpyrifos', appliedOn: '2026-03-01', phiDays: null }, [], RULES, null).flags[0]!;
    expect(flagText(banned)).toBe('Hoạt chất Chlorpyrifos bị cấm sử dụng tại Việt Nam.');
    startLang('en');
    expect(flagText(phi!)).toBe('The pre-harvest interval of 14 days ends on 2026-04-08, after the expected harvest on 2026-04-04.');
    expect(flagText(notAllowed!)).toBe('Carbendazim is not allowed for the EU market.');
    expect(marketName('CN')).toBe('China');
    expect(marketName('TH')).toBe('TH');
  });

  it('says what the problems mean for the area’s code, the markets named once', () => {
    const { verdict } = stored({ activeIngredient: 'Carbendazim', appliedOn: '2026-03-25', phiDays: 14 }, ['EU'], '2026-04-04');
    const flags: DiaryFlag[] = [...verdict.flags, { reason: 'not-listed', market: 'EU', substance: 'Carbendazim', message: '' }];
    const [market, phi] = flagMeaning(flags, { growing_area_id: 3, growing_area_code: 'VN-DTOR-0003' });
    expect(market).toMatch(/^Ảnh hưởng đến mã số VN-DTOR-0003: .* danh mục được phép của EU\. .*tạm đình chỉ hoặc thu hồi/);
    expect(market!.match(/EU/g)).toHaveLength(2);
    expect(phi).toMatch(/^Không thu hoạch trước ngày 08\/04\/2026\. .*mã số VN-DTOR-0003 có thể bị tạm đình chỉ\.$/);
    expect(flagMeaning(flags, { growing_area_id: null, growing_area_code: null })[0]).toContain('chưa thuộc vùng trồng có mã số');
    expect(flagMeaning(flags, { growing_area_id: 9, growing_area_code: null })[0]).toContain('đang làm hồ sơ');
    expect(flagMeaning([], { growing_area_id: 3, growing_area_code: 'X' })).toEqual([]);
  });

  it('names the markets of a meaning as a sentence does, in English “the EU market”, not “the allowed list of EU”', () => {
    const flags: DiaryFlag[] = [{ reason: 'not-listed', market: 'EU', substance: 'Carbendazim', message: '' }];
    expect(marketsPhrase(['CN', 'EU'])).toBe('Trung Quốc và EU');
    startLang('en');
    expect(marketsPhrase(['EU'])).toBe('the EU market');
    expect(marketsPhrase(['CN', 'EU'])).toBe('the China and EU markets');
    const [code] = flagMeaning(flags, { growing_area_id: 3, growing_area_code: 'VN-DTOR-0003' });
    expect(code).toContain('the substance is not on the allowed list for the EU market.');
    expect(code).toContain('Do not ship this plot’s produce to the EU market before');
    expect(code).not.toMatch(/of EU|list of/);
    expect(flagMeaning(flags, { growing_area_id: null, growing_area_code: null })[0]).toMatch(
      /^The substance is not on the allowed list for the EU market\./,
    );
  });

  it('says once, above the list, what the stored flags mean: by market when the server named them, else in general', () => {
    const area = { growing_area_id: 3, growing_area_code: 'VN-DTOR-0003' };
    const { verdict, text } = stored({ activeIngredient: 'Carbendazim', appliedOn: '2026-03-25', phiDays: 14 }, ['EU'], '2026-04-04');
    const byMarket = storedMeaning(
      [entry(1, true, text, verdict.flags), entry(2, true, 'Không được phép cho thị trường EU', null), entry(3, false, null, [])],
      area,
    );
    expect(byMarket).toHaveLength(1);
    expect(byMarket[0]).toContain('Ảnh hưởng đến mã số VN-DTOR-0003');
    expect(storedMeaning([entry(2, true, 'Không được phép cho thị trường EU', null)], area)).toEqual([
      'Kiểm tra viên (GACC, EU…) xem các mục bị cảnh báo khi cấp và duy trì mã số vùng trồng: chỉ xuất nông sản của thửa khi có kết quả kiểm nghiệm dư lượng đạt.',
    ]);
    expect(storedMeaning([entry(3, false, null, [])], area)).toEqual([]);
  });

  it('previews exactly what the server’s rule will flag: with the published lists every reason, without them only the interval', () => {
    const plot = { markets: ['EU'], expected_harvest: '2026-04-04' };
    const late = { activeIngredient: ' carbendazim ', appliedOn: '2026-03-25', phiDays: 14 };
    expect(previewProblems(late, plot, LIST)).toEqual(
      checkDiaryEntry({ ...late, activeIngredient: 'carbendazim' }, ['EU'], rulesOfList(LIST), '2026-04-04').flags,
    );
    expect(previewProblems(late, plot, LIST).map((p) => `${p.reason}:${p.market}`)).toEqual([
      'not-allowed:EU',
      'pre-harvest-interval:null',
    ]);
    expect(previewProblems(late, plot, undefined).map((p) => p.reason)).toEqual(['pre-harvest-interval']);
    expect(previewProblems({ ...late, activeIngredient: '' }, plot, LIST).map((p) => p.reason)).toEqual(['pre-harvest-interval']);
    expect(previewProblems({ activeIngredient: 'Abamectin 1.8', appliedOn: '2026-03-01', phiDays: 7 }, plot, LIST)).toEqual([]);
    expect(previewProblems({ ...late, appliedOn: '25/03/2026' }, plot, LIST)).toEqual([]);
    // The interval alone, as the form warns while the lists are unknown: only when it runs past the harvest.
    const phi = (appliedOn: string, phiDays: number | null, harvest: string | null) =>
      previewProblems({ activeIngredient: '', appliedOn, phiDays }, { markets: [], expected_harvest: harvest }, undefined);
    expect(phi('2026-03-25', 14, '2026-04-04')).toEqual([
      expect.objectContaining({ reason: 'pre-harvest-interval', phiDays: 14, safeHarvestOn: '2026-04-08', expectedHarvest: '2026-04-04' }),
    ]);
    expect(phi('2026-03-20', 14, '2026-04-04')).toEqual([]);
    expect(phi('2026-03-25', 14, null)).toEqual([]);
    expect(phi('2026-03-25', null, '2026-04-04')).toEqual([]);
  });
});

describe('plot diary: the substance lists', () => {
  it('asks for Vietnam’s and the plot’s markets, only codes the endpoint takes', () => {
    expect(substancesUrl(['CN', 'eu'])).toBe('/api/substances?market=VN,CN,EU');
    expect(substancesUrl(['CN', 'EUROPE'])).toBe('/api/substances?market=VN,CN');
  });

  it('offers substances allowed in every market first, and says which markets forbid or miss one, with each limit', () => {
    expect(substanceChoices(LIST, ['EU']).map((s) => s.activeIngredient)).toEqual(['Abamectin 1.8', 'Carbendazim', 'Chlorpyrifos']);
    const carbendazim = findSubstance(LIST, 'CARBENDAZIM ')!;
    expect(substanceSummary(carbendazim, ['EU'])).toBe('Không được phép: EU · MRL (mg/kg): Việt Nam 0,5; EU 0,1');
    expect(substanceSummary(findSubstance(LIST, 'chlorpyrifos')!, ['CN'])).toBe(
      'Không được phép: Việt Nam · Chưa có trong danh mục: Trung Quốc',
    );
    expect(substanceSummary(findSubstance(LIST, 'abamectin-1.8')!, ['EU'])).toBe(
      'Được phép ở mọi thị trường của thửa · MRL (mg/kg): Việt Nam 0,02; EU 0,01',
    );
    startLang('en');
    expect(substanceSummary(carbendazim, ['EU'])).toBe('Not allowed: EU · MRL (mg/kg): Vietnam 0.5; EU 0.1');
    expect(findSubstance(LIST, 'Fipronil')).toBeUndefined();
    expect(findSubstance(LIST, '  ')).toBeUndefined();
    expect(findSubstance(undefined, 'Carbendazim')).toBeUndefined();
  });
});

describe('plot diary: the forms', () => {
  const today = '2026-11-29';

  it('sends a spray record as the server’s schema takes it, trimmed, empty optional fields as null, no dose without its figure', () => {
    const check = checkDiaryInput(
      {
        appliedOn: '2026-11-28',
        pesticide: ' Amistar Top 325SC ',
        activeIngredient: 'Azoxystrobin',
        dose: '',
        doseUnit: 'ml/16l',
        phiDays: '7',
      },
      today,
    );
    expect(check).toEqual({
      valid: true,
      body: { appliedOn: '2026-11-28', pesticide: 'Amistar Top 325SC', activeIngredient: 'Azoxystrobin', phiDays: 7 },
    });
    expect(checkDiaryInput({ appliedOn: today, pesticide: 'A', activeIngredient: 'B', phiDays: '' }, today)).toMatchObject({
      valid: true,
      body: { phiDays: null },
    });
  });

  it('names every field to fix: missing, a future or impossible date, a bad interval, too long', () => {
    const check = checkDiaryInput(
      { appliedOn: '2026-11-30', pesticide: '', activeIngredient: 'x'.repeat(201), dose: '2 lít/ha', doseUnit: 'l/ha', phiDays: '1.5' },
      today,
    );
    expect(check.valid).toBe(false);
    expect(!check.valid && check.problems).toEqual([
      { field: 'appliedOn', reason: 'date-in-future' },
      { field: 'pesticide', reason: 'required' },
      { field: 'activeIngredient', reason: 'too-long', max: 200 },
      { field: 'dose', reason: 'dose-range' },
      { field: 'phiDays', reason: 'phi-range' },
    ]);
    const bad = checkDiaryInput({ appliedOn: '2026-02-30', pesticide: 'A', activeIngredient: 'B', phiDays: '366' }, today);
    expect(!bad.valid && bad.problems.map((p) => p.reason)).toEqual(['date-invalid', 'phi-range']);
    const early = checkDiaryInput({ appliedOn: '1899-12-31', pesticide: 'A', activeIngredient: 'B', phiDays: '' }, today);
    expect(!early.valid && early.problems).toEqual([{ field: 'appliedOn', reason: 'date-too-early' }]);
  });

  it('reads a residue figure with a decimal comma and leaves the verdict to the server unless the lab’s is given', () => {
    expect(parseDecimal('0,05')).toBe(0.05);
    expect(parseDecimal('0.05')).toBe(0.05);
    expect(parseDecimal('1e3')).toBeNaN();
    expect(parseDecimal('-1')).toBeNaN();
    const auto = checkResidueInput(
      { sampledOn: today, lab: '', activeIngredient: 'Abamectin', resultMgKg: '0,012', verdict: 'auto' },
      today,
    );
    expect(auto).toEqual({ valid: true, body: { sampledOn: today, activeIngredient: 'Abamectin', resultMgKg: 0.012 } });
    const fail = checkResidueInput({ sampledOn: today, lab: 'SGS', activeIngredient: 'X', resultMgKg: '3', verdict: 'fail' }, today);
    expect(fail).toMatchObject({ valid: true, body: { lab: 'SGS', passed: false } });
    const bad = checkResidueInput({ sampledOn: '', activeIngredient: 'X', resultMgKg: '100001', verdict: 'auto' }, today);
    expect(!bad.valid && bad.problems).toEqual([
      { field: 'sampledOn', reason: 'required' },
      { field: 'resultMgKg', reason: 'result-range' },
    ]);
  });
});

describe('plot diary: the dose, a figure and a unit', () => {
  const today = '2026-11-29';
  const spray = { appliedOn: '2026-11-28', pesticide: 'Vertimec', activeIngredient: 'Abamectin', phiDays: '' };

  it('sends the figure typed either way (0,5 or 0.5) with the unit picked', () => {
    for (const dose of ['0,5', '0.5', ' 0,5 ']) {
      expect(checkDiaryInput({ ...spray, dose, doseUnit: 'l/ha' }, today)).toMatchObject({
        valid: true,
        body: { doseAmount: 0.5, doseUnit: 'l/ha' },
      });
    }
    expect(checkDiaryInput({ ...spray, dose: '20', doseUnit: 'ml/16l' }, today)).toMatchObject({
      body: { doseAmount: 20, doseUnit: 'ml/16l' },
    });
  });

  it('refuses a figure that is not a number above 0 and at most 100 000, and a unit off the list', () => {
    for (const dose of ['0', '-2', 'hai', '2l', '2 lít/ha', '1e3', '100001', '0,0,5']) {
      const check = checkDiaryInput({ ...spray, dose, doseUnit: 'l/ha' }, today);
      expect(!check.valid && check.problems, dose).toEqual([{ field: 'dose', reason: 'dose-range' }]);
    }
    for (const doseUnit of ['lít/ha', '', 'L/HA']) {
      const check = checkDiaryInput({ ...spray, dose: '2', doseUnit }, today);
      expect(!check.valid && check.problems, doseUnit).toEqual([{ field: 'doseUnit', reason: 'dose-unit' }]);
    }
  });

  it('shows a recorded figure in the language shown, and an older entry’s text as it was typed', () => {
    const figure = { dose: '0,5 lít/ha', dose_amount: 0.5, dose_unit: 'l/ha' };
    expect(doseText(figure)).toBe('0,5 lít/ha');
    expect(doseText({ dose: '20 ml/bình 16 lít', dose_amount: 20, dose_unit: 'ml/16l' })).toBe('20 ml/bình 16 lít');
    expect(doseText({ dose: 'hai lít', dose_amount: null, dose_unit: null })).toBe('hai lít');
    expect(doseText({ dose: '2l' })).toBe('2l');
    expect(doseText({ dose: null, dose_amount: null, dose_unit: null })).toBe('');
    startLang('en');
    expect(doseText(figure)).toBe('0.5 l/ha');
    expect(doseText({ dose: '1.250 g/bình 16 lít', dose_amount: 1250, dose_unit: 'g/16l' })).toBe('1,250 g per 16-litre tank');
    expect(doseText({ dose: 'hai lít', dose_amount: null, dose_unit: null })).toBe('hai lít');
  });

  it('words the server’s refusal of a dose by its reason', () => {
    const refused = problem(422, {
      code: 'VALIDATION_FAILED',
      reason: 'dose-unit-unknown',
      field: 'doseUnit',
      detail: 'The dose is not valid',
    });
    expect(diaryRefusalDetail(refused)).toBe('máy chủ không nhận liều lượng: nhập một số lớn hơn 0 và chọn đơn vị trong danh sách.');
  });
});

describe('plot diary: refusals', () => {
  it('words each refusal by status and code, never with the server’s English detail', () => {
    const detail = 'Only agricultural officers and administrators may do this.';
    expect(diaryRefusalDetail(problem(403, { code: 'FORBIDDEN', detail }))).toBe('bạn không phụ trách xã/phường của thửa này.');
    expect(diaryRefusalDetail(problem(403, { code: 'FORBIDDEN', detail }), { farmer: true })).toContain(
      'cán bộ nông nghiệp xã ghi nhật ký',
    );
    expect(diaryRefusalDetail(problem(401, { code: 'UNAUTHENTICATED', detail }))).toContain('đăng nhập lại');
    expect(diaryRefusalDetail(problem(404, { code: 'NOT_FOUND', detail }))).toContain('không còn');
    expect(diaryRefusalDetail(problem(400, { code: 'BAD_REQUEST', detail }))).toContain('kiểm tra lại các ô');
    expect(diaryRefusalDetail(new HttpError(0, 'offline', undefined, undefined))).toContain('không có kết nối mạng');
    expect(diaryRefusalDetail(problem(503, { code: 'OVERLOADED', detail }))).toContain('đang bận');
    expect(diaryRefusalDetail(problem(500, { detail }))).toContain('(500)');
    for (const status of [400, 401, 403, 404, 409, 422, 500]) {
      expect(diaryRefusalDetail(problem(status, { code: 'X', detail }))).not.toContain(detail);
    }
  });

  it('explains a residue test with no listed limit: give the lab’s verdict', () => {
    const error = problem(422, { code: 'VALIDATION_FAILED', detail: 'No maximum residue limit is listed for Fipronil in VN, EU.' });
    expect(diaryRefusalDetail(error, { ingredient: 'Fipronil', markets: ['EU'], autoVerdict: true })).toBe(
      'chưa có giới hạn dư lượng tối đa (MRL) của Fipronil cho Việt Nam, EU: chọn “Đạt” hoặc “Không đạt” theo phiếu của phòng kiểm nghiệm.',
    );
    expect(diaryRefusalDetail(error, { ingredient: 'Fipronil', autoVerdict: false })).toContain('kiểm tra lại các ô');
  });

  it('a diary that could not be read offline says so and to open it again, never “nothing was recorded”', () => {
    const offline = new HttpError(0, 'offline', undefined, undefined);
    expect(diaryLoadDetail(offline, false)).toBe('không có kết nối mạng. Mở lại khi có sóng.');
    expect(diaryLoadDetail(offline, true)).not.toContain('chưa có gì được ghi');
    // Other failures are worded as before (a farmer's other plot: whose diary they may read).
    expect(diaryLoadDetail(problem(403, { code: 'FORBIDDEN', detail: 'x' }), true)).toContain('chỉ xem được nhật ký các thửa của mình');
    startLang('en');
    expect(diaryLoadDetail(offline, true)).toBe('no network connection. Open it again when there is signal.');
  });
});

describe('plot diary: the outbox of sprays typed with no signal', () => {
  /** A storage as localStorage is, in memory. */
  const memory = (): OutboxStorage & { data: Map<string, string> } => {
    const data = new Map<string, string>();
    return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
  };
  const body: DiaryBody = {
    appliedOn: '2026-06-03',
    pesticide: 'Anvil 5SC',
    activeIngredient: 'Hexaconazole',
    doseAmount: 20,
    doseUnit: 'ml/16l',
    phiDays: 7,
  };
  const officer = { role: 'officer', username: 'officer' };
  const other = { role: 'officer', username: 'officer2' };

  it('keeps each entry once by its key, under who typed it: another person on the phone sees none of them', () => {
    const storage = memory();
    const entry = { key: 'k-0000000000000001', viewer: viewerKey(officer), plotId: 5, body, savedAt: '2026-06-03T01:00:00Z' };
    expect(keepPending(entry, storage)).toBe(true);
    expect(keepPending(entry, storage)).toBe(true);
    expect(keepPending({ ...entry, key: 'k-0000000000000002', plotId: 6 }, storage)).toBe(true);
    expect(pendingOf(officer, undefined, storage).map((e) => e.key)).toEqual(['k-0000000000000001', 'k-0000000000000002']);
    expect(pendingOf(officer, 5, storage)).toEqual([entry]);
    expect(pendingOf(other, undefined, storage)).toEqual([]);
    expect(pendingOf(undefined, undefined, storage)).toEqual([]);
    dropPending('k-0000000000000001', storage);
    expect(pendingOf(officer, undefined, storage).map((e) => e.key)).toEqual(['k-0000000000000002']);
  });

  it('reads a storage holding something else as empty, and says when it could not keep an entry', () => {
    const storage = memory();
    storage.data.set('bando.diaryOutbox', '{not json');
    expect(allPending(storage)).toEqual([]);
    storage.data.set('bando.diaryOutbox', JSON.stringify([{ key: 1 }, null, 'x']));
    expect(allPending(storage)).toEqual([]);
    const full: OutboxStorage = {
      getItem: () => null,
      setItem: () => {
        throw new DOMException('full', 'QuotaExceededError');
      },
    };
    expect(keepPending({ key: 'k-0000000000000003', viewer: 'x', plotId: 1, body, savedAt: '' }, full)).toBe(false);
    expect(keepPending({ key: 'k-0000000000000003', viewer: 'x', plotId: 1, body, savedAt: '' }, undefined)).toBe(false);
  });

  it('tries again by itself only what may pass later: no network, a busy or failing server, an ended session', () => {
    for (const status of [0, 401, 408, 429, 500, 503]) expect(retriesLater(new HttpError(status, 'x', undefined, undefined))).toBe(true);
    for (const status of [400, 403, 404, 409, 422]) expect(retriesLater(new HttpError(status, 'x', undefined, undefined))).toBe(false);
    expect(newDiaryKey()).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
  });
});
