// What GET /api/import/limits answers (STYLE.md §4: the schema is the type the web imports), so the
// import screen refuses a file the server would refuse before sending a byte of it.
import { Type, type Static } from '@sinclair/typebox';

/** Body of GET /api/import/limits. */
export const ImportLimits = Type.Object(
  {
    maxBytes: Type.Integer({
      minimum: 1,
      description: 'Largest file POST /api/import takes, in bytes (IMPORT_MAX_MB × 1 MiB); larger ones get 413',
    }),
  },
  { additionalProperties: false },
);
export type ImportLimits = Static<typeof ImportLimits>;
