import type { FeatureCollection, Polygon } from 'geojson';
import type { GeoJSONSource } from 'maplibre-gl';
import { describeError, getJson } from '../api/http.ts';
import type { SessionUser } from '../api/session.ts';
import { formatNumber, lang, t } from '../i18n/i18n.ts';
import type { MessageKey } from '../i18n/vi.ts';
import type { MapHandle } from '../map/create-map.ts';
import { sheetPadding } from '../map/fit-padding.ts';
import { diaryDisclosure } from '../registration/plot-diary.ts';
import { clear, h } from '../ui/dom.ts';

/** A plot as "my plots" lists it (GET /api/me/plots and /api/farmer-cards/:code/plots). */
export type MyPlot = {
  id: number;
  crop: string;
  crop_name_vi?: string;
  crop_name_en?: string;
  variety?: string | null;
  area_m2: number;
  growing_area_code?: string | null;
  growing_area_status?: string | null;
  geometry: Polygon;
};

const CARD_KEY = 'bando.farmerCard';

const MINE_SOURCE = 'my-plots';
const MINE_LAYERS = ['my-plots-casing', 'my-plots-line'];
// Fitted once per page: later openings of the tab keep the view the farmer has moved to.
let fitted = false;

function bboxOf(geometries: Polygon[]): [number, number, number, number] {
  const ring = geometries.flatMap((g) => g.coordinates.flat());
  const xs = ring.map((c) => c[0]!);
  const ys = ring.map((c) => c[1]!);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

/** Outlines a farmer's own plots over every layer, at every zoom (the plots layer starts at z13). */
function outline(handle: MapHandle, plots: MyPlot[]): void {
  const { map } = handle;
  const data: FeatureCollection<Polygon> = {
    type: 'FeatureCollection',
    features: plots.map((p) => ({ type: 'Feature', id: p.id, geometry: p.geometry, properties: {} })),
  };
  const source = map.getSource(MINE_SOURCE) as GeoJSONSource | undefined;
  if (source) {
    source.setData(data);
    return;
  }
  if (!plots.length) return;
  map.addSource(MINE_SOURCE, { type: 'geojson', data });
  // A white casing under a magenta line: distinct from every land-use, plot and boundary colour.
  map.addLayer({ id: MINE_LAYERS[0]!, type: 'line', source: MINE_SOURCE, paint: { 'line-color': '#ffffff', 'line-width': 6 } });
  map.addLayer({ id: MINE_LAYERS[1]!, type: 'line', source: MINE_SOURCE, paint: { 'line-color': '#c2185b', 'line-width': 3 } });
}

/** Takes a farmer's plots off the map (after signing out, on a shared phone). */
export function clearMyPlots(handle: MapHandle): void {
  const { map } = handle;
  for (const id of MINE_LAYERS) if (map.getLayer(id)) map.removeLayer(id);
  if (map.getSource(MINE_SOURCE)) map.removeSource(MINE_SOURCE);
  fitted = false;
}

async function loadPlots(user: SessionUser | undefined, card: string | undefined): Promise<MyPlot[] | undefined> {
  if (user?.role === 'farmer') return (await getJson<{ plots: MyPlot[] }>('/api/me/plots')).plots;
  if (user && (user.role === 'officer' || user.role === 'admin')) {
    // An officer's "mine" is the plots of their communes, which the features API already scopes.
    const body = await getJson<{ features: { id: number; geometry: Polygon; properties: Record<string, unknown> }[] }>(
      '/ogc/collections/plots/items?limit=200',
      { headers: { Accept: 'application/geo+json' } },
    );
    return body.features.map((f) => ({
      id: Number(f.id),
      crop: String(f.properties.crop ?? ''),
      variety: f.properties.variety as string | null,
      area_m2: Number(f.properties.area_m2 ?? 0),
      growing_area_code: null,
      growing_area_status: null,
      geometry: f.geometry,
    }));
  }
  if (card) return (await getJson<{ plots: MyPlot[] }>(`/api/farmer-cards/${encodeURIComponent(card)}/plots`)).plots;
  return undefined;
}

function renderList(host: HTMLElement, plots: MyPlot[], handle: MapHandle, own: boolean, user?: SessionUser): void {
  if (own) outline(handle, plots);
  if (plots.length === 0) {
    host.append(h('p', { class: 'hint' }, t('myPlotsEmpty')));
    return;
  }
  const total = plots.reduce((sum, p) => sum + Number(p.area_m2), 0);
  host.append(h('p', { class: 'summary' }, `${plots.length} · ${formatNumber(total / 10000, 2)} ha`));
  host.append(
    h(
      'ul',
      { class: 'my-plots' },
      ...plots.map((plot) => {
        const area = Number(plot.area_m2);
        const crop = (lang() === 'vi' ? plot.crop_name_vi : plot.crop_name_en) ?? plot.crop;
        const status = plot.growing_area_status ?? '';
        return h(
          'li',
          {},
          h(
            'button',
            {
              type: 'button',
              class: 'plot-item',
              'data-id': String(plot.id),
              onclick: () => handle.map.fitBounds(bboxOf([plot.geometry]), { padding: sheetPadding(handle, host), maxZoom: 18 }),
            },
            h('strong', {}, [crop, plot.variety].filter(Boolean).join(' · ')),
            h('span', {}, `${formatNumber(area, 0)} m² · ${formatNumber(area / 10000, 2)} ha`),
            h(
              'span',
              { class: `status status-${status || 'none'}` },
              [plot.growing_area_code, status ? t(`status_${status}` as MessageKey) : ''].filter(Boolean).join(' · ') || '–',
            ),
          ),
          // The registry shows the diary to a signed-in farmer (own plots) and to staff; a card code alone reads plots only.
          user
            ? diaryDisclosure(plot.id, { canWrite: user.role === 'officer' || user.role === 'admin', farmer: user.role === 'farmer' })
            : null,
        );
      }),
    ),
  );
  // Fitted after the list is in the sheet, so the padding clears the sheet's full height.
  if (own && !fitted) {
    fitted = true;
    handle.map.fitBounds(bboxOf(plots.map((p) => p.geometry)), { padding: sheetPadding(handle, host), maxZoom: 17 });
  }
}

/**
 * "My plots" with area and status, each a tap from the map: a signed-in farmer's own plots, an
 * officer's commune plots, or, for a farmer without an account, the plots behind the code on their card.
 */
export async function renderMyPlots(host: HTMLElement, user: SessionUser | undefined, handle: MapHandle): Promise<void> {
  clear(host);
  host.append(h('h2', { class: 'panel-title' }, t('myPlots')));
  let card: string | undefined;
  try {
    card = localStorage.getItem(CARD_KEY) ?? undefined;
  } catch {
    card = undefined;
  }
  if (!user) {
    const input = h('input', {
      name: 'card',
      value: card ?? '',
      placeholder: 'ND-7K3M-Q9XP',
      autocapitalize: 'characters',
      'aria-label': t('farmerId'),
    });
    const form = h(
      'form',
      { class: 'card-form' },
      h('p', { class: 'hint' }, t('myPlotsSignIn')),
      h('label', {}, t('farmerId'), input),
      h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, t('myPlots')),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      try {
        localStorage.setItem(CARD_KEY, input.value.trim());
      } catch {
        // Not remembered; still shown.
      }
      void renderMyPlots(host, user, handle);
    });
    host.append(form);
    if (!card) {
      clearMyPlots(handle);
      return;
    }
  }
  const list = h('div', { class: 'my-plots-list' }, h('p', { class: 'hint' }, t('loading')));
  host.append(list);
  try {
    const plots = await loadPlots(user, card);
    clear(list);
    // A farmer's own plots (account or card) are outlined and fitted; an officer's list is the commune's.
    if (plots) renderList(list, plots, handle, !user || user.role === 'farmer', user);
  } catch (error) {
    clear(list);
    list.append(h('p', { class: 'hint' }, t('myPlotsUnavailable', { detail: describeError(error) })));
  }
}
