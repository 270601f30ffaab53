import proj4 from 'proj4';
import { CRS_DEFINITIONS, VN2000_TOWGS84, type CrsDefinition } from '../../data/crs/vn2000.ts';
import { AppError } from '../plugins/errors.ts';

export type { CrsDefinition } from '../../data/crs/vn2000.ts';

/** The system a file declared, how we recognised it, and anything the user should know about it. */
export type CrsMatch = { definition: CrsDefinition; matchedBy: 'epsg' | 'wkt' | 'option' | 'default'; warnings: string[] };

/** Turns one source coordinate pair into [longitude, latitude] on WGS 84. */
export type ToWgs84 = (x: number, y: number) => [number, number];

const BY_CODE = new Map(CRS_DEFINITIONS.map((d) => [d.code, d]));

/** The definition for an EPSG code such as 'EPSG:5897', '5897' or 'epsg:9210'; undefined when unknown. */
export function crsByCode(code: string): CrsDefinition | undefined {
  const m = /^(?:epsg:)?(\d{4,5})$/i.exec(code.trim());
  return m ? BY_CODE.get(`EPSG:${m[1]}`) : undefined;
}

/** The definition for a code, or an UNKNOWN_CRS error that lists what we accept. */
export function requireCrs(code: string): CrsDefinition {
  const def = crsByCode(code);
  if (!def) {
    throw new AppError('UNKNOWN_CRS', `Unknown coordinate system "${code}". Accepted: ${CRS_DEFINITIONS.map((d) => d.code).join(', ')}.`);
  }
  return def;
}

// ---- WKT (WKT1 as OGC and ESRI write it, WKT2 enough to find its ID) ----

type WktNode = { keyword: string; args: Array<string | number | WktNode> };

function parseWkt(text: string): WktNode {
  let i = 0;
  const s = text.trim();
  const skip = () => {
    while (i < s.length && /\s/.test(s[i] ?? '')) i++;
  };
  const node = (): WktNode => {
    skip();
    const start = i;
    while (i < s.length && /[A-Za-z0-9_]/.test(s[i] ?? '')) i++;
    const keyword = s.slice(start, i).toUpperCase();
    skip();
    if (!keyword || (s[i] !== '[' && s[i] !== '(')) throw new Error(`expected a keyword and "[" at ${i}`);
    const close = s[i] === '[' ? ']' : ')';
    i++;
    const args: WktNode['args'] = [];
    for (;;) {
      skip();
      const c = s[i];
      if (c === undefined) throw new Error('unterminated WKT');
      if (c === close) {
        i++;
        return { keyword, args };
      }
      if (c === ',') {
        i++;
        continue;
      }
      if (c === '"') {
        let value = '';
        i++;
        for (;;) {
          const ch = s[i];
          if (ch === undefined) throw new Error('unterminated string');
          i++;
          if (ch === '"') {
            if (s[i] === '"') {
              value += '"';
              i++;
              continue;
            }
            break;
          }
          value += ch;
        }
        args.push(value);
      } else if (/[-+.\d]/.test(c)) {
        const start2 = i;
        while (i < s.length && /[-+.\deE]/.test(s[i] ?? '')) i++;
        args.push(Number(s.slice(start2, i)));
      } else if (/[A-Za-z]/.test(c)) {
        const save = i;
        while (i < s.length && /[A-Za-z0-9_]/.test(s[i] ?? '')) i++;
        skip();
        if (s[i] === '[' || s[i] === '(') {
          i = save;
          args.push(node());
        } else {
          args.push(s.slice(save, i).trim()); // bare enum such as EAST or NORTH
        }
      } else {
        throw new Error(`unexpected "${c}" at ${i}`);
      }
    }
  };
  const root = node();
  return root;
}

const children = (n: WktNode, keyword: string): WktNode[] =>
  n.args.filter((a): a is WktNode => typeof a === 'object' && a.keyword === keyword);
const child = (n: WktNode, ...keywords: string[]): WktNode | undefined => {
  for (const k of keywords) {
    const found = children(n, k)[0];
    if (found) return found;
  }
  return undefined;
};
const nameOf = (n: WktNode | undefined): string => (n && typeof n.args[0] === 'string' ? n.args[0] : '');
const fold = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

function authorityCode(n: WktNode): string | undefined {
  const auth = child(n, 'AUTHORITY', 'ID');
  if (auth && typeof auth.args[0] === 'string' && auth.args[0].toUpperCase() === 'EPSG') return `EPSG:${auth.args[1]}`;
  return undefined;
}

function datumKind(geog: WktNode | undefined): { kind: 'vn2000' | 'wgs84' | 'other'; towgs84?: number[]; label: string } {
  if (!geog) return { kind: 'other', label: '(none)' };
  const datum = child(geog, 'DATUM', 'TRF');
  const label = `${nameOf(geog)} / ${nameOf(datum)}`;
  const folded = fold(label);
  const spheroid = datum ? child(datum, 'SPHEROID', 'ELLIPSOID') : undefined;
  const a = Number(spheroid?.args[1]);
  const rf = Number(spheroid?.args[2]);
  const towgs = datum ? child(datum, 'TOWGS84') : undefined;
  const towgs84 = towgs ? towgs.args.map(Number) : undefined;
  const wgs84Ellipsoid = Math.abs(a - 6378137) < 0.01 && Math.abs(rf - 298.257223563) < 1e-6;
  if (/vn2000|vietnam2000|vn_2000|vn2k/.test(folded) || (towgs84 && Math.abs((towgs84[0] ?? 0) + 191.9) < 2)) {
    return { kind: wgs84Ellipsoid || !spheroid ? 'vn2000' : 'other', ...(towgs84 ? { towgs84 } : {}), label };
  }
  if (/wgs84|wgs1984/.test(folded) && (wgs84Ellipsoid || !spheroid)) return { kind: 'wgs84', label };
  return { kind: 'other', label };
}

function parameters(projcs: WktNode): Map<string, number> {
  const out = new Map<string, number>();
  const conversion = child(projcs, 'CONVERSION') ?? projcs;
  for (const p of children(conversion, 'PARAMETER')) out.set(fold(nameOf(p)), Number(p.args[1]));
  return out;
}

const pick = (params: Map<string, number>, ...names: string[]): number | undefined => {
  for (const n of names) {
    const v = params.get(n);
    if (v !== undefined && Number.isFinite(v)) return v;
  }
  return undefined;
};

/**
 * Recognises the coordinate system of a `.prj` (ESRI or OGC WKT1 with any name, WKT2 with an EPSG
 * ID, or a bare "EPSG:5897") and maps it onto our definitions. Throws UNKNOWN_CRS with what was
 * read when nothing matches; never guesses a zone the file does not state.
 */
export function matchPrj(text: string): CrsMatch {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  const bare = crsByCode(trimmed);
  if (bare) return { definition: bare, matchedBy: 'epsg', warnings: [] };
  let root: WktNode;
  try {
    root = parseWkt(trimmed);
  } catch (error) {
    throw new AppError(
      'UNKNOWN_CRS',
      `The .prj is not readable WKT (${(error as Error).message}); give the system with crs=EPSG:5897 (or the right code).`,
    );
  }
  const warnings: string[] = [];
  const topCode = authorityCode(root);
  const known = topCode ? BY_CODE.get(topCode) : undefined;
  if (known) return { definition: known, matchedBy: 'epsg', warnings };

  const projected = ['PROJCS', 'PROJCRS', 'PROJECTEDCRS'].includes(root.keyword);
  const geog = projected ? child(root, 'GEOGCS', 'BASEGEOGCRS', 'BASEGEODCRS') : root;
  const datum = datumKind(geog);
  if (datum.kind === 'vn2000' && datum.towgs84) {
    const [tx, , , rx] = datum.towgs84;
    if (tx !== undefined && Math.abs(tx + 191.90441429) > 1) {
      warnings.push(`The .prj carries a different VN-2000 shift (TOWGS84 ${datum.towgs84.join(',')}); used EPSG:6960 (${VN2000_TOWGS84}).`);
    } else if (rx !== undefined && rx < 0) {
      warnings.push(
        'The .prj carries the coordinate-frame rotation signs in TOWGS84 (a 0.5 m error); used the position-vector signs PROJ expects.',
      );
    }
  }
  if (!projected) {
    if (datum.kind === 'wgs84') return { definition: BY_CODE.get('EPSG:4326')!, matchedBy: 'wkt', warnings };
    if (datum.kind === 'vn2000') return { definition: BY_CODE.get('EPSG:4756')!, matchedBy: 'wkt', warnings };
    throw new AppError('UNKNOWN_CRS', `The .prj names the geographic system "${datum.label}", which is neither WGS 84 nor VN-2000.`, {
      prj: trimmed.slice(0, 500),
    });
  }

  const projection = fold(nameOf(child(root, 'PROJECTION', 'METHOD') ?? child(child(root, 'CONVERSION') ?? root, 'METHOD')));
  const params = parameters(root);
  const cm = pick(params, 'centralmeridian', 'longitudeofnaturalorigin', 'longitudeofcenter', 'longitudeoforigin');
  const k = pick(params, 'scalefactor', 'scalefactoratnaturalorigin');
  const fe = pick(params, 'falseeasting') ?? 0;
  const fn = pick(params, 'falsenorthing') ?? 0;
  const lat0 = pick(params, 'latitudeoforigin', 'latitudeofnaturalorigin') ?? 0;
  const unit = child(root, 'UNIT', 'LENGTHUNIT');
  const unitFactor = unit ? Number(unit.args[1]) : 1;
  const describe = `"${nameOf(root)}" (${projection || 'no projection'}, central meridian ${cm ?? '?'}, k ${k ?? '?'}, false easting ${fe}, datum ${datum.label})`;

  const isTm = /transversemercator|gausskruger|tmerc/.test(projection);
  if (!isTm || cm === undefined || k === undefined || lat0 !== 0 || Math.abs(unitFactor - 1) > 1e-9) {
    throw new AppError(
      'UNKNOWN_CRS',
      `Unsupported coordinate system ${describe}. We read VN-2000 (TM-3 zones, UTM 48N/49N), WGS 84 and WGS 84 / UTM; pass crs=EPSG:… if you know the code.`,
      {
        prj: trimmed.slice(0, 500),
      },
    );
  }
  if (datum.kind === 'other') {
    throw new AppError('UNKNOWN_CRS', `The datum of ${describe} is neither VN-2000 nor WGS 84.`, { prj: trimmed.slice(0, 500) });
  }
  const candidates = CRS_DEFINITIONS.filter(
    (d) =>
      d.centralMeridian !== undefined &&
      Math.abs(d.centralMeridian - cm) < 1e-7 &&
      d.scale !== undefined &&
      Math.abs(d.scale - k) < 1e-9 &&
      !d.northingFirst,
  );
  const isUtmScale = Math.abs(k - 0.9996) < 1e-9;
  let match: CrsDefinition | undefined;
  if (isUtmScale) {
    match = candidates.find((d) => d.kind === (datum.kind === 'wgs84' ? 'wgs84-utm' : 'vn2000-utm'));
  } else {
    match = candidates.find((d) => d.kind === 'vn2000-tm3');
    // A 3° zone with k = 0.9999 is a VN-2000 cadastral grid even when a tool wrote WGS 84 as its datum.
    if (match && datum.kind === 'wgs84') {
      warnings.push(
        `The .prj names WGS 84 as datum for a VN-2000 3° zone (${describe}); read as ${match.code} with the EPSG:6960 shift. If the data lands about 226 m off, the shift was already applied.`,
      );
    }
  }
  if (!match || fe !== 500000 || fn !== 0) {
    throw new AppError('UNKNOWN_CRS', `No VN-2000 or UTM zone matches ${describe}.`, { prj: trimmed.slice(0, 500) });
  }
  return { definition: match, matchedBy: 'wkt', warnings };
}

// ---- transforms ----

const WGS84 = '+proj=longlat +datum=WGS84 +no_defs';

/** A function from the given system's (x, y), in the file's axis order, to WGS 84 [lon, lat]. */
export function toWgs84(def: CrsDefinition): ToWgs84 {
  if (def.code === 'EPSG:4326') return (x, y) => [x, y];
  const conv = proj4(def.proj4, WGS84);
  if (def.northingFirst) return (x, y) => conv.forward([y, x]) as [number, number];
  return (x, y) => conv.forward([x, y]) as [number, number];
}

/** A function from WGS 84 [lon, lat] to the given system's (easting, northing). */
export function fromWgs84(def: CrsDefinition): (lon: number, lat: number) => [number, number] {
  if (def.code === 'EPSG:4326') return (lon, lat) => [lon, lat];
  const conv = proj4(WGS84, def.proj4);
  return (lon, lat) => conv.forward([lon, lat]) as [number, number];
}

/** The definition with the datum shift left out, to test the "VN-2000 nội bộ" mistake. */
export function withoutDatumShift(def: CrsDefinition): CrsDefinition {
  return { ...def, code: `${def.code} without shift`, proj4: def.proj4.replace(/\+towgs84=\S+/, '+datum=WGS84') };
}

const wktNumber = (n: number) => (Number.isInteger(n) ? n.toFixed(1) : String(n));

/** ESRI WKT for a `.prj`: what ArcGIS, QGIS and GDAL read. ESRI WKT cannot carry a datum shift, so the datum name tells it. */
export function esriWkt(def: CrsDefinition): string {
  const vn = def.kind.startsWith('vn2000');
  const geog = vn
    ? 'GEOGCS["GCS_VN_2000",DATUM["D_Vietnam_2000",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]'
    : 'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';
  if (def.centralMeridian === undefined || def.scale === undefined) return geog;
  const name = def.name.replace(/[^A-Za-z0-9]+/g, '_');
  return (
    `PROJCS["${name}",${geog},PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],` +
    `PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",${wktNumber(def.centralMeridian)}],` +
    `PARAMETER["Scale_Factor",${def.scale}],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]`
  );
}
