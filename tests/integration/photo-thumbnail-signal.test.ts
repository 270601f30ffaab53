// GET /api/inspections/:id/photos/:photoId?size=thumb says in its Photo-Thumbnail header whether the body
// is the small version (`present`) or the photo itself because none is stored (`missing`), so the web
// client makes the missing one instead of guessing from sizes. Hostile and refused requests carry no
// such header (it would tell an outsider whether a small version exists) and are 4xx problems.
import fs from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PHOTO_THUMBNAIL_HEADER } from '../../server/contracts/registry.ts';
import { jpegWithGeotag } from '../../server/domain/photo-facts.ts';
import { inspectionOfNewArea } from '../fixtures/registry.ts';
import { useRegistryApp } from '../helpers/registry-app.ts';

const HEADER = PHOTO_THUMBNAIL_HEADER.toLowerCase();
const reg = useRegistryApp();
let officer: Record<string, string>;
let inspectionId: number;

const photo = Buffer.from(jpegWithGeotag(105.66, 10.46, '2026:02:05 07:00:00'));
// Any JPEG by its bytes is taken as the small version; the phone's canvas makes a real one.
const small = Buffer.from(jpegWithGeotag(105.61, 10.41, '2026:02:05 07:01:00'));

beforeAll(async () => {
  officer = reg.as(reg.fx.users.officer);
  ({ inspectionId } = await inspectionOfNewArea(reg.app, reg.db, reg.fx, officer, 'Vùng rau thử ảnh nhỏ', 3000));
});

/** A new photo of the inspection, with no small version yet: its URL and the files it has (or would have). */
async function newPhoto(): Promise<{ url: string; file: string; thumbFile: string }> {
  const up = await reg.app.inject({
    method: 'POST',
    url: `/api/inspections/${inspectionId}/photos`,
    headers: { ...officer, 'content-type': 'image/jpeg' },
    payload: photo,
  });
  expect(up.statusCode, up.body).toBe(201);
  const photoId = Number(/\/photos\/(\d+)$/.exec(String(up.headers.location))?.[1]);
  const { file_path } = (await reg.db.query<{ file_path: string }>('SELECT file_path FROM inspection_photos WHERE id = $1', [photoId]))
    .rows[0]!;
  return {
    url: `/api/inspections/${inspectionId}/photos/${photoId}`,
    file: path.join(reg.uploadDir, file_path),
    thumbFile: path.join(reg.uploadDir, file_path.replace(/\.jpg$/, '.thumb.jpg')),
  };
}

const putThumbnail = (url: string, body: Buffer) =>
  reg.app.inject({ method: 'PUT', url: `${url}/thumbnail`, headers: { ...officer, 'content-type': 'image/jpeg' }, payload: body });

describe('the Photo-Thumbnail header of a photo asked for its small version', () => {
  it('says missing while the photo itself stands in (uncached), present once the small version is stored', async () => {
    const { url, thumbFile } = await newPhoto();
    const before = await reg.app.inject({ url: `${url}?size=thumb`, headers: officer });
    expect(before.statusCode).toBe(200);
    expect(before.headers[HEADER]).toBe('missing');
    expect(before.headers['cache-control']).toBe('private, no-store');
    expect(before.rawPayload).toEqual(photo);

    expect((await putThumbnail(url, small)).statusCode).toBe(204);
    const after = await reg.app.inject({ url: `${url}?size=thumb`, headers: officer });
    expect(after.statusCode).toBe(200);
    expect(after.headers[HEADER]).toBe('present');
    expect(after.headers['cache-control']).toBe('private, max-age=3600');
    expect(after.rawPayload).toEqual(small);
    expect(await fs.readFile(thumbFile)).toEqual(small);

    // The photo itself, asked for as such, is no stand-in: no header.
    const full = await reg.app.inject({ url, headers: officer });
    expect(full.statusCode).toBe(200);
    expect(full.headers[HEADER]).toBeUndefined();
    expect(full.rawPayload).toEqual(photo);
  });

  it('follows the disk, not a memory of it: a small version removed by hand makes it missing again', async () => {
    const { url, thumbFile } = await newPhoto();
    expect((await putThumbnail(url, small)).statusCode).toBe(204);
    expect((await reg.app.inject({ url: `${url}?size=thumb`, headers: officer })).headers[HEADER]).toBe('present');
    await fs.rm(thumbFile);
    const res = await reg.app.inject({ url: `${url}?size=thumb`, headers: officer });
    expect(res.headers[HEADER]).toBe('missing');
    expect(res.rawPayload).toEqual(photo);
  });

  it('is answered to HEAD as to GET, with no body', async () => {
    const { url } = await newPhoto();
    const head = await reg.app.inject({ method: 'HEAD', url: `${url}?size=thumb`, headers: officer });
    expect(head.statusCode).toBe(200);
    expect(head.headers[HEADER]).toBe('missing');
    expect(head.rawPayload.length).toBe(0);
  });

  it('cannot be forged by the request: a client sending the header or a parameter of that name gets the truth', async () => {
    const { url } = await newPhoto();
    const res = await reg.app.inject({ url: `${url}?size=thumb`, headers: { ...officer, [PHOTO_THUMBNAIL_HEADER]: 'present' } });
    expect(res.headers[HEADER]).toBe('missing');
    // Nor by the query: an unknown parameter is dropped (the schema's additionalProperties, as Fastify applies it).
    const query = await reg.app.inject({ url: `${url}?size=thumb&thumbnail=present`, headers: officer });
    expect(query.statusCode).toBe(200);
    expect(query.headers[HEADER]).toBe('missing');
  });

  it('is not on refusals: outsiders, malformed queries and ids, and a photo whose file is gone get a 4xx problem without it', async () => {
    const { url, file } = await newPhoto();
    const refusals: [string, Record<string, string>, number][] = [
      [`${url}?size=thumb`, {}, 401],
      [`${url}?size=thumb`, reg.as(reg.fx.users.farmer), 403],
      [`${url}?size=thumb`, reg.as(reg.fx.users.officerElsewhere), 403],
      [`${url}?size=thumb`, reg.as(reg.fx.users.planner), 403],
      [`${url}?size=thumb&size=thumb`, officer, 400],
      [`${url}?size=Thumb`, officer, 400],
      [`${url}?size=thumb%00`, officer, 400],
      [`${url}?size=${'thumb'.repeat(2000)}`, officer, 400],
      [`/api/inspections/${inspectionId}/photos/99999999999999999999999?size=thumb`, officer, 400],
      [`/api/inspections/${inspectionId}/photos/-1?size=thumb`, officer, 400],
      [`/api/inspections/${inspectionId}/photos/..%2F..%2Fetc%2Fpasswd?size=thumb`, officer, 400],
      [`/api/inspections/${inspectionId}/photos/2147483647?size=thumb`, officer, 404],
    ];
    for (const [target, headers, status] of refusals) {
      const res = await reg.app.inject({ url: target, headers });
      expect(res.statusCode, `${target.slice(0, 120)} → ${res.body.slice(0, 200)}`).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.headers[HEADER], target.slice(0, 120)).toBeUndefined();
    }
    // The row is there but its file is not (a disk restored from an older backup): 404, not 500.
    await fs.rm(file);
    const gone = await reg.app.inject({ url: `${url}?size=thumb`, headers: officer });
    expect(gone.statusCode).toBe(404);
    expect(gone.headers['content-type']).toContain('application/problem+json');
    expect(gone.headers[HEADER]).toBeUndefined();
  });
});
