import { describeError, HttpError } from '../api/http.ts';
import { signIn, signOut, type SessionUser } from '../api/session.ts';
import { t } from '../i18n/i18n.ts';
import type { MessageKey } from '../i18n/vi.ts';
import { forgetKeptReads } from '../registration/registry-reads.ts';
import { clear, h } from './dom.ts';
import { toast } from './toast.ts';

/** The sign-in button, the sign-in dialog and, once signed in, the user's name, role and sign-out. */
export class AccountMenu {
  readonly element = h('div', { class: 'account' });
  private user: SessionUser | undefined;

  constructor(private readonly onChange: (user: SessionUser | undefined) => void | Promise<void>) {
    this.render();
  }

  setUser(user: SessionUser | undefined): void {
    this.user = user;
    this.render();
  }

  render(): void {
    clear(this.element);
    if (!this.user) {
      this.element.append(h('button', { type: 'button', class: 'btn', id: 'sign-in', onclick: () => this.openDialog() }, t('signIn')));
      return;
    }
    const role = t(`role_${this.user.role}` as MessageKey);
    this.element.append(
      h('span', { class: 'account-name', title: role }, this.user.displayName || this.user.username),
      h(
        'button',
        {
          type: 'button',
          class: 'btn',
          id: 'sign-out',
          onclick: async () => {
            await Promise.all([signOut(), forgetKeptReads()]);
            this.setUser(undefined);
            await this.onChange(undefined);
          },
        },
        t('signOut'),
      ),
    );
  }

  private openDialog(): void {
    const error = h('p', { class: 'form-error', role: 'alert' });
    const username = h('input', { name: 'username', autocomplete: 'username', required: true, autocapitalize: 'none' });
    const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
    const dialog = h('dialog', { class: 'dialog', id: 'sign-in-dialog' });
    const form = h(
      'form',
      { method: 'dialog' },
      h('h2', {}, t('signIn')),
      h('label', {}, t('username'), username),
      h('label', {}, t('password'), password),
      error,
      h(
        'div',
        { class: 'dialog-actions' },
        h('button', { type: 'button', class: 'btn', onclick: () => dialog.close() }, t('cancel')),
        h('button', { type: 'submit', class: 'btn btn-primary' }, t('signIn')),
      ),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      error.textContent = '';
      try {
        const user = await signIn(username.value.trim(), password.value);
        dialog.close();
        this.setUser(user);
        toast(() => t('signedInAs', { name: user.displayName || user.username }));
        await this.onChange(user);
      } catch (e) {
        // A 401 here is the username or password (a 429 is worded by its status: too many tries).
        error.textContent = e instanceof HttpError && e.status === 401 ? t('signInWrong') : t('signInFailed', { detail: describeError(e) });
      }
    });
    dialog.append(form);
    dialog.addEventListener('close', () => dialog.remove());
    document.body.append(dialog);
    dialog.showModal();
    username.focus();
  }
}
