import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  FARMER_LINK_REASON,
  IMPORT_PROBLEM,
  type ImportProblem,
  type ImportProblemCode,
  type ImportProblemCommon,
  type ImportProblemFacts,
  type ImportProblemOf,
} from '../../../server/contracts/import.ts';
import { MEMBERSHIP_REASON } from '../../../server/contracts/membership.ts';
import { TARGETS } from '../../../server/io/targets.ts';
import { STATUS_BY_CODE } from '../../../server/plugins/errors.ts';
import { setLang, startLang } from '../i18n/i18n.ts';
import { en } from '../i18n/en.ts';
import { vi } from '../i18n/vi.ts';
import {
  CRS_CHOICES,
  ENCODING_CHOICES,
  PROBLEM_CODES,
  PROBLEMS_PER_PAGE,
  REFUSAL_KEYS,
  addPending,
  ACCEPT_ATTRIBUTE,
  checkFile,
  checkOptions,
  columnName,
  defaultOptions,
  diagnosisText,
  farmerLines,
  fileRefusalText,
  guardText,
  importGuard,
  importQuery,
  jobState,
  keyChoices,
  layerLines,
  limitOf,
  megabytesText,
  nothingWrittenText,
  parsePending,
  pendingAfter,
  problemRows,
  problemTally,
  problemText,
  progressPercent,
  refusalText,
  reportCounts,
  unsureRefusal,
  uploadRefusal,
  writtenExtent,
  type ImportReport,
  type PendingImport,
  type ReportProblem,
} from './import-logic.ts';
import { IMPORT_COLLECTIONS, writableCollections } from './import-collections.ts';

// The i18n module sets <html lang> and remembers the choice; bare objects stand in here.
(globalThis as { document?: unknown }).document ??= { documentElement: {} };
(globalThis as { localStorage?: unknown }).localStorage ??= { getItem: () => null, setItem: () => undefined };
afterEach(() => startLang('vi'));

const MB = 1024 * 1024;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function report(overrides: Partial<ImportReport> = {}): ImportReport {
  return {
    dryRun: true,
    collection: 'plots',
    file: 'thua.zip',
    format: 'shapefile',
    layers: [
      {
        name: 'thua',
        crs: { code: 'EPSG:5897', name: 'VN-2000 / TM-3 zone 105-00', matchedBy: 'wkt' },
        encoding: { encoding: 'tcvn3', source: 'detected', confidence: 0.9 },
        fields: ['MaXa', 'CayTrong'],
        mapping: { commune_code: 'MaXa', crop: 'CayTrong' },
        unmappedRequired: [],
        features: 12,
      },
    ],
    counts: { read: 12, valid: 10, refused: 2, inserted: 7, updated: 3, unchanged: 0, warnings: 0 },
    problemCounts: { OUTSIDE_AREA: 1, BAD_VALUE: 1 },
    problems: [],
    problemsOmitted: 0,
    warnings: [],
    committed: false,
    ...overrides,
  };
}

/** A problem as the importer writes it (server/io/import.ts): its facts, and a sentence this client must not read. */
const problem = (facts: ImportProblemFacts, extra: Partial<ImportProblemCommon> = {}): ImportProblem => ({
  layer: 'thua',
  index: 4,
  message: 'A sentence reworded since: the wording comes from the fields.',
  severity: 'error',
  ...facts,
  ...extra,
});

/** A problem as a job stored by an older server has it: the English sentence and no facts. */
const sentence = (code: string, message: string, extra: Partial<ReportProblem> = {}): ReportProblem => ({
  layer: 'thua',
  index: 4,
  code,
  message,
  severity: 'error',
  ...extra,
});

/** One problem per code with its facts, the older server's sentence of the same facts, and what the wording must carry. */
const SAMPLES: Record<ImportProblemCode, { p: ImportProblem; old: string; facts: string[] }> = {
  BAD_FEATURE: { p: problem({ code: 'BAD_FEATURE' }), old: 'shape 4 is damaged', facts: [] },
  BAD_VALUE: {
    p: problem({ code: 'BAD_VALUE', column: 'sheet', field: 'SoTo', value: '12a', rule: 'integer' }),
    old: 'sheet (SoTo): "12a" is not a whole number',
    facts: ['Số tờ', 'SoTo', '12a'],
  },
  MISSING_FIELD: {
    p: problem({ code: 'MISSING_FIELD', column: 'crop', field: 'CayTrong' }),
    old: 'crop is required (field CayTrong is empty)',
    facts: ['Cây trồng', 'CayTrong'],
  },
  UNKNOWN_PLAN: {
    p: problem({ code: 'UNKNOWN_PLAN', planCode: null, planId: null }),
    old: 'no plan: pass plan=ID or map maHoSoQH',
    facts: [],
  },
  UNKNOWN_MAP: { p: problem({ code: 'UNKNOWN_MAP', mapId: 42 }), old: 'land-use map 42 does not exist', facts: ['42'] },
  NO_GEOMETRY: { p: problem({ code: 'NO_GEOMETRY' }), old: 'the feature has no geometry', facts: [] },
  OUT_OF_RANGE: {
    p: problem({ code: 'OUT_OF_RANGE', reason: 'off-earth', coordinate: [1154000, 585000], crs: 'EPSG:5897' }),
    old: 'coordinate (1154000, 585000) in EPSG:5897 is not a place on Earth; check the coordinate system and the axis order',
    facts: ['1154000, 585000'],
  },
  BAD_RING: {
    p: problem({ code: 'BAD_RING', reason: 'too-few-points', points: 3 }),
    old: 'the geometry is a ring with 3 points (a closed ring needs at least 4)',
    facts: [],
  },
  WRONG_GEOMETRY_TYPE: {
    p: problem({ code: 'WRONG_GEOMETRY_TYPE', geometryType: 'LineString', expected: 'polygon', parts: null }),
    old: 'the geometry is a LineString where a polygon is expected',
    facts: ['LineString'],
  },
  DUPLICATE_KEY: {
    p: problem({ code: 'DUPLICATE_KEY', key: { source_key: 'T-7' }, firstLayer: 'thua', firstIndex: 2 }),
    old: 'same source_key as feature thua #2 (T-7); only the first is imported',
    facts: ['thua #2'],
  },
  INVALID_GEOMETRY: {
    p: problem({ code: 'INVALID_GEOMETRY', reason: 'Self-intersection[105.61 10.45]' }, { location: { lon: 105.61, lat: 10.45 } }),
    old: 'invalid geometry: Self-intersection[105.61 10.45] at 105.6100000, 10.4500000; fix it in the source or import with repair=true',
    facts: ['cắt nhau', '10.450000, 105.610000'],
  },
  UNREPAIRABLE: {
    p: problem({ code: 'UNREPAIRABLE', reason: 'Too few points[1 2]', expected: 'polygon' }),
    old: 'invalid geometry (Too few points[1 2]); repair leaves no single valid polygon',
    facts: ['quá ít điểm'],
  },
  REPAIRED: {
    p: problem({ code: 'REPAIRED', reason: 'Ring Self-intersection[1 2]' }, { severity: 'warning' }),
    old: 'geometry repaired with ST_MakeValid (Ring Self-intersection[1 2])',
    facts: ['ranh tự cắt'],
  },
  LEGACY_LAND_USE: {
    p: problem(
      { code: 'LEGACY_LAND_USE', column: 'land_use_code', legacyCode: 'LUK', currentCode: 'LUC', note: 'lúa' },
      { severity: 'warning' },
    ),
    old: 'legacy code LUK mapped to LUC (lúa)',
    facts: ['LUK', 'LUC'],
  },
  OUTSIDE_AREA: {
    p: problem({ code: 'OUTSIDE_AREA', area: 'commune', communeCode: '29890', communeName: null, distanceKm: 0.226 }),
    old: 'lands 0.226 km outside commune 29890: likely a missing datum shift ("VN-2000 nội bộ", about 226 m off): … Re-import with datumShift=false.',
    facts: ['29890', '0,226'],
  },
  NOT_YOUR_COMMUNE: {
    p: problem({ code: 'NOT_YOUR_COMMUNE', communeCode: '30001', communeName: null, yourCommunes: ['29869'] }),
    old: 'commune 30001 is not one you work in (29869)',
    facts: ['30001'],
  },
  STORED_ROW_OUTSIDE_SCOPE: {
    p: problem({
      code: 'STORED_ROW_OUTSIDE_SCOPE',
      collection: 'plots',
      storedId: 812,
      communeCode: '30001',
      communeName: 'Xã Mỹ Hiệp',
      yourCommunes: ['29869'],
    }),
    old: 'its source_key is that of plots 812 of commune 30001 (Xã Mỹ Hiệp), which is not one you work in (29869): an import changes only rows of your communes; not imported',
    facts: ['812', '30001'],
  },
  KEY_OF_ANOTHER_FEATURE: {
    p: problem({ code: 'KEY_OF_ANOTHER_FEATURE', collection: 'plots', storedId: 812, key: '5', distanceM: 1234 }),
    old: 'its source_key "5" is that of plots 812, 1234 m away, which this row does not cover: it is another feature, not a correction of it (files that number their rows from 1 share keys); key the file by a column unique to it, or leave the key out; not imported',
    facts: ['“5”', '812', '1.234 m'],
  },
  PLOT_IN_LOCKED_AREA: {
    p: problem({ code: 'PLOT_IN_LOCKED_AREA', plotId: 55, areaId: 9, areaStatus: 'under_inspection' }),
    old: 'would change plot 55, which belongs to growing area 9 (under_inspection): its plots change only while the area is a draft (send the dossier back to draft, or re-issue the code); not imported',
    facts: ['55', '9', 'Đang kiểm tra'],
  },
  PLOT_CROP_MISMATCH: {
    p: problem({ code: MEMBERSHIP_REASON.CROP_MISMATCH, plotId: 55, plotCrop: 'mango', areaId: 9, areaCrop: 'durian' }),
    old: 'would change the crop of plot 55 to mango, but it belongs to draft growing area 9, which grows durian (one area, one crop: take the plot out of the area first); not imported',
    facts: ['55', 'mango', '9', 'durian'],
  },
  PLOT_OVERLAP: {
    p: problem({
      code: 'PLOT_OVERLAP',
      plots: [{ id: 1, m2: 543.4 }],
      rows: [{ layer: 'thua', index: 2, m2: 12 }],
      thresholdM2: 1,
    }),
    old: 'overlaps plot 1 (543.4 m²), thua #2 of this file (12 m²) by more than 1 m²: plots may not overlap (fix the boundary in the source); not imported',
    facts: ['#1', '543,4', 'thua #2', '12'],
  },
  PARCEL_OVERLAP: {
    p: problem(
      {
        code: 'PARCEL_OVERLAP',
        parcels: [
          { id: 812, communeCode: '29890', communeName: 'Xã Tân Thuận Tây', communeFormer: true, sheet: 12, parcelNo: 345, m2: 1520.6 },
        ],
        rows: [{ layer: 'thua', index: 2, m2: 3.5 }],
        thresholdM2: 1,
      },
      { severity: 'warning' },
    ),
    old: 'overlaps Sheet 12 parcel 345, former Xã Tân Thuận Tây (1520.6 m²), thua #2 of this file (3.5 m²) by more than 1 m²: two parcels on one piece of land (a re-survey, or the same parcels under other numbers); imported all the same, check it',
    facts: ['Tờ 12 thửa 345, Xã Tân Thuận Tây cũ (1.520,6 m²)', 'thua #2', '3,5'],
  },
  FARMER_NOT_LINKED: {
    p: problem({ code: 'FARMER_NOT_LINKED', reason: 'ambiguous', matches: 2 }, { severity: 'warning' }),
    old: 'imported without a farmer: 2 farmers of its commune fit the row; link the plot to its farmer in the registry',
    facts: ['2 nông hộ trong xã cùng tên'],
  },
  FARMER_CELL_LEFT_OUT: {
    p: problem(
      { code: 'FARMER_CELL_LEFT_OUT', column: 'farmer_hamlet', field: 'TenAp', rule: 'too-long', maxLength: 100 },
      { severity: 'warning' },
    ),
    old: "the household head's hamlet (field TenAp) is left out: it is longer than 100 characters; the plot and its farmer are imported without it (fix it in the registry)",
    facts: ['Ấp của chủ hộ', 'TenAp', '100 ký tự'],
  },
  VALUE_LEFT_OUT: {
    p: problem({ code: 'VALUE_LEFT_OUT', column: 'variety', field: 'Giong', rule: 'not-text', kind: 'object' }, { severity: 'warning' }),
    old: 'variety (Giong) is left out: an object is not text; the row is imported without it',
    facts: ['Giống', 'Giong', 'một đối tượng'],
  },
  LEADING_ZERO_RESTORED: {
    p: problem({ code: 'LEADING_ZERO_RESTORED', column: 'farmer_citizen_id', field: 'CCCD' }, { severity: 'warning' }),
    old: "the household head's citizen ID (field CCCD) was a number without its leading 0; the 0 is put back",
    facts: ['CCCD của chủ hộ', 'CCCD', 'số 0'],
  },
};

describe('the columns a file is imported into', () => {
  it('every importable field of every collection has a label in both languages, never its database name', () => {
    const columns = [...new Set(Object.values(TARGETS).flatMap((target) => target.fields.map((f) => f.column)))];
    for (const lang of ['vi', 'en'] as const) {
      setLang(lang);
      const unnamed = columns.filter((c) => columnName(c) === c || columnName(c).includes('_') || columnName(c).trim() === '');
      expect(unnamed, lang).toEqual([]);
    }
    expect(columnName('planting_date')).toBe('Planting date');
    startLang('vi');
    expect(columnName('planting_date')).toBe('Ngày trồng');
  });
});

describe('who may import where', () => {
  it('each collection lists the roles the server lets write it', () => {
    for (const c of IMPORT_COLLECTIONS) expect([...c.roles].sort(), c.id).toEqual([...TARGETS[c.id].roles].sort());
    expect(IMPORT_COLLECTIONS.map((c) => c.id).sort()).toEqual(Object.keys(TARGETS).sort());
  });

  it('an officer gets plots, products, parcels and land use; a planner zoning only; farmers and guests nothing', () => {
    expect(writableCollections('officer').map((c) => c.id)).toEqual(['plots', 'products', 'parcels', 'landuse']);
    expect(writableCollections('planner').map((c) => c.id)).toEqual(['zones']);
    expect(writableCollections('admin')).toHaveLength(5);
    expect(writableCollections('farmer')).toEqual([]);
    expect(writableCollections(undefined)).toEqual([]);
  });
});

describe('options → query string', () => {
  it('the defaults send the officer’s one commune and leave the CRS and encoding to the file', () => {
    const o = defaultOptions('officer', ['29869']);
    expect(importQuery(o, { dryRun: true, async: false })).toBe('collection=plots&dryRun=true&commune=29869');
    expect(defaultOptions('officer', ['29869', '29870']).commune).toBe('');
    expect(defaultOptions('planner', []).collection).toBe('zones');
  });

  it('every option chosen reaches the query the server reads', () => {
    const o = {
      ...defaultOptions('admin', []),
      collection: 'parcels' as const,
      crs: 'EPSG:9210',
      encoding: 'vni',
      commune: '29890',
      communeDate: '2004-01-01',
      axis: 'en' as const,
      datumShift: 'off' as const,
      mapping: ' {"sheet": "SoTo"} ',
      repair: true,
      strict: true,
    };
    const q = new URLSearchParams(importQuery(o, { dryRun: false, async: true }));
    expect(Object.fromEntries(q)).toEqual({
      collection: 'parcels',
      dryRun: 'false',
      async: 'true',
      crs: 'EPSG:9210',
      encoding: 'vni',
      commune: '29890',
      communeDate: '2004-01-01',
      axis: 'en',
      datumShift: 'false',
      mapping: '{"sheet":"SoTo"}',
      repair: 'true',
      strict: 'true',
    });
  });

  it('a default the collection does not take is not sent (a commune for land use, a map for plots)', () => {
    const o = { ...defaultOptions('admin', []), commune: '29869', map: '3', plan: '2', communeDate: '2004-01-01' };
    expect(importQuery({ ...o, collection: 'landuse' }, { dryRun: true, async: false })).toBe('collection=landuse&dryRun=true&map=3');
    expect(importQuery({ ...o, collection: 'zones' }, { dryRun: true, async: false })).toBe('collection=zones&dryRun=true&plan=2');
    expect(importQuery({ ...o, collection: 'plots' }, { dryRun: true, async: false })).toBe('collection=plots&dryRun=true&commune=29869');
  });

  it('options the server’s schema would refuse are caught by field', () => {
    const o = defaultOptions('admin', []);
    expect(checkOptions(o)).toEqual({ valid: true });
    expect(checkOptions({ ...o, commune: '2986' })).toEqual({ valid: false, reason: 'commune' });
    expect(checkOptions({ ...o, communeDate: '01/01/2004' })).toEqual({ valid: false, reason: 'communeDate' });
    expect(checkOptions({ ...o, map: 'x' })).toEqual({ valid: false, reason: 'map' });
    expect(checkOptions({ ...o, plan: '1.5' })).toEqual({ valid: false, reason: 'plan' });
    for (const mapping of ['{sheet:SoTo}', '["SoTo"]', '{"sheet":3}'])
      expect(checkOptions({ ...o, mapping }), mapping).toEqual({ valid: false, reason: 'mapping' });
  });

  it('every offered CRS and encoding has a label in both languages and is one the server accepts', () => {
    const schema = fs.readFileSync(path.join(ROOT, 'server/routes/import.ts'), 'utf8');
    for (const e of ENCODING_CHOICES.filter(Boolean)) expect(schema).toContain(`'${e}'`);
    for (const c of CRS_CHOICES) {
      const key = (c ? `importCrs_${c}` : 'importCrs_auto') as keyof typeof vi;
      expect(vi[key], c).toBeTruthy();
      expect(en[key], c).toBeTruthy();
    }
  });
});

describe('files', () => {
  it('a shapefile part alone, an unknown kind and an empty file are refused before upload', () => {
    expect(checkFile({ name: 'thua.zip', size: 10 })).toEqual({ valid: true });
    expect(checkFile({ name: 'Thua.GeoJSON', size: 10 })).toEqual({ valid: true });
    // Google Earth's default (a zip of doc.kml), refused before (audit s17 finding 8).
    expect(checkFile({ name: 'thua.kmz', size: 10 })).toEqual({ valid: true });
    expect(ACCEPT_ATTRIBUTE.split(',')).toContain('.kmz');
    expect(checkFile({ name: 'thua.shp', size: 10 })).toEqual({ valid: false, reason: 'shapefile-part' });
    expect(checkFile({ name: 'thua.dbf', size: 10 })).toEqual({ valid: false, reason: 'shapefile-part' });
    expect(checkFile({ name: 'thua.dwg', size: 10 })).toEqual({ valid: false, reason: 'unknown-kind' });
    expect(checkFile({ name: 'thua.kml', size: 0 })).toEqual({ valid: false, reason: 'empty' });
  });

  it('a file over the server’s limit is refused before upload; one of exactly the limit is sent (the server takes it)', () => {
    const limit = 512 * MB;
    expect(checkFile({ name: 'thua.zip', size: limit }, limit)).toEqual({ valid: true });
    expect(checkFile({ name: 'thua.zip', size: limit + 1 }, limit)).toEqual({ valid: false, reason: 'too-large' });
    // Without a known limit (an older server, no signal) the size is left to the server.
    expect(checkFile({ name: 'thua.zip', size: 4096 * MB })).toEqual({ valid: true });
    // The kind is told first: a huge .shp is refused for being a part, not for its size.
    expect(checkFile({ name: 'thua.shp', size: limit + 1 }, limit)).toEqual({ valid: false, reason: 'shapefile-part' });
  });

  it('the size refusal names the file, its size and the limit in MB and what to do, in Vietnamese and English', () => {
    const file = { name: 'ban_do_xa.zip', size: 700 * MB + 300 * 1024 };
    expect(fileRefusalText('too-large', file, 512 * MB)).toBe(
      'Tệp ban_do_xa.zip nặng 700,3 MB, vượt giới hạn nhập 512 MB của máy chủ; chưa gửi gì. ' +
        'Chia tệp thành nhiều phần (theo xã hoặc tờ bản đồ) hoặc nhờ quản trị viên tăng giới hạn.',
    );
    setLang('en');
    expect(fileRefusalText('too-large', file, 512 * MB)).toBe(
      'The file ban_do_xa.zip is 700.3 MB, over the server’s import limit of 512 MB; nothing was sent. ' +
        'Split it into parts (by commune or map sheet) or ask an administrator to raise the limit.',
    );
    expect(fileRefusalText('empty', { name: 'a.kml', size: 0 }, undefined)).toBe('The file a.kml is empty (0 bytes).');
  });

  it('sizes in MB never read equal across the limit: the file’s rounds up, the limit’s down', () => {
    expect(megabytesText(MB + 1, 'up')).toBe('1,1 MB');
    expect(megabytesText(MB, 'down')).toBe('1 MB');
    expect(megabytesText(3 * MB, 'up')).toBe('3 MB');
    expect(megabytesText(1.25 * MB, 'down')).toBe('1,2 MB');
    expect(megabytesText(512 * MB, 'down')).toBe('512 MB');
  });

  it('a limits answer is used only when it holds a positive number of bytes', () => {
    expect(limitOf({ maxBytes: 2 * MB })).toBe(2 * MB);
    for (const body of [undefined, null, {}, { maxBytes: '512' }, { maxBytes: 0 }, { maxBytes: -1 }, { maxBytes: Infinity }, []])
      expect(limitOf(body), JSON.stringify(body)).toBeUndefined();
  });
});

describe('a failed upload, judged on the evidence', () => {
  const ours = { type: 'urn:bando:error:PAYLOAD_TOO_LARGE', status: 413, code: 'PAYLOAD_TOO_LARGE', maxBytes: MB };
  const detail = 'The upload is larger than 1 MB, the import limit; split the file or ask an administrator to raise IMPORT_MAX_MB.';

  it('our 413 says too large with both sizes from the limit it names, and keeps the server’s sentence', () => {
    expect(uploadRefusal(413, { ...ours, detail }, detail, 3 * MB, undefined)).toEqual({
      title: 'Tệp nặng 3 MB, vượt giới hạn nhập 1 MB của máy chủ.',
      advice: 'Chia tệp thành nhiều phần (theo xã hoặc tờ bản đồ) hoặc nhờ quản trị tăng giới hạn IMPORT_MAX_MB.',
      detail,
    });
  });

  it('a proxy’s 413 (no JSON) is too large, with sizes only when a limit is known that the file exceeds', () => {
    expect(uploadRefusal(413, undefined, '413', 3 * MB, undefined).title).toBe('Tệp quá lớn để nhập một lần.');
    expect(uploadRefusal(413, undefined, '413', 3 * MB, 8 * MB).title).toBe('Tệp quá lớn để nhập một lần.');
    expect(uploadRefusal(413, undefined, '413', 3 * MB, 2 * MB).title).toBe('Tệp nặng 3 MB, vượt giới hạn nhập 2 MB của máy chủ.');
  });

  it('no answer is a lost connection, unless the file is over the limit the server told', () => {
    expect(uploadRefusal(0, undefined, 'offline', 3 * MB, undefined).title).toBe('Mất kết nối tới máy chủ.');
    expect(uploadRefusal(0, undefined, 'offline', MB, MB).title).toBe('Mất kết nối tới máy chủ.');
    const over = uploadRefusal(0, undefined, 'offline', MB + 1, MB);
    expect(over.title).toBe('Tệp nặng 1,1 MB, vượt giới hạn nhập 1 MB của máy chủ.');
    expect(over.detail).toBeUndefined();
  });

  it('other answers keep their own wording: a zip bomb’s 413, a truncated file', () => {
    const bomb = 'big.dat inflates beyond its declared size: refused as a possible zip bomb.';
    expect(uploadRefusal(413, { code: 'ZIP_LIMIT', detail: bomb }, bomb, MB, 2 * MB).title).toBe(
      'Tệp zip bị từ chối vì giải nén lớn bất thường.',
    );
    expect(uploadRefusal(400, { code: 'BAD_FILE' }, 'thua.shp is truncated', MB, 2 * MB).title).toBe(
      'Tệp bị cắt cụt hoặc hỏng giữa chừng.',
    );
  });
});

describe('following a background import', () => {
  it('an interrupted job is not believed at once: its outcome is unknown until the server reports done or another failure', () => {
    expect(jobState({ status: 'running', error: null })).toBe('running');
    expect(jobState({ status: 'failed', error: { code: 'IMPORT_INTERRUPTED', message: '' } })).toBe('unsure');
    expect(jobState({ status: 'done', error: null })).toBe('settled');
    expect(jobState({ status: 'failed', error: { code: 'ABORTED', message: '' } })).toBe('settled');
  });

  it('an outcome that stays unknown says so and warns against importing twice, in both languages', () => {
    expect(unsureRefusal()).toEqual({
      title: 'Chưa rõ kết quả: máy chủ chưa báo lần nhập này đã xong hay đã dừng.',
      advice:
        'Nếu máy chủ đã dừng thì không có gì được ghi; nếu nó chỉ chậm, dữ liệu có thể vẫn vào. Bấm “Kiểm tra lại” sau ít phút; đừng nhập lại trước khi biết, kẻo nhập hai lần.',
    });
    setLang('en');
    expect(unsureRefusal().title).toBe('Outcome not known: the server has not said whether this import finished or stopped.');
  });
});

describe('an import whose outcome is not known holds the same file', () => {
  const JOB_A = '/api/import/jobs/0b6f6c1e-6a57-4c1b-9d3e-1f2a3b4c5d6e';
  const JOB_B = '/api/import/jobs/7d0c1f2e-3a4b-4c5d-8e9f-a0b1c2d3e4f5';
  const pending = (url: string, name: string, size: number, at = 1): PendingImport => ({
    url,
    user: 'canbo.phuong1',
    name,
    size,
    collection: 'plots',
    at,
  });
  const thua = pending(JOB_A, 'thua.zip', 52_431);

  it('the same file by name and size is held; another file or none only hears of the earlier import; nothing pending says nothing', () => {
    expect(importGuard([thua], { name: 'thua.zip', size: 52_431 })).toEqual({ kind: 'same', pending: thua });
    expect(importGuard([thua], { name: 'thua.zip', size: 52_432 })).toEqual({ kind: 'earlier', pending: thua });
    expect(importGuard([thua], { name: 'thua-2.zip', size: 52_431 })).toEqual({ kind: 'earlier', pending: thua });
    expect(importGuard([thua], undefined)).toEqual({ kind: 'earlier', pending: thua });
    expect(importGuard([], { name: 'thua.zip', size: 52_431 })).toEqual({ kind: 'clear' });
    expect(guardText({ kind: 'clear' })).toBe('');
  });

  it('the held file is named with the reason and the action, in Vietnamese and English', () => {
    const held = importGuard([thua], { name: 'thua.zip', size: 52_431 });
    expect(guardText(held)).toBe(
      'Nút “Nhập” tạm khoá: lần nhập trước của tệp thua.zip chưa rõ kết quả. Bấm “Kiểm tra lại” để biết dữ liệu đã vào chưa.',
    );
    expect(guardText(importGuard([thua], undefined))).toBe('Lần nhập trước của tệp thua.zip chưa rõ kết quả.');
    setLang('en');
    expect(guardText(held)).toBe(
      '“Import” is on hold: the previous import of thua.zip has no known outcome yet. Tap “Check again” to learn whether its data went in.',
    );
  });

  it('the guard lifts by itself once the server reports done or a failure, or no longer keeps the job; it stays while unknown', () => {
    const both = [thua, pending(JOB_B, 'dat.geojson', 900)];
    expect(pendingAfter(both, JOB_A, { job: { status: 'done', error: null } })).toEqual([both[1]]);
    expect(pendingAfter(both, JOB_A, { job: { status: 'failed', error: { code: 'ABORTED', message: '' } } })).toEqual([both[1]]);
    expect(pendingAfter(both, JOB_A, { status: 404 })).toEqual([both[1]]);
    // Still running, still called interrupted (a stalled process may commit), or not reached: still unknown.
    expect(pendingAfter(both, JOB_A, { job: { status: 'running', error: null } })).toEqual(both);
    expect(pendingAfter(both, JOB_A, { job: { status: 'failed', error: { code: 'IMPORT_INTERRUPTED', message: '' } } })).toEqual(both);
    for (const status of [0, 401, 500, 503]) expect(pendingAfter(both, JOB_A, { status })).toEqual(both);
    const lifted = pendingAfter([thua], JOB_A, { job: { status: 'done', error: null } });
    expect(importGuard(lifted, { name: 'thua.zip', size: 52_431 })).toEqual({ kind: 'clear' });
  });

  it('a file sent again on purpose replaces its earlier unknown import; other files keep theirs; the oldest give way past ten', () => {
    const other = pending(JOB_B, 'dat.geojson', 900);
    const again = pending('/api/import/jobs/11111111-2222-4333-8444-555555555555', 'thua.zip', 52_431, 2);
    expect(addPending([thua, other], again)).toEqual([other, again]);
    expect(addPending([thua], thua)).toEqual([thua]);
    const many = Array.from({ length: 12 }, (_, k) =>
      pending(`/api/import/jobs/${String(k).padStart(8, '0')}-0000-4000-8000-000000000000`, `f${k}.zip`, k + 1),
    );
    const kept = many.reduce<PendingImport[]>(addPending, []);
    expect(kept.map((p) => p.name)).toEqual(many.slice(2).map((p) => p.name));
  });

  it('what a reload finds in the tab’s storage is believed only when well formed, this user’s and a job of ours', () => {
    const user = 'canbo.phuong1';
    expect(parsePending(JSON.stringify([thua]), user)).toEqual([thua]);
    expect(parsePending(JSON.stringify([{ ...thua, extra: '<b>' }]), user)).toEqual([thua]);
    expect(parsePending(JSON.stringify([thua]), 'canbo.phuong2')).toEqual([]);
    for (const text of [null, '', '{', 'null', '{"url":1}', '[null, 3, "x"]'] as const) expect(parsePending(text, user)).toEqual([]);
    const hostile = [
      { ...thua, url: 'https://example.com/api/import/jobs/0b6f6c1e-6a57-4c1b-9d3e-1f2a3b4c5d6e' },
      { ...thua, url: '/api/import/jobs/../../auth/logout' },
      { ...thua, size: -1 },
      { ...thua, size: '52431' },
      { ...thua, name: 7 },
      { ...thua, at: 'yesterday' },
    ];
    expect(parsePending(JSON.stringify(hostile), user)).toEqual([]);
  });
});

describe('progress', () => {
  it('the bar only grows: upload, reading by rows, validating, writing, done at 100', () => {
    const stages = [
      progressPercent({ upload: 0 }),
      progressPercent({ upload: 0.5 }),
      progressPercent({ upload: 1 }),
      progressPercent({ phase: 'reading', read: 0, total: 1000 }),
      progressPercent({ phase: 'reading', read: 500, total: 1000 }),
      progressPercent({ phase: 'reading', read: 1000, total: 1000 }),
      progressPercent({ phase: 'validating', read: 1000, total: 1000 }),
      progressPercent({ phase: 'writing', read: 1000, total: 1000 }),
      progressPercent({ phase: 'done', read: 1000, total: 1000 }),
    ];
    expect(stages).toEqual([0, 15, 30, 30, 55, 80, 85, 95, 100]);
  });
});

describe('report → rows of text', () => {
  it('a dry run says what would happen, with the detected CRS and encoding', () => {
    expect(reportCounts(report())).toEqual(['Tệp có 12 đối tượng.', 'Sẽ thêm mới: 7', 'Sẽ cập nhật: 3', 'Sẽ bị từ chối: 2']);
    expect(layerLines(report())).toEqual([
      'Hệ toạ độ: VN-2000 / TM-3 zone 105-00 (EPSG:5897) · nhận từ tệp .prj',
      'Bảng mã: TCVN3 (ABC) · tự đoán',
    ]);
  });

  it('an import says what happened, counts unchanged rows and warnings, and names missing columns', () => {
    const done = report({
      dryRun: false,
      counts: { read: 1200, valid: 1200, refused: 0, inserted: 1000, updated: 0, unchanged: 200, warnings: 3 },
    });
    expect(reportCounts(done)).toEqual([
      'Đã đọc 1.200 đối tượng.',
      'Đã thêm mới: 1.000',
      'Đã cập nhật: 0',
      'Giữ nguyên (giống hệt dữ liệu đã có): 200',
      'Bị từ chối: 0',
      'Cảnh báo: 3',
    ]);
    const layer = { ...report().layers[0]!, unmappedRequired: ['commune_code', 'crop'] };
    expect(layerLines(report({ layers: [layer] }))[2]).toBe(
      'Tệp thiếu cột bắt buộc: Mã xã, Cây trồng. Điền ở trên hoặc ghép cột trong Tuỳ chọn nâng cao.',
    );
  });

  it('names the file’s columns the import leaves out, once per layer', () => {
    const layer = { ...report().layers[0]!, fields: ['MaXa', 'ten_chu', 'CayTrong', 'farmer_name'] };
    expect(layerLines(report({ layers: [layer] }))).toEqual([
      'Hệ toạ độ: VN-2000 / TM-3 zone 105-00 (EPSG:5897) · nhận từ tệp .prj',
      'Bảng mã: TCVN3 (ABC) · tự đoán',
      'Cột không dùng (không được nhập): ten_chu, farmer_name.',
    ]);
    setLang('en');
    expect(layerLines(report({ layers: [layer] }))[2]).toBe('Columns not used (not imported): ten_chu, farmer_name.');
  });

  it('a feature outside its commune in a file mostly inside is told to look at itself, not at the file’s CRS', () => {
    const p = SAMPLES.OUTSIDE_AREA.p;
    // One of twelve outside, ten accepted: no diagnosis, the feature's own position is the question.
    expect(problemRows(report({ problems: [p] }), 0).rows[0]!.text).toBe(
      'Nằm ngoài xã/phường 29890, cách ranh 0,226 km. Phần lớn tệp nằm đúng xã/phường nên hệ toạ độ không phải nguyên nhân: kiểm tra vị trí vẽ và mã xã của riêng đối tượng này.',
    );
    // Most of the file outside and no reading found: the CRS is still the first thing to check.
    const counts = { read: 12, valid: 2, refused: 10, inserted: 2, updated: 0, unchanged: 0, warnings: 0 };
    expect(problemRows(report({ problems: [p], counts, problemCounts: { OUTSIDE_AREA: 10 } }), 0).rows[0]!.text).toBe(
      'Nằm ngoài xã/phường 29890, cách ranh 0,226 km. Kiểm tra hệ toạ độ của tệp.',
    );
  });

  it('problems are paged, errors first, and the ones only counted are added to the total', () => {
    const many = Array.from({ length: 45 }, (_, i) =>
      sentence(
        i === 44 ? 'BAD_VALUE' : 'LEGACY_LAND_USE',
        i === 44 ? 'crop (CayTrong): crop "xoai" is not in the crop list' : 'legacy code LUK mapped to LUC',
        {
          index: i + 1,
          severity: i === 44 ? 'error' : 'warning',
        },
      ),
    );
    const r = report({ problems: many, problemsOmitted: 100, problemCounts: { LEGACY_LAND_USE: 44, BAD_VALUE: 101 } });
    const first = problemRows(r, 0);
    expect(first.rows).toHaveLength(PROBLEMS_PER_PAGE);
    expect(first.rows[0]).toEqual({
      where: 'Đối tượng 45',
      text: 'Cây trồng (CayTrong): cây trồng “xoai” không có trong danh mục.',
      severity: 'error',
    });
    expect(first).toMatchObject({ listed: 45, total: 145, pages: 3 });
    expect(problemRows(r, 2).rows).toHaveLength(5);
    expect(problemRows(r, 99).rows).toHaveLength(5);
    expect(problemTally(r)).toEqual(['Giá trị không hợp lệ: 101', 'Mã loại đất cũ đã đổi: 44']);
  });
});

describe('the headline of an import that wrote nothing', () => {
  const counts = (c: Partial<ImportReport['counts']>): ImportReport['counts'] => ({
    read: 6,
    valid: 5,
    refused: 1,
    inserted: 0,
    updated: 0,
    unchanged: 5,
    warnings: 0,
    ...c,
  });

  it('the same file imported twice (5 unchanged, 1 refused) says nothing changed, with both figures, in both languages', () => {
    const again = report({ dryRun: false, counts: counts({}) });
    expect(nothingWrittenText(again)).toBe('Không có gì thay đổi: 5 giữ nguyên, 1 bị từ chối.');
    expect(nothingWrittenText({ ...again, dryRun: true })).toBe('Sẽ không có gì thay đổi: 5 giữ nguyên, 1 sẽ bị từ chối.');
    setLang('en');
    expect(nothingWrittenText(again)).toBe('Nothing changed: 5 unchanged, 1 refused.');
    expect(nothingWrittenText({ ...again, dryRun: true })).toBe('Nothing would change: 5 unchanged, 1 would be refused.');
  });

  it('an unchanged export imported back says every feature is identical to the stored data', () => {
    const same = report({ dryRun: false, counts: counts({ read: 3903, valid: 3903, refused: 0, unchanged: 3903 }) });
    expect(nothingWrittenText(same)).toBe('Không có gì thay đổi: cả 3.903 đối tượng giống hệt dữ liệu đã có.');
    setLang('en');
    expect(nothingWrittenText(same)).toBe('Nothing changed: all 3,903 features are identical to the stored data.');
  });

  it('“write nothing if any feature is refused” says the refusals kept the valid rows out', () => {
    const strict = report({ dryRun: false, counts: counts({ unchanged: 0 }) });
    expect(nothingWrittenText(strict)).toBe(
      'Không ghi gì: 1 đối tượng bị từ chối, nên “Không ghi gì nếu có đối tượng bị từ chối” giữ lại cả 5 đối tượng còn lại.',
    );
    setLang('en');
    expect(nothingWrittenText(strict)).toBe(
      'Nothing written: 1 refused, so “Write nothing if any feature is refused” kept the other 5 out too.',
    );
  });

  it('is not shown when rows were written, nor when every row was refused (that is the refusal of the file)', () => {
    expect(nothingWrittenText(report({ dryRun: false }))).toBeNull();
    expect(nothingWrittenText(report({ counts: counts({ updated: 1, unchanged: 4 }) }))).toBeNull();
    expect(nothingWrittenText(report({ counts: counts({ valid: 0, refused: 6, unchanged: 0 }) }))).toBeNull();
    expect(nothingWrittenText(report({ counts: counts({ read: 0, valid: 0, refused: 0, unchanged: 0 }) }))).toBeNull();
  });
});

describe('where the map goes after an import', () => {
  it('to the extent of what was written; nowhere after a dry run, an import that changed nothing, or a report without an extent', () => {
    const box: [number, number, number, number] = [105.6, 10.44, 105.61, 10.45];
    const done = { dryRun: false, counts: { ...report().counts, inserted: 2, updated: 1 } };
    expect(writtenExtent(report({ ...done, extent: box }))).toEqual(box);
    expect(writtenExtent(report({ extent: box }))).toBeNull();
    expect(writtenExtent(report({ ...done, counts: { ...done.counts, inserted: 0, updated: 0 }, extent: box }))).toBeNull();
    expect(writtenExtent(report({ ...done, extent: null }))).toBeNull();
    expect(writtenExtent(report(done))).toBeNull();
  });
});

describe('refusal wording of every problem code', () => {
  it('the list is the contract’s: every code of the importer, the membership rule’s among them', () => {
    expect([...PROBLEM_CODES].sort()).toEqual(Object.keys(SAMPLES).sort());
    expect(PROBLEM_CODES).toContain(MEMBERSHIP_REASON.CROP_MISMATCH);
  });

  for (const code of PROBLEM_CODES) {
    it(`${code} is told in Vietnamese with its facts, and in English`, () => {
      const { p, facts } = SAMPLES[code];
      const diagnosis = code === 'OUTSIDE_AREA' ? { cause: 'missing_datum_shift' as const, message: '', fix: '' } : undefined;
      const text = problemText(p, diagnosis);
      expect(text).not.toMatch(/\b(is|the|not|lands|outside|would|which|required)\b/);
      expect(text).not.toMatch(/\{\w+\}/);
      expect(text).not.toContain(code);
      for (const fact of facts) expect(text, text).toContain(fact);
      setLang('en');
      const english = problemText(p, diagnosis);
      expect(english).not.toBe(text);
      expect(english).not.toMatch(/\{\w+\}/);
    });
  }

  it('names an overlapped parcel with the commune of its survey, as parcels are named everywhere, in both languages', () => {
    const { p } = SAMPLES.PARCEL_OVERLAP;
    expect(problemText(p)).toBe(
      'Chồng lấn Tờ 12 thửa 345, Xã Tân Thuận Tây cũ (1.520,6 m²), đối tượng thua #2 của tệp này (3,5 m²), mỗi chỗ hơn 1 m²: hai thửa đất trên cùng một mảnh đất (đo đạc lại, hoặc đã nhập với số tờ/thửa khác). Vẫn được nhập: hãy kiểm tra.',
    );
    setLang('en');
    expect(problemText(p)).toContain('Overlaps Sheet 12 parcel 345, former Xã Tân Thuận Tây (1,520.6 m²), feature thua #2');
    // A parcel whose commune was not found by its code on the survey's date: the code.
    const byCode = problem({
      ...(p as ImportProblemOf<'PARCEL_OVERLAP'>),
      parcels: [{ id: 9, communeCode: '29890', communeName: null, communeFormer: null, sheet: 12, parcelNo: 345, m2: 5 }],
      rows: [],
    });
    expect(problemText(byCode)).toContain('Overlaps Sheet 12 parcel 345, commune/ward 29890 (5 m²)');
  });

  it('the facts a sentence of an older server lacks are told when present: the commune’s name, a range, a length', () => {
    const named = problem({
      code: 'OUTSIDE_AREA',
      area: 'commune',
      communeCode: '29869',
      communeName: 'Phường Cao Lãnh',
      distanceKm: 1.25,
    });
    expect(problemText(named)).toBe('Nằm ngoài Phường Cao Lãnh (29869), cách ranh 1,3 km. Kiểm tra hệ toạ độ của tệp.');
    const bad = { code: 'BAD_VALUE', column: 'legal_area_m2', field: 'DienTich', value: '-5' } as const;
    expect(problemText(problem({ ...bad, rule: 'range', min: 0.1, max: 10_000_000_000 }))).toBe(
      'Diện tích pháp lý (m²) (DienTich): -5 nằm ngoài khoảng 0,1 – 10.000.000.000.',
    );
    expect(problemText(problem({ code: 'BAD_VALUE', column: 'sheet', field: 'SoTo', value: '0', rule: 'range', min: 1, max: null }))).toBe(
      'Số tờ (SoTo): 0 nhỏ hơn mức tối thiểu 1.',
    );
    expect(
      problemText(
        problem({ code: 'BAD_VALUE', column: 'variety', field: 'Giong', value: 'x'.repeat(100), rule: 'too-long', maxLength: 100 }),
      ),
    ).toBe('Giống (Giong): giá trị dài quá 100 ký tự.');
    setLang('en');
    expect(problemText(named)).toMatch(/^.* Phường Cao Lãnh \(29869\)/);
  });

  it('a planting date after today or before 1900 and a producer named with an emoji are told in both languages', () => {
    const date = (rule: string, value: string, facts: Record<string, string>) =>
      problem({ code: 'BAD_VALUE', column: 'planting_date', field: 'NgayTrong', value, rule, ...facts } as never);
    const future = date('date-in-future', '2030-01-01', { today: '2026-11-30' });
    const early = date('date-too-early', '31/12/1899', { earliest: '1900-01-01' });
    const name = (rule: string, value: string) =>
      problem({ code: 'BAD_VALUE', column: 'producer_name', field: 'TenHTX', value, rule } as never);
    expect(problemText(future)).toBe('Ngày trồng (NgayTrong): ngày 01/01/2030 sau hôm nay (30/11/2026).');
    expect(problemText(early)).toMatch(/^Ngày trồng \(NgayTrong\): ngày 31\/12\/1899 trước năm 1900\.$/);
    expect(problemText(name('name-pictograph', 'HTX 🙂'))).toMatch(/“HTX 🙂” có biểu tượng cảm xúc \(emoji\) hoặc hình vẽ\.$/);
    expect(problemText(name('name-no-letter', '🙂🙂'))).toMatch(/“🙂🙂” không có chữ cái nào\.$/);
    setLang('en');
    expect(problemText(future)).toMatch(/^Planting date \(NgayTrong\): date 2030-01-01 is after today \(2026-11-30\)\.$/);
    expect(problemText(name('name-pictograph', 'HTX 🙂'))).toMatch(/“HTX 🙂” holds an emoji or pictograph\.$/);
  });

  it('a report without facts (a job stored by an older server) is worded the same from its sentences', () => {
    // Codes that came after the facts became fields: no server ever sent them as a bare sentence.
    const alwaysWithFacts = new Set<string>([
      IMPORT_PROBLEM.PLOT_OVERLAP,
      IMPORT_PROBLEM.PARCEL_OVERLAP,
      IMPORT_PROBLEM.KEY_OF_ANOTHER_FEATURE,
      IMPORT_PROBLEM.FARMER_NOT_LINKED,
      IMPORT_PROBLEM.FARMER_CELL_LEFT_OUT,
      IMPORT_PROBLEM.VALUE_LEFT_OUT,
      IMPORT_PROBLEM.LEADING_ZERO_RESTORED,
    ]);
    for (const code of PROBLEM_CODES) {
      if (alwaysWithFacts.has(code)) continue;
      const { p, old } = SAMPLES[code];
      const { layer, index, severity, location } = p;
      const bare = sentence(code, old, { layer, index, severity, ...(location ? { location } : {}) });
      expect(problemText(bare), code).toBe(problemText(p));
    }
  });

  it('a feature outside its commune gets the likely cause and the fix the form can apply', () => {
    const p = SAMPLES.OUTSIDE_AREA.p;
    expect(problemText(p, { cause: 'missing_datum_shift', message: '', fix: '' })).toBe(
      'Nằm ngoài xã/phường 29890, cách ranh 0,226 km. Có lẽ toạ độ VN-2000 “nội bộ”, chưa chuyển datum (lệch khoảng 226 m): bật “Toạ độ VN-2000 nội bộ” trong Tuỳ chọn nâng cao.',
    );
    expect(problemText(problem({ code: 'OUTSIDE_AREA', area: 'province', communeCode: null, communeName: null, distanceKm: 3.4 }))).toBe(
      'Nằm ngoài tỉnh Đồng Tháp, cách ranh 3,4 km. Kiểm tra hệ toạ độ của tệp.',
    );
    expect(diagnosisText({ cause: 'wrong_zone', message: '', fix: 'Re-import with crs=EPSG:9210.' }, { axis: '' })).toEqual({
      text: 'Có lẽ sai múi chiếu: dữ liệu thuộc EPSG:9210. Chọn hệ toạ độ đó rồi kiểm tra lại.',
      fix: { crs: 'EPSG:9210' },
    });
    const listed = problemRows(report({ problems: [p], crsDiagnosis: { cause: 'missing_datum_shift', message: '', fix: '' } }), 0);
    expect(listed.rows[0]!.text).toBe('Nằm ngoài xã/phường 29890, cách ranh 0,226 km. Xem nguyên nhân có thể ở trên.');
    // The zone comes from its field; the English fix is read only when the field is missing.
    expect(diagnosisText({ cause: 'wrong_zone', message: '', fix: 'Reworded.', crs: 'EPSG:9209' }, { axis: '' }).fix).toEqual({
      crs: 'EPSG:9209',
    });
    expect(diagnosisText({ cause: 'missing_datum_shift', message: '', fix: '' }, { axis: '' }).fix).toEqual({ datumShift: 'off' });
    expect(diagnosisText({ cause: 'extra_datum_shift', message: '', fix: '' }, { axis: '' }).fix).toEqual({ datumShift: '' });
    expect(diagnosisText({ cause: 'swapped_axes', message: '', fix: '' }, { axis: '' }).fix).toEqual({ axis: 'en' });
    expect(diagnosisText({ cause: 'swapped_axes', message: '', fix: '' }, { axis: 'en' }).fix).toEqual({ axis: 'ne' });
  });

  it('a code the client does not know yet is named, not dropped', () => {
    expect(problemText(sentence('NEW_RULE', 'something'))).toBe('Bị từ chối (mã NEW_RULE).');
  });
});

describe('refusals of the whole file', () => {
  it('every error code of the import routes is told with what to do, in both languages', () => {
    const codes = [
      'BAD_FILE',
      'BAD_ARCHIVE',
      'ZIP_LIMIT',
      'UNKNOWN_CRS',
      'UNSUPPORTED_FORMAT',
      'UNSUPPORTED_MEDIA_TYPE',
      'PAYLOAD_TOO_LARGE',
      'VALIDATION_FAILED',
      'UNAUTHENTICATED',
      'FORBIDDEN',
      'CSRF',
      'BAD_REQUEST',
      'IMPORT_INTERRUPTED',
      'ABORTED',
      'OVERLOADED',
      'NOT_FOUND',
      'UNKNOWN_COLLECTION',
    ];
    for (const code of codes) {
      const { title, advice } = refusalText(STATUS_BY_CODE[code] ?? 400, code);
      expect(title, code).not.toMatch(/^importError_/);
      expect(advice, code).not.toMatch(/^importAdvice_/);
    }
    for (const key of REFUSAL_KEYS) {
      for (const table of [vi, en] as Record<string, string>[]) {
        expect(table[`importError_${key}`], key).toBeTruthy();
        expect(table[`importAdvice_${key}`], key).toBeTruthy();
      }
    }
  });

  it('a damaged file of a chosen type is called damaged, with its type named, never an unsupported type', () => {
    expect(refusalText(400, 'BAD_ARCHIVE', 'junk.zip is not valid zip: it is damaged, or another kind of file renamed.').title).toBe(
      'Tệp .zip bị hỏng, không mở được.',
    );
    const geojson = refusalText(400, 'BAD_FILE', 'thua.geojson is not valid GeoJSON: it is damaged, or another kind of file renamed.');
    expect(geojson.title).toBe('Tệp bị hỏng hoặc không phải tệp GeoJSON hợp lệ.');
    expect(geojson.advice).toContain('GeoJSON');
    expect(geojson.title).not.toBe(refusalText(415, 'UNSUPPORTED_FORMAT').title);
    startLang('en');
    try {
      expect(refusalText(400, 'BAD_FILE', 'lop.gpkg is not valid GeoPackage: it holds XML or HTML.').title).toBe(
        'The file is damaged or not valid GeoPackage.',
      );
    } finally {
      startLang('vi');
    }
  });

  it('the status and the detail pick the wording: 413, 415, 422 unknown CRS, no answer, a zip without .shp, a truncated file', () => {
    expect(refusalText(413, 'PAYLOAD_TOO_LARGE').title).toBe('Tệp quá lớn để nhập một lần.');
    expect(refusalText(413, undefined).title).toBe('Tệp quá lớn để nhập một lần.');
    expect(refusalText(415, 'UNSUPPORTED_FORMAT').title).toBe('Không đọc được loại tệp này.');
    expect(refusalText(422, 'UNKNOWN_CRS')).toEqual({
      title: 'Không nhận ra hệ toạ độ của tệp.',
      advice: 'Chọn hệ toạ độ ở trên (thường là VN-2000 Đồng Tháp cũ 105°00′) rồi kiểm tra lại, hoặc hỏi đơn vị đo đạc tệp .prj đúng.',
    });
    expect(refusalText(0, undefined).title).toBe('Mất kết nối tới máy chủ.');
    expect(refusalText(400, 'BAD_FILE', 'The zip has thua.dbf, thua.shx but no .shp: add the .shp.').title).toBe(
      'Tệp .zip có .dbf/.shx nhưng thiếu tệp .shp.',
    );
    expect(refusalText(400, 'BAD_FILE', 'thua.shp is truncated: its header says 900 bytes, the file has 700.').title).toBe(
      'Tệp bị cắt cụt hoặc hỏng giữa chừng.',
    );
    expect(refusalText(413, 'ZIP_LIMIT', 'big.dat inflates beyond its declared size: refused as a possible zip bomb.').title).toBe(
      'Tệp zip bị từ chối vì giải nén lớn bất thường.',
    );
    expect(refusalText(500, 'IMPORT_INTERRUPTED').advice).toBe('Không có gì được ghi. Bấm “Nhập” lại.');
    expect(refusalText(500, undefined).title).toBe('Máy chủ gặp lỗi khi nhập.');
  });
});

describe('the farmers a plot file names, and a file without a code column', () => {
  const farmers = { matched: 5, created: 2, createdRows: 3, ambiguous: 1, unlinked: 4 };

  it('a check says what will become of each farmer link, the new farmers counted as “n nông hộ mới”; an import what it did', () => {
    expect(farmerLines(report({ farmers }))).toEqual([
      'Nông hộ: 5 thửa sẽ gắn với nông hộ đã có trong sổ.',
      '2 nông hộ mới sẽ được đăng ký theo tên chủ hộ trong tệp (3 thửa).',
      '1 thửa có tên chủ hộ trùng nhiều nông hộ: sẽ nhập không kèm nông hộ, không tự chọn.',
      '4 thửa sẽ nhập không kèm nông hộ (lý do ở danh sách bên dưới).',
    ]);
    setLang('en');
    expect(farmerLines(report({ farmers, dryRun: false }))[1]).toBe(
      'New farmers registered from the file’s household heads: 2 (their plots: 3)',
    );
    expect(farmerLines(report())).toEqual([]);
  });

  it('the hamlets and addresses of the new farmers are counts, shown only where the file has such a column', () => {
    startLang('vi');
    const lines = farmerLines(report({ farmers: { ...farmers, createdWithHamlet: 1, createdWithAddress: 0 } }));
    expect(lines.slice(1, 4)).toEqual([
      '2 nông hộ mới sẽ được đăng ký theo tên chủ hộ trong tệp (3 thửa).',
      'Trong số nông hộ mới: 1 có tên ấp lấy từ tệp.',
      'Trong số nông hộ mới: 0 có địa chỉ lấy từ tệp.',
    ]);
    expect(farmerLines(report({ farmers: { ...farmers, createdWithHamlet: 2 } }))).toHaveLength(5);
    expect(farmerLines(report({ farmers: { ...farmers, created: 0, createdRows: 0, createdWithHamlet: 0 } })).join(' ')).not.toContain(
      'ấp',
    );
    setLang('en');
    expect(farmerLines(report({ farmers: { ...farmers, createdWithAddress: 2 } }))[2]).toBe(
      'Of the new farmers, with an address from the file: 2',
    );
    startLang('vi');
  });

  it('every reason a plot came without its farmer is worded in both languages, with no ID, phone or placeholder', () => {
    const samples = Object.values(FARMER_LINK_REASON).map((reason) =>
      problem(
        {
          code: 'FARMER_NOT_LINKED',
          reason,
          ...(reason === 'ambiguous' ? { matches: 3 } : {}),
          ...(reason === 'bad-name' ? { rule: 'too-long' } : {}),
        },
        { severity: 'warning' },
      ),
    );
    for (const lang of ['vi', 'en'] as const) {
      setLang(lang);
      const texts = samples.map((p) => problemText(p));
      expect(new Set(texts).size, lang).toBe(samples.length);
      for (const text of texts) expect(text).not.toMatch(/\{\w+\}|undefined/);
    }
    startLang('vi');
    expect(problemText(samples.find((p) => 'reason' in p && p.reason === 'bad-name')!)).toBe(
      'Chưa gắn nông hộ: tên chủ hộ không dùng được (dài quá 120 ký tự).',
    );
  });

  it('a hamlet or address cell left out names the row’s column and why, in both languages, never the cell', () => {
    const left = (column: 'farmer_hamlet' | 'farmer_address', rule: 'too-long' | 'nul' | 'control' | 'not-text', field = 'Ap') =>
      problem(
        {
          code: 'FARMER_CELL_LEFT_OUT',
          column,
          field,
          rule,
          ...(rule === 'too-long' ? { maxLength: column === 'farmer_hamlet' ? 100 : 300 } : {}),
        },
        { severity: 'warning', index: 7 },
      );
    startLang('vi');
    expect(problemText(left('farmer_hamlet', 'too-long'))).toBe(
      'Bỏ qua ô Ấp của chủ hộ (cột Ap): dài quá 100 ký tự. Thửa và nông hộ vẫn được nhập, không kèm ô này; hãy bổ sung trong sổ nông hộ.',
    );
    expect(problemText(left('farmer_address', 'control', 'DiaChi'))).toContain(
      'Bỏ qua ô Địa chỉ của chủ hộ (cột DiaChi): có ký tự điều khiển',
    );
    expect(problemText(left('farmer_address', 'too-long', 'DiaChi'))).toContain('dài quá 300 ký tự');
    expect(problemText(left('farmer_hamlet', 'not-text'))).toContain('không phải chữ');
    expect(problemText(left('farmer_hamlet', 'nul'))).toContain('ký tự rỗng (NUL)');
    const rows = problemRows(report({ problems: [left('farmer_hamlet', 'control')] }), 0).rows;
    expect(rows).toEqual([{ where: expect.stringContaining('7'), text: expect.stringContaining('(cột Ap)'), severity: 'warning' }]);
    expect(problemTally(report({ problemCounts: { FARMER_CELL_LEFT_OUT: 2 } }))).toEqual([
      expect.stringContaining('Bỏ qua ô ấp hoặc địa chỉ của chủ hộ'),
    ]);
    setLang('en');
    expect(problemText(left('farmer_hamlet', 'too-long'))).toBe(
      'Household head’s hamlet (field Ap) left out: longer than 100 characters. The plot and its farmer are imported without it; add it in the registry.',
    );
    expect(problemText(left('farmer_address', 'not-text', 'DiaChi'))).toBe(
      'Household head’s address (field DiaChi) left out: not text (true/false, an object or a list). The plot and its farmer are imported without it; add it in the registry.',
    );
    expect(problemText(problem({ code: 'FARMER_NOT_LINKED', reason: 'bad-name', rule: 'not-text' }, { severity: 'warning' }))).toBe(
      'No farmer linked: the household head’s name cannot be used (not text).',
    );
    startLang('vi');
  });

  it('a text cell that is no text and a leading 0 put back are told by row and column, in both languages, never the value', () => {
    const leftOut = (kind: 'boolean' | 'object' | 'list') =>
      problem({ code: 'VALUE_LEFT_OUT', column: 'variety', field: 'Giong', rule: 'not-text', kind }, { severity: 'warning', index: 3 });
    const restored = (column: 'farmer_citizen_id' | 'farmer_phone', field: string) =>
      problem({ code: 'LEADING_ZERO_RESTORED', column, field }, { severity: 'warning', index: 5 });
    startLang('vi');
    expect(problemText(leftOut('object'))).toBe(
      'Bỏ qua ô Giống (cột Giong): một đối tượng, không phải chữ. Dòng vẫn được nhập, không kèm ô này.',
    );
    expect(problemText(leftOut('boolean'))).toContain('giá trị đúng/sai, không phải chữ');
    expect(problemText(leftOut('list'))).toContain('một danh sách, không phải chữ');
    expect(problemText(restored('farmer_citizen_id', 'CCCD'))).toBe(
      'Ô CCCD của chủ hộ (cột CCCD) được lưu dạng số nên mất số 0 ở đầu; đã thêm lại số 0. Hãy kiểm tra lại nếu thấy chưa đúng.',
    );
    expect(problemText(restored('farmer_phone', 'SDT'))).toContain('Ô Số điện thoại của chủ hộ (cột SDT)');
    // A key or required text column given an object refuses the row: BAD_VALUE not-text, worded by what it was.
    const refused = problem({ code: 'BAD_VALUE', column: 'source_key', field: 'MaThua', value: 'list', rule: 'not-text' });
    expect(problemText(refused)).toBe('Mã đối tượng (MaThua): một danh sách, không phải chữ.');
    const rows = problemRows(report({ problems: [leftOut('object'), restored('farmer_phone', 'SDT')] }), 0).rows;
    expect(rows.map((r) => [r.where, r.severity])).toEqual([
      [expect.stringContaining('3'), 'warning'],
      [expect.stringContaining('5'), 'warning'],
    ]);
    expect(problemTally(report({ problemCounts: { VALUE_LEFT_OUT: 1, LEADING_ZERO_RESTORED: 2 } }))).toEqual([
      'Đã thêm lại số 0 đầu của CCCD hoặc số điện thoại: 2',
      'Bỏ qua ô không phải chữ: 1',
    ]);
    setLang('en');
    expect(problemText(leftOut('boolean'))).toBe(
      'Variety (field Giong) left out: a true/false value, not text. The row is imported without it.',
    );
    expect(problemText(restored('farmer_phone', 'SDT'))).toBe(
      'Household head’s phone (field SDT) was stored as a number and lost its leading 0; the 0 is put back. Check it if it looks wrong.',
    );
    expect(problemText(refused)).toBe('Feature code (MaThua): a list, not text.');
    startLang('vi');
  });

  it('a layer without a known code column says so and names the columns that could be one; key= carries the choice', () => {
    const layer = { ...report().layers[0]!, fields: ['MaXa', 'CayTrong', 'MaHo'], keyCandidates: ['MaHo'] };
    const lines = layerLines(report({ layers: [layer] }));
    expect(lines).toContain('Cột có thể làm mã thửa (có ở mọi dòng, không trùng nhau): MaHo.');
    expect(lines.some((l) => l.startsWith('Không thấy cột mã thửa quen thuộc'))).toBe(true);
    expect(keyChoices(report({ layers: [layer] }))).toEqual(['MaHo']);
    const options = { ...defaultOptions('officer', ['29869']), key: ' MaHo ' };
    expect(new URLSearchParams(importQuery(options, { dryRun: true, async: false })).get('key')).toBe('MaHo');
    expect(new URLSearchParams(importQuery({ ...options, collection: 'parcels' }, { dryRun: true, async: false })).get('key')).toBeNull();
    expect(checkOptions({ ...options, key: 'k'.repeat(201) })).toEqual({ valid: false, reason: 'key' });
    // The server's 400 for a column the file does not have is told as such, not as the options in general.
    expect(refusalText(400, 'BAD_REQUEST', 'key="MaThua" names no column of the file; its columns are "MaHo".').title).toBe(
      'Tệp không có cột mã đã chọn.',
    );
    expect(refusalText(400, 'BAD_REQUEST', 'mapping must be JSON').title).toBe('Máy chủ không nhận các tuỳ chọn đã chọn.');
  });
});
