import type { Role } from '../contracts/viewer.ts';

/** How a source value is checked and converted for a column. */
export type FieldType =
  | { kind: 'text'; max?: number; pattern?: RegExp; patternHint?: string }
  | { kind: 'integer'; min?: number }
  | { kind: 'number'; min?: number; max?: number }
  | { kind: 'date' }
  | { kind: 'land_use' }
  | { kind: 'crop' }
  | { kind: 'enum'; values: Readonly<Record<string, string>> };

/** One column a collection takes from a file, with the source names it is recognised by. */
export type TargetField = {
  column: string;
  type: FieldType;
  required: boolean;
  /** Source field names, compared without case, accents or punctuation (e.g. "SoThua", "so_thua", "SHTHUA"). */
  aliases: readonly string[];
  /** What the value means beyond its type: the date of something done, or a name the registry keeps (as the feature API's PropertyDef.meaning). */
  meaning?: 'done-date' | 'name';
};

/** A collection a file can be imported into. */
export type Target = {
  collection: 'parcels' | 'plots' | 'zones' | 'products' | 'landuse';
  table: string;
  geometry: 'multipolygon' | 'polygon' | 'point';
  fields: readonly TargetField[];
  /** Columns of the natural key, in the ON CONFLICT target. */
  key: readonly string[];
  /**
   * 'commune': the key names a row within its commune only (unique on commune_code and the key): a
   * row matches the stored row of its key that has the row's commune code, or whose commune code is,
   * or became, the commune of today the row's geometry falls in (import.sql.ts matchByKey).
   */
  keyScope?: 'commune';
  /** The partial-index predicate of the key, when it has one. */
  keyWhere?: string;
  /** Roles that may import into it. */
  roles: readonly Role[];
  /** Officers may only write rows of their communes (the row's commune_code or its successor). */
  communeScoped: boolean;
};

// Alias lists come from field names seen in cadastral (VILIS, TMV.LIS, MicroStation exports), planning
// (Circular 16/2025 HoSoGIS) and agricultural tables. Folded: lower case, no accents, no punctuation.
const COMMUNE: TargetField = {
  column: 'commune_code',
  type: { kind: 'text', max: 10, pattern: /^\d{5}$/, patternHint: '5 digits' },
  required: true,
  aliases: ['commune_code', 'commune', 'maxa', 'madvhc', 'xa', 'maphuongxa', 'communeco'],
};
const SOURCE_KEY: TargetField = {
  column: 'source_key',
  type: { kind: 'text', max: 200 },
  required: false,
  aliases: ['source_key', 'sourcekey', 'id', 'fid', 'ma', 'madoituong', 'objectid', 'maso'],
};
// A surveyor's plot file names its rows by the plot's code or number (MaThua, SoThua, Ma_Thua...):
// that is the plot's key, so a corrected survey updates the plots it corrects. Tried after the
// generic names, so a file that also has an id column keys its rows as before.
const PLOT_KEY: TargetField = {
  ...SOURCE_KEY,
  aliases: [...SOURCE_KEY.aliases, 'mathua', 'mathuasx', 'mathuasanxuat', 'mathuadat', 'sothua', 'sohieuthua', 'sothuasx', 'sothuadat'],
};

const PHASES = {
  existing: 'existing',
  hientrang: 'existing',
  ht: 'existing',
  firstphase: 'first_phase',
  quyhoachdotdau: 'first_phase',
  qhdd: 'first_phase',
  dotdau: 'first_phase',
  longterm: 'long_term',
  daihan: 'long_term',
  qhdh: 'long_term',
  quyhoachdaihan: 'long_term',
};
const PRODUCER_KINDS = {
  household: 'household',
  ho: 'household',
  hogiadinh: 'household',
  cooperative: 'cooperative',
  hoptacxa: 'cooperative',
  htx: 'cooperative',
  company: 'company',
  congty: 'company',
  doanhnghiep: 'company',
};
const CATEGORIES = {
  fruit: 'fruit',
  traicay: 'fruit',
  cayanqua: 'fruit',
  rice: 'rice',
  lua: 'rice',
  gao: 'rice',
  vegetable: 'vegetable',
  raumau: 'vegetable',
  rau: 'vegetable',
  aquaculture: 'aquaculture',
  thuysan: 'aquaculture',
  flower: 'flower',
  hoa: 'flower',
  hoakieng: 'flower',
  livestock: 'livestock',
  channuoi: 'livestock',
  other: 'other',
  khac: 'other',
};

/**
 * The household head of a plot row (the member plot's farmer, DOMAIN.md): not a column of plots, so
 * not in the plots target, but read from the file to link each plot to its farmer (import.ts
 * linkFarmers). Surveyors' files name the head in ChuHo (Chu_ho, TenChuHo, HoTen), with CCCD (SoCCCD)
 * and SDT (DienThoai) beside it. The name's limit is the registry's (fullName, 120).
 */
export const FARMER_FIELDS: readonly TargetField[] = [
  {
    column: 'farmer_name',
    type: { kind: 'text', max: 120 },
    required: false,
    meaning: 'name',
    aliases: ['farmer_name', 'farmername', 'chuho', 'tenchuho', 'hoten', 'hotenchuho', 'tennongho', 'nongho'],
  },
  {
    column: 'farmer_citizen_id',
    type: { kind: 'text', max: 40 },
    required: false,
    aliases: ['farmer_citizen_id', 'farmercitizenid', 'cccd', 'socccd', 'cmnd', 'socmnd', 'cccdchuho'],
  },
  {
    column: 'farmer_phone',
    type: { kind: 'text', max: 40 },
    required: false,
    aliases: ['farmer_phone', 'farmerphone', 'sdt', 'dienthoai', 'sodienthoai', 'sdtchuho'],
  },
  // Where the household lives, for a farmer the import registers (never written over a registered
  // farmer's): the hamlet (Ap, ThonAp, TenAp, Ấp) and the address (DiaChi, Dia_chi, DiaChiThuongTru),
  // capped as the farmers API caps them (hamlet 100, address 300).
  {
    column: 'farmer_hamlet',
    type: { kind: 'text', max: 100 },
    required: false,
    aliases: ['farmer_hamlet', 'farmerhamlet', 'ap', 'thonap', 'tenap', 'apchuho'],
  },
  {
    column: 'farmer_address',
    type: { kind: 'text', max: 300 },
    required: false,
    aliases: ['farmer_address', 'farmeraddress', 'diachi', 'diachithuongtru', 'diachichuho'],
  },
];

/** The farmer columns that name the household head: a file with none of them links no farmer. */
export const FARMER_IDENTITY: readonly string[] = ['farmer_name', 'farmer_citizen_id', 'farmer_phone'];

/** Every collection the importer writes. */
export const TARGETS: Readonly<Record<Target['collection'], Target>> = {
  parcels: {
    collection: 'parcels',
    table: 'parcels',
    geometry: 'multipolygon',
    key: ['commune_code', 'sheet', 'parcel_no'],
    roles: ['admin', 'officer'],
    communeScoped: true,
    fields: [
      COMMUNE,
      {
        column: 'commune_ref_date',
        type: { kind: 'date' },
        required: true,
        aliases: ['commune_ref_date', 'communere', 'communedt', 'ngaydvhc', 'ngayxa'],
      },
      {
        column: 'sheet',
        type: { kind: 'integer', min: 1 },
        required: true,
        aliases: ['sheet', 'soto', 'to', 'tobando', 'tobd', 'shbando', 'sotobando', 'shto', 'mapsheet', 'sotobd'],
      },
      {
        column: 'parcel_no',
        type: { kind: 'integer', min: 1 },
        required: true,
        aliases: ['parcel_no', 'parcelno', 'sothua', 'thua', 'shthua', 'thuadat', 'parcel', 'sothuadat'],
      },
      { column: 'cert_sheet', type: { kind: 'text', max: 50 }, required: false, aliases: ['cert_sheet', 'certsheet', 'sotogcn', 'togcn'] },
      {
        column: 'cert_parcel',
        type: { kind: 'text', max: 50 },
        required: false,
        aliases: ['cert_parcel', 'certparcel', 'cert_parce', 'certparc', 'sothuagcn', 'thuagcn'],
      },
      {
        column: 'land_use_code',
        type: { kind: 'land_use' },
        required: true,
        aliases: ['land_use_code', 'landuseco', 'landuse', 'mdsd', 'loaidat', 'kyhieumdsd', 'mucdichsd', 'khmdsd', 'maloaidat', 'mucdich'],
      },
      {
        column: 'legal_area_m2',
        type: { kind: 'number', min: 0.1, max: 1e10 },
        required: false,
        aliases: ['legal_area_m2', 'legalarea', 'legalm2', 'dientich', 'dt', 'dtpl', 'dientichpl', 'dientichphaply'],
      },
      { column: 'address', type: { kind: 'text', max: 500 }, required: false, aliases: ['address', 'diachi', 'diachithua'] },
    ],
  },
  zones: {
    collection: 'zones',
    table: 'zoning_lots',
    geometry: 'multipolygon',
    key: ['plan_id', 'lot_code'],
    roles: ['admin', 'planner'],
    communeScoped: false,
    fields: [
      { column: 'plan_code', type: { kind: 'text', max: 30 }, required: false, aliases: ['plan_code', 'mahosoqh', 'mahoso'] },
      {
        column: 'lot_code',
        type: { kind: 'text', max: 50 },
        required: true,
        aliases: ['lot_code', 'lotcode', 'kyhieu', 'kyhieulo', 'kyhieuo', 'maodat', 'mao', 'madoituong', 'solo'],
      },
      {
        column: 'info_code',
        type: { kind: 'text', pattern: /^\d{12}$/, patternHint: 'maThongTinQH is 12 digits' },
        required: false,
        aliases: ['info_code', 'infocode', 'mathongtinqh', 'mathongtin'],
      },
      {
        column: 'function',
        type: { kind: 'text', max: 250 },
        required: true,
        aliases: ['function', 'chucnang', 'chucnangsudungdat', 'tendoituong', 'tendoituon', 'phanloai', 'tenloaidat'],
      },
      {
        column: 'land_use_code',
        type: { kind: 'land_use' },
        required: false,
        aliases: ['land_use_code', 'landuseco', 'maloaidat', 'mdsd', 'kyhieuloaidat'],
      },
      {
        column: 'max_density_pct',
        type: { kind: 'number', min: 0, max: 100 },
        required: false,
        aliases: ['max_density_pct', 'maxdensity', 'maxdensit', 'matdo', 'matdoxd', 'mdxd', 'matdoxaydung'],
      },
      {
        column: 'max_far',
        type: { kind: 'number', min: 0, max: 100 },
        required: false,
        aliases: ['max_far', 'maxfar', 'hesosdd', 'hssdd', 'heso', 'hesosudungdat'],
      },
      {
        column: 'min_floors',
        type: { kind: 'integer', min: 0 },
        required: false,
        aliases: ['min_floors', 'minfloors', 'tangcaomin', 'tangmin', 'tangcaotoithieu'],
      },
      {
        column: 'max_floors',
        type: { kind: 'integer', min: 0 },
        required: false,
        aliases: ['max_floors', 'maxfloors', 'tangcao', 'tangcaomax', 'tangmax', 'tangcaotoida'],
      },
      {
        column: 'max_height_m',
        type: { kind: 'number', min: 0, max: 1000 },
        required: false,
        aliases: ['max_height_m', 'maxheight', 'maxheightm', 'chieucao', 'chieucaotoida'],
      },
      {
        column: 'setback_m',
        type: { kind: 'number', min: -100, max: 1000 },
        required: false,
        aliases: ['setback_m', 'setbackm', 'khoanglui'],
      },
      { column: 'phase', type: { kind: 'enum', values: PHASES }, required: false, aliases: ['phase', 'giaidoan', 'kyquyhoach'] },
    ],
  },
  plots: {
    collection: 'plots',
    table: 'plots',
    geometry: 'polygon',
    key: ['source_key'],
    // Every survey numbers its plots from 1: two communes' plot 5 are two plots (migration 025).
    keyScope: 'commune',
    keyWhere: 'source_key IS NOT NULL',
    roles: ['admin', 'officer'],
    communeScoped: true,
    fields: [
      COMMUNE,
      { column: 'crop', type: { kind: 'crop' }, required: true, aliases: ['crop', 'caytrong', 'loaicay'] },
      { column: 'variety', type: { kind: 'text', max: 100 }, required: false, aliases: ['variety', 'giong', 'giongcay'] },
      {
        column: 'planting_date',
        type: { kind: 'date' },
        required: false,
        meaning: 'done-date',
        aliases: ['planting_date', 'plantingda', 'planted', 'ngaytrong', 'ngaygieotrong'],
      },
      {
        column: 'expected_harvest',
        type: { kind: 'date' },
        required: false,
        aliases: ['expected_harvest', 'expectedha', 'harvest', 'ngaythuhoach', 'dukienthuhoach'],
      },
      PLOT_KEY,
    ],
  },
  products: {
    collection: 'products',
    table: 'products',
    geometry: 'point',
    key: ['source_key'],
    // Each commune's survey of its producers numbers them from 1, as plot surveys do (migration 027).
    keyScope: 'commune',
    keyWhere: 'source_key IS NOT NULL',
    roles: ['admin', 'officer'],
    communeScoped: true,
    fields: [
      {
        column: 'producer_kind',
        type: { kind: 'enum', values: PRODUCER_KINDS },
        required: true,
        aliases: ['producer_kind', 'producerk', 'producerki', 'loaihinh', 'loaichuthe'],
      },
      {
        column: 'producer_name',
        type: { kind: 'text', max: 200 },
        required: false,
        meaning: 'name',
        aliases: ['producer_name', 'producern', 'producerna', 'tencoso', 'tendonvi', 'tenhtx'],
      },
      { column: 'product', type: { kind: 'text', max: 200 }, required: true, aliases: ['product', 'sanpham', 'tensanpham'] },
      {
        column: 'category',
        type: { kind: 'enum', values: CATEGORIES },
        required: true,
        aliases: ['category', 'nhom', 'nhomsanpham', 'phanloai'],
      },
      { column: 'season', type: { kind: 'text', max: 100 }, required: false, aliases: ['season', 'muavu'] },
      {
        column: 'volume_tonnes',
        type: { kind: 'number', min: 0, max: 1e8 },
        required: false,
        aliases: ['volume_tonnes', 'volumeton', 'sanluong', 'sanluongtan'],
      },
      { column: 'address', type: { kind: 'text', max: 500 }, required: false, aliases: ['address', 'diachi'] },
      COMMUNE,
      SOURCE_KEY,
    ],
  },
  landuse: {
    collection: 'landuse',
    table: 'landuse_areas',
    geometry: 'multipolygon',
    // Keyed within their land-use map, not by commune: an area carries no commune (the map is of a
    // unit, landuse_maps.admin_code, and its areas cross commune lines), and one map is one survey
    // numbered once, so two maps' area 5 are two areas already, and a map's area 5 is one area.
    key: ['map_id', 'source_key'],
    keyWhere: 'source_key IS NOT NULL',
    roles: ['admin', 'officer'],
    communeScoped: false,
    fields: [
      { column: 'map_id', type: { kind: 'integer', min: 1 }, required: true, aliases: ['map_id', 'mapid'] },
      {
        column: 'land_use_code',
        type: { kind: 'land_use' },
        required: true,
        aliases: ['land_use_code', 'landuseco', 'mdsd', 'loaidat', 'kyhieumdsd', 'maloaidat', 'mucdich'],
      },
      SOURCE_KEY,
    ],
  },
};

/** Folds a field name for matching: lower case, no accents, no punctuation ("Số_Thửa" → "sothua"). */
export function foldName(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/**
 * Maps target columns to source fields: explicit choices first, then aliases (and the 10-character
 * dBASE cut of the column name, which our own shapefile export writes). Returns column → source field.
 */
export function autoMapping(
  target: Target,
  sourceFields: readonly string[],
  explicit: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const bySource = new Map(sourceFields.map((f) => [foldName(f), f]));
  const out: Record<string, string> = {};
  const used = new Set<string>();
  for (const f of target.fields) {
    const chosen = explicit[f.column];
    if (chosen !== undefined) {
      if (chosen !== '') out[f.column] = chosen;
      used.add(chosen);
    }
  }
  for (const f of target.fields) {
    if (f.column in explicit) continue;
    for (const alias of [f.column, f.column.slice(0, 10), ...f.aliases]) {
      const source = bySource.get(foldName(alias));
      if (source !== undefined && !used.has(source)) {
        out[f.column] = source;
        used.add(source);
        break;
      }
    }
  }
  return out;
}
