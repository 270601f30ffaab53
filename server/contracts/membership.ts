// The refusals of a draft growing area's membership rules as both APIs answer them (422): the
// registry's `problems` (beside its `reasons`, the same sentences as plain strings) and the features
// API's `reasons`. Each names the facts its English sentence states as fields, so a client words
// them in the officer's language without reading the sentence.

/** Stable codes of the reasons a plot may not be a member of a draft growing area. */
export const MEMBERSHIP_REASON = Object.freeze({
  /** The plot grows another crop than the area: one area, one crop (DOMAIN.md). */
  CROP_MISMATCH: 'PLOT_CROP_MISMATCH',
  /** The plot already belongs to another growing area that still stands (not superseded). */
  IN_OTHER_AREA: 'PLOT_IN_OTHER_AREA',
  /** The plot lies in a commune the viewer does not work in. */
  OUTSIDE_YOUR_COMMUNES: 'PLOT_OUTSIDE_YOUR_COMMUNES',
} as const);

/** One of the membership rules. */
export type MembershipCode = (typeof MEMBERSHIP_REASON)[keyof typeof MEMBERSHIP_REASON];

type Common = {
  /** The plots concerned (empty for a plot not stored yet). */
  plotIds: number[];
  /** The English sentence, for people and for clients that know no code. */
  message: string;
  /** The growing area the plot may not join or stay in, or whose crop may not change. */
  areaId: number;
};

/** One plot and the rule it broke; plotId null for a plot not stored yet. */
type OnePlot = Common & { plotId: number | null };

/**
 * One broken membership rule: its code, the property of the plot it is about, the sentence, and the
 * facts the sentence names (only those of its rule).
 */
export type MembershipProblem =
  /** The plot grows `plotCrop`, the area `areaCrop`. */
  | (OnePlot & { code: 'PLOT_CROP_MISMATCH'; property: 'crop'; plotCrop: string; areaCrop: string })
  /** A draft may not take `requestedCrop`: its plots `plotIds` grow `plotCrops` (each crop once). */
  | (Common & { code: 'PLOT_CROP_MISMATCH'; property: 'crop'; plotCrops: string[]; requestedCrop: string })
  /** The plot is in growing area `otherAreaId`, whose status is `otherAreaStatus` (null: that area was not found). */
  | (OnePlot & { code: 'PLOT_IN_OTHER_AREA'; property: 'growing_area_id'; otherAreaId: number; otherAreaStatus: string | null })
  /** The plot lies in commune `communeCode`, where the viewer does not work. */
  | (OnePlot & { code: 'PLOT_OUTSIDE_YOUR_COMMUNES'; property: 'commune_code'; communeCode: string });
