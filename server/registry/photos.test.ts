import { describe, expect, it } from 'vitest';
import { jpegWithGeotag, MAX_PHOTO_BYTES, MAX_THUMBNAIL_BYTES } from '../domain/photo-facts.ts';
import { checkPhoto, checkThumbnail, idempotencyKey, resolveStored, thumbnailPath } from './photos.ts';

describe('photo uploads', () => {
  it('refuses a type that the bytes contradict, with a stable code', () => {
    expect(() => checkPhoto(jpegWithGeotag(1, 1, '2026:01:01 00:00:00'), 'image/png')).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_MEDIA_TYPE' }),
    );
    expect(checkPhoto(jpegWithGeotag(1, 1, '2026:01:01 00:00:00'), 'image/jpeg; charset=binary')).toBe('image/jpeg');
  });

  it('refuses an empty file, one over the limit and a non-image with their stable codes', () => {
    const refusal = (bytes: Uint8Array): unknown => {
      try {
        return checkPhoto(bytes, undefined);
      } catch (error) {
        return (error as { code?: string }).code;
      }
    };
    expect(refusal(new Uint8Array(0))).toBe('VALIDATION_FAILED');
    expect(refusal(new Uint8Array(MAX_PHOTO_BYTES + 1).fill(0xff))).toBe('PAYLOAD_TOO_LARGE');
    expect(refusal(new TextEncoder().encode('GIF89a'))).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('takes as a small version only a JPEG of at most 200 KB, refusing the rest with stable codes', () => {
    const jpeg = jpegWithGeotag(1, 1, '2026:01:01 00:00:00');
    const refusal = (bytes: Uint8Array, declared?: string): unknown => {
      try {
        return checkThumbnail(bytes, declared);
      } catch (error) {
        return (error as { code?: string }).code;
      }
    };
    expect(refusal(jpeg, 'image/jpeg')).toBeUndefined();
    expect(refusal(jpeg, 'image/png')).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(refusal(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), 'image/jpeg')).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(refusal(new Uint8Array(0))).toBe('VALIDATION_FAILED');
    expect(refusal(new Uint8Array(MAX_THUMBNAIL_BYTES + 1).fill(0xff))).toBe('PAYLOAD_TOO_LARGE');
  });

  it('names the small version after its photo, beside it, whatever the photo’s type', () => {
    expect(thumbnailPath('inspections/7/0a1b2c.jpg')).toBe('inspections/7/0a1b2c.thumb.jpg');
    expect(thumbnailPath('inspections/7/0a1b2c.webp')).toBe('inspections/7/0a1b2c.thumb.jpg');
  });

  it('never resolves a stored path outside the upload folder', () => {
    expect(resolveStored('/srv/uploads', 'inspections/1/a.jpg')).toBe('/srv/uploads/inspections/1/a.jpg');
    expect(() => resolveStored('/srv/uploads', '../../etc/passwd')).toThrow();
  });

  it('reads an Idempotency-Key bare or quoted, none as null, and refuses any other shape with its reason', () => {
    const uuid = '0b6f1c1e-8a57-4c0e-9d1b-3f2a5e7c9d10';
    expect(idempotencyKey(undefined)).toBeNull();
    expect(idempotencyKey(uuid)).toBe(uuid);
    expect(idempotencyKey(`"${uuid}"`)).toBe(uuid);
    for (const bad of ['', 'short', `${uuid}, ${uuid}`, `"${uuid}`, 'x'.repeat(65), [uuid, uuid]]) {
      expect(() => idempotencyKey(bad), JSON.stringify(bad)).toThrow(
        expect.objectContaining({ code: 'BAD_REQUEST', details: { reason: 'idempotency-key-shape' } }),
      );
    }
  });
});
