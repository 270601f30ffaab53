import type { StyleSpecification } from 'maplibre-gl';
import type { ViewState } from '../state/url-state.ts';

/** Screens narrower than this get the phone layout and the phone's first view. */
export const PHONE_MAX_WIDTH = 760;

/** Where the map opens. */
export type Camera = { center: [number, number]; zoom: number; bearing: number };

/**
 * The camera of the first view: the link's, else on a phone the city overview two levels out
 * (roads, water, wards, growing areas and plots; parcels appear from z13: a tenth of the bytes of
 * the parcel mosaic, what a cheap phone on a weak link can fetch and draw in a few seconds), else
 * the style's own centre and zoom.
 */
export function initialCamera(style: StyleSpecification, view: ViewState, width: number): Camera {
  if (view.center) return { center: view.center, zoom: view.zoom ?? 15, bearing: view.bearing ?? 0 };
  const center = (style.center as [number, number] | undefined) ?? [0, 0];
  const zoom = style.zoom ?? 0;
  return { center, zoom: width < PHONE_MAX_WIDTH ? zoom - 2 : zoom, bearing: 0 };
}

/** Web Mercator position of a longitude/latitude as a fraction of the world (0–1 each way). */
function mercator([lon, lat]: [number, number]): [number, number] {
  const sin = Math.sin((Math.max(-85.0511, Math.min(85.0511, lat)) * Math.PI) / 180);
  return [(lon + 180) / 360, 0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)];
}

/**
 * The tile URLs MapLibre will ask for first: every vector source a visible layer draws at that zoom,
 * at the zoom it picks for 512-pixel vector tiles (the floor of the map's, within the source's range),
 * for each tile that overlaps a `width`×`height` CSS-pixel view. Only for a north-up view (a rotated
 * one covers other tiles; it is then left to the map).
 */
export function firstViewTileUrls(style: StyleSpecification, camera: Camera, width: number, height: number): string[] {
  if (camera.bearing % 360 !== 0 || width <= 0 || height <= 0) return [];
  const used = new Set<string>();
  for (const layer of style.layers) {
    if (!('source' in layer) || layer.layout?.visibility === 'none') continue;
    if ((layer.minzoom ?? 0) > camera.zoom || (layer.maxzoom ?? 24) <= camera.zoom) continue;
    used.add(layer.source);
  }
  const urls: string[] = [];
  for (const id of used) {
    const source = style.sources[id];
    if (source?.type !== 'vector' || !source.tiles?.[0]) continue;
    const z = Math.min(Math.floor(camera.zoom), source.maxzoom ?? 22);
    if (z < (source.minzoom ?? 0)) continue;
    // The view in tile units at zoom z: 512 CSS pixels make one tile at the map's own zoom.
    const scale = 2 ** z;
    const [cx, cy] = mercator(camera.center).map((v) => v * scale) as [number, number];
    const halfW = width / 2 / (512 * 2 ** (camera.zoom - z));
    const halfH = height / 2 / (512 * 2 ** (camera.zoom - z));
    const x0 = Math.max(0, Math.floor(cx - halfW));
    const x1 = Math.min(scale - 1, Math.ceil(cx + halfW) - 1);
    const y0 = Math.max(0, Math.floor(cy - halfH));
    const y1 = Math.min(scale - 1, Math.ceil(cy + halfH) - 1);
    for (let x = x0; x <= x1; x++) {
      for (let y = y0; y <= y1; y++) {
        urls.push(source.tiles[0].replace('{z}', String(z)).replace('{x}', String(x)).replace('{y}', String(y)));
      }
    }
  }
  return urls;
}

/**
 * Starts downloading the first view's tiles while the map library is still setting up (its worker,
 * the style, the first frames: over a second on a slow phone), so the worker's own requests for the
 * same URLs are answered from the HTTP cache instead of waiting a round trip and the server.
 */
export function prefetchFirstView(style: StyleSpecification, camera: Camera, width: number, height: number): void {
  for (const url of firstViewTileUrls(style, camera, width, height)) {
    // Read to the end, so the response is complete in the cache; a failure is the map's to retry.
    fetch(url, { credentials: 'same-origin' })
      .then((response) => response.arrayBuffer())
      .catch(() => undefined);
  }
}
