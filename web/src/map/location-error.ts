// What to say when the browser gives no position, by GeolocationPositionError.code. The browser's
// own message is English developer text ("User denied Geolocation"); a farmer needs to know what
// to do next.
import { t } from '../i18n/i18n.ts';

/** The refusal in the user's language, with the next step. */
export function locationErrorText(code: number | undefined): string {
  if (code === 1) return t('locateDenied');
  if (code === 2) return t('locateUnavailable');
  if (code === 3) return t('locateTimeout');
  return t('locateFailed', { detail: t('gpsUnavailable') });
}
