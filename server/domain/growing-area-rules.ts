// Eligibility and code rules of a growing area (DOMAIN.md; Decision 3156/QĐ-BNN-TT §3.1.a), pure
// so that the registration form shows the same verdict the server enforces.
import type { GrowingAreaScheme } from './growing-area-lifecycle.ts';

/** Whether a crop is perennial (orchards: 1 ha minimum) or annual (0.1 ha minimum). */
export type CropType = 'perennial' | 'annual';

/** The part of a `crops` row the rules read. */
export type CropRule = { code: string; name_vi: string; crop_type: CropType; min_area_m2: number | null };

/** The legal minimum by crop type in m², used when a crop row carries no minimum of its own. */
export const MIN_AREA_M2_BY_TYPE: Readonly<Record<CropType, number>> = { perennial: 10_000, annual: 1_000 };

/** Reason constants of the validators in this module. */
export const AREA_RULE_REASONS = {
  NO_PLOTS: 'no-plots',
  TOO_SMALL: 'below-minimum-area',
  CROP_MISMATCH: 'plot-crop-mismatch',
} as const;

/** A validator verdict in the shape the browser shows live. */
export type RuleResult = { valid: true } | { valid: false; reason: string; message: string };

/** The minimum area in m² for a crop: the catalogue's own value, else the legal minimum of its type. */
export function minimumAreaM2(crop: CropRule): number {
  const own = crop.min_area_m2;
  return own !== null && Number.isFinite(own) && own > 0 ? own : MIN_AREA_M2_BY_TYPE[crop.crop_type];
}

/** Formats m² as hectares with up to 4 decimals, the unit officers read (0.9 ha, 0.15 ha). */
export function formatHa(m2: number): string {
  return `${Number((m2 / 10_000).toFixed(4))} ha`;
}

/**
 * Whether member plots totalling `areaM2` may be submitted as one growing area of `crop`: at least
 * one plot, every plot of that crop, and the sum at least the minimum (1 ha perennial, 0.1 ha annual).
 */
export function checkMinimumArea(crop: CropRule, plots: readonly { id: number; crop: string; area_m2: number }[]): RuleResult {
  if (plots.length === 0) {
    return {
      valid: false,
      reason: AREA_RULE_REASONS.NO_PLOTS,
      message: 'The growing area has no plots yet; add its production plots before submitting.',
    };
  }
  const foreign = plots.filter((p) => p.crop !== crop.code);
  if (foreign.length > 0) {
    return {
      valid: false,
      reason: AREA_RULE_REASONS.CROP_MISMATCH,
      message: `Plot(s) ${foreign.map((p) => p.id).join(', ')} grow another crop than ${crop.code}; a growing area holds one crop.`,
    };
  }
  const total = plots.reduce((sum, p) => sum + p.area_m2, 0);
  const minimum = minimumAreaM2(crop);
  if (total < minimum) {
    return {
      valid: false,
      reason: AREA_RULE_REASONS.TOO_SMALL,
      message: `A ${crop.crop_type} crop (${crop.name_vi}) needs at least ${formatHa(minimum)}; the plots total ${formatHa(total)}.`,
    };
  }
  return { valid: true };
}

/** Reason constants of checkCode. */
export const CODE_REASONS = {
  EMPTY: 'code-empty',
  SHAPE: 'code-shape',
  SCHEME: 'code-scheme-pattern',
} as const;

// Codes are opaque (DOMAIN.md): the unit is never derived from them. These patterns only catch
// typing mistakes. Domestic: VN-<province>-…-<producer no.>-<YY>, with or without the district part
// abolished in 2025 (VN-87-866-29890-01-24, VN-82-29869-01-26). Export codes as seen in practice:
// VN-TGOR-0095 (orchard, PUC) and VN-TGPH-0012 (packing house, PHC); no official specification exists.
const SCHEME_PATTERNS: Readonly<Record<GrowingAreaScheme, { pattern: RegExp; example: string }>> = {
  'domestic-3156': { pattern: /^VN-\d{2}(-[0-9A-Z]{1,6}){2,4}-\d{2}$/, example: 'VN-82-29869-01-26' },
  'export-puc': { pattern: /^VN-[A-Z]{2,6}OR-\d{3,6}$/, example: 'VN-DTOR-0001' },
  'export-phc': { pattern: /^VN-[A-Z]{2,6}PH-\d{3,6}$/, example: 'VN-DTPH-0001' },
};

/** Normalises an officer's typing: trims, upper-cases, turns spaces and underscores into hyphens. */
export function normaliseCode(raw: string): string {
  return raw
    .trim()
    .toUpperCase()
    .replace(/[\s_]+/g, '-')
    .replace(/-+/g, '-');
}

/** The longest growing-area code (characters), as checkCode takes it. */
export const CODE_MAX_LENGTH = 40;

/** Whether a (normalised) code fits its scheme's pattern; the message names an example. */
export function checkCode(code: string, scheme: GrowingAreaScheme): RuleResult {
  if (code.length === 0) return { valid: false, reason: CODE_REASONS.EMPTY, message: 'The code is empty.' };
  if (code.length > CODE_MAX_LENGTH || !/^[A-Z0-9]+(-[A-Z0-9]+)+$/.test(code)) {
    return {
      valid: false,
      reason: CODE_REASONS.SHAPE,
      message: `"${code}" is not a code: use upper-case letters and digits separated by hyphens, at most ${CODE_MAX_LENGTH} characters.`,
    };
  }
  const rule = SCHEME_PATTERNS[scheme];
  if (!rule.pattern.test(code)) {
    return { valid: false, reason: CODE_REASONS.SCHEME, message: `"${code}" does not fit the ${scheme} pattern, e.g. ${rule.example}.` };
  }
  return { valid: true };
}

/** The province's code pattern: its administrative code and the letters export codes use. */
export type ProvincePattern = { provinceCode: string; exportPrefix: string };

/**
 * Đồng Tháp since 1 July 2025: province code 82 (DOMAIN.md). The export letters "DT" are presumed
 * (domain-research §1.1.3 ❓); the officer edits the proposal when the authority writes otherwise.
 */
export const DONG_THAP_2025: ProvincePattern = Object.freeze({ provinceCode: '82', exportPrefix: 'DT' });

/**
 * Proposes the next code for an area, to be shown to the officer who may edit it. Domestic:
 * VN-<province>-<commune>-<producer no.>-<YY> (the abolished district part left out); export:
 * VN-<prefix>OR-<serial> or VN-<prefix>PH-<serial>. `existing` are codes already in use; the
 * sequence continues after the highest one of the same stem.
 */
export function proposeCode(
  scheme: GrowingAreaScheme,
  pattern: ProvincePattern,
  communeCode: string,
  year: number,
  existing: readonly string[],
): string {
  const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (scheme === 'domestic-3156') {
    const stem = `VN-${pattern.provinceCode}-${communeCode}-`;
    const yy = String(year % 100).padStart(2, '0');
    // The producer number counts across years within a commune: a producer keeps one number.
    const re = new RegExp(`^${escape(stem)}(\\d+)-\\d{2}$`);
    const next = nextSerial(existing, re);
    return `${stem}${String(next).padStart(2, '0')}-${yy}`;
  }
  const stem = `VN-${pattern.exportPrefix}${scheme === 'export-puc' ? 'OR' : 'PH'}-`;
  const next = nextSerial(existing, new RegExp(`^${escape(stem)}(\\d+)$`));
  return `${stem}${String(next).padStart(4, '0')}`;
}

function nextSerial(existing: readonly string[], re: RegExp): number {
  let max = 0;
  for (const code of existing) {
    const m = re.exec(code.toUpperCase());
    if (m?.[1]) max = Math.max(max, Number(m[1]));
  }
  return max + 1;
}
