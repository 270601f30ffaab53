import type { Feature, FeatureCollection, Polygon } from 'geojson';
import { describeError, getJson } from '../api/http.ts';
import type { SessionUser } from '../api/session.ts';
import { formatNumber, t } from '../i18n/i18n.ts';
import type { MapHandle } from '../map/create-map.ts';
import { clear, h } from '../ui/dom.ts';

type PlotProps = {
  crop?: string;
  variety?: string;
  area_m2?: number;
  status?: string;
  growing_area_code?: string;
  growing_area_status?: string;
};

function bboxOf(feature: Feature<Polygon>): [number, number, number, number] {
  const ring = feature.geometry.coordinates.flat();
  const xs = ring.map((c) => c[0]!);
  const ys = ring.map((c) => c[1]!);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

/** "My plots": a farmer's own plots (the server filters by who is asking) with area and status, each a tap from the map. */
export async function renderMyPlots(host: HTMLElement, user: SessionUser | undefined, handle: MapHandle): Promise<void> {
  clear(host);
  host.append(h('h2', { class: 'panel-title' }, t('myPlots')));
  if (!user) {
    host.append(h('p', { class: 'hint' }, t('myPlotsSignIn')));
    return;
  }
  let plots: Feature<Polygon, PlotProps>[];
  try {
    const farmer = user.role === 'farmer' && user.farmerId !== null ? `&farmer_id=${user.farmerId}` : '';
    const body = await getJson<FeatureCollection<Polygon, PlotProps>>(`/ogc/collections/plots/items?limit=200${farmer}`);
    plots = body.features;
  } catch (error) {
    host.append(h('p', { class: 'hint' }, t('myPlotsUnavailable', { detail: describeError(error) })));
    return;
  }
  if (plots.length === 0) {
    host.append(h('p', { class: 'hint' }, t('myPlotsEmpty')));
    return;
  }
  const total = plots.reduce((sum, p) => sum + Number(p.properties.area_m2 ?? 0), 0);
  host.append(h('p', { class: 'summary' }, `${plots.length} · ${formatNumber(total / 10000, 2)} ha`));
  host.append(
    h(
      'ul',
      { class: 'my-plots' },
      ...plots.map((plot) => {
        const p = plot.properties;
        const area = Number(p.area_m2 ?? 0);
        return h(
          'li',
          {},
          h(
            'button',
            {
              type: 'button',
              class: 'plot-item',
              'data-id': String(plot.id ?? ''),
              onclick: () => handle.map.fitBounds(bboxOf(plot), { padding: 48, maxZoom: 18 }),
            },
            h('strong', {}, [p.crop, p.variety].filter(Boolean).join(' · ') || t('plot')),
            h('span', {}, `${formatNumber(area, 0)} m² · ${formatNumber(area / 10000, 2)} ha`),
            h(
              'span',
              { class: `status status-${p.growing_area_status ?? p.status ?? 'none'}` },
              p.growing_area_code ?? p.growing_area_status ?? p.status ?? '',
            ),
          ),
        );
      }),
    ),
  );
}
