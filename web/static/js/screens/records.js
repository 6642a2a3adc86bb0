// screens/records.js — the officer's records: the list (overdue, in progress,
// today, upcoming, done, and search), the form to create, edit, complete or
// fix a record, and a record with its check-ins and photos.

import * as api from '../api.js';
import * as queue from '../queue.js';
import { t, label, metaGroup, fmtDate } from '../i18n.js';
import { h } from '../dom.js';
import { formatDateTime, formatMoney, formatDuration, formatDate, formatTime, localInput } from '../format.js';
import { errorMessage } from '../messages.js';
import { units, ensureUnits, toast, errText, missing, go, render } from '../shell.js';
import { activityForm, conflictRows, rebase, PART_OF, PART_FIELDS, partLabel, objText } from '../forms.js';
import { ot } from '../officer-text.js';
import { endsAt, rosterSection, signupButtons } from './volunteer.js';
import { sitePreview } from '../mapview.js';
import { reviewNote } from '../review-note.js';

export { PART_OF, PART_FIELDS };

export function startOfToday() { const d = new Date(); d.setHours(0, 0, 0, 0); return d; }
export function isoLocal(d) {
  const off = -d.getTimezoneOffset();
  const pad = (n) => String(Math.abs(n)).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:00${off >= 0 ? '+' : '-'}${pad(Math.trunc(off / 60))}:${pad(off % 60)}`;
}
const unitName = (id) => units.find((u) => u.id === id)?.name || (id ? t('unit_unknown') : '—');

/** queuedActivities answers the activities created on this phone that wait in the queue. */
export async function queuedActivities() {
  const me = api.currentUser();
  return (await queue.all()).filter((i) => i.op === 'createActivity' && i.userId === me?.id)
    .map((i) => ({ ...i.payload.activity, status: 'planned', _queued: i.status, _seq: i.seq }));
}

export async function loadActivities(filters, cacheKey) {
  let items, note = null, next = '';
  try {
    const page = await api.activities(filters);
    items = page.items || [];
    next = page.next_cursor || '';
    if (!filters.cursor) await queue.cachePut(cacheKey, items);
    for (const a of items) await queue.cachePut('activity:' + a.id, a);
  } catch (e) {
    if (e instanceof api.SessionExpired) throw e;
    items = (await queue.cacheGet(cacheKey)) || [];
    note = missing(e) ? t('not_available', { code: 'GET /activities' }) : (e.network ? t('cached_copy') : errText(e));
  }
  return { items, note, next };
}

/** nextStep says, in a few words, what the record needs next. */
export function nextStep(a) {
  if (a._queued === 'failed') return t('next_fix');
  if (a._queued) return t('next_queued');
  const today = startOfToday();
  switch (a.status) {
    case 'planned': return new Date(a.scheduled_at) < today ? t('next_overdue') : t('next_arrive');
    case 'in_progress': return t('next_complete', { what: completionNeeds(a) });
    case 'completed': return a.late_entry ? t('next_late') : t('next_done');
    case 'cancelled': return t('next_cancelled');
    default: return '';
  }
}
/** completionNeeds names what completing a record of this kind asks for. */
function completionNeeds(a) {
  return { procurement: t('stage'), maintenance: t('measures'), petition: t('outcome'), checklist: t('result'), event: t('participants'), opinion_visit: ot('ov_needs') }[PART_OF[a.kind]] || '';
}

export function activityCard(a, extra = []) {
  const overdue = a.status === 'planned' && !a._queued && new Date(a.scheduled_at) < startOfToday();
  const st = a._queued ? (a._queued === 'failed' ? t('queued_failed') : t('queued_local')) : overdue ? t('overdue') : label('activity_statuses', a.status);
  return h('li', { class: 'act' + (overdue ? ' overdue' : ''), dataset: { id: a.id, title: a.title, status: a.status } },
    h('a', { href: a._queued === 'failed' && a._seq ? '#/fix/' + a._seq : '#/a/' + encodeURIComponent(a.id), class: 'act-link' },
      h('span', { class: 'act-title' }, a.title),
      h('span', { class: 'act-meta' }, label('activity_kinds', a.kind), ' · ', h('span', { class: 'nowrap' }, fmtDate(a.scheduled_at))),
      h('span', { class: 'badge ' + (a._queued ? 'queued' : overdue ? 'overdue' : a.status) }, st),
      h('span', { class: 'next-step' }, '→ ', nextStep(a))),
    extra);
}

const listOf = (arr, empty = t('no_activities')) => arr.length ? h('ul', { class: 'acts' }, arr.map((a) => activityCard(a))) : h('p', { class: 'muted' }, empty);

/** todayView is the officer's home: overdue, in progress, today, upcoming,
 * recently done; a search with filters replaces it with one paged list. */
export async function todayView() {
  const me = api.currentUser();
  const mine = me.role === 'officer' ? { owner_id: me.id } : {};
  const params = new URLSearchParams(location.hash.split('?')[1] || '');
  const filters = Object.fromEntries(['q', 'kind', 'status', 'from', 'to', 'unit_id'].map((k) => [k, params.get(k) || '']).filter(([, v]) => v));
  await ensureUnits().catch(() => {});
  const search = searchForm(filters);
  const section = h('section', { id: 'today' }, search);
  if (Object.keys(filters).length) {
    const f = { ...mine, ...filters, sort: '-scheduled_at', limit: 20 };
    if (f.from) f.from = isoLocal(new Date(f.from + 'T00:00'));
    if (f.to) f.to = isoLocal(new Date(new Date(f.to + 'T00:00').getTime() + 86_400_000));
    const list = h('ul', { class: 'acts', id: 'results' });
    const more = h('button', { type: 'button', class: 'ghost wide', id: 'more' }, t('more'));
    const load = async (cursor) => {
      const { items, note, next } = await loadActivities({ ...f, cursor }, 'list:search');
      if (note) list.append(h('li', { class: 'notice' }, note));
      list.append(...items.map((a) => activityCard(a)));
      if (!cursor && !items.length) list.append(h('li', { class: 'muted' }, t('no_results')));
      more.hidden = !next;
      more.onclick = () => load(next);
    };
    await load('');
    section.append(h('h2', {}, t('results')), list, more);
    return section;
  }
  const today = startOfToday();
  const end = new Date(today.getTime() + 86_400_000);
  const [overdue, open, upcoming, done] = await Promise.all([
    loadActivities({ ...mine, status: 'planned', to: isoLocal(today), sort: 'scheduled_at' }, 'list:overdue'),
    loadActivities({ ...mine, status: 'in_progress', sort: 'scheduled_at' }, 'list:open'),
    loadActivities({ ...mine, from: isoLocal(today), sort: 'scheduled_at' }, 'list:today'),
    loadActivities({ ...mine, status: 'completed', sort: '-scheduled_at', limit: 10 }, 'list:done'),
  ]);
  const queued = await queuedActivities();
  const seen = new Set([...overdue.items, ...open.items, ...upcoming.items].map((a) => a.id));
  const fromToday = [...queued.filter((a) => !seen.has(a.id)), ...upcoming.items.filter((a) => a.status === 'planned')]
    .sort((x, y) => String(x.scheduled_at).localeCompare(String(y.scheduled_at)));
  const note = [overdue, open, upcoming, done].map((r) => r.note).find(Boolean);
  const discarded = (await queue.discarded()).filter((d) => d.userId === me.id);
  section.append(...[
    note ? h('p', { class: 'notice' }, note) : null,
    overdue.items.length ? [h('h2', { class: 'bad' }, t('overdue_h', { n: overdue.items.length })), listOf(overdue.items)] : null,
    h('h2', {}, t('in_progress_h')), listOf(open.items, t('none_in_progress')),
    h('h2', {}, t('today')), listOf(fromToday.filter((a) => new Date(a.scheduled_at) < end)),
    h('h2', {}, t('upcoming')), listOf(fromToday.filter((a) => !(new Date(a.scheduled_at) < end))),
    h('h2', {}, t('done_h')), listOf(done.items, t('none_done')),
    done.next ? h('a', { class: 'link', href: '#/today?status=completed' }, t('all_done')) : null,
    discarded.length ? discardedSection(discarded) : null,
    h('button', { type: 'button', class: 'ghost wide', onclick: render }, t('refresh'))].flat(Infinity).filter(Boolean));
  return section;
}

function searchForm(filters) {
  const q = h('input', { type: 'search', name: 'q', id: 'q', value: filters.q || '', placeholder: t('search_ph'), 'aria-label': t('search') });
  const kind = h('select', { name: 'kind', 'aria-label': t('kind') }, h('option', { value: '' }, t('all_kinds')),
    metaGroup('activity_kinds').map((o) => h('option', { value: o.value, selected: o.value === filters.kind }, label('activity_kinds', o.value))));
  const status = h('select', { name: 'status', 'aria-label': t('status') }, h('option', { value: '' }, t('all_statuses')),
    metaGroup('activity_statuses').map((o) => h('option', { value: o.value, selected: o.value === filters.status }, label('activity_statuses', o.value))));
  const unit = h('select', { name: 'unit_id', 'aria-label': t('unit') }, h('option', { value: '' }, t('all_units')),
    units.map((u) => h('option', { value: u.id, selected: u.id === filters.unit_id }, u.name)));
  const from = h('input', { type: 'date', name: 'from', value: filters.from || '', 'aria-label': t('date_from') });
  const to = h('input', { type: 'date', name: 'to', value: filters.to || '', 'aria-label': t('date_to') });
  const open = Object.keys(filters).some((k) => k !== 'q');
  return h('form', { class: 'search', id: 'search', role: 'search', onsubmit: (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams();
    for (const el of [q, kind, status, unit, from, to]) if (el.value.trim()) p.set(el.name, el.value.trim());
    go('#/today' + (p.toString() ? '?' + p : ''));
  } },
  h('div', { class: 'row-form' }, q, h('button', { type: 'submit', class: 'primary' }, t('search'))),
  h('details', { open }, h('summary', {}, t('filters')),
    h('label', { class: 'field' }, h('span', { class: 'label' }, t('kind')), kind),
    h('label', { class: 'field' }, h('span', { class: 'label' }, t('status')), status),
    h('label', { class: 'field' }, h('span', { class: 'label' }, t('unit')), unit),
    h('div', { class: 'row2' }, h('label', { class: 'field' }, h('span', { class: 'label' }, t('date_from')), from),
      h('label', { class: 'field' }, h('span', { class: 'label' }, t('date_to')), to))),
  Object.keys(filters).length ? h('a', { href: '#/today', class: 'link' }, t('clear_search')) : null);
}

function discardedSection(items) {
  return h('section', { id: 'discarded' }, h('h2', {}, t('discarded_h')),
    h('p', { class: 'muted' }, t('discarded_note')),
    h('ul', { class: 'acts' }, items.map((d) => h('li', { class: 'act', dataset: { seq: d.seq } },
      h('span', { class: 'act-title' }, d.label || d.op),
      h('span', { class: 'act-meta' }, t('discarded_on', { at: formatDateTime(d.discarded_at) })),
      h('button', { type: 'button', class: 'small', onclick: async () => { await queue.restore(d.seq); toast(t('restored')); render(); } }, t('restore'))))));
}

export async function newView() {
  await ensureUnits();
  return activityForm({ mode: 'new', units, locate, sitesOf, initial: {}, onSubmit: async (a) => {
    a.id = crypto.randomUUID();
    a.status = undefined;
    await queue.enqueue({ op: 'createActivity', payload: { activity: clean(a) }, activityId: a.id, label: `${label('activity_kinds', a.kind)}：${a.title}` });
    toast(t('saved_queued'));
    go('#/a/' + encodeURIComponent(a.id));
  } });
}

/** clean drops what the server would refuse as empty (an empty unit, notes). */
function clean(a) {
  const o = { ...a };
  for (const k of ['unit_id', 'notes', 'status']) if (o[k] === '' || o[k] === undefined) delete o[k];
  return o;
}

/** patchOf is an edit as a PATCH body: every field of the form; a removed site is cleared. */
function patchOf(a, before) {
  const p = clean(a);
  delete p.id; delete p.kind;
  if (p.notes === undefined && before?.notes) p.notes = '';
  if (!p.site && before?.site) p.clear_site = true;
  // The form shows minutes: an unchanged time keeps its seconds.
  if (before?.scheduled_at && localInput(before.scheduled_at) === localInput(p.scheduled_at)) p.scheduled_at = before.scheduled_at;
  return p;
}

/** saveEdit sends an edit now when online (to answer a conflict at once),
 * or queues it. */
async function saveEdit(a0, patch, form) {
  const payload = { activityId: a0.id, patch, version: a0.version };
  const lab = `${patch.status === 'completed' ? t('complete') : t('edit')}：${patch.title || a0.title}`;
  if (!navigator.onLine || a0._queued) {
    await queue.enqueue({ op: 'updateActivity', payload: { ...payload, version: a0._queued ? null : a0.version }, activityId: a0.id, label: lab });
    toast(t('saved_queued'));
    go('#/a/' + encodeURIComponent(a0.id));
    return;
  }
  try {
    const res = await api.perform('updateActivity', payload);
    await queue.cachePut('activity:' + a0.id, res.data);
    toast(patch.status === 'completed' ? t('completed_ok') : t('saved_ok'));
    go('#/a/' + encodeURIComponent(a0.id));
  } catch (e) {
    if (e instanceof api.SessionExpired) throw e;
    if (e.network || e.transient) {
      await queue.enqueue({ op: 'updateActivity', payload, activityId: a0.id, label: lab });
      toast(t('saved_queued')); go('#/a/' + encodeURIComponent(a0.id)); return;
    }
    if (e.code === 'version_conflict') { await showConflict(form, a0.id, patch, null, a0); return; }
    if (e.fields) form.showErrors(e.fields);
    else form.querySelector('#form-error').textContent = errorMessage(e);
  }
}

/** showConflict shows, field by field, what differs between the server's
 * newer copy and the officer's, and who changed it. 保留我的修改 sends the
 * officer's own changes on top of the server's version (what others changed
 * meanwhile stays); 採用伺服器的 drops theirs. Nothing is retyped. opened is
 * the copy the officer started from (null when unknown: then all of the
 * officer's values count as theirs). */
async function showConflict(form, id, patch, onKeep, opened) {
  const server = await api.activity(id);
  const rows = conflictRows(server, opened, patch, unitName);
  const mineCount = rows.filter((r) => r.yours).length;
  const box = h('div', { class: 'conflict card', id: 'conflict', role: 'alert' },
    h('h3', {}, t('conflict_h')),
    h('p', {}, t('conflict_body')),
    h('p', { class: 'muted', id: 'conflict-count' }, t('conflict_count', { n: rows.length, mine: mineCount })),
    h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, t('field')), h('th', {}, t('server_copy')), h('th', {}, t('my_copy')))),
      h('tbody', {}, rows.map((r) => h('tr', { class: r.yours ? 'yours' : 'theirs', dataset: { field: r.label } },
        h('th', { scope: 'row' }, r.label, h('small', { class: 'who' }, r.yours ? t('conflict_yours') : t('conflict_theirs'))),
        h('td', {}, r.server), h('td', {}, r.mine))))),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'primary', id: 'keep-mine', onclick: async () => {
        const body = rebase(patch, opened, server);
        if (onKeep) { await onKeep(server, body); return; }
        try {
          const res = await api.perform('updateActivity', { activityId: id, patch: withoutVersion(body), version: server.version });
          await queue.cachePut('activity:' + id, res.data);
          toast(t('saved_ok')); go('#/a/' + encodeURIComponent(id));
        } catch (e) {
          if (e.code === 'version_conflict') { await showConflict(form, id, patch, onKeep, opened); return; }
          box.querySelector('.error').textContent = errorMessage(e);
        }
      } }, t('keep_mine')),
      h('button', { type: 'button', id: 'take-server', onclick: async () => {
        await queue.cachePut('activity:' + id, server);
        if (onKeep) await onKeep(null);
        toast(t('took_server')); go('#/a/' + encodeURIComponent(id));
      } }, t('take_server'))),
    h('p', { class: 'error' }));
  form.querySelector('#conflict')?.remove();
  form.prepend(box);
  box.scrollIntoView({ block: 'start' });
}

const withoutVersion = (p) => { const o = { ...p }; delete o.version; return o; };

async function readActivity(id) {
  try { const a = await api.activity(id); await queue.cachePut('activity:' + id, a); return { a }; } catch (e) {
    if (e instanceof api.SessionExpired) throw e;
    const a = (await queue.cacheGet('activity:' + id)) || (await queuedActivities()).find((x) => x.id === id);
    return { a, e };
  }
}

/** editView is the same form as create, prefilled; #/edit/{id}?complete asks for what completion needs. */
export async function editView(arg) {
  await ensureUnits();
  const completing = /\?complete/.test(location.hash);
  const id = arg.split('?')[0];
  const { a, e } = await readActivity(id);
  if (!a) return h('p', { class: 'error' }, errorMessage(e));
  const init = completing ? { ...a, status: 'completed' } : a;
  return activityForm({ mode: completing ? 'complete' : 'edit', units, locate, sitesOf, initial: init,
    title: (completing ? t('complete') : t('edit')) + '：' + a.title,
    onSubmit: async (v, form) => {
      const patch = patchOf(v, a);
      if (completing) { patch.status = 'completed'; patch.completed_at = new Date().toISOString(); }
      await saveEdit(a, patch, form);
    } });
}

/** fixView opens a queued write the server refused in its form, with the
 * server's messages next to the fields; saving puts it back in line. */
export async function fixView(seq) {
  await ensureUnits();
  const item = await queue.get(Number(seq));
  if (!item) return h('p', { class: 'muted', id: 'fix-gone' }, t('fix_gone'), ' ', h('a', { href: '#/today', class: 'link' }, t('back')));
  // A registration has its own form.
  if (item.op === 'createRegistration') { go('#/reg-new?fix=' + item.seq); return h('p', {}); }
  const errors = item.error?.fields || {};
  const intro = h('p', { class: 'notice', id: 'fix-intro' }, t('fix_intro'), item.error && !item.error.fields ? ' ' + errorMessage(item.error) : '');
  if (item.op === 'createActivity') {
    const a = item.payload.activity;
    const form = activityForm({ mode: 'fix', units, locate, sitesOf, initial: a, errors, title: t('fix_title'), onSubmit: async (v) => {
      const fixed = clean({ ...v, id: a.id });
      await queue.resend(item.seq, { activity: fixed }, `${label('activity_kinds', fixed.kind)}：${fixed.title}`);
      toast(t('resent'));
      go('#/a/' + encodeURIComponent(a.id));
    } });
    form.prepend(intro);
    return form;
  }
  if (item.op === 'updateActivity') {
    const { a: cur } = await readActivity(item.payload.activityId);
    const base = { ...(cur || {}), ...item.payload.patch };
    const completing = item.payload.patch.status === 'completed';
    const form = activityForm({ mode: completing ? 'complete' : 'edit', units, locate, sitesOf, initial: base, errors, title: t('fix_title'), onSubmit: async (v) => {
      const patch = patchOf(v, cur);
      if (completing) { patch.status = 'completed'; patch.completed_at = item.payload.patch.completed_at; }
      await queue.resend(item.seq, { ...item.payload, patch, version: null }, item.label);
      toast(t('resent'));
      go('#/a/' + encodeURIComponent(item.payload.activityId));
    } });
    form.prepend(intro);
    if (item.error?.code === 'version_conflict' && cur) {
      await showConflict(form, cur.id, item.payload.patch, async (server, body) => {
        if (server) await queue.resend(item.seq, { ...item.payload, patch: withoutVersion(body), version: server.version }, item.label);
        else await queue.discard(item.seq);
      }, null);
    }
    return form;
  }
  return h('p', { class: 'muted' }, errorMessage(item.error));
}

// The phone's last position (for map previews), kept for ten minutes.
let lastFix = null;
export const recentFix = () => (lastFix && Date.now() - lastFix.at < 600_000 ? lastFix : null);

export function locate() {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) { reject(new Error(t('geo_unavailable'))); return; }
    navigator.geolocation.getCurrentPosition((p) => {
      lastFix = { lat: p.coords.latitude, lng: p.coords.longitude, accuracy: p.coords.accuracy, at: Date.now() };
      resolve(p);
    }, reject, { enableHighAccuracy: true, timeout: 20_000, maximumAge: 0 });
  });
}

/** sitesOf is an agency's registered sites, from the server or, offline,
 * the copy kept on the phone. */
export async function sitesOf(unitId) {
  try {
    const list = await api.unitSites(unitId);
    await queue.cachePut('sites:' + unitId, list);
    return list;
  } catch (e) {
    if (e instanceof api.SessionExpired) throw e;
    const kept = await queue.cacheGet('sites:' + unitId);
    if (kept) return kept;
    throw e;
  }
}

/** historySection is the record's history from the server's audit trail:
 * who created, edited (which fields), started, completed or cancelled it,
 * checked in and added photos, and when. Offline, the dates the record
 * itself carries. */
async function historySection(a) {
  const list = h('ol', { class: 'history', id: 'history' });
  let items = null;
  if (!a._queued) {
    try {
      items = [];
      let cursor = '';
      do { const page = await api.history(a.id, cursor); items.push(...(page.items || [])); cursor = page.next_cursor || ''; } while (cursor && items.length < 500);
      await queue.cachePut('history:' + a.id, items);
    } catch (e) {
      if (e instanceof api.SessionExpired) throw e;
      items = await queue.cacheGet('history:' + a.id);
    }
  }
  if (items) {
    list.append(...items.map(historyLine));
  } else {
    list.append(...[
      a.created_at ? h('li', {}, t('h_created', { at: formatDateTime(a.created_at) })) : null,
      a.started_at ? h('li', {}, t('h_started', { at: formatDateTime(a.started_at) })) : null,
      a.completed_at ? h('li', {}, t('h_completed', { at: formatDateTime(a.completed_at) })) : null,
      a.updated_at && a.updated_at !== a.created_at ? h('li', {}, t('h_updated', { at: formatDateTime(a.updated_at), v: a.version })) : null].filter(Boolean));
  }
  if (!list.children.length) list.append(h('li', { class: 'muted' }, t('h_none')));
  return [h('h3', {}, t('history')), list];
}

/** historyLine is one step: when, who, and what in the office's words. */
export function historyLine(e) {
  const who = e.actor ? `${e.actor.display_name}（${label('roles', e.actor.role) || t('role_' + e.actor.role)}）` : t('h_system');
  let what;
  switch (e.action) {
    case 'activity.create': what = t('h_ev_created'); break;
    case 'activity.start': what = t('h_ev_started'); break;
    case 'checkin.create': what = e.checkin_type === 'depart' || e.checkin_type === 'leave' ? t('h_ev_departed') : t('h_ev_arrived'); break;
    case 'attachment.create': what = t('h_ev_photo'); break;
    case 'activity.review_approved': what = t('h_ev_approved'); break;
    case 'activity.review_returned': what = t('h_ev_returned'); break;
    case 'activity.update': {
      const fields = (e.fields || []).filter((f) => f !== 'status' && f !== 'completed_at');
      const parts = [];
      if (e.status === 'completed' && (e.fields || []).includes('status')) parts.push(t('h_ev_completed'));
      else if (e.status === 'cancelled' && (e.fields || []).includes('status')) parts.push(t('h_ev_cancelled'));
      else if ((e.fields || []).includes('status')) parts.push(t('h_ev_status', { s: label('activity_statuses', e.status) }));
      if (fields.length) parts.push(t('h_ev_edited', { f: [...new Set(fields.map(historyFieldName))].join('、') }));
      what = parts.join('；') || t('h_ev_edited_plain');
      break;
    }
    default: what = t('h_ev_other');
  }
  const late = e.late_entry === true ? h('span', { class: 'badge late' }, t('h_late')) : null;
  return h('li', { dataset: { action: e.action } },
    h('span', { class: 'h-when nowrap' }, formatDateTime(e.at)), ' ',
    h('span', { class: 'h-who' }, who), ' ', h('span', { class: 'h-what' }, what), late ? [' ', late] : null,
    e.comment ? h('q', { class: 'h-comment' }, e.comment) : null);
}

/** historyFieldName names a changed field as the form labels it. */
function historyFieldName(path) {
  const [head, tail] = path.split('.');
  const key = { unit_id: 'unit', site_name: 'site_name', site_address: 'address', site_lat: 'site_position', site_lng: 'site_position', site_radius_m: 'radius_m' }[head] || tail || head;
  const name = t(key);
  return name === key ? t('h_field_other') : name; // a field this page does not know: never its code
}

export function checkinLine(c) {
  return h('li', { class: 'checkin', dataset: { geofence: c.geofence || 'pending' } },
    h('strong', {}, label('checkin_types', c.type)), ' ', h('span', { class: 'nowrap' }, fmtDate(c.captured_at)), ' · ',
    c.geofence ? h('span', { class: 'badge ' + c.geofence }, label('geofences', c.geofence)) : h('span', { class: 'badge queued' }, t('geofence_later')),
    c.distance_m != null ? ' · ' + t('distance', { m: Math.round(c.distance_m) }) : '',
    c.accuracy_m != null ? ' · ' + t('accuracy', { m: Math.round(c.accuracy_m) }) : '',
    Math.abs(c.clock_skew_s || 0) >= 60 ? ' · ' + t('skew', { d: formatDuration(c.clock_skew_s) }) : '');
}

/** downscale makes a photo at most 2048 px on its longest side, as JPEG;
 * other files (a PDF) go as they are. */
export async function downscale(file, max = 2048) {
  if (!/^image\//.test(file.type) || !window.createImageBitmap) return { blob: file, name: file.name };
  try {
    const bmp = await createImageBitmap(file);
    const scale = Math.min(1, max / Math.max(bmp.width, bmp.height));
    const w = Math.max(1, Math.round(bmp.width * scale)), hgt = Math.max(1, Math.round(bmp.height * scale));
    const canvas = document.createElement('canvas');
    canvas.width = w; canvas.height = hgt;
    canvas.getContext('2d').drawImage(bmp, 0, 0, w, hgt);
    bmp.close?.();
    const blob = await new Promise((res) => canvas.toBlob(res, 'image/jpeg', 0.85));
    if (!blob) return { blob: file, name: file.name };
    return { blob, name: file.name.replace(/\.[^.]*$/, '') + '.jpg', width: w, height: hgt };
  } catch { return { blob: file, name: file.name }; }
}

/** warningOffer is 提出預警 on a procurement supervision whose deficiencies
 * are not corrected: the warning form opens prefilled from the record. */
function warningOffer(a, me) {
  const p = a.procurement;
  if (me.role === 'volunteer' || a._queued || a.kind !== 'procurement_supervision' || !p || p.corrected || !(p.deficiencies || []).length) return null;
  return h('div', { class: 'notice warn-offer', id: 'warn-offer' }, h('p', {}, ot('w_offer')),
    h('a', { class: 'button primary', id: 'raise-warning', href: '#/warn-new?activity=' + encodeURIComponent(a.id) }, ot('w_new')));
}

/** details lists every field of the record's kind. */
function details(a) {
  const row = (k, v) => (v === undefined || v === null || v === '' || (Array.isArray(v) && !v.length) ? null : [h('dt', {}, k), h('dd', {}, v)]);
  const part = PART_OF[a.kind];
  const out = [
    row(t('unit'), unitName(a.unit_id)),
    row(t('scheduled_at'), fmtDate(a.scheduled_at)),
    a.started_at ? row(t('started_at'), fmtDate(a.started_at)) : null,
    a.completed_at ? row(t('completed_at'), fmtDate(a.completed_at)) : null,
    a.site ? row(t('site'), [a.site.name, a.site.address].filter(Boolean).join(' · ') || (a.site.lat != null ? t('position_set') : '')) : null,
  ];
  if (part === 'checklist') {
    out.push(row(t('checklist'), h('ul', { class: 'plain' }, (a.checklist || []).map((r) => h('li', {}, r.item, '：', r.result ? label('checklist_results', r.result) : t('not_yet'), r.note ? `（${r.note}）` : '')))));
  } else if (part && a[part]) {
    for (const [name, type, group] of PART_FIELDS[part]) {
      const v = a[part][name];
      let shown = v;
      if (type === 'select') shown = v ? label(group, v) : '';
      else if (type === 'money') shown = v != null ? formatMoney(v) : '';
      else if (type === 'bool') shown = t(v ? 'yes' : 'no');
      else if (type === 'datetime') shown = v ? fmtDate(v) : '';
      else if (type === 'lines') shown = Array.isArray(v) && v.length ? h('ul', { class: 'plain' }, v.map((x) => h('li', {}, x))) : '';
      else if (type === 'obj') shown = v ? h('span', { class: 'pre', id: 'ov-' + name }, objText(name, v)) : '';
      out.push(row(partLabel(part, name), shown));
    }
  }
  out.push(row(t('notes'), a.notes));
  return h('dl', { class: 'details', id: 'details' }, out);
}

export async function activityView(id) {
  const me = api.currentUser();
  let note = null;
  await ensureUnits().catch(() => {});
  const { a, e } = await readActivity(id);
  if (e) {
    if (!a) {
      // Not on the server: perhaps refused while queued — say so and offer the fix.
      const failed = (await queue.all()).find((i) => i.activityId === id && i.status === 'failed' && i.op === 'createActivity');
      if (failed) { go('#/fix/' + failed.seq); return h('p', {}); }
      return h('p', { class: 'error' }, errorMessage(e));
    }
    note = missing(e) ? t('not_available', { code: 'GET /activities/{id}' }) : (e.network ? t('cached_copy') : (e.status === 404 && a._queued ? t('not_sent_yet') : errorMessage(e)));
  }
  const items = await queue.all();
  const mine = (op) => items.filter((i) => i.op === op && i.activityId === id);
  const failedItem = items.find((i) => i.activityId === id && i.status === 'failed' && (i.op === 'createActivity' || i.op === 'updateActivity'));
  let checks = [];
  if (me.role !== 'volunteer' && !a._queued) { try { checks = (await api.checkins(id)).items || []; } catch { /* offline or not yet there */ } }
  const cached = (await queue.cacheGet('checkins:' + id)) || [];
  const seen = new Set(checks.map((c) => c.id));
  checks = [...checks, ...cached.filter((c) => !seen.has(c.id) && seen.add(c.id)),
    ...mine('checkin').map((i) => i.payload.checkin).filter((c) => !seen.has(c.id))];
  const checkList = h('ul', { class: 'checkins', id: 'checkins' }, checks.map(checkinLine));
  const geoStatus = h('p', { class: 'geo', id: 'geo-status', 'aria-live': 'polite' });
  const site = a.site || (a.site_lat != null ? { name: a.site_name, address: a.site_address, lat: a.site_lat, lng: a.site_lng, radius_m: a.site_radius_m } : null);
  const mapBox = h('div', { id: 'record-map-box' });
  const drawMap = () => mapBox.replaceChildren(sitePreview(site, recentFix(), { id: 'record-map' }) || '');
  drawMap();

  const doCheckin = (type) => async () => {
    geoStatus.textContent = t('locating');
    let p;
    try { p = await locate(); } catch (err) { geoStatus.textContent = t('geo_denied', { msg: err.message }); return; }
    const c = { id: crypto.randomUUID(), type, lat: p.coords.latitude, lng: p.coords.longitude, accuracy_m: Math.round(p.coords.accuracy * 10) / 10, captured_at: new Date(p.timestamp || Date.now()).toISOString() };
    geoStatus.textContent = `${label('checkin_types', type)} · ${t('accuracy', { m: Math.round(c.accuracy_m) })}`;
    await queue.enqueue({ op: 'checkin', payload: { activityId: id, checkin: c }, activityId: id, label: `${label('checkin_types', type)}：${a.title}` });
    checkList.append(checkinLine(c));
    document.getElementById('no-checkins')?.remove();
    drawMap();
  };
  const isEvent = a.kind === 'outreach_event' || a.kind === 'ethics_promotion';
  const canWork = me.role !== 'volunteer';
  const open = a.status !== 'completed' && a.status !== 'cancelled';
  const preview = h('div', { class: 'photos', id: 'photos' });
  const onPhoto = async (ev) => {
    for (const file of ev.target.files) {
      const pid = crypto.randomUUID();
      const { blob, name } = await downscale(file);
      preview.append(h('img', { src: URL.createObjectURL(blob), alt: name, class: 'thumb' }));
      await queue.enqueue({ op: 'attachment', payload: { activityId: id, id: pid, name }, blob, activityId: id, label: `📷 ${name}：${a.title}` });
    }
    toast(t('photo_queued'));
    ev.target.value = '';
  };
  const sent = (await queue.cacheGet('attachments:' + id)) || [];
  const waitingPhotos = mine('attachment');
  const cancelBox = h('div', { id: 'cancel-box', hidden: true },
    h('label', { class: 'field' }, h('span', { class: 'label' }, t('cancel_reason'), h('span', { class: 'req' }, ' *')), h('textarea', { id: 'cancel-reason', rows: 2, maxlength: 500 })),
    h('p', { class: 'error', id: 'cancel-error' }),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'primary', id: 'cancel-confirm', onclick: async () => {
        const reason = document.getElementById('cancel-reason').value.trim();
        if (!reason) { document.getElementById('cancel-error').textContent = t('cancel_reason_needed'); return; }
        const notes = [a.notes, t('cancel_reason') + '：' + reason].filter(Boolean).join('\n');
        await queue.enqueue({ op: 'updateActivity', payload: { activityId: id, patch: { status: 'cancelled', notes }, version: a._queued ? null : a.version }, activityId: id, label: `${t('cancel_record')}：${a.title}` });
        toast(t('cancel_queued')); render();
      } }, t('cancel_record')),
      h('button', { type: 'button', onclick: () => { cancelBox.hidden = true; } }, t('keep_record'))));
  const st = a._queued ? (a._queued === 'failed' ? t('queued_failed') : t('queued_local')) : label('activity_statuses', a.status);
  return h('section', { class: 'card', id: 'activity', dataset: { id, status: a.status } },
    h('a', { href: '#/today', class: 'link' }, '← ', t('back')),
    note ? h('p', { class: 'notice' }, note) : null,
    failedItem ? h('p', { class: 'notice', id: 'refused' }, t('refused_here'), ' ', h('a', { class: 'link', href: '#/fix/' + failedItem.seq }, t('open_fix'))) : null,
    h('h2', {}, a.title),
    h('p', { class: 'act-meta' }, label('activity_kinds', a.kind), ' · ',
      h('span', { class: 'badge ' + (a._queued ? 'queued' : a.status), id: 'status' }, st)),
    h('p', { class: 'next-step', id: 'next-step' }, '→ ', nextStep(a)),
    reviewNote(a),
    details(a),
    warningOffer(a, me),
    mapBox,
    canWork && open ? h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'primary', id: 'arrive', onclick: doCheckin('arrive') }, t('arrive')),
      h('button', { type: 'button', class: 'primary', id: 'depart', onclick: doCheckin('depart') }, t('depart'))) : null,
    geoStatus,
    isEvent && me.role === 'volunteer' && endsAt(a) ? h('p', { class: 'muted', id: 'checkin-window' }, t('checkin_window', {
      from: fmtDate(new Date(new Date(a.scheduled_at).getTime() - 3_600_000).toISOString()),
      to: fmtDate(new Date(new Date(endsAt(a)).getTime() + 3_600_000).toISOString()) })) : null,
    h('h3', {}, t('checkins')), checks.length ? checkList : [h('p', { class: 'muted', id: 'no-checkins' }, t('no_checkins')), checkList],
    isEvent && canWork && !a._queued ? await rosterSection(a) : null,
    canWork ? [
      h('h3', {}, t('attachments')),
      h('ul', { class: 'plain', id: 'attachments' },
        sent.map((x) => h('li', {}, h('a', { class: 'link', href: '/api/v1/attachments/' + encodeURIComponent(x.id), target: '_blank', rel: 'noopener' }, `${t('attachment')} · ${x.content_type || ''} · ${x.size ? Math.round(x.size / 1024) + ' KB' : ''}`))),
        waitingPhotos.map((i) => h('li', { class: 'muted' }, `📷 ${i.payload.name} · ${t('st_' + i.status)}`))),
      open ? h('div', { class: 'actions' },
        h('label', { class: 'button' }, t('photo_take'), h('input', { type: 'file', accept: 'image/*', capture: 'environment', class: 'visually-hidden', id: 'photo-take', onchange: onPhoto })),
        h('label', { class: 'button' }, t('photo_choose'), h('input', { type: 'file', accept: 'image/*,application/pdf', multiple: true, class: 'visually-hidden', id: 'photo-choose', onchange: onPhoto }))) : null,
      preview,
      await historySection(a),
      h('div', { class: 'actions' },
        // A kind this client has no form for (a newer server's) is shown, not edited.
        PART_OF[a.kind] ? h('a', { class: 'button', id: 'edit', href: '#/edit/' + encodeURIComponent(id) }, t('edit')) : null,
        open && PART_OF[a.kind] ? h('a', { class: 'button primary', id: 'complete', href: '#/edit/' + encodeURIComponent(id) + '?complete' }, t('complete')) : null,
        open ? h('button', { type: 'button', class: 'ghost', id: 'cancel-record', onclick: () => { cancelBox.hidden = false; document.getElementById('cancel-reason').focus(); } }, t('cancel_record')) : null),
      cancelBox,
    ] : null,
    isEvent && me.role === 'volunteer' ? signupButtons(a) : null);
}

// Unused imports kept out: formatDate and formatTime are re-exported for screens that list by day.
export { formatDate, formatTime };
