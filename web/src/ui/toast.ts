import { h } from './dom.ts';

let host: HTMLElement | undefined;

/** Messages shown at once: a burst of steps must not cover the map; older information gives way first. */
const MAX_SHOWN = 3;

/** A button in a message, such as "Tải lại trang". */
export type ToastAction = { label: string; run: () => void; className?: string };

/** Shows a short message at the bottom of the screen; errors stay until dismissed. */
export function toast(message: string, kind: 'info' | 'error' = 'info', ms = 4000, action?: ToastAction): void {
  host ??=
    document.getElementById('toasts') ?? document.body.appendChild(h('div', { id: 'toasts', role: 'status', 'aria-live': 'polite' }));
  const item = h('div', { class: `toast toast-${kind}${action?.className ? ` ${action.className}` : ''}` }, message);
  if (action) item.append(h('button', { type: 'button', class: 'btn toast-action', onclick: () => action.run() }, action.label));
  if (kind === 'error') {
    item.append(h('button', { class: 'toast-close', 'aria-label': '×', onclick: () => item.remove() }, '×'));
  } else {
    setTimeout(() => item.remove(), ms);
  }
  host.append(item);
  while (host.children.length > MAX_SHOWN) {
    const older = [...host.children].filter((c) => c !== item);
    (older.find((c) => !c.classList.contains('toast-error')) ?? older[0])?.remove();
  }
}
