import { describe, expect, it } from 'vitest';
import { PENDING_SIGN_OUT_KEY, PendingSignOut, type StorageLike } from './pending-signout.ts';

/** localStorage as the page has it, over a Map: what one page writes, the next (a reload) reads. */
class MapStorage implements StorageLike {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

/** A server that answers the sign-outs it is sent in turn: true ended, false no answer or a busy server. */
function server(...answers: boolean[]): { send: (token: string | null) => Promise<boolean>; sent: (string | null)[] } {
  const sent: (string | null)[] = [];
  return {
    sent,
    send: (token) => {
      sent.push(token);
      const answer = answers.shift();
      return answer === undefined ? Promise.reject(new TypeError('Failed to fetch')) : Promise.resolve(answer);
    },
  };
}

describe('a sign-out made with no signal', () => {
  it('is written down with the session’s CSRF token, outlives a reload, and is crossed off only once the server answered', async () => {
    const storage = new MapStorage();
    const offline = server(false);
    const page = new PendingSignOut(storage, offline.send);
    expect(page.pending()).toBe(false);
    page.remember('csrf-of-the-farmer', new Date('2026-12-01T07:00:00Z'));
    expect(page.pending()).toBe(true);
    expect(JSON.parse(storage.getItem(PENDING_SIGN_OUT_KEY)!)).toEqual({ csrfToken: 'csrf-of-the-farmer', at: '2026-12-01T07:00:00.000Z' });
    // No network: still waiting.
    expect(await page.flush()).toBe(true);
    expect(page.pending()).toBe(true);

    // Reloaded (a new page, the same storage), still with no signal: still signed out, and it tries again.
    const stillOffline = server();
    const reloaded = new PendingSignOut(storage, stillOffline.send);
    expect(reloaded.pending()).toBe(true);
    expect(await reloaded.flush()).toBe(true);
    expect(stillOffline.sent).toEqual(['csrf-of-the-farmer']);

    // The signal is back: the server ends the session, the note goes.
    const online = server(true);
    const later = new PendingSignOut(storage, online.send);
    expect(await later.flush()).toBe(false);
    expect(online.sent).toEqual(['csrf-of-the-farmer']);
    expect(later.pending()).toBe(false);
    expect(storage.items.size).toBe(0);
    // Nothing more to send.
    expect(await later.flush()).toBe(false);
    expect(online.sent).toHaveLength(1);
  });

  it('is sent once when the start, the browser’s “online” and a sign-in ask together', async () => {
    const storage = new MapStorage();
    let answer: (ended: boolean) => void = () => undefined;
    const sent: (string | null)[] = [];
    const page = new PendingSignOut(storage, (token) => {
      sent.push(token);
      return new Promise<boolean>((resolve) => (answer = resolve));
    });
    page.remember('t');
    const asked = [page.flush(), page.flush(), page.flush()];
    expect(sent).toEqual(['t']);
    answer(true);
    expect(await Promise.all(asked)).toEqual([false, false, false]);
    expect(page.pending()).toBe(false);
  });

  it('keeps the first token when signed out twice before it was sent, and has none when the page had none', async () => {
    const storage = new MapStorage();
    const offline = server(false, false);
    const page = new PendingSignOut(storage, offline.send);
    page.remember(undefined);
    await page.flush();
    expect(offline.sent).toEqual([null]);
    const other = new PendingSignOut(new MapStorage(), offline.send);
    other.remember('first');
    other.remember('second');
    await other.flush();
    expect(offline.sent).toEqual([null, 'first']);
  });

  it('is forgotten at a sign-in, whose cookie took the old session’s place', () => {
    const storage = new MapStorage();
    const page = new PendingSignOut(storage, server().send);
    page.remember('t');
    page.forget();
    expect(page.pending()).toBe(false);
    expect(new PendingSignOut(storage, server().send).pending()).toBe(false);
  });

  it('still holds in the page where storage refuses it, and reads a garbled note as a sign-out to send', async () => {
    const refusing: StorageLike = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => undefined,
    };
    const page = new PendingSignOut(refusing, server().send);
    page.remember('t');
    expect(page.pending()).toBe(true);

    const storage = new MapStorage();
    storage.setItem(PENDING_SIGN_OUT_KEY, '{not json');
    const online = server(true);
    const garbled = new PendingSignOut(storage, online.send);
    expect(garbled.pending()).toBe(true);
    expect(await garbled.flush()).toBe(false);
    expect(online.sent).toEqual([null]);
  });
});
