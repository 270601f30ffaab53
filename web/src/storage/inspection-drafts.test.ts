import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { DraftStoreError, openInspectionDrafts, type DraftFields, type DraftPhoto } from './inspection-drafts.ts';

// fake-indexeddb implements the IndexedDB standard in JS (its own test suite is the W3C's); each test
// opens its own factory, so nothing is shared between tests.

const fields = (over: Partial<DraftFields> = {}): DraftFields => ({
  owner: 'officer',
  areaId: 12,
  inspectedOn: '2026-03-01',
  conclusion: 'pass',
  notes: 'Vườn xoài sạch cỏ, bao trái đầy đủ.',
  checklist: [
    { item: 'Nhật ký sản xuất', verdict: 'not-ok', note: 'Thiếu tháng 2' },
    { item: 'Truy xuất nguồn gốc', verdict: 'ok', note: '' },
    { item: 'Kho chứa thuốc', verdict: 'unchecked', note: '' },
  ],
  savedAt: 1_772_300_000_000,
  ...over,
});

const JPEG_BYTES = [0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 7, 8, 9];

const photo = (over: Partial<DraftPhoto> = {}): DraftPhoto => ({
  owner: 'officer',
  areaId: 12,
  uploadKey: 'k-0000000000000001',
  name: 'vuon-xoai-1.jpg',
  type: 'image/jpeg',
  lastModified: 1_772_300_000_000,
  bytes: new Blob([new Uint8Array(JPEG_BYTES)], { type: 'image/jpeg' }),
  geotag: { lon: 105.63, lat: 10.45, takenAt: '2026-03-01T02:15:00Z' },
  position: null,
  pickedAt: 1,
  ...over,
});

describe('the inspection drafts kept on the phone', () => {
  it('gives back the typed fields and the photos’ bytes after a reopen (the tab killed and reloaded)', async () => {
    const factory = new IDBFactory();
    const first = await openInspectionDrafts(factory);
    await first.putPhoto(photo(), fields({ notes: '' }));
    await first.save(fields());
    first.close();
    const again = await openInspectionDrafts(factory);
    const draft = await again.load({ owner: 'officer', areaId: 12 });
    expect(draft).toMatchObject({
      ...fields(),
      photos: [expect.objectContaining({ uploadKey: 'k-0000000000000001', name: 'vuon-xoai-1.jpg' })],
    });
    expect(draft!.checklist).toEqual(fields().checklist);
    const [kept] = draft!.photos;
    expect(kept!.geotag).toEqual({ lon: 105.63, lat: 10.45, takenAt: '2026-03-01T02:15:00Z' });
    expect(kept!.bytes.type).toBe('image/jpeg');
    expect([...new Uint8Array(await kept!.bytes.arrayBuffer())]).toEqual(JPEG_BYTES);
    again.close();
  });

  it('a photo picked before the first pause in typing brings its draft with it', async () => {
    const store = await openInspectionDrafts(new IDBFactory());
    await store.putPhoto(photo(), fields({ notes: 'vừa mở máy ảnh' }));
    const draft = await store.load({ owner: 'officer', areaId: 12 });
    expect(draft?.notes).toBe('vừa mở máy ảnh');
    expect(draft?.photos.map((p) => p.uploadKey)).toEqual(['k-0000000000000001']);
    store.close();
  });

  it('keeps one draft per officer and area: another area, or another officer of a shared phone, reads nothing of it', async () => {
    const store = await openInspectionDrafts(new IDBFactory());
    await store.putPhoto(photo(), fields());
    await store.putPhoto(photo({ uploadKey: 'k-area-13-0000001', areaId: 13 }), fields({ areaId: 13, notes: 'Vùng 13' }));
    expect(await store.load({ owner: 'officer2', areaId: 12 })).toBeUndefined();
    expect(await store.load({ owner: 'admin', areaId: 13 })).toBeUndefined();
    expect((await store.load({ owner: 'officer', areaId: 13 }))?.photos.map((p) => p.uploadKey)).toEqual(['k-area-13-0000001']);
    expect((await store.load({ owner: 'officer', areaId: 12 }))?.photos.map((p) => p.uploadKey)).toEqual(['k-0000000000000001']);
    // A second save replaces the fields, it does not add a draft.
    await store.save(fields({ notes: 'Sửa lại', savedAt: 2 }));
    expect(await store.load({ owner: 'officer', areaId: 12 })).toMatchObject({ notes: 'Sửa lại', savedAt: 2 });
    store.close();
  });

  it('gives the photos back in the order they were picked, without the one removed, with a position that came later', async () => {
    const store = await openInspectionDrafts(new IDBFactory());
    await store.putPhoto(photo({ uploadKey: 'k-late-000000000001', pickedAt: 30 }), fields());
    await store.putPhoto(photo({ uploadKey: 'k-early-00000000001', pickedAt: 10 }), fields());
    await store.putPhoto(photo({ uploadKey: 'k-gone-000000000001', pickedAt: 20 }), fields());
    await store.removePhoto('k-gone-000000000001');
    await store.placePhoto('k-early-00000000001', { lon: 105.64, lat: 10.46, accuracy: 12 });
    await store.placePhoto('k-missing-000000001', { lon: 1, lat: 1, accuracy: 1 });
    const draft = await store.load({ owner: 'officer', areaId: 12 });
    expect(draft?.photos.map((p) => [p.uploadKey, p.position])).toEqual([
      ['k-early-00000000001', { lon: 105.64, lat: 10.46, accuracy: 12 }],
      ['k-late-000000000001', null],
    ]);
    expect(draft!.photos[0]!.bytes.size).toBe(JPEG_BYTES.length);
    store.close();
  });

  it('forgets a draft with its photos, and only that one', async () => {
    const store = await openInspectionDrafts(new IDBFactory());
    await store.putPhoto(photo(), fields());
    await store.putPhoto(photo({ uploadKey: 'k-second-000000001', pickedAt: 2 }), fields());
    await store.putPhoto(photo({ uploadKey: 'k-other-000000001', owner: 'officer2' }), fields({ owner: 'officer2' }));
    await store.remove({ owner: 'officer', areaId: 12 });
    expect(await store.load({ owner: 'officer', areaId: 12 })).toBeUndefined();
    // Its photos went with it: a new draft of the same area starts with none.
    await store.save(fields({ notes: 'Biên bản mới' }));
    expect((await store.load({ owner: 'officer', areaId: 12 }))?.photos).toEqual([]);
    expect((await store.load({ owner: 'officer2', areaId: 12 }))?.photos.map((p) => p.uploadKey)).toEqual(['k-other-000000001']);
    await store.remove({ owner: 'nobody', areaId: 99 });
    store.close();
  });

  it('keeps the mark of an inspection the server recorded, for a tab killed before the photos reached the outbox', async () => {
    const store = await openInspectionDrafts(new IDBFactory());
    await store.putPhoto(photo(), fields());
    await store.save(fields({ recorded: { id: 40, inspectedOn: '2026-03-01' } }));
    expect((await store.load({ owner: 'officer', areaId: 12 }))?.recorded).toEqual({ id: 40, inspectedOn: '2026-03-01' });
    store.close();
  });

  it('fails with a DraftStoreError, never a crash: a closed store, no IndexedDB at all', async () => {
    const store = await openInspectionDrafts(new IDBFactory());
    store.close();
    const refused = await store.save(fields()).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DraftStoreError);
    expect((refused as DraftStoreError).problem).toBe('unavailable');
    const unread = await store.load({ owner: 'officer', areaId: 12 }).catch((error: unknown) => error);
    expect(unread).toBeInstanceOf(DraftStoreError);
    const none = await openInspectionDrafts(undefined).catch((error: unknown) => error);
    expect(none).toBeInstanceOf(DraftStoreError);
    expect((none as DraftStoreError).problem).toBe('unavailable');
  });
});
