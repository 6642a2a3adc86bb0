// screens/volunteer.js — the volunteer's events, sign-ups, check-ins and hours,
// and the staff roster of an event.

import * as api from '../api.js';
import * as queue from '../queue.js';
import { t, label, fmtDate } from '../i18n.js';
import { h } from '../dom.js';
import { $, toast, errText, missing } from '../shell.js';
import { startOfToday, isoLocal, loadActivities, activityCard } from './records.js';

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

export function signupButtons(a) {
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

export async function eventsView() {
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

export async function hoursView() {
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
