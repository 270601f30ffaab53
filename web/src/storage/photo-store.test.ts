import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { openPhotoStore, PhotoStoreError, storeProblemOf, type StoredPhoto } from './photo-store.ts';

// fake-indexeddb is an implementation of the IndexedDB standard in JS (its own test suite is the W3C's);
// each test opens its own factory, so nothing is shared between tests.

const photo = (over: Partial<StoredPhoto> = {}): StoredPhoto => ({
  uploadKey: 'k-0000000000000001',
  owner: 'officer',
  areaId: 12,
  inspectionId: 40,
  inspectedOn: '2026-03-01',
  name: 'vuon-xoai-1.jpg',
  type: 'image/jpeg',
  lastModified: 1_772_300_000_000,
  bytes: new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3])], { type: 'image/jpeg' }),
  geotag: { lon: 105.63, lat: 10.45, takenAt: '2026-03-01T02:15:00Z' },
  position: { lon: 105.631, lat: 10.451, accuracy: 12 },
  queuedAt: 1,
  ...over,
});

describe('the store of photos not sent yet', () => {
  it('keeps the bytes and facts of a photo across a reopen (a reload of the page)', async () => {
    const factory = new IDBFactory();
    const first = await openPhotoStore(factory);
    await first.put(photo());
    first.close();
    const again = await openPhotoStore(factory);
    const [kept] = await again.listOf('officer');
    expect(kept).toMatchObject({ uploadKey: 'k-0000000000000001', areaId: 12, inspectionId: 40, position: { accuracy: 12 } });
    expect(kept!.geotag).toEqual({ lon: 105.63, lat: 10.45, takenAt: '2026-03-01T02:15:00Z' });
    expect([...new Uint8Array(await kept!.bytes.arrayBuffer())]).toEqual([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    again.close();
  });

  it("lists only the owner's photos, oldest first; another officer of a shared phone gets none of them", async () => {
    const store = await openPhotoStore(new IDBFactory());
    await store.put(photo({ uploadKey: 'k-late-000000000001', queuedAt: 30 }));
    await store.put(photo({ uploadKey: 'k-early-00000000001', queuedAt: 10 }));
    await store.put(photo({ uploadKey: 'k-other-00000000001', owner: 'officer2', queuedAt: 20 }));
    expect((await store.listOf('officer')).map((p) => p.uploadKey)).toEqual(['k-early-00000000001', 'k-late-000000000001']);
    expect((await store.listOf('officer2')).map((p) => p.uploadKey)).toEqual(['k-other-00000000001']);
    expect(await store.listOf('admin')).toEqual([]);
    expect(await store.count()).toBe(3);
    store.close();
  });

  it('patches a position or the sent mark without losing the bytes; a patch of a forgotten photo does nothing', async () => {
    const store = await openPhotoStore(new IDBFactory());
    await store.put(photo({ position: null }));
    await store.patch('k-0000000000000001', { position: { lon: 105.7, lat: 10.5, accuracy: 30 } });
    await store.patch('k-0000000000000001', { sentPhotoId: 77 });
    await store.patch('k-missing-000000001', { sentPhotoId: 1 });
    const [kept] = await store.listOf('officer');
    expect(kept).toMatchObject({ position: { lon: 105.7, lat: 10.5, accuracy: 30 }, sentPhotoId: 77 });
    expect(kept!.bytes.size).toBe(7);
    expect(await store.count()).toBe(1);
    store.close();
  });

  it('forgets at sign-out only the photos the server already holds, and only the owner’s', async () => {
    const store = await openPhotoStore(new IDBFactory());
    await store.put(photo({ uploadKey: 'k-sent-0000000001', sentPhotoId: 5 }));
    await store.put(photo({ uploadKey: 'k-unsent-00000001' }));
    await store.put(photo({ uploadKey: 'k-other-sent-0001', owner: 'officer2', sentPhotoId: 6 }));
    expect(await store.removeSent('officer')).toBe(1);
    expect((await store.listOf('officer')).map((p) => p.uploadKey)).toEqual(['k-unsent-00000001']);
    expect((await store.listOf('officer2')).map((p) => p.uploadKey)).toEqual(['k-other-sent-0001']);
    await store.remove('k-unsent-00000001');
    expect(await store.listOf('officer')).toEqual([]);
    store.close();
  });

  it('fails with a PhotoStoreError, never a crash: a closed store, no IndexedDB at all', async () => {
    const store = await openPhotoStore(new IDBFactory());
    store.close();
    const refused = await store.put(photo()).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PhotoStoreError);
    expect((refused as PhotoStoreError).problem).toBe('unavailable');
    const none = await openPhotoStore(undefined).catch((error: unknown) => error);
    expect(none).toBeInstanceOf(PhotoStoreError);
    expect((none as PhotoStoreError).problem).toBe('unavailable');
  });

  it('tells a full phone apart by the names browsers give it', () => {
    expect(storeProblemOf(new DOMException('The quota has been exceeded.', 'QuotaExceededError'))).toBe('quota');
    expect(storeProblemOf({ name: 'NS_ERROR_DOM_QUOTA_REACHED', message: '' })).toBe('quota');
    expect(storeProblemOf(new DOMException('Database quota exceeded', 'UnknownError'))).toBe('quota');
    expect(storeProblemOf(new DOMException('closing', 'InvalidStateError'))).toBe('unavailable');
    expect(storeProblemOf(new DOMException('x', 'DataCloneError'))).toBe('failed');
    expect(storeProblemOf(undefined)).toBe('failed');
  });
});
