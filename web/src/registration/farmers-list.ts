// "Nông hộ / Farmers": the officer's list of the farmers of their communes (an administrator's: all),
// a page at a time, filtered by name, citizen ID, phone or card code as GET /api/farmers reads them.
// Each row names the farmer, their card code, hamlet and commune and how many plots they have;
// choosing one closes the list and flies to their plots (the first one's card opens), or, for a farmer
// with no plot yet, opens their record over the list, which is read again when it closes (a correction
// shows). The words and the choice are farmers-page.ts's, tested without a browser.
import type { FarmerListItem } from '../../../server/contracts/registry.ts';
import { describeError, getJson } from '../api/http.ts';
import { t } from '../i18n/i18n.ts';
import { clear, h } from '../ui/dom.ts';
import type { SearchHit } from '../ui/search-box.ts';
import { FARMERS_PAGE, farmerChoice, farmerRowWords, farmersUrl, pageWords, previousOffset } from './farmers-page.ts';

/** What the list asks of the page: fly to a farmer's plots, and open the record of one with none. */
export type FarmersListHost = {
  flyTo: (hit: SearchHit) => void;
  openRecord: (farmerId: number) => Promise<unknown>;
};

/** Opens the farmers list as a dialog (one at a time). */
export function openFarmersList(host: FarmersListHost): void {
  document.getElementById('farmers-dialog')?.remove();
  const heading = h('h2', { id: 'farmers-dialog-title' }, t('farmersList'));
  const find = h('input', {
    type: 'search',
    id: 'farmers-filter',
    name: 'q',
    maxlength: 100,
    autocomplete: 'off',
    enterkeyhint: 'search',
    'aria-label': t('farmersFilter'),
  });
  find.placeholder = t('farmersFilter');
  const filter = h('form', { class: 'accounts-search', role: 'search' }, find, h('button', { type: 'submit', class: 'btn' }, t('search')));
  const status = h('p', { class: 'hint', id: 'farmers-status', role: 'status' });
  const rows = h('ul', { class: 'accounts-list farmers-list', id: 'farmers-rows', 'aria-labelledby': 'farmers-dialog-title' });
  const prev = h('button', { type: 'button', class: 'btn', id: 'farmers-prev' }, t('farmersPrev'));
  const next = h('button', { type: 'button', class: 'btn', id: 'farmers-next' }, t('farmersNext'));
  const range = h('span', { class: 'farmers-range', id: 'farmers-range' });
  const paging = h('div', { class: 'farmers-paging' }, prev, range, next);
  const close = h('button', { type: 'button', class: 'btn', id: 'farmers-dialog-close' }, t('close'));
  const dialog = h(
    'dialog',
    { class: 'dialog accounts-dialog farmers-dialog', id: 'farmers-dialog', 'aria-labelledby': 'farmers-dialog-title' },
    heading,
    h('p', { class: 'hint' }, t('farmersListHint')),
    filter,
    status,
    rows,
    paging,
    h('div', { class: 'dialog-actions' }, close),
  );

  let query = '';
  let offset = 0;
  // An answer for an earlier filter or page that comes after a later one's is dropped.
  let seq = 0;

  async function show(at: number, focusFirst = false): Promise<void> {
    const mine = ++seq;
    status.textContent = t('farmersLoading');
    // A failed read leaves the buttons as they were, to try again.
    const could = { prev: prev.disabled, next: next.disabled };
    prev.disabled = true;
    next.disabled = true;
    try {
      const page = await getJson<{ total: number | string; farmers: FarmerListItem[] }>(farmersUrl(query, at));
      if (mine !== seq || !dialog.isConnected) return;
      const total = Number(page.total);
      // A page past the end (the list shrank since): the last page there is.
      if (page.farmers.length === 0 && at > 0) return void show(previousOffset(Math.min(at, total)), focusFirst);
      offset = at;
      clear(rows);
      rows.append(...page.farmers.map(row));
      const words = pageWords(total, offset, page.farmers.length);
      status.textContent = page.farmers.length ? '' : query ? t('farmersNone', { q: query }) : t('farmersEmpty');
      range.textContent = words.text;
      prev.disabled = !words.prev;
      next.disabled = !words.next;
      paging.hidden = !words.prev && !words.next;
      if (focusFirst) rows.querySelector<HTMLElement>('.farmer-row-open')?.focus();
    } catch (error) {
      if (mine !== seq || !dialog.isConnected) return;
      status.textContent = t('farmersLoadFailed', { detail: describeError(error) });
      prev.disabled = could.prev;
      next.disabled = could.next;
    }
  }

  function row(farmer: FarmerListItem): HTMLLIElement {
    const words = farmerRowWords(farmer);
    const open = h(
      'button',
      { type: 'button', class: 'farmer-row-open', 'data-farmer': farmer.id },
      h('strong', { class: 'farmer-row-name' }, words.name),
      h(
        'span',
        { class: 'account-facts' },
        h('span', { class: 'farmer-row-code' }, words.code),
        words.place ? h('span', { class: 'farmer-row-place' }, words.place) : null,
        h('span', { class: `farmer-row-plots${farmer.plotCount === 0 ? ' is-none' : ''}` }, words.plots),
      ),
    );
    open.addEventListener('click', () => {
      const choice = farmerChoice(farmer);
      if (choice.kind === 'plots') {
        dialog.close();
        host.flyTo(choice.hit);
        return;
      }
      // The record opens over the list; the list is read again when it closes, so a correction shows.
      void host.openRecord(choice.farmerId).finally(async () => {
        if (!dialog.isConnected) return;
        await show(offset);
        dialog.querySelector<HTMLElement>(`[data-farmer="${farmer.id}"]`)?.focus();
      });
    });
    return h('li', { class: 'account-row farmer-row' }, open);
  }

  filter.addEventListener('submit', (event) => {
    event.preventDefault();
    query = find.value.trim();
    // A new filter starts at its first page.
    void show(0);
  });
  prev.addEventListener('click', () => void show(previousOffset(offset), true));
  next.addEventListener('click', () => void show(offset + FARMERS_PAGE, true));
  close.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  find.focus();
  void show(0);
}
