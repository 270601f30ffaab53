// The bar a card folds to on a phone while plots are picked on the map: the sheet or the editor's card
// would cover half of the map the plots are tapped on. One line says what is being picked, one the
// plots chosen (those the card will send) against the crop's minimum, a third in red, short, the plots
// left out as the server would refuse them (why is said in the list), and two buttons: 'Xem danh
// sách' opens the card again on the list, 'Huỷ' ends the picking. Not 'Xong': while
// a new area is assembled the editor's toolbar stands above the bar with its own 'Xong', which closes
// the editor. app.css fixes the bar at the bottom of a phone's screen and hides the rest of its card
// (visibility, so taps reach the map); on a desk the card leaves the map free and the bar is never
// shown. Used by a draft's 'Thêm thửa' (draft-section.ts) and by the assembler of a new growing area
// (growing-area-form.ts); what both count is pick-tally.ts.
import { t } from '../i18n/i18n.ts';
import { h } from '../ui/dom.ts';

/** What the bar shows; `id` prefixes its elements' ids (`${id}-bar`, `-bar-title`, `-bar-figures`, `-bar-refused`, `-cancel`, `-done`). */
export type PickBarView = {
  id: string;
  title: string;
  /** The plots picked and their hectares against the crop's minimum, with the verdict: true ✓, false ✗, undefined when there is no verdict yet (no plot, no crop rule). */
  figures: { text: string; n: number; ok: boolean | undefined };
  /**
   * A line in red under the figures: the plots the server would refuse, neither counted nor sent (one
   * line at 360 px; the reasons are in the list). `n` is the plots it leaves out (data-n); `mixed` says
   * the line also speaks of a mix of crops (data-mixed), which leaves no plot out by itself.
   */
  refused?: { n: number; mixed?: boolean; text: string };
  onCancel(): void;
  onDone(): void;
};

/** The phone's pick bar, drawn anew from its view at each render of its card. */
export function pickBar(view: PickBarView): HTMLElement {
  const { id, figures } = view;
  const tone = figures.ok === undefined ? 'hint' : figures.ok ? 'verdict-ok' : 'form-error';
  const text = figures.ok === undefined ? figures.text : figures.ok ? `${figures.text} ✓` : `✗ ${figures.text}`;
  return h(
    'div',
    { class: 'pick-bar', id: `${id}-bar`, role: 'region', 'aria-label': t('draftPickBarLabel'), tabindex: '-1' },
    h('p', { class: 'pick-bar-title', id: `${id}-bar-title` }, view.title),
    h(
      'p',
      {
        class: `pick-bar-figures ${tone}`,
        id: `${id}-bar-figures`,
        'data-n': figures.n,
        ...(figures.ok === undefined ? {} : { 'data-ok': String(figures.ok) }),
      },
      text,
    ),
    view.refused
      ? h(
          'p',
          {
            class: 'form-error pick-bar-refused',
            id: `${id}-bar-refused`,
            'data-n': view.refused.n,
            'data-mixed': String(view.refused.mixed ?? false),
          },
          view.refused.text,
        )
      : null,
    h(
      'div',
      { class: 'pick-bar-actions' },
      h('button', { type: 'button', class: 'btn', id: `${id}-cancel`, onclick: view.onCancel }, t('cancel')),
      h('button', { type: 'button', class: 'btn btn-primary', id: `${id}-done`, onclick: view.onDone }, t('pickBarReview')),
    ),
  );
}

/** Puts the keyboard on the bar when it shows (a phone); answers false on a desk, where the card's own hint should take it. */
export function focusPickBar(root: ParentNode, id: string): boolean {
  const bar = root.querySelector<HTMLElement>(`#${id}-bar`);
  if (!bar || !bar.getClientRects().length) return false;
  bar.focus();
  return true;
}
