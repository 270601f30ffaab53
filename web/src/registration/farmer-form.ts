// The farmer form, opened over the plot form: "Thêm nông hộ mới" registers a farmer (POST
// /api/farmers) and "Sửa thông tin nông hộ" corrects one (PATCH /api/farmers/:id with the ETag
// read as If-Match). The form checks what the server's schema checks (farmer-input.ts) and says it
// under the field; a refusal of the server is said there too. A correction meeting someone else's
// change (412) says so and offers the latest version, as the draft dossier's profile form does. A
// citizen ID another farmer has (409) is said under the ID with that farmer (name, card code,
// hamlet and commune), when the officer may read them, and what the officer can do about it; from
// the plot form, registering or correcting, "Chọn nông hộ này" then closes the form answering that
// farmer instead (the farmer being corrected is left as it was).
import { describeError, HttpError, request } from '../api/http.ts';
import { t } from '../i18n/i18n.ts';
import { CardNames } from '../ui/card-names.ts';
import { h } from '../ui/dom.ts';
import { toast } from '../ui/toast.ts';
import {
  citizenIdTakenNext,
  FARMER_FIELDS,
  FARMER_LABELS,
  farmerBody,
  farmerPatch,
  farmerProblems,
  farmerProblemText,
  farmerRefusal,
  farmerTyped,
  type FarmerField,
  type CitizenIdHolder,
  type CitizenIdTakenMode,
  type FarmerProblem,
  type FarmerRecord,
  type FarmerTyped,
} from './farmer-input.ts';

/** What the form is opened for: a new farmer (a name typed in the plot form to start from), or the farmer `id` to correct. */
export type FarmerFormOptions = {
  /** The officer's communes, the choices for a farmer's commune (an administrator has none: the code is typed). */
  communes: readonly string[];
  /** The commune chosen first for a new farmer (the plot's). */
  commune?: string;
  /** A new farmer's name as typed in the plot form. */
  name?: string;
  /** The farmer to correct. */
  farmerId?: number;
  /**
   * Whether the farmer holding a citizen ID typed may be answered in place of the one registered or
   * corrected ("Chọn nông hộ này"): the plot form's choice, which then holds that farmer. Defaults to
   * registering only; a plot's card correcting its farmer cannot put another farmer in their place.
   */
  offerHolder?: boolean;
  /**
   * The farmer has no plot yet (opened from the search box or the farmers list, where such a farmer
   * has no card on the map): the form says so and how to register one.
   */
  noPlot?: boolean;
};

type Read = { farmer: FarmerRecord; etag: string };

/** The farmer as the server has it now, with the ETag its correction is sent with. */
async function readFarmer(id: number): Promise<Read> {
  const response = await request(`/api/farmers/${id}`);
  return { farmer: (await response.json()) as FarmerRecord, etag: response.headers.get('ETag') ?? '' };
}

// How each input is typed on a phone: digits for the citizen ID, the phone pad for the phone.
const INPUT_ATTRS: Readonly<Record<Exclude<FarmerField, 'communeCode'>, Record<string, string | number>>> = {
  fullName: { type: 'text', maxlength: 120, autocomplete: 'off', autocapitalize: 'words' },
  // Typed in groups from the card ("087 111 222 333"): the spaces are dropped before sending.
  citizenId: { type: 'text', inputmode: 'numeric', maxlength: 20, autocomplete: 'off' },
  phone: { type: 'tel', inputmode: 'tel', maxlength: 20, autocomplete: 'off' },
  hamlet: { type: 'text', maxlength: 100, autocomplete: 'off' },
  address: { type: 'text', maxlength: 300, autocomplete: 'off' },
};

/**
 * Opens the farmer form; answers the farmer as saved, or undefined when cancelled. Correcting a
 * farmer reads them first: a failed read rejects (the caller says it) and no form opens.
 */
export async function openFarmerForm(options: FarmerFormOptions): Promise<FarmerRecord | undefined> {
  let read: Read | undefined = options.farmerId === undefined ? undefined : await readFarmer(options.farmerId);
  return new Promise((resolve) => {
    const editing = read !== undefined;
    const offerHolder = options.offerHolder ?? !editing;
    const takenMode: CitizenIdTakenMode = !editing ? 'register' : offerHolder ? 'correct-choose' : 'correct';
    const inputs = new Map<FarmerField, HTMLInputElement | HTMLSelectElement>();
    const errors = new Map<FarmerField, HTMLElement>();
    for (const field of FARMER_FIELDS) {
      const id = `farmer-form-${field}`;
      const errorId = `${id}-error`;
      let input: HTMLInputElement | HTMLSelectElement;
      if (field === 'communeCode') {
        const choices = [...new Set([...options.communes, ...(read ? [read.farmer.communeCode] : [])])];
        input = choices.length
          ? h('select', { id, name: field }, ...choices.map((code) => h('option', { value: code }, code)))
          : h('input', { id, name: field, type: 'text', inputmode: 'numeric', maxlength: 5, autocomplete: 'off' });
      } else input = h('input', { id, name: field, ...INPUT_ATTRS[field] });
      input.setAttribute('aria-describedby', field === 'citizenId' ? `${errorId} farmer-form-citizenId-next` : errorId);
      if (field === 'fullName' || field === 'communeCode') input.setAttribute('aria-required', 'true');
      inputs.set(field, input);
      errors.set(field, h('p', { class: 'form-error', id: errorId, role: 'alert', hidden: true }));
      input.addEventListener('input', () => showProblem(field, undefined));
    }
    // Offered under a citizen ID another farmer has, when the form may answer them and the server named them.
    let holder: CitizenIdHolder | undefined;
    // What the officer can do about that ID, said under the refusal.
    const takenNext = h('p', { class: 'hint', id: 'farmer-form-citizenId-next', hidden: true });
    const chooseExisting = h(
      'button',
      { type: 'button', class: 'btn', id: 'farmer-form-choose-existing', hidden: true },
      t('farmerChooseExisting'),
    );
    const communeInput = inputs.get('communeCode')!;
    // The commune's name beside its code, once read.
    const names = new CardNames(() => nameCommunes());
    function nameCommunes(): void {
      if (!(communeInput instanceof HTMLSelectElement)) return;
      for (const option of communeInput.options) {
        const name = names.commune(option.value);
        option.textContent = name ? `${name} (${option.value})` : option.value;
      }
    }
    nameCommunes();

    const fill = (typed: FarmerTyped) => {
      for (const field of FARMER_FIELDS) inputs.get(field)!.value = typed[field];
    };
    const wantedCommune =
      options.commune && (options.communes.length === 0 || options.communes.includes(options.commune)) ? options.commune : '';
    fill(farmerTyped(read?.farmer, wantedCommune || options.communes[0] || ''));
    if (!read && options.name) inputs.get('fullName')!.value = options.name;

    function showProblem(field: FarmerField, problem: FarmerProblem | undefined): void {
      const box = errors.get(field)!;
      const text = problem ? farmerProblemText(problem) : '';
      box.textContent = text;
      box.hidden = !text;
      const input = inputs.get(field)!;
      if (text) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
      if (field === 'citizenId') {
        const taken = problem?.kind === 'citizen-id-taken' ? problem : undefined;
        holder = offerHolder && taken ? (taken.holder ?? undefined) : undefined;
        chooseExisting.hidden = !holder;
        takenNext.textContent = taken ? citizenIdTakenNext(taken.holder, takenMode) : '';
        takenNext.hidden = !taken;
      }
    }
    const typedNow = () => Object.fromEntries(FARMER_FIELDS.map((f) => [f, inputs.get(f)!.value])) as FarmerTyped;

    const title = h('h2', { id: 'farmer-form-title' }, editing ? t('farmerEdit') : t('farmerNew'));
    const lead = h('p', { class: 'hint', id: 'farmer-form-lead' });
    const sayLead = () => (lead.textContent = read ? t('farmerFormCard', { code: read.farmer.lookupCode }) : t('farmerFormRequired'));
    sayLead();
    const noPlot = options.noPlot && editing ? h('p', { class: 'hint', id: 'farmer-form-no-plot' }, t('farmerNoPlotNote')) : null;
    const message = h('p', { class: 'form-error', id: 'farmer-form-message', role: 'alert', hidden: true });
    const say = (text: string | undefined, kind: 'form-error' | 'hint' = 'form-error') => {
      message.textContent = text ?? '';
      message.className = kind;
      message.hidden = !text;
    };
    const reload = h('button', { type: 'button', class: 'btn', id: 'farmer-form-reload', hidden: true }, t('farmerReload'));
    const save = h('button', { type: 'submit', class: 'btn btn-primary', id: 'farmer-form-save' }, t('save'));
    const cancel = h('button', { type: 'button', class: 'btn', id: 'farmer-form-cancel' }, t('cancel'));
    const dialog = h('dialog', { class: 'dialog', id: 'farmer-form', 'aria-labelledby': 'farmer-form-title' });
    const form = h(
      'form',
      { novalidate: true },
      title,
      lead,
      noPlot,
      ...FARMER_FIELDS.map((field) =>
        h(
          'div',
          {},
          h('label', { for: `farmer-form-${field}` }, t(FARMER_LABELS[field]), inputs.get(field)!),
          errors.get(field)!,
          ...(field === 'citizenId' ? [takenNext, chooseExisting] : []),
        ),
      ),
      message,
      reload,
      h('div', { class: 'dialog-actions' }, cancel, save),
    );
    let result: FarmerRecord | undefined;
    cancel.addEventListener('click', () => dialog.close());
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void submit();
    });
    reload.addEventListener('click', () => void reloadLatest());
    chooseExisting.addEventListener('click', () => void chooseHolder());

    async function submit(): Promise<void> {
      if (save.disabled) return;
      say(undefined);
      const typed = typedNow();
      const problems = farmerProblems(typed);
      for (const field of FARMER_FIELDS)
        showProblem(
          field,
          problems.find((p) => p.field === field),
        );
      if (problems.length) {
        inputs.get(problems[0]!.field)!.focus();
        return;
      }
      let sent: Record<string, unknown>;
      let send: () => Promise<Response>;
      if (read) {
        sent = farmerPatch(read.farmer, typed);
        if (!Object.keys(sent).length) {
          toast(() => t('farmerNothingChanged'));
          result = read.farmer;
          dialog.close();
          return;
        }
        const { farmer, etag } = read;
        send = () =>
          request(`/api/farmers/${farmer.id}`, {
            method: 'PATCH',
            headers: { 'Content-Type': 'application/json', 'If-Match': etag },
            body: JSON.stringify(sent),
          });
      } else {
        sent = farmerBody(typed);
        send = () =>
          request('/api/farmers', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(sent) });
      }
      save.disabled = true;
      save.textContent = t('saving');
      try {
        const saved = (await (await send()).json()) as FarmerRecord;
        result = saved;
        const name = saved.fullName ?? saved.lookupCode;
        if (editing) toast(() => t('farmerUpdated', { name }));
        else toast(() => t('farmerCreated', { name, code: saved.lookupCode }));
        dialog.close();
      } catch (error) {
        refused(error, sent);
      } finally {
        save.disabled = false;
        save.textContent = t('save');
      }
    }

    function refused(error: unknown, sent: Record<string, unknown>): void {
      if (error instanceof HttpError && error.status === 412) {
        say(t('farmerConflict'));
        reload.hidden = false;
        reload.focus();
        return;
      }
      const problem = farmerRefusal(error, sent);
      if (problem) {
        showProblem(problem.field, problem);
        inputs.get(problem.field)!.focus();
        return;
      }
      say(t('farmerSaveFailed', { detail: describeError(error) }));
    }

    /** The farmer who has the citizen ID, read whole, answered in place of the one registered or corrected (left as it was). */
    async function chooseHolder(): Promise<void> {
      if (!holder) return;
      chooseExisting.disabled = true;
      try {
        result = (await readFarmer(holder.id)).farmer;
        dialog.close();
      } catch (error) {
        say(t('farmerLoadFailed', { detail: describeError(error) }));
      } finally {
        chooseExisting.disabled = false;
      }
    }

    async function reloadLatest(): Promise<void> {
      if (!read) return;
      reload.disabled = true;
      try {
        read = await readFarmer(read.farmer.id);
        fill(farmerTyped(read.farmer));
        for (const field of FARMER_FIELDS) showProblem(field, undefined);
        sayLead();
        reload.hidden = true;
        say(t('farmerReloaded'), 'hint');
        inputs.get('fullName')!.focus();
      } catch (error) {
        say(t('farmerLoadFailed', { detail: describeError(error) }));
      } finally {
        reload.disabled = false;
      }
    }

    dialog.append(form);
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(result);
    });
    document.body.append(dialog);
    dialog.showModal();
    inputs.get('fullName')!.focus();
  });
}

/** The farmer's answer as the plot form's list knows them (id, card code, name, hamlet). */
export function farmerOption(farmer: FarmerRecord): { id: number; lookupCode: string; fullName: string | null; hamlet: string | null } {
  return { id: farmer.id, lookupCode: farmer.lookupCode, fullName: farmer.fullName, hamlet: farmer.hamlet };
}
