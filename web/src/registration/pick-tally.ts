// What the plots picked on the map come to, counted once for both places that say it: the phone's
// pick bar (pick-bar.ts) and the card's panel behind it (growing-area-form.ts for a new growing area,
// draft-section.ts for a draft's 'Thêm thửa'). Both count and send the same way: the plots the server
// will take are the ones 'Đã chọn' counts, the total held against the crop's minimum, and the only ones
// the button sends; the plots it would refuse (another live area's, another crop's, the ones it refused
// already) are counted apart, out of the total, and left out of the request. Before, the draft's bar
// counted them as chosen and its 'Thêm' sent them, and the assembler sent them too, for the server to
// refuse the whole request. Pure: unit-tested.
import { CLOSED_STATUSES } from '../../../server/domain/growing-area-lifecycle.ts';
import {
  AREA_RULE_REASONS,
  checkMinimumArea,
  minimumAreaM2,
  type CropRule,
  type RuleResult,
} from '../../../server/domain/growing-area-rules.ts';
import { formatNumber } from '../i18n/i18n.ts';
import { pickStanding } from './draft-edit.ts';
import { parcelName, type NamedParcel } from '../ui/parcel-name.ts';

/** A picked plot as the tally reads it: its crop and area, and the growing area the map's tile puts it in with that area's status. */
export type TallyPlot = { id: number; crop: string; area_m2: number; growing_area_id?: number | null; areaStatus?: string | null };

/** What the lists know to tell picked plots apart: the farmer's name (for staff who may see it) and the parcel holding most of it. */
export type PlotNaming = { farmer_name?: string | null; parcel?: NamedParcel | null };

/**
 * A picked plot as both lists name it, the way people tell plots apart: the parcel holding most of
 * it, its farmer, then crop and area ("Tờ 12 thửa 345 · Nguyễn Văn An · Xoài · 77 m²"). The record
 * id ("#681") is not in it: the lists show it apart, small. Whatever is unknown is left out.
 */
export function pickedPlotWords(plot: TallyPlot & PlotNaming, cropWord: string): string {
  return [plot.parcel ? parcelName(plot.parcel) : null, plot.farmer_name?.trim() || null, cropWord, `${formatNumber(plot.area_m2, 0)} m²`]
    .filter(Boolean)
    .join(' · ');
}

/**
 * Whether another live growing area holds the plot, so the server refuses it for a new area; a revoked
 * or superseded one has let its plots go. A plot whose area's status the tile did not say counts as
 * held (the server decides; the card does not promise it).
 */
export function heldElsewhere(plot: TallyPlot): boolean {
  const area = plot.growing_area_id ?? null;
  return area !== null && !(typeof plot.areaStatus === 'string' && (CLOSED_STATUSES as readonly string[]).includes(plot.areaStatus));
}

/** The picks of a new growing area: what the server will take and what it will refuse, and the verdict on the first. */
export type AssembleTally<P extends TallyPlot> = {
  /** The plots the new area may take (free, or let go by a revoked or superseded area), in the order picked: what 'Đã chọn' counts and 'Tạo vùng trồng' sends. */
  taken: P[];
  /** The plots another live area holds: the server would refuse them; counted apart, out of the total, not sent. */
  held: P[];
  /** The hectares of `taken`, in m². */
  totalM2: number;
  /** The crop the area will grow: the first taken plot's (else the first picked, while none is taken). */
  cropCode: string | undefined;
  /** The crop's rule when the catalogue knows it. */
  crop: CropRule | undefined;
  /** The minimum-area rule on the taken plots, as the server will judge them (undefined without the crop's rule). */
  verdict: RuleResult | undefined;
  /** Whether the taken plots grow more than one crop (the rule's crop-mismatch). */
  mixed: boolean;
  /** Whether the total reaches the crop's minimum (undefined without the crop's rule): the mix is said apart. */
  reachesMinimum: boolean | undefined;
};

/** Tallies the plots picked for a new growing area; `ruleOf` finds a crop's rule in the catalogue (undefined while it is not in). */
export function assembleTally<P extends TallyPlot>(plots: readonly P[], ruleOf: (code: string) => CropRule | undefined): AssembleTally<P> {
  const taken = plots.filter((p) => !heldElsewhere(p));
  const held = plots.filter((p) => heldElsewhere(p));
  const totalM2 = taken.reduce((s, p) => s + Number(p.area_m2), 0);
  const cropCode = (taken[0] ?? plots[0])?.crop;
  const crop = cropCode === undefined ? undefined : ruleOf(cropCode);
  const verdict = crop ? checkMinimumArea(crop, taken) : undefined;
  const mixed = !!verdict && !verdict.valid && verdict.reason === AREA_RULE_REASONS.CROP_MISMATCH;
  return { taken, held, totalM2, cropCode, crop, verdict, mixed, reachesMinimum: crop ? totalM2 >= minimumAreaM2(crop) : undefined };
}

/** The picks of a draft's 'Thêm thửa': the plots to send (those the server will take), those it will refuse, and the dossier with them. */
export type DraftPickTally<P extends TallyPlot> = {
  /** The picked plots not yet the draft's that the server will take: what 'Đã chọn' counts and 'Thêm' sends. */
  accepted: P[];
  /** The others not yet the draft's, which it will refuse (another live area's, another crop's, or refused by its last answer): counted apart, not sent. */
  refused: P[];
  /** The hectares of `accepted`, in m². */
  acceptedM2: number;
  /** The dossier's total with the accepted plots, in m²: the total held against the minimum. */
  totalM2: number;
  minM2: number;
  ok: boolean;
};

/**
 * Tallies the plots picked to join draft `area` (its crop's rule and its member plots); `refusedByServer`
 * holds the plots the server's last answer refused. A plot already the draft's is neither sent nor refused.
 */
export function draftPickTally<P extends TallyPlot>(
  area: { id: number; crop: CropRule; plots: readonly { area_m2: number | string }[] },
  picked: readonly P[],
  refusedByServer: { has(id: number): boolean },
): DraftPickTally<P> {
  const joining = picked.filter((p) => pickStanding(area.id, p) !== 'member');
  const refuses = (p: P) => refusedByServer.has(p.id) || pickStanding(area.id, p) === 'taken' || (!!p.crop && p.crop !== area.crop.code);
  const accepted = joining.filter((p) => !refuses(p));
  const refused = joining.filter(refuses);
  const acceptedM2 = accepted.reduce((s, p) => s + Number(p.area_m2), 0);
  const totalM2 = [...area.plots, ...accepted].reduce((s, p) => s + Number(p.area_m2), 0);
  const minM2 = minimumAreaM2(area.crop);
  return { accepted, refused, acceptedM2, totalM2, minM2, ok: totalM2 >= minM2 };
}
