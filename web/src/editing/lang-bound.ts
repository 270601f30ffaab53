// The editor's and the crosshair tool's text follows the language switch while they are open: each
// text is given as a function of the current state, set now and set again when the language changes,
// in place (the drawing, the corners placed and the tool's state are untouched). A view holds one
// LangBound and disposes it when it closes, so no listener outlives it.
import { onLang } from '../i18n/i18n.ts';

/** What text() writes into: an element's text (tests pass a plain object). */
export type TextTarget = { textContent: string | null };

/** What label() writes into: a button's text, tooltip and accessible name. */
export type LabelTarget = TextTarget & { title: string; setAttribute(name: string, value: string): void };

/** Text of one view that follows the language until disposed. */
export type LangBound = {
  /** Sets the element's text now and after every language switch; answers the element. */
  text<E extends TextTarget>(element: E, text: () => string): E;
  /** As text(), and the same words as tooltip and accessible name (the toolbar's buttons). */
  label<E extends LabelTarget>(element: E, text: () => string): E;
  /** Runs redraw after every language switch (not now): for views drawn whole from their state. */
  redraw(fn: () => void): void;
  /** Stops following the language; later switches touch nothing of this view. Safe to call twice. */
  dispose(): void;
};

/** A LangBound listening to the language from now until its dispose(). */
export function followLang(): LangBound {
  const redraws: Array<() => void> = [];
  let unsubscribe: (() => void) | undefined = onLang(() => {
    for (const fn of redraws) fn();
  });
  const setLabel = (element: LabelTarget, words: string) => {
    element.textContent = words;
    element.title = words;
    element.setAttribute('aria-label', words);
  };
  return {
    text(element, text) {
      element.textContent = text();
      redraws.push(() => (element.textContent = text()));
      return element;
    },
    label(element, text) {
      setLabel(element, text());
      redraws.push(() => setLabel(element, text()));
      return element;
    },
    redraw(fn) {
      redraws.push(fn);
    },
    dispose() {
      unsubscribe?.();
      unsubscribe = undefined;
      redraws.length = 0;
    },
  };
}
