// The scan of a signed decision attached to a lifecycle step or a re-issue (lifecycle-card.ts): the
// officer picks PDFs or photos of the paper, each is checked by its first bytes and size (the rules
// the registry enforces, domain/document-facts.ts) and uploaded at once with its progress shown, so
// that by the time the form is sent the move only names what the server already holds (the
// attachments' refs). A file refused (too big, another type) says why in words and is not sent.
import type { AreaDocument } from '../../../server/contracts/registry.ts';
import { checkDocumentFile, type DocumentRefusal } from '../../../server/domain/document-facts.ts';
import { csrfHeaders, HttpError } from '../api/http.ts';
import { postWithProgress } from '../api/upload.ts';
import { formatNumber, t } from '../i18n/i18n.ts';
import type { MessageKey } from '../i18n/vi.ts';
import { clear, h } from '../ui/dom.ts';
import { refusalDetail } from './lifecycle-refusal.ts';

// The contract's IDEMPOTENCY_KEY_HEADER, named here: importing values from the contracts would bring TypeBox into the page.
const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** Silence after which an upload is given up (a phone that lost its signal mid-upload). */
const STALL_MS = 30_000;

/** One picked file: being checked or sent, held by the server, or refused with its words. */
type Picked = {
  key: string;
  file: File;
  state: 'sending' | 'ready' | 'refused';
  loaded: number;
  document?: AreaDocument;
  refusal?: () => string;
};

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
            h('span', { class: 'hint' }, t('decisionAttachUploading', { percent: percent(item) })),
          )
        : item.state === 'ready'
          ? h('span', { class: 'hint decision-attach-ready' }, t('decisionAttachReady'))
          : h('span', { class: 'form-error decision-attach-refused', role: 'alert' }, item.refusal?.() ?? '');
    return h(
      'li',
      { 'data-state': item.state, 'data-key': item.key },
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
    // A document already uploaded stays unclaimed on the server: no move names it.
    this.draw();
    this.element.querySelector<HTMLElement>('#decision-attach-input')?.parentElement?.focus();
  }

  private async add(file: File): Promise<void> {
    const item: Picked = { key: crypto.randomUUID(), file, state: 'sending', loaded: 0 };
    this.items.push(item);
    const verdict = checkDocumentFile(new Uint8Array(await file.slice(0, 16).arrayBuffer()), file.size);
    if (!verdict.valid) return this.refuse(item, verdict.reason);
    this.draw();
    try {
      const answer = await postWithProgress({
        url: `/api/growing-areas/${this.areaId}/documents?name=${encodeURIComponent(file.name)}`,
        body: file,
        headers: { 'Content-Type': verdict.type, [IDEMPOTENCY_KEY_HEADER]: item.key, ...csrfHeaders() },
        stallMs: STALL_MS,
        onProgress: (loaded) => {
          item.loaded = loaded;
          this.drawProgress(item);
        },
      });
      if (!this.items.includes(item)) return;
      if (answer.status === 200 || answer.status === 201) {
        item.state = 'ready';
        item.document = answer.body as AreaDocument;
        return this.draw();
      }
      if (answer.status === 413) return this.refuse(item, 'too-large');
      if (answer.status === 415) return this.refuse(item, 'wrong-type');
      if (answer.status === 400 && answer.body?.reason === 'empty') return this.refuse(item, 'empty');
      const error = new HttpError(answer.status, String(answer.body?.detail ?? answer.status), answer.body, undefined);
      this.fail(item, error);
    } catch (error) {
      this.fail(item, error);
    }
  }

  private refuse(item: Picked, reason: DocumentRefusal): void {
    item.state = 'refused';
    item.refusal = () => t(`decisionAttachRefused_${reason}` as MessageKey, { name: item.file.name, size: fileSize(item.file.size) });
    this.draw();
  }

  private fail(item: Picked, error: unknown): void {
    if (!this.items.includes(item)) return;
    item.state = 'refused';
    item.refusal = () => t('decisionAttachFailed', { name: item.file.name, detail: refusalDetail(error) });
    this.draw();
  }

  /** Moves one file's bar and words on, leaving the rest of the list (and the focus) alone. */
  private drawProgress(item: Picked): void {
    const row = this.element.querySelector(`li[data-key="${item.key}"]`);
    const bar = row?.querySelector('progress');
    if (bar) bar.value = item.loaded;
    const words = row?.querySelector('.decision-attach-progress .hint');
    if (words) words.textContent = t('decisionAttachUploading', { percent: percent(item) });
  }
}

function percent(item: Picked): string {
  return formatNumber(Math.min(100, Math.floor((item.loaded / Math.max(1, item.file.size)) * 100)));
}
