/**
 * The view a link shares, kept in the URL hash so copying the address bar is enough:
 *   #c=105.63310,10.46010,15.2&l=parcels,zones&o=zones:60&lu=plan&s=parcels:123&lang=en
 * c = longitude, latitude, zoom[, bearing]; l = visible layer groups (omitted: the defaults);
 * o = opacity per group in percent (only those not at 100); lu = the land-use map shown (omitted:
 * the default, the current plan), `status` (hiện trạng) or `plan` (quy hoạch), each meaning that
 * kind's current map, with `:id` for another (`lu=plan:4`); s = the selected feature; lang = language.
 * A link in the "#zoom/lat/lon[/bearing]" form of other web maps is read too (position only).
 */
export type ViewState = {
  center?: [number, number];
  zoom?: number;
  bearing?: number;
  /** Visible layer groups; undefined means "the style's defaults". */
  layers?: string[];
  /** Opacity per group, 0–1; groups not listed are at 1. */
  opacity: Record<string, number>;
  selection?: { group: string; id: string };
  /** The land-use map shown: a kind, and a map id when it is not that kind's current map. */
  landuse?: { kind: 'status' | 'plan'; id?: number };
  lang?: 'vi' | 'en';
};

const GROUP = /^[a-z_]{1,32}$/;
const FEATURE_ID = /^[A-Za-z0-9._-]{1,64}$/;
const LAND_USE_MAP = /^(status|plan)(?::([1-9][0-9]{0,8}))?$/;

function finite(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/** Reads a hash (with or without the leading #); anything malformed is dropped, never thrown. */
// The "#zoom/lat/lon" of OpenStreetMap links and of MapLibre's own hash option, which people paste from other maps.
const OSM_HASH = /^#?(\d{1,2}(?:\.\d+)?)\/(-?\d{1,2}(?:\.\d+)?)\/(-?\d{1,3}(?:\.\d+)?)(?:\/(-?\d{1,3}(?:\.\d+)?))?$/;

export function parseViewState(hash: string): ViewState {
  const osm = OSM_HASH.exec(hash);
  if (osm) return parseViewState(`c=${osm[3]},${osm[2]},${osm[1]}${osm[4] ? `,${osm[4]}` : ''}`);
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const state: ViewState = { opacity: {} };
  const c = params.get('c')?.split(',');
  if (c && c.length >= 3) {
    const [lng, lat, zoom, bearing] = c.map((part) => finite(part));
    if (
      lng !== undefined &&
      lat !== undefined &&
      zoom !== undefined &&
      Math.abs(lng) <= 180 &&
      Math.abs(lat) <= 85.06 &&
      zoom >= 0 &&
      zoom <= 24
    ) {
      state.center = [lng, lat];
      state.zoom = zoom;
      if (bearing !== undefined && Math.abs(bearing) <= 360) state.bearing = bearing;
    }
  }
  const l = params.get('l');
  if (l !== null) state.layers = l.split(',').filter((g) => GROUP.test(g));
  for (const entry of (params.get('o') ?? '').split(',')) {
    const [group, percent] = entry.split(':');
    const value = finite(percent);
    if (group && GROUP.test(group) && value !== undefined && value >= 0 && value <= 100) state.opacity[group] = value / 100;
  }
  const s = params.get('s');
  if (s) {
    const at = s.indexOf(':');
    const group = s.slice(0, at);
    const id = s.slice(at + 1);
    if (at > 0 && GROUP.test(group) && FEATURE_ID.test(id)) state.selection = { group, id };
  }
  const lu = LAND_USE_MAP.exec(params.get('lu') ?? '');
  if (lu) state.landuse = lu[2] ? { kind: lu[1] as 'status' | 'plan', id: Number(lu[2]) } : { kind: lu[1] as 'status' | 'plan' };
  const lang = params.get('lang');
  if (lang === 'vi' || lang === 'en') state.lang = lang;
  return state;
}

/**
 * Which layer groups a link shows, given the groups the map has: its known groups; undefined (the
 * map's defaults) when it names groups but none the map knows (a mistyped or outdated link), so such a
 * link never blanks the whole map. A link naming no group at all (`l=`) hides them all, as written.
 */
export function shownGroups(layers: readonly string[] | undefined, known: readonly string[]): string[] | undefined {
  if (!layers) return undefined;
  const kept = layers.filter((g) => known.includes(g));
  return layers.length > 0 && kept.length === 0 ? undefined : kept;
}

/** Writes the hash (with the leading #); coordinates to 5 decimals (about 1 m), zoom to 2. */
export function formatViewState(state: ViewState): string {
  const parts: string[] = [];
  if (state.center && state.zoom !== undefined) {
    const c = [state.center[0].toFixed(5), state.center[1].toFixed(5), String(Math.round(state.zoom * 100) / 100)];
    if (state.bearing) c.push(String(Math.round(state.bearing)));
    parts.push(`c=${c.join(',')}`);
  }
  if (state.layers) parts.push(`l=${state.layers.join(',')}`);
  const opacity = Object.entries(state.opacity)
    .filter(([, v]) => v < 0.995)
    .map(([g, v]) => `${g}:${Math.round(v * 100)}`);
  if (opacity.length) parts.push(`o=${opacity.join(',')}`);
  const lu = state.landuse;
  if (lu) parts.push(`lu=${lu.kind}${lu.id !== undefined ? `:${lu.id}` : ''}`);
  if (state.selection) parts.push(`s=${state.selection.group}:${state.selection.id}`);
  if (state.lang && state.lang !== 'vi') parts.push(`lang=${state.lang}`);
  return parts.length ? `#${parts.join('&')}` : '';
}

/**
 * The same hash without its selection (s=…), every other part as written: the map under the card a
 * shared link opened, which the first Back goes to (main.ts, arrival).
 */
export function withoutSelection(hash: string): string {
  const parts = hash
    .replace(/^#/, '')
    .split('&')
    .filter((part) => part !== '' && !part.startsWith('s='));
  return parts.length ? `#${parts.join('&')}` : '';
}
