// The Tools tab's account buttons: "Đổi mật khẩu" for everyone signed in, and "Tài khoản" for an
// administrator. The dialogs themselves (accounts-dialog.ts) are fetched on first use.
import type { SessionUser } from '../api/session.ts';
import { t } from '../i18n/i18n.ts';
import { h } from './dom.ts';
import { lazy } from './lazy.ts';

/** The account buttons for `user`; null for a guest. */
export function accountTools(user: SessionUser | undefined): HTMLElement | null {
  if (!user) return null;
  const load = () => import('./accounts-dialog.ts');
  return h(
    'div',
    { class: 'account-tools' },
    user.role === 'admin'
      ? h(
          'button',
          {
            type: 'button',
            class: 'btn btn-block',
            id: 'accounts-open',
            onclick: () => lazy(load, ({ openAccountsDialog }) => openAccountsDialog()),
          },
          t('accounts'),
        )
      : null,
    h(
      'button',
      {
        type: 'button',
        class: 'btn btn-block',
        id: 'change-password-open',
        onclick: () => lazy(load, ({ openChangePasswordDialog }) => openChangePasswordDialog()),
      },
      t('changePassword'),
    ),
  );
}
