// The feature collections served under /ogc, declared once: table, joins, geometry, properties with
// their SQL, types, write rules and privacy. Every read, write, queryable list, JSON schema and the
// OpenAPI document is derived from these declarations (cf. pg_featureserv's layer catalogue).

import type { Role } from '../contracts/viewer.ts';

/** Property value types, as JSON Schema sees them. */
export type PropertyType = 'string' | 'integer' | 'number' | 'date' | 'date-time' | 'boolean' | 'string[]' | 'json';

/** One property of a collection. */
export type PropertyDef = Readonly<{
  name: string;
  title: string;
  type: PropertyType;
  /** SQL that reads it: `t` is the table; the collection's joins may be used. Built by us, never from input. */
  sql: string;
  /** Column written from input; absent means the property is read-only. */
  column?: string;
  /** Personal data: shown only where the viewer's privacy predicate holds (never to anonymous or planners). */
  personal?: boolean;
  /** Private only on some rows (a household's address): SQL that is true where the value is private. */
  privateWhen?: string;
  /** Must be present (non-null) on create and replace. */
  required?: boolean;
  /** Value used when a create or replace leaves it out (the column's default). */
  default?: unknown;
  /** Read-only here and changed through another workflow (the growing-area lifecycle): changing it is refused. */
  managed?: boolean;
  enum?: readonly string[];
  pattern?: string;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  /** Pattern of each item of a string[] property. */
  itemPattern?: string;
  /** Offered as a queryable (filter and property filters); scalar properties are by default. */
  queryable?: boolean;
  description?: string;
}>;

/** Where personal data of a row is scoped: to farmers of a commune, to parcel owners, to a registrant. */
export type Privacy = 'none' | 'farmer' | 'parcel' | 'registrant';

/** One collection. */
export type CollectionDef = Readonly<{
  id: string;
  title: string;
  description: string;
  table: string;
  /** FROM clause with the alias t and any joins every read needs. */
  from: string;
  /** Joins added only for viewers who may see personal data. */
  personalJoins?: string;
  geometry: Readonly<{
    type: 'Point' | 'Polygon' | 'MultiPolygon';
    /** False when the server derives it (a growing area's is the union of its plots). */
    writable: boolean;
    nullable: boolean;
  }>;
  properties: readonly PropertyDef[];
  privacy: Privacy;
  /** Roles that may create, replace, update and delete (empty: read-only). */
  writers: readonly Role[];
  /** Officers write only records whose commune_code is one of theirs. */
  communeScoped: boolean;
  /** The property that `datetime` filters on: an instant, or a validity interval. */
  temporal?: Readonly<{ start: string; end?: string }>;
  /** Has a created_by column that writes fill with the user. */
  createdBy: boolean;
  /** Server-side checks that need the database, run on every create, replace, update and restore. */
  checks: readonly ('commune' | 'plot-overlap' | 'parcel-overlap')[];
  /** A row's id is also its lineage_id on creation (growing areas). */
  lineageFromId?: boolean;
  /** What an officer's read of personal data is logged as: access_log.subject = prefix + the SQL's value. */
  revealSubject?: Readonly<{ prefix: string; sql: string }>;
}>;

/** Growing-area statuses shown to the public (buyers scanning a code must see suspensions and revocations). */
export const PUBLIC_GROWING_AREA_STATUSES: readonly string[] = ['issued', 'approved', 'active', 'suspended', 'revoked'];

const COMMUNE_CODE = '^[0-9]{3,6}$';
const meta: PropertyDef[] = [
  {
    name: 'version',
    title: 'Version',
    type: 'integer',
    sql: 't.version',
    description: 'Bumped by every write; the ETag is derived from it.',
  },
  { name: 'updated_at', title: 'Cập nhật lúc / Updated at', type: 'date-time', sql: 't.updated_at' },
];

const parcels: CollectionDef = {
  id: 'parcels',
  title: 'Thửa đất / Cadastral parcels',
  description:
    'Cadastral parcels keyed by the old commune code, map sheet and parcel number. Owners are personal data: shown to administrators and to officers of the commune only.',
  table: 'parcels',
  from: 'parcels t',
  geometry: { type: 'MultiPolygon', writable: true, nullable: false },
  properties: [
    {
      name: 'commune_code',
      title: 'Mã xã (cũ) / Old commune code',
      type: 'string',
      sql: 't.commune_code',
      column: 'commune_code',
      required: true,
      pattern: COMMUNE_CODE,
    },
    {
      name: 'commune_ref_date',
      title: 'Ngày tham chiếu mã xã / Code reference date',
      type: 'date',
      sql: 't.commune_ref_date',
      column: 'commune_ref_date',
      required: true,
    },
    {
      name: 'sheet',
      title: 'Tờ bản đồ số / Map sheet',
      type: 'integer',
      sql: 't.sheet',
      column: 'sheet',
      required: true,
      minimum: 1,
      maximum: 100000,
    },
    {
      name: 'parcel_no',
      title: 'Thửa đất số / Parcel number',
      type: 'integer',
      sql: 't.parcel_no',
      column: 'parcel_no',
      required: true,
      minimum: 1,
      maximum: 10000000,
    },
    {
      name: 'cert_sheet',
      title: 'Tờ trên giấy chứng nhận / Certificate sheet',
      type: 'string',
      sql: 't.cert_sheet',
      column: 'cert_sheet',
      maxLength: 20,
    },
    {
      name: 'cert_parcel',
      title: 'Thửa trên giấy chứng nhận / Certificate parcel',
      type: 'string',
      sql: 't.cert_parcel',
      column: 'cert_parcel',
      maxLength: 20,
    },
    {
      name: 'land_use_code',
      title: 'Mã loại đất / Land-use code',
      type: 'string',
      sql: 't.land_use_code',
      column: 'land_use_code',
      required: true,
      pattern: '^[A-Z]{2,4}$',
    },
    {
      name: 'legal_area_m2',
      title: 'Diện tích pháp lý (m²) / Legal area',
      type: 'number',
      sql: 't.legal_area_m2',
      column: 'legal_area_m2',
      minimum: 0.1,
      maximum: 1e10,
    },
    { name: 'address', title: 'Địa chỉ / Address', type: 'string', sql: 't.address', column: 'address', maxLength: 500 },
    {
      name: 'owners',
      title: 'Chủ sử dụng / Owners',
      type: 'json',
      personal: true,
      sql: `(SELECT json_agg(json_build_object('name', o.owner_name, 'citizen_id', o.citizen_id, 'address', o.owner_address, 'share', o.share) ORDER BY o.owner_name) FROM parcel_owners o WHERE o.parcel_id = t.id)`,
    },
    ...meta,
  ],
  privacy: 'parcel',
  writers: ['admin'],
  communeScoped: false,
  temporal: { start: 't.updated_at' },
  createdBy: false,
  checks: ['parcel-overlap'],
  revealSubject: {
    prefix: 'parcel_owner:',
    sql: `CASE WHEN EXISTS (SELECT 1 FROM parcel_owners o WHERE o.parcel_id = t.id) THEN t.id END`,
  },
};

const landuse: CollectionDef = {
  id: 'landuse',
  title: 'Bản đồ sử dụng đất / Land use',
  description: 'Land-use status (hiện trạng) and plan (quy hoạch) maps, one polygon per land-use code.',
  table: 'landuse_areas',
  from: 'landuse_areas t JOIN landuse_maps m ON m.id = t.map_id',
  geometry: { type: 'MultiPolygon', writable: false, nullable: false },
  properties: [
    { name: 'map_id', title: 'Bản đồ / Map', type: 'integer', sql: 't.map_id' },
    { name: 'map_kind', title: 'Loại bản đồ / Map kind', type: 'string', sql: 'm.kind', enum: ['status', 'plan'] },
    { name: 'map_name', title: 'Tên bản đồ / Map name', type: 'string', sql: 'm.name' },
    { name: 'map_year', title: 'Năm / Year', type: 'integer', sql: 'm.year' },
    { name: 'land_use_code', title: 'Mã loại đất / Land-use code', type: 'string', sql: 't.land_use_code' },
    ...meta,
  ],
  privacy: 'none',
  writers: [],
  communeScoped: false,
  temporal: { start: 't.updated_at' },
  createdBy: false,
  checks: [],
};

const zones: CollectionDef = {
  id: 'zones',
  title: 'Ô quy hoạch / Zoning lots',
  description: 'Zoning lots of the approved urban plans (1/2000, 1/500) with their controls. Edited by planners.',
  table: 'zoning_lots',
  from: 'zoning_lots t JOIN planning_plans pl ON pl.id = t.plan_id',
  geometry: { type: 'MultiPolygon', writable: true, nullable: false },
  properties: [
    {
      name: 'plan_id',
      title: 'Đồ án / Plan',
      type: 'integer',
      sql: 't.plan_id',
      column: 'plan_id',
      required: true,
      minimum: 1,
      maximum: 2147483647,
    },
    { name: 'plan_name', title: 'Tên đồ án / Plan name', type: 'string', sql: 'pl.name' },
    { name: 'plan_scale', title: 'Tỷ lệ / Scale', type: 'string', sql: 'pl.scale' },
    { name: 'decision_no', title: 'Quyết định phê duyệt / Approving decision', type: 'string', sql: 'pl.decision_no' },
    { name: 'decision_date', title: 'Ngày quyết định / Decision date', type: 'date', sql: 'pl.decision_date' },
    { name: 'authority', title: 'Cơ quan phê duyệt / Authority', type: 'string', sql: 'pl.authority' },
    {
      name: 'lot_code',
      title: 'Ký hiệu ô đất / Lot code',
      type: 'string',
      sql: 't.lot_code',
      column: 'lot_code',
      required: true,
      maxLength: 40,
    },
    {
      name: 'info_code',
      title: 'Mã thông tin quy hoạch / maThongTinQH',
      type: 'string',
      sql: 't.info_code',
      column: 'info_code',
      pattern: '^[0-9]{12}$',
    },
    {
      name: 'function',
      title: 'Chức năng / Land function',
      type: 'string',
      sql: 't.function',
      column: 'function',
      required: true,
      maxLength: 200,
    },
    {
      name: 'land_use_code',
      title: 'Mã loại đất / Land-use code',
      type: 'string',
      sql: 't.land_use_code',
      column: 'land_use_code',
      pattern: '^[A-Z]{2,4}$',
    },
    {
      name: 'max_density_pct',
      title: 'Mật độ xây dựng tối đa (%) / Max density',
      type: 'number',
      sql: 't.max_density_pct',
      column: 'max_density_pct',
      minimum: 0,
      maximum: 100,
    },
    {
      name: 'max_far',
      title: 'Hệ số sử dụng đất tối đa / Max FAR',
      type: 'number',
      sql: 't.max_far',
      column: 'max_far',
      minimum: 0,
      maximum: 999,
    },
    {
      name: 'min_floors',
      title: 'Tầng cao tối thiểu / Min floors',
      type: 'integer',
      sql: 't.min_floors',
      column: 'min_floors',
      minimum: 0,
      maximum: 200,
    },
    {
      name: 'max_floors',
      title: 'Tầng cao tối đa / Max floors',
      type: 'integer',
      sql: 't.max_floors',
      column: 'max_floors',
      minimum: 0,
      maximum: 200,
    },
    {
      name: 'max_height_m',
      title: 'Chiều cao tối đa (m) / Max height',
      type: 'number',
      sql: 't.max_height_m',
      column: 'max_height_m',
      minimum: 0,
      maximum: 99999,
    },
    {
      name: 'setback_m',
      title: 'Khoảng lùi (m) / Setback',
      type: 'number',
      sql: 't.setback_m',
      column: 'setback_m',
      minimum: -9999,
      maximum: 9999,
    },
    {
      name: 'phase',
      title: 'Giai đoạn / Phase',
      type: 'string',
      sql: 't.phase',
      column: 'phase',
      enum: ['existing', 'first_phase', 'long_term'],
      default: 'existing',
    },
    ...meta,
  ],
  privacy: 'none',
  writers: ['planner', 'admin'],
  communeScoped: false,
  temporal: { start: 't.updated_at' },
  createdBy: false,
  checks: [],
};

const farmerPersonal = (prefix: string): PropertyDef[] => [
  { name: 'farmer_name', title: `${prefix}Họ tên nông dân / Farmer name`, type: 'string', sql: 'fp.full_name', personal: true },
  { name: 'farmer_phone', title: `${prefix}Điện thoại / Phone`, type: 'string', sql: 'fp.phone', personal: true },
];

const products: CollectionDef = {
  id: 'products',
  title: 'Nông sản / Agricultural products',
  description: 'Farms and producers with what they grow. A household producer’s name, address and farmer link are personal data.',
  table: 'products',
  from: 'products t',
  personalJoins: 'LEFT JOIN farmer_private fp ON fp.farmer_id = t.farmer_id',
  geometry: { type: 'Point', writable: true, nullable: false },
  properties: [
    {
      name: 'producer_kind',
      title: 'Loại cơ sở / Producer kind',
      type: 'string',
      sql: 't.producer_kind',
      column: 'producer_kind',
      required: true,
      enum: ['household', 'cooperative', 'company'],
    },
    {
      name: 'producer_name',
      title: 'Tên cơ sở / Producer name',
      type: 'string',
      sql: 't.producer_name',
      column: 'producer_name',
      maxLength: 200,
    },
    {
      name: 'farmer_id',
      title: 'Nông dân / Farmer',
      type: 'integer',
      sql: 't.farmer_id',
      column: 'farmer_id',
      personal: true,
      minimum: 1,
      maximum: Number.MAX_SAFE_INTEGER,
    },
    ...farmerPersonal(''),
    { name: 'product', title: 'Sản phẩm / Product', type: 'string', sql: 't.product', column: 'product', required: true, maxLength: 200 },
    {
      name: 'category',
      title: 'Nhóm / Category',
      type: 'string',
      sql: 't.category',
      column: 'category',
      required: true,
      enum: ['fruit', 'rice', 'vegetable', 'aquaculture', 'flower', 'livestock', 'other'],
    },
    { name: 'season', title: 'Mùa vụ / Season', type: 'string', sql: 't.season', column: 'season', maxLength: 100 },
    {
      name: 'volume_tonnes',
      title: 'Sản lượng (tấn) / Volume (t)',
      type: 'number',
      sql: 't.volume_tonnes',
      column: 'volume_tonnes',
      minimum: 0,
      maximum: 1e8,
    },
    {
      name: 'address',
      title: 'Địa chỉ / Address',
      type: 'string',
      sql: 't.address',
      column: 'address',
      maxLength: 500,
      privateWhen: "t.producer_kind = 'household'",
    },
    {
      name: 'commune_code',
      title: 'Mã xã/phường / Commune code',
      type: 'string',
      sql: 't.commune_code',
      column: 'commune_code',
      pattern: COMMUNE_CODE,
      description: 'Today’s commune; derived from the location when left out.',
    },
    ...meta,
  ],
  privacy: 'farmer',
  writers: ['officer', 'admin'],
  communeScoped: true,
  temporal: { start: 't.updated_at' },
  createdBy: false,
  checks: ['commune'],
  revealSubject: { prefix: 'farmer:', sql: 't.farmer_id' },
};

const growingAreas: CollectionDef = {
  id: 'growing_areas',
  title: 'Vùng trồng / Growing areas',
  description:
    'Growing areas (mã số vùng trồng). The geometry and area are the union and sum of the member plots; code, status and decisions change through the lifecycle, not here. Draft areas are visible to their officers only.',
  table: 'growing_areas',
  from: 'growing_areas t',
  geometry: { type: 'MultiPolygon', writable: false, nullable: true },
  properties: [
    { name: 'code', title: 'Mã số vùng trồng / Code', type: 'string', sql: 't.code', column: 'code', managed: true },
    {
      name: 'scheme',
      title: 'Loại mã / Scheme',
      type: 'string',
      sql: 't.scheme',
      column: 'scheme',
      required: true,
      enum: ['domestic-3156', 'export-puc', 'export-phc'],
    },
    {
      name: 'markets',
      title: 'Thị trường / Markets',
      type: 'string[]',
      sql: 't.markets',
      column: 'markets',
      default: [],
      itemPattern: '^[A-Z]{2}$',
      queryable: false,
    },
    { name: 'name', title: 'Tên vùng trồng / Name', type: 'string', sql: 't.name', column: 'name', required: true, maxLength: 200 },
    { name: 'crop', title: 'Cây trồng / Crop', type: 'string', sql: 't.crop', column: 'crop', required: true, maxLength: 40 },
    { name: 'variety', title: 'Giống / Variety', type: 'string', sql: 't.variety', column: 'variety', maxLength: 100 },
    { name: 'status', title: 'Trạng thái / Status', type: 'string', sql: 't.status', column: 'status', managed: true, default: 'draft' },
    {
      name: 'registrant_kind',
      title: 'Loại đơn vị đăng ký / Registrant kind',
      type: 'string',
      sql: 't.registrant_kind',
      column: 'registrant_kind',
      enum: ['person', 'cooperative', 'company'],
      default: 'cooperative',
    },
    {
      name: 'registrant_name',
      title: 'Đơn vị đăng ký / Registrant',
      type: 'string',
      sql: 't.registrant_name',
      column: 'registrant_name',
      required: true,
      maxLength: 200,
      privateWhen: "t.registrant_kind = 'person'",
    },
    {
      name: 'registrant_contact',
      title: 'Liên hệ / Contact',
      type: 'string',
      sql: 't.registrant_contact',
      column: 'registrant_contact',
      personal: true,
      maxLength: 200,
    },
    {
      name: 'technical_officer',
      title: 'Cán bộ kỹ thuật / Technical officer',
      type: 'string',
      sql: 't.technical_officer',
      column: 'technical_officer',
      maxLength: 200,
    },
    {
      name: 'commune_code',
      title: 'Mã xã/phường / Commune code',
      type: 'string',
      sql: 't.commune_code',
      column: 'commune_code',
      required: true,
      pattern: COMMUNE_CODE,
    },
    {
      name: 'households',
      title: 'Số hộ / Households',
      type: 'integer',
      sql: 't.households',
      column: 'households',
      minimum: 0,
      maximum: 1000000,
    },
    {
      name: 'harvests_per_year',
      title: 'Số vụ/năm / Harvests per year',
      type: 'integer',
      sql: 't.harvests_per_year',
      column: 'harvests_per_year',
      minimum: 0,
      maximum: 12,
    },
    {
      name: 'expected_yield_tonnes',
      title: 'Sản lượng dự kiến (tấn) / Expected yield',
      type: 'number',
      sql: 't.expected_yield_tonnes',
      column: 'expected_yield_tonnes',
      minimum: 0,
      maximum: 1e8,
    },
    { name: 'standard', title: 'Tiêu chuẩn / Standard', type: 'string', sql: 't.standard', column: 'standard', maxLength: 100 },
    {
      name: 'certificates',
      title: 'Chứng nhận / Certificates',
      type: 'string',
      sql: 't.certificates',
      column: 'certificates',
      maxLength: 1000,
    },
    { name: 'decision_no', title: 'Số quyết định / Decision', type: 'string', sql: 't.decision_no', column: 'decision_no', managed: true },
    { name: 'issued_on', title: 'Ngày cấp / Issued on', type: 'date', sql: 't.issued_on', column: 'issued_on', managed: true },
    { name: 'area_m2', title: 'Diện tích (m²) / Area', type: 'number', sql: 't.area_m2' },
    { name: 'lineage_id', title: 'Dòng mã / Lineage', type: 'integer', sql: 't.lineage_id' },
    { name: 'version_no', title: 'Lần cấp / Issue version', type: 'integer', sql: 't.version_no' },
    ...meta,
  ],
  privacy: 'registrant',
  writers: ['officer', 'admin'],
  communeScoped: true,
  temporal: { start: 't.updated_at' },
  createdBy: true,
  checks: [],
  lineageFromId: true,
  revealSubject: {
    prefix: 'growing_area_registrant:',
    sql: "CASE WHEN t.registrant_kind = 'person' OR t.registrant_contact IS NOT NULL THEN t.id END",
  },
};

const plots: CollectionDef = {
  id: 'plots',
  title: 'Thửa sản xuất / Production plots',
  description:
    'Production plots of farmers, with crop and dates; the area is geodesic. The farmer’s identity is personal data: shown to the farmer, to officers of the commune and to administrators.',
  table: 'plots',
  from: 'plots t',
  personalJoins: 'LEFT JOIN farmer_private fp ON fp.farmer_id = t.farmer_id',
  geometry: { type: 'Polygon', writable: true, nullable: false },
  properties: [
    {
      name: 'farmer_id',
      title: 'Nông dân / Farmer',
      type: 'integer',
      sql: 't.farmer_id',
      column: 'farmer_id',
      personal: true,
      minimum: 1,
      maximum: Number.MAX_SAFE_INTEGER,
    },
    ...farmerPersonal(''),
    { name: 'farmer_citizen_id', title: 'Số CCCD / Citizen ID', type: 'string', sql: 'fp.citizen_id', personal: true },
    {
      name: 'growing_area_id',
      title: 'Vùng trồng / Growing area',
      type: 'integer',
      sql: 't.growing_area_id',
      column: 'growing_area_id',
      minimum: 1,
      maximum: Number.MAX_SAFE_INTEGER,
    },
    {
      name: 'commune_code',
      title: 'Mã xã/phường / Commune code',
      type: 'string',
      sql: 't.commune_code',
      column: 'commune_code',
      pattern: COMMUNE_CODE,
      description: 'Today’s commune; derived from the plot when left out.',
    },
    { name: 'crop', title: 'Cây trồng / Crop', type: 'string', sql: 't.crop', column: 'crop', required: true, maxLength: 40 },
    { name: 'variety', title: 'Giống / Variety', type: 'string', sql: 't.variety', column: 'variety', maxLength: 100 },
    { name: 'planting_date', title: 'Ngày trồng / Planting date', type: 'date', sql: 't.planting_date', column: 'planting_date' },
    {
      name: 'expected_harvest',
      title: 'Dự kiến thu hoạch / Expected harvest',
      type: 'date',
      sql: 't.expected_harvest',
      column: 'expected_harvest',
    },
    { name: 'area_m2', title: 'Diện tích (m²) / Area', type: 'number', sql: 't.area_m2' },
    ...meta,
  ],
  privacy: 'farmer',
  writers: ['officer', 'admin'],
  communeScoped: true,
  temporal: { start: 't.updated_at' },
  createdBy: true,
  checks: ['commune', 'plot-overlap'],
  revealSubject: { prefix: 'farmer:', sql: 't.farmer_id' },
};

const admin: CollectionDef = {
  id: 'admin',
  title: 'Đơn vị hành chính / Administrative units',
  description: 'Provinces, communes and wards with their validity dates (the 2025 reorganisation kept the old units, closed).',
  table: 'admin_units',
  from: 'admin_units t',
  geometry: { type: 'MultiPolygon', writable: false, nullable: true },
  properties: [
    { name: 'code', title: 'Mã / Code', type: 'string', sql: 't.code' },
    { name: 'name', title: 'Tên / Name', type: 'string', sql: 't.name' },
    { name: 'level', title: 'Cấp / Level', type: 'string', sql: 't.level' },
    { name: 'parent_id', title: 'Đơn vị cha / Parent', type: 'integer', sql: 't.parent_id' },
    { name: 'valid_from', title: 'Hiệu lực từ / Valid from', type: 'date', sql: 't.valid_from' },
    { name: 'valid_to', title: 'Hiệu lực đến / Valid to', type: 'date', sql: 't.valid_to' },
  ],
  privacy: 'none',
  writers: [],
  communeScoped: false,
  temporal: { start: 't.valid_from', end: 't.valid_to' },
  createdBy: false,
  checks: [],
};

/** Every collection in the order the landing page lists them. */
export const COLLECTIONS: readonly CollectionDef[] = [parcels, landuse, zones, products, growingAreas, plots, admin];

const BY_ID = new Map(COLLECTIONS.map((c) => [c.id, c]));

/** The collection with this id, or undefined. */
export function findCollection(id: string): CollectionDef | undefined {
  return BY_ID.get(id);
}

/** The collection whose table is this (edit_log names tables). */
export function collectionOfTable(table: string): CollectionDef | undefined {
  return COLLECTIONS.find((c) => c.table === table);
}
