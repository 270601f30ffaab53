// The phone's own copy of the inspection photos not sent yet, in IndexedDB: in the orchard the signal
// drops, the phone kills a background tab or the officer reloads, and a photo that lived only in the
// page's memory was gone. Each record keeps the bytes, what the upload needs to be sent again exactly as
// the first time (inspection, EXIF facts, the phone's position, the Idempotency-Key of its first
// attempt, so the server stores it once whatever happens), and whose photo it is: on a shared phone
// another officer's sign-in must neither show nor send it. IndexedDB directly: one object store and
// one index do not need a wrapper library.
import type { Geotag, PhotoType } from '../../../server/domain/photo-facts.ts';
import { requestDone, transactionDone } from './idb.ts';

/** A position the phone gave (WGS 84), with its accuracy in metres. */
export type StoredPosition = { lon: number; lat: number; accuracy: number };

/** One photo waiting to be sent, as kept on the phone. */
/** What the phone keeps of a picked photo, in the outbox and in an inspection's draft alike. */
export type KeptPhotoFacts = {
  /** The Idempotency-Key of its upload, the same on every attempt; also the record's key. */
  uploadKey: string;
  name: string;
  type: PhotoType;
  /** The file's time (ms), sent as takenAt when the photo has no capture time of its own. */
  lastModified: number;
  bytes: Blob;
  geotag: Geotag | null;
  /** The phone's position when the photo was picked; null when it had none (or had not answered yet). */
  position: StoredPosition | null;
};

export type StoredPhoto = KeptPhotoFacts & {
  /** The username that took it: only that user sees or sends it. */
  owner: string;
  areaId: number;
  inspectionId: number;
  /** The inspection's date (YYYY-MM-DD), to name the photo's batch. */
  inspectedOn: string;
  /** When it was kept (ms): photos go oldest first. */
  queuedAt: number;
  /** The server's id once it has answered 2xx: the record only waits to be removed (sign-out clears these). */
  sentPhotoId?: number;
};

/** Why the phone could not keep or read a photo: out of space, no IndexedDB here (some private modes), or anything else. */
export type PhotoStoreProblem = 'quota' | 'unavailable' | 'failed';

/** A failure of the store, by kind. */
export class PhotoStoreError extends Error {
  override name = 'PhotoStoreError';
  constructor(
    readonly problem: PhotoStoreProblem,
    message: string,
  ) {
    super(message);
  }
}

/** The photos kept on this phone. */
export interface PhotoStore {
  /** Keeps a photo (replacing one under the same key). Rejects with a PhotoStoreError ('quota' when the phone is full). */
  put(photo: StoredPhoto): Promise<void>;
  /** Changes some fields of a kept photo; nothing when it is gone. */
  patch(uploadKey: string, changes: Partial<Pick<StoredPhoto, 'position' | 'sentPhotoId'>>): Promise<void>;
  /** The owner's photos, oldest first. */
  listOf(owner: string): Promise<StoredPhoto[]>;
  /** Forgets a photo (the server has it, or the officer dropped it). */
  remove(uploadKey: string): Promise<void>;
  /** Forgets the owner's photos the server has already confirmed; answers how many. */
  removeSent(owner: string): Promise<number>;
  /** How many photos are kept, of every owner (a cheap look before asking who is signed in). */
  count(): Promise<number>;
  close(): void;
}

const STORE = 'pending-photos';
const BY_OWNER = 'owner';
/** The database's name; one per origin, as IndexedDB itself is. */
export const PHOTO_DB_NAME = 'bando-field-photos';

/** The kind of a failure: DOMException names differ by browser and by moment (the put or the commit). */
export function storeProblemOf(error: unknown): PhotoStoreProblem {
  const name = (error as { name?: unknown } | null)?.name;
  const message = String((error as { message?: unknown } | null)?.message ?? '');
  // Chrome and Firefox say QuotaExceededError; old Firefox NS_ERROR_DOM_QUOTA_REACHED; Safari's private
  // mode (no space at all) an UnknownError about the quota.
  if (name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED' || /quota/i.test(message)) return 'quota';
  if (name === 'InvalidStateError' || name === 'SecurityError') return 'unavailable';
  return 'failed';
}

function failure(error: unknown, doing: string): PhotoStoreError {
  if (error instanceof PhotoStoreError) return error;
  const problem = storeProblemOf(error);
  return new PhotoStoreError(problem, `${doing}: ${String((error as Error | null)?.message ?? error)}`);
}

/** Opens (creating on first use) the store of photos not sent yet. Rejects with PhotoStoreError 'unavailable' when the browser has no IndexedDB. */
export async function openPhotoStore(factory: IDBFactory | undefined = globalThis.indexedDB, name = PHOTO_DB_NAME): Promise<PhotoStore> {
  if (!factory) throw new PhotoStoreError('unavailable', 'This browser has no IndexedDB.');
  let db: IDBDatabase;
  try {
    const request = factory.open(name, 1);
    request.onupgradeneeded = () => {
      const store = request.result.createObjectStore(STORE, { keyPath: 'uploadKey' });
      store.createIndex(BY_OWNER, 'owner', { unique: false });
    };
    db = (await requestDone(request)) as IDBDatabase;
  } catch (error) {
    const problem = failure(error, 'Opening the photo store');
    throw problem.problem === 'failed' ? new PhotoStoreError('unavailable', problem.message) : problem;
  }
  // Another tab of a newer version asks to upgrade: let it (this tab reopens on its next reload).
  db.onversionchange = () => db.close();

  async function write(doing: string, work: (store: IDBObjectStore) => void | Promise<void>): Promise<void> {
    try {
      const tx = db.transaction(STORE, 'readwrite');
      const end = transactionDone(tx);
      // A failed request inside rejects `end` too; awaiting the work first would leave `end` unhandled.
      end.catch(() => undefined);
      await work(tx.objectStore(STORE));
      await end;
    } catch (error) {
      throw failure(error, doing);
    }
  }

  return {
    put: (photo) => write('Keeping a photo', (store) => void store.put(photo)),
    patch: (uploadKey, changes) =>
      write('Updating a kept photo', async (store) => {
        const photo = (await requestDone(store.get(uploadKey))) as StoredPhoto | undefined;
        if (photo) store.put({ ...photo, ...changes });
      }),
    async listOf(owner) {
      try {
        const tx = db.transaction(STORE, 'readonly');
        const rows = (await requestDone(tx.objectStore(STORE).index(BY_OWNER).getAll(owner))) as StoredPhoto[];
        return rows.sort((a, b) => a.queuedAt - b.queuedAt);
      } catch (error) {
        throw failure(error, 'Reading the kept photos');
      }
    },
    remove: (uploadKey) => write('Forgetting a photo', (store) => void store.delete(uploadKey)),
    async removeSent(owner) {
      let removed = 0;
      await write('Forgetting the sent photos', async (store) => {
        const rows = (await requestDone(store.index(BY_OWNER).getAll(owner))) as StoredPhoto[];
        for (const row of rows) {
          if (row.sentPhotoId === undefined) continue;
          store.delete(row.uploadKey);
          removed++;
        }
      });
      return removed;
    },
    async count() {
      try {
        return (await requestDone(db.transaction(STORE, 'readonly').objectStore(STORE).count())) as number;
      } catch (error) {
        throw failure(error, 'Counting the kept photos');
      }
    },
    close: () => db.close(),
  };
}
