// The registry's membership rules of a draft growing area (server/registry/growing-areas.service.ts):
// one crop per area, a plot in one standing area at a time, plots of the officer's communes only.
// The features API answers a broken rule with a 422 reason object {code, property, plotIds, message},
// the registry's own endpoints with the message alone; the plot's crop, the area's crop and the
// other area are written only in that English sentence ("Plot 12 grows mango, not vegetable."), so
// they are read from it here and worded in the officer's language, with what to do about it.
// membership.test.ts holds these patterns to the server's own sentences: a change of wording there
// fails that test instead of leaving officers with raw English.

import { getJson, HttpError } from '../api/http.ts';
import { lang, t } from '../i18n/i18n.ts';
import { cropName, loadCrops, type Crop } from './crops.ts';

/** Codes of the membership rules (MEMBERSHIP_REASON of the registry). */
export const MEMBERSHIP_CODES = ['PLOT_CROP_MISMATCH', 'PLOT_IN_OTHER_AREA', 'PLOT_OUTSIDE_YOUR_COMMUNES'] as const;

/** One of the membership rules. */
export type MembershipCode = (typeof MEMBERSHIP_CODES)[number];

/** A membership rule a plot broke, with the facts the server's sentence names. */
export type MembershipRefusal = {
  code: MembershipCode;
  /** The plot concerned; null for a plot not stored yet. */
  plotId: number | null;
  /** Crop codes: what the plot grows and what the area grows (PLOT_CROP_MISMATCH). */
  plotCrop?: string;
  areaCrop?: string;
  /** The growing area the plot already belongs to (PLOT_IN_OTHER_AREA). */
  otherAreaId?: number;
  /** The commune the officer does not work in (PLOT_OUTSIDE_YOUR_COMMUNES). */
  commune?: string;
  /** The server's own sentence, shown when a fact above is missing. */
  message: string;
};

/** How the refused write relates the plot to the area: joining it, already in it (its crop changed), or picked for a new area. */
export type MembershipSituation = 'join' | 'member' | 'pick';

const PLOT = String.raw`(?:Plot (\d+)|The plot)`;

const SENTENCES: readonly { code: MembershipCode; pattern: RegExp; facts(m: RegExpMatchArray): Partial<MembershipRefusal> }[] = [
  {
    code: 'PLOT_CROP_MISMATCH',
    pattern: new RegExp(String.raw`^${PLOT} grows ([\w-]+), not ([\w-]+)\.$`),
    facts: (m) => ({ plotCrop: m[2], areaCrop: m[3] }),
  },
  {
    code: 'PLOT_IN_OTHER_AREA',
    pattern: new RegExp(String.raw`^${PLOT} already belongs to growing area (\d+);`),
    facts: (m) => ({ otherAreaId: Number(m[2]) }),
  },
  {
    code: 'PLOT_OUTSIDE_YOUR_COMMUNES',
    pattern: new RegExp(String.raw`^${PLOT} lies in commune (\w+), where you do not work\.$`),
    facts: (m) => ({ commune: m[2] }),
  },
];

const isMembershipCode = (code: unknown): code is MembershipCode => (MEMBERSHIP_CODES as readonly unknown[]).includes(code);

/** Reads one reason of a 422 (an object of the features API, or a sentence of the registry); undefined when it is no membership rule. */
export function readMembershipReason(reason: unknown): MembershipRefusal | undefined {
  const object =
    typeof reason === 'object' && reason !== null ? (reason as { code?: unknown; message?: unknown; plotIds?: unknown }) : undefined;
  const message = typeof reason === 'string' ? reason : typeof object?.message === 'string' ? object.message : '';
  // An object's code decides the rule; a bare sentence is known by its wording.
  const code = object ? object.code : undefined;
  if (object && !isMembershipCode(code)) return undefined;
  for (const sentence of SENTENCES) {
    if (code !== undefined && code !== sentence.code) continue;
    const m = message.match(sentence.pattern);
    if (m) return { code: sentence.code, plotId: m[1] ? Number(m[1]) : null, message, ...sentence.facts(m) };
  }
  if (!isMembershipCode(code)) return undefined;
  // A rule we know in a sentence we do not (the registry's other wordings): the code and plot still stand.
  const first = Array.isArray(object?.plotIds) ? Number(object.plotIds[0]) : NaN;
  return { code, plotId: Number.isSafeInteger(first) ? first : null, message };
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
  const { plotCrop, areaCrop, otherAreaId, commune } = refusal;
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
      return commune ? t('membershipOutsideCommunes', { plot, commune }) : refusal.message;
  }
}

/** Sentences one after another: the first continues the caller's "Không lưu được: …", the others start with a capital. */
export function sentences(texts: readonly string[]): string {
  return texts.map((text, i) => (i === 0 ? text : text.charAt(0).toLocaleUpperCase(lang()) + text.slice(1))).join(' ');
}

/** A growing area as named to the officer: “name” (its code, or #id); #id alone when the features API does not show it (a draft of another commune). */
export async function areaLabel(id: number): Promise<string> {
  try {
    const area = await getJson<{ properties?: { name?: unknown; code?: unknown } }>(`/ogc/collections/growing_areas/items/${id}`, {
      headers: { Accept: 'application/geo+json' },
    });
    const name = area.properties?.name;
    const code = area.properties?.code;
    if (typeof name !== 'string' || !name) return `#${id}`;
    return t('areaLabel', { name, ref: typeof code === 'string' && code ? code : `#${id}` });
  } catch {
    return `#${id}`;
  }
}

/** The area a write went to: one already stored (by id), or one being created (by the name typed for it). */
export type MembershipTarget = { id: number; situation: 'join' | 'member' } | { name: string; situation: 'pick' };

/**
 * A 422's membership refusals in the officer's words, one sentence each, with the plot, both crops
 * and the areas named; other reasons of the same answer keep the server's words. Undefined when the
 * answer holds no membership refusal.
 */
export async function membershipRefusalText(error: unknown, target: MembershipTarget): Promise<string | undefined> {
  if (!(error instanceof HttpError) || error.status !== 422 || !Array.isArray(error.problem?.reasons)) return undefined;
  const reasons = (error.problem.reasons as unknown[]).map((raw) => ({ raw, refusal: readMembershipReason(raw) }));
  if (!reasons.some((r) => r.refusal)) return undefined;
  const others = reasons.flatMap((r) => (r.refusal?.otherAreaId === undefined ? [] : [r.refusal.otherAreaId]));
  const ids = [...new Set('id' in target ? [target.id, ...others] : others)];
  const [crops, labels] = await Promise.all([
    // Without the catalogue the crop codes stand in for their names.
    loadCrops().catch((): readonly Crop[] => []),
    Promise.all(ids.map(async (id) => [id, await areaLabel(id)] as const)).then((pairs) => new Map(pairs)),
  ]);
  const area = 'id' in target ? (labels.get(target.id) ?? `#${target.id}`) : t('areaLabelNew', { name: target.name });
  const context: MembershipContext = { area, situation: target.situation, crops, areas: labels };
  return sentences(
    reasons.map(({ raw, refusal }) => {
      if (refusal) return membershipText(refusal, context);
      if (typeof raw === 'string') return raw;
      const message = (raw as { message?: unknown } | null)?.message;
      return typeof message === 'string' ? message : String((raw as { code?: unknown } | null)?.code ?? raw);
    }),
  );
}
