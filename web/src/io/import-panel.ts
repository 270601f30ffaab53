// "Nhập dữ liệu" in the Tools tab: an officer (planner for zoning, admin for all) picks or drops a
// survey file, checks it with a dry run that writes nothing, then imports it as a background job
// whose progress fills one bar (the upload first, by XMLHttpRequest's upload events, then the job's
// phases), and the map fetches its tiles again. "Huỷ" beside the bar cancels the job (nothing is
// written). Every answer is worded by import-logic.ts.
import type { LandUseMapWithCodes } from '../../../server/contracts/landuse-maps.ts';
import { describeError, getJson, HttpError, request } from '../api/http.ts';
import { postWithProgress } from '../api/upload.ts';
import type { SessionUser } from '../api/session.ts';
import { formatNumber, t } from '../i18n/i18n.ts';
import type { MessageKey } from '../i18n/vi.ts';
import type { MapHandle } from '../map/create-map.ts';
import { sheetPadding } from '../map/fit-padding.ts';
import { clear, h } from '../ui/dom.ts';
import { dateWords } from '../ui/form-parts.ts';
import { toast } from '../ui/toast.ts';
import {
  ACCEPT_ATTRIBUTE,
  CRS_CHOICES,
  ENCODING_CHOICES,
  checkFile,
  checkOptions,
  addPending,
  defaultOptions,
  diagnosisText,
  farmerLines,
  fileRefusalText,
  guardText,
  importGuard,
  importQuery,
  jobState,
  KEYED_COLLECTIONS,
  keyChoices,
  layerLines,
  limitOf,
  megabytesText,
  nothingWrittenText,
  parsePending,
  PENDING_KEY,
  pendingAfter,
  problemRows,
  problemTally,
  progressPercent,
  progressText,
  refusalText,
  reportCounts,
  sizeText,
  unsureRefusal,
  uploadRefusal,
  writtenExtent,
  type ImportFormOptions,
  type ImportGuard,
  type ImportJob,
  type ImportReport,
  type PendingImport,
  type Refusal,
} from './import-logic.ts';
import { writableCollections } from './import-collections.ts';

/** How often a running job is asked for its progress (ms). */
const POLL_MS = 700;
/** Failed polls in a row (a phone losing its signal) before the screen gives up following the job. */
const POLL_FAILURES = 8;
/** No upload progress for this long counts as a lost connection (ms). */
const STALL_MS = 60_000;
/**
 * How long a job the server calls interrupted is asked again before the screen says it cannot tell
 * (ms): a process that stalled past the heartbeat's 30 s may still commit, and then reports 'done'.
 */
const UNSURE_MS = 120_000;
/** How often such a job is asked again (ms). */
const UNSURE_POLL_MS = 3000;

/**
 * What a run ended with (a job whose outcome is not known yet stays in the pending list, not here);
 * the refusal is worded at each render, so a language switch turns it with the rest of the panel.
 */
type Outcome = { report?: ImportReport; refusal?: () => Refusal; cancelTooLate?: boolean };

class ImportPanel {
  readonly element = h('section', { class: 'import-panel', id: 'import-panel' });
  private file: File | undefined;
  private options: ImportFormOptions;
  private advanced = false;
  private busy: 'check' | 'import' | undefined;
  private fileError: string | undefined;
  /** The picked file's refusal (too large, a shapefile part…), worded at each render: nothing is sent until another is picked. */
  private refused: { reason: Parameters<typeof fileRefusalText>[0]; file: File } | undefined;
  /** The file last picked, while its check waits for the limit. */
  private picking: File | undefined;
  /** The server's largest import in bytes, from GET /api/import/limits; undefined until known. */
  private maxBytes: number | undefined;
  private readonly limitAsked: Promise<void>;
  private optionError: string | undefined;
  private outcome: Outcome | undefined;
  private page = 0;
  private maps: LandUseMapWithCodes[] | undefined;
  private readonly bar = h('progress', { id: 'import-progress', max: 100, value: 0 });
  private readonly barText = h('p', { class: 'hint import-progress-text', id: 'import-progress-text', 'aria-live': 'polite' });
  /** The progress line's words, kept to word it again in the language switched to. */
  private barWords: () => string = () => '';
  /** Imports of this tab whose outcome is not known yet (sessionStorage, so a reload still knows). */
  private pending: PendingImport[];
  /** The officer tapped "Vẫn nhập…" for the held file: the question is shown until answered or another file is picked. */
  private confirming = false;
  /** The job being followed now, which "Huỷ" cancels; undefined before the server's 202 and after the job ends. */
  private jobUrl: string | undefined;
  /** The job's cancel token from the server's 202 (none for a job followed again after a reload). */
  private jobToken: string | undefined;
  /** "Huỷ" was pressed for the job followed now. */
  private cancelling = false;

  constructor(
    readonly user: SessionUser,
    private readonly handle: MapHandle,
  ) {
    this.options = defaultOptions(user.role, user.communes);
    this.limitAsked = this.askLimit();
    this.pending = parsePending(readStorage(PENDING_KEY), user.username);
    if (this.pending.length > 0) void this.askPending();
  }

  /** Replaces the pending list and keeps it for a reload of this tab. */
  private setPending(list: PendingImport[]): void {
    this.pending = list;
    writeStorage(PENDING_KEY, JSON.stringify(list));
  }

  /**
   * Asks once about each import a reload (or a new panel) found pending: one that ended is told and
   * lifts its guard; one still running is followed again as if the page had never left it; one still
   * unknown keeps its guard, quietly (the officer asks again with "Kiểm tra lại").
   */
  private async askPending(): Promise<void> {
    for (const entry of [...this.pending].reverse()) {
      let job: ImportJob;
      try {
        job = await getJson<ImportJob>(entry.url, { cache: 'no-store' });
      } catch (error) {
        if (error instanceof HttpError) this.setPending(pendingAfter(this.pending, entry.url, { status: error.status }));
        continue;
      }
      if (this.busy) return;
      if (jobState(job) === 'running') return this.recheck(entry.url);
      if (jobState(job) === 'unsure') continue;
      this.outcome = await this.conclude(entry.url, job);
    }
    if (!this.busy) this.render();
  }

  /**
   * Asks the server's upload limit. Not knowing it (an older server, no signal) leaves the check to
   * the server; a limit the server changed since is seen because the answer is revalidated each time.
   */
  private async askLimit(): Promise<void> {
    try {
      const limit = limitOf(await getJson<unknown>('/api/import/limits', { cache: 'no-cache' }));
      if (limit === undefined || limit === this.maxBytes) return;
      this.maxBytes = limit;
      // The form names the limit under the drop zone; a run in progress renders when it ends.
      if (!this.busy) this.render();
    } catch {
      // Unknown stays unknown; what was known before stays.
    }
  }

  /** Draws the panel again where it stood: emptying it would otherwise scroll its panel back to the top. */
  render(): void {
    const scrolled: [Element, number][] = [];
    for (let e = this.element.parentElement; e; e = e.parentElement) if (e.scrollTop > 0) scrolled.push([e, e.scrollTop]);
    this.draw();
    for (const [e, top] of scrolled) e.scrollTop = top;
  }

  private draw(): void {
    clear(this.element);
    const o = this.options;
    const collections = writableCollections(this.user.role);
    const asks = collections.find((c) => c.id === o.collection)?.asks;
    const select = <K extends keyof ImportFormOptions>(
      field: K,
      id: string,
      choices: readonly string[],
      label: (value: string) => string,
      rerender = false,
    ) =>
      h(
        'select',
        {
          id,
          name: field,
          disabled: Boolean(this.busy),
          onchange: (event: Event) => {
            (this.options as Record<K, unknown>)[field] = (event.target as HTMLSelectElement).value;
            if (rerender) this.render();
          },
        },
        ...choices.map((value) => h('option', { value, selected: value === o[field] }, label(value))),
      );
    const text = (field: 'commune' | 'communeDate' | 'plan' | 'mapping' | 'key', id: string, attrs: Record<string, string> = {}) =>
      h('input', {
        id,
        name: field,
        value: o[field],
        disabled: Boolean(this.busy),
        autocomplete: 'off',
        ...attrs,
        oninput: (event: Event) => {
          this.options[field] = (event.target as HTMLInputElement).value.trim();
        },
      });
    const check = (field: 'repair' | 'strict' | 'relocate' | 'datumShift', id: string, label: MessageKey) =>
      h(
        'label',
        { class: 'import-check' },
        h('input', {
          type: 'checkbox',
          id,
          checked: field === 'datumShift' ? o.datumShift === 'off' : o[field],
          disabled: Boolean(this.busy),
          onchange: (event: Event) => {
            const on = (event.target as HTMLInputElement).checked;
            if (field === 'datumShift') this.options.datumShift = on ? 'off' : '';
            else this.options[field] = on;
          },
        }),
        h('span', {}, t(label)),
      );

    const input = h('input', {
      type: 'file',
      id: 'import-file',
      accept: ACCEPT_ATTRIBUTE,
      class: 'sr-only',
      disabled: Boolean(this.busy),
      onchange: (event: Event) => this.pick((event.target as HTMLInputElement).files?.[0]),
    });
    const drop = h(
      'label',
      {
        class: `import-drop${this.file ? ' has-file' : ''}`,
        id: 'import-drop',
        ondragover: (event: Event) => {
          event.preventDefault();
          drop.classList.add('is-over');
        },
        ondragleave: () => drop.classList.remove('is-over'),
        ondrop: (event: Event) => {
          event.preventDefault();
          drop.classList.remove('is-over');
          if (!this.busy) this.pick((event as DragEvent).dataTransfer?.files[0]);
        },
      },
      input,
      h(
        'span',
        { class: 'import-drop-text' },
        this.file ? t('importPicked', { name: this.file.name, size: sizeText(this.file.size) }) : t('importDrop'),
      ),
    );

    const fields: Node[] = [
      h(
        'label',
        {},
        t('importCollection'),
        select(
          'collection',
          'import-collection',
          collections.map((c) => c.id),
          (v) => t(`importCollection_${v}` as MessageKey),
          true,
        ),
      ),
      h(
        'label',
        {},
        t('importCrs'),
        select('crs', 'import-crs', CRS_CHOICES, (v) => t((v ? `importCrs_${v}` : 'importCrs_auto') as MessageKey)),
      ),
      h(
        'label',
        {},
        t('importEncoding'),
        select('encoding', 'import-encoding', ENCODING_CHOICES, (v) =>
          t((v ? `importEncoding_${v}` : 'importEncoding_auto') as MessageKey),
        ),
      ),
    ];
    if (asks === 'commune') {
      fields.push(
        h(
          'label',
          {},
          t('importCommune'),
          text('commune', 'import-commune', { inputmode: 'numeric', maxlength: '5', pattern: '[0-9]{5}' }),
          h('small', { class: 'hint' }, t('importCommuneHint')),
        ),
      );
    } else if (asks === 'map') {
      if (!this.maps) void this.loadMaps();
      fields.push(
        h(
          'label',
          {},
          t('importMap'),
          select('map', 'import-map', ['', ...(this.maps ?? []).map((m) => String(m.id))], (v) => {
            const m = this.maps?.find((x) => String(x.id) === v);
            return m ? `${m.name} (${m.year}${m.periodTo ? `–${m.periodTo}` : ''})` : t('importMapNone');
          }),
        ),
      );
    } else if (asks === 'plan') {
      fields.push(h('label', {}, t('importPlan'), text('plan', 'import-plan', { inputmode: 'numeric' })));
    }

    const advanced = h(
      'details',
      {
        class: 'import-advanced',
        id: 'import-advanced',
        open: this.advanced,
        ontoggle: (event: Event) => (this.advanced = (event.target as HTMLDetailsElement).open),
      },
      h('summary', {}, t('importAdvanced')),
      o.collection === 'parcels'
        ? (() => {
            const communeDate = text('communeDate', 'import-commune-date', { type: 'date' });
            return h('label', {}, t('importCommuneDate'), communeDate, dateWords(communeDate));
          })()
        : null,
      h(
        'label',
        {},
        t('importAxis'),
        select('axis', 'import-axis', ['', 'ne', 'en'], (v) => t(`importAxis_${v || 'auto'}` as MessageKey)),
      ),
      check('datumShift', 'import-datum-shift', 'importDatumShift'),
      h(
        'label',
        {},
        t('importMapping'),
        text('mapping', 'import-mapping', { spellcheck: 'false' }),
        h('small', { class: 'hint' }, t('importMappingHint')),
      ),
      KEYED_COLLECTIONS.includes(o.collection)
        ? h(
            'label',
            {},
            t('importKey'),
            text('key', 'import-key', { spellcheck: 'false', maxlength: '200' }),
            h('small', { class: 'hint' }, t('importKeyHint')),
          )
        : null,
      check('repair', 'import-repair', 'importRepair'),
      check('strict', 'import-strict', 'importStrict'),
      check('relocate', 'import-relocate', 'importRelocate'),
    );

    const error =
      (this.refused && fileRefusalText(this.refused.reason, this.refused.file, this.maxBytes)) ?? this.fileError ?? this.optionError;
    const guard = importGuard(this.pending, this.file);
    appendAll(
      this.element,
      h('h3', { class: 'panel-subtitle' }, t('importTitle')),
      h('p', { class: 'hint' }, t('importIntro')),
      drop,
      this.maxBytes !== undefined
        ? h('p', { class: 'hint import-limit', id: 'import-limit' }, t('importLimit', { limit: megabytesText(this.maxBytes, 'down') }))
        : null,
      error ? h('p', { class: 'form-error', id: 'import-form-error', role: 'alert' }, error) : null,
      h('div', { class: 'import-fields' }, ...fields),
      advanced,
      h(
        'div',
        { class: 'import-actions' },
        h(
          'button',
          {
            type: 'button',
            class: 'btn',
            id: 'import-check',
            disabled: Boolean(this.busy) || Boolean(this.refused),
            onclick: () => void this.run('check'),
          },
          this.busy === 'check' ? t('importBusy') : t('importCheck'),
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'btn btn-primary',
            id: 'import-run',
            // Held while an earlier import of this very file has no known outcome: a second tap on a weak
            // link must not send it again unasked (the guard below says why and offers to ask or go on).
            disabled: Boolean(this.busy) || Boolean(this.refused) || guard.kind === 'same',
            'aria-describedby': guard.kind === 'same' ? 'import-guard-text' : undefined,
            onclick: () => void this.run('import'),
          },
          this.busy === 'import' ? t('importBusy') : t('importRun'),
        ),
      ),
      this.busy ? null : this.renderGuard(guard),
      this.busy || this.bar.value > 0
        ? h('div', { class: 'import-progress' }, h('div', { class: 'import-progress-row' }, this.bar, this.cancelButton()), this.reworded())
        : null,
      this.outcome ? this.renderOutcome(this.outcome) : null,
    );
  }

  private async pick(file: File | undefined): Promise<void> {
    if (!file) return;
    this.picking = file;
    // The limit is asked when the form opens; a file picked before the answer waits for it (milliseconds).
    await this.limitAsked;
    if (this.picking !== file) return;
    this.refuseOrTake(file);
    this.outcome = undefined;
    this.confirming = false;
    this.setBar(0, () => '', false);
    this.render();
  }

  /** Takes the file, or refuses it in words and keeps the buttons off until another is picked. */
  private refuseOrTake(file: File): boolean {
    const verdict = checkFile(file, this.maxBytes);
    this.file = verdict.valid ? file : undefined;
    this.refused = verdict.valid ? undefined : { reason: verdict.reason, file };
    this.fileError = undefined;
    return verdict.valid;
  }

  private async loadMaps(): Promise<void> {
    this.maps = [];
    try {
      this.maps = (await getJson<{ maps: LandUseMapWithCodes[] }>('/api/landuse-maps')).maps;
    } catch {
      // The select then offers no map, and the check says the map is missing.
    }
    this.render();
  }

  /**
   * "Huỷ" beside the bar while a job runs: no question asked, since a cancelled import writes nothing
   * and the file can be imported again; the job's end (failed with ABORTED) says so in words.
   */
  private cancelButton(): HTMLElement | null {
    if (this.busy !== 'import' || !this.jobUrl) return null;
    return h(
      'button',
      {
        type: 'button',
        class: 'btn',
        id: 'import-cancel',
        'aria-label': t('importCancelLabel'),
        disabled: this.cancelling,
        onclick: () => void this.cancel(),
      },
      t('importCancel'),
    );
  }

  /** Asks the server to cancel the job followed now; following it goes on, and its end is told as usual. */
  private async cancel(): Promise<void> {
    const url = this.jobUrl;
    if (!url || this.cancelling) return;
    this.cancelling = true;
    this.setBar(Number(this.bar.value), () => t('importStage_cancelling'));
    // Only the button changes: a whole render would move the panel's scroll away from the bar.
    const button = this.element.querySelector<HTMLButtonElement>('#import-cancel');
    if (button) button.disabled = true;
    try {
      // With the job's cancel token and no cookie, the server needs no query to stop it: on the embedded
      // database the import holds the one connection, and a signed-in request would wait for its end.
      if (this.jobToken && (await cancelWithToken(url, this.jobToken))) return;
      // The page's memory may have lost the CSRF token (reloaded); the session hands it back.
      const me = await getJson<{ csrfToken?: string | null }>('/api/auth/me', { cache: 'no-store' });
      await request(url, { method: 'DELETE', headers: me.csrfToken ? { 'X-CSRF-Token': me.csrfToken } : {} });
    } catch (error) {
      // 409: the job had ended; following it tells how. Anything else: it goes on, and the officer is told.
      if (error instanceof HttpError && error.status === 409) return;
      this.cancelling = false;
      if (this.jobUrl === url) this.render();
      toast(() => t('importCancelFailed', { reason: describeError(error) }));
    }
  }

  /** Sets the bar; within one run it only grows (a job's first answer may know less than the upload did). */
  /** The progress line in the language shown now (render runs again on a language switch). */
  private reworded(): HTMLElement {
    this.barText.textContent = this.barWords();
    return this.barText;
  }

  private setBar(pct: number, words: () => string, grow = true): void {
    const value = grow ? Math.max(pct, Number(this.bar.value)) : pct;
    this.bar.value = value;
    this.bar.dataset.pct = String(value);
    this.barWords = words;
    this.barText.textContent = words();
  }

  /** Checks or imports the picked file; `confirmed` is the officer's "Vẫn nhập" over a held file. */
  private async run(kind: 'check' | 'import', confirmed = false): Promise<void> {
    this.confirming = false;
    // The button is off while held; a keyboard or a stale tap still never sends the file unasked.
    if (kind === 'import' && !confirmed && importGuard(this.pending, this.file).kind === 'same') return this.render();
    this.fileError = this.file ? undefined : t('importNoFile');
    const verdict = checkOptions(this.options);
    this.optionError = verdict.valid ? undefined : t(`importOptionRefused_${verdict.reason}` as MessageKey);
    if (this.options.collection === 'landuse' && !this.options.map && !this.optionError) this.optionError = t('importOptionRefused_map');
    if (!this.file || this.fileError || this.optionError) return this.render();
    const file = this.file;
    this.busy = kind;
    this.outcome = undefined;
    this.page = 0;
    this.setBar(0, () => progressText({ upload: 0, bytes: file.size }), false);
    this.render();
    // The bar is what moves while the work runs (a large file takes tens of seconds): in sight, under the buttons.
    this.element.querySelector('.import-progress')?.scrollIntoView({ block: 'nearest' });
    // Asked again: the server may have been restarted with another limit since the file was picked.
    await this.askLimit();
    if (!this.refuseOrTake(file)) {
      this.busy = undefined;
      this.setBar(0, () => '', false);
      return this.render();
    }
    try {
      this.outcome = kind === 'check' ? await this.dryRun(file) : await this.importJob(file);
    } catch (error) {
      // No answer at all: was it the limit? The server is asked again rather than guessed at.
      if (error instanceof HttpError && error.status === 0) await this.askLimit();
      this.outcome = { refusal: this.refusalOf(error, file) };
      // A limit learnt from the failure refuses the file like a pick would: the buttons go off for it.
      this.refuseOrTake(file);
    }
    this.busy = undefined;
    if (this.outcome.refusal && !this.outcome.report) this.setBar(0, () => '', false);
    this.render();
    this.element.querySelector('#import-result')?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }

  private async dryRun(file: File): Promise<Outcome> {
    const { status, body } = await upload(`/api/import?${importQuery(this.options, { dryRun: true, async: false })}`, file, (f) =>
      this.setBar(progressPercent({ upload: f }), () => progressText({ upload: f, bytes: file.size })),
    );
    this.setBar(progressPercent({ phase: 'validating', read: 0, total: null }), () => t('importStage_validating'));
    if (status !== 200) throw problemError(status, body);
    this.setBar(100, () => t('importStage_checked'));
    return { report: body as unknown as ImportReport };
  }

  private async importJob(file: File): Promise<Outcome> {
    const { status, body } = await upload(`/api/import?${importQuery(this.options, { dryRun: false, async: true })}`, file, (f) =>
      this.setBar(progressPercent({ upload: f }), () => progressText({ upload: f, bytes: file.size })),
    );
    if (status !== 202 || typeof body.url !== 'string') throw problemError(status, body);
    // Pending from the moment the server took it: a reload or a lost signal from here on leaves it unknown.
    this.setPending(
      addPending(this.pending, {
        url: body.url,
        user: this.user.username,
        name: file.name,
        size: file.size,
        collection: this.options.collection,
        at: Date.now(),
      }),
    );
    return this.settle(body.url, typeof body.cancelToken === 'string' ? body.cancelToken : undefined);
  }

  /** Follows the job at this URL to its end and tells it; a job whose outcome stays unknown stays pending and held. */
  private async settle(url: string, cancelToken?: string): Promise<Outcome> {
    let job: ImportJob | undefined;
    this.jobUrl = url;
    this.jobToken = cancelToken;
    this.cancelling = false;
    this.render();
    let asked = false;
    try {
      job = await this.follow(url);
    } catch (error) {
      if (error instanceof HttpError) this.setPending(pendingAfter(this.pending, url, { status: error.status }));
      throw error;
    } finally {
      asked = this.cancelling;
      this.jobUrl = undefined;
      this.jobToken = undefined;
      this.cancelling = false;
    }
    return job ? this.conclude(url, job, asked) : { refusal: unsureRefusal };
  }

  /** Tells a job that ended, and lifts the guard its file had. */
  private async conclude(url: string, job: ImportJob, cancelAsked = false): Promise<Outcome> {
    this.setPending(pendingAfter(this.pending, url, { job }));
    if (job.status === 'failed') {
      const code = job.error?.code ?? 'IMPORT_FAILED';
      return { refusal: () => refusalText(500, code, job.error?.message ?? '') };
    }
    const report = job.report!;
    this.setBar(100, () => t('importStage_done'));
    const written = report.counts.inserted + report.counts.updated;
    if (written > 0) {
      await this.handle.showEdits().catch(() => undefined);
      toast(() => t('importMapRefreshed', { n: formatNumber(written) }));
      const extent = writtenExtent(report);
      // The officer sees what the file put on the map, clear of the sheet the panel is on a phone.
      if (extent) this.handle.map.fitBounds(extent, { padding: sheetPadding(this.handle, this.element), maxZoom: 18 });
    }
    // Cancelled too late: the import had committed, and the report says what it wrote.
    const cancelTooLate = cancelAsked || Boolean(job.cancelRequestedAt);
    // A refusal only when every row was refused: unchanged rows beside refused ones are not (nothingWrittenText).
    if (report.counts.valid === 0 && report.counts.refused > 0)
      return { report, refusal: () => refusalText(422, 'VALIDATION_FAILED'), cancelTooLate };
    return { report, cancelTooLate };
  }

  /**
   * Polls the job until it ends. The outcome is unknown while polls fail (no signal) or the server
   * calls the job interrupted (its heartbeat stopped, yet a stalled process may still commit): the
   * screen says so and asks again; undefined when it stays unknown (too many failures, or UNSURE_MS).
   */
  private follow(url: string): Promise<ImportJob | undefined> {
    return new Promise((resolve, reject) => {
      let failures = 0;
      let unsureSince: number | undefined;
      const poll = async () => {
        let wait = POLL_MS;
        try {
          const job = await getJson<ImportJob>(url, { cache: 'no-store' });
          failures = 0;
          const state = jobState(job);
          if (state === 'unsure') {
            unsureSince ??= Date.now();
            if (Date.now() - unsureSince > UNSURE_MS) return resolve(undefined);
            this.barWords = () => t('importStage_unsure');
            this.barText.textContent = this.barWords();
            wait = UNSURE_POLL_MS;
          } else {
            unsureSince = undefined;
            this.setBar(progressPercent(state === 'running' ? job.progress : { ...job.progress, phase: 'done' }), () =>
              this.cancelling && state === 'running' ? t('importStage_cancelling') : progressText(job.progress),
            );
            if (state === 'settled') return resolve(job);
          }
        } catch (error) {
          if (error instanceof HttpError && error.status !== 0 && error.status < 500) return reject(error);
          if (++failures >= POLL_FAILURES) return resolve(undefined);
          this.barWords = () => t('importStage_unsure');
          this.barText.textContent = this.barWords();
        }
        setTimeout(() => void poll(), wait);
      };
      void poll();
    });
  }

  /** Asks a job whose outcome was unknown again, and tells what the server reports now. */
  private async recheck(url: string): Promise<void> {
    this.busy = 'import';
    this.outcome = undefined;
    this.setBar(0, () => t('importStage_unsure'), false);
    this.render();
    try {
      this.outcome = await this.settle(url);
    } catch (error) {
      this.outcome = { refusal: this.refusalOf(error, undefined) };
    }
    this.busy = undefined;
    this.render();
    this.element.querySelector('#import-result')?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }

  /** An error of a run in words; for the upload itself, judged against the file's size and the known limit. */
  private refusalOf(error: unknown, file: File | undefined): () => Refusal {
    if (!(error instanceof HttpError)) return () => refusalText(500, undefined);
    const limit = limitOf(error.problem);
    if (error.status === 413 && limit !== undefined) this.maxBytes = limit;
    // Judged on the limit known now; only the wording waits for the render.
    const [size, known] = [file?.size ?? 0, this.maxBytes];
    return () => uploadRefusal(error.status, error.problem, error.message, size, known);
  }

  /**
   * Beside the buttons while an earlier import's outcome is unknown: for the same file, why "Nhập" is
   * off, "Kiểm tra lại" and "Vẫn nhập…" (which asks, naming the risk); for another file, a line only.
   */
  private renderGuard(guard: ImportGuard): HTMLElement | null {
    if (guard.kind === 'clear') return null;
    const url = guard.pending.url;
    const button = (id: string, label: MessageKey, onclick: () => void, kind = '') =>
      h('button', { type: 'button', class: `btn${kind ? ` btn-${kind}` : ''}`, id, onclick }, t(label));
    const recheck = (primary: boolean) => button('import-recheck', 'importRecheck', () => void this.recheck(url), primary ? 'primary' : '');
    const box = (text: string, ...buttons: HTMLElement[]) =>
      h(
        'div',
        {
          class: `import-guard is-${guard.kind}${guard.kind === 'same' ? ' import-cause' : ''}`,
          id: 'import-guard',
          'data-kind': guard.kind,
        },
        h('p', { id: 'import-guard-text', class: guard.kind === 'same' ? undefined : 'hint' }, text),
        h('div', { class: 'import-actions' }, ...buttons),
      );
    if (guard.kind === 'earlier') return box(guardText(guard), recheck(false));
    if (this.confirming) {
      return box(
        t('importGuardConfirm'),
        button('import-guard-cancel', 'importGuardConfirmNo', () => {
          this.confirming = false;
          this.render();
        }),
        button('import-guard-confirm', 'importGuardConfirmYes', () => void this.run('import', true), 'danger'),
      );
    }
    return box(
      guardText(guard),
      recheck(true),
      button('import-guard-override', 'importGuardOverride', () => {
        this.confirming = true;
        this.render();
        this.element.querySelector<HTMLElement>('#import-guard-cancel')?.focus();
      }),
    );
  }

  private renderOutcome(outcome: Outcome): HTMLElement {
    const box = h('div', { class: 'import-result', id: 'import-result' });
    const refusal = outcome.refusal?.();
    if (refusal) {
      box.append(
        h(
          'div',
          { class: 'import-refusal', id: 'import-refusal', role: 'alert' },
          h('strong', {}, refusal.title),
          h('p', {}, refusal.advice),
          // The server's own sentence (English) beside the worded refusal, as it answered.
          refusal.detail ? h('p', { class: 'hint', id: 'import-refusal-detail', lang: 'en' }, refusal.detail) : null,
        ),
      );
    }
    const report = outcome.report;
    if (!report) return box;
    const written = report.counts.inserted + report.counts.updated;
    const nothingWritten = nothingWrittenText(report);
    appendAll(
      box,
      // Where the red refusal of a whole file would stand: what happened, before the figures.
      nothingWritten ? h('p', { class: 'import-headline', id: 'import-headline', role: 'status' }, nothingWritten) : null,
      outcome.cancelTooLate
        ? h('p', { class: 'import-headline', id: 'import-cancel-late', role: 'status' }, t('importCancelTooLate'))
        : null,
      h('h4', { id: 'import-report-title' }, t(report.dryRun ? 'importDryTitle' : 'importDoneTitle')),
      h(
        'ul',
        { class: 'import-counts', id: 'import-counts', 'data-dry-run': String(report.dryRun) },
        ...reportCounts(report).map((line) => h('li', {}, line)),
      ),
      !report.dryRun && written === 0 && !outcome.refusal && !nothingWritten ? h('p', { class: 'hint' }, t('importDoneNothing')) : null,
      report.farmers
        ? h('ul', { class: 'import-farmers', id: 'import-farmers' }, ...farmerLines(report).map((line) => h('li', {}, line)))
        : null,
      h('ul', { class: 'import-layers', id: 'import-layers' }, ...layerLines(report).map((line) => h('li', {}, line))),
    );
    // A file no known column keys: one button per column that could, to check it again keyed by it.
    const choices = report.dryRun ? keyChoices(report) : [];
    if (choices.length > 0) {
      box.append(
        h(
          'div',
          { class: 'import-key-choices', id: 'import-key-choices' },
          ...choices.map((column) =>
            h(
              'button',
              {
                type: 'button',
                class: 'btn',
                'data-key': column,
                onclick: () => {
                  this.options.key = column;
                  this.advanced = true;
                  void this.run('check');
                },
              },
              t('importUseKey', { column }),
            ),
          ),
        ),
      );
    }
    if (report.crsDiagnosis) {
      const { text, fix } = diagnosisText(report.crsDiagnosis, this.options);
      box.append(
        h(
          'div',
          { class: 'import-cause', id: 'import-cause' },
          h('strong', {}, t('importCauseTitle')),
          h('p', {}, text),
          Object.keys(fix).length
            ? h(
                'button',
                {
                  type: 'button',
                  class: 'btn',
                  id: 'import-try-fix',
                  onclick: () => {
                    Object.assign(this.options, fix);
                    if (fix.datumShift !== undefined || fix.axis !== undefined) this.advanced = true;
                    void this.run('check');
                  },
                },
                t('importTryFix'),
              )
            : null,
        ),
      );
    }
    const { rows, listed, total, pages } = problemRows(report, this.page, this.options);
    if (total > 0) {
      const page = Math.min(this.page, pages - 1);
      appendAll(
        box,
        h('h4', {}, t('importProblemsTitle')),
        h('ul', { class: 'import-tally', id: 'import-tally' }, ...problemTally(report).map((line) => h('li', {}, line))),
        h(
          'ol',
          { class: 'import-problems', id: 'import-problems' },
          ...rows.map((r) => h('li', { class: `is-${r.severity}` }, h('span', { class: 'import-where' }, r.where), ' ', r.text)),
        ),
        pages > 1
          ? h(
              'div',
              { class: 'import-pager' },
              h(
                'button',
                { type: 'button', class: 'btn', id: 'import-prev', disabled: page === 0, onclick: () => this.turn(-1) },
                t('importPrev'),
              ),
              h('span', { class: 'hint' }, t('importProblemsShown', { page: page + 1, pages, listed: formatNumber(listed) })),
              h(
                'button',
                { type: 'button', class: 'btn', id: 'import-next', disabled: page >= pages - 1, onclick: () => this.turn(1) },
                t('importNext'),
              ),
            )
          : null,
        report.problemsOmitted > 0
          ? h('p', { class: 'hint' }, t('importProblemsOmitted', { n: formatNumber(report.problemsOmitted) }))
          : null,
      );
    }
    // The readers' own notes (a .prj's shift, a CSV's axis guess) are technical English: folded away.
    const notes = report.warnings.filter((w) => !w.startsWith('Required columns with no source field'));
    if (notes.length > 0) {
      box.append(
        h(
          'details',
          { class: 'import-notes' },
          h('summary', {}, t('importOtherNotes', { n: notes.length })),
          h('ul', { lang: 'en' }, ...notes.map((w) => h('li', {}, w))),
        ),
      );
    }
    return box;
  }

  private turn(delta: number): void {
    this.page = Math.max(0, this.page + delta);
    this.render();
    this.element.querySelector('#import-problems')?.scrollIntoView({ block: 'nearest' });
  }
}

/** Posts the file as multipart (field "file"); XMLHttpRequest because fetch reports no upload progress. */
async function upload(
  url: string,
  file: File,
  onUpload: (fraction: number) => void,
): Promise<{ status: number; body: Record<string, unknown> }> {
  // The page's memory may have lost the CSRF token (reloaded); the session hands it back.
  const me = await getJson<{ csrfToken?: string | null }>('/api/auth/me', { cache: 'no-store' });
  const form = new FormData();
  form.append('file', file, file.name);
  const answer = await postWithProgress({
    url,
    body: form,
    headers: { Accept: 'application/json', ...(me.csrfToken ? { 'X-CSRF-Token': me.csrfToken } : {}) },
    stallMs: STALL_MS,
    onProgress: (loaded, total) => {
      if (total) onUpload(loaded / total);
    },
    onSent: () => onUpload(1),
  });
  return { status: answer.status, body: answer.body ?? {} };
}

/**
 * DELETE of a job with its cancel token, without credentials: true when the server took it (202);
 * false when the token is not known there (404: the job ended, or runs in another server process),
 * for the signed-in request to try.
 */
async function cancelWithToken(url: string, token: string): Promise<boolean> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'DELETE',
      credentials: 'omit',
      headers: { Accept: 'application/json', 'X-Import-Cancel-Token': token },
    });
  } catch {
    throw new HttpError(0, navigator.onLine ? 'unreachable' : 'offline', undefined, undefined);
  }
  if (response.status === 202) return true;
  if (response.status === 404) return false;
  throw new HttpError(response.status, `${response.status}`, undefined, response);
}

/** Appends the children that are there (a part the state leaves out is null). */
function appendAll(parent: HTMLElement, ...children: (Node | null)[]): void {
  for (const child of children) if (child) parent.append(child);
}

/** The tab's storage, or nothing when the browser refuses it (a private window's quota): the guard then lasts the page. */
function readStorage(key: string): string | null {
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

function writeStorage(key: string, value: string): void {
  try {
    if (value === '[]') sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, value);
  } catch {
    // Kept in memory only.
  }
}

function problemError(status: number, body: Record<string, unknown>): HttpError {
  return new HttpError(status, typeof body.detail === 'string' ? body.detail : String(status), body, undefined);
}

let panel: ImportPanel | undefined;

/**
 * The import section for this user, kept across tab switches and language changes (a running job
 * goes on being followed while the viewer looks at the layers); a new user gets a new form.
 */
export function importPanel(user: SessionUser, handle: MapHandle): HTMLElement {
  if (!panel || panel.user.username !== user.username || panel.user.role !== user.role) panel = new ImportPanel(user, handle);
  panel.render();
  return panel.element;
}
