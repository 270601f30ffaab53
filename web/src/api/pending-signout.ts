// A sign-out the server has not heard yet. The session cookie is HttpOnly: the page cannot delete it,
// only the server's answer to POST /api/auth/logout ends the session and clears it. Signed out with no
// signal, the page forgets the person at once, but until that answer comes the cookie and the server's
// session are still good, and the next person on a shared phone, once the signal is back, would be
// served as the one who left. So the sign-out is written down on the phone (localStorage: it outlives
// a reload and the browser being killed) and, while it is, the page is nobody's: it asks no one who is
// signed in and sends its requests without the cookie. It is sent as soon as there is a network (at
// the next start, at the browser's 'online', before a sign-in) and crossed off only once the server
// answered it. No DOM and no network here: the rules run in Node's tests (pending-signout.test.ts);
// session.ts holds the page's one.

/** The part of localStorage used (the tests give a Map-backed one); undefined where there is none. */
export type StorageLike = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** Where the sign-out is written down; its value is JSON {csrfToken, at}. */
export const PENDING_SIGN_OUT_KEY = 'bando:pending-sign-out';

/** What is kept of the sign-out: the session's CSRF token (a cookie-authenticated logout needs it), and when. */
export type PendingRecord = { csrfToken: string | null; at: string };

/**
 * Sends the sign-out with the CSRF token kept; answers whether the server has ended the session (or
 * had none to end), false when no answer came or the server could not (a busy server), to try again.
 */
export type SendSignOut = (csrfToken: string | null) => Promise<boolean>;

export class PendingSignOut {
  private sending: Promise<boolean> | undefined;
  /** Kept in memory too: a browser refusing localStorage (a private window, full storage) still acts signed out until reloaded. */
  private inMemory: PendingRecord | undefined;

  constructor(
    private readonly storage: StorageLike | undefined,
    private readonly send: SendSignOut,
  ) {}

  /** The sign-out waiting to reach the server, if any. */
  record(): PendingRecord | undefined {
    let text: string | null = null;
    try {
      text = this.storage?.getItem(PENDING_SIGN_OUT_KEY) ?? null;
    } catch {
      // Storage refused: what this page remembers is all there is.
    }
    if (text === null) return this.inMemory;
    try {
      const parsed = JSON.parse(text) as Partial<PendingRecord> | null;
      return { csrfToken: typeof parsed?.csrfToken === 'string' ? parsed.csrfToken : null, at: String(parsed?.at ?? '') };
    } catch {
      // Written by something else or cut short: still a sign-out to send (without a token: send finds the session's).
      return { csrfToken: null, at: '' };
    }
  }

  /** Whether a sign-out is waiting: the page then acts signed out and sends nothing under the session. */
  pending(): boolean {
    return this.record() !== undefined;
  }

  /** Writes down a sign-out before it is sent, with the session's CSRF token (undefined when the page has none). */
  remember(csrfToken: string | undefined, now: Date = new Date()): void {
    // A sign-out already waiting keeps its token: the session it is for is the same, and its token is that session's.
    const record: PendingRecord = { csrfToken: this.record()?.csrfToken ?? csrfToken ?? null, at: now.toISOString() };
    this.inMemory = record;
    try {
      this.storage?.setItem(PENDING_SIGN_OUT_KEY, JSON.stringify(record));
    } catch {
      // Kept in memory only.
    }
  }

  /** Crosses the sign-out off: the server answered it, or a sign-in put another session in the cookie's place. */
  forget(): void {
    this.inMemory = undefined;
    try {
      this.storage?.removeItem(PENDING_SIGN_OUT_KEY);
    } catch {
      // Nothing kept.
    }
  }

  /**
   * Sends the waiting sign-out, once at a time (the page's start, 'online' and a sign-in may all ask
   * together); answers whether one is still waiting afterwards. A failure to send (no network, a busy
   * server) leaves it written down for the next try; only the server's answer crosses it off.
   */
  flush(): Promise<boolean> {
    const record = this.record();
    if (!record) return Promise.resolve(false);
    this.sending ??= this.send(record.csrfToken)
      .catch(() => false)
      .then((ended) => {
        this.sending = undefined;
        if (ended) this.forget();
        return this.pending();
      });
    return this.sending;
  }
}
