// The importer's report as POST /api/import and GET /api/import/jobs/{id} answer it. Each problem of
// a feature carries a stable code, the English sentence (for people, the CLI and clients that know
// no code) and the facts that sentence states as fields, so a client words them in the officer's
// language without reading the sentence.
import { MEMBERSHIP_REASON } from './membership.ts';

/** Stable codes of the problems the importer finds in one feature. */
export const IMPORT_PROBLEM = Object.freeze({
  /** The reader could not make a feature of the record (a broken CSV row, an unreadable geometry blob). */
  BAD_FEATURE: 'BAD_FEATURE',
  /** A value does not fit its column, or two values of the row contradict each other. */
  BAD_VALUE: 'BAD_VALUE',
  /** A required column is empty or has no source field. */
  MISSING_FIELD: 'MISSING_FIELD',
  /** A zoning lot names no registered plan. */
  UNKNOWN_PLAN: 'UNKNOWN_PLAN',
  /** A land-use area names a land-use map that does not exist. */
  UNKNOWN_MAP: 'UNKNOWN_MAP',
  /** The feature has no geometry. */
  NO_GEOMETRY: 'NO_GEOMETRY',
  /** A coordinate is not a number, or is not a place on Earth once read in the file's CRS. */
  OUT_OF_RANGE: 'OUT_OF_RANGE',
  /** A ring with too few points, or not closed. */
  BAD_RING: 'BAD_RING',
  /** A geometry of another type than the collection takes (a line for a plot, several polygons for one plot). */
  WRONG_GEOMETRY_TYPE: 'WRONG_GEOMETRY_TYPE',
  /** The same natural key as an earlier feature of the file: only the first is imported. */
  DUPLICATE_KEY: 'DUPLICATE_KEY',
  /** PostGIS finds the geometry invalid (ST_IsValidDetail). */
  INVALID_GEOMETRY: 'INVALID_GEOMETRY',
  /** With repair=true, ST_MakeValid leaves no single valid geometry of the collection's type. */
  UNREPAIRABLE: 'UNREPAIRABLE',
  /** Warning: the geometry was made valid with ST_MakeValid. */
  REPAIRED: 'REPAIRED',
  /** Warning: a legacy land-use code was mapped to its current code. */
  LEGACY_LAND_USE: 'LEGACY_LAND_USE',
  /** The feature lies outside its commune (or the province): usually a wrong CRS. */
  OUTSIDE_AREA: 'OUTSIDE_AREA',
  /** An officer's row names a commune they do not work in. */
  NOT_YOUR_COMMUNE: 'NOT_YOUR_COMMUNE',
  /** An officer's row has the key of a stored row of a commune they do not work in. */
  STORED_ROW_OUTSIDE_SCOPE: 'STORED_ROW_OUTSIDE_SCOPE',
  /**
   * The row's key is that of a stored row somewhere else (their shapes do not meet): two surveys that
   * both number their rows from 1 (OBJECTID, SoThua), not a correction of that row.
   */
  KEY_OF_ANOTHER_FEATURE: 'KEY_OF_ANOTHER_FEATURE',
  /** The row would change a plot of a growing area under review or with a code in force. */
  PLOT_IN_LOCKED_AREA: 'PLOT_IN_LOCKED_AREA',
  /** The row would change the crop of a plot of a draft growing area (one area, one crop). */
  PLOT_CROP_MISMATCH: MEMBERSHIP_REASON.CROP_MISMATCH,
  /** The plot overlaps a stored plot, or an earlier plot of the file, by more than the tolerance (1 m²). */
  PLOT_OVERLAP: 'PLOT_OVERLAP',
  /**
   * Warning: the parcel's interior overlaps a stored parcel, or an earlier parcel of the file, by more
   * than the tolerance (1 m²): a re-survey, or a file imported before under other sheet/parcel numbers.
   */
  PARCEL_OVERLAP: 'PARCEL_OVERLAP',
  /**
   * Warning: the plot is imported without the farmer its row names (ChuHo, CCCD, SDT): `reason`
   * (FARMER_LINK_REASON) says why; link it in the registry.
   */
  FARMER_NOT_LINKED: 'FARMER_NOT_LINKED',
  /**
   * Warning: the row's hamlet or address cell (`column`, from the file's `field`) is left out for
   * `rule` (too long, a NUL or another control character, no text): the plot is imported and its
   * farmer linked or registered all the same, without that cell.
   */
  FARMER_CELL_LEFT_OUT: 'FARMER_CELL_LEFT_OUT',
  /**
   * Warning: the row's `column`, from the file's `field`, is a text column but the cell is no text
   * (`kind`: true/false, an object, a list): it is left out, the row imported without it.
   */
  VALUE_LEFT_OUT: 'VALUE_LEFT_OUT',
  /**
   * Notice (a warning): the row's citizen ID or phone (`column`, from the file's `field`) was a number,
   * which had dropped its leading 0 (a spreadsheet's or a DBF's numeric column); the 0 is put back, as
   * it makes a well-formed CCCD or phone. The number itself is not repeated.
   */
  LEADING_ZERO_RESTORED: 'LEADING_ZERO_RESTORED',
} as const);

/** Why an imported plot was not linked to the farmer its row names (FARMER_NOT_LINKED's `reason`). */
export const FARMER_LINK_REASON = Object.freeze({
  /** `matches` farmers of the plot's commune fit the row's name (or phone): the import does not guess. */
  AMBIGUOUS: 'ambiguous',
  /** The row's farmer columns are empty. */
  NO_FARMER: 'no-farmer',
  /** No farmer holds the row's citizen ID or phone, and the row gives no name to register one by. */
  NO_NAME: 'no-name',
  /** The citizen ID is a farmer's of a commune the importing officer does not work in. */
  ELSEWHERE: 'citizen-id-elsewhere',
  /** The citizen ID is not 9 or 12 digits (spaces, dots and hyphens between groups are fine). */
  BAD_CITIZEN_ID: 'bad-citizen-id',
  /** The phone is not 9 to 12 digits. */
  BAD_PHONE: 'bad-phone',
  /** The name is no name (`rule`: too-long, name-no-letter, name-pictograph, nul, not-text). */
  BAD_NAME: 'bad-name',
  /**
   * The hamlet (Ap, ThonAp) was longer than 100 characters or held a NUL: given by older servers only,
   * which left such a row without its farmer (the hamlet is now left out alone: FARMER_CELL_LEFT_OUT).
   */
  BAD_HAMLET: 'bad-hamlet',
  /** The address (DiaChi) was longer than 300 characters or held a NUL: older servers only, as BAD_HAMLET. */
  BAD_ADDRESS: 'bad-address',
  /** The stored plot has another farmer: an import does not move a plot between farmers (the registry does). */
  HAS_FARMER: 'plot-has-farmer',
  /** The stored plot belongs to a growing area under review or with a code in force. */
  LOCKED: 'plot-in-locked-area',
  /** The plot lies in no commune or ward of today that the importer may register a farmer in. */
  NO_COMMUNE: 'no-commune',
} as const);

/** One of the reasons a plot was not linked to its farmer. */
export type FarmerLinkReason = (typeof FARMER_LINK_REASON)[keyof typeof FARMER_LINK_REASON];

/** What an import of plots did (a dry run: would do) with the farmers its rows name. */
export type FarmerLinks = {
  /** Rows linked to a farmer already registered (by citizen ID, phone, or the one farmer of that name in the commune). */
  matched: number;
  /** Farmers registered from the file's names (several rows of one household count once). */
  created: number;
  /** Rows linked to those new farmers. */
  createdRows: number;
  /** Rows whose name (or phone) fits several farmers: imported without a farmer. */
  ambiguous: number;
  /** Rows imported without a farmer for another reason (FARMER_NOT_LINKED says which). */
  unlinked: number;
  /** Of the new farmers, those registered with a hamlet (Ap, ThonAp, TenAp) from the file. */
  createdWithHamlet?: number;
  /** Of the new farmers, those registered with an address (DiaChi, DiaChiThuongTru) from the file. */
  createdWithAddress?: number;
};

/** One of the importer's problem codes. */
export type ImportProblemCode = (typeof IMPORT_PROBLEM)[keyof typeof IMPORT_PROBLEM];

/** Why a value does not fit its column (BAD_VALUE's `rule`). */
export const VALUE_RULE = Object.freeze({
  /** Not a whole number. */
  INTEGER: 'integer',
  /** Not a number. */
  NUMBER: 'number',
  /** Not a date (YYYY-MM-DD, DD/MM/YYYY or YYYYMMDD). */
  DATE: 'date',
  /** Below `min` or above `max`. */
  RANGE: 'range',
  /** Longer than `maxLength` characters. */
  TOO_LONG: 'too-long',
  /** Does not match `pattern` (a commune code of 5 digits, a 12-digit maThongTinQH). */
  PATTERN: 'pattern',
  /** Holds a NUL character, which PostgreSQL text cannot store. */
  NUL: 'nul',
  /** A land-use code not in the code list (Circular 08/2024). */
  LAND_USE: 'land-use',
  /** A legacy land-use code with no single current code (`note` says why). */
  LEGACY_LAND_USE: 'legacy-land-use',
  /** A crop not in the crop list. */
  CROP: 'crop',
  /** Not one of `allowed`. */
  CHOICE: 'choice',
  /** Contradicts `otherColumn` of the same row: min_floors above max_floors, expected_harvest before planting_date. */
  ORDER: 'order',
  /** A date of something done (a plot's planting) after today in Vietnam (`today`). */
  DATE_IN_FUTURE: 'date-in-future',
  /** A date of something done before 1900 (`earliest`): a slip of the year. */
  DATE_TOO_EARLY: 'date-too-early',
  /** A name (a producer's) without a letter: emoji, digits or punctuation only. */
  NAME_NO_LETTER: 'name-no-letter',
  /** A name (a producer's) with an emoji or another pictograph ("HTX 🙂"). */
  NAME_PICTOGRAPH: 'name-pictograph',
  /** Holds a control character other than a line break or a tab (a farmer's hamlet or address). */
  CONTROL: 'control',
  /** A cell that is no text: true/false, an object or a list where words are expected (a farmer's cells). */
  NOT_TEXT: 'not-text',
} as const);

/** One of the value rules. */
export type ValueRule = (typeof VALUE_RULE)[keyof typeof VALUE_RULE];

/** What a cell that is no text was (VALUE_LEFT_OUT's `kind`, BAD_VALUE not-text's `value`). */
export const NOT_TEXT_KIND = Object.freeze({ BOOLEAN: 'boolean', OBJECT: 'object', LIST: 'list' } as const);

/** One of the kinds of a cell that is no text. */
export type NotTextKind = (typeof NOT_TEXT_KIND)[keyof typeof NOT_TEXT_KIND];

/** Why a farmer's hamlet or address cell is left out (FARMER_CELL_LEFT_OUT's `rule`). */
export type FarmerCellRule = 'too-long' | 'nul' | 'control' | 'not-text';

/**
 * What GEOS finds wrong with an invalid geometry (INVALID_GEOMETRY's, UNREPAIRABLE's and REPAIRED's
 * `fault`), read from its ST_IsValidReason text, whose wording moves between GEOS versions.
 */
export const GEOMETRY_FAULT = Object.freeze({
  /** Two edges of the boundary cross (a bow tie). */
  SELF_INTERSECTION: 'self-intersection',
  /** The boundary touches itself at a point (a figure eight). */
  RING_SELF_INTERSECTION: 'ring-self-intersection',
  /** A ring or line with fewer distinct points than a shape needs. */
  TOO_FEW_POINTS: 'too-few-points',
  /** A hole lies outside its polygon's outer boundary. */
  HOLE_OUTSIDE_SHELL: 'hole-outside-shell',
  /** A hole lies inside another hole. */
  NESTED_HOLES: 'nested-holes',
  /** A part of a multipolygon lies inside another part. */
  NESTED_SHELLS: 'nested-shells',
  /** Holes cut the polygon's inside into pieces. */
  DISCONNECTED_INTERIOR: 'disconnected-interior',
  /** A coordinate is not a finite number. */
  INVALID_COORDINATE: 'invalid-coordinate',
  /** A ring's last point is not its first. */
  RING_NOT_CLOSED: 'ring-not-closed',
  /** The same ring twice. */
  DUPLICATE_RINGS: 'duplicate-rings',
  /** A point repeated where it may not be (older GEOS). */
  REPEATED_POINT: 'repeated-point',
  /** A reason this list does not know: the English `reason` is all there is. */
  OTHER: 'other',
} as const);

/** One of the geometry faults. */
export type GeometryFault = (typeof GEOMETRY_FAULT)[keyof typeof GEOMETRY_FAULT];

/** Why a reader could not make a feature of a record (BAD_FEATURE's `reason`). */
export const FEATURE_FAULT = Object.freeze({
  /** A GeoJSON record that is not a Feature. */
  NOT_A_FEATURE: 'not-a-feature',
  /** A coordinate cell (CSV lon/lat, X/Y) holding `value`, which is not a number. */
  NOT_A_NUMBER: 'not-a-number',
  /** WKT text that does not parse: `position` is the character where it stops making sense. */
  BAD_WKT: 'bad-wkt',
  /** An EMPTY geometry where a shape is needed. */
  EMPTY_GEOMETRY: 'empty-geometry',
  /** A geometry type the reader does not know (`geometryType`: its WKT name or WKB number). */
  UNSUPPORTED_GEOMETRY_TYPE: 'unsupported-geometry-type',
  /** A binary geometry (GeoPackage blob, WKB) that is cut short or not one at all. */
  BAD_GEOMETRY_BLOB: 'bad-geometry-blob',
  /** Anything else: the English message is all there is. */
  OTHER: 'other',
} as const);

/** One of the reasons a record is not a feature. */
export type FeatureFault = (typeof FEATURE_FAULT)[keyof typeof FEATURE_FAULT];

/** BAD_FEATURE's facts beside its code (all absent in reports of older servers). */
export type BadFeatureFacts = { reason?: FeatureFault; value?: string; position?: number; geometryType?: string };

/** Where a problem is and how the importer wrote it, whatever its code. */
export type ImportProblemCommon = {
  /** The layer of the file (a shapefile's name, a GeoPackage table). */
  layer: string;
  /** The feature's position in its layer, from 1. */
  index: number;
  /** The English sentence. */
  message: string;
  severity: 'error' | 'warning';
  /** Longitude/latitude of a self-intersection or similar, and the same point in the file's CRS. */
  location?: { lon: number; lat: number; source?: [number, number] };
};

type BadValue = {
  code: 'BAD_VALUE';
  /** The target column. */
  column: string;
  /** The file's field mapped to it (null: a default given with the request, or a rule across columns). */
  field: string | null;
  /** The value as read, at most 100 characters, a NUL written as \0. */
  value: string;
};

/** The geometry types a collection takes. */
type GeometryKind = 'point' | 'polygon' | 'multipolygon';

/** The facts of each code: the fields beside `code` that its sentence states. */
export type ImportProblemFacts =
  /** Why the reader gave up (`reason`), with the value, the WKT position or the geometry type it names. */
  | ({ code: 'BAD_FEATURE' } & BadFeatureFacts)
  | (BadValue & { rule: 'integer' | 'number' | 'date' | 'nul' | 'land-use' | 'crop' })
  | (BadValue & { rule: 'range'; min: number | null; max: number | null })
  | (BadValue & { rule: 'too-long'; maxLength: number })
  /** `pattern` is the regular expression's source, e.g. ^\d{5}$. */
  | (BadValue & { rule: 'pattern'; pattern: string })
  | (BadValue & { rule: 'legacy-land-use'; note: string | null })
  | (BadValue & { rule: 'choice'; allowed: string[] })
  /** `column` (value `value`) contradicts `otherColumn` (value `otherValue`). */
  | (BadValue & { rule: 'order'; otherColumn: string; otherValue: string })
  /** A planting date after `today` in Vietnam, or before `earliest` (1900-01-01). */
  | (BadValue & { rule: 'date-in-future'; today: string })
  | (BadValue & { rule: 'date-too-early'; earliest: string })
  | (BadValue & { rule: 'name-no-letter' | 'name-pictograph' })
  /** A required or key text column given no text: `value` is what it was (NOT_TEXT_KIND), never its content. */
  | (BadValue & { rule: 'not-text' })
  /** `column` is empty: `field` is the file's field mapped to it, null when none is. `producerKind` when a company or cooperative needs a producer_name. */
  | { code: 'MISSING_FIELD'; column: string; field: string | null; producerKind?: string }
  /** No plan: `planCode` is the maHoSoQH the row names (null: none), `planId` the plan=ID asked for (null: none). */
  | { code: 'UNKNOWN_PLAN'; planCode: string | null; planId: number | null }
  | { code: 'UNKNOWN_MAP'; mapId: number }
  | { code: 'NO_GEOMETRY' }
  /** `coordinate` as the file gives it (null where it is not a number), read in `crs`. */
  | { code: 'OUT_OF_RANGE'; coordinate: Array<number | null>; crs: string; reason: 'not-a-number' | 'off-earth' }
  /** A ring of `points` points (fewer than 4), or one whose `first` and `last` points differ. */
  | { code: 'BAD_RING'; reason: 'too-few-points'; points: number }
  | { code: 'BAD_RING'; reason: 'unclosed'; first: number[]; last: number[] }
  /** A `geometryType` (GeoJSON's name) where `expected` is taken; `parts` polygons (0: empty) where one is expected. */
  | { code: 'WRONG_GEOMETRY_TYPE'; geometryType: string; expected: GeometryKind; parts: number | null }
  /** Same `key` (column → value) as feature `firstIndex` of layer `firstLayer`. */
  | { code: 'DUPLICATE_KEY'; key: Record<string, string>; firstLayer: string; firstIndex: number }
  /**
   * `reason` is GEOS's (ST_IsValidReason), e.g. "Self-intersection[105.61 10.45]"; `fault` the same
   * as a code (absent from older servers). The point GEOS names is the problem's `location`.
   */
  | { code: 'INVALID_GEOMETRY'; reason: string; fault?: GeometryFault }
  | { code: 'UNREPAIRABLE'; reason: string; expected: GeometryKind; fault?: GeometryFault }
  | { code: 'REPAIRED'; reason: string; fault?: GeometryFault }
  /** `legacyCode` of `column` was mapped to `currentCode`; `note` is the code list's remark. */
  | { code: 'LEGACY_LAND_USE'; column: string; legacyCode: string; currentCode: string; note: string | null }
  /**
   * `distanceKm` outside commune `communeCode` (`communeName`, null when unknown), or outside the
   * province when the row's commune has no boundary (`area` 'province', communeCode null).
   */
  | {
      code: 'OUTSIDE_AREA';
      area: 'commune' | 'province';
      communeCode: string | null;
      communeName: string | null;
      distanceKm: number;
    }
  /** The row's commune `communeCode` (null: none) is not one of `yourCommunes`. */
  | { code: 'NOT_YOUR_COMMUNE'; communeCode: string | null; communeName: string | null; yourCommunes: string[] }
  /** The row's key is that of stored row `storedId` of `collection`, in commune `communeCode`, not one of `yourCommunes`. */
  | {
      code: 'STORED_ROW_OUTSIDE_SCOPE';
      collection: string;
      storedId: number;
      communeCode: string;
      communeName: string | null;
      yourCommunes: string[];
    }
  /** The row's key `key` is that of stored row `storedId` of `collection`, `distanceM` metres away. */
  | { code: 'KEY_OF_ANOTHER_FEATURE'; collection: string; storedId: number; key: string; distanceM: number }
  /** Plot `plotId` belongs to growing area `areaId`, whose status is `areaStatus`. */
  | { code: 'PLOT_IN_LOCKED_AREA'; plotId: number; areaId: number; areaStatus: string }
  /** Plot `plotId` would grow `plotCrop`, but its draft growing area `areaId` grows `areaCrop`. */
  | { code: 'PLOT_CROP_MISMATCH'; plotId: number; plotCrop: string; areaId: number; areaCrop: string }
  /**
   * The plot overlaps stored plots `plots` (id, m² of overlap; at most 10, largest first) or earlier
   * rows of the file `rows` (layer, index, m²) by more than `thresholdM2` each.
   */
  | {
      code: 'PLOT_OVERLAP';
      plots: { id: number; m2: number }[];
      rows: { layer: string; index: number; m2: number }[];
      thresholdM2: number;
    }
  /**
   * The parcel overlaps stored parcels `parcels` (id, commune code, the name of that commune on the
   * parcel's commune_ref_date and whether it is a former unit, map sheet "tờ", parcel number "thửa",
   * m² of overlap; at most 10, largest first) or earlier rows of the file `rows` (layer,
   * index, m²) by more than `thresholdM2` each. A warning: the row is imported all the same.
   */
  | {
      code: 'PARCEL_OVERLAP';
      parcels: {
        id: number;
        communeCode: string;
        communeName: string | null;
        communeFormer: boolean | null;
        sheet: number;
        parcelNo: number;
        m2: number;
      }[];
      rows: { layer: string; index: number; m2: number }[];
      thresholdM2: number;
    }
  /**
   * The plot was imported without a farmer, for `reason`; `matches` is how many farmers fit
   * (ambiguous), `rule` why the name is refused (bad-name; an older server's bad-hamlet, bad-address).
   * No name, citizen ID, phone, hamlet or address is repeated here.
   */
  | { code: 'FARMER_NOT_LINKED'; reason: FarmerLinkReason; matches?: number; rule?: string }
  /**
   * The row's `column` (farmer_hamlet, farmer_address), read from the file's `field`, is left out for
   * `rule`; `maxLength` is the registry's cap when it is too long. The plot and its farmer are
   * imported without it. The cell itself is not repeated here.
   */
  | {
      code: 'FARMER_CELL_LEFT_OUT';
      column: 'farmer_hamlet' | 'farmer_address';
      field: string | null;
      rule: FarmerCellRule;
      maxLength?: number;
    }
  /** The row's text `column` (from the file's `field`) was no text (`kind`) and is left out; the cell is not repeated. */
  | { code: 'VALUE_LEFT_OUT'; column: string; field: string | null; rule: 'not-text'; kind: NotTextKind }
  /** The leading 0 of the row's numeric citizen ID or phone (`column`, from `field`) was put back; the number is not repeated. */
  | { code: 'LEADING_ZERO_RESTORED'; column: 'farmer_citizen_id' | 'farmer_phone'; field: string | null };

/** One problem of one feature: where, the sentence, and the facts of its code. */
export type ImportProblem = ImportProblemCommon & ImportProblemFacts;

/** The problems of one code. */
export type ImportProblemOf<C extends ImportProblemCode> = Extract<ImportProblem, { code: C }>;

/** A box [west, south, east, north] in EPSG:4326 degrees. */
export type Bbox = [number, number, number, number];

/** Why features landed outside their area, when one cause explains most of them. */
export type CrsDiagnosis = {
  cause: 'wrong_zone' | 'missing_datum_shift' | 'extra_datum_shift' | 'swapped_axes';
  /** The cause in English. */
  message: string;
  /** The fix in English, with the option to set. */
  fix: string;
  /** wrong_zone: the CRS the data is in (e.g. EPSG:9210), to re-import with crs=. */
  crs?: string;
};

/** Where a running import is. */
export type ImportProgress = { phase: 'reading' | 'validating' | 'writing' | 'done'; read: number; total: number | null };

/** The answer to an import, dry run or not. */
export type ImportReport = {
  dryRun: boolean;
  collection: string;
  file: string;
  format: string;
  layers: Array<{
    name: string;
    crs: { code: string; name: string; matchedBy: string };
    encoding?: { encoding: string; source: string; confidence: number };
    fields: string[];
    mapping: Record<string, string>;
    unmappedRequired: string[];
    features: number;
    skipped?: string;
    /**
     * When no column keys the rows (plots, products, land-use areas): the file's columns that look
     * like a plot code (a value on every row, no two alike, no decimal number), to import with key=<column>.
     */
    keyCandidates?: string[];
  }>;
  counts: { read: number; valid: number; refused: number; inserted: number; updated: number; unchanged: number; warnings: number };
  problemCounts: Record<string, number>;
  problems: ImportProblem[];
  problemsOmitted: number;
  /** The first mapped rows, to check a mapping before committing. */
  preview: Array<{ layer: string; index: number; values: Record<string, unknown>; geometryType: string | null }>;
  crsDiagnosis?: CrsDiagnosis;
  /** Plots whose file names their farmers (ChuHo, CCCD, SDT): what became of those links. */
  farmers?: FarmerLinks;
  /**
   * The extent of the features the import inserted or updated (a dry run: would have), null when
   * none; unchanged rows are not in it.
   */
  extent: Bbox | null;
  warnings: string[];
  committed: boolean;
};

/** A background import as GET /api/import/jobs/{id} answers it. */
export type ImportJobBody = {
  id: string;
  status: 'running' | 'done' | 'failed';
  progress: ImportProgress;
  report: ImportReport | null;
  error: { code: string; message: string } | null;
  /**
   * When someone asked the job to stop (DELETE /api/import/jobs/{id}), null if nobody did (absent
   * from older servers). A cancelled job ends 'failed' with error code ABORTED and nothing written;
   * one that committed before the request took effect ends 'done' with this set all the same.
   */
  cancelRequestedAt?: string | null;
};
