import { describe, expect, it } from 'vitest';
import { en } from './en.ts';
import { startLang, t } from './i18n.ts';
import { vi, type MessageKey } from './vi.ts';

// The i18n module sets <html lang>; a bare object stands in for the document here.
(globalThis as { document?: unknown }).document ??= { documentElement: {} };

const names = (template: string) => [...new Set([...template.matchAll(/\{(\w+)(?:\|[^|{}]*\|[^|{}]*)?\}/g)].map((m) => m[1]!))].sort();

describe('messages', () => {
  it('count in English: one plot, two plots, 1,000 plots; Vietnamese nouns stay as they are', () => {
    startLang('en');
    expect(t('selectedPlots', { n: 1 })).toBe('1 plot selected');
    expect(t('selectedPlots', { n: 2 })).toBe('2 plots selected');
    expect(t('selectedPlots', { n: '1,000' })).toBe('1,000 plots selected');
    expect(t('crosshairNeedCorners', { n: 1 })).toBe('Only 1 corner so far: a plot needs at least 3 to close.');
    expect(t('importStageReadingOf', { n: 1, total: 1 })).toBe('Reading: 1/1 feature');
    // A parameter not given leaves its placeholder, plural form included, as it was.
    expect(t('selectedPlots')).toBe('{n} {n|plot|plots} selected');
    startLang('vi');
    expect(t('selectedPlots', { n: 1 })).toBe(vi.selectedPlots.replace('{n}', '1'));
  });

  it('name the same placeholders in both languages, so no value is lost in translation', () => {
    const differ = (Object.keys(en) as MessageKey[]).filter((k) => k in vi && names(en[k]).join() !== names(vi[k]).join());
    expect(differ).toEqual([]);
  });
});
