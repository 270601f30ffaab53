import type { Polygon } from 'geojson';
import { HttpError, request, sendJson } from '../api/http.ts';

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

/** The reasons of a 422, one line each, or undefined for other errors. */
export function validationReasons(error: unknown): string[] | undefined {
  if (!(error instanceof HttpError) || error.status !== 422) return undefined;
  const reasons = error.problem?.reasons;
  return Array.isArray(reasons)
    ? reasons.map((r: { message?: string; code?: string }) => r.message ?? r.code ?? String(r))
    : [error.message];
}
