// The web client's outbox of inspection photos (web/src/registration/photo-outbox.ts) against the real
// server (app.inject) on both databases, with the phone's IndexedDB played by fake-indexeddb: a photo
// whose answer was lost after the server stored it is kept on the phone, sent again after a "reload"
// under the key of its first attempt, answered 200 (the photo stored the first time) and forgotten;
// the database holds one row and the upload folder one file. Another officer on the same phone sends
// nothing of it; a refusal by the server is kept for the officer to see, not retried by itself.
import fs from 'node:fs/promises';
import path from 'node:path';
import { IDBFactory } from 'fake-indexeddb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jpegWithGeotag } from '../../server/domain/photo-facts.ts';
import { HttpError } from '../../web/src/api/http.ts';
import { PhotoOutbox, type NewPhoto, type OutboxNetwork } from '../../web/src/registration/photo-outbox.ts';
import { openPhotoStore, type PhotoStore } from '../../web/src/storage/photo-store.ts';
import { inspectionOfNewArea } from '../fixtures/registry.ts';
import { useRegistryApp } from '../helpers/registry-app.ts';

const reg = useRegistryApp();
let areaId: number;
let inspectionId: number;
const closing: { close(): void }[] = [];

beforeAll(async () => {
  const officer = reg.as(reg.fx.users.officer);
  ({ areaId, inspectionId } = await inspectionOfNewArea(reg.app, reg.db, reg.fx, officer, 'Vùng rau thử hộp thư ảnh', 4000));
});

afterAll(async () => {
  for (const item of closing) item.close();
});

/** The wire to the real server as `userId`; `loseAnswers` answers are lost on the way back (after the server acted). */
function toServer(userId: number, loseAnswers = 0): OutboxNetwork & { statuses: number[] } {
  const statuses: number[] = [];
  let lose = loseAnswers;
  return {
    statuses,
    online: () => true,
    async post(url, photo, headers, progress) {
      const res = await reg.app.inject({
        method: 'POST',
        url,
        headers: { ...headers, ...reg.as(userId) },
        payload: Buffer.from(await photo.bytes.arrayBuffer()),
      });
      progress(photo.bytes.size);
      statuses.push(res.statusCode);
      if (lose-- > 0) throw new HttpError(0, 'offline', undefined, undefined);
      const body = String(res.headers['content-type'] ?? '').includes('json') ? (res.json() as Record<string, unknown>) : undefined;
      return { status: res.statusCode, body, location: (res.headers.location as string | undefined) ?? null };
    },
    // No canvas in Node: the small version is the browser tests' business.
    thumbnail: async () => undefined,
  };
}

async function pageOn(phone: IDBFactory, network: OutboxNetwork): Promise<{ outbox: PhotoOutbox; store: PhotoStore }> {
  const store = await openPhotoStore(phone);
  const outbox = new PhotoOutbox(Promise.resolve(store), network);
  closing.push(store, outbox);
  return { outbox, store };
}

async function rowsUnder(key: string): Promise<{ id: number; file_path: string }[]> {
  return (
    await reg.db.query<{ id: number; file_path: string }>('SELECT id, file_path FROM inspection_photos WHERE idempotency_key = $1', [key])
  ).rows;
}

const photo = (key: string, lon: number): NewPhoto => ({
  uploadKey: key,
  name: `${key}.jpg`,
  type: 'image/jpeg',
  lastModified: Date.parse('2026-02-05T00:30:00Z'),
  bytes: new Blob([new Uint8Array(jpegWithGeotag(lon, 10.46, '2026:02:05 07:00:00'))], { type: 'image/jpeg' }),
  geotag: { lon, lat: 10.46, takenAt: '2026-02-05T00:00:00Z' },
  position: Promise.resolve(null),
});

describe('the outbox of inspection photos against the registry', () => {
  it('a photo whose answer was lost is sent again after a reload under its first key and stored once', async () => {
    const phone = new IDBFactory();
    const key = 'outbox-lost-answer-0001';
    const first = await pageOn(phone, toServer(reg.fx.users.officer, 1));
    await first.outbox.setViewer({ username: 'reg.officer', csrf: null });
    await first.outbox.add({ id: inspectionId, inspectedOn: '2026-02-05', areaId }, [photo(key, 105.66)]);
    expect(first.outbox.unsent()[0]).toMatchObject({ state: 'failed', refusal: 'offline', kept: true });
    expect(await rowsUnder(key)).toHaveLength(1); // the server has it; the phone does not know
    expect(await first.store.count()).toBe(1);

    const wire = toServer(reg.fx.users.officer);
    const again = await pageOn(phone, wire);
    await again.outbox.setViewer({ username: 'reg.officer', csrf: null });
    await again.outbox.send();
    expect(wire.statuses).toEqual([200]);
    expect(await again.store.count()).toBe(0);
    const rows = await rowsUnder(key);
    expect(rows).toHaveLength(1);
    const folder = path.join(reg.uploadDir, path.dirname(rows[0]!.file_path));
    expect(await fs.readdir(folder)).toEqual([path.basename(rows[0]!.file_path)]);
  });

  it("another officer on the same phone sends nothing of the first one's photos; their owner does, later", async () => {
    const phone = new IDBFactory();
    const key = 'outbox-shared-phone-01';
    const offline = await pageOn(phone, { ...toServer(reg.fx.users.officer), online: () => false });
    await offline.outbox.setViewer({ username: 'reg.officer', csrf: null });
    await offline.outbox.add({ id: inspectionId, inspectedOn: '2026-02-05', areaId }, [photo(key, 105.67)]);
    await offline.outbox.setViewer(undefined);

    const other = toServer(reg.fx.users.officerElsewhere);
    const theirs = await pageOn(phone, other);
    await theirs.outbox.setViewer({ username: 'reg.officer2', csrf: null });
    await theirs.outbox.send();
    expect(other.statuses).toEqual([]);
    expect(theirs.outbox.unsent()).toEqual([]);
    expect(await rowsUnder(key)).toEqual([]);

    const owner = toServer(reg.fx.users.officer);
    const back = await pageOn(phone, owner);
    await back.outbox.setViewer({ username: 'reg.officer', csrf: null });
    await back.outbox.send();
    expect(owner.statuses).toEqual([201]);
    expect(await rowsUnder(key)).toHaveLength(1);
    expect(await back.store.count()).toBe(0);
  });

  it('a refusal (an inspection the server does not hold) stays on the phone, worded, and is not sent again by itself', async () => {
    const wire = toServer(reg.fx.users.officer);
    const { outbox, store } = await pageOn(new IDBFactory(), wire);
    await outbox.setViewer({ username: 'reg.officer', csrf: null });
    await outbox.add({ id: 99_999_999, inspectedOn: '2026-02-05', areaId }, [photo('outbox-gone-inspection1', 105.68)]);
    expect(outbox.unsent()[0]).toMatchObject({ state: 'failed', refusal: 'gone' });
    expect(outbox.unsent()[0]!.problem).toMatchObject({ status: 404 });
    outbox.online();
    await outbox.send();
    expect(wire.statuses).toEqual([404]);
    expect(await store.count()).toBe(1);
  });
});
