// The import screen's rules without the DOM: which collections a role may fill, the options a form
// holds and the query string the server reads from them (server/routes/import.ts), which files are
// worth sending, and the server's report, problem codes and refusals in the viewer's language.
import {
  FARMER_LINK_REASON,
  IMPORT_PROBLEM,
  NOT_TEXT_KIND,
  VALUE_RULE,
  type Bbox,
  type ImportJobBody,
  type ImportProblemCode,
  type ImportProblemCommon,
  type ImportProblemOf,
  type ImportProgress,
  type ImportReport as ServerReport,
} from '../../../server/contracts/import.ts';
import type { Role } from '../../../server/contracts/viewer.ts';
import { STATUS_LABELS, isGrowingAreaStatus } from '../../../server/domain/growing-area-lifecycle.ts';
import { formatNumber, lang, t } from '../i18n/i18n.ts';
import type { MessageKey } from '../i18n/vi.ts';
import { badFeatureText, geometryProblemText } from './import-reasons.ts';
import { IMPORT_COLLECTIONS, writableCollections, type ImportCollection } from './import-collections.ts';
import { date } from '../ui/feature-format.ts';
import { parcelName } from '../ui/parcel-name.ts';

/** Coordinate systems offered by name; '' leaves the choice to the file's .prj. */
export const CRS_CHOICES = ['', 'EPSG:5897', 'EPSG:9210', 'EPSG:3405', 'EPSG:4326'] as const;
/** Text encodings offered; '' lets the server read the .cpg or detect it. */
export const ENCODING_CHOICES = ['', 'tcvn3', 'vni', 'windows-1258', 'utf-8'] as const;

/** What the form holds; every field is text as typed or chosen, '' for "not given". */
export type ImportFormOptions = {
  collection: ImportCollection['id'];
  crs: string;
  encoding: string;
  commune: string;
  communeDate: string;
  map: string;
  plan: string;
  /** CSV only: '' as the file says, 'ne' X is the northing (Vietnamese habit), 'en' X is the easting. */
  axis: '' | 'ne' | 'en';
  /** '' the usual VN-2000 → WGS 84 shift; 'off' for "VN-2000 nội bộ" data made without it. */
  datumShift: '' | 'off';
  /** JSON object: column → field of the file. */
  mapping: string;
  repair: boolean;
  strict: boolean;
  /** Let a row move the stored feature its key names, however far (a misplaced survey, corrected). */
  relocate: boolean;
  /** The file's column that codes the rows (plots, products, land-use areas); '' lets the server find it. */
  key: string;
};

/** A new form's options: the first collection this role may write, the officer's commune when there is one. */
export function defaultOptions(role: Role | undefined, communes: readonly string[]): ImportFormOptions {
  return {
    collection: writableCollections(role)[0]?.id ?? 'plots',
    crs: '',
    encoding: '',
    commune: communes.length === 1 ? communes[0]! : '',
    communeDate: '',
    map: '',
    plan: '',
    axis: '',
    datumShift: '',
    mapping: '',
    repair: false,
    strict: false,
    relocate: false,
    key: '',
  };
}

/** Why options cannot be sent, by the field they concern. */
export const OPTION_REASON = Object.freeze({
  COMMUNE: 'commune',
  COMMUNE_DATE: 'communeDate',
  MAP: 'map',
  PLAN: 'plan',
  MAPPING: 'mapping',
  KEY: 'key',
} as const);
type OptionReason = (typeof OPTION_REASON)[keyof typeof OPTION_REASON];

/** Checks the options the server's schema would refuse, so the form says it before uploading. */
export function checkOptions(o: ImportFormOptions): { valid: true } | { valid: false; reason: OptionReason } {
  if (o.commune && !/^\d{5}$/.test(o.commune)) return { valid: false, reason: OPTION_REASON.COMMUNE };
  if (o.communeDate && !/^\d{4}-\d{2}-\d{2}$/.test(o.communeDate)) return { valid: false, reason: OPTION_REASON.COMMUNE_DATE };
  if (o.map && !/^\d{1,9}$/.test(o.map)) return { valid: false, reason: OPTION_REASON.MAP };
  if (o.plan && !/^\d{1,9}$/.test(o.plan)) return { valid: false, reason: OPTION_REASON.PLAN };
  if (o.mapping.trim()) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(o.mapping);
    } catch {
      return { valid: false, reason: OPTION_REASON.MAPPING };
    }
    const isMap =
      parsed && typeof parsed === 'object' && !Array.isArray(parsed) && Object.values(parsed).every((v) => typeof v === 'string');
    if (!isMap || o.mapping.length > 4000) return { valid: false, reason: OPTION_REASON.MAPPING };
  }
  if (o.key.trim().length > 200) return { valid: false, reason: OPTION_REASON.KEY };
  return { valid: true };
}

/** The query string of POST /api/import for these options (only what differs from the server's defaults). */
export function importQuery(o: ImportFormOptions, run: { dryRun: boolean; async: boolean }): string {
  const q = new URLSearchParams({ collection: o.collection, dryRun: String(run.dryRun) });
  if (run.async) q.set('async', 'true');
  if (o.crs) q.set('crs', o.crs);
  if (o.encoding) q.set('encoding', o.encoding);
  const asks = IMPORT_COLLECTIONS.find((c) => c.id === o.collection)?.asks;
  if (asks === 'commune' && o.commune) q.set('commune', o.commune);
  if (o.collection === 'parcels' && o.communeDate) q.set('communeDate', o.communeDate);
  if (asks === 'map' && o.map) q.set('map', o.map);
  if (asks === 'plan' && o.plan) q.set('plan', o.plan);
  if (o.axis) q.set('axis', o.axis);
  if (o.datumShift === 'off') q.set('datumShift', 'false');
  if (o.mapping.trim()) q.set('mapping', JSON.stringify(JSON.parse(o.mapping)));
  if (o.repair) q.set('repair', 'true');
  if (o.strict) q.set('strict', 'true');
  if (o.relocate) q.set('relocate', 'true');
  if (o.key.trim() && KEYED_COLLECTIONS.includes(o.collection)) q.set('key', o.key.trim());
  return q.toString();
}

/** The collections keyed by a code column of the file (server/io/targets.ts: source_key), which key= names. */
export const KEYED_COLLECTIONS: readonly string[] = ['plots', 'products', 'landuse'];

/** Why a picked file is not sent. */
export const FILE_REASON = Object.freeze({
  EMPTY: 'empty',
  /** A .shp, .dbf, .shx or .prj alone: the parts of a shapefile travel together in a zip. */
  SHAPEFILE_PART: 'shapefile-part',
  UNKNOWN_KIND: 'unknown-kind',
  /** Larger than GET /api/import/limits says the server takes: it would answer 413, or drop the connection. */
  TOO_LARGE: 'too-large',
} as const);
type FileReason = (typeof FILE_REASON)[keyof typeof FILE_REASON];

// .kmz: Google Earth's, My Maps' and many field apps' default, a zip of doc.kml (the server reads it as that KML).
const ACCEPTED = /\.(zip|geojson|json|kml|kmz|gpx|csv|gpkg)$/i;

/** The extensions the file picker offers. */
export const ACCEPT_ATTRIBUTE = '.zip,.geojson,.json,.kml,.kmz,.gpx,.csv,.gpkg';

/**
 * Checks a picked file by name and size before anything is uploaded; `maxBytes` is the server's limit
 * when it is known (the server takes a file of exactly that size), undefined when it could not be asked.
 */
export function checkFile(file: { name: string; size: number }, maxBytes?: number): { valid: true } | { valid: false; reason: FileReason } {
  if (/\.(shp|shx|dbf|prj|cpg|qpj|sbn|sbx)$/i.test(file.name)) return { valid: false, reason: FILE_REASON.SHAPEFILE_PART };
  if (!ACCEPTED.test(file.name)) return { valid: false, reason: FILE_REASON.UNKNOWN_KIND };
  if (file.size === 0) return { valid: false, reason: FILE_REASON.EMPTY };
  if (maxBytes !== undefined && file.size > maxBytes) return { valid: false, reason: FILE_REASON.TOO_LARGE };
  return { valid: true };
}

/** The limit of a GET /api/import/limits answer, or undefined when the answer holds none that can be used. */
export function limitOf(body: unknown): number | undefined {
  const value = (body as { maxBytes?: unknown } | null | undefined)?.maxBytes;
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

const MB = 1024 * 1024;

/**
 * Bytes as megabytes with at most one decimal: a file's size rounded up and a limit rounded down,
 * so a file one byte over a 1 MB limit reads "1,1 MB" against "1 MB", never "1 MB" against "1 MB".
 */
export function megabytesText(bytes: number, round: 'up' | 'down'): string {
  const tenths = (round === 'up' ? Math.ceil : Math.floor)((bytes / MB) * 10) / 10;
  return `${formatNumber(tenths, Number.isInteger(tenths) ? 0 : 1)} MB`;
}

/** Why a picked file is not sent, in the viewer's language (the size refusal names both sizes in MB and what to do). */
export function fileRefusalText(reason: FileReason, file: { name: string; size: number }, maxBytes: number | undefined): string {
  if (reason !== FILE_REASON.TOO_LARGE) return t(`importFileRefused_${reason}` as MessageKey, { name: file.name });
  // checkFile finds a file too large only against a known limit; without one the general sentence stands.
  if (maxBytes === undefined) return t('importError_tooLarge');
  return t('importFileRefused_too-large', {
    name: file.name,
    size: megabytesText(file.size, 'up'),
    limit: megabytesText(maxBytes, 'down'),
  });
}

/** A file's size in words: KB below a megabyte, MB with one decimal above. */
export function sizeText(bytes: number): string {
  return bytes < 1024 * 1024 ? `${formatNumber(Math.max(1, Math.round(bytes / 1024)))} KB` : `${formatNumber(bytes / 1024 / 1024, 1)} MB`;
}

// ---- the server's answers (server/contracts/import.ts) ----

/**
 * One problem of one feature as received. Its facts are read by code (factsOf); a job's report stored
 * by an older server process has the English sentence only, and a newer server may send a code this
 * page does not know yet.
 */
export type ReportProblem = ImportProblemCommon & { code: string };

/** The report of an import as received: `extent` is missing from a job's report stored by an older server. */
export type ImportReport = Omit<ServerReport, 'problems' | 'preview' | 'extent'> & { problems: ReportProblem[]; extent?: Bbox | null };

/** A background import as the server answers for it. */
export type ImportJob = Omit<ImportJobBody, 'report'> & { report: ImportReport | null };

/**
 * The bar's fill (0–100) for where the import is: the upload takes the first 30 (a weak connection
 * spends most of its time there), reading the next 50 by rows read, then validating and writing.
 */
export function progressPercent(stage: { upload: number } | ImportProgress): number {
  if ('upload' in stage) return Math.round(Math.min(1, Math.max(0, stage.upload)) * 30);
  switch (stage.phase) {
    case 'reading':
      return 30 + (stage.total ? Math.round(Math.min(1, stage.read / stage.total) * 50) : 10);
    case 'validating':
      return 85;
    case 'writing':
      return 95;
    case 'done':
      return 100;
  }
}

/** The line under the bar: what is happening now. */
export function progressText(stage: { upload: number; bytes: number } | ImportProgress): string {
  if ('upload' in stage) return t('importStageUpload', { pct: Math.round(stage.upload * 100), size: sizeText(stage.bytes) });
  if (stage.phase === 'reading')
    return stage.total
      ? t('importStageReadingOf', { n: formatNumber(stage.read), total: formatNumber(stage.total) })
      : t('importStageReading', { n: formatNumber(stage.read) });
  return t(`importStage_${stage.phase}` as MessageKey);
}

const COLUMN_KEYS: Readonly<Record<string, MessageKey>> = {
  commune_code: 'importColumn_commune_code',
  commune_ref_date: 'importColumn_commune_ref_date',
  sheet: 'importColumn_sheet',
  parcel_no: 'importColumn_parcel_no',
  land_use_code: 'importColumn_land_use_code',
  crop: 'importColumn_crop',
  producer_kind: 'importColumn_producer_kind',
  producer_name: 'importColumn_producer_name',
  product: 'importColumn_product',
  category: 'importColumn_category',
  lot_code: 'importColumn_lot_code',
  function: 'importColumn_function',
  map_id: 'importColumn_map_id',
  cert_sheet: 'importColumn_cert_sheet',
  cert_parcel: 'importColumn_cert_parcel',
  legal_area_m2: 'importColumn_legal_area_m2',
  address: 'importColumn_address',
  plan_code: 'importColumn_plan_code',
  info_code: 'importColumn_info_code',
  max_density_pct: 'importColumn_max_density_pct',
  max_far: 'importColumn_max_far',
  min_floors: 'importColumn_min_floors',
  max_floors: 'importColumn_max_floors',
  max_height_m: 'importColumn_max_height_m',
  setback_m: 'importColumn_setback_m',
  phase: 'importColumn_phase',
  variety: 'importColumn_variety',
  planting_date: 'importColumn_planting_date',
  expected_harvest: 'importColumn_expected_harvest',
  source_key: 'importColumn_source_key',
  season: 'importColumn_season',
  volume_tonnes: 'importColumn_volume_tonnes',
  farmer_hamlet: 'importColumn_farmer_hamlet',
  farmer_address: 'importColumn_farmer_address',
  farmer_citizen_id: 'importColumn_farmer_citizen_id',
  farmer_phone: 'importColumn_farmer_phone',
};

/** A target column by its name in the viewer's language (the column itself when it has none). */
export function columnName(column: string): string {
  const key = COLUMN_KEYS[column];
  return key ? t(key) : column;
}

/** The detected coordinate system in words: its name and how it was found. */
export function crsText(crs: ImportReport['layers'][number]['crs']): string {
  const how = ['epsg', 'wkt', 'option', 'default'].includes(crs.matchedBy)
    ? t(`importCrsBy_${crs.matchedBy}` as MessageKey)
    : crs.matchedBy;
  return `${crs.name} (${crs.code}) · ${how}`;
}

/** The text encoding in words: its name and how it was found. */
export function encodingText(encoding: NonNullable<ImportReport['layers'][number]['encoding']>): string {
  const names: Record<string, string> = {
    tcvn3: 'TCVN3 (ABC)',
    vni: 'VNI',
    'windows-1258': 'Windows-1258',
    'utf-8': 'UTF-8',
    latin1: 'Latin-1',
  };
  const how = ['cpg', 'detected', 'option', 'format'].includes(encoding.source)
    ? t(`importEncodingBy_${encoding.source}` as MessageKey)
    : encoding.source;
  return `${names[encoding.encoding] ?? encoding.encoding} · ${how}`;
}

/**
 * Where the map goes after an import: the extent of the features it inserted or updated, none for
 * a dry run, an import that changed nothing, or a report without an extent (an older server's job).
 */
export function writtenExtent(report: ImportReport): Bbox | null {
  const e = report.extent;
  if (report.dryRun || report.counts.inserted + report.counts.updated === 0 || !e) return null;
  return e.every(Number.isFinite) && e[0] <= e[2] && e[1] <= e[3] ? e : null;
}

/**
 * The headline of a report that wrote nothing (a check: would write nothing) although rows were
 * valid: they were all identical to the stored data, some beside refused ones, or "write nothing if
 * any feature is refused" kept them out. Null when rows were written, and when none was valid: that
 * is a refusal of the whole file (refusalText VALIDATION_FAILED), or an empty one.
 */
export function nothingWrittenText(report: ImportReport): string | null {
  const c = report.counts;
  if (c.valid === 0 || c.inserted + c.updated > 0) return null;
  const n = { unchanged: formatNumber(c.unchanged), refused: formatNumber(c.refused), valid: formatNumber(c.valid) };
  const dry = report.dryRun;
  // Strict mode stops before rows are compared with the stored ones: none is counted unchanged.
  if (c.unchanged === 0) return t(dry ? 'importHeadline_strictDry' : 'importHeadline_strict', n);
  if (c.refused === 0) return t(dry ? 'importHeadline_allUnchangedDry' : 'importHeadline_allUnchanged', n);
  return t(dry ? 'importHeadline_unchangedDry' : 'importHeadline_unchanged', n);
}

/** The report's figures in words, one line each: created, updated, unchanged, refused, warnings. */
export function reportCounts(report: ImportReport): string[] {
  const c = report.counts;
  const dry = report.dryRun;
  const lines = [
    t(dry ? 'importCountReadDry' : 'importCountRead', { n: formatNumber(c.read) }),
    t(dry ? 'importCountInsertedDry' : 'importCountInserted', { n: formatNumber(c.inserted) }),
    t(dry ? 'importCountUpdatedDry' : 'importCountUpdated', { n: formatNumber(c.updated) }),
  ];
  if (c.unchanged > 0) lines.push(t('importCountUnchanged', { n: formatNumber(c.unchanged) }));
  lines.push(t(dry ? 'importCountRefusedDry' : 'importCountRefused', { n: formatNumber(c.refused) }));
  if (c.warnings > 0) lines.push(t('importCountWarnings', { n: formatNumber(c.warnings) }));
  return lines;
}

/** Facts about each layer: CRS, encoding, missing columns, a layer skipped for its geometry. */
export function layerLines(report: ImportReport): string[] {
  const lines: string[] = [];
  for (const layer of report.layers) {
    const prefix = report.layers.length > 1 ? `${layer.name}: ` : '';
    if (layer.skipped) {
      lines.push(prefix + t('importLayerSkipped'));
      continue;
    }
    lines.push(prefix + t('importLayerCrs', { crs: crsText(layer.crs) }));
    if (layer.encoding) lines.push(prefix + t('importLayerEncoding', { encoding: encodingText(layer.encoding) }));
    if (layer.unmappedRequired.length > 0)
      lines.push(prefix + t('importLayerUnmapped', { columns: layer.unmappedRequired.map(columnName).join(', ') }));
    const unused = unusedFields(layer);
    if (unused.length > 0) lines.push(prefix + t('importLayerUnused', { columns: unused.join(', ') }));
    if (layer.keyCandidates) {
      lines.push(prefix + t('importLayerNoKey'));
      if (layer.keyCandidates.length > 0) lines.push(prefix + t('importLayerKeyCandidates', { columns: layer.keyCandidates.join(', ') }));
    }
  }
  return lines;
}

/** The columns the report offers as the rows' code (each layer's keyCandidates, once each), for a button apiece. */
export function keyChoices(report: ImportReport): string[] {
  return [...new Set(report.layers.flatMap((l) => l.keyCandidates ?? []))].slice(0, 5);
}

/**
 * What became of the farmers the plots' rows name (ChuHo, CCCD, SDT), one line each: plots linked
 * to farmers already registered, the new farmers ("n nông hộ mới") and how many of them have a hamlet
 * or an address from the file, the plots left without one.
 */
export function farmerLines(report: ImportReport): string[] {
  const f = report.farmers;
  if (!f) return [];
  const dry = report.dryRun;
  const n = (v: number) => formatNumber(v);
  const lines = [t(dry ? 'importFarmersMatchedDry' : 'importFarmersMatched', { n: n(f.matched) })];
  if (f.created > 0) lines.push(t(dry ? 'importFarmersCreatedDry' : 'importFarmersCreated', { n: n(f.created), rows: n(f.createdRows) }));
  // Counted only where the file has the column (Ap, DiaChi); the hamlets and addresses themselves never come back.
  if (f.created > 0 && f.createdWithHamlet !== undefined) lines.push(t('importFarmersWithHamlet', { n: n(f.createdWithHamlet) }));
  if (f.created > 0 && f.createdWithAddress !== undefined) lines.push(t('importFarmersWithAddress', { n: n(f.createdWithAddress) }));
  if (f.ambiguous > 0) lines.push(t(dry ? 'importFarmersAmbiguousDry' : 'importFarmersAmbiguous', { n: n(f.ambiguous) }));
  if (f.unlinked > 0) lines.push(t(dry ? 'importFarmersUnlinkedDry' : 'importFarmersUnlinked', { n: n(f.unlinked) }));
  return lines;
}

/** The words of each reason a plot came without its farmer (but ambiguous and bad-name, which carry facts). */
const FARMER_REASON_KEYS: Partial<Record<string, MessageKey>> = {
  [FARMER_LINK_REASON.NO_FARMER]: 'importFarmer_noFarmer',
  [FARMER_LINK_REASON.NO_NAME]: 'importFarmer_noName',
  [FARMER_LINK_REASON.ELSEWHERE]: 'importFarmer_elsewhere',
  [FARMER_LINK_REASON.BAD_CITIZEN_ID]: 'importFarmer_badCitizenId',
  [FARMER_LINK_REASON.BAD_PHONE]: 'importFarmer_badPhone',
  [FARMER_LINK_REASON.BAD_HAMLET]: 'importFarmer_badHamlet',
  [FARMER_LINK_REASON.BAD_ADDRESS]: 'importFarmer_badAddress',
  [FARMER_LINK_REASON.HAS_FARMER]: 'importFarmer_hasFarmer',
  [FARMER_LINK_REASON.LOCKED]: 'importFarmer_locked',
  [FARMER_LINK_REASON.NO_COMMUNE]: 'importFarmer_noCommune',
};

/** Why a farmer's name is none, in words (FARMER_NOT_LINKED's rule). */
function farmerNameWhy(rule: string | undefined): string {
  if (rule === VALUE_RULE.TOO_LONG) return t('importFarmerName_tooLong');
  if (rule === VALUE_RULE.NAME_NO_LETTER) return t('importFarmerName_noLetter');
  if (rule === VALUE_RULE.NAME_PICTOGRAPH) return t('importFarmerName_pictograph');
  if (rule === VALUE_RULE.NOT_TEXT) return t('importFarmerName_notText');
  return t('importFarmerName_other');
}

/** Why a hamlet or address cell was left out, in words (FARMER_CELL_LEFT_OUT's rule). */
function cellWhy(f: Partial<ImportProblemOf<'FARMER_CELL_LEFT_OUT'>>): string {
  if (f.rule === VALUE_RULE.TOO_LONG)
    return t('importCell_tooLong', { max: limit(f.maxLength ?? (f.column === 'farmer_hamlet' ? 100 : 300)) });
  if (f.rule === VALUE_RULE.NUL) return t('importCell_nul');
  if (f.rule === VALUE_RULE.NOT_TEXT) return t('importCell_notText');
  return t('importCell_control');
}

/** The file's columns no target column was mapped to: the import leaves them out (a farmer's name in ten_chu, say). */
export function unusedFields(layer: Pick<ImportReport['layers'][number], 'fields' | 'mapping'>): string[] {
  const used = new Set(Object.values(layer.mapping));
  return layer.fields.filter((f) => !used.has(f));
}

/** What the diagnosis suggests changing in the form, so one button can try it. */
export type DiagnosisFix = Partial<Pick<ImportFormOptions, 'crs' | 'datumShift' | 'axis'>>;

/** The likely cause of features landing outside their area, in words, and the options that would fix it. */
export function diagnosisText(
  diagnosis: NonNullable<ImportReport['crsDiagnosis']>,
  options: Pick<ImportFormOptions, 'axis'>,
): { text: string; fix: DiagnosisFix } {
  switch (diagnosis.cause) {
    case 'wrong_zone': {
      // An older server named the zone in its English fix only.
      const code = diagnosis.crs ?? /crs=(EPSG:\d+)/.exec(diagnosis.fix)?.[1];
      return code
        ? { text: t('importCause_wrong_zone', { crs: code }), fix: { crs: code } }
        : { text: t('importCause_wrong_zone_unknown'), fix: {} };
    }
    case 'missing_datum_shift':
      return { text: t('importCause_missing_datum_shift'), fix: { datumShift: 'off' } };
    case 'extra_datum_shift':
      return { text: t('importCause_extra_datum_shift'), fix: { datumShift: '' } };
    case 'swapped_axes':
      return { text: t('importCause_swapped_axes'), fix: { axis: options.axis === 'en' ? 'ne' : 'en' } };
  }
}

function statusLabel(status: string): string {
  return isGrowingAreaStatus(status) ? STATUS_LABELS[status][lang()] : status;
}

/** Every problem code the importer gives a feature. */
export const PROBLEM_CODES: readonly ImportProblemCode[] = Object.values(IMPORT_PROBLEM);

const COMMON_KEYS = new Set(['layer', 'index', 'code', 'message', 'severity', 'location']);

/**
 * The facts of a problem of this code: its fields, or, from a report without them (a job stored by
 * an older server), what its English sentence states (FROM_MESSAGE).
 */
export function factsOf<C extends ImportProblemCode>(p: ReportProblem, code: C): Partial<ImportProblemOf<C>> {
  if (Object.keys(p).some((k) => !COMMON_KEYS.has(k))) return p as Partial<ImportProblemOf<C>>;
  const parse = FROM_MESSAGE[code] as ((m: string) => Partial<ImportProblemOf<C>>) | undefined;
  return parse ? parse(p.message) : {};
}

const num = (text: string | undefined) => (text === undefined ? undefined : Number(text));

// The sentences of servers that sent no facts (server/io/import.ts before the facts were fields).
const FROM_MESSAGE: { [C in ImportProblemCode]?: (m: string) => Partial<ImportProblemOf<C>> } = {
  BAD_VALUE: (m) => {
    const floors = /^min_floors (\S+) is above max_floors (\S+)/.exec(m);
    if (floors) return { rule: 'order', column: 'min_floors', value: floors[1]!, otherColumn: 'max_floors', otherValue: floors[2]! };
    const dates = /^expected_harvest (\S+) is before planting_date (\S+)/.exec(m);
    if (dates) return { rule: 'order', column: 'expected_harvest', value: dates[1]!, otherColumn: 'planting_date', otherValue: dates[2]! };
    const field = /^(\w+)(?: \(([^)]*)\))?: (.*)$/.exec(m);
    const rest = field?.[3] ?? m;
    const rules: Array<[RegExp, (typeof VALUE_RULE)[keyof typeof VALUE_RULE]]> = [
      [/not a whole number/, VALUE_RULE.INTEGER],
      [/is not a number/, VALUE_RULE.NUMBER],
      [/is not a date/, VALUE_RULE.DATE],
      [/legacy land-use code/, VALUE_RULE.LEGACY_LAND_USE],
      [/land-use code/, VALUE_RULE.LAND_USE],
      [/crop .* is not in the crop list/, VALUE_RULE.CROP],
      [/is not one of/, VALUE_RULE.CHOICE],
      [/longer than/, VALUE_RULE.TOO_LONG],
      [/is below|is outside/, VALUE_RULE.RANGE],
      [/NUL character/, VALUE_RULE.NUL],
    ];
    const rule = rules.find(([pattern]) => pattern.test(rest))?.[1];
    const value = /legacy land-use code (\S+)/.exec(rest)?.[1] ?? /"([^"]*)"/.exec(rest)?.[1] ?? /^(-?[\d.]+) is/.exec(rest)?.[1] ?? '';
    return { ...(field ? { column: field[1]!, field: field[2] ?? null } : {}), value, ...(rule ? { rule } : {}) } as Partial<
      ImportProblemOf<'BAD_VALUE'>
    >;
  },
  MISSING_FIELD: (m) => ({
    column: /^(\w+) is required/.exec(m)?.[1],
    field: /\(field (.+) is empty\)/.exec(m)?.[1] ?? null,
    ...(/^producer_name is required for a (\w+)/.exec(m) ? { producerKind: /for a (\w+)/.exec(m)![1]! } : {}),
  }),
  OUTSIDE_AREA: (m) => {
    const commune = /outside commune (\S+?)[:;]?\s/.exec(`${m} `)?.[1];
    return {
      distanceKm: num(/lands ([\d.]+) km outside/.exec(m)?.[1]),
      area: commune ? 'commune' : 'province',
      communeCode: commune ?? null,
    };
  },
  NOT_YOUR_COMMUNE: (m) => ({ communeCode: /commune (\S+) is not/.exec(m)?.[1] }),
  STORED_ROW_OUTSIDE_SCOPE: (m) => {
    const f = /that of (\w+) (\d+) of commune (\S+?)[ ,(]/.exec(m);
    return f ? { collection: f[1]!, storedId: Number(f[2]), communeCode: f[3]! } : {};
  },
  PLOT_IN_LOCKED_AREA: (m) => {
    const f = /plot (\d+), which belongs to growing area (\d+) \(([\w-]+)\)/.exec(m);
    return f ? { plotId: Number(f[1]), areaId: Number(f[2]), areaStatus: f[3]! } : {};
  },
  PLOT_CROP_MISMATCH: (m) => {
    const f = /plot (\d+) to (\S+), but it belongs to draft growing area (\d+), which grows (\S+)/.exec(m);
    return f ? { plotId: Number(f[1]), plotCrop: f[2]!, areaId: Number(f[3]), areaCrop: f[4]! } : {};
  },
  DUPLICATE_KEY: (m) => {
    const f = /as feature (.+?) #(\d+) \(/.exec(m);
    return f ? { firstLayer: f[1]!, firstIndex: Number(f[2]) } : {};
  },
  INVALID_GEOMETRY: (m) => ({ reason: m }),
  UNREPAIRABLE: (m) => ({ reason: m }),
  REPAIRED: (m) => ({ reason: m }),
  LEGACY_LAND_USE: (m) => {
    const f = /legacy code (\S+) mapped to (\S+)/.exec(m);
    return f ? { legacyCode: f[1]!, currentCode: f[2]! } : {};
  },
  OUT_OF_RANGE: (m) => {
    const xy = /coordinate \(?([^)]*?)\)? (?:in|is)/.exec(m)?.[1];
    return xy ? { coordinate: xy.split(', ').map(Number) } : {};
  },
  WRONG_GEOMETRY_TYPE: (m) => {
    const parts = /(\d+) separate polygons/.exec(m)?.[1] ?? (/an empty geometry/.test(m) ? '0' : undefined);
    const f = /is an? (\w+) where an? (point|polygon) is expected/.exec(m);
    return { ...(parts ? { parts: Number(parts) } : {}), ...(f ? { geometryType: f[1]!, expected: f[2] as 'point' | 'polygon' } : {}) };
  },
  UNKNOWN_MAP: (m) => ({ mapId: num(/land-use map (\d+)/.exec(m)?.[1]) }),
};

const VALUE_KEYS: Readonly<Record<string, MessageKey>> = {
  [VALUE_RULE.INTEGER]: 'importValue_integer',
  [VALUE_RULE.NUMBER]: 'importValue_number',
  [VALUE_RULE.DATE]: 'importValue_date',
  [VALUE_RULE.LEGACY_LAND_USE]: 'importValue_legacyLandUse',
  [VALUE_RULE.LAND_USE]: 'importValue_landUse',
  [VALUE_RULE.CROP]: 'importValue_crop',
  [VALUE_RULE.CHOICE]: 'importValue_choice',
  [VALUE_RULE.TOO_LONG]: 'importValue_tooLong',
  [VALUE_RULE.RANGE]: 'importValue_range',
  [VALUE_RULE.NUL]: 'importValue_nul',
  [VALUE_RULE.NAME_NO_LETTER]: 'importValue_nameNoLetter',
  [VALUE_RULE.NAME_PICTOGRAPH]: 'importValue_namePictograph',
};

const NOT_TEXT_KEYS: Readonly<Record<string, MessageKey>> = {
  [NOT_TEXT_KIND.BOOLEAN]: 'importNotText_boolean',
  [NOT_TEXT_KIND.OBJECT]: 'importNotText_object',
  [NOT_TEXT_KIND.LIST]: 'importNotText_list',
};

/** What a cell that is no text was (true/false, an object, a list), in words. */
const notTextWhat = (kind: string | undefined) => t(NOT_TEXT_KEYS[kind ?? ''] ?? 'importNotText_object');

/** A limit as written in the target (0.1, 10 000 000 000), in the viewer's digits. */
const limit = (n: number) => formatNumber(n, Math.min(6, String(n).split('.')[1]?.length ?? 0));

/** Why a value was refused, with the limit it broke when the report names it. */
function valueWhy(f: Partial<ImportProblemOf<'BAD_VALUE'>>): string {
  const value = f.value ?? '';
  if (f.rule === VALUE_RULE.RANGE && 'min' in f && typeof f.min === 'number') {
    return typeof f.max === 'number'
      ? t('importValue_rangeBetween', { value, min: limit(f.min), max: limit(f.max) })
      : t('importValue_rangeMin', { value, min: limit(f.min) });
  }
  if (f.rule === VALUE_RULE.DATE_IN_FUTURE && 'today' in f)
    return t('importValue_dateInFuture', { value: date(value), today: date(f.today) });
  if (f.rule === VALUE_RULE.DATE_TOO_EARLY) return t('importValue_dateTooEarly', { value: date(value) });
  if (f.rule === VALUE_RULE.TOO_LONG && 'maxLength' in f && typeof f.maxLength === 'number')
    return t('importValue_tooLongMax', { max: limit(f.maxLength) });
  if (f.rule === VALUE_RULE.NOT_TEXT) return t('importValue_notText', { value: notTextWhat(f.value) });
  return t((f.rule && VALUE_KEYS[f.rule]) || 'importValue_invalid', { value });
}

/**
 * One problem of one feature in the viewer's language, from its code and its facts (the column, the
 * commune, the distance, the plot): never the English sentence itself.
 */
export function problemText(
  p: ReportProblem,
  diagnosis?: ImportReport['crsDiagnosis'],
  options: Pick<ImportFormOptions, 'axis'> = { axis: '' },
  /** The diagnosis is shown once above the rows: a row points to it instead of repeating it. */
  causeAbove = false,
  /** No diagnosis and most of the file lies in its communes: the row is misplaced itself, not the file's CRS. */
  mostlyInside = false,
): string {
  const code = p.code as ImportProblemCode;
  switch (code) {
    case IMPORT_PROBLEM.BAD_VALUE: {
      const f = factsOf(p, code);
      if (f.rule === VALUE_RULE.ORDER && 'otherValue' in f) {
        if (f.column === 'min_floors') return t('importProblem_BAD_VALUE_floors', { min: f.value ?? '?', max: f.otherValue ?? '?' });
        if (f.column === 'expected_harvest')
          return t('importProblem_BAD_VALUE_harvest', { harvest: f.value ?? '?', planting: f.otherValue ?? '?' });
      }
      return t('importProblem_BAD_VALUE', {
        column: f.column ? columnName(f.column) : '?',
        field: f.field ?? '',
        why: valueWhy(f),
      }).replace(' ()', '');
    }
    case IMPORT_PROBLEM.MISSING_FIELD: {
      const f = factsOf(p, code);
      if (f.producerKind) return t('importProblem_MISSING_FIELD_producer');
      if (f.column === 'commune_ref_date') return t('importProblem_MISSING_FIELD_communeDate');
      const column = columnName(f.column ?? '');
      return f.field ? t('importProblem_MISSING_FIELD_empty', { column, field: f.field }) : t('importProblem_MISSING_FIELD', { column });
    }
    case IMPORT_PROBLEM.OUTSIDE_AREA: {
      const f = factsOf(p, code);
      const where = !f.communeCode
        ? t('importWhereProvince')
        : f.communeName
          ? t('importWhereCommuneNamed', { name: f.communeName, code: f.communeCode })
          : t('importWhereCommune', { code: f.communeCode });
      const km = f.distanceKm;
      const distance = km !== undefined && Number.isFinite(km) ? formatNumber(km, km < 1 ? 3 : 1) : '?';
      const cause = diagnosis
        ? causeAbove
          ? t('importCause_seeAbove')
          : diagnosisText(diagnosis, options).text
        : t(mostlyInside ? 'importCause_feature' : 'importCause_none');
      return t('importProblem_OUTSIDE_AREA', { km: distance, where, cause });
    }
    case IMPORT_PROBLEM.NOT_YOUR_COMMUNE:
      return t('importProblem_NOT_YOUR_COMMUNE', { code: factsOf(p, code).communeCode ?? '?' });
    case IMPORT_PROBLEM.STORED_ROW_OUTSIDE_SCOPE: {
      const f = factsOf(p, code);
      return t('importProblem_STORED_ROW_OUTSIDE_SCOPE', { id: f.storedId ?? '?', code: f.communeCode ?? '?' });
    }
    case IMPORT_PROBLEM.KEY_OF_ANOTHER_FEATURE: {
      const f = factsOf(p, code);
      return t('importProblem_KEY_OF_ANOTHER_FEATURE', {
        key: f.key ?? '?',
        id: f.storedId ?? '?',
        m: f.distanceM !== undefined ? formatNumber(Math.round(f.distanceM)) : '?',
      });
    }
    case IMPORT_PROBLEM.PLOT_IN_LOCKED_AREA: {
      const f = factsOf(p, code);
      return t('importProblem_PLOT_IN_LOCKED_AREA', {
        plot: f.plotId ?? '?',
        area: f.areaId ?? '?',
        status: statusLabel(f.areaStatus ?? ''),
      });
    }
    case IMPORT_PROBLEM.PLOT_CROP_MISMATCH: {
      const f = factsOf(p, code);
      return t('importProblem_PLOT_CROP_MISMATCH', {
        plot: f.plotId ?? '?',
        crop: f.plotCrop ?? '?',
        area: f.areaId ?? '?',
        areaCrop: f.areaCrop ?? '?',
      });
    }
    case IMPORT_PROBLEM.PLOT_OVERLAP: {
      const f = factsOf(p, code);
      const list = [
        ...(f.plots ?? []).map((o) => t('importOverlapPlot', { id: o.id, m2: overlapM2(o.m2) })),
        ...(f.rows ?? []).map((o) => t('importOverlapRow', { layer: o.layer, index: o.index, m2: overlapM2(o.m2) })),
      ];
      return t('importProblem_PLOT_OVERLAP', { list: list.join(', ') || '?', threshold: f.thresholdM2 ?? 1 });
    }
    case IMPORT_PROBLEM.PARCEL_OVERLAP: {
      const f = factsOf(p, code);
      const list = [
        // Named as parcels are everywhere, with the commune of their survey ("Tờ 12 thửa 345, Xã Tân Thuận Tây cũ").
        ...(f.parcels ?? []).map((o) =>
          t('importOverlapParcel', {
            parcel: parcelName({
              sheet: o.sheet,
              parcel: o.parcelNo,
              commune: o.communeCode,
              communeName: o.communeName,
              communeFormer: o.communeFormer,
            }),
            m2: overlapM2(o.m2),
          }),
        ),
        ...(f.rows ?? []).map((o) => t('importOverlapRow', { layer: o.layer, index: o.index, m2: overlapM2(o.m2) })),
      ];
      return t('importProblem_PARCEL_OVERLAP', { list: list.join(', ') || '?', threshold: f.thresholdM2 ?? 1 });
    }
    case IMPORT_PROBLEM.DUPLICATE_KEY: {
      const f = factsOf(p, code);
      return t('importProblem_DUPLICATE_KEY', {
        first: f.firstIndex !== undefined ? `${f.firstLayer ?? ''} #${f.firstIndex}`.trim() : '?',
      });
    }
    // GEOS's and the readers' English reasons are worded from their codes (import-reasons.ts).
    case IMPORT_PROBLEM.INVALID_GEOMETRY:
    case IMPORT_PROBLEM.UNREPAIRABLE:
    case IMPORT_PROBLEM.REPAIRED:
      return geometryProblemText({ ...p, ...factsOf(p, code) });
    case IMPORT_PROBLEM.BAD_FEATURE:
      return badFeatureText({ ...p, ...factsOf(p, code) });
    case IMPORT_PROBLEM.LEGACY_LAND_USE: {
      const f = factsOf(p, code);
      return t('importProblem_LEGACY_LAND_USE', { from: f.legacyCode ?? '?', to: f.currentCode ?? '?' });
    }
    case IMPORT_PROBLEM.OUT_OF_RANGE:
      return t('importProblem_OUT_OF_RANGE', { xy: (factsOf(p, code).coordinate ?? []).slice(0, 2).join(', ') });
    case IMPORT_PROBLEM.WRONG_GEOMETRY_TYPE: {
      const f = factsOf(p, code);
      if (f.parts === 0) return t('importProblem_NO_GEOMETRY');
      if (f.parts) return t('importProblem_WRONG_GEOMETRY_TYPE_parts', { n: f.parts });
      return t(f.expected === 'point' ? 'importProblem_WRONG_GEOMETRY_TYPE_point' : 'importProblem_WRONG_GEOMETRY_TYPE_polygon', {
        type: f.geometryType ?? '?',
      });
    }
    case IMPORT_PROBLEM.BAD_RING:
    case IMPORT_PROBLEM.NO_GEOMETRY:
    case IMPORT_PROBLEM.UNKNOWN_PLAN:
      return t(`importProblem_${code}` as MessageKey);
    case IMPORT_PROBLEM.UNKNOWN_MAP:
      return t('importProblem_UNKNOWN_MAP', { id: factsOf(p, code).mapId ?? '?' });
    case IMPORT_PROBLEM.FARMER_NOT_LINKED: {
      const f = factsOf(p, code);
      if (f.reason === FARMER_LINK_REASON.AMBIGUOUS) return t('importFarmer_ambiguous', { n: f.matches ?? '?' });
      if (f.reason === FARMER_LINK_REASON.BAD_NAME) return t('importFarmer_badName', { why: farmerNameWhy(f.rule) });
      return t((f.reason && FARMER_REASON_KEYS[f.reason]) || 'importFarmer_other');
    }
    case IMPORT_PROBLEM.FARMER_CELL_LEFT_OUT: {
      const f = factsOf(p, code);
      return t('importProblem_FARMER_CELL_LEFT_OUT', {
        column: columnName(f.column ?? 'farmer_hamlet'),
        field: f.field ?? '?',
        why: cellWhy(f),
      });
    }
    case IMPORT_PROBLEM.VALUE_LEFT_OUT: {
      const f = factsOf(p, code);
      return t('importProblem_VALUE_LEFT_OUT', { column: columnName(f.column ?? '?'), field: f.field ?? '?', what: notTextWhat(f.kind) });
    }
    case IMPORT_PROBLEM.LEADING_ZERO_RESTORED: {
      const f = factsOf(p, code);
      return t('importProblem_LEADING_ZERO_RESTORED', { column: columnName(f.column ?? '?'), field: f.field ?? '?' });
    }
    default:
      return t('importProblem_other', { code: p.code });
  }
}

/** An overlap's m² as the report rounds it (to 0.1 m²), in the viewer's digits. */
const overlapM2 = (v: number) => formatNumber(v, Number.isInteger(v) ? 0 : 1);

/** How many problems the screen lists at once; the rest are counted and paged. */
export const PROBLEMS_PER_PAGE = 20;

/** One row of the problem table: where (layer, feature number) and what, worded. */
export type ProblemRow = { where: string; text: string; severity: 'error' | 'warning' };

/** A page of the report's problems as rows, errors first, and how many there are in all (listed or only counted). */
export function problemRows(
  report: ImportReport,
  page: number,
  options: Pick<ImportFormOptions, 'axis'> = { axis: '' },
): { rows: ProblemRow[]; listed: number; total: number; pages: number } {
  const sorted = [...report.problems].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  const pages = Math.max(1, Math.ceil(sorted.length / PROBLEMS_PER_PAGE));
  const from = Math.min(Math.max(0, page), pages - 1) * PROBLEMS_PER_PAGE;
  const multi = report.layers.length > 1;
  // The server advises a reading only when most located rows are outside (server/io/import.ts
  // diagnose); the rows accepted are at least the valid ones, so this never claims more than it.
  const mostlyInside = !report.crsDiagnosis && (report.problemCounts[IMPORT_PROBLEM.OUTSIDE_AREA] ?? 0) <= report.counts.valid;
  const rows = sorted.slice(from, from + PROBLEMS_PER_PAGE).map((p) => ({
    where: multi ? t('importWhereLayer', { layer: p.layer, n: p.index }) : t('importWhere', { n: p.index }),
    text: problemText(p, report.crsDiagnosis, options, true, mostlyInside),
    severity: p.severity,
  }));
  return { rows, listed: sorted.length, total: sorted.length + report.problemsOmitted, pages };
}

/** The problems counted by code, worded, most frequent first (the summary above the table). */
export function problemTally(report: ImportReport): string[] {
  return Object.entries(report.problemCounts)
    .sort((a, b) => b[1] - a[1])
    .map(([code, n]) => t('importTally', { n: formatNumber(n), what: t(tallyKey(code)) }));
}

function tallyKey(code: string): MessageKey {
  return (PROBLEM_CODES as readonly string[]).includes(code) ? (`importTally_${code}` as MessageKey) : 'importTally_other';
}

// ---- refusals of the whole file or request ----

/**
 * A refusal of the request or a failed job, as the screen tells it: what happened, then what to do;
 * `detail` is the server's own sentence when it is worth showing beside them (a 413's).
 */
export type Refusal = { title: string; advice: string; detail?: string };

/** The server's refusal (HTTP status and problem code; status 0: no answer) in the viewer's language. */
export function refusalText(status: number, code: string | undefined, detail = ''): Refusal {
  const key = refusalKey(status, code, detail);
  // A file of a supported type whose content is not of it: the type the user chose is named.
  const type = NOT_VALID.exec(detail)?.[1] ?? '';
  return { title: t(`importError_${key}` as MessageKey, { type }), advice: t(`importAdvice_${key}` as MessageKey, { type }) };
}

/** The server's BAD_FILE for a file named as a supported type whose bytes are not of it (server/io/sources.ts). */
const NOT_VALID = /is not valid (GeoJSON|KML|GPX|GeoPackage)\b/;

/** The refusal keys, each with a title and an advice in both languages. */
export const REFUSAL_KEYS = [
  'offline',
  'tooLarge',
  'zipLimit',
  'zipBomb',
  'unsupported',
  'unknownCrs',
  'badArchive',
  'encrypted',
  'noShp',
  'noLayer',
  'truncated',
  'badFile',
  'notValid',
  'nothingValid',
  'signedOut',
  'forbidden',
  'interrupted',
  'unsure',
  'aborted',
  'busy',
  'jobGone',
  'badRequest',
  'badKey',
  'server',
] as const;
type RefusalKey = (typeof REFUSAL_KEYS)[number];

function refusalKey(status: number, code: string | undefined, detail: string): RefusalKey {
  if (status === 0) return 'offline';
  switch (code) {
    case 'PAYLOAD_TOO_LARGE':
      return 'tooLarge';
    case 'ZIP_LIMIT':
      return /zip bomb/.test(detail) ? 'zipBomb' : 'zipLimit';
    case 'UNSUPPORTED_FORMAT':
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 'unsupported';
    case 'UNKNOWN_CRS':
      return 'unknownCrs';
    case 'BAD_ARCHIVE':
      return /encrypted/.test(detail) ? 'encrypted' : 'badArchive';
    case 'BAD_FILE':
      if (NOT_VALID.test(detail)) return 'notValid';
      if (/but no \.shp/.test(detail)) return 'noShp';
      if (/holds no shapefile|zip inside a zip/.test(detail)) return 'noLayer';
      if (/truncated|damaged|different rows/.test(detail)) return 'truncated';
      return 'badFile';
    case 'VALIDATION_FAILED':
      return 'nothingValid';
    case 'UNAUTHENTICATED':
      return 'signedOut';
    case 'FORBIDDEN':
    case 'CSRF':
      return 'forbidden';
    case 'IMPORT_INTERRUPTED':
      return 'interrupted';
    case 'ABORTED':
      return 'aborted';
    case 'OVERLOADED':
    case 'RATE_LIMITED':
      return 'busy';
    case 'NOT_FOUND':
      return 'jobGone';
    case 'BAD_REQUEST':
      // key=<column> (the form's "Cột mã đối tượng") naming no column of the file.
      return /^key=.* names no column of the file/.test(detail) ? 'badKey' : 'badRequest';
    case 'UNKNOWN_COLLECTION':
      return 'badRequest';
  }
  if (status === 413) return 'tooLarge';
  if (status === 415) return 'unsupported';
  if (status === 401) return 'signedOut';
  if (status === 403) return 'forbidden';
  if (status === 503 || status === 429) return 'busy';
  if (status >= 400 && status < 500) return 'badFile';
  return 'server';
}

/**
 * A failed upload in words, judged on the evidence only. A 413 (ours names its limit in `maxBytes`,
 * a proxy's says nothing) is "too large" with the server's sentence; no answer at all (status 0) is
 * a lost connection unless the file is larger than the limit the server told: the server then
 * answered 413 and closed while the browser was still sending, which the browser reports as a reset.
 */
export function uploadRefusal(
  status: number,
  problem: Record<string, unknown> | undefined,
  detail: string,
  fileBytes: number,
  knownLimit: number | undefined,
): Refusal {
  const limit = limitOf(problem) ?? knownLimit;
  const tooLarge =
    status === 413
      ? problem?.code === undefined || problem.code === 'PAYLOAD_TOO_LARGE'
      : status === 0 && limit !== undefined && fileBytes > limit;
  if (!tooLarge) return refusalText(status, typeof problem?.code === 'string' ? problem.code : undefined, detail);
  const refusal = refusalText(413, 'PAYLOAD_TOO_LARGE');
  if (limit !== undefined && fileBytes > limit)
    refusal.title = t('importError_tooLargeOf', { size: megabytesText(fileBytes, 'up'), limit: megabytesText(limit, 'down') });
  if (status === 413 && typeof problem?.detail === 'string' && problem.detail) refusal.detail = problem.detail;
  return refusal;
}

/**
 * What one answer of GET /api/import/jobs/{id} settles: 'running' goes on; 'settled' is the outcome;
 * 'unsure' is IMPORT_INTERRUPTED, which the server infers from a heartbeat that stopped, and a
 * process that only stalled may still commit afterwards: the screen asks again before believing it.
 */
export function jobState(job: Pick<ImportJob, 'status' | 'error'>): 'running' | 'settled' | 'unsure' {
  if (job.status === 'running') return 'running';
  return job.status === 'failed' && job.error?.code === 'IMPORT_INTERRUPTED' ? 'unsure' : 'settled';
}

/** A job whose outcome the screen could not learn (polls failed, or the server still calls it interrupted): said as such. */
export function unsureRefusal(): Refusal {
  return { title: t('importError_unsure'), advice: t('importAdvice_unsure') };
}

// ---- imports whose outcome is not known: the guard against sending the same file twice ----

/**
 * An import job whose outcome the screen has not learnt yet, and the file it sent. Kept in the tab's
 * sessionStorage from the server's 202 until the job's outcome is known, so a reload (or a panel
 * built anew) still knows that an earlier import of this file may have gone in.
 */
export type PendingImport = { url: string; user: string; name: string; size: number; collection: string; at: number };

/** The sessionStorage key of the pending imports. */
export const PENDING_KEY = 'bando.import.pending';
/** More unknown outcomes than this in one tab are left from long ago: the oldest give way. */
const MAX_PENDING = 10;
/** Only a job URL of our own server is asked again, whatever the storage holds. */
const JOB_URL = /^\/api\/import\/jobs\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The pending imports of this user in the stored text; malformed entries, another user's and URLs not of a job are dropped. */
export function parsePending(text: string | null | undefined, user: string): PendingImport[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text ?? '[]');
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed
    .filter(
      (p): p is PendingImport =>
        typeof p === 'object' &&
        p !== null &&
        typeof p.url === 'string' &&
        JOB_URL.test(p.url) &&
        p.user === user &&
        typeof p.name === 'string' &&
        Number.isSafeInteger(p.size) &&
        p.size >= 0 &&
        typeof p.collection === 'string' &&
        Number.isFinite(p.at),
    )
    .map(({ url, user: who, name, size, collection, at }) => ({ url, user: who, name, size, collection, at }))
    .slice(-MAX_PENDING);
}

const sameFile = (p: PendingImport, file: { name: string; size: number }) => p.name === file.name && p.size === file.size;

/**
 * The list with a job just accepted by the server. An earlier job of the same file gives way: a
 * second one exists only because the officer chose to send the file again knowing the risk.
 */
export function addPending(list: readonly PendingImport[], entry: PendingImport): PendingImport[] {
  return [...list.filter((p) => p.url !== entry.url && !sameFile(p, entry)), entry].slice(-MAX_PENDING);
}

/**
 * The list after an answer about one job: a job that ended (done, or failed other than
 * IMPORT_INTERRUPTED) has a known outcome, and one the server no longer keeps (404) never will; a
 * job still running, still called interrupted, or not reached (no signal, 5xx, signed out) stays.
 */
export function pendingAfter(
  list: readonly PendingImport[],
  url: string,
  answer: { job: Pick<ImportJob, 'status' | 'error'> } | { status: number },
): PendingImport[] {
  const known = 'job' in answer ? jobState(answer.job) === 'settled' : answer.status === 404;
  return known ? list.filter((p) => p.url !== url) : [...list];
}

/**
 * What the import button does for the picked file while earlier outcomes are unknown: 'same' holds
 * it (the file by name and size is one whose import may have gone in), 'earlier' only says that an
 * earlier import is unknown (another file, or none picked yet), 'clear' says nothing.
 */
export type ImportGuard = { kind: 'clear' } | { kind: 'same' | 'earlier'; pending: PendingImport };

/** The guard for this file (the newest unknown import of it, else the newest of any). */
export function importGuard(list: readonly PendingImport[], file: { name: string; size: number } | undefined): ImportGuard {
  const same = file ? list.findLast((p) => sameFile(p, file)) : undefined;
  if (same) return { kind: 'same', pending: same };
  const newest = list.at(-1);
  return newest ? { kind: 'earlier', pending: newest } : { kind: 'clear' };
}

/** The guard's sentence in the viewer's language ('' when there is nothing to say). */
export function guardText(guard: ImportGuard): string {
  return guard.kind === 'clear' ? '' : t(`importGuard_${guard.kind}`, { name: guard.pending.name });
}
