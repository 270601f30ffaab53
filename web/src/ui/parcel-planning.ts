import type { ParcelShare } from '../api/lookups.ts';
import { t } from '../i18n/i18n.ts';
import { date, enumLabel, plainNumber } from './feature-format.ts';

/**
 * The rows of a parcel's planning card under one heading: the zoning lots of one plan (headed by
 * the plan and its approving decision), or the land uses of one land-use map (headed by the map).
 */
export type ShareGroup = {
  /** The plan's or map's id, so a heading is drawn once per plan or map. */
  key: string;
  title: string;
  /** The plan's approving decision, or the map's kind and period. */
  note: string;
  rows: ParcelShare[];
  /** Shares left out as boundary slivers (see isSliver). */
  slivers: number;
};

// A lot or land-use polygon whose edge was digitised a hair over the parcel's boundary touches it by
// a few cm² (0,04 m² of road beside a 476 m² lot in the sample data): such a share is drawing noise,
// not a second use of the parcel. Under 1 m² *and* under 1 % of the parcel: a share of a tiny parcel
// stays, whatever its m².
const SLIVER_M2 = 1;
const SLIVER_PCT = 1;

/** A share too small to be anything but the boundaries of two drawings not quite meeting. */
export function isSliver(share: ParcelShare): boolean {
  return share.shareM2 < SLIVER_M2 && share.sharePct < SLIVER_PCT;
}

const text = (v: unknown): string | undefined => (v === undefined || v === null || v === '' ? undefined : String(v));
const numeric = (v: unknown): number | undefined =>
  v === undefined || v === null || v === '' || !Number.isFinite(Number(v)) ? undefined : Number(v);

/** "Quyết định số 1234/QĐ-UBND ngày 15/09/2023 của UBND tỉnh Đồng Tháp", with the parts the plan has. */
export function decisionLine(details: Record<string, unknown>): string {
  const no = text(details.decision_no);
  if (!no) return '';
  const day = text(details.decision_date);
  const authority = text(details.authority);
  return [
    t('planDecision', { no }),
    day ? t('planDecisionDate', { date: date(day) }) : '',
    authority ? t('planDecisionAuthority', { authority }) : '',
  ]
    .filter(Boolean)
    .join(' ');
}

/** A zoning lot's controls in one line, numbers in the language's format with their units; parts the lot lacks are left out. */
export function zoneControls(details: Record<string, unknown>): string {
  const far = numeric(details.max_far);
  const density = numeric(details.max_density_pct);
  const minFloors = numeric(details.min_floors);
  const maxFloors = numeric(details.max_floors);
  const height = numeric(details.max_height_m);
  const phase = text(details.phase);
  const floors =
    maxFloors === undefined
      ? undefined
      : minFloors === undefined || minFloors === maxFloors
        ? plainNumber(maxFloors)
        : `${plainNumber(minFloors)}–${plainNumber(maxFloors)}`;
  return [
    far === undefined ? '' : `${t('maxFar')}: ${plainNumber(far)}`,
    density === undefined ? '' : `${t('maxDensity')}: ${plainNumber(density)} %`,
    floors === undefined ? '' : `${t('floors')}: ${floors}`,
    height === undefined ? '' : `${t('maxHeight')}: ${plainNumber(height)} m`,
    phase === undefined ? '' : `${t('phase')}: ${enumLabel('phase', phase)}`,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** Groups shares by a key in their first-seen order, dropping slivers (counted per group). */
function grouped(
  shares: readonly ParcelShare[],
  keyOf: (s: ParcelShare) => string,
  head: (s: ParcelShare) => { title: string; note: string },
): ShareGroup[] {
  const groups = new Map<string, ShareGroup>();
  for (const share of shares) {
    const key = keyOf(share);
    let group = groups.get(key);
    if (!group) {
      group = { key, ...head(share), rows: [], slivers: 0 };
      groups.set(key, group);
    }
    if (isSliver(share)) group.slivers++;
    else group.rows.push(share);
  }
  return [...groups.values()];
}

/** The zoning lots a parcel touches, under their plan: its name, then its approving decision. */
export function zoneGroups(zones: readonly ParcelShare[]): ShareGroup[] {
  return grouped(
    zones,
    (s) => String(s.details.plan_id ?? s.details.plan_name ?? ''),
    (s) => ({ title: text(s.details.plan_name) ?? t('plan'), note: decisionLine(s.details) }),
  );
}

/** A map's period as people write it: 2024, or 2021–2030 for a plan. */
function years(details: Record<string, unknown>): string {
  const from = text(details.year);
  const to = text(details.period_to);
  return from && to ? `${from}–${to}` : (from ?? '');
}

/**
 * The land uses a parcel touches, one group per land-use map (hiện trạng 2024, quy hoạch 2021–2030):
 * without the map the same code twice reads as a mistake. Polygons of one code in one map add up.
 */
export function landUseGroups(landUses: readonly ParcelShare[]): ShareGroup[] {
  const merged: ParcelShare[] = [];
  for (const share of landUses) {
    const same = merged.find((m) => m.code === share.code && String(m.details.map_id) === String(share.details.map_id));
    if (same) {
      same.shareM2 += share.shareM2;
      same.sharePct += share.sharePct;
    } else merged.push({ ...share });
  }
  return grouped(
    merged,
    (s) => String(s.details.map_id ?? ''),
    (s) => {
      const kind = text(s.details.map_kind);
      const note = [kind ? enumLabel('map_kind', kind) : '', years(s.details)].filter(Boolean).join(' ');
      return { title: text(s.details.map_name) ?? note, note };
    },
  );
}

/** How today's land use on a parcel stands against the land-use plan: all as planned, none of it, or in part. */
export type PlanVerdict = 'matches' | 'differs' | 'partly';

/** The latest status map's land uses on a parcel beside the latest plan's, and how they compare. */
export type PlanComparison = { verdict: PlanVerdict; status: ShareGroup; plan: ShareGroup };

/** Percentage points of a parcel whose current use the plan at least does not give it: past this, it is not "as planned". */
const DIFFERENCE_PCT = 1;

/** The group of the latest map of a kind ('status' or 'plan') that has rows on the parcel. */
function latestOf(groups: readonly ShareGroup[], kind: string): ShareGroup | undefined {
  const year = (g: ShareGroup) => Number(g.rows[0]?.details.year ?? 0) || 0;
  return groups
    .filter((g) => g.rows.length > 0 && g.rows[0]!.details.map_kind === kind)
    .reduce<ShareGroup | undefined>((best, g) => (!best || year(g) > year(best) ? g : best), undefined);
}

/**
 * Compares the parcel's current use (the latest status map, hiện trạng) with the latest land-use plan
 * (quy hoạch sử dụng đất), from the shares of landUseGroups (slivers already left out): 'differs' when
 * the two share no code, 'matches' when they have the same codes and their shares differ by under 1
 * percentage point of the parcel, 'partly' otherwise. Undefined when the parcel is not on both maps.
 */
export function compareWithPlan(groups: readonly ShareGroup[]): PlanComparison | undefined {
  const status = latestOf(groups, 'status');
  const plan = latestOf(groups, 'plan');
  if (!status || !plan) return undefined;
  const pctOf = (g: ShareGroup) => new Map(g.rows.map((r) => [r.code, r.sharePct]));
  const now = pctOf(status);
  const planned = pctOf(plan);
  const common = [...now.keys()].filter((code) => planned.has(code));
  if (common.length === 0) return { verdict: 'differs', status, plan };
  const sameCodes = common.length === now.size && common.length === planned.size;
  // The share of the parcel used today as the plan does not allow, at least: the excess of each code over its planned share.
  let excess = 0;
  for (const [code, pct] of now) excess += Math.max(0, pct - (planned.get(code) ?? 0));
  return { verdict: sameCodes && excess < DIFFERENCE_PCT ? 'matches' : 'partly', status, plan };
}

/** The comparison in one sentence: "Hiện trạng 2024 (LUC) khác quy hoạch 2021–2030 (ODT).", codes by their share, largest first. */
export function planComparisonText(comparison: PlanComparison): string {
  const codes = (g: ShareGroup) =>
    [...g.rows]
      .sort((a, b) => b.sharePct - a.sharePct)
      .map((r) => r.code)
      .join(', ');
  const key = comparison.verdict === 'matches' ? 'planMatches' : comparison.verdict === 'differs' ? 'planDiffers' : 'planPartlyDiffers';
  return t(key, {
    statusYears: years(comparison.status.rows[0]!.details),
    statusCodes: codes(comparison.status),
    planYears: years(comparison.plan.rows[0]!.details),
    planCodes: codes(comparison.plan),
  });
}
