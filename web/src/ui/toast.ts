import { h } from './dom.ts';

let host: HTMLElement | undefined;

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
}
