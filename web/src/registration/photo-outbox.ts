// The outbox of inspection photos: every photo of a recorded inspection waits here until the server
// has it. One outbox per page, whatever card is open, so a photo is sent once and shown the same
// everywhere: in its area's inspections section (inspections.ts) and in the bar that tells a returning
// officer that photos are still to go (photo-outbox-page.ts). Each photo is kept in IndexedDB
// (storage/photo-store.ts) under the signed-in user's name from the moment it joins, and removed only
// when the server answers 2xx (201 stored, or 200 for its Idempotency-Key seen before); after a reload
// it is sent again under the key of its first attempt. Photos go one at a time (a weak connection
// carries one well rather than three badly); a photo refused for want of a connection or by a failing
// server is tried again by itself, sooner when the browser says it is back online.
// No DOM here: the network and the clock are handed in, so the queue's rules run in Node's tests.
import { HttpError } from '../api/http.ts';
import { PhotoStoreError, type PhotoStore, type PhotoStoreProblem, type StoredPhoto } from '../storage/photo-store.ts';
import { photoQuery, refusalOf, type InspectionRefusal } from './inspection-input.ts';

/** One photo in the outbox. */
export type OutboxPhoto = Omit<StoredPhoto, 'owner' | 'sentPhotoId'> & {
  state: 'waiting' | 'sending' | 'done' | 'failed';
  /** Bytes sent so far in the current attempt. */
  loaded: number;
  /** Why the last attempt failed (state 'failed'). */
  refusal?: InspectionRefusal;
  /** The server's problem document of the last refusal, for its wording. */
  problem?: Record<string, unknown>;
  /** Whether the phone holds a copy: false when IndexedDB refused it (full), so a reload would lose it. */
  kept: boolean;
  /** Failed attempts in a row, for the wait before the next automatic one. */
  attempts: number;
};

/** The inspection a photo belongs to. */
export type OutboxInspection = { id: number; inspectedOn: string; areaId: number };

/** A photo as the inspection form hands it over. */
export type NewPhoto = Pick<OutboxPhoto, 'uploadKey' | 'name' | 'type' | 'lastModified' | 'bytes' | 'geotag'> & {
  position: Promise<StoredPhoto['position'] | undefined>;
};

/** What the server answered to a photo: its status, JSON body and Location header. */
export type PhotoAnswer = { status: number; body: Record<string, unknown> | undefined; location: string | null };

/** The network, handed in: the browser's XMLHttpRequest with progress, or a test's server. */
export type OutboxNetwork = {
  /** POSTs the photo's bytes to `url` with these headers; resolves with any HTTP answer, rejects HttpError(0) when offline. */
  post(url: string, photo: OutboxPhoto, headers: Record<string, string>, progress: (loaded: number) => void): Promise<PhotoAnswer>;
  /** Makes and sends the stored photo's small version; answers it (to show at once) or undefined. Never rejects. */
  thumbnail(inspectionId: number, photoId: number, photo: Blob, csrf: string | null): Promise<Blob | undefined>;
  /** Whether the browser believes it is online (false is reliable, true is a hope). */
  online(): boolean;
};

/** Who is signed in: the owner of the photos, and the CSRF token their uploads carry. */
export type OutboxViewer = { username: string; csrf: string | null };

/** What changed: a photo's progress (redraw its row), the outbox's contents, or a photo the server now holds. */
export type OutboxEvent =
  | { kind: 'progress'; photo: OutboxPhoto }
  | { kind: 'changed' }
  | { kind: 'stored'; photo: OutboxPhoto; inspectionId: number; photoId: number | undefined; record: unknown; small: Blob | undefined }
  | { kind: 'inspection-done'; inspection: OutboxInspection; count: number };

/** The refusals worth trying again by themselves: the connection or the server, not the photo or the officer's rights. */
export function retriesByItself(refusal: InspectionRefusal): boolean {
  return refusal === 'offline' || refusal === 'server';
}

/** The wait before the next automatic attempt after `attempts` failures in a row: 10 s, 20 s, 40 s … at most 5 minutes. */
export function retryDelayMs(attempts: number): number {
  return Math.min(5 * 60_000, 10_000 * 2 ** Math.max(0, attempts - 1));
}

const CSRF_HEADER = 'X-CSRF-Token';
const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** The outbox of one page. */
export class PhotoOutbox {
  private viewer: OutboxViewer | undefined;
  private photos: OutboxPhoto[] = [];
  private readonly inspections = new Map<number, OutboxInspection>();
  private readonly listeners = new Set<(event: OutboxEvent) => void>();
  private running: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Why the phone could not keep a photo, until a later one is kept again. */
  storageProblem: PhotoStoreProblem | undefined;
  /** The owner whose photos were last read from the store, and the read itself (so the same user's reload is read once). */
  private loading: Promise<void> = Promise.resolve();
  /**
   * Photos the phone could not keep (its storage full), of people no longer signed in, by owner: they
   * exist only here, so a sign-out or a session that ended under the page (an upload answered 401)
   * must not lose them. Shown to nobody; they go back into the outbox when their owner signs in again.
   */
  private readonly unkept = new Map<string, { photos: OutboxPhoto[]; inspections: OutboxInspection[] }>();

  constructor(
    private readonly store: Promise<PhotoStore | undefined>,
    private readonly network: OutboxNetwork,
  ) {}

  /** Listens to changes; answers the function that stops listening. */
  subscribe(listener: (event: OutboxEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The signed-in user. */
  owner(): string | undefined {
    return this.viewer?.username;
  }

  /**
   * A fresh CSRF token for the signed-in user (a section asked who is signed in); nothing for anyone
   * else: an answer that comes late, after a sign-out or another sign-in, must not change the owner.
   */
  setToken(username: string, csrf: string | null): void {
    if (this.viewer?.username !== username) return;
    this.viewer = { username, csrf };
    // The same person, with a session again: a refusal for a lost session may go now.
    this.retryFailed((p) => p.refusal === 'signed-out');
  }

  /**
   * Someone signed in, signed out, or the page learnt who it is (the app's own word: main.ts). A new user's photos are read from
   * the phone and sent; the previous user's leave the page (they stay kept under their name, to be
   * sent when they sign in again). Signing out forgets only the photos the server already holds.
   */
  setViewer(viewer: OutboxViewer | undefined): Promise<void> {
    const before = this.viewer?.username;
    // The same person told again without a token (the app's start) keeps the one a section learnt.
    this.viewer = viewer && viewer.username === before && viewer.csrf === null ? { ...viewer, csrf: this.viewer?.csrf ?? null } : viewer;
    if (viewer?.username === before) {
      // The same person (a section reloaded, or signed in again): a refusal for a lost session may go now.
      this.retryFailed((p) => p.refusal === 'signed-out');
      return this.loading;
    }
    if (before !== undefined) this.putAside(before);
    this.photos = [];
    this.inspections.clear();
    this.clearTimer();
    if (viewer) this.takeBack(viewer.username);
    this.emit({ kind: 'changed' });
    const previous = before;
    this.loading = this.loading.then(async () => {
      const store = await this.store;
      if (!store) return;
      if (previous !== undefined && viewer === undefined) await store.removeSent(previous).catch(() => 0);
      // By name, not by the object: a section handing over a fresh token (setToken) while the phone
      // is read replaces the object, and the photos of the same person must still be read.
      if (!viewer || this.viewer?.username !== viewer.username) return;
      let kept: StoredPhoto[];
      try {
        kept = await store.listOf(viewer.username);
      } catch {
        return; // the phone cannot read its store: nothing to show, nothing lost by trying later
      }
      if (this.viewer?.username !== viewer.username) return; // someone else signed in meanwhile
      for (const record of kept) {
        if (record.sentPhotoId !== undefined) {
          // The server has it; the page ended before forgetting it. Its small version may be missing:
          // whoever views it next makes one (photo-thumbnail.ts).
          await store.remove(record.uploadKey).catch(() => undefined);
          continue;
        }
        if (this.photos.some((p) => p.uploadKey === record.uploadKey)) continue;
        const { owner: _owner, sentPhotoId: _sent, ...rest } = record;
        this.inspections.set(record.inspectionId, { id: record.inspectionId, inspectedOn: record.inspectedOn, areaId: record.areaId });
        this.photos.push({ ...rest, state: 'waiting', loaded: 0, kept: true, attempts: 0 });
      }
      this.emit({ kind: 'changed' });
      void this.send();
    });
    return this.loading;
  }

  /** Keeps in memory, under their owner, the photos that leave the outbox with them and that the phone does not hold. */
  private putAside(owner: string): void {
    const photos = this.photos.filter((p) => !p.kept && p.state !== 'done');
    if (!photos.length) return;
    const ids = new Set(photos.map((p) => p.inspectionId));
    const inspections = [...this.inspections.values()].filter((i) => ids.has(i.id));
    const earlier = this.unkept.get(owner);
    this.unkept.set(owner, {
      photos: [...(earlier?.photos ?? []), ...photos],
      inspections: [...(earlier?.inspections ?? []), ...inspections],
    });
  }

  /** The owner is back: their photos kept in memory join the outbox again, to be sent (the store's are read after). */
  private takeBack(owner: string): void {
    const back = this.unkept.get(owner);
    if (!back) return;
    this.unkept.delete(owner);
    for (const inspection of back.inspections) this.inspections.set(inspection.id, inspection);
    for (const photo of back.photos) {
      // One still on its way keeps its state: its attempt ends it.
      if (photo.state === 'failed') photo.state = 'waiting';
      this.photos.push(photo);
    }
    void this.send();
  }

  /**
   * Takes the photos of a just recorded inspection: each is kept on the phone first (a reload from
   * now on loses nothing), then they are sent. A photo the phone cannot keep (full) is still sent
   * from memory, and `storageProblem` says so.
   */
  async add(inspection: OutboxInspection, photos: readonly NewPhoto[]): Promise<void> {
    const viewer = this.viewer;
    if (!viewer) throw new Error('No one is signed in to own these photos.');
    this.inspections.set(inspection.id, inspection);
    const queuedAt = Date.now();
    const added = photos.map((photo, i): [OutboxPhoto, NewPhoto] => {
      const { position: _p, ...rest } = photo;
      return [
        {
          ...rest,
          areaId: inspection.areaId,
          inspectionId: inspection.id,
          inspectedOn: inspection.inspectedOn,
          position: null,
          queuedAt: queuedAt + i,
          state: 'waiting',
          loaded: 0,
          kept: false,
          attempts: 0,
        },
        photo,
      ];
    });
    this.photos.push(...added.map(([p]) => p));
    this.emit({ kind: 'changed' });
    const store = await this.store.catch(() => undefined);
    for (const [photo, given] of added) {
      // The position asked for when the photo was picked has almost always come by the time the form is
      // saved; if not, the photo is kept at once and its position added when it comes.
      const now = await Promise.race([given.position, Promise.resolve('pending' as const)]);
      photo.position = now === 'pending' ? null : (now ?? null);
      if (now === 'pending') {
        void given.position.then(async (later) => {
          if (!later || photo.state === 'done') return;
          photo.position = later;
          if (photo.kept) await store?.patch(photo.uploadKey, { position: later }).catch(() => undefined);
        });
      }
      if (!store) {
        this.storageProblem = 'unavailable';
        continue;
      }
      try {
        await store.put(recordOf(photo, viewer.username));
        photo.kept = true;
        this.storageProblem = undefined;
      } catch (error) {
        this.storageProblem = error instanceof PhotoStoreError ? error.problem : 'failed';
      }
    }
    this.emit({ kind: 'changed' });
    void this.askToKeep();
    await this.send();
  }

  /** The photos of an area's inspections, oldest first. */
  photosOf(areaId: number): OutboxPhoto[] {
    return this.photos.filter((p) => p.areaId === areaId);
  }

  /** Every photo of the signed-in user not yet stored by the server. */
  unsent(): OutboxPhoto[] {
    return this.photos.filter((p) => p.state !== 'done');
  }

  /** The inspection a photo belongs to. */
  inspectionOf(photo: Pick<OutboxPhoto, 'inspectionId'>): OutboxInspection | undefined {
    return this.inspections.get(photo.inspectionId);
  }

  /** Whether a reload now would lose a photo: one not kept on the phone and not yet stored (whoever owns it). */
  wouldLoseOnReload(): boolean {
    return this.photos.some((p) => !p.kept && p.state !== 'done') || this.unkept.size > 0;
  }

  /** Sends the failed photos (those `which` picks) again now. */
  retryFailed(which: (photo: OutboxPhoto) => boolean = () => true): void {
    let any = false;
    for (const photo of this.photos) {
      if (photo.state !== 'failed' || !which(photo)) continue;
      photo.state = 'waiting';
      any = true;
    }
    if (!any) return;
    this.clearTimer();
    this.emit({ kind: 'changed' });
    void this.send();
  }

  /** The officer gave up on a photo: it leaves the outbox and the phone. */
  async drop(photo: OutboxPhoto): Promise<void> {
    if (photo.state === 'sending') return;
    this.photos = this.photos.filter((p) => p !== photo);
    this.emit({ kind: 'changed' });
    const store = await this.store.catch(() => undefined);
    await store?.remove(photo.uploadKey).catch(() => undefined);
    this.finishInspection(photo.inspectionId, false);
  }

  /** The browser says it is online again: what waits for the connection goes now. */
  online(): void {
    this.retryFailed((p) => retriesByItself(p.refusal ?? 'server'));
  }

  /** Sends every waiting photo, one at a time; resolves when none is waiting. */
  send(): Promise<void> {
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async run(): Promise<void> {
    for (let photo = this.next(); photo; photo = this.next()) {
      const viewer = this.viewer;
      if (!viewer) return;
      await this.attempt(photo, viewer);
    }
    this.scheduleRetry();
  }

  private next(): OutboxPhoto | undefined {
    return this.photos.find((p) => p.state === 'waiting');
  }

  private async attempt(photo: OutboxPhoto, viewer: OutboxViewer): Promise<void> {
    photo.state = 'sending';
    photo.loaded = 0;
    photo.refusal = undefined;
    photo.problem = undefined;
    this.emit({ kind: 'changed' });
    try {
      if (!this.network.online()) throw new HttpError(0, 'offline', undefined, undefined);
      const url = `/api/inspections/${photo.inspectionId}/photos${photoQuery(photo.geotag, photo.position ?? undefined, photo.lastModified)}`;
      const answer = await this.network.post(
        url,
        photo,
        {
          'Content-Type': photo.type,
          [IDEMPOTENCY_KEY_HEADER]: photo.uploadKey,
          Accept: 'application/json',
          ...(viewer.csrf ? { [CSRF_HEADER]: viewer.csrf } : {}),
        },
        (loaded) => {
          photo.loaded = loaded;
          this.emit({ kind: 'progress', photo });
        },
      );
      if (answer.status < 200 || answer.status >= 300 || !answer.body) {
        const detail = typeof answer.body?.detail === 'string' ? answer.body.detail : String(answer.status);
        throw new HttpError(answer.status, detail, answer.body, undefined);
      }
      const id = Number(/\/photos\/(\d+)$/.exec(answer.location ?? '')?.[1]);
      const photoId = Number.isSafeInteger(id) ? id : undefined;
      const store = await this.store.catch(() => undefined);
      // Marked sent before anything else: a page that ends now leaves a record sign-out may clear.
      if (photo.kept && photoId !== undefined) await store?.patch(photo.uploadKey, { sentPhotoId: photoId }).catch(() => undefined);
      const small = photoId === undefined ? undefined : await this.network.thumbnail(photo.inspectionId, photoId, photo.bytes, viewer.csrf);
      if (photo.kept) await store?.remove(photo.uploadKey).catch(() => undefined);
      photo.state = 'done';
      photo.attempts = 0;
      // The last photo the phone could not keep is on the server: nothing is at risk any more.
      if (!this.wouldLoseOnReload()) this.storageProblem = undefined;
      this.emit({ kind: 'stored', photo, inspectionId: photo.inspectionId, photoId, record: answer.body, small });
      this.finishInspection(photo.inspectionId, true);
    } catch (error) {
      photo.state = 'failed';
      photo.refusal = refusalOf(error);
      photo.problem = error instanceof HttpError ? error.problem : undefined;
      photo.attempts++;
    }
    this.emit({ kind: 'changed' });
  }

  /** When every photo of an inspection is stored, they leave the outbox together (and the page says so once). */
  private finishInspection(inspectionId: number, stored: boolean): void {
    const left = this.photos.filter((p) => p.inspectionId === inspectionId);
    if (left.some((p) => p.state !== 'done')) return;
    this.photos = this.photos.filter((p) => p.inspectionId !== inspectionId);
    const inspection = this.inspections.get(inspectionId);
    this.inspections.delete(inspectionId);
    if (stored && inspection && left.length) this.emit({ kind: 'inspection-done', inspection, count: left.length });
    this.emit({ kind: 'changed' });
  }

  /** After a round, the photos that failed for the connection or the server get one more automatic try later. */
  private scheduleRetry(): void {
    this.clearTimer();
    const again = this.photos.filter((p) => p.state === 'failed' && retriesByItself(p.refusal ?? 'server'));
    if (!again.length || !this.viewer) return;
    const wait = retryDelayMs(Math.min(...again.map((p) => p.attempts)));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.online();
    }, wait);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Asks the browser not to evict the store under pressure (Chrome decides by itself, Firefox asks the user once). */
  private async askToKeep(): Promise<void> {
    try {
      const storage = (globalThis.navigator as Navigator | undefined)?.storage;
      if (storage?.persist && !(await storage.persisted())) await storage.persist();
    } catch {
      // Only a wish: without it the store still works.
    }
  }

  private emit(event: OutboxEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /** Stops the timer (tests; a page never needs it). */
  close(): void {
    this.clearTimer();
  }
}

function recordOf(photo: OutboxPhoto, owner: string): StoredPhoto {
  return {
    uploadKey: photo.uploadKey,
    owner,
    areaId: photo.areaId,
    inspectionId: photo.inspectionId,
    inspectedOn: photo.inspectedOn,
    name: photo.name,
    type: photo.type,
    lastModified: photo.lastModified,
    bytes: photo.bytes,
    geotag: photo.geotag,
    position: photo.position,
    queuedAt: photo.queuedAt,
  };
}
