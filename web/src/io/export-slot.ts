// The place of "Tải dữ liệu về" in the Tools tab, for every viewer (guests download the public
// layers); the form itself is loaded on first use of the tab, not with the map.
import type { SessionUser } from '../api/session.ts';
import type { MapHandle } from '../map/create-map.ts';
import { h } from '../ui/dom.ts';
import { lazy } from '../ui/lazy.ts';

/** The export section's slot, filled once its module has loaded. */
export function exportSlot(user: SessionUser | undefined, handle: MapHandle): HTMLElement {
  const slot = h('div', { class: 'export-slot', id: 'export-slot' });
  lazy(
    () => import('./export-panel.ts'),
    ({ exportPanel }) => slot.append(exportPanel(user, handle)),
  );
  return slot;
}
