// screens/records.js — the officer's records: the list, the form for every kind,
// a record with its check-ins and photos.

import * as api from '../api.js';
import * as queue from '../queue.js';
import { t, label, metaGroup, fmtDate } from '../i18n.js';
import { h, field } from '../dom.js';
import { $, units, ensureUnits, toast, errText, missing, go, render } from '../shell.js';
import { endsAt, rosterSection, signupButtons } from './volunteer.js';

export function startOfToday() { const d = new Date(); d.setHours(0, 0, 0, 0); return d; }
export function isoLocal(d) {
  const off = -d.getTimezoneOffset();
  const pad = (n) => String(Math.abs(n)).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:00${off >= 0 ? '+' : '-'}${pad(Math.trunc(off / 60))}:${pad(off % 60)}`;
}

/** queuedActivities answers the activities created on this phone that wait in the queue. */
export async function queuedActivities() {
  const me = api.currentUser();
  return (await queue.all()).filter((i) => i.op === 'createActivity' && i.userId === me?.id).map((i) => ({ ...i.payload.activity, status: 'planned', _queued: i.status }));
}

export async function loadActivities(filters, cacheKey) {
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

export function activityCard(a, extra = []) {
  const st = a._queued ? t('queued_local') : label('activity_statuses', a.status);
  return h('li', { class: 'act', dataset: { id: a.id, title: a.title } },
    h('a', { href: '#/a/' + encodeURIComponent(a.id), class: 'act-link' },
      h('span', { class: 'act-title' }, a.title),
      h('span', { class: 'act-meta' }, label('activity_kinds', a.kind), ' · ', fmtDate(a.scheduled_at)),
      h('span', { class: 'badge ' + (a._queued ? 'queued' : a.status) }, st)),
    extra);
}

export async function todayView() {
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
export const PART_OF = {
  procurement_supervision: 'procurement', security_maintenance: 'maintenance', petition: 'petition',
  safety_inspection: 'checklist', infosec_audit: 'checklist', outreach_event: 'event', ethics_promotion: 'event',
};
// The fields of each part: [name, type, meta group for selects].
export const PART_FIELDS = {
  procurement: [['case_no', 'text'], ['case_title', 'text'], ['category', 'select', 'procurement_categories'],
    ['budget_amount', 'int'], ['stage', 'select', 'procurement_stages'], ['deficiencies', 'lines'], ['corrected', 'bool']],
  maintenance: [['event_name', 'text'], ['risk_level', 'select', 'risk_levels'], ['measures', 'textarea']],
  petition: [['petitioners', 'int', null, 1], ['subject', 'text'], ['outcome', 'textarea']],
  event: [['scale', 'select', 'event_scales'], ['audience', 'text'], ['participants', 'int', null, 0],
    ['volunteer_capacity', 'int', null, 0], ['published', 'bool'], ['ends_at', 'datetime']],
};

export function selectOf(group, name, value) {
  return h('select', { name }, metaGroup(group).map((o) => h('option', { value: o.value, selected: o.value === value }, label(group, o.value))));
}

export function partInputs(part) {
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

export async function newView() {
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

export function locate() {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) { reject(new Error('geolocation unavailable')); return; }
    navigator.geolocation.getCurrentPosition(resolve, reject, { enableHighAccuracy: true, timeout: 20_000, maximumAge: 0 });
  });
}

export function checkinLine(c) {
  return h('li', { class: 'checkin', dataset: { geofence: c.geofence || 'pending' } },
    h('strong', {}, label('checkin_types', c.type)), ' ', fmtDate(c.captured_at), ' · ',
    c.geofence ? h('span', { class: 'badge ' + c.geofence }, label('geofences', c.geofence)) : h('span', { class: 'badge queued' }, t('geofence_later')),
    c.distance_m != null ? ' · ' + t('distance', { m: Math.round(c.distance_m) }) : '',
    c.accuracy_m != null ? ' · ' + t('accuracy', { m: Math.round(c.accuracy_m) }) : '',
    c.clock_skew_s ? ' · ' + t('skew', { s: Math.round(c.clock_skew_s) }) : '');
}

export async function activityView(id) {
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
