// The place of "Nhập dữ liệu" in the Tools tab: empty for viewers who may write no collection; the
// form itself is loaded on first use, so guests and farmers never download it.
import type { SessionUser } from '../api/session.ts';
import type { MapHandle } from '../map/create-map.ts';
import { h } from '../ui/dom.ts';
import { lazy } from '../ui/lazy.ts';
import { writableCollections } from './import-collections.ts';

/** The import section's slot for this viewer, or null when they may import nothing. */
export function importSlot(user: SessionUser | undefined, handle: MapHandle): HTMLElement | null {
  if (!user || writableCollections(user.role).length === 0) return null;
  const slot = h('div', { class: 'import-slot', id: 'import-slot' });
  lazy(
    () => import('./import-panel.ts'),
    ({ importPanel }) => slot.append(importPanel(user, handle)),
  );
  return slot;
}
