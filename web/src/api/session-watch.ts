// Which 401 answers mean "the session ended under the page". Every request of the page, whatever
// sends it (the API helper, a photo's upload, a thumbnail's fetch), is marked when it leaves with the
// session it went out under, and its answer's status is handed back here. No DOM and no network: the
// rules run in Node's tests (session-watch.test.ts); http.ts holds the page's one watch.

/** The sign-in itself: its 401 is a wrong password, not an ended session. */
const SIGN_IN_PATH = /^\/api\/auth\/login\b/;

/**
 * The sessions of one page, numbered: a new number at every sign-in and sign-out, and at the first
 * refusal of a session (which ended it for the page). A 401 counts only for a request sent under the
 * number still current, so
 * - the first refused request of a session tells the listeners once; the others already on the way
 *   (three card reads, a thumbnail, an upload) are no news;
 * - a request sent before the person signed in again, answered after, does not sign out the new session;
 * - a guest's refused request tells the listeners too, who know there was nobody to sign out.
 */
export class SessionWatch {
  private session = 0;
  private readonly listeners = new Set<(url: string) => void>();

  /** Calls `listener` with the URL of the request whose 401 ended the session; answers the function that stops it. */
  listen(listener: (url: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Someone signed in or out: the requests sent before belong to the session that was. */
  changed(): void {
    this.session++;
  }

  /** Marks a request leaving now; call what it answers with the status of the request's answer. */
  sending(url: string): (status: number) => void {
    const sentUnder = this.session;
    return (status) => {
      if (status !== 401 || sentUnder !== this.session || SIGN_IN_PATH.test(pathOf(url))) return;
      this.session++;
      for (const listener of this.listeners) listener(url);
    };
  }
}

/** The path of a URL as the page writes them: '/api/…' or absolute. */
function pathOf(url: string): string {
  try {
    return new URL(url, 'http://page.invalid').pathname;
  } catch {
    return url;
  }
}
