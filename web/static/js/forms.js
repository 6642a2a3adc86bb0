// forms.js — the one form of a record, for every kind and every purpose:
// create, edit (the same form prefilled), complete (what completion needs,
// marked required) and fix (a queued write the server refused, with its
// messages next to the fields). Validation here follows the server's rules
// (services/activities.go validate) so that most mistakes never leave the phone.

import { t, label, metaGroup } from './i18n.js';
import { h } from './dom.js';
import { formatNumber, parseNumber, localInput, formatDateTime } from './format.js';
import { fieldMessage } from './messages.js';
import { sitePreview } from './mapview.js';
import { ot } from './officer-text.js';

// Which kind-specific part each kind has (SPEC "activity kinds").
export const PART_OF = {
  procurement_supervision: 'procurement', security_maintenance: 'maintenance', petition: 'petition',
  safety_inspection: 'checklist', infosec_audit: 'checklist', outreach_event: 'event', ethics_promotion: 'event',
  opinion_visit: 'opinion_visit',
};
// The fields of each part: [name, type, meta group, required ('always' | 'complete')].
export const PART_FIELDS = {
  procurement: [['case_no', 'text', null, 'always'], ['case_title', 'text', null, 'always'], ['category', 'select', 'procurement_categories', 'always'],
    ['budget_amount', 'money'], ['stage', 'select', 'procurement_stages', 'complete'], ['deficiencies', 'lines'], ['corrected', 'bool']],
  maintenance: [['event_name', 'text', null, 'always'], ['risk_level', 'select', 'risk_levels', 'always'], ['measures', 'textarea', null, 'complete']],
  petition: [['petitioners', 'int', null, 'always'], ['subject', 'text', null, 'always'], ['outcome', 'textarea', null, 'complete']],
  event: [['scale', 'select', 'event_scales', 'always'], ['audience', 'text'], ['participants', 'int', null, 'complete'],
    ['volunteer_capacity', 'int'], ['published', 'bool'], ['ends_at', 'datetime']],
  // Respondents and the questionnaire are small objects: partInputs builds them itself.
  opinion_visit: [['service', 'text', null, 'always'], ['respondents', 'obj', null, 'complete'], ['questionnaire', 'obj', null, 'complete'],
    ['findings', 'textarea', null, 'complete'], ['suggestions', 'textarea']],
};
const MAX_TEXT = { title: 200, notes: 4000, case_no: 64, case_title: 200, event_name: 200, measures: 4000, subject: 200, outcome: 4000, audience: 200, item: 200, note: 1000, name: 100, address: 200 };

/** wrap is one labelled field with its place for an error; path is the server's field path. */
export function wrap(path, labelText, input, { required = false, hint = null } = {}) {
  const err = h('small', { class: 'field-error', id: 'err-' + path.replace(/[^a-z0-9]/gi, '-'), 'aria-live': 'polite' });
  if (input.id === undefined || !input.id) input.id = 'f-' + path.replace(/[^a-z0-9]/gi, '-');
  input.setAttribute('aria-describedby', err.id);
  return h('div', { class: 'field', dataset: { path } },
    h('label', { class: 'label', for: input.id }, labelText, required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null,
      required ? h('span', { class: 'visually-hidden' }, '（' + t('required') + '）') : null),
    input, hint ? h('small', { class: 'hint' }, hint) : null, err);
}

function selectOf(group, name, value, placeholder = true) {
  return h('select', { name },
    placeholder ? h('option', { value: '' }, t('choose')) : null,
    metaGroup(group).map((o) => h('option', { value: o.value, selected: o.value === value }, label(group, o.value))));
}

/** moneyInput shows 12,500,000 while typing stays free; read with parseNumber. */
function moneyInput(name, value) {
  const input = h('input', { name, inputmode: 'numeric', autocomplete: 'off', value: value != null ? formatNumber(value) : '' });
  input.addEventListener('blur', () => { const n = parseNumber(input.value); if (!isNaN(n)) input.value = formatNumber(n); });
  return input;
}

/** unitPicker is the agency list with a search box above it (a phone's
 * select of 200 names is hard to scroll). */
export function unitPicker(units, value) {
  const select = h('select', { name: 'unit_id', id: 'unit', required: true });
  const fill = (q) => {
    const cur = select.value || value || '';
    const list = units.filter((u) => !q || u.name.includes(q) || u.id === cur);
    select.replaceChildren(h('option', { value: '' }, t('choose_unit')), ...list.map((u) => h('option', { value: u.id, selected: u.id === cur }, u.name)));
    if (q && list.length === 1 && select.value !== list[0].id) { select.value = list[0].id; select.dispatchEvent(new Event('change')); }
  };
  fill('');
  const search = h('input', { type: 'search', id: 'unit-search', placeholder: t('unit_search'), 'aria-label': t('unit_search'), oninput: () => fill(search.value.trim()) });
  return { select, search };
}

/** activityForm builds the form. opts: {mode: new|edit|complete|fix, initial
 * (an activity), units, errors ({path: server message}), locate (fn), onSubmit(activity, form)}. */
export function activityForm({ mode = 'new', initial = {}, units = [], errors = null, locate, sitesOf = null, onSubmit, title: heading }) {
  const completing = mode === 'complete' || initial.status === 'completed';
  const kind = h('select', { name: 'kind', id: 'kind', disabled: mode === 'edit' || mode === 'complete' },
    // Only the kinds this client has a form for (the server may know more).
    metaGroup('activity_kinds').filter((o) => PART_OF[o.value]).map((o) => h('option', { value: o.value, selected: o.value === initial.kind }, label('activity_kinds', o.value))));
  const title = h('input', { name: 'title', id: 'title', maxlength: 200, value: initial.title || '' });
  const unit = unitPicker(units, initial.unit_id);
  const now = new Date(); now.setSeconds(0, 0);
  const when = h('input', { name: 'scheduled_at', type: 'datetime-local', value: localInput(initial.scheduled_at || now) });
  const notes = h('textarea', { name: 'notes', rows: 2 }, initial.notes || '');
  const site0 = initial.site || {};
  const site = { name: h('input', { name: 'site_name', value: site0.name || '' }), address: h('input', { name: 'address', value: site0.address || '' }),
    lat: h('input', { name: 'lat', type: 'number', step: 'any', inputmode: 'decimal', value: site0.lat ?? '' }),
    lng: h('input', { name: 'lng', type: 'number', step: 'any', inputmode: 'decimal', value: site0.lng ?? '' }),
    radius_m: h('input', { name: 'radius_m', type: 'number', min: 1, max: 5000, value: site0.radius_m || 150, inputmode: 'numeric' }) };
  const where = h('p', { class: 'muted', id: 'site-position', 'aria-live': 'polite' });
  const mapBox = h('div', { id: 'form-map-box' });
  let fix = null; // the phone's last position, for the preview
  const showWhere = () => {
    const la = site.lat.value, ln = site.lng.value;
    where.replaceChildren(la !== '' && ln !== '' ? t('position_set') : t('position_none'));
    if (fix) where.prepend(t('accuracy', { m: Math.round(fix.accuracy) }) + ' · ');
    mapBox.replaceChildren(sitePreview({ name: site.name.value.trim(), lat: la, lng: ln, radius_m: site.radius_m.value }, fix, { id: 'form-map' }) || '');
  };
  const here = h('button', { type: 'button', class: 'small', id: 'use-here', onclick: async () => {
    here.textContent = t('locating');
    try {
      const p = await locate();
      site.lat.value = p.coords.latitude.toFixed(6); site.lng.value = p.coords.longitude.toFixed(6);
      fix = { lat: p.coords.latitude, lng: p.coords.longitude, accuracy: p.coords.accuracy };
      sitePick.value = '';
      here.textContent = t('use_here');
      showWhere();
    } catch (e) { here.textContent = t('use_here'); where.textContent = t('geo_denied', { msg: e.message }); }
  } }, t('use_here'));
  for (const el of [site.lat, site.lng, site.radius_m]) el.addEventListener('input', showWhere);
  // The agency's registered sites: picking one fills name, address, position and radius.
  const sitePick = h('select', { id: 'site-pick', name: 'site_pick' }, h('option', { value: '' }, t('site_pick_choose')));
  const siteNote = h('small', { class: 'hint', id: 'site-pick-note', 'aria-live': 'polite' });
  let siteList = [];
  const loadSites = async () => {
    const uid = unit.select.value;
    siteList = [];
    sitePick.replaceChildren(h('option', { value: '' }, uid ? t('site_pick_loading') : t('site_pick_unit_first')));
    sitePick.disabled = true;
    if (!uid || !sitesOf) { siteNote.textContent = ''; return; }
    try { siteList = (await sitesOf(uid)) || []; } catch { siteList = null; }
    if (uid !== unit.select.value) return; // the officer picked another agency meanwhile
    if (!siteList) { sitePick.replaceChildren(h('option', { value: '' }, t('site_pick_offline'))); siteNote.textContent = t('site_pick_other'); return; }
    sitePick.replaceChildren(h('option', { value: '' }, siteList.length ? t('site_pick_choose') : t('site_pick_none')),
      ...siteList.map((x) => h('option', { value: x.id, selected: x.name === site.name.value.trim() && x.address === site.address.value.trim() }, x.name)));
    sitePick.disabled = !siteList.length;
    siteNote.textContent = siteList.length ? t('site_pick_hint') : t('site_pick_other');
  };
  sitePick.addEventListener('change', () => {
    const x = (siteList || []).find((y) => y.id === sitePick.value);
    if (!x) return;
    site.name.value = x.name; site.address.value = x.address || '';
    site.lat.value = x.lat; site.lng.value = x.lng; site.radius_m.value = x.radius_m;
    showWhere();
  });
  unit.select.addEventListener('change', loadSites);
  showWhere();
  loadSites();

  const partBox = h('div');
  let part;
  const followEnd = () => {
    const end = part?.querySelector('[name=ends_at]');
    if (!end || end.dataset.touched || !when.value) return;
    end.value = localInput(new Date(new Date(when.value).getTime() + 3 * 3_600_000));
  };
  const showPart = () => {
    const k = kind.value;
    const p0 = k === initial.kind ? initial[PART_OF[k]] : null;
    part = partInputs(PART_OF[k], p0, completing);
    partBox.replaceChildren(part);
    part.querySelector('[name=ends_at]')?.addEventListener('input', (ev) => { ev.target.dataset.touched = '1'; });
    if (!p0) followEnd();
  };
  kind.addEventListener('change', showPart);
  when.addEventListener('input', followEnd);
  showPart();

  const summary = h('div', { class: 'error', role: 'alert', id: 'form-error' });
  const form = h('form', { class: 'card activity-form', id: mode === 'new' ? 'new-form' : 'edit-form', novalidate: true, dataset: { mode } },
    h('h2', {}, heading || t('tab_new')),
    h('p', { class: 'muted' }, h('span', { class: 'req' }, '*'), ' ', t('required_note')),
    wrap('kind', t('kind'), kind),
    wrap('title', t('title'), title, { required: true }),
    h('div', { class: 'field', dataset: { path: 'unit_id' } },
      h('label', { class: 'label', for: 'unit' }, t('unit'), h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')),
      unit.search, unit.select, h('small', { class: 'field-error', id: 'err-unit_id', 'aria-live': 'polite' })),
    wrap('scheduled_at', t('scheduled_at'), when, { required: true }),
    h('fieldset', { class: 'part' }, h('legend', {}, t('site')),
      h('div', { class: 'field' }, h('label', { class: 'label', for: 'site-pick' }, t('site_pick')), sitePick, siteNote),
      h('p', { class: 'or' }, t('site_or')), here,
      wrap('site.name', t('site_name'), site.name), wrap('site.address', t('address'), site.address),
      where, mapBox,
      h('details', { class: 'coords' }, h('summary', {}, t('coords_manual')),
        h('div', { class: 'row2' }, wrap('site.lat', t('lat'), site.lat), wrap('site.lng', t('lng'), site.lng)),
        wrap('site.radius_m', t('radius_m'), site.radius_m))),
    partBox,
    wrap('notes', t('notes'), notes),
    summary,
    h('button', { type: 'submit', class: 'primary', id: 'save' }, mode === 'complete' ? t('complete_save') : t('save')));

  form.read = () => {
    const a = { kind: kind.value, title: title.value.trim(), unit_id: unit.select.value || '', notes: notes.value.trim() };
    a.scheduled_at = when.value ? isoOf(when.value) : '';
    if (site.lat.value !== '' && site.lng.value !== '') {
      a.site = { name: site.name.value.trim(), address: site.address.value.trim(), lat: Number(site.lat.value), lng: Number(site.lng.value), radius_m: Number(site.radius_m.value) || 150 };
    } else if (site.name.value.trim() || site.address.value.trim()) {
      a.site = { name: site.name.value.trim(), address: site.address.value.trim(), radius_m: Number(site.radius_m.value) || 150 };
    }
    a[PART_OF[a.kind]] = part.read();
    return a;
  };
  form.showErrors = (fields) => showErrors(form, fields);
  // A corrected field loses its message at once.
  const clear = (ev) => {
    const box = ev.target.closest('.field.invalid');
    if (!box) return;
    box.classList.remove('invalid');
    const err = box.querySelector('.field-error');
    if (err) err.textContent = '';
    ev.target.removeAttribute('aria-invalid');
  };
  form.addEventListener('input', clear);
  form.addEventListener('change', clear);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const a = form.read();
    const problems = validate(a, { completing });
    if (Object.keys(problems).length) { form.showErrors(problems); return; }
    form.showErrors({});
    const btn = form.querySelector('#save');
    btn.disabled = true;
    try { await onSubmit(a, form); } finally { btn.disabled = false; }
  });
  if (errors) setTimeout(() => form.showErrors(errors), 0);
  return form;
}

export function partInputs(part, value, completing) {
  if (part === 'opinion_visit') return opinionInputs(value, completing);
  if (part === 'checklist') {
    const rows = h('div', { class: 'checklist' });
    const addRow = (r = {}) => {
      const i = rows.children.length;
      const sel = selectOf('checklist_results', 'result', r.result || '', true);
      if (sel.options[0]) sel.options[0].textContent = t('not_yet');
      rows.append(h('div', { class: 'check-row' },
        wrap(`checklist[${i}].item`, t('item') + ' ' + (i + 1), h('input', { name: 'item', value: r.item || '' }), { required: true }),
        wrap(`checklist[${i}].result`, t('result'), sel, { required: completing }),
        wrap(`checklist[${i}].note`, t('note'), h('input', { name: 'note', value: r.note || '' })),
        h('button', { type: 'button', class: 'small ghost', onclick: (ev) => ev.target.closest('.check-row').remove() }, t('remove'))));
    };
    for (const r of value || []) addRow(r);
    if (!rows.children.length) addRow({});
    const el = h('fieldset', { class: 'part', dataset: { path: 'checklist' } }, h('legend', {}, t('checklist')), rows,
      h('small', { class: 'field-error', id: 'err-checklist' }),
      h('button', { type: 'button', class: 'small', onclick: () => addRow({}) }, t('add_item')));
    el.read = () => [...rows.querySelectorAll('.check-row')].map((r) => ({
      item: r.querySelector('[name=item]').value.trim(), result: r.querySelector('[name=result]').value, note: r.querySelector('[name=note]').value.trim(),
    })).filter((r) => r.item || r.note || r.result).map((r) => { const o = { item: r.item }; if (r.result) o.result = r.result; if (r.note) o.note = r.note; return o; });
    return el;
  }
  const v = value || {};
  const inputs = {};
  const el = h('fieldset', { class: 'part' }, h('legend', {}, label('activity_kinds', Object.keys(PART_OF).find((k) => PART_OF[k] === part))));
  for (const [name, type, group, req] of PART_FIELDS[part]) {
    let input;
    const cur = v[name];
    if (type === 'select') input = selectOf(group, name, cur);
    else if (type === 'int') input = h('input', { name, type: 'number', inputmode: 'numeric', min: 0, step: 1, value: cur ?? '' });
    else if (type === 'money') input = moneyInput(name, cur);
    else if (type === 'bool') input = h('input', { name, type: 'checkbox', checked: !!cur, id: 'f-' + part + '-' + name });
    else if (type === 'datetime') input = h('input', { name, type: 'datetime-local', id: name.replace('_', '-'), value: cur ? localInput(cur) : '' });
    else if (type === 'lines') input = h('textarea', { name, rows: 3 }, Array.isArray(cur) ? cur.join('\n') : '');
    else if (type === 'textarea') input = h('textarea', { name, rows: 3 }, cur || '');
    else input = h('input', { name, value: cur || '', maxlength: MAX_TEXT[name] || 200 });
    inputs[name] = [input, type];
    const path = part + '.' + name;
    const required = req === 'always' || (req === 'complete' && completing);
    if (type === 'bool') {
      el.append(h('div', { class: 'field', dataset: { path } }, h('label', { class: 'check' }, input, ' ', t(name)), h('small', { class: 'field-error' })));
    } else {
      el.append(wrap(path, t(name), input, { required, hint: req === 'complete' && !completing ? t('needed_to_complete') : null }));
    }
  }
  el.read = () => {
    const out = {};
    for (const [name, [input, type]] of Object.entries(inputs)) {
      if (type === 'int') { if (input.value !== '') out[name] = parseInt(input.value, 10); }
      else if (type === 'money') { const n = parseNumber(input.value); if (input.value.trim() !== '') out[name] = isNaN(n) ? input.value : n; }
      else if (type === 'bool') out[name] = input.checked;
      else if (type === 'datetime') { if (input.value) out[name] = isoOf(input.value); }
      else if (type === 'lines') out[name] = input.value.split('\n').map((x) => x.trim()).filter(Boolean);
      else if (input.value.trim() !== '') out[name] = input.value.trim();
    }
    return out;
  };
  return el;
}

// The bounds of every time a client gives, as services/bounds.go has them:
// nothing before 1912-01-01 (民國元年), nothing planned more than two years
// ahead, nothing that happened more than five minutes in the future.
/** isoOf is a datetime-local value as an instant, or 'invalid' for a date the browser cannot place. */
export function isoOf(v) {
  const d = new Date(v);
  return isNaN(d.getTime()) ? 'invalid' : d.toISOString();
}

export const EARLIEST = Date.UTC(1912, 0, 1);
const MAX_SKEW_MS = 5 * 60_000;

/** timeProblem is the server's message for a time out of bounds, or ''. */
export function timeProblem(iso, happened = false, now = new Date()) {
  const d = new Date(iso);
  if (isNaN(d.getTime())) return 'must be a date and time';
  if (d.getTime() < EARLIEST) return 'must not be before 1912-01-01 (ROC year 1)';
  if (happened && d.getTime() > now.getTime() + MAX_SKEW_MS) return 'must not be in the future';
  const latest = new Date(now); latest.setFullYear(latest.getFullYear() + 2);
  if (d > latest) return 'must not be more than 2 years ahead';
  return '';
}

function timeBounds(f, path, iso, happened) {
  const msg = timeProblem(iso, happened);
  if (msg) f[path] = msg;
}

/** validate checks an activity as the server would; answers {path: server-style message}. */
export function validate(a, { completing = false } = {}) {
  const f = {};
  const text = (path, v, max, required) => {
    const s = String(v ?? '');
    if (!s.trim()) { if (required) f[path] = 'required'; return; }
    if ([...s].length > max) f[path] = `must be at most ${max} characters`;
  };
  text('title', a.title, 200, true);
  text('notes', a.notes, 4000, false);
  if (!a.unit_id) f.unit_id = 'required';
  if (!a.scheduled_at) f.scheduled_at = 'required';
  else timeBounds(f, 'scheduled_at', a.scheduled_at, false);
  if (a.completed_at) timeBounds(f, 'completed_at', a.completed_at, true);
  if (a.site) {
    text('site.name', a.site.name, 100, false);
    text('site.address', a.site.address, 200, false);
    if (a.site.radius_m < 1 || a.site.radius_m > 5000) f['site.radius_m'] = 'must be between 1 and 5000';
  }
  const p = a[PART_OF[a.kind]];
  switch (PART_OF[a.kind]) {
    case 'procurement':
      text('procurement.case_no', p.case_no, 64, true);
      text('procurement.case_title', p.case_title, 200, true);
      if (!p.category) f['procurement.category'] = 'required';
      if (p.budget_amount !== undefined && (typeof p.budget_amount !== 'number' || p.budget_amount < 0)) f['procurement.budget_amount'] = 'must not be negative';
      if (completing && !p.stage) f['procurement.stage'] = 'required to complete';
      break;
    case 'maintenance':
      text('maintenance.event_name', p.event_name, 200, true);
      if (!p.risk_level) f['maintenance.risk_level'] = 'required';
      if (completing && !p.measures) f['maintenance.measures'] = 'required to complete';
      break;
    case 'petition':
      if (!(p.petitioners >= 1)) f['petition.petitioners'] = 'must be at least 1';
      text('petition.subject', p.subject, 200, true);
      if (completing && !p.outcome) f['petition.outcome'] = 'required to complete';
      break;
    case 'checklist':
      if (!p.length) f.checklist = 'must have at least one item';
      p.forEach((r, i) => {
        if (!r.item) f[`checklist[${i}].item`] = 'required';
        if (completing && !r.result) f[`checklist[${i}].result`] = 'required to complete';
      });
      break;
    case 'opinion_visit':
      validateOpinion(f, p, completing);
      break;
    case 'event':
      if (!p.scale) f['event.scale'] = 'required';
      if (p.participants !== undefined && p.participants < 0) f['event.participants'] = 'must not be negative';
      if (completing && p.participants === undefined) f['event.participants'] = 'required to complete';
      if (p.volunteer_capacity !== undefined && (p.volunteer_capacity < 0 || p.volunteer_capacity > 10000)) f['event.volunteer_capacity'] = 'must be between 0 and 10000';
      if (p.ends_at) timeBounds(f, 'event.ends_at', p.ends_at, false);
      if (p.ends_at && a.scheduled_at && !f['event.ends_at'] && !(new Date(p.ends_at) > new Date(a.scheduled_at))) f['event.ends_at'] = 'must be after scheduled_at';
      break;
    default:
  }
  return f;
}

/** showErrors puts each message next to its field, and the ones without a
 * field in the summary; focuses the first (scroll-margin-top keeps it below
 * the fixed header). */
export function showErrors(form, fields) {
  for (const el of form.querySelectorAll('.field-error')) el.textContent = '';
  for (const el of form.querySelectorAll('.invalid')) el.classList.remove('invalid');
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  const summary = form.querySelector('#form-error');
  summary.textContent = '';
  let first = null;
  const loose = [];
  for (const [path, msg] of Object.entries(fields || {})) {
    // A path the form does not show (site.lat, a part as a whole) goes to its nearest box.
    const box = form.querySelector(`[data-path="${CSS.escape(path)}"]`)
      || form.querySelector(`[data-path="${CSS.escape(path.replace(/\[\d+\].*$/, '').replace(/\.[a-z_]+$/, ''))}"]`);
    const text = fieldMessage(path, msg);
    if (!box) { loose.push(text); continue; }
    box.classList.add('invalid');
    const err = box.querySelector('.field-error');
    if (err) err.textContent = (err.textContent ? err.textContent + ' ' : '') + text;
    const input = box.querySelector('input, select, textarea');
    if (input) input.setAttribute('aria-invalid', 'true');
    if (!first) first = input || box;
  }
  if (Object.keys(fields || {}).length) summary.textContent = [t('fix_fields'), ...loose].join('\n');
  if (first) { first.focus({ preventScroll: true }); first.scrollIntoView({ block: 'start', behavior: 'instant' }); }
}

/** diffFields lists what differs between two copies of a record, as [label, server, mine]. */
export function diffFields(server, mine, unitName = (id) => id) {
  const out = [];
  const show = (v) => (v === undefined || v === null || v === '' ? '—' : Array.isArray(v) ? v.join('、') : typeof v === 'boolean' ? t(v ? 'yes' : 'no') : String(v));
  const cmp = (lab, a, b) => { if (JSON.stringify(a ?? '') !== JSON.stringify(b ?? '')) out.push([lab, show(a), show(b)]); };
  cmp(t('title'), server.title, mine.title);
  cmp(t('unit'), unitName(server.unit_id), unitName(mine.unit_id));
  // To the minute, as the form shows it.
  cmp(t('scheduled_at'), formatDateTime(server.scheduled_at), formatDateTime(mine.scheduled_at));
  cmp(t('notes'), server.notes, mine.notes);
  cmp(t('status'), label('activity_statuses', server.status), label('activity_statuses', mine.status || server.status));
  const part = PART_OF[server.kind];
  if (part === 'checklist') cmp(t('checklist'), (server.checklist || []).map((r) => `${r.item}${r.result ? '：' + label('checklist_results', r.result) : ''}`), (mine.checklist || []).map((r) => `${r.item}${r.result ? '：' + label('checklist_results', r.result) : ''}`));
  else if (part) {
    for (const [name, type, group] of PART_FIELDS[part]) {
      const a = server[part]?.[name], b = mine[part]?.[name];
      const norm = (x) => (type === 'select' ? label(group, x) : type === 'money' ? formatNumber(x) : type === 'obj' ? objText(name, x) : x);
      if (type === 'bool' && !!a === !!b) continue;
      if (type === 'lines' && JSON.stringify(a || []) === JSON.stringify(b || [])) continue;
      cmp(partLabel(part, name), norm(a), norm(b));
    }
  }
  return out;
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d/;
/** same compares two values as the form shows them: times to the minute, whatever their offset. */
const same = (a, b) => {
  if (typeof a === 'string' && typeof b === 'string' && ISO.test(a) && ISO.test(b)) {
    return Math.floor(new Date(a).getTime() / 60_000) === Math.floor(new Date(b).getTime() / 60_000);
  }
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
};

/** rebase puts the officer's own changes — what their patch changes against
 * the copy they opened — on top of the server's newer copy: the fields they
 * did not touch keep the server's values, a part keeps the server's other
 * fields, and the result is sent with the server's version. */
export function rebase(patch, opened, server) {
  const out = { version: server.version };
  for (const [k, v] of Object.entries(patch)) {
    if (k === 'version') continue;
    const part = Object.values(PART_OF).includes(k) ? k : null;
    if (k === 'status' || k === 'completed_at' || k === 'clear_site') { out[k] = v; continue; }
    if (part && part !== 'checklist' && v && typeof v === 'object') {
      // Only the fields the form writes: the server's copy also carries
      // read-only ones (free places) that a PATCH must not send.
      const names = PART_FIELDS[part].map(([n]) => n);
      const mine = {};
      for (const [f, fv] of Object.entries(v)) if (!same(fv, opened?.[part]?.[f])) mine[f] = fv;
      // A field the officer emptied is absent from their part: keep it absent.
      for (const f of names) if (!(f in v) && opened?.[part]?.[f] != null && opened[part][f] !== '') mine[f] = undefined;
      if (Object.keys(mine).length) {
        const base = Object.fromEntries(names.filter((n) => server[part]?.[n] !== undefined).map((n) => [n, server[part][n]]));
        const merged = { ...base, ...mine };
        for (const f of Object.keys(merged)) if (merged[f] === undefined) delete merged[f];
        out[part] = merged;
      }
      continue;
    }
    if (!same(v, opened?.[k])) out[k] = v;
  }
  return out;
}

/** conflictRows lists every field where the server's copy and the officer's
 * differ, as {label, server, mine, yours}: yours says the officer changed
 * it (keeping theirs sends it), otherwise someone else did (kept as the
 * server has it either way). */
export function conflictRows(server, opened, patch, unitName) {
  const mineFull = { ...opened, ...patch };
  const mineRebased = { ...server, ...rebase(patch, opened, server) };
  const changing = new Set(diffFields(server, mineRebased, unitName).map(([l]) => l));
  return diffFields(server, mineFull, unitName).map(([label, sv, mv]) => ({ label, server: sv, mine: mv, yours: changing.has(label) }));
}

// ---------------------------------------------------------------- opinion visits

/** radios is a row of big choices (a 1–5 score, 是/否) with nothing picked
 * until the officer taps one: an unanswered question stays unanswered. */
function radios(name, choices, value, legend, hint) {
  const box = h('fieldset', { class: 'choices-field field', dataset: { path: 'opinion_visit.questionnaire.' + name } },
    h('legend', { class: 'label' }, legend),
    hint ? h('small', { class: 'hint' }, hint) : null,
    h('div', { class: 'choices ' + (choices.length > 2 ? 'score' : 'yesno') }, choices.map(([v, text]) =>
      h('label', { class: 'choice' }, h('input', { type: 'radio', name: 'ov-' + name, value: String(v), checked: value === v }), h('span', {}, text)))),
    h('small', { class: 'field-error', 'aria-live': 'polite' }));
  box.read = () => {
    const c = box.querySelector('input:checked');
    if (!c) return undefined;
    return c.value === 'true' ? true : c.value === 'false' ? false : Number(c.value);
  };
  return box;
}

/** opinionInputs is the part of an opinion visit (民意訪查). */
function opinionInputs(value, completing) {
  const v = value || {};
  const resp = v.respondents || {};
  const q = v.questionnaire || {};
  const service = h('input', { name: 'service', maxlength: 100, value: v.service || '' });
  const count = h('input', { name: 'count', type: 'number', inputmode: 'numeric', min: 1, max: 1000, step: 1, value: resp.count ?? '' });
  const type = selectOf('respondent_types', 'respondent_type', resp.type || '');
  const findings = h('textarea', { name: 'findings', rows: 3 }, v.findings || '');
  const suggestions = h('textarea', { name: 'suggestions', rows: 3 }, v.suggestions || '');
  const scores = [1, 2, 3, 4, 5].map((n) => [n, String(n)]);
  const yn = [[true, ot('yes')], [false, ot('no')]];
  const qs = {
    integrity_score: radios('integrity_score', scores, q.integrity_score, ot('ov_integrity'), ot('ov_scale_hint')),
    efficiency_score: radios('efficiency_score', scores, q.efficiency_score, ot('ov_efficiency'), ot('ov_scale_hint')),
    asked_for_favours: radios('asked_for_favours', yn, q.asked_for_favours, ot('ov_asked')),
    knows_how_to_report: radios('knows_how_to_report', yn, q.knows_how_to_report, ot('ov_knows')),
  };
  const need = !completing ? ot('ov_q_hint') : null;
  const el = h('fieldset', { class: 'part', id: 'opinion-part' }, h('legend', {}, label('activity_kinds', 'opinion_visit')),
    wrap('opinion_visit.service', ot('ov_service'), service, { required: true }),
    h('div', { class: 'row2' },
      wrap('opinion_visit.respondents.count', ot('ov_count'), count, { required: completing }),
      wrap('opinion_visit.respondents.type', ot('ov_type'), type, { required: completing })),
    h('div', { class: 'field', dataset: { path: 'opinion_visit.respondents' } }, h('small', { class: 'field-error' })),
    h('fieldset', { class: 'part questionnaire', dataset: { path: 'opinion_visit.questionnaire' } },
      h('legend', {}, ot('ov_questionnaire'), completing ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
      need ? h('small', { class: 'hint' }, need) : null,
      Object.values(qs), h('small', { class: 'field-error' })),
    wrap('opinion_visit.findings', ot('ov_findings'), findings, { required: completing, hint: completing ? null : t('needed_to_complete') }),
    wrap('opinion_visit.suggestions', ot('ov_suggestions'), suggestions));
  el.read = () => {
    const out = { service: service.value.trim() };
    const c = count.value.trim();
    if (c !== '' || type.value) out.respondents = { count: c === '' ? undefined : Number(c), type: type.value || undefined };
    const answers = Object.fromEntries(Object.entries(qs).map(([k, box]) => [k, box.read()]));
    if (Object.values(answers).some((x) => x !== undefined)) out.questionnaire = answers;
    if (findings.value.trim()) out.findings = findings.value.trim();
    if (suggestions.value.trim()) out.suggestions = suggestions.value.trim();
    return out;
  };
  return el;
}

/** validateOpinion checks the part as services/opinion_visit.go does. */
function validateOpinion(f, p, completing) {
  const P = 'opinion_visit.';
  const s = String(p.service || '');
  if (!s.trim()) f[P + 'service'] = 'required';
  else if ([...s].length > 100) f[P + 'service'] = 'must be at most 100 characters';
  if (p.respondents) {
    const c = p.respondents.count;
    if (!(Number.isInteger(c) && c >= 1 && c <= 1000)) f[P + 'respondents.count'] = 'must be between 1 and 1000';
    if (!p.respondents.type) f[P + 'respondents.type'] = 'required';
  } else if (completing) {
    f[P + 'respondents.count'] = 'required to complete';
    f[P + 'respondents.type'] = 'required to complete';
  }
  const q = p.questionnaire;
  for (const k of ['integrity_score', 'efficiency_score']) {
    if (q && q[k] === undefined) f[P + 'questionnaire.' + k] = 'must be between 1 and 5';
    else if (!q && completing) f[P + 'questionnaire.' + k] = 'required to complete';
  }
  for (const k of ['asked_for_favours', 'knows_how_to_report']) {
    if (q && q[k] === undefined) f[P + 'questionnaire.' + k] = 'required: true or false';
    else if (!q && completing) f[P + 'questionnaire.' + k] = 'required to complete';
  }
  if (p.findings && [...p.findings].length > 4000) f[P + 'findings'] = 'must be at most 4000 characters';
  if (completing && !p.findings) f[P + 'findings'] = 'required to complete';
  if (p.suggestions && [...p.suggestions].length > 4000) f[P + 'suggestions'] = 'must be at most 4000 characters';
}

/** partLabel names a field of a part as the form labels it. */
export const partLabel = (part, name) => (part === 'opinion_visit' ? ot('ov_' + name) : t(name));

/** objText shows respondents or a questionnaire in words. */
export function objText(name, x) {
  if (!x) return '';
  if (name === 'respondents') return `${x.count ?? '—'}（${label('respondent_types', x.type) || '—'}）`;
  const yn = (b) => (b === undefined ? ot('ov_unanswered') : ot(b ? 'yes' : 'no'));
  return [`${ot('ov_integrity')}：${x.integrity_score ?? '—'}`, `${ot('ov_efficiency')}：${x.efficiency_score ?? '—'}`,
    `${ot('ov_asked')}${yn(x.asked_for_favours)}`, `${ot('ov_knows')}${yn(x.knows_how_to_report)}`].join('\n');
}
