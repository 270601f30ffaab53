// Words and symbols of the derived legend (map/legend.ts): the same rows on screen (SVG swatches)
// and on the printed page (canvas), in the current language.
import { lang, t } from '../i18n/i18n.ts';
import { vi, type MessageKey } from '../i18n/vi.ts';
import type { LegendRow, LegendSwatch } from '../map/legend.ts';

/** A land-use code's names, as the table (GET /api/land-use-codes) gives them, and whether it is a legacy code (and its current one). */
export type CodeNames = { code: string; nameVi: string; nameEn: string; legacy?: boolean; mapsTo?: string | null };

/**
 * A row's code (for land-use rows) and name in the current language. A legacy code (BHK, LNQ: old
 * certificates still carry them, the current list replaced them) says so and names its current code,
 * so a reader does not take it for a class of today's list.
 */
export function legendRowText(row: LegendRow, codes: readonly CodeNames[]): { code?: string; name: string; legacy?: true } {
  const label = row.label;
  if (label.kind === 'code') {
    if (label.code === null) return { name: t('legendNoCode') };
    const found = codes.find((c) => c.code === label.code);
    const name = found ? (lang() === 'vi' ? found.nameVi : found.nameEn) : label.code;
    if (!found?.legacy) return { code: label.code, name };
    const mark = found.mapsTo ? t('legendLegacyCodeNow', { code: found.mapsTo }) : t('legendLegacyCode');
    return { code: label.code, name: `${name} (${mark})`, legacy: true };
  }
  if (label.kind === 'values' && label.property === 'status') {
    // Growing areas: a row per colour of the style (server/routes/style.ts), which follows what the
    // status means to a reader; the style's last colour (every other status) is a pending dossier.
    const names = new Set(label.values.map((v) => t(AREA_STATUS_LEGEND[v ?? ''] ?? 'legendAreaInProcess')));
    if (names.size === 0) names.add(t('legendAreaInProcess'));
    return { name: [...names].join(' · ') };
  }
  if (label.kind === 'values') {
    const prefix = label.property === 'category' ? 'category' : 'kind';
    const words = label.values.map((v) =>
      v === null ? (prefix === 'category' ? t('category_other') : t('legendOtherKinds')) : t(`${prefix}_${v}` as MessageKey),
    );
    return { name: words.join(' · ') };
  }
  const key = `legend_${label.layer}`;
  return { name: key in vi ? t(key as MessageKey) : t(`layer_${label.group}` as MessageKey) };
}

/** The legend's words for a growing area's status, by the class the style colours it in. */
const AREA_STATUS_LEGEND: Record<string, MessageKey> = {
  issued: 'legendAreaInForce',
  approved: 'legendAreaInForce',
  active: 'legendAreaInForce',
  suspended: 'legendAreaSuspended',
  revoked: 'legendAreaRevoked',
  inspected_fail: 'legendAreaFailed',
};

const SAFE_COLOUR = /^(#[0-9A-Fa-f]{3,8}|rgba?\([0-9., ]+\)|[a-z]+)$/;
const colour = (c: string | undefined): string | undefined => (c && SAFE_COLOUR.test(c) ? c : undefined);
const SVG = 'http://www.w3.org/2000/svg';

function svgEl(name: string, attrs: Record<string, string | number>): SVGElement {
  const el = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

/** The row's symbol as a 24 × 16 SVG, drawn as the map draws it: a translucent fill over the map's background, a dashed outline, a cased road. */
export function swatchSvg(s: LegendSwatch): SVGElement {
  const svg = svgEl('svg', { width: 24, height: 16, viewBox: '0 0 24 16', class: 'legend-swatch', 'aria-hidden': 'true' });
  const fill = colour(s.fill);
  const line = colour(s.line);
  if (fill) {
    svg.append(svgEl('rect', { x: 1, y: 1, width: 22, height: 14, rx: 2, fill: colour(s.background) ?? '#FFFFFF' }));
    svg.append(
      svgEl('rect', {
        x: 1,
        y: 1,
        width: 22,
        height: 14,
        rx: 2,
        fill,
        'fill-opacity': s.fillOpacity ?? 1,
        stroke: line ?? 'rgba(0,0,0,0.3)',
        'stroke-opacity': line ? (s.lineOpacity ?? 1) : 1,
        'stroke-width': line ? 2 : 1,
        ...(s.dashed ? { 'stroke-dasharray': '3 2' } : {}),
      }),
    );
  } else if (line && s.casing) {
    // Each dimmed on its own, as the map draws casing and road as two translucent layers.
    const dim = s.lineOpacity ?? 1;
    const cased = { x1: 1, y1: 8, x2: 23, y2: 8, 'stroke-linecap': 'round', 'stroke-opacity': dim };
    svg.append(svgEl('line', { ...cased, stroke: colour(s.casing) ?? '#999999', 'stroke-width': 8 }));
    svg.append(svgEl('line', { ...cased, stroke: line, 'stroke-width': 5 }));
  } else if (line) {
    svg.append(
      svgEl('rect', {
        x: 2,
        y: 2,
        width: 20,
        height: 12,
        fill: 'none',
        stroke: line,
        'stroke-opacity': s.lineOpacity ?? 1,
        'stroke-width': 2.5,
        ...(s.dashed ? { 'stroke-dasharray': '4 2' } : {}),
      }),
    );
  } else if (colour(s.circle)) {
    svg.append(
      svgEl('circle', {
        cx: 12,
        cy: 8,
        r: 5.5,
        fill: colour(s.circle)!,
        stroke: '#FFFFFF',
        'stroke-width': 1.5,
        opacity: s.circleOpacity ?? 1,
      }),
    );
  }
  return svg;
}

/** Draws the row's symbol on a canvas in a box of w × h device pixels at (x, y), as swatchSvg does. */
export function drawSwatch(ctx: CanvasRenderingContext2D, s: LegendSwatch, x: number, y: number, w: number, h: number): void {
  ctx.save();
  ctx.setLineDash([]);
  if (s.fill) {
    ctx.fillStyle = s.background;
    ctx.fillRect(x, y, w, h);
    ctx.globalAlpha = s.fillOpacity ?? 1;
    ctx.fillStyle = s.fill;
    ctx.fillRect(x, y, w, h);
    ctx.globalAlpha = s.line ? (s.lineOpacity ?? 1) : 1;
    ctx.strokeStyle = s.line ?? 'rgba(0,0,0,0.35)';
    ctx.lineWidth = s.line ? h / 6 : h / 14;
    if (s.dashed) ctx.setLineDash([h / 3, h / 5]);
    ctx.strokeRect(x, y, w, h);
  } else if (s.line && s.casing) {
    ctx.globalAlpha = s.lineOpacity ?? 1;
    ctx.lineCap = 'round';
    ctx.strokeStyle = s.casing;
    ctx.lineWidth = h * 0.6;
    ctx.beginPath();
    ctx.moveTo(x + h * 0.3, y + h / 2);
    ctx.lineTo(x + w - h * 0.3, y + h / 2);
    ctx.stroke();
    ctx.strokeStyle = s.line;
    ctx.lineWidth = h * 0.38;
    ctx.stroke();
  } else if (s.line) {
    ctx.globalAlpha = s.lineOpacity ?? 1;
    ctx.strokeStyle = s.line;
    ctx.lineWidth = h / 5;
    if (s.dashed) ctx.setLineDash([h / 3, h / 5]);
    ctx.strokeRect(x + h / 10, y + h / 10, w - h / 5, h - h / 5);
  } else if (s.circle) {
    ctx.globalAlpha = s.circleOpacity ?? 1;
    ctx.fillStyle = s.circle;
    ctx.beginPath();
    ctx.arc(x + w / 2, y + h / 2, h / 2.2, 0, Math.PI * 2);
    ctx.fill();
  }
  ctx.restore();
}
