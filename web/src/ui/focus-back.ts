// The keyboard given back to a button after a read it was disabled for: a disabled button loses the
// focus (to <body>), so after the read, answered or failed, the keyboard would go on from the page's
// start (audit s16 #8). Only when the focus is lost: whatever took it meanwhile keeps it.

/** The parts of a document this reads (a stand-in in unit tests). */
type FocusDocument = { activeElement: Element | null; body: HTMLElement | null };

/** Focuses `button` when it is still on the page and nothing holds the focus (<body> or none). */
export function focusBackIfLost(button: HTMLElement, doc: FocusDocument = document): void {
  if (button.isConnected && (doc.activeElement === null || doc.activeElement === doc.body)) button.focus({ preventScroll: true });
}
