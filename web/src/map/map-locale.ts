// MapLibre's own words (its controls' tooltips and screen-reader labels, the map's name) in the
// page's language: given to the map at creation, and put on the controls again at each switch
// (MapLibre reads its locale once, when each control is made).
import type { Map as MapLibreMap } from 'maplibre-gl';
import { t } from '../i18n/i18n.ts';
import type { MessageKey } from '../i18n/vi.ts';

/** MapLibre's UI string keys that our map shows, and ours for them. */
const KEYS = {
  'AttributionControl.ToggleAttribution': 'mapToggleAttribution',
  'GeolocateControl.FindMyLocation': 'mapFindMyLocation',
  'GeolocateControl.LocationNotAvailable': 'mapLocationNotAvailable',
  'Map.Title': 'mapTitle',
  'NavigationControl.ResetBearing': 'mapResetBearing',
  'NavigationControl.ZoomIn': 'mapZoomIn',
  'NavigationControl.ZoomOut': 'mapZoomOut',
  'Popup.Close': 'close',
} as const satisfies Record<string, MessageKey>;

/** The locale object for MapLibre's `locale` option, in the language shown. */
export function mapLocale(): Record<string, string> {
  return Object.fromEntries(Object.entries(KEYS).map(([key, ours]) => [key, t(ours)]));
}

/** Where each word sits in the map's DOM: the element, and the attributes MapLibre wrote it to. */
const PLACES: [selector: string, key: keyof typeof KEYS, attributes: string[]][] = [
  ['.maplibregl-ctrl-zoom-in', 'NavigationControl.ZoomIn', ['title', 'aria-label']],
  ['.maplibregl-ctrl-zoom-out', 'NavigationControl.ZoomOut', ['title', 'aria-label']],
  ['.maplibregl-ctrl-compass', 'NavigationControl.ResetBearing', ['title', 'aria-label']],
  ['.maplibregl-ctrl-attrib-button', 'AttributionControl.ToggleAttribution', ['title', 'aria-label']],
  ['.maplibregl-canvas', 'Map.Title', ['aria-label']],
  ['.maplibregl-map', 'Map.Title', ['aria-label']],
];

/**
 * Words the map's controls in the language shown, after a switch: MapLibre's locale for what it
 * writes later (the locate button's states), and the labels already written.
 */
export function relabelMap(map: MapLibreMap): void {
  const locale = mapLocale();
  // MapLibre keeps the locale it was made with in a private field and reads it as controls change.
  const internal = map as unknown as { _locale?: Record<string, string> };
  if (internal._locale) Object.assign(internal._locale, locale);
  const root = map.getContainer();
  for (const [selector, key, attributes] of PLACES) {
    const elements = [...root.querySelectorAll(selector)];
    if (root.matches(selector)) elements.push(root);
    for (const el of elements) for (const name of attributes) if (el.hasAttribute(name)) el.setAttribute(name, locale[key]!);
  }
  // The locate button says what it can do: find the location, or that there is none to find.
  for (const button of root.querySelectorAll('.maplibregl-ctrl-geolocate')) {
    const word = locale[button.hasAttribute('disabled') ? 'GeolocateControl.LocationNotAvailable' : 'GeolocateControl.FindMyLocation']!;
    button.setAttribute('title', word);
    button.setAttribute('aria-label', word);
  }
}
