/**
 * Whether leaving the page now would lose what someone typed or drew: the browser then asks first
 * (beforeunload). A plot drawn in the field, or a farmer's details typed into a form, is gone with a
 * reload or a Back that leaves the app.
 */

const holders = new Set<() => boolean>();

/** Something that knows its own unsaved work (the editor's drawings); the returned function lets go. */
export function holdUnsaved(check: () => boolean): () => void {
  holders.add(check);
  return () => holders.delete(check);
}

// Forms whose leaving loses nothing worth a question: settings and a sign-in, and the inspection form,
// whose draft is kept on the phone as it is typed (storage/inspection-drafts.ts) and comes back after a reload.
const NOT_WORK = '#print-dialog, #sign-in-dialog, #inspection-form';
const TYPED = 'input:not([type=hidden]):not([type=password]):not([type=file]):not([type=search]), textarea, select';

/** A form field whose value is not what the form was opened with (the attributes it was built with). */
function changed(field: Element): boolean {
  if (field instanceof HTMLInputElement) {
    if (field.type === 'checkbox' || field.type === 'radio') return field.checked !== field.defaultChecked;
    return field.value !== field.defaultValue;
  }
  if (field instanceof HTMLTextAreaElement) return field.value !== field.defaultValue;
  if (field instanceof HTMLSelectElement) {
    // A select built with no option marked selected opens on its first.
    const marked = [...field.options].some((o) => o.defaultSelected);
    return [...field.options].some((o, i) => o.selected !== (marked ? o.defaultSelected : i === 0));
  }
  return false;
}

/** A form open in a dialog or in the side panel (a diary entry, an inspection) with a changed field. */
export function formsHoldInput(root: ParentNode): boolean {
  for (const form of root.querySelectorAll('dialog[open] form, #panel form')) {
    if (form.closest(NOT_WORK)) continue;
    for (const field of form.querySelectorAll(TYPED)) if (changed(field)) return true;
  }
  return false;
}

/** Anything that leaving the page would lose. */
export function holdsUnsaved(): boolean {
  for (const check of holders) if (check()) return true;
  return formsHoldInput(document);
}

/** Asks before leaving while there is unsaved work (once per page: main.ts calls it). */
export function warnBeforeLeaving(): void {
  window.addEventListener('beforeunload', (event) => {
    if (!holdsUnsaved()) return;
    event.preventDefault();
    // Older browsers ask only when a return value is set.
    event.returnValue = '';
  });
}
