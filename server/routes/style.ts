import type {
  ExpressionSpecification,
  LayerSpecification,
  StyleSpecification,
  VectorSourceSpecification,
} from '@maplibre/maplibre-gl-style-spec';
import type { FeatureCollection, Point } from 'geojson';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import type { Queryable } from '../db/index.ts';
import { sendCachedJson } from './cached-json.ts';
import type { LandUseMap } from '../contracts/landuse-maps.ts';
import type { ZoningPlan } from '../contracts/zoning-plans.ts';
import { readLandUseCodes, type LandUseCode } from './land-use-codes.ts';
import { readLandUseMaps } from './landuse-maps.ts';

/** The part of a TileJSON 3.0.0 document the style needs. */
export type TileJson = {
  tiles: string[];
  minzoom?: number;
  maxzoom?: number;
  bounds?: [number, number, number, number];
  center?: [number, number, number];
  attribution?: string;
  vector_layers?: { id: string; fields?: Record<string, string> }[];
};

/** Map layer groups as the layer panel lists them, bottom to top; each is one tile source. */
export const LAYER_GROUPS = [
  { id: 'water', basemap: true, visible: true },
  { id: 'landuse', basemap: false, visible: false },
  { id: 'parcels', basemap: false, visible: true },
  { id: 'zones', basemap: false, visible: false },
  { id: 'roads', basemap: true, visible: true },
  { id: 'admin', basemap: true, visible: true },
  { id: 'growing_areas', basemap: false, visible: true },
  { id: 'plots', basemap: false, visible: true },
  { id: 'products', basemap: false, visible: true },
] as const;

/** A layer group id, which is also the tile source id and the layer name inside its tiles. */
export type LayerGroupId = (typeof LAYER_GROUPS)[number]['id'];

/** Groups drawn as polygons, whose labels must avoid tile edges. */
const POLYGON_GROUPS = new Set<LayerGroupId>(['water', 'landuse', 'parcels', 'zones', 'admin', 'growing_areas', 'plots']);

/**
 * The composite source (DESIGN.md: /tiles/a,b/z/x/y): one request per tile position carries every
 * layer shown by default. The layers hidden by default (land use, zoning) keep a source each, which
 * MapLibre fetches only once its layer is switched on: a first view downloads nothing it does not
 * draw, and switching zoning on does not download land use beside it (a planner starts with zoning:
 * a land-use tile is up to 105 KB, a zoning one under 20 KB).
 */
export const COMPOSITE_SOURCE = 'bando';

/** The font stack served under /fonts (scripts/build-glyphs.ts); one stack, so a phone downloads one set of glyphs. */
const FONT = ['Noto Sans Regular'];
const FONT_BOLD = FONT;

/** Colour for codes the table has no fill for (unknown or new codes). */
const UNKNOWN_FILL = '#E0E0E0';

/** Cao Lãnh, for a server whose tile sources report no centre. */
const DEFAULT_CENTER: [number, number, number] = [105.633, 10.46, 13];

type StyleInput = {
  /** Origin of absolute URLs (glyphs), e.g. http://localhost:3000. */
  origin: string;
  /** TileJSON per available source id, in any order; sources missing here are left out. */
  sources: Partial<Record<LayerGroupId, TileJson>>;
  /** TileJSON of the composite of the available sources shown by default, when the tile server offers it. */
  composites?: { shown?: TileJson | undefined };
  landUse: readonly LandUseCode[];
  /** One label point per current ward and commune (a polygon cut into tiles would be named once per tile). */
  adminLabels?: FeatureCollection<Point, { name: string; level: string; code: string }> | undefined;
  /** The land-use maps; the landuse layers show one at a time, the current plan first. */
  landUseMaps?: readonly LandUseMap[] | undefined;
  /** The zoning plans in force, so a print can cite the plan and its decision at any zoom (lots carry it only from z14). */
  zoningPlans?: readonly ZoningPlan[] | undefined;
};

// The plans whose lots the zones tiles draw (superseded plans are left out there too).
const SELECT_PLANS = `
  SELECT id, name, scale, decision_no, to_char(decision_date, 'YYYY-MM-DD') AS decision_date, authority
  FROM planning_plans WHERE status <> 'superseded' ORDER BY decision_date DESC, id`;

/** The zoning plans the zones layer draws. */
export async function readZoningPlans(db: Queryable): Promise<ZoningPlan[]> {
  const { rows } = await db.query<{
    id: number;
    name: string;
    scale: string;
    decision_no: string;
    decision_date: string;
    authority: string;
  }>(SELECT_PLANS);
  return rows.map((r) => ({
    id: Number(r.id),
    name: r.name,
    scale: r.scale,
    decisionNo: r.decision_no,
    decisionDate: String(r.decision_date),
    authority: r.authority,
  }));
}

/**
 * The land-use map shown when a link names none: the current plan (quy hoạch), else the current
 * status map (hiện trạng), else the first listed. The plan first, because the parcels layer already
 * shows each parcel's current use, and what people open the land-use layer for is what is planned.
 */
export function defaultLandUseMap(maps: readonly LandUseMap[]): LandUseMap | undefined {
  return maps.find((m) => m.kind === 'plan' && m.current) ?? maps.find((m) => m.current) ?? maps[0];
}

/**
 * Keeps one land-use map's areas: the landuse tiles carry every map (status and plan overlap
 * everywhere), so without this filter both are painted over each other. `map_id` is in every band.
 */
export function landUseMapFilter(mapId: number): ExpressionSpecification {
  return ['==', ['get', 'map_id'], mapId];
}

/** The GeoJSON source of the units' label points. */
export const ADMIN_LABELS_SOURCE = 'admin-labels';

// The units the admin tile source shows (today's), one representative point each.
const ADMIN_LABEL_POINTS = `
  SELECT code, name, level, ST_X(p) AS lon, ST_Y(p) AS lat
  FROM (SELECT code, name, level, ST_PointOnSurface(geom) AS p FROM admin_units
        WHERE geom IS NOT NULL AND level NOT IN ('hamlet', 'province')
          AND valid_from <= current_date AND (valid_to IS NULL OR valid_to > current_date)) u
  ORDER BY code`;

/** Today's wards and communes as label points, coordinates to 6 decimals. */
export async function readAdminLabels(db: Queryable): Promise<FeatureCollection<Point, { name: string; level: string; code: string }>> {
  const { rows } = await db.query<{ code: string; name: string; level: string; lon: number; lat: number }>(ADMIN_LABEL_POINTS);
  return {
    type: 'FeatureCollection',
    features: rows.map((r) => ({
      type: 'Feature',
      properties: { code: r.code, name: r.name, level: r.level },
      geometry: { type: 'Point', coordinates: [Number(Number(r.lon).toFixed(6)), Number(Number(r.lat).toFixed(6))] },
    })),
  };
}

/** ['match', code, 'LUC', '#FFFC8C', …, fallback]: the land-use colours, generated from the table. */
export function landUseFillExpression(codes: readonly LandUseCode[], property = 'land_use_code'): ExpressionSpecification {
  const pairs: string[] = [];
  for (const c of codes) if (c.fill) pairs.push(c.code, c.fill);
  if (pairs.length === 0) return ['literal', UNKNOWN_FILL] as unknown as ExpressionSpecification;
  return ['match', ['to-string', ['get', property]], ...pairs, UNKNOWN_FILL] as unknown as ExpressionSpecification;
}

function vectorSource(tj: TileJson): VectorSourceSpecification {
  return {
    type: 'vector',
    tiles: tj.tiles,
    minzoom: tj.minzoom ?? 0,
    maxzoom: tj.maxzoom ?? 16,
    ...(tj.bounds ? { bounds: tj.bounds } : {}),
    ...(tj.attribution ? { attribution: tj.attribution } : {}),
  };
}

/** A growing area's colour by its status: in force or on its way (the rest), suspended, revoked. */
/**
 * A growing area's colour by what its status means to a reader: a code in force (issued, approved,
 * active), suspended, revoked, failed its inspection (no code will be issued on it), or still being
 * processed (every other status: submitted, under inspection, passed and awaiting the code, forwarded
 * to the importing country). A buyer or a farmer must never read one of the last four as a valid code.
 */
type AreaColours = { inForce: string; suspended: string; revoked: string; failed: string; inProcess: string };
const byAreaStatus = (c: AreaColours): ExpressionSpecification => [
  'match',
  ['get', 'status'],
  'suspended',
  c.suspended,
  'revoked',
  c.revoked,
  'inspected_fail',
  c.failed,
  ['issued', 'approved', 'active'],
  c.inForce,
  c.inProcess,
];

const interpolateWidth = (pairs: number[]): ExpressionSpecification =>
  ['interpolate', ['exponential', 1.6], ['zoom'], ...pairs] as unknown as ExpressionSpecification;

/** A layer before its source is known (Omit distributed over the union of layer types). */
type LayerDraft = LayerSpecification extends infer L ? (L extends LayerSpecification ? Omit<L, 'source'> : never) : never;

/** Layers of one group, bottom to top; `source` is filled in by the caller. */
function groupLayers(group: LayerGroupId, landUse: ExpressionSpecification): LayerDraft[] {
  switch (group) {
    case 'water':
      return [
        { id: 'water-fill', type: 'fill', paint: { 'fill-color': '#A9D3F2', 'fill-opacity': 1 } },
        {
          id: 'water-label',
          type: 'symbol',
          minzoom: 12,
          layout: { 'text-field': ['coalesce', ['get', 'name'], ''], 'text-font': FONT, 'text-size': 12 },
          paint: { 'text-color': '#1F5F8B', 'text-halo-color': '#FFFFFF', 'text-halo-width': 1.2 },
        },
      ];
    case 'landuse':
      return [
        { id: 'landuse-fill', type: 'fill', paint: { 'fill-color': landUse, 'fill-opacity': 0.75 } },
        { id: 'landuse-line', type: 'line', minzoom: 12, paint: { 'line-color': '#9E8F7A', 'line-width': 0.4, 'line-opacity': 0.6 } },
      ];
    case 'parcels':
      return [
        { id: 'parcels-fill', type: 'fill', paint: { 'fill-color': landUse, 'fill-opacity': 0.55 } },
        {
          id: 'parcels-line',
          type: 'line',
          paint: { 'line-color': '#7A5C48', 'line-width': interpolateWidth([13, 0.3, 18, 1.5]), 'line-opacity': 0.9 },
        },
        {
          id: 'parcels-label',
          type: 'symbol',
          minzoom: 17,
          layout: {
            'text-field': ['to-string', ['coalesce', ['get', 'parcel_no'], '']],
            'text-font': FONT,
            'text-size': 11,
          },
          paint: { 'text-color': '#4E3B2E', 'text-halo-color': '#FFFFFF', 'text-halo-width': 1, 'text-opacity': 1 },
        },
      ];
    case 'zones':
      return [
        { id: 'zones-fill', type: 'fill', paint: { 'fill-color': landUse, 'fill-opacity': 0.45 } },
        {
          id: 'zones-line',
          type: 'line',
          paint: {
            'line-color': '#B0306A',
            'line-width': interpolateWidth([12, 0.8, 18, 2.5]),
            'line-dasharray': [3, 2],
            'line-opacity': 1,
          },
        },
        {
          id: 'zones-label',
          type: 'symbol',
          minzoom: 14,
          layout: { 'text-field': ['to-string', ['coalesce', ['get', 'lot_code'], '']], 'text-font': FONT_BOLD, 'text-size': 12 },
          paint: { 'text-color': '#7A1F48', 'text-halo-color': '#FFFFFF', 'text-halo-width': 1.2, 'text-opacity': 1 },
        },
      ];
    case 'roads':
      return [
        {
          id: 'roads-casing',
          type: 'line',
          layout: { 'line-cap': 'round', 'line-join': 'round' },
          paint: {
            'line-color': '#B8A99A',
            'line-width': [
              'interpolate',
              ['exponential', 1.6],
              ['zoom'],
              10,
              ['match', ['get', 'kind'], 'national', 3, 'provincial', 2.4, 1],
              18,
              ['match', ['get', 'kind'], 'national', 26, 'provincial', 20, 'urban', 14, 'rural', 9, 5],
            ],
            'line-opacity': 1,
          },
        },
        {
          id: 'roads-line',
          type: 'line',
          layout: { 'line-cap': 'round', 'line-join': 'round' },
          paint: {
            'line-color': ['match', ['get', 'kind'], 'national', '#F6C36B', 'provincial', '#FBE29B', '#FFFFFF'],
            'line-width': [
              'interpolate',
              ['exponential', 1.6],
              ['zoom'],
              10,
              ['match', ['get', 'kind'], 'national', 2, 'provincial', 1.6, 0.5],
              18,
              ['match', ['get', 'kind'], 'national', 23, 'provincial', 17, 'urban', 12, 'rural', 7, 3.5],
            ],
            'line-opacity': 1,
          },
        },
        {
          id: 'roads-label',
          type: 'symbol',
          minzoom: 13,
          layout: {
            'symbol-placement': 'line',
            'text-field': ['coalesce', ['get', 'name'], ''],
            'text-font': FONT,
            'text-size': 12,
          },
          paint: { 'text-color': '#3D3A35', 'text-halo-color': '#FFFFFF', 'text-halo-width': 1.5, 'text-opacity': 1 },
        },
      ];
    case 'admin': {
      // Wards and communes carry the map; hamlets (khóm, ấp) only once a street is readable.
      const hamlet: ExpressionSpecification = ['==', ['get', 'level'], 'hamlet'];
      const unit: ExpressionSpecification = ['!=', ['get', 'level'], 'hamlet'];
      return [
        {
          id: 'admin-hamlet-line',
          type: 'line',
          minzoom: 13,
          filter: hamlet,
          paint: { 'line-color': '#9C7BB8', 'line-width': 0.8, 'line-dasharray': [2, 2], 'line-opacity': 0.7 },
        },
        {
          id: 'admin-line',
          type: 'line',
          filter: unit,
          paint: {
            'line-color': '#7B4FA0',
            'line-width': [
              'interpolate',
              ['linear'],
              ['zoom'],
              9,
              ['match', ['get', 'level'], 'province', 2, 1.2],
              16,
              ['match', ['get', 'level'], 'province', 5, 3],
            ],
            'line-dasharray': [4, 2, 1, 2],
            'line-opacity': 0.85,
          },
        },
        {
          id: 'admin-label',
          type: 'symbol',
          maxzoom: 15,
          filter: ['all', unit, ['!=', ['get', 'level'], 'province']],
          layout: {
            'text-field': ['coalesce', ['get', 'name'], ''],
            'text-font': FONT_BOLD,
            'text-size': 14,
            'text-transform': 'uppercase',
            'text-max-width': 8,
          },
          paint: { 'text-color': '#5B3380', 'text-halo-color': '#FFFFFF', 'text-halo-width': 1.6, 'text-opacity': 1 },
        },
        {
          id: 'admin-hamlet-label',
          type: 'symbol',
          minzoom: 14.5,
          filter: hamlet,
          layout: { 'text-field': ['coalesce', ['get', 'name'], ''], 'text-font': FONT, 'text-size': 11 },
          paint: { 'text-color': '#7B4FA0', 'text-halo-color': '#FFFFFF', 'text-halo-width': 1.2, 'text-opacity': 1 },
        },
      ];
    }
    case 'growing_areas':
      // Only a code in force is drawn green: suspended, revoked, failed and pending areas each have
      // a colour of their own (the legend names them from these).
      return [
        {
          id: 'growing_areas-fill',
          type: 'fill',
          paint: {
            'fill-color': byAreaStatus({
              inForce: '#2E7D32',
              suspended: '#EF6C00',
              revoked: '#757575',
              failed: '#C62828',
              inProcess: '#0277BD',
            }),
            'fill-opacity': 0.12,
          },
        },
        {
          id: 'growing_areas-line',
          type: 'line',
          paint: {
            'line-color': byAreaStatus({
              inForce: '#1B5E20',
              suspended: '#E65100',
              revoked: '#616161',
              failed: '#B71C1C',
              inProcess: '#01579B',
            }),
            'line-width': 2,
            'line-opacity': 1,
          },
        },
        {
          id: 'growing_areas-label',
          type: 'symbol',
          minzoom: 13,
          layout: {
            // The code; an area without one (a draft) by its name: the web map gives each label point
            // that name cut to fit, whole letters only, as 'label' (web/src/map/area-labels.ts); read
            // straight from the tiles the whole name shows, wrapped at 9 ems so it never runs wide.
            'text-field': ['to-string', ['coalesce', ['get', 'code'], ['get', 'label'], ['get', 'name'], '']],
            'text-font': FONT_BOLD,
            'text-size': 12,
            'text-max-width': 9,
          },
          paint: {
            'text-color': byAreaStatus({
              inForce: '#1B5E20',
              suspended: '#BF360C',
              revoked: '#616161',
              failed: '#B71C1C',
              inProcess: '#01579B',
            }),
            'text-halo-color': '#FFFFFF',
            'text-halo-width': 1.4,
            'text-opacity': 1,
          },
        },
      ];
    case 'plots':
      return [
        { id: 'plots-fill', type: 'fill', paint: { 'fill-color': '#FF9800', 'fill-opacity': 0.3 } },
        {
          id: 'plots-line',
          type: 'line',
          paint: { 'line-color': '#E65100', 'line-width': interpolateWidth([12, 0.8, 18, 2.5]), 'line-opacity': 1 },
        },
      ];
    case 'products':
      return [
        {
          id: 'products-circle',
          type: 'circle',
          paint: {
            'circle-color': [
              'match',
              ['get', 'category'],
              'fruit',
              '#F57C00',
              'rice',
              '#C0A000',
              'vegetable',
              '#43A047',
              'aquaculture',
              '#1E88E5',
              'flower',
              '#D81B60',
              'livestock',
              '#6D4C41',
              '#757575',
            ],
            'circle-radius': ['interpolate', ['linear'], ['zoom'], 10, 3, 16, 7],
            'circle-stroke-color': '#FFFFFF',
            'circle-stroke-width': 1.5,
            'circle-opacity': 1,
            'circle-stroke-opacity': 1,
          },
        },
        {
          id: 'products-label',
          type: 'symbol',
          minzoom: 15,
          layout: {
            'text-field': ['coalesce', ['get', 'product'], ''],
            'text-font': FONT,
            'text-size': 11,
            // Below its point where there is room, else above, right or left of it: a parcel's number
            // is placed first (LABEL_ORDER), and the name moves round the point instead of hiding it.
            'text-variable-anchor': ['top', 'bottom', 'left', 'right'],
            'text-radial-offset': 0.9,
            'text-justify': 'auto',
          },
          paint: { 'text-color': '#333333', 'text-halo-color': '#FFFFFF', 'text-halo-width': 1.2, 'text-opacity': 1 },
        },
      ];
  }
}

/**
 * The labels bottom to top. MapLibre places the top layer's labels first and hides a later label
 * that would collide: a parcel's number (what an officer and a farmer read a parcel by) goes before
 * a product's name, which sits on a point inside that parcel and used to hide it at z17–18. The rest
 * keep their groups' order.
 */
const LABEL_ORDER = [
  'water-label',
  'products-label',
  'parcels-label',
  'zones-label',
  'roads-label',
  'admin-label',
  'admin-hamlet-label',
  'growing_areas-label',
];
const labelRank = (id: string) => {
  const at = LABEL_ORDER.indexOf(id);
  return at < 0 ? LABEL_ORDER.length : at;
};

/** Highlight of the selected feature; the client sets its filter to the selected id. */
function highlightLayer(group: LayerGroupId): LayerDraft {
  if (group === 'products') {
    return {
      id: 'products-highlight',
      type: 'circle',
      filter: ['==', ['id'], -1],
      paint: { 'circle-radius': 11, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': '#00B8D4', 'circle-stroke-width': 3 },
    };
  }
  if (group === 'roads') {
    return {
      id: 'roads-highlight',
      type: 'line',
      filter: ['==', ['id'], -1],
      paint: { 'line-color': '#00B8D4', 'line-width': 5, 'line-opacity': 0.8 },
    };
  }
  return {
    id: `${group}-highlight`,
    type: 'line',
    filter: ['==', ['id'], -1],
    paint: { 'line-color': '#00B8D4', 'line-width': 4 },
  };
}

/**
 * The MapLibre style: our own basemap and thematic layers from the tile sources, land-use colours
 * from the table, glyphs from this server. No URL points outside it, so it works on a closed network.
 * Each layer's metadata names its group, so the layer panel needs no list of its own.
 */
export function buildStyle(input: StyleInput): StyleSpecification {
  const fill = landUseFillExpression(input.landUse);
  const available = LAYER_GROUPS.filter((g) => input.sources[g.id]);
  const sources: StyleSpecification['sources'] = {};
  const shown = input.composites?.shown;
  if (shown) sources[COMPOSITE_SOURCE] = vectorSource(shown);
  // A group goes through its composite when there is one, else through its own source.
  const sourceFor = (g: (typeof LAYER_GROUPS)[number]): string => {
    if (g.visible && shown) return COMPOSITE_SOURCE;
    sources[g.id] = vectorSource(input.sources[g.id]!);
    return g.id;
  };

  const shownMap = defaultLandUseMap(input.landUseMaps ?? []);
  const layers: LayerSpecification[] = [{ id: 'background', type: 'background', paint: { 'background-color': '#F4F1EA' } }];
  // Fills and lines first, in group order; labels and highlights above every geometry.
  const labels: LayerSpecification[] = [];
  const highlights: LayerSpecification[] = [];
  for (const g of available) {
    const tj = input.sources[g.id]!;
    const common = {
      source: sourceFor(g),
      'source-layer': g.id,
      metadata: { 'bando:group': g.id },
    };
    const visibility = g.visible ? 'visible' : 'none';
    for (const layer of groupLayers(g.id, fill)) {
      const full = { ...layer, ...common, layout: { ...(layer.layout ?? {}), visibility } } as LayerSpecification;
      if (g.id === 'landuse' && shownMap && full.type !== 'background') full.filter = landUseMapFilter(shownMap.id);
      // Ward and commune names come from one point per unit (ADMIN_LABELS_SOURCE), not once per tile piece.
      if (layer.id === 'admin-label' && input.adminLabels) {
        sources[ADMIN_LABELS_SOURCE] = { type: 'geojson', data: input.adminLabels };
        const single = { ...full, source: ADMIN_LABELS_SOURCE } as LayerSpecification & { 'source-layer'?: string };
        delete single['source-layer'];
        labels.push(single);
        continue;
      }
      // A polygon is cut at tile edges and each piece gets a label: keep only labels clear of the edges.
      if (full.type === 'symbol' && POLYGON_GROUPS.has(g.id)) (full.layout as Record<string, unknown>)['symbol-avoid-edges'] = true;
      // The source's own zoom range bounds its layers (a composite tile may start lower).
      if (tj.minzoom !== undefined && (full.minzoom ?? 0) < tj.minzoom) full.minzoom = tj.minzoom;
      (full.type === 'symbol' ? labels : layers).push(full);
    }
    highlights.push({ ...highlightLayer(g.id), ...common, ...(tj.minzoom ? { minzoom: tj.minzoom } : {}) } as LayerSpecification);
  }
  labels.sort((a, b) => labelRank(a.id) - labelRank(b.id));
  layers.push(...labels, ...highlights);

  const parcels = input.sources.parcels ?? shown ?? available.map((g) => input.sources[g.id]).find(Boolean);
  const center = parcels?.center ?? DEFAULT_CENTER;
  return {
    version: 8,
    name: 'Bản đồ số Cao Lãnh',
    metadata: {
      'bando:groups': available.map((g) => ({ id: g.id, basemap: g.basemap, visible: g.visible })),
      'bando:bounds': parcels?.bounds ?? null,
      ...(input.sources.landuse ? { 'bando:landuseMaps': input.landUseMaps ?? [] } : {}),
      ...(input.sources.zones ? { 'bando:plans': input.zoningPlans ?? [] } : {}),
    },
    center: [center[0], center[1]],
    zoom: center[2] ?? DEFAULT_CENTER[2],
    glyphs: `${input.origin}/fonts/{fontstack}/{range}.pbf`,
    sources,
    layers,
  };
}

/** The origin the style's URLs use: the configured public URL, else the host the client asked (only if it looks like one). */
function originOf(request: FastifyRequest, ctx: AppContext): string {
  if (ctx.config.publicUrl) return ctx.config.publicUrl;
  const host = /^[A-Za-z0-9.[\]:-]{1,255}$/.test(request.host ?? '') ? request.host : 'localhost';
  return `${request.protocol}://${host}`;
}

/**
 * GET /style.json: the style, built from the tile server's own TileJSON (read through the app, so
 * it follows whatever the tile routes answer) and the land-use table. Tile URLs in TileJSON carry
 * the data version, so the style is revalidated on every load (no-cache + ETag).
 */
export async function styleRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/style.json', async (request, reply) => {
    const headers = { host: new URL(originOf(request, ctx)).host, 'x-forwarded-proto': request.protocol };
    const fetchJson = async <T>(url: string): Promise<T | undefined> => {
      const res = await app.inject({ method: 'GET', url, headers });
      if (res.statusCode !== 200) return undefined;
      try {
        return res.json() as T;
      } catch {
        return undefined;
      }
    };
    const sources: Partial<Record<LayerGroupId, TileJson>> = {};
    await Promise.all(
      LAYER_GROUPS.map(async (g) => {
        const tj = await fetchJson<TileJson>(`/tiles/${g.id}`);
        if (tj && Array.isArray(tj.tiles) && tj.tiles.length > 0) sources[g.id] = tj;
      }),
    );
    const composite = async () => {
      const ids = LAYER_GROUPS.filter((g) => g.visible && sources[g.id]).map((g) => g.id);
      if (ids.length < 2) return undefined;
      const tj = await fetchJson<TileJson>(`/tiles/${ids.join(',')}`);
      return tj && Array.isArray(tj.tiles) && tj.tiles.length > 0 ? tj : undefined;
    };
    const style = buildStyle({
      origin: originOf(request, ctx),
      sources,
      composites: { shown: await composite() },
      landUse: await readLandUseCodes(ctx.db),
      adminLabels: sources.admin ? await readAdminLabels(ctx.db) : undefined,
      landUseMaps: sources.landuse ? await readLandUseMaps(ctx.db) : undefined,
      zoningPlans: sources.zones ? await readZoningPlans(ctx.db) : undefined,
    });
    return sendCachedJson(request, reply, JSON.stringify(style), 'no-cache');
  });
}
