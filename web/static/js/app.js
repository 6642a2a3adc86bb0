// app.js — the screens: sign-in and registration, the officer's activities,
// forms and check-ins, the volunteer's events and hours, the manager's KPIs
// and approvals. Hash routes (#/today, #/a/<id>…) keep it one page.

import * as api from './api.js';
import * as queue from './queue.js';
import { t, label, setLang, getLang, setMeta, metaGroup, fmtDate } from './i18n.js';
import { h, field } from './dom.js';
import { kpiChart } from './chart.js';

const $ = (id) => document.getElementById(id);
const view = $('view');
let units = [];
let metaLoaded = false;

// ---------------------------------------------------------------- shell

function toast(msg, kind = 'info') {
  const el = $('toast');
  el.textContent = msg;
  el.className = 'toast ' + kind;
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.hidden = true; }, 4000);
}

// Server messages a volunteer meets at an event, in the person's language.
const WINDOW_MSG = /check-in (opens|closed) at (\d{4}-\d\d-\d\d \d\d:\d\d)/;

function errText(e) {
  if (!e) return '';
  const w = WINDOW_MSG.exec(e.fields?.captured_at || '');
  if (w) return t(w[1] === 'opens' ? 'checkin_opens' : 'checkin_closed', { at: w[2] });
  if (e.status === 409 && /arrived/.test(e.message || '')) return t('cancel_after_arrival');
  const fields = e.fields ? ' — ' + Object.entries(e.fields).map(([k, v]) => `${k}: ${v}`).join('; ') : '';
  return `${e.status ? e.status + ' ' : ''}${e.code || ''}${e.message ? ': ' + e.message : ''}${fields}`;
}
const missing = (e) => e?.status === 404 && /route/.test(e.message || '');

function renderNet() {
  const el = $('net');
  el.textContent = navigator.onLine ? '' : t('offline');
  el.className = 'net ' + (navigator.onLine ? 'on' : 'off');
  el.hidden = navigator.onLine;
}

function renderQueue(items) {
  const el = $('queue');
  const me = api.currentUser();
  el.replaceChildren();
  if (!items.length) { el.hidden = true; el.dataset.waiting = '0'; el.dataset.failed = '0'; return; }
  const mine = items.filter((i) => i.userId === me?.id);
  const waiting = items.filter((i) => i.status !== 'failed').length;
  const failed = items.filter((i) => i.status === 'failed').length;
  el.hidden = false;
  el.dataset.waiting = String(waiting);
  el.dataset.failed = String(failed);
  el.append(h('div', { class: 'queue-head' },
    h('strong', { id: 'queue-count' }, t('queue_waiting', { n: waiting })),
    failed ? h('strong', { class: 'bad', id: 'queue-failed' }, ' · ' + t('queue_failed', { n: failed })) : null,
    me && navigator.onLine && mine.some((i) => i.status !== 'failed') ? h('button', { type: 'button', class: 'small', onclick: () => queue.flush() }, t('send_now')) : null,
  ));
  const list = h('ul', { class: 'queue-list' });
  for (const it of items) {
    list.append(h('li', { class: 'q-' + it.status, dataset: { seq: it.seq, op: it.op } },
      h('span', { class: 'q-label' }, it.label || it.op),
      h('span', { class: 'q-status' }, t('st_' + it.status) + (it.attempts > 1 ? ` ×${it.attempts}` : '')),
      it.userId !== me?.id ? h('small', {}, t('queue_other_user', { u: it.username })) : null,
      it.error ? h('small', { class: 'q-error' }, errText(it.error)) : null,
      it.status === 'failed' && it.userId === me?.id ? h('span', { class: 'q-actions' },
        h('button', { type: 'button', class: 'small', onclick: () => queue.retry(it.seq) }, t('retry')),
        h('button', { type: 'button', class: 'small ghost', onclick: () => queue.discard(it.seq) }, t('discard'))) : null,
    ));
  }
  el.append(list);
}

function tabsFor(user) {
  if (!user || user.status === 'pending') return [];
  switch (user.role) {
    case 'officer': return [['today', 'tab_today'], ['new', 'tab_new']];
    case 'volunteer': return [['events', 'tab_events'], ['hours', 'tab_hours']];
    default: return [['kpi', 'tab_kpi'], ['approvals', 'tab_approve'], ['today', 'tab_records'], ['new', 'tab_new']];
  }
}

function renderChrome() {
  const user = api.currentUser();
  document.title = t('app_title') + ' · ethicsops';
  $('app-title').textContent = t('app_title');
  $('lang-switch').textContent = getLang() === 'en' ? '中文' : 'EN';
  $('lang-switch').setAttribute('aria-label', getLang() === 'en' ? '切換為中文' : 'Switch to English');
  $('sign-out').textContent = t('sign_out');
  $('sign-out').hidden = !user;
  const tabs = $('tabs');
  const list = tabsFor(user);
  tabs.hidden = !list.length;
  const cur = route().name;
  tabs.replaceChildren(...list.map(([name, key]) => h('a', { href: '#/' + name, class: cur === name ? 'active' : '', 'aria-current': cur === name ? 'page' : null }, t(key))));
  renderNet();
}

function route() {
  const [name = '', arg = ''] = location.hash.replace(/^#\/?/, '').split('/');
  return { name, arg: decodeURIComponent(arg) };
}
const go = (hash) => { if (location.hash === hash) render(); else location.hash = hash; };

async function ensureMeta() {
  if (metaLoaded) return;
  try {
    const m = await api.meta();
    setMeta(m); await queue.cachePut('meta', m); metaLoaded = true;
  } catch {
    const m = await queue.cacheGet('meta');
    if (m) { setMeta(m); metaLoaded = true; }
  }
}
async function ensureUnits() {
  if (units.length) return units;
  try { units = await api.units(); await queue.cachePut('units', units); } catch (e) {
    if (e instanceof api.SessionExpired) throw e;
    units = (await queue.cacheGet('units')) || [];
  }
  return units;
}

async function render() {
  renderChrome();
  const user = api.currentUser();
  const r = route();
  let screen;
  try {
    if (!user) screen = r.name === 'register' ? registerView() : loginView();
    else if (user.status === 'pending') screen = await pendingView();
    else {
      if (!units.length) ensureUnits().catch(() => {}); // kept for forms filled offline
      const tabs = tabsFor(user).map(([n]) => n);
      const name = r.name === 'a' ? 'a' : (tabs.includes(r.name) ? r.name : tabs[0]);
      screen = await ({ today: todayView, new: newView, a: () => activityView(r.arg), events: eventsView, hours: hoursView, kpi: kpiView, approvals: approvalsView })[name]();
    }
  } catch (e) {
    if (e instanceof api.SessionExpired) return; // onSession re-renders the sign-in
    screen = h('p', { class: 'error' }, t('error') + ': ' + errText(e));
  }
  view.replaceChildren(screen);
  renderChrome();
}

// ---------------------------------------------------------------- sign-in, registration

function loginView() {
  const expired = sessionStorage.getItem('ethicsops.expired');
  const user = h('input', { name: 'username', autocomplete: 'username', required: true, autocapitalize: 'off', value: expired && expired !== '1' ? expired : '' });
  const pass = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const err = h('p', { class: 'error', role: 'alert' });
  const form = h('form', { class: 'card', id: 'login-form', onsubmit: async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    try {
      await api.login(user.value.trim(), pass.value);
      go('#/');
      queue.flush();
    } catch (e) { err.textContent = errText(e); }
  } },
  h('h2', {}, t('sign_in')),
  expired ? h('p', { class: 'notice' }, t('session_expired')) : null,
  field(t('username'), user), field(t('password'), pass), err,
  h('button', { type: 'submit', class: 'primary' }, t('sign_in')),
  h('p', {}, h('a', { href: '#/register', class: 'link' }, t('register'))));
  return form;
}

function registerView() {
  const inputs = {
    username: h('input', { name: 'username', autocomplete: 'username', required: true, autocapitalize: 'off' }),
    password: h('input', { name: 'password', type: 'password', autocomplete: 'new-password', required: true, minlength: 12 }),
    display_name: h('input', { name: 'display_name', autocomplete: 'name', required: true }),
    phone: h('input', { name: 'phone', type: 'tel', autocomplete: 'tel' }),
    email: h('input', { name: 'email', type: 'email', autocomplete: 'email' }),
  };
  const err = h('p', { class: 'error', role: 'alert' });
  return h('form', { class: 'card', id: 'register-form', onsubmit: async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    const body = Object.fromEntries(Object.entries(inputs).map(([k, el]) => [k, el.value.trim()]));
    body.password = inputs.password.value;
    try {
      await api.registerVolunteer(body);
      toast(t('registered'));
      await api.login(body.username, body.password);
      go('#/');
    } catch (e) { err.textContent = errText(e); }
  } },
  h('h2', {}, t('register')),
  Object.entries(inputs).map(([k, el]) => field(t(k), el)), err,
  h('button', { type: 'submit', class: 'primary' }, t('register_submit')),
  h('p', {}, h('a', { href: '#/login', class: 'link' }, t('back_to_sign_in'))));
}

async function pendingView() {
  const user = api.currentUser();
  return h('section', { class: 'card', id: 'pending' },
    h('h2', {}, t('pending_title')),
    h('p', {}, user.display_name, ' (', user.username, ')'),
    h('p', { class: 'badge pending' }, label('user_statuses', user.status)),
    h('p', {}, t('pending_body')),
    h('button', { type: 'button', class: 'primary', onclick: async () => {
      try { await api.me(); render(); } catch (e) { toast(errText(e), 'bad'); }
    } }, t('check_again')));
}

// ---------------------------------------------------------------- activities

function startOfToday() { const d = new Date(); d.setHours(0, 0, 0, 0); return d; }
function isoLocal(d) {
  const off = -d.getTimezoneOffset();
  const pad = (n) => String(Math.abs(n)).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:00${off >= 0 ? '+' : '-'}${pad(Math.trunc(off / 60))}:${pad(off % 60)}`;
}

/** queuedActivities answers the activities created on this phone that wait in the queue. */
async function queuedActivities() {
  const me = api.currentUser();
  return (await queue.all()).filter((i) => i.op === 'createActivity' && i.userId === me?.id).map((i) => ({ ...i.payload.activity, status: 'planned', _queued: i.status }));
}

async function loadActivities(filters, cacheKey) {
  let items, note = null;
  try {
    items = (await api.activities(filters)).items || [];
    await queue.cachePut(cacheKey, items);
    for (const a of items) await queue.cachePut('activity:' + a.id, a);
  } catch (e) {
    if (e instanceof api.SessionExpired) throw e;
    items = (await queue.cacheGet(cacheKey)) || [];
    note = missing(e) ? t('not_available', { code: 'GET /activities 404' }) : (e.network ? t('cached_copy') : errText(e));
  }
  return { items, note };
}

function activityCard(a, extra = []) {
  const st = a._queued ? t('queued_local') : label('activity_statuses', a.status);
  return h('li', { class: 'act', dataset: { id: a.id, title: a.title } },
    h('a', { href: '#/a/' + encodeURIComponent(a.id), class: 'act-link' },
      h('span', { class: 'act-title' }, a.title),
      h('span', { class: 'act-meta' }, label('activity_kinds', a.kind), ' · ', fmtDate(a.scheduled_at)),
      h('span', { class: 'badge ' + (a._queued ? 'queued' : a.status) }, st)),
    extra);
}

async function todayView() {
  const me = api.currentUser();
  const filters = me.role === 'officer' ? { owner_id: me.id } : {};
  const { items, note } = await loadActivities({ ...filters, from: isoLocal(startOfToday()) }, 'list:today');
  const queued = await queuedActivities();
  const seen = new Set(items.map((a) => a.id));
  const all = [...queued.filter((a) => !seen.has(a.id)), ...items]
    .filter((a) => a.status !== 'cancelled')
    .sort((x, y) => String(x.scheduled_at).localeCompare(String(y.scheduled_at)));
  const end = new Date(startOfToday().getTime() + 86_400_000);
  const today = all.filter((a) => new Date(a.scheduled_at) < end);
  const later = all.filter((a) => !(new Date(a.scheduled_at) < end));
  const list = (arr) => arr.length ? h('ul', { class: 'acts' }, arr.map((a) => activityCard(a))) : h('p', { class: 'muted' }, t('no_activities'));
  return h('section', { id: 'today' },
    note ? h('p', { class: 'notice' }, note) : null,
    h('h2', {}, t('today')), list(today),
    h('h2', {}, t('upcoming')), list(later),
    h('button', { type: 'button', class: 'ghost wide', onclick: render }, t('refresh')));
}

// Which kind-specific part each kind has (SPEC "activity kinds").
const PART_OF = {
  procurement_supervision: 'procurement', security_maintenance: 'maintenance', petition: 'petition',
  safety_inspection: 'checklist', infosec_audit: 'checklist', outreach_event: 'event', ethics_promotion: 'event',
};
// The fields of each part: [name, type, meta group for selects].
const PART_FIELDS = {
  procurement: [['case_no', 'text'], ['case_title', 'text'], ['category', 'select', 'procurement_categories'],
    ['budget_amount', 'int'], ['stage', 'select', 'procurement_stages'], ['deficiencies', 'lines'], ['corrected', 'bool']],
  maintenance: [['event_name', 'text'], ['risk_level', 'select', 'risk_levels'], ['measures', 'textarea']],
  petition: [['petitioners', 'int', null, 1], ['subject', 'text'], ['outcome', 'textarea']],
  event: [['scale', 'select', 'event_scales'], ['audience', 'text'], ['participants', 'int', null, 0],
    ['volunteer_capacity', 'int', null, 0], ['published', 'bool'], ['ends_at', 'datetime']],
};

function selectOf(group, name, value) {
  return h('select', { name }, metaGroup(group).map((o) => h('option', { value: o.value, selected: o.value === value }, label(group, o.value))));
}

function partInputs(part) {
  if (part === 'checklist') {
    const rows = h('div', { class: 'checklist' });
    const addRow = () => rows.append(h('div', { class: 'check-row' },
      h('input', { name: 'item', placeholder: t('item'), 'aria-label': t('item') }),
      selectOf('checklist_results', 'result', 'pass'),
      h('input', { name: 'note', placeholder: t('note'), 'aria-label': t('note') }),
      h('button', { type: 'button', class: 'small ghost', onclick: (ev) => ev.target.closest('.check-row').remove() }, t('remove'))));
    addRow();
    const el = h('fieldset', { class: 'part' }, h('legend', {}, t('checklist')), rows,
      h('button', { type: 'button', class: 'small', onclick: addRow }, t('add_item')));
    el.read = () => [...rows.querySelectorAll('.check-row')].map((r) => ({
      item: r.querySelector('[name=item]').value.trim(), result: r.querySelector('[name=result]').value, note: r.querySelector('[name=note]').value.trim(),
    })).filter((r) => r.item);
    return el;
  }
  const inputs = {};
  const el = h('fieldset', { class: 'part' }, h('legend', {}, label('activity_kinds', Object.keys(PART_OF).find((k) => PART_OF[k] === part))));
  for (const [name, type, group, min] of PART_FIELDS[part]) {
    let input;
    if (type === 'select') input = selectOf(group, name);
    else if (type === 'int') input = h('input', { name, type: 'number', inputmode: 'numeric', min: min ?? 0, step: 1 });
    else if (type === 'bool') input = h('input', { name, type: 'checkbox' });
    else if (type === 'datetime') input = h('input', { name, type: 'datetime-local', id: name.replace('_', '-') });
    else if (type === 'textarea' || type === 'lines') input = h('textarea', { name, rows: 3 });
    else input = h('input', { name });
    inputs[name] = [input, type];
    el.append(type === 'bool' ? h('label', { class: 'check' }, input, ' ', t(name)) : field(t(name), input));
  }
  el.read = () => {
    const out = {};
    for (const [name, [input, type]] of Object.entries(inputs)) {
      if (type === 'int') { if (input.value !== '') out[name] = parseInt(input.value, 10); }
      else if (type === 'bool') out[name] = input.checked;
      else if (type === 'datetime') { if (input.value) out[name] = new Date(input.value).toISOString(); }
      else if (type === 'lines') out[name] = input.value.split('\n').map((x) => x.trim()).filter(Boolean);
      else if (input.value.trim() !== '') out[name] = input.value.trim();
    }
    return out;
  };
  return el;
}

async function newView() {
  await ensureUnits();
  const kind = h('select', { name: 'kind', id: 'kind' }, metaGroup('activity_kinds').map((o) => h('option', { value: o.value }, label('activity_kinds', o.value))));
  const title = h('input', { name: 'title', required: true, id: 'title' });
  const unit = h('select', { name: 'unit_id', id: 'unit' }, h('option', { value: '' }, '—'), units.map((u) => h('option', { value: u.id }, u.name)));
  const now = new Date(); now.setSeconds(0, 0);
  const when = h('input', { name: 'scheduled_at', type: 'datetime-local', required: true, value: isoLocal(now).slice(0, 16) });
  const notes = h('textarea', { name: 'notes', rows: 2 });
  const site = { name: h('input', { name: 'site_name' }), address: h('input', { name: 'address' }),
    lat: h('input', { name: 'lat', type: 'number', step: 'any', inputmode: 'decimal' }), lng: h('input', { name: 'lng', type: 'number', step: 'any', inputmode: 'decimal' }),
    radius_m: h('input', { name: 'radius_m', type: 'number', min: 1, value: 150, inputmode: 'numeric' }) };
  const here = h('button', { type: 'button', class: 'small', onclick: async () => {
    here.textContent = t('locating');
    try {
      const p = await locate();
      site.lat.value = p.coords.latitude.toFixed(6); site.lng.value = p.coords.longitude.toFixed(6);
      here.textContent = t('use_here') + ' · ' + t('accuracy', { m: Math.round(p.coords.accuracy) });
    } catch (e) { here.textContent = t('use_here'); toast(t('geo_denied', { msg: e.message }), 'bad'); }
  } }, t('use_here'));
  const partBox = h('div');
  let part;
  // An event's end follows its start (+3 h, the server's default too) until
  // the officer sets it.
  const followEnd = () => {
    const end = part?.querySelector('[name=ends_at]');
    if (!end || end.dataset.touched || !when.value) return;
    end.value = isoLocal(new Date(new Date(when.value).getTime() + 3 * 3_600_000)).slice(0, 16);
  };
  const showPart = () => {
    part = partInputs(PART_OF[kind.value]);
    partBox.replaceChildren(part);
    part.querySelector('[name=ends_at]')?.addEventListener('input', (ev) => { ev.target.dataset.touched = '1'; });
    followEnd();
  };
  kind.addEventListener('change', showPart);
  when.addEventListener('input', followEnd);
  showPart();
  const err = h('p', { class: 'error', role: 'alert' });
  return h('form', { class: 'card', id: 'new-form', onsubmit: async (ev) => {
    ev.preventDefault();
    const a = { id: crypto.randomUUID(), kind: kind.value, title: title.value.trim(), scheduled_at: new Date(when.value).toISOString() };
    if (unit.value) a.unit_id = unit.value;
    if (notes.value.trim()) a.notes = notes.value.trim();
    if (site.lat.value !== '' && site.lng.value !== '') {
      a.site = { name: site.name.value.trim(), address: site.address.value.trim(), lat: Number(site.lat.value), lng: Number(site.lng.value), radius_m: Number(site.radius_m.value) || 150 };
    } else if (site.name.value.trim() || site.address.value.trim()) {
      a.site = { name: site.name.value.trim(), address: site.address.value.trim() };
    }
    a[PART_OF[a.kind]] = part.read();
    await queue.enqueue({ op: 'createActivity', payload: { activity: a }, activityId: a.id, label: `${label('activity_kinds', a.kind)}：${a.title}` });
    toast(t('saved_queued'));
    go('#/a/' + encodeURIComponent(a.id));
  } },
  h('h2', {}, t('tab_new')),
  field(t('kind'), kind), field(t('title'), title), field(t('unit'), unit), field(t('scheduled_at'), when),
  h('fieldset', { class: 'part' }, h('legend', {}, t('site')), field(t('site_name'), site.name), field(t('address'), site.address),
    h('div', { class: 'row2' }, field(t('lat'), site.lat), field(t('lng'), site.lng)), field(t('radius_m'), site.radius_m), here),
  partBox, field(t('notes'), notes), err,
  h('button', { type: 'submit', class: 'primary', id: 'save' }, t('save')));
}

function locate() {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) { reject(new Error('geolocation unavailable')); return; }
    navigator.geolocation.getCurrentPosition(resolve, reject, { enableHighAccuracy: true, timeout: 20_000, maximumAge: 0 });
  });
}

function checkinLine(c) {
  return h('li', { class: 'checkin', dataset: { geofence: c.geofence || 'pending' } },
    h('strong', {}, label('checkin_types', c.type)), ' ', fmtDate(c.captured_at), ' · ',
    c.geofence ? h('span', { class: 'badge ' + c.geofence }, label('geofences', c.geofence)) : h('span', { class: 'badge queued' }, t('geofence_later')),
    c.distance_m != null ? ' · ' + t('distance', { m: Math.round(c.distance_m) }) : '',
    c.accuracy_m != null ? ' · ' + t('accuracy', { m: Math.round(c.accuracy_m) }) : '',
    c.clock_skew_s ? ' · ' + t('skew', { s: Math.round(c.clock_skew_s) }) : '');
}

async function activityView(id) {
  const me = api.currentUser();
  let a = null, note = null;
  try { a = await api.activity(id); await queue.cachePut('activity:' + id, a); } catch (e) {
    if (e instanceof api.SessionExpired) throw e;
    a = await queue.cacheGet('activity:' + id);
    if (!a) a = (await queuedActivities()).find((x) => x.id === id);
    note = missing(e) ? t('not_available', { code: 'GET /activities/{id} 404' }) : (e.network ? t('cached_copy') : (a ? errText(e) : null));
    if (!a) return h('p', { class: 'error' }, errText(e));
  }
  const items = await queue.all();
  const mine = (op) => items.filter((i) => i.op === op && i.activityId === id);
  let checks = [];
  if (me.role !== 'volunteer') { try { checks = (await api.checkins(id)).items || []; } catch { /* offline or not yet there */ } }
  const cached = (await queue.cacheGet('checkins:' + id)) || [];
  const seen = new Set(checks.map((c) => c.id));
  checks = [...checks, ...cached.filter((c) => !seen.has(c.id) && seen.add(c.id)),
    ...mine('checkin').map((i) => i.payload.checkin).filter((c) => !seen.has(c.id))];
  const checkList = h('ul', { class: 'checkins', id: 'checkins' }, checks.map(checkinLine));
  const geoStatus = h('p', { class: 'geo', id: 'geo-status', 'aria-live': 'polite' });

  const doCheckin = (type) => async () => {
    geoStatus.textContent = t('locating');
    let p;
    try { p = await locate(); } catch (e) { geoStatus.textContent = t('geo_denied', { msg: e.message }); return; }
    const c = { id: crypto.randomUUID(), type, lat: p.coords.latitude, lng: p.coords.longitude, accuracy_m: Math.round(p.coords.accuracy * 10) / 10, captured_at: new Date(p.timestamp || Date.now()).toISOString() };
    geoStatus.textContent = `${label('checkin_types', type)} · ${t('accuracy', { m: Math.round(c.accuracy_m) })}`;
    await queue.enqueue({ op: 'checkin', payload: { activityId: id, checkin: c }, activityId: id, label: `${label('checkin_types', type)}：${a.title}` });
    checkList.append(checkinLine(c));
  };
  const isEvent = a.kind === 'outreach_event' || a.kind === 'ethics_promotion';
  const canWork = me.role !== 'volunteer';
  const preview = h('div', { class: 'photos', id: 'photos' });
  const onPhoto = async (ev) => {
    for (const file of ev.target.files) {
      const pid = crypto.randomUUID();
      preview.append(h('img', { src: URL.createObjectURL(file), alt: file.name, class: 'thumb' }));
      await queue.enqueue({ op: 'attachment', payload: { activityId: id, id: pid, name: file.name }, blob: file, activityId: id, label: `📷 ${file.name}：${a.title}` });
    }
    toast(t('photo_queued'));
    ev.target.value = '';
  };
  const sent = (await queue.cacheGet('attachments:' + id)) || [];
  return h('section', { class: 'card', id: 'activity', dataset: { id } },
    h('a', { href: '#/', class: 'link' }, '← ', t('back')),
    note ? h('p', { class: 'notice' }, note) : null,
    h('h2', {}, a.title),
    h('p', { class: 'act-meta' }, label('activity_kinds', a.kind), ' · ', fmtDate(a.scheduled_at), endsAt(a) ? ' – ' + fmtDate(endsAt(a)) : '', ' · ',
      h('span', { class: 'badge ' + (a._queued ? 'queued' : a.status), id: 'status' }, a._queued ? t('queued_local') : label('activity_statuses', a.status))),
    a.site ? h('p', {}, a.site.name || '', ' ', a.site.address || '', a.site.radius_m ? ` (${a.site.radius_m} m)` : '') : null,
    a.notes ? h('p', {}, a.notes) : null,
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'primary', id: 'arrive', onclick: doCheckin('arrive') }, t('arrive')),
      h('button', { type: 'button', class: 'primary', id: 'depart', onclick: doCheckin('depart') }, t('depart'))),
    geoStatus,
    isEvent && me.role === 'volunteer' && endsAt(a) ? h('p', { class: 'muted', id: 'checkin-window' }, t('checkin_window', {
      from: fmtDate(new Date(new Date(a.scheduled_at).getTime() - 3_600_000).toISOString()),
      to: fmtDate(new Date(new Date(endsAt(a)).getTime() + 3_600_000).toISOString()) })) : null,
    h('h3', {}, t('checkins')), checkList,
    isEvent && canWork && !a._queued ? await rosterSection(a) : null,
    canWork ? [
      h('h3', {}, t('attachments')),
      h('div', { class: 'actions' },
        h('label', { class: 'button' }, t('photo_take'), h('input', { type: 'file', accept: 'image/*', capture: 'environment', class: 'visually-hidden', id: 'photo-take', onchange: onPhoto })),
        h('label', { class: 'button' }, t('photo_choose'), h('input', { type: 'file', accept: 'image/*,application/pdf', multiple: true, class: 'visually-hidden', id: 'photo-choose', onchange: onPhoto }))),
      h('p', { class: 'muted' }, sent.map((x) => `${x.content_type || ''} ${x.size ? Math.round(x.size / 1024) + ' KB' : ''}`).join(' · ')),
      preview,
      a.status !== 'completed' && a.status !== 'cancelled' ? h('button', { type: 'button', class: 'wide', id: 'complete', onclick: async () => {
        await queue.enqueue({ op: 'updateActivity', payload: { activityId: id, patch: { status: 'completed', completed_at: new Date().toISOString() }, version: a._queued ? null : a.version }, activityId: id, label: `${t('complete')}：${a.title}` });
        toast(t('completed_queued'));
      } }, t('complete')) : null,
    ] : null,
    isEvent && me.role === 'volunteer' ? signupButtons(a) : null);
}

// ---------------------------------------------------------------- volunteer

/** endsAt is an event's end: event.ends_at for staff, ends_at for volunteers. */
const endsAt = (a) => a?.event?.ends_at || a?.ends_at || null;

/** statusBadge shows whether an attendance's hours count. */
function statusBadge(status) {
  if (!status || status === 'none') return null;
  return h('span', { class: 'badge att-' + status, dataset: { attendance: status } }, t('att_' + status));
}

/** rosterSection lists the volunteers of an event for staff, with their
 * hours and whether they count; managers and admins confirm or reject
 * hours that wait (and may reverse a decision). */
async function rosterSection(a) {
  let r;
  try { r = await api.roster(a.id); } catch (e) {
    if (e instanceof api.SessionExpired) throw e;
    return h('p', { class: 'muted' }, t('roster'), '：', errText(e));
  }
  const me = api.currentUser();
  const decides = me.role === 'manager' || me.role === 'admin';
  const decide = (v, op) => async () => {
    await queue.enqueue({ op, payload: { activityId: a.id, userId: v.user_id }, activityId: a.id,
      label: `${t(op === 'confirmAttendance' ? 'confirm' : 'reject')}：${v.display_name}` });
    toast(t('decision_queued'));
  };
  const items = r.items || [];
  return h('section', { id: 'roster' },
    h('h3', {}, t('roster')),
    h('p', { class: 'muted' }, t('roster_hours', { c: r.confirmed_hours ?? 0, u: r.unconfirmed_hours ?? 0 })),
    items.length ? h('ul', { class: 'acts' }, items.map((v) => h('li', { class: 'act', dataset: { user: v.user_id, attendance: v.attendance_status } },
      h('span', { class: 'act-title' }, v.display_name, v.status === 'cancelled' ? ' · ' + t('signup_cancelled') : ''),
      h('span', { class: 'act-meta' }, t('hours'), ' ', v.hours ?? '–', ' ', statusBadge(v.attendance_status),
        v.decision_reason ? ' · ' + v.decision_reason : ''),
      decides && v.attendance_status && v.attendance_status !== 'none' ? h('span', { class: 'q-actions' },
        v.attendance_status !== 'confirmed' ? h('button', { type: 'button', class: 'small', dataset: { confirm: v.user_id }, onclick: decide(v, 'confirmAttendance') }, t('confirm')) : null,
        v.attendance_status !== 'rejected' ? h('button', { type: 'button', class: 'small ghost', dataset: { reject: v.user_id }, onclick: decide(v, 'rejectAttendance') }, t('reject')) : null) : null))) :
      h('p', { class: 'muted' }, t('no_signups')));
}

function signupButtons(a) {
  return h('div', { class: 'actions' },
    h('button', { type: 'button', class: 'primary', dataset: { signup: a.id }, onclick: async () => {
      await queue.enqueue({ op: 'signup', payload: { activityId: a.id }, activityId: a.id, label: `${t('sign_up')}：${a.title}` });
      toast(t('signup_queued'));
    } }, t('sign_up')),
    h('button', { type: 'button', class: 'ghost', dataset: { cancel: a.id }, onclick: async () => {
      await queue.enqueue({ op: 'cancelSignup', payload: { activityId: a.id }, activityId: a.id, label: `${t('cancel_signup')}：${a.title}` });
      toast(t('cancel_queued'));
    } }, t('cancel_signup')));
}

async function eventsView() {
  const { items, note } = await loadActivities({ from: isoLocal(startOfToday()) }, 'list:events');
  const events = items.filter((a) => a.event && (a.event.published ?? true) && a.status !== 'cancelled');
  return h('section', { id: 'events' },
    note ? h('p', { class: 'notice' }, note) : null,
    h('h2', {}, t('tab_events')),
    events.length ? h('ul', { class: 'acts' }, events.map((a) => {
      const free = api.freePlaces(a);
      return activityCard(a, [
        h('p', { class: 'places' }, free === null ? '' : t('free_places', { n: free }), a.site?.name ? ' · ' + a.site.name : ''),
        signupButtons(a)]);
    })) : h('p', { class: 'muted' }, t('no_events')));
}

async function hoursView() {
  const year = new Date().getFullYear();
  let data, note = null;
  try { data = await api.participation(year); await queue.cachePut('participation:' + year, data); } catch (e) {
    if (e instanceof api.SessionExpired) throw e;
    data = await queue.cacheGet('participation:' + year);
    note = missing(e) ? t('not_available', { code: 'GET /volunteers/me/participation 404' }) : (e.network ? t('cached_copy') : errText(e));
  }
  const items = data?.items || data?.signups || [];
  // Only confirmed hours count; those waiting for a manager are shown apart.
  const total = data?.total_hours ?? items.reduce((s, i) => s + (Number(i.confirmed_hours ?? i.hours) || 0), 0);
  const pending = data?.unconfirmed_hours ?? 0;
  return h('section', { id: 'hours' },
    note ? h('p', { class: 'notice' }, note) : null,
    h('h2', {}, t('tab_hours'), ' ', year),
    h('p', { class: 'big', id: 'total-hours' }, t('total_hours', { h: Math.round(total * 100) / 100 })),
    pending ? h('p', { id: 'pending-hours' }, t('pending_hours', { h: Math.round(pending * 100) / 100 })) : null,
    h('ul', { class: 'acts' }, items.map((i) => h('li', { class: 'act', dataset: { attendance: i.attendance_status || 'none' } },
      h('span', { class: 'act-title' }, i.title || i.activity?.title || i.activity_id),
      h('span', { class: 'act-meta' }, fmtDate(i.scheduled_at || i.activity?.scheduled_at || i.arrived_at), ' · ', t('hours'), ' ', i.hours ?? '–', ' ',
        statusBadge(i.attendance_status), i.decision_reason ? ' · ' + i.decision_reason : '')))));
}

// ---------------------------------------------------------------- manager

async function kpiView() {
  const y = Number(route().arg) || new Date().getFullYear();
  const yearInput = h('input', { type: 'number', id: 'kpi-year', value: y, min: 2000, max: 2100, inputmode: 'numeric' });
  const box = h('div', { id: 'kpi-box' });
  const show = () => go('#/kpi/' + yearInput.value);
  const download = (format) => async () => {
    try {
      const { blob, name } = await api.kpiDownload(y, format);
      const url = URL.createObjectURL(blob);
      const a = h('a', { href: url, download: name, class: 'visually-hidden' });
      document.body.append(a); a.click(); a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 30_000);
    } catch (e) { toast(errText(e), 'bad'); }
  };
  try {
    const r = await api.kpis(y);
    await queue.cachePut('kpis:' + y, r);
    box.append(kpiReport(r));
  } catch (e) {
    if (e instanceof api.SessionExpired) throw e;
    const r = await queue.cacheGet('kpis:' + y);
    box.append(h('p', { class: 'notice' }, e.network ? t('cached_copy') : errText(e)));
    if (r) box.append(kpiReport(r));
  }
  return h('section', { id: 'kpi' },
    h('form', { class: 'row-form', onsubmit: (ev) => { ev.preventDefault(); show(); } },
      field(t('year'), yearInput), h('button', { type: 'submit', class: 'primary' }, t('show'))),
    box,
    h('div', { class: 'actions' },
      h('button', { type: 'button', id: 'dl-csv', onclick: download('csv') }, t('download_csv')),
      h('button', { type: 'button', id: 'dl-xlsx', onclick: download('xlsx') }, t('download_xlsx'))));
}

function kpiReport(r) {
  const name = (k) => (getLang() === 'en' ? k.name_en : k.name_zh) || label('kpis', k.code);
  const fmt = (v, k) => (v === null || v === undefined ? '–' : (Math.round(v * 10) / 10) + (k.unit === 'percent' ? '%' : ''));
  const rows = r.kpis.map((k) => ({ code: k.code, name: label('kpis', k.code) || name(k), actual: k.actual, target: k.target, unit: k.unit }));
  return h('div', {},
    h('h2', {}, `${r.year} · ${t('roc', { y: r.roc_year })}`),
    h('div', { class: 'chart-box', id: 'kpi-chart' }, kpiChart(rows, { title: t('chart_title'), noTarget: t('no_target'), targetLabel: t('target'), actualLabel: t('actual') })),
    h('div', { class: 'table-wrap' }, h('table', { id: 'kpi-table' },
      h('thead', {}, h('tr', {}, h('th', {}, t('kpi')), h('th', {}, t('actual')), h('th', {}, t('target')), h('th', {}, t('achieved')))),
      h('tbody', {}, r.kpis.map((k) => h('tr', { dataset: { code: k.code } },
        h('td', {}, name(k), h('small', {}, k.measure || '')),
        h('td', { class: 'num' }, fmt(k.actual, k)),
        h('td', { class: 'num' }, fmt(k.target, k), k.expected_to_date != null ? h('small', {}, '≈ ' + fmt(k.expected_to_date, k)) : null),
        h('td', {}, k.achieved ? t('yes') : t('no'), k.on_track != null ? h('small', { class: k.on_track ? 'good' : 'bad' }, k.on_track ? t('on_track') : t('behind')) : null)))))),
    h('p', { class: 'muted' }, r.timezone, ' · ', fmtDate(r.as_of)));
}

async function approvalsView() {
  const approve = (u) => async (ev) => {
    ev.target.disabled = true;
    await queue.enqueue({ op: 'approve', payload: { userId: u.id }, label: `${t('approve')}：${u.display_name || u.id}` });
    toast(t('approve_queued'));
  };
  let list, note = null;
  try { list = await api.pendingVolunteers(); } catch (e) {
    if (e instanceof api.SessionExpired) throw e;
    list = null;
    note = e.status === 403 ? t('manager_cannot_list', { code: '403 GET /users' }) : errText(e);
  }
  const idInput = h('input', { name: 'user_id', id: 'approve-id', autocapitalize: 'off' });
  return h('section', { id: 'approvals' },
    h('h2', {}, t('tab_approve')),
    note ? h('p', { class: 'notice' }, note) : null,
    list ? (list.length ? h('ul', { class: 'acts' }, list.map((u) => h('li', { class: 'act', dataset: { user: u.username } },
      h('span', { class: 'act-title' }, u.display_name, ' (', u.username, ')'),
      h('span', { class: 'act-meta' }, [u.phone, u.email].filter(Boolean).join(' · '), ' · ', fmtDate(u.created_at)),
      h('button', { type: 'button', class: 'primary', onclick: approve(u) }, t('approve'))))) : h('p', { class: 'muted' }, t('no_pending'))) : null,
    list === null ? h('form', { class: 'row-form', onsubmit: (ev) => { ev.preventDefault(); if (idInput.value.trim()) approve({ id: idInput.value.trim() })(ev); } },
      field(t('user_id'), idInput), h('button', { type: 'submit', class: 'primary' }, t('approve'))) : null);
}

// ---------------------------------------------------------------- start

$('lang-switch').addEventListener('click', () => { setLang(getLang() === 'en' ? 'zh' : 'en'); render(); queue.all().then(renderQueue); });
$('sign-out').addEventListener('click', async () => { await api.logout(); sessionStorage.removeItem('ethicsops.expired'); go('#/login'); });
window.addEventListener('hashchange', render);
window.addEventListener('online', () => { renderNet(); queue.all().then(renderQueue); });
window.addEventListener('offline', () => { renderNet(); queue.all().then(renderQueue); });
api.onSession((s) => { if (!s) { go('#/login'); } queue.all().then(renderQueue); });
queue.onChange((items, ev) => {
  renderQueue(items);
  if (ev?.done && ev.done.op === 'checkin' && ev.result && route().name === 'a') {
    const li = document.querySelector(`#checkins li[data-geofence="pending"]`);
    if (li) li.replaceWith(checkinLine(ev.result));
  }
  if (ev?.done && ev.done.op === 'createActivity' && route().name === 'a' && route().arg === ev.done.activityId) render();
});

(async () => {
  await ensureMeta();
  const s = api.currentSession();
  if (s && s.expires_at - Date.now() < 10_000) { try { await api.refresh(); } catch { /* handled by onSession */ } }
  await queue.start();
  await render();
  if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js').catch(() => {});
})();
