// Request and response schemas of the registry, lookup and search API (STYLE.md §4): TypeBox
// schemas that Fastify validates with and that double as the TypeScript types the web imports.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { DoseUnit } from '../domain/diary-dose.ts';
import { SEARCH_QUERY_MAX } from './registry-codes.ts';

const Id = Type.Integer({ minimum: 1, maximum: 9_007_199_254_740_991 });
const CommuneCode = Type.String({ pattern: '^[0-9]{5}$', description: "Today's commune/ward code, e.g. 29869" });
const IsoDate = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', format: 'date' });
const ShortText = (max = 200) => Type.String({ minLength: 1, maxLength: max });
// The day a decision was signed: checked by the service (422 with `reason` and `field: 'decidedOn'`,
// server/domain/decision-date.ts) rather than by a pattern here, whose refusal would name no reason.
const DecidedOn = Type.String({
  maxLength: 32,
  description: 'Day the decision was signed, YYYY-MM-DD (Vietnam); omitted: today in Vietnam',
});
const Market = Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2 market, e.g. CN, US' });
const Scheme = Type.Union([Type.Literal('domestic-3156'), Type.Literal('export-puc'), Type.Literal('export-phc')]);

/** `:id` in a path. */
export const IdParams = Type.Object({ id: Id }, { additionalProperties: false });
export type IdParams = Static<typeof IdParams>;

/** Paging of list endpoints. */
export const Paging = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
});

/** Query of GET /api/farmers. */
export const FarmerListQuery = Type.Composite(
  [Paging, Type.Object({ commune: Type.Optional(CommuneCode), q: Type.Optional(ShortText(100)) })],
  {
    additionalProperties: false,
  },
);
export type FarmerListQuery = Static<typeof FarmerListQuery>;

/** Query of GET /api/plots: one page of the plots of the viewer's communes (or of one of them). */
export const CommunePlotsQuery = Type.Composite([Paging, Type.Object({ commune: Type.Optional(CommuneCode) })], {
  additionalProperties: false,
});
export type CommunePlotsQuery = Static<typeof CommunePlotsQuery>;

/** Body of POST /api/farmers (and, all optional, PATCH). */
export const FarmerBody = Type.Object(
  {
    communeCode: CommuneCode,
    hamlet: Type.Optional(Type.Union([ShortText(100), Type.Null()])),
    fullName: ShortText(120),
    // 12 digits (CCCD) or 9 (old CMND), spaces, dots or hyphens between groups taken as written
    // ('087 123 456 789'); kept and compared as the digits alone.
    citizenId: Type.Optional(Type.Union([Type.String({ pattern: '^[0-9](?:[ .-]?[0-9]){8}(?:(?:[ .-]?[0-9]){3})?$' }), Type.Null()])),
    phone: Type.Optional(Type.Union([Type.String({ pattern: '^\\+?[0-9 .-]{8,20}$' }), Type.Null()])),
    address: Type.Optional(Type.Union([ShortText(300), Type.Null()])),
  },
  { additionalProperties: false },
);
export type FarmerBody = Static<typeof FarmerBody>;
export const FarmerPatch = Type.Partial(FarmerBody, { additionalProperties: false, minProperties: 1 });
export type FarmerPatch = Static<typeof FarmerPatch>;

/** `:code` of a lookup (farmer card or growing-area code). */
export const CodeParams = Type.Object({ code: Type.String({ minLength: 3, maxLength: 64 }) }, { additionalProperties: false });
export type CodeParams = Static<typeof CodeParams>;

/** Body of POST /api/growing-areas: a draft. */
export const GrowingAreaBody = Type.Object(
  {
    name: ShortText(200),
    scheme: Scheme,
    crop: Type.String({ pattern: '^[a-z_]{2,32}$' }),
    communeCode: CommuneCode,
    markets: Type.Optional(Type.Array(Market, { maxItems: 20, uniqueItems: true })),
    variety: Type.Optional(Type.Union([ShortText(100), Type.Null()])),
    registrantKind: Type.Optional(Type.Union([Type.Literal('person'), Type.Literal('cooperative'), Type.Literal('company')])),
    registrantName: ShortText(200),
    registrantContact: Type.Optional(Type.Union([ShortText(200), Type.Null()])),
    technicalOfficer: Type.Optional(Type.Union([ShortText(120), Type.Null()])),
    households: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 100_000 }), Type.Null()])),
    harvestsPerYear: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 12 }), Type.Null()])),
    expectedYieldTonnes: Type.Optional(Type.Union([Type.Number({ minimum: 0, maximum: 1_000_000 }), Type.Null()])),
    standard: Type.Optional(Type.Union([ShortText(100), Type.Null()])),
    certificates: Type.Optional(Type.Union([ShortText(500), Type.Null()])),
    plotIds: Type.Optional(Type.Array(Id, { maxItems: 2000, uniqueItems: true })),
  },
  { additionalProperties: false },
);
export type GrowingAreaBody = Static<typeof GrowingAreaBody>;
export const GrowingAreaPatch = Type.Partial(Type.Omit(GrowingAreaBody, ['plotIds', 'communeCode']), {
  additionalProperties: false,
  minProperties: 1,
});
export type GrowingAreaPatch = Static<typeof GrowingAreaPatch>;

/** Query of GET /api/growing-areas. */
export const GrowingAreaListQuery = Type.Composite(
  [
    Paging,
    Type.Object({
      commune: Type.Optional(CommuneCode),
      status: Type.Optional(Type.String({ pattern: '^[a-z_]{3,20}$' })),
      crop: Type.Optional(Type.String({ pattern: '^[a-z_]{2,32}$' })),
      scheme: Type.Optional(Scheme),
    }),
  ],
  { additionalProperties: false },
);
export type GrowingAreaListQuery = Static<typeof GrowingAreaListQuery>;

/** Body of POST /api/growing-areas/:id/plots. */
export const PlotIdsBody = Type.Object(
  { plotIds: Type.Array(Id, { minItems: 1, maxItems: 2000, uniqueItems: true }) },
  { additionalProperties: false },
);
export type PlotIdsBody = Static<typeof PlotIdsBody>;

/** `:id/plots/:plotId`. */
export const AreaPlotParams = Type.Object({ id: Id, plotId: Id }, { additionalProperties: false });
export type AreaPlotParams = Static<typeof AreaPlotParams>;

/** A file attached to a decision: its name and where it is kept (an upload id or a document reference). */
export const Attachment = Type.Object({ name: ShortText(200), ref: ShortText(500) }, { additionalProperties: false });

/** The checklist of an inspection: each item checked, with a note. */
const Checklist = Type.Array(
  Type.Object(
    { item: ShortText(200), ok: Type.Boolean(), note: Type.Optional(Type.String({ maxLength: 1000 })) },
    { additionalProperties: false },
  ),
  {
    maxItems: 100,
  },
);

/**
 * The inspection a move to inspected_pass / inspected_fail records in the same transaction (its
 * conclusion must be the step's), so a refused move leaves no inspection behind.
 */
export const TransitionInspection = Type.Object(
  {
    inspectedOn: IsoDate,
    conclusion: Type.Union([Type.Literal('pass'), Type.Literal('fail')]),
    checklist: Type.Optional(Checklist),
    notes: Type.Optional(Type.String({ maxLength: 4000 })),
  },
  { additionalProperties: false },
);
export type TransitionInspection = Static<typeof TransitionInspection>;

/** Body of POST /api/growing-areas/:id/transitions. */
export const TransitionBody = Type.Object(
  {
    to: Type.String({ minLength: 1, maxLength: 30 }),
    decisionNo: Type.Optional(ShortText(100)),
    decidedOn: Type.Optional(DecidedOn),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
    code: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    attachments: Type.Optional(Type.Array(Attachment, { maxItems: 20 })),
    inspection: Type.Optional(TransitionInspection),
  },
  { additionalProperties: false },
);
export type TransitionBody = Static<typeof TransitionBody>;

export { REGISTRY_REASON, PHOTO_THUMBNAIL_HEADER, PHOTO_THUMBNAIL, SEARCH_QUERY_MAX } from './registry-codes.ts';

/** Body of POST /api/growing-areas/:id/reissue. */
export const ReissueBody = Type.Object(
  {
    decisionNo: Type.Optional(ShortText(100)),
    decidedOn: Type.Optional(DecidedOn),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
    attachments: Type.Optional(Type.Array(Attachment, { maxItems: 20 })),
  },
  { additionalProperties: false },
);
export type ReissueBody = Static<typeof ReissueBody>;

/** Body of POST /api/growing-areas/:id/inspections. */
export const InspectionBody = Type.Object(
  {
    inspectedOn: IsoDate,
    checklist: Checklist,
    conclusion: Type.Optional(Type.Union([Type.Literal('pass'), Type.Literal('fail'), Type.Null()])),
    notes: Type.Optional(Type.String({ maxLength: 4000 })),
  },
  { additionalProperties: false },
);
export type InspectionBody = Static<typeof InspectionBody>;

/** Query of POST /api/inspections/:id/photos (the body is the image itself). */
export const PhotoQuery = Type.Object(
  {
    lon: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
    lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
    takenAt: Type.Optional(Type.String({ format: 'date-time', maxLength: 40 })),
  },
  { additionalProperties: false },
);
export type PhotoQuery = Static<typeof PhotoQuery>;

/**
 * Where a stored photo's position came from: `photo`, the JPEG's own EXIF GPS; `device`, the
 * query's lon/lat (the web client sends the phone's position, taken when the photo was added).
 */
export const PhotoPositionSource = Type.Union([Type.Literal('photo'), Type.Literal('device')]);
export type PhotoPositionSource = Static<typeof PhotoPositionSource>;

/**
 * Where a stored photo's time came from: `photo`, the JPEG's EXIF capture time; `file`, the query's
 * takenAt (the web client sends the file's last-modified time).
 */
export const PhotoTimeSource = Type.Union([Type.Literal('photo'), Type.Literal('file')]);
export type PhotoTimeSource = Static<typeof PhotoTimeSource>;

/**
 * A photo in an inspection's `photos`: lon/lat rounded to 7 decimals (about 1 cm); each source is
 * null when there is no value, and also for a photo stored before sources were kept (migration 014).
 */
export const InspectionPhoto = Type.Object({
  id: Id,
  mime: Type.String(),
  bytes: Type.Integer({ minimum: 1 }),
  takenAt: Type.Union([Type.String(), Type.Null()]),
  takenAtSource: Type.Union([PhotoTimeSource, Type.Null()]),
  lon: Type.Union([Type.Number({ minimum: -180, maximum: 180 }), Type.Null()]),
  lat: Type.Union([Type.Number({ minimum: -90, maximum: 90 }), Type.Null()]),
  positionSource: Type.Union([PhotoPositionSource, Type.Null()]),
});
export type InspectionPhoto = Static<typeof InspectionPhoto>;

/**
 * Header of POST /api/inspections/:id/photos naming one picked photo across its attempts: a retry
 * after a lost answer gets the photo stored the first time instead of a second copy.
 */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
/** What a photo's idempotency key may be (a UUID fits): 16–64 letters, digits, `-` or `_`. */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

/** `:id/photos/:photoId`. */
export const PhotoParams = Type.Object({ id: Id, photoId: Id }, { additionalProperties: false });
export type PhotoParams = Static<typeof PhotoParams>;

/** Query of POST /api/growing-areas/:id/documents: the file's name as the officer picked it (cleaned before it is kept). */
export const DocumentQuery = Type.Object({ name: Type.String({ minLength: 1, maxLength: 1000 }) }, { additionalProperties: false });
export type DocumentQuery = Static<typeof DocumentQuery>;

/** Path parameters of GET /api/growing-areas/:id/documents/:docId. */
export const DocumentParams = Type.Object({ id: Id, docId: Id }, { additionalProperties: false });
export type DocumentParams = Static<typeof DocumentParams>;

/**
 * An uploaded document (a decision's scan) as POST /api/growing-areas/:id/documents answers it and
 * the history lists it: `ref` is what a move's attachment names it by, and where it is read.
 */
export type AreaDocument = { id: number; name: string; type: string; bytes: number; ref: string };

/** Query of GET /api/inspections/:id/photos/:photoId: `size=thumb` asks for the small version (the photo itself when there is none). */
export const PhotoFileQuery = Type.Object({ size: Type.Optional(Type.Literal('thumb')) }, { additionalProperties: false });
export type PhotoFileQuery = Static<typeof PhotoFileQuery>;

/**
 * Body of POST /api/plots/:id/diary. The dose is `doseAmount` with `doseUnit` (DOSE_UNITS of
 * server/domain/diary-dose.ts), both or neither, checked by the service (422 with `reason` and
 * `field`) rather than by the schema, whose refusal would name no reason. `dose`, free text, is what
 * clients written before sent: still taken (stored as sent), never with a figure.
 */
export const DiaryBody = Type.Object(
  {
    appliedOn: IsoDate,
    pesticide: ShortText(200),
    activeIngredient: ShortText(200),
    dose: Type.Optional(Type.Union([ShortText(100), Type.Null()])),
    doseAmount: Type.Optional(Type.Unsafe<number | null>({ description: 'The dose as a number above 0, at most 100000, in doseUnit' })),
    doseUnit: Type.Optional(
      Type.Unsafe<DoseUnit | null>({
        description: "The dose's unit: ml/ha, l/ha, g/ha, kg/ha, ml/16l or g/16l (per 16-litre knapsack tank)",
      }),
    ),
    phiDays: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 365 }), Type.Null()])),
  },
  { additionalProperties: false },
);
export type DiaryBody = Static<typeof DiaryBody>;

/** Body of POST /api/plots/:id/residue-tests. */
export const ResidueBody = Type.Object(
  {
    sampledOn: IsoDate,
    lab: Type.Optional(Type.Union([ShortText(200), Type.Null()])),
    activeIngredient: ShortText(200),
    resultMgKg: Type.Number({ minimum: 0, maximum: 100_000 }),
    passed: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ResidueBody = Static<typeof ResidueBody>;

/** Query of the EUDR export. */
export const EudrQuery = Type.Object({ points: Type.Optional(Type.Boolean({ default: false })) }, { additionalProperties: false });
export type EudrQuery = Static<typeof EudrQuery>;

/** Query of the printable profile: the page's language (numbers written its way, its words first); Vietnamese by default. */
export const ProfilePageQuery = Type.Object(
  { lang: Type.Optional(Type.Union([Type.Literal('vi'), Type.Literal('en')])) },
  { additionalProperties: false },
);
export type ProfilePageQuery = Static<typeof ProfilePageQuery>;

/** Query of GET /api/lookup/parcel. */
export const ParcelLookupQuery = Type.Object(
  {
    commune: Type.String({ minLength: 2, maxLength: 100, description: 'Commune code (old or today) or name' }),
    sheet: Type.Integer({ minimum: 1, maximum: 100_000 }),
    parcel: Type.Integer({ minimum: 1, maximum: 10_000_000 }),
  },
  { additionalProperties: false },
);
export type ParcelLookupQuery = Static<typeof ParcelLookupQuery>;

/** Query of GET /api/lookup/place. */
export const PlaceQuery = Type.Object(
  { lon: Type.Number({ minimum: -180, maximum: 180 }), lat: Type.Number({ minimum: -90, maximum: 90 }) },
  { additionalProperties: false },
);
export type PlaceQuery = Static<typeof PlaceQuery>;

/** Query of GET /api/lookup/unit. */
export const UnitQuery = Type.Object({ name: Type.String({ minLength: 2, maxLength: 100 }) }, { additionalProperties: false });
export type UnitQuery = Static<typeof UnitQuery>;

/** Query of GET /api/search. */
export const SearchQuery = Type.Object(
  { q: Type.String({ minLength: 1, maxLength: SEARCH_QUERY_MAX }), limit: Type.Integer({ minimum: 1, maximum: 50, default: 10 }) },
  { additionalProperties: false },
);
export type SearchQuery = Static<typeof SearchQuery>;

const Bbox = Type.Tuple([Type.Number(), Type.Number(), Type.Number(), Type.Number()]);
const Center = Type.Tuple([Type.Number(), Type.Number()]);

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** The facts behind a search hit, for clients to word in their own language; each kind fills its own fields. */
export const SearchFacts = Type.Object({
  communeCode: Type.Optional(Type.String()),
  communeName: Type.Optional(Nullable(Type.String())),
  /** Whether a parcel's commune (communeCode, of its survey) is no longer in force: "Tờ 6 thửa 192, Xã Tân Thuận Tây cũ". */
  communeFormer: Type.Optional(Nullable(Type.Boolean())),
  sheet: Type.Optional(Type.Integer()),
  parcelNo: Type.Optional(Type.Integer()),
  landUseCode: Type.Optional(Nullable(Type.String())),
  address: Type.Optional(Nullable(Type.String())),
  ownerName: Type.Optional(Type.String()),
  /** A farmer hit's number of plots (0: none yet, the hit opens the farmer's record), and their hamlet. */
  plotCount: Type.Optional(Type.Integer()),
  /** A farmer hit's farmer (GET /api/farmers/{farmerId}). */
  farmerId: Type.Optional(Type.Integer()),
  hamlet: Type.Optional(Nullable(Type.String())),
  code: Type.Optional(Type.String()),
  name: Type.Optional(Type.String()),
  status: Type.Optional(Type.String()),
  cropCode: Type.Optional(Type.String()),
  cropNameVi: Type.Optional(Type.String()),
  cropNameEn: Type.Optional(Type.String()),
  /** A growing area's registrant, when the query matched it (not the area's name): an organisation, or a person for staff of its commune. */
  registrantName: Type.Optional(Type.String()),
  level: Type.Optional(Type.String()),
  current: Type.Optional(Type.Boolean()),
  today: Type.Optional(Nullable(Type.String())),
  /** A former unit's last day in force (YYYY-MM-DD). */
  lastDay: Type.Optional(Nullable(Type.String())),
  /** A former hamlet's commune or ward of then. */
  formerParent: Type.Optional(Nullable(Type.String())),
  /** The hamlet(s) a former hamlet is today (renamed, or merged into another), by today's names; null when none is recorded. */
  todayHamlet: Type.Optional(Nullable(Type.String())),
  lotCode: Type.Optional(Type.String()),
  function: Type.Optional(Type.String()),
  planId: Type.Optional(Type.Integer()),
  planName: Type.Optional(Type.String()),
  scale: Type.Optional(Type.String()),
  exact: Type.Optional(Type.Boolean()),
});
export type SearchFacts = Static<typeof SearchFacts>;

/** One search hit: what it is, a label to show, and where to fly. */
export const SearchResult = Type.Object({
  kind: Type.Union([
    Type.Literal('parcel'),
    Type.Literal('growing_area'),
    Type.Literal('address'),
    Type.Literal('unit'),
    Type.Literal('owner'),
    Type.Literal('zoning_lot'),
    /**
     * A farmer of the registry (staff only): `id` is the first of their plots, the card the hit opens;
     * for a farmer with no plot yet (`facts.plotCount` 0) it is the farmer's own id (`facts.farmerId`),
     * the record the hit opens, and `bbox` and `center` are null.
     */
    Type.Literal('farmer'),
  ]),
  id: Type.String(),
  /** Vietnamese wording of the hit, kept for older clients; `facts` carries the same in data. */
  label: Type.String(),
  detail: Type.Optional(Type.String()),
  facts: Type.Optional(SearchFacts),
  bbox: Type.Union([Bbox, Type.Null()]),
  center: Type.Union([Center, Type.Null()]),
});
export type SearchResult = Static<typeof SearchResult>;

/** How the search read a query that looked like a parcel key but found no parcel: what it understood and what is missing. */
export const SearchUnderstood = Type.Object({
  kind: Type.Literal('parcel'),
  /** The commune as typed, and the unit it names (code and name null when none does). */
  commune: Type.Union([
    Type.Object({ input: Type.String(), code: Type.Union([Type.String(), Type.Null()]), name: Type.Union([Type.String(), Type.Null()]) }),
    Type.Null(),
  ]),
  sheet: Type.Union([Type.Integer(), Type.Null()]),
  parcel: Type.Union([Type.Integer(), Type.Null()]),
  missing: Type.Array(Type.Union([Type.Literal('sheet'), Type.Literal('parcel')])),
  /** Whether that sheet exists in the commune (in any commune when none was given); null when not asked. */
  sheetFound: Type.Union([Type.Boolean(), Type.Null()]),
});
export type SearchUnderstood = Static<typeof SearchUnderstood>;

/** Answer of GET /api/search; `understood` comes only with an empty answer to a parcel-like query. */
export const SearchResponse = Type.Object({
  query: Type.String(),
  results: Type.Array(SearchResult),
  understood: Type.Optional(SearchUnderstood),
});

/** The decision that took a code out of force (a suspension or a revocation): number, day and reason as recorded. */
export const StatusDecision = Type.Object({
  decisionNo: Type.Union([Type.String(), Type.Null()]),
  decidedOn: Type.String(),
  reason: Type.Union([Type.String(), Type.Null()]),
});
export type StatusDecision = Static<typeof StatusDecision>;

/**
 * The public answer about a growing-area code (a buyer scanning a QR code): declared field by
 * field so the serializer drops anything else, and no personal data can leak by a wider SELECT.
 */
export const PublicGrowingArea = Type.Object({
  code: Type.String(),
  scheme: Type.String(),
  status: Type.String(),
  statusVi: Type.String(),
  statusEn: Type.String(),
  inForce: Type.Boolean(),
  name: Type.String(),
  crop: Type.String(),
  cropNameVi: Type.String(),
  cropNameEn: Type.String(),
  variety: Type.Union([Type.String(), Type.Null()]),
  areaM2: Type.Number(),
  areaHa: Type.Number(),
  plotCount: Type.Integer(),
  markets: Type.Array(Type.String()),
  communeCode: Type.String(),
  communeName: Type.Union([Type.String(), Type.Null()]),
  registrant: Type.Union([Type.String(), Type.Null()]),
  standard: Type.Union([Type.String(), Type.Null()]),
  issuedOn: Type.Union([Type.String(), Type.Null()]),
  /** The decision that issued (or, for an export code, approved) the code; a later suspension does not replace it. */
  decisionNo: Type.Union([Type.String(), Type.Null()]),
  /** While the code is suspended or revoked: the decision that did it, its day (YYYY-MM-DD, Vietnam) and the reason given. */
  statusDecision: Type.Union([StatusDecision, Type.Null()]),
  versionNo: Type.Integer(),
  currentVersion: Type.Union([
    Type.Object({ versionNo: Type.Integer(), status: Type.String(), code: Type.Union([Type.String(), Type.Null()]) }),
    Type.Null(),
  ]),
  bbox: Type.Union([Bbox, Type.Null()]),
  geometry: Type.Union([Type.Object({ type: Type.String(), coordinates: Type.Array(Type.Unknown()) }), Type.Null()]),
});
export type PublicGrowingArea = Static<typeof PublicGrowingArea>;

/** A farmer as officers see it: GET /api/farmers/:id, and POST and PATCH answer it (the web's farmer form reads it). */
export const FarmerView = Type.Object({
  id: Type.Integer(),
  lookupCode: Type.String(),
  communeCode: Type.String(),
  hamlet: Nullable(Type.String()),
  fullName: Nullable(Type.String()),
  citizenId: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  address: Nullable(Type.String()),
  version: Type.Integer(),
});
export type FarmerView = Static<typeof FarmerView>;

/**
 * A farmer as GET /api/farmers lists them: the FarmerView, with today's name of their commune and
 * what an officer's list flies to: how many plots they have, the first of them (its card opens) and
 * the extent of all as [west, south, east, north]; firstPlotId and bbox are null with no plot yet.
 */
export const FarmerListItem = Type.Composite([
  FarmerView,
  Type.Object({
    communeName: Nullable(Type.String()),
    plotCount: Type.Integer(),
    firstPlotId: Nullable(Type.Integer()),
    bbox: Nullable(Bbox),
  }),
]);
export type FarmerListItem = Static<typeof FarmerListItem>;

/**
 * GET /api/farmers: one page of the viewer's farmers, in Vietnamese alphabetical order of the given
 * name, then of the full name; `total` counts every farmer the query matches.
 */
export const FarmerList = Type.Object({ total: Type.Integer(), farmers: Type.Array(FarmerListItem) });
export type FarmerList = Static<typeof FarmerList>;
