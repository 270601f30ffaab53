// The scan of a signed decision attached to a lifecycle step or a re-issue (lifecycle-card.ts): the
// officer picks PDFs or photos of the paper, each is checked by its first bytes and size (the rules
// the registry enforces, domain/document-facts.ts) and uploaded at once with its progress shown, so
// that by the time the form is sent the move only names what the server already holds (the
// attachments' refs). A file refused (too big, another type) says why in words and is not sent. An
// upload the network or a busy server failed is tried again by itself a few times (the same
// Idempotency-Key, so a first attempt that did arrive is not stored twice), then offers a retry
// button. A file removed from the form, or a form given up, is deleted from the server at once (what
// never gets there is swept after a day).
import type { AreaDocument } from '../../../server/contracts/registry.ts';
import { checkDocumentFile, type DocumentRefusal } from '../../../server/domain/document-facts.ts';
import { csrfHeaders, HttpError, request } from '../api/http.ts';
import { postWithProgress } from '../api/upload.ts';
import { formatNumber, t } from '../i18n/i18n.ts';
import type { MessageKey } from '../i18n/vi.ts';
import { clear, h } from '../ui/dom.ts';
import { refusalDetail } from './lifecycle-refusal.ts';

// The contract's IDEMPOTENCY_KEY_HEADER, named here: importing values from the contracts would bring TypeBox into the page.
const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** Silence after which an upload is given up (a phone that lost its signal mid-upload). */
const STALL_MS = 30_000;

/** Waits before each new attempt of an upload that failed on the network or at a busy server (3 retries, then the button). */
const RETRY_DELAYS_MS = [1_000, 3_000, 8_000];

/** The longest a server's Retry-After is waited for; longer, the officer gets the retry button sooner. */
const MAX_RETRY_AFTER_MS = 30_000;

/**
 * One picked file: being checked or sent (`attempt` 1 the first time), held by the server, refused
 * with its words, or failed after its retries (`retryable`: the network or the server, not the file).
 */
type Picked = {
  key: string;
  file: File;
  state: 'sending' | 'ready' | 'refused';
  loaded: number;
  attempt: number;
  retryable?: boolean;
  document?: AreaDocument;
  refusal?: () => string;
};

/** An upload failure worth trying again: no answer (offline, a stall, a dropped connection) or the server's own trouble. */
function transient(status: number): boolean {
  return status === 0 || status >= 500;
}

/** The wait before attempt `attempt + 1`: the server's Retry-After (seconds or a date) when it said one, else the backoff. */
export function retryDelay(attempt: number, retryAfter: string | null | undefined, now = Date.now()): number {
  const backoff = RETRY_DELAYS_MS[Math.min(attempt - 1, RETRY_DELAYS_MS.length - 1)]!;
  if (!retryAfter) return backoff;
  const seconds = /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter.trim()) * 1000 : Date.parse(retryAfter) - now;
  return Number.isFinite(seconds) ? Math.min(MAX_RETRY_AFTER_MS, Math.max(0, seconds)) : backoff;
}

/** The attempts an upload gets by itself before the retry button: the first and one per delay. */
export const UPLOAD_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

/** Why the form may not be sent yet: a file still on its way, or one refused and not removed. */
export type AttachmentsBlocker = 'uploading' | 'refused';

/** A file's size as people read it (KB below a megabyte). */
export function fileSize(bytes: number): string {
  return bytes < 1024 * 1024 ? `${formatNumber(Math.max(1, Math.round(bytes / 1024)))} KB` : `${formatNumber(bytes / 1024 / 1024, 1)} MB`;
}

/** The picker and list of a form's decision scans; its element is kept across the card's renders. */
export class DecisionAttachments {
  readonly element = h('div', { class: 'decision-attachments', id: 'decision-attachments' });
  private readonly items: Picked[] = [];

  /** `areaId`: the version the step moves (the documents are its own). */
  constructor(private readonly areaId: number) {}

  /** Draws the picker and the files in the language shown; answers the kept element. */
  render(): HTMLElement {
    this.draw();
    return this.element;
  }

  /** The attachments the move names: the files the server holds. */
  attachments(): { name: string; ref: string }[] {
    return this.items.filter((i) => i.state === 'ready' && i.document).map((i) => ({ name: i.document!.name, ref: i.document!.ref }));
  }

  /**
   * The form was given up (cancelled): the scans it uploaded are deleted from the server, as a file
   * removed from the list is. Not after the move was sent: it claimed them.
   */
  discard(): void {
    for (const item of this.items.splice(0)) this.forget(item);
  }

  /** What stops the form from being sent now, if anything. */
  blocker(): AttachmentsBlocker | undefined {
    if (this.items.some((i) => i.state === 'sending')) return 'uploading';
    if (this.items.some((i) => i.state === 'refused')) return 'refused';
    return undefined;
  }

  private draw(): void {
    const input = h('input', {
      type: 'file',
      accept: '.pdf,application/pdf,image/jpeg,image/png',
      multiple: true,
      id: 'decision-attach-input',
      class: 'sr-only',
    });
    input.addEventListener('change', () => {
      for (const file of Array.from(input.files ?? [])) void this.add(file);
      input.value = '';
    });
    clear(this.element);
    this.element.append(
      h(
        'div',
        { class: 'decision-attach-pick' },
        h('label', { class: 'btn', for: 'decision-attach-input' }, t('decisionAttach'), input),
        h('span', { class: 'hint' }, t('decisionAttachHint')),
      ),
      ...(this.items.length
        ? [h('ul', { class: 'decision-attach-list', id: 'decision-attach-list' }, ...this.items.map((item) => this.row(item)))]
        : []),
    );
  }

  private row(item: Picked): HTMLElement {
    const status =
      item.state === 'sending'
        ? h(
            'span',
            { class: 'decision-attach-progress', role: 'status' },
            h('progress', { max: item.file.size || 1, value: item.loaded }),
            h('span', { class: 'hint' }, progressWords(item)),
          )
        : item.state === 'ready'
          ? h('span', { class: 'hint decision-attach-ready' }, t('decisionAttachReady'))
          : h(
              'span',
              { class: 'form-error decision-attach-refused', role: 'alert' },
              item.refusal?.() ?? '',
              item.retryable
                ? h(
                    'button',
                    {
                      type: 'button',
                      class: 'btn decision-attach-retry',
                      'aria-label': t('decisionAttachRetryNamed', { name: item.file.name }),
                      onclick: () => void this.retry(item),
                    },
                    t('decisionAttachRetry'),
                  )
                : null,
            );
    return h(
      'li',
      { 'data-state': item.state, 'data-key': item.key, 'data-attempt': String(item.attempt) },
      h('span', { class: 'decision-attach-name' }, item.file.name),
      ' ',
      h('span', { class: 'hint decision-attach-size' }, fileSize(item.file.size)),
      ' ',
      h(
        'button',
        {
          type: 'button',
          class: 'btn decision-attach-remove',
          'aria-label': t('decisionAttachRemoveNamed', { name: item.file.name }),
          onclick: () => this.remove(item),
        },
        t('decisionAttachRemove'),
      ),
      status,
    );
  }

  private remove(item: Picked): void {
    const at = this.items.indexOf(item);
    if (at >= 0) this.items.splice(at, 1);
    this.forget(item);
    this.draw();
    this.element.querySelector<HTMLElement>('#decision-attach-input')?.parentElement?.focus();
  }

  /**
   * A file removed (or its form given up): a document the server holds is deleted there, one still on
   * its way once it arrives. A delete that fails changes nothing here: the sweep takes what no move claims.
   */
  private forget(item: Picked): void {
    const ref = item.document?.ref;
    if (ref) void request(ref, { method: 'DELETE' }).catch(() => undefined);
  }

  private async add(file: File): Promise<void> {
    const item: Picked = { key: crypto.randomUUID(), file, state: 'sending', loaded: 0, attempt: 1 };
    this.items.push(item);
    const verdict = checkDocumentFile(new Uint8Array(await file.slice(0, 16).arrayBuffer()), file.size);
    if (!verdict.valid) return this.refuse(item, verdict.reason);
    this.draw();
    await this.send(item, verdict.type);
  }

  /** The retry button: the same file under the same key, its attempts counted afresh. */
  private async retry(item: Picked): Promise<void> {
    const verdict = checkDocumentFile(new Uint8Array(await item.file.slice(0, 16).arrayBuffer()), item.file.size);
    if (!verdict.valid) return this.refuse(item, verdict.reason);
    Object.assign(item, { state: 'sending', loaded: 0, attempt: 1, retryable: false, refusal: undefined });
    this.draw();
    this.element.querySelector<HTMLElement>(`li[data-key="${item.key}"] .decision-attach-remove`)?.focus();
    await this.send(item, verdict.type);
  }

  /** Uploads `item`, trying again by itself after a network failure or a server error, until the attempts run out. */
  private async send(item: Picked, type: string): Promise<void> {
    for (;;) {
      let failure: unknown;
      let retryAfter: string | null = null;
      try {
        const answer = await postWithProgress({
          url: `/api/growing-areas/${this.areaId}/documents?name=${encodeURIComponent(item.file.name)}`,
          body: item.file,
          headers: { 'Content-Type': type, [IDEMPOTENCY_KEY_HEADER]: item.key, ...csrfHeaders() },
          stallMs: STALL_MS,
          onProgress: (loaded) => {
            item.loaded = loaded;
            this.drawProgress(item);
          },
        });
        if (answer.status === 200 || answer.status === 201) {
          item.document = answer.body as AreaDocument;
          // Removed while on its way: deleted now that the server holds it.
          if (!this.items.includes(item)) return this.forget(item);
          item.state = 'ready';
          return this.draw();
        }
        if (!this.items.includes(item)) return;
        if (answer.status === 413) return this.refuse(item, 'too-large');
        if (answer.status === 415) return this.refuse(item, 'wrong-type');
        if (answer.status === 400 && answer.body?.reason === 'empty') return this.refuse(item, 'empty');
        failure = new HttpError(answer.status, String(answer.body?.detail ?? answer.status), answer.body, undefined);
        retryAfter = answer.retryAfter;
      } catch (error) {
        failure = error;
      }
      if (!this.items.includes(item)) return;
      const status = failure instanceof HttpError ? failure.status : 0;
      if (!transient(status) || item.attempt >= UPLOAD_ATTEMPTS) return this.fail(item, failure, transient(status));
      // Said on the bar while waiting: the file is not given up.
      item.attempt++;
      item.loaded = 0;
      this.drawProgress(item);
      await new Promise((resolve) => setTimeout(resolve, retryDelay(item.attempt - 1, retryAfter)));
      if (!this.items.includes(item)) return;
    }
  }

  private refuse(item: Picked, reason: DocumentRefusal): void {
    item.state = 'refused';
    item.refusal = () => t(`decisionAttachRefused_${reason}` as MessageKey, { name: item.file.name, size: fileSize(item.file.size) });
    this.draw();
  }

  private fail(item: Picked, error: unknown, retryable = false): void {
    if (!this.items.includes(item)) return;
    item.state = 'refused';
    item.retryable = retryable;
    item.refusal = () => t('decisionAttachFailed', { name: item.file.name, detail: refusalDetail(error) });
    this.draw();
  }

  /** Moves one file's bar and words on, leaving the rest of the list (and the focus) alone. */
  private drawProgress(item: Picked): void {
    const row = this.element.querySelector(`li[data-key="${item.key}"]`);
    const bar = row?.querySelector('progress');
    if (bar) bar.value = item.loaded;
    const words = row?.querySelector('.decision-attach-progress .hint');
    if (words) words.textContent = progressWords(item);
    row?.setAttribute('data-attempt', String(item.attempt));
  }
}

/** The words beside the bar: uploading, or trying again after a failure. */
function progressWords(item: Picked): string {
  return t(item.attempt > 1 ? 'decisionAttachRetrying' : 'decisionAttachUploading', { percent: percent(item) });
}

function percent(item: Picked): string {
  return formatNumber(Math.min(100, Math.floor((item.loaded / Math.max(1, item.file.size)) * 100)));
}
