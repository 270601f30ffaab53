import { describeError, getJson } from '../api/http.ts';
import { loadCrops } from './crops.ts';
import { formatNumber, t } from '../i18n/i18n.ts';
import { h } from '../ui/dom.ts';

type FarmerOption = { id: number; lookupCode: string; fullName: string | null; hamlet: string | null };

/**
 * The plot form: farmer, crop, variety, planting date and expected harvest, with the area the
 * drawing gives. Answers the properties to save, or undefined when cancelled.
 */
export function openPlotForm(initial: Record<string, unknown>, areaM2: number): Promise<Record<string, unknown> | undefined> {
  return new Promise((resolve) => {
    // The choices come from the server's crop table; until they arrive the plot's own crop is the only one.
    const wanted = String(initial.crop ?? 'mango');
    const crop = h('select', { name: 'crop', required: true, 'aria-busy': 'true' }, h('option', { value: wanted }, wanted));
    const variety = h('input', { name: 'variety', value: String(initial.variety ?? ''), maxlength: 100 });
    const planting = h('input', { name: 'planting_date', type: 'date', value: String(initial.planting_date ?? '').slice(0, 10) });
    const harvest = h('input', { name: 'expected_harvest', type: 'date', value: String(initial.expected_harvest ?? '').slice(0, 10) });
    const farmerId = h('input', {
      name: 'farmer_id',
      type: 'number',
      min: 1,
      value: initial.farmer_id === undefined || initial.farmer_id === null ? '' : String(initial.farmer_id),
    });
    const farmerSearch = h('input', { type: 'search', placeholder: t('farmer'), 'aria-label': t('farmer') });
    const farmerList = h('datalist', { id: 'farmer-options' });
    farmerSearch.setAttribute('list', 'farmer-options');
    let options: FarmerOption[] = [];
    farmerSearch.addEventListener('input', async () => {
      const q = farmerSearch.value.trim();
      const picked = options.find((o) => `${o.fullName ?? ''} (${o.lookupCode})` === q);
      if (picked) {
        farmerId.value = String(picked.id);
        return;
      }
      if (q.length < 2) return;
      try {
        options = (await getJson<{ farmers: FarmerOption[] }>(`/api/farmers?q=${encodeURIComponent(q)}&limit=10`)).farmers;
        farmerList.replaceChildren(...options.map((o) => h('option', { value: `${o.fullName ?? ''} (${o.lookupCode})` }, o.hamlet ?? '')));
      } catch {
        // The officer can still type the farmer's id.
      }
    });
    const error = h('p', { class: 'form-error', role: 'alert' });
    loadCrops().then(
      (crops) => {
        const known = crops.some((c) => c.code === wanted);
        crop.replaceChildren(
          ...crops.map((c) => h('option', { value: c.code }, `${c.nameVi} / ${c.nameEn}`)),
          ...(known ? [] : [h('option', { value: wanted }, wanted)]),
        );
        crop.value = wanted;
        crop.removeAttribute('aria-busy');
      },
      (failure: unknown) => (error.textContent = t('cropsUnavailable', { detail: describeError(failure) })),
    );
    const dialog = h('dialog', { class: 'dialog', id: 'plot-form' });
    const form = h(
      'form',
      { method: 'dialog' },
      h('h2', {}, t('plotForm')),
      h('p', { class: 'hint' }, t('liveArea', { m2: formatNumber(areaM2, 0), ha: formatNumber(areaM2 / 10000, 2) })),
      h('label', {}, t('farmer'), farmerSearch, farmerList),
      h('label', {}, t('farmerId'), farmerId),
      h('label', {}, t('crop'), crop),
      h('label', {}, t('variety'), variety),
      h('div', { class: 'row' }, h('label', {}, t('plantingDate'), planting), h('label', {}, t('expectedHarvest'), harvest)),
      error,
      h(
        'div',
        { class: 'dialog-actions' },
        h('button', { type: 'button', class: 'btn', onclick: () => dialog.close('cancel') }, t('cancel')),
        h('button', { type: 'submit', class: 'btn btn-primary', id: 'plot-form-save' }, t('save')),
      ),
    );
    let result: Record<string, unknown> | undefined;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (planting.value && harvest.value && harvest.value < planting.value) {
        error.textContent = `${t('expectedHarvest')} < ${t('plantingDate')}`;
        return;
      }
      result = {
        ...initial,
        crop: crop.value,
        variety: variety.value.trim() || undefined,
        planting_date: planting.value || undefined,
        expected_harvest: harvest.value || undefined,
        farmer_id: farmerId.value ? Number(farmerId.value) : undefined,
      };
      dialog.close('save');
    });
    dialog.append(form);
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(result);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}
