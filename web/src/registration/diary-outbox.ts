// Spray records typed in the orchard with no signal: kept on the phone and sent by themselves when the
// signal returns (as inspection photos are, photo-outbox.ts). Each entry is named once, when it is
// first saved (its Idempotency-Key): sent again after an answer lost on the way, or from two tabs,
// the server finds the entry written the first time and answers it (POST /api/plots/:id/diary,
// plots.service.ts addDiaryEntry), so a retry never writes twice.
//
// The entries are small JSON, kept in localStorage under the viewer's key (map/viewer-tiles.ts):
// another person signing in on a shared phone neither sees nor sends them; the same person finds
// them again after a sign-out, a reload or a tab the phone killed, and they go when they are back.
import type { DiaryBody } from '../../../server/contracts/registry.ts';
import { HttpError, sendJson } from '../api/http.ts';
import { viewerKey, type TileViewer } from '../map/viewer-tiles.ts';

/** One spray record waiting on the phone. */
export type PendingDiaryEntry = {
  /** The Idempotency-Key every attempt carries. */
  key: string;
  /** The viewer key of who typed it: only they see and send it. */
  viewer: string;
  plotId: number;
  body: DiaryBody;
  /** When it was kept (ISO 8601). */
  savedAt: string;
};

/** What sending a waiting entry came to: written (the server's row), refused for good (the error), or still waiting. */
export type SendOutcome =
  | { entry: PendingDiaryEntry; sent: Record<string, unknown> }
  | { entry: PendingDiaryEntry; refused: unknown }
  | { entry: PendingDiaryEntry; waiting: unknown };

const STORAGE_KEY = 'bando.diaryOutbox';

/** The storage the outbox keeps its entries in (localStorage in the page; a stand-in in unit tests). */
export type OutboxStorage = Pick<Storage, 'getItem' | 'setItem'>;

function browserStorage(): OutboxStorage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined;
  }
}

function isEntry(value: unknown): value is PendingDiaryEntry {
  const e = value as Partial<PendingDiaryEntry> | null;
  return (
    typeof e?.key === 'string' &&
    typeof e.viewer === 'string' &&
    typeof e.plotId === 'number' &&
    typeof e.savedAt === 'string' &&
    typeof e.body === 'object' &&
    e.body !== null
  );
}

/** Every entry kept on this phone (whoever typed it); [] when the storage is unreadable or holds something else. */
export function allPending(storage = browserStorage()): PendingDiaryEntry[] {
  try {
    const parsed = JSON.parse(storage?.getItem(STORAGE_KEY) ?? '[]') as unknown;
    return Array.isArray(parsed) ? parsed.filter(isEntry) : [];
  } catch {
    return [];
  }
}

function write(entries: PendingDiaryEntry[], storage: OutboxStorage | undefined): boolean {
  if (!storage) return false;
  try {
    storage.setItem(STORAGE_KEY, JSON.stringify(entries));
    return true;
  } catch {
    // The phone is full, or the browser keeps nothing for this site (private mode).
    return false;
  }
}

/** The entries this viewer typed, of one plot or of all, oldest first. */
export function pendingOf(viewer: TileViewer, plotId?: number, storage = browserStorage()): PendingDiaryEntry[] {
  const key = viewerKey(viewer);
  return allPending(storage).filter((e) => e.viewer === key && (plotId === undefined || e.plotId === plotId));
}

/** Keeps an entry on the phone (once per key); false when it could not be kept (then nothing sends it). */
export function keepPending(entry: PendingDiaryEntry, storage = browserStorage()): boolean {
  const all = allPending(storage).filter((e) => e.key !== entry.key);
  return write([...all, entry], storage);
}

/** Forgets an entry (written, or discarded by its author). */
export function dropPending(key: string, storage = browserStorage()): void {
  const all = allPending(storage);
  if (all.some((e) => e.key === key))
    write(
      all.filter((e) => e.key !== key),
      storage,
    );
}

/**
 * A random Idempotency-Key for one spray record. crypto.randomUUID exists only on secure pages (https,
 * localhost): a phone reaching a test server over plain http gets as many random bits from getRandomValues.
 */
export function newDiaryKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Whether a failed send is worth trying again by itself: no network, a busy or failing server, or a session to sign in to again. */
export function retriesLater(error: unknown): boolean {
  if (!(error instanceof HttpError)) return true;
  return error.status === 0 || error.status === 401 || error.status === 408 || error.status === 429 || error.status >= 500;
}

/** POSTs one spray record under its key (the same on every attempt). */
export async function postDiary(plotId: number, body: DiaryBody, key: string): Promise<Record<string, unknown>> {
  const response = await sendJson(`/api/plots/${plotId}/diary`, 'POST', body, { 'Idempotency-Key': key });
  return (await response.json()) as Record<string, unknown>;
}

const listeners = new Set<(outcome: SendOutcome) => void>();
let queue: Promise<unknown> = Promise.resolve();
let viewerNow: TileViewer;

/** Calls `listener` with what each attempt came to (the cards of the plots redraw); returns how to stop. */
export function onDiaryOutbox(listener: (outcome: SendOutcome) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Sends this viewer's waiting entries (of one plot, or all), one at a time and one run at a time: a
 * written one leaves the phone, one refused for good (403, 404, 409, 422) leaves it too and its card
 * says why and what it held, one that found no network or a busy server waits for the next try.
 */
export function sendPending(viewer: TileViewer, plotId?: number, storage = browserStorage()): Promise<SendOutcome[]> {
  const run = queue.then(async () => {
    const outcomes: SendOutcome[] = [];
    for (const entry of pendingOf(viewer, plotId, storage)) {
      let outcome: SendOutcome;
      try {
        outcome = { entry, sent: await postDiary(entry.plotId, entry.body, entry.key) };
        dropPending(entry.key, storage);
      } catch (error) {
        if (retriesLater(error)) outcome = { entry, waiting: error };
        else {
          dropPending(entry.key, storage);
          outcome = { entry, refused: error };
        }
      }
      outcomes.push(outcome);
      for (const listener of listeners) listener(outcome);
      // No network: the rest would fail the same way.
      if ('waiting' in outcome) break;
    }
    return outcomes;
  });
  queue = run.catch(() => undefined);
  return run;
}

/**
 * Who is signed in now (main.ts: at start, at each sign-in and sign-out). Their waiting entries go at
 * once when there is a network, and again each time the browser comes back online.
 */
export function diaryOutboxUser(viewer: TileViewer): void {
  viewerNow = viewer;
  if (viewer && pendingOf(viewer).length > 0 && navigator.onLine) void sendPending(viewer);
}

if (typeof window !== 'undefined') {
  window.addEventListener('online', () => {
    if (viewerNow && pendingOf(viewerNow).length > 0) void sendPending(viewerNow);
  });
}
