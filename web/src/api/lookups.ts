import { getJson } from './http.ts';

/** One zoning lot or land-use polygon a parcel touches, with the share of the parcel inside it. */
export type ParcelShare = {
  kind: 'zone' | 'landuse';
  code: string;
  label?: string;
  shareM2: number;
  sharePct: number;
  details: Record<string, unknown>;
};

/** A parcel's planning answer: its area, the name of its (old) commune, and every zone and land use it touches. */
export type ParcelPlanning = { areaM2: number | undefined; communeName?: string; zones: ParcelShare[]; landUses: ParcelShare[] };

/** Identifies a parcel the way a certificate does: (old) commune code, map sheet, parcel number. */
export type ParcelKey = { id?: string | number; commune: string; sheet: number; parcel: number };

function num(value: unknown): number {
  const n = Number(value);
  return Number.isFinite(n) ? n : 0;
}

function shares(list: unknown, kind: ParcelShare['kind']): ParcelShare[] {
  return (Array.isArray(list) ? (list as Record<string, unknown>[]) : []).map((raw) => ({
    kind,
    code: String((kind === 'zone' ? raw.lot_code : raw.land_use_code) ?? ''),
    label: (kind === 'zone' ? raw.function : raw.map_name) as string | undefined,
    shareM2: num(raw.area_m2),
    sharePct: num(raw.pct),
    details: raw,
  }));
}

/** Reads GET /api/lookup/parcel's answer ({parcels: [{…, area_m2, zones, landUses}]}) for the parcel with this id. */
export function readParcelPlanning(body: { parcels?: Record<string, unknown>[] }, id?: string | number): ParcelPlanning | undefined {
  const list = body.parcels ?? [];
  const parcel = list.find((p) => id !== undefined && String(p.id) === String(id)) ?? list[0];
  if (!parcel) return undefined;
  return {
    areaM2: parcel.area_m2 === undefined ? undefined : num(parcel.area_m2),
    ...(typeof parcel.commune_name === 'string' ? { communeName: parcel.commune_name } : {}),
    zones: shares(parcel.zones, 'zone'),
    landUses: shares(parcel.landUses, 'landuse'),
  };
}

/** Every zoning lot and land use the parcel touches, with m² and % (GET /api/lookup/parcel). */
export async function lookupParcel(key: ParcelKey): Promise<ParcelPlanning | undefined> {
  const params = new URLSearchParams({ commune: key.commune, sheet: String(key.sheet), parcel: String(key.parcel) });
  return readParcelPlanning(await getJson<{ parcels?: Record<string, unknown>[] }>(`/api/lookup/parcel?${params}`), key.id);
}

/** A feature's full properties from the features API (tiles carry only a few at low zooms). */
export async function featureProperties(collection: string, id: string | number): Promise<Record<string, unknown>> {
  const feature = await getJson<{ properties?: Record<string, unknown> }>(
    `/ogc/collections/${encodeURIComponent(collection)}/items/${encodeURIComponent(String(id))}`,
    { headers: { Accept: 'application/geo+json' } },
  );
  return feature.properties ?? {};
}

/** What the features API's queryables say of one property: its title ("Số hộ / Households") and JSON Schema type. */
export type PropertySchema = { title?: string; type?: string; format?: string; enum?: readonly unknown[] };

const schemas = new Map<string, Promise<Record<string, PropertySchema>>>();

/** Keeps the parts of a queryables entry the card reads, each only when it has the expected type. */
function schemaOf(raw: unknown): PropertySchema {
  const v = (raw ?? {}) as Record<string, unknown>;
  const out: PropertySchema = {};
  if (typeof v.title === 'string') out.title = v.title;
  if (typeof v.type === 'string') out.type = v.type;
  if (typeof v.format === 'string') out.format = v.format;
  if (Array.isArray(v.enum)) out.enum = v.enum;
  return out;
}

/** Forgets the descriptions read so far: they differ by viewer (an officer's name the farmer's phone), read again after a sign-in or sign-out. */
export function forgetPropertySchemas(): void {
  schemas.clear();
}

/**
 * The features API's description of a collection's properties (title, type, date format, enum), by
 * property name, read once per collection from its queryables; empty when they cannot be read.
 */
export function propertySchemas(collection: string): Promise<Record<string, PropertySchema>> {
  let pending = schemas.get(collection);
  if (!pending) {
    pending = getJson<{ properties?: Record<string, unknown> }>(`/ogc/collections/${encodeURIComponent(collection)}/queryables`, {
      headers: { Accept: 'application/schema+json' },
    }).then(
      (doc) => Object.fromEntries(Object.entries(doc.properties ?? {}).map(([k, v]) => [k, schemaOf(v)])),
      () => {
        // A failed read is tried again by the next card of this collection.
        schemas.delete(collection);
        return {};
      },
    );
    schemas.set(collection, pending);
  }
  return pending;
}
