// The import refusals whose cause came in English from GEOS (an invalid geometry) or from a reader (a
// record it could not make a feature of), worded from their codes in the officer's language: what is
// wrong, where, and what to do. A report of an older server has no code: GEOS's text is classified
// here with the server's own rule, and a reader's sentence gives the general wording.
import {
  FEATURE_FAULT,
  GEOMETRY_FAULT,
  IMPORT_PROBLEM,
  type BadFeatureFacts,
  type FeatureFault,
  type GeometryFault,
  type ImportProblemCommon,
} from '../../../server/contracts/import.ts';
import { classifyGeosReason } from '../../../server/domain/geometry-fault.ts';
import { t } from '../i18n/i18n.ts';
import type { MessageKey } from '../i18n/vi.ts';

/** A problem as the report carries it: where, the sentence, and whatever facts its server sent. */
type Problem = ImportProblemCommon & { code: string } & Record<string, unknown>;

const FAULT_KEYS: Readonly<Record<GeometryFault, MessageKey>> = {
  [GEOMETRY_FAULT.SELF_INTERSECTION]: 'importFault_selfIntersection',
  [GEOMETRY_FAULT.RING_SELF_INTERSECTION]: 'importFault_ringSelfIntersection',
  [GEOMETRY_FAULT.TOO_FEW_POINTS]: 'importFault_tooFewPoints',
  [GEOMETRY_FAULT.HOLE_OUTSIDE_SHELL]: 'importFault_holeOutsideShell',
  [GEOMETRY_FAULT.NESTED_HOLES]: 'importFault_nestedHoles',
  [GEOMETRY_FAULT.NESTED_SHELLS]: 'importFault_nestedShells',
  [GEOMETRY_FAULT.DISCONNECTED_INTERIOR]: 'importFault_disconnectedInterior',
  [GEOMETRY_FAULT.INVALID_COORDINATE]: 'importFault_invalidCoordinate',
  [GEOMETRY_FAULT.RING_NOT_CLOSED]: 'importFault_ringNotClosed',
  [GEOMETRY_FAULT.DUPLICATE_RINGS]: 'importFault_duplicateRings',
  [GEOMETRY_FAULT.REPEATED_POINT]: 'importFault_repeatedPoint',
  [GEOMETRY_FAULT.OTHER]: 'importFault_other',
};

const FEATURE_KEYS: Readonly<Record<FeatureFault, MessageKey>> = {
  [FEATURE_FAULT.NOT_A_FEATURE]: 'importFeature_notAFeature',
  [FEATURE_FAULT.NOT_A_NUMBER]: 'importFeature_notANumber',
  [FEATURE_FAULT.BAD_WKT]: 'importFeature_badWkt',
  [FEATURE_FAULT.EMPTY_GEOMETRY]: 'importFeature_emptyGeometry',
  [FEATURE_FAULT.UNSUPPORTED_GEOMETRY_TYPE]: 'importFeature_unsupportedGeometryType',
  [FEATURE_FAULT.BAD_GEOMETRY_BLOB]: 'importFeature_badGeometryBlob',
  [FEATURE_FAULT.OTHER]: 'importFeature_other',
};

const isGeometryFault = (v: unknown): v is GeometryFault => typeof v === 'string' && v in FAULT_KEYS;
const isFeatureFault = (v: unknown): v is FeatureFault => typeof v === 'string' && v in FEATURE_KEYS;

/**
 * Where GEOS found the fault: latitude, longitude (the order a map app's search takes, with a dot so
 * it can be pasted there) and, for a projected file (VN-2000 metres), the point as the file's own
 * software shows it.
 */
export function faultPlace(location: ImportProblemCommon['location']): string {
  if (!location || !Number.isFinite(location.lon) || !Number.isFinite(location.lat)) return '';
  const at = t('importAt', { lat: location.lat.toFixed(6), lon: location.lon.toFixed(6) });
  const source = location.source;
  const projected = source && source.every(Number.isFinite) && (Math.abs(source[0]) > 360 || Math.abs(source[1]) > 360);
  return projected ? at + t('importAtSource', { a: source[0].toFixed(2), b: source[1].toFixed(2) }) : at;
}

/** What GEOS found wrong, as a phrase: from the report's code, else from GEOS's English text. */
function faultPhrase(p: Problem): string {
  const reason = typeof p.reason === 'string' ? p.reason : p.message;
  const fault = isGeometryFault(p.fault) ? p.fault : classifyGeosReason(reason).fault;
  // Only an unknown fault shows GEOS's words, without the point (told apart, in the officer's digits).
  return t(FAULT_KEYS[fault], { raw: reason.replace(/\[[^\]]*\]\s*$/, '').trim() });
}

/**
 * An invalid geometry (INVALID_GEOMETRY), one repair could not save (UNREPAIRABLE) or one it saved
 * (REPAIRED), in words: the fault, where it is, and what the officer does about it.
 */
export function geometryProblemText(p: Problem): string {
  const what = faultPhrase(p);
  const at = faultPlace(p.location);
  if (p.code === IMPORT_PROBLEM.REPAIRED) return t('importProblem_REPAIRED', { what, at });
  if (p.code === IMPORT_PROBLEM.UNREPAIRABLE) return t('importProblem_UNREPAIRABLE', { what, at });
  return t('importProblem_INVALID_GEOMETRY', { what, at });
}

/**
 * A record the reader could not make a feature of (BAD_FEATURE), in words: why, with the value, the
 * WKT character or the geometry type it names; the reader's English only when its reason is unknown.
 */
export function badFeatureText(p: Problem & BadFeatureFacts): string {
  if (!isFeatureFault(p.reason)) return t('importProblem_BAD_FEATURE');
  return t(FEATURE_KEYS[p.reason], {
    value: p.value ?? '?',
    position: p.position ?? '?',
    type: p.geometryType ?? '?',
    raw: p.message,
  });
}
