// The phone's copy of an inspection form not recorded yet, in IndexedDB: in the orchard the POST fails
// for want of signal, and on a cheap Android phone opening the camera from a file input often makes the
// system kill the browser's tab, which reloads with everything typed gone. One draft per (signed-in
// username, growing area): another officer signing in on a shared phone never reads it.
//
// Two object stores, because the officer types far more often than they pick photos: the typed fields
// are rewritten at each pause in typing (a few hundred bytes), a photo's bytes (2–6 MB) are written
// once when it is picked and removed when it is dropped. A draft and its photos go in one transaction.
import { requestDone, transactionDone } from './idb.ts';
import { storeProblemOf, type KeptPhotoFacts, type PhotoStoreProblem, type StoredPosition } from './photo-store.ts';

/** One checklist row as typed: not looked at, passed or failed, with its note. */
export type DraftAnswer = { item: string; verdict: 'unchecked' | 'ok' | 'not-ok'; note: string };

/** Whose draft, of which area: the key of a draft and of its photos. */
export type DraftOwner = { owner: string; areaId: number };

/** The typed part of a draft. */
export type DraftFields = DraftOwner & {
  inspectedOn: string;
  conclusion: 'pass' | 'fail' | '';
  notes: string;
  checklist: DraftAnswer[];
  /** When it was last written (ms). */
  savedAt: number;
  /**
   * The Idempotency-Key every POST of this draft carries (made with the draft): a POST sent again
   * after one whose answer was lost gets the inspection that one recorded, not a second one.
   */
  requestKey?: string;
  /**
   * The inspection the server recorded from this draft (it answered 2xx) while its photos were being
   * handed to the outbox: a tab killed in that moment finds the draft marked, hands the photos over
   * and forgets it, never offering to record the inspection a second time.
   */
  recorded?: { id: number; inspectedOn: string };
};

/** A photo picked into a draft: its bytes and what the form knew of it. */
export type DraftPhoto = DraftOwner &
  KeptPhotoFacts & {
    /** When it was picked (ms): the photos come back in that order. */
    pickedAt: number;
  };

/** A draft as read back: the fields and the photos, in the order they were picked. */
export type InspectionDraft = DraftFields & { photos: DraftPhoto[] };

/** A failure of the draft store, by kind ('quota': the phone is full; 'unavailable': no IndexedDB here). */
export class DraftStoreError extends Error {
  override name = 'DraftStoreError';
  constructor(
    readonly problem: PhotoStoreProblem,
    message: string,
  ) {
    super(message);
  }
}

/** The inspection drafts kept on this phone. */
export interface InspectionDraftStore {
  /** Writes the typed fields of a draft (replacing the last ones); its photos are untouched. */
  save(fields: DraftFields): Promise<void>;
  /**
   * Keeps a picked photo with the typed fields of its draft, in one transaction: the camera that may
   * kill the tab opens before the first pause in typing, and a photo without its draft is never read.
   */
  putPhoto(photo: DraftPhoto, fields: DraftFields): Promise<void>;
  /** Adds the phone's position to a kept photo when it comes; nothing when the photo is gone. */
  placePhoto(uploadKey: string, position: StoredPosition): Promise<void>;
  /** Forgets one photo (the officer removed it from the form). */
  removePhoto(uploadKey: string): Promise<void>;
  /** The owner's draft of the area, or undefined. */
  load(key: DraftOwner): Promise<InspectionDraft | undefined>;
  /** Forgets the draft and its photos (recorded, or discarded by the officer). */
  remove(key: DraftOwner): Promise<void>;
  close(): void;
}

const FIELDS = 'drafts';
const PHOTOS = 'draft-photos';
const BY_DRAFT = 'draft';
const KEY_PATH = ['owner', 'areaId'];
/** The database's name; one per origin, as IndexedDB itself is. */
export const DRAFT_DB_NAME = 'bando-inspection-drafts';

function failure(error: unknown, doing: string): DraftStoreError {
  if (error instanceof DraftStoreError) return error;
  return new DraftStoreError(storeProblemOf(error), `${doing}: ${String((error as Error | null)?.message ?? error)}`);
}

const keyOf = (key: DraftOwner): [string, number] => [key.owner, key.areaId];

/** Opens (creating on first use) the store of inspection drafts. Rejects with DraftStoreError 'unavailable' when the browser has no IndexedDB. */
export async function openInspectionDrafts(
  factory: IDBFactory | undefined = globalThis.indexedDB,
  name = DRAFT_DB_NAME,
): Promise<InspectionDraftStore> {
  if (!factory) throw new DraftStoreError('unavailable', 'This browser has no IndexedDB.');
  let db: IDBDatabase;
  try {
    const request = factory.open(name, 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore(FIELDS, { keyPath: KEY_PATH });
      request.result.createObjectStore(PHOTOS, { keyPath: 'uploadKey' }).createIndex(BY_DRAFT, KEY_PATH, { unique: false });
    };
    db = (await requestDone(request)) as IDBDatabase;
  } catch (error) {
    const problem = failure(error, 'Opening the inspection drafts');
    // Firefox's private windows refuse the open itself with a plain error: no store here at all.
    throw problem.problem === 'failed' ? new DraftStoreError('unavailable', problem.message) : problem;
  }
  // Another tab of a newer version asks to upgrade: let it (this tab reopens on its next reload).
  db.onversionchange = () => db.close();

  async function write(doing: string, stores: string[], work: (tx: IDBTransaction) => void | Promise<void>): Promise<void> {
    try {
      const tx = db.transaction(stores, 'readwrite');
      const end = transactionDone(tx);
      // A failed request inside rejects `end` too; awaiting the work first would leave `end` unhandled.
      end.catch(() => undefined);
      await work(tx);
      await end;
    } catch (error) {
      throw failure(error, doing);
    }
  }

  return {
    save: (fields) => write('Keeping the inspection draft', [FIELDS], (tx) => void tx.objectStore(FIELDS).put(fields)),
    putPhoto: (photo, fields) =>
      write('Keeping a picked photo', [FIELDS, PHOTOS], (tx) => {
        tx.objectStore(FIELDS).put(fields);
        tx.objectStore(PHOTOS).put(photo);
      }),
    placePhoto: (uploadKey, position) =>
      write('Placing a picked photo', [PHOTOS], async (tx) => {
        const store = tx.objectStore(PHOTOS);
        const photo = (await requestDone(store.get(uploadKey))) as DraftPhoto | undefined;
        if (photo) store.put({ ...photo, position });
      }),
    removePhoto: (uploadKey) => write('Forgetting a picked photo', [PHOTOS], (tx) => void tx.objectStore(PHOTOS).delete(uploadKey)),
    async load(key) {
      try {
        const tx = db.transaction([FIELDS, PHOTOS], 'readonly');
        const fields = (await requestDone(tx.objectStore(FIELDS).get(keyOf(key)))) as DraftFields | undefined;
        if (!fields) return undefined;
        const photos = (await requestDone(tx.objectStore(PHOTOS).index(BY_DRAFT).getAll(keyOf(key)))) as DraftPhoto[];
        return { ...fields, photos: photos.sort((a, b) => a.pickedAt - b.pickedAt) };
      } catch (error) {
        throw failure(error, 'Reading the inspection draft');
      }
    },
    remove: (key) =>
      write('Forgetting the inspection draft', [FIELDS, PHOTOS], async (tx) => {
        tx.objectStore(FIELDS).delete(keyOf(key));
        const photos = tx.objectStore(PHOTOS);
        const keys = (await requestDone(photos.index(BY_DRAFT).getAllKeys(keyOf(key)))) as string[];
        for (const uploadKey of keys) photos.delete(uploadKey);
      }),
    close: () => db.close(),
  };
}
