// screens/registers.js — the officer's registers on the phone: the
// ethics-code register (公務員廉政倫理規範登錄: a form that asks only what the
// type needs, kept in the offline queue; the officer's own list with 逾期
// badges) and early warnings (預警作為: raised from a record or on their own,
// followed through 草稿 → 已陳報 → 追蹤中 → 結案; sent online).

import * as api from '../api.js';
import * as oapi from '../api-officer.js';
import * as queue from '../queue.js';
import { label, metaGroup, t } from '../i18n.js';
import { h } from '../dom.js';
import { formatMoney, formatNumber, parseNumber, formatDateTime } from '../format.js';
import { errorMessage } from '../messages.js';
import { units, ensureUnits, toast, errText, go } from '../shell.js';
import { wrap, unitPicker, showErrors } from '../forms.js';
import { downscale } from './records.js';
import { ot, officeToday, daysBetween, lateNotice, rocDate } from '../officer-text.js';

const unitName = (id) => units.find((u) => u.id === id)?.name || (id ? t('unit_unknown') : '—');
const hashParams = () => new URLSearchParams(location.hash.split('?')[1] || '');
const MAX_VALUE = 100_000_000;
// Lobbying has nothing to return, pay for, hand over or donate (services/registration_rules.go).
const LOBBYING_HANDLINGS = ['reported_to_superior_only', 'other'];
const VALUE_REQUIRED = ['gift', 'hospitality'];

/** choices is a group of big radio buttons; nothing is picked until tapped. */
function choices(name, options, value, onchange, cls = '') {
  const box = h('div', { class: 'choices ' + cls }, options.map(([v, text]) =>
    h('label', { class: 'choice' }, h('input', { type: 'radio', name, value: String(v), checked: value === v, onchange }), h('span', {}, text))));
  box.read = () => {
    const c = box.querySelector('input:checked');
    if (!c) return undefined;
    return c.value === 'true' ? true : c.value === 'false' ? false : c.value;
  };
  return box;
}
/** group is a labelled set of choices with its place for an error. */
function group(path, legend, box, required = true) {
  return h('fieldset', { class: 'field choices-field', dataset: { path } },
    h('legend', { class: 'label' }, legend, required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
    box, h('small', { class: 'field-error', 'aria-live': 'polite' }));
}
const textLen = (s) => [...String(s || '')].length;
const oneLine = (s) => !/[\r\n]/.test(s);

// ================================================================ registrations

/** validateRegistration checks a registration as the server does
 * (services/registration_rules.go) and answers {path: server message}. */
export function validateRegistration(r, today = officeToday()) {
  const f = {};
  const text = (path, v, max, required, line) => {
    const s = String(v ?? '');
    if (!s.trim()) { if (required) f[path] = 'required'; return; }
    if (line && !oneLine(s)) f[path] = 'must be one line';
    else if (textLen(s) > max) f[path] = `must be at most ${max} characters`;
  };
  if (!['gift', 'hospitality', 'lobbying', 'other'].includes(r.type)) f.type = 'required';
  text('servant.name', r.servant.name, 50, true, true);
  text('servant.title', r.servant.title, 50, true, true);
  if (!r.servant.unit_id) f['servant.unit_id'] = 'required';
  text('counterparty.name', r.counterparty.name, 100, true, true);
  if (!r.counterparty.kind) f['counterparty.kind'] = 'required';
  if (r.counterparty.interested_party === undefined) f['counterparty.interested_party'] = 'required: true or false';
  text('description', r.description, 2000, true, false);
  for (const k of ['event_date', 'notified_date']) {
    const d = r[k];
    if (!d) f[k] = 'required';
    else if (!/^\d{4}-\d\d-\d\d$/.test(d)) f[k] = 'must be a date such as 2026-03-01';
    else if (d < '1912-01-01') f[k] = 'must not be before 1912-01-01 (ROC year 1)';
    else if (d > today) f[k] = `must not be in the future (today is ${today} in the office time zone)`;
  }
  if (!f.event_date && !f.notified_date && r.notified_date < r.event_date) f.notified_date = 'must not be before event_date';
  if (r.type === 'lobbying' && r.value_ntd != null) f.value_ntd = 'must be absent (null) for lobbying: a request has no value';
  else if (r.value_ntd == null && VALUE_REQUIRED.includes(r.type)) f.value_ntd = `required for ${r.type} (NT$, 0 or more)`;
  else if (r.value_ntd != null && !(Number.isInteger(r.value_ntd) && r.value_ntd >= 0 && r.value_ntd <= MAX_VALUE)) f.value_ntd = `must be between 0 and ${MAX_VALUE}`;
  if (!r.handling) f.handling = 'required';
  else if (r.type === 'lobbying' && !LOBBYING_HANDLINGS.includes(r.handling)) f.handling = 'a lobbying request is reported_to_superior_only or other';
  text('handling_note', r.handling_note, 500, r.handling === 'other', false);
  return f;
}

/** regForm is the registration form: the type first, then only what it needs. */
function regForm({ initial = {}, errors = null, onSubmit, heading }) {
  const today = officeToday();
  const sv = initial.servant || {}, cp = initial.counterparty || {};
  const body = h('div', { id: 'reg-body' });
  const typeBox = choices('reg-type', metaGroup('registration_types').map((o) => [o.value, label('registration_types', o.value)]), initial.type, () => showType(), 'two');
  const sName = h('input', { name: 'servant_name', maxlength: 50, autocomplete: 'off', value: sv.name || '' });
  const unit = unitPicker(units, sv.unit_id);
  unit.select.id = 'reg-unit'; unit.search.id = 'reg-unit-search';
  const sTitle = h('input', { name: 'servant_title', maxlength: 50, value: sv.title || '' });
  const cName = h('input', { name: 'cp_name', maxlength: 100, autocomplete: 'off', value: cp.name || '' });
  const cKind = choices('cp-kind', metaGroup('counterparty_kinds').map((o) => [o.value, label('counterparty_kinds', o.value)]), cp.kind, null, 'two');
  const cInterest = choices('cp-interest', [[true, ot('yes')], [false, ot('no')]], cp.interested_party, null, 'two');
  const eDate = h('input', { name: 'event_date', type: 'date', max: today, value: initial.event_date || today });
  const nDate = h('input', { name: 'notified_date', type: 'date', max: today, value: initial.notified_date || today });
  const eRoc = h('small', { class: 'hint roc', id: 'event-roc' });
  const nRoc = h('small', { class: 'hint roc', id: 'notified-roc' });
  const lateLive = h('p', { id: 'late-live', 'aria-live': 'polite' });
  const desc = h('textarea', { name: 'description', rows: 3, maxlength: 2000 }, initial.description || '');
  const value = h('input', { name: 'value_ntd', inputmode: 'numeric', autocomplete: 'off', value: initial.value_ntd != null ? formatNumber(initial.value_ntd) : '' });
  value.addEventListener('blur', () => { const n = parseNumber(value.value); if (!isNaN(n)) value.value = formatNumber(n); });
  const valueField = wrap('value_ntd', ot('reg_value'), value, { required: true, hint: ot('reg_value_hint') });
  const handlingBox = h('div');
  let handling = null;
  const note = h('textarea', { name: 'handling_note', rows: 2, maxlength: 500 }, initial.handling_note || '');
  const noteField = wrap('handling_note', ot('reg_handling_note'), note, { required: true });
  const photo = h('input', { type: 'file', accept: 'image/*', capture: 'environment', id: 'reg-photo', class: 'visually-hidden' });
  const photoName = h('small', { class: 'hint', id: 'reg-photo-name', 'aria-live': 'polite' });
  photo.addEventListener('change', () => { photoName.textContent = photo.files[0]?.name || ''; });

  const showDates = () => {
    eRoc.textContent = rocDate(eDate.value);
    nRoc.textContent = rocDate(nDate.value);
    lateLive.replaceChildren();
    if (!/^\d{4}-\d\d-\d\d$/.test(eDate.value) || !/^\d{4}-\d\d-\d\d$/.test(nDate.value) || nDate.value < eDate.value) { lateLive.className = ''; return; }
    const n = daysBetween(eDate.value, nDate.value);
    const late = lateNotice(eDate.value, nDate.value);
    lateLive.className = late ? 'notice late-warning' : 'muted';
    if (late) lateLive.append(h('span', { class: 'badge late' }, ot('reg_late')), ' ');
    lateLive.append(late ? ot('reg_late_live', { n }) : ot('reg_on_time', { n }));
  };
  eDate.addEventListener('input', showDates); nDate.addEventListener('input', showDates);

  const showType = () => {
    const type = typeBox.read();
    firstNote.hidden = Boolean(type);
    if (!type) { body.hidden = true; return; }
    body.hidden = false;
    valueField.hidden = type === 'lobbying';
    valueField.querySelector('.req').hidden = !VALUE_REQUIRED.includes(type);
    const cur = handling?.read() ?? initial.handling;
    const allowed = metaGroup('registration_handlings').filter((o) => type !== 'lobbying' || LOBBYING_HANDLINGS.includes(o.value));
    handling = choices('reg-handling', allowed.map((o) => [o.value, label('registration_handlings', o.value)]), allowed.some((o) => o.value === cur) ? cur : undefined, showNote);
    handlingBox.replaceChildren(group('handling', ot('reg_handling'), handling));
    showNote();
  };
  const showNote = () => { noteField.hidden = handling?.read() !== 'other'; };

  const summary = h('div', { class: 'error', role: 'alert', id: 'form-error' });
  const firstNote = h('p', { class: 'muted', id: 'type-first' }, ot('reg_type_first'));
  body.append(
    h('fieldset', { class: 'part' }, h('legend', {}, ot('reg_servant')),
      wrap('servant.name', ot('reg_servant_name'), sName, { required: true }),
      h('div', { class: 'field', dataset: { path: 'servant.unit_id' } },
        h('label', { class: 'label', for: 'reg-unit' }, ot('reg_servant_unit'), h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')),
        unit.search, unit.select, h('small', { class: 'field-error', 'aria-live': 'polite' })),
      wrap('servant.title', ot('reg_servant_title'), sTitle, { required: true })),
    h('fieldset', { class: 'part' }, h('legend', {}, ot('reg_cp')),
      wrap('counterparty.name', ot('reg_cp_name'), cName, { required: true }),
      group('counterparty.kind', ot('reg_cp_kind'), cKind),
      group('counterparty.interested_party', ot('reg_cp_interest'), cInterest)),
    h('div', { class: 'row2' },
      wrap('event_date', ot('reg_event_date'), eDate, { required: true }),
      wrap('notified_date', ot('reg_notified_date'), nDate, { required: true })),
    h('div', { class: 'row2 roc-row' }, eRoc, nRoc),
    lateLive,
    wrap('description', ot('reg_desc'), desc, { required: true }),
    valueField,
    handlingBox,
    noteField,
    h('div', { class: 'field' }, h('span', { class: 'label' }, ot('reg_photo')),
      h('label', { class: 'button', for: 'reg-photo' }, ot('reg_photo_pick')), photo, photoName),
    summary,
    h('button', { type: 'submit', class: 'primary', id: 'reg-save' }, ot('save')));
  const form = h('form', { class: 'card reg-form', id: 'reg-form', novalidate: true },
    h('h2', {}, heading || ot('reg_new_h')),
    group('type', ot('reg_type'), typeBox),
    firstNote,
    body);
  form.read = () => {
    const type = typeBox.read() || '';
    const r = {
      type,
      servant: { name: sName.value.trim(), unit_id: unit.select.value, title: sTitle.value.trim() },
      counterparty: { name: cName.value.trim(), kind: cKind.read() || '', interested_party: cInterest.read() },
      event_date: eDate.value, notified_date: nDate.value, description: desc.value.trim(),
      handling: handling?.read() || '',
    };
    if (type !== 'lobbying' && value.value.trim() !== '') { const n = parseNumber(value.value); r.value_ntd = isNaN(n) ? -1 : n; }
    if (r.handling === 'other' && note.value.trim()) r.handling_note = note.value.trim();
    return r;
  };
  form.photo = () => photo.files[0] || null;
  const clear = (ev) => {
    const box = ev.target.closest('.field.invalid');
    if (!box) return;
    box.classList.remove('invalid');
    const err = box.querySelector('.field-error');
    if (err) err.textContent = '';
  };
  form.addEventListener('input', clear); form.addEventListener('change', clear);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const r = form.read();
    const problems = validateRegistration(r);
    if (Object.keys(problems).length) { showErrors(form, problems); return; }
    showErrors(form, {});
    const btn = form.querySelector('#reg-save');
    btn.disabled = true;
    try { await onSubmit(r, form); } finally { btn.disabled = false; }
  });
  showDates(); showType();
  if (errors) setTimeout(() => showErrors(form, errors), 0);
  return form;
}

const regLabel = (r) => `${label('registration_types', r.type)}：${r.servant.name}`;

/** regNewView registers an event; #/reg-new?fix=SEQ opens a refused queued one. */
export async function regNewView() {
  await ensureUnits();
  const fixSeq = hashParams().get('fix');
  const item = fixSeq ? await queue.get(Number(fixSeq)) : null;
  const queuePhoto = async (id, file) => {
    if (!file) return;
    const { blob, name } = await downscale(file);
    await queue.enqueue({ op: 'regAttachment', payload: { registrationId: id, id: crypto.randomUUID(), name }, blob, activityId: id, label: `📷 ${name}` });
  };
  if (item && item.op === 'createRegistration') {
    const form = regForm({ initial: item.payload.registration, errors: item.error?.fields || null, heading: t('fix_title'), onSubmit: async (r) => {
      const fixed = { ...r, id: item.payload.registration.id };
      await queue.resend(item.seq, { registration: fixed }, regLabel(fixed));
      toast(t('resent')); go('#/regs');
    } });
    form.prepend(h('p', { class: 'notice', id: 'fix-intro' }, t('fix_intro'), item.error && !item.error.fields ? ' ' + errorMessage(item.error) : ''));
    return form;
  }
  return regForm({ onSubmit: async (r, form) => {
    r.id = crypto.randomUUID();
    const file = form.photo();
    // Online, it is sent at once so that the server's answer stands beside
    // its field; offline (or when the network fails) it waits in the queue.
    if (navigator.onLine) {
      try {
        await api.perform('createRegistration', { registration: r });
        await queuePhoto(r.id, file);
        toast(ot('reg_saved'));
        go('#/reg/' + encodeURIComponent(r.id));
        return;
      } catch (e) {
        if (e instanceof api.SessionExpired) throw e;
        if (!(e.network || e.transient)) {
          if (e.fields) showErrors(form, e.fields);
          else form.querySelector('#form-error').textContent = errorMessage(e);
          return;
        }
      }
    }
    await queue.enqueue({ op: 'createRegistration', payload: { registration: r }, activityId: r.id, label: regLabel(r) });
    await queuePhoto(r.id, file);
    toast(ot('reg_queued'));
    go('#/regs');
  } });
}

function regCard(r, { queued = null, seq = null, error = null } = {}) {
  const late = r.late ?? lateNotice(r.event_date, r.notified_date);
  const href = queued === 'failed' ? '#/reg-new?fix=' + seq : queued ? null : '#/reg/' + encodeURIComponent(r.id);
  const inner = [
    h('span', { class: 'act-title' }, `${label('registration_types', r.type)}：${r.servant?.name || ''}`),
    h('span', { class: 'act-meta' }, [r.servant?.unit_name || unitName(r.servant?.unit_id), rocDate(r.event_date), r.counterparty?.name].filter(Boolean).join(' · ')),
    h('span', { class: 'reg-badges' },
      queued ? h('span', { class: 'badge queued' }, queued === 'failed' ? ot('reg_refused') : ot('reg_waiting')) : null,
      late ? h('span', { class: 'badge late', dataset: { late: '1' } }, ot('reg_late')) : null),
    error ? h('span', { class: 'next-step bad' }, errText(error)) : null,
  ];
  return h('li', { class: 'act reg' + (late ? ' overdue' : ''), dataset: { id: r.id, late: late ? '1' : '0', queued: queued || '' } },
    href ? h('a', { href, class: 'act-link' }, inner) : h('div', { class: 'act-link' }, inner));
}

/** regsView is 倫理登錄: a button to register, and the officer's own registrations. */
export async function regsView() {
  const me = api.currentUser();
  await ensureUnits().catch(() => {});
  const queued = (await queue.all()).filter((i) => i.op === 'createRegistration' && i.userId === me.id);
  const list = h('ul', { class: 'acts', id: 'regs' });
  list.append(...queued.map((i) => regCard(i.payload.registration, { queued: i.status === 'failed' ? 'failed' : 'waiting', seq: i.seq, error: i.error })));
  const seen = new Set(queued.map((i) => i.payload.registration.id));
  let note = null;
  let items = [], next = '';
  try {
    // Only the officer's own are read: every read of the register is audited with the ids shown.
    const page = await oapi.registrations({ owner_id: me.id, limit: 50 });
    items = page.items || []; next = page.next_cursor || '';
    await queue.cachePut('regs:mine', items);
  } catch (e) {
    if (e instanceof api.SessionExpired) throw e;
    items = (await queue.cacheGet('regs:mine')) || [];
    note = e.network ? t('cached_copy') : errText(e);
  }
  list.append(...items.filter((r) => !seen.has(r.id)).map((r) => regCard(r)));
  if (!list.children.length) list.append(h('li', { class: 'muted' }, ot('reg_none')));
  const more = h('button', { type: 'button', class: 'ghost wide', id: 'regs-more', hidden: !next }, ot('more'));
  more.onclick = async () => {
    try {
      const page = await oapi.registrations({ owner_id: me.id, limit: 50, cursor: next });
      list.append(...(page.items || []).filter((r) => !seen.has(r.id)).map((r) => regCard(r)));
      next = page.next_cursor || '';
      more.hidden = !next;
    } catch (e) { if (e instanceof api.SessionExpired) throw e; toast(errText(e), 'bad'); }
  };
  return h('section', { id: 'regs-view' },
    h('a', { class: 'button primary wide', id: 'reg-new', href: '#/reg-new' }, ot('reg_new')),
    note ? h('p', { class: 'notice' }, note) : null,
    h('h2', {}, ot('reg_mine')), list, more);
}

/** regView shows one registration. */
export async function regView(id) {
  await ensureUnits().catch(() => {});
  let r, note = null;
  try { r = await oapi.registration(id); } catch (e) {
    if (e instanceof api.SessionExpired) throw e;
    r = ((await queue.cacheGet('regs:mine')) || []).find((x) => x.id === id);
    if (!r) return h('p', { class: 'error' }, errText(e));
    note = t('cached_copy');
  }
  const row = (k, v) => (v === undefined || v === null || v === '' ? null : [h('dt', {}, k), h('dd', {}, v)]);
  return h('section', { class: 'card', id: 'reg', dataset: { id: r.id, late: r.late ? '1' : '0' } },
    h('a', { href: '#/regs', class: 'link' }, '← ', ot('back')),
    note ? h('p', { class: 'notice' }, note) : null,
    h('h2', {}, `${label('registration_types', r.type)}：${r.servant.name}`),
    r.late ? h('p', {}, h('span', { class: 'badge late', id: 'reg-late' }, ot('reg_late')), ' ', ot('reg_days', { n: r.days_to_notify })) : h('p', { class: 'muted' }, ot('reg_on_time', { n: r.days_to_notify })),
    h('dl', { class: 'details', id: 'reg-details' },
      row(ot('reg_servant'), `${r.servant.name}（${r.servant.unit_name || unitName(r.servant.unit_id)} ${r.servant.title}）`),
      row(ot('reg_cp'), `${r.counterparty.name}（${label('counterparty_kinds', r.counterparty.kind)}）`),
      row(ot('reg_cp_interest'), ot(r.counterparty.interested_party ? 'yes' : 'no')),
      row(ot('reg_event_date'), rocDate(r.event_date)),
      row(ot('reg_notified_date'), rocDate(r.notified_date)),
      row(ot('reg_desc'), h('span', { class: 'pre' }, r.description)),
      r.value_ntd != null ? row(ot('reg_value'), formatMoney(r.value_ntd)) : null,
      row(ot('reg_handling'), label('registration_handlings', r.handling)),
      row(ot('reg_handling_note'), r.handling_note)),
    (r.attachments || []).length ? [h('h3', {}, t('attachments')), h('ul', { class: 'plain' }, r.attachments.map((x) =>
      h('li', {}, h('a', { class: 'link', href: '/api/v1/attachments/' + encodeURIComponent(x.id), target: '_blank', rel: 'noopener' }, `${t('attachment')} · ${label('attachment_types', x.content_type) || ''}`))))] : null);
}

// ================================================================ early warnings

const STEPS = [['draft', 'w_step_draft'], ['submitted', 'w_step_submitted'], ['following_up', 'w_step_following'], ['closed', 'w_step_closed']];

function statusBadge(s) {
  return h('span', { class: 'badge w-' + s, dataset: { status: s } }, label('early_warning_statuses', s));
}

/** warningsView lists the officer's own warnings and those of their unit. */
export async function warningsView() {
  const me = api.currentUser();
  await ensureUnits().catch(() => {});
  let items = [], note = null;
  try { items = (await oapi.warnings()).items || []; await queue.cachePut('warnings', items); } catch (e) {
    if (e instanceof api.SessionExpired) throw e;
    items = (await queue.cacheGet('warnings')) || [];
    note = e.network ? t('cached_copy') : errText(e);
  }
  const list = h('ul', { class: 'acts', id: 'warnings' }, items.map((w) => h('li', { class: 'act', dataset: { id: w.id, status: w.status } },
    h('a', { class: 'act-link', href: '#/w/' + encodeURIComponent(w.id) },
      h('span', { class: 'act-title' }, w.subject),
      h('span', { class: 'act-meta' }, [unitName(w.unit_id), label('early_warning_risk_areas', w.risk_area), w.owner_id === me.id ? ot('w_mine') : ot('w_unit_only')].join(' · ')),
      statusBadge(w.status),
      w.status === 'draft' && w.return_comment ? h('span', { class: 'next-step bad' }, ot('w_returned')) : null))));
  if (!items.length) list.append(h('li', { class: 'muted' }, ot('w_none')));
  return h('section', { id: 'warnings-view' },
    h('a', { class: 'button primary wide', id: 'warn-new', href: '#/warn-new' }, ot('w_new')),
    note ? h('p', { class: 'notice' }, note) : null,
    h('h2', {}, ot('w_h')), list);
}

function validateWarning(w, today = officeToday()) {
  const f = {};
  if (!w.unit_id) f.unit_id = 'required';
  if (!w.risk_area) f.risk_area = 'required';
  if (!w.subject) f.subject = 'required';
  else if (!oneLine(w.subject)) f.subject = 'must be one line';
  else if (textLen(w.subject) > 200) f.subject = 'must be at most 200 characters';
  if (!w.observed) f.observed = 'required';
  else if (textLen(w.observed) > 4000) f.observed = 'must be at most 4000 characters';
  if (w.suggested_measures && textLen(w.suggested_measures) > 4000) f.suggested_measures = 'must be at most 4000 characters';
  const d = w.submitted_to_head_on;
  if (d && d > today) f.submitted_to_head_on = `must not be in the future (today is ${today} in the office time zone)`;
  if (d && d < '1912-01-01') f.submitted_to_head_on = 'must not be before 1912-01-01 (ROC year 1)';
  return f;
}

/** warnForm is the warning's fields; onSubmit gets them. */
function warnForm({ initial = {}, heading, onSubmit }) {
  const unit = unitPicker(units, initial.unit_id);
  unit.select.id = 'w-unit'; unit.search.id = 'w-unit-search';
  const area = h('select', { name: 'risk_area' }, h('option', { value: '' }, t('choose')),
    metaGroup('early_warning_risk_areas').map((o) => h('option', { value: o.value, selected: o.value === initial.risk_area }, label('early_warning_risk_areas', o.value))));
  const subject = h('input', { name: 'subject', maxlength: 200, value: initial.subject || '' });
  const observed = h('textarea', { name: 'observed', rows: 6 }, initial.observed || '');
  const measures = h('textarea', { name: 'suggested_measures', rows: 4 }, initial.suggested_measures || '');
  const date = h('input', { name: 'submitted_to_head_on', type: 'date', max: officeToday(), value: initial.submitted_to_head_on || '' });
  const roc = h('small', { class: 'hint roc' });
  const showRoc = () => { roc.textContent = rocDate(date.value); };
  date.addEventListener('input', showRoc); showRoc();
  const form = h('form', { class: 'card', id: 'warn-form', novalidate: true },
    h('h2', {}, heading),
    initial.activity_id ? h('p', { class: 'muted', id: 'w-source' }, ot('w_from'), '：', h('a', { class: 'link', href: '#/a/' + encodeURIComponent(initial.activity_id) }, initial._source || t('back'))) : null,
    h('div', { class: 'field', dataset: { path: 'unit_id' } },
      h('label', { class: 'label', for: 'w-unit' }, ot('w_unit'), h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')),
      unit.search, unit.select, h('small', { class: 'field-error', 'aria-live': 'polite' })),
    wrap('risk_area', ot('w_area'), area, { required: true }),
    wrap('subject', ot('w_subject'), subject, { required: true }),
    wrap('observed', ot('w_observed'), observed, { required: true }),
    wrap('suggested_measures', ot('w_measures'), measures, { hint: ot('w_needed_submit') }),
    wrap('submitted_to_head_on', ot('w_submitted_on'), date), roc,
    h('div', { class: 'error', role: 'alert', id: 'form-error' }),
    h('button', { type: 'submit', class: 'primary', id: 'w-save' }, ot('save')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const w = { unit_id: unit.select.value, risk_area: area.value, subject: subject.value.trim(), observed: observed.value.trim(),
      suggested_measures: measures.value.trim(), submitted_to_head_on: date.value };
    const problems = validateWarning(w);
    if (Object.keys(problems).length) { showErrors(form, problems); return; }
    showErrors(form, {});
    const btn = form.querySelector('#w-save');
    btn.disabled = true;
    try { await onSubmit(w); } catch (e) {
      if (e instanceof api.SessionExpired) throw e;
      if (e.fields) showErrors(form, e.fields);
      else form.querySelector('#form-error').textContent = e.network ? ot('w_online_only') : errorMessage(e);
    } finally { btn.disabled = false; }
  });
  return form;
}

/** warnNewView raises a warning; ?activity=ID prefills it from a procurement supervision. */
export async function warnNewView() {
  await ensureUnits();
  const aid = hashParams().get('activity');
  const init = {};
  if (aid) {
    try {
      const a = await api.activity(aid);
      const p = a.procurement || {};
      Object.assign(init, {
        unit_id: a.unit_id, activity_id: a.id, risk_area: 'procurement', _source: a.title,
        subject: ot('w_prefill_subject', { t: p.case_title || a.title }),
        observed: [ot('w_prefill_observed', { kind: label('activity_kinds', a.kind), t: p.case_title || a.title, no: p.case_no || '—' }),
          ...(p.deficiencies || []).map((d, i) => `${i + 1}. ${d}`)].join('\n'),
      });
    } catch (e) { if (e instanceof api.SessionExpired) throw e; }
  }
  return warnForm({ initial: init, heading: ot('w_new_h'), onSubmit: async (w) => {
    const body = { id: crypto.randomUUID(), ...w };
    if (init.activity_id) body.activity_id = init.activity_id;
    for (const k of ['suggested_measures', 'submitted_to_head_on']) if (!body[k]) delete body[k];
    const saved = await oapi.createWarning(body);
    toast(ot('w_saved'));
    go('#/w/' + encodeURIComponent(saved.id));
  } });
}

/** warnEditView edits a draft. */
export async function warnEditView(id) {
  await ensureUnits();
  const w = await oapi.warning(id);
  return warnForm({ initial: w, heading: ot('w_edit'), onSubmit: async (v) => {
    const patch = { version: w.version, ...v };
    if (!patch.submitted_to_head_on) delete patch.submitted_to_head_on;
    await oapi.updateWarning(id, patch);
    toast(ot('w_saved'));
    go('#/w/' + encodeURIComponent(id));
  } });
}

/** actionForm is one step's small form, built when its button is tapped. */
function actionForm(id, fields, submitText, send) {
  const form = h('form', { class: 'card action-form', id, novalidate: true }, fields.map((f) => f.el),
    h('div', { class: 'error', role: 'alert', id: 'form-error' }),
    h('button', { type: 'submit', class: 'primary' }, submitText));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const problems = {};
    for (const f of fields) { const m = f.check?.(); if (m) problems[f.path] = m; }
    if (Object.keys(problems).length) { showErrors(form, problems); return; }
    const btn = form.querySelector('button[type=submit]');
    btn.disabled = true;
    try { await send(); } catch (e) {
      if (e instanceof api.SessionExpired) throw e;
      if (e.fields) showErrors(form, e.fields);
      else form.querySelector('#form-error').textContent = e.network ? ot('w_online_only') : errorMessage(e);
    } finally { btn.disabled = false; }
  });
  return form;
}

function dateField(path, lab, value) {
  const today = officeToday();
  const input = h('input', { type: 'date', name: path, max: today, value: value || today });
  const roc = h('small', { class: 'hint roc' }, rocDate(input.value));
  input.addEventListener('input', () => { roc.textContent = rocDate(input.value); });
  return { path, input, el: [wrap(path, lab, input, { required: true }), roc],
    check: () => (!input.value ? 'required' : input.value > today ? `must not be in the future (today is ${today} in the office time zone)` : '') };
}
function textField(path, lab, max) {
  const input = h('textarea', { name: path, rows: 3, maxlength: max });
  return { path, input, el: wrap(path, lab, input, { required: true }),
    check: () => (!input.value.trim() ? 'required' : textLen(input.value) > max ? `must be at most ${max} characters` : '') };
}

/** warnView is one warning: its steps, fields, follow-ups and the officer's next actions. */
export async function warnView(id) {
  const me = api.currentUser();
  await ensureUnits().catch(() => {});
  const w = await oapi.warning(id);
  const canAct = w.owner_id === me.id || me.role === 'manager' || me.role === 'admin';
  const at = STEPS.findIndex(([s]) => s === w.status);
  const steps = h('ol', { class: 'steps', id: 'w-steps', 'aria-label': ot('w_steps') }, STEPS.map(([s, key], i) =>
    h('li', { class: i < at ? 'done' : i === at ? 'current' : 'todo', 'aria-current': i === at ? 'step' : null, dataset: { step: s } }, ot(key))));
  const row = (k, v) => (v === undefined || v === null || v === '' ? null : [h('dt', {}, k), h('dd', {}, v)]);
  const follows = [...(w.follow_ups || [])].sort((a, b) => a.date.localeCompare(b.date) || a.created_at.localeCompare(b.created_at));
  const actionBox = h('div', { id: 'w-action' });
  const done = (msg) => { toast(msg); go('#/w/' + encodeURIComponent(id)); };
  const open = (build) => { actionBox.replaceChildren(build()); actionBox.querySelector('input, textarea')?.focus(); };
  const buttons = [];
  if (canAct && w.status === 'draft') {
    buttons.push(h('a', { class: 'button', id: 'w-edit', href: '#/warn-edit/' + encodeURIComponent(id) }, ot('w_edit')));
    buttons.push(h('button', { type: 'button', class: 'primary', id: 'w-submit', onclick: () => open(() => {
      const d = dateField('submitted_to_head_on', ot('w_submitted_on'), w.submitted_to_head_on);
      return actionForm('submit-form', [d], ot('w_submit_go'), async () => {
        await oapi.submitWarning(id, { version: w.version, submitted_to_head_on: d.input.value });
        done(ot('w_submitted_ok'));
      });
    }) }, ot('w_submit')));
  }
  if (canAct && (w.status === 'submitted' || w.status === 'following_up')) {
    buttons.push(h('button', { type: 'button', class: 'primary', id: 'w-follow', onclick: () => open(() => {
      const d = dateField('date', ot('w_follow_date'));
      const a = textField('action_taken', ot('w_follow_action'), 2000);
      return actionForm('follow-form', [d, a], ot('w_follow_save'), async () => {
        await oapi.followUp(id, { version: w.version, date: d.input.value, action_taken: a.input.value.trim() });
        done(ot('w_follow_ok'));
      });
    }) }, ot('w_follow')));
  }
  if (canAct && w.status === 'following_up') {
    buttons.push(h('button', { type: 'button', id: 'w-close', onclick: () => open(() => {
      const o = textField('outcome', ot('w_outcome'), 2000);
      return actionForm('close-form', [o], ot('w_close_go'), async () => {
        await oapi.closeWarning(id, { version: w.version, outcome: o.input.value.trim() });
        done(ot('w_closed_ok'));
      });
    }) }, ot('w_close')));
  }
  return h('section', { class: 'card', id: 'warning', dataset: { id, status: w.status } },
    h('a', { href: '#/warnings', class: 'link' }, '← ', ot('back')),
    h('h2', {}, w.subject),
    h('p', { class: 'act-meta' }, label('early_warning_risk_areas', w.risk_area), ' · ', statusBadge(w.status)),
    steps,
    w.status === 'draft' && w.return_comment ? h('div', { class: 'notice', id: 'w-returned' }, h('strong', {}, ot('w_returned'), '：'),
      h('span', { class: 'pre' }, w.return_comment), w.returned_at ? h('small', { class: 'hint' }, ' ', formatDateTime(w.returned_at)) : null) : null,
    !canAct ? h('p', { class: 'muted' }, ot('w_read_only')) : null,
    h('dl', { class: 'details', id: 'w-details' },
      row(ot('w_unit'), unitName(w.unit_id)),
      w.activity_id ? row(ot('w_from'), h('a', { class: 'link', href: '#/a/' + encodeURIComponent(w.activity_id) }, ot('w_open_record'))) : null,
      row(ot('w_observed'), h('span', { class: 'pre' }, w.observed)),
      row(ot('w_measures'), w.suggested_measures ? h('span', { class: 'pre' }, w.suggested_measures) : ''),
      row(ot('w_submitted_on'), rocDate(w.submitted_to_head_on)),
      row(ot('w_outcome'), w.outcome ? h('span', { class: 'pre' }, w.outcome) : '')),
    h('h3', {}, ot('w_follows')),
    follows.length ? h('ol', { class: 'history', id: 'w-follows' }, follows.map((f) => h('li', { dataset: { date: f.date } },
      h('span', { class: 'h-when nowrap' }, rocDate(f.date)), ' ', h('span', { class: 'pre' }, f.action_taken)))) : h('p', { class: 'muted', id: 'w-follows' }, ot('w_no_follows')),
    buttons.length ? h('div', { class: 'actions', id: 'w-actions' }, buttons) : null,
    actionBox);
}
