import { describeError, HttpError } from '../api/http.ts';
import { currentUser, signIn, signOut, type SessionUser } from '../api/session.ts';
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
      h(
        'span',
        { class: 'account-name', title: `${this.user.displayName || this.user.username} · ${role}` },
        this.user.displayName || this.user.username,
      ),
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
    // Named by its heading: a screen reader says "Đăng nhập, dialog" when it opens, not just "dialog".
    const dialog = h('dialog', { class: 'dialog', id: 'sign-in-dialog', 'aria-labelledby': 'sign-in-title' });
    const form = h(
      'form',
      { method: 'dialog' },
      h('h2', { id: 'sign-in-title' }, t('signIn')),
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
        // What the service worker kept of a session before (its identity, its reads) is not this one's.
        await forgetKeptReads();
        const user = await signIn(username.value.trim(), password.value);
        // Asked through the service worker, which keeps who this is for a reload with no signal (sw.ts,
        // identity); asked again a few times when no answer came (a weak signal just back).
        keepIdentity();
        dialog.close();
        this.setUser(user);
        toast(() => t('signedInAs', { name: user.displayName || user.username }));
        await this.onChange(user);
      } catch (e) {
        // A 401 here is the username or password; a 429 is too many tries, from this address or for
        // this username, with the wait the server gives in Retry-After.
        error.textContent =
          e instanceof HttpError && e.status === 401
            ? t('signInWrong')
            : e instanceof HttpError && e.status === 429
              ? t(tooManyWords(e.problem?.reason), { wait: waitWords(e.response?.headers.get('retry-after')) })
              : t('signInFailed', { detail: describeError(e) });
      }
    });
    dialog.append(form);
    dialog.addEventListener('close', () => dialog.remove());
    document.body.append(dialog);
    dialog.showModal();
    username.focus();
  }
}

/**
 * The words of a 429 for who reads it (the server's reason, server/routes/auth.ts): a colleague held
 * back by someone else's failures on the same network is not told they tried too often.
 */
export function tooManyWords(reason: unknown): 'signInTooManyHere' | 'signInTooManyNetwork' | 'signInTooManyUser' | 'signInTooMany' {
  if (reason === 'user-failed-here') return 'signInTooManyHere';
  if (reason === 'address-failed') return 'signInTooManyNetwork';
  if (reason === 'user-failed') return 'signInTooManyUser';
  return 'signInTooMany';
}

/** A Retry-After in seconds as words: "39 giây", "15 phút"; a minute when the server gave none. */
export function waitWords(retryAfter: string | null | undefined): string {
  const seconds = Number(retryAfter);
  if (!retryAfter || !Number.isFinite(seconds) || seconds <= 0) return t('waitMinutes', { n: 1 });
  return seconds < 90 ? t('waitSeconds', { n: Math.ceil(seconds) }) : t('waitMinutes', { n: Math.ceil(seconds / 60) });
}

/** Attempts to ask who is signed in right after a sign-in, one second apart. */
const IDENTITY_TRIES = 4;

/**
 * Asks who is signed in, through the service worker, so it keeps the identity for a reload with no
 * signal. The sign-in's answer came, but the next request may still find no network (the signal just
 * back, the worker starting up: a fetch that fails at once); it is asked again a second later, a few
 * times, while the browser says it is online.
 */
export function keepIdentity(tries = IDENTITY_TRIES): void {
  currentUser().catch((error: unknown) => {
    if (tries > 1 && error instanceof HttpError && error.status === 0 && navigator.onLine) setTimeout(() => keepIdentity(tries - 1), 1000);
  });
}
