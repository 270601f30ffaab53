import { afterEach, describe, expect, it } from 'vitest';
import type { InspectionPhoto } from '../../../server/contracts/registry.ts';
import { startLang } from '../i18n/i18n.ts';
import { photoLine } from './photo-provenance.ts';

// The i18n module sets <html lang>; a bare object stands in for the document here.
(globalThis as { document?: unknown }).document ??= { documentElement: {} };
afterEach(() => startLang('vi'));

const photo = (facts: Partial<InspectionPhoto>): InspectionPhoto => ({
  id: 1,
  mime: 'image/jpeg',
  bytes: 1000,
  takenAt: '2026-03-01T02:15:00+00:00',
  takenAtSource: 'photo',
  lon: 105.668123,
  lat: 10.46601,
  positionSource: 'photo',
  ...facts,
});

describe('the line under an inspection photo', () => {
  it('says the camera wrote the time and the position when the photo carried them', () => {
    expect(photoLine(photo({}))).toBe('Chụp lúc 01/03/2026 09:15 · Vị trí theo ảnh: 10.466010, 105.668123');
    startLang('en');
    expect(photoLine(photo({}))).toBe('Taken 2026-03-01 09:15 · Position from the photo: 10.466010, 105.668123');
  });

  it('says the time is the file’s and the position the phone’s when the phone sent them', () => {
    const sent = photo({ takenAtSource: 'file', positionSource: 'device', lon: 105.6321457, lat: 10.4567891 });
    expect(photoLine(sent)).toBe('Tệp sửa lúc 01/03/2026 09:15 · Vị trí của máy lúc thêm ảnh: 10.456789, 105.632146');
    startLang('en');
    expect(photoLine(sent)).toBe('File last changed 2026-03-01 09:15 · Phone’s position when the photo was added: 10.456789, 105.632146');
  });

  it('says it does not know for a photo stored before sources were kept', () => {
    expect(photoLine(photo({ takenAtSource: null, positionSource: null }))).toBe(
      'Lúc 01/03/2026 09:15 (không rõ lấy từ đâu) · Vị trí 10.466010, 105.668123 (không rõ lấy từ đâu)',
    );
  });

  it('a photo without time or position says it has no position, and nothing of a time', () => {
    const bare = photo({ takenAt: null, takenAtSource: null, lon: null, lat: null, positionSource: null });
    expect(photoLine(bare)).toBe('Ảnh không có vị trí');
    startLang('en');
    expect(photoLine(bare)).toBe('No position on this photo');
  });
});
