// The tile sources of Bản đồ số, declared as data: what each layer shows at which zooms, and how
// it is generalized. The catalog turns these into SQL once at start-up. Attribute lists are the
// privacy boundary: public tiles carry only what is listed under `properties`, never farmer names,
// citizen ids, phone numbers, owners or contacts (DOMAIN.md, Privacy).
import type { PropertyDef, SourceConfig } from '../layer.ts';
import { LANDUSE_GENERALIZED, type GeneralizedLayerConfig } from './generalized.ts';

const ATTRIBUTION = '© Bản đồ số Cao Lãnh';

const prop = (name: string, type: PropertyDef['type'], description: string, sql?: string): PropertyDef =>
  sql === undefined ? { name, type, description } : { name, type, description, sql };

// Geodesic areas to 0.1 m²: the digits beyond are noise (they differ between PROJ versions) and tile bytes.
const AREA_ROUNDED = 'round(t.area_m2::numeric, 1)';

const LAND_USE = prop('land_use_code', 'string', 'Land-use code (Circular 08/2024), e.g. LUC, CLN, ODT');

const parcels: SourceConfig = {
  id: 'parcels',
  name: 'Thửa đất / Cadastral parcels',
  description: 'Cadastral parcels with their land-use code; sheet, number and area from z16.',
  attribution: ATTRIBUTION,
  from: { table: 'parcels' },
  geometryType: 'polygon',
  minzoom: 13,
  maxzoom: 18,
  tables: ['parcels'],
  bands: [
    // Below z16 a parcel is a few pixels: its colour is all a map can show, so only the code travels.
    { minzoom: 13, maxzoom: 13, properties: [LAND_USE], minPixels: 3 },
    { minzoom: 14, maxzoom: 15, properties: [LAND_USE], minPixels: 1 },
    {
      minzoom: 16,
      maxzoom: 18,
      // A parcel is many pixels wide from z16: the part filter would only cut buffer slivers.
      partFilter: false,
      properties: [
        LAND_USE,
        prop('commune_code', 'string', 'Code of the (old) commune whose map sheet holds the parcel'),
        prop('sheet', 'integer', 'Map sheet number (tờ bản đồ số)'),
        prop('parcel_no', 'integer', 'Parcel number (thửa đất số)'),
        prop('legal_area_m2', 'number', 'Legal area, m²'),
        prop('address', 'string', 'Address of the parcel'),
      ],
    },
  ],
};

const LANDUSE_PROPS = [LAND_USE, prop('map_id', 'integer', 'Land-use map the area belongs to')];
const LANDUSE_MAP_PROPS = [
  ...LANDUSE_PROPS,
  prop('map_kind', 'string', 'status (hiện trạng) or plan (quy hoạch)', 'm.kind'),
  prop('year', 'integer', 'Year of the map', 'm.year'),
];

const landuse: SourceConfig = {
  id: 'landuse',
  name: 'Sử dụng đất / Land use',
  description: 'Land-use maps (status and plan): dissolved per code up to z13, single areas from z14.',
  attribution: ATTRIBUTION,
  from: { sql: 'landuse_areas AS t JOIN landuse_maps AS m ON m.id = t.map_id' },
  geometryType: 'polygon',
  minzoom: 8,
  maxzoom: 18,
  tables: ['landuse_areas', 'landuse_maps'],
  bands: [
    { minzoom: 8, maxzoom: 10, properties: LANDUSE_PROPS, generalized: { layer: 'landuse', level: 10 } },
    { minzoom: 11, maxzoom: 12, properties: LANDUSE_PROPS, generalized: { layer: 'landuse', level: 12 } },
    // A z13 tile spans ~5 km: thousands of status-map areas of ~60 m, so it is dissolved too.
    { minzoom: 13, maxzoom: 13, properties: LANDUSE_PROPS, generalized: { layer: 'landuse', level: 13 } },
    { minzoom: 14, maxzoom: 15, properties: LANDUSE_MAP_PROPS, simplify: 'coverage', minPixels: 1 },
    { minzoom: 16, maxzoom: 18, properties: LANDUSE_MAP_PROPS, simplify: 'coverage' },
  ],
};

const ZONE_BASE = [
  prop('lot_code', 'string', 'Zoning lot code, e.g. ODT-01'),
  prop('function', 'string', 'Land function (Vietnamese)'),
  LAND_USE,
  prop('phase', 'string', 'existing, first_phase or long_term'),
];

const zones: SourceConfig = {
  id: 'zones',
  name: 'Quy hoạch / Zoning',
  description: 'Zoning lots of the approved plans with their controls and approving decision.',
  attribution: ATTRIBUTION,
  from: { sql: 'zoning_lots AS t JOIN planning_plans AS p ON p.id = t.plan_id' },
  geometryType: 'polygon',
  minzoom: 10,
  maxzoom: 18,
  tables: ['zoning_lots', 'planning_plans'],
  where: `p.status <> 'superseded'`,
  bands: [
    { minzoom: 10, maxzoom: 13, properties: ZONE_BASE, simplify: 'coverage' },
    {
      minzoom: 14,
      maxzoom: 18,
      simplify: 'coverage',
      properties: [
        ...ZONE_BASE,
        prop('info_code', 'string', 'maThongTinQH (Circular 16/2025)'),
        prop('max_density_pct', 'number', 'Maximum building density, %'),
        prop('max_far', 'number', 'Maximum floor-area ratio (hệ số sử dụng đất)'),
        prop('min_floors', 'integer', 'Minimum floors'),
        prop('max_floors', 'integer', 'Maximum floors'),
        prop('max_height_m', 'number', 'Maximum height, m'),
        prop('setback_m', 'number', 'Setback, m'),
        prop('area_m2', 'number', 'Lot area, m² (geodesic); × max_far is the floor area allowed', AREA_ROUNDED),
        prop('plan_id', 'integer', 'Plan the lot belongs to'),
        prop('plan_name', 'string', 'Name of the plan', 'p.name'),
        prop('plan_scale', 'string', '1/5000, 1/2000 or 1/500', 'p.scale'),
        prop('decision_no', 'string', 'Approving decision number', 'p.decision_no'),
        prop('decision_date', 'string', 'Approving decision date (YYYY-MM-DD)', `to_char(p.decision_date, 'YYYY-MM-DD')`),
        prop('authority', 'string', 'Approving authority', 'p.authority'),
      ],
    },
  ],
};

const products: SourceConfig = {
  id: 'products',
  name: 'Nông sản / Agricultural products',
  description: 'Farms and producers with their product, season and volume.',
  attribution: ATTRIBUTION,
  from: { table: 'products' },
  geometryType: 'point',
  minzoom: 10,
  maxzoom: 18,
  tables: ['products'],
  bands: [
    {
      minzoom: 10,
      maxzoom: 18,
      properties: [
        prop('product', 'string', 'Product, e.g. Xoài Cát Chu'),
        prop('category', 'string', 'fruit, rice, vegetable, aquaculture, flower, livestock or other'),
        prop('season', 'string', 'Season, e.g. Đông Xuân'),
        prop('volume_tonnes', 'number', 'Volume in tonnes over the product season (a year when the season is quanh năm)'),
        prop('producer_kind', 'string', 'household, cooperative or company'),
        // A cooperative's or company's name is public; a household's is a person's name and is not.
        prop(
          'producer_name',
          'string',
          'Name of a cooperative or company',
          `CASE WHEN t.producer_kind <> 'household' THEN t.producer_name END`,
        ),
        prop('commune_code', 'string', "Today's commune or ward code"),
      ],
    },
  ],
  restricted: {
    // A household's address is personal data (shown through the audited API, not in tiles).
    properties: [prop('farmer_id', 'integer', 'Farmer record of a household farm')],
    communeSql: 't.commune_code',
    farmerSql: 't.farmer_id',
  },
};

const GROWING_PUBLIC = [
  prop('code', 'string', 'Growing-area code (mã số vùng trồng), once issued'),
  prop('scheme', 'string', 'domestic-3156, export-puc or export-phc'),
  prop('crop', 'string', 'Crop code, e.g. mango'),
  prop('status', 'string', 'Lifecycle status'),
  prop('area_m2', 'number', 'Area, m² (sum of its plots)', AREA_ROUNDED),
  prop('markets', 'string', 'Target markets, comma-separated ISO codes', `array_to_string(t.markets, ',')`),
];

const growingAreas: SourceConfig = {
  id: 'growing_areas',
  name: 'Vùng trồng / Growing areas',
  description: 'Growing areas (mã số vùng trồng): code, crop, status and area.',
  attribution: ATTRIBUTION,
  from: { table: 'growing_areas' },
  geometryType: 'polygon',
  minzoom: 8,
  maxzoom: 18,
  tables: ['growing_areas', 'plots'],
  where: `t.status <> 'superseded'`,
  bands: [
    { minzoom: 8, maxzoom: 12, properties: GROWING_PUBLIC, simplify: 'topology' },
    { minzoom: 13, maxzoom: 18, properties: GROWING_PUBLIC, simplify: 'topology' },
  ],
  restricted: {
    properties: [
      prop('name', 'string', 'Name of the growing area'),
      // A person's name is personal data whose every disclosure is logged, which tiles cannot do.
      prop(
        'registrant_name',
        'string',
        'Registrant cooperative or company',
        `CASE WHEN t.registrant_kind <> 'person' THEN t.registrant_name END`,
      ),
      prop('households', 'integer', 'Households in the area'),
    ],
    communeSql: 't.commune_code',
    // As in /ogc: a draft is its ward officer's work in progress, not yet public.
    hiddenRowsSql: `t.status = 'draft'`,
  },
};

// A growing area in draft is its ward officer's work in progress (hidden from the growing_areas
// tiles above): its plots do not tell the public that they are in one, nor which.
const IN_DRAFT_AREA = `g.status = 'draft'`;
const PLOT_PUBLIC = [
  prop('crop', 'string', 'Crop code'),
  prop('area_m2', 'number', 'Area, m² (geodesic)', AREA_ROUNDED),
  { ...prop('growing_area_id', 'integer', 'Growing area the plot belongs to'), hiddenWhenSql: IN_DRAFT_AREA },
  { ...prop('code', 'string', "Its growing area's code", 'g.code'), hiddenWhenSql: IN_DRAFT_AREA },
  { ...prop('status', 'string', "Its growing area's status", 'g.status'), hiddenWhenSql: IN_DRAFT_AREA },
];

const plots: SourceConfig = {
  id: 'plots',
  name: 'Thửa sản xuất / Production plots',
  description: 'Production plots: crop, area and their growing area; details for their officer and farmer.',
  attribution: ATTRIBUTION,
  from: { sql: 'plots AS t LEFT JOIN growing_areas AS g ON g.id = t.growing_area_id' },
  geometryType: 'polygon',
  minzoom: 12,
  maxzoom: 18,
  tables: ['plots', 'growing_areas'],
  bands: [
    { minzoom: 12, maxzoom: 14, properties: PLOT_PUBLIC },
    { minzoom: 15, maxzoom: 18, properties: PLOT_PUBLIC },
  ],
  restricted: {
    properties: [
      prop('farmer_id', 'integer', 'Farmer record'),
      prop('variety', 'string', 'Variety'),
      prop('planting_date', 'string', 'Planting date (YYYY-MM-DD)', `to_char(t.planting_date, 'YYYY-MM-DD')`),
      prop('expected_harvest', 'string', 'Expected harvest (YYYY-MM-DD)', `to_char(t.expected_harvest, 'YYYY-MM-DD')`),
    ],
    communeSql: 't.commune_code',
    farmerSql: 't.farmer_id',
  },
};

const ADMIN_PROPS = [
  prop('code', 'string', 'Unit code'),
  prop('name', 'string', 'Unit name'),
  prop('level', 'string', 'province, ward, commune, …'),
];

const admin: SourceConfig = {
  id: 'admin',
  name: 'Địa giới hành chính / Administrative units',
  description: 'Current communes, wards and province (since 01/07/2025).',
  attribution: ATTRIBUTION,
  from: { table: 'admin_units' },
  geometryType: 'polygon',
  minzoom: 6,
  maxzoom: 18,
  tables: ['admin_units'],
  where: `(t.valid_to IS NULL OR t.valid_to > current_date) AND t.valid_from <= current_date`,
  bands: [
    { minzoom: 6, maxzoom: 10, properties: ADMIN_PROPS, simplify: 'coverage' },
    { minzoom: 11, maxzoom: 14, properties: ADMIN_PROPS, simplify: 'coverage' },
    { minzoom: 15, maxzoom: 18, properties: ADMIN_PROPS, simplify: 'coverage' },
  ],
};

const ROAD_PROPS = [prop('name', 'string', 'Road name'), prop('kind', 'string', 'national, provincial, urban, rural or path')];

const roads: SourceConfig = {
  id: 'roads',
  name: 'Đường / Roads',
  description: 'Basemap roads: main roads first, all roads from z14.',
  attribution: ATTRIBUTION,
  from: { table: 'roads' },
  geometryType: 'line',
  minzoom: 6,
  maxzoom: 18,
  tables: ['roads'],
  bands: [
    { minzoom: 6, maxzoom: 10, properties: ROAD_PROPS, where: `t.kind IN ('national', 'provincial')` },
    { minzoom: 11, maxzoom: 13, properties: ROAD_PROPS, where: `t.kind IN ('national', 'provincial', 'urban')` },
    { minzoom: 14, maxzoom: 15, properties: ROAD_PROPS, where: `t.kind <> 'path'` },
    { minzoom: 16, maxzoom: 18, properties: ROAD_PROPS },
  ],
};

const WATER_PROPS = [prop('name', 'string', 'Name of the river, canal or lake'), prop('kind', 'string', 'river, canal, pond or lake')];

const water: SourceConfig = {
  id: 'water',
  name: 'Sông, kênh / Water',
  description: 'Basemap water: rivers and canals, ponds from z14.',
  attribution: ATTRIBUTION,
  from: { table: 'water' },
  geometryType: 'polygon',
  minzoom: 6,
  maxzoom: 18,
  tables: ['water'],
  bands: [
    { minzoom: 6, maxzoom: 10, properties: WATER_PROPS, where: `t.kind IN ('river', 'lake')`, simplify: 'topology' },
    { minzoom: 11, maxzoom: 13, properties: WATER_PROPS, where: `t.kind <> 'pond'`, simplify: 'topology' },
    { minzoom: 14, maxzoom: 18, properties: WATER_PROPS, simplify: 'topology' },
  ],
};

/** Every tile source of the platform, in the order the map draws them (bottom first). */
export const SOURCES: readonly SourceConfig[] = [water, landuse, zones, parcels, roads, admin, growingAreas, plots, products];

/** The precomputed generalized layers the sources read at low zooms. */
export const GENERALIZED: readonly GeneralizedLayerConfig[] = [LANDUSE_GENERALIZED];
