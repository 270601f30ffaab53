// "Tải dữ liệu về" in the Tools tab: a layer of the map as a file (GET /api/export/{collection}) for
// a planner's GIS, a surveyor's CAD or a spreadsheet. The viewer picks the layer, the format, the
// coordinate system for the formats that carry one (VN-2000 for cadastral work) and the extent (the
// map's view or everything they may read); the file is fetched with a running byte count, then
// saved under the server's file name. The server decides what the viewer may read.
import { describeError, HttpError, request } from '../api/http.ts';
import type { SessionUser } from '../api/session.ts';
import { formatNumber, t } from '../i18n/i18n.ts';
import type { MessageKey } from '../i18n/vi.ts';
import type { MapHandle } from '../map/create-map.ts';
import { h } from '../ui/dom.ts';

/** The export API's collections, in the order the form lists them. */
export const EXPORT_LAYERS = ['parcels', 'landuse', 'zones', 'products', 'plots'] as const;
export type ExportLayer = (typeof EXPORT_LAYERS)[number];

/** The export API's formats. */
export const EXPORT_FILE_FORMATS = ['geojson', 'shapefile', 'kml', 'csv', 'gpkg'] as const;
export type ExportFileFormat = (typeof EXPORT_FILE_FORMATS)[number];

/**
 * Coordinate systems offered for the formats that carry one (DOMAIN.md, VN-2000): WGS 84, the two
 * cadastral 3° zones of the merged province (old Đồng Tháp 105°00′, old Tiền Giang 105°45′) and
 * VN-2000 / UTM 48N.
 */
export const EXPORT_CRS = ['EPSG:4326', 'EPSG:5897', 'EPSG:9210', 'EPSG:3405'] as const;
export type ExportCrs = (typeof EXPORT_CRS)[number];

/** What the form asks for. */
export type ExportChoice = { layer: ExportLayer; format: ExportFileFormat; crs: ExportCrs; extent: 'view' | 'all' };

/** The layers this viewer may download: production plots belong to farmers, so only to a signed-in viewer. */
export function exportableLayers(user: SessionUser | undefined): ExportLayer[] {
  return EXPORT_LAYERS.filter((layer) => layer !== 'plots' || user !== undefined);
}

/** Whether a format is written in a chosen system: GeoJSON (RFC 7946) and KML are WGS 84 by definition. */
export function takesCrs(format: ExportFileFormat): boolean {
  return format === 'shapefile' || format === 'csv' || format === 'gpkg';
}

/** The download's URL; `bbox` ([w, s, e, n], degrees) narrows it to the map's view. */
export function exportUrl(choice: ExportChoice, bbox?: readonly [number, number, number, number]): string {
  const query = new URLSearchParams({ format: choice.format });
  if (takesCrs(choice.format) && choice.crs !== 'EPSG:4326') query.set('crs', choice.crs);
  if (choice.extent === 'view' && bbox) {
    // Clamped to the world: a zoomed-out view reaches past ±180°, which the API refuses.
    const [w, s, e, n] = bbox;
    const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
    const box = [clamp(w, -180, 180), clamp(s, -90, 90), clamp(e, -180, 180), clamp(n, -90, 90)];
    query.set('bbox', box.map((v) => v.toFixed(6)).join(','));
  }
  return `/api/export/${choice.layer}?${query.toString()}`;
}

/** The file name the server gave (Content-Disposition), or one made from the choice. */
export function fileNameOf(disposition: string | null, choice: ExportChoice): string {
  const named = /filename="([^"]+)"/.exec(disposition ?? '')?.[1];
  if (named) return named;
  const extension = { geojson: 'geojson', shapefile: 'zip', kml: 'kml', csv: 'csv', gpkg: 'gpkg' }[choice.format];
  return `${choice.layer}.${extension}`;
}

/** Bytes as people read them: "820 KB", "2,4 MB". */
export function sizeText(bytes: number): string {
  return bytes < 1024 * 1024 ? `${formatNumber(Math.max(1, Math.round(bytes / 1024)))} KB` : `${formatNumber(bytes / 1024 / 1024, 1)} MB`;
}

const FORMAT_KEYS: Record<ExportFileFormat, MessageKey> = {
  geojson: 'exportFormat_geojson',
  shapefile: 'exportFormat_shapefile',
  kml: 'exportFormat_kml',
  csv: 'exportFormat_csv',
  gpkg: 'exportFormat_gpkg',
};

/** Where the last download stands, worded when drawn (a language switch words it again). */
type Status =
  | { kind: 'working'; bytes: number }
  | { kind: 'done'; name: string; count: number; bytes: number }
  | { kind: 'empty' }
  | { kind: 'failed'; error: unknown };

class ExportPanel {
  readonly element = h('details', { class: 'export-panel', id: 'export-panel' });
  private choice: ExportChoice = { layer: 'parcels', format: 'geojson', crs: 'EPSG:4326', extent: 'view' };
  private status: Status | undefined;
  private busy = false;

  constructor(
    readonly user: SessionUser | undefined,
    private readonly handle: MapHandle,
  ) {}

  /** Draws the form from its state in the language shown. */
  render(): void {
    const open = this.element.open;
    this.element.replaceChildren();
    const layers = exportableLayers(this.user);
    if (!layers.includes(this.choice.layer)) this.choice.layer = layers[0]!;
    const select = <T extends string>(name: string, label: string, values: readonly T[], word: (v: T) => string, value: T) =>
      h(
        'label',
        {},
        label,
        h(
          'select',
          {
            name,
            id: `export-${name}`,
            onchange: (event: Event) => {
              (this.choice as Record<string, string>)[name] = (event.target as HTMLSelectElement).value;
              this.render();
            },
          },
          ...values.map((v) => h('option', { value: v, selected: v === value ? true : undefined }, word(v))),
        ),
      );
    const extent = (value: 'view' | 'all', key: MessageKey) =>
      h(
        'label',
        { class: 'radio' },
        h('input', {
          type: 'radio',
          name: 'export-extent',
          value,
          checked: this.choice.extent === value ? true : undefined,
          onchange: () => (this.choice.extent = value),
        }),
        t(key),
      );
    this.element.append(
      h('summary', {}, t('exportTitle')),
      h(
        'form',
        {
          class: 'export-form',
          onsubmit: (event: Event) => {
            event.preventDefault();
            void this.download();
          },
        },
        select('layer', t('exportLayer'), layers, (l) => t(`layer_${l}` as MessageKey), this.choice.layer),
        this.user ? null : h('p', { class: 'hint' }, t('exportPlotsSignIn')),
        select('format', t('exportFormat'), EXPORT_FILE_FORMATS, (f) => t(FORMAT_KEYS[f]), this.choice.format),
        takesCrs(this.choice.format)
          ? select('crs', t('exportCrs'), EXPORT_CRS, (c) => t(`exportCrs_${c.slice(5)}` as MessageKey), this.choice.crs)
          : h('p', { class: 'hint', id: 'export-crs-hint' }, t('exportCrsWgs84')),
        takesCrs(this.choice.format) ? h('p', { class: 'hint', id: 'export-crs-zones' }, t('exportCrsZones')) : null,
        h(
          'fieldset',
          { class: 'export-extent' },
          h('legend', {}, t('exportExtent')),
          extent('view', 'exportExtentView'),
          extent('all', 'exportExtentAll'),
        ),
        h(
          'button',
          { type: 'submit', class: 'btn btn-block btn-primary', id: 'export-go', disabled: this.busy ? true : undefined },
          t('exportGo'),
        ),
        this.status ? h('p', { class: this.statusClass(), id: 'export-status', role: 'status' }, this.statusText(this.status)) : null,
      ),
    );
    this.element.open = open;
  }

  private statusClass(): string {
    return this.status?.kind === 'failed' ? 'form-error' : 'hint';
  }

  private statusText(status: Status): string {
    switch (status.kind) {
      case 'working':
        return t('exportWorking', { size: sizeText(status.bytes) });
      case 'done':
        return t('exportDone', {
          name: status.name,
          count: status.count,
          countText: formatNumber(status.count),
          size: sizeText(status.bytes),
        });
      case 'empty':
        return t('exportEmpty');
      case 'failed':
        return t('exportFailed', { detail: describeError(status.error) });
    }
  }

  private show(status: Status): void {
    this.status = status;
    const line = this.element.querySelector('#export-status');
    if (line && status.kind === 'working') line.textContent = this.statusText(status);
    else this.render();
  }

  /** Fetches the file with a running byte count, then saves it under the server's name. */
  private async download(): Promise<void> {
    if (this.busy) return;
    const choice = { ...this.choice };
    const bounds = this.handle.map.getBounds();
    const url = exportUrl(choice, [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()]);
    this.busy = true;
    this.show({ kind: 'working', bytes: 0 });
    try {
      const response = await request(url, { headers: { Accept: '*/*' } });
      const count = Number(response.headers.get('x-feature-count') ?? NaN);
      const chunks: Uint8Array[] = [];
      let bytes = 0;
      const reader = response.body?.getReader();
      for (let part = await reader?.read(); part && !part.done; part = await reader!.read()) {
        chunks.push(part.value);
        bytes += part.value.byteLength;
        this.show({ kind: 'working', bytes });
      }
      this.busy = false;
      if (count === 0) {
        this.show({ kind: 'empty' });
        return;
      }
      const name = fileNameOf(response.headers.get('content-disposition'), choice);
      const blob = new Blob(chunks as BlobPart[], { type: response.headers.get('content-type') ?? 'application/octet-stream' });
      const href = URL.createObjectURL(blob);
      const link = h('a', { href, download: name, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      // The browser has taken the file; the object URL goes once it has had time to start saving.
      setTimeout(() => URL.revokeObjectURL(href), 60_000);
      this.show({ kind: 'done', name, count: Number.isFinite(count) ? count : 0, bytes });
    } catch (error) {
      this.busy = false;
      // A 401 already put the page back to a guest (http.ts); say it in the form too.
      this.show({ kind: 'failed', error: error instanceof HttpError || error instanceof Error ? error : new Error(String(error)) });
    }
  }
}

let panel: ExportPanel | undefined;

/** The export section for this viewer; kept (and worded again) across redraws of the Tools tab. */
export function exportPanel(user: SessionUser | undefined, handle: MapHandle): HTMLElement {
  if (!panel || panel.user?.username !== user?.username || panel.user?.role !== user?.role) panel = new ExportPanel(user, handle);
  panel.render();
  return panel.element;
}
