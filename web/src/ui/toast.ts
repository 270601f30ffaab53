// Short messages at the bottom of the screen. A message given as words (a function of the current
// language, e.g. () => t('saved')) is worded again when the language is switched while it is up;
// one given as finished text cannot be: the switch closes it rather than leave the old language,
// unless it is an error, which stays until dismissed (the user may have switched to read it).
import { onLang } from '../i18n/i18n.ts';
import { h } from './dom.ts';

let host: HTMLElement | undefined;

/** Messages shown at once: a burst of steps must not cover the map; older information gives way first. */
const MAX_SHOWN = 3;

/** What a message says: finished text, or a function called now and again after each language switch. */
export type ToastWords = string | (() => string);

/** A button in a message, such as "Tải lại trang". */
export type ToastAction = { label: ToastWords; run: () => void; className?: string };

/** How each shown message words itself again; a message missing here was given as finished text. */
const rewording = new WeakMap<Element, () => void>();

const wordsOf = (words: ToastWords): string => (typeof words === 'function' ? words() : words);

/** One listener for every message, from the first one on: the switch rewords what it can and closes other information. */
function followLanguage(): void {
  onLang(() => {
    for (const item of [...(host?.children ?? [])]) {
      const reword = rewording.get(item);
      if (reword) reword();
      else if (!item.classList.contains('toast-error')) item.remove();
    }
  });
}

/**
 * Shows a short message at the bottom of the screen; errors stay until dismissed, information for
 * `ms` (Infinity: until closed, for a step in progress such as "Đang lưu…"). Answers what closes it
 * now; closing a message already gone does nothing.
 */
export function toast(message: ToastWords, kind: 'info' | 'error' = 'info', ms = 4000, action?: ToastAction): () => void {
  if (!host) {
    host =
      document.getElementById('toasts') ?? document.body.appendChild(h('div', { id: 'toasts', role: 'status', 'aria-live': 'polite' }));
    followLanguage();
  }
  const text = h('span', { class: 'toast-text' }, wordsOf(message));
  const item = h('div', { class: `toast toast-${kind}${action?.className ? ` ${action.className}` : ''}` }, text);
  const button = action
    ? h('button', { type: 'button', class: 'btn toast-action', onclick: () => action.run() }, wordsOf(action.label))
    : undefined;
  if (button) item.append(button);
  if (typeof message === 'function' && typeof action?.label !== 'string') {
    rewording.set(item, () => {
      text.textContent = message();
      if (button && action) button.textContent = wordsOf(action.label);
    });
  }
  if (kind === 'error') {
    item.append(h('button', { class: 'toast-close', 'aria-label': '×', onclick: () => item.remove() }, '×'));
  } else if (Number.isFinite(ms)) {
    setTimeout(() => item.remove(), ms);
  }
  host.append(item);
  while (host.children.length > MAX_SHOWN) {
    const older = [...host.children].filter((c) => c !== item);
    (older.find((c) => !c.classList.contains('toast-error')) ?? older[0])?.remove();
  }
  return () => item.remove();
}
