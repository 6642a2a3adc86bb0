// report-fields.js — the fields of a whistle-blowing report, shared by the
// public page (我要檢舉, screens/report.js) and a handler's recording of a
// report that came by letter, phone, mailbox or in person
// (screens/reports-intake.js): the server's limits, the inputs with their
// labels and error slots, the identity choice, the evidence files, the
// checks made before sending and the body sent. Each screen brings its own
// words (w: key → sentence; the reporter is "您" on the public page, "檢舉人"
// for a handler) and a prefix for the ids.

import { h } from './dom.js';

export const MAX_FILES = 5;
export const MAX_FILE_BYTES = 15 * 1024 * 1024;
const TYPES = /^(image\/(jpeg|png|webp|heic|heif)|application\/pdf)$/;
const EXT = /\.(jpe?g|png|webp|heic|heif|pdf)$/i;
const ACCEPT = 'image/jpeg,image/png,image/webp,image/heic,image/heif,application/pdf,.heic,.heif';
/** LIMITS are the server's bounds of each field, in characters. */
export const LIMITS = { what: 10000, agency: 100, person: 100, role: 100, when: 200, where: 200, how_known: 2000, name: 100, phone: 32, email: 254 };
export const DISCLOSURES = ['anonymous', 'confidential', 'open'];

/** fileProblem answers why a chosen file cannot be attached, or ''. */
export function fileProblem(f, w) {
  if (f.size > MAX_FILE_BYTES) return w('file_too_big', { name: f.name });
  if (!TYPES.test(f.type || '') && !EXT.test(f.name || '')) return w('file_bad_type', { name: f.name });
  return '';
}

export const sizeText = (n) => (n >= 1048576 ? (n / 1048576).toFixed(1) + ' MB' : Math.max(1, Math.round(n / 1024)) + ' KB');

/** reportFields builds the inputs of a report, filled from values (what
 * the form holds) and files ([{id, name, type, size, blob}], changed in
 * place); onChange is called after each change of the files. ownIdentity:
 * the person typing is the reporter, and the browser may fill in their own
 * name and contact (never on a handler's phone, where it would be the
 * handler's). It answers the pieces for the screen to lay out, and read()
 * for the values. */
export function reportFields({ prefix, w, values = {}, files = [], disclosure: initial = 'anonymous', ownIdentity = false, onChange = () => {} }) {
  const id = (name) => `${prefix}-${name}`;
  const input = (name, attrs = {}) => h(attrs.rows ? 'textarea' : 'input', { name, id: id(name), maxlength: LIMITS[name], ...attrs });
  const els = {
    what: input('what', { rows: 6, required: true, 'aria-required': 'true' }),
    agency: input('agency', { autocomplete: 'off' }), person: input('person', { autocomplete: 'off' }), role: input('role', { autocomplete: 'off' }),
    when: input('when', { autocomplete: 'off' }), where: input('where', { autocomplete: 'off' }),
    how_known: input('how_known', { rows: 3 }),
    name: input('name', { autocomplete: ownIdentity ? 'name' : 'off' }),
    phone: input('phone', { type: 'tel', autocomplete: ownIdentity ? 'tel' : 'off', inputmode: 'tel' }),
    email: input('email', { type: 'email', autocomplete: ownIdentity ? 'email' : 'off', inputmode: 'email' }),
  };
  for (const [k, el] of Object.entries(els)) el.value = values[k] || '';

  /** wrap is a field: its label (* when required), hint, input and error slot. */
  function wrap(name, labelText, el, { required, hint } = {}) {
    const hintId = hint ? id(name) + '-hint' : null;
    if (hintId) el.setAttribute('aria-describedby', hintId);
    return h('div', { class: 'field', dataset: { name } },
      h('label', { class: 'label', for: el.id }, labelText, required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
      hint ? h('small', { class: 'hint', id: hintId }, hint) : null,
      el,
      h('small', { class: 'field-error', id: id(name) + '-err', 'aria-live': 'polite' }));
  }

  const disclosure = h('fieldset', { class: 'part', id: id('disclosure') }, h('legend', {}, w('identity')),
    DISCLOSURES.map((v) => h('label', { class: 'choice-card' },
      h('input', { type: 'radio', name: 'disclosure', value: v, checked: (values.disclosure || initial) === v }),
      h('span', {}, h('strong', {}, w(v)), h('small', {}, w(v + '_hint'))))));
  const who = h('div', { id: id('identity') },
    h('p', { class: 'hint' }, w('contact_hint')),
    wrap('name', w('your_name'), els.name, { required: true }),
    wrap('phone', w('your_phone'), els.phone), wrap('email', w('your_email'), els.email));
  const chosen = () => disclosure.querySelector('input:checked')?.value || 'anonymous';
  /** showWho asks for the name and contact only when not anonymous. */
  const showWho = () => { who.hidden = chosen() === 'anonymous'; };
  showWho();

  const fileList = h('ul', { class: 'r-files', id: id('file-list') });
  const fileErr = h('p', { class: 'error', role: 'alert', id: id('file-err') });
  const picker = h('input', { type: 'file', id: id('file'), multiple: true, class: 'visually-hidden', accept: ACCEPT });
  const pickLabel = h('label', { class: 'button r-pick', for: id('file') }, w('files_choose'));
  const drawFiles = () => {
    fileList.replaceChildren(...(files.length ? files.map((f, i) => h('li', {},
      h('span', { class: 'r-file-name' }, f.name, h('small', {}, ' ' + sizeText(f.size))),
      h('button', { type: 'button', class: 'ghost r-file-remove', 'aria-label': w('file_remove', { name: f.name }), onclick: () => { files.splice(i, 1); drawFiles(); onChange(); } }, '✕')))
      : [h('li', { class: 'muted' }, w('files_none'))]));
    pickLabel.hidden = files.length >= MAX_FILES;
  };
  picker.addEventListener('change', () => {
    const problems = [];
    for (const f of picker.files) {
      if (files.length >= MAX_FILES) { problems.push(w('file_too_many')); break; }
      const p = fileProblem(f, w);
      if (p) { problems.push(p); continue; }
      files.push({ id: crypto.randomUUID(), name: f.name, type: f.type, size: f.size, blob: f });
    }
    picker.value = '';
    fileErr.textContent = problems.join('\n');
    drawFiles(); onChange();
  });
  const filesPart = h('fieldset', { class: 'part', id: id('files') }, h('legend', {}, w('files')),
    h('p', { class: 'hint', id: id('files-rule') }, w('files_rule')), picker, pickLabel, fileList, fileErr);
  picker.setAttribute('aria-describedby', id('files-rule'));
  drawFiles();

  const read = () => Object.fromEntries([...Object.entries(els).map(([k, el]) => [k, el.value]), ['disclosure', chosen()]]);
  return { els, wrap, disclosure, who, filesPart, fileErr, files, chosen, showWho, read };
}

/** reportBody is the report as the server takes it (without the proof or
 * the channel): trimmed, with the identity only when not anonymous. */
export function reportBody(f) {
  const s = (x) => String(x || '').trim();
  const b = {
    what: s(f.what), involved: { agency: s(f.agency), person: s(f.person), role: s(f.role) },
    when: s(f.when), where: s(f.where), how_known: s(f.how_known), disclosure: f.disclosure,
  };
  if (f.disclosure !== 'anonymous') b.identity = { name: s(f.name), phone: s(f.phone), email: s(f.email) };
  return b;
}

/** validateReport checks what the server checks, before anything is sent:
 * {field name: sentence}. */
export function validateReport(f, w) {
  const p = {};
  if (!String(f.what || '').trim()) p.what = w('required');
  for (const [k, n] of Object.entries(LIMITS)) if ([...String(f[k] || '')].length > n) p[k] = w('too_long', { n });
  if (f.disclosure !== 'anonymous') {
    if (!String(f.name || '').trim()) p.name = w('name_needed');
    if (!String(f.phone || '').trim() && !String(f.email || '').trim()) p.phone = w('contact_needed');
  }
  return p;
}

/** showProblems marks each field of form named in problems (and clears the
 * others): the sentence under the field, aria-invalid on its input. */
export function showProblems(form, problems, prefix) {
  for (const box of form.querySelectorAll('.field[data-name]')) {
    const msg = problems[box.dataset.name] || '';
    box.classList.toggle('invalid', Boolean(msg));
    box.querySelector('.field-error').textContent = msg;
    const el = box.querySelector('input, textarea');
    if (msg) { el.setAttribute('aria-invalid', 'true'); el.setAttribute('aria-errormessage', `${prefix}-${box.dataset.name}-err`); } else { el.removeAttribute('aria-invalid'); }
  }
}

/** clearMark takes a field's mark away as soon as the person types in it. */
export function clearMark(ev) {
  const box = ev.target.closest?.('.field.invalid');
  if (box) { box.classList.remove('invalid'); box.querySelector('.field-error').textContent = ''; ev.target.removeAttribute('aria-invalid'); }
}
