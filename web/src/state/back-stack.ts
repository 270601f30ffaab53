/**
 * The browser's Back button closes what was opened on the map before it leaves the app: on Android,
 * Back is how people close a sheet, a card or a dialog, and the page used to keep a single history
 * entry (the view is rewritten with replaceState), so the first Back left the app.
 *
 * Each layer opened by a person (a card from a tap or a search, a modal dialog) pushes one entry
 * whose state holds its depth; Back (popstate to a smaller depth) closes the layers above it, newest
 * first. A layer closed by its own button takes its entry back with history.back(), so the next Back
 * does not land on an entry that changes nothing; that popstate is ours and is only acknowledged.
 * Moving the map pushes nothing: the view keeps being written into the current entry.
 */

/** What Back closes. `close` runs when Back is pressed while the layer is the newest one. */
export type BackLayer = { kind: 'card' | 'dialog'; close: () => void };

/** The part of `history` the stack uses (the tests give a fake one). */
export type HistoryLike = Pick<History, 'pushState' | 'back' | 'state'>;

/** The depth an entry's state holds; entries not written by the app (a pasted link) are depth 0. */
export function depthOf(state: unknown): number {
  const depth = (state as { bando?: unknown } | null)?.bando;
  return typeof depth === 'number' && Number.isInteger(depth) && depth > 0 ? depth : 0;
}

/** Whether an entry's state was written by the app (its depth, 0 included). */
export function writtenByApp(state: unknown): boolean {
  return typeof (state as { bando?: unknown } | null)?.bando === 'number';
}

export class BackStack {
  private readonly layers: BackLayer[] = [];
  /** How many history.back() of ours have not had their popstate yet: those close nothing. */
  private returning = 0;

  constructor(
    private readonly history: HistoryLike,
    /**
     * After every popstate: `settled` when it only took back an entry of ours or closed layers (the view
     * stays as it is), else the entry is another view (Forward, a link pasted before): apply its URL.
     */
    private readonly navigated: (settled: boolean) => void,
  ) {}

  /** The state to write with replaceState, so the entry keeps its depth while the view is rewritten. */
  state(): { bando: number } {
    return { bando: this.layers.length };
  }

  /** The newest open layer of that kind, if it is the newest of all. */
  top(kind: BackLayer['kind']): BackLayer | undefined {
    const last = this.layers.at(-1);
    return last?.kind === kind ? last : undefined;
  }

  has(layer: BackLayer): boolean {
    return this.layers.includes(layer);
  }

  /** A layer opened: one history entry, with the same URL (the caller rewrites it as the view changes). */
  open(layer: BackLayer, url: string): void {
    this.layers.push(layer);
    this.history.pushState({ bando: this.layers.length }, '', url);
  }

  /**
   * A layer closed by its own means (a button, Escape, a tap on the empty map): its entry and those
   * above it go. Only the newest takes history.back(); a layer under others is dropped quietly
   * (its entry stays, and Back over it then closes nothing but does not leave the app either).
   */
  closed(layer: BackLayer): void {
    const at = this.layers.indexOf(layer);
    if (at < 0) return;
    const wasTop = at === this.layers.length - 1;
    this.layers.splice(at, 1);
    if (!wasTop) return;
    this.returning++;
    this.history.back();
  }

  /** The browser's popstate: Back or Forward. */
  popped(state: unknown): void {
    if (this.returning > 0) {
      this.returning--;
      this.navigated(true);
      return;
    }
    // An entry the app did not write (a link pasted into the address bar, which fires popstate before
    // hashchange): its URL decides what shows; the layers open now are let go without closing them.
    if (!writtenByApp(state)) {
      this.layers.length = 0;
      this.navigated(false);
      return;
    }
    const depth = depthOf(state);
    // Back over several entries at once (a long press on Back) closes every layer above, newest first.
    // Taken off first: a layer that refuses to close (a form holding typed input) opens itself again.
    const closing = this.layers.splice(depth).reverse();
    for (const layer of closing) layer.close();
    this.navigated(closing.length > 0);
  }
}
