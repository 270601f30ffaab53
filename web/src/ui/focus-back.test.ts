import { describe, expect, it } from 'vitest';
import { focusBackIfLost } from './focus-back.ts';

// Unit tests have no DOM: a button and a document of the parts the function reads.
function button(connected = true) {
  const focused: unknown[] = [];
  const el = { isConnected: connected, focus: (o?: unknown) => focused.push(o ?? null) } as unknown as HTMLElement;
  return { el, focused };
}
const body = {} as HTMLElement;

describe('focusBackIfLost', () => {
  it('gives the focus back to the button when the read left it on <body> or nowhere', () => {
    for (const activeElement of [body, null]) {
      const b = button();
      focusBackIfLost(b.el, { activeElement: activeElement as Element | null, body });
      expect(b.focused).toEqual([{ preventScroll: true }]);
    }
  });

  it('leaves the focus where something took it meanwhile, and a button no longer on the page alone', () => {
    const elsewhere = button();
    focusBackIfLost(elsewhere.el, { activeElement: {} as Element, body });
    expect(elsewhere.focused).toEqual([]);
    const gone = button(false);
    focusBackIfLost(gone.el, { activeElement: body, body });
    expect(gone.focused).toEqual([]);
  });
});
