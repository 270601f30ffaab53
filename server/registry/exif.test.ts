import { describe, expect, it } from 'vitest';
import { jpegWithGeotag, readJpegGeotag } from './exif.ts';
import { checkPhoto, resolveStored, sniffImage } from './photos.ts';

describe('EXIF geotags', () => {
  it('reads back the position and local capture time a phone writes', () => {
    const tag = readJpegGeotag(jpegWithGeotag(105.668123, 10.463456, '2026:02:02 08:30:00'));
    expect(tag?.lon).toBeCloseTo(105.668123, 6);
    expect(tag?.lat).toBeCloseTo(10.463456, 6);
    expect(tag?.takenAt).toBe('2026-02-02T08:30:00+07:00');
  });

  it('reads southern and western hemispheres as negative', () => {
    const tag = readJpegGeotag(jpegWithGeotag(-47.9, -15.8, '2026:01:01 00:00:00'));
    expect(tag?.lon).toBeCloseTo(-47.9, 5);
    expect(tag?.lat).toBeCloseTo(-15.8, 5);
  });

  it('returns null for anything truncated or not a JPEG, never throws', () => {
    const good = jpegWithGeotag(105.6, 10.4, '2026:01:01 00:00:00');
    for (let cut = 0; cut < good.length; cut += 7) expect(() => readJpegGeotag(good.subarray(0, cut))).not.toThrow();
    expect(readJpegGeotag(Uint8Array.from([0xff, 0xd8, 0xff, 0xda, 0, 2]))).toBeNull();
    expect(readJpegGeotag(new TextEncoder().encode('not an image'))).toBeNull();
  });
});

describe('photo checks', () => {
  it('recognises images by their first bytes', () => {
    expect(sniffImage(jpegWithGeotag(1, 1, '2026:01:01 00:00:00'))).toBe('image/jpeg');
    expect(sniffImage(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe('image/png');
    expect(sniffImage(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(sniffImage(new TextEncoder().encode('GIF89a'))).toBeNull();
  });

  it('refuses a type that the bytes contradict, with a stable code', () => {
    expect(() => checkPhoto(jpegWithGeotag(1, 1, '2026:01:01 00:00:00'), 'image/png')).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_MEDIA_TYPE' }),
    );
    expect(checkPhoto(jpegWithGeotag(1, 1, '2026:01:01 00:00:00'), 'image/jpeg; charset=binary')).toBe('image/jpeg');
  });

  it('never resolves a stored path outside the upload folder', () => {
    expect(resolveStored('/srv/uploads', 'inspections/1/a.jpg')).toBe('/srv/uploads/inspections/1/a.jpg');
    expect(() => resolveStored('/srv/uploads', '../../etc/passwd')).toThrow();
  });
});
