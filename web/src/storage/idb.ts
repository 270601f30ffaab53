// The two promises every IndexedDB store of the app waits on (the photo outbox, inspection drafts):
// IndexedDB speaks in events, and one object store and one index need no wrapper library.

/** A request's result, or its error. */
export function requestDone(request: IDBRequest): Promise<unknown> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** A transaction's end: its writes are on disk only once it completes (a quota failure may come only then, as an abort). */
export function transactionDone(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new DOMException('The transaction was aborted.', 'AbortError'));
  });
}
