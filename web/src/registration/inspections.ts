// Field inspections (kiểm tra thực địa) of a growing area, inside its lifecycle card: the recorded
// inspections newest first with their checklist and photos, and for an officer in the orchard a form
// with the date (Vietnam's clock), conclusion, checklist, notes and photos from the phone's camera.
// The inspection is written first; its photos then join the page's outbox (photo-outbox.ts), which
// keeps each on the phone (IndexedDB) until the server has it and sends them one by one with their
// progress shown here, each one retried on its own without writing the inspection again, also after
// a reload. Each picked photo carries one random Idempotency-Key on every attempt: a retry after an
// answer lost on the way back gets the photo the server stored then, not a second copy. Once a photo
// is stored the phone makes its small version (a JPEG of at most 480 px) and sends it too; the list
// shows those (making the missing ones of older photos, photo-thumbnail.ts), the dialog the photo itself.
// Until the server has recorded it, the form itself is a draft on the phone (storage/inspection-drafts.ts),
// written as the officer types and picks photos: a failed POST, a tab the system killed while the camera
// was open, a closed card or another area tapped lose nothing, and the same officer finds the form filled
// back when the area's card opens again. It goes when the server answers 2xx or the officer discards it.
// Every POST of one form carries the same random Idempotency-Key (kept in the draft): sent again after
// an answer lost on the way back, it gets the inspection recorded then, not a second one. With the
// signal back the form offers one tap to send; it does not send by itself while the officer may still
// be changing it.
import {
  acceptsInspection,
  CHECKLIST_ITEMS,
  checklistItemLabel,
  INSPECTABLE_STATUSES,
  type GrowingAreaStatus,
} from '../../../server/domain/growing-area-lifecycle.ts';
import { REGISTRY_REASON } from '../../../server/contracts/registry-codes.ts';
import type { InspectionPhoto } from '../../../server/contracts/registry.ts';
import { checkPhotoFile, readJpegGeotag, type Geotag, type PhotoRefusal, type PhotoType } from '../../../server/domain/photo-facts.ts';
import {
  DraftStoreError,
  openInspectionDrafts,
  type DraftFields,
  type DraftPhoto,
  type InspectionDraft,
  type InspectionDraftStore,
} from '../storage/inspection-drafts.ts';
import type { PhotoStoreProblem } from '../storage/photo-store.ts';
import { getJson, HttpError, sendJson } from '../api/http.ts';
import type { TileViewer } from '../map/viewer-tiles.ts';
import { formatNumber, lang, t } from '../i18n/i18n.ts';
import type { MessageKey } from '../i18n/vi.ts';
import { askBeforeActing } from '../ui/confirm-dialog.ts';
import { clear, h } from '../ui/dom.ts';
import { date, dateTime } from '../ui/feature-format.ts';
import { dateWords, formButtons } from '../ui/form-parts.ts';
import { toast } from '../ui/toast.ts';
import {
  checkInspectionInput,
  failedUnderPass,
  INSPECTION_INPUT_REASONS,
  inspectableOf,
  PHOTO_HEAD_BYTES,
  refusalOf,
  vietnamToday,
  type ChecklistAnswer,
  type InspectionInputReason,
  type InspectionRefusal,
  type Position,
} from './inspection-input.ts';
import { statusLabel } from './lifecycle-refusal.ts';
import { retriesByItself, type OutboxPhoto } from './photo-outbox.ts';
import { outbox } from './photo-outbox-page.ts';
import { photoLine } from './photo-provenance.ts';
import { loadThumbnail, whenNearScreen } from './photo-thumbnail.ts';
import { readKept } from './registry-reads.ts';

/** The DOM event the section sends (bubbling) when it has recorded an inspection. */
export const INSPECTION_RECORDED = 'inspection-recorded';

/** An inspection as GET /api/growing-areas/:id/inspections lists it (the fields the section reads). */
export type InspectionRecord = {
  id: number;
  inspector_name: string | null;
  inspected_on: string;
  checklist: { item: string; ok: boolean; note?: string | null }[];
  conclusion: 'pass' | 'fail' | null;
  notes: string | null;
  photos: InspectionPhoto[];
};

/**
 * A photo picked for the next inspection, checked and with the phone's position asked for at that
 * moment; `uploadKey` names it to the server on every attempt (kept with it in the outbox).
 */
type Picked = {
  key: number;
  uploadKey: string;
  file: File;
  type: PhotoType;
  geotag: Geotag | null;
  position: Promise<Position | undefined>;
  located?: Position | null;
  /** When it was picked (ms): its order in the draft. */
  pickedAt: number;
  /** Its bytes are in the draft on the phone. */
  kept?: boolean;
};

/** The open form; its text inputs live across re-renders (a language switch keeps what was typed). */
type Form = {
  /** The officer whose draft this is (the username signed in when it was opened). */
  owner: string;
  date: HTMLInputElement;
  notes: HTMLTextAreaElement;
  conclusion: 'pass' | 'fail' | '';
  checklist: (ChecklistAnswer & { noteInput: HTMLInputElement })[];
  photos: Picked[];
  refused: string[];
  problems: InspectionInputReason[];
  message?: string;
  busy: boolean;
  /** When the draft was last written on the phone (ms); undefined while nothing is kept there. */
  savedAt?: number;
  /** The last POST failed for want of a connection; `netBack` once the browser says it is online again. */
  waitingForNet?: boolean;
  netBack?: boolean;
  /** The Idempotency-Key of every POST of this form (see InspectionDraft.requestKey). */
  requestKey: string;
  /** Recorded or discarded: nothing more of it is written to the phone. */
  dropped?: boolean;
};

/** Pause in typing after which the draft is written (the camera may kill the tab a moment later). */
const DRAFT_SAVE_MS = 300;

let pickedKeys = 0;

/** The field-inspections section of one growing area. */
export class InspectionsSection {
  readonly element = h('section', { class: 'inspections', id: 'inspections', 'aria-labelledby': 'inspections-title' });
  private records: InspectionRecord[] | undefined;
  private loadError: string | undefined;
  /** The list could not be read for want of a network (and no copy was kept): said calmly, the form still offered. */
  private listOffline = false;
  /** Who the page says is signed in (the card's host): the key of the kept reads, and the officer when /api/auth/me cannot be asked. */
  pageViewer: () => TileViewer = () => undefined;
  private viewer: { role: string; csrf: string | null; username: string } | undefined;
  /** The statuses that take an inspection: the registry's rule, replaced by the server's own list once a 409 names it. */
  private inspectable: readonly string[] = INSPECTABLE_STATUSES;
  private form: Form | undefined;
  /** The outbox photos' rows by upload key, kept so progress redraws one row, not the section. */
  private readonly rows = new Map<string, HTMLLIElement>();
  /** Thumbnails by inspection/photo, kept so a re-render does not fetch the images again. */
  private readonly thumbs = new Map<string, HTMLElement>();
  private drawnFor = '';
  /** Why the phone keeps no draft (said in the open form), or undefined while it does. */
  private draftProblem: PhotoStoreProblem | undefined;
  /** The officer closed the form with Cancel: its draft waits on the phone, behind the "continue" button. */
  private draftWaiting = false;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  /** The open form's "draft kept at…" line, updated in place as the officer types (a render would move the focus). */
  private draftLine: { line: HTMLElement; time: HTMLElement } | undefined;
  /** The session ended under the open form: only the form is drawn, and nothing is read until its officer is back (hold). */
  private held = false;

  constructor(
    readonly areaId: number,
    private status: GrowingAreaStatus,
    pageViewer: () => TileViewer,
  ) {
    this.pageViewer = pageViewer;
    outbox.subscribe((event) => {
      if (event.kind === 'progress') {
        if (event.photo.areaId === this.areaId) this.drawUpload(event.photo);
      } else if (event.kind === 'stored') {
        this.stored(event.inspectionId, event.photoId, event.record, event.small);
      } else if (event.kind === 'changed' && this.element.isConnected) {
        this.drawOutbox();
      }
    });
    this.render();
    void this.load();
  }

  /** The card re-rendered: a new status (a lifecycle step may have recorded an inspection) reloads; a new language redraws. */
  update(status: GrowingAreaStatus): void {
    if (status !== this.status) {
      this.status = status;
      void this.load();
    }
    if (this.drawnFor !== `${this.status}:${lang()}`) this.render();
  }

  /** Whether the form is open (with what was typed and picked). */
  hasOpenForm(): boolean {
    return this.form !== undefined;
  }

  /**
   * The session ended under the open form (`held`): only the form is drawn, as typed, none of the
   * inspections read for the officer, and nothing is read (a guest's answer would take the form away
   * as another person's). Not held (the same officer signed in again): read again and drawn whole.
   */
  hold(held: boolean): void {
    this.held = held;
    if (held) this.render();
    else void this.load();
  }

  /** A new card of the same area (the officer came back, or someone else signed in): read everything again. */
  reopen(status: GrowingAreaStatus): void {
    this.status = status;
    this.render();
    void this.load();
  }

  private async load(): Promise<void> {
    if (this.held) return;
    // Who is asking decides the form; the same answer carries the CSRF token the photo uploads send.
    const me = getJson<{ role?: string; csrfToken?: string | null; user?: { username?: string } | null }>('/api/auth/me').then(
      (answer) => ({ role: String(answer.role ?? 'anonymous'), csrf: answer.csrfToken ?? null, username: answer.user?.username ?? '' }),
      () => undefined,
    );
    try {
      const read = await readKept<{ inspections: InspectionRecord[] }>(`/api/growing-areas/${this.areaId}/inspections`, this.pageViewer());
      this.records = read.body.inspections;
      this.loadError = undefined;
      this.listOffline = false;
    } catch (error) {
      this.listOffline = refusalOf(error) === 'offline';
      this.loadError = this.listOffline ? undefined : this.refusalText(error);
    }
    const answered = await me;
    // No answer (no signal in the field): the page's word of who signed in stands, without a CSRF
    // token, which is asked for again before anything is sent (network(), submit()).
    const page = this.pageViewer();
    const viewer = answered ?? this.viewer ?? (page && { role: page.role, csrf: null, username: page.username });
    if (this.viewer && viewer && viewer.username !== this.viewer.username) {
      // Another person signed in on this phone: what the previous one typed is not theirs (their draft
      // stays on the phone under their name).
      this.form = undefined;
      this.draftWaiting = false;
    }
    this.viewer = viewer;
    // The uploads of the outbox carry the token of the session that sends them (who owns the photos is
    // the app's to say, at sign-in and sign-out: an answer here may come after the next sign-in).
    if (answered && isStaff(answered.role)) outbox.setToken(answered.username, answered.csrf);
    // The officer's draft of this area, if the phone keeps one (a reload, a killed tab, a card opened again).
    if (!this.form && !this.draftWaiting && viewer && isStaff(viewer.role) && viewer.username) await this.restoreDraft(viewer.username);
    this.render();
  }

  /** The browser says the connection is back (or gone): a form that failed for want of it offers to send. */
  network(online: boolean): void {
    if (online) void this.readAgain();
    const form = this.form;
    if (!form?.waitingForNet || form.busy || form.netBack === online) return;
    form.netBack = online;
    if (this.element.isConnected) this.render();
  }

  /**
   * Back online: a list that could not be read, or an officer known only by the page's word (no token
   * for the uploads yet), is read again. The browser says "online" as the link comes up, a moment
   * before requests go through: a few tries.
   */
  private async readAgain(): Promise<void> {
    const wanted = () => this.element.isConnected && (this.listOffline || (this.viewer !== undefined && !this.viewer.csrf));
    for (let attempt = 0; attempt < 4 && wanted(); attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 2000));
      if (navigator.onLine) await this.load();
    }
  }

  private canRecord(): boolean {
    const role = this.viewer?.role;
    return (role === 'officer' || role === 'admin') && acceptsInspection(this.status, this.inspectable);
  }

  render(): void {
    this.drawnFor = `${this.status}:${lang()}`;
    // A redraw while the officer types (a photo's position came) moves the inputs into a new form: keep the caret.
    const focused = document.activeElement;
    this.draw();
    if (focused instanceof HTMLElement && focused !== document.activeElement && this.element.contains(focused)) focused.focus();
  }

  private draw(): void {
    clear(this.element);
    if (this.held) {
      this.element.append(h('h4', { id: 'inspections-title' }, t('inspectionsTitle')));
      if (this.form) this.element.append(this.drawForm(this.form));
      return;
    }
    const count = this.records?.length;
    this.element.append(
      h('h4', { id: 'inspections-title' }, t('inspectionsTitle'), count ? h('span', { class: 'hint' }, ` (${count})`) : null),
    );
    if (this.form) this.element.append(this.drawForm(this.form));
    else if (this.canRecord()) {
      this.element.append(
        h(
          'button',
          { type: 'button', class: 'btn btn-primary', id: 'inspection-new', onclick: () => void this.openForm() },
          t(this.draftWaiting ? 'inspectionDraftResume' : 'inspectionNew'),
        ),
      );
    } else if (this.viewer && (this.viewer.role === 'officer' || this.viewer.role === 'admin')) {
      this.element.append(
        h(
          'p',
          { class: 'hint', id: 'inspections-not-now' },
          t('inspectionsNotNow', {
            status: statusLabel(this.status),
            statuses: this.inspectable.map((s) => `“${statusLabel(s)}”`).join(', '),
          }),
        ),
      );
    }
    this.element.append(this.outboxElement);
    this.drawOutbox();
    if (this.records === undefined && this.listOffline) {
      this.element.append(h('p', { class: 'hint', id: 'inspections-offline' }, t('inspectionsNeedNetwork')));
    } else if (this.records === undefined) {
      this.element.append(
        h(
          'p',
          { class: this.loadError ? 'form-error' : 'hint' },
          this.loadError ? t('inspectionsLoadFailed', { detail: this.loadError }) : t('inspectionsLoading'),
        ),
      );
    } else if (this.records.length === 0) {
      this.element.append(h('p', { class: 'hint', id: 'inspections-empty' }, t('inspectionsEmpty')));
    } else {
      this.element.append(h('ol', { class: 'inspection-list', id: 'inspection-list' }, ...this.records.map((r) => this.drawRecord(r))));
    }
  }

  // Every inspection's thumbnails load by themselves: they are the phone-made small versions (some
  // 30–80 KB each), no longer the 2–6 MB photos, so no tap is asked for first.
  private drawRecord(record: InspectionRecord): HTMLElement {
    const conclusion = record.conclusion ?? 'none';
    return h(
      'li',
      { class: 'inspection', 'data-id': record.id },
      h(
        'div',
        { class: 'inspection-head' },
        h('time', { datetime: record.inspected_on }, date(record.inspected_on)),
        h(
          'span',
          { class: `inspection-conclusion conclusion-${conclusion}`, 'data-conclusion': conclusion },
          t(`inspectionConclusion_${conclusion}` as MessageKey),
        ),
        record.inspector_name ? h('span', { class: 'hint' }, t('inspectionBy', { name: record.inspector_name })) : null,
      ),
      record.notes ? h('p', { class: 'inspection-notes' }, record.notes) : null,
      record.checklist.length
        ? h(
            'ul',
            { class: 'inspection-checklist' },
            ...record.checklist.map((c) =>
              h(
                'li',
                { class: c.ok ? 'is-ok' : 'is-not-ok' },
                h(
                  'span',
                  { class: 'inspection-mark', 'aria-label': t(c.ok ? 'inspectionVerdict_ok' : 'inspectionVerdict_not-ok') },
                  c.ok ? '✓' : '✗',
                ),
                ' ',
                checklistItemLabel(c.item, lang()),
                c.note ? h('span', { class: 'hint' }, ` — ${c.note}`) : null,
              ),
            ),
          )
        : null,
      record.photos.length ? h('div', { class: 'inspection-photos' }, ...record.photos.map((p, i) => this.thumb(record, p, i))) : null,
    );
  }

  /** A photo's small version (the photo itself until it has one), opening the full-size photo in a dialog (a link still opens it in a tab). */
  private thumb(record: InspectionRecord, photo: InspectionPhoto, index: number): HTMLElement {
    const key = `${record.id}/${photo.id}`;
    const url = `/api/inspections/${record.id}/photos/${photo.id}`;
    const alt = t('inspectionPhotoAlt', { n: index + 1, date: date(record.inspected_on) });
    let link = this.thumbs.get(key);
    if (!link) {
      // Fetched, not left to the <img>: the answer says whether it is the small version or the photo
      // itself, whose small version this page then makes (photo-thumbnail.ts).
      const img = h('img', { alt, decoding: 'async', width: 72, height: 72 });
      link = h('a', { class: 'inspection-thumb', href: url, target: '_blank', rel: 'noopener', 'data-photo-id': photo.id }, img);
      link.addEventListener('click', (event) => {
        event.preventDefault();
        this.showPhoto(url, photo, alt);
      });
      this.thumbs.set(key, link);
      whenNearScreen(
        link,
        () =>
          void loadThumbnail(img, record.id, photo.id, {
            mayAddPhotos: isStaff(this.viewer?.role),
            csrf: this.viewer?.csrf ?? null,
          }),
      );
    }
    link.title = `${alt}. ${photoLine(photo)}`;
    link.querySelector('img')!.alt = alt;
    return link;
  }

  private showPhoto(url: string, photo: InspectionPhoto, alt: string): void {
    const close = h('button', { type: 'button', class: 'btn', id: 'inspection-photo-close', onclick: () => dialog.close() }, t('close'));
    const dialog = h(
      'dialog',
      { class: 'dialog photo-dialog', id: 'inspection-photo-dialog', 'aria-label': alt },
      h('img', { src: url, alt }),
      h('p', { class: 'hint inspection-photo-line' }, photoLine(photo)),
      h(
        'div',
        { class: 'dialog-actions' },
        h('a', { class: 'btn', href: url, target: '_blank', rel: 'noopener' }, t('inspectionPhotoOpen')),
        close,
      ),
    );
    dialog.addEventListener('close', () => dialog.remove());
    dialog.addEventListener('click', (event) => {
      if (event.target === dialog) dialog.close();
    });
    document.body.append(dialog);
    dialog.showModal();
    close.focus();
  }

  /** Opens the form: the officer's draft of this area when the phone keeps one, else an empty one dated today. */
  /**
   * Opens the form for the inspection a pass/fail step of the card rests on, its conclusion chosen
   * (unless the officer had chosen one in a draft), and puts the focus on its first field.
   */
  async start(conclusion: 'pass' | 'fail'): Promise<void> {
    await this.openForm();
    const form = this.form;
    if (!form) return;
    if (!form.conclusion) {
      form.conclusion = conclusion;
      this.render();
    }
    form.date.focus();
  }

  private async openForm(): Promise<void> {
    if (this.form) return;
    const owner = this.viewer?.username ?? '';
    this.draftWaiting = false;
    if (!(owner && (await this.restoreDraft(owner)))) this.form ??= this.track(newForm(owner));
    this.render();
    this.form?.date.focus();
  }

  /**
   * Fills the form back from the officer's draft of this area; answers whether it did. A draft the
   * server had already recorded (the tab was killed before its photos reached the outbox) is handed
   * over and forgotten instead, never offered for a second recording.
   */
  private async restoreDraft(owner: string): Promise<boolean> {
    let draft: InspectionDraft | undefined;
    try {
      draft = await draftOp((store) => store.load({ owner, areaId: this.areaId }));
    } catch (error) {
      this.draftTrouble(error);
      return false;
    }
    // Someone else signed in, or the officer opened the form, while the phone was reading.
    if (!draft || this.viewer?.username !== owner || this.form) return false;
    if (draft.recorded) {
      const waiting = new Set(outbox.photosOf(this.areaId).map((p) => p.uploadKey));
      const photos = draft.photos.filter((p) => !waiting.has(p.uploadKey)).map(pickedOf);
      void this.handOver(owner, draft.recorded, photos, undefined);
      return false;
    }
    this.form = this.track(newForm(owner, draft));
    return true;
  }

  private drawForm(form: Form): HTMLElement {
    const problem = (reasons: InspectionInputReason[]) =>
      form.problems
        .filter((p) => reasons.includes(p))
        .map((p) => h('span', { class: 'form-error', role: 'alert' }, t(`inspectionInput_${p}` as MessageKey)));
    form.date.setAttribute('aria-invalid', form.problems.some((p) => p.startsWith('date')) ? 'true' : 'false');
    // No item looked at: the checklist itself is what to fix, and where the focus goes (submit).
    const nothingReviewed = form.problems.includes(INSPECTION_INPUT_REASONS.NOTHING_REVIEWED);
    const radios = (name: string, label: string, options: [string, MessageKey][], current: string, onPick: (value: string) => void) =>
      h(
        'div',
        { class: 'segmented', role: 'radiogroup', 'aria-label': label },
        ...options.map(([value, key]) =>
          h(
            'label',
            {},
            h('input', { type: 'radio', name, value, checked: value === current, onchange: () => onPick(value) }),
            h('span', {}, t(key)),
          ),
        ),
      );
    // "Đạt" over a failed item is allowed (the officer judges), but said, so it is not a slip of the thumb.
    const passWarning = h('p', { class: 'form-warning', id: 'inspection-pass-warning', role: 'status' });
    const warnPass = () => {
      const failed = failedUnderPass(form.conclusion, form.checklist);
      passWarning.hidden = failed.length === 0;
      passWarning.textContent = failed.length
        ? t('inspectionPassWithFailed', { n: failed.length, items: failed.map((item) => checklistItemLabel(item, lang())).join('; ') })
        : '';
    };
    warnPass();
    const checks = form.checklist.map((answer, i) => {
      answer.noteInput.placeholder = t('inspectionItemNote');
      answer.noteInput.hidden = answer.verdict === 'unchecked';
      return h(
        'div',
        { class: 'inspection-check', 'data-item': i },
        h('span', { class: 'inspection-check-item' }, checklistItemLabel(answer.item, lang())),
        radios(
          `inspection-check-${i}`,
          checklistItemLabel(answer.item, lang()),
          [
            ['unchecked', 'inspectionVerdict_unchecked'],
            ['ok', 'inspectionVerdict_ok'],
            ['not-ok', 'inspectionVerdict_not-ok'],
          ],
          answer.verdict,
          (value) => {
            answer.verdict = value as ChecklistAnswer['verdict'];
            answer.noteInput.hidden = answer.verdict === 'unchecked';
            warnPass();
          },
        ),
        answer.noteInput,
      );
    });
    const camera = h('input', {
      type: 'file',
      accept: 'image/*',
      capture: 'environment',
      multiple: true,
      id: 'inspection-camera',
      class: 'sr-only',
    });
    const gallery = h('input', { type: 'file', accept: 'image/*', multiple: true, id: 'inspection-gallery', class: 'sr-only' });
    for (const input of [camera, gallery]) input.addEventListener('change', () => void this.pick(form, input));
    const draftTime = h('span', { class: 'inspection-draft-time' });
    const draftLine = h(
      'p',
      { class: 'hint inspection-draft', id: 'inspection-draft' },
      draftTime,
      h(
        'button',
        { type: 'button', class: 'btn inspection-draft-discard', id: 'inspection-draft-discard', onclick: () => this.askDiscard(form) },
        t('inspectionDraftDiscard'),
      ),
    );
    this.draftLine = { line: draftLine, time: draftTime };
    this.drawDraftLine(form);
    const element = h(
      'form',
      { class: 'inspection-form', id: 'inspection-form', novalidate: true },
      h('h5', {}, t('inspectionFormTitle')),
      draftLine,
      this.draftProblem
        ? h(
            'p',
            { class: 'form-error', id: 'inspection-draft-problem', role: 'status' },
            t(`inspectionDraftNotKept_${this.draftProblem}` as MessageKey),
          )
        : null,
      h(
        'label',
        {},
        t('inspectionDate'),
        form.date,
        dateWords(form.date),
        ...problem(['date-required', 'date-invalid', 'date-in-future', 'date-too-early']),
      ),
      h(
        'fieldset',
        { id: 'inspection-conclusion' },
        h('legend', {}, t('inspectionConclusion')),
        radios(
          'inspection-conclusion',
          t('inspectionConclusion'),
          [
            ['pass', 'inspectionConclusion_pass'],
            ['fail', 'inspectionConclusion_fail'],
            ['', 'inspectionConclusion_none'],
          ],
          form.conclusion,
          (value) => {
            form.conclusion = value as Form['conclusion'];
            warnPass();
          },
        ),
        passWarning,
      ),
      h(
        'fieldset',
        { id: 'inspection-checklist', ...(nothingReviewed ? { 'aria-invalid': 'true', tabindex: -1 } : {}) },
        h('legend', {}, t('inspectionChecklist')),
        // Above the items, where the focus lands: the list is longer than a phone's screen.
        ...problem(['nothing-reviewed']),
        ...checks,
        ...problem(['item-note-too-long']),
      ),
      h('label', {}, t('inspectionNotes'), form.notes, ...problem(['notes-too-long'])),
      h(
        'fieldset',
        { id: 'inspection-photos' },
        h('legend', {}, t('inspectionPhotos')),
        h(
          'div',
          { class: 'inspection-photo-pick' },
          h('label', { class: 'btn', for: 'inspection-camera' }, t('inspectionTakePhoto'), camera),
          h('label', { class: 'btn', for: 'inspection-gallery' }, t('inspectionPickPhoto'), gallery),
        ),
        form.photos.length
          ? h(
              'ul',
              { class: 'inspection-picked', id: 'inspection-picked' },
              ...form.photos.map((p) =>
                h(
                  'li',
                  { 'data-key': p.key },
                  h('span', { class: 'inspection-file' }, p.file.name),
                  h('span', { class: 'hint' }, `${megabytes(p.file.size)} · ${positionText(p)}`),
                  h(
                    'button',
                    {
                      type: 'button',
                      class: 'btn btn-icon',
                      'aria-label': t('inspectionPhotoRemove', { name: p.file.name }),
                      onclick: () => {
                        form.photos = form.photos.filter((other) => other !== p);
                        this.render();
                        void this.keep(form, async (store, fields) => {
                          await store.removePhoto(p.uploadKey);
                          await store.save(fields);
                        });
                      },
                    },
                    '×',
                  ),
                ),
              ),
            )
          : null,
        ...form.refused.map((text) => h('p', { class: 'form-error inspection-refused', role: 'alert' }, text)),
      ),
      messageOf(form),
      form.waitingForNet && form.netBack && !form.busy
        ? h(
            'p',
            { class: 'inspection-net-back', id: 'inspection-net-back', role: 'status' },
            h('span', {}, t('inspectionNetBack')),
            h(
              'button',
              { type: 'button', class: 'btn btn-primary', id: 'inspection-send-now', onclick: () => void this.submit(form) },
              t('inspectionSendNow'),
            ),
          )
        : null,
      formButtons(
        {
          id: 'inspection-cancel',
          // Cancel closes the form, not the draft: it is there again behind "continue the draft".
          onCancel: () => {
            const pending = this.saveTimer !== undefined;
            if (pending) void this.saveDraft(form);
            this.draftWaiting = pending || form.savedAt !== undefined;
            this.form = undefined;
            this.render();
          },
        },
        { id: 'inspection-save', kind: 'primary', label: t('inspectionSave'), busyLabel: t('inspectionSending'), busy: form.busy },
      ),
    );
    element.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.submit(form);
    });
    // Every typed character and every choice goes to the draft after a pause (the inputs outlive this element).
    element.addEventListener('input', () => this.scheduleSave(form));
    element.addEventListener('change', () => this.scheduleSave(form));
    return element;
  }

  /** The "draft kept at 14:32 — discard" line of the form, shown once the phone holds the draft. */
  private drawDraftLine(form: Form): void {
    if (this.form !== form || !this.draftLine) return;
    this.draftLine.line.hidden = form.savedAt === undefined;
    this.draftLine.time.textContent = form.savedAt === undefined ? '' : t('inspectionDraftSaved', { time: savedTime(form.savedAt) });
  }

  /** Writes the draft after a pause in typing; leaving the page (the camera opening) writes it at once. */
  private scheduleSave(form: Form): void {
    if (form.dropped || form.busy) return;
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => void this.saveDraft(form), DRAFT_SAVE_MS);
    pendingSaves.set(this, () => this.saveDraft(form));
  }

  /** Writes the typed fields of the draft now (photos are written when picked). */
  private saveDraft(form: Form): Promise<void> {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    pendingSaves.delete(this);
    return this.keep(form, (store, fields) => store.save(fields));
  }

  /**
   * Runs one write of the form's draft with its fields as they are at that moment; a form recorded or
   * discarded meanwhile writes nothing. A phone that refuses is said once in the form, which goes on in memory.
   */
  private async keep(form: Form, work: (store: InspectionDraftStore, fields: DraftFields) => Promise<void>): Promise<void> {
    try {
      const savedAt = await draftOp(async (store) => {
        if (form.dropped) return undefined;
        const at = Date.now();
        await work(store, fieldsOf(form, this.areaId, at));
        return at;
      });
      if (savedAt === undefined) return;
      form.savedAt = savedAt;
      // The typed fields fit where a photo did not (a nearly full phone): the problem stands while one is not kept.
      if (this.draftProblem && keptOnPhone(form)) {
        this.draftProblem = undefined;
        if (this.form === form) this.render();
      }
      this.drawDraftLine(form);
    } catch (error) {
      this.draftTrouble(error);
    }
  }

  private draftTrouble(error: unknown): void {
    const problem = error instanceof DraftStoreError ? error.problem : 'failed';
    if (problem === this.draftProblem) return;
    this.draftProblem = problem;
    if (this.form && this.element.isConnected) this.render();
  }

  /** The discard button asks first: the draft and its photos go for good. */
  private askDiscard(form: Form): void {
    askBeforeActing({
      ids: {
        dialog: 'inspection-discard-dialog',
        title: 'inspection-discard-title',
        stay: 'inspection-discard-cancel',
        go: 'inspection-discard-go',
      },
      title: t('inspectionDraftDiscardTitle'),
      body: form.photos.length ? t('inspectionDraftDiscardBodyPhotos', { count: form.photos.length }) : t('inspectionDraftDiscardBody'),
      stay: t('cancel'),
      go: t('inspectionDraftDiscard'),
      onGo: () => void this.discard(form),
    });
  }

  /** Counts a form among the live forms of this area (see dropForms). */
  private track(form: Form): Form {
    liveForms.set(form, this.areaId);
    return form;
  }

  private async discard(form: Form): Promise<void> {
    form.dropped = true;
    dropForms(form.owner, this.areaId);
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    pendingSaves.delete(this);
    if (this.form === form) this.form = undefined;
    this.draftWaiting = false;
    this.render();
    await draftOp((store) => store.remove({ owner: form.owner, areaId: this.areaId })).catch((error: unknown) => this.draftTrouble(error));
  }

  /** Checks the picked files by their bytes (a non-image is refused here and never sent) and asks where the phone is now. */
  private async pick(form: Form, input: HTMLInputElement): Promise<void> {
    const files = [...(input.files ?? [])];
    input.value = ''; // the same photo may be picked again after removing it
    if (!files.length) return;
    const position = currentPosition();
    form.refused = [];
    for (const file of files) {
      const head = new Uint8Array(await file.slice(0, PHOTO_HEAD_BYTES).arrayBuffer());
      const verdict = checkPhotoFile(head, file.size);
      if (!verdict.valid) {
        form.refused.push(photoRefusalText(verdict.reason, file));
        continue;
      }
      // The bytes are read now: a photo the camera app handed over may not be readable later, and the
      // draft keeps them on the phone in case this tab is killed the next time the camera opens.
      let bytes: File;
      try {
        bytes = new File([await file.arrayBuffer()], file.name, { type: verdict.type, lastModified: file.lastModified });
      } catch {
        bytes = file; // unreadable now: the upload will say so
      }
      const picked: Picked = {
        key: ++pickedKeys,
        uploadKey: newIdempotencyKey(),
        file: bytes,
        type: verdict.type,
        geotag: verdict.type === 'image/jpeg' ? readJpegGeotag(head) : null,
        position,
        pickedAt: Date.now(),
      };
      void position.then((where) => {
        picked.located = where ?? null;
        if (where && !form.dropped) void draftOp((store) => store.placePhoto(picked.uploadKey, where)).catch(() => undefined);
        if (this.form === form) this.render();
      });
      form.photos.push(picked);
      void this.keep(form, async (store, fields) => {
        await store.putPhoto(draftPhotoOf(picked, fields), fields);
        picked.kept = true;
      });
    }
    this.render();
  }

  private async submit(form: Form): Promise<void> {
    if (form.busy) return;
    const verdict = checkInspectionInput(
      {
        inspectedOn: form.date.value,
        conclusion: form.conclusion,
        notes: form.notes.value,
        checklist: form.checklist.map((c) => ({ item: c.item, verdict: c.verdict, note: c.noteInput.value })),
      },
      vietnamToday(),
    );
    form.message = undefined;
    if (!verdict.valid) {
      form.problems = verdict.problems;
      this.render();
      const invalid = this.element.querySelector<HTMLElement>('[aria-invalid=true]');
      invalid?.focus();
      // The checklist is taller than a phone's sheet: focusing it shows its end, its words are at its top.
      invalid?.querySelector('.form-error')?.scrollIntoView({ block: 'nearest' });
      return;
    }
    form.problems = [];
    form.busy = true;
    form.waitingForNet = false;
    form.netBack = false;
    this.render();
    // The last keystrokes reach the phone before the request leaves (the answer may never come).
    await this.saveDraft(form);
    // A form started with no signal: who is signed in is asked first, for the token its photos carry.
    if (this.viewer && !this.viewer.csrf) await this.load();
    if (this.form !== form) return;
    try {
      // 201, or 200 with the inspection an earlier attempt under this key recorded (its answer was lost).
      const response = await sendJson(`/api/growing-areas/${this.areaId}/inspections`, 'POST', verdict.body, {
        'Idempotency-Key': form.requestKey,
      });
      const record = (await response.json()) as InspectionRecord;
      form.dropped = true;
      dropForms(form.owner, this.areaId);
      this.form = undefined;
      this.draftWaiting = false;
      toast(() => t('inspectionSaved', { date: date(record.inspected_on) }));
      void this.handOver(
        form.owner,
        { id: record.id, inspectedOn: record.inspected_on },
        form.photos,
        form.savedAt === undefined ? undefined : fieldsOf(form, this.areaId, Date.now()),
      );
      this.records = [record, ...(this.records ?? []).filter((r) => r.id !== record.id)];
      // The lifecycle card around this section lets a pass/fail rest on this record (lifecycle-card.ts).
      this.element.dispatchEvent(new CustomEvent(INSPECTION_RECORDED, { bubbles: true }));
    } catch (error) {
      const inspectable = inspectableOf(error);
      if (inspectable) {
        // The area moved on (someone else recorded the result): show the inspections as they are now.
        this.inspectable = inspectable;
        void this.load();
      }
      // Every refusal keeps the draft (a 4xx is fixed and sent again); no connection at all is no
      // error of the officer's: the form waits on the phone and offers to send when the signal is back.
      const offline = refusalOf(error) === 'offline';
      form.waitingForNet = offline;
      form.netBack = false;
      // The form checks this before sending; should the server refuse it all the same (its rule is the
      // one that counts), the words go under the checklist too, where it is fixed, and the draft stays.
      if (refusalOf(error) === 'nothing-reviewed') form.problems = [INSPECTION_INPUT_REASONS.NOTHING_REVIEWED];
      const reused = error instanceof HttpError && error.problem?.reason === REGISTRY_REASON.IDEMPOTENCY_KEY_REUSED;
      if (reused) {
        // An earlier attempt whose answer was lost did record the form as it was then; what was
        // changed since is not recorded. A new key lets the officer record it as an inspection of its own.
        form.requestKey = newIdempotencyKey();
        void this.saveDraft(form);
        void this.load();
      }
      form.message = offline
        ? t(keptOnPhone(form) ? 'inspectionSaveOffline' : 'inspectionSaveOfflineUnkept')
        : reused
          ? t('inspectionRecordedBefore')
          : t('inspectionSaveFailed', { detail: this.refusalText(error) });
      form.busy = false;
    }
    this.render();
    this.element.querySelector('#inspection-message')?.scrollIntoView({ block: 'nearest' });
  }

  /**
   * The server recorded the draft's inspection: the draft is marked so first (a tab killed from now on
   * hands its photos over at the next opening instead of offering the form again), the photos go to
   * the outbox, then the draft is forgotten. A hand-over that fails leaves the marked draft to try again.
   */
  private async handOver(
    owner: string,
    inspection: { id: number; inspectedOn: string },
    photos: Picked[],
    fields: DraftFields | undefined,
  ): Promise<void> {
    const key = { owner, areaId: this.areaId };
    if (fields) await draftOp((store) => store.save({ ...fields, recorded: inspection })).catch(() => undefined);
    if (photos.length) {
      try {
        await this.queue(inspection, photos);
      } catch (error) {
        toast(() => t('inspectionPhotoFailed', { detail: String(error) }), 'error');
        return;
      }
    }
    await draftOp((store) => store.remove(key)).catch(() => undefined);
  }

  /**
   * Hands the recorded inspection's photos to the outbox, which keeps them on the phone before sending.
   * Each file's bytes are read now: a photo the camera app handed over may not be readable later.
   */
  private async queue(record: { id: number; inspectedOn: string }, photos: Picked[]): Promise<void> {
    const read = await Promise.all(
      photos.map(async (p) => {
        try {
          return new Blob([await p.file.arrayBuffer()], { type: p.type });
        } catch {
          return p.file; // unreadable now: the upload will say so
        }
      }),
    );
    // The app names the owner at start and at sign-in; should that word still be on its way, the
    // officer who has just saved the inspection is the one signed in. Not when the page has signed
    // out meanwhile (the session ended: the list's read was refused while the photos were read): the
    // outbox refuses them, and the draft, marked recorded, hands them over when the officer is back.
    if (this.viewer && outbox.owner() !== this.viewer.username && this.pageViewer()?.username === this.viewer.username) {
      await outbox.setViewer({ username: this.viewer.username, csrf: this.viewer.csrf });
    }
    await outbox.add(
      { id: record.id, inspectedOn: record.inspectedOn, areaId: this.areaId },
      photos.map((p, i) => ({
        uploadKey: p.uploadKey,
        name: p.file.name,
        type: p.type,
        lastModified: p.file.lastModified,
        bytes: read[i]!,
        geotag: p.geotag,
        position: p.position.then((where) => where ?? null),
      })),
    );
  }

  /** The server holds a photo of one of this area's inspections: the record as it answered, its small version shown at once. */
  private stored(inspectionId: number, photoId: number | undefined, record: unknown, small: Blob | undefined): void {
    if (!this.records?.some((r) => r.id === inspectionId)) return;
    this.records = this.records.map((r) => (r.id === inspectionId ? (record as InspectionRecord) : r));
    if (small && photoId !== undefined) {
      // A thumbnail drawn before the small version was there shows the photo itself (a photo whose
      // answer was lost comes into the list with the next one's): show the small version made here.
      const img = this.thumbs.get(`${inspectionId}/${photoId}`)?.querySelector('img');
      if (img) img.src = URL.createObjectURL(small);
    }
    if (this.element.isConnected) {
      this.render();
      // A photo on record may be what a pass/fail step waits for (an inspection with neither photo nor note will not do).
      this.element.dispatchEvent(new CustomEvent(INSPECTION_RECORDED, { bubbles: true }));
    }
  }

  private readonly outboxElement = h('div', { class: 'inspection-outbox' });

  /** This area's photos in the outbox, one group per inspection: waiting, on their way, sent, or failed with what to do. */
  private drawOutbox(): void {
    clear(this.outboxElement);
    const photos = outbox.photosOf(this.areaId);
    const groups = new Map<number, OutboxPhoto[]>();
    for (const photo of photos) groups.set(photo.inspectionId, [...(groups.get(photo.inspectionId) ?? []), photo]);
    for (const key of this.rows.keys()) if (!photos.some((p) => p.uploadKey === key)) this.rows.delete(key);
    for (const [inspectionId, group] of groups) {
      const done = group.filter((p) => p.state === 'done').length;
      const failed = group.filter((p) => p.state === 'failed');
      const busy = group.some((p) => p.state === 'sending' || p.state === 'waiting');
      this.outboxElement.append(
        h(
          'section',
          { class: 'inspection-uploads', 'data-inspection-id': inspectionId },
          h('h5', {}, t('inspectionUploadsTitle', { date: date(group[0]!.inspectedOn), done, total: group.length })),
          h('ul', { class: 'inspection-upload-list' }, ...group.map((p) => this.drawUpload(p))),
          !busy && failed.length
            ? h(
                'div',
                { class: 'card-actions' },
                failed.length > 1
                  ? h(
                      'button',
                      {
                        type: 'button',
                        class: 'btn btn-primary',
                        id: `inspection-retry-all-${inspectionId}`,
                        onclick: () => outbox.retryFailed((p) => p.inspectionId === inspectionId),
                      },
                      t('inspectionRetryAll', { count: failed.length }),
                    )
                  : null,
                h(
                  'button',
                  { type: 'button', class: 'btn', onclick: () => void Promise.all(failed.map((p) => outbox.drop(p))) },
                  t('inspectionDropUnsent'),
                ),
              )
            : null,
        ),
      );
    }
  }

  /** One photo's line: name, state and progress; a failed one offers to send it now or to drop it. */
  private drawUpload(photo: OutboxPhoto): HTMLLIElement {
    let row = this.rows.get(photo.uploadKey);
    if (!row) {
      row = h('li', { 'data-key': photo.uploadKey });
      this.rows.set(photo.uploadKey, row);
    }
    clear(row);
    row.className = `upload-${photo.state}`;
    row.setAttribute('data-state', photo.state);
    row.setAttribute('data-kept', String(photo.kept));
    const percent = Math.min(100, Math.round((photo.loaded / Math.max(1, photo.bytes.size)) * 100));
    const failed = photo.state === 'failed';
    const refusal = photo.refusal ?? 'server';
    // A photo kept on the phone that waits for the signal is no error: it goes by itself (or at a tap).
    const waitsForNet = failed && photo.kept && refusal === 'offline';
    const text = waitsForNet
      ? t('inspectionPhotoWaitingNet')
      : failed
        ? `${t('inspectionPhotoFailed', { detail: this.refusalWords(refusal, photo.problem) })}${
            retriesByItself(refusal) ? ` ${t('inspectionPhotoAutoRetry')}` : ''
          }`
        : photo.state === 'waiting' && photo.kept
          ? t('inspectionUpload_waitingKept')
          : t(`inspectionUpload_${photo.state}` as MessageKey, { percent });
    row.append(
      h('span', { class: 'inspection-file' }, photo.name),
      h('progress', { max: 100, value: photo.state === 'done' ? 100 : percent, 'aria-label': photo.name }),
      h('span', { class: failed && !waitsForNet ? 'form-error' : 'hint', role: failed && !waitsForNet ? 'alert' : undefined }, text),
    );
    if (failed) {
      row.append(
        h(
          'span',
          { class: 'inspection-upload-actions' },
          h(
            'button',
            { type: 'button', class: 'btn inspection-retry', onclick: () => outbox.retryFailed((p) => p === photo) },
            t(retriesByItself(refusal) ? 'photoOutboxSendNow' : 'inspectionRetry'),
          ),
          h('button', { type: 'button', class: 'btn', onclick: () => void outbox.drop(photo) }, t('inspectionDrop')),
        ),
      );
    }
    return row;
  }

  /** A refusal in the officer's language, from its status and reason (never the server's English). */
  private refusalText(error: unknown): string {
    return this.refusalWords(refusalOf(error), error instanceof HttpError ? error.problem : undefined, inspectableOf(error));
  }

  private refusalWords(kind: InspectionRefusal, problem: Record<string, unknown> = {}, inspectable?: readonly string[]): string {
    const list = inspectable ?? this.inspectable;
    return t(`inspectionRefusal_${kind}` as MessageKey, {
      status: statusLabel(problem.growingAreaStatus ?? this.status),
      statuses: list.map((s) => `“${statusLabel(s)}”`).join(', '),
    });
  }
}

/** A form, empty and dated today, or filled back from the officer's draft. */
function newForm(owner: string, draft?: InspectionDraft): Form {
  const today = vietnamToday();
  const answers = new Map(draft?.checklist.map((a) => [a.item, a]));
  return {
    owner,
    date: h('input', {
      type: 'date',
      name: 'inspectedOn',
      id: 'inspection-date',
      value: draft?.inspectedOn ?? today,
      max: today,
      required: true,
    }),
    notes: h('textarea', { name: 'notes', id: 'inspection-notes', rows: 3, maxlength: 4000 }, draft?.notes ?? ''),
    conclusion: draft?.conclusion ?? '',
    checklist: CHECKLIST_ITEMS.map((item, i) => ({
      item: item.vi,
      verdict: answers.get(item.vi)?.verdict ?? 'unchecked',
      note: '',
      noteInput: h('input', {
        name: `check-note-${i}`,
        class: 'inspection-check-note',
        maxlength: 1000,
        autocomplete: 'off',
        value: answers.get(item.vi)?.note ?? '',
      }),
    })),
    photos: draft?.photos.map(pickedOf) ?? [],
    refused: [],
    problems: [],
    busy: false,
    savedAt: draft?.savedAt,
    requestKey: draft?.requestKey ?? newIdempotencyKey(),
  };
}

/** The form's message line: a refusal as an error; a form kept on the phone while the signal is away calmly, as no fault of the officer's. */
function messageOf(form: Form): HTMLElement | null {
  if (!form.message) return null;
  const kept = form.waitingForNet === true && keptOnPhone(form);
  return h(
    'p',
    { class: kept ? 'inspection-kept' : 'form-error', id: 'inspection-message', role: kept ? 'status' : 'alert' },
    form.message,
  );
}

/** Whether the draft on the phone holds the whole form: its typed fields and every picked photo. */
function keptOnPhone(form: Form): boolean {
  return form.savedAt !== undefined && form.photos.every((p) => p.kept);
}

/** The form's typed fields as the draft keeps them. */
function fieldsOf(form: Form, areaId: number, savedAt: number): DraftFields {
  return {
    owner: form.owner,
    areaId,
    inspectedOn: form.date.value,
    conclusion: form.conclusion,
    notes: form.notes.value,
    checklist: form.checklist.map((c) => ({ item: c.item, verdict: c.verdict, note: c.noteInput.value })),
    savedAt,
    requestKey: form.requestKey,
  };
}

/** A picked photo as the draft keeps it, with the phone's position if it has come. */
function draftPhotoOf(picked: Picked, owner: { owner: string; areaId: number }): DraftPhoto {
  return {
    owner: owner.owner,
    areaId: owner.areaId,
    uploadKey: picked.uploadKey,
    name: picked.file.name,
    type: picked.type,
    lastModified: picked.file.lastModified,
    bytes: picked.file,
    geotag: picked.geotag,
    position: picked.located ?? null,
    pickedAt: picked.pickedAt,
  };
}

/** A photo of a draft back in the form, under the same upload key (the server stores it once whatever happens). */
function pickedOf(photo: DraftPhoto): Picked {
  return {
    key: ++pickedKeys,
    uploadKey: photo.uploadKey,
    file: new File([photo.bytes], photo.name, { type: photo.type, lastModified: photo.lastModified }),
    type: photo.type,
    geotag: photo.geotag,
    position: Promise.resolve(photo.position ?? undefined),
    located: photo.position,
    pickedAt: photo.pickedAt,
    kept: true,
  };
}

/** When a draft was kept: the time alone today (Vietnam's clock), the date and time on another day. */
function savedTime(ms: number): string {
  const text = dateTime(new Date(ms).toISOString());
  const today = `${date(vietnamToday())} `;
  return text.startsWith(today) ? text.slice(today.length) : text;
}

// The drafts' store is opened at the first use, so a guest's page never touches IndexedDB for it.
let draftStore: Promise<InspectionDraftStore | undefined> | undefined;
let draftOpenProblem: PhotoStoreProblem = 'unavailable';
let draftWork: Promise<unknown> = Promise.resolve();

/**
 * Runs draft writes and reads one after another, so that a save queued before a draft was recorded or
 * discarded cannot write it back after its removal. Rejects with a DraftStoreError when the phone keeps none.
 */
function draftOp<T>(work: (store: InspectionDraftStore) => Promise<T>): Promise<T> {
  draftStore ??= openInspectionDrafts().catch((error: unknown) => {
    draftOpenProblem = error instanceof DraftStoreError ? error.problem : 'unavailable';
    return undefined;
  });
  const opened = draftStore;
  const next = draftWork.then(async () => {
    const store = await opened;
    if (!store) throw new DraftStoreError(draftOpenProblem, 'This phone keeps no inspection drafts.');
    return work(store);
  });
  draftWork = next.catch(() => undefined);
  return next;
}

/**
 * Every form of an area's card opened on this page, with its area: a card opened afresh (after a
 * sign-out and back, a tap on the map) fills a new form from the same draft, and the older one must not
 * write that draft back once it has been recorded or discarded.
 */
const liveForms = new Map<Form, number>();

/** Marks every form of the owner's draft of an area as done (recorded or discarded): none writes to the phone again. */
function dropForms(owner: string, areaId: number): void {
  for (const [form, area] of liveForms) {
    if (form.owner !== owner || area !== areaId) continue;
    form.dropped = true;
    liveForms.delete(form);
  }
}

/** The drafts waiting for a pause in typing; the page going to the background (the camera opening) writes them at once. */
const pendingSaves = new Map<InspectionsSection, () => Promise<void>>();
function savePending(): void {
  for (const save of [...pendingSaves.values()]) void save();
}
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'hidden') savePending();
});
window.addEventListener('pagehide', savePending);

function isStaff(role: string | undefined): boolean {
  return role === 'officer' || role === 'admin';
}

/** The phone's position now, or undefined when the browser has none or the officer said no (the photo then goes without). */
function currentPosition(): Promise<Position | undefined> {
  if (!('geolocation' in navigator)) return Promise.resolve(undefined);
  return new Promise((resolve) =>
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ lon: p.coords.longitude, lat: p.coords.latitude, accuracy: p.coords.accuracy }),
      () => resolve(undefined),
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 30_000 },
    ),
  );
}

/**
 * A random Idempotency-Key for one picked photo or one inspection form. crypto.randomUUID exists only on secure pages (https, localhost):
 * a phone reaching a test server over plain http on the office network gets as many random bits from
 * getRandomValues.
 */
function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

function photoRefusalText(reason: PhotoRefusal, file: File): string {
  return t(`inspectionPhotoRefused_${reason}` as MessageKey, { name: file.name, size: megabytes(file.size) });
}

function megabytes(bytes: number): string {
  return bytes < 1024 * 1024 ? `${formatNumber(Math.max(1, Math.round(bytes / 1024)))} KB` : `${formatNumber(bytes / 1024 / 1024, 1)} MB`;
}

function positionText(picked: Picked): string {
  if (picked.geotag && picked.geotag.lon !== null) return t('inspectionPositionExif');
  if (picked.located === undefined) return t('inspectionPositionPending');
  if (picked.located === null) return t('inspectionPositionNone');
  return t('inspectionPositionPhone', { m: formatNumber(Math.round(picked.located.accuracy)) });
}

// One section per area for the page's life, so what was typed and the thumbnails already loaded are
// there again when the officer comes back to the area; each new card reads the inspections and the
// viewer afresh. The photos still to be sent live in the outbox (and on the phone), not here.
const sections = new Map<number, InspectionsSection>();
const cards = new WeakSet<object>();
window.addEventListener('online', () => sections.forEach((section) => section.network(true)));
window.addEventListener('offline', () => sections.forEach((section) => section.network(false)));

/** The field-inspections section of an area, when its form is open on this page. */
export function openInspectionForm(areaId: number): InspectionsSection | undefined {
  const section = sections.get(areaId);
  return section?.hasOpenForm() ? section : undefined;
}

/** The field-inspections section of a growing area's lifecycle card, brought up to the area's status. */
export function inspectionsSection(
  card: object,
  area: { id: number; status: GrowingAreaStatus },
  pageViewer: () => TileViewer,
): InspectionsSection {
  let section = sections.get(area.id);
  if (!section) {
    section = new InspectionsSection(area.id, area.status, pageViewer);
    sections.set(area.id, section);
  } else if (!cards.has(card)) {
    section.pageViewer = pageViewer;
    section.reopen(area.status);
  } else section.update(area.status);
  cards.add(card);
  return section;
}
