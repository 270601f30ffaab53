import { describe, expect, it } from 'vitest';
import { checkPhotoFile, jpegWithGeotag, MAX_PHOTO_BYTES, readJpegGeotag, sniffImage } from './photo-facts.ts';

/** A real JPEG's first bytes (SOI, JFIF APP0) with no EXIF. */
const PLAIN_JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xff, 0xd9]);
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const WEBP = new TextEncoder().encode('RIFF\x10\x00\x00\x00WEBPVP8 ');
const PDF = new TextEncoder().encode('%PDF-1.7\n%âãÏÓ\n');

describe('EXIF geotags', () => {
  it('reads back the position and local capture time a phone writes', () => {
    const tag = readJpegGeotag(jpegWithGeotag(105.668123, 10.463456, '2026:02:02 08:30:00'));
    expect(tag?.lon).toBeCloseTo(105.668123, 6);
    expect(tag?.lat).toBeCloseTo(10.463456, 6);
    expect(tag?.takenAt).toBe('2026-02-02T08:30:00+07:00');
  });

  it('keeps degrees to 7 decimals, so they print as the camera meant them, not 10.466009999999999', () => {
    // Summed from degrees, minutes and seconds these are 10.466009999999999 and 105.66812300000001.
    const tag = readJpegGeotag(jpegWithGeotag(105.668123, 10.46601, '2026:02:02 08:30:00'));
    expect(JSON.stringify([tag?.lon, tag?.lat])).toBe('[105.668123,10.46601]');
    const south = readJpegGeotag(jpegWithGeotag(-47.9123457, -15.8000001, '2026:02:02 08:30:00'));
    expect(JSON.stringify([south?.lon, south?.lat])).toBe('[-47.9123457,-15.8000001]');
  });

  it('reads southern and western hemispheres as negative', () => {
    const tag = readJpegGeotag(jpegWithGeotag(-47.9, -15.8, '2026:01:01 00:00:00'));
    expect(tag?.lon).toBeCloseTo(-47.9, 5);
    expect(tag?.lat).toBeCloseTo(-15.8, 5);
  });

  it('reads the position in every quadrant, with the capture time', () => {
    for (const [lon, lat] of [
      [105.6321, 10.4567],
      [-73.9857, 40.7484],
      [151.2093, -33.8688],
      [-0.1276, 51.5072],
    ] as const) {
      const tag = readJpegGeotag(jpegWithGeotag(lon, lat, '2026:03:01 09:15:00'));
      expect(tag?.lon).toBeCloseTo(lon, 6);
      expect(tag?.lat).toBeCloseTo(lat, 6);
      expect(tag?.takenAt).toBe('2026-03-01T09:15:00+07:00');
    }
  });

  it('returns null for anything truncated or not a JPEG, never throws', () => {
    const good = jpegWithGeotag(105.6, 10.4, '2026:01:01 00:00:00');
    for (let cut = 0; cut < good.length; cut += 7) expect(() => readJpegGeotag(good.subarray(0, cut))).not.toThrow();
    expect(readJpegGeotag(Uint8Array.from([0xff, 0xd8, 0xff, 0xda, 0, 2]))).toBeNull();
    expect(readJpegGeotag(new TextEncoder().encode('not an image'))).toBeNull();
  });

  it('a JPEG without EXIF, a truncated one and garbage have no geotag', () => {
    const tagged = jpegWithGeotag(105.6, 10.4, '2026:03:01 09:15:00');
    for (const bytes of [PLAIN_JPEG, tagged.subarray(0, 40), PDF, new Uint8Array(1)]) expect(readJpegGeotag(bytes)).toBeNull();
  });
});

describe('photo files', () => {
  it('recognises images by their first bytes', () => {
    expect(sniffImage(jpegWithGeotag(1, 1, '2026:01:01 00:00:00'))).toBe('image/jpeg');
    expect(sniffImage(PLAIN_JPEG)).toBe('image/jpeg');
    expect(sniffImage(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe('image/png');
    expect(sniffImage(PNG)).toBe('image/png');
    expect(sniffImage(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(sniffImage(WEBP)).toBe('image/webp');
    for (const bytes of [new TextEncoder().encode('GIF89a'), PDF, new Uint8Array(0), Uint8Array.from([0xff, 0xd8])]) {
      expect(sniffImage(bytes)).toBeNull();
    }
  });

  it('a non-image, an empty file and one over the limit are refused; a photo is kept with its real type', () => {
    expect(MAX_PHOTO_BYTES).toBe(10 * 1024 * 1024);
    expect(checkPhotoFile(PDF, PDF.length)).toEqual({ valid: false, reason: 'not-image' });
    expect(checkPhotoFile(new Uint8Array(0), 0)).toEqual({ valid: false, reason: 'empty' });
    expect(checkPhotoFile(PLAIN_JPEG, MAX_PHOTO_BYTES + 1)).toEqual({ valid: false, reason: 'too-large' });
    expect(checkPhotoFile(PLAIN_JPEG, MAX_PHOTO_BYTES)).toEqual({ valid: true, type: 'image/jpeg' });
    expect(checkPhotoFile(WEBP, 5000)).toEqual({ valid: true, type: 'image/webp' });
  });
});
