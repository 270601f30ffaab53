import type { Map as MapLibreMap, StyleSpecification } from 'maplibre-gl';
import { describeError } from '../api/http.ts';
import { lang, t } from '../i18n/i18n.ts';
import { h } from '../ui/dom.ts';
import { toast } from '../ui/toast.ts';
import { landUseMapsOf } from '../map/landuse-maps.ts';
import { buildPdf } from './pdf.ts';
import type { PrintSheet } from './print-sheet.ts';
import { renderPrint, type PrintOptions } from './print-map.ts';

const A4_PT = { landscape: [841.89, 595.28], portrait: [595.28, 841.89] } as const;

function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function toBlob(canvas: HTMLCanvasElement, type: string, quality?: number): Promise<Blob> {
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('canvas is empty'))), type, quality));
}

/** The land-use map the screen shows: the one the landuse fill's filter keeps (map_id). */
function shownLandUseMap(map: MapLibreMap, style: StyleSpecification) {
  const filter = map.getLayer('landuse-fill') ? map.getFilter('landuse-fill') : undefined;
  const id = Array.isArray(filter) && filter[0] === '==' ? Number(filter[2]) : undefined;
  return landUseMapsOf(style).find((m) => m.id === id);
}

/** The print dialog: title, resolution (≥ 200 dpi), orientation; PNG or a one-page A4 PDF. */
export function openPrintDialog(map: MapLibreMap, style: StyleSpecification, visible: Record<string, boolean>): void {
  const title = h('input', { name: 'title', value: t('appTitle') });
  const dpi = h('select', { name: 'dpi' }, h('option', { value: '200' }, '200 dpi'), h('option', { value: '300' }, '300 dpi'));
  const orientation = h(
    'select',
    { name: 'orientation' },
    // In words: arrows ('A4 ↔') left a planner guessing which way the sheet is turned.
    h('option', { value: 'landscape' }, t('paperLandscape', { size: 'A4' })),
    h('option', { value: 'portrait' }, t('paperPortrait', { size: 'A4' })),
  );
  const status = h('p', { class: 'hint', role: 'status' });
  // What the last page printed cites, so the planner sees it in words (and the browser tests can read it).
  const summary = h('div', { class: 'print-summary', id: 'print-summary', hidden: true });
  const showSummary = (sheet: PrintSheet) => {
    summary.replaceChildren(
      h('p', {}, h('strong', {}, t('printSummary'))),
      h('ul', { class: 'print-title-block' }, ...sheet.titleBlock.map((line) => h('li', {}, line))),
      h(
        'ul',
        { class: 'print-legend', hidden: true },
        ...sheet.legend.flatMap((s) => s.rows.map((r) => h('li', { 'data-row': r.id }, r.code ? `${r.code} · ${r.name}` : r.name))),
      ),
    );
    summary.hidden = false;
  };
  // Named by its heading, so a screen reader says what opened.
  const dialog = h('dialog', { class: 'dialog', id: 'print-dialog', 'aria-labelledby': 'print-title' });
  const run = async (format: 'png' | 'pdf') => {
    const options: PrintOptions = {
      title: title.value,
      dpi: Number(dpi.value),
      orientation: orientation.value === 'portrait' ? 'portrait' : 'landscape',
      landUseMap: shownLandUseMap(map, style),
    };
    status.textContent = t('printing', { dpi: options.dpi });
    for (const b of dialog.querySelectorAll('button')) b.disabled = true;
    try {
      const { canvas, sheet, texts } = await renderPrint(map, style, visible, options);
      showSummary(sheet);
      const stamp = new Date().toISOString().slice(0, 10);
      if (format === 'png') {
        download(await toBlob(canvas, 'image/png'), `ban-do-${stamp}.png`);
      } else {
        const jpeg = new Uint8Array(await (await toBlob(canvas, 'image/jpeg', 0.9)).arrayBuffer());
        const [w, hgt] = A4_PT[options.orientation];
        const pdf = buildPdf({
          jpeg,
          widthPx: canvas.width,
          heightPx: canvas.height,
          pageWidthPt: w,
          pageHeightPt: hgt,
          title: options.title,
          texts,
          lang: lang(),
        });
        download(new Blob([pdf as BlobPart], { type: 'application/pdf' }), `ban-do-${stamp}.pdf`);
      }
      status.textContent = t('printDone');
      toast(() => t('printDone'));
    } catch (error) {
      status.textContent = describeError(error);
    } finally {
      for (const b of dialog.querySelectorAll('button')) b.disabled = false;
    }
  };
  dialog.append(
    h(
      'form',
      { method: 'dialog', onsubmit: (e) => e.preventDefault() },
      h('h2', { id: 'print-title' }, t('print')),
      h('label', {}, t('printTitle'), title),
      h('div', { class: 'row' }, h('label', {}, 'DPI', dpi), h('label', {}, t('paperSize'), orientation)),
      status,
      summary,
      h(
        'div',
        { class: 'dialog-actions' },
        h('button', { type: 'button', class: 'btn', onclick: () => dialog.close() }, t('close')),
        h('button', { type: 'button', class: 'btn', id: 'print-png', onclick: () => void run('png') }, t('printPng')),
        h('button', { type: 'button', class: 'btn btn-primary', id: 'print-pdf', onclick: () => void run('pdf') }, t('printPdf')),
      ),
    ),
  );
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
}
