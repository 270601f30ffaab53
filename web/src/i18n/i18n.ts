import { en } from './en.ts';
import { vi, type MessageKey, type Messages } from './vi.ts';

/** Languages of the client; Vietnamese is the default. */
export type Lang = 'vi' | 'en';

const TABLES: Record<Lang, Messages> = { vi, en };
const STORAGE_KEY = 'bando.lang';

let current: Lang = 'vi';
const listeners = new Set<(lang: Lang) => void>();

/**
 * The message in the current language with {name} placeholders filled in. English counts with
 * {name|one|other}: the first word when the parameter is 1, the second otherwise ("1 plot", "2 plots");
 * Vietnamese nouns do not change with the number.
 */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  // A key built from data (a status the table does not know yet) falls back to the key itself.
  const template: string = TABLES[current][key] ?? vi[key] ?? String(key).replace(/^[a-z]+_/, '');
  return template.replace(/\{(\w+)(?:\|([^|{}]*)\|([^|{}]*))?\}/g, (whole, name: string, one?: string, other?: string) => {
    if (!(name in params)) return whole;
    if (one === undefined) return String(params[name]);
    return Number(params[name]) === 1 ? one : (other ?? one);
  });
}

/** The language now shown. */
export function lang(): Lang {
  return current;
}

/** Number formatting of the current language: 1.234,5 in Vietnamese, 1,234.5 in English. */
export function formatNumber(value: number, digits = 0): string {
  return value.toLocaleString(current === 'vi' ? 'vi-VN' : 'en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Switches the language, remembers it on this device and tells every view to redraw its text. */
export function setLang(next: Lang): void {
  if (next === current) return;
  current = next;
  document.documentElement.lang = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Private browsing may refuse storage; the choice then lasts for this page only.
  }
  for (const listener of listeners) listener(next);
}

/** Calls fn whenever the language changes (not now: callers draw their text first); returns the unsubscribe function. */
export function onLang(fn: (lang: Lang) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** The language to start with: the link's, else this device's last choice, else Vietnamese. */
export function initialLang(fromUrl: string | undefined): Lang {
  if (fromUrl === 'en' || fromUrl === 'vi') return fromUrl;
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored === 'en' || stored === 'vi') return stored;
  } catch {
    // See setLang.
  }
  return 'vi';
}

/** Sets the language without notifying (before any view exists). */
export function startLang(value: Lang): void {
  current = value;
  document.documentElement.lang = value;
}
