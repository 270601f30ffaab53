// Pieces the card forms share (the lifecycle step, the re-issue, the field inspection), so that a
// field's error and a form's Cancel / send row look and behave the same in each.
import { t } from '../i18n/i18n.ts';
import { h } from './dom.ts';

/**
 * A labelled input with its hints and, when `error` is given, the error under it (role=alert, the
 * id the tests and aria find it by); the input is marked aria-invalid accordingly.
 */
export function fieldLabel(
  text: string,
  input: HTMLInputElement,
  error: { id: string; text: string } | undefined,
  ...hints: (HTMLElement | null)[]
): HTMLLabelElement {
  input.setAttribute('aria-invalid', error ? 'true' : 'false');
  return h('label', {}, text, input, ...hints, error ? h('span', { class: 'form-error', id: error.id, role: 'alert' }, error.text) : null);
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
