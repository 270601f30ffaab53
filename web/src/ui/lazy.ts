// Parts of the app fetched on first use (the editor, printing, import, a farmer's plots). A fetch
// that fails — a weak mobile link dropped, or the server now runs a newer build whose files have
// other names — would otherwise be a tap that does nothing: the person is told and may reload.
import { t } from '../i18n/i18n.ts';
import { toast } from './toast.ts';

/** Loads a lazily fetched part of the app, then hands it to `use`; a failed fetch is told with a reload button. */
export function lazy<T>(load: () => Promise<T>, use: (module: T) => void): void {
  load().then(use, (error: unknown) => {
    console.warn('a part of the app could not be loaded', error);
    // One message however many parts failed at once (a sign-in loads several).
    if (document.querySelector('.toast-reload')) return;
    toast(() => t('appPartMissing'), 'error', 0, { label: () => t('reloadPage'), run: () => location.reload(), className: 'toast-reload' });
  });
}
