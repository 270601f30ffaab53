// The farm diary ("nhật ký canh tác") and residue tests of one plot, in the details card and under
// "my plots". GACC and EU inspectors ask for the spray diary before an export code is granted or
// kept, so an officer in the field reads it and adds to it from a phone.
//
// The server is the authority (server/registry/plots.service.ts, README point 7): it checks each
// substance against allowed_substances for Vietnam and the area's markets, flags a pre-harvest
// interval that runs past the expected harvest, and decides a residue test against the strictest
// limit. Writing is for officers of the plot's commune and administrators; a farmer reads the
// diary of their own plots only. This module words the server's verdicts in the viewer's language
// from each entry's `problems` (reason codes with their facts, recorded when the entry was written;
// server/contracts/diary.ts); only an entry the server has no facts for (rows from before they
// were stored, such as the sample data's Vietnamese sentences) shows its stored text as it is.
// The spray form offers the allowed-substance lists of the plot's markets (GET /api/substances)
// and checks what is typed with the server's own rule before sending; free text stays possible.
import type { DiaryProblem as ServerProblem, ListedSubstance, SubstanceList } from '../../../server/contracts/diary.ts';
import type { DiaryBody, ResidueBody } from '../../../server/contracts/registry.ts';
import {
  addDays,
  checkDiaryEntry,
  foldIngredient,
  marketsToCheck,
  rulesOfList,
  SUBSTANCE_REASONS,
} from '../../../server/domain/substances.ts';
import { getJson, HttpError, sendJson } from '../api/http.ts';
import { formatNumber, lang, t } from '../i18n/i18n.ts';
import type { MessageKey } from '../i18n/vi.ts';
import { clear, h } from '../ui/dom.ts';
import { date, dateTime, marketName } from '../ui/feature-format.ts';
import type { TileViewer } from '../map/viewer-tiles.ts';
import { readKept, type KeptRead } from './registry-reads.ts';
import { viewerKey } from '../map/viewer-tiles.ts';
import {
  dropPending,
  keepPending,
  newDiaryKey,
  onDiaryOutbox,
  pendingOf,
  postDiary,
  sendPending,
  type PendingDiaryEntry,
} from './diary-outbox.ts';
import { dateWords } from '../ui/form-parts.ts';
import { quoted } from '../ui/short-text.ts';
import { vietnamToday } from '../../../server/domain/vietnam-time.ts';
import { EARLIEST_DONE_DATE } from '../../../server/domain/done-date.ts';
import { DOSE_MAX, DOSE_UNITS, isDoseUnit } from '../../../server/domain/diary-dose.ts';

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
  /** The dose as typed: free text on entries written before the figure and unit (migration 026); on later ones the figure and unit worded in Vietnamese. */
  dose: string | null;
  /** The dose's figure and unit (DOSE_UNITS), both or neither; absent from a server of before. */
  dose_amount?: number | null;
  dose_unit?: string | null;
  phi_days: number | null;
  flagged: boolean;
  flag_reason: string | null;
  /** Why it was flagged, as facts ([] when it was not); null when the server holds the reasons only as text. */
  problems?: ServerProblem[] | null;
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

/** Why an entry is flagged: the server's problem with its facts, or its stored text when it has none. */
export type DiaryFlag = ServerProblem | { reason: 'other'; text: string };

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

/**
 * The flags of a diary entry: the server's problems; for a flagged entry it has no facts for (null,
 * or an older server without them), its stored text as one flag shown as it is.
 */
export function flagsOfEntry(entry: Pick<DiaryEntry, 'flagged' | 'flag_reason' | 'problems'>): DiaryFlag[] {
  if (!entry.flagged) return [];
  if (entry.problems?.length) return entry.problems;
  const text = (entry.flag_reason ?? '').trim();
  return text ? [{ reason: 'other', text }] : [];
}

/**
 * What the server will flag for these values, by its own rule, for the form to show while typing:
 * against the lists the server published for the plot's markets, or, while they are unknown (not
 * loaded, or no ingredient typed yet), only the pre-harvest interval, which needs no list.
 */
export function previewProblems(
  entry: { activeIngredient: string; appliedOn: string; phiDays: number | null },
  plot: Pick<DiaryPlot, 'markets' | 'expected_harvest'>,
  list: SubstanceList | undefined,
): ServerProblem[] {
  if (!isCalendarDate(entry.appliedOn)) return [];
  const withLists = list !== undefined && entry.activeIngredient.trim() !== '';
  const verdict = checkDiaryEntry(
    { ...entry, activeIngredient: entry.activeIngredient.trim() },
    withLists ? plot.markets : [],
    withLists ? rulesOfList(list) : [],
    plot.expected_harvest,
  );
  return withLists ? verdict.flags : verdict.flags.filter((f) => f.reason === SUBSTANCE_REASONS.PHI);
}

/** The address of the lists the spray form offers: Vietnam's and the plot's markets (codes the endpoint takes). */
export function substancesUrl(markets: readonly string[]): string {
  const codes = marketsToCheck(markets).filter((m) => /^[A-Z]{2}$/.test(m));
  return `/api/substances?market=${codes.join(',')}`;
}

/** The listed substance an ingredient names, matched as the server matches (case, accents, spaces, hyphens folded). */
export function findSubstance(list: SubstanceList | undefined, ingredient: string): ListedSubstance | undefined {
  const wanted = foldIngredient(ingredient);
  return wanted ? list?.substances.find((s) => foldIngredient(s.activeIngredient) === wanted) : undefined;
}

/** Whether every market to check lists the substance and allows it. */
function allowedEverywhere(substance: ListedSubstance, markets: readonly string[]): boolean {
  return marketsToCheck(markets).every((m) => substance.rules.some((r) => r.market.toUpperCase() === m && r.allowed));
}

/** The substances to offer for a plot: those allowed in every market to check first, then the rest, each by name. */
export function substanceChoices(list: SubstanceList, markets: readonly string[]): ListedSubstance[] {
  return [...list.substances].sort(
    (a, b) =>
      Number(allowedEverywhere(b, markets)) - Number(allowedEverywhere(a, markets)) || a.activeIngredient.localeCompare(b.activeIngredient),
  );
}

/** What the lists say of a substance for the plot's markets: which forbid it, which have not listed it, and each maximum residue limit. */
export function substanceSummary(substance: ListedSubstance, markets: readonly string[]): string {
  const checked = marketsToCheck(markets);
  const rule = (m: string) => substance.rules.find((r) => r.market.toUpperCase() === m);
  const forbidden = checked.filter((m) => rule(m)?.allowed === false);
  const unlisted = checked.filter((m) => !rule(m));
  const limits = checked.flatMap((m) => {
    const mrl = rule(m)?.mrlMgKg;
    return mrl === null || mrl === undefined ? [] : [`${marketName(m)} ${formatNumber(mrl, decimalsOf(mrl))}`];
  });
  return [
    forbidden.length ? t('diarySubstanceForbidden', { markets: forbidden.map(marketName).join(', ') }) : '',
    unlisted.length ? t('diarySubstanceUnlisted', { markets: unlisted.map(marketName).join(', ') }) : '',
    !forbidden.length && !unlisted.length ? t('diarySubstanceAllowed') : '',
    limits.length ? t('diarySubstanceMrl', { limits: limits.join('; ') }) : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

/** Markets as a sentence names them: "EU", "Trung Quốc và EU"; in English "the EU market", "the China and EU markets". */
export function marketsPhrase(markets: readonly string[]): string {
  const names = new Intl.ListFormat(lang() === 'vi' ? 'vi' : 'en-GB', { type: 'conjunction' }).format(markets.map(marketName));
  return t(markets.length > 1 ? 'diaryMarkets_many' : 'diaryMarkets_one', { names });
}

/** One flag as a sentence, from its reason and facts (a reason this client does not know yet reads as the server's sentence). */
export function flagText(flag: DiaryFlag): string {
  if (flag.reason === 'other') return t('diaryFlag_other', { text: flag.text });
  if (flag.reason === SUBSTANCE_REASONS.PHI) {
    return t('diaryFlag_phi', { days: flag.phiDays, safe: date(flag.safeHarvestOn), harvest: date(flag.expectedHarvest) });
  }
  if (flag.reason === SUBSTANCE_REASONS.NOT_ALLOWED && flag.market === 'VN')
    return t('diaryFlag_bannedVN', { ingredient: quoted(flag.substance) });
  if (flag.reason === SUBSTANCE_REASONS.NOT_ALLOWED || flag.reason === SUBSTANCE_REASONS.NOT_LISTED) {
    const key = flag.reason === SUBSTANCE_REASONS.NOT_ALLOWED ? 'diaryFlag_notAllowed' : 'diaryFlag_notListed';
    return t(key, { ingredient: quoted(flag.substance), market: marketName(flag.market) });
  }
  return t('diaryFlag_other', { text: (flag as { message?: string }).message ?? '' });
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
    const names = marketsPhrase(markets);
    if (plot.growing_area_code) out.push(t('diaryMeaning_code', { code: plot.growing_area_code, markets: names }));
    else if (plot.growing_area_id !== null) out.push(t('diaryMeaning_area', { markets: names }));
    else out.push(t('diaryMeaning_noArea', { markets: names }));
  }
  const phi = flags.find((f): f is Extract<DiaryFlag, { reason: 'pre-harvest-interval' }> => f.reason === SUBSTANCE_REASONS.PHI);
  if (phi) {
    const key = plot.growing_area_code ? 'diaryMeaning_phiCode' : 'diaryMeaning_phi';
    out.push(t(key, { safe: date(phi.safeHarvestOn), harvest: date(phi.expectedHarvest), code: plot.growing_area_code ?? '' }));
  }
  return out;
}

/** What the flagged entries of a diary mean for the code, said once above the list: by market where the server named them, else in general. */
export function storedMeaning(entries: readonly DiaryEntry[], plot: Pick<DiaryPlot, 'growing_area_id' | 'growing_area_code'>): string[] {
  const flagged = entries.filter((e) => e.flagged);
  const substance = flagged
    .flatMap(flagsOfEntry)
    .filter((f) => f.reason === SUBSTANCE_REASONS.NOT_ALLOWED || f.reason === SUBSTANCE_REASONS.NOT_LISTED);
  const meaning = flagMeaning(substance, plot);
  return meaning.length || flagged.length === 0 ? meaning : [t('diaryMeaning_general')];
}

/** Reason constants of the forms' checks, one i18n message each. */
export const DIARY_INPUT_REASONS = {
  REQUIRED: 'required',
  DATE_INVALID: 'date-invalid',
  DATE_FUTURE: 'date-in-future',
  DATE_TOO_EARLY: 'date-too-early',
  TOO_LONG: 'too-long',
  PHI_RANGE: 'phi-range',
  RESULT_RANGE: 'result-range',
  DOSE_RANGE: 'dose-range',
  DOSE_UNIT: 'dose-unit',
} as const;

/** The fields of the two forms. */
export type DiaryField =
  'appliedOn' | 'pesticide' | 'activeIngredient' | 'dose' | 'doseUnit' | 'phiDays' | 'sampledOn' | 'lab' | 'resultMgKg' | 'verdict';

/** A field to fix, with the reason and the limit it broke. */
export type DiaryProblem = { field: DiaryField; reason: (typeof DIARY_INPUT_REASONS)[keyof typeof DIARY_INPUT_REASONS]; max?: number };

/** What was typed, as strings from the form. */
export type DiaryValues = Partial<Record<DiaryField, string>>;

/** The verdict on a form: the body to send, or the fields to fix. */
export type InputCheck<B> = { valid: true; body: B } | { valid: false; problems: DiaryProblem[] };

// Limits of the server's schemas (DiaryBody, ResidueBody in server/contracts/registry.ts).
const MAX_TEXT = 200;
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
      else if (value < EARLIEST_DONE_DATE) problems.push({ field, reason: DIARY_INPUT_REASONS.DATE_TOO_EARLY });
    },
  };
}

/** Checks the spray-record form against the server's schema (`today` on Vietnam's clock: a record is of a spray done). */
export function checkDiaryInput(values: DiaryValues, today: string): InputCheck<DiaryBody> {
  const c = checker(values, today);
  c.pastDate('appliedOn');
  c.required('pesticide', MAX_TEXT);
  c.required('activeIngredient', MAX_TEXT);
  // The dose: a figure above 0 and its unit from the list (server/domain/diary-dose.ts); none when
  // the figure is left empty, whatever unit the list shows.
  const doseText = c.text('dose');
  const doseAmount = doseText ? parseDecimal(doseText) : null;
  if (doseAmount !== null && !(doseAmount > 0 && doseAmount <= DOSE_MAX))
    c.problems.push({ field: 'dose', reason: DIARY_INPUT_REASONS.DOSE_RANGE });
  const doseUnit = c.text('doseUnit');
  if (doseAmount !== null && !isDoseUnit(doseUnit)) c.problems.push({ field: 'doseUnit', reason: DIARY_INPUT_REASONS.DOSE_UNIT });
  const phiText = c.text('phiDays');
  const phi = phiText ? Number(phiText) : null;
  if (phi !== null && (!/^\d+$/.test(phiText) || phi > MAX_PHI))
    c.problems.push({ field: 'phiDays', reason: DIARY_INPUT_REASONS.PHI_RANGE });
  if (c.problems.length) return { valid: false, problems: c.problems };
  return {
    valid: true,
    body: {
      appliedOn: c.text('appliedOn'),
      pesticide: c.text('pesticide'),
      activeIngredient: c.text('activeIngredient'),
      ...(doseAmount !== null && isDoseUnit(doseUnit) ? { doseAmount, doseUnit } : {}),
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
      ingredient: quoted(context.ingredient ?? ''),
      markets: marketsToCheck(context.markets ?? [])
        .map(marketName)
        .join(', '),
    });
  }
  // A dose the server refused (an older form, another client): what it takes, in words.
  if (error.status === 422 && String(error.problem?.reason ?? '').startsWith('dose-')) return t('diaryRefusal_dose');
  if (error.status === 400 || error.status === 422) return t('diaryRefusal_badInput');
  if (error.status === 429 || error.status === 503) return t('diaryRefusal_busy');
  if (error.status >= 500) return t('diaryRefusal_server', { status: error.status });
  return t('diaryRefusal_other', { status: error.status });
}

/**
 * Why the records could not be read, in words: with no network, that they could not be read and to
 * open them again with signal. Never the words of a refused save ("nothing was recorded"): under a
 * diary a farmer or a buyer reads that as "no spray on this plot".
 */
export function diaryLoadDetail(error: unknown, farmer: boolean): string {
  if (error instanceof HttpError && error.status === 0) return t('diaryLoad_offline');
  return diaryRefusalDetail(error, { farmer });
}

// ---------------------------------------------------------------------------------------------
// The card

/**
 * Who is looking: staff write (the server still checks the commune), a farmer reads their own plot.
 * `viewer`, the signed-in person, keys the reads the service worker keeps for the field (registry-reads.ts).
 */
export type DiaryAccess = { canWrite: boolean; farmer: boolean; viewer?: TileViewer };

type FormKind = 'diary' | 'residue';
/** An open form; `key`: a spray record's Idempotency-Key, made at its first Save and the same on every later one (diary-outbox.ts). */
type OpenForm = { kind: FormKind; inputs: Map<DiaryField, HTMLInputElement | HTMLSelectElement>; problems: DiaryProblem[]; key?: string };

const DIARY_FIELDS: readonly DiaryField[] = ['appliedOn', 'pesticide', 'activeIngredient', 'dose', 'doseUnit', 'phiDays'];

/** When a spray record that found no answer while the browser says it is online is sent again. */
const OUTBOX_RETRY_MS = 8000;

/** The unit a new spray record offers first: the 16-litre knapsack tank a farmer measures by. */
const FIRST_DOSE_UNIT = 'ml/16l';
const RESIDUE_FIELDS: readonly DiaryField[] = ['sampledOn', 'lab', 'activeIngredient', 'resultMgKg', 'verdict'];

/**
 * The diary card of one plot: what the registry checks against (markets, expected harvest, the
 * area's code), spray records newest first with the safe-harvest date each implies and the server's
 * flags, residue tests with pass/fail, and for staff the two forms. Inputs live across re-renders
 * (a language switch or a redraw of the details card keeps what was typed). Every text is worded
 * at render() from the card's state (the flags from their facts, the last answer from its facts);
 * its host renders it again on a language switch (the details panel, DiaryDisclosure).
 */
export class PlotDiary {
  readonly element: HTMLElement;
  private plot: DiaryPlot | undefined;
  private entries: DiaryEntry[] = [];
  private tests: ResidueTest[] = [];
  /** Why the card could not be read (worded when drawn: a language switch words it again). */
  private loadError: { error: unknown } | undefined;
  /** When the records shown were kept on the phone, when they are that copy (no network); undefined when fresh. */
  private savedAt: string | undefined;
  private open: OpenForm | undefined;
  /** The answer to the last action, worded in the language shown when drawn; `offline`: a save that found no network. */
  private message: { text: () => string; error: boolean; offline?: boolean } | undefined;
  /** Whether the card waits for the browser's 'online' (a save or a read that found no network). */
  private awaitingNetwork = false;
  /** Stops following the outbox (listenToOutbox), once no record of this plot waits. */
  private stopListening: (() => void) | undefined;
  /** The flags of the entry just recorded (the server's structured verdict), shown above the list until the next action. */
  private lastFlags: { id: number; flags: DiaryFlag[] } | undefined;
  /** The allowed-substance lists of the plot's markets, for the forms (staff only); undefined until read or when they could not be. */
  private list: SubstanceList | undefined;
  private listFailed = false;
  private busy = false;
  /** The session ended under the open form: only the form and the last answer are drawn, nothing read for the officer (hold). */
  private held = false;

  constructor(
    readonly plotId: number,
    private readonly access: DiaryAccess,
    /** Put before every id inside the card, so that two cards on one page (a list) keep them unique. */
    private readonly idPrefix = '',
    /** False inside a fold whose summary already says "Farm diary": the card does not say it again. */
    private readonly headed = true,
  ) {
    this.element = h('section', { class: 'plot-diary', id: this.id('plot-diary') });
    this.render();
    void this.load();
  }

  /** Whether one of the forms is open (with what was typed in it). */
  hasOpenForm(): boolean {
    return this.open !== undefined;
  }

  /**
   * The session ended under the card (`held`): it draws only the open form, as typed, and the last
   * answer (the refusal), none of the plot's records read for the officer, while the page shows a
   * guest. Not held (the same officer signed in again): the records are read again for them and
   * drawn around the form, which stays as it was.
   */
  hold(held: boolean): void {
    this.held = held;
    if (held) this.render();
    else void this.load();
  }

  /** An id inside this card. */
  private id(name: string): string {
    return `${this.idPrefix}${name}`;
  }

  private async load(): Promise<void> {
    try {
      // Under the viewer's key: the service worker keeps them for the field, for this viewer only.
      const viewer = this.access.viewer;
      const read = <T>(path: string): Promise<KeptRead<T>> =>
        viewer ? readKept<T>(path, viewer) : getJson<T>(path).then((body) => ({ body, savedAt: undefined }));
      const [plot, diary, residues] = await Promise.all([
        read<DiaryPlot>(`/api/plots/${this.plotId}`),
        read<{ entries: DiaryEntry[] }>(`/api/plots/${this.plotId}/diary`),
        read<{ tests: ResidueTest[] }>(`/api/plots/${this.plotId}/residue-tests`),
      ]).then(([p, d, r]) => {
        // The oldest of the copies is what the card says of them all.
        this.savedAt = [p.savedAt, d.savedAt, r.savedAt].filter((at): at is string => at !== undefined).sort()[0];
        return [p.body, d.body, r.body] as const;
      });
      this.plot = plot;
      this.entries = newestFirst(diary.entries, (e) => e.applied_on);
      this.tests = newestFirst(residues.tests, (r) => r.sampled_on);
      this.loadError = undefined;
    } catch (error) {
      this.loadError = { error };
      if (error instanceof HttpError && error.status === 0) this.whenOnline();
    }
    this.render();
    // Records of this plot waiting on the phone: followed, and sent now when there is a network.
    if (this.pending().length > 0) {
      this.listenToOutbox();
      if (navigator.onLine) void sendPending(this.access.viewer, this.plotId);
    }
    if (this.plot && this.access.canWrite) await this.loadSubstances(this.plot);
  }

  /** Reads the lists the forms offer; without them the forms still take any name (the server checks it). */
  private async loadSubstances(plot: DiaryPlot): Promise<void> {
    try {
      this.list = await getJson<SubstanceList>(substancesUrl(plot.markets));
      this.listFailed = false;
    } catch {
      this.listFailed = true;
    }
    // An open form keeps what was typed: only its choice list, the substance line and the preview follow.
    if (this.open) this.refreshChoices();
    else this.render();
  }

  render(): void {
    clear(this.element);
    this.element.setAttribute('data-plot-id', String(this.plotId));
    if (this.headed) this.element.append(h('h4', {}, t('diaryTitle')));
    const plot = this.plot;
    if (!plot) {
      this.element.append(
        h(
          'p',
          { class: this.loadError ? 'form-error' : 'hint' },
          this.loadError ? t('diaryLoadFailed', { detail: diaryLoadDetail(this.loadError.error, this.access.farmer) }) : t('diaryLoading'),
        ),
      );
      return;
    }
    if (this.held) {
      if (this.message) this.element.append(this.messageLine(this.message));
      if (this.open) this.element.append(this.form(plot, this.open));
      return;
    }
    this.element.append(this.contextLine(plot));
    if (this.savedAt) this.element.append(h('p', { class: 'hint diary-saved-copy' }, t('savedCopyAt', { time: dateTime(this.savedAt) })));
    if (this.message) this.element.append(this.messageLine(this.message));
    if (this.lastFlags)
      this.element.append(this.warning(this.lastFlags.flags, flagMeaning(this.lastFlags.flags, plot), this.id('plot-diary-warning')));
    if (this.access.canWrite) this.element.append(this.open ? this.form(plot, this.open) : this.actions());
    else if (this.access.farmer) this.element.append(h('p', { class: 'hint' }, t('diaryReadOnlyFarmer')));
    this.element.append(this.diaryList(plot), this.residueList());
  }

  /** The answer to the last action. */
  private messageLine(message: { text: () => string; error: boolean }): HTMLElement {
    return h('p', { class: message.error ? 'form-error' : 'diary-done', id: this.id('plot-diary-message'), role: 'alert' }, message.text());
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
      // A past expected harvest is last season's: no new spray is compared with it (checkDiaryEntry).
      plot.expected_harvest && plot.expected_harvest.slice(0, 10) < vietnamToday()
        ? h('span', { class: 'diary-harvest-passed' }, t('diaryHarvestPassed'))
        : null,
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
            ...(['auto', 'pass', 'fail'] as const).map((v) => h('option', { value: v })),
          ),
        );
        continue;
      }
      if (field === 'doseUnit') {
        const select = h('select', { name: field, id: this.id(`diary-${field}`) }, ...DOSE_UNITS.map((u) => h('option', { value: u })));
        select.value = FIRST_DOSE_UNIT;
        inputs.set(field, select);
        continue;
      }
      const input = h('input', { name: field, id: this.id(`diary-${field}`), autocomplete: 'off' });
      if (field === 'appliedOn' || field === 'sampledOn') {
        input.type = 'date';
        input.value = today;
        input.max = today;
      }
      if (field === 'phiDays') input.inputMode = 'numeric';
      if (field === 'resultMgKg' || field === 'dose') input.inputMode = 'decimal';
      if (field === 'activeIngredient') {
        input.setAttribute('list', this.id('diary-substances'));
        input.addEventListener('input', () => this.updateSubstanceInfo());
      }
      // The form's preview (safe-harvest date, what the server will flag) follows what is typed.
      if (kind === 'diary' && (field === 'appliedOn' || field === 'phiDays' || field === 'activeIngredient')) {
        input.addEventListener('input', () => this.updatePreview());
      }
      inputs.set(field, input);
    }
    this.open = { kind, inputs, problems: [] };
    this.message = undefined;
    this.lastFlags = undefined;
    this.render();
    this.element.querySelector<HTMLElement>('.diary-form input')?.focus();
  }

  /**
   * The choices of the ingredient field: the listed substances of the plot's markets, allowed ones
   * first, each labelled with the markets that forbid it and its limits; while the lists are not
   * read, the names this plot's records already use.
   */
  private choices(plot: DiaryPlot): HTMLOptionElement[] {
    if (this.list) {
      return substanceChoices(this.list, plot.markets).map((s) =>
        h('option', { value: s.activeIngredient, label: `${s.activeIngredient} — ${substanceSummary(s, plot.markets)}` }),
      );
    }
    const names = [...this.entries.map((e) => e.active_ingredient), ...this.tests.map((r) => r.active_ingredient)];
    return [...new Set(names)].sort((a, b) => a.localeCompare(b)).map((name) => h('option', { value: name }));
  }

  /** Puts the lists just read into an open form without redrawing it. */
  private refreshChoices(): void {
    const datalist = this.element.querySelector(`datalist`);
    if (datalist && this.plot) datalist.replaceChildren(...this.choices(this.plot));
    this.updateSubstanceInfo();
    this.updatePreview();
  }

  /** Under the ingredient field: what the lists say of the substance typed, or that they do not name it. */
  private updateSubstanceInfo(): void {
    const info = this.element.querySelector('.diary-substance-info');
    const typed = (this.open?.inputs.get('activeIngredient')?.value ?? '').trim();
    if (!info || !this.plot) return;
    const found = findSubstance(this.list, typed);
    info.textContent = found
      ? substanceSummary(found, this.plot.markets)
      : this.listFailed
        ? t('diarySubstancesFailed')
        : typed && this.list
          ? t('diarySubstanceNotListed', { ingredient: quoted(typed) })
          : '';
    info.classList.toggle('is-warning', found ? !allowedEverywhere(found, this.plot.markets) : Boolean(typed && this.list));
  }

  private form(plot: DiaryPlot, open: OpenForm): HTMLElement {
    const today = vnToday();
    const labels = [...open.inputs].flatMap(([field, input]) => {
      const problem = open.problems.find((p) => p.field === field);
      input.setAttribute('aria-invalid', problem ? 'true' : 'false');
      wordInput(field, input);
      const label = h(
        'label',
        { class: `diary-field diary-field-${field}` },
        t(`diaryField_${field}` as MessageKey),
        input,
        input instanceof HTMLInputElement && input.type === 'date' ? dateWords(input) : null,
        problem
          ? h('span', { class: 'form-error', id: this.id(`diary-${field}-error`), role: 'alert' }, problemText(problem, today))
          : null,
      );
      if (field !== 'activeIngredient') return [label];
      // What the lists say of the substance typed: beside the field, not in its name.
      input.setAttribute('aria-describedby', this.id('diary-substance-info'));
      return [label, h('p', { class: 'hint diary-substance-info', id: this.id('diary-substance-info'), 'aria-live': 'polite' })];
    });
    const form = h(
      'form',
      { class: 'diary-form', id: this.id(`${open.kind}-form`), novalidate: true },
      h('h5', {}, open.kind === 'diary' ? t('diaryAdd') : t('diaryAddResidue')),
      h('datalist', { id: this.id('diary-substances') }, ...this.choices(plot)),
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
    queueMicrotask(() => {
      this.updateSubstanceInfo();
      this.updatePreview();
    });
    return form;
  }

  /** Under the spray form: the safe-harvest date the interval gives, and what the server will flag, by its rule, before it is sent. */
  private updatePreview(): void {
    const preview = this.element.querySelector('.diary-preview');
    const open = this.open;
    if (!preview || !open || open.kind !== 'diary' || !this.plot) return;
    const appliedOn = open.inputs.get('appliedOn')?.value ?? '';
    const phiText = (open.inputs.get('phiDays')?.value ?? '').trim();
    const phi = /^\d+$/.test(phiText) && Number(phiText) <= MAX_PHI ? Number(phiText) : null;
    const safe = isCalendarDate(appliedOn) ? safeHarvestDate(appliedOn, phi) : null;
    const activeIngredient = open.inputs.get('activeIngredient')?.value ?? '';
    const problems = previewProblems({ activeIngredient, appliedOn, phiDays: phi }, this.plot, this.list);
    preview.textContent = [safe ? t('diaryPreviewSafe', { date: date(safe) }) : '', ...problems.map(flagText)].filter(Boolean).join(' ');
    preview.classList.toggle('is-warning', problems.length > 0);
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
    if (open.kind === 'diary') open.key ??= newDiaryKey();
    try {
      if (open.kind === 'diary') await this.sendDiary(plot, body as DiaryBody, open.key!);
      else await this.sendResidue(body as ResidueBody);
      this.open = undefined;
    } catch (error) {
      // No network: a spray record waits on the phone and goes by itself when the signal returns.
      if (open.kind === 'diary' && this.queue(error, body as DiaryBody, open.key!)) return;
      const context: DiaryRefusalContext = {
        ingredient: body.activeIngredient,
        markets: plot.markets,
        autoVerdict: open.kind === 'residue' && (body as ResidueBody).passed === undefined,
        farmer: this.access.farmer,
      };
      const offline = error instanceof HttpError && error.status === 0;
      this.message = { text: () => t('diaryFailed', { detail: diaryRefusalDetail(error, context) }), error: true, offline };
      if (offline) this.whenOnline();
    } finally {
      this.busy = false;
      this.render();
      this.element.querySelector('[role=alert]')?.scrollIntoView({ block: 'nearest' });
    }
  }

  /**
   * Once the signal is back: a save refused for want of network no longer says "no network" (it was
   * not sent, and nothing sends it by itself: the form still holds it, and the line says to press
   * Save), and records that could not be read are read.
   */
  private whenOnline(): void {
    if (this.awaitingNetwork || typeof window === 'undefined') return;
    this.awaitingNetwork = true;
    window.addEventListener(
      'online',
      () => {
        this.awaitingNetwork = false;
        if (this.message?.offline) this.message = { text: () => t('diaryBackOnline'), error: true };
        const unread = this.loadError?.error instanceof HttpError && this.loadError.error.status === 0;
        if (unread && !this.held) void this.load();
        else this.render();
      },
      { once: true },
    );
  }

  private async sendDiary(plot: DiaryPlot, body: DiaryBody, key: string): Promise<void> {
    this.recorded(await postDiary(this.plotId, body, key), body, false);
  }

  /** A spray record the server wrote (just now, or from the phone's outbox): into the list, and said above it. */
  private recorded(answer: Record<string, unknown>, body: DiaryBody, fromOutbox: boolean): void {
    const saved = answer as DiaryEntry & { flags?: ServerProblem[] };
    // `flags` holds the same objects for a server from before `problems`.
    saved.problems ??= saved.flags ?? null;
    this.entries = newestFirst([...this.entries.filter((e) => e.id !== saved.id), saved], (e) => e.applied_on);
    const flags = flagsOfEntry(saved);
    this.lastFlags = flags.length ? { id: saved.id, flags } : undefined;
    const words = { pesticide: body.pesticide, date: date(body.appliedOn) };
    const text = () => (fromOutbox ? t('diaryPendingSent', words) : t(flags.length ? 'diarySavedFlagged' : 'diarySaved', words));
    this.message = { text, error: false };
  }

  /**
   * Keeps a spray record that found no network on the phone (diary-outbox.ts): the form closes, the
   * record shows as waiting to be sent, and it goes by itself when the signal returns. False (the form
   * stays, and says nothing will send it) for any other failure, a guest, or a phone that keeps nothing.
   */
  private queue(error: unknown, body: DiaryBody, key: string): boolean {
    const viewer = this.access.viewer;
    if (!viewer || !(error instanceof HttpError) || error.status !== 0) return false;
    if (!keepPending({ key, viewer: viewerKey(viewer), plotId: this.plotId, body, savedAt: new Date().toISOString() })) return false;
    this.open = undefined;
    this.busy = false;
    this.message = { text: () => t('diaryQueued', { pesticide: body.pesticide, date: date(body.appliedOn) }), error: false };
    this.listenToOutbox();
    // Online by the browser's word, yet no answer came (a weak signal, an answer lost on the way, when
    // the server may have written it): tried again in a while, under the same key, without waiting for
    // an 'online' that will not come.
    if (navigator.onLine) setTimeout(() => void sendPending(viewer, this.plotId), OUTBOX_RETRY_MS);
    this.render();
    this.element.querySelector('#' + CSS.escape(this.id('diary-pending')))?.scrollIntoView({ block: 'nearest' });
    return true;
  }

  /** The spray records of this plot waiting on the phone for this viewer. */
  private pending(): PendingDiaryEntry[] {
    return this.access.viewer && this.access.canWrite ? pendingOf(this.access.viewer, this.plotId) : [];
  }

  /** Follows what the outbox's attempts come to for this plot (sent by the page when the signal returns, or by this card). */
  private listenToOutbox(): void {
    if (this.stopListening || !this.access.viewer) return;
    const key = viewerKey(this.access.viewer);
    this.stopListening = onDiaryOutbox((outcome) => {
      if (outcome.entry.plotId !== this.plotId || outcome.entry.viewer !== key) return;
      const words = { pesticide: outcome.entry.body.pesticide, date: date(outcome.entry.body.appliedOn) };
      if ('sent' in outcome) this.recorded(outcome.sent, outcome.entry.body, true);
      else if ('refused' in outcome) {
        const detail = () =>
          diaryRefusalDetail(outcome.refused, { ingredient: outcome.entry.body.activeIngredient, farmer: this.access.farmer });
        this.message = { text: () => t('diaryPendingRefused', { ...words, detail: detail() }), error: true };
      }
      if (this.pending().length === 0) {
        this.stopListening?.();
        this.stopListening = undefined;
      }
      if (!this.held) this.render();
    });
  }

  /** A waiting record's row: its date, product, substance and dose, "waiting to be sent", and a button to drop it. */
  private pendingItem(entry: PendingDiaryEntry): HTMLElement {
    const dose = doseText({
      dose: entry.body.dose ?? null,
      dose_amount: entry.body.doseAmount ?? null,
      dose_unit: entry.body.doseUnit ?? null,
    });
    return h(
      'li',
      { class: 'diary-entry is-pending', 'data-key': entry.key },
      h(
        'div',
        { class: 'diary-entry-head' },
        h('time', { datetime: entry.body.appliedOn }, date(entry.body.appliedOn)),
        h('strong', {}, entry.body.pesticide),
        h('span', { class: 'diary-substance' }, entry.body.activeIngredient),
      ),
      h(
        'div',
        { class: 'diary-facts' },
        [
          dose ? `${t('diaryField_dose')}: ${dose}` : '',
          entry.body.phiDays !== null && entry.body.phiDays !== undefined ? t('diaryPhi', { days: entry.body.phiDays }) : '',
        ]
          .filter(Boolean)
          .join(' · '),
      ),
      h('div', { class: 'diary-pending-badge' }, t('diaryPendingBadge')),
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-small diary-pending-drop',
          onclick: () => {
            dropPending(entry.key);
            this.render();
          },
        },
        t('diaryPendingDiscard'),
      ),
    );
  }

  private async sendResidue(body: ResidueBody): Promise<void> {
    const response = await sendJson(`/api/plots/${this.plotId}/residue-tests`, 'POST', body);
    const saved = (await response.json()) as ResidueTest;
    this.tests = newestFirst([...this.tests.filter((r) => r.id !== saved.id), saved], (r) => r.sampled_on);
    const text = () =>
      t('diaryResidueSaved', {
        ingredient: saved.active_ingredient,
        verdict: saved.passed ? t('diaryResiduePassed') : t('diaryResidueFailed'),
      });
    this.message = { text, error: false };
  }

  private diaryList(plot: DiaryPlot): HTMLElement {
    const pending = this.pending();
    const today = vnToday();
    const flaggedCount = this.entries.filter((e) => e.flagged).length;
    const items = this.entries.map((entry) => {
      const safe = safeHarvestDate(entry.applied_on, entry.phi_days);
      const flags = flagsOfEntry(entry);
      const facts = [
        doseText(entry) ? `${t('diaryField_dose')}: ${doseText(entry)}` : '',
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
      pending.length
        ? h(
            'div',
            { class: 'diary-pending', id: this.id('diary-pending') },
            h('h5', {}, t('diaryPendingTitle', { count: pending.length })),
            h('ol', { class: 'diary-entries' }, ...pending.map((entry) => this.pendingItem(entry))),
          )
        : null,
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

/**
 * A folded "Farm diary" under a plot of a list ("my plots"): the card is read the first time it is
 * opened. The list keeps one per plot across its redraws, and render() words it again (a language
 * switch), the card with what its form holds.
 */
export class DiaryDisclosure {
  readonly element: HTMLDetailsElement;
  private readonly summary = h('summary', {}, t('diaryTitle'));
  private card: PlotDiary | undefined;

  constructor(
    readonly plotId: number,
    access: DiaryAccess,
  ) {
    this.element = h('details', { class: 'plot-diary-disclosure', 'data-plot-id': String(plotId) }, this.summary);
    this.element.addEventListener('toggle', () => {
      if (!this.element.open || this.card) return;
      // The list holds one card per plot: ids inside must not repeat.
      this.card = new PlotDiary(plotId, access, `mine-${plotId}-`, false);
      this.element.append(this.card.element);
    });
  }

  /** Words the fold and the card inside it in the language shown. */
  render(): void {
    this.summary.textContent = t('diaryTitle');
    this.card?.render();
  }
}

/** The hint an empty field of the forms shows, in the language shown (decimals written the language's way); '' for none. */
export function fieldPlaceholder(field: DiaryField): string {
  if (field === 'dose') return t('diaryDosePlaceholder');
  if (field === 'activeIngredient') return t('diarySubstancePlaceholder');
  if (field === 'resultMgKg') return lang() === 'vi' ? '0,01' : '0.01';
  if (field === 'phiDays') return '14';
  return '';
}

/** Words a kept input of the forms at each render: its hint, and the verdict's choices (the choice made stays). */
function wordInput(field: DiaryField, input: HTMLInputElement | HTMLSelectElement): void {
  if (input instanceof HTMLSelectElement) {
    const prefix = field === 'doseUnit' ? 'diaryDoseUnit_' : 'diaryVerdict_';
    for (const option of input.options) option.textContent = t(`${prefix}${option.value}` as MessageKey);
    return;
  }
  const placeholder = fieldPlaceholder(field);
  if (placeholder) input.placeholder = placeholder;
}

/**
 * An entry's dose in the language shown: its figure and unit ("0,5 lít/ha", "0.5 l/ha"), else the
 * text as it was typed (entries from before the figure and unit, or an older client's); '' for none.
 */
export function doseText(entry: Pick<DiaryEntry, 'dose' | 'dose_amount' | 'dose_unit'>): string {
  const amount = entry.dose_amount === null || entry.dose_amount === undefined ? null : Number(entry.dose_amount);
  if (amount !== null && Number.isFinite(amount) && isDoseUnit(entry.dose_unit)) {
    return `${formatNumber(amount, decimalsOf(amount))} ${t(`diaryDoseUnit_${entry.dose_unit}`)}`;
  }
  return (entry.dose ?? '').trim();
}

/** Decimals a residue figure needs (0.0025 mg/kg must not print as 0). */
function decimalsOf(value: number): number {
  const m = /\.(\d+)$/.exec(String(value));
  return Math.min(4, m?.[1]?.length ?? 0);
}
