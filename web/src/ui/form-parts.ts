// Pieces the card forms share (the lifecycle step, the re-issue, the field inspection), so that a
// field's error and a form's Cancel / send row look and behave the same in each.
import { t } from '../i18n/i18n.ts';
import { h } from './dom.ts';
import { dateInWords } from './feature-format.ts';

// One line of words per date field, made once and moved into each render of its form, so its
// listeners are added once and it keeps its id.
const wordsOf = new WeakMap<HTMLInputElement, HTMLElement>();
let wordsCount = 0;

/**
 * Under a date field, the day chosen in words in the language shown ("1 tháng 12, 2026"), following
 * what is picked or typed, and named in the field's aria-describedby so a screen reader says it with
 * the field: the browser shows a date field in its own order (mm/dd/yyyy on an English system), and
 * an officer reads 12/01/2026 as 12 January. Call it at each render: it rewords the line in the
 * language now shown.
 */
export function dateWords(input: HTMLInputElement): HTMLElement {
  let line = wordsOf.get(input);
  if (!line) {
    const id = `${input.id || input.name || 'date'}-words-${++wordsCount}`;
    const made = h('span', { class: 'hint date-words', id });
    input.addEventListener('input', () => sayDate(input, made));
    input.addEventListener('change', () => sayDate(input, made));
    const described = input.getAttribute('aria-describedby');
    input.setAttribute('aria-describedby', described ? `${described} ${id}` : id);
    wordsOf.set(input, made);
    line = made;
  }
  sayDate(input, line);
  return line;
}

function sayDate(input: HTMLInputElement, line: HTMLElement): void {
  line.textContent = dateInWords(input.value);
  line.hidden = line.textContent === '';
}

/**
 * A labelled input with its hints and, when `error` is given, the error under it (role=alert, the
 * id the tests and aria find it by); the input is marked aria-invalid accordingly. A date field has
 * the day in words under it (dateWords).
 */
export function fieldLabel(
  text: string,
  input: HTMLInputElement,
  error: { id: string; text: string } | undefined,
  ...hints: (HTMLElement | null)[]
): HTMLLabelElement {
  input.setAttribute('aria-invalid', error ? 'true' : 'false');
  const words = input.type === 'date' ? dateWords(input) : null;
  return h(
    'label',
    {},
    text,
    input,
    words,
    ...hints,
    error ? h('span', { class: 'form-error', id: error.id, role: 'alert' }, error.text) : null,
  );
}

/** A form's closing row: Cancel, then the submit button, which says `busyLabel` and is disabled while the form is sending. */
export function formButtons(
  cancel: { id: string; onCancel: () => void },
  submit: { id: string; kind: 'primary' | 'danger'; label: string; busyLabel: string; busy: boolean },
): HTMLDivElement {
  return h(
    'div',
    { class: 'card-actions' },
    h('button', { type: 'button', class: 'btn', id: cancel.id, onclick: cancel.onCancel }, t('cancel')),
    h(
      'button',
      { type: 'submit', class: `btn btn-${submit.kind}`, id: submit.id, disabled: submit.busy },
      submit.busy ? submit.busyLabel : submit.label,
    ),
  );
}

/** What the inputs of a form hold, by their field name. */
export function inputValues<K extends string>(inputs: ReadonlyMap<K, HTMLInputElement>): Record<K, string> {
  return Object.fromEntries([...inputs].map(([field, input]) => [field, input.value])) as Record<K, string>;
}
