// Field inspections (kiểm tra thực địa) of a growing area, inside its lifecycle card: the recorded
// inspections newest first with their checklist and photos, and for an officer in the orchard a form
// with the date (Vietnam's clock), conclusion, checklist, notes and photos from the phone's camera.
// The inspection is written first; its photos then go one by one with their progress shown (a phone
// on a weak connection), each one retried on its own without writing the inspection again. Photos
// are read with the session cookie (same origin), so an <img> shows them as is. Each picked photo
// carries one random Idempotency-Key on every attempt: a retry after an answer lost on the way
// back gets the photo the server stored then, not a second copy. Once a photo is stored the phone
// makes its small version (a JPEG of at most 480 px) and sends it too; the list shows those, the
// dialog the photo itself.
import { IDEMPOTENCY_KEY_HEADER } from '../../../server/contracts/registry.ts';
import {
  acceptsInspection,
  CHECKLIST_ITEMS,
  checklistItemLabel,
  INSPECTABLE_STATUSES,
  type GrowingAreaStatus,
} from '../../../server/domain/growing-area-lifecycle.ts';
import {
  checkPhotoFile,
  MAX_THUMBNAIL_BYTES,
  readJpegGeotag,
  THUMBNAIL_MAX_EDGE,
  type Geotag,
  type PhotoRefusal,
  type PhotoType,
} from '../../../server/domain/photo-facts.ts';
import { getJson, HttpError, sendJson } from '../api/http.ts';
import { postWithProgress } from '../api/upload.ts';
import { formatNumber, lang, t } from '../i18n/i18n.ts';
import type { MessageKey } from '../i18n/vi.ts';
import { clear, h } from '../ui/dom.ts';
import { date, dateTime } from '../ui/feature-format.ts';
import { formButtons } from '../ui/form-parts.ts';
import { toast } from '../ui/toast.ts';
import {
  checkInspectionInput,
  inspectableOf,
  PHOTO_HEAD_BYTES,
  photoQuery,
  refusalOf,
  vietnamToday,
  type ChecklistAnswer,
  type InspectionInputReason,
  type Position,
} from './inspection-input.ts';
import { statusLabel } from './lifecycle-refusal.ts';

/** A photo of an inspection as the registry lists it. */
export type InspectionPhoto = { id: number; mime: string; bytes: number; takenAt: string | null; lon: number | null; lat: number | null };

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
 * moment; `uploadKey` names it to the server on every attempt (kept with the queued upload).
 */
type Picked = {
  key: number;
  uploadKey: string;
  file: File;
  type: PhotoType;
  geotag: Geotag | null;
  position: Promise<Position | undefined>;
  located?: Position | null;
};

/** A photo on its way to a recorded inspection. */
type Upload = Picked & { state: 'waiting' | 'sending' | 'done' | 'failed'; loaded: number; error?: string; row: HTMLLIElement };

/** The photos of one recorded inspection still being sent (or failed). */
type Batch = { inspectionId: number; inspectedOn: string; uploads: Upload[]; running: boolean; element: HTMLElement };

/** The open form; its text inputs live across re-renders (a language switch keeps what was typed). */
type Form = {
  date: HTMLInputElement;
  notes: HTMLTextAreaElement;
  conclusion: 'pass' | 'fail' | '';
  checklist: (ChecklistAnswer & { noteInput: HTMLInputElement })[];
  photos: Picked[];
  refused: string[];
  problems: InspectionInputReason[];
  message?: string;
  busy: boolean;
};

const CSRF_HEADER = 'X-CSRF-Token';
/** Silence after which an upload is given up as lost (then offered again with Retry). */
const STALL_MS = 45_000;
let pickedKeys = 0;

/** The field-inspections section of one growing area. */
export class InspectionsSection {
  readonly element = h('section', { class: 'inspections', id: 'inspections', 'aria-labelledby': 'inspections-title' });
  private records: InspectionRecord[] | undefined;
  private loadError: string | undefined;
  private viewer: { role: string; csrf: string | null; username: string } | undefined;
  /** The statuses that take an inspection: the registry's rule, replaced by the server's own list once a 409 names it. */
  private inspectable: readonly string[] = INSPECTABLE_STATUSES;
  private form: Form | undefined;
  private readonly batches: Batch[] = [];
  /** Thumbnails by inspection/photo, kept so a re-render does not fetch the images again. */
  private readonly thumbs = new Map<string, HTMLElement>();
  private drawnFor = '';

  constructor(
    readonly areaId: number,
    private status: GrowingAreaStatus,
  ) {
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

  /** A new card of the same area (the officer came back, or someone else signed in): read everything again. */
  reopen(status: GrowingAreaStatus): void {
    this.status = status;
    this.render();
    void this.load();
  }

  /** Whether photos of this area are still to be sent (waiting, on their way, or failed). */
  sending(): boolean {
    return this.batches.some((batch) => batch.uploads.some((upload) => upload.state !== 'done'));
  }

  private async load(): Promise<void> {
    // Who is asking decides the form; the same answer carries the CSRF token the photo uploads send.
    const me = getJson<{ role?: string; csrfToken?: string | null; user?: { username?: string } | null }>('/api/auth/me').then(
      (answer) => ({ role: String(answer.role ?? 'anonymous'), csrf: answer.csrfToken ?? null, username: answer.user?.username ?? '' }),
      () => undefined,
    );
    try {
      this.records = (await getJson<{ inspections: InspectionRecord[] }>(`/api/growing-areas/${this.areaId}/inspections`)).inspections;
      this.loadError = undefined;
    } catch (error) {
      this.loadError = this.refusalText(error);
    }
    const viewer = (await me) ?? this.viewer;
    if (this.viewer && viewer && viewer.username !== this.viewer.username) {
      // Another person signed in on this phone: what the previous one typed or was sending is not theirs.
      this.form = undefined;
      this.batches.length = 0;
    }
    this.viewer = viewer;
    this.render();
  }

  private canRecord(): boolean {
    const role = this.viewer?.role;
    return (role === 'officer' || role === 'admin') && acceptsInspection(this.status, this.inspectable);
  }

  render(): void {
    this.drawnFor = `${this.status}:${lang()}`;
    clear(this.element);
    const count = this.records?.length;
    this.element.append(
      h('h4', { id: 'inspections-title' }, t('inspectionsTitle'), count ? h('span', { class: 'hint' }, ` (${count})`) : null),
    );
    if (this.form) this.element.append(this.drawForm(this.form));
    else if (this.canRecord()) {
      this.element.append(
        h('button', { type: 'button', class: 'btn btn-primary', id: 'inspection-new', onclick: () => this.openForm() }, t('inspectionNew')),
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
    for (const batch of this.batches) this.element.append(this.drawBatch(batch));
    if (this.records === undefined) {
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
      link = h(
        'a',
        { class: 'inspection-thumb', href: url, target: '_blank', rel: 'noopener', 'data-photo-id': photo.id },
        h('img', { src: `${url}?size=thumb`, alt, loading: 'lazy', decoding: 'async', width: 72, height: 72 }),
      );
      link.addEventListener('click', (event) => {
        event.preventDefault();
        this.showPhoto(url, photo, alt);
      });
      this.thumbs.set(key, link);
    }
    link.title = `${alt}. ${photoPlace(photo)}`;
    link.querySelector('img')!.alt = alt;
    return link;
  }

  private showPhoto(url: string, photo: InspectionPhoto, alt: string): void {
    const close = h('button', { type: 'button', class: 'btn', id: 'inspection-photo-close', onclick: () => dialog.close() }, t('close'));
    const dialog = h(
      'dialog',
      { class: 'dialog photo-dialog', id: 'inspection-photo-dialog', 'aria-label': alt },
      h('img', { src: url, alt }),
      h(
        'p',
        { class: 'hint' },
        photo.takenAt ? `${t('inspectionPhotoTaken', { time: dateTime(photo.takenAt) })} · ` : '',
        photoPlace(photo),
      ),
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

  private openForm(): void {
    const today = vietnamToday();
    this.form = {
      date: h('input', { type: 'date', name: 'inspectedOn', id: 'inspection-date', value: today, max: today, required: true }),
      notes: h('textarea', { name: 'notes', id: 'inspection-notes', rows: 3, maxlength: 4000 }),
      conclusion: '',
      checklist: CHECKLIST_ITEMS.map((item, i) => ({
        item: item.vi,
        verdict: 'unchecked',
        note: '',
        noteInput: h('input', { name: `check-note-${i}`, class: 'inspection-check-note', maxlength: 1000, autocomplete: 'off' }),
      })),
      photos: [],
      refused: [],
      problems: [],
      busy: false,
    };
    this.render();
    this.form.date.focus();
  }

  private drawForm(form: Form): HTMLElement {
    const problem = (reasons: InspectionInputReason[]) =>
      form.problems
        .filter((p) => reasons.includes(p))
        .map((p) => h('span', { class: 'form-error', role: 'alert' }, t(`inspectionInput_${p}` as MessageKey)));
    form.date.setAttribute('aria-invalid', form.problems.some((p) => p.startsWith('date')) ? 'true' : 'false');
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
    const element = h(
      'form',
      { class: 'inspection-form', id: 'inspection-form', novalidate: true },
      h('h5', {}, t('inspectionFormTitle')),
      h('label', {}, t('inspectionDate'), form.date, ...problem(['date-required', 'date-invalid', 'date-in-future'])),
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
          (value) => (form.conclusion = value as Form['conclusion']),
        ),
      ),
      h(
        'fieldset',
        { id: 'inspection-checklist' },
        h('legend', {}, t('inspectionChecklist')),
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
      form.message ? h('p', { class: 'form-error', id: 'inspection-message', role: 'alert' }, form.message) : null,
      formButtons(
        {
          id: 'inspection-cancel',
          onCancel: () => {
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
    return element;
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
      const picked: Picked = {
        key: ++pickedKeys,
        uploadKey: newUploadKey(),
        file,
        type: verdict.type,
        geotag: verdict.type === 'image/jpeg' ? readJpegGeotag(head) : null,
        position,
      };
      void position.then((where) => {
        picked.located = where ?? null;
        if (this.form === form) this.render();
      });
      form.photos.push(picked);
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
      this.element.querySelector<HTMLElement>('[aria-invalid=true]')?.focus();
      return;
    }
    form.problems = [];
    form.busy = true;
    this.render();
    try {
      const response = await sendJson(`/api/growing-areas/${this.areaId}/inspections`, 'POST', verdict.body);
      const record = (await response.json()) as InspectionRecord;
      this.form = undefined;
      toast(t('inspectionSaved', { date: date(record.inspected_on) }));
      if (form.photos.length) {
        const batch: Batch = {
          inspectionId: record.id,
          inspectedOn: record.inspected_on,
          uploads: form.photos.map((p) => ({ ...p, state: 'waiting', loaded: 0, row: h('li', { 'data-key': p.key }) })),
          running: false,
          element: h('section', { class: 'inspection-uploads', 'data-inspection-id': record.id }),
        };
        this.batches.push(batch);
        void this.send(batch);
      }
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
      form.message = t('inspectionSaveFailed', { detail: this.refusalText(error) });
      form.busy = false;
    }
    this.render();
    this.element.querySelector('#inspection-message')?.scrollIntoView({ block: 'nearest' });
  }

  /** Sends the batch's waiting photos one at a time (a weak connection carries one well rather than three badly). */
  private async send(batch: Batch): Promise<void> {
    if (batch.running) return;
    batch.running = true;
    for (let upload = next(batch); upload; upload = next(batch)) {
      upload.state = 'sending';
      upload.loaded = 0;
      upload.error = undefined;
      this.drawUploads(batch);
      try {
        const position = await upload.position;
        const url = `/api/inspections/${batch.inspectionId}/photos${photoQuery(upload.geotag, position, upload.file.lastModified)}`;
        const { record, photoId } = await postPhoto(url, upload, this.viewer?.csrf ?? null, (loaded) => {
          upload.loaded = loaded;
          this.drawUpload(upload);
        });
        if (photoId !== undefined) await this.sendThumbnail(batch.inspectionId, photoId, upload.file);
        upload.state = 'done';
        this.records = (this.records ?? []).map((r) => (r.id === record.id ? record : r));
      } catch (error) {
        upload.state = 'failed';
        upload.error = this.refusalText(error);
      }
      this.drawUploads(batch);
    }
    batch.running = false;
    if (batch.uploads.every((u) => u.state === 'done')) {
      this.batches.splice(this.batches.indexOf(batch), 1);
      toast(t('inspectionUploadsDone', { count: batch.uploads.length, date: date(batch.inspectedOn) }));
    }
    this.render();
  }

  /**
   * Makes and sends the stored photo's small version, before the next photo (one transfer at a time).
   * The photo itself is safe on the server, so a failure is no business of the officer's: one quiet
   * retry, else the list shows the photo itself.
   */
  private async sendThumbnail(inspectionId: number, photoId: number, file: File): Promise<void> {
    let small: Blob;
    try {
      small = await thumbnailOf(file);
    } catch {
      return; // a photo this browser cannot decode: the list shows the photo itself
    }
    if (small.size > MAX_THUMBNAIL_BYTES) return;
    const url = `/api/inspections/${inspectionId}/photos/${photoId}`;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const answer = await fetch(`${url}/thumbnail`, {
          method: 'PUT',
          body: small,
          headers: { 'Content-Type': 'image/jpeg', ...(this.viewer?.csrf ? { [CSRF_HEADER]: this.viewer.csrf } : {}) },
          credentials: 'same-origin',
          signal: AbortSignal.timeout(STALL_MS),
        });
        if (answer.ok) {
          // A thumbnail drawn before the small version was there shows the photo itself (a photo whose
          // answer was lost comes into the list with the next one's). The browser keeps an image by its
          // URL for the page's life whatever the cache headers say, so that one shows the small version
          // made here instead: nothing downloaded again.
          const img = this.thumbs.get(`${inspectionId}/${photoId}`)?.querySelector('img');
          if (img) img.src = URL.createObjectURL(small);
          return;
        }
        if (answer.status < 500) return; // refused: sending it again would be refused again
      } catch {
        // Offline or stalled: the one retry below, then nothing.
      }
    }
  }

  private drawBatch(batch: Batch): HTMLElement {
    this.drawUploads(batch);
    return batch.element;
  }

  private drawUploads(batch: Batch): void {
    const done = batch.uploads.filter((u) => u.state === 'done').length;
    clear(batch.element);
    batch.element.append(
      h('h5', {}, t('inspectionUploadsTitle', { date: date(batch.inspectedOn), done, total: batch.uploads.length })),
      h('ul', { class: 'inspection-upload-list' }, ...batch.uploads.map((u) => this.drawUpload(u, batch))),
    );
    const failed = batch.uploads.filter((u) => u.state === 'failed');
    if (!batch.running && failed.length) {
      batch.element.append(
        h(
          'div',
          { class: 'card-actions' },
          failed.length > 1
            ? h(
                'button',
                {
                  type: 'button',
                  class: 'btn btn-primary',
                  id: `inspection-retry-all-${batch.inspectionId}`,
                  onclick: () => {
                    for (const upload of failed) upload.state = 'waiting';
                    void this.send(batch);
                  },
                },
                t('inspectionRetryAll', { count: failed.length }),
              )
            : null,
          h(
            'button',
            {
              type: 'button',
              class: 'btn',
              onclick: () => {
                this.batches.splice(this.batches.indexOf(batch), 1);
                this.render();
              },
            },
            t('inspectionDropUnsent'),
          ),
        ),
      );
    }
  }

  /** One photo's line: name, state and progress; a failed one offers to try again or to drop it. */
  private drawUpload(upload: Upload, batch?: Batch): HTMLLIElement {
    const { row } = upload;
    clear(row);
    row.className = `upload-${upload.state}`;
    row.setAttribute('data-state', upload.state);
    const percent = Math.min(100, Math.round((upload.loaded / Math.max(1, upload.file.size)) * 100));
    row.append(
      h('span', { class: 'inspection-file' }, upload.file.name),
      h('progress', { max: 100, value: upload.state === 'done' ? 100 : percent, 'aria-label': upload.file.name }),
      h(
        'span',
        { class: upload.state === 'failed' ? 'form-error' : 'hint', role: upload.state === 'failed' ? 'alert' : undefined },
        upload.state === 'failed'
          ? t('inspectionPhotoFailed', { detail: upload.error ?? '' })
          : t(`inspectionUpload_${upload.state}` as MessageKey, { percent }),
      ),
    );
    if (upload.state === 'failed' && batch) {
      row.append(
        h(
          'span',
          { class: 'inspection-upload-actions' },
          h(
            'button',
            {
              type: 'button',
              class: 'btn inspection-retry',
              onclick: () => {
                upload.state = 'waiting';
                void this.send(batch);
              },
            },
            t('inspectionRetry'),
          ),
          h(
            'button',
            {
              type: 'button',
              class: 'btn',
              onclick: () => {
                batch.uploads = batch.uploads.filter((u) => u !== upload);
                if (!batch.uploads.length) this.batches.splice(this.batches.indexOf(batch), 1);
                this.render();
              },
            },
            t('inspectionDrop'),
          ),
        ),
      );
    }
    return row;
  }

  /** A refusal in the officer's language, from its status and reason (never the server's English). */
  private refusalText(error: unknown): string {
    const kind = refusalOf(error);
    const problem = error instanceof HttpError ? (error.problem ?? {}) : {};
    const list = inspectableOf(error) ?? this.inspectable;
    return t(`inspectionRefusal_${kind}` as MessageKey, {
      status: statusLabel(problem.growingAreaStatus ?? this.status),
      statuses: list.map((s) => `“${statusLabel(s)}”`).join(', '),
    });
  }
}

function next(batch: Batch): Upload | undefined {
  return batch.uploads.find((u) => u.state === 'waiting');
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
 * A random key for one picked photo. crypto.randomUUID exists only on secure pages (https, localhost):
 * a phone reaching a test server over plain http on the office network gets as many random bits from
 * getRandomValues.
 */
function newUploadKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Posts the photo's bytes as they are, under its key; XMLHttpRequest because fetch reports no upload progress. The photo's id comes from the Location header. */
async function postPhoto(
  url: string,
  photo: { file: File; type: PhotoType; uploadKey: string },
  csrf: string | null,
  progress: (loaded: number) => void,
): Promise<{ record: InspectionRecord; photoId: number | undefined }> {
  const { status, body, location } = await postWithProgress({
    url,
    body: photo.file,
    headers: {
      'Content-Type': photo.type,
      [IDEMPOTENCY_KEY_HEADER]: photo.uploadKey,
      Accept: 'application/json',
      ...(csrf ? { [CSRF_HEADER]: csrf } : {}),
    },
    stallMs: STALL_MS,
    onProgress: (loaded) => progress(loaded),
  });
  if (status >= 200 && status < 300 && body) {
    const id = Number(/\/photos\/(\d+)$/.exec(location ?? '')?.[1]);
    return { record: body as unknown as InspectionRecord, photoId: Number.isSafeInteger(id) ? id : undefined };
  }
  throw new HttpError(status, typeof body?.detail === 'string' ? body.detail : String(status), body, undefined);
}

/**
 * The photo's small version: a JPEG of at most THUMBNAIL_MAX_EDGE px on its long side, turned upright
 * by its EXIF orientation as the browser shows it (a phone held upright writes a landscape image and
 * an orientation tag).
 */
async function thumbnailOf(file: Blob): Promise<Blob> {
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  try {
    const scale = Math.min(1, THUMBNAIL_MAX_EDGE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2d canvas');
    context.imageSmoothingQuality = 'high';
    context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('no JPEG encoder'))), 'image/jpeg', 0.75),
    );
  } finally {
    bitmap.close();
  }
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

function photoPlace(photo: InspectionPhoto): string {
  return photo.lon === null || photo.lat === null
    ? t('inspectionPhotoNoPosition')
    : t('inspectionPhotoAt', { lat: photo.lat.toFixed(6), lon: photo.lon.toFixed(6) });
}

// One section per area for the page's life, so photos still being sent (or failed) are there again
// when the officer comes back to the area; each new card reads the inspections and the viewer afresh.
const sections = new Map<number, InspectionsSection>();
const cards = new WeakSet<object>();

/** The field-inspections section of a growing area's lifecycle card, brought up to the area's status. */
export function inspectionsSection(card: object, area: { id: number; status: GrowingAreaStatus }): InspectionsSection {
  let section = sections.get(area.id);
  if (!section) {
    section = new InspectionsSection(area.id, area.status);
    sections.set(area.id, section);
  } else if (!cards.has(card)) section.reopen(area.status);
  else section.update(area.status);
  cards.add(card);
  return section;
}

// Leaving the page drops the photos not sent yet: the browser asks first.
window.addEventListener('beforeunload', (event) => {
  if ([...sections.values()].some((section) => section.sending())) event.preventDefault();
});
