import { checkMinimumArea, minimumAreaM2 } from '../../../server/domain/growing-area-rules.ts';
import { describeError, sendJson } from '../api/http.ts';
import { formatNumber, t } from '../i18n/i18n.ts';
import type { MessageKey } from '../i18n/vi.ts';
import { clear, h } from '../ui/dom.ts';
import { cropName, cropRule, loadCrops, type Crop } from './crops.ts';

/** A plot picked for the growing area, as its tile describes it. */
export type PickedPlot = { id: number; crop: string; area_m2: number; commune_code?: string };

/**
 * Assembling plots into a growing area: the list of picked plots, their total against the legal
 * minimum (the same rule the server applies at submission), and the draft's name, scheme and
 * registrant. Creates the draft through POST /api/growing-areas.
 */
export class GrowingAreaAssembler {
  readonly element = h('section', { class: 'assemble' });
  private readonly plots = new Map<number, PickedPlot>();
  private readonly name = h('input', { name: 'name', required: true, maxlength: 200 });
  private readonly registrant = h('input', { name: 'registrant', required: true, maxlength: 200 });
  private readonly scheme = h(
    'select',
    { name: 'scheme' },
    h('option', { value: 'domestic-3156' }, 'domestic-3156'),
    h('option', { value: 'export-puc' }, 'export-puc'),
    h('option', { value: 'export-phc' }, 'export-phc'),
  );
  private message = '';
  private crops: readonly Crop[] = [];

  constructor(private readonly onCreated: (id: number) => void) {
    this.render();
    // The minimum-area check needs the crop table; it renders again once the table is in.
    loadCrops().then(
      (crops) => {
        this.crops = crops;
        this.render();
      },
      () => undefined,
    );
  }

  toggle(plot: PickedPlot): void {
    if (this.plots.has(plot.id)) this.plots.delete(plot.id);
    else this.plots.set(plot.id, plot);
    this.render();
  }

  selectedIds(): number[] {
    return [...this.plots.keys()];
  }

  private render(): void {
    clear(this.element);
    const plots = [...this.plots.values()];
    const cropCode = plots[0]?.crop;
    const row = this.crops.find((c) => c.code === cropCode);
    const crop = row ? cropRule(row) : undefined;
    const total = plots.reduce((s, p) => s + p.area_m2, 0);
    this.element.append(
      h('h3', {}, t('assembleArea')),
      h('p', { class: 'hint' }, t('assembleHint')),
      h('p', { class: 'summary' }, t('selectedPlots', { n: plots.length })),
    );
    if (plots.length) {
      this.element.append(
        h(
          'ul',
          { class: 'legend' },
          ...plots.map((p) => h('li', {}, `#${p.id} · ${cropName(this.crops, p.crop)} · ${formatNumber(p.area_m2, 0)} m²`)),
        ),
      );
    }
    if (crop) {
      const verdict = checkMinimumArea(crop, plots);
      this.element.append(
        h(
          'p',
          { class: verdict.valid ? 'hint verdict-ok' : 'form-error', id: 'area-verdict' },
          t('minArea', {
            ha: formatNumber(total / 10000, 2),
            min: formatNumber(minimumAreaM2(crop) / 10000, 1),
            type: t(`cropType_${crop.crop_type}` as MessageKey),
          }),
          verdict.valid ? ` ✓` : ` ✗ ${verdict.message}`,
        ),
      );
    }
    const create = h('button', { type: 'submit', class: 'btn btn-primary btn-block', disabled: plots.length === 0 }, t('createArea'));
    const form = h(
      'form',
      {},
      h('label', {}, t('areaName'), this.name),
      h('label', {}, t('producer'), this.registrant),
      h('label', {}, t('scheme'), this.scheme),
      create,
      this.message ? h('p', { class: 'hint' }, this.message) : null,
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.create(crop?.code ?? plots[0]?.crop ?? '', plots);
    });
    this.element.append(form);
  }

  private async create(crop: string, plots: PickedPlot[]): Promise<void> {
    const commune = plots.find((p) => p.commune_code)?.commune_code;
    try {
      const response = await sendJson('/api/growing-areas', 'POST', {
        name: this.name.value.trim(),
        scheme: this.scheme.value,
        crop,
        ...(commune ? { communeCode: commune } : {}),
        registrantName: this.registrant.value.trim(),
        plotIds: plots.map((p) => p.id),
      });
      const body = (await response.json()) as { id?: number };
      this.plots.clear();
      this.message = t('areaCreated');
      this.render();
      if (body.id !== undefined) this.onCreated(Number(body.id));
    } catch (error) {
      this.message = t('saveFailed', { detail: describeError(error) });
      this.render();
    }
  }
}
