// screens/manager.js — the manager's tabs and routes, and volunteer
// approvals (approve, or reject with a reason the applicant sees on
// sign-in). The other screens live in manager-kpi.js, manager-review.js and
// manager-declarations.js.

import * as api from '../api.js';
import * as mapi from '../api-manager.js';
import * as queue from '../queue.js';
import { t, fmtDate } from '../i18n.js';
import { h, field } from '../dom.js';
import { toast, errText, go, missing } from '../shell.js';
import { mt } from './manager-common.js';
import { kpiView, kpiDetailView } from './manager-kpi.js';
import { reviewView, reviewRecordView } from './manager-review.js';
import { declarationsView, drawView } from './manager-declarations.js';
import { registerView, registrationView, warningsView, warningView } from './manager-ethics.js';
import { analysisView } from './manager-analysis.js';

export { kpiView };

/** managerTabs are the bottom tabs of managers and admins. */
export function managerTabs() {
  return [['kpi', 'tab_kpi'], ['review', '', () => mt('tab_review')], ['decl', '', () => mt('mtab_decl')],
    ['m-reg', '', () => mt('tab_ethics')],
    ['approvals', '', () => mt('mtab_approve')], ['today', 'tab_records'], ['new', 'tab_new']];
}
/** MANAGER_PARENT: the tab a sub-screen belongs to. */
export const MANAGER_PARENT = { kpid: 'kpi', rv: 'review', draw: 'decl', reject: 'approvals', review: 'review', decl: 'decl',
  'm-reg': 'm-reg', 'm-reg1': 'm-reg', 'm-warn': 'm-reg', 'm-warn1': 'm-reg', 'm-ana': 'm-reg' };
/** MANAGER_ROUTES are the screens the shell's router adds for managers. */
export const MANAGER_ROUTES = (r) => ({
  kpid: () => kpiDetailView(r.arg),
  review: reviewView,
  rv: () => reviewRecordView(r.arg),
  decl: declarationsView,
  draw: () => drawView(r.arg),
  reject: () => rejectView(r.arg),
  'm-reg': registerView,
  'm-reg1': () => registrationView(r.arg),
  'm-warn': warningsView,
  'm-warn1': () => warningView(r.arg),
  'm-ana': analysisView,
});

export async function approvalsView() {
  const approve = (u) => async (ev) => {
    ev.target.disabled = true;
    await queue.enqueue({ op: 'approve', payload: { userId: u.id }, label: `${t('approve')}：${u.display_name || u.id}` });
    toast(t('approve_queued'));
  };
  let list, note = null;
  try { list = await mapi.volunteers('pending'); } catch (e) {
    if (e instanceof api.SessionExpired) throw e;
    list = null;
    note = errText(e);
  }
  let rejected = [];
  try { rejected = (await mapi.volunteers('rejected')).items; } catch (e) {
    if (e instanceof api.SessionExpired) throw e;
    // Before the server knows the rejected status it answers 400: nothing to list apart.
  }
  const card = (u, actions) => h('li', { class: 'act', dataset: { user: u.username } },
    h('span', { class: 'act-title' }, u.display_name, ' (', u.username, ')'),
    h('span', { class: 'act-meta' }, [u.phone, u.email].filter(Boolean).join(' · '), ' · ', mt('registered_on', { d: fmtDate(u.created_at) })),
    actions);
  const items = list?.items || [];
  return h('section', { id: 'approvals' },
    h('h2', {}, t('tab_approve')),
    note ? h('p', { class: 'notice' }, note) : null,
    list ? (items.length ? h('ul', { class: 'acts', id: 'pending-list' }, items.map((u) => card(u,
      h('div', { class: 'act-actions' },
        h('button', { type: 'button', class: 'primary', onclick: approve(u) }, t('approve')),
        h('a', { class: 'button reject', href: '#/reject/' + encodeURIComponent(u.id), 'aria-label': mt('reject_who', { u: u.display_name }) }, mt('reject')))))) : h('p', { class: 'muted' }, t('no_pending'))) : null,
    rejected.length ? h('section', { id: 'rejected' },
      h('h3', {}, mt('rejected_h', { n: rejected.length })),
      h('ul', { class: 'acts rejected-list' }, rejected.map((u) => card(u,
        h('p', { class: 'rejected-why' }, mt('rejected_reason', { r: u.rejection_reason || '–' })))))) : null);
}

/** rejectView asks the reason for rejecting an application (required: the
 * applicant reads it when signing in). */
export async function rejectView(id) {
  let u = null;
  try { u = (await mapi.volunteers('pending')).items.find((x) => x.id === id); } catch (e) {
    if (e instanceof api.SessionExpired) throw e;
  }
  const reason = h('textarea', { name: 'reason', id: 'reject-reason', required: true, maxlength: 500});
  const err = h('p', { class: 'error', role: 'alert', id: 'reject-error' });
  const send = h('button', { type: 'submit', class: 'danger' }, mt('reject_send'));
  return h('section', { id: 'reject' },
    h('a', { href: '#/approvals', class: 'link' }, '← ' + t('tab_approve')),
    h('h2', {}, mt('reject_h')),
    u ? h('p', {}, h('strong', {}, u.display_name), ` (${u.username}) · `, [u.phone, u.email].filter(Boolean).join(' · ')) : h('p', { class: 'notice' }, mt('reject_gone')),
    u ? h('form', { class: 'card', id: 'reject-form', novalidate: true, onsubmit: async (ev) => {
      ev.preventDefault();
      err.textContent = '';
      if (!reason.value.trim()) { err.textContent = mt('reason_needed'); reason.focus(); return; }
      send.disabled = true;
      try {
        await mapi.reject(id, reason.value.trim());
        toast(mt('rejected_toast', { u: u.display_name }));
        go('#/approvals');
      } catch (e) {
        if (e instanceof api.SessionExpired) throw e;
        err.textContent = missing(e) ? mt('not_yet_server') : errText(e);
      } finally { send.disabled = false; }
    } },
    field(mt('reject_reason'), reason, mt('reject_hint')),
    err,
    h('div', { class: 'actions' }, send, h('a', { class: 'button', href: '#/approvals' }, mt('cancel')))) : null);
}
