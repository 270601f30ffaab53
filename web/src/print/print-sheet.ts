// What the printed page says besides the map: the legend rows of what the printed extent shows and
// the title block that lets the page be cited (land-use map and year, zoning plan and its decision,
// scale, date printed, sources). Pure data; print-map.ts draws it and the print dialog lists it.
import type { StyleSpecification } from 'maplibre-gl';
import { lang, t } from '../i18n/i18n.ts';
import { vi } from '../i18n/vi.ts';
import type { LandUseMap } from '../map/landuse-maps.ts';
import { listCodesOnce, type LegendRow, type LegendSection } from '../map/legend.ts';
import type { ZoningPlan } from '../../../server/contracts/zoning-plans.ts';
import { legendRowText, type CodeNames } from '../ui/legend-view.ts';

/** One legend row as printed. */
export type SheetRow = { id: string; code?: string; name: string };

/** The printed page's words. */
export type PrintSheet = {
  legend: { group: string; rows: (SheetRow & { section: LegendSection['rows'][number] })[] }[];
  /** The title block, one statement a line. */
  titleBlock: string[];
};

/** 2023-09-15 → 15/09/2023, as Vietnamese documents write dates. */
export function dayMonthYear(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

/** A Date as dd/mm/yyyy in local time. */
export function dateDmy(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()}`;
}

/** A Date in local time as the page writes dates: dd/mm/yyyy in Vietnamese, yyyy-mm-dd in English (as the cards do). */
export function pageDate(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return lang() === 'vi' ? dateDmy(d) : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The zoning plans the style lists (metadata `bando:plans`). */
export function zoningPlansOf(style: StyleSpecification): ZoningPlan[] {
  const declared = (style.metadata as Record<string, unknown> | undefined)?.['bando:plans'];
  return Array.isArray(declared) ? (declared as ZoningPlan[]) : [];
}

/** "Quyết định số 1234/QĐ-UBND ngày 15/09/2023 của UBND tỉnh Đồng Tháp" in the current language. */
export function planDecisionText(plan: ZoningPlan): string {
  return [
    t('planDecision', { no: plan.decisionNo }),
    t('planDecisionDate', { date: dayMonthYear(plan.decisionDate) }),
    t('planDecisionAuthority', { authority: plan.authority }),
  ].join(' ');
}

/** "tỷ lệ" as the app writes it everywhere else, "tỉ lệ" (same case), so a page spells the word one way. */
export function appSpelling(text: string): string {
  return text.replace(/([Tt])ỷ lệ/g, '$1ỉ lệ');
}

/** Whether a name already states a scale such as "1/2000" (written 1/2000, 1:2000, 1/2.000 or 1:2 000). */
export function statesScale(name: string, scale: string): boolean {
  const denominator = /^\s*1\s*[/:]\s*([\d.,\s]+)$/.exec(scale)?.[1]?.replace(/[.,\s]/g, '');
  if (!denominator) return false;
  const written = name.replace(/(\d)[.,\s](?=\d{3}\b)/g, '$1');
  return new RegExp(`(^|[^\\d])1\\s*[/:]\\s*${denominator}(?!\\d)`).test(written);
}

/**
 * A zoning plan as its title-block line names it: its name once and its scale once. Official names
 * usually say both ("Quy hoạch phân khu tỷ lệ 1/2000 khu trung tâm …"): the kind is put before a
 * name only when the name does not start with it, and the scale after it only when the name does
 * not state it.
 */
export function planTitle(plan: Pick<ZoningPlan, 'name' | 'scale'>): string {
  const name = appSpelling(plan.name.trim());
  const kind = t('printZoningPlanKind');
  const named = name.toLocaleLowerCase('vi').startsWith(kind.toLocaleLowerCase('vi')) ? name : `${kind}: ${name}`;
  return statesScale(name, plan.scale) || !plan.scale ? named : `${named}, ${t('printPlanScale', { scale: plan.scale })}`;
}

/** Attribution texts of the style's sources, without markup, each once. */
export function attributionsOf(style: StyleSpecification): string[] {
  const texts = Object.values(style.sources)
    .map((s) => (s as { attribution?: string }).attribution)
    .filter((a): a is string => Boolean(a))
    .map((a) =>
      a
        .replace(/<[^>]*>/g, '')
        .replace(/&copy;/g, '©')
        .trim(),
    );
  return [...new Set(texts)];
}

/** What the page says: the legend of the printed extent and the title block. */
export function printSheet(input: {
  sections: LegendSection[];
  codes: readonly CodeNames[];
  /** The selection outline's row (selectionRow), when the page outlines a selected feature. */
  selection?: { group: string; row: LegendRow } | undefined;
  /** The land-use map printed, when its layer drew something on the page. */
  landUseMap?: LandUseMap | undefined;
  /** The zoning plans whose lots are on the page. */
  plans: readonly ZoningPlan[];
  /** Whether the page draws zoning lots where it also draws land use, left out under the lots (print-style.ts). */
  zoningOverLandUse?: boolean | undefined;
  scaleDenominator: number;
  printedOn: Date;
  attributions: readonly string[];
}): PrintSheet {
  // Each land-use class once (the parcels repeat the land-use areas' ODT), and the cyan outline of
  // the selected feature under its group, last: the map draws it above every layer.
  const sections = listCodesOnce(input.sections);
  const selection = input.selection;
  if (selection) {
    const own = sections.find((s) => s.group === selection.group);
    if (own) own.rows = [...own.rows, selection.row];
    else sections.push({ group: selection.group, rows: [selection.row] });
  }
  const legend = sections.map((s) => ({
    group: s.group,
    rows: s.rows.map((row) => ({ id: row.id, ...legendRowText(row, input.codes), section: row })),
  }));
  const lines: string[] = [];
  const m = input.landUseMap;
  if (m) {
    const years = m.periodTo ? `${m.year}–${m.periodTo}` : String(m.year);
    lines.push(`${t('printLandUseMap', { name: m.name, years })}${m.decisionNo ? ` · ${t('planDecision', { no: m.decisionNo })}` : ''}`);
  }
  for (const plan of input.plans) lines.push(`${planTitle(plan)} · ${planDecisionText(plan)}`);
  // Said in words, so a reader does not look for the land use under a lot's colour.
  if (input.zoningOverLandUse) lines.push(t('printZoningOverLandUse'));
  const fmt = new Intl.NumberFormat(lang() === 'vi' ? 'vi-VN' : 'en-GB');
  lines.push(`${t('scale')} 1:${fmt.format(input.scaleDenominator)}`);
  lines.push(t('printedOn', { date: pageDate(input.printedOn) }));
  // A source's attribution that only repeats our own name ('© Bản đồ số Cao Lãnh') is said once.
  const own = (a: string) => [t('source'), vi.appTitle].some((name) => name.includes(a.replace(/^©\s*/, '')));
  lines.push([t('source'), ...input.attributions.filter((a) => !own(a))].join(' · '));
  return { legend, titleBlock: lines };
}
