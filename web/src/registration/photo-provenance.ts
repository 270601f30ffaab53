// The line under a stored inspection photo: when and where, and where each came from. A reviewer must
// tell the camera's own time and GPS (EXIF) from the file's last-modified time and the phone's
// position when the photo was added (sent for a gallery photo without them); see migration 014.
import type { InspectionPhoto } from '../../../server/contracts/registry.ts';
import { t } from '../i18n/i18n.ts';
import type { MessageKey } from '../i18n/vi.ts';
import { dateTime } from '../ui/feature-format.ts';

// A photo stored before sources were kept (null source beside a value) says it does not know.
const TIME_KEY = { photo: 'inspectionPhotoTaken', file: 'inspectionPhotoFileTime', unknown: 'inspectionPhotoTimeUnknown' } as const;
const PLACE_KEY = { photo: 'inspectionPhotoAtPhoto', device: 'inspectionPhotoAtDevice', unknown: 'inspectionPhotoAtUnknown' } as const;

/** When the photo was taken, by whom it was said ("Chụp lúc …", "Tệp sửa lúc …"), or '' without a time. */
export function photoTime(photo: Pick<InspectionPhoto, 'takenAt' | 'takenAtSource'>): string {
  if (!photo.takenAt) return '';
  const key: MessageKey = TIME_KEY[photo.takenAtSource ?? 'unknown'];
  return t(key, { time: dateTime(photo.takenAt) });
}

/** Where the photo was taken, by whom it was said ("Vị trí theo ảnh: …", "Vị trí của máy lúc thêm ảnh: …"). */
export function photoPlace(photo: Pick<InspectionPhoto, 'lon' | 'lat' | 'positionSource'>): string {
  if (photo.lon === null || photo.lat === null) return t('inspectionPhotoNoPosition');
  // Six decimals, some 10 cm: finer than a phone's GPS, and short enough to read.
  const key: MessageKey = PLACE_KEY[photo.positionSource ?? 'unknown'];
  return t(key, { lat: photo.lat.toFixed(6), lon: photo.lon.toFixed(6) });
}

/** The photo's whole line: its time and its place, each with its source. */
export function photoLine(photo: InspectionPhoto): string {
  return [photoTime(photo), photoPlace(photo)].filter(Boolean).join(' · ');
}
