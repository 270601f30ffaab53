// The question before an act that cannot be undone (dropping drawings, a draft, a code's last step):
// one modal dialog, the safe answer focused so that Enter or Esc never takes the act.
import { h } from './dom.ts';

/** Ids of the dialog's parts, which the browser tests (and screen readers' labels) rely on. */
export type ConfirmIds = { dialog: string; title: string; stay: string; go: string };

/** What the dialog says and does: its title and body, the safe answer's words and the act's. */
export type ConfirmQuestion = {
  ids: ConfirmIds;
  title: string;
  body: string;
  stay: string;
  go: string;
  onGo: () => void;
  /** The safe answer drawn as the main button (it keeps the user's work), not plain. */
  stayIsPrimary?: boolean;
  /**
   * How the act's button is drawn: red for an act that destroys or closes a door (the default:
   * dropping drawings, a draft, revoking a code), the main colour for one that cannot be taken back
   * but is what the user came to do (putting a code into operation, restoring it).
   */
  goTone?: 'danger' | 'primary';
  /** Extra attributes on the dialog (e.g. data-unsaved). */
  attributes?: Record<string, string>;
  /**
   * The id of the element that takes the focus back when the act is not taken (Cancel, Escape): the
   * button that asked, where the view drew it again before asking. By default the element focused
   * when the question opened.
   */
  returnFocus?: string;
};

/** Opens the question as a modal dialog, removed from the page once closed. */
export function askBeforeActing(q: ConfirmQuestion): HTMLDialogElement {
  const stay = h(
    'button',
    { type: 'button', class: q.stayIsPrimary ? 'btn btn-primary' : 'btn', id: q.ids.stay, onclick: () => dialog.close() },
    q.stay,
  );
  const go = h(
    'button',
    {
      type: 'button',
      class: q.goTone === 'primary' ? 'btn btn-primary' : 'btn btn-danger',
      id: q.ids.go,
      onclick: () => {
        acted = true;
        dialog.close();
        q.onGo();
      },
    },
    q.go,
  );
  const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  let acted = false;
  const dialog = h(
    'dialog',
    { class: 'dialog', id: q.ids.dialog, role: 'alertdialog', 'aria-labelledby': q.ids.title, ...q.attributes },
    h('h2', { id: q.ids.title }, q.title),
    h('p', {}, q.body),
    h('div', { class: 'dialog-actions' }, stay, go),
  );
  dialog.addEventListener('close', () => {
    dialog.remove();
    // Not taken: the keyboard user is back where they were, not at the top of the page.
    if (acted) return;
    const back = (q.returnFocus ? document.getElementById(q.returnFocus) : null) ?? (before?.isConnected ? before : null);
    back?.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
  stay.focus();
  return dialog;
}
