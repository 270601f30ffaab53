import { describe, expect, it } from 'vitest';
import { GROWING_AREA_STATUSES, STATUS_LABELS } from '../../../server/domain/growing-area-lifecycle.ts';
import { en } from './en.ts';
import type { MessageKey } from './vi.ts';
import { vi } from './vi.ts';

describe('growing-area statuses', () => {
  it('read the same in the app as in the registry’s own labels (cards, history, public lookup), in both languages', () => {
    for (const status of GROWING_AREA_STATUSES) {
      const key = `status_${status}` as MessageKey;
      expect(vi[key], status).toBe(STATUS_LABELS[status].vi);
      expect(en[key], status).toBe(STATUS_LABELS[status].en);
    }
  });
});
