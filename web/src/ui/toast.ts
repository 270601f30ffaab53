import { h } from './dom.ts';

let host: HTMLElement | undefined;

/** Messages shown at once: a burst of steps must not cover the map; older information gives way first. */
const MAX_SHOWN = 3;

/** Shows a short message at the bottom of the screen; errors stay until dismissed. */
export function toast(message: string, kind: 'info' | 'error' = 'info', ms = 4000): void {
  host ??=
    document.getElementById('toasts') ?? document.body.appendChild(h('div', { id: 'toasts', role: 'status', 'aria-live': 'polite' }));
  const item = h('div', { class: `toast toast-${kind}` }, message);
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
