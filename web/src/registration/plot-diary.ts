// The farm diary ("nhật ký canh tác") and residue tests of one plot, in the details card and under
// "my plots". GACC and EU inspectors ask for the spray diary before an export code is granted or
// kept, so an officer in the field reads it and adds to it from a phone.
//
// The server is the authority (server/registry/plots.service.ts, README point 7): it checks each
// substance against allowed_substances for Vietnam and the area's markets, flags a pre-harvest
// interval that runs past the expected harvest, and decides a residue test against the strictest
// limit. Writing is for officers of the plot's commune and administrators; a farmer reads the
// diary of their own plots only. This module words the server's verdicts in the viewer's language:
// the structured flags of a new entry, and for stored entries the reason text the service wrote
// (its sentences come from server/domain/substances.ts, parsed back below; the list endpoint
// carries no reason codes, and seeded rows hold Vietnamese sentences shown as they are).
import type { DiaryBody, ResidueBody } from '../../../server/contracts/registry.ts';
import { addDays, checkDiaryEntry, marketsToCheck, SUBSTANCE_REASONS, type SubstanceFlag } from '../../../server/domain/substances.ts';
import { getJson, HttpError, sendJson } from '../api/http.ts';
import { formatNumber, lang, t } from '../i18n/i18n.ts';
import { vi, type MessageKey } from '../i18n/vi.ts';
import { clear, h } from '../ui/dom.ts';
import { date } from '../ui/feature-format.ts';

/** The plot as GET /api/plots/:id answers it (the fields the diary reads; no personal data). */
export type DiaryPlot = {
  id: number;
  commune_code: string;
  crop: string;
  expected_harvest: string | null;
  growing_area_id: number | null;
  growing_area_code: string | null;
  growing_area_status: string | null;
  markets: string[];
};

/** One row of GET /api/plots/:id/diary. */
export type DiaryEntry = {
  id: number;
  applied_on: string;
  pesticide: string;
  active_ingredient: string;
  dose: string | null;
  phi_days: number | null;
  flagged: boolean;
  flag_reason: string | null;
};

/** One row of GET /api/plots/:id/residue-tests (a POST adds the limit it was judged against). */
export type ResidueTest = {
  id: number;
  sampled_on: string;
  lab: string | null;
  active_ingredient: string;
  result_mg_kg: number;
  passed: boolean;
  mrlMgKg?: number | null;
};

/** Why an entry is flagged, in fields a sentence is built from. */
export type DiaryFlag =
  | { reason: typeof SUBSTANCE_REASONS.NOT_ALLOWED | typeof SUBSTANCE_REASONS.NOT_LISTED; market: string; ingredient: string }
  | { reason: typeof SUBSTANCE_REASONS.PHI; phiDays: number; safeOn: string; harvestOn: string }
  | { reason: 'other'; text: string };

// ---------------------------------------------------------------------------------------------
// Pure rules

/** Today's date on Vietnam's clock (UTC+7 all year, no daylight saving), whatever the device's zone. */
export function vnToday(now = new Date()): string {
  return new Date(now.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}

/** The first day a harvest is safe after this application: the date plus its pre-harvest interval; null without one. */
export function safeHarvestDate(appliedOn: string, phiDays: number | null): string | null {
  return phiDays === null || phiDays === undefined ? null : addDays(appliedOn, phiDays);
}

/** Whether the plot is still inside this application's pre-harvest interval today. */
export function inIsolation(entry: Pick<DiaryEntry, 'applied_on' | 'phi_days'>, today: string): boolean {
  const safe = safeHarvestDate(entry.applied_on, entry.phi_days);
  return safe !== null && safe > today;
}

/** Diary entries newest first (by date, then the later record), whatever order they came in. */
export function newestFirst<T extends { id: number }>(rows: readonly T[], dateOf: (row: T) => string): T[] {
  return [...rows].sort((a, b) => (dateOf(a) === dateOf(b) ? b.id - a.id : dateOf(a) < dateOf(b) ? 1 : -1));
}

// The sentences checkDiaryEntry writes (server/domain/substances.ts), which the service stores
// joined by spaces in flag_reason. Sticky regexes read them one after another; an ingredient name
// may hold dots ("Abamectin 1.8"), so at each place the shortest sentence that matches is taken.
const STORED_SENTENCES = [
  { reason: SUBSTANCE_REASONS.NOT_LISTED, re: /(.+?) is not on the allowed list for ([A-Z0-9_-]+)\./y },
  { reason: SUBSTANCE_REASONS.NOT_ALLOWED, re: /(.+?) is not allowed for ([A-Z0-9_-]+)\./y },
  {
    reason: SUBSTANCE_REASONS.PHI,
    re: /The pre-harvest interval of (\d+) days ends on (\d{4}-\d{2}-\d{2}), after the expected harvest on (\d{4}-\d{2}-\d{2})\./y,
  },
] as const;

/** The flags of a stored entry, read back from its reason text; text that is not the service's sentences stays one 'other' flag. */
export function flagsOfStoredReason(reason: string | null): DiaryFlag[] {
  const text = (reason ?? '').trim();
  const flags: DiaryFlag[] = [];
  let at = 0;
  while (at < text.length) {
    let best: { flag: DiaryFlag; end: number } | undefined;
    for (const sentence of STORED_SENTENCES) {
      sentence.re.lastIndex = at;
      const m = sentence.re.exec(text);
      if (!m || (best && sentence.re.lastIndex >= best.end)) continue;
      const flag: DiaryFlag =
        sentence.reason === SUBSTANCE_REASONS.PHI
          ? { reason: sentence.reason, phiDays: Number(m[1]), safeOn: m[2]!, harvestOn: m[3]! }
          : { reason: sentence.reason, ingredient: m[1]!, market: m[2]! };
      best = { flag, end: sentence.re.lastIndex };
    }
    if (!best) {
      flags.push({ reason: 'other', text: text.slice(at) });
      break;
    }
    flags.push(best.flag);
    at = best.end;
    while (text[at] === ' ') at++;
  }
  return flags;
}

/** The flags of an entry the server has just recorded: its structured verdict, with the dates it compared. */
export function flagsOfVerdict(flags: readonly SubstanceFlag[], entry: DiaryBody, expectedHarvest: string | null): DiaryFlag[] {
  return flags.map((flag): DiaryFlag => {
    if ((flag.reason === SUBSTANCE_REASONS.NOT_ALLOWED || flag.reason === SUBSTANCE_REASONS.NOT_LISTED) && flag.market) {
      return { reason: flag.reason, market: flag.market, ingredient: entry.activeIngredient };
    }
    const safeOn = safeHarvestDate(entry.appliedOn, entry.phiDays ?? null);
    if (flag.reason === SUBSTANCE_REASONS.PHI && safeOn && expectedHarvest) {
      return { reason: flag.reason, phiDays: entry.phiDays ?? 0, safeOn, harvestOn: expectedHarvest };
    }
    return flagsOfStoredReason(flag.message)[0] ?? { reason: 'other', text: flag.message };
  });
}

/** The pre-harvest flag the server will raise for these values, for the form to show while typing (the same rule). */
export function phiWarning(appliedOn: string, phiDays: number | null, expectedHarvest: string | null): DiaryFlag | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(appliedOn) || phiDays === null) return undefined;
  const verdict = checkDiaryEntry({ activeIngredient: '', appliedOn, phiDays }, [], [], expectedHarvest);
  const phi = verdict.flags.find((f) => f.reason === SUBSTANCE_REASONS.PHI);
  return phi && expectedHarvest
    ? { reason: SUBSTANCE_REASONS.PHI, phiDays, safeOn: addDays(appliedOn, phiDays), harvestOn: expectedHarvest }
    : undefined;
}

/** A market code by name in the viewer's language (the code itself for one the table does not know). */
export function marketName(market: string): string {
  const key = `diaryMarket_${market}`;
  return key in vi ? t(key as MessageKey) : market;
}

/** One flag as a sentence. */
export function flagText(flag: DiaryFlag): string {
  if (flag.reason === 'other') return t('diaryFlag_other', { text: flag.text });
  if (flag.reason === SUBSTANCE_REASONS.PHI) {
    return t('diaryFlag_phi', { days: flag.phiDays, safe: date(flag.safeOn), harvest: date(flag.harvestOn) });
  }
  if (flag.reason === SUBSTANCE_REASONS.NOT_ALLOWED && flag.market === 'VN')
    return t('diaryFlag_bannedVN', { ingredient: flag.ingredient });
  const key = flag.reason === SUBSTANCE_REASONS.NOT_ALLOWED ? 'diaryFlag_notAllowed' : 'diaryFlag_notListed';
  return t(key, { ingredient: flag.ingredient, market: marketName(flag.market) });
}

/** What the flags mean for the plot's growing-area code, one sentence per kind of flag. */
export function flagMeaning(flags: readonly DiaryFlag[], plot: Pick<DiaryPlot, 'growing_area_id' | 'growing_area_code'>): string[] {
  const out: string[] = [];
  const markets = [
    ...new Set(
      flags.flatMap((f) => (f.reason === SUBSTANCE_REASONS.NOT_ALLOWED || f.reason === SUBSTANCE_REASONS.NOT_LISTED ? [f.market] : [])),
    ),
  ];
  if (markets.length) {
    const names = markets.map(marketName).join(', ');
    if (plot.growing_area_code) out.push(t('diaryMeaning_code', { code: plot.growing_area_code, markets: names }));
    else if (plot.growing_area_id !== null) out.push(t('diaryMeaning_area', { markets: names }));
    else out.push(t('diaryMeaning_noArea', { markets: names }));
  }
  const phi = flags.find((f): f is Extract<DiaryFlag, { reason: 'pre-harvest-interval' }> => f.reason === SUBSTANCE_REASONS.PHI);
  if (phi) {
    const key = plot.growing_area_code ? 'diaryMeaning_phiCode' : 'diaryMeaning_phi';
    out.push(t(key, { safe: date(phi.safeOn), harvest: date(phi.harvestOn), code: plot.growing_area_code ?? '' }));
  }
  return out;
}

/** What the flagged entries of a diary mean for the code, said once above the list: by market where the reasons are the service's, else in general. */
export function storedMeaning(entries: readonly DiaryEntry[], plot: Pick<DiaryPlot, 'growing_area_id' | 'growing_area_code'>): string[] {
  const flagged = entries.filter((e) => e.flagged);
  const substance = flagged
    .flatMap((e) => flagsOfStoredReason(e.flag_reason))
    .filter((f) => f.reason === SUBSTANCE_REASONS.NOT_ALLOWED || f.reason === SUBSTANCE_REASONS.NOT_LISTED);
  const meaning = flagMeaning(substance, plot);
  return meaning.length || flagged.length === 0 ? meaning : [t('diaryMeaning_general')];
}

/** Reason constants of the forms' checks, one i18n message each. */
export const DIARY_INPUT_REASONS = {
  REQUIRED: 'required',
  DATE_INVALID: 'date-invalid',
  DATE_FUTURE: 'date-in-future',
  TOO_LONG: 'too-long',
  PHI_RANGE: 'phi-range',
  RESULT_RANGE: 'result-range',
} as const;

/** The fields of the two forms. */
export type DiaryField =
  'appliedOn' | 'pesticide' | 'activeIngredient' | 'dose' | 'phiDays' | 'sampledOn' | 'lab' | 'resultMgKg' | 'verdict';

/** A field to fix, with the reason and the limit it broke. */
export type DiaryProblem = { field: DiaryField; reason: (typeof DIARY_INPUT_REASONS)[keyof typeof DIARY_INPUT_REASONS]; max?: number };

/** What was typed, as strings from the form. */
export type DiaryValues = Partial<Record<DiaryField, string>>;

/** The verdict on a form: the body to send, or the fields to fix. */
export type InputCheck<B> = { valid: true; body: B } | { valid: false; problems: DiaryProblem[] };

// Limits of the server's schemas (DiaryBody, ResidueBody in server/contracts/registry.ts).
const MAX_TEXT = 200;
const MAX_DOSE = 100;
const MAX_PHI = 365;
const MAX_RESULT = 100_000;

function isCalendarDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return m !== null && new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).toISOString().slice(0, 10) === value;
}

/** A decimal typed the Vietnamese way (0,05) or the English way (0.05); NaN for anything else. */
export function parseDecimal(text: string): number {
  const s = text.trim().replace(/\s/g, '');
  if (!/^\d+(?:[.,]\d+)?$/.test(s)) return Number.NaN;
  return Number(s.replace(',', '.'));
}

function checker(values: DiaryValues, today: string) {
  const problems: DiaryProblem[] = [];
  const text = (field: DiaryField) => (values[field] ?? '').trim();
  return {
    problems,
    text,
    required(field: DiaryField, max: number): void {
      if (!text(field)) problems.push({ field, reason: DIARY_INPUT_REASONS.REQUIRED });
      else this.length(field, max);
    },
    length(field: DiaryField, max: number): void {
      if ([...text(field)].length > max) problems.push({ field, reason: DIARY_INPUT_REASONS.TOO_LONG, max });
    },
    pastDate(field: DiaryField): void {
      const value = text(field);
      if (!value) problems.push({ field, reason: DIARY_INPUT_REASONS.REQUIRED });
      else if (!isCalendarDate(value)) problems.push({ field, reason: DIARY_INPUT_REASONS.DATE_INVALID });
      else if (value > today) problems.push({ field, reason: DIARY_INPUT_REASONS.DATE_FUTURE });
    },
  };
}

/** Checks the spray-record form against the server's schema (`today` on Vietnam's clock: a record is of a spray done). */
export function checkDiaryInput(values: DiaryValues, today: string): InputCheck<DiaryBody> {
  const c = checker(values, today);
  c.pastDate('appliedOn');
  c.required('pesticide', MAX_TEXT);
  c.required('activeIngredient', MAX_TEXT);
  c.length('dose', MAX_DOSE);
  const phiText = c.text('phiDays');
  const phi = phiText ? Number(phiText) : null;
  if (phi !== null && (!/^\d+$/.test(phiText) || phi > MAX_PHI))
    c.problems.push({ field: 'phiDays', reason: DIARY_INPUT_REASONS.PHI_RANGE });
  if (c.problems.length) return { valid: false, problems: c.problems };
  const dose = c.text('dose');
  return {
    valid: true,
    body: {
      appliedOn: c.text('appliedOn'),
      pesticide: c.text('pesticide'),
      activeIngredient: c.text('activeIngredient'),
      dose: dose || null,
      phiDays: phi,
    },
  };
}

/** Checks the residue-test form; the verdict 'auto' leaves it to the server's limits, 'pass'/'fail' is the lab's. */
export function checkResidueInput(values: DiaryValues, today: string): InputCheck<ResidueBody> {
  const c = checker(values, today);
  c.pastDate('sampledOn');
  c.length('lab', MAX_TEXT);
  c.required('activeIngredient', MAX_TEXT);
  const result = parseDecimal(c.text('resultMgKg'));
  if (!c.text('resultMgKg')) c.problems.push({ field: 'resultMgKg', reason: DIARY_INPUT_REASONS.REQUIRED });
  else if (!(result >= 0 && result <= MAX_RESULT)) c.problems.push({ field: 'resultMgKg', reason: DIARY_INPUT_REASONS.RESULT_RANGE });
  if (c.problems.length) return { valid: false, problems: c.problems };
  const verdict = c.text('verdict');
  const lab = c.text('lab');
  return {
    valid: true,
    body: {
      sampledOn: c.text('sampledOn'),
      ...(lab ? { lab } : {}),
      activeIngredient: c.text('activeIngredient'),
      resultMgKg: result,
      ...(verdict === 'pass' ? { passed: true } : verdict === 'fail' ? { passed: false } : {}),
    },
  };
}

/** The sentence for a field to fix. */
export function problemText(problem: DiaryProblem, today: string): string {
  return t(`diaryInput_${problem.reason}` as MessageKey, { max: problem.max ?? '', today: date(today) });
}

/** What a refusal may name: the substance and markets of a residue test judged by the server. */
export type DiaryRefusalContext = { ingredient?: string; markets?: readonly string[]; autoVerdict?: boolean; farmer?: boolean };

/**
 * The server's refusal in words, by status and code, never its English detail: offline, signed
 * out, not this viewer's commune (or a farmer, who may not write), the plot gone, input the schema
 * refused, a residue test with no limit listed for its substance (422 when the verdict was left to
 * the server), busy, and anything else by its status.
 */
export function diaryRefusalDetail(error: unknown, context: DiaryRefusalContext = {}): string {
  if (!(error instanceof HttpError)) return t('diaryRefusal_other', { status: '?' });
  const code = error.problem?.code;
  if (error.status === 0) return t('diaryRefusal_offline');
  if (error.status === 401) return t('diaryRefusal_signedOut');
  if (error.status === 403) return context.farmer ? t('diaryRefusal_farmer') : t('diaryRefusal_forbidden');
  if (error.status === 404) return t('diaryRefusal_gone');
  if (error.status === 422 && code === 'VALIDATION_FAILED' && context.autoVerdict) {
    return t('diaryRefusal_noMrl', {
      ingredient: context.ingredient ?? '',
      markets: marketsToCheck(context.markets ?? [])
        .map(marketName)
        .join(', '),
    });
  }
  if (error.status === 400 || error.status === 422) return t('diaryRefusal_badInput');
  if (error.status === 429 || error.status === 503) return t('diaryRefusal_busy');
  if (error.status >= 500) return t('diaryRefusal_server', { status: error.status });
  return t('diaryRefusal_other', { status: error.status });
}

// ---------------------------------------------------------------------------------------------
// The card

/** Who is looking: staff write (the server still checks the commune), a farmer reads their own plot. */
export type DiaryAccess = { canWrite: boolean; farmer: boolean };

type FormKind = 'diary' | 'residue';
type OpenForm = { kind: FormKind; inputs: Map<DiaryField, HTMLInputElement | HTMLSelectElement>; problems: DiaryProblem[] };

const DIARY_FIELDS: readonly DiaryField[] = ['appliedOn', 'pesticide', 'activeIngredient', 'dose', 'phiDays'];
const RESIDUE_FIELDS: readonly DiaryField[] = ['sampledOn', 'lab', 'activeIngredient', 'resultMgKg', 'verdict'];

/**
 * The diary card of one plot: what the registry checks against (markets, expected harvest, the
 * area's code), spray records newest first with the safe-harvest date each implies and the server's
 * flags, residue tests with pass/fail, and for staff the two forms. Inputs live across re-renders
 * (a language switch or a redraw of the details card keeps what was typed).
 */
export class PlotDiary {
  readonly element: HTMLElement;
  private plot: DiaryPlot | undefined;
  private entries: DiaryEntry[] = [];
  private tests: ResidueTest[] = [];
  private loadError: string | undefined;
  private open: OpenForm | undefined;
  private message: { text: string; error: boolean } | undefined;
  /** The flags of the entry just recorded (the server's structured verdict), shown above the list until the next action. */
  private lastFlags: { id: number; flags: DiaryFlag[] } | undefined;
  private busy = false;

  constructor(
    readonly plotId: number,
    private readonly access: DiaryAccess,
    /** Put before every id inside the card, so that two cards on one page (a list) keep them unique. */
    private readonly idPrefix = '',
  ) {
    this.element = h('section', { class: 'plot-diary', id: this.id('plot-diary') });
    this.render();
    void this.load();
  }

  /** An id inside this card. */
  private id(name: string): string {
    return `${this.idPrefix}${name}`;
  }

  private async load(): Promise<void> {
    try {
      const [plot, diary, residues] = await Promise.all([
        getJson<DiaryPlot>(`/api/plots/${this.plotId}`),
        getJson<{ entries: DiaryEntry[] }>(`/api/plots/${this.plotId}/diary`),
        getJson<{ tests: ResidueTest[] }>(`/api/plots/${this.plotId}/residue-tests`),
      ]);
      this.plot = plot;
      this.entries = newestFirst(diary.entries, (e) => e.applied_on);
      this.tests = newestFirst(residues.tests, (r) => r.sampled_on);
      this.loadError = undefined;
    } catch (error) {
      this.loadError = diaryRefusalDetail(error, { farmer: this.access.farmer });
    }
    this.render();
  }

  render(): void {
    clear(this.element);
    this.element.setAttribute('data-plot-id', String(this.plotId));
    this.element.append(h('h4', {}, t('diaryTitle')));
    const plot = this.plot;
    if (!plot) {
      this.element.append(
        h(
          'p',
          { class: this.loadError ? 'form-error' : 'hint' },
          this.loadError ? t('diaryLoadFailed', { detail: this.loadError }) : t('diaryLoading'),
        ),
      );
      return;
    }
    this.element.append(this.contextLine(plot));
    if (this.message) {
      this.element.append(
        h(
          'p',
          { class: this.message.error ? 'form-error' : 'diary-done', id: this.id('plot-diary-message'), role: 'alert' },
          this.message.text,
        ),
      );
    }
    if (this.lastFlags)
      this.element.append(this.warning(this.lastFlags.flags, flagMeaning(this.lastFlags.flags, plot), this.id('plot-diary-warning')));
    if (this.access.canWrite) this.element.append(this.open ? this.form(plot, this.open) : this.actions());
    else if (this.access.farmer) this.element.append(h('p', { class: 'hint' }, t('diaryReadOnlyFarmer')));
    this.element.append(this.diaryList(plot), this.residueList());
  }

  /** What the entries are checked against: the markets, the expected harvest and the area's code. */
  private contextLine(plot: DiaryPlot): HTMLElement {
    const markets = marketsToCheck(plot.markets).map(marketName).join(', ');
    return h(
      'p',
      { class: 'hint diary-context' },
      t('diaryContext', { markets, harvest: plot.expected_harvest ? date(plot.expected_harvest) : t('diaryNoHarvest') }),
      plot.growing_area_code ? ' · ' : '',
      plot.growing_area_code ? h('span', { class: 'diary-code' }, t('diaryAreaCode', { code: plot.growing_area_code })) : null,
    );
  }

  /** Flags in a box that cannot be missed, with what they mean for the code (said once: for a list, above it). */
  private warning(flags: readonly DiaryFlag[], meaning: readonly string[], id?: string): HTMLElement {
    return h(
      'div',
      { class: 'diary-warning', ...(id ? { id, role: 'alert' } : {}) },
      h('strong', {}, `⚠ ${t('diaryWarningTitle')}`),
      flags.length ? h('ul', {}, ...flags.map((f) => h('li', { 'data-reason': f.reason }, flagText(f)))) : null,
      ...meaning.map((m) => h('p', { class: 'diary-meaning' }, m)),
    );
  }

  private actions(): HTMLElement {
    return h(
      'div',
      { class: 'diary-actions' },
      h(
        'button',
        { type: 'button', class: 'btn btn-primary', id: this.id('diary-add'), onclick: () => this.openForm('diary') },
        t('diaryAdd'),
      ),
      h(
        'button',
        { type: 'button', class: 'btn', id: this.id('residue-add'), onclick: () => this.openForm('residue') },
        t('diaryAddResidue'),
      ),
    );
  }

  private openForm(kind: FormKind): void {
    const today = vnToday();
    const inputs = new Map<DiaryField, HTMLInputElement | HTMLSelectElement>();
    for (const field of kind === 'diary' ? DIARY_FIELDS : RESIDUE_FIELDS) {
      if (field === 'verdict') {
        inputs.set(
          field,
          h(
            'select',
            { name: field, id: this.id(`diary-${field}`) },
            ...(['auto', 'pass', 'fail'] as const).map((v) => h('option', { value: v }, t(`diaryVerdict_${v}`))),
          ),
        );
        continue;
      }
      const input = h('input', { name: field, id: this.id(`diary-${field}`), autocomplete: 'off' });
      if (field === 'appliedOn' || field === 'sampledOn') {
        input.type = 'date';
        input.value = today;
        input.max = today;
      }
      if (field === 'phiDays') {
        input.inputMode = 'numeric';
        input.placeholder = '14';
      }
      if (field === 'resultMgKg') {
        input.inputMode = 'decimal';
        input.placeholder = lang() === 'vi' ? '0,01' : '0.01';
      }
      if (field === 'dose') input.placeholder = t('diaryDosePlaceholder');
      if (field === 'activeIngredient') input.setAttribute('list', this.id('diary-substances'));
      // The form's preview of the safe-harvest date follows what is typed.
      if (kind === 'diary' && (field === 'appliedOn' || field === 'phiDays')) input.addEventListener('input', () => this.updatePreview());
      inputs.set(field, input);
    }
    this.open = { kind, inputs, problems: [] };
    this.message = undefined;
    this.lastFlags = undefined;
    this.render();
    this.element.querySelector<HTMLElement>('.diary-form input')?.focus();
  }

  /** The substances this plot's records already name, offered while typing (the server publishes no list of allowed ones). */
  private substances(): string[] {
    const names = [...this.entries.map((e) => e.active_ingredient), ...this.tests.map((r) => r.active_ingredient)];
    return [...new Set(names)].sort((a, b) => a.localeCompare(b));
  }

  private form(plot: DiaryPlot, open: OpenForm): HTMLElement {
    const today = vnToday();
    const labels = [...open.inputs].map(([field, input]) => {
      const problem = open.problems.find((p) => p.field === field);
      input.setAttribute('aria-invalid', problem ? 'true' : 'false');
      return h(
        'label',
        { class: `diary-field diary-field-${field}` },
        t(`diaryField_${field}` as MessageKey),
        input,
        problem
          ? h('span', { class: 'form-error', id: this.id(`diary-${field}-error`), role: 'alert' }, problemText(problem, today))
          : null,
      );
    });
    const form = h(
      'form',
      { class: 'diary-form', id: this.id(`${open.kind}-form`), novalidate: true },
      h('h5', {}, open.kind === 'diary' ? t('diaryAdd') : t('diaryAddResidue')),
      h('datalist', { id: this.id('diary-substances') }, ...this.substances().map((s) => h('option', { value: s }))),
      ...labels,
      open.kind === 'diary' ? h('p', { class: 'hint diary-preview', id: this.id('diary-preview'), 'aria-live': 'polite' }) : null,
      open.kind === 'residue' ? h('p', { class: 'hint' }, t('diaryVerdictHint')) : null,
      h(
        'div',
        { class: 'card-actions' },
        h(
          'button',
          {
            type: 'button',
            class: 'btn',
            id: this.id('diary-cancel'),
            onclick: () => {
              this.open = undefined;
              this.message = undefined;
              this.render();
            },
          },
          t('cancel'),
        ),
        h(
          'button',
          { type: 'submit', class: 'btn btn-primary', id: this.id('diary-save'), disabled: this.busy },
          this.busy ? t('diarySending') : t('save'),
        ),
      ),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.submit(plot, open);
    });
    queueMicrotask(() => this.updatePreview());
    return form;
  }

  /** Under the spray form: the safe-harvest date the interval gives, and the server's PHI warning before it is sent. */
  private updatePreview(): void {
    const preview = this.element.querySelector('.diary-preview');
    const open = this.open;
    if (!preview || !open || open.kind !== 'diary' || !this.plot) return;
    const appliedOn = open.inputs.get('appliedOn')?.value ?? '';
    const phiText = (open.inputs.get('phiDays')?.value ?? '').trim();
    const phi = /^\d+$/.test(phiText) && Number(phiText) <= MAX_PHI ? Number(phiText) : null;
    const safe = isCalendarDate(appliedOn) ? safeHarvestDate(appliedOn, phi) : null;
    const warning = phiWarning(appliedOn, phi, this.plot.expected_harvest);
    preview.textContent = safe ? t('diaryPreviewSafe', { date: date(safe) }) : '';
    preview.classList.toggle('is-warning', warning !== undefined);
    if (warning) preview.textContent += ` ${flagText(warning)}`;
  }

  private async submit(plot: DiaryPlot, open: OpenForm): Promise<void> {
    if (this.busy) return;
    const today = vnToday();
    const values = Object.fromEntries([...open.inputs].map(([field, input]) => [field, input.value])) as DiaryValues;
    const verdict = open.kind === 'diary' ? checkDiaryInput(values, today) : checkResidueInput(values, today);
    if (!verdict.valid) {
      open.problems = verdict.problems;
      this.message = undefined;
      this.render();
      this.element.querySelector<HTMLElement>('[aria-invalid=true]')?.focus();
      return;
    }
    open.problems = [];
    this.busy = true;
    this.message = undefined;
    this.render();
    const body = verdict.body;
    try {
      if (open.kind === 'diary') await this.sendDiary(plot, body as DiaryBody);
      else await this.sendResidue(body as ResidueBody);
      this.open = undefined;
    } catch (error) {
      const context: DiaryRefusalContext = {
        ingredient: body.activeIngredient,
        markets: plot.markets,
        autoVerdict: open.kind === 'residue' && (body as ResidueBody).passed === undefined,
        farmer: this.access.farmer,
      };
      this.message = { text: t('diaryFailed', { detail: diaryRefusalDetail(error, context) }), error: true };
    } finally {
      this.busy = false;
      this.render();
      this.element.querySelector('[role=alert]')?.scrollIntoView({ block: 'nearest' });
    }
  }

  private async sendDiary(plot: DiaryPlot, body: DiaryBody): Promise<void> {
    const response = await sendJson(`/api/plots/${this.plotId}/diary`, 'POST', body);
    const saved = (await response.json()) as DiaryEntry & { flags: SubstanceFlag[] };
    this.entries = newestFirst([...this.entries.filter((e) => e.id !== saved.id), saved], (e) => e.applied_on);
    const flags = flagsOfVerdict(saved.flags ?? [], body, plot.expected_harvest);
    this.lastFlags = flags.length ? { id: saved.id, flags } : undefined;
    const text = t(flags.length ? 'diarySavedFlagged' : 'diarySaved', { pesticide: body.pesticide, date: date(body.appliedOn) });
    this.message = { text, error: false };
  }

  private async sendResidue(body: ResidueBody): Promise<void> {
    const response = await sendJson(`/api/plots/${this.plotId}/residue-tests`, 'POST', body);
    const saved = (await response.json()) as ResidueTest;
    this.tests = newestFirst([...this.tests.filter((r) => r.id !== saved.id), saved], (r) => r.sampled_on);
    const text = t('diaryResidueSaved', {
      ingredient: saved.active_ingredient,
      verdict: saved.passed ? t('diaryResiduePassed') : t('diaryResidueFailed'),
    });
    this.message = { text, error: false };
  }

  private diaryList(plot: DiaryPlot): HTMLElement {
    const today = vnToday();
    const flaggedCount = this.entries.filter((e) => e.flagged).length;
    const items = this.entries.map((entry) => {
      const safe = safeHarvestDate(entry.applied_on, entry.phi_days);
      const flags = entry.flagged ? flagsOfStoredReason(entry.flag_reason) : [];
      const facts = [
        entry.dose ? `${t('diaryField_dose')}: ${entry.dose}` : '',
        entry.phi_days !== null ? t('diaryPhi', { days: entry.phi_days }) : t('diaryNoPhi'),
      ].filter(Boolean);
      return h(
        'li',
        { class: `diary-entry${entry.flagged ? ' is-flagged' : ''}`, 'data-id': String(entry.id), 'data-flagged': String(entry.flagged) },
        h(
          'div',
          { class: 'diary-entry-head' },
          h('time', { datetime: entry.applied_on }, date(entry.applied_on)),
          h('strong', {}, entry.pesticide),
          h('span', { class: 'diary-substance' }, entry.active_ingredient),
        ),
        h('div', { class: 'diary-facts' }, facts.join(' · ')),
        safe
          ? h(
              'div',
              { class: `diary-safe${inIsolation(entry, today) ? ' is-active' : ''}` },
              t('diarySafeFrom', { date: date(safe) }),
              inIsolation(entry, today) ? ` · ${t('diaryInIsolation')}` : '',
            )
          : null,
        flags.length ? this.warning(flags, []) : null,
      );
    });
    return h(
      'div',
      { class: 'diary-section' },
      h(
        'h5',
        {},
        t('diaryEntriesTitle', { count: this.entries.length }),
        flaggedCount ? h('span', { class: 'diary-flag-count' }, ` · ⚠ ${t('diaryFlaggedCount', { count: flaggedCount })}`) : '',
      ),
      // Just after a flagged record the box above says it already.
      flaggedCount && !this.lastFlags ? this.warning([], storedMeaning(this.entries, plot)) : null,
      items.length
        ? h('ol', { class: 'diary-entries', id: this.id('diary-entries') }, ...items)
        : h('p', { class: 'hint' }, t('diaryEmpty')),
    );
  }

  private residueList(): HTMLElement {
    const items = this.tests.map((test) =>
      h(
        'li',
        { class: `residue-test${test.passed ? '' : ' is-failed'}`, 'data-id': String(test.id), 'data-passed': String(test.passed) },
        h(
          'div',
          { class: 'diary-entry-head' },
          h('time', { datetime: test.sampled_on }, date(test.sampled_on)),
          h(
            'span',
            { class: `status-badge ${test.passed ? 'status-active' : 'status-revoked'}` },
            test.passed ? t('diaryResiduePassed') : t('diaryResidueFailed'),
          ),
        ),
        h(
          'div',
          { class: 'diary-facts' },
          t(test.passed ? 'diaryResidueResult' : 'diaryResidueOver', {
            ingredient: test.active_ingredient,
            result: formatNumber(Number(test.result_mg_kg), decimalsOf(Number(test.result_mg_kg))),
          }),
          test.mrlMgKg !== undefined && test.mrlMgKg !== null
            ? ` (${t('diaryResidueMrl', { mrl: formatNumber(test.mrlMgKg, decimalsOf(test.mrlMgKg)) })})`
            : '',
        ),
        h('div', { class: 'hint' }, test.lab ?? t('diaryResidueNoLab')),
      ),
    );
    return h(
      'div',
      { class: 'diary-section' },
      h('h5', {}, t('diaryResiduesTitle', { count: this.tests.length })),
      items.length
        ? h('ol', { class: 'residue-tests', id: this.id('residue-tests') }, ...items)
        : h('p', { class: 'hint' }, t('diaryResiduesEmpty')),
    );
  }
}

/** A folded "Farm diary" under a plot of a list ("my plots"): the card is read the first time it is opened. */
export function diaryDisclosure(plotId: number, access: DiaryAccess): HTMLElement {
  const details = h('details', { class: 'plot-diary-disclosure', 'data-plot-id': String(plotId) }, h('summary', {}, t('diaryTitle')));
  let card: PlotDiary | undefined;
  details.addEventListener('toggle', () => {
    if (!details.open || card) return;
    // The list holds one card per plot: ids inside must not repeat.
    card = new PlotDiary(plotId, access, `mine-${plotId}-`);
    details.append(card.element);
  });
  return details;
}

/** Decimals a residue figure needs (0.0025 mg/kg must not print as 0). */
function decimalsOf(value: number): number {
  const m = /\.(\d+)$/.exec(String(value));
  return Math.min(4, m?.[1]?.length ?? 0);
}
