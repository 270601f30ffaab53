// "Tài khoản / Accounts" for administrators: the accounts (role, communes by name, active), a form to
// create one, to edit one (role, communes as checkboxes by name, active) and to set a new password;
// and "Đổi mật khẩu" for everyone signed in. The server's refusals are said under the field they name
// (a 422's `errors`, a 409's or 403's `field`), in the user's language.
import type { Account, AccountList, CommuneChoice } from '../../../server/contracts/accounts.ts';
import { ACCOUNT_ROLES, MAX_DISPLAY_NAME, MIN_PASSWORD_LENGTH, type AccountRole } from '../../../server/domain/account-rules.ts';
import { describeError, getJson, HttpError, sendJson } from '../api/http.ts';
import { lang, t } from '../i18n/i18n.ts';
import type { MessageKey } from '../i18n/vi.ts';
import { waitWords } from './account-menu.ts';
import { refusedFields } from './account-refusal.ts';
import { clear, h } from './dom.ts';
import { toast } from './toast.ts';

/** A form's fields by name, each with the line under it where a refusal is said. */
class FieldErrors {
  private readonly lines = new Map<string, HTMLElement>();
  constructor(private readonly prefix: string) {}

  /** The labelled control with its (empty) error line. */
  label(field: string, text: string, control: HTMLElement, ...hints: (HTMLElement | null)[]): HTMLLabelElement {
    const line = h('span', { class: 'form-error', id: `${this.prefix}-error-${field}`, role: 'alert', hidden: true });
    this.lines.set(field, line);
    return h('label', {}, text, control, ...hints, line);
  }

  /** A group (the communes' checkboxes) with its error line. */
  group(field: string, legend: string, body: HTMLElement): HTMLFieldSetElement {
    const line = h('span', { class: 'form-error', id: `${this.prefix}-error-${field}`, role: 'alert', hidden: true });
    this.lines.set(field, line);
    return h('fieldset', { class: 'account-communes' }, h('legend', {}, legend), body, line);
  }

  clear(): void {
    for (const line of this.lines.values()) {
      line.textContent = '';
      line.hidden = true;
    }
  }

  /** Says each refusal under its field; the ones naming no field of this form go to `general`. */
  show(refusals: { field: string; text: string }[], general: HTMLElement): void {
    for (const { field, text } of refusals) {
      const line = this.lines.get(field);
      if (line && line.hidden) {
        line.textContent = text;
        line.hidden = false;
      } else if (!line) general.textContent = text;
    }
  }
}

function passwordInput(name: string, autocomplete: string): HTMLInputElement {
  return h('input', { name, type: 'password', autocomplete, required: true, minlength: MIN_PASSWORD_LENGTH, maxlength: 1024 });
}

function dialogShell(
  id: string,
  title: string,
  closeRow = true,
): { dialog: HTMLDialogElement; body: HTMLElement; heading: HTMLElement; closeRow: HTMLElement | null } {
  const heading = h('h2', { id: `${id}-title` }, title);
  const body = h('div', { class: 'dialog-body' });
  const row = closeRow
    ? h(
        'div',
        { class: 'dialog-actions' },
        h('button', { type: 'button', class: 'btn', id: `${id}-close`, onclick: () => dialog.close() }, t('close')),
      )
    : null;
  const dialog = h('dialog', { class: 'dialog accounts-dialog', id, 'aria-labelledby': `${id}-title` }, heading, body, row);
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  return { dialog, body, heading, closeRow: row };
}

/** "Đổi mật khẩu": the current password and the new one twice; other sessions of the user end. */
export function openChangePasswordDialog(): void {
  // One row of buttons: Cancel beside the submit, as the sign-in dialog has.
  const { dialog, body } = dialogShell('change-password-dialog', t('changePassword'), false);
  const fields = new FieldErrors('change-password');
  const general = h('p', { class: 'form-error', role: 'alert' });
  const current = passwordInput('currentPassword', 'current-password');
  const fresh = passwordInput('newPassword', 'new-password');
  const again = passwordInput('newPasswordAgain', 'new-password');
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'change-password-submit' }, t('changePassword'));
  const form = h(
    'form',
    { class: 'account-form' },
    fields.label('currentPassword', t('currentPassword'), current),
    fields.label('newPassword', t('newPassword'), fresh, h('span', { class: 'hint' }, t('passwordHint', { n: MIN_PASSWORD_LENGTH }))),
    fields.label('newPasswordAgain', t('newPasswordAgain'), again),
    general,
    h(
      'div',
      { class: 'dialog-actions' },
      h('button', { type: 'button', class: 'btn', id: 'change-password-dialog-close', onclick: () => dialog.close() }, t('cancel')),
      submit,
    ),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    fields.clear();
    general.textContent = '';
    if (fresh.value !== again.value) {
      fields.show([{ field: 'newPasswordAgain', text: t('passwordsDiffer') }], general);
      return;
    }
    submit.disabled = true;
    try {
      await sendJson('/api/auth/password', 'POST', { currentPassword: current.value, newPassword: fresh.value });
      dialog.close();
      toast(() => t('passwordChanged'));
    } catch (error) {
      const refusals = refusedFields(error);
      if (refusals.length) fields.show(refusals, general);
      else if (error instanceof HttpError && error.status === 429)
        general.textContent = t('signInTooMany', { wait: waitWords(error.response?.headers.get('retry-after')) });
      else general.textContent = t('accountFailed', { detail: describeError(error) });
    } finally {
      submit.disabled = false;
    }
  });
  body.append(form);
  current.focus();
}

const roleWords = (role: AccountRole) => t(`role_${role}` as MessageKey);

/** Accounts read at a time, the API's default page: "Xem thêm" reads the next. */
const PAGE = 500;

/** The button the keyboard goes back to when a form over the list closes: a row's, or "Tạo tài khoản". */
type ListFocus = { username: string; button: 'account-edit' | 'account-reset' } | 'account-new';

/**
 * "Tài khoản": the list, and in its place the create, edit or password form. A form has one way out,
 * "Huỷ" beside its submit, as every form dialog of the app has (the list's "Đóng" is hidden meanwhile,
 * it would close the whole dialog); Escape does what "Huỷ" does, back to the list, and the keyboard
 * goes back to the row's button that opened the form.
 */
export function openAccountsDialog(): void {
  const { dialog, body, closeRow } = dialogShell('accounts-dialog', t('accounts'));
  let list: AccountList | undefined;
  const communeNames = () => new Map((list?.communes ?? []).map((c) => [c.code, c.name]));

  // What the list was last searched for: the forms go back to the same list.
  let query = '';
  // The open form's "Huỷ"; none while the list is shown (Escape then closes the dialog).
  let back: (() => void) | undefined;
  dialog.addEventListener('cancel', (event) => {
    if (!back) return;
    event.preventDefault();
    back();
  });
  /** Shows a form in the list's place, with its way back. */
  function showFormView(cancel: () => void): void {
    clear(body);
    back = cancel;
    if (closeRow) closeRow.hidden = true;
  }

  async function showList(focus?: ListFocus): Promise<void> {
    back = undefined;
    if (closeRow) closeRow.hidden = false;
    clear(body);
    const status = h('p', { class: 'hint', id: 'accounts-status' }, t('accountsLoading'));
    const find = h('input', { type: 'search', name: 'q', maxlength: 100, value: query, 'aria-label': t('accountsFind') });
    find.placeholder = t('accountsFind');
    const search = h(
      'form',
      { class: 'accounts-search', role: 'search' },
      find,
      h('button', { type: 'submit', class: 'btn' }, t('search')),
    );
    search.addEventListener('submit', (event) => {
      event.preventDefault();
      query = find.value.trim();
      // A new search starts at its first page.
      list = undefined;
      void showList();
    });
    body.append(
      h('p', { class: 'hint' }, t('accountsHint')),
      h('button', { type: 'button', class: 'btn btn-primary', id: 'account-new', onclick: () => showForm(undefined) }, t('accountNew')),
      search,
      status,
    );
    // As many accounts as were shown before the form ("Xem thêm" pages included), so the row edited is there again.
    const wanted = Math.max(PAGE, list?.users.length ?? 0);
    try {
      list = await readPage(0);
      while (list.users.length < Math.min(wanted, list.total)) {
        const next = await readPage(list.users.length);
        if (!next.users.length) break;
        list = { ...next, users: [...list.users, ...next.users] };
      }
    } catch (error) {
      status.textContent = t('accountsLoadFailed', { detail: describeError(error) });
      body.querySelector<HTMLElement>('#account-new')?.focus();
      return;
    }
    const rows = h('ul', { class: 'accounts-list', id: 'accounts-list' }, ...list.users.map(accountRow));
    // The list comes a page at a time: "Xem thêm" reads the next one and keeps the keyboard at its first row.
    const more = h('button', { type: 'button', class: 'btn', id: 'accounts-more' });
    const moreError = h('p', { class: 'form-error', id: 'accounts-more-error', role: 'alert', hidden: true });
    const sayCount = () => {
      const shown = list!.users.length;
      const total = list!.total;
      status.textContent =
        total === 0 && query
          ? t('accountsNone', { q: query })
          : shown < total
            ? t('accountsShown', { shown, total })
            : t('accountsCount', { n: total });
      more.hidden = shown >= total;
      more.textContent = t('accountsMore', { n: Math.min(PAGE, total - shown) });
    };
    more.addEventListener('click', async () => {
      if (!list || more.disabled) return;
      more.disabled = true;
      more.textContent = t('accountsMoreLoading');
      moreError.hidden = true;
      try {
        const page = await readPage(list.users.length);
        // Accounts made meanwhile may shift a page: a row already shown is not drawn twice.
        const known = new Set(list.users.map((u) => u.id));
        const fresh = page.users.filter((u) => !known.has(u.id));
        list = { ...page, users: [...list.users, ...fresh] };
        const drawn = fresh.map(accountRow);
        rows.append(...drawn);
        sayCount();
        (drawn[0]?.querySelector<HTMLElement>('.account-edit') ?? find).focus();
      } catch (error) {
        sayCount();
        moreError.textContent = t('accountsMoreFailed', { detail: describeError(error) });
        moreError.hidden = false;
      } finally {
        more.disabled = false;
      }
    });
    sayCount();
    body.append(rows, more, moreError);
    if (focus) focusListButton(focus);
  }

  /** One account's row: who, role, communes, state, last sign-in, and its buttons. */
  function accountRow(account: Account): HTMLElement {
    const names = communeNames();
    // The name shown with the sign-in name beside it: two people may share a display name.
    const who = `${account.displayName} (${account.username})`;
    return h(
      'li',
      { class: `account-row${account.active ? '' : ' inactive'}`, 'data-username': account.username },
      h('div', { class: 'account-who' }, h('strong', {}, account.displayName), ' ', h('span', { class: 'hint' }, account.username)),
      h(
        'div',
        { class: 'account-facts' },
        h('span', { class: 'account-role' }, roleWords(account.role)),
        account.role === 'officer'
          ? h(
              'span',
              { class: 'account-communes-names' },
              account.communes.length ? account.communes.map((c) => names.get(c) ?? c).join(', ') : t('accountNoCommunes'),
            )
          : null,
        h('span', { class: 'account-state' }, account.active ? t('accountStateActive') : t('accountStateInactive')),
        h(
          'span',
          { class: 'hint' },
          account.lastSignInAt
            ? t('accountLastSignIn', { when: new Date(account.lastSignInAt).toLocaleString(lang() === 'vi' ? 'vi-VN' : 'en-GB') })
            : t('accountNeverSignedIn'),
        ),
      ),
      h(
        'div',
        { class: 'account-actions' },
        // Every row's buttons read alike; a screen reader's list of buttons names whose account each is.
        h(
          'button',
          {
            type: 'button',
            class: 'btn account-edit',
            'aria-label': t('accountEditNamed', { name: who }),
            onclick: () => showForm(account),
          },
          t('accountEdit'),
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'btn account-reset',
            'aria-label': t('accountResetPasswordNamed', { name: who }),
            onclick: () => showReset(account),
          },
          t('accountResetPassword'),
        ),
      ),
    );
  }

  /** One page of GET /api/users for what was searched, from `offset`. */
  function readPage(offset: number): Promise<AccountList> {
    const params = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
    if (query) params.set('q', query);
    return getJson<AccountList>(`/api/users?${params.toString()}`);
  }

  /** The keyboard back where it was before a form: the row's button (the row may be gone: a search, a rename), else "Tạo tài khoản". */
  function focusListButton(focus: ListFocus): void {
    const row =
      focus === 'account-new'
        ? undefined
        : [...body.querySelectorAll<HTMLElement>('.account-row')].find((r) => r.dataset.username === focus.username);
    const button = focus === 'account-new' ? undefined : row?.querySelector<HTMLElement>(`.${focus.button}`);
    (button ?? body.querySelector<HTMLElement>('#account-new'))?.focus();
  }

  function communeBoxes(choices: CommuneChoice[], chosen: readonly string[]): { element: HTMLElement; value: () => string[] } {
    // A commune the officer keeps but that is no longer current is still listed, so it can be taken off.
    const known = new Set(choices.map((c) => c.code));
    const all = [...choices, ...chosen.filter((c) => !known.has(c)).map((code) => ({ code, name: code }))];
    const boxes = all.map((c) => ({
      code: c.code,
      input: h('input', { type: 'checkbox', name: 'communes', value: c.code, checked: chosen.includes(c.code) }),
      name: c.name,
    }));
    return {
      element: h('div', { class: 'account-commune-list' }, ...boxes.map((b) => h('label', { class: 'check' }, b.input, ` ${b.name}`))),
      value: () => boxes.filter((b) => b.input.checked).map((b) => b.code),
    };
  }

  function showForm(account: Account | undefined): void {
    const returnTo: ListFocus = account ? { username: account.username, button: 'account-edit' } : 'account-new';
    const cancel = () => void showList(returnTo);
    showFormView(cancel);
    const fields = new FieldErrors('account');
    const general = h('p', { class: 'form-error', role: 'alert' });
    const username = h('input', { name: 'username', autocomplete: 'off', autocapitalize: 'none', required: true, maxlength: 64 });
    const password = passwordInput('password', 'new-password');
    const displayName = h('input', { name: 'displayName', required: true, maxlength: MAX_DISPLAY_NAME, value: account?.displayName ?? '' });
    const role = h(
      'select',
      { name: 'role' },
      ...ACCOUNT_ROLES.map((r) => h('option', { value: r, selected: (account?.role ?? 'officer') === r }, roleWords(r))),
    );
    const communes = communeBoxes(list?.communes ?? [], account?.communes ?? []);
    const communesGroup = fields.group('communes', t('accountCommunes'), communes.element);
    const farmerId = h('input', { name: 'farmerId', inputmode: 'numeric', pattern: '[0-9]*', value: account?.farmerId ?? '' });
    const farmerLabel = fields.label('farmerId', t('accountFarmerId'), farmerId);
    const active = h('input', { type: 'checkbox', name: 'active', checked: account?.active ?? true });
    const activeLabel = account ? fields.label('active', t('accountActive'), active) : null;
    activeLabel?.classList.add('check');
    const roleShown = () => {
      communesGroup.hidden = role.value !== 'officer';
      farmerLabel.hidden = role.value !== 'farmer';
    };
    role.addEventListener('change', roleShown);
    roleShown();
    const submit = h(
      'button',
      { type: 'submit', class: 'btn btn-primary', id: 'account-submit' },
      account ? t('save') : t('accountCreate'),
    );
    const form = h(
      'form',
      { class: 'account-form', id: 'account-form' },
      h('h3', {}, account ? t('accountEditTitle', { username: account.username }) : t('accountNew')),
      account ? null : fields.label('username', t('username'), username),
      account
        ? null
        : fields.label('password', t('password'), password, h('span', { class: 'hint' }, t('passwordHint', { n: MIN_PASSWORD_LENGTH }))),
      fields.label('displayName', t('accountDisplayName'), displayName),
      fields.label('role', t('accountRole'), role),
      communesGroup,
      farmerLabel,
      activeLabel,
      general,
      h(
        'div',
        { class: 'dialog-actions' },
        h('button', { type: 'button', class: 'btn', id: 'account-cancel', onclick: cancel }, t('cancel')),
        submit,
      ),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      fields.clear();
      general.textContent = '';
      const chosen = role.value as AccountRole;
      const scope = {
        ...(chosen === 'officer' ? { communes: communes.value() } : {}),
        ...(chosen === 'farmer' ? { farmerId: farmerId.value.trim() === '' ? null : Number(farmerId.value) } : {}),
      };
      submit.disabled = true;
      submit.textContent = t('accountSaving');
      try {
        if (account) {
          await sendJson(
            `/api/users/${account.id}`,
            'PATCH',
            { displayName: displayName.value, role: chosen, active: active.checked, ...scope },
            { 'If-Match': account.etag },
          );
          toast(() => t('accountSaved', { username: account.username }));
        } else {
          const name = username.value.trim().toLowerCase();
          await sendJson('/api/users', 'POST', {
            username: name,
            password: password.value,
            displayName: displayName.value,
            role: chosen,
            ...scope,
          });
          toast(() => t('accountCreated', { username: name }));
          await showList({ username: name, button: 'account-edit' });
          return;
        }
        await showList(returnTo);
      } catch (error) {
        submit.disabled = false;
        submit.textContent = account ? t('save') : t('accountCreate');
        if (error instanceof HttpError && error.status === 412 && account) {
          // Read again and show the form over the account as it is now: the admin sees what changed.
          toast(() => t('accountStale'), 'error');
          await showList();
          const now = list?.users.find((u) => u.id === account.id);
          if (now) showForm(now);
          return;
        }
        const refusals = refusedFields(error);
        if (refusals.length) fields.show(refusals, general);
        else general.textContent = t('accountFailed', { detail: describeError(error) });
      }
    });
    body.append(form);
    (account ? displayName : username).focus();
  }

  function showReset(account: Account): void {
    const returnTo: ListFocus = { username: account.username, button: 'account-reset' };
    const cancel = () => void showList(returnTo);
    showFormView(cancel);
    const fields = new FieldErrors('account-reset');
    const general = h('p', { class: 'form-error', role: 'alert' });
    const password = passwordInput('password', 'new-password');
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'account-reset-submit' }, t('accountResetPassword'));
    const form = h(
      'form',
      { class: 'account-form', id: 'account-reset-form' },
      h('h3', {}, t('accountResetTitle', { username: account.username })),
      fields.label('password', t('newPassword'), password, h('span', { class: 'hint' }, t('passwordHint', { n: MIN_PASSWORD_LENGTH }))),
      general,
      h(
        'div',
        { class: 'dialog-actions' },
        h('button', { type: 'button', class: 'btn', id: 'account-reset-cancel', onclick: cancel }, t('cancel')),
        submit,
      ),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      fields.clear();
      general.textContent = '';
      submit.disabled = true;
      try {
        await sendJson(`/api/users/${account.id}/password`, 'POST', { password: password.value });
        toast(() => t('accountPasswordSet', { username: account.username }));
        await showList(returnTo);
      } catch (error) {
        submit.disabled = false;
        const refusals = refusedFields(error);
        if (refusals.length) fields.show(refusals, general);
        else general.textContent = t('accountFailed', { detail: describeError(error) });
      }
    });
    body.append(form);
    password.focus();
  }

  void showList();
}
