// The feature collections served under /ogc, declared once: table, joins, geometry, properties with
// their SQL, types, write rules and privacy. Every read, write, queryable list, JSON schema and the
// OpenAPI document is derived from these declarations (cf. pg_featureserv's layer catalogue).

import type { Role } from '../contracts/viewer.ts';
import { PUBLIC_STATUSES } from '../domain/growing-area-lifecycle.ts';
import { statusDecision } from '../registry/growing-areas.sql.ts';

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
  /**
   * A rule of what the value means: `done-date`, the date of something done (a plot's planting), not
   * after today in Vietnam nor before 1900; `name`, a name the registry keeps, with a letter and no
   * emoji or other pictograph (server/domain/done-date.ts, registry-text.ts).
   */
  meaning?: 'done-date' | 'name';
  /** Pattern of each item of a string[] property. */
  itemPattern?: string;
  /** Offered as a queryable (filter and property filters); scalar properties are by default. */
  queryable?: boolean;
  /**
   * Read from another record whose changes leave this row's version alone (a plot's growing area's
   * suspension, a zoning lot's plan, a land-use area's map, a parcel's owners): the item's ETag
   * carries the value too (itemETag), or a browser revalidating a plot it read before the suspension
   * would be told it has not changed. Another table's value shown on few rows may instead move their
   * version by trigger (a farmer's name on the farmer's plots, migration 021); one shown on thousands
   * (a plan's name) is borrowed.
   */
  borrowed?: boolean;
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
  /**
   * The table has no version column (admin_units, read-only here, changed by migrations and SQL):
   * items are read as version 1 and their ETag carries a hash of the whole body instead (itemETag).
   */
  unversioned?: boolean;
}>;

/** Growing-area statuses shown to the public (buyers scanning a code must see suspensions and revocations). */
export const PUBLIC_GROWING_AREA_STATUSES: readonly string[] = PUBLIC_STATUSES;

const COMMUNE_CODE = '^[0-9]{3,6}$';

// Most properties are a column of the collection's own table (alias t), read and written under
// their own name: declared once here so that the SQL and the written column cannot disagree.
function stored(
  name: string,
  title: string,
  type: PropertyType,
  rules: Omit<PropertyDef, 'name' | 'title' | 'type' | 'sql' | 'column'> = {},
): PropertyDef {
  return { name, title, type, sql: `t.${name}`, column: name, ...rules };
}

const meta: PropertyDef[] = [
  {
    name: 'version',
    title: 'Phiên bản / Version',
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
    stored('commune_code', 'Mã xã (cũ) / Old commune code', 'string', { required: true, pattern: COMMUNE_CODE }),
    stored('commune_ref_date', 'Ngày tham chiếu mã xã / Code reference date', 'date', { required: true }),
    stored('sheet', 'Tờ bản đồ số / Map sheet', 'integer', { required: true, minimum: 1, maximum: 100000 }),
    stored('parcel_no', 'Thửa đất số / Parcel number', 'integer', { required: true, minimum: 1, maximum: 10000000 }),
    stored('cert_sheet', 'Tờ trên giấy chứng nhận / Certificate sheet', 'string', { maxLength: 20 }),
    stored('cert_parcel', 'Thửa trên giấy chứng nhận / Certificate parcel', 'string', { maxLength: 20 }),
    stored('land_use_code', 'Mã loại đất / Land-use code', 'string', { required: true, pattern: '^[A-Z]{2,4}$' }),
    stored('legal_area_m2', 'Diện tích pháp lý (m²) / Legal area', 'number', { minimum: 0.1, maximum: 1e10 }),
    stored('address', 'Địa chỉ / Address', 'string', { maxLength: 500 }),
    {
      name: 'owners',
      title: 'Chủ sử dụng / Owners',
      type: 'json',
      personal: true,
      // parcel_owners rows have no version; edited in SQL only (an import, a DBA).
      borrowed: true,
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
    // The map's facts (landuse_maps has no version; a map holds thousands of areas): borrowed.
    { name: 'map_kind', title: 'Loại bản đồ / Map kind', type: 'string', sql: 'm.kind', enum: ['status', 'plan'], borrowed: true },
    { name: 'map_name', title: 'Tên bản đồ / Map name', type: 'string', sql: 'm.name', borrowed: true },
    { name: 'map_year', title: 'Năm / Year', type: 'integer', sql: 'm.year', borrowed: true },
    // A plan's last year: its period reads 2021–2030, not the 2021 of its first year alone (audit s17).
    { name: 'map_period_to', title: 'Đến năm / Until', type: 'integer', sql: 'm.period_to', borrowed: true },
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
    stored('plan_id', 'Đồ án / Plan', 'integer', { required: true, minimum: 1, maximum: 2147483647 }),
    // The plan's facts (planning_plans has no version; a plan holds many lots): borrowed.
    { name: 'plan_name', title: 'Tên đồ án / Plan name', type: 'string', sql: 'pl.name', borrowed: true },
    { name: 'plan_scale', title: 'Tỷ lệ / Scale', type: 'string', sql: 'pl.scale', borrowed: true },
    { name: 'decision_no', title: 'Quyết định phê duyệt / Approving decision', type: 'string', sql: 'pl.decision_no', borrowed: true },
    { name: 'decision_date', title: 'Ngày quyết định / Decision date', type: 'date', sql: 'pl.decision_date', borrowed: true },
    { name: 'authority', title: 'Cơ quan phê duyệt / Authority', type: 'string', sql: 'pl.authority', borrowed: true },
    stored('lot_code', 'Ký hiệu ô đất / Lot code', 'string', { required: true, maxLength: 40 }),
    stored('info_code', 'Mã thông tin quy hoạch / Planning information code (maThongTinQH)', 'string', { pattern: '^[0-9]{12}$' }),
    stored('function', 'Chức năng / Land function', 'string', { required: true, maxLength: 200 }),
    stored('land_use_code', 'Mã loại đất / Land-use code', 'string', { pattern: '^[A-Z]{2,4}$' }),
    stored('max_density_pct', 'Mật độ xây dựng tối đa (%) / Max density', 'number', { minimum: 0, maximum: 100 }),
    stored('max_far', 'Hệ số sử dụng đất tối đa / Max FAR', 'number', { minimum: 0, maximum: 999 }),
    stored('min_floors', 'Tầng cao tối thiểu / Min floors', 'integer', { minimum: 0, maximum: 200 }),
    stored('max_floors', 'Tầng cao tối đa / Max floors', 'integer', { minimum: 0, maximum: 200 }),
    stored('max_height_m', 'Chiều cao tối đa (m) / Max height', 'number', { minimum: 0, maximum: 99999 }),
    stored('setback_m', 'Khoảng lùi (m) / Setback', 'number', { minimum: -9999, maximum: 9999 }),
    stored('phase', 'Giai đoạn / Phase', 'string', { enum: ['existing', 'first_phase', 'long_term'], default: 'existing' }),
    // Derived from the outline (a generated column): area × max_far is the floor area allowed.
    { name: 'area_m2', title: 'Diện tích ô đất (m²) / Lot area', type: 'number', sql: 'round(t.area_m2::numeric, 1)::double precision' },
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

// Columns that two collections hold alike: products and plots link a farmer; a plot's crop is its
// growing area's, and an area's m² is the sum of its plots'.
const farmerId = stored('farmer_id', 'Nông dân / Farmer', 'integer', { personal: true, minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
const crop = stored('crop', 'Cây trồng / Crop', 'string', { required: true, maxLength: 40 });
const variety = stored('variety', 'Giống / Variety', 'string', { maxLength: 100 });
const areaM2: PropertyDef = { name: 'area_m2', title: 'Diện tích (m²) / Area', type: 'number', sql: 't.area_m2' };

const products: CollectionDef = {
  id: 'products',
  title: 'Nông sản / Agricultural products',
  description: 'Farms and producers with what they grow. A household producer’s name, address and farmer link are personal data.',
  table: 'products',
  from: 'products t',
  personalJoins: 'LEFT JOIN farmer_private fp ON fp.farmer_id = t.farmer_id',
  geometry: { type: 'Point', writable: true, nullable: false },
  properties: [
    stored('producer_kind', 'Loại cơ sở / Producer kind', 'string', { required: true, enum: ['household', 'cooperative', 'company'] }),
    stored('producer_name', 'Tên cơ sở / Producer name', 'string', { maxLength: 200, meaning: 'name' }),
    farmerId,
    ...farmerPersonal(''),
    stored('product', 'Sản phẩm / Product', 'string', { required: true, maxLength: 200 }),
    stored('category', 'Nhóm / Category', 'string', {
      required: true,
      enum: ['fruit', 'rice', 'vegetable', 'aquaculture', 'flower', 'livestock', 'other'],
    }),
    stored('season', 'Mùa vụ / Season', 'string', { maxLength: 100 }),
    stored('volume_tonnes', 'Sản lượng (tấn) / Volume (t)', 'number', { minimum: 0, maximum: 1e8 }),
    stored('address', 'Địa chỉ / Address', 'string', { maxLength: 500, privateWhen: "t.producer_kind = 'household'" }),
    stored('commune_code', 'Mã xã/phường / Commune code', 'string', {
      pattern: COMMUNE_CODE,
      description: 'Today’s commune; derived from the location when left out.',
    }),
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

/**
 * The three facts of the decision that took a growing area's code out of force (number, day, reason),
 * as the area's item and its member plots' items name them; `sql` reads one of them.
 */
function statusDecisionProperties(sql: (field: 'decision_no' | 'decided_on' | 'reason') => string, borrowed = false): PropertyDef[] {
  return (
    [
      ['status_decision_no', 'Quyết định tạm đình chỉ, thu hồi / Suspension or revocation decision', 'string', 'decision_no'],
      ['status_decided_on', 'Ngày tạm đình chỉ, thu hồi / Suspended or revoked on', 'date', 'decided_on'],
      ['status_reason', 'Lý do tạm đình chỉ, thu hồi / Reason for the suspension or revocation', 'string', 'reason'],
    ] as const
  ).map(([name, title, type, field]) => ({ name, title, type, sql: sql(field), queryable: false, ...(borrowed ? { borrowed } : {}) }));
}

const growingAreas: CollectionDef = {
  id: 'growing_areas',
  title: 'Vùng trồng / Growing areas',
  description:
    'Growing areas (mã số vùng trồng). The geometry and area are the union and sum of the member plots; code, status and decisions change through the lifecycle, not here, and only a draft is edited or deleted here (its crop changes only to the one its plots grow). Draft areas are visible to their officers only.',
  table: 'growing_areas',
  from: 'growing_areas t',
  geometry: { type: 'MultiPolygon', writable: false, nullable: true },
  properties: [
    stored('code', 'Mã số vùng trồng / Code', 'string', { managed: true }),
    stored('scheme', 'Loại mã / Scheme', 'string', { required: true, enum: ['domestic-3156', 'export-puc', 'export-phc'] }),
    stored('markets', 'Thị trường / Markets', 'string[]', { default: [], itemPattern: '^[A-Z]{2}$', queryable: false }),
    stored('name', 'Tên vùng trồng / Name', 'string', { required: true, maxLength: 200, meaning: 'name' }),
    crop,
    variety,
    stored('status', 'Trạng thái / Status', 'string', { managed: true, default: 'draft' }),
    stored('registrant_kind', 'Loại đơn vị đăng ký / Registrant kind', 'string', {
      enum: ['person', 'cooperative', 'company'],
      default: 'cooperative',
    }),
    stored('registrant_name', 'Đơn vị đăng ký / Registrant', 'string', {
      required: true,
      maxLength: 200,
      meaning: 'name',
      privateWhen: "t.registrant_kind = 'person'",
    }),
    stored('registrant_contact', 'Liên hệ / Contact', 'string', { personal: true, maxLength: 200 }),
    stored('technical_officer', 'Cán bộ kỹ thuật / Technical officer', 'string', { maxLength: 200, meaning: 'name' }),
    stored('commune_code', 'Mã xã/phường / Commune code', 'string', { required: true, pattern: COMMUNE_CODE }),
    stored('households', 'Số hộ / Households', 'integer', { minimum: 0, maximum: 1000000 }),
    stored('harvests_per_year', 'Số vụ/năm / Harvests per year', 'integer', { minimum: 0, maximum: 12 }),
    stored('expected_yield_tonnes', 'Sản lượng dự kiến (tấn) / Expected yield (t)', 'number', { minimum: 0, maximum: 1e8 }),
    stored('standard', 'Tiêu chuẩn / Standard', 'string', { maxLength: 100 }),
    stored('certificates', 'Chứng nhận / Certificates', 'string', { maxLength: 1000 }),
    stored('decision_no', 'Số quyết định / Decision', 'string', { managed: true }),
    stored('issued_on', 'Ngày cấp / Issued on', 'date', { managed: true }),
    // While the code is suspended or revoked, the decision that did it, beside the issuing one above
    // (which it does not replace): read from the recorded transitions, NULL in any other status.
    // Borrowed: the move that recorded it bumps the area, but a reason corrected in SQL does not.
    ...statusDecisionProperties((field) => statusDecision('t', field), true),
    areaM2,
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
    'Production plots of farmers, with crop and dates; the area is geodesic. A plot joins a draft growing area (growing_area_id) only if it grows the area’s crop and belongs to no other area, and a member of a draft keeps the area’s crop, as in the registry. The farmer’s identity is personal data: shown to the farmer, to officers of the commune and to administrators.',
  table: 'plots',
  from: 'plots t',
  personalJoins: 'LEFT JOIN farmer_private fp ON fp.farmer_id = t.farmer_id',
  geometry: { type: 'Polygon', writable: true, nullable: false },
  properties: [
    farmerId,
    ...farmerPersonal(''),
    { name: 'farmer_citizen_id', title: 'Số CCCD / Citizen ID', type: 'string', sql: 'fp.citizen_id', personal: true },
    // A draft area is its ward officer's work in progress (hidden from the public, as in the tiles):
    // its plots do not say which it is to those who may not see it.
    stored('growing_area_id', 'Vùng trồng / Growing area', 'integer', {
      minimum: 1,
      maximum: Number.MAX_SAFE_INTEGER,
      privateWhen: "EXISTS (SELECT 1 FROM growing_areas g WHERE g.id = t.growing_area_id AND g.status = 'draft')",
    }),
    stored('commune_code', 'Mã xã/phường / Commune code', 'string', {
      pattern: COMMUNE_CODE,
      description: 'Today’s commune; derived from the plot when left out.',
    }),
    crop,
    variety,
    stored('planting_date', 'Ngày trồng / Planting date', 'date', { meaning: 'done-date' }),
    stored('expected_harvest', 'Dự kiến thu hoạch / Expected harvest', 'date'),
    areaM2,
    // While its growing area's code is suspended or revoked, the decision that did it, as the area's
    // item gives it to anyone (both statuses are public): a member plot's card says why the code it
    // depends on is out of force. NULL while the code is in force, and for a plot of no area.
    ...statusDecisionProperties(
      (field) => `(SELECT ${statusDecision('g', field)} FROM growing_areas g WHERE g.id = t.growing_area_id)`,
      true,
    ),
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
  unversioned: true,
  geometry: { type: 'MultiPolygon', writable: false, nullable: true },
  properties: [
    { name: 'code', title: 'Mã / Code', type: 'string', sql: 't.code' },
    { name: 'name', title: 'Tên / Name', type: 'string', sql: 't.name' },
    { name: 'level', title: 'Cấp / Level', type: 'string', sql: 't.level' },
    { name: 'parent_id', title: 'Đơn vị cha / Parent', type: 'integer', sql: 't.parent_id' },
    { name: 'valid_from', title: 'Hiệu lực từ / Valid from', type: 'date', sql: 't.valid_from' },
    { name: 'valid_to', title: 'Hiệu lực đến / Valid to', type: 'date', sql: 't.valid_to' },
    // Where a unit no longer in force is today: the communes and wards its lineage leads to ('Phường
    // Cao Lãnh' for the old Phường 4), so a card names it 'Phường 4 cũ, nay thuộc Phường Cao Lãnh'
    // (audit s17); null for a unit in force. Ordered byte by byte, alike on PostgreSQL and PGlite.
    {
      name: 'today_units',
      title: 'Nay thuộc / Now part of',
      type: 'string',
      sql: `(SELECT string_agg(d.name, ', ' ORDER BY d.name COLLATE "C")
               FROM (SELECT DISTINCT c.name FROM admin_current_units(t.id) c
                      WHERE c.id <> t.id AND c.level IN ('ward', 'commune', 'town')) d)`,
    },
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
