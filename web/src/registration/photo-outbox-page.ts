// The page's one photo outbox (photo-outbox.ts) on the browser's network and IndexedDB, and the bar
// that tells the signed-in officer how many inspection photos are still to go, with "Gửi ngay". The
// app tells it who is signed in (main.ts: at start and at every sign-in and sign-out), so an officer who
// opens the app again finds the photos of the last session waiting and sent, and the next person on a
// shared phone sees none of them.
import { getJson } from '../api/http.ts';
import type { SessionUser } from '../api/session.ts';
import { postWithProgress } from '../api/upload.ts';
import { onLang, t } from '../i18n/i18n.ts';
import type { MessageKey } from '../i18n/vi.ts';
import { openPhotoStore } from '../storage/photo-store.ts';
import { clear, h } from '../ui/dom.ts';
import { date } from '../ui/feature-format.ts';
import { toast } from '../ui/toast.ts';
import { PhotoOutbox, retriesByItself } from './photo-outbox.ts';
import { sendThumbnail } from './photo-thumbnail.ts';

let calls = 0;
/** Silence after which an upload is given up as lost (then tried again by itself). */
const STALL_MS = 45_000;

const store = openPhotoStore().catch(() => undefined);

/** The outbox of this page. */
export const outbox = new PhotoOutbox(store, {
  post: (url, photo, headers, progress) =>
    postWithProgress({ url, body: photo.bytes, headers, stallMs: STALL_MS, onProgress: (loaded) => progress(loaded) }),
  thumbnail: sendThumbnail,
  online: () => navigator.onLine,
});

/**
 * Who is signed in now (undefined: nobody). Staff only: a farmer takes no inspection photos. The
 * CSRF token the uploads carry comes with /api/auth/me (the page's memory lost it at a reload).
 */
export async function photoOutboxUser(user: SessionUser | undefined): Promise<void> {
  // Only the latest word counts: a sign-out right after a sign-in must not be undone by the sign-in's late answers.
  const call = ++calls;
  if (!user || (user.role !== 'officer' && user.role !== 'admin')) {
    await outbox.setViewer(undefined);
    return;
  }
  let csrf: string | null = null;
  // Nothing kept on the phone: nothing to send before the officer opens an area, whose section asks
  // who is signed in (and hands the token over) anyway. One request fewer at start on a slow phone.
  const kept = await (await store)?.count().catch(() => 0);
  if (call !== calls) return;
  if (!kept) {
    await outbox.setViewer({ username: user.username, csrf: null });
    return;
  }
  try {
    const me = await getJson<{ csrfToken?: string | null; user?: { username?: string } | null }>('/api/auth/me');
    if (me.user?.username !== user.username) return; // signed out or someone else meanwhile: their own call comes
    csrf = me.csrfToken ?? null;
  } catch {
    // Offline at start: the photos are shown; sending waits for the connection anyway.
  }
  if (call !== calls) return;
  await outbox.setViewer({ username: user.username, csrf });
}

const bar = h('div', { class: 'photo-outbox', id: 'photo-outbox', role: 'status', 'aria-live': 'polite', hidden: true });

function drawBar(): void {
  const unsent = outbox.unsent();
  bar.hidden = unsent.length === 0;
  clear(bar);
  if (bar.hidden) return;
  const sending = unsent.some((p) => p.state === 'sending' || p.state === 'waiting');
  const waitingForNet = !sending && unsent.some((p) => p.state === 'failed' && retriesByItself(p.refusal ?? 'server'));
  const refused = unsent.filter((p) => p.state === 'failed' && !retriesByItself(p.refusal ?? 'server')).length;
  const dates = [...new Set(unsent.map((p) => p.inspectedOn))].sort().map((d) => date(d));
  bar.append(
    h(
      'span',
      { class: 'photo-outbox-text' },
      unsent.length ? t(sending ? 'photoOutboxSending' : 'photoOutboxWaiting', { count: unsent.length, dates: dates.join(', ') }) : '',
      waitingForNet ? ` ${t('photoOutboxOffline')}` : '',
      refused ? ` ${t('photoOutboxRefused', { count: refused })}` : '',
    ),
  );
  if (outbox.storageProblem && outbox.wouldLoseOnReload()) {
    bar.append(h('span', { class: 'photo-outbox-problem' }, t(`photoOutboxKept_${outbox.storageProblem}` as MessageKey)));
  }
  if (unsent.length && !sending) {
    bar.append(
      h(
        'button',
        { type: 'button', class: 'btn btn-primary', id: 'photo-outbox-send', onclick: () => outbox.retryFailed() },
        t('photoOutboxSendNow'),
      ),
    );
  }
}

/**
 * Draws the bar and tells the stylesheet its height: on a phone the toasts stand under the top bar
 * too (while the bottom sheet is open) and move down by this much instead of covering it.
 */
function draw(): void {
  drawBar();
  document.documentElement.style.setProperty('--photo-outbox-height', `${bar.hidden ? 0 : bar.offsetHeight}px`);
}

outbox.subscribe((event) => {
  if (event.kind === 'progress') return;
  if (event.kind === 'inspection-done') {
    toast(() => t('inspectionUploadsDone', { count: event.count, date: date(event.inspection.inspectedOn) }));
  }
  draw();
});
onLang(draw);
window.addEventListener('resize', draw);
document.body.append(bar);
window.addEventListener('online', () => outbox.online());
// Only a photo the phone could not keep (its storage full) is lost by leaving: the browser asks first.
window.addEventListener('beforeunload', (event) => {
  if (outbox.wouldLoseOnReload()) event.preventDefault();
});
