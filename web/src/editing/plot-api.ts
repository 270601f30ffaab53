import type { Polygon } from 'geojson';
import { PLOT_OVERLAP_THRESHOLD_M2, REASON_TEXT_VI, type ReasonCode } from '../../../server/domain/plot-validation.ts';
import { getJson, HttpError, request, sendJson } from '../api/http.ts';
import { formatNumber, lang, t } from '../i18n/i18n.ts';
import type { NamedParcel } from '../ui/parcel-name.ts';

/** A plot as the features API holds it, with the ETag that an edit must send back. */
export type PlotRecord = { id: number; etag: string; geometry: Polygon; properties: Record<string, unknown> };

/** The server copy changed since it was read (412): the edit needs a decision. */
export class PlotConflict extends Error {
  override name = 'PlotConflict';
  constructor(readonly currentEtag: string | undefined) {
    super('the plot changed on the server');
  }
}

const ITEMS = '/ogc/collections/plots/items';
/** Properties a plot edit may send; the rest (area, version, personal data) the server derives or guards. */
export const WRITABLE = ['farmer_id', 'growing_area_id', 'commune_code', 'crop', 'variety', 'planting_date', 'expected_harvest'] as const;

async function readRecord(response: Response): Promise<PlotRecord> {
  const body = (await response.json()) as { id: number | string; geometry: Polygon; properties?: Record<string, unknown> };
  return { id: Number(body.id), etag: response.headers.get('ETag') ?? '', geometry: body.geometry, properties: body.properties ?? {} };
}

function writable(properties: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of WRITABLE) {
    const value = properties[key];
    if (value !== undefined && value !== '') out[key] = value;
  }
  return out;
}

/** GET one plot with its ETag. */
export async function loadPlot(id: number): Promise<PlotRecord> {
  return readRecord(await request(`${ITEMS}/${id}`, { headers: { Accept: 'application/geo+json' }, cache: 'no-store' }));
}

/** The cadastral parcel holding most of a plot, as its profile (GET /api/plots/:id) gives it. */
export type MainParcel = NamedParcel;

/**
 * The parcel holding most of the plot (the profile lists them largest share first), or null when it
 * lies on none or the profile cannot be read (offline): the plot is then named without it.
 */
export async function loadMainParcel(id: number): Promise<MainParcel | null> {
  try {
    const profile = await getJson<{ parcels?: NamedParcel[] }>(`/api/plots/${id}`);
    const main = profile.parcels?.[0];
    return main
      ? {
          sheet: main.sheet,
          parcel: main.parcel,
          commune: main.commune ?? null,
          communeName: main.communeName ?? null,
          communeFormer: main.communeFormer ?? null,
        }
      : null;
  } catch {
    return null;
  }
}

/** POST a new plot; answers it as stored (area computed by the server) with its first ETag. */
export async function createPlot(geometry: Polygon, properties: Record<string, unknown>): Promise<PlotRecord> {
  return readRecord(
    await sendJson(ITEMS, 'POST', { type: 'Feature', geometry, properties: writable(properties) }, { Accept: 'application/geo+json' }),
  );
}

/** PUT a whole plot with If-Match; a stale ETag becomes PlotConflict with the server's current one. */
export async function updatePlot(id: number, etag: string, geometry: Polygon, properties: Record<string, unknown>): Promise<PlotRecord> {
  try {
    const response = await sendJson(
      `${ITEMS}/${id}`,
      'PUT',
      { type: 'Feature', geometry, properties: writable(properties) },
      { 'If-Match': etag, Accept: 'application/geo+json' },
    );
    if (response.status === 204) return loadPlot(id);
    return await readRecord(response);
  } catch (error) {
    if (error instanceof HttpError && error.status === 412) throw new PlotConflict(error.problem?.currentETag as string | undefined);
    throw error;
  }
}

/**
 * DELETE a plot with If-Match. A stale ETag becomes PlotConflict; any other refusal (403, 404, 409
 * when the plot's growing area is no longer a draft) stays an HttpError with the server's problem.
 */
export async function deletePlot(id: number, etag: string): Promise<void> {
  try {
    await request(`${ITEMS}/${id}`, { method: 'DELETE', headers: { 'If-Match': etag } });
  } catch (error) {
    if (error instanceof HttpError && error.status === 412) throw new PlotConflict(error.problem?.currentETag as string | undefined);
    throw error;
  }
}

/** One reason of the features API's 422 (server/ogc/validation.ts): a code, the server's English sentence, and its facts. */
type WriteReason = {
  code?: string;
  message?: string;
  overlaps?: { id: number; overlap_m2: number }[];
  outside_m2?: number;
  commune_code?: string;
  conflicting_id?: number;
};

/**
 * A reason in the officer's language: the geometry's own faults by the shared validator's words, the
 * database's checks (overlaps with the plots named, outside the commune, a duplicate) from their facts;
 * the server's sentence for anything else.
 */
function reasonSentence(r: WriteReason): string {
  const m2 = (value: number) => `${formatNumber(value, 1)} m²`;
  if (lang() === 'vi' && r.code && r.code in REASON_TEXT_VI) return REASON_TEXT_VI[r.code as ReasonCode];
  switch (r.code) {
    case 'PLOT_OVERLAPS':
    case 'PARCEL_OVERLAPS': {
      const list = (r.overlaps ?? []).slice(0, 10).map((o) => `#${o.id} (${m2(o.overlap_m2)})`);
      if (!list.length) break;
      return t(r.code === 'PLOT_OVERLAPS' ? 'reasonPlotOverlaps' : 'reasonParcelOverlaps', {
        count: r.overlaps!.length,
        limit: formatNumber(PLOT_OVERLAP_THRESHOLD_M2),
        list: list.join(', '),
      });
    }
    case 'OUTSIDE_COMMUNE':
      if (r.outside_m2 !== undefined && r.commune_code)
        return t('reasonOutsideCommuneBy', { m2: m2(r.outside_m2), commune: r.commune_code });
      if (r.commune_code && /not one of yours/.test(r.message ?? '')) return t('reasonNotYourCommune', { commune: r.commune_code });
      return t('reasonOutsideCommune');
    case 'DUPLICATE_KEY':
      if (r.conflicting_id !== undefined) return t('reasonDuplicate', { id: r.conflicting_id });
      break;
  }
  return r.message ?? r.code ?? String(r);
}

/** The reasons of a 422 in the officer's language, one line each (call again after a language switch), or undefined for other errors. */
export function validationReasons(error: unknown): string[] | undefined {
  if (!(error instanceof HttpError) || error.status !== 422) return undefined;
  const reasons: unknown = error.problem?.reasons;
  return Array.isArray(reasons) ? (reasons as WriteReason[]).map(reasonSentence) : [error.message];
}
