// screens/volunteer.js — the volunteer's events, sign-ups, check-ins and hours
// (with the printable service-hours certificate), and the staff roster of an
// event.

import * as api from '../api.js';
import * as queue from '../queue.js';
import { t, label, fmtDate, getLang } from '../i18n.js';
import { h } from '../dom.js';
import { toast, errText, missing } from '../shell.js';
import { loadActivities, locate } from './records.js';
import { rocYear, hoursMinutes } from '../format.js';

const HOUR = 3_600_000;

/** endsAt is an event's end: event.ends_at for staff, ends_at for volunteers. */
export const endsAt = (a) => a?.event?.ends_at || a?.ends_at || null;

/** statusBadge shows whether an attendance's hours count. */
export function statusBadge(status) {
  if (!status || status === 'none') return null;
  return h('span', { class: 'badge att-' + status, dataset: { attendance: status } }, t('att_' + status));
}

/** rosterSection lists the volunteers of an event for staff, with their
 * hours and whether they count; managers and admins confirm or reject
 * hours that wait (and may reverse a decision). */
export async function rosterSection(a) {
  let r;
  try { r = await api.roster(a.id); } catch (e) {
    if (e instanceof api.SessionExpired) throw e;
    return h('p', { class: 'muted' }, t('roster'), '：', volErr(e));
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
    h('p', { class: 'muted' }, t('roster_hours', { c: hoursMinutes(r.confirmed_hours ?? 0), u: hoursMinutes(r.unconfirmed_hours ?? 0) })),
    items.length ? h('ul', { class: 'acts' }, items.map((v) => h('li', { class: 'act', dataset: { user: v.user_id, attendance: v.attendance_status } },
      h('span', { class: 'act-title' }, v.display_name, v.status === 'cancelled' ? ' · ' + t('signup_cancelled') : ''),
      h('span', { class: 'act-meta' }, t('hours'), ' ', v.hours == null ? '–' : hoursMinutes(v.hours), ' ', statusBadge(v.attendance_status),
        v.decision_reason ? ' · ' + v.decision_reason : ''),
      decides && v.attendance_status && v.attendance_status !== 'none' ? h('span', { class: 'q-actions' },
        v.attendance_status !== 'confirmed' ? h('button', { type: 'button', class: 'small', dataset: { confirm: v.user_id }, onclick: decide(v, 'confirmAttendance') }, t('confirm')) : null,
        v.attendance_status !== 'rejected' ? h('button', { type: 'button', class: 'small ghost', dataset: { reject: v.user_id }, onclick: decide(v, 'rejectAttendance') }, t('reject')) : null) : null))) :
      h('p', { class: 'muted' }, t('no_signups')));
}

/** volErr is a failed call as a sentence a volunteer understands: the
 * errors of sign-ups and check-ins by code and message, never a raw code. */
export function volErr(e) {
  if (!e) return '';
  if (e.network || e.status === 0) return t('vol_err_network');
  const w = /check-in (opens|closed) at (\d{4}-\d\d-\d\d \d\d:\d\d)/.exec(e.fields?.captured_at || '');
  if (w) return t(w[1] === 'opens' ? 'checkin_opens' : 'checkin_closed', { at: w[2] });
  const msg = e.message || '';
  switch (e.code) {
    case 'capacity_full': return t('vol_err_full');
    case 'period_closed': return t('vol_err_period_closed');
    case 'forbidden': return /sign-up|signup/.test(msg) ? t('vol_err_no_signup') : t('vol_err_forbidden');
    case 'not_found': return t('vol_err_not_found');
    case 'unauthenticated': return t('vol_err_unauthenticated');
    case 'conflict':
      if (/arrived/.test(msg)) return t('cancel_after_arrival');
      if (/started/.test(msg)) return t('vol_err_started');
      if (/cancelled/.test(msg)) return t('vol_err_cancelled');
      if (/outreach/.test(msg)) return t('vol_err_no_signups');
      return t('vol_err_conflict');
    case 'validation_failed': return t('vol_err_invalid');
    case 'rate_limited': return t('vol_err_rate_limited');
    default: return t('vol_err_other');
  }
}

/** eventState is what a volunteer can do with an event now: open (報名),
 * signed (已報名, may cancel until the start), full, none (the event takes no
 * sign-ups), started (sign-ups closed), ended, cancelled. */
export function eventState(a, now = Date.now()) {
  const start = new Date(a.scheduled_at).getTime();
  const end = new Date(endsAt(a) || a.scheduled_at).getTime();
  if (a.status === 'cancelled') return 'cancelled';
  if (now > end || a.status === 'completed') return 'ended';
  if (a.signed_up) return 'signed';
  if (a.kind !== 'outreach_event') return 'none';
  if (now >= start || a.status === 'in_progress') return 'started';
  if ((a.event?.free_places ?? 0) <= 0) return 'full';
  return 'open';
}

/** inWindow tells whether a volunteer may check in now: from 1 h before the
 * start to 1 h after the end, as the server enforces it. */
export function inWindow(a, now = Date.now()) {
  const start = new Date(a.scheduled_at).getTime();
  const end = new Date(endsAt(a) || a.scheduled_at).getTime();
  return now >= start - HOUR && now <= end + HOUR;
}

const mapsLink = (a) => {
  const where = a.site_address || a.site_name;
  if (!where) return null;
  return h('a', { class: 'button maps', href: 'https://maps.google.com/?q=' + encodeURIComponent(where), target: '_blank', rel: 'noopener',
    'aria-label': t('open_map_of', { place: a.site_name || where }) }, t('open_map'));
};

// Times of an event: the day once, 上午/下午 kept together.
function timeRange(a) {
  const s = new Date(a.scheduled_at), e = endsAt(a) ? new Date(endsAt(a)) : null;
  const loc = getLang() === 'en' ? 'en-GB' : 'zh-TW';
  const day = s.toLocaleDateString(loc, { month: 'numeric', day: 'numeric', weekday: 'short' });
  const tm = (d) => d.toLocaleTimeString(loc, { hour: 'numeric', minute: '2-digit' });
  const sameDay = e && e.toDateString() === s.toDateString();
  return h('span', { class: 'when' }, h('span', { class: 'nowrap' }, day), ' ', h('span', { class: 'nowrap' }, tm(s)),
    e ? [' – ', h('span', { class: 'nowrap' }, sameDay ? tm(e) : e.toLocaleDateString(loc, { month: 'numeric', day: 'numeric' }) + ' ' + tm(e))] : '');
}

/** act runs a volunteer's write: at once when online, so that the card can
 * show the server's answer; through the offline queue otherwise. */
async function act(op, payload, a, labelKey) {
  if (!navigator.onLine) {
    await queue.enqueue({ op, payload, activityId: a.id, label: `${t(labelKey)}：${a.title}` });
    return { queued: true };
  }
  try {
    await api.perform(op, payload);
  } catch (e) {
    // A weak signal: keep the action on the phone; the queue resends it.
    if (!e.network) throw e;
    await queue.enqueue({ op, payload, activityId: a.id, label: `${t(labelKey)}：${a.title}` });
    return { queued: true };
  }
  return { queued: false };
}

/** signupButtons are the sign-up state and actions of one event. */
export function signupButtons(a) {
  const box = h('div', { class: 'vol-state', dataset: { state: eventState(a) } });
  fillState(box, a);
  return box;
}

function fillState(box, a) {
  const st = eventState(a);
  box.dataset.state = st;
  const msg = h('p', { class: 'error', role: 'alert' });
  const refresh = async () => {
    try {
      const fresh = await api.activity(a.id);
      await queue.cachePut('activity:' + a.id, fresh);
      const card = box.closest('li.act');
      if (card) card.replaceWith(eventCard(fresh));
      else { Object.assign(a, fresh); fillState(box, a); }
    } catch (e) { if (e instanceof api.SessionExpired) throw e; msg.textContent = volErr(e); }
  };
  const run = (op, labelKey, done, payload = { activityId: a.id }) => async (ev) => {
    ev.currentTarget.disabled = true;
    try {
      const r = await act(op, payload, a, labelKey);
      toast(r.queued ? t(done + '_queued') : t(done + '_done'));
      if (!r.queued) await refresh();
      else ev.currentTarget.disabled = false;
    } catch (e) {
      if (e instanceof api.SessionExpired) throw e;
      msg.textContent = volErr(e);
      if (e.code === 'capacity_full' || e.code === 'conflict') await refresh().then(() => {
        const again = document.querySelector(`li.act[data-id="${CSS.escape(a.id)}"] .vol-state .error`);
        if (again) again.textContent = volErr(e);
      });
      else ev.currentTarget.disabled = false;
    }
  };
  const checkin = (type) => async (ev) => {
    const btn = ev.currentTarget;
    btn.disabled = true;
    msg.textContent = t('locating');
    let p;
    try { p = await locate(); } catch (e) { msg.textContent = t('geo_denied', { msg: e.message }); btn.disabled = false; return; }
    const c = { id: crypto.randomUUID(), type, lat: p.coords.latitude, lng: p.coords.longitude,
      accuracy_m: Math.round(p.coords.accuracy * 10) / 10, captured_at: new Date(p.timestamp || Date.now()).toISOString() };
    msg.textContent = '';
    try {
      const r = await act('checkin', { activityId: a.id, checkin: c }, a, type === 'arrive' ? 'vol_arrive' : 'vol_depart');
      box.querySelector('.vol-done')?.replaceChildren(r.queued ? t('checkin_queued') : t(type === 'arrive' ? 'arrived_ok' : 'departed_ok'));
    } catch (e) { if (e instanceof api.SessionExpired) throw e; msg.textContent = volErr(e); }
    btn.disabled = false;
  };
  const badge = h('span', { class: 'badge vol-' + st, dataset: { volState: st } }, t('vol_state_' + st));
  const buttons = [];
  if (st === 'open') buttons.push(h('button', { type: 'button', class: 'primary', dataset: { signup: a.id }, onclick: run('signup', 'sign_up', 'signup') }, t('sign_up')));
  if (st === 'signed' && Date.now() < new Date(a.scheduled_at).getTime()) {
    buttons.push(h('button', { type: 'button', class: 'ghost', dataset: { cancel: a.id }, onclick: run('cancelSignup', 'cancel_signup', 'cancel') }, t('cancel_signup')));
  }
  if (a.signed_up && a.kind === 'outreach_event' && inWindow(a)) {
    buttons.push(h('button', { type: 'button', class: 'primary', dataset: { arrive: a.id }, onclick: checkin('arrive') }, t('vol_arrive')));
    buttons.push(h('button', { type: 'button', dataset: { depart: a.id }, onclick: checkin('depart') }, t('vol_depart')));
  }
  box.replaceChildren(...[h('p', { class: 'vol-badge' }, badge),
    buttons.length ? h('div', { class: 'actions' }, buttons) : null,
    a.signed_up && a.kind === 'outreach_event' && st !== 'ended' && !inWindow(a) ? h('p', { class: 'muted', dataset: { checkinHint: a.id } }, t('checkin_from', { at: fmtDate(new Date(new Date(a.scheduled_at).getTime() - HOUR).toISOString()) })) : null,
    h('p', { class: 'vol-done good', 'aria-live': 'polite' }), msg].filter(Boolean));
}

/** eventCard is one event as a volunteer sees it. */
export function eventCard(a) {
  const free = a.event?.free_places;
  const st = eventState(a);
  return h('li', { class: 'act event-card', dataset: { id: a.id, title: a.title, state: st } },
    h('h3', { class: 'act-title' }, a.title),
    h('p', { class: 'act-meta' }, label('activity_kinds', a.kind), a.audience ? ' · ' + t('audience') + '：' + a.audience : ''),
    h('p', { class: 'ev-when' }, timeRange(a)),
    a.site_name || a.site_address ? h('div', { class: 'ev-place' },
      h('p', {}, h('strong', {}, a.site_name || ''), a.site_address ? h('span', { class: 'addr' }, a.site_address) : null),
      mapsLink(a)) : null,
    a.kind === 'outreach_event' && typeof free === 'number' ? h('p', { class: 'places', dataset: { free } },
      t('free_places', { n: free }), ' / ', t('capacity', { n: a.event?.volunteer_capacity ?? 0 })) : null,
    signupButtons(a));
}

export async function eventsView() {
  // Past events of the last 90 days are kept apart, below the upcoming ones.
  const from = new Date(Date.now() - 90 * 86_400_000);
  const { items, note } = await loadActivities({ from: from.toISOString() }, 'list:events');
  const now = Date.now();
  const events = items.filter((a) => (a.kind === 'outreach_event' || a.kind === 'ethics_promotion') && a.status !== 'cancelled')
    .sort((x, y) => String(x.scheduled_at).localeCompare(String(y.scheduled_at)));
  const ended = (a) => eventState(a, now) === 'ended';
  const upcoming = events.filter((a) => !ended(a));
  const past = events.filter(ended).reverse();
  return h('section', { id: 'events' },
    note ? h('p', { class: 'notice' }, note) : null,
    h('h2', {}, t('events_upcoming')),
    upcoming.length ? h('ul', { class: 'acts', id: 'events-upcoming' }, upcoming.map(eventCard)) : h('p', { class: 'muted' }, t('no_events')),
    past.length ? [h('h2', {}, t('events_past')), h('ul', { class: 'acts past', id: 'events-past' }, past.map(eventCard))] : null);
}

async function participation(year) {
  let data, note = null;
  try { data = await api.participation(year); await queue.cachePut('participation:' + year, data); } catch (e) {
    if (e instanceof api.SessionExpired) throw e;
    data = await queue.cacheGet('participation:' + year);
    note = missing(e) ? t('vol_err_not_found') : (e.network ? t('cached_copy') : volErr(e));
  }
  return { data, note };
}

const dateOnly = (iso) => {
  const d = new Date(iso);
  if (isNaN(d)) return '';
  return getLang() === 'en' ? d.toLocaleDateString('en-GB') : `${rocYear(d)}/${d.getMonth() + 1}/${d.getDate()}`;
};

function hoursRow(i) {
  return h('li', { class: 'act', dataset: { attendance: i.attendance_status || 'none', activity: i.activity_id } },
    h('span', { class: 'act-title' }, i.title),
    h('span', { class: 'act-meta' }, dateOnly(i.scheduled_at), i.site_name ? ' · ' + i.site_name : '', ' · ',
      i.hours == null ? t(i.open ? 'still_open' : 'no_hours_yet') : h('span', { class: 'hm', title: t('hm_hint') }, hoursMinutes(i.hours)), ' ',
      statusBadge(i.attendance_status), i.decision_reason ? ' · ' + i.decision_reason : ''));
}

/** certificate is the year's 志工服務時數證明: confirmed hours only. */
function certificate(year, data) {
  const me = api.currentUser();
  const rows = (data?.items || []).filter((i) => i.attendance_status === 'confirmed' && (i.confirmed_hours ?? 0) > 0);
  return h('section', { id: 'certificate', class: 'certificate', 'aria-labelledby': 'cert-title' },
    h('h2', { id: 'cert-title' }, t('cert_title')),
    h('p', {}, t('cert_body', { name: me?.display_name || '', y: getLang() === 'en' ? year : rocYear(year), office: t('office_name') })),
    h('table', {},
      h('caption', { class: 'visually-hidden' }, t('cert_title')),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('cert_date')), h('th', { scope: 'col' }, t('cert_event')), h('th', { scope: 'col', class: 'num' }, t('cert_hours')))),
      h('tbody', {}, rows.length ? rows.map((i) => h('tr', {}, h('td', { class: 'nowrap' }, dateOnly(i.scheduled_at)), h('td', {}, i.title), h('td', { class: 'num' }, hoursMinutes(i.confirmed_hours))))
        : h('tr', {}, h('td', { colspan: 3 }, t('cert_none')))),
      h('tfoot', {}, h('tr', {}, h('th', { scope: 'row', colspan: 2 }, t('cert_total')), h('td', { class: 'num', id: 'cert-total' }, hoursMinutes(data?.total_hours ?? 0))))),
    h('p', { class: 'cert-sign' }, t('cert_issuer', { office: t('office_name') })),
    h('p', { class: 'cert-date' }, t('cert_issued', { d: dateOnly(new Date().toISOString()) })));
}

export async function hoursView() {
  const thisYear = new Date().getFullYear();
  const wanted = Number(sessionStorage.getItem('ethicsops.hours_year')) || thisYear;
  const year = Math.min(thisYear, Math.max(thisYear - 5, wanted));
  const { data, note } = await participation(year);
  const items = data?.items || [];
  const confirmed = items.filter((i) => i.attendance_status === 'confirmed');
  // A sign-up cancelled before any hours is no service: left out.
  const waiting = items.filter((i) => i.attendance_status === 'unconfirmed' || i.attendance_status === 'rejected');
  const noHours = items.filter((i) => (!i.attendance_status || i.attendance_status === 'none') && i.signup_status !== 'cancelled');
  const picker = h('select', { id: 'hours-year', name: 'year', onchange: (ev) => {
    sessionStorage.setItem('ethicsops.hours_year', ev.target.value);
    hoursView().then((v) => document.getElementById('hours')?.replaceWith(v));
  } }, Array.from({ length: 6 }, (_, k) => thisYear - k).map((y) =>
    h('option', { value: y, selected: y === year }, getLang() === 'en' ? String(y) : t('roc', { y: rocYear(y) }))));
  return h('section', { id: 'hours' },
    note ? h('p', { class: 'notice' }, note) : null,
    h('div', { class: 'no-print' },
      h('h2', {}, t('tab_hours')),
      h('label', { class: 'field' }, h('span', { class: 'label' }, t('year')), picker),
      h('p', { class: 'big', id: 'total-hours' }, t('total_hm', { hm: hoursMinutes(data?.total_hours ?? 0) })),
      (data?.unconfirmed_hours ?? 0) > 0 ? h('p', { id: 'pending-hours' }, t('pending_hm', { hm: hoursMinutes(data.unconfirmed_hours) })) : null,
      h('h3', {}, t('hours_confirmed')),
      confirmed.length ? h('ul', { class: 'acts', id: 'hours-confirmed' }, confirmed.map(hoursRow)) : h('p', { class: 'muted' }, t('none_yet')),
      h('h3', {}, t('hours_waiting')),
      waiting.length ? h('ul', { class: 'acts', id: 'hours-waiting' }, waiting.map(hoursRow)) : h('p', { class: 'muted' }, t('none_yet')),
      noHours.length ? [h('h3', {}, t('hours_signed_up')), h('ul', { class: 'acts', id: 'hours-signed-up' }, noHours.map(hoursRow))] : null,
      h('button', { type: 'button', class: 'primary wide', id: 'print-cert', onclick: () => window.print() }, t('cert_print')),
      h('p', { class: 'muted' }, t('cert_hint'))),
    certificate(year, data));
}
