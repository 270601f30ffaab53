import { h } from './dom.ts';
import { icon as drawIcon, type IconName } from './icons.ts';

/** Icons of the panel's tabs and of its open/close button. */
export type PanelIcon = Extract<IconName, 'layers' | 'details' | 'mine' | 'tools' | 'collapse' | 'expand'>;

const icon = (name: PanelIcon) => drawIcon(name, 'tab-icon');

/** One tab of the side panel: its full name (open panel, phone bar) and a short one (desk rail). */
export type PanelTab<T extends string = string> = { id: T; label: string; short: string; icon: PanelIcon };

/**
 * Whether the side panel offers "my plots" to a viewer (by the session's role; undefined for a
 * guest): a farmer signed in, a guest (a farmer without an account reads their plots there by the
 * code on their card), and officers and admins (their communes' plots). A planner has no plots: the
 * tab would only ever say so.
 */
export function offersMyPlots(role: string | undefined): boolean {
  return role === undefined || role === 'farmer' || role === 'officer' || role === 'admin';
}

/**
 * The name of that tab and of its list: a farmer's (or a guest's, by card) own plots are "Thửa của
 * tôi"; an officer's or an admin's are the plots of the communes they look after ("Thửa địa bàn"),
 * which are the farmers', not theirs.
 */
export function myPlotsName(role: string | undefined): 'myPlots' | 'areaPlots' {
  return role === 'officer' || role === 'admin' ? 'areaPlots' : 'myPlots';
}

/** What the tab strip shows and what its buttons do. */
export type PanelTabsState<T extends string> = {
  tabs: PanelTab<T>[];
  active: T;
  open: boolean;
  /** The id of the element the buttons show and hide (the panel's body). */
  controls: string;
  toggleLabel: string;
  onPick: (id: T) => void;
  onToggle: () => void;
};

/**
 * Redraws the panel's tab strip: one button per tab (icon, full and short name; CSS shows the name
 * that fits: full in the open desk panel and the phone's bottom bar, short in the closed desk rail)
 * and a button that closes the panel to its rail or opens it again on the last tab. The button that
 * had the keyboard focus gets it back after the redraw, or a keyboard user would be thrown to the
 * top of the page on every tab change.
 */
export function renderPanelTabs<T extends string>(bar: HTMLElement, state: PanelTabsState<T>): void {
  const before = bar.contains(document.activeElement) ? (document.activeElement as HTMLElement) : undefined;
  const focused = before?.dataset['tab'] ? `[data-tab="${before.dataset['tab']}"]` : before ? '.panel-toggle' : undefined;
  const buttons: HTMLButtonElement[] = state.tabs.map(({ id, label, short, icon: name }) => {
    const current = id === state.active && state.open;
    return h(
      'button',
      {
        type: 'button',
        class: `tab${current ? ' is-active' : ''}`,
        'data-tab': id,
        'aria-pressed': current ? 'true' : 'false',
        'aria-controls': state.controls,
        // In the closed rail only the short name is shown: the full one is the tooltip.
        title: state.open ? undefined : label,
        onclick: () => state.onPick(id),
      },
      icon(name),
      h('span', { class: 'tab-label' }, label),
      h('span', { class: 'tab-short', 'aria-hidden': 'true' }, short),
    );
  });
  const toggle = h(
    'button',
    {
      type: 'button',
      class: 'panel-toggle',
      'aria-expanded': state.open ? 'true' : 'false',
      'aria-controls': state.controls,
      'aria-label': state.toggleLabel,
      title: state.toggleLabel,
      onclick: () => state.onToggle(),
    },
    icon(state.open ? 'collapse' : 'expand'),
  );
  bar.replaceChildren(...buttons, toggle);
  if (focused) bar.querySelector<HTMLElement>(focused)?.focus();
}
