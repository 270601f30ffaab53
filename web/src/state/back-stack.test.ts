import { describe, expect, it } from 'vitest';
import { BackStack, type BackLayer } from './back-stack.ts';

/** A history of entries with a cursor; back() is answered by a popstate the test delivers. */
function fakeHistory() {
  const entries: unknown[] = [{ bando: 0 }];
  let at = 0;
  let backs = 0;
  return {
    history: {
      get state() {
        return entries[at];
      },
      pushState(state: unknown) {
        entries.splice(at + 1, entries.length, state);
        at++;
      },
      back() {
        backs++;
      },
    } as unknown as Pick<History, 'pushState' | 'back' | 'state'>,
    /** The browser going back one entry: the state popstate carries. */
    goBack() {
      at--;
      return entries[at];
    },
    length: () => entries.length,
    backs: () => backs,
  };
}

/**
 * A BackStack over a fake history, with what it did: `navigated` holds each popstate's `settled`,
 * `closed` the names of the layers it closed, in order; `layer` makes a layer that records its name there.
 */
function backStack() {
  const fake = fakeHistory();
  const navigated: boolean[] = [];
  const closed: string[] = [];
  const stack = new BackStack(fake.history, (settled) => navigated.push(settled));
  const layer = (kind: BackLayer['kind'], name: string): BackLayer => ({ kind, close: () => closed.push(name) });
  return { fake, stack, navigated, closed, layer };
}

describe('BackStack', () => {
  it('opening a card pushes one entry, and Back closes it and leaves the view as it is', () => {
    const { fake, stack, navigated, closed, layer } = backStack();
    const card = layer('card', 'card');
    stack.open(card, '/#s=parcels:1');
    expect(fake.length()).toBe(2);
    expect(stack.state()).toEqual({ bando: 1 });
    stack.popped(fake.goBack());
    expect(closed).toEqual(['card']);
    expect(navigated).toEqual([true]);
    expect(stack.has(card)).toBe(false);
    expect(stack.state()).toEqual({ bando: 0 });
  });

  it('Back closes the dialog over a card first, the card at the next Back', () => {
    const { fake, stack, closed, layer } = backStack();
    stack.open(layer('card', 'card'), '/');
    stack.open(layer('dialog', 'print'), '/');
    stack.popped(fake.goBack());
    expect(closed).toEqual(['print']);
    stack.popped(fake.goBack());
    expect(closed).toEqual(['print', 'card']);
  });

  it('a layer closed by its own button takes its entry back, and that popstate closes nothing', () => {
    const { fake, stack, navigated, closed, layer } = backStack();
    const card = layer('card', 'card');
    const dialog = layer('dialog', 'sign-in');
    stack.open(card, '/');
    stack.open(dialog, '/');
    stack.closed(dialog);
    expect(fake.backs()).toBe(1);
    stack.popped(fake.goBack());
    expect(closed).toEqual([]);
    expect(navigated).toEqual([true]);
    expect(stack.has(card)).toBe(true);
    // The card is still Back's to close.
    stack.popped(fake.goBack());
    expect(closed).toEqual(['card']);
  });

  it('a layer that will not close (typed input) opens its entry again, without looping', () => {
    const { fake, stack } = backStack();
    let asked = 0;
    const card: BackLayer = {
      kind: 'card',
      close: () => {
        asked++;
        stack.open(card, '/');
      },
    };
    stack.open(card, '/');
    stack.popped(fake.goBack());
    expect(asked).toBe(1);
    expect(stack.has(card)).toBe(true);
    expect(fake.length()).toBe(2);
  });

  it('an entry the app did not write (a pasted link) is applied, and the open layers are let go unclosed', () => {
    const { stack, navigated, closed, layer } = backStack();
    const card = layer('card', 'card');
    stack.open(card, '/');
    stack.popped(null);
    expect(closed).toEqual([]);
    expect(navigated).toEqual([false]);
    expect(stack.has(card)).toBe(false);
  });

  it('Forward to a deeper entry closes nothing and applies its URL', () => {
    const { stack, navigated } = backStack();
    stack.popped({ bando: 1 });
    expect(navigated).toEqual([false]);
  });
});
