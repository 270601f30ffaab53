import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpError } from '../api/http.ts';
import { openPhotoStore, type PhotoStore } from '../storage/photo-store.ts';
import { PhotoOutbox, retriesByItself, retryDelayMs, type NewPhoto, type OutboxNetwork, type PhotoAnswer } from './photo-outbox.ts';

// The outbox on a real IndexedDB implementation (fake-indexeddb) with the network handed in: each
// test scripts what the wire answers (an HTTP status, or no answer at all), as a phone in the orchard
// meets it. The server's side of a replayed key is tested against the real server in
// tests/integration/photo-outbox.test.ts.

type Sent = { url: string; key: string; csrf: string | undefined; bytes: number[] };

/** The wire: answers in turn (a status, or 'offline'), recording what was sent. */
function wire(answers: (number | 'offline')[]): OutboxNetwork & { sent: Sent[]; online: () => boolean; setOnline(on: boolean): void } {
  const sent: Sent[] = [];
  let online = true;
  let photoIds = 100;
  return {
    sent,
    setOnline: (on) => {
      online = on;
    },
    online: () => online,
    async post(url, photo, headers, progress): Promise<PhotoAnswer> {
      sent.push({
        url,
        key: headers['Idempotency-Key']!,
        csrf: headers['X-CSRF-Token'],
        bytes: [...new Uint8Array(await photo.bytes.arrayBuffer())],
      });
      progress(photo.bytes.size);
      const answer = answers.shift() ?? 201;
      if (answer === 'offline') throw new HttpError(0, 'offline', undefined, undefined);
      if (answer >= 200 && answer < 300) {
        const id = photoIds++;
        return {
          status: answer,
          body: { id: photo.inspectionId, photos: [{ id }] },
          location: `/api/inspections/${photo.inspectionId}/photos/${id}`,
        };
      }
      return { status: answer, body: { status: answer, detail: 'refused', reason: 'x' }, location: null };
    },
    thumbnail: async () => undefined,
  };
}

const jpeg = (n: number) => new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, n])], { type: 'image/jpeg' });
const newPhoto = (n: number, position: NewPhoto['position'] = Promise.resolve({ lon: 105.6, lat: 10.4, accuracy: 8 })): NewPhoto => ({
  uploadKey: `key-${String(n).padStart(14, '0')}`,
  name: `anh-${n}.jpg`,
  type: 'image/jpeg',
  lastModified: 1_772_300_000_000,
  bytes: jpeg(n),
  geotag: null,
  position,
});
const inspection = { id: 40, inspectedOn: '2026-03-01', areaId: 12 };
const officer = { username: 'officer', csrf: 'csrf-a' };

const opened: { outboxes: PhotoOutbox[]; stores: PhotoStore[] } = { outboxes: [], stores: [] };
afterEach(() => {
  for (const outbox of opened.outboxes.splice(0)) outbox.close();
  for (const store of opened.stores.splice(0)) store.close();
});

/** A page: an outbox on the phone's store (the same factory is the same phone across reloads). */
async function page(factory: IDBFactory, network: OutboxNetwork): Promise<{ outbox: PhotoOutbox; store: PhotoStore }> {
  const store = await openPhotoStore(factory);
  const outbox = new PhotoOutbox(Promise.resolve(store), network);
  opened.outboxes.push(outbox);
  opened.stores.push(store);
  return { outbox, store };
}

describe('the outbox of inspection photos', () => {
  it('keeps a photo that could not be sent, and after a reload sends it under the key of its first attempt, then forgets it', async () => {
    const phone = new IDBFactory();
    const net = wire(['offline']);
    const first = await page(phone, net);
    await first.outbox.setViewer(officer);
    await first.outbox.add(inspection, [newPhoto(1)]);
    const [failed] = first.outbox.photosOf(12);
    expect(failed).toMatchObject({ state: 'failed', refusal: 'offline', kept: true });
    expect((await first.store.listOf('officer')).map((p) => p.uploadKey)).toEqual(['key-00000000000001']);

    // The tab is killed; the officer opens the app again, signed in as before.
    const again = await page(phone, net);
    let shownWaiting = 0;
    again.outbox.subscribe((event) => {
      if (event.kind === 'changed')
        shownWaiting = Math.max(shownWaiting, again.outbox.photosOf(12).filter((p) => p.state === 'waiting').length);
    });
    await again.outbox.setViewer({ username: 'officer', csrf: 'csrf-b' });
    await again.outbox.send();
    expect(shownWaiting).toBe(1);
    expect(net.sent.map((s) => s.key)).toEqual(['key-00000000000001', 'key-00000000000001']);
    expect(net.sent[1]).toMatchObject({ csrf: 'csrf-b', bytes: [0xff, 0xd8, 0xff, 0xe0, 1] });
    // The same query both times: the phone's position kept with the photo.
    expect(net.sent[1]!.url).toBe(net.sent[0]!.url);
    expect(net.sent[1]!.url).toContain('lon=105.6000000&lat=10.4000000');
    expect(await again.store.listOf('officer')).toEqual([]);
    expect(again.outbox.photosOf(12)).toEqual([]);
  });

  it('forgets a photo only on a 2xx: a failing server keeps it, the replay of its key (200) lets it go', async () => {
    const net = wire([503, 200]);
    const { outbox, store } = await page(new IDBFactory(), net);
    await outbox.setViewer(officer);
    const done: number[] = [];
    outbox.subscribe((event) => {
      if (event.kind === 'inspection-done') done.push(event.count);
    });
    await outbox.add(inspection, [newPhoto(2)]);
    expect(outbox.photosOf(12)[0]).toMatchObject({ state: 'failed', refusal: 'server' });
    expect(await store.count()).toBe(1);
    outbox.retryFailed();
    await outbox.send();
    expect(await store.count()).toBe(0);
    expect(done).toEqual([1]);
  });

  it('does not retry by itself what the server refused for the photo or the officer; the officer may drop it', async () => {
    const net = wire([403]);
    const { outbox, store } = await page(new IDBFactory(), net);
    await outbox.setViewer(officer);
    await outbox.add(inspection, [newPhoto(3)]);
    const [refused] = outbox.photosOf(12);
    expect(refused).toMatchObject({ state: 'failed', refusal: 'forbidden' });
    outbox.online();
    await outbox.send();
    expect(net.sent).toHaveLength(1);
    expect(await store.count()).toBe(1);
    await outbox.drop(refused!);
    expect(await store.count()).toBe(0);
    expect(outbox.unsent()).toEqual([]);
  });

  it('waits for the connection instead of trying while the browser says it is offline, and goes when it is back', async () => {
    const net = wire([]);
    net.setOnline(false);
    const { outbox, store } = await page(new IDBFactory(), net);
    await outbox.setViewer(officer);
    await outbox.add(inspection, [newPhoto(4), newPhoto(5)]);
    expect(net.sent).toEqual([]);
    expect(outbox.unsent().map((p) => p.refusal)).toEqual(['offline', 'offline']);
    net.setOnline(true);
    outbox.online();
    await outbox.send();
    expect(net.sent.map((s) => s.key)).toEqual(['key-00000000000004', 'key-00000000000005']);
    expect(await store.count()).toBe(0);
  });

  it('on a shared phone, another officer neither sees nor sends the first one’s photos; they wait for their owner', async () => {
    const phone = new IDBFactory();
    const net = wire(['offline']);
    const { outbox, store } = await page(phone, net);
    await outbox.setViewer(officer);
    await outbox.add(inspection, [newPhoto(6)]);
    await outbox.setViewer(undefined); // sign-out: an unsent photo is evidence; it stays on the phone under its owner
    expect(outbox.unsent()).toEqual([]);
    expect(await store.count()).toBe(1);
    await outbox.setViewer({ username: 'officer2', csrf: 'csrf-other' });
    await outbox.send();
    expect(outbox.unsent()).toEqual([]);
    expect(net.sent).toHaveLength(1);
    await outbox.setViewer(officer);
    await outbox.send();
    expect(net.sent.map((s) => s.csrf)).toEqual(['csrf-a', 'csrf-a']);
    expect(await store.count()).toBe(0);
  });

  it('at sign-out forgets a photo the server confirmed whose record the page had no time to remove', async () => {
    const phone = new IDBFactory();
    const { store } = await page(phone, wire([]));
    const kept = { ...newPhoto(7), owner: 'officer', areaId: 12, inspectionId: 40, inspectedOn: '2026-03-01', position: null, queuedAt: 1 };
    await store.put({ ...kept, sentPhotoId: 501 });
    await store.put({ ...kept, uploadKey: 'key-unsent-000008', sentPhotoId: undefined });
    const net = wire(['offline']);
    const { outbox } = await page(phone, net);
    await outbox.setViewer(officer);
    await outbox.send();
    // The confirmed one is not sent again; the other is tried (and fails: no signal).
    expect(net.sent.map((s) => s.key)).toEqual(['key-unsent-000008']);
    await outbox.setViewer(undefined);
    expect((await store.listOf('officer')).map((p) => p.uploadKey)).toEqual(['key-unsent-000008']);
  });

  it('sends from memory a photo the phone could not keep, and says a reload would lose it until it is sent', async () => {
    const store = await openPhotoStore(new IDBFactory());
    store.close(); // any failure of the store: a full phone, a private window
    const net = wire(['offline']);
    const outbox = new PhotoOutbox(Promise.resolve(store), net);
    opened.outboxes.push(outbox);
    await outbox.setViewer(officer);
    await outbox.add(inspection, [newPhoto(9)]);
    expect(outbox.storageProblem).toBe('unavailable');
    expect(outbox.photosOf(12)[0]).toMatchObject({ kept: false, state: 'failed' });
    expect(outbox.wouldLoseOnReload()).toBe(true);
    outbox.retryFailed();
    await outbox.send();
    expect(outbox.wouldLoseOnReload()).toBe(false);
    expect(outbox.storageProblem).toBeUndefined();
    expect(net.sent).toHaveLength(2);
  });

  it('keeps a photo at once when the phone has not yet said where it is, and adds the position when it comes', async () => {
    let answer: (where: { lon: number; lat: number; accuracy: number }) => void = () => undefined;
    const later = new Promise<{ lon: number; lat: number; accuracy: number }>((resolve) => (answer = resolve));
    const net = wire(['offline']);
    const { outbox, store } = await page(new IDBFactory(), net);
    await outbox.setViewer(officer);
    await outbox.add(inspection, [newPhoto(10, later)]);
    expect((await store.listOf('officer'))[0]!.position).toBeNull();
    answer({ lon: 105.65, lat: 10.45, accuracy: 20 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await store.listOf('officer'))[0]!.position).toEqual({ lon: 105.65, lat: 10.45, accuracy: 20 });
  });

  it('keeps on the phone a photo refused for an ended session (401), and sends it once its owner has signed in again', async () => {
    const net = wire([401]);
    const { outbox, store } = await page(new IDBFactory(), net);
    await outbox.setViewer(officer);
    await outbox.add(inspection, [newPhoto(12)]);
    expect(outbox.photosOf(12)[0]).toMatchObject({ state: 'failed', refusal: 'signed-out' });
    // The page shows a guest: the photo leaves the page, not the phone.
    await outbox.setViewer(undefined);
    expect(outbox.unsent()).toEqual([]);
    expect((await store.listOf('officer')).map((p) => p.uploadKey)).toEqual([newPhoto(12).uploadKey]);
    // Signed in again (a new session, a new token): sent under the key of its first attempt, then forgotten.
    await outbox.setViewer({ username: 'officer', csrf: 'csrf-b' });
    await outbox.send();
    expect(net.sent.map((s) => [s.key, s.csrf])).toEqual([
      [newPhoto(12).uploadKey, 'csrf-a'],
      [newPhoto(12).uploadKey, 'csrf-b'],
    ]);
    expect(outbox.unsent()).toEqual([]);
    expect(await store.count()).toBe(0);
  });

  it('holds in memory for its owner a photo the phone could not keep when their session ends; nobody else sees or sends it', async () => {
    const store = await openPhotoStore(new IDBFactory());
    store.close(); // a full phone: the photo lives only in the page
    const net = wire([401]);
    const outbox = new PhotoOutbox(Promise.resolve(store), net);
    opened.outboxes.push(outbox);
    await outbox.setViewer(officer);
    await outbox.add(inspection, [newPhoto(13)]);
    expect(outbox.photosOf(12)[0]).toMatchObject({ kept: false, state: 'failed', refusal: 'signed-out' });
    await outbox.setViewer(undefined);
    expect(outbox.unsent()).toEqual([]);
    // Still only in memory: leaving the page would lose it.
    expect(outbox.wouldLoseOnReload()).toBe(true);
    await outbox.setViewer({ username: 'officer2', csrf: 'csrf-other' });
    await outbox.send();
    expect(outbox.unsent()).toEqual([]);
    expect(net.sent).toHaveLength(1);
    await outbox.setViewer(undefined);
    await outbox.setViewer({ username: 'officer', csrf: 'csrf-b' });
    await outbox.send();
    expect(net.sent.map((s) => [s.key, s.csrf])).toEqual([
      [newPhoto(13).uploadKey, 'csrf-a'],
      [newPhoto(13).uploadKey, 'csrf-b'],
    ]);
    expect(outbox.unsent()).toEqual([]);
    expect(outbox.wouldLoseOnReload()).toBe(false);
  });

  it('reads the kept photos of the officer who signs in even when a section hands over a fresh token meanwhile', async () => {
    const phone = new IDBFactory();
    const first = await page(phone, wire(['offline']));
    await first.outbox.setViewer(officer);
    await first.outbox.add(inspection, [newPhoto(14)]);
    const net = wire([]);
    const { outbox, store } = await page(phone, net);
    // Signed in again: the app names the officer, and the area's section, asking who is signed in,
    // hands over the token before the phone has been read.
    const reading = outbox.setViewer({ username: 'officer', csrf: 'csrf-b' });
    outbox.setToken('officer', 'csrf-c');
    await reading;
    await outbox.send();
    expect(net.sent.map((s) => [s.key, s.csrf])).toEqual([[newPhoto(14).uploadKey, 'csrf-c']]);
    expect(await store.count()).toBe(0);
  });

  it('refuses photos when no one is signed in to own them', async () => {
    const { outbox } = await page(new IDBFactory(), wire([]));
    await expect(outbox.add(inspection, [newPhoto(11)])).rejects.toThrow(/signed in/);
  });
});

describe('when the outbox tries again by itself', () => {
  it('tries again for a lost connection or a failing server, not for a refusal of the photo or of the officer', () => {
    expect(retriesByItself('offline')).toBe(true);
    expect(retriesByItself('server')).toBe(true);
    for (const refusal of ['signed-out', 'forbidden', 'gone', 'not-allowed', 'not-image', 'too-large', 'invalid'] as const) {
      expect(retriesByItself(refusal), refusal).toBe(false);
    }
  });

  it('waits 10 s, then twice as long each time, at most 5 minutes', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 12].map(retryDelayMs)).toEqual([10_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
  });
});
