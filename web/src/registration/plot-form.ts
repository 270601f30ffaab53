import { describeError, getJson } from '../api/http.ts';
import { loadCrops } from './crops.ts';
import { formatNumber, t } from '../i18n/i18n.ts';
import { askBeforeActing } from '../ui/confirm-dialog.ts';
import { h } from '../ui/dom.ts';
import { dateWords } from '../ui/form-parts.ts';
import { farmerOption, openFarmerForm } from './farmer-form.ts';
import type { FarmerRecord } from './farmer-input.ts';
import { farmerLabel, farmerQuery, matchFarmer, readFarmerText, type FarmerOption } from './farmer-match.ts';
import { plantingDateRefusal, plantingRefusalText } from './plot-dates.ts';
import { harvestBeforePlanting, type PlotFieldRefusal } from './plot-refusal.ts';

/** Pages of the farmer list read to find a typed name: 500 a page, enough for any commune's namesakes. */
const FARMER_PAGE = 500;
const FARMER_PAGES = 4;

/** Every farmer of the officer's communes the server finds for the typed text (its `q` matches names as parts). */
async function farmersFor(q: string): Promise<FarmerOption[]> {
  const found: FarmerOption[] = [];
  for (let page = 0; page < FARMER_PAGES; page++) {
    const body = await getJson<{ total: number; farmers: FarmerOption[] }>(
      `/api/farmers?q=${encodeURIComponent(q)}&limit=${FARMER_PAGE}&offset=${page * FARMER_PAGE}`,
    );
    found.push(...body.farmers);
    if (body.farmers.length < FARMER_PAGE || found.length >= body.total) break;
  }
  return found;
}

/** The farmer each answer of the form names, as the officer saw them ("Nguyễn Văn Quang (ND-AEUP-9PN8)"), for the toast after saving. */
const farmerShown = new WeakMap<object, string>();

/** The farmer the form's answer `properties` named, as shown in the form; undefined for a plot saved without one. */
export function chosenFarmerLabel(properties: object): string | undefined {
  return farmerShown.get(properties);
}

/** Says `text` under `input` in `box` (or takes it away when undefined), marking the input invalid meanwhile. */
function showUnder(input: HTMLElement, box: HTMLElement, text: string | undefined): void {
  box.textContent = text ?? '';
  box.hidden = !text;
  if (text) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
}

/** The farmer id to save, or undefined for none; `refused` when the field names no one farmer (the reason is shown). */
type FarmerChoice = { refused: false; id: number | undefined } | { refused: true };

/**
 * The plot form: farmer, crop, variety, planting date and expected harvest, with the area the
 * drawing gives. Answers the properties to save, or undefined when cancelled. `refusal` is the
 * server's refusal of a field (the planting date, the farmer ID, the crop…) the form is opened again
 * for, said under that field. Beside the farmer field, "Thêm nông hộ mới" registers a farmer and
 * chooses them, and "Sửa thông tin nông hộ" corrects the farmer chosen (farmer-form.ts); `communes`
 * are the officer's, the communes a new farmer may be registered in.
 */
export function openPlotForm(
  initial: Record<string, unknown>,
  areaM2: number,
  options: { isNew: boolean; refusal?: PlotFieldRefusal; communes?: readonly string[] } = { isNew: true },
): Promise<Record<string, unknown> | undefined> {
  // Asked before saving without a farmer: a new plot, or one whose farmer the officer took away. A
  // plot already saved without one was asked about then.
  const askNoFarmer = options.isNew || (initial.farmer_id !== undefined && initial.farmer_id !== null);
  const refusedBefore = options.refusal;
  const communes = options.communes ?? [];
  return new Promise((resolve) => {
    // The choices come from the server's crop table; until they arrive the plot's own crop is the only one.
    const wanted = String(initial.crop ?? 'mango');
    const crop = h('select', { name: 'crop', required: true, 'aria-busy': 'true' }, h('option', { value: wanted }, wanted));
    const variety = h('input', { name: 'variety', value: String(initial.variety ?? ''), maxlength: 100 });
    const planting = h('input', {
      name: 'planting_date',
      type: 'date',
      value: String(initial.planting_date ?? '').slice(0, 10),
      'aria-describedby': 'planting-error',
    });
    // Said under the planting date: after today or before 1900, by the form's check or the server's.
    const plantingError = h('p', { class: 'form-error', id: 'planting-error', role: 'alert', hidden: true });
    const showPlantingError = (text: string | undefined) => showUnder(planting, plantingError, text);
    planting.addEventListener('input', () => showPlantingError(undefined));
    const harvest = h('input', {
      name: 'expected_harvest',
      type: 'date',
      value: String(initial.expected_harvest ?? '').slice(0, 10),
      'aria-describedby': 'harvest-error',
    });
    // Said under the expected harvest: before the planting date.
    const harvestError = h('p', { class: 'form-error', id: 'harvest-error', role: 'alert', hidden: true });
    harvest.addEventListener('input', () => showUnder(harvest, harvestError, undefined));
    const farmerId = h('input', {
      name: 'farmer_id',
      type: 'number',
      min: 1,
      'aria-describedby': 'farmer-error',
      value: initial.farmer_id === undefined || initial.farmer_id === null ? '' : String(initial.farmer_id),
    });
    // A text field, not a search field: Escape in a filled search field empties it (and with it the
    // farmer) instead of closing the form, as Escape does everywhere else in the app.
    const farmerSearch = h('input', {
      id: 'plot-form-farmer',
      type: 'text',
      autocomplete: 'off',
      name: 'farmer',
      placeholder: t('farmer'),
      'aria-label': t('farmer'),
      'aria-describedby': 'farmer-hint farmer-error',
    });
    const farmerList = h('datalist', { id: 'farmer-options' });
    farmerSearch.setAttribute('list', 'farmer-options');
    // Said under the field: a name that names no one farmer, or a list that could not be read.
    const farmerError = h('p', { class: 'form-error', id: 'farmer-error', role: 'alert', hidden: true });
    let options: FarmerOption[] = [];
    // The id the list put in the id field; a later edit of the name takes it back (the id was the name's).
    let pickedId: string | undefined;
    // An id the officer typed is theirs: a name naming someone else is then a contradiction, not a correction.
    let idTyped = false;
    let searches = 0;
    const showFarmerError = (text: string | undefined, kind: 'form-error' | 'hint' = 'form-error') => {
      farmerError.textContent = text ?? '';
      farmerError.className = kind;
      farmerError.hidden = !text;
      if (kind === 'form-error' && text) farmerSearch.setAttribute('aria-invalid', 'true');
      else farmerSearch.removeAttribute('aria-invalid');
    };
    const offer = (farmers: readonly FarmerOption[]) => {
      options = [...farmers];
      farmerList.replaceChildren(...farmers.map((o) => h('option', { value: farmerLabel(o) }, o.hamlet ?? '')));
    };
    // Beside the field: register a new farmer, and correct the one chosen (shown while one is).
    const newFarmerButton = h('button', { type: 'button', class: 'btn', id: 'plot-form-new-farmer' }, t('farmerNew'));
    const editFarmerButton = h('button', { type: 'button', class: 'btn', id: 'plot-form-edit-farmer', hidden: true }, t('farmerEdit'));
    const showFarmerActions = () => (editFarmerButton.hidden = !/^[1-9][0-9]{0,15}$/.test(farmerId.value));
    /** Puts a farmer just registered or corrected in the field, as if picked from the list. */
    const chooseSaved = (farmer: FarmerRecord) => {
      // A search for the name typed before, answered late, says nothing over the farmer now chosen.
      ++searches;
      const option = farmerOption(farmer);
      offer([option]);
      farmerSearch.value = farmerLabel(option);
      farmerId.value = String(farmer.id);
      farmerId.removeAttribute('aria-invalid');
      pickedId = farmerId.value;
      idTyped = false;
      showFarmerError(undefined);
      showFarmerActions();
    };
    newFarmerButton.addEventListener('click', async () => {
      const { name } = readFarmerText(farmerSearch.value);
      const commune = typeof initial.commune_code === 'string' ? initial.commune_code : undefined;
      const farmer = await openFarmerForm({ communes, ...(commune ? { commune } : {}), ...(name ? { name } : {}) });
      if (farmer) chooseSaved(farmer);
      farmerSearch.focus();
    });
    editFarmerButton.addEventListener('click', async () => {
      try {
        // A citizen ID typed that another farmer has may turn out to be theirs: "Chọn nông hộ này" puts them here instead.
        const farmer = await openFarmerForm({ communes, farmerId: Number(farmerId.value), offerHolder: true });
        if (farmer) chooseSaved(farmer);
      } catch (failure) {
        showFarmerError(t('farmerLoadFailed', { detail: describeError(failure) }));
      }
      farmerSearch.focus();
    });
    farmerId.addEventListener('input', () => {
      farmerId.removeAttribute('aria-invalid');
      idTyped = farmerId.value !== '';
      pickedId = undefined;
      showFarmerActions();
    });
    farmerSearch.addEventListener('input', async () => {
      showFarmerError(undefined);
      const typed = farmerSearch.value.trim();
      const picked = options.find((o) => farmerLabel(o) === typed);
      if (picked) {
        if (!idTyped) {
          farmerId.value = String(picked.id);
          pickedId = farmerId.value;
        }
        showFarmerActions();
        return;
      }
      if (pickedId !== undefined && farmerId.value === pickedId) farmerId.value = '';
      pickedId = undefined;
      showFarmerActions();
      const q = farmerQuery(typed);
      if (q === null || q.length < 2) return;
      // Answers may come back out of order: only the latest search fills the list.
      const search = ++searches;
      try {
        const body = await getJson<{ farmers: FarmerOption[] }>(`/api/farmers?q=${encodeURIComponent(q)}&limit=10`);
        if (search !== searches) return;
        offer(body.farmers);
        // A name nobody has: the officer is told at once, beside the button that registers them.
        const { name } = readFarmerText(typed);
        if (!body.farmers.length && name) showFarmerError(t('farmerNoneNamed', { name }), 'hint');
      } catch {
        // Saving says so if the name still has to be found then.
      }
    });

    // Editing a plot: its farmer is shown by name, as the officer knows them, not by a record id.
    const savedId = farmerId.value;
    if (savedId) {
      getJson<FarmerOption>(`/api/farmers/${encodeURIComponent(savedId)}`).then(
        (farmer) => {
          // The officer started typing before the answer came: what they typed stands.
          if (farmerSearch.value !== '' || farmerId.value !== savedId) return;
          offer([farmer]);
          farmerSearch.value = farmerLabel(farmer);
          pickedId = savedId;
          showFarmerActions();
        },
        // Unreadable (no signal, another commune's farmer): the id field still holds the farmer and saving keeps it.
        () => undefined,
      );
    }

    /** The farmer the field names, found again from the server unless it is the entry just picked from the list. */
    async function chooseFarmer(): Promise<FarmerChoice> {
      // A search still on its way answers for what was typed before saving: its list and its "no one of
      // that name" must not replace what saving finds and says.
      ++searches;
      const typedId = farmerId.value ? Number(farmerId.value) : undefined;
      const text = farmerSearch.value;
      const { name, code } = readFarmerText(text);
      // An empty name field keeps what the id field says (a plot may have no farmer: the server allows it).
      if (name === null && code === null) return { refused: false, id: typedId };
      const shown = name ?? code ?? '';
      const q = farmerQuery(text)!;
      let found: FarmerOption[];
      const listed = options.find((o) => farmerLabel(o) === text.trim());
      if (listed) found = [listed];
      else {
        showFarmerError(t('farmerChecking'), 'hint');
        try {
          found = await farmersFor(q);
        } catch (failure) {
          showFarmerError(t('farmerListUnavailable', { detail: describeError(failure), name: shown }));
          return { refused: true };
        }
      }
      const match = matchFarmer(text, found);
      if (match.kind === 'many') {
        offer(match.farmers);
        const choices = match.farmers.map((f) => (f.hamlet ? `${f.lookupCode} (${f.hamlet})` : f.lookupCode)).join(', ');
        showFarmerError(t('farmerAmbiguous', { n: match.farmers.length, name: shown, choices }));
        return { refused: true };
      }
      if (match.kind !== 'one') {
        showFarmerError(t('farmerNotFound', { name: shown }));
        return { refused: true };
      }
      if (idTyped && typedId !== undefined && typedId !== match.farmer.id) {
        showFarmerError(t('farmerIdMismatch', { name: farmerLabel(match.farmer), id: typedId }));
        return { refused: true };
      }
      showFarmerError(undefined);
      offer([match.farmer]);
      farmerSearch.value = farmerLabel(match.farmer);
      farmerId.value = String(match.farmer.id);
      pickedId = farmerId.value;
      showFarmerActions();
      return { refused: false, id: match.farmer.id };
    }

    // Said under the crop or the variety: the server's refusal of either (a crop no longer in the list).
    crop.setAttribute('aria-describedby', 'crop-error');
    variety.setAttribute('aria-describedby', 'variety-error');
    const cropError = h('p', { class: 'form-error', id: 'crop-error', role: 'alert', hidden: true });
    const varietyError = h('p', { class: 'form-error', id: 'variety-error', role: 'alert', hidden: true });
    crop.addEventListener('change', () => showUnder(crop, cropError, undefined));
    variety.addEventListener('input', () => showUnder(variety, varietyError, undefined));
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
    // Named by its heading, so a screen reader says what opened.
    const dialog = h('dialog', { class: 'dialog', id: 'plot-form', 'aria-labelledby': 'plot-form-title' });
    const saveButton = h('button', { type: 'submit', class: 'btn btn-primary', id: 'plot-form-save' }, t('save'));
    const form = h(
      'form',
      { method: 'dialog' },
      h('h2', { id: 'plot-form-title' }, t('plotForm')),
      h('p', { class: 'hint' }, t('liveArea', { m2: formatNumber(areaM2, 0), ha: formatNumber(areaM2 / 10000, 2) })),
      // The name, or the code on the farmer's card: an officer holding the card types its code here.
      h('label', {}, t('farmer'), farmerSearch, farmerList, h('span', { class: 'hint', id: 'farmer-hint' }, t('farmerFieldHint'))),
      farmerError,
      h('div', { class: 'farmer-actions' }, newFarmerButton, editFarmerButton),
      // The registry's own number of the farmer, filled in when one is chosen; the card's code goes in the field above.
      h('label', {}, t('farmerRecordNo'), farmerId),
      h('label', {}, t('crop'), crop),
      cropError,
      h('label', {}, t('variety'), variety),
      varietyError,
      h(
        'div',
        { class: 'row' },
        h('label', {}, t('plantingDate'), planting, dateWords(planting)),
        h('label', {}, t('expectedHarvest'), harvest, dateWords(harvest)),
      ),
      plantingError,
      harvestError,
      error,
      h(
        'div',
        { class: 'dialog-actions' },
        h('button', { type: 'button', class: 'btn', onclick: () => dialog.close('cancel') }, t('cancel')),
        saveButton,
      ),
    );
    let result: Record<string, unknown> | undefined;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void submit();
    });
    async function submit(): Promise<void> {
      if (saveButton.disabled) return;
      error.textContent = '';
      const plantingRefused = plantingDateRefusal(planting.value);
      showPlantingError(plantingRefused && plantingRefusalText(plantingRefused));
      if (plantingRefused) {
        planting.focus();
        return;
      }
      const harvestRefused = harvestBeforePlanting(planting.value, harvest.value);
      showUnder(harvest, harvestError, harvestRefused?.text());
      if (harvestRefused) {
        harvest.focus();
        return;
      }
      saveButton.disabled = true;
      const farmer = await chooseFarmer().finally(() => (saveButton.disabled = false));
      // Cancelled while the farmer was being looked up: nothing to save.
      if (!dialog.open) return;
      if (farmer.refused) {
        farmerSearch.focus();
        return;
      }
      // A plot without a farmer is legitimate (imported outlines, a plot drawn before its household is
      // registered: the server allows it), but never by an oversight: the officer is asked.
      if (farmer.id === undefined && askNoFarmer) {
        askBeforeActing({
          ids: { dialog: 'plot-no-farmer', title: 'plot-no-farmer-title', stay: 'plot-no-farmer-back', go: 'plot-no-farmer-save' },
          title: t('plotNoFarmerTitle'),
          body: t('plotNoFarmerBody'),
          stay: t('plotNoFarmerBack'),
          go: t('plotNoFarmerSave'),
          stayIsPrimary: true,
          goTone: 'primary',
          returnFocus: 'plot-form-farmer',
          onGo: () => finish(farmer.id),
        });
        return;
      }
      finish(farmer.id);
    }
    function finish(farmerId: number | undefined): void {
      if (!dialog.open) return;
      result = {
        ...initial,
        crop: crop.value,
        variety: variety.value.trim() || undefined,
        planting_date: planting.value || undefined,
        expected_harvest: harvest.value || undefined,
        farmer_id: farmerId,
      };
      const shown = farmerSearch.value.trim();
      if (farmerId !== undefined && shown) farmerShown.set(result, shown);
      dialog.close('save');
    }
    dialog.append(form);
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(result);
    });
    document.body.append(dialog);
    dialog.showModal();
    showFarmerActions();
    if (refusedBefore) {
      const text = refusedBefore.text();
      const under = {
        planting_date: () => showPlantingError(text),
        expected_harvest: () => showUnder(harvest, harvestError, text),
        crop: () => showUnder(crop, cropError, text),
        variety: () => showUnder(variety, varietyError, text),
        farmer_id: () => {
          showFarmerError(text);
          farmerId.setAttribute('aria-invalid', 'true');
        },
      }[refusedBefore.field];
      under();
      const focus = { planting_date: planting, expected_harvest: harvest, crop, variety, farmer_id: farmerId }[refusedBefore.field];
      focus.focus();
    }
  });
}
