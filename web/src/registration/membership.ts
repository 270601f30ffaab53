// The registry's membership rules of a draft growing area (server/registry/growing-areas.service.ts):
// one crop per area, a plot in one standing area at a time, plots of the officer's communes only.
// Both APIs answer a broken rule with a 422 whose reason objects carry the facts as fields
// (server/contracts/membership.ts): the features API in `reasons`, the registry in `problems` (its
// `reasons` are the same sentences as bare strings). They are worded here in the officer's
// language, with what to do about it. The web is served by the server it talks to, so no older
// server answers with sentences alone: a reason without its facts keeps the server's sentence.

import { MEMBERSHIP_REASON, type MembershipCode } from '../../../server/contracts/membership.ts';
import { getJson, HttpError } from '../api/http.ts';
import { lang, t } from '../i18n/i18n.ts';
import { cropName, loadCrops, type Crop } from './crops.ts';

/** Codes of the membership rules (MEMBERSHIP_REASON of the registry). */
export const MEMBERSHIP_CODES: readonly MembershipCode[] = Object.values(MEMBERSHIP_REASON);

/** A membership rule a plot broke, with the facts of the server's reason object. */
export type MembershipRefusal = {
  code: MembershipCode;
  /** The plot concerned; null for a plot not stored yet, or when the refusal is about several plots (a draft's own crop change). */
  plotId: number | null;
  /** Crop codes: what the plot grows and what the area grows (PLOT_CROP_MISMATCH of one plot). */
  plotCrop?: string;
  areaCrop?: string;
  /** The growing area the plot already belongs to, and its status (PLOT_IN_OTHER_AREA). */
  otherAreaId?: number;
  otherAreaStatus?: string;
  /** The commune the officer does not work in (PLOT_OUTSIDE_YOUR_COMMUNES). */
  communeCode?: string;
  /** The server's own sentence, shown when a fact above is missing. */
  message: string;
};

/** How the refused write relates the plot to the area: joining it, already in it (its crop changed), or picked for a new area. */
export type MembershipSituation = 'join' | 'member' | 'pick';

const isMembershipCode = (code: unknown): code is MembershipCode => (MEMBERSHIP_CODES as readonly unknown[]).includes(code);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);
const recordId = (value: unknown): number | undefined =>
  Number.isSafeInteger(value) && (value as number) >= 1 ? (value as number) : undefined;

/** Reads one reason object of a 422 (a problem of the registry, a reason of the features API); undefined when it is no membership rule. */
export function readMembershipReason(reason: unknown): MembershipRefusal | undefined {
  if (typeof reason !== 'object' || reason === null) return undefined;
  const r = reason as Record<string, unknown>;
  if (!isMembershipCode(r.code)) return undefined;
  // A fact missing or malformed stays undefined, and membershipText falls back to the sentence.
  return {
    code: r.code,
    plotId: recordId(r.plotId) ?? null,
    plotCrop: text(r.plotCrop),
    areaCrop: text(r.areaCrop),
    otherAreaId: recordId(r.otherAreaId),
    otherAreaStatus: text(r.otherAreaStatus),
    communeCode: text(r.communeCode),
    message: typeof r.message === 'string' ? r.message : r.code,
  };
}

/** What a refusal's words need besides the refusal: the area written to, how the plot relates to it, the crops, other areas' names. */
export type MembershipContext = {
  /** The area as the officer knows it (see areaLabel). */
  area: string;
  situation: MembershipSituation;
  crops: readonly Crop[];
  /** Names of the other growing areas the refusals mention, by id. */
  areas?: ReadonlyMap<number, string>;
};

/** A plot as the messages name it: "thửa #12", or "thửa mới" before it is stored. */
export function plotLabel(id: number | null): string {
  return id === null ? t('plotLabelNew') : t('plotLabel', { id });
}

/** One refusal in the current language, with what to do; the server's sentence when a fact is missing from it. */
export function membershipText(refusal: MembershipRefusal, context: MembershipContext): string {
  const plot = plotLabel(refusal.plotId);
  // Crop names run inside the sentence: "trồng xoài", "grows mango".
  const crop = (code: string) => cropName(context.crops, code).toLocaleLowerCase(lang());
  const { plotCrop, areaCrop, otherAreaId, communeCode } = refusal;
  switch (refusal.code) {
    case 'PLOT_CROP_MISMATCH': {
      if (!plotCrop || !areaCrop) return refusal.message;
      const key = ({ join: 'membershipCropJoin', member: 'membershipCropMember', pick: 'membershipCropPick' } as const)[context.situation];
      return t(key, { plot, area: context.area, plotCrop: crop(plotCrop), areaCrop: crop(areaCrop) });
    }
    case 'PLOT_IN_OTHER_AREA':
      if (otherAreaId === undefined) return refusal.message;
      return t('membershipOtherArea', { plot, area: context.area, other: context.areas?.get(otherAreaId) ?? `#${otherAreaId}` });
    case 'PLOT_OUTSIDE_YOUR_COMMUNES':
      return communeCode ? t('membershipOutsideCommunes', { plot, commune: communeCode }) : refusal.message;
  }
}

/** Sentences one after another: the first continues the caller's "Không lưu được: …", the others start with a capital. */
export function sentences(texts: readonly string[]): string {
  return texts.map((text, i) => (i === 0 ? text : text.charAt(0).toLocaleUpperCase(lang()) + text.slice(1))).join(' ');
}

/** What names a growing area to the officer: its number, and its name and code when the features API shows them. */
export type AreaFacts = { id: number; name?: string; code?: string };

/** A growing area's name in the current language: “name” (its code, or #id); #id alone without a name. */
export function areaLabelText(area: AreaFacts): string {
  if (!area.name) return `#${area.id}`;
  return t('areaLabel', { name: area.name, ref: area.code || `#${area.id}` });
}

/** What the features API shows of a growing area; the number alone when it does not show it (a draft of another commune). */
export async function areaFacts(id: number): Promise<AreaFacts> {
  try {
    const area = await getJson<{ properties?: { name?: unknown; code?: unknown } }>(`/ogc/collections/growing_areas/items/${id}`, {
      headers: { Accept: 'application/geo+json' },
    });
    const name = area.properties?.name;
    const code = area.properties?.code;
    return { id, ...(typeof name === 'string' && name ? { name } : {}), ...(typeof code === 'string' && code ? { code } : {}) };
  } catch {
    return { id };
  }
}

/** The area a write went to: one already stored (by id), or one being created (by the name typed for it). */
export type MembershipTarget = { id: number; situation: 'join' | 'member' } | { name: string; situation: 'pick' };

/** The reason objects of a 422 (the registry's `problems`, the features API's `reasons`), or undefined when it holds no membership refusal. */
function membershipReasons(error: unknown): { raw: unknown; refusal: MembershipRefusal | undefined }[] | undefined {
  if (!(error instanceof HttpError) || error.status !== 422) return undefined;
  const list: unknown = Array.isArray(error.problem?.problems) ? error.problem.problems : error.problem?.reasons;
  if (!Array.isArray(list)) return undefined;
  const reasons = (list as unknown[]).map((raw) => ({ raw, refusal: readMembershipReason(raw) }));
  return reasons.some((r) => r.refusal) ? reasons : undefined;
}

/**
 * A 422's reasons as sentences in the language shown when called: membership refusals in the
 * officer's words, from their facts and the areas' names (`areas`, read once); other reasons of the
 * same answer keep the server's words. A view keeps the function and calls it again after a language switch.
 */
export function membershipWords(
  reasons: readonly unknown[],
  target: MembershipTarget,
  crops: readonly Crop[],
  areas: ReadonlyMap<number, AreaFacts>,
): () => string {
  const refusals = reasons.map((raw) => ({ raw, refusal: readMembershipReason(raw) }));
  return () => {
    const labels = new Map([...areas].map(([id, facts]) => [id, areaLabelText(facts)] as const));
    const area = 'id' in target ? (labels.get(target.id) ?? `#${target.id}`) : t('areaLabelNew', { name: target.name });
    const context: MembershipContext = { area, situation: target.situation, crops, areas: labels };
    return sentences(
      refusals.map(({ raw, refusal }) => {
        if (refusal) return membershipText(refusal, context);
        if (typeof raw === 'string') return raw;
        const message = (raw as { message?: unknown } | null)?.message;
        return typeof message === 'string' ? message : String((raw as { code?: unknown } | null)?.code ?? raw);
      }),
    );
  };
}

/**
 * A 422's membership refusals in the officer's words, as a function of the language shown (see
 * membershipWords): the crop catalogue and the names of the areas they mention are read once, here.
 * Undefined when the answer holds no membership refusal.
 */
export async function membershipRefusalWords(error: unknown, target: MembershipTarget): Promise<(() => string) | undefined> {
  const reasons = membershipReasons(error);
  if (!reasons) return undefined;
  const others = reasons.flatMap((r) => (r.refusal?.otherAreaId === undefined ? [] : [r.refusal.otherAreaId]));
  const ids = [...new Set('id' in target ? [target.id, ...others] : others)];
  const [crops, areas] = await Promise.all([
    // Without the catalogue the crop codes stand in for their names.
    loadCrops().catch((): readonly Crop[] => []),
    Promise.all(ids.map(async (id) => [id, await areaFacts(id)] as const)).then((pairs) => new Map(pairs)),
  ]);
  return membershipWords(
    reasons.map((r) => r.raw),
    target,
    crops,
    areas,
  );
}
