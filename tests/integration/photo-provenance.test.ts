// An inspection photo keeps where its position and time came from (migration 014): the camera's
// EXIF (`photo`), or what the phone sent beside a photo without its own, its position (`device`) and
// the file's last-modified time (`file`). Positions print rounded to 7 decimals, old rows too. A
// client cannot name the source itself; hostile query values are 4xx problems that write nothing.
import fs from 'node:fs/promises';
import path from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { beforeAll, describe, expect, it } from 'vitest';
import { IDEMPOTENCY_KEY_HEADER, InspectionPhoto } from '../../server/contracts/registry.ts';
import { jpegWithGeotag } from '../../server/domain/photo-facts.ts';
import { inspectionOfNewArea } from '../fixtures/registry.ts';
import { useRegistryApp } from '../helpers/registry-app.ts';

const reg = useRegistryApp();
let officer: Record<string, string>;
let areaId: number;
let inspectionId: number;

// Summed from degrees, minutes and seconds, these EXIF values are 105.66812300000001 and 10.466009999999999.
const exifJpeg = Buffer.from(jpegWithGeotag(105.668123, 10.46601, '2026:02:05 08:30:00'));
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

type Row = {
  id: number;
  lon: number | null;
  lat: number | null;
  taken_at: string | null;
  position_source: string | null;
  taken_at_source: string | null;
};

beforeAll(async () => {
  officer = reg.as(reg.fx.users.officer);
  ({ areaId, inspectionId } = await inspectionOfNewArea(reg.app, reg.db, reg.fx, officer, 'Vùng rau thử nguồn vị trí ảnh', 3000));
});

/** Posts a photo; its status, the answer's photo object for the stored photo (by Location) and the raw body. */
async function upload(
  body: Buffer,
  type: string,
  query = '',
  key?: string,
): Promise<{ status: number; photo: Record<string, unknown> | undefined; raw: string }> {
  const res = await reg.app.inject({
    method: 'POST',
    url: `/api/inspections/${inspectionId}/photos${query}`,
    headers: { ...officer, 'content-type': type, ...(key ? { [IDEMPOTENCY_KEY_HEADER]: key } : {}) },
    payload: body,
  });
  const id = Number(/\/photos\/(\d+)$/.exec(String(res.headers.location ?? ''))?.[1]);
  const photos = res.statusCode < 300 ? (res.json().photos as Record<string, unknown>[]) : [];
  return { status: res.statusCode, photo: photos.find((p) => p.id === id), raw: res.body };
}

async function row(id: unknown): Promise<Row> {
  const { rows } = await reg.db.query<Row>(
    `SELECT id, ST_X(geom) lon, ST_Y(geom) lat, taken_at::text, position_source, taken_at_source FROM inspection_photos WHERE id = $1`,
    [id],
  );
  return rows[0]!;
}

async function photoCount(): Promise<number> {
  return (await reg.db.query('SELECT 1 FROM inspection_photos WHERE inspection_id = $1', [inspectionId])).rowCount ?? 0;
}

describe('where an inspection photo’s position and time came from', () => {
  it('a JPEG with EXIF GPS and capture time is stored as the photo’s own, its degrees rounded to 7 decimals', async () => {
    const up = await upload(exifJpeg, 'image/jpeg');
    expect(up.status, up.raw).toBe(201);
    const stored = await row(up.photo?.id);
    expect(stored).toMatchObject({ position_source: 'photo', taken_at_source: 'photo' });
    expect([stored.lon, stored.lat]).toEqual([105.668123, 10.46601]);
    expect(new Date(stored.taken_at!).toISOString()).toBe('2026-02-05T01:30:00.000Z');
    expect(up.photo).toMatchObject({ lon: 105.668123, lat: 10.46601, positionSource: 'photo', takenAtSource: 'photo' });
    expect(new Date(String(up.photo?.takenAt)).toISOString()).toBe('2026-02-05T01:30:00.000Z');
    expect(up.raw).not.toMatch(/\d\.\d{8,}/); // no float noise anywhere in the answer
    expect(Value.Check(InspectionPhoto, up.photo)).toBe(true);
  });

  it('the same JPEG with lon, lat and takenAt in the query is stored with the phone’s position and the file’s time', async () => {
    const up = await upload(exifJpeg, 'image/jpeg', '?lon=105.6321457&lat=10.4567891&takenAt=2026-02-05T02%3A15%3A00.000Z');
    expect(up.status, up.raw).toBe(201);
    const stored = await row(up.photo?.id);
    expect(stored).toMatchObject({ lon: 105.6321457, lat: 10.4567891, position_source: 'device', taken_at_source: 'file' });
    expect(new Date(stored.taken_at!).toISOString()).toBe('2026-02-05T02:15:00.000Z');
    expect(up.photo).toMatchObject({ lon: 105.6321457, lat: 10.4567891, positionSource: 'device', takenAtSource: 'file' });
    expect(Value.Check(InspectionPhoto, up.photo)).toBe(true);
  });

  it('each source stands alone: a JPEG’s own GPS with the file’s time, a PNG with only the phone’s position', async () => {
    const timed = await upload(exifJpeg, 'image/jpeg', '?takenAt=2026-02-05T03%3A00%3A00Z');
    expect(await row(timed.photo?.id)).toMatchObject({ lon: 105.668123, position_source: 'photo', taken_at_source: 'file' });
    const placed = await upload(png, 'image/png', '?lon=105.6&lat=10.45');
    expect(await row(placed.photo?.id)).toMatchObject({ lon: 105.6, taken_at: null, position_source: 'device', taken_at_source: null });
    expect(placed.photo).toMatchObject({ lon: 105.6, lat: 10.45, positionSource: 'device', takenAt: null, takenAtSource: null });
  });

  it('a PNG without anything has neither a position nor a time, and no source for either', async () => {
    const up = await upload(png, 'image/png');
    expect(up.status, up.raw).toBe(201);
    expect(await row(up.photo?.id)).toMatchObject({ lon: null, lat: null, taken_at: null, position_source: null, taken_at_source: null });
    expect(up.photo).toMatchObject({ lon: null, lat: null, takenAt: null, positionSource: null, takenAtSource: null });
    expect(Value.Check(InspectionPhoto, up.photo)).toBe(true);
  });

  it('a retry under its Idempotency-Key keeps the sources of the first attempt', async () => {
    const key = 'provenance-retry-0001';
    const first = await upload(exifJpeg, 'image/jpeg', '', key);
    expect(first.status).toBe(201);
    const again = await upload(exifJpeg, 'image/jpeg', '?lon=105.6&lat=10.45&takenAt=2026-02-05T04%3A00%3A00Z', key);
    expect(again.status).toBe(200);
    expect(again.photo).toMatchObject({ id: first.photo?.id, lon: 105.668123, positionSource: 'photo', takenAtSource: 'photo' });
  });

  it('a photo stored before sources were kept prints its position rounded and says no source', async () => {
    // As an old row stands: the EXIF degrees unrounded, no source columns written.
    const { rows } = await reg.db.query<{ id: number }>(
      `INSERT INTO inspection_photos (inspection_id, file_path, mime, bytes, taken_at, geom)
       VALUES ($1, 'inspections/old.jpg', 'image/jpeg', 1000, '2025-12-01T08:00:00+07', ST_SetSRID(ST_MakePoint(105.66812300000001, 10.466009999999999), 4326))
       RETURNING id`,
      [inspectionId],
    );
    const id = rows[0]!.id;
    const one = await reg.app.inject({ url: `/api/inspections/${inspectionId}`, headers: officer });
    const list = await reg.app.inject({ url: `/api/growing-areas/${areaId}/inspections`, headers: officer });
    for (const res of [one, list]) {
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toMatch(/\d\.\d{8,}/);
    }
    const old = (one.json().photos as { id: number }[]).find((p) => p.id === id);
    expect(old).toMatchObject({ lon: 105.668123, lat: 10.46601, positionSource: null, takenAtSource: null });
    expect(Value.Check(InspectionPhoto, old)).toBe(true);
  });

  it('the database takes only the known sources, and a source only beside a value', async () => {
    const insert = (geom: string, takenAt: string | null, positionSource: string | null, takenAtSource: string | null) =>
      reg.db.query(
        `INSERT INTO inspection_photos (inspection_id, file_path, mime, bytes, taken_at, geom, position_source, taken_at_source)
         VALUES ($1, 'inspections/x.jpg', 'image/jpeg', 1000, $2::timestamptz, ${geom}, $3, $4)`,
        [inspectionId, takenAt, positionSource, takenAtSource],
      );
    const point = 'ST_SetSRID(ST_MakePoint(105.6, 10.45), 4326)';
    const before = await photoCount();
    await expect(insert(point, null, 'gps', null)).rejects.toThrow(/check constraint/);
    await expect(insert(point, '2026-02-05T08:00:00+07', null, 'device')).rejects.toThrow(/check constraint/);
    await expect(insert('NULL', null, 'photo', null)).rejects.toThrow(/inspection_photos_position_source_has_position/);
    await expect(insert(point, null, null, 'file')).rejects.toThrow(/inspection_photos_taken_at_source_has_time/);
    expect(await photoCount()).toBe(before);
  });

  it('a source named in the query is not taken: the row says what was sent', async () => {
    // The API drops query names it does not know (as everywhere), so a client cannot call the phone's position the camera's.
    const up = await upload(
      png,
      'image/png',
      '?lon=105.6&lat=10.45&takenAt=2026-02-05T03%3A00%3A00Z&positionSource=photo&takenAtSource=photo',
    );
    expect(up.status, up.raw).toBe(201);
    expect(await row(up.photo?.id)).toMatchObject({ position_source: 'device', taken_at_source: 'file' });
  });

  it('refuses hostile query values with a 4xx problem and writes nothing', async () => {
    const before = await photoCount();
    const files = await fs.readdir(path.join(reg.uploadDir, 'inspections', String(inspectionId)));
    for (const query of [
      '?lon=abc&lat=10.45',
      '?lon=105.6&lat=NaN',
      '?lon=Infinity&lat=10.45',
      '?lon=180.0000001&lat=10.45',
      '?lon=105.6&lat=-90.5',
      '?lon=105.6',
      '?lat=10.45',
      '?lon=105.6&lon=105.7&lat=10.45',
      '?takenAt=yesterday',
      '?takenAt=2026-02-30T08%3A00%3A00Z',
      `?takenAt=2026-02-05T08%3A00%3A00.${'0'.repeat(40)}Z`,
      '?takenAt=%00',
    ]) {
      const res = await reg.app.inject({
        method: 'POST',
        url: `/api/inspections/${inspectionId}/photos${query}`,
        headers: { ...officer, 'content-type': 'image/jpeg' },
        payload: exifJpeg,
      });
      expect(res.statusCode, `${query}: ${res.body}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, query).toBeLessThan(500);
      expect(res.headers['content-type'], query).toContain('application/problem+json');
    }
    expect(await photoCount()).toBe(before);
    expect(await fs.readdir(path.join(reg.uploadDir, 'inspections', String(inspectionId)))).toEqual(files);
  });
});
