import { afterEach, describe, expect, it } from 'vitest';
import { setLang, startLang, t } from '../i18n/i18n.ts';
import { vi } from '../i18n/vi.ts';
import { followLang, type LabelTarget } from './lang-bound.ts';

// The i18n module sets <html lang> and remembers the choice; bare objects stand in here.
(globalThis as { document?: unknown }).document ??= { documentElement: {} };
(globalThis as { localStorage?: unknown }).localStorage ??= { getItem: () => null, setItem: () => undefined };
afterEach(() => startLang('vi'));

/** A button's text, tooltip and attributes, as the DOM would hold them. */
function fakeButton(): LabelTarget & { attributes: Record<string, string> } {
  const attributes: Record<string, string> = {};
  return { textContent: '', title: '', attributes, setAttribute: (name, value) => void (attributes[name] = value) };
}

describe('followLang', () => {
  it('sets a text now and again in the other language, from the state it is given', () => {
    startLang('vi');
    const words = followLang();
    let corners = 2;
    const count = words.text({ textContent: '' }, () => t('crosshairCorners', { n: corners }));
    const cancel = words.label(fakeButton(), () => t('cancel'));
    expect(count.textContent).toBe(t('crosshairCorners', { n: 2 }));
    expect(cancel).toMatchObject({ textContent: 'Huỷ', title: 'Huỷ', attributes: { 'aria-label': 'Huỷ' } });
    corners = 3;
    setLang('en');
    expect(count.textContent).toBe(t('crosshairCorners', { n: 3 }));
    expect(count.textContent).toMatch(/3/);
    expect(cancel).toMatchObject({ textContent: 'Cancel', title: 'Cancel', attributes: { 'aria-label': 'Cancel' } });
    words.dispose();
  });

  it('runs a redraw on each switch, not when registered', () => {
    startLang('vi');
    const words = followLang();
    let runs = 0;
    words.redraw(() => runs++);
    expect(runs).toBe(0);
    setLang('en');
    setLang('vi');
    expect(runs).toBe(2);
    words.dispose();
  });

  it('after dispose no switch reaches the view: its listener is gone, and disposing twice is harmless', () => {
    startLang('vi');
    const words = followLang();
    let runs = 0;
    words.redraw(() => runs++);
    const title = words.text({ textContent: '' }, () => t('crosshairTool'));
    words.dispose();
    words.dispose();
    setLang('en');
    expect(runs).toBe(0);
    // The closed view keeps the words it had: nothing rewrote them.
    expect(title.textContent).toBe(vi.crosshairTool);
    expect(title.textContent).not.toBe(t('crosshairTool'));
  });

  it('many views opened and closed leave no listener behind: a switch after they close runs nothing of theirs', () => {
    startLang('vi');
    let runs = 0;
    for (let i = 0; i < 50; i++) {
      const words = followLang();
      words.redraw(() => runs++);
      words.dispose();
    }
    const open = followLang();
    open.redraw(() => runs++);
    setLang('en');
    expect(runs).toBe(1);
    open.dispose();
  });
});
