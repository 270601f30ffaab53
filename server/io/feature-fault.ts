// Why a reader could not make a feature of a record, as BAD_FEATURE's facts. The readers' parsers
// (WKT, WKB, GeoPackage blobs, CSV numbers) throw FeatureReadError with the reason and the fact it
// names; the English message stays the report's sentence.
import { FEATURE_FAULT, type BadFeatureFacts, type FeatureFault } from '../contracts/import.ts';

/** A record a reader cannot make a feature of, with why as a code and the fact that goes with it. */
export class FeatureReadError extends Error {
  constructor(
    message: string,
    readonly facts: BadFeatureFacts & { reason: FeatureFault },
  ) {
    super(message);
    this.name = 'FeatureReadError';
  }
}

/** What a reader tells the importer about a record it could not read. */
export type FeatureFailure = BadFeatureFacts & { message: string };

/** The failure of a record from what its parser threw; an error of unknown kind is 'other' with its message. */
export function featureFailure(error: unknown, prefix = ''): FeatureFailure {
  const message = `${prefix}${error instanceof Error ? error.message : String(error)}`;
  return error instanceof FeatureReadError ? { ...error.facts, message } : { reason: FEATURE_FAULT.OTHER, message };
}
